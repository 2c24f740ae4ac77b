#!/bin/sh
# Benchmark of kbgen check.  Every number printed is measured in this
# run, on this machine.
#
# (a) Overhead per job on the local runner: a notebook with one trivial
#     cell (tests/fixtures/check/trivial.ipynb), median wall time of
#     BENCH_RUNS (default 5) "kbgen check SLUG --force" runs, in
#     bubblewrap and with sandbox: none, against Debian's
#     "/usr/bin/jupyter nbconvert --to notebook --execute" of the same
#     notebook; and the time the job driver itself recorded.
# (b) A cached re-check of BENCH_CHECK_N (default 1000) use cases with
#     nothing changed (target: under 1 s).  The use cases point at
#     BENCH_CHECK_REPOS (default 20) local repositories of tiny .py
#     examples; the first check runs them all (in bubblewrap, kbgen
#     --jobs BENCH_CHECK_JOBS, default 4), then the re-check is timed
#     BENCH_RUNS times.
# (c) Throughput of BENCH_SLURM_N (default 50) trivial jobs through
#     Slurm with --runner slurm --jobs 8, on a one-node test cluster of
#     its own (tests/slurm/start.sh in a folder of its own, on port
#     BENCH_SLURM_PORT, default 6917, so as not to meet another one);
#     skipped when Slurm is not installed.
# (d) Environments: the test image (tests/image/build.sh) as a rootfs
#     tar with a requirements.txt: the preparation of the first use case
#     of the environment (unpack, venv) against the second's (target: a
#     tenth or less); a job in the image against nbconvert on the host;
#     declared data fetched once (bytes fetched, then none).
#
# Environment: KBGEN (default ./kbgen), BENCH_DIR (default bench; the
# work goes into BENCH_DIR/check), BENCH_RUNS, BENCH_CHECK_N,
# BENCH_CHECK_REPOS, BENCH_CHECK_JOBS, BENCH_SLURM_N, BENCH_SLURM_PORT,
# BENCH_SKIP (words: overhead, cached, slurm, envs).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KBGEN=${KBGEN:-./kbgen}
BENCH_DIR=${BENCH_DIR:-bench}
RUNS=${BENCH_RUNS:-5}
N=${BENCH_CHECK_N:-1000}
NR=${BENCH_CHECK_REPOS:-20}
JOBS=${BENCH_CHECK_JOBS:-4}
NS=${BENCH_SLURM_N:-50}
SPORT=${BENCH_SLURM_PORT:-6917}
SKIP=${BENCH_SKIP:-}
case $KBGEN in /*) ;; *) KBGEN=$top/$KBGEN ;; esac
[ -x "$KBGEN" ] || { echo "bench-check: $KBGEN not found; run make first" >&2; exit 1; }
for v in "$RUNS" "$N" "$NR" "$JOBS" "$NS" "$SPORT"; do
	case $v in ''|*[!0-9]*|0) echo "bench-check: $v is not a positive number" >&2; exit 2 ;; esac
done

mkdir -p "$BENCH_DIR"
W=$(cd "$BENCH_DIR" && pwd)/check
rm -rf "$W"
mkdir -p "$W/home"
# As root, jobs run as nobody: the folders must be open to it.
chmod 755 "$W"
HOME=$W/home
GIT_CONFIG_NOSYSTEM=1
TZ=UTC
LC_ALL=C
export HOME GIT_CONFIG_NOSYSTEM TZ LC_ALL
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    KBGEN_GIT_TOKEN GIT_DIR 2>/dev/null || true
PY=/usr/bin/python3
FIX=$top/tests/fixtures/kb
EX=$top/tests/fixtures/check
SLURM_STATE=$W/slurm
SLURM_STARTED=0
trap '[ $SLURM_STARTED -eq 1 ] && sh "$top/tests/slurm/stop.sh" "$SLURM_STATE"' EXIT
trap 'exit 1' INT TERM HUP

git_() { git -c init.defaultBranch=main -c user.name=Bench \
    -c user.email=bench@example.org "$@"; }
now_ms() { date +%s%3N; }
# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms2s() { awk -v m="$1" 'BEGIN { printf "%.3f s", m / 1000 }'; }
skipped() { case " $SKIP " in *" $1 "*) return 0 ;; esac; return 1; }
# mkkb DIR: a knowledge base (the fixture's people and taxonomy)
mkkb() {
	mkdir -p "$1"
	cp -r "$FIX/content" "$1/"
	rm -f "$1"/content/usecases/*.md
	chmod 755 "$1"
}
# mkuc KB SLUG URL EXAMPLE [RUN]
mkuc() {
	printf -- '---\ntitle: Use case %s\nsummary: Benchmark use case.\ntechnologies: [CNN]\nfields: [HEP]\ntools: [Keras]\nkind: tutorial\ncontacts: [ada-rossi]\nrepository:\n  url: %s\nexample: %s\n%sadded: 2022-01-01\n---\nBody.\n' \
	    "$2" "$3" "$4" "${5:+run: $5
}" >"$1/content/usecases/$2.md"
}
# timed LOG CMD...: run CMD, print its wall time in ms; fail loudly
timed() {
	log=$1
	shift
	t0=$(now_ms)
	"$@" >"$log" 2>&1
	r=$?
	t1=$(now_ms)
	if [ $r -ne 0 ]; then
		echo "bench-check: failed (exit $r): $*" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	echo $((t1 - t0))
}

echo "bench-check: $(nproc) CPUs, $(uname -r), $("$KBGEN" -V 2>/dev/null), run as $(id -un)"

# --- (a) overhead per job ---------------------------------------------

if ! skipped overhead; then
	R=$W/trivial
	git_ init -q "$R"
	cp "$EX/trivial.ipynb" "$R/"
	(cd "$R" && git_ add -A && git_ commit -q -m one)
	K=$W/kb-trivial
	KN=$W/kb-trivial-none
	mkkb "$K"
	mkkb "$KN"
	mkuc "$K" trivial "$R" trivial.ipynb
	mkuc "$KN" trivial "$R" trivial.ipynb
	printf 'runners:\n  local: {sandbox: none}\n' >>"$KN/content/site.yaml"
	"$KBGEN" -C "$K" sync >"$W/a.sync" 2>&1 || { cat "$W/a.sync"; exit 1; }
	"$KBGEN" -C "$KN" sync >"$W/a.sync" 2>&1 || { cat "$W/a.sync"; exit 1; }
	mkdir -p "$W/nbconvert"
	cp "$EX/trivial.ipynb" "$W/nbconvert/"
	: >"$W/a.kbgen" ; : >"$W/a.none" ; : >"$W/a.jup" ; : >"$W/a.drv"
	# The three interleaved, so that a busy moment of the machine hits
	# them alike.
	i=0
	while [ $i -lt "$RUNS" ]; do
		timed "$W/a.log" "$KBGEN" -C "$K" check trivial --force >>"$W/a.kbgen" || exit 1
		grep -q "trivial: pass" "$W/a.log" || { cat "$W/a.log"; exit 1; }
		"$KBGEN" -C "$K" status --json | "$PY" -c '
import json, sys
print(round(1000 * [x for x in json.load(sys.stdin) if x["slug"] == "trivial"][0]["seconds"]))' >>"$W/a.drv"
		timed "$W/a.log" "$KBGEN" -C "$KN" check trivial --force >>"$W/a.none" || exit 1
		grep -q "trivial: pass" "$W/a.log" || { cat "$W/a.log"; exit 1; }
		timed "$W/a.log" /usr/bin/jupyter nbconvert --to notebook --execute \
		    "$W/nbconvert/trivial.ipynb" --output "$W/nbconvert/out.ipynb" >>"$W/a.jup" || exit 1
		i=$((i + 1))
	done
	mk=$(median <"$W/a.kbgen") mn=$(median <"$W/a.none")
	mj=$(median <"$W/a.jup") md=$(median <"$W/a.drv")
	echo "(a) overhead per job: one-cell notebook, median of $RUNS runs each, interleaved"
	echo "    kbgen check --force (bubblewrap)      $(ms2s "$mk")   runs: $(tr '\n' ' ' <"$W/a.kbgen")ms"
	echo "    kbgen check --force (sandbox: none)   $(ms2s "$mn")   runs: $(tr '\n' ' ' <"$W/a.none")ms"
	echo "    jupyter nbconvert --execute           $(ms2s "$mj")   runs: $(tr '\n' ' ' <"$W/a.jup")ms"
	echo "    driver's own time (result seconds)    $(ms2s "$md")"
	echo "    kbgen minus nbconvert                 $(ms2s $((mk - mj))) (bubblewrap), $(ms2s $((mn - mj))) (sandbox: none)"
fi

# --- (b) cached re-check of N use cases --------------------------------

# repos NAME COUNT PER: COUNT repositories NAME-I of PER tiny examples
repos() {
	r=0
	while [ "$r" -lt "$2" ]; do
		d=$W/repos/$1-$r
		git_ init -q "$d"
		e=0
		while [ "$e" -lt "$3" ]; do
			printf 'print("example %d of repository %d")\n' "$e" "$r" >"$d/ex$e.py"
			e=$((e + 1))
		done
		echo "numpy" >"$d/requirements.txt"
		(cd "$d" && git_ add -A && git_ commit -q -m one)
		r=$((r + 1))
	done
}
# many KB COUNT NAME NREPOS: COUNT use cases over those repositories
many() {
	mkkb "$1"
	i=0
	while [ "$i" -lt "$2" ]; do
		mkuc "$1" "uc-$i" "$W/repos/$3-$((i % $4))" "ex$((i / $4)).py" "{timeout: 60s}"
		i=$((i + 1))
	done
}

if ! skipped cached; then
	PER=$(( (N + NR - 1) / NR ))
	repos b "$NR" "$PER"
	K=$W/kb-many
	many "$K" "$N" b "$NR"
	t=$(timed "$W/b.sync" "$KBGEN" -C "$K" sync) || exit 1
	echo "(b) cached re-check of $N use cases ($NR repositories, tiny .py examples, bubblewrap)"
	echo "    kbgen sync                            $(ms2s "$t")"
	t=$(timed "$W/b.first" "$KBGEN" -C "$K" check --jobs "$JOBS") || exit 1
	printf "    %-38s%s\n" "first check, --jobs $JOBS" "$(ms2s "$t")   $(tail -n 1 "$W/b.first")"
	: >"$W/b.runs"
	i=0
	while [ $i -lt "$RUNS" ]; do
		timed "$W/b.log" "$KBGEN" -C "$K" check --jobs "$JOBS" >>"$W/b.runs" || exit 1
		i=$((i + 1))
	done
	m=$(median <"$W/b.runs")
	echo "    re-check, nothing changed (median)    $(ms2s "$m")   runs: $(tr '\n' ' ' <"$W/b.runs")ms   target < 1 s: $([ "$m" -lt 1000 ] && echo met || echo MISSED)"
	echo "    $(tail -n 1 "$W/b.log")"
	t=$(timed "$W/b.status" "$KBGEN" -C "$K" status --json) || exit 1
	echo "    kbgen status --json                   $(ms2s "$t")"
fi

# --- (c) Slurm throughput ----------------------------------------------

if ! skipped slurm; then
	KBGEN_SLURM_PORT=$SPORT
	export KBGEN_SLURM_PORT
	sh "$top/tests/slurm/start.sh" "$SLURM_STATE" >"$W/c.start" 2>"$W/c.err"
	r=$?
	if [ $r -eq 77 ]; then
		echo "(c) Slurm: skipped: $(tail -n 1 "$W/c.err")"
	elif [ $r -ne 0 ]; then
		SLURM_STARTED=1
		if grep -q "in use" "$W/c.err"; then
			echo "(c) Slurm: the cluster did not start: a port is in use (another cluster?): $(grep 'in use' "$W/c.err" | tail -n 1)"
		else
			echo "(c) Slurm: the cluster did not start (exit $r):"
			tail -n 15 "$W/c.err" | sed 's/^/    /'
		fi
	else
		SLURM_STARTED=1
		eval "$(cat "$W/c.start")"
		export SLURM_CONF
		repos s 5 $(( (NS + 4) / 5 ))
		K=$W/kb-slurm
		many "$K" "$NS" s 5
		"$KBGEN" -C "$K" sync >"$W/c.sync" 2>&1 || { cat "$W/c.sync"; exit 1; }
		t=$(timed "$W/c.check" "$KBGEN" -C "$K" check --runner slurm --jobs 8) || exit 1
		p=$(grep -c ': pass (' "$W/c.check")
		echo "(c) Slurm: $NS trivial jobs, --runner slurm --jobs 8, one-node test cluster ($(sed -n 's/.*(\(.*\)).*/\1/p' "$W/c.err" | tail -n 1))"
		echo "    wall time                             $(ms2s "$t")   $p passed"
		echo "    throughput                            $(awk -v n="$NS" -v m="$t" 'BEGIN { printf "%.2f jobs/s", n * 1000 / m }')"
		echo "    $(tail -n 1 "$W/c.check")"
		if [ "$p" -ne "$NS" ]; then
			grep -v ': pass (' "$W/c.check" | head -n 10 | sed 's/^/    /'
		fi
	fi
