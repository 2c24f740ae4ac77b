# Shared helpers of the test suites (sourced, not run): counters, the
# assertions, git fixtures and use-case files.  A suite sets KBGEN and
# TMP first, and ends with "finish".
#   ok NAME | fail NAME WHY [FILE...] | skip NAME WHY   one result line
#   expect NAME GOT WANT [FILE...]                      equal strings
#   has/hasnt NAME FILE TEXT                            fixed text in a file
#   rc NAME GOT WANT [FILE]                             exit status
#   tally FILE        the ok/FAIL/SKIP lines another program (Python,
#                     node) wrote to FILE: shown (less its own "N passed"
#                     line) and counted
# Fixtures: scratch (TMP and its EXIT trap, which also stops the
# server serve started), git_ and commit (git with a fixed author), mkuc (a use
# case), js (an expression over a JSON file), httpd (start the stub
# HTTP server, tests/httpd.py: sets SRV and PORT, logs to $LOG), serve
# DIR (a static server of a built site: sets SRV and PORT),
# need_browser (node, playwright-core and Chromium, or fail),
# requests (how many lines of that $LOG match), wait_for GLOB [SECONDS]
# (until a file matching GLOB exists; 1 if none did in SECONDS, 20 by
# default), snapshot DIR (a checksum line for every file under DIR, to
# compare a published site before and after).
# A skip prints "SKIP" and counts apart: it is never a pass.  A check
# of the test tools rather than of kbgen (the Slurm test cluster's) is
# named "cluster: ...": its pass counts apart too (tests/run.sh shows
# "cluster self-checks: N passed"), its failure as any other.
PASS=0 FAILS=0 SKIPS=0 CPASS=0
ok() {
	echo "ok $1"
	case $1 in
	"cluster: "*) CPASS=$((CPASS + 1)) ;;
	*) PASS=$((PASS + 1)) ;;
	esac
}
skip() { echo "SKIP $1: $2"; SKIPS=$((SKIPS + 1)); }
fail() {
	echo "FAIL $1: $2"
	FAILS=$((FAILS + 1))
	shift 2
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/    /' "$f" | cut -c1-200 | tail -30
	done
}
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		n=$1 g=$2 w=$3; shift 3
		fail "$n" "got [$g], want [$w]" "$@"
	fi
}
has() {
	if grep -qF -- "$3" "$2" 2>/dev/null; then ok "$1"
	else fail "$1" "not found in ${2#"$TMP"/}: $3" "$2"; fi
}
hasnt() {
	if [ ! -f "$2" ]; then fail "$1" "no file ${2#"$TMP"/}"
	elif grep -qF -- "$3" "$2"; then fail "$1" "found in ${2#"$TMP"/}: $3" "$2"
	else ok "$1"; fi
}
rc() {
	if [ "$2" -eq "$3" ]; then ok "$1"
	else fail "$1" "exit $2, want $3" "$4"; fi
}
tally() {
	grep -v '^[0-9]* passed, [0-9]* failed' "$1"
	PASS=$((PASS + $(grep '^ok ' "$1" | grep -vc '^ok cluster: ')))
	CPASS=$((CPASS + $(grep -c '^ok cluster: ' "$1")))
	FAILS=$((FAILS + $(grep -c '^FAIL' "$1")))
	SKIPS=$((SKIPS + $(grep -c '^SKIP' "$1")))
}
finish() {
	echo "$PASS passed, $FAILS failed, $SKIPS skipped$([ "$CPASS" -gt 0 ] &&
	    echo "; cluster self-checks: $CPASS passed")"
	[ "$FAILS" -eq 0 ]
	exit $?
}
git_() { git -c init.defaultBranch=main -c advice.detachedHead=false \
    -c user.name=Ann -c user.email=ann@example.org "$@"; }
