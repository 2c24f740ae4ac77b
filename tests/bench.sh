#!/bin/sh
# kbgen's benchmark (make bench).  For each N (default "1000 10000";
# BENCH_N=1000 or BENCH_N="500 2000" overrides), tests/bench/gen.py writes
# a synthetic knowledge base of N use cases into bench/nN/content and an
# equivalent Hugo site into bench/nN/hugo (bench/ is git-ignored), and
# tests/bench/measure.py measures:
#
#   kbgen full build      no site, no .kbgen cache; median of 3
#   ms per page           full build time / HTML files in the site
#   peak RSS              largest of the full builds (GNU time's %M when
#                         /usr/bin/time exists, else wait4's ru_maxrss)
#   output size           du -sb of the site
#   no-change rebuild     build again, nothing changed; median of 5
#   touch-one rebuild     touch one use case (mtime only), build; median of 3
#   edit-one first        append a line to one use case's body, build,
#                         once: the first build that publishes after a
#                         full build starts from a fresh folder (no spare
#                         tree yet, see publish/site.c)
#   edit-one rebuild      the same again; median of 3 (the file is
#                         restored afterwards): a maintainer's edits
#   edit-one / full       their ratio, and whether it is at most 1/10
#   hugo full build       when hugo is installed: hugo --quiet on the
#                         equivalent site, into a fresh folder; median of 3
#                         (fewer when slow: runs stop once they total 20 s)
#
# and then says whether the project's targets are met at the largest N:
# full build < 1 s, at most 1/15 of Hugo's time, no-change rebuild
# < 100 ms, peak RSS < 300 MB, edit-one rebuild <= 1/10 of the full build.  Every number printed is measured in this
# run.  Environment: KBGEN (binary, default ./kbgen), HUGO (default hugo),
# BENCH_DIR (default bench), BENCH_HUGO=0 skips Hugo.
#
# Deletions.  On ext4 without a journal (this project's build machine),
# creating files within 60 s of deleting many (360 s while the inode
# table block is dirty, which creating files nearby keeps it) makes the
# kernel skip the recently freed inodes one by one (recently_deleted() in
# fs/ext4/ialloc.c): a build right after "rm -rf site" can spend seconds
# of system time in mkdir and open.  So that full builds measure kbgen
# and Hugo rather than the previous run's deletions, old outputs are moved
# aside (into BENCH_DIR/.trash-PID), all full builds of every N run before
# any incremental rebuild (which deletes the previous site, as kbgen
# does), the trash is deleted at the end, and CPU times are printed as
# user+system so that such kernel time shows.  A run started within 6
# minutes of the previous one's deletions says so; for figures free of
# the file system, use a tmpfs: BENCH_DIR=/dev/shm/kbgen-bench.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KBGEN=${KBGEN:-./kbgen}
HUGO=${HUGO:-hugo}
BENCH_N=${BENCH_N:-1000 10000}
BENCH_DIR=${BENCH_DIR:-bench}
BENCH_HUGO=${BENCH_HUGO:-1}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
MEASURE="$PY $top/tests/bench/measure.py"

