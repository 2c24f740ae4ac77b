#!/bin/sh
# Outputs that changed between two passing runs (model/outdiff.c,
# render/nbdiff.c, render/usecases.c, render/status.c): two executed
# notebooks of one example (tests/notebook/mkpair.py) kept as its
# previous and last passing runs with the test tool putnb; the use
# case's page says "Outputs changed since DATE" and links a page with
# the changed cells side by side (the earlier run left, the later
# right, each cell from its own notebook), and the regressions feed has
# an entry.  Numbers within site.yaml's outputs.rtol and timestamps are
# no change; a run whose outputs are the same says nothing; a script's
# log that changed is shown side by side; a corrupt notebook is no
# change and no failed build; a bad outputs.rtol is an error at its
# place.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
BIN=$(dirname "$KBGEN")
[ -x "$BIN/putnb" ] || BIN=$PWD/.obj
PUTNB=$BIN/putnb
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/lib.sh"

if [ ! -x "$PUTNB" ]; then
	fail tools "$PUTNB missing (make unit)"
	finish
fi
mkdir -p "$TMP/kb" "$TMP/nb"
cp -r "$TOP/tests/fixtures/kb/content" "$TMP/kb/content"
slug=$(grep -l '^example:' "$TMP/kb/content/usecases/"*.md | head -1)
slug=$(basename "$slug" .md)
$PY "$TOP/tests/notebook/mkpair.py" "$TMP/nb"
# manifest NAME NOTEBOOK DATE: a passing run's manifest in $TMP/NAME.json
manifest() {
	printf '{"slug": "%s", "stamp": 1764000000, "date": "%s", "runner": "local", "gpu": null, "commit": null, "status": "pass", "reason": null, "kind": "notebook", "notebook": {"file": "%s"}, "log": null, "images": []}\n' \
	    "$slug" "$3" "$TMP/nb/$2.ipynb" >"$TMP/$1.json"
}
manifest before before 2026-11-01T10:00:00Z
manifest after after 2026-11-20T09:00:00Z
manifest timeonly timeonly 2026-11-21T08:30:00Z
manifest corrupt corrupt 2026-11-02T10:00:00Z
# keep PREVIOUS PASSING: kept as the previous and last passing runs
# (and the last), then a build into $TMP/site, its output in $TMP/build.out
keep() {
	"$PUTNB" "$TMP/kb" "$slug" previous_passing="$TMP/$1.json" \
	    passing="$TMP/$2.json" last="$TMP/$2.json" >"$TMP/put.out" 2>&1 ||
	    fail "putnb-$1-$2" "putnb failed" "$TMP/put.out"
	"$KBGEN" build -C "$TMP/kb" -o "$TMP/site" >"$TMP/build.out" 2>&1
	rc "build-$1-$2" $? 0 "$TMP/build.out"
}
"$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site" >/dev/null 2>&1
P=$TMP/site/usecases/$slug
C=$P/changes.html
F=$TMP/site/status/feed.xml

# Two passing runs whose outputs differ: an image and a text.
keep before after
has page-says-changed "$P/index.html" 'Outputs changed since <time datetime="2026-11-01T10:00:00Z">2026-11-01T10:00:00Z</time>: the last passing run (<time datetime="2026-11-20T09:00:00Z">2026-11-20T09:00:00Z</time>) differs in 2 places.'
has page-links-changes "$P/index.html" "href=\"../../usecases/$slug/changes.html\">See the changes side by side</a>"
[ -f "$C" ] && ok changes-page || fail changes-page "no usecases/$slug/changes.html"
has changes-heads "$C" '<th scope="col">Earlier passing run, 2026-11-01T10:00:00Z</th><th scope="col">Last passing run, 2026-11-20T09:00:00Z</th>'
has changes-image-row "$C" 'Code cell 2: image changed'
has changes-text-row "$C" 'Code cell 3: text output changed'
hasnt changes-masked-number "$C" 'Code cell 1:'
hasnt changes-same-image "$C" 'Code cell 4:'
# Each side's cell from its own notebook: the later run has a Markdown
# cell more, so code cell 2 is cell 2 before and cell 3 after.
has changes-before-cell "$C" '<div class="nb-cell nb-code" id="before-cell-2">'
has changes-after-cell "$C" '<div class="nb-cell nb-code" id="after-cell-3">'
has changes-before-text "$C" 'accuracy 0.80 &lt;script&gt;'
has changes-after-text "$C" 'accuracy 0.70 &lt;script&gt;'
hasnt changes-text-escaped "$C" 'accuracy 0.70 <script>'
imgs=$(sed -n '/Code cell 2: image changed/,/Code cell 3:/p' "$C" | grep -o 'src="outputs/[0-9a-f]*\.png"' | sort -u | wc -l)
expect changes-two-images "$imgs" 2 "$C"
miss=0
for f in $(grep -o 'src="outputs/[0-9a-f]*\.png"' "$C" | sed 's/src="//; s/"$//' | sort -u); do
	[ -f "$P/$f" ] || miss=$((miss + 1))
