#!/usr/bin/python3
"""Mutation testing of kbgen: does the test suite catch realistic bugs?

Reads the mutations of tests/mutants/list (format in tests/mutants/README),
copies the tree into a scratch folder (the working tree is never edited),
builds it once, then for each mutation: puts the bug into the scratch copy
of its function, builds (make -j2 kbgen unit), runs the suites the mutation
names, with MUTANTS_FULL=1 also the whole suite (tests/run.sh) when those
did not kill it, and puts the function back.  Prints one line a mutation
and the score: killed / (killed + survived).  A mutation that does not
compile is reported apart; one whose function or pattern is not found
exactly once is an error of the list, reported and not counted.

Usage: python3 tests/mutants.py [NAME...]   (no NAME: every mutation)
Environment: MUTANTS_FULL=1 (the whole suite for survivors),
MUTANTS_DIR (scratch parent, default /dev/shm or /tmp), MUTANTS_KEEP=1
(leave the scratch copy), MUTANTS_TIMEOUT (seconds a suite may run,
default 900: past that the mutation counts as killed, "timeout"),
MUTANTS_NOBASELINE=1 (do not first run each named suite unmutated: a
suite that fails unmutated is otherwise left out, and said).
Exit status: 1 when the score is below MUTANTS_MIN percent (default
90), the list has errors or a named suite fails unmutated; else 0.
Named suites are never Slurm's (they share a port with other runs);
MUTANTS_FULL=1 runs tests/run.sh, Slurm's suites included, and it is
not run unmutated first (13 minutes on two cores): the whole suite must
pass before a full run means anything.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.environ.get("MUTANTS_LIST") or os.path.join(ROOT, "tests", "mutants",
                                                   "list")
TIMEOUT = int(os.environ.get("MUTANTS_TIMEOUT", "900"))
MINSCORE = float(os.environ.get("MUTANTS_MIN", "90"))
FIELDS = ("name", "function", "file", "find", "repl", "suites", "bug")


def parse(path):
    """Records of KEY: VALUE lines, one blank line apart; # comments."""
    recs, cur, errs = [], {}, []
    with open(path) as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines + [""], 1):
        if line.startswith("#"):
            continue
        if line.strip() == "":
            if cur:
                recs.append(cur)
            cur = {}
            continue
        key, sep, val = line.partition(": ")
        if not sep or key not in FIELDS:
            errs.append("%s:%d: not KEY: VALUE with KEY one of %s" %
                        (path, no, ", ".join(FIELDS)))
            continue
        if key in cur:
            errs.append("%s:%d: %s twice" % (path, no, key))
        if not cur:
            cur["line"] = no
        cur[key] = val
    for r in recs:
        for k in ("name", "function", "find", "repl", "suites", "bug"):
            if k not in r:
                errs.append("%s:%d: no %s:" % (path, r["line"], k))
    names = [r.get("name") for r in recs]
    for n in set(names):
        if names.count(n) > 1:
            errs.append("%s: mutation %s named twice" % (path, n))
    return recs, errs


def locate(tree, func, hint):
    """(file, start, end) of FUNC's body: in generator/**/*.c from the
    line that starts with "FUNC(" to the first line that starts with
    "}"; in runners/**/*.py from "def FUNC(" to the next line that
    starts with neither a blank nor a "#" (the end of the function)."""
    found = []
    files = [(f, r"^" + re.escape(func) + r"\(", r"^\}")
             for f in glob.glob(os.path.join(tree, "generator", "**",
                                             "*.c"), recursive=True)]
    files += [(f, r"^def " + re.escape(func) + r"\(", r"\n(?=[^\s#])")
              for f in glob.glob(os.path.join(tree, "runners", "**",
                                              "*.py"), recursive=True)]
    for f, start, end in sorted(files):
        if hint and os.path.basename(f) != hint:
            continue
        text = open(f, encoding="utf-8").read()
        for m in re.finditer(start, text, re.M):
            e = re.compile(end, re.M).search(text, m.end())
            found.append((f, m.start(), e.end() if e else len(text)))
    return found


def check(tree, r):
    """None, or what is wrong with mutation R in TREE."""
    where = locate(tree, r["function"], r.get("file"))
    if len(where) != 1:
        hint = (" (file: NAME.c or NAME.py tells which)"
                if len(where) > 1 and not r.get("file") else "")
        return "function %s found %d times%s" % (
            r["function"], len(where), hint)
    path, a, b = where[0]
    n = open(path, encoding="utf-8").read()[a:b].count(r["find"])
    if n != 1:
        return "pattern found %d times in %s (%s)" % (
            n, r["function"], os.path.relpath(path, tree))
    return None


