"""Which use cases each page lists, computed here from the content by the
rules of kbgen(5), and compared with the built pages by meaning (who is
listed), not as a golden diff.

Usage: rules.py CONTENT SITE [--drafts]

The rules.  Use cases are the .md files under usecases/, sub-folders
included; a draft (draft: true) is on no page, in no listing, feed or
index, unless the site was built with --drafts.  Terms are named by name
or alias, in any case; a single value where a list is due is a list of
one.  A term's page lists the use cases that carry it or a narrower
term (LSTM under RNN), and says how many.  The technology x field
matrix counts, for each pair, the use cases that carry both (each one
or a narrower term); a cell with a use case links its own page, which
lists exactly those; an empty cell has no page.  A person's page lists
the use cases whose contacts name them, and a use case's page those
contacts, in order; a hackathon's page its
exercises, organisers and tutors, in their order, and a person's page their part
in each hackathon (organiser, tutor, a speaker line per session) and the
seminars they gave; the seminars page each
seminar's related use cases and terms.  A use case without added: is
dated by its file's time (UTC); without a run its card shows the tile
of its first technology.  The site menu holds the pages with a
menu: value after the site's own entries, in menu order (then slug);
pages without one are built but not in the menu; a page's description
is its head's description and its lead, a use case's summary its
head's description.  Prints ok/FAIL lines.
"""
import datetime
import html
import html.parser
import json
import os
import re
import sys

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in tests/
from kbcontent import DIMS, Taxonomy, as_list, front  # noqa: E402

content, site = sys.argv[1:3]
drafts = "--drafts" in sys.argv[3:]
res = []


def check(name, cond, why=""):
    res.append((name, bool(cond), why))


def slugify(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def entries(kind):
    """(slug, path) of every .md under content/KIND, sub-folders too."""
    out = []
    for top, dirs, files in os.walk(os.path.join(content, kind)):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".md"):
                out.append((f[:-3], os.path.join(top, f)))
    return out


TAX = Taxonomy(content)
canon, order, up = TAX.canon, TAX.order, TAX.up


ucs = {}
all_ucs = set()
for slug, path in entries("usecases"):
    fm = front(path)
    all_ucs.add(slug)
    if fm.get("draft") and not drafts:
        continue
    terms = set()
    for d in DIMS:
        for x in as_list(fm.get(d)):
            terms.update(up(canon[str(x).lower()]))
    added = fm.get("added")
    if added is None:
        added = datetime.datetime.fromtimestamp(
            os.stat(path).st_mtime, datetime.timezone.utc).date()
    first = as_list(fm.get("technologies"))
    first = canon[str(first[0]).lower()][1] if first else None
    ucs[slug] = {"terms": terms, "contacts": set(as_list(fm.get("contacts"))),
                 "first": first, "summary": fm.get("summary"),
                 "clist": [str(c) for c in as_list(fm.get("contacts"))],
                 "added": str(added), "draft": bool(fm.get("draft"))}
hidden = all_ucs - set(ucs)


