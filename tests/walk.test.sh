#!/bin/sh
# What the walk of content/ reads, and what kbgen sync may fetch (issue
# 12): symbolic links that leave the knowledge base (to a file, to a
# folder, to a sibling folder whose name begins with its own) are errors
# naming the link and publish nothing; a link inside
# is followed; a link to a folder above it is an error, not an endless
# walk; a FIFO named pages/x.md is an error and never blocks; a local
# repository (a path, a file:// URL) is a lint error unless site.yaml
# says sync: {allow_local: true}, and then kbgen sync collects it; a
# file over max_file_size (or the 4 MiB default) or with a line over
# 128 KiB is an error and leaves the published site byte-identical, and
# the slowest Markdown found within both limits still builds.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. tests/lib.sh
HOME=$TMP/home
mkdir -p "$HOME"
export HOME GIT_CONFIG_NOSYSTEM=1
kb() { timeout 60 "$KBGEN" "$@"; }
# fresh NAME: a copy of the fixture without allow_local
fresh() {
	rm -rf "$TMP/$1"
	cp -r "$FIX" "$TMP/$1"
	sed -i '/^sync: {allow_local: true}$/d' "$TMP/$1/content/site.yaml"
}

# --- symbolic links ---------------------------------------------------

mkdir -p "$TMP/outside/tree"
printf -- '---\ntitle: Secret file\n---\nSECRET-FILE\n' >"$TMP/outside/secret.md"
printf -- '---\ntitle: Secret tree\n---\nSECRET-TREE\n' \
    >"$TMP/outside/tree/leak.md"
fresh L
P=$TMP/L/content/pages
ln -s "$TMP/outside/secret.md" "$P/secret.md"
ln -s "$TMP/outside/tree" "$P/tree"
kb -C "$TMP/L" build >"$TMP/l.out" 2>"$TMP/l.err"
rc "symlink out: build exits 1" $? 1 "$TMP/l.err"
has "symlink out: to a file, named" "$TMP/l.err" \
    "$P/secret.md: error: symbolic link leaves the knowledge base"
has "symlink out: to a folder, named" "$TMP/l.err" \
    "$P/tree: error: symbolic link leaves the knowledge base"
hasnt "symlink out: no file name from the tree" "$TMP/l.err" "leak.md"
if grep -rqs "SECRET" "$TMP/L/site"; then
	fail "symlink out: nothing published" "SECRET found in site/"
else
	ok "symlink out: nothing published"
fi
kb -C "$TMP/L" lint >/dev/null 2>"$TMP/l2.err"
rc "symlink out: lint exits 1" $? 1 "$TMP/l2.err"

# pages/ itself, and site.yaml, as links out.
fresh L2
mkdir -p "$TMP/outside/pages"
cp "$TMP/outside/secret.md" "$TMP/outside/pages/"
printf 'title: SECRET-TITLE\n' >"$TMP/outside/site.yaml"
rm -rf "$TMP/L2/content/pages" "$TMP/L2/content/site.yaml"
ln -s "$TMP/outside/pages" "$TMP/L2/content/pages"
ln -s "$TMP/outside/site.yaml" "$TMP/L2/content/site.yaml"
kb -C "$TMP/L2" build >/dev/null 2>"$TMP/l3.err"
rc "symlink out: folder and site.yaml, build exits 1" $? 1 "$TMP/l3.err"
has "symlink out: pages/ named" "$TMP/l3.err" \
    "$TMP/L2/content/pages: error: symbolic link leaves the knowledge base"
has "symlink out: site.yaml named" "$TMP/l3.err" \
    "$TMP/L2/content/site.yaml: error: symbolic link leaves the knowledge base"
if grep -rqs "SECRET" "$TMP/L2/site"; then
	fail "symlink out: folder and site.yaml, nothing published" "SECRET in site/"
else
	ok "symlink out: folder and site.yaml, nothing published"
fi

# A sibling folder whose name begins with the knowledge base's
# (L3-other beside L3) is outside it too: a prefix is not a parent.
fresh L3
mkdir -p "$TMP/L3-other"
printf -- '---\ntitle: Sibling\n---\nSECRET-SIBLING\n' >"$TMP/L3-other/sib.md"
ln -s "$TMP/L3-other/sib.md" "$TMP/L3/content/pages/sib.md"
kb -C "$TMP/L3" build >/dev/null 2>"$TMP/l4.err"
rc "symlink to a sibling named like the base: build exits 1" $? 1 "$TMP/l4.err"
has "symlink to a sibling named like the base: named" "$TMP/l4.err" \
    "$TMP/L3/content/pages/sib.md: error: symbolic link leaves the knowledge base"
