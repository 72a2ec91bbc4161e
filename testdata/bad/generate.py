#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hostile-input corpus of this directory. The inputs are
committed (with their golden .err files); this script is how they were
made, and remakes them byte for byte."""
import gzip
import hashlib
import io
import json
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

BASE = {
    "account_id": "hostile",
    "phone": "+6281234567890",
    "registered_at": "2015-01-10T07:00:00+07:00",
}


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(HERE, name), mode) as f:
        f.write(data)


def record(**fields):
    r = dict(BASE)
    r.update(fields)
    return r


# A bundle as dyd writes one, small enough to read: report.json has every
# member dyd verify checks, so that each bundle below fails for its one
# reason only.
AS_OF = "2021-06-01T00:00:00Z"
POLICY = {"id": "p", "sha256": "0" * 64}
REPORT = {
    "format": "dyd.report/v1", "generator": {"name": "dyd"},
    "as_of": AS_OF, "language": "en", "policy": POLICY,
    "account": {"account_id": "hostile"},
    "decision": {"format": "dyd.decision/v1", "account_id": "hostile",
                 "as_of": AS_OF, "policy": POLICY, "region": {},
                 "optout": None, "terms": [], "withheld_purposes": [],
                 "categories": []},
}
HTML = b"<!DOCTYPE html><title>report</title>\n"


def listed(name, body):
    return {"name": name, "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest()}


def bundle(name, html=HTML, report=None, files=None, extra=()):
    """A bundle whose manifest lists files (by default report.html and
    report.json, with their true sizes and digests) and which holds the
    extra (name, bytes) entries too."""
    report = json.dumps(REPORT).encode() if report is None else report
    if files is None:
        files = [listed("report.html", html), listed("report.json", report)]
    manifest = json.dumps({
        "format": "dyd.manifest/v1", "generator": {"name": "dyd"},
        "account_id": "hostile", "as_of": AS_OF, "policy": POLICY,
        "encrypted": False, "files": files, "omitted": [],
        "truncated": []}, indent=2).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, body in [("manifest.json", manifest), ("report.html", html),
                        ("report.json", report)] + list(extra):
            info = zipfile.ZipInfo(n, (2021, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body, compresslevel=9)
    write(name, buf.getvalue())


def strong_encryption(name):
    """A bundle whose report.html says it is encrypted with PKWARE's
    strong encryption (general purpose bits 0 and 6), which libzip cannot
    decrypt."""
    bundle(name)
    data = bytearray(open(os.path.join(HERE, name), "rb").read())
    # (signature, offset of the flags, of the name's length, of the name)
    for sig, flags, length, at in ((b"PK\x03\x04", 6, 26, 30),
                                   (b"PK\x01\x02", 8, 28, 46)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + length)[0]
            if data[i + at:i + at + n] == b"report.html":
                f = struct.unpack_from("<H", data, i + flags)[0]
                struct.pack_into("<H", data, i + flags, f | 0x41)
            i = data.find(sig, i + 4)
    write(name, bytes(data))


def policy(name, purposes, categories, extra=""):
    """A policy of so many purposes and categories (each category shares
    for one purpose), then extra lines."""
    lines = ["format: dyd.policy/v1", "id: hostile", "service: S",
             "parent_company: P", "terms:",
             "  - {id: t, title: T, effective: 2016-01-01}", "purposes:"]
    lines += [f"  - {{id: p{i}, label: L, description: D}}"
              for i in range(purposes)]
    lines.append("categories:")
    lines += [f"  - {{id: c{i}, label: L, description: D, fields: [phone], "
              f"shares: [{{since: t, purposes: [p{i % purposes}]}}]}}"
              for i in range(categories)]
    write(name, "\n".join(lines) + "\n" + extra)


def main():
    write("depth-bomb.json", "[" * 100000 + "]" * 100000)
    write("depth-bomb.yaml", "a: " + "[" * 100000 + "]" * 100000 + "\n")
    laughs = ["lol0: &a0 [lol]"]
    for i in range(1, 10):
        laughs.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) +
                      "]")
    write("alias-bomb.yaml", "\n".join(laughs) + "\n")
    write("huge-number.json", json.dumps(record())[:-1] +
          ', "business_chats": [{"business_id": "b", "hosting": "parent", '
          '"message_count": 1e999}]}')
    write("huge-count.yaml",
          "account_id: hostile\nphone: '+6281234567890'\n"
          "registered_at: 2015-01-10T07:00:00+07:00\n"
          "business_chats:\n  - business_id: b\n    hosting: self\n"
          "    message_count: 99999999999999999999999\n")
    write("bad-offset.json", json.dumps(record(
        registered_at="2016-01-01T00:00:00+24:00")))
    write("bad-date-feb30.yaml",
          "account_id: hostile\nphone: '+6281234567890'\n"
          "registered_at: 2016-02-30T00:00:00Z\n")
    write("path-slash-id.json", json.dumps(record(account_id="a/b")))
    write("path-dot-id.yaml", "account_id: .\nphone: '+6281234567890'\n"
          "registered_at: 2015-01-10T07:00:00Z\n")
    write("overlong-array.json", json.dumps(record(
        contacts=["+6281234567890"] * 100001)))
    write("overlong-key.json", '{"' + "k" * 70000 + '": 1}')
    write("utf8-overlong.json", b'{"account_id": "x\xc0\xaf"}')
    write("utf8-surrogate.json", b'{"account_id": "x\xed\xa0\x80"}')
    write("utf8-too-big.yaml", b"account_id: x\xf4\x90\x80\x80\n")
    write("lone-surrogate-escape.json", '{"account_id": "\\ud800"}')
    write("nul-in-yaml.yaml", b"account_id: x\x00y\n")
    write("nul-escape.yaml", 'account_id: "x\\0y"\n')
    write("truncated.yaml", "account_id: hostile\nphone: '+62812\n")
    write("empty.yaml", "")
    write("only-comments.yaml", "# nothing here\n\n")
    write("nested-duplicate.yaml",
          "account_id: hostile\nphone: '+6281234567890'\n"
          "registered_at: 2015-01-10T07:00:00Z\nprofile:\n"
          "  about: a\n  about: b\n")
    write("bom.json", b"\xef\xbb\xbf" + json.dumps(record(phone="x")).encode())
    write("array-top.yaml", "- account_id: hostile\n")
    write("many-errors.json", json.dumps(record(
        account_id="../../etc/passwd", phone="", registered_at="yesterday",
        region="XX", language="??",
        events=[{"type": "optout"}] * 3)))
    write("bom.yaml", b"\xef\xbb\xbfaccount_id: hostile\nphone: x\n"
          b"registered_at: 2015-01-10T07:00:00Z\n")
    # One limit per list of a record, past it by one item.
    for field, limit in (("events", 10000), ("business_chats", 10000),
                         ("groups", 10000), ("devices", 10000),
                         ("transactions", 10000)):
        write(f"too-many-{field.replace('_', '-')}.json",
              json.dumps(record(**{field: [{}] * (limit + 1)})))
    # No array past its limit, the whole past 250,000 values.
    write("too-many-values.yaml", "account_id: hostile\nx: [" +
          ", ".join(["[" + "[]," * 90000 + "]"] * 3) + "]\n")
    # Policies (dyd export --policy): what grows the report as its parts
    # multiply.
    policy("matrix.policy.yaml", 3000, 3000)
    policy("conditions.policy.yaml", 2, 2,
           "  - {id: k, label: L, description: D, fields: [groups], "
           "shares: [{since: t, purposes: [p0], when: {any: [" +
           ", ".join(["{has: groups}"] * 300) + "]}}]}\n")
    policy("item-lists.policy.yaml", 2, 2, "".join(
        f"  - {{id: k{i}, label: L, description: D, fields: [groups], "
        f"shares: [{{since: t, purposes: [p0]}}], "
        f"items: {{field: groups}}}}\n" for i in range(3)))
    write("flow.policy.yaml", "{format: dyd.policy/v1, id: hostile, "
          "service: S, parent_company: P, terms: [{id: t, title: T, "
          "effective: 2016-01-01}], purposes: [{id: p, label: L, "
          "description: D}], categories: [{id: c, label: L, "
          "description: D, fields: [phone], shares: [{since: t, "
          "purposes: [q]}]}]}\n")
    # Bundles (dyd verify).
    zeros = b"[" + b"0," * (32 * 1024 * 1024 - 1) + b"0]"
    bundle("zeros-report.zip", report=zeros)
    bundle("deep-report.zip", report=b"[" * 100000 + b"]" * 100000)
    bundle("listed-100001.zip", files=[listed("report.html", HTML)] * 100000 +
           [listed("report.json", json.dumps(REPORT).encode())])
    for zname, entry in (("dotdot-entry.zip", "../../x"),
                         ("absolute-entry.zip", "/abs"),
                         ("extra-500mb-entry.zip", "notes.txt")):
        body = (b"\0" * (500 * 1024 * 1024)
                if entry == "notes.txt" else b"x")
        files = [listed("report.html", HTML),
                 listed("report.json", json.dumps(REPORT).encode()),
                 listed(entry, body)]
        bundle(zname, files=files, extra=[(entry, body)])
    strong_encryption("strong-encryption.zip")
    # Batch inputs.
    line = json.dumps(record(profile={"about": "a" * (64 * 1024 * 1024)}))
    with gzip.GzipFile(os.path.join(HERE, "bomb.jsonl.gz"), "wb",
                       mtime=0) as g:
        g.write(json.dumps(record(account_id="before")).encode() + b"\n")
        g.write(line.encode() + b"\n")
        g.write(json.dumps(record(account_id="after")).encode() + b"\n")
    body = gzip.compress(("\n".join(json.dumps(record(account_id=f"r{i}"))
                                    for i in range(50)) + "\n").encode(),
                         mtime=0)
    write("truncated.jsonl.gz", body[: len(body) * 2 // 3])
    write("garbage.jsonl.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    # 16 MiB of "[]," in one line: 5 million values, 1.5 GB of tree.
    with gzip.GzipFile(os.path.join(HERE, "tiny-arrays.jsonl.gz"), "wb",
                       mtime=0) as g:
        g.write(json.dumps(record(account_id="before")).encode() + b"\n")
        n = (16 * 1024 * 1024 - 200) // 3
        g.write(b'{"account_id": "tiny", "x": [' + b"[]," * n + b"[]]}\n")
        g.write(json.dumps(record(account_id="after")).encode() + b"\n")


if __name__ == "__main__":
    main()
