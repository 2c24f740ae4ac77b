#!/bin/sh
# kbgen import indico: Indico exports into content/seminars and into a
# hackathon's programme.  No network: tests/httpd.py serves recorded
# exports (tests/fixtures/indico) on 127.0.0.1 and logs each request.
# Cases: a category with events in Europe/Rome across DST (given in
# UTC and in the event's zone), in UTC, one crossing midnight; HTML
# abstracts with scripts, styles, iframes and javascript: links; a
# re-import that changes nothing (byte-identical files); a re-import
# that updates one seminar, adds one and keeps the keys added by hand;
# a 500 then 200 (retried), a 503 that stays (retried, then given up),
# a 404, a slow answer (timeout), invalid JSON, an HTML login page, a
# protected export (401, then the bearer token), each failure leaving
# content/ byte for byte as it was; a seminar file that does not parse
# (nothing written); the token never written to a file or a message;
# the programme of a hackathon (days, sessions, rooms, kinds, speakers
# matched to people ids, a hand-written session adopted, one kept, the
# body and other keys kept), re-imported unchanged, updated, a session
# gone from Indico removed, an export without a timetable refused; odd
# records (not objects, nulls, unknown zones, bad dates, no title,
# quotes and newlines in titles); usage errors.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$IMPORT_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY KBGEN_INDICO_TOKEN 2>/dev/null
# Short waits: one retry after 1 s.
KBGEN_HTTP_BACKOFF=1
export KBGEN_HTTP_BACKOFF
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
K=$TMP/kb
S=$K/content/seminars
H=$K/content/hackathons/fourth.md
LOG=$TMP/requests.log
TOKEN=secret-token-XYZ

. "$PWD/tests/lib.sh"
kb() { timeout 120 "$KBGEN" -C "$K" "$@"; }
# sums: a checksum of every file of content/ (names and bytes)
sums() { (cd "$K" && find content -type f | LC_ALL=C sort |
    while read -r f; do echo "$f"; cat "$f"; done | cksum); }
# sem SOURCE KEY: a seminar's value, read with PyYAML (independent of
# kbgen's own loader)
sem() {
	"$PY" - "$S" "$1" "$2" <<'EOF'
import glob, os, sys, yaml
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    for s in yaml.safe_load(open(f)) or []:
        if s.get("source") == sys.argv[2]:
            v = s.get(sys.argv[3])
            print(os.path.basename(f) if sys.argv[3] == "FILE" else
                  ("" if v is None else v if not isinstance(v, list)
                   else ",".join(map(str, v))))
EOF
}

# --- the server and the knowledge base -------------------------------
httpd
B=http://127.0.0.1:$PORT
mkdir -p "$TMP"
cp -R "$FIX/kb" "$K"
mkdir -p "$K/content/hackathons"
cat >"$H" <<'EOF'
---
title: Fourth ML_INFN Hackathon
level: advanced
start: 2023-11-20
end: 2023-11-22
timezone: Europe/Rome
venue: INFN Sezione di Bari
participants: 23
tutors: [ada-rossi]
programme:
  - date: 2023-11-21
    sessions:
      - {kind: exercise, title: "Hands-on: domain adaptation", usecase: btagging}
      - {start: "17:00", end: "18:00", kind: other, title: Wrap-up, room: Aula A}
---
# The event

Body text, *kept* byte for byte.   
<!-- a comment in the body -->
EOF
tail -n 4 "$H" >"$TMP/body.orig"

# --- a category: first import ----------------------------------------
kb import indico "$B/export/categ/1.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "^kbgen: 5 added, 0 updated, 0 unchanged$" \
    "$TMP/err" && [ -f "$S/2023.yaml" ] && [ -f "$S/2024.yaml" ]; then
	ok "import: a category's events become seminars/2023.yaml, 2024.yaml"
else
	fail "import: first import" "rc=$rc" "$TMP/err"
fi
if grep -q "added   2023-03-13 Improving parametric" "$TMP/err"; then
	ok "import: progress names each seminar"
else
	fail "import: progress" "no per-seminar line" "$TMP/err"
