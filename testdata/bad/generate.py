#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hostile-input corpus of this directory. The inputs are
committed (with their golden .err files); this script is how they were
made, and remakes them byte for byte."""
import gzip
import json
import os

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


if __name__ == "__main__":
    main()
