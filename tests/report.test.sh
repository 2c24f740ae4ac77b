#!/bin/sh
# What kbgen says of classified results, on every surface, from stored
# run records (no runner: the records are put in the run store by the
# test tool BUILD/putrun, as kbgen check would store them): kbgen status
# (the REASON column, the message, --json), the status page and
# status.json, the use-case page (reason, message, In [N], warnings,
# kernel note, environment), badges, the catalogue and home counts (a
# result with nothing to run never passes), escaping of what records
# say, and kbgen check --strict and --json on examples that cannot run.
# JUnit and the terminal report are unit-tested in t_report.c.
KBGEN=${KBGEN:-$PWD/kbgen}
PUTRUN=${PUTRUN:-$(dirname "$KBGEN")/putrun}
[ -x "$PUTRUN" ] || PUTRUN=$PWD/.obj/putrun
FIX=$PWD/tests/fixtures/kb
PY=/usr/bin/python3
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap '[ -n "$REPORT_TEST_KEEP" ] && echo "# kept $TMP" || rm -rf "$TMP"' EXIT
K=$TMP/kb
S=$K/site
U=$K/content/usecases

# ok, fail, expect, has, hasnt, js, finish
. "$PWD/tests/lib.sh"
# text FILE SLUG: the text of the status table row (or use-case status
# section) that links to SLUG's page, tags removed, entities decoded
row() {
	"$PY" - "$1" "$2" <<'EOF' 2>&1
import html, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
for r in re.findall(r"<tr[^>]*>.*?</tr>", t, re.S):
    if "usecases/%s/index.html" % sys.argv[2] in r:
        r = re.sub(r'<img [^>]*alt="([^"]*)"[^>]*>', r"\1", r)
        r = re.sub(r"</t[dh]>", " ", r)
        print(" ".join(html.unescape(re.sub(r"<[^>]+>", "", r)).split()))
EOF
}
section() {
	"$PY" - "$1" <<'EOF' 2>&1
import html, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<section class="health".*?</section>', t, re.S)
t = re.sub(r"</(p|li|h2|pre|td|th)>", " ", m.group(0) if m else "")
print(" ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split()))
EOF
}

if [ ! -x "$KBGEN" ] || [ ! -x "$PUTRUN" ]; then
	fail setup "no $KBGEN or $PUTRUN (make kbgen unit)"
	finish
fi

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
SLUGS="uc-pass uc-module uc-network uc-nocode uc-falsepass uc-env uc-data
    uc-timeout uc-memory uc-kernel uc-hostile"
# Each an executable use case.
for s in $SLUGS; do
	mkuc "$U" "$s" "https://git.example.org/$s.git" "$s.ipynb"
done

# The records: one per reason, dated now so that a pass is fresh.
NOW=$(date -u +%s)
DATE=$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)
OLD=$((NOW - 3600))
ODATE=$(date -u -d "@$OLD" +%Y-%m-%dT%H:%M:%SZ)
LONG="No module named 'tensorflow': add it to requirements.txt or choose an environment that has it (run.environment)"
"$PY" - "$NOW" "$DATE" "$OLD" "$ODATE" "$LONG" >"$TMP/records" <<'EOF'
import json, sys
now, date, old, odate, long = sys.argv[1:6]
base = {"runner": "local", "seconds": 12, "commit": "0123456789abcdef0123",
        "gpus": {"count": 0, "names": []}}
def rec(slug, status, reason=None, message=None, stamp=now, d=date, **kw):
    r = dict(base, slug=slug, status=status, stamp=int(stamp), date=d)
    if reason: r["reason"] = reason
    if message: r["message"] = message
    r.update(kw)
    print(json.dumps(r))
rec("uc-pass", "pass", message="ran 4 code cells",
    kernel={"name": "python3", "why": "the environment's kernel"},
    environment={"name": "base", "image": "rootfs:/srv/base.tar",
                 "digest": "sha256:00", "venv": None})
