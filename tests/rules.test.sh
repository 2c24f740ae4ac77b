#!/bin/sh
# The content rules of kbgen(5) by their meaning: which use cases,
# people and seminars each page lists, and why (tests/rules.py computes
# it from the content, independently of kbgen, and compares it with the
# built pages by name, not as a golden diff); the required keys of each
# kind; the run: keys' defaults as the job gets them; headings' ids and
# links to content files.  The fixture
# (tests/fixtures/kb) gets entries that exercise the rules: a use case
# in a sub-folder whose terms are single values, a narrower term and
# aliases in another case, dated by its file's time (no added:); a use
# case whose first technology is not CNN; a person who is no one's
# contact, one who shares a use case's slug; pages with and without
# menu:; two hackathons with exercises, organisers, tutors and speakers;
# seminars with related use cases, terms and speakers.  Built twice: as
# is (the draft nowhere) and with --drafts (the draft on its pages).
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"

K=$TMP/kb
cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
C=$K/content
mkdir -p "$C/usecases/deep/er"
# Single values, a narrower term (LSTM under RNN), aliases in another
# case (hep, tf2), no added: (dated by the file: 2020-03-04).
cat >"$C/usecases/deep/er/seq-single.md" <<'EOF'
---
title: Sequences, one of each
summary: Single values where lists are due.
technologies: lstm
fields: hep
tools: tf2
kind: technique
contacts: bruno-verdi
---
Body.
EOF
touch -d '2020-03-04 12:00:00 UTC' "$C/usecases/deep/er/seq-single.md"
# Two use cases that each carry one term of the GNN x Medical Physics
# cell: together they do not fill it.  The first has two technologies,
# the first of them not CNN (its tile is GNN's).
cat >"$C/usecases/gnn-only.md" <<'EOF'
---
title: Graphs alone
summary: A GNN (and a CNN, named second) in High Energy Physics.
technologies: [GNN, cnn]
fields: [High Energy Physics]
tools: [PyTorch]
kind: demo
contacts: [carla-bianchi-x]
added: 2024-02-03
---
Body.
EOF
sed -i 's/carla-bianchi-x/ada-rossi/' "$C/usecases/gnn-only.md"
cat >"$C/usecases/med-cnn.md" <<'EOF'
---
title: Medical CNN
summary: A CNN in Medical Physics.
technologies: [ConvNet]
fields: [medical physics]
tools: [keras]
kind: demo
contacts: [bruno-verdi, ada-rossi]
added: 2024-02-04
---
Body.
EOF
cat >"$C/people/carla-bianchi.md" <<'EOF'
---
name: Carla Bianchi
expertise: [GNN]
---
No one's contact.
EOF
# Slugs are unique per kind: a person may share a use case's slug.
cat >"$C/people/jet-gnn.md" <<'EOF'
---
name: Jet Gnn
---
Shares a slug with a use case.
EOF
cat >"$C/pages/zeta.md" <<'EOF'
---
title: Zeta first
menu: 0
---
First in the menu, though last by name.
EOF
cat >"$C/pages/alpha.md" <<'EOF'
---
title: Alpha
menu: 1
description: Alpha's "own" words & more
---
Same position as about: by slug, before it.
EOF
cat >"$C/pages/hidden.md" <<'EOF'
---
title: Not in the menu
---
A page without menu:.
EOF

mkdir -p "$C/hackathons"
cat >"$C/hackathons/spring.md" <<'EOF'
---
title: Spring school
level: base
start: 2023-04-03
end: 2023-04-05
exercises: [seq-single, btagging, med-cnn]
organizers: [bruno-verdi]
tutors: [carla-bianchi, ada-rossi]
programme:
  - date: 2023-04-03
    sessions:
      - {kind: lecture, title: Opening, speakers: [ada-rossi]}
      - {kind: hands-on, title: Graphs, speakers: [carla-bianchi, ada-rossi]}
      - {kind: break, title: Coffee}
