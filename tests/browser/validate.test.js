/*
 * axe-core and the checks that need a browser, on built sites, in
 * headless Chromium driven by playwright-core.
 *
 * usage: node validate.test.js WWW_DIR HTTP_BASE_URL SITE...
 *
 * WWW_DIR holds one built site per SITE name (WWW_DIR/SITE/index.html),
 * all served over http at HTTP_BASE_URL.  For each site, one page of each
 * page family (the family is the template, which base.mustache writes as
 * the body's class "section-NAME") gets axe-core's rules with no
 * violation allowed; "families SITE: A B C" lines say which were seen.
 * Then: each badge's text at 4.5:1 contrast or more (the SVG badges of
 * badges/, each text against the bar under it, and the HTML badges, from
 * getComputedStyle), the status table's badges at their full width on a
 * phone and on a desktop, the matrix's "Show empty (N)" closed at first
 * and opening with and without JavaScript, and the search page not
 * shifting its footer when results appear (layout-shift entries).
 * Prints one "ok N - description" or "FAIL N - description" line per
 * check and ends with "N passed, N failed" (tests/browser/harness.js).
 */
"use strict";

const fs = require("fs");
const path = require("path");

const www = path.resolve(process.argv[2] || "");
const httpBase = (process.argv[3] || "").replace(/\/?$/, "/");
const sites = process.argv.slice(4);
const {CHROMIUM, FLAGS, TIMEOUT, fail, done, check} = require("./harness.js");
const chromium = require("./harness.js").chromium();
const AXE = path.join(__dirname, "node_modules", "axe-core", "axe.min.js");

if (!fs.existsSync(AXE)) {
	fail("axe-core", "tests/browser/node_modules/axe-core is missing: run tests/deps-test.sh");
	done();
}

/* Every .html file below dir, as paths relative to it, sorted. */
function htmlFiles(dir, rel, out) {
	for (const e of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})
	    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
		const r = rel ? rel + "/" + e.name : e.name;
		if (e.isDirectory())
			htmlFiles(dir, r, out);
		else if (e.name.endsWith(".html"))
			out.push(r);
	}
	return out;
}

/* One page per family: the first in path order. */
function families(site) {
	const dir = path.join(www, site), fam = new Map();
	for (const p of htmlFiles(dir, "", [])) {
		const m = /<body class="section-([^" ]+)/.exec(
		    fs.readFileSync(path.join(dir, p), "utf8"));
		if (m && !fam.has(m[1]))
			fam.set(m[1], p);
	}
	return fam;
}

