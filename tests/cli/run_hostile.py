#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile places and odd inputs (issue 12): what another user, a script
gone wrong or a damaged file can put where dyd reads and writes, and
what dyd must then do. Each case is one of the issue's items:

 1. a symbolic link planted as OUTDIR/.dyd-tmp: nothing written or
    removed where it leads;
 2. the batch's own files (.dyd-journal.jsonl, .dyd-run.json,
    results.jsonl) as links, hard links or FIFOs: never followed,
    truncated or waited on; an OUTDIR that others may write to, or given
    as a link, refused;
 3. records never lost without a word: a pipe that is not standard
    input, a NUL byte in a line, runs of NUL bytes between records, data
    after a gzip stream, /dev/zero;
 4. a lock per shard: a second run on one OUTDIR fails at once;
 5. the read-ahead bounded in bytes: records of 15 MiB do not pile up;
 6. SIGTERM and SIGINT end a batch within a second wherever it waits;
 8. export -o never replaces a device node or a FIFO, even with --force;
 9. encryption: AE-2 entries store no CRC; a password file with a NUL, a
    FIFO without a writer, a directory; --encrypt --resume after a
    bundle was lost;
12. export -o names up to the file system's limit.

Every case ran against dyd 0.1's successor at the start of the round and
failed there. Needs root for the device node (mknod) and the OUTDIR of
another user (chown)."""
import argparse
import glob
import gzip
import hashlib
import json
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

AS_OF = "2021-06-01"
passed = failed = 0


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}", flush=True)
    else:
        failed += 1
        print(f"FAIL {label} {str(detail)[:1500]}", flush=True)
    return cond


class Env:
    def __init__(self, dyd, testdata):
        self.dyd = dyd
        self.env = dict(os.environ, LC_ALL="C")
        for var in ("SOURCE_DATE_EPOCH", "DYD_PASSWORD"):
            self.env.pop(var, None)
        self.tmp = tempfile.mkdtemp(prefix="dyd-hostile-")
        os.chmod(self.tmp, 0o700)
        records = [json.load(open(p)) for p in
                   sorted(glob.glob(os.path.join(testdata, "records",
                                                 "*.json")))]
        self.records = records
        self.lines = []
        for i in range(300):
            r = dict(records[i % len(records)], account_id=f"h{i:03d}")
            self.lines.append(json.dumps(r))
        self.src = self.path("in.jsonl")
        self.write("in.jsonl", "".join(l + "\n" for l in self.lines[:20]))

    def path(self, *names):
        return os.path.join(self.tmp, *names)

    def write(self, name, data, mode=0o600):
        with open(self.path(name), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.chmod(self.path(name), mode)
        return self.path(name)

    def run(self, *argv, timeout=120, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("env", self.env)
        try:
            return subprocess.run([self.dyd, *argv], cwd=self.tmp,
                                  timeout=timeout, **kw)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, "timeout",
                                               e.stdout or b"",
                                               e.stderr or b"timed out")

    def batch(self, *argv, **kw):
        return self.run("batch", "--quiet", "--as-of", AS_OF, *argv, **kw)

    def fresh(self, name):
        d = self.path(name)
        shutil.rmtree(d, ignore_errors=True)
        os.mkdir(d, 0o700)
        return d


def results(path):
    with open(path) as f:
        return [json.loads(l) for l in f.read().splitlines()]


def tree(d):
    """Every file under d, with its content (links as where they lead)."""
    out = {}
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(root, n)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = "-> " + os.readlink(p)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    out[rel] = hashlib.sha256(f.read()).hexdigest()
            else:
                out[rel] = "dir"
    return out


def err(p):
    e = p.stderr
    return e.decode(errors="replace") if isinstance(e, bytes) else str(e)


# --- 1, 2: places --------------------------------------------------------

def planted_tmpdir(t):
    """1. A link as OUTDIR/.dyd-tmp to a directory of precious files."""
    out = t.fresh("o1")
    precious = t.fresh("precious")
    with open(os.path.join(precious, "f"), "w") as f:
        f.write("data\n")
    before = tree(precious)
    os.symlink(precious, os.path.join(out, ".dyd-tmp"))
    p = t.batch(t.src, "-d", out)
    check("1. a link planted as .dyd-tmp: the run refuses, exit 4, "
          "naming it", p.returncode == 4 and ".dyd-tmp" in err(p) and
          "symbolic link" in err(p), (p.returncode, err(p)))
    check("1. ... and the directory it leads to is as it was, nothing "
          "written into it or removed", tree(precious) == before,
          tree(precious))
    check("1. ... and the link is left alone",
          os.path.islink(os.path.join(out, ".dyd-tmp")))
    # The same with --resume, after a run that had finished.
    out = t.fresh("o1r")
    t.batch(t.src, "-d", out)
    os.symlink(precious, os.path.join(out, ".dyd-tmp"))
    p = t.batch("--resume", t.src, "-d", out)
    check("1. ... and on --resume", p.returncode == 4 and
          tree(precious) == before, (p.returncode, err(p)))


def planted_state_files(t):
    """2. The batch's own files as links, hard links and FIFOs."""
    for name in (".dyd-journal.jsonl", ".dyd-run.json", "results.jsonl"):
        for resume in (False, True):
            target = t.write("target", "keep me\n")
            out = t.fresh("o2")
            if resume:  # a finished run's directory, resumed
                t.batch(t.src, "-d", out)
                os.remove(os.path.join(out, name)) if os.path.lexists(
                    os.path.join(out, name)) else None
            os.symlink(target, os.path.join(out, name))
            argv = ["--resume"] if resume else []
            p = t.batch(*argv, t.src, "-d", out)
            with open(target) as f:
                same = f.read() == "keep me\n"
            check(f"2. {name} as a link{' on --resume' if resume else ''}: "
                  "refused, and the file it leads to is untouched",
                  p.returncode in (2, 4) and same and
                  os.path.islink(os.path.join(out, name)),
                  (p.returncode, err(p)[-300:]))
    # A results file with a second hard link, on --resume: cutting its
    # torn tail or appending would change the other name's file.
    out = t.fresh("o2h")
    t.batch(t.src, "-d", out)
    res = os.path.join(out, "results.jsonl")
    with open(res, "a") as f:
        f.write('{"status":"ok","sour')  # a torn line to cut
    os.link(res, t.path("other-name"))
    before = open(t.path("other-name")).read()
    p = t.batch("--resume", t.src, "-d", out)
    check("2. a results file with another hard link: --resume refuses "
          "it and cuts nothing", p.returncode == 4 and
          "hard link" in err(p) and
          open(t.path("other-name")).read() == before, err(p))
    os.remove(t.path("other-name"))
    # FIFOs under the names a resume reads: never waited on.
    for name in (".dyd-run.json", ".dyd-journal.jsonl", "h003.zip"):
        out = t.fresh("o2f")
        t.batch(t.src, "-d", out)
        os.remove(os.path.join(out, name)) if os.path.lexists(
            os.path.join(out, name)) else None
        os.mkfifo(os.path.join(out, name))
        p = t.batch("--resume", t.src, "-d", out, timeout=20)
        check(f"2. {name} as a FIFO on --resume: not waited on",
              p.returncode != "timeout" and (
                  name != "h003.zip" or p.returncode == 0 and
                  os.path.isfile(os.path.join(out, name))),
              (p.returncode, err(p)[-300:]))


