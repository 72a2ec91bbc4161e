// SPDX-License-Identifier: MIT
// browser.csp: report.html works offline and runs nothing. For each record
// and language, opened from a file as a user opens it:
//   - the Content-Security-Policy meta tag comes right after <meta charset>
//     and forbids scripts, plugins, frames, remote loads, <base> and forms;
//   - the markup has no script, event handler attribute, javascript: URL,
//     frame, object, link, or url() / @import in its style;
//   - the only addresses out of the page are links the reader may choose to
//     follow (the sources of the answers), each exactly
//     <a href="https://..." rel="noreferrer noopener"> (or http://), and the
//     page then says <meta name="referrer" content="no-referrer">: following
//     one tells the site nothing of the report. A link is not a request the
//     page makes; any other href, attribute or scheme is a finding;
//   - the browser sees no request but the page itself, compiles no script
//     of the page (DevTools' Debugger.scriptParsed) and logs nothing.
// The detectors are tried first on canaries made from a real report: with
// its CSP, an inline script and a remote image must be blocked and
// reported; without it, both must be seen running and loading.

import fs from "node:fs";
import path from "node:path";
import { Results, fileUrl, launch, makeReports, newContext, parseArgs, requireTools, DESKTOP } from "./common.mjs";

const args = parseArgs(process.argv);
requireTools(["chromium", "unzip"]);
const res = new Results("csp", args.known);
const reports = makeReports(args.dyd, args.out);

// The directives that make the page inert, whatever else the policy says.
const REQUIRED = {
	"default-src": "'none'",
	"base-uri": "'none'",
	"form-action": "'none'",
};
// The one shape of a link out of the page: a web address the reader may
// follow, which sends no referrer and gives the site no window.opener.
const FOLLOWABLE_LINK = /^<a href="https?:\/\/[^"\s<>]+" rel="noreferrer noopener">$/;
const FORBIDDEN_SOURCES = /'unsafe-eval'|'unsafe-hashes'|'strict-dynamic'|https?:|\*|'self'/;

