#!/bin/sh
# The outputs kbgen check keeps of each run (check/keep.c), end to end
# with the real local runner (bubblewrap) and the real job driver:
# a notebook's executed notebook (with its outputs, not the committed
# one), a script's output log and the images it wrote under
# $KBGEN_OUTPUT (PNG, JPEG without an extension, SVG in a subfolder);
# refused: a link to /etc/passwd, a text file named .png, an image over
# outputs.max_image, a FIFO, an output folder the job replaced with a
# link; the run record's "outputs", kbgen status --json's kept_outputs
# (kb_attach_outputs), "passing" kept through a failing run, job
# pruning (check.keep_jobs) leaving the store alone, and check --prune
# removing only what no kept manifest reaches; the test tool putout
# (the same keeping without a runner).  Needs bwrap and
# python3-nbclient; without them every case is skipped.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
: "${TZ:=UTC}" "${LC_ALL:=C}"
export TZ LC_ALL
TMP=$(mktemp -d)
chmod 755 "$TMP"
trap '[ -n "$OUTPUTS_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

PY=/usr/bin/python3
mkdir -p "$TMP/home"
HOME=$TMP/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY KBGEN_GIT_TOKEN GIT_DIR GIT_WORK_TREE 2>/dev/null
G=$TMP/git
K=$TMP/kb
U=$K/content/usecases
SY=$K/content/site.yaml
O=$K/.kbgen/outputs/sha256

