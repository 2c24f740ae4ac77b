#!/bin/sh
# kbgen's benchmark of executed notebooks (make bench), side by side with
# "jupyter nbconvert --to html".  tests/bench/gennb.py writes a knowledge
# base of N use cases (BENCH_NB_N, default 1000) into BENCH_DIR/nbN
# (default bench/, git-ignored), each with an executed notebook of 10-30
# cells and one or two PNG plots, and the test tool putnb
# (tests/notebook/putnb.c) keeps each notebook as its use case's last
# and last passing run, as kbgen check would.  Then, in this run:
#
#   kbgen full build      from cold: no site, no thumbnail cache (the kept
#                         outputs are put back as putnb left them);
#                         median of 3; pages, thumbnails written
#   nbconvert             jupyter nbconvert --to html of the same N
#                         notebooks in one process (one start-up: the
#                         fairest comparison); median of BENCH_NB_NBC_RUNS
#                         (default 1); and one process per notebook for
#                         20 of them, extrapolated to N (said so)
#   no-change rebuild     build again, nothing changed; median of 5
#   outputs-change        putnb keeps another run of one use case (each
#                         time a new one: new text, new plots), build;
#                         median of 3
#   content check         for 20 notebooks, every output on nbconvert's
#                         page is on kbgen's (tests/notebook/compare.py:
#                         text keys and images counted)
#
# and says whether the targets are met: kbgen at least 10 times faster
# than nbconvert, a no-change rebuild under 100 ms.  Every number
# printed is measured in this run (the generated notebooks are reused
# while gen.py and gennb.py are unchanged).  Environment: KBGEN (default
# ./kbgen), PUTNB (default .obj/putnb), JUPYTER (default jupyter),
# BENCH_DIR, BENCH_NB_N, BENCH_NB_NBC_RUNS.  CPU times are user+system;
# the machine may be shared, so both wall and CPU ratios are printed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KBGEN=${KBGEN:-./kbgen}
PUTNB=${PUTNB:-.obj/putnb}
JUPYTER=${JUPYTER:-jupyter}
BENCH_DIR=${BENCH_DIR:-bench}
N=${BENCH_NB_N:-1000}
NBC_RUNS=${BENCH_NB_NBC_RUNS:-1}
SAMPLE=20
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
MEASURE="$PY $top/tests/bench/measure.py"

