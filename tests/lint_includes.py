#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks every #include "..." of lib/ against the written layer order,
and that lib/output.c is the only file of lib/ that writes files.

A file of lib/ may include the headers of its own module and of modules in
lower layers, and nothing else: an include of a higher layer (upward) or of
another module of the same layer (sideways, the start of a cycle) fails, and
so does any cycle left in the module graph. Every file of lib/ must be
placed in the table below, so that a new module is given its place on
purpose. cmd/ may include only the public dyd.h and its own headers.

It also checks, with --lengths, that no function of lib/ is longer than
120 lines unless the comment just above it says why ("over 120 lines:").

    python3 lint_includes.py --src DIR      check a tree
    python3 lint_includes.py --src DIR --lengths
    python3 lint_includes.py --selftest     check that the checker fails
"""
import argparse
import os
import re
import sys

# Bottom first. Each layer: (name, {module: [file base names]}). A header
# is named with its extension; a bare name stands for NAME.c and NAME.h.
LAYERS = [
    ("strbuf", {"strbuf": ["strbuf"]}),
    ("diag", {"diag": ["diag"]}),
    ("support", {
        "digest": ["digest"],
        "zipmem": ["zipmem"],
        "version": ["version.c"],
        "schema": ["schema.c"],
        "input": ["input"],
        # tz.h declares the civil-time helpers that dtime.c implements.
        "time": ["dtime.c", "tz"],
        "json_out": ["json_out"],
        # libdeflate's wrapper: deflates a bundle's entries for libzip.
        "deflate": ["deflate"],
        # report.html's escaping and markup printf.
        "html_text": ["html_text"],
    }),
    # Ed25519 through libcrypto, for bundle (signing) and verify
    # (checking); it hashes with digest. Writing key files is keygen's.
    ("signatures", {"sign": ["sign"]}),
    ("doc", {"doc": ["doc", "doc_json.c", "doc_yaml.c"]}),
    ("account schema", {"account": ["account"]}),
    # policy_load.h is the loader's state that policy.c shares with
    # policy_source.c, the second reading (sources and citations).
    ("record, policy", {"record": ["record"],
                        "policy": ["policy", "policy_load.h",
                                   "policy_source.c"]}),
    ("record against policy", {"conform": ["conform.c"]}),
    # evaluate_change.c runs the evaluator a second time, before the
    # latest terms update, and compares.
    ("evaluate", {"evaluate": ["evaluate", "evaluate_change.c"]}),
    ("translations", {"i18n": ["i18n"]}),
    # The report view: what the decision means, worked out once for every
    # renderer; report.h names the renderers of the bundle's documents.
    ("view", {"report_view": ["report_view", "report.h"]}),
    # What the parts of report.html share while they write one page.
    ("page kit", {"report_page": ["report_page"]}),
    ("page parts", {"report_timeline": ["report_timeline"],
                    "report_data": ["report_data"]}),
    ("renderers", {
        "decision_json": ["decision_json.c"],
        "status_text": ["status_text.c"],
        "report_json": ["report_json.c"],
        "report_html": ["report_html.c"],
        # the answer of a batch's results lines
        "answer": ["answer"],
    }),
    ("bundle", {"bundle": ["bundle"], "verify": ["verify.c"]}),
    ("output", {"output": ["output"]}),
    # A new key pair (sign) written as two files (output).
    ("key files", {"keygen": ["keygen.c"]}),
    ("export", {"export": ["export"]}),
    ("record streams", {"stream": ["stream"]}),
    # A record looked up in the streams (dyd status --in).
    ("record lookup", {"find": ["find"]}),
    ("batch files", {"batch_results": ["batch_results"],
                     "batch_journal": ["batch_journal"]}),
    ("batch group decision", {"batch_plan": ["batch_plan"]}),
    # batch.h is the state the reader, workers, committer and resume
    # share, as libzip's zipint.h is for its zip_*.c.
    ("batch", {"batch": ["batch", "batch_reader.c", "batch_worker.c",
                         "batch_commit.c", "batch_resume.c"]}),
]

# Known breaks of the order, each to be removed: (file, header).
KNOWN = set()

# Functions over the limit whose file is another change's to restructure:
# (file, function) -> why it is left.
LONG_KNOWN = {
}
MAX_LINES = 120
LONG_REASON = "over 120 lines:"

PUBLIC = "dyd.h"
# Only the writer module touches the disk: the calls that create, change
# or remove files, and opening a file for writing.
WRITER = "output.c"
WRITES = re.compile(
    r"\b(write|pwrite|fwrite|rename|renameat2?|unlink|unlinkat|mkdir|"
    r"mkdirat|rmdir|ftruncate|truncate|link|linkat|symlink|mkstemp|"
    r"mkostemp|fsync|fdatasync|syncfs)\s*\(|O_WRONLY|O_RDWR|O_CREAT|"
    r"fopen\s*\([^;]*\"[wa+]")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def placement(layers):
    """file name -> (layer index, layer name, module)."""
    where = {}
    for index, (name, modules) in enumerate(layers):
        for module, files in modules.items():
            for f in files:
                names = [f] if "." in f else [f + ".c", f + ".h"]
                for n in names:
                    where[n] = (index, name, module)
    return where


def find_cycle(graph):
    """A list of modules forming a cycle in graph, or None."""
    state = {}

    def visit(node, path):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def check(lib_files, cmd_files, layers):
    """lib_files, cmd_files: {name: text}. Returns a list of problems."""
    where = placement(layers)
    problems = []
    graph = {}
    for name in sorted(lib_files):
        if name not in where:
            problems.append(f"lib/{name}: not placed in a layer of "
                            f"tests/lint_includes.py; give it one")
            continue
        index, layer, module = where[name]
        graph.setdefault(module, set())
        text = lib_files[name]
        for m in INCLUDE.finditer(text):
            header = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            at = f"lib/{name}:{line}: '{header}'"
            if header == PUBLIC:
                continue
            if header not in where:
                problems.append(f"{at} is not a header of lib/")
                continue
            hindex, hlayer, hmodule = where[header]
            if hmodule == module:
                continue
            if (name, header) in KNOWN:
                continue
            graph[module].add(hmodule)
            if hindex > index:
                problems.append(f"{at}: upward include, from layer "
                                f"'{layer}' to the higher '{hlayer}'")
            elif hindex == index:
                problems.append(f"{at}: sideways include, from module "
                                f"'{module}' to '{hmodule}' of the same "
                                f"layer '{layer}'")
    for name in sorted(lib_files):
        if name == WRITER:
            continue
        text = lib_files[name]
        for m in WRITES.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"lib/{name}:{line}: '{m.group(0).strip()}' "
                            f"writes a file; only lib/{WRITER} does")
    cycle = find_cycle(graph)
    if cycle:
        problems.append("circular includes: " + " -> ".join(cycle))
    own = {n for n in cmd_files if n.endswith(".h")}
    for name in sorted(cmd_files):
        text = cmd_files[name]
        for m in INCLUDE.finditer(text):
            header = m.group(1)
            if header != PUBLIC and header not in own:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"cmd/{name}:{line}: '{header}' is private "
                                f"to lib/; cmd/ uses only {PUBLIC}")
    return problems


FUNC_START = re.compile(r"^[A-Za-z][^;]*?\b([A-Za-z_][A-Za-z0-9_]*)\(")


def long_functions(files):
    """Functions (a line "{" to a line "}" at column 0) over MAX_LINES
    lines without a reason in the comment above them."""
    problems = []
    for name in sorted(files):
        lines = files[name].split("\n")
        head = None
        for i, line in enumerate(lines):
            if line == "{" and head is None:
                j = i - 1
                while j > 0 and not FUNC_START.match(lines[j]):
                    j -= 1
                head = (j, i)
            elif line == "}" and head is not None:
                first, body = head
                head = None
                count = i - body + 1
                m = FUNC_START.match(lines[first])
                func = m.group(1) if m else "?"
                if count <= MAX_LINES or (name, func) in LONG_KNOWN:
                    continue
                above = "\n".join(lines[max(0, first - 12):first])
                if LONG_REASON in above:
                    continue
                problems.append(f"lib/{name}:{first + 1}: {func}() is "
                                f"{count} lines, over {MAX_LINES}: split "
                                f"it, or say why in a comment above it "
                                f"('{LONG_REASON} ...')")
    return problems


def read_dir(path):
    files = {}
    for name in sorted(os.listdir(path)):
        if name.endswith((".c", ".h")):
            with open(os.path.join(path, name), encoding="utf-8") as f:
                files[name] = f.read()
    return files


def selftest():
    """The checker must catch each kind of bad include, and pass a good
    tree: a checker that passes everything would pass the real tree too."""
    layers = [("low", {"a": ["a"]}),
              ("mid", {"b": ["b"], "c": ["c"]}),
              ("high", {"d": ["d.c"]})]
    good = {"a.h": "", "a.c": '#include "a.h"\n#include "dyd.h"\n',
            "b.h": '#include "a.h"\n', "b.c": '#include "b.h"\n',
            "c.c": '#include "a.h"\n',
            "d.c": '#include "b.h"\n#include "c.h"\n'}
    cases = {
        "upward": ({**good, "a.c": '#include "b.h"\n'}, {}, "upward"),
        "sideways": ({**good, "c.c": '#include "b.h"\n'}, {}, "sideways"),
        "circular": ({**good, "b.c": '#include "c.h"\n',
                      "c.c": '#include "b.h"\n'}, {}, "circular"),
        "unplaced": ({**good, "e.c": ""}, {}, "not placed"),
        "unknown header": ({**good, "a.c": '#include "zz.h"\n'}, {},
                           "not a header"),
        "cmd private": (good, {"main.c": '#include "b.h"\n'}, "private"),
        "a second writer": ({**good, "b.c": "fd = open(p, O_WRONLY);\n"},
                            {}, "only lib/output.c"),
    }
    failures = []
    body = "\n".join(["\tx();"] * (MAX_LINES + 1))
    long_one = {"a.c": f"static void f(void)\n{{\n{body}\n}}\n"}
    said = {"a.c": f"/* {LONG_REASON} a table */\n" + long_one["a.c"]}
    if not any("f() is" in p for p in long_functions(long_one)):
        failures.append("a long function: not reported")
    if long_functions(said):
        failures.append("a long function with a reason was reported")
    if check(good, {"main.c": '#include "dyd.h"\n#include "cli.h"\n',
                    "cli.h": ""}, layers):
        failures.append("a good tree was reported")
    for label, (lib, cmd, want) in cases.items():
        found = check(lib, cmd, layers)
        if not any(want in p for p in found):
            failures.append(f"{label}: not reported (got {found})")
    for f in failures:
        print("selftest:", f)
    total = len(cases) + 3
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src")
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--lengths", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        return selftest()
    if args.lengths:
        problems = long_functions(read_dir(os.path.join(args.src, "lib")))
        for p in problems:
            print(p)
        print(f"{len(problems)} functions of lib/ over {MAX_LINES} lines "
              f"without a reason")
        return 1 if problems else 0
    problems = check(read_dir(os.path.join(args.src, "lib")),
                     read_dir(os.path.join(args.src, "cmd")), LAYERS)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include problems; the layers, bottom first: "
              + " -> ".join(name for name, _ in LAYERS))
        return 1
    print("includes follow the layers: "
          + " -> ".join(name for name, _ in LAYERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