/* WCAG contrast of two CSS colours rgb(a)(r, g, b) or #rgb/#rrggbb. */
function rgb(c) {
	let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
	if (m)
		return m.slice(1).map((x) => parseInt(x + x, 16));
	m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
	if (m)
		return m.slice(1).map((x) => parseInt(x, 16));
	m = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/.exec(c);
	if (m)
		return m.slice(1).map(Number);
	throw new Error("not a colour: " + c);
}
function lum(c) {
	const v = rgb(c).map((x) => {
		x /= 255;
		return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
	});
	return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function contrast(a, b) {
	const x = lum(a), y = lum(b);
	return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

(async () => {
	let browser;
	try {
		browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
	} catch (e) {
		fail("launch chromium", e.message);
		done();
	}
	const ctx = await browser.newContext({viewport: {width: 1280, height: 800}});
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);

	/* axe-core on one page of each family of each site. */
	for (const site of sites) {
		const fam = families(site);
		console.log("# families " + site + ": " + [...fam.keys()].sort().join(" "));
		for (const [f, p] of fam) {
			await check("axe " + site + " " + f + " (" + p + ")", async () => {
				await page.goto(httpBase + site + "/" + p, {waitUntil: "load"});
				await page.addScriptTag({path: AXE});
				const r = await page.evaluate(async () => {
					/* eslint-disable-next-line no-undef */
					const res = await axe.run(document, {resultTypes: ["violations"]});
					return res.violations.map((v) => v.id + " (" + v.impact + "): " +
					    v.nodes.length + " node(s), " +
					    v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join("; ") +
					    " - " + v.help);
				});
				if (r.length)
					return r.join("\n");
			});
		}
	}

	/* The SVG badges: each text against the bar it sits on. */
	for (const site of sites) {
		const dir = path.join(www, site, "badges");
		if (!fs.existsSync(dir))
			continue;
		const seen = new Set();
		for (const b of fs.readdirSync(dir).sort()) {
			const svg = fs.readFileSync(path.join(dir, b), "utf8");
			const state = (/aria-label="example: ([^"]*)"/.exec(svg) || [])[1];
			if (!state || seen.has(state))
				continue;
			seen.add(state);
			await check("badge contrast " + site + " \"" + state + "\" (badges/" + b + ") at least 4.5:1", async () => {
				await page.goto(httpBase + site + "/badges/" + b);
				const pairs = await page.evaluate(() => {
					const rects = [...document.querySelectorAll("rect")];
					return [...document.querySelectorAll("text")].map((t) => {
						const x = t.getBBox().x + 1;
						const under = rects.filter((r) => r.x.baseVal.value <= x &&
						    x < r.x.baseVal.value + r.width.baseVal.value).pop();
						return {text: t.textContent, fg: getComputedStyle(t).fill,
							bg: under ? getComputedStyle(under).fill : "none"};
					});
				});
				const bad = pairs.map((q) => [q, contrast(q.fg, q.bg)])
				    .filter(([, c]) => !(c >= 4.5))
				    .map(([q, c]) => q.text + ": " + q.fg + " on " + q.bg + " = " + c.toFixed(2));
				if (pairs.length < 2)
					return "expected two texts, found " + pairs.length;
				if (bad.length)
					return bad.join("\n");
			});
		}
	}

	/* The HTML badges (kind, not executable) where they appear. */
	for (const site of sites) {
		const fam = families(site);
		for (const f of ["catalogue", "usecase"]) {
			if (!fam.has(f))
				continue;
			await check("HTML badge contrast " + site + " " + f, async () => {
				await page.goto(httpBase + site + "/" + fam.get(f));
				const r = await page.evaluate(() => [...document.querySelectorAll(".badge")].map((b) => {
					let bg = "rgba(0, 0, 0, 0)", e = b;
					/* The first ancestor with a background. */
					while (e && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
						bg = getComputedStyle(e).backgroundColor;
						e = e.parentElement;
					}
					return {cls: b.className, text: b.textContent, fg: getComputedStyle(b).color, bg};
				}));
				if (!r.length)
					return "no .badge on the page";
				const bad = r.filter((b) => !(contrast(b.fg, b.bg) >= 4.5))
				    .map((b) => b.cls + " \"" + b.text + "\": " + b.fg + " on " + b.bg);
				if (bad.length)
					return bad.join("\n");
			});
		}
	}

	/* Status table badges at full width, on a phone and a desktop. */
	for (const site of sites) {
		if (!fs.existsSync(path.join(www, site, "status", "index.html")))
			continue;
		for (const [w, h] of [[390, 844], [1280, 800]]) {
			await check("status badges not squeezed " + site + " at " + w + "x" + h, async () => {
				const c = await browser.newContext({viewport: {width: w, height: h}});
				const p = await c.newPage();
				try {
					await p.goto(httpBase + site + "/status/index.html", {waitUntil: "load"});
					const r = await p.evaluate(() => [...document.querySelectorAll(".status-table img")]
					    .map((i) => ({alt: i.alt, w: i.getBoundingClientRect().width,
						h: i.getBoundingClientRect().height, nw: i.naturalWidth, nh: i.naturalHeight})));
					if (!r.length)
						return "no badge in the status table";
					const bad = r.filter((i) => i.nw === 0 || Math.abs(i.w - i.nw) > 0.5 || Math.abs(i.h - i.nh) > 0.5)
					    .map((i) => i.alt + ": shown " + i.w + "x" + i.h + ", drawn " + i.nw + "x" + i.nh);
					if (bad.length)
						return bad.join("\n");
				} finally {
					await c.close();
				}
			});
		}
	}

	/* The matrix's folded rows and columns, with and without JavaScript. */
	for (const site of sites) {
		const m = path.join(www, site, "matrix", "index.html");
		if (!fs.existsSync(m) || !/<details class="matrix-empty"/.test(fs.readFileSync(m, "utf8")))
			continue;
		for (const js of [true, false]) {
			await check("matrix show empty " + site + (js ? "" : " without JavaScript"), async () => {
				const c = await browser.newContext({javaScriptEnabled: js});
				const p = await c.newPage();
				try {
					await p.goto(httpBase + site + "/matrix/index.html");
					const d = p.locator("details.matrix-empty");
					const link = d.locator("li a").first();
					if (await link.isVisible())
						return "the empty rows show before the summary is clicked";
					await d.locator("summary").click();
					if (!await link.isVisible())
						return "a click on the summary does not show the empty rows";
					const href = await link.getAttribute("href");
					await link.click();
					await p.waitForLoadState("load");
					if (!/\/(technologies|fields)\/[^/]+\/index\.html$/.test(p.url()))
						return "the link " + href + " led to " + p.url();
				} finally {
					await c.close();
				}
			});
		}
	}

	/* Search: results appear without moving the footer (CLS). */
	for (const site of sites) {
		if (!fs.existsSync(path.join(www, site, "search", "index.html")))
			continue;
		for (const q of ["", "?q=cnn"]) {
			await check("search page layout shift " + site + " " + (q || "(no query)") + " under 0.05", async () => {
				const c = await browser.newContext({viewport: {width: 412, height: 823}});
				const p = await c.newPage();
				try {
					await p.addInitScript(() => {
						window.kbShift = 0;
						new PerformanceObserver((l) => {
							for (const e of l.getEntries())
								if (!e.hadRecentInput)
									window.kbShift += e.value;
						}).observe({type: "layout-shift", buffered: true});
					});
					await p.goto(httpBase + site + "/search/index.html" + q, {waitUntil: "load"});
					if (q)
						await p.waitForSelector("#kb_search_results li");
					await p.waitForTimeout(500);
					const s = await p.evaluate(() => window.kbShift);
					if (!(s < 0.05))
						return "cumulative layout shift " + s.toFixed(3);
				} finally {
					await c.close();
				}
			});
		}
	}

	await browser.close();
	done();
})().catch((e) => {
	fail("validate.test.js", e && e.stack ? e.stack : e);
	done();
});
