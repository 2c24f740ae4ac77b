#!/bin/sh
# Environments, requirements, kernels and declared data, end to end with
# real components: the test image (a Debian root file system built by
# mmdebstrap with python3, nbclient, ipykernel, numpy, pip and tabulate,
# a module the host does not have; tests/image/build.sh caches it) used
# as rootfs: tar, as rootfs: folder and, pushed with skopeo to Debian's
# docker-registry on 127.0.0.1, as docker://…@sha256:…; a PEP 503 package
# index on 127.0.0.1 serving a wheel made here, for requirements; a data
# server on 127.0.0.1 (good file, wrong sha256, 404).  Also: the cache
# key follows the environment's packages, a cached re-check runs nothing,
# and a failed image leaves the cached ones alone.
# Needs root, bwrap, python3-nbclient, skopeo, umoci, docker-registry and
# mmdebstrap (the first build of the image takes about 2.5 minutes): a
# missing piece is a failure, not a pass.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
NB=$PWD/tests/fixtures/notebooks
FIX=$PWD/tests/fixtures/kb
TMP=$(mktemp -d)
chmod 755 "$TMP"
. "$PWD/tests/lib.sh"
PIDS=''
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done
    sh "$TOP/tests/image/registry.sh" stop "$TMP/reg" >/dev/null 2>&1
    [ -n "$KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TZ=UTC LC_ALL=C HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
kb() { timeout 600 "$KBGEN" "$@"; }
PY=/usr/bin/python3

for t in bwrap skopeo umoci docker-registry mmdebstrap; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
if [ "$(id -u)" -ne 0 ] || [ -n "$missing" ] ||
    ! $PY -c 'import nbclient, ipykernel' 2>/dev/null; then
	fail prerequisites "needs root, python3-nbclient and:$missing"
	finish
fi
IMG=$(sh tests/image/build.sh 2>"$TMP/image.err")
if [ ! -s "$IMG" ]; then
	fail test-image "tests/image/build.sh made no image" "$TMP/image.err"
	finish
fi
ok test-image

# serve DIR NAME: a static HTTP server on 127.0.0.1; its port in $NAME
serve() {
	$PY - "$1" "$TMP/$2.port" <<'PYEOF' >"$TMP/$2.log" 2>&1 &
import functools, http.server, os, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler,
                      directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
PYEOF
	PIDS="$PIDS $!"
	i=0
	while [ ! -f "$TMP/$2.port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	eval "$2=\$(cat \"\$TMP/\$2.port\")"
}

# --- the package index: one wheel, made here ---------------------------
mkdir -p "$TMP/index/simple/kbgenpkg"
$PY - "$TMP/index/simple/kbgenpkg/kbgenpkg-1.0-py3-none-any.whl" <<'PYEOF'
import base64, hashlib, sys, zipfile
files = {
    "kbgenpkg/__init__.py": "VALUE = 42\n",
    "kbgenpkg-1.0.dist-info/METADATA":
        "Metadata-Version: 2.1\nName: kbgenpkg\nVersion: 1.0\n",
    "kbgenpkg-1.0.dist-info/WHEEL":
        "Wheel-Version: 1.0\nGenerator: kbgen-tests\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for name, text in files.items():
    d = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest())
    record.append("%s,sha256=%s,%d" % (name, d.rstrip(b"=").decode(),
                                       len(text)))
record.append("kbgenpkg-1.0.dist-info/RECORD,,")
files["kbgenpkg-1.0.dist-info/RECORD"] = "\n".join(record) + "\n"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, text in files.items():
        z.writestr(name, text)
PYEOF
serve "$TMP/index" IDX

# --- the data server ---------------------------------------------------
mkdir -p "$TMP/files"
head -c 100000 /dev/urandom >"$TMP/files/good.bin"
GOOD=$(sha256sum "$TMP/files/good.bin" | cut -d' ' -f1)
BAD=$(printf '%064d' 0)
ONES=$(printf '%064d' 1 | tr 0 1)
serve "$TMP/files" DAT

# --- the registry, and the image pushed to it -------------------------
REGPORT=$(sh tests/image/registry.sh start "$TMP/reg" 2>"$TMP/reg.err")
umoci init --layout "$TMP/oci" >"$TMP/umoci.out" 2>&1 &&
    umoci new --image "$TMP/oci:test" >>"$TMP/umoci.out" 2>&1 &&
    umoci raw add-layer --image "$TMP/oci:test" "$IMG" >>"$TMP/umoci.out" 2>&1 &&
    umoci config --image "$TMP/oci:test" --config.env KBGEN_IMAGE_VAR=from-image \
    >>"$TMP/umoci.out" 2>&1 &&
    skopeo copy --dest-tls-verify=false "oci:$TMP/oci:test" \
    "docker://127.0.0.1:$REGPORT/kbgen/test:1" >>"$TMP/umoci.out" 2>&1
rc pushed $? 0 "$TMP/umoci.out"
DIGEST=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' \
    "docker://127.0.0.1:$REGPORT/kbgen/test:1" 2>>"$TMP/umoci.out")
case $DIGEST in sha256:*) ok registry-digest ;;
*) fail registry-digest "no digest: $DIGEST" "$TMP/umoci.out" ;; esac

# A folder root: the test image, unpacked here.
mkdir -p "$TMP/rootdir"
tar -xf "$IMG" -C "$TMP/rootdir" 2>"$TMP/untar.err"
rc untar $? 0 "$TMP/untar.err"

# --- the repository ----------------------------------------------------
G=$TMP/git
R=$G/ex
git_ init -q "$R"
mkdir -p "$R/tab" "$R/req" "$R/dat" "$R/conda"
cat >"$R/tab/tab.py" <<'EOF'
import os, tabulate
print(tabulate.tabulate([[1, 2]]))
print("image variable:", os.environ.get("KBGEN_IMAGE_VAR", "unset"))
EOF
cat >"$R/req/req.py" <<'EOF'
import kbgenpkg
assert kbgenpkg.VALUE == 42
print("kbgenpkg", kbgenpkg.VALUE)
EOF
echo "kbgenpkg==1.0" >"$R/req/requirements.txt"
cat >"$R/dat/dat.py" <<'EOF'
import hashlib, os
# Declared paths are relative to the example's folder.
os.chdir(os.path.dirname(os.path.abspath(__file__)))
a = open("data/good.bin", "rb").read()
b = open(os.path.join(os.environ["KBGEN_DATA"], "good.bin"), "rb").read()
assert a == b
print("data", hashlib.sha256(a).hexdigest())
try:
    open("data/good.bin", "ab")
    print("WRITABLE")
except OSError:
    print("read-only")
EOF
cp "$NB/ok.py" "$R/conda/ok.py"
printf 'name: x\ndependencies: [numpy]\n' >"$R/conda/environment.yml"
$PY - "$R/py2kernel.ipynb" <<'PYEOF'
import json, sys
nb = {"nbformat": 4, "nbformat_minor": 5,
      "metadata": {"kernelspec": {"name": "python2", "display_name": "Python 2",
                                  "language": "python"}},
      "cells": [{"cell_type": "code", "id": "c1", "metadata": {},
                 "execution_count": None, "outputs": [],
                 "source": "import sys\nprint(sys.version_info[0])"}]}
json.dump(nb, open(sys.argv[1], "w"))
PYEOF
# One real example per remaining reason.
mkdir -p "$R/why"
printf 'import urllib.request, os\nurllib.request.urlopen("http://127.0.0.1:%s/good.bin", timeout=5).read()\n' "$DAT" >"$R/why/net.py"
printf 'import os, signal\nprint("bye", flush=True)\nos.kill(os.getpid(), signal.SIGKILL)\n' >"$R/why/killed.py"
printf 'raise ValueError("bad value")\n' >"$R/why/exc.py"
printf 'import time\ntime.sleep(60)\n' >"$R/why/slow.py"
printf 'x = []\nwhile True:\n    x.append(bytearray(10 << 20))\n' >"$R/why/hog.py"
printf 'print("ok")\n' >"$R/why/ok.py"
$PY - "$R/why" <<'PYEOF'
import json, sys
def nb(cells):
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3",
                                        "display_name": "Python 3",
                                        "language": "python"}},
            "cells": cells}
