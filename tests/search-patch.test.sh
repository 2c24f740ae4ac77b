#!/bin/sh
# The search index patched: after an edit of one use case's body, title,
# summary or terms, the build patches the index it kept (KBGEN_TIMING says
# "the kept index patched") instead of building it again, and search/
# is, file for file, what a fresh full build of the same content makes.
# Edits it cannot patch (a use case's kind, a use case added or deleted,
# --force, a kept index cut short or of another version) build it whole,
# as right; and a build killed after the index was kept, before it was
# published, leaves nothing that the next build trusts wrongly.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
. "$PWD/tests/lib.sh"
scratch
K=$TMP/kb
S=$K/site
UC=$K/content/usecases

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
# Use cases of words of their own, so that an edit of one use case
# touches a small part of the index (a larger one is built whole).
for i in $(seq 1 40); do
	awk -v i="$i" 'n < 2 { if (/^title:/) $0 = "title: Filler " i
	    if (/^summary:/) $0 = "summary: Filler summary " i "."; print }
	    /^---$/ { n++ }' "$UC/jet-gnn.md" >"$UC/filler-$i.md"
	for w in alpha beta gamma delta epsilon zeta eta theta iota kappa; do
		printf '%s%s lorem%s ipsum%s dolor%s\n' "$w" "$i" "$w" "$i" \
		    "$w$i"
	done >>"$UC/filler-$i.md"
done

# same NAME: site/search equals a fresh full build's
same() { same_as_fresh "$1" search; }
# step NAME patch|full [OPTION]: build (KBGEN_TIMING), say whether the
# index was patched as wanted, and compare search/ with a fresh build
step() {
	if ! KBGEN_TIMING=1 "$KBGEN" -C "$K" build $3 >"$TMP/$1.out" 2>&1
	then
		fail "$1" "the build failed" "$TMP/$1.out"
		return
	fi
	if grep -q 'the kept index patched' "$TMP/$1.out"; then
		got=patch
	else
		got=full
	fi
	expect "$1-$2" "$got" "$2" "$TMP/$1.out"
	same "$1"
}

KBGEN_TIMING=1 "$KBGEN" -C "$K" build >"$TMP/first.out" 2>&1 &&
    ok first-build || fail first-build "the build failed" "$TMP/first.out"
[ -s "$K/.kbgen/search-index" ] && ok index-kept ||
    fail index-kept "no .kbgen/search-index"

# A body: a new word, then words taken away (their forms go).
echo "Quokkas are marsupials of Rottnest." >>"$UC/jet-gnn.md"
step body-add patch
grep -rlq quokka "$S/search/d" && ok body-add-found ||
    fail body-add-found "quokka is not in the dictionary"
sed -i '/^Quokkas are marsupials/d' "$UC/jet-gnn.md"
step body-cut patch
grep -rlq quokka "$S/search/d" && fail body-cut-gone "quokka is still \
in the dictionary" || ok body-cut-gone
# The title and the summary: positions of every word after them move.
sed -i 's/^title: .*/title: Jets as sparse graphs of quokkas/' \
    "$UC/jet-gnn.md"
step title patch
sed -i 's/^summary: .*/summary: Message passing on constituents./' \
    "$UC/jet-gnn.md"
step summary patch
# A use case that holds most of the index's words, its title edited:
# all their postings move, and the index is built whole.
{ sed -n '1,/^summary:/p' "$UC/filler-1.md" | sed 's/Filler 1/All words/'
  sed -n '/^summary:/,$p' "$UC/filler-1.md" | sed 1d
  for i in $(seq 2 40); do sed '1,/^added:/d; /^---$/d' "$UC/filler-$i.md"
  done; } >"$UC/all-words.md"
step all-words full
sed -i 's/^title: .*/title: All the words of the fillers/' "$UC/all-words.md"
step all-words-title full
# Two use cases at once.
echo "Wombats dig burrows." >>"$UC/jet-gnn.md"
echo "Wombats sleep by day." >>"$UC/btagging.md"
step two-bodies patch
# A term: meta.js's facets are made again, of every document.
sed -i 's/^technologies: .*/technologies: [CNN]/' "$UC/jet-gnn.md"
step term patch
# The kind: the document's place among the others changes, the index
# is built whole.
sed -i 's/^kind: .*/kind: demo/' "$UC/jet-gnn.md"
step kind full
echo "After the term." >>"$UC/jet-gnn.md"
step after-term patch
# A use case added, then deleted.
sed 's/^title: .*/title: Jets as point clouds/' "$UC/jet-gnn.md" \
    >"$UC/jet-clouds.md"
step added full
echo "Echidnas lay eggs." >>"$UC/jet-clouds.md"
step added-edit patch
rm "$UC/jet-clouds.md"
step deleted full
# --force builds whole.
echo "Forced." >>"$UC/jet-gnn.md"
step force full --force
# A build killed after the index was kept, before the site was
# published: the next build patches from what it kept, right.
echo "Platypuses swim." >>"$UC/jet-gnn.md"
KBGEN_TEST_CRASH=written "$KBGEN" -C "$K" build >"$TMP/crash.out" 2>&1
grep -q 'KBGEN_TEST_CRASH' "$TMP/crash.out" && ok crash-killed ||
    fail crash-killed "the build was not killed" "$TMP/crash.out"
grep -rlq platypus "$S/search/d" && fail crash-unpublished "platypus \
was published" || ok crash-unpublished
sed -i 's/^Platypuses swim.$/Platypuses hunt./' "$UC/jet-gnn.md"
step after-crash patch
grep -rlq platypus "$S/search/d" && ok after-crash-found ||
    fail after-crash-found "platypus is not in the dictionary"
# The kept index cut short, or of another version: not trusted.
head -c 100 "$K/.kbgen/search-index" >"$TMP/cut" &&
    cat "$TMP/cut" >"$K/.kbgen/search-index"
echo "Cut short." >>"$UC/jet-gnn.md"
step index-cut full
printf 'X' | dd of="$K/.kbgen/search-index" bs=1 seek=0 conv=notrunc \
    2>/dev/null
echo "Another version." >>"$UC/jet-gnn.md"
step index-version full
echo "Patched again." >>"$UC/jet-gnn.md"
step again patch
rm -f "$K/.kbgen/search-index"
echo "No index." >>"$UC/jet-gnn.md"
step index-gone full
finish
