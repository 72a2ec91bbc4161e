#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shards of one batch running at the same time in one output directory,
without a scheduler, and two runs of one shard.

--case shards (ctest cli.batch_shards_concurrent):

  1. Two shards read their input from pipes that the test fills, so that
     both are certainly in the middle of their run, in one directory, at
     the same time. Meanwhile: a second run of a running shard, without
     --resume, refuses to start and changes nothing; one shard is killed
     (kill -9) and resumed while the other still runs, which must not
     notice. Both then end as the unsharded run, byte for byte.
  2. The GNU parallel recipe of dyd-batch(1), run as printed there (and
     as README.md shows it): the output must be the unsharded run's, the
     exit status of parallel the number of shards with a failed record,
     and the page's merge recipe must give back the unsharded results.jsonl
     byte for byte.
  3. The Kubernetes Indexed Job of dyd-batch(1): its pods' command, run
     as the Job would (one process per index, all at once, in the volume's
     directory), with one pod stopped mid-run and killed, as at the end of
     an eviction's grace period, then started again: every pod must end
     with status 0 and the directory as the unsharded run.

--case same-shard (ctest cli.batch_same_shard_lock): a run of one shard
is in the middle of its run, and the same command is started again with
--resume, as a scheduler that retries a task too early does. The second
must fail at once, with exit status 2, and leave the first alone, which
then ends as the unsharded run's shard. This is the expectation of the
lock of shard runs (issue 18), and it fails until that lock exists: the
second run empties the first's temporary directory and runs the shard
over again, so the first stops with exit status 4, or both write lines.

Usage: concurrent_shards.py --case shards|same-shard --dyd PATH
                            --testdata DIR --man dyd-batch.1
                            --readme README.md [--keep]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import shardlib  # noqa: E402

AS_OF = "2026-11-29"


class Piped:
    """dyd batch reading standard input from the test, which thus decides
    how far it can get."""

    def __init__(self, cwd, *argv):
        self.p = subprocess.Popen(["dyd", "batch", *argv], cwd=cwd,
                                  stdin=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  preexec_fn=shardlib.die_with_parent)

    def feed(self, lines, close=False):
        self.p.stdin.write("".join(l + "\n" for l in lines).encode())
        self.p.stdin.flush()
        if close:
            self.p.stdin.close()

    def wait(self, seconds=120):
        self.p.wait(seconds)
        return self.p.returncode, self.p.stderr.read().decode(
            errors="replace")

    def kill(self):
        self.p.kill()
        self.p.wait()


def wait_lines(path, at_least=1, seconds=60, procs=()):
    """Waits until the results file has committed lines, or fails."""
    end = time.monotonic() + seconds
    while shardlib.count_lines(path) < at_least:
        for p in procs:
            if p.p.poll() is not None:
                raise RuntimeError(f"{path}: its run ended "
                                   f"({p.p.returncode}) before a line: "
                                   f"{p.p.stderr.read().decode()}")
        if time.monotonic() > end:
            raise RuntimeError(f"{path}: no line after {seconds} s")
        time.sleep(0.01)


def clean_prefix(path, want):
    """A results file is always a prefix of the clean run's: it only ever
    grows by lines of the run's own records, in input order."""
    have = shardlib.read_lines(path)
    return have == want[:len(have)]


def snapshot(path):
    with open(path, "rb") as f:
        return f.read()


def unsharded(check, cwd, lines, *argv, stdin=True):
    r = subprocess.run(["dyd", "batch", "--quiet", *argv], cwd=cwd,
                       input="".join(l + "\n" for l in lines).encode()
                       if stdin else None, capture_output=True)
    check(f"the unsharded run ({' '.join(argv)}): exit 1, some records "
          "failed", r.returncode == 1, r.stderr)


