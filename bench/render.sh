#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The renderers' benchmark: the CPU time (user + sys) of `dyd export` on the
# largest inputs a report meets, against a stated budget, and whether the
# time grows with the input and not faster (issue 12, item 5: 100k events
# took 15 s of CPU in the HTML timeline and events before the report view).
#
#   events  a record of 25k, 50k and 100k events (100k is the most an array
#           may hold): a final opt-out, then requests that do not count
#   policy  a policy of 75, 150 and 300 purposes x as many categories, every
#           cell shared: a sharing matrix of up to 90,000 cells (300 x 300
#           is about as large as a policy of at most 1 MiB can be)
#
# Budgets (CPU seconds of the largest of each, on the 2-core machine of
# bench/RESULTS.md, a RelWithDebInfo build): events 2.0, policy 2.0; and
# linear growth: the CPU per event (per cell) of the largest input at most
# 1.5 times that of the middle one (the smallest is too quick to time
# well). Prints a markdown table; exits 1 when a
# budget is exceeded.
#
# usage: bench/render.sh [--dyd DYD] [--dir DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
dyd="$src/build/dyd"
dir=${DYD_BENCH_DIR:-/tmp/dyd-bench-render}
py=/usr/bin/python3
timebin=/usr/bin/time
budget_events=2.0
budget_policy=2.0
growth=1.5

while [ $# -gt 0 ]; do
	case $1 in
	--dyd) dyd=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "render.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$dyd" ] || { echo "render.sh: no dyd at '$dyd' (build first, or --dyd)" >&2; exit 2; }
[ -x "$timebin" ] || { echo "render.sh: needs GNU time at $timebin (apt-get install time)" >&2; exit 2; }
mkdir -p "$dir"
record="$src/testdata/records/budi-santoso.json"

# cpu ARGS...: the CPU seconds (user + sys) of one dyd run.
cpu() {
	"$timebin" -f '%U %S' -o "$dir/time" "$dyd" "$@" >/dev/null 2>"$dir/err" ||
		{ cat "$dir/err" >&2; exit 1; }
	awk '{ printf "%.2f", $1 + $2 }' "$dir/time"
}

fail=0
echo "| input | size | report.html bytes | CPU s | CPU per unit (µs) |"
echo "|---|---:|---:|---:|---:|"
for kind in events policy; do
	first="" last=""
	for n in 1 2 4; do
		if [ $kind = events ]; then
			size=$((25000 * n)) units=$size
			in="$dir/events-$size.json"
			[ -s "$in" ] || "$py" "$here/gen_render.py" events $size -o "$in"
			t=$(cpu export --force --as-of 2026-11-29 -o "$dir/out.zip" "$in")
		else
			size=$((75 * n)) units=$((size * size))
			in="$dir/policy-$size.yaml"
			[ -s "$in" ] || "$py" "$here/gen_render.py" policy $size $size -o "$in"
			t=$(cpu export --force --as-of 2026-11-29 --policy "$in" -o "$dir/out.zip" "$record")
		fi
		bytes=$(unzip -p "$dir/out.zip" report.html | wc -c)
		per=$(awk -v t="$t" -v u="$units" 'BEGIN { printf "%.2f", t * 1e6 / u }')
		label=$([ $kind = events ] && echo "$size events" || echo "$size x $size policy")
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
