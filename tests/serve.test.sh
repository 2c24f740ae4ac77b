#!/bin/sh
# kbgen serve over HTTP (curl): a copy of tests/fixtures/kb served on a
# free port; pages with the live-reload script (and the built files and
# site/ without it), media types, folders and 404s; paths that leave the
# folder (.., encoded .., NUL, links) and huge headers and URLs refused;
# a port in use named; an edit seen as an SSE "reload" and in the page;
# a content error as a "diag" event with path:line:col while the last
# good build stays served; the fix as "reload"; the theme, new folders,
# deleted and renamed files followed; a first build that fails; SIGINT
# and SIGTERM stop it cleanly (private folder removed, exit 0).
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
TOP=$PWD
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
SPID="" EPID=""
cleanup() {
	for p in $SPID $EPID; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/lib.sh"
K=$TMP/kb
LOGF=$TMP/serve.log
# Sanitizer and valgrind builds are slower: waits are generous.
WAIT=${SERVE_WAIT:-30}

if ! command -v curl >/dev/null 2>&1; then
	fail curl "not installed (run tests/deps-test.sh)"
	finish
fi

# start_serve DIR LOG [ARGS]: kbgen serve in the background on a free
# port; sets SPID and PORT (empty when it did not start).
start_serve() {
	d=$1 l=$2
	shift 2
	: >"$l"		# before the child opens it: sed reads it at once
	"$KBGEN" -C "$d" serve --port 0 "$@" >"$l" 2>&1 &
	SPID=$!
	PORT=""
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		PORT=$(sed -n 's#^kbgen: serving http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$l")
		[ -n "$PORT" ] && return 0
		kill -0 "$SPID" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# stop_serve SIGNAL: signal SPID, wait for it; sets STOPRC (124: it did
# not stop within WAIT seconds and was killed).
stop_serve() {
	kill -"$1" "$SPID"
	if ! retry gone "$SPID"; then
		kill -9 "$SPID"
		wait "$SPID" 2>/dev/null
		STOPRC=124
	else
		wait "$SPID"
		STOPRC=$?
	fi
	SPID=""
}
# gone PID: the process has ended
gone() { ! kill -0 "$1" 2>/dev/null; }
# get PATH FILE: the status of GET http://127.0.0.1:PORT/PATH, body in FILE
get() {
	curl -s --path-as-is -o "$2" -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}
# retry CMD...: until CMD succeeds, every 0.1 s (1 if not within WAIT s)
retry() {
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_grep FILE TEXT: until FILE holds TEXT
wait_grep() { retry grep -qF -- "$2" "$1" 2>/dev/null; }
# page_has PATH TEXT / page_is PATH CODE: GET PATH (body in $TMP/wp)
page_has() { get "$1" "$TMP/wp" >/dev/null; grep -qF -- "$2" "$TMP/wp"; }
page_is() { [ "$(get "$1" "$TMP/wp")" = "$2" ]; }
# wait_page PATH TEXT: until the page at PATH holds TEXT
wait_page() { retry page_has "$@"; }
# wait_status PATH CODE: until PATH answers CODE
wait_status() { retry page_is "$@"; }
# events FILE: open the event stream into FILE in the background (EPID)
events() {
	: >"$1"
	curl -sN "http://127.0.0.1:$PORT/__kbgen/events" >"$1" 2>/dev/null &
	EPID=$!
	wait_grep "$1" "retry:"
}
stop_events() {
	[ -z "$EPID" ] || { kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; }
	EPID=""
}
# rebuilds: how many builds the log reports after the first
rebuilds() {
	grep -c '^kbgen: rebuilt in\|^kbgen: the build failed' "$LOGF"
}
more_rebuilds() { [ "$(rebuilds)" -gt "$1" ]; }

cp -r "$FIX" "$K"
cp -r "$TOP/templates" "$K/templates"
# site/, published before: serve must leave it exactly as it is.
if ! "$KBGEN" -q -C "$K" build 2>"$TMP/build.err"; then
	fail build "the fixture does not build" "$TMP/build.err"
	finish
fi
snapshot "$K/site" >"$TMP/site.before"
# The private build goes to KBGEN_SERVE_DIR, where a serve that was
# killed (no such process) left its folder.
SD=$TMP/servedir
mkdir -p "$SD/kbgen-serve-999999999-abcdef/site"
export KBGEN_SERVE_DIR="$SD"

if ! start_serve "$K" "$LOGF"; then
	fail start "kbgen serve did not say where it serves" "$LOGF"
	finish
fi
ok "start: serving http://127.0.0.1:$PORT/"
priv=$(sed -n 's#^kbgen: building .* into \(.*\)$#\1#p' "$LOGF")
case $priv in
"$SD"/kbgen-serve-[0-9]*-??????/site) ok "private folder in KBGEN_SERVE_DIR" ;;
*) fail "private folder in KBGEN_SERVE_DIR" "building into [$priv]" "$LOGF" ;;
esac
if [ -e "$SD/kbgen-serve-999999999-abcdef" ]; then
	fail "stale private folder" "a killed serve's folder was kept"
else
	ok "stale private folder removed"
fi
has "first build reported" "$LOGF" "kbgen: built in "

# Pages, with the script; other files as they are.
expect "GET /" "$(get / "$TMP/home")" 200
has "home has the live-reload script" "$TMP/home" '<script src="/__kbgen/live.js" data-gen="'
if grep -q '<script src="/__kbgen/live.js"[^<]*</script></body>' "$TMP/home"; then
	ok "script before </body>"
else
	fail "script before </body>" "not just before </body>" "$TMP/home"
fi
expect "GET use case" "$(get /usecases/btagging/ "$TMP/uc")" 200
has "use case page" "$TMP/uc" "Jet b-tagging in CMS"
has "use case page has the script" "$TMP/uc" "/__kbgen/live.js"
expect "index.html by name" "$(get /usecases/btagging/index.html "$TMP/uc2")" 200
ct=$(curl -s -o "$TMP/css" -w '%{content_type}' "http://127.0.0.1:$PORT/assets/style.css")
expect "CSS media type" "$ct" "text/css; charset=utf-8"
hasnt "CSS without the script" "$TMP/css" "__kbgen"
cmp -s "$TMP/css" "$priv/assets/style.css" && ok "CSS bytes as built" ||
    fail "CSS bytes as built" "differ from $priv/assets/style.css"
ct=$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/")
expect "HTML media type" "$ct" "text/html; charset=utf-8"
ct=$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/assets/search.js")
expect "JS media type" "$ct" "text/javascript; charset=utf-8"
ct=$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/sitemap.xml")
expect "XML media type" "$ct" "application/xml"
ct=$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/badges/btagging.svg")
expect "SVG media type" "$ct" "image/svg+xml"
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT/usecases/btagging")
expect "folder without / redirected" "$loc" "301 http://127.0.0.1:$PORT/usecases/btagging/"
expect "404" "$(get /no/such/page.html "$TMP/404")" 404
has "404 page is the site's" "$TMP/404" "$(sed -n 's/.*<title>\(.*\)<\/title>.*/\1/p' "$priv/404.html" | head -1)"
has "404 page has the script" "$TMP/404" "/__kbgen/live.js"
expect "HEAD" "$(curl -s -I -o "$TMP/head" -w '%{http_code} %{size_download}' "http://127.0.0.1:$PORT/")" "200 0"
expect "POST refused" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 "http://127.0.0.1:$PORT/")" 405
expect "live.js" "$(get /__kbgen/live.js "$TMP/live.js")" 200
has "live.js listens for reload" "$TMP/live.js" '"reload"'

# Paths that leave the folder, or hide in it.
expect "traversal .." "$(get /../../../../../../../../../../../../../../../../etc/passwd "$TMP/t")" 400
hasnt "traversal ..: nothing of /etc" "$TMP/t" "root:"
expect "traversal %2e%2e" "$(get /%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd "$TMP/t")" 400
expect "traversal %2E%2E%2F" "$(get /usecases/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F/etc/passwd "$TMP/t")" 400
expect "traversal ..%2f" "$(get /assets/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd "$TMP/t")" 400
expect "NUL escape" "$(get /index.html%00.css "$TMP/t")" 400
expect "bad escape" "$(get /index.html%zz "$TMP/t")" 400
expect "cut escape" "$(get /index.html%4 "$TMP/t")" 400
expect "control character" "$(get /a%0ab "$TMP/t")" 400
expect "dot file" "$(get /.htaccess "$TMP/t")" 400
ln -s /etc "$priv/etc-link"
ln -s /etc/passwd "$priv/pw.html"
ln -s "$K/content" "$priv/content-link"
expect "link to a folder outside" "$(get /etc-link/passwd "$TMP/t")" 404
expect "link to a file outside" "$(get /pw.html "$TMP/t")" 404
expect "link to the knowledge base" "$(get /content-link/site.yaml "$TMP/t")" 404
hasnt "no file outside served" "$TMP/t" "root:"
rm -f "$priv/etc-link" "$priv/pw.html" "$priv/content-link"

# Huge headers and URLs are refused; the server goes on.
big=$(head -c 100000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "http://127.0.0.1:$PORT/")
expect "huge header refused" "$code" 431
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/$big")
expect "huge URL refused" "$code" 414
expect "still serving" "$(get / "$TMP/t")" 200

# Bound to 127.0.0.1, only requests to a loopback name are answered: a
# page of another site that rebinds its name to 127.0.0.1 gets 403.
code=$(curl -s -o "$TMP/t" -w '%{http_code}' -H "Host: evil.example:$PORT" "http://127.0.0.1:$PORT/")
expect "Host of another site refused" "$code" 403
has "Host refusal says why" "$TMP/t" "only requests to localhost or 127.0.0.1"
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H "Host: evil.example" "http://127.0.0.1:$PORT/__kbgen/events")
expect "Host of another site: no event stream" "$code" 403
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost:$PORT" "http://127.0.0.1:$PORT/")
expect "Host localhost answered" "$code" 200

