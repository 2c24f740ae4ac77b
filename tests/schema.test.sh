#!/bin/sh
# kbgen schema: the JSON Schema (draft 2020-12) of the content files,
# from lint's tables, with the taxonomy's terms as enums.  Checked with
# python3-jsonschema (Draft202012Validator): every schema is a valid
# draft 2020-12 schema; the shipped content/ and tests/fixtures/kb
# validate against their own; a misspelt term, a missing required key,
# values of the wrong type, an unknown key, a word outside an enum, a
# key out of its section are refused, and lint refuses them too; a term
# by its alias or in another case is taken, as lint takes it.  YAML is
# read as the YAML language server does (YAML 1.2, tests/schema.py).
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
PY=/usr/bin/python3
TZ=UTC LC_ALL=C
export TZ LC_ALL
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"
if ! $PY -c 'import jsonschema, yaml' 2>/dev/null; then
	fail deps "python3-jsonschema and python3-yaml missing (run tests/deps-test.sh)"
	finish
fi

# --- valid draft 2020-12 schemas ----------------------------------------------
"$KBGEN" schema >"$TMP/all.json" 2>"$TMP/err"
rc "schema: exit 0" $? 0 "$TMP/err"
"$KBGEN" schema -o "$TMP/s" 2>"$TMP/err"
rc "schema -o: exit 0" $? 0 "$TMP/err"
expect "schema -o: one file per kind" "$(cd "$TMP/s" && ls | tr '\n' ' ')" \
    "hackathon.schema.json page.schema.json person.schema.json seminars.schema.json site.schema.json taxonomy.schema.json usecase.schema.json "
