#!/bin/sh
# Bad input gets a clear error with path:line:col, a non-zero exit, and
# the published site stays byte-for-byte as it was.  Each case copies
# the fixture knowledge base, builds it once, breaks one thing, builds
# again and checks the message, the exit status and the site.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

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
		echo "FAIL $name: the fixture does not build"
		cat "$d.err0"
		return
	fi
	snapshot "$d/site" >"$d.before"
	(cd "$d/content" && eval "$script")
	"$KBGEN" -C "$d" build >"$d.out" 2>"$d.err"
	rc=$?
	snapshot "$d/site" >"$d.after"
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL $name: exit $rc, want $want_rc"
		sed 's/^/    /' "$d.err"
	elif ! grep -qF -- "$want" "$d.err"; then
		echo "FAIL $name: message not found: $want"
		sed 's/^/    /' "$d.err"
	elif ! cmp -s "$d.before" "$d.after"; then
		echo "FAIL $name: site/ changed"
	elif ls -d "$d"/site.new* >/dev/null 2>&1; then
		echo "FAIL $name: a site.new folder was left behind"
	else
		echo "ok $name"
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
	echo "ok unknown-key-warning"
else
	echo "FAIL unknown-key-warning"; sed 's/^/    /' "$d.err"
fi
if "$KBGEN" -C "$d" lint --strict 2>"$d.err2"; then
	echo "FAIL unknown-key-lint-strict: exit 0"
else
	grep -qF 'error: unknown key "kindd"' "$d.err2" &&
	    echo "ok unknown-key-lint-strict" ||
	    { echo "FAIL unknown-key-lint-strict"; cat "$d.err2"; }
fi

# No content folder at all.
mkdir -p "$TMP/empty"
"$KBGEN" -C "$TMP/empty" build 2>"$TMP/empty.err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "content: error: no content folder here" "$TMP/empty.err"; then
	echo "ok missing-content"
else
	echo "FAIL missing-content (exit $rc)"; cat "$TMP/empty.err"
fi

# Usage errors exit 2.
"$KBGEN" frobnicate 2>/dev/null; rc=$?
[ $rc -eq 2 ] && echo "ok usage-unknown-command" || echo "FAIL usage-unknown-command: $rc"
"$KBGEN" build --bogus 2>/dev/null; rc=$?
[ $rc -eq 2 ] && echo "ok usage-unknown-option" || echo "FAIL usage-unknown-option: $rc"
"$KBGEN" --help | grep -q "kbgen query technology=CNN" && echo "ok help" || echo "FAIL help"
"$KBGEN" --version | grep -Eq '^kbgen [0-9]+\.[0-9]+\.[0-9]+$' && echo "ok version" || echo "FAIL version"
