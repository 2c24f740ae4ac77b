#!/bin/sh
# The job driver (runners/driver.py) on its own: no kbgen.
# Each case makes a job folder with a fixture from tests/fixtures
# (notebooks/ for the basic cases, driver/ for the classified failures,
# the kernels, the shell commands and the result channel) in src/, runs
# the driver and checks its result against runners/README.md: from
# JOB/result.json, or from the file descriptor given with --result-fd.
# The notebook cases start a kernel each (1-3 s); the whole suite takes
# about a minute and a half.
#
# Variables:
#   PY    the Python that runs the driver (default /usr/bin/python3, which
#         has nbclient and ipykernel from Debian)
#   KEEP  set to 1 to keep the job folders (their path is printed)
#
# Some cases need what not every machine allows and say SKIP without
# it: bubblewrap (the /proc/DRIVER/fd check as root without
# capabilities, name resolution without a network), root (the same
# check as user 65534), a writable memory cgroup (a kernel killed by
# the OOM killer), python3 -m venv (the venv kernel).
PY=${PY:-/usr/bin/python3}
DRIVER=$PWD/runners/driver.py
FIX=$PWD/tests/fixtures
TMP=$(mktemp -d)
CGROUP=
cleanup() {
	[ -z "$CGROUP" ] || rmdir "$CGROUP" 2>/dev/null
	if [ "$KEEP" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$PWD/tests/lib.sh"

if ! $PY -c 'import nbclient, ipykernel' 2>/dev/null; then
	fail driver "$PY lacks nbclient or ipykernel: apt install python3-nbclient python3-ipykernel"
	finish
fi

# job NAME FILE JSON: a job folder $TMP/NAME with FILE (a fixture, a
# path under tests/fixtures, or nothing when empty) copied into src/ and
# named as the entry, and job.json from the defaults updated with the
# JSON object.
job() {
	mkdir -p "$TMP/$1/src"
	[ -z "$2" ] || cp -r "$FIX/$2" "$TMP/$1/src/"
	$PY - "$TMP/$1" "$1" "${2##*/}" "$3" <<'EOF'
import json, sys
d, slug, entry, extra = sys.argv[1:]
job = {"slug": slug, "workdir": "src", "entry": entry or None,
       "command": None, "setup": [], "timeout": 60, "cell_timeout": 30,
       "env": {}, "gpu": 0, "kernel": None, "env_kernel": None}
job.update(json.loads(extra or "{}"))
with open(d + "/job.json", "w") as f:
    json.dump(job, f)
EOF
}

# drive NAME [PYTHON-OPTION]: run the driver on job NAME; its exit
# status goes to NAME.rc, its stderr to NAME.err.
drive() {
	$PY $2 "$DRIVER" "$TMP/$1" 2>"$TMP/$1.err"
	echo $? >"$TMP/$1.rc"
}

# drive_fd NAME [COMMAND...]: the same with the result on fd 3 into
# NAME.fd, the driver run by COMMAND (a sandbox, another user) if given.
drive_fd() {
	name=$1
	shift
	"$@" $PY "$DRIVER" --result-fd 3 "$TMP/$name" 3>"$TMP/$name.fd" \
	    2>"$TMP/$name.err"
	echo $? >"$TMP/$name.rc"
}

# result NAME EXPR: the driver exited 0 and delivered a result with the
# README's keys (from NAME.fd when the job ran with --result-fd, else
# from JOB/result.json), and the Python expression EXPR is true.  EXPR
# sees r (the result), nb() (output.ipynb), log() (output.log), d (the
# job folder), tb() (the failed cell's traceback), outputs(i) and
# statuses().
result() {
	if [ "$(cat "$TMP/$1.rc")" != 0 ]; then
		fail "$1" "driver exited $(cat "$TMP/$1.rc")"
		sed 's/^/    /' "$TMP/$1.err"
		return
	fi
	if $PY - "$TMP/$1" "$2" <<'EOF'
import json, os, re, sys
d, expr = sys.argv[1:]
KEYS = {"status", "exit_code", "message", "failed_cell", "warnings",
        "kernel", "cells", "seconds", "peak_memory_mb", "gpus", "python",
        "packages", "host", "start", "end", "output_notebook"}
STATUS = {"missing-module": "fail", "network": "fail", "syntax": "fail",
          "memory": "fail", "killed": "fail", "exception": "fail",
          "timeout": "timeout", "data": "error", "kernel": "error",
          "environment": "error", "setup": "error", "no-code": "error"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
path = d + ".fd" if os.path.exists(d + ".fd") else d + "/result.json"
r = json.load(open(path))
def nb():
    return json.load(open(os.path.join(d, "output.ipynb")))
def log():
    return open(os.path.join(d, "output.log"), errors="replace").read()
def outputs(i):
    return json.dumps(nb()["cells"][i]["outputs"])
def statuses():
    return [c["status"] for c in r["cells"]]
def tb():
    return r["failed_cell"]["traceback"]
def why(*problems):
    for p in problems:
        if p:
            print("    basic: " + p)
    return not any(problems)
fc = r["failed_cell"]
basic = why(
    set(r) != KEYS | ({"reason"} if r["status"] != "pass" else set())
    and "keys %s" % sorted(set(r) ^ KEYS),
    not (TIME.match(r["start"]) and TIME.match(r["end"])) and "times",
    not isinstance(r["seconds"], (int, float)) and "seconds",
    not r["peak_memory_mb"] > 0 and "peak_memory_mb",
    r["python"].count(".") != 2 and "python",
    r["gpus"]["count"] != len(r["gpus"]["names"]) and "gpus",
    ("\n" in r["message"] or not r["message"]) and "message not one line",
    r["status"] not in ("pass", "interrupted") and
    STATUS.get(r.get("reason")) != r["status"] and "reason and status",
    r["status"] == "interrupted" and r.get("reason") != "killed" and
    "interrupted without reason killed",
    any(set(c) != {"index", "number", "seconds", "status"}
        for c in r["cells"]) and "cells keys",
    [c["number"] for c in r["cells"]] != list(range(1, len(r["cells"]) + 1))
    and "cell numbers",
    fc is not None and set(fc) != {"index", "number", "ename", "evalue",
                                   "traceback"} and "failed_cell keys",
    any(set(w) != {"cell", "command", "exit_code", "message"}
        for w in r["warnings"]) and "warnings keys",
    r["kernel"] is not None and set(r["kernel"]) != {"name", "why"} and
    "kernel keys",
    (d in r["message"] or d in json.dumps(fc) or
     d in json.dumps(r["warnings"])) and "the job folder's path is shown")
sys.exit(0 if basic and eval("(%s)" % expr) else 1)
EOF
	then
		ok "$1"
	else
		fail "$1" "$2"
		if [ -f "$TMP/$1.fd" ]; then
			sed 's/^/    /' "$TMP/$1.fd"
		else
			sed 's/^/    /' "$TMP/$1/result.json"
		fi
	fi
}

# The sandbox of the local runner, as root without capabilities.
sandbox() {
	bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp \
	    --bind "$TMP" "$TMP" --ro-bind "$(dirname "$DRIVER")" \
	    "$(dirname "$DRIVER")" --unshare-all --cap-drop ALL \
	    --die-with-parent "$@"
}
if command -v bwrap >/dev/null && sandbox true 2>/dev/null; then
	BWRAP=1
else
	BWRAP=
fi

# Notebooks.  The slow ones sleep 30 s: a time limit cut them when they
# end in under 25 s, a bound that holds on a loaded machine (10 s did not
# under make mutants beside other work).

job nb-pass notebooks/pass.ipynb ''
drive nb-pass
result nb-pass 'r["status"] == "pass" and r["exit_code"] is None and
    "reason" not in r and r["message"] == "2 code cells ran" and
    r["failed_cell"] is None and r["output_notebook"] == "output.ipynb" and
    [c["index"] for c in r["cells"]] == [1, 2] and statuses() == ["ok", "ok"]
    and [c["number"] for c in r["cells"]] == [1, 2] and r["warnings"] == []
    and all(0 <= c["seconds"] < 5 for c in r["cells"]) and
    "answer 42" in outputs(1) and "43" in outputs(2) and
    nb()["cells"][1]["execution_count"] == 1 and
    nb()["cells"][2]["execution_count"] == 2 and
    r["kernel"] == {"name": "python3",
                    "why": "the notebook asks for python3"}'

job nb-fail notebooks/fail.ipynb ''
drive nb-fail
result nb-fail 'r["status"] == "fail" and r["reason"] == "exception" and
    r["failed_cell"]["index"] == 1 and r["failed_cell"]["number"] == 2 and
    r["failed_cell"]["ename"] == "ValueError" and
    r["failed_cell"]["evalue"] == "boom" and
    "ValueError: boom" in tb() and "\x1b" not in tb() and
    tb().count("\n") < 40 and
    statuses() == ["ok", "error", "not-run"] and
    r["message"] == "In [2] raised ValueError: boom" and
    "before" in outputs(0) and "boom" in outputs(1) and outputs(2) == "[]"'

job nb-tags notebooks/tags.ipynb ''
drive nb-tags
result nb-tags 'r["status"] == "pass" and
    r["message"] == "2 code cells ran, 1 skipped" and
    statuses() == ["skipped", "ok", "ok"] and outputs(0) == "[]" and
    "ZeroDivisionError" in outputs(1) and "after the expected" in outputs(2)
    and nb()["cells"][1]["execution_count"] == 2 and
    nb()["cells"][2]["execution_count"] == 3'

job nb-cell-timeout notebooks/slow.ipynb '{"cell_timeout": 3}'
drive nb-cell-timeout
result nb-cell-timeout 'r["status"] == "timeout" and
    r["reason"] == "timeout" and r["failed_cell"]["index"] == 2 and
    r["failed_cell"]["number"] == 2 and r["seconds"] < 25 and
    statuses() == ["ok", "timeout", "not-run"] and r["message"] ==
    "In [2] did not finish within the cell timeout of 3 s" and
    "sleeping" in outputs(1)'

job nb-overall-timeout notebooks/slow.ipynb '{"timeout": 4, "cell_timeout": 4}'
drive nb-overall-timeout
result nb-overall-timeout 'r["status"] == "timeout" and
    r["reason"] == "timeout" and r["failed_cell"]["index"] == 2 and
    r["seconds"] < 25 and r["message"] ==
    "In [2] did not finish within the job'"'"'s timeout of 4 s"'

# -S leaves dist-packages off sys.path: nbclient cannot be imported.
job nb-no-nbclient notebooks/pass.ipynb ''
drive nb-no-nbclient -S
result nb-no-nbclient 'r["status"] == "error" and r["reason"] == "kernel"
    and r["message"] == "python3-nbclient is not installed: " \
    "apt install python3-nbclient python3-ipykernel"'

# The same -S driver runs scripts: nbclient is imported only for notebooks.
job py-no-nbclient notebooks/ok.py ''
drive py-no-nbclient -S
result py-no-nbclient 'r["status"] == "pass" and r["kernel"] is None'

# One numbering: In [N] counts code cells, skipped and empty ones too,
# in the result, in output.ipynb and in IPython's own traceback.
job numbering driver/numbering.ipynb ''
drive numbering
result numbering 'r["status"] == "fail" and r["reason"] == "exception" and
    r["message"] == "In [5] raised KeyError: '"'x'"'" and
    r["failed_cell"]["index"] == 6 and r["failed_cell"]["number"] == 5 and
    [c["index"] for c in r["cells"]] == [1, 3, 4, 5, 6, 7] and
    statuses() == ["skipped", "ok", "ok", "ok", "error", "not-run"] and
    [c.get("execution_count") for c in nb()["cells"]] ==
    [None, None, None, None, 3, 4, 5, None] and
    re.search(r"In ?\[5\], line 1", tb()) and
    re.search(r"In ?\[4\], line 2, in g", tb())'

# Paths: the example's folder, the job folder.
job relpaths driver/sub '{"entry": "sub/relpaths.ipynb"}'
drive relpaths
result relpaths 'r["status"] == "fail" and r["reason"] == "exception" and
    r["message"] == "In [1] raised FileNotFoundError: [Errno 2] No such " \
    "file or directory: '"'sub/data.csv'"'" and
    "File sub/helper.py:6, in load()" in tb() and
    r["failed_cell"]["evalue"].endswith("'"'sub/data.csv'"'")'

job relpaths-script '' '{"entry": null,
    "command": "python3 -c \"open(\\\"$HOME/missing.txt\\\")\""}'
drive relpaths-script
result relpaths-script 'r["status"] == "fail" and r["message"] ==
    "command raised FileNotFoundError: [Errno 2] No such file or " \
    "directory: '"'home/missing.txt'"'"'

# The same in the local runner's layout: the job's work folder at /job,
# job.json and the driver read-only under /run/kbgen, the system folders
# read-only on an empty root, the result on fd 4.
job layout driver/sub '{"entry": "sub/relpaths.ipynb"}'
if [ -n "$BWRAP" ]; then
	mkdir "$TMP/layout/work"
	mv "$TMP/layout/src" "$TMP/layout/work/"
	set --
	for dir in /usr /bin /lib /lib32 /lib64 /libx32 /sbin /etc; do
		[ -e "$dir" ] && set -- "$@" --ro-bind "$dir" "$dir"
	done
	bwrap --tmpfs / "$@" --dev /dev --proc /proc --tmpfs /tmp \
	    --bind "$TMP/layout/work" /job \
	    --ro-bind "$DRIVER" /run/kbgen/driver.py \
	    --ro-bind "$TMP/layout/job.json" /run/kbgen/job.json \
	    --chdir /job --unshare-all --cap-drop ALL --die-with-parent \
	    --new-session $PY /run/kbgen/driver.py --job /run/kbgen/job.json \
	    --result-fd 4 /job 4>"$TMP/layout.fd" 2>"$TMP/layout.err"
	echo $? >"$TMP/layout.rc"
	set --
	result layout 'r["message"] == "In [1] raised FileNotFoundError: " \
	    "[Errno 2] No such file or directory: '"'sub/data.csv'"'" and
	    "File sub/helper.py:6, in load()" in tb() and "/job" not in tb()
	    and os.path.exists(d + "/work/output.ipynb") and
	    not os.path.exists(d + "/work/result.json")'
else
	skip layout "bubblewrap cannot run here"
fi

# Classified failures: one real example per reason.

job missing-module driver/missing-module.ipynb ''
drive missing-module
result missing-module 'r["status"] == "fail" and
    r["reason"] == "missing-module" and r["failed_cell"]["number"] == 2 and
    r["message"] == "In [2]: No module named '"'kbgen_no_such_module'"': " \
    "add it to requirements.txt or choose an environment that has it " \
    "(run.environment)"'

job missing-module-py driver/missing.py ''
drive missing-module-py
result missing-module-py 'r["status"] == "fail" and
    r["reason"] == "missing-module" and r["exit_code"] == 1 and
    r["message"].startswith("missing.py: No module named " \
    "'"'kbgen_no_such_module'"': add it to requirements.txt")'

job network driver/network.ipynb ''
drive network
result network 'r["status"] == "fail" and r["reason"] == "network" and
    r["failed_cell"]["ename"] == "URLError" and r["message"] ==
    "In [1] could not reach http://127.0.0.1:9/data.csv (URLError: " \
    "<urlopen error [Errno 111] Connection refused>): declare the file " \
    "under run.data or set run.network: true"'

job network-py driver/network.py ''
drive network-py
result network-py 'r["status"] == "fail" and r["reason"] == "network" and
    r["message"].startswith("network.py could not reach " \
    "http://127.0.0.1:9/data.csv (urllib.error.URLError:")'

# A host that does not resolve, in a sandbox without a network when
# bubblewrap runs here (else with the machine's resolver).
job network-dns driver/network-dns.ipynb ''
if [ -n "$BWRAP" ]; then
	drive_fd network-dns sandbox
else
	drive network-dns
fi
result network-dns 'r["status"] == "fail" and r["reason"] == "network" and
    r["message"].startswith("In [1] could not reach " \
    "https://kbgen-no-such-host.invalid/data.csv (URLError: <urlopen error")
    and re.search("name resolution|Name or service not known|" \
                  "No address associated", r["message"])'

job syntax-python2 driver/python2.ipynb ''
drive syntax-python2
result syntax-python2 'r["status"] == "fail" and r["reason"] == "syntax" and
    r["failed_cell"]["number"] == 2 and
    r["failed_cell"]["evalue"] == "Missing parentheses in call to " \
    "'"'print'"'. Did you mean print(...)? (line 1)" and
    r["message"] == "In [2]: Python 2 code: SyntaxError: Missing " \
    "parentheses in call to '"'print'"'. Did you mean print(...)? (line 1)"'

job syntax-python2-py driver/python2.py ''
drive syntax-python2-py
result syntax-python2-py 'r["status"] == "fail" and
    r["reason"] == "syntax" and r["message"].startswith(
    "python2.py: Python 2 code: SyntaxError: Missing parentheses")'

job syntax-except-comma driver/except-comma.py ''
drive syntax-except-comma
result syntax-except-comma 'r["status"] == "fail" and
    r["reason"] == "syntax" and r["message"] == "except-comma.py: " \
    "Python 2 code: SyntaxError: multiple exception types must be " \
    "parenthesized"'

job syntax-python3 driver/syntax.ipynb ''
drive syntax-python3
result syntax-python3 'r["status"] == "fail" and r["reason"] == "syntax" and
    r["message"] == "In [1]: SyntaxError: invalid syntax (line 1)"'

job memory driver/memory.ipynb ''
drive memory
result memory 'r["status"] == "fail" and r["reason"] == "memory" and
    r["message"] == "In [1] ran out of memory (MemoryError)"'

job memory-py driver/memory.py ''
drive memory-py
result memory-py 'r["status"] == "fail" and r["reason"] == "memory" and
    r["message"] == "memory.py ran out of memory (MemoryError)"'

# A kernel killed by the OOM killer of the job's memory cgroup (400 MiB
# here): the driver sees the cgroup's oom_kill count go up.
job memory-oom driver/oom.ipynb ''
cg=$(sed -n 's/^[0-9]*:[^:]*memory[^:]*://p' /proc/self/cgroup)
if [ -n "$cg" ] && mkdir "/sys/fs/cgroup/memory$cg/kbgen-driver-test-$$" \
    2>/dev/null; then
	CGROUP=/sys/fs/cgroup/memory$cg/kbgen-driver-test-$$
	echo $((400 << 20)) >"$CGROUP/memory.limit_in_bytes"
	echo $((400 << 20)) >"$CGROUP/memory.memsw.limit_in_bytes" 2>/dev/null
elif cg=$(sed -n 's/^0:://p' /proc/self/cgroup) && [ -n "$cg" ] &&
    mkdir "/sys/fs/cgroup$cg/kbgen-driver-test-$$" 2>/dev/null; then
	CGROUP=/sys/fs/cgroup$cg/kbgen-driver-test-$$
	echo $((400 << 20)) >"$CGROUP/memory.max" 2>/dev/null ||
	    { rmdir "$CGROUP"; CGROUP=; }
fi
if [ -z "$CGROUP" ]; then
	skip memory-oom "no memory cgroup this test can create"
elif sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3" "$4"' sh \
    "$CGROUP" "$PY" "$DRIVER" "$TMP/memory-oom" 2>"$TMP/memory-oom.err"
then
	echo 0 >"$TMP/memory-oom.rc"
	result memory-oom 'r["status"] == "fail" and
	    r["reason"] == "memory" and r["message"] == "In [1]: the kernel " \
	    "died out of memory (killed by signal 9)" and
	    r["failed_cell"]["ename"] == "DeadKernelError"'
else
	skip memory-oom "cannot move a process into $CGROUP"
fi

job killed driver/killed.ipynb ''
drive killed
result killed 'r["status"] == "fail" and r["reason"] == "killed" and
    r["message"] == "In [2]: the kernel died (killed by signal 9)" and
    r["failed_cell"]["number"] == 2 and statuses() == ["ok", "error"]'

job killed-py driver/killed.py ''
drive killed-py
result killed-py 'r["status"] == "fail" and r["reason"] == "killed" and
    r["exit_code"] == 137 and r["message"] == "killed.py was killed by " \
    "signal 9" and r["failed_cell"]["ename"] == "signal 9"'

job exception-py driver/raise.py ''
drive exception-py
result exception-py 'r["status"] == "fail" and r["reason"] == "exception"
    and r["exit_code"] == 1 and
    r["message"] == "raise.py raised ValueError: bad value" and
    "File \"raise.py\", line 2, in main" in tb()'

job no-code-markdown driver/markdown-only.ipynb ''
drive no-code-markdown
result no-code-markdown 'r["status"] == "error" and
    r["reason"] == "no-code" and r["message"] == "markdown-only.ipynb " \
    "has no code cells: nothing to check" and r["cells"] == []'

job no-code-empty-cell driver/empty-cell.ipynb ''
drive no-code-empty-cell
result no-code-empty-cell 'r["status"] == "error" and
    r["reason"] == "no-code" and r["message"] == "every code cell of " \
    "empty-cell.ipynb is empty: nothing to check" and
    [c["number"] for c in r["cells"]] == [1, 2]'

job no-code-skipped driver/all-skipped.ipynb ''
drive no-code-skipped
result no-code-skipped 'r["status"] == "error" and
    r["reason"] == "no-code" and r["message"] == "every code cell of " \
    "all-skipped.ipynb is empty or tagged skip-execution: nothing to check"'

job no-code-py driver/empty.py ''
drive no-code-py
result no-code-py 'r["status"] == "error" and r["reason"] == "no-code" and
    r["message"] == "empty.py has no code: nothing to check"'

job no-code-sh driver/empty.sh ''
drive no-code-sh
result no-code-sh 'r["status"] == "error" and r["reason"] == "no-code" and
    r["message"] == "empty.sh has no code: nothing to check"'

# Kernels: run.kernel, the environment's, the notebook's, python3.

job kernel-run-missing notebooks/pass.ipynb '{"kernel": "no-such-kernel"}'
drive kernel-run-missing
result kernel-run-missing 'r["status"] == "error" and
    r["reason"] == "kernel" and r["message"].startswith("Jupyter kernel " \
    "\"no-such-kernel\" named by run.kernel does not exist; kernels " \
    "here: ") and "python3" in r["message"].split("kernels here: ")[1]'

job kernel-env-missing notebooks/pass.ipynb '{"env_kernel": "tf215"}'
drive kernel-env-missing
result kernel-env-missing 'r["status"] == "error" and
    r["reason"] == "kernel" and r["message"].startswith("Jupyter kernel " \
    "\"tf215\" named by the environment does not exist; kernels here: ")'

job kernel-fallback driver/kernel-python2.ipynb ''
drive kernel-fallback
result kernel-fallback 'r["status"] == "pass" and r["kernel"] == {
    "name": "python3", "why": "the notebook asks for python2, which " \
    "this environment does not have: ran python3"} and
    "major 3" in outputs(0)'

job kernel-no-kernelspec driver/no-kernelspec.ipynb ''
drive kernel-no-kernelspec
result kernel-no-kernelspec 'r["status"] == "pass" and r["kernel"] == {
    "name": "python3", "why": "the notebook names no kernel: ran python3"}'

