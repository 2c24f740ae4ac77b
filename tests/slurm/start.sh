#!/bin/sh
# Start a one-node Slurm cluster on localhost for the tests (see README.md).
# Usage: eval "$(sh tests/slurm/start.sh [STATEDIR])"
#
# STATEDIR (default /tmp/kbgen-slurm) gets slurm.conf, gres.conf,
# cgroup.conf, the fake GPU devices (dev/), the cluster's own munged
# (munge/: key and socket), the daemons' state, spool, pid and log files,
# and the ports it listens on (ports).  Each STATEDIR is a cluster of its
# own: free ports, its own munged, a node named after its port (so its
# jobs' cgroups, slurm_NODE/, are its own), so that two test runs at once
# do not meet.  Every folder above STATEDIR must be searchable by all
# (munged refuses a socket below one that is not).  Idempotent: what
# already runs in STATEDIR is left running, on the ports it has.  On
# success the only output on stdout is "export SLURM_CONF=STATEDIR/slurm.conf";
# progress and errors go to stderr.
# Exit status: 0 ready; 77 Slurm or munge not installed, or not root (the
# test skips); 1 could not start.
#
# Environment (all optional):
#   KBGEN_SLURM_PROCTRACK  cgroup or linuxproc (default: cgroup when the
#                          cgroup v1 memory and freezer controllers are
#                          mounted, else linuxproc)
#   KBGEN_SLURM_MINJOBAGE  seconds a finished job stays in scontrol (300)
#   KBGEN_SLURM_KILLWAIT   seconds from SIGTERM to SIGKILL (10)
#   KBGEN_SLURM_PORT       slurmctld port, slurmd uses the next one
#                          (default: two free ports, found at the first start)
#   KBGEN_SLURM_TIMEOUT    seconds to wait for an idle node (120)
#   KBGEN_SLURM_DEBUG      log level of both daemons (info; debug, debug2...)
set -u
STATEDIR=${1:-/tmp/kbgen-slurm}
HERE=$(cd "$(dirname "$0")" && pwd)
PATH=$PATH:/usr/sbin:/sbin
export PATH

say() { echo "slurm-test: $*" >&2; }
die() { say "error: $*"; exit 1; }

for p in munged munge unmunge slurmctld slurmd sinfo sbatch scontrol python3; do
	if ! command -v "$p" >/dev/null 2>&1; then
		say "slurm not installed ($p missing): apt-get install -y" \
		    "slurm-wlm munge bubblewrap"
		exit 77
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	say "slurm not started: needs root (SlurmUser=root, munged runs as munge)"
	exit 77
fi

