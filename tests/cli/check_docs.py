#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The option tables, --help, the man pages and the bash completion agree.

Usage: check_docs.py --dyd PATH [--src DIR]

The source of truth is the option tables of cmd/, which the program lists
with the hidden 'dyd --dump-options' (tab-separated: "command NAME SUMMARY"
and "option COMMAND SHORT LONG VALUE HELP", '-' for none). The listing is
read rather than 'dyd CMD --help' so that what --help prints is checked
too, and so that every option says whether it takes a value, which the
checks below hold the pages and the completion to. For each command, and
for dyd itself ("dyd" in the listing, dyd(1) its page):

  - --help lists exactly the table's options, each with its short name and
    value name; its usage lines name no option the table does not have;
    'dyd help CMD' prints the same as 'dyd CMD --help';
  - the page's SYNOPSIS shows every option of the table in one of its
    forms and nothing else ('Fl -policy' is --policy, 'Fl d' is -d), and
    its OPTIONS list has every form of every option and nothing else;
    wherever an option is shown, it is followed by an argument (Ar, Cm)
    exactly when the table says it takes a value;
  - the bash completion, run in bash with bash-completion, offers exactly
    the table's long options after 'dyd CMD x'; after a flag it still
    offers them, after an option that takes a value it does not (it is
    completing the value); at the first word it offers the commands,
    'help' and dyd's own long options; after 'dyd help', the commands.

Also: the commands of the listing are those of 'dyd --help', of dyd(1)'s
COMMANDS and of its SEE ALSO; an option that dyd(1) names under a command
is one of that command's; dyd(3) shows every function of include/dyd.h in
its SYNOPSIS and names it in NAME; every page in man/ passes
'mandoc -T lint -W warning'.

Prints 'N passed, M failed' and exits 1 if anything failed.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

passed = 0
failed = 0


def ok(name):
    global passed
    passed += 1
    print(f"ok   {name}")


def fail(name, why):
    global failed
    failed += 1
    print(f"FAIL {name}: {why}")


def check(name, problems):
    """Passes when problems (a list of strings) is empty."""
    if problems:
        fail(name, "; ".join(problems))
    else:
        ok(name)


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    return r.returncode, r.stdout, r.stderr


# --- the tables -----------------------------------------------------------

class Option:
    def __init__(self, short, long_, value, help_):
        self.short = None if short == "-" else "-" + short
        self.long = "--" + long_
        self.value = None if value == "-" else value
        self.help = help_

    def forms(self):
        return [f for f in (self.short, self.long) if f]


def dump_options(dyd):
    """({command: summary}, {command: [Option]}) from dyd --dump-options;
    the top level is the command "dyd"."""
    rc, out, err = run([dyd, "--dump-options"])
    if rc != 0:
        raise SystemExit(f"dyd --dump-options exited {rc}: {err}")
    commands, tables = {}, {}
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "command" and len(f) == 3:
            commands[f[1]] = f[2]
        elif f[0] == "option" and len(f) == 6:
            tables.setdefault(f[1], []).append(Option(*f[2:]))
        else:
            raise SystemExit(f"dyd --dump-options: unexpected line {line!r}")
    return commands, tables


# --- --help ---------------------------------------------------------------

HELP_OPTION = re.compile(
    r"^  (?:(-[A-Za-z0-9]), )?(--[a-z0-9][a-z0-9-]*)(?: ([^\s-]\S*))?(?:\s|$)")


def help_sections(text):
    """(usage lines, option lines, command names) of a --help text."""
    usage, options, cmds = [], [], []
    part = "usage"
    for line in text.splitlines():
        if line.rstrip() in ("Options:", "Commands:"):
            part = line.rstrip()
            continue
        if part == "usage" and re.match(r"^(usage:|      ) dyd", line):
            usage.append(line)
        elif part == "Options:" and line.startswith("  -"):
            options.append(line)
        elif part == "Commands:":
            m = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
            if m:
                cmds.append(m.group(1))
            elif not line.strip():
                part = None
    return usage, options, cmds