fi
if kb lint >"$TMP/lint" 2>&1; then
	ok "import: the result passes kbgen lint"
else
	fail "import: lint" "lint failed" "$TMP/lint" "$S/2023.yaml"
fi
[ "$(requests 'GET /export/categ/1.json auth=no')" = 1 ] &&
    ok "import: one request, no Authorization without a token" ||
    fail "import: requests" "$(cat "$LOG")"

# --- time zones --------------------------------------------------------
t=$(sem indico:101 date)/$(sem indico:101 start)/$(sem indico:101 end)/$(sem indico:101 timezone)
[ "$t" = "2023-03-13/16:00/17:00/Europe/Rome" ] &&
    ok "tz: 15:00 UTC in March (CET) is 16:00 Europe/Rome" ||
    fail "tz: winter" "$t"
t=$(sem indico:102 date)/$(sem indico:102 start)/$(sem indico:102 end)/$(sem indico:102 timezone)
[ "$t" = "2023-04-03/16:00/17:30/Europe/Rome" ] &&
    ok "tz: 14:00 UTC in April (CEST) is 16:00 Europe/Rome" ||
    fail "tz: summer" "$t"
t=$(sem indico:103 date)/$(sem indico:103 start)/$(sem indico:103 timezone)
[ "$t" = "2023-10-30/09:30/UTC" ] &&
    ok "tz: an event in UTC stays in UTC" || fail "tz: UTC" "$t"
t=$(sem indico:104 date)/$(sem indico:104 start)/$(sem indico:104 end)
[ "$t" = "2023-03-26/00:30/01:15" ] &&
    ok "tz: 23:30 UTC on the night of the DST change is the next day 00:30" ||
    fail "tz: midnight" "$t"
t=$(sem indico:105 date)/$(sem indico:105 start)/$(sem indico:105 FILE)
[ "$t" = "2024-06-10/10:00/2024.yaml" ] &&
    ok "tz: times given in the event's zone are kept; 2024 in 2024.yaml" ||
    fail "tz: same zone" "$t"
if grep -q 'start: "16:00"' "$S/2023.yaml"; then
	ok "yaml: times are quoted (HH:MM would read as a number in YAML 1.1)"
else
	fail "yaml: quoting" "times not quoted" "$S/2023.yaml"
fi

# --- people and HTML -------------------------------------------------------
t=$(sem indico:103 speakers)/$(sem indico:105 speakers)/$(sem indico:101 speakers)
[ "$t" = "ada-rossi/bruno-verdi/Jane Doe" ] &&
    ok "people: speakers with a page are written by id, others by name" ||
    fail "people" "$t"
