#!/bin/sh
# Run the libFuzzer targets of kbgen (see the "fuzz" target of the
# Makefile).  Usage: sh tests/fuzz/run.sh BUILD fuzz|regress SECONDS NAME...
#   fuzz:    fuzz each target for SECONDS from its seed corpus
#            (tests/fuzz/corpus/NAME) and regression inputs
#            (tests/fuzz/regress/NAME); new inputs go to BUILD/corpus/NAME,
#            crashes to tests/fuzz/crashes/NAME/.
#   regress: run every seed and regression input once.
# Prints "ok NAME" or "FAIL NAME: why" for each target and ends with
# "N passed, N failed"; exits non-zero if any target failed.
BUILD=$1
mode=$2
secs=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
pass=0
fail=0

# Longest input per format: enough for the structures, short enough to
# keep runs fast (the Indico seeds are exports of up to 9 kB).
maxlen() {
	case $1 in
	indico)	echo 16384 ;;
	markdown|json|notebook) echo 8192 ;;
	*)	echo 4096 ;;
	esac
}

for name in "$@"; do
	bin=$BUILD/fuzz_$name
	log=$BUILD/fuzz_$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz-$name: $bin not built"
		fail=$((fail + 1))
		continue
	fi
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	if [ "$mode" = regress ]; then
		# Named files are each run once (directories would be fuzzed).
		files=$(find "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name" \
		    -type f 2>/dev/null | sort)
		if [ -z "$files" ]; then
			echo "FAIL fuzz-$name: no seed corpus"
			fail=$((fail + 1))
			continue
		fi
		# shellcheck disable=SC2086
		"$bin" -timeout=10 $files >"$log" 2>&1
		rc=$?
		n=$(echo "$files" | wc -l)
		what="$n inputs replayed"
	else
		mkdir -p "$BUILD/corpus/$name" "tests/fuzz/crashes/$name"
		dirs="$BUILD/corpus/$name tests/fuzz/corpus/$name"
		[ -d "tests/fuzz/regress/$name" ] &&
		    dirs="$dirs tests/fuzz/regress/$name"
		start=$(date +%s)
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$secs" -timeout=10 \
		    -max_len="$(maxlen "$name")" $dict -print_final_stats=1 \
		    -close_fd_mask=3 \
		    -artifact_prefix="tests/fuzz/crashes/$name/" \
		    $dirs >"$log" 2>&1
		rc=$?
		what="$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
		    "$log" | grep -o '[0-9]*$') runs in \
$(($(date +%s) - start)) s"
	fi
	if [ $rc -eq 0 ]; then
		echo "ok fuzz-$name ($what)"
		pass=$((pass + 1))
	else
		echo "FAIL fuzz-$name: exit $rc (log $log):"
		{
			grep 'Running:' "$log" | tail -1
			grep -E 'ERROR|runtime error|SUMMARY|Test unit written' \
			    "$log" | head -6
		} | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
