#!/bin/sh
# People one can reach (kbgen(5), "People"): a person's email, url and
# orcid as links (mailto:, the URL, https://orcid.org/ID) on their page,
# beside their name in a use case's contacts, a hackathon's tutors, a
# seminar's speakers, the people index and the expert matrix; the exact
# hrefs, escaped.  site.yaml's contact (a mailing list or a page) beside
# everyone with none, and nowhere without it.  Lint: a malformed e-mail,
# an ORCID with a wrong check digit or out of form, a url that is not
# http(s) (javascript:), a contact that is neither: errors with
# path:line:col, word for word, and a build that fails publishes
# nothing; a correct ORCID (bare or as a URL) is taken.  A contact, tutor
# or expert with no address on a site with no contact: a warning at
# their name, which --strict shows and does not fail on.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"

# The fixture (Ada: an ORCID; Bruno: an e-mail and a web page with "&")
# and Eva (an e-mail with "&" and "'", a name with markup, an ORCID as
# a URL) and Carlo (nothing: a use case's contact, a tutor, an expert).
K=$TMP/kb
cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
cat >"$K/content/people/eva-neri.md" <<'EOF'
---
name: Eva <b>Neri</b>
affiliation: INFN Bari
email: "eva+ml&o'x@example.org"
orcid: https://orcid.org/0000-0002-1694-233X
---
EOF
cat >"$K/content/people/carlo-blu.md" <<'EOF'
---
name: Carlo Blu
affiliation: INFN Roma
expertise: [GNN]
---
EOF
sed -i 's/^contacts: \[ada-rossi\]$/contacts: [ada-rossi, carlo-blu, eva-neri]/' \
    "$K/content/usecases/btagging.md"
mkdir -p "$K/content/hackathons" "$K/content/seminars"
cat >"$K/content/hackathons/school.md" <<'EOF'
---
title: School
level: base
start: 2023-01-10
end: 2023-01-11
organizers: [eva-neri]
tutors: [carlo-blu, bruno-verdi]
---
EOF
cat >"$K/content/seminars/2023.yaml" <<'EOF'
- date: 2023-03-13
  title: Parametric networks
  speakers: [ada-rossi, Jane Doe]
EOF

# --- no site contact: links only where given, and the warning ------------------
"$KBGEN" -C "$K" lint >"$TMP/lint" 2>&1
rc "lint: exit 0 (a warning is no error)" $? 0 "$TMP/lint"
expect "lint: the unreachable contact, word for word" \
    "$(grep ': warning: ' "$TMP/lint" | sed "s|^$K/||")" \
    'content/people/carlo-blu.md:2:7: warning: Carlo Blu (a use case'"'"'s contact, a tutor, an expert) cannot be reached: give "email", "url" or "orcid", or the site a "contact" in site.yaml'
"$KBGEN" -C "$K" lint --strict >"$TMP/strict" 2>&1
rc "lint --strict: the advice does not fail it" $? 0 "$TMP/strict"
has "lint --strict: shows it as a warning" "$TMP/strict" \
    "carlo-blu.md:2:7: warning: Carlo Blu (a use case's contact, a tutor, an expert) cannot be reached"
has "lint --strict: counts it" "$TMP/strict" "checked; 1 warning"
"$KBGEN" -q -C "$K" build >"$TMP/build" 2>&1
rc "build: exit 0" $? 0 "$TMP/build"
S=$K/site
P=$S/people
has "person: mailto link" "$P/bruno-verdi/index.html" \
    '<dd><a href="mailto:bruno.verdi@example.org">bruno.verdi@example.org</a></dd>'
has "person: web link, escaped" "$P/bruno-verdi/index.html" \
    '<dd><a href="https://www.example.org/~bverdi?lang=en&amp;tab=cv" rel="noopener">https://www.example.org/~bverdi?lang=en&amp;tab=cv</a></dd>'
has "person: ORCID link" "$P/ada-rossi/index.html" \
    '<dd><a href="https://orcid.org/0000-0002-1825-0097" rel="noopener">0000-0002-1825-0097</a></dd>'
has "person: ORCID given as a URL links the bare iD" "$P/eva-neri/index.html" \
    '<dd><a href="https://orcid.org/0000-0002-1694-233X" rel="noopener">0000-0002-1694-233X</a></dd>'
has "person: an address with & and ' percent-encoded in mailto:, escaped in text" \
    "$P/eva-neri/index.html" \
    '<dd><a href="mailto:eva+ml%26o%27x@example.org">eva+ml&amp;o&#39;x@example.org</a></dd>'
hasnt "person: no address, no link" "$P/carlo-blu/index.html" 'mailto:'
hasnt "person: no site contact, no fallback" "$P/carlo-blu/index.html" \
    'Contact the initiative'
U=$S/usecases/btagging/index.html
has "use case: contact's ORCID" "$U" \
    '<a href="../../people/ada-rossi/index.html">Ada Rossi</a> <span class="affiliation">INFN Pisa</span><span class="reach"> <a class="reach-orcid" href="https://orcid.org/0000-0002-1825-0097" rel="noopener" aria-label="Ada Rossi: ORCID 0000-0002-1825-0097">ORCID</a></span></li>'
