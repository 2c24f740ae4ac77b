"""A notebook whose Markdown cell shows images attached to it (nbformat's
"attachments"), for tests/notebook.test.sh.  Usage: mkattach.py FILE

One Markdown cell refers to: roc.png (a real 2x2 PNG, twice: as an
image and as a link, and once from raw HTML), gone.png (no such
attachment), bad.png (not base64) and evil.svg (an SVG with an event
handler).  Prints the first 16 hex digits of the PNG's SHA-256, the
name its file gets.
"""
import base64
import hashlib
import json
import struct
import sys
import zlib


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


png = (b"\x89PNG\r\n\x1a\n" +
       chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress((b"\x00" + b"\xff\x00\x00" * 2) * 2)) +
       chunk(b"IEND", b""))
cells = [{
    "cell_type": "markdown", "metadata": {},
    "source": ["A plot: ![roc](attachment:roc.png)\n",
               "[link](attachment:roc.png) ![none](attachment:gone.png) ",
               "![bad](attachment:bad.png) ![evil](attachment:evil.svg) ",
               "<img src=\"attachment:roc.png\">"],
    "attachments": {
        "roc.png": {"image/png": base64.b64encode(png).decode()},
        "bad.png": {"image/png": "!!!"},
        "evil.svg": {"image/svg+xml":
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "onload=\"alert(1)\"></svg>"}}}]
with open(sys.argv[1], "w") as f:
    json.dump({"cells": cells, "metadata": {}, "nbformat": 4,
               "nbformat_minor": 5}, f)
print(hashlib.sha256(png).hexdigest()[:16])
