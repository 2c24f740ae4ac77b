#!/bin/sh
# kbgen check and kbgen status, end to end, with the real local runner
# (bubblewrap) and the real job driver.  Fixture repositories are made
# here with the git CLI and named by path; the examples come from
# tests/fixtures/notebooks and tests/fixtures/check.  Cases: a passing
# notebook (badge, page, status page, status.json, home share), a failing
# cell (traceback in the terminal and on the page, JUnit, JSON), an
# endless loop (timeout, the others go on), a memory eater (run.memory),
# a fork bomb (stopped, nothing left behind, the other jobs go on), a
# 2 GiB file and endless output (RLIMIT_FSIZE, output kept to 1 MiB), a
# network connection (blocked; allowed with run.network), writes outside
# the job folder (blocked), a notebook asking for a kernel that is not
# installed; the cache (reuse, --force, --changed, max_age, run limits in
# the key), a regression (exit 1, status/feed.xml), an interrupted check
# (SIGKILL of kbgen, then Ctrl-C: exit 130, recorded), --hackathon,
# sandbox: none, an unknown runner, a use case not synced, the piped and
# the live progress output.
#
# As root, kbgen runs jobs as "nobody"; leftovers are looked for among
# that user's processes by the unique names of the examples.  The fork
# bomb is skipped when not root (it would run as you).  Needs bwrap and
# python3-nbclient; without them every case is skipped.
KBGEN=${KBGEN:-$PWD/kbgen}
NB=$PWD/tests/fixtures/notebooks
EX=$PWD/tests/fixtures/check
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
TMP=$(mktemp -d)
# Jobs run as nobody when we are root: every folder above a job folder
# must be open to it.
chmod 755 "$TMP"
TAG=$$$(date +%s)
SRV='' BG=''
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$BG" ] && kill -9 "$BG" 2>/dev/null
    rm -f "/tmp/kbgen-host-$TAG"
    [ -n "$CHECK_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

PY=/usr/bin/python3
mkdir -p "$TMP/home"
HOME=$TMP/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY KBGEN_GIT_TOKEN GIT_DIR GIT_WORK_TREE 2>/dev/null
G=$TMP/git		# the "remote" repositories
K=$TMP/kb		# the knowledge base
S=$K/site
U=$K/content/usecases
SY=$K/content/site.yaml

. "$PWD/tests/lib.sh"
# kb ARGS...: kbgen with a bound on time
kb() { timeout 120 "$KBGEN" "$@"; }
page() { echo "$S/usecases/$1/index.html"; }
build() { kb -C "$K" build --force >"$TMP/build.out" 2>&1; }
status_json() { kb -C "$K" status --json >"$TMP/$1.json" 2>"$TMP/$1.err"; }
# jobdir SLUG: the newest job folder of SLUG
jobdir() { ls -d "$K/.kbgen/runs/$1"/*/ 2>/dev/null | sort | tail -1; }
# size FILE: bytes (0 when missing)
size() { [ -f "$1" ] && wc -c <"$1" | tr -d ' ' || echo 0; }
JOBUSER=$(id -un)
[ "$(id -u)" -eq 0 ] && JOBUSER=nobody
# left WORD: processes of the job user, zombies aside, whose command
# line holds WORD, once they had up to 5 s to go
left() {
	i=0
	while [ $i -lt 50 ]; do
		n=$(ps -u "$JOBUSER" -o stat=,args= 2>/dev/null |
		    grep -v '^Z' | grep -c -- "$1")
		[ "$n" -eq 0 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "$n"
}

# --- prerequisites ---------------------------------------------------

if [ ! -x /usr/bin/bwrap ] || ! "$PY" -c 'import nbclient, ipykernel' \
    2>/dev/null || ! /usr/bin/bwrap --ro-bind / / --unshare-all true \
    2>/dev/null; then
	skip check "no usable bubblewrap or python3-nbclient here"
	finish
fi

# --- the repositories ------------------------------------------------

# ex: the examples that share one repository (and so one commit)
R=$G/ex
git_ init -q "$R"
cp "$NB/pass.ipynb" "$NB/fail.ipynb" "$R/"
cp "$EX/loop.py" "$EX/mem.py" "$EX/bigfile.py" "$EX/chatty.py" \
    "$EX/net.py" "$EX/outside.py" "$EX/nokernel.ipynb" "$R/"
# unique names, to find their processes
cp "$EX/forkbomb.py" "$R/forkbomb_$TAG.py"
cp "$NB/sleep.py" "$R/sleep_$TAG.py"
cat >"$R/buddy.py" <<'EOF'
# Starts a process a while after the start, then passes.
import subprocess, time
time.sleep(1.5)
subprocess.run(["/bin/true"], check=True)
print("buddy ok")
EOF
echo "numpy" >"$R/requirements.txt"
commit "$R" one
# deps: one use case, whose dependency file changes (--changed)
D=$G/deps
git_ init -q "$D"
cp "$NB/ok.py" "$D/ok.py"
echo "numpy>=1" >"$D/requirements.txt"
commit "$D" one
# reg: one use case that passes, then breaks (a regression)
RG=$G/reg
git_ init -q "$RG"
echo "print('fine')" >"$RG/reg.py"
commit "$RG" one

# A listener on the host for the network cases.
cat >"$TMP/srv.py" <<'EOF'
import os, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write(c.recv(100).decode(errors="replace"))
    c.close()
EOF
: >"$TMP/conns"
"$PY" "$TMP/srv.py" "$TMP/port" "$TMP/conns" &
SRV=$!
wait_for "$TMP/port"
PORT=$(cat "$TMP/port")

# --- the knowledge base ----------------------------------------------

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
# btagging points at a repository that does not exist: never synced.
sed -i "s|^  url: .*|  url: $G/nowhere|" "$U/btagging.md"
cat >>"$SY" <<'EOF'
check:
  max_age: 7d
EOF
mkdir -p "$TMP/hostdir"
chmod 1777 "$TMP/hostdir"
OUTSIDE="/tmp/kbgen-host-$TAG:/etc/kbgen-$TAG:$K/content/evil-$TAG.md:$K/.kbgen/evil-$TAG:$TMP/hostdir/f-$TAG"
mkuc "$U" uc-pass "$R" pass.ipynb
mkuc "$U" uc-fail "$R" fail.ipynb
mkuc "$U" uc-loop "$R" loop.py "{timeout: 5s}"
mkuc "$U" uc-mem "$R" mem.py "{timeout: 20s, memory: 200M}"
mkuc "$U" uc-big "$R" bigfile.py "{timeout: 30s}"
mkuc "$U" uc-chatty "$R" chatty.py "{timeout: 15s}"
mkuc "$U" uc-net "$R" net.py "{timeout: 10s, env: {KB_PORT: \"$PORT\"}}"
mkuc "$U" uc-neton "$R" net.py "{timeout: 10s, network: true, env: {KB_PORT: \"$PORT\"}}"
mkuc "$U" uc-outside "$R" outside.py "{timeout: 10s, env: {KB_PATHS: \"$OUTSIDE\"}}"
mkuc "$U" uc-nokernel "$R" nokernel.ipynb "{timeout: 30s}"
mkuc "$U" uc-fork "$R" "forkbomb_$TAG.py" "{timeout: 5s}"
mkuc "$U" uc-buddy "$R" buddy.py "{timeout: 20s}"
mkuc "$U" uc-py "$D" ok.py "{timeout: 20s}"
mkuc "$U" uc-reg "$RG" reg.py "{timeout: 20s}"
mkdir -p "$K/content/hackathons"
cat >"$K/content/hackathons/hack.md" <<'EOF'
---
title: Test hackathon
level: base
start: 2024-03-04
end: 2024-03-05
exercises: [uc-py, uc-fail]
---
Two exercises.
EOF

kb -C "$K" sync >"$TMP/sync.out" 2>"$TMP/sync.err"
rc sync $? 0 "$TMP/sync.err"

# --- before any check ------------------------------------------------

kb -C "$K" check --runner nope >"$TMP/c0.out" 2>"$TMP/c0.err"
rc unknown-runner-exit-2 $? 2 "$TMP/c0.err"
has unknown-runner-message "$TMP/c0.err" 'unknown runner "nope"'
kb -C "$K" check --hackathon nope >"$TMP/c0.out" 2>"$TMP/c0.err"
rc unknown-hackathon-exit-2 $? 2 "$TMP/c0.err"
kb -C "$K" check no-such-uc >"$TMP/c0.out" 2>"$TMP/c0.err"
rc unknown-slug-exit-2 $? 2 "$TMP/c0.err"
kb -C "$K" check btagging >"$TMP/c0.out" 2>"$TMP/c0.err"
rc not-synced-exit-0 $? 0 "$TMP/c0.err"
has not-synced-message "$TMP/c0.err" "btagging: not synced"
has not-synced-summary "$TMP/c0.err" "1 not run"
if [ -d "$K/.kbgen/runs/btagging" ]; then
	fail not-synced-no-job "a job folder was made"
else ok not-synced-no-job; fi

# --- the first check: every kind of example but the fork bomb and the
# slow one -------------------------------------------------------------

B1="uc-pass uc-fail uc-loop uc-mem uc-big uc-chatty uc-net uc-neton uc-outside uc-nokernel uc-py uc-reg btagging"
NB1=13
t0=$(date +%s)
kb -C "$K" check $B1 --jobs 3 --junit "$TMP/j1.xml" --json "$TMP/r1.json" \
    >"$TMP/c1.out" 2>"$TMP/c1.err"
rc first-check-exit-0 $? 0 "$TMP/c1.err"
t1=$(date +%s)
if [ $((t1 - t0)) -lt 60 ]; then ok first-check-time
else fail first-check-time "took $((t1 - t0)) s"; fi
n=$(grep -c "^check: \[[0-9]*/12\] " "$TMP/c1.err")
expect pipe-one-line-per-job "$n" 12 "$TMP/c1.err"
if grep -q "$(printf '\r')" "$TMP/c1.err"; then
	fail pipe-no-live-view "carriage return in piped output"
else ok pipe-no-live-view; fi
has summary-line "$TMP/c1.err" "kbgen: checked $NB1 examples"
has json-parses "$TMP/r1.json" '"slug"'
expect json-one-per-use-case "$(js "$TMP/r1.json" 'len(d)')" "$NB1"
expect json-not-cached "$(js "$TMP/r1.json" 'by("uc-pass")["cached"]')" False
status_json s1
st() { js "$TMP/s1.json" "by('$1').get('$2')"; }

# Passing notebook.
expect pass-status "$(st uc-pass status)" pass "$TMP/c1.err"
has pass-line "$TMP/c1.err" "uc-pass: pass ("
# Failing cell: the traceback in the terminal, in JUnit, on the page.
expect fail-status "$(st uc-fail status)" fail
expect fail-cell "$(js "$TMP/s1.json" 'by("uc-fail")["failed_cell"]["index"]')" 1
has fail-terminal-message "$TMP/c1.err" "uc-fail: fail (exception): In [2] raised ValueError: boom"
has fail-terminal-traceback "$TMP/c1.err" "----> 1 raise ValueError('boom')"
if "$PY" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
    "$TMP/j1.xml" 2>"$TMP/x.err"; then ok junit-well-formed
else fail junit-well-formed "not XML" "$TMP/x.err" "$TMP/j1.xml"; fi
expect junit-testcases "$(grep -c '<testcase ' "$TMP/j1.xml")" "$NB1" "$TMP/j1.xml"
has junit-failure "$TMP/j1.xml" '<failure type="exception" message="In [2] raised ValueError: boom">'
has junit-traceback "$TMP/j1.xml" "ValueError: boom</failure>"
has junit-skipped "$TMP/j1.xml" '<testcase classname="kbgen.local" name="btagging" time="0"><skipped message="not synced'
has junit-timeout-failure "$TMP/j1.xml" '<failure type="timeout"'
# Endless loop: a timeout, and the others went on.
expect loop-status "$(st uc-loop status)" timeout
has loop-message "$TMP/c1.err" "uc-loop: timeout (timeout): loop.py did not finish within the job's timeout of 5 s"
sec=$(js "$TMP/s1.json" 'int(by("uc-loop")["seconds"])')
if [ "$sec" -ge 5 ] && [ "$sec" -le 25 ]; then ok loop-stopped-in-time
else fail loop-stopped-in-time "ran $sec s"; fi
# Memory eater: stopped with a clear message.
expect mem-status "$(st uc-mem status)" fail
# The job's memory cgroup holds it to run.memory; its OOM kill is named.
has mem-reason "$TMP/c1.err" "uc-mem: fail (memory): the example used more than its memory limit of 200 MiB"
sec=$(js "$TMP/s1.json" 'int(by("uc-mem")["seconds"])')
if [ "$sec" -lt 20 ]; then ok mem-before-timeout
else fail mem-before-timeout "ran $sec s"; fi
# 2 GiB file: stopped by RLIMIT_FSIZE.
expect bigfile-status "$(st uc-big status)" fail
has bigfile-message "$TMP/c1.err" "File too large"
J=$(jobdir uc-big)
n=$(size "$J/work/src/big.bin")
if [ "$n" -le $((1 << 30)) ]; then ok bigfile-capped
else fail bigfile-capped "big.bin has $n bytes"; fi
rm -f "$J/work/src/big.bin"
n=$(size "$J/runner.log")
if [ "$n" -le $((1 << 20)) ]; then ok bigfile-runner-log-capped
else fail bigfile-runner-log-capped "runner.log has $n bytes"; fi
# Endless output: stopped, and no more than 1 MiB of it kept.
s=$(st uc-chatty status)
case $s in
fail|timeout) ok chatty-stopped ;;
*) fail chatty-stopped "status $s" ;;
esac
J=$(jobdir uc-chatty)
n=$(size "$J/work/output.log")
if [ "$n" -gt 0 ] && [ "$n" -le $(((1 << 20) + 4096)) ]; then ok chatty-output-log-capped
else fail chatty-output-log-capped "output.log has $n bytes"; fi
n=$(size "$J/runner.log")
if [ "$n" -le $((1 << 20)) ]; then ok chatty-runner-log-capped
else fail chatty-runner-log-capped "runner.log has $n bytes"; fi
n=$(size "$J/result.json")
if [ "$n" -le $((256 << 10)) ]; then ok chatty-result-small
else fail chatty-result-small "result.json has $n bytes"; fi
# Network: refused without run.network, through with it.
expect net-blocked "$(st uc-net status)" fail
has net-blocked-message "$TMP/c1.err" "no connection:"
expect net-allowed "$(st uc-neton status)" pass
expect net-one-connection "$(grep -c 'hello from the sandbox' "$TMP/conns")" 1 "$TMP/conns"
# Writes outside the job folder: nothing reaches the host.
expect outside-status "$(st uc-outside status)" pass
for p in "/tmp/kbgen-host-$TAG" "/etc/kbgen-$TAG" "$K/content/evil-$TAG.md" \
    "$K/.kbgen/evil-$TAG" "$TMP/hostdir/f-$TAG"; do
	n=$(basename "$(dirname "$p")")
	if [ -e "$p" ]; then fail "outside-blocked-$n" "$p was written"
	else ok "outside-blocked-$n"; fi
