#!/bin/sh
# kbgen lint --links: every external link of the content checked with
# libcurl, reported where it is written.  No network: every link points
# at tests/httpd.py on 127.0.0.1, which logs each request.  Cases: 200,
# 301 to 200 (reported as a redirect, not broken), 404 and 410 (broken),
# HEAD answered 405 and GET 200 (not broken), a slow answer (timeout);
# links in front matter (nested lists), Markdown bodies (inline, angle
# autolinks, bare URLs, reference definitions) and seminar files, each
# reported as path:line: URL: status; links in fenced code and code
# spans not checked; one request per distinct URL; the LMDB cache (a
# second run makes no request; --force and an expired links.max_age
# check again); --strict exit status; links.per_host (three slow links
# one at a time, then in parallel); a bad links section in site.yaml.
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$LINKS_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY 2>/dev/null
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
K=$TMP/kb
C=$K/content
LOG=$TMP/requests.log

. "$PWD/tests/lib.sh"
kb() { timeout 120 "$KBGEN" -C "$K" "$@"; }

httpd
B=http://127.0.0.1:$PORT/link
mkdir -p "$C/usecases" "$C/people" "$C/pages" "$C/seminars"
cp "$FIX/kb/content/taxonomy.yaml" "$C/"
cat >"$C/site.yaml" <<EOF
title: Links
links: {max_age: 7d, timeout: 1s, per_host: 2}
EOF
cat >"$C/people/ada.md" <<EOF
---
name: Ada
url: $B/ok
---
EOF
cat >"$C/usecases/uc.md" <<EOF
---
title: A use case
summary: With links.
technologies: [CNN]
fields: [HEP]
tools: [Keras]
kind: demo
contacts: [ada]
links:
  - {title: Gone, url: "$B/gone"}
  - {title: Fine, url: "$B/ok"}
---
See [moved]($B/moved) and <$B/missing>.
Bare $B/nohead, and a slow one: $B/slow.

