/*
 * The status table: sort by a column (click its heading) and filter by
 * state.  Plain JavaScript, works from file://; without it the table is
 * complete and in catalogue order.
 */
(function () {
	"use strict";
	var table = document.getElementById("kb_status_table");
	var filter = document.getElementById("kb_status_filter");
	if (!table) {
		return;
	}
	document.documentElement.classList.add("js");
	var body = table.tBodies[0];
	var heads = table.tHead.rows[0].cells;
	var dir = {};

	function key(row, i, num) {
		var cell = row.cells[i];
		var text = cell ? (cell.querySelector("img") ?
		    cell.querySelector("img").alt : cell.textContent).trim() : "";
		if (num) {
			var n = parseFloat(text);
			return isNaN(n) ? Infinity : n;
		}
		return text.toLowerCase();
	}

	Array.prototype.forEach.call(heads, function (th, i) {
		th.tabIndex = 0;
		th.setAttribute("role", "button");
		function sort() {
			var num = th.getAttribute("data-sort") === "num";
			var rows = Array.prototype.slice.call(body.rows);
			dir[i] = dir[i] === 1 ? -1 : 1;
			rows.sort(function (a, b) {
				var x = key(a, i, num), y = key(b, i, num);
				return (x < y ? -1 : x > y ? 1 : 0) * dir[i];
			});
			rows.forEach(function (r) { body.appendChild(r); });
			Array.prototype.forEach.call(heads, function (h) {
				h.removeAttribute("aria-sort");
			});
			th.setAttribute("aria-sort", dir[i] === 1 ?
			    "ascending" : "descending");
		}
		th.addEventListener("click", sort);
		th.addEventListener("keydown", function (e) {
			if (e.key === "Enter" || e.key === " ") {
				e.preventDefault();
				sort();
			}
		});
	});

	if (filter) {
		filter.addEventListener("change", function () {
			Array.prototype.forEach.call(body.rows, function (r) {
				r.hidden = filter.value !== "" &&
				    r.getAttribute("data-state") !== filter.value;
			});
		});
	}
})();
