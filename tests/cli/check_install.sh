#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs a build into a staging directory and checks what a user gets:
#
#   tests/cli/check_install.sh BUILD-DIR VERSION
#
# VERSION is the project's (project(dyd VERSION) in CMakeLists.txt).
# - 'cmake --install BUILD-DIR --prefix STAGE' puts in place exactly: the
#   dyd binary, libdyd.so.0 (with libdyd.so), dyd.h and dyd_version.h,
#   dyd.pc, the CMake package (dydConfig.cmake, dydConfigVersion.cmake,
#   the targets), every man page of man/ in its section, the five JSON
#   Schemas and the bash completion;
# - the installed dyd runs with an empty environment and uses the staged
#   library: --version, an export and a verify of testdata/records/
#   budi-santoso.json, and 'dyd schema' agrees with the installed schemas;
# - the library's SONAME is libdyd.so.0 and it exports the functions of
#   dyd.h and nothing else; the installed dyd.h gives VERSION to #if;
# - dyd.pc: plain absolute paths, Requires.private, and no -I but dyd's;
# - the EXAMPLES program of dyd(3), taken from the installed page, builds
#   against the staged files with 'pkg-config --cflags --libs dyd' and
#   with the page's CMakeLists.txt (find_package(dyd)), and runs; a
#   find_package of another minor version is refused;
# - the bash completion loads and registers 'complete -F _dyd dyd'; with
#   bash-completion installed (or DYD_BASH_COMPLETION naming its
#   bash_completion script), it also completes a command and an option.
#
# The build's dyd.pc names the prefix it was configured with; the staging
# directory stands in for it with 'pkg-config --define-variable=prefix='.
# Nothing outside a temporary directory is written. The Debian packages
# are checked by check_deb.sh.
#
# Prints 'N passed, M failed'; exit status 0 if all passed, 1 if not,
# 2 on usage errors.
set -u

if [ $# -ne 2 ] || [ ! -f "$1/CMakeCache.txt" ]; then
	echo "usage: $0 BUILD-DIR VERSION (a configured and built CMake build)" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
version=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
record=$src/testdata/records/budi-santoso.json
as_of=2021-06-01
clean_env="env -i PATH=/usr/bin:/bin"
. "$here/checks.sh"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
stage=$tmp/stage

skip() {
	echo "skip $*"
}

# --- install ---------------------------------------------------------------

if ! cmake --install "$build" --prefix "$stage" >"$tmp/install.log" 2>&1
then
	fail "cmake --install $build --prefix STAGE"
	sed 's/^/     /' "$tmp/install.log"
	finish
fi
ok "cmake --install --prefix STAGE"

# The library directory: lib, lib64 or lib/<multiarch>, as GNUInstallDirs
# chose for the configured prefix.
libdir=
for d in "$stage"/lib "$stage"/lib64 "$stage"/lib/*-linux-gnu*; do
	if [ -e "$d/libdyd.so.0" ]; then
		libdir=$d
		break
	fi
done
if [ -z "$libdir" ]; then
	fail "libdyd.so.0 is installed under STAGE/lib*"
	finish
fi
ok "libdyd.so.0 is in STAGE/${libdir#"$stage"/}"
rel_libdir=${libdir#"$stage"/}

# --- the files -------------------------------------------------------------

expected=$tmp/expected
{
	echo bin/dyd
	echo include/dyd.h
	echo include/dyd_version.h
	echo "$rel_libdir/libdyd.so"
	echo "$rel_libdir/libdyd.so.0"
	echo "$rel_libdir/libdyd.so.$version"
	echo "$rel_libdir/pkgconfig/dyd.pc"
	for f in dydConfig dydConfigVersion dydTargets dydTargets-CONFIG; do
		echo "$rel_libdir/cmake/dyd/$f.cmake"
	done
	echo share/bash-completion/completions/dyd
	for s in account decision manifest policy report results; do
		echo "share/dyd/schemas/$s.schema.json"
	done
	for page in "$src"/man/*.[1-9]; do
		name=${page##*/}
		echo "share/man/man${name##*.}/$name"
	done
} | sort >"$expected"
# The targets of the build type (dydTargets-relwithdebinfo.cmake) as
# dydTargets-CONFIG.cmake.
(cd "$stage" && find . \( -type f -o -type l \) | sed 's|^\./||' |
	sed 's|/dydTargets-[a-z]*\.cmake$|/dydTargets-CONFIG.cmake|' | sort) \
	>"$tmp/installed"
