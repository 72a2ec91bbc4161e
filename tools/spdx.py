#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that every source file of the tree says its license,

    SPDX-License-Identifier: MIT

in a comment near its top, and with --fix adds the line where it is missing.

    python3 tools/spdx.py [--root DIR]          check (ctest lint.spdx)
    python3 tools/spdx.py [--root DIR] --fix    add the missing lines
    python3 tools/spdx.py --selftest            check that the checker works

The files are those git knows in DIR (committed or new, not ignored), or
every file under DIR without its build directories when DIR is not a git
tree. RULES says, first match wins, how each kind of file writes a comment,
or why it carries no line (data whose bytes the tests pin, formats with no
comments, the license itself). A file no rule matches fails the check: give
its kind a rule. The line goes first, or after a '#!' line; a file that
already names an SPDX-License-Identifier other than MIT is reported, never
changed.

Exit status: 0 when every file has its line (or --fix added them all), 1
when not, 2 on usage errors.
"""
import argparse
import fnmatch
import os
import subprocess
import sys
import tempfile

TAG = "SPDX-License-Identifier"
LICENSE = "MIT"
# How far down a file the line may be: after a '#!' line and an encoding
# or mode line at most.
HEAD_LINES = 3

COMMENT = {
    "c": "/* %s */",
    "hash": "# %s",
    "slash": "// %s",
    "roff": '.\\" %s',
}

# (glob on the path from the root, style or None, why not); the first match
# decides. Globs match across '/', so 'testdata/*' is the whole directory.
RULES = [
    # Data whose bytes, lines and digests the tests pin, and the generated.
    ("testdata/*.py", "hash", ""),
    ("testdata/*", None, "test inputs and golden outputs, pinned byte for byte"),
    ("debian/libdyd0.symbols", None, "written by tools/symbols.sh --fix"),
    # Formats with no comments, and the license texts themselves.
    ("*.json", None, "JSON has no comments"),
    ("LICENSE", None, "the license itself"),
    ("debian/copyright", None, "the license statement of the packages"),
    ("debian/changelog", None, "the Debian changelog format has no comments"),
    ("debian/source/format", None, "one word dpkg-source reads whole"),
    ("*.md", None, "prose; LICENSE covers it"),
    # Sources.
    ("*.c", "c", ""),
    ("*.h", "c", ""),
    ("*.h.in", "c", ""),
    ("*.css", "c", ""),
    ("*.map", "c", ""),
    ("*.mjs", "slash", ""),
    ("*.js", "slash", ""),
    ("*.py", "hash", ""),
    ("*.sh", "hash", ""),
    ("*.bash", "hash", ""),
    ("*.cmake", "hash", ""),
    ("*.cmake.in", "hash", ""),
    ("*CMakeLists.txt", "hash", ""),
    ("*.yaml", "hash", ""),
    ("*.yml", "hash", ""),
    ("*.pc.in", "hash", ""),
    ("*.[1-9]", "roff", ""),
    ("*.txt", "hash", ""),
    (".clang-format", "hash", ""),
    (".gitignore", "hash", ""),
    (".ci/*", "hash", ""),
    ("debian/rules", "hash", ""),
    ("debian/control", "hash", ""),
    ("debian/*.install", "hash", ""),
    ("debian/*.docs", "hash", ""),
    ("debian/*.lintian-overrides", "hash", ""),
]

SKIP_DIRS = {".git", "node_modules"}


def rule_for(path):
    for pattern, style, why in RULES:
        if fnmatch.fnmatchcase(path, pattern):
            return style, why
    return "unknown", ""


def list_files(root):
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"], capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
        return sorted(n for n in names
                      if os.path.isfile(os.path.join(root, n)))
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and
                   not (rel == "." and x.startswith("build"))]
        names += [os.path.normpath(os.path.join(rel, f)) for f in files]
    return sorted(names)


def header_state(lines):
    """'ok', 'missing', or the other identifier a file names."""
    for line in lines[:HEAD_LINES]:
        if TAG + ":" in line:
            value = line.split(TAG + ":", 1)[1]
            value = value.replace("*/", "").replace("-->", "").strip()
            return "ok" if value == LICENSE else value
    return "missing"


def add_header(text, style):
    line = COMMENT[style] % f"{TAG}: {LICENSE}"
    lines = text.splitlines(keepends=True)
    at = 1 if lines and lines[0].startswith("#!") else 0
    lines.insert(at, line + "\n")
    return "".join(lines)


def run(root, fix, out=sys.stdout):
    problems = []
    fixed = 0
    checked = 0
    for path in list_files(root):
        style, _ = rule_for(path)
        if style is None:
            continue
        if style == "unknown":
            problems.append(f"{path}: no rule says how this kind of file "
                            "carries its license; add one to RULES in "
                            "tools/spdx.py")
            continue
        full = os.path.join(root, path)
        with open(full, "rb") as f:
            data = f.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text; exempt it in RULES "
                            "if it is data")
            continue
        checked += 1
        state = header_state(text.splitlines())
        if state == "ok":
            continue
        if state != "missing":
            problems.append(f"{path}: says {TAG}: {state}, not {LICENSE}")
            continue
        if not fix:
            problems.append(f"{path}: no '{TAG}: {LICENSE}' in its first "
                            f"{HEAD_LINES} lines (tools/spdx.py --fix adds "
                            "it)")
            continue
        mode = os.stat(full).st_mode
        with open(full, "w", encoding="utf-8", newline="") as f:
            f.write(add_header(text, style))
        os.chmod(full, mode)
        fixed += 1
        print(f"added: {path}", file=out)
    for p in problems:
        print(p, file=out)
    if problems:
        print(f"{len(problems)} of {checked} files lack their license line",
              file=out)
        return 1
    print(f"every one of the {checked} source files says "
          f"{TAG}: {LICENSE}" + (f" ({fixed} added)" if fixed else ""),
          file=out)
    return 0


def selftest():
    """The checker must fail on each kind of miss and --fix must mend each
    without harm."""
    cases = {
        "a.c": ("int x;\n", "/* SPDX-License-Identifier: MIT */\nint x;\n"),
        "s.sh": ("#!/bin/sh\necho hi\n",
                 "#!/bin/sh\n# SPDX-License-Identifier: MIT\necho hi\n"),
        "t.mjs": ("// hello\n", "// SPDX-License-Identifier: MIT\n// hello\n"),
        "m/x.1": (".Dd May 1, 2026\n",
                  '.\\" SPDX-License-Identifier: MIT\n.Dd May 1, 2026\n'),
        "p.yaml": ("a: 1\n", "# SPDX-License-Identifier: MIT\na: 1\n"),
        "e.c": ("", "/* SPDX-License-Identifier: MIT */\n"),
    }
    good = "/* SPDX-License-Identifier: MIT */\nint y;\n"
    problems = []
    with tempfile.TemporaryDirectory() as root:
        def write(name, text):
            os.makedirs(os.path.dirname(os.path.join(root, name)) or root,
                        exist_ok=True)
            with open(os.path.join(root, name), "w", newline="") as f:
                f.write(text)

        def read(name):
            with open(os.path.join(root, name), newline="") as f:
                return f.read()

        null = open(os.devnull, "w")
        write("ok.c", good)
        write("testdata/r.yaml", "a: 1\n")  # exempt
        write("data.json", "{}\n")  # exempt
        if run(root, False, null) != 0:
            problems.append("a tree of good and exempt files fails")
        for name, (before, _) in cases.items():
            write(name, before)
            if run(root, False, null) != 1:
                problems.append(f"a missing line in {name} passes")
            os.remove(os.path.join(root, name))
        write("other.c", "/* SPDX-License-Identifier: GPL-2.0 */\n")
        if run(root, True, null) != 1 or not read("other.c").startswith(
                "/* SPDX-License-Identifier: GPL-2.0"):
            problems.append("another license passes or is changed by --fix")
        os.remove(os.path.join(root, "other.c"))
        write("odd.xyz", "x\n")
        if run(root, False, null) != 1:
            problems.append("a file no rule covers passes")
        os.remove(os.path.join(root, "odd.xyz"))
        write("late.c", "a\nb\nc\n/* SPDX-License-Identifier: MIT */\n")
        if run(root, False, null) != 1:
            problems.append("a line below the head of the file passes")
        os.remove(os.path.join(root, "late.c"))
        for name, (before, _) in cases.items():
            write(name, before)
        os.chmod(os.path.join(root, "s.sh"), 0o755)
        if run(root, True, null) != 0:
            problems.append("--fix does not mend every file")
        for name, (_, after) in cases.items():
            if read(name) != after:
                problems.append(f"--fix writes {read(name)!r} for {name}, "
                                f"not {after!r}")
        if not os.access(os.path.join(root, "s.sh"), os.X_OK):
            problems.append("--fix loses the executable bit")
        snapshot = {n: read(n) for n in cases}
        if run(root, True, null) != 0 or any(read(n) != t
                                             for n, t in snapshot.items()):
            problems.append("a second --fix changes files")
        null.close()
    for p in problems:
        print("FAIL " + p)
    print(f"spdx.py selftest: {len(problems)} problems")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--fix", action="store_true")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        return selftest()
    if not os.path.isdir(args.root):
        print(f"spdx.py: '{args.root}' is not a directory", file=sys.stderr)
        return 2
    return run(os.path.normpath(args.root), args.fix)


if __name__ == "__main__":
    sys.exit(main())
