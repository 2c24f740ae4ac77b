#!/bin/sh
# The theme on a phone (390x844) and on a desktop (1280x800), with and
# without JavaScript: headless Chromium driven by playwright-core
# (tests/browser/phone.test.js) on two sites opened from file://:
# tests/fixtures/kb with tests/fixtures/events laid over it (so that it
# has a hackathon with a programme), and the shipped knowledge base
# (content/).  Needs /usr/bin/chromium (or $CHROMIUM), node and
# tests/browser/node_modules (tests/deps-test.sh installs them); without
# them the suite fails.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/lib.sh"

need_browser

cp -r "$TOP/tests/fixtures/kb" "$TMP/fix"
cp -r "$TOP/tests/fixtures/events/content/." "$TMP/fix/content/"
rm -rf "$TMP/fix/site" "$TMP/fix/.kbgen"
if ! "$KBGEN" -q build -C "$TMP/fix" -o "$TMP/fixsite" 2>"$TMP/fix.err"; then
	fail build "the fixture with its events does not build" "$TMP/fix.err"
	finish
fi
ok "build tests/fixtures/kb with tests/fixtures/events"

mkdir -p "$TMP/kb"
cp -r "$TOP/content" "$TMP/kb/content"
if ! "$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site" 2>"$TMP/kb.err"; then
	fail build "content/ does not build" "$TMP/kb.err"
	finish
fi
ok "build content/"

# The node test prints its own ok/FAIL lines, counted here.
node "$TOP/tests/browser/phone.test.js" "fixture=$TMP/fixsite" \
    "shipped=$TMP/site" >"$TMP/out" 2>&1
rc=$?
tally "$TMP/out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/out"; then
	fail "browser tests" "node exited $rc"
fi
finish