def check_help(dyd, cmd, table):
    argv = [dyd, "--help"] if cmd == "dyd" else [dyd, cmd, "--help"]
    rc, out, err = run(argv)
    if rc != 0 or not out:
        fail(f"{cmd} --help", f"exited {rc}: {err.strip()}")
        return
    usage, lines, _ = help_sections(out)
    shown, problems = set(), []
    for line in lines:
        m = HELP_OPTION.match(line)
        if not m:
            problems.append(f"cannot read the line {line.strip()!r}")
            continue
        shown.add((m.group(1), m.group(2), m.group(3)))
    want = {(o.short, o.long, o.value) for o in table}
    problems += [f"{long_} ({short}, {value}) is not in --help"
                 for short, long_, value in sorted(want - shown, key=str)]
    problems += [f"--help has {long_} ({short}, {value}), the table does not"
                 for short, long_, value in sorted(shown - want, key=str)]
    check(f"{cmd} --help lists the options of the table", problems)

    forms = {f for o in table for f in o.forms()}
    named = set()
    for line in usage:
        named.update(re.findall(r"(?<![\w-])(--?[A-Za-z][a-z0-9-]*)", line))
    check(f"{cmd} --help usage names only options of the table",
          [f"{o} is not an option of {cmd}" for o in sorted(named - forms)])
    if cmd != "dyd":
        rc2, out2, _ = run([dyd, "help", cmd])
        check(f"'dyd help {cmd}' is 'dyd {cmd} --help'",
              [] if rc2 == 0 and out2 == out else
              [f"exit status {rc2}, output differs: {out2[:80]!r}"])


# --- mdoc -----------------------------------------------------------------

MACRO = re.compile(r"^[A-Z][a-z][a-z]?$")
DELIMITERS = {"|", ",", ";", ":", ".", "(", ")", "[", "]", "?", "!"}
VALUE_MACROS = {"Ar", "Cm"}


def words(line):
    """The words of an mdoc macro line, quotes honoured."""
    try:
        return shlex.split(line[1:], posix=True)
    except ValueError:
        return line[1:].split()


def flags(line):
    """The options an mdoc line shows with Fl, each with whether a value
    (Ar or Cm) follows it: 'Fl -policy Ar file' is ('--policy', True),
    'Fl h | -help' is ('-h', False) and ('--help', False)."""
    out = []
    w = words(line) if line.startswith(".") else []
    i = 0
    while i < len(w):
        if w[i] != "Fl":
            i += 1
            continue
        i += 1
        while i < len(w) and not MACRO.match(w[i]):
            if w[i] not in DELIMITERS:
                value = (i + 1 < len(w) and w[i + 1] in VALUE_MACROS)
                out.append(("-" + w[i], value))
            i += 1
    return out


def sections(path):
    """{section name: [lines]} of an mdoc page."""
    out = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(".Sh "):
                current = " ".join(words(line)[1:])
                out[current] = []
            elif current is not None:
                out[current].append(line)
    return out


def list_entries(lines):
    """The entries of the outermost list in lines: (.It line, the lines
    that follow it up to the next entry)."""
    depth = 0
    entries = []
    for line in lines:
        if line.startswith(".Bl"):
            depth += 1
        elif line.startswith(".El"):
            depth -= 1
        elif line.startswith(".It") and depth == 1:
            entries.append((line, []))
            continue
        if entries and depth >= 1:
            entries[-1][1].append(line)
    return entries


def value_problems(where, shown, table):
    """An option shown with an argument it does not take, or without the
    one it takes."""
    takes = {f: o.value is not None for o in table for f in o.forms()}
    return [f"{where}: {f} is shown {'with' if v else 'without'} a value"
            for f, v in shown if f in takes and v != takes[f]]


