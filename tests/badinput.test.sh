#!/bin/sh
# Bad input that needs more than one file or its own set-up gets a clear
# error with path:line:col, a non-zero exit, and the published site
# stays byte-for-byte as it was.  (One bad file with its exact
# diagnostics is a pair in tests/regress/, run by tests/regress.test.sh.)
#
# Here: a slug twice and errors in two files (each case copies the
# fixture knowledge base, builds it once, breaks it, builds again and
# checks the message, the exit status and the site); an unknown key, a
# warning that --strict makes an error, and so is a language with no
# stemmer; no content folder; usage errors
# (exit 2); the good forms of the keys that say how an example runs
# (site.yaml environments and runners, a use case's run section,
# tests/fixtures/badinput), which lint clean with --strict, and an
# environment renamed in two files; kbgen build and kbgen check stop
# on the same error as lint.  A requirements file missing at the commit
# kbgen sync pinned needs a synced repository: one is made here with
# git and named by path.  Last, a full disk.
#
# Ends with "N passed, N failed, N skipped"; exits non-zero when any
# case failed.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
BAD=$PWD/tests/fixtures/badinput
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

. "$PWD/tests/lib.sh"

# case NAME EXPECTED-STATUS EXPECTED-TEXT SCRIPT
# SCRIPT runs in the copy's content/ folder to break it.
case_() {
	name=$1 want_rc=$2 want=$3 script=$4
	d=$TMP/$name
	cp -r "$FIX" "$d"
	if ! "$KBGEN" -q -C "$d" build 2>"$d.err0"; then
		fail "$name" "the fixture does not build" "$d.err0"
		return
	fi
	snapshot "$d/site" >"$d.before"
	(cd "$d/content" && eval "$script")
	"$KBGEN" -C "$d" build >"$d.out" 2>"$d.err"
	rc=$?
	snapshot "$d/site" >"$d.after"
	if [ "$rc" -ne "$want_rc" ]; then
		fail "$name" "exit $rc, want $want_rc" "$d.err"
	elif ! grep -qF -- "$want" "$d.err"; then
		fail "$name" "message not found: $want" "$d.err"
	elif ! cmp -s "$d.before" "$d.after"; then
		fail "$name" "site/ changed"
	elif ls -d "$d"/site.new* >/dev/null 2>&1; then
		fail "$name" "a site.new folder was left behind"
	else
		ok "$name"
	fi
}

U=usecases/btagging.md

case_ duplicate-slug 1 \
    "error: duplicate use case slug \"btagging\"" \
    "mkdir -p usecases/old && cp $U usecases/old/btagging.md"
case_ all-errors-reported 1 \
    "2 errors" \
    "sed -i 's/^contacts: .*/contacts: [nobody]/' $U; sed -i 's/^tools: .*/tools: [Kras]/' usecases/jet-gnn.md"

# An unknown key is only a warning without --strict: the build succeeds.
d=$TMP/unknown-key-warn
cp -r "$FIX" "$d"
sed -i 's/^kind:/kind: demo\nkindd:/' "$d/content/usecases/jet-gnn.md"
if "$KBGEN" -C "$d" build 2>"$d.err" &&
    grep -qF 'content/usecases/jet-gnn.md:8:1: warning: unknown key "kindd" in use case; did you mean "kind"?' "$d.err"; then
	ok unknown-key-warning
else
	fail unknown-key-warning "no warning" "$d.err"
fi
if "$KBGEN" -C "$d" lint --strict 2>"$d.err2"; then
	fail unknown-key-lint-strict "exit 0"
elif grep -qF 'error: unknown key "kindd"' "$d.err2"; then
	ok unknown-key-lint-strict
else
	fail unknown-key-lint-strict "no error" "$d.err2"
fi

# A language with no stemmer: a warning at the value, the build goes on
# (the page indexed, not stemmed in it); lint --strict makes it an error.
d=$TMP/language-no-stemmer
cp -r "$FIX" "$d"
sed -i 's/^title: \(.*\)/title: \1\nlanguage: klingon/' "$d/content/pages/about.md"
want='content/pages/about.md:3:11: warning: language "klingon" has no stemmer: the search index does not stem in it'
if "$KBGEN" -C "$d" build 2>"$d.err" && grep -qF "$want" "$d.err" &&
    [ -f "$d/site/about/index.html" ]; then
	ok language-no-stemmer-warning