if grep -rqs "SECRET" "$TMP/L3/site"; then
	fail "symlink to a sibling named like the base: nothing published" "SECRET in site/"
else
	ok "symlink to a sibling named like the base: nothing published"
fi

# Inside the knowledge base: followed.
fresh I
P=$TMP/I/content/pages
mkdir -p "$TMP/I/shared"
printf -- '---\ntitle: Shared page\n---\nSHARED-BODY\n' >"$TMP/I/shared/doc.md"
ln -s ../../shared/doc.md "$P/shared.md"
kb -q -C "$TMP/I" build >/dev/null 2>"$TMP/i.err"
rc "symlink inside: build exits 0" $? 0 "$TMP/i.err"
if grep -rqs "SHARED-BODY" "$TMP/I/site"; then
	ok "symlink inside: published"
else
	fail "symlink inside: published" "SHARED-BODY not in site/" "$TMP/i.err"
fi

# A link to a folder above: an error, and the walk ends.
fresh O
ln -s .. "$TMP/O/content/pages/up"
timeout 20 "$KBGEN" -C "$TMP/O" lint >/dev/null 2>"$TMP/o.err"
rc "symlink loop: lint exits 1" $? 1 "$TMP/o.err"
has "symlink loop: named" "$TMP/o.err" \
    "$TMP/O/content/pages/up: error: symbolic link to a folder above it"

# --- special files ----------------------------------------------------

fresh F
if mkfifo "$TMP/F/content/pages/x.md" 2>/dev/null; then
	timeout 20 "$KBGEN" -C "$TMP/F" build >/dev/null 2>"$TMP/f.err"
	r=$?
	if [ $r = 124 ]; then
		fail "fifo: no hang" "kbgen build still waiting after 20 s"
	else
		rc "fifo: build exits 1" $r 1 "$TMP/f.err"
	fi
	has "fifo: named" "$TMP/f.err" \
	    "$TMP/F/content/pages/x.md: error: not a regular file (a FIFO)"
	rm -f "$TMP/F/content/pages/x.md"
	mkfifo "$TMP/F/content/taxonomy.yaml.fifo"
	rm -f "$TMP/F/content/taxonomy.yaml"
	mv "$TMP/F/content/taxonomy.yaml.fifo" "$TMP/F/content/taxonomy.yaml"
	timeout 20 "$KBGEN" -C "$TMP/F" lint >/dev/null 2>"$TMP/f2.err"
	r=$?
	if [ $r = 124 ]; then
		fail "fifo taxonomy.yaml: no hang" "still waiting after 20 s"
	else
		rc "fifo taxonomy.yaml: lint exits 1" $r 1 "$TMP/f2.err"
	fi
else
	fail "fifo" "mkfifo failed"
fi

# --- local repositories -----------------------------------------------

G=$TMP/git
mkdir -p "$G/ex"
printf 'print("hello")\n' >"$G/ex/ex.py"
printf '# Example\n' >"$G/ex/README.md"
(cd "$G/ex" && git_ init -q && git_ add -A && git_ commit -q -m one) ||
    fail "git fixture" "git init failed"
for form in path file rel; do
	fresh R$form
	U=$TMP/R$form/content/usecases
	case $form in
	path) url=$G/ex ;;
	file) url=file://$G/ex ;;
	rel) url=../git/ex ;;
	esac
	mkuc "$U" uc-local "$url" ex.py
	kb -C "$TMP/R$form" lint >/dev/null 2>"$TMP/r.err"
	rc "local $form: lint exits 1" $? 1 "$TMP/r.err"
	has "local $form: error at url" "$TMP/r.err" \
	    "$U/uc-local.md:10:8: error: repository \"$url\" is on the build machine"
	kb -C "$TMP/R$form" sync >/dev/null 2>"$TMP/r2.err"
	rc "local $form: sync refuses" $? 1 "$TMP/r2.err"
	if [ -d "$TMP/R$form/.kbgen/repos" ] &&
	    [ -n "$(ls -A "$TMP/R$form/.kbgen/repos")" ]; then
		fail "local $form: nothing cloned" "a clone in .kbgen/repos"
	else
		ok "local $form: nothing cloned"
	fi