# A port in use: said, with the address, and a non-zero exit.
"$KBGEN" -C "$K" serve --port "$PORT" >"$TMP/inuse.log" 2>&1 &
p2=$!
if ! retry gone $p2; then
	kill $p2
	fail "port in use" "a second serve on $PORT kept running" "$TMP/inuse.log"
else
	wait $p2
	rc "port in use: exit 1" $? 1 "$TMP/inuse.log"
	has "port in use: names address and port" "$TMP/inuse.log" "cannot listen on 127.0.0.1:$PORT: Address already in use"
fi
"$KBGEN" -C "$K" serve --bind not-an-address >"$TMP/bind.log" 2>&1
rc "bad --bind: exit 1" $? 1 "$TMP/bind.log"
has "bad --bind said" "$TMP/bind.log" "--bind not-an-address: not an IPv4 or IPv6 address"
"$KBGEN" -C "$K" serve --port 70000 >"$TMP/port.log" 2>&1
rc "bad --port: exit 2" $? 2 "$TMP/port.log"
# Bound to every address, the server is meant to be reached by other
# names: any Host is answered, and the terminal says so.
"$KBGEN" -C "$K" serve --port 0 --bind 0.0.0.0 >"$TMP/any.log" 2>&1 &
p3=$!
i=0 p3port=""
while [ $i -lt 300 ] && [ -z "$p3port" ] && kill -0 $p3 2>/dev/null; do
	p3port=$(sed -n 's#^kbgen: serving http://0\.0\.0\.0:\([0-9]*\)/.*#\1#p' "$TMP/any.log")
	sleep 0.1; i=$((i + 1))
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: kb.example:$p3port" "http://127.0.0.1:${p3port:-1}/")
expect "--bind 0.0.0.0: any Host answered" "$code" 200
has "--bind 0.0.0.0: warned" "$TMP/any.log" "warning: --bind 0.0.0.0: other machines may reach this server"
kill $p3 2>/dev/null; wait $p3 2>/dev/null