def piped_shards(check, tmp, lines):
    """1. Two shards at once, a refused second run, a kill and resume."""
    os.mkdir(f"{tmp}/pipe")
    unsharded(check, f"{tmp}/pipe", lines, "--as-of", AS_OF, "-d", "ref", "-")
    ref = f"{tmp}/pipe/ref"
    clean = shardlib.shard_lines(ref, 2)
    want = [shardlib.expected_status(l) for l in clean]
    half = len(lines) // 2
    out = f"{tmp}/pipe/out"
    res = [f"{out}/results-{k}-of-2.jsonl" for k in (0, 1)]
    argv = [["--as-of", AS_OF, "--quiet", "--shard", f"{k}/2", "-d", "out",
             "-"] for k in (0, 1)]
    runs = [Piped(f"{tmp}/pipe", *a) for a in argv]
    try:
        for k in (0, 1):
            runs[k].feed(lines[:half])
        for k in (0, 1):
            wait_lines(res[k], procs=[runs[k]])
        check("two shards are in the middle of their runs in one directory, "
              "each with its own temporary directory",
              all(r.p.poll() is None for r in runs) and
              all(os.path.isdir(f"{out}/.dyd-{k}-of-2-tmp") for k in (0, 1)),
              sorted(os.listdir(out))[:8])

        again = subprocess.run(["dyd", "batch", *argv[1]], cwd=f"{tmp}/pipe",
                               input="".join(l + "\n" for l in lines).encode(),
                               capture_output=True, timeout=60)
        check("a second run of a running shard, without --resume, refuses "
              "to start: exit 2", again.returncode == 2, again.stderr)
        check("... and the running shard went on undisturbed",
              clean_prefix(res[1], clean[1]) and runs[1].p.poll() is None
              and os.path.isdir(f"{out}/.dyd-1-of-2-tmp"))

        runs[0].kill()
        resumed = subprocess.run(["dyd", "batch", "--resume", *argv[0]],
                                 cwd=f"{tmp}/pipe", capture_output=True,
                                 input="".join(l + "\n"
                                               for l in lines).encode(),
                                 timeout=120)
        check("shard 0, killed with kill -9, resumed while shard 1 runs",
              resumed.returncode == want[0], resumed.stderr)
        check("... and shard 1 did not notice",
              clean_prefix(res[1], clean[1]) and runs[1].p.poll() is None
              and os.path.isdir(f"{out}/.dyd-1-of-2-tmp"))
        runs[1].feed(lines[half:], close=True)
        rc, err = runs[1].wait()
        check("shard 1 then finishes", rc == want[1], err)
    finally:
        for r in runs:
            if r.p.poll() is None:
                r.kill()
    shardlib.compare_sharded(check, "two shards at once", ref, out, 2)


def parallel_recipe(check, args, tmp, ref):
    """2. GNU parallel, as dyd-batch(1) and README.md print it."""
    block = shardlib.man_blocks(args.man, "On one machine, with GNU parallel")
    cmds = shardlib.commands(block[0])
    merge = shardlib.commands(shardlib.man_blocks(
        args.man, "Merging and checking the results of shards")[-1])
    for marker, man_cmds in (("parallel dyd batch", cmds),
                             ("sort_by(.source", merge)):
        shown = shardlib.commands(shardlib.readme_block(args.readme, marker))
        check(f"README.md shows the commands of dyd-batch(1): {marker}",
              all(c in man_cmds for c in shown), shown)
    n = 4
    check("the recipe runs 4 shards, with the as-of time of the test",
          any(f"--shard {{}}/{n}" in c and f"--as-of {AS_OF}" in c
              for c in cmds), cmds)
    os.mkdir(f"{tmp}/parallel")
    shutil.copy(f"{tmp}/in.jsonl.gz", f"{tmp}/parallel")
    want = [shardlib.expected_status(l) for l in shardlib.shard_lines(ref, n)]
    for c in cmds:
        r = subprocess.run(["sh", "-c", c], cwd=f"{tmp}/parallel",
                           capture_output=True, text=True, timeout=300)
        if c.startswith("parallel "):
            check(f"parallel: exit {sum(want)}, the number of shards with a "
                  "failed record", r.returncode == sum(want),
                  f"{r.returncode}: {r.stderr}")
    shardlib.compare_sharded(check, "GNU parallel", ref,
                             f"{tmp}/parallel/out", n)
    for c in merge:
        r = subprocess.run(["sh", "-c", c], cwd=f"{tmp}/parallel",
                           capture_output=True, text=True, timeout=120)
        check("the merge recipe runs", r.returncode == 0, r.stderr)
    check("the merged results are the unsharded results.jsonl, byte for byte",
          snapshot(f"{tmp}/parallel/results.jsonl") ==
          snapshot(f"{ref}/results.jsonl"))


def k8s_recipe(check, args, tmp, ref):
    """3. The pods of the Kubernetes Indexed Job, one process each."""
    job = yaml.safe_load(shardlib.man_blocks(
        args.man, "A Kubernetes Indexed Job")[0])
    spec = job["spec"]
    pod = spec["template"]["spec"]
    box = pod["containers"][0]
    n = spec["completions"]
    mounts = {m["mountPath"] for m in box["volumeMounts"]}
    check("an Indexed Job, all pods at once, a pod replaced only once it "
          "has ended, restarted on failure",
          job["kind"] == "Job" and spec["completionMode"] == "Indexed" and
          spec["parallelism"] == n and
          spec["podReplacementPolicy"] == "Failed" and
          pod["restartPolicy"] == "OnFailure", spec)
    check("the pods work in the shared volume, on its in.jsonl.gz, with "
          "the test's as-of time",
          box["workingDir"] in mounts and "in.jsonl.gz" in box["command"][-1]
          and f"--as-of {AS_OF}" in box["command"][-1] and
          f'"$JOB_COMPLETION_INDEX/{n}"' in box["command"][-1], box)
    data = f"{tmp}/k8s"  # stands for the volume, at workingDir
    os.mkdir(data)
    shutil.copy(f"{tmp}/in.jsonl.gz", data)

    def start(k):
        return subprocess.Popen(box["command"], cwd=data,
                                env=dict(os.environ,
                                         JOB_COMPLETION_INDEX=str(k)),
                                stderr=subprocess.PIPE,
                                start_new_session=True,
                                preexec_fn=shardlib.die_with_parent)
    pods = [start(k) for k in range(n)]
    try:
        res = f"{data}/out/results-0-of-{n}.jsonl"
        want0 = len(shardlib.shard_lines(ref, n)[0])
        end = time.monotonic() + 120
        while shardlib.count_lines(res) < 1 and time.monotonic() < end:
            time.sleep(0.005)
        os.killpg(pods[0].pid, signal.SIGSTOP)
        got = shardlib.count_lines(res)
        check(f"pod 0 stopped mid-run ({got} of {want0} lines)",
              0 < got < want0 and pods[0].poll() is None,
              "the machine was too fast for this input")
        os.killpg(pods[0].pid, signal.SIGKILL)
        pods[0].wait()
        for k in range(1, n):
            pods[k].wait(300)
        pods[0] = start(0)
        pods[0].wait(300)
        codes = [p.returncode for p in pods]
        check("every pod ends with status 0 (1, some records failed, is "
              "mapped to 0)", codes == [0] * n,
              [(c, p.stderr.read()) for c, p in zip(codes, pods)])
    finally:
        for p in pods:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    shardlib.compare_sharded(check, "Kubernetes pods", ref, f"{data}/out", n)