else
	fail language-no-stemmer-warning "want: $want" "$d.err"
fi
if "$KBGEN" -C "$d" lint --strict 2>"$d.err2"; then
	fail language-no-stemmer-lint-strict "exit 0"
elif grep -qF 'error: language "klingon" has no stemmer' "$d.err2"; then
	ok language-no-stemmer-lint-strict
else
	fail language-no-stemmer-lint-strict "no error" "$d.err2"
fi

# No content folder at all.
mkdir -p "$TMP/empty"
"$KBGEN" -C "$TMP/empty" build 2>"$TMP/empty.err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "content: error: no content folder here" "$TMP/empty.err"; then
	ok missing-content
else
	fail missing-content "exit $rc" "$TMP/empty.err"
fi

# Usage errors exit 2.
"$KBGEN" frobnicate 2>/dev/null; rc=$?
[ $rc -eq 2 ] && ok usage-unknown-command || fail usage-unknown-command "exit $rc"
"$KBGEN" build --bogus 2>/dev/null; rc=$?
[ $rc -eq 2 ] && ok usage-unknown-option || fail usage-unknown-option "exit $rc"
# An option of another command, or an argument to a command that takes
# none, is a usage error naming both (they were ignored: "lint --runner
# slurm --junit x" passed, "status x" said unknown command "status").
# Each runs in a copy of a knowledge base that lints clean, so exit 2
# is usage.
cp -R "$FIX" "$TMP/ukb"
usage_case() { # NAME WANT ARGS...
	n=$1 want=$2
	shift 2
	"$KBGEN" -C "$TMP/ukb" "$@" >"$TMP/usage.out" 2>"$TMP/usage.err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(head -1 "$TMP/usage.err")" = "$want" ]; then
		ok "$n"
	else
		fail "$n" "exit $rc, want 2 and: $want" "$TMP/usage.err"
	fi
}
usage_case usage-lint-runner "kbgen: lint: unexpected option --runner" \
    lint --runner slurm --junit x
usage_case usage-lint-junit "kbgen: lint: unexpected option --junit" \
    lint --junit x
usage_case usage-option-before-command \
    "kbgen: lint: unexpected option --offline" --offline lint
usage_case usage-build-json "kbgen: build: unexpected option --json" \
    build --json x -o "$TMP/never"
usage_case usage-build-hackathon \
    "kbgen: build: unexpected option --hackathon" build --hackathon h \
    -o "$TMP/never"
[ -e "$TMP/never" ] && fail usage-builds-nothing "$TMP/never made" ||
    ok usage-builds-nothing
usage_case usage-query-jobs "kbgen: query: unexpected option -j" \
    query -j 2 technology=CNN
usage_case usage-status-force "kbgen: status: unexpected option --force" \
    status --force
usage_case usage-sync-drafts "kbgen: sync: unexpected option --drafts" \
    sync --drafts --offline
usage_case usage-import-strict "kbgen: import: unexpected option --strict" \
    import indico http://127.0.0.1:9/x.json --strict
usage_case usage-check-templates \
    "kbgen: check: unexpected option --templates" check --templates x
usage_case usage-status-arg 'kbgen: status: unexpected argument "x"' \
    status x
usage_case usage-status-json-arg 'kbgen: status: unexpected argument "x"' \
    status --json x
usage_case usage-build-arg 'kbgen: build: unexpected argument "x"' build x
usage_case usage-help-arg 'kbgen: help: unexpected argument "x"' help x
# The options that do belong still work, before or after the command.
"$KBGEN" -C "$TMP/ukb" -q --strict lint >"$TMP/usage.out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok usage-lint-strict-before || fail usage-lint-strict-before \
    "exit $rc" "$TMP/usage.out"
"$KBGEN" -C "$TMP/ukb" lint -j 2 --strict -q >"$TMP/usage.out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok usage-lint-jobs || fail usage-lint-jobs "exit $rc" \
    "$TMP/usage.out"
