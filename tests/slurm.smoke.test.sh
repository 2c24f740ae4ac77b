#!/bin/sh
# The Slurm test cluster works the way "kbgen check --runner slurm"
# expects: start tests/slurm/start.sh in a fresh folder, submit small
# batch scripts with plain sbatch (no kbgen here) and follow them the way
# kbgen does, with scontrol show job -o and, once Slurm has forgotten a
# job (MinJobAge), sacct --completion.  The --time=1 job takes ~90 s,
# so it runs in the background while the other cases run.  Skipped
# (reported "SKIP cluster: slurm-smoke: ...", a failure in tests/run.sh)
# when Slurm or munge is not installed.
# These are checks of the test cluster, not of kbgen: every line names
# "cluster: ...", and tests/run.sh counts them apart ("cluster
# self-checks: N passed"); a failing one still fails make test.  Every
# wait is for a state, up to a generous deadline (under load jobs start
# late), and a timeout says the state seen.  The cluster has its own
# ports and munged (tests/slurm/start.sh), so two runs at once do not
# meet.
# shellcheck disable=SC2016  # job bodies are single-quoted: the job expands them
HERE=$PWD/tests/slurm
TMP=$(mktemp -d)
# munged wants every folder above its socket searchable by all.
chmod 755 "$TMP"
C=$TMP/cluster
started=0
cleanup() {
	[ $started -eq 1 ] && sh "$HERE/stop.sh" "$C"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
. "$PWD/tests/lib.sh"

# ---- start ---------------------------------------------------------------
# MinJobAge=2: Slurm forgets finished jobs after 10 s (it purges every
# max(10, MinJobAge) s), so the sacct --completion path gets tested.
KBGEN_SLURM_MINJOBAGE=2
KBGEN_SLURM_KILLWAIT=5
export KBGEN_SLURM_MINJOBAGE KBGEN_SLURM_KILLWAIT
t0=$(date +%s.%N)
sh "$HERE/start.sh" "$C" >"$TMP/start.out" 2>"$TMP/start.err"
rc=$?
if [ $rc -eq 77 ]; then
	skip "cluster: slurm-smoke" "$(tail -n 1 "$TMP/start.err" |
	    sed 's/^slurm-test: //')"
	finish
fi
started=1
if [ $rc -ne 0 ] || ! grep -q '^export SLURM_CONF=' "$TMP/start.out"; then
	fail "cluster: start" "exit $rc" "$TMP/start.err"
	finish
fi
eval "$(cat "$TMP/start.out")"
t1=$(date +%s.%N)
ok "cluster: start # $(awk "BEGIN {printf \"%.2f\", $t1 - $t0}")s, $(sed -n 's/.*(\(.*\)).*/\1/p' "$TMP/start.err" | tail -n 1)"

# The cluster must be idempotent: a second start leaves it running.
if sh "$HERE/start.sh" "$C" >"$TMP/start2.out" 2>"$TMP/start2.err" &&
    cmp -s "$TMP/start.out" "$TMP/start2.out" &&
    ! grep -q starting "$TMP/start2.err"; then
	ok "cluster: start-again"
else
	fail "cluster: start-again" "a second start.sh did not just return"
	sed 's/^/    /' "$TMP/start2.err"
fi

# ---- helpers ---------------------------------------------------------------
# W: how long to wait for a state (seconds); under load a job that takes
# a second alone may take many.
W=${KBGEN_SLURM_WAIT:-120}
mkdir -p "$TMP/jobs" "$TMP/out"

# job NAME BODY [SBATCH-OPTION...]: write a batch script, print its path.
job() {
	f=$TMP/jobs/$1.sh
	n=$1 body=$2
	shift 2
	{
		echo "#!/bin/sh"
		echo "#SBATCH --job-name=smoke-$n"
		echo "#SBATCH --output=$TMP/out/$n.out"
		echo "#SBATCH --chdir=$TMP"
		for o in "$@"; do echo "#SBATCH $o"; done
		echo "$body"
	} >"$f"
	echo "$f"
}

# submit NAME BODY [OPTION...]: sets $id (empty when sbatch failed,
# its message in $TMP/sbatch.err) and $sub (submission time).
submit() {
	f=$(job "$@")
	sub=$(date +%s.%N)
	id=$(sbatch --parsable "$f" 2>"$TMP/sbatch.err")
	id=${id%%;*}
}

