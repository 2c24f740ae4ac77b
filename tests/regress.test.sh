#!/bin/sh
# Bad input, one file each, and kbgen's exact diagnostics for it: the
# pairs of tests/regress/ (tests/regress/README says how they are named).
# Each input is laid into a copy of a small knowledge base (the fixture
# of tests/fixtures/kb with tests/fixtures/badinput's site.yaml and use
# cases), kbgen runs on it (lint, or the command in NAME.args), and its
# stderr, the copy's path removed, must be NAME.err exactly, with the
# exit status (a last line "exit N" in NAME.err unless it is 1).  Two
# checks a pair: the diagnostics, and that nothing was published or run
# (build: site/ byte for byte as it was, no site.new folder left; lint
# and the others: no site/, no job folder).
#
# REGEN=1 rewrites every NAME.err from what kbgen prints (make regen);
# read the diff before committing it.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
BAD=$PWD/tests/fixtures/badinput
REG=$PWD/tests/regress
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"

# The base, and a built copy of it for the cases that build.
B=$TMP/base
cp -r "$FIX" "$B"
rm -rf "$B/site" "$B/.kbgen"
cp "$BAD/site.yaml" "$B/content/site.yaml"
cp "$BAD/runs.md" "$BAD/edges.md" "$BAD/low.md" "$B/content/usecases/"
if ! "$KBGEN" -q -C "$B" lint --strict >"$TMP/base.err" 2>&1; then
	fail base "the base does not lint clean" "$TMP/base.err"
	finish
fi
cp -r "$B" "$TMP/built"
if ! "$KBGEN" -q -C "$TMP/built" build >"$TMP/built.err" 2>&1; then
	fail base "the base does not build" "$TMP/built.err"
	finish
fi

n=0
for f in "$REG"/*.md "$REG"/*.yaml; do
	[ -f "$f" ] || continue
	file=${f##*/}
	case $file in
	*.page.md)	name=${file%.page.md} to=content/pages/$name.md ;;
	*.person.md)	name=${file%.person.md} to=content/people/$name.md ;;
	*.hackathon.md)	name=${file%.hackathon.md}
			to=content/hackathons/$name.md ;;
	*.site.yaml)	name=${file%.site.yaml} to=content/site.yaml ;;
	*.taxonomy.yaml) name=${file%.taxonomy.yaml} to=content/taxonomy.yaml ;;
	*.md)		name=${file%.md} to=content/usecases/$name.md ;;
	*)		fail "$file" "not a name tests/regress/README knows"
			continue ;;
	esac
	n=$((n + 1))
	args=lint
	[ -f "$REG/$name.args" ] && args=$(cat "$REG/$name.args")
	d=$TMP/$name
	case $args in
	build*)	cp -r "$TMP/built" "$d" ;;
	*)	cp -r "$B" "$d" ;;
	esac
	mkdir -p "${d}/${to%/*}"
	cp "$f" "$d/$to"
	[ -d "$d/site" ] && snapshot "$d/site" >"$d.before"
	# shellcheck disable=SC2086  # args are words
	"$KBGEN" -C "$d" $args >"$d.out" 2>"$d.err"
	rc=$?
	sed "s|$d/||g" "$d.err" >"$d.got"
	[ $rc -ne 1 ] && echo "exit $rc" >>"$d.got"

	if [ -n "$REGEN" ]; then
		cp "$d.got" "$REG/$name.err"
	elif [ ! -f "$REG/$name.err" ]; then
		fail "$name" "no tests/regress/$name.err" "$d.got"
	elif cmp -s "$REG/$name.err" "$d.got"; then
		ok "$name"
	else
		fail "$name" "diagnostics differ (-want +got)"
		diff -u "$REG/$name.err" "$d.got" | tail -n +3 |
		    sed 's/^/    /'
	fi

	if [ -f "$d.before" ]; then
		snapshot "$d/site" >"$d.after"
		if ! cmp -s "$d.before" "$d.after"; then
			fail "$name-nothing-published" "site/ changed"
		elif ls -d "$d"/site.new* >/dev/null 2>&1; then
			fail "$name-nothing-published" "a site.new folder was left"
		else
			ok "$name-nothing-published"
		fi
	elif [ -e "$d/site" ] || [ -e "$d/.kbgen/runs" ]; then
		fail "$name-nothing-published" "site/ or .kbgen/runs was made"
	else
		ok "$name-nothing-published"
	fi
done
[ "$n" -gt 0 ] || fail regress "no cases in tests/regress"
[ -n "$REGEN" ] && echo "regen: $n diagnostics written to tests/regress"
finish