def code(i, src):
    return {"cell_type": "code", "id": "c%d" % i, "metadata": {},
            "execution_count": None, "outputs": [], "source": src}
md = {"cell_type": "markdown", "id": "m1", "metadata": {},
      "source": "# Only words here"}
json.dump(nb([md]), open(sys.argv[1] + "/nocode.ipynb", "w"))
json.dump(nb([code(1, 'print "hello"')]), open(sys.argv[1] + "/py2.ipynb", "w"))
json.dump(nb([code(1, "!false"), code(2, "import numpy"),
              code(3, "raise RuntimeError('later')")]),
          open(sys.argv[1] + "/shell.ipynb", "w"))
PYEOF
commit "$R" one

# --- the knowledge base --------------------------------------------------
K=$TMP/kb
U=$K/content/usecases
cp -r "$FIX" "$K"
rm -rf "$K/site" "$K/.kbgen"
sed -i "s|^  url: .*|  url: $G/nowhere|" "$U/btagging.md"
cat >>"$K/content/site.yaml" <<EOF
environments:
  deb: {image: "rootfs:$IMG", kernel: python3}
  debdir: {image: "rootfs:$TMP/rootdir"}
  reg: {image: "docker://127.0.0.1:$REGPORT/kbgen/test@$DIGEST"}
  regtag: {image: "docker://127.0.0.1:$REGPORT/kbgen/test:1"}
  gone: {image: "docker://127.0.0.1:$REGPORT/kbgen/nothing:1"}
