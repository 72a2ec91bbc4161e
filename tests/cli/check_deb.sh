#!/bin/sh
# Builds the Debian package of a build with CPack and checks it:
#
#   tests/cli/check_deb.sh BUILD-DIR
#
# - 'cpack -G DEB' makes dyd_VERSION_ARCH.deb, whose Depends, worked out by
#   dpkg-shlibdeps from the shared libraries, name libzip4, libdeflate0,
#   libcjson1, libyaml-0-2, libssl3 and zlib1g;
# - it holds the binary, the library, the header, dyd.pc (for the /usr
#   prefix it installs into), the man pages, the schemas and the
#   completion;
# - unpacked into a throwaway root with 'dpkg -x', its dyd runs with an
#   empty environment: --version, an export and a verify.
#
# On a real machine the package is installed, with its dependencies, by
#
#   apt-get install ./dyd_0.1.0_amd64.deb
#
# (as root; 'apt-get remove dyd' removes it). This test does not install
# it, so the machine is left as it was: 'apt-get install -s' only simulates
# the installation, to show apt can resolve it, and 'dpkg -x' only unpacks
# the files into a temporary directory, where the binary is run. The
# package goes into a temporary directory too, not into BUILD-DIR.
#
# dpkg-shlibdeps comes with dpkg-dev; when it is missing and we are root,
# it is installed with apt-get (bootstrap.sh lists it).
#
# Prints 'N passed, M failed'; exit status 0 if all passed, 1 if not,
# 2 on usage errors, 77 when dpkg-deb or dpkg-shlibdeps is not available
# (ctest's SKIP_RETURN_CODE).
set -u