rec("uc-module", "fail", "missing-module", long,
    failed_cell={"index": 5, "number": 3, "ename": "ModuleNotFoundError",
                 "evalue": "No module named 'tensorflow'",
                 "traceback": "Traceback (most recent call last):\n  File \"train.py\", line 1\nModuleNotFoundError: No module named 'tensorflow'"},
    warnings=[{"cell": 2, "command": "wget https://example.org/x.npz",
               "exit_code": 4,
               "message": "an earlier cell's command failed: wget https://example.org/x.npz exit 4"}],
    environment={"name": "tf215", "image": "docker://r/tf:2.15",
                 "digest": "sha256:11", "venv": None})
rec("uc-network", "fail", "network",
    "could not reach zenodo.org (https://zenodo.org/records/1/files/a.npz)")
# An older pass, then a run with nothing to run: grey from now on.
rec("uc-nocode", "pass", stamp=old, d=odate)
rec("uc-nocode", "error", "no-code", "the notebook has no code cells")
# A false pass as an older driver recorded it, with the reason said.
rec("uc-falsepass", "pass", "no-code", "the notebook has no code cells")
rec("uc-env", "error", "environment",
    "image docker://r/missing:1 cannot be fetched: manifest unknown")
rec("uc-data", "error", "data",
    "data/a.npz: sha256 does not match (got 12ab..., want 34cd...)")
rec("uc-timeout", "timeout", "timeout", "the example ran past its 1800 s limit")
rec("uc-memory", "pass", stamp=old, d=odate)
rec("uc-memory", "fail", "memory", "the job went past its 4G memory limit",
    regression=True)
rec("uc-kernel", "error", "kernel", "no kernel python2 here",
    kernel={"name": "python3",
            "why": "the notebook asks for python2, which this environment does not have: ran python3"})
# What records say is text: markup, template tags and escapes stay text.
rec("uc-hostile", "<b>odd</b>", stamp=old, d=odate)
rec("uc-hostile", "fail", "<i>why</i>",
    "<script>alert(1)</script> {{site.title}} \x1b[31mred\x1b[0m",
    failed_cell={"index": 0, "number": 1, "ename": "<img src=x onerror=alert(2)>",
                 "evalue": "<script>alert(3)</script>",
                 "traceback": "<script>alert(4)</script>"},
    warnings=[{"cell": 1, "command": "<script>alert(5)</script>",
               "exit_code": 1}],
    kernel={"name": "<b>k</b>", "why": "<script>alert(6)</script>"},
    environment={"name": "<script>alert(7)</script>"}, regression=True)
EOF
if "$PUTRUN" "$K/.kbgen" <"$TMP/records" 2>"$TMP/put.err"; then
	ok putrun
else
	fail putrun "cannot store the records" "$TMP/put.err"
	finish
fi

# --- kbgen status, as text.
"$KBGEN" -C "$K" status >"$TMP/st.out" 2>"$TMP/st.err"
expect status-exit-0 $? 0 "$TMP/st.err"
if head -1 "$TMP/st.out" | grep -q '^USE CASE  *STATUS  *REASON  *DATE  *RUNNER  *GPUS  *SECONDS  *MESSAGE$'
then ok status-header-reason
else fail status-header-reason "no REASON column between STATUS and DATE" "$TMP/st.out"; fi
if grep -q "^uc-module  *fail  *missing-module  *$DATE  *local  *0  *12  *No module named 'tensorflow': add it to requirements" "$TMP/st.out"
then ok status-row-reason
else fail status-row-reason "no row with reason and message for uc-module" "$TMP/st.out"; fi
# The message is cut at the end of the line, never inside a character.
m=$(grep '^uc-module ' "$TMP/st.out" | sed 's/.* 12  *//')
case $m in
*"…") ok status-message-shortened ;;
*) fail status-message-shortened "got [$m]" ;;
esac
expect status-message-60-chars "$(printf '%s' "$m" | "$PY" -c 'import sys; print(len(sys.stdin.buffer.read().decode()))')" 61
if grep -q "^uc-pass  *pass  *-  *$DATE  *local  *0  *12$" "$TMP/st.out"
then ok status-row-pass
else fail status-row-pass "a pass has no reason and no message" "$TMP/st.out"; fi
for r in uc-network:fail:network uc-nocode:error:no-code \
    uc-falsepass:pass:no-code uc-env:error:environment uc-data:error:data \
    uc-timeout:timeout:timeout uc-memory:fail:memory uc-kernel:error:kernel