job kernel-run driver/kernel-python2.ipynb '{"kernel": "python3",
    "env_kernel": "no-such-kernel"}'
drive kernel-run
result kernel-run 'r["status"] == "pass" and r["kernel"] == {
    "name": "python3", "why": "run.kernel asks for python3"}'

job kernel-env driver/kernel-python2.ipynb '{"env_kernel": "python3"}'
drive kernel-env
result kernel-env 'r["status"] == "pass" and r["kernel"] == {
    "name": "python3", "why": "the environment asks for python3"}'

# A kernel that exits at once: its own words are in failed_cell.
job kernel-broken notebooks/pass.ipynb '{"kernel": "broken"}'
mkdir -p "$TMP/kernel-broken/home/.local/share/jupyter/kernels/broken"
cat >"$TMP/kernel-broken/home/.local/share/jupyter/kernels/broken/kernel.json" <<'EOF'
{"argv": ["/bin/sh", "-c", "echo the kernel broke >&2; exit 3",
          "{connection_file}"],
 "display_name": "Broken", "language": "python"}
EOF
drive kernel-broken
result kernel-broken 'r["status"] == "error" and r["reason"] == "kernel"
    and r["message"].startswith("the kernel broken did not start: ") and
    r["failed_cell"]["evalue"] == "the kernel broke" and
    r["kernel"]["name"] == "broken"'

