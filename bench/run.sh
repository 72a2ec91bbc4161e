#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The dyd batch benchmark. Builds an optimised binary (build-bench), generates
# synthetic records, runs `dyd batch` and prints a markdown report on
# standard output (progress goes to standard error). See bench/README.md.
#
# usage: bench/run.sh [--quick] [--dir DIR] [--typical "N1 N2"]
#                     [--small "N1 N2 N3"] [--heavy-contacts N]
#                     [--seed N] [--keep] [--no-build] [--ref DYD]
#                     [--policy FILE]
set -euo pipefail
# Count lists are split on purpose.
# shellcheck disable=SC2086

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build-bench"
py=/usr/bin/python3
gen="$here/gen_records.py"
timebin=/usr/bin/time
asof=2021-06-01T00:00:00Z

dir=${DYD_BENCH_DIR:-/tmp/dyd-bench}
typical_counts="10000 100000"
small_counts="10000 100000 1000000"
heavy_contacts=20000
seed=1
keep=0
do_build=1
quick=0
ref=""
# --policy: the policy this binary (not the reference) uses, such as the
# reference's own, to tell the cost of the code from that of the content.
policy=""

usage() {
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; typical_counts="1000 10000"; small_counts="1000 10000"
		shift ;;
	--dir) dir=$2; shift 2 ;;
	--typical) typical_counts=$2; shift 2 ;;
	--small) small_counts=$2; shift 2 ;;
	--heavy-contacts) heavy_contacts=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--no-build) do_build=0; shift ;;
	--ref) ref=$(realpath "$2"); shift 2 ;;
	--policy) policy=$(realpath "$2"); shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown option '$1'" >&2; usage 2 >&2 ;;
	esac
done

t_start=$(date +%s)
log() {
	local now
	now=$(date +%s)
	printf '[%4ds] %s\n' $((now - t_start)) "$*" >&2
}
die() { echo "run.sh: $*" >&2; exit 1; }

[ -x "$timebin" ] || die "$timebin is missing (apt-get install time)"
[ -x "$py" ] || die "$py is missing"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
work="$dir/work"
mkdir -p "$data" "$work"

# ------------------------------------------------------------------ build
if [ "$do_build" = 1 ]; then
	log "building $build (Release, tests off)"
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DDYD_TESTS=OFF >"$work/build.log" 2>&1 ||
		{ cat "$work/build.log" >&2; die "cmake configure failed"; }
	cmake --build "$build" -j2 >>"$work/build.log" 2>&1 ||
		{ cat "$work/build.log" >&2; die "build failed"; }
fi
dyd="$build/dyd"
[ -x "$dyd" ] || die "$dyd is missing"
[ -z "$ref" ] || [ -x "$ref" ] || die "reference binary $ref is missing"
# The sources the binary was built from (the tree may move on during a
# long run).
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$src" status --porcelain -- lib cmd CMakeLists.txt 2>/dev/null |
	awk '{print $2}' | tr '\n' ' ')
if [ -n "$dirty" ]; then
	commit="$commit + uncommitted changes to: ${dirty% }"
fi
[ "$do_build" = 1 ] || commit="$commit (at the time of the run; built earlier, --no-build)"

# ------------------------------------------------------------------ inputs
# Record i depends only on (seed, i, profile), so the smaller inputs are
# prefixes of the largest one, and the largest is generated in two halves
# in parallel. Inputs are reused while the generator and its arguments are
# unchanged (the stamp file).
max_of() { printf '%s\n' "$@" | sort -n | tail -1; }

