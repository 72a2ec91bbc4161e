#!/usr/bin/env bash
# Checks that two dyd binaries write the same bytes: a speed change must not
# change a bundle. Runs both over testdata/records (dyd export, every record,
# several languages and zones) and over generated records of each profile
# (dyd batch), then compares every bundle and results file byte for byte.
#
# usage: bench/same_output.sh REFERENCE_DYD CANDIDATE_DYD [--count N]
# Exit 0 when everything matches; 1 with the differing files listed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
py=/usr/bin/python3
count=300
[ $# -ge 2 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ref=$(realpath "$1")
new=$(realpath "$2")
shift 2
while [ $# -gt 0 ]; do
	case $1 in
	--count) count=$2; shift 2 ;;
	*) echo "same_output.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dyd-same.XXXXXX")
trap 'rm -rf "$work"' EXIT

for profile in small typical heavy; do
	n=$count
	[ "$profile" = heavy ] && n=$((count / 20 + 1))
	"$py" "$here/gen_records.py" --seed 7 --profile "$profile" \
		--count "$n" -o "$work/$profile.jsonl"
done

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
	cd - >/dev/null
}

run_all "$ref" "$work/ref"
run_all "$new" "$work/new"
if diff -r -q "$work/ref" "$work/new"; then
	echo "same_output.sh: identical: $(find "$work/ref" -type f | wc -l) files"
	exit 0
fi
echo "same_output.sh: the outputs differ (above)" >&2
exit 1
