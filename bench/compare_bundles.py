#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compares the bundles two dyd binaries wrote into two directory trees:
the same content, whatever the deflate streams.

For every REF/**/*.zip there must be the same file under NEW, and the two
must hold the same entries, in the same order, with the same bytes (Python
zipfile inflates them and checks their CRC-32), and the same fields in
their local and central headers except the compressed size and the
offsets. A results.jsonl must match line by line once the `bytes` and
`sha256` of each bundle (which name the ZIP's bytes) are left out, and a
*.err file (what dyd printed) once the "(N bytes)" of its "wrote" messages
are; every other file must match byte for byte.

With --sizes, prints a markdown table of bundle sizes per directory (its
path below REF): bundles, total bytes of each side, the ratio, and how many
bundles of NEW are larger than their REF. --max-ratio R fails when a
directory's total ratio is above R.

Exit 0 when everything matches (and no ratio is over R), 1 with what
differs listed, 2 on usage errors.
"""

import argparse
import json
import os
import re
import struct
import sys
import zipfile

WROTE = re.compile(rb"\(\d+ bytes\)")
LOCAL = struct.Struct("<4sHHHHHIIIHH")
# Central-directory fields that do not depend on the deflate stream.
CENTRAL_FIELDS = ("filename", "date_time", "compress_type", "comment",
                  "extra", "create_system", "create_version",
                  "extract_version", "reserved", "flag_bits", "volume",
                  "internal_attr", "external_attr", "CRC", "file_size")


def local_header(raw, info):
    """The local header of an entry, its compressed size left out."""
    f = LOCAL.unpack_from(raw, info.header_offset)
    sig, ver, flags, method, tm, dt, crc, _csize, usize, nlen, xlen = f
    start = info.header_offset + LOCAL.size
    return (sig, ver, flags, method, tm, dt, crc, usize,
            raw[start:start + nlen + xlen])


def compare_zip(ref, new):
    """A list of differences between two bundles, other than the deflated
    bytes themselves."""
    problems = []
    with open(ref, "rb") as f:
        rraw = f.read()
    with open(new, "rb") as f:
        nraw = f.read()
    try:
        rz = zipfile.ZipFile(ref)
        nz = zipfile.ZipFile(new)
    except zipfile.BadZipFile as e:
        return [f"not a ZIP: {e}"]
    with rz, nz:
        ri, ni = rz.infolist(), nz.infolist()
        if [i.filename for i in ri] != [i.filename for i in ni]:
            return [f"entries {[i.filename for i in ri]} vs "
                    f"{[i.filename for i in ni]}"]
        for a, b in zip(ri, ni):
            for field in CENTRAL_FIELDS:
                if getattr(a, field) != getattr(b, field):
                    problems.append(f"{a.filename}: central {field} "
                                    f"{getattr(a, field)!r} vs "
                                    f"{getattr(b, field)!r}")
            if local_header(rraw, a) != local_header(nraw, b):
                problems.append(f"{a.filename}: local header differs")
            try:
                same = rz.read(a) == nz.read(b)
            except (zipfile.BadZipFile, RuntimeError, OSError) as e:
                problems.append(f"{a.filename}: cannot read: {e}")
                continue
            if not same:
                problems.append(f"{a.filename}: content differs")
        if rz.comment != nz.comment:
            problems.append("archive comment differs")
    return problems


def results_without_bytes(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            r.pop("bytes", None)
            r.pop("sha256", None)
            out.append(r)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ref")
    ap.add_argument("new")
    ap.add_argument("--sizes", action="store_true")
    ap.add_argument("--max-ratio", type=float, default=None)
    a = ap.parse_args()

    differences = []
    sizes = {}  # directory -> [bundles, ref bytes, new bytes, larger, max+]
    files = 0
    for root, _dirs, names in os.walk(a.ref):
        for name in sorted(names):
            ref = os.path.join(root, name)
            rel = os.path.relpath(ref, a.ref)
            new = os.path.join(a.new, rel)
            files += 1
            if not os.path.exists(new):
                differences.append(f"{rel}: missing from {a.new}")
                continue
            if name.endswith(".zip"):
                for p in compare_zip(ref, new):
                    differences.append(f"{rel}: {p}")
                rs, ns = os.path.getsize(ref), os.path.getsize(new)
                s = sizes.setdefault(os.path.dirname(rel) or ".",
                                     [0, 0, 0, 0, 0])
                s[0] += 1
                s[1] += rs
                s[2] += ns
                if ns > rs:
                    s[3] += 1
                    s[4] = max(s[4], ns - rs)
            elif name.startswith("results") and name.endswith(".jsonl"):
                if results_without_bytes(ref) != results_without_bytes(new):
                    differences.append(f"{rel}: results differ beyond "
                                       "bytes and sha256")
            else:
                with open(ref, "rb") as f1, open(new, "rb") as f2:
                    rb, nb = f1.read(), f2.read()
                if name.endswith(".err"):
                    rb, nb = (WROTE.sub(b"(N bytes)", x) for x in (rb, nb))
                if rb != nb:
                    differences.append(f"{rel}: differs")
    for root, _dirs, names in os.walk(a.new):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), a.new)
            if not os.path.exists(os.path.join(a.ref, rel)):
                differences.append(f"{rel}: only in {a.new}")

    over = []
    if a.sizes:
        print("| bundles of | count | reference bytes | candidate bytes "
              "| candidate / reference | candidate larger (most) |")
        print("|---|---:|---:|---:|---:|---:|")
        for d in sorted(sizes):
            n, rs, ns, larger, most = sizes[d]
            ratio = ns / rs if rs else 1.0
            print(f"| {d} | {n} | {rs} | {ns} | {ratio:.4f} | {larger}"
                  f"{f' (+{most} B)' if larger else ''} |")
            if a.max_ratio is not None and ratio > a.max_ratio:
                over.append(f"{d}: ratio {ratio:.4f} > {a.max_ratio}")
        print()
    for d in differences:
        print(f"compare_bundles: {d}", file=sys.stderr)
    for o in over:
        print(f"compare_bundles: larger: {o}", file=sys.stderr)
    if differences or over:
        return 1
    print(f"compare_bundles: same content: {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