gen_input() { # profile count file [extra generator args]
	local profile=$1 count=$2 file=$3
	shift 3
	local stamp half
	stamp="$(sha256sum "$gen" | cut -c1-16) $profile $count $seed $*"
	if [ -f "$file" ] && [ "$(cat "$file.stamp" 2>/dev/null)" = "$stamp" ]
	then
		log "reusing $file"
		return
	fi
	log "generating $file ($count $profile records)"
	half=$((count / 2))
	if [ "$count" -ge 2000 ]; then
		local pid
		"$py" "$gen" --seed "$seed" --profile "$profile" --start 0 \
			--count "$half" "$@" -o "$file.part0" &
		pid=$!
		"$py" "$gen" --seed "$seed" --profile "$profile" \
			--start "$half" --count $((count - half)) "$@" \
			-o "$file.part1"
		wait "$pid" || die "generating $file failed"
		cat "$file.part0" "$file.part1" >"$file"
		rm -f "$file.part0" "$file.part1"
	else
		"$py" "$gen" --seed "$seed" --profile "$profile" \
			--count "$count" "$@" -o "$file"
	fi
	echo "$stamp" >"$file.stamp"
}

prefix_input() { # bigfile count file
	local big=$1 count=$2 file=$3
	if [ "$file" = "$big" ]; then return; fi
	head -n "$count" "$big" >"$file"
}

tmax=$(max_of $typical_counts)
smax=$(max_of $small_counts)
gen_input typical "$tmax" "$data/typical-$tmax.jsonl"
for n in $typical_counts; do
	prefix_input "$data/typical-$tmax.jsonl" "$n" "$data/typical-$n.jsonl"
done
gen_input small "$smax" "$data/small-$smax.jsonl"
for n in $small_counts; do
	prefix_input "$data/small-$smax.jsonl" "$n" "$data/small-$n.jsonl"
done
gen_input heavy 1 "$data/heavy-c$heavy_contacts.jsonl" \
	--contacts "$heavy_contacts"

# ------------------------------------------------------------------- runs
# Every run writes to a fresh OUTDIR, after a sync so that the write-back of
# the previous run does not land in this one. Timings from GNU time:
# wall, user, sys (seconds), peak RSS (KiB).
declare -A R_WALL R_USER R_SYS R_RSS R_N R_IN R_OUT R_OTHER

