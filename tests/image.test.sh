#!/bin/sh
# Images for example environments (generator/image.c) with real tools:
# the test image built by mmdebstrap (tests/image/build.sh, cached) as
# rootfs: tar, gzip and zstd, run with bubblewrap; hand-made tars for
# hard links, modes, ".." and symbolic-link escapes; the image pushed
# with skopeo to Debian's docker-registry on 127.0.0.1 and prepared by
# digest and by tag; a two-layer OCI image made with umoci for
# whiteouts and hard links, as oci:, oci-archive: and docker-archive:;
# failed fetches, a killed unpack, threads and processes at once, a user
# other than root, and pruning.  Drives the C code through
# $(BUILD)/imagetool (make unit).  A missing tool is a FAIL.
# Prints ok/FAIL/SKIP lines and "N passed, N failed, N skipped".
top=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C TZ=UTC
build=$(dirname "${KBGEN:-$top/.obj/kbgen}")
TOOL=${IMAGETOOL:-$build/imagetool}
[ -x "$TOOL" ] || TOOL=$top/.obj/imagetool
note() { echo "# $*"; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.2f", $1 - $2 }'; }

tmp=$(mktemp -d /tmp/kbgen-image.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	sh "$top/tests/image/registry.sh" stop "$tmp/reg" 2>/dev/null
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
TMP=$tmp
. "$top/tests/lib.sh"

need=""
for t in python3 bwrap skopeo umoci zstd gzip mmdebstrap docker-registry; do
	command -v "$t" >/dev/null 2>&1 || need="$need $t"
done
if [ ! -x "$TOOL" ]; then
	fail "imagetool" "$TOOL is not built (make unit)"
	finish
fi
[ -z "$need" ] && ok "tools present" || fail "tools present" "missing:$need"

C=$tmp/cache
KB=$tmp/kb
mkdir -p "$KB/images" "$tmp/outside"

# prepare NAME REF [CACHE]: sets $digest, $root, $out (all output).
prepare() {
	out=$("$TOOL" prepare "${3:-$C}" "$KB" "$2" 2>&1)
	rc=$?
	digest=$(echo "$out" | sed -n 1p)
	root=$(echo "$out" | sed -n 2p)
	return $rc
}

inode() { stat -c %i "$1" 2>/dev/null; }

# Runs python3 of an unpacked root with bubblewrap, as the local
# runner does (the root's folders read-only, fresh /dev, /proc, /tmp).
runs() {
	bwrap --ro-bind "$1" / --proc /proc --dev /dev --tmpfs /tmp \
	    --unshare-all --die-with-parent /usr/bin/python3 -c \
	    'import tabulate, nbclient, numpy; print(tabulate.tabulate([[1, 2]]))' \
	    >"$tmp/bwrap.out" 2>&1
}

# ---- The syntax check, through the C code. ----
m=$("$TOOL" check "docker://127.0.0.1:5000/kbgen/test@sha256:abc")
case $m in
*"got 3 characters"*) ok "check: short digest" ;;
*) fail "check: short digest" "$m" ;;
esac
m=$("$TOOL" check "dokcer://ubuntu")
case $m in
*"did you mean 'docker://ubuntu'"*) ok "check: did you mean" ;;
*) fail "check: did you mean" "$m" ;;
esac
"$TOOL" check "oci-archive:images/x.tar" >/dev/null &&
    ok "check: oci-archive" || fail "check: oci-archive" "refused"

# ---- Hand-made tars. ----
python3 "$top/tests/image/crafted.py" "$KB/images" "$tmp/outside" ||
    fail "crafted tars" "crafted.py failed"