runners:
  pip_index: http://127.0.0.1:$IDX/simple/
  local: {jobs: 2}
EOF
mkuc "$U" tab-host "$R" tab/tab.py "{timeout: 60s}"
mkuc "$U" tab-deb "$R" tab/tab.py "{timeout: 60s, environment: deb}"
mkuc "$U" tab-deb2 "$R" tab/tab.py "{timeout: 60s, environment: deb, env: {X: \"2\"}}"
mkuc "$U" tab-dir "$R" tab/tab.py "{timeout: 60s, environment: debdir}"
mkuc "$U" tab-reg "$R" tab/tab.py "{timeout: 60s, environment: reg}"
mkuc "$U" tab-regtag "$R" tab/tab.py "{timeout: 60s, environment: regtag}"
mkuc "$U" tab-gone "$R" tab/tab.py "{timeout: 60s, environment: gone}"
mkuc "$U" req-deb "$R" req/req.py "{timeout: 120s, environment: deb}"
mkuc "$U" req-none "$R" req/req.py "{timeout: 60s, environment: deb, requirements: none}"
mkuc "$U" conda "$R" conda/ok.py "{timeout: 60s}"
mkuc "$U" data-ok "$R" dat/dat.py "{timeout: 60s, data: [{url: \"http://127.0.0.1:$DAT/good.bin\", sha256: $GOOD, path: data/good.bin}, {url: \"http://127.0.0.1:$DAT/good.bin\", sha256: $GOOD}]}"
mkuc "$U" data-bad "$R" dat/dat.py "{timeout: 60s, data: [{url: \"http://127.0.0.1:$DAT/good.bin\", sha256: $BAD, path: data/good.bin}]}"
mkuc "$U" data-404 "$R" dat/dat.py "{timeout: 60s, data: [{url: \"http://127.0.0.1:$DAT/none.bin\", sha256: $ONES, path: data/good.bin}]}"
mkuc "$U" py2k "$R" py2kernel.ipynb "{timeout: 60s}"
mkuc "$U" badkernel "$R" py2kernel.ipynb "{timeout: 60s, kernel: nope}"
mkuc "$U" why-network "$R" why/net.py "{timeout: 60s, requirements: none}"
mkuc "$U" why-syntax "$R" why/py2.ipynb "{timeout: 60s, requirements: none}"
mkuc "$U" why-killed "$R" why/killed.py "{timeout: 60s, requirements: none}"
mkuc "$U" why-setup "$R" why/ok.py "{timeout: 60s, requirements: none, setup: [\"exit 4\"]}"
mkuc "$U" why-no-code "$R" why/nocode.ipynb "{timeout: 60s, requirements: none}"
mkuc "$U" why-exception "$R" why/exc.py "{timeout: 60s, requirements: none}"
mkuc "$U" why-timeout "$R" why/slow.py "{timeout: 3s, requirements: none}"
mkuc "$U" why-memory "$R" why/hog.py "{timeout: 60s, memory: 200M, requirements: none}"
mkuc "$U" why-shell "$R" why/shell.ipynb "{timeout: 60s, requirements: none}"