done
J=$(jobdir uc-outside)
has outside-private-tmp "$J/work/output.log" "WROTE /tmp/kbgen-host-$TAG"
has outside-etc-blocked "$J/work/output.log" "blocked /etc/kbgen-$TAG"
# A notebook asking for a kernel that is not installed: it runs with
# python3, and the record says which kernel ran and why.
expect missing-kernel-falls-back "$(st uc-nokernel status)" pass
w=$(js "$TMP/s1.json" 'by("uc-nokernel")["kernel"]["name"] + ": " + by("uc-nokernel")["kernel"]["why"]')
case "$w" in
python3:*no-such-kernel*) ok missing-kernel-note ;;
*) fail missing-kernel-note "kernel [$w] (the notebook's kernelspec is no-such-kernel)" ;;
esac
# Not synced: not run, and said so.
has not-synced-in-check "$TMP/c1.err" "check: btagging: not synced"
expect not-synced-status "$(st btagging status)" "not run"
expect not-executable-status "$(st breast-density status)" "not executable"
# The record: date, runner, key, commit, host.
expect record-runner "$(st uc-pass runner)" local
d=$(st uc-pass date)
case $d in
20[0-9][0-9]-[01][0-9]-[0-3][0-9]T*Z) ok record-date ;;
*) fail record-date "date [$d]" ;;
esac
expect record-commit "$(st uc-pass commit)" "$(git_ -C "$R" rev-parse HEAD)"
expect record-key "$(js "$TMP/s1.json" 'len(by("uc-pass")["key"]) > 0')" True
expect record-pid-cleared "$(st uc-pass pid)" None

