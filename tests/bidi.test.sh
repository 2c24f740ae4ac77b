#!/bin/sh
# Unicode bidirectional controls (U+202A..U+202E, U+2066..U+2069) in
# content: kbgen lint warns at path:line:col naming each, and no page,
# feed or search file carries one unbalanced, so that none reorders
# text past its value (a title that reads "Jet b-tagging" but shows
# another order in <title>, <h1>, the catalogue or the search index).
# Every text run between tags of each HTML and XML file, and every
# string of each JSON file, must close what it opens and open what it
# closes.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

if [ ! -x "$PY" ]; then
	fail python3 "needed to read the site"
	finish
fi

K=$TMP/kb
cp -R "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
UC=$K/content/usecases/btagging.md
RLO=$(printf '\342\200\256')	# U+202E RIGHT-TO-LEFT OVERRIDE
LRI=$(printf '\342\201\246')	# U+2066 LEFT-TO-RIGHT ISOLATE
PDF=$(printf '\342\200\254')	# U+202C POP DIRECTIONAL FORMATTING
# The title opens an override it never closes; the summary pops one it
# never opened; the body opens an isolate in a paragraph, in inline
# code and in a heading.
sed -i "s/^title: Jet b-tagging in CMS/title: Jet ${RLO}b-tagging in CMS/" "$UC"
sed -i "s/^summary: Tag jet/summary: Tag ${PDF}jet/" "$UC"
printf '\nA %sparagraph and `co%sde`.\n\n## Head %sing\n' \
    "$LRI" "$RLO" "$RLO" >>"$UC"

"$KBGEN" -C "$K" lint >"$TMP/lint.out" 2>"$TMP/lint.err"
rc lint-warns-only $? 0 "$TMP/lint.err"
has lint-title "$TMP/lint.err" \
    "content/usecases/btagging.md:2:12: warning: Unicode bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"
has lint-summary "$TMP/lint.err" \
    "content/usecases/btagging.md:3:14: warning: Unicode bidirectional control U+202C (POP DIRECTIONAL FORMATTING)"
n=$(wc -l <"$UC")
has lint-body "$TMP/lint.err" \
    "content/usecases/btagging.md:$((n - 2)):3: warning: Unicode bidirectional control U+2066 (LEFT-TO-RIGHT ISOLATE)"
has lint-heading "$TMP/lint.err" \
    "content/usecases/btagging.md:$n:9: warning: Unicode bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"
expect lint-count "$(grep -c 'bidirectional control' "$TMP/lint.err")" 5 \
    "$TMP/lint.err"
"$KBGEN" -C "$K" lint --strict >/dev/null 2>&1
rc lint-strict-fails $? 1

"$KBGEN" -q -C "$K" build >"$TMP/build.out" 2>&1
rc build $? 0 "$TMP/build.out"

# Every file of the site: runs of text (HTML, XML) and strings (JSON)
# balanced; print the unbalanced ones, and which files held the title.
"$PY" - "$K/site" >"$TMP/scan.out" 2>&1 <<'PYEOF'
import json, os, re, sys
OPEN = {0x202a: "E", 0x202b: "E", 0x202d: "E", 0x202e: "E",
        0x2066: "I", 0x2067: "I", 0x2068: "I"}
def balanced(s):
    st = []
    for ch in s:
        c = ord(ch)
        if c in OPEN:
            st.append(OPEN[c])
        elif c == 0x202c:
            if not st or st[-1] != "E":
                return False
            st.pop()
        elif c == 0x2069:
            if "I" not in st:
                return False
            while st.pop() != "I":
                pass
    return not st
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
bad = 0
seen = set()
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        try:
            t = open(p, encoding="utf-8").read()
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        rel = os.path.relpath(p, sys.argv[1])
        if "\u202e" in t:
            seen.add(rel)
        if f.endswith(".json"):
            runs = strings(json.loads(t))
        elif f.endswith(".js"):
            runs = [json.loads(x) for x in
                    re.findall(r'"(?:[^"\\]|\\.)*"', t)]
        elif f.endswith((".html", ".xml")):
            runs = re.split(r"<[^>]*>", t)
        else:
            runs = [t]
        for r in runs:
            if not balanced(r):
                bad += 1
                print("unbalanced in %s: %r" % (rel, r[:80]))
for rel in sorted(seen):
    print("title in", rel)
print("unbalanced:", bad)
PYEOF
has site-balanced "$TMP/scan.out" "unbalanced: 0"
has title-in-page "$TMP/scan.out" "title in usecases/btagging/index.html"
has title-in-search "$TMP/scan.out" "title in catalogue.json"
# In <title> and <h1> the override is closed right after the title.
P=$K/site/usecases/btagging/index.html
has page-title "$P" "<title>Jet ${RLO}b-tagging in CMS${PDF}"
has page-h1 "$P" "b-tagging in CMS${PDF}</h1>"
has page-stray-pop "$P" "Tag jet flavour"
finish