def shared_outdirs(t):
    """2. An OUTDIR others may write to, or of another user, or a link."""
    out = t.fresh("o3")
    os.chmod(out, 0o777)
    p = t.batch(t.src, "-d", out)
    check("2. an OUTDIR others may write to: refused, exit 2",
          p.returncode == 2 and "others may write" in err(p) and
          "--allow-shared-outdir" in err(p) and os.listdir(out) == [],
          (p.returncode, err(p)))
    p = t.batch("--allow-shared-outdir", t.src, "-d", out)
    check("2. ... unless --allow-shared-outdir", p.returncode == 0, err(p))
    out = t.fresh("o3u")
    os.chown(out, 65534, 65534)
    os.chmod(out, 0o755)
    p = t.batch(t.src, "-d", out)
    check("2. an OUTDIR of another user: refused, exit 2",
          p.returncode == 2 and "another user" in err(p), err(p))
    real = t.fresh("o3real")
    os.symlink(real, t.path("o3link"))
    p = t.batch(t.src, "-d", "o3link")
    check("2. OUTDIR given as a link: refused, exit 2, nothing written",
          p.returncode == 2 and "link" in err(p) and os.listdir(real) == [],
          err(p))
    # A temporary directory planted by another user, or open to others.
    out = t.fresh("o3t")
    os.mkdir(os.path.join(out, ".dyd-tmp"), 0o777)
    os.chmod(os.path.join(out, ".dyd-tmp"), 0o777)
    p = t.batch(t.src, "-d", out)
    check("2. a .dyd-tmp that others may write to: refused",
          p.returncode == 4 and ".dyd-tmp" in err(p), err(p))


