/*
 * The browser half of "make bench-search" (tests/bench-search.sh): in
 * headless Chromium, over http, the bytes a search downloads and the time
 * from keystroke to rendered results, for kbgen's search page and for
 * Pagefind's JavaScript API on the same site.
 *
 * usage: node bench-search.js BASE_URL QUERIES_FILE ONE_WORD TWO_WORDS
 *
 * BASE_URL serves a site built by kbgen (search/ holds kbgen's index) into
 * which Pagefind wrote pagefind/ and the shell script wrote pf-bench.html.
 * QUERIES_FILE holds the timed queries, one a line.  Prints one JSON object.
 *
 * Bytes: a fresh browser context (cold cache) opens the search page, the
 * query is entered in one input event, and every response body under
 * search/ (kbgen) or pagefind/ (Pagefind) is counted until the first 10
 * results are on the page: "start" is what loads before the first query
 * (kbgen: search.js and meta.js; Pagefind: pagefind.js, the WebAssembly,
 * entry and meta), "query" what the query itself loads.
 *
 * Time: one page per side, index started (meta / init) before timing;
 * each query is entered into an empty box in one input event, and the
 * time runs until its first 10 results are in the DOM and laid out; the
 * queries run twice, the second time with every index file in memory
 * (kbgen: the kbsearch:rendered event; Pagefind: search(), data() of the
 * first 10 results, the same DOM built with textContent).
 */
"use strict";

const fs = require("fs");
const zlib = require("zlib");
const {chromium} = require("playwright-core");

const base = process.argv[2].replace(/\/?$/, "/");
const queries = fs.readFileSync(process.argv[3], "utf8").split("\n").filter(Boolean);
const bytesQueries = [process.argv[4], process.argv[5]];
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync"];
const TIMEOUT = 120000;
/* For work on one side: BENCH_SIDES=kbgen, BENCH_BYTES=0 (times only). */
const SIDES = (process.env.BENCH_SIDES || "kbgen,pagefind").split(",");
const BYTES = process.env.BENCH_BYTES !== "0";

/* In the kbgen page: enter q, resolve with ms when its results are laid out. */
function kbRun(q) {
	return new Promise(function (resolve) {
		var box = document.getElementById("kb_q");
		var list = document.getElementById("kb_search_results");
		function h(e) {
			if (e.detail.q !== q)
				return;
			document.removeEventListener("kbsearch:rendered", h);
			void list.offsetHeight;	/* layout */
			resolve({ms: performance.now() - t0, n: e.detail.results});
		}
		document.addEventListener("kbsearch:rendered", h);
		var t0 = performance.now();
		box.value = q;
		box.dispatchEvent(new Event("input", {bubbles: true}));
	});
}

async function kbPage(ctx) {
	const page = await ctx.newPage();
	await page.goto(base + "search/index.html");
	await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
	return page;
}

async function pfPage(ctx) {
	const page = await ctx.newPage();
	await page.goto(base + "pf-bench.html");
	await page.waitForFunction(() => window.pfReady === true, null, {timeout: TIMEOUT});
	return page;
}

