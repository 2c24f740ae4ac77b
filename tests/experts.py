"""Who can help with what, computed here from the content by the rule
kbgen(5) and render/people.c state, and compared with the built pages:
the people index's groups and the expert matrix, cell by cell.

Usage: experts.py CONTENT SITE

The rule.  A person can help with a taxonomy term when the term, or a
narrower one, is in their expertise or on a use case (not a draft) they
are a contact for.  In the expert matrix (technology rows, field
columns) a person is listed in a cell when one of their use cases
carries both terms, or one of the two is their expertise (or narrower)
and they can help with the other; two use cases of theirs, one with
each term, are not enough.  This file is a second, independent reading
of that rule: a change of who counts as an expert fails here by name,
not only as a golden diff.  Prints ok/FAIL lines.
"""
import html.parser
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in tests/
from kbcontent import DIMS, Taxonomy, as_list, front  # noqa: E402

content, site = sys.argv[1:3]
res = []


def check(name, cond, why=""):
    res.append((name, bool(cond), why))


TAX = Taxonomy(content)
canon, order, up = TAX.canon, TAX.order, TAX.up


people = {}
for f in sorted(os.listdir(os.path.join(content, "people"))):
    if f.endswith(".md"):
        pid = f[:-3]
        fm = front(os.path.join(content, "people", f))
        people[pid] = {"name": fm.get("name", pid), "expert": set(),
                       "knows": set(), "pairs": set()}
        for e in as_list(fm.get("expertise")):
            for t in up(canon[str(e).lower()]):
                people[pid]["expert"].add(t)
                people[pid]["knows"].add(t)
for f in sorted(os.listdir(os.path.join(content, "usecases"))):
    if not f.endswith(".md"):
        continue
    fm = front(os.path.join(content, "usecases", f))
    if fm.get("draft"):
        continue
    terms = {d: [canon[str(x).lower()] for x in as_list(fm.get(d))]
             for d in DIMS}
    for pid in as_list(fm.get("contacts")):
        p = people[pid]
        for d in DIMS:
            for t in terms[d]:
                p["knows"].update(up(t))
        for t in terms["technologies"]:
            for fl in terms["fields"]:
                for a in up(t):
                    for b in up(fl):
                        p["pairs"].add((a, b))


def can_help(p, tech, field):
    return ((tech, field) in p["pairs"] or
            (tech in p["expert"] and field in p["knows"]) or
            (field in p["expert"] and tech in p["knows"]))


def person_id(href):
    m = re.search(r"people/([a-z0-9-]+)/index\.html", href)
    return m.group(1) if m else None


class Matrix(html.parser.HTMLParser):
    """Rows of the expert matrix: {row term: [set of ids per column]}."""

    def __init__(self):
        super().__init__()
        self.cols, self.rows = [], {}
        self.where, self.row, self.cell = None, None, None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("thead", "tbody"):
            self.where = tag
        elif tag == "th":
            self.text = ""
            self.th = True
        elif tag == "td" and self.where == "tbody":
            self.cell = set()
            self.rows[self.row].append(self.cell)
        elif tag == "a" and self.cell is not None and person_id(
                a.get("href", "")):
            self.cell.add(person_id(a["href"]))

    def handle_endtag(self, tag):
        if tag == "th" and self.where == "thead":
            self.cols.append(self.text.strip())
        elif tag == "th" and self.where == "tbody":
            self.row = self.text.strip()
            self.rows[self.row] = []
        elif tag == "td":
            self.cell = None

    def handle_data(self, data):
        self.text += data


def read(p):
    with open(os.path.join(site, p), encoding="utf-8") as f:
        return f.read()


m = Matrix()
m.feed(read("people/experts/index.html"))
want_rows = [t for t in order["technologies"]
             if any(("technologies", t) in p["knows"]
                    for p in people.values())]
for t in order["technologies"]:
    for fl in order["fields"]:
        who = {pid for pid, p in people.items()
               if can_help(p, ("technologies", t), ("fields", fl))}
        if fl not in m.cols or t not in m.rows:
            check("experts %s x %s: shown when someone can help" % (t, fl),
                  not who, "missing, want %s" % sorted(who))
            continue
        got = m.rows[t][m.cols.index(fl)]
        check("experts %s x %s" % (t, fl), got == who,
              "got %s, want %s" % (sorted(got), sorted(who)))

# The people index: under each term, the people who can help with it.
idx = read("people/index.html").split('id="kb_h_everyone"')[0]
for d in DIMS:
    for t in order[d]:
        who = {pid for pid, p in people.items() if (d, t) in p["knows"]}
        slug = re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")
        g = re.search(r'href="\.\./%s/%s/index\.html"[^>]*>[^<]*</a></dt>\s*'
                      r'<dd>(.*?)</dd>' % (d, slug), idx, re.S)
        got = {person_id(h) for h in re.findall(r'href="([^"]+)"',
                                                 g.group(1))} if g else set()
        got.discard(None)
        check("people index %s %s" % (d, t), got == who,
              "got %s, want %s" % (sorted(got), sorted(who)))

for name, good, why in res:
    print(("ok %s" % name) if good else ("FAIL %s: %s" % (name, why)))
