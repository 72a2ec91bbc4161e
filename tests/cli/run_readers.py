#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent ZIP readers read every bundle dyd writes, whatever the
compression level, encrypted or not, and a bundle is the same bytes on
every run and for every -j.

For every record of testdata/records, at levels 1, 6 and 9:
- the batch of the whole directory at -j1 and at -j2, and dyd export of
  each record, run twice, give the same bytes;
- Python's zipfile (testzip, the CRC-32 of every entry), a raw inflate of
  each entry's stored bytes (zlib, which must end exactly at the
  compressed size the headers give), unzip -t, bsdtar and 7z read it, and
  all find the bytes whose SHA-256 the manifest lists;
- dyd verify accepts it.
Encrypted (AES-256, the same levels): 7z and bsdtar decrypt every entry
with the password and find the manifest's bytes, 7z refuses a wrong
password, dyd verify --password-file accepts it. unzip 6.0 and Python's
zipfile cannot decrypt AES, so they are not asked to.

unzip, bsdtar (libarchive-tools) and 7z (p7zip-full) are installed by
bootstrap.sh; a missing one is a failure, not a skip.
"""
import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

passed = failed = 0
LEVELS = (1, 6, 9)
PASSWORD = "correct horse battery staple"
ENTRIES = ["manifest.json", "report.html", "report.json"]


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}")
    else:
        failed += 1
        print(f"FAIL {label} {detail}")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, **kw)


def zipfile_read_all(z):
    """name -> bytes, None for an entry zipfile cannot read (a bad CRC-32,
    a broken stream)."""
    out = {}
    for i in z.infolist():
        try:
            out[i.filename] = z.read(i)
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
            print(f"# zipfile: {i.filename}: {e}")
            out[i.filename] = None
    return out


def raw_inflate_all(path):
    """Each entry inflated from its stored bytes alone: the stream must end
    exactly where the compressed size of its header says."""
    out = {}
    with open(path, "rb") as f:
        raw = f.read()
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            nlen, xlen = struct.unpack_from("<HH", raw, i.header_offset + 26)
            start = i.header_offset + 30 + nlen + xlen
            d = zlib.decompressobj(-15)
            try:
                data = d.decompress(raw[start:start + i.compress_size])
            except zlib.error:
                data = None
            out[i.filename] = (data if d.eof and not d.unused_data and
                               not d.unconsumed_tail else None)
    return out


def manifest_digests(manifest_bytes):
    m = json.loads(manifest_bytes)
    return {f["name"]: (f["size"], f["sha256"]) for f in m["files"]}


def matches_manifest(entries):
    """entries: name -> bytes. The report entries are the manifest's."""
    if sorted(entries) != ENTRIES or any(
            v is None for v in entries.values()):
        return False
    listed = manifest_digests(entries["manifest.json"])
    return sorted(listed) == ENTRIES[1:] and all(
        listed[n] == (len(entries[n]), hashlib.sha256(entries[n]).hexdigest())
        for n in ENTRIES[1:])


def extract_7z(path, password):
    out = {}
    for n in ENTRIES:
        p = run(["7z", "x", "-so", f"-p{password}", path, n])
        out[n] = p.stdout if p.returncode == 0 else None
    return out


def extract_bsdtar(path, password=None):
    out = {}
    extra = ["--passphrase", password] if password else []
    for n in ENTRIES:
        p = run(["bsdtar", "-xOf", path, *extra, n])
        out[n] = p.stdout if p.returncode == 0 else None
    return out


def check_plain(dyd_bin, path, label):
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        check(f"{label}: zipfile testzip", z.testzip() is None)
        entries = zipfile_read_all(z)
    check(f"{label}: three deflated entries, the manifest's bytes",
          [i.filename for i in infos] == ENTRIES and
          all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos) and
          matches_manifest(entries))
    check(f"{label}: each deflate stream ends at its compressed size",
          raw_inflate_all(path) == entries)
    u = run(["unzip", "-t", path], text=True)
    check(f"{label}: unzip -t", u.returncode == 0 and
          "No errors detected" in u.stdout, u.stdout + u.stderr)
    t = run(["bsdtar", "-tvf", path], text=True)
    check(f"{label}: bsdtar -tvf lists the entries and sizes",
          t.returncode == 0 and
          [l.split()[-1] for l in t.stdout.splitlines()] == ENTRIES and
          [int(l.split()[4]) for l in t.stdout.splitlines()] ==
          [i.file_size for i in infos], t.stdout + t.stderr)
    check(f"{label}: bsdtar extracts the same bytes",
          extract_bsdtar(path) == entries)
    s = run(["7z", "t", path], text=True)
    check(f"{label}: 7z t", s.returncode == 0 and
          "Everything is Ok" in s.stdout, s.stdout + s.stderr)
    check(f"{label}: 7z extracts the same bytes",
          extract_7z(path, "") == entries)
    v = run([dyd_bin, "verify", path], text=True)
    check(f"{label}: dyd verify", v.returncode == 0, v.stderr)


