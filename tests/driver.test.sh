#!/bin/sh
# The job driver (runners/driver.py) on its own: no kbgen, no sandbox.
# Each case makes a job folder with a fixture from
# tests/fixtures/notebooks in src/, runs the driver with Debian's Python
# (/usr/bin/python3, which has nbclient and ipykernel) and checks
# result.json against runners/README.md.  The notebook cases start a
# kernel each (1-3 s); the whole suite takes about 20 s.
PY=/usr/bin/python3
DRIVER=$PWD/runners/driver.py
FIX=$PWD/tests/fixtures/notebooks
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! $PY -c 'import nbclient, ipykernel' 2>/dev/null; then
	echo "FAIL driver: $PY lacks nbclient or ipykernel:" \
	    "apt install python3-nbclient python3-ipykernel"
	exit 1
fi

# job NAME FILE JSON: a job folder $TMP/NAME with FILE (or nothing when
# empty) copied into src/ as the entry, and job.json from the defaults
# updated with the JSON object.
job() {
	mkdir -p "$TMP/$1/src"
	[ -z "$2" ] || cp "$FIX/$2" "$TMP/$1/src/"
	$PY - "$TMP/$1" "$1" "$2" "$3" <<'EOF'
import json, sys
d, slug, entry, extra = sys.argv[1:]
job = {"slug": slug, "workdir": "src", "entry": entry or None,
       "command": None, "setup": [], "timeout": 60, "cell_timeout": 30,
       "env": {}, "gpu": 0, "kernel": "python3"}
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

# expect NAME EXPR: the driver exited 0 and wrote a result.json with
# the README's keys, and the Python expression EXPR is true.  EXPR sees
# r (the result), nb() (output.ipynb), log() (output.log), d (the job
# folder).
expect() {
	if [ "$(cat "$TMP/$1.rc")" != 0 ]; then
		echo "FAIL $1: driver exited $(cat "$TMP/$1.rc")"
		sed 's/^/    /' "$TMP/$1.err"
		return
	fi
	if $PY - "$TMP/$1" "$2" <<'EOF'
import json, os, re, sys
d, expr = sys.argv[1:]
KEYS = {"status", "exit_code", "message", "failed_cell", "cells", "seconds",
        "peak_memory_mb", "gpus", "python", "packages", "host", "start",
        "end", "output_notebook"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
r = json.load(open(os.path.join(d, "result.json")))
def nb():
    return json.load(open(os.path.join(d, "output.ipynb")))
def log():
    return open(os.path.join(d, "output.log"), errors="replace").read()
def outputs(i):
    return json.dumps(nb()["cells"][i]["outputs"])
def statuses():
    return [c["status"] for c in r["cells"]]
basic = (set(r) == KEYS and TIME.match(r["start"]) and TIME.match(r["end"])
         and isinstance(r["seconds"], (int, float))
         and r["peak_memory_mb"] > 0 and r["python"].count(".") == 2
         and r["gpus"]["count"] == len(r["gpus"]["names"])
         and "\n" not in r["message"])
sys.exit(0 if basic and eval("(%s)" % expr) else 1)
EOF
	then
		echo "ok $1"
	else
		printf 'FAIL %s: %s\n' "$1" "$2"
		sed 's/^/    /' "$TMP/$1/result.json"
	fi
}

# Notebooks

job nb-pass pass.ipynb ''
drive nb-pass
expect nb-pass 'r["status"] == "pass" and r["exit_code"] is None and
    r["failed_cell"] is None and r["output_notebook"] == "output.ipynb" and
    [c["index"] for c in r["cells"]] == [1, 2] and statuses() == ["ok", "ok"]
    and all(0 <= c["seconds"] < 5 for c in r["cells"]) and
    "answer 42" in outputs(1) and "43" in outputs(2) and
    nb()["cells"][1]["execution_count"] == 1'

job nb-fail fail.ipynb ''
drive nb-fail
expect nb-fail 'r["status"] == "fail" and r["failed_cell"]["index"] == 1 and
    r["failed_cell"]["ename"] == "ValueError" and
    r["failed_cell"]["evalue"] == "boom" and
    "ValueError: boom" in r["failed_cell"]["traceback"] and
    "\x1b" not in r["failed_cell"]["traceback"] and
    r["failed_cell"]["traceback"].count("\n") < 40 and
    statuses() == ["ok", "error", "not-run"] and
    r["message"] == "cell 1 raised ValueError: boom" and
    "before" in outputs(0) and "boom" in outputs(1) and outputs(2) == "[]"'

job nb-tags tags.ipynb ''
drive nb-tags
expect nb-tags 'r["status"] == "pass" and
    statuses() == ["skipped", "ok", "ok"] and outputs(0) == "[]" and
    "ZeroDivisionError" in outputs(1) and "after the expected" in outputs(2)'

job nb-cell-timeout slow.ipynb '{"cell_timeout": 3}'
drive nb-cell-timeout
expect nb-cell-timeout 'r["status"] == "timeout" and
    r["failed_cell"]["index"] == 2 and r["seconds"] < 10 and
    statuses() == ["ok", "timeout", "not-run"] and
    "cell timeout of 3 s" in r["message"] and "sleeping" in outputs(1)'

job nb-overall-timeout slow.ipynb '{"timeout": 4, "cell_timeout": 4}'
drive nb-overall-timeout
expect nb-overall-timeout 'r["status"] == "timeout" and
    r["failed_cell"]["index"] == 2 and r["seconds"] < 8 and
    "timeout of 4 s" in r["message"]'

job nb-no-kernel pass.ipynb '{"kernel": "no-such-kernel"}'
drive nb-no-kernel
expect nb-no-kernel 'r["status"] == "error" and
    "no-such-kernel" in r["message"] and "python3-ipykernel" in r["message"]'

# -S leaves dist-packages off sys.path: nbclient cannot be imported.
job nb-no-nbclient pass.ipynb ''
drive nb-no-nbclient -S
expect nb-no-nbclient 'r["status"] == "error" and r["message"] ==
    "python3-nbclient is not installed: " \
    "apt install python3-nbclient python3-ipykernel"'

# The same -S driver runs scripts: nbclient is imported only for notebooks.
job py-no-nbclient ok.py ''
drive py-no-nbclient -S
expect py-no-nbclient 'r["status"] == "pass"'

# Scripts and commands

job py-pass ok.py ''
drive py-pass
expect py-pass 'r["status"] == "pass" and r["exit_code"] == 0 and
    r["cells"] == [] and r["output_notebook"] is None and
    "hello from 3." in log() and "+ python3 ok.py" in log()'

job py-fail bad.py ''
drive py-fail
expect py-fail 'r["status"] == "fail" and r["exit_code"] == 3 and
    r["failed_cell"] == {"index": None, "ename": "exit 3",
                         "evalue": "something went wrong",
                         "traceback": "something went wrong"} and
    r["message"] == "bad.py exited with status 3"'

job py-timeout sleep.py '{"timeout": 2}'
drive py-timeout
expect py-timeout 'r["status"] == "timeout" and r["seconds"] < 5 and
    r["failed_cell"]["evalue"] == "sleeping" and "timeout of 2 s" in
    r["message"] and not os.path.exists("/proc/%s" %
                                        open(d + "/src/pid").read().strip())'

job sh-pass ok.sh ''
drive sh-pass
expect sh-pass 'r["status"] == "pass" and r["exit_code"] == 0 and
    "hello from bash 5" in log()'

job command ok.py '{"command": "echo overridden; exit 5"}'
drive command
expect command 'r["status"] == "fail" and r["exit_code"] == 5 and
    "overridden" in log() and "hello from" not in log() and
    r["failed_cell"]["evalue"] == "overridden"'

job setup-env env.sh '{"setup": ["echo \"$GREETING\" >setup.txt"],
    "env": {"GREETING": "hi", "N": 7}}'
drive setup-env
expect setup-env 'r["status"] == "pass" and r["exit_code"] == 0 and
    log().endswith("environment ok\n")'

job setup-fail ok.py '{"setup": ["true", "echo broken; exit 4"]}'
drive setup-fail
expect setup-fail 'r["status"] == "error" and r["message"] ==
    "setup command 2 failed (exit 4): echo broken; exit 4" and
    r["exit_code"] is None and "broken" in log() and
    "hello from" not in log()'

job log-tail '' '{"command":
    "yes 0123456789abcdef | head -c 3000000; echo last line"}'