# A '<' that survives must be backslash-escaped (Markdown text).
if grep -Eqi -e '(^|[^\\])<[a-z/!]' -e 'alert' -e 'javascript:' \
    -e 'onerror' -e 'color:red' -e 'evil' "$S"/*.yaml; then
	fail "html: abstracts" "raw HTML or script survived" "$S/2023.yaml"
else
	ok "html: scripts, styles, iframes, handlers and javascript: links are gone"
fi
a=$(sem indico:102 abstract)
case $a in
*"- message passing"*"[more](https://example.org/gnn)"*) ok "html: links and lists become Markdown" ;;
*) fail "html: markdown" "$a" ;;
esac
case $a in
*'\<script>'*) ok "html: an escaped <script> in the text stays text (backslash-escaped)" ;;
*) fail "html: entities" "$a" ;;
esac
case $(sem indico:101 abstract) in
*"**family**"*"[the paper](https://arxiv.org/abs/2202.00424) & slides"*)
	ok "html: emphasis, links and &amp; decoded" ;;
*) fail "html: emphasis" "$(sem indico:101 abstract)" ;;
esac
# The theme may not show seminars yet; what it shows must be clean.
if kb build -o "$TMP/site" >"$TMP/build" 2>&1 &&
    ! grep -rqi -e '<script>alert' -e 'javascript:alert' -e 'evil.example' \
    "$TMP/site"; then
	ok "html: the site builds with the imported seminars, no injected script"
else
	fail "html: build" "build failed or script in site" "$TMP/build"
fi
rm -rf "$TMP/site" "$K/.kbgen"

# --- idempotency ------------------------------------------------------------
before=$(sums)
cp -R "$S" "$TMP/sem1"
kb import indico "$B/export/categ/1.json" >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(sums)" = "$before" ] &&
    diff -r "$TMP/sem1" "$S" >/dev/null &&
    grep -q "^kbgen: 0 added, 0 updated, 5 unchanged$" "$TMP/err"; then
	ok "idempotent: a second import changes no byte (0 added, 0 updated, 5 unchanged)"
else
	fail "idempotent" "rc=$rc" "$TMP/err"
fi

# --- hand edits, then an update ----------------------------------------------
"$PY" - "$S/2023.yaml" <<'EOF'
import sys
p = sys.argv[1]
t = open(p).read()
t = t.replace("  source: indico:101\n", "  source: indico:101\n"
              "  slides: https://example.org/slides.pdf\n"
              "  usecases: [btagging]\n", 1)
open(p, "w").write(t)
EOF
cat >>"$S/2023.yaml" <<'EOF'
- date: 2023-12-01
  title: A seminar written by hand
  speakers: [Someone]
EOF
kb import indico "$B/export/categ/1.json?v=2" >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "^kbgen: 1 added, 1 updated, 4 unchanged$" "$TMP/err"; then
	ok "update: one changed title, one new event (1 added, 1 updated, 4 unchanged)"
else
	fail "update" "rc=$rc" "$TMP/err"
fi
t=$(sem indico:101 title)/$(sem indico:101 slides)/$(sem indico:101 usecases)
[ "$t" = "Improving parametric neural networks (revised)/https://example.org/slides.pdf/btagging" ] &&
    ok "update: the title follows Indico; slides and use cases added by hand stay" ||
    fail "update: hand edits" "$t"
if grep -q "A seminar written by hand" "$S/2023.yaml" &&
    [ "$(grep -c 'source: indico:101' "$S"/*.yaml | awk -F: '{s+=$2} END {print s}')" = 1 ] &&
    [ "$(sem indico:106 FILE)" = 2023.yaml ]; then
	ok "update: no duplicate; the hand-written seminar stays; the new one is in 2023.yaml"
else
	fail "update: duplicates" "see file" "$S/2023.yaml"
fi
kb lint >"$TMP/lint" 2>&1 && ok "update: lint passes" ||
    fail "update: lint" "failed" "$TMP/lint"
before=$(sums)
kb import indico "$B/export/categ/1.json?v=2" >/dev/null 2>"$TMP/err"
[ "$(sums)" = "$before" ] &&
    grep -q "^kbgen: 0 added, 0 updated, 6 unchanged$" "$TMP/err" &&
    ok "update: importing the same export again changes nothing" ||
    fail "update: idempotent" "changed" "$TMP/err"

# --- retries and failures ---------------------------------------------------------
: >"$LOG"
kb import indico "$B/export/categ/flaky.json" >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(requests 'GET /export/categ/flaky.json')" = 2 ] &&
    grep -q "HTTP 500; retry 1 in 1s" "$TMP/err"; then
	ok "retry: a 500 is retried after a backoff, then the 200 is imported"
else
	fail "retry: 500" "rc=$rc $(cat "$LOG")" "$TMP/err"
fi
# Back to v2 so the next checks start from a known state.
kb import indico "$B/export/categ/1.json?v=2" >/dev/null 2>&1
before=$(sums)
# unchanged NAME RC: content untouched and the status as expected
unchanged() {
	if [ "$(sums)" = "$before" ] && [ "$2" = 1 ] &&
	    grep -q "import failed" "$TMP/err"; then
		ok "$1"
	else
		fail "$1" "rc=$2 or content changed" "$TMP/err"
	fi
}
: >"$LOG"
KBGEN_HTTP_RETRIES=1 kb import indico "$B/export/categ/down.json" >/dev/null 2>"$TMP/err"
rc=$?
[ "$(requests 'GET /export/categ/down.json')" = 2 ] && grep -q "HTTP 503" "$TMP/err" &&
    unchanged "retry: a 503 that stays is retried, then reported; content untouched" $rc ||
    fail "retry: 503" "rc=$rc $(cat "$LOG")" "$TMP/err"
: >"$LOG"
kb import indico "$B/export/categ/404.json" >/dev/null 2>"$TMP/err"
rc=$?
[ "$(requests 'GET /export/categ/404.json')" = 1 ] &&
    grep -q "404.json: HTTP 404 (no such event or category)" "$TMP/err" &&
    unchanged "4xx: a 404 is reported once, not retried; content untouched" $rc ||
    fail "4xx: 404" "rc=$rc $(cat "$LOG")" "$TMP/err"
KBGEN_HTTP_TIMEOUT=1 KBGEN_HTTP_RETRIES=0 kb import indico "$B/export/categ/slow.json" >/dev/null 2>"$TMP/err"
rc=$?
grep -qi "timed out" "$TMP/err" &&
    unchanged "timeout: a slow answer times out; content untouched" $rc ||
    fail "timeout" "rc=$rc" "$TMP/err"
kb import indico "$B/export/categ/bad.json" >/dev/null 2>"$TMP/err"
rc=$?
grep -q "bad.json: the answer is not valid JSON" "$TMP/err" &&
    unchanged "json: invalid JSON is reported; content untouched" $rc ||
    fail "json: invalid" "rc=$rc" "$TMP/err"
KBGEN_HTTP_RETRIES=0 kb import indico "$B/export/categ/huge.json" >/dev/null 2>"$TMP/err"
rc=$?
grep -q "huge.json: answer larger than 64 MiB" "$TMP/err" &&
    unchanged "size: an answer over 64 MiB is refused; content untouched" $rc ||
    fail "size: huge" "rc=$rc" "$TMP/err"
kb import indico "$B/export/categ/html.json" >/dev/null 2>"$TMP/err"
rc=$?
grep -q "the answer is an HTML page, not JSON" "$TMP/err" &&
    unchanged "json: an HTML page instead of JSON is reported; content untouched" $rc ||
    fail "json: html" "rc=$rc" "$TMP/err"
# Redirects: only to the same host (server-side request forgery).
: >"$LOG"
kb import indico "$B/redirect/other" >/dev/null 2>"$TMP/err"
rc=$?
grep -qF "$B/redirect/other: redirect to http://localhost:$PORT/export/categ/1.json?v=2 refused: another host" "$TMP/err" &&
    [ "$(requests 'GET /export/categ/1.json')" = 0 ] &&
    [ "$(requests 'GET /redirect/other')" = 1 ] &&
    unchanged "redirect: to another host (localhost for 127.0.0.1) is refused, naming both URLs, not retried; content untouched" $rc ||
    fail "redirect: another host" "rc=$rc $(cat "$LOG")" "$TMP/err"
: >"$LOG"
kb import indico "$B/redirect/same" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && [ "$(requests 'GET /export/categ/1.json?v=2 auth=no')" = 1 ] &&
    [ "$(sums)" = "$before" ] &&
    ok "redirect: to the same host (127.0.0.1, a loopback first URL) is followed" ||
    fail "redirect: same host" "rc=$rc $(cat "$LOG")" "$TMP/err"
: >"$LOG"
kb import indico "$B/redirect/loop" >/dev/null 2>"$TMP/err"
rc=$?
grep -q "more than 10 redirects" "$TMP/err" &&
    [ "$(requests 'GET /redirect/loop')" = 11 ] &&
    unchanged "redirect: a loop stops after 10 redirects, not retried" $rc ||
    fail "redirect: loop" "rc=$rc $(grep -c . "$LOG") requests" "$TMP/err"
printf -- '- date: 2023-01-01\n  title: [unclosed\n' >"$S/broken.yaml"
before=$(sums)
kb import indico "$B/export/categ/1.json" >/dev/null 2>"$TMP/err"
rc=$?
grep -q "broken.yaml:" "$TMP/err" &&
    unchanged "input: a seminar file that does not parse stops the import; nothing written" $rc ||
    fail "input: broken yaml" "rc=$rc" "$TMP/err"
rm -f "$S/broken.yaml"
before=$(sums)

# --- the token ------------------------------------------------------------------------
: >"$LOG"
kb import indico "$B/export/categ/private.json" >/dev/null 2>"$TMP/err"
rc=$?
grep -q "HTTP 401" "$TMP/err" && grep -q KBGEN_INDICO_TOKEN "$TMP/err" &&
    unchanged "token: a protected export without a token says to set KBGEN_INDICO_TOKEN" $rc ||
    fail "token: 401" "rc=$rc" "$TMP/err"
KBGEN_INDICO_TOKEN=$TOKEN kb import indico "$B/export/categ/private.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(requests 'GET /export/categ/private.json auth=yes')" = 1 ]; then
	ok "token: KBGEN_INDICO_TOKEN is sent as a bearer token"
else
	fail "token: bearer" "rc=$rc $(cat "$LOG")" "$TMP/err"
fi
KBGEN_INDICO_TOKEN=wrong-token kb import indico "$B/export/categ/private.json" >>"$TMP/out" 2>>"$TMP/err"
if grep -rq -e "$TOKEN" -e wrong-token "$K" "$TMP/out" "$TMP/err"; then
	fail "token: secret" "the token was written somewhere" "$TMP/err"
else
	ok "token: never written to content/, .kbgen/ or any message"
fi

# --- a hackathon's programme ------------------------------------------------------------
kb import indico "$B/event/300/" --hackathon fourth >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "detail=sessions" "$TMP/err" &&
    grep -q "^kbgen: 3 added, 1 updated, 0 unchanged$" "$TMP/err"; then
	ok "programme: an event page URL becomes its export with detail=sessions"
else
	fail "programme: import" "rc=$rc" "$TMP/err" "$H"
fi
kb lint >"$TMP/lint" 2>&1 && ok "programme: lint passes" ||
    fail "programme: lint" "failed" "$TMP/lint" "$H"
tail -n 4 "$H" | cmp -s - "$TMP/body.orig" &&
    grep -q "^venue: INFN Sezione di Bari$" "$H" &&
    grep -q "^participants: 23$" "$H" && grep -q "^tutors: \[ada-rossi\]$" "$H" &&
    grep -q "^indico: https://agenda.example.org/event/300/$" "$H" &&
    ok "programme: body byte for byte and the other keys kept; indico: added" ||
    fail "programme: kept" "body or keys lost" "$H"
"$PY" - "$H" >"$TMP/prog" <<'EOF'
import sys, yaml
t = open(sys.argv[1]).read().split("---\n")[1]
for d in yaml.safe_load(t)["programme"]:
    for s in d["sessions"]:
        print(d["date"], s.get("start"), s.get("end"), s.get("kind"),
              s.get("title"), s.get("room"), ",".join(s.get("speakers", [])),
              s.get("usecase"), s.get("source"), sep="|")
EOF
cat >"$TMP/prog.want" <<'EOF'
2023-11-20|14:00|15:00|lecture|INFN Cloud and national services|Aula Magna|ada-rossi|None|indico:c1
2023-11-20|15:00|16:00|lecture|HPC resources at CNAF|Aula B|Pino Grigi|None|indico:c2
2023-11-21|09:00|13:00|exercise|Hands-on: domain adaptation|Lab 1|bruno-verdi|btagging|indico:s2
2023-11-21|11:00|11:30|break|Coffee break|None||None|indico:c3
2023-11-21|17:00|18:00|other|Wrap-up|Aula A||None|None
EOF
if diff -u "$TMP/prog.want" "$TMP/prog" >"$TMP/prog.diff"; then
	ok "programme: days, times, kinds, rooms, speakers; a hand session adopted (use case kept), one kept; unscheduled left out"
else
	fail "programme: sessions" "differs" "$TMP/prog.diff"
fi
cp "$H" "$TMP/h1"
kb import indico "$B/event/300/" --hackathon fourth >/dev/null 2>"$TMP/err"
cmp -s "$H" "$TMP/h1" && grep -q "^kbgen: 0 added, 0 updated, 4 unchanged$" "$TMP/err" &&
    ok "programme: a second import changes no byte" ||
    fail "programme: idempotent" "changed" "$TMP/err"
kb import indico "$B/export/event/300.json?detail=sessions&v=2" --hackathon fourth >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "^kbgen: 1 added, 1 updated, 3 unchanged$" "$TMP/err" &&
    grep -q "title: HPC resources at CNAF and CINECA" "$H" &&
    grep -q "room: Aula C" "$H" && grep -q "title: Social dinner" "$H" &&
    grep -q "usecase: btagging" "$H" && kb lint >/dev/null 2>&1; then
	ok "programme: an update changes one session, adds one, keeps the rest"
else
	fail "programme: update" "rc=$rc" "$TMP/err" "$H"
fi

cp "$H" "$TMP/h2"
kb import indico "$B/export/event/300.json?detail=sessions" --hackathon fourth >/dev/null 2>"$TMP/err"
if grep -q "^kbgen: 1 session no longer in Indico removed from the programme$" "$TMP/err" &&
    ! grep -q "Social dinner" "$H" && grep -q "title: Wrap-up" "$H" &&
    grep -q "usecase: btagging" "$H"; then
	ok "programme: a session gone from Indico is removed; hand-written ones stay"
else
	fail "programme: removal" "see" "$TMP/err"
fi
before=$(sums)
kb import indico "$B/export/event/300.json?detail=events" --hackathon fourth >/dev/null 2>"$TMP/err"
rc=$?
grep -q "no scheduled contribution or session in the export" "$TMP/err" &&
    unchanged "programme: an export without a timetable does not empty the programme" $rc ||
    fail "programme: empty" "rc=$rc" "$TMP/err"

# --- odd records ----------------------------------------------------------------------
kb import indico "$B/export/categ/weird.json" >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc = 0 ] && grep -q "result 1 skipped: not an event object" "$TMP/err" &&
    grep -q "result 6 (id 902) skipped: unknown time zone Mars/Base" "$TMP/err" &&
    grep -q "result 7 (id 903) skipped: no valid startDate" "$TMP/err" &&
    grep -q "result 8 (id 904) skipped: no title" "$TMP/err" &&
    grep -q "^kbgen: 2 added, 0 updated, 0 unchanged$" "$TMP/err"; then
	ok "input: odd records are skipped, each with its reason; good ones imported"
else
	fail "input: odd records" "rc=$rc" "$TMP/err"
fi
t=$(sem indico:905 title)/$(sem indico:905 speakers)/$(sem indico:901 start)
[ "$t" = "Title: with \"quotes\", #hash, 'apostrophes' and newline/Dr. Solo Name,A B/10:00" ] &&
    kb lint >/dev/null 2>&1 &&
    ok "input: quotes, colons, hashes and newlines in titles survive YAML; lint passes" ||
    fail "input: quoting" "$t"
# 905 ends before it starts: no end is written.
expect "input: an end before the start is dropped" "$(sem indico:905 end)" ""

# --- usage ------------------------------------------------------------------------------------
before=$(sums)
kb import indico "$B/event/300/" --hackathon nosuch >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -q "no such hackathon" "$TMP/err" && [ "$(sums)" = "$before" ] &&
    ok "usage: an unknown hackathon is an error before any request" ||
    fail "usage: hackathon" "rc=$rc" "$TMP/err"
kb import indico "$B/export/categ/1.json" --hackathon fourth >/dev/null 2>"$TMP/err"
rc=$?
grep -q "needs the export of one event" "$TMP/err" &&
    unchanged "usage: --hackathon with a category export is refused" $rc ||
    fail "usage: category as hackathon" "rc=$rc" "$TMP/err"
kb import indico >/dev/null 2>&1; r1=$?
kb import zenodo "$B/x" >/dev/null 2>&1; r2=$?
kb import indico "file:///etc/passwd" >/dev/null 2>&1; r3=$?
[ "$r1/$r2/$r3" = 2/2/2 ] && ok "usage: missing URL, unknown source, non-http URL exit 2" ||
    fail "usage" "$r1/$r2/$r3"

finish
