#!/bin/sh
# kbgen check --runner slurm, end to end, on a real one-node Slurm
# cluster (tests/slurm/start.sh: slurm-wlm and munge on localhost, a node
# with two fake GPUs) and the real job driver.  site.yaml sets
# runners: {default: slurm, slurm: {partition, extra_args}}.  Cases: a
# passing notebook (record with the Slurm job id and state, job.sbatch
# with --time, --partition and the extra arguments, which Slurm got), a
# failing cell (traceback on kbgen's stderr), gpu: 1 and memory
# (--gres=gpu:1, --mem, CUDA_VISIBLE_DEVICES set in the job), a job that
# never ends (run.timeout: 1m: "timeout", whether the driver's own limit
# or Slurm's --time strikes first; ~70 s, in the background on a second
# copy of the knowledge base, as one kbgen works on one KB at a time),
# Ctrl-C of kbgen (exit 130, the job scancelled, nothing left running,
# recorded "interrupted"), a job scancelled by someone else ("error",
# "was cancelled"), and a job that Slurm has forgotten by the time kbgen
# looks (kbgen stopped with SIGSTOP until scontrol no longer knows the
# job: its state then comes from sacct --completion).
#
# Skipped ("SKIP slurm: ...", a failure in tests/run.sh) when Slurm or
# munge is missing or not root (start.sh exits 77), or without
# python3-nbclient.  The cluster is this run's own (free ports, its own
# munged and cgroups: tests/slurm/start.sh), so two runs at once do not
# meet; its start is reported as the cluster's ("ok cluster: start"), not
# kbgen's.  Every wait is for a state (squeue, scontrol, a file, a
# process), up to a generous deadline (W, 120 s; under load a job may
# wait long to start), and a timeout says the state it saw; bounds on
# kbgen's own time are loose for the same reason.  SLURM_TEST_KEEP=1
# keeps the temporary folder (and the cluster's logs in it).
KBGEN=${KBGEN:-$PWD/kbgen}
NB=$PWD/tests/fixtures/notebooks
FIX=$PWD/tests/fixtures/kb
HERE=$PWD/tests/slurm
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
TMP=$(mktemp -d)
chmod 755 "$TMP"
TAG=$$$(date +%s)
CL=$TMP/cluster
started=0 BG="" BGT=""
cleanup() {
	[ -n "$BG" ] && kill -9 "$BG" 2>/dev/null
	[ -n "$BGT" ] && kill -9 "$BGT" 2>/dev/null
	[ $started -eq 1 ] && sh "$HERE/stop.sh" "$CL"
	if [ -n "$SLURM_TEST_KEEP" ]; then echo "# kept $TMP"
	else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

PY=/usr/bin/python3
mkdir -p "$TMP/home"
HOME=$TMP/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY KBGEN_GIT_TOKEN GIT_DIR GIT_WORK_TREE \
    CUDA_VISIBLE_DEVICES SLURM_JOB_ID 2>/dev/null
G=$TMP/git		# the "remote" repository
K=$TMP/kb		# the knowledge base
K2=$TMP/kb2		# its copy, for the time limit (in the background)
T0=$(date +%s)

. "$PWD/tests/lib.sh"
elapsed() { echo $(($(date +%s) - T0)); }
# W: how long to wait for a state (seconds)
W=${KBGEN_SLURM_WAIT:-120}
# kb ARGS...: kbgen with a bound on time
kb() { timeout 300 "$KBGEN" "$@"; }
# status_json KB NAME: kbgen status --json into $TMP/NAME.json
status_json() { kb -C "$1" status --json >"$TMP/$2.json" 2>"$TMP/$2.err"; }
# jobdir KB SLUG: the newest job folder of SLUG
jobdir() { ls -d "$1/.kbgen/runs/$2"/*/ 2>/dev/null | sort | tail -1; }
# left WORD: processes (zombies aside) whose command line holds WORD,
# once they had up to 30 s to go
left() {
	i=0
	while [ $i -lt 300 ]; do
		n=$(ps -eo stat=,args= 2>/dev/null | grep -v '^Z' |
		    grep -c -- "[${1%"${1#?}"}]${1#?}")
		[ "$n" -eq 0 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "$n"
}
# slurm_job NAME: "ID STATE" of the job called NAME in squeue (empty
# when none)
slurm_job() { squeue -h -n "$1" -o '%i %T' 2>/dev/null | head -n 1; }
# wait_running NAME SECONDS: until squeue shows NAME running; sets $jid
# (on a timeout, slurm_job NAME says what squeue shows)
wait_running() {
	jid=
	end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$end" ]; do
		l=$(slurm_job "$1")
		case $l in
		*" RUNNING") jid=${l%% *}; return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}

# --- prerequisites ---------------------------------------------------

if ! "$PY" -c 'import nbclient, ipykernel' 2>/dev/null; then
	skip slurm "no python3-nbclient (apt-get install python3-nbclient python3-ipykernel)"
	finish
fi

# --- the cluster -----------------------------------------------------

# MinJobAge=2: Slurm forgets a finished job ~10 s after it ends (for the
# sacct case); KillWait=5: scancel and the time limit act sooner.
KBGEN_SLURM_MINJOBAGE=2
KBGEN_SLURM_KILLWAIT=5
export KBGEN_SLURM_MINJOBAGE KBGEN_SLURM_KILLWAIT
sh "$HERE/start.sh" "$CL" >"$TMP/start.out" 2>"$TMP/start.err"
src=$?
if [ "$src" -eq 77 ]; then
	skip slurm "$(tail -n 1 "$TMP/start.err" | sed 's/^slurm-test: //')"
	finish
fi
started=1
if [ "$src" -ne 0 ] || ! grep -q '^export SLURM_CONF=' "$TMP/start.out"; then
	fail "cluster: start" "start.sh exited $src" "$TMP/start.err"
	finish
fi
eval "$(cat "$TMP/start.out")"
ok "cluster: start # $(elapsed) s, $(sed -n 's/.*ready: node [^ ]* [^ ]* \(ports [0-9]* and [0-9]*\).*/\1/p' "$TMP/start.err")"
T0=$(date +%s)

# --- the repository and the knowledge bases ---------------------------

R=$G/ex
git_ init -q "$R"
cp "$NB/pass.ipynb" "$NB/fail.ipynb" "$R/"
# unique names, to find their processes
cp "$NB/sleep.py" "$R/sleep_$TAG.py"
cat >"$R/forever_$TAG.py" <<'EOF'
import time
print("sleeping forever", flush=True)
while True:
    time.sleep(1)
EOF
cat >"$R/gpu.py" <<'EOF'
import os
v = os.environ.get("CUDA_VISIBLE_DEVICES", "unset")
open("cuda_visible_devices", "w").write(v + "\n")
print("CUDA_VISIBLE_DEVICES=" + v)
print("SLURM_JOB_ID=" + os.environ.get("SLURM_JOB_ID", "unset"))
EOF
cat >"$R/short.py" <<'EOF'
import time
time.sleep(3)
print("short done")
EOF
# tabulate: in the test image, not on the host
printf 'import tabulate\nprint(tabulate.tabulate([[1, 2]]))\n' >"$R/tab.py"
(cd "$R" && git_ add -A && git_ commit -q -m one)

cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
cat >>"$K/content/site.yaml" <<'EOF'
runners:
  default: slurm
  slurm:
    partition: debug
    extra_args: ["--nodes=1", "--comment=kbgen-extra-arg"]
EOF
cp -r "$K" "$K2"
# The same image example as on the local runner (tests/envs.test.sh).
IMG=$(sh tests/image/build.sh 2>"$TMP/image.err") || fail test-image \
    "tests/image/build.sh made no image" "$TMP/image.err"
printf 'environments:\n  deb: {image: "rootfs:%s"}\n' "$IMG" >>"$K/content/site.yaml"
mkuc "$K/content/usecases" uc-image "$G/ex" tab.py "{timeout: 2m, environment: deb}"
mkuc "$K/content/usecases" uc-pass "$G/ex" pass.ipynb "{timeout: 2m}"
mkuc "$K/content/usecases" uc-fail "$G/ex" fail.ipynb "{timeout: 2m}"
mkuc "$K/content/usecases" uc-gpu "$G/ex" gpu.py "{timeout: 2m, gpu: 1, memory: 500M}"
mkuc "$K/content/usecases" uc-slow "$G/ex" "sleep_$TAG.py" "{timeout: 2m}"
mkuc "$K/content/usecases" uc-scancel "$G/ex" "sleep_$TAG.py" "{timeout: 2m}"
mkuc "$K/content/usecases" uc-sacct "$G/ex" short.py "{timeout: 2m}"
mkuc "$K2/content/usecases" uc-forever "$G/ex" "forever_$TAG.py" "{timeout: 1m}"
S1="uc-image uc-pass uc-fail uc-gpu uc-slow uc-scancel uc-sacct"
# shellcheck disable=SC2086
kb -C "$K" sync $S1 >"$TMP/sync.out" 2>"$TMP/sync.err"
rc sync $? 0 "$TMP/sync.err"
kb -C "$K2" sync uc-forever >"$TMP/sync2.out" 2>"$TMP/sync2.err"
rc sync-copy $? 0 "$TMP/sync2.err"

# --- the time limit, in the background -------------------------------

# run.timeout 1m: --time is (60 + 20 s of grace) rounded up to whole
# minutes, 2; the driver's own limit (60 s) is likely to strike first
# and report "timeout" itself; Slurm's would give TIMEOUT.
tstart=$(date +%s)
(
	timeout 400 "$KBGEN" -C "$K2" check uc-forever >"$TMP/ct.out" 2>"$TMP/ct.err"
	echo $? >"$TMP/ct.rc"
) &
BGT=$!

# --- a passing notebook, a failing cell, a GPU ---------------------------

t0=$(date +%s)
kb -C "$K" check uc-pass uc-fail uc-gpu uc-image --jobs 3 --json "$TMP/r1.json" \
    >"$TMP/c1.out" 2>"$TMP/c1.err"
rc first-check-exit-0 $? 0 "$TMP/c1.err"
echo "# pass, fail and gpu took $(($(date +%s) - t0)) s"
status_json "$K" s1
st() { js "$TMP/s1.json" "by('$1').get('$2')"; }
sl() { js "$TMP/s1.json" "by('$1').get('slurm', {}).get('$2')"; }

# Passing notebook: the record, the batch script.
expect pass-status "$(st uc-pass status)" pass "$TMP/c1.err"
expect pass-runner "$(st uc-pass runner)" slurm
has pass-line "$TMP/c1.err" "uc-pass: pass ("
has pass-line-runner "$TMP/c1.err" ", slurm)"
id=$(sl uc-pass job_id)
case $id in
''|None|*[!0-9]*) fail pass-slurm-job-id "slurm.job_id [$id]" "$TMP/s1.json" ;;
*) ok "pass-slurm-job-id # $id" ;;
esac
expect pass-slurm-state "$(sl uc-pass state)" COMPLETED
expect pass-slurm-exit-code "$(sl uc-pass exit_code)" 0:0
expect pass-output-notebook "$(st uc-pass output_notebook)" output.ipynb
J=$(jobdir "$K" uc-pass)
SB=$J/job.sbatch
# timeout 2m: (120 + 20 + 59) / 60 = 3 minutes
has sbatch-time "$SB" "#SBATCH --time=3"
has sbatch-partition "$SB" "#SBATCH --partition=debug"
has sbatch-extra-arg "$SB" "#SBATCH --comment=kbgen-extra-arg"
expect sbatch-extra-nodes "$(grep -c '^#SBATCH --nodes=1$' "$SB")" 2 "$SB"
has sbatch-job-name "$SB" "#SBATCH --job-name=kbgen-uc-pass"
has sbatch-output "$SB" "#SBATCH --output=${J%/}/slurm.out"
has sbatch-chdir "$SB" "#SBATCH --chdir=${J%/}"
hasnt sbatch-no-gres "$SB" "--gres"
# runners.memory absent: the default limit of 4G
has sbatch-default-mem "$SB" "#SBATCH --mem=4096"
hasnt sbatch-no-account "$SB" "--account"
has sbatch-driver "$SB" "'/run/kbgen/driver.py' '--job' '/run/kbgen/job.json' '--result-fd' '4' '/job' 4>'${J%/}/driver.result'"
has sbatch-sandbox "$SB" "'--bind' '${J%/}/work' '/job'"
if [ -f "$J/result.json" ] && [ -f "$J/work/output.ipynb" ]; then ok pass-job-folder
else fail pass-job-folder "no result.json or output.ipynb in ${J#"$TMP"/}"; fi
# The batch script ran on the node, in the job folder (slurm.out is
# Slurm's own output file for it).
if [ -f "$J/slurm.out" ]; then ok pass-slurm-out
else fail pass-slurm-out "no slurm.out in ${J#"$TMP"/}"; fi
expect pass-host "$(js "$J/result.json" 'd.get("host") is not None')" True