# An edit: a "reload" event, and the page with it.
events "$TMP/ev1" || fail "event stream" "no retry line" "$TMP/ev1"
n0=$(rebuilds)
uc=$K/content/usecases/btagging.md
cp "$uc" "$TMP/btagging.orig"
echo "Serve marker one." >>"$uc"
if wait_grep "$TMP/ev1" "event: reload"; then ok "edit: reload event"
else fail "edit: reload event" "none" "$TMP/ev1" "$LOGF"; fi
if wait_page /usecases/btagging/ "Serve marker one."; then ok "edit: page has the change"
else fail "edit: page has the change" "not served" "$TMP/wp"; fi
if wait_grep "$LOGF" "kbgen: rebuilt in "; then ok "edit: rebuild reported"
else fail "edit: rebuild reported" "no line" "$LOGF"; fi
if grep -q '^kbgen: rebuilt in [0-9]* ms, [0-9]* files written, [0-9]* unchanged' "$LOGF"; then
	ok "rebuild line: ms and files written"
else
	fail "rebuild line: ms and files written" "no such line" "$LOGF"
fi
stop_events

# A content error: the errors as an event with path:line:col, in the
# terminal, and the last good build still served.
events "$TMP/ev2"
sed 's/^technologies: \[CNN, LSTM\]/technologies: [CNN, "<b>Bogus<\/b>"]/' "$uc" >"$TMP/bad.md"
cat "$TMP/bad.md" >"$uc"
if wait_grep "$TMP/ev2" "event: diag"; then ok "error: diag event"
else fail "error: diag event" "none" "$TMP/ev2" "$LOGF"; fi
has "error: path:line:col in the event" "$TMP/ev2" "data: $uc:4:21: error: unknown technology \"<b>Bogus</b>\""
has "error: in the terminal" "$LOGF" "$uc:4:21: error: unknown technology"
has "error: last good build said" "$LOGF" "the last good build is still served"
expect "error: page still served" "$(get /usecases/btagging/ "$TMP/uc3")" 200
has "error: last good build" "$TMP/uc3" "Serve marker one."
hasnt "error: no reload" "$TMP/ev2" "event: reload"
stop_events
# A page opened now gets the errors at once.
: >"$TMP/ev3"
curl -sN --max-time 3 "http://127.0.0.1:$PORT/__kbgen/events" >"$TMP/ev3" 2>/dev/null
has "error: a new page is told at once" "$TMP/ev3" "event: diag"