do
	s=${r%%:*} r=${r#*:}
	if grep -q "^$s  *${r%%:*}  *${r#*:}  *$DATE " "$TMP/st.out"
	then ok "status-row-$s"
	else fail "status-row-$s" "no row [$s ${r%%:*} ${r#*:}]" "$TMP/st.out"; fi
done
grep -q "^uc-nocode .*the notebook has no code cells$" "$TMP/st.out" &&
    ok status-row-nocode-message ||
    fail status-row-nocode-message "no message" "$TMP/st.out"
grep -q "^btagging  *not run  *-  *-  " "$TMP/st.out" &&
    ok status-row-not-run || fail status-row-not-run "" "$TMP/st.out"
if grep -q "$(printf '\033')" "$TMP/st.out"; then
	fail status-no-escapes "an escape sequence from a record reached the terminal"
else ok status-no-escapes; fi

# --- kbgen status --json: the records as stored.
"$KBGEN" -C "$K" status --json >"$TMP/st.json" 2>"$TMP/st.err"
expect status-json-exit-0 $? 0 "$TMP/st.err"
expect status-json-reason "$(js "$TMP/st.json" 'by("uc-module")["reason"]')" missing-module
expect status-json-message "$(js "$TMP/st.json" 'by("uc-module")["message"]')" "$LONG"
expect status-json-warning "$(js "$TMP/st.json" 'by("uc-module")["warnings"][0]["message"]')" \
    "an earlier cell's command failed: wget https://example.org/x.npz exit 4"
expect status-json-warning-exit "$(js "$TMP/st.json" 'by("uc-module")["warnings"][0]["exit_code"]')" 4
expect status-json-cell-number "$(js "$TMP/st.json" 'by("uc-module")["failed_cell"]["number"]')" 3
expect status-json-kernel-why "$(js "$TMP/st.json" 'by("uc-kernel")["kernel"]["why"]')" \
    "the notebook asks for python2, which this environment does not have: ran python3"
expect status-json-environment "$(js "$TMP/st.json" 'by("uc-module")["environment"]["name"]')" tf215
expect status-json-pass-keys "$(js "$TMP/st.json" '(by("uc-pass")["reason"], by("uc-pass")["warnings"])')" "(None, [])"
expect status-json-every-reason "$(js "$TMP/st.json" 'sorted(x["reason"] for x in d if x["reason"])')" \
    "['<i>why</i>', 'data', 'environment', 'kernel', 'memory', 'missing-module', 'network', 'no-code', 'no-code', 'timeout']"

# --- The site.
if ! "$KBGEN" -q -C "$K" build 2>"$TMP/build.err"; then
	fail build "the knowledge base with results does not build" "$TMP/build.err"
	finish
fi
ok build
SP=$S/status/index.html
has status-page-reason-column "$SP" '<th scope="col" data-sort="text">Reason</th>'
expect status-page-row-module "$(row "$SP" uc-module | sed 's/ 20[0-9-]*T.*//')" \
    "Use case uc-module example: failing missing module: $LONG"
expect status-page-row-network "$(row "$SP" uc-network | sed 's/ 20[0-9-]*T.*//')" \
    "Use case uc-network example: failing network: could not reach zenodo.org (https://zenodo.org/records/1/files/a.npz)"
expect status-page-row-nocode "$(row "$SP" uc-nocode | sed 's/ 20[0-9-]*T.*//')" \
    "Use case uc-nocode example: no code no code: the notebook has no code cells"
expect status-page-row-env "$(row "$SP" uc-env | sed 's/ 20[0-9-]*T.*//')" \
    "Use case uc-env example: error environment: image docker://r/missing:1 cannot be fetched: manifest unknown"
expect status-page-row-memory "$(row "$SP" uc-memory | sed 's/ 20[0-9-]*T.*//')" \
    "Use case uc-memory example: failing out of memory: the job went past its 4G memory limit"
expect status-page-row-pass "$(row "$SP" uc-pass | sed 's/ 20[0-9-]*T.*//')" "Use case uc-pass example: passing"
has status-page-state-nocode "$SP" '<tr data-state="no code">'
has status-page-filter-nocode "$SP" '<option value="no code">no code</option>'
# One pass of eleven examples (btagging's is not run): the false pass
# and the no-code result are not verified.
has status-page-verified "$SP" '1 of 12 examples verified recently.'
has home-verified "$S/index.html" '<span class="stat-number">8%</span> <span class="stat-label">of 12 examples verified'
SJ=$S/status/status.json
expect status-json-page-reason "$(js "$SJ" 'by("uc-module")["reason"]')" missing-module
expect status-json-page-message "$(js "$SJ" 'by("uc-module")["message"]')" "$LONG"
expect status-json-page-warnings "$(js "$SJ" 'by("uc-module")["warnings"]')" \
    "[\"an earlier cell's command failed: wget https://example.org/x.npz exit 4\"]"
expect status-json-page-nocode "$(js "$SJ" '(by("uc-nocode")["state"], by("uc-falsepass")["state"])')" "('no code', 'no code')"
expect status-json-page-no-label "$(js "$SJ" '"reason_label" in by("uc-module")')" False

# The feed of regressions says why.
has feed-reason "$S/status/feed.xml" "<title>Use case uc-memory: fail (out of memory)</title>"
has feed-message "$S/status/feed.xml" "<summary>the job went past its 4G memory limit</summary>"
has feed-escaped "$S/status/feed.xml" "<title>Use case uc-hostile: fail (&lt;i&gt;why&lt;/i&gt;)</title>"

# The use-case page.
P=$S/usecases/uc-module/index.html
has page-reason-message "$P" "<p class=\"note note-warn\" role=\"note\"><strong class=\"reason\">missing module</strong>: No module named &#39;tensorflow&#39;: add it to requirements.txt"
has page-in-n "$P" "<p><strong>In [3]: ModuleNotFoundError</strong>: No module named &#39;tensorflow&#39;</p>"
has page-warning "$P" "<li>an earlier cell&#39;s command failed: wget https://example.org/x.npz exit 4</li>"
has page-environment "$P" '<p class="run-environment muted">Environment <code>tf215</code>.</p>'
has page-history-reason "$P" "<td>fail (missing module)</td>"
t=$(section "$P")
case $t in
*"missing module: No module named 'tensorflow'"*"In [3]: ModuleNotFoundError: No module named 'tensorflow'"*"Warnings an earlier cell's command failed: wget"*)
	ok page-failure-order ;;
