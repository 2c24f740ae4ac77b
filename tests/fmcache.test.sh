#!/bin/sh
# The file cache (store/fcache.c) and the front-matter cache
# (model/content.c): a build reads and parses only the files that changed
# since the last build read them, and publishes what a build from
# scratch would.  A file changed just before a build (within the cache's
# RACY seconds) is never taken from the cache, so two edits in one
# second are both seen; another kbgen does not trust the cache; a cached
# entry whose body must be rendered again is read again, from the file.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
. "$PWD/tests/lib.sh"
scratch
K=$TMP/kb
UC=$K/content/usecases/breast-density.md
PAGE=$K/site/usecases/breast-density/index.html

# edit TEXT: the use case's summary becomes TEXT, the file rewritten in
# place (same inode, as an editor that truncates does)
edit() {
	new=$(sed "s/^summary: .*/summary: $1/" "$UC")
	printf '%s\n' "$new" >"$UC"
}
# read OUT: "K N" of "K of N entries read and parsed" in a build's report
read_of() {
	sed -n 's/^kbgen: load: \([0-9]*\) of \([0-9]*\) entries read.*/\1 \2/p' "$1"
}
# files_read OUT: how many input files a build read to hash them
files_read() {
	sed -n 's/^kbgen: inputs: \([0-9]*\) of [0-9]* files read$/\1/p' "$1"
}
# asked OUT: how many kept bodies had their links asked again
asked() {
	sed -n 's/^kbgen: load: [0-9]* of [0-9]* bodies rendered, \([0-9]*\) kept.*/\1/p' "$1"
}
# build NAME [ARGS]: a build with the phase report into $TMP/NAME.out
build() {
	name=$1; shift
	KBGEN_TIMING=1 "$KBGEN" -C "$K" build "$@" >"$TMP/$name.out" 2>&1
}

cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
sleep 3		# older than RACY: what the first build reads is kept

build b1
set -- $(read_of "$TMP/b1.out")
all=${2:-0}
if [ "${1:-x}" = "$all" ] && [ "$all" -gt 3 ]; then
	ok "first-build-reads-all ($all)"
else
	fail "first-build-reads-all" "want N of N read" "$TMP/b1.out"
fi

build b2 --force
expect "forced-build-reads-none" "$(read_of "$TMP/b2.out")" "0 $all" "$TMP/b2.out"

# An edit: that file alone is read, and the page shows it.
edit 'First new summary.'
build b3
expect "edit-reads-one" "$(read_of "$TMP/b3.out")" "1 $all" "$TMP/b3.out"
has "edit-shown" "$PAGE" "First new summary."

# A second edit, same size, at once: the change time may be the same
# tick, so the file is read again rather than trusted.
edit 'Other new summary.'
build b4
expect "racy-edit-reads-one" "$(read_of "$TMP/b4.out")" "1 $all" "$TMP/b4.out"
has "racy-edit-shown" "$PAGE" "Other new summary."
if fresh_diff f1; then
	ok "racy-edit-same-as-fresh"
else
	fail "racy-edit-same-as-fresh" "differs from a build from scratch" \
	    "$TMP/f1.diff"
fi

# Nor is its hash kept for the next build while it is that new: that
# build reads its bytes again (and finds their parse in the cache).
build b4f --force
expect "racy-not-kept" "$(files_read "$TMP/b4f.out")" "1" "$TMP/b4f.out"

# Once older than RACY, it is kept like the others.
sleep 3
build b5 --force
build b6 --force
expect "settled-edit-kept" "$(read_of "$TMP/b6.out") $(files_read \
    "$TMP/b6.out")" "0 $all 0" "$TMP/b6.out"

# Kept, then rewritten in place to the same size: its times alone say
# it changed.
edit 'Third new summary.'
build b6e
has "settled-then-edited-shown" "$PAGE" "Third new summary."

# Bodies not rendered again stay in the store until a page needs one:
# a person's affiliation edited (the body and its line unchanged), her
# page is made with her body from the store, as a build from scratch
# makes it.
lazy() {
	sed -n 's/^kbgen: load: .* \([0-9]*\) left in the store$/\1/p' "$1"
}
AR=$K/content/people/ada-rossi.md
new=$(sed 's/^affiliation: .*/affiliation: INFN Bari/' "$AR")
printf '%s\n' "$new" >"$AR"
build b6l
if [ "$(lazy "$TMP/b6l.out")" -gt 0 ] 2>/dev/null &&
    grep -q 'INFN Bari' "$K/site/people/ada-rossi/index.html" &&
    grep -q 'Works on jet tagging' "$K/site/people/ada-rossi/index.html" &&
    fresh_diff f0; then
	ok "bodies-from-the-store"
