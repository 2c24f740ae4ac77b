#!/bin/sh
# Stop the test cluster that tests/slurm/start.sh started in STATEDIR
# (default /tmp/kbgen-slurm): cancel every job, then stop slurmd,
# slurmctld and the cluster's munged, each only if its pid file in
# STATEDIR/pid says start.sh started it, and remove the node's empty
# cgroups (slurm_NODE/ in each controller).  Files are left in place
# (remove STATEDIR for a clean start).  Usage: sh tests/slurm/stop.sh [STATEDIR]
set -u
STATEDIR=${1:-/tmp/kbgen-slurm}
case $STATEDIR in /*) ;; *) STATEDIR=$PWD/$STATEDIR ;; esac
PATH=$PATH:/usr/sbin:/sbin
SLURM_CONF=$STATEDIR/slurm.conf
export PATH SLURM_CONF
[ -d "$STATEDIR/pid" ] || exit 0

# The pid in pid file $1, if that process is alive and named $2.
alive() {
	[ -s "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null)
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}

# Stop the daemon of pid file $1 named $2: SIGTERM, SIGKILL after 10 s.
stop() {
	alive "$1" "$2" || { rm -f "$1"; return 0; }
	kill "$pid" 2>/dev/null
	i=0
	while [ -d "/proc/$pid" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -d "/proc/$pid" ]; then
		echo "slurm-test: $2 ($pid) ignored SIGTERM, killing it" >&2
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$1"
}

if alive "$STATEDIR/pid/slurmctld.pid" slurmctld; then
	ids=$(squeue -h -o %A 2>/dev/null)
	if [ -n "$ids" ]; then
		# shellcheck disable=SC2086
		scancel $ids 2>/dev/null
		# Let slurmd end the jobs' processes (up to KillWait and a bit).
		i=0
		while [ -n "$(squeue -h -o %A 2>/dev/null)" ] && [ $i -lt 150 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
fi
stop "$STATEDIR/pid/slurmd.pid" slurmd
stop "$STATEDIR/pid/slurmctld.pid" slurmctld
stop "$STATEDIR/pid/munged.pid" munged
# The node's cgroups, once its jobs are gone (rmdir leaves a busy one).
if [ -s "$STATEDIR/ports" ]; then
	read -r port _ <"$STATEDIR/ports"
	for d in /sys/fs/cgroup/*/"slurm_kbgen$port"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
fi
exit 0