# The driver from a virtual environment: the notebook runs with its
# interpreter and sees its packages; its paths are shown as (venv)/.
if $PY -m venv --system-site-packages --without-pip "$TMP/venv" \
    2>"$TMP/venv.err"; then
	site=$("$TMP/venv/bin/python3" -c \
	    'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	printf 'def boom():\n    raise ValueError("from the venv")\n' \
	    >"$site/kbgen_venv_mod.py"
	job venv driver/venv.ipynb ''
	"$TMP/venv/bin/python3" "$DRIVER" "$TMP/venv" 2>"$TMP/venv.err"
	echo $? >"$TMP/venv.rc"
	result venv 'r["status"] == "fail" and
	    r["message"] == "In [2] raised ValueError: from the venv" and
	    re.search(r"File \(venv\)/lib/python3[.\d]*/site-packages/" \
	              r"kbgen_venv_mod.py:2, in boom\(\)", tb()) and
	    "venv/bin/python3" in outputs(0) and json.load(open(d + "/home/" \
	    ".local/share/jupyter/kernels/python3/kernel.json"))["argv"] == [
	    os.path.dirname(d) + "/venv/bin/python3", "-m",
	    "ipykernel_launcher", "-f", "{connection_file}"]'
else
	skip venv "$PY -m venv: $(head -1 "$TMP/venv.err")"
fi

# Shell commands in notebooks

job shell-then-fail driver/shell-then-fail.ipynb ''
drive shell-then-fail
result shell-then-fail 'r["status"] == "fail" and
    r["reason"] == "exception" and r["failed_cell"]["number"] == 3 and
    r["warnings"] == [{"cell": 1, "command": "false", "exit_code": 1,
                       "message": "In [1]: false failed (exit 1)"}] and
    r["message"] == "In [3] raised FileNotFoundError: [Errno 2] No such " \
    "file or directory: '"'data.csv'"' (an earlier cell'"'"'s command " \
    "failed: In [1] false exit 1)" and statuses() == ["ok", "ok", "error"]'