. "$PWD/tests/lib.sh"
kb() { timeout 120 "$KBGEN" "$@"; }
status_json() { kb -C "$K" status --json >"$TMP/$1.json" 2>"$TMP/$1.err"; }
# blob REF: the path of a kept blob
blob() { h=${1#sha256:}; echo "$O/$(echo "$h" | cut -c1-2)/$h"; }
# kept FILE SLUG KEY: the ref status --json gives for SLUG's kept KEY
kept() { js "$1" "(by('$2').get('kept_outputs') or {}).get('$3')"; }
# man REF EXPR: EXPR over m, the manifest REF
man() {
	"$PY" - "$(blob "$1")" "$2" <<'EOF' 2>&1
import json, sys
m = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
EOF
}

if [ ! -x /usr/bin/bwrap ] || ! "$PY" -c 'import nbclient, ipykernel' \
    2>/dev/null || ! /usr/bin/bwrap --ro-bind / / --unshare-all true \
    2>/dev/null; then
	skip outputs "no usable bubblewrap or python3-nbclient here"
	finish
fi

# --- the repository --------------------------------------------------

R=$G/ex
git_ init -q "$R"
# png.py: a small PNG, the same bytes every time (also run on the host).
cat >"$R/png.py" <<'EOF'
import struct, zlib
def png(w, h, rgb=b"\xff\x00\x00"):
    raw = b"".join(b"\x00" + rgb * w for _ in range(h))
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
EOF
cat >"$R/plot.py" <<'EOF'
import os
from png import png
out = os.environ["KBGEN_OUTPUT"]
open(os.path.join(out, "roc.png"), "wb").write(png(4, 3))
open(os.path.join(out, "photo"), "wb").write(b"\xff\xd8\xff\xe0" + b"J" * 60)
os.mkdir(os.path.join(out, "sub"))
open(os.path.join(out, "sub", "fig.svg"), "w").write(
    '<?xml version="1.0"?>\n<!-- a figure -->\n'
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
open(os.path.join(out, "fake.png"), "w").write("not a PNG at all\n")
open(os.path.join(out, "big.png"), "wb").write(png(1, 1) + b"\0" * (2 << 20))
open(os.path.join(out, "notes.csv"), "w").write("a,b\n1,2\n")
os.symlink("/etc/passwd", os.path.join(out, "leak.png"))
os.mkfifo(os.path.join(out, "pipe.png"))
print("AUC 0.91")
EOF
cat >"$R/swap.py" <<'EOF'
import os
from png import png
out = os.environ["KBGEN_OUTPUT"]
os.rmdir(out)
os.mkdir(out + ".real")
open(os.path.join(out + ".real", "roc.png"), "wb").write(png(2, 2))
os.symlink(out + ".real", out)
EOF
cat >"$R/flip.py" <<'EOF'
import os, sys
from png import png
mode = os.environ.get("MODE", "pass")
colour = {"pass": b"\x00\xff\x00"}.get(mode, b"\x00\x00\xff")
open(os.path.join(os.environ["KBGEN_OUTPUT"], "state.png"), "wb").write(
    png(2, 2, colour))
print("mode", mode)
sys.exit(0 if mode == "pass" else 1)
EOF
"$PY" - "$R/nb.ipynb" <<'EOF'
import json, sys
cells = [
    {"cell_type": "markdown", "metadata": {}, "source": "# ROC"},
    {"cell_type": "code", "execution_count": None, "metadata": {},
     "outputs": [], "source": "print('AUC', 0.91)"},
    {"cell_type": "code", "execution_count": None, "metadata": {},
     "outputs": [], "source":
     "import os\nfrom png import png\n"
     "open(os.path.join(os.environ['KBGEN_OUTPUT'], 'nb.png'), 'wb')"
     ".write(png(3, 3))\n6 * 7"},
]
json.dump({"cells": cells, "metadata": {"kernelspec": {"name": "python3",
    "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 4}, open(sys.argv[1], "w"), indent=1)
EOF
commit "$R" one

cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
cat >>"$SY" <<'EOF'
check:
  keep_jobs: 1
outputs:
  max_image: 1M
EOF
mkuc "$U" uc-nb "$R" nb.ipynb "{timeout: 60s}"
mkuc "$U" uc-plot "$R" plot.py "{timeout: 30s}"
mkuc "$U" uc-swap "$R" swap.py "{timeout: 30s}"
mkuc "$U" uc-flip "$R" flip.py "{timeout: 30s, env: {MODE: pass}}"

kb -C "$K" sync >"$TMP/sync.out" 2>"$TMP/sync.err"
rc sync $? 0 "$TMP/sync.err"
kb -C "$K" lint >"$TMP/lint.out" 2>&1
rc lint-outputs-section $? 0 "$TMP/lint.out"

# --- the first check -------------------------------------------------

kb -C "$K" check uc-nb uc-plot uc-swap uc-flip >"$TMP/c1.out" \
    2>"$TMP/c1.err"
rc first-check $? 0 "$TMP/c1.err"
status_json s1
expect status-nb "$(js "$TMP/s1.json" 'by("uc-nb")["status"]')" pass \
    "$TMP/c1.err"

# A notebook: its executed notebook, with outputs.
NBL=$(kept "$TMP/s1.json" uc-nb last)
NBP=$(kept "$TMP/s1.json" uc-nb passing)
case $NBL in sha256:????????????????????????????????????????????????????????????????)
	ok nb-last-ref ;; *) fail nb-last-ref "got [$NBL]" "$TMP/s1.json" ;; esac
expect nb-passing-is-last "$NBP" "$NBL"
expect nb-record-outputs "$(js "$TMP/s1.json" 'by("uc-nb").get("outputs")')" \
    "$NBL"
if [ -f "$(blob "$NBL")" ]; then ok nb-manifest-stored
else fail nb-manifest-stored "no $(blob "$NBL")"; fi
expect nb-manifest-kind "$(man "$NBL" 'm["kind"]')" notebook
expect nb-manifest-status "$(man "$NBL" 'm["status"]')" pass
expect nb-manifest-runner "$(man "$NBL" 'm["runner"]')" local
expect nb-manifest-gpu "$(man "$NBL" 'm["gpu"]')" None
expect nb-manifest-date "$(man "$NBL" 'm["date"] == m["date"][:10] + "T" + m["date"][11:19] + "Z"')" True
NBREF=$(man "$NBL" 'm["notebook"]["ref"]')
NBF=$(blob "$NBREF")
has nb-executed-output "$NBF" "AUC 0.91"
has nb-executed-count "$NBF" '"execution_count": 2'
expect nb-size "$(man "$NBL" 'm["notebook"]["size"]')" "$(wc -c <"$NBF" | tr -d ' ')"
expect nb-blob-is-hash "sha256:$(sha256sum "$NBF" | cut -c1-64)" "$NBREF"
hasnt nb-not-committed "$R/nb.ipynb" "AUC 0.91"
expect nb-images "$(man "$NBL" '[i["name"] for i in m["images"]]')" "['nb.png']"

# A script: its log and images.
PL=$(kept "$TMP/s1.json" uc-plot last)
expect plot-kind "$(man "$PL" 'm["kind"]')" files
expect plot-notebook "$(man "$PL" 'm["notebook"]')" None
has plot-log "$(blob "$(man "$PL" 'm["log"]["ref"]')")" "AUC 0.91"
expect plot-images "$(man "$PL" '[(i["name"], i["type"]) for i in m["images"]]')" \
    "[('photo', 'image/jpeg'), ('roc.png', 'image/png'), ('sub/fig.svg', 'image/svg+xml')]"
mkdir -p "$TMP/hostout"
(cd "$R" && KBGEN_OUTPUT=$TMP/hostout "$PY" -c \
    'import os; from png import png; open(os.environ["KBGEN_OUTPUT"] + "/roc.png", "wb").write(png(4, 3))')
ROC=$(man "$PL" '[i["ref"] for i in m["images"] if i["name"] == "roc.png"][0]')
expect plot-png-bytes "$ROC" "sha256:$(sha256sum "$TMP/hostout/roc.png" | cut -c1-64)"
if cmp -s "$(blob "$ROC")" "$TMP/hostout/roc.png"; then ok plot-png-stored
else fail plot-png-stored "the blob differs"; fi
has plot-link-refused "$TMP/c1.err" "uc-plot: output leak.png is a link, not followed"
has plot-fake-refused "$TMP/c1.err" "uc-plot: output fake.png is not the image its name says"
has plot-big-skipped "$TMP/c1.err" "uc-plot: output big.png is"
has plot-big-why "$TMP/c1.err" "over outputs.max_image"
has plot-fifo-refused "$TMP/c1.err" "uc-plot: output pipe.png is not a regular file"
hasnt plot-csv-silent "$TMP/c1.err" "notes.csv"
if grep -rqs "^root:" "$O"; then fail plot-no-passwd "a blob holds /etc/passwd"
else ok plot-no-passwd; fi
expect plot-passes "$(js "$TMP/s1.json" 'by("uc-plot")["status"]')" pass

# A job that replaced its output folder by a link.
SW=$(kept "$TMP/s1.json" uc-swap last)
expect swap-no-images "$(man "$SW" 'm["images"]')" "[]"
has swap-warned "$TMP/c1.err" "uc-swap: the output folder was replaced"

# --- passing kept through a failing run ------------------------------

FP1=$(kept "$TMP/s1.json" uc-flip passing)
expect flip-first-pass "$(man "$FP1" 'm["status"]')" pass
FJOB1=$(ls -d "$K/.kbgen/runs/uc-flip"/*/ | head -1)
sed -i 's/MODE: pass/MODE: fail/' "$U/uc-flip.md"
sleep 1
kb -C "$K" check uc-flip >"$TMP/c2.out" 2>"$TMP/c2.err"
status_json s2
expect flip-fails "$(js "$TMP/s2.json" 'by("uc-flip")["status"]')" fail \
    "$TMP/c2.err"
FL2=$(kept "$TMP/s2.json" uc-flip last)
expect flip-passing-kept "$(kept "$TMP/s2.json" uc-flip passing)" "$FP1"
if [ "$FL2" != "$FP1" ] && [ "$(man "$FL2" 'm["status"]')" = fail ]; then
	ok flip-last-is-failing
else fail flip-last-is-failing "last [$FL2] passing [$FP1]"; fi
# keep_jobs: 1 pruned the passing run's job folder, not its outputs.
if [ ! -d "$FJOB1" ]; then ok job-pruned
else fail job-pruned "$FJOB1 still there"; fi
missing=0
for r in "$FP1" $(man "$FP1" '" ".join([m["log"]["ref"]] + [i["ref"] for i in m["images"]])'); do
	[ -f "$(blob "$r")" ] || missing=$((missing + 1))
done
expect job-pruning-keeps-outputs "$missing" 0

# A passing run again: the one before becomes previous_passing.
sed -i 's/MODE: fail/MODE: pass/' "$U/uc-flip.md"
sleep 1
kb -C "$K" check uc-flip >"$TMP/c3.out" 2>"$TMP/c3.err"
status_json s3
FP3=$(kept "$TMP/s3.json" uc-flip passing)
expect flip-previous-passing "$(kept "$TMP/s3.json" uc-flip previous_passing)" "$FP1"
expect flip-last-is-passing "$(kept "$TMP/s3.json" uc-flip last)" "$FP3"

# --- check --prune ---------------------------------------------------

# The failing run's manifest and its own image are reached by nothing now.
FAILIMG=$(man "$FL2" '[i["ref"] for i in m["images"]][0]')
mkdir -p "$O/ab"
ORPHAN=$O/ab/ab$(printf '%062d' 0)
echo orphan >"$ORPHAN"
before=$(find "$O" -type f | wc -l)
kb -C "$K" check --prune >"$TMP/p.out" 2>"$TMP/p.err"
rc prune-exit $? 0 "$TMP/p.err"
after=$(find "$O" -type f | wc -l)
has prune-says "$TMP/p.err" "kept output files no use case uses"
has prune-freed "$TMP/p.err" "MiB freed"
if [ ! -e "$ORPHAN" ] && [ ! -e "$(blob "$FL2")" ] &&
    [ ! -e "$(blob "$FAILIMG")" ]; then ok prune-removes-unreachable
else fail prune-removes-unreachable "still there" "$TMP/p.err"; fi
missing=0
status_json s4
for s in uc-nb uc-plot uc-swap uc-flip; do
	for k in last passing previous_passing; do
		r=$(kept "$TMP/s4.json" "$s" "$k")
		[ "$r" = None ] && continue
		for x in "$r" $(man "$r" '" ".join(([m["notebook"]["ref"]] if m["notebook"] else []) + ([m["log"]["ref"]] if m["log"] else []) + [i["ref"] for i in m["images"]])'); do
			[ -f "$(blob "$x")" ] || missing=$((missing + 1))
		done
	done
done
expect prune-keeps-reachable "$missing" 0
n=$(grep -o 'removed [0-9]* kept' "$TMP/p.err" | grep -o '[0-9]*')
expect prune-count "$n" "$((before - after))" "$TMP/p.err"

# --- putout: the same keeping without a runner (for page tests) ------

PUTOUT=${PUTOUT:-$(dirname "$KBGEN")/putout}
[ -x "$PUTOUT" ] || PUTOUT=$PWD/.obj/putout
cp "$NBF" "$TMP/exec.ipynb"
cp "$TMP/hostout/roc.png" "$TMP/roc.png"
printf 'not a png' >"$TMP/bad.png"
"$PUTOUT" "$K" uc-put fail 1764000000 -n "$TMP/exec.ipynb" \
    "$TMP/roc.png" "$TMP/bad.png" >"$TMP/put.out" 2>"$TMP/put.err"
rc putout-exit $? 0 "$TMP/put.err"
PR=$(cat "$TMP/put.out")
expect putout-kind "$(man "$PR" 'm["kind"], m["status"], m["date"]')" \
    "('notebook', 'fail', '2025-11-24T16:00:00Z')"
expect putout-notebook "$(man "$PR" 'm["notebook"]["ref"]')" "$NBREF"
expect putout-images "$(man "$PR" '[i["name"] for i in m["images"]]')" \
    "['roc.png']"
has putout-warns "$TMP/put.err" "uc-put: output bad.png is not the image"
mkuc "$U" uc-put "$R" nb.ipynb
status_json s5
expect putout-last "$(kept "$TMP/s5.json" uc-put last)" "$PR"
expect putout-not-passing "$(kept "$TMP/s5.json" uc-put passing)" None
PG=$("$PUTOUT" "$K" uc-put pass 1764000100 -g "NVIDIA H200" -g "NVIDIA H200" \
    -l "$TMP/put.err" 2>&1)
expect putout-gpu "$(man "$PG" 'm["gpu"], m["kind"], m["log"]["size"] > 0')" \
    "('NVIDIA H200, NVIDIA H200', 'files', True)"

# --- the build reads them --------------------------------------------

kb -C "$K" build >"$TMP/b.out" 2>&1
rc build-with-outputs $? 0 "$TMP/b.out"

finish
