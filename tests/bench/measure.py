#!/usr/bin/python3
"""Time a command for kbgen's benchmark (tests/bench.sh).

usage: measure.py [--runs K] [--budget S] [--before SHELLCMD]
                  [--stderr FILE] [--rss] -- COMMAND [ARG...]

Runs COMMAND K times (default 1), each time after running SHELLCMD
(untimed), and prints one line:

    WALL RSS RUNS USER SYS

the median wall-clock time in seconds, the largest peak resident set size
in kB, the number of runs made, and the median user and system CPU times
in seconds.  With --budget, stops after the first run that brings the
total time over S seconds.  COMMAND's stdout is discarded; the stderr of
its last run goes to FILE.  If COMMAND fails, its stderr is shown and
measure.py exits 1.

Peak RSS: a child forked from this Python process starts with Python's
resident set as its high-water mark, which exec does not reset, so
wait4's ru_maxrss is never below Python's (about 15 MB).  With --rss and
GNU time installed (/usr/bin/time), COMMAND runs under it and the RSS is
its %M, exact, at the cost of about a millisecond of wall time; otherwise
RSS is wait4's figure, a floor of Python's size.  CPU times come from
wait4 in both cases (GNU time's own are negligible).
Python 3 standard library only.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def main():
    args = sys.argv[1:]
    runs, budget, before, errfile, want_rss = 1, None, None, None, False
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--rss":
            want_rss = True
            continue
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
    if len(args) < 2:
        sys.exit("usage: measure.py [options] -- COMMAND [ARG...]")
    cmd = args[1:]
    use_time = want_rss and os.access(GNU_TIME, os.X_OK)
    times, utimes, stimes, rss, total = [], [], [], 0, 0.0
    for _ in range(runs):
        if before is not None:
            subprocess.run(before, shell=True, check=True)
        with tempfile.TemporaryFile() as err, \
                tempfile.NamedTemporaryFile("r") as rssf:
            argv = cmd
            if use_time:
                argv = [GNU_TIME, "-q", "-f", "%M", "-o", rssf.name] + cmd
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            t = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
            peak = ru.ru_maxrss
            if use_time:
                try:
                    peak = int(rssf.read().split()[-1])
                except (ValueError, IndexError):
                    pass
        if p.returncode != 0:
            sys.stderr.write(text)
            sys.stderr.write("measure.py: %s exited %d\n"
                             % (" ".join(cmd), p.returncode))
            sys.exit(1)
        if errfile is not None:
            with open(errfile, "w", encoding="utf-8") as f:
                f.write(text)
        times.append(t)
        utimes.append(ru.ru_utime)
        stimes.append(ru.ru_stime)
        rss = max(rss, peak)
        total += t
        if budget is not None and total > budget:
            break
    print("%.6f %d %d %.6f %.6f" % (statistics.median(times), rss, len(times),
                                    statistics.median(utimes),
                                    statistics.median(stimes)))


if __name__ == "__main__":
    main()
