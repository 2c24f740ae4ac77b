#!/bin/sh
# kill -9 at random moments.  (1) A knowledge base (tests/fixtures/kb
# and NUC generated use cases) is built as site A; a title changes to
# give site B, built once with -o to know its bytes.  Then, ROUNDS
# times: the content is set to the site that is not there, `kbgen
# build --force` starts and is killed with SIGKILL after a random delay
# within its measured duration (from /dev/urandom); site/ must be
# byte-identical to the old or the new site, the only folders beside it
# are the "site.new-PID" of the killed builds (by design: the next build
# removes them, site.c clean_stale) and "site.prev" (the site before,
# which the next build updates and swaps in, or removes when the store
# cannot vouch for it), and the store opens (kbgen query,
# mdb_stat).  Then a normal build (no --force, so that it trusts the
# fingerprints and hashes that the killed build may have left half
# written), back to the old content or on to the new, must give exactly
# that site and leave no site.new-* behind.  The same, three times, with
# the kill at the moment site/ is swapped (its inode changes), while the
# build records what it published.  Then a --force build.
# (2) `kbgen check` killed while its job sleeps: the store opens,
# `kbgen status --json` parses, the next check marks the run
# interrupted and finishes, and no process of the job is left.  (2)
# needs root, a usable /usr/bin/bwrap and python3-nbclient (as
# check.test.sh); without them it is skipped.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
NB=$PWD/tests/fixtures/notebooks
NUC=${KILL_TEST_NUC:-400}
ROUNDS=${KILL_TEST_ROUNDS:-24}
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
. "$PWD/tests/lib.sh"
TMP=$(mktemp -d)
chmod 755 "$TMP"	# jobs run as nobody when we are root
TAG=k$$$(date +%s)
BG=''
trap '[ -n "$BG" ] && kill -9 "$BG" 2>/dev/null
    [ -n "$KILL_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
mkdir -p "$TMP/home"
HOME=$TMP/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY KBGEN_GIT_TOKEN GIT_DIR GIT_WORK_TREE 2>/dev/null
PY=/usr/bin/python3

if [ ! -x "$KBGEN" ]; then
	fail prerequisites "no $KBGEN (make kbgen)"
	finish
fi
for t in od sleep diff; do
	command -v $t >/dev/null 2>&1 || { fail prerequisites "no $t"; finish; }
done
# ms: a monotonic-enough clock in milliseconds
ms() { echo $(($(date +%s%N) / 1000000)); }
# rnd N: a random number in 0..N-1 (from /dev/urandom, not $RANDOM)
rnd() { echo $(($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1)); }
# same DIR1 DIR2: byte-identical trees
same() { diff -r "$1" "$2" >/dev/null 2>&1; }
# store NAME: the store opens and answers
store() {
	if timeout 60 "$KBGEN" -C "$K" query technology=CNN >"$TMP/q.out" \
	    2>"$TMP/q.err" && grep -q '^btagging' "$TMP/q.out"; then
		:
	else
		fail "$1" "kbgen query failed" "$TMP/q.err" "$TMP/q.out"
		return 1
	fi
	if command -v mdb_stat >/dev/null 2>&1 &&
	    ! mdb_stat -a "$K/.kbgen" >"$TMP/q.err" 2>&1; then
		fail "$1" "mdb_stat failed" "$TMP/q.err"
		return 1
	fi
	return 0
}

# --- (1) kbgen build --force, killed ---------------------------------

K=$TMP/kb
cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
U=$K/content/usecases
i=0
while [ $i -lt "$NUC" ]; do
	mkuc "$U" "gen-$i" "https://git.example.org/gen-$i.git" gen.ipynb
	i=$((i + 1))
done
# Pages show today's date: one day for every build of the suite.
SOURCE_DATE_EPOCH=$(date +%s)
export SOURCE_DATE_EPOCH
TA="title: Jet b-tagging in CMS"
TB="title: Jet b-tagging in CMS, revised"
# to A|B: the content of site A or B
to() {
	if [ "$1" = A ]; then t=$TA; else t=$TB; fi
	sed -i "s/^title: Jet b-tagging in CMS.*/$t/" "$U/btagging.md"
}
"$KBGEN" -C "$K" build --force >"$TMP/a.out" 2>&1
rc build-a $? 0 "$TMP/a.out"
cp -a "$K/site" "$TMP/A"
to B
t0=$(ms)
"$KBGEN" -C "$K" build --force -o "$TMP/B" >"$TMP/b.out" 2>&1
r=$?
DUR=$(($(ms) - t0))
rc build-b $r 0 "$TMP/b.out"
if same "$TMP/A" "$TMP/B"; then fail a-differs-from-b "one site"; fi
has b-has-title "$TMP/B/usecases/btagging/index.html" "CMS, revised"
# Two more measures, of builds into site/ (and back to A there); the
# shortest counts.  The rounds adjust it: shorter after a build that
# ended before its kill, longer after one killed.
for x in B A; do
	to $x
	t0=$(ms)
	"$KBGEN" -C "$K" build --force >"$TMP/a2.out" 2>&1
	d=$(($(ms) - t0))
	[ $d -lt "$DUR" ] && DUR=$d
done
echo "# a build takes $DUR ms ($NUC use cases); $ROUNDS rounds"

ls -A "$K/.kbgen" >"$TMP/store.before"
T0=$(ms)

killed=0 done_=0 stale='' badsite=0 badleft=0 badstore=0 badnext=0
badclean=0 cur=A
n=1
while [ $n -le "$ROUNDS" ]; do
	# Each killed build goes from the site there to the other one; the
	# next build goes back (odd rounds) or on (even rounds), so that
	# both directions and both kinds of next build come.
	if [ $cur = A ]; then want=B; else want=A; fi
	if [ $((n % 2)) -eq 1 ]; then next=$cur; else next=$want; fi
	to $want
	[ "$DUR" -lt 20 ] && DUR=20
	d=$(rnd $((DUR + DUR / 5)))
	"$KBGEN" -C "$K" build --force >"$TMP/k.out" 2>&1 &
	BG=$!
	sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"
	kill -9 "$BG" 2>/dev/null
	{ wait "$BG"; } 2>/dev/null
	r=$?
	pid=$BG
	BG=
	if [ $r -eq 137 ]; then killed=$((killed + 1)) DUR=$((DUR + DUR / 20))
	elif [ $r -eq 0 ]; then done_=$((done_ + 1)) DUR=$((DUR - DUR / 10))
	else
		fail "round-$n-exit" "build exit $r after $d ms" "$TMP/k.out"
	fi
	stale="$stale site.new-$pid"
	if same "$K/site" "$TMP/$cur"; then got=$cur
	elif same "$K/site" "$TMP/$want"; then got=$want
	else
		got=none badsite=$((badsite + 1))
		diff -r "$K/site" "$TMP/$want" >"$TMP/round-$n.diff" 2>&1
		fail "round-$n-site" "killed after $d ms: site/ is neither the old $cur nor the new $want" "$TMP/round-$n.diff"
	fi
	# Beside site/: only the folders of killed builds, nothing else.
	for f in $(ls -A "$K"); do
		case "$f" in
		content|site|site.prev|.kbgen) ;;
		*)	case " $stale " in
			*" $f "*) ;;
			*)	badleft=$((badleft + 1))
				fail "round-$n-leftover" "$f beside site/ after $d ms" ;;
			esac ;;
		esac
	done
	store "round-$n-store" || badstore=$((badstore + 1))
	# The next, normal build trusts what the killed one left.
	to $next
	"$KBGEN" -C "$K" build >"$TMP/n.out" 2>&1
	r=$?
	if [ $r -ne 0 ]; then
		badnext=$((badnext + 1))
		fail "round-$n-next-build" "exit $r (killed after $d ms, site was $got)" "$TMP/n.out"
	elif ! same "$K/site" "$TMP/$next"; then
		badnext=$((badnext + 1))
		diff -r "$K/site" "$TMP/$next" >"$TMP/round-$n.diff" 2>&1
		fail "round-$n-next-site" "killed after $d ms (site was $got), the next build did not give site $next" "$TMP/n.out" "$TMP/round-$n.diff"
	fi
	left=$(cd "$K" && ls -d site.new-* 2>/dev/null)
	if [ -n "$left" ]; then
		badclean=$((badclean + 1))
		fail "round-$n-next-cleans" "killed after $d ms, the next build left $left" "$TMP/n.out"
		(cd "$K" && rm -rf site.new-*)
	fi
	cur=$next
	n=$((n + 1))
