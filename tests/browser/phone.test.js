/*
 * Browser tests of the theme's layout on a phone (390x844, touch) and on
 * a desktop (1280x800), with JavaScript and without, in headless
 * Chromium driven by playwright-core, on built sites opened from file://.
 *
 * usage: node phone.test.js NAME=SITE_DIR...
 *
 * On each site's home, catalogue, first use case, first hackathon (when
 * it has one) and search page: the h1 is within the first screen, the
 * header takes at most a fifth of a phone's screen, and the page never
 * scrolls sideways; the first result of the catalogue, and of the search
 * page with JavaScript and ?q=cnn, is within the first screen too.  At
 * 390 the menu is folded, and its toggle (a checkbox named "Menu") opens
 * and closes it by tap, Space and Enter; the filters of the catalogue
 * and of the search page are hidden behind "Filters", which shows them;
 * the header box's placeholder names no key, its "/" hint is hidden and
 * so are the search page's keys.  At 844x390 (a phone held sideways)
 * the menu is folded too.  At 1280 the menu shows with no toggle, the
 * filters sit beside the results, and the hint shows.  The tables of the matrix, status,
 * experts and hackathon pages sit inside a focusable, labelled region
 * that scrolls, and the page does not; on a phone a hackathon's
 * programme fits its box (a block per session).  Prints one "ok N -
 * description" or "FAIL N - description" line per check and ends with
 * "N passed, N failed" (tests/browser/harness.js).
 */
"use strict";

const fs = require("fs");
const path = require("path");

const {CHROMIUM, FLAGS, TIMEOUT, fail, done, check} = require("./harness.js");
const chromium = require("./harness.js").chromium();

const PHONE = {width: 390, height: 844};
const DESK = {width: 1280, height: 800};

const sites = process.argv.slice(2).map(function (a) {
	const eq = a.indexOf("=");
	return {name: a.slice(0, eq), dir: path.resolve(a.slice(eq + 1))};
});
if (sites.length === 0) {
	fail("usage", "node phone.test.js NAME=SITE_DIR...");
	done();
}

/* The first folder below SITE/SUB that holds an index.html, or null. */
function first(dir, sub) {
	let names;
	try {
		names = fs.readdirSync(path.join(dir, sub)).sort();
	} catch (e) {
		return null;
	}
	for (const n of names)
		if (fs.existsSync(path.join(dir, sub, n, "index.html")))
			return sub + "/" + n + "/index.html";
	return null;
}

function url(site, p) {
	return "file://" + path.join(site.dir, p);
}

/* Where things are on the page, in CSS pixels of the viewport. */
async function geometry(page) {
	return page.evaluate(function () {
		function box(sel) {
			const e = document.querySelector(sel);
			if (!e)
				return null;
			const r = e.getBoundingClientRect();
			return {top: r.top, left: r.left, bottom: r.bottom,
			    width: r.width, height: r.height,
			    shown: r.width > 0 && r.height > 0 &&
			    getComputedStyle(e).visibility !== "hidden"};
		}
		let card = null;
		for (const c of document.querySelectorAll("#kb_usecases > li")) {
			if (!c.hidden) {
				card = c.getBoundingClientRect().top;
				break;
			}
		}
		return {h1: box("main h1"), header: box(".site-header"),
		    nav: box("#kb_nav"), menu: box(".menu-button"),
		    toggle: box("#kb_menu_toggle"),
		    panel: box("#kb_facets_panel"), results: box(".results"),
		    filters: box(".filters-button"), hint: box(".key-hint"),
		    card: card,
		    placeholder: (document.getElementById("kb_site_q") || {}).placeholder,
		    scrollWidth: document.documentElement.scrollWidth,
		    bodyScroll: document.body.scrollWidth,
		    vw: window.innerWidth, vh: window.innerHeight};
	});
}

/*
 * Measured against the screen asked for: a phone's browser widens its
 * layout viewport (innerWidth) to fit a page wider than the screen.
 */
function sideways(g, vp) {
	if (g.vw !== vp.width || g.scrollWidth > vp.width || g.bodyScroll > vp.width)
		return "the page scrolls sideways: scrollWidth " +
		    g.scrollWidth + " (body " + g.bodyScroll + ", layout viewport " +
		    g.vw + ") on a " + vp.width + " px screen";
}

