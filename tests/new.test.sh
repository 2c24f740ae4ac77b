#!/bin/sh
# kbgen new: a scaffold for each kind (usecase, person, hackathon,
# seminar, page) in a copy of tests/fixtures/kb.  Each file carries its
# schema comment, the author from git config (read with libgit2: the
# global file, then a repository's own), today's date (SOURCE_DATE_EPOCH),
# the allowed words and the terms of the taxonomy in comments, and a
# contact guessed from the author's email; lint refuses every value
# left to write (each "# TODO" line is a lint error at that line), and
# accepts the file once sed fills them.  Refused: an existing file (a
# dangling link too), a bad slug, an unknown kind, a folder with no
# content; a site's own templates/new/ wins, and a templates/ holding
# only new/ is not taken for a theme by build.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1700000000
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"
unset GIT_DIR GIT_WORK_TREE GIT_CONFIG_GLOBAL 2>/dev/null
mkdir -p "$TMP/home" "$TMP/other"
HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config GIT_CONFIG_NOSYSTEM=1
export HOME XDG_CONFIG_HOME GIT_CONFIG_NOSYSTEM
printf '[user]\n\tname = Ada Rossi\n\temail = Ada@Example.org\n' \
    >"$HOME/.gitconfig"
printf '[user]\n\tname = Carla Neri\n\temail = carla@example.org\n' \
    >"$TMP/other/.gitconfig"
K=$TMP/kb
cp -r "$FIX" "$K"
# ada-rossi's email is the git author's (in another case).
sed -i 's/^affiliation: INFN Pisa$/&\nemail: ada@example.org/' \
    "$K/content/people/ada-rossi.md"
"$KBGEN" -C "$K" lint --strict >"$TMP/lint0" 2>&1
rc "fixture: lints clean first" $? 0 "$TMP/lint0"

# --- what a scaffold holds ------------------------------------------------
U=$K/content/usecases/jet-tag.md
"$KBGEN" -C "$K" new usecase jet-tag --title 'Jet "tagging"' \
    >"$TMP/out" 2>"$TMP/err"
rc "new-usecase: exit 0" $? 0 "$TMP/err"
expect "new-usecase: prints the path" "$(cat "$TMP/out")" "$U"
expect "new-usecase: first lines" "$(sed -n 1,5p "$U")" '---
# yaml-language-server: $schema=../../schemas/usecase.schema.json
# Created by Ada Rossi <Ada@Example.org> on 2023-11-14 with kbgen new.
# Write every value marked TODO; kbgen lint refuses them until then.
title: "Jet \"tagging\""'
has "new-usecase: technologies listed" "$U" "#   CNN, RNN, LSTM, GNN"
has "new-usecase: fields listed" "$U" \
    "#   High Energy Physics, Medical Physics, Gravitational Waves"
has "new-usecase: tools listed" "$U" "#   Keras, TensorFlow, PyTorch"
has "new-usecase: kinds listed" "$U" \
    'kind: ""   # TODO: tutorial | application | package | technique | demo'
has "new-usecase: contact from the git author's email" "$U" \
    "contacts: [ada-rossi]   # people ids"
has "new-usecase: today's date" "$U" "added: 2023-11-14"
rm -f "$U"

