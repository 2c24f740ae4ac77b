#!/bin/sh
# The built site, page by page and as a whole.
#
# Builds tests/fixtures/kb, checks that the build is deterministic, then
# compares the pages listed in tests/fixtures/kb.pages with the goldens in
# tests/fixtures/kb.expected (rewrite them with "make regen" and read the
# diff).  Then checks every built page: links resolve inside the site,
# nothing is loaded from another host, the landmarks are there, the JSON and
# XML outputs parse and list the right use cases, and --drafts adds the
# draft; -o DIR/ (a trailing slash) publishes into DIR itself.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
EXP=$PWD/tests/fixtures/kb.expected
PAGES=$PWD/tests/fixtures/kb.pages
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"

fresh() {
	# fresh NAME: a clean copy of the fixture in $TMP/NAME
	rm -rf "$TMP/$1"
	cp -r "$FIX" "$TMP/$1"
	rm -rf "$TMP/$1/site" "$TMP/$1/.kbgen"
}

fresh a
if ! "$KBGEN" -q -C "$TMP/a" build 2>"$TMP/a.err"; then
	fail "build" "the fixture does not build" "$TMP/a.err"
	finish
fi
ok "build"
S=$TMP/a/site

# Deterministic: a second copy, built with one thread instead of many,
# gives the same bytes.
fresh b
"$KBGEN" -q -C "$TMP/b" -j 1 build 2>"$TMP/b.err"
if diff -r "$S" "$TMP/b/site" >"$TMP/det.diff" 2>&1; then
	ok "deterministic"
else
	fail "deterministic" "two builds of the same content differ"
	head -40 "$TMP/det.diff" | sed 's/^/    /'
fi

# Golden pages.
if [ ! -f "$PAGES" ] || [ ! -d "$EXP" ]; then
	fail "golden" "no goldens in tests/fixtures/kb.expected"
else
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		if [ ! -f "$S/$p" ]; then
			fail "golden $p" "not built"
		elif [ ! -f "$EXP/$p" ]; then
			fail "golden $p" "no golden in tests/fixtures/kb.expected"
		elif diff -u "$EXP/$p" "$S/$p" >"$TMP/g.diff"; then
			ok "golden $p"
		else
			fail "golden $p" "differs from tests/fixtures/kb.expected/$p"
			head -60 "$TMP/g.diff" | sed 's/^/    /'
		fi
	done <"$PAGES"
fi

# Counts say one thing in the singular: the fixture has one executable
# example.
has one-example-singular "$S/index.html" "of 1 example verified in the last 7 days"
hasnt no-plural-after-one "$S/index.html" "1 examples"

# Visitors never see maintainers' commands (kbgen(1) has them).
left=$(grep -rlE '<code>kbgen |kbgen (check|sync|build|lint)' "$S" --include='*.html' | sed "s|$S/||")
expect no-kbgen-commands-on-pages "$left" ""

# Checks on the whole site: one "ok"/"FAIL" line each, with the offenders.
"$PY" - "$S" >"$TMP/checks" <<'EOF'
import html.parser, json, os, posixpath, re, sys
import xml.etree.ElementTree as ET

site = sys.argv[1]
pages = []
for d, _, fs in os.walk(site):
    for f in fs:
        if f.endswith(".html"):
            pages.append(os.path.relpath(os.path.join(d, f), site))
pages.sort()

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs dict)
        self.ids = set()
        self.title = ""
        self.in_title = False
    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag == "title":
            self.in_title = True
    handle_startendtag = handle_starttag
    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
    def handle_data(self, data):
        if self.in_title:
            self.title += data

parsed = {}
raw = {}
for p in pages:
    with open(os.path.join(site, p), encoding="utf-8") as fh:
        raw[p] = fh.read()
    pp = Page()
    pp.feed(raw[p])
    pp.close()
    parsed[p] = pp

def report(name, bad, limit=20):
    if bad:
        print("FAIL %s: %d problem(s)" % (name, len(bad)))
        for b in bad[:limit]:
            print("    " + b)
        if len(bad) > limit:
            print("    ... and %d more" % (len(bad) - limit))
    else:
        print("ok " + name)

EXTERNAL = re.compile(r"^(https?:|mailto:)", re.I)
URL_ATTRS = ("href", "src", "action", "poster", "data", "formaction", "cite")