# --- 3: inputs -----------------------------------------------------------

def feed(fd, data):
    def write():
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    th = threading.Thread(target=write)
    th.start()
    return th


def pipes(t):
    """3. A pipe that is not standard input, as <(cat in.jsonl) makes."""
    data = "".join(l + "\n" for l in t.lines).encode()
    for name, payload in (("plain", data),
                          ("gzip", gzip.compress(data, mtime=0))):
        r, w = os.pipe()
        th = feed(w, payload)
        out = t.fresh("o4")
        p = t.batch(f"/dev/fd/{r}", "-d", out, pass_fds=(r,))
        os.close(r)
        th.join()
        res = results(os.path.join(out, "results.jsonl")) \
            if os.path.exists(os.path.join(out, "results.jsonl")) else []
        check(f"3. a {name} pipe that is not standard input: every "
              "record, with its own line number",
              p.returncode == 0 and len(res) == 300 and
              [x["source"] for x in res] ==
              [f"/dev/fd/{r}:{n}" for n in range(1, 301)] and
              len(glob.glob(os.path.join(out, "*.zip"))) == 300,
              (p.returncode, len(res), err(p)[-300:]))


def nul_bytes(t):
    """3. NUL bytes inside and between records."""
    recs = t.lines[:4]
    text = (recs[0] + "\n" + recs[1][:20] + "\0" + recs[1][20:] + "\n" +
            recs[2] + "\n" + recs[3] + "\n")
    t.write("nul.jsonl", text)
    out = t.fresh("o5")
    p = t.batch("nul.jsonl", "-d", out)
    res = results(os.path.join(out, "results.jsonl"))
    check("3. a NUL byte inside a line: that line is an error naming its "
          "column, and the next line is a record of its own",
          p.returncode == 1 and [x["status"] for x in res] ==
          ["ok", "error", "ok", "ok"] and "nul.jsonl:2" == res[1]["source"]
          and "NUL byte at column 21" in res[1]["error"], res)
    # Runs of NUL-only lines between records: reported once, with where.
    runs = (recs[0] + "\n" + ("\0" * 1000 + "\n") * 1000 + recs[1] + "\n" +
            "\0\0\n" + recs[2] + "\n")
    t.write("runs.jsonl", runs)
    out = t.fresh("o6")
    p = t.batch("runs.jsonl", "-d", out)
    res = results(os.path.join(out, "results.jsonl"))
    check("3. runs of NUL-only lines between records: one error line per "
          "run, naming its lines and bytes; every record still read",
          [x["status"] for x in res] == ["ok", "error", "ok", "error", "ok"]
          and res[1]["source"] == "runs.jsonl:2" and
          "lines 2 to 1001" in res[1]["error"] and
          "1001000 bytes" in res[1]["error"] and
          res[2]["source"] == "runs.jsonl:1002" and
          res[4]["source"] == "runs.jsonl:1004", res)
    # A gigabyte of NUL bytes (here 20 MiB) on one line: the input is not
    # text; said so, and not read on.
    big = recs[0] + "\n" + "\0" * (20 << 20) + "\n" + recs[1] + "\n"
    t.write("big.jsonl", big)
    out = t.fresh("o7")
    p = t.batch("big.jsonl", "-d", out)
    res = results(os.path.join(out, "results.jsonl"))
    check("3. 20 MiB of NUL bytes: an error line says the rest of the "
          "input is not read, and where it starts",
          len(res) == 2 and res[0]["status"] == "ok" and
          res[1]["source"] == "big.jsonl:2" and
          "not a text input" in res[1]["error"] and
          "rest of it is not read" in res[1]["error"], res)
    # /dev/zero: not read for ever.
    out = t.fresh("o8")
    t0 = time.monotonic()
    p = t.batch("/dev/zero", "-d", out, timeout=30)
    took = time.monotonic() - t0
    res = results(os.path.join(out, "results.jsonl")) \
        if os.path.exists(os.path.join(out, "results.jsonl")) else []
    check(f"3. /dev/zero: one error line, and the run ends ({took:.1f} s)",
          p.returncode == 1 and len(res) == 1 and
          "not a text input" in res[0]["error"], (p.returncode, res))
    # Data after the end of a gzip stream is reported, not dropped.
    data = gzip.compress("".join(l + "\n" for l in recs[:2]).encode(),
                         mtime=0) + b"garbage that is not gzip\n"
    t.write("tail.jsonl.gz", data)
    out = t.fresh("o9")
    p = t.batch("tail.jsonl.gz", "-d", out)
    res = results(os.path.join(out, "results.jsonl"))
    check("3. data after a gzip stream: reported after the last record",
          [x["status"] for x in res] == ["ok", "ok", "error"] and
          "after the end of the gzip stream" in res[2]["error"], res)


