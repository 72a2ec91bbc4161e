#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hostile-input corpus (testdata/bad/): every input gets its golden
error message and exit status, within a memory and time bound, never a
crash. Records go through `dyd validate`; .gz inputs through `dyd batch`,
whose error lines are compared (ok lines carry digests that change with
the report's code); NAME.policy.yaml through `dyd export --policy`, which
must write no bundle; .zip bundles through `dyd verify`."""
import argparse
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile

MEMORY_LIMIT = 512 * 1024 * 1024  # an input must not make dyd balloon


def limit():
    # AddressSanitizer reserves terabytes of address space for its shadow
    # memory; under it, its own allocator limits stand in for this one.
    if "ASAN_OPTIONS" not in os.environ:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(args, rel, env, tmp):
    """(exit status wanted, what happened, text to compare) of one input."""
    kw = dict(cwd=os.path.dirname(os.path.abspath(args.testdata)), env=env,
              capture_output=True, text=True, errors="replace",
              preexec_fn=limit)
    if rel.endswith(".gz"):
        out = os.path.join(tmp, "out")
        p = subprocess.run(
            [args.dyd, "batch", "--quiet", "--as-of", "2021-06-01", "-d",
             out, rel], timeout=120, **kw)
        results = os.path.join(out, "results.jsonl")
        got = "".join(l for l in open(results)
                      if json.loads(l)["status"] == "error") \
            if os.path.exists(results) else ""
        return 1, p, got
    if rel.endswith(".policy.yaml"):
        # A record without events, which any policy can evaluate.
        bundle = os.path.join(tmp, "b.zip")
        p = subprocess.run(
            [args.dyd, "export", "--as-of", "2021-06-01", "--policy", rel,
             "-o", bundle, "testdata/records/putri-maharani.yaml"],
            timeout=120, **kw)
        extra = "a bundle was written\n" if os.path.exists(bundle) else ""
        return 3, p, p.stderr + extra
    if rel.endswith(".zip"):
        # With a password, so that libzip goes as far as it can into an
        # encrypted entry.
        p = subprocess.run([args.dyd, "verify", rel], timeout=120,
                           **dict(kw, env=dict(env, DYD_PASSWORD="x")))
        return 5, p, p.stderr
    p = subprocess.run([args.dyd, "validate", "--quiet", rel], timeout=60,
                       **kw)
    return 3, p, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--update", action="store_true",
                    help="rewrite the goldens (review the diff)")
    args = ap.parse_args()
    root = os.path.dirname(os.path.abspath(args.testdata))
    env = dict(os.environ, LC_ALL="C")
    passed = failed = 0
    for path in sorted(glob.glob(os.path.join(root, "testdata/bad/*"))):
        if path.endswith((".py", ".err", ".md")) or os.path.isdir(path):
            continue
        rel = os.path.relpath(path, root)
        tmp = tempfile.mkdtemp(prefix="dyd-bad-")
        try:
            want_status, p, got = run(args, rel, env, tmp)
        except subprocess.TimeoutExpired:
            failed += 1
            print(f"FAIL {rel}: timed out")
            continue
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        golden = path + ".err"
        if args.update:
            with open(golden, "w") as f:
                f.write(got)
        want = open(golden).read() if os.path.exists(golden) else None
        if p.returncode == want_status and got == want:
            passed += 1
            print(f"ok {rel}")
        else:
            failed += 1
            print(f"FAIL {rel}: exit {p.returncode} (want {want_status})\n"
                  f"  got:  {got!r}\n  want: {want!r}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
