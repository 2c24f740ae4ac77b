/*
 * gallery.js: a gallery view of use-case lists (thumbnail, title,
 * badge) beside the list, on the catalogue, term, matrix-cell and
 * hackathon pages.
 *
 * The buttons of .view-switch ([data-view="list"], [data-view="gallery"])
 * set the class "gallery" on every [data-views] list of the page; the
 * choice lives in the query string (?view=gallery), kept with
 * history.replaceState beside what other scripts keep there (the
 * catalogue's filters), and read back on load, so a reload or a shared
 * link shows the same view.  Without this script the list shows.
 */
(function () {
	"use strict";

	var lists = document.querySelectorAll("[data-views]");
	var buttons = document.querySelectorAll(".view-switch [data-view]");
	if (!lists.length || !buttons.length)
		return;
	document.documentElement.classList.add("js");

	/* The query string's pairs, less "view". */
	function others() {
		return location.search.replace(/^\?/, "").split("&").filter(function (p) {
			return p && p.split("=")[0] !== "view";
		});
	}

	function current() {
		var m = /(?:^|[?&])view=([^&]*)/.exec(location.search);
		return m && m[1] === "gallery" ? "gallery" : "list";
	}

	function show(view) {
		Array.prototype.forEach.call(lists, function (l) {
			l.classList.toggle("gallery", view === "gallery");
		});
		Array.prototype.forEach.call(buttons, function (b) {
			b.setAttribute("aria-pressed",
			    String(b.getAttribute("data-view") === view));
		});
	}

	function save(view) {
		var q = others();
		if (view === "gallery")
			q.push("view=gallery");
		try {
			history.replaceState(history.state, "", location.pathname +
			    (q.length ? "?" + q.join("&") : "") + location.hash);
		} catch (e) {
			/* Some browsers refuse to rewrite file:// URLs. */
		}
	}

	Array.prototype.forEach.call(buttons, function (b) {
		b.addEventListener("click", function () {
			var view = b.getAttribute("data-view");
			save(view);
			show(view);
		});
	});
	window.addEventListener("pageshow", function () {
		show(current());
	});
	show(current());
})();
