#!/bin/sh
# Training portal: hackathon pages and calendars, seminars page, feed and
# calendar, experts by what they can help with.
#
# Builds tests/fixtures/kb with tests/fixtures/events/content laid over
# it, compares the pages listed in tests/fixtures/events.pages with the
# goldens in tests/fixtures/events.expected (REGEN=1 rewrites them; make
# regen does), then checks the calendars with python3-icalendar, the feed
# as XML, the upcoming/past split at two build dates, people's groups
# and roles, and that hostile seminar text reaches pages escaped.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
OVER=$PWD/tests/fixtures/events/content
EXP=$PWD/tests/fixtures/events.expected
PAGES=$PWD/tests/fixtures/events.pages
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"

fresh() {
	# fresh NAME: the fixture with the events laid over it, in $TMP/NAME
	rm -rf "$TMP/$1"
	cp -r "$FIX" "$TMP/$1"
	cp -r "$OVER/." "$TMP/$1/content/"
	rm -rf "$TMP/$1/site" "$TMP/$1/.kbgen"
}

build() {
	# build NAME [EPOCH]: 0 when the build succeeds
	if [ -n "$2" ]; then
		SOURCE_DATE_EPOCH=$2 "$KBGEN" -q -C "$TMP/$1" build \
		    2>"$TMP/$1.err"
	else
		"$KBGEN" -q -C "$TMP/$1" build 2>"$TMP/$1.err"
	fi
}

fresh a
if ! build a; then
	fail build "the events fixture does not build" "$TMP/a.err"
	finish
fi
ok build
S=$TMP/a/site

if [ -n "$REGEN" ]; then
	rm -rf "$EXP"
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		mkdir -p "$EXP/$(dirname "$p")"
		cp "$S/$p" "$EXP/$p"
	done <"$PAGES"
	echo "regen: $(grep -c . "$PAGES") goldens written to tests/fixtures/events.expected"
	exit 0
fi

# Golden pages and calendars.
while IFS= read -r p; do
	[ -n "$p" ] || continue
	if [ ! -f "$S/$p" ]; then
		fail "golden $p" "not built"
	elif [ ! -f "$EXP/$p" ]; then
		fail "golden $p" "no golden in tests/fixtures/events.expected"
	elif diff -u "$EXP/$p" "$S/$p" >"$TMP/g.diff"; then
		ok "golden $p"
	else
		fail "golden $p" "differs from tests/fixtures/events.expected/$p"
		head -40 "$TMP/g.diff" | sed 's/^/    /'
	fi
done <"$PAGES"

# Rebuilds: same bytes with the same epoch; without SOURCE_DATE_EPOCH the
# calendars still do not change from one build to the next.
fresh b
build b
if diff -r "$S" "$TMP/b/site" >/dev/null 2>&1; then
	ok "deterministic rebuild"
else
	fail "deterministic rebuild" "two builds differ"
fi
fresh c
fresh d
(unset SOURCE_DATE_EPOCH; "$KBGEN" -q -C "$TMP/c" build 2>/dev/null;
    sleep 1; "$KBGEN" -q -C "$TMP/d" build 2>/dev/null)
if cmp -s "$TMP/c/site/seminars/seminars.ics" \
    "$TMP/d/site/seminars/seminars.ics" &&
    cmp -s "$TMP/c/site/hackathons/spring-school-2023.ics" \
    "$TMP/d/site/hackathons/spring-school-2023.ics"; then
	ok "calendars stable without SOURCE_DATE_EPOCH"
else
	fail "calendars stable without SOURCE_DATE_EPOCH" "rebuild rewrote them"
fi

# A later build date (2024-07-03): everything is past.
fresh late
build late 1720000000 || fail "build at a later date" "exit $?" "$TMP/late.err"

