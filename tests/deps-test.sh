#!/bin/sh
# Install what the tests need beyond tests/deps.sh: the job driver's
# Python (nbclient, ipykernel, numpy, nbconvert for the benchmark),
# bubblewrap for the local runner, Slurm and munge for the cluster the
# tests start.  Used by .ci/run.  Needs root.
set -e
PKGS="python3-nbclient python3-ipykernel python3-numpy jupyter-nbconvert
bubblewrap slurm-wlm munge python3-icalendar"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "kbgen: installing for the tests:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null