run_batch() { # key input jobs [binary]
	local key=$1 input=$2 jobs=$3 bin=${4:-$dyd} out="$work/out-$1"
	local n tf rc ok
	local -a policy_args=()
	[ -z "$policy" ] || [ "$bin" != "$dyd" ] || policy_args=(--policy "$policy")
	n=$(wc -l <"$input")
	rm -rf "$out"
	sync
	log "run $key: $n records, -j$jobs${4:+ ($bin)}"
	tf="$work/time-$key"
	rc=0
	local busy0 busy1
	busy0=$(cpu_busy)
	"$timebin" -f '%e %U %S %M' -o "$tf" \
		"$bin" batch --as-of "$asof" --quiet -j "$jobs" -d "$out" \
		"${policy_args[@]}" "$input" || rc=$?
	busy1=$(cpu_busy)
	[ "$rc" = 0 ] || die "$key: dyd batch exited $rc"
	ok=$(grep -c '"status":"ok"' "$out/results.jsonl" || true)
	[ "$ok" = "$n" ] || die "$key: $ok of $n records ok"
	local wall user sys rss
	read -r wall user sys rss < <(tail -1 "$tf")
	R_WALL[$key]=$wall R_USER[$key]=$user R_SYS[$key]=$sys R_RSS[$key]=$rss
	# CPU time the rest of the machine used meanwhile (from /proc/stat).
	R_OTHER[$key]=$(calc "max(0, ($busy1 - $busy0) / $(getconf CLK_TCK) - $user - $sys)" 1)
	R_N[$key]=$n
	R_IN[$key]=$(stat -c %s "$input")
	R_OUT[$key]=$("$py" -c '
import json, sys
print(sum(json.loads(l)["bytes"] for l in open(sys.argv[1])))' \
		"$out/results.jsonl")
	echo "$n ${R_IN[$key]} ${R_OUT[$key]} $wall $user $sys $rss ${R_OTHER[$key]}" \
		>"$work/stats-$key"
	done_keys="$done_keys $key"
	log "  ${R_WALL[$key]} s wall, $(calc "${R_USER[$key]} + ${R_SYS[$key]}") s CPU, $(calc "${R_RSS[$key]} / 1024" 1) MiB"
}

cpu_busy() { # jiffies all CPUs spent busy (user nice system irq softirq steal)
	awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}

# The bundles of all runs stay until the report is written. Removing a
# run's bundles just before the next run made the next run slower: on an
# ext4 without journal, creating a file scans past recently deleted
# inodes (ext4's recently_deleted(), up to 5 minutes after a delete), and
# that kernel time was counted as dyd's. For the same reason the leftovers
# of an earlier invocation are removed first, then the deletes are left to
# age before the first run.
done_keys=""
remove_outputs() {
	local k
	[ "$keep" = 0 ] || return 0
	for k in $done_keys; do
		rm -rf "$work/out-$k"
	done
}

calc() { # expression [decimals]
	"$py" -c "print(f'{($1):.${2:-2}f}')"
}

if compgen -G "$work/out-*" >/dev/null; then
	log "removing the bundles of an earlier run, then 65 s for the deletes to age (not timed)"
	rm -rf "$work"/out-*
	sync
	sleep 65
fi

# Every run's bundles are kept until the end: about 13 KB per typical and
# 9 KB per small record.
free_gb=$(df -P -k "$work" | awk 'NR==2 {print int($4 / 1048576)}')
tsum=$(printf '%s\n' $typical_counts | awk '{s += $1} END {print s + 0}')
ssum=$(printf '%s\n' $small_counts | awk '{s += $1} END {print s + 0}')
copies=4
[ -z "$ref" ] || copies=8
need_gb=$(calc "($tsum * $copies * 13 + $ssum * 9) / 1048576 + 2" 0)
if [ "$free_gb" -lt "$need_gb" ]; then
	die "$work: ${free_gb} GB free, the runs need about ${need_gb} GB"
fi

load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# Typical records, -j1 and -j2, twice each in the order j1 j2 j2 j1: on
# this machine a run right after another one that wrote as much was
# slower by up to a tenth (a 30k-record pair gave -j2/-j1 = 1.72 in the
# order j1 j2 and 1.98 in the order j2 j1), so one run of each in a fixed
# order says more about the order than about -j. The figures of a -j are
# those of its two runs together. The first -j1 run feeds the floor.
# With --ref, each run of this binary has one of the reference beside it,
# A B then B A (A: this binary), so that each meets both orders and the
# ratios between them come from one stretch of the machine's time.
tmin=$(printf '%s\n' $typical_counts | sort -n | head -1)
for n in $typical_counts; do
	for spec in 1a 2a 2b 1b; do
		j=${spec%?}
		if [ -n "$ref" ] && [ "${spec#?}" = b ]; then
			run_batch "r$n-j$spec" "$data/typical-$n.jsonl" "$j" "$ref"
		fi
		run_batch "t$n-j$spec" "$data/typical-$n.jsonl" "$j"
		if [ -n "$ref" ] && [ "${spec#?}" = a ]; then
			run_batch "r$n-j$spec" "$data/typical-$n.jsonl" "$j" "$ref"
		fi
		if [ "$n" = "$tmin" ] && [ "$spec" = 1a ]; then
			log "floor: deflating the entries of $n bundles"
			"$py" "$here/floor.py" "$work/out-t$n-j1a" \
				>"$work/floor.json"
			if [ -n "$ref" ]; then
				"$py" "$here/floor.py" --deflate zlib --level 6 \
					"$work/out-r$n-j1a" >"$work/floor-ref.json"
			fi
		fi
	done
done

# One heavy record.
run_batch heavy "$data/heavy-c$heavy_contacts.jsonl" 1

# Small records, -j2: peak RSS must be flat. With --ref, the reference
# goes through the smallest count too, for the bundle sizes.
smin=$(printf '%s\n' $small_counts | sort -n | head -1)
for n in $small_counts; do
	run_batch "s$n" "$data/small-$n.jsonl" 2
	if [ -n "$ref" ] && [ "$n" = "$smin" ]; then
		run_batch "rs$n" "$data/small-$n.jsonl" 2 "$ref"
	fi
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
t_total=$(($(date +%s) - t_start))

# ----------------------------------------------------------------- report
fmt_n() { # 10000 -> 10k
	"$py" -c "n=$1; print(f'{n//1000000}M' if n % 1000000 == 0 else f'{n//1000}k' if n % 1000 == 0 else n)"
}
cpu_of() { calc "${R_USER[$1]} + ${R_SYS[$1]}"; }
rate_of() { calc "${R_N[$1]} / ${R_WALL[$1]}" 0; }

{
	echo "# dyd batch benchmark"
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
	echo "- commit (sources of the binary): $commit"
	echo "- binary: $dyd (CMAKE_BUILD_TYPE=Release: $(grep '^CMAKE_C_FLAGS_RELEASE:' "$build/CMakeCache.txt" | cut -d= -f2-)); $("$dyd" --version | sed -n 's/^libraries: //p')"
	[ -z "$ref" ] || echo "- reference binary (--ref): $ref, $("$ref" --version | head -1); $("$ref" --version | sed -n 's/^libraries: //p')"
	[ -z "$policy" ] || echo "- policy of this binary (--policy): $policy, not its built-in one; the reference uses its own"
	echo "- options: \`dyd batch --as-of $asof --quiet -j N -d OUTDIR INPUT\` (plain JSON Lines input, in the page cache; level 6)"
	echo "- load average before / after: $load_start / $load_end"
	echo "- total time of this script: ${t_total} s, not counting the removal of the bundles, which are all kept until this report is written"
	[ "$quick" = 1 ] && echo "- **quick run** (--quick): smaller counts, not the reference figures"
	echo
	echo "## Throughput, typical records"
	echo
	echo "MB = 10^6 bytes. Input = JSON Lines bytes read; output = bundle bytes written (sum of \`bytes\` in results.jsonl). CPU = user + sys of dyd. Others' CPU = CPU time the rest of the machine used during the run (/proc/stat), to judge the noise."
	echo
	if [ -n "$ref" ]; then
		echo "Runs in the order they were made (j1 j2 j2 j1 for each count; binary A is this one, B the reference, in the order A B for the first run of a -j and B A for the second)."
	else
		echo "Runs in the order they were made (j1 j2 j2 j1 for each count)."
	fi
	echo
	echo "| records | -j | binary | wall s | CPU s (user + sys) | CPU ms/record | records/s | input MB/s | output MB/s | peak RSS MiB | others' CPU s |"
	echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $typical_counts; do
		for spec in 1a 2a 2b 1b; do
			keys="t$n-j$spec"
			if [ -n "$ref" ]; then
				case $spec in
				?a) keys="t$n-j$spec r$n-j$spec" ;;
				?b) keys="r$n-j$spec t$n-j$spec" ;;
				esac
			fi
			for k in $keys; do
				b=A
				[ "${k#r}" = "$k" ] || b=B
				echo "| $(fmt_n "$n") | ${spec%?} | $b | ${R_WALL[$k]} | $(cpu_of "$k") (${R_USER[$k]} + ${R_SYS[$k]}) | $(calc "($(cpu_of "$k")) * 1000 / ${R_N[$k]}") | $(rate_of "$k") | $(calc "${R_IN[$k]} / 1e6 / ${R_WALL[$k]}" 1) | $(calc "${R_OUT[$k]} / 1e6 / ${R_WALL[$k]}" 1) | $(calc "${R_RSS[$k]} / 1024" 1) | ${R_OTHER[$k]} |"
			done
		done
	done
	echo
	for n in $typical_counts; do
		k="t$n-j1a"
		echo "- $(fmt_n "$n") typical: input $(calc "${R_IN[$k]} / 1e6" 1) MB ($(calc "${R_IN[$k]} / ${R_N[$k]}" 0) bytes/record), output $(calc "${R_OUT[$k]} / 1e6" 1) MB ($(calc "${R_OUT[$k]} / ${R_N[$k]}" 0) bytes/bundle)"
	done
	echo
	echo "## Targets"
	echo
	echo "| figure | value | target | |"
	echo "|---|---:|---:|---|"
	k="t$tmin-j1a"
	floor_cpu=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["cpu_seconds"])' "$work/floor.json")
	# The pipeline's CPU: the mean of the two -j1 runs (same bytes out).
	pipe_cpu=$(calc "($(cpu_of "t$tmin-j1a") + $(cpu_of "t$tmin-j1b")) / 2")
	ratio=$(calc "$pipe_cpu / $floor_cpu")
	verdict=$("$py" -c "print('ok' if $ratio <= 1.3 else 'MISSED')")
	echo "| pipeline CPU / deflate floor ($(fmt_n "$tmin") typical, -j1, mean of 2 runs) | $ratio ($pipe_cpu s / $(calc "$floor_cpu" 2) s) | ≤ 1.3 | $verdict |"
	if [ -n "$ref" ]; then
		# Records per CPU-second against the reference: the CPU the
		# reference spent over the CPU this binary spent, same records.
		for n in $typical_counts; do
			for j in 1 2; do
				rr=$(calc "($(cpu_of "r$n-j${j}a") + $(cpu_of "r$n-j${j}b")) / ($(cpu_of "t$n-j${j}a") + $(cpu_of "t$n-j${j}b"))")
				verdict=$("$py" -c "print('ok' if $rr >= 1.5 else 'MISSED')")
				echo "| records per CPU-second / the reference's, $(fmt_n "$n") typical, -j$j (2 runs each) | $rr | ≥ 1.5 | $verdict |"
			done
		done
		for pair in "t$tmin-j1a:r$tmin-j1a:typical" "s$smin:rs$smin:small"; do
			IFS=: read -r a b what <<<"$pair"
			br=$(calc "${R_OUT[$a]} / ${R_OUT[$b]}" 4)
			verdict=$("$py" -c "print('ok' if $br <= 1.0 else 'MISSED')")
			echo "| bundle bytes / the reference's, $(fmt_n "${R_N[$a]}") $what, level 6 | $br (${R_OUT[$a]} / ${R_OUT[$b]}) | ≤ 1 | $verdict |"
		done
	fi
	for n in $typical_counts; do
		# Same records each run: throughput ratio = ratio of wall times.
		sp=$(calc "(${R_WALL[t$n-j1a]} + ${R_WALL[t$n-j1b]}) / (${R_WALL[t$n-j2a]} + ${R_WALL[t$n-j2b]})")
		verdict=$("$py" -c "print('ok' if $sp >= 1.8 else 'MISSED')")
		echo "| -j2 / -j1 throughput, $(fmt_n "$n") typical (2 runs each) | $sp | ≥ 1.8 | $verdict |"
	done
	rss_list=""
	for n in $small_counts; do rss_list="$rss_list ${R_RSS[s$n]}"; done
	rss_max=$(max_of $rss_list)
	rss_min=$(printf '%s\n' $rss_list | sort -n | head -1)
	verdict=$("$py" -c "print('ok' if $rss_max <= 32768 else 'MISSED')")
	echo "| peak RSS, small records -j2, largest | $(calc "$rss_max / 1024" 1) MiB | ≤ 32 MiB | $verdict |"
	growth=$(calc "($rss_max - $rss_min) / 1024" 1)
	verdict=$("$py" -c "print('ok' if $rss_max <= $rss_min * 1.10 else 'MISSED')")
	echo "| peak RSS growth, $(fmt_n "$(printf '%s\n' $small_counts | sort -n | head -1)") → $(fmt_n "$smax") small | +$growth MiB | flat (≤ +10%) | $verdict |"
	echo
	echo "## The deflate floor"
	echo
	ref_cpu=""
	[ -z "$ref" ] || ref_cpu=$(calc "($(cpu_of "r$tmin-j1a") + $(cpu_of "r$tmin-j1b")) / 2")
	"$py" - "$work/floor.json" "$pipe_cpu" "${R_N[$k]}" "$work/floor-ref.json" "$ref_cpu" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
