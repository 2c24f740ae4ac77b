"""Two executed notebooks of one example, as two passing runs left them,
for tests/outchanged.test.sh.  Usage: mkpair.py DIR

Writes DIR/before.ipynb and DIR/after.ipynb (the later run: a Markdown
cell more at the top, so that each code cell sits one place lower) with
four code cells:

  1. "AUC 0.9100 at 2026-11-01T10:00:00Z" then "AUC 0.9104 at
     2026-11-20T09:00:00Z": the same within 0.001 once the timestamps
     are masked;
  2. a PNG plot whose pixels differ: an image that changed;
  3. "accuracy 0.80 <script>" then "accuracy 0.70 <script>": a text
     that changed, with markup that must stay text;
  4. the same PNG in both: no change.

Also DIR/timeonly.ipynb: before.ipynb with only its timestamps changed
(a run that is not a change), and DIR/corrupt.ipynb (not JSON).  The
PNGs are made with the standard library (zlib, struct) so that they
decode.
"""
import base64
import json
import struct
import sys
import zlib


def png(w, h, rgb):
    """A w x h PNG of one colour."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    row = b"\x00" + bytes(rgb) * w
    raw = zlib.compress(row * h)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def b64(data):
    return base64.b64encode(data).decode()


def code(n, src, outputs):
    return {"cell_type": "code", "execution_count": n, "metadata": {},
            "source": src, "outputs": outputs}


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def disp(data):
    return {"output_type": "display_data", "metadata": {}, "data": data}


def notebook(cells):
    return {"cells": cells, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3",
        "language": "python"}, "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5}


def run(auc, when, plot, acc, md_first):
    cells = []
    if md_first:
        cells.append({"cell_type": "markdown", "metadata": {},
                      "source": "Trained again on more data."})
    cells.append({"cell_type": "markdown", "metadata": {},
                  "source": "# A classifier"})
    cells += [
        code(1, "print(f'AUC {auc:.4f} at {now()}')",
             [stream("AUC %s at %s\n" % (auc, when))]),
        code(2, "plot_roc()", [disp({"image/png": b64(plot),
                                     "text/plain": "<Figure>"})]),
        code(3, "print(acc)", [stream("accuracy %s <script>\n" % acc)]),
        code(4, "plot_data()", [disp({"image/png":
                                      b64(png(8, 6, (10, 200, 10))),
                                      "text/plain": "<Figure>"})]),
    ]
    return notebook(cells)


def main():
    d = sys.argv[1]
    red, blue = png(8, 6, (200, 10, 10)), png(8, 6, (10, 10, 200))
    files = {
        "before": run("0.9100", "2026-11-01T10:00:00Z", red, "0.80", False),
        "after": run("0.9104", "2026-11-20T09:00:00Z", blue, "0.70", True),
        "timeonly": run("0.9100", "2026-11-21T08:30:00Z", red, "0.80",
                        False),
    }
    for name, nb in files.items():
        with open("%s/%s.ipynb" % (d, name), "w") as f:
            json.dump(nb, f, indent=1)
    with open("%s/corrupt.ipynb" % d, "w") as f:
        f.write('{"cells": [')


main()
