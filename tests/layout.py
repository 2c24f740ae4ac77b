"""The shape of generator/, read from the objects a build made (nm).

Usage: python3 tests/layout.py OBJDIR [--graph]

Each file of generator/ is a node; file A depends on file B when A's
object uses a symbol B's object defines.  The rules (README.md, "The
pipeline"):

  1. Folders form no circle: contract every folder to one node (the
     command files at generator/ top are one folder, "cmd") and the
     graph has no cycle.  A circle is printed with the symbols of each
     edge.  More strictly, a folder uses only folders before it in
     ORDER (README.md's table of stages, in the same order).
  2. Page families (render/, every file but the shared core named in
     CORE below: render.c, reads.c, template.c, atom.c, notebook.c,
     nbdiff.c, thumb.c, families.c) depend on no other family, and the core
     depends on no family: a family takes the context and gives pages.
  3. Every file of generator/ was compiled (no stale or missing object).

Prints one "ok NAME" or "FAIL NAME: why" line per rule (tests/lib.sh's
words); exits 1 when a rule fails.
"""
import collections
import os
import subprocess
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generator")
# render/ files that are not page families: the shared context and the
# tools every family uses (templates, Atom, executed notebooks and the
# view of their changes, the thumbnails the use-case summaries show,
# what each page reads), and the driver that runs the families.
CORE = {"render", "reads", "template", "atom", "notebook", "nbdiff", "thumb", "families"}
DRIVER = "families"
# The stages, each using only those before it (README.md, "The pipeline").
ORDER = ["base", "store", "net", "git", "model", "publish", "render",
         "search", "check", "import", "cmd"]


def sources():
    """{file stem: folder} for every .c of generator/ ("cmd" at top)."""
    out = {}
    for d, _, files in os.walk(TOP):
        rel = os.path.relpath(d, TOP)
        for f in files:
            if f.endswith(".c"):
                stem = f[:-2]
                if stem in out:
                    raise SystemExit(f"FAIL unique-names: {f} twice")
                out[stem] = "cmd" if rel == "." else rel
    return out


def graph(objdir, files):
    defs, undef = {}, collections.defaultdict(set)
    for stem in files:
        o = os.path.join(objdir, stem + ".o")
        nm = subprocess.run(["nm", o], capture_output=True, text=True, check=True)
        for line in nm.stdout.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRVWC":
                defs[p[2]] = stem
            elif len(p) == 2 and p[0] == "U":
                undef[stem].add(p[1])
    edges = collections.defaultdict(lambda: collections.defaultdict(set))
    for f, syms in undef.items():
        for s in syms:
            g = defs.get(s)
            if g and g != f:
                edges[f][g].add(s)
    return edges


def find_cycle(nodes, succ):
    """One cycle of the graph as a list of nodes, or None."""
    colour = {n: 0 for n in nodes}
    stack = []

    def visit(n):
        colour[n] = 1
        stack.append(n)
        for m in sorted(succ(n)):
            if colour.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if colour.get(m) == 0:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        colour[n] = 2
        return None

    for n in sorted(nodes):
        if colour[n] == 0:
            c = visit(n)
            if c:
                return c
    return None


def main():
    objdir = sys.argv[1]
    files = sources()
    fails = 0
    missing = [f for f in files if not os.path.exists(os.path.join(objdir, f + ".o"))]
    if missing:
        print(f"FAIL every-file-built: no object for {', '.join(sorted(missing))}")
        return 1
    print("ok every-file-built")
    edges = graph(objdir, files)

    # 1. folders
    fedges = collections.defaultdict(lambda: collections.defaultdict(set))
    for a, outs in edges.items():
        for b, syms in outs.items():
            if files[a] != files[b]:
                fedges[files[a]][files[b]] |= {f"{a}->{b}:{s}" for s in syms}
    folders = set(files.values())
    if "--graph" in sys.argv:
        for a in sorted(fedges):
            print(a, "->", " ".join(sorted(fedges[a])))
    c = find_cycle(folders, lambda n: fedges[n].keys())
    if c:
        fails += 1
        print("FAIL folders-without-circles: " + " -> ".join(c))
        for a, b in zip(c, c[1:]):
            print(f"    {a} -> {b}: " + ", ".join(sorted(fedges[a][b])[:6]))
    else:
        print("ok folders-without-circles")

    unknown = sorted(folders - set(ORDER))
    late = sorted(f"{a} -> {b} ({', '.join(sorted(fedges[a][b])[:3])})"
                  for a in fedges for b in fedges[a]
                  if a in ORDER and b in ORDER and ORDER.index(b) >= ORDER.index(a))
    if unknown or late:
        fails += 1
        print("FAIL folders-in-order: " + "; ".join(
            [f"{u} is not in ORDER" for u in unknown] + late))
    else:
        print("ok folders-in-order")

    # 2. page families
    fam = {f for f, d in files.items() if d == "render" and f not in CORE}
    bad = []
    for a in sorted(f for f, d in files.items() if d == "render" and f != DRIVER):
        for b in sorted(edges[a]):
            if b in fam:
                bad.append(f"{a} -> {b} ({', '.join(sorted(edges[a][b]))})")
    if bad:
        fails += 1
        print("FAIL families-independent: " + "; ".join(bad))
    else:
        print(f"ok families-independent ({len(fam)} families)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
