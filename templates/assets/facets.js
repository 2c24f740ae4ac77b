/*
 * facets.js: client-side filtering of the catalogue.
 *
 * Reads the facets of every use case from its data-facets attribute
 * ("technology:cnn field:high-energy-physics tool:keras kind:tutorial"),
 * so it needs no network and works from file://.  Ticked terms combine
 * with OR inside a group and with AND across groups.  The selection lives
 * in the query string (?technology=cnn,lstm&field=...), kept up to date
 * with history.replaceState and read back on load (other parameters, as
 * gallery.js's view, are kept).  Without this script
 * the catalogue lists every use case and each term links to its page.
 */
(function () {
	"use strict";

	var form = document.getElementById("kb_facets");
	var list = document.getElementById("kb_usecases");
	if (!form || !list)
		return;
	document.documentElement.classList.add("js");

	var countEl = document.getElementById("kb_result_count");
	var noneEl = document.getElementById("kb_no_results");
	var clearBtn = document.getElementById("kb_facets_clear");
	var ticked = document.getElementById("kb_filters_n");
	var cards = Array.prototype.slice.call(list.querySelectorAll("[data-facets]"));
	var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));

	/* One set (an object used as a set) of "group:slug" per card. */
	var facets = cards.map(function (card) {
		var set = {};
		(card.getAttribute("data-facets") || "").split(/\s+/).forEach(function (f) {
			if (f)
				set[f] = true;
		});
		return set;
	});

	/* The groups in the order of the form, for a stable query string. */
	var groups = [];
	boxes.forEach(function (b) {
		if (groups.indexOf(b.name) < 0)
			groups.push(b.name);
	});

	function selection() {
		var sel = {};
		boxes.forEach(function (b) {
			if (b.checked)
				(sel[b.name] = sel[b.name] || []).push(b.value);
		});
		return sel;
	}

	/* Does card i match every selected group, except the group skip? */
	function matches(i, sel, skip) {
		for (var g in sel) {
			if (g === skip || !Object.prototype.hasOwnProperty.call(sel, g))
				continue;
			var vals = sel[g], ok = false;
			for (var j = 0; j < vals.length && !ok; j++)
				ok = facets[i][g + ":" + vals[j]] === true;
			if (!ok)
				return false;
		}
		return true;
	}

	function plural(n) {
		return n + (n === 1 ? " use case" : " use cases");
	}

	function writeQuery(sel) {
		/* What is not a filter (gallery.js's view) stays. */
		var parts = location.search.replace(/^\?/, "").split("&").filter(function (p) {
			return p && groups.indexOf(decodeParam(p.split("=")[0])) < 0;
		});
		groups.forEach(function (g) {
			if (sel[g])
				parts.push(encodeURIComponent(g) + "=" +
				    sel[g].map(encodeURIComponent).join(","));
		});
		var url = location.pathname + (parts.length ? "?" + parts.join("&") : "") +
		    location.hash;
		try {
			history.replaceState(history.state, "", url);
		} catch (e) {
			/* Some browsers refuse to rewrite file:// URLs: filter anyway. */
		}
	}

	function readQuery() {
		var wanted = {};
		location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
			if (!pair)
				return;
			var eq = pair.indexOf("=");
			var key = decodeParam(eq < 0 ? pair : pair.slice(0, eq));
			var val = eq < 0 ? "" : pair.slice(eq + 1);
			val.split(",").forEach(function (v) {
				v = decodeParam(v);
				if (v)
					wanted[key + ":" + v] = true;
			});
		});
		boxes.forEach(function (b) {
			b.checked = wanted[b.name + ":" + b.value] === true;
		});
	}

	function decodeParam(s) {
		try {
			return decodeURIComponent(s.replace(/\+/g, " "));
		} catch (e) {
			return "";
		}
	}

	function update(save) {
		var sel = selection();
		var active = Object.keys(sel).length > 0;
		var shown = 0;

		cards.forEach(function (card, i) {
			var ok = matches(i, sel, null);
			card.hidden = !ok;
			if (ok)
				shown++;
		});

		/*
		 * A term's count is how many use cases it would show, given the
		 * selection in the other groups (within its own group, terms are
		 * alternatives).
		 */
		boxes.forEach(function (b) {
			var key = b.name + ":" + b.value, n = 0;
			for (var i = 0; i < cards.length; i++)
				if (facets[i][key] && matches(i, sel, b.name))
					n++;
			var item = b.closest(".facet-term");
			var out = item && item.querySelector("[data-count]");
			if (out)
				out.textContent = String(n);
			if (item)
				item.classList.toggle("facet-zero", n === 0 && !b.checked);
		});

		if (countEl)
			countEl.textContent = active ?
			    shown + " of " + plural(cards.length) :
			    plural(cards.length);
		if (noneEl)
			noneEl.hidden = shown > 0 || cards.length === 0;
		if (clearBtn)
			clearBtn.disabled = !active;
		/* The phone's Filters button says how many terms are ticked. */
		if (ticked) {
			var n = 0;
			boxes.forEach(function (b) {
				if (b.checked)
					n++;
			});
			ticked.textContent = n ? " (" + n + ")" : "";
		}
		if (save)
			writeQuery(sel);
	}

	form.addEventListener("change", function () {
		update(true);
	});
	form.addEventListener("submit", function (e) {
		e.preventDefault();
	});
	if (clearBtn)
		clearBtn.addEventListener("click", function () {
			boxes.forEach(function (b) {
				b.checked = false;
			});
			update(true);
			var first = boxes[0];
			if (first)
				first.focus();
		});

	/* Back/forward cache: the query string is the truth, not the form. */
	window.addEventListener("pageshow", function (e) {
		if (e.persisted) {
			readQuery();
			update(false);
		}
	});
	readQuery();
	update(false);
})();
