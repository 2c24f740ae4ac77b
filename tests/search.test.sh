#!/bin/sh
# The search index (templates/SEARCH.md), end to end.
#
# Builds tests/fixtures/kb with an Italian use case and a seminar added,
# and the shipped content/, then reads the index back with node: every
# file is a kbSearch.load call whose data parses, meta.js lists shards,
# packs and fragments that exist, every postings string decodes to
# increasing ids below "docs" with as many documents as the form's df,
# and the facets' ids are valid.  Then queries, answered the way
# SEARCH.md says search.js does (exact form, same stem, stem prefix):
# a known word ranks the expected use case first, an accented query
# word finds its unaccented form, every form carries its stem in each
# language of the index (en, it), an Italian word finds its Italian
# forms whether or not it is in the index (also when an English page
# has it), a technology ranks above mentions in the text, and a
# language with no stemmer is a warning at its line.  Last, a
# rebuild with nothing changed (--force, and a touched file) rewrites
# no index file (same inodes).
KBGEN=${KBGEN:-$PWD/kbgen}
FIX=$PWD/tests/fixtures/kb
CONTENT=$PWD/content
NODE=/usr/bin/node
: "${TZ:=UTC}" "${LC_ALL:=C}" "${SOURCE_DATE_EPOCH:=1700000000}"
export TZ LC_ALL SOURCE_DATE_EPOCH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$PWD/tests/lib.sh"
K=$TMP/kb
S=$K/site

if [ ! -x "$NODE" ]; then
	fail "node" "$NODE not found"
	finish
fi

cp -r "$FIX" "$K"
rm -rf "$S" "$K/.kbgen"
# A word whose stem is as long as itself (accuracy: accuraci).
echo "Its accuracy is reported per density class." >>"$K/content/usecases/breast-density.md"
cat >"$K/content/usecases/reti-neurali.md" <<'EOF'
---
title: Reti neurali per la qualità dell'aria
summary: Una rete neurale stima la qualità dell'aria in città.
technologies: [CNN]
fields: [Medical Physics]
tools: [Keras]
kind: application
contacts: [ada-rossi]
language: it
---
Le reti convoluzionali analizzano le immagini delle centraline.

Ærøskøbing, Straße, ΟΔΟΣ, Ĳssel, Ŀlívia, Łódź, Ørsted, Şişli, Ḥadīth, Ἀθῆναι, Москва.
EOF
mkdir -p "$K/content/seminars"
cat >"$K/content/seminars/2024.yaml" <<'EOF'
- date: 2024-03-05
  title: Message passing on detector hits
  speakers: [ada-rossi]
  abstract: Tracking with message-passing networks.
  technologies: [GNN]
- date: 2024-05-07
  title: Calibrazione dei rivelatori al silicio
  speakers: [ada-rossi]
  abstract: Come si calibrano i rivelatori di un esperimento.
  language: it
- date: 2024-06-04
  title: Lingua senza stemmer
  language: xx
EOF
# An English page that has the Italian word as it is (its English
# stem is not the Italian one).
cat >"$K/content/pages/glossary.md" <<'EOF'
---
title: Glossary
---
Detector: in Italian, rivelatore.
EOF
# A package that only mentions GNNs in its text, many times.
cat >"$K/content/usecases/graph-toolkit.md" <<'EOF'
---
title: A toolkit for graphs
summary: A package of GNN layers and GNN examples.
technologies: [CNN]
fields: [High Energy Physics]
tools: [PyTorch]
kind: package
contacts: [ada-rossi]
---
GNN layers, GNN losses, GNN training loops, GNN plots, GNNs everywhere.
EOF

if ! "$KBGEN" -C "$K" build >"$TMP/b1.out" 2>&1; then
	fail "build" "the fixture does not build" "$TMP/b1.out"
	finish
fi
# A page says its entry's language, for screen readers and search
# engines; the others the site's.
has "an Italian use case's page is lang=it" "$K/site/usecases/reti-neurali/index.html" '<html lang="it">'
has "an English page's is the site's" "$K/site/glossary/index.html" '<html lang="en">'

ok "build"
nostem="$K/content/seminars/2024.yaml:13:13: warning: language \"xx\" has no stemmer: the search index does not stem in it"
if grep -qxF "$nostem" "$TMP/b1.out"; then
	ok "a language with no stemmer: warning at its line (build)"
else
	fail "a language with no stemmer: warning at its line (build)" \
	    "want: $nostem" "$TMP/b1.out"
