#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs `dyd validate` on every record in testdata/invalid/ and compares
exit status and stderr with FILE.err; records in invalid/strict/ are valid
with warnings (FILE.warn) and invalid with --strict (FILE.err). Policies in
testdata/policies/ go through `dyd policy check` the same way: FILE.err
when loading fails, FILE.warn (exit 0) and FILE.strict.err (--strict,
exit 3) when only lint finds something."""
import argparse
import difflib
import glob
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    passed = failed = 0
    # Messages name files as given on the command line: run from the
    # directory above testdata/ so they read testdata/...
    root = os.path.dirname(os.path.abspath(args.testdata))
    env = dict(os.environ, LC_ALL="C")

    def run(argv, want_status, want_stderr_file, label):
        nonlocal passed, failed
        p = subprocess.run([args.dyd] + argv, capture_output=True,
                           text=True, cwd=root, env=env, errors="replace")
        with open(os.path.join(root, want_stderr_file)) as f:
            want = f.read()
        if p.returncode == want_status and p.stderr == want:
            passed += 1
            print(f"ok {label}")
            return
        failed += 1
        print(f"FAIL {label}: exit {p.returncode}, expected {want_status}")
        sys.stdout.writelines(difflib.unified_diff(
            want.splitlines(True), p.stderr.splitlines(True),
            "expected", "dyd"))

    def inputs(pattern):
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            if not path.endswith((".err", ".warn", ".txt", ".md")):
                yield os.path.relpath(path, root)

    for rel in inputs("testdata/invalid/*.*"):
        run(["validate", "--quiet", rel], 3, rel + ".err", rel)
    for rel in inputs("testdata/invalid/strict/*.*"):
        run(["validate", "--quiet", rel], 0, rel + ".warn.quiet"
            if os.path.exists(os.path.join(root, rel + ".warn.quiet"))
            else os.devnull, rel + " (warnings, quiet)")
        run(["validate", rel], 0, rel + ".warn", rel + " (warnings)")
        run(["validate", "--quiet", "--strict", rel], 3, rel + ".err",
            rel + " (strict)")
    for rel in inputs("testdata/policies/*.yaml"):
        if os.path.exists(os.path.join(root, rel + ".err")):
            run(["policy", "check", rel], 3, rel + ".err", rel)
        # Valid, with what lint finds: warnings, errors with --strict.
        if os.path.exists(os.path.join(root, rel + ".warn")):
            run(["policy", "check", rel], 0, rel + ".warn",
                rel + " (warnings)")
        if os.path.exists(os.path.join(root, rel + ".strict.err")):
            run(["policy", "check", "--strict", rel], 3,
                rel + ".strict.err", rel + " (strict)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
