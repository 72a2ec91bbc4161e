#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dyd batch as a Slurm job array, on a real single-node Slurm.

The test starts its own munged, slurmctld and slurmd (Debian's munge and
slurm-wlm 22.05) in a temporary directory, on loopback ports it picks, and
stops them at the end, whatever happens. It takes the job script of
dyd-batch(1), section "A Slurm job array", as it is printed there (README.md
must show the same script), and:

  1. submits it, a job array of one task per shard, each task running
     'dyd batch --resume --shard $SLURM_ARRAY_TASK_ID/4 -d out in.jsonl.gz'
     into one shared output directory; once every task has ended, the
     union of the bundles and results files must be an unsharded run's
     (see shardlib.compare_sharded for what that means exactly), and each
     task's exit code that of its shard (1 when a record of it failed);
  2. submits it again into a fresh directory, suspends two tasks once each
     has committed part of its shard (so that they are caught mid-run
     whatever the speed of the machine), then scancels them: the first
     while suspended, which Slurm does with SIGKILL; the second resumed
     and cancelled at once, which Slurm does with SIGTERM, on which dyd
     must commit what it has and end by that signal before Slurm's
     KillWait; it resubmits those two array indexes, as the page says, and
     the directory must end as the unsharded run's, byte for byte.

Usage: slurm_array.py --dyd PATH --testdata DIR --man dyd-batch.1
                      --readme README.md [--records N] [--keep]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import shardlib  # noqa: E402

TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
            "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE"}

