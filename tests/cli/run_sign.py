#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Signed bundles at the command line (issue 16): dyd key generate, export
and batch --sign-key (and DYD_SIGN_KEY_FILE), verify with and without
--trust, in text and --json; every way of tampering with a signed bundle
fails verify --trust with exit 5 and its own message; OpenSSL alone checks
a bundle with the command the manual shows; a bad key file stops export
and batch before anything is written; no key material in any output, and
no core dump while a key is held."""
import argparse
import base64
import glob
import hashlib
import io
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile

passed = failed = 0


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}")
    else:
        failed += 1
        print(f"FAIL {label} {detail}")


# Everything dyd printed or wrote that a person or a script reads: the
# private keys' material must be in none of it.
seen = []


def fingerprint(pub):
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub,
                          "-outform", "DER"], capture_output=True,
                         check=True).stdout
    return hashlib.sha256(der).hexdigest()


def key_pieces(private):
    """The 16-character pieces of the key's base64 body, which a leak of
    the key, or of most of it, would contain."""
    body = "".join(l.strip() for l in open(private)
                   if l.strip() and not l.startswith("-----"))
    return [body[i:i + 16] for i in range(0, len(body) - 15, 8)]


def rezip(src, dst, drop=(), replace=None, add=()):
    """src's entries into dst, deflated, less drop, with replace[name]
    (bytes -> bytes) applied and the (name, bytes) of add appended."""
    replace = replace or {}
    with zipfile.ZipFile(src) as z, \
            zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for n in z.namelist():
            if n in drop:
                continue
            body = z.read(n)
            if n in replace:
                body = replace[n](body)
            out.writestr(n, body)
        for n, body in add:
            out.writestr(n, body)


def rehash(manifest, name, body):
    """The manifest with name's size and SHA-256 made those of body."""
    m = json.loads(manifest)
    for f in m["files"]:
        if f["name"] == name:
            f["size"] = len(body)
            f["sha256"] = hashlib.sha256(body).hexdigest()
    return (json.dumps(m, indent=2) + "\n").encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    args = ap.parse_args()
    dyd_bin = os.path.abspath(args.dyd)
    td = os.path.abspath(args.testdata)
    env = dict(os.environ, LC_ALL="C", SOURCE_DATE_EPOCH="1622505600")
    for v in ("DYD_PASSWORD", "DYD_SIGN_KEY_FILE"):
        env.pop(v, None)
    budi = os.path.join(td, "records", "budi-santoso.json")
    siti = os.path.join(td, "records", "siti-rahayu.yaml")
    tmp = tempfile.mkdtemp(prefix="dyd-sign-")

    def path(*p):
        return os.path.join(tmp, *p)

    def dyd(*argv, extra_env=None, **kw):
        e = dict(env, **(extra_env or {}))
        p = subprocess.run([dyd_bin] + list(argv), cwd=tmp, env=e,
                           capture_output=True, text=True, **kw)
        seen.append(p.stdout + p.stderr)
        return p

    try:
        keys(dyd, path)
        fp = fingerprint(path("k.pem.pub"))
        exports(dyd, path, budi, siti, fp)
        bad_keys(dyd, path, budi)
        verifying(dyd, path, fp)
        tampering(dyd, path, budi, fp)
        by_hand(path)
        batches(dyd, path, td, fp)
        no_core_dumps(dyd_bin, env, path, budi)
        for f in glob.glob(path("**", "*.json*"), recursive=True):
            seen.append(open(f, errors="replace").read())
        for z in glob.glob(path("**", "*.zip"), recursive=True):
            try:
                with zipfile.ZipFile(z) as zf:
                    seen.extend(zf.read(n).decode(errors="replace")
                                for n in zf.namelist()
                                if not zf.getinfo(n).flag_bits & 1)
            except zipfile.BadZipFile:
                pass
        text = "\n".join(seen)
        pieces = [p for k in ("k.pem", "other.pem")
                  for p in key_pieces(path(k))]
        leaked = [p for p in pieces if p in text]
        check(f"no piece of either private key in {len(seen)} outputs, "
              "results and bundle entries", not leaked and pieces, leaked)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def keys(dyd, path):
    p = dyd("key", "generate", "-o", "k.pem")
    fp = fingerprint(path("k.pem.pub")) if p.returncode == 0 else ""
    check("key generate: exit 0, paths and fingerprint",
          p.returncode == 0 and p.stdout ==
          "k.pem: private key (keep it secret)\nk.pem.pub: public key\n"
          f"fingerprint {fp}\n", p.stdout + p.stderr)
    for f, begin in (("k.pem", "-----BEGIN PRIVATE KEY-----\n"),
                     ("k.pem.pub", "-----BEGIN PUBLIC KEY-----\n")):
        mode = stat.S_IMODE(os.stat(path(f)).st_mode)
        check(f"key generate: {f} is mode 0600 and {begin.strip()}",
              mode == 0o600 and open(path(f)).read().startswith(begin),
              oct(mode))
    r = subprocess.run(["openssl", "pkey", "-in", path("k.pem"), "-noout",
                        "-text"], capture_output=True, text=True)
    check("key generate: libcrypto reads an ED25519 private key",
          r.returncode == 0 and "ED25519 Private-Key" in r.stdout)
    before = open(path("k.pem")).read()
    p = dyd("key", "generate", "-o", "k.pem")
    check("key generate over an existing pair: exit 4, nothing replaced",
          p.returncode == 4 and "already exists; use --force" in p.stderr
          and open(path("k.pem")).read() == before, p.stderr)
    shutil.copy(path("k.pem"), path("keep.pem"))
    os.rename(path("k.pem.pub"), path("keep.pem.pub"))
    p = dyd("key", "generate", "-o", "k.pem")
    check("key generate over an existing private key only: exit 4, no "
          ".pub written", p.returncode == 4 and
          not os.path.exists(path("k.pem.pub")), p.stderr)
    os.rename(path("keep.pem.pub"), path("k.pem.pub"))
    p = dyd("key", "generate", "--force", "-o", "k.pem")
    check("key generate --force replaces both",
          p.returncode == 0 and open(path("k.pem")).read() != before and
          fingerprint(path("k.pem.pub")) in p.stdout, p.stderr)
    p = dyd("key", "generate", "-o", "other.pem")
    check("a second key pair", p.returncode == 0, p.stderr)
    for argv, words in ((["key"], "say 'generate'"),
                        (["key", "generate"], "needs -o FILE"),
                        (["key", "genrate", "-o", "x"],
                         "did you mean 'generate'"),
                        (["key", "generate", "-o", "x", "y"],
                         "takes no FILE")):
        p = dyd(*argv)
        check(f"dyd {' '.join(argv)}: exit 2", p.returncode == 2 and
              words in p.stderr and not os.path.exists(path("x")),
              p.stderr)
    p = dyd("key", "generate", "-o", path("no", "such", "k.pem"))
    check("key generate into a missing directory: exit 4",
          p.returncode == 4 and not glob.glob(path("no", "*")), p.stderr)