def check_page(man, cmd, table):
    page = "dyd.1" if cmd == "dyd" else f"dyd-{cmd}.1"
    path = os.path.join(man, page)
    if not os.path.exists(path):
        fail(page, "missing")
        return
    sec = sections(path)
    forms = {f for o in table for f in o.forms()}

    synopsis = sec.get("SYNOPSIS", [])
    if cmd != "dyd":
        names = [" ".join(words(l)[1:]) for l in synopsis
                 if l.startswith(".Nm")]
        check(f"{page} SYNOPSIS names 'dyd {cmd}'",
              [] if names and all(n.split()[:2] == ["dyd", cmd]
                                  for n in names)
              else [f"the SYNOPSIS shows {names or 'no .Nm'}"])
    shown = [f for line in synopsis for f in flags(line)]
    in_synopsis = {f for f, _ in shown}
    check(f"{page} SYNOPSIS shows every option of the table",
          [f"{o.long} is not in the SYNOPSIS" for o in table
           if not set(o.forms()) & in_synopsis])
    check(f"{page} SYNOPSIS has nothing the table does not",
          [f"{f} is not an option of {cmd}"
           for f in sorted(in_synopsis - forms)])
    check(f"{page} SYNOPSIS shows values as the table has them",
          value_problems("SYNOPSIS", shown, table))

    shown = [f for item, _ in list_entries(sec.get("OPTIONS", []))
             for f in flags(item)]
    in_options = {f for f, _ in shown}
    if not in_options:
        fail(f"{page} OPTIONS", "no options found in the OPTIONS list")
        return
    check(f"{page} OPTIONS has every form of every option of the table",
          [f"{f} is not in OPTIONS" for f in sorted(forms - in_options)])
    check(f"{page} OPTIONS has nothing the table does not",
          [f"{f} is not an option of {cmd}"
           for f in sorted(in_options - forms)])
    check(f"{page} OPTIONS shows values as the table has them",
          value_problems("OPTIONS", shown, table))


def check_dyd1_commands(man, commands, tables):
    path = os.path.join(man, "dyd.1")
    if not os.path.exists(path):
        fail("dyd.1", "missing")
        return
    sec = sections(path)
    listed = []
    problems = []
    for item, body in list_entries(sec.get("COMMANDS", [])):
        w = words(item)
        if len(w) < 3 or w[1] != "Ic":
            continue
        cmd = w[2]
        listed.append(cmd)
        forms = {f for o in tables.get(cmd, []) for f in o.forms()}
        named = {f for line in [item] + body for f, _ in flags(line)}
        problems += [f"under {cmd}: {f} is not an option of {cmd}"
                     for f in sorted(named - forms)]
    check("dyd.1 COMMANDS has every command of the table",
          [f"'{c}' is not in COMMANDS" for c in commands if c not in listed])
    check("dyd.1 COMMANDS has nothing the table does not",
          [f"'{c}' is not a command" for c in sorted(set(listed))
           if c not in commands])
    check("dyd.1 COMMANDS names only each command's options", problems)
    see_also = " ".join(sec.get("SEE ALSO", []))
    check("dyd.1 SEE ALSO has every dyd-CMD(1) and dyd(3)",
          [f"no Xr {p}" for p in [f"dyd-{c} 1" for c in commands] +
           ["dyd 3"] if f"Xr {p}" not in see_also])


def check_dyd3(man, header):
    path = os.path.join(man, "dyd.3")
    if not os.path.exists(path):
        fail("dyd.3", "missing")
        return
    with open(header, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
    functions = sorted(set(re.findall(r"\b(dyd_[a-z0-9_]+)\s*\(", text)))
    sec = sections(path)
    shown = set()
    for line in sec.get("SYNOPSIS", []):
        w = words(line) if line.startswith(".") else []
        if len(w) >= 2 and w[0] in ("Fn", "Fo"):
            shown.add(w[1])
    named = set()
    for line in sec.get("NAME", []):
        w = words(line) if line.startswith(".") else []
        if w and w[0] == "Nm":
            named.update(x for x in w[1:] if x not in DELIMITERS)
    check("dyd.3 SYNOPSIS shows every function of dyd.h",
          [f"{f} is not in the SYNOPSIS" for f in functions
           if f not in shown])
    check("dyd.3 SYNOPSIS shows only functions of dyd.h",
          [f"{f} is not in dyd.h" for f in sorted(shown)
           if f not in functions])
    check("dyd.3 NAME names every function of dyd.h",
          [f"{f} is not in NAME" for f in functions if f not in named])
    body = "\n".join(sec.get("DESCRIPTION", []))
    check("dyd.3 DESCRIPTION describes every function of dyd.h",
          [f"{f} is not described" for f in functions
           if not re.search(r"^\.Fn %s\b" % re.escape(f), body, re.M)])


def check_lint(man):
    mandoc = shutil.which("mandoc")
    if not mandoc:
        fail("mandoc lint", "mandoc is not installed (./bootstrap.sh)")
        return
    pages = sorted(p for p in os.listdir(man) if re.search(r"\.[1-9]$", p))
    for page in pages:
        rc, out, err = run([mandoc, "-T", "lint", "-W", "warning",
                            os.path.join(man, page)])
        msg = (out + err).strip()
        check(f"{page} passes mandoc -T lint -W warning",
              [msg or f"exit status {rc}"] if rc != 0 or msg else [])


# --- bash completion ------------------------------------------------------

# Reads one query a line (the words of a command line, separated by \x1f,
# "@" for an empty word) and prints what _dyd offers for the last word,
# one line a query, the words separated by spaces.
COMPLETE = r'''
. "$1" && . "$2" || exit 3
while IFS=$'\x1f' read -r -a q; do
	for i in "${!q[@]}"; do [[ ${q[i]} == @ ]] && q[i]=; done
	COMP_WORDS=("${q[@]}")
	COMP_CWORD=$((${#q[@]} - 1))
	COMP_LINE="${q[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_dyd dyd "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	echo "${COMPREPLY[*]}"
done
'''


def complete_all(completion, queries):
    """What the completion offers for each query (a list of words)."""
    bc = os.environ.get("DYD_BASH_COMPLETION",
                        "/usr/share/bash-completion/bash_completion")
    if not shutil.which("bash") or not os.path.exists(bc):
        return None, f"needs bash and bash-completion ({bc}): ./bootstrap.sh"
    text = "".join("\x1f".join(w or "@" for w in q) + "\n" for q in queries)
    # In an empty directory, so that completing file names offers none.
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["bash", "-c", COMPLETE, "_", bc, completion],
                           input=text, capture_output=True, text=True,
                           cwd=tmp)
    lines = r.stdout.split("\n")
    if r.returncode != 0 or len(lines) < len(queries):
        return None, f"bash exited {r.returncode}: {r.stderr.strip()}"
    return [set(l.split()) for l in lines[:len(queries)]], None


