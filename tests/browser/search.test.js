/*
 * Browser tests of the search page (templates/assets/search.js) on a built
 * site, in headless Chromium driven by playwright-core.
 *
 * usage: node search.test.js SITE_DIR HTTP_BASE_URL [HOSTILE_SITE_DIR]
 *
 * SITE_DIR is a site built from the shipped knowledge base (content/),
 * HTTP_BASE_URL the same site served over http (http://127.0.0.1:PORT/),
 * HOSTILE_SITE_DIR the knowledge base with one more use case whose title,
 * summary and body hold markup (searched for "xyzzyhostile", from file://),
 * a package that mentions GNN only in its text, and an Italian seminar on
 * "rivelatori".  Every check runs twice, over http and from file://: the
 * search page, and the header's box on the other pages (results under it
 * as one types, ARIA combobox, arrows, Escape, Enter).  Prints one
 * "ok N - description" or "FAIL N - description" line per check and ends
 * with "N passed, N failed".  Chromium: $CHROMIUM, default /usr/bin/chromium.
 */
"use strict";

const fs = require("fs");
const path = require("path");

const site = path.resolve(process.argv[2] || "");
const httpBase = (process.argv[3] || "").replace(/\/?$/, "/");
const hostile = process.argv[4] ? path.resolve(process.argv[4]) : null;
const {CHROMIUM, FLAGS, TIMEOUT, fail, done, check} = require("./harness.js");
const chromium = require("./harness.js").chromium();

if (!fs.existsSync(path.join(site, "search", "index.html"))) {
	fail("search page", site + "/search/index.html does not exist: is the site built?");
	done();
}
if (!fs.existsSync(path.join(site, "search", "meta.js"))) {
	fail("search index", site + "/search/meta.js does not exist: kbgen wrote no search index");
	done();
}

/* How many times the results were rendered (their data-render). */
async function renders(page) {
	return page.evaluate(function () {
		var l = document.getElementById("kb_search_results");
		return +(l && l.getAttribute("data-render") || 0);
	});
}

/*
 * Wait until the results show query q, rendered after render number
 * "after" when given; return the URLs of the results.
 */
async function results(page, q, after) {
	await page.waitForFunction(function (a) {
		var l = document.getElementById("kb_search_results");
		return l && l.getAttribute("data-query") === a.q &&
		    +(l.getAttribute("data-render") || 0) > a.after;
	}, {q: q, after: after === undefined ? -1 : after}, {timeout: TIMEOUT});
	return page.$$eval(".search-result-title a", function (as) {
		return as.map(function (a) {
			return a.href;
		});
	});
}

/* Type q into the search box, as a reader would, and wait for its results. */
async function typeQuery(page, q) {
	const before = await renders(page);
	await page.fill("#kb_q", "");
	await page.focus("#kb_q");
	await page.keyboard.type(q, {delay: 5});
	return results(page, q, before);
}

function rel(u) {
	/* "http://host/usecases/x/index.html" -> "usecases/x/index.html" */
	const m = /(usecases|people|hackathons|seminars)\/[^/]+\/index\.html$/.exec(u) ||
	    /[^/]+\/index\.html$/.exec(u);
	return m ? m[0] : u;
}

function firstIs(urls, want) {
	if (!urls.length)
		return "no results, want " + want + " first";
	if (rel(urls[0]) !== want)
		return "first result " + rel(urls[0]) + ", want " + want +
		    " (results: " + urls.slice(0, 5).map(rel).join(", ") + ")";
	return undefined;
}

/* The counts of the facet values shown: {"key=value": count}. */
async function facetCounts(page) {
	return page.$$eval("#kb_search_facets input[type=checkbox]", function (bs) {
		var o = {};
		bs.forEach(function (b) {
			var li = b.closest(".facet-term");
			if (li && li.hidden)
				return;
			o[b.name + "=" + b.value] = +li.querySelector(".facet-count").textContent;
		});
		return o;
	});
}

