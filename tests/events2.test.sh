#!/bin/sh
# Events known by their month or year, and what tutors see.
#
# Builds tests/fixtures/kb with tests/fixtures/events/content laid over
# it and a few events of its own: hackathons dated "2021-06" and
# "2022", seminars dated "2023-06" and "2023", a hackathon with timed
# sessions in November (Europe/Rome, UTC+1) whose exercises have run
# records (stored with putrun).  Checks the words of partial dates on
# pages, their order on lists at two build dates, their absence from
# the calendars, the feed, the time words and <time datetime>s of a
# programme, the readiness words, the status badge in a programme row;
# then each bad input's lint error word for word with its position,
# with nothing published changed; and that the shipped content/ is
# clean under lint --strict and builds with the words of its events.
KBGEN=${KBGEN:-$PWD/kbgen}
PUTRUN=${PUTRUN:-$(dirname "$KBGEN")/putrun}
[ -x "$PUTRUN" ] || PUTRUN=$PWD/.obj/putrun
FIX=$PWD/tests/fixtures/kb
OVER=$PWD/tests/fixtures/events/content
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"

if [ ! -x "$KBGEN" ] || [ ! -x "$PUTRUN" ]; then
	fail setup "no $KBGEN or $PUTRUN (make kbgen unit)"
	finish
fi

fresh() {
	# fresh NAME: the fixture, the events and ours, in $TMP/NAME
	rm -rf "$TMP/$1"
	cp -r "$FIX" "$TMP/$1"
	cp -r "$OVER/." "$TMP/$1/content/"
	rm -rf "$TMP/$1/site" "$TMP/$1/.kbgen"
	C=$TMP/$1/content
	for s in uc-ok uc-new1 uc-new2 uc-bad; do
		mkuc "$C/usecases" "$s" "https://git.example.org/$s.git" \
		    "$s.ipynb"
	done
	cat >"$C/hackathons/partial-2021.md" <<'EOF'
---
title: Online school, June 2021
level: base
start: 2021-06
end: 2021-06
online: true
exercises: [btagging]
organizers: [ada-rossi]
---
Days not known.
EOF
	cat >"$C/hackathons/year-2022.md" <<'EOF'
---
title: Some school of 2022
level: base
start: 2022
end: 2022
---
A year only.
EOF
	cat >"$C/hackathons/tutor-2022.md" <<'EOF'
---
title: Tutors' school
level: advanced
start: 2022-11-21
end: 2022-11-24
timezone: Europe/Rome
exercises: [uc-ok, uc-new1, uc-new2]
programme:
  - date: 2022-11-22
    sessions:
      - {start: "14:00", end: "15:30", kind: lecture, title: GNNs, room: A}
      - {start: "15:30", end: "16:00", kind: exercise, title: Exercise one, room: A, usecase: uc-ok}
      - {start: "15:00", end: "16:30", kind: exercise, title: Elsewhere, room: B, usecase: uc-new1}
      - {start: "17:00", kind: other, title: Open end}
---
Timed sessions.
EOF
	cat >"$C/hackathons/failing-2022.md" <<'EOF'
---
title: School with a failing exercise
level: base
start: 2022-10-03
end: 2022-10-03
exercises: [uc-bad]
---
One day.
EOF
	cat >"$C/seminars/partial.yaml" <<'EOF'
- date: 2023
  title: Year seminar A
- date: 2023-06
  title: Month seminar
- date: 2023
  title: Year seminar B
- date: 2023-02
  title: A month talk by Ada
  speakers: [ada-rossi]
EOF
}

build() {
	# build NAME [EPOCH]: 0 when the build succeeds
	SOURCE_DATE_EPOCH=${2:-$SOURCE_DATE_EPOCH} "$KBGEN" -q -C "$TMP/$1" \
	    build 2>"$TMP/$1.err"
}

runs() {
	# runs NAME: uc-ok passed, uc-bad failed; the others never ran
	cat >"$TMP/records" <<'EOF'
{"slug": "uc-ok", "stamp": 1699990000, "date": "2023-11-14T19:46:40Z", "status": "pass", "runner": "local", "seconds": 3}
{"slug": "uc-bad", "stamp": 1699990000, "date": "2023-11-14T19:46:40Z", "status": "fail", "reason": "exception", "runner": "local", "seconds": 3}
EOF
	"$PUTRUN" "$TMP/$1/.kbgen" <"$TMP/records" 2>"$TMP/put.err" ||
	    fail putrun "cannot store the records" "$TMP/put.err"
}