# An image: the sandbox on the node has its root, and the module.
expect image-status "$(st uc-image status)" pass "$TMP/c1.err"
expect image-env "$(js "$TMP/s1.json" 'by("uc-image")["environment"]["name"]')" deb
has image-sbatch-root "$(jobdir "$K" uc-image)job.sbatch" "/rootfs/usr' '/usr'"
has image-output "$(jobdir "$K" uc-image)work/output.log" "-  -"

# Failing cell: fail, the cell, the traceback in the terminal.
expect fail-status "$(st uc-fail status)" fail "$TMP/c1.err"
expect fail-cell-index "$(js "$TMP/s1.json" 'by("uc-fail")["failed_cell"]["index"]')" 1
expect fail-cell-ename "$(js "$TMP/s1.json" 'by("uc-fail")["failed_cell"]["ename"]')" ValueError
expect fail-cell-evalue "$(js "$TMP/s1.json" 'by("uc-fail")["failed_cell"]["evalue"]')" boom
expect fail-slurm-state "$(sl uc-fail state)" COMPLETED
has fail-terminal-message "$TMP/c1.err" "uc-fail: fail (exception): In [2] raised ValueError: boom"
has fail-terminal-cell "$TMP/c1.err" "  In [2]: ValueError: boom"
has fail-terminal-traceback "$TMP/c1.err" "----> 1 raise ValueError('boom')"
expect fail-json "$(js "$TMP/r1.json" 'by("uc-fail")["failed_cell"]["ename"]')" ValueError

