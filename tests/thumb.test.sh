#!/bin/sh
# Thumbnails of examples and the gallery view (render/thumb.c): images
# drawn with python3-pil (PNG, JPEG, WebP, an SVG; PNGs with alpha, the
# clear part shown on the background) thumbnailed by the
# test tool BUILD/thumbtool to exactly 400x280 and 800x560, letterboxed
# (corners are the background, the centre is the image, a small image
# is not enlarged); an image that does not decode and a format kbgen
# does not read (GIF, TIFF) are refused; the image a notebook shows
# (the cell tagged "thumbnail" over the first image; a tag on a cell
# without an image is a warning naming the cell).  Then a knowledge
# base whose use cases have kept outputs (kept by the test tool putout
# through kbgen check's own code): the thumbnails in the site, srcset, the failing mark of
# an example whose last run failed, the neutral tile of one without an
# image and of one whose image does not decode (a warning naming the
# use case), and a rebuild that takes thumbnails from the cache.
KBGEN=${KBGEN:-$PWD/kbgen}
TOP=$PWD
PY=/usr/bin/python3
BIN=$(dirname "$KBGEN")
THUMBTOOL=$BIN/thumbtool
[ -x "$THUMBTOOL" ] || THUMBTOOL=$PWD/.obj/thumbtool
PUTRUN=$BIN/putrun
[ -x "$PUTRUN" ] || PUTRUN=$PWD/.obj/putrun
PUTOUT=$BIN/putout
[ -x "$PUTOUT" ] || PUTOUT=$PWD/.obj/putout
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$TOP/tests/lib.sh"

if ! "$PY" -c 'import PIL' 2>/dev/null; then
	fail python3-pil "not installed (run tests/deps-test.sh)"
	finish
fi
if [ ! -x "$THUMBTOOL" ] || [ ! -x "$PUTRUN" ] || [ ! -x "$PUTOUT" ]; then
	fail tools "no $THUMBTOOL, $PUTRUN or $PUTOUT (make unit)"
	finish
fi