kb -C "$K" lint >"$TMP/lint.out" 2>&1
rc lint $? 0 "$TMP/lint.out"
kb -C "$K" sync >"$TMP/sync.out" 2>&1
rc sync $? 0 "$TMP/sync.out"
WHY="why-network why-syntax why-killed why-setup why-no-code why-exception why-timeout why-memory why-shell"
ALL="tab-host tab-deb tab-deb2 tab-dir tab-reg tab-regtag tab-gone req-deb req-none conda data-ok data-bad data-404 py2k badkernel $WHY"
kb -C "$K" check $ALL --json "$TMP/r1.json" >"$TMP/c1.out" 2>"$TMP/c1.err"
rc check-1 $? 0 "$TMP/c1.err"
r() { js "$TMP/r1.json" "by('$1')$2"; }
newest() { ls -d "$K/.kbgen/runs/$1"/*/ 2>/dev/null | sort | tail -1; }
log() { cat "$(newest "$1")work/output.log" 2>/dev/null; }

# Images: the module the host lacks is there, whichever transport.
expect host-missing-module "$(r tab-host '["status"], by("tab-host").get("reason")')" \
    "('fail', 'missing-module')" "$TMP/c1.err"
has host-missing-names-it "$TMP/r1.json" "tabulate"
for s in tab-deb tab-deb2 tab-dir tab-reg tab-regtag; do
	expect "$s-pass" "$(r $s '["status"]')" pass "$TMP/c1.err"
done
expect reg-digest "$(r tab-reg '["environment"]["digest"]')" "$DIGEST"
# The image's own variables (its OCI config) reach the job.
log tab-reg >"$TMP/tabreg.log"
has image-env-var "$TMP/tabreg.log" "image variable: from-image"
expect regtag-digest "$(r tab-regtag '["environment"]["digest"]')" "$DIGEST"
expect deb-name "$(r tab-deb '["environment"]["name"]')" deb
n=$(ls -d "$K/.kbgen/images"/*/ 2>/dev/null | wc -l)
[ "$n" -ge 1 ] && ok images-unpacked || fail images-unpacked "nothing under .kbgen/images"
expect gone-status "$(r tab-gone '["status"], by("tab-gone").get("reason")')" \
    "('error', 'environment')" "$TMP/c1.err"
has gone-tool-message "$TMP/r1.json" "kbgen/nothing"

# Requirements: installed once into a venv from the local index.
expect req-pass "$(r req-deb '["status"]')" pass "$TMP/c1.err"
log req-deb >"$TMP/req.log"
has req-imported "$TMP/req.log" "kbgenpkg 42"
expect req-none-missing "$(r req-none '.get("reason")')" missing-module
expect conda-refused "$(r conda '["status"], by("conda").get("reason")')" \
    "('error', 'environment')"
has conda-message "$TMP/r1.json" "conda"

# Data: fetched by kbgen, checked, read-only, at path and in KBGEN_DATA.
expect data-pass "$(r data-ok '["status"]')" pass "$TMP/c1.err"
log data-ok >"$TMP/data.log"
has data-content "$TMP/data.log" "data $GOOD"
has data-read-only "$TMP/data.log" "read-only"
expect data-bad "$(r data-bad '["status"], by("data-bad").get("reason")')" "('error', 'data')"
has data-bad-names-hash "$TMP/r1.json" "sha256 mismatch"
expect data-404 "$(r data-404 '["status"], by("data-404").get("reason")')" "('error', 'data')"
has data-404-message "$TMP/r1.json" "HTTP 404"

