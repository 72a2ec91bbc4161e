#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dyd batch: every input kind, one results line per record, the same
bytes for any -j, sharding that splits exactly, and resume after kill -9
at random moments ending with exactly the bundles and results of a clean
run."""
import argparse
import glob
import gzip
import hashlib
import json
import os
import pty
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import jsonschema

passed = failed = 0


def check(label, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {label}")
    else:
        failed += 1
        print(f"FAIL {label} {str(detail)[:2000]}")


def tree(outdir):
    """name -> sha256 of every bundle, and the results lines."""
    bundles = {}
    for path in glob.glob(os.path.join(outdir, "*.zip")):
        with open(path, "rb") as f:
            bundles[os.path.basename(path)] = hashlib.sha256(
                f.read()).hexdigest()
    return bundles


def results_validator(dyd_bin):
    """results.schema.json as this dyd embeds it, with the schemas it
    refers to, served by their $id."""
    store = {}
    names = subprocess.run([dyd_bin, "schema"], capture_output=True,
                           text=True, check=True).stdout.split()
    for name in names:
        schema = json.loads(subprocess.run(
            [dyd_bin, "schema", name], capture_output=True, text=True,
            check=True).stdout)
        store[schema["$id"]] = schema
    schema = store["https://schemas.dyd.invalid/results.schema.json"]
    try:
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012
    except ImportError:  # jsonschema < 4.18, as Debian 12 has it
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)
    registry = Registry().with_resources(
        (uri, DRAFT202012.create_resource(s)) for uri, s in store.items())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def check_all_results(tmp, validator):
    """Every line of every results file the runs wrote is one that
    results.schema.json describes."""
    bad, count = [], 0
    for path in glob.glob(os.path.join(tmp, "**", "results*.jsonl"),
                          recursive=True):
        for n, text in enumerate(lines(path), 1):
            count += 1
            errors = list(validator.iter_errors(json.loads(text)))
            if errors:
                bad.append(f"{os.path.relpath(path, tmp)}:{n}: "
                           f"{errors[0].message[:200]}")
    check(f"every results line of every run ({count}) validates against "
          "results.schema.json", count > 1000 and not bad, bad[:5])


def lines(path):
    with open(path) as f:
        return f.read().splitlines()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--kills", type=int, default=12)
    args = ap.parse_args()
    dyd_bin = os.path.abspath(args.dyd)
    td = os.path.abspath(args.testdata)
    env = dict(os.environ, LC_ALL="C")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("DYD_PASSWORD", None)
    tmp = tempfile.mkdtemp(prefix="dyd-batch-")
    rng = random.Random(20210104)
    common = ["--as-of", "2021-06-01T00:00:00Z", "--quiet"]

    def dyd(*argv, **kw):
        return subprocess.run([dyd_bin] + list(argv), cwd=tmp, env=env,
                              capture_output=True, text=True, **kw)

    # Inputs: the testdata records under many account ids, plus a bad
    # record, a duplicate and a line that is not JSON.
    records = []
    for path in sorted(glob.glob(os.path.join(td, "records", "*.json"))):
        with open(path) as f:
            records.append(json.load(f))
    jsonl = []
    for i in range(240):
        r = dict(records[i % len(records)])
        r["account_id"] = f"acct-{i:05d}"
        jsonl.append(json.dumps(r, ensure_ascii=False))
    bad = dict(records[0], account_id="bad-phone", phone="12345")
    jsonl.insert(17, json.dumps(bad))
    jsonl.insert(40, jsonl[3])          # duplicate of acct-00003
    jsonl.insert(77, "this is not JSON")
    jsonl.insert(90, "")                # blank lines are not records
    total = len([l for l in jsonl if l])
    src = os.path.join(tmp, "in.jsonl")
    with open(src, "w") as f:
        f.write("\n".join(jsonl) + "\n")
    with open(src, "rb") as f, gzip.open(src + ".gz", "wb") as g:
        g.write(f.read())

    try:
        # Clean runs at -j1 and -j4: same bytes, one line per record.
        r1 = dyd("batch", *common, "-j", "1", "-d", "j1", "in.jsonl")
        check("batch -j1: exit 1 (some records failed)", r1.returncode == 1,
              r1.stderr)
        res = [json.loads(l) for l in lines(os.path.join(tmp, "j1",
                                                          "results.jsonl"))]
        check("one results line per record, in input order",
              len(res) == total and
              [r["source"] for r in res] ==
              [f"in.jsonl:{n}" for n, l in enumerate(jsonl, 1) if l],
              len(res))
        by_src = {r["source"]: r for r in res}
        check("bad record reported with its id and where",
              by_src["in.jsonl:18"]["status"] == "error" and
              by_src["in.jsonl:18"]["account_id"] == "bad-phone" and
              "/phone" in by_src["in.jsonl:18"]["error"])
        check("duplicate account id is an error, first one wins",
              by_src["in.jsonl:41"]["status"] == "error" and
              "duplicate" in by_src["in.jsonl:41"]["error"] and
              by_src["in.jsonl:4"]["status"] == "ok")
        check("a line that is not JSON is an error with its line",
              by_src["in.jsonl:78"]["status"] == "error" and
              "in.jsonl:78:1" in by_src["in.jsonl:78"]["error"])
        clean = tree(os.path.join(tmp, "j1"))
        ok = [r for r in res if r["status"] == "ok"]
        check("a bundle per ok line, with its size and sha256",
              len(clean) == len(ok) and all(
                  clean[r["bundle"]] == r["sha256"] for r in ok))
        check("a finished run leaves its bundles, results and signature, "
              "and no temporary directory",
              sorted(os.listdir(os.path.join(tmp, "j1"))) ==
              sorted([".dyd-run.json", "results.jsonl", *clean]),
              sorted(n for n in os.listdir(os.path.join(tmp, "j1"))
                     if not n.endswith(".zip")))
        r4 = dyd("batch", *common, "-j", "4", "-d", "j4", "in.jsonl.gz")
        check("gzip input, -j4: same exit", r4.returncode == 1, r4.stderr)
        check("same bundles for -j1 and -j4 (and gzip or not)",
              tree(os.path.join(tmp, "j4")) == clean)
        res4 = [l.replace("in.jsonl.gz", "in.jsonl")
                for l in lines(os.path.join(tmp, "j4", "results.jsonl"))]
        check("same results for -j1 and -j4",
              res4 == lines(os.path.join(tmp, "j1", "results.jsonl")))
        with open(os.path.join(tmp, "j1", "acct-00000.zip"), "rb") as f:
            batch_bytes = f.read()
        e = subprocess.run([dyd_bin, "export", "--as-of",
                            "2021-06-01T00:00:00Z", "-o", "-", "-"],
                           input=jsonl[0].encode(), capture_output=True,
                           env=env)
        check("a batch bundle is the bundle dyd export makes, byte for byte",
              e.returncode == 0 and e.stdout == batch_bytes)
        v = dyd("verify", *sorted(glob.glob(os.path.join(tmp, "j1",
                                                          "*.zip")))[:20])
        check("bundles verify", v.returncode == 0, v.stderr)

        # Other inputs: a YAML stream, a directory, standard input.
        with open(os.path.join(td, "records", "hans-mueller.yaml")) as f:
            hans = f.read()
        stream = "".join(
            "---\n" + hans.replace("account_id: hans.mueller",
                                   f"account_id: y{i}") for i in range(3))
        stream += "---\naccount_id: [unclosed\n"
        with open(os.path.join(tmp, "in.yaml"), "w") as f:
            f.write(stream)
        y = dyd("batch", *common, "-d", "yaml", "in.yaml")
        yres = [json.loads(l) for l in lines(os.path.join(tmp, "yaml",
                                                          "results.jsonl"))]
        n_hans = hans.count("\n")
        check("YAML stream: a record per document, lines of the stream",
              y.returncode == 1 and [r["status"] for r in yres] ==
              ["ok", "ok", "ok", "error"] and
              yres[1]["source"] == f"in.yaml:{n_hans + 2}" and
              f"in.yaml:{3 * n_hans + 6}:" in yres[3]["error"],
              yres)
        d = dyd("batch", *common, "-d", "dir", os.path.join(td, "records"))
        dres = [json.loads(l) for l in lines(os.path.join(tmp, "dir",
                                                          "results.jsonl"))]
        check("directory of records, in name order",
              d.returncode == 0 and [os.path.basename(r["source"])
                                     for r in dres] ==
              sorted(os.listdir(os.path.join(td, "records"))), d.stderr)
        one = dyd("batch", *common, "-d", "one",
                  os.path.join(td, "records", "budi-santoso.json"),
                  os.path.join(td, "records", "hans-mueller.yaml"))
        ores = [json.loads(l) for l in lines(os.path.join(tmp, "one",
                                                          "results.jsonl"))]
        check("a .json file is one record, a .yaml file a stream",
              one.returncode == 0 and [r["account_id"] for r in ores] ==
              ["budi.santoso", "hans.mueller"], one.stderr)
        s = dyd("batch", *common, "-d", "stdin", "-", input="\n".join(
            jsonl[:5]) + "\n")
        check("standard input", s.returncode == 0 and
              len(tree(os.path.join(tmp, "stdin"))) == 5, s.stderr)

        # A truncated gzip file: the records before the cut, then an error.
        with open(src + ".gz", "rb") as f:
            gz = f.read()
        with open(os.path.join(tmp, "cut.jsonl.gz"), "wb") as f:
            f.write(gz[: len(gz) // 2])
        t = dyd("batch", *common, "-d", "cut", "cut.jsonl.gz")
        tres = [json.loads(l) for l in lines(os.path.join(tmp, "cut",
                                                          "results.jsonl"))]
        check("truncated gzip: error line at the end, exit 1",
              t.returncode == 1 and tres and tres[-1]["status"] == "error"
              and "truncated" in tres[-1]["error"], tres[-1:])

        # Refusals: an existing results file, or bundles without one.
        a = dyd("batch", *common, "-d", "j1", "in.jsonl")
        check("existing results without --resume: exit 2",
              a.returncode == 2 and "--resume" in a.stderr, a.stderr)
        os.makedirs(os.path.join(tmp, "stale"))
        shutil.copy(os.path.join(tmp, "j1", "acct-00001.zip"),
                    os.path.join(tmp, "stale"))
        a = dyd("batch", *common, "-d", "stale", "in.jsonl")
        check("bundles but no results file: exit 2",
              a.returncode == 2 and "no results file" in a.stderr, a.stderr)
        for argv in (["--shard", "3/3"], ["--shard", "x"], ["-j", "0"],
                     ["--level", "10"]):
            a = dyd("batch", *common, *argv, "-d", "never", "in.jsonl")
            check(f"batch {' '.join(argv)}: exit 2", a.returncode == 2)
        a = dyd("batch", *common, "in.jsonl")
        check("batch without -d: exit 2", a.returncode == 2)

        a = dyd("batch", "--quiet", "--as-of", "2021-06-02", "--resume",
                "-d", "j1", "in.jsonl")
        check("--resume with another --as-of: exit 2",
              a.returncode == 2 and "options of the first run" in a.stderr,
              a.stderr)

        # Shards: separate processes, one output directory, disjoint,
        # together the unsharded run.
        procs = [subprocess.Popen([dyd_bin, "batch", *common, "--shard",
                                   f"{k}/3", "-d", "shards", "in.jsonl"],
                                  cwd=tmp, env=env, stderr=subprocess.PIPE)
                 for k in range(3)]
        for p in procs:
            p.wait()
        shard_lines = [lines(os.path.join(tmp, "shards",
                                          f"results-{k}-of-3.jsonl"))
                       for k in range(3)]
        sources = [json.loads(l)["source"] for sl in shard_lines for l in sl]
        check("shards are disjoint and cover every record",
              len(sources) == len(set(sources)) == total)
        check("shards together make the unsharded bundles",
              tree(os.path.join(tmp, "shards")) == clean)
        check("each shard non-empty", all(shard_lines))

        # Signed bundles (issue 16): each ok line names the key, the run
        # signature holds it, a resume with another key is refused in one
        # line, and a bundle a resume keeps must be signed by the run's.
        keys = []
        for k in ("k1", "k2"):
            path = os.path.join(tmp, f"{k}.pem")
            subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519",
                            "-out", path], check=True, capture_output=True)
            os.chmod(path, 0o600)
            der = subprocess.run(["openssl", "pkey", "-in", path, "-pubout",
                                  "-outform", "DER"], check=True,
                                 capture_output=True).stdout
            keys.append((path, hashlib.sha256(der).hexdigest()))
        few = os.path.join(tmp, "few.jsonl")
        with open(few, "w") as f:
            f.write("\n".join(jsonl[:30]) + "\n")
        signed = ["--sign-key", keys[0][0], "-d", "signed", "few.jsonl"]
        r = dyd("batch", *common, *signed)
        sres = [json.loads(l) for l in lines(os.path.join(tmp, "signed",
                                                           "results.jsonl"))]
        with open(os.path.join(tmp, "signed", ".dyd-run.json")) as f:
            run_json = json.load(f)
        check("signed: every ok line names the signing key's fingerprint, "
              "and so does the run's signature",
              r.returncode == 1 and
              all(x.get("key_sha256") == keys[0][1]
                  for x in sres if x["status"] == "ok") and
              run_json.get("key_sha256") == keys[0][1], r.stderr)
        r = dyd("batch", *common, "--resume", "--sign-key", keys[1][0],
                "-d", "signed", "few.jsonl")
        msg = [l for l in r.stderr.splitlines() if "--resume" in l]
        check("signed: --resume with another key is refused in one line "
              "naming both keys", r.returncode == 2 and len(msg) == 1 and
              "--sign-key was " + keys[0][1] in msg[0] and
              "is " + keys[1][1] in msg[0], r.stderr)
        r = dyd("batch", *common, "--resume", "-d", "signed", "few.jsonl")
        check("signed: ... or with none", r.returncode == 2 and
              "--sign-key was " + keys[0][1] + ", is (none)" in r.stderr,
              r.stderr)
        # A bundle of the record signed by another key, put in the place
        # of the run's: a resume does not keep it, it makes it again.
        dyd("batch", *common, "--sign-key", keys[1][0], "-d", "other",
            "few.jsonl")
        name = sres[0]["bundle"]
        want = tree(os.path.join(tmp, "signed"))
        shutil.copy(os.path.join(tmp, "other", name),
                    os.path.join(tmp, "signed", name))
        before = lines(os.path.join(tmp, "signed", "results.jsonl"))
        r = dyd("batch", *common, "--resume", *signed)
        check("signed: a bundle signed by another key is made again by "
              "--resume, the results as they were", r.returncode == 1 and
              tree(os.path.join(tmp, "signed")) == want and
              lines(os.path.join(tmp, "signed", "results.jsonl")) == before,
              r.stderr)

        # Resume after kill -9 at random moments.
        clean_results = lines(os.path.join(tmp, "j1", "results.jsonl"))
        for attempt in range(args.kills):
            out = os.path.join(tmp, f"kill{attempt}")
            kills = 0
            argv = [dyd_bin, "batch", *common, "-j", "2", "-d", out,
                    "in.jsonl"]
            for _ in range(3):
                p = subprocess.Popen(argv, cwd=tmp, env=env,
                                     stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.0, 0.6))
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    kills += 1
                p.wait()
                if "--resume" not in argv:
                    argv.insert(2, "--resume")
            p = subprocess.run(argv, cwd=tmp, env=env, capture_output=True,
                               text=True)
            same = (tree(out) == clean and
                    lines(os.path.join(out, "results.jsonl")) ==
                    clean_results)
            leftovers = glob.glob(os.path.join(out, ".dyd-tmp*"))
            check(f"kill -9 x{kills} then --resume: the clean run's bundles "
                  "and results", p.returncode == 1 and same and
                  not leftovers, (p.returncode, p.stderr[-500:], leftovers))

        # SIGTERM: stops after committing, and --resume finishes.
        out = os.path.join(tmp, "term")
        p = subprocess.Popen([dyd_bin, "batch", *common, "-j", "1", "-d",
                              out, "in.jsonl"], cwd=tmp, env=env,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate()
        r = dyd("batch", *common, "--resume", "-d", out, "in.jsonl")
        check("SIGTERM then --resume", tree(out) == clean and
              lines(os.path.join(out, "results.jsonl")) == clean_results,
              (p.returncode, err[-300:], r.stderr[-300:]))

        # A terminal gets a progress bar and a summary. The bar is drawn
        # at most every 0.2 s, so this input is long enough for a few.
        with open(os.path.join(tmp, "tty.jsonl"), "w") as f:
            for i in range(1500):
                r = dict(records[i % len(records)])
                r["account_id"] = f"tty-{i:05d}"
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(tmp)
            os.execve(dyd_bin, [dyd_bin, "batch", "--as-of",
                                "2021-06-01T00:00:00Z", "-d", "tty",
                                "tty.jsonl"], env)
        seen = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.waitpid(pid, 0)
        text = seen.decode(errors="replace")
        check("progress and summary on a terminal",
              "records" in text and "/s" in text and
              "1500 records: 1500 ok, 0 failed" in text, text[-400:])
        j = dyd("batch", "--as-of", "2021-06-01T00:00:00Z", "--json", "-d",
                "json", "in.jsonl")
        try:
            summary = json.loads(j.stdout)
            good = (summary["records"] == total and
                    summary["ok"] == len(ok) and summary["complete"])
        except (ValueError, KeyError):
            good = False
        check("--json summary; not a terminal: no progress bar",
              good and "\r" not in j.stderr, j.stdout + j.stderr[-300:])
        check_all_results(tmp, results_validator(dyd_bin))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
