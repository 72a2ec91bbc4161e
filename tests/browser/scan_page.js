// SPDX-License-Identifier: MIT
// Runs inside the page (Playwright page.evaluate, through the DevTools
// protocol, so the page's CSP does not stop it) and measures the layout as
// a reader meets it. Plain browser JavaScript, no imports: layout.mjs reads
// this file and evaluates it. Returns
//   { vw, scrollWidth, wide: [...], problems: [{check, where, count, sample}] }
// where a problem is grouped by check and by a short selector of the element
// (the timeline's checks: timeline-overlap, timeline-outside-picture)
// (nearest ancestor id, then tag.class steps), so that one badly styled
// table gives one line, not a line per cell.
(opts) => {
	const vw = document.documentElement.clientWidth;
	const problems = new Map();
	const note = (check, where, sample) => {
		const k = check + " " + where;
		const p = problems.get(k) || { check, where, count: 0, sample: [] };
		p.count++;
		if (p.sample.length < 3)
			p.sample.push(sample);
		problems.set(k, p);
	};
	const sel = (el) => {
		const parts = [];
		for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
			if (e.id) {
				parts.unshift("#" + e.id);
				break;
			}
			let s = e.tagName.toLowerCase();
			if (e.classList.length)
				s += "." + [...e.classList].join(".");
			parts.unshift(s);
		}
		return parts.join(">");
	};
	// Not for the eye: display:none, visibility:hidden, opacity 0, and the
	// "visually hidden" patterns (clip, clip-path, a 1 px box) that keep
	// text for screen readers only.
	const hiddenCache = new Map();
	const hidden = (el) => {
		if (hiddenCache.has(el))
			return hiddenCache.get(el);
		let h = !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
		for (let e = el; !h && e && e !== document.documentElement; e = e.parentElement) {
			const cs = getComputedStyle(e);
			const r = e.getBoundingClientRect();
			if ((cs.position === "absolute" && cs.clip !== "auto") || cs.clipPath !== "none" ||
			    (r.width <= 1 && r.height <= 1 && cs.overflow !== "visible"))
				h = true;
		}
		hiddenCache.set(el, h);
		return h;
	};
	// The boxes that cut off or scroll their content horizontally.
	const clippers = (el) => {
		const out = [];
		for (let e = el.parentElement; e && e !== document.documentElement; e = e.parentElement) {
			const ox = getComputedStyle(e).overflowX;
			if (ox !== "visible") {
				const r = e.getBoundingClientRect();
				out.push({ e, ox, left: r.left + e.clientLeft, right: r.left + e.clientLeft + e.clientWidth });
			}
		}
		return out;
	};
	const fontPx = (el, pseudo) => {
		let px = parseFloat(getComputedStyle(el, pseudo).fontSize);
		// SVG text is scaled with its viewBox: what counts is the size drawn.
		if (el instanceof SVGElement && el.getScreenCTM) {
			const m = el.getScreenCTM();
			if (m)
				px *= Math.hypot(m.a, m.b);
		}
		return Math.round(px * 10) / 10;
	};
	const short = (s) => s.replace(/\s+/g, " ").trim().slice(0, 60);

	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const range = document.createRange();
	const longTokens = [];
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const text = n.nodeValue;
		const el = n.parentElement;
		if (!text.trim() || !el || el.closest("style,script,title") || hidden(el))
			continue;
		range.selectNodeContents(n);
		const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
		if (!rects.length)
			continue;
		const left = Math.min(...rects.map((r) => r.left));
		const right = Math.max(...rects.map((r) => r.right));
		// Cut off or scrolled away inside a box, or else off the page.
		const c = clippers(el).find((c) => right > c.right + 0.5 || left < c.left - 0.5);
		if (c) {
			const how = c.ox === "auto" || c.ox === "scroll" ? "text-needs-horizontal-scroll" : "text-clipped";
			note(how, sel(c.e), `${short(text)} (x ${Math.round(left)}..${Math.round(right)}, box ${Math.round(c.left)}..${Math.round(c.right)})`);
		} else if (right > vw + 0.5 || left < -0.5) {
			note("text-outside-viewport", sel(el), `${short(text)} (x ${Math.round(left)}..${Math.round(right)}, viewport ${vw})`);
		}
		if (opts.minPx) {
			const px = fontPx(el);
			if (px < opts.minPx)
				note(`text-smaller-than-${opts.minPx}px`, `${sel(el)} ${px}px`, short(text));
		}
		for (const tok of text.split(/\s+/)) {
			if (tok.length >= 40) {
				const tops = new Set(rects.map((r) => Math.round(r.top)));
				longTokens.push({ tok: tok.slice(0, 40), where: sel(el), lines: tops.size });
			}
		}
	}
	// Generated text (such as a stacked table's column label in ::before).
	if (opts.minPx) {
		for (const el of document.body.querySelectorAll("*")) {
			for (const pseudo of ["::before", "::after"]) {
				const cs = getComputedStyle(el, pseudo);
				if (cs.content === "none" || cs.content === "normal" || cs.content === '""' || cs.display === "none" || hidden(el))
					continue;
				const px = fontPx(el, pseudo);
				if (px < opts.minPx)
					note(`text-smaller-than-${opts.minPx}px`, `${sel(el)}${pseudo} ${px}px`, cs.content.slice(0, 60));
			}
		}
	}
	// The timeline picture: no two of its labels and markers overlap, and
	// each is inside the picture, as drawn (report_timeline.c promises it
	// from estimated widths; this is the browser's word).
	for (const svg of document.querySelectorAll("svg.tl")) {
		if (hidden(svg))
			continue;
		const pic = svg.getBoundingClientRect();
		const parts = [...svg.querySelectorAll("text, .mark, .span")].map((e) => ({ e, r: e.getBoundingClientRect() }))
			.filter((p) => p.r.width > 0 && p.r.height > 0);
		const label = (e) => e.tagName === "text" ? `"${short(e.textContent)}"` : `${e.tagName}.${[...e.classList].join(".")}`;
		for (const p of parts) {
			if (p.r.left < pic.left - 0.5 || p.r.right > pic.right + 0.5 || p.r.top < pic.top - 0.5 || p.r.bottom > pic.bottom + 0.5)
				note("timeline-outside-picture", sel(svg), label(p.e));
		}
		for (let i = 0; i < parts.length; i++) {
			for (let j = i + 1; j < parts.length; j++) {
				const a = parts[i].r, b = parts[j].r;
				const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
				const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
				if (w > 1 && h > 1)
					note("timeline-overlap", sel(svg), `${label(parts[i].e)} and ${label(parts[j].e)}`);
			}
		}
	}
	// What makes the document wider than the viewport: the outermost boxes
	// past its right edge that no ancestor clips or scrolls. Hidden boxes
	// count too (an absolutely placed "visually hidden" label can widen a
	// page), and an absolute box is clipped only by boxes from its
	// containing block up.
	const clipped = (el) => {
		let need = ["absolute", "fixed"].includes(getComputedStyle(el).position);
		for (let e = el.parentElement; e && e !== document.documentElement; e = e.parentElement) {
			const t = getComputedStyle(e);
			if (need && t.position === "static")
				continue;
			if (t.overflowX !== "visible")
				return true;
			need = ["absolute", "fixed"].includes(t.position);
		}
		return false;
	};
	const wide = [];
	if (document.documentElement.scrollWidth > vw) {
		const out = new Set();
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.right > vw + 0.5 && !clipped(el))
				out.add(el);
		}
		const bySel = new Map();
		for (const el of out) {
			if (out.has(el.parentElement))
				continue;
			const k = sel(el);
			const right = Math.round(el.getBoundingClientRect().right);
			const [n, max] = bySel.get(k) || [0, 0];
			bySel.set(k, [n + 1, Math.max(max, right)]);
		}
		for (const [k, [n, max]] of bySel)
			wide.push(`${n} x ${k} (right edge up to ${max})`);
	}
	return { vw, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8), longTokens, problems: [...problems.values()] };
}
