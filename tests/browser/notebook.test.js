/*
 * Browser tests of the executed notebook on a use-case page
 * (render/notebook.c, templates/assets/notebook.js), in headless
 * Chromium driven by playwright-core.
 *
 * usage: node notebook.test.js HTTP_URL FILE
 *
 * HTTP_URL is a use-case page showing tests/notebook/mkfixture.py's
 * notebook, served over http; FILE the same page on disk (file://).
 * Over both, with a cookie set for the page's origin over http: the
 * frame whose script tries window.parent.document, document.cookie and
 * top.location runs (it writes what it could do into its own title)
 * but reaches nothing: the page's title, location and globals stay as
 * they were; the cookie is not readable in the frame; no dialog opens
 * (the SVG with <script> is only an <img>); the JavaScript output ran
 * in its frame; notebook.js sized the frames from their messages.
 * Prints one "ok N - description" or "FAIL N - description" line per
 * check and ends with "N passed, N failed".
 */
"use strict";

const fs = require("fs");
const path = require("path");
const url = require("url");

const httpUrl = process.argv[2] || "";
const file = path.resolve(process.argv[3] || "");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 15000;

let n = 0, passed = 0, failed = 0;

function ok(desc) {
	n++;
	passed++;
	console.log("ok " + n + " - " + desc);
}

function fail(desc, why) {
	n++;
	failed++;
	console.log("FAIL " + n + " - " + desc);
	if (why)
		String(why).split("\n").slice(0, 6).forEach(function (l) {
			console.log("    " + l);
		});
}

function done() {
	console.log(passed + " passed, " + failed + " failed");
	process.exit(failed ? 1 : 0);
}

async function check(desc, fn) {
	try {
		const r = await fn();
		if (typeof r === "string")
			fail(desc, r);
		else
			ok(desc);
	} catch (e) {
		fail(desc, e && e.message ? e.message : e);
	}
}

let chromium;
try {
	chromium = require("playwright-core").chromium;
} catch (e) {
	fail("playwright-core", "not installed in tests/browser (tests/deps-test.sh)");
	done();
}
if (!fs.existsSync(CHROMIUM)) {
	fail("chromium", CHROMIUM + " not found (tests/deps-test.sh)");
	done();
}
if (!fs.existsSync(file)) {
	fail("page", file + " does not exist");
	done();
}

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync"];

/* The frame holding element sel, once its scripts ran. */
async function frameWith(page, sel) {
	const t0 = Date.now();
	for (;;) {
		for (const f of page.frames()) {
			if (f === page.mainFrame())
				continue;
			try {
				if (await f.$(sel))
					return f;
			} catch (e) {
				/* detached while looking */
			}
		}
		if (Date.now() - t0 > TIMEOUT)
			throw new Error("no frame with " + sel);
		await new Promise(function (r) { setTimeout(r, 100); });
	}
}

async function run(browser, where, u, withCookie) {
	const ctx = await browser.newContext();
	if (withCookie)
		await ctx.addCookies([{name: "kbsecret", value: "s3cret",
		    url: u}]);
	const page = await ctx.newPage();
	const dialogs = [];
	page.on("dialog", function (d) {
		dialogs.push(d.message());
		d.dismiss().catch(function () {});
	});
	await page.goto(u, {waitUntil: "load", timeout: TIMEOUT});
	const title0 = await page.title();

	let hostile;
	await check(where + ": the hostile frame's script ran", async function () {
		hostile = await frameWith(page, "#frame-ok");
		await hostile.waitForFunction(function () {
			return document.title !== "";
		}, null, {timeout: TIMEOUT});
	});
	const said = hostile ? await hostile.evaluate(function () {
		return document.title;
	}) : "";
	await check(where + ": the frame cannot read the page's DOM", function () {
		if (said.indexOf("parent-blocked") < 0 || said.indexOf("title:") >= 0)
			return "frame said: " + said;
	});
	await check(where + ": the frame cannot read cookies", function () {
		if (said.indexOf("s3cret") >= 0 || said.indexOf("kbsecret") >= 0)
			return "frame said: " + said;
		if (said.indexOf("cookie-blocked") < 0)
			return "document.cookie did not throw: " + said;
	});
	/* Give top.location and the title change their chance. */
	await page.waitForTimeout(700);
	await check(where + ": the page's title is untouched", async function () {
		const t = await page.title();
		if (t !== title0 || t.indexOf("PWNED") >= 0)
			return "title " + JSON.stringify(t) + ", was " + JSON.stringify(title0);
	});
	await check(where + ": the page's location is untouched", function () {
		if (page.url() !== u)
			return "location " + page.url() + ", want " + u;
	});
	await check(where + ": no global of the page set from a frame", async function () {
		const v = await page.evaluate(function () {
			return typeof window.kbPwned;
		});
		if (v !== "undefined")
			return "window.kbPwned is " + v;
	});
	if (withCookie)
		await check(where + ": the page itself has its cookie (the check above means something)", async function () {
			const c = await page.evaluate(function () {
				return document.cookie;
			});
			if (c.indexOf("kbsecret=s3cret") < 0)
				return "page cookie: " + c;
		});
	await check(where + ": the JavaScript output ran in its frame", async function () {
		const f = await frameWith(page, "#output");
		await f.waitForFunction(function () {
			return document.getElementById("output").textContent === "js ran";
		}, null, {timeout: TIMEOUT});
	});
	await check(where + ": no dialog (the SVG's script never ran)", function () {
		if (dialogs.length)
			return "dialogs: " + dialogs.join(", ");
	});
	await check(where + ": no inline SVG and every frame sandboxed", async function () {
		const r = await page.evaluate(function () {
			var fs = document.querySelectorAll("iframe"), i, bad = [];
			for (i = 0; i < fs.length; i++)
				if (fs[i].getAttribute("sandbox") !== "allow-scripts")
					bad.push(fs[i].getAttribute("sandbox"));
			/* The run history chart is kbgen's own SVG: only the notebook counts. */
			return {svg: document.querySelectorAll(".nb svg").length,
			    frames: fs.length, bad: bad};
		});
		if (r.svg || r.bad.length || r.frames !== 2)
			return JSON.stringify(r);
	});
	await check(where + ": notebook.js sized the frames to their content", async function () {
		await page.waitForFunction(function () {
			var fs = document.querySelectorAll("iframe.nb-frame"), i;
			for (i = 0; i < fs.length; i++)
				if (!fs[i].style.height)
					return false;
			return fs.length > 0;
		}, null, {timeout: TIMEOUT});
		const hs = await page.$$eval("iframe.nb-frame", function (fs) {
			return fs.map(function (f) { return f.getBoundingClientRect().height; });
		});
		for (const h of hs)
			if (h < 40 || h > 1210 || h === 300)
				return "heights " + hs.join(", ");
	});
	await check(where + ": the images load", async function () {
		const bad = await page.$$eval(".nb-image img", function (is) {
			return is.filter(function (i) {
				return !i.complete || i.naturalWidth === 0;
			}).map(function (i) { return i.src.slice(0, 60); });
		});
		if (bad.length)
			return "not loaded: " + bad.join(", ");
	});
	await ctx.close();
}

(async function () {
	let browser;
	try {
		browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
	} catch (e) {
		fail("chromium starts", e.message);
		done();
	}
	try {
		await run(browser, "http", httpUrl, true);
		await run(browser, "file", url.pathToFileURL(file).href, false);
	} catch (e) {
		fail("browser run", e && e.stack ? e.stack : e);
	}
	await browser.close();
	done();
})();
