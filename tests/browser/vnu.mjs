// SPDX-License-Identifier: MIT
// browser.vnu: the Nu HTML Checker (npm vnu-jar, run with Debian's Java)
// reports no error in report.html, for each record and language; its
// warnings are printed. It checks the markup, the inline SVG and the CSS of
// the <style> element. Each error is one finding:
//   vnu RECORD/LANG MESSAGE
// printed with its line, column and the text around it. A canary with a
// known error must give that error, or vnu is not checking.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Results, makeReports, parseArgs, requireTools } from "./common.mjs";

const args = parseArgs(process.argv);
requireTools(["java", "unzip"]);
const res = new Results("vnu", args.known);
const reports = makeReports(args.dyd, args.out);
const require = createRequire(import.meta.url);
// vnu-jar's own launcher would fetch a Java runtime from the network when
// it finds none; the jar itself is all that is needed, with Debian's java.
const jar = path.join(path.dirname(require.resolve("vnu-jar/package.json")), "build", "dist", "vnu.jar");

const canary = path.join(args.out, "canary.html");
fs.writeFileSync(canary, fs.readFileSync(reports[0].html, "utf8")
	.replace("<main>", "<main><p><div>a block in a paragraph</div></p><img src=\"#x\">"));

// One Java start for all files; vnu's exit status only says "some error",
// so the JSON messages decide.
let out;
try {
	out = execFileSync("java", ["-jar", jar, "--format", "json", "--stdout", "--exit-zero-always", "--asciiquotes",
		canary, ...reports.map((r) => r.html)], { maxBuffer: 64 << 20 });
} catch (e) {
	res.must(false, "vnu ran", String(e.stderr || e.message));
	res.finish();
}
const messages = JSON.parse(out).messages;
const byFile = new Map();
for (const m of messages) {
	const file = (m.url || "").replace(/^file:/, "");
	if (!byFile.has(file))
		byFile.set(file, []);
	byFile.get(file).push(m);
}

const canaryErrors = (byFile.get(canary) || []).filter((m) => m.type === "error").map((m) => m.message);
res.must(canaryErrors.some((m) => /alt/.test(m)) && canaryErrors.some((m) => /No .p. element in scope/.test(m)),
	"canary: vnu reports a missing alt and a misnested <p>", canaryErrors.join(" | "));
fs.rmSync(canary);

for (const m of messages) {
	if (m.type === "non-document-error")
		res.must(false, `vnu read ${m.url}`, m.message);
}
for (const rep of reports) {
	const ms = byFile.get(rep.html) || [];
	let errors = 0;
	for (const m of ms) {
		const where = `line ${m.lastLine}, column ${m.firstColumn ?? m.lastColumn}: ...${m.extract ?? ""}...`;
		if (m.type === "error") {
			errors++;
			res.finding(`${rep.id} ${m.message}`, where);
		} else if (m.type === "info") {
			console.log(`${m.subType === "warning" ? "warning" : "info"} ${rep.id} ${m.message}\n    ${where}`);
		}
	}
	if (!errors)
		res.ok();
	console.log(`checked ${rep.id}: ${errors} errors, ${ms.length - errors} warnings and notes`);
}
res.finish();