job shell-same-cell driver/shell-same-cell.ipynb ''
drive shell-same-cell
result shell-same-cell 'r["status"] == "fail" and r["message"] ==
    "In [1] raised ValueError: after the command (this cell'"'"'s " \
    "command failed: sh -c '"'exit 4'"' exit 4)" and
    [w["exit_code"] for w in r["warnings"]] == [4]'

# No later failure: the run passes and keeps its warnings.  The wrapped
# system() still expands {name} from the calling function's variables.
job shell-pass driver/shell-pass.ipynb ''
drive shell-pass
result shell-pass 'r["status"] == "pass" and "reason" not in r and
    r["message"] == "6 code cells ran; 3 shell commands failed " \
    "(In [1], In [2], In [3])" and
    [(w["cell"], w["command"], w["exit_code"]) for w in r["warnings"]] == [
        (1, "echo fetching; exit 4", 4), (2, "sh -c '"'exit 3'"'", 3),
        (3, "false", 1)] and
    r["warnings"][0]["message"] == "In [1]: echo fetching; exit 4 " \
    "failed (exit 4)" and "fetching" in outputs(0) and "done" in outputs(5)'

job bash-magic driver/bash-magic.ipynb ''
drive bash-magic
result bash-magic 'r["status"] == "fail" and r["reason"] == "exception" and
    r["message"] == "In [1] raised CalledProcessError: its %%bash script " \
    "exited with status 3" and r["failed_cell"]["ename"] == \
    "CalledProcessError"'

