#!/bin/sh
# Bad input gets a clear error with path:line:col, a non-zero exit, and
# the published site stays byte-for-byte as it was.  Each case copies
# the fixture knowledge base, builds it once, breaks one thing, builds
# again and checks the message, the exit status and the site.
#
# Then the keys that say how an example runs (site.yaml environments
# and runners, a use case's run section, tests/fixtures/badinput): each
# bad value is one case that asserts the exact line
# "path:line:col: error: message" and the exit status of kbgen lint,
# and that no job folder was made; the good forms lint clean with
# --strict.  kbgen build and kbgen check stop on the same error.  A
# requirements file missing at the commit kbgen sync pinned needs a
# synced repository: one is made here with git and named by path.
#
# Ends with "N passed, N failed"; exits non-zero when any case failed.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
BAD=$PWD/tests/fixtures/badinput
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

PASS=0 FAILS=0
ok() { echo "ok $1"; PASS=$((PASS + 1)); }
# fail NAME WHY [FILE...]: the files are shown indented
fail() {
	echo "FAIL $1: $2"
	FAILS=$((FAILS + 1))
	shift 2
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/    /' "$f" | head -30
	done
}

snapshot() {
	(cd "$1" && find . -type f | sort | xargs sha1sum)
}

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

case_ malformed-yaml 1 \
    "content/usecases/btagging.md:4:13: error: did not find expected ',' or ']'" \
    "sed -i 's/^summary: .*/summary: [unclosed/' $U"
case_ unclosed-front-matter 1 \
    "content/usecases/btagging.md:1:1: error: front matter opened here is not closed" \
    "sed -i '16d' $U"
case_ mapping-for-list 1 \
    "content/usecases/btagging.md:5:9: error: \"fields\" must be a list of values, not a mapping" \
    "sed -i 's/^fields: .*/fields: {a: b}/' $U"
case_ unknown-term 1 \
    "content/usecases/btagging.md:4:21: error: unknown technology \"LSTN\"; did you mean \"LSTM\"?" \
    "sed -i 's/^technologies: .*/technologies: [CNN, LSTN]/' $U"
case_ misspelt-required-key 1 \
    "content/usecases/btagging.md:4:1: warning: unknown key \"technologes\" in use case; did you mean \"technologies\"?" \
    "sed -i 's/^technologies:/technologes:/' $U"
case_ bad-slug 1 \
    "content/usecases/Bad_Slug.md: error: bad file name: \"Bad_Slug\" is not a valid slug" \
    "cp $U usecases/Bad_Slug.md"
case_ dangling-contact 1 \
    "content/usecases/btagging.md:8:12: error: contact \"nobody\" is not a person: no file people/nobody.md" \
    "sed -i 's/^contacts: .*/contacts: [nobody]/' $U"
case_ duplicate-slug 1 \
    "error: duplicate use case slug \"btagging\"" \
    "mkdir -p usecases/old && cp $U usecases/old/btagging.md"
case_ invalid-utf8 1 \
    "content/usecases/btagging.md:24:6: error: invalid UTF-8" \
    "printf 'Bad: \\377 byte\\n' >> $U"
case_ empty-file 1 \
    "content/usecases/btagging.md: error: empty file" \
    ": > $U"
case_ missing-link 1 \
    "content/usecases/btagging.md:24:5: error: link to a missing file: \"gone.md\"" \
    "echo 'And [gone](gone.md).' >> $U"
case_ missing-required 1 \
    "error: use case is missing required key \"summary\"" \
    "sed -i '/^summary:/d' $U"
case_ bad-date 1 \
    "content/usecases/btagging.md:13:8: error: \"added\" must be a date as YYYY-MM-DD, not \"2021-02-30\"" \
    "sed -i 's/^added: .*/added: 2021-02-30/' $U"
case_ bad-kind 1 \
    "error: \"kind\" must be one of tutorial, application, package, technique, demo; did you mean \"tutorial\"?" \
    "sed -i 's/^kind: .*/kind: tutorail/' $U"