if prepare links "rootfs:images/links.tar"; then
	ok "rootfs: small tar unpacked"
	[ "$(inode "$root/data/a.txt")" = "$(inode "$root/data/b.txt")" ] &&
	    [ -n "$(inode "$root/data/a.txt")" ] &&
	    ok "tar: hard link kept (same inode)" ||
	    fail "tar: hard link kept (same inode)" "$(ls -li "$root/data")"
	[ "$(readlink "$root/data/c.txt")" = a.txt ] &&
	    ok "tar: symbolic link kept" || fail "tar: symbolic link kept" \
	    "$(ls -l "$root/data")"
	[ "$(stat -c %a "$root/data")" = 750 ] &&
	    [ "$(stat -c %a "$root/data/a.txt")" = 640 ] &&
	    [ "$(stat -c %a "$root/data/ro")" = 555 ] &&
	    ok "tar: permissions kept" || fail "tar: permissions kept" \
	    "$(ls -l "$root/data")"
	if [ "$(id -u)" -eq 0 ]; then
		[ "$(stat -c %u "$root/data/a.txt")" = 1234 ] &&
		    ok "tar: owner kept as root (uid 1234)" ||
		    fail "tar: owner kept as root" "$(stat -c %u "$root/data/a.txt")"
	fi
	[ ! -e "$root/dev/sda" ] && ok "tar: device node skipped" ||
	    fail "tar: device node skipped" "$(ls -l "$root/dev")"
	[ -f "$root/abs.txt" ] && [ ! -e /abs.txt ] &&
	    ok "tar: absolute name kept inside the root" ||
	    fail "tar: absolute name kept inside the root" "$(ls "$root")"
	[ "$(stat -c %a "$root")" = 755 ] &&
	    ok "tar: the root is reachable (0755)" ||
	    fail "tar: the root is reachable" "$(stat -c %a "$root")"
else
	fail "rootfs: small tar unpacked" "$out"
fi
for t in dotdot deep hardout symout; do
	if prepare $t "rootfs:images/$t.tar"; then
		fail "tar $t: refused" "accepted: $root"
	else
		case $out in
		*"$t.tar"*) ok "tar $t: refused ($(echo "$out" | cut -c1-150))" ;;
		*) fail "tar $t: refused" "message: $out" ;;
		esac
	fi
done
[ ! -e "$tmp/escape.txt" ] && [ ! -e "$KB/escape.txt" ] &&
    [ ! -e "$tmp/cache/escape.txt" ] && [ ! -e "$tmp/cache/images/escape.txt" ] &&
    [ ! -e "$tmp/escape2.txt" ] && [ ! -e "$tmp/cache/escape2.txt" ] &&
    [ ! -e "$tmp/cache/images/escape2.txt" ] &&
    [ -z "$(ls "$tmp/outside")" ] &&
    ok "tar: nothing written outside the root" ||
    fail "tar: nothing written outside the root" \
    "$(find "$tmp" -name 'escape*' -o -name pwned.txt)"
[ -z "$(find "$C/images" -maxdepth 1 -name '.tmp-*')" ] &&
    ok "tar: refused tars leave no temporary folder" ||
    fail "tar: refused tars leave no temporary folder" "$(ls -a "$C/images")"

# ---- The test image from Debian packages. ----
t0=$(now)
IMG=$(sh "$top/tests/image/build.sh")
if [ $? -ne 0 ] || [ ! -f "$IMG" ]; then
	fail "test image" "tests/image/build.sh failed"
	finish
fi
ok "test image $IMG ($(since "$t0") s)"
if python3 -c 'import tabulate' 2>/dev/null; then
	fail "host lacks tabulate" "the host has it: the test proves nothing"
else
	ok "host lacks tabulate"
fi
ln -s "$IMG" "$KB/images/test.tar"

t0=$(now)
if prepare plain "rootfs:images/test.tar"; then
	note "unpack of the test image (rootfs tar, $(du -m "$IMG" | cut -f1) MB): $(since "$t0") s"
	D_TAR=$digest
	R_TAR=$root
	want="sha256:$(sha256sum "$IMG" | cut -d' ' -f1)"
	[ "$digest" = "$want" ] && ok "rootfs tar: digest is the file's sha256" ||
	    fail "rootfs tar: digest is the file's sha256" "$digest, want $want"
	runs "$root" && ok "rootfs tar: python3 imports tabulate, nbclient, numpy in bwrap" ||
	    fail "rootfs tar: runs in bwrap" "$(tail -3 "$tmp/bwrap.out")"
	[ "$(inode "$root/usr/bin/perl")" = "$(inode "$root/usr/bin/perl5.36.0")" ] &&
	    ok "rootfs tar: the image's hard links kept" ||
	    fail "rootfs tar: the image's hard links kept" \
	    "$(ls -li "$root/usr/bin/perl" "$root/usr/bin/perl5.36.0")"
	touch "$root/.marker"
	t0=$(now)
	if prepare plain2 "rootfs:$IMG" && [ "$digest" = "$D_TAR" ] &&
	    [ -f "$root/.marker" ]; then
		s=$(since "$t0")
		note "second prepare of the same digest: $s s"
		ok "rootfs tar: second prepare (absolute path) reuses the unpacked root"
	else
		fail "rootfs tar: second prepare reuses the unpacked root" "$out"
	fi
	grep -q " rootfs:$(readlink -f "$IMG")\$" "$C/images/sums" &&
	    ok "rootfs tar: digest memoised" ||
	    fail "rootfs tar: digest memoised" "$(cat "$C/images/sums")"