\`\`\`
$B/incode
\`\`\`
Inline \`$B/inspan\` is code too.

[ref]: $B/missing
EOF
cat >"$C/pages/about.md" <<EOF
---
title: About
---
All [fine]($B/ok) and local links like [this](../usecases/uc.md) are skipped.
EOF
cat >"$C/seminars/2023.yaml" <<EOF
- date: 2023-01-01
  title: A seminar
  slides: $B/missing
  recording: $B/ok
EOF

# --- first run ----------------------------------------------------------------
kb lint --links >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && ok "links: broken links are warnings without --strict (exit 0)" ||
    fail "links: exit" "rc=$rc" "$TMP/err"
U=$C/usecases/uc.md
for want in \
    "$C/seminars/2023.yaml:3: $B/missing: 404" \
    "$U:10: $B/gone: 410" \
    "$U:13: $B/missing: 404" \
    "$U:14: $B/slow: timeout" \
    "$U:21: $B/missing: 404"
do
	if grep -qxF "$want" "$TMP/err"; then
		ok "report: ${want#"$K/"}"
	else
		fail "report: ${want#"$K/"}" "missing line" "$TMP/err"
	fi
done
grep -qxF "$U:13: $B/moved: 200, redirected to $B/ok" "$TMP/err" &&
    ok "redirect: followed and reported, not broken" ||
    fail "redirect" "not reported" "$TMP/err"
if ! grep -q "$B/nohead:" "$TMP/err" &&
    [ "$(requests 'HEAD /link/nohead')" = 1 ] &&
    [ "$(requests 'GET /link/nohead')" = 1 ]; then
	ok "head: a 405 to HEAD is checked again with GET (200, not broken)"
else
	fail "head" "$(grep nohead "$LOG")" "$TMP/err"
fi
if [ "$(requests /link/incode)" = 0 ] && [ "$(requests /link/inspan)" = 0 ]; then
	ok "collect: links in fenced code and code spans are not checked"
else
	fail "collect: code" "checked" "$LOG"
fi
if [ "$(requests 'HEAD /link/missing')" = 1 ] && [ "$(requests 'HEAD /link/')" = 7 ]; then
	ok "collect: one request per distinct URL (missing is written 3 times; 6 URLs and a redirect)"
else
	fail "collect: dedup" "$(cat "$LOG")"
fi
grep -q "^kbgen: 6 links checked: 5 broken, 1 redirected$" "$TMP/err" &&
    ok "summary: 6 links checked: 5 broken, 1 redirected" ||
    fail "summary" "wrong" "$TMP/err"

# --- cache -------------------------------------------------------------------------
: >"$LOG"
kb lint --links --strict >"$TMP/out" 2>"$TMP/err2"
rc=$?
if [ $rc = 1 ] && [ ! -s "$LOG" ] && grep -q "0 to check, 6 from the cache" "$TMP/err2" &&
    grep -qxF "$U:10: $B/gone: 410" "$TMP/err2"; then
	ok "cache: a second run makes no request and reports the same"
else
	fail "cache" "rc=$rc requests: $(wc -l <"$LOG")" "$TMP/err2"
fi
[ $rc = 1 ] && ok "strict: broken links make --strict exit 1" ||
    fail "strict" "rc=$rc"
: >"$LOG"
kb lint --links --force >/dev/null 2>&1
[ "$(requests 'HEAD /link/')" -ge 6 ] && ok "cache: --force checks every link again" ||
    fail "cache: force" "$(cat "$LOG")"
sed -i 's/max_age: 7d/max_age: 1s/' "$C/site.yaml"
sleep 2
: >"$LOG"
kb lint --links >/dev/null 2>&1
[ "$(requests 'HEAD /link/')" -ge 6 ] && ok "cache: results older than links.max_age are checked again" ||
    fail "cache: max_age" "$(cat "$LOG")"

# --- only good links ----------------------------------------------------------------
rm -f "$C/seminars/2023.yaml"
cat >"$U" <<EOF
---
title: A use case
summary: With good links.
technologies: [CNN]
fields: [HEP]
tools: [Keras]
kind: demo
contacts: [ada]
---
See [moved]($B/moved) and $B/nohead.
EOF
kb lint --links --strict >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && ok "strict: exit 0 when every link works (redirects included)" ||
    fail "strict: good" "rc=$rc" "$TMP/err"

# --- per-host limit ---------------------------------------------------------------------
# Three slow links on one host, each timing out after 1 s: one at a
# time they take 3 s or more, three at a time about 1 s.
cat >"$U" <<EOF
---
title: A use case
summary: Slow links.
technologies: [CNN]
fields: [HEP]
tools: [Keras]
kind: demo
contacts: [ada]
---
$B/slow?1 $B/slow?2 $B/slow?3
EOF
# secs CMD...: how long a command takes, in whole seconds
secs() { s=$(date +%s); "$@" >/dev/null 2>&1; echo $(($(date +%s) - s)); }
printf 'title: Links\nlinks: {timeout: 1s, per_host: 1}\n' >"$C/site.yaml"
t1=$(secs kb lint --links --force)
printf 'title: Links\nlinks: {timeout: 1s, per_host: 3}\n' >"$C/site.yaml"
t3=$(secs kb lint --links --force)
if [ "$t1" -ge 3 ] && [ "$t3" -lt 3 ]; then
	ok "per-host: links.per_host 1 checks one at a time (${t1}s), 3 in parallel (${t3}s)"
else
	fail "per-host" "per_host 1: ${t1}s, per_host 3: ${t3}s"
fi

# --- configuration ---------------------------------------------------------------------
cat >"$C/site.yaml" <<EOF
title: Links
links:
  max_age: soon
  max_ages: 1d
EOF
kb lint --links >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && grep -q "site.yaml:3:[0-9]*: error: .*max_age" "$TMP/err" &&
    grep -q "site.yaml:4:[0-9]*: .*max_ages" "$TMP/err"; then
	ok "config: a bad links.max_age is an error at path:line:col; unknown keys warned"
else
	fail "config" "rc=$rc" "$TMP/err"
fi

finish
