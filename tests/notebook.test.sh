#!/bin/sh
# The executed notebook on the use-case page (render/notebook.c,
# render/usecases.c): the fixture notebook of tests/notebook/mkfixture.py
# (every MIME type, ANSI streams, an error, a widget, a 20 MB output,
# invalid base64, bytes that are not the PNG they say, an SVG with
# <script>, HTML with a script that tries window.parent.document and
# top.location, an unknown type, build-machine paths) rendered by the
# test tool nbrender and compared with its golden (tests/notebook/all.html
# less the lines of the 20 MB output; all.err for the warnings), then
# the rules no golden shows at a glance; bad input; a site built with
# kept outputs (test tool putnb), a script's log and files, and
# site.yaml's outputs section; the
# search index (the notebook's Markdown and code names); a
# tutorial-like notebook executed here with nbclient, and the notebooks
# nbclient's Debian package ships (a local copy of a public repository),
# compared with "jupyter nbconvert --to html" for content; the page in
# Chromium (tests/browser/notebook.test.js): the sandboxed frames cannot
# reach the page.  REGEN=1 rewrites the goldens.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
BIN=$(dirname "$KBGEN")
[ -x "$BIN/nbrender" ] || BIN=$PWD/.obj
NBR=$BIN/nbrender
PUTOUT=$BIN/putnb
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
. "$TOP/tests/lib.sh"
G=$TOP/tests/notebook

if [ ! -x "$NBR" ] || [ ! -x "$PUTOUT" ]; then
	fail tools "$NBR or $PUTOUT missing (make unit)"
	finish
fi
if ! $PY -c 'import PIL, nbclient, nbconvert, matplotlib' 2>"$TMP/py.err"; then
	fail python "Pillow, nbclient, nbconvert, matplotlib missing (tests/deps-test.sh)" "$TMP/py.err"
	finish
fi

# The fixture, with its 20 MB output.
$PY "$G/mkfixture.py" "$TMP/all.ipynb" 20
"$NBR" -w src/examples "$TMP/all.ipynb" "$TMP/out" 2>"$TMP/all.err"
rc render-fixture $? 0 "$TMP/all.err"
F=$TMP/out/notebook.html
# The golden, less the 1 MiB of "yyy" lines the cut output shows.
grep -v '^y\{99\}$' "$F" >"$TMP/all.html"
if [ -n "$REGEN" ]; then
	cp "$TMP/all.html" "$G/all.html"
	cp "$TMP/all.err" "$G/all.err"
	echo "regen: tests/notebook/all.html, all.err"
fi
if cmp -s "$TMP/all.html" "$G/all.html"; then ok golden-page
else diff -u "$G/all.html" "$TMP/all.html" | head -40 >"$TMP/d"; fail golden-page "differs" "$TMP/d"; fi
if cmp -s "$TMP/all.err" "$G/all.err"; then ok golden-warnings
else diff -u "$G/all.err" "$TMP/all.err" >"$TMP/d"; fail golden-warnings "differs" "$TMP/d"; fi

