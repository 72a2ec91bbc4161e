# SPDX-License-Identifier: MIT
"""What the sharding tests share: their input, the shard of a results line
as dyd-batch(1) defines it, the comparison of sharded output with one
unsharded run, the recipes of dyd-batch(1) and README.md read as the
tests run them, and clean-up of the processes a test started."""
import ctypes
import filecmp
import glob
import gzip
import json
import os
import re
import shlex
import signal
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_libc = ctypes.CDLL(None, use_errno=True)


class Checks:
    """Counts and prints checks; a test ends with exit_status()."""

    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, label, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"ok {label}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {label} {str(detail)[:3000]}", flush=True)
        return cond

    def exit_status(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


# --- shards -------------------------------------------------------------

def shard_of(key, n):
    """dyd-batch(1), Sharding: 64-bit FNV-1a of the id, modulo n."""
    h = 14695981039346656037
    for byte in key.encode():
        h = ((h ^ byte) * 1099511628211) % (1 << 64)
    return h % n


def line_shard(line, n):
    """The shard a results line belongs to: its account id's, or, for a
    record whose id is not known, its source's."""
    r = json.loads(line)
    return shard_of(r["account_id"] if r["account_id"] is not None
                    else r["source"], n)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def shard_lines(ref_dir, n):
    """The lines of the unsharded results.jsonl that fall in each shard,
    in input order."""
    per = [[] for _ in range(n)]
    for line in read_lines(os.path.join(ref_dir, "results.jsonl")):
        per[line_shard(line, n)].append(line)
    return per


def expected_status(lines):
    """The exit status of a run that writes these lines: 1 if a record
    failed, else 0."""
    return 1 if any(json.loads(l)["status"] == "error" for l in lines) else 0


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def compare_sharded(check, label, ref_dir, out_dir, n, shards=None):
    """The shards in out_dir (all n, or those listed), together, are the
    unsharded run in ref_dir, or its part that falls in them:

    - results-K-of-N.jsonl holds exactly the lines of the unsharded
      results.jsonl whose record is of shard K, byte for byte and in the
      same (input) order; so the union of the N files, as a multiset of
      lines, is the unsharded file, and only the order between lines of
      different shards differs;
    - the bundles are the same files, each byte for byte;
    - no temporary directory or journal is left, and each hidden file
      left (the run's options, .dyd-K-of-N-run.json) is one shard's."""
    shards = list(range(n)) if shards is None else list(shards)
    want = shard_lines(ref_dir, n)
    got = []
    for k in shards:
        name = f"results-{k}-of-{n}.jsonl"
        path = os.path.join(out_dir, name)
        have = read_lines(path) if os.path.exists(path) else None
        got.extend(have or [])
        first_diff = next((i for i, (a, b) in enumerate(
            zip(have or [], want[k])) if a != b), None)
        check(f"{label}: {name} is the unsharded lines of shard {k}, "
              "in input order",
              have == want[k],
              "missing file" if have is None else
              f"{len(have)} lines, want {len(want[k])}; first difference at "
              f"line {first_diff}")
    if len(shards) == n:
        ref_all = read_lines(os.path.join(ref_dir, "results.jsonl"))
        check(f"{label}: the {n} results files together hold each line of "
              "the unsharded results.jsonl once",
              sorted(got) == sorted(ref_all), f"{len(got)} vs {len(ref_all)}")

    def zips(d, only=None):
        return sorted(z for z in (os.path.basename(p) for p in
                                  glob.glob(os.path.join(d, "*.zip")))
                      if only is None or shard_of(z[:-4], n) in only)
    ref_zips, out_zips = zips(ref_dir, shards), zips(out_dir)
    check(f"{label}: the bundle names of the unsharded run",
          out_zips == ref_zips,
          f"{len(out_zips)} vs {len(ref_zips)}; extra "
          f"{sorted(set(out_zips) - set(ref_zips))[:5]}, missing "
          f"{sorted(set(ref_zips) - set(out_zips))[:5]}")
    differ = [z for z in sorted(set(out_zips) & set(ref_zips))
              if not filecmp.cmp(os.path.join(out_dir, z),
                                 os.path.join(ref_dir, z), shallow=False)]
    check(f"{label}: every bundle is byte for byte the unsharded run's",
          not differ, differ[:5])
    hidden = sorted(e for e in os.listdir(out_dir) if e.startswith("."))
    own = tuple(f".dyd-{k}-of-{n}{c}" for k in shards for c in "-.")
    check(f"{label}: no temporary directory or journal is left, and every "
          "hidden file is named for its shard",
          all(e.startswith(own) and not e.endswith(("-tmp", "-journal.jsonl"))
              for e in hidden) and
          all(f".dyd-{k}-of-{n}-run.json" in hidden for k in shards),
          hidden)


# --- input ----------------------------------------------------------------

def input_lines(testdata, count):
    """count records made from the sample records, each under its own id,
    plus the cases that place records by other means than a good id: a
    record that fails validation (placed by its id), a duplicate id (an
    error in the shard of the first), a line that is not JSON (no id:
    placed by its source) and a blank line (no record)."""
    records = []
    for path in sorted(glob.glob(os.path.join(testdata, "records",
                                              "*.json"))):
        with open(path, encoding="utf-8") as f:
            records.append(json.load(f))
    lines = []
    for i in range(count):
        r = dict(records[i % len(records)], account_id=f"acct-{i:05d}")
        lines.append(json.dumps(r, ensure_ascii=False))
    lines.insert(7, json.dumps(dict(records[0], account_id="bad-phone",
                                    phone="12345")))
    lines.insert(11, lines[3])
    lines.insert(19, "this is not JSON")
    lines.insert(23, "")
    return lines


def write_input(path, lines):
    data = ("\n".join(lines) + "\n").encode()
    if path.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)


