#!/usr/bin/python3
"""Time a live-reloading server from a saved file to the new page served
(tests/bench-serve.sh).

usage: serve.py --url URL --file PATH [--runs K] [--settle S]
                [--log FILE] -- COMMAND [ARG...]

Starts COMMAND (a server: kbgen serve or hugo server, its output to
FILE), waits until URL answers 200, then K times (default 10): appends a
paragraph with a new marker to PATH (one write and close: the "save"),
and polls URL, every 10 ms, until the page holds the marker; the time
from just before the write to the response that holds it is one sample.
Waits S seconds (default 1) between edits, so that each server is idle
when the next save comes.  PATH is restored and COMMAND stopped
(SIGINT, then SIGKILL after 20 s) at the end.  Prints one line:

    MEDIAN P95 RUNS STARTUP

in seconds: the median and the 95th percentile (nearest rank: with 10
samples, the largest) of the samples, their number, and the time from
the start of COMMAND to its first page.  Exits 1 (with COMMAND's last
output lines) when the server does not start or a marker is not served
within 300 s.  Python 3 standard library only.
"""

import math
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

TIMEOUT = 300.0
POLL = 0.01


def fetch(url):
    """The status and body of GET url (0, b"" when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0, b""


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def tail(log):
    try:
        with open(log, errors="replace") as f:
            return "".join(f.readlines()[-15:])
    except OSError:
        return ""


def main():
    args = sys.argv[1:]
    url = path = None
    runs, settle, log = 10, 1.0, os.devnull
    while args and args[0] != "--":
        o = args.pop(0)
        if o == "--url":
            url = args.pop(0)
        elif o == "--file":
            path = args.pop(0)
        elif o == "--runs":
            runs = int(args.pop(0))
        elif o == "--settle":
            settle = float(args.pop(0))
        elif o == "--log":
            log = args.pop(0)
        else:
            sys.exit("serve.py: unknown option " + o)
    if not args or url is None or path is None:
        sys.exit(__doc__)
    cmd = args[1:]
    with open(path, "rb") as f:
        orig = f.read()
    out = open(log, "wb")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    samples = []
    try:
        while fetch(url)[0] != 200:
            if p.poll() is not None or time.monotonic() - t0 > TIMEOUT:
                sys.stderr.write("serve.py: %s did not serve %s\n%s"
                                 % (cmd[0], url, tail(log)))
                return 1
            time.sleep(0.05)
        startup = time.monotonic() - t0
        time.sleep(settle)
        for k in range(runs):
            marker = "Servebenchmarker%d%d" % (os.getpid(), k)
            text = orig + ("\n\n%s paragraph.\n" % marker).encode()
            t1 = time.monotonic()
            with open(path, "wb") as f:
                f.write(text)
            while True:
                status, body = fetch(url)
                if status == 200 and marker.encode() in body:
                    break
                if time.monotonic() - t1 > TIMEOUT or p.poll() is not None:
                    sys.stderr.write("serve.py: %s never served %s\n%s"
                                     % (cmd[0], marker, tail(log)))
                    return 1
                time.sleep(POLL)
            samples.append(time.monotonic() - t1)
            time.sleep(settle)
    finally:
        with open(path, "wb") as f:
            f.write(orig)
        stop(p)
        out.close()
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    print("%.4f %.4f %d %.2f" % (statistics.median(samples), p95,
                                 len(samples), startup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
