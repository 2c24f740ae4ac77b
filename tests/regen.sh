#!/bin/sh
# Rewrite the golden pages of tests/site.test.sh from a fresh build of
# tests/fixtures/kb.  The pages compared are listed, one a line, in
# tests/fixtures/kb.pages; their goldens live in tests/fixtures/kb.expected.
# Then the goldens of tests/events.test.sh, of tests/notebook.test.sh and
# the expected diagnostics of tests/regress/.  Run it (make regen) after a deliberate change of
# the output, then read the diff before committing it.
set -e
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1700000000
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
EXP=$PWD/tests/fixtures/kb.expected
PAGES=$PWD/tests/fixtures/kb.pages
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cp -r "$FIX" "$TMP/kb"
rm -rf "$TMP/kb/site" "$TMP/kb/.kbgen"
"$KBGEN" -q -C "$TMP/kb" build
rm -rf "$EXP"
while IFS= read -r p; do
	[ -n "$p" ] || continue
	mkdir -p "$EXP/$(dirname "$p")"
	cp "$TMP/kb/site/$p" "$EXP/$p"
done <"$PAGES"
echo "regen: $(grep -c . "$PAGES") goldens written to tests/fixtures/kb.expected"
# The training-portal goldens (tests/events.test.sh).
REGEN=1 KBGEN="$KBGEN" sh tests/events.test.sh | tail -1
# The executed notebook's page and warnings (tests/notebook.test.sh).
REGEN=1 KBGEN="$KBGEN" sh tests/notebook.test.sh | grep '^regen'
# The expected diagnostics of tests/regress/ (tests/regress.test.sh).
REGEN=1 KBGEN="$KBGEN" sh tests/regress.test.sh | tail -1
