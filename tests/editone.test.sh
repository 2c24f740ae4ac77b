#!/bin/sh
# Edit one, render one: after each edit of a sequence (a body, a term, a
# person, a new use case, a deleted one, a template, site.yaml) the
# incremental build's site/ is, file for file, what a fresh full build of
# the same content makes (diff -r); a body edit renders one page; the
# body cache does not hide a link that broke; and a build killed at any
# point of publishing (KBGEN_TEST_CRASH) leaves the published site whole,
# the next build putting everything right.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"
K=$TMP/kb
S=$K/site
UC=$K/content/usecases

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
cp -r "$PWD/templates" "$K/templates"

# build NAME: an incremental build of $K, its report in $TMP/NAME.out
build() {
	"$KBGEN" -C "$K" build >"$TMP/$1.out" 2>&1
}
# same NAME: site/ equals a fresh full build of the same knowledge base
same() { same_as_fresh "$1"; }
# step NAME: build, then compare
step() {
	if ! build "$1"; then
		fail "$1" "the build failed" "$TMP/$1.out"
		return
	fi
	same "$1"
}
# tstep NAME [BINARY]: step, with KBGEN_TIMING's counts in $TMP/NAME.out
tstep() {
	if ! KBGEN_TIMING=1 "${2:-$KBGEN}" -C "$K" build >"$TMP/$1.out" 2>&1
	then
		fail "$1" "the build failed" "$TMP/$1.out"
		return
	fi
	same "$1"
}
# counted NAME WHAT PATTERN: KBGEN_TIMING's "search: ... WHAT" line of
# step NAME matches PATTERN (grep's, \1 for the first number)
counted() {
	if grep -q "search: $3 $2\$" "$TMP/$1.out"; then
		ok "$1-${2%% *}"
	else
		fail "$1-${2%% *}" "no 'search: $3 $2'" "$TMP/$1.out"
	fi
}
# rendered NAME: "P" of the report's "P of T pages rendered"
rendered() {
	sed -n 's/.*; \([0-9]*\) of [0-9]* pages rendered$/\1/p' "$TMP/$1.out"
}

step first
# The second build publishes from a fresh folder (its kept pages
# hard-linked) and keeps the site before as the spare; from the third
# on, builds go into the spare.
echo "A first paragraph." >>"$UC/btagging.md"
step warm
expect warm-renders-one "$(rendered warm)" 1 "$TMP/warm.out"
echo "Another paragraph." >>"$UC/btagging.md"
step warm2

echo "More about message passing." >>"$UC/jet-gnn.md"
step body-edit
expect body-edit-renders-one "$(rendered body-edit)" 1 "$TMP/body-edit.out"

sed -i 's/^technologies: \[GNN\]/technologies: [GNN, CNN]/' "$UC/jet-gnn.md"
step term-change
# The store's index follows front matter (and is left as it is after a
# body edit).
"$KBGEN" -C "$K" query technology=CNN >"$TMP/q1.out" 2>&1
has term-change-indexed "$TMP/q1.out" "jet-gnn"
sed -i 's/^affiliation: .*/affiliation: INFN Firenze/' \
    "$K/content/people/ada-rossi.md"
step person-change
sed 's/^title: .*/title: Jets as point clouds/' "$UC/jet-gnn.md" \
    >"$UC/jet-clouds.md"
step new-usecase
rm "$UC/breast-density.md"
step deleted-usecase
[ ! -e "$S/usecases/breast-density" ] && ok deleted-usecase-gone ||
    fail deleted-usecase-gone "usecases/breast-density is still there"
sed -i 's|</body>|<!-- edited --></body>|' "$K/templates/base.mustache"
grep -q '<!-- edited -->' "$K/templates/base.mustache" ||
    echo '<!-- edited -->' >>"$K/templates/usecase.mustache"
step template-change
sed -i 's/^title: .*/title: Test KB, renamed/' "$K/content/site.yaml"
step site-yaml-change
# The search index: each document's tokens are kept by its text, so a
# body edit tokenizes that document again and no other, each form's
# stem and strings by its postings, and the index (compared with a full
# build's) finds the new word, then not.
echo "Quokkas are marsupials." >>"$UC/jet-gnn.md"
tstep search-edit
counted search-edit "documents tokenized" "1 of [0-9]*"
# ... and encodes again only the forms whose postings changed.
enc=$(sed -n 's/.*search: \([0-9]*\) of \([0-9]*\) forms encoded$/\1 \2/p' \
    "$TMP/search-edit.out")
[ -n "$enc" ] && [ "${enc% *}" -lt "${enc#* }" ] &&
    ok search-edit-encodes-some ||
    fail search-edit-encodes-some "forms encoded: $enc" "$TMP/search-edit.out"
grep -rlq quokka "$S/search/d" && ok search-edit-found ||
    fail search-edit-found "quokka is not in the index's dictionary"
sed -i '/^Quokkas are marsupials.$/d' "$UC/jet-gnn.md"
step search-edit-back
grep -rlq quokka "$S/search/d" &&
    fail search-edit-back-gone "quokka is still in the dictionary" ||
    ok search-edit-back-gone
# The kept tokens cut short (a full disk, a crash of another tool): not
# trusted, every document tokenized again, the site still right.
head -c 1000 "$K/.kbgen/search-tokens" >"$TMP/cut" &&
    cat "$TMP/cut" >"$K/.kbgen/search-tokens"
head -c 100 "$K/.kbgen/search-forms" >"$TMP/cut" &&
    cat "$TMP/cut" >"$K/.kbgen/search-forms"