# Scripts and commands

job py-pass notebooks/ok.py ''
drive py-pass
result py-pass 'r["status"] == "pass" and r["exit_code"] == 0 and
    r["cells"] == [] and r["output_notebook"] is None and
    "hello from 3." in log() and "+ python3 ok.py" in log()'

job py-fail notebooks/bad.py ''
drive py-fail
result py-fail 'r["status"] == "fail" and r["reason"] == "exception" and
    r["exit_code"] == 3 and
    r["failed_cell"] == {"index": None, "number": None, "ename": "exit 3",
                         "evalue": "something went wrong",
                         "traceback": "something went wrong"} and
    r["message"] == "bad.py exited with status 3"'

job py-timeout notebooks/sleep.py '{"timeout": 2}'
drive py-timeout
result py-timeout 'r["status"] == "timeout" and r["reason"] == "timeout" and
    r["seconds"] < 25 and r["failed_cell"]["evalue"] == "sleeping" and
    "timeout of 2 s" in r["message"] and not os.path.exists("/proc/%s" %
                                        open(d + "/src/pid").read().strip())'

job sh-pass notebooks/ok.sh ''
drive sh-pass
result sh-pass 'r["status"] == "pass" and r["exit_code"] == 0 and
    "hello from bash 5" in log()'

job command notebooks/ok.py '{"command": "echo overridden; exit 5"}'
drive command
result command 'r["status"] == "fail" and r["reason"] == "exception" and
    r["exit_code"] == 5 and r["message"] == "command exited with status 5"
    and "overridden" in log() and "hello from" not in log() and
    r["failed_cell"]["evalue"] == "overridden"'

