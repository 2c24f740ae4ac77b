#!/bin/sh
# tests/run.sh, the runner of make test, on suites made here: a skip is
# a failure of its suite and of the run unless KBGEN_ALLOW_SKIP=1, and
# then it is counted apart, never as a pass; a suite that prints FAIL
# fails the run; one that prints no result fails it; the last line
# counts all three.
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

tree pass 'ok one'
run pass
rc pass-passes $? 0 "$TMP/pass.out"
expect pass-last-line "$(tail -1 "$TMP/pass.out")" "1 passed, 0 failed, 0 skipped"
finish
