#!/bin/sh
# The search page in a browser: headless Chromium driven by playwright-core
# (tests/browser/search.test.js) on the shipped knowledge base (content/),
# built into a temporary folder, served over http on 127.0.0.1 and opened
# from file://; and the same knowledge base with one hostile use case
# (markup in its title, summary and body), to check that index text is
# shown as text.  Needs /usr/bin/chromium (or $CHROMIUM), node and
# tests/browser/node_modules (tests/deps-test.sh installs them); without
# them the suite fails.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
srv=""
cleanup() {
	[ -z "$srv" ] || kill "$srv" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! command -v node >/dev/null 2>&1; then
	echo "FAIL node: not installed (run tests/deps-test.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -d "$TOP/tests/browser/node_modules/playwright-core" ]; then
	echo "FAIL playwright-core: tests/browser/node_modules is missing (run tests/deps-test.sh, or npm ci in tests/browser)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "FAIL chromium: ${CHROMIUM:-/usr/bin/chromium} not found (run tests/deps-test.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi

mkdir -p "$TMP/kb"
cp -r "$TOP/content" "$TMP/kb/content"
if ! "$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site" 2>"$TMP/build.err"; then
	echo "FAIL build: content/ does not build"
	sed 's/^/    /' "$TMP/build.err"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "ok build content/"

# The same with one hostile use case: markup in its title, summary and
# body must reach the search page as text.
mkdir -p "$TMP/kb2"
cp -r "$TOP/content" "$TMP/kb2/content"
cat >"$TMP/kb2/content/usecases/zz-hostile.md" <<'EOF'
---
title: "Xyzzyhostile <img src=x onerror=\"window.kbPwned=1\"> title"
summary: "Xyzzyhostile summary <script>window.kbPwned=2</script> & <b>bold</b>"
technologies: [CNN]
fields: [Medical Physics]
tools: [Keras]
kind: tutorial
contacts: [luca-giommi]
---
Xyzzyhostile body with <img src=y onerror="window.kbPwned=3"> and
`<script>window.kbPwned=4</script>` in it.
EOF
if ! "$KBGEN" -q build -C "$TMP/kb2" -o "$TMP/site2" 2>"$TMP/build2.err"; then
	echo "FAIL build hostile: content/ with a hostile use case does not build"
	sed 's/^/    /' "$TMP/build2.err"
fi

# A static server on a free port of 127.0.0.1; it prints the port.
"$PY" - "$TMP/site" >"$TMP/port" 2>"$TMP/server.err" <<'PYEOF' &
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()
PYEOF
srv=$!
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$TMP/port")
if [ -z "$port" ]; then
	echo "FAIL http server: did not start"
	sed 's/^/    /' "$TMP/server.err"
	echo "1 passed, 1 failed"
	exit 1
fi
echo "# serving $TMP/site on http://127.0.0.1:$port/"

# The node test prints its own ok/FAIL lines; the summary adds the build.
node "$TOP/tests/browser/search.test.js" "$TMP/site" "http://127.0.0.1:$port/" "$TMP/site2" >"$TMP/out" 2>&1
rc=$?
grep -v '^[0-9]* passed, [0-9]* failed$' "$TMP/out"
p=$(grep -c '^ok ' "$TMP/out")
f=$(grep -c '^FAIL' "$TMP/out")
[ -f "$TMP/site2/search/meta.js" ] || f=$((f + 1))	# the hostile build failed
if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "FAIL browser tests: node exited $rc"
	f=$((f + 1))
fi
echo "$((p + 1)) passed, $f failed"
[ "$f" -eq 0 ]
