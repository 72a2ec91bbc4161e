#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dyd export and dyd verify: the bundle is a real ZIP that independent
readers open, deterministic, atomic and private; verify catches tampering;
report.html escapes everything that comes from the record."""
import argparse
import glob
import html.parser
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile

passed = failed = 0


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}")
    else:
        failed += 1
        print(f"FAIL {label} {detail}")


HOSTILE = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</style><script>x</script>",
    "javascript:alert(1)",
    "'; background:url(http://example.invalid/x)",
    "\u202eevil\u202c & \u2066bidi\u2069",
]


class PageScan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()
        self.attrs = []
        self.text = []
        self.first_head_child = None
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if tag == "head":
            self.in_head = True
        elif self.in_head and self.first_head_child is None:
            self.first_head_child = (tag, dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    dyd_bin = os.path.abspath(args.dyd)
    td = os.path.abspath(args.testdata)
    env = dict(os.environ, LC_ALL="C")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("DYD_PASSWORD", None)
    budi = os.path.join(td, "records", "budi-santoso.json")
    hans = os.path.join(td, "records", "hans-mueller.yaml")
    tmp = tempfile.mkdtemp(prefix="dyd-bundle-")

    def dyd(*argv, cwd=tmp, extra_env=None, binary=False):
        e = dict(env, **(extra_env or {}))
        return subprocess.run([dyd_bin] + list(argv), cwd=cwd, env=e,
                              capture_output=True, text=not binary)

    def no_temp_files(d=tmp):
        return not glob.glob(os.path.join(d, ".*.tmp-*"))

    try:
        # Default name, mode 0600, real ZIP.
        p = dyd("export", "--as-of", "2021-06-01", budi)
        out = os.path.join(tmp, "budi.santoso.zip")
        check("export writes ACCOUNT_ID.zip", p.returncode == 0 and
              os.path.exists(out), p.stderr)
        mode = stat.S_IMODE(os.stat(out).st_mode) if os.path.exists(out) else 0
        check("bundle is private (0600)", mode == 0o600, oct(mode))
        with zipfile.ZipFile(out) as z:
            names = z.namelist()
            check("python zipfile reads it", z.testzip() is None)
            check("entries sorted", names ==
                  ["manifest.json", "report.html", "report.json"], names)
            manifest = json.loads(z.read("manifest.json"))
            report = json.loads(z.read("report.json"))
            page = z.read("report.html").decode()
            infos = z.infolist()
        check("entries deflated and stamped with the as-of date",
              all(i.compress_type == zipfile.ZIP_DEFLATED and
                  i.date_time == (2021, 6, 1, 0, 0, 0) for i in infos))
        if shutil.which("unzip"):
            u = subprocess.run(["unzip", "-t", out], capture_output=True,
                               text=True)
            check("unzip -t", u.returncode == 0 and
                  "No errors detected" in u.stdout, u.stdout)
        if shutil.which("bsdtar"):
            u = subprocess.run(["bsdtar", "-tf", out], capture_output=True,
                               text=True)
            check("bsdtar lists it", u.returncode == 0 and
                  u.stdout.split() == names)
        check("manifest names the policy and the files",
              manifest["format"] == "dyd.manifest/v1" and
              manifest["account_id"] == "budi.santoso" and
              [f["name"] for f in manifest["files"]] ==
              ["report.html", "report.json"])
        check("report.json carries account and decision",
              report["account"]["account_id"] == "budi.santoso" and
              report["decision"]["optout"]["status"] == "opted_out")

        # Existing file: kept without --force, replaced with it.
        before = open(out, "rb").read()
        p = dyd("export", "--as-of", "2021-07-01", budi)
        check("existing file kept: exit 4", p.returncode == 4 and
              "--force" in p.stderr and open(out, "rb").read() == before)
        p = dyd("export", "--force", "--as-of", "2021-07-01", budi)
        check("--force replaces", p.returncode == 0 and
              open(out, "rb").read() != before)
        check("no temporary files left", no_temp_files())

        # Deterministic whatever TZ, and stdout gives the same bytes.
        outs = []
        for zone in ("UTC", "America/New_York", "Europe/Berlin",
                     "Asia/Jakarta"):
            o = os.path.join(tmp, f"tz-{zone.replace('/', '_')}.zip")
            # 02:30 UTC on 2021-03-28 is inside Berlin's DST gap.
            dyd("export", "--as-of", "2021-03-28T02:30:00Z", "-o", o, hans,
                extra_env={"TZ": zone})
            outs.append(open(o, "rb").read() if os.path.exists(o) else b"")
        check("same bytes under every TZ", outs[0] and
              all(o == outs[0] for o in outs))
        p = dyd("export", "--as-of", "2021-03-28T02:30:00Z", "-o", "-",
                hans, binary=True)
        check("-o - writes the same bytes to stdout",
              p.returncode == 0 and p.stdout == outs[0])
        p = dyd("export", "--level", "9", "--as-of", "2021-03-28T02:30:00Z",
                "-o", "-", hans, binary=True)
        check("--level changes the compression", p.returncode == 0 and
              p.stdout != outs[0] and zipfile.ZipFile(
                  io.BytesIO(p.stdout)).testzip() is None)

        # Bad options and inputs: clear error, documented status, no file.
        for argv, status, words in [
                (["--level", "0"], 2, "--level"),
                (["--tz", "Mars/Olympus"], 2, "unknown time zone"),
                (["--tz", "../../etc/passwd"], 2, "not a time zone"),
                (["--lang", "fr"], 2, "not supported"),
                (["--password-file", "/dev/null"], 2, "--encrypt"),
                (["-o", os.path.join(tmp, "no", "such", "dir.zip")], 4,
                 "temporary file"),
                (["-o", tmp], 4, "is a directory")]:
            p = dyd("export", *argv, budi)
            check(f"export {' '.join(argv)}: exit {status}",
                  p.returncode == status and words in p.stderr, p.stderr)
        p = dyd("export", "-o", "bad.zip",
                os.path.join(td, "invalid", "bad-phone.json"))
        check("invalid record: exit 3, no file", p.returncode == 3 and
              not os.path.exists(os.path.join(tmp, "bad.zip")))
        check("still no temporary files", no_temp_files())

        # verify: good, then tampered in every way.
        p = dyd("verify", out)
        check("verify ok", p.returncode == 0 and p.stdout ==
              f"{out}: ok (not signed; authenticity not checked)\n",
              p.stderr)
        data = open(out, "rb").read()

        def tampered(name, blob):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(blob)
            return path

        def rezip(drop=None, add=None, replace=None):
            buf = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(data)) as src, \
                    zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
                for n in src.namelist():
                    if n == drop:
                        continue
                    body = src.read(n)
                    if replace and n == replace[0]:
                        body = replace[1](body)
                    dst.writestr(n, body)
                if add:
                    dst.writestr(add, b"extra")
            return buf.getvalue()

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            html_info = z.getinfo("report.html")
        flip = bytearray(data)
        flip[html_info.header_offset + 30 + len("report.html") + 20] ^= 0x40
        cases = {
            "flipped.zip": bytes(flip),
            "truncated.zip": data[: len(data) // 2],
            "dropped.zip": rezip(drop="report.html"),
            "added.zip": rezip(add="extra.txt"),
            "edited.zip": rezip(replace=("report.json",
                                         lambda b: b.replace(b"opted_out",
                                                             b"not_opted_out",
                                                             1))),
            "empty.zip": b"",
        }
        for name, blob in cases.items():
            p = dyd("verify", tampered(name, blob))
            check(f"verify {name}: exit 5", p.returncode == 5 and
                  p.stderr.startswith(os.path.join(tmp, name)), p.stderr)
        p = dyd("verify", "--json", out, os.path.join(tmp, "added.zip"))
        try:
            files = json.loads(p.stdout)["files"]
            ok = files[0]["valid"] and not files[1]["valid"]
        except (ValueError, KeyError, IndexError):
            ok = False
        check("verify --json", p.returncode == 5 and ok, p.stdout)
        p = dyd("verify", os.path.join(tmp, "no-such.zip"))
        check("verify missing file: exit 4", p.returncode == 4)

        # Encryption: AES-256 on every entry, password never from argv.
        pw = os.path.join(tmp, "pw")
        with open(pw, "w") as f:
            f.write("correct horse battery staple\n")
        enc = os.path.join(tmp, "enc.zip")
        p = dyd("export", "--encrypt", "--password-file", pw, "-o", enc, budi)
        check("export --encrypt", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            with zipfile.ZipFile(enc) as z:
                check("every entry is AES encrypted",
                      all(i.flag_bits & 1 and i.compress_type == 99
                          for i in z.infolist()))
            p = dyd("verify", enc)
            check("verify without the password: exit 5",
                  p.returncode == 5 and "password" in p.stderr, p.stderr)
            p = dyd("verify", "--password-file", pw, enc)
            check("verify with --password-file", p.returncode == 0,
                  p.stderr)
            p = dyd("verify", enc, extra_env={"DYD_PASSWORD": "wrong"})
            check("verify with a wrong DYD_PASSWORD: exit 5",
                  p.returncode == 5)
            p = dyd("verify", enc, extra_env={
                "DYD_PASSWORD": "correct horse battery staple"})
            check("verify with DYD_PASSWORD", p.returncode == 0, p.stderr)
        p = dyd("export", "--encrypt", "-o", os.path.join(tmp, "e2.zip"),
                budi, extra_env={"DYD_PASSWORD": "pw"})
        check("export --encrypt with DYD_PASSWORD", p.returncode == 0)
        p = subprocess.run([dyd_bin, "export", "--encrypt", "-o",
                            os.path.join(tmp, "e3.zip"), budi], env=env,
                           capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, start_new_session=True)
        check("export --encrypt with no password source: exit 2",
              p.returncode == 2 and "password" in p.stderr, p.stderr)

        # report.html: self-contained, and every record string escaped.
        scan = PageScan()
        scan.feed(page)
        check("CSP meta comes first in <head> after charset",
              "content-security-policy" in page.lower() and
              "<script" not in page.lower() and
              "default-src 'none'" in page)
        rec = json.load(open(budi))
        for i, field in enumerate(["display_name", "about", "photo"]):
            rec["profile"][field] = HOSTILE[i % len(HOSTILE)]
        for dev in rec.get("devices", []):
            for i, field in enumerate(["model", "os", "app_version",
                                       "carrier"]):
                dev[field] = HOSTILE[(i + 3) % len(HOSTILE)]
        for i, g in enumerate(rec.get("groups", [])):
            g["name"] = HOSTILE[i % len(HOSTILE)]
            g["id"] = HOSTILE[(i + 1) % len(HOSTILE)]
        for i, b in enumerate(rec.get("business_chats", [])):
            b["name"] = HOSTILE[(i + 2) % len(HOSTILE)]
            b["business_id"] = HOSTILE[(i + 5) % len(HOSTILE)]
        for i, t in enumerate(rec.get("transactions", [])):
            t["merchant"] = HOSTILE[(i + 4) % len(HOSTILE)]
            t["id"] = HOSTILE[(i + 1) % len(HOSTILE)]
        hostile = os.path.join(tmp, "hostile.json")
        json.dump(rec, open(hostile, "w"), ensure_ascii=False)
        p = dyd("export", "--as-of", "2021-06-01", "-o", "-", hostile,
                binary=True)
        check("export of hostile strings", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            with zipfile.ZipFile(io.BytesIO(p.stdout)) as z:
                hp = z.read("report.html").decode()
            scan = PageScan()
            scan.feed(hp)
            allowed = {"html", "head", "meta", "title", "style", "body",
                       "main", "header", "footer", "section", "article",
                       "nav", "h1", "h2", "h3", "h4", "p", "ul", "ol", "li",
                       "dl", "dt", "dd", "table", "caption", "thead",
                       "tbody", "tfoot", "tr", "th", "td", "span", "strong",
                       "em", "small", "code", "abbr", "time", "bdi", "div",
                       "details", "summary", "svg", "g", "rect", "line",
                       "circle", "text", "path", "desc", "polygon",
                       "tspan", "br", "figure", "figcaption", "a", "kbd",
                       "mark", "b", "i", "s", "sup", "sub", "hr", "colgroup",
                       "col", "pre", "aside", "ellipse", "polyline", "q",
                       "cite"}
            check("no element the template does not make",
                  scan.tags <= allowed, str(scan.tags - allowed))
            bad_attrs = [(k, v) for k, v in scan.attrs
                         if k.startswith("on") or
                         (v and "javascript:" in v.lower())]
            check("no event handler or javascript: attribute",
                  not bad_attrs, str(bad_attrs))
            text = "".join(scan.text)
            check("hostile strings shown as text",
                  "<script>alert(1)</script>" in text and
                  "\"><img src=x onerror=alert(1)>" in text)
            check("bidi controls neutralised",
                  not any(c in hp for c in "\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
