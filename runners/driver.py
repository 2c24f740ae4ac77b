#!/usr/bin/python3
"""Run one kbgen job and always write its result.

Usage:
    /usr/bin/python3 runners/driver.py JOBDIR
    /usr/bin/python3 runners/driver.py --fingerprint

The job folder, job.json and result.json are described in
runners/README.md, which is the contract between kbgen and this driver.
In short: read JOBDIR/job.json, run its setup commands and then its
entry (a notebook through nbclient, a .py script with this interpreter,
a .sh script with bash, or the job's own shell command) in
JOBDIR/WORKDIR, and write JOBDIR/result.json atomically, whatever
happened.  The exit status is 0 whenever result.json was written and 2
when it could not be (JOBDIR unusable).

Choices the README leaves open:

- Cell indexes (in "cells" and "failed_cell") are positions in the
  notebook's list of cells, markdown cells included, counted from 0, so
  that they point at the same cell in output.ipynb.  "cells" lists the
  code cells only.
- A cell tagged raises-exception is "ok" whether it raised or not; an
  error anywhere else stops the notebook there ("error"; later cells
  are "not-run").  Empty code cells are "ok" in 0 s.
- The kernel runs in the notebook's folder (as in Jupyter); scripts and
  commands run in WORKDIR.  Scripts run with this interpreter
  (sys.executable, /usr/bin/python3 as kbgen calls it), so the Python
  and package versions reported are the ones the job used.
- When an entry, command or setup command fails or runs out of time,
  "failed_cell" holds the tail of its output: {index: null,
  ename: "exit N" (or "signal N", "timeout"), evalue: the last line,
  traceback: the last 40 lines}.
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

import asyncio
import datetime
import importlib.metadata
import json
import math
import os
import platform
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

# Key in result.json, then the distributions that provide it.
PACKAGES = (
    ("numpy", ("numpy",)),
    ("torch", ("torch",)),
    ("tensorflow", ("tensorflow", "tensorflow-cpu", "tensorflow-gpu")),
    ("keras", ("keras",)),
    ("sklearn", ("scikit-learn",)),
)

NBCLIENT_MISSING = ("python3-nbclient is not installed: "
                    "apt install python3-nbclient python3-ipykernel")

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                   r"|\x1b[@-Z\\-_]")
_GPU_LINE = re.compile(r"^GPU \d+: (.*?)(?: \(UUID: [^)]*\))?$")


class Outcome(Exception):
    """Ends the job with a status other than "pass"."""

    def __init__(self, status, message, exit_code=None, failed_cell=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.exit_code = exit_code
        self.failed_cell = failed_cell


class Stop(BaseException):
    """Raised in the main flow by SIGTERM or SIGINT."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def error(message):
    """An Outcome for a job that could not run."""
    return Outcome("error", message)


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


def kill_group(pgid, sig=signal.SIGKILL):
    """Signal a process group; False when it is gone."""
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


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


def load_job(jobdir):
    """Read and check job.json; returns it with defaults filled in."""
    path = os.path.join(jobdir, "job.json")
    try:
        with open(path, encoding="utf-8") as f:
            job = json.load(f)
    except FileNotFoundError:
        raise error("job.json not found in %s" % jobdir) from None
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

    kernel = job.get("kernel") or ""
    if not isinstance(kernel, str):
        raise error('job.json: "kernel" must be a string')
    job["kernel"] = kernel
    return job


