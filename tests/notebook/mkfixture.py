"""Write the fixture executed notebook of tests/notebook.test.sh.

Usage: /usr/bin/python3 tests/notebook/mkfixture.py OUT.ipynb [BIGMB]

One code cell per case the renderer must handle: every MIME type it
shows (PNG, JPEG and WebP made here with Pillow, so they decode; SVG;
Markdown; LaTeX; plain text; HTML; JavaScript), streams with ANSI
colours and a carriage return, an error with a coloured traceback, a
widget, an output of BIGMB megabytes (default 20; cut by max_text),
invalid base64, bytes that are not the PNG they say, an SVG with
<script>, HTML whose script tries window.parent.document and
top.location, an unknown MIME type, build-machine paths.  Generated at
test time so that the repository holds no 20 MB file.
"""
import base64
import io
import json
import sys

from PIL import Image


def img(fmt):
    im = Image.new("RGB", (40, 20), (200, 30, 30))
    for x in range(40):
        im.putpixel((x, 10), (0, 0, 255))
    b = io.BytesIO()
    im.save(b, fmt)
    return base64.encodebytes(b.getvalue()).decode()


def code(n, src, outputs):
    return {"cell_type": "code", "execution_count": n, "id": "c%s" % n,
            "metadata": {}, "source": src, "outputs": outputs}


def disp(data, n=None):
    if n is None:
        return {"output_type": "display_data", "data": data, "metadata": {}}
    return {"output_type": "execute_result", "execution_count": n,
            "data": data, "metadata": {}}


def main():
    big = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    png = img("PNG")
    hostile_html = (
        "<p id='frame-ok'>frame content</p><script>\n"
        "var r = [];\n"
        "try { r.push('title:' + window.parent.document.title); "
        "window.parent.document.title = 'PWNED'; } "
        "catch (e) { r.push('parent-blocked'); }\n"
        "try { r.push('cookie:' + document.cookie); } "
        "catch (e) { r.push('cookie-blocked'); }\n"
        "try { top.location = 'about:blank#pwned'; } "
        "catch (e) { r.push('top-blocked'); }\n"
        "try { window.parent.kbPwned = 1; } catch (e) {}\n"
        "document.title = r.join(' ');\n"
        "</script>")
    cells = [
        {"cell_type": "markdown", "id": "m1", "metadata": {},
         "source": ["# Fixture notebook\n", "\n",
                    "Some *Markdown* with <script>alert(1)</script> raw "
                    "HTML and a [bad link](javascript:alert(1)).\n"]},
        code(1, "import numpy as np  # comment\nx = 'str' + \"s\"\n"
             "def f(a=1.5e3):\n    return len(a)\n@decorator\nclass C: pass\n"
             "!ls /tmp\n%matplotlib inline",
             [{"output_type": "stream", "name": "stdout",
               "text": ["plain \x1b[31mred\x1b[0m and \x1b[1;32mbold green"
                        "\x1b[0m <b>not bold</b>\n",
                        "progress 10%\rprogress 100%\n"]},
              {"output_type": "stream", "name": "stderr",
               "text": "warning: \x1b[33myellow\x1b[0m \x1b[91mbright red"
                       "\x1b[0m on \x1b[104mbright blue\x1b[0m\n"}]),
        code(2, "plot()", [disp({"image/png": png, "text/plain":
                                 "<Figure size 40x20>"})]),
        code(3, "jpeg()", [disp({"image/jpeg": img("JPEG"),
                                 "text/plain": "<JPEG>"})]),
        code(4, "webp()", [disp({"image/webp": img("WEBP"),
                                 "text/plain": "<WebP>"})]),
        code(5, "svg()", [disp({"image/svg+xml":
                                "<svg xmlns='http://www.w3.org/2000/svg' "
                                "width='10' height='10'><rect width='10' "
                                "height='10' fill='green'/></svg>",
                                "text/plain": "<SVG>"})]),
        code(6, "md()", [disp({"text/markdown": "**bold** and "
                               "<img src=x onerror=alert(1)>",
                               "text/plain": "<Markdown>"})]),
        code(7, "latex()", [disp({"text/latex": "$x^2$"})]),
        code(8, "df", [disp({"text/plain": "   a  b\n0  1  <2>\n"}, 8)]),
        code(9, "hostile_html()", [disp({"text/html": hostile_html,
                                         "text/plain": "<HTML>"})]),
        code(10, "js()", [disp({"application/javascript":
                                "element.textContent = 'js ran';"})]),
        code(11, "1/0", [
            {"output_type": "error", "ename": "ZeroDivisionError",
             "evalue": "division by zero",
             "traceback": [
                 "\x1b[0;31m-------------------------------------------\x1b[0m",
                 "\x1b[0;31mZeroDivisionError\x1b[0m    Traceback (most "
                 "recent call last)",
                 "File \x1b[0;32m/job/src/examples/helper.py:3\x1b[0m, in "
                 "\x1b[0;36mf\x1b[0m()",
                 "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]}]),
        code(12, "widget()", [disp({"application/vnd.jupyter.widget-view+json":
                                    {"model_id": "abc", "version_major": 2,
                                     "version_minor": 0},
                                    "text/plain": "IntSlider(value=0)"})]),
        code(13, "print('x' * big)",
             [{"output_type": "stream", "name": "stdout",
               "text": ("y" * 99 + "\n") * (big * 10000)}]),
        code(14, "bad_base64()", [disp({"image/png": "!!!not base64!!!",
                                        "text/plain": "<bad>"})]),
        code(15, "not_png()", [disp({"image/png":
                                     base64.b64encode(b"GIF89a not a png")
                                     .decode()})]),
        code(16, "svg_script()", [disp({"image/svg+xml":
                                        "<svg xmlns='http://www.w3.org/2000/svg'"
                                        " width='10' height='10'><script>"
                                        "alert(document.cookie)</script>"
                                        "<circle r='5' cx='5' cy='5'/></svg>"})]),
        code(17, "unknown()", [disp({"application/x-kbgen-unknown": "zzz"})]),
        code(18, "paths()",
             [{"output_type": "stream", "name": "stdout",
               "text": "/job/src/examples/data/x.csv\n"
                       "/home/ci/kb/.kbgen/runs/demo/20261125T120000Z/work/"
                       "src/examples/model.pt\n"
                       "/job/home/.cache/y\n"
                       "/run/kbgen/env/lib/python3.11/site-packages/z.py\n"}]),
        code(None, "never_run()", []),
    ]
    nb = {"cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "language": "python",
                       "display_name": "Python 3"},
        "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5}
    with open(sys.argv[1], "w") as f:
        json.dump(nb, f, indent=1)


main()