def exports(dyd, path, budi, siti, fp):
    p = dyd("export", "--sign-key", "k.pem", "-o", "s.zip", budi)
    check("export --sign-key: exit 0, the fingerprint in the message",
          p.returncode == 0 and f"signed by key {fp})" in p.stderr,
          p.stderr)
    with zipfile.ZipFile(path("s.zip")) as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
        sig = z.read("manifest.sig")
    check("a signed bundle has manifest.sig, 64 bytes, after the manifest",
          names == ["manifest.json", "manifest.sig", "report.html",
                    "report.json"] and len(sig) == 64, names)
    check("the manifest names the key",
          manifest.get("signature") ==
          {"algorithm": "ed25519", "key_sha256": fp}, manifest)
    p = dyd("export", "-o", "e.zip", budi,
            extra_env={"DYD_SIGN_KEY_FILE": "k.pem"})
    same = open(path("e.zip"), "rb").read() == open(path("s.zip"),
                                                    "rb").read()
    check("DYD_SIGN_KEY_FILE signs the same bytes (Ed25519 is "
          "deterministic)", p.returncode == 0 and same, p.stderr)
    p = dyd("export", "--sign-key", "k.pem", "-o", "e2.zip", budi,
            extra_env={"DYD_SIGN_KEY_FILE": "no-such.pem"})
    check("--sign-key wins over DYD_SIGN_KEY_FILE", p.returncode == 0,
          p.stderr)
    p = dyd("export", "-o", "u.zip", budi, extra_env={"DYD_SIGN_KEY_FILE": ""})
    with zipfile.ZipFile(path("u.zip")) as z:
        unsigned = "manifest.sig" not in z.namelist()
    check("an empty DYD_SIGN_KEY_FILE is no key", p.returncode == 0 and
          unsigned and "signed" not in p.stderr, p.stderr)
    p = dyd("export", "--sign-key", "k.pem", "-o", "siti.zip", siti)
    check("another record, signed", p.returncode == 0, p.stderr)
    p = dyd("export", "--sign-key", "other.pem", "-o", "foreign.zip", budi)
    check("a bundle signed with another key", p.returncode == 0, p.stderr)
    pw = path("pw")
    with open(pw, "w") as f:
        f.write("correct horse\n")
    p = dyd("export", "--encrypt", "--password-file", pw, "--sign-key",
            "k.pem", "-o", "enc.zip", budi)
    check("export --encrypt --sign-key", p.returncode == 0, p.stderr)
    p = dyd("verify", "--password-file", pw, "--trust", "k.pem.pub",
            "enc.zip")
    check("an encrypted signed bundle verifies with its password and key",
          p.returncode == 0 and
          p.stdout == f"enc.zip: ok (signed by trusted key {fp})\n",
          p.stdout + p.stderr)
    os.chmod(path("k.pem"), 0o640)
    p = dyd("export", "--sign-key", "k.pem", "-o", "w.zip", budi)
    check("a key others may read: signed, with a warning",
          p.returncode == 0 and "warning: others than its owner may read "
          "this private key (mode 0640): chmod 600" in p.stderr, p.stderr)
    os.chmod(path("k.pem"), 0o600)