case_ taxonomy-bad-parent 1 \
    "content/taxonomy.yaml:8:5: error: technology \"LSTM\": parent \"RNX\" is not a technology" \
    "sed -i 's/parent: RNN/parent: RNX/' taxonomy.yaml"
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
# breaks one line of a copy and runs kbgen lint, which must print the
# exact line path:line:col: error: ... and exit as told, with no job run.
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

# The image of an environment.
lint_case image-misspelt-transport 1 \
    "$S:8:18: error: unknown image transport 'dockr:' (did you mean 'docker://registry.example.org/ml_infn/tf:2.15'?)" \
    "sed -i '8s/docker:/dockr:/' $S"
lint_case image-transport-case 1 \
    "$S:7:17: error: unknown image transport 'Rootfs:' (did you mean 'rootfs:images/base.tar'?)" \
    "sed -i '7s/rootfs:/Rootfs:/' $S"
lint_case image-no-transport 1 \
    "$S:8:18: error: image reference 'registry.example.org/ml_infn/tf:2.15' has no transport (did you mean 'docker://registry.example.org/ml_infn/tf:2.15'?)" \
    "sed -i '8s|docker://||' $S"
lint_case image-name-and-tag 1 \
    "$S:8:18: error: image reference 'ubuntu:22.04' has no transport (did you mean 'docker://ubuntu:22.04'?)" \
    "sed -i '8s|\"docker://[^\"]*\"|\"ubuntu:22.04\"|' $S"
lint_case image-unknown-transport 1 \
    "$S:8:18: error: unknown image transport in 'https://registry.example.org/ml_infn/tf:2.15'; use docker://, oci:, oci-archive:, docker-archive: or rootfs:" \
    "sed -i '8s|docker://|https://|' $S"
lint_case image-docker-one-colon 1 \
    "$S:8:18: error: image reference 'docker:registry.example.org/ml_infn/tf:2.15': docker references start with docker:// (did you mean 'docker://registry.example.org/ml_infn/tf:2.15'?)" \
    "sed -i '8s|docker://|docker:|' $S"
lint_case image-nothing-after 1 \
    "$S:10:20: error: oci-archive: needs a path" \
    "sed -i '10s|oci-archive:images/tf.tar|oci-archive:|' $S"
lint_case image-bad-digest 1 \
    "$S:9:19: error: docker://127.0.0.1:5000/kbgen/test@sha256:0123: the digest must be sha256: and 64 lower-case hex digits, got 4 characters" \
    "sed -i '9s|sha256:$H|sha256:0123|' $S"
lint_case image-white-space 1 \
    "$S:7:17: error: image reference 'rootfs:my images/base.tar' contains a space" \
    "sed -i '7s|rootfs:images|rootfs:my images|' $S"
lint_case image-missing 1 \
    "$S:7:9: error: environment \"base\" is missing required key \"image\"" \
    "sed -i '7s/.*/  base: {kernel: python3}/' $S"
lint_case environment-not-a-map 1 \
    "$S:7:9: error: environment \"base\" must be a mapping such as {image: \"docker://REF\"}, not a single value" \
    "sed -i '7s/.*/  base: rootfs:images\/base.tar/' $S"
lint_case environment-bad-name 1 \
    "$S:7:3: error: environment name \"Base\" must match [a-z0-9][a-z0-9_.-]* (lower-case letters, digits, '_', '.' and '-')" \
    "sed -i '7s/base:/Base:/; 16s/base/tf215/' $S; sed -i '/environment: base/d' content/usecases/low.md"
lint_case environment-bad-kernel 1 \
    "$S:8:75: error: \"kernel\" must be a kernel name (letters, digits, '.', '_' and '-'), not \"python 3\"" \
    "sed -i '8s/kernel: python3/kernel: \"python 3\"/' $S"
lint_case environment-unknown-key 0 \
    "$S:7:43: warning: unknown key \"kernal\" in environment \"base\"; did you mean \"kernel\"?" \
    "sed -i '7s/}/, kernal: python3}/' $S"

# runners.
lint_case runners-unknown-environment 1 \
    "$S:16:16: error: unknown environment \"bsae\"; did you mean \"base\"?" \
    "sed -i '16s/base/bsae/' $S"