"$KBGEN" --help | grep -q "kbgen query technology=CNN" && ok help || fail help "no example in --help"
"$KBGEN" --version | grep -Eq '^kbgen [0-9]+\.[0-9]+\.[0-9]+$' && ok version || fail version "not kbgen X.Y.Z"

# --- environments, runners and run sections --------------------------
#
# The base: the fixture knowledge base with tests/fixtures/badinput's
# site.yaml (every environments and runners key, in good forms) and
# three use cases whose run sections use every key (runs.md), the
# largest values (edges.md) and the smallest (low.md).  Each case
# changes a copy and runs kbgen lint, which must print the exact line
# path:line:col: error: ... and exit as told, with no job run.
B=$TMP/base
cp -r "$FIX" "$B"
cp "$BAD/site.yaml" "$B/content/site.yaml"
cp "$BAD/runs.md" "$BAD/edges.md" "$BAD/low.md" "$B/content/usecases/"
R=content/usecases/runs.md
E=content/usecases/edges.md
S=content/site.yaml
H=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# lint_case NAME EXPECTED-STATUS EXPECTED-LINE SCRIPT [LINT-ARGS]
# SCRIPT runs in the copy's root; EXPECTED-LINE is one whole line of
# kbgen's stderr with the copy's path removed.
lint_case() {
	name=$1 want_rc=$2 want=$3 script=$4
	d=$TMP/$name
	rm -rf "$d"
	cp -r "$B" "$d"
	(cd "$d" && eval "$script")
	"$KBGEN" -C "$d" lint $5 >"$d.out" 2>"$d.err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		fail "$name" "exit $rc, want $want_rc" "$d.err"
	elif ! grep -qxF -- "$d/$want" "$d.err"; then
		fail "$name" "line not found: $want" "$d.err"
	elif [ -e "$d/.kbgen/runs" ]; then
		fail "$name" "a job folder was made"
	else
		ok "$name"
	fi
}

# good NAME SCRIPT: the copy lints clean, quietly, even with --strict.
good() {
	d=$TMP/$1
	rm -rf "$d"
	cp -r "$B" "$d"
	(cd "$d" && eval "$2")
	"$KBGEN" -q -C "$d" lint --strict >"$d.out" 2>"$d.err"
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$d.err" ]; then
		fail "$1" "exit $rc, want 0 and no message" "$d.err"
	else
		ok "$1"
	fi
}

good good-forms :
good good-gpus-number "sed -i '20s/gpus: auto/gpus: 2/' $S"
good good-gpus-zero "sed -i '20s/gpus: auto/gpus: 0/' $S"
good good-gpus-list "sed -i '20s/gpus: auto/gpus: [0, 3, 63]/' $S"
good good-gpus-empty-list "sed -i '20s/gpus: auto/gpus: []/' $S"
good good-local-edges "sed -i '20s/.*/  local: {sandbox: none, jobs: 256, memory: 1M, max_file: 16T}/' $S"
good good-local-one-job "sed -i '20s/jobs: 2/jobs: 1/' $S"
good good-no-runners-environment "sed -i '16d' $S"
good good-bytes "sed -i '23s/.*/  memory: 1048576/' $R"
good good-lower-case-units "sed -i '23s/.*/  memory: 512m/; 18s/20G/20g/' $R"
good good-timeout-7d-in-hours "sed -i '22s/.*/  timeout: 168h/' $R"
good good-requirements-at-root "sed -i '15s/.*/  requirements: ..\/..\/requirements.txt/' $R"
good good-site-without-environments \
    "sed -i '6,13d; /^  environment:/d' $S; sed -i '/^  environment:/d' $R $E content/usecases/low.md"

# An environment renamed in site.yaml and in a use case.
lint_case environment-bad-name 1 \
    "$S:7:3: error: environment name \"Base\" must match [a-z0-9][a-z0-9_.-]* (lower-case letters, digits, '_', '.' and '-')" \
    "sed -i '7s/base:/Base:/; 16s/base/tf215/' $S; sed -i '/environment: base/d' content/usecases/low.md"