# kbgen status, as text.
kb -C "$K" status >"$TMP/st.out" 2>"$TMP/st.err"
rc status-exit-0 $? 0 "$TMP/st.err"
if grep -q "^uc-pass  *pass  *-  *$d  *local " "$TMP/st.out"; then ok status-text-row
else fail status-text-row "no row for uc-pass" "$TMP/st.out"; fi

# --- the site --------------------------------------------------------

build
rc build-after-check $? 0 "$TMP/build.out"
has badge-passing "$S/badges/uc-pass.svg" ">passing</text>"
has badge-failing "$S/badges/uc-fail.svg" ">failing</text>"
has badge-timeout "$S/badges/uc-loop.svg" ">timeout</text>"
has badge-not-run "$S/badges/btagging.svg" ">not run</text>"
has badge-not-executable "$S/badges/breast-density.svg" ">not executable</text>"
P=$(page uc-pass)
has page-badge "$P" 'src="../../badges/uc-pass.svg" alt="example: passing"'
has page-date "$P" "last checked <time datetime=\"$d\">$d</time> on local, no GPU, "
# has_re NAME FILE ERE
has_re() {
	if grep -qE -- "$3" "$2" 2>/dev/null; then ok "$1"
	else fail "$1" "no match in ${2#$TMP/}: $3"; fi
}
NUM='[0-9]+(\.[0-9]+)?'
has_re page-duration "$P" ", $NUM s, commit <code>"
has_re page-history "$P" "<tr><td>$d</td><td>pass</td><td>local</td><td>0</td><td>$NUM</td>"
has page-chart "$P" '<svg class="chart"'
P=$(page uc-fail)
has page-fail-cell "$P" "<p><strong>In [2]: ValueError</strong>: boom</p>"
has page-fail-traceback "$P" "----&gt; 1 raise ValueError(&#39;boom&#39;)"
has page-fail-message "$P" '<p class="note note-warn" role="note"><strong class="reason">exception</strong>: In [2] raised ValueError: boom</p>'
hasnt page-pass-no-traceback "$(page uc-pass)" 'class="traceback"'
has status-page-row "$S/status/index.html" '<a href="../usecases/uc-pass/index.html">Use case uc-pass</a>'
if grep -A2 'usecases/uc-pass/index.html' "$S/status/index.html" |
    grep -qE "<td>$d</td><td>0</td><td>local</td><td>0</td><td>$NUM</td>"; then
	ok status-page-cells
