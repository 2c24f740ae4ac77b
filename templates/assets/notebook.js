/*
 * The executed notebook's HTML outputs (render/notebook.c) sit in
 * <iframe class="nb-frame" sandbox="allow-scripts" srcdoc=...>: an
 * opaque origin, so this page cannot read their height, nor they this
 * page.  Each frame's own snippet posts {kbgenFrameHeight: N}; the
 * frame whose window sent it gets that height, between 40 and 1200
 * pixels (taller content scrolls inside).  A message from anything
 * else, or not a number, is ignored: a frame can only size itself.
 */
"use strict";

window.addEventListener("message", function (e) {
	var frames = document.querySelectorAll("iframe.nb-frame");
	var h, i;

	if (!e.data || typeof e.data.kbgenFrameHeight !== "number")
		return;
	h = Math.max(40, Math.min(1200, Math.ceil(e.data.kbgenFrameHeight)));
	for (i = 0; i < frames.length; i++)
		if (frames[i].contentWindow === e.source) {
			frames[i].style.height = (h + 2) + "px";
			return;
		}
});
