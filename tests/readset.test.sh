#!/bin/sh
# Front matter edited, only what shows it rendered: each job of the
# render is kept when no value it read (recorded by render.c's
# accessors) changed since the last build.  After each edit (a title, a
# summary, a use case joining a term that had none, two swapping a
# field (the matrix's cells change, no count does), a contact added, a
# first technology and so a thumbnail's tile, a free page's title and so
# the menu, a use case added and one deleted, a person edited) site/ is,
# file for file, what a fresh full build of the same content makes
# (diff -r), and a title edit renders fewer pages than all and keeps
# the people index and the matrix.  The
# manifest of what each page read (.kbgen/render-jobs) cut short is not
# trusted.
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
cp -r "$PWD/templates" "$K/templates"

# same NAME: site/ equals a fresh full build of the same knowledge base
same() { same_as_fresh "$1"; }
# step NAME: an incremental build, its report in $TMP/NAME.out, then
# compare
step() {
	if ! "$KBGEN" -C "$K" build >"$TMP/$1.out" 2>&1; then
		fail "$1" "the build failed" "$TMP/$1.out"
		return
	fi
	same "$1"
}
# rendered NAME: "P T" of the report's "P of T pages rendered"
rendered() {
	sed -n 's/.*; \([0-9]*\) of \([0-9]*\) pages rendered$/\1 \2/p' \
	    "$TMP/$1.out"
}

step first
# From the third build on, builds go into the spare.
echo "A first paragraph." >>"$UC/btagging.md"
step warm
echo "Another paragraph." >>"$UC/btagging.md"
step warm2

# inode PATH: the inode of site/PATH (a page kept keeps its file)
inode() {
	ls -i "$S/$1" | cut -d' ' -f1
}
i1=$(inode people/index.html)
i2=$(inode matrix/index.html)
sed -i 's/^title: .*/title: Jets as graphs of particles/' "$UC/jet-gnn.md"
step title-edit
# Neither shows a title: both kept.
expect title-edit-keeps-people "$(inode people/index.html)" "$i1"
expect title-edit-keeps-matrix "$(inode matrix/index.html)" "$i2"
n=$(rendered title-edit)
[ -n "$n" ] && [ "${n% *}" -gt 0 ] && [ "${n% *}" -lt "${n#* }" ] &&
    ok title-edit-renders-some ||
    fail title-edit-renders-some "rendered: $n" "$TMP/title-edit.out"
sed -i 's/^summary: .*/summary: Graph networks on jets, summed up again./' \
    "$UC/jet-gnn.md"
step summary-edit
# Gravitational Waves has no use case (draft-idea is a draft): its page
# lists none, then one.
sed -i 's/^fields: .*/fields: [High Energy Physics, Gravitational Waves]/' \
    "$UC/jet-gnn.md"
step joins-empty-term
grep -q 'jet-gnn' "$S/fields/gravitational-waves/index.html" &&
    ok joins-empty-term-listed ||
    fail joins-empty-term-listed "the term page does not list jet-gnn"
# Two use cases swap a field: no term's count changes, the matrix's
# cells do.
sed -i 's/^fields: .*/fields: [High Energy Physics]/' "$UC/jet-gnn.md"
sed -i 's/^fields: .*/fields: [HEP, Gravitational Waves]/' "$UC/btagging.md"
step field-swap
# bruno-verdi's page lists jet-gnn and breast-density, then btagging too.
sed -i 's/^contacts: .*/contacts: [ada-rossi, bruno-verdi]/' "$UC/btagging.md"
step contact-added
# The first technology picks a use case's tile: RNN's is new.
sed -i 's/^technologies: .*/technologies: [RNN, GNN]/' "$UC/jet-gnn.md"
step first-tech
sed -i 's/^title: .*/title: About this knowledge base/' \
    "$K/content/pages/about.md"
step page-title
sed 's/^title: .*/title: Jets as point clouds/' "$UC/jet-gnn.md" \
    >"$UC/jet-clouds.md"
step new-usecase
rm "$UC/breast-density.md"
step deleted-usecase
sed -i 's/^affiliation: .*/affiliation: INFN Pisa/' \
    "$K/content/people/bruno-verdi.md"
step person-edit
# A person after the last: the people index lists them.
sed 's/^name: .*/name: Zeno Zorzi/' "$K/content/people/bruno-verdi.md" \
    >"$K/content/people/zeno-zorzi.md"
step person-added
echo "Body only." >>"$UC/jet-gnn.md"
step body-edit
expect body-edit-renders-one "$(rendered body-edit | cut -d' ' -f1)" 1 \
    "$TMP/body-edit.out"

# The manifest cut short (a full disk, a crash of another tool): not
# trusted, every page rendered, the site still right.
head -c 1000 "$K/.kbgen/render-jobs" >"$TMP/cut" &&
    cat "$TMP/cut" >"$K/.kbgen/render-jobs"
echo "Cut short." >>"$UC/jet-gnn.md"
step manifest-cut
n=$(rendered manifest-cut)
[ -n "$n" ] && [ "${n% *}" = "${n#* }" ] && ok manifest-cut-renders-all ||
    fail manifest-cut-renders-all "rendered: $n" "$TMP/manifest-cut.out"
echo "And again." >>"$UC/jet-gnn.md"
step manifest-back
expect manifest-back-renders-one "$(rendered manifest-back | cut -d' ' -f1)" \
    1 "$TMP/manifest-back.out"

finish