# env.sh also checks USER and LOGNAME: "kbgen" when job.json names no user.
job setup-env notebooks/env.sh '{"setup": ["echo \"$GREETING\" >setup.txt"],
    "env": {"GREETING": "hi", "N": 7}}'
drive setup-env
result setup-env 'r["status"] == "pass" and r["exit_code"] == 0 and
    log().endswith("environment ok\n")'

job user '' '{"entry": null, "user": "alice",
    "command": "test \"$USER:$LOGNAME\" = alice:alice"}'
drive user
result user 'r["status"] == "pass"'

# KBGEN_OUTPUT: JOBDIR/output, made by the driver, for any entry.
job output '' '{"entry": null,
    "command": "test \"$KBGEN_OUTPUT\" -ef ../output && test -d \"$KBGEN_OUTPUT\" && echo x >\"$KBGEN_OUTPUT/f\""}'
drive output
result output 'r["status"] == "pass" and
    os.path.isfile(os.path.join(d, "output", "f"))'

job setup-fail notebooks/ok.py '{"setup": ["true", "echo broken; exit 4"]}'
drive setup-fail
result setup-fail 'r["status"] == "error" and r["reason"] == "setup" and
    r["message"] == "setup command 2 failed (exit 4): echo broken; exit 4"
    and r["exit_code"] is None and "broken" in log() and
    "hello from" not in log()'

