#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""I/O faults: a full disk (small tmpfs), an unwritable directory, a
directory where a file was expected, and signals in the middle of a
write. Whatever happens: no partial bundle under a final name, no stray
temporary file, a clear message and the documented exit status; in a
batch, the results file accounts for every record that was committed and
--resume finishes the job. Needs root (mount, setpriv): exits 77 (skip)
otherwise."""
import argparse
import glob
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

passed = failed = 0


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}")
    else:
        failed += 1
        print(f"FAIL {label} {str(detail)[:1500]}")


def temporaries(d):
    """Temporary files of export (.NAME.tmp-XXXXXX) and batch (the
    directory .dyd-tmp, which a run removes when it ends)."""
    return [p for p in glob.glob(os.path.join(d, ".*"))
            if os.path.basename(p).endswith("-tmp") or
            ".tmp-" in os.path.basename(p)]


def digests(d):
    out = {}
    for p in glob.glob(os.path.join(d, "*.zip")):
        with open(p, "rb") as f:
            out[os.path.basename(p)] = hashlib.sha256(f.read()).hexdigest()
    return out


def copy_for_others(dyd, tmp, env):
    """A copy of dyd and of the libdyd it loads, in a directory every user
    may read, and the environment that makes the copy load that library:
    the build may be where another user cannot look (/root)."""
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.chmod(bindir, 0o755)
    copy = os.path.join(bindir, "dyd")
    shutil.copyfile(dyd, copy)
    os.chmod(copy, 0o755)
    out = subprocess.run(["ldd", dyd], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0].startswith("libdyd.so") and len(parts) >= 3:
            lib = os.path.join(bindir, parts[0])
            shutil.copyfile(parts[2], lib)
            os.chmod(lib, 0o755)
    return copy, dict(env, LD_LIBRARY_PATH=bindir)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    dyd = os.path.abspath(args.dyd)
    td = os.path.abspath(args.testdata)
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("run_faults: needs root and setpriv; skipped")
        return 77
    env = dict(os.environ, LC_ALL="C")
    env.pop("SOURCE_DATE_EPOCH", None)
    budi = os.path.join(td, "records", "budi-santoso.json")
    tmp = tempfile.mkdtemp(prefix="dyd-faults-")
    os.chmod(tmp, 0o755)
    mnt = os.path.join(tmp, "small")
    os.makedirs(mnt)
    mounted = False

    def run(*argv, **kw):
        return subprocess.run([dyd] + list(argv), env=env,
                              capture_output=True, text=True, **kw)

    def mount(size):
        nonlocal mounted
        if mounted:
            subprocess.run(["umount", mnt], check=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o",
                            f"size={size},mode=0755", "tmpfs", mnt],
                           capture_output=True, text=True)
        mounted = r.returncode == 0
        return mounted

    try:
        if not mount("8k"):
            print("run_faults: cannot mount a tmpfs here; skipped")
            return 77
        # 1. A full disk under dyd export.
        out = os.path.join(mnt, "b.zip")
        p = run("export", "--as-of", "2021-06-01", "-o", out, budi)
        check("export on a full disk: exit 4, says why",
              p.returncode == 4 and "No space left" in p.stderr, p.stderr)
        check("... and leaves nothing", os.listdir(mnt) == [],
              os.listdir(mnt))

        # 2. A full disk in the middle of a batch, then --resume.
        records = [json.load(open(f)) for f in
                   sorted(glob.glob(os.path.join(td, "records", "*.json")))]
        src = os.path.join(tmp, "in.jsonl")
        with open(src, "w") as f:
            for i in range(500):
                r = dict(records[i % len(records)])
                r["account_id"] = f"f{i:03d}"
                f.write(json.dumps(r) + "\n")
        clean = os.path.join(tmp, "clean")
        common = ["--quiet", "--as-of", "2021-06-01", "-j", "2"]
        run("batch", *common, "-d", clean, src)
        # Room for about 200 bundles: the read-ahead holds two groups of up
        # to 64 bundles in the temporary directory, so the first group is
        # committed before the disk fills, which it does a group or two
        # later, in the middle of one.
        sizes = sorted(os.path.getsize(os.path.join(clean, n))
                       for n in os.listdir(clean) if n.endswith(".zip"))
        mount(f"{(sum(sizes) // len(sizes) * 200) // 1024 + 16}k")
        outdir = os.path.join(mnt, "out")
        p = run("batch", *common, "-d", outdir, src)
        res = os.path.join(outdir, "results.jsonl")
        lines = [json.loads(l) for l in open(res)] if os.path.exists(res) \
            else []
        ok = [l for l in lines if l["status"] == "ok"]
        check("batch on a full disk: exit 4, says why",
              p.returncode == 4 and "No space left" in p.stderr, p.stderr)
        on_disk = digests(outdir)
        check("... every ok line has its bundle, complete",
              ok and all(on_disk.get(l["bundle"]) == l["sha256"]
                         for l in ok) and len(on_disk) >= len(ok),
              (len(ok), len(on_disk)))
        check("... no temporary file left", not temporaries(outdir),
              temporaries(outdir))
        subprocess.run(["mount", "-o", "remount,size=16m", mnt], check=True)
        p = run("batch", *common, "--resume", "-d", outdir, src)
        check("... and --resume with room finishes as a clean run",
              p.returncode == 0 and digests(outdir) == digests(clean) and
              open(res).read() == open(os.path.join(clean,
                                                    "results.jsonl")).read(),
              p.stderr)

        # 2b. The results file itself cut short in the middle of a line.
        # RLIMIT_FSIZE makes the kernel cut a write at a byte of our
        # choosing, as a full disk does at one of its own (the write
        # returns what fit, the next one EFBIG), with no root, no
        # LD_PRELOAD and nothing the ASan build minds; the limit is put in
        # the middle of a line of the clean run, well past any bundle's
        # size, so the cut falls on the results file.
        with open(os.path.join(clean, "results.jsonl"), "rb") as f:
            clean_lines = f.read().splitlines(keepends=True)
        ends = [sum(len(l) for l in clean_lines[:k + 1])
                for k in range(len(clean_lines))]
        at = next(k for k in range(len(ends)) if ends[k] > 2 * max(sizes))
        limit = ends[at - 1] + len(clean_lines[at]) // 2
        check("the cut falls past every bundle", max(sizes) < limit,
              (max(sizes), limit))
        cut_dir = os.path.join(tmp, "cut")

        def small_files():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

        p = subprocess.run([dyd, "batch", "--as-of", "2021-06-01", "-j",
                            "2", "-d", cut_dir, src], env=env,
                           capture_output=True, text=True,
                           preexec_fn=small_files)
        res = os.path.join(cut_dir, "results.jsonl")
        with open(res, "rb") as f:
            got = f.read()
        lines = got.splitlines(keepends=True)
        said = re.search(r"(\d+) records: (\d+) ok", p.stderr)
        check("results file cut in mid-line: exit 4, naming the file and "
              "why", p.returncode == 4 and "results.jsonl" in p.stderr and
              "File too large" in p.stderr, p.stderr[-500:])
        check("... no half line: the file ends on a whole line, a prefix "
              "of the clean run's", got.endswith(b"\n") and
              lines == clean_lines[:len(lines)] and len(lines) <= at,
              (len(lines), got[-200:]))
        check("... and the summary counts the lines the file holds, not "
              "the group that did not fit", said is not None and
              int(said.group(2)) == len(lines), (said and said.group(0),
                                                 len(lines)))
        # A crash in the middle of a write leaves a torn line: --resume
        # removes it and writes it again.
        with open(res, "ab") as f:
            f.write(clean_lines[len(lines)][:40])
        p = run("batch", *common, "--resume", "-d", cut_dir, src)
        check("... and --resume, with a torn last line too, ends as a "
              "clean run", p.returncode == 0 and
              open(res, "rb").read() == b"".join(clean_lines) and
              digests(cut_dir) == digests(clean), p.stderr[-500:])

        # 3. A directory this user cannot write to.
        ro = os.path.join(tmp, "readonly")
        os.makedirs(ro)
        os.chmod(ro, 0o755)
        # The other user cannot reach a build under /root: it runs copies
        # of the program, its library and the record from tmp.
        nobody_dyd, nobody_env = copy_for_others(dyd, tmp, env)
        nobody_budi = os.path.join(tmp, "budi-santoso.json")
        shutil.copyfile(budi, nobody_budi)
        os.chmod(nobody_budi, 0o644)
        os.chmod(src, 0o644)
        nobody = ["setpriv", "--reuid=65534", "--regid=65534",
                  "--clear-groups", nobody_dyd]
        p = subprocess.run(nobody + ["export", "-o",
                                     os.path.join(ro, "b.zip"), nobody_budi],
                           env=nobody_env, capture_output=True, text=True)
        check("unwritable directory: exit 4, says why",
              p.returncode == 4 and "Permission denied" in p.stderr and
              os.listdir(ro) == [], p.stderr)
        p = subprocess.run(nobody + ["batch", "--quiet", "-d",
                                     os.path.join(ro, "out"), src],
                           env=nobody_env, capture_output=True, text=True)
        check("batch into an unwritable directory: exit 4",
              p.returncode == 4 and "Permission denied" in p.stderr,
              p.stderr)

        # 4. An input that cannot be read as a file.
        p = run("export", "-o", os.path.join(tmp, "x.zip"), td)
        check("a directory as the record: exit 4",
              p.returncode == 4 and "is a directory" in p.stderr)

        # 5. Signals while a big bundle is built and written.
        heavy = dict(records[0], account_id="heavy",
                     contacts=[f"+62812{n:07d}" for n in range(20000)])
        hpath = os.path.join(tmp, "heavy.json")
        with open(hpath, "w") as f:
            json.dump(heavy, f)
        rng = random.Random(7)
        outcomes = {"killed": 0, "done": 0}
        sound = True
        for i in range(16):
            d = os.path.join(tmp, f"sig{i}")
            os.makedirs(d)
            q = subprocess.Popen([dyd, "export", "--as-of", "2021-06-01",
                                  "-o", os.path.join(d, "h.zip"), hpath],
                                 env=env, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.25))
            q.send_signal(rng.choice([signal.SIGINT, signal.SIGTERM,
                                      signal.SIGHUP]))
            q.wait()
            names = os.listdir(d)
            outcomes["killed" if q.returncode < 0 else "done"] += 1
            # A signal that came after the bundle was put in place ends
            # the process once the bundle is complete: either way, never
            # a partial or temporary file.
            if names:
                v = run("verify", os.path.join(d, "h.zip"))
                sound &= names == ["h.zip"] and v.returncode == 0
            else:
                sound &= q.returncode < 0
        check(f"signals mid-export leave nothing or a sound bundle "
              f"({outcomes})", sound and outcomes["killed"] > 0)
    finally:
        if mounted:
            subprocess.run(["umount", mnt])
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