# The fix: "reload", and then no errors.
events "$TMP/ev4"
cat "$TMP/btagging.orig" >"$uc"
echo "Serve marker two." >>"$uc"
if wait_grep "$TMP/ev4" "event: reload"; then ok "fix: reload event"
else fail "fix: reload event" "none" "$TMP/ev4" "$LOGF"; fi
stop_events
if wait_page /usecases/btagging/ "Serve marker two."; then ok "fix: page has the change"
else fail "fix: page has the change" "not served" "$TMP/wp"; fi
curl -sN --max-time 2 "http://127.0.0.1:$PORT/__kbgen/events" >"$TMP/ev5" 2>/dev/null
has "fix: a new page has no errors" "$TMP/ev5" "event: clear"
hasnt "fix: no diag" "$TMP/ev5" "event: diag"

# The theme is watched.
sed 's#</footer>#<p>Theme marker.</p></footer>#' "$K/templates/base.mustache" >"$TMP/base"
if ! grep -q "Theme marker" "$TMP/base"; then
	echo '<p>Theme marker.</p>' >>"$TMP/base"
fi
cat "$TMP/base" >"$K/templates/base.mustache"
if wait_page / "Theme marker."; then ok "theme edit served"
else fail "theme edit served" "not served" "$TMP/wp" "$LOGF"; fi

# A new folder is watched from its creation on.
n1=$(rebuilds)
mkdir -p "$K/content/usecases/more/deeper"
sleep 1
n2=$(rebuilds)
echo "x" >"$K/content/usecases/more/deeper/notes.txt"
if retry more_rebuilds "$n2"; then ok "new subfolder watched"
else fail "new subfolder watched" "no rebuild after a write in a new folder ($n1 $n2)" "$LOGF"; fi
rm -rf "$K/content/usecases/more"