*) fail page-failure-order "reason, cell, warnings not in that order: $t" ;;
esac
has page-kernel-note "$S/usecases/uc-kernel/index.html" \
    '<p class="run-kernel muted">Kernel <code>python3</code>: the notebook asks for python2, which this environment does not have: ran python3.</p>'
has page-kernel-reason "$S/usecases/uc-kernel/index.html" '<strong class="reason">kernel</strong>: no kernel python2 here'
has page-pass-kernel "$S/usecases/uc-pass/index.html" "Kernel <code>python3</code>: the environment&#39;s kernel."
hasnt page-pass-no-note "$S/usecases/uc-pass/index.html" 'note-warn'
has page-timeout "$S/usecases/uc-timeout/index.html" '<strong class="reason">timeout</strong>: the example ran past its 1800 s limit'
has page-data "$S/usecases/uc-data/index.html" '<strong class="reason">data</strong>: data/a.npz: sha256 does not match'
has page-nocode "$S/usecases/uc-nocode/index.html" '<strong class="reason">no code</strong>: the notebook has no code cells'
has page-nocode-alt "$S/usecases/uc-nocode/index.html" 'alt="example: no code"'

# Badges: grey for no code and error, the pass colour only for a pass.
PASSC=$(grep -o 'fill="#[0-9a-f]*"' "$S/badges/uc-pass.svg" | sed -n 2p)
for s in uc-nocode uc-falsepass uc-env uc-data uc-kernel; do
	c=$(grep -o 'fill="#[0-9a-f]*"' "$S/badges/$s.svg" | sed -n 2p)
	expect "badge-grey-$s" "$c" 'fill="#6e6e6e"' "$S/badges/$s.svg"
done
has badge-nocode-word "$S/badges/uc-nocode.svg" '<title>example: no code</title>'
has badge-falsepass-word "$S/badges/uc-falsepass.svg" '<title>example: no code</title>'
[ "$PASSC" != 'fill="#6e6e6e"' ] && ok badge-pass-not-grey ||
    fail badge-pass-not-grey "$PASSC"