lint_case runners-bad-default 1 \
    "$S:15:12: error: \"default\" must be one of local, slurm; did you mean \"slurm\"?" \
    "sed -i '15s/local/slurn/' $S"
lint_case runners-pip-index-not-http 1 \
    "$S:17:14: error: \"pip_index\" must be an http:// or https:// URL, not \"ftp://pypi.example.org/simple\"" \
    "sed -i '17s|https://pypi.org|ftp://pypi.example.org|' $S"
lint_case runners-memory-unit 1 \
    "$S:18:11: error: \"memory\" must be a size from 1M to 16T such as 512M or 16G, not \"4GB\"" \
    "sed -i '18s/4G/4GB/' $S"
lint_case runners-memory-too-small 1 \
    "$S:18:11: error: \"memory\" must be a size from 1M to 16T such as 512M or 16G, not \"512K\"" \
    "sed -i '18s/4G/512K/' $S"
lint_case runners-data-cache-size 1 \
    "$S:19:26: error: \"max_size\" must be a size from 1M to 16T such as 512M or 16G, not \"lots\"" \
    "sed -i '19s/20G/lots/' $S"
lint_case runners-sandbox 1 \
    "$S:20:20: error: \"sandbox\" must be one of bwrap, none; did you mean \"bwrap\"?" \
    "sed -i '20s/bwrap/bwarp/' $S"
lint_case runners-jobs-zero 1 \
    "$S:20:33: error: \"jobs\" must be a whole number from 1 to 256, not \"0\"" \
    "sed -i '20s/jobs: 2/jobs: 0/' $S"
lint_case runners-jobs-too-many 1 \
    "$S:20:33: error: \"jobs\" must be a whole number from 1 to 256, not \"257\"" \
    "sed -i '20s/jobs: 2/jobs: 257/' $S"
lint_case runners-gpus-word 1 \
    "$S:20:42: error: \"gpus\" must be auto, a number of GPUs from 0 to 64 or a list of GPU indices, not \"all\"" \
    "sed -i '20s/gpus: auto/gpus: all/' $S"
lint_case runners-gpus-too-many 1 \
    "$S:20:42: error: \"gpus\" must be a whole number from 0 to 64, not \"65\"" \
    "sed -i '20s/gpus: auto/gpus: 65/' $S"
lint_case runners-gpus-overflow 1 \
    "$S:20:42: error: \"gpus\" must be a whole number from 0 to 64, not \"99999999999999999999\"" \
    "sed -i '20s/gpus: auto/gpus: 99999999999999999999/' $S"
lint_case runners-gpus-index-twice 1 \
    "$S:20:49: error: GPU index 1 is listed twice" \
    "sed -i '20s/gpus: auto/gpus: [0, 1, 1]/' $S"
lint_case runners-gpus-index-range 1 \
    "$S:20:46: error: \"gpus\" must be a whole number from 0 to 63, not \"64\"" \
    "sed -i '20s/gpus: auto/gpus: [0, 64]/' $S"
lint_case runners-unknown-key 0 \
    "$S:16:3: warning: unknown key \"enviroment\" in runners section; did you mean \"environment\"?" \
    "sed -i '16s/environment/enviroment/' $S"
lint_case runners-local-key-misplaced 0 \
    "$S:22:3: warning: unknown key \"sandbox\" in runners section; it belongs in the \"local\" section" \
    "sed -i '21a\\  sandbox: none' $S"
lint_case runners-unknown-key-strict 1 \
    "$S:16:3: error: unknown key \"enviroment\" in runners section; did you mean \"environment\"?" \
    "sed -i '16s/environment/enviroment/' $S" --strict

# The run section of a use case.
lint_case run-unknown-environment 1 \
    "$R:14:16: error: unknown environment \"tf251\"; did you mean \"tf215\"?" \
    "sed -i '14s/tf215/tf251/' $R"
