#!/bin/sh
# SPDX-License-Identifier: MIT
# Holds debian/libdyd0.symbols to what libdyd.so.0 exports:
#
#   tools/symbols.sh LIBRARY         check (ctest lint.symbols)
#   tools/symbols.sh --fix LIBRARY   rewrite the file to match
#
# LIBRARY is a built libdyd.so.0, such as build/libdyd.so.0. The check
# fails when the library exports a symbol the file does not list (a public
# function added to dyd.h: run --fix and commit the file) or the file lists
# one the library no longer exports (an ABI break: the soname must change).
# --fix keeps the version of every symbol already listed and gives a new
# one the version in the library's file name (libdyd.so.0.2.0: 0.2.0), the
# first version that has it, which is what dpkg-shlibdeps then asks of
# libdyd0 for a program that uses it.
#
# Exit status: 0 when they agree (or after --fix), 1 when not, 2 on usage
# errors.
set -eu
export LC_ALL=C

fix=0
if [ "${1:-}" = --fix ]; then
	fix=1
	shift
fi
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 [--fix] LIBRARY (a built libdyd.so.0)" >&2
	exit 2
fi
lib=$1
src=$(cd "$(dirname "$0")/.." && pwd)
file=$src/debian/libdyd0.symbols
real=$(readlink -f "$lib")
version=${real##*/libdyd.so.}
case $version in
[0-9]*.[0-9]*.[0-9]*) ;;
*)
	echo "symbols.sh: cannot read a version from '${real##*/}'" \
		"(libdyd.so.MAJOR.MINOR.PATCH)" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# name@VERSION-NODE, as dpkg-gensymbols writes them; the node itself (type
# A) is listed as DYD_0@DYD_0.
nm -D --defined-only --with-symbol-versions "$lib" | awk '
	$2 == "A" { print $3 "@" $3; next }
	{ sub(/@@?/, "@", $3); print $3 }' | sort -u >"$tmp/exported"
if [ ! -s "$tmp/exported" ]; then
	echo "symbols.sh: $lib exports nothing" >&2
	exit 1
fi
touch "$tmp/listed.v"
[ -f "$file" ] && sed -n 's/^ \([^ ]*\) \([^ ]*\)$/\1 \2/p' "$file" |
	sort -u >"$tmp/listed.v"
cut -d' ' -f1 "$tmp/listed.v" >"$tmp/listed"
comm -23 "$tmp/exported" "$tmp/listed" >"$tmp/added"
comm -13 "$tmp/exported" "$tmp/listed" >"$tmp/removed"

if [ $fix -eq 0 ]; then
	if [ ! -s "$tmp/added" ] && [ ! -s "$tmp/removed" ]; then
		echo "debian/libdyd0.symbols lists the $(wc -l <"$tmp/exported")" \
			"symbols ${lib##*/} exports"
		exit 0
	fi
	sed 's/^/exported, not in debian\/libdyd0.symbols: /' "$tmp/added"
	sed 's/^/in debian\/libdyd0.symbols, not exported (an ABI break: change the soname): /' \
		"$tmp/removed"
	echo "to take the library's list: tools/symbols.sh --fix $lib"
	exit 1
fi

{
	echo "libdyd.so.0 libdyd0 #MINVER#"
	echo "* Build-Depends-Package: libdyd-dev"
	while read -r sym; do
		v=$(awk -v s="$sym" '$1 == s { print $2 }' "$tmp/listed.v")
		echo " $sym ${v:-$version}"
	done <"$tmp/exported"
} >"$tmp/new"
mv "$tmp/new" "$file"
sed "s/^/added at $version: /" "$tmp/added"
sed 's/^/removed (an ABI break: change the soname): /' "$tmp/removed"
echo "wrote debian/libdyd0.symbols: $(wc -l <"$tmp/exported") symbols"
