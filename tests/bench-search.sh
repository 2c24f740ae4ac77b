#!/bin/sh
# The search benchmark (make bench-search; not a timed test).  For each N
# (default "1000 10000"; BENCH_N overrides), tests/bench/gen.py writes a
# synthetic knowledge base of N use cases into BENCH_DIR/search-nN (reused
# while gen.py is unchanged), kbgen builds it, Pagefind (npm package
# pagefind, in tests/browser/node_modules) indexes the same built pages,
# and this script prints, side by side:
#
#   index build     kbgen: its search phase (KBGEN_TIMING=1 prints the
#                   phases of a build) and its whole build, median of 3
#                   fresh builds; Pagefind: its run on the built site, median of
#                   3 (fewer when slow: runs stop once they total 60 s)
#   index size      every file of search/ but the page itself (kbgen),
#                   of pagefind/ (Pagefind), as stored; kbgen's gzipped too
#                   (what a server that compresses would send; Pagefind's
#                   chunks are stored gzipped)
#   bytes per query in headless Chromium over http, cold cache: a typical
#                   one-word and two-word query, until the first 10 results
#                   are shown; "start" is what loads before the query
#                   (code, meta), "query" what the query loads
#   keystroke       time from the input event to the first 10 results laid
#                   out, median and p95 over 50 queries (one page per side,
#                   its index started before timing), loading index files
#                   as needed; then the same queries again with every file
#                   in memory
#   file cost       what loading one index file costs this browser here,
#                   whatever the index: fragment files loaded with script
#                   elements, one at a time and ten at once (a first page
#                   of scattered results)
#
# and whether the targets are met at the largest N: index build at most
# 1/20 of Pagefind's, index no larger than Pagefind's, bytes per query at
# most half of Pagefind's, p95 keystroke to results < 30 ms.
# Environment: KBGEN (default ./kbgen), BENCH_DIR (default bench), BENCH_N.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KBGEN=${KBGEN:-./kbgen}
BENCH_N=${BENCH_N:-1000 10000}
BENCH_DIR=${BENCH_DIR:-bench}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
MEASURE="$PY $top/tests/bench/measure.py"
NM=$top/tests/browser/node_modules
PAGEFIND=$NM/.bin/pagefind