def bad_keys(dyd, path, budi):
    with open(path("garbage.pem"), "w") as f:
        f.write("not a key\n")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-aes256",
                    "-pass", "pass:secret", "-out", path("enc.pem")],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "genpkey", "-algorithm", "rsa", "-pkeyopt",
                    "rsa_keygen_bits:1024", "-out", path("rsa.pem")],
                   check=True, capture_output=True)
    os.mkdir(path("a-dir"))
    cases = [
        ("k.pem.pub", 3, "holds a public key: signing needs the private key"),
        ("enc.pem", 3, "is encrypted with a passphrase"),
        ("rsa.pem", 3, "is a private key of type RSA"),
        ("garbage.pem", 3, "holds no PEM block"),
        ("a-dir", 3, "is a directory, not a key file"),
        ("no-such.pem", 4, "cannot open: No such file or directory"),
    ]
    for key, status, words in cases:
        for how in ("--sign-key", "DYD_SIGN_KEY_FILE"):
            argv = ["export", "-o", "bad.zip", budi]
            extra = {}
            if how == "--sign-key":
                argv[1:1] = ["--sign-key", key]
            else:
                extra["DYD_SIGN_KEY_FILE"] = key
            p = dyd(*argv, extra_env=extra)
            check(f"export with {how} {key}: exit {status}, no bundle",
                  p.returncode == status and f"{key}: error: {words}" in
                  p.stderr and not os.path.exists(path("bad.zip")) and
                  not glob.glob(path(".*tmp*")), p.stderr)
        p = dyd("batch", "--sign-key", key, "-d", "bad-out", budi)
        check(f"batch --sign-key {key}: exit {status}, nothing written",
              p.returncode == status and words in p.stderr and
              not os.path.exists(path("bad-out")), p.stderr)


def verifying(dyd, path, fp):
    p = dyd("verify", "s.zip", "u.zip")
    check("verify without --trust says signed by whom, or not signed, and "
          "that authenticity was not checked", p.returncode == 0 and
          p.stdout == f"s.zip: ok (signed by key {fp}; authenticity not "
          "checked: give --trust PUB.pem)\n"
          "u.zip: ok (not signed; authenticity not checked)\n",
          p.stdout + p.stderr)
    p = dyd("verify", "--trust", "k.pem.pub", "s.zip", "siti.zip")
    check("verify --trust KEY", p.returncode == 0 and p.stdout ==
          f"s.zip: ok (signed by trusted key {fp})\n"
          f"siti.zip: ok (signed by trusted key {fp})\n", p.stderr)
    os.mkdir(path("trusted"))
    shutil.copy(path("k.pem.pub"), path("trusted", "service.pub"))
    shutil.copy(path("other.pem.pub"), path("trusted", "old.pem"))
    p = dyd("verify", "--trust", "trusted", "s.zip", "foreign.zip")
    check("verify --trust DIR trusts every key in it", p.returncode == 0,
          p.stdout + p.stderr)
    p = dyd("verify", "--trust", "other.pem.pub", "--trust", "k.pem.pub",
            "s.zip", "foreign.zip")
    check("--trust is repeatable", p.returncode == 0, p.stdout + p.stderr)
    os.mkdir(path("empty"))
    for key, status, words in (
            ("k.pem", 3, "holds a private key: trust its public key"),
            ("empty", 3, "holds no key files (*.pem, *.pub) to trust"),
            ("no-such.pub", 4, "cannot open")):
        p = dyd("verify", "--trust", key, "s.zip")
        check(f"verify --trust {key}: exit {status}, no bundle checked",
              p.returncode == status and words in p.stderr and
              "s.zip" not in p.stdout + p.stderr, p.stdout + p.stderr)
    p = dyd("verify", "--json", "--trust", "k.pem.pub", "s.zip", "u.zip",
            "foreign.zip")
    try:
        files = {f["file"]: f for f in json.loads(p.stdout)["files"]}
    except (ValueError, KeyError):
        files = {}
    want = {
        "s.zip": (True, "valid", fp, True, True),
        "u.zip": (False, "unsigned", None, False, True),
        "foreign.zip": (False, "unknown_key", fingerprint(
            path("other.pem.pub")), False, True),
    }
    got = {n: (f.get("valid"), f.get("signature"), f.get("key_sha256"),
               f.get("authentic"), f.get("intact"))
           for n, f in files.items()}
    check("verify --json --trust: valid, signature, key_sha256, authentic, "
          "intact", p.returncode == 5 and got == want, p.stdout)
    p = dyd("verify", "--json", "s.zip")
    try:
        f = json.loads(p.stdout)["files"][0]
    except (ValueError, KeyError, IndexError):
        f = {}
    check("verify --json without --trust: unchecked, not authentic",
          p.returncode == 0 and f.get("valid") is True and
          f.get("signature") == "unchecked" and f.get("key_sha256") == fp
          and f.get("authentic") is False, p.stdout)


