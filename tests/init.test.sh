#!/bin/sh
# kbgen init: a new knowledge base that lints clean and builds at once,
# editor schemas its files name, and CI recipes for the content
# repository.  The recipes are valid YAML (python3-yaml) and run what
# they must: GitHub's workflow is run here step by step by tests/ci.py
# (there is no runner here: steps that use actions/* -- checkout, cache,
# Pages upload and deploy -- are skipped and said so, the test doing the
# checkout itself; kbgen is "installed" from the build under test, a
# link on PATH, so the install step finds it), as a pull request that
# changes one example (lint, then sync and check of that example only),
# one that changes none, one with a content error (the lint step fails),
# and a push to the default branch (the site built into public/).
# GitLab's recipe is run the same way (tests/ci.py gitlab; rules' if:
# evaluated, changes: taken as true): a merge request and the default
# branch.  Refused: a folder that is not empty, a file.
KBGEN=${KBGEN:-$PWD/kbgen}
PY=/usr/bin/python3
TOP=$PWD
TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1700000000
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
# Examples run as nobody when we are root: open the folders above them.
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"
unset GIT_DIR GIT_WORK_TREE KBGEN_GIT_TOKEN 2>/dev/null
mkdir -p "$TMP/home"
HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config GIT_CONFIG_NOSYSTEM=1
export HOME XDG_CONFIG_HOME GIT_CONFIG_NOSYSTEM
if ! $PY -c 'import jsonschema, yaml' 2>/dev/null; then
	fail deps "python3-jsonschema and python3-yaml missing (run tests/deps-test.sh)"
	finish
fi
K=$TMP/kb

# --- init, lint, build ------------------------------------------------------------
"$KBGEN" init "$K" >"$TMP/out" 2>"$TMP/err"
rc "init: exit 0" $? 0 "$TMP/err"
expect "init: message" "$(cat "$TMP/out")" \
    "kbgen: a new knowledge base in $K; next: kbgen -C $K build (README.md says more)"
expect "init: the files" "$(cd "$K" && find . -type f | LC_ALL=C sort)" \
"./.github/workflows/kbgen.yml
./.gitignore
./.gitlab-ci.yml
./README.md
./content/people/maintainer.md
./content/site.yaml
./content/taxonomy.yaml
./content/usecases/digits-cnn.md
./schemas/hackathon.schema.json
./schemas/page.schema.json
./schemas/person.schema.json
./schemas/seminars.schema.json
./schemas/site.schema.json
./schemas/taxonomy.schema.json
./schemas/usecase.schema.json"
"$KBGEN" -C "$K" lint --strict >"$TMP/lint" 2>&1
rc "init: lint --strict passes" $? 0 "$TMP/lint"
"$KBGEN" -C "$K" build >"$TMP/build" 2>&1
rc "init: build passes" $? 0 "$TMP/build"
for p in index.html usecases/digits-cnn/index.html people/maintainer/index.html; do
	[ -f "$K/site/$p" ] && ok "init: site/$p" ||
	    fail "init: site/$p" "not built" "$TMP/build"
done
"$KBGEN" -C "$K" schema usecase >"$TMP/uc.json"
cmp -s "$TMP/uc.json" "$K/schemas/usecase.schema.json" &&
    ok "init: schemas/ holds kbgen schema's output for the new taxonomy" ||
    fail "init: schemas/ holds kbgen schema's output" "differs"
missing=
for f in $(cd "$K" && grep -rl 'yaml-language-server: \$schema=' content); do
	s=$(sed -n 's/^# yaml-language-server: \$schema=//p' "$K/$f")
	[ -f "$(dirname "$K/$f")/$s" ] || missing="$missing $f:$s"
done
expect "init: every schema comment names a schema file" "$missing" ""
expect "init: files with a schema comment" \
    "$(cd "$K" && grep -rl 'yaml-language-server: \$schema=' content | wc -l)" 4