job log-tail '' '{"command":
    "yes 0123456789abcdef | head -c 3000000; echo last line"}'
drive log-tail
result log-tail 'r["status"] == "pass" and
    os.path.getsize(d + "/output.log") <= 1048576 + 100 and
    log().endswith("last line\n") and log().startswith("[... earlier")'

# Bad jobs

job no-entry '' '{"entry": "missing.ipynb"}'
drive no-entry
result no-entry 'r["status"] == "error" and r["reason"] == "no-code" and
    r["message"] == "entry not found: src/missing.ipynb"'

job bad-extension '' '{"entry": "notes.txt"}'
echo notes >"$TMP/bad-extension/src/notes.txt"
drive bad-extension
result bad-extension 'r["status"] == "error" and r["reason"] == "no-code"
    and ".ipynb, .py or .sh" in r["message"]'

job bad-json notebooks/ok.py ''
echo '{"workdir": "src",' >"$TMP/bad-json/job.json"
drive bad-json
result bad-json 'r["status"] == "error" and r["reason"] == "environment"
    and r["message"].startswith("job.json cannot be read:")'

job bad-timeout notebooks/ok.py '{"timeout": "soon"}'
drive bad-timeout
result bad-timeout 'r["status"] == "error" and
    r["reason"] == "environment" and
    r["message"] == "job.json: \"timeout\" must be a positive number"'

job bad-user notebooks/ok.py '{"user": ""}'
drive bad-user
result bad-user 'r["status"] == "error" and
    r["message"] == "job.json: \"user\" must be a non-empty string"'

job no-entry-no-command '' '{"entry": null}'
drive no-entry-no-command
result no-entry-no-command 'r["status"] == "error" and
    "neither" in r["message"]'

$PY "$DRIVER" "$TMP/does-not-exist" 2>"$TMP/unusable.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "not a writable folder" "$TMP/unusable.err" &&
    [ ! -e "$TMP/does-not-exist" ]; then
	ok unusable-jobdir
else
	fail unusable-jobdir "exit $rc"
fi

# The result channel: --result-fd

job fd-pass notebooks/pass.ipynb ''
drive_fd fd-pass
result fd-pass 'r["status"] == "pass" and
    not os.path.exists(d + "/result.json")'

# A job that writes result.json where it can (its folder, the job
# folder, the one above) and then fails: the channel says it failed.
job fd-forge driver/forge.ipynb ''
drive_fd fd-forge
result fd-forge 'r["status"] == "fail" and
    r["message"] == "In [2] raised ValueError: the real failure" and
    json.load(open(d + "/result.json"))["message"] == "forged" and
    json.load(open(d + "/src/result.json"))["message"] == "forged"'

job fd-forge-py driver/forge.py ''
drive_fd fd-forge-py
result fd-forge-py 'r["status"] == "fail" and r["exit_code"] == 1 and
    r["message"] == "forge.py exited with status 1" and
    json.load(open(d + "/result.json"))["message"] == "forged"'
rm -f "$TMP/result.json"

# The job's processes do not inherit the channel.
job fd-not-inherited '' '{"entry": null, "command":
    "test ! -e /proc/self/fd/3 && python3 -c \"import os; os.fstat(3)\""}'
drive_fd fd-not-inherited
result fd-not-inherited 'r["status"] == "fail" and
    r["message"] == "command raised OSError: [Errno 9] Bad file descriptor"'

# --job: job.json outside the job folder.
job fd-job-option notebooks/ok.py ''
mv "$TMP/fd-job-option/job.json" "$TMP/fd-job-option.json"
$PY "$DRIVER" --job "$TMP/fd-job-option.json" --result-fd 3 \
    "$TMP/fd-job-option" 3>"$TMP/fd-job-option.fd" 2>"$TMP/fd-job-option.err"