def tampering(dyd, path, budi, fp):
    """Each way of changing a signed bundle, and what verify --trust says."""
    s = path("s.zip")
    with zipfile.ZipFile(s) as z:
        manifest = z.read("manifest.json")
        sig = z.read("manifest.sig")
    with zipfile.ZipFile(path("siti.zip")) as z:
        siti_manifest = z.read("manifest.json")
        siti_sig = z.read("manifest.sig")
    edited = None

    def edit_html(body):
        nonlocal edited
        edited = body.replace(b"</body>", b"<p>you did not opt out</p>"
                              b"</body>")
        return edited

    rezip(s, path("t-html.zip"), replace={"report.html": edit_html})
    rezip(path("t-html.zip"), path("t-html-rehashed.zip"), replace={
        "manifest.json": lambda m: rehash(m, "report.html", edited)})
    rezip(s, path("t-manifest.zip"), replace={
        "manifest.json": lambda m: m.replace(b'"dyd"', b'"dyd2"', 1)})
    rezip(s, path("t-swapped.zip"), replace={
        "manifest.json": lambda m: siti_manifest,
        "manifest.sig": lambda b: siti_sig})
    rezip(s, path("t-dropped.zip"), drop=("manifest.sig",))
    rezip(s, path("t-truncated.zip"), replace={
        "manifest.sig": lambda b: b[:32]})
    other = fingerprint(path("other.pem.pub"))
    cases = [
        ("t-html-rehashed.zip", [
            "manifest.sig: error: is not a valid signature of this "
            f"manifest.json by key {fp}: the manifest was changed after it "
            "was signed"], "bad", True),
        ("t-html.zip", ["report.html: error: SHA-256 "], "valid", False),
        ("t-manifest.zip", ["manifest.sig: error: is not a valid signature "
                            "of this manifest.json"], "bad", True),
        ("t-swapped.zip", ["report.html: error: is ",
                           "report.json: error: SHA-256 "], "valid", False),
        ("t-dropped.zip", ["manifest.sig: error: missing from the bundle, "
                           f"though the manifest says key {fp} signed it"],
         "missing", True),
        ("foreign.zip", [f"manifest.sig: error: signed by key {other}, "
                         "which is not among the 1 trusted keys"],
         "unknown_key", True),
        ("t-truncated.zip", ["manifest.sig: error: is 32 bytes: an Ed25519 "
                             "signature is 64 (cut short, or not a "
                             "signature)"], "malformed", True),
        ("u.zip", ["error: the bundle is not signed (no manifest.sig)"],
         "unsigned", True),
    ]
    for name, messages, signature, intact in cases:
        p = dyd("verify", "--trust", "k.pem.pub", name)
        check(f"verify --trust {name}: exit 5, says why",
              p.returncode == 5 and p.stdout == "" and
              all(f"{name}: {m}" in p.stderr for m in messages), p.stderr)
        p = dyd("verify", "--json", "--trust", "k.pem.pub", name)
        try:
            f = json.loads(p.stdout)["files"][0]
        except (ValueError, KeyError, IndexError):
            f = {}
        check(f"verify --json --trust {name}: signature {signature}, "
              f"intact {intact}", p.returncode == 5 and
              f.get("signature") == signature and
              f.get("intact") is intact and f.get("valid") is False,
              p.stdout)


