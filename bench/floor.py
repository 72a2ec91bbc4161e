#!/usr/bin/python3
"""The deflate floor of a batch: the CPU time zlib needs to deflate exactly
the bytes the bundles contain, at the level dyd used.

Reads every entry of every OUTDIR/*.zip (Python zipfile), then deflates each
entry on its own with zlib.compressobj(LEVEL, DEFLATED, -15, 9) -- raw
deflate, as in a ZIP entry, with the memory level 9 libzip uses
(MAX_MEM_LEVEL in zip_algorithm_deflate.c), so that deflated_bytes equals
the compressed bytes of the bundles -- and measures the CPU time of that deflation only
(time.process_time around the compress calls; reading and inflating the
bundles is not counted). Bundles are processed in chunks so memory stays
small. Prints one JSON object:

  {"bundles": N, "entries": N, "uncompressed_bytes": N,
   "deflated_bytes": N, "zip_compressed_bytes": N, "cpu_seconds": S,
   "passes": P, "cpu_seconds_all": [...]}

cpu_seconds is the median over --passes passes (default 3).
"""

import argparse
import json
import os
import statistics
import sys
import time
import zipfile
import zlib


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--level", type=int, default=6)
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--chunk", type=int, default=500,
                   help="bundles held in memory at once (default 500)")
    a = p.parse_args()

    names = sorted(n for n in os.listdir(a.outdir) if n.endswith(".zip"))
    entries = 0
    raw_bytes = 0
    zip_bytes = 0
    deflated = 0
    cpu = [0.0] * a.passes
    for start in range(0, len(names), a.chunk):
        blobs = []
        for n in names[start:start + a.chunk]:
            with zipfile.ZipFile(os.path.join(a.outdir, n)) as z:
                for info in z.infolist():
                    blobs.append(z.read(info))
                    zip_bytes += info.compress_size
        entries += len(blobs)
        raw_bytes += sum(len(b) for b in blobs)
        for k in range(a.passes):
            out = 0
            t0 = time.process_time()
            for b in blobs:
                c = zlib.compressobj(a.level, zlib.DEFLATED, -15, 9)
                out += len(c.compress(b))
                out += len(c.flush())
            cpu[k] += time.process_time() - t0
        deflated += out
    json.dump({
        "bundles": len(names),
        "entries": entries,
        "uncompressed_bytes": raw_bytes,
        "deflated_bytes": deflated,
        "zip_compressed_bytes": zip_bytes,
        "level": a.level,
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "passes": a.passes,
        "cpu_seconds": statistics.median(cpu),
        "cpu_seconds_all": [round(c, 4) for c in cpu],
    }, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
