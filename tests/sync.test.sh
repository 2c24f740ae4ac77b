#!/bin/sh
# kbgen sync: collecting each use case's repository with libgit2 and
# recording its provenance in LMDB, then showing it on the site.  No
# network: every repository is made here with the git CLI and named by
# path or by file:// URL; the failures that need a server (a 404, a
# repository asking for credentials, a refused connection) use a small
# HTTP server on 127.0.0.1.  Cases: a branch, an annotated tag, a commit
# id, the remote HEAD (a default branch that is not main), a subdir, two
# use cases sharing one URL (one clone), a branch updated between two
# syncs, a force-pushed branch, a deleted repository, a ref that
# vanished, an example missing at the commit; exit codes (0 with
# warnings, 1 with --strict, 1 for a missing example, 2 for an unknown
# slug), sync SLUG, --offline, the token kept secret, progress output,
# a build before any sync, the pages after one (commit and file links and
# "open in" buttons only for known hosts: a github record is loaded into
# LMDB with mdb_load, as github cannot be reached here), and per-file git
# history of content/.
#
# LMDB is read with mdb_dump (lmdb-utils) when installed; without it
# those checks print "SKIP NAME: no mdb_dump" (a failure in tests/run.sh).
#
# Dates.  Commits of the repositories carry fixed dates, except those
# that must count as recent activity: kbgen build judges "stale" (no
# commit for two years) against the real date, so those are made a few
# days before today.  KBGEN_PIN_CLOCK makes sync date its records from
# SOURCE_DATE_EPOCH (2023-11-14), so "unreachable since" is fixed.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
KBGEN_PIN_CLOCK=1
export KBGEN_PIN_CLOCK
PINNED=2023-11-14
TMP=$(mktemp -d)
SRV=
# SYNC_TEST_KEEP=1 keeps the temporary folder, for debugging.
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$SYNC_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
# No user or system git configuration, no proxy, no token from outside.
mkdir -p "$TMP/home"
HOME=$TMP/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY KBGEN_GIT_TOKEN GIT_DIR GIT_WORK_TREE 2>/dev/null
G=$TMP/git		# the "remote" repositories
K=$TMP/kb		# the knowledge base
S=$K/site
U=$K/content/usecases
C=$K/.kbgen

HAVE_MDB=0
command -v mdb_dump >/dev/null 2>&1 && HAVE_MDB=1

# --- helpers ---------------------------------------------------------

. "$PWD/tests/lib.sh"
# kb ARGS...: kbgen with a bound on time (nothing here should block)
kb() { timeout 120 "$KBGEN" "$@"; }
# commit_at DIR DATE WHO MESSAGE: commit everything in DIR as WHO (Ann,
# Bob, Carla) on DATE (author and committer)
commit_at() {
	case $3 in
	Ann)	n="Ann Author" ;;
	Bob)	n="Bob Builder" ;;
	*)	n="Carla Dev" ;;
	esac
	e=$(echo "$3" | tr 'A-Z' 'a-z')@example.org
	(cd "$1" && git_ add -A &&
	    GIT_AUTHOR_NAME=$n GIT_AUTHOR_EMAIL=$e GIT_AUTHOR_DATE=$2 \
	    GIT_COMMITTER_NAME=$n GIT_COMMITTER_EMAIL=$e \
	    GIT_COMMITTER_DATE=$2 git_ commit -q -m "$4")
}
rev() { git_ -C "$1" rev-parse "$2^{commit}"; }
# ago N: an ISO date-time N days before now
ago() { date -u -d "@$(( $(date -u +%s) - $1 * 86400 ))" +%Y-%m-%dT12:00:00Z; }
day() { echo "$1" | cut -c1-10; }
# mkuc_ref SLUG URL REF SUBDIR EXAMPLE: a use case ("-" leaves a key out)
mkuc_ref() {
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
		[ "$3" != - ] && echo "  ref: $3"
		[ "$4" != - ] && echo "  subdir: $4"
		[ "$5" != - ] && echo "example: $5"
		[ "$1" != uc-branch ] && echo "added: 2022-01-01"
		echo "---"
		echo "Body of $1."
	} >"$U/$1.md"
}
# prov SLUG: the JSON provenance record of SLUG in LMDB (empty if none)
prov() {
	mdb_dump -p -s provenance "$C" 2>/dev/null |
	    awk -v k=" $1" 'f { sub(/^ /, ""); print; exit } $0 == k { f = 1 }'
}
# jstr JSON KEY: a string value; jraw JSON KEY: the raw value
jstr() { printf '%s\n' "$1" | grep -o "\"$2\":\"[^\"]*\"" | head -1 | sed 's/^"[^"]*":"//; s/"$//'; }
jraw() { printf '%s\n' "$1" | grep -o "\"$2\":\(\[[^]]*\]\|[^,}]*\)" | head -1 | sed 's/^"[^"]*"://'; }
# pexpect NAME SLUG KEY WANT: the record of SLUG has KEY = WANT (raw
# JSON: strings quoted), or is skipped without mdb_dump
pexpect() {
	if [ $HAVE_MDB -eq 0 ]; then
		skip "$1" "no mdb_dump"
		return
	fi
	expect "$1" "$(jraw "$(prov "$2")" "$3")" "$4"
}
page() { echo "$S/usecases/$1/index.html"; }
# card SLUG: the catalogue card of SLUG into $TMP/card.SLUG
card() {
	awk -v u="usecases/$1/index.html" '
	    /<li class="card"/ { b = ""; on = 1 }
	    on { b = b $0 "\n" }
	    /<\/article>/ && on { on = 0; if (index(b, u)) printf "%s", b }
	' "$S/catalogue/index.html" >"$TMP/card.$1"
	echo "$TMP/card.$1"
}
# after NAME FILE LINE NEXT: the line after LINE is NEXT
after() {
	got=$(grep -A1 -xF -- "$3" "$2" 2>/dev/null | sed -n 2p)
	expect "$1" "$got" "$4"
}
nrepos() { ls "$C/repos" 2>/dev/null | grep -cv '\.part$'; }
build() { kb -C "$K" build --force >"$TMP/build.out" 2>&1; }

