#!/usr/bin/python3
"""Generate executed notebooks for kbgen's notebook benchmark.

usage: gennb.py N OUTDIR
       gennb.py --stats OUTDIR

Writes OUTDIR/content, the knowledge base of tests/bench/gen.py with N
use cases, every one of them executable (gen.py makes half of them so:
the others get a repository and an example here), and for each use case
SLUG an executed notebook OUTDIR/nb/SLUG.ipynb of realistic shape and
the manifest of a passing run that keeps it, OUTDIR/nb/SLUG.json, for
tests/notebook/putnb.c to store as the use case's last and last passing
run.  OUTDIR/changed/K.ipynb and K.json (K = 1, 2, 3) are later runs
of the first use case (other numbers, other plots), for rebuilds after
one use case's kept outputs change.  OUTDIR/nb/list holds the slugs.

A notebook has 10-30 cells: Markdown, code with execution counts, a
loading cell printing to stdout (and a warning to stderr), a pandas-like
HTML table beside its text/plain, a training log, text/plain results,
and one or two PNG plots (RGBA as matplotlib's; scatter, histogram,
curves or heat map of 576-864 pixels across, 13-69 KB, median 28 KB at
N=1000, drawn here with zlib and struct: no matplotlib needed),
different in every notebook so that thumbnails differ; a quarter tag
their second plot "thumbnail".  The output depends on N only (fixed
seed).  Python 3 standard library only.

gennb.py --stats OUTDIR prints what the notebooks of OUTDIR/nb hold:
their number, cells, outputs and PNG plots (count and sizes).
"""

import base64
import json
import os
import random
import re
import shutil
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

SEED = 20261205

COLORS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
          (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
          (188, 189, 34), (23, 190, 207)]

VIRIDIS = [(68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142),
           (38, 130, 142), (31, 158, 137), (53, 183, 121), (109, 205, 89),
           (180, 222, 44), (253, 231, 37)]


def cmap(v):
    """The colour of v in [0, 1) on viridis, interpolated."""
    t = v * (len(VIRIDIS) - 1)
    i = min(int(t), len(VIRIDIS) - 2)
    f = t - i
    return tuple(int(a + (b - a) * f) for a, b in zip(VIRIDIS[i],
                                                        VIRIDIS[i + 1]))


