// SPDX-License-Identifier: MIT
// browser.layout: report.html fits a phone and prints well, for each record
// and language.
//
// On screen, at 360 px (a phone: touch, the viewport meta tag honoured) and
// at 1280 px (scan_page.js measures in the page):
//   overflow                    the document is wider than the viewport
//   text-outside-viewport       text is off the side of the page
//   text-needs-horizontal-scroll  text is scrolled out of sight in a box
//   text-clipped                text is cut off by its box
//   text-smaller-than-14px      (phone only) text, including SVG text and
//                               generated labels, drawn under 14 CSS px
//   long-value-not-wrapped      (phone only) a value of 40 or more characters
//                               without a space is kept on one line
//   timeline-overlap            two labels or markers of the timeline picture
//                               overlap, as the browser draws them
//   timeline-outside-picture    a label or marker is outside the picture
// In print (Chromium's PDF, A4, 10 mm margins, as a browser's print dialog
// makes it; pages counted with pdfinfo, drawn with pdftoppm, words placed
// with pdftotext, all from Debian's poppler-utils):
//   print-page-under-half-full N  a page but the last has its lowest ink in
//                               the top half of the printable area
//   print-blank-page N          a page with no ink at all
//   print-text-outside-margins  words beyond the printable area
//   print-text-missing          text shown on screen (but for the navigation)
//                               is not in the PDF
// A canary page with each fault must be caught, or the check is blind.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DESKTOP, PHONE, Results, fileUrl, launch, makeReports, newContext, parseArgs, requireTools } from "./common.mjs";

const args = parseArgs(process.argv);
requireTools(["chromium", "unzip", "pdfinfo", "pdftoppm", "pdftotext"]);
const res = new Results("layout", args.known);
const reports = makeReports(args.dyd, args.out);
const scanSource = fs.readFileSync(new URL("./scan_page.js", import.meta.url), "utf8");
const MIN_PHONE_PX = 14;
const MARGIN_MM = 10;
const DPI = 50;

async function scan(browser, file, width) {
	const ctx = await newContext(browser, width);
	const page = await ctx.newPage();
	await page.goto(fileUrl(file));
	const r = await page.evaluate(`(${scanSource})(${JSON.stringify({ minPx: width === PHONE ? MIN_PHONE_PX : 0 })})`);
	await ctx.close();
	return r;
}

// Returns [[check, measured]] for the screen at WIDTH.
function screenProblems(r, width) {
	const out = [];
	if (r.scrollWidth > r.vw)
		out.push(["overflow", `document ${r.scrollWidth} px wide in a ${r.vw} px viewport; sticking out: ${r.wide.join(", ")}`]);
	for (const p of r.problems)
		out.push([`${p.check} ${p.where}`, `${p.count} text nodes, such as: ${p.sample.join(" | ")}`]);
	if (width === PHONE) {
		for (const t of r.longTokens) {
			if (t.lines < 2)
				out.push([`long-value-not-wrapped ${t.where}`, `"${t.tok}..." on ${t.lines} line`]);
		}
	}
	return out;
}

