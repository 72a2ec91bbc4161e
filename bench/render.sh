#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The renderers' benchmark: the CPU time (user + sys) of `dyd export` on the
# largest inputs a report meets, against a stated budget, and whether the
# time grows with the input and not faster (issue 12, item 5: 100k events
# took 15 s of CPU in the HTML timeline and events before the report view).
#
#   events  a record of 2,500, 5,000 and 10,000 events (10,000 is the most
#           a record may hold, dyd-account(5)): a final opt-out, then
#           requests that do not count
#   policy  a policy of 16 x 64, 32 x 128 and 64 x 256 purposes x
#           categories, every cell shared: a sharing matrix of up to 16,384
#           cells (64 purposes and 256 categories are the most a policy may
#           have, dyd-policy(5))
#
# Each export runs RUNS times (default 10) and its CPU is the mean: a run
# of the smallest takes some 10 ms.
#
# Budgets (CPU seconds of the largest of each, on the 2-core machine of
# bench/RESULTS.md, a RelWithDebInfo build): events 0.5, policy 0.5; and
# linear growth: the CPU per event (per cell) of the largest input at most
# 1.5 times that of the middle one (the smallest is too quick to time
# well). Prints a markdown table; exits 1 when a
# budget is exceeded.
#
# usage: bench/render.sh [--dyd DYD] [--dir DIR] [--runs RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
dyd="$src/build/dyd"
dir=${DYD_BENCH_DIR:-/tmp/dyd-bench-render}
py=/usr/bin/python3
budget_events=0.5
budget_policy=0.5
runs=10
growth=1.5

while [ $# -gt 0 ]; do
	case $1 in
	--dyd) dyd=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "render.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$dyd" ] || { echo "render.sh: no dyd at '$dyd' (build first, or --dyd)" >&2; exit 2; }
mkdir -p "$dir"
record="$src/testdata/records/budi-santoso.json"

# cpu ARGS...: the CPU seconds (user + sys) of a dyd run, the mean of
# $runs runs, from each child's rusage (GNU time prints 10 ms steps).
cpu() {
	"$py" - "$runs" "$dir/err" "$dyd" "$@" <<'PY'
import os, sys
runs, err, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
total = 0.0
for _ in range(runs):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        os.execv(argv[0], argv)
    _, status, ru = os.wait4(pid, 0)
    if status:
        sys.stderr.write(open(err).read())
        sys.exit(1)
    total += ru.ru_utime + ru.ru_stime
print("%.4f" % (total / runs))
PY
}

fail=0
echo "| input | size | report.html bytes | CPU s | CPU per unit (µs) |"
echo "|---|---:|---:|---:|---:|"
for kind in events policy; do
	first="" last=""
	for n in 1 2 4; do
		if [ $kind = events ]; then
			size=$((2500 * n)) units=$size
			in="$dir/events-$size.json"
			[ -s "$in" ] || "$py" "$here/gen_render.py" events $size -o "$in"
			t=$(cpu export --force --as-of 2026-11-29 -o "$dir/out.zip" "$in")
		else
			size=$((16 * n)) units=$((size * size * 4))
			in="$dir/policy-$size.yaml"
			[ -s "$in" ] || "$py" "$here/gen_render.py" policy $size $((size * 4)) -o "$in"
			t=$(cpu export --force --as-of 2026-11-29 --policy "$in" -o "$dir/out.zip" "$record")
		fi
		bytes=$(unzip -p "$dir/out.zip" report.html | wc -c)
		per=$(awk -v t="$t" -v u="$units" 'BEGIN { printf "%.2f", t * 1e6 / u }')
		label=$([ $kind = events ] && echo "$size events" || echo "$size x $((size * 4)) policy")
		echo "| $label | $units | $bytes | $t | $per |"
		[ $n -ne 2 ] || first=$per
		last=$per
		lt=$t
	done
	budget=$([ $kind = events ] && echo $budget_events || echo $budget_policy)
	if awk -v t="$lt" -v b="$budget" 'BEGIN { exit !(t > b) }'; then
		echo "over budget: $kind took $lt s of CPU, budget $budget s" >&2
		fail=1
	fi
	if awk -v a="$first" -v z="$last" -v g="$growth" 'BEGIN { exit !(z > a * g) }'; then
		echo "not linear: $kind costs $last µs a unit at the largest, $first at the middle" >&2
		fail=1
	fi
done
echo
echo "Budgets: events $budget_events s, policy $budget_policy s of CPU for the largest; CPU per unit growing at most ${growth}x from the middle to the largest."
exit $fail
