#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Profiles of the dyd batch pipeline, single-threaded, typical records:
#   - perf record (cpu-clock, DWARF call graphs), 2000 records, -j1:
#     top functions by inclusive (children) and self cost, and by object;
#   - valgrind --tool=callgrind, 200 records, -j1: top functions by
#     inclusive and self instruction counts;
#   - strace -c -f, 1000 records, -j1: system calls per record.
# Builds build-prof/ (Release, -g -fno-omit-frame-pointer), or profiles
# the binary given with --dyd (such as the 0.1.0 reference, for a before
# and after). Output in DIR (default /tmp/dyd-prof); a markdown summary on
# standard output.
#
# usage: bench/profile.sh [--dir DIR] [--no-build] [--top N] [--dyd BIN]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build-prof"
py=/usr/bin/python3
dir=${DYD_PROF_DIR:-/tmp/dyd-prof}
top=15
do_build=1
dyd_bin=""
asof=2021-06-01T00:00:00Z

while [ $# -gt 0 ]; do
	case $1 in
	--dir) dir=$2; shift 2 ;;
	--no-build) do_build=0; shift ;;
	--dyd) dyd_bin=$(realpath "$2"); do_build=0; shift 2 ;;
	--top) top=$2; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "profile.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
log() { echo "profile.sh: $*" >&2; }
mkdir -p "$dir"

if [ "$do_build" = 1 ]; then
	log "building $build"
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDYD_TESTS=OFF \
		"-DCMAKE_C_FLAGS=-g -fno-omit-frame-pointer" >"$dir/build.log" 2>&1
	cmake --build "$build" -j2 >>"$dir/build.log" 2>&1
fi
dyd=${dyd_bin:-$build/dyd}

"$py" "$here/gen_records.py" --seed 1 --profile typical --count 2000 \
	-o "$dir/typical-2000.jsonl"
head -n 1000 "$dir/typical-2000.jsonl" >"$dir/typical-1000.jsonl"
head -n 200 "$dir/typical-2000.jsonl" >"$dir/typical-200.jsonl"

batch() { # outdir input [wrapper...]
	local out=$1 in=$2
	shift 2
	rm -rf "$out"
	sync
	"$@" "$dyd" batch --as-of "$asof" --quiet -j1 -d "$out" "$in"
}

echo "## Profile"
echo
if [ -n "$dyd_bin" ]; then
	echo "Binary: \`$dyd\` ($("$dyd" --version | head -1), given with --dyd)."
else
	echo "Binary: \`$dyd\` (Release, \`-O3 -g -fno-omit-frame-pointer\`)."
fi
echo

# ---------------------------------------------------------------- perf
if command -v perf >/dev/null; then
	log "perf record, 2000 records"
	batch "$dir/out-perf" "$dir/typical-2000.jsonl" \
		perf record -q -e cpu-clock -F 1999 --call-graph dwarf,16384 \
		-o "$dir/perf.data" -- /usr/bin/time -f '%e %U %S %M' \
		-o "$dir/perf-time.txt" >/dev/null 2>"$dir/perf-record.log"
	read -r p_wall p_user p_sys p_rss <"$dir/perf-time.txt"
	p_cpu=$("$py" -c "print(f'{$p_user + $p_sys:.2f}')")
	perf script -i "$dir/perf.data" -F tid,ip,sym,dso 2>/dev/null |
		"$py" "$here/perf_buckets.py" --records 2000 \
		--cpu-seconds "$p_cpu" >"$dir/perf-stages.md"
	perf report -i "$dir/perf.data" --children --sort sym --stdio -g none \
		--percent-limit 0.5 2>/dev/null >"$dir/perf-children.txt"
	perf report -i "$dir/perf.data" --no-children --sort sym --stdio \
		-g none --percent-limit 0.3 2>/dev/null >"$dir/perf-self.txt"
	perf report -i "$dir/perf.data" --no-children --sort dso --stdio \
		-g none 2>/dev/null >"$dir/perf-dso.txt"
	echo "### perf: 2000 typical records, -j1 (\`perf record -e cpu-clock -F 1999 --call-graph dwarf\`)"
	echo
	echo "Run under perf: $p_wall s wall, $p_cpu s CPU ($p_user user + $p_sys sys), peak RSS $p_rss KiB."
	echo
	echo "By pipeline stage (bench/perf_buckets.py: each sample goes to the innermost stage on its call chain; ms/record scales the run's CPU time by the share):"
	echo
	cat "$dir/perf-stages.md"
	echo
	echo "By object (self):"
	echo
	echo '```'
	grep -v '^#' "$dir/perf-dso.txt" | grep -v '^$' | head -12
	echo '```'
	echo
	echo "Top $top by inclusive cost (children):"
	echo
	echo '```'
	grep -v '^#' "$dir/perf-children.txt" | grep -v '^$' |
		grep -v '\[k\] entry_SYSCALL\|\[k\] do_syscall_64\|\[\.\] 0x0*$\|\] 0x[0-9a-f]*$' |
		head -"$top"
	echo '```'
	echo
	echo "Top $top by self cost:"
	echo
	echo '```'
	grep -v '^#' "$dir/perf-self.txt" | grep -v '^$' | head -"$top"
	echo '```'
fi

# ----------------------------------------------------------- callgrind
if command -v valgrind >/dev/null; then
	log "callgrind, 200 records"
	batch "$dir/out-cg" "$dir/typical-200.jsonl" \
		valgrind -q --tool=callgrind \
		--callgrind-out-file="$dir/callgrind.out" 2>"$dir/callgrind.log"
	callgrind_annotate --inclusive=yes "$dir/callgrind.out" \
		2>/dev/null >"$dir/cg-inclusive.txt"
	callgrind_annotate "$dir/callgrind.out" 2>/dev/null >"$dir/cg-self.txt"
	echo "### callgrind: 200 typical records, -j1 (instructions)"
	echo
	echo '```'
	grep -m1 'PROGRAM TOTALS' "$dir/cg-self.txt" || true
	echo '```'
	echo
	echo "Top $top by inclusive instructions:"
	echo
	echo '```'
	awk '/^-+$/ {d++; next} d >= 3 && NF' "$dir/cg-inclusive.txt" |
		grep '\[' | sed 's#'"$src"'/##g; s#/usr/lib/x86_64-linux-gnu/##' |
		head -"$top"
	echo '```'
	echo
	echo "Top $top by self instructions:"
	echo
	echo '```'
	awk '/^-+$/ {d++; next} d >= 3 && NF' "$dir/cg-self.txt" |
		grep '\[' | sed 's#'"$src"'/##g; s#/usr/lib/x86_64-linux-gnu/##' |
		head -"$top"
	echo '```'
	echo
fi

# -------------------------------------------------------------- strace
if command -v strace >/dev/null; then
	log "strace -c, 1000 records"
	batch "$dir/out-strace" "$dir/typical-1000.jsonl" \
		strace -f -c -o "$dir/strace.txt"
	echo "### System calls: 1000 typical records, -j1 (\`strace -f -c\`)"
	echo
	echo '```'
	head -25 "$dir/strace.txt"
	echo '```'
	echo
fi
log "done; raw data in $dir"
