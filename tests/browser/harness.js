/*
 * What the browser tests share: the result lines ("ok N - description",
 * "FAIL N - description" with up to six indented lines of why, and a
 * last "N passed, N failed"), check(), Chromium's path ($CHROMIUM,
 * default /usr/bin/chromium) and flags, and playwright-core's chromium,
 * or a FAIL line saying what to install.
 */
"use strict";

const fs = require("fs");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync"];
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

/* check(desc, async fn): fn throws (or returns a string) to fail. */
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

/* playwright-core's chromium, once Chromium is there; else done(). */
function chromium() {
	let c;
	try {
		c = require("playwright-core").chromium;
	} catch (e) {
		fail("playwright-core", "playwright-core is not installed in tests/browser: run tests/deps-test.sh (npm ci in tests/browser)");
		done();
	}
	if (!fs.existsSync(CHROMIUM)) {
		fail("chromium", CHROMIUM + " not found: run tests/deps-test.sh (apt-get install chromium)");
		done();
	}
	return c;
}

module.exports = {CHROMIUM, FLAGS, TIMEOUT, ok, fail, done, check, chromium};