lint_case run-unknown-environment-far 1 \
    "$R:14:16: error: unknown environment \"gpu-cluster\" (site.yaml defines base, tf215, pinned, archive, docker-archive, layout_1.0, folder)" \
    "sed -i '14s/tf215/gpu-cluster/' $R"
lint_case run-environment-none-defined 1 \
    "$R:14:16: error: unknown environment \"tf215\": site.yaml defines no environments" \
    "sed -i '6,13d; /^  environment:/d' $S"
lint_case run-requirements-absolute 1 \
    "$R:15:17: error: \"requirements\" must be a path relative to the example's folder, not the absolute path \"/etc/requirements.txt\"" \
    "sed -i '15s|requirements.txt|/etc/requirements.txt|' $R"
lint_case run-requirements-leaves-repository 1 \
    "$R:15:17: error: \"requirements\" path \"../../../requirements.txt\" leaves the repository" \
    "sed -i '15s|requirements.txt|../../../requirements.txt|' $R"
lint_case run-requirements-folder 1 \
    "$R:15:17: error: \"requirements\" path \"../\" names a folder, not a file" \
    "sed -i '15s|requirements.txt|../|' $R"
lint_case run-requirements-conda 1 \
    "$R:15:17: error: \"requirements\" file \"environment.yml\" looks like a conda environment, which kbgen cannot install (no conda in Debian): list the pip packages in a requirements.txt, or choose an environment that has them (run.environment)" \
    "sed -i '15s|requirements.txt|environment.yml|' $R"
lint_case run-bad-kernel 1 \
    "$R:16:11: error: \"kernel\" must be a kernel name (letters, digits, '.', '_' and '-'), not \"python 3\"" \
    "sed -i '16s/python3/\"python 3\"/' $R"
lint_case run-data-without-sha256 1 \
    "$R:19:7: error: data entry without sha256: give the file's SHA-256 (64 hexadecimal digits, as sha256sum prints it), which every download is checked against" \
    "sed -i '20d' $R"
lint_case run-data-short-sha256 1 \
    "$R:20:15: error: \"sha256\" must be 64 hexadecimal digits, not \"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDE\"" \
    "sed -i '20s/F$//' $R"
lint_case run-data-sha256-not-hex 1 \
    "$R:20:15: error: \"sha256\" must be 64 hexadecimal digits, not \"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEG\"" \
    "sed -i '20s/F$/G/' $R"
lint_case run-data-url-not-http 1 \
    "$R:19:12: error: \"url\" must be an http:// or https:// URL, not \"ftp://data.example.org/b.csv\"" \
    "sed -i '19s|http:|ftp:|' $R"
lint_case run-data-url-missing 1 \
    "$R:19:7: error: data entry is missing required key \"url\"" \
    "sed -i '19s|url: http://data.example.org/b.csv|path: b.csv|' $R"
lint_case run-data-path-absolute 1 \
    "$R:18:142: error: data path \"/etc/passwd\" is absolute: give it relative to the example's folder" \
    "sed -i '18s|path: data/test.npz|path: /etc/passwd|' $R"
lint_case run-data-path-leaves 1 \
    "$R:18:142: error: data path \"data/../../test.npz\" leaves the example's folder" \
    "sed -i '18s|path: data/test.npz|path: data/../../test.npz|' $R"
lint_case run-data-path-folder 1 \
    "$R:18:142: error: data path \"data/\" names a folder, not a file" \
    "sed -i '18s|path: data/test.npz|path: data/|' $R"
lint_case run-data-path-twice 1 \
    "$R:21:13: error: data path \"./data/test.npz\" is already used by the entry at line 18" \
    "sed -i '20a\\      path: ./data/test.npz' $R"
lint_case run-data-not-a-list 1 \
    "$R:18:5: error: \"data\" must be a list, not a mapping" \
    "sed -i '18,20d; 17a\\    url: https://example.org/x' $R"
lint_case run-data-entry-not-a-map 1 \
    "$R:19:7: error: a data entry must be a mapping of keys to values" \
    "sed -i '19,20d; 18a\\    - https://example.org/x' $R"