// Returns the problems of HTML as [check, what was found] pairs.
function checkMarkup(html) {
	const found = [];
	const m = /^<!DOCTYPE html>\n<html lang="[a-z]+">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="([^"]*)">\n/.exec(html);
	if (!m) {
		found.push(["csp-meta-not-first", "the page must start with the doctype, <html lang>, <head>, <meta charset> and the CSP meta tag, in that order"]);
		return found;
	}
	const policy = new Map(m[1].split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0], d.slice(1).join(" ")]));
	for (const [dir, want] of Object.entries(REQUIRED)) {
		if (policy.get(dir) !== want)
			found.push([`csp-directive ${dir}`, `want ${dir} ${want}, have ${policy.get(dir) ?? "nothing"}`]);
	}
	for (const [dir, v] of policy) {
		if (dir === "script-src" || dir === "script-src-elem" || dir === "script-src-attr" || FORBIDDEN_SOURCES.test(v))
			found.push([`csp-allows ${dir}`, `${dir} ${v}`]);
	}
	// Record values are escaped, so every "<" in the page starts a real tag;
	// the patterns look at tags and at the style sheet, never at text.
	const tags = (html.match(/<[a-zA-Z/][^>]*>/g) || []).join("\n");
	const style = (html.match(/<style>([\s\S]*?)<\/style>/g) || []).join("\n");
	const patterns = [
		["script-element", tags, /<script\b/i],
		["event-handler-attribute", tags, /\son[a-z]+\s*=/i],
		["javascript-url", tags, /=\s*"?\s*javascript:/i],
		["embedding-element", tags, /<(iframe|frame|object|embed|applet|portal)\b/i],
		["link-element", tags, /<link\b/i],
		["base-element", tags, /<base\b/i],
		["form-element", tags, /<form\b/i],
		["src-attribute", tags, /\s(src|srcset|data|poster|background|action|formaction)\s*=/i],

		["meta-refresh", tags, /http-equiv="?refresh/i],
		["css-url-or-import", style, /url\(|@import/i],
	];
	for (const [what, text, re] of patterns) {
		const hit = re.exec(text);
		if (hit)
			found.push([`markup ${what}`, text.slice(hit.index, hit.index + 100)]);
	}
	// Links out: exactly the followable shape, and the no-referrer meta.
	const out = (html.match(/<[a-zA-Z][^>]*\shref\s*=\s*(?!"?#)[^>]*>/gi) || []);
	const bad = out.filter((t) => !FOLLOWABLE_LINK.test(t));
	if (bad.length)
		found.push(["markup external-href", bad.slice(0, 3).join(" | ").slice(0, 300)]);
	if (out.length && !/<meta name="referrer" content="no-referrer">/.test(html.split("</head>")[0]))
		found.push(["markup link-without-no-referrer", "links out of the page, and no <meta name=\"referrer\" content=\"no-referrer\"> in its head"]);
	return found;
}

// Opens FILE and returns what the browser saw: every request, every script
// the page compiled, every console message, and the final title.
async function observe(browser, file) {
	const ctx = await newContext(browser, DESKTOP);
	const page = await ctx.newPage();
	const seen = { requests: [], scripts: [], console: [], title: "" };
	ctx.on("request", (r) => seen.requests.push(r.url()));
	page.on("console", (m) => seen.console.push(`${m.type()}: ${m.text()}`));
	page.on("pageerror", (e) => seen.console.push(`pageerror: ${e.message}`));
	const cdp = await ctx.newCDPSession(page);
	// Playwright's own evaluations have no URL; anything the page itself
	// compiles (an inline script, a handler, a javascript: URL) has one.
	cdp.on("Debugger.scriptParsed", (e) => {
		if (e.url)
			seen.scripts.push(e.url);
	});
	await cdp.send("Debugger.enable");
	await page.goto(fileUrl(file), { waitUntil: "load" });
	// Give late loads (lazy images, fonts, timers) a moment to show up.
	await page.waitForTimeout(300);
	seen.title = await page.title();
	await ctx.close();
	seen.requests = seen.requests.filter((u) => u !== fileUrl(file) && !u.startsWith("data:"));
	return seen;
}

const browser = await launch();

// Canaries from the first report: the detectors must see what they look for.
{
	const html = fs.readFileSync(reports[0].html, "utf8");
	const bait = '<script>document.title="script ran"</script><img src="http://127.0.0.1:9/bait.png" alt="">';
	const withCsp = path.join(args.out, "canary-csp.html");
	const withoutCsp = path.join(args.out, "canary-no-csp.html");
	fs.writeFileSync(withCsp, html.replace("<main>", "<main>" + bait));
	fs.writeFileSync(withoutCsp, html.replace("<main>", "<main>" + bait).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, ""));
	const a = await observe(browser, withCsp);
	res.must(a.title !== "script ran", "canary: the report's CSP blocks an inline script", a.title);
	res.must(a.console.some((c) => /Content Security Policy/.test(c) && /script/.test(c)),
		"canary: a blocked script is logged as a CSP violation", a.console.join(" | "));
	res.must(a.console.some((c) => /Content Security Policy/.test(c) && /bait\.png/.test(c)),
		"canary: a blocked image is logged as a CSP violation", a.console.join(" | "));
	res.must(a.requests.some((u) => u.includes("bait.png")), "canary: an attempted request is seen even when blocked", a.requests.join(" "));
	const b = await observe(browser, withoutCsp);
	res.must(b.title === "script ran" && b.scripts.length > 0, "canary: without the CSP the script is seen running", JSON.stringify(b));
	res.must(b.requests.some((u) => u.includes("bait.png")), "canary: without the CSP the image request is seen", b.requests.join(" "));
	const flagged = checkMarkup(fs.readFileSync(withoutCsp, "utf8")).map((f) => f[0]);
	res.must(flagged.includes("csp-meta-not-first") && checkMarkup(fs.readFileSync(withCsp, "utf8")).some((f) => f[0] === "markup script-element"),
		"canary: the markup checks see a missing CSP and a script element", flagged.join(", "));
	const lax = html.replace("default-src 'none'", "default-src 'self'").replace("<body>", '<body onload="x()"><a href="javascript:x()">x</a>');
	const laxFlagged = checkMarkup(lax).map((f) => f[0]);
	for (const want of ["csp-directive default-src", "csp-allows default-src", "markup event-handler-attribute", "markup javascript-url"])
		res.must(laxFlagged.includes(want), `canary: the markup checks see ${want}`, laxFlagged.join(", "));
	// Links: the followable shape passes; every other one is caught.
	const link = (a) => html.replace("<main>", `<main><p>${a}x</a></p>`);
	res.must(!checkMarkup(link('<a href="https://example.org/doc" rel="noreferrer noopener">')).some((f) => f[0] === "markup external-href"),
		"canaries: a followable link passes");
	for (const a of ['<a href="https://example.org/doc">', '<a href="https://example.org/doc" rel="noreferrer">',
		'<a href="https://example.org/doc" rel="noreferrer noopener" target="_blank">', '<a href="file:///etc/passwd" rel="noreferrer noopener">',
		'<a href="data:text/html,x" rel="noreferrer noopener">', '<area href="https://example.org/" rel="noreferrer noopener">'])
		res.must(checkMarkup(link(a)).some((f) => f[0] === "markup external-href"), `canary: the markup checks see ${a}`);
	res.must(checkMarkup(link('<a href="https://example.org/doc" rel="noreferrer noopener">').replace('<meta name="referrer" content="no-referrer">', ""))
		.some((f) => f[0] === "markup link-without-no-referrer"), "canary: a link without the no-referrer meta is caught");
	fs.rmSync(withCsp);
	fs.rmSync(withoutCsp);
}

for (const rep of reports) {
	const html = fs.readFileSync(rep.html, "utf8");
	const problems = checkMarkup(html);
	for (const [what, detail] of problems)
		res.finding(`${rep.id} ${what}`, detail);
	if (!problems.length)
		res.ok();
	const seen = await observe(browser, rep.html);
	for (const u of seen.requests)
		res.finding(`${rep.id} request ${u}`);
	for (const u of seen.scripts)
		res.finding(`${rep.id} script-compiled ${u}`);
	for (const c of seen.console)
		res.finding(`${rep.id} console ${c.slice(0, 160)}`);
	if (!seen.requests.length && !seen.scripts.length && !seen.console.length)
		res.ok();
	console.log(`ok ${rep.id}: ${seen.requests.length} requests, ${seen.scripts.length} scripts, ${seen.console.length} console messages`);
}

await browser.close();
res.finish();
