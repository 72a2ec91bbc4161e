// SPDX-License-Identifier: MIT
// browser.screenshots: pictures of report.html for people to look at, for
// each record and language: the whole page at desktop width (1280 px), at
// phone width (360 px, drawn at 2 device pixels per CSS pixel as a phone
// does) and every printed A4 page (Chromium's PDF drawn by pdftoppm). They
// are written to the test's output directory with an index.html to browse
// them; the test fails when one is missing or blank (one colour, or almost:
// fewer than 0.5% of its pixels differ from the most common colour).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { DESKTOP, PHONE, Results, fileUrl, launch, makeReports, newContext, parseArgs, requireTools } from "./common.mjs";

const args = parseArgs(process.argv);
requireTools(["chromium", "unzip", "pdftoppm"]);
const res = new Results("screenshots", args.known);
const reports = makeReports(args.dyd, args.out);

// Decodes an 8-bit, non-interlaced PNG (what Chromium and pdftoppm write)
// into {w, h, channels, px}.
function decodePng(buf) {
	if (buf.readUInt32BE(0) !== 0x89504e47)
		throw new Error("not a PNG");
	let off = 8, w = 0, h = 0, type = 0;
	const idat = [];
	while (off < buf.length) {
		const len = buf.readUInt32BE(off);
		const kind = buf.toString("latin1", off + 4, off + 8);
		const data = buf.subarray(off + 8, off + 8 + len);
		if (kind === "IHDR") {
			w = data.readUInt32BE(0);
			h = data.readUInt32BE(4);
			type = data[9];
			if (data[8] !== 8 || data[12] !== 0)
				throw new Error("only 8-bit non-interlaced PNGs");
		} else if (kind === "IDAT") {
			idat.push(data);
		}
		off += 12 + len;
	}
	const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
	if (!channels)
		throw new Error(`PNG colour type ${type}`);
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = w * channels;
	const px = Buffer.alloc(h * stride);
	for (let y = 0; y < h; y++) {
		const f = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let x = 0; x < stride; x++) {
			const a = x >= channels ? px[y * stride + x - channels] : 0;
			const b = y ? px[(y - 1) * stride + x] : 0;
			const c = x >= channels && y ? px[(y - 1) * stride + x - channels] : 0;
			let v = line[x];
			if (f === 1) v += a;
			else if (f === 2) v += b;
			else if (f === 3) v += (a + b) >> 1;
			else if (f === 4) {
				const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			px[y * stride + x] = v & 255;
		}
	}
	return { w, h, channels, px };
}

// The share of pixels that differ from the most common colour.
function inkShare(file) {
	const img = decodePng(fs.readFileSync(file));
	const counts = new Map();
	const n = img.w * img.h;
	for (let i = 0; i < n; i++) {
		let key = 0;
		for (let c = 0; c < Math.min(img.channels, 3); c++)
			key = key * 256 + img.px[i * img.channels + c];
		counts.set(key, (counts.get(key) || 0) + 1);
	}
	return { share: 1 - Math.max(...counts.values()) / n, w: img.w, h: img.h };
}

const shots = [];
function judge(id, file, label) {
	if (!res.must(fs.existsSync(file) && fs.statSync(file).size > 0, `${id}: ${label} written`, file))
		return;
	const { share, w, h } = inkShare(file);
	shots.push({ id, label, file: path.basename(file), w, h });
	if (share < 0.005)
		res.finding(`${id} blank ${label}`, `${path.basename(file)}: ${(share * 100).toFixed(2)}% of pixels differ from the background`);
	else
		res.ok();
}

const browser = await launch();

// The blank detector must see a blank picture as blank.
{
	const ctx = await newContext(browser, 400);
	const page = await ctx.newPage();
	await page.setContent("<body style='background:#fff'></body>");
	const f = path.join(args.out, "canary-blank.png");
	await page.screenshot({ path: f });
	res.must(inkShare(f).share < 0.005, "canary: an empty page is judged blank");
	fs.rmSync(f);
	await ctx.close();
}

for (const rep of reports) {
	const stem = path.join(args.out, `${rep.record}-${rep.lang}`);
	for (const [width, label, scale] of [[DESKTOP, "desktop", 1], [PHONE, "phone", 2]]) {
		const ctx = await newContext(browser, width, { deviceScaleFactor: scale });
		const page = await ctx.newPage();
		await page.goto(fileUrl(rep.html));
		await page.screenshot({ path: `${stem}-${label}.png`, fullPage: true });
		await ctx.close();
		judge(rep.id, `${stem}-${label}.png`, label);
	}
	const ctx = await newContext(browser, DESKTOP);
	const page = await ctx.newPage();
	await page.goto(fileUrl(rep.html));
	await page.pdf({ path: `${stem}.pdf`, format: "A4", margin: { top: "10mm", bottom: "10mm", left: "10mm", right: "10mm" } });
	await ctx.close();
	execFileSync("pdftoppm", ["-r", "80", "-png", `${stem}.pdf`, `${stem}-print`]);
	const pages = fs.readdirSync(args.out).filter((f) => f.startsWith(`${rep.record}-${rep.lang}-print-`) && f.endsWith(".png")).sort();
	res.must(pages.length > 0, `${rep.id}: print pages drawn`);
	for (const f of pages)
		judge(rep.id, path.join(args.out, f), `print page ${+f.match(/-(\d+)\.png$/)[1]}`);
	console.log(`wrote ${rep.id}: desktop, phone and ${pages.length} print pages`);
}
await browser.close();

// A page to look at them all; no script, like the report itself.
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
fs.writeFileSync(path.join(args.out, "index.html"), "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
	"<title>report.html screenshots</title><style>img{max-width:100%;border:1px solid #999}figure{display:inline-block;vertical-align:top;margin:1rem;max-width:45%}</style></head><body>" +
	"<h1>report.html screenshots</h1>" + shots.map((s) => `<figure><figcaption>${esc(s.id)}: ${esc(s.label)} (${s.w}x${s.h})</figcaption>` +
		`<a href="${esc(s.file)}"><img src="${esc(s.file)}" alt="${esc(s.id)} ${esc(s.label)}" loading="lazy"></a></figure>`).join("\n") + "</body></html>\n");
console.log(`look at them: ${path.join(args.out, "index.html")}`);
res.finish();
