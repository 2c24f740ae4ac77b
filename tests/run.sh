#!/bin/sh
# Run every test of kbgen and end with one line: "N passed, N failed,
# N skipped".
# Usage: sh tests/run.sh BUILD_DIR
# Unit tests are the t_* programs in BUILD_DIR; the other suites are the
# tests/*.test.sh scripts, each printing "ok"/"FAIL"/"SKIP" lines and its
# own summary, which this script adds up.  A suite that could not run
# whole fails: one whose output has no "ok" or "FAIL" line, or has any
# "SKIP" line (a skip is never a pass, and a tool a suite needs is
# installed by "make test" through tests/deps.sh and
# tests/deps-test.sh), unless KBGEN_ALLOW_SKIP=1 is set (for a machine
# that lacks a tool on purpose; CI never sets it): then a skip is only
# counted and said.  Checks of the test tools rather than of kbgen (the
# Slurm test cluster's, tests/slurm.smoke.test.sh: lines "ok cluster:
# ...") are counted apart, "; cluster self-checks: N passed" on the last
# line; a failing one counts among the failures.  Exits non-zero when
# anything failed.
BUILD=${1:-.obj}
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1700000000
export KBGEN="$PWD/$BUILD/kbgen"
[ -x "$KBGEN" ] || KBGEN="$PWD/kbgen"
pass=0
fail=0
skips=0
cpass=0
log=$(mktemp)

count() {
	# $1: suite name; output of the suite in $log
	p=$(grep '^ok ' "$log" | grep -vc '^ok cluster: ')
	c=$(grep -c '^ok cluster: ' "$log")
	f=$(grep -c '^FAIL' "$log")
	k=$(grep -c '^SKIP' "$log")
	pass=$((pass + p))
	cpass=$((cpass + c))
	fail=$((fail + f))
	skips=$((skips + k))
	printf '%-28s %4d passed, %d failed%s%s\n' "$1" "$p" "$f" \
	    "$([ "$k" -gt 0 ] && echo ", $k skipped")" \
	    "$([ "$c" -gt 0 ] && echo "; cluster self-checks: $c passed")"
	grep -A3 '^FAIL' "$log" | sed 's/^/    /'
	grep '^SKIP' "$log" | sed 's/^/    /'
}

for t in "$BUILD"/t_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if [ -n "$VALGRIND" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full "$t" >"$log" 2>&1
	else
		"$t" >"$log" 2>&1
	fi
	rc=$?
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$log"; then
		echo "FAIL $name exited $rc" >>"$log"
		tail -5 "$log"
	fi
	count "$name"
done

for s in tests/*.test.sh; do
	[ -f "$s" ] || continue
	sh "$s" >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$log"; then
		echo "FAIL $(basename "$s") exited $rc" >>"$log"
		tail -5 "$log"
	fi
	if ! grep -q '^ok \|^FAIL' "$log"; then
		echo "FAIL $(basename "$s"): no ok or FAIL line: the suite did not run" >>"$log"
		tail -5 "$log"
	elif grep -q '^SKIP' "$log" && [ "$KBGEN_ALLOW_SKIP" != 1 ]; then
		echo "FAIL $(basename "$s"): $(grep -c '^SKIP' "$log") skipped: the suite did not run whole (see the SKIP lines; KBGEN_ALLOW_SKIP=1 lets skips pass)" >>"$log"
	fi
	count "$(basename "$s" .test.sh)"
done
rm -f "$log"
# A skip is not a pass: counted apart; so are the cluster's own checks.
echo "$pass passed, $fail failed, $skips skipped$([ "$cpass" -gt 0 ] &&
    echo "; cluster self-checks: $cpass passed")"
[ "$fail" -eq 0 ]