# state_of ID: sets $st and $ec, from scontrol or sacct; empty when
# neither knows the job.
state_of() {
	st='' ec=''
	l=$(scontrol show job -o "$1" 2>/dev/null)
	if [ -n "$l" ]; then
		st=$(echo "$l" | sed -n 's/.* JobState=\([^ ]*\).*/\1/p')
		ec=$(echo "$l" | sed -n 's/.* ExitCode=\([^ ]*\).*/\1/p')
		return
	fi
	l=$(sacct --completion -n -P -j "$1" -o State,ExitCode 2>/dev/null |
	    head -n 1)
	if [ -n "$l" ]; then
		st=${l%%|*}
		st=${st%% *}
		ec=${l#*|}
	fi
}

terminal() {
	case $1 in
	COMPLETED|FAILED|TIMEOUT|CANCELLED*|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)
		return 0 ;;
	esac
	return 1
}

since() { awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $1}"; }

# wait_done ID LIMIT: poll every 0.1 s until the job ends; sets $st, $ec,
# $took (seconds since $sub).  Returns 1 after LIMIT seconds.
wait_done() {
	end=$(($(date +%s) + $2))
	while :; do
		state_of "$1"
		if terminal "$st"; then
			took=$(since "$sub")
			return 0
		fi
		[ "$(date +%s)" -lt "$end" ] || { took=$(since "$sub"); return 1; }
		sleep 0.1
	done
}

# sleepers: is our "sleep $LONG" running?  (A number of this run's own:
# another run's sleepers are not ours.)
LONG=$((100000 + $$))
sleepers() {
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" = "sleep $LONG " ] &&
		    return 0
	done
	return 1
}

# wait_state ID STATE LIMIT
wait_state() {
	end=$(($(date +%s) + $3))
	while :; do
		state_of "$1"
		[ "$st" = "$2" ] && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# check NAME ID WANT-STATE WANT-EXITCODE LIMIT: the result line of
# NAME, "cluster: NAME"
check() {
	if [ -z "$2" ]; then
		fail "cluster: $1" "sbatch failed: $(cat "$TMP/sbatch.err")"
		return 1
	fi
	if ! wait_done "$2" "$5"; then
		fail "cluster: $1" "job $2 still ${st:-unknown} after $5 s"
		return 1
	fi
	if [ "$st" != "$3" ] || { [ -n "$4" ] && [ "$ec" != "$4" ]; }; then
		fail "cluster: $1" "job $2 ended $st ExitCode=$ec, want $3 ${4:+ExitCode=$4}"
		sed 's/^/    /' "$TMP/out/$1.out" 2>/dev/null
		return 1
	fi
	ok "cluster: $1 # $st ExitCode=$ec ${took}s after ${after:-sbatch}"
}

# ---- the time limit, in the background ----------------------------------
submit timeout 'exec sleep 300' --time=1
tid=$id tsub=$sub
if [ -z "$tid" ]; then
	fail "cluster: timeout" "sbatch failed: $(cat "$TMP/sbatch.err")"
else
	# slurmctld checks limits every 30 s from its start: the job ends
	# TIMEOUT at the first check after 60 s of run time (87-90 s here,
	# later when it started late under load).
	(sub=$tsub; check timeout "$tid" TIMEOUT "" 300 >"$TMP/timeout.res") &
	bg=$!
fi

# ---- the other cases, one after the other ---------------------------------
case $tid in
''|*[!0-9]*) fail "cluster: parsable" "sbatch --parsable printed \"$tid\"" ;;
*) ok "cluster: parsable # job id $tid" ;;
esac

submit completed 'echo "gpus=${CUDA_VISIBLE_DEVICES-unset}"; exit 0'
check completed "$id" COMPLETED 0:0 $W && cid=$id
if grep -qx 'gpus=unset' "$TMP/out/completed.out" 2>/dev/null; then
	ok "cluster: no-gres-no-gpus"
else
	fail "cluster: no-gres-no-gpus" "$(cat "$TMP/out/completed.out" 2>&1)"
fi

