#!/bin/sh
# Renders report.html in a real browser (headless Chromium) and fails when
# the page makes the browser complain: a console message (the page has no
# script, so any message is a fault), a Content-Security-Policy violation or
# a blocked resource. For both languages it writes a desktop screenshot
# (1280 wide), a phone screenshot (390 wide) and a printed PDF, so a person
# can look at them:
#
#   tests/cli/render_html.sh build/dyd /tmp/dyd-render
#
# Exit status: 0 all clean, 1 a check failed, 2 usage, 77 Chromium is not
# available and cannot be installed (ctest's SKIP_RETURN_CODE).
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 DYD-BINARY OUTPUT-DIR" >&2
	exit 2
fi
dyd=$1
out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
as_of=2021-06-01T00:00:00Z
failed=0

if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get install -y chromium >/dev/null 2>&1
	fi
	if ! command -v chromium >/dev/null 2>&1; then
		echo "render_html: chromium is not installed; skipped" >&2
		exit 77
	fi
fi
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)
profiles=$(mktemp -d) || exit 1
trap 'rm -rf "$profiles"' EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	failed=1
}

# chromium LOG ARGS...: runs one headless Chromium with a fresh profile,
# its log in LOG.
chromium_run() {
	log=$1
	shift
	profile=$(mktemp -d "$profiles/profile.XXXXXX") || return 1
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 \
		--hide-scrollbars "$@" >/dev/null 2>"$log"
}

# What Chromium logs when a page misbehaves. Console messages appear as
# "INFO:CONSOLE" or "ERROR:CONSOLE"; CSP reports read "Refused to ..." in
# older versions and "... violates the following Content Security Policy
# directive ... The action has been blocked" in newer ones.
complaints() {
	grep -E 'CONSOLE|Refused to|Content Security Policy|has been blocked|net::ERR_' "$1"
}

# The detector must detect: a page with an inline script and a remote
# image under the same policy has to produce complaints.
canary=$out/canary.html
cat >"$canary" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>canary</title></head>
<body><script>console.error("canary")</script><img src="http://127.0.0.1:9/x.png" alt=""></body></html>
EOF
chromium_run "$out/canary.log" --screenshot="$out/canary.png" \
	--window-size=400,300 "file://$canary"
if ! complaints "$out/canary.log" >/dev/null; then
	fail "chromium reported nothing for a page that breaks its CSP; this check cannot see problems"
fi
rm -f "$canary" "$out/canary.png"

# name record export-options...
render() {
	name=$1
	record=$2
	shift 2
	zip=$out/$name.zip
	html=$out/$name.html

	if ! "$dyd" export --force --as-of "$as_of" "$@" -o "$zip" \
		"$top/testdata/records/$record"; then
		fail "$name: dyd export failed"
		return
	fi
	if ! unzip -p "$zip" report.html >"$html" || [ ! -s "$html" ]; then
		fail "$name: no report.html in $zip"
		return
	fi

	# What the page must be before a browser sees it.
	if [ "$(head -c 15 "$html")" != "<!DOCTYPE html>" ]; then
		fail "$name: report.html does not start with <!DOCTYPE html>"
	fi
	if ! grep -q '^<head>$' "$html" ||
		[ "$(sed -n '/^<head>$/{n;p;q;}' "$html")" != '<meta charset="utf-8">' ]; then
		fail "$name: <meta charset> is not the first thing in <head>"
	fi
	if [ "$(sed -n '/^<head>$/{n;n;p;q;}' "$html" | cut -c1-54)" != \
		'<meta http-equiv="Content-Security-Policy" content="de' ]; then
		fail "$name: the Content-Security-Policy meta tag does not follow <meta charset>"
	fi
	if grep -qiE '<script|<link|<iframe|<object|<embed|@import|url\(|src=' "$html"; then
		fail "$name: report.html has a script or refers to something outside itself"
	fi

	chromium_run "$out/$name-desktop.log" \
		--screenshot="$out/$name-desktop.png" --window-size=1280,2400 \
		"file://$html"
	chromium_run "$out/$name-phone.log" \
		--screenshot="$out/$name-phone.png" --window-size=390,2400 \
		"file://$html"
	chromium_run "$out/$name-print.log" --no-pdf-header-footer \
		--print-to-pdf="$out/$name-print.pdf" "file://$html"
	for f in "$name-desktop.png" "$name-phone.png" "$name-print.pdf"; do
		if [ ! -s "$out/$f" ]; then
			fail "$name: chromium wrote no $f"
		fi
	done
	for log in "$out/$name-desktop.log" "$out/$name-phone.log" \
		"$out/$name-print.log"; do
		if complaints "$log" >&2; then
			fail "$name: chromium complained (see $log)"
		fi
	done
}

render budi-id budi-santoso.json --lang id
render hans-en hans-mueller.yaml --lang en --tz Europe/Berlin

if [ "$failed" = 0 ]; then
	echo "render_html: ok; look at $out/*.png and $out/*.pdf"
fi
exit "$failed"