for f in "$TMP/all.json" "$TMP"/s/*.json; do
	n=$(basename "$f")
	$PY -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(s)
assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
' "$f" >"$TMP/py" 2>&1 && ok "schema-valid: $n is a draft 2020-12 schema" ||
	    fail "schema-valid: $n" "check_schema failed" "$TMP/py"
done
"$KBGEN" schema usecase >"$TMP/one.json"
cmp -s "$TMP/one.json" "$TMP/s/usecase.schema.json" &&
    ok "schema KIND: what -o writes" ||
    fail "schema KIND: what -o writes" "differs"
"$KBGEN" -C "$FIX" schema >"$TMP/fix.json"
expect "schema: the fixture's tools, names and aliases, as an enum" \
    "$(js "$TMP/fix.json" 'd["$defs"]["tool"]["anyOf"][0]["enum"]')" \
    "['Keras', 'TensorFlow', 'TF', 'TF2', 'PyTorch']"
expect "schema: required keys from lint's table" \
    "$(js "$TMP/all.json" 'd["$defs"]["usecase"]["required"]')" \
    "['title', 'summary', 'technologies', 'fields', 'tools', 'kind', 'contacts']"
expect "schema: enumerated words from lint's table" \
    "$(js "$TMP/all.json" 'd["$defs"]["hackathon"]["properties"]["level"]["enum"]')" \
    "['base', 'advanced']"
"$KBGEN" schema event >"$TMP/out" 2>"$TMP/err"
rc "schema: unknown kind exits 2" $? 2 "$TMP/err"
expect "schema: unknown kind message" "$(cat "$TMP/err")" \
    'kbgen: schema: unknown kind "event" (usecase, person, hackathon, page, seminars, site, taxonomy)'
"$KBGEN" schema usecase person >"$TMP/out" 2>"$TMP/err"
rc "schema: two kinds exit 2" $? 2 "$TMP/err"
expect "schema: two kinds message" "$(cat "$TMP/err")" \
    'kbgen: schema: unexpected argument "person"'

# --- the shipped content validates ----------------------------------------------
$PY tests/schema.py "$TMP/s" . >"$TMP/v" 2>&1
rc "content: every file of content/ validates" $? 0 "$TMP/v"
expect "content: files checked" "$(grep -c '^valid ' "$TMP/v")" \
    "$(find content -name '*.md' -o -name '*.yaml' | grep -c .)"
"$KBGEN" -C "$FIX" schema -o "$TMP/f"
$PY tests/schema.py "$TMP/f" "$FIX" >"$TMP/v" 2>&1
rc "fixture: every file of tests/fixtures/kb validates" $? 0 "$TMP/v"
# A seminars file and a hackathon, which neither has.
mkdir -p "$TMP/kb"
cp -r "$FIX/content" "$TMP/kb/"
mkdir -p "$TMP/kb/content/seminars" "$TMP/kb/content/hackathons"
cat >"$TMP/kb/content/seminars/2023.yaml" <<'YEOF'
- date: 2023-03-13
  start: "16:00"
  end: 17:00
  title: Parametric networks
  speakers: [ada-rossi, Jane Doe]
  usecases: [btagging]
  technologies: [cnn]
YEOF
cat >"$TMP/kb/content/hackathons/school.md" <<'YEOF'
---
title: School
level: base
start: 2023-01-10
end: 2023-01-11
online: no
participants: "20"
tutors: [ada-rossi]
exercises: [btagging]
programme:
  - date: 2023-01-10
    sessions:
      - {start: "09:00", end: "10:00", kind: lecture, title: Welcome, speakers: [ada-rossi], usecase: btagging}
---
Body.
YEOF
"$KBGEN" -C "$TMP/kb" lint --strict >"$TMP/lint" 2>&1
rc "extra: lint takes the seminars and the hackathon" $? 0 "$TMP/lint"
$PY tests/schema.py "$TMP/f" "$TMP/kb" >"$TMP/v" 2>&1
rc "extra: the schema takes them too" $? 0 "$TMP/v"

# --- what the schema refuses (and lint too) ---------------------------------------
# bad NAME SED WHERE: the fixture's btagging.md edited by SED is refused by
# the schema (the first error at WHERE) and by lint --strict.
U=$TMP/kb/content/usecases/btagging.md
cp "$U" "$TMP/btagging.md"
bad() {
	cp "$TMP/btagging.md" "$U"
	sed -i "$2" "$U"
	$PY tests/schema.py "$TMP/f" "$TMP/kb" "$U" usecase >"$TMP/v" 2>&1
	rc "refused-$1: by the schema" $? 1 "$TMP/v"
	expect "refused-$1: where" "$(sed -n 's/.* at \([^ ]*\)$/\1/p' "$TMP/v")" \
	    "$3" "$TMP/v"
	"$KBGEN" -C "$TMP/kb" lint --strict >"$TMP/lint" 2>&1
	rc "refused-$1: by lint" $? 1 "$TMP/lint"
}
bad term 's/^technologies: \[CNN, LSTM\]/technologies: [CNNN, LSTM]/' \
    technologies
bad required '/^summary:/d' ""
bad date 's/^added: .*/added: 2021-13-02/' added
bad bool 's/^example: .*/&\ndraft: maybe/' draft
bad list 's/^tools: .*/tools: {a: b}/' tools
bad list-item 's/^tools: .*/tools: [[Keras]]/' tools
bad enum 's/^kind: .*/kind: tutorail/' kind
bad unknown-key 's/^added:/addded:/' ""
bad section 's/^  ref: main/&\n  timeout: 1h/' repository
bad contact 's/^contacts: .*/contacts: [Ada Rossi]/' contacts
cp "$TMP/btagging.md" "$U"
sed -i 's/^technologies: .*/technologies: [convnet, lstm]/' "$U"
$PY tests/schema.py "$TMP/f" "$TMP/kb" "$U" usecase >"$TMP/v" 2>&1
rc "taken: an alias, in lower case, as lint takes it" $? 0 "$TMP/v"
"$KBGEN" -C "$TMP/kb" lint --strict >"$TMP/lint" 2>&1
rc "taken: lint takes it" $? 0 "$TMP/lint"
cp "$TMP/btagging.md" "$U"
# badfile NAME FILE KIND TEXT WHERE: FILE holding TEXT is refused by the
# schema of KIND (the first error at WHERE: a value that may be null
# reports an error below it at its key) and by lint --strict; the
# schema's nesting and words come from lint's tree (sub, names, set).
cp "$TMP/kb/content/site.yaml" "$TMP/site.yaml"
cp "$TMP/kb/content/taxonomy.yaml" "$TMP/taxonomy.yaml"
H=$TMP/kb/content/hackathons/school.md
cp "$H" "$TMP/school.md"
badfile() {
	printf '%b' "$4" >"$2"
	$PY tests/schema.py "$TMP/f" "$TMP/kb" "$2" "$3" >"$TMP/v" 2>&1
	rc "refused-$1: by the schema" $? 1 "$TMP/v"
	expect "refused-$1: where" "$(sed -n 's/.* at \([^ ]*\)$/\1/p' "$TMP/v")" \
	    "$5" "$TMP/v"
	"$KBGEN" -C "$TMP/kb" lint --strict >"$TMP/lint" 2>&1
	rc "refused-$1: by lint" $? 1 "$TMP/lint"
	cp "$TMP/site.yaml" "$TMP/kb/content/site.yaml"
	cp "$TMP/taxonomy.yaml" "$TMP/kb/content/taxonomy.yaml"
	cp "$TMP/school.md" "$H"
}
S=$TMP/kb/content/site.yaml
badfile site-sandbox "$S" site 'title: x\nrunners: {local: {sandbox: bwarp}}\n' \
    runners
badfile site-html "$S" site 'title: x\noutputs: {html: iframe}\n' outputs
badfile site-env-key "$S" site \
    'title: x\nenvironments: {py: {image: "python:3", imgae: x}}\n' \
    environments
badfile site-env-name "$S" site \
    'title: x\nenvironments: {Py: {image: "python:3"}}\n' environments
badfile site-launch "$S" site 'title: x\nlaunch: {colab: {lable: Open}}\n' \
    launch
badfile tax-null "$TMP/kb/content/taxonomy.yaml" taxonomy \
    'technologies:\nfields: []\ntools: []\n' technologies
badfile tax-term-key "$TMP/kb/content/taxonomy.yaml" taxonomy \
    'technologies: [{name: CNN, alias: [convnet]}]\n' technologies/0
sed 's/kind: lecture/kind: lectur/' "$TMP/school.md" >"$TMP/school2.md"
badfile session-kind "$H" hackathon "$(cat "$TMP/school2.md")\n" \
    programme
finish