def png(w, h, rows):
    """PNG bytes of an RGB image, rows h bytearrays of 3*w bytes, written
    opaque RGBA as matplotlib writes its figures."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    out = []
    for r in rows:
        a = bytearray(b"\xff" * (4 * w))
        for k in range(3):
            a[k::4] = r[k::3]
        out.append(b"\x00" + bytes(a))
    raw = b"".join(out)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


class Canvas:
    """A white RGB picture with the frame, ticks and labels of a plot."""

    def __init__(self, rng, w, h):
        self.rng, self.w, self.h = rng, w, h
        self.rows = [bytearray(b"\xff" * (3 * w)) for _ in range(h)]
        # the axes' box, matplotlib's margins
        self.x0, self.x1 = int(w * 0.125), int(w * 0.9)
        self.y0, self.y1 = int(h * 0.11), int(h * 0.88)

    def rect(self, x0, y0, x1, y1, c):
        x0, x1 = max(0, min(x0, x1)), min(self.w, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.h, max(y0, y1))
        if x1 <= x0:
            return
        px = bytes(c) * (x1 - x0)
        for y in range(y0, y1):
            self.rows[y][3 * x0:3 * x1] = px

    def dot(self, x, y, c, a=1.0):
        if 0 <= x < self.w and 0 <= y < self.h:
            r = self.rows[y]
            i = 3 * x
            if a >= 1.0:
                r[i:i + 3] = bytes(c)
            else:
                r[i:i + 3] = bytes(int(r[i + k] * (1 - a) + c[k] * a)
                                   for k in range(3))

    def text(self, x, y, n):
        """n glyph-like marks: text's entropy without a font."""
        rng = self.rng
        for _ in range(n):
            for gy in range(8):
                bits = rng.getrandbits(5)
                for gx in range(5):
                    if bits >> gx & 1:
                        self.dot(x + gx, y + gy, (40, 40, 40),
                                 rng.choice((0.3, 0.5, 0.7, 0.85, 1.0)))
            x += 6

    def curve(self, col, f, noise, every):
        """f(t) for t in [0, 1) across the axes, with gaussian noise,
        anti-aliased; with every, a point with an error bar so often."""
        rng, pw, ph = self.rng, self.x1 - self.x0, self.y1 - self.y0
        prev = None
        for x in range(pw - 2):
            v = f(x / pw) + rng.gauss(0, noise)
            y = self.y1 - 2 - int((ph - 4) * max(0.0, min(1.0, v)))
            lo, hi = (y, y) if prev is None else (min(y, prev),
                                                  max(y, prev))
            for yy in range(lo - 1, hi + 2):
                self.dot(self.x0 + 1 + x, yy, col,
                         1.0 if lo <= yy <= hi else 0.35)
            prev = y
            if every and x % every == every // 2:
                e = rng.randint(2, 14)
                self.rect(self.x0 + x, y - e, self.x0 + x + 1, y + e, col)
                self.rect(self.x0 + x - 2, y - 2, self.x0 + x + 3, y + 3,
                          col)

    def frame(self, title):
        k = (0, 0, 0)
        g = (230, 230, 230)
        for i in range(1, 6):
            x = self.x0 + (self.x1 - self.x0) * i // 6
            y = self.y0 + (self.y1 - self.y0) * i // 6
            self.rect(x, self.y0, x + 1, self.y1, g)
            self.rect(self.x0, y, self.x1, y + 1, g)
        self.rect(self.x0, self.y0, self.x1, self.y0 + 1, k)
        self.rect(self.x0, self.y1, self.x1 + 1, self.y1 + 1, k)
        self.rect(self.x0, self.y0, self.x0 + 1, self.y1, k)
        self.rect(self.x1, self.y0, self.x1 + 1, self.y1, k)
        for i in range(7):
            x = self.x0 + (self.x1 - self.x0) * i // 6
            y = self.y0 + (self.y1 - self.y0) * i // 6
            self.rect(x, self.y1, x + 1, self.y1 + 4, k)
            self.text(x - 8, self.y1 + 7, 3)
            self.rect(self.x0 - 4, y, self.x0, y + 1, k)
            self.text(self.x0 - 26, y - 4, 3)
        self.text((self.x0 + self.x1) // 2 - 3 * len(title),
                  self.y0 - 16, len(title))
        n = self.rng.randint(10, 25)        # the axes' labels
        self.text((self.x0 + self.x1) // 2 - 3 * n, self.y1 + 20, n)
        for k in range(self.rng.randint(10, 25)):
            self.text(4, (self.y0 + self.y1) // 2 - 60 + 9 * k, 1)

    def png(self):
        return png(self.w, self.h, self.rows)


def plot(rng, kind):
    """A plot of the kind given, as PNG bytes."""
    w = rng.choice((576, 640, 720, 800, 864))
    h = w * rng.choice((2, 3)) // 4 + rng.randint(0, 20)
    c = Canvas(rng, w, h)
    c.frame("x" * rng.randint(10, 30))
    pw, ph = c.x1 - c.x0, c.y1 - c.y0
    if kind == "heatmap":
        nx, ny = rng.randint(50, 110), rng.randint(40, 90)
        cx, cy = rng.random(), rng.random()
        s = rng.uniform(0.1, 0.4)
        for j in range(ny):
            for i in range(nx):
                d = ((i / nx - cx) ** 2 + (j / ny - cy) ** 2) / s
                v = max(0.0, min(0.999, 1 / (1 + d) + rng.gauss(0, 0.06)))
                c.rect(c.x0 + 1 + pw * i // nx, c.y0 + 1 + ph * j // ny,
                       c.x0 + 1 + pw * (i + 1) // nx,
                       c.y0 + 1 + ph * (j + 1) // ny,
                       cmap(v))
        for j in range(ph):     # the colour bar
            c.rect(c.x1 + 12, c.y1 - j, c.x1 + 24, c.y1 - j + 1,
                   cmap(j / ph))
        return c.png()
    for s in range(rng.randint(2, 4)):
        col = COLORS[(s + rng.randrange(10)) % 10]
        if kind == "scatter":
            mx, my = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
            sx, sy = rng.uniform(0.08, 0.2), rng.uniform(0.08, 0.2)
            for _ in range(rng.randint(1500, 3500)):
                x = c.x0 + int(pw * rng.gauss(mx, sx))
                y = c.y0 + int(ph * rng.gauss(my, sy))
                if c.x0 < x < c.x1 - 3 and c.y0 < y < c.y1 - 3:
                    for dy in range(3):
                        for dx in range(3):
                            c.dot(x + dx, y + dy, col, 0.45)
        elif kind == "hist":
            nb = rng.randint(30, 80)
            mu, sg = rng.uniform(0.3, 0.7), rng.uniform(0.08, 0.2)
            for i in range(nb):
                t = (i + 0.5) / nb
                v = 2.71828 ** (-((t - mu) / sg) ** 2 / 2)
                v = max(0.0, min(1.0, v * rng.uniform(0.8, 1.1) * 0.9))
                top = c.y1 - int(ph * v)
                light = tuple(min(255, k + (255 - k) * (1 + s) // 3)
                              for k in col)
                c.rect(c.x0 + 1 + pw * i // nb, top,
                       c.x0 + pw * (i + 1) // nb, c.y1, light)
                c.rect(c.x0 + 1 + pw * i // nb, top,
                       c.x0 + pw * (i + 1) // nb, top + 1, col)
                e = int(ph * v ** 0.5 * rng.uniform(0.02, 0.06))
                xm = c.x0 + pw * (2 * i + 1) // (2 * nb)
                c.rect(xm, top - e, xm + 1, top + e, (0, 0, 0))
            c.curve((0, 0, 0), lambda t: 0.9 * 2.71828 **
                    (-((t - mu) / sg) ** 2 / 2), 0.004, 0)
            c.text(c.x1 - 110, c.y0 + 10 + 12 * s, 16)
        else:   # curves: a loss curve, measured points with error bars
            a, b = rng.uniform(1, 6), rng.uniform(0.05, 0.5)
            c.curve(col, lambda t: b + (1 - b) * 2.71828 ** (-a * t),
                    rng.uniform(0.005, 0.03), 8)
            c.text(c.x1 - 110, c.y0 + 10 + 12 * s, 16)
    return c.png()


def lines(text):
    """nbformat's multi-line string: a list of lines, each with its
    newline but the last."""
    ls = text.split("\n")
    return [ln + "\n" for ln in ls[:-1]] + ([ls[-1]] if ls[-1] else [])


def df_html(cols, rows):
    """A pandas DataFrame's _repr_html_, as pandas 1.5 writes it."""
    h = ['<div>', '<style scoped>',
         '    .dataframe tbody tr th:only-of-type {',
         '        vertical-align: middle;', '    }', '',
         '    .dataframe tbody tr th {', '        vertical-align: top;',
         '    }', '', '    .dataframe thead th {',
         '        text-align: right;', '    }', '</style>',
         '<table border="1" class="dataframe">', '  <thead>',
         '    <tr style="text-align: right;">', '      <th></th>']
    h += ['      <th>%s</th>' % c for c in cols]
    h += ['    </tr>', '  </thead>', '  <tbody>']
    for i, r in enumerate(rows):
        h += ['    <tr>', '      <th>%d</th>' % i]
        h += ['      <td>%s</td>' % v for v in r]
        h += ['    </tr>']
    h += ['  </tbody>', '</table>', '</div>']
    return "\n".join(h)


def df_text(cols, rows):
    w = [max(len(c), *(len(str(r[i])) for r in rows)) for i, c in
         enumerate(cols)]
    out = ["   " + "  ".join(c.rjust(w[i]) for i, c in enumerate(cols))]
    for j, r in enumerate(rows):
        out.append(str(j).ljust(3) + "  ".join(str(v).rjust(w[i])
                                                for i, v in enumerate(r)))
    return "\n".join(out)


def words(rng, lo, hi):
    s = " ".join(rng.choice(gen.WORDS) for _ in range(rng.randint(lo, hi)))
    return s[0].upper() + s[1:] + "."


class Notebook:
    def __init__(self, rng):
        self.rng, self.cells, self.count = rng, [], 0

    def md(self, text):
        self.cells.append({"cell_type": "markdown",
                           "id": "%08x" % self.rng.getrandbits(32),
                           "metadata": {}, "source": lines(text)})

    def code(self, src, outputs=(), tags=None):
        self.count += 1
        md = {"tags": tags} if tags else {}
        outs = []
        for o in outputs:
            o = dict(o)
            if o["output_type"] == "execute_result":
                o["execution_count"] = self.count
            outs.append(o)
        self.cells.append({"cell_type": "code",
                           "execution_count": self.count,
                           "id": "%08x" % self.rng.getrandbits(32),
                           "metadata": md, "outputs": outs,
                           "source": lines(src)})

    def json(self):
        return json.dumps({
            "cells": self.cells,
            "metadata": {
                "kernelspec": {"display_name": "Python 3 (ipykernel)",
                               "language": "python", "name": "python3"},
                "language_info": {
                    "codemirror_mode": {"name": "ipython", "version": 3},
                    "file_extension": ".py", "mimetype": "text/x-python",
                    "name": "python", "nbconvert_exporter": "python",
                    "pygments_lexer": "ipython3", "version": "3.11.2"}},
            "nbformat": 4, "nbformat_minor": 5}, indent=1,
            ensure_ascii=False) + "\n"


def stream(name, text):
    return {"output_type": "stream", "name": name, "text": lines(text)}


def result(text):
    return {"output_type": "execute_result", "metadata": {},
            "data": {"text/plain": lines(text)}}


def figure(rng, kind):
    w = rng.choice((6.4, 8.0, 10.0))
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(plot(rng, kind))
                     .decode("ascii") + "\n",
                     "text/plain": ["<Figure size %dx%d with 1 Axes>"
                                    % (w * 100, w * 75)]}}


def notebook(rng, title):
    """An executed notebook of 10-30 cells, as JSON text."""
    nb = Notebook(rng)
    tool = rng.choice(("torch", "tensorflow", "sklearn", "xgboost"))
    nb.md("# %s\n\n%s %s" % (title, words(rng, 15, 40), words(rng, 10, 30)))
    nb.code("import numpy as np\nimport pandas as pd\n"
            "import matplotlib.pyplot as plt\nimport %s\n"
            "%%matplotlib inline\nrng = np.random.default_rng(%d)"
            % (tool, rng.randrange(10000)))
    nev = rng.randint(10000, 900000)
    nb.md("## Data\n\n" + words(rng, 20, 60))
    nb.code('df = pd.read_parquet("data/events.parquet")\n'
            'print(f"Loaded {len(df)} events, {df.shape[1]} features")\n'
            'print("signal fraction:", df.label.mean())',
            [stream("stdout", "Loaded %d events, %d features\n"
                    "signal fraction: %.4f\n" % (nev, rng.randint(8, 40),
                                                 rng.random())),
             stream("stderr", "/usr/lib/python3/dist-packages/pyarrow/"
                    "__init__.py:%d: FutureWarning: the %s option is "
                    "deprecated\n  warnings.warn(\n"
                    % (rng.randint(50, 400), rng.choice(gen.WORDS)))])
    cols = rng.sample(["pt", "eta", "phi", "mass", "energy", "n_tracks",
                       "d0", "z0", "chi2", "label", "weight", "btag"],
                      rng.randint(5, 8))
    rows = [["%.4f" % rng.uniform(-3, 300) for _ in cols] for _ in range(5)]
    nb.code("df.head()", [{"output_type": "execute_result", "metadata": {},
                           "data": {"text/html": lines(df_html(cols, rows)),
                                    "text/plain": lines(df_text(cols,
                                                                rows))}}])
    kinds = ["scatter", "hist", "curves", "heatmap"]
    k1 = rng.choice(kinds)
    nb.md("## A first look\n\n" + words(rng, 10, 40))
    nb.code('fig, ax = plt.subplots()\nax.%s(df.%s, df.%s)\n'
            'ax.set_title("%s")\nplt.show()'
            % ({"scatter": "scatter", "hist": "hist", "curves": "plot",
                "heatmap": "hist2d"}[k1], cols[0], cols[1],
               words(rng, 2, 5)), [figure(rng, k1)])
    nb.md("## Model\n\n" + words(rng, 20, 50))
    nb.code("model = build_model(n_features=%d, hidden=%d, dropout=%.1f)\n"
            "model.summary()" % (len(cols), rng.choice((32, 64, 128)),
                                 rng.random() / 2),
            [stream("stdout", "\n".join(
                "layer_%d (Dense)  (None, %d)  %d" % (i, rng.choice(
                    (32, 64, 128)), rng.randint(100, 20000))
                for i in range(rng.randint(3, 8))) + "\nTotal params: %d\n"
                % rng.randint(10000, 400000))])
    epochs = rng.randint(5, 40)
    log, loss = [], rng.uniform(0.6, 0.9)
    for e in range(epochs):
        loss *= rng.uniform(0.85, 0.99)
        log.append("Epoch %d/%d - %ds - loss: %.4f - val_loss: %.4f - "
                   "accuracy: %.4f" % (e + 1, epochs, rng.randint(1, 30),
                                       loss, loss * rng.uniform(1, 1.2),
                                       1 - loss / 2))
    nb.code("history = model.fit(X_train, y_train, epochs=%d, "
            "validation_split=0.2)" % epochs,
            [stream("stdout", "\n".join(log) + "\n")])
    # the middle: 2-14 more cells of short code and prose
    for _ in range(rng.randint(1, 7)):
        if rng.random() < 0.5:
            nb.md(words(rng, 10, 50))
        v = rng.random()
        nb.code("score = evaluate(model, X_test, y_test, metric=%r)\nscore"
                % rng.choice(("auc", "f1", "accuracy", "precision")),
                [result("%.6f" % v)] if rng.random() < 0.7 else
                [stream("stdout", "score: %.6f\n" % v)])
    tagged = rng.random() < 0.25
    if rng.random() < 0.6 or tagged:
        k2 = rng.choice([k for k in kinds if k != k1])
        nb.md("## Results\n\n" + words(rng, 10, 40))
        nb.code("fig, ax = plt.subplots()\nplot_results(ax, model, "
                "X_test)\nplt.show()", [figure(rng, k2)],
                tags=["thumbnail"] if tagged else None)
    nb.code("auc = roc_auc_score(y_test, model.predict(X_test))\n"
            'print(f"AUC {auc:.3f}")\nauc',
            [stream("stdout", "AUC %.3f\n" % rng.uniform(0.6, 0.99)),
             result("%.16f" % rng.uniform(0.6, 0.99))])
    nb.md("## What to try next\n\n" + words(rng, 10, 40))
    return nb.json()


def manifest(slug, path, i):
    return json.dumps({
        "slug": slug, "stamp": 1764000000 + i,
        "date": "2026-11-%02dT12:%02d:00Z" % (1 + i % 28, i % 60),
        "runner": "local", "gpu": "NVIDIA A100-SXM4-40GB", "commit": None,
        "status": "pass", "reason": None, "kind": "notebook",
        "notebook": {"file": path}, "log": None, "images": []}) + "\n"


def stats(out):
    nbs = cells = outs = 0
    pngs = []
    nbdir = os.path.join(out, "nb")
    for f in sorted(os.listdir(nbdir)):
        if not f.endswith(".ipynb"):
            continue
        with open(os.path.join(nbdir, f), encoding="utf-8") as fp:
            nb = json.load(fp)
        nbs += 1
        cells += len(nb["cells"])
        for c in nb["cells"]:
            for o in c.get("outputs", []):
                outs += 1
                if "image/png" in o.get("data", {}):
                    pngs.append(len(base64.b64decode(o["data"]["image/png"])))
    pngs.sort()
    print("%d notebooks, %.1f cells and %.1f outputs each, %d PNG plots of "
          "%.0f-%.0f KB (median %.0f KB)" % (nbs, cells / nbs, outs / nbs,
                                             len(pngs), pngs[0] / 1e3,
                                             pngs[-1] / 1e3,
                                             pngs[len(pngs) // 2] / 1e3))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--stats":
        stats(sys.argv[2])
        return
    if len(sys.argv) != 3:
        sys.stderr.write("usage: gennb.py N OUTDIR | --stats OUTDIR\n")
        sys.exit(2)
    n, out = int(sys.argv[1]), os.path.abspath(sys.argv[2])
    sys.argv = [sys.argv[0], str(n), out]
    gen.main()
    shutil.rmtree(os.path.join(out, "hugo"))
    ucdir = os.path.join(out, "content", "usecases")
    nbdir = os.path.join(out, "nb")
    os.makedirs(nbdir, exist_ok=True)
    rng = random.Random(SEED)
    slugs = sorted(f[:-3] for f in os.listdir(ucdir) if f.endswith(".md"))
    for i, slug in enumerate(slugs):
        p = os.path.join(ucdir, slug + ".md")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        title = re.search(r'^title: "(.*)"$', text, re.M).group(1)
        if "\nexample: " not in text:
            text = text.replace("\nlinks:\n", "\nrepository:\n  url: "
                                "https://github.com/example/%s.git\n  ref: "
                                "main\nexample: %s.ipynb\nlinks:\n"
                                % (slug, slug.split("-")[0]), 1)
            gen.write(p, text)
        nbp = os.path.join(nbdir, slug + ".ipynb")
        gen.write(nbp, notebook(rng, title))
        gen.write(os.path.join(nbdir, slug + ".json"),
                  manifest(slug, nbp, i))
        if i == 0:      # three later runs of the first use case
            for k in (1, 2, 3):
                nbp = os.path.join(out, "changed", "%d.ipynb" % k)
                gen.write(nbp, notebook(rng, title))
                gen.write(os.path.join(out, "changed", "%d.json" % k),
                          manifest(slug, nbp, n + k))
    gen.write(os.path.join(nbdir, "list"), "\n".join(slugs) + "\n")


if __name__ == "__main__":
    main()