# A deleted file: its page goes, the others stay.
rm "$K/content/usecases/breast-density.md"
if wait_status /usecases/breast-density/ 404; then ok "deleted: page gone"
else fail "deleted: page gone" "still served" "$LOGF"; fi
expect "deleted: others stay" "$(get /usecases/btagging/ "$TMP/t")" 200
# A renamed file: the old page goes, the new one comes.
mv "$K/content/usecases/jet-gnn.md" "$K/content/usecases/jet-gnn-two.md"
if wait_status /usecases/jet-gnn-two/ 200; then ok "renamed: new page"
else fail "renamed: new page" "not served" "$LOGF"; fi
expect "renamed: old page gone" "$(get /usecases/jet-gnn/ "$TMP/t")" 404
# An editor's save: written aside, then renamed over the file.
sed 's/Serve marker two\./Serve marker three./' "$uc" >"$K/content/usecases/.btagging.md.swp"
mv "$K/content/usecases/.btagging.md.swp" "$uc"
if wait_page /usecases/btagging/ "Serve marker three."; then ok "save by rename served"
else fail "save by rename served" "not served" "$TMP/wp"; fi

# Nothing of serve in what was built, nor in site/.
if grep -rl "__kbgen" "$priv" >"$TMP/trace" 2>/dev/null; then
	fail "private folder without the script" "found in" "$TMP/trace"
else
	ok "private folder without the script"
fi
if grep -rl "__kbgen" "$K/site" >"$TMP/trace" 2>/dev/null; then
	fail "site/ without the script" "found in" "$TMP/trace"
else
	ok "site/ without the script"
fi
snapshot "$K/site" >"$TMP/site.after"
if cmp -s "$TMP/site.before" "$TMP/site.after"; then ok "site/ untouched"
else fail "site/ untouched" "site/ changed"; fi

# Ctrl-C with a page open: stops, removes its folder, exit 0.
events "$TMP/ev6"
stop_serve INT
rc "SIGINT: exit 0" "$STOPRC" 0 "$LOGF"
has "SIGINT: said" "$LOGF" "kbgen: stopping"
[ ! -e "${priv%/site}" ] && ok "SIGINT: private folder removed" ||
    fail "SIGINT: private folder removed" "${priv%/site} is still there"
stop_events
if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
	fail "SIGINT: port closed" "still answers"
else
	ok "SIGINT: port closed"
fi

# A first build that fails: errors at once, a 404 with the script, and
# the site once it is fixed; SIGTERM stops it.
K2=$TMP/kb2
cp -r "$FIX" "$K2"
uc2=$K2/content/usecases/btagging.md
cp "$uc2" "$TMP/bt2.orig"
sed 's/^technologies: \[CNN, LSTM\]/technologies: [Bogus]/' "$TMP/bt2.orig" >"$uc2"
LOGF=$TMP/serve2.log
# By default: a tmpfs with room ($XDG_RUNTIME_DIR, /dev/shm), else .kbgen.
unset KBGEN_SERVE_DIR
if ! start_serve "$K2" "$LOGF"; then
	fail "broken start" "kbgen serve did not start" "$LOGF"
	finish
fi
priv=$(sed -n 's#^kbgen: building .* into \(.*\)$#\1#p' "$LOGF")
case $priv in
"$K2"/.kbgen/kbgen-serve-*/site|/dev/shm/kbgen-serve-*/site|"${XDG_RUNTIME_DIR:-/nonesuch}"/kbgen-serve-*/site)
	ok "default private folder [${priv%/kbgen-serve-*}]" ;;
*) fail "default private folder" "building into [$priv]" "$LOGF" ;;
esac
has "broken start: error in the terminal" "$LOGF" "btagging.md:4:16: error: unknown technology"
expect "broken start: 404 meanwhile" "$(get / "$TMP/t")" 404
has "broken start: 404 has the script" "$TMP/t" "/__kbgen/live.js"
curl -sN --max-time 2 "http://127.0.0.1:$PORT/__kbgen/events" >"$TMP/ev7" 2>/dev/null
has "broken start: diag at once" "$TMP/ev7" "btagging.md:4:16: error: unknown technology"
cat "$TMP/bt2.orig" >"$uc2"
if wait_status / 200; then ok "broken start: fixed, served"
else fail "broken start: fixed, served" "still not served" "$LOGF"; fi
stop_serve TERM
rc "SIGTERM: exit 0" "$STOPRC" 0 "$LOGF"
[ ! -e "${priv%/site}" ] && ok "SIGTERM: private folder removed" ||
    fail "SIGTERM: private folder removed" "${priv%/site} is still there"
[ ! -e "$K2/site" ] && ok "never writes site/" || fail "never writes site/" "$K2/site exists"
finish