# Nothing of an output outside escaping and the sandboxed frame.
hasnt no-raw-script "$F" "<script"
hasnt no-inline-svg "$F" "<svg"
hasnt no-raw-handler "$F" "onerror="
hasnt no-same-origin "$F" "allow-same-origin"
n=$(grep -c '<iframe' "$F")
s=$(grep -c '<iframe class="nb-frame" sandbox="allow-scripts" ' "$F")
expect frames-sandboxed "$n/$s" "2/2"
has parent-attempt-in-srcdoc "$F" "window.parent.document.title = &#39;PWNED&#39;"
# An SVG only ever as <img>: files for clean ones, a data: URL for one
# with a script, never its file.
svgs=$(ls "$TMP/out" | grep -c '\.svg$')
expect svg-one-file "$svgs" 1
has svg-script-data-url "$F" '<img src="data:image/svg+xml,%3Csvg'
if grep -l script "$TMP/out"/*.svg >/dev/null 2>&1; then fail svg-script-no-file "a script SVG was written"
else ok svg-script-no-file; fi
# Images: files named by their content's hash, real images.
for f in "$TMP/out"/*.png "$TMP/out"/*.jpg "$TMP/out"/*.webp; do
	h=$(sha256sum "$f" | cut -c1-16)
	expect "image-named-by-hash-${f##*.}" "$(basename "${f%.*}")" "$h"
done
$PY -c 'import sys
from PIL import Image
for f in sys.argv[1:]:
    Image.open(f).load()' "$TMP/out"/*.png "$TMP/out"/*.jpg "$TMP/out"/*.webp 2>"$TMP/pil.err"
rc images-decode $? 0 "$TMP/pil.err"
# The 20 MB output: cut near 1 MiB, with the note.
sz=$(wc -c <"$F")
[ "$sz" -lt 1200000 ] && [ "$sz" -gt 1000000 ] && ok big-output-cut || fail big-output-cut "page is $sz bytes"
has big-output-note "$F" "output cut here, 18508 KB more in the notebook"
# ANSI colours as classes, markup in text escaped.
has ansi-class "$F" '<span class="ansi-green-fg ansi-bold">bold green</span>'
has text-escaped "$F" '&lt;b&gt;not bold&lt;/b&gt;'
has ansi-bright-fg "$F" '<span class="ansi-red-intense-fg">bright red</span>'
has ansi-bright-bg "$F" '<span class="ansi-blue-intense-bg">bright blue</span>'
has carriage-return "$F" 'progress 100%'
hasnt carriage-return-gone "$F" 'progress 10%'
# Paths of the build machine relative to the example's folder.
hasnt no-job-paths "$F" "/job/"
hasnt no-host-paths "$F" ".kbgen/runs"
has path-relative "$F" '<span class="ansi-green-fg">helper.py:3</span>'
# In [N], highlighting, the widget and the unknown type as notes.
has in-n "$F" '<div class="nb-prompt">In [11]:</div>'
has highlight "$F" '<span class="k">def</span>'
has widget-note "$F" 'interactive widget'
has unknown-note "$F" 'output of type application/x-kbgen-unknown not shown'
# Warnings name the cell (the use case is added on the page, below).
has warn-base64 "$TMP/all.err" "cell 15 (In [14]): image/png output is not valid base64"
has warn-not-png "$TMP/all.err" "cell 16 (In [15]): image/png output does not decode as image/png"
has warn-unknown "$TMP/all.err" "cell 18 (In [17]): output of unknown type application/x-kbgen-unknown"

# outputs: {html: text}: no frame, the next representation instead.
"$NBR" -t "$TMP/all.ipynb" "$TMP/text" 2>/dev/null
hasnt html-text-no-frame "$TMP/text/notebook.html" "<iframe"
has html-text-plain "$TMP/text/notebook.html" "&lt;HTML&gt;"
has html-text-js-source "$TMP/text/notebook.html" "element.textContent = &#39;js ran&#39;;"
# Limits from the options.
"$NBR" -I 100 "$TMP/all.ipynb" "$TMP/lim" 2>"$TMP/lim.err"
has max-image-warn "$TMP/lim.err" "over the limit"
"$NBR" -N 1000 "$TMP/all.ipynb" "$TMP/limn" 2>"$TMP/limn.err"
rc max-notebook-not-rendered $? 1
has max-notebook-warn "$TMP/limn.err" "over the limit of 0 KB (outputs.max_notebook)"

# Bad input: corrupt JSON, not a notebook, cells that are not cells.
printf '{"cells": [' >"$TMP/corrupt.ipynb"
"$NBR" "$TMP/corrupt.ipynb" "$TMP/c" 2>"$TMP/c.err"
rc corrupt-rc $? 1
has corrupt-warn "$TMP/c.err" "the executed notebook is not a notebook"
printf '{"cells": [1, {"cell_type": "code", "execution_count": 2, "source": "x", "outputs": [7, {"output_type": "display_data"}, {"output_type": "stream", "name": "stdout", "text": "still here"}]}]}' >"$TMP/odd.ipynb"
"$NBR" "$TMP/odd.ipynb" "$TMP/o" 2>"$TMP/o.err"
rc odd-cells-rendered $? 0 "$TMP/o.err"
has odd-rest-renders "$TMP/o/notebook.html" "still here"
has odd-warn-cell "$TMP/o.err" "cell 1: not a cell; left out"
has odd-warn-output "$TMP/o.err" "cell 2 (In [2]): output 1 is not an output"

# Images attached to Markdown cells (nbformat's "attachments"): shown as
# files, checked as image outputs are; a reference to no attachment, a
# bad image and an SVG with script are warnings, the rest rendered.
h=$($PY "$G/mkattach.py" "$TMP/att.ipynb")
"$NBR" "$TMP/att.ipynb" "$TMP/att" 2>"$TMP/att.err"
rc attachment-rendered $? 0 "$TMP/att.err"
has attachment-img "$TMP/att/notebook.html" "<img src=\"$h.png\" alt=\"roc\" />"
has attachment-link "$TMP/att/notebook.html" "<a href=\"$h.png\">link</a>"
[ -n "$h" ] && [ -f "$TMP/att/$h.png" ] &&
    [ "$(sha256sum <"$TMP/att/$h.png" | cut -c1-16)" = "$h" ] &&
    ok attachment-file || fail attachment-file "no $h.png with the attachment's bytes"
has attachment-missing-warn "$TMP/att.err" "cell 1: attachment:gone.png is not among the cell's attachments; not shown"
has attachment-bad-warn "$TMP/att.err" "cell 1: image/png output is not valid base64; not shown"
has attachment-svg-warn "$TMP/att.err" "cell 1: attachment:evil.svg is an SVG with script or event handlers; not shown"
ls "$TMP/att/"*.svg >/dev/null 2>&1 && fail attachment-no-svg-file "an SVG with script written as a file" ||
    ok attachment-no-svg-file
hasnt attachment-no-onload "$TMP/att/notebook.html" "onload"

# A site with kept outputs: the last run failed, an earlier one passed.
mkdir -p "$TMP/kb"
cp -r "$TOP/tests/fixtures/kb/content" "$TMP/kb/content" 2>/dev/null || cp -r "$TOP/content" "$TMP/kb/content"
slug=$(grep -l '^example:' "$TMP/kb/content/usecases/"*.md | head -1)
slug=$(basename "$slug" .md)
$PY "$G/mkfixture.py" "$TMP/small.ipynb" 0
cat >"$TMP/last.json" <<EOF
{"slug": "$slug", "stamp": 1764000000, "date": "2026-11-25T12:00:00Z", "runner": "local", "gpu": "NVIDIA A100-SXM4-40GB", "commit": null, "status": "fail", "reason": "exception", "kind": "notebook", "notebook": {"file": "$TMP/small.ipynb"}, "log": null, "images": []}
EOF
cat >"$TMP/pass.json" <<EOF
{"slug": "$slug", "stamp": 1763000000, "date": "2026-11-20T12:00:00Z", "runner": "slurm", "gpu": null, "commit": null, "status": "pass", "reason": null, "kind": "notebook", "notebook": {"file": "$TMP/tutorial-run.ipynb"}, "log": null, "images": []}
EOF
(cd "$TMP" && $PY -c '
import sys, nbformat, nbclient
nb = nbformat.read(sys.argv[1], 4)
nbclient.NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
nbformat.write(nb, sys.argv[2])' "$G/tutorial.ipynb" "$TMP/tutorial-run.ipynb") >"$TMP/exec.err" 2>&1
rc tutorial-executed $? 0 "$TMP/exec.err"
"$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site0" >/dev/null 2>&1
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/last.json" passing="$TMP/pass.json" >"$TMP/put.out" 2>&1
rc putout $? 0 "$TMP/put.out"
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/build.out" 2>&1
rc build-with-outputs $? 0 "$TMP/build.out"
P=$TMP/site/usecases/$slug
has page-notebook-section "$P/index.html" 'id="kb_notebook"'
has page-run-said "$P/index.html" 'The last run <strong>failed</strong>: <time datetime="2026-11-25T12:00:00Z">2026-11-25T12:00:00Z</time> on local with NVIDIA A100-SXM4-40GB.'
has page-inline-notebook "$P/index.html" '<div class="nb-prompt">In [11]:</div>'
has page-passing-link "$P/index.html" "href=\"../../usecases/$slug/passing.html\""
has page-script "$P/index.html" 'assets/notebook.js'
has passing-page "$P/passing.html" 'AUC 0.'
has passing-page-img "$P/passing.html" '<img src="outputs/'
img=$(grep -o '<img src="outputs/[0-9a-f]*\.png"' "$P/passing.html" | head -1 | sed 's/.*"outputs\///; s/"$//')
[ -n "$img" ] && [ -f "$P/outputs/$img" ] && ok passing-image-file || fail passing-image-file "no outputs/$img"
# One download of the last run's notebook: the copy beside the page.
has page-download "$P/index.html" 'Download the executed notebook'
has page-download-url "$P/index.html" "usecases/$slug/executed-last.ipynb\" download>Download"
expect page-download-bytes "$(cmp -s "$P/executed-last.ipynb" "$TMP/small.ipynb" && echo same)" same
has warn-names-usecase "$TMP/build.out" "use case $slug: executed notebook: cell 15 (In [14]): image/png output is not valid base64"
[ -f "$TMP/site/assets/notebook.js" ] && ok notebook-js-published || fail notebook-js-published "no assets/notebook.js"

# The failing run's record names its manifest ("outputs") and the cell
# that failed: that cell is marked, the earlier cells keep their outputs.
ref=$(sed -n 's/^last \(sha256:[0-9a-f]*\)$/\1/p' "$TMP/put.out")
PUTRUN=$BIN/putrun
printf '{"slug": "%s", "stamp": 1764000000, "date": "2026-11-25T12:00:00Z", "status": "fail", "reason": "exception", "message": "In [11] raised ZeroDivisionError", "runner": "local", "seconds": 3, "commit": null, "gpus": {"count": 0, "names": []}, "outputs": "%s", "failed_cell": {"index": 11, "number": 11, "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": ""}}\n' "$slug" "$ref" >"$TMP/rec"
"$PUTRUN" "$TMP/kb/.kbgen" <"$TMP/rec" >"$TMP/putrun.out" 2>&1
rc putrun $? 0 "$TMP/putrun.out"
# (again: checked_at changes, as after the check that stored the record)
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/last.json" passing="$TMP/pass.json" >/dev/null 2>&1
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/buildr.out" 2>&1
rc build-failed-cell $? 0 "$TMP/buildr.out"
has failed-cell-marked "$P/index.html" '<div class="nb-cell nb-code nb-failed" id="cell-11">'
has failed-earlier-outputs "$P/index.html" '<span class="ansi-green-fg ansi-bold">bold green</span>'

# The search index holds the notebook's Markdown and its code's names
# (the last passing run's notebook: the tutorial), read back as
# tests/search.test.sh reads it.
sed -n "/^cat >\"\$TMP\/q.js\" <<'EOF'/,/^EOF/p" "$TOP/tests/search.test.sh" | sed '1d;$d' >"$TMP/q.js"
for q in default_rng np.trapz Gaussian; do
	got=$(node "$TMP/q.js" "$TMP/site" query "$q" 2>&1)
	expect "search-notebook-$q" "$got" "usecases/$slug/index.html"
done
got=$(node "$TMP/q.js" "$TMP/site0" query default_rng 2>&1)
expect search-no-notebook-no-hit "$got" "(none)"

# A long notebook gets its own page, linked from the use case's.
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/pass.json" >/dev/null 2>&1
cat >"$TMP/long.json" <<EOF
{"slug": "$slug", "stamp": 1765000000, "date": "2026-11-26T12:00:00Z", "runner": "local", "gpu": null, "commit": null, "status": "pass", "reason": null, "kind": "notebook", "notebook": {"file": "$TMP/all.ipynb"}, "log": null, "images": []}
EOF
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/long.json" passing="$TMP/long.json" >/dev/null 2>&1
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/build2.out" 2>&1
rc build-long $? 0 "$TMP/build2.out"
has long-own-page-link "$P/index.html" "href=\"../../usecases/$slug/notebook.html\""
hasnt long-not-inline "$P/index.html" '<div class="nb-prompt">'
has long-own-page "$P/notebook.html" "output cut here"
[ ! -f "$P/passing.html" ] && ok passing-page-gone-when-passing || fail passing-page-gone-when-passing "passing.html still there"
cp "$P/notebook.html" "$TMP/long-page.html"

# A script's outputs (kind "files"): its log as terminal text, its
# image files checked as a notebook's are.
printf 'epoch 1 \033[32mok\033[0m <b>\n/job/src/data/x.csv\n' >"$TMP/out.log"
cp "$TMP/out/"*.png "$TMP/roc.png"
printf '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>' >"$TMP/evil.svg"
printf 'GIF89a' >"$TMP/fake.png"
cat >"$TMP/files.json" <<EOF
{"slug": "$slug", "stamp": 1766000000, "date": "2026-11-27T12:00:00Z", "runner": "local", "gpu": null, "commit": null, "status": "pass", "reason": null, "kind": "files", "notebook": null, "log": {"file": "$TMP/out.log"}, "images": [{"name": "plots/roc.png", "type": "image/png", "file": "$TMP/roc.png"}, {"name": "evil.svg", "type": "image/svg+xml", "file": "$TMP/evil.svg"}, {"name": "fake.png", "type": "image/png", "file": "$TMP/fake.png"}]}
EOF
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/files.json" passing="$TMP/files.json" >"$TMP/put.out" 2>&1
rc putout-files $? 0 "$TMP/put.out"
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/buildf.out" 2>&1
rc build-files $? 0 "$TMP/buildf.out"
has files-log "$P/index.html" '<pre class="nb-stdout">epoch 1 <span class="ansi-green-fg">ok</span> &lt;b&gt;'
has files-log-path "$P/index.html" 'data/x.csv'
hasnt files-log-no-job "$P/index.html" '/job/src'
has files-image "$P/index.html" "<img src=\"outputs/$(sha256sum "$TMP/roc.png" | cut -c1-16).png\" alt=\"plots/roc.png\""
has files-svg-data-url "$P/index.html" '<img src="data:image/svg+xml,'
sed -n '/id="kb_notebook"/,/<\/section>/p' "$P/index.html" >"$TMP/nbsec.html"
hasnt files-no-inline-svg "$TMP/nbsec.html" '<svg'
has files-warn-svg "$TMP/buildf.out" "use case $slug: outputs: file evil.svg: SVG output holds script"
has files-warn-fake "$TMP/buildf.out" "use case $slug: outputs: file fake.png: image/png output does not decode as image/png"

# A corrupt kept notebook: a warning naming the use case, the page
# rendered, the build not failed.
printf '{"cells": [' >"$TMP/corrupt.ipynb"
sed "s|$TMP/all.ipynb|$TMP/corrupt.ipynb|" "$TMP/long.json" >"$TMP/bad.json"
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/bad.json" >/dev/null 2>&1
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/build3.out" 2>&1
rc build-corrupt-ok $? 0 "$TMP/build3.out"
has corrupt-warn-usecase "$TMP/build3.out" "use case $slug: executed notebook: the executed notebook is not a notebook"
has corrupt-page-rendered "$P/index.html" "Does the example still run?"
hasnt corrupt-no-section "$P/index.html" 'id="kb_notebook"'

# site.yaml outputs: {html: text} reaches the page; a bad value is an
# error at its place.
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/last.json" >/dev/null 2>&1
cp "$TMP/kb/content/site.yaml" "$TMP/site.yaml.orig" 2>/dev/null || : >"$TMP/site.yaml.orig"
{ cat "$TMP/site.yaml.orig"; printf 'outputs:\n  html: text\n'; } >"$TMP/kb/content/site.yaml"
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/build4.out" 2>&1
rc build-html-text $? 0 "$TMP/build4.out"
hasnt html-text-page-no-frame "$P/index.html" "<iframe"
{ cat "$TMP/site.yaml.orig"; printf 'outputs:\n  html: inline\n  max_text: lots\n'; } >"$TMP/kb/content/site.yaml"
"$KBGEN" lint -C "$TMP/kb" >"$TMP/lint.out" 2>&1
rc lint-bad-outputs $? 1 "$TMP/lint.out"
has lint-bad-html "$TMP/lint.out" '"html" must be one of frame, text, not "inline"'
has lint-bad-size "$TMP/lint.out" '"max_text" must be a size'
cp "$TMP/site.yaml.orig" "$TMP/kb/content/site.yaml"

# nbconvert, for content: every output on both pages.
jupyter nbconvert --to html --output-dir "$TMP/nbc" "$TMP/tutorial-run.ipynb" >"$TMP/nbc.err" 2>&1
rc nbconvert-tutorial $? 0 "$TMP/nbc.err"
"$NBR" "$TMP/tutorial-run.ipynb" "$TMP/tut" 2>/dev/null
# compare NAME EXECUTED OURS NBCONVERT: compare.py's lines, named.
compare() {
	$PY "$G/compare.py" "$2" "$3" "$4" >"$TMP/cmp.raw" 2>&1
	r=$?
	sed "s/^\(ok\|FAIL\) /\1 nbconvert-$1: /" "$TMP/cmp.raw" >"$TMP/cmp.out"
	tally "$TMP/cmp.out"
	[ $r -eq 0 ] || grep -q '^FAIL' "$TMP/cmp.out" ||
	    fail "nbconvert-$1" "compare.py exited $r" "$TMP/cmp.raw"
}
compare tutorial "$TMP/tutorial-run.ipynb" "$TMP/tut/notebook.html" "$TMP/nbc/tutorial-run.html"
NBD=/usr/lib/python3/dist-packages/nbclient/tests/files
for nb in "Inline Image" SVG JupyterWidgets Error "Clear Output" Unicode update-display-id; do
	if [ ! -f "$NBD/$nb.ipynb" ]; then
		fail "nbconvert-$nb" "$NBD/$nb.ipynb missing (python3-nbclient)"
		continue
	fi
	w=$(echo "$nb" | tr ' ' '-')
	"$NBR" "$NBD/$nb.ipynb" "$TMP/nbo-$w" 2>/dev/null
	jupyter nbconvert --to html --output-dir "$TMP/nbc" --output "$w" "$NBD/$nb.ipynb" >"$TMP/nbc.err" 2>&1
	compare "$w" "$NBD/$nb.ipynb" "$TMP/nbo-$w/notebook.html" "$TMP/nbc/$w.html"
done

# In Chromium: the frames cannot reach the page.
if ! command -v node >/dev/null 2>&1 ||
    [ ! -d "$TOP/tests/browser/node_modules/playwright-core" ] ||
    [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	fail browser "node, tests/browser/node_modules or chromium missing (tests/deps-test.sh)"
	finish
fi
"$PUTOUT" "$TMP/kb" "$slug" last="$TMP/last.json" passing="$TMP/pass.json" >/dev/null 2>&1
"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >/dev/null 2>&1
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$TMP/site" && exec $PY -m http.server -b 127.0.0.1 "$PORT") >/dev/null 2>&1 &
srv=$!
i=0
while ! $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/')" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1
done
node "$TOP/tests/browser/notebook.test.js" "http://127.0.0.1:$PORT/usecases/$slug/index.html" \
    "$P/index.html" >"$TMP/node.out" 2>&1
tally "$TMP/node.out"
finish