class Cards(html.parser.HTMLParser):
    """The use cases a page lists (card titles), the count beside its
    "Use cases" heading, the added date of each card, the site menu."""

    def __init__(self):
        super().__init__()
        self.slugs, self.added, self.menu = [], {}, []
        self.count = None
        self.stack, self.text = [], ""
        self.in_title = self.in_count = self.in_nav = False
        self.cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "h3" and "card-title" in cls:
            self.in_title = True
        elif tag == "a" and self.in_title:
            m = re.search(r"usecases/([a-z0-9-]+)/index\.html",
                          a.get("href", ""))
            if m:
                self.slugs.append(m.group(1))
                self.cur = m.group(1)
        elif tag == "span" and "count" in cls and self.count is None:
            self.in_count, self.text = True, ""
        elif tag == "time" and self.cur is not None:
            self.added.setdefault(self.cur, a.get("datetime"))
        elif tag == "nav" and "site-nav" in cls:
            self.in_nav = True
        elif tag == "a" and self.in_nav:
            self.menu.append(a.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "h3":
            self.in_title = False
        elif tag == "span" and self.in_count:
            self.in_count = False
            self.count = self.text.strip()
        elif tag == "nav":
            self.in_nav = False
        elif tag == "article":
            self.cur = None

    def handle_data(self, data):
        if self.in_count:
            self.text += data


def page(p):
    f = os.path.join(site, p)
    if not os.path.isfile(f):
        return None
    c = Cards()
    with open(f, encoding="utf-8") as fh:
        c.feed(fh.read())
    return c


def names(s):
    return sorted(s) if s else "none"


# Term pages.
for d in DIMS:
    for t in order[d]:
        want = {u for u, x in ucs.items() if (d, t) in x["terms"]}
        c = page("%s/%s/index.html" % (d, slugify(t)))
        if c is None:
            check("term %s %s: page built" % (d, t), False, "no page")
            continue
        check("term %s %s: lists its use cases and its narrower terms'" %
              (d, t), set(c.slugs) == want and len(c.slugs) == len(want),
              "got %s, want %s" % (names(c.slugs), names(want)))
        check("term %s %s: count" % (d, t), c.count == str(len(want)),
              "got %s, want %d" % (c.count, len(want)))

# The matrix and its cells.
with open(os.path.join(site, "matrix/index.html"), encoding="utf-8") as f:
    mx = f.read()
for t in order["technologies"]:
    for fl in order["fields"]:
        want = {u for u, x in ucs.items()
                if ("technologies", t) in x["terms"] and
                ("fields", fl) in x["terms"]}
        cell = "matrix/%s--%s/index.html" % (slugify(t), slugify(fl))
        m = re.search(r'href="\.\./%s"[^>]*>(\d+)</a>' % re.escape(cell), mx)
        got = int(m.group(1)) if m else 0
        check("matrix %s x %s: count" % (t, fl), got == len(want),
              "got %d, want %d (%s)" % (got, len(want), names(want)))
        c = page(cell)
        if not want:
            check("matrix %s x %s: no page for an empty cell" % (t, fl),
                  c is None, "built %s" % cell)
            continue
        got = set(c.slugs) if c else None
        check("matrix %s x %s: the cell's page lists both terms' use cases"
              % (t, fl), got == want,
              "got %s, want %s" % (names(got), names(want)))

# People pages.
for pid, path in entries("people"):
    want = {u for u, x in ucs.items() if pid in x["contacts"]}
    c = page("people/%s/index.html" % pid)
    got = set(c.slugs) if c else None
    check("person %s: the use cases they are a contact for" % pid,
          got == want, "got %s, want %s" % (names(got), names(want)))

# Dates, on the catalogue's cards.
cat = page("catalogue/index.html")
for u, x in sorted(ucs.items()):
    check("added %s: %s" % (u, x["added"]), cat.added.get(u) == x["added"],
          "got %s" % cat.added.get(u))
check("catalogue: every use case, once", sorted(cat.slugs) == sorted(ucs),
      "got %s, want %s" % (names(cat.slugs), names(ucs)))

# Without a run, a card's thumbnail is the tile of the use case's first
# technology (by its canonical name, whatever alias named it).
with open(os.path.join(site, "catalogue/index.html"), encoding="utf-8") as f:
    ct = f.read()
for u, x in sorted(ucs.items()):
    m = re.search(r'href="\.\./usecases/%s/index\.html" tabindex="-1" '
                  r'aria-hidden="true"><img src="\.\./thumbs/([^"]+)"' % u, ct)
    want = "technology-%s.svg" % slugify(x["first"])
    check("tile %s: %s" % (u, want), m and m.group(1) == want and
          os.path.isfile(os.path.join(site, "thumbs", want)),
          "got %s" % (m.group(1) if m else None))

# Drafts: on no page, in no listing, unless --drafts.
for u in sorted(hidden):
    check("draft %s: no page" % u,
          not os.path.exists(os.path.join(site, "usecases", u)))
    where = []
    for top, dirs, files in os.walk(site):
        for f in files:
            p = os.path.join(top, f)
            try:
                with open(p, encoding="utf-8") as fh:
                    text = fh.read()
            except (UnicodeDecodeError, OSError):
                continue
            if re.search(r"usecases/%s[/\"]|\"%s\"" % (u, u), text):
                where.append(os.path.relpath(p, site))
    check("draft %s: named nowhere in the site" % u, not where,
          "named in %s" % sorted(where)[:8])
for u, x in sorted(ucs.items()):
    if x["draft"]:
        check("--drafts %s: has its page" % u,
              os.path.isfile(os.path.join(site, "usecases", u,
                                          "index.html")))
with open(os.path.join(site, "catalogue.json"), encoding="utf-8") as f:
    cj = json.load(f)
items = cj if isinstance(cj, list) else (cj.get("usecases") or
                                         cj.get("examples") or [])
got = sorted(i.get("slug") for i in items if isinstance(i, dict))
check("catalogue.json: the use cases, drafts only with --drafts",
      got == sorted(ucs), "got %s, want %s" % (got, sorted(ucs)))

# The menu: pages with menu:, in order, after the site's own entries.
pages = []
for slug, path in entries("pages"):
    fm = front(path)
    if fm.get("draft") and not drafts:
        continue
    pages.append((fm.get("menu"), slug))
want = ["%s/index.html" % s for m, s in
        sorted(p for p in pages if p[0] is not None)]
home = page("index.html")
got = [h for h in home.menu if h.rstrip("/").split("/")[0] in
       {s for m, s in pages}]
check("menu: pages with menu:, by menu then slug", got == want,
      "got %s, want %s" % (got, want))
for slug, path in entries("pages"):
    fm = front(path)
    f = os.path.join(site, slug, "index.html")
    check("page %s: built" % slug, os.path.isfile(f))
    if fm.get("description") and os.path.isfile(f):
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        d = str(fm["description"])
        m1 = re.search(r'<meta name="description" content="([^"]*)">', text)
        m2 = re.search(r'<p class="lead">([^<]*)</p>', text)
        got = [html.unescape(m.group(1)) if m else None for m in (m1, m2)]
        check("page %s: its description, in the head and the lead" % slug,
              got == [d, d], "got %s, want %s" % (got, d))
for u in sorted(ucs):
    with open(os.path.join(site, "usecases", u, "index.html"),
              encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r'<meta name="description" content="([^"]*)">', text)
    got = html.unescape(m.group(1)) if m else None
    check("usecase %s: its summary as the page's description" % u,
          got == str(ucs[u]["summary"]), "got %s" % got)

# Use case pages: the contacts, in their order, and the date.
for u, x in sorted(ucs.items()):
    f = os.path.join(site, "usecases", u, "index.html")
    if not os.path.isfile(f):
        check("usecase %s: page built" % u, False, "no page")
        continue
    with open(f, encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r'<ul class="contacts">(.*?)</ul>', text, re.S)
    got = re.findall(r'people/([a-z0-9-]+)/index\.html', m.group(1)) if m \
        else None
    check("usecase %s: its contacts, in order" % u, got == x["clist"],
          "got %s, want %s" % (got, x["clist"]))
    check("usecase %s: added %s" % (u, x["added"]),
          '<dt>Added</dt>\n<dd><time datetime="%s">' % x["added"] in text)

# Hackathons: the exercises, those use cases, in their order.
for slug, path in entries("hackathons"):
    fm = front(path)
    want = [u for u in as_list(fm.get("exercises")) if u in ucs]
    c = page("hackathons/%s/index.html" % slug)
    got = c.slugs if c else None
    check("hackathon %s: its exercises, in order" % slug, got == want,
          "got %s, want %s" % (got, want))

    text = open(os.path.join(site, "hackathons", slug, "index.html"),
                encoding="utf-8").read() if c else ""
    for key, label in (("organizers", "Organisers"), ("tutors", "Tutors")):
        want = [str(x) for x in as_list(fm.get(key))]
        m = re.search(r'<dt>%s</dt>\n<dd><ul class="contacts">(.*?)</ul>'
                      % label, text, re.S)
        got = re.findall(r'people/([a-z0-9-]+)/index\.html', m.group(1)) \
            if m else []
        check("hackathon %s: its %s, in order" % (slug, key), got == want,
              "got %s, want %s" % (got, want))

# A person's part in events: a line per hackathon role (organiser,
# tutor, and speaker once per session given, with its title), and the
# seminars they gave.
hacks = [(slug, front(path)) for slug, path in entries("hackathons")]
for pid, path in entries("people"):
    want = []
    for slug, fm in hacks:
        if pid in [str(x) for x in as_list(fm.get("organizers"))]:
            want.append((slug, "organiser", ""))
        if pid in [str(x) for x in as_list(fm.get("tutors"))]:
            want.append((slug, "tutor", ""))
        for day in as_list(fm.get("programme")):
            for se in as_list(day.get("sessions")):
                if pid in [str(x) for x in as_list(se.get("speakers"))]:
                    want.append((slug, "speaker", str(se.get("title"))))
    with open(os.path.join(site, "people", pid, "index.html"),
              encoding="utf-8") as f:
        text = f.read()
    m = re.search(r'<ul class="person-events">(.*?)</ul>', text, re.S)
    got = [(h, role, what or "") for role, h, what in re.findall(
        r'<span class="badge role-([a-z]+)">[a-z]+</span> <a href="[^"]*'
        r'hackathons/([a-z0-9-]+)/index\.html">[^<]*</a>'
        r'(?: \(<time[^>]*>[^<]*</time>\))?(?:: ([^<\n]*))?</li>',
        m.group(1))] if m else []
    check("person %s: their part in hackathons" % pid,
          sorted(got) == sorted(want),
          "got %s, want %s" % (sorted(got), sorted(want)))

# Seminars: each one's related use cases and terms, in order.
sems = []
sdir = os.path.join(content, "seminars")
for f in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else []:
    if f.endswith((".yaml", ".yml")):
        with open(os.path.join(sdir, f), encoding="utf-8") as fh:
            sems += yaml.safe_load(fh) or []
if sems:
    with open(os.path.join(site, "seminars/index.html"),
              encoding="utf-8") as f:
        sp = f.read()
    for sm in sems:
        t = str(sm["title"])
        m = re.search(r'<h4 class="seminar-title">(?:<a [^>]*>)?%s(?:</a>)?'
                      r'</h4>(.*?)</article>' % re.escape(t), sp, re.S)
        if not m:
            check("seminar %s: shown" % t, False, "not on seminars/")
            continue
        body = m.group(1)
        want = [u for u in as_list(sm.get("usecases")) if u in ucs]
        r = re.search(r'<p class="seminar-usecases">(.*?)</p>', body, re.S)
        got = re.findall(r'usecases/([a-z0-9-]+)/index\.html', r.group(1)) \
            if r else []
        check("seminar %s: its use cases, in order" % t, got == want,
              "got %s, want %s" % (got, want))
        want = ["%s/%s" % (d, slugify(canon[str(x).lower()][1]))
                for d in DIMS for x in as_list(sm.get(d))]
        r = re.search(r'<ul class="chips" aria-label="Terms">(.*?)</ul>',
                      body, re.S)
        got = re.findall(r'((?:technologies|fields|tools)/[a-z0-9-]+)/'
                         r'index\.html', r.group(1)) if r else []
        check("seminar %s: its terms" % t, sorted(got) == sorted(want),
              "got %s, want %s" % (got, want))
    for pid, path in entries("people"):
        want = sorted(str(sm["title"]) for sm in sems if pid in
                      [str(x) for x in as_list(sm.get("speakers"))])
        with open(os.path.join(site, "people", pid, "index.html"),
                  encoding="utf-8") as f:
            text = f.read()
        m = re.search(r'<ul class="person-seminars">(.*?)</ul>', text, re.S)
        got = sorted(re.findall(r'<li><a href="[^"]*">([^<]*)</a>',
                                m.group(1))) if m else []
        check("person %s: the seminars they gave" % pid, got == want,
              "got %s, want %s" % (got, want))

for name, good, why in res:
    print(("ok %s" % name) if good else ("FAIL %s: %s" % (name, why)))