else fail status-page-cells "no date/age/runner/GPU/duration for uc-pass" "$S/status/index.html"; fi
# Durations for people: no 1.0940000000000001 (at most 3 decimals).
n=$(cat "$S/status/index.html" "$(page uc-pass)" "$(page uc-fail)" \
    "$(page uc-loop)" "$(page uc-mem)" | grep -oE '[0-9]+\.[0-9]{4,}( s|</td>)' | head -3 | tr '\n' ' ')
expect durations-readable "$n" ""
has status-page-filter "$S/status/index.html" 'id="kb_status_filter"'
has status-page-sortable "$S/status/index.html" 'data-sort="num"'
expect status-json-state "$(js "$S/status/status.json" 'by("uc-pass")["state"]')" passing
expect status-json-fail "$(js "$S/status/status.json" 'by("uc-fail")["state"]')" failing
# Durations are numbers in status.json.
expect status-json-seconds-number "$(js "$S/status/status.json" 'type(by("uc-pass")["seconds"]).__name__ in ("int", "float")')" True
# The home page: the share of examples verified lately.
exe=$(js "$S/status/status.json" 'sum(1 for x in d["examples"] if x["state"] != "not executable")')
pas=$(js "$S/status/status.json" 'sum(1 for x in d["examples"] if x["state"] == "passing")')
has home-share "$S/index.html" "$((100 * pas / exe))%</span> <span class=\"stat-label\">of $exe examples verified in the last 7 days"
has feed-empty "$S/status/feed.xml" "<feed xmlns="
hasnt feed-no-entry "$S/status/feed.xml" "<entry>"