# --- the repositories ------------------------------------------------

mkdir -p "$G"
D1=$(ago 40) D2=$(ago 30) D3=$(ago 20) D4=$(ago 10)

# main: branches main and dev, annotated tag v1.0, a subdir with its
# own README, a hidden folder (not listed), three authors.
M=$G/main
git_ init -q "$M"
mkdir -p "$M/nb" "$M/hackathon/.ipynb_checkpoints"
cat >"$M/README.md" <<'EOF'
# Jets

[![build](https://img.shields.io/badge/x.svg)](https://ci.example.org)

Teaches jet tagging with *CNNs*; see [the docs](https://example.org/docs).

## Install
EOF
echo "MIT Licence" >"$M/LICENSE"
echo "print('train')" >"$M/train.py"
echo "{}" >"$M/btagging.ipynb"
echo "{}" >"$M/nb/intro.ipynb"
echo "{}" >"$M/hackathon/btag.ipynb"
echo "echo prep" >"$M/hackathon/prep.sh"
echo "a,b" >"$M/hackathon/data.csv"
echo "{}" >"$M/hackathon/.ipynb_checkpoints/btag-checkpoint.ipynb"
printf 'Hackathon\n=========\n\nHackathon version of the exercise.\n' \
    >"$M/hackathon/README.md"
commit_at "$M" "$D1" Ann "first"
GIT_COMMITTER_NAME="Ann Author" GIT_COMMITTER_EMAIL=ann@example.org \
    GIT_COMMITTER_DATE=$D1 git_ -C "$M" tag -a v1.0 -m "version 1.0"
echo "print('train v2')" >"$M/train.py"
commit_at "$M" "$D2" Bob "second"
git_ -C "$M" checkout -q -b dev
echo "print('dev')" >"$M/dev.py"
commit_at "$M" "$D3" Carla "dev work"
git_ -C "$M" checkout -q main
echo '{"v": 2}' >"$M/hackathon/btag.ipynb"
commit_at "$M" "$D4" Ann "notebook"
C1=$(rev "$M" v1.0) C2=$(rev "$M" main~1) C3=$(rev "$M" dev) C4=$(rev "$M" main)
C2SHORT=$(echo "$C2" | cut -c1-10)
git_ -C "$M" tag vanishing "$C2"	# a lightweight tag, deleted later

# trunk: the default branch is "trunk"; a "main" branch exists too.
# Old commits only: stale.
T=$G/trunk
git_ init -q -b trunk "$T"
echo x >"$T/run.py"
commit_at "$T" 2019-03-01T10:00:00Z Ann "one"
git_ -C "$T" branch main
echo y >"$T/run.py"
commit_at "$T" 2019-03-02T10:00:00Z Bob "two"
T2=$(rev "$T" trunk)

# upd, force, del, vanish: changed between the syncs
for r in upd force del vanish; do
	git_ init -q "$G/$r"
	echo "print(1)" >"$G/$r/run.py"
	commit_at "$G/$r" "$D1" Ann "one"
	echo "print(2)" >"$G/$r/run.py"
	commit_at "$G/$r" "$D2" Ann "two"
done
git_ -C "$G/vanish" branch feature
echo "print(3)" >"$G/vanish/run.py"
commit_at "$G/vanish" "$D3" Ann "three"
UPD1=$(rev "$G/upd" main) FORCE1=$(rev "$G/force" main)
DEL1=$(rev "$G/del" main) VAN1=$(rev "$G/vanish" feature)

# --- the knowledge base ----------------------------------------------

cp -r "$FIX" "$K"
rm -rf "$S" "$C"
cat >>"$K/content/site.yaml" <<'EOF'
open_in:
  - {name: Colab, url: "https://colab.research.google.com/github/{owner}/{repo}/blob/{commit}/{path}"}
EOF
# btagging (from the fixture): the tag, by file:// URL
sed -i "s|^  url: .*|  url: file://$M|; s|^  ref: main|  ref: v1.0|" "$U/btagging.md"
mkuc_ref uc-branch "$M" dev - dev.py
mkuc_ref uc-commit "$M" "$C2" - train.py
mkuc_ref uc-short "$M" "$C2SHORT" - train.py
mkuc_ref uc-tagvanish "$M" vanishing - train.py
mkuc_ref uc-subdir "$M" - hackathon btag.ipynb
mkuc_ref uc-head "$T" - - run.py
mkuc_ref uc-update "$G/upd" main - run.py
mkuc_ref uc-force "$G/force" main - run.py
mkuc_ref uc-deleted "file://$G/del" - - run.py
mkuc_ref uc-vanish "$G/vanish" feature - run.py
NURL=7	# $M, file://$M, trunk, upd, force, file://del, vanish

# content/ is in a git work tree: uc-branch is added by Ann on
# 2021-02-02 and changed by Bob on 2023-06-12.
git_ init -q "$K"
(cd "$K" && git_ add content && GIT_AUTHOR_NAME="Ann Author" \
    GIT_AUTHOR_EMAIL=ann@example.org GIT_AUTHOR_DATE=2021-02-02T10:00:00Z \
    GIT_COMMITTER_NAME="Ann Author" GIT_COMMITTER_EMAIL=ann@example.org \
    GIT_COMMITTER_DATE=2021-02-02T10:00:00Z git_ commit -q -m content)
echo "More." >>"$U/uc-branch.md"
(cd "$K" && git_ add content && GIT_AUTHOR_NAME="Bob Builder" \
    GIT_AUTHOR_EMAIL=bob@example.org GIT_AUTHOR_DATE=2023-06-12T10:00:00Z \
    GIT_COMMITTER_NAME="Bob Builder" GIT_COMMITTER_EMAIL=bob@example.org \
    GIT_COMMITTER_DATE=2023-06-12T10:00:00Z git_ commit -q -m edit)

# --- a build before any sync -----------------------------------------

kb -C "$K" build >"$TMP/b0.out" 2>&1
rc build-no-sync $? 0 "$TMP/b0.out"
P=$(page uc-branch)
hasnt no-sync-no-commit "$P" "Pinned commit"
hasnt no-sync-no-unreachable "$P" "Unreachable"
hasnt no-sync-no-collected "$P" "Collected"
has no-sync-repo-url "$P" "<a href=\"$M\" rel=\"noopener\">$M</a>"
hasnt no-sync-no-badge "$S/catalogue/index.html" "badge-repo"
hasnt no-sync-no-facet "$S/catalogue/index.html" "repository:"
hasnt no-sync-no-filter "$S/catalogue/index.html" 'data-facet="repository"'
if [ -e "$C/repos" ]; then fail build-no-network "build made $C/repos"
else ok build-no-network; fi
# git history of content/: added 2021-02-02, updated 2023-06-12, 2 authors
has history-page "$P" '<dd><time datetime="2021-02-02">2021-02-02</time>, updated <time datetime="2023-06-12">2023-06-12</time> <span class="muted">(2 authors)</span></dd>'
has history-card "$(card uc-branch)" 'added <time datetime="2021-02-02">2021-02-02</time>, updated <time datetime="2023-06-12">2023-06-12</time>'
has history-front-matter-wins "$(page uc-head)" '<time datetime="2022-01-01">2022-01-01</time>, updated <time datetime="2021-02-02">2021-02-02</time> <span class="muted">(1 author)</span>'

# --- the first sync --------------------------------------------------

kb -C "$K" sync >"$TMP/s1.out" 2>"$TMP/s1.err"
rc first-sync $? 0 "$TMP/s1.err"
hasnt first-sync-no-warning "$TMP/s1.err" "warning:"
n=$(grep -c "^sync: \[[0-9]*/$NURL\] .*: fetched" "$TMP/s1.err")
expect pipe-one-line-per-repo "$n" "$NURL" "$TMP/s1.err"
if grep -q "$(printf '\r')" "$TMP/s1.err"; then
	fail pipe-no-live-line "carriage return in piped output"
else ok pipe-no-live-line; fi
has first-sync-summary "$TMP/s1.err" "synced $NURL repositories for 11 use cases"
expect one-folder-per-url "$(nrepos)" "$NURL"
# uc-branch, uc-commit and uc-subdir share $M: a single bare clone of it
n=$(for d in "$C"/repos/*; do git_ -C "$d" config remote.origin.url; done | grep -cx "$M")
expect shared-url-one-clone "$n" 1
n=$(for d in "$C"/repos/*; do git_ -C "$d" rev-parse --is-bare-repository; done | grep -c true)
expect clones-are-bare "$n" "$NURL"

# What LMDB says.
pexpect branch-commit uc-branch commit "\"$C3\""
pexpect branch-url uc-branch url "\"$M\""
pexpect branch-ref uc-branch ref '"dev"'
pexpect branch-author uc-branch author '"Carla Dev"'
pexpect branch-date uc-branch commit_date "\"$(day "$D3")\""
pexpect branch-files uc-branch files '["btagging.ipynb","dev.py","hackathon/btag.ipynb","hackathon/prep.sh","nb/intro.ipynb","train.py"]'
pexpect tag-commit btagging commit "\"$C1\""
pexpect tag-url btagging url "\"file://$M\""
pexpect tag-files btagging files '["btagging.ipynb","hackathon/btag.ipynb","hackathon/prep.sh","nb/intro.ipynb","train.py"]'
pexpect commit-id-commit uc-commit commit "\"$C2\""
pexpect commit-id-author uc-commit author '"Bob Builder"'
pexpect commit-prefix-commit uc-short commit "\"$C2\""
pexpect commit-prefix-ref uc-short ref "\"$C2SHORT\""
pexpect lightweight-tag-commit uc-tagvanish commit "\"$C2\""
pexpect head-commit uc-head commit "\"$T2\""
pexpect head-ref uc-head ref null
pexpect head-last-activity uc-head last_activity '"2019-03-02"'
pexpect subdir-commit uc-subdir commit "\"$C4\""
pexpect subdir-exists uc-subdir subdir_exists true
pexpect subdir-example-exists uc-subdir example_exists true
pexpect subdir-files uc-subdir files '["btag.ipynb","prep.sh"]'
pexpect subdir-readme uc-subdir readme '"Hackathon version of the exercise."'
pexpect top-readme uc-branch readme '"Teaches jet tagging with CNNs; see the docs."'
pexpect license uc-subdir license '"LICENSE"'
pexpect no-license uc-head license null
pexpect last-activity uc-commit last_activity "\"$(day "$D4")\""
pexpect contributors-year uc-subdir contributors_year 3
pexpect fetched-at uc-subdir fetched_at "\"${PINNED}T22:13:20Z\""
pexpect no-error uc-subdir error null
pexpect not-unreachable uc-subdir unreachable_since null
pexpect update-first uc-update commit "\"$UPD1\""
pexpect vanish-first uc-vanish commit "\"$VAN1\""
pexpect deleted-first uc-deleted commit "\"$DEL1\""

# The pages after the sync.
build
rc build-after-sync $? 0 "$TMP/build.out"
P=$(page uc-subdir)
short=$(echo "$C4" | cut -c1-12)
after page-pinned-commit "$P" "<dt>Pinned commit</dt>" \
    "<dd><code>$short</code> <time datetime=\"$(day "$D4")\">$(day "$D4")</time> by Ann Author</dd>"
after page-licence "$P" "<dt>Licence</dt>" "<dd><code>LICENSE</code></dd>"
has page-files "$P" "<ul><li><code>btag.ipynb</code></li><li><code>prep.sh</code></li></ul>"
has page-readme "$P" '<blockquote class="readme"><p>Hackathon version of the exercise.</p></blockquote>'
has page-last-activity "$P" "<dd><time datetime=\"$(day "$D4")\">$(day "$D4")</time><br><span class=\"muted\">3 contributors in the year before</span></dd>"
has page-collected "$P" "Collected ${PINNED}T22:13:20Z."
# A local repository: no link for the commit or files, no "open in".
hasnt local-no-commit-link "$P" "<a href=\"$M"/
hasnt local-no-file-links "$P" 'rel="noopener"><code>btag.ipynb'
hasnt local-no-open-in "$P" "Open in"
hasnt local-no-open-in-tag "$(page btagging)" "Open in"
has stale-warning "$(page uc-head)" "no commit for over two years"
hasnt recent-no-stale-warning "$P" "no commit for over two years"
has card-badge-reachable "$(card uc-subdir)" '<span class="badge badge-repo repo-reachable"'
has card-facet-reachable "$(card uc-subdir)" "repository:reachable\""
has card-badge-stale "$(card uc-head)" '<span class="badge badge-repo repo-stale"'
has card-facet-stale "$(card uc-head)" "repository:stale\""
hasnt card-no-repo-no-badge "$(card breast-density)" "badge-repo"
has catalogue-filter-reachable "$S/catalogue/index.html" 'id="f_repository_reachable" name="repository" value="reachable"'
has catalogue-filter-stale "$S/catalogue/index.html" 'id="f_repository_stale" name="repository" value="stale"'

# --- changes upstream, the second sync -------------------------------

echo "print(3)" >"$G/upd/run.py"
commit_at "$G/upd" "$D3" Bob "three"
UPD2=$(rev "$G/upd" main)
git_ -C "$G/force" reset -q --hard HEAD~1
echo "print('rewritten')" >"$G/force/run.py"
commit_at "$G/force" "$D3" Ann "rewritten"
FORCE2=$(rev "$G/force" main)
rm -rf "$G/del"
git_ -C "$G/vanish" branch -q -D feature
git_ -C "$M" tag -d vanishing >/dev/null

kb -C "$K" sync --jobs 2 >"$TMP/s2.out" 2>"$TMP/s2.err"
rc warnings-exit-0 $? 0 "$TMP/s2.err"
has warnings-shown "$TMP/s2.err" "warning"
has second-sync-summary "$TMP/s2.err" "warnings, 0 errors"
pexpect updated-branch uc-update commit "\"$UPD2\""
pexpect updated-author uc-update author '"Bob Builder"'
pexpect force-keeps-commit uc-force commit "\"$FORCE1\""
has force-reported "$TMP/s2.err" "uc-force.md: warning: history rewritten"
if [ $HAVE_MDB -eq 1 ]; then
	expect force-error-recorded "$(jstr "$(prov uc-force)" error | cut -c1-18)" "history rewritten:"
else skip force-error-recorded "no mdb_dump"; fi
pexpect deleted-keeps-commit uc-deleted commit "\"$DEL1\""
pexpect deleted-keeps-files uc-deleted files '["run.py"]'
pexpect deleted-unreachable uc-deleted unreachable_since "\"$PINNED\""
has deleted-reported "$TMP/s2.err" "uc-deleted.md: warning: fetch file://$G/del"
if [ $HAVE_MDB -eq 1 ]; then
	e=$(jstr "$(prov uc-deleted)" error)
	case $e in
	"fetch file://$G/del: "*) ok deleted-error-recorded ;;
	*) fail deleted-error-recorded "error is [$e]" ;;
	esac
else skip deleted-error-recorded "no mdb_dump"; fi
expect deleted-cache-kept "$(nrepos)" "$NURL"
pexpect vanished-keeps-commit uc-vanish commit "\"$VAN1\""
pexpect vanished-unreachable uc-vanish unreachable_since "\"$PINNED\""
has vanished-reported "$TMP/s2.err" "uc-vanish.md: warning: ref feature: no branch, tag or commit of that name"
pexpect vanished-tag-keeps-commit uc-tagvanish commit "\"$C2\""
has vanished-tag-reported "$TMP/s2.err" "uc-tagvanish.md: warning: ref vanishing: no branch, tag or commit of that name"
pexpect others-unchanged uc-branch commit "\"$C3\""
pexpect others-no-error uc-branch error null

kb -C "$K" sync --strict --jobs 8 >"$TMP/s3.out" 2>"$TMP/s3.err"
rc strict-exit-1 $? 1 "$TMP/s3.err"
pexpect strict-still-keeps uc-deleted commit "\"$DEL1\""
pexpect unreachable-since-kept uc-deleted unreachable_since "\"$PINNED\""

# The pages: the deleted repository, with its last good record.
build
rc build-after-failures $? 0 "$TMP/build.out"
P=$(page uc-deleted)
has page-unreachable "$P" "<strong>Unreachable since <time datetime=\"$PINNED\">$PINNED</time>.</strong> fetch file://$G/del"
has page-unreachable-old-commit "$P" "<code>$(echo "$DEL1" | cut -c1-12)</code>"
has card-badge-unreachable "$(card uc-deleted)" '<span class="badge badge-repo repo-unreachable"'
has card-facet-unreachable "$(card uc-deleted)" "repository:unreachable\""
has catalogue-filter-unreachable "$S/catalogue/index.html" 'id="f_repository_unreachable" name="repository" value="unreachable"'
has page-force-warning "$(page uc-force)" '<p class="note note-warn" role="note">history rewritten'
has page-force-old-commit "$(page uc-force)" "<code>$(echo "$FORCE1" | cut -c1-12)</code>"
has page-updated-commit "$(page uc-update)" "<code>$(echo "$UPD2" | cut -c1-12)</code>"

# --- an example missing at the commit --------------------------------

mkuc_ref uc-noexample "$M" - hackathon missing.ipynb
kb -C "$K" sync uc-noexample >"$TMP/s4.out" 2>"$TMP/s4.err"
rc missing-example-exit-1 $? 1 "$TMP/s4.err"
has missing-example-message "$TMP/s4.err" "uc-noexample.md: error: example \"missing.ipynb\" does not exist at commit $(echo "$C4" | cut -c1-12)"
pexpect missing-example-recorded uc-noexample example_exists false
pexpect missing-example-commit uc-noexample commit "\"$C4\""
mkuc_ref uc-nosubdir "$M" - nowhere btag.ipynb
kb -C "$K" sync uc-nosubdir >"$TMP/s4b.out" 2>"$TMP/s4b.err"
rc missing-subdir-exit-1 $? 1 "$TMP/s4b.err"
has missing-subdir-message "$TMP/s4b.err" "subdir \"nowhere\" does not exist"
rm -f "$U/uc-noexample.md" "$U/uc-nosubdir.md"

# --- sync SLUG, unknown slugs ----------------------------------------

echo "print(4)" >"$G/upd/run.py"
commit_at "$G/upd" "$D4" Ann "four"
UPD3=$(rev "$G/upd" main)
kb -C "$K" sync uc-head >"$TMP/s5.out" 2>"$TMP/s5.err"
rc slug-exit-0 $? 0 "$TMP/s5.err"
n=$(grep -c '^sync: \[' "$TMP/s5.err")
expect slug-one-repo "$n" 1 "$TMP/s5.err"
has slug-that-repo "$TMP/s5.err" "sync: [1/1] $T: fetched"
pexpect slug-others-untouched uc-update commit "\"$UPD2\""
kb -C "$K" sync uc-update uc-commit >"$TMP/s6.out" 2>"$TMP/s6.err"
rc slugs-exit-0 $? 0 "$TMP/s6.err"
pexpect slugs-updated uc-update commit "\"$UPD3\""
kb -C "$K" sync nope >"$TMP/s7.out" 2>"$TMP/s7.err"
rc unknown-slug-exit-2 $? 2 "$TMP/s7.err"
has unknown-slug-message "$TMP/s7.err" 'no use case "nope"'
kb -C "$K" sync breast-density >"$TMP/s8.out" 2>"$TMP/s8.err"
rc no-repository-slug-exit-2 $? 2 "$TMP/s8.err"

# --- offline: the cache only -----------------------------------------

echo "print(5)" >"$G/upd/run.py"
commit_at "$G/upd" "$D4" Ann "five"
kb -C "$K" sync --offline uc-update >"$TMP/s9.out" 2>"$TMP/s9.err"
rc offline-exit-0 $? 0 "$TMP/s9.err"
pexpect offline-uses-cache uc-update commit "\"$UPD3\""
has offline-says-cached "$TMP/s9.err" "sync: [1/1] $G/upd: cached"
git_ init -q "$G/never"
echo x >"$G/never/run.py"
commit_at "$G/never" "$D1" Ann "one"
mkuc_ref uc-never "$G/never" - - run.py
kb -C "$K" sync --offline uc-never >"$TMP/s10.out" 2>"$TMP/s10.err"
rc offline-uncollected-exit-0 $? 0 "$TMP/s10.err"
has offline-uncollected-warning "$TMP/s10.err" "not collected yet (--offline)"
expect offline-clones-nothing "$(nrepos)" "$NURL"
# What was known of an unreachable repository stays known offline.
kb -C "$K" sync --offline uc-deleted >"$TMP/s11.out" 2>"$TMP/s11.err"
pexpect offline-keeps-unreachable uc-deleted unreachable_since "\"$PINNED\""
if [ $HAVE_MDB -eq 1 ]; then
	e=$(jstr "$(prov uc-deleted)" error)
	case $e in
	"fetch file://$G/del: "*) ok offline-keeps-error ;;
	*) fail offline-keeps-error "error is [$e]" "$TMP/s11.err" ;;
	esac
else skip offline-keeps-error "no mdb_dump"; fi
rm -f "$U/uc-never.md"

# --- changing the ref ------------------------------------------------

# A new ref is a new choice, not a rewritten history: pinning uc-force
# to the rewritten commit, or uc-branch to an older tag, takes effect.
sed -i "s|^  ref: .*|  ref: $FORCE2|" "$U/uc-force.md"
kb -C "$K" sync uc-force >"$TMP/s12.out" 2>"$TMP/s12.err"
rc ref-changed-after-force-exit-0 $? 0 "$TMP/s12.err"
pexpect ref-changed-after-force uc-force commit "\"$FORCE2\""
sed -i "s|^  ref: .*|  ref: v1.0|; s|^example: .*|example: train.py|" "$U/uc-branch.md"
kb -C "$K" sync uc-branch >"$TMP/s13.out" 2>"$TMP/s13.err"
rc ref-changed-to-older-tag-exit-0 $? 0 "$TMP/s13.err"
pexpect ref-changed-to-older-tag uc-branch commit "\"$C1\""

# A record is for one URL: when the use case moves to another
# repository, the build does not show the old one's commit as pinned
# there (until the next sync describes the new one).
sed -i "s|^  url: .*|  url: $T|; s|^  ref: .*|  ref: trunk|" "$U/uc-update.md"
build
rc url-changed-build $? 0 "$TMP/build.out"
hasnt url-changed-no-old-commit "$(page uc-update)" "<code>$(echo "$UPD3" | cut -c1-12)</code>"
kb -C "$K" sync uc-update >"$TMP/s16.out" 2>"$TMP/s16.err"
rc url-changed-sync $? 0 "$TMP/s16.err"
pexpect url-changed-new-record uc-update commit "\"$T2\""

# --- the terminal: a live progress line -------------------------------

if command -v script >/dev/null 2>&1 &&
    script -qec true /dev/null >/dev/null 2>&1; then
	script -qec "timeout 60 '$KBGEN' -C '$K' sync uc-head" /dev/null \
	    >"$TMP/tty.out" 2>&1
	if grep -q "$(printf '\033')\[K\[[0-9]*/1\] " "$TMP/tty.out"; then
		ok tty-live-line
	else fail tty-live-line "no live line" "$TMP/tty.out"; fi
else
	skip tty-live-line "no script(1)"
fi

# --- credentials, 404, refused connections; the token stays secret ---

TOKEN=kbgenSECRETtoken4242
cat >"$TMP/srv.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        auth = "auth" if self.headers.get("Authorization") else "noauth"
        with open(sys.argv[2], "a") as f:
            f.write("%s %s\n" % (auth, self.path))
        if self.path.startswith("/auth/"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="kb"')
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_POST = do_GET
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
EOF
# A port that refuses connections: bound, then closed.
RPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
: >"$TMP/srv.log"
if [ -n "$PY" ]; then
	"$PY" "$TMP/srv.py" "$TMP/port" "$TMP/srv.log" &
	SRV=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fi
if [ -s "$TMP/port" ] && [ -n "$RPORT" ]; then
	PORT=$(cat "$TMP/port")
	mkuc_ref uc-auth "http://127.0.0.1:$PORT/auth/repo.git" - - run.py
	mkuc_ref uc-404 "http://127.0.0.1:$PORT/missing/repo.git" - - run.py
	mkuc_ref uc-refused "https://127.0.0.1:$RPORT/repo.git" main - run.py
	KBGEN_GIT_TOKEN=$TOKEN kb -C "$K" sync uc-auth uc-404 uc-refused \
	    >"$TMP/s14.out" 2>"$TMP/s14.err"
	rc net-failures-exit-0 $? 0 "$TMP/s14.err"
	has token-was-offered "$TMP/srv.log" "auth /auth/repo.git"
	has auth-reported "$TMP/s14.err" "uc-auth.md: warning: clone http://127.0.0.1:$PORT/auth/repo.git: authentication failed (token refused)"
	has 404-reported "$TMP/s14.err" "uc-404.md: warning: clone http://127.0.0.1:$PORT/missing/repo.git: "
	has refused-reported "$TMP/s14.err" "uc-refused.md: warning: clone https://127.0.0.1:$RPORT/repo.git: "
	pexpect auth-unreachable uc-auth unreachable_since "\"$PINNED\""
	pexpect 404-unreachable uc-404 unreachable_since "\"$PINNED\""
	pexpect refused-unreachable uc-refused unreachable_since "\"$PINNED\""
	pexpect refused-no-commit uc-refused commit ""
	expect net-failures-clone-nothing "$(ls "$C/repos" | wc -l)" "$NURL"
	if ls -d "$C"/repos/*.part >/dev/null 2>&1; then
		fail net-failures-no-part "a .part folder was left behind"
	else ok net-failures-no-part; fi
	kb -C "$K" sync uc-auth >"$TMP/s15.out" 2>"$TMP/s15.err"
	has auth-no-token "$TMP/s15.err" "authentication required (no token given)"
	: >"$TMP/srv.log"
	build
	rc build-net-failures $? 0 "$TMP/build.out"
	if [ -s "$TMP/srv.log" ]; then
		fail build-never-fetches "the server was contacted" "$TMP/srv.log"
	else ok build-never-fetches; fi
	has page-never-synced-unreachable "$(page uc-refused)" "Unreachable since"
	has card-facet-refused "$(card uc-refused)" "repository:unreachable\""
	if grep -qF "$TOKEN" "$TMP"/s*.err "$TMP"/s*.out; then
		fail token-not-in-messages "found" "$TMP/s14.err"
	else ok token-not-in-messages; fi
	if grep -qaF "$TOKEN" "$C/data.mdb"; then
		fail token-not-in-lmdb "found in .kbgen/data.mdb"
	else ok token-not-in-lmdb; fi
	if grep -rqaF "$TOKEN" "$C"; then
		fail token-not-in-cache "found under .kbgen"
	else ok token-not-in-cache; fi
	if grep -rqaF "$TOKEN" "$S"; then
		fail token-not-in-site "found in site/"
	else ok token-not-in-site; fi
	rm -f "$U/uc-auth.md" "$U/uc-404.md" "$U/uc-refused.md"
else
	for n in net-failures token-not-in-messages token-not-in-lmdb \
	    token-not-in-site build-never-fetches; do
		skip "$n" "no python3 for the local HTTP server"
	done
fi

# --- time limits: hosts that never answer (gitstream.c) ---------------

# One server accepts connections and never answers; another port has a
# full accept queue, so that a connect to it hangs.  With
# KBGEN_GIT_TIMEOUT=2 each gives up in about 2 s (libgit2 alone waits two
# minutes for the connect and for ever for the answer).
cat >"$TMP/stall.py" <<'EOF'
import os, socket, sys
a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen(16)
b = socket.socket(); b.bind(("127.0.0.1", 0)); b.listen(0)
fill = []
for i in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(b.getsockname())
    except BlockingIOError: pass
    fill.append(c)
open(sys.argv[1] + ".tmp", "w").write("%d %d" % (a.getsockname()[1], b.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    conn, _ = a.accept(); held.append(conn)
EOF
STALL=
if [ -n "$PY" ]; then
	"$PY" "$TMP/stall.py" "$TMP/stallports" &
	STALL=$!
	i=0
	while [ ! -s "$TMP/stallports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fi
if [ -s "$TMP/stallports" ]; then
	read SP HP <"$TMP/stallports"
	mkuc_ref uc-silent "http://127.0.0.1:$SP/silent/repo.git" - - run.py
	mkuc_ref uc-blackhole "https://127.0.0.1:$HP/hole/repo.git" - - run.py
	t0=$(date +%s)
	KBGEN_GIT_TIMEOUT=2 kb -C "$K" sync uc-silent uc-blackhole \
	    >"$TMP/s20.out" 2>"$TMP/s20.err"
	rc timeout-exit-0 $? 0 "$TMP/s20.err"
	t1=$(date +%s)
	if [ $((t1 - t0)) -le 20 ]; then ok timeout-gives-up
	else fail timeout-gives-up "sync took $((t1 - t0)) s"; fi
	has timeout-silent-reported "$TMP/s20.err" "uc-silent.md: warning: clone http://127.0.0.1:$SP/silent/repo.git: 127.0.0.1 stopped answering: nothing in 2 s"
	has timeout-connect-reported "$TMP/s20.err" "uc-blackhole.md: warning: clone https://127.0.0.1:$HP/hole/repo.git: cannot connect to 127.0.0.1 port $HP: no answer in 2 s"
	pexpect timeout-silent-unreachable uc-silent unreachable_since "\"$PINNED\""
	pexpect timeout-blackhole-unreachable uc-blackhole unreachable_since "\"$PINNED\""
	rm -f "$U/uc-silent.md" "$U/uc-blackhole.md"
else
	skip timeout-gives-up "no python3 for the test servers"
fi
[ -z "$STALL" ] || kill "$STALL" 2>/dev/null
KBGEN_GIT_TIMEOUT=soon kb -C "$K" sync uc-branch >"$TMP/s21.out" 2>"$TMP/s21.err"
rc timeout-bad-value-exit-1 $? 1 "$TMP/s21.err"
has timeout-bad-value-reported "$TMP/s21.err" "KBGEN_GIT_TIMEOUT=soon: want a number of seconds from 1 to 86400"

# A whole fetch over git:// (git daemon) goes through the same stream.
GDP=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
if [ -n "$GDP" ] && git daemon --help >/dev/null 2>&1; then
	git daemon --base-path="$G" --export-all --reuseaddr \
	    --listen=127.0.0.1 --port="$GDP" >"$TMP/gd.log" 2>&1 &
	GD=$!
	i=0
	while ! git ls-remote "git://127.0.0.1:$GDP/main" >/dev/null 2>&1 &&
	    [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	mkuc_ref uc-daemon "git://127.0.0.1:$GDP/main" - hackathon btag.ipynb
	KBGEN_GIT_TIMEOUT=5 kb -C "$K" sync uc-daemon >"$TMP/s22.out" 2>"$TMP/s22.err"
	rc daemon-exit-0 $? 0 "$TMP/s22.err"
	pexpect daemon-commit uc-daemon commit "\"$C4\""
	pexpect daemon-no-error uc-daemon error null
	kill "$GD" 2>/dev/null
	rm -f "$U/uc-daemon.md"
else
	skip daemon-commit "no git daemon"
fi

# --- a known host: commit links and "open in" buttons -----------------

# Github cannot be fetched here: the record is written into LMDB as
# kbgen sync would have written it, and only built.
if command -v mdb_load >/dev/null 2>&1; then
	GH=https://github.com/example/jets.git
	mkuc_ref uc-github "$GH" main notebooks train.ipynb
	printf ' uc-github\n {"commit":"%s","commit_date":"2023-05-01","author":"Ann Author","last_activity":"2023-05-01","contributors_year":1,"subdir_exists":true,"example_exists":true,"files":["train.ipynb"],"license":"LICENSE","readme":null,"url":"%s","ref":"main","subdir":"notebooks","example":"train.ipynb","fetched_at":"2023-11-14T22:13:20Z","error":null,"unreachable_since":null}\n' \
	    "$C4" "$GH" >"$TMP/gh.txt"
	{ printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n'
	  cat "$TMP/gh.txt"; printf 'DATA=END\n'; } >"$TMP/gh.dump"
	if mdb_load -f "$TMP/gh.dump" -s provenance "$C" 2>"$TMP/gh.err"; then
		build
		rc build-github $? 0 "$TMP/build.out"
		P=$(page uc-github)
		has github-commit-link "$P" "<a href=\"https://github.com/example/jets/commit/$C4\" rel=\"noopener\"><code>$short</code></a>"
		has github-file-link "$P" "<a href=\"https://github.com/example/jets/blob/$C4/train.ipynb\" rel=\"noopener\"><code>train.ipynb</code></a>"
		has github-open-in "$P" "<a class=\"button\" href=\"https://colab.research.google.com/github/example/jets/blob/$C4/notebooks/train.ipynb\" rel=\"noopener\">Open in Colab</a>"
		hasnt local-still-no-open-in "$(page uc-subdir)" "Open in"
	else
		fail github-inject "mdb_load failed" "$TMP/gh.err"
	fi
else
	skip github-open-in "no mdb_load"
fi

finish
