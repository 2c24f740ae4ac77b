#!/bin/sh
# tests/run.sh, the runner of make test, on suites made here: a skip is
# a failure of its suite and of the run unless KBGEN_ALLOW_SKIP=1, and
# then it is counted apart, never as a pass; a suite that prints FAIL
# fails the run; one that prints no result fails it; the last line
# counts all three; the test cluster's own checks ("ok cluster: ...")
# are counted apart, not as kbgen's, and one failing fails the run.
TOP=$PWD
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$TOP/tests/lib.sh"

# tree NAME BODY: a copy of run.sh beside one suite whose body is BODY
tree() {
	mkdir -p "$TMP/$1/tests" "$TMP/$1/.obj"
	cp "$TOP/tests/run.sh" "$TOP/tests/lib.sh" "$TMP/$1/tests/"
	printf '. tests/lib.sh\n%s\nfinish\n' "$2" >"$TMP/$1/tests/x.test.sh"
}
# run NAME [ENV...]: run.sh in that tree; its output in $TMP/NAME.out
run() {
	t=$1
	shift
	(cd "$TMP/$t" && env "$@" sh tests/run.sh .obj) >"$TMP/$t.out" 2>&1
}

tree skip 'ok one
skip two "no tool"'
run skip KBGEN_ALLOW_SKIP=
rc skip-fails $? 1 "$TMP/skip.out"
expect skip-last-line "$(tail -1 "$TMP/skip.out")" "1 passed, 1 failed, 1 skipped"
has skip-says-why "$TMP/skip.out" "x.test.sh: 1 skipped: the suite did not run whole"
run skip KBGEN_ALLOW_SKIP=1
rc skip-allowed $? 0 "$TMP/skip.out"
expect skip-allowed-counted-apart "$(tail -1 "$TMP/skip.out")" "1 passed, 0 failed, 1 skipped"

tree fail 'ok one
fail two "broken"'
run fail KBGEN_ALLOW_SKIP=1
rc fail-fails $? 1 "$TMP/fail.out"
expect fail-last-line "$(tail -1 "$TMP/fail.out")" "1 passed, 1 failed, 0 skipped"

tree silent 'true'
run silent
rc silent-fails $? 1 "$TMP/silent.out"
has silent-says-why "$TMP/silent.out" "no ok or FAIL line: the suite did not run"

tree cluster 'ok one
ok "cluster: start"
ok "cluster: sacct"'
run cluster
rc cluster-passes $? 0 "$TMP/cluster.out"
expect cluster-last-line "$(tail -1 "$TMP/cluster.out")" "1 passed, 0 failed, 0 skipped; cluster self-checks: 2 passed"
has cluster-suite-line "$TMP/cluster.out" "1 passed, 0 failed; cluster self-checks: 2 passed"

tree clusterfail 'ok one
ok "cluster: start"
fail "cluster: sacct" "broken"'
run clusterfail
rc cluster-fail-fails $? 1 "$TMP/clusterfail.out"
expect cluster-fail-last-line "$(tail -1 "$TMP/clusterfail.out")" "1 passed, 1 failed, 0 skipped; cluster self-checks: 1 passed"
has cluster-fail-shown "$TMP/clusterfail.out" "FAIL cluster: sacct: broken"

tree pass 'ok one'
run pass
rc pass-passes $? 0 "$TMP/pass.out"
expect pass-last-line "$(tail -1 "$TMP/pass.out")" "1 passed, 0 failed, 0 skipped"
finish