else
	fail "bodies-from-the-store" "none left in the store, or the page or site differs" \
	    "$TMP/b6l.out" "$TMP/f0.diff"
fi

# Another kbgen (here: the same bytes, another file time) trusts nothing
# this one kept.
cp "$KBGEN" "$TMP/kbgen-other"
KBGEN_TIMING=1 "$TMP/kbgen-other" -C "$K" build >"$TMP/b7.out" 2>&1
expect "other-kbgen-reads-all" "$(read_of "$TMP/b7.out")" "$all $all" "$TMP/b7.out"

# Bodies rendered again for another reason (unsafe_html turned on):
# cached entries are read from their files for it, and the site is as
# a build from scratch makes it.
sleep 3
"$KBGEN" -C "$K" build --force >/dev/null 2>&1
printf 'unsafe_html: true\n' >>"$K/content/site.yaml"
build b8
if [ "$(read_of "$TMP/b8.out")" = "0 $all" ] && fresh_diff f2; then
	ok "rerendered-bodies-read-again"
else
	fail "rerendered-bodies-read-again" "want 0 of $all parsed, and the site as from scratch" \
	    "$TMP/b8.out" "$TMP/f2.diff"
fi

# A file deleted, and one added, are seen.
rm "$UC"
cp "$K/content/usecases/btagging.md" "$K/content/usecases/btagging-two.md"
build b9
if [ -e "$PAGE" ] || [ ! -f "$K/site/usecases/btagging-two/index.html" ]
then
	fail "delete-add" "breast-density still published, or btagging-two not" \
	    "$TMP/b9.out"
elif ! fresh_diff f3; then
	fail "delete-add" "differs from a build from scratch" "$TMP/f3.diff"
else
	ok "delete-add"
fi

# A kept body's links are not asked again while what they resolve
# against is the same, and are when it changes, the body unchanged: a
# file it links to is deleted; a page it links to becomes a draft.
JG=$K/content/usecases/jet-gnn.md
printf 'x' >"$K/content/usecases/figure.png"
printf '\nSee [the figure](figure.png).\n' >>"$JG"
sleep 3
"$KBGEN" -C "$K" build >/dev/null 2>&1
build b10 --force
if grep -q 'figure.png' "$K/site/usecases/jet-gnn/index.html" &&
    [ "$(read_of "$TMP/b10.out")" = "0 $all" ]; then
	ok "linked-file-kept"
else
	fail "linked-file-kept" "the link is not on the page, or a file was parsed" \
	    "$TMP/b10.out"
fi
# Another file appears: the kept bodies' links are asked again, once;
# the next build takes them as kept.
: >"$K/content/usecases/notes.txt"
build b10a
build b10b --force
nb=$(sed -n 's/^kbgen: load: [0-9]* of \([0-9]*\) bodies rendered.*/\1/p' \
    "$TMP/b10a.out")
expect "links-asked-once" "$(asked "$TMP/b10a.out") $(asked "$TMP/b10b.out")" \
    "$nb 0" "$TMP/b10a.out" "$TMP/b10b.out"
rm "$K/content/usecases/notes.txt"
# A build in the folder and one with -C share what they keep.
rm -rf "$K/.kbgen"
"$KBGEN" -C "$K" build >/dev/null 2>&1
(cd "$K" && KBGEN_TIMING=1 "$KBGEN" build --force >"$TMP/b10c.out" 2>&1)
expect "spelling-shared" "$(files_read "$TMP/b10c.out") $(asked \
    "$TMP/b10c.out") $(read_of "$TMP/b10c.out")" "0 0 0 $all" \
    "$TMP/b10c.out"
rm "$K/content/usecases/figure.png"
build b11
if [ $? -ne 0 ] && grep -q 'jet-gnn.md.*link to a missing file' "$TMP/b11.out"
then
	ok "linked-file-deleted-said"
else
	fail "linked-file-deleted-said" "want the missing file reported" \
	    "$TMP/b11.out"
fi
printf 'x' >"$K/content/usecases/figure.png"
"$KBGEN" -C "$K" build >/dev/null 2>&1
sed -i 's/^title: /draft: true\ntitle: /' "$K/content/usecases/btagging.md"
build b12
if [ $? -ne 0 ] && grep -q 'jet-gnn.md.*a draft' "$TMP/b12.out"; then
	ok "linked-page-draft-said"
else
	fail "linked-page-draft-said" "want the link to a draft reported" \
	    "$TMP/b12.out"
fi
finish