# kbgen build and kbgen check load content the same way: the same error,
# exit 1, nothing published, no job run.
d=$TMP/build-bad-run
cp -r "$B" "$d"
"$KBGEN" -q -C "$d" build 2>"$d.err0" || fail build-bad-run "the base does not build" "$d.err0"
snapshot "$d/site" >"$d.before"
sed -i '21s/1/65/' "$d/$R"
"$KBGEN" -C "$d" build >"$d.out" 2>"$d.err"
rc=$?
snapshot "$d/site" >"$d.after"
if [ $rc -eq 1 ] && grep -qxF "$d/$R:21:8: error: \"gpu\" must be a whole number from 0 to 64, not \"65\"" "$d.err" &&
    cmp -s "$d.before" "$d.after"; then
	ok build-bad-run
else
	fail build-bad-run "exit $rc" "$d.err"
fi
"$KBGEN" -C "$d" check >"$d.cout" 2>"$d.cerr"
rc=$?
if [ $rc -eq 1 ] && grep -qxF "$d/$R:21:8: error: \"gpu\" must be a whole number from 0 to 64, not \"65\"" "$d.cerr" &&
    [ ! -e "$d/.kbgen/runs" ]; then
	ok check-bad-run
else
	fail check-bad-run "exit $rc" "$d.cerr"
fi

# --- run.requirements at the pinned commit ---------------------------
#
# A repository made here with git, named by path, synced into the
# cache with kbgen sync (a local path: site.yaml allows it): the requirements
# file is looked for in the commit sync pinned, not in the work tree,
# so adding it upstream changes nothing until the next sync.
G=$TMP/pinned-git
P=$TMP/pinned
mkdir -p "$TMP/home"
git_pinned() {
	HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 git -c init.defaultBranch=main \
	    -c user.name=Test -c user.email=test@example.org "$@"
}
git_pinned init -q "$G" &&
    mkdir -p "$G/hackathon/notebooks" &&
    echo '{}' >"$G/hackathon/notebooks/train.ipynb" &&
    echo numpy >"$G/requirements.txt" &&
    git_pinned -C "$G" add -A && git_pinned -C "$G" commit -q -m one ||
    fail pinned-fixture "cannot make the repository"
cp -r "$B" "$P"
rm -f "$P/content/usecases/edges.md" "$P/content/usecases/low.md"
sed -i "10s|.*|  url: $G|" "$P/$R"
echo 'sync: {allow_local: true}' >>"$P/content/site.yaml"
"$KBGEN" -q -C "$P" lint 2>"$P.err0" && [ ! -s "$P.err0" ] &&
    ok pinned-not-synced-lints-clean ||
    fail pinned-not-synced-lints-clean "lint before sync" "$P.err0"
"$KBGEN" -q -C "$P" sync >"$P.sync" 2>&1 ||
    fail pinned-sync "kbgen sync failed" "$P.sync"
C1=$(git_pinned -C "$G" rev-parse HEAD | cut -c1-12)
"$KBGEN" -C "$P" lint >"$P.out" 2>"$P.err"
rc=$?
want="$P/$R:15:17: error: requirements file \"hackathon/notebooks/requirements.txt\" does not exist at commit $C1 of $G"
if [ $rc -eq 1 ] && grep -qxF "$want" "$P.err"; then
	ok pinned-requirements-missing
else
	fail pinned-requirements-missing "exit $rc, want 1 and: $want" "$P.err"
fi
"$KBGEN" -C "$P" build >"$P.bout" 2>"$P.berr"
rc=$?
if [ $rc -eq 1 ] && grep -qxF "$want" "$P.berr" && [ ! -e "$P/site" ]; then
	ok pinned-requirements-missing-build
else
	fail pinned-requirements-missing-build "exit $rc, want 1" "$P.berr"
fi
# Upstream gains the file; the pinned commit still lacks it.
echo numpy >"$G/hackathon/notebooks/requirements.txt"
git_pinned -C "$G" add -A && git_pinned -C "$G" commit -q -m two
"$KBGEN" -C "$P" lint >"$P.out" 2>"$P.err"
rc=$?
if [ $rc -eq 1 ] && grep -qxF "$want" "$P.err"; then
	ok pinned-requirements-upstream-only
else
	fail pinned-requirements-upstream-only "exit $rc, want 1" "$P.err"
fi
"$KBGEN" -q -C "$P" sync >"$P.sync" 2>&1 ||
    fail pinned-resync "kbgen sync failed" "$P.sync"
