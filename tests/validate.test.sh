#!/bin/sh
# The built pages against the validators: the Nu HTML checker (vnu-jar,
# in one Java run over every .html page) with no error allowed, and
# axe-core in Chromium (tests/browser/validate.test.js) with no
# violation on one page of each page family.  The sites: the shipped one
# (content/), tests/fixtures/kb, the same with the events of
# tests/fixtures/events laid over it, the kb fixture with runs kept (a
# pass with changed outputs, a failure, a timeout: the status table,
# badges, notebook and changes pages the others lack), and the starter
# knowledge base of kbgen init (the Nu checker only).  Also: every page
# has a meta description; the matrix folds its technologies and fields
# with no use case behind "Show empty (N)"; the badges' text contrast,
# the status badges' width, the folding in a browser and the search
# page's layout shifts (validate.test.js).  Needs what
# tests/deps-test.sh installs: Java, node, Chromium and
# tests/browser/node_modules (vnu-jar, axe-core, playwright-core).
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
BIN=$(dirname "$KBGEN")
[ -x "$BIN/putnb" ] || BIN=$PWD/.obj
PY=/usr/bin/python3
VNU=$TOP/tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
. "$TOP/tests/lib.sh"
scratch

need_browser
if ! command -v java >/dev/null 2>&1 || [ ! -f "$VNU" ]; then
	fail vnu "java or $VNU missing (run tests/deps-test.sh)"
	finish
fi
if [ ! -x "$BIN/putnb" ] || [ ! -x "$BIN/putrun" ]; then
	fail tools "$BIN/putnb or putrun missing (make unit)"
	finish
fi

W=$TMP/www
mkdir -p "$W"
# site NAME: build $TMP/NAME (a knowledge base) into $W/NAME
site() {
	if "$KBGEN" -q build -C "$TMP/$1" -o "$W/$1" 2>"$TMP/$1.err"; then
		ok "build $1"
	else
		fail "build $1" "does not build" "$TMP/$1.err"
		finish
	fi
}
mkdir -p "$TMP/shipped"
cp -r "$TOP/content" "$TMP/shipped/content"
site shipped
mkdir -p "$TMP/kb"
cp -r "$TOP/tests/fixtures/kb/content" "$TMP/kb/content"
site kb
mkdir -p "$TMP/events"
cp -r "$TOP/tests/fixtures/kb/content" "$TMP/events/content"
cp -r "$TOP/tests/fixtures/events/content/." "$TMP/events/content/"
site events
# The starter knowledge base of kbgen init.
"$KBGEN" init "$TMP/init" >"$TMP/init.out" 2>&1 ||
    fail init "kbgen init failed" "$TMP/init.out"
site init

# The runs: two passing runs of btagging whose outputs differ, then a
# failing one (putnb: the changes page, the failed run's notebook on the
# use case's page and the passing one on a page of its own), a failure
# and a timeout of two more use cases (putrun).
K=$TMP/runs
mkdir -p "$K" "$TMP/nb"
cp -r "$TOP/tests/fixtures/kb/content" "$K/content"
for s in uc-fail uc-timeout; do
	mkuc "$K/content/usecases" "$s" "https://git.example.org/$s.git" "$s.ipynb"
done
$PY "$TOP/tests/notebook/mkpair.py" "$TMP/nb"
# manifest NAME DAY STATUS NOTEBOOK: a run's manifest in $TMP/NAME.json
manifest() {
	printf '{"slug": "btagging", "stamp": 1764000000, "date": "2026-11-%sT10:00:00Z", "runner": "local", "gpu": null, "commit": null, "status": "%s", "reason": null, "kind": "notebook", "notebook": {"file": "%s"}, "log": null, "images": []}\n' \
	    "$2" "$3" "$TMP/nb/$4.ipynb" >"$TMP/$1.json"
}
manifest before 01 pass before
manifest after 20 pass after
manifest failed 22 fail before
"$BIN/putnb" "$K" btagging previous_passing="$TMP/before.json" \
    passing="$TMP/after.json" last="$TMP/failed.json" >"$TMP/putnb.out" 2>&1 ||
    fail putnb "cannot keep the outputs" "$TMP/putnb.out"
