#!/bin/sh
# Declared data (generator/data.c, http_download in generator/http.c),
# through the t_data tool (tests/unit/t_data.c) against tests/httpd.py
# on 127.0.0.1, which serves files made here and logs every request.
# Cases: a good file fetched and checked (bytes printed, same bytes);
# a second fetch is a hit (0 bytes, no request); a wrong sha256 (both
# hashes named, nothing cached); a 404 (named, not retried); a 503 then
# the file (retried); a redirect followed, one to file:// refused; a
# body over the cap, from its Content-Length and while streaming
# (nothing cached); least-recently-used eviction, a hit counting as a
# use and a kept file spared; one file fetched by two threads and by
# two processes at once (one download, a whole file); at most 2
# downloads to one host at once; a stalled answer and a silent server
# given up within the limits set (1 s), leaving no file.
KBGEN=${KBGEN:-$PWD/kbgen}
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
T=$(dirname "$KBGEN")/t_data
[ -x "$T" ] || T=$PWD/.obj/t_data
TMP=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$DATA_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY 2>/dev/null
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
LOG=$TMP/requests.log
D=$TMP/served

. "$PWD/tests/lib.sh"
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }
# cached CACHE: the files of CACHE's data cache, one a line, sorted
cached() { (cd "$1/data/sha256" 2>/dev/null && ls -A | LC_ALL=C sort); }
t() { timeout 60 "$T" "$@"; }

if [ ! -x "$T" ]; then
	fail build "no t_data program (make unit)"
	finish
fi

# Files to serve: a..h of about 50 kB each, distinct; big of 1 MB.
mkdir -p "$D"
for f in a b c d e f g h; do
	seq 1 9000 | sed "s/^/$f/" >"$D/$f.bin"
done
seq 1 200000 >"$D/big.bin"
for f in a b c d e f g h big; do
	eval "S_$f=\$(sha \"\$D/\$f.bin\")"
done

httpd "$D"
B=http://127.0.0.1:$PORT/data

# A good file: fetched, checked, in place, the bytes told.
C=$TMP/c1
t fetch "$C" "$B/files/a.bin" "$S_a" >"$TMP/out" 2>&1
if [ "$(cat "$TMP/out")" = "fetched $(size "$D/a.bin") $C/data/sha256/$S_a" ] &&
    cmp -s "$C/data/sha256/$S_a" "$D/a.bin" &&
    [ "$(cached "$C")" = "$S_a" ] &&
    [ "$(requests 'GET /data/files/a.bin')" = 1 ]; then
	ok "fetch: good file fetched, verified, bytes printed"
else
	fail "fetch: good file" "$(cached "$C")" "$TMP/out" "$LOG"
fi

# Again: a hit, no request reaches the server.
t fetch "$C" "$B/files/a.bin" "$S_a" >"$TMP/out" 2>&1
if [ "$(cat "$TMP/out")" = "fetched 0 $C/data/sha256/$S_a" ] &&
    [ "$(requests 'GET /data/files/a.bin')" = 1 ]; then
	ok "fetch: second fetch is a hit, 0 bytes, no request"
else
	fail "fetch: hit" "requests $(requests /data/files/a.bin)" "$TMP/out"
fi

# A wrong sha256: both hashes named, nothing cached.
C=$TMP/c2
t fetch "$C" "$B/files/b.bin" "$S_c" >"$TMP/out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "^error: sha256 mismatch for $B/files/b.bin: expected $S_c, got $S_b\$" "$TMP/out" &&
    [ -z "$(cached "$C")" ]; then
	ok "sha256: mismatch names both hashes, nothing left in the cache"
else
	fail "sha256: mismatch" "rc=$rc cache: $(cached "$C")" "$TMP/out"
fi

# A 404: named, not retried, nothing cached.
t fetch "$C" "$B/missing" "$S_a" >"$TMP/out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "^error: $B/missing: HTTP 404\$" "$TMP/out" &&
    [ "$(requests 'GET /data/missing')" = 1 ] && [ -z "$(cached "$C")" ]; then
	ok "http: 404 named, not retried"
else
	fail "http: 404" "rc=$rc $(requests /data/missing) requests" "$TMP/out"
fi