"$KBGEN" -q -C "$P" lint 2>"$P.err2" && [ ! -s "$P.err2" ] &&
    ok pinned-requirements-after-sync ||
    fail pinned-requirements-after-sync "lint after sync" "$P.err2"
# The repository's top, from the example's folder; a folder is no file.
sed -i '15s|.*|  requirements: ../../requirements.txt|' "$P/$R"
"$KBGEN" -q -C "$P" lint 2>"$P.err3" && [ ! -s "$P.err3" ] &&
    ok pinned-requirements-at-root ||
    fail pinned-requirements-at-root "lint" "$P.err3"
C2=$(git_pinned -C "$G" rev-parse HEAD | cut -c1-12)
sed -i '15s|.*|  requirements: ../notebooks|' "$P/$R"
"$KBGEN" -C "$P" lint >"$P.out" 2>"$P.err4"
rc=$?
want="$P/$R:15:17: error: requirements file \"hackathon/notebooks\" does not exist at commit $C2 of $G"
if [ $rc -eq 1 ] && grep -qxF "$want" "$P.err4"; then
	ok pinned-requirements-folder
else
	fail pinned-requirements-folder "exit $rc, want 1 and: $want" "$P.err4"
fi

# --- a full disk ---------------------------------------------------------
#
# A write of the build that fails (here a file size limit of 200 KiB,
# the shell's ulimit -f, under which three pages of 400 KB cannot be
# written; a full disk fails the same way) stops the build with one
# message, not one per file; exit 1; the published site stays as it
# was and no build folder is left behind.  The first write to fail may
# be the store's (.kbgen/, which keeps the parsed front matter before
# the pages are made) or a page's.
F=$TMP/full
cp -R "$FIX" "$F"
rm -rf "$F/site" "$F/.kbgen"
big() { # N: a use case whose page is about 400 KB
	{
		printf -- '---\ntitle: Big %s\nsummary: A long one.\n' "$1"
		printf 'technologies: [CNN]\nfields: [HEP]\ntools: [Keras]\n'
		printf 'kind: tutorial\ncontacts: [ada-rossi]\n'
		printf 'added: 2022-01-01\n---\n'
		awk 'BEGIN { for (i = 0; i < 6000; i++)
		    printf "Paragraph %d of a long body to pad.\n\n", i }'
	} >"$F/content/usecases/big-$1.md"
}
big 1; big 2; big 3
"$KBGEN" -q -C "$F" build >"$F.out" 2>&1 ||
    fail full-disk-first-build "the first build failed" "$F.out"
snapshot "$F/site" >"$F.before"
for i in 1 2 3; do echo "Changed." >>"$F/content/usecases/big-$i.md"; done
sh -c 'ulimit -f 400 && exec "$0" -C "$1" build' "$KBGEN" "$F" \
    >"$F.out" 2>"$F.err"
rc=$?
snapshot "$F/site" >"$F.after"
n=$(grep -c "File too large" "$F.err")
if [ $rc -eq 1 ] && [ "$n" -eq 1 ] && [ "$(wc -l <"$F.err")" -eq 2 ] &&
    grep -q -e "^$F/site.new-[0-9]*/usecases/big-[123]/index.html: cannot write: File too large\$" \
    -e "^$F/.kbgen: mdb_txn_commit: File too large\$" "$F.err" &&
    grep -qxF "kbgen: 1 error; nothing published, the site is as it was" "$F.err"; then
	ok full-disk-one-message
else
	fail full-disk-one-message "exit $rc, $n write errors, want 1 and 1" \
	    "$F.err"
fi
cmp -s "$F.before" "$F.after" && ok full-disk-site-unchanged ||
    fail full-disk-site-unchanged "the published site changed"
left=$(ls -d "$F"/site.new-* 2>/dev/null)
[ -z "$left" ] && ok full-disk-no-build-folder ||
    fail full-disk-no-build-folder "left: $left"
# With room again the same build publishes.
"$KBGEN" -q -C "$F" build >"$F.out" 2>&1 &&
    grep -q "Changed." "$F/site/usecases/big-1/index.html" &&
    ok full-disk-then-builds || fail full-disk-then-builds "exit $?" "$F.out"

finish