done
expect changes-image-files "$miss" 0
has feed-entry "$F" "outputs changed</title>"
has feed-entry-link "$F" "usecases/$slug/changes.html"
has feed-entry-summary "$F" 'The run of 2026-11-20T09:00:00Z passed with other outputs than the passing run of 2026-11-01T10:00:00Z, in 2 places.'

# Tolerance from site.yaml: 0.2 takes 0.80 against 0.70 as the same;
# 0 sees the AUC's fourth decimal.
cp "$TMP/kb/content/site.yaml" "$TMP/site.yaml.orig"
{ cat "$TMP/site.yaml.orig"; printf 'outputs:\n  rtol: 0.2\n'; } >"$TMP/kb/content/site.yaml"
keep before after
has rtol-loose "$P/index.html" 'differs in 1 place.'
hasnt rtol-loose-no-text "$C" 'Code cell 3:'
{ cat "$TMP/site.yaml.orig"; printf 'outputs:\n  rtol: 0\n'; } >"$TMP/kb/content/site.yaml"
keep before after
has rtol-exact "$P/index.html" 'differs in 3 places.'
has rtol-exact-auc "$C" 'Code cell 1: text output changed'
line=$(($(wc -l <"$TMP/site.yaml.orig") + 2))
{ cat "$TMP/site.yaml.orig"; printf 'outputs:\n  rtol: lots\n'; } >"$TMP/kb/content/site.yaml"
"$KBGEN" lint -C "$TMP/kb" >"$TMP/lint.out" 2>&1
rc lint-bad-rtol $? 1 "$TMP/lint.out"
has lint-bad-rtol-said "$TMP/lint.out" "content/site.yaml:$line:9: error: outputs.rtol must be a number from 0 to 1 (a relative tolerance, e.g. 0.001), not \"lots\""
cp "$TMP/site.yaml.orig" "$TMP/kb/content/site.yaml"

# Only timestamps changed: no change, no page, no feed entry.
keep before timeonly
hasnt same-no-notice "$P/index.html" 'Outputs changed since'
[ ! -f "$C" ] && ok same-no-page || fail same-no-page "changes.html still there"
hasnt same-no-feed "$F" 'outputs changed</title>'

# A corrupt earlier notebook cannot be compared: no notice, the build
# goes on, the page keeps the last run's notebook.
keep corrupt after
hasnt corrupt-no-notice "$P/index.html" 'Outputs changed since'
has corrupt-page-notebook "$P/index.html" 'id="kb_notebook"'

# A script's log that changed: the two logs side by side.
printf 'loss 1.5\n' >"$TMP/a.log"
printf 'loss 2.5\n' >"$TMP/b.log"
for x in a b; do
	printf '{"slug": "%s", "stamp": 1764000000, "date": "2026-11-0%sT10:00:00Z", "runner": "local", "gpu": null, "commit": null, "status": "pass", "reason": null, "kind": "files", "notebook": null, "log": {"file": "%s"}, "images": []}\n' \
	    "$slug" "$([ $x = a ] && echo 3 || echo 4)" "$TMP/$x.log" >"$TMP/files-$x.json"
done
keep files-a files-b
has files-notice "$P/index.html" 'differs in 1 place.'
has files-what "$C" '<code>output.log</code>: text output changed'
has files-before-log "$C" 'loss 1.5'
has files-after-log "$C" 'loss 2.5'
finish