lint_case run-gpu-overflow 1 \
    "$R:21:8: error: \"gpu\" must be a whole number from 0 to 64, not \"99999999999999999999\"" \
    "sed -i '21s/1/99999999999999999999/' $R"
lint_case run-gpu-too-many 1 \
    "$R:21:8: error: \"gpu\" must be a whole number from 0 to 64, not \"65\"" \
    "sed -i '21s/1/65/' $R"
lint_case run-gpu-negative 1 \
    "$R:21:8: error: \"gpu\" must be a whole number from 0 to 64, not \"-1\"" \
    "sed -i '21s/1/-1/' $R"
lint_case run-gpu-fraction 1 \
    "$R:21:8: error: \"gpu\" must be a whole number from 0 to 64, not \"0.5\"" \
    "sed -i '21s/1/0.5/' $R"
lint_case run-memory-unit 1 \
    "$R:23:11: error: \"memory\" must be a size from 1M to 16T such as 512M or 16G, not \"16GB\"" \
    "sed -i '23s/16G/16GB/' $R"
lint_case run-memory-too-large 1 \
    "$R:23:11: error: \"memory\" must be a size from 1M to 16T such as 512M or 16G, not \"17T\"" \
    "sed -i '23s/16G/17T/' $R"
lint_case run-memory-too-small 1 \
    "$R:23:11: error: \"memory\" must be a size from 1M to 16T such as 512M or 16G, not \"1023K\"" \
    "sed -i '23s/16G/1023K/' $R"
lint_case run-memory-overflow 1 \
    "$R:23:11: error: \"memory\" must be a size from 1M to 16T such as 512M or 16G, not \"99999999999999999999G\"" \
    "sed -i '23s/16G/99999999999999999999G/' $R"
lint_case run-timeout-too-long 1 \
    "$R:22:12: error: \"timeout\" must be at most 7d, not \"7d1s\"" \
    "sed -i '22s/30m/7d1s/' $R"
lint_case run-timeout-malformed 1 \
    "$R:22:12: error: \"timeout\" must be a duration such as 90s, 20m, 2h or 1h30m, not \"30 minutes\"" \
    "sed -i '22s/30m/30 minutes/' $R"
lint_case run-unknown-key 0 \
    "$R:24:3: warning: unknown key \"netwrok\" in run section; did you mean \"network\"?" \
    "sed -i '24s/network/netwrok/' $R"
lint_case run-key-outside-run 0 \
    "$R:28:1: warning: unknown key \"timeout\" in use case; it belongs in the \"run\" section" \
    "sed -i '27a\\timeout: 30m' $R"
lint_case run-key-outside-run-strict 1 \
    "$R:28:1: error: unknown key \"environment\" in use case; it belongs in the \"run\" section" \
    "sed -i '27a\\environment: tf215' $R" --strict
lint_case int-overflow 1 \
    "content/pages/about.md:3:7: error: \"menu\": 99999999999999999999 is out of range" \
    "sed -i '3s/1/99999999999999999999/' content/pages/about.md"

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
git_() {
	HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 git -c init.defaultBranch=main \
	    -c user.name=Test -c user.email=test@example.org "$@"
}
git_ init -q "$G" &&
    mkdir -p "$G/hackathon/notebooks" &&
    echo '{}' >"$G/hackathon/notebooks/train.ipynb" &&
    echo numpy >"$G/requirements.txt" &&
    git_ -C "$G" add -A && git_ -C "$G" commit -q -m one ||
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
C1=$(git_ -C "$G" rev-parse HEAD | cut -c1-12)
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
git_ -C "$G" add -A && git_ -C "$G" commit -q -m two
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
C2=$(git_ -C "$G" rev-parse HEAD | cut -c1-12)
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
# was and no build folder is left behind.
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
n=$(grep -c "cannot write: File too large" "$F.err")
if [ $rc -eq 1 ] && [ "$n" -eq 1 ] && [ "$(wc -l <"$F.err")" -eq 2 ] &&
    grep -q "^$F/site.new-[0-9]*/usecases/big-[123]/index.html: cannot write: File too large\$" "$F.err" &&
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

echo "$PASS passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