drive log-tail
expect log-tail 'r["status"] == "pass" and
    os.path.getsize(d + "/output.log") <= 1048576 + 100 and
    log().endswith("last line\n") and log().startswith("[... earlier")'

# Bad jobs

job no-entry '' '{"entry": "missing.ipynb"}'
drive no-entry
expect no-entry 'r["status"] == "error" and
    r["message"] == "entry not found: src/missing.ipynb"'

job bad-extension '' '{"entry": "notes.txt"}'
echo notes >"$TMP/bad-extension/src/notes.txt"
drive bad-extension
expect bad-extension 'r["status"] == "error" and ".ipynb, .py or .sh" in
    r["message"]'

job bad-json ok.py ''
echo '{"workdir": "src",' >"$TMP/bad-json/job.json"
drive bad-json
expect bad-json 'r["status"] == "error" and
    r["message"].startswith("job.json cannot be read:")'

job bad-timeout ok.py '{"timeout": "soon"}'
drive bad-timeout
expect bad-timeout 'r["status"] == "error" and
    r["message"] == "job.json: \"timeout\" must be a positive number"'

job no-entry-no-command '' '{"entry": null}'
drive no-entry-no-command
expect no-entry-no-command 'r["status"] == "error" and
    "neither" in r["message"]'

$PY "$DRIVER" "$TMP/does-not-exist" 2>"$TMP/unusable.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "not a writable folder" "$TMP/unusable.err" &&
    [ ! -e "$TMP/does-not-exist" ]; then
	echo "ok unusable-jobdir"
else
	echo "FAIL unusable-jobdir: exit $rc"
fi

# Signals

# wait_for FILE: until FILE exists (at most 20 s).
wait_for() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

job sigterm-notebook slow.ipynb ''
d=$TMP/sigterm-notebook
$PY "$DRIVER" "$d" 2>"$d.err" &
pid=$!
wait_for "$d/src/sleeping"
sleep 0.5
kill -TERM $pid
wait $pid
echo $? >"$d.rc"
expect sigterm-notebook 'r["status"] == "interrupted" and
    r["message"] == "interrupted by SIGTERM in cell 2" and
    r["seconds"] < 15 and statuses() == ["ok", "not-run", "not-run"] and
    "sleeping" in outputs(1)'
# The kernel's command line names its connection file, under $d/home.
if pgrep -f "$d/home" >/dev/null; then
	echo "FAIL sigterm-kernel-gone: $(pgrep -af "$d/home")"
else
	echo "ok sigterm-kernel-gone"
fi

job sigterm-script sleep.py ''
d=$TMP/sigterm-script
$PY "$DRIVER" "$d" 2>"$d.err" &
pid=$!
wait_for "$d/src/pid"
kill -TERM $pid
wait $pid
echo $? >"$d.rc"
expect sigterm-script 'r["status"] == "interrupted" and
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
	echo "ok fingerprint"
else
	echo "FAIL fingerprint: $(cat "$TMP/fp")"
fi