else
	fail "rootfs tar unpacked" "$out"
fi

# Compressed copies (their own digests: unpacked again).
gzip -1 -c "$IMG" >"$KB/images/test.tar.gz"
zstd -q -T0 -1 -c "$IMG" >"$KB/images/test.tar.zst"
for z in gz zst; do
	t0=$(now)
	if prepare $z "rootfs:images/test.tar.$z" && [ "$digest" != "$D_TAR" ] &&
	    runs "$root"; then
		ok "rootfs tar.$z: unpacked and runs in bwrap ($(since "$t0") s)"
	else
		fail "rootfs tar.$z" "$out $(tail -2 "$tmp/bwrap.out" 2>/dev/null)"
	fi
done

# Threads and processes at once: one unpack, one answer.
C2=$tmp/cache2
"$TOOL" parallel 4 "$C2" "$KB" "rootfs:images/test.tar.zst" >"$tmp/p1" 2>&1 &
p1=$!
"$TOOL" parallel 4 "$C2" "$KB" "rootfs:images/test.tar.zst" >"$tmp/p2" 2>&1
r2=$?
wait $p1
r1=$?
n=$(cat "$tmp/p1" "$tmp/p2" | sort -u | wc -l)
dirs=$(find "$C2/images" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$n" -eq 1 ] && [ "$dirs" -eq 1 ] &&
    ok "2 processes x 4 threads: one unpack, the same digest and root" ||
    fail "2 processes x 4 threads" "rc $r1 $r2, $n answers, $dirs folders: $(cat "$tmp/p1" "$tmp/p2")"

# A killed unpack leaves no image that looks complete.
C3=$tmp/cache3
"$TOOL" prepare "$C3" "$KB" "rootfs:images/test.tar.gz" >/dev/null 2>&1 &
pk=$!
i=0
while [ -z "$(find "$C3/images" -maxdepth 1 -name '.tmp-*' 2>/dev/null)" ] &&
    [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.3
kill -9 $pk 2>/dev/null
wait $pk 2>/dev/null
hexdirs=$(find "$C3/images" -mindepth 1 -maxdepth 1 -type d ! -name '.tmp-*' | wc -l)
tmps=$(find "$C3/images" -mindepth 1 -maxdepth 1 -name '.tmp-*' | wc -l)
if [ "$hexdirs" -eq 0 ] && [ "$tmps" -eq 1 ]; then
	ok "killed unpack: only a .tmp- folder left"
else
	fail "killed unpack: only a .tmp- folder left" "$(ls -a "$C3/images")"
fi
if prepare again "rootfs:images/test.tar.gz" "$C3" && runs "$root" &&
    [ -z "$(find "$C3/images" -maxdepth 1 -name '.tmp-*')" ]; then
	ok "killed unpack: the next prepare unpacks and clears the leftover"
else
	fail "killed unpack: the next prepare" "$out $(ls -a "$C3/images")"
fi

# ---- A registry on 127.0.0.1. ----
mkdir -p "$tmp/reg"
if ! PORT=$(sh "$top/tests/image/registry.sh" start "$tmp/reg"); then
	fail "registry started" "tests/image/registry.sh failed"
	finish
fi
ok "registry on 127.0.0.1:$PORT"
L=$tmp/layout
t0=$(now)
if umoci init --layout "$L" && umoci new --image "$L:test" &&
    umoci raw add-layer --image "$L:test" "$IMG" &&
    skopeo copy --quiet --dest-tls-verify=false "oci:$L:test" \
    "docker://127.0.0.1:$PORT/kbgen/test:1" >"$tmp/push.log" 2>&1; then
	ok "test image pushed to the registry ($(since "$t0") s)"
else
	fail "test image pushed" "$(tail -3 "$tmp/push.log")"
fi
REG=127.0.0.1:$PORT/kbgen/test
D_REG=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REG:1" 2>&1)
t0=$(now)
if prepare bydigest "docker://$REG@$D_REG" && [ "$digest" = "$D_REG" ]; then
	note "docker:// by digest, fetch and unpack: $(since "$t0") s"
	R_REG=$root
	runs "$root" && ok "docker:// by digest: unpacked, runs in bwrap" ||
	    fail "docker:// by digest: runs in bwrap" "$(tail -3 "$tmp/bwrap.out")"
	touch "$root/.marker"
	[ -z "$(find "$root/dev" ! -type d ! -type l)" ] &&
	    ok "docker://: device nodes removed from the image" ||
	    fail "docker://: device nodes removed" "$(ls -l "$root/dev")"
else
	fail "docker:// by digest" "$out (digest $D_REG)"
fi
t0=$(now)
if prepare bytag "docker://$REG:1" && [ "$digest" = "$D_REG" ] &&
    [ "$root" = "$R_REG" ] && [ -f "$root/.marker" ]; then
	ok "docker:// by tag: resolved to the same digest, not unpacked again ($(since "$t0") s)"
else
	fail "docker:// by tag" "$out"
fi

# Failed fetches: skopeo's own message, nothing cached lost.
if prepare badtag "docker://$REG:nope"; then
	fail "docker:// unknown tag fails" "accepted"
else
	case $out in
	*"manifest unknown"*|*"not found"*) ok "docker:// unknown tag: skopeo's message ($(echo "$out" | cut -c1-160))" ;;
	*) fail "docker:// unknown tag: skopeo's message" "$out" ;;
	esac