ref=$(sed -n 's/^last \(sha256:[0-9a-f]*\)$/\1/p' "$TMP/putnb.out")
cat >"$TMP/records" <<EOF
{"slug": "btagging", "stamp": 1764000000, "date": "2026-11-22T10:00:00Z", "status": "fail", "reason": "exception", "message": "In [2] raised ValueError", "runner": "local", "seconds": 12, "commit": "0123456789abcdef0123", "gpus": {"count": 0, "names": []}, "outputs": "$ref", "failed_cell": {"index": 2, "number": 2, "ename": "ValueError", "evalue": "bad", "traceback": "Traceback"}}
{"slug": "uc-fail", "stamp": 1764000000, "date": "2026-11-25T12:00:00Z", "status": "fail", "reason": "exception", "message": "In [3] raised ZeroDivisionError", "runner": "local", "seconds": 3, "commit": null, "gpus": {"count": 0, "names": []}, "failed_cell": {"index": 3, "number": 3, "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": "Traceback"}, "regression": true}
{"slug": "uc-timeout", "stamp": 1764000000, "date": "2026-11-25T12:00:00Z", "status": "timeout", "reason": "timeout", "message": "the example ran past its 1800 s limit", "runner": "local", "seconds": 1800, "commit": null, "gpus": {"count": 0, "names": []}}
EOF
"$BIN/putrun" "$K/.kbgen" <"$TMP/records" >"$TMP/putrun.out" 2>&1 ||
    fail putrun "cannot store the records" "$TMP/putrun.out"
site runs
for f in usecases/btagging/changes.html usecases/btagging/passing.html \
    status/index.html; do
	[ -f "$W/runs/$f" ] && ok "runs site has $f" ||
	    fail "runs site has $f" "not built"
done

# --- The Nu HTML checker: every page of the four sites, one Java run.
for s in shipped kb events runs init; do
	n=$(find "$W/$s" -name '*.html' | wc -l)
	[ "$n" -gt 10 ] && ok "pages $s ($n)" || fail "pages $s" "only $n .html files"
done
java -Xss8m -jar "$VNU" --skip-non-html --errors-only --format gnu "$W" \
    >"$TMP/vnu.out" 2>&1
vrc=$?
for s in shipped kb events runs init; do
	grep -F "$W/$s/" "$TMP/vnu.out" | sed "s|file:$W/||; s|\"||g" >"$TMP/vnu.$s"
	n=$(grep -c . "$TMP/vnu.$s")
	expect "vnu $s: 0 errors" "$n" 0 "$TMP/vnu.$s"
done
if [ $vrc -ne 0 ] && [ ! -s "$TMP/vnu.shipped" ] && [ ! -s "$TMP/vnu.kb" ] &&
    [ ! -s "$TMP/vnu.events" ] && [ ! -s "$TMP/vnu.runs" ] &&
    [ ! -s "$TMP/vnu.init" ]; then
	fail "vnu ran" "exit $vrc with no error on a page" "$TMP/vnu.out"
fi

# --- Every page has a meta description that says something.
for s in shipped kb events runs init; do
	miss=$(find "$W/$s" -name '*.html' | while read -r f; do
		grep -q '<html' "$f" || continue
		grep -q '<meta name="description" content="[^"]' "$f" ||
		    echo "${f#"$W"/}"
	done)
	expect "meta description on every page of $s" "$miss" ""
done