def sh(cmd, cwd, env, log, timeout=None):
    with open(log, "w") as out:
        try:
            return subprocess.run(cmd, cwd=cwd, env=env, stdout=out,
                                  stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return None


def run_suite(tree, env, suite, log):
    """'killed', 'timeout' or None (survived) for one suite."""
    if suite.startswith("t_"):
        cmd = [os.path.join(tree, ".obj", suite)]
    elif suite == "run":
        cmd = ["sh", "tests/run.sh", ".obj"]
    else:
        cmd = ["sh", "tests/%s.test.sh" % suite]
    rc = sh(cmd, tree, env, log, TIMEOUT)
    if rc is None:
        return "timeout"
    with open(log, errors="replace") as f:
        failed = any(l.startswith("FAIL") for l in f)
    return "killed" if rc != 0 or failed else None


def main():
    recs, errs = parse(LIST)
    for e in errs:
        print("list error: " + e)
    if errs:
        return 1
    want = sys.argv[1:]
    if want:
        unknown = set(want) - {r["name"] for r in recs}
        if unknown:
            print("no such mutation: " + " ".join(sorted(unknown)))
            return 1
        recs = [r for r in recs if r["name"] in want]
    for r in recs:
        for s in r["suites"].split():
            if s.startswith("slurm"):
                print("list error: %s names %s: Slurm suites are never run"
                      % (r["name"], s))
                return 1
            if not (os.path.exists(os.path.join(ROOT, "tests", s + ".test.sh"))
                    or os.path.exists(os.path.join(ROOT, "tests", "unit",
                                                   s + ".c"))):
                print("list error: %s names %s: no tests/%s.test.sh nor "
                      "tests/unit/%s.c" % (r["name"], s, s, s))
                return 1

    # The list checked against the working tree first (read only), so
    # that its errors show before the long part.
    bad = 0
    good = []
    for r in recs:
        err = check(ROOT, r)
        if err:
            print("%-28s list error: %s" % (r["name"], err), flush=True)
            bad += 1
        else:
            good.append(r)
    recs = good
    if os.environ.get("MUTANTS_DRY") == "1":
        print("%d mutations found, %d list errors" % (len(recs), bad))
        return 1 if bad else 0

    parent = os.environ.get("MUTANTS_DIR") or (
        "/dev/shm" if os.path.isdir("/dev/shm") else None)
    tree = tempfile.mkdtemp(prefix="kbgen-mutants.", dir=parent)
    # As a clone is: examples run as nobody only when nobody can reach
    # the tree (mkdtemp makes it 0700), and the suites must see what
    # make test sees.
    os.chmod(tree, 0o755)
    # The sources, the tests and what they read; not .git, not builds.
    for name in os.listdir(ROOT):
        if name in (".git", "site", "kbgen") or name.startswith(".obj"):
            continue
        src = os.path.join(ROOT, name)
        if os.path.isdir(src) and not os.path.islink(src):
            shutil.copytree(src, os.path.join(tree, name), symlinks=True,
                            ignore=shutil.ignore_patterns("out"))
        else:
            shutil.copy2(src, os.path.join(tree, name), follow_symlinks=False)
    env = dict(os.environ, TZ="UTC", LC_ALL="C",
               SOURCE_DATE_EPOCH="1700000000",
               KBGEN=os.path.join(tree, ".obj", "kbgen"))
    logs = os.path.join(tree, "mutants-logs")
    os.mkdir(logs)
    make = ["make", "-j2", "kbgen", "unit"]
    print("scratch copy: " + tree, flush=True)
    if sh(make, tree, env, os.path.join(logs, "build.log")) != 0:
        print("the unmutated tree does not build: see %s/build.log" % logs)
        return 1

    # Each named suite once, unmutated: one that fails already cannot
    # tell a mutation (its failure would count as a kill).
    broken = set()
    if os.environ.get("MUTANTS_NOBASELINE") != "1":
        named = []
        for r in recs:
            named += [x for x in r["suites"].split() if x not in named]
        for x in named:
            if run_suite(tree, env, x, os.path.join(logs, "unmutated." + x)):
                broken.add(x)
                print("suite %s fails unmutated (see %s/unmutated.%s): it "
                      "is not run for the mutations" % (x, logs, x),
                      flush=True)

    killed = survived = nocompile = notrun = 0
    for r in recs:
        tag = "%-28s" % r["name"]
        err = check(tree, r)
        if err:
            print("%s list error: %s" % (tag, err), flush=True)
            bad += 1
            continue
        path, a, b = locate(tree, r["function"], r.get("file"))[0]
        text = open(path, encoding="utf-8").read()
        body = text[a:b]
        mutated = text[:a] + body.replace(r["find"], r["repl"]) + text[b:]
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(mutated)
            log = os.path.join(logs, r["name"])
            if sh(make, tree, env, log + ".build") != 0:
                result, by = "no-compile", ""
                nocompile += 1
            else:
                result, by = "survived", ""
                suites = [x for x in r["suites"].split() if x not in broken]
                if os.environ.get("MUTANTS_FULL") == "1":
                    suites.append("run")
                for s in suites:
                    got = run_suite(tree, env, s, "%s.%s" % (log, s))
                    if got:
                        result = "killed"
                        by = " by " + s + (" (timeout)" if got == "timeout"
                                           else "")
                        break
                if result == "killed":
                    killed += 1
                elif not suites:
                    result = "not-run (its suites fail unmutated)"
                    notrun += 1
                else:
                    survived += 1
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        line = "%s %s%s  [%s in %s: %s]" % (tag, result, by, r["function"],
                                            os.path.relpath(path, tree),
                                            r["bug"])
        print(line, flush=True)

    total = killed + survived
    print("score: %d killed / %d (killed + survived) = %s; %d did not "
          "compile, %d not run, %d list errors" %
          (killed, total, "%.1f%%" % (100.0 * killed / total) if total
           else "n/a", nocompile, notrun, bad))
    if os.environ.get("MUTANTS_KEEP") == "1":
        print("kept: " + tree)
    else:
        shutil.rmtree(tree, ignore_errors=True)
    low = total > 0 and 100.0 * killed / total < MINSCORE
    if low:
        print("the score is below %g%%" % MINSCORE)
    return 1 if low or bad or broken else 0


if __name__ == "__main__":
    sys.exit(main())