def prepare_environment(jobdir, job):
    """Point HOME and tools' folders into JOBDIR/home; add the job's env."""
    home = os.path.join(jobdir, "home")
    os.makedirs(home, exist_ok=True)
    os.environ.update({
        "HOME": home,
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
        self.log_path = os.path.join(jobdir, LOG_NAME)
        self.cells = []
        self.current = None      # what runs now, for messages
        self.current_cell = None  # index of the notebook cell running now
        self.exit_code = None
        self.output_notebook = None
        self.kernel_pgid = None
        self.log_start = 0       # where the running step's output begins

    def remaining(self):
        return self.deadline - time.monotonic()

    def timeout_outcome(self, what, failed_cell=None):
        return Outcome("timeout", "%s did not finish within the job's "
                       "timeout of %s" % (what,
                                          seconds_text(self.job["timeout"])),
                       self.exit_code, failed_cell)

    def run(self):
        """Run setup then entry; returns the message of a passing job."""
        if not os.path.isdir(self.workdir):
            raise error("workdir not found: %s" % self.job["workdir"])
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
            raise Outcome("error", "setup command %d failed (exit %d): %s"
                          % (n, rc, one_line(command)), None,
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
                        % os.path.join(job["workdir"], entry))
        ext = os.path.splitext(entry)[1].lower()
        if ext == ".ipynb":
            return run_notebook(self, path)
        if ext == ".py":
            return self.run_script([sys.executable, entry],
                                   "python3 " + shlex.quote(entry), entry)
        if ext == ".sh":
            return self.run_script(["bash", entry],
                                   "bash " + shlex.quote(entry), entry)
        raise error("cannot run %s: the entry must be .ipynb, .py or .sh, "
                    "or the job must give a command" % entry)

    def run_script(self, argv, shown, name):
        self.current = name
        rc, tail = self.run_process(argv, shown)
        self.exit_code = rc
        if rc is None:
            raise self.timeout_outcome(name, self.tail_cell("timeout", tail))
        if rc != 0:
            if rc > 128:
                what = "was killed by signal %d" % (rc - 128)
            else:
                what = "exited with status %d" % rc
            raise Outcome("fail", "%s %s" % (name, what), rc,
                          self.tail_cell(exit_name(rc), tail))
        return "%s exited with status 0" % name

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
        tail = read_tail(self.log_path, start)
        trim_log(self.log_path)
        return rc, tail

    def tail_cell(self, ename, tail):
        """A failed_cell for a process: the tail of its output."""
        return {"index": None, "ename": ename, "evalue": last_line(tail),
                "traceback": tail}


def exit_name(rc):
    return "signal %d" % (rc - 128) if rc > 128 else "exit %d" % rc


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
        raise error(NBCLIENT_MISSING) from None
    return types.SimpleNamespace(
        nbformat=nbformat,
        NotebookClient=nbclient.NotebookClient,
        CellExecutionError=nbclient.exceptions.CellExecutionError,
        CellTimeoutError=nbclient.exceptions.CellTimeoutError,
        DeadKernelError=nbclient.exceptions.DeadKernelError,
        NoSuchKernel=jupyter_client.kernelspec.NoSuchKernel,
        run_sync=nbclient.util.run_sync)


def run_notebook(runner, path):
    """Execute the notebook at path cell by cell; the pass message."""
    nbc = import_nbclient()
    runner.current = runner.job["entry"]
    try:
        nb = nbc.nbformat.read(path, as_version=4)
    except Exception as e:  # nbformat raises several kinds
        raise error("cannot read notebook %s: %s"
                    % (runner.job["entry"], one_line(e))) from None

    runner.cells = [{"index": i, "seconds": 0.0, "status": "not-run"}
                    for i, cell in enumerate(nb.cells)
                    if cell.cell_type == "code"]
    limit = {"overall": False}

    def cell_timeout(cell):
        left = runner.remaining()
        limit["overall"] = left < runner.job["cell_timeout"]
        return max(min(runner.job["cell_timeout"], left), 0.001)

    # The job's kernel, else the one the notebook names, else python3.
    if not runner.job["kernel"]:
        spec = nb.metadata.get("kernelspec") or {}
        runner.job["kernel"] = spec.get("name") or "python3"
    client = nbc.NotebookClient(
        nb, kernel_name=runner.job["kernel"],
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
            runner.job["kernel"], runner.job["entry"])).encode())
        log.flush()
        runner.log_start = log.tell()
        with client.setup_kernel(stdout=log, stderr=log):
            runner.kernel_pgid = kernel_pgid(client)
            try:
                kernel_info(client)
                started = True
                return execute_cells(runner, client, limit, nbc)
            except BaseException:
                client.shutdown_kernel = "immediate"
                raise
    except nbc.NoSuchKernel:
        raise error('Jupyter kernel "%s" not found: '
                    'apt install python3-ipykernel'
                    % runner.job["kernel"]) from None
    except (RuntimeError, TimeoutError) as e:
        if started:
            raise
        if runner.remaining() <= 0:
            raise runner.timeout_outcome("the kernel start") from None
        tail = read_tail(runner.log_path, runner.log_start)
        raise Outcome("error", "the kernel did not start: %s" % one_line(e),
                      None, runner.tail_cell(type(e).__name__, tail)) \
            from None
    finally:
        log.close()
        if runner.kernel_pgid is not None:
            kill_group(runner.kernel_pgid)
        save_notebook(nbc.nbformat, nb,
                      os.path.join(runner.jobdir, NOTEBOOK_NAME))
        nbc.run_sync(cancel_pending_tasks)()


def kernel_pgid(client):
    """The kernel's process group (it runs in a session of its own)."""
    provisioner = getattr(client.km, "provisioner", None)
    return getattr(provisioner, "pgid", None) or \
        getattr(provisioner, "pid", None)


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