fi
"$KBGEN" -C "$K" lint >"$TMP/lint.out" 2>&1
if grep -qxF "$nostem" "$TMP/lint.out" &&
    ! grep -q "unknown key" "$TMP/lint.out"; then
	ok "a language with no stemmer: warning at its line (lint); language is a known key"
else
	fail "a language with no stemmer: warning at its line (lint); language is a known key" \
	    "want: $nostem" "$TMP/lint.out"
fi

# The reader: node q.js SITE check | node q.js SITE query WORDS...
cat >"$TMP/q.js" <<'EOF'
const fs = require("fs"), path = require("path");
const dir = path.join(process.argv[2], "search"), store = {};
globalThis.kbSearch = { load: (n, d) => { store[n] = d; } };
function need(n) {
	if (!(n in store)) {
		const f = path.join(dir, n + ".js");
		store[n] = null;
		if (fs.existsSync(f)) {
			const text = fs.readFileSync(f, "utf8");
			if (!text.startsWith("kbSearch.load(" + JSON.stringify(n) + ","))
				throw new Error(n + ": not a kbSearch.load call");
			(new Function(text))();
			if (store[n] === null)
				throw new Error(n + ": loaded nothing");
		}
	}
	return store[n];
}
const V = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/* A bit string: code(k) reads an Exp-Golomb code of order k, one bit at
 * a time (a different way from search.js's); rest() the bits left. */
function bits(s) {
	const b = [];
	for (const c of s) {
		const v = V.indexOf(c);
		if (v < 0) throw new Error("bad character " + c);
		for (let i = 5; i >= 0; i--) b.push((v >> i) & 1);
	}
	let at = 0;
	const bit = () => {
		if (at >= b.length) throw new Error("truncated bit string");
		return b[at++];
	};
	return {
		code(k) {
			let z = 0;
			while (bit() === 0) z++;
			let q = 1;
			for (let i = 0; i < z; i++) q = q * 2 + bit();
			let u = q - 1;
			for (let i = 0; i < k; i++) u = u * 2 + bit();
			return u + 1;
		},
		rest() { return b.slice(at); },
	};
}
function ids(s) {
	const r = bits(s), mode = r.code(0) - 1, n = r.code(0) - 1, k = r.code(0) - 1;
	const out = [];
	let id = -1;
	for (let i = 0; i < n; i++) {
		id += r.code(k);
		if (mode === 1) for (let len = r.code(0), j = 1; j < len; j++) out.push(id++);
		out.push(id);
	}
	if (r.rest().length >= 6 || r.rest().some((x) => x)) throw new Error("ids: trailing bits");
	return out;
}
function postings(form, e) {
	let ps, qs;
	if (typeof e[3] === "string") [ps, qs] = [e[3], e[4]];
	else {
		const p = need("p/" + e[3]), q = need("q/" + e[4]);
		if (!p || !q || !(form in p) || !(form in q)) throw new Error(form + ": not in packs " + e[3] + ", " + e[4]);
		[ps, qs] = [p[form], q[form]];
	}
	const r = bits(ps), n = r.code(0), kd = r.code(0) - 1, res = [];
	const rq = bits(qs), kp = rq.code(0) - 1;
	let doc = -1;
	for (let i = 0; i < n; i++) {
		doc += r.code(kd);
		const wc = r.code(0), np = rq.code(0), pos = [];
		let q = -1;
		for (let k = 0; k < np; k++) pos.push(q += rq.code(kp));
		res.push({ doc, w: wc, own: 0, pos });
	}
	/* The places of the postings whose own words hold the form. */
	for (let o = r.code(0) - 1, at = -1; o > 0; o--) {
		at += r.code(0);
		if (at >= n) throw new Error(form + ": own place " + at + " past " + n);
		res[at].own = 1;
	}
	for (const x of [r, rq])
		if (x.rest().length >= 6 || x.rest().some((b) => b)) throw new Error(form + ": trailing bits");
	return res;
}
const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const words = (s) => fold(s).match(/[\p{L}0-9]+/gu) || [];
const key = (f) => [...f].slice(0, 2).map((c) => /[a-z0-9]/.test(c) ? c :
    "_" + c.codePointAt(0).toString(16)).join("");
const meta = need("meta");
const L = Math.max(1, meta.langs.length);
/* A form's stems, one per language of the index. */
const stemsOf = (e) => Array.from({ length: L }, (_, l) =>
    (Array.isArray(e[1]) ? e[1][l] : e[1]) || e[0]);

