#!/bin/sh
# Benchmark of kbgen sync against the git CLI (make bench).
#
# Makes BENCH_SYNC_N (default 200) local bare repositories of
# BENCH_SYNC_COMMITS (default 50) commits each, every one with its own
# history (git fast-import), and a knowledge base of one use case per
# repository, naming it by path.  Then measures, median of BENCH_RUNS
# (default 3) runs each:
#
#   kbgen first      kbgen sync with an empty cache (clones everything)
#   kbgen no-change  kbgen sync again, nothing changed upstream
#   git clone loop   git clone --bare --no-local of each repository, one
#                    after the other (--no-local: through the pack
#                    protocol as kbgen does, not by hard links)
#   git fetch loop   git fetch --prune of every branch and tag into each
#                    of those clones (what kbgen fetches), one after the
#                    other
#
# and the same git loops run 4 at a time (xargs -P 4, as kbgen's default
# --jobs 4), for reference.  Targets: a no-change re-sync under 2 s, and
# kbgen no slower than the git CLI loops (first clone and re-sync).
# Every number printed is measured in this run, on this machine.
#
# Environment: KBGEN (default ./kbgen), BENCH_DIR (default bench; the
# work goes into BENCH_DIR/sync), BENCH_SYNC_N, BENCH_SYNC_COMMITS,
# BENCH_RUNS, BENCH_SYNC_JOBS (kbgen --jobs, default: kbgen's own).
# Old caches and clones are moved aside and deleted at the end, so that
# no run creates files right after deleting many (see tests/bench.sh).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KBGEN=${KBGEN:-./kbgen}
BENCH_DIR=${BENCH_DIR:-bench}
N=${BENCH_SYNC_N:-200}
NC=${BENCH_SYNC_COMMITS:-50}
RUNS=${BENCH_RUNS:-3}
JOBS=${BENCH_SYNC_JOBS:-}
case $KBGEN in /*) ;; *) KBGEN=$top/$KBGEN ;; esac
[ -x "$KBGEN" ] || { echo "bench-sync: $KBGEN not found; run make first" >&2; exit 1; }
for v in "$N" "$NC" "$RUNS" ${JOBS:+"$JOBS"}; do
	case $v in ''|*[!0-9]*|0) echo "bench-sync: $v is not a positive number" >&2; exit 2 ;; esac
done
command -v git >/dev/null || { echo "bench-sync: git not found" >&2; exit 1; }

mkdir -p "$BENCH_DIR"
W=$(cd "$BENCH_DIR" && pwd)/sync
TRASH=$W/.trash-$$
rm -rf "$W"
mkdir -p "$W/src" "$W/home" "$TRASH"
trap 'rm -rf "$TRASH"' EXIT

# No user configuration, no proxies; fixed dates.
HOME=$W/home
GIT_CONFIG_NOSYSTEM=1
TZ=UTC
LC_ALL=C
export HOME GIT_CONFIG_NOSYSTEM TZ LC_ALL
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    KBGEN_GIT_TOKEN GIT_DIR 2>/dev/null || true

now() { date +%s.%N; }
# secs T0 T1
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
# aside PATH: move PATH into the trash (deleted at exit)
n_aside=0
aside() {
	if [ -e "$1" ]; then
		n_aside=$((n_aside + 1))
		mv "$1" "$TRASH/$n_aside"
	fi
}
names() { i=1; while [ $i -le "$N" ]; do printf 'r%03d\n' $i; i=$((i + 1)); done; }

# --- the repositories: one fast-import stream each --------------------

t0=$(now)
for r in $(names); do
	git init -q --bare "$W/src/$r.git"
	awk -v r="$r" -v nc="$NC" 'function blob(path, s) {
		printf "M 644 inline %s\ndata %d\n%s\n", path, length(s), s
	}
	BEGIN {
		for (k = 1; k <= nc; k++) {
			t = 1600000000 + k * 86400 + substr(r, 2) * 60
			who = k % 3 == 0 ? "Bob Builder <bob@example.org>" : \
			    "Ann Author <ann@example.org>"
			msg = "commit " k " of " r
			printf "commit refs/heads/main\nmark :%d\n", k
			printf "author %s %d +0000\ncommitter %s %d +0000\n", \
			    who, t, who, t
			printf "data %d\n%s\n", length(msg), msg
			if (k == 1) {
				blob("README.md", "# " r "\n\nA benchmark repository.\n")
				blob("LICENSE", "MIT\n")
			}
			s = ""
			for (j = 0; j < 20; j++)
				s = s sprintf("print(\"%s step %d line %d\")\n", r, k, j)
			blob("src/train.py", s)
			if (k % 10 == 0)
				blob("notebooks/nb" k ".ipynb", "{\"cells\": [], \"r\": \"" r "\", \"k\": " k "}")
			printf "\n"
		}
		printf "reset refs/tags/v1\nfrom :%d\n\n", nc
	}' | git -C "$W/src/$r.git" fast-import --quiet
	git -C "$W/src/$r.git" symbolic-ref HEAD refs/heads/main
done
t1=$(now)
echo "made $N repositories of $NC commits in $(secs "$t0" "$t1" | awk '{ printf "%.1f", $1 }') s ($W/src)"

# --- the knowledge base ------------------------------------------------

K=$W/kb
mkdir -p "$K/content/usecases" "$K/content/people"
cat >"$K/content/site.yaml" <<'EOF'
title: Sync benchmark
sync: {allow_local: true}
EOF
cat >"$K/content/taxonomy.yaml" <<'EOF'
technologies:
  - name: CNN
fields:
  - name: High Energy Physics
tools:
  - name: Keras
EOF
printf -- '---\nname: Ann Author\n---\n' >"$K/content/people/ann.md"
for r in $(names); do
	cat >"$K/content/usecases/uc-$r.md" <<EOF
---
title: Use case $r
summary: Benchmark use case $r.
technologies: [CNN]
fields: [High Energy Physics]
tools: [Keras]
kind: tutorial
contacts: [ann]
repository:
  url: $W/src/$r.git
  ref: main
example: src/train.py
added: 2022-01-01
---
Body.
EOF
done

# sync: kbgen sync, checking that all N repositories succeeded
sync() {
	if ! "$KBGEN" -C "$K" sync ${JOBS:+--jobs "$JOBS"} >"$W/sync.out" 2>&1; then
		echo "bench-sync: kbgen sync failed:" >&2
		tail -n 20 "$W/sync.out" >&2
		exit 1
	fi
	if ! grep -q "synced $N repositories for $N use cases.*: $N ok" "$W/sync.out"; then
		echo "bench-sync: kbgen sync did not collect every repository:" >&2
		tail -n 20 "$W/sync.out" >&2
		exit 1
	fi
}
git_clone_one() { git clone -q --bare --no-local "$W/src/$1.git" "$W/git/$1.git"; }
git_fetch_one() {
	git -C "$W/git/$1.git" fetch -q --prune origin \
	    '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'
}
git_clone_loop() {
	mkdir -p "$W/git"
	for r in $(names); do git_clone_one "$r"; done
}
git_fetch_loop() { for r in $(names); do git_fetch_one "$r"; done; }
export W
git_clone_par() {
	mkdir -p "$W/git"
	names | xargs -P 4 -I{} git clone -q --bare --no-local "$W/src/{}.git" "$W/git/{}.git"
}
git_fetch_par() {
	names | xargs -P 4 -I{} git -C "$W/git/{}.git" fetch -q --prune origin \
	    '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'
}
# timed FILE COMMAND...: append the seconds COMMAND took to FILE
timed() {
	f=$1
	shift
	a=$(now)
	"$@"
	b=$(now)
	secs "$a" "$b" >>"$f"
}

: >"$W/t.kfirst"; : >"$W/t.gclone"; : >"$W/t.gclonep"
: >"$W/t.knochange"; : >"$W/t.gfetch"; : >"$W/t.gfetchp"
run=1
while [ $run -le "$RUNS" ]; do
	aside "$K/.kbgen"
	timed "$W/t.kfirst" sync
	aside "$W/git"
	timed "$W/t.gclone" git_clone_loop
	aside "$W/git"
	timed "$W/t.gclonep" git_clone_par
	run=$((run + 1))
done
n=$(ls "$K/.kbgen/repos" | wc -l)
[ "$n" -eq "$N" ] || { echo "bench-sync: $n clones in the cache, want $N" >&2; exit 1; }
run=1
while [ $run -le "$RUNS" ]; do
	timed "$W/t.knochange" sync
	timed "$W/t.gfetch" git_fetch_loop
	timed "$W/t.gfetchp" git_fetch_par
	run=$((run + 1))
done

kf=$(median <"$W/t.kfirst")
gc=$(median <"$W/t.gclone")
gcp=$(median <"$W/t.gclonep")
kn=$(median <"$W/t.knochange")
gf=$(median <"$W/t.gfetch")
gfp=$(median <"$W/t.gfetchp")
echo "kbgen sync --jobs ${JOBS:-4 (default)}; git 4 at a time: xargs -P 4; median of $RUNS runs; $(nproc 2>/dev/null || echo '?') CPUs"
echo "sync $N repos: kbgen first $kf s | git clone --bare loop $gc s | 4 at a time $gcp s"
echo "no-change re-sync: kbgen $kn s | git fetch loop $gf s | 4 at a time $gfp s"
awk -v kn="$kn" 'BEGIN { print "target re-sync < 2 s: " (kn < 2 ? "met" : "not met") }'
awk -v kf="$kf" -v gc="$gc" -v kn="$kn" -v gf="$gf" 'BEGIN {
	printf "target no slower than git CLI: %s (first %s, re-sync %s)\n",
	    kf <= gc && kn <= gf ? "met" : "not met",
	    kf <= gc ? "met" : "not met", kn <= gf ? "met" : "not met"
}'