/* The tests: [query, expected first result, what it shows]. */
const FIRST = [
	["inpainting", "usecases/image-inpainting-tutorial/index.html", "a title word"],
	["Inpaïnting", "usecases/image-inpainting-tutorial/index.html", "an accented variant"],
	["segmentations", "usecases/lung-segmentation-unet/index.html", "a stemmed variant"],
	["gaussian mixture", "usecases/lhcb-pid-gaussian-mixture/index.html", "two words"],
	["smart caching", "usecases/smart-caching/index.html", "two words together"],
	["Lizzi", "people/francesca-lizzi/index.html", "a person"],
	["hackathon advanced", "hackathons/third-ml-infn-hackathon-advanced-bari-2022/index.html", "a hackathon"],
	["unet", "usecases/lung-segmentation-unet/index.html", "a hyphenated word (U-Net) typed joined"],
];

/* The header box's state: listbox shown, options, chosen one. */
async function boxState(page) {
	return page.evaluate(function () {
		var i = document.getElementById("kb_site_q");
		var l = document.getElementById("kb_site_list");
		var o = l ? Array.prototype.slice.call(l.querySelectorAll("[role=option]")) : [];
		return {role: i.getAttribute("role"), expanded: i.getAttribute("aria-expanded"),
		    controls: i.getAttribute("aria-controls"),
		    active: i.getAttribute("aria-activedescendant"),
		    listRole: l && l.getAttribute("role"), shown: !!l && !l.hidden &&
		    l.getBoundingClientRect().height > 0, query: l && l.getAttribute("data-query"),
		    selected: o.filter((x) => x.getAttribute("aria-selected") === "true").map((x) => x.id),
		    ids: o.map((x) => x.id),
		    titles: o.map((x) => (x.querySelector(".site-search-title") || x).textContent),
		    where: o.map((x) => { var w = x.querySelector(".site-search-where"); return w ? w.textContent : ""; }),
		    hrefs: o.map((x) => x.getAttribute("data-href")),
		    text: l ? l.textContent : ""};
	});
}

/* Type q into the header's box of the page at url; wait for its list. */
async function typeHeader(page, url, q) {
	await page.goto(url);
	await page.focus("#kb_site_q");
	await page.keyboard.type(q, {delay: 5});
	await page.waitForFunction(function (q) {
		var l = document.getElementById("kb_site_list");
		return l && !l.hidden && l.getAttribute("data-query") === q;
	}, q, {timeout: TIMEOUT});
	return boxState(page);
}