# --- every kind: TODO lines are lint errors, filled ones pass ----------------
# scaffold KIND SLUG FILE SED: new (author with no person), lint (every
# TODO line an error at that line), fill with SED, lint --strict clean.
scaffold() {
	HOME=$TMP/other "$KBGEN" -C "$K" new "$1" "$2" >"$TMP/out" 2>"$TMP/err"
	rc "new-$1: exit 0" $? 0 "$TMP/err"
	f=$K/content/$3
	"$KBGEN" -C "$K" lint >"$TMP/lint" 2>&1
	rc "new-$1: lint refuses the scaffold" $? 1 "$TMP/lint"
	missing=
	for l in $(grep -n '# TODO' "$f" | cut -d: -f1); do
		grep -q "^$f:$l:[0-9]*: error: " "$TMP/lint" ||
		    missing="$missing $l"
	done
	expect "new-$1: every TODO line is a lint error" "$missing" "" \
	    "$TMP/lint"
	expect "new-$1: errors only in the new file" \
	    "$(grep ': error: ' "$TMP/lint" | grep -vc "^$f:")" 0 "$TMP/lint"
	sed -i "$4" "$f"
	expect "new-$1: filled, no TODO left" "$(grep -c '# TODO' "$f")" 0 "$f"
	"$KBGEN" -C "$K" lint --strict >"$TMP/lint" 2>&1
	rc "new-$1: filled, lint --strict passes" $? 0 "$TMP/lint"
}
scaffold usecase tag-b usecases/tag-b.md '
s/^title: "".*/title: B tagging/
s/^summary: "".*/summary: Tag b jets./
s/^technologies: \[\].*/technologies: [CNN, LSTM]/
s/^fields: \[\].*/fields: [HEP]/
s/^tools: \[\].*/tools: Keras/
s/^kind: "".*/kind: tutorial/
s/^contacts: \[\].*/contacts: [bruno-verdi]/'
scaffold person carla-neri people/carla-neri.md '
s/^name: "".*/name: Carla Neri/'
scaffold hackathon school-2027 hackathons/school-2027.md '
s/^title: "".*/title: School 2027/
s/^level: "".*/level: base/
s/^start: "".*/start: 2027-01-10/
s/^end: "".*/end: 2027-01-12/'
has "new-hackathon: session kinds listed (lint's words of programme.sessions.kind)" \
    "$K/content/hackathons/school-2027.md" \
    '# Session kinds: lecture | hands-on | seminar | exercise | break | social | other'
scaffold seminar seminars-2027 seminars/seminars-2027.yaml '
s/^- date: "".*/- date: 2027-03-01/
s/^  title: "".*/  title: A talk/'
scaffold page join pages/join.md '
s/^title: "".*/title: Join us/'
expect "new-person: author from another git config" \
    "$(sed -n 3p "$K/content/people/carla-neri.md")" \
    "# Created by Carla Neri <carla@example.org> on 2023-11-14 with kbgen new."
"$KBGEN" -q -C "$K" build >"$TMP/build" 2>&1
rc "new: the filled entries build" $? 0 "$TMP/build"
[ -f "$K/site/usecases/tag-b/index.html" ] && ok "new: the use case has its page" ||
    fail "new: the use case has its page" "no site/usecases/tag-b/index.html"

# --- refusals ------------------------------------------------------------------
P=$K/content/people/carla-neri.md
cp "$P" "$TMP/before"
"$KBGEN" -C "$K" new person carla-neri --title X >"$TMP/out" 2>"$TMP/err"
rc "new-exists: exit 1" $? 1 "$TMP/err"
expect "new-exists: message" "$(cat "$TMP/err")" \
    "kbgen: new: $P exists; not overwritten"
cmp -s "$P" "$TMP/before" && ok "new-exists: file untouched" ||
    fail "new-exists: file untouched" "changed" "$P"
ln -s nowhere "$K/content/people/ghost.md"
"$KBGEN" -C "$K" new person ghost >"$TMP/out" 2>"$TMP/err"
rc "new-exists: a dangling link is not replaced" $? 1 "$TMP/err"
expect "new-exists: the link stays" "$(readlink "$K/content/people/ghost.md")" \
    nowhere
rm -f "$K/content/people/ghost.md"
for s in Bad_Slug ../x X a.b 'a b' ''; do
	"$KBGEN" -C "$K" new usecase "$s" >"$TMP/out" 2>"$TMP/err"
	rc "new-bad-slug [$s]: exit 2" $? 2 "$TMP/err"
	expect "new-bad-slug [$s]: message" "$(cat "$TMP/err")" \
	    "kbgen: new: \"$s\" is not a valid slug (lower-case letters, digits and '-', starting with a letter or digit)"
