#!/bin/sh
# SPDX-License-Identifier: MIT
# The version of project(dyd VERSION) in CMakeLists.txt, the one place it is
# written, is also the one the release files name:
#
#   tests/lint_version.sh SRC VERSION
#
# - debian/changelog's latest entry is VERSION (the packages' version);
# - CHANGELOG.md has a '## [VERSION] - YYYY-MM-DD' entry, the first after
#   '## [Unreleased]';
# - no symbol of debian/libdyd0.symbols is newer than VERSION;
# - dyd(3)'s CMake example asks for find_package(dyd MAJOR.MINOR).
#
# Prints 'N passed, M failed'; exit status 0 if all passed, 1 if not.
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/cli/checks.sh"
src=$1
version=$2

latest=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
check "debian/changelog's latest entry is $version (found $latest)" \
	test "$latest" = "$version"
first=$(grep '^## \[' "$src/CHANGELOG.md" | sed -n 2p)
check "CHANGELOG.md: the first release after [Unreleased] is $version ($first)" \
	sh -c 'printf "%s\n" "$1" |
		grep -qx "## \[$2\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]"' _ \
	"$first" "$version"
newer=$(awk 'NR > 2 { print $2 }' "$src/debian/libdyd0.symbols" | sort -u |
	while read -r v; do
		dpkg --compare-versions "$v" gt "$version" && echo "$v"
	done)
check "debian/libdyd0.symbols names no version after $version" \
	test -z "$newer"
check "dyd(3) asks for find_package(dyd ${version%.*})" \
	grep -q "^find_package(dyd ${version%.*} REQUIRED)$" "$src/man/dyd.3"
finish