def same_shard(check, tmp, lines):
    """A second run of a running shard, with --resume, must fail at once."""
    os.mkdir(f"{tmp}/same")
    unsharded(check, f"{tmp}/same", lines, "--as-of", AS_OF, "-d", "ref", "-")
    ref = f"{tmp}/same/ref"
    clean = shardlib.shard_lines(ref, 2)[0]
    want = shardlib.expected_status(clean)
    argv = ["--as-of", AS_OF, "--quiet", "--shard", "0/2", "-d", "out", "-"]
    res = f"{tmp}/same/out/results-0-of-2.jsonl"
    tmpdir = f"{tmp}/same/out/.dyd-0-of-2-tmp"
    first = Piped(f"{tmp}/same", *argv)
    half = len(lines) // 2
    try:
        first.feed(lines[:half])
        wait_lines(res, procs=[first])
        t0 = time.monotonic()
        second = subprocess.run(["dyd", "batch", "--resume", *argv],
                                cwd=f"{tmp}/same", capture_output=True,
                                input="".join(l + "\n"
                                              for l in lines).encode(),
                                timeout=60)
        took = time.monotonic() - t0
        # The expectation of the lock of shard runs: without it, the
        # second run does the shard again (exit 0 or 1) and breaks the
        # first.
        check("a second run of a running shard, with --resume: exit 2, at "
              "once", second.returncode == 2 and took < 10,
              f"exit {second.returncode} after {took:.1f} s: "
              f"{second.stderr.decode(errors='replace')}")
        check("... and it left the running shard alone: its results file "
              "still a prefix of the clean run's, its temporary directory "
              "there", clean_prefix(res, clean) and os.path.isdir(tmpdir) and
              first.p.poll() is None)
        first.feed(lines[half:], close=True)
        rc, err = first.wait()
        check("the first run then finishes", rc == want, f"exit {rc}: {err}")
    finally:
        if first.p.poll() is None:
            first.kill()
    shardlib.compare_sharded(check, "the first run", ref, f"{tmp}/same/out",
                             2, shards=[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True, choices=["shards", "same-shard"])
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--man")
    ap.add_argument("--readme")
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--budget", type=int, default=240)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    for a in ("dyd", "testdata", "man", "readme"):
        if getattr(args, a):
            setattr(args, a, os.path.abspath(getattr(args, a)))
    check = shardlib.Checks()
    shardlib.alarm_after(args.budget, f"concurrent_shards.py {args.case}")
    tmp = tempfile.mkdtemp(prefix="dyd-shards-")
    os.mkdir(f"{tmp}/bin")
    os.symlink(args.dyd, f"{tmp}/bin/dyd")
    os.environ["PATH"] = f"{tmp}/bin:{os.environ['PATH']}"
    os.environ["HOME"] = tmp  # GNU parallel keeps files in ~/.parallel
    for var in ("SOURCE_DATE_EPOCH", "DYD_PASSWORD"):
        os.environ.pop(var, None)
    small = shardlib.input_lines(args.testdata, 400)
    try:
        if args.case == "same-shard":
            same_shard(check, tmp, small)
        else:
            piped_shards(check, tmp, small)
            shardlib.write_input(f"{tmp}/in.jsonl.gz", shardlib.input_lines(
                args.testdata, args.records))
            os.mkdir(f"{tmp}/ref")
            shutil.copy(f"{tmp}/in.jsonl.gz", f"{tmp}/ref")
            unsharded(check, f"{tmp}/ref", [], "--as-of", AS_OF, "-d", "out",
                      "in.jsonl.gz", stdin=False)
            parallel_recipe(check, args, tmp, f"{tmp}/ref/out")
            k8s_recipe(check, args, tmp, f"{tmp}/ref/out")
    except (Exception, KeyboardInterrupt) as e:
        check("the test ran to its end", False, f"{type(e).__name__}: {e}")
    finally:
        signal.alarm(0)
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main())