# gpu: 1 and memory: 500M.
expect gpu-status "$(st uc-gpu status)" pass "$TMP/c1.err"
expect gpu-slurm-state "$(sl uc-gpu state)" COMPLETED
J=$(jobdir "$K" uc-gpu)
SB=$J/job.sbatch
has gpu-sbatch-gres "$SB" "#SBATCH --gres=gpu:1"
has gpu-sbatch-mem "$SB" "#SBATCH --mem=500"
has gpu-sbatch-partition "$SB" "#SBATCH --partition=debug"
v=$(cat "$J/work/src/cuda_visible_devices" 2>/dev/null)
case $v in
0|1) ok "gpu-cuda-visible-devices # CUDA_VISIBLE_DEVICES=$v" ;;
*) fail gpu-cuda-visible-devices "CUDA_VISIBLE_DEVICES [$v], want 0 or 1" "$J/work/output.log" "$J/slurm.out" ;;
esac
has gpu-output-log "$J/work/output.log" "CUDA_VISIBLE_DEVICES=$v"
has gpu-slurm-job-id "$J/work/output.log" "SLURM_JOB_ID=$(sl uc-gpu job_id)"
# The GPUs are fake: nvidia-smi finds none, and that is fine.
expect gpu-result-gpus-key "$(js "$TMP/s1.json" '"count" in by("uc-gpu").get("gpus", {})')" True

