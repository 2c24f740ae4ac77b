"""Run the steps of a CI recipe here, where there is no CI runner.

Usage: python3 tests/ci.py github WORKFLOW   (a .github/workflows file)
       python3 tests/ci.py gitlab FILE       (a .gitlab-ci.yml)

in the checked-out repository (the current folder), with the event in
the environment as the CI service would set it: for GitHub,
GITHUB_EVENT_NAME, GITHUB_REF_NAME, GITHUB_BASE_REF and
DEFAULT_BRANCH (github.event.repository.default_branch); for GitLab,
CI_PIPELINE_SOURCE, CI_COMMIT_BRANCH, CI_DEFAULT_BRANCH and
CI_MERGE_REQUEST_DIFF_BASE_SHA.

Jobs run in file order when their condition holds (GitHub "if:",
GitLab "rules: - if:"; a rule's "changes:" is not evaluated, taken as
true).  Steps that use actions/* (checkout, cache, upload and deploy of
Pages) are skipped, said as "skip": they need GitHub's runner; the test
does their work itself (the checkout is the current folder).  Any other
"uses:" fails.  GitHub's run steps run as GitHub runs them, bash -eo
pipefail, with the workflow's, job's and step's env; GitLab's
before_script and script lines as one sh -e script, with variables.
A run step holding a ${{ }} expression fails: a recipe's scripts must
take what they need from the environment.  Prints "job NAME",
"skip ...", "run NAME" lines; exits 1 at the first failed step.
"""
import os
import re
import subprocess
import sys

import yaml


def expr(cond, lookup):
    """Evaluate a small condition: names, 'strings', ==, !=, &&, ||."""
    toks = re.findall(r"'[^']*'|\"[^\"]*\"|==|!=|&&|\|\||\$?[A-Za-z_][A-Za-z0-9_.]*|\S",
                      cond)
    out = []
    for t in toks:
        if t in ("==", "!="):
            out.append(t)
        elif t == "&&":
            out.append(" and ")
        elif t == "||":
            out.append(" or ")
        elif t[0] in "'\"":
            out.append(repr(t[1:-1]))
        elif re.match(r"\$?[A-Za-z_]", t):
            out.append(repr(lookup(t)))
        else:
            raise SystemExit("FAIL ci: cannot evaluate %r" % cond)
    return bool(eval(" ".join(out), {"__builtins__": {}}))


def run(script, shell, env, name):
    print("run %s" % name, flush=True)
    if "${{" in script:
        print("FAIL %s: a run step holds a ${{ }} expression" % name)
        sys.exit(1)
    r = subprocess.run(shell + [script], env=env)
    if r.returncode != 0:
        print("failed %s: exit %d" % (name, r.returncode), flush=True)
        sys.exit(1)


def strenv(d):
    return {k: "" if v is None else str(v) for k, v in (d or {}).items()}


def github(path):
    w = yaml.safe_load(open(path))
    ctx = {
        "github.event_name": os.environ.get("GITHUB_EVENT_NAME", ""),
        "github.ref_name": os.environ.get("GITHUB_REF_NAME", ""),
        "github.base_ref": os.environ.get("GITHUB_BASE_REF", ""),
        "github.event.repository.default_branch":
            os.environ.get("DEFAULT_BRANCH", "main"),
    }

    def lookup(name):
        if name not in ctx:
            raise SystemExit("FAIL ci: unknown name %s" % name)
        return ctx[name]

    for jname, job in w["jobs"].items():
        cond = job.get("if")
        if cond is not None and not expr(cond, lookup):
            print("job %s: not run (if: %s)" % (jname, cond))
            continue
        print("job %s" % jname, flush=True)
        for i, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or "step %d" % i
            if "uses" in step:
                if not step["uses"].startswith("actions/"):
                    print("FAIL %s: uses %s" % (name, step["uses"]))
                    sys.exit(1)
                print("skip %s: uses %s (needs GitHub's runner)" %
                      (name, step["uses"]))
                continue
            if step.get("if") is not None and not expr(step["if"], lookup):
                print("skip %s: if %s" % (name, step["if"]))
                continue
            env = dict(os.environ)
            env.update(strenv(w.get("env")))
            env.update(strenv(job.get("env")))
            env.update(strenv(step.get("env")))
            run(step["run"], ["bash", "--noprofile", "--norc", "-eo",
                              "pipefail", "-c"], env, name)


def gitlab(path):
    g = yaml.safe_load(open(path))
    variables = strenv(g.get("variables"))
    default = g.get("default", {})
    reserved = {"variables", "default", "stages", "include", "workflow",
                "image", "before_script", "after_script", "cache"}

    def lookup(name):
        if not name.startswith("$"):
            raise SystemExit("FAIL ci: unknown name %s" % name)
        return os.environ.get(name[1:], variables.get(name[1:]))

    for jname, job in g.items():
        if jname in reserved or jname.startswith("."):
            continue
        rules = job.get("rules")
        if rules is not None and not any(
                "if" not in r or expr(r["if"], lookup) for r in rules):
            print("job %s: not run (rules)" % jname)
            continue
        print("job %s" % jname, flush=True)
        lines = job.get("before_script", default.get("before_script", []))
        lines = lines + job["script"]
        env = dict(variables)
        env.update(os.environ)
        run("\n".join(lines), ["sh", "-ec"], env, jname)


{"github": github, "gitlab": gitlab}[sys.argv[1]](sys.argv[2])