def by_hand(path):
    """The check the manual and the README give, exactly, with OpenSSL."""
    d = path("by-hand")
    os.mkdir(d)
    shutil.copy(path("s.zip"), os.path.join(d, "budi.santoso.zip"))
    shutil.copy(path("k.pem.pub"), os.path.join(d, "PUB.pem"))
    u = subprocess.run(["unzip", "budi.santoso.zip", "manifest.json",
                        "manifest.sig"], cwd=d, capture_output=True,
                       text=True)
    cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "PUB.pem",
           "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"]
    r = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
    check("unzip + openssl pkeyutl -verify -rawin: Signature Verified "
          "Successfully", u.returncode == 0 and r.returncode == 0 and
          "Signature Verified Successfully" in r.stdout,
          u.stderr + r.stdout + r.stderr)
    with open(os.path.join(d, "manifest.json"), "rb") as f:
        body = f.read()
    with open(os.path.join(d, "manifest.json"), "wb") as f:
        f.write(body.replace(b'"dyd"', b'"dyd2"', 1))
    r = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
    check("... and it fails on a changed manifest", r.returncode != 0 and
          "Signature Verification Failure" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    der = subprocess.run("openssl pkey -pubin -in PUB.pem -outform DER | "
                         "sha256sum", shell=True, cwd=d, capture_output=True,
                         text=True).stdout.split()[0]
    m = json.loads(body)
    check("the manual's fingerprint command gives the manifest's key_sha256",
          m["signature"]["key_sha256"] == der, der)


def batches(dyd, path, td, fp):
    records = os.path.join(td, "records")
    p = dyd("batch", "--quiet", "-j", "2", "--sign-key", "k.pem", "-d",
            "out", records)
    bundles = sorted(glob.glob(path("out", "*.zip")))
    check("batch --sign-key: every record", p.returncode == 0 and
          len(bundles) == len(glob.glob(os.path.join(records, "*.*"))),
          p.stderr)
    v = dyd("verify", "--trust", "k.pem.pub", *bundles)
    check("batch --sign-key: every bundle verifies against the key, from "
          "two workers", v.returncode == 0 and
          v.stdout.count(f"ok (signed by trusted key {fp})") ==
          len(bundles), v.stdout + v.stderr)
    p = dyd("batch", "--quiet", "-j", "1", "-d", "out1", records,
            extra_env={"DYD_SIGN_KEY_FILE": "k.pem"})
    same = all(open(b, "rb").read() == open(path("out1", os.path.basename(b)),
                                            "rb").read() for b in bundles)
    check("batch with DYD_SIGN_KEY_FILE and one worker: the same bytes",
          p.returncode == 0 and same, p.stderr)


def no_core_dumps(dyd_bin, env, path, budi):
    """While the key is held (the record not read yet: stdin is still
    open), the process has no core limit left and is not dumpable."""
    def soft_core(pid):
        for line in open(f"/proc/{pid}/limits"):
            if line.startswith("Max core file size"):
                return line.split()[4]
        return None

    # AddressSanitizer turns core dumps off itself unless told not to.
    if "ASAN_OPTIONS" in env:
        env = dict(env, ASAN_OPTIONS=env["ASAN_OPTIONS"] +
                   ":disable_coredump=0")

    def start(argv):
        def unlimited():
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,
                                                      resource.RLIM_INFINITY))
        return subprocess.Popen([dyd_bin] + argv, cwd=path(), env=env,
                                stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, preexec_fn=unlimited)

    for argv, want in ((["export", "--sign-key", "k.pem", "-o", "c.zip", "-"],
                        "0"),
                       (["export", "-o", "c2.zip", "-"], "unlimited")):
        p = start(argv)
        got = None
        # Until the key is loaded and dyd waits for the record.
        for _ in range(200):
            got = soft_core(p.pid)
            if got == want or p.poll() is not None:
                break
            time.sleep(0.02)
        time.sleep(0.1)
        got = soft_core(p.pid) if p.poll() is None else got
        p.stdin.write(open(budi, "rb").read())
        p.stdin.close()
        p.wait()
        check(f"dyd {' '.join(argv)}: core file size {want} while it "
              "waits for the record", got == want and p.returncode == 0,
              f"{got} {p.stderr.read()!r}")


if __name__ == "__main__":
    sys.exit(main())