case $STATEDIR in /*) ;; *) STATEDIR=$PWD/$STATEDIR ;; esac
mkdir -p "$STATEDIR/state" "$STATEDIR/spool" "$STATEDIR/log" \
    "$STATEDIR/pid" "$STATEDIR/dev" "$STATEDIR/munge" ||
    die "cannot create $STATEDIR"
chmod 755 "$STATEDIR" "$STATEDIR/munge"
CONF=$STATEDIR/slurm.conf
SLURM_CONF=$CONF
export SLURM_CONF

# Is the process in pid file $1 alive and named $2?
running() {
	[ -s "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/comm" ] &&
	    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}

logtails() {
	for f in "$STATEDIR"/log/*.log; do
		[ -f "$f" ] || continue
		say "--- last lines of $f"
		tail -n 15 "$f" >&2
	done
}

# ---- configuration ------------------------------------------------------
CPUS=$(nproc)
# RealMemory must not exceed what slurmd finds, or the node is drained.
found=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
[ -n "$found" ] || die "slurmd -C reports no RealMemory"
MEM=$((found - found / 20))
[ "$MEM" -gt 0 ] || MEM=$found
# Without a default every job takes the whole node's memory.
DEFMEM=$((MEM / CPUS))
[ "$DEFMEM" -gt 1000 ] && DEFMEM=1000

PROCTRACK=${KBGEN_SLURM_PROCTRACK:-}
if [ -z "$PROCTRACK" ]; then
	if [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/freezer ] &&
	    grep -q ' /sys/fs/cgroup/freezer cgroup ' /proc/mounts; then
		PROCTRACK=cgroup
	else
		PROCTRACK=linuxproc
	fi
fi
case $PROCTRACK in
cgroup) TASK=cgroup ;;
linuxproc) TASK=none ;;
*) die "KBGEN_SLURM_PROCTRACK must be cgroup or linuxproc" ;;
esac

# ---- ports ----------------------------------------------------------------
# Is something listening on TCP port $1?  (Another cluster would answer
# our clients in place of ours.)
port_busy() {
	hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	    awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {f=1} END {exit !f}'
}
# Two ports that nothing listens on now, from the kernel (bind to port 0).
free_ports() {
	python3 -c 'import socket
s = [socket.socket() for i in range(2)]
for x in s:
    x.bind(("", 0))
print(*(x.getsockname()[1] for x in s))'
}
if [ -n "${KBGEN_SLURM_PORT:-}" ]; then
	PORT=$KBGEN_SLURM_PORT SPORT=$((KBGEN_SLURM_PORT + 1))
elif [ -s "$STATEDIR/ports" ]; then
	read -r PORT SPORT <"$STATEDIR/ports"
else
	PORT=
fi
if [ -z "${KBGEN_SLURM_PORT:-}" ] &&
    ! running "$STATEDIR/pid/slurmctld.pid" slurmctld; then
	# Nothing of ours runs: ports taken since (or never chosen) are
	# chosen again.
	i=0
	while [ -z "$PORT" ] || port_busy "$PORT" || port_busy "$SPORT"; do
		i=$((i + 1))
		[ $i -le 10 ] || die "found no two free ports"
		set -- $(free_ports) || die "python3 found no free port"
		PORT=$1 SPORT=$2
	done
fi
case "$PORT $SPORT" in
*[!0-9\ ]*|" "*|*" ") die "bad ports [$PORT $SPORT]" ;;
esac
echo "$PORT $SPORT" >"$STATEDIR/ports"
# The node's name: slurmd keeps its jobs' cgroups under slurm_NODE/, so
# two clusters' job 1 do not share one.
NODE=kbgen$PORT
MUNGE=$STATEDIR/munge/munge.socket

# Two fake GPUs: character devices with the NVIDIA major number.  Slurm
# only accepts character (or block) devices as gres files.
for i in 0 1; do
	d=$STATEDIR/dev/nvidia$i
	[ -c "$d" ] && continue
	rm -f "$d"
	if ! mknod "$d" c 195 "$i" 2>"$STATEDIR/log/mknod.err"; then
		say "mknod $d c 195 $i failed: $(cat "$STATEDIR/log/mknod.err")"
		die "Slurm needs character devices for the fake GPUs (gres.conf" \
		    "File=); mknod needs CAP_MKNOD and a file system mounted" \
		    "without nodev ($STATEDIR is on $(df -P "$STATEDIR" |
		    awk 'NR==2 {print $6}')); give another STATEDIR or run" \
		    "with that capability"
	fi
done

render() {
	sed -e "s|@STATEDIR@|$STATEDIR|g" -e "s|@CPUS@|$CPUS|g" \
	    -e "s|@MEM@|$MEM|g" -e "s|@DEFMEM@|$DEFMEM|g" \
	    -e "s|@PROCTRACK@|$PROCTRACK|g" -e "s|@TASK@|$TASK|g" \
	    -e "s|@CTLD_PORT@|$PORT|g" -e "s|@SLURMD_PORT@|$SPORT|g" \
	    -e "s|@NODE@|$NODE|g" -e "s|@MUNGE_SOCKET@|$MUNGE|g" \
	    -e "s|@MINJOBAGE@|${KBGEN_SLURM_MINJOBAGE:-300}|g" \
	    -e "s|@KILLWAIT@|${KBGEN_SLURM_KILLWAIT:-10}|g" \
	    -e "s|@DEBUG@|${KBGEN_SLURM_DEBUG:-info}|g" \
	    -e "s|@GPU0@|$STATEDIR/dev/nvidia0|g" \
	    -e "s|@GPU1@|$STATEDIR/dev/nvidia1|g" "$1"
}
# Replace a file only when it changed, so a running cluster keeps its
# configuration's time stamp.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mv "$1" "$2"
		changed=1
	else
		rm -f "$1"
	fi
}
changed=0
render "$HERE/slurm.conf.in" >"$CONF.tmp" && install_if_changed "$CONF.tmp" "$CONF"
render "$HERE/gres.conf.in" >"$STATEDIR/gres.conf.tmp" &&
    install_if_changed "$STATEDIR/gres.conf.tmp" "$STATEDIR/gres.conf"
cat >"$STATEDIR/cgroup.conf.tmp" <<EOF
# cgroup.conf of the kbgen test cluster (used with proctrack/cgroup).
CgroupPlugin=autodetect
ConstrainCores=yes
ConstrainRAMSpace=yes
ConstrainDevices=no
EOF
install_if_changed "$STATEDIR/cgroup.conf.tmp" "$STATEDIR/cgroup.conf"

# ---- munge --------------------------------------------------------------
# A munged of this cluster's own, on a socket in STATEDIR with a key of
# its own (slurm.conf's AuthInfo names the socket): stopping it stops no
# other cluster, and no other cluster's munged answers ours.
if munge -S "$MUNGE" -n 2>/dev/null | unmunge -S "$MUNGE" >/dev/null 2>&1; then
	: # ours already answers
else
	K=$STATEDIR/munge/munge.key
	if [ ! -s "$K" ]; then
		dd if=/dev/urandom of="$K.tmp" bs=1024 count=1 2>/dev/null &&
		    chmod 400 "$K.tmp" && mv "$K.tmp" "$K" ||
		    die "cannot write $K"
	fi
	rm -f "$MUNGE" "$MUNGE.lock"
	say "starting munged"
	munged --socket="$MUNGE" --key-file="$K" \
	    --pid-file="$STATEDIR/pid/munged.pid" \
	    --log-file="$STATEDIR/log/munged.log" \
	    --seed-file="$STATEDIR/munge/munged.seed" >&2 ||
	    die "munged did not start: $(tail -n 3 "$STATEDIR/log/munged.log" 2>/dev/null)"
	i=0
	until munge -S "$MUNGE" -n 2>/dev/null | unmunge -S "$MUNGE" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "munge -n | unmunge fails:" \
		    "$(tail -n 3 "$STATEDIR/log/munged.log" 2>/dev/null)"
		sleep 0.1
	done
fi

# ---- slurmctld, slurmd ----------------------------------------------------
if running "$STATEDIR/pid/slurmctld.pid" slurmctld; then
	if [ $changed -eq 1 ]; then
		say "configuration changed: scontrol reconfigure"
		scontrol reconfigure >&2
	fi
else
	port_busy "$PORT" && die "port $PORT is in use (another slurmctld?" \
	    "stop it, or set KBGEN_SLURM_PORT)"
	say "starting slurmctld ($PROCTRACK)"
	slurmctld -f "$CONF" >&2 || { logtails; die "slurmctld did not start"; }
fi
if ! running "$STATEDIR/pid/slurmd.pid" slurmd; then
	port_busy "$SPORT" && die "port $SPORT is in use" \
	    "(another slurmd? stop it, or set KBGEN_SLURM_PORT)"
	say "starting slurmd"
	slurmd -f "$CONF" -N "$NODE" >&2 || { logtails; die "slurmd did not start"; }
fi

# ---- wait for the node ------------------------------------------------------
limit=${KBGEN_SLURM_TIMEOUT:-120}
start=$(date +%s)
while :; do
	st=$(sinfo -h -n "$NODE" -o %T 2>/dev/null)
	case $st in
	idle*|mixed*|allocated*|completing*) break ;;
	drain*|down*)
		# A stale registration (e.g. another RealMemory) drains it.
		scontrol update nodename="$NODE" state=resume >/dev/null 2>&1
		;;
	esac
	if [ $(($(date +%s) - start)) -ge "$limit" ]; then
		say "the node is not idle after ${limit}s (sinfo: ${st:-no answer})"
		sinfo -R >&2 2>/dev/null
		logtails
		exit 1
	fi
	sleep 0.2
done
for d in slurmctld slurmd; do
	running "$STATEDIR/pid/$d.pid" $d || { logtails; die "$d is not running"; }
done
say "ready: node $NODE ${st}, ports $PORT and $SPORT ($CPUS CPUs, ${MEM} MB, 2 fake GPUs," \
    "proctrack/$PROCTRACK) in $(($(date +%s) - start))s"
echo "export SLURM_CONF=$CONF"
