#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/symbols.sh catches each way debian/libdyd0.symbols can fall out of
# step with the library, and --fix brings it back:
#
#   tests/cli/check_symbols.sh LIBRARY     (a built libdyd.so.VERSION)
#
# In a copy of tools/ and debian/: a symbol the library exports but the
# file lacks (a function added to dyd.h) fails and is named; a symbol the
# file lists but the library lacks fails as an ABI break; --fix on either
# gives the file of the real tree back, byte for byte, keeping the versions
# already listed and giving a new symbol the library's version.
#
# Prints 'N passed, M failed'; exit status 0 if all passed, 1 if not.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$here/checks.sh"
lib=$(cd "$(dirname "$1")" && pwd)/${1##*/}
real=$src/debian/libdyd0.symbols
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/tools" "$tmp/debian"
cp "$src/tools/symbols.sh" "$tmp/tools/"
file=$tmp/debian/libdyd0.symbols
version=$(readlink -f "$lib")
version=${version##*/libdyd.so.}

run() {
	sh "$tmp/tools/symbols.sh" "$@" >"$tmp/out" 2>&1
}

cp "$real" "$file"
check "the tree's file agrees with the library" run "$lib"

# A symbol the library exports, missing from the file.
sym=$(sed -n 's/^ \(dyd_[a-z_]*@[A-Z0-9_]*\) .*/\1/p' "$real" | tail -n 1)
grep -v "^ $sym " "$real" >"$file"
run "$lib"
check "a missing $sym fails (exit $?)" test $? -eq 1
check "... and is named" grep -q "exported, not in debian/libdyd0.symbols: $sym$" \
	"$tmp/out"
# --fix adds it back at the library's version; with the same version as
# the tree's, the file is the tree's again.
sed "s/^\( $sym\) .*/\1 $version/" "$real" >"$tmp/want"
check "--fix adds $sym at $version" sh -c \
	'sh "$1" --fix "$2" >/dev/null && cmp "$3" "$4"' _ \
	"$tmp/tools/symbols.sh" "$lib" "$tmp/want" "$file"

# A symbol the file lists that the library does not export.
{
	cat "$real"
	echo " dyd_no_such_function@DYD_0 0.1.0"
} >"$file"
run "$lib"
check "a listed symbol not exported fails (exit $?)" test $? -eq 1
check "... as an ABI break" grep -q \
	"not exported (an ABI break: change the soname): dyd_no_such_function@DYD_0" \
	"$tmp/out"
check "--fix removes it, and the file is the tree's again" sh -c \
	'sh "$1" --fix "$2" >/dev/null && cmp "$3" "$4"' _ \
	"$tmp/tools/symbols.sh" "$lib" "$real" "$file"

# The versions already listed stay as they are.
sed "s/^\( $sym\) .*/\1 0.0.1/" "$real" >"$file"
cp "$file" "$tmp/kept"
check "--fix keeps the version of a symbol already listed" sh -c \
	'sh "$1" --fix "$2" >/dev/null && cmp "$3" "$4"' _ \
	"$tmp/tools/symbols.sh" "$lib" "$tmp/kept" "$file"
finish
