#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs `dyd status --json` on every case in testdata/decisions/ and
compares the output with the expected decision, worked out by hand from
SPEC 3.3. Also checks that records registered after the as-of instant are
rejected with exit status 3."""
import argparse
import difflib
import hashlib
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--policy", required=True, help="the default policy file")
    args = ap.parse_args()
    td = args.testdata
    env = dict(os.environ, TZ="Asia/Jakarta", LC_ALL="C")
    env.pop("SOURCE_DATE_EPOCH", None)
    passed = failed = 0

    def sha256(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def cases(name):
        path = os.path.join(td, "decisions", name)
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if line:
                    yield line

    def check(case, record, as_of, policy_file=None):
        nonlocal passed, failed
        cmd = [args.dyd, "status", "--json", "--as-of", as_of]
        policy_hash = sha256(args.policy)
        if policy_file:
            path = os.path.join(td, "policies", policy_file)
            cmd += ["--policy", path]
            policy_hash = sha256(path)
        cmd.append(os.path.join(td, "records", record))
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        with open(os.path.join(td, "decisions", case + ".json")) as f:
            want = f.read().replace("POLICY_SHA256", policy_hash)
        if p.returncode == 0 and p.stdout == want and p.stderr == "":
            passed += 1
            print(f"ok {case}")
            return
        failed += 1
        print(f"FAIL {case}: exit {p.returncode}")
        sys.stdout.writelines(p.stderr)
        sys.stdout.writelines(difflib.unified_diff(
            want.splitlines(True), p.stdout.splitlines(True),
            "expected", "dyd"))

    for case, record, as_of in cases("cases.txt"):
        check(case, record, as_of)
    for case, record, as_of, policy in cases("policy-cases.txt"):
        check(case, record, as_of, policy)
    for case, record, as_of in cases("rejected.txt"):
        p = subprocess.run([args.dyd, "status", "--json", "--as-of", as_of,
                            os.path.join(td, "records", record)],
                           capture_output=True, text=True, env=env)
        if p.returncode == 3 and p.stdout == "" and \
                "after the as-of instant" in p.stderr:
            passed += 1
            print(f"ok {case} (rejected)")
        else:
            failed += 1
            print(f"FAIL {case}: exit {p.returncode}, stderr {p.stderr!r}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