fi
sh "$top/tests/image/registry.sh" stop "$tmp/reg"
OTHER=sha256:0000000000000000000000000000000000000000000000000000000000000001
if prepare down "docker://$REG@$OTHER"; then
	fail "registry down: fetch fails" "accepted"
else
	case $out in
	*"connection refused"*|*"connect"*) ok "registry down: skopeo's message ($(echo "$out" | cut -c1-160))" ;;
	*) fail "registry down: skopeo's message" "$out" ;;
	esac
fi
if prepare offline "docker://$REG@$D_REG" && [ -f "$root/.marker" ] &&
    [ -f "$R_TAR/.marker" ] && runs "$R_REG"; then
	ok "registry down: cached images intact, by digest needs no network"
else
	fail "registry down: cached images intact" "$out"
fi
[ -z "$(find "$C/images" -maxdepth 1 -name '.tmp-*')" ] &&
    ok "failed fetches leave no temporary folder" ||
    fail "failed fetches leave no temporary folder" "$(ls -a "$C/images")"

# ---- Two layers made with umoci: whiteouts and hard links. ----
T=$tmp/two
B=$tmp/bundle
if umoci init --layout "$T" && umoci new --image "$T:t" &&
    umoci unpack --image "$T:t" "$B" >/dev/null &&
    mkdir -p "$B/rootfs/etc" "$B/rootfs/olddir" &&
    echo keep >"$B/rootfs/etc/keep" && echo gone >"$B/rootfs/etc/gone" &&
    echo x >"$B/rootfs/olddir/x" &&
    ln "$B/rootfs/etc/keep" "$B/rootfs/etc/keep2" &&
    umoci repack --image "$T:t" "$B" && rm -rf "$B" &&
    umoci unpack --image "$T:t" "$B" >/dev/null &&
    rm "$B/rootfs/etc/gone" && rm -r "$B/rootfs/olddir" &&
    echo new >"$B/rootfs/etc/new" &&
    umoci repack --image "$T:t" "$B" && rm -rf "$B" &&
    skopeo copy --quiet "oci:$T:t" "oci-archive:$KB/images/two-oci.tar" &&
    skopeo copy --quiet "oci:$T:t" "docker-archive:$KB/images/two-docker.tar:kbgen/two:1" &&
    [ "$(umoci stat --image "$T:t" | grep -c '^sha256:')" -eq 2 ]
then
	ok "two-layer image made with umoci (2 layers, the second deletes)"
else
	fail "two-layer image made with umoci" "umoci or skopeo failed"