$PY tests/schema.py "$K/schemas" "$K" >"$TMP/v" 2>&1
rc "init: its files validate against its schemas" $? 0 "$TMP/v"
"$KBGEN" -C "$K" new usecase second --title Second >/dev/null 2>&1
has "init: kbgen new lists the new taxonomy" "$K/content/usecases/second.md" \
    "#   CNN, MLP"
rm -f "$K/content/usecases/second.md"
rm -rf "$K/site" "$K/.kbgen"

# --- refusals -----------------------------------------------------------------------
cp -r "$K" "$TMP/before"
"$KBGEN" init "$K" >"$TMP/out" 2>"$TMP/err"
rc "init-used: a folder that is not empty, exit 1" $? 1 "$TMP/err"
expect "init-used: message" "$(cat "$TMP/err")" \
    "kbgen: init: $K is not empty; kbgen init writes only into a new or empty folder"
diff -r "$TMP/before" "$K" >/dev/null && ok "init-used: nothing changed" ||
    fail "init-used: nothing changed" "the folder changed"
mkdir "$TMP/dot" && touch "$TMP/dot/.hidden"
"$KBGEN" init "$TMP/dot" >"$TMP/out" 2>"$TMP/err"
rc "init-used: a hidden file is content too" $? 1 "$TMP/err"
touch "$TMP/file"
"$KBGEN" init "$TMP/file" >"$TMP/out" 2>"$TMP/err"
rc "init-file: exit 1" $? 1 "$TMP/err"
expect "init-file: message" "$(cat "$TMP/err")" \
    "kbgen: init: $TMP/file exists and is not a folder"
mkdir "$TMP/empty"
"$KBGEN" init "$TMP/empty" >"$TMP/out" 2>"$TMP/err"
rc "init-empty: an empty folder is fine" $? 0 "$TMP/err"
"$KBGEN" -C "$TMP" init sub/kb2 >"$TMP/out" 2>"$TMP/err"
rc "init-C: a new folder below -C" $? 0 "$TMP/err"
[ -f "$TMP/sub/kb2/content/site.yaml" ] && ok "init-C: made there" ||
    fail "init-C: made there" "no $TMP/sub/kb2/content/site.yaml"
"$KBGEN" init >"$TMP/out" 2>"$TMP/err"
rc "init-args: no folder exits 2" $? 2 "$TMP/err"

# --- the recipes: valid YAML, the commands ----------------------------------------------
GH=$K/.github/workflows/kbgen.yml
GL=$K/.gitlab-ci.yml
$PY - "$GH" "$GL" >"$TMP/yaml" 2>&1 <<'PYEOF'
import sys, yaml
gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
def runs(job):
    return "\n".join(s.get("run", "") for s in job["steps"])
on = gh.get("on", gh.get(True))
print("ok github-yaml: parses; triggers", sorted(on))
assert "pull_request" in on and "push" in on
l, p = gh["jobs"]["lint"], gh["jobs"]["pages"]
assert l["if"] == "github.event_name == 'pull_request'"
assert "kbgen lint --strict" in runs(l)
assert "kbgen check --changed --strict $slugs" in runs(l)
assert "kbgen build --strict -o public" in runs(p)
assert "github.ref_name == github.event.repository.default_branch" in p["if"]
assert [s["uses"].split("@")[0] for s in p["steps"] if "uses" in s] == \
    ["actions/checkout", "actions/upload-pages-artifact", "actions/deploy-pages"]
print("ok github-yaml: lint and check on pull requests, build and Pages on the default branch")
for j in ("lint", "check", "pages"):
    assert j in gl, j
