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
# host has one.  Then executed notebooks kept by runs (blobs and
# run_outputs records written here as check/keep.c writes them): the
# last run's and the last passing run's, copied beside the page byte for
# byte, one copy when they are the same run, none when the run kept no
# notebook or its blob is gone (a warning naming the use case, the build
# goes on), and never the repository's committed notebook.  Without a
# launch section no page has buttons.
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
if ! "$KBGEN" -q -C "$K" sync synced >"$TMP/sync.out" 2>&1; then
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

has "the example's link is encoded too" "$K/site/usecases/gh/index.html" \
    "https://github.com/o/r/blob/$C1/sub%20dir/nb%20%C3%BC%26x%3D1%23%3F.ipynb"

# The page's bytes: the '&' of a query is escaped in the attribute.
has "href escaped" "$K/site/usecases/gh/index.html" \
    "git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr.git&amp;urlpath="
hasnt "no raw ampersand" "$K/site/usecases/synced/index.html" \
    "&branch=main"

# --- executed notebooks ------------------------------------------------
# Blobs and run_outputs records as check/keep.c writes them: gh's last
# run failed (notebook A) after a pass (notebook B); gl's last run is
# its last passing one; bb kept files, no notebook; baltig's manifest
# names a blob that is gone; synced has no kept outputs, though its
# repository commits nb.ipynb.
# blob FILE: store FILE's bytes in the outputs store; prints the ref.
blob() {
	h=$(sha256sum "$1" | cut -c1-64)
	mkdir -p "$K/.kbgen/outputs/sha256/$(echo "$h" | cut -c1-2)"
	cp "$1" "$K/.kbgen/outputs/sha256/$(echo "$h" | cut -c1-2)/$h"
	echo "sha256:$h"
}
# manifest STATUS NOTEBOOK-REF|- DATE: a manifest blob; prints its ref.
manifest() {
	if [ "$2" = - ]; then nb=null kind=files; else
		nb="{\"ref\": \"$2\", \"size\": 1}" kind=notebook
	fi
	printf '{"slug": "x", "stamp": 1, "date": "%s", "runner": "local", "gpu": null, "commit": null, "status": "%s", "reason": null, "kind": "%s", "notebook": %s, "log": null, "images": []}' \
	    "$3" "$1" "$kind" "$nb" >"$TMP/m.json"
	blob "$TMP/m.json"
}
printf '{"cells": [{"cell_type": "code", "execution_count": 1, "source": "1/0", "outputs": [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "<b>&amp;</b>", "traceback": []}], "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n' >"$TMP/a.ipynb"
{
	printf '{"cells": [{"cell_type": "code", "execution_count": 1, "source": "print(1)", "outputs": [{"output_type": "stream", "name": "stdout", "text": "'
	head -c 3000 /dev/zero | tr '\0' x
	printf '"}], "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
} >"$TMP/b.ipynb"
NA=$(blob "$TMP/a.ipynb") NB=$(blob "$TMP/b.ipynb")
GH_LAST=$(manifest fail "$NA" 2026-11-25T12:00:00Z)
GH_PASS=$(manifest pass "$NB" 2026-11-20T08:00:00Z)
GL=$(manifest pass "$NB" 2026-11-21T08:00:00Z)
BB=$(manifest pass - 2026-11-22T08:00:00Z)
GONE=sha256:$(printf gone | sha256sum | cut -c1-64)
BALTIG=$(manifest pass "$GONE" 2026-11-23T08:00:00Z)
{
	printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n'
	printf ' baltig\n {"last": "%s", "passing": "%s", "previous_passing": null}\n' "$BALTIG" "$BALTIG"
	printf ' bb\n {"last": "%s", "passing": "%s", "previous_passing": null}\n' "$BB" "$BB"
	printf ' gh\n {"last": "%s", "passing": "%s", "previous_passing": null}\n' "$GH_LAST" "$GH_PASS"
	printf ' gl\n {"last": "%s", "passing": "%s", "previous_passing": null}\n' "$GL" "$GL"
	printf 'DATA=END\n'
} >"$TMP/ro.dump"
mdb_load -s run_outputs "$K/.kbgen" <"$TMP/ro.dump"
# As kbgen check does after a run, so that the build sees a change.
printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n checked_at\n 2026-11-25T12:30:00Z\nDATA=END\n' |
    mdb_load -s meta "$K/.kbgen"
if ! "$KBGEN" -C "$K" build >"$TMP/build3.out" 2>"$TMP/build3.err"; then
	fail "build with outputs" "an output problem failed the build" \
	    "$TMP/build3.err"
fi
UD=$K/site/usecases
# notebooks SLUG: "which size label" of each download link.
notebooks() {
	"$PY" - "$UD/$1/index.html" <<'EOP'
import html, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
for a in re.finditer(r'<a class="download-notebook" href="([^"]*)" download'
    r'[^>]*>Executed notebook</a> <span class="muted">\(\.ipynb, ([^;]*); '
    r'([a-z ]+)', t):
    print(html.unescape(a.group(1)), a.group(2), a.group(3))
EOP
}
expect "gh: last and last passing notebooks" "$(notebooks gh)" \
"../../usecases/gh/executed-last.ipynb $(wc -c <"$TMP/a.ipynb") B last run
../../usecases/gh/executed-passing.ipynb 3.1 KiB last passing run"
if cmp -s "$TMP/a.ipynb" "$UD/gh/executed-last.ipynb" &&
    cmp -s "$TMP/b.ipynb" "$UD/gh/executed-passing.ipynb"; then
	ok "gh: the downloads are the stored blobs, byte for byte"
else
	fail "gh: the downloads are the stored blobs, byte for byte" "differ"
fi
expect "gl: last run is the passing one: one download" "$(notebooks gl)" \
    "../../usecases/gl/executed-last.ipynb 3.1 KiB last run"
[ -e "$UD/gl/executed-passing.ipynb" ] &&
    fail "gl: no second copy" "executed-passing.ipynb written" ||
    ok "gl: no second copy"
expect "bb: files kept, no notebook" "$(notebooks bb)" ""
expect "baltig: a missing blob, no download" "$(notebooks baltig)" ""
has "baltig: a warning names the use case" "$TMP/build3.err" \
    "content/usecases/baltig.md: warning: the executed notebook of the last run"
expect "synced: never the repository's committed notebook" \
    "$(notebooks synced; ls "$UD/synced")" "index.html"
has "gh: the run is dated" "$UD/gh/index.html" \
    '<time datetime="2026-11-25T12:00:00Z">2026-11-25T12:00:00Z</time> on local: fail'
# The executed notebook is shown on the page (render/notebook.c), its
# text escaped.
has "gh: the executed notebook on the page" "$UD/gh/index.html" \
    "ZeroDivisionError"
hasnt "gh: a notebook's text only escaped" "$UD/gh/index.html" \
    "<b>&amp;</b>"

# Without a launch section: no buttons, the source stays.
sed -i '/^launch:/,$d' "$K/content/site.yaml"
"$KBGEN" -q -C "$K" build 2>"$TMP/build2.err" || fail build2 "rebuild" \
    "$TMP/build2.err"
check "no launch section: no buttons" gh "\
source https://github.com/o/r/archive/$C1.tar.gz"
hasnt "no launch paragraph" "$K/site/usecases/gl/index.html" \
    '<p class="launch">'
finish