fi

# --- (d) environments: image, requirements, data -------------------------

if ! skipped envs; then
	IMG=$(sh "$top/tests/image/build.sh" 2>"$W/d.image") ||
	    { echo "(d) environments: no test image:"; tail -n 5 "$W/d.image"; exit 1; }
	R=$W/envrepo
	git_ init -q "$R"
	cp "$EX/trivial.ipynb" "$R/a.ipynb"
	cp "$EX/trivial.ipynb" "$R/b.ipynb"
	mkdir -p "$R/data"
	printf 'import os\nn = os.path.getsize("data/blob.bin")\nprint("bytes", n)\n' >"$R/d.py"
	echo "numpy" >"$R/requirements.txt"
	(cd "$R" && git_ add -A && git_ commit -q -m one)
	mkdir -p "$W/files"
	head -c $((10 << 20)) /dev/urandom >"$W/files/blob.bin"
	SUM=$(sha256sum "$W/files/blob.bin" | cut -d' ' -f1)
	"$PY" -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()' "$W/files" "$W/d.port" >/dev/null 2>&1 &
	DSRV=$!
	trap '[ $SLURM_STARTED -eq 1 ] && sh "$top/tests/slurm/stop.sh" "$SLURM_STATE"; kill $DSRV 2>/dev/null' EXIT
	i=0
	while [ ! -s "$W/d.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	DPORT=$(cat "$W/d.port")
	K=$W/kb-env
	mkkb "$K"
	printf 'environments:\n  deb: {image: "rootfs:%s"}\n' "$IMG" >>"$K/content/site.yaml"
	mkuc "$K" a "$R" a.ipynb "{environment: deb}"
	mkuc "$K" b "$R" b.ipynb "{environment: deb}"
	mkuc "$K" d "$R" d.py "{environment: deb, data: [{url: \"http://127.0.0.1:$DPORT/blob.bin\", sha256: $SUM, path: data/blob.bin}]}"
	"$KBGEN" -C "$K" sync >"$W/d.sync" 2>&1 || { cat "$W/d.sync"; exit 1; }
	drv() { "$KBGEN" -C "$K" status --json | "$PY" -c '
import json, sys
r = [x for x in json.load(sys.stdin) if x["slug"] == sys.argv[1]][0]
print(round(1000 * r["seconds"]))' "$1"; }
	# The first use case of the environment: the image is unpacked and
	# the requirements installed; the second finds both done.
	t1=$(timed "$W/d.1" "$KBGEN" -C "$K" check a) || exit 1
	j1=$(drv a)
	t2=$(timed "$W/d.2" "$KBGEN" -C "$K" check b) || exit 1
	j2=$(drv b)
	p1=$((t1 - j1)) p2=$((t2 - j2))
	echo "(d) environments: the test image (rootfs tar, $(du -m "$IMG" | cut -f1) MB) with requirements.txt"
	echo "    first use case: check $(ms2s "$t1"), of which the job $(ms2s "$j1"): preparing $(ms2s "$p1") (unpack + venv)"
	echo "    second use case: check $(ms2s "$t2"), of which the job $(ms2s "$j2"): preparing $(ms2s "$p2")"
	echo "    second's preparation / first's      $(awk -v a="$p2" -v b="$p1" 'BEGIN { printf "%.3f", a / b }')   target <= 0.1: $([ $((p2 * 10)) -le "$p1" ] && echo met || echo MISSED)"
	: >"$W/d.img" ; : >"$W/d.jup"
	mkdir -p "$W/nbconvert"
	cp "$EX/trivial.ipynb" "$W/nbconvert/"
	i=0
	while [ $i -lt "$RUNS" ]; do
		timed "$W/d.log" "$KBGEN" -C "$K" check a --force >>"$W/d.img" || exit 1
		timed "$W/d.log" /usr/bin/jupyter nbconvert --to notebook --execute \
		    "$W/nbconvert/trivial.ipynb" --output "$W/nbconvert/out.ipynb" >>"$W/d.jup" || exit 1
		i=$((i + 1))
	done
	echo "    per job in the image (median of $RUNS)  $(ms2s "$(median <"$W/d.img")")   runs: $(tr '\n' ' ' <"$W/d.img")ms"
	echo "    jupyter nbconvert --execute on host   $(ms2s "$(median <"$W/d.jup")")   runs: $(tr '\n' ' ' <"$W/d.jup")ms"
	t=$(timed "$W/d.3" "$KBGEN" -C "$K" check d --json "$W/d.3.json") || exit 1
	b1=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["data"][0]["bytes_fetched"])' "$W/d.3.json")
	t=$(timed "$W/d.4" "$KBGEN" -C "$K" check d --force --json "$W/d.4.json") || exit 1
	b2=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["data"][0]["bytes_fetched"])' "$W/d.4.json")
	echo "    declared data (10 MiB): first check fetched $b1 bytes, second (--force) fetched $b2 bytes"
	kill $DSRV 2>/dev/null
fi