case $KBGEN in /*) ;; *) KBGEN=$top/$KBGEN ;; esac
[ -x "$KBGEN" ] || { echo "bench: $KBGEN not found; run make first" >&2; exit 1; }
for n in $BENCH_N; do
	case $n in ''|*[!0-9]*) echo "bench: BENCH_N: $n is not a number" >&2; exit 2 ;; esac
done
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

have_hugo=0
if [ "$BENCH_HUGO" != 0 ] && command -v "$HUGO" >/dev/null 2>&1; then
	have_hugo=1
fi

# calc 'FORMAT' 'EXPR, ...': awk's printf, for floating-point arithmetic
calc() { awk "BEGIN { printf $1, $2 }"; }
# get VAR N / put VAR N VALUE: per-N results
get() { eval "echo \"\${r_$1_$2:-}\""; }
put() { eval "r_$1_$2=\$3"; }

# Leftovers of an interrupted run.
if ls -d "$BENCH_DIR"/.trash-* >/dev/null 2>&1; then
	rm -rf "$BENCH_DIR"/.trash-*
	sync
	date +%s >"$BENCH_DIR/.deleted-at"
fi
fstype=$(stat -f -c %T "$BENCH_DIR" 2>/dev/null || echo unknown)
if [ -f "$BENCH_DIR/.deleted-at" ] && [ "$fstype" = ext2/ext3 ]; then
	ago=$(( $(date +%s) - $(cat "$BENCH_DIR/.deleted-at") ))
	if [ "$ago" -lt 360 ]; then
		echo "note: the previous run deleted its outputs $ago s ago; on ext4 without a journal, file creation is slower for up to 6 minutes after (see tests/bench.sh): expect high system times"
	fi
fi
trash=$BENCH_DIR/.trash-$$
mkdir -p "$trash"

echo "kbgen benchmark: $(uname -m), $(nproc) CPUs, $("$KBGEN" --version 2>&1 | head -n 1), output in $BENCH_DIR ($fstype)"
if [ $have_hugo = 1 ]; then
	echo "hugo: $("$HUGO" version 2>&1 | head -n 1)"
else
	echo "hugo: not installed (or BENCH_HUGO=0): the comparison with Hugo is skipped"
fi
echo "MB = 10^6 bytes; times are wall-clock medians, [runs] in brackets"
echo

# The generator's inputs: content is regenerated only when they change.
genstamp=$( (cat tests/bench/gen.py; find tests/bench/hugo templates/assets -type f | sort | xargs cat) | cksum)

# Phase 1: generate, then full builds.
for n in $BENCH_N; do
	d=$BENCH_DIR/n$n
	mkdir -p "$d"
	err=$d/stderr.txt
	stamp="$n $genstamp"
	if [ -f "$d/.stamp" ] && [ "$(cat "$d/.stamp")" = "$stamp" ] &&
	    [ -d "$d/content" ] && [ -d "$d/hugo" ]; then
		how="reused"
	else
		for x in content hugo .stamp; do
			[ ! -e "$d/$x" ] || mv "$d/$x" "$trash/$x.$n"
		done
		t0=$(date +%s.%N)
		$PY "$top/tests/bench/gen.py" "$n" "$d"
		t1=$(date +%s.%N)
		echo "$stamp" >"$d/.stamp"
		how=$(calc '"generated in %.1f s"' "$t1 - $t0")
	fi
	nuc=$(ls "$d/content/usecases" | wc -l)
	nppl=$(ls "$d/content/people" | wc -l)
	nin=$(du -sb "$d/content" | cut -f1)
	calc '"N=%d: %d use cases, %d people, %.1f MB of Markdown and YAML (%s)\n"' \
	    "$n, $nuc, $nppl, $nin / 1e6, \"$how\""

	m=$($MEASURE --runs 3 --rss --stderr "$err" --before \
	    "cd $d && for x in site .kbgen site.new* site.old* site.prev; do [ ! -e \$x ] || mv \$x $trash/\$x.$n.\$\$; done" \
	    -- "$KBGEN" -C "$d" build -o "$d/site")
	set -- $m
	put full $n "$1"; put rss $n "$2"; put fruns $n "$3"; put fu $n "$4"; put fs $n "$5"
	put html $n "$(find "$d/site" -name '*.html' | wc -l)"
	put files $n "$(find "$d/site" -type f | wc -l)"
	put out $n "$(du -sb "$d/site" | cut -f1)"
	echo "  kbgen full build: $(cat "$err") [cpu $(calc '"%.2f user + %.2f system s"' "$4, $5")]"

	if [ $have_hugo = 1 ]; then
		m=$($MEASURE --runs 3 --budget 20 --rss --stderr "$err" --before \
		    "for x in hugo-out hugo/resources; do [ ! -e $d/\$x ] || mv $d/\$x $trash/h.$n.\$\$; done; rm -f $d/hugo/.hugo_build.lock" \
		    -- "$HUGO" --quiet -s "$d/hugo" -d "$d/hugo-out")
		set -- $m
		put hfull $n "$1"; put hrss $n "$2"; put hruns $n "$3"; put hu $n "$4"; put hs $n "$5"
		put hhtml $n "$(find "$d/hugo-out" -name '*.html' | wc -l)"
		put hout $n "$(du -sb "$d/hugo-out" | cut -f1)"
		echo "  hugo full build:  $(calc '"%.2f s, %d HTML pages [cpu %.2f user + %.2f system s]"' "$1, $(get hhtml $n), $4, $5")"
		[ ! -s "$err" ] || sed 's/^/    hugo: /' "$err"
	fi
done

# Phase 2: incremental rebuilds of the sites the full builds left.
for n in $BENCH_N; do
	d=$BENCH_DIR/n$n
	err=$d/stderr.txt
	build="$KBGEN -C $d build -o $d/site"
	uc=$d/content/usecases/$(ls "$d/content/usecases" | sed -n "$((n / 2 + 1))p")

	m=$($MEASURE --runs 5 --stderr "$err" -- $build)
	set -- $m
	put nochg $n "$1"; put nruns $n "$3"
	echo "  N=$n kbgen no-change: $(cat "$err")"

	m=$($MEASURE --runs 3 --before "touch $uc" --stderr "$err" -- $build)
	set -- $m
	put touch $n "$1"; put truns $n "$3"
	w=$(sed -n 's/.*(\([0-9]*\) written.*/\1/p' "$err")
	# "nothing changed but file times": no page rendered, none written
	put twritten $n "${w:-0}"
	echo "  N=$n kbgen touch-one: $(cat "$err") [cpu $(calc '"%.2f user + %.2f system s"' "$4, $5")]"

	cp "$uc" "$d/edited.orig"
	m=$($MEASURE --runs 1 --before "echo \"Edited at \$(date +%s%N).\" >>$uc" \
	    --stderr "$err" -- $build)
	set -- $m
	put edit1 $n "$1"
	echo "  N=$n kbgen edit-one first: $(cat "$err")"
	m=$($MEASURE --runs 3 --before "echo \"Edited at \$(date +%s%N).\" >>$uc" \
	    --stderr "$err" -- $build)
	set -- $m
	cat "$d/edited.orig" >"$uc"
	put edit $n "$1"; put eruns $n "$3"
	put ewritten $n "$(sed -n 's/.*(\([0-9]*\) written.*/\1/p' "$err")"
	echo "  N=$n kbgen edit-one:  $(cat "$err") [cpu $(calc '"%.2f user + %.2f system s"' "$4, $5")]"
	echo "  N=$n edit-one / full build: $(calc '"%.3f s / %.3f s = 1/%.1f"' "$1, $(get full $n), $(get full $n) / $1")"