# --- the fork bomb, beside another job --------------------------------

if [ "$(id -u)" -eq 0 ]; then
	t0=$(date +%s)
	kb -C "$K" check uc-fork uc-buddy --jobs 2 >"$TMP/c2.out" 2>"$TMP/c2.err"
	rc forkbomb-check-exit-0 $? 0 "$TMP/c2.err"
	t1=$(date +%s)
	status_json s2
	s=$(js "$TMP/s2.json" 'by("uc-fork")["status"]')
	case $s in
	fail|timeout) ok forkbomb-stopped ;;
	*) fail forkbomb-stopped "status $s" "$TMP/c2.err" ;;
	esac
	if [ $((t1 - t0)) -le 25 ]; then ok forkbomb-in-time
	else fail forkbomb-in-time "took $((t1 - t0)) s"; fi
	expect forkbomb-no-leftovers "$(left "forkbomb_$TAG")" 0
	expect forkbomb-others-go-on "$(js "$TMP/s2.json" 'by("uc-buddy")["status"]')" pass "$TMP/c2.err"
	# and after it, a job starts as usual
	kb -C "$K" check uc-neton --force >"$TMP/c2b.out" 2>"$TMP/c2b.err"
	has forkbomb-after "$TMP/c2b.err" "uc-neton: pass"
else
	skip forkbomb "not root: the bomb would run as $JOBUSER"
fi

# --- the cache -------------------------------------------------------

