#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dyd status by hand (issues 15 and 18): the time from start to answer for
# one typical record file, and for a --in lookup, by account id, by phone
# number and of one that is not there, in a gzip of a million records;
# beside them, what gzip -dc takes to read the same file. Prints a
# markdown report on standard output, progress on standard error.
#
# usage: bench/status.sh [--dir DIR] [--count N] [--profile small|typical]
#                        [--runs N] [--seed N] [--no-build] [--dyd DYD]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build-bench"
py=/usr/bin/python3
gen="$here/gen_records.py"
timebin=/usr/bin/time
asof=2021-06-01T00:00:00Z

dir=${DYD_BENCH_DIR:-/tmp/dyd-bench}
count=1000000
profile=small
runs=5
seed=1
do_build=1
dyd=""

usage() {
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--dir) dir=$2; shift 2 ;;
	--count) count=$2; shift 2 ;;
	--profile) profile=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--no-build) do_build=0; shift ;;
	--dyd) dyd=$(realpath "$2"); do_build=0; shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "status.sh: unknown option '$1'" >&2; usage 2 >&2 ;;
	esac
done

log() { printf '[status.sh] %s\n' "$*" >&2; }
die() { echo "status.sh: $*" >&2; exit 1; }

[ -x "$timebin" ] || die "needs GNU time at $timebin (apt-get install time)"
if [ $do_build = 1 ]; then
	log "building $build (Release)"
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DDYD_TESTS=OFF >/dev/null
	cmake --build "$build" -j2 >/dev/null
fi
[ -n "$dyd" ] || dyd="$build/dyd"
[ -x "$dyd" ] || die "no dyd at $dyd"

work="$dir/status"
mkdir -p "$work"
input="$work/$profile-$count-s$seed.jsonl.gz"
stamp="$input.stamp"
want_stamp="$(sha256sum "$gen" | cut -d' ' -f1) $profile $count $seed"
if [ ! -f "$input" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]
then
	# Two halves at once; concatenated gzip members are one gzip file.
	log "generating $count $profile records into $input"
	half=$((count / 2))
	"$py" "$gen" --count "$half" --profile "$profile" --seed "$seed" \
		--gzip -o "$input.a" &
	"$py" "$gen" --start "$half" --count $((count - half)) \
		--profile "$profile" --seed "$seed" --gzip -o "$input.b"
	wait
	cat "$input.a" "$input.b" >"$input"
	rm -f "$input.a" "$input.b"
	echo "$want_stamp" >"$stamp"
fi
record="$work/typical-record.json"
"$py" "$gen" --start 4242 --count 1 --profile typical --seed "$seed" \
	-o "$record"

# The record sought: nine tenths into the input (where it is does not
# change the cost: every lookup reads to the end, for a second match).
index=$((count * 9 / 10))
id=$(printf 'acct-%08d' "$index")
# (sed stops reading there: gzip's SIGPIPE is no failure.)
phone=$(set +o pipefail
	gzip -dc "$input" | sed -n "$((index + 1))p;$((index + 1))q" |
	"$py" -c 'import json, sys; print(json.load(sys.stdin)["phone"])')
# As a person types it: "+62 812 3456 7890" for "+6281234567890".
typed=$(echo "$phone" | sed -E 's/^(\+[0-9]{2})([0-9]{3})([0-9]{4})/\1 \2 \3 /')
bytes=$(gzip -dc "$input" | wc -c)
gzbytes=$(stat -c %s "$input")

# Runs cmd (expecting exit status want) $runs times; prints "median wall
# s, median user+sys s, max RSS KiB", from the clock around each run and
# the child's rusage (GNU time rounds to 10 ms: too coarse for one record),
# and the peak RSS of one more run under GNU time (a child of Python
# starts with Python's own peak).
measure() {
	"$timebin" -o "$work/rss" -f '%M' "${@:2}" >/dev/null 2>&1 || true
	"$py" - "$runs" "$(tail -n 1 "$work/rss")" "$@" <<'EOF'
import os, statistics, subprocess, sys, time
runs, rss = int(sys.argv[1]), int(sys.argv[2])
want, cmd = int(sys.argv[3]), sys.argv[4:]
walls, cpus = [], []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    walls.append(time.perf_counter() - t0)
    code = os.waitstatus_to_exitcode(status)
    if code != want:
        sys.exit(f"status.sh: {cmd} exited {code}, not {want}: "
                 f"{err[:300].decode(errors='replace')}")
    cpus.append(ru.ru_utime + ru.ru_stime)
print(f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f} {rss}")
EOF
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
gzip -dc "$input" >/dev/null # into the page cache
log "one typical record, $((runs * 4)) runs"
read -r w1 c1 m1 <<<"$(runs=$((runs * 4)) measure 0 "$dyd" status \
	--as-of "$asof" --lang en "$record")"
log "lookups in $input, $runs runs each"
read -r w2 c2 m2 <<<"$(measure 0 "$dyd" status --as-of "$asof" --lang en \
	--in "$input" --account "$id")"
read -r w3 c3 m3 <<<"$(measure 0 "$dyd" status --as-of "$asof" --lang en \
	--in "$input" --phone "$typed")"
read -r w4 c4 m4 <<<"$(measure 3 "$dyd" status --as-of "$asof" --lang en \
	--in "$input" --account nobody.here)"
read -r w5 c5 m5 <<<"$(measure 0 gzip -dc "$input")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$py" - <<EOF
count, mb = $count, $bytes / 1e6
rows = [
    ("status FILE (one typical record)", $w1, $c1, $m1, None),
    ("--in --account (found)", $w2, $c2, $m2, count),
    ("--in --phone '$typed' (found)", $w3, $c3, $m3, count),
    ("--in --account (not found)", $w4, $c4, $m4, count),
    ("for comparison: gzip -dc >/dev/null", $w5, $c5, $m5, count),
]
print(f"dyd status by hand: {count} {'$profile'} records, "
      f"{$gzbytes / 1e6:.1f} MB of gzip, {mb:.1f} MB of JSON Lines; "
      f"median of $runs runs ({4 * $runs} for the record file); "
      f"load average {'$load_before'} before, {'$load_after'} after.")
print()
print("| command | wall s | CPU s | peak RSS MiB | records/s | MB/s (JSON) |")
print("|---|---:|---:|---:|---:|---:|")
for name, wall, cpu, rss, n in rows:
    rate = f"{n / wall / 1e6:.2f} M" if n else ""
    mbs = f"{mb / wall:.0f}" if n else ""
    print(f"| {name} | {wall:.4f} | {cpu:.4f} | {rss / 1024:.1f} | "
          f"{rate} | {mbs} |")
print()
print(f"A lookup costs {$c2 / $c5:.2f} times the CPU of gzip -dc "
      f"(by id), {$c3 / $c5:.2f} (by phone).")
EOF