# A 503, then the file: retried (after 1 s) and fetched.
t fetch "$C" "$B/flaky/c.bin" "$S_c" >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(requests 'GET /data/flaky/c.bin')" = 2 ] &&
    grep -q "^fetched $(size "$D/c.bin") " "$TMP/out" &&
    cmp -s "$C/data/sha256/$S_c" "$D/c.bin"; then
	ok "http: 5xx then success retried and fetched"
else
	fail "http: 5xx retry" "rc=$rc $(requests /data/flaky/c.bin) requests" \
	    "$TMP/out"
fi

# Redirects: to http followed; to file:// refused.
t fetch "$C" "$B/moved/d.bin" "$S_d" >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(requests 'GET /data/files/d.bin')" = 1 ] &&
    cmp -s "$C/data/sha256/$S_d" "$D/d.bin"; then
	ok "http: redirect followed"
else
	fail "http: redirect" "rc=$rc" "$TMP/out" "$LOG"
fi
t fetch "$C" "$B/tofile" "$S_a" >"$TMP/out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "^error: $B/tofile: refused" "$TMP/out" &&
    [ ! -e "$C/data/sha256/$S_a" ]; then
	ok "http: redirect to file:// refused"
else
	fail "http: redirect to file://" "rc=$rc" "$TMP/out"
fi

# Over the cap: from the Content-Length, and while streaming.
C=$TMP/c3
t fetch "$C" "$B/files/big.bin" "$S_big" 100000 >"$TMP/out" 2>&1
rc=$?
if [ $rc -ne 0 ] &&
    grep -q "^error: $B/files/big.bin: too large: $(size "$D/big.bin") bytes, over the limit of 100000\$" "$TMP/out" &&
    [ -z "$(cached "$C")" ]; then
	ok "size: too large from Content-Length"
else
	fail "size: Content-Length" "rc=$rc cache: $(cached "$C")" "$TMP/out"
fi
t fetch "$C" "$B/nolength/big.bin" "$S_big" 100000 >"$TMP/out" 2>&1
rc=$?
if [ $rc -ne 0 ] &&
    grep -q "^error: $B/nolength/big.bin: too large: over the limit of 100000 bytes\$" "$TMP/out" &&
    [ -z "$(cached "$C")" ]; then
	ok "size: too large while streaming, nothing left"
else
	fail "size: streaming" "rc=$rc cache: $(cached "$C")" "$TMP/out"
fi
t fetch "$C" "$B/nolength/big.bin" "$S_big" 2000000 >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && cmp -s "$C/data/sha256/$S_big" "$D/big.bin"; then
	ok "size: under the cap, without Content-Length, fetched"
else
	fail "size: under the cap" "rc=$rc" "$TMP/out"
fi

# LRU: a, b, c used 3, 2, 1 days ago; a used now (a hit); room for
# two, b kept: c goes, a and b stay.
C=$TMP/c4
for f in a b c; do
	eval "s=\$S_$f"
	t fetch "$C" "$B/files/$f.bin" "$s" >"$TMP/out" 2>&1 ||
	    fail "lru: fetch $f" "" "$TMP/out"
done
touch -d '3 days ago' "$C/data/sha256/$S_a"
touch -d '2 days ago' "$C/data/sha256/$S_b"
touch -d '1 day ago' "$C/data/sha256/$S_c"
n=$(requests 'GET /data/files/a.bin')
t fetch "$C" "$B/files/a.bin" "$S_a" >"$TMP/out" 2>&1
if grep -q '^fetched 0 ' "$TMP/out" && [ "$(requests 'GET /data/files/a.bin')" = "$n" ]; then
	ok "lru: a hit costs no download"
else
	fail "lru: hit" "" "$TMP/out"
fi
max=$(( $(size "$D/a.bin") + $(size "$D/b.bin") ))
t evict "$C" "$max" "$S_b" >"$TMP/out" 2>&1
rc=$?
want=$(printf '%s\n%s\n' "$S_a" "$S_b" | LC_ALL=C sort)
if [ $rc -eq 0 ] && [ "$(cached "$C")" = "$want" ]; then
	ok "lru: eviction removes the least recently used, spares keep"
else
	fail "lru: eviction" "rc=$rc left: $(cached "$C" | tr '\n' ' ')" \
	    "$TMP/out"
fi
t evict "$C" 0 "$C/data/sha256/$S_a" >"$TMP/out" 2>&1
if [ "$(cached "$C")" = "$S_a" ]; then
	ok "lru: max 0 removes all but keep"