# Latency submit -> COMPLETED, polling the way kbgen does.
times=
for i in 1 2 3; do
	submit "latency$i" 'true'
	if wait_done "$id" $W; then
		times="$times ${took}s"
	else
		times="$times (still ${st:-unknown} after $W s)"
	fi
done
ok "cluster: latency # submit->COMPLETED:$times"

submit failed 'echo about to fail; exit 3'
check failed "$id" FAILED 3:0 $W && fid=$id

submit gpu 'echo "gpus=${CUDA_VISIBLE_DEVICES-unset}"' --gres=gpu:1
if check gpu "$id" COMPLETED 0:0 $W >"$TMP/gpu.res"; then
	if grep -Eqx 'gpus=[01]' "$TMP/out/gpu.out"; then
		ok "cluster: gpu # $(cat "$TMP/out/gpu.out")"
	else
		fail "cluster: gpu" "want CUDA_VISIBLE_DEVICES 0 or 1: $(cat "$TMP/out/gpu.out")"
	fi
else
	cat "$TMP/gpu.res"
fi

submit toomany 'true' --gres=gpu:3
if [ -z "$id" ] && grep -q 'Requested node configuration is not available' \
    "$TMP/sbatch.err"; then
	ok "cluster: gpu-too-many # refused at submission"
else
	fail "cluster: gpu-too-many" "sbatch gave \"$id\": $(cat "$TMP/sbatch.err")"
fi

submit cancel "sleep $LONG & wait"
if [ -z "$id" ]; then
	fail "cluster: cancel" "sbatch failed: $(cat "$TMP/sbatch.err")"
elif ! wait_state "$id" RUNNING $W; then
	fail "cluster: cancel" "job $id is ${st:-unknown}, not RUNNING, after $W s"
else
	sub=$(date +%s.%N)
	scancel "$id"
	after=scancel check cancel "$id" CANCELLED "" $W && xid=$id
	# proctrack must end the job's children too.
	gone=0
	end=$(($(date +%s) + W))
	while [ "$(date +%s)" -lt "$end" ]; do
		sleepers || { gone=1; break; }
		sleep 0.1
	done
	[ $gone -eq 1 ] && ok "cluster: cancel-kills-children" ||
	    fail "cluster: cancel-kills-children" "a 'sleep $LONG' survived scancel by $W s"
fi

# Once the job has left scontrol (MinJobAge=2 here; Slurm purges every
# few seconds), sacct --completion still knows state and exit code.
for pair in "completed:$cid:COMPLETED|0:0" "failed:$fid:FAILED|3:0"; do
	n=${pair%%:*} rest=${pair#*:}
	j=${rest%%:*} want=${rest#*:}
	[ -n "$j" ] || { fail "cluster: sacct-$n" "no job"; continue; }
	end=$(($(date +%s) + W))
	while scontrol show job -o "$j" >/dev/null 2>&1 &&
	    [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.5
	done
	if scontrol show job -o "$j" >/dev/null 2>&1; then
		fail "cluster: sacct-$n" "job $j still in scontrol after $W s"
		scontrol show job -o "$j" | sed 's/^/    /' 
		continue
	fi
	got=$(sacct --completion -n -P -j "$j" -o State,ExitCode 2>&1 | head -n 1)
	if [ "$got" = "$want" ]; then
		ok "cluster: sacct-$n # $got"
	else
		fail "cluster: sacct-$n" "sacct --completion says \"$got\", want \"$want\""
	fi
done

# ---- the time limit -------------------------------------------------------
if [ -n "$tid" ]; then
	wait "$bg"
	cat "$TMP/timeout.res"
	# Same in sacct, which kbgen reads once the job has left scontrol.
	got=$(sacct --completion -n -P -j "$tid" -o State,ExitCode 2>&1 |
	    head -n 1)
	case $got in
	TIMEOUT*) ok "cluster: sacct-timeout # $got" ;;
	*) fail "cluster: sacct-timeout" "sacct --completion says \"$got\"" ;;
	esac
fi
if [ -n "${xid:-}" ]; then
	got=$(sacct --completion -n -P -j "$xid" -o State,ExitCode 2>&1 |
	    head -n 1)
	case $got in
	CANCELLED*) ok "cluster: sacct-cancel # $got" ;;
	*) fail "cluster: sacct-cancel" "sacct --completion says \"$got\"" ;;
	esac
fi
finish
