#!/bin/sh
# Launch buttons and the source download on use-case pages, end to end
# (the links themselves are unit-tested in tests/unit/t_hosting.c).
#
# A copy of tests/fixtures/kb gets site.yaml's launch section (Colab,
# Binder, a JupyterHub through nbgitpuller) and use cases on GitHub,
# gitlab.com with subgroups, a self-hosted GitLab (baltig.infn.it),
# Bitbucket and an unknown host, pinned to a full commit in their
# content; one on GitHub at a branch, never synced; one synced (by a
# file:// URL whose provenance record is then moved to an https URL,
# as kbgen sync would have written it for GitHub).  Each page must show
# exactly the buttons its host and pin allow, in the order colab,
# binder, jupyterhub, as <a href> with the URL HTML-escaped and
# rel="noopener", the path percent-encoded (a space, a non-ASCII
# letter, '&', '#', '?'), and the source archive at the pin where the
# host has one.  Without a launch section no page has buttons.
#
# Ends with "N passed, N failed, N skipped"; exits non-zero when any
# case failed.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
mkdir -p "$HOME"
. "$PWD/tests/lib.sh"

C1=0123456789abcdef0123456789abcdef01234567
K=$TMP/kb
U=$K/content/usecases
cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
cat >>"$K/content/site.yaml" <<'EOY'
launch:
  colab: true
  binder: {hub: "https://mybinder.org/"}
  jupyterhub: {hub: "https://hub.example.org", label: AI_INFN platform}
EOY

# uc SLUG URL REF SUBDIR EXAMPLE ("-": no such key)
uc() {
	{
		echo "---"
		echo "title: Use case $1"
		echo "summary: Fixture use case $1."
		echo "technologies: [CNN]"
		echo "fields: [HEP]"
		echo "tools: [Keras]"
		echo "kind: tutorial"
		echo "contacts: [ada-rossi]"
		echo "repository:"
		echo "  url: $2"
		[ "$3" != - ] && echo "  ref: \"$3\""
		[ "$4" != - ] && echo "  subdir: \"$4\""
		echo "example: \"$5\""
		echo "added: 2022-01-01"
		echo "---"
		echo "Body of $1."
	} >"$U/$1.md"
}
uc gh https://github.com/o/r.git "$C1" "sub dir" "nb ü&x=1#?.ipynb"
uc gh-script https://github.com/o/r "$C1" - run.py
uc gh-branch https://github.com/o/r main - nb.ipynb
uc gl https://gitlab.com/g/s/r "$C1" - nb.ipynb
uc baltig https://baltig.infn.it/g/r.git "$C1" - nb.ipynb
uc bb https://bitbucket.org/o/r "$C1" - nb.ipynb
uc other https://git.example.org/o/r "$C1" - nb.ipynb

# The synced one: a local repository synced by path, its provenance
# record then moved to the https URL the entry is given afterwards.
R=$TMP/srv/o/synced
git_ init -q "$R"
echo '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' \
    >"$R/nb.ipynb"
commit "$R" one
SC=$(git -C "$R" rev-parse HEAD)
uc synced "file://$R" main - nb.ipynb
if ! "$KBGEN" -q -C "$K" sync >"$TMP/sync.out" 2>&1; then
	fail sync "kbgen sync failed" "$TMP/sync.out"
	finish
fi
mdb_dump -p -s provenance "$K/.kbgen" | grep -v "^db_pagesize=" |
    sed "s|\"url\":\"file://$R\"|\"url\":\"https://github.com/o/synced\"|" \
    >"$TMP/prov.dump"
mdb_load -s provenance "$K/.kbgen" <"$TMP/prov.dump"
sed -i "s|  url: file://$R|  url: https://github.com/o/synced|" "$U/synced.md"

if ! "$KBGEN" -q -C "$K" build 2>"$TMP/build.err"; then
	fail build "the knowledge base does not build" "$TMP/build.err"
	finish
fi
ok build

# buttons SLUG: the page's launch buttons, one "CLASS URL" a line, the
# URL as the browser reads it (unescaped); then "source URL" if any.
buttons() {
	"$PY" - "$K/site/usecases/$1/index.html" <<'EOP'
import html, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<p class="launch">(.*?)</p>', t)
for a in re.finditer(r'<a class="button (launch-[a-z]+)" href="([^"]*)" '
    r'rel="noopener">Open in ([^<]*)</a>', m.group(1) if m else ""):
    print(a.group(1), html.unescape(a.group(2)), "|", a.group(3))
for a in re.finditer(r'<a class="download-source" href="([^"]*)" '
    r'rel="noopener">', t):
    print("source", html.unescape(a.group(1)))
EOP
}
# check NAME SLUG EXPECTED-LINES
check() {
	buttons "$2" >"$TMP/$2.got"
	printf '%s\n' "$3" | sed '/^$/d' >"$TMP/$2.want"
	if cmp -s "$TMP/$2.got" "$TMP/$2.want"; then ok "$1"
	else
		fail "$1" "buttons differ"
		diff "$TMP/$2.want" "$TMP/$2.got" | sed 's/^/    /'
	fi
}