else
	fail "lru: max 0" "left: $(cached "$C" | tr '\n' ' ')" "$TMP/out"
fi

# One file, two threads at once: one download, one whole file.
C=$TMP/c5
t fetchn "$C" "$B/wait/e.bin" "$S_e" "$B/wait/e.bin" "$S_e" >"$TMP/out" 2>&1
rc=$?
sum=$(awk '$2 == "fetched" { s += $3 } END { print s + 0 }' "$TMP/out")
if [ $rc -eq 0 ] && [ "$(grep -c ' fetched ' "$TMP/out")" = 2 ] &&
    [ "$(requests 'GET /data/wait/e.bin')" = 1 ] &&
    [ "$sum" = "$(size "$D/e.bin")" ] &&
    [ "$(cached "$C")" = "$S_e" ] && cmp -s "$C/data/sha256/$S_e" "$D/e.bin"; then
	ok "concurrent: two threads, one download, a whole file"
else
	fail "concurrent: threads" "rc=$rc $(requests /data/wait/e.bin) requests" \
	    "$TMP/out"
fi

# One file, two processes at once.
t fetch "$C" "$B/wait/f.bin" "$S_f" >"$TMP/out1" 2>&1 &
p1=$!
t fetch "$C" "$B/wait/f.bin" "$S_f" >"$TMP/out2" 2>&1
rc2=$?
wait $p1
rc1=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] &&
    [ "$(requests 'GET /data/wait/f.bin')" = 1 ] &&
    [ "$(cat "$TMP/out1" "$TMP/out2" | grep -c '^fetched 0 ')" = 1 ] &&
    cmp -s "$C/data/sha256/$S_f" "$D/f.bin" &&
    [ "$(cached "$C" | tr '\n' ' ')" = "$(printf '%s\n%s\n' "$S_e" "$S_f" | LC_ALL=C sort | tr '\n' ' ')" ]; then
	ok "concurrent: two processes, one download, a whole file"
else
	fail "concurrent: processes" "rc=$rc1,$rc2 $(requests /data/wait/f.bin) requests" \
	    "$TMP/out1" "$TMP/out2"
fi

# Four files from one host, four threads: never more than 2 at once.
C=$TMP/c6
: >"$LOG"
t fetchn "$C" "$B/wait/a.bin" "$S_a" "$B/wait/b.bin" "$S_b" \
    "$B/wait/c.bin" "$S_c" "$B/wait/d.bin" "$S_d" >"$TMP/out" 2>&1
rc=$?
most=$(sed -n 's/.* inflight=//p' "$LOG" | sort -n | tail -1)
if [ $rc -eq 0 ] && [ "$(grep -c ' fetched ' "$TMP/out")" = 4 ] &&
    [ "$(requests 'GET /data/wait/')" = 4 ] && [ "$most" = 2 ]; then
	ok "host: at most 2 downloads to one host at once"
else
	fail "host: per-host limit" "rc=$rc most in flight: $most" "$TMP/out" "$LOG"
fi

# Stalled and silent servers, with limits of 1 s: given up fast.
start=$(date +%s)
t download "$B/stall/big.bin" "$TMP/dl" 0 60 1 0 >"$TMP/out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && grep -q "^error: $B/stall/big.bin: timeout: stalled" "$TMP/out" &&
    [ "$took" -le 5 ] && [ ! -e "$TMP/dl" ]; then
	ok "timeout: stalled transfer given up (${took} s), no file left"
else
	fail "timeout: stall" "rc=$rc took ${took} s" "$TMP/out"
fi
start=$(date +%s)
t download "$B/silent" "$TMP/dl" 0 1 30 0 >"$TMP/out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && grep -q "^error: $B/silent: timeout" "$TMP/out" &&
    [ "$took" -le 5 ] && [ ! -e "$TMP/dl" ]; then
	ok "timeout: silent server given up (${took} s), no file left"
else
	fail "timeout: silent" "rc=$rc took ${took} s" "$TMP/out"
fi
# One retry after a stall: two attempts said, still within limits.
start=$(date +%s)
t download "$B/stall/big.bin" "$TMP/dl" 0 60 1 1 >"$TMP/out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && grep -q "(2 attempts)\$" "$TMP/out" && [ "$took" -le 8 ]; then
	ok "timeout: stall retried once (${took} s)"
else
	fail "timeout: stall retried" "rc=$rc took ${took} s" "$TMP/out"
fi

finish