# --- The matrix: technologies and fields with no use case at all are
# under "Show empty (N)"; the table keeps only rows and columns with at
# least one use case; every term is in one or the other.
matrix() {
	$PY - "$W/$1" <<'PYEOF'
import html.parser, os, re, sys
d = sys.argv[1]
src = open(d + "/matrix/index.html").read()
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__()
        s.stack, s.rows, s.cols, s.row = [], [], [], None
        s.empty, s.summary, s.indet, s.insum = [], "", 0, False
    def handle_starttag(s, t, a):
        a = dict(a)
        if t == "details" and "matrix-empty" in (a.get("class") or ""):
            s.indet = 1
        elif s.indet and t == "summary":
            s.insum = True
        elif s.indet and t == "a":
            s.empty.append(a["href"])
        elif not s.indet and t == "tr":
            s.row = []
        elif not s.indet and t == "th" and s.row is not None:
            s.row.append(("th", a.get("scope")))
        elif not s.indet and t == "td" and s.row is not None:
            s.row.append(("td", a.get("class")))
        elif not s.indet and t == "a" and s.row is not None and s.row and s.row[-1][0] == "th":
            s.row[-1] = ("th", s.row[-1][1], a["href"])
    def handle_endtag(s, t):
        if t == "details" and s.indet:
            s.indet = 0
        elif t == "summary":
            s.insum = False
        elif t == "tr" and s.row is not None and not s.indet:
            s.rows.append(s.row)
            s.row = None
    def handle_data(s, x):
        if s.insum:
            s.summary += x
p = P()
p.feed(src)
head, body = p.rows[0], p.rows[1:]
cols = [c[2] for c in head if c[0] == "th"]
bad = []
for r in body:
    cells = [c for c in r if c[0] == "td"]
    if len(cells) != len(cols):
        bad.append("row %s has %d cells for %d columns" % (r[0], len(cells), len(cols)))
    if not any(c[1] == "hit" for c in cells):
        bad.append("row with no use case in the table: %s" % r[0][2])
for j, c in enumerate(cols):
    if not any([x for x in r if x[0] == "td"][j][1] == "hit" for r in body):
        bad.append("column with no use case in the table: %s" % c)
m = re.match(r"Show empty \((\d+)\)$", p.summary.strip())
n = int(m.group(1)) if m else None
if p.empty and n != len(p.empty):
    bad.append("summary %r for %d folded terms" % (p.summary, len(p.empty)))
rows = [r[0][2] for r in body]
terms = {"technologies": set(), "fields": set()}
for k in terms:
    for t in os.listdir(d + "/" + k):
        if os.path.isdir(d + "/" + k + "/" + t):
            terms[k].add("../%s/%s/index.html" % (k, t))
shown = set(rows) | set(cols) | set(p.empty)
for k in terms:
    for t in sorted(terms[k] - shown):
        bad.append("%s neither in the table nor folded" % t)
print("\n".join(bad) if bad else "ok %d rows %d columns %d folded: %s" % (
    len(rows), len(cols), len(p.empty), " ".join(sorted(p.empty))))
PYEOF
}
for s in shipped kb events; do
	matrix "$s" >"$TMP/matrix.$s" 2>&1
	if grep -q '^ok ' "$TMP/matrix.$s"; then ok "matrix folds the empty rows and columns of $s"
	else fail "matrix folds the empty rows and columns of $s" "" "$TMP/matrix.$s"; fi
done
# The kb fixture: Gravitational Waves (a field with no use case) folded,
# the count beside it; every technology has one.
expect "matrix kb: Gravitational Waves alone folded" "$(cat "$TMP/matrix.kb")" \
    "ok 4 rows 2 columns 1 folded: ../fields/gravitational-waves/index.html"
has "matrix kb: Show empty (1)" "$W/kb/matrix/index.html" '<summary>Show empty (1)</summary>'
# A technology with no use case (one more in the taxonomy) goes there too.
cp -r "$TMP/kb" "$TMP/kb2"
$PY - "$TMP/kb2/content/taxonomy.yaml" <<'PYEOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"(technologies:\n)", r"\1  - name: Quantum Annealing\n", s, count=1)
open(p, "w").write(s)
PYEOF
site kb2
matrix kb2 >"$TMP/matrix.kb2" 2>&1
expect "matrix: a technology with no use case is folded" "$(cat "$TMP/matrix.kb2")" \
    "ok 4 rows 2 columns 2 folded: ../fields/gravitational-waves/index.html ../technologies/quantum-annealing/index.html"
has "matrix kb2: Show empty (2)" "$W/kb2/matrix/index.html" '<summary>Show empty (2)</summary>'
rm -rf "$W/kb2"

# --- In the browser: axe-core, badges, folding, layout shifts.
serve "$W"
node "$TOP/tests/browser/validate.test.js" "$W" "http://127.0.0.1:$PORT/" \
    shipped events runs >"$TMP/out" 2>&1
rc=$?

tally "$TMP/out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/out"; then
	fail "browser tests" "node exited $rc" "$TMP/out"
fi
# Each page family of templates/ was checked by axe on some site.
seen=$(sed -n 's/^# families [a-z0-9]*: //p' "$TMP/out" | tr ' ' '\n' | sort -u)
for t in "$TOP"/templates/*.mustache; do
	f=$(basename "$t" .mustache)
	case $f in _* | base) continue ;; index) f=home ;; esac
	if echo "$seen" | grep -qx "$f"; then ok "axe saw family $f"
	else fail "axe saw family $f" "no page of it in the sites checked"; fi
done
finish
