#!/bin/sh
# Incremental, atomic publishing: an unchanged build touches nothing, an
# edit rewrites exactly the pages that show what changed and keeps the
# others (same inode: hard-linked from the old site, not rewritten), a
# failing build leaves site/ as it was, and a deleted entry disappears.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"
K=$TMP/kb
S=$K/site

# inodes FILE: "inode mtime size type path" of every file of site/ (with
# ALL as $2, of every folder too: a rebuild makes new folders, holding the
# same files, hard-linked)
inodes() {
	if [ "$2" = ALL ]; then
		(cd "$S" && find . -printf '%i %T@ %s %y %p\n')
	else
		(cd "$S" && find . -type f -printf '%i %T@ %s %y %p\n')
	fi | sort -k5 >"$1"
}
# hashes FILE: "sha1  path" of every file of site/
hashes() {
	(cd "$S" && find . -type f | sort | xargs sha1sum) >"$1"
}
# written OUTPUT-FILE: the N of "(N written," in a build report
written() {
	sed -n 's/.*(\([0-9][0-9]*\) written,.*/\1/p' "$1" | tail -1
}

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
if ! "$KBGEN" -C "$K" build >"$TMP/b1.out" 2>&1; then
	fail "first-build" "the build failed" "$TMP/b1.out"
	finish
fi
ok "first-build"
inodes "$TMP/i1"
inodes "$TMP/i1all" ALL
hashes "$TMP/h1"

# (a) Nothing changed: says so, and touches no file.
sleep 1		# so that a rewrite would show in the mtimes
"$KBGEN" -C "$K" build >"$TMP/b2.out" 2>&1
rc=$?
inodes "$TMP/i2" ALL
if [ $rc -ne 0 ]; then
	fail "unchanged" "exit $rc"; sed 's/^/    /' "$TMP/b2.out"
elif ! grep -q 'nothing changed' "$TMP/b2.out"; then
	fail "unchanged" "no \"nothing changed\" in the report"
	sed 's/^/    /' "$TMP/b2.out"
elif ! cmp -s "$TMP/i1all" "$TMP/i2"; then
	fail "unchanged" "files were modified"
	diff "$TMP/i1" "$TMP/i2" | head -20 | sed 's/^/    /'
else
	ok "unchanged"
fi

# Touching a source without changing its bytes writes nothing either.
touch "$K/content/usecases/jet-gnn.md" "$K/content/site.yaml"
"$KBGEN" -C "$K" build >"$TMP/b2t.out" 2>&1
rc=$?
inodes "$TMP/i2t"
n=$(written "$TMP/b2t.out")
if [ $rc -ne 0 ] || ! { [ "${n:-0}" -eq 0 ] && cmp -s "$TMP/i1" "$TMP/i2t"; }; then
	fail "touched-only" "exit $rc, written ${n:-?}, or files modified"
	sed 's/^/    /' "$TMP/b2t.out"
	diff "$TMP/i1" "$TMP/i2t" | head -10 | sed 's/^/    /'
else
	ok "touched-only"
fi
if grep -q 'nothing changed but file times' "$TMP/b2t.out"; then
	ok "touched-only-no-render"
else
	fail "touched-only-no-render" "the build rendered again"
	sed 's/^/    /' "$TMP/b2t.out"
fi

# (b) --force with nothing changed renders everything, writes nothing.
"$KBGEN" -C "$K" build --force >"$TMP/b3.out" 2>&1
rc=$?
inodes "$TMP/i3"
n=$(written "$TMP/b3.out")
if [ $rc -ne 0 ] || [ "$n" != 0 ]; then
	fail "force" "exit $rc, want \"(0 written\" in:"
	sed 's/^/    /' "$TMP/b3.out"
elif ! cmp -s "$TMP/i1" "$TMP/i3"; then
	fail "force" "files were rewritten"
	diff "$TMP/i1" "$TMP/i3" | head -20 | sed 's/^/    /'
else
	ok "force"
fi

# (c) Edit one summary: exactly the pages that show it change, and the
# search index files that hold its words ("graph" less frequent, "message"
# and "passing" new: their shards, which hold the postings of such rare
# words, and meta.js's shard list) and its fragment.
inodes "$TMP/i3"
sed -i 's/^summary: .*/summary: Message passing on jet constituents./' \
    "$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/b4.out" 2>&1
rc=$?
inodes "$TMP/i4"
hashes "$TMP/h4"
diff "$TMP/h1" "$TMP/h4" | sed -n 's/^> [0-9a-f]*  \.\///p' | sort >"$TMP/changed"
cat >"$TMP/want" <<'EOF'
catalogue.json
catalogue/index.html
feed.xml
fields/high-energy-physics/index.html
index.html
matrix/gnn--high-energy-physics/index.html
people/ada-rossi/index.html
people/bruno-verdi/index.html
search/d/gr.js
search/d/me.js
search/d/pa.js
search/f/0.js
search/meta.js
technologies/gnn/index.html
tools/pytorch/index.html
usecases/jet-gnn/index.html
EOF
n=$(written "$TMP/b4.out")
if [ $rc -ne 0 ]; then
	fail "edit-summary" "exit $rc"; sed 's/^/    /' "$TMP/b4.out"