# (a) every link is external, a fragment or a relative path to a file of
# the site; fragments of internal links name an id of the target page.
bad_links, bad_frags = [], []
for p in pages:
    here = posixpath.dirname(p)
    for tag, a in parsed[p].tags:
        for attr in URL_ATTRS:
            if attr not in a:
                continue
            u = a[attr].strip()
            where = "%s: <%s %s=\"%s\">" % (p, tag, attr, u)
            if u == "":
                bad_links.append(where + " (empty)")
                continue
            if EXTERNAL.match(u):
                continue
            if u.startswith("#"):
                if u != "#" and u[1:] not in parsed[p].ids:
                    bad_frags.append(where + " (no such id)")
                continue
            if u.startswith("/"):
                bad_links.append(where + " (absolute path)")
                continue
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", u):
                bad_links.append(where + " (scheme not allowed)")
                continue
            path, _, frag = u.partition("#")
            path = path.partition("?")[0]
            target = posixpath.normpath(posixpath.join(here, path))
            if target.startswith(".."):
                bad_links.append(where + " (leaves the site)")
            elif not os.path.isfile(os.path.join(site, target)):
                bad_links.append(where + " (no file %s)" % target)
            elif frag and target in parsed and frag not in parsed[target].ids:
                bad_frags.append(where + " (no id %r in %s)" % (frag, target))
        if "srcset" in a:
            bad_links.append("%s: <%s srcset> not checked" % (p, tag))
report("links-resolve (%d pages)" % len(pages), bad_links)
report("fragments-resolve", bad_frags)

# (b) nothing loaded from another host.
bad_assets = []
for p in pages:
    for tag, a in parsed[p].tags:
        rel = a.get("rel", "").lower().split()
        src = None
        if tag in ("script", "img", "iframe", "frame", "embed", "video",
                   "audio", "source", "track", "input"):
            src = a.get("src")
        elif tag == "link" and set(rel) & {"stylesheet", "preload",
                                           "modulepreload", "icon",
                                           "manifest", "import"}:
            src = a.get("href")
        elif tag == "object":
            src = a.get("data")
        if src and re.match(r"^\s*(https?:)?//", src, re.I):
            bad_assets.append("%s: <%s> loads %s" % (p, tag, src))
for d, _, fs in os.walk(os.path.join(site, "assets")):
    for f in fs:
        if f.endswith(".css") or f.endswith(".js"):
            t = open(os.path.join(d, f), encoding="utf-8").read()
            for m in re.finditer(r"(@import|url\()\s*['\"]?\s*(https?:)?//", t):
                bad_assets.append("%s: %s" % (os.path.relpath(
                    os.path.join(d, f), site), m.group(0)))
report("no-remote-assets", bad_assets)

# (c) landmarks, language, title, and alt text.
bad_marks = []
for p in pages:
    tags = {t for t, _ in parsed[p].tags}
    for need in ("main", "nav", "header", "footer"):
        if need not in tags:
            bad_marks.append("%s: no <%s>" % (p, need))
    htmls = [a for t, a in parsed[p].tags if t == "html"]
    if not htmls or not htmls[0].get("lang"):
        bad_marks.append("%s: no <html lang=...>" % p)
    if not raw[p].lstrip().lower().startswith("<!doctype html>"):
        bad_marks.append("%s: no <!DOCTYPE html>" % p)
    if not parsed[p].title.strip():
        bad_marks.append("%s: empty <title>" % p)
    for t, a in parsed[p].tags:
        if t == "img" and "alt" not in a:
            bad_marks.append("%s: <img src=%r> has no alt" % (p, a.get("src")))
    if len([1 for t, _ in parsed[p].tags if t == "main"]) > 1:
        bad_marks.append("%s: more than one <main>" % p)
    ids = [a["id"] for _, a in parsed[p].tags if "id" in a]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        bad_marks.append("%s: duplicate ids %s" % (p, dups))
report("landmarks-lang-alt", bad_marks)

# (d) catalogue.json, feed.xml, sitemap.xml.
want = {
    "breast-density": (["CNN"], ["Medical Physics"], ["Keras"]),
    "btagging": (["CNN", "LSTM"], ["High Energy Physics"],
                 ["Keras", "TensorFlow"]),
    "jet-gnn": (["GNN"], ["High Energy Physics"], ["PyTorch"]),
}
bad = []
try:
    cat = json.load(open(os.path.join(site, "catalogue.json"), encoding="utf-8"))
    ucs = cat["usecases"]
    got = sorted(u["slug"] for u in ucs)
    if got != sorted(want):
        bad.append("use cases %s, want %s" % (got, sorted(want)))
    for u in ucs:
        w = want.get(u["slug"])
        if w is None:
            continue
        for key, terms in zip(("technologies", "fields", "tools"), w):
            if sorted(u.get(key) or []) != sorted(terms):
                bad.append("%s: %s %s, want %s" % (u["slug"], key,
                                                   u.get(key), terms))
        if u.get("url") != "usecases/%s/index.html" % u["slug"]:
            bad.append("%s: url %r" % (u["slug"], u.get("url")))
        elif not os.path.isfile(os.path.join(site, u["url"])):
            bad.append("%s: url %s is not a file" % (u["slug"], u["url"]))
except Exception as e:
    bad.append("does not parse: %r" % e)