GP="https://hub.example.org/hub/user-redirect/git-pull?repo="
check "github, pinned: three buttons, path encoded" gh "\
launch-colab https://colab.research.google.com/github/o/r/blob/$C1/sub%20dir/nb%20%C3%BC%26x%3D1%23%3F.ipynb | Colab
launch-binder https://mybinder.org/v2/gh/o/r/$C1?urlpath=lab%2Ftree%2Fsub%20dir%2Fnb%20%C3%BC%26x%3D1%23%3F.ipynb | Binder
launch-jupyterhub ${GP}https%3A%2F%2Fgithub.com%2Fo%2Fr.git&urlpath=lab%2Ftree%2Fr%2Fsub%20dir%2Fnb%20%C3%BC%26x%3D1%23%3F.ipynb | AI_INFN platform
source https://github.com/o/r/archive/$C1.tar.gz"
check "github, a script: no colab" gh-script "\
launch-binder https://mybinder.org/v2/gh/o/r/$C1?urlpath=lab%2Ftree%2Frun.py | Binder
launch-jupyterhub ${GP}https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr%2Frun.py | AI_INFN platform
source https://github.com/o/r/archive/$C1.tar.gz"
check "github, a branch never synced: nothing" gh-branch ""
check "gitlab.com with subgroups: binder gl and jupyterhub" gl "\
launch-binder https://mybinder.org/v2/gl/g%2Fs%2Fr/$C1?urlpath=lab%2Ftree%2Fnb.ipynb | Binder
launch-jupyterhub ${GP}https%3A%2F%2Fgitlab.com%2Fg%2Fs%2Fr&urlpath=lab%2Ftree%2Fr%2Fnb.ipynb | AI_INFN platform
source https://gitlab.com/g/s/r/-/archive/$C1/r-$C1.tar.gz"
check "self-hosted gitlab: jupyterhub only" baltig "\
launch-jupyterhub ${GP}https%3A%2F%2Fbaltig.infn.it%2Fg%2Fr.git&urlpath=lab%2Ftree%2Fr%2Fnb.ipynb | AI_INFN platform
source https://baltig.infn.it/g/r/-/archive/$C1/r-$C1.tar.gz"
check "bitbucket: jupyterhub only" bb "\
launch-jupyterhub ${GP}https%3A%2F%2Fbitbucket.org%2Fo%2Fr&urlpath=lab%2Ftree%2Fr%2Fnb.ipynb | AI_INFN platform
source https://bitbucket.org/o/r/get/$C1.tar.gz"
check "unknown host: jupyterhub, no source" other "\
launch-jupyterhub ${GP}https%3A%2F%2Fgit.example.org%2Fo%2Fr&urlpath=lab%2Ftree%2Fr%2Fnb.ipynb | AI_INFN platform"
check "synced branch: the synced commit, the branch to nbgitpuller" synced "\
launch-colab https://colab.research.google.com/github/o/synced/blob/$SC/nb.ipynb | Colab
launch-binder https://mybinder.org/v2/gh/o/synced/$SC?urlpath=lab%2Ftree%2Fnb.ipynb | Binder
launch-jupyterhub ${GP}https%3A%2F%2Fgithub.com%2Fo%2Fsynced&branch=main&urlpath=lab%2Ftree%2Fsynced%2Fnb.ipynb | AI_INFN platform
source https://github.com/o/synced/archive/$SC.tar.gz"
check "the fixture's own entry (a branch, never synced): nothing" btagging ""

# The page's bytes: the '&' of a query is escaped in the attribute.
has "href escaped" "$K/site/usecases/gh/index.html" \
    "git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr.git&amp;urlpath="
hasnt "no raw ampersand" "$K/site/usecases/synced/index.html" \
    "&branch=main"

# Without a launch section: no buttons, the source stays.
sed -i '/^launch:/,$d' "$K/content/site.yaml"
"$KBGEN" -q -C "$K" build 2>"$TMP/build2.err" || fail build2 "rebuild" \
    "$TMP/build2.err"
check "no launch section: no buttons" gh "\
source https://github.com/o/r/archive/$C1.tar.gz"
hasnt "no launch paragraph" "$K/site/usecases/gl/index.html" \
    '<p class="launch">'
finish