assert gl["lint"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
assert gl["check"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
assert "kbgen lint --strict" in gl["lint"]["script"]
assert "kbgen check --changed --strict $slugs" in "\n".join(gl["check"]["script"])
assert gl["pages"]["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
assert "kbgen build --strict -o public" in gl["pages"]["script"]
assert gl["pages"]["artifacts"]["paths"] == ["public"]
print("ok gitlab-yaml: lint and check on merge requests, the pages job with public/ on the default branch")
PYEOF
tally "$TMP/yaml"
grep -q '^ok gitlab-yaml' "$TMP/yaml" || fail "recipes-yaml" "see above" "$TMP/yaml"

# --- run them: a content repository with an origin ---------------------------------------
# kbgen "installed" from the build: on PATH, so the install steps skip
# building it.
mkdir -p "$TMP/bin" "$TMP/runner"
ln -s "$KBGEN" "$TMP/bin/kbgen"
PATH=$TMP/bin:$PATH
export PATH
# An example repository with a script that passes.
E=$TMP/example
mkdir -p "$E" && (cd "$E" && git_ init -q && echo 'echo hello from the example' \
    >hello.sh && git_ add . && git_ commit -q -m example)
printf 'sync: {allow_local: true}\n' >>"$K/content/site.yaml"
(cd "$K" && git_ init -q && git_ add -A && git_ commit -q -m init &&
    git_ clone -q --bare . "$TMP/origin.git" && git_ remote add origin \
    "$TMP/origin.git" && git_ fetch -q origin)
W=$K
# gh EVENT NAME [ENV...]: run the workflow for EVENT in $W, output in $TMP/NAME
gh() {
	ev=$1 n=$2
	shift 2
	(cd "$W" && env GITHUB_EVENT_NAME="$ev" GITHUB_BASE_REF=main \
	    DEFAULT_BRANCH=main RUNNER_TEMP="$TMP/runner" "$@" \
	    $PY "$TOP/tests/ci.py" github "$GH") >"$TMP/$n" 2>&1
}
# A pull request that adds a use case with an example and edits another
# without one: only the example is synced and checked.
(cd "$W" && git_ checkout -q -b feature && cat >content/usecases/hello.md <<UEOF &&
---
title: Hello
summary: Says hello.
technologies: [CNN]
fields: [HEP]
tools: [Keras]
kind: demo
contacts: [maintainer]
repository:
  url: $E
example: hello.sh
---
Hello.
UEOF
    sed -i 's/^kind: tutorial/kind: demo/' content/usecases/digits-cnn.md &&
    git_ add -A && git_ commit -q -m "two use cases")
gh pull_request pr GITHUB_REF_NAME=feature
rc "github-pr: the workflow passes" $? 0 "$TMP/pr"
expect "github-pr: jobs and steps" "$(grep -v '^kbgen\|^check:\|^sync:\|^hello\|: warning: ' "$TMP/pr")" \
"job lint
skip actions/checkout@v4: uses actions/checkout@v4 (needs GitHub's runner)
run Install kbgen
run Lint
skip actions/cache@v4: uses actions/cache@v4 (needs GitHub's runner)
run Check the examples this pull request changes
job pages: not run (if: github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch)"
has "github-pr: only the changed example was checked, and passed" "$TMP/pr" \
    "kbgen: checked 1 example in"
has "github-pr: the example is hello" "$TMP/pr" "check: [1/1] hello: pass"
# A pull request that changes no example.
(cd "$W" && git_ checkout -q main && git_ checkout -q -b docs &&
    sed -i 's/^title: Handwritten/title: Hand-written/' \
    content/usecases/digits-cnn.md && git_ commit -q -am docs)
gh pull_request pr2 GITHUB_REF_NAME=docs
rc "github-pr-none: passes" $? 0 "$TMP/pr2"
has "github-pr-none: nothing to check" "$TMP/pr2" "kbgen: no example changed"
# A pull request with a content error fails at the lint step.
(cd "$W" && git_ checkout -q -b broken && sed -i 's/^kind: .*/kind: tutorail/' \
    content/usecases/digits-cnn.md && git_ commit -q -am broken)
gh pull_request pr3 GITHUB_REF_NAME=broken
rc "github-pr-error: the workflow fails" $? 1 "$TMP/pr3"
has "github-pr-error: at the lint step" "$TMP/pr3" "failed Lint: exit 1"
has "github-pr-error: saying why" "$TMP/pr3" \
    'digits-cnn.md:8:7: error: "kind" must be one of'
# The default branch: build into public/.
(cd "$W" && git_ checkout -q main && rm -rf public)
gh push push GITHUB_REF_NAME=main
rc "github-push: passes" $? 0 "$TMP/push"
expect "github-push: jobs and steps" "$(grep '^job\|^run\|^skip' "$TMP/push")" \
"job lint: not run (if: github.event_name == 'pull_request')
job pages
skip actions/checkout@v4: uses actions/checkout@v4 (needs GitHub's runner)
run Install kbgen
run Build
skip actions/upload-pages-artifact@v3: uses actions/upload-pages-artifact@v3 (needs GitHub's runner)
skip actions/deploy-pages@v4: uses actions/deploy-pages@v4 (needs GitHub's runner)"
[ -f "$W/public/index.html" ] && ok "github-push: the site in public/" ||
    fail "github-push: the site in public/" "no public/index.html" "$TMP/push"
gh push push2 GITHUB_REF_NAME=feature
expect "github-push-branch: another branch builds nothing" \
    "$(grep -c '^run' "$TMP/push2")" 0 "$TMP/push2"
# Without kbgen on PATH, the install step needs KBGEN_GIT.
(cd "$W" && env -u KBGEN PATH=/usr/bin:/bin GITHUB_EVENT_NAME=push \
    GITHUB_REF_NAME=main DEFAULT_BRANCH=main RUNNER_TEMP="$TMP/runner" \
    $PY "$TOP/tests/ci.py" github "$GH") >"$TMP/noinst" 2>&1
rc "github-install: no kbgen and no KBGEN_GIT fails" $? 1 "$TMP/noinst"
has "github-install: saying so" "$TMP/noinst" \
    "kbgen: set KBGEN_GIT in this workflow (where kbgen is built from)"

# GitLab: a merge request from feature, then the default branch.
gl() {
	n=$1
	shift
	(cd "$W" && env "$@" $PY "$TOP/tests/ci.py" gitlab "$GL") >"$TMP/$n" 2>&1
}
rm -rf "$W/.kbgen" "$W/public"
(cd "$W" && git_ checkout -q feature)
base=$(cd "$W" && git merge-base main feature)
gl mr CI_PIPELINE_SOURCE=merge_request_event CI_COMMIT_BRANCH= \
    CI_DEFAULT_BRANCH=main CI_MERGE_REQUEST_DIFF_BASE_SHA="$base"
rc "gitlab-mr: passes" $? 0 "$TMP/mr"
expect "gitlab-mr: jobs" "$(grep '^job\|^run' "$TMP/mr")" "job lint
run lint
job check
run check
job pages: not run (rules)"
has "gitlab-mr: the changed example checked" "$TMP/mr" "check: [1/1] hello: pass"
(cd "$W" && git_ checkout -q main)
gl main CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main
rc "gitlab-main: passes" $? 0 "$TMP/main"
expect "gitlab-main: jobs" "$(grep '^job\|^run' "$TMP/main")" "job lint: not run (rules)
job check: not run (rules)
job pages
run pages"
[ -f "$W/public/index.html" ] && ok "gitlab-main: the site in public/" ||
    fail "gitlab-main: the site in public/" "no public/index.html" "$TMP/main"

# What builds leave (site/, the kept site.prev, .kbgen/) is ignored by
# git: after a build, an edit and another build, git sees only the edit.
"$KBGEN" init "$TMP/ign" >/dev/null 2>&1
(cd "$TMP/ign" && git_ init -q && git_ add -A && git_ commit -q -m init)
"$KBGEN" -q -C "$TMP/ign" build >/dev/null 2>&1
f=$(cd "$TMP/ign" && ls content/usecases/*.md | head -1)
echo "An edit." >>"$TMP/ign/$f"
"$KBGEN" -q -C "$TMP/ign" build >/dev/null 2>&1
[ -d "$TMP/ign/site.prev" ] || fail "gitignore: site.prev made" "no site.prev after an edit"
expect "gitignore: builds leave nothing for git" \
    "$(cd "$TMP/ign" && git status --porcelain)" " M $f"
finish