commit() { (cd "$1" && git_ add -A && git_ commit -q -m "$2"); }
# mkuc DIR SLUG REPO EXAMPLE [RUN]: a use case in DIR; RUN is the run: value
mkuc() {
	{
		echo "---"
		echo "title: Use case $2"
		echo "summary: Fixture use case $2."
		echo "technologies: [CNN]"
		echo "fields: [HEP]"
		echo "tools: [Keras]"
		echo "kind: tutorial"
		echo "contacts: [ada-rossi]"
		echo "repository:"
		echo "  url: $3"
		echo "example: $4"
		[ -n "$5" ] && echo "run: $5"
		echo "added: 2022-01-01"
		echo "---"
		echo "Body of $2."
	} >"$1/$2.md"
}
# httpd [DIR]: start tests/httpd.py in the background, logging to $LOG
# and serving DIR; sets SRV (its pid, for the suite's EXIT trap to kill)
# and PORT.  A server that does not start fails the suite here.
httpd() {
	"${PY:-/usr/bin/python3}" "$PWD/tests/httpd.py" "$LOG" ${1:+"$1"} \
	    >"$TMP/port" 2>"$TMP/httpd.err" &
	SRV=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(head -1 "$TMP/port")
	if [ -z "$PORT" ]; then
		fail server "tests/httpd.py did not start" "$TMP/httpd.err"
		finish
	fi
}
# need_browser: node, tests/browser/node_modules (playwright-core) and
# Chromium ($CHROMIUM, default /usr/bin/chromium), or the suite fails
# here saying what to install.
need_browser() {
	if ! command -v node >/dev/null 2>&1; then
		fail node "not installed (run tests/deps-test.sh)"
		finish
	fi
	if [ ! -d "$PWD/tests/browser/node_modules/playwright-core" ]; then
		fail playwright-core "tests/browser/node_modules is missing (run tests/deps-test.sh, or npm ci in tests/browser)"
		finish
	fi
	if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		fail chromium "${CHROMIUM:-/usr/bin/chromium} not found (run tests/deps-test.sh)"
		finish
	fi
}
# scratch: TMP, a new folder, and an EXIT trap that stops the server
# serve started (SRV) and removes TMP; INT and TERM exit through it.
scratch() {
	TMP=$(mktemp -d)
	SRV=""
	trap '[ -z "$SRV" ] || kill "$SRV" 2>/dev/null; rm -rf "$TMP"' EXIT
	trap 'exit 1' INT TERM
}
# fresh_diff NAME [SUB]: whether site/SUB (all of site/ without SUB) of
# the knowledge base $K is, file for file, what a fresh full build of
# its content (and of its templates, when it has its own) makes; the
# differences in $TMP/NAME.diff, the fresh build's messages in
# $TMP/NAME.fresh
fresh_diff() {
	F=$TMP/fresh-$1
	rm -rf "$F"
	mkdir -p "$F"
	cp -r "$K/content" "$F/"
	[ ! -d "$K/templates" ] || cp -r "$K/templates" "$F/"
	"$KBGEN" -q -C "$F" build 2>"$TMP/$1.fresh"
	diff -r "$F/site/${2:-}" "$K/site/${2:-}" >"$TMP/$1.diff" 2>&1
	set -- $? "$@"
	rm -rf "$F"
	return "$1"
}
# same_as_fresh NAME [SUB]: fresh_diff as a check named NAME, showing
# the incremental build's report ($TMP/NAME.out) when it fails
same_as_fresh() {
	if fresh_diff "$@"; then
		ok "$1"
	elif [ -n "${2:-}" ]; then
		fail "$1" "$2/ differs from a full build's" "$TMP/$1.out" \
		    "$TMP/$1.diff"
	else
		fail "$1" "the incremental site differs from a full build" \
		    "$TMP/$1.out" "$TMP/$1.diff"
	fi
}
# serve DIR: serve the files of DIR (a built site) over http on a free
# port of 127.0.0.1, in the background; sets SRV (its pid, for the
# suite's EXIT trap to kill) and PORT.  One that does not start fails
# the suite here.
serve() {
	"${PY:-/usr/bin/python3}" - "$1" >"$TMP/port" 2>"$TMP/serve.err" <<'PYEOF' &
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()
PYEOF
	SRV=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(head -1 "$TMP/port")
	if [ -z "$PORT" ]; then
		fail "http server" "did not start" "$TMP/serve.err"
		finish
	fi
}
snapshot() {
	(cd "$1" && find . -type f | LC_ALL=C sort | xargs -r sha1sum)
}
wait_for() {
	i=0
	while [ $i -lt $((${2:-20} * 10)) ]; do
		for f in $1; do [ -e "$f" ] && return 0; done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# requests PATTERN: how many requests logged in $LOG (tests/httpd.py) match
requests() { grep -c -- "$1" "$LOG" 2>/dev/null || true; }
# js FILE EXPR: EXPR (Python) over d = the JSON of FILE; by(slug) finds
# the record of a slug in a list
js() {
	/usr/bin/python3 - "$1" "$2" <<'PYEOF' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
def by(slug):
    for x in (d if isinstance(d, list) else d["examples"]):
        if x.get("slug") == slug:
            return x
    return {}
print(eval(sys.argv[2]))
PYEOF
}
