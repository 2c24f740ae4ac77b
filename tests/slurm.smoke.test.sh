#!/bin/sh
# The Slurm test cluster works the way "kbgen check --runner slurm"
# expects: start tests/slurm/start.sh in a fresh folder, submit small
# batch scripts with plain sbatch (no kbgen here) and follow them the way
# kbgen does, with scontrol show job -o and, once Slurm has forgotten a
# job (MinJobAge), sacct --completion.  The --time=1 job takes ~90 s,
# so it runs in the background while the other cases run.  Skipped
# (reported "SKIP slurm-smoke: ...", a failure in tests/run.sh) when Slurm or munge is not installed.
# shellcheck disable=SC2016  # job bodies are single-quoted: the job expands them
HERE=$PWD/tests/slurm
TMP=$(mktemp -d)
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
	skip slurm-smoke "$(tail -n 1 "$TMP/start.err" |
	    sed 's/^slurm-test: //')"
	finish
fi
started=1
if [ $rc -ne 0 ] || ! grep -q '^export SLURM_CONF=' "$TMP/start.out"; then
	fail "slurm-start" "exit $rc" "$TMP/start.err"
	finish
fi
eval "$(cat "$TMP/start.out")"
t1=$(date +%s.%N)
ok "slurm-start # $(awk "BEGIN {printf \"%.2f\", $t1 - $t0}")s, $(sed -n 's/.*(\(.*\)).*/\1/p' "$TMP/start.err" | tail -n 1)"

# The cluster must be idempotent: a second start leaves it running.
if sh "$HERE/start.sh" "$C" >"$TMP/start2.out" 2>"$TMP/start2.err" &&
    cmp -s "$TMP/start.out" "$TMP/start2.out" &&
    ! grep -q starting "$TMP/start2.err"; then
	ok "slurm-start-again"
else
	fail "slurm-start-again" "a second start.sh did not just return"
	sed 's/^/    /' "$TMP/start2.err"
fi

# ---- helpers ---------------------------------------------------------------
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

# sleepers: is a "sleep 301" running?
sleepers() {
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" = "sleep 301 " ] &&
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

# check NAME ID WANT-STATE WANT-EXITCODE LIMIT
check() {
	if [ -z "$2" ]; then
		fail "$1" "sbatch failed: $(cat "$TMP/sbatch.err")"
		return 1
	fi
	if ! wait_done "$2" "$5"; then
		fail "$1" "job $2 still ${st:-unknown} after $5 s"
		return 1
	fi
	if [ "$st" != "$3" ] || { [ -n "$4" ] && [ "$ec" != "$4" ]; }; then
		fail "$1" "job $2 ended $st ExitCode=$ec, want $3 ${4:+ExitCode=$4}"
		sed 's/^/    /' "$TMP/out/$1.out" 2>/dev/null
		return 1
	fi
	ok "$1 # $st ExitCode=$ec ${took}s after ${after:-sbatch}"
}

# ---- the time limit, in the background ----------------------------------
submit timeout 'exec sleep 300' --time=1
tid=$id tsub=$sub
if [ -z "$tid" ]; then
	fail "timeout" "sbatch failed: $(cat "$TMP/sbatch.err")"
else
	# slurmctld checks limits every 30 s from its start: the job ends
	# TIMEOUT at the first check after 60 s of run time (87-90 s here).
	(sub=$tsub; check timeout "$tid" TIMEOUT "" 130 >"$TMP/timeout.res") &
	bg=$!
fi

# ---- the other cases, one after the other ---------------------------------
case $tid in
''|*[!0-9]*) fail "parsable" "sbatch --parsable printed \"$tid\"" ;;
*) ok "parsable # job id $tid" ;;
esac

submit completed 'echo "gpus=${CUDA_VISIBLE_DEVICES-unset}"; exit 0'
check completed "$id" COMPLETED 0:0 30 && cid=$id
if grep -qx 'gpus=unset' "$TMP/out/completed.out" 2>/dev/null; then
	ok "no-gres-no-gpus"