echo "Cut short." >>"$UC/jet-gnn.md"
tstep search-cut
counted search-cut "documents tokenized" "\([0-9]*\) of \1"
# Another kbgen binary (here: the same, copied) trusts none of them.
cp "$KBGEN" "$TMP/kbgen-copy"
echo "Another binary." >>"$UC/jet-gnn.md"
tstep search-bin "$TMP/kbgen-copy"
counted search-bin "forms encoded" "\([0-9]*\) of \1"
rm -f "$TMP/kbgen-copy"
# A page (not a use case) edited: its words are in the index at once.
pg=$(ls "$K"/content/pages/*.md | head -n 1)
echo "Wombats dig burrows." >>"$pg"
step page-edit
grep -rlq wombat "$S/search/d" && ok page-edit-found ||
    fail page-edit-found "wombat is not in the index's dictionary"
# A title edited (a field of the document other than its body).
sed -i 's/^title: .*/title: Jets as graphs of numbats/' "$UC/jet-gnn.md"
step title-edit
grep -rlq numbat "$S/search/d" && ok title-edit-found ||
    fail title-edit-found "numbat is not in the index's dictionary"

echo "Unchanged after all." >>"$UC/jet-gnn.md"
step body-edit-again
"$KBGEN" -C "$K" query technology=CNN >"$TMP/q2.out" 2>&1
has body-edit-index-kept "$TMP/q2.out" "jet-gnn"
expect body-edit-again-renders-one "$(rendered body-edit-again)" 1 \
    "$TMP/body-edit-again.out"

# A body kept in the cache whose link broke (its target a draft, then
# gone) says so as if it were rendered, and the site stays.
before=$(snapshot "$S")
cp "$UC/btagging.md" "$TMP/btagging.md"
sed -i 's/^kind: .*/&\ndraft: true/' "$UC/btagging.md"
build draft-target
rc=$?
if [ $rc -eq 1 ] && grep -q 'jet-gnn.md:[0-9]*:[0-9]*: error: link to "btagging.md", a draft' "$TMP/draft-target.out" &&
    [ "$(snapshot "$S")" = "$before" ]; then
	ok cached-body-link-to-draft
else
	fail cached-body-link-to-draft "exit $rc, no error, or site/ changed" \
	    "$TMP/draft-target.out"
fi
rm "$UC/btagging.md"
build gone-target
rc=$?
if [ $rc -eq 1 ] && grep -q 'jet-gnn.md:[0-9]*:[0-9]*: error: link to a missing file: "btagging.md"' "$TMP/gone-target.out"; then
	ok cached-body-link-missing
else
	fail cached-body-link-missing "exit $rc or no error" \
	    "$TMP/gone-target.out"
fi
cp "$TMP/btagging.md" "$UC/btagging.md"
step link-back

# Killed while publishing: at each point, the published site is the
# one before, whole (after the swap: the new one, whole), nothing is
# left beside it, and the next build equals a full build: of the
# content as it was before the killed build (whose pages must not be
# taken for the published ones) and another page edited.
n=0
for point in spare-marked spare-synced written before-swap after-swap; do
	n=$((n + 1))
	before=$(snapshot "$S")
	cp "$UC/jet-gnn.md" "$TMP/jet-gnn.md"
	echo "Crash $n." >>"$UC/jet-gnn.md"
	KBGEN_TEST_CRASH=$point "$KBGEN" -C "$K" build \
	    >"$TMP/crash-$point.out" 2>&1
	rc=$?
	after=$(snapshot "$S")
	if [ $rc -ne 137 ] ||
	    ! grep -q "killed at $point" "$TMP/crash-$point.out"; then
		fail "crash-$point" "exit $rc, want 137 (killed)" \
		    "$TMP/crash-$point.out"
	elif [ $point != after-swap ] && [ "$before" != "$after" ]; then
		fail "crash-$point" "the published site changed"
	elif [ $point = after-swap ] && [ "$before" = "$after" ]; then
		fail "crash-$point" "the swap did not happen"
	else
		ok "crash-$point"
	fi
	[ $point = after-swap ] && same "crash-$point-whole"
	cp "$TMP/jet-gnn.md" "$UC/jet-gnn.md"
	echo "After crash $n." >>"$UC/btagging.md"
	step "crash-$point-next"
	if ls -d "$K"/site.new* >/dev/null 2>&1; then
		fail "crash-$point-leftovers" "a site.new folder remains"
	fi
done

# Builds at once (two saves in a row, a build beside kbgen serve's):
# the later waits for the earlier; what they publish is right, and so
# is what the next build trusts of it.
for n in 1 2 3 4 5 6; do
	echo "Concurrent $n." >>"$UC/jet-gnn.md"
	"$KBGEN" -C "$K" build >"$TMP/conc-$n-a.out" 2>&1 &
	a=$!
	echo "Concurrent $n." >>"$UC/btagging.md"
	"$KBGEN" -C "$K" build >"$TMP/conc-$n-b.out" 2>&1
	wait $a
done
same concurrent
echo "After the concurrent builds." >>"$UC/btagging.md"
step concurrent-next

# Two crashes in a row, then an edit: still right.
echo "Crash again." >>"$UC/jet-gnn.md"
KBGEN_TEST_CRASH=spare-synced "$KBGEN" -q -C "$K" build >/dev/null 2>&1
KBGEN_TEST_CRASH=before-swap "$KBGEN" -q -C "$K" build >/dev/null 2>&1
sed -i 's/^summary: .*/summary: After two crashes./' "$UC/jet-gnn.md"
step after-two-crashes

finish