if [ $# -ne 1 ] || [ ! -f "$1/CPackConfig.cmake" ]; then
	echo "usage: $0 BUILD-DIR (a configured and built CMake build)" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
record=$src/testdata/records/budi-santoso.json
as_of=2021-06-01
passed=0
failed=0

if ! command -v dpkg-deb >/dev/null 2>&1; then
	echo "check_deb: dpkg-deb is not available (not a Debian system?); skipped"
	exit 77
fi
if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "check_deb: installing dpkg-dev for dpkg-shlibdeps"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev \
			>/dev/null 2>&1
	fi
	if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
		echo "check_deb: dpkg-shlibdeps is missing (apt-get install" \
			"dpkg-dev); skipped"
		exit 77
	fi
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() {
	passed=$((passed + 1))
	echo "ok   $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		fail "$name"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/     /'
	fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

version=$(sed -n 's/^#define DYD_VERSION "\(.*\)"$/\1/p' "$src/include/dyd.h")
arch=$(dpkg --print-architecture)
deb=$tmp/pkg/dyd_${version}_${arch}.deb

# --- build -----------------------------------------------------------------

if ! (cd "$build" && cpack -G DEB -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1
then
	fail "cpack -G DEB"
	sed 's/^/     /' "$tmp/cpack.log"
	finish
fi
if [ ! -f "$deb" ]; then
	fail "cpack -G DEB made ${deb##*/}"
	ls "$tmp/pkg" | sed 's/^/     made: /'
	finish
fi
ok "cpack -G DEB made ${deb##*/} ($(wc -c <"$deb") bytes)"

# --- control ---------------------------------------------------------------

dpkg-deb -I "$deb" >"$tmp/info" 2>&1
field() {
	dpkg-deb -f "$deb" "$1"
}
check "Package: dyd" test "$(field Package)" = dyd
check "Version: $version" test "$(field Version)" = "$version"
check "Architecture: $arch" test "$(field Architecture)" = "$arch"
check "Section: utils" test "$(field Section)" = utils
check "Maintainer and Description are set" \
	test -n "$(field Maintainer)" -a -n "$(field Description)"
depends=$(field Depends)
echo "     Depends: $depends"
# The package names, without versions.
printf '%s\n' "$depends" | tr ',' '\n' |
	sed 's/^ *//; s/[ (].*//' | sed '/^$/d' | sort >"$tmp/depends"
for p in libzip4 libdeflate0 libcjson1 libyaml-0-2 libssl3 zlib1g libc6; do
	check "Depends lists $p" grep -qx "$p" "$tmp/depends"
done
check "Depends lists nothing dyd does not link" sh -c \
	'! grep -vx "libzip4\|libdeflate0\|libcjson1\|libyaml-0-2\|libssl3\|zlib1g\|libc6" "$1"' \
	_ "$tmp/depends"
# The package runs ldconfig for the shared library it installs.
mkdir "$tmp/control"
dpkg-deb -e "$deb" "$tmp/control"
check "postinst runs ldconfig" grep -q ldconfig "$tmp/control/postinst"

# --- contents --------------------------------------------------------------

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./||' >"$tmp/contents"
libdir=$(sed -n 's|^\(usr/lib[^ ]*\)/libdyd\.so\.0$|\1|p' "$tmp/contents")
check "the package has usr/lib*/libdyd.so.0" test -n "$libdir"
for f in usr/bin/dyd "$libdir/libdyd.so" "$libdir/libdyd.so.$version" \
	"$libdir/pkgconfig/dyd.pc" usr/include/dyd.h \
	usr/share/bash-completion/completions/dyd; do
	check "the package has $f" grep -qx "$f" "$tmp/contents"
done
for page in "$src"/man/*.[1-9]; do
	name=${page##*/}
	f=usr/share/man/man${name##*.}/$name
	grep -qx "$f" "$tmp/contents" || grep -qx "$f.gz" "$tmp/contents" ||
		echo "$f" >>"$tmp/missing-man"
done
check "the package has every man page of man/" test ! -s "$tmp/missing-man"
n=$(grep -c '^usr/share/dyd/schemas/[a-z]*\.schema\.json$' "$tmp/contents")
check "the package has the 6 schemas (found $n)" test "$n" -eq 6

# --- what apt would do, simulated ------------------------------------------

# 'apt-get install -s' works out the installation, dependencies included,
# and prints it without doing it.
if command -v apt-get >/dev/null 2>&1; then
	check "apt-get install -s ${deb##*/} would install it (simulated)" \
		sh -c 'apt-get install -s "$1" 2>&1 | grep "^Inst dyd "' _ "$deb"
fi

# --- unpacked, not installed -----------------------------------------------

root=$tmp/root
if ! dpkg -x "$deb" "$root"; then
	fail "dpkg -x ${deb##*/} ROOT"
	finish
fi
ok "dpkg -x ${deb##*/} ROOT (a throwaway root; nothing is installed)"
dyd=$root/usr/bin/dyd
run_env="env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH=$root/$libdir"

# dyd.pc must lead to where the package puts the files: /usr, or a path
# relative to the .pc file itself (${pcfiledir}).
pcvar() {
	PKG_CONFIG_PATH=$root/$libdir/pkgconfig pkg-config --variable="$1" dyd
}
pc_libdir=$(pcvar libdir)
pc_includedir=$(pcvar includedir)
check "dyd.pc: libdir ($pc_libdir) is /$libdir" sh -c \
	'test "$1" = "/$2" || test "$1" -ef "$3/$2"' _ "$pc_libdir" "$libdir" "$root"
check "dyd.pc: includedir ($pc_includedir) is /usr/include" sh -c \
	'test "$1" = /usr/include || test "$1" -ef "$2/usr/include"' _ \
	"$pc_includedir" "$root"
# Every library the binary needs is on this machine, and libdyd is the
# package's.
$run_env ldd "$dyd" >"$tmp/ldd" 2>&1
check "every shared library of ROOT/usr/bin/dyd is found" \
	sh -c '! grep "not found" "$1"' _ "$tmp/ldd"
check "ROOT/usr/bin/dyd uses the package's libdyd.so.0" \
	grep -q "libdyd\.so\.0 => $root/" "$tmp/ldd"
if $run_env "$dyd" --version >"$tmp/version" 2>&1 &&
	head -n 1 "$tmp/version" | grep -qx "dyd $version"; then
	ok "dyd --version: $(head -n 1 "$tmp/version")"
else
	fail "dyd --version"
	sed 's/^/     /' "$tmp/version"
fi
mkdir "$tmp/run"
check "dyd export --as-of $as_of budi-santoso.json" \
	sh -c 'cd "$1" && shift && "$@"' _ "$tmp/run" $run_env \
	"$dyd" export --as-of "$as_of" "$record"
check "dyd verify budi.santoso.zip" \
	sh -c 'cd "$1" && shift && "$@" | grep -qx "budi.santoso.zip: ok"' _ \
	"$tmp/run" $run_env "$dyd" verify budi.santoso.zip
check "the package's dyd writes the build's bundle, byte for byte" \
	sh -c '"$1" export --as-of "$2" -o "$3" "$4" && cmp "$3" "$5"' _ \
	"$build/dyd" "$as_of" "$tmp/build.zip" "$record" \
	"$tmp/run/budi.santoso.zip"

finish