# --- 4: the lock ---------------------------------------------------------

def lock(t):
    """4. A second run on the OUTDIR of a running one fails at once."""
    out = t.fresh("o10")
    first = subprocess.Popen([t.dyd, "batch", "--quiet", "--as-of", AS_OF,
                              "-d", out, "-"], cwd=t.tmp, env=t.env,
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first.stdin.write("".join(l + "\n" for l in t.lines[:100]).encode())
        first.stdin.flush()
        res = os.path.join(out, "results.jsonl")
        end = time.monotonic() + 60
        while (not os.path.exists(res) or os.path.getsize(res) == 0) and \
                time.monotonic() < end:
            time.sleep(0.02)
        for argv in ([], ["--resume"]):
            t0 = time.monotonic()
            p = t.batch(*argv, t.src, "-d", out, timeout=30)
            took = time.monotonic() - t0
            check(f"4. a second run{' with --resume' if argv else ''} on "
                  f"the same OUTDIR: exit 2 at once ({took:.1f} s), naming "
                  "the lock", p.returncode == 2 and took < 5 and
                  ".dyd.lock" in err(p) and "another dyd batch" in err(p),
                  (p.returncode, err(p)))
        first.stdin.write("".join(l + "\n"
                                  for l in t.lines[100:200]).encode())
        first.stdin.close()
        rc = first.wait(120)
        res = results(os.path.join(out, "results.jsonl"))
        check("4. ... and the first run went on as if alone",
              rc == 0 and len(res) == 200 and
              len({x["source"] for x in res}) == 200 and
              all(x["status"] == "ok" for x in res), (rc, len(res)))
        check("4. the lock goes with the run that held it",
              not os.path.lexists(os.path.join(out, ".dyd.lock")))
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


# --- 5: read-ahead in bytes ----------------------------------------------

def big_records(t):
    """5. Records of 14 MiB: the ring holds a few, not a hundred."""
    n = 40
    filler = {f"notes_{k}": "x" * 65000 for k in range(240)}
    # Written a record at a time: this process stays small, and so does
    # the child as it starts (its peak counts what fork gave it).
    with gzip.open(t.path("big.jsonl.gz"), "wt", compresslevel=1) as f:
        for i in range(n):
            r = dict(t.records[0], account_id=f"big{i:02d}", **filler)
            line = json.dumps(r)
            f.write(line + "\n")
    size = len(line)
    del line, r, filler
    out = t.fresh("o11")
    # ASan keeps freed memory in quarantine: none here, so that what is
    # measured is what dyd holds.
    env = dict(t.env, ASAN_OPTIONS=t.env.get("ASAN_OPTIONS", "") +
               ":quarantine_size_mb=0:detect_leaks=0")
    p = subprocess.Popen([t.dyd, "batch", "--quiet", "--as-of", AS_OF, "-j",
                          "1", "big.jsonl.gz", "-d", out], cwd=t.tmp,
                         env=env, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * 1024
    res = results(os.path.join(out, "results.jsonl")) \
        if os.path.exists(os.path.join(out, "results.jsonl")) else []
    check(f"5. {n} records of {size >> 20} MiB: every one gets its line",
          p.returncode == 0 and len(res) == n, p.returncode)
    check(f"5. ... with the read-ahead bounded in bytes: peak {peak >> 20} "
          f"MiB, not the {n * size >> 20} MiB of all of them",
          peak < n * size // 3, peak >> 20)


# --- 6: signals ----------------------------------------------------------

def signals(t):
    """6. A batch waiting for input ends on SIGTERM / SIGINT."""
    cases = []
    out = t.fresh("o12")
    sleeper = subprocess.Popen(["sleep", "30"], stdout=subprocess.PIPE)
    p = subprocess.Popen([t.dyd, "batch", "--quiet", "--as-of", AS_OF,
                          "-d", out, "-"], cwd=t.tmp, env=t.env,
                         stdin=sleeper.stdout, stderr=subprocess.PIPE)
    sleeper.stdout.close()
    cases.append(("reading a pipe with nothing in it (sleep 30 |)", p,
                  signal.SIGTERM, sleeper))
    os.mkfifo(t.path("fifo"))
    out = t.fresh("o13")
    p = subprocess.Popen([t.dyd, "batch", "--quiet", "--as-of", AS_OF,
                          "-d", out, "fifo"], cwd=t.tmp, env=t.env,
                         stderr=subprocess.PIPE)
    cases.append(("a FIFO that no one opens for writing", p, signal.SIGINT,
                  None))
    time.sleep(1.0)
    for label, proc, sig, other in cases:
        alive = proc.poll() is None
        t0 = time.monotonic()
        proc.send_signal(sig)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        took = time.monotonic() - t0
        check(f"6. {signal.Signals(sig).name} while {label}: the batch "
              f"ends within a second ({took:.2f} s), by the signal",
              alive and took < 1.0 and proc.returncode == -sig,
              (alive, took, proc.returncode, proc.stderr.read()[-300:]))
        if other:
            other.kill()
            other.wait()


# --- 8, 12: export -o ----------------------------------------------------

def export_targets(t):
    """8. -o a device node or a FIFO; 12. -o a name near the limit."""
    rec = t.write("one.json", t.lines[0])
    os.mknod(t.path("null"), 0o666 | 0o020000, os.makedev(1, 3))
    os.mkfifo(t.path("fifo-out"))
    for name, kind in (("null", "character device"), ("fifo-out", "FIFO")):
        p = t.run("export", "--as-of", AS_OF, "--force", "-o", name, rec,
                  timeout=20)
        st = os.lstat(t.path(name))
        still = (os.path.stat.S_ISCHR(st.st_mode) if name == "null"
                 else os.path.stat.S_ISFIFO(st.st_mode))
        check(f"8. export -o NODE --force on a {kind}: refused, exit 4, "
              "and the node is still one", p.returncode == 4 and still and
              kind in err(p) and not glob.glob(t.path(".*.tmp-*")),
              (p.returncode, err(p)))
    for n in (243, 244, 250, 255):
        name = "n" * (n - 4) + ".zip"
        p = t.run("export", "--as-of", AS_OF, "-o", name, rec)
        check(f"12. export -o a name of {n} bytes: written, no temporary "
              "left", p.returncode == 0 and os.path.isfile(t.path(name)) and
              not glob.glob(t.path(".*tmp-*")), (p.returncode, err(p)))
        if os.path.exists(t.path(name)):
            os.remove(t.path(name))
    p = t.run("export", "--as-of", AS_OF, "-o", "n" * 252 + ".zip", rec)
    check("12. a name of 256 bytes: a clear error, exit 4",
          p.returncode == 4 and "too long" in err(p), err(p))


# --- 9: encryption -------------------------------------------------------

def entry_crcs(path):
    """(name, CRC-32, AES vendor version) of every local and central
    header of a ZIP."""
    data = open(path, "rb").read()
    out = []
    for sig, fixed, crc_at, nlen_at, elen_at in (
            (b"PK\x03\x04", 30, 14, 26, 28), (b"PK\x01\x02", 46, 16, 28, 30)):
        i = data.find(sig)
        while i >= 0:
            crc, = struct.unpack_from("<I", data, i + crc_at)
            nlen, elen = struct.unpack_from("<HH", data, i + nlen_at)
            name = data[i + fixed:i + fixed + nlen].decode()
            extra = data[i + fixed + nlen:i + fixed + nlen + elen]
            k, version = 0, None
            while k + 4 <= len(extra):
                tag, size = struct.unpack_from("<HH", extra, k)
                if tag == 0x9901:
                    version, = struct.unpack_from("<H", extra, k + 4)
                k += 4 + size
            out.append((name, crc, version))
            i = data.find(sig, i + 4)
    return out


def encryption(t):
    """9. AE-2 without a CRC, password files, --encrypt --resume."""
    rec = t.write("one.json", t.lines[0])
    pw = t.write("pw", "secret words\n")
    p = t.run("export", "--as-of", AS_OF, "--encrypt", "--password-file",
              pw, "-o", "enc.zip", rec)
    crcs = entry_crcs(t.path("enc.zip")) if p.returncode == 0 else []
    check("9. every AES entry is AE-2, and stores no CRC (0), in its local "
          "and central header", len(crcs) >= 6 and
          all(v == 2 and crc == 0 for _, crc, v in crcs), crcs)
    v = t.run("verify", "--password-file", pw, "enc.zip")
    check("9. ... and dyd verify checks it", v.returncode == 0, err(v))
    z = subprocess.run(["7z", "t", "-psecret words", t.path("enc.zip")],
                       capture_output=True, text=True)
    check("9. ... and so does 7z", z.returncode == 0 and
          "Everything is Ok" in z.stdout, z.stdout[-300:])
    with open(t.path("enc.zip"), "rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 0x40
    t.write("tampered.zip", bytes(data))
    v = t.run("verify", "--password-file", pw, "tampered.zip")
    check("9. ... and a changed byte in it is found", v.returncode == 5,
          err(v))
    # Password files.
    t.write("pw-nul", b"secret\0words\n")
    p = t.run("export", "--encrypt", "--password-file", "pw-nul", "-o",
              "x.zip", rec)
    check("9. a password file with a NUL byte: refused, not cut short",
          p.returncode == 2 and "NUL" in err(p) and
          not os.path.exists(t.path("x.zip")), err(p))
    os.mkdir(t.path("pw-dir"))
    p = t.run("export", "--encrypt", "--password-file", "pw-dir", "-o",
              "x.zip", rec)
    check("9. a directory as the password file: said so",
          p.returncode == 2 and "is a directory" in err(p), err(p))
    os.mkfifo(t.path("pw-fifo"))
    t0 = time.monotonic()
    p = t.run("export", "--encrypt", "--password-file", "pw-fifo", "-o",
              "x.zip", rec, timeout=30)
    took = time.monotonic() - t0
    check(f"9. a FIFO with no writer as the password file: gives up "
          f"({took:.0f} s)", p.returncode == 2 and
          "no password came" in err(p), (p.returncode, err(p)))
    # --encrypt --resume after a bundle was lost, or damaged.
    out = t.fresh("o14")
    argv = ["--encrypt", "--password-file", pw, t.src, "-d", out]
    first = t.batch(*argv)
    before = results(os.path.join(out, "results.jsonl"))
    os.remove(os.path.join(out, "h004.zip"))
    with open(os.path.join(out, "h007.zip"), "r+b") as f:
        f.truncate(1000)
    p = t.batch("--resume", *argv)
    after = results(os.path.join(out, "results.jsonl"))
    sha = {}
    for n in ("h004", "h007"):
        with open(os.path.join(out, n + ".zip"), "rb") as f:
            sha[n] = hashlib.sha256(f.read()).hexdigest()
    changed = [a["account_id"] for a, b in zip(after, before) if a != b]
    check("9. --encrypt --resume after a bundle was lost and one damaged: "
          "both made again, exit 0", first.returncode == 0 and
          p.returncode == 0 and
          all(os.path.isfile(os.path.join(out, n + ".zip"))
              for n in ("h004", "h007")), (p.returncode, err(p)))
    check("9. ... and their lines now give the new bundles' sha256, the "
          "other lines as they were", changed == ["h004", "h007"] and
          after[4]["sha256"] == sha["h004"] and
          after[7]["sha256"] == sha["h007"] and
          [dict(a, sha256=None) for a in after] ==
          [dict(b, sha256=None) for b in before], changed)
    v = t.run("verify", "--password-file", pw,
              *sorted(glob.glob(os.path.join(out, "*.zip"))))
    p = t.batch("--resume", *argv)
    check("9. ... every bundle verifies, and a resume again keeps them all",
          v.returncode == 0 and p.returncode == 0 and
          results(os.path.join(out, "results.jsonl")) == after, err(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("run_hostile: needs root (mknod, chown); skipped")
        return 77
    t = Env(os.path.abspath(args.dyd), os.path.abspath(args.testdata))
    try:
        for case in (planted_tmpdir, planted_state_files, shared_outdirs,
                     pipes, nul_bytes, lock, big_records, signals,
                     export_targets, encryption):
            try:
                case(t)
            except Exception as e:  # a case that broke is a failure
                check(f"{case.__name__} ran to its end", False,
                      f"{type(e).__name__}: {e}")
    finally:
        shutil.rmtree(t.tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
