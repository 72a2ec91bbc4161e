// SPDX-License-Identifier: MIT
// browser.axe: axe-core finds no WCAG 2.1 A/AA violation in report.html, for
// each record and language, at desktop (1280 px) and phone (360 px) width,
// in the light and in the dark colour scheme (the page declares
// "color-scheme: light dark" and has dark colours of its own).
//
// Injecting axe: the page's CSP forbids every script, so axe cannot be added
// as a <script> element (page.addScriptTag would be blocked). Playwright's
// page.evaluate() goes through the DevTools protocol (Runtime.evaluate /
// callFunctionOn), which a page's CSP does not govern, so the axe source is
// evaluated that way with the page's policy left in force; bypassCSP is not
// used, so the page is checked exactly as a user gets it.
//
// Each violation is one finding per rule and node (svg-text-contrast: the
// check below that does what axe cannot):
//   axe RECORD/LANG/WIDTH[/dark] RULE-ID TARGET
// printed with axe's summary of what is wrong; "incomplete" results (axe
// could not decide) are printed as notes.

import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { DESKTOP, PHONE, Results, fileUrl, launch, makeReports, newContext, parseArgs, requireTools } from "./common.mjs";

const args = parseArgs(process.argv);
requireTools(["chromium", "unzip"]);
const res = new Results("axe", args.known);
const reports = makeReports(args.dyd, args.out);
const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function runAxe(page) {
	await page.evaluate(axeSource);
	return page.evaluate((tags) => window.axe.run(document, {
		runOnly: { type: "tag", values: tags },
		resultTypes: ["violations", "incomplete"],
	}), TAGS);
}

// axe leaves the contrast of SVG text undecided ("contains an image
// node"), so it is measured here the same way (WCAG 2.1 relative
// luminance; 4.5:1, or 3:1 for large text) against what is drawn right
// under the glyphs: a halo of stroke painted first (paint-order), else the
// fill of the shape, or the background of the box, under the text's centre.
function svgTextContrast() {
	const rgb = (c) => {
		const m = /rgba?\(([^)]+)\)/.exec(c || "");
		if (!m)
			return null;
		const v = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
		return v.length > 3 && v[3] === 0 ? null : v.slice(0, 3);
	};
	const lum = (c) => {
		const f = (x) => (x /= 255) <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
		return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
	};
	const ratio = (a, b) => {
		const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
		return (hi + 0.05) / (lo + 0.05);
	};
	const boxBg = (el) => {
		for (let e = el; e; e = e.parentElement) {
			const c = rgb(getComputedStyle(e).backgroundColor);
			if (c)
				return c;
		}
		return [255, 255, 255];
	};
	const out = [];
	const texts = [...document.querySelectorAll("svg text")];
	for (const [i, t] of texts.entries()) {
		const cs = getComputedStyle(t);
		const fill = rgb(cs.fill);
		if (!fill || !t.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }))
			continue;
		let bg = null;
		if (cs.paintOrder.startsWith("stroke") && parseFloat(cs.strokeWidth) >= 3)
			bg = rgb(cs.stroke);
		if (!bg) {
			const r = t.getBoundingClientRect();
			const under = document.elementsFromPoint(r.x + r.width / 2, r.y + r.height / 2).find((e) => e !== t && !t.contains(e));
			bg = (under instanceof SVGGeometryElement && rgb(getComputedStyle(under).fill)) || boxBg(under || t.ownerSVGElement);
		}
		const px = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
		const need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
		const cr = ratio(fill, bg);
		if (cr < need)
			out.push({ target: `svg text:nth-of-type(${i + 1})`, text: t.textContent.slice(0, 60), ratio: cr.toFixed(2), need, fill: cs.fill, bg: `rgb(${bg.join(", ")})` });
	}
	return { checked: texts.length, low: out };
}

function describe(node) {
	const summary = (node.failureSummary || "").replace(/\s*\n\s*/g, "; ");
	return `${node.html.slice(0, 160)}\n${summary}`;
}

const browser = await launch();

// The canary: a copy of a real report with an image without alt text and
// grey-on-white text must give those two violations, or axe is not running.
{
	const html = fs.readFileSync(reports[0].html, "utf8").replace("<main>",
		'<main><p style="color:#bbb;background:#fff">faint</p><svg role="img" width="10" height="10"></svg>' +
		'<svg viewBox="0 0 100 20" width="200" aria-hidden="true"><text x="0" y="15" style="fill:#ccc">pale</text></svg>');
	const canary = path.join(args.out, "canary.html");
	fs.writeFileSync(canary, html);
	const ctx = await newContext(browser, DESKTOP);
	const page = await ctx.newPage();
	await page.goto(fileUrl(canary));
	const r = await runAxe(page);
	const ids = r.violations.map((v) => v.id);
	const svg = await page.evaluate(svgTextContrast);
	res.must(svg.low.some((l) => l.text === "pale"), "canary: the SVG text contrast check sees pale text", JSON.stringify(svg.low));
	res.must(ids.includes("color-contrast") && ids.includes("svg-img-alt"),
		"canary: axe reports low contrast and an image without a name", ids.join(", "));
	await ctx.close();
	fs.rmSync(canary);
}

for (const rep of reports) {
	for (const width of [DESKTOP, PHONE]) {
		for (const scheme of ["light", "dark"]) {
			const id = `${rep.id}/${width}${scheme === "dark" ? "/dark" : ""}`;
			const ctx = await newContext(browser, width, { colorScheme: scheme });
			const page = await ctx.newPage();
			await page.goto(fileUrl(rep.html));
			const r = await runAxe(page);
			const svg = await page.evaluate(svgTextContrast);
			await ctx.close();
			for (const l of svg.low)
				res.finding(`${id} svg-text-contrast ${l.target}`, `"${l.text}": ${l.ratio}:1, needs ${l.need}:1 (${l.fill} on ${l.bg})`);
			for (const v of r.violations) {
				for (const node of v.nodes)
					res.finding(`${id} ${v.id} ${node.target.join(" ")}`, `[${v.impact}] ${v.help}\n${describe(node)}`);
			}
			for (const v of r.incomplete) {
				console.log(`note ${id} ${v.id}: axe could not decide on ${v.nodes.length} nodes (${v.help}); ` +
					v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
			}
			if (!r.violations.length && !svg.low.length)
				res.ok();
			console.log(`checked ${id}: ${r.violations.length} rules violated, ${r.incomplete.length} undecided, ` +
				`${svg.low.length} of ${svg.checked} SVG texts under the contrast minimum`);
		}
	}
}

await browser.close();
res.finish();