done
echo "# $killed builds killed, $done_ finished before the kill ($(($(ms) - T0)) ms so far)"
expect kill-site-old-or-new "$badsite" 0
expect kill-nothing-else-left "$badleft" 0
expect kill-store-opens "$badstore" 0
expect kill-next-build-whole "$badnext" 0
expect kill-next-build-cleans "$badclean" 0
if [ "$killed" -ge $((ROUNDS / 3)) ]; then ok kill-builds-interrupted
else fail kill-builds-interrupted "only $killed of $ROUNDS builds were killed before they ended"; fi
ls -A "$K/.kbgen" >"$TMP/store.after"
if cmp -s "$TMP/store.before" "$TMP/store.after"; then ok kill-store-no-temp
else fail kill-store-no-temp "new files in .kbgen: $(comm -13 "$TMP/store.before" "$TMP/store.after" | tr '\n' ' ')"; fi
# Killed right after the swap, while it records what it published: the
# moment the inode of site/ changes.  The next normal build, back to
# the other content, must not trust the old records.
badswap=0 hit=0
n=1
while [ $n -le 3 ]; do
	if [ $((n % 2)) -eq 1 ]; then want=B other=A; else want=A other=B; fi
	to $other
	"$KBGEN" -C "$K" build --force >"$TMP/w.out" 2>&1
	to $want
	ino=$(stat -c %i "$K/site")
	"$KBGEN" -C "$K" build --force >"$TMP/k.out" 2>&1 &
	BG=$!
	while kill -0 "$BG" 2>/dev/null &&
	    [ "$(stat -c %i "$K/site" 2>/dev/null)" = "$ino" ]; do :; done
	kill -9 "$BG" 2>/dev/null
	{ wait "$BG"; } 2>/dev/null
	[ $? -eq 137 ] && hit=$((hit + 1))
	BG=
	if ! same "$K/site" "$TMP/$want"; then
		badswap=$((badswap + 1))
		fail "swap-$n-site" "site/ is not $want after the swap"
	fi
	store "swap-$n-store" || badswap=$((badswap + 1))
	to $other
	"$KBGEN" -C "$K" build >"$TMP/n.out" 2>&1
	r=$?
	if [ $r -ne 0 ]; then
		badswap=$((badswap + 1))
		fail "swap-$n-next-build" "exit $r" "$TMP/n.out"
	elif ! same "$K/site" "$TMP/$other"; then
		badswap=$((badswap + 1))
		diff -r "$K/site" "$TMP/$other" >"$TMP/swap-$n.diff" 2>&1
		fail "swap-$n-next-site" "killed after the swap, the next build did not give site $other" "$TMP/n.out" "$TMP/swap-$n.diff"
	fi
	left=$(cd "$K" && ls -d site.new-* 2>/dev/null)
	if [ -n "$left" ]; then
		badswap=$((badswap + 1))
		fail "swap-$n-next-cleans" "the next build left $left" "$TMP/n.out"
	fi
	n=$((n + 1))