done
expect "new-bad-slug: nothing written" \
    "$(find "$K/content" -newer "$TMP/before" -name '*x*' | wc -l)" 0
"$KBGEN" -C "$K" new event x >"$TMP/out" 2>"$TMP/err"
rc "new-kind: unknown kind exits 2" $? 2 "$TMP/err"
expect "new-kind: message" "$(cat "$TMP/err")" 'kbgen: new: unknown kind "event"
usage: kbgen new usecase|person|hackathon|seminar|page SLUG [--title TITLE]'
"$KBGEN" -C "$K" new usecase >"$TMP/out" 2>"$TMP/err"
rc "new-args: no slug exits 2" $? 2 "$TMP/err"
expect "new-args: message" "$(head -1 "$TMP/err")" \
    "kbgen: new: give a kind and a slug"
mkdir "$TMP/empty"
"$KBGEN" -C "$TMP/empty" new usecase x >"$TMP/out" 2>"$TMP/err"
rc "new-nokb: exit 1" $? 1 "$TMP/err"
expect "new-nokb: message" "$(cat "$TMP/err")" \
    "kbgen: new: no content folder in $TMP/empty (kbgen init DIR makes a knowledge base)"
"$KBGEN" -C "$K" new usecase x --runner slurm >"$TMP/out" 2>"$TMP/err"
rc "new-option: an option of another command is refused" $? 2 "$TMP/err"

# --- the author: a repository's own config first, none at all -------------------
(cd "$K" && git init -q && git config user.name "Repo Person" &&
    git config user.email repo@example.org)
"$KBGEN" -C "$K" new page repo-page --title R >/dev/null 2>"$TMP/err"
expect "new-author: the repository's user.name wins" \
    "$(sed -n 3p "$K/content/pages/repo-page.md")" \
    "# Created by Repo Person <repo@example.org> on 2023-11-14 with kbgen new."
rm -rf "$K/.git"
mkdir -p "$TMP/nobody"
HOME=$TMP/nobody "$KBGEN" -C "$K" new page anon --title A >/dev/null 2>"$TMP/err"
expect "new-author: none configured" "$(sed -n 3p "$K/content/pages/anon.md")" \
    "# Created by unknown (git config user.name is not set) on 2023-11-14 with kbgen new."

# A name with a newline (git config's \n) stays inside its comment.
mkdir -p "$TMP/evil"
printf '[user]\n\tname = "Eve\\ninjected: 1"\n\temail = e@example.org\n' \
    >"$TMP/evil/.gitconfig"
HOME=$TMP/evil "$KBGEN" -C "$K" new page evil --title E >/dev/null 2>"$TMP/err"
expect "new-author: a newline in the name is a space" \
    "$(sed -n 3p "$K/content/pages/evil.md")" \
    "# Created by Eve injected: 1 <e@example.org> on 2023-11-14 with kbgen new."
"$KBGEN" -C "$K" lint --strict >"$TMP/lint" 2>&1
rc "new-author: and adds no key" $? 0 "$TMP/lint"

# --- a site's own scaffold ------------------------------------------------------
mkdir -p "$K/templates/new"
printf -- '---\ntitle: {{{title}}}\n# ours: {{slug}}, {{date}}\n---\nOurs.\n' \
    >"$K/templates/new/page.md"
"$KBGEN" -C "$K" new page ours --title Ours >/dev/null 2>"$TMP/err"
expect "new-override: the site's templates/new/page.md" \
    "$(cat "$K/content/pages/ours.md")" '---
title: "Ours"
# ours: ours, 2023-11-14
---
Ours.'
"$KBGEN" -C "$K" new person from-theme --title T >/dev/null 2>"$TMP/err"
has "new-override: other kinds from the theme" \
    "$K/content/people/from-theme.md" "# yaml-language-server:"
"$KBGEN" -q -C "$K" build >"$TMP/build" 2>&1
rc "new-override: build takes templates/ with only new/ for no theme" $? 0 \
    "$TMP/build"
finish