status_json before
kb -C "$K" check --json "$TMP/r3.json" >"$TMP/c3.out" 2>"$TMP/c3.err"
rc cached-exit-0 $? 0 "$TMP/c3.err"
# Every finished result is reused: pass, fail and timeout alike.
n=$(js "$TMP/r3.json" 'sorted(x["slug"] for x in d if not x["cached"] and x["status"] in ("pass", "fail", "timeout"))')
expect cached-nothing-ran "$n" "[]" "$TMP/c3.err"
expect cached-pass "$(js "$TMP/r3.json" 'by("uc-pass")["cached"]')" True
expect cached-fail "$(js "$TMP/r3.json" 'by("uc-fail")["cached"]')" True
expect cached-timeout "$(js "$TMP/r3.json" 'by("uc-loop")["cached"]')" True
has cached-summary "$TMP/c3.err" " cached"
status_json after
expect cached-same-date "$(js "$TMP/after.json" 'by("uc-pass")["stamp"]')" \
    "$(js "$TMP/before.json" 'by("uc-pass")["stamp"]')"
hasnt cached-no-job-line "$TMP/c3.err" "uc-pass: pass ("

# --force runs again.  (A pause before each new run of one use case:
# job folders and records are named by the second; see same-second
# below.)
sleep 1
kb -C "$K" check uc-py --force --json "$TMP/r4.json" >"$TMP/c4.out" 2>"$TMP/c4.err"
rc force-exit-0 $? 0 "$TMP/c4.err"
expect force-not-cached "$(js "$TMP/r4.json" 'by("uc-py")["cached"]')" False
status_json force
a=$(js "$TMP/before.json" 'by("uc-py")["stamp"]')
b=$(js "$TMP/force.json" 'by("uc-py")["stamp"]')
if [ "$b" -gt "$a" ]; then ok force-new-record
else fail force-new-record "stamp $a then $b"; fi

# --changed: a dependency file changes in one repository.
echo "numpy>=1.20" >"$D/requirements.txt"
commit "$D" "new requirements"
sleep 1
kb -C "$K" sync uc-py >"$TMP/s2.out" 2>"$TMP/s2.err"
rc changed-sync $? 0 "$TMP/s2.err"
kb -C "$K" check --changed --json "$TMP/r5.json" >"$TMP/c5.out" 2>"$TMP/c5.err"
rc changed-exit-0 $? 0 "$TMP/c5.err"
n=$(js "$TMP/r5.json" 'sorted(x["slug"] for x in d if not x["cached"] and x["status"] in ("pass", "fail", "timeout"))')
expect changed-runs-only-changed "$n" "['uc-py']" "$TMP/c5.err"
a=$(js "$TMP/force.json" 'by("uc-py")["key"]')
b=$(js "$TMP/r5.json" 'by("uc-py")["key"]')
if [ "$a" != "$b" ]; then ok changed-key-differs
else fail changed-key-differs "key $a unchanged"; fi

# A run limit is in the key.
mkuc "$U" uc-py "$D" ok.py "{timeout: 21s}"
sleep 1
kb -C "$K" check uc-py --json "$TMP/r6.json" >"$TMP/c6.out" 2>"$TMP/c6.err"
expect limit-in-key "$(js "$TMP/r6.json" 'by("uc-py")["cached"]')" False "$TMP/c6.err"
kb -C "$K" check uc-py --json "$TMP/r6.json" >"$TMP/c6.out" 2>"$TMP/c6.err"
expect limit-then-cached "$(js "$TMP/r6.json" 'by("uc-py")["cached"]')" True "$TMP/c6.err"
# So are run.network, run.env and run.command: each change runs again.
# in_key NAME RUN: uc-py with run: RUN is checked again, not reused.
in_key() {
	mkuc "$U" uc-py "$D" ok.py "$2"
	sleep 1
	kb -C "$K" check uc-py --json "$TMP/r6.json" >"$TMP/c6.out" 2>"$TMP/c6.err"
	expect "$1" "$(js "$TMP/r6.json" 'by("uc-py")["cached"]')" False "$TMP/c6.err"
}
in_key network-in-key "{timeout: 21s, network: true}"
in_key env-in-key "{timeout: 21s, network: true, env: {KB_X: \"1\"}}"
in_key command-in-key "{timeout: 21s, network: true, env: {KB_X: \"1\"}, command: \"python3 ok.py\"}"