SLURM_CONF = """\
# A one-node cluster for the test: every daemon on loopback, run by root,
# no systemd and no cgroups (linuxproc tracks a job's processes), no
# accounting database (job states come from scontrol, kept an hour).
ClusterName=dydtest
SlurmctldHost={host}({addr})
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
{comm}AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/run/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=3600
KillWait=10
MailProg=/bin/true
{node} NodeAddr={addr} State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def loopback_address(host):
    """The address the daemons listen on and are reached at, and the
    CommunicationParameters line that goes with it.

    With NoInAddrAny a daemon binds to the address its host name resolves
    to, not to every interface. That is only right when the name resolves
    to a loopback address: 127.0.0.1 here, but 127.0.1.1 in the /etc/hosts
    Debian's installer writes. Where the name resolves elsewhere or not at
    all, the daemons bind to every interface and are reached at 127.0.0.1,
    so that the test still sends nothing off this machine."""
    try:
        addr = socket.gethostbyname(host)
    except OSError:
        addr = None
    if addr and addr.startswith("127."):
        return addr, "CommunicationParameters=NoCtldInAddrAny,NoInAddrAny\n"
    return "127.0.0.1", ""


def free_ports(count):
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Cluster:
    """munged, slurmctld and slurmd in root/, started in the foreground as
    children of the test, so that the test alone decides when they end."""

    def __init__(self, root):
        self.root = root
        self.daemons = {}
        self.jobs = []
        self.env = dict(os.environ, SLURM_CONF=f"{root}/etc/slurm.conf")

    def run(self, *argv, check=True, timeout=30, **kw):
        r = subprocess.run(list(argv), env=self.env, capture_output=True,
                           text=True, timeout=timeout, **kw)
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: "
                               f"{r.stderr.strip()}")
        return r

    def spawn(self, name, *argv):
        log = open(f"{self.root}/log/{name}.out", "wb")
        self.daemons[name] = subprocess.Popen(
            list(argv), env=self.env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=shardlib.die_with_parent)
        log.close()

    def wait_for(self, what, ready, seconds=30):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name, p in self.daemons.items():
                if p.poll() is not None:
                    raise RuntimeError(f"{name} exited with status "
                                       f"{p.returncode} while waiting for "
                                       f"{what}")
            if ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{what}: not ready after {seconds} s")

    def start(self):
        r = self.root
        # munged refuses a socket in a directory that others cannot
        # search, and a key that others can read.
        os.chmod(r, 0o711)
        for d, mode in (("etc", 0o755), ("run", 0o755), ("munge", 0o700),
                        ("state", 0o700), ("spool", 0o700), ("log", 0o700)):
            os.mkdir(f"{r}/{d}", mode)
        self.run("mungekey", "--create", f"--keyfile={r}/munge/munge.key")
        self.spawn("munged", "munged", "--foreground",
                   f"--socket={r}/run/munge.socket",
                   f"--key-file={r}/munge/munge.key",
                   f"--log-file={r}/log/munged.log",
                   f"--pid-file={r}/run/munged.pid",
                   f"--seed-file={r}/munge/munged.seed")

        def munge_ok():
            cred = self.run("munge", "-n", "-S", f"{r}/run/munge.socket",
                            check=False)
            return cred.returncode == 0 and self.run(
                "unmunge", "-S", f"{r}/run/munge.socket", input=cred.stdout,
                check=False).returncode == 0
        self.wait_for("munged", munge_ok)

        # The node as slurmd sees it: its name, CPUs and RealMemory.
        node = self.run("slurmd", "-C").stdout.splitlines()[0]
        host = re.match(r"NodeName=(\S+)", node).group(1)
        ctld_port, slurmd_port = free_ports(2)
        addr, comm = loopback_address(host)
        with open(f"{r}/etc/slurm.conf", "w") as f:
            f.write(SLURM_CONF.format(root=r, host=host, node=node,
                                      addr=addr, comm=comm,
                                      ctld_port=ctld_port,
                                      slurmd_port=slurmd_port))
        conf = self.env["SLURM_CONF"]
        self.spawn("slurmctld", "slurmctld", "-D", "-f", conf)
        self.wait_for("slurmctld", lambda: "is UP" in self.run(
            "scontrol", "ping", check=False).stdout)
        self.spawn("slurmd", "slurmd", "-D", "-f", conf)
        self.wait_for("slurmd", lambda: self.run(
            "sinfo", "-h", "-n", host, "-o", "%T", check=False
        ).stdout.strip() == "idle")

    def submit(self, cwd, *argv):
        jobid = self.run("sbatch", "--parsable", *argv,
                         cwd=cwd).stdout.strip().split(";")[0]
        self.jobs.append(jobid)
        return jobid

    def tasks(self, jobid):
        """{array index: (state, exit code)} of a job array."""
        out = self.run("scontrol", "-o", "show", "job", jobid).stdout
        tasks = {}
        for line in out.splitlines():
            f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            ids = f.get("ArrayTaskId", "")
            for part in ids.split(","):
                if re.fullmatch(r"\d+", part):
                    tasks[int(part)] = (f["JobState"], f["ExitCode"])
                elif m := re.fullmatch(r"(\d+)-(\d+)(?:%\d+)?", part):
                    for i in range(int(m.group(1)), int(m.group(2)) + 1):
                        tasks[i] = (f["JobState"], f["ExitCode"])
        return tasks

    def wait_job(self, jobid, count, seconds):
        end = time.monotonic() + seconds
        while True:
            t = self.tasks(jobid)
            if len(t) == count and all(s in TERMINAL for s, _ in t.values()):
                return t
            if time.monotonic() > end:
                raise RuntimeError(f"job {jobid} not done after {seconds} "
                                   f"s: {t}")
            time.sleep(0.25)

    def stop(self):
        """Cancels the test's jobs, waits (bounded) for them to go, then
        stops the daemons, slurmd first, munged last."""
        if self.jobs and "slurmctld" in self.daemons:
            self.run("scancel", *self.jobs, check=False)
            end = time.monotonic() + 30
            while time.monotonic() < end:
                q = self.run("squeue", "-h", "-o", "%i %T", check=False)
                if q.returncode != 0 or not q.stdout.strip():
                    break
                time.sleep(0.25)
        for name in ("slurmd", "slurmctld", "munged"):
            if name in self.daemons:
                shardlib.stop(self.daemons[name].pid)

    def logs(self):
        for path in sorted(os.listdir(f"{self.root}/log")):
            with open(f"{self.root}/log/{path}", errors="replace") as f:
                text = f.read()
            print(f"# --- {path} (last 40 lines) ---")
            for line in text.splitlines()[-40:]:
                print(f"#   {line}")


def recipe(check, args):
    """The job script of dyd-batch(1) and what it fixes: the shard count,
    the array it is submitted as, the as-of time."""
    script = shardlib.man_blocks(args.man, "A Slurm job array")[0]
    check("README.md shows the job script of dyd-batch(1)",
          shardlib.readme_block(args.readme, "#SBATCH") == script,
          shardlib.readme_block(args.readme, "#SBATCH"))
    n = re.search(r'--shard "\$SLURM_ARRAY_TASK_ID/(\d+)"', script)
    array = re.search(r"^#SBATCH --array=0-(\d+)$", script, re.M)
    as_of = re.search(r"--as-of (\S+)", script)
    if not (n and array and as_of):
        raise ValueError(f"the job script does not have the --shard, "
                         f"--array and --as-of the test expects:\n{script}")
    n = int(n.group(1))
    check("the script's array has one task per shard",
          int(array.group(1)) == n - 1, script)
    check("the test runs the job array of the issue: 4 shards", n == 4)
    return script, n, as_of.group(1)


def setup_dir(path, script, inp):
    os.mkdir(path)
    shutil.copy(inp, os.path.join(path, "in.jsonl.gz"))
    with open(os.path.join(path, "dyd-batch.sh"), "w") as f:
        f.write(script)


def check_exits(check, label, tasks, want, indexes):
    for k in indexes:
        state, code = tasks[k]
        status = want[k]
        check(f"{label}: task {k} ended {code} "
              f"({'a record failed' if status else 'all ok'})",
              code == f"{status}:0" and
              state == ("FAILED" if status else "COMPLETED"),
              f"{state} {code}")


def task_log(path, jobid, k):
    log = os.path.join(path, f"dyd-batch-{jobid}_{k}.log")
    if not os.path.exists(log):
        return ""
    with open(log, errors="replace") as f:
        return f.read()


def catch_mid_run(check, cluster, path, jobid, victims, want_lines, n):
    """Suspends each victim task as soon as its results file has a line,
    and checks that it had not finished its shard."""
    pending, end = set(victims), time.monotonic() + 120
    while pending and time.monotonic() < end:
        for k in sorted(pending):
            res = os.path.join(path, "out", f"results-{k}-of-{n}.jsonl")
            if shardlib.count_lines(res) >= 1:
                cluster.run("scontrol", "suspend", f"{jobid}_{k}")
                pending.discard(k)
        time.sleep(0.02)
    if pending:
        raise RuntimeError(f"tasks {sorted(pending)} wrote no results line "
                           f"in 120 s: {cluster.tasks(jobid)}")
    tasks = cluster.tasks(jobid)
    for k in victims:
        got = shardlib.count_lines(os.path.join(
            path, "out", f"results-{k}-of-{n}.jsonl"))
        check(f"task {k} suspended mid-run ({got} of {want_lines[k]} lines)",
              tasks[k][0] == "SUSPENDED" and 0 < got < want_lines[k],
              f"{tasks[k]}: the machine was too fast for this input; give "
              "more --records")


def resume_then_cancel(cluster, path, jobid, k, n):
    """Resumes a suspended task and, once it is seen to be running again
    (its results file grows; a cancel that reaches slurmd before the
    resume does kills outright), cancels it."""
    res = os.path.join(path, "out", f"results-{k}-of-{n}.jsonl")
    before = shardlib.count_lines(res)
    cluster.run("scontrol", "resume", f"{jobid}_{k}")
    end = time.monotonic() + 60
    while shardlib.count_lines(res) == before:
        if time.monotonic() > end:
            raise RuntimeError(f"task {k} did not go on after its resume")
        time.sleep(0.01)
    cluster.run("scancel", f"{jobid}_{k}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyd", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--man", required=True)
    ap.add_argument("--readme", required=True)
    ap.add_argument("--records", type=int, default=6000)
    ap.add_argument("--budget", type=int, default=780,
                    help="seconds before the test gives up and cleans up")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    for a in ("dyd", "testdata", "man", "readme"):
        setattr(args, a, os.path.abspath(getattr(args, a)))
    check = shardlib.Checks()
    shardlib.become_subreaper()
    shardlib.alarm_after(args.budget, "slurm_array.py")
    tmp = tempfile.mkdtemp(prefix="dyd-slurm-")
    os.chmod(tmp, 0o711)  # munged's socket is below: see Cluster.start()
    os.mkdir(f"{tmp}/bin")
    os.symlink(args.dyd, f"{tmp}/bin/dyd")
    os.environ["PATH"] = f"{tmp}/bin:{os.environ['PATH']}"
    for var in ("SOURCE_DATE_EPOCH", "DYD_PASSWORD"):
        os.environ.pop(var, None)
    cluster = Cluster(f"{tmp}/slurm")
    os.mkdir(cluster.root)
    try:
        script, n, as_of = recipe(check, args)
        inp = os.path.join(tmp, "in.jsonl.gz")
        shardlib.write_input(inp, shardlib.input_lines(args.testdata,
                                                       args.records))
        ref = os.path.join(tmp, "ref")
        os.mkdir(ref)
        shutil.copy(inp, ref)
        r = subprocess.run(["dyd", "batch", "--quiet", "--as-of", as_of,
                            "-d", "out", "in.jsonl.gz"], cwd=ref,
                           capture_output=True, text=True)
        check("the unsharded run: exit 1 (the input has bad records)",
              r.returncode == 1, r.stderr)
        ref_out = os.path.join(ref, "out")
        per_shard = shardlib.shard_lines(ref_out, n)
        want = [shardlib.expected_status(lines) for lines in per_shard]
        want_lines = [len(lines) for lines in per_shard]

        cluster.start()
        print(f"# slurm up in {cluster.root}", flush=True)

        # 1. The whole array, as the page submits it.
        run1 = os.path.join(tmp, "run1")
        setup_dir(run1, script, inp)
        job = cluster.submit(run1, "dyd-batch.sh")
        tasks = cluster.wait_job(job, n, 240)
        check_exits(check, "array", tasks, want, range(n))
        shardlib.compare_sharded(check, "array", ref_out,
                                 os.path.join(run1, "out"), n)

        # 2. Two tasks cancelled mid-run, resubmitted, resumed.
        run2 = os.path.join(tmp, "run2")
        setup_dir(run2, script, inp)
        job = cluster.submit(run2, "dyd-batch.sh")
        catch_mid_run(check, cluster, run2, job, (0, 1), want_lines, n)
        cluster.run("scancel", f"{job}_0")
        resume_then_cancel(cluster, run2, job, 1, n)
        tasks = cluster.wait_job(job, n, 240)
        check("scancel of a suspended task: SIGKILL",
              tasks[0] == ("CANCELLED", "0:9"), tasks[0])
        check("scancel of a running task: dyd ends by SIGTERM before "
              "KillWait", tasks[1] == ("CANCELLED", "0:15"), tasks[1])
        check("and says so in the task's log",
              "interrupted: run again with --resume" in
              task_log(run2, job, 1), task_log(run2, job, 1))
        check_exits(check, "array with cancels", tasks, want, range(2, n))
        for k in (0, 1):
            got = shardlib.count_lines(os.path.join(
                run2, "out", f"results-{k}-of-{n}.jsonl"))
            check(f"cancelled task {k} left its shard unfinished",
                  got < want_lines[k], f"{got} of {want_lines[k]}")
        again = cluster.submit(run2, "--array=0,1", "dyd-batch.sh")
        tasks = cluster.wait_job(again, 2, 240)
        check_exits(check, "resubmitted", tasks, want, (0, 1))
        shardlib.compare_sharded(check, "after scancel and --resume",
                                 ref_out, os.path.join(run2, "out"), n)
    except (Exception, KeyboardInterrupt) as e:
        check("the test ran to its end", False, f"{type(e).__name__}: {e}")
    finally:
        clean_up(check, cluster, tmp, args.keep)
    return check.exit_status()


def clean_up(check, cluster, tmp, keep):
    signal.alarm(0)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        cluster.stop()
    finally:
        left = shardlib.kill_children()
        check("no process of the test is left", not left, left)
        if check.failed:
            for d in ("run1", "run2"):
                for log in sorted(os.listdir(f"{tmp}/{d}")
                                  if os.path.isdir(f"{tmp}/{d}") else []):
                    if log.endswith(".log"):
                        with open(f"{tmp}/{d}/{log}",
                                  errors="replace") as f:
                            print(f"# --- {d}/{log} ---\n{f.read()}")
            if os.path.isdir(f"{cluster.root}/log"):
                cluster.logs()
        if keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