case $KBGEN in /*) ;; *) KBGEN=$top/$KBGEN ;; esac
case $PUTNB in /*) ;; *) PUTNB=$top/$PUTNB ;; esac
for x in "$KBGEN" "$PUTNB"; do
	[ -x "$x" ] || { echo "bench-notebooks: $x not found; run make kbgen unit first" >&2; exit 1; }
done
case $N in ''|*[!0-9]*) echo "bench-notebooks: BENCH_NB_N: $N is not a number" >&2; exit 2 ;; esac
[ "$N" -ge "$SAMPLE" ] || { echo "bench-notebooks: BENCH_NB_N must be at least $SAMPLE" >&2; exit 2; }
if ! "$JUPYTER" nbconvert --version >/dev/null 2>&1; then
	echo "bench-notebooks: $JUPYTER nbconvert not found (tests/deps-test.sh installs jupyter-nbconvert)" >&2
	exit 1
fi
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
d=$BENCH_DIR/nb$N
trash=$d/.trash-$$
mkdir -p "$d" "$trash"
trap 'rm -rf "$trash"' EXIT
err=$d/stderr.txt

# calc 'FORMAT' 'EXPR, ...': awk's printf, for floating-point arithmetic
calc() { awk "BEGIN { printf $1, $2 }"; }
# aside PATH...: move what exists into the trash (deleted at the end)
aside() { for x; do [ ! -e "$x" ] || mv "$x" "$trash/$(basename "$x").$(date +%s%N)"; done; }

fstype=$(stat -f -c %T "$BENCH_DIR" 2>/dev/null || echo unknown)
echo "kbgen notebook benchmark: $(uname -m), $(nproc) CPUs, $("$KBGEN" --version 2>&1 | head -n 1), $("$JUPYTER" nbconvert --version 2>&1 | head -n 1 | sed 's/^/nbconvert /'), output in $d ($fstype)"
echo "times are wall-clock medians, [runs] in brackets; cpu = user + system; MB = 10^6 bytes"

# The notebooks: generated again only when their generators change.
stamp="$N $( (cat tests/bench/gen.py tests/bench/gennb.py) | cksum)"
if [ -f "$d/.stamp" ] && [ "$(cat "$d/.stamp")" = "$stamp" ] &&
    [ -d "$d/content" ] && [ -f "$d/nb/list" ]; then
	how=reused
else
	aside "$d/content" "$d/nb" "$d/changed" "$d/.stamp"
	t0=$(date +%s.%N)
	$PY tests/bench/gennb.py "$N" "$d"
	t1=$(date +%s.%N)
	echo "$stamp" >"$d/.stamp"
	how=$(calc '"generated in %.0f s"' "$t1 - $t0")
fi
echo "N=$N: $($PY tests/bench/gennb.py --stats "$d") ($how)"

# The kept outputs, as putnb leaves them (.kbgen.kept); each cold build
# starts from a copy of it.
aside "$d/site" "$d/.kbgen" "$d/.kbgen.kept"
t0=$(date +%s.%N)
while read -r slug; do
	"$PUTNB" "$d" "$slug" last="$d/nb/$slug.json" passing="$d/nb/$slug.json" >/dev/null ||
	    { echo "bench-notebooks: putnb $slug failed" >&2; exit 1; }
done <"$d/nb/list"
t1=$(date +%s.%N)
mv "$d/.kbgen" "$d/.kbgen.kept"
calc '"  outputs kept with putnb in %.1f s: %.0f MB in .kbgen/outputs\n"' \
    "$t1 - $t0, $(du -sb "$d/.kbgen.kept/outputs" | cut -f1) / 1e6"

# kbgen, from cold.
m=$($MEASURE --runs 3 --rss --stderr "$err" --before \
    "cd $d && for x in site .kbgen; do [ ! -e \$x ] || mv \$x $trash/\$x.\$\$.\$(date +%s%N); done && cp -a .kbgen.kept .kbgen" \
    -- "$KBGEN" -C "$d" build -o "$d/site")
set -- $m
kfull=$1 krss=$2 kruns=$3 ku=$4 ks=$5
khtml=$(find "$d/site" -name '*.html' | wc -l)
kthumbs=$(find "$d/.kbgen/thumbs" -name '*.webp' | wc -l)
ksthumbs=$(find "$d/site/usecases" -name 'thumb*.webp' | wc -l)
kimgs=$(find "$d/site/usecases" -path '*/outputs/*' -type f | wc -l)
kout=$(du -sb "$d/site" | cut -f1)
echo "  kbgen full build (cold): $(calc '"%.2f s [%d] (cpu %.2f user + %.2f system s), %d HTML pages, %d thumbnails written (%d in the site), %d output images, %.0f MB out, %.0f MB peak RSS"' \
    "$kfull, $kruns, $ku, $ks, $khtml, $kthumbs, $ksthumbs, $kimgs, $kout / 1e6, $krss * 1024 / 1e6")"
sed 's/^/    /' "$err"

# nbconvert: one process over every notebook.
nbc=$d/nbconvert
cd "$d/nb"
set -- $(sed 's/$/.ipynb/' list)
cd "$top"
m=$($MEASURE --runs "$NBC_RUNS" --rss --stderr "$err" --before \
    "[ ! -e $nbc ] || mv $nbc $trash/nbc.\$\$.\$(date +%s%N)" \
    -- sh -c "cd $d/nb && exec $JUPYTER nbconvert --to html --output-dir $nbc \"\$@\"" sh "$@")
set -- $m
nfull=$1 nrss=$2 nruns=$3 nu=$4 ns=$5
nhtml=$(find "$nbc" -name '*.html' | wc -l)
nout=$(du -sb "$nbc" | cut -f1)
echo "  nbconvert --to html, one process over all $N notebooks: $(calc '"%.2f s [%d] (cpu %.2f user + %.2f system s), %d HTML files, %.0f MB out, %.0f MB peak RSS"' \
    "$nfull, $nruns, $nu, $ns, $nhtml, $nout / 1e6, $nrss * 1024 / 1e6")"
[ "$nhtml" -eq "$N" ] || { echo "bench-notebooks: nbconvert wrote $nhtml of $N pages" >&2; tail -n 5 "$err" >&2; exit 1; }

# nbconvert: one process per notebook, for a sample: every N/20th use
# case but the first (whose outputs change below).
sample=$(awk -v n="$N" -v k="$SAMPLE" 'NR > 1 && (NR - 2) % int(n / k) == 0 && c < k { print; c++ }' "$d/nb/list")
one=$d/nbconvert-one
aside "$one"
mkdir -p "$one"
t0=$(date +%s.%N)
for slug in $sample; do
	"$JUPYTER" nbconvert --to html --output-dir "$one" "$d/nb/$slug.ipynb" 2>"$err" ||
	    { cat "$err" >&2; exit 1; }
done
t1=$(date +%s.%N)
none=$(calc '"%.3f"' "$t1 - $t0")
echo "  nbconvert --to html, one process per notebook: $SAMPLE notebooks in $(calc '"%.2f s (%.3f s each)"' "$none, $none / $SAMPLE"); extrapolated to $N: $(calc '"%.0f s"' "$none * $N / $SAMPLE") (extrapolated, not measured)"

# Incremental rebuilds of the site the last cold build left.
build="$KBGEN -C $d build -o $d/site"
m=$($MEASURE --runs 5 --stderr "$err" -- $build)
set -- $m
nochg=$1 nochgruns=$3
echo "  no-change rebuild: $(calc '"%.1f ms [%d]"' "$nochg * 1000, $nochgruns"): $(cat "$err")"

first=$(head -n 1 "$d/nb/list")
echo 0 >"$d/.changed"
m=$($MEASURE --runs 3 --stderr "$err" --before \
    "k=\$((\$(cat $d/.changed) + 1)); echo \$k >$d/.changed; $PUTNB $d $first last=$d/changed/\$k.json passing=$d/changed/\$k.json >/dev/null" \
    -- $build)
set -- $m
chg=$1 chgruns=$3 chgu=$4 chgs=$5
chgw=$(sed -n 's/.*(\([0-9]*\) written.*/\1/p' "$err")
echo "  one use case's kept outputs changed (a new run each time), rebuild: $(calc '"%.3f s [%d] (cpu %.2f user + %.2f system s)"' "$chg, $chgruns, $chgu, $chgs"): $(cat "$err")"
"$PUTNB" "$d" "$first" last="$d/nb/$first.json" passing="$d/nb/$first.json" >/dev/null
rm -f "$d/.changed"

