"""Every output of an executed notebook is on kbgen's page and nbconvert's.

Usage: /usr/bin/python3 tests/notebook/compare.py EXECUTED.ipynb OURS.html NBCONVERT.html

For each output of each code cell, the representation both pick (the
richest of HTML, SVG, PNG, JPEG, Markdown, plain text; a widget is a
note in kbgen's page and left out here), a few keys: up to five
non-empty lines of text (ANSI colours stripped), the words of an HTML
output's text, one image per image output.  The text of a page is what
a reader sees: HTML to text, with the documents inside srcdoc
attributes (kbgen's sandboxed frames) read the same way.  Each key must
be in nbconvert's text (the check of this check) and in kbgen's; images
are counted.  Prints "ok"/"FAIL" lines; exits 1 when something misses.
"""
import html.parser
import json
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
BLOCK = {"p", "div", "pre", "tr", "td", "th", "br", "li", "h1", "h2", "h3",
         "h4", "table", "iframe"}
PRIO = ["application/javascript", "text/html", "image/svg+xml", "image/png",
        "image/jpeg", "text/markdown", "text/latex", "text/plain"]


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.imgs, self.skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in BLOCK:
            self.out.append(" ")
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "img" or (tag == "svg" and self.skip == 0):
            self.imgs += 1
        if tag == "iframe" and a.get("srcdoc"):
            t = Text()
            t.feed(a["srcdoc"])
            self.out.append(" " + "".join(t.out) + " ")
            self.imgs += t.imgs

    def handle_endtag(self, tag):
        if tag in BLOCK:
            self.out.append(" ")
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)


def page(path):
    t = Text()
    with open(path, encoding="utf-8") as f:
        t.feed(f.read())
    return re.sub(r"\s+", " ", "".join(t.out)), t.imgs


def joined(v):
    return "".join(v) if isinstance(v, list) else v


def keys(o):
    """(text keys, images) of one output."""
    ot = o.get("output_type")
    if ot == "stream":
        return lines(joined(o.get("text", ""))), 0
    if ot == "error":
        return lines("\n".join(o.get("traceback", []))), 0
    data = o.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return [], 0
    for t in PRIO:
        if t in data:
            break
    else:
        return [], 0
    if t.startswith("image/"):
        return [], 1
    if t == "text/html":
        p = Text()
        p.feed(joined(data[t]))
        return [w for w in "".join(p.out).split() if len(w) > 2][:20], 0
    if t == "text/markdown":
        words = [re.sub(r"[*_`#]", "", w) for w in joined(data[t]).split()]
        return [w for w in words if len(w) > 2][:10], 0
    return lines(joined(data[t])), 0


def lines(s):
    out = []
    for ln in ANSI.sub("", s).replace("\r", "\n").split("\n"):
        ln = re.sub(r"\s+", " ", ln).strip()
        if ln:
            out.append(ln)
    return out[:5]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        nb = json.load(f)
    ours, oimg = page(sys.argv[2])
    theirs, timg = page(sys.argv[3])
    bad = 0
    want_img = 0
    n = 0
    for i, c in enumerate(nb["cells"]):
        for o in c.get("outputs", []):
            ks, im = keys(o)
            want_img += im
            for k in ks:
                n += 1
                if k not in theirs:
                    print("FAIL cell %d: nbconvert lacks %r" % (i, k))
                    bad += 1
                if k not in ours:
                    print("FAIL cell %d: kbgen lacks %r" % (i, k))
                    bad += 1
    print("%s %d text keys of %d outputs" % ("FAIL" if bad else "ok", n,
          sum(len(c.get("outputs", [])) for c in nb["cells"])))
    if oimg < want_img or timg < want_img:
        print("FAIL images: notebook %d, kbgen %d, nbconvert %d" %
              (want_img, oimg, timg))
        bad += 1
    else:
        print("ok images: notebook %d, kbgen %d, nbconvert %d" %
              (want_img, oimg, timg))
    sys.exit(1 if bad else 0)


main()