# check.max_age: an old result is not reused (but --changed still does).
sed -i 's/^  max_age: 7d/  max_age: 5s/' "$SY"
sleep 1
kb -C "$K" check uc-pass uc-neton --changed --json "$TMP/r7.json" >"$TMP/c7.out" 2>"$TMP/c7.err"
expect max-age-changed-reuses "$(js "$TMP/r7.json" 'by("uc-pass")["cached"]')" True "$TMP/c7.err"
kb -C "$K" check uc-neton --json "$TMP/r7.json" >"$TMP/c7.out" 2>"$TMP/c7.err"
expect max-age-expired-reruns "$(js "$TMP/r7.json" 'by("uc-neton")["cached"]')" False "$TMP/c7.err"
sed -i 's/^  max_age: 5s/  max_age: 7d/' "$SY"

# --hackathon: its exercises, no more.
kb -C "$K" check --hackathon hack --json "$TMP/r8.json" >"$TMP/c8.out" 2>"$TMP/c8.err"
rc hackathon-exit-0 $? 0 "$TMP/c8.err"
expect hackathon-exercises "$(js "$TMP/r8.json" 'sorted(x["slug"] for x in d)')" "['uc-fail', 'uc-py']"

# --- a regression ----------------------------------------------------

echo "raise SystemExit('broken on purpose')" >"$RG/reg.py"
commit "$RG" "break it"
kb -C "$K" sync uc-reg >"$TMP/s3.out" 2>"$TMP/s3.err"
kb -C "$K" check uc-reg --junit "$TMP/j9.xml" >"$TMP/c9.out" 2>"$TMP/c9.err"
rc regression-exit-1 $? 1 "$TMP/c9.err"
has regression-line "$TMP/c9.err" "uc-reg: fail"
has regression-said "$TMP/c9.err" "REGRESSION"
has regression-junit "$TMP/j9.xml" '<failure type="exception"'
kb -C "$K" check uc-reg >"$TMP/c10.out" 2>"$TMP/c10.err"
rc still-failing-exit-0 $? 0 "$TMP/c10.err"
build
rc build-regression $? 0 "$TMP/build.out"
n=$(grep -c "<entry>" "$S/status/feed.xml")
expect feed-one-entry "$n" 1 "$S/status/feed.xml"
has feed-entry-title "$S/status/feed.xml" "<title>Use case uc-reg: fail (exception)</title>"
has feed-entry-link "$S/status/feed.xml" "usecases/uc-reg/index.html"
has regression-page-since "$(page uc-reg)" "failing since"

# --- several runs of one use case within a second or two ---

# Several runs of one use case in quick succession (a few a second):
# each gets its own job folder and record.
build
n0=$(grep -c '^<tr><td>[0-9]' "$(page uc-neton)")
sleep 1
# from the start of a second, five runs of about 0.3 s each
s0=$(date +%s)
while [ "$(date +%s)" = "$s0" ]; do sleep 0.01; done
bad=0
for i in 1 2 3 4 5; do
	kb -C "$K" check uc-neton --force >"$TMP/c14.out" 2>"$TMP/c14.err" || bad=$((bad + 1))
	grep -q "uc-neton: pass" "$TMP/c14.err" || { bad=$((bad + 1)); cat "$TMP/c14.err" >>"$TMP/c14.all"; }
done
expect same-second-runs-pass "$bad" 0 "$TMP/c14.all"
build
n1=$(grep -c '^<tr><td>[0-9]' "$(page uc-neton)")
expect same-second-runs-recorded "$((n1 - n0))" 5

# --- interrupted checks ----------------------------------------------

