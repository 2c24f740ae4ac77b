#!/bin/sh
# kbgen serve in a browser: headless Chromium driven by playwright-core
# (tests/browser/serve.test.js) on a copy of tests/fixtures/kb that
# kbgen serve serves on a free port: an edit reloads the open page with
# the change, an error shows the overlay with path:line:col, the fix
# takes it away.  Needs /usr/bin/chromium (or $CHROMIUM), node and
# tests/browser/node_modules (tests/deps-test.sh installs them); without
# them the suite fails.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
SPID=""
cleanup() {
	[ -z "$SPID" ] || kill "$SPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/lib.sh"

need_browser

cp -r "$TOP/tests/fixtures/kb" "$TMP/kb"
rm -rf "$TMP/kb/site" "$TMP/kb/.kbgen"
: >"$TMP/serve.log"
"$KBGEN" -C "$TMP/kb" serve --port 0 >"$TMP/serve.log" 2>&1 &
SPID=$!
i=0 PORT=""
while [ -z "$PORT" ] && [ $i -lt 300 ] && kill -0 $SPID 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
	PORT=$(sed -n 's#^kbgen: serving http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$TMP/serve.log")
done
if [ -z "$PORT" ]; then
	fail serve "kbgen serve did not start" "$TMP/serve.log"
	finish
fi
ok "serve on port $PORT"

# The node test prints its own ok/FAIL lines, counted here.
node "$TOP/tests/browser/serve.test.js" "$TMP/kb" "http://127.0.0.1:$PORT/" >"$TMP/out" 2>&1
rc=$?
tally "$TMP/out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/out"; then
	fail "browser tests" "node exited $rc" "$TMP/out"
fi
kill -INT $SPID
wait $SPID
rc "serve stops on SIGINT with pages open" $? 0 "$TMP/serve.log"
SPID=""
finish
