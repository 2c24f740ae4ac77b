#!/bin/sh
# "make check-site": Lighthouse (mobile, its default preset with
# simulated throttling) on the shipped site, built from content/ into a
# temporary folder and served over http on 127.0.0.1.  Prints the four
# scores (performance, accessibility, best practices, SEO) of the home
# page, the catalogue, a use case, search and a hackathon page, and
# exits 1 when any is under MIN (default 95).  Not part of "make test":
# each page takes Chromium a quarter of a minute or more.
#
# Needs what tests/deps-test.sh installs: /usr/bin/chromium (or
# $CHROMIUM) and tests/browser/node_modules/lighthouse.  Usage:
#	sh tests/check-site.sh [KBGEN]	(from the top of the source tree)
# Environment: MIN (the lowest score accepted, 0 to 100), LH_OUT (a
# folder to keep each page's Lighthouse report, as JSON, in).
KBGEN=${1:-${KBGEN:-$PWD/kbgen}}
TOP=$PWD
PY=/usr/bin/python3
LH=$TOP/tests/browser/node_modules/.bin/lighthouse
MIN=${MIN:-95}
: "${SOURCE_DATE_EPOCH:=1700000000}"
export SOURCE_DATE_EPOCH
. "$TOP/tests/lib.sh"
scratch

if [ ! -x "$LH" ]; then
	echo "check-site: $LH is missing (run tests/deps-test.sh)" >&2
	exit 1
fi
mkdir -p "$TMP/kb"
cp -r "$TOP/content" "$TMP/kb/content"
if ! "$KBGEN" -q build -C "$TMP/kb" -o "$TMP/site" 2>"$TMP/build.err"; then
	cat "$TMP/build.err" >&2
	echo "check-site: content/ does not build" >&2
	exit 1
fi
S=$TMP/site

# The use case and hackathon pages: the first of each in the site.
uc=$(cd "$S" && ls -d usecases/*/index.html | head -1)
hack=$(cd "$S" && ls -d hackathons/*/index.html | head -1)
if [ -z "$uc" ] || [ -z "$hack" ]; then
	echo "check-site: the site has no use case or no hackathon page" >&2
	exit 1
fi

# Served as the browser suites serve a site (tests/lib.sh: sets SRV, PORT).
serve "$S"

mkdir -p "$TMP/lh"
n=0
for p in index.html catalogue/index.html "$uc" search/index.html "$hack"; do
	n=$((n + 1))
	CHROME_PATH=${CHROMIUM:-/usr/bin/chromium} "$LH" \
	    "http://127.0.0.1:$PORT/$p" --quiet --output=json \
	    --output-path="$TMP/lh/$n.json" \
	    --only-categories=performance,accessibility,best-practices,seo \
	    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
	    2>"$TMP/lh/$n.err" || {
		cat "$TMP/lh/$n.err" >&2
		echo "check-site: lighthouse failed on $p" >&2
		exit 1
	}
	[ -z "$LH_OUT" ] || { mkdir -p "$LH_OUT" && cp "$TMP/lh/$n.json" "$LH_OUT/$n.json"; }
	echo "$p" >>"$TMP/lh/pages"
done

# One line a page, then the pages under MIN with the audits that cost
# them points.
"$PY" - "$TMP/lh" "$MIN" <<'PYEOF'
import json, sys
d, lo = sys.argv[1], int(sys.argv[2])
cats = [("performance", "perf"), ("accessibility", "a11y"),
        ("best-practices", "best"), ("seo", "seo")]
pages = open(d + "/pages").read().split()
bad = 0
print("%-66s %5s %5s %5s %5s" % ("page", *(c[1] for c in cats)))
for i, p in enumerate(pages, 1):
    r = json.load(open("%s/%d.json" % (d, i)))
    sc = [round(100 * (r["categories"][c]["score"] or 0)) for c, _ in cats]
    print("%-66s %5d %5d %5d %5d" % (p, *sc))
    for (c, _), s in zip(cats, sc):
        if s >= lo:
            continue
        bad += 1
        refs = r["categories"][c]["auditRefs"]
        for a in refs:
            au = r["audits"][a["id"]]
            if a.get("weight") and au.get("score") is not None and au["score"] < 1:
                print("    %s: %s %s (score %.2f)" % (c, a["id"],
                      au.get("displayValue", ""), au["score"]))
if bad:
    print("check-site: %d score(s) under %d" % (bad, lo))
    sys.exit(1)
print("check-site: every score at least %d" % lo)
PYEOF