echo $? >"$TMP/fd-job-option.rc"
result fd-job-option 'r["status"] == "pass" and
    not os.path.exists(d + "/job.json")'

# An unusable job folder is still an answer on the channel.
$PY "$DRIVER" --result-fd 3 "$TMP/does-not-exist" 3>"$TMP/fd-unusable.fd" \
    2>"$TMP/fd-unusable.err"
rc=$?
if [ $rc -eq 0 ] && $PY -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "error" and r["reason"] == "environment", r
assert "not a writable folder" in r["message"], r' "$TMP/fd-unusable.fd"; then
	ok fd-unusable
else
	fail fd-unusable "exit $rc: $(cat "$TMP/fd-unusable.fd")"
fi

job fd-closed notebooks/ok.py ''
$PY "$DRIVER" --result-fd 7 "$TMP/fd-closed" 7>&- 2>"$TMP/fd-closed.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "result-fd 7" "$TMP/fd-closed.err" &&
    [ ! -e "$TMP/fd-closed/result.json" ]; then
	ok fd-closed
else
	fail fd-closed "exit $rc: $(cat "$TMP/fd-closed.err")"
fi

# No process of the job can open /proc/DRIVER/fd/N or /proc/DRIVER/mem,
# though a process of the same user that is dumpable can be reached the
# same way (the notebook checks both and fails otherwise): as root
# without capabilities in bubblewrap, and as an ordinary user.
job procfd-sandbox driver/procfd.ipynb '{"env": {"KBGEN_TEST_FD": "3"}}'
if [ -n "$BWRAP" ]; then
	drive_fd procfd-sandbox sandbox
	result procfd-sandbox 'r["status"] == "pass" and
	    open(d + "/src/procfd.txt").read() == "denied denied"'
else
	skip procfd-sandbox "bubblewrap cannot run here"
fi

job procfd-user driver/procfd.ipynb '{"env": {"KBGEN_TEST_FD": "3"}}'
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	cp "$DRIVER" "$TMP/driver.py"
	chmod 755 "$TMP"
	chmod 644 "$TMP/driver.py"
	chown -R 65534:65534 "$TMP/procfd-user"
	name=procfd-user
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    $PY "$TMP/driver.py" --result-fd 3 "$TMP/$name" \
	    3>"$TMP/$name.fd" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.rc"
	chmod 700 "$TMP"
elif [ "$(id -u)" != 0 ]; then
	drive_fd procfd-user
fi
if [ -f "$TMP/procfd-user.rc" ]; then
	result procfd-user 'r["status"] == "pass" and
	    open(d + "/src/procfd.txt").read() == "denied denied"'
else
	skip procfd-user "root without setpriv"
fi

# Signals

job sigterm-notebook notebooks/slow.ipynb ''
d=$TMP/sigterm-notebook
$PY "$DRIVER" "$d" 2>"$d.err" &
pid=$!
wait_for "$d/src/sleeping"
sleep 0.5
kill -TERM $pid
wait $pid
echo $? >"$d.rc"
result sigterm-notebook 'r["status"] == "interrupted" and
    r["reason"] == "killed" and
    r["message"] == "interrupted by SIGTERM in In [2]" and
    r["seconds"] < 25 and statuses() == ["ok", "not-run", "not-run"] and
    "sleeping" in outputs(1)'
# The kernel's command line names its connection file, under $d/home.
if pgrep -f "$d/home" >/dev/null; then
	fail sigterm-kernel-gone "$(pgrep -af "$d/home")"
else
	ok sigterm-kernel-gone
fi

job sigterm-script notebooks/sleep.py ''
d=$TMP/sigterm-script
$PY "$DRIVER" "$d" 2>"$d.err" &
pid=$!
wait_for "$d/src/pid"
kill -TERM $pid
wait $pid
echo $? >"$d.rc"
result sigterm-script 'r["status"] == "interrupted" and
    r["message"] == "interrupted by SIGTERM in sleep.py" and
    not os.path.exists("/proc/%s" % open(d + "/src/pid").read().strip())'

# Fingerprint

if $PY "$DRIVER" --fingerprint >"$TMP/fp" &&
    [ "$(wc -l <"$TMP/fp")" -eq 1 ] &&
    $PY -c 'import json, sys
f = json.load(open(sys.argv[1]))
assert set(f) == {"python", "packages", "gpus", "platform"}, f
assert f["python"].count(".") == 2 and isinstance(f["packages"], dict)
assert f["gpus"]["count"] == len(f["gpus"]["names"])' "$TMP/fp"; then
	ok fingerprint
else
	fail fingerprint "$(cat "$TMP/fp")"
fi

# Messages are one line of at most the limit, the "..." included.
got=$("$PY" -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import driver
t = driver.one_line("a  b\n" * 200, 300)
print(len(t), t.endswith("..."), driver.one_line(" x\n y "))' "$PWD/runners" 2>&1)
expect one-line-limit "$got" "300 True x y"

finish
