// SPDX-License-Identifier: MIT
// What the browser tests share: the records and languages they check, making
// the reports with the built dyd, starting Debian's Chromium, and judging the
// findings against known-failures.txt.
//
// Every script is run by ctest as
//   node SCRIPT.mjs --dyd BUILD/dyd --out BUILD/tests/browser/NAME
// (see tests/CMakeLists.txt) and ends with one line "N passed, N failed".

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TOP = path.resolve(HERE, "../..");
export const CHROMIUM = "/usr/bin/chromium";

// One as-of instant, so that the pages (and so the findings) are the same on
// every run. The three records are the ones issue 14 names: an opted-out
// account, a European one, and one with 20 business chats, long names and
// long values without spaces.
export const AS_OF = "2026-11-29T10:00:00Z";
export const RECORDS = [
	{ name: "budi-santoso", file: "budi-santoso.json", tz: "Asia/Jakarta" },
	{ name: "lukas-becker", file: "lukas-becker.json", tz: "Europe/Berlin" },
	{ name: "wulan-anggraini", file: "wulan-anggraini.yaml", tz: "Asia/Jakarta" },
];
export const LANGS = ["en", "id"];
export const DESKTOP = 1280;
export const PHONE = 360;

// The flags a root process on a closed network needs: no sandbox (root), no
// GPU, and none of Chromium's own connections (updates, sync, QUIC probes),
// which this machine refuses and which are not the page's requests.
export const CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

export function parseArgs(argv) {
	const args = { dyd: null, out: null, known: path.join(HERE, "known-failures.txt") };
	for (let i = 2; i < argv.length; i++) {
		const k = argv[i].replace(/^--/, "");
		if (!(k in args) || i + 1 >= argv.length) {
			console.error(`usage: node ${path.basename(argv[1])} --dyd DYD --out DIR [--known FILE]`);
			process.exit(2);
		}
		args[k] = argv[++i];
	}
	if (!args.dyd || !args.out) {
		console.error(`usage: node ${path.basename(argv[1])} --dyd DYD --out DIR [--known FILE]`);
		process.exit(2);
	}
	args.out = path.resolve(args.out);
	fs.rmSync(args.out, { recursive: true, force: true });
	fs.mkdirSync(args.out, { recursive: true });
	return args;
}

// What the tests need besides node, each with what to do when it is missing.
// A missing tool is a failure, never a skip: bootstrap.sh installs them all.
export function requireTools(tools) {
	const where = {
		chromium: [CHROMIUM, "Debian package chromium"],
		java: ["java", "Debian package default-jre-headless"],
		pdfinfo: ["pdfinfo", "Debian package poppler-utils"],
		pdftoppm: ["pdftoppm", "Debian package poppler-utils"],
		pdftotext: ["pdftotext", "Debian package poppler-utils"],
		unzip: ["unzip", "Debian package unzip"],
	};
	const missing = [];
	for (const t of tools) {
		const [cmd, pkg] = where[t];
		try {
			execFileSync("sh", ["-c", `command -v "${cmd}"`], { stdio: "ignore" });
		} catch {
			missing.push(`${cmd} (${pkg})`);
		}
	}
	if (!fs.existsSync(path.join(HERE, "node_modules", "playwright-core")))
		missing.push(`${path.join(HERE, "node_modules")} ('npm ci' in tests/browser)`);
	if (missing.length) {
		console.error(`missing: ${missing.join(", ")}; run ./bootstrap.sh as root, which installs them`);
		console.log("0 passed, 1 failed");
		process.exit(1);
	}
}