# px FILE X Y: the pixel at X,Y as "R,G,B"; size FILE: "WxH".
px() { "$PY" -c 'import sys
from PIL import Image
p = Image.open(sys.argv[1]).convert("RGB").getpixel((int(sys.argv[2]), int(sys.argv[3])))
print("%d,%d,%d" % p)' "$@" 2>/dev/null; }
size() { "$PY" -c 'import sys
from PIL import Image
print("%dx%d" % Image.open(sys.argv[1]).size)' "$1" 2>/dev/null; }
# near GOT WANT: each channel within 6 (WebP is lossy).
near() {
	"$PY" -c 'import sys
g = [int(x) for x in sys.argv[1].split(",")]
w = [int(x) for x in sys.argv[2].split(",")]
sys.exit(0 if all(abs(a - b) <= 6 for a, b in zip(g, w)) else 1)' "$2" "$3" &&
	    ok "$1" || fail "$1" "pixel $2, want about $3"
}
BG=242,242,242

cd "$TMP" || exit 1
"$PY" - <<'EOF'
import base64, io, json
from PIL import Image
Image.new("RGB", (1000, 300), (200, 0, 0)).save("wide.png")
Image.new("RGB", (200, 400), (0, 0, 200)).save("tall.jpg")
Image.new("RGBA", (100, 50), (0, 150, 0, 255)).save("small.webp")
Image.new("RGB", (2000, 1400), (0, 120, 120)).save("big.png")
# PNGs with alpha (matplotlib's are RGBA): the clear half shows the
# background, the opaque half its colour.
a = Image.new("RGBA", (1000, 700), (0, 0, 0, 0))
a.paste((0, 0, 200, 255), (500, 0, 1000, 700))
a.save("alpha.png")
a.resize((5000, 3500)).save("bigalpha.png")  # over FLAT_MAX_PIXELS
a = Image.new("LA", (1000, 700), (60, 255))
a.paste((0, 0), (0, 350, 1000, 700))
a.save("greya.png")
Image.new("RGB", (8, 8), (1, 2, 3)).save("x.gif")
Image.new("RGB", (8, 8), (1, 2, 3)).save("x.tiff")
open("x.svg", "w").write('<svg xmlns="http://www.w3.org/2000/svg" '
    'width="600" height="600"><rect width="600" height="600" '
    'fill="#ff8000"/></svg>')
open("bad.png", "wb").write(b"\x89PNG\r\n\x1a\n" + b"not a png" * 20)

def png(rgb, size=(300, 200)):
    b = io.BytesIO()
    Image.new("RGB", size, rgb).save(b, "PNG")
    return base64.b64encode(b.getvalue()).decode()

def cell(n, outputs, tags=None):
    c = {"cell_type": "code", "execution_count": n, "source": "x",
         "metadata": {}, "outputs": outputs}
    if tags:
        c["metadata"]["tags"] = tags
    return c

def image(b64, mime="image/png"):
    # nbformat keeps base64 in lines: the decoder must skip newlines.
    lines = [b64[i:i + 76] + "\n" for i in range(0, len(b64), 76)]
    return {"output_type": "display_data", "metadata": {},
            "data": {mime: lines, "text/plain": "<Figure>"}}

def nb(cells):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": cells})

stream = {"output_type": "stream", "name": "stdout", "text": "hi\n"}
# The first image is red; the tagged cell's is green.
open("tagged.ipynb", "w").write(nb([
    {"cell_type": "markdown", "metadata": {"tags": ["thumbnail"]},
     "source": "a tag on Markdown"},
    cell(1, [stream]),
    cell(2, [image(png((220, 0, 0)))]),
    cell(3, [stream], ["thumbnail"]),
    cell(4, [image(png((0, 180, 0)))], ["thumbnail", "other"]),
    cell(5, [image(png((0, 0, 220)))])]))
open("first.ipynb", "w").write(nb([cell(1, [stream]),
    cell(2, [image(png((0, 0, 220)))]), cell(3, [image(png((220, 0, 0)))])]))
open("noimage.ipynb", "w").write(nb([cell(1, [stream])]))
open("badimage.ipynb", "w").write(nb([cell(1, [image("bm90IGFuIGltYWdl")])]))
open("badb64.ipynb", "w").write(nb([cell(1, [image("iVBO<script>!!")])]))
open("svg.ipynb", "w").write(nb([cell(1, [{"output_type": "display_data",
    "metadata": {}, "data": {"image/svg+xml": ['<svg xmlns="http://www.w3.org/2000/svg" ',
    'width="10" height="10"><rect width="10" height="10" fill="#00f"/></svg>']}}])]))
EOF

# Encoding: sizes, letterboxing, formats.
for f in wide.png tall.jpg small.webp x.svg big.png alpha.png greya.png \
    bigalpha.png; do
	for s in 400x280 800x560; do
		if "$THUMBTOOL" encode "$f" "${s%x*}" "${s#*x}" "$f.$s.webp" \
		    2>"$TMP/enc.err"; then
			expect "encode $f $s: size" "$(size "$f.$s.webp")" "$s"
		else
			fail "encode $f $s" "thumbtool failed" "$TMP/enc.err"
		fi
	done
done
# Alpha: flattened on the background (1000x700 fits 400x280 exactly).
near "alpha: clear is background" "$(px alpha.png.400x280.webp 100 140)" $BG
near "alpha: opaque is the image" "$(px alpha.png.400x280.webp 300 140)" 0,0,200
near "alpha 2x: clear is background" "$(px alpha.png.800x560.webp 200 280)" $BG
near "alpha 2x: opaque is the image" "$(px alpha.png.800x560.webp 600 280)" 0,0,200
near "big alpha: clear is background" "$(px bigalpha.png.400x280.webp 100 140)" $BG
near "big alpha: opaque is the image" "$(px bigalpha.png.400x280.webp 300 140)" 0,0,200
near "grey+alpha: opaque is the image" "$(px greya.png.400x280.webp 200 70)" 60,60,60
near "grey+alpha: clear is background" "$(px greya.png.400x280.webp 200 210)" $BG
# 1000x300 fits 400x120, centred: bands above and below.
near "wide: corner is background" "$(px wide.png.400x280.webp 0 0)" $BG
near "wide: bottom corner is background" "$(px wide.png.400x280.webp 399 279)" $BG
near "wide: above the image is background" "$(px wide.png.400x280.webp 200 70)" $BG
near "wide: centre is the image" "$(px wide.png.400x280.webp 200 140)" 200,0,0
near "wide: left edge is the image" "$(px wide.png.400x280.webp 2 140)" 200,0,0
# 200x400 fits 140x280: bands left and right.
near "tall: left of the image is background" "$(px tall.jpg.400x280.webp 100 140)" $BG
near "tall: centre is the image" "$(px tall.jpg.400x280.webp 200 140)" 0,0,200
near "tall: top is the image" "$(px tall.jpg.400x280.webp 200 2)" 0,0,200
# 100x50 stays 100x50 (never enlarged), centred.
near "small: centre is the image" "$(px small.webp.400x280.webp 200 140)" 0,150,0
near "small: not enlarged" "$(px small.webp.400x280.webp 140 140)" $BG
near "svg: centre is the image" "$(px x.svg.400x280.webp 200 140)" 255,128,0
near "svg: letterboxed" "$(px x.svg.400x280.webp 50 140)" $BG
near "2x: centre" "$(px wide.png.800x560.webp 400 280)" 200,0,0
near "2x: corner" "$(px wide.png.800x560.webp 0 0)" $BG
near "2x: band" "$(px wide.png.800x560.webp 400 100)" $BG
near "big: fills the width" "$(px big.png.400x280.webp 1 1)" 0,120,120
for f in bad.png x.gif x.tiff; do
	"$THUMBTOOL" encode "$f" 400 280 "$f.webp" 2>"$TMP/enc.err"
	rc "refuse $f" $? 1 "$TMP/enc.err"
	[ ! -s "$f.webp" ] && ok "refuse $f: nothing written" ||
	    fail "refuse $f: nothing written" "wrote $f.webp"
done
grep -q "blocked" "$TMP/enc.err" && ok "tiff: loader blocked" ||
    fail "tiff: loader blocked" "no word of it" "$TMP/enc.err"

# Which image a notebook shows.
"$THUMBTOOL" pick tagged.ipynb tagged.png 2>"$TMP/pick.err"
rc "pick: tagged notebook" $? 0 "$TMP/pick.err"
near "pick: the tagged cell's image, not the first" "$(px tagged.png 10 10)" 0,180,0
has "pick: tag on a cell without an image named" "$TMP/pick.err" \
    "cell 4 (In [3]) is tagged thumbnail but shows no image"
has "pick: tag on a Markdown cell named" "$TMP/pick.err" \
    "cell 1 is tagged thumbnail but shows no image"
"$THUMBTOOL" pick first.ipynb first.png 2>"$TMP/pick.err"
rc "pick: untagged notebook" $? 0 "$TMP/pick.err"
near "pick: the first image" "$(px first.png 10 10)" 0,0,220
[ ! -s "$TMP/pick.err" ] && ok "pick: no warning without tags" ||
    fail "pick: no warning without tags" "warned" "$TMP/pick.err"
"$THUMBTOOL" pick noimage.ipynb none.png 2>"$TMP/pick.err"
rc "pick: no image" $? 1 "$TMP/pick.err"
"$THUMBTOOL" pick svg.ipynb svg.svg 2>"$TMP/pick.err"
has "pick: an SVG as its text" svg.svg 'fill="#00f"'
"$THUMBTOOL" pick badb64.ipynb badb64.png 2>"$TMP/pick.err"
rc "pick: invalid base64 is still the cell's image" $? 0 "$TMP/pick.err"
[ -f badb64.png ] && [ ! -s badb64.png ] && ok "pick: invalid base64 gives no bytes" ||
    fail "pick: invalid base64 gives no bytes" "$(wc -c <badb64.png 2>&1)"
"$THUMBTOOL" encode badb64.png 400 280 badb64.webp 2>"$TMP/enc.err"
rc "invalid base64: does not decode" $? 1 "$TMP/enc.err"
echo 'not json' >corrupt.ipynb
"$THUMBTOOL" pick corrupt.ipynb c.png 2>"$TMP/pick.err"
has "pick: a corrupt notebook is a warning" "$TMP/pick.err" "not JSON"

# A knowledge base with kept outputs.
K=$TMP/kb
cp -r "$TOP/tests/fixtures/kb" "$K"
rm -rf "$K/site" "$K/.kbgen"
U=$K/content/usecases
for s in th-tagged th-files th-failing th-noimage th-bad th-none; do
	mkuc "$U" "$s" "https://github.com/example/$s.git" "$s.ipynb"
done
# Kept as kbgen check keeps them (putout: check/keep.c's own code).
keep() { "$PUTOUT" "$K" "$@" >/dev/null 2>>"$TMP/keep.err" ||
    fail "putout $1" "cannot keep the outputs" "$TMP/keep.err"; }
keep th-tagged pass 1700000000 -n tagged.ipynb
keep th-files pass 1700000000 tall.jpg wide.png
keep th-failing pass 1699990000 -n first.ipynb
keep th-failing fail 1700000000 -n noimage.ipynb
keep th-noimage pass 1700000000 -n noimage.ipynb
keep th-bad pass 1700000000 -n badimage.ipynb
IMG=sha256:$(sha256sum <tall.jpg | cut -d' ' -f1)
"$PY" - >"$TMP/records" <<'EOF'
import json
base = {"runner": "local", "seconds": 3, "commit": "0123456789abcdef0123",
        "gpus": {"count": 0, "names": []}, "date": "2023-11-14T22:13:20Z"}
for slug in ["th-tagged", "th-files", "th-noimage", "th-bad"]:
    print(json.dumps(dict(base, slug=slug, status="pass", stamp=1700000000)))
print(json.dumps(dict(base, slug="th-failing", status="pass", stamp=1699990000)))
print(json.dumps(dict(base, slug="th-failing", status="fail", stamp=1700000000,
                      reason="exception", message="ValueError")))
EOF
"$PUTRUN" "$K/.kbgen" <"$TMP/records" 2>"$TMP/put.err" ||
    fail putrun "cannot store the records" "$TMP/put.err"

"$KBGEN" build -C "$K" >"$TMP/build.out" 2>"$TMP/build.err"
rc "build with kept outputs" $? 0 "$TMP/build.err"
S=$K/site
T=$S/usecases/th-tagged
expect "site: thumbnail size" "$(size "$T/thumb.webp")" 400x280
expect "site: 2x size" "$(size "$T/thumb-2x.webp")" 800x560
near "site: the tagged cell's image" "$(px "$T/thumb.webp" 200 140)" 0,180,0
near "site: letterboxed" "$(px "$T/thumb.webp" 5 140)" $BG
near "site: a script's image file" "$(px "$S/usecases/th-files/thumb.webp" 200 140)" 0,0,200
near "site: the failing example's last passing image" \
    "$(px "$S/usecases/th-failing/thumb.webp" 200 140)" 0,0,220
C=$S/catalogue/index.html
has "catalogue: srcset" "$C" 'src="../usecases/th-tagged/thumb.webp" srcset="../usecases/th-tagged/thumb.webp 1x, ../usecases/th-tagged/thumb-2x.webp 2x" width="400" height="280"'
"$PY" - "$C" >"$TMP/marks" <<'EOF'
import re, sys
html = open(sys.argv[1]).read()
for m in re.finditer(r'<a class="thumb[^"]*" href="\.\./usecases/([^/]+)/index\.html"[^>]*>(.*?)</a>', html):
    print(m.group(1), "mark" if 'class="thumb-mark"' in m.group(2) else "-")
EOF
has "catalogue: the failing mark" "$TMP/marks" "th-failing mark"
has "catalogue: no mark on a passing example" "$TMP/marks" "th-tagged -"
has "catalogue: no mark on a never-run example" "$TMP/marks" "th-none -"
has "catalogue: the mark says failing" "$C" '<span class="thumb-mark">failing</span>'
has "no image: the technology's tile" "$C" 'href="../usecases/th-noimage/index.html" tabindex="-1" aria-hidden="true"><img src="../thumbs/technology-cnn.svg" width'
has "never run: the technology's tile" "$C" 'href="../usecases/th-none/index.html" tabindex="-1" aria-hidden="true"><img src="../thumbs/technology-cnn.svg" width'
has "bad image: the tile" "$C" 'href="../usecases/th-bad/index.html" tabindex="-1" aria-hidden="true"><img src="../thumbs/technology-cnn.svg" width'
has "tile: an SVG with the term's name" "$S/thumbs/technology-cnn.svg" '>CNN</text></svg>'
[ ! -e "$S/usecases/th-bad/thumb.webp" ] && ok "bad image: no thumbnail file" ||
    fail "bad image: no thumbnail file" "there is one"
has "bad image: a warning naming the use case" "$TMP/build.err" \
    "th-bad.md: warning: use case th-bad: thumbnail: the image does not decode"
has "tag without image: a warning naming use case and cell" "$TMP/build.err" \
    "th-tagged.md: warning: use case th-tagged: thumbnail: cell 4 (In [3]) is tagged thumbnail but shows no image"
hasnt "no warning for an example without an image" "$TMP/build.err" "th-noimage"
for p in "$S/technologies/cnn/index.html" "$S/matrix/cnn--high-energy-physics/index.html"; do
	has "gallery switch: ${p#"$S"/}" "$p" 'data-view="gallery"'
	has "gallery script: ${p#"$S"/}" "$p" 'assets/gallery.js'
	has "thumbnails: ${p#"$S"/}" "$p" '<a class="thumb'
done
has "gallery switch: catalogue" "$C" 'data-view="gallery"'
[ -f "$S/assets/gallery.js" ] && ok "gallery.js published" ||
    fail "gallery.js published" "missing"

# A rebuild takes the thumbnails from the cache: put another image in
# the cache under the same name, and the site shows it.  --force, so
# that every page and thumbnail is made again (an edit of a body alone
# keeps the published thumbnail: it does not read the body).
CACHE=$K/.kbgen/thumbs/v2
HEX=${IMG#sha256:}
n1=$(ls "$CACHE" | wc -l)
[ -f "$CACHE/$HEX-400x280.webp" ] && ok "cache: by image hash and size" ||
    fail "cache: by image hash and size" "no $HEX-400x280.webp" 
cp small.webp.400x280.webp "$CACHE/$HEX-400x280.webp"
echo "Changed." >>"$U/th-files.md"
"$KBGEN" build --force -C "$K" >"$TMP/build.out" 2>"$TMP/build2.err"
rc "rebuild" $? 0 "$TMP/build2.err"
near "cache: a rebuild does not encode again" \
    "$(px "$S/usecases/th-files/thumb.webp" 200 140)" 0,150,0
expect "cache: no new files" "$(ls "$CACHE" | wc -l)" "$n1"
has "cache: warnings said again" "$TMP/build2.err" "th-bad: thumbnail: the image does not decode"
has "cache: cell warnings said again" "$TMP/build2.err" "cell 4 (In [3])"
finish
