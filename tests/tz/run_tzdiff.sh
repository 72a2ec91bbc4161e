#!/bin/sh
# SPDX-License-Identifier: MIT
# The differential test of time zones (tzdiff.c) on three databases:
#   1. a snapshot of the system's zoneinfo (Debian's fat files), so that
#      dyd and the C library read the same bytes even if apt updates
#      tzdata during the run;
#   2. the same zones compiled with zic -b slim from the snapshot's
#      tzdata.zi, where most current dates come from the footer rule;
#   3. testdata/tz/*.zi, zones made for the rare forms of the footer,
#      compiled both slim and fat.
#
# usage: run_tzdiff.sh TZDIFF ZIC TESTDATA_TZ_DIR [ZONEINFO]
set -eu

tzdiff=$1 zic=$2 small=$3 zoneinfo=${4:-/usr/share/zoneinfo}
jobs=$(nproc 2>/dev/null || echo 2)

if [ ! -x "$zic" ] || [ ! -f "$zoneinfo/tzdata.zi" ]; then
	echo "run_tzdiff.sh: zic ($zic) and $zoneinfo/tzdata.zi are needed:" \
		"install libc-bin and tzdata (./bootstrap.sh)" >&2
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dyd-tzdiff.XXXXXX")
trap 'rm -rf "$work"' EXIT

# -L: links become files, so nothing points outside the snapshot.
cp -RL "$zoneinfo" "$work/system"
"$zic" -b slim -d "$work/slim" "$work/system/tzdata.zi"
"$zic" -b slim -d "$work/small-slim" "$small"/*.zi
"$zic" -b fat -d "$work/small-fat" "$small"/*.zi

status=0
for db in system slim small-slim small-fat; do
	"$tzdiff" "$work/$db" -j "$jobs" || status=1
done
exit $status