---
Read [Ada's page](../people/ada-rossi.md).

## Getting there
EOF
cat >"$C/hackathons/autumn.md" <<'EOF'
---
title: Autumn school
level: advanced
start: 2023-10-02
end: 2023-10-03
organizers: ada-rossi
tutors: [ada-rossi]
---
Ada organises and tutors.
EOF
mkdir -p "$C/seminars"
cat >"$C/seminars/2023.yaml" <<'EOF'
- date: 2023-05-02
  title: Recurrent jets
  usecases: [seq-single, btagging]
  speakers: [carla-bianchi, Guest Speaker]
  technologies: [lstm]
  fields: HEP
- date: 2023-06-02
  title: Nothing related
  speakers: carla-bianchi
EOF

if ! "$KBGEN" -q -C "$K" lint >"$TMP/lint.err" 2>&1; then
	fail lint "the fixture does not lint clean" "$TMP/lint.err"
	finish
fi
ok lint

# build NAME [ARGS]: the site of $K into $TMP/NAME, then rules.py on it
build() {
	n=$1
	shift
	if ! "$KBGEN" -q -C "$K" build -o "$TMP/$n" "$@" >"$TMP/$n.err" 2>&1; then
		fail "build-$n" "kbgen build $* failed" "$TMP/$n.err"
		return
	fi
	ok "build-$n"
	"$PY" "$PWD/tests/rules.py" "$C" "$TMP/$n" "$@" >"$TMP/$n.out" 2>&1
	grep -q '^ok ' "$TMP/$n.out" || fail "rules-$n" "rules.py gave no result" "$TMP/$n.out"
	sed "s/^\(ok\|FAIL\) /\1 $n: /" "$TMP/$n.out" >"$TMP/$n.res"
	tally "$TMP/$n.res"
}
build plain
build drafts --drafts

# The fixture does exercise the rules (a rule whose case is missing
# would pass vacuously).
has has-narrower "$TMP/plain.res" "ok plain: term technologies RNN: lists"
expect narrower-lists-child "$(grep -c 'usecases/seq-single/' "$TMP/plain/technologies/rnn/index.html")" 2
expect draft-on-rnn-with-drafts "$(grep -c 'usecases/draft-idea/' "$TMP/drafts/technologies/rnn/index.html")" 2
expect single-dated-by-file "$(grep -o 'datetime="2020-03-04"' "$TMP/plain/usecases/seq-single/index.html" | head -1)" 'datetime="2020-03-04"'
expect ada-five-event-lines "$(grep -c 'class="badge role-' "$TMP/plain/people/ada-rossi/index.html")" 5
expect carla-two-seminars "$(sed -n '/person-seminars/,/<\/ul>/p' "$TMP/plain/people/carla-bianchi/index.html" | grep -c '<li>')" 2
if [ -f "$TMP/plain/people/jet-gnn/index.html" ] && [ -f "$TMP/plain/usecases/jet-gnn/index.html" ]; then
	ok "slug unique per kind: person and use case jet-gnn"
else fail "slug unique per kind" "jet-gnn: a person's or a use case's page is missing"; fi
expect gnn-medical-empty "$(ls "$TMP/plain/matrix" | grep -c '^gnn--medical-physics$')" 0
# Required keys (kbgen(5)), each left out of one file of its kind:
# lint names the kind and the key for every one, and nothing else is
# missing.
R=$TMP/req
cp -r "$FIX" "$R"
rm -rf "$R/site" "$R/.kbgen"
mkdir -p "$R/content/hackathons" "$R/content/seminars"
# uc KEY: a use case without KEY
uc() {
	{
		echo "---"
		for l in "title: T" "summary: S" "technologies: [CNN]" \
		    "fields: [HEP]" "tools: [Keras]" "kind: demo" \
		    "contacts: [ada-rossi]"; do
			[ "${l%%:*}" = "$1" ] || echo "$l"
		done
		echo "---"
		echo "Body."
	} >"$R/content/usecases/req-uc-$1.md"
}
for k in title summary technologies fields tools kind contacts; do uc "$k"; done
printf -- '---\naffiliation: X\n---\n' >"$R/content/people/req-person-name.md"
printf -- '---\nmenu: 3\n---\n' >"$R/content/pages/req-page-title.md"
for k in title level start end; do
	{
		echo "---"
		for l in "title: H" "level: base" "start: 2023-01-02" "end: 2023-01-03"; do
			[ "${l%%:*}" = "$k" ] || echo "$l"
		done
		echo "---"
	} >"$R/content/hackathons/req-hack-$k.md"
done
printf -- '- {title: No date}\n- {date: 2023-01-02}\n' >"$R/content/seminars/req.yaml"
"$KBGEN" -C "$R" lint >"$TMP/req.out" 2>"$TMP/req.err"
rc required-exit-1 $? 1 "$TMP/req.err"
for k in title summary technologies fields tools kind contacts; do
	has "required use case $k" "$TMP/req.err" "usecases/req-uc-$k.md:2:1: error: use case is missing required key \"$k\""
done
has "required person name" "$TMP/req.err" "people/req-person-name.md:2:1: error: person is missing required key \"name\""
has "required page title" "$TMP/req.err" "pages/req-page-title.md:2:1: error: page is missing required key \"title\""
for k in title level start end; do
	has "required hackathon $k" "$TMP/req.err" "hackathons/req-hack-$k.md:2:1: error: hackathon is missing required key \"$k\""
done
has "required seminar date" "$TMP/req.err" "seminars/req.yaml:1:3: error: seminar is missing required key \"date\""
has "required seminar title" "$TMP/req.err" "seminars/req.yaml:2:3: error: seminar is missing required key \"title\""
expect "required: one error a missing key, no other" \
    "$(grep -c 'error: ' "$TMP/req.err")" 15 "$TMP/req.err"

# run: keys reach the job as kbgen(5) says: the default time limit is
# 30m; timeout, env and setup as given (job.json, which the driver reads).
mkdir -p "$TMP/home"
HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
chmod 755 "$TMP"
E=$TMP/ex
git_ init -q "$E"
printf 'print("hi")\n' >"$E/a.py"
commit "$E" one
X=$TMP/runkb
cp -r "$FIX" "$X"
rm -rf "$X/site" "$X/.kbgen"
mkuc "$X/content/usecases" uc-def "$E" a.py
mkuc "$X/content/usecases" uc-set "$E" a.py \
    '{timeout: 2m, env: {KB_A: "1"}, setup: ["true"]}'
timeout 120 "$KBGEN" -C "$X" sync uc-def uc-set >"$TMP/sync.out" 2>&1
rc run-sync $? 0 "$TMP/sync.out"
timeout 120 "$KBGEN" -C "$X" check uc-def uc-set >"$TMP/check.out" 2>&1
rc run-check $? 0 "$TMP/check.out"
jj() { js "$(ls "$X"/.kbgen/runs/"$1"/*/job.json | tail -1)" "$2"; }
expect run-default-timeout-30m "$(jj uc-def 'd["timeout"]')" 1800
expect run-default-gpu-0 "$(jj uc-def 'd["gpu"]')" 0
expect run-default-env-none "$(jj uc-def 'd["env"]')" "{}"
expect run-timeout-2m "$(jj uc-set 'd["timeout"]')" 120
expect run-env "$(jj uc-set 'd["env"]')" "{'KB_A': '1'}"
expect run-setup "$(jj uc-set 'd["setup"]')" "['true']"

# Markdown: headings get ids; a relative link to a content file leads
# to that entry's page.
has heading-id "$TMP/plain/hackathons/spring/index.html" '<h2 id="getting-there">'
has content-link "$TMP/plain/hackathons/spring/index.html" 'href="../../people/ada-rossi/index.html">Ada'"'"'s page</a>'
finish