# A seminar on the build's own date (SOURCE_DATE_EPOCH 1700000000 is
# 2023-11-14) is upcoming, listed once, not dropped between the two.
fresh today
cat >>"$TMP/today/content/seminars/2023.yaml" <<'EOF'
- date: 2023-11-14
  start: "16:00"
  end: "17:00"
  timezone: Europe/Rome
  title: Seminar on the build date
  speakers: [ada-rossi]
EOF
if build today 1700000000; then
	sed -n '/id="kb_h_upcoming"/,/id="kb_h_past"/p' "$TMP/today/site/seminars/index.html" >"$TMP/today.up"
	has "a seminar on the build date is upcoming" "$TMP/today.up" "Seminar on the build date"
	expect "a seminar on the build date is listed once" \
	    "$(grep -c 'Seminar on the build date</' "$TMP/today/site/seminars/index.html")" 1
else
	fail "build with a seminar on the build date" "exit $?" "$TMP/today.err"
fi

# Who can help with what, by the rule (tests/experts.py computes it from
# the content and compares every cell and group), on the fixture and on
# people made to sit at the rule's edges: Dora has two use cases, one
# with each term of a cell and none with both (not listed there); Enzo's
# expertise is a narrower term (LSTM: he helps with RNN too); Fay's is a
# broader one (RNN: not LSTM); Gino is the contact of a draft only.
fresh experts
E=$TMP/experts/content
person() { printf -- '---\nname: %s\n%s---\nBio.\n' "$2" "$3" >"$E/people/$1.md"; }
uc() { printf -- '---\ntitle: %s\nsummary: s\ntechnologies: [%s]\nfields: [%s]\ntools: [Keras]\nkind: tutorial\ncontacts: [%s]\n%s---\nBody.\n' \
    "$1" "$2" "$3" "$4" "$5" >"$E/usecases/$1.md"; }
person dora-gialli "Dora Gialli" ""
person enzo-blu "Enzo Blu" "expertise: [LSTM]
"
person fay-rosa "Fay Rosa" "expertise: [RNN]
"
person gino-nero "Gino Nero" ""
uc dora-a CNN "Gravitational Waves" dora-gialli ""
uc dora-b GNN "Medical Physics" dora-gialli ""
uc enzo-a CNN "High Energy Physics" enzo-blu ""
uc fay-a CNN "Medical Physics" fay-rosa ""
uc gino-a GNN "Gravitational Waves" gino-nero "draft: true
"
if build experts; then
	for f in fixture experts; do
		d=$TMP/$([ $f = fixture ] && echo a || echo experts)
		$PY "$PWD/tests/experts.py" "$d/content" "$d/site" >"$TMP/experts.out" 2>&1
		sed "s/^\(ok\|FAIL\) /\1 $f: /" "$TMP/experts.out" >"$TMP/experts.named"
		tally "$TMP/experts.named"
		grep -q '^ok ' "$TMP/experts.out" || fail "experts-$f" "experts.py gave no result" "$TMP/experts.out"
	done
else
	fail "build with people at the rule's edges" "exit $?" "$TMP/experts.err"
fi

# Edited content: a session moved to another time keeps its UID.
fresh moved
sed -i 's/{start: "09:00", end: "10:00", kind: seminar, title: Jets in CMS/{start: "11:30", end: "12:00", kind: seminar, title: Jets in CMS/' \
    "$TMP/moved/content/hackathons/spring-school-2023.md"
build moved || fail "build with a moved session" "exit $?" "$TMP/moved.err"

cat >"$TMP/check.py" <<'EOF'
import html.parser, os, re, sys
import xml.etree.ElementTree as ET
import icalendar

site, late, moved, nosde = sys.argv[1:5]
res = []
def check(name, cond, why=""):
    res.append((name, bool(cond), why))

def read(p):
    with open(p, "rb") as f:
        return f.read()

def cal(p):
    return icalendar.Calendar.from_ical(read(p))

class Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []
        self.links = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])

def parse(p):
    x = Ids()
    x.feed(read(p).decode())
    return x