# --- Ctrl-C: kbgen scancels its job --------------------------------------

"$KBGEN" -C "$K" check uc-slow >"$TMP/c2.out" 2>"$TMP/c2.err" &
BG=$!
if wait_running kbgen-uc-slow $W && wait_for "$K/.kbgen/runs/uc-slow/*/work/src/pid" $W; then
	cid=$jid
	l=$(scontrol show job -o "$cid" 2>/dev/null)
	case $l in
	*" Partition=debug "*) ok slurm-got-partition ;;
	*) fail slurm-got-partition "scontrol: $l" ;;
	esac
	case $l in
	*" Comment=kbgen-extra-arg "*) ok slurm-got-extra-arg ;;
	*) fail slurm-got-extra-arg "scontrol: $l" ;;
	esac
	case $l in
	*" TimeLimit=00:03:00 "*) ok slurm-got-time-limit ;;
	*) fail slurm-got-time-limit "scontrol: $l" ;;
	esac
	kill -INT "$BG"
	t0=$(date +%s)
	wait "$BG"
	r=$?
	BG=
	rc ctrl-c-exit-130 $r 130 "$TMP/c2.err"
	n=$(($(date +%s) - t0))
	# Alone ~1 s; loose, for a loaded machine.
	if [ $n -le 60 ]; then ok "ctrl-c-quick # kbgen ended ${n} s after SIGINT"
	else fail ctrl-c-quick "kbgen took ${n} s to end after SIGINT"; fi
	i=0
	while [ -n "$(squeue -h -j "$cid" 2>/dev/null)" ] && [ $i -lt $((W * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$(squeue -h -j "$cid" 2>/dev/null)" ]; then
		ok "ctrl-c-job-gone # $((i / 10)).$((i % 10)) s after kbgen ended"
	else fail ctrl-c-job-gone "squeue still shows job $cid: $(squeue -h -j "$cid")"; fi
	expect ctrl-c-no-leftovers "$(left "sleep_$TAG")" 0
	has ctrl-c-said "$TMP/c2.err" "uc-slow: interrupted"
	status_json "$K" s2
	expect ctrl-c-recorded "$(js "$TMP/s2.json" 'by("uc-slow")["status"]')" interrupted "$TMP/c2.err"
	expect ctrl-c-slurm-job-id "$(js "$TMP/s2.json" 'by("uc-slow").get("slurm", {}).get("job_id")')" "$cid"
	expect ctrl-c-slurm-state "$(js "$TMP/s2.json" 'by("uc-slow").get("slurm", {}).get("state")')" CANCELLED
	has ctrl-c-message "$TMP/s2.json" "cancelled by kbgen check"
else
	fail ctrl-c "the slow example did not start under Slurm: $(slurm_job kbgen-uc-slow)" "$TMP/c2.err"
	kill -9 "$BG" 2>/dev/null
	BG=
fi

# --- a job scancelled by someone else --------------------------------

"$KBGEN" -C "$K" check uc-scancel >"$TMP/c3.out" 2>"$TMP/c3.err" &
BG=$!
if wait_running kbgen-uc-scancel $W && wait_for "$K/.kbgen/runs/uc-scancel/*/work/src/pid" $W; then
	xid=$jid
	scancel "$xid"
	t0=$(date +%s)
	i=0
	while kill -0 "$BG" 2>/dev/null && [ $i -lt $((W * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$BG" 2>/dev/null; then
		fail scancel-kbgen-ends "kbgen still runs $W s after scancel; squeue: $(squeue -h -j "$xid" -o %T 2>&1)" "$TMP/c3.err"
		kill -9 "$BG"
	fi
	wait "$BG"
	r=$?
	BG=
	rc scancel-exit-0 $r 0 "$TMP/c3.err"
	echo "# kbgen ended $(($(date +%s) - t0)) s after scancel"
	status_json "$K" s3
	expect scancel-status "$(js "$TMP/s3.json" 'by("uc-scancel")["status"]')" error "$TMP/c3.err"
	has scancel-message "$TMP/s3.json" "Slurm job $xid was cancelled"
	has scancel-terminal "$TMP/c3.err" "uc-scancel: error (killed): Slurm job $xid was cancelled"
	expect scancel-slurm-state "$(js "$TMP/s3.json" 'by("uc-scancel").get("slurm", {}).get("state")')" CANCELLED
	expect scancel-no-leftovers "$(left "sleep_$TAG")" 0
else
	fail scancel "the slow example did not start under Slurm: $(slurm_job kbgen-uc-scancel)" "$TMP/c3.err"
	kill -9 "$BG" 2>/dev/null
	BG=
fi

# --- a job Slurm has forgotten: its state from sacct --------------------

# kbgen is stopped (SIGSTOP) while its job runs, until scontrol no longer
# knows the job (it ended and MinJobAge passed); then it goes on and
# must find the state in sacct --completion.
"$KBGEN" -C "$K" check uc-sacct >"$TMP/c4.out" 2>"$TMP/c4.err" &
BG=$!
if wait_running kbgen-uc-sacct $W; then
	aid=$jid
	kill -STOP "$BG"
	t0=$(date +%s)
	while scontrol show job -o "$aid" >/dev/null 2>&1 &&
	    [ $(($(date +%s) - t0)) -lt "$W" ]; do
		sleep 0.5
	done
	if scontrol show job -o "$aid" >/dev/null 2>&1; then
		fail sacct-forgotten "job $aid still in scontrol after $W s: $(scontrol show job -o "$aid" | grep -o 'JobState=[^ ]*')"
	else
		ok "sacct-forgotten # job $aid left scontrol $(($(date +%s) - t0)) s after SIGSTOP"
	fi
	kill -CONT "$BG"
	i=0
	while kill -0 "$BG" 2>/dev/null && [ $i -lt $((W * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$BG" 2>/dev/null && kill -9 "$BG"
	wait "$BG"
	r=$?
	BG=
	rc sacct-exit-0 $r 0 "$TMP/c4.err"
	status_json "$K" s4
	expect sacct-status "$(js "$TMP/s4.json" 'by("uc-sacct")["status"]')" pass "$TMP/c4.err"
	expect sacct-slurm-state "$(js "$TMP/s4.json" 'by("uc-sacct").get("slurm", {}).get("state")')" COMPLETED "$TMP/c4.err"
	expect sacct-slurm-job-id "$(js "$TMP/s4.json" 'by("uc-sacct").get("slurm", {}).get("job_id")')" "$aid"
else
	fail sacct "the short example did not start under Slurm: $(slurm_job kbgen-uc-sacct)" "$TMP/c4.err"
	kill -9 "$BG" 2>/dev/null
	BG=
fi

# --- the time limit -----------------------------------------------------

wait "$BGT"
BGT=
took=$(($(date +%s) - tstart))
r=$(cat "$TMP/ct.rc" 2>/dev/null)
expect timeout-exit-0 "$r" 0 "$TMP/ct.err"
echo "# the time limit case took $took s"
status_json "$K2" st
s=$(js "$TMP/st.json" 'by("uc-forever")["status"]')
m=$(js "$TMP/st.json" 'by("uc-forever").get("message")')
ss=$(js "$TMP/st.json" 'by("uc-forever").get("slurm", {}).get("state")')
expect timeout-status "$s" timeout "$TMP/ct.err"
echo "# time limit: Slurm state $ss: $m"
case $ss in
COMPLETED|TIMEOUT) ok "timeout-slurm-state # $ss" ;;
*) fail timeout-slurm-state "Slurm state [$ss]" "$TMP/ct.err" ;;
esac
has timeout-terminal "$TMP/ct.err" "uc-forever: timeout ("
# At least the 60 s limit; at most Slurm's --time (2 min) and its 30 s
# check, with room for a late start under load.
if [ "$took" -ge 55 ] && [ "$took" -le 360 ]; then ok "timeout-in-time # $took s"
else fail timeout-in-time "took $took s"; fi
J=$(jobdir "$K2" uc-forever)
# timeout 1m: (60 + 20 + 59) / 60 = 2 minutes
has timeout-sbatch-time "$J/job.sbatch" "#SBATCH --time=2"
expect timeout-no-leftovers "$(left "forever_$TAG")" 0

# --- nothing left in the queue --------------------------------------------

n=$(squeue -h 2>/dev/null | wc -l)
expect queue-empty "$n" 0

echo "# total $(elapsed) s after the cluster was up"
finish