else
	fail "no-gres-no-gpus" "$(cat "$TMP/out/completed.out" 2>&1)"
fi

# Latency submit -> COMPLETED, polling the way kbgen does.
times=
for i in 1 2 3; do
	submit "latency$i" 'true'
	wait_done "$id" 30 && times="$times ${took}s"
done
ok "latency # submit->COMPLETED:$times"

submit failed 'echo about to fail; exit 3'
check failed "$id" FAILED 3:0 30 && fid=$id

submit gpu 'echo "gpus=${CUDA_VISIBLE_DEVICES-unset}"' --gres=gpu:1
if check gpu "$id" COMPLETED 0:0 30 >"$TMP/gpu.res"; then
	if grep -Eqx 'gpus=[01]' "$TMP/out/gpu.out"; then
		ok "gpu # $(cat "$TMP/out/gpu.out")"
	else
		fail "gpu" "want CUDA_VISIBLE_DEVICES 0 or 1: $(cat "$TMP/out/gpu.out")"
	fi
else
	cat "$TMP/gpu.res"
fi

submit toomany 'true' --gres=gpu:3
if [ -z "$id" ] && grep -q 'Requested node configuration is not available' \
    "$TMP/sbatch.err"; then
	ok "gpu-too-many # refused at submission"
else
	fail "gpu-too-many" "sbatch gave \"$id\": $(cat "$TMP/sbatch.err")"
fi

submit cancel 'sleep 301 & wait'
if [ -z "$id" ]; then
	fail "cancel" "sbatch failed: $(cat "$TMP/sbatch.err")"
elif ! wait_state "$id" RUNNING 30; then
	fail "cancel" "job $id is ${st:-unknown}, not RUNNING, after 30 s"
else
	sub=$(date +%s.%N)
	scancel "$id"
	after=scancel check cancel "$id" CANCELLED "" 20 && xid=$id
	# proctrack must end the job's children too.
	gone=0
	for i in $(seq 50); do
		sleepers || { gone=1; break; }
		sleep 0.1
	done
	[ $gone -eq 1 ] && ok "cancel-kills-children" ||
	    fail "cancel-kills-children" "a 'sleep 301' survived scancel"
fi

# Once the job has left scontrol (MinJobAge=2 here; Slurm purges every
# few seconds), sacct --completion still knows state and exit code.
for pair in "completed:$cid:COMPLETED|0:0" "failed:$fid:FAILED|3:0"; do
	n=${pair%%:*} rest=${pair#*:}
	j=${rest%%:*} want=${rest#*:}
	[ -n "$j" ] || { fail "sacct-$n" "no job"; continue; }
	end=$(($(date +%s) + 40))
	while scontrol show job -o "$j" >/dev/null 2>&1 &&
	    [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.5
	done
	if scontrol show job -o "$j" >/dev/null 2>&1; then
		fail "sacct-$n" "job $j still in scontrol after 40 s"
		scontrol show job -o "$j" | sed 's/^/    /' 
		continue
	fi
	got=$(sacct --completion -n -P -j "$j" -o State,ExitCode 2>&1 | head -n 1)
	if [ "$got" = "$want" ]; then
		ok "sacct-$n # $got"
	else
		fail "sacct-$n" "sacct --completion says \"$got\", want \"$want\""
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
	TIMEOUT*) ok "sacct-timeout # $got" ;;
	*) fail "sacct-timeout" "sacct --completion says \"$got\"" ;;
	esac
fi
if [ -n "${xid:-}" ]; then
	got=$(sacct --completion -n -P -j "$xid" -o State,ExitCode 2>&1 |
	    head -n 1)
	case $got in
	CANCELLED*) ok "sacct-cancel # $got" ;;
	*) fail "sacct-cancel" "sacct --completion says \"$got\"" ;;
	esac
fi
finish