# Nothing green anywhere a state is drawn.
if grep -il 'fill="#\(00ff00\|008000\|009e73\|2ea44f\|4c1\|44cc11\)"' "$S"/badges/*.svg >"$TMP/green" 2>/dev/null
then fail badge-never-green "green badges" "$TMP/green"
else ok badge-never-green; fi
# The catalogue and its search documents never say passing for them.
C=$S/catalogue.json
for s in uc-nocode uc-falsepass; do
	if grep -q "usecases/$s/index.html" "$S/catalogue/index.html" &&
	    ! "$PY" - "$S/catalogue/index.html" "$s" <<'EOF'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
i = t.index("usecases/%s/index.html" % sys.argv[2])
block = t[i:i + 1500].split("</li>")[0]
sys.exit(0 if "example: passing" in block or "example:passing" in block else 1)
EOF
	then ok "catalogue-not-passing-$s"
	else fail "catalogue-not-passing-$s" "shown as passing in the catalogue"; fi
done
has catalogue-facet-nocode "$S/catalogue/index.html" 'example:no-code'

# Escaping: markup from records stays text on every page.
H=$S/usecases/uc-hostile/index.html
for f in "$H" "$SP" "$S/badges/uc-hostile.svg" "$S/catalogue/index.html" \
    "$S/status/feed.xml"; do
	n=${f#$S/}
	if grep -q '<script>alert\|<img src=x\|<b>odd\|<i>why\|<b>k</b>' "$f"
	then fail "escaped-$n" "raw markup from a record" "$f"
	else ok "escaped-$n"; fi
done
has escaped-message "$H" '&lt;script&gt;alert(1)&lt;/script&gt; {{site.title}}'
has escaped-reason "$H" '<strong class="reason">&lt;i&gt;why&lt;/i&gt;</strong>'
has escaped-cell "$H" '<strong>In [1]: &lt;img src=x onerror=alert(2)&gt;</strong>: &lt;script&gt;alert(3)&lt;/script&gt;'
has escaped-warning "$H" '<li>a cell&#39;s command failed: &lt;script&gt;alert(5)&lt;/script&gt; exit 1</li>'
has escaped-kernel "$H" 'Kernel <code>&lt;b&gt;k&lt;/b&gt;</code>: &lt;script&gt;alert(6)&lt;/script&gt;.'
has escaped-environment "$H" 'Environment <code>&lt;script&gt;alert(7)&lt;/script&gt;</code>.'
has escaped-chart-status "$H" ': &lt;b&gt;odd&lt;/b&gt;, 12 s</title>'
has escaped-history-status "$H" '<td>&lt;b&gt;odd&lt;/b&gt;</td>'
has escaped-status-row "$SP" '<strong class="reason">&lt;i&gt;why&lt;/i&gt;</strong>: &lt;script&gt;alert(1)&lt;/script&gt;'

# --- kbgen check on examples that cannot run (never synced): no job
# runs; --json carries the keys, --strict fails, without it exit 0.
if [ ! -x /usr/bin/bwrap ] || [ ! -x /usr/bin/python3 ]; then
	skip check-strict "kbgen check needs bubblewrap and python3"
else
	"$KBGEN" -q -C "$K" check uc-pass uc-module --json "$TMP/c.json" \
	    >"$TMP/c.out" 2>"$TMP/c.err"
	expect check-exit-0 $? 0 "$TMP/c.err"
	expect check-json-keys "$(js "$TMP/c.json" '[(x["status"], x["reason"], x["warnings"], x["message"][:10]) for x in d]')" \
	    "[('not run', None, [], 'not synced'), ('not run', None, [], 'not synced')]" "$TMP/c.json"
	"$KBGEN" -q -C "$K" check uc-pass uc-module --strict >"$TMP/c.out" 2>"$TMP/c.err"
	expect check-strict-exit-1 $? 1 "$TMP/c.err"
	has check-strict-names "$TMP/c.err" "kbgen: check --strict: uc-module: not run"
	has check-strict-count "$TMP/c.err" "kbgen: check --strict: 2 of 2 examples not passing"
fi

finish
