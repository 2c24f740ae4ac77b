/*
 * Browser tests of the gallery view (templates/assets/gallery.js) on a
 * built site, in headless Chromium driven by playwright-core.
 *
 * usage: node gallery.test.js SITE_DIR HTTP_BASE_URL
 *
 * SITE_DIR is a site built from tests/fixtures/kb, HTTP_BASE_URL the
 * same site served over http.  Checks: the list shows by default (the
 * thumbnails hidden), the Gallery button switches every list of the
 * page and writes ?view=gallery, a reload keeps it, the catalogue's
 * filters keep it and it keeps them, List takes it away, a term page
 * opened with ?view=gallery shows the gallery, and without JavaScript
 * the list shows with no switch.  Prints one "ok N - description" or
 * "FAIL N - description" line per check and ends with "N passed, N
 * failed" (tests/browser/harness.js).
 */
"use strict";

const fs = require("fs");
const path = require("path");

const site = path.resolve(process.argv[2] || "");
const httpBase = (process.argv[3] || "").replace(/\/?$/, "/");
const {CHROMIUM, FLAGS, TIMEOUT, fail, done, check} = require("./harness.js");
const chromium = require("./harness.js").chromium();

if (!fs.existsSync(path.join(site, "catalogue", "index.html"))) {
	fail("catalogue", site + "/catalogue/index.html does not exist");
	done();
}

/* The state of the page: view of its lists, thumbnails shown, switch. */
async function state(page) {
	return page.evaluate(function () {
		var lists = document.querySelectorAll("[data-views]");
		var g = 0, shown = 0, loaded = 0;
		lists.forEach(function (l) {
			if (l.classList.contains("gallery"))
				g++;
		});
		document.querySelectorAll(".thumb").forEach(function (t) {
			if (t.offsetWidth > 0) {
				shown++;
				var img = t.querySelector("img");
				if (img && img.complete && img.naturalWidth > 0)
					loaded++;
			}
		});
		var sw = document.querySelector(".view-switch");
		var pressed = document.querySelector('.view-switch [aria-pressed="true"]');
		return {lists: lists.length, gallery: g, shown: shown, loaded: loaded,
		    thumbs: document.querySelectorAll(".thumb").length,
		    switchShown: !!(sw && sw.offsetWidth > 0),
		    pressed: pressed ? pressed.getAttribute("data-view") : null,
		    search: location.search};
	});
}

async function run() {
	const browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
	const bases = [["http", httpBase], ["file", "file://" + site + "/"]];
	for (const [kind, base] of bases) {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		const errors = [];
		page.on("pageerror", function (e) {
			errors.push(String(e));
		});
		await page.goto(base + "catalogue/index.html", {waitUntil: "load"});
		await check(kind + ": catalogue shows the list by default", async function () {
			const s = await state(page);
			if (s.lists < 1 || s.thumbs < 1)
				return "no lists or thumbnails: " + JSON.stringify(s);
			if (s.gallery !== 0 || s.shown !== 0)
				return "gallery shown: " + JSON.stringify(s);
			if (!s.switchShown || s.pressed !== "list")
				return "switch: " + JSON.stringify(s);
		});
		await page.click('.view-switch [data-view="gallery"]');
		await check(kind + ": Gallery switches the list and writes ?view=gallery", async function () {
			await page.waitForFunction(function () {
				return document.querySelectorAll(".thumb img").length > 0 &&
				    Array.prototype.every.call(document.querySelectorAll(".thumb img"),
				    function (i) { return i.complete; });
			}, null, {timeout: TIMEOUT});
			const s = await state(page);
			if (s.gallery !== s.lists || s.shown !== s.thumbs || s.pressed !== "gallery")
				return JSON.stringify(s);
			if (s.search !== "?view=gallery")
				return "query " + s.search;
			if (s.loaded !== s.thumbs)
				return "thumbnails not loaded: " + JSON.stringify(s);
		});
		await page.reload({waitUntil: "load"});
		await check(kind + ": a reload keeps the gallery", async function () {
			const s = await state(page);
			if (s.search !== "?view=gallery" || s.gallery !== s.lists || s.pressed !== "gallery")
				return JSON.stringify(s);
		});
		await page.click("#kb_facets input[type=checkbox]");
		await check(kind + ": a filter keeps ?view=gallery beside it", async function () {
			const s = await state(page);
			if (!/(^\?|&)view=gallery(&|$)/.test(s.search) || s.search.split("&").length < 2)
				return "query " + s.search;
			if (s.gallery !== s.lists)
				return JSON.stringify(s);
		});
		await page.click('.view-switch [data-view="list"]');
		await check(kind + ": List takes the gallery away and keeps the filter", async function () {
			const s = await state(page);
			if (/view=/.test(s.search) || s.search === "")
				return "query " + s.search;
			if (s.gallery !== 0 || s.shown !== 0 || s.pressed !== "list")
				return JSON.stringify(s);
		});
		await page.goto(base + "technologies/cnn/index.html?view=gallery", {waitUntil: "load"});
		await check(kind + ": a term page opened with ?view=gallery", async function () {
			const s = await state(page);
			if (s.lists < 1 || s.gallery !== s.lists || s.shown !== s.thumbs || s.shown < 1)
				return JSON.stringify(s);
		});
		await check(kind + ": no script error", async function () {
			if (errors.length)
				return errors.join("\n");
		});
		await ctx.close();
	}
	const nojs = await browser.newContext({javaScriptEnabled: false});
	const page = await nojs.newPage();
	await page.goto(httpBase + "catalogue/index.html?view=gallery", {waitUntil: "load"});
	await check("without JavaScript the list shows, with no switch", async function () {
		const s = await page.evaluate(function () {
			var sw = document.querySelector(".view-switch");
			var shown = 0;
			document.querySelectorAll(".thumb").forEach(function (t) {
				if (t.offsetWidth > 0)
					shown++;
			});
			return {shown: shown, sw: !!(sw && sw.offsetWidth > 0),
			    cards: document.querySelectorAll("#kb_usecases .card").length};
		});
		if (s.shown !== 0 || s.sw || s.cards < 1)
			return JSON.stringify(s);
	});
	await nojs.close();
	await browser.close();
}

run().then(done, function (e) {
	fail("browser", e && e.stack ? e.stack : e);
	done();
});