async function suite(browser, mode, base) {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const errors = [];
	page.on("pageerror", function (e) {
		errors.push(String(e));
	});
	const searchURL = base + "search/index.html";

	await check(mode + ": search page loads its index", async function () {
		await page.goto(searchURL);
		await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
		const boxes = await page.$$eval("#kb_search_facets input", (b) => b.length);
		if (!boxes)
			return "no facet checkboxes";
	});

	for (const [q, want, what] of FIRST)
		await check(mode + ": " + what + ": \"" + q + "\" finds " + want + " first",
		    async function () {
			return firstIs(await typeQuery(page, q), want);
		});

	await check(mode + ": a broader term's facet holds its narrower terms' documents (U-Net under CNN under Neural Network)", async function () {
		const urls = await typeQuery(page, "unet");
		const bad = firstIs(urls, "usecases/lung-segmentation-unet/index.html");
		if (bad)
			return bad;
		const c = await facetCounts(page);
		for (const k of ["technology=U-Net", "technology=CNN", "technology=Neural Network"])
			if (!(c[k] >= 1))
				return k + " counts " + c[k] + ": " + JSON.stringify(c);
		let n0 = await renders(page);
		const box = '#kb_search_facets input[name="technology"][value="Neural Network"]';
		await page.check(box);
		const after = await results(page, "unet", n0);
		n0 = await renders(page);
		await page.uncheck(box);
		await results(page, "unet", n0);
		if (!after.some((u) => rel(u) === "usecases/lung-segmentation-unet/index.html"))
			return "technology=Neural Network leaves out the U-Net use case: " + after.map(rel).join(", ");
	});

	await check(mode + ": results are highlighted (<mark> in the first result)", async function () {
		await typeQuery(page, "inpainting");
		const marks = await page.$$eval(".search-result:first-child mark",
		    (ms) => ms.map((m) => m.textContent));
		if (!marks.length)
			return "no <mark> in the first result";
		if (!marks.every((m) => /inpainting/i.test(m)))
			return "marked: " + marks.join(", ");
	});

	await check(mode + ": a word in no page gives no results, no error", async function () {
		const urls = await typeQuery(page, "zzqqxy");
		if (urls.length)
			return "results for zzqqxy: " + urls.join(", ");
		const t = await page.textContent("#kb_search_count");
		if (!/no results/i.test(t))
			return "count says " + JSON.stringify(t);
	});

	await check(mode + ": the last word is matched as a prefix while typing", async function () {
		return firstIs(await typeQuery(page, "inpaint"),
		    "usecases/image-inpainting-tutorial/index.html");
	});

	await check(mode + ": facet counts follow the query, and a facet narrows the results", async function () {
		await typeQuery(page, "");
		const all = await facetCounts(page);
		const urls = await typeQuery(page, "segmentation");
		const c1 = await facetCounts(page);
		if (JSON.stringify(all) === JSON.stringify(c1))
			return "facet counts did not change with the query";
		const total = c1["type=Use case"] || 0, people = c1["type=Person"] || 0;
		if (!total || !people)
			return "want use cases and people for segmentation: " + JSON.stringify(c1);
		if (urls.length !== Object.keys(c1).filter((k) => k.startsWith("type="))
		    .reduce((s, k) => s + c1[k], 0) && urls.length < 10)
			return "results " + urls.length + " != sum of type counts " + JSON.stringify(c1);
		let n0 = await renders(page);
		await page.check('#kb_search_facets input[name="type"][value="Person"]');
		const after = await results(page, "segmentation", n0);
		const c2 = await facetCounts(page);
		if (after.length !== people)
			return after.length + " results with Type=Person, the facet said " + people;
		if (!after.every((u) => /people\//.test(u)))
			return "not all people: " + after.join(", ");
		/* Counts of the other groups now count people only. */
		if (JSON.stringify(c1) === JSON.stringify(c2))
			return "counts did not change after ticking Type=Person";
		if (!/[?&]type=Person(&|$)/.test(page.url()))
			return "URL does not keep the facet: " + page.url();
		n0 = await renders(page);
		await page.uncheck('#kb_search_facets input[name="type"][value="Person"]');
		const back = await results(page, "segmentation", n0);
		if (back.length !== urls.length)
			return "unticking gives " + back.length + " results, not " + urls.length;
	});

	await check(mode + ": the query and facets are in the URL, and a shared URL gives the same search", async function () {
		await page.goto(searchURL);
		await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
		const first = await typeQuery(page, "gaussian mixture");
		const n0 = await renders(page);
		await page.check('#kb_search_facets input[name="type"][value="Use case"]');
		await results(page, "gaussian mixture", n0);
		await page.waitForFunction(() => /[?&]q=gaussian(\+|%20)mixture/.test(location.search),
		    null, {timeout: TIMEOUT});
		const url = page.url();
		if (!/type=Use(\+|%20)case/.test(url))
			return "no facet in " + url;
		const p2 = await ctx.newPage();
		await p2.goto(url);
		const again = await results(p2, "gaussian mixture");
		const v = await p2.inputValue("#kb_q");
		const ticked = await p2.isChecked('#kb_search_facets input[name="type"][value="Use case"]');
		await p2.close();
		if (v !== "gaussian mixture")
			return "box holds " + JSON.stringify(v);
		if (!ticked)
			return "facet Type=Use case not ticked after reload";
		if (rel(again[0] || "") !== rel(first[0] || "x"))
			return "first result " + again[0] + " after reload, was " + first[0];
		await page.reload();
		const r3 = await results(page, "gaussian mixture");
		if (rel(r3[0] || "") !== rel(first[0]))
			return "reload: first result " + r3[0];
	});

	await check(mode + ": arrows and Enter open a result with the keyboard", async function () {
		await page.goto(searchURL);
		await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
		const urls = await typeQuery(page, "segmentation");
		if (urls.length < 2)
			return "fewer than 2 results";
		await page.keyboard.press("ArrowDown");
		await page.keyboard.press("ArrowDown");
		await page.keyboard.press("ArrowUp");
		await page.keyboard.press("ArrowDown");
		const focused = await page.evaluate(() => document.activeElement &&
		    document.activeElement.href);
		if (rel(focused || "") !== rel(urls[1]))
			return "focus on " + focused + ", want the second result " + urls[1];
		await Promise.all([page.waitForURL((u) => rel(String(u)) === rel(urls[1]),
		    {timeout: TIMEOUT}), page.keyboard.press("Enter")]);
		await page.goBack();
		const back = await results(page, "segmentation");
		if (!back.length)
			return "no results after going back";
	});

	await check(mode + ": Enter in the box opens the first result, Escape clears", async function () {
		await page.goto(searchURL);
		await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
		await typeQuery(page, "virgo");
		const n0 = await renders(page);
		await page.keyboard.press("Escape");
		await results(page, "", n0);
		if (await page.inputValue("#kb_q") !== "")
			return "Escape did not clear the box";
		const urls = await typeQuery(page, "inpainting");
		await Promise.all([page.waitForURL((u) => rel(String(u)) === rel(urls[0]),
		    {timeout: TIMEOUT}), page.keyboard.press("Enter")]);
	});

	await check(mode + ": \"/\" focuses the box on another page, and its form leads to the results", async function () {
		await page.goto(base + "catalogue/index.html");
		await page.click("h1");
		await page.keyboard.press("/");
		const id = await page.evaluate(() => document.activeElement && document.activeElement.id);
		if (id !== "kb_site_q")
			return "focus on #" + id + ", not the search box";
		await page.keyboard.type("lung segmentation");
		await Promise.all([page.waitForURL(/search\/index\.html\?q=lung/, {timeout: TIMEOUT}),
		    page.keyboard.press("Enter")]);
		return firstIs(await results(page, "lung segmentation"),
		    "usecases/lung-segmentation-unet/index.html");
	});

	await check(mode + ": search page: a result says where it sits (Catalogue › field, People), no raw path", async function () {
		await page.goto(searchURL);
		await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
		await typeQuery(page, "inpainting");
		const w = await page.$$eval(".search-result", (ls) => ls.map((l) => l.textContent));
		const first = await page.textContent(".search-result:first-child .search-result-where");
		if (first !== "Catalogue \u203a Applied Physics")
			return "first result sits at " + JSON.stringify(first);
		if (w.some((t) => /index\.html/.test(t)))
			return "a result shows a path: " + w.find((t) => /index\.html/.test(t));
		await typeQuery(page, "Lizzi");
		const p = await page.textContent(".search-result:first-child .search-result-where");
		if (p !== "People")
			return "a person sits at " + JSON.stringify(p);
	});

	await check(mode + ": header box: typing lists the first results under it (combobox, listbox, title and place)", async function () {
		const st = await typeHeader(page, base + "people/index.html", "inpainting");
		if (st.role !== "combobox" || st.expanded !== "true" || st.controls !== "kb_site_list" ||
		    st.listRole !== "listbox")
			return "ARIA: " + JSON.stringify(st);
		if (!st.shown)
			return "the list is not shown";
		if (!/inpainting/i.test(st.titles[0] || ""))
			return "first option: " + st.titles[0];
		if (st.where[0] !== "Catalogue \u203a Applied Physics")
			return "first option sits at " + JSON.stringify(st.where[0]);
		if (rel(st.hrefs[0] || "") !== "usecases/image-inpainting-tutorial/index.html")
			return "first option links to " + st.hrefs[0];
		if (/index\.html/.test(st.text))
			return "the list shows a path: " + st.text;
		if (st.ids.length > 7)
			return st.ids.length + " options: want the first few";
	});

	await check(mode + ": header box: arrows move the selection (aria-activedescendant), Escape closes, Enter opens the selected", async function () {
		let st = await typeHeader(page, base + "people/index.html", "segmentation");
		if (st.ids.length < 3)
			return "fewer than 3 options";
		if (st.active || st.selected.length)
			return "selected before any arrow: " + st.active;
		await page.keyboard.press("ArrowDown");
		await page.keyboard.press("ArrowDown");
		await page.keyboard.press("ArrowUp");
		await page.keyboard.press("ArrowDown");
		st = await boxState(page);
		if (st.active !== st.ids[1] || st.selected.join() !== st.ids[1])
			return "after down, down, up, down: active " + st.active + ", selected " +
			    st.selected.join() + ", want " + st.ids[1];
		const id = await page.evaluate(() => document.activeElement.id);
		if (id !== "kb_site_q")
			return "focus left the box: #" + id;
		await page.keyboard.press("Escape");
		st = await boxState(page);
		if (st.shown || st.expanded !== "false" || st.active)
			return "Escape: " + JSON.stringify({shown: st.shown, expanded: st.expanded, active: st.active});
		await page.keyboard.press("ArrowDown");
		await page.waitForFunction(() => !document.getElementById("kb_site_list").hidden,
		    null, {timeout: TIMEOUT});
		await page.keyboard.press("ArrowDown");
		await page.keyboard.press("ArrowDown");
		st = await boxState(page);
		if (st.active !== st.ids[1])
			return "reopened: active " + st.active + ", want " + st.ids[1];
		await Promise.all([page.waitForURL((u) => rel(String(u)) === rel(st.hrefs[1]),
		    {timeout: TIMEOUT}), page.keyboard.press("Enter")]);
	});

	await check(mode + ": header box: Enter with none selected goes to the search page with the query and the catalogue's filters", async function () {
		await page.goto(base + "catalogue/index.html");
		await page.check('#kb_facets input[name="technology"][value="cnn"]');
		await page.focus("#kb_site_q");
		await page.keyboard.type("segmentation", {delay: 5});
		await page.waitForFunction(() => document.getElementById("kb_site_list").getAttribute("data-query") === "segmentation",
		    null, {timeout: TIMEOUT});
		await Promise.all([page.waitForURL(/search\/index\.html\?q=segmentation&technology=CNN$/, {timeout: TIMEOUT}),
		    page.keyboard.press("Enter")]);
		const urls = await results(page, "segmentation");
		const ticked = await page.isChecked('#kb_search_facets input[name="technology"][value="CNN"]');
		if (!ticked)
			return "technology=CNN not ticked on the search page";
		if (!urls.length)
			return "no results";
	});

	await check(mode + ": the search page loads search.js alone, not searchbox.js", async function () {
		await page.goto(searchURL);
		const srcs = await page.$$eval("script[src]", (ss) => ss.map((x) => x.getAttribute("src")));
		if (srcs.some((x) => /searchbox\.js/.test(x)) || !srcs.some((x) => /search\.js$/.test(x)))
			return "scripts: " + srcs.join(", ");
	});

	await check(mode + ": no script errors", async function () {
		if (errors.length)
			return errors.join("\n");
	});
	await ctx.close();
}

async function nojs(browser, base) {
	await check("no JavaScript: the search page points to the catalogue and term pages", async function () {
		const ctx = await browser.newContext({javaScriptEnabled: false});
		const page = await ctx.newPage();
		await page.goto(base + "search/index.html?q=cnn");
		const hrefs = await page.$$eval(".search-nojs a", (as) =>
		    as.filter((a) => a.offsetParent !== null).map((a) => a.getAttribute("href")));
		await ctx.close();
		for (const want of ["catalogue/index.html", "technologies/index.html",
		    "fields/index.html", "tools/index.html"])
			if (!hrefs.some((h) => h.endsWith(want)))
				return "no visible link to " + want + " (" + hrefs.join(", ") + ")";
	});
}

(async function () {
	let browser;
	try {
		browser = await chromium.launch({executablePath: CHROMIUM,
		    args: FLAGS, headless: true});
	} catch (e) {
		fail("chromium starts", String(e.message || e).split("\n")[0] +
		    "\n(run tests/deps-test.sh)");
		done();
	}
	try {
		if (httpBase !== "/")
			await suite(browser, "http", httpBase);
		else
			fail("http", "no HTTP base URL given");
		await suite(browser, "file", "file://" + site + "/");
		await nojs(browser, "file://" + site + "/");
		if (hostile) {
			await check("own words first: GNN ranks the use cases whose technology is GNN above a package that only mentions it", async function () {
				const ctx = await browser.newContext();
				const page = await ctx.newPage();
				await page.goto("file://" + hostile + "/search/index.html");
				await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
				const urls = (await typeQuery(page, "GNN ")).map(rel);
				await ctx.close();
				const pkg = urls.indexOf("usecases/zz-gnn-toolkit/index.html");
				for (const u of ["usecases/gnn-transformers-jet-tagging/index.html", "usecases/lumin/index.html"]) {
					const i = urls.indexOf(u);
					if (i < 0 || pkg < 0 || i > pkg)
						return u + " at " + i + ", the package at " + pkg + ": " + urls.join(", ");
				}
			});
			await check("header box: rivelatore finds the Italian seminar on rivelatori", async function () {
				const ctx = await browser.newContext();
				const page = await ctx.newPage();
				const st = await typeHeader(page, "file://" + hostile + "/people/index.html", "rivelatore");
				await ctx.close();
				const i = st.hrefs.findIndex((h) => /seminars\/index\.html#2024-05-07-calibrazione/.test(h));
				if (i < 0)
					return "not listed: " + st.titles.join(" | ");
				if (st.where[i] !== "Seminars")
					return "the seminar sits at " + JSON.stringify(st.where[i]);
			});
		}
		if (hostile)
			await check("markup in the index is shown as text, never run", async function () {
				const ctx = await browser.newContext();
				const page = await ctx.newPage();
				const errors = [];
				page.on("pageerror", (e) => errors.push(String(e)));
				await page.goto("file://" + hostile + "/search/index.html");
				await page.waitForSelector("#kb_search.search-ready", {timeout: TIMEOUT});
				const urls = await typeQuery(page, "xyzzyhostile");
				const r = await page.evaluate(function () {
					var l = document.getElementById("kb_search_results");
					return {pwned: window.kbPwned,
					    made: l.querySelectorAll("img, script, b").length,
					    text: l.textContent};
				});
				await ctx.close();
				const first = firstIs(urls, "usecases/zz-hostile/index.html");
				if (first)
					return first;
				if (r.pwned !== undefined)
					return "markup ran: window.kbPwned = " + r.pwned;
				if (r.made)
					return r.made + " elements made from index text";
				if (r.text.indexOf("<img src=x") < 0 || r.text.indexOf("<b>bold</b>") < 0)
					return "the markup is not shown as text: " + r.text.slice(0, 300);
				if (errors.length)
					return errors.join("\n");
			});
		for (const f of ["search.js", "searchbox.js"])
			await check(f + " writes no HTML (no innerHTML, outerHTML, insertAdjacentHTML, document.write)", async function () {
				const js = fs.readFileSync(path.join(site, "assets", f), "utf8");
				const m = js.match(/\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment)\b/g);
				if (m)
					return "found: " + m.join(", ");
			});
	} catch (e) {
		fail("browser tests", e && e.stack ? e.stack : e);
	}
	await browser.close();
	done();
})();
