#!/bin/sh
# kbgen query: the use cases carrying every term, from the index that a
# build leaves in DIR/.kbgen; one "slug<TAB>title" line each.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
. "$PWD/tests/lib.sh"
trap 'rm -rf "$TMP"' EXIT
K=$TMP/kb
TAB=$(printf '\t')
BD="breast-density${TAB}Breast density with CNN"
BT="btagging${TAB}Jet b-tagging in CMS"
JG="jet-gnn${TAB}Jets as graphs"

cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"

# Before any build: a clear message, a non-zero exit, no output.
"$KBGEN" -C "$K" query technology=CNN >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ] && [ ! -s "$TMP/out" ] &&
    grep -q 'no index' "$TMP/err" && grep -q 'kbgen build' "$TMP/err"; then
	ok "query-before-build"
else
	fail "query-before-build" "exit $rc"; cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
fi
[ -e "$K/.kbgen/data.mdb" ] && fail "query-before-build-no-index" "it created an index" ||
    ok "query-before-build-no-index"

if ! "$KBGEN" -q -C "$K" build 2>"$TMP/err"; then
	fail "build" "the fixture does not build" "$TMP/err"
	finish
fi

# q NAME WANT-STATUS WANT-STDOUT ARGS...: run a query, compare exit
# status and the output (sorted, one use case a line)
q() {
	name=$1 want_rc=$2 want=$3
	shift 3
	"$KBGEN" -C "$K" query "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	printf '%s' "$want" | sed '/^$/d' >"$TMP/want"
	[ -s "$TMP/want" ] && echo >>"$TMP/want"
	sort "$TMP/want" -o "$TMP/want"
	sort "$TMP/out" >"$TMP/got"
	if [ $rc -ne "$want_rc" ]; then
		fail "$name" "exit $rc, want $want_rc"
		cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
	elif ! cmp -s "$TMP/want" "$TMP/got"; then
		fail "$name" "output differs (-want +got)"
		diff "$TMP/want" "$TMP/got" | sed -n 's/^[<>]/    &/p'
	else
		ok "$name"
	fi
}

NL='
'
q cnn 0 "$BD$NL$BT" technology=CNN
q alias-convnet 0 "$BD$NL$BT" technology=ConvNet
q cnn-hep-alias 0 "$BT" technology=CNN field=HEP
q three-dims-case-and-aliases 0 "$BT" technology=cnn field="High Energy Physics" tool=TF
q field-hep 0 "$BT$NL$JG" field="high energy physics"
q two-contact-field 0 "$JG" technology=GNN field=HEP tool=PyTorch
q no-match-disjoint 0 "" technology=GNN field="Medical Physics"
q term-without-usecase 0 "" field="Gravitational Waves"
# A use case of LSTM is one of its broader term RNN too.
q broader-term 0 "$BT" technology=RNN
q draft-not-indexed 0 "" field="Gravitational Waves"

# Output is sorted by slug and tab-separated, exactly.
"$KBGEN" -C "$K" query technology=CNN >"$TMP/out" 2>/dev/null
printf '%s\n%s\n' "$BD" "$BT" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/out" && ok "exact-format" ||
    { fail "exact-format" "not the sorted tab-separated lines"; cat -A "$TMP/out" | sed 's/^/    /'; }

# An unknown term: non-zero, and the nearest known term suggested.
"$KBGEN" -C "$K" query technology=CNX >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ] && [ ! -s "$TMP/out" ] &&
    grep -qF 'unknown technology "CNX"; did you mean "CNN"' "$TMP/err"; then
	ok "unknown-term"
else
	fail "unknown-term" "exit $rc"; cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
fi
"$KBGEN" -C "$K" query field=HEPP >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ] && grep -qF 'did you mean' "$TMP/err"; then
	ok "unknown-field"
else
	fail "unknown-field" "exit $rc"; cat "$TMP/err" | sed 's/^/    /'
fi

# Usage errors exit 2.
"$KBGEN" -C "$K" query foo=bar >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && [ -s "$TMP/err" ]; then
	ok "unknown-dimension"
else
	fail "unknown-dimension" "exit $rc, want 2"; cat "$TMP/err" | sed 's/^/    /'
fi
"$KBGEN" -C "$K" query technology >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "no-equals-sign" || fail "no-equals-sign" "exit $rc, want 2"

# The index follows the content: after an edit and a rebuild, the answer
# changes.
sed -i 's/^technologies: .*/technologies: [GNN, CNN]/' "$K/content/usecases/jet-gnn.md"
"$KBGEN" -q -C "$K" build 2>/dev/null
q reindexed 0 "$BD$NL$BT$NL$JG" technology=ConvNet

# kbgen query only reads: it works on an index it may not write, a
# folder without write permission (as a user who is not root, who
# could write anyway) and a read-only mount (bwrap), and it gives the
# same answer as with write access.
"$KBGEN" -C "$K" query technology=CNN >"$TMP/want" 2>/dev/null
chmod 755 "$TMP"
chmod -R a-w "$K/.kbgen"
if [ "$(id -u)" -eq 0 ]; then
	asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# The user must reach the binary and the knowledge base.
	if ! $asuser test -x "$KBGEN" || ! $asuser test -r "$K/.kbgen/data.mdb"; then
		asuser=
	fi
else
	asuser=env
fi
if [ -z "$asuser" ]; then
	skip read-only-folder "user 65534 cannot reach $KBGEN"
else
	$asuser "$KBGEN" -C "$K" query technology=CNN >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ ! -s "$TMP/err" ]; then
		ok "read-only-folder"
	else
		fail "read-only-folder" "exit $rc"; cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
	fi
fi
chmod -R u+w "$K/.kbgen"
if ! command -v bwrap >/dev/null 2>&1; then
	skip read-only-mount "no bwrap"
elif ! bwrap --bind / / true 2>"$TMP/err"; then
	skip read-only-mount "bwrap cannot run here: $(head -1 "$TMP/err")"
else
	bwrap --bind / / --ro-bind "$K/.kbgen" "$K/.kbgen" \
	    "$KBGEN" -C "$K" query technology=CNN >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ ! -s "$TMP/err" ]; then
		ok "read-only-mount"
	else
		fail "read-only-mount" "exit $rc"; cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
	fi
	# kbgen status only reads the index too.
	"$KBGEN" -C "$K" status >"$TMP/want" 2>/dev/null
	bwrap --bind / / --ro-bind "$K/.kbgen" "$K/.kbgen" \
	    "$KBGEN" -C "$K" status >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ -s "$TMP/out" ] &&
	    [ ! -s "$TMP/err" ]; then
		ok "status-read-only-mount"
	else
		fail "status-read-only-mount" "exit $rc"; cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
	fi
fi
finish