# Kernels: a kernel that does not exist here falls back with a note; a
# declared one that does not exist is an error.
expect py2k-pass "$(r py2k '["status"]')" pass "$TMP/c1.err"
has py2k-why "$TMP/r1.json" "python2"
expect badkernel "$(r badkernel '["status"], by("badkernel").get("reason")')" "('error', 'kernel')"

# A cached re-check runs nothing; the data cost no download.
kb -C "$K" check $ALL --json "$TMP/r2.json" >"$TMP/c2.out" 2>"$TMP/c2.err"
rc check-2 $? 0 "$TMP/c2.err"
has all-cached "$TMP/c2.err" "0 passed, 0 failed, 0 interrupted, 24 cached"

# A package added to an environment invalidates its results.
mkdir -p "$TMP/rootdir/usr/lib/python3/dist-packages/kbgenfake-1.0.dist-info"
kb -C "$K" check tab-dir tab-deb --json "$TMP/r3.json" >"$TMP/c3.out" 2>"$TMP/c3.err"
expect key-follows-packages "$(js "$TMP/r3.json" 'by("tab-dir")["cached"]')" False "$TMP/c3.err"
expect key-other-env-cached "$(js "$TMP/r3.json" 'by("tab-deb")["cached"]')" True "$TMP/c3.err"

# Every reason, from a real example, in the record, in kbgen status
# --json and on the page (label and message).
kb -C "$K" status --json >"$TMP/s.json" 2>"$TMP/s.err"
kb -C "$K" build >"$TMP/b.out" 2>&1
rc build $? 0 "$TMP/b.out"
for c in "why-network fail network network 127.0.0.1:$DAT" \
    "why-syntax fail syntax syntax Python 2 code" \
    "why-killed fail killed killed signal 9" \
    "why-setup error setup setup setup command 1 failed" \
    "why-no-code error no-code no&#32;code has no code cells" \
    "why-exception fail exception exception ValueError" \
    "why-timeout timeout timeout timeout timeout of 3" \
    "why-memory fail memory out&#32;of&#32;memory memory limit of 200 MiB" \
    "tab-host fail missing-module missing&#32;module tabulate" \
    "data-bad error data data sha256 mismatch" \
    "badkernel error kernel kernel nope" \
    "conda error environment environment conda"; do
	set -- $c
	slug=$1 want_st=$2 want=$3 label=$(echo "$4" | sed 's/&#32;/ /g')
	shift 4
	text="$*"
	expect "reason-$want-status" "$(js "$TMP/s.json" "by('$slug')['status'], by('$slug').get('reason')")" "('$want_st', '$want')"
	m=$(js "$TMP/s.json" "by('$slug').get('message')")
	case "$m" in
	*"$text"*) ok "reason-$want-message" ;;
	*) fail "reason-$want-message" "message [$m] lacks [$text]" ;;
	esac
	has "reason-$want-page" "$K/site/usecases/$slug/index.html" "class=\"reason\">$label</strong>"
done
# A shell command that failed before the failing cell: a warning, named
# next to the failure.
expect shell-warning "$(js "$TMP/s.json" 'len(by("why-shell")["warnings"])')" 1
m=$(js "$TMP/s.json" 'by("why-shell")["message"]')
case "$m" in
*"earlier cell's command failed"*false*) ok shell-warning-in-message ;;
*) fail shell-warning-in-message "message [$m]" ;;
esac
has shell-warning-page "$K/site/usecases/why-shell/index.html" "false"
# no-code is grey, never passing.
hasnt no-code-not-passing "$K/site/badges/why-no-code.svg" "passing"

# Status and page say why.
kb -C "$K" status --json >"$TMP/s.json" 2>"$TMP/s.err"
expect status-json-reason "$(js "$TMP/s.json" 'by("data-bad").get("reason")')" data
kb -C "$K" build >"$TMP/b.out" 2>&1
rc build $? 0 "$TMP/b.out"
has page-reason "$K/site/usecases/tab-host/index.html" 'class="reason">missing module'
has page-message "$K/site/usecases/tab-host/index.html" "No module named &#39;tabulate&#39;"

finish
