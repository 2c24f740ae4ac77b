#!/bin/sh
# Install what kbgen needs on Debian 12, skipping what is already there.
# Used by "make run" and by .ci/run.  Needs root (or sudo).
set -e
PKGS="build-essential pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev
libgit2-dev liblmdb-dev libcurl4-openssl-dev libyaml-dev libjansson-dev
libstemmer-dev libical-dev libmimalloc-dev python3-yaml lmdb-utils git tzdata
libssl-dev libarchive-dev skopeo umoci zstd libvips-dev libmicrohttpd-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "kbgen: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null
