#!/bin/sh
# Hostile content stays text: titles, summaries and bodies cannot inject
# script, event handlers, dangerous URLs or template tags into the site,
# unless site.yaml says unsafe_html: true (which keeps the raw HTML).
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"
K=$TMP/kb
S=$K/site

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
cat >"$K/content/usecases/hostile.md" <<'EOF'
---
title: "<script>alert(1)</script> {{site.title}} {{{x}}}"
summary: '"quotes" & <b>bold</b> {{site.title}}'
technologies: [CNN]
fields: [HEP]
tools: [Keras]
kind: demo
contacts: [ada-rossi]
added: 2020-01-01
---
A [javascript link](javascript:alert(1)), a [vbscript link](vbscript:msgbox(1)),
a [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==),
a [mixed-case one](JaVaScRiPt:alert(1)), an ![image](javascript:alert(1)),
a [reference][r] and a [spaced one]( javascript:alert(1) ).

[r]: javascript:alert(1)

<script>alert("body")</script>

<iframe src="https://evil.example/"></iframe>

<img src=x onerror=alert(1)>

<a href="javascript:alert(2)" onclick="alert(3)">raw anchor</a>

<p onmouseover="alert(4)">raw paragraph</p>

[a title](https://ok.example/ "t\" onmouseover=\"alert(5)")

Literal {{site.title}} and {{{x}}} and {{>base}} here.
EOF

if ! "$KBGEN" -q -C "$K" build 2>"$TMP/err"; then
	fail "build" "hostile content does not build" "$TMP/err"
	finish
fi
ok "build"

P=usecases/hostile/index.html
for f in $P catalogue/index.html index.html technologies/cnn/index.html \
    people/ada-rossi/index.html catalogue.json feed.xml; do
	[ -f "$S/$f" ] || { fail "built $f" "missing"; continue; }
	if grep -qi '<script>alert' "$S/$f"; then
		fail "no-script $f" "<script>alert in the page"; grep -ni '<script>alert' "$S/$f" | head -3 | sed 's/^/    /'
	else
		ok "no-script $f"
	fi
done

for f in $P catalogue/index.html index.html; do
	if grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$S/$f"; then
		ok "title-escaped $f"
	else
		fail "title-escaped $f" "no escaped title"
	fi
done
grep -qF '&quot;quotes&quot; &amp; &lt;b&gt;bold&lt;/b&gt;' "$S/$P" &&
    ok "summary-escaped" || fail "summary-escaped" "no escaped summary"
grep -q '<title>&lt;script&gt;alert(1)&lt;/script&gt;' "$S/$P" &&
    ok "title-element-escaped" || fail "title-element-escaped" "no escaped <title>"
grep -q '<meta name="description" content="&quot;quotes&quot; &amp; &lt;b&gt;' "$S/$P" &&
    ok "meta-description-escaped" || fail "meta-description-escaped" "no escaped meta description"

# The feed is XML: the title must be escaped there too, and still parse.
if "$PY" - "$S/feed.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
f = ET.parse(sys.argv[1]).getroot()
t = [e.findtext(A + "title") for e in f.findall(A + "entry")]
sys.exit(0 if "<script>alert(1)</script> {{site.title}} {{{x}}}" in t else 1)
EOF
then ok "feed-title-roundtrip"; else fail "feed-title-roundtrip" "the title does not parse back from feed.xml"; fi

# catalogue.json: the data comes back exactly as written.
if "$PY" - "$S/catalogue.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
u = [u for u in d["usecases"] if u["slug"] == "hostile"]
ok = (len(u) == 1 and
      u[0]["title"] == "<script>alert(1)</script> {{site.title}} {{{x}}}" and
      u[0]["summary"] == '"quotes" & <b>bold</b> {{site.title}}')
sys.exit(0 if ok else 1)
EOF
then ok "json-roundtrip"; else fail "json-roundtrip" "title or summary differ in catalogue.json"; fi

# No dangerous URL, no event handler, no raw script/iframe in any page.
"$PY" - "$S" >"$TMP/markup" <<'EOF'
import html.parser, os, re, sys
site = sys.argv[1]
DANGER = re.compile(r"^\s*(javascript|vbscript|data|file):", re.I)
class P(html.parser.HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path, self.bad = path, []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            v = v or ""
            if k in ("href", "src", "action", "formaction", "srcset",
                     "poster", "data", "xlink:href") and DANGER.match(
                         re.sub(r"[\x00-\x20]", "", v)):
                self.bad.append("<%s %s=%r>" % (tag, k, v))
            if k.startswith("on"):
                self.bad.append("<%s %s=%r>" % (tag, k, v))
        if tag in ("iframe", "object", "embed"):
            self.bad.append("<%s>" % tag)
        self.in_script = tag == "script"
    handle_startendtag = handle_starttag
    def handle_endtag(self, tag):
        self.in_script = False
    def handle_data(self, data):
        # the theme's own inline scripts are fine; the content's are not
        if getattr(self, "in_script", False) and "alert" in data:
            self.bad.append("inline <script>%s" % data.strip()[:40])
bad = []
for d, _, fs in os.walk(site):
    for f in fs:
        if f.endswith(".html"):
            pth = os.path.join(d, f)
            p = P(pth)
            p.feed(open(pth, encoding="utf-8").read())
            bad += ["%s: %s" % (os.path.relpath(pth, site), b) for b in p.bad]
if bad:
    print("FAIL no-dangerous-markup: %d problem(s)" % len(bad))
    for b in bad[:20]:
        print("    " + b)
else:
    print("ok no-dangerous-markup")
EOF
tally "$TMP/markup"
if grep -qiE 'href="\s*(javascript|vbscript|data):' "$S/$P" "$S/catalogue/index.html"; then
	fail "no-dangerous-href" "a script URL in href"
else
	ok "no-dangerous-href"
fi
grep -qi 'onerror=' "$S/$P" && fail "no-onerror" "onerror= in the page" || ok "no-onerror"

# Template tags in content are text, not expanded.
grep -qF '{{site.title}} and {{{x}}} and {{&gt;base}} here.' "$S/$P" &&
    ok "template-literal-body" ||
    { fail "template-literal-body" "template tags were expanded"; grep -n 'Literal' "$S/$P" | sed 's/^/    /'; }
grep -qF '<h1>&lt;script&gt;alert(1)&lt;/script&gt; {{site.title}} {{{x}}}</h1>' "$S/$P" &&
    ok "template-literal-title" || fail "template-literal-title" "template tags were expanded"
grep -qF 'bold&lt;/b&gt; {{site.title}}' "$S/catalogue/index.html" &&
    ok "template-literal-summary" || fail "template-literal-summary" "template tags were expanded"

# Front-matter URLs are not Markdown, but land in href all the same: a
# use case's links and repository, and a person's url, must not carry a
# script URL either.
cp -r "$FIX" "$TMP/kb2"
rm -rf "$TMP/kb2/site" "$TMP/kb2/.kbgen"
cat >"$TMP/kb2/content/usecases/hostile-urls.md" <<'EOF'
---
title: Hostile URLs
summary: Script URLs in front matter.
technologies: [CNN]
fields: [HEP]
tools: [Keras]
kind: demo
contacts: [ada-rossi]
added: 2020-01-01
repository:
  url: "javascript:alert(1)//github.com/a/b"
example: run.py
links:
  - {title: Paper, url: "javascript:alert(2)"}
  - {title: Data, url: "data:text/html,<script>alert(3)</script>"}
---
Body.
EOF
sed -i 's/^name: Ada Rossi$/name: Ada Rossi\nurl: "javascript:alert(4)"/' \
    "$TMP/kb2/content/people/ada-rossi.md"
"$KBGEN" -q -C "$TMP/kb2" build >"$TMP/out2" 2>&1
rc=$?
S2=$TMP/kb2/site
if [ $rc -ne 0 ]; then
	# Refusing such content with an error is a fine answer too.
	if grep -q 'error' "$TMP/out2"; then
		ok "frontmatter-urls (refused)"
	else
		fail "frontmatter-urls" "exit $rc without an error message"
	fi
else
	bad=$(grep -lriE 'href="\s*(javascript|vbscript|data):' "$S2" | sed "s|$S2/||")
	if [ -n "$bad" ]; then
		fail "frontmatter-urls" "script URLs from front matter in href:"
		grep -rhoiE '<a [^>]*href="\s*(javascript|vbscript|data):[^"]*"' "$S2" |
		    sort -u | sed 's/^/    /'
	else
		ok "frontmatter-urls"
	fi
fi

# unsafe_html: true keeps the raw HTML (and links) as written.
echo 'unsafe_html: true' >>"$K/content/site.yaml"
if ! "$KBGEN" -q -C "$K" build 2>"$TMP/err"; then
	fail "unsafe-build" "the build failed" "$TMP/err"
else
	if grep -qF '<img src=x onerror=alert(1)>' "$S/$P" &&
	    grep -qF '<p onmouseover="alert(4)">raw paragraph</p>' "$S/$P" &&
	    grep -qF 'href="javascript:alert(1)"' "$S/$P"; then
		ok "unsafe-html-kept"
	else
		fail "unsafe-html-kept" "raw HTML dropped with unsafe_html"
		sed -n '/class="prose"/,/<\/div>/p' "$S/$P" | sed 's/^/    /'
	fi
	# Titles and summaries are text even then.
	grep -qF '<h1>&lt;script&gt;alert(1)&lt;/script&gt;' "$S/$P" &&
	    ok "unsafe-title-still-escaped" || fail "unsafe-title-still-escaped" "the title is not escaped"
fi
finish