# section FILE START END: the text of FILE from the line with START to
# the line with END (or to the end), tags removed, one line.
section() {
	sed -n "/$2/,/$3/p" "$1" | sed 's/<[^>]*>//g' | tr -s ' \n' '  '
}

fresh a
runs a
if ! build a; then
	fail build "the fixture with partial dates does not build" "$TMP/a.err"
	finish
fi
ok "build with partial dates"
S=$TMP/a/site

# --- words of partial dates --------------------------------------------------
# Search results say when a hackathon is, in the same words.
if grep -qF '"u":"hackathons/partial-2021/index.html","t":"Online school, June 2021","s":"June 2021"' "$S"/search/f/*.js; then
	ok "search result: a hackathon of a month in words"
else
	fail "search result: a hackathon of a month in words" "$(grep -ho '"u":"hackathons/partial-2021/index.html"[^}]*' "$S"/search/f/*.js)"
fi
has "person page: a hackathon of a month in words" "$S/people/ada-rossi/index.html" \
    '<a href="../../hackathons/partial-2021/index.html">Online school, June 2021</a> (<time datetime="2021-06">June 2021</time>)'
has "person page: a seminar of a month in words" "$S/people/ada-rossi/index.html" \
    'A month talk by Ada</a> (<time datetime="2023-02">February 2023</time>)'
has "hackathon of a month: lead" "$S/hackathons/partial-2021/index.html" \
    '<p class="lead"><time datetime="2021-06">June 2021</time> (online)</p>'
has "hackathon of a year: lead" "$S/hackathons/year-2022/index.html" \
    '<p class="lead"><time datetime="2022">2022</time></p>'
has "hackathon of a month: card" "$S/hackathons/index.html" \
    '<p><time datetime="2021-06">June 2021</time> (online) · base level</p>'
has "exact dates in words" "$S/hackathons/tutor-2022/index.html" \
    '<time datetime="2022-11-21">21 November 2022</time> to <time datetime="2022-11-24">24 November 2022</time>'
has "seminar of a month" "$S/seminars/index.html" \
    '<p class="seminar-meta"><time datetime="2023-06">June 2023</time></p>'
has "seminar of a year" "$S/seminars/index.html" \
    '<p class="seminar-meta"><time datetime="2023">2023</time></p>'
has "seminar with a day" "$S/seminars/index.html" \
    '<time datetime="2023-03-13">Monday 13 March 2023</time>, 16:00–17:00'

# --- order and upcoming/past, at 2023-11-14 and at 2024-07-03 ----------------
# Hackathons: upcoming soonest first, then past newest first, a month
# or a year at its first day.  2022 is over; 2021-06 too.
order() {
	# order FILE WORD...: the WORDs in the order they appear in FILE
	f=$1; shift
	for w in "$@"; do
		printf '%s %s\n' "$(grep -n -F -m1 -- "$w" "$f" | cut -d: -f1)" "$w"
	done | sort -n | cut -d' ' -f2- | tr '\n' ' '
}
expect "hackathons in order at 2023-11-14" \
    "$(order "$S/hackathons/index.html" winter-2024/ spring-school-2023/ \
    tutor-2022/ failing-2022/ year-2022/ partial-2021/)" \
    "winter-2024/ spring-school-2023/ tutor-2022/ failing-2022/ year-2022/ partial-2021/ "
up=$(section "$S/hackathons/index.html" kb_h_upcoming kb_h_past)
case $up in
*winter-2024*year-2022*|*year-2022*) fail "a past year is not upcoming" "$up" ;;
*) ok "a past year is not upcoming" ;;
esac
# Seminars: 2023 is not over at 2023-11-14, so the year seminars are
# upcoming (file order, before the exact 2024-01-15); the month one is
# past, newest first before 2023-03-13.
up=$(section "$S/seminars/index.html" kb_h_upcoming kb_h_past)
expect "upcoming seminars at 2023-11-14" \
    "$(echo "$up" | grep -o 'Year seminar A\|Year seminar B\|Month seminar\|Deep-learning emulators\|Improving parametric' | tr '\n' ' ')" \
    "Year seminar A Year seminar B Deep-learning emulators "
past=$(section "$S/seminars/index.html" kb_h_past '<\/main>')
expect "past seminars at 2023-11-14" \
    "$(echo "$past" | grep -o 'Year seminar A\|Year seminar B\|Month seminar\|Cell counting\|Improving parametric' | tr '\n' ' ')" \
    "Month seminar Improving parametric Cell counting "
fresh late
if build late 1720000000; then
	past=$(section "$TMP/late/site/seminars/index.html" kb_h_past '<\/main>')
	expect "past seminars at 2024-07-03: a year after its days, file order" \
	    "$(echo "$past" | grep -o 'Year seminar A\|Year seminar B\|Month seminar\|Cell counting\|Improving parametric' | tr '\n' ' ')" \
	    "Month seminar Improving parametric Year seminar A Year seminar B Cell counting "
	expect "past seminars at 2024-07-03: grouped by year" \
	    "$(grep -o 'id="year-[0-9]*"' "$TMP/late/site/seminars/index.html" | tr '\n' ' ')" \
	    'id="year-2024" id="year-2023" id="year-2022" '
else
	fail "build at 2024-07-03" "exit $?" "$TMP/late.err"
fi
# The month seminar at its last day is upcoming, the day after past.
fresh june
cat >"$TMP/june/content/seminars/partial.yaml" <<'EOF'
- date: 2023-06
  title: Month seminar
  speakers: [ada-rossi]
EOF
build june 1688083200 # 2023-06-30
has "a month is upcoming on its last day" "$TMP/june/site/seminars/index.html" \
    'id="kb_h_past"'
up=$(section "$TMP/june/site/seminars/index.html" kb_h_upcoming kb_h_past)
case $up in *"Month seminar"*) ok "month seminar upcoming on 30 June" ;;
*) fail "month seminar upcoming on 30 June" "$up" ;; esac
build june 1688169600 # 2023-07-01
up=$(section "$TMP/june/site/seminars/index.html" kb_h_upcoming kb_h_past)
case $up in *"Month seminar"*) fail "month seminar past on 1 July" "$up" ;;
*) ok "month seminar past on 1 July" ;; esac

# --- calendars and feed ------------------------------------------------------
hasnt "no seminar calendar event for a month" "$S/seminars/seminars.ics" "Month seminar"
hasnt "no seminar calendar event for a year" "$S/seminars/seminars.ics" "Year seminar"
expect "calendar keeps the exact seminars" \
    "$(grep -c '^BEGIN:VEVENT' "$S/seminars/seminars.ics")" 3
if [ -e "$S/hackathons/partial-2021.ics" ] || [ -e "$S/hackathons/year-2022.ics" ]; then
	fail "no calendar for a hackathon without sessions" "partial-2021.ics or year-2022.ics written"
else
	ok "no calendar for a hackathon without sessions"
fi
hasnt "no calendar link without a calendar" "$S/hackathons/partial-2021/index.html" ".ics"
has "calendar link with sessions" "$S/hackathons/tutor-2022/index.html" \
    'href="../../hackathons/tutor-2022.ics"'
"$PY" - "$S" >"$TMP/py.out" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
site = sys.argv[1]
ns = {"a": "http://www.w3.org/2005/Atom"}
try:
    t = ET.parse(site + "/seminars/feed.xml")
except ET.ParseError as e:
    print("FAIL feed parses: %s" % e); sys.exit()
ents = {e.find("a:title", ns).text: e.find("a:updated", ns).text
        for e in t.getroot().findall("a:entry", ns)}
print(("ok" if ents.get("Month seminar") == "2023-06-01T00:00:00Z" else
       "FAIL") + " feed: a month seminar at its first day %s" % ents.get("Month seminar"))
print(("ok" if ents.get("Year seminar A") == "2023-01-01T00:00:00Z" else
       "FAIL") + " feed: a year seminar at its first day %s" % ents.get("Year seminar A"))
EOF
tally "$TMP/py.out"
# Only partial seminars: no calendar at all, and no link to one.
fresh only
rm "$TMP/only/content/seminars/2023.yaml"
if build only; then
	if [ -e "$TMP/only/site/seminars/seminars.ics" ]; then
		fail "no seminar calendar without a day" "seminars.ics written"
	else
		ok "no seminar calendar without a day"
	fi
	hasnt "no seminar calendar link without a day" "$TMP/only/site/seminars/index.html" "seminars.ics"
else
	fail "build with partial seminars only" "exit $?" "$TMP/only.err"
fi

# --- what tutors see ---------------------------------------------------------
T=$S/hackathons/tutor-2022/index.html
has "session time in words and zone" "$T" \
    '<td class="time"><time datetime="2022-11-22T14:00+01:00">Tue 22 Nov, 14:00</time>–<time datetime="2022-11-22T15:30+01:00">15:30</time></td>'
has "session without end" "$T" \
    '<td class="time"><time datetime="2022-11-22T17:00+01:00">Tue 22 Nov, 17:00</time></td>'
has "summer time offset" "$S/hackathons/spring-school-2023/index.html" \
    '<time datetime="2023-06-05T09:00+02:00">Mon 5 Jun, 09:00</time>'
has "day heading in words" "$T" \
    '<h3 id="kb_day_1">Day 1: <time datetime="2022-11-22">Tuesday 22 November 2022</time></h3>'
hasnt "no raw ISO time shown" "$T" '>2022-11-22T'
has "readiness words" "$T" \
    '<p class="readiness"><strong>1 verified, 2 never checked, 0 failing</strong>; oldest check <time datetime="2023-11-14T19:46:40Z">14 November 2023</time>.</p>'
has "readiness counts a failing exercise" "$S/hackathons/failing-2022/index.html" \
    '<strong>0 verified, 0 never checked, 1 failing</strong>'
row=$(grep -A1 'Exercise one' "$T" | head -1)
case $row in
*'</a> <img class="badge-img" src="../../badges/uc-ok.svg" alt="example: passing" width="118" height="20">'*)
	ok "badge in a programme row" ;;
*)	fail "badge in a programme row" "$row" ;;
esac
row=$(grep 'Elsewhere' "$T")
case $row in
*badge-img*) fail "no badge for a use case never run" "$row" ;;
*) ok "no badge for a use case never run" ;;
esac
has "badge still on cards (the shared partial)" "$T" \
    '<img class="badge-img" src="../../badges/uc-ok.svg" alt="example: passing" width="118" height="20">'

# --- bad input: lint errors word for word, nothing published changes ---------
# bad NAME FILE SED-SCRIPT WANT: FILE (below content/) edited by SED-SCRIPT
# makes lint --strict and build fail with exactly the error WANT, and the
# published site stays as it was.
fresh pub
build pub || fail "build before bad input" "exit $?" "$TMP/pub.err"
(cd "$TMP/pub/site" && find . -type f -exec sha256sum {} + | sort) >"$TMP/pub.sum"
bad() {
	name=$1 file=$2 script=$3 want=$4
	cp "$TMP/pub/content/$file" "$TMP/keep"
	if [ -n "$script" ]; then
		sed -i "$script" "$TMP/pub/content/$file"
	fi
	(cd "$TMP/pub" && "$KBGEN" lint --strict) >/dev/null 2>"$TMP/lint.err"
	r=$?
	got=$(grep ': error: ' "$TMP/lint.err")
	if [ "$r" -ne 0 ] && [ "$got" = "$want" ]; then
		ok "lint: $name"
	else
		fail "lint: $name" "exit $r; got [$got], want [$want]" "$TMP/pub/content/$file"
	fi
	if build pub; then
		fail "build refuses: $name" "the build succeeded"
	elif (cd "$TMP/pub/site" && find . -type f -exec sha256sum {} + | sort) |
	    cmp -s - "$TMP/pub.sum"; then
		ok "build refuses, site unchanged: $name"
	else
		fail "build refuses, site unchanged: $name" "site/ changed"
	fi
	cp "$TMP/keep" "$TMP/pub/content/$file"
}
H=hackathons/tutor-2022.md
bad "session ends before it starts" $H \
    's/{start: "14:00", end: "15:30", kind: lecture/{start: "14:00", end: "13:30", kind: lecture/' \
    './content/hackathons/tutor-2022.md:11:31: error: session "GNNs" ends (13:30) before it starts (14:00)'
bad "programme day outside the event" $H 's/  - date: 2022-11-22/  - date: 2022-11-25/' \
    './content/hackathons/tutor-2022.md:9:11: error: programme day 2022-11-25 is outside the event (2022-11-21 to 2022-11-24)'
bad "programme day before the event" $H 's/  - date: 2022-11-22/  - date: 2022-11-20/' \
    './content/hackathons/tutor-2022.md:9:11: error: programme day 2022-11-20 is outside the event (2022-11-21 to 2022-11-24)'
bad "overlap in one room" $H \
    's/{start: "15:30", end: "16:00", kind: exercise, title: Exercise one/{start: "15:15", end: "16:00", kind: exercise, title: Exercise one/' \
    './content/hackathons/tutor-2022.md:12:17: error: session "Exercise one" (15:15-16:00) overlaps "GNNs" (14:00-15:30) in room "A" on 2022-11-22'
bad "overlap inside another session" $H \
    's/{start: "15:30", end: "16:00", kind: exercise, title: Exercise one/{start: "14:30", end: "15:00", kind: exercise, title: Exercise one/' \
    './content/hackathons/tutor-2022.md:12:17: error: session "Exercise one" (14:30-15:00) overlaps "GNNs" (14:00-15:30) in room "A" on 2022-11-22'
bad "partial date in a programme day" $H 's/  - date: 2022-11-22/  - date: 2022-11/' \
    './content/hackathons/tutor-2022.md:9:11: error: "date" of a programme day must be an exact date as YYYY-MM-DD, not the month or year "2022-11"'
bad "end less precise than start" $H 's/^end: 2022-11-24/end: 2022-11/' \
    './content/hackathons/tutor-2022.md:5:6: error: "end" (2022-11) must be as precise as "start" (2022-11-21): both a day, a month or a year'
bad "month before its start" hackathons/partial-2021.md 's/^end: 2021-06/end: 2021-05/' \
    './content/hackathons/partial-2021.md:5:6: error: the event ends (2021-05) before it starts (2021-06)'
bad "malformed partial date" hackathons/partial-2021.md 's/^start: 2021-06/start: 2021-13/' \
    './content/hackathons/partial-2021.md:4:8: error: "start" must be a date as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY, not "2021-13"'
bad "time for a seminar of a month" seminars/partial.yaml 's/  title: Month seminar/  title: Month seminar\n  start: "16:00"/' \
    './content/seminars/partial.yaml:5:10: error: a seminar dated "2023-06" has no day for its times: give the date as YYYY-MM-DD or leave out "start"'
bad "seminar ends before it starts" seminars/2023.yaml 's/  end: "17:00"/  end: "15:00"/' \
    './content/seminars/2023.yaml:3:8: error: seminar "Improving parametric neural networks for high-energy physics (and beyond)" ends (15:00) before it starts (16:00)'
# Touching sessions and the same times in two rooms are fine: the
# fixture itself is clean.
(cd "$TMP/pub" && "$KBGEN" lint --strict) >"$TMP/lint.out" 2>&1
rc "lint: touching sessions, two rooms at once, no end: clean" $? 0 "$TMP/lint.out"

# --- the shipped content -----------------------------------------------------
mkdir -p "$TMP/ship"
cp -r "$PWD/content" "$TMP/ship/content"
(cd "$TMP/ship" && "$KBGEN" lint --strict) >"$TMP/ship.out" 2>&1
rc "shipped content: lint --strict" $? 0 "$TMP/ship.out"
if grep -q ': warning: ' "$TMP/ship.out"; then
	fail "shipped content: no warnings" "lint warned" "$TMP/ship.out"
else
	ok "shipped content: no warnings"
fi
if "$KBGEN" -q -C "$TMP/ship" build 2>"$TMP/ship.err"; then
	SS=$TMP/ship/site
	for h in first-ml-infn-hackathon-base-2021:"June 2021" \
	    second-ml-infn-hackathon-base-2021:"December 2021" \
	    fourth-ml-infn-hackathon-base-2023:"June 2023"; do
		has "shipped ${h%%:*}" "$SS/hackathons/${h%%:*}/index.html" \
		    "<p class=\"lead\"><time datetime=\"$(echo "${h#*:}" |
		    sed 's/June /06 /;s/December /12 /' |
		    awk '{print $2 "-" $1}')\">${h#*:}</time> (online)</p>"
	done
	expect "shipped hackathons, newest first" \
	    "$(order "$SS/hackathons/index.html" fourth-ml-infn third-ml-infn second-ml-infn first-ml-infn)" \
	    "fourth-ml-infn third-ml-infn second-ml-infn first-ml-infn "
	expect "shipped seminars: seven of 2023" \
	    "$(grep -c '<time datetime="2023">2023</time>' "$SS/seminars/index.html")" 7
	expect "shipped seminars: in the order of the seeds" \
	    "$(grep -o 'seminar-title">[A-Z][a-z]*' "$SS/seminars/index.html" | cut -d'>' -f2 | tr '\n' ' ')" \
	    "Improving Cell A Deep New Machine Ante "
	if [ -e "$SS/seminars/seminars.ics" ]; then
		fail "shipped: no seminar calendar (no seminar has a day)" "written"
	else
		ok "shipped: no seminar calendar (no seminar has a day)"
	fi
	for h in first-ml-infn-hackathon-base-2021 second-ml-infn-hackathon-base-2021 \
	    third-ml-infn-hackathon-advanced-bari-2022 fourth-ml-infn-hackathon-base-2023; do
		has "training links $h" "$SS/training/index.html" \
		    "href=\"../hackathons/$h/index.html\""
	done
	has "training links the seminars page" "$SS/training/index.html" \
	    '<a href="../seminars/index.html">seminars page</a>'
	hasnt "training no longer retells the seminars" "$SS/training/index.html" \
	    "Cell counting with cell-ResUnet"
else
	fail "shipped content builds" "exit $?" "$TMP/ship.err"
fi

finish