async function context(browser, phone, js) {
	const opts = {viewport: phone ? PHONE : DESK, javaScriptEnabled: js};
	if (phone) {
		opts.isMobile = true;
		opts.hasTouch = true;
	}
	const ctx = await browser.newContext(opts);
	ctx.setDefaultTimeout(TIMEOUT);
	return ctx;
}

async function pages(browser, site, phone, js) {
	const tag = site.name + " " + (phone ? "390" : "1280") +
	    (js ? "" : " no-JS");
	const list = [["home", "index.html"], ["catalogue", "catalogue/index.html"],
	    ["use case", first(site.dir, "usecases")],
	    ["hackathon", first(site.dir, "hackathons")],
	    ["search", "search/index.html"]];
	const vp = phone ? PHONE : DESK;
	const ctx = await context(browser, phone, js);
	const page = await ctx.newPage();
	for (const [what, p] of list) {
		if (!p) {
			if (what === "hackathon" && site.name === "fixture")
				fail(tag + " " + what, "the fixture has no hackathon page");
			continue;
		}
		await check(tag + " " + what + ": heading on the first screen, no sideways scroll", async function () {
			await page.goto(url(site, p));
			const g = await geometry(page);
			if (!g.h1)
				return "no h1 in " + p;
			if (!(g.h1.top >= 0 && g.h1.top < vp.height))
				return "h1 at y=" + Math.round(g.h1.top) + " in a " + vp.height + " px screen";
			if (phone && g.header.height > vp.height / 5)
				return "the header is " + Math.round(g.header.height) +
				    " px high, more than a fifth of the screen (" + vp.height + ")";
			if (what === "catalogue" && !(g.card !== null && g.card < vp.height))
				return "first result at y=" + g.card + " in a " + vp.height + " px screen";
			return sideways(g, vp);
		});
	}
	for (const p of ["matrix/index.html", "status/index.html",
	    "people/experts/index.html", first(site.dir, "hackathons")]) {
		if (!p || !fs.existsSync(path.join(site.dir, p)))
			continue;
		await check(tag + " " + p + ": tables scroll in their own named, focusable region", async function () {
			await page.goto(url(site, p));
			const g = await geometry(page);
			const why = sideways(g, vp);
			if (why)
				return why;
			const bad = await page.evaluate(function () {
				const out = [];
				/* A region's name: its aria-label, or its labelling element's text. */
				function name(e) {
					const by = e.getAttribute("aria-labelledby");
					const l = by && document.getElementById(by);
					return (e.getAttribute("aria-label") || (l ? l.textContent : "")).trim();
				}
				document.querySelectorAll("main table").forEach(function (t) {
					const r = t.closest(".table-scroll");
					if (!r)
						out.push("a table outside .table-scroll");
					else if (r.getAttribute("role") !== "region" ||
					    r.tabIndex !== 0 || !name(r))
						out.push("a .table-scroll that is not a focusable, named region");
				});
				/* Two regions of one name are one landmark twice (axe's landmark-unique). */
				const seen = {};
				document.querySelectorAll("[role=region], section[aria-labelledby], section[aria-label]").forEach(function (e) {
					const n = name(e);
					if (seen[n])
						out.push("two regions named " + JSON.stringify(n));
					seen[n] = true;
				});
				return out.join("; ");
			});
			if (bad)
				return bad;
			/* A programme reflows on a phone: no scrolling in its box. */
			const squeezed = !phone ? 0 : await page.evaluate(function () {
				let n = 0;
				document.querySelectorAll("table.programme").forEach(function (t) {
					const r = t.closest(".table-scroll");
					if (r && r.scrollWidth > r.clientWidth)
						n++;
				});
				return n;
			});
			if (squeezed)
				return squeezed + " programme table(s) wider than their box on a phone";
		});
	}
	await ctx.close();
}