# SIGKILL of kbgen: the next check marks the run interrupted.  (kbgen
# itself in the background, so that $! is its process.)
mkuc "$U" uc-slow "$R" "sleep_$TAG.py" "{timeout: 60s}"
kb -C "$K" sync uc-slow >"$TMP/s4.out" 2>"$TMP/s4.err"
"$KBGEN" -C "$K" check uc-slow >"$TMP/c11.out" 2>"$TMP/c11.err" &
BG=$!
if wait_for "$K/.kbgen/runs/uc-slow/*/work/src/pid"; then
	sleep 0.5
	kill -9 "$BG"
	wait "$BG" 2>/dev/null
	BG=
	expect sigkill-no-leftovers "$(left "sleep_$TAG")" 0
	# Ctrl-C of the next check: exit 130, both runs recorded interrupted.
	"$KBGEN" -C "$K" check uc-slow >"$TMP/c12.out" 2>"$TMP/c12.err" &
	BG=$!
	sleep 0.5
	i=0
	while [ "$(ls -d "$K"/.kbgen/runs/uc-slow/*/work/src/pid 2>/dev/null | wc -l)" -lt 2 ] &&
	    [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.5
	kill -INT "$BG"
	wait "$BG"
	rc ctrl-c-exit-130 $? 130 "$TMP/c12.err"
	BG=
	has sigkill-marked "$TMP/c12.err" "check: uc-slow: the run of "
	has ctrl-c-said "$TMP/c12.err" "uc-slow: interrupted"
	expect ctrl-c-no-leftovers "$(left "sleep_$TAG")" 0
	status_json s12
	expect ctrl-c-recorded "$(js "$TMP/s12.json" 'by("uc-slow")["status"]')" interrupted
	# SIGTERM first: the driver itself records the interruption
	# (its words, sent on the result channel, not kbgen's).
	J=$(jobdir uc-slow)
	if [ -f "$J/result.json" ]; then
		expect ctrl-c-driver-result "$(js "$J/result.json" 'd["message"].startswith("interrupted by SIGTERM")')" True "$J/result.json"
	else fail ctrl-c-driver-result "no result.json in the job folder"; fi
	build
	n=$(grep -c "<td>interrupted</td>" "$(page uc-slow)")
	expect interrupted-history "$n" 2 "$(page uc-slow)"
else
	fail sigkill "the slow example did not start" "$TMP/c11.err"
	kill -9 "$BG" 2>/dev/null
	BG=
fi

# --- the live view on a terminal ------------------------------------

if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	script -qec "timeout 60 '$KBGEN' -C '$K' check uc-py --force" /dev/null \
	    >"$TMP/tty.out" 2>&1
	if grep -q "$(printf '\033')\[Kcheck: .* running" "$TMP/tty.out"; then
		ok tty-live-view
	else fail tty-live-view "no live line" "$TMP/tty.out"; fi
else
	skip tty-live-view "no script(1)"
fi

# --- job folders: only the newest check.keep_jobs runs keep theirs ----

sed -i 's/^  max_age: 7d$/  max_age: 7d\n  keep_jobs: 2/' "$SY"
for i in 1 2 3; do
	sleep 1
	kb -C "$K" check uc-py --force >"$TMP/k$i.out" 2>"$TMP/k$i.err" ||
	    fail keep-jobs-run "check $i exited $?" "$TMP/k$i.err"
done
n=$(ls -d "$K/.kbgen/runs/uc-py"/*/ | wc -l | tr -d ' ')
expect keep-jobs-two-folders "$n" 2
status_json keep
last=$(js "$TMP/keep.json" 'by("uc-py")["job"]')
if [ -d "$last" ] && [ "${last%/}/" = "$(jobdir uc-py)" ]; then
	ok keep-jobs-newest-kept
else fail keep-jobs-newest-kept "last record's job $last, newest folder $(jobdir uc-py)"; fi
if [ -f "$(jobdir uc-py)/runner.log" ]; then ok keep-jobs-outputs-kept
else fail keep-jobs-outputs-kept "no runner.log in $(jobdir uc-py)"; fi
if command -v mdb_dump >/dev/null 2>&1; then
	recs=$(mdb_dump -p -s runs "$K/.kbgen" | grep -c '"slug":"uc-py"')
	nulls=$(mdb_dump -p -s runs "$K/.kbgen" | grep '"slug":"uc-py"' |
	    grep -c '"job":null')
	if [ "$recs" -ge 4 ] && [ "$nulls" -eq $((recs - 2)) ]; then
		ok keep-jobs-records-stay
	else fail keep-jobs-records-stay "$recs records of uc-py, $nulls with job null"; fi
else
	skip keep-jobs-records-stay "no mdb_dump"
fi
# 0 keeps every folder.
sed -i 's/^  keep_jobs: 2$/  keep_jobs: 0/' "$SY"
sleep 1
kb -C "$K" check uc-py --force >"$TMP/k4.out" 2>"$TMP/k4.err"
n=$(ls -d "$K/.kbgen/runs/uc-py"/*/ | wc -l | tr -d ' ')
expect keep-jobs-zero-keeps-all "$n" 3 "$TMP/k4.err"

# --- sandbox: none ---------------------------------------------------

cat >>"$SY" <<'EOF'
runners:
  local: {sandbox: none}
EOF
kb -C "$K" check uc-outside --force >"$TMP/c13.out" 2>"$TMP/c13.err"
rc sandbox-none-exit-0 $? 0 "$TMP/c13.err"
has sandbox-none-pass "$TMP/c13.err" "uc-outside: pass"
if [ -e "/tmp/kbgen-host-$TAG" ] && [ -e "$TMP/hostdir/f-$TAG" ]; then
	ok sandbox-none-no-bwrap
else fail sandbox-none-no-bwrap "the host files were not written" "$(jobdir uc-outside)/output.log"; fi
rm -f "/tmp/kbgen-host-$TAG"

finish
