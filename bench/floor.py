#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The deflate floor of a batch: the CPU time the deflate library needs to
deflate exactly the bytes the bundles contain, as the bundles did.

Reads every entry of every OUTDIR/*.zip (Python zipfile), then deflates
each entry on its own, as raw deflate (as in a ZIP entry), and measures the
CPU time of the deflate calls only (time.process_time around them; reading
and inflating the bundles is not counted). Bundles are processed in chunks
so memory stays small.

--deflate libdeflate (the default; dyd since 0.1): libdeflate_deflate_compress
through ctypes, one compressor for the whole run (libdeflate.so.0, the
library dyd links). The libdeflate level is the one, from 1 to 12, whose
output has exactly the compressed sizes of the first bundles' entries; the
run fails if none has.

--deflate zlib (dyd 0.1): zlib.compressobj(LEVEL, DEFLATED, -15, 9), with
the memory level 9 libzip uses (MAX_MEM_LEVEL in zip_algorithm_deflate.c).

Either way deflated_bytes must equal zip_compressed_bytes: the same work
the pipeline did. Prints one JSON object:

  {"bundles": N, "entries": N, "uncompressed_bytes": N,
   "deflated_bytes": N, "zip_compressed_bytes": N, "deflate": "...",
   "level": L, "cpu_seconds": S, "passes": P, "cpu_seconds_all": [...]}

cpu_seconds is the median over --passes passes (default 3).
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import time
import zipfile
import zlib


class Libdeflate:
    def __init__(self):
        lib = ctypes.CDLL("libdeflate.so.0")
        lib.libdeflate_alloc_compressor.restype = ctypes.c_void_p
        lib.libdeflate_alloc_compressor.argtypes = [ctypes.c_int]
        lib.libdeflate_deflate_compress.restype = ctypes.c_size_t
        lib.libdeflate_deflate_compress.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
            ctypes.c_void_p, ctypes.c_size_t]
        lib.libdeflate_free_compressor.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.size = 1 << 20
        self.out = ctypes.create_string_buffer(self.size)
        self.c = None

    def use_level(self, level):
        if self.c:
            self.lib.libdeflate_free_compressor(self.c)
        self.c = self.lib.libdeflate_alloc_compressor(level)
        if not self.c:
            raise MemoryError("libdeflate_alloc_compressor")

    def fit(self, n):
        if n + 1024 > self.size:
            self.size = 2 * n + 1024
            self.out = ctypes.create_string_buffer(self.size)

    def deflate_all(self, blobs):
        """Total deflated bytes; blobs must fit (see fit())."""
        f, c, out, size = (self.lib.libdeflate_deflate_compress, self.c,
                           self.out, self.size)
        total = 0
        for b in blobs:
            total += f(c, b, len(b), out, size)
        return total


def zlib_deflate_all(level, blobs):
    total = 0
    for b in blobs:
        c = zlib.compressobj(level, zlib.DEFLATED, -15, 9)
        total += len(c.compress(b))
        total += len(c.flush())
    return total


def read_chunk(outdir, names):
    blobs, zipped = [], []
    for n in names:
        with zipfile.ZipFile(os.path.join(outdir, n)) as z:
            for info in z.infolist():
                blobs.append(z.read(info))
                zipped.append(info.compress_size)
    return blobs, zipped


def libdeflate_level_of(ld, outdir, names):
    """The libdeflate level that gives the bundles' compressed sizes."""
    blobs, zipped = read_chunk(outdir, names[:20])
    ld.fit(max(len(b) for b in blobs))
    f = ld.lib.libdeflate_deflate_compress
    for level in range(1, 13):
        ld.use_level(level)
        if [f(ld.c, b, len(b), ld.out, ld.size) for b in blobs] == zipped:
            return level
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--deflate", choices=("libdeflate", "zlib"),
                   default="libdeflate")
    p.add_argument("--level", type=int, default=6,
                   help="zlib's level (--deflate zlib; default 6)")
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--chunk", type=int, default=500,
                   help="bundles held in memory at once (default 500)")
    a = p.parse_args()

    names = sorted(n for n in os.listdir(a.outdir) if n.endswith(".zip"))
    if not names:
        sys.exit(f"floor.py: no bundles in {a.outdir}")
    level = a.level
    if a.deflate == "libdeflate":
        ld = Libdeflate()
        level = libdeflate_level_of(ld, a.outdir, names)
        if level is None:
            sys.exit("floor.py: no libdeflate level gives the bundles' "
                     "compressed sizes (not written by libdeflate?)")
        ld.use_level(level)
        run = ld.deflate_all
        version = "libdeflate.so.0"
    else:
        def run(blobs):
            return zlib_deflate_all(a.level, blobs)
        version = zlib.ZLIB_RUNTIME_VERSION
    entries = raw_bytes = zip_bytes = deflated = 0
    cpu = [0.0] * a.passes
    for start in range(0, len(names), a.chunk):
        blobs, zipped = read_chunk(a.outdir, names[start:start + a.chunk])
        entries += len(blobs)
        raw_bytes += sum(len(b) for b in blobs)
        zip_bytes += sum(zipped)
        if a.deflate == "libdeflate":
            ld.fit(max(len(b) for b in blobs))
        for k in range(a.passes):
            t0 = time.process_time()
            out = run(blobs)
            cpu[k] += time.process_time() - t0
        deflated += out
    json.dump({
        "bundles": len(names),
        "entries": entries,
        "uncompressed_bytes": raw_bytes,
        "deflated_bytes": deflated,
        "zip_compressed_bytes": zip_bytes,
        "deflate": a.deflate,
        "level": level,
        "library": version,
        "passes": a.passes,
        "cpu_seconds": statistics.median(cpu),
        "cpu_seconds_all": [round(c, 4) for c in cpu],
    }, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