elif ! cmp -s "$TMP/want" "$TMP/changed"; then
	fail "edit-summary" "changed pages differ from those showing the summary (-want +got)"
	diff "$TMP/want" "$TMP/changed" | sed -n 's/^[<>]/    &/p'
elif [ "$n" != "$(wc -l <"$TMP/changed" | tr -d ' ')" ]; then
	fail "edit-summary" "report says $n written, $(wc -l <"$TMP/changed") files changed"
	sed 's/^/    /' "$TMP/b4.out"
else
	ok "edit-summary ($n written)"
fi
if grep -rq 'Message passing on jet constituents' "$S/usecases/jet-gnn/index.html" "$S/index.html" "$S/catalogue.json" "$S/feed.xml" &&
    ! grep -rq 'Graph networks on jet constituents' "$S"; then
	ok "edit-summary-shown"
else
	fail "edit-summary-shown" "the new summary is missing or the old one is left"
fi
# Every other file is the very same file: same inode, same mtime, same bytes.
bad=
for f in $(cd "$S" && find . -type f | sed 's|^\./||' | sort); do
	grep -qxF "$f" "$TMP/want" && continue
	a=$(grep " f \./$f\$" "$TMP/i3")
	b=$(grep " f \./$f\$" "$TMP/i4")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		bad="$bad $f"
	fi
done
if [ -n "$bad" ]; then
	fail "edit-kept" "rewritten though unchanged:$bad"
else
	ok "edit-kept"
fi
for f in usecases/breast-density/index.html about/index.html usecases/btagging/index.html; do
	a=$(grep " f \./$f\$" "$TMP/i3" | cut -d' ' -f1)
	b=$(ls -i "$S/$f" 2>/dev/null | cut -d' ' -f1)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		ok "edit-kept-inode $f"
	else
		fail "edit-kept-inode $f" "inode $a before, $b after"
	fi
done

# (d) A failing build leaves site/ byte for byte as it was.
hashes "$TMP/h5"
inodes "$TMP/i5"
inodes "$TMP/i5all" ALL
cp "$K/content/taxonomy.yaml" "$TMP/taxonomy.yaml"
printf 'tools:\n  - name: [unclosed\n' >>"$K/content/taxonomy.yaml"
"$KBGEN" -C "$K" build >"$TMP/b5.out" 2>&1
rc=$?
hashes "$TMP/h6"
inodes "$TMP/i6" ALL
if [ $rc -ne 1 ]; then
	fail "broken-yaml" "exit $rc, want 1"; sed 's/^/    /' "$TMP/b5.out"
elif ! grep -q 'taxonomy.yaml:[0-9]*:[0-9]*: error' "$TMP/b5.out"; then
	fail "broken-yaml" "no path:line:col error"; sed 's/^/    /' "$TMP/b5.out"
elif ! cmp -s "$TMP/h5" "$TMP/h6"; then
	fail "broken-yaml" "site/ changed"
	diff "$TMP/h5" "$TMP/h6" | head | sed 's/^/    /'
elif ! cmp -s "$TMP/i5all" "$TMP/i6"; then
	fail "broken-yaml" "site/ files were touched"
elif ls -d "$K"/site.new* >/dev/null 2>&1; then
	fail "broken-yaml" "a site.new folder was left behind"
else
	ok "broken-yaml"
fi
# Same with a broken use case (a front-matter error rather than YAML).
cp "$TMP/taxonomy.yaml" "$K/content/taxonomy.yaml"
cp "$K/content/usecases/jet-gnn.md" "$TMP/jet-gnn.md"
sed -i 's/^contacts: .*/contacts: [ada-rossi, nobody]/' "$K/content/usecases/jet-gnn.md"
"$KBGEN" -q -C "$K" build >"$TMP/b6.out" 2>&1
rc=$?
hashes "$TMP/h7"
if [ $rc -ne 1 ] || ! cmp -s "$TMP/h5" "$TMP/h7" ||
    ls -d "$K"/site.new* >/dev/null 2>&1; then
	fail "broken-usecase" "exit $rc, or site/ changed, or site.new left"
	sed 's/^/    /' "$TMP/b6.out"
else
	ok "broken-usecase"
fi
# Fixing it again: back to the state before the break, nothing to write.
cp "$TMP/jet-gnn.md" "$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/b7.out" 2>&1
rc=$?
inodes "$TMP/i7"
n=$(written "$TMP/b7.out")
if [ $rc -ne 0 ] || ! cmp -s "$TMP/i5" "$TMP/i7" ||
    ! { grep -q 'nothing changed' "$TMP/b7.out" || [ "$n" = 0 ]; }; then
	fail "fixed-again" "exit $rc or files rewritten"
	sed 's/^/    /' "$TMP/b7.out"
	diff "$TMP/i5" "$TMP/i7" | head | sed 's/^/    /'
else
	ok "fixed-again"
fi

