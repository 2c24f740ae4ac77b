#!/bin/sh
# The gallery view in a browser: headless Chromium driven by
# playwright-core (tests/browser/gallery.test.js) on tests/fixtures/kb,
# built into a temporary folder, served over http on 127.0.0.1 and
# opened from file://: the Gallery button, ?view=gallery kept on reload
# and beside the catalogue's filters, and the list without JavaScript.
# Needs /usr/bin/chromium (or $CHROMIUM), node and
# tests/browser/node_modules (tests/deps-test.sh installs them); without
# them the suite fails.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
. "$TOP/tests/lib.sh"
scratch

need_browser

cp -r "$TOP/tests/fixtures/kb" "$TMP/kb"
rm -rf "$TMP/kb/site" "$TMP/kb/.kbgen"
if ! "$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site" 2>"$TMP/build.err"; then
	fail build "tests/fixtures/kb does not build" "$TMP/build.err"
	finish
fi
ok "build tests/fixtures/kb"

serve "$TMP/site"
port=$PORT

node "$TOP/tests/browser/gallery.test.js" "$TMP/site" "http://127.0.0.1:$port/" >"$TMP/out" 2>&1
rc=$?
tally "$TMP/out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/out"; then
	fail "browser tests" "node exited $rc"
fi
finish