done
# Remote forms stay allowed (lint only: nothing is fetched).
fresh Rremote
U=$TMP/Rremote/content/usecases
mkuc "$U" uc-ssh "git@git.example.org:a/b.git" ex.py
mkuc "$U" uc-sshurl "ssh://git@git.example.org/a/b.git" ex.py
kb -C "$TMP/Rremote" lint >/dev/null 2>"$TMP/rr.err"
rc "remote forms: lint exits 0" $? 0 "$TMP/rr.err"
# With allow_local: lint passes and sync collects both forms.
for form in path file; do
	D=$TMP/R$form
	echo 'sync: {allow_local: true}' >>"$D/content/site.yaml"
	kb -C "$D" lint >/dev/null 2>"$TMP/a.err"
	rc "allow_local $form: lint exits 0" $? 0 "$TMP/a.err"
	kb -q -C "$D" sync uc-local >/dev/null 2>"$TMP/a2.err"
	rc "allow_local $form: sync exits 0" $? 0 "$TMP/a2.err"
	if [ -n "$(ls -A "$D/.kbgen/repos" 2>/dev/null)" ]; then
		ok "allow_local $form: cloned"
	else
		fail "allow_local $form: cloned" "no clone in .kbgen/repos"
	fi
done
# A bad value of the new section.
fresh Rbad
echo 'sync: {allow_local: maybe, mirror: x}' >>"$TMP/Rbad/content/site.yaml"
kb -C "$TMP/Rbad" lint >/dev/null 2>"$TMP/rb.err"
rc "sync section: bad value exits 1" $? 1 "$TMP/rb.err"
has "sync section: unknown key" "$TMP/rb.err" "mirror"

# --- size limits ------------------------------------------------------

fresh S
kb -q -C "$TMP/S" build >/dev/null 2>"$TMP/s.err"
rc "size: first build" $? 0 "$TMP/s.err"
cp -a "$TMP/S/site" "$TMP/S.before"
/usr/bin/python3 -c '
import sys
body = "".join("word " * 1000 + "\n\n" for i in range(900))
open(sys.argv[1], "w").write("---\ntitle: Big\n---\n" + body)
' "$TMP/S/content/pages/big.md"
n=$(wc -c <"$TMP/S/content/pages/big.md")
kb -q -C "$TMP/S" build >/dev/null 2>"$TMP/s2.err"
rc "size: default 4 MiB, build exits 1" $? 1 "$TMP/s2.err"
has "size: message" "$TMP/s2.err" \
    "$TMP/S/content/pages/big.md: error: file is $n bytes, over the limit of 4194304 (max_file_size in site.yaml)"
if diff -r "$TMP/S.before" "$TMP/S/site" >"$TMP/s.diff"; then
	ok "size: site byte-identical"
else
	fail "size: site byte-identical" "site/ changed" "$TMP/s.diff"
fi
echo 'max_file_size: 8M' >>"$TMP/S/content/site.yaml"
kb -q -C "$TMP/S" build >/dev/null 2>"$TMP/s3.err"
rc "size: max_file_size 8M lets it in" $? 0 "$TMP/s3.err"
sed -i 's/^max_file_size: 8M$/max_file_size: lots/' "$TMP/S/content/site.yaml"
kb -C "$TMP/S" lint >/dev/null 2>"$TMP/s4.err"
rc "size: bad max_file_size exits 1" $? 1 "$TMP/s4.err"
has "size: bad max_file_size at its place" "$TMP/s4.err" \
    "site.yaml:6:16: error: \"max_file_size\" must be a size"
# One long line (one paragraph of 200 KiB, under the file limit).
fresh T
kb -q -C "$TMP/T" build >/dev/null 2>"$TMP/t.err"
cp -a "$TMP/T/site" "$TMP/T.before"
/usr/bin/python3 -c '
import sys
open(sys.argv[1], "w").write("---\ntitle: Long\n---\nIntro.\n\n" + "a@a.a." * 35000 + "\n")
' "$TMP/T/content/pages/long.md"
timeout 20 "$KBGEN" -q -C "$TMP/T" build >/dev/null 2>"$TMP/t2.err"
rc "line: build exits 1" $? 1 "$TMP/t2.err"
has "line: message" "$TMP/t2.err" \
    "$TMP/T/content/pages/long.md:6:1: error: line is 210000 bytes long, over the limit of 131072"
if diff -r "$TMP/T.before" "$TMP/T/site" >"$TMP/t.diff"; then
	ok "line: site byte-identical"
else
	fail "line: site byte-identical" "site/ changed" "$TMP/t.diff"
fi
# The worst Markdown found within both limits (cmark-gfm's autolink
# pass on "a@a.a." runs: 4 MiB of 128 KiB lines, ~15 s here) still
# finishes.
fresh W
/usr/bin/python3 -c '
import sys
line = "a@a.a." * 21800 + "\n"
open(sys.argv[1], "w").write("---\ntitle: Worst\n---\n" + line * 31)
' "$TMP/W/content/pages/worst.md"
timeout 180 "$KBGEN" -q -C "$TMP/W" build >/dev/null 2>"$TMP/w.err"
r=$?
if [ $r = 124 ]; then
	fail "worst case within the limits: build ends" "over 180 s"
else
	rc "worst case within the limits: build exits 0" $r 0 "$TMP/w.err"
fi

finish
