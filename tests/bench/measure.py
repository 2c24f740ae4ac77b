#!/usr/bin/python3
"""Time a command for kbgen's benchmark (tests/bench.sh).

usage: measure.py [--runs K] [--budget S] [--before SHELLCMD]
                  [--stderr FILE] -- COMMAND [ARG...]

Runs COMMAND K times (default 1), each time after running SHELLCMD
(untimed), and prints one line: the median wall-clock time in seconds,
the largest peak resident set size of COMMAND in kB (from wait4's rusage,
so that SHELLCMD does not count), and the number of runs made.  With
--budget, stops after the first run that brings the total time over S
seconds.  COMMAND's stdout is discarded; the stderr of its last run goes
to FILE.  If COMMAND fails, its stderr is shown and measure.py exits 1.
Python 3 standard library only.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    args = sys.argv[1:]
    runs, budget, before, errfile = 1, None, None, None
    while args and args[0] != "--":
        opt = args.pop(0)
        if not args:
            sys.exit("measure.py: %s needs a value" % opt)
        val = args.pop(0)
        if opt == "--runs":
            runs = int(val)
        elif opt == "--budget":
            budget = float(val)
        elif opt == "--before":
            before = val
        elif opt == "--stderr":
            errfile = val
        else:
            sys.exit("measure.py: unknown option " + opt)
    if not args or len(args) < 2:
        sys.exit("usage: measure.py [options] -- COMMAND [ARG...]")
    cmd = args[1:]
    times, rss, total = [], 0, 0.0
    for _ in range(runs):
        if before is not None:
            subprocess.run(before, shell=True, check=True)
        with tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            t = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
        if p.returncode != 0:
            sys.stderr.write(text)
            sys.stderr.write("measure.py: %s exited %d\n"
                             % (" ".join(cmd), p.returncode))
            sys.exit(1)
        if errfile is not None:
            with open(errfile, "w", encoding="utf-8") as f:
                f.write(text)
        times.append(t)
        rss = max(rss, ru.ru_maxrss)
        total += t
        if budget is not None and total > budget:
            break
    print("%.6f %d %d" % (statistics.median(times), rss, len(times)))


if __name__ == "__main__":
    main()
