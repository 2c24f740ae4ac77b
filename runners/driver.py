#!/usr/bin/python3
"""Run one kbgen job and always report its result.

Usage:
    python3 runners/driver.py [--job FILE] [--result-fd N] JOBDIR
    python3 runners/driver.py --fingerprint

The job folder, job.json and the result are described in
runners/README.md, which is the contract between kbgen and this driver.
In short: read job.json (JOBDIR/job.json, or FILE), run its setup
commands and then its entry (a notebook through nbclient, a .py script
with this interpreter, a .sh script with bash, or the job's own shell
command) in JOBDIR/WORKDIR, and report the result whatever happened:
written whole to file descriptor N and closed with --result-fd (the
channel kbgen reads, which the job's processes cannot reach), else to
JOBDIR/result.json atomically.  The exit status is 0 whenever the
result was delivered and 2 when it could not be.

The result channel: at start the driver makes fd N non-inheritable and
marks itself non-dumpable (prctl PR_SET_DUMPABLE 0), so that no process
of the job, even one of the same user, can open /proc/DRIVER/fd/N,
read the driver's memory or ptrace it.

Choices the README leaves open:

- Cells are numbered as Jupyter shows them: In [N], N the 1-based
  ordinal of the cell among the notebook's code cells, which is also
  the execution count the cell runs with (IPython's counter is set to
  N before a cell that follows a skipped or empty one).  "index" stays
  the position in the notebook's list of cells, markdown included.
  "cells" lists the code cells only.
- A cell tagged raises-exception is "ok" whether it raised or not; an
  error anywhere else stops the notebook there ("error"; later cells
  are "not-run").  Empty code cells are "ok" in 0 s.  A notebook with
  no code cell that is non-empty and not tagged skip-execution, and an
  empty .py or .sh entry, are "no-code" errors: nothing was checked.
- Shell commands of a notebook (!cmd, %system, %sx, %pip, %conda and
  the like) that exit non-zero do not raise in IPython: with a Python
  kernel the driver wraps IPython's system() and getoutput() machinery
  before the first cell and, after each cell, collects the commands
  that exited non-zero as "warnings".  %%bash, %%sh and %%script cells
  raise CalledProcessError themselves in IPython 8 (the cell fails).
- Failures are classified ("reason") from the exception's type and
  value (for scripts, from the last Python traceback in their output);
  network errors name the URL or host found in the error or the cell.
  Paths in messages and tracebacks are shown relative to the example's
  folder (JOBDIR/WORKDIR), the virtual environment as "(venv)/", other
  paths of the job folder relative to it.
- The kernel runs in the notebook's folder (as in Jupyter); scripts and
  commands run in WORKDIR.  Scripts run with this interpreter
  (sys.executable), so the Python and package versions reported are
  the ones the job used.  When this interpreter is a virtual
  environment's, a "python3" kernelspec for it is written in the job's
  HOME so that notebooks see the environment's packages.
- When an entry, command or setup command fails or runs out of time,
  "failed_cell" holds the tail of its output: {index: null, number:
  null, ename: "exit N" (or "signal N", "timeout"), evalue: the last
  line, traceback: the last 40 lines}.
- Every process is started in a session of its own.  When it ends, or
  the job is stopped, its process group is killed, so nothing started
  by one step outlives it.
- output.log gets a "+ COMMAND" line before the output of each step and
  is cut to its last 1 MiB after each step.  For a notebook it holds
  what the kernel process itself prints (start-up failures, crashes);
  cell output stays in output.ipynb.

The overall "timeout" covers setup and entry: each process waits at
most for the time left, each notebook cell for the smaller of
"cell_timeout" and the time left.  SIGTERM and SIGINT stop the job: the
kernel and the process groups are killed and the status is "timeout"
when the overall limit has passed, "interrupted" otherwise.

Only the standard library is needed, and nbclient (with nbformat and a
Jupyter kernel) for notebooks; they are imported when a notebook runs.
"""

import argparse
import ast
import asyncio
import ctypes
import datetime
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import queue
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
import types

LOG_NAME = "output.log"
NOTEBOOK_NAME = "output.ipynb"
RESULT_NAME = "result.json"
LOG_LIMIT = 1 << 20             # bytes of output.log kept
TAIL_LINES = 40                 # lines of traceback or output kept
TAIL_BYTES = 64 << 10           # bytes read to find those lines
KILL_GRACE = 2.0                # seconds between SIGTERM and SIGKILL
STARTUP_TIMEOUT = 60            # seconds a kernel may take to start
QUERY_TIMEOUT = 10.0            # seconds for the driver's own requests
VENV_MOUNT = "/run/kbgen/env"   # where kbgen binds the requirements venv
DEFAULT_USER = "kbgen"
PR_SET_DUMPABLE = 4

# Key in result.json, then the distributions that provide it.
PACKAGES = (
    ("numpy", ("numpy",)),
    ("torch", ("torch",)),
    ("tensorflow", ("tensorflow", "tensorflow-cpu", "tensorflow-gpu")),
    ("keras", ("keras",)),
    ("sklearn", ("scikit-learn",)),
)

# The status that goes with each reason (README, "reason").
REASON_STATUS = {
    "missing-module": "fail",
    "network": "fail",
    "syntax": "fail",
    "memory": "fail",
    "killed": "fail",
    "exception": "fail",
    "timeout": "timeout",
    "data": "error",
    "kernel": "error",
    "environment": "error",
    "setup": "error",
    "no-code": "error",
}

NBCLIENT_MISSING = ("python3-nbclient is not installed: "
                    "apt install python3-nbclient python3-ipykernel")
MISSING_MODULE_FIX = ("add it to requirements.txt or choose an environment "
                      "that has it (run.environment)")
NETWORK_FIX = "declare the file under run.data or set run.network: true"

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                   r"|\x1b[@-Z\\-_]")
_GPU_LINE = re.compile(r"^GPU \d+: (.*?)(?: \(UUID: [^)]*\))?$")


class Outcome(Exception):
    """Ends the job with a status other than "pass"."""

    def __init__(self, reason, message, exit_code=None, failed_cell=None,
                 status=None):
        super().__init__(message)
        self.reason = reason
        self.status = status or REASON_STATUS[reason]
        self.message = message
        self.exit_code = exit_code
        self.failed_cell = failed_cell


