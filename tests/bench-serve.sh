#!/bin/sh
# kbgen serve beside hugo server (make bench): for each N (default
# "1000 10000"; BENCH_N overrides), on tests/bench/gen.py's synthetic
# knowledge base of N use cases and its equivalent Hugo site (generated
# into BENCH_DIR/nN as tests/bench.sh does, or reused), the time from
# saving a use case's file to its page served with the change: a marker
# appended to the body, then the page polled over HTTP every 10 ms until
# it holds the marker (tests/bench/serve.py); median and 95th percentile
# over BENCH_EDITS edits (default 10), one second apart.  The same
# file's page, edited and polled the same way, for both servers, each
# alone, with its defaults (kbgen serve: builds into a private folder
# in a tmpfs when one has room, after a 30 ms quiet window; hugo
# server: renders to memory, fast render mode, live reload).  Then the
# ratio, and whether kbgen is at least 20x faster at the largest N (the
# target is for N=10000).  KBGEN_SERVE_DIR=DIR makes kbgen build in DIR
# instead (on ext4 without a journal, see tests/bench.sh on deletions:
# each rebuild makes a new tree of folders).  Environment: KBGEN
# (default ./kbgen), HUGO (default hugo), BENCH_DIR (default bench),
# BENCH_EDITS (default 10), BENCH_HUGO=0 skips Hugo.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KBGEN=${KBGEN:-./kbgen}
HUGO=${HUGO:-hugo}
BENCH_N=${BENCH_N:-1000 10000}
BENCH_DIR=${BENCH_DIR:-bench}
BENCH_HUGO=${BENCH_HUGO:-1}
BENCH_EDITS=${BENCH_EDITS:-10}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

case $KBGEN in /*) ;; *) KBGEN=$top/$KBGEN ;; esac
[ -x "$KBGEN" ] || { echo "bench-serve: $KBGEN not found; run make first" >&2; exit 1; }
for n in $BENCH_N; do
	case $n in ''|*[!0-9]*) echo "bench-serve: BENCH_N: $n is not a number" >&2; exit 2 ;; esac
done
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
have_hugo=0
if [ "$BENCH_HUGO" != 0 ] && command -v "$HUGO" >/dev/null 2>&1; then
	have_hugo=1
fi
calc() { awk "BEGIN { printf $1, $2 }"; }
# A free port of 127.0.0.1 (the kernel's choice, released at once).
freeport() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

echo "kbgen serve benchmark: $(uname -m), $(nproc) CPUs, $("$KBGEN" --version 2>&1 | head -n 1), $BENCH_EDITS edits per server, from save to the page served"
if [ $have_hugo = 1 ]; then
	echo "hugo: $("$HUGO" version 2>&1 | head -n 1)"
else
	echo "hugo: not installed (or BENCH_HUGO=0): the comparison with Hugo is skipped"
fi

# The generator's inputs, as tests/bench.sh stamps them.
genstamp=$( (cat tests/bench/gen.py; find tests/bench/hugo templates/assets -type f | sort | xargs cat) | cksum)
last="" ratio=""
for n in $BENCH_N; do
	d=$BENCH_DIR/n$n
	mkdir -p "$d"
	stamp="$n $genstamp"
	if [ ! -f "$d/.stamp" ] || [ "$(cat "$d/.stamp")" != "$stamp" ] ||
	    [ ! -d "$d/content" ] || [ ! -d "$d/hugo" ]; then
		rm -rf "$d/content" "$d/hugo" "$d/.stamp"
		$PY tests/bench/gen.py "$n" "$d"
		echo "$stamp" >"$d/.stamp"
	fi
	# The use case in the middle, as tests/bench.sh edits.
	slug=$(ls "$d/content/usecases" | sed -n "$((n / 2 + 1))p")
	slug=${slug%.md}

	port=$(freeport)
	m=$($PY tests/bench/serve.py --runs "$BENCH_EDITS" \
	    --url "http://127.0.0.1:$port/usecases/$slug/" \
	    --file "$d/content/usecases/$slug.md" --log "$d/serve.log" -- \
	    "$KBGEN" -C "$d" serve --port "$port")
	set -- $m
	kmed=$1 kp95=$2 kruns=$3 kstart=$4
	line=$(calc '"N=%-6d kbgen serve: median %7.1f ms, p95 %7.1f ms [%d edits] (first page after %.1f s)"' \
	    "$n, $kmed * 1000, $kp95 * 1000, $kruns, $kstart")
	if [ $have_hugo = 1 ]; then
		port=$(freeport)
		rm -f "$d/hugo/.hugo_build.lock"
		m=$($PY tests/bench/serve.py --runs "$BENCH_EDITS" \
		    --url "http://127.0.0.1:$port/usecases/$slug/" \
		    --file "$d/hugo/content/usecases/$slug.md" \
		    --log "$d/hugo-server.log" -- \
		    "$HUGO" server -s "$d/hugo" --bind 127.0.0.1 --port "$port")
		set -- $m
		hmed=$1 hp95=$2 hruns=$3 hstart=$4
		ratio=$(calc '"%.1f"' "$hmed / $kmed")
		line="$line$(calc '"  |  hugo server: median %7.1f ms, p95 %7.1f ms [%d edits] (first page after %.1f s)  |  hugo/kbgen %.1fx median, %.1fx p95"' \
		    "$hmed * 1000, $hp95 * 1000, $hruns, $hstart, $hmed / $kmed, $hp95 / $kp95")"
	fi
	echo "$line"
	last=$n
done
[ -n "$last" ] || exit 0
note=""
[ "$last" = 10000 ] || note=" [measured at N=$last; the target is for N=10000]"
if [ $have_hugo = 0 ]; then
	echo "target kbgen serve >= 20x faster than hugo server: not measured (hugo not installed)"
elif [ "$(calc '"%d"' "($ratio >= 20)")" = 1 ]; then
	echo "target kbgen serve >= 20x faster than hugo server: met (hugo/kbgen ${ratio}x)$note"
else
	echo "target kbgen serve >= 20x faster than hugo server: NOT met (hugo/kbgen ${ratio}x)$note"
fi