cpu = float(sys.argv[2]); n = int(sys.argv[3])
how = {"libdeflate": "`libdeflate_deflate_compress()` at libdeflate level {level}, one compressor for all",
       "zlib": "`zlib.compressobj({level}, DEFLATED, -15, 9)` per entry"}
def describe(f, whose):
    print(f"Entries of the {f['bundles']} bundles of {whose} {n}-record typical -j1 run: "
          f"{f['entries']} entries, {f['uncompressed_bytes']/1e6:.1f} MB uncompressed. "
          f"{how[f['deflate']].format(level=f['level'])} ({f['deflate']} {f['library']}) "
          f"gives {f['deflated_bytes']/1e6:.2f} MB (the bundles hold "
          f"{f['zip_compressed_bytes']/1e6:.2f} MB of compressed entry data).")
    print()
    print(f"- floor CPU: {f['cpu_seconds']:.2f} s (median of {f['passes']} passes: "
          f"{', '.join(str(c) for c in f['cpu_seconds_all'])}), "
          f"{f['cpu_seconds']*1000/n:.3f} ms/record, "
          f"{f['uncompressed_bytes']/1e6/f['cpu_seconds']:.1f} MB/s of input to deflate")
def pipeline(f, cpu):
    print(f"- pipeline CPU (mean of the two -j1 runs): {cpu:.2f} s, {cpu*1000/n:.3f} ms/record; "
          f"everything but deflate: {(cpu - f['cpu_seconds'])*1000/n:.3f} ms/record")
    print(f"- ratio: {cpu / f['cpu_seconds']:.2f}")