/* The menu and the filters at 390: folded, and open on demand. */
async function phoneToggles(browser, site, js) {
	const tag = site.name + " 390" + (js ? "" : " no-JS");
	const ctx = await context(browser, true, js);
	const page = await ctx.newPage();
	await check(tag + ": the menu is folded, and its toggle opens and closes it", async function () {
		await page.goto(url(site, "index.html"));
		let g = await geometry(page);
		if (!g.menu || !g.menu.shown)
			return "no Menu button shown";
		if (g.nav.shown)
			return "the menu is unfolded on a phone before any tap";
		const toggle = page.getByRole("checkbox", {name: "Menu", exact: true});
		if (await toggle.count() !== 1)
			return "no control named Menu";
		await page.tap(".menu-button");
		g = await geometry(page);
		if (!g.nav.shown)
			return "a tap on Menu does not unfold the menu";
		const link = await page.evaluate(function () {
			const a = document.querySelector("#kb_nav a");
			const r = a.getBoundingClientRect();
			return r.width > 0 && r.top < window.innerHeight;
		});
		if (!link)
			return "the unfolded menu's first link is not on the screen";
		await page.tap(".menu-button");
		g = await geometry(page);
		if (g.nav.shown)
			return "a second tap does not fold the menu";
	});
	await check(tag + ": the menu opens and closes from the keyboard", async function () {
		await page.goto(url(site, "index.html"));
		/* Tab from the top: skip link, site title, then the toggle. */
		let focused = "";
		for (let i = 0; i < 4 && focused !== "kb_menu_toggle"; i++) {
			await page.keyboard.press("Tab");
			focused = await page.evaluate(function () {
				return document.activeElement.id;
			});
		}
		if (focused !== "kb_menu_toggle")
			return "Tab does not reach the menu toggle";
		await page.keyboard.press("Space");
		if (!(await geometry(page)).nav.shown)
			return "Space does not unfold the menu";
		if (!js) {
			await page.keyboard.press("Space");
			if ((await geometry(page)).nav.shown)
				return "Space does not fold the menu";
			return;
		}
		await page.keyboard.press("Enter");
		if ((await geometry(page)).nav.shown)
			return "Enter does not fold the menu";
		await page.keyboard.press("Enter");
		if (!(await geometry(page)).nav.shown)
			return "Enter does not unfold the menu";
	});
	await check(tag + ": the catalogue's results come first, its filters behind Filters", async function () {
		await page.goto(url(site, "catalogue/index.html"));
		let g = await geometry(page);
		if (!g.filters || !g.filters.shown)
			return "no Filters button shown";
		if (g.panel.shown)
			return "the filters show before any tap";
		if (await page.getByRole("checkbox", {name: /^Filters/}).count() !== 1)
			return "no control named Filters";
		await page.tap(".filters-button");
		g = await geometry(page);
		if (!g.panel.shown)
			return "a tap on Filters does not show the filters";
		const term = await page.evaluate(function () {
			const sel = document.documentElement.classList.contains("js") ?
			    "#kb_facets input[type=checkbox]" : "#kb_facets .nojs-only a";
			const e = document.querySelector(sel);
			return !!e && e.getBoundingClientRect().width > 0;
		});
		if (!term)
			return "the filters show no term to pick";
		if (js) {
			await page.locator("#kb_facets input[type=checkbox]").first().check();
			const label = await page.textContent(".filters-button");
			if (!/^Filters \(1\)$/.test(label.trim()))
				return "after ticking a term the button says " + JSON.stringify(label);
		}
		await page.tap(".filters-button");
		if ((await geometry(page)).panel.shown)
			return "a second tap does not hide the filters";
	});
	if (js)
		await check(tag + ": the search page's results come first, its filters behind Filters", async function () {
			await page.goto(url(site, "search/index.html?q=cnn"));
			await page.waitForSelector("#kb_search_results li");
			const g = await page.evaluate(function () {
				const r = document.querySelector("#kb_search_results li").getBoundingClientRect();
				const f = document.getElementById("kb_search_filters").getBoundingClientRect();
				return {first: r.top, panel: f.height};
			});
			if (!(g.first < PHONE.height))
				return "first result at y=" + Math.round(g.first) + " in a " + PHONE.height + " px screen";
			if (g.panel > 0)
				return "the filters show before any tap";
			if (await page.isVisible("#kb_search_keys"))
				return "the search page lists keyboard keys on a touch screen";
			await page.tap("label[for=kb_search_filters_toggle]");
			const shown = await page.evaluate(function () {
				const b = document.querySelector("#kb_search_facets input[type=checkbox]");
				return !!b && b.getBoundingClientRect().width > 0;
			});
			if (!shown)
				return "a tap on Filters does not show the search filters";
		});
	await check(tag + ": the search box names no key on a phone", async function () {
		await page.goto(url(site, "index.html"));
		const g = await geometry(page);
		if (/press|\//i.test(g.placeholder || ""))
			return "placeholder " + JSON.stringify(g.placeholder);
		if (g.hint && g.hint.shown)
			return "the / hint shows on a touch screen";
	});
	await ctx.close();
}

/* A phone held sideways (844x390): the menu folds there too. */
async function sideways844(browser, site) {
	const ctx = await browser.newContext({viewport: {width: 844, height: 390},
	    isMobile: true, hasTouch: true});
	ctx.setDefaultTimeout(TIMEOUT);
	const page = await ctx.newPage();
	await check(site.name + " 844x390: the menu is folded, the header low", async function () {
		await page.goto(url(site, "catalogue/index.html"));
		const g = await geometry(page);
		if (!g.menu || !g.menu.shown || g.nav.shown)
			return "the menu is unfolded on a phone held sideways";
		if (g.header.height > 390 / 5)
			return "the header is " + Math.round(g.header.height) + " px high in a 390 px screen";
		if (!(g.card !== null && g.card < 390))
			return "first result at y=" + g.card + " in a 390 px screen";
		await page.tap(".menu-button");
		if (!(await geometry(page)).nav.shown)
			return "a tap on Menu does not unfold the menu";
	});
	await ctx.close();
}

/* At 1280: the menu shows, the filters sit beside the results. */
async function desktop(browser, site, js) {
	const tag = site.name + " 1280" + (js ? "" : " no-JS");
	const ctx = await context(browser, false, js);
	const page = await ctx.newPage();
	await check(tag + ": the menu shows with no toggle, the / hint in the box", async function () {
		await page.goto(url(site, "index.html"));
		const g = await geometry(page);
		if (!g.nav.shown)
			return "the menu is folded on a wide screen";
		if (g.menu.shown || g.toggle.shown && g.toggle.width > 1)
			return "a Menu toggle shows on a wide screen";
		if (!g.hint || !g.hint.shown)
			return "no / hint beside a keyboard and mouse";
		if (g.placeholder !== "Search")
			return "placeholder " + JSON.stringify(g.placeholder);
	});
	await check(tag + ": the catalogue's filters sit beside the results", async function () {
		await page.goto(url(site, "catalogue/index.html"));
		const g = await geometry(page);
		if (g.filters.shown)
			return "a Filters button shows on a wide screen";
		if (!g.panel.shown)
			return "the filters are hidden on a wide screen";
		if (!(g.panel.left + g.panel.width <= g.results.left &&
		    Math.abs(g.panel.top - g.results.top) < 50))
			return "filters at x=" + Math.round(g.panel.left) + " y=" +
			    Math.round(g.panel.top) + ", results at x=" +
			    Math.round(g.results.left) + " y=" + Math.round(g.results.top);
	});
	if (js)
		await check(tag + ": the search page's filters sit beside its results", async function () {
			await page.goto(url(site, "search/index.html?q=cnn"));
			await page.waitForSelector("#kb_search_results li");
			const g = await page.evaluate(function () {
				const f = document.getElementById("kb_search_filters").getBoundingClientRect();
				const r = document.getElementById("kb_search_results").getBoundingClientRect();
				const b = document.querySelector("label[for=kb_search_filters_toggle]");
				return {f: [f.left, f.right, f.top, f.height], r: [r.left, r.top],
				    button: b ? b.getBoundingClientRect().width : 0};
			});
			if (g.button > 0)
				return "a Filters button shows on a wide screen";
			if (!(await page.isVisible("#kb_search_keys")))
				return "the search page's keyboard keys are hidden beside a keyboard";
			if (!(g.f[3] > 0 && g.f[1] <= g.r[0] && g.r[1] - g.f[2] < 80))
				return "filters at " + JSON.stringify(g.f) + ", results at " + JSON.stringify(g.r);
		});
	await ctx.close();
}

async function run() {
	const browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
	try {
		for (const site of sites) {
			for (const js of [true, false]) {
				await pages(browser, site, true, js);
				await pages(browser, site, false, js);
				await phoneToggles(browser, site, js);
				await desktop(browser, site, js);
			}
			await sideways844(browser, site);
		}
	} finally {
		await browser.close();
	}
}

run().then(done, function (e) {
	fail("browser", e && e.stack ? e.stack : e);
	done();
});