// A PGM (P5) file as {w, h, px}.
function readPgm(file) {
	const b = fs.readFileSync(file);
	const head = b.toString("latin1", 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
	if (!head)
		throw new Error(`${file}: not a binary PGM`);
	return { w: +head[1], h: +head[2], px: b.subarray(head[0].length) };
}

// The lowest row with ink (a pixel darker than near-white), or -1.
function lowestInk(img) {
	for (let y = img.h - 1; y >= 0; y--) {
		const row = img.px.subarray(y * img.w, (y + 1) * img.w);
		if (row.some((v) => v < 250))
			return y;
	}
	return -1;
}

function unescapeXml(s) {
	return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

// Prints FILE to PDF and returns [[check, measured]] and the page count.
async function printProblems(browser, file, pdf) {
	const ctx = await newContext(browser, DESKTOP);
	const page = await ctx.newPage();
	await page.goto(fileUrl(file));
	// The text a reader sees on screen, to look for in the PDF: printing
	// may drop the navigation, nothing else.
	const shown = await page.evaluate(() => {
		const out = [];
		const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const el = n.parentElement;
			if (n.nodeValue.trim() && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) &&
			    !el.closest("style,title,.vh,nav"))
				out.push(n.nodeValue);
		}
		return out;
	});
	await page.emulateMedia({ media: "print" });
	const m = `${MARGIN_MM}mm`;
	await page.pdf({ path: pdf, format: "A4", printBackground: false, margin: { top: m, bottom: m, left: m, right: m } });
	await ctx.close();

	const out = [];
	const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
	const pages = +info.match(/^Pages:\s+(\d+)/m)[1];
	const [pw, ph] = info.match(/^Page size:\s+([\d.]+) x ([\d.]+) pts/m).slice(1).map(Number);
	const stem = pdf.replace(/\.pdf$/, "");
	execFileSync("pdftoppm", ["-r", String(DPI), "-gray", pdf, stem]);
	const fills = [];
	const marginPx = (MARGIN_MM / 25.4) * DPI;
	for (let i = 1; i <= pages; i++) {
		const pgm = fs.readdirSync(path.dirname(pdf)).map((f) => path.join(path.dirname(pdf), f))
			.find((f) => f.startsWith(stem + "-") && f.endsWith(".pgm") && +f.slice(stem.length + 1, -4) === i);
		const img = readPgm(pgm);
		fs.rmSync(pgm);
		const low = lowestInk(img);
		const fill = low < 0 ? 0 : Math.min(1, (low + 1 - marginPx) / (img.h - 2 * marginPx));
		fills.push(Math.round(fill * 100));
		if (low < 0)
			out.push([`print-blank-page ${i}`, `page ${i} of ${pages} has no ink`]);
		else if (fill < 0.5 && i < pages)
			out.push([`print-page-under-half-full ${i}`, `page ${i} of ${pages} is ${Math.round(fill * 100)}% full`]);
	}
	const summary = `${pages} pages, filled ${fills.map((f) => f + "%").join(" ")}`;

	// Word boxes, in points; a word past the margins is off the printable area.
	const bbox = execFileSync("pdftotext", ["-bbox", pdf, "-"], { encoding: "utf8", maxBuffer: 64 << 20 });
	const mpt = (MARGIN_MM / 25.4) * 72;
	const outside = [];
	for (const w of bbox.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)) {
		if (+w[1] < mpt - 1 || +w[2] > pw - mpt + 1)
			outside.push(`${w[3].slice(0, 40)} (x ${Math.round(+w[1])}..${Math.round(+w[2])} pt, page ${Math.round(pw)} pt)`);
	}
	if (outside.length)
		out.push(["print-text-outside-margins", `${outside.length} words, such as: ${outside.slice(0, 3).join(" | ")}`]);

	// pdftotext puts the lines of neighbouring table cells in between one
	// another, so look for every word of a text, not the whole text: as a
	// word of the PDF, or, when a long word was broken over lines, as one
	// run of characters in the raw text with the line breaks taken out.
	const pdfWords = new Set([...bbox.matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((w) => unescapeXml(w[1])));
	const raw = execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", pdf, "-"], { encoding: "utf8", maxBuffer: 64 << 20 }).replace(/\s+/g, "");
	const missing = [];
	for (const t of shown) {
		const lost = t.split(/\s+/).filter((w) => w && !pdfWords.has(w) && !raw.includes(w));
		if (lost.length)
			missing.push(`${lost.join(" ").slice(0, 40)} (of "${t.trim().slice(0, 40)}")`);
	}
	if (missing.length)
		out.push(["print-text-missing", `${missing.length} of ${shown.length} texts, such as: ${missing.slice(0, 3).join(" | ")}`]);
	return { problems: out, summary, pages, ph };
}

const browser = await launch();