missing=$(comm -23 "$expected" "$tmp/installed")
extra=$(comm -13 "$expected" "$tmp/installed")
if [ -z "$missing" ]; then
	ok "every expected file is installed ($(wc -l <"$expected") files)"
else
	fail "files missing from the installation:"
	printf '%s\n' "$missing" | sed 's/^/     /'
fi
if [ -z "$extra" ]; then
	ok "nothing else is installed"
else
	fail "unexpected files installed:"
	printf '%s\n' "$extra" | sed 's/^/     /'
fi
check "bin/dyd is executable" test -x "$stage/bin/dyd"
check "include/dyd.h is the source include/dyd.h" cmp "$src/include/dyd.h" "$stage/include/dyd.h"
check "include/dyd_version.h is the build's" \
	cmp "$build/include/dyd_version.h" "$stage/include/dyd_version.h"
check "libdyd.so.0 links to libdyd.so.$version" \
	test "$(readlink "$libdir/libdyd.so.0")" = "libdyd.so.$version"
check "libdyd.so links to libdyd.so.0" \
	test "$(readlink "$libdir/libdyd.so")" = "libdyd.so.0"
check "libdyd.so.$version is a regular file" \
	test -f "$libdir/libdyd.so.$version" -a ! -L "$libdir/libdyd.so.$version"
same_man=true
for page in "$src"/man/*.[1-9]; do
	name=${page##*/}
	cmp -s "$page" "$stage/share/man/man${name##*.}/$name" || same_man=false
done
check "the installed man pages are those of man/" $same_man
same_schemas=true
for s in "$src"/schemas/*.schema.json; do
	cmp -s "$s" "$stage/share/dyd/schemas/${s##*/}" || same_schemas=false
done
check "the installed schemas are those of schemas/" $same_schemas
check "the completion is completion/dyd.bash" \
	cmp "$src/completion/dyd.bash" \
	"$stage/share/bash-completion/completions/dyd"

# --- the library -----------------------------------------------------------