function check() {
	const bad = [];
	if (meta.v !== 3) bad.push("meta.v");
	if (!Array.isArray(meta.langs) || meta.langs.some((l, i) => i && l <= meta.langs[i - 1]))
		bad.push("meta.langs");
	const nf = Math.ceil(meta.docs / meta.frag);
	for (let i = 0; i < nf; i++) {
		const f = need("f/" + i);
		if (!f || f.length !== Math.min(meta.frag, meta.docs - i * meta.frag))
			bad.push("fragment " + i);
		else for (const d of f)
			if (typeof d.u !== "string" || typeof d.t !== "string" ||
			    Object.keys(d).join() !== (d.s ? "u,t,s" : "u,t,x") ||
			    (d.s !== undefined && (typeof d.s !== "string" || !d.s)) ||
			    (d.x !== undefined && (typeof d.x !== "string" || [...d.x].length > 200)))
				bad.push("fragment " + i + ": " + JSON.stringify(d).slice(0, 80));
	}
	if (need("f/" + nf) !== null) bad.push("extra fragment " + nf);
	for (let p = 0; p < meta.packs; p++)
		if (!need("p/" + p)) bad.push("pack p/" + p + " missing");
	for (let p = 0; p < meta.qpacks; p++)
		if (!need("q/" + p)) bad.push("pack q/" + p + " missing");
	if (need("p/" + meta.packs) !== null || need("q/" + meta.qpacks) !== null)
		bad.push("extra pack");
	let forms = 0, prev = "", inline = 0;
	for (const k of meta.dict) {
		const sh = need("d/" + k);
		if (!sh || !sh.length) { bad.push("shard " + k); continue; }
		for (const e of sh) {
			forms++;
			if (key(e[0]) !== k) bad.push(e[0] + " in shard " + k);
			if (!(e[0] > prev)) bad.push(e[0] + " out of order");
			prev = e[0];
			if (e[1] === e[0]) bad.push(e[0] + ": stem equal to form");
			if (Array.isArray(e[1]) && (e[1].length !== meta.langs.length ||
			    e[1].includes(e[0]) || e[1].every((x) => x === e[1][0])))
				bad.push(e[0] + ": stems " + JSON.stringify(e[1]));
			if (typeof e[3] === "string" ? e.length !== 5 || typeof e[4] !== "string" :
			    e.length !== 5 || !(e[3] >= 0 && e[3] < meta.packs) || !(e[4] >= 0 && e[4] < meta.qpacks))
				bad.push(e[0] + ": entry " + JSON.stringify(e));
			if (typeof e[3] === "string") inline++;
			const ps = postings(e[0], e);
			if (ps.length !== e[2]) bad.push(e[0] + ": df " + e[2] + " but " + ps.length);
			let last = -1;
			for (const p of ps) {
				if (p.doc <= last || p.doc >= meta.docs) bad.push(e[0] + ": doc " + p.doc);
				if (p.w < 1 || p.pos.length < 1 || p.pos.length > 16) bad.push(e[0] + ": posting");
				last = p.doc;
			}
		}
	}
	let inPacks = 0, inQ = 0;
	for (let p = 0; p < meta.packs; p++) inPacks += Object.keys(need("p/" + p)).length;
	for (let p = 0; p < meta.qpacks; p++) inQ += Object.keys(need("q/" + p)).length;
	if (inPacks !== inQ) bad.push("p/ hold " + inPacks + " forms, q/ " + inQ);
	if (inPacks + inline !== forms) bad.push("packs hold " + inPacks + " forms and shards " + inline + " inline, shards " + forms);
	for (const f of meta.facets) {
		if (f.values.length !== f.ids.length) bad.push("facet " + f.key);
		if (f.parents && (f.parents.length !== f.values.length ||
		    f.parents.some((p, i) => p !== -1 && !(p >= 0 && p < f.values.length && p !== i))))
			bad.push("facet " + f.key + " parents");
		for (const s of f.ids) {
			const l = ids(s);
			if (l.some((x, i) => x >= meta.docs || (i && x <= l[i - 1])))
				bad.push("facet " + f.key + " ids");
		}
	}
	if (meta.facets.map((f) => f.key).join() !== "type,technology,field,tool,kind,status")
		bad.push("facet keys");
	console.log(bad.length ? "BAD " + bad.slice(0, 10).join("; ") :
	    "GOOD " + meta.docs + " docs, " + forms + " forms (" + inline + " inline), " + meta.packs + " packs");
}

