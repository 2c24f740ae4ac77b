#!/bin/sh
# make install and make uninstall.  The installed kbgen carries
# SHAREDIR ($(PREFIX)/share/kbgen) compiled in, where the theme and the
# runners are installed, and nothing of the checkout: a copy of the
# checkout is installed under a temporary prefix, then deleted, and the
# installed binary, run from another folder, builds the shipped
# knowledge base (a copy of content/, with no templates/ of its own).
# A knowledge base's own templates/ still wins.  DESTDIR stages the
# files without changing the path compiled in.  make uninstall removes
# every file install wrote.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap '[ -n "$INSTALL_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$TOP/tests/lib.sh"
unset DESTDIR PREFIX SHAREDIR BINDIR MANDIR MAKEFLAGS MFLAGS MAKELEVEL
P=$TMP/prefix
SRC=$TMP/src
K=$TMP/kb

# --- install from a copy of the checkout, then delete the copy ----------
mkdir -p "$SRC"
cp -R "$TOP/Makefile" "$TOP/generator" "$TOP/templates" "$TOP/runners" "$SRC/"
make -C "$SRC" -j2 install PREFIX="$P" >"$TMP/make.out" 2>&1
rc install $? 0 "$TMP/make.out"
missing=
for f in bin/kbgen share/man/man1/kbgen.1 share/man/man5/kbgen.5 \
    share/kbgen/templates/base.mustache share/kbgen/runners/driver.py \
    share/kbgen/runners/slurm.sbatch; do
	[ -f "$P/$f" ] || missing="$missing $f"
done
expect "install-files: binary, man pages, theme and runners under PREFIX" \
    "$missing" "" "$TMP/make.out"
(cd "$TOP/templates" && find . -type f | LC_ALL=C sort) >"$TMP/want"
(cd "$P/share/kbgen/templates" && find . -type f | LC_ALL=C sort) >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" && ok "install-theme: every file of templates/" ||
    fail "install-theme" "file lists differ" "$TMP/got"
strings "$P/bin/kbgen" >"$TMP/strings"
has install-sharedir "$TMP/strings" "$P/share/kbgen/templates"
has install-runnersdir "$TMP/strings" "$P/share/kbgen/runners"
if grep -qF -e "$SRC/templates" -e "$SRC/runners" -e "$TOP/templates" \
    -e "$TOP/runners" "$TMP/strings"; then
	fail install-no-checkout "a checkout's templates or runners path is compiled in"
else
	ok install-no-checkout
fi
rm -rf "$SRC"

# --- the installed kbgen builds the shipped knowledge base ---------------
mkdir -p "$K" "$TMP/elsewhere"
cp -R "$TOP/content" "$K/"
(cd "$TMP/elsewhere" && timeout 300 "$P/bin/kbgen" -C "$K" build) \
    >"$TMP/build.out" 2>&1
rc installed-build $? 0 "$TMP/build.out"
n=$(find "$K/site" -name '*.html' 2>/dev/null | wc -l)
[ -f "$K/site/index.html" ] && [ -d "$K/site/assets" ] && [ "$n" -gt 50 ] &&
    ok "installed-pages: $n pages and the theme's assets written" ||
    fail installed-pages "$n pages" "$TMP/build.out"
has installed-theme "$K/site/index.html" "</html>"

# init and new take the installed theme's init/ and new/ (the checkout
# is gone).
(cd "$TMP/elsewhere" && "$P/bin/kbgen" init "$TMP/fresh" &&
    HOME=$TMP "$P/bin/kbgen" -C "$TMP/fresh" new person p1 --title P &&
    "$P/bin/kbgen" -C "$TMP/fresh" build) >"$TMP/init.out" 2>&1
rc installed-init-new-build $? 0 "$TMP/init.out"

# A knowledge base's own templates/ comes first, as before.
cp -R "$P/share/kbgen/templates" "$K/templates"
sed 's|</body>|<!-- kb-own-theme --></body>|' "$P/share/kbgen/templates/base.mustache" \
    >"$K/templates/base.mustache"
(cd "$TMP/elsewhere" && timeout 300 "$P/bin/kbgen" -C "$K" build --force) \
    >"$TMP/build2.out" 2>&1
rc own-theme-build $? 0 "$TMP/build2.out"
has own-theme-first "$K/site/index.html" "<!-- kb-own-theme -->"

# --- DESTDIR stages the files; the path compiled in stays PREFIX's -------
mkdir -p "$SRC"
cp -R "$TOP/Makefile" "$TOP/generator" "$TOP/templates" "$TOP/runners" "$SRC/"
make -C "$SRC" -j2 install DESTDIR="$TMP/stage" PREFIX=/opt/kbgen-test \
    >"$TMP/make2.out" 2>&1
rc destdir-install $? 0 "$TMP/make2.out"
[ -x "$TMP/stage/opt/kbgen-test/bin/kbgen" ] &&
    [ -f "$TMP/stage/opt/kbgen-test/share/kbgen/runners/driver.py" ] &&
    [ ! -e /opt/kbgen-test ] &&
    grep -qF /opt/kbgen-test/share/kbgen/templates \
    "$TMP/stage/opt/kbgen-test/bin/kbgen" &&
    ok "destdir: files under DESTDIR, PREFIX's share/kbgen compiled in" ||
    fail destdir "files or path" "$TMP/make2.out"
make -C "$SRC" uninstall DESTDIR="$TMP/stage" PREFIX=/opt/kbgen-test \
    >"$TMP/make3.out" 2>&1
left=$(find "$TMP/stage" ! -type d | wc -l)
expect "destdir-uninstall: no file left" "$left" 0 "$TMP/make3.out"

# --- uninstall -------------------------------------------------------------
make -C "$SRC" uninstall PREFIX="$P" >"$TMP/make4.out" 2>&1
rc uninstall $? 0 "$TMP/make4.out"
find "$P" ! -type d >"$TMP/left"
expect "uninstall: every installed file removed" "$(wc -l <"$TMP/left")" 0 "$TMP/left"
[ ! -e "$P/share/kbgen" ] && ok "uninstall: share/kbgen removed" ||
    fail uninstall-share "share/kbgen left"
finish