soname=$(readelf -d "$libdir/libdyd.so.$version" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "SONAME is libdyd.so.0 (found '$soname')" test "$soname" = libdyd.so.0
needed=$(readelf -d "$stage/bin/dyd" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
check "bin/dyd needs libdyd.so.0" \
	sh -c 'printf "%s\n" "$1" | grep -qx libdyd.so.0' _ "$needed"
runpath=$(readelf -d "$stage/bin/dyd" |
	sed -n 's/.*PATH).*\[\(.*\)\]/\1/p')
check "bin/dyd's RUNPATH ($runpath) does not name the build directory" \
	sh -c 'case "$1" in *"$2"*) exit 1 ;; esac' _ "$runpath" "$build"

# Exported symbols, without the version node (DYD_0, type A).
nm -D --defined-only "$libdir/libdyd.so.$version" |
	awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u \
	>"$tmp/exports"
sed 's|/\*.*\*/||' "$src/include/dyd.h" | grep -o 'dyd_[a-z0-9_]*(' |
	tr -d '(' | sort -u >"$tmp/api"
not_dyd=$(grep -v '^dyd_' "$tmp/exports")
if [ -s "$tmp/exports" ] && [ -z "$not_dyd" ]; then
	ok "the library exports only dyd_* symbols ($(wc -l <"$tmp/exports"))"
else
	fail "the library exports symbols outside dyd_*:"
	printf '%s\n' "$not_dyd" | sed 's/^/     /'
fi
not_api=$(comm -23 "$tmp/exports" "$tmp/api")
unexported=$(comm -13 "$tmp/exports" "$tmp/api")
if [ -z "$not_api" ] && [ -z "$unexported" ]; then
	ok "the library exports exactly the $(wc -l <"$tmp/api") functions of dyd.h"
else
	fail "the exports and the functions of dyd.h differ:"
	printf '%s\n' "$not_api" | sed '/^$/d; s/^/     exported, not in dyd.h: /'
	printf '%s\n' "$unexported" | sed '/^$/d; s/^/     in dyd.h, not exported: /'
fi

# --- the installed binary, with an empty environment -----------------------

mkdir "$tmp/run"
if $clean_env "$stage/bin/dyd" --version >"$tmp/version" 2>&1 &&
	head -n 1 "$tmp/version" | grep -qx "dyd $version"; then
	ok "env -i STAGE/bin/dyd --version: $(head -n 1 "$tmp/version")"
else
	fail "env -i STAGE/bin/dyd --version"
	sed 's/^/     /' "$tmp/version"
fi
check "--version names the default policy and the libraries" \
	grep -q '^libraries: .*cJSON.*libyaml.*libzip.*zlib' "$tmp/version"
lib_used=$($clean_env ldd "$stage/bin/dyd" 2>&1 | sed -n 's/.*libdyd\.so\.0 => \([^ ]*\).*/\1/p')
check "STAGE/bin/dyd loads the staged library (ldd: $lib_used)" \
	test "$lib_used" -ef "$libdir/libdyd.so.0"
check "env -i STAGE/bin/dyd export $as_of budi-santoso.json" \
	sh -c 'cd "$1" && shift && "$@"' _ "$tmp/run" $clean_env \
	"$stage/bin/dyd" export --as-of "$as_of" "$record"
check "env -i STAGE/bin/dyd verify budi.santoso.zip" \
	sh -c 'cd "$1" && shift && "$@" | grep -qx "budi.santoso.zip: ok (not signed; authenticity not checked)"' _ \
	"$tmp/run" $clean_env "$stage/bin/dyd" verify budi.santoso.zip
# The same bundle as the build tree's dyd writes: installing changes nothing.
check "the installed dyd writes the build's bundle, byte for byte" \
	sh -c '"$1" export --as-of "$2" -o "$3" "$4" && cmp "$3" "$5"' _ \
	"$build/dyd" "$as_of" "$tmp/build.zip" "$record" \
	"$tmp/run/budi.santoso.zip"
same=true
for s in $($clean_env "$stage/bin/dyd" schema); do
	$clean_env "$stage/bin/dyd" schema "$s" |
		cmp -s - "$stage/share/dyd/schemas/$s.schema.json" || same=false
done
check "'dyd schema NAME' prints the installed schema NAME" $same

# --- dyd.pc ----------------------------------------------------------------

pc_raw() {
	PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config "$@" dyd
}
if ! command -v pkg-config >/dev/null 2>&1; then
	fail "pkg-config is not installed (apt-get install pkgconf)"
	finish
fi
# As written: the configured prefix, in plain absolute paths.
for v in prefix libdir includedir; do
	value=$(pc_raw --variable=$v)
	check "dyd.pc: $v ($value) is a plain absolute path" sh -c '
		case $1 in /*) ;; *) exit 1 ;; esac
		case $1/ in */./* | */../* | *//*) exit 1 ;; esac' _ "$value"
done
check "dyd.pc: libdir is PREFIX/$rel_libdir" \
	test "$(pc_raw --variable=libdir)" = "$(pc_raw --variable=prefix)/$rel_libdir"
PC="pkg-config --define-variable=prefix=$stage"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
check "pkg-config --modversion dyd is $version" \
	test "$($PC --modversion dyd)" = "$version"
check "pkg-config: libdir is STAGE/$rel_libdir" \
	test "$($PC --variable=libdir dyd)" = "$libdir"
check "pkg-config: includedir is STAGE/include" \
	test "$($PC --variable=includedir dyd)" = "$stage/include"
# The dependencies' Cflags (cJSON's -I/usr/include/cjson) are theirs.
cflags=$($PC --cflags dyd)
check "pkg-config --cflags dyd is -ISTAGE/include alone ('$cflags')" \
	test "$(echo $cflags)" = "-I$stage/include"
check "pkg-config --cflags --static dyd too" \
	test "$(echo $($PC --cflags --static dyd))" = "-I$stage/include"
check "pkg-config --libs dyd is -LSTAGE/$rel_libdir -ldyd" \
	test "$(echo $($PC --libs dyd))" = "-L$libdir -ldyd"
requires=$($PC --print-requires-private dyd | awk '{ print $1 }' | sort |
	tr '\n' ' ')
check "dyd.pc Requires.private: $requires" \
	test "$requires" = "libcrypto libdeflate libzip yaml-0.1 zlib "
check "pkg-config --static --libs dyd names cJSON" \
	sh -c '$1 --static --libs dyd | grep -qw -- -lcjson' _ "$PC"
cat >"$tmp/version.c" <<EOC
#include <dyd.h>
#if DYD_VERSION_NUMBER != DYD_VERSION_AT(${version%%.*}, $(echo "$version" |
	cut -d. -f2), ${version##*.})
#error "DYD_VERSION_NUMBER is not $version"
#endif
#include <string.h>
int main(void) { return strcmp(DYD_VERSION, "$version") != 0; }
EOC
check "the installed dyd.h gives $version to #if and as DYD_VERSION" \
	sh -c 'cc -std=c11 -Werror -o "$1/version" "$1/version.c" $2 &&
		"$1/version"' _ "$tmp" "$cflags"

# --- the dyd(3) example, built with pkg-config and with CMake --------------

DYD=$stage/bin/dyd
RECORD=$record
INVALID=$src/testdata/invalid/bad-phone.json
EXAMPLE_LDFLAGS="-Wl,-rpath,$libdir"
EXAMPLE_CMAKE_ARGS="-DCMAKE_PREFIX_PATH=$stage"
example_build STAGE "$stage/share/man/man3/dyd.3" "$tmp/example"
check "the find_package example uses the staged library" sh -c \
	'ldd "$1" | grep -q "libdyd\.so\.0 => $2/libdyd\.so\.0"' _ \
	"$tmp/example/cmake/build/example" "$libdir"
# Within 0.x a minor version is an incompatible one.
next=${version%%.*}.$(($(echo "$version" | cut -d. -f2) + 1))
mkdir "$tmp/next"
sed "s/find_package(dyd [0-9.]* REQUIRED)/find_package(dyd $next REQUIRED)/" \
	"$tmp/example/cmake/CMakeLists.txt" >"$tmp/next/CMakeLists.txt"
cp "$tmp/example/cmake/example.c" "$tmp/next/"
check "find_package(dyd $next) refuses dyd $version" sh -c \
	'! cmake -S "$1" -B "$1/build" -DCMAKE_PREFIX_PATH="$2" >"$1/log" 2>&1 &&
		grep -q "considered but not accepted" "$1/log"' _ "$tmp/next" "$stage"

# --- bash completion -------------------------------------------------------

completion=$stage/share/bash-completion/completions/dyd
bc=${DYD_BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
if ! command -v bash >/dev/null 2>&1; then
	skip "bash completion: bash is not installed"
else
	reg=$(bash -c '[ -f "$1" ] && . "$1"; . "$2" && complete -p dyd' _ \
		"$bc" "$completion" 2>&1)
	check "the completion registers: $reg" \
		test "$reg" = "complete -F _dyd dyd"
	# complete WORDS...: what _dyd offers for the last word.
	complete_words() {
		bash -c '. "$1"; . "$2"
			shift 2
			COMP_WORDS=("$@")
			COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"
			COMP_POINT=${#COMP_LINE}
			_dyd dyd "${COMP_WORDS[COMP_CWORD]}" \
				"${COMP_WORDS[COMP_CWORD - 1]}"
			printf "%s\n" "${COMPREPLY[@]}"' _ "$bc" "$completion" "$@"
	}
	if [ -f "$bc" ] && bash -c '. "$1"; type _init_completion' _ "$bc" \
		>/dev/null 2>&1; then
		check "'dyd ex<TAB>' completes to export" \
			test "$(complete_words dyd ex)" = export
		check "'dyd validate --ve<TAB>' completes to --verbose" \
			test "$(complete_words dyd validate --ve)" = --verbose
		check "'dyd schema d<TAB>' completes to decision" \
			test "$(complete_words dyd schema d)" = decision
		check "'dyd export --lang <TAB>' offers en and id" \
			test "$(complete_words dyd export --lang '' | tr '\n' ' ')" = "en id "
	else
		skip "completing words: bash-completion's _init_completion is" \
			"not available ($bc)"
	fi
fi

finish
