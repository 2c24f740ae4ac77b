#!/bin/sh
# Install what the tests need beyond tests/deps.sh: the job driver's
# Python (nbclient, ipykernel, numpy, nbconvert for the benchmark and
# tests/notebook.test.sh, which also needs Pillow and matplotlib),
# bubblewrap for the local runner, mmdebstrap (the test image) and
# docker-registry (a registry on 127.0.0.1) for tests/image.test.sh,
# Slurm and munge for the cluster the tests start, Chromium, Node.js and
# npm for the browser tests of search and their npm packages
# (playwright-core, and Pagefind for "make bench-search") in
# tests/browser/node_modules, and clang 14 with its runtime (libFuzzer,
# ASan, UBSan) for tests/fuzz.test.sh and "make fuzz".  Used by "make
# test" and .ci/run; skips what is installed.  Needs root or sudo (for
# apt) when something is missing.  python3-pil reads and draws the
# images of tests/thumb.test.sh.  python3-jsonschema and python3-yaml
# check kbgen schema's output and kbgen init's CI recipes
# (tests/schema.test.sh, tests/init.test.sh); curl talks to kbgen serve
# in tests/serve.test.sh.  default-jre-headless runs the Nu HTML checker
# (npm vnu-jar) of tests/validate.test.sh, which also runs axe-core in
# Chromium; "make check-site" runs Lighthouse (npm) on the shipped site.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PKGS="python3-nbclient python3-ipykernel python3-numpy jupyter-nbconvert
python3-nbconvert python3-pil python3-matplotlib
bubblewrap slurm-wlm munge python3-icalendar chromium mmdebstrap
python3-pip python3-venv clang-14 libclang-rt-14-dev
docker-registry python3-pil python3-jsonschema python3-yaml curl
default-jre-headless"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
# Node.js may come from elsewhere (NodeSource ships npm inside nodejs):
# ask apt only for the commands that are missing.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "kbgen: installing for the tests:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null
fi

# The browser tests' npm packages, pinned by tests/browser/package-lock.json
# (again when one of them is missing: a folder installed before one was
# added).
nm=$top/tests/browser/node_modules
if [ ! -d "$nm/playwright-core" ] || [ ! -d "$nm/axe-core" ] ||
    [ ! -d "$nm/vnu-jar" ] || [ ! -d "$nm/lighthouse" ]; then
	echo "kbgen: installing tests/browser/node_modules (npm ci)"
	(cd "$top/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
