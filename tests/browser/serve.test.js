/*
 * kbgen serve in a browser: headless Chromium driven by playwright-core
 * on a page that kbgen serve serves, while this script edits the
 * knowledge base under it.
 *
 * usage: node serve.test.js KB_DIR HTTP_BASE_URL
 *
 * KB_DIR is a copy of tests/fixtures/kb that kbgen serve is serving at
 * HTTP_BASE_URL.  Checks: an edit of the use case reloads its open page
 * with the change; an error (an unknown technology whose name is
 * markup) shows an overlay with path:line:col and the message as text,
 * over the last good page, and on a page opened meanwhile; the fix
 * takes the overlay away and shows the fixed page.  Prints one "ok N -
 * description" or "FAIL N - description" line per check and ends with
 * "N passed, N failed" (tests/browser/harness.js).
 */
"use strict";

const fs = require("fs");
const path = require("path");

const kb = path.resolve(process.argv[2] || "");
const base = (process.argv[3] || "").replace(/\/?$/, "/");
const {CHROMIUM, FLAGS, TIMEOUT, fail, done, check} = require("./harness.js");
const chromium = require("./harness.js").chromium();

const uc = path.join(kb, "content", "usecases", "btagging.md");
if (!fs.existsSync(uc)) {
	fail("fixture", uc + " does not exist");
	done();
}
const orig = fs.readFileSync(uc, "utf8");
const HOSTILE = "<img src=x onerror=window.kbPwned=1>";

/* The overlay: its text, or null when there is none shown. */
function overlay(page) {
	return page.evaluate(function () {
		var o = document.getElementById("kbgen-overlay");
		return o && o.offsetWidth > 0 ? o.textContent : null;
	});
}

/* The overlay's text, once it shows (or a timeout). */
async function overlayShown(page) {
	await page.waitForFunction(function () {
		var o = document.getElementById("kbgen-overlay");
		return o && o.offsetWidth > 0;
	}, null, {timeout: TIMEOUT});
	return overlay(page);
}

async function run() {
	const browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
	const page = await browser.newPage();
	const errors = [];
	page.on("pageerror", function (e) {
		errors.push(String(e));
	});
	await page.goto(base + "usecases/btagging/", {waitUntil: "load"});
	await check("page served with the live-reload script", async function () {
		const t = await page.title();
		if (!/Jet b-tagging/.test(t))
			return "title: " + t;
		const n = await page.evaluate(function () {
			return document.querySelectorAll('script[src="/__kbgen/live.js"]').length;
		});
		if (n !== 1)
			return n + " live-reload scripts";
	});
	/* Wait for the stream to be open before editing. */
	await page.waitForTimeout(500);
	await page.evaluate(function () {
		window.kbMark = 1;
	});

	fs.writeFileSync(uc, orig + "\nBrowser marker one.\n");
	await check("edit: the open page reloads with the change", async function () {
		await page.waitForFunction(function () {
			return document.body && document.body.innerText.indexOf("Browser marker one.") >= 0;
		}, null, {timeout: TIMEOUT});
		const mark = await page.evaluate(function () {
			return window.kbMark;
		});
		if (mark !== undefined)
			return "the page was not reloaded";
	});

	fs.writeFileSync(uc, orig.replace(/^technologies: \[CNN, LSTM\]$/m,
	    "technologies: [CNN, \"" + HOSTILE + "\"]") + "\nBrowser marker one.\n");
	await check("error: the overlay shows path:line:col and the message", async function () {
		const t = await overlayShown(page);
		const want = uc + ":4:21: error: unknown technology \"" + HOSTILE + "\"";
		if (t.indexOf(want) < 0)
			return "overlay: " + t;
	});
	await check("error: the message is text, not markup", async function () {
		const r = await page.evaluate(function () {
			var o = document.getElementById("kbgen-overlay");
			return {imgs: o.querySelectorAll("img").length, pwned: window.kbPwned};
		});
		if (r.imgs !== 0 || r.pwned !== undefined)
			return JSON.stringify(r);
	});
	await check("error: the last good page stays under the overlay", async function () {
		const t = await page.evaluate(function () {
			return document.querySelector("main") ?
			    document.querySelector("main").innerText : document.body.innerText;
		});
		if (t.indexOf("Browser marker one.") < 0)
			return "page: " + t.slice(0, 200);
	});
	const page2 = await browser.newPage();
	await page2.goto(base, {waitUntil: "load"});
	await check("error: a page opened meanwhile shows the overlay", async function () {
		const t = await overlayShown(page2);
		if (t.indexOf("btagging.md:4:21: error:") < 0)
			return "overlay: " + t;
	});

	fs.writeFileSync(uc, orig + "\nBrowser marker two.\n");
	await check("fix: the overlay goes and the page has the fix", async function () {
		await page.waitForFunction(function () {
			return document.body &&
			    document.body.innerText.indexOf("Browser marker two.") >= 0 &&
			    !document.getElementById("kbgen-overlay");
		}, null, {timeout: TIMEOUT});
	});
	await check("fix: the other page's overlay goes too", async function () {
		await page2.waitForFunction(function () {
			return document.readyState === "complete" &&
			    !document.getElementById("kbgen-overlay");
		}, null, {timeout: TIMEOUT});
	});
	await check("no script errors", async function () {
		if (errors.length > 0)
			return errors.join("\n");
	});
	await browser.close();
}

run().then(done, function (e) {
	fail("serve browser test", e && e.stack ? e.stack : e);
	done();
});