report("catalogue.json", bad)

ATOM = "{http://www.w3.org/2005/Atom}"
bad = []
try:
    feed = ET.parse(os.path.join(site, "feed.xml")).getroot()
    if feed.tag != ATOM + "feed":
        bad.append("root is %s, not an Atom feed" % feed.tag)
    ids = [e.findtext(ATOM + "id") for e in feed.findall(ATOM + "entry")]
    slugs = sorted(i.split("/usecases/")[1].split("/")[0] for i in ids
                   if i and "/usecases/" in i)
    if slugs != sorted(want):
        bad.append("entries %s, want %s" % (slugs, sorted(want)))
    for e in feed.findall(ATOM + "entry"):
        for k in ("title", "id", "updated"):
            if not (e.findtext(ATOM + k) or "").strip():
                bad.append("an entry has no %s" % k)
except Exception as e:
    bad.append("does not parse: %r" % e)
report("feed.xml", bad)

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
bad = []
try:
    sm = ET.parse(os.path.join(site, "sitemap.xml")).getroot()
    locs = [u.findtext(SM + "loc") for u in sm.findall(SM + "url")]
    if not locs:
        bad.append("no <url>")
    base = "https://kb.example.org/"
    for l in locs:
        if not l.startswith(base):
            bad.append("%s is not under base_url %s" % (l, base))
        elif not os.path.isfile(os.path.join(site, l[len(base):])):
            bad.append("%s: no such file in the site" % l)
    if len(set(locs)) != len(locs):
        bad.append("duplicate locations")
    for p in pages:
        if p != "404.html" and base + p not in locs:
            bad.append("%s is missing" % p)
    if base + "404.html" in locs:
        bad.append("404.html is listed")
except Exception as e:
    bad.append("does not parse: %r" % e)
report("sitemap.xml", bad)

# The draft is nowhere in the default build.
bad = []
for d, _, fs in os.walk(site):
    for f in fs:
        pth = os.path.join(d, f)
        t = open(pth, encoding="utf-8", errors="replace").read()
        if "draft-idea" in t or "An unfinished idea" in t:
            bad.append(os.path.relpath(pth, site))
if os.path.exists(os.path.join(site, "usecases", "draft-idea")):
    bad.append("usecases/draft-idea/ exists")
report("draft-absent", bad)
EOF
tally "$TMP/checks"

# (e) --drafts includes the draft, in pages, catalogue.json and feed.
"$KBGEN" -q -C "$TMP/a" build --drafts -o "$TMP/drafts" 2>"$TMP/d.err"
rc=$?
D=$TMP/drafts
if [ $rc -ne 0 ]; then
	fail "drafts" "exit $rc"; sed 's/^/    /' "$TMP/d.err"
elif [ ! -f "$D/usecases/draft-idea/index.html" ]; then
	fail "drafts" "no usecases/draft-idea/index.html"
elif ! grep -q 'An unfinished idea' "$D/usecases/draft-idea/index.html" ||
    ! grep -q 'usecases/draft-idea/index.html' "$D/catalogue/index.html" ||
    ! grep -q '"draft-idea"' "$D/catalogue.json" ||
    ! grep -q 'usecases/draft-idea/index.html' "$D/feed.xml"; then
	fail "drafts" "draft-idea missing from its page, the catalogue, catalogue.json or feed.xml"
else
	ok "drafts"
fi

# A --drafts build elsewhere does not leak into the next plain build.
"$KBGEN" -q -C "$TMP/a" build 2>"$TMP/a2.err"
if [ -e "$S/usecases/draft-idea" ] || grep -rq 'draft-idea' "$S"; then
	fail "drafts-no-leak" "draft-idea in the plain build after a --drafts build"
elif ! diff -r "$S" "$TMP/b/site" >/dev/null; then
	fail "drafts-no-leak" "the plain build changed after a --drafts build"
else
	ok "drafts-no-leak"
fi

# -o with a trailing slash: the same folder, published whole twice (the
# second build swaps the new folder with the old one), nothing left
# beside it or inside it.
for i in 1 2; do
	"$KBGEN" -q -C "$TMP/a" build --force -o "$TMP/slash/" 2>"$TMP/slash.err"
	rc "-o DIR/: build $i exits 0" $? 0 "$TMP/slash.err"
done
if [ ! -f "$TMP/slash/index.html" ] || ! diff -r "$S" "$TMP/slash" >/dev/null; then
	fail "-o DIR/: the site published there" "not the site of the plain build"
elif ls -a "$TMP" "$TMP/slash" | grep -q 'new-'; then
	fail "-o DIR/: nothing left behind" "a .new- folder is left: $(ls -a "$TMP" "$TMP/slash" | grep new-)"
else
	ok "-o DIR/: the site published there, nothing left behind"
fi
finish
