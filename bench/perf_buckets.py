#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Where a dyd batch spends its CPU, by pipeline stage, from `perf script`.

Reads the output of `perf script -F tid,ip,sym,dso` of a `perf record
--call-graph dwarf` profile on standard input. Each sample goes to the
stage of the innermost frame that names one (deflate in zlib under libzip,
CRC-32, the rest of libzip, SHA-256, rendering report.html / report.json /
the manifest, loading the record, evaluating, the temporary bundle file,
committing, reading the input). Prints a markdown table: share of samples,
of which in the kernel, and ms per record (from --cpu-seconds, the
profiled run's user + sys, and --records).

usage: perf script -i perf.data -F tid,ip,sym,dso |
       perf_buckets.py --records N --cpu-seconds S
"""

import argparse
import re
import sys

FRAME = re.compile(r"^\s*[0-9a-f]+ (.*?) \((.*)\)\s*$")

# (stage, test on (symbol, dso)); the first frame from the leaf that
# matches a stage decides.
STAGES = [
    ("deflate (libdeflate)",
     lambda s, d: "libdeflate" in d and "crc32" not in s),
    ("CRC-32 (libdeflate)", lambda s, d: "libdeflate" in d),
    ("deflate set-up (compressor, buffers)",
     lambda s, d: s in ("deflater_new", "deflater_run", "deflater_free",
                        "deflate_entries", "deflated_release")),
    ("deflate (zlib, under libzip)",
     lambda s, d: "libz.so" in d and not s.startswith("crc32")),
    ("CRC-32 (zlib, for libzip)", lambda s, d: s.startswith("crc32")),
    ("SHA-256 (entries and bundle)", lambda s, d: s == "sha256_hex"),
    ("libzip other (buffers, copies, headers)", lambda s, d: "libzip" in d),
    ("report.html", lambda s, d: s == "report_html_render"),
    ("report.json",
     lambda s, d: s == "report_json_render"),
    ("manifest.json", lambda s, d: s == "manifest_render"),
    ("record load (JSON parse + checks)",
     lambda s, d: s == "dyd_record_load"),
    ("evaluate", lambda s, d: s == "dyd_evaluate"),
    ("bundle rest (tz_load, contexts, free)",
     lambda s, d: s == "dyd_bundle_build"),
    ("temporary bundle file (mkstemp, write, close)",
     lambda s, d: s in ("mkstemp", "__gen_tempname", "write_all",
                        "__libc_write", "__GI___libc_write", "write",
                        "__close", "close", "__GI___close")),
    ("commit (syncfs, journal, rename, fsync, results)",
     lambda s, d: s in ("commit_group", "committer")),
    ("reader (split input into records)",
     lambda s, d: s in ("reader_main",)),
    ("worker other", lambda s, d: s in ("work", "worker_main")),
    ("main thread other (start-up, policy, wait)",
     lambda s, d: s in ("dyd_batch_run", "main", "cmd_batch")),
]


def samples(lines):
    cur = []
    for line in lines:
        if not line.strip():
            if cur:
                yield cur
            cur = []
            continue
        m = FRAME.match(line)
        if m:
            cur.append((m.group(1).replace(" (inlined)", ""), m.group(2)))
    if cur:
        yield cur


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--cpu-seconds", type=float, required=True)
    a = p.parse_args()
    count = {}
    kernel = {}
    total = 0
    for frames in samples(sys.stdin):
        total += 1
        stage = "other (start-up, dynamic loader, perf)"
        for sym, dso in frames:
            hit = next((n for n, t in STAGES if t(sym, dso)), None)
            if hit:
                stage = hit
                break
        count[stage] = count.get(stage, 0) + 1
        if "kernel" in frames[0][1]:
            kernel[stage] = kernel.get(stage, 0) + 1
    if not total:
        sys.exit("perf_buckets.py: no samples")
    ms = a.cpu_seconds * 1000 / a.records
    print("| stage | share | of which kernel | ms/record |")
    print("|---|---:|---:|---:|")
    for stage, n in sorted(count.items(), key=lambda kv: -kv[1]):
        print(f"| {stage} | {100 * n / total:.1f}% | "
              f"{100 * kernel.get(stage, 0) / total:.1f}% | "
              f"{ms * n / total:.3f} |")
    k = sum(kernel.values())
    print(f"| **total** ({total} samples) | 100% | {100 * k / total:.1f}% | "
          f"{ms:.3f} |")


if __name__ == "__main__":
    main()
