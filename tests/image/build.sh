#!/bin/sh
# Build the test image (a Debian 12 root file system tar made by
# mmdebstrap: python3, nbclient, ipykernel, numpy, pip, venv and
# tabulate, a module the host lacks) once per machine and print its path.
# The tar is cached as /var/cache/kbgen-tests/image-HASH.tar, HASH naming
# the recipe below, so a change of the recipe builds a new one and a
# second call only prints the path (KBGEN_TEST_CACHE overrides the folder).
# Concurrent callers wait on a lock; a failed build leaves nothing that
# looks complete.  The first build takes about 2.5 minutes and needs
# apt's configured Debian mirror.
set -eu
cache=${KBGEN_TEST_CACHE:-/var/cache/kbgen-tests}
suite=bookworm
pkgs=python3-minimal,python3-nbclient,python3-ipykernel,python3-numpy,python3-pip,python3-venv,python3-tabulate
recipe="mmdebstrap --variant=apt --format=tar --include=$pkgs $suite"
hash=$(printf '%s\n' "$recipe" | sha256sum | cut -c1-16)
out="$cache/image-$hash.tar"
if [ -f "$out" ] && [ -s "$out" ]; then
	echo "$out"
	exit 0
fi
command -v mmdebstrap >/dev/null 2>&1 || {
	echo "build.sh: mmdebstrap is not installed (apt-get install mmdebstrap)" >&2
	exit 1
}
mkdir -p "$cache"
exec 9>"$cache/image-$hash.lock"
flock 9
if ! [ -f "$out" ] || ! [ -s "$out" ]; then
	tmp="$cache/.image-$hash.$$.tar"
	trap 'rm -f "$tmp"' EXIT INT TERM
	echo "build.sh: building $out (about 2.5 minutes)" >&2
	# shellcheck disable=SC2086
	$recipe "$tmp" >&2
	mv -f "$tmp" "$out"
	trap - EXIT INT TERM
fi
echo "$out"
