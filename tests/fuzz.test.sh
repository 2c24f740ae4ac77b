#!/bin/sh
# The fuzz targets' regression run (tests/fuzz/): build every libFuzzer
# harness with clang under ASan and UBSan (make fuzz-build, in
# .obj-fuzz) and run each once on its seed corpus and on every input
# under tests/fuzz/regress/NAME/ (inputs that once crashed a parser).
# One "ok fuzz-NAME" per harness.  Fuzzing itself is "make fuzz".
# tests/fuzz/regress/template/nul-in-*: a NUL byte inside a tag made
# op_tag (template.c) read and write past its copy of the name.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh
FUZZCC=${FUZZCC:-clang-14}

if ! command -v "$FUZZCC" >/dev/null 2>&1; then
	fail fuzz-build "$FUZZCC not found (sh tests/deps-test.sh installs it)"
	finish
fi
if ! make -s fuzz-build FUZZCC="$FUZZCC" >"$TMP/build" 2>&1; then
	fail fuzz-build "make fuzz-build failed" "$TMP/build"
	finish
fi
ok fuzz-build
# shellcheck disable=SC2046
sh tests/fuzz/run.sh .obj-fuzz regress 0 \
    $(sed -n 's/^FUZZ	 = //p' Makefile) >"$TMP/run" 2>&1
tally "$TMP/run"
# Every harness in the Makefile has a source and a seed corpus.
for n in $(sed -n 's/^FUZZ	 = //p' Makefile); do
	[ -f "tests/fuzz/fuzz_$n.c" ] && [ -d "tests/fuzz/corpus/$n" ] &&
	    continue
	fail "fuzz-$n-present" "no tests/fuzz/fuzz_$n.c or corpus/$n"
done
finish
