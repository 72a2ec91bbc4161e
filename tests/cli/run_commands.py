#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CLI behaviour of dyd status, validate and policy: options, exit
statuses, what goes to stdout and stderr, and what personal data shows."""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

passed = failed = 0


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}")
    else:
        failed += 1
        print(f"FAIL {label} {detail}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--policy", required=True)
    args = ap.parse_args()
    td = args.testdata
    env = dict(os.environ, LC_ALL="C", TZ="UTC")
    env.pop("SOURCE_DATE_EPOCH", None)

    def dyd(*argv, stdin=None, extra_env=None):
        e = dict(env, **(extra_env or {}))
        return subprocess.run([args.dyd] + list(argv), input=stdin,
                              capture_output=True, text=True, env=e)

    budi = os.path.join(td, "records", "budi-santoso.json")
    hans = os.path.join(td, "records", "hans-mueller.yaml")
    with open(budi) as f:
        budi_record = json.load(f)
    with open(args.policy, "rb") as f:
        policy_bytes = f.read()

    # Global options.
    p = dyd("--version")
    check("--version", p.returncode == 0 and p.stdout.startswith("dyd ")
          and hashlib.sha256(policy_bytes).hexdigest() in p.stdout, p.stdout)
    p = dyd("--help")
    check("--help lists commands", p.returncode == 0 and
          all(c in p.stdout for c in ("status", "validate", "policy")))
    p = dyd()
    check("no command: exit 2", p.returncode == 2 and p.stdout == "")
    p = dyd("frobnicate")
    check("unknown command: exit 2",
          p.returncode == 2 and "not a dyd command" in p.stderr)
    for cmd in ("status", "validate", "policy"):
        p = dyd(cmd, "--help")
        check(f"{cmd} --help", p.returncode == 0 and
              p.stdout.startswith(f"usage: dyd {cmd}") and p.stderr == "")
        p = dyd(cmd, "--no-such-option")
        check(f"{cmd} unknown option: exit 2", p.returncode == 2 and
              "unknown option" in p.stderr and p.stdout == "")

    # status: text answer, no personal data beyond id and masked phone.
    p = dyd("status", "--as-of", "2021-06-01", "--lang", "en", budi)
    phone = budi_record["phone"]
    masked = phone[:3] + "*" * (len(phone) - 5) + phone[-2:]
    check("status text", p.returncode == 0 and
          p.stdout.startswith("Account budi.santoso") and
          "You opted out." in p.stdout, p.stdout[:200] + p.stderr)
    check("status masks the phone", masked in p.stdout and
          phone not in p.stdout)
    leaked = [c for c in budi_record.get("contacts", []) if c in p.stdout]
    names = [b["name"] for b in budi_record.get("business_chats", [])
             if b["name"] in p.stdout]
    check("status shows no contacts or business names", not leaked and
          not names, str(leaked + names))
    p = dyd("status", "--verbose", "--as-of", "2021-06-01", budi)
    check("status --verbose shows the phone and hosted businesses",
          p.returncode == 0 and phone in p.stdout and any(
              b["name"] in p.stdout for b in budi_record["business_chats"]
              if b["hosting"] == "parent"))
    p = dyd("status", "--as-of", "2021-06-01", budi)
    check("status speaks the desk's language (LC_ALL=C: en), not the "
          "record's (id)", p.returncode == 0 and
          "You opted out." in p.stdout and "Anda" not in p.stdout)
    p = dyd("status", "--lang", "id", "--as-of", "2021-06-01", hans)
    check("status --lang id over the record's 'de'", p.returncode == 0 and
          "Anda memilih opt-out." in p.stdout)
    p = dyd("status", "--lang", "fr", budi)
    check("status --lang fr: exit 2", p.returncode == 2 and
          "not supported" in p.stderr)
    p = dyd("status", "--explain", "--lang", "en", "--as-of", "2021-06-01",
            hans)
    # Each explained line says why in words, then its rule and sources.
    check("status --explain traces rules", p.returncode == 0 and
          "/categories/0/shares/0 [" in p.stdout and
          " \u2014 your opt-out covers this purpose; rule /terms/0/optout ["
          in p.stdout and "opt_out" not in p.stdout, p.stdout[-500:])
    # Listed once below the lines that point to them: the quote, its
    # language when not English, title, date and address, and notes.
    check("status --explain gives the sources", p.returncode == 0 and
          "\nSources\n  [1] " in p.stdout and
          "] \u201cIf you are an existing user" in p.stdout and
          " (in Indonesian) \u2014 " in p.stdout and
          "https://faq.whatsapp.com/" in p.stdout and
          "about this source: " in p.stdout and
          "note: That the choice was final" in p.stdout, p.stdout[-500:])
    nicolas = os.path.join(td, "records", "nicolas-favre.json")
    p = dyd("status", "--explain", "--as-of", "2021-06-01", nicolas)
    check("status --explain: the region withholds ads only",
          p.returncode == 0 and
          p.stdout.count("(rules of the European Region) \u2014 the rules "
                         "of the European Region withhold it") == 7 and
          "Country CH: in the European Region \u2014 rule /regions/european ["
          in p.stdout and "region:" not in p.stdout, p.stdout[-500:])
    # --short: one line for a ticket.
    p = dyd("status", "--short", "--lang", "en", "--as-of", "2021-06-01",
            nicolas)
    check("status --short: one line", p.returncode == 0 and
          p.stdout.count("\n") == 1 and
          p.stdout.startswith("nicolas.favre (+41") and
          "did not opt out; withheld: Ads and product experiences (rules "
          "of the European Region); as of 2021-06-01 00:00:00 UTC\n"
          in p.stdout, p.stdout)
    # What an overdue account faces depends on the as-of date.
    lukas = os.path.join(td, "records", "lukas-becker.json")
    p = dyd("status", "--lang", "en", "--as-of", "2021-05-20", lukas)
    check("status as of 2021-05-20: limits may come",
          p.returncode == 0 and "since 2021-05-15: " in p.stdout and
          "may face limited functionality" in p.stdout, p.stdout)
    p = dyd("status", "--lang", "en", "--as-of", "2021-07-01", lukas)
    check("status as of 2021-07-01: reminders only, no limits",
          p.returncode == 0 and "since 2021-05-28: " in p.stdout and
          "nothing is limited" in p.stdout and
          "limited functionality" not in p.stdout, p.stdout)
    p = dyd("status", "--as-of", "2016-13-01", budi)
    check("status bad --as-of: exit 2", p.returncode == 2 and
          "--as-of '2016-13-01'" in p.stderr)
    p = dyd("status", budi, hans)
    check("status two records: exit 2", p.returncode == 2)
    p = dyd("status", os.path.join(td, "records", "no-such.json"))
    check("status missing file: exit 4", p.returncode == 4 and
          "cannot open" in p.stderr)
    p = dyd("status", td)
    check("status on a directory: exit 4", p.returncode == 4 and
          "is a directory" in p.stderr)
    p = dyd("status", os.path.join(td, "invalid", "bad-phone.json"))
    check("status invalid record: exit 3", p.returncode == 3 and
          p.stdout == "" and "/phone" in p.stderr)

    # The as-of instant: SOURCE_DATE_EPOCH, and no dependence on TZ.
    with open(budi) as f:
        text = f.read()
    p1 = dyd("status", "--json", "-", stdin=text,
             extra_env={"SOURCE_DATE_EPOCH": "1622505600"})
    p2 = dyd("status", "--json", "--as-of", "2021-06-01T00:00:00Z", budi)
    check("SOURCE_DATE_EPOCH sets the as-of; stdin works",
          p1.returncode == 0 and json.loads(p1.stdout)["as_of"] ==
          "2021-06-01T00:00:00Z" and p1.stdout == p2.stdout)
    p = dyd("status", "--json", budi, extra_env={"SOURCE_DATE_EPOCH": "x"})
    check("bad SOURCE_DATE_EPOCH: exit 2", p.returncode == 2)
    p3 = dyd("status", "--as-of", "2021-06-01", budi,
             extra_env={"TZ": "America/New_York"})
    p4 = dyd("status", "--as-of", "2021-06-01", budi,
             extra_env={"TZ": "Asia/Jakarta"})
    check("status text does not depend on TZ",
          p3.returncode == 0 and p3.stdout == p4.stdout)

    # --policy replaces the default policy.
    minimal = os.path.join(td, "policies", "minimal.yaml")
    p = dyd("status", "--json", "--policy", minimal, "--as-of", "2021-06-01",
            os.path.join(td, "records", "putri-maharani.yaml"))
    check("status --policy", p.returncode == 0 and
          json.loads(p.stdout)["optout"] is None)
    p = dyd("status", "--policy",
            os.path.join(td, "policies", "two-optout.yaml"), budi)
    check("status with a bad --policy: exit 3", p.returncode == 3 and
          "two-optout.yaml:" in p.stderr)

    # validate
    p = dyd("validate", budi, hans)
    check("validate ok", p.returncode == 0 and
          p.stdout == f"{budi}: ok\n{hans}: ok\n" and p.stderr == "")
    bad = os.path.join(td, "invalid", "multiple-errors.json")
    p = dyd("validate", "--json", budi, bad)
    try:
        doc = json.loads(p.stdout)
        files = doc["files"]
        ok = (p.returncode == 3 and files[0]["valid"] and
              files[0]["account_id"] == "budi.santoso" and
              not files[1]["valid"] and len(files[1]["diagnostics"]) == 4 and
              files[1]["diagnostics"][0]["pointer"] == "/region")
    except (ValueError, KeyError, IndexError):
        ok = False
    check("validate --json", ok, p.stdout)
    p = dyd("validate", budi, os.path.join(td, "no-such.json"), bad)
    check("validate: unreadable file wins: exit 4", p.returncode == 4)
    p = dyd("validate", "-", "-")
    check("validate '-' twice: exit 2", p.returncode == 2)
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "big.json")
        with open(big, "w") as f:
            f.write('{"account_id": "x", "contacts": [' +
                    ",".join(['"+6281234567890"'] * 100001) + "]}")
        p = dyd("validate", big)
        check("array over the limit rejected", p.returncode == 3 and
              "longer than the limit of 100000" in p.stderr, p.stderr)
        huge = os.path.join(tmp, "huge.json")
        with open(huge, "w") as f:
            f.truncate(16 * 1024 * 1024 + 1)
        p = dyd("validate", huge)
        check("file over 16 MiB rejected", p.returncode == 3 and
              "larger than the limit" in p.stderr, p.stderr)

    # policy
    p = subprocess.run([args.dyd, "policy", "show"], capture_output=True,
                       env=env)
    check("policy show prints the default policy byte for byte",
          p.returncode == 0 and p.stdout == policy_bytes)
    p = dyd("policy", "show", "--json")
    try:
        doc = json.loads(p.stdout)
        ok = (doc["sha256"] == hashlib.sha256(policy_bytes).hexdigest() and
              doc["policy"]["terms"][0]["optout"]["window_days"] == 30)
    except (ValueError, KeyError):
        ok = False
    check("policy show --json", p.returncode == 0 and ok)
    p = dyd("policy", "check", args.policy, minimal)
    check("policy check ok", p.returncode == 0 and p.stdout.count(": ok") == 2)
    p = dyd("policy", "check", "--json",
            os.path.join(td, "policies", "unknown-region.yaml"))
    try:
        doc = json.loads(p.stdout)
        d = doc["files"][0]["diagnostics"][0]
        ok = d["line"] > 0 and "unknown region" in d["message"]
    except (ValueError, KeyError, IndexError):
        ok = False
    check("policy check --json", p.returncode == 3 and ok, p.stdout)
    p = dyd("policy", "frob")
    check("policy unknown action: exit 2", p.returncode == 2)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
