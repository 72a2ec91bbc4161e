#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that two dyd binaries write the same bytes: a speed change must not
# change a bundle. Runs both over testdata/records (dyd export, every record,
# several languages and zones) and over generated records of each profile
# (dyd batch), then compares every bundle and results file byte for byte.
#
# --content: bundles need only hold the same entries with the same bytes
# and headers (bench/compare_bundles.py), for a change of the deflate
# streams such as dyd 0.1's zlib against libdeflate.
# --levels "1 6 9": also export every record and batch every profile at
# each of these levels. --sizes (with --content): a table of the bundles'
# total sizes per set, and exit 1 when the candidate's are larger.
# --keep DIR: work in DIR and keep it.
#
# usage: bench/same_output.sh REFERENCE_DYD CANDIDATE_DYD [--count N]
#            [--content [--sizes]] [--levels "L1 L2 ..."] [--keep DIR]
# Exit 0 when everything matches; 1 with the differing files listed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
py=/usr/bin/python3
count=300
content=0
sizes=0
levels=""
keep=""
[ $# -ge 2 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ref=$(realpath "$1")
new=$(realpath "$2")
shift 2
while [ $# -gt 0 ]; do
	case $1 in
	--count) count=$2; shift 2 ;;
	--content) content=1; shift ;;
	--sizes) sizes=1; shift ;;
	--levels) levels=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	*) echo "same_output.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
if [ "$sizes" = 1 ] && [ "$content" = 0 ]; then
	echo "same_output.sh: --sizes needs --content" >&2
	exit 2
fi

if [ -n "$keep" ]; then
	mkdir -p "$keep"
	work=$(cd "$keep" && pwd)
	rm -rf "$work/ref" "$work/new"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/dyd-same.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi

for profile in small typical heavy; do
	n=$count
	[ "$profile" = heavy ] && n=$((count / 20 + 1))
	"$py" "$here/gen_records.py" --seed 7 --profile "$profile" \
		--count "$n" -o "$work/$profile.jsonl"
done

at_levels() { # binary: every record and profile at each of $levels
	local dyd=$1 level rec lang profile
	for level in $levels; do
		mkdir -p "records-l$level"
		for rec in "$src"/testdata/records/*; do
			for lang in en id; do
				"$dyd" export --as-of 2021-06-01T00:00:00Z \
					--lang "$lang" --level "$level" -o \
					"records-l$level/$(basename "$rec").$lang.zip" \
					"$rec" 2>/dev/null || true
			done
		done
		for profile in small typical heavy; do
			"$dyd" batch --quiet --as-of 2021-06-01T00:00:00Z -j2 \
				--level "$level" -d "$profile-l$level" \
				"$work/$profile.jsonl" || true
		done
	done
}

run_all() { # binary outdir
	local dyd=$1 out=$2 rec base lang zone opts
	mkdir -p "$out"
	# Relative names, so that messages naming a file read the same.
	cd "$out"
	for rec in "$src"/testdata/records/*; do
		base=$(basename "$rec")
		for lang in en id; do
			for zone in UTC Asia/Jakarta America/New_York; do
				opts="--as-of 2021-06-01T00:00:00Z --lang $lang --tz $zone"
				"$dyd" export $opts -o "$base.$lang.${zone//\//_}.zip" \
					"$rec" 2>"$base.$lang.${zone//\//_}.err" || true
			done
		done
	done
	for profile in small typical heavy; do
		"$dyd" batch --quiet --as-of 2021-06-01T00:00:00Z -j2 \
			-d "batch-$profile" "$work/$profile.jsonl" || true
		"$dyd" batch --quiet --as-of 2022-01-01T00:00:00Z -j1 \
			--lang id --tz Asia/Jakarta --level 9 \
			-d "batch-$profile-id" "$work/$profile.jsonl" || true
	done
	at_levels "$dyd"
	cd - >/dev/null
}

run_all "$ref" "$work/ref"
run_all "$new" "$work/new"
if [ "$content" = 1 ]; then
	opts=""
	if [ "$sizes" = 1 ]; then
		opts="--sizes --max-ratio 1.0"
		echo "Bundle sizes, reference \`$ref\` against candidate \`$new\`:"
		echo "testdata/records (dyd export; records-lN: --lang en and id at"
		echo "--level N), generated records, seed 7: small and typical $count,"
		echo "heavy $((count / 20 + 1)) (dyd batch; PROFILE-lN at --level N;"
		echo "batch-PROFILE at 6; batch-PROFILE-id at 9)."
		echo
	fi
	# shellcheck disable=SC2086
	if "$py" "$here/compare_bundles.py" $opts "$work/ref" "$work/new"; then
		exit 0
	fi
	echo "same_output.sh: the contents differ, or are larger (above)" >&2
	exit 1
fi
if diff -r -q "$work/ref" "$work/new"; then
	echo "same_output.sh: identical: $(find "$work/ref" -type f | wc -l) files"
	exit 0
fi
echo "same_output.sh: the outputs differ (above)" >&2
exit 1