done

echo
for n in $BENCH_N; do
	full=$(get full $n) html=$(get html $n)
	calc '"N=%-6d kbgen full %6.3f s [%d] (cpu %.2fu+%.2fs, %6d pages, %.3f ms/page, %4.0f MB peak RSS, %4.0f MB out) | no-change %.4f s [%d] | touch-one %6.3f s [%d] (%s written) | edit-one %6.3f s [%d] (%s written; first %.3f s) | full/edit-one %.1fx"' \
	    "$n, $full, $(get fruns $n), $(get fu $n), $(get fs $n), $html, $full * 1000 / $html, $(get rss $n) * 1024 / 1e6, $(get out $n) / 1e6, $(get nochg $n), $(get nruns $n), $(get touch $n), $(get truns $n), \"$(get twritten $n)\", $(get edit $n), $(get eruns $n), \"$(get ewritten $n)\", $(get edit1 $n), $full / $(get edit $n)"
	if [ $have_hugo = 1 ]; then
		hfull=$(get hfull $n)
		calc '" || hugo full %6.2f s [%d] (cpu %.2fu+%.2fs, %6d pages, %.3f ms/page, %4.0f MB peak RSS, %4.0f MB out) | hugo/kbgen %.1fx"' \
		    "$hfull, $(get hruns $n), $(get hu $n), $(get hs $n), $(get hhtml $n), $hfull * 1000 / $(get hhtml $n), $(get hrss $n) * 1024 / 1e6, $(get hout $n) / 1e6, $hfull / $full"
	fi
	echo
done
echo

rm -rf "$trash"
sync
date +%s >"$BENCH_DIR/.deleted-at"

last=""
for n in $BENCH_N; do [ -n "$last" ] && [ "$n" -le "$last" ] || last=$n; done
[ -n "$last" ] || exit 0
note=""
[ "$last" = 10000 ] || note=" [measured at N=$last; the targets are for N=10000]"
verdict() {	# verdict LABEL OK VALUE
	if [ "$2" = 1 ]; then echo "target $1: met ($3)$note"
	else echo "target $1: NOT met ($3)$note"; fi
}
full=$(get full $last)
verdict "full build < 1 s" "$(calc '"%d"' "($full < 1)")" "$(calc '"%.3f s"' "$full")"
if [ $have_hugo = 1 ]; then
	hfull=$(get hfull $last)
	verdict "full build <= 1/15 of Hugo's" "$(calc '"%d"' "($hfull / $full >= 15)")" \
	    "$(calc '"hugo/kbgen %.1fx"' "$hfull / $full")"
else
	echo "target full build <= 1/15 of Hugo's: not measured (hugo not installed)"
fi
nochg=$(get nochg $last)
verdict "no-change rebuild < 100 ms" "$(calc '"%d"' "($nochg < 0.1)")" "$(calc '"%.1f ms"' "$nochg * 1000")"
edit=$(get edit $last)
verdict "edit-one rebuild <= 1/10 of the full build" "$(calc '"%d"' "($edit * 10 <= $full)")" \
    "$(calc '"%.3f s vs %.3f s, 1/%.1f"' "$edit, $full, $full / $edit")"
rss=$(get rss $last)
verdict "peak RSS < 300 MB" "$(calc '"%d"' "($rss * 1024 < 300e6)")" "$(calc '"%.0f MB"' "$rss * 1024 / 1e6")"