def check_completion(completion, commands, tables):
    queries, what = [], []

    def ask(words_, label, expect):
        queries.append(["dyd"] + words_)
        what.append((label, expect))

    top = {o.long for o in tables.get("dyd", [])}
    ask([""], "dyd <TAB>: the commands, help and dyd's options",
        ("exactly", set(commands) | {"help"} | top))
    ask(["help", ""], "dyd help <TAB>: the commands",
        ("exactly", set(commands)))
    for cmd in commands:
        longs = {o.long for o in tables.get(cmd, [])}
        ask([cmd, "x", "--"], f"dyd {cmd} x --<TAB>: the long options",
            ("exactly", longs))
        for o in tables.get(cmd, []):
            for f in o.forms():
                if o.value:
                    ask([cmd, "x", f, "--"],
                        f"dyd {cmd} x {f} <TAB>: completes the value",
                        ("none of", longs))
                else:
                    ask([cmd, "x", f, "--"],
                        f"dyd {cmd} x {f} --<TAB>: the long options",
                        ("exactly", longs))
    answers, why = complete_all(completion, queries)
    if answers is None:
        fail("bash completion", why)
        return
    for (label, (how, expect)), got in zip(what, answers):
        if how == "exactly":
            check(label, [f"offers {sorted(got - expect)}, lacks "
                          f"{sorted(expect - got)}"] if got != expect else [])
        else:
            check(label, [f"offers {sorted(got & expect)}"]
                  if got & expect else [])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--src", default=os.path.normpath(
        os.path.join(here, "..", "..")))
    args = ap.parse_args()
    man = os.path.join(args.src, "man")
    header = os.path.join(args.src, "include", "dyd.h")
    completion = os.path.join(args.src, "completion", "dyd.bash")

    commands, tables = dump_options(args.dyd)
    rc, out, err = run([args.dyd, "--help"])
    in_help = help_sections(out)[2]
    check("dyd --help lists the commands of the table",
          [] if rc == 0 and in_help == list(commands) else
          [f"exit status {rc}, lists {in_help}, the table has "
           f"{list(commands)}"])
    for cmd in ["dyd"] + list(commands):
        if not tables.get(cmd):
            fail(f"{cmd} table", "no options listed")
            continue
        check_help(args.dyd, cmd, tables[cmd])
        check_page(man, cmd, tables[cmd])
    check_dyd1_commands(man, list(commands), tables)
    if os.path.exists(completion):
        check_completion(completion, list(commands), tables)
    else:
        fail("completion", f"{completion} is missing")
    check_dyd3(man, header)
    check_lint(man)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