def execute_cells(runner, client, limit, nbc):
    """Run the code cells in order; the pass message or an Outcome."""
    skipped = 0
    for rec in runner.cells:
        index = rec["index"]
        cell = client.nb.cells[index]
        if "skip-execution" in cell.metadata.get("tags", []):
            rec["status"] = "skipped"
            skipped += 1
            continue
        runner.current_cell = index
        t0 = time.monotonic()
        try:
            client.execute_cell(cell, index, execution_count=(
                client.code_cells_executed + 1))
        except nbc.CellExecutionError as e:
            rec.update(seconds=round(time.monotonic() - t0, 3),
                       status="error")
            raise cell_failure(index, cell, e) from None
        except nbc.CellTimeoutError:
            rec.update(seconds=round(time.monotonic() - t0, 3),
                       status="timeout")
            failed = {"index": index, "ename": "CellTimeoutError",
                      "evalue": "", "traceback": tail_lines(cell.source)}
            if limit["overall"]:
                failed["evalue"] = "the job's timeout was reached"
                raise runner.timeout_outcome("cell %d" % index, failed)
            failed["evalue"] = "cell timeout of %s reached" % \
                seconds_text(runner.job["cell_timeout"])
            raise Outcome("timeout", "cell %d did not finish within the cell "
                          "timeout of %s" % (index, seconds_text(
                              runner.job["cell_timeout"])),
                          None, failed) from None
        except nbc.DeadKernelError:
            rec.update(seconds=round(time.monotonic() - t0, 3),
                       status="error")
            tail = read_tail(runner.log_path, runner.log_start)
            raise Outcome("fail", "the kernel died in cell %d" % index, None,
                          {"index": index, "ename": "DeadKernelError",
                           "evalue": last_line(tail) or "the kernel died",
                           "traceback": tail or tail_lines(cell.source)}) \
                from None
        rec.update(seconds=round(time.monotonic() - t0, 3), status="ok")
    runner.current_cell = None
    ran = len(runner.cells) - skipped
    return "%d code cell%s ran%s" % (ran, "" if ran == 1 else "s",
                                     ", %d skipped" % skipped
                                     if skipped else "")


def cell_failure(index, cell, exc):
    """The Outcome of a cell that raised: its error output, uncoloured."""
    ename, evalue, tb = exc.ename, exc.evalue, ""
    for out in reversed(cell.get("outputs", [])):
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", ename), out.get("evalue", evalue)
            tb = "\n".join(out.get("traceback", []))
            break
    if not tb:
        tb = str(exc)
    ename, evalue = strip_ansi(str(ename)), strip_ansi(str(evalue))
    message = "cell %d raised %s" % (index, ename)
    if evalue:
        message += ": " + evalue
    return Outcome("fail", one_line(message), None,
                   {"index": index, "ename": ename, "evalue": evalue,
                    "traceback": tail_lines(tb)})


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


def run_job(jobdir):
    """Run the job in jobdir and write result.json; the exit status."""
    jobdir = os.path.abspath(jobdir)
    if not os.path.isdir(jobdir) or not os.access(jobdir, os.W_OK):
        print("driver: %s is not a writable folder" % jobdir,
              file=sys.stderr)
        return 2
    start, t0 = time.time(), time.monotonic()
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    result = {"status": "pass", "exit_code": None, "message": "",
              "failed_cell": None}
    runner = None
    try:
        try:
            job = load_job(jobdir)
            prepare_environment(jobdir, job)
            runner = Runner(jobdir, job, t0 + job["timeout"])
            result["message"] = runner.run()
        except Outcome as o:
            result.update(status=o.status, message=o.message,
                          exit_code=o.exit_code, failed_cell=o.failed_cell)
    except Stop as s:
        result.update(stopped(runner, s.signum))
    except Exception as e:
        result.update(status="error", message="driver error: %s: %s"
                      % (type(e).__name__, one_line(e)))
        log_internal_error(jobdir)
    if runner is not None and result["exit_code"] is None:
        result["exit_code"] = runner.exit_code
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    trim_log(os.path.join(jobdir, LOG_NAME))
    end = time.time()
    result.update({
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
    data = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomic(os.path.join(jobdir, RESULT_NAME), data.encode("utf-8"))
    except OSError as e:
        print("driver: cannot write result.json: %s" % e, file=sys.stderr)
        return 2
    return 0


def stopped(runner, signum):
    """Result fields for a job stopped by a signal."""
    name = signal.Signals(signum).name
    cell = runner.current_cell if runner is not None else None
    where = ""
    if cell is not None:
        where = " in cell %d" % cell
    elif runner is not None and runner.current is not None:
        where = " in " + runner.current
    if runner is None or runner.remaining() > 0:
        return {"status": "interrupted", "failed_cell": None,
                "message": "interrupted by %s%s" % (name, where)}
    failed = None
    if cell is not None:
        for rec in runner.cells:
            if rec["index"] == cell:
                rec["status"] = "timeout"
        failed = {"index": cell, "ename": name,
                  "evalue": "the job's timeout was reached", "traceback": ""}
    return {"status": "timeout", "failed_cell": failed,
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
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: driver.py JOBDIR | --fingerprint", file=sys.stderr)
        return 2
    return run_job(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