describe(f, "this binary's")
pipeline(f, cpu)
if sys.argv[5]:
    r = json.load(open(sys.argv[4]))
    print()
    print("The reference, for comparison (its own floor, over its own bundles):")
    print()
    describe(r, "the reference's")
    pipeline(r, float(sys.argv[5]))
EOF
	echo
	echo "## Peak RSS, small records, -j2"
	echo
	echo "| records | wall s | CPU s (user + sys) | CPU ms/record | records/s | input MB | output MB | peak RSS MiB | others' CPU s |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $small_counts; do
		k="s$n"
		if [ -n "$ref" ] && [ "$n" = "$smin" ]; then
			k="rs$n"
			echo "| $(fmt_n "$n") (reference) | ${R_WALL[$k]} | $(cpu_of "$k") (${R_USER[$k]} + ${R_SYS[$k]}) | $(calc "($(cpu_of "$k")) * 1000 / ${R_N[$k]}") | $(rate_of "$k") | $(calc "${R_IN[$k]} / 1e6" 1) | $(calc "${R_OUT[$k]} / 1e6" 1) | $(calc "${R_RSS[$k]} / 1024" 1) | ${R_OTHER[$k]} |"
			k="s$n"
		fi
		echo "| $(fmt_n "$n") | ${R_WALL[$k]} | $(cpu_of "$k") (${R_USER[$k]} + ${R_SYS[$k]}) | $(calc "($(cpu_of "$k")) * 1000 / ${R_N[$k]}") | $(rate_of "$k") | $(calc "${R_IN[$k]} / 1e6" 1) | $(calc "${R_OUT[$k]} / 1e6" 1) | $(calc "${R_RSS[$k]} / 1024" 1) | ${R_OTHER[$k]} |"
	done
	echo
	echo "## One heavy record ($heavy_contacts contacts, -j1)"
	echo
	echo "| input bytes | bundle bytes | wall s | CPU s (user + sys) | peak RSS MiB |"
	echo "|---:|---:|---:|---:|---:|"
	echo "| ${R_IN[heavy]} | ${R_OUT[heavy]} | ${R_WALL[heavy]} | $(cpu_of heavy) (${R_USER[heavy]} + ${R_SYS[heavy]}) | $(calc "${R_RSS[heavy]} / 1024" 1) |"
} | tee "$dir/report.md"
log "report in $dir/report.md"
remove_outputs
log "done in $(($(date +%s) - t_start)) s"