done
echo "# $hit of 3 builds killed after the swap, before their end"
if [ "$hit" -ge 1 ]; then ok kill-after-swap-happened
else fail kill-after-swap-happened "every build ended before the kill"; fi
expect kill-after-swap-next-build-whole "$badswap" 0

# After it all, a normal --force build.
to A
"$KBGEN" -C "$K" build --force >"$TMP/f.out" 2>&1
rc kill-final-build $? 0 "$TMP/f.out"
if same "$K/site" "$TMP/A"; then ok kill-final-site
else fail kill-final-site "site/ is not A"; fi
expect kill-final-clean "$(cd "$K" && ls -A | tr '\n' ' ')" ".kbgen content site "

echo "# (1) took $(($(ms) - T0)) ms after the first builds"
T0=$(ms)

# --- (2) kbgen check, killed -----------------------------------------

if [ "$(id -u)" -ne 0 ]; then
	skip check-killed "not root (jobs would run as you)"
	finish
fi
if [ ! -x /usr/bin/bwrap ] || ! /usr/bin/bwrap --ro-bind / / --unshare-all \
    true 2>/dev/null; then
	skip check-killed "no usable /usr/bin/bwrap"
	finish
fi
if ! "$PY" -c 'import nbclient, ipykernel' 2>/dev/null; then
	skip check-killed "no python3-nbclient/ipykernel for $PY"
	finish