def check_encrypted(dyd_bin, path, pwfile, label):
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    check(f"{label}: every entry AES encrypted (method 99)",
          [i.filename for i in infos] == ENTRIES and
          all(i.flag_bits & 1 and i.compress_type == 99 for i in infos))
    s = run(["7z", "t", f"-p{PASSWORD}", path], text=True)
    check(f"{label}: 7z t with the password", s.returncode == 0 and
          "Everything is Ok" in s.stdout, s.stdout + s.stderr)
    by7z = extract_7z(path, PASSWORD)
    check(f"{label}: 7z decrypts the manifest's bytes",
          matches_manifest(by7z))
    check(f"{label}: bsdtar decrypts the same bytes",
          extract_bsdtar(path, PASSWORD) == by7z)
    w = run(["7z", "t", "-pwrong", path], text=True)
    check(f"{label}: 7z refuses a wrong password", w.returncode != 0)
    v = run([dyd_bin, "verify", "--password-file", pwfile, path], text=True)
    check(f"{label}: dyd verify --password-file", v.returncode == 0,
          v.stderr)


def tree(d):
    return {n: open(os.path.join(d, n), "rb").read()
            for n in sorted(os.listdir(d)) if n.endswith(".zip")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    dyd_bin = os.path.abspath(args.dyd)
    records_dir = os.path.join(os.path.abspath(args.testdata), "records")
    records = sorted(os.listdir(records_dir))
    tools = [t for t in ("unzip", "bsdtar", "7z") if not shutil.which(t)]
    if tools:
        print(f"FAIL missing {' '.join(tools)}: run ./bootstrap.sh")
        print("0 passed, 1 failed")
        return 1
    env = dict(os.environ, LC_ALL="C")
    for v in ("SOURCE_DATE_EPOCH", "DYD_PASSWORD"):
        env.pop(v, None)
    asof = ["--as-of", "2021-06-01T00:00:00Z"]
    tmp = tempfile.mkdtemp(prefix="dyd-readers-")
    pwfile = os.path.join(tmp, "pw")
    with open(pwfile, "w") as f:
        f.write(PASSWORD + "\n")

    def dyd(*argv):
        return run([dyd_bin, *argv], env=env, cwd=tmp, text=True)

    try:
        for level in LEVELS:
            lv = ["--level", str(level)]
            batches = {}
            for j in ("1", "2"):
                out = os.path.join(tmp, f"batch-l{level}-j{j}")
                b = dyd("batch", "--quiet", *asof, *lv, "-j", j, "-d", out,
                        records_dir)
                check(f"level {level}: batch -j{j} of testdata/records",
                      b.returncode == 0, b.stderr)
                batches[j] = tree(out)
            check(f"level {level}: same bundles at -j1 and -j2",
                  len(batches["1"]) == len(records) and
                  batches["1"] == batches["2"])
            with open(os.path.join(tmp, f"batch-l{level}-j1",
                                   "results.jsonl")) as f:
                bundle_of = {os.path.basename(r["source"]): r["bundle"]
                             for r in map(json.loads, f)}
            for rec in records:
                label = f"{rec} level {level}"
                path = os.path.join(tmp, f"{rec}.l{level}.zip")
                again = os.path.join(tmp, f"{rec}.l{level}.again.zip")
                for p in (path, again):
                    e = dyd("export", *asof, *lv, "-o", p,
                            os.path.join(records_dir, rec))
                    check(f"{label}: export", e.returncode == 0, e.stderr)
                same = (open(path, "rb").read() ==
                        open(again, "rb").read() ==
                        batches["1"].get(bundle_of.get(rec)))
                check(f"{label}: two exports and the batch, same bytes",
                      same)
                check_plain(dyd_bin, path, label)
                enc = os.path.join(tmp, f"{rec}.l{level}.enc.zip")
                e = dyd("export", *asof, *lv, "--encrypt", "--password-file",
                        pwfile, "-o", enc, os.path.join(records_dir, rec))
                check(f"{label}: export --encrypt", e.returncode == 0,
                      e.stderr)
                check_encrypted(dyd_bin, enc, pwfile, f"{label} encrypted")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