function search(q) {
	const score = new Map(), hits = new Map(), own = new Map();
	for (const w of words(q)) {
		const sh = need("d/" + key(w)) || [], ent = sh.find((e) => e[0] === w);
		/* The word's stem in each language: its entry's, or the
		 * longest stem it extends by at most 6. */
		let qs = [];
		if (ent) qs = stemsOf(ent);
		else
			for (const e of sh)
				stemsOf(e).forEach((st, l) => {
					if (st.length >= 4 && w.startsWith(st) && w.length - st.length <= 6 &&
					    (!qs[l] || st.length > qs[l].length)) qs[l] = st;
				});
		const m = sh.filter((e) => e === ent || stemsOf(e).some((st, l) => st === qs[l]))
		    .map((e) => [e, e === ent ? 1 : 0.6]);
		const per = new Map(), po = new Map();
		for (const [e, f] of m) {
			const idf = Math.log(1 + meta.docs / e[2]);
			for (const p of postings(e[0], e)) {
				per.set(p.doc, Math.max(per.get(p.doc) || 0, f * p.w * idf));
				po.set(p.doc, (po.get(p.doc) || 0) | p.own);
			}
		}
		for (const [d, s] of per) {
			score.set(d, (score.get(d) || 0) + s);
			hits.set(d, (hits.get(d) || 0) + 1);
			own.set(d, (own.get(d) || 0) + po.get(d));
		}
	}
	/* More words, then more in the document's own words (title,
	 * terms), then score. */
	return [...score.keys()].sort((a, b) => hits.get(b) - hits.get(a) ||
	    own.get(b) - own.get(a) || score.get(b) - score.get(a) || a - b).map((id) =>
	    need("f/" + Math.floor(id / meta.frag))[id % meta.frag].u);
}

if (process.argv[3] === "check") check();
else if (process.argv[3] === "missing") {
	const miss = words(process.argv.slice(4).join(" ")).filter((w) =>
	    !(need("d/" + key(w)) || []).some((e) => e[0] === w));
	console.log(miss.join(" ") || "(none)");
}
else if (process.argv[3] === "entry") {
	const w = process.argv[4], sh = need("d/" + key(w)) || [];
	const e = sh.find((e) => e[0] === w);
	console.log(JSON.stringify(e ? e.slice(0, 3) : null));
} else console.log(search(process.argv.slice(4).join(" ")).join(" ") || "(none)");
EOF

# check NAME SITE: the whole index reads back.
check() {
	out=$("$NODE" "$TMP/q.js" "$2" check 2>&1)
	case $out in
	GOOD*)	ok "$1 ($out)" ;;
	*)	fail "$1" "the index does not read back"; echo "$out" | head -12 | sed 's/^/    /' ;;
	esac
}
# first NAME SITE URL QUERY...: URL is the best result of QUERY.
first() {
	name=$1 site=$2 want=$3
	shift 3
	got=$("$NODE" "$TMP/q.js" "$site" query "$@" 2>&1)
	case $got in
	"$want"|"$want "*) ok "$name" ;;
	*)	fail "$name" "\"$*\" gives: $got"
		echo "    want first: $want" ;;
	esac
}
# entry NAME SITE FORM WANT: the shard entry of FORM, as JSON, is WANT.
entry() {
	got=$("$NODE" "$TMP/q.js" "$2" entry "$3" 2>&1)
	if [ "$got" = "$4" ]; then
		ok "$1"
	else
		fail "$1" "$3 gives $got, want $4"
	fi
}