fi
cp -r "$T" "$KB/images/two"
twocheck() {
	# $1: name, $2: ref
	if prepare "$1" "$2"; then
		if [ ! -e "$root/etc/gone" ] && [ ! -e "$root/olddir" ] &&
		    [ -f "$root/etc/keep" ] && [ -f "$root/etc/new" ] &&
		    [ -z "$(find "$root" -name '.wh.*')" ]; then
			ok "$1: whiteouts honoured (deleted file and folder absent)"
		else
			fail "$1: whiteouts honoured" "$(find "$root")"
		fi
		[ "$(inode "$root/etc/keep")" = "$(inode "$root/etc/keep2")" ] &&
		    ok "$1: hard link kept" ||
		    fail "$1: hard link kept" "$(ls -li "$root/etc")"
	else
		fail "$1: prepared" "$out"
	fi
}
twocheck "oci:" "oci:images/two:t"
twocheck "oci-archive:" "oci-archive:images/two-oci.tar"
twocheck "docker-archive:" "docker-archive:images/two-docker.tar"
if prepare ocibad "oci:images/two:nope"; then
	fail "oci: unknown tag fails" "accepted"
else
	ok "oci: unknown tag: $(echo "$out" | cut -c1-140)"
fi

# ---- As a user other than root (umoci --rootless, no chown). ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	U=$tmp/user
	mkdir -p "$U/kb/images"
	cp "$KB/images/two-oci.tar" "$KB/images/links.tar" "$U/kb/images/"
	chown -R 65534:65534 "$U"
	as() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	o1=$(as "$TOOL" prepare "$U/cache" "$U/kb" oci-archive:images/two-oci.tar 2>&1)
	r1=$?
	o2=$(as "$TOOL" prepare "$U/cache" "$U/kb" rootfs:images/links.tar 2>&1)
	r2=$?
	ro=$(echo "$o1" | sed -n 2p)
	rl=$(echo "$o2" | sed -n 2p)
	if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -f "$ro/etc/keep" ] &&
	    [ ! -e "$ro/etc/gone" ] &&
	    [ "$(inode "$rl/data/a.txt")" = "$(inode "$rl/data/b.txt")" ]; then
		ok "as nobody: oci-archive (rootless umoci) and tar unpacked"
	else
		fail "as nobody: unpacked" "$o1 / $o2"
	fi
	n=$(as "$TOOL" prune "$U/cache" 0 2>&1)
	[ "$n" = 2 ] && [ -z "$(find "$U/cache/images" -mindepth 1 -maxdepth 1 -type d ! -name oci)" ] &&
	    ok "as nobody: prune removes read-only trees" ||
	    fail "as nobody: prune" "$n $(ls -a "$U/cache/images")"
fi

# ---- Pruning. ----
touch -d '2 hours ago' "$(dirname "$R_TAR")/used"
n=$("$TOOL" prune "$C" 3600)
if [ "$n" -ge 1 ] && [ ! -e "$R_TAR" ] && [ -d "$R_REG" ] &&
    [ -f "$R_REG/.marker" ]; then
	ok "prune 3600: the image unused for 2 hours removed, recent ones kept ($n)"
else
	fail "prune by age" "$n removed; $(ls -a "$C/images")"
fi
# Held for longer than the prune takes (it removes two other trees of
# 400 MB first); stopped once the prune is done.
"$TOOL" hold "$C" "$D_REG" 120 >"$tmp/hold" &
hp=$!
i=0
while ! grep -q held "$tmp/hold" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
n=$("$TOOL" prune "$C" 0)
[ -d "$R_REG" ] && ok "prune 0: an image held by a job is kept" ||
    fail "prune 0: a held image is kept" "gone ($n removed; hold: $(cat "$tmp/hold"))"
kill $hp 2>/dev/null
wait $hp 2>/dev/null
n=$("$TOOL" prune "$C" 0)
left=$(find "$C/images" -mindepth 1 -maxdepth 1 -type d ! -name oci | wc -l)
tags=$(umoci ls --layout "$C/images/oci" 2>&1 | wc -l)
blobs=$(find "$C/images/oci/blobs" -type f | wc -l)
[ "$left" -eq 0 ] && [ "$tags" -eq 0 ] && [ "$blobs" -eq 0 ] &&
    ok "prune 0: every image, its layout tag and blobs removed" ||
    fail "prune 0: everything removed" "$left folders, $tags tags, $blobs blobs: $(ls -a "$C/images")"

finish