case $KBGEN in /*) ;; *) KBGEN=$top/$KBGEN ;; esac
[ -x "$KBGEN" ] || { echo "bench-search: $KBGEN not found; run make first" >&2; exit 1; }
[ -x "$PAGEFIND" ] && [ -d "$NM/playwright-core" ] ||
    { echo "bench-search: tests/browser/node_modules lacks pagefind or playwright-core: run tests/deps-test.sh (npm ci in tests/browser)" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
    { echo "bench-search: no chromium: run tests/deps-test.sh" >&2; exit 1; }
for n in $BENCH_N; do
	case $n in ''|*[!0-9]*) echo "bench-search: BENCH_N: $n is not a number" >&2; exit 2 ;; esac
done
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
srv=""
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null' EXIT
trap 'exit 1' INT TERM

calc() { awk "BEGIN { printf $1, $2 }"; }
# bytes of the files under $1, but $2 (a path below $1), as stored
sizes() { find "$1" -type f ! -path "$1/${2:-.none}" -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
gzsizes() {
	find "$1" -type f ! -path "$1/${2:-.none}" | while IFS= read -r f; do
		gzip -9c "$f" | wc -c
	done | awk '{ s += $1 } END { print s + 0 }'
}
kb() { calc '"%.1f kB"' "$1 / 1000"; }

echo "kbgen search benchmark: $(uname -m), $(nproc) CPUs, $("$KBGEN" --version 2>&1 | head -n 1), $("$PAGEFIND" --version 2>&1 | head -n 1), $("${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n 1)"
echo "kB = 1000 bytes; times are wall-clock; load average now: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the timings)"
genstamp=$(cksum <tests/bench/gen.py)
verdicts=""

for n in $BENCH_N; do
	d=$BENCH_DIR/search-n$n
	mkdir -p "$d"
	if [ ! -f "$d/.stamp" ] || [ "$(cat "$d/.stamp")" != "$n $genstamp" ] ||
	    [ ! -d "$d/content" ]; then
		rm -rf "$d/content" "$d/hugo" "$d/.stamp"
		$PY tests/bench/gen.py "$n" "$d" >/dev/null
		rm -rf "$d/hugo"
		echo "$n $genstamp" >"$d/.stamp"
	fi
	echo
	echo "N=$n: $(ls "$d/content/usecases" | wc -l) use cases, $(ls "$d/content/people" | wc -l) people"

	# kbgen: 3 fresh full builds; KBGEN_TIMING=1 makes kbgen print the
	# time of each phase ("kbgen: search 0.123 s (cpu 0.2 s)").
	: >"$d/kbgen.times"
	for i in 1 2 3; do
		rm -rf "$d/site" "$d/.kbgen" "$d"/site.new* "$d"/site.old*
		t0=$(date +%s.%N)
		KBGEN_TIMING=1 "$KBGEN" -C "$d" build -o "$d/site" 2>"$d/kbgen.err" >/dev/null ||
		    { cat "$d/kbgen.err" >&2; exit 1; }
		t1=$(date +%s.%N)
		echo "$(calc '"%.4f"' "$t1 - $t0") $(awk '$1 == "kbgen:" && $2 == "search" { print $3 }' "$d/kbgen.err")" >>"$d/kbgen.times"
	done
	kfull=$(cut -d' ' -f1 "$d/kbgen.times" | sort -n | sed -n 2p)
	ksearch=$(cut -s -d' ' -f2 "$d/kbgen.times" | grep . | sort -n | sed -n 2p)
	[ -f "$d/site/search/meta.js" ] || { echo "bench-search: kbgen wrote no search index in $d/site/search" >&2; exit 1; }
	pages=$(find "$d/site" -name '*.html' | wc -l)

	# Pagefind on the same built pages.
	m=$($MEASURE --runs 3 --budget 60 --stderr "$d/pagefind.err" --before \
	    "rm -rf $d/site/pagefind" -- "$PAGEFIND" --site "$d/site" --output-subdir pagefind)
	pfull=$(echo "$m" | cut -d' ' -f1)
	pruns=$(echo "$m" | cut -d' ' -f3)
	pfpages=$(ls "$d/site/pagefind/fragment" 2>/dev/null | wc -l)

	ksize=$(sizes "$d/site/search" index.html)
	kgz=$(gzsizes "$d/site/search" index.html)
	kfiles=$(find "$d/site/search" -type f ! -name index.html | wc -l)
	psize=$(sizes "$d/site/pagefind")
	pfiles=$(find "$d/site/pagefind" -type f | wc -l)

	# Timed queries: words and pairs of words of gen.py's vocabulary.
	$PY - "$d/queries" <<'EOF'
import random, re, sys
src = open("tests/bench/gen.py").read()
words = re.search(r'WORDS = \((.*?)\)\.split\(\)', src, re.S).group(1)
words = " ".join(re.findall(r'"([^"]*)"', words)).split()
stop = set("the a of to and in with for on by from is are we this that each which".split())
words = sorted(set(w for w in words if w not in stop and w.isalpha()))
rng = random.Random(5)
qs = [rng.choice(words) for _ in range(25)]
qs += [rng.choice(words) + " " + rng.choice(words) for _ in range(25)]
rng.shuffle(qs)
open(sys.argv[1], "w").write("\n".join(qs) + "\n")
EOF

	cat >"$d/site/pf-bench.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body><ol id="r"></ol>
<script type="module">
const pagefind = await import("./pagefind/pagefind.js");
await pagefind.init();
window.pfRun = async function (q) {
	const t0 = performance.now();
	const s = await pagefind.search(q);
	const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
	const list = document.getElementById("r");
	list.textContent = "";
	for (const d of data) {
		const li = document.createElement("li"), a = document.createElement("a");
		a.href = d.url;
		a.textContent = (d.meta && d.meta.title) || d.url;
		const p = document.createElement("p");
		p.textContent = d.excerpt.replace(/<[^>]*>/g, "");
		li.appendChild(a);
		li.appendChild(p);
		list.appendChild(li);
	}
	void list.offsetHeight;
	return {ms: performance.now() - t0, n: s.results.length};
};
window.pfReady = true;
</script>
</body></html>
EOF
	rm -f "$d/port"		# the redirection below happens in the background
	"$PY" - "$d/site" >"$d/port" 2>/dev/null <<'EOF' &
import functools, http.server, sys
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
	srv=$!
	i=0
	while [ ! -s "$d/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$d/port")
	q1=calibration
	q2="energy resolution"
	BENCH_SIDES= BENCH_BYTES= node tests/browser/bench-search.js "http://127.0.0.1:$port/" "$d/queries" "$q1" "$q2" >"$d/browser.json"
	kill "$srv" 2>/dev/null || true
	srv=""

	echo "  index build:   kbgen search $( [ -n "$ksearch" ] && calc '"%.3f s"' "$ksearch" || echo "n/a (kbgen does not report it)") (whole build $(calc '"%.3f s"' "$kfull"), $pages pages)"
	echo "                 pagefind $(calc '"%.3f s"' "$pfull") [$pruns] ($pfpages pages indexed)"
	echo "  index size:    kbgen $(kb "$ksize") in $kfiles files ($(kb "$kgz") gzipped) | pagefind $(kb "$psize") in $pfiles files"
	$PY - "$d/browser.json" "$q1" "$q2" "$n" >"$d/summary" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
q1, q2, n = sys.argv[2], sys.argv[3], sys.argv[4]
def kb(x): return "%.1f kB" % (x / 1000)
for q in (q1, q2):
    k, p = r["bytes"]["kbgen"][q], r["bytes"]["pagefind"][q]
    print("  bytes %-17s kbgen %s (start %s + query %s, %d files; %s gzipped) | pagefind %s (start %s + query %s, %d files; %s gzipped)" % (
        '"%s":' % q, kb(k["start"] + k["query"]), kb(k["start"]), kb(k["query"]), k["files"], kb(k["gz"]),
        kb(p["start"] + p["query"]), kb(p["start"]), kb(p["query"]), p["files"], kb(p["gz"])))
k, p = r["time"]["kbgen"], r["time"]["pagefind"]
print("  keystroke to results (%d queries): kbgen median %.1f ms, p95 %.1f ms, max %.1f ms | pagefind median %.1f ms, p95 %.1f ms, max %.1f ms" % (
    r["queries"], k["median"], k["p95"], k["max"], p["median"], p["p95"], p["max"]))
kt, pt = k["typed"], p["typed"]
print("  typed, one keystroke at a time (%d keystrokes): kbgen median %.1f ms, p95 %.1f ms | pagefind median %.1f ms, p95 %.1f ms" % (
    kt["all"]["n"], kt["all"]["median"], kt["all"]["p95"], pt["all"]["median"], pt["all"]["p95"]))
print("  typed, last keystroke of each query: kbgen median %.1f ms, p95 %.1f ms | pagefind median %.1f ms, p95 %.1f ms" % (
    kt["last"]["median"], kt["last"]["p95"], pt["last"]["median"], pt["last"]["p95"]))
print("  same queries again, index files in memory: kbgen median %.1f ms, p95 %.1f ms | pagefind median %.1f ms, p95 %.1f ms" % (
    k["warm"]["median"], k["warm"]["p95"], p["warm"]["median"], p["warm"]["p95"]))
print("  mean hits per query: kbgen %.0f | pagefind %.0f" % (k["results"], p["results"]))
lc = r["loadCost"]
print("  cost of one index file in this browser (script elements, kbgen fragment files): one at a time median %.1f ms; ten at once median %.1f ms (min %.1f, max %.1f)" % (
    lc["one"]["median"], lc["ten"]["median"], lc["ten"]["min"], lc["ten"]["max"]))
print("  slowest: kbgen %s | pagefind %s" % (
    ", ".join("%s %.1f ms" % (q, t) for t, q in k["slowest"][:3]),
    ", ".join("%s %.1f ms" % (q, t) for t, q in p["slowest"][:3])))
for q in (q1, q2):
    tk, tp = r["typedBytes"]["kbgen"][q], r["typedBytes"]["pagefind"][q]
    print("  bytes %-17s typed one key at a time: kbgen %s | pagefind %s" % (
        '"%s":' % q, kb(tk["start"] + tk["query"]), kb(tp["start"] + tp["query"])))
for q in (q1, q2):
    for side in ("kbgen", "pagefind"):
        ks = r["bytes"][side][q]["kinds"]
        print("  bytes by file %-9s %-19s %s" % (side, '"%s":' % q, ", ".join(
            "%s %s" % (k, kb(v)) for k, v in sorted(ks.items()))))
tot = lambda s, q: r["bytes"][s][q]["start"] + r["bytes"][s][q]["query"]
# machine-readable line for the verdicts
gzr = max(r["bytes"]["kbgen"][q]["gz"] / r["bytes"]["pagefind"][q]["gz"] for q in (q1, q2))
print("#", max(tot("kbgen", q) / tot("pagefind", q) for q in (q1, q2)),
      max(r["bytes"]["kbgen"][q]["query"] / max(1, r["bytes"]["pagefind"][q]["query"]) for q in (q1, q2)),
      k["p95"], k["typed"]["all"]["p95"], gzr)
EOF
	grep -v '^#' "$d/summary"
	set -- $(sed -n 's/^# //p' "$d/summary")
	bratio=$1 p95=$3 tp95=$4 gzratio=$5
	last=$n
	lbuild=${ksearch:-$kfull} lpf=$pfull lks=$ksize lps=$psize lb=$bratio lgz=$gzratio lp95=$p95 ltp95=$tp95
done

echo
note=""
[ "$last" = 10000 ] || note=" [measured at N=$last; the targets are for N=10000]"
verdict() {	# verdict LABEL OK VALUE
	if [ "$2" = 1 ]; then echo "target $1: met ($3)$note"
	else echo "target $1: NOT met ($3)$note"; fi
}
verdict "index build <= 1/20 of Pagefind's" "$(calc '"%d"' "($lpf / $lbuild >= 20)")" \
    "$(calc '"pagefind/kbgen %.1fx"' "$lpf / $lbuild")"
verdict "index no larger than Pagefind's" "$(calc '"%d"' "($lks <= $lps)")" \
    "$(calc '"kbgen/pagefind %.2f"' "$lks / $lps")"
verdict "bytes per query <= 1/2 of Pagefind's" "$(calc '"%d"' "($lb <= 0.5)")" \
    "$(calc '"kbgen/pagefind %.2f as stored, %.2f gzipped by the server; start-up included"' "$lb, $lgz")"
verdict "p95 keystroke to results < 30 ms" "$(calc '"%d"' "($lp95 < 30 && $ltp95 < 30)")" \
    "$(calc '"%.1f ms whole query in one input event, %.1f ms typed one key at a time"' "$lp95, $ltp95")"