check "fixture index reads back" "$S"
n=$("$NODE" -e 'globalThis.kbSearch={load:(n,d)=>console.log(d.docs)};
    require(process.argv[1])' "$S/search/meta.js" 2>&1)
# 5 use cases, 2 people, 2 pages, 3 seminars (the draft is left out).
if [ "$n" = 12 ]; then ok "fixture documents"; else fail "fixture documents" "$n, want 12"; fi
langs=$("$NODE" -e 'globalThis.kbSearch={load:(n,d)=>console.log(d.langs.join())};
    require(process.argv[1])' "$S/search/meta.js" 2>&1)
if [ "$langs" = en,it ]; then ok "index languages: those with a stemmer"
else fail "index languages: those with a stemmer" "$langs, want en,it"; fi
first "known word ranks its use case first" "$S" \
    usecases/breast-density/index.html density
first "two words, both in one use case" "$S" \
    usecases/jet-gnn/index.html jet constituents
first "person by name" "$S" people/ada-rossi/index.html Ada Rossi
first "seminar with its anchor" "$S" \
    "seminars/index.html#2024-03-05-message-passing-on-detector-hits" \
    detector hits
entry "accented forms are folded in the index" "$S" qualita \
    '["qualita",["","qual"],1]'
entry "no accented form in the index" "$S" "qualità" null
first "accented query word finds the folded form" "$S" \
    usecases/reti-neurali/index.html "Qualità"
entry "stems by language: Italian (reti)" "$S" reti \
    '["reti",["","ret"],1]'
entry "stems by language: Italian (rete)" "$S" rete \
    '["rete",["","ret"],1]'
entry "stems by language: English" "$S" networks \
    '["networks",["network",""],2]'
entry "one stem where the languages agree" "$S" example \
    '["example","exampl",1]'
entry "a stem as long as its word is kept (accuracy)" "$S" accuracy \
    '["accuracy",["accuraci",""],1]'
first "another form of that word finds it by the stem" "$S" \
    usecases/breast-density/index.html accuracies
mixed="Ærøskøbing, Straße, ΟΔΟΣ, Ĳssel, Ŀlívia, Łódź, Ørsted, Şişli, Ḥadīth, Ἀθῆναι, Москва."
got=$("$NODE" "$TMP/q.js" "$S" missing "$mixed" 2>&1)
if [ "$got" = "(none)" ]; then
	ok "every word, folded as search.js does, is in the index"
else
	fail "every word, folded as search.js does, is in the index" "not in the index: $got"
fi
first "Italian word not in the index, by its stem" "$S" \
    usecases/reti-neurali/index.html analizzare
first "Italian form by its stem's other form" "$S" \
    usecases/reti-neurali/index.html convoluzionale
# finds NAME SITE URL QUERY...: URL is among the results of QUERY.
finds() {
	name=$1 site=$2 want=$3
	shift 3
	got=$("$NODE" "$TMP/q.js" "$site" query "$@" 2>&1)
	case " $got " in
	*" $want "*) ok "$name" ;;
	*)	fail "$name" "\"$*\" gives: $got"
		echo "    want among them: $want" ;;
	esac
}
sem="seminars/index.html#2024-05-07-calibrazione-dei-rivelatori-al-silicio"
finds "rivelatore finds the Italian seminar on rivelatori (in the index from an English page)" \
    "$S" "$sem" rivelatore
finds "rivelatore's English page is found too" "$S" glossary/index.html \
    rivelatore
first "rivelatori: the seminar first" "$S" "$sem" rivelatori
first "calibrazione (not in the index) finds the seminar" "$S" "$sem" calibrazione
first "a technology ranks above mentions in the text (GNN)" "$S" \
    usecases/jet-gnn/index.html GNN

# The shipped knowledge base.
C=$TMP/content
mkdir -p "$C"
cp -r "$CONTENT" "$C/content"
if "$KBGEN" -q -C "$C" build 2>"$TMP/c.err"; then
	ok "content builds"
	check "content index reads back" "$C/site"
	first "content: BondMachine" "$C/site" \
	    usecases/bondmachine-fpga/index.html BondMachine FPGA
	first "content: hyphenated U-Net found joined, as unet" "$C/site" \
	    usecases/lung-segmentation-unet/index.html unet
	first "content: U-Net still found as two words" "$C/site" \
	    usecases/lung-segmentation-unet/index.html U-Net
else
	fail "content builds" "the build failed" "$TMP/c.err"
fi

# Nothing changed: --force renders everything and rewrites no index
# file; a touched source neither.
inodes() {
	(cd "$S/search" && find . -type f -printf '%i %s %p\n' | sort -k3) >"$1"
}
inodes "$TMP/i1"
"$KBGEN" -C "$K" build --force >"$TMP/b2.out" 2>&1
inodes "$TMP/i2"
if cmp -s "$TMP/i1" "$TMP/i2"; then
	ok "unchanged rebuild keeps every index file"
else
	fail "unchanged rebuild keeps every index file" "index files were rewritten"
	diff "$TMP/i1" "$TMP/i2" | head -10 | sed 's/^/    /'
fi
touch "$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/b3.out" 2>&1
inodes "$TMP/i3"
if cmp -s "$TMP/i1" "$TMP/i3"; then
	ok "touched source keeps every index file"
else
	fail "touched source keeps every index file" "index files were rewritten"
	diff "$TMP/i1" "$TMP/i3" | head -10 | sed 's/^/    /'
fi
# An edit changes the index.
echo "Zebrafish appear here." >>"$K/content/usecases/jet-gnn.md"
"$KBGEN" -C "$K" build >"$TMP/b4.out" 2>&1
first "an edit is searchable" "$S" usecases/jet-gnn/index.html zebrafish
finish