# Content: what nbconvert shows of a notebook, kbgen's page shows too.
keys=0 imgs=0 kimg=0 nimg=0 bad=0
for slug in $sample; do
	page=$d/site/usecases/$slug/index.html
	[ ! -f "$d/site/usecases/$slug/notebook.html" ] || page=$d/site/usecases/$slug/notebook.html
	if ! $PY tests/notebook/compare.py "$d/nb/$slug.ipynb" "$page" "$nbc/$slug.html" >"$err" 2>&1; then
		bad=$((bad + 1))
		sed "s/^/    $slug: /" "$err"
	fi
	set -- $(sed -n 's/^ok \([0-9]*\) text keys.*/\1/p; s/^FAIL \([0-9]*\) text keys.*/\1/p' "$err") 0
	keys=$((keys + $1))
	set -- $(sed -n 's/.*images: notebook \([0-9]*\), kbgen \([0-9]*\), nbconvert \([0-9]*\).*/\1 \2 \3/p' "$err") 0 0 0
	imgs=$((imgs + $1)) kimg=$((kimg + $2)) nimg=$((nimg + $3))
done
if [ $bad -eq 0 ]; then
	echo "  content check: $SAMPLE notebooks, every output on both pages: $keys text keys found in both, $imgs image outputs (<img> on kbgen's pages: $kimg, on nbconvert's: $nimg)"
else
	echo "  content check: $bad of $SAMPLE notebooks FAIL (above): $keys text keys, $imgs image outputs (kbgen $kimg, nbconvert $nimg)"
fi

echo
ratio=$(calc '"%.1f"' "$nfull / $kfull")
cratio=$(calc '"%.1f"' "($nu + $ns) / ($ku + $ks)")
echo "N=$N kbgen cold $(calc '"%.2f s (cpu %.2f s)"' "$kfull, $ku + $ks") | nbconvert one process $(calc '"%.2f s (cpu %.2f s)"' "$nfull, $nu + $ns") | nbconvert/kbgen ${ratio}x wall, ${cratio}x cpu | no-change $(calc '"%.1f ms"' "$nochg * 1000") | outputs-change $(calc '"%.3f s"' "$chg") (${chgw:-?} written)"
if [ "$(calc '"%d"' "($nfull / $kfull >= 10)")" = 1 ]; then
	echo "target kbgen >= 10x faster than nbconvert (wall): met (${ratio}x; cpu ${cratio}x)"
else
	echo "target kbgen >= 10x faster than nbconvert (wall): NOT met (${ratio}x; cpu ${cratio}x)"
fi
if [ "$(calc '"%d"' "($nochg < 0.1)")" = 1 ]; then
	echo "target no-change rebuild < 100 ms at N=$N with outputs: met ($(calc '"%.1f ms"' "$nochg * 1000"))"
else
	echo "target no-change rebuild < 100 ms at N=$N with outputs: NOT met ($(calc '"%.1f ms"' "$nochg * 1000"))"
fi
[ $bad -eq 0 ] || { echo "content check: FAILED"; exit 1; }