/* Bytes of the responses under prefix, split at the first query. */
async function bytes(browser, side, q, typed) {
	const ctx = await browser.newContext();
	const got = {start: 0, query: 0, files: 0, gz: 0, kinds: {}};
	let phase = "start";
	const prefix = side === "kbgen" ? [base + "search/", base + "assets/search.js"] :
	    [base + "pagefind/"];
	const pending = [];
	ctx.on("response", function (r) {
		const u = r.url().split("?")[0];
		if (!prefix.some((p) => u.startsWith(p)) || u === base + "search/index.html")
			return;
		const ph = phase;
		/* What kind of file: search/d/, search/p/, pagefind/fragment/... */
		const kind = ph + ":" + u.slice(base.length).replace(/^(search|pagefind)\//, "")
		    .replace(/\/.*$|\.[^/]*$/, "");
		pending.push(r.body().then(function (b) {
			got[ph] += b.length;
			got.files++;
			/* What a server that gzips every response would send. */
			got.gz += zlib.gzipSync(b, {level: 6}).length;
			got.kinds[kind] = (got.kinds[kind] || 0) + b.length;
		}, function () {}));
	});
	const page = side === "kbgen" ? await kbPage(ctx) : await pfPage(ctx);
	await Promise.all(pending.splice(0));
	phase = "query";
	/* Typed: every prefix of the query in turn, as keystrokes. */
	const steps = typed ? Array.from(q).map((c, i) => Array.from(q).slice(0, i + 1).join("")) : [q];
	for (const x of steps)
		if (side === "kbgen")
			await page.evaluate(kbRun, x);
		else
			await page.evaluate((x) => window.pfRun(x), x);
	await page.waitForTimeout(200);
	await Promise.all(pending);
	await ctx.close();
	return got;
}

/*
 * What one index file costs this browser on this machine, whatever the
 * index: on a fresh kbgen page, fragment files that no query has asked
 * for, loaded with script elements as search.js does, 20 one after the
 * other, then 5 times 10 at once (a first page of scattered results).
 */
async function loadCost(browser) {
	const ctx = await browser.newContext();
	const page = await kbPage(ctx);
	const r = await page.evaluate(async function () {
		function one(n) {
			return new Promise(function (res) {
				var s = document.createElement("script");
				s.src = "../search/f/" + n + ".js";
				s.onload = s.onerror = res;
				document.head.appendChild(s);
			});
		}
		var seq = [], par = [], n = 1;
		for (var i = 0; i < 20; i++, n++) {
			var t0 = performance.now();
			await one(n);
			seq.push(performance.now() - t0);
		}
		for (var j = 0; j < 5; j++) {
			var t1 = performance.now(), ps = [];
			for (var k = 0; k < 10; k++, n++)
				ps.push(one(n));
			await Promise.all(ps);
			par.push(performance.now() - t1);
		}
		return {seq: seq, par: par};
	});
	await ctx.close();
	return {one: stats(r.seq), ten: stats(r.par)};
}

function stats(ms) {
	const s = ms.slice().sort((a, b) => a - b);
	const at = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
	return {median: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1], n: s.length};
}

/*
 * Time the queries on one page: the first pass loads index files as the
 * queries need them (what a reader sees), the second finds them all in
 * memory (compute and render only).
 */
async function times(browser, side) {
	const ctx = await browser.newContext();
	const page = side === "kbgen" ? await kbPage(ctx) : await pfPage(ctx);
	const cold = await pass(page, side);
	const warm = await pass(page, side);
	await ctx.close();
	cold.warm = warm;
	cold.typed = await typedPass(browser, side);
	return cold;
}

/*
 * Typed: a fresh page; each query typed into an empty box one character
 * at a time, each keystroke waiting for the results of the previous one
 * (a reader slower than the search); every keystroke timed.
 */
async function typedPass(browser, side) {
	const ctx = await browser.newContext();
	const page = side === "kbgen" ? await kbPage(ctx) : await pfPage(ctx);
	const all = [], last = [];
	for (const q of queries) {
		if (side === "kbgen")
			await page.evaluate(kbRun, "");
		const cs = Array.from(q);
		for (let i = 1; i <= cs.length; i++) {
			const x = cs.slice(0, i).join("");
			const r = side === "kbgen" ? await page.evaluate(kbRun, x) :
			    await page.evaluate((x) => window.pfRun(x), x);
			all.push(r.ms);
			if (i === cs.length)
				last.push(r.ms);
		}
	}
	await ctx.close();
	return {all: stats(all), last: stats(last)};
}

async function pass(page, side) {
	const ms = [], hits = [], slow = [];
	for (const q of queries) {
		/* An empty box between queries, as a reader clearing it. */
		if (side === "kbgen")
			await page.evaluate(kbRun, "");
		const r = side === "kbgen" ? await page.evaluate(kbRun, q) :
		    await page.evaluate((q) => window.pfRun(q), q);
		ms.push(r.ms);
		hits.push(r.n);
		slow.push([Math.round(r.ms * 10) / 10, q]);
	}
	slow.sort((a, b) => b[0] - a[0]);
	const st = stats(ms);
	st.results = hits.reduce((a, b) => a + b, 0) / hits.length;
	st.slowest = slow.slice(0, 5);
	return st;
}

(async function () {
	const browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
	const out = {queries: queries.length, bytes: {}, time: {}};
	for (const side of SIDES) {
		out.bytes[side] = {};
		out.typedBytes = out.typedBytes || {};
		out.typedBytes[side] = {};
		for (const q of BYTES ? bytesQueries : []) {
			out.bytes[side][q] = await bytes(browser, side, q, false);
			out.typedBytes[side][q] = await bytes(browser, side, q, true);
		}
		out.time[side] = await times(browser, side);
	}
	if (SIDES.indexOf("kbgen") >= 0)
		out.loadCost = await loadCost(browser);
	await browser.close();
	console.log(JSON.stringify(out));
})().catch(function (e) {
	console.error(e && e.stack ? e.stack : e);
	process.exit(1);
});