has "use case: contact's e-mail, name escaped" "$U" \
    '<a href="../../people/eva-neri/index.html">Eva &lt;b&gt;Neri&lt;/b&gt;</a> <span class="affiliation">INFN Bari</span><span class="reach"> <a class="reach-email" href="mailto:eva+ml%26o%27x@example.org">eva+ml&amp;o&#39;x@example.org</a> <a class="reach-orcid" href="https://orcid.org/0000-0002-1694-233X" rel="noopener" aria-label="Eva &lt;b&gt;Neri&lt;/b&gt;: ORCID 0000-0002-1694-233X">ORCID</a></span></li>'
has "use case: a contact with none is named alone" "$U" \
    '<a href="../../people/carlo-blu/index.html">Carlo Blu</a> <span class="affiliation">INFN Roma</span></li>'
H=$S/hackathons/school/index.html
has "hackathon: tutor's e-mail and web page" "$H" \
    '<li><a href="../../people/bruno-verdi/index.html">Bruno Verdi</a><span class="reach"> <a class="reach-email" href="mailto:bruno.verdi@example.org">bruno.verdi@example.org</a> <a class="reach-web" href="https://www.example.org/~bverdi?lang=en&amp;tab=cv" rel="noopener" aria-label="Bruno Verdi: web page">web page</a></span></li>'
has "hackathon: organiser's e-mail" "$H" \
    'Eva &lt;b&gt;Neri&lt;/b&gt;</a><span class="reach"> <a class="reach-email" href="mailto:eva+ml%26o%27x@example.org">'
has "seminar: speaker's ORCID" "$S/seminars/index.html" \
    '<a href="../people/ada-rossi/index.html">Ada Rossi</a><span class="reach"> <a class="reach-orcid" href="https://orcid.org/0000-0002-1825-0097" rel="noopener" aria-label="Ada Rossi: ORCID 0000-0002-1825-0097">ORCID</a></span>, Jane Doe</p>'
has "experts: the matrix links Bruno's e-mail" "$P/experts/index.html" \
    '<a href="../../people/bruno-verdi/index.html">Bruno Verdi</a><span class="reach"> <a class="reach-email" href="mailto:bruno.verdi@example.org">'
has "people: the index links Ada's ORCID" "$P/index.html" \
    '<p class="person-reach"><span class="reach"> <a class="reach-orcid" href="https://orcid.org/0000-0002-1825-0097"'
hasnt "experts: no site contact, no note" "$P/experts/index.html" \
    'Contact the initiative'
n=$(cat "$S"/*.html "$S"/*/*.html "$S"/*/*/*.html | grep -o 'href="mailto:[^"]*"' | sort -u | tr '\n' ' ')
expect "site: every mailto: link" "$n" \
    'href="mailto:bruno.verdi@example.org" href="mailto:eva+ml%26o%27x@example.org" '

# --- a mailing list as the site's contact --------------------------------------
cp -r "$K" "$TMP/list"
echo "contact: ml-team@lists.example.org" >>"$TMP/list/content/site.yaml"
"$KBGEN" -C "$TMP/list" lint >"$TMP/lint2" 2>&1
rc "contact: lint exit 0" $? 0 "$TMP/lint2"
hasnt "contact: no warning once the site has one" "$TMP/lint2" "cannot be reached"
rm -rf "$TMP/list/site"
"$KBGEN" -q -C "$TMP/list" build >"$TMP/build2" 2>&1
rc "contact: build exit 0" $? 0 "$TMP/build2"
F='Contact the initiative: <a href="mailto:ml-team@lists.example.org">ml-team@lists.example.org</a>'
has "contact: on the page of a person with none" \
    "$TMP/list/site/people/carlo-blu/index.html" \
    "<dd class=\"reach-site\">$F</dd>"
hasnt "contact: not on the page of a person with an address" \
    "$TMP/list/site/people/bruno-verdi/index.html" 'Contact the initiative'
has "contact: beside the use case's contact with none" \
    "$TMP/list/site/usecases/btagging/index.html" \
    "<a href=\"../../people/carlo-blu/index.html\">Carlo Blu</a> <span class=\"affiliation\">INFN Roma</span> <span class=\"reach reach-site\">$F</span></li>"
has "contact: beside the tutor with none" \
    "$TMP/list/site/hackathons/school/index.html" \
    "<a href=\"../../people/carlo-blu/index.html\">Carlo Blu</a> <span class=\"reach reach-site\">$F</span></li>"
has "contact: beside a speaker who is no person" \
    "$TMP/list/site/seminars/index.html" \
    "Jane Doe <span class=\"reach reach-site\">$F</span></p>"
has "contact: once below the expert matrix" \
    "$TMP/list/site/people/experts/index.html" \
    "<p class=\"reach-site\">For anyone listed without an address of their own: contact the initiative: <a href=\"mailto:ml-team@lists.example.org\">ml-team@lists.example.org</a></p>"
