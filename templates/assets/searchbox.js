/*
 * searchbox.js: search from any page.  The header's box (#kb_site_q in
 * #kb_site_search, base.mustache) as an ARIA 1.2 combobox: role=combobox
 * on the input, a listbox #kb_site_list under it that it controls, the
 * chosen option as aria-activedescendant (the focus stays in the input).
 * As one types, the first results show there (title, and where the
 * result sits: "Catalogue › Medical Physics"), then one option for the
 * search page.  ArrowDown/ArrowUp move through them (past either end,
 * back to none), Enter opens the chosen one or, with none chosen, the
 * search page with the query and the catalogue's ticked filters, Escape
 * and leaving the box close the list.
 *
 * The results come from search.js (loaded before this file, defer):
 * kbSearch.top(q, n), kbSearch.start() and kbSearch.el.  Without them (search.js
 * missing), or without JavaScript, the box is the plain GET form to the
 * search page.  The search page does not load this file: it has its own
 * box.  Text reaches the page only through textContent.
 */
(function () {
	"use strict";

	var api = window.kbSearch;
	if (!api || !api.top)
		return;
	var el = api.el;	/* el(tag, class, text): a new element */

	var sf = document.getElementById("kb_site_search");
	var input = document.getElementById("kb_site_q");
	if (!sf || !input)
		return;
	var SHOW = 6;	/* results listed */
	var lb = el("ul", "site-search-list");
	var status = el("p", "visually-hidden");
	var opts = [], sel = -1, my = 0, lastQ = null;

	lb.id = "kb_site_list";
	lb.setAttribute("role", "listbox");
	lb.setAttribute("aria-label", "Search results");
	lb.hidden = true;
	status.setAttribute("aria-live", "polite");
	sf.appendChild(lb);
	sf.appendChild(status);
	sf.classList.add("site-search-live");
	input.setAttribute("role", "combobox");
	input.setAttribute("aria-autocomplete", "list");
	input.setAttribute("aria-expanded", "false");
	input.setAttribute("aria-controls", lb.id);

	function choose(i) {
		if (sel >= 0 && opts[sel])
			opts[sel].setAttribute("aria-selected", "false");
		sel = i >= 0 && i < opts.length ? i : -1;
		if (sel >= 0) {
			opts[sel].setAttribute("aria-selected", "true");
			input.setAttribute("aria-activedescendant", opts[sel].id);
			if (opts[sel].scrollIntoView)
				opts[sel].scrollIntoView({block: "nearest"});
		} else
			input.removeAttribute("aria-activedescendant");
	}

	function open(on) {
		lb.hidden = !on || !lb.firstChild;
		input.setAttribute("aria-expanded", lb.hidden ? "false" : "true");
		if (lb.hidden)
			choose(-1);
	}

	/* The search page's URL for the query, with the catalogue's
	 * ticked filters (facets.js: name = dimension, label = term). */
	function searchURL() {
		var parts = [], q = input.value.trim();
		if (q)
			parts.push("q=" + encodeURIComponent(q).replace(/%20/g, "+"));
		var bs = document.querySelectorAll(
		    "#kb_facets input[type=checkbox]:checked");
		for (var i = 0; i < bs.length; i++) {
			var lab = document.querySelector("label[for=\"" +
			    bs[i].id + "\"] .facet-name");
			if (lab)
				parts.push(encodeURIComponent(bs[i].name) + "=" +
				    encodeURIComponent(lab.textContent.trim())
				    .replace(/%20/g, "+"));
		}
		/* The form's action: the search page, from this page. */
		return sf.getAttribute("action") +
		    (parts.length ? "?" + parts.join("&") : "");
	}

	function option(i, href, title, place) {
		var li = el("li", "site-search-item");
		li.id = "kb_site_opt_" + i;
		li.setAttribute("role", "option");
		li.setAttribute("aria-selected", "false");
		li.setAttribute("data-href", href);
		li.appendChild(el("span", "site-search-title", title));
		if (place)
			li.appendChild(el("span", "site-search-where", place));
		/* A click opens it; the input keeps the focus. */
		li.addEventListener("mousedown", function (e) {
			e.preventDefault();
		});
		li.addEventListener("click", function () {
			location.href = href;
		});
		return li;
	}

	function show() {
		var q = input.value, n = ++my;
		if (q === lastQ && lb.firstChild) {
			open(true);
			return;
		}
		if (!/[0-9\p{L}]/u.test(q)) {
			/* No word yet: nothing to list. */
			lb.textContent = "";
			opts = [];
			lastQ = q;
			open(false);
			return;
		}
		api.top(q, SHOW).then(function (r) {
			if (n !== my)
				return;
			lb.textContent = "";
			opts = [];
			sel = -1;
			input.removeAttribute("aria-activedescendant");
			r.items.forEach(function (it) {
				opts.push(option(opts.length, it.href, it.title,
				    it.where));
			});
			var all = option(opts.length, searchURL(), r.total ?
			    "All " + r.total + " results for \u201c" + q.trim() +
			    "\u201d" : "No results for \u201c" + q.trim() +
			    "\u201d: search page", "");
			all.classList.add("site-search-all");
			opts.push(all);
			opts.forEach(function (o) {
				lb.appendChild(o);
			});
			lastQ = q;
			status.textContent = r.total === 1 ? "1 result" :
			    r.total + " results";
			open(document.activeElement === input);
			lb.setAttribute("data-query", q);
		});
	}

	input.addEventListener("focus", function () {
		api.start();
	});
	input.addEventListener("input", show);
	input.addEventListener("keydown", function (e) {
		if (e.isComposing)
			return;
		if (e.key === "ArrowDown" || e.key === "ArrowUp") {
			e.preventDefault();
			if (lb.hidden) {
				if (input.value.trim())
					show();
				return;
			}
			var d = e.key === "ArrowDown" ? 1 : -1;
			/* Past either end: back to the input. */
			choose(sel < 0 ? (d > 0 ? 0 : opts.length - 1) :
			    sel + d >= opts.length ? -1 : sel + d);
		} else if (e.key === "Enter") {
			e.preventDefault();
			location.href = !lb.hidden && sel >= 0 ?
			    opts[sel].getAttribute("data-href") : searchURL();
		} else if (e.key === "Escape") {
			if (!lb.hidden) {
				e.preventDefault();
				open(false);
			}
		}
	});
	input.addEventListener("blur", function () {
		open(false);
	});
	sf.addEventListener("submit", function (e) {
		e.preventDefault();
		location.href = searchURL();
	});
})();