fi
command -v git >/dev/null 2>&1 || { fail check-killed "no git"; finish; }
unset SOURCE_DATE_EPOCH

# left WORD: processes (any user, zombies aside) whose command line
# holds WORD, once they had up to 5 s to go
left() {
	i=0
	while [ $i -lt 50 ]; do
		n=$(ps -eo stat=,args= 2>/dev/null | grep -v '^Z' |
		    grep -v grep | grep -c -- "$1")
		[ "$n" -eq 0 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "$n"
}

R=$TMP/git/slow
git_ init -q "$R"
# The example sleeps as long as its run.env says; a unique name to be
# found in ps.
cat >"$R/sleep_$TAG.py" <<'EOF'
import os
import time
with open("pid", "w") as f:
    f.write("%d\n" % os.getpid())
print("sleeping", flush=True)
time.sleep(float(os.environ.get("KILL_SLEEP", "30")))
print("awake")
EOF
commit "$R" one
K=$TMP/kb2
cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
U=$K/content/usecases
# The fixture's site.yaml says sync: {allow_local: true}: the
# repository below is a local path.
grep -q '^sync:' "$K/content/site.yaml" ||
    printf 'sync: {allow_local: true}\n' >>"$K/content/site.yaml"
mkuc "$U" uc-slow "$R" "sleep_$TAG.py" '{timeout: 60s, env: {KILL_SLEEP: "30"}}'
timeout 120 "$KBGEN" -C "$K" sync uc-slow >"$TMP/sync.out" 2>"$TMP/sync.err"
rc check-sync $? 0 "$TMP/sync.err"
timeout 120 "$KBGEN" -C "$K" build >"$TMP/b2.out" 2>&1
rc check-build $? 0 "$TMP/b2.out"
if grep -q 'error:' "$TMP/sync.err"; then
	fail check-sync-no-error "an error in sync's output" "$TMP/sync.err"
else ok check-sync-no-error; fi

"$KBGEN" -C "$K" check uc-slow >"$TMP/c1.out" 2>"$TMP/c1.err" &
BG=$!
if wait_for "$K/.kbgen/runs/uc-slow/*/work/src/pid"; then
	sleep 0.5
	ok check-job-started
	kill -9 "$BG"
	wait "$BG" 2>/dev/null
	BG=
	expect check-killed-no-job-left "$(left "sleep_$TAG")" 0
	store check-killed-store-opens && ok check-killed-store-opens
	timeout 60 "$KBGEN" -C "$K" status --json >"$TMP/s1.json" 2>"$TMP/s1.err"
	rc check-killed-status $? 0 "$TMP/s1.err"
	expect check-killed-status-parses "$(js "$TMP/s1.json" 'type(d).__name__ in ("dict", "list")')" True "$TMP/s1.json"
	# The next check: the run is marked interrupted, the job (now
	# quick) runs to its end.
	mkuc "$U" uc-slow "$R" "sleep_$TAG.py" '{timeout: 60s, env: {KILL_SLEEP: "0"}}'
	sleep 1
	timeout 120 "$KBGEN" -C "$K" check uc-slow >"$TMP/c2.out" 2>"$TMP/c2.err"
	rc check-next-exit-0 $? 0 "$TMP/c2.err"
	has check-next-marks-interrupted "$TMP/c2.err" "check: uc-slow: the run of "
	has check-next-passes "$TMP/c2.err" "uc-slow: pass"
	timeout 60 "$KBGEN" -C "$K" status --json >"$TMP/s2.json" 2>"$TMP/s2.err"
	expect check-next-status "$(js "$TMP/s2.json" 'by("uc-slow")["status"]')" pass "$TMP/s2.json"
	expect check-next-no-job-left "$(left "sleep_$TAG")" 0
	store check-next-store-opens && ok check-next-store-opens
	echo "# (2) took $(($(ms) - T0)) ms"
else
	fail check-job-started "the sleeping example did not start" "$TMP/c1.err"
	kill -9 "$BG" 2>/dev/null
	BG=
fi
finish