def slugify(s):
    out, dash = [], False
    for c in s:
        if c.isascii() and c.isalnum():
            if dash and out:
                out.append("-")
            dash = False
            out.append(c.lower())
        elif c == "+":
            if out:
                out.append("-")
            out.append("plus")
            dash = True
        elif c.isascii():
            dash = True
    return "".join(out) or "x"

# Calendars: RFC 5545 shape, as python3-icalendar reads it.
icss = ["hackathons/spring-school-2023.ics", "hackathons/winter-2024.ics",
        "seminars/seminars.ics"]
for f in icss:
    p = os.path.join(site, f)
    raw = read(p)
    c = cal(p)
    evs = list(c.walk("VEVENT"))
    bad = [e.get("SUMMARY") for e in evs
           if not all(k in e for k in ("UID", "DTSTART", "SUMMARY", "DTSTAMP"))
           or not ("DTEND" in e or "DURATION" in e)]
    check("ics fields " + f, evs and not bad, "missing in %s" % bad)
    uids = [str(e["UID"]) for e in evs]
    check("ics unique UIDs " + f, len(set(uids)) == len(uids), uids)
    lines = raw.split(b"\r\n")
    check("ics CRLF " + f, b"\n" not in raw.replace(b"\r\n", b""), "bare LF")
    long_ = [l for l in lines if len(l) > 75]
    check("ics folded " + f, not long_, long_[:2])
    tzids = set(re.findall(rb";TZID=([^:;]+)", raw))
    zones = set(str(z["TZID"]).encode() for z in c.walk("VTIMEZONE"))
    check("ics TZID has VTIMEZONE " + f, tzids <= zones, tzids - zones)
    check("ics VERSION/PRODID " + f, c.get("VERSION") == "2.0" and c.get("PRODID"))

sp = cal(os.path.join(site, "hackathons/spring-school-2023.ics"))
evs = {str(e["SUMMARY"]): e for e in sp.walk("VEVENT")}
check("ics one event per session", len(evs) == 6 and
      len(list(sp.walk("VEVENT"))) == 7, sorted(evs))
intro = evs.get("Introduction to ML; why, how, and what for")
check("ics escaping round-trips", intro is not None)
if intro is not None:
    # 09:00 in Rome in June is 07:00 UTC.
    check("ics local time to UTC", intro["DTSTART"].to_ical() == b"20230605T070000Z",
          intro["DTSTART"].to_ical())
    check("ics location is the room", str(intro.get("LOCATION")) == "Aula Magna")
w = cal(os.path.join(site, "hackathons/winter-2024.ics"))
e = list(w.walk("VEVENT"))[0]
check("ics session without times is all day",
      e["DTSTART"].to_ical() == b"20240212" and e["DTEND"].to_ical() == b"20240213")
check("ics DTSTAMP from SOURCE_DATE_EPOCH",
      e["DTSTAMP"].to_ical() == b"20231114T221320Z", e["DTSTAMP"].to_ical())

def uidset(root, f):
    return sorted(str(x["UID"]) for x in cal(os.path.join(root, f)).walk("VEVENT"))
for f in icss:
    check("ics UIDs stable across build dates " + f,
          uidset(site, f) == uidset(late, f) == uidset(nosde, f))
check("ics UID kept when a session moves",
      uidset(site, icss[0]) == uidset(moved, icss[0]))
mv = {str(x["SUMMARY"]): x for x in cal(os.path.join(moved, icss[0])).walk("VEVENT")}
check("ics moved session has the new time",
      mv["Jets in CMS"]["DTSTART"].to_ical() == b"20230606T093000Z",
      mv["Jets in CMS"]["DTSTART"].to_ical())
sc = cal(os.path.join(site, "seminars/seminars.ics"))
uids = [str(x["UID"]) for x in sc.walk("VEVENT")]
check("ics seminar UID from importer source",
      any(u.startswith("seminar-indico-12345@") for u in uids), uids)
check("ics every seminar", len(uids) == 3, uids)