# --- the recipes of the documentation ---------------------------------------

_ESCAPES = {"e": "\\", "&": "", "-": "-", "(aq": "'", "(dq": '"'}


def _unescape(line, where):
    def repl(m):
        if m.group(1) not in _ESCAPES:
            raise ValueError(f"{where}: unknown escape '\\{m.group(1)}'")
        return _ESCAPES[m.group(1)]
    return re.sub(r"\\(\(..|.)", repl, line)


def man_blocks(man, subsection):
    """The literal displays (.Bd -literal ... .Ed) of one .Ss of an mdoc
    page, as a reader sees them."""
    with open(man, encoding="utf-8") as f:
        src = f.read().splitlines()
    blocks, block, inside = [], None, False
    for n, line in enumerate(src, 1):
        if line.startswith((".Ss ", ".Sh ")):
            inside = line == f".Ss {subsection}"
        elif inside and line.startswith(".Bd -literal"):
            block = []
        elif block is not None and line == ".Ed":
            blocks.append("\n".join(block) + "\n")
            block = None
        elif block is not None:
            block.append(_unescape(line, f"{man}:{n}"))
    if not blocks:
        raise ValueError(f"{man}: no literal display under '{subsection}'")
    return blocks


def readme_block(readme, marker):
    """The indented code block of README.md that contains marker."""
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"(?:^(?:    .*)?\n)+", text, re.M):
        block = m.group(0).strip("\n")
        if marker in block and block.startswith("    "):
            return "\n".join(l[4:] for l in block.split("\n")) + "\n"
    raise ValueError(f"{readme}: no code block with '{marker}'")


def _unfinished(cmd):
    if cmd.endswith("\\"):
        return True
    try:
        shlex.split(cmd)
    except ValueError:  # a quotation still open on the next line
        return True
    return False


def commands(block):
    """The commands of a display: with prompts, the lines after '$ ' and
    their continuation lines (the output shown is left out); without, every
    line. Each command is one string, continuation lines joined with
    newlines, so that sh runs it as written."""
    lines = block.splitlines()
    prompted = any(l.startswith("$ ") for l in lines)
    cmds, cont = [], False
    for line in lines:
        if cont:
            cmds[-1] += "\n" + line
        elif not prompted or line.startswith("$ "):
            cmds.append(line[2:] if prompted else line)
        else:
            continue
        cont = _unfinished(cmds[-1])
    return [c for c in cmds if c.strip()]


# --- processes --------------------------------------------------------------

def become_subreaper():
    """Makes orphaned descendants (daemons' children, such as slurmstepd)
    this process's children, so that kill_children() finds them all."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def die_with_parent():
    """preexec_fn: the child gets SIGTERM if the test is killed outright,
    so that no daemon outlives it."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def children():
    me = str(os.getpid())
    pids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            pids.append(int(stat.split("/")[2]))
    return pids


def stop(pid, grace=10.0):
    """SIGTERM, then SIGKILL after grace seconds; reaps it if it is ours."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    end = time.monotonic() + grace
    while time.monotonic() < end:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            if not os.path.exists(f"/proc/{pid}"):
                return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def reap():
    """Collects the exit status of every child that has ended: with
    become_subreaper(), the daemons' children end up here as zombies."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def kill_children():
    """Stops every process still a child of this one (with
    become_subreaper(), every descendant left behind) and says which."""
    reap()
    left = children()
    for pid in left:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            cmd = "?"
        print(f"# stopping leftover process {pid}: {cmd}", flush=True)
        stop(pid, grace=5.0)
    reap()
    return left


def alarm_after(seconds, what):
    """An overall deadline below ctest's TIMEOUT, so that the test, not
    ctest, ends a hung run, and cleans up after itself."""
    def on_alarm(signum, frame):
        raise TimeoutError(f"{what}: still running after {seconds} s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