# (e) Deleting a use case removes its page (and its folder).
rm "$K/content/usecases/breast-density.md"
"$KBGEN" -C "$K" build >"$TMP/b8.out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	fail "delete" "exit $rc"; sed 's/^/    /' "$TMP/b8.out"
elif [ -e "$S/usecases/breast-density" ]; then
	fail "delete" "usecases/breast-density is still in site/"
elif [ -e "$S/matrix/cnn--medical-physics" ]; then
	fail "delete" "matrix/cnn--medical-physics (now empty) is still in site/"
elif grep -rq 'breast-density' "$S"; then
	fail "delete" "pages still link to breast-density:"
	grep -rl 'breast-density' "$S" | sed "s|$S/|    |"
elif ! grep -q '[1-9][0-9]* removed' "$TMP/b8.out"; then
	fail "delete" "the report counts no removal"; sed 's/^/    /' "$TMP/b8.out"
else
	ok "delete"
fi
if ls -d "$K"/site.new* "$K"/site.old* >/dev/null 2>&1; then
	fail "leftovers" "site.new/site.old folders remain"
else
	ok "no-leftovers"
fi

# --force rebuilds for real: a site/ damaged by hand (a file edited in
# place, a folder deleted) comes back exactly as a fresh build makes it.
echo tampered >"$S/index.html"
rm -rf "$S/about"
"$KBGEN" -C "$K" build --force >"$TMP/b9.out" 2>&1
rc=$?
cp -r "$K" "$TMP/fresh"
rm -rf "$TMP/fresh/site" "$TMP/fresh/.kbgen"
"$KBGEN" -q -C "$TMP/fresh" build 2>/dev/null
if [ $rc -ne 0 ]; then
	fail "force-repairs" "exit $rc"; sed 's/^/    /' "$TMP/b9.out"
elif ! diff -r "$TMP/fresh/site" "$S" >"$TMP/b9.diff" 2>&1; then
	fail "force-repairs" "site/ differs from a fresh build after --force"
	head -8 "$TMP/b9.diff" | sed 's/^/    /'
else
	ok "force-repairs"
fi

# A use case without "added" shows its file's day: touching it to
# another day is a change, to another time of the same day is not.
sed -i '/^added:/d' "$K/content/usecases/jet-gnn.md"
touch -d '2021-03-04 10:00:00' "$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/g1.out" 2>&1
touch -d '2022-07-08 10:00:00' "$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/g2.out" 2>&1
rc=$?
if [ $rc -ne 0 ] || ! grep -q '2022-07-08' "$S/usecases/jet-gnn/index.html"; then
	fail "guessed-added-day" "exit $rc, page does not show the new day"
	sed 's/^/    /' "$TMP/g2.out"
else
	ok "guessed-added-day"
fi
touch -d '2022-07-08 18:00:00' "$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/g3.out" 2>&1
if grep -q 'nothing changed but file times' "$TMP/g3.out"; then
	ok "guessed-added-same-day"
else
	fail "guessed-added-same-day" "rendered again"
	sed 's/^/    /' "$TMP/g3.out"
fi

# SOURCE_DATE_EPOCH is an input (the calendars' DTSTAMP): a second
# later rebuilds, back again rebuilds, the same again does not.
SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 1)) "$KBGEN" -C "$K" build \
    >"$TMP/e1.out" 2>&1
"$KBGEN" -C "$K" build >"$TMP/e2.out" 2>&1
"$KBGEN" -C "$K" build >"$TMP/e3.out" 2>&1
if grep -q 'nothing changed' "$TMP/e1.out" ||
    grep -q 'nothing changed' "$TMP/e2.out"; then
	fail epoch-rebuilds "a new SOURCE_DATE_EPOCH left the site" \
	    "$TMP/e1.out" "$TMP/e2.out"
elif ! grep -q 'nothing changed' "$TMP/e3.out"; then
	fail epoch-rebuilds "the same SOURCE_DATE_EPOCH rendered again" \
	    "$TMP/e3.out"
else
	ok epoch-rebuilds
fi

# Edit and edit back: the store records what each build wrote (else
# --force after the edit rewrites the edited pages, and a build without
# byte checks would keep the edited page on the way back), and the page
# shows the text of the last build.
U=$K/content/usecases/jet-gnn.md
cp "$U" "$TMP/jet-gnn.keep"
sed -i 's/^summary: .*/summary: An edit that is taken back./' "$U"
"$KBGEN" -C "$K" build >"$TMP/b9.out" 2>&1
has "edit then back: the edit shown" "$S/usecases/jet-gnn/index.html" \
    "An edit that is taken back."
# The store knows what the edit wrote: --force now writes nothing.
"$KBGEN" -C "$K" build --force >"$TMP/b9f.out" 2>&1
expect "edit then --force: nothing written" "$(written "$TMP/b9f.out")" 0 \
    "$TMP/b9f.out"
cp "$TMP/jet-gnn.keep" "$U"
"$KBGEN" -C "$K" build >"$TMP/b10.out" 2>&1
hasnt "edit then back: the edit gone" "$S/usecases/jet-gnn/index.html" \
    "An edit that is taken back."
has "edit then back: the summary before it shown" \
    "$S/usecases/jet-gnn/index.html" \
    "$(sed -n 's/^summary: //p' "$U")"
finish
