#!/bin/sh
# The local runner's sandbox against hostile examples, end to end with
# the real job driver and bubblewrap: a job that forges its result (files
# everywhere it can write, and every pipe of every process it can see)
# and then fails is recorded as failed; a job that reads the knowledge
# base, .kbgen/, site/, another job and the host's /home, /root, /srv,
# /work, /opt, by absolute path and through "..", sees none of them; a
# job that allocates past the site's default memory limit is recorded as
# "memory"; GPUs (fake device nodes, made here with mknod as the Slurm
# tests do) are bound as /dev/nvidiaN with CUDA_VISIBLE_DEVICES, never
# given to two jobs at once, and asking for more than the runner has is
# an error before the job starts.
# Needs root (jobs run as nobody; mknod), bwrap and python3-nbclient:
# without them the suite fails, it does not pass.
KBGEN=${KBGEN:-$PWD/kbgen}
EX=$PWD/tests/fixtures/sandbox
FIX=$PWD/tests/fixtures/kb
TMP=$(mktemp -d)
chmod 755 "$TMP"
. "$PWD/tests/lib.sh"
trap '[ -n "$KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TZ=UTC LC_ALL=C HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
kb() { timeout 180 "$KBGEN" "$@"; }

if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/bin/bwrap ] ||
    ! /usr/bin/python3 -c 'import nbclient, ipykernel' 2>/dev/null; then
	fail prerequisites "needs root, /usr/bin/bwrap and python3-nbclient"
	finish
fi

G=$TMP/git
K=$TMP/kb
U=$K/content/usecases
R=$G/hostile
git_ init -q "$R"
cp "$EX"/forge.py "$EX"/peek.py "$EX"/hog.py "$EX"/gpu.sh "$R/"
commit "$R" one

cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
sed -i "s|^  url: .*|  url: $G/nowhere|" "$U/btagging.md"
mkdir -p "$TMP/dev"
for i in 0 1; do
	mknod "$TMP/dev/nvidia$i" c 195 "$i" && chmod 666 "$TMP/dev/nvidia$i"
done
{
	echo "runners:"
	echo "  memory: 300M"
	echo "  local: {jobs: 3, gpus: [$TMP/dev/nvidia0, $TMP/dev/nvidia1]}"
} >>"$K/content/site.yaml"
# What the curious job must not see.
mkdir -p "$K/site" && echo secret >"$K/site/index.html"
SECRET="$K/content/site.yaml:$K/.kbgen/data.mdb:$K/.kbgen:$K/site/index.html:$K:/home:/root:/srv:/work:/opt:$TMP"
mkuc "$U" forge "$R" forge.py "{timeout: 30s}"
mkuc "$U" peek "$R" peek.py "{timeout: 30s, env: {KB_PATHS: \"$SECRET\"}}"
mkuc "$U" hog "$R" hog.py "{timeout: 60s}"
mkuc "$U" gpu-a "$R" gpu.sh "{timeout: 30s, gpu: 1}"
mkuc "$U" gpu-b "$R" gpu.sh "{timeout: 30s, gpu: 1}"
mkuc "$U" gpu-c "$R" gpu.sh "{timeout: 30s, gpu: 1}"
mkuc "$U" gpu-many "$R" gpu.sh "{timeout: 30s, gpu: 3}"

kb -C "$K" sync >"$TMP/sync.out" 2>&1
rc sync $? 0 "$TMP/sync.out"
kb -C "$K" check forge peek hog gpu-a gpu-b gpu-c gpu-many \
    --json "$TMP/r.json" >"$TMP/c.out" 2>"$TMP/c.err"
rc check-exit-0 $? 0 "$TMP/c.err"
newest() { ls -d "$K/.kbgen/runs/$1"/*/ 2>/dev/null | sort | tail -1; }
log() { cat "$(newest "$1")work/output.log" 2>/dev/null; }
r() { js "$TMP/r.json" "by('$1')$2"; }

# Forged results do not count.
expect forge-status "$(r forge '["status"]')" fail "$TMP/c.err"
expect forge-exit "$(r forge '["exit_code"]')" 3
log forge >"$TMP/forge.log"
hasnt forge-no-channel "$TMP/forge.log" "FORGED"
has forge-tried "$TMP/forge.log" "blocked /run/kbgen/result.json"
expect forge-kbgen-result "$(js "$(newest forge)result.json" 'd["status"]')" fail

# Nothing of the machine is seen.
log peek >"$TMP/peek.log"
hasnt peek-sees-nothing "$TMP/peek.log" "SEEN"
has peek-root-listed "$TMP/peek.log" "ROOT ["
root=$(grep '^ROOT ' "$TMP/peek.log")
for name in home root srv work opt var mnt; do
	case "$root" in
	*"'$name'"*) fail "peek-no-/$name" "$root" ;;
	*) ok "peek-no-/$name" ;;
	esac
done
expect peek-passes "$(r peek '["status"]')" pass "$TMP/c.err"

# The default memory limit applies and its breach is named.
expect hog-status "$(r hog '["status"]')" fail "$TMP/c.err"
expect hog-reason "$(r hog '.get("reason")')" memory "$TMP/c.err"
log hog >"$TMP/hog.log"
hasnt hog-stopped "$TMP/hog.log" "survived"

# GPUs: bound as /dev/nvidiaN, one job each, never shared.
for s in gpu-a gpu-b gpu-c; do
	log $s >"$TMP/$s.log"
	expect "$s-status" "$(r $s '["status"]')" pass "$TMP/c.err"
	has "$s-cvd" "$TMP/$s.log" "CVD 0"
	n=$(grep '^DEVS' "$TMP/$s.log" | wc -w)
	expect "$s-one-device" "$n" 2 "$TMP/$s.log"
	expect "$s-recorded" "$(r $s '["gpus"]["devices"].__len__()')" 1
done
/usr/bin/python3 - "$TMP" <<'PYEOF' >"$TMP/overlap.out" 2>&1
import sys, itertools
spans = {}
for s in ("gpu-a", "gpu-b", "gpu-c"):
    t = dict(l.rstrip("\n").split(" ", 1)
             for l in open("%s/%s.log" % (sys.argv[1], s))
             if l.split(" ", 1)[0] in ("START", "END", "DEVS"))
    spans[s] = (float(t["START"]), float(t["END"]), t["DEVS"].strip())
pairs = list(itertools.combinations(spans, 2))
def overlap(a, b):
    return spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1]
bad = [p for p in pairs if spans[p[0]][2] == spans[p[1]][2] and overlap(*p)]
print("SHARED" if bad else "EXCLUSIVE",
      "CONCURRENT" if any(overlap(*p) for p in pairs) else "SERIAL")
PYEOF
has gpu-never-shared "$TMP/overlap.out" "EXCLUSIVE"
has gpu-jobs-ran-together "$TMP/overlap.out" "CONCURRENT"
expect gpu-many-status "$(r gpu-many '["status"]')" error
expect gpu-many-reason "$(r gpu-many '.get("reason")')" environment
has gpu-many-message "$TMP/r.json" "run.gpu asks for 3 GPUs; the local runner has 2"
if [ -f "$(newest gpu-many)work/output.log" ]; then
	fail gpu-many-not-started "the job ran"
else ok gpu-many-not-started; fi

finish
