#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dyd status for the support desk: a record looked up with --in by
account id or phone number in every kind of input a batch reads (and
however the record spells the number), the answers when there is no such
record, two, or an invalid one; the desk's language (--lang, DYD_LANG, the
locale) while bundles keep the record's; --tz with zone names and fixed
offsets, on status and export; and plain text on a terminal."""
import argparse
import gzip
import json
import os
import pty
import re
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


LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "DYD_LANG")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    td = args.testdata
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    env.update(TZ="UTC", SOURCE_DATE_EPOCH="1622505600")  # 2021-06-01

    def dyd(*argv, extra_env=None, stdin=None):
        e = dict(env, **(extra_env or {}))
        return subprocess.run([args.dyd] + list(argv), capture_output=True,
                              text=True, env=e, input=stdin)

    records = os.path.join(td, "records")
    json_files = sorted(f for f in os.listdir(records) if f.endswith(".json"))
    yaml_files = sorted(f for f in os.listdir(records) if f.endswith(".yaml"))
    loaded = {}
    for f in json_files:
        with open(os.path.join(records, f)) as fh:
            loaded[f] = json.load(fh)
    budi = os.path.join(records, "budi-santoso.json")

    with tempfile.TemporaryDirectory() as tmp:
        # The inputs: JSON Lines, the same gzip-compressed, a YAML stream
        # of the YAML records, and the directory of records itself.
        jsonl = os.path.join(tmp, "accounts.jsonl")
        with open(jsonl, "w") as fh:
            for f in json_files:
                fh.write(json.dumps(loaded[f], ensure_ascii=False) + "\n")
        gz = jsonl + ".gz"
        with open(jsonl, "rb") as src, gzip.open(gz, "wb") as dst:
            dst.write(src.read())
        stream = os.path.join(tmp, "accounts.yaml")
        starts = {}
        line = 1
        with open(stream, "w") as out:
            for f in yaml_files:
                with open(os.path.join(records, f)) as fh:
                    text = fh.read()
                if not text.startswith("---"):
                    text = "---\n" + text
                if not text.endswith("\n"):
                    text += "\n"
                starts[f] = line
                line += text.count("\n")
                out.write(text)
        line_of = {f: i + 1 for i, f in enumerate(json_files)}

        def answer_of(path):
            return dyd("status", "--lang", "en", path)

        # By account id, in each kind of input: the answer is that of the
        # record file, byte for byte.
        want = answer_of(budi)
        check("the file's own answer", want.returncode == 0 and want.stdout)
        for label, inputs in [("JSON Lines", [jsonl]), ("gzip", [gz]),
                              ("a directory", [records])]:
            p = dyd("status", "--lang", "en", "--in", *inputs,
                    "--account", "budi.santoso")
            check(f"--account in {label}: the file's answer",
                  p.returncode == 0 and p.stdout == want.stdout and
                  p.stderr == "", p.stderr)
        siti = os.path.join(records, "siti-rahayu.yaml")
        p = dyd("status", "--lang", "en", "--in", stream, "--account",
                "siti.rahayu")
        check("--account in a YAML stream: the file's answer",
              p.returncode == 0 and p.stdout == answer_of(siti).stdout,
              p.stderr)
        # Several inputs: --in more than once, and operands after --in
        # (a shell pattern); the record may be in the last.
        p = dyd("status", "--lang", "en", "--in", stream, "--in", gz,
                "--account", "budi.santoso")
        check("two --in: found in the second", p.returncode == 0 and
              p.stdout == want.stdout, p.stderr)
        p = dyd("status", "--lang", "en", "--account", "budi.santoso",
                "--in", stream, gz)
        check("--in PATH PATH: the operands are inputs too",
              p.returncode == 0 and p.stdout == want.stdout, p.stderr)
        with open(jsonl) as fh:
            p = dyd("status", "--lang", "en", "--in", "-", "--account",
                    "budi.santoso", stdin=fh.read())
        check("--in -: standard input", p.returncode == 0 and
              p.stdout == want.stdout, p.stderr)

        # By phone number, typed every way a person does.
        andi = os.path.join(records, "andi-wijaya.json")
        andi_answer = answer_of(andi).stdout
        assert loaded["andi-wijaya.json"]["phone"] == "+6281311112222"
        typed = ["+62 813-1111-2222", "+62 (813) 1111.2222",
                 "+62/813/1111/2222", " +62 813 1111 2222 ",
                 "+62\u00a0813\u20131111\u20132222", "+6281311112222"]
        for t in typed:
            p = dyd("status", "--lang", "en", "--in", gz, "--phone", t)
            check(f"--phone {t!r}", p.returncode == 0 and
                  p.stdout == andi_answer, p.stderr)
        p = dyd("status", "--json", "--in", stream, "--phone",
                "+62 857-1234-5678")
        sitip = dyd("status", "--json", siti)
        check("--phone in a YAML stream (an unquoted number)",
              p.returncode == 0 and p.stdout == sitip.stdout, p.stderr)

        # Awkward spellings of the record's number: JSON escapes, YAML
        # quoting, folding and escapes, separators inside the record.
        base = dict(loaded["budi-santoso.json"])
        del base["phone"]
        rec_json = json.dumps(base)[:-1]
        weird = os.path.join(tmp, "weird.jsonl")
        spellings = [
            '"\\u002B6281234567890"',
            '"+62\\u0038\\u0031\\u00323\\u0034567890"',
            '"\\u002b\\u0036\\u0032812\\u0033456\\u0037890"',
        ]
        with open(weird, "w") as fh:
            for i, sp in enumerate(spellings):
                fh.write(rec_json.replace('"budi.santoso"',
                                          f'"weird.{i}"') +
                         f', "phone": {sp}}}\n')
        for i in range(len(spellings)):
            p = dyd("status", "--json", "--in", weird, "--account",
                    f"weird.{i}")
            ok = p.returncode == 0
            p2 = dyd("status", "--json", "--in", weird, "--phone",
                     "+62 812 3456 7890")
            # All three have the number: found three times.
            check(f"JSON spelling {spellings[i]} is the number",
                  ok and p2.returncode == 3 and
                  f"weird.jsonl:{i + 1} (weird.{i})" in p2.stderr,
                  p.stderr + p2.stderr)
        yaml_head = ("registered_at: 2014-03-12T08:15:00+07:00\n"
                     "region: ID\nevents: []\n")
        yaml_spellings = [
            "phone: +6281234567890\n",
            "phone: '+6281234567890'\n",
            'phone: "\\x2B62\\u0038\\U00000031234567890"\n',
            'phone: "+62812\\\n    34567890"\n',
            "phone: >-\n  +6281234567890\n",
        ]
        for i, sp in enumerate(yaml_spellings):
            path = os.path.join(tmp, f"w{i}.yaml")
            with open(path, "w") as fh:
                fh.write(f"---\naccount_id: y.{i}\n" + yaml_head + sp)
            p = dyd("status", "--json", "--in", path, "--phone",
                    "+62 812-3456-7890")
            check(f"YAML spelling {sp.strip()!r}", p.returncode == 0 and
                  json.loads(p.stdout or "{}").get("account_id") ==
                  f"y.{i}", p.stderr)
        # A record whose number has spaces matches, and is invalid.
        spaced = os.path.join(tmp, "spaced.yaml")
        with open(spaced, "w") as fh:
            fh.write("---\naccount_id: other\nphone: '+1 202 555 0100'\n" +
                     yaml_head + "---\naccount_id: s.1\n" + yaml_head +
                     "phone: +62 812 3456 7890\n")
        p = dyd("status", "--in", spaced, "--phone", "+6281234567890")
        check("a record's number with spaces: found, invalid, its line",
              p.returncode == 3 and p.stdout == "" and
              re.search(r"spaced\.yaml:12:\d+: error: /phone: not an "
                        r"E\.164", p.stderr) and
              "the record with the phone number +62*********90, at "
              f"{spaced}:7, is invalid" in p.stderr, p.stderr)

        # Not found: exit 3, nothing on stdout, how much was read; the
        # number masked unless --verbose.
        p = dyd("status", "--in", gz, "--phone", "+62 812 0000 0000")
        n = len(json_files)
        check("not found: exit 3 and the records read",
              p.returncode == 3 and p.stdout == "" and
              f"no record has the phone number +62*********00 in {gz} "
              f"({n} records read)" in p.stderr, p.stderr)
        check("not found: the number is masked", "81200000000" not in
              p.stderr)
        p = dyd("status", "--verbose", "--in", gz, "--phone",
                "+62 812 0000 0000")
        check("not found --verbose: the number in full",
              p.returncode == 3 and "+6281200000000" in p.stderr)
        p = dyd("status", "--in", gz, "--phone", "+41 791")
        check("not found: a short number is masked whole, as in answers",
              p.returncode == 3 and "phone number +***** in" in p.stderr,
              p.stderr)
        p = dyd("status", "--in", gz, stream, records, "--account",
                "budi.santos")
        check("not found in 3 inputs (an id that is a prefix)",
              p.returncode == 3 and "'budi.santos' in 3 inputs" in p.stderr,
              p.stderr)

        # Found twice: every place, exit 3.
        p = dyd("status", "--in", jsonl, "--in", records, "--account",
                "budi.santoso")
        check("found twice: both places, exit 3", p.returncode == 3 and
              p.stdout == "" and
              f"2 records have the account id 'budi.santoso': "
              f"{jsonl}:{line_of['budi-santoso.json']}, {budi}" in p.stderr,
              p.stderr)
        # Two records of the test data share a number.
        phone = loaded["budi-santoso.json"]["phone"]
        assert loaded["odd-fields.json"]["phone"] == phone
        p = dyd("status", "--in", gz, "--phone", phone)
        check("one number, two accounts: both ids, and what to do",
              p.returncode == 3 and
              f"{gz}:{line_of['budi-santoso.json']} (budi.santoso), "
              f"{gz}:{line_of['odd-fields.json']} (odd.fields)" in p.stderr
              and "--account ID" in p.stderr, p.stderr)

        # An invalid match: its problems, with their lines.
        bad = os.path.join(tmp, "bad.jsonl")
        with open(bad, "w") as fh:
            fh.write(json.dumps(loaded["andi-wijaya.json"]) + "\n")
            fh.write(json.dumps(dict(loaded["budi-santoso.json"],
                                     region="XX")) + "\n")
        p = dyd("status", "--in", bad, "--account", "budi.santoso")
        check("invalid match: its problem at its line, exit 3",
              p.returncode == 3 and p.stdout == "" and
              f"{bad}:2: error: /region" in p.stderr and
              f"at {bad}:2, is invalid" in p.stderr, p.stderr)
        later = dyd("status", "--as-of", "2010-01-01", "--in", gz,
                    "--account", "budi.santoso")
        check("registered after --as-of: exit 3, where it is",
              later.returncode == 3 and
              f"(the record is at {gz}:{line_of['budi-santoso.json']})"
              in later.stderr, later.stderr)

        # What cannot be read is said; the lookup goes on.
        with open(gz, "rb") as fh:
            data = fh.read()
        cut = os.path.join(tmp, "cut.jsonl.gz")
        with open(cut, "wb") as fh:
            fh.write(data[:len(data) // 2])
        last = json_files[-1]  # in the half that is cut off
        p = dyd("status", "--lang", "en", "--in", cut, gz, "--account",
                loaded[last]["account_id"])
        check("a truncated gzip: a warning, the answer from the next",
              p.returncode == 0 and
              re.search(r"cut\.jsonl\.gz:\d+: warning: .*truncated",
                        p.stderr) and
              p.stdout == answer_of(os.path.join(records, last)).stdout,
              p.stderr)
        p = dyd("status", "--in", cut, "--account", "nobody")
        check("not found after a truncated gzip: it may be there",
              p.returncode == 3 and "it may be there" in p.stderr, p.stderr)
        broken = os.path.join(tmp, "broken.jsonl")
        with open(broken, "w") as fh:
            fh.write('{"account_id": "budi.santoso", "phone": \n')
        p = dyd("status", "--in", broken, "--account", "budi.santoso")
        check("a broken record that names it: a warning at its line",
              p.returncode == 3 and
              f"{broken}:1: warning: a record here holds the account id "
              "sought but cannot be parsed" in p.stderr, p.stderr)

        # Usage and I/O errors, before any input is read.
        p = dyd("status", "--in", os.path.join(tmp, "none.jsonl"), gz,
                "--account", "budi.santoso")
        check("an input that is not there: exit 4", p.returncode == 4 and
              "none.jsonl: error: cannot open" in p.stderr, p.stderr)
        for argv, what in [
                (["--in", gz], "--in needs --account"),
                (["--account", "x"], "--account needs --in"),
                (["--phone", "+62811", budi], "--phone needs --in"),
                (["--in", gz, "--account", "x", "--phone", "+62811"],
                 "not both"),
                (["--in", gz, gz, "--account", "x"], "given twice"),
                (["--in", "-", "--in", "-", "--account", "x"],
                 "given twice"),
                (["--in", gz, "--account", "a/b"], "is not an account id"),
                (["--in", gz, "--phone", "0813-9999-1111"],
                 "starts with '+'"),
                (["--in", gz, "--phone", "+62 813-9999-111O"],
                 "character 17 of the phone number"),
                (["--in", gz, "--phone", "+62 813 9999 1111 1234"],
                 "2 to 15 digits"),
                (["--in", gz, "--phone", "+0 813 9999 1111"],
                 "no country code starts with 0"),
        ]:
            p = dyd("status", *argv)
            # A mistyped number is not quoted back.
            check(f"usage: {what}", p.returncode == 2 and p.stdout == "" and
                  what in p.stderr and "9999" not in p.stderr, p.stderr)

        # The desk's language: --lang, DYD_LANG, the locale, English.
        # Budi's record says "id"; it does not count.
        ID, EN = "Anda memilih opt-out.", "You opted out."
        for extra, lang in [
                ({}, EN),
                ({"LANG": "id_ID.UTF-8"}, ID),
                ({"LANG": "id"}, ID),
                ({"LANG": "en_US.UTF-8"}, EN),
                ({"LANG": "de_DE.UTF-8"}, EN),
                ({"LANG": "C.UTF-8"}, EN),
                ({"LANG": "POSIX"}, EN),
                ({"LC_MESSAGES": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, ID),
                ({"LC_ALL": "C", "LC_MESSAGES": "id_ID", "LANG": "id_ID"},
                 EN),
                ({"LC_ALL": "id_ID.UTF-8@x", "LANG": "en_US"}, ID),
                ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "id_ID"}, ID),
                ({"LC_ALL": "de_DE", "LANG": "id_ID"}, EN),
                ({"DYD_LANG": "en", "LC_ALL": "id_ID.UTF-8"}, EN),
                ({"DYD_LANG": "id", "LC_ALL": "C"}, ID),
                ({"DYD_LANG": "", "LANG": "id_ID"}, ID),
        ]:
            p = dyd("status", budi, extra_env=extra)
            check(f"language with {extra}: {lang[:4]}",
                  p.returncode == 0 and lang in p.stdout, p.stderr)
        p = dyd("status", "--lang", "en", budi,
                extra_env={"DYD_LANG": "id", "LC_ALL": "id_ID"})
        check("--lang over DYD_LANG and the locale",
              p.returncode == 0 and EN in p.stdout)
        p = dyd("status", budi, extra_env={"DYD_LANG": "fr"})
        check("DYD_LANG=fr: exit 2", p.returncode == 2 and
              "DYD_LANG 'fr' is not supported" in p.stderr, p.stderr)
        p = dyd("status", "--in", gz, "--account", "budi.santoso",
                extra_env={"LANG": "id_ID.UTF-8"})
        check("a looked-up record: the locale's language too",
              p.returncode == 0 and ID in p.stdout)
        p1 = dyd("status", "--json", budi, extra_env={"LANG": "id_ID"})
        p2 = dyd("status", "--json", budi, extra_env={"DYD_LANG": "en"})
        check("the JSON does not depend on the language",
              p1.returncode == 0 and p1.stdout == p2.stdout)

        # export keeps the record's language, whatever the desk's.
        bundles = []
        for i, extra in enumerate([{}, {"DYD_LANG": "en",
                                        "LC_ALL": "en_US.UTF-8",
                                        "LANG": "en_US.UTF-8"}]):
            out = os.path.join(tmp, f"b{i}.zip")
            p = dyd("export", "-o", out, budi, extra_env=extra)
            with open(out, "rb") as fh:
                bundles.append(fh.read())
            with zipfile.ZipFile(out) as z:
                html = z.read("report.html").decode()
            check(f"export with {extra or 'no locale'}: the record's "
                  "language", p.returncode == 0 and
                  '<html lang="id"' in html, p.stderr)
        check("export: the same bytes whatever the locale",
              bundles[0] == bundles[1])

        # --tz on status: zone names and fixed offsets.
        utc = dyd("status", "--lang", "en", budi).stdout
        jkt = dyd("status", "--lang", "en", "--tz", "Asia/Jakarta", budi)
        off = dyd("status", "--lang", "en", "--tz", "+07:00", budi)
        check("status --tz Asia/Jakarta", jkt.returncode == 0 and
              "as of 2021-06-01 07:00:00 WIB" in jkt.stdout and
              "2016-09-03 19:42:10 WIB" in jkt.stdout, jkt.stdout[:300])
        check("status --tz +07:00", off.returncode == 0 and
              "as of 2021-06-01 07:00:00 +07:00" in off.stdout and
              "2016-09-03 19:42:10 +07:00" in off.stdout, off.stdout[:300])
        check("status: UTC by default", "as of 2021-06-01 00:00:00 UTC" in
              utc and "2016-09-03 12:42:10 UTC" in utc, utc[:300])
        for z in ("-0330", "+05", "Z", "UTC", "America/St_Johns"):
            p = dyd("status", "--tz", z, "--in", gz, "--account",
                    "budi.santoso")
            check(f"status --tz {z}", p.returncode == 0, p.stderr)
        p = dyd("status", "--tz", "Mars/Olympus", budi)
        check("status --tz unknown: exit 2", p.returncode == 2 and
              "--tz" in p.stderr and p.stdout == "", p.stderr)
        p = dyd("status", "--tz", "+24:00", budi)
        check("status --tz +24:00: exit 2", p.returncode == 2)
        j1 = dyd("status", "--json", "--tz", "Asia/Jakarta", budi)
        j2 = dyd("status", "--json", budi)
        check("status --json is in UTC whatever --tz",
              j1.returncode == 0 and j1.stdout == j2.stdout)
        # and on export, for report.html.
        for z, mark in [("+07:00", "+07:00"), ("Asia/Jakarta", "WIB"),
                        ("-03:30", "-03:30")]:
            out = os.path.join(tmp, "tz.zip")
            p = dyd("export", "--force", "-o", out, "--tz", z, budi)
            with zipfile.ZipFile(out) as zf:
                html = zf.read("report.html").decode()
            check(f"export --tz {z}", p.returncode == 0 and mark in html,
                  p.stderr)

        # No colour: plain text on a terminal too, whatever NO_COLOR says.
        for extra in ({}, {"NO_COLOR": "1"}, {"TERM": "xterm-256color"}):
            master, slave = pty.openpty()
            proc = subprocess.Popen(
                [args.dyd, "status", "--lang", "en", budi], stdout=slave,
                stderr=slave, env=dict(env, **extra))
            os.close(slave)
            chunks = []
            while True:
                try:
                    b = os.read(master, 65536)
                except OSError:
                    break
                if not b:
                    break
                chunks.append(b)
            os.close(master)
            proc.wait()
            seen = b"".join(chunks).decode()
            check(f"on a terminal {extra}: the same text, no escapes",
                  proc.returncode == 0 and "\x1b" not in seen and
                  seen.replace("\r\n", "\n") == utc, repr(seen[:80]))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