class Stop(BaseException):
    """Raised in the main flow by SIGTERM or SIGINT."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def error(message, reason="environment"):
    """An Outcome for a job that could not run."""
    return Outcome(reason, message)


# Small helpers

def rfc3339(t):
    """UTC time t (seconds since the epoch) as 2026-11-25T12:00:00Z."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def one_line(text, limit=300):
    """Text squeezed onto one line of at most limit characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def seconds_text(s):
    """A duration for messages: 3 s, 2.5 s."""
    return "%g s" % round(s, 1)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def strip_ansi(text):
    return _ANSI.sub("", text)


def tail_lines(text, n=TAIL_LINES):
    """The last n lines of text, without colours or trailing blank lines."""
    lines = strip_ansi(text).rstrip().splitlines()
    return "\n".join(lines[-n:])


def last_line(text):
    lines = text.splitlines()
    return lines[-1].strip() if lines else ""


def write_atomic(path, data):
    """Write bytes to path through a temporary file and a rename."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_fd(fd, data):
    """Write all of data to fd, then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def kill_group(pgid, sig=signal.SIGKILL):
    """Signal a process group; False when it is gone."""
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def exit_text(rc):
    """How a process ended, from a shell-style status (128 + N: signal N)."""
    if rc > 128:
        return "was killed by signal %d" % (rc - 128)
    return "exited with status %d" % rc


def exit_name(rc):
    return "signal %d" % (rc - 128) if rc > 128 else "exit %d" % rc


# The result channel

def protect(result_fd):
    """Keep the result channel from the job's processes.

    The fd is not inherited across exec, and the driver is not dumpable:
    /proc/DRIVER/fd, /proc/DRIVER/mem and ptrace need CAP_SYS_PTRACE,
    which no process of the job has.  Returns an error text or None.
    """
    if result_fd is not None:
        try:
            os.set_inheritable(result_fd, False)
        except OSError as e:
            return "--result-fd %d: %s" % (result_fd, e.strerror)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            return "prctl(PR_SET_DUMPABLE): %s" % \
                os.strerror(ctypes.get_errno())
    except (OSError, AttributeError) as e:
        return "prctl(PR_SET_DUMPABLE): %s" % e
    return None


# Paths shown to people

class PathNames:
    """Rewrites build-machine paths in messages and tracebacks.

    JOBDIR/WORKDIR/X becomes X (the example's folder), the virtual
    environment's folder becomes "(venv)", JOBDIR/X becomes X.
    """

    def __init__(self, jobdir, workdir):
        names = {}
        for path, shown in ((jobdir, ""), (workdir, ""),
                            (VENV_MOUNT, "(venv)/")):
            for p in {path, os.path.realpath(path)}:
                names[p.rstrip("/") + "/"] = shown
        if sys.prefix != sys.base_prefix:
            for p in {sys.prefix, os.path.realpath(sys.prefix)}:
                names[p.rstrip("/") + "/"] = "(venv)/"
        self.names = names
        # Longest first: the example's folder wins over the job folder.
        # A path starts a word: not inside a URL or another path.
        self.pattern = re.compile(r"(?<![\w./~-])(?:%s)" % "|".join(
            re.escape(p) for p in sorted(names, key=len, reverse=True)))

    def __call__(self, text):
        if not text:
            return text
        return self.pattern.sub(lambda m: self.names[m.group(0)], text)


# Failures: which reason, which words

NETWORK_ERRORS = {
    "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
    "ConnectionAbortedError", "URLError", "HTTPError", "gaierror", "herror",
    "timeout", "NewConnectionError", "MaxRetryError", "NameResolutionError",
    "ConnectTimeout", "ConnectTimeoutError", "ReadTimeout",
    "ReadTimeoutError", "RemoteDisconnected", "ProxyError", "SSLError",
    "ContentTooShortError", "ClientConnectorError", "ClientConnectionError",
    "IncompleteRead", "InvalidChunkLength",
}
NETWORK_PHRASES = (
    "Temporary failure in name resolution", "Name or service not known",
    "No address associated with hostname", "nodename nor servname",
    "getaddrinfo failed", "Network is unreachable", "No route to host",
    "Connection refused", "Connection reset by peer", "Connection timed out",
    "Failed to establish a new connection", "Max retries exceeded",
    "URL fetch failure", "Could not resolve host", "unable to resolve host",
)
# Exceptions that say nothing by their type: their text may say network.
GENERIC_ERRORS = {"Exception", "OSError", "IOError", "RuntimeError",
                  "TimeoutError", "ValueError"}
MEMORY_ERRORS = {"MemoryError", "_ArrayMemoryError", "OutOfMemoryError",
                 "ResourceExhaustedError"}
MEMORY_PHRASES = re.compile(
    r"MemoryError|Cannot allocate memory|std::bad_alloc|[Oo]ut of memory|"
    r"\bOOM\b|Unable to allocate|Killed process")
SYNTAX_ERRORS = {"SyntaxError", "IndentationError", "TabError"}
PYTHON2_PHRASES = (
    "Missing parentheses in call to 'print'",
    "Missing parentheses in call to 'exec'",
    "multiple exception types must be parenthesized",
    "leading zeros in decimal integer literals are not permitted",
)
PYTHON2_LINES = re.compile(
    r"^\s*(?:print\s+(?:[\"'\w%]|>>)|exec\s+[\"'\w]|"
    r"except\s+[\w.]+\s*,\s*\w+\s*:|raise\s+[\w.]+\s*,\s*\S)", re.M)
URL = re.compile(r"\b(?:https?|ftp|s3|gs)://[^\s'\"<>()\[\]{}\\,]+")
HOST_ARG = re.compile(
    r"host='([^']+)'(?:, port=(\d+))?(?:\).*?with url: (\S+))?")
GETADDRINFO = re.compile(r"getaddrinfo\(\s*['\"]([^'\"]+)['\"]")
# The last line of a Python traceback: Name: value, or a bare Name.
EXCEPTION_LINE = re.compile(
    r"^((?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*(?:Error|Exception|Interrupt|Exit|"
    r"Failure|Timeout)|gaierror|herror|timeout))(?::\s?(.*))?$")
FILE_LINE = re.compile(r"^\s*File \"")
IPYTHON_FILE = re.compile(r"\s*\(\d+\.py, line (\d+)\)$")


def base_name(ename):
    """KeyError for KeyError, gaierror for socket.gaierror."""
    return ename.rsplit(".", 1)[-1]


def network_target(evalue, tb, source):
    """The URL or host a network error was about, or None."""
    m = URL.search(evalue)
    if m:
        return m.group(0).rstrip(".,;:")
    m = HOST_ARG.search(evalue)
    if m:
        return m.group(1) + (":" + m.group(2) if m.group(2) else "") + \
            (m.group(3) or "")
    # The lines that ran (IPython marks them with arrows), then the
    # cell, before any other line: library code quotes URLs in comments.
    lines = tb.splitlines()
    ran = [l for l in lines if re.match(r"^\s*-*>", l)] or lines
    for text in ("\n".join(ran), source, tb):
        m = URL.search(text or "")
        if m:
            return m.group(0).rstrip(".,;:")
    for text in (tb, source):
        m = HOST_ARG.search(text or "") or GETADDRINFO.search(text or "")
        if m:
            return m.group(1)
    return None


def is_network(name, evalue, tb):
    if name in NETWORK_ERRORS:
        return True
    if name == "TimeoutError" and re.search(r"socket|http|urllib|requests",
                                            tb):
        return True
    text = evalue + ("\n" + tb if name in GENERIC_ERRORS else "")
    return any(p in text for p in NETWORK_PHRASES)


def is_python2(evalue, tb):
    return any(p in evalue for p in PYTHON2_PHRASES) or \
        bool(PYTHON2_LINES.search(tb))


def classify(where, ename, evalue, tb, source=""):
    """(reason, message) for an exception named ename raised in where."""
    name = base_name(ename)
    # Short enough that the advice after it stays on the line.
    shown = one_line("%s: %s" % (ename, evalue) if evalue else ename, 200)
    if name == "ModuleNotFoundError" or (
            name == "ImportError" and evalue.startswith("No module named")):
        return "missing-module", "%s: %s: %s" % (where, evalue,
                                                 MISSING_MODULE_FIX)
    if name in SYNTAX_ERRORS:
        if is_python2(evalue, tb):
            return "syntax", "%s: Python 2 code: %s" % (where, shown)
        return "syntax", "%s: %s" % (where, shown)
    if name in MEMORY_ERRORS or "out of memory" in evalue.lower():
        return "memory", "%s ran out of memory (%s)" % (where, shown)
    if is_network(name, evalue, tb):
        target = network_target(evalue, tb, source)
        if target:
            return "network", "%s could not reach %s (%s): %s" % (
                where, target, shown, NETWORK_FIX)
        return "network", "%s: network access failed (%s): %s" % (
            where, shown, NETWORK_FIX)
    return "exception", "%s raised %s" % (where, shown)


def traceback_exception(text):
    """(ename, evalue) of the last Python traceback in text, or None."""
    lines = text.splitlines()
    seen_file = False
    found = None
    for line in lines:
        if FILE_LINE.match(line) or line.startswith("Traceback (most recent"):
            seen_file = True
            continue
        m = EXCEPTION_LINE.match(line)
        if m and seen_file:
            found = (m.group(1), (m.group(2) or "").strip())
    return found


def memory_evidence(text):
    return bool(MEMORY_PHRASES.search(text or ""))


def cgroup_oom_kills():
    """OOM kills counted by this process's memory cgroup, or None."""
    total = None
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            path = "/sys/fs/cgroup%s/memory.events" % parts[2]
        elif "memory" in parts[1].split(","):
            path = "/sys/fs/cgroup/memory%s/memory.oom_control" % parts[2]
        else:
            continue
        try:
            with open(path) as f:
                for row in f:
                    key, _, value = row.partition(" ")
                    if key == "oom_kill":
                        total = (total or 0) + int(value)
        except (OSError, ValueError):
            continue
    return total


# Environment: Python, packages, GPUs

def python_version():
    return platform.python_version()


def package_versions():
    """Versions of the key packages installed for this interpreter."""
    found = {}
    for key, dists in PACKAGES:
        for dist in dists:
            try:
                found[key] = importlib.metadata.version(dist)
                break
            except importlib.metadata.PackageNotFoundError:
                continue
    return found


def gpu_info():
    """{count, names} from nvidia-smi -L, or no GPU without it."""
    none = {"count": 0, "names": []}
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return none
    try:
        out = subprocess.run([smi, "-L"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=20,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return none
    if out.returncode != 0:
        return none
    names = []
    for line in out.stdout.splitlines():
        m = _GPU_LINE.match(line.strip())
        if m:
            names.append(m.group(1))
    return {"count": len(names), "names": names}


def fingerprint():
    """What the results depend on besides the example: kbgen's cache key."""
    libc = "".join(platform.libc_ver())
    return {
        "python": python_version(),
        "packages": package_versions(),
        "gpus": gpu_info(),
        "platform": "-".join(x for x in (platform.system(),
                                          platform.machine(), libc) if x),
    }


def peak_memory_mb():
    """Peak resident memory of this process and its waited-for children."""
    kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return round(kib / 1024, 1)


# job.json

def _number(job, key, default=None):
    value = job.get(key)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value <= 0:
        raise error('job.json: "%s" must be a positive number' % key)
    return float(value)


def _optional_string(job, key):
    value = job.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise error('job.json: "%s" must be a non-empty string or null' % key)
    return value


def _relative_path(job, key, value):
    if os.path.isabs(value) or ".." in value.split("/"):
        raise error('job.json: "%s" must be a path inside the job '
                    'folder, not %s' % (key, value))
    return value


def load_job(path):
    """Read and check job.json; returns it with defaults filled in."""
    try:
        with open(path, encoding="utf-8") as f:
            job = json.load(f)
    except FileNotFoundError:
        raise error("job.json not found: %s" % path) from None
    except (OSError, ValueError) as e:
        raise error("job.json cannot be read: %s" % one_line(e)) from None
    if not isinstance(job, dict):
        raise error("job.json must hold an object")

    workdir = job.get("workdir")
    if not isinstance(workdir, str) or not workdir:
        raise error('job.json: "workdir" must be a non-empty string')
    job["workdir"] = _relative_path(job, "workdir", workdir)
    job["entry"] = _optional_string(job, "entry")
    if job["entry"] is not None:
        _relative_path(job, "entry", job["entry"])
    job["command"] = _optional_string(job, "command")
    if job["entry"] is None and job["command"] is None:
        raise error('job.json: neither "entry" nor "command" is set')

    setup = job.get("setup") or []
    if not isinstance(setup, list) or \
            not all(isinstance(c, str) for c in setup):
        raise error('job.json: "setup" must be a list of strings')
    job["setup"] = setup

    job["timeout"] = _number(job, "timeout")
    job["cell_timeout"] = min(_number(job, "cell_timeout", job["timeout"]),
                              job["timeout"])

    env = job.get("env") or {}
    if not isinstance(env, dict) or not all(
            isinstance(v, str) or (isinstance(v, (int, float)) and
                                   not isinstance(v, bool))
            for v in env.values()):
        raise error('job.json: "env" must map names to strings')
    job["env"] = {str(k): str(v) for k, v in env.items()}

    # run.kernel, then the environment's kernel; "" is null.
    for key in ("kernel", "env_kernel"):
        value = job.get(key)
        if value is not None and not isinstance(value, str):
            raise error('job.json: "%s" must be a string or null' % key)
        job[key] = value or None
    user = job.get("user")
    if user is None:
        user = DEFAULT_USER
    if not isinstance(user, str) or not user or "\0" in user:
        raise error('job.json: "user" must be a non-empty string')
    job["user"] = user
    return job


def prepare_environment(jobdir, job):
    """Point HOME and tools' folders into JOBDIR/home, KBGEN_OUTPUT at
    JOBDIR/output; add the job's env."""
    home = os.path.join(jobdir, "home")
    os.makedirs(home, exist_ok=True)
    # Files for the page (kbgen keeps the images found there).
    output = os.path.join(jobdir, "output")
    os.makedirs(output, exist_ok=True)
    os.environ.update({
        "HOME": home,
        "KBGEN_OUTPUT": output,
        "USER": job["user"],
        "LOGNAME": job["user"],
        "IPYTHONDIR": os.path.join(home, ".ipython"),
        "MPLCONFIGDIR": os.path.join(home, ".config", "matplotlib"),
        "JUPYTER_RUNTIME_DIR": os.path.join(home, ".local", "share",
                                            "jupyter", "runtime"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONUNBUFFERED": "1",
    })
    os.environ.update(job["env"])


# Running a job

class Runner:
    """One job: its folder, its deadline, and what has run so far."""

    def __init__(self, jobdir, job, deadline):
        self.jobdir = jobdir
        self.job = job
        self.deadline = deadline
        self.workdir = os.path.join(jobdir, job["workdir"])
        self.shown = PathNames(jobdir, os.path.normpath(self.workdir))
        self.log_path = os.path.join(jobdir, LOG_NAME)
        self.cells = []
        self.warnings = []
        self.kernel = None        # {name, why} once a kernel is chosen
        self.current = None       # what runs now, for messages
        self.current_cell = None  # index of the notebook cell running now
        self.exit_code = None
        self.output_notebook = None
        self.kernel_pgid = None
        self.log_start = 0        # where the running step's output begins
        self.ooms_at_start = cgroup_oom_kills()  # None: not visible

    def remaining(self):
        return self.deadline - time.monotonic()

    def timeout_outcome(self, what, failed_cell=None):
        return Outcome("timeout", "%s did not finish within the job's "
                       "timeout of %s" % (what,
                                          seconds_text(self.job["timeout"])),
                       self.exit_code, failed_cell)

    def cell_number(self, index):
        for rec in self.cells:
            if rec["index"] == index:
                return rec["number"]
        return None

    def run(self):
        """Run setup then entry; returns the message of a passing job."""
        if not os.path.isdir(self.workdir):
            raise error("workdir not found: %s" % self.job["workdir"],
                        "no-code")
        os.chdir(self.workdir)
        open(self.log_path, "ab").close()
        for n, command in enumerate(self.job["setup"], 1):
            self.run_setup(n, command)
        return self.run_entry()

    # Processes

    def run_setup(self, n, command):
        self.current = "setup command %d" % n
        rc, tail = self.run_process(["/bin/sh", "-c", command], command)
        if rc is None:
            raise self.timeout_outcome(self.current, self.tail_cell("timeout",
                                                                    tail))
        if rc != 0:
            raise Outcome("setup", "setup command %d failed (%s): %s"
                          % (n, exit_name(rc), one_line(command)), None,
                          self.tail_cell(exit_name(rc), tail))

    def run_entry(self):
        job = self.job
        if job["command"] is not None:
            return self.run_script(["/bin/sh", "-c", job["command"]],
                                   job["command"], "command")
        entry = job["entry"]
        path = os.path.join(self.workdir, entry)
        if not os.path.isfile(path):
            raise error("entry not found: %s"
                        % os.path.join(job["workdir"], entry), "no-code")
        ext = os.path.splitext(entry)[1].lower()
        if ext == ".ipynb":
            return run_notebook(self, path)
        if ext in (".py", ".sh"):
            if not has_code(path):
                raise error("%s has no code: nothing to check" % entry,
                            "no-code")
        if ext == ".py":
            return self.run_script([sys.executable, entry],
                                   "python3 " + shlex.quote(entry), entry)
        if ext == ".sh":
            return self.run_script(["bash", entry],
                                   "bash " + shlex.quote(entry), entry)
        raise error("cannot run %s: the entry must be .ipynb, .py or .sh, "
                    "or the job must give a command" % entry, "no-code")

    def run_script(self, argv, shown, name):
        self.current = name
        ooms = cgroup_oom_kills()
        rc, tail = self.run_process(argv, shown)
        self.exit_code = rc
        if rc is None:
            raise self.timeout_outcome(name, self.tail_cell("timeout", tail))
        if rc == 0:
            return "%s exited with status 0" % name
        failed = self.tail_cell(exit_name(rc), tail)
        found = traceback_exception(failed["traceback"])
        oom = ooms is not None and (cgroup_oom_kills() or 0) > ooms
        if rc > 128 and (oom or memory_evidence(tail)):
            reason, message = "memory", "%s ran out of memory (it %s)" % (
                name, exit_text(rc))
        elif rc > 128:
            reason, message = "killed", "%s %s" % (name, exit_text(rc))
        elif found is not None:
            reason, message = classify(name, found[0], found[1],
                                       failed["traceback"])
        else:
            reason, message = "exception", "%s %s" % (name, exit_text(rc))
        raise Outcome(reason, one_line(message), rc, failed)

    def run_process(self, argv, shown):
        """Run argv in workdir with its output in output.log.

        Returns (exit status, output tail), the status as in the shell
        (128 + N for signal N) or None when the job's time ran out.
        """
        if self.remaining() <= 0:
            return None, ""
        with open(self.log_path, "ab") as log:
            log.write(("+ %s\n" % shown).encode("utf-8", "replace"))
            log.flush()
            start = log.tell()
            proc = subprocess.Popen(argv, cwd=self.workdir,
                                    stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            rc = proc.wait(timeout=max(self.remaining(), 0.001))
        except subprocess.TimeoutExpired:
            stop_process(proc)
            rc = None
        except BaseException:
            stop_process(proc)
            raise
        finally:
            kill_group(proc.pid)  # whatever it left running
        if rc is not None and rc < 0:
            rc = 128 - rc
        tail = self.shown(read_tail(self.log_path, start))
        trim_log(self.log_path)
        return rc, tail

    def tail_cell(self, ename, tail):
        """A failed_cell for a process: the tail of its output."""
        return {"index": None, "number": None, "ename": ename,
                "evalue": last_line(tail), "traceback": tail}


def has_code(path):
    """Whether a script has anything but blank lines and comments."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    return True
    except OSError:
        return True  # let the interpreter say what is wrong
    return False


def stop_process(proc):
    """SIGTERM the process group, SIGKILL it after a grace period."""
    kill_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid, signal.SIGKILL)
        proc.wait()


def read_tail(path, start):
    """The last lines written to path after offset start."""
    try:
        with open(path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(start, size - TAIL_BYTES))
            data = f.read()
    except OSError:
        return ""
    return tail_lines(data.decode("utf-8", "replace"))


def trim_log(path):
    """Keep the last LOG_LIMIT bytes of path, from a line start."""
    try:
        if os.path.getsize(path) <= LOG_LIMIT:
            return
        with open(path, "r+b") as f:
            f.seek(-LOG_LIMIT, os.SEEK_END)
            data = f.read()
            cut = data.find(b"\n")
            if 0 <= cut < 4096:
                data = data[cut + 1:]
            f.seek(0)
            f.write(b"[... earlier output cut ...]\n")
            f.write(data)
            f.truncate()
    except OSError:
        pass


# Notebooks

def import_nbclient():
    """nbformat, nbclient and jupyter_client, imported only when needed."""
    try:
        import nbformat
        import nbclient
        import nbclient.exceptions
        import nbclient.util
        import jupyter_client.kernelspec
    except ImportError:
        raise error(NBCLIENT_MISSING, "kernel") from None
    return types.SimpleNamespace(
        nbformat=nbformat,
        NotebookClient=nbclient.NotebookClient,
        CellExecutionError=nbclient.exceptions.CellExecutionError,
        CellTimeoutError=nbclient.exceptions.CellTimeoutError,
        DeadKernelError=nbclient.exceptions.DeadKernelError,
        KernelSpecManager=jupyter_client.kernelspec.KernelSpecManager,
        NoSuchKernel=jupyter_client.kernelspec.NoSuchKernel,
        run_sync=nbclient.util.run_sync,
        ensure_async=nbclient.util.ensure_async)


def write_venv_kernelspec():
    """A python3 kernel for this interpreter when it is a venv's.

    Debian's python3 kernelspec runs /usr/bin/python3, which does not see
    the packages of the requirements venv; the one in the job's HOME,
    searched first, runs the venv's interpreter.
    """
    if sys.prefix == sys.base_prefix or \
            importlib.util.find_spec("ipykernel_launcher") is None:
        return
    try:
        from jupyter_core.paths import jupyter_data_dir
        data = jupyter_data_dir()
    except ImportError:
        data = os.path.join(os.environ["HOME"], ".local", "share",
                            "jupyter")
    folder = os.path.join(data, "kernels", "python3")
    os.makedirs(folder, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                     "{connection_file}"],
            "display_name": "Python 3 (venv)", "language": "python",
            "metadata": {"debugger": True}}
    write_atomic(os.path.join(folder, "kernel.json"),
                 (json.dumps(spec, indent=1) + "\n").encode())


def choose_kernel(job, nb, nbc):
    """(name, why) of the kernel to run, or an Outcome "kernel"."""
    try:
        kernels = sorted(nbc.KernelSpecManager().find_kernel_specs())
    except Exception as e:  # a broken kernelspec folder, say
        raise error("cannot list Jupyter kernels: %s" % one_line(e),
                    "kernel") from None
    have = "kernels here: %s" % (", ".join(kernels) or
                                 "none (install python3-ipykernel)")

    def exists(name):
        return name.lower() in kernels

    for key, whose in (("kernel", "run.kernel"),
                       ("env_kernel", "the environment")):
        name = job[key]
        if name is None:
            continue
        if not exists(name):
            raise Outcome("kernel", 'Jupyter kernel "%s" named by %s does '
                          'not exist; %s' % (name, whose, have))
        return name, "%s asks for %s" % (whose, name)
    spec = nb.metadata.get("kernelspec") or {}
    wanted = spec.get("name") if isinstance(spec, dict) else None
    if isinstance(wanted, str) and wanted and exists(wanted):
        return wanted, "the notebook asks for %s" % wanted
    if not exists("python3"):
        raise Outcome("kernel", 'no Jupyter kernel "python3" to run the '
                      'notebook with; %s' % have)
    if isinstance(wanted, str) and wanted:
        return "python3", ("the notebook asks for %s, which this "
                           "environment does not have: ran python3" % wanted)
    return "python3", "the notebook names no kernel: ran python3"


def run_notebook(runner, path):
    """Execute the notebook at path cell by cell; the pass message."""
    nbc = import_nbclient()
    runner.current = runner.job["entry"]
    try:
        nb = nbc.nbformat.read(path, as_version=4)
    except Exception as e:  # nbformat raises several kinds
        raise error("cannot read notebook %s: %s"
                    % (runner.job["entry"], one_line(e)), "no-code") \
            from None

    runner.cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            runner.cells.append({"index": i, "number": len(runner.cells) + 1,
                                 "seconds": 0.0, "status": "not-run"})
    check_has_code(runner, nb)
    write_venv_kernelspec()
    name, why = choose_kernel(runner.job, nb, nbc)
    runner.kernel = {"name": name, "why": why}
    limit = {"overall": False}

    def cell_timeout(cell):
        left = runner.remaining()
        limit["overall"] = left < runner.job["cell_timeout"]
        return max(min(runner.job["cell_timeout"], left), 0.001)

    client = nbc.NotebookClient(
        nb, kernel_name=name,
        timeout=math.ceil(runner.job["cell_timeout"]),
        timeout_func=cell_timeout,
        startup_timeout=max(1, min(STARTUP_TIMEOUT,
                                   math.ceil(runner.remaining()))),
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(path)}})
    runner.output_notebook = NOTEBOOK_NAME
    started = False
    log = open(runner.log_path, "ab")
    try:
        # What the kernel process itself prints (not cell output) is
        # output of the entry too: it goes to output.log.
        log.write(("+ jupyter kernel %s for %s\n" % (
            name, runner.job["entry"])).encode())
        log.flush()
        runner.log_start = log.tell()
        with client.setup_kernel(stdout=log, stderr=log):
            runner.kernel_pgid = kernel_pgid(client)
            try:
                kernel_info(client)
                started = True
                kernel = Kernel(runner, client, nbc)
                return execute_cells(runner, client, limit, nbc, kernel)
            except BaseException:
                client.shutdown_kernel = "immediate"
                raise
    except nbc.NoSuchKernel:
        raise Outcome("kernel", 'Jupyter kernel "%s" not found' % name) \
            from None
    except (RuntimeError, TimeoutError) as e:
        if started:
            raise
        if runner.remaining() <= 0:
            raise runner.timeout_outcome("the kernel start") from None
        tail = runner.shown(read_tail(runner.log_path, runner.log_start))
        raise Outcome("kernel", "the kernel %s did not start: %s"
                      % (name, one_line(runner.shown(str(e)))),
                      None, runner.tail_cell(type(e).__name__, tail)) \
            from None
    finally:
        log.close()
        if runner.kernel_pgid is not None:
            kill_group(runner.kernel_pgid)
        save_notebook(nbc.nbformat, nb,
                      os.path.join(runner.jobdir, NOTEBOOK_NAME))
        nbc.run_sync(cancel_pending_tasks)()


def check_has_code(runner, nb):
    """An Outcome "no-code" when no code cell would run."""
    entry = runner.job["entry"]
    if not runner.cells:
        raise error("%s has no code cells: nothing to check" % entry,
                    "no-code")
    runnable = [rec for rec in runner.cells
                if nb.cells[rec["index"]].source.strip() and
                "skip-execution" not in
                nb.cells[rec["index"]].metadata.get("tags", [])]
    if runnable:
        return
    skipped = any("skip-execution" in nb.cells[rec["index"]].metadata.get(
        "tags", []) for rec in runner.cells)
    raise error("every code cell of %s is empty%s: nothing to check" % (
        entry, " or tagged skip-execution" if skipped else ""), "no-code")


def kernel_pgid(client):
    """The kernel's process group (it runs in a session of its own)."""
    provisioner = getattr(client.km, "provisioner", None)
    return getattr(provisioner, "pgid", None) or \
        getattr(provisioner, "pid", None)


def kernel_exit(client):
    """How the kernel process ended: "killed by signal 9", or None."""
    provisioner = getattr(client.km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    rc = None
    if process is not None:
        try:
            rc = process.poll()
            if rc is None:
                rc = process.wait(timeout=1)
        except Exception:  # subprocess.TimeoutExpired, or gone
            rc = getattr(process, "returncode", None)
    if rc is None:
        return None
    return "killed by signal %d" % -rc if rc < 0 else "exit %d" % rc


async def cancel_pending_tasks():
    """Cancel what nbclient left running after a timeout or a signal."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def kernel_info(client):
    """Wait for the kernel to answer; record its language as nbclient does."""
    info = client.wait_for_reply(client.kc.kernel_info())
    if info is not None and "language_info" in info["content"]:
        client.nb.metadata["language_info"] = \
            info["content"]["language_info"]


# What the driver asks an IPython kernel before the first cell: wrap the
# functions through which IPython runs shell commands (system() for !cmd,
# %system's and %sx's getoutput() through process_handler(), %pip and
# %conda through system()) so that each non-zero exit is noted, and a
# module _kbgen_driver whose take() hands the notes over.  The wrappers
# sit below IPython's own variable expansion, which looks at its
# caller's frame: that frame stays the user's.
HOOK = r'''
def _kbgen_hook():
    import subprocess, sys, types
    notes = []
    mod = types.ModuleType("_kbgen_driver")
    def take():
        out = notes[:]
        del notes[:]
        return out
    def note(cmd, rc):
        if rc:
            notes.append((str(cmd)[:1000], int(rc)))
    mod.take = take
    for name in ("ipykernel.zmqshell", "IPython.core.interactiveshell"):
        m = sys.modules.get(name)
        system = getattr(m, "system", None)
        if system is None or getattr(system, "_kbgen", False):
            continue
        def wrapped(cmd, _system=system):
            rc = _system(cmd)
            note(cmd, rc)
            return rc
        wrapped._kbgen = True
        m.system = wrapped
    sys.modules["_kbgen_driver"] = mod
    try:
        import IPython.utils._process_common as pc
        handler = pc.process_handler
    except (ImportError, AttributeError):
        return
    def process_handler(cmd, callback, stderr=subprocess.PIPE):
        procs = []
        def keep(p):
            procs.append(p)
            return callback(p)
        try:
            return handler(cmd, keep, stderr)
        finally:
            if procs and procs[0].returncode:
                note(cmd, procs[0].returncode)
    pc.process_handler = process_handler
try:
    _kbgen_hook()
finally:
    del _kbgen_hook
'''


class Kernel:
    """The driver's own requests to an IPython kernel, between cells."""

    def __init__(self, runner, client, nbc):
        self.runner = runner
        self.client = client
        self.nbc = nbc
        info = client.nb.metadata.get("language_info") or {}
        self.python = info.get("name") == "python"
        self.hooked = False
        self.next_count = 1     # IPython's counter for the next cell
        if self.python:
            reply = self.request(HOOK)
            self.hooked = reply is not None and reply.get("status") == "ok"

    def request(self, code, expressions=None):
        """A silent execute request; its reply's content or None."""
        for attempt in range(5):
            content = self.nbc.run_sync(self._request)(code, expressions)
            # Right after an error the kernel aborts what it receives.
            if content is None or content.get("status") != "aborted":
                return content
            time.sleep(0.05 * (attempt + 1))
        return None

    async def _request(self, code, expressions):
        kc = self.client.kc
        # Silent: no execution count, no history, and an error here does
        # not make the kernel abort the next cell.
        msg_id = kc.execute(code, silent=True, store_history=False,
                            user_expressions=expressions or {},
                            allow_stdin=False)
        end = time.monotonic() + max(min(QUERY_TIMEOUT,
                                         self.runner.remaining()), 0.1)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                msg = await self.nbc.ensure_async(kc.get_shell_msg(
                    timeout=left))
            except queue.Empty:
                return None
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg["content"]

    def before(self, number):
        """Make IPython's counter N before cell In [N], as Jupyter shows."""
        if self.python and self.next_count != number:
            self.request("get_ipython().execution_count = %d" % number)
        self.next_count = number + 1

    def failed_commands(self):
        """[(command, exit status)] of the last cell's failed commands."""
        if not self.hooked:
            return []
        content = self.request("", {"k": "__import__('_kbgen_driver').take()"})
        try:
            value = content["user_expressions"]["k"]
            notes = ast.literal_eval(value["data"]["text/plain"])
            return [(str(c), int(rc)) for c, rc in notes]
        except (TypeError, KeyError, ValueError, SyntaxError):
            return []


def command_warnings(runner, kernel, number):
    """Record the failed shell commands of cell In [number]."""
    for command, rc in kernel.failed_commands():
        command = one_line(runner.shown(command), 200)
        how = "killed by signal %d" % -rc if rc < 0 else "exit %d" % rc
        runner.warnings.append({
            "cell": number, "command": command, "exit_code": rc,
            "message": "In [%d]: %s failed (%s)" % (number, command, how)})


def warnings_note(warnings, number):
    """What a failure in In [number] says of the failed commands."""
    before = [w for w in warnings if number is None or w["cell"] <= number]
    if not before:
        return ""
    w = before[0]
    how = "exit %d" % w["exit_code"] if w["exit_code"] > 0 else \
        "signal %d" % -w["exit_code"]
    if number is not None and w["cell"] == number:
        text = "this cell's command failed: %s %s" % (
            one_line(w["command"], 100), how)
    else:
        text = "an earlier cell's command failed: In [%d] %s %s" % (
            w["cell"], one_line(w["command"], 100), how)
    if len(before) > 1:
        text += " (and %d more)" % (len(before) - 1)
    return text


def execute_cells(runner, client, limit, nbc, kernel):
    """Run the code cells in order; the pass message or an Outcome."""
    skipped = 0
    for rec in runner.cells:
        index, number = rec["index"], rec["number"]
        where = "In [%d]" % number
        cell = client.nb.cells[index]
        if "skip-execution" in cell.metadata.get("tags", []):
            rec["status"] = "skipped"
            skipped += 1
            continue
        if not cell.source.strip():
            rec["status"] = "ok"
            continue
        kernel.before(number)
        runner.current_cell = index
        t0 = time.monotonic()
        try:
            client.execute_cell(cell, index, execution_count=number)
        except nbc.CellExecutionError as e:
            rec.update(seconds=round(time.monotonic() - t0, 3),
                       status="error")
            command_warnings(runner, kernel, number)
            raise cell_failure(runner, rec, cell, e) from None
        except nbc.CellTimeoutError:
            rec.update(seconds=round(time.monotonic() - t0, 3),
                       status="timeout")
            failed = {"index": index, "number": number,
                      "ename": "CellTimeoutError", "evalue": "",
                      "traceback": tail_lines(cell.source)}
            if limit["overall"]:
                failed["evalue"] = "the job's timeout was reached"
                raise runner.timeout_outcome(where, failed)
            failed["evalue"] = "cell timeout of %s reached" % \
                seconds_text(runner.job["cell_timeout"])
            raise Outcome("timeout", "%s did not finish within the cell "
                          "timeout of %s" % (where, seconds_text(
                              runner.job["cell_timeout"])),
                          None, failed) from None
        except nbc.DeadKernelError:
            rec.update(seconds=round(time.monotonic() - t0, 3),
                       status="error")
            raise dead_kernel(runner, client, rec, cell) from None
        rec.update(seconds=round(time.monotonic() - t0, 3), status="ok")
        command_warnings(runner, kernel, number)
    runner.current_cell = None
    ran = len(runner.cells) - skipped
    message = "%s ran" % plural(ran, "code cell")
    if skipped:
        message += ", %d skipped" % skipped
    if runner.warnings:
        message += "; %s failed (%s)" % (
            plural(len(runner.warnings), "shell command"),
            ", ".join("In [%d]" % n for n in sorted(
                {w["cell"] for w in runner.warnings})))
    return message


def dead_kernel(runner, client, rec, cell):
    """The Outcome of a kernel that died in a cell: memory or killed."""
    ooms = runner.ooms_at_start
    tail = runner.shown(read_tail(runner.log_path, runner.log_start))
    how = kernel_exit(client)
    oom = ooms is not None and (cgroup_oom_kills() or 0) > ooms
    where = "In [%d]" % rec["number"]
    if oom or memory_evidence(tail):
        reason = "memory"
        message = "%s: the kernel died out of memory" % where
    else:
        reason = "killed"
        message = "%s: the kernel died" % where
    if how:
        message += " (%s)" % how
    return Outcome(reason, message, None,
                   {"index": rec["index"], "number": rec["number"],
                    "ename": "DeadKernelError",
                    "evalue": last_line(tail) or "the kernel died",
                    "traceback": tail or tail_lines(cell.source)})


def cell_failure(runner, rec, cell, exc):
    """The Outcome of a cell that raised: its error output, uncoloured."""
    ename, evalue, tb = exc.ename, exc.evalue, ""
    for out in reversed(cell.get("outputs", [])):
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", ename), out.get("evalue", evalue)
            tb = "\n".join(out.get("traceback", []))
            break
    if not tb:
        tb = str(exc)
    ename = strip_ansi(str(ename))
    evalue = runner.shown(strip_ansi(str(evalue)))
    if base_name(ename) in SYNTAX_ERRORS:
        # IPython compiles a cell as a file named after its hash.
        evalue = IPYTHON_FILE.sub(r" (line \1)", evalue)
    tb = runner.shown(tail_lines(tb))
    where = "In [%d]" % rec["number"]
    magic = re.match(r"\s*%%(bash|sh|script)\b", cell.source)
    m = re.search(r"returned non-zero exit status (\d+)|died with <Signals\."
                  r"(\w+)", evalue)
    if ename == "CalledProcessError" and magic and m:
        reason = "exception"
        message = "%s raised CalledProcessError: its %%%%%s script %s" % (
            where, magic.group(1), "exited with status %s" % m.group(1)
            if m.group(1) else "was killed by %s" % m.group(2))
    else:
        reason, message = classify(where, ename, evalue, tb, cell.source)
    return Outcome(reason, one_line(message), None,
                   {"index": rec["index"], "number": rec["number"],
                    "ename": ename, "evalue": evalue, "traceback": tb})


def save_notebook(nbformat, nb, path):
    try:
        write_atomic(path, nbformat.writes(nb).encode("utf-8"))
    except Exception as e:  # a result without output.ipynb is still one
        print("driver: cannot write %s: %s" % (path, e), file=sys.stderr)


# The job as a whole

def _on_signal(signum, frame):
    # Once is enough: the cleanup that follows must not be cut short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Stop(signum)


def run_job(jobdir, job_path=None, result_fd=None):
    """Run the job in jobdir and deliver its result; the exit status."""
    jobdir = os.path.abspath(jobdir)
    problem = protect(result_fd)
    if not os.path.isdir(jobdir) or not os.access(jobdir, os.W_OK):
        print("driver: %s is not a writable folder" % jobdir,
              file=sys.stderr)
        if result_fd is None:
            return 2
        problem = "the job folder %s is not a writable folder" % jobdir
    start, t0 = time.time(), time.monotonic()
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    result = {"status": "pass", "reason": None, "exit_code": None,
              "message": "", "failed_cell": None}
    runner = None
    try:
        try:
            if problem is not None:
                raise error(problem)
            job = load_job(job_path or os.path.join(jobdir, "job.json"))
            prepare_environment(jobdir, job)
            runner = Runner(jobdir, job, t0 + job["timeout"])
            result["message"] = runner.run()
        except Outcome as o:
            result.update(status=o.status, reason=o.reason,
                          message=o.message, exit_code=o.exit_code,
                          failed_cell=o.failed_cell)
    except Stop as s:
        result.update(stopped(runner, s.signum))
    except Exception as e:
        result.update(status="error", reason="environment",
                      message="driver error: %s: %s"
                      % (type(e).__name__, one_line(e)))
        if problem is None:
            log_internal_error(jobdir)
    if runner is not None and result["exit_code"] is None:
        result["exit_code"] = runner.exit_code
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if problem is None:
        trim_log(os.path.join(jobdir, LOG_NAME))
    warnings = runner.warnings if runner else []
    if result["status"] != "pass":
        number = (result["failed_cell"] or {}).get("number")
        note = warnings_note(warnings, number) if number else ""
        message = one_line(result["message"], 300)
        result["message"] = message + (" (%s)" % note if note else "")
    if runner is not None:
        result["message"] = runner.shown(result["message"])
    if result["reason"] is None:
        del result["reason"]
    end = time.time()
    result.update({
        "warnings": warnings,
        "kernel": runner.kernel if runner else None,
        "cells": runner.cells if runner else [],
        "seconds": round(time.monotonic() - t0, 3),
        "peak_memory_mb": peak_memory_mb(),
        "gpus": gpu_info(),
        "python": python_version(),
        "packages": package_versions(),
        "host": socket.gethostname(),
        "start": rfc3339(start),
        "end": rfc3339(end),
        "output_notebook": runner.output_notebook if runner else None,
    })
    data = (json.dumps(result, indent=2, ensure_ascii=False) + "\n").encode()
    try:
        if result_fd is not None:
            write_fd(result_fd, data)
        else:
            write_atomic(os.path.join(jobdir, RESULT_NAME), data)
    except OSError as e:
        print("driver: cannot deliver the result: %s" % e, file=sys.stderr)
        return 2
    return 0


def stopped(runner, signum):
    """Result fields for a job stopped by a signal."""
    name = signal.Signals(signum).name
    cell = runner.current_cell if runner is not None else None
    number = runner.cell_number(cell) if cell is not None else None
    where = ""
    if number is not None:
        where = " in In [%d]" % number
    elif runner is not None and runner.current is not None:
        where = " in " + runner.current
    if runner is None or runner.remaining() > 0:
        return {"status": "interrupted", "reason": "killed",
                "failed_cell": None,
                "message": "interrupted by %s%s" % (name, where)}
    failed = None
    if cell is not None:
        for rec in runner.cells:
            if rec["index"] == cell:
                rec["status"] = "timeout"
        failed = {"index": cell, "number": number, "ename": name,
                  "evalue": "the job's timeout was reached", "traceback": ""}
    return {"status": "timeout", "reason": "timeout", "failed_cell": failed,
            "message": "stopped by %s%s after the job's timeout of %s"
            % (name, where, seconds_text(runner.job["timeout"]))}


def log_internal_error(jobdir):
    """Append the driver's own traceback to output.log."""
    try:
        with open(os.path.join(jobdir, LOG_NAME), "a",
                  encoding="utf-8") as f:
            f.write("driver error:\n" + traceback.format_exc())
    except OSError:
        pass


def main(argv):
    if len(argv) == 2 and argv[1] == "--fingerprint":
        print(json.dumps(fingerprint(), sort_keys=True,
                         separators=(",", ":")))
        return 0
    parser = argparse.ArgumentParser(
        prog="driver.py",
        usage="driver.py [--job FILE] [--result-fd N] JOBDIR | "
              "--fingerprint")
    parser.add_argument("--job", metavar="FILE",
                        help="job.json (default JOBDIR/job.json)")
    parser.add_argument("--result-fd", metavar="N", type=int,
                        help="write the result to this open file "
                             "descriptor instead of JOBDIR/result.json")
    parser.add_argument("jobdir", metavar="JOBDIR")
    args = parser.parse_args(argv[1:])
    if args.result_fd is not None:
        try:
            os.fstat(args.result_fd)
        except OSError as e:
            print("driver: --result-fd %d: %s" % (args.result_fd,
                                                  e.strerror),
                  file=sys.stderr)
            return 2
        if args.result_fd <= 2:
            print("driver: --result-fd must not be 0, 1 or 2",
                  file=sys.stderr)
            return 2
    return run_job(args.jobdir, args.job, args.result_fd)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