// Canaries, each made from a real report with one fault added.
{
	const base = fs.readFileSync(reports[0].html, "utf8");
	const canary = (name, html) => {
		const f = path.join(args.out, `canary-${name}.html`);
		fs.writeFileSync(f, html);
		return f;
	};
	const has = (list, prefix) => list.some(([k]) => k.startsWith(prefix));
	const wideHtml = base.replace("<main>", '<main><p style="width:500px;white-space:nowrap">a line far wider than a phone is wide, which cannot wrap</p>' +
		'<div style="overflow:hidden;width:100px"><span style="white-space:nowrap">cut off at the edge of its little box</span></div>' +
		'<p style="font-size:11px">small print</p><p>' + "X".repeat(60) + "</p>")
		.replace("</style>", "main>p:last-of-type{overflow-wrap:normal;word-break:normal}</style>");
	const f1 = canary("screen", wideHtml);
	const r = screenProblems(await scan(browser, f1, PHONE), PHONE);
	for (const want of ["overflow", "text-outside-viewport", "text-clipped", "text-smaller-than-14px", "long-value-not-wrapped"])
		res.must(has(r, want), `canary: the phone checks see ${want}`, r.map((x) => x[0]).join(", "));
	// The timeline checks see a label put on another and one put outside.
	const tlHtml = base.replace("</svg></div>", '<text x="12" y="20">on the heading</text><text x="700" y="60">outside the picture</text></svg></div>');
	const ft = canary("timeline", tlHtml);
	const rt = screenProblems(await scan(browser, ft, DESKTOP), DESKTOP);
	for (const want of ["timeline-overlap", "timeline-outside-picture"])
		res.must(has(rt, want), `canary: the desktop checks see ${want}`, rt.map((x) => x[0]).join(", "));
	fs.rmSync(ft);
	const printHtml = base.replace("<main>", '<main><p>before the break</p><p style="break-after:page">x</p><p style="margin-left:-5mm">in the left margin</p>');
	const f2 = canary("print", printHtml);
	const p = await printProblems(browser, f2, path.join(args.out, "canary-print.pdf"));
	for (const want of ["print-page-under-half-full 1", "print-text-outside-margins"])
		res.must(has(p.problems, want), `canary: the print checks see ${want}`, `${p.summary}; ${p.problems.map((x) => x[0]).join(", ")}`);
	// A plain page that prints well must pass, text hidden everywhere and
	// a narrow table with wrapped cells included.
	const cells = Array.from({ length: 40 }, (_, i) => `<tr><td>row ${i} with several words that wrap in a narrow column</td><td>second cell, also wrapping onto lines</td></tr>`).join("");
	const clean = canary("print-clean", `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>` +
		`<h1>A clean page</h1><p style="display:none">not shown anywhere</p><table style="width:60%">${cells}</table><p>${"long text ".repeat(400)}</p></body></html>`);
	const pc = await printProblems(browser, clean, path.join(args.out, "canary-print-clean.pdf"));
	res.must(!pc.problems.length, "canary: a clean page passes the print checks", `${pc.summary}; ${pc.problems.map((x) => x.join(": ")).join("; ")}`);
	const f3 = canary("print-missing", base.replace("</style>", "@media print{#about{display:none}}</style>"));
	const p3 = await printProblems(browser, f3, path.join(args.out, "canary-print-missing.pdf"));
	res.must(has(p3.problems, "print-text-missing"), "canary: the print checks see a section that print CSS drops",
		p3.problems.map((x) => x[0]).join(", "));
	for (const f of [f1, f2, f3, clean])
		fs.rmSync(f);
}

for (const rep of reports) {
	for (const width of [PHONE, DESKTOP]) {
		const r = await scan(browser, rep.html, width);
		const problems = screenProblems(r, width);
		for (const [k, measured] of problems)
			res.finding(`${rep.id}/${width} ${k}`, measured);
		if (!problems.length)
			res.ok();
		console.log(`checked ${rep.id}/${width}: document ${r.scrollWidth} px in ${r.vw} px, ${problems.length} problems`);
	}
	const p = await printProblems(browser, rep.html, rep.html.replace(/\.html$/, ".pdf"));
	for (const [k, measured] of p.problems)
		res.finding(`${rep.id}/print ${k}`, `${measured} (${p.summary})`);
	if (!p.problems.length)
		res.ok();
	res.must(p.pages >= 1 && Math.abs(p.ph - 842) < 2, `${rep.id}: printed on A4`, `${p.pages} pages, ${p.ph} pt high`);
	console.log(`checked ${rep.id}/print: ${p.summary}`);
}

await browser.close();
res.finish();