# Feed.
try:
    t = ET.parse(os.path.join(site, "seminars/feed.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ents = t.getroot().findall("a:entry", ns)
    check("feed parses with every seminar", len(ents) == 3, len(ents))
    titles = [x.find("a:title", ns).text for x in ents]
    check("feed newest first", titles[0].startswith("Deep-learning"), titles)
    links = [x.find("a:link", ns).get("href") for x in ents]
    sem = parse(os.path.join(site, "seminars/index.html"))
    miss = [l for l in links if l.split("#")[1] not in sem.ids]
    check("feed links to seminar anchors", not miss, miss)
except ET.ParseError as e:
    check("feed parses with every seminar", False, e)

# Seminars page: anchors, upcoming first, past by year.
sem = parse(os.path.join(site, "seminars/index.html"))
want = slugify("2023-03-13 Improving parametric neural networks for "
               "high-energy physics (and beyond)")
check("seminar anchor is slugify(date title)", want in sem.ids, want)
html_ = read(os.path.join(site, "seminars/index.html")).decode()
up, _, past = html_.partition('id="kb_h_past"')
check("seminars upcoming at 2023-11-14", "Deep-learning emulators" in up and
      "Improving parametric" not in up)
check("seminars past grouped by year", past.find('id="year-2023"') <
      past.find('id="year-2022"') and past.find('id="year-2023"') > 0)
check("seminar speaker linked", 'href="../people/ada-rossi/index.html"' in html_)
check("seminar abstract rendered", "<em>physics parameters</em>" in html_)
lt = read(os.path.join(late, "seminars/index.html")).decode()
lup, _, lpast = lt.partition('id="kb_h_past"')
check("seminars all past at 2024-07-03", "No seminar announced" in lup and
      'id="year-2024"' in lpast)
hi = read(os.path.join(site, "hackathons/index.html")).decode()
hup, _, hpast = hi.partition('id="kb_h_past"')
check("hackathons upcoming at 2023-11-14", "winter-2024/" in hup and
      "spring-school-2023/" in hpast)
hl = read(os.path.join(late, "hackathons/index.html")).decode()
lup, _, lpast = hl.partition('id="kb_h_past"')
check("hackathons all past at 2024-07-03", "winter-2024/" in lpast and
      "No hackathon announced" in lup)
home = read(os.path.join(site, "index.html")).decode()
check("menu has seminars", 'href="seminars/index.html"' in home)

# Hackathon page.
hp = read(os.path.join(site, "hackathons/spring-school-2023/index.html")).decode()
check("hackathon links its calendar", 'href="../../hackathons/spring-school-2023.ics"' in hp)
check("hackathon timetable per day", hp.count('class="programme-day"') == 2)
check("hackathon materials linked", 'href="https://example.org/keras.pdf"' in hp)
check("hackathon plain-name speaker as text", "Dario Neri" in hp and
      "people/dario-neri" not in hp)
check("hackathon organiser linked", 'Organisers</dt>\n<dd><ul class="contacts"><li><a href="../../people/ada-rossi/index.html"' in hp)
check("hackathon readiness", "<p class=\"readiness\"><strong>0 verified, 1 never checked, 0 failing</strong>, 1 without an example" in hp)

# People.
pi = read(os.path.join(site, "people/index.html")).decode()
grp = pi.split('id="kb_h_everyone"')[0]
m = re.search(r'technologies/gnn/index.html".*?</dd>', grp, re.S)
check("people grouped by term (expertise and use cases)", m and
      "carla-bianchi" in m.group(0) and "ada-rossi" in m.group(0), m and m.group(0))
ex = read(os.path.join(site, "people/experts/index.html")).decode()
row = re.search(r'technologies/lstm/index.html".*?</tr>', ex, re.S)
check("experts cell lists people", row and "ada-rossi" in row.group(0) and
      "bruno-verdi" not in row.group(0))
ap = read(os.path.join(site, "people/ada-rossi/index.html")).decode()
check("person roles: organiser, tutor, speaker",
      "role-organiser" in ap and "role-tutor" in ap and
      ap.count("role-speaker") == 2)
check("person seminars given",
      'seminars/index.html#' + want in ap)

for n, good, why in res:
    print(("ok " if good else "FAIL ") + n + ("" if good else ": %s" % (why,)))
EOF
if "$PY" "$TMP/check.py" "$S" "$TMP/late/site" "$TMP/moved/site" \
    "$TMP/c/site" >"$TMP/py.out" 2>&1; then
	:
else
	fail "python checks ran to the end" "check.py failed (see above)"
fi
tally "$TMP/py.out"

# Hostile seminar text reaches pages escaped.
fresh evil
cat >"$TMP/evil/content/seminars/evil.yaml" <<'YAML'
- date: 2023-05-05
  title: "<script>alert(1)</script> & co"
  speakers: ["<img src=x onerror=alert(2)>"]
  url: "javascript:alert(3)"
  slides: "javascript:alert(4)"
  abstract: |
    <script>alert(5)</script> [x](javascript:alert(6)) <b onclick="alert(7)">b</b>
YAML
if build evil; then
	E=$TMP/evil/site
	if grep -q '<script>alert' "$E/seminars/index.html" ||
	    grep -q '<img src=x' "$E/seminars/index.html" ||
	    grep -q 'javascript:' "$E/seminars/index.html" ||
	    grep -q 'onclick=' "$E/seminars/index.html"; then
		fail "hostile seminar escaped" "markup or a script URL in seminars/index.html"
		grep -n 'script\|javascript\|onclick\|img src' "$E/seminars/index.html" |
		    head -5 | sed 's/^/    /'
	else
		ok "hostile seminar escaped"
	fi
	if "$PY" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
	    "$E/seminars/feed.xml" 2>/dev/null &&
	    ! grep -q '<script' "$E/seminars/feed.xml"; then
		ok "hostile seminar feed well-formed"
	else
		fail "hostile seminar feed well-formed" "seminars/feed.xml does not parse or has <script"
	fi
	# The calendar keeps the event and drops its script URL (the
	# abstract's text may say javascript:, as text).
	if grep -q 'alert(1)' "$E/seminars/seminars.ics" &&
	    ! grep -qi '^URL:.*javascript' "$E/seminars/seminars.ics"; then
		ok "hostile seminar calendar: event kept, no javascript: URL"
	else
		fail "hostile seminar calendar: event kept, no javascript: URL" \
		    "seminars/seminars.ics lacks the event or has a javascript: URL"
		grep -n 'alert\|javascript\|^URL' "$E/seminars/seminars.ics" | head -5 | sed 's/^/    /'
	fi
else
	fail "hostile seminar builds" "the build failed" "$TMP/evil.err"
fi

# Content errors are reported with positions, and nothing is published.
fresh bad
cat >"$TMP/bad/content/seminars/bad.yaml" <<'YAML'
- date: 2023-13-45
  title: Bad date
- date: 2023-05-05
  title: Unknown speaker
  speakers: [no-such-person]
YAML
if build bad; then
	fail "bad seminar rejected" "the build succeeded"
else
	if grep -q 'bad.yaml:1:' "$TMP/bad.err" && grep -q 'bad.yaml:5:.*no-such-person' "$TMP/bad.err"; then
		ok "bad seminar rejected with positions"
	else
		fail "bad seminar rejected with positions" "no bad.yaml:1: or bad.yaml:5: error" "$TMP/bad.err"
	fi
fi

# An unknown time zone is an error at its position.
fresh tz
sed -i 's#timezone: Europe/Rome#timezone: ../../etc/passwd#' \
    "$TMP/tz/content/hackathons/spring-school-2023.md"
if ! build tz && grep -q 'spring-school-2023.md:6:11: error: unknown time zone' "$TMP/tz.err"; then
	ok "unknown time zone rejected with position"
else
	fail "unknown time zone rejected with position" "no spring-school-2023.md:6:11 error" "$TMP/tz.err"
fi

finish
