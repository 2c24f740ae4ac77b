#!/bin/sh
# The search page in a browser: headless Chromium driven by playwright-core
# (tests/browser/search.test.js) on the shipped knowledge base (content/),
# built into a temporary folder, served over http on 127.0.0.1 and opened
# from file://; and the same knowledge base with one hostile use case
# (markup in its title, summary and body), to check that index text is
# shown as text, a package that mentions GNN only in its text (ranked
# below the use cases whose technology is GNN) and an Italian seminar
# (found by the header's box for another form of its word).  The
# header's box is tested on other pages, over http and file://.  Needs /usr/bin/chromium (or $CHROMIUM), node and
# tests/browser/node_modules (tests/deps-test.sh installs them); without
# them the suite fails.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
. "$TOP/tests/lib.sh"
scratch

need_browser

mkdir -p "$TMP/kb"
cp -r "$TOP/content" "$TMP/kb/content"
if ! "$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site" 2>"$TMP/build.err"; then
	fail build "content/ does not build" "$TMP/build.err"
	finish
fi
ok "build content/"

# The same with one hostile use case: markup in its title, summary and
# body must reach the search page as text.
mkdir -p "$TMP/kb2"
cp -r "$TOP/content" "$TMP/kb2/content"
cat >"$TMP/kb2/content/usecases/zz-hostile.md" <<'EOF'
---
title: "Xyzzyhostile <img src=x onerror=\"window.kbPwned=1\"> title"
summary: "Xyzzyhostile summary <script>window.kbPwned=2</script> & <b>bold</b>"
technologies: [CNN]
fields: [Medical Physics]
tools: [Keras]
kind: tutorial
contacts: [luca-giommi]
---
Xyzzyhostile body with <img src=y onerror="window.kbPwned=3"> and
`<script>window.kbPwned=4</script>` in it.
EOF
# A package that mentions GNN only in its text (ranks below the use
# cases whose technology is GNN), and an Italian seminar.
cat >"$TMP/kb2/content/usecases/zz-gnn-toolkit.md" <<'EOF'
---
title: A toolkit for graphs
summary: GNN layers, GNN losses and GNN examples in one package.
technologies: [CNN]
fields: [High Energy Physics]
tools: [PyTorch]
kind: package
contacts: [luca-giommi]
---
GNN layers, GNN losses, GNN training loops, GNN plots, GNN data loaders,
GNN metrics, GNN tutorials, GNN benchmarks, GNN everywhere.
EOF
mkdir -p "$TMP/kb2/content/seminars"
cat >"$TMP/kb2/content/seminars/zz.yaml" <<'EOF'
- date: 2024-05-07
  title: Calibrazione dei rivelatori al silicio
  abstract: Come si calibrano i rivelatori di un esperimento.
  language: it
EOF
if ! "$KBGEN" -q build -C "$TMP/kb2" -o "$TMP/site2" 2>"$TMP/build2.err"; then
	fail "build hostile" "content/ with a hostile use case does not build" \
	    "$TMP/build2.err"
elif [ ! -f "$TMP/site2/search/meta.js" ]; then
	fail "build hostile" "no search/meta.js"
fi

serve "$TMP/site"
port=$PORT
echo "# serving $TMP/site on http://127.0.0.1:$port/"

# The node test prints its own ok/FAIL lines, counted here.
node "$TOP/tests/browser/search.test.js" "$TMP/site" "http://127.0.0.1:$port/" "$TMP/site2" >"$TMP/out" 2>&1
rc=$?
tally "$TMP/out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/out"; then
	fail "browser tests" "node exited $rc"
fi
finish
