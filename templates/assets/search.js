/*
 * search.js: full-text search with facets, from file:// as well as http.
 *
 * Loaded by every page (base.mustache; "/" focuses the search box).  It
 * reads the index that kbgen writes below search/ (see
 * templates/SEARCH.md, the format contract).  On the search page
 * (search/index.html, which holds #kb_search) it answers as the reader
 * types, shows facet counts for the current query, and keeps the query
 * and the ticked facets in the URL.  On the other pages the header's box
 * (#kb_site_q) gets its first results from here (kbSearch.top), and
 * searchbox.js shows them under it as one types.  The index loads only
 * once the box is used.
 *
 * Index files are scripts that call kbSearch.load(NAME, DATA): <script>
 * elements load from file:// where fetch does not.  A file that fails to
 * load (a missing dictionary shard) means "no such word".
 *
 * Text from the index reaches the page only through textContent and text
 * nodes, never as HTML.  Without JavaScript the search page says where to
 * browse instead (the catalogue and the term pages).
 */
(function () {
	"use strict";

	var ALPHABET =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	var PAGE = 10;		/* results shown per "more" */
	var PREFIX_MAX = 10;	/* prefix forms tried for the last word */
	var PREFIX_MIN = 3;	/* and only once it has this many characters */
	var F_EXACT = 1.0, F_STEM = 0.6, F_PREFIX = 0.4;

	var script = document.currentScript;
	var root = script ? script.getAttribute("data-root") : null;
	if (root === null && script)
		root = script.getAttribute("src").replace(/assets\/search\.js.*$/, "");
	root = root || "";

	var ui = document.getElementById("kb_search");
	if (ui)
		document.documentElement.classList.add("js");

	/* ------------------------------------------------------------------ */
	/* Loading index files. */

	var pending = {};	/* NAME -> {promise, resolve} */

	window.kbSearch = {
		load: function (name, data) {
			var p = pending[name];
			if (p && !p.done) {
				p.done = true;
				p.resolve(data);
			}
		}
	};

	/* get(NAME): a promise of the DATA of search/NAME.js, null if none. */
	function get(name) {
		var p = pending[name];
		if (p)
			return p.promise;
		p = pending[name] = {done: false};
		p.promise = new Promise(function (resolve) {
			p.resolve = resolve;
		});
		var s = document.createElement("script");
		s.src = root + "search/" + name + ".js";
		s.async = true;
		s.onload = s.onerror = function () {
			/* Loaded but did not call load(NAME): as good as missing. */
			if (!p.done) {
				p.done = true;
				p.resolve(null);
			}
			if (s.parentNode)
				s.parentNode.removeChild(s);
		};
		document.head.appendChild(s);
		return p.promise;
	}

	/* ------------------------------------------------------------------ */
	/* Numbers and text, as search.c writes them. */

	var DIGIT = new Int8Array(128).fill(-1);
	for (var i = 0; i < 64; i++)
		DIGIT[ALPHABET.charCodeAt(i)] = i;

	/*
	 * The codes of a bit string (SEARCH.md: 6 bits a character, most
	 * significant first; Exp-Golomb codes of order k), as an
	 * Int32Array.  The format gives each code its order: "p" postings
	 * (n, kd + 1, then pairs: id gap of order kd, weight), "q" positions
	 * (kp + 1, then per document: count, that many positions of order
	 * kp), "i" an id list (mode + 1, count + 1, k + 1, then ids of order
	 * k, each followed by a run length in mode 1).  One loop, no calls:
	 * it decodes tens of thousands of codes per query word.
	 */
	function unpack(s, fmt) {
		var n = s.length, i = 0, buf = 0, nb = 0, m = 0, out = new Int32Array(6 * n + 8);
		var k = 0, kk = 0, rem = 0, z, lz, c, t, q, e;
		for (;;) {
			/* The order of this code. */
			if (fmt === "p") {
				/* n, kd + 1, n (gap, weight) pairs, then the
				 * own count + 1 and the own places' gaps. */
				e = 2 + 2 * out[0];
				k = m < 2 || m >= e ? 0 : (m & 1) ? 0 : kk;
				if (m > e && m === e + out[e])
					break;
			} else if (fmt === "q") {
				if (m === 0)
					k = 0;
				else if (rem === 0)
					k = 0;
				else
					k = kk;
			} else {
				k = m < 3 ? 0 : out[0] === 2 && !((m - 3) & 1) ? kk :
				    out[0] === 2 ? 0 : kk;
				if (m >= 3 && m === 3 + (out[1] - 1) * out[0])
					break;
			}
			while (nb <= 24) {
				buf = (buf << 6) | (i < n ? DIGIT[s.charCodeAt(i)] & 63 : 0);
				i++;
				nb += 6;
			}
			lz = Math.clz32(buf) - 32 + nb;
			c = 2 * lz + 1 + k;
			if (lz < nb && c <= nb) {
				/* The usual case: the whole code is in buf; read
				 * as one number it is (q << k) + the low bits. */
				nb -= c;
				q = (buf >>> nb) - (1 << k) + 1;
				buf &= (1 << nb) - 1;
			} else {
				/* The zero bits, then as many more and the leading one. */
				z = 0;
				for (;;) {
					while (nb <= 24) {
						buf = (buf << 6) | (i < n ? DIGIT[s.charCodeAt(i)] & 63 : 0);
						i++;
						nb += 6;
					}
					lz = Math.clz32(buf) - 32 + nb;
					if (lz < nb)
						break;
					z += nb;
					nb = 0;
					if (i > n)
						return out.subarray(0, m);
				}
				z += lz;
				nb -= lz;
				for (c = z + 1, q = 0; c > 0; c -= t) {
					while (nb <= 24) {
						buf = (buf << 6) | (i < n ? DIGIT[s.charCodeAt(i)] & 63 : 0);
						i++;
						nb += 6;
					}
					t = c < 24 ? c : 24;
					nb -= t;
					q = q * (1 << t) + (buf >>> nb);
					buf &= (1 << nb) - 1;
				}
				if (k) {
					while (nb <= 24) {
						buf = (buf << 6) | (i < n ? DIGIT[s.charCodeAt(i)] & 63 : 0);
						i++;
						nb += 6;
					}
					nb -= k;
					q = (q - 1) * (1 << k) + (buf >>> nb) + 1;
					buf &= (1 << nb) - 1;
				}
			}
			if (i > n + 5)
				break;	/* past the end: a truncated string */
			out[m++] = q;
			/* Orders read from the headers; position counts. */
			if (fmt === "p" && m === 2)
				kk = q - 1;
			else if (fmt === "q") {
				if (m === 1)
					kk = q - 1;
				else if (rem === 0)
					rem = q;
				else
					rem--;
			} else if (fmt === "i" && m === 3)
				kk = q - 1;
		}
		return out.subarray(0, m);
	}

	/* A facet id list (SEARCH.md) as a sorted Int32Array. */
	function idlist(s) {
		var v = unpack(s, "i"), mode = v[0] - 1, out = [], id = -1;
		for (var j = 3; j < v.length; j++) {
			id += v[j];
			if (mode === 1)
				for (var len = v[++j], r = 1; r < len; r++)
					out.push(id++);
			out.push(id);
		}
		return Int32Array.from(out);
	}

	function fold(s) {
		return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
	}

	/* Query words: {w: folded token, pos: its position in the query}. */
	function tokens(q) {
		var out = [], m, re = /[0-9\p{L}]+/gu, f = fold(q), n = 0;
		while ((m = re.exec(f)) !== null)
			out.push({w: m[0], pos: n++});
		return out;
	}

	/* The dictionary shard key of a folded form. */
	function shardKey(form) {
		var cs = Array.from(form).slice(0, 2), k = "";
		cs.forEach(function (c) {
			k += /^[a-z0-9]$/.test(c) ? c :
			    "_" + c.codePointAt(0).toString(16);
		});
		return k;
	}

	/* ------------------------------------------------------------------ */
	/* The index in memory. */

	var meta = null;	/* search/meta.js */
	var shardOk = {};	/* dictionary shards that exist */
	var dicts = {};		/* shard key -> promise of entries */
	var postings = {};	/* form -> decoded postings */
	var facets = [];	/* {key, label, values: [{name, ids}]} */

	function dict(key) {
		if (!shardOk[key])
			return Promise.resolve([]);
		if (!dicts[key])
			dicts[key] = get("d/" + key).then(function (d) {
				return Array.isArray(d) ? d : [];
			});
		return dicts[key];
	}

	/*
	 * The postings of a form (a shard entry), decoded once: the
	 * matching documents docs[k], their weights[k] and own[k] (1 when
	 * the form is in the document's title or terms); with positions
	 * (wanted for queries of several words), also, per document k,
	 * pos[pstart[k]..pstart[k+1]).  The entry holds the numbers of its
	 * packs (p/N.js, q/M.js), or the two strings themselves.
	 */
	function postingsOf(entry, withPos) {
		var form = entry[0], P = postings[form];
		if (P && (P.pos || !withPos))
			return Promise.resolve(P);
		var inline = typeof entry[3] === "string";
		var pp = P ? Promise.resolve(null) : inline ?
		    Promise.resolve(entry[3]) : get("p/" + entry[3]).then(member);
		var qp = !withPos ? Promise.resolve(null) : inline ?
		    Promise.resolve(entry[4]) : get("q/" + entry[4]).then(member);
		function member(pack) {
			return pack && Object.prototype.hasOwnProperty.call(pack, form) ?
			    pack[form] : "";
		}
		return Promise.all([pp, qp]).then(function (sq) {
			P = postings[form];
			if (!P) {
				var v = unpack(sq[0] || "", "p"), n = v.length > 0 ? v[0] : 0;
				var doc = -1, at = -1, e = 2 + 2 * n;
				if (v.length < e + 1 || v.length !== e + v[e])
					n = 0;	/* truncated: no postings */
				P = {docs: new Int32Array(n > 0 ? n : 0),
				    weights: new Int32Array(n > 0 ? n : 0),
				    own: new Uint8Array(n > 0 ? n : 0),
				    pstart: null, pos: null};
				for (var k = 0; k < n; k++) {
					doc += v[2 + 2 * k];
					P.docs[k] = doc;
					P.weights[k] = v[3 + 2 * k];
				}
				/* Where the form is in the document's own words. */
				for (var o = e + 1; n > 0 && o < v.length; o++) {
					at += v[o];
					if (at < n)
						P.own[at] = 1;
				}
				postings[form] = P;
			}
			if (withPos && !P.pos)
				positions(P, sq[1] || "");
			return P;
		});
	}

	/* Decode the positions string of postings P. */
	function positions(P, s) {
		var v = unpack(s, "q"), m = P.docs.length, i = 1, np = 0;
		var pstart = new Int32Array(m + 1), pos = new Int32Array(v.length);
		for (var k = 0; k < m; k++) {
			pstart[k] = np;
			for (var n = v[i++] | 0, acc = -1, j = 0; j < n; j++)
				pos[np++] = acc += v[i++];
		}
		pstart[m] = np;
		P.pstart = pstart;
		P.pos = pos.subarray(0, np);
	}

	/* Binary search of a sorted dictionary shard: first index with form >= w. */
	function lowerBound(d, w) {
		var lo = 0, hi = d.length;
		while (lo < hi) {
			var mid = (lo + hi) >> 1;
			if (d[mid][0] < w)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo;
	}

	/*
	 * A shard entry's stem in language l of the index (meta.langs; one
	 * language when it has none): e[1] is one stem for every language
	 * or a list of one each, "" standing for the form itself.  No
	 * allocation: it runs for every entry of a shard.
	 */
	function stemAt(e, l) {
		var s = typeof e[1] === "string" ? e[1] : e[1][l];
		return s || e[0];
	}

	/*
	 * The forms that match query word w, each with its factor:
	 * the form itself, the forms that share one of its stems (a stem
	 * per language of the index: the query is matched in each), and
	 * (for the word being typed) the most frequent forms it begins.
	 */
	function matchWord(w, typing) {
		return dict(shardKey(w)).then(function (d) {
			var found = {}, out = [];
			function add(e, f) {
				if (!found[e[0]] || found[e[0]].f < f) {
					if (!found[e[0]]) {
						found[e[0]] = {e: e, f: f};
						out.push(found[e[0]]);
					} else
						found[e[0]].f = f;
				}
			}
			var at = lowerBound(d, w), stems = [], l, L;
			var exact = at < d.length && d[at][0] === w;
			L = meta.langs && meta.langs.length ? meta.langs.length : 1;
			if (exact) {
				add(d[at], F_EXACT);
				for (l = 0; l < L; l++)
					stems.push(stemAt(d[at], l));
			} else {
				/* Per language, the longest stem that w extends
				 * by at most 6. */
				for (l = 0; l < L; l++)
					stems.push("");
				d.forEach(function (e) {
					for (var l = 0; l < L; l++) {
						var s = stemAt(e, l);
						if (s.length >= 4 && s.length > stems[l].length &&
						    w.length - s.length <= 6 &&
						    w.lastIndexOf(s, 0) === 0)
							stems[l] = s;
					}
				});
			}
			d.forEach(function (e) {
				for (var l = 0; l < L; l++)
					if (stems[l] && stemAt(e, l) === stems[l]) {
						add(e, F_STEM);
						return;
					}
			});
			/*
			 * A word that is a form of the dictionary is taken as typed
			 * in full (its stem brings its inflections): no prefixes.
			 */
			if (typing && !exact && Array.from(w).length >= PREFIX_MIN) {
				var pre = [];
				for (var k = at; k < d.length && d[k][0].lastIndexOf(w, 0) === 0; k++)
					if (d[k][0] !== w)
						pre.push(d[k]);
				pre.sort(function (a, b) { return b[2] - a[2]; });
				pre.slice(0, PREFIX_MAX).forEach(function (e) {
					add(e, F_PREFIX);
				});
			}
			return out;
		});
	}

	/* ------------------------------------------------------------------ */
	/* Queries. */

	/*
	 * Run query q: a promise of null for an empty query, else of
	 * {ids: matching documents (unsorted), cmp: their order, every: how
	 * many match every word, nwords: words that match anything, forms:
	 * set of the matched forms (to highlight)}.
	 */
	function runQuery(q) {
		var words = tokens(q);
		if (!words.length)
			return Promise.resolve(null);
		var typing = !/[\s\p{P}]$/u.test(q);
		/* Each word's postings load as soon as its shard is in. */
		var ms = [];
		return Promise.all(words.map(function (t, i) {
			return matchWord(t.w, typing && i === words.length - 1)
			    .then(function (m) {
				ms[i] = m;
				/* Positions serve nearness only: several words,
				 * forms matched exactly or by stem. */
				return Promise.all(m.map(function (x) {
					return postingsOf(x.e, words.length > 1 &&
					    x.f > F_PREFIX);
				}));
			});
		})).then(function (ps) {
			return score(words, ms, ps);
		});
	}

	/*
	 * Rank: documents that match more query words first, then those
	 * that have more of them in their own words (title, terms: a
	 * technology outranks a mention in the text), then by score.
	 * Per word, a document scores with its best matching form (factor x
	 * saturated weight x idf); a word found right after the previous query word
	 * (at the same distance as in the query) doubles the score, within
	 * 2 more positions multiplies it by 1.5.
	 */
	function score(words, ms, ps) {
		var D = meta.docs, forms = {}, per = [];
		for (var i = 0; i < words.length; i++) {
			if (!ms[i].length)
				continue;	/* a stop word, or a word no page has */
			var best = new Float64Array(D), own = new Uint8Array(D);
			var bestP = new Array(D), bestK = new Int32Array(D);
			/*
			 * One idf for the word and its stem's forms, from the most
			 * frequent of them: a rarer inflection ("hackathons") must
			 * not outweigh the word itself ("hackathon").
			 */
			var df = 0;
			ms[i].forEach(function (x) {
				if (x.f > F_PREFIX && x.e[2] > df)
					df = x.e[2];
			});
			for (var j = 0; j < ms[i].length; j++) {
				var x = ms[i][j], p = ps[i][j];
				var f = x.f * Math.log(1 + D / Math.max(1,
				    x.f > F_PREFIX ? df : x.e[2]));
				forms[x.e[0]] = true;
				for (var k = 0; k < p.docs.length; k++) {
					var d = p.docs[k], sc = f * sat(p.weights[k]);
					own[d] |= p.own[k];
					if (sc > best[d]) {
						best[d] = sc;
						bestP[d] = p;
						bestK[d] = k;
					}
				}
			}
			per.push({best: best, own: own, p: bestP, k: bestK,
			    qpos: words[i].pos});
		}
		var n = new Uint8Array(D), nown = new Uint8Array(D);
		var total = new Float64Array(D);
		var last = new Int32Array(D).fill(-1);
		for (var wi = 0; wi < per.length; wi++) {
			var pw = per[wi], prev = wi > 0 ? per[wi - 1] : null;
			for (var d2 = 0; d2 < D; d2++) {
				if (!(pw.best[d2] > 0))
					continue;
				n[d2]++;
				nown[d2] += pw.own[d2];
				total[d2] += pw.best[d2];
				if (prev && last[d2] === wi - 1)
					total[d2] *= nearness(prev.p[d2], prev.k[d2],
					    pw.p[d2], pw.k[d2], pw.qpos - prev.qpos);
				last[d2] = wi;
			}
		}
		var ids = [], every = 0;
		for (var d3 = 0; d3 < D; d3++)
			if (n[d3]) {
				ids.push(d3);
				if (n[d3] === per.length)
					every++;
			}
		/* Unsorted: the page sorts only what it shows (see ranks()). */
		return {ids: ids, every: every, forms: forms, nwords: per.length,
		    cmp: function (a, b) {
			return n[b] - n[a] || nown[b] - nown[a] ||
			    total[b] - total[a] || a - b;
		    }};
	}

	/*
	 * A document's weight for a form (the sum of its field weights,
	 * SEARCH.md), saturated as BM25 does its term frequency: a title
	 * (10) counts 5.5, ten more body mentions add 2.4, not 10.
	 */
	var K_SAT = 10;
	function sat(w) {
		return w * (K_SAT + 1) / (w + K_SAT);
	}

	/*
	 * 2 if a position of the second word (postings q, document k2) follows
	 * one of the first (p, k1) by gap, 1.5 if by at most gap + 2, else 1.
	 * Positions are sorted: one pass over both.
	 */
	function nearness(p, k1, q, k2, gap) {
		if (!p.pos || !q.pos)
			return 1;
		var a = p.pos, ai = p.pstart[k1], ae = p.pstart[k1 + 1];
		var b = q.pos, bi = q.pstart[k2], be = q.pstart[k2 + 1], r = 1;
		for (; bi < be; bi++) {
			var y = b[bi];
			while (ai < ae && a[ai] < y - gap - 2)
				ai++;
			for (var t = ai; t < ae && a[t] < y; t++) {
				if (y - a[t] === gap)
					return 2;
				r = 1.5;
			}
		}
		return r;
	}

	/* ------------------------------------------------------------------ */
	/* Results, on the search page and under the header's box. */

	var frags = {};		/* fragment number -> promise of list */
	var TYPES = {usecase: "Use case", person: "Person", hackathon: "Hackathon",
	    seminar: "Seminar", page: "Page"};
	/* The section page of each type, and its name when the menu has none. */
	var PLACES = {usecase: ["catalogue/index.html", "Catalogue"],
	    person: ["people/index.html", "People"],
	    hackathon: ["hackathons/index.html", "Hackathons"],
	    seminar: ["seminars/index.html", "Seminars"]};

	/*
	 * Where a result sits, for people: its section as the menu names it
	 * ("Catalogue", "People") and, for a use case, its first field
	 * ("Catalogue › Medical Physics"); a free page sits at the top, under
	 * the site's name.  df is docFacets(id).
	 */
	function where(df) {
		var p = PLACES[df.y], name = "", a, i;
		if (p) {
			name = p[1];
			a = document.querySelectorAll(".site-nav a");
			for (i = 0; i < a.length; i++)
				if (a[i].getAttribute("href") === root + p[0])
					name = a[i].textContent.trim();
		} else if ((a = document.querySelector(".site-title")) !== null)
			name = a.textContent.trim();
		return df.y === "usecase" && df.field ? name + " \u203a " +
		    df.field : name;
	}

	/* Load meta.js once: a promise of true when the index is there. */
	var started = null;
	function start() {
		if (!started)
			started = get("meta").then(function (m) {
				if (!m || typeof m.docs !== "number")
					return false;
				meta = m;
				(m.dict || []).forEach(function (k) {
					shardOk[k] = true;
				});
				buildFacets();
				return true;
			});
		return started;
	}

	/*
	 * The other pages: searchbox.js asks for the first results as the
	 * reader types in the header's box.  kbSearch.top(q, n): a promise
	 * of {q, total, items: [{href, title, where}]}, the n best first;
	 * kbSearch.start(): begin loading the index; kbSearch.el(tag,
	 * class, text): a new element with that text (never HTML).
	 */
	if (!ui) {
		window.kbSearch.start = start;
		window.kbSearch.el = el;
		window.kbSearch.top = function (q, n) {
			return start().then(function (ok) {
				return ok ? runQuery(q) : null;
			}).then(function (r) {
				if (!r)
					return {q: q, total: 0, items: []};
				var ids = r.ids.slice().sort(r.cmp).slice(0, n);
				return Promise.all(ids.map(fragment)).then(function (docs) {
					var items = [];
					docs.forEach(function (doc, i) {
						if (doc)
							items.push({href: root + doc.u,
							    title: doc.t || doc.u,
							    where: where(docFacets(ids[i]))});
					});
					return {q: q, total: r.ids.length, items: items};
				});
			});
		};
		return;
	}

	/* ------------------------------------------------------------------ */
	/* The search page. */

	var form = document.getElementById("kb_search_form");
	var box = document.getElementById("kb_q");
	var facetsEl = document.getElementById("kb_search_facets");
	var list = document.getElementById("kb_search_results");
	var countEl = document.getElementById("kb_search_count");
	var moreBtn = document.getElementById("kb_search_more");
	var clearBtn = document.getElementById("kb_search_clear");
	var siteForm = document.getElementById("kb_site_search");
	if (siteForm)
		siteForm.hidden = true;	/* the page has its own, larger box */

	var selected = {};	/* facet key -> {value name: true} */
	var seq = 0;		/* number of the latest query */
	var shown = 0;		/* results rendered */
	var ranked = [];	/* the current matches, filtered by the facets */
	var sortedAll = false;	/* ranked is sorted (see ranks()) */
	var current = null;	/* the current query result */
	var active = -1;	/* result chosen with the arrows */
	var urlTimer = 0;
	var renders = 0;	/* results rendered so far (data-render) */

	function fragment(id) {
		var n = Math.floor(id / meta.frag);
		if (!frags[n])
			frags[n] = get("f/" + n);
		return frags[n].then(function (l) {
			return l && l[id - n * meta.frag] || null;
		});
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	/* Append text to node, each word of a matched form in a <mark>. */
	function highlight(node, text, forms) {
		var re = /[0-9\p{L}\p{M}]+/gu, m, last = 0, any = false;
		while ((m = re.exec(text)) !== null) {
			if (!forms[fold(m[0])])
				continue;
			if (m.index > last)
				node.appendChild(document.createTextNode(
				    text.slice(last, m.index)));
			node.appendChild(el("mark", null, m[0]));
			last = m.index + m[0].length;
			any = true;
		}
		if (last < text.length)
			node.appendChild(document.createTextNode(text.slice(last)));
		return any;
	}

	/* About 220 characters of text around its first matched word. */
	function snippet(text, forms) {
		var re = /[0-9\p{L}\p{M}]+/gu, m, at = -1;
		while ((m = re.exec(text)) !== null)
			if (forms[fold(m[0])]) {
				at = m.index;
				break;
			}
		if (at < 0)
			return null;
		var start = Math.max(0, at - 80);
		if (start > 0) {
			var sp = text.indexOf(" ", start);
			start = sp >= 0 && sp < at ? sp + 1 : start;
		}
		var end = Math.min(text.length, start + 220);
		if (end < text.length) {
			var sp2 = text.lastIndexOf(" ", end);
			end = sp2 > at ? sp2 : end;
		}
		return (start > 0 ? "… " : "") + text.slice(start, end) +
		    (end < text.length ? " …" : "");
	}

	/* Whether the sorted Int32Array ids holds id. */
	function has(ids, id) {
		var lo = 0, hi = ids.length;
		while (lo < hi) {
			var mid = (lo + hi) >> 1;
			if (ids[mid] < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < ids.length && ids[lo] === id;
	}

	/*
	 * What meta.js's facets say of document id: its type (key and
	 * label), its own terms, the chips (technologies, fields, tools),
	 * and the first of its fields.
	 */
	function docFacets(id) {
		var out = {y: "", label: "", chips: [], field: ""};
		facets.forEach(function (f) {
			f.values.forEach(function (v) {
				if (!has(v.own, id))
					return;
				if (f.key === "type") {
					out.label = v.name;
					for (var k in TYPES)
						if (TYPES[k] === v.name)
							out.y = k;
				} else if (f.key === "technology" || f.key === "field" ||
				    f.key === "tool") {
					out.chips.push(v.name);
					if (f.key === "field" && !out.field)
						out.field = v.name;
				}
			});
		});
		return out;
	}

	function resultItem(id, doc, forms) {
		var li = el("li", "search-result");
		if (!doc) {
			li.appendChild(el("p", "empty", "(result " + id + " is missing from the index)"));
			return li;
		}
		var h = el("h3", "search-result-title");
		var a = el("a");
		a.href = root + doc.u;
		highlight(a, doc.t || doc.u, forms);
		h.appendChild(a);
		var df = docFacets(id);
		var meta_ = el("p", "search-result-meta");
		meta_.appendChild(el("span", "badge badge-type type-" + df.y, df.label));
		meta_.appendChild(el("span", "search-result-where", where(df)));
		li.appendChild(meta_);
		li.appendChild(h);
		if (doc.s) {
			var s = el("p", "search-result-summary");
			highlight(s, doc.s, forms);
			li.appendChild(s);
		}
		var snip = doc.x ? snippet(doc.x, forms) : null;
		if (snip === null && !doc.s && doc.x)
			snip = doc.x.slice(0, 220) + (doc.x.length > 220 ? " …" : "");
		if (snip !== null) {
			var x = el("p", "search-result-snippet");
			highlight(x, snip, forms);
			li.appendChild(x);
		}
		if (df.chips.length) {
			var ul = el("ul", "chips");
			df.chips.forEach(function (name) {
				var c = el("li");
				var span = el("span", "chip");
				highlight(span, name, forms);
				c.appendChild(span);
				ul.appendChild(c);
			});
			li.appendChild(ul);
		}
		return li;
	}

	/*
	 * Results [from, to) of the current query, best first.  The first
	 * page is picked from the unsorted matches in one pass; all of them
	 * are sorted only when the reader asks for more.
	 */
	function ranks(from, to) {
		var cmp = current && current.cmp;
		if (!cmp || sortedAll)
			return ranked.slice(from, to);
		if (from > 0) {
			ranked.sort(cmp);
			sortedAll = true;
			return ranked.slice(from, to);
		}
		var top = [];
		if (to <= 0)
			return top;
		for (var i = 0; i < ranked.length; i++) {
			var id = ranked[i];
			if (top.length === to && cmp(id, top[to - 1]) >= 0)
				continue;
			var j = top.length < to ? top.length : to - 1;
			while (j > 0 && cmp(id, top[j - 1]) < 0) {
				top[j] = top[j - 1];
				j--;
			}
			top[j] = id;
		}
		return top;
	}

	/* Render results [shown, shown+PAGE) of the current query. */
	function renderMore(my, replace) {
		var from = replace ? 0 : shown, to = Math.min(ranked.length, from + PAGE);
		var ids = ranks(from, to);
		var forms = current ? current.forms : {};
		return Promise.all(ids.map(fragment)).then(function (docs) {
			if (my !== seq)
				return false;
			var frag = document.createDocumentFragment();
			docs.forEach(function (doc, i) {
				frag.appendChild(resultItem(ids[i], doc, forms));
			});
			if (replace) {
				list.textContent = "";
				active = -1;
			}
			list.appendChild(frag);
			shown = to;
			if (moreBtn)
				moreBtn.hidden = shown >= ranked.length;
			return true;
		});
	}

	/* ------------------------------------------------------------------ */
	/* Facets. */

	function buildFacets() {
		facets = (meta.facets || []).map(function (f) {
			var values = (f.values || []).map(function (name, i) {
				var ids = idlist(f.ids[i] || "");
				return {name: name, ids: ids, own: ids};
			});
			/* A value holds its own documents and its descendants'. */
			var par = f.parents || [];
			if (par.length) {
				var own = values.map(function (v) {
					return v.ids;
				});
				values.forEach(function (v, i) {
					var mark = new Uint8Array(meta.docs), any = false;
					own.forEach(function (ids, j) {
						for (var a = j, hops = 0; a >= 0 && a !== i &&
						    hops < values.length; hops++)
							a = par[a] === undefined ? -1 : par[a];
						if (a !== i)
							return;
						any = any || j !== i;
						for (var t = 0; t < ids.length; t++)
							mark[ids[t]] = 1;
					});
					if (!any)
						return;
					var out = [];
					for (var d = 0; d < mark.length; d++)
						if (mark[d])
							out.push(d);
					v.ids = Int32Array.from(out);
				});
			}
			return {key: f.key, label: f.label, values: values};
		});
		if (!facetsEl)
			return;
		facetsEl.textContent = "";
		facets.forEach(function (f, fi) {
			var fs = el("fieldset", "facet-group");
			fs.setAttribute("data-facet", f.key);
			fs.appendChild(el("legend", null, f.label));
			var ul = el("ul", "facet-terms");
			f.values.forEach(function (v, vi) {
				var li = el("li", "facet-term");
				/* Shown by showCounts, with its count: a group
				 * that fills and then empties moves the page. */
				li.hidden = true;
				var cb = el("input");
				cb.type = "checkbox";
				cb.id = "kb_sf_" + fi + "_" + vi;
				cb.name = f.key;
				cb.value = v.name;
				var lab = el("label");
				lab.htmlFor = cb.id;
				lab.appendChild(el("span", "facet-name", v.name));
				lab.appendChild(document.createTextNode(" "));
				var c = el("span", "facet-count");
				lab.appendChild(c);
				li.appendChild(cb);
				li.appendChild(lab);
				ul.appendChild(li);
				v.box = cb;
				v.li = li;
				v.count = c;
			});
			fs.appendChild(ul);
			fs.hidden = true;
			f.el = fs;
			facetsEl.appendChild(fs);
		});
	}

	/* Per selected facet group, a byte per document: in any ticked value. */
	function groupMasks() {
		var D = meta.docs, masks = [];
		facets.forEach(function (f) {
			var sel = selected[f.key], m = null;
			if (sel && Object.keys(sel).length) {
				m = new Uint8Array(D);
				f.values.forEach(function (v) {
					if (sel[v.name])
						for (var i = 0; i < v.ids.length; i++)
							m[v.ids[i]] = 1;
				});
			}
			masks.push(m);
		});
		return masks;
	}

	/*
	 * Filter the matches by the ticked facets and count, for every facet
	 * value, the documents it would show given the query and the other
	 * groups (values of one group are alternatives: OR; groups: AND).
	 */
	function filterAndCount(matchIds) {
		var D = meta.docs, masks = groupMasks();
		var inq = new Uint8Array(D), nsat = new Uint8Array(D), nsel = 0;
		matchIds.forEach(function (id) {
			inq[id] = 1;
		});
		masks.forEach(function (m) {
			if (!m)
				return;
			nsel++;
			for (var i = 0; i < D; i++)
				nsat[i] += m[i];
		});
		facets.forEach(function (f, fi) {
			var own = masks[fi], need = own ? nsel - 1 : nsel;
			f.values.forEach(function (v) {
				var n = 0;
				for (var i = 0; i < v.ids.length; i++) {
					var d = v.ids[i];
					if (inq[d] && nsat[d] - (own ? own[d] : 0) === need)
						n++;
				}
				v.n = n;
			});
		});
		return matchIds.filter(function (id) {
			return nsat[id] === nsel;
		});
	}

	function showCounts() {
		facets.forEach(function (f) {
			var any = false;
			f.values.forEach(function (v) {
				var on = !!(selected[f.key] && selected[f.key][v.name]);
				if (!v.box)
					return;
				v.box.checked = on;
				v.count.textContent = String(v.n);
				v.li.hidden = v.n === 0 && !on;
				any = any || !v.li.hidden;
			});
			if (f.el)
				f.el.hidden = !any;
		});
	}

	/* ------------------------------------------------------------------ */
	/* State and URL. */

	function anySelected() {
		for (var k in selected)
			if (Object.keys(selected[k]).length)
				return true;
		return false;
	}

	function queryString() {
		var parts = [];
		if (box.value.trim())
			parts.push("q=" + encodeURIComponent(box.value.trim()).replace(/%20/g, "+"));
		facets.forEach(function (f) {
			f.values.forEach(function (v) {
				if (selected[f.key] && selected[f.key][v.name])
					parts.push(encodeURIComponent(f.key) + "=" +
					    encodeURIComponent(v.name).replace(/%20/g, "+"));
			});
		});
		return parts.length ? "?" + parts.join("&") : "";
	}

	function writeURL(now) {
		clearTimeout(urlTimer);
		function w() {
			var url = location.pathname + queryString() + location.hash;
			try {
				history.replaceState(history.state, "", url);
			} catch (e) {
				/* Some browsers refuse to rewrite file:// URLs. */
			}
		}
		if (now)
			w();
		else
			urlTimer = setTimeout(w, 300);
	}

	function readURL() {
		var q = "";
		selected = {};
		location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
			if (!pair)
				return;
			var eq = pair.indexOf("=");
			var k = decodeParam(eq < 0 ? pair : pair.slice(0, eq));
			var v = eq < 0 ? "" : decodeParam(pair.slice(eq + 1));
			if (k === "q")
				q = v;
			else if (v)
				(selected[k] = selected[k] || {})[v] = true;
		});
		/* Only the values the index has (an old or edited URL). */
		var known = {};
		facets.forEach(function (f) {
			f.values.forEach(function (v) {
				if (selected[f.key] && selected[f.key][v.name])
					(known[f.key] = known[f.key] || {})[v.name] = true;
			});
		});
		selected = known;
		box.value = q;
	}

	function decodeParam(s) {
		try {
			return decodeURIComponent(s.replace(/\+/g, " "));
		} catch (e) {
			return "";
		}
	}

	/* ------------------------------------------------------------------ */
	/* Running a search. */

	function plural(n, one, many) {
		return n + " " + (n === 1 ? one : many);
	}

	function update(saveURL) {
		var my = ++seq, q = box.value, t0 = performance.now();
		if (clearBtn)
			clearBtn.hidden = !anySelected();
		return runQuery(q).then(function (r) {
			if (my !== seq)
				return;
			current = r;
			var matchIds;
			if (r)
				matchIds = r.ids;
			else {
				matchIds = [];
				for (var i = 0; i < meta.docs; i++)
					matchIds.push(i);
			}
			/*
			 * With no facet ticked the results are the matches: ask
			 * for the first page's fragments now, and count the
			 * facets while they load.
			 */
			sortedAll = false;
			if (r && !anySelected()) {
				ranked = matchIds;
				ranks(0, PAGE).forEach(fragment);
			}
			ranked = filterAndCount(matchIds);
			showCounts();
			if (!r && !anySelected())
				ranked = [];
			var p = renderMore(my, true);
			return p.then(function (ok) {
				if (!ok)
					return;
				if (!r && !anySelected())
					countEl.textContent = "Type to search " +
					    plural(meta.docs, "page", "pages") + ".";
				else if (!ranked.length)
					countEl.textContent = "No results. Try fewer words or fewer filters.";
				else {
					countEl.textContent = plural(ranked.length, "result", "results") +
					    (r && r.nwords > 1 && r.every < r.ids.length &&
					    !anySelected() ? " (" + r.every + " with every word)" : "");
				}
				list.setAttribute("data-query", q);
				list.setAttribute("data-render", String(++renders));
				var ms = performance.now() - t0;
				document.dispatchEvent(new CustomEvent("kbsearch:rendered",
				    {detail: {q: q, ms: ms, results: ranked.length}}));
				if (saveURL)
					writeURL(saveURL === "now");
			});
		});
	}

	/* ------------------------------------------------------------------ */
	/*
	 * Keyboard.  In the box: Down goes to the first result, Enter opens
	 * the first (or the chosen) result, Escape clears.  In the results:
	 * Up and Down move from result to result (Up from the first goes
	 * back to the box), Enter opens (the link's own behaviour), Escape
	 * goes back to the box.
	 */

	function links() {
		return list.querySelectorAll(".search-result-title a");
	}

	function setActive(i) {
		var ls = links();
		var old = list.querySelector(".search-result.active");
		if (old)
			old.classList.remove("active");
		active = i >= 0 && i < ls.length ? i : -1;
		if (active >= 0) {
			var li = ls[active].closest(".search-result");
			li.classList.add("active");
			ls[active].focus();
		}
	}

	box.addEventListener("keydown", function (e) {
		var ls = links();
		if (e.key === "ArrowDown" && ls.length) {
			e.preventDefault();
			setActive(0);
		} else if (e.key === "Enter" && !e.isComposing) {
			e.preventDefault();
			writeURL(true);
			if (ls.length && list.getAttribute("data-query") === box.value)
				location.href = ls[0].href;
		} else if (e.key === "Escape") {
			e.preventDefault();
			if (box.value) {
				box.value = "";
				update(true);
			} else
				box.blur();
		}
	});

	list.addEventListener("keydown", function (e) {
		var ls = Array.prototype.slice.call(links());
		var i = ls.indexOf(document.activeElement);
		if (e.key === "ArrowDown") {
			e.preventDefault();
			if (i + 1 < ls.length)
				setActive(i + 1);
			else if (moreBtn && !moreBtn.hidden)
				renderMore(seq, false).then(function () {
					setActive(i + 1);
				});
		} else if (e.key === "ArrowUp") {
			e.preventDefault();
			if (i > 0)
				setActive(i - 1);
			else {
				setActive(-1);
				box.focus();
			}
		} else if (e.key === "Escape") {
			e.preventDefault();
			setActive(-1);
			box.focus();
		} else if (e.key === "Enter")
			writeURL(true);
	});
	list.addEventListener("focusout", function (e) {
		if (!list.contains(e.relatedTarget))
			setActive(-1);
	});

	box.addEventListener("input", function () {
		update(true);
	});
	if (form)
		form.addEventListener("submit", function (e) {
			e.preventDefault();
			writeURL(true);
		});
	if (facetsEl)
		facetsEl.addEventListener("change", function (e) {
			var b = e.target;
			if (!b || b.type !== "checkbox")
				return;
			var s = selected[b.name] = selected[b.name] || {};
			if (b.checked)
				s[b.value] = true;
			else
				delete s[b.value];
			update("now");
		});
	if (clearBtn)
		clearBtn.addEventListener("click", function () {
			selected = {};
			update("now");
			box.focus();
		});
	if (moreBtn)
		moreBtn.addEventListener("click", function () {
			renderMore(seq, false);
		});
	window.addEventListener("pageshow", function (e) {
		if (e.persisted && meta) {
			readURL();
			update(false);
		}
	});

	countEl.textContent = "Loading the search index…";
	start().then(function (ok) {
		if (!ok) {
			countEl.textContent = "The search index is missing.";
			ui.classList.add("search-broken");
			/* Show the fallback: the links to the catalogue and terms. */
			document.documentElement.classList.remove("js");
			return;
		}
		readURL();
		ui.classList.add("search-ready");
		update(false);
	});
})();
