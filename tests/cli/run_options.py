#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The command-line conventions every dyd command shares, checked for every
command and option of the option tables (read with 'dyd --dump-options'):
'dyd help CMD', -V, the hint at the nearest command or option for a slip
of spelling, the errors for an ambiguous prefix, a value given to a flag
and a value missing, exit status 4 when standard output cannot be written,
and a bad --tz as a usage error of the command that was given it."""
import argparse
import os
import shutil
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


def typo(word):
    """A slip of one step: two neighbouring letters swapped after the
    first, or, where all are the same, the last one doubled."""
    for i in range(1, len(word) - 1):
        if word[i] != word[i + 1]:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word + word[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    env = dict(os.environ, LC_ALL="C", TZ="UTC",
               SOURCE_DATE_EPOCH="1622505600")
    env.pop("TZDIR", None)
    record = os.path.join(args.testdata, "records", "budi-santoso.json")

    def dyd(*argv, stdout=subprocess.PIPE, extra_env=None, cwd=None,
            close_stdout=False):
        e = dict(env, **(extra_env or {}))
        r = subprocess.run(
            [args.dyd] + list(argv), stdout=stdout, stderr=subprocess.PIPE,
            env=e, cwd=cwd, stdin=subprocess.DEVNULL,
            preexec_fn=(lambda: os.close(1)) if close_stdout else None)
        r.out = r.stdout.decode("utf-8", "replace") if r.stdout else ""
        r.err = r.stderr.decode("utf-8", "replace")
        return r

    # The tables.
    p = dyd("--dump-options")
    commands, tables = [], {}
    for line in p.out.splitlines():
        f = line.split("\t")
        if f[0] == "command":
            commands.append(f[1])
        elif f[0] == "option":
            tables.setdefault(f[1], []).append(
                {"short": None if f[2] == "-" else f[2], "long": f[3],
                 "value": None if f[4] == "-" else f[4]})
    check("dyd --dump-options lists the commands and their options",
          p.returncode == 0 and commands and
          all(tables.get(c) for c in ["dyd"] + commands), p.err)

    def usage_error(p, prefix, first_line):
        """Exit 2, nothing on stdout, the message, then the pointer to
        the command's --help."""
        lines = p.err.splitlines()
        return (p.returncode == 2 and p.out == "" and len(lines) == 2 and
                lines[0] == f"{prefix}: {first_line}" and
                lines[1] == f"Try '{prefix} --help'.")

    # dyd help CMD, dyd help, -V.
    top = dyd("--help")
    p = dyd("help")
    check("'dyd help' is 'dyd --help'", p.returncode == 0 and
          p.out == top.out and p.err == "")
    for cmd in commands:
        p, q = dyd("help", cmd), dyd(cmd, "--help")
        check(f"'dyd help {cmd}' is 'dyd {cmd} --help'",
              p.returncode == 0 and q.returncode == 0 and
              p.out.startswith(f"usage: dyd {cmd}") and p.out == q.out and
              p.err == "")
    p = dyd("help", "help")
    check("'dyd help help' is 'dyd --help'", p.returncode == 0 and
          p.out == top.out)
    p = dyd("help", "expotr")
    check("'dyd help expotr': not a command, with the hint",
          p.returncode == 2 and p.err.startswith(
              "dyd: 'expotr' is not a dyd command; did you mean 'export'?"))
    p = dyd("help", "status", "export")
    check("'dyd help' takes one command",
          usage_error(p, "dyd", "help takes one COMMAND"), p.err)
    p, q = dyd("-V"), dyd("--version")
    check("-V is --version", p.returncode == 0 and
          p.out.startswith("dyd ") and p.out == q.out)

    # The nearest command.
    for cmd in commands:
        t = typo(cmd)
        p = dyd(t)
        check(f"'dyd {t}' suggests '{cmd}'", p.returncode == 2 and
              p.out == "" and p.err.splitlines()[0] ==
              f"dyd: '{t}' is not a dyd command; did you mean '{cmd}'?",
              p.err[:200])
    p = dyd("zzzzzz")
    check("a word near no command gets no hint", p.returncode == 2 and
          p.err.splitlines()[0] == "dyd: 'zzzzzz' is not a dyd command")

    # The nearest option, at the top level and in every command.
    for cmd in ["dyd"] + commands:
        prefix = "dyd" if cmd == "dyd" else f"dyd {cmd}"
        head = [] if cmd == "dyd" else [cmd]
        opts = tables[cmd]
        shorts = {o["short"] for o in opts if o["short"]}
        longs = [o["long"] for o in opts]
        for o in opts:
            name = o["long"]
            t = typo(name)
            p = dyd(*head, f"--{t}", record)
            check(f"{prefix} --{t}: did you mean '--{name}'",
                  usage_error(p, prefix, f"unknown option '--{t}'; did you "
                              f"mean '--{name}'?"), p.err)
            if name[0] not in shorts and len(name) > 1:
                p = dyd(*head, f"-{name}", record)
                check(f"{prefix} -{name}: did you mean '--{name}'",
                      usage_error(p, prefix, f"unknown option '-{name[0]}'; "
                                  f"did you mean '--{name}'?"), p.err)
            if o["value"]:
                for form in [f"--{name}"] + (
                        [f"-{o['short']}"] if o["short"] else []):
                    p = dyd(*head, form)
                    check(f"{prefix} {form} without its value",
                          usage_error(p, prefix,
                                      f"option '{form}' needs a value"),
                          p.err)
            else:
                p = dyd(*head, f"--{name}=1", record)
                check(f"{prefix} --{name}=1: takes no value",
                      usage_error(p, prefix,
                                  f"option '--{name}' takes no value"), p.err)
        p = dyd(*head, "--zzzzzz", record)
        check(f"{prefix} --zzzzzz: no hint",
              usage_error(p, prefix, "unknown option '--zzzzzz'"), p.err)
        p = dyd(*head, "-%", record)
        check(f"{prefix} -%: the unknown letter is named",
              usage_error(p, prefix, "unknown option '-%'"), p.err)
        # Every prefix that two or more options share is ambiguous.
        seen = set()
        for name in longs:
            for k in range(1, len(name)):
                pre = name[:k]
                matches = [n for n in longs if n.startswith(pre)]
                if len(matches) < 2 or pre in longs or \
                        tuple(matches) in seen:
                    continue
                seen.add(tuple(matches))
                listed = ", ".join("--" + n for n in matches)
                p = dyd(*head, f"--{pre}", record)
                check(f"{prefix} --{pre}: ambiguous ({listed})",
                      usage_error(p, prefix, f"option '--{pre}' is "
                                  f"ambiguous ({listed})"), p.err)

    # The word of an unknown short option is no other word of argv.
    p = dyd("status", record, "-q")
    check("an unknown short option after the operand is named",
          usage_error(p, "dyd status", "unknown option '-q'"), p.err)

    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "b.zip")
        p = dyd("export", "-o", bundle, record)
        check("a bundle to verify", p.returncode == 0, p.err)

        # Standard output that cannot be written is exit status 4, for
        # help and version texts as for results.
        outdir = os.path.join(tmp, "out")
        results = [["--help"], ["-V"], ["--version"], ["help"],
                   ["status", record], ["status", "--json", record],
                   ["validate", record], ["validate", "--json", record],
                   ["policy", "show"], ["policy", "show", "--json"],
                   ["policy", "check", os.path.join(
                       args.testdata, "policies", "minimal.yaml")],
                   ["schema"], ["schema", "account"],
                   ["export", "-o", "-", record],
                   ["verify", bundle], ["verify", "--json", bundle],
                   ["batch", "--json", "-d", outdir, record]]
        results += [[cmd, "--help"] for cmd in commands]
        results += [["help", cmd] for cmd in commands]
        with open("/dev/full", "wb") as full:
            for argv in results:
                p = dyd(*argv, stdout=full)
                check(f"dyd {' '.join(argv[:3])} > /dev/full: exit 4",
                      p.returncode == 4 and
                      "dyd: cannot write to standard output: No space left "
                      "on device" in p.err, f"{p.returncode} {p.err}")
        p = dyd("--help", close_stdout=True)
        check("--help with stdout closed: exit 4", p.returncode == 4 and
              "cannot write to standard output" in p.err, p.err)
        p = dyd("validate", "--quiet", record, close_stdout=True)
        check("nothing to write, stdout closed: no error",
              p.returncode == 0 and p.err == "", p.err)

        # A bad --tz: a usage error of the command, before anything is
        # read or written.
        zoneinfo = os.path.join(tmp, "zoneinfo")
        os.makedirs(os.path.join(zoneinfo, "Test"))
        os.makedirs(os.path.join(zoneinfo, "Bad"))
        shutil.copy("/usr/share/zoneinfo/Asia/Jakarta",
                    os.path.join(zoneinfo, "Test", "Zone"))
        with open(os.path.join(zoneinfo, "Bad", "Zone"), "wb") as f:
            f.write(b"TZif2" + b"\0" * 40)
        with open(os.path.join(zoneinfo, "Bad", "Text"), "wb") as f:
            f.write(b"not a zone\n")
        system = "/usr/share/zoneinfo"
        hint = ("give an IANA name such as 'Asia/Jakarta', 'UTC', or an "
                "offset from UTC such as '+07:00' or '-03:30'")
        bad = [("Mars/Olympus", {}, "--tz: unknown time zone 'Mars/Olympus' "
                f"(no zone file {system}/Mars/Olympus): {hint}"),
               ("Asia", {}, "--tz: 'Asia' is not a time zone dyd can use: "
                f"it is not a TZif file ({system}/Asia)"),
               ("../../etc/passwd", {},
                f"--tz: '../../etc/passwd' is not a time zone: {hint}"),
               ("/etc/localtime", {},
                f"--tz: '/etc/localtime' is not a time zone: {hint}"),
               ("", {}, f"--tz: '' is not a time zone: {hint}"),
               ("+24:00", {}, "--tz: '+24:00' is not a time zone: an offset from "
                "UTC is written '+07:00', '+0700' or '+07', from -23:59 to "
                "+23:59"),
               ("Asia/Jakarta", {"TZDIR": zoneinfo}, "--tz: unknown time zone "
                f"'Asia/Jakarta' (no zone file {zoneinfo}/Asia/Jakarta): "
                f"{hint}"),
               ("Bad/Text", {"TZDIR": zoneinfo}, "--tz: 'Bad/Text' is not a "
                "time zone dyd can use: it is not a TZif file "
                f"({zoneinfo}/Bad/Text)")]
        for i, (zone, extra, message) in enumerate(bad):
            out = os.path.join(tmp, f"tz-{i}.zip")
            p = dyd("export", "--tz", zone, "-o", out, record,
                    extra_env=extra)
            check(f"export --tz '{zone}': usage error",
                  usage_error(p, "dyd export", message) and
                  not os.path.exists(out), p.err)
            d = os.path.join(tmp, f"tz-{i}")
            p = dyd("batch", "--tz", zone, "-d", d, record, extra_env=extra)
            check(f"batch --tz '{zone}': usage error, no OUTDIR",
                  usage_error(p, "dyd batch", message) and
                  not os.path.exists(d), p.err)
        # What only the library finds, it says, with the same prefix.
        p = dyd("export", "--tz", "Bad/Zone", "-o", "-", record,
                stdout=subprocess.DEVNULL, extra_env={"TZDIR": zoneinfo})
        lines = p.err.splitlines()
        check("export --tz of a damaged zone file: usage error with the "
              "command's prefix", p.returncode == 2 and lines and
              all(l.startswith("dyd export: ") for l in lines[:-1]) and
              "the TZif file is damaged" in p.err and
              lines[-1] == "Try 'dyd export --help'.", p.err)
        for zone, extra in [("UTC", {"TZDIR": tmp}),
                            ("Etc/UTC", {"TZDIR": tmp}),
                            ("Test/Zone", {"TZDIR": zoneinfo}),
                            ("Asia/Jakarta", {}),
                            ("+07:00", {}), ("-03:30", {}), ("Z", {})]:
            p = dyd("export", "--tz", zone, "-o", "-", record,
                    stdout=subprocess.DEVNULL, extra_env=extra)
            check(f"export --tz {zone} (TZDIR {extra.get('TZDIR')})",
                  p.returncode == 0, p.err)
        d = os.path.join(tmp, "tz-ok")
        p = dyd("batch", "--quiet", "--tz", "Asia/Jakarta", "-d", d, record)
        check("batch --tz Asia/Jakarta", p.returncode == 0 and
              os.path.exists(os.path.join(d, "budi.santoso.zip")), p.err)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