// Makes the report.html of every record in both languages with the dyd under
// test, the way a user gets it: dyd export, then unzip.
export function makeReports(dyd, dir) {
	const reports = [];
	for (const rec of RECORDS) {
		for (const lang of LANGS) {
			const base = path.join(dir, `${rec.name}-${lang}`);
			execFileSync(dyd, ["export", "--force", "--as-of", AS_OF, "--lang", lang,
				"--tz", rec.tz, "-o", `${base}.zip`,
				path.join(TOP, "testdata", "records", rec.file)], { stdio: "inherit" });
			const html = execFileSync("unzip", ["-p", `${base}.zip`, "report.html"]);
			if (!html.length)
				throw new Error(`${base}.zip: no report.html`);
			fs.writeFileSync(`${base}.html`, html);
			reports.push({ record: rec.name, lang, html: `${base}.html`, id: `${rec.name}/${lang}` });
		}
	}
	return reports;
}

// Playwright starts Chromium with a new, empty temporary --user-data-dir of
// its own and removes it afterwards (it refuses one passed in args with
// launch()); chromiumSandbox false is --no-sandbox.
export async function launch() {
	const { chromium } = await import("playwright-core");
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		chromiumSandbox: false,
		args: CHROMIUM_ARGS,
	});
}

// A browser context for one width: a phone is a touch device that honours
// the page's viewport meta tag, as a real one does.
export function newContext(browser, width, extra = {}) {
	const phone = width <= 600;
	return browser.newContext({
		viewport: { width, height: phone ? 740 : 900 },
		deviceScaleFactor: 1,
		isMobile: phone,
		hasTouch: phone,
		colorScheme: "light",
		...extra,
	});
}

export function fileUrl(p) {
	return "file://" + p;
}

// known-failures.txt: one allowed failure a line, "TEST CASE CHECK DETAIL...",
// exactly as the test prints it after "FAIL ". A failure not listed fails
// the test; so does a listed one that no longer happens, so the list can
// only shrink as report.html is fixed.
export function loadKnown(file, test) {
	const known = new Set();
	for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
		const line = raw.replace(/\s+/g, " ").trim();
		if (!line || line.startsWith("#"))
			continue;
		if (line.split(" ")[0] === test)
			known.add(line);
	}
	return known;
}

// Collects the results of one test script and prints the verdict.
export class Results {
	constructor(test, knownFile) {
		this.test = test;
		this.known = loadKnown(knownFile, test);
		this.passed = 0;
		this.failed = 0;
		this.seen = new Set();
		this.unexpected = [];
	}

	// A check that must hold; the harness itself, never the page.
	must(ok, what, detail = "") {
		if (ok) {
			this.passed++;
			return true;
		}
		this.failed++;
		console.log(`FAIL (harness) ${what}${detail ? ": " + detail : ""}`);
		return false;
	}

	// A finding about a report: "CASE CHECK DETAIL" plus what was measured.
	// Only the key goes into known-failures.txt; the measurement is printed
	// so that a reader knows how far off the page is.
	finding(key, measured = "") {
		const line = `${this.test} ${key}`.replace(/\s+/g, " ").trim();
		if (this.seen.has(line))
			return;
		this.seen.add(line);
		const tag = this.known.has(line) ? "known" : "FAIL";
		if (tag === "FAIL")
			this.unexpected.push(line);
		console.log(`${tag} ${line}${measured ? "\n    " + measured.replace(/\n/g, "\n    ") : ""}`);
	}

	ok() {
		this.passed++;
	}

	finish() {
		const gone = [...this.known].filter((k) => !this.seen.has(k));
		for (const k of gone)
			console.log(`FIXED ${k}\n    listed in known-failures.txt but no longer happens: remove the line`);
		const bad = this.unexpected.length + gone.length;
		const knownSeen = [...this.known].filter((k) => this.seen.has(k)).length;
		console.log(`${this.test}: ${this.unexpected.length} new failures, ${knownSeen} known ` +
			`failures still there, ${gone.length} known failures gone`);
		this.failed += bad;
		console.log(`${this.passed} passed, ${this.failed} failed`);
		process.exit(this.failed ? 1 : 0);
	}
}

export function tempDir(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
