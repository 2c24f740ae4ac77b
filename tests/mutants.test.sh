#!/bin/sh
# tests/mutants/list stays usable: every mutation's function and pattern
# are found exactly once in the sources (MUTANTS_DRY=1 tests/mutants.py),
# so that a function renamed or rewritten is noticed by make test and not
# first by a long make mutants; and the check itself reports a stale
# record, an ambiguous function and an unknown suite.
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=/usr/bin/python3
M=$(dirname "$0")/mutants.py

MUTANTS_DRY=1 $PY "$M" >"$TMP/out" 2>&1
rc list-valid $? 0 "$TMP/out"
has list-no-errors "$TMP/out" "mutations found, 0 list errors"
n=$(sed -n 's/^\([0-9]*\) mutations found.*/\1/p' "$TMP/out")
[ "${n:-0}" -ge 30 ] && ok list-at-least-30 ||
    fail list-at-least-30 "only ${n:-0} mutations" "$TMP/out"

rec() {	# name function find suites [file]
	printf 'name: %s\nfunction: %s\n' "$1" "$2"
	[ -z "${5:-}" ] || printf 'file: %s\n' "$5"
	printf 'find: %s\nrepl: XX\nsuites: %s\nbug: b\n' "$3" "$4"
}
rec stale site_out_free "if (!so->committed)NOT THERE" badinput >"$TMP/l1"
MUTANTS_LIST=$TMP/l1 MUTANTS_DRY=1 $PY "$M" >"$TMP/o1" 2>&1
rc stale-pattern-fails $? 1 "$TMP/o1"
has stale-pattern-said "$TMP/o1" "stale                        list error: pattern found 0 times in site_out_free (generator/publish/site.c)"

rec twice one_line "return" driver >"$TMP/l2"
MUTANTS_LIST=$TMP/l2 MUTANTS_DRY=1 $PY "$M" >"$TMP/o2" 2>&1
rc ambiguous-fails $? 1 "$TMP/o2"
has ambiguous-said "$TMP/o2" "list error: function one_line found 2 times (file: NAME.c or NAME.py tells which)"
rec once one_line "return text if len(text) <= limit" driver driver.py >"$TMP/l3"
MUTANTS_LIST=$TMP/l3 MUTANTS_DRY=1 $PY "$M" >"$TMP/o3" 2>&1
rc file-hint-resolves $? 0 "$TMP/o3"

rec nosuite site_out_free "if (!so->committed" nosuchsuite >"$TMP/l4"
MUTANTS_LIST=$TMP/l4 MUTANTS_DRY=1 $PY "$M" >"$TMP/o4" 2>&1
rc unknown-suite-fails $? 1 "$TMP/o4"
has unknown-suite-said "$TMP/o4" "list error: nosuite names nosuchsuite: no tests/nosuchsuite.test.sh nor tests/unit/nosuchsuite.c"
finish