has "contact: in the people index" "$TMP/list/site/people/index.html" \
    "<p class=\"person-reach\"> <span class=\"reach reach-site\">$F</span></p>"

# --- a page as the site's contact, escaped ------------------------------------------
cp -r "$K" "$TMP/page"
echo 'contact: "https://wiki.example.org/display/ML?a=1&b=<2>"' \
    >>"$TMP/page/content/site.yaml"
rm -rf "$TMP/page/site"
"$KBGEN" -q -C "$TMP/page" build >"$TMP/build3" 2>&1
rc "contact page: build exit 0" $? 0 "$TMP/build3"
has "contact page: linked as it is, escaped" \
    "$TMP/page/site/people/carlo-blu/index.html" \
    'Contact the initiative: <a href="https://wiki.example.org/display/ML?a=1&amp;b=&lt;2&gt;">https://wiki.example.org/display/ML?a=1&amp;b=&lt;2&gt;</a>'

# --- bad input: errors word for word, nothing published -------------------------------
# bad NAME FILE LINE ERROR [build]: FILE's line LINE (1-based) replaced,
# kbgen lint (or build over the built copy) exits 1 printing ERROR.
bad() {
	d=$TMP/bad-$1
	rm -rf "$d"
	cp -r "$TMP/list" "$d"
	sed -i "$3c\\
$4" "$d/$2"
	if [ "$6" = build ]; then
		snapshot "$d/site" >"$d.before"
		"$KBGEN" -q -C "$d" build >"$d.out" 2>"$d.err"
	else
		"$KBGEN" -q -C "$d" lint >"$d.out" 2>"$d.err"
	fi
	rc "$1: exit 1" $? 1 "$d.err"
	expect "$1: message" "$(grep ': error: ' "$d.err" | sed "s|^$d/||")" \
	    "$5" "$d.err"
	if [ "$6" = build ]; then
		snapshot "$d/site" >"$d.after"
		cmp -s "$d.before" "$d.after" && ok "$1: nothing published" ||
		    fail "$1: nothing published" "site/ changed"
	fi
}
bad email-malformed content/people/bruno-verdi.md 5 'email: bruno.verdi at example.org' \
    'content/people/bruno-verdi.md:5:8: error: "email" must be an e-mail address such as name@example.org, not "bruno.verdi at example.org"'
bad email-mailto content/people/bruno-verdi.md 5 'email: mailto:bruno.verdi@example.org' \
    'content/people/bruno-verdi.md:5:8: error: "email" must be an e-mail address such as name@example.org, not "mailto:bruno.verdi@example.org"'
bad orcid-checksum content/people/ada-rossi.md 6 'orcid: 0000-0002-1825-0098' \
    'content/people/ada-rossi.md:6:8: error: orcid 0000-0002-1825-0098 has a wrong check digit (want 7)' build
bad orcid-checksum-url content/people/ada-rossi.md 6 'orcid: https://orcid.org/0000-0002-1694-2330' \
    'content/people/ada-rossi.md:6:8: error: orcid 0000-0002-1694-2330 has a wrong check digit (want X)'
bad orcid-form content/people/ada-rossi.md 6 'orcid: 0000-0002-1825-009' \
    'content/people/ada-rossi.md:6:8: error: "orcid" must be an ORCID iD such as 0000-0002-1825-0097 (four groups of four digits, the last may be X), not "0000-0002-1825-009"'
bad url-javascript content/people/bruno-verdi.md 6 'url: javascript:alert(document.cookie)' \
    'content/people/bruno-verdi.md:6:6: error: "url" must be an http:// or https:// URL, not "javascript:alert(document.cookie)"' build
grep -rl 'javascript:' "$TMP/bad-url-javascript/site" >/dev/null &&
    fail "url-javascript: no javascript: on any page" "found" ||
    ok "url-javascript: no javascript: on any page"
bad url-relative content/people/bruno-verdi.md 6 'url: ../pages/about.html' \
    'content/people/bruno-verdi.md:6:6: error: "url" must be an http:// or https:// URL, not "../pages/about.html"'
n=$(wc -l <"$TMP/list/content/site.yaml")
bad contact-javascript content/site.yaml "$n" 'contact: javascript:alert(1)' \
    "content/site.yaml:$n:10: error: \"contact\" must be an e-mail address (a mailing list) or an http:// or https:// page, not \"javascript:alert(1)\"" build

# --- correct ORCIDs are taken ----------------------------------------------------------
for id in 0000-0002-1825-0097 https://orcid.org/0000-0002-1825-0097 0000-0001-5109-3700 0000-0002-1694-233X; do
	d=$TMP/good
	rm -rf "$d"
	cp -r "$TMP/list" "$d"
	sed -i "6c\\
orcid: $id" "$d/content/people/ada-rossi.md"
	"$KBGEN" -q -C "$d" lint --strict >"$d.err" 2>&1
	rc "orcid $id: taken" $? 0 "$d.err"
done

finish
