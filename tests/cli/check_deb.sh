#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian packages dyd, libdyd0 and libdyd-dev, built, linted and
# installed as a distribution would (ctest -L package):
#
#   tests/cli/check_deb.sh build SRC OUT VERSION     package.build
#   tests/cli/check_deb.sh lintian OUT VERSION       package.lintian
#   tests/cli/check_deb.sh install OUT VERSION DYD   package.install
#
# build: copies the source tree SRC (the files git knows, or the whole tree
# without build directories) to OUT/src, runs 'dpkg-buildpackage -us -uc'
# there and moves the source package (dyd_VERSION.dsc and .tar.xz) and the
# binary packages into OUT. Then checks each package: its
# version is VERSION (project() in CMakeLists.txt), its files are exactly
# those it should hold (the program and its pages; the library in the
# multiarch directory; the header, links, dyd.pc, the CMake package and
# dyd(3)), the manual pages are gzipped, the binaries are stripped and
# hardened with no RUNPATH, the copyright file carries LICENSE, libdyd0
# has the symbols file and the ldconfig trigger, and Depends names the
# packages of exactly the libraries each links (and, for libdyd-dev, of
# the .pc files dyd.pc requires).
#
# lintian: Debian 12's lintian on the three packages and the source
# package: no error and no warning (an override only with its reason in a
# comment).
#
# install: installs the three with 'apt-get install ./*.deb' for real, in
# a throwaway root: an overlay of this machine's / in a mount namespace of
# its own, whose changes live in a tmpfs that goes with the namespace. apt
# finds the dependencies installed already (the build needed them), so
# nothing is downloaded and nothing on the machine changes. There it runs
# dyd --version, export and verify (the bundle must be the one DYD, the
# build's dyd, writes), builds the dyd(3) example from the installed page
# with pkg-config and with find_package(dyd), checks the completion
# loads, and removes the packages again, leaving none of their files. It
# needs root (as the CI machine is) for the namespace and the overlay.
#
# Prints 'N passed, M failed'; exit status 0 if all passed, 1 if not, 2 on
# usage errors.
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks.sh"
usage() {
	sed -n '5,7p' "$0" | sed 's/^# *//' >&2
	exit 2
}
[ $# -ge 1 ] || usage
mode=$1
shift
packages="dyd libdyd0 libdyd-dev"
# The DEB_HOST_ variables of dpkg-architecture, as the packages were built.
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
	gcc -print-multiarch)

deb_of() {
	echo "$out/${1}_${version}_${arch}.deb"
}

# --- build -----------------------------------------------------------------

# copy_source SRC DEST: the files of the tree, not its builds.
copy_source() {
	mkdir -p "$2"
	if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$1" && git ls-files --cached --others --exclude-standard |
			while IFS= read -r f; do
				[ -e "$f" ] && printf '%s\n' "$f"
			done) >"$tmp/files"
		tar -C "$1" -cf - -T "$tmp/files" | tar -C "$2" -xf -
	else
		tar -C "$1" --exclude='./build*' --exclude=./tests/browser/node_modules \
			-cf - . | tar -C "$2" -xf -
	fi
}

# needed_packages FILE ROOT: the packages holding the libraries FILE links
# (its NEEDED entries); libdyd.so.0 is libdyd0's.
needed_packages() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		while read -r soname; do
			if [ "$soname" = libdyd.so.0 ]; then
				echo libdyd0
				continue
			fi
			dpkg -S "*/$soname" 2>/dev/null |
				awk -F': ' -v s="$soname" -v ma="/$multiarch/" '
				{ n = split($2, p, "/")
				  if (p[n] == s && index($2, ma)) print $1 }' |
				sed 's/:.*//' | sort -u | head -n 1
		done | sort -u
}

# depends_names PACKAGE: the names in Depends, without versions.
depends_names() {
	dpkg-deb -f "$(deb_of "$1")" Depends | tr ',' '\n' |
		sed 's/^ *//; s/[ (].*//; /^$/d' | sort -u
}

# expected_files PACKAGE: what it must hold, besides its directories.
expected_files() {
	doc=usr/share/doc/$1
	echo "$doc/copyright"
	echo "$doc/changelog.gz"
	case $1 in
	dyd)
		echo usr/bin/dyd
		echo usr/share/bash-completion/completions/dyd
		echo "$doc/README.md.gz"
		for s in "$src"/schemas/*.schema.json; do
			echo "usr/share/dyd/schemas/${s##*/}"
		done
		for page in "$src"/man/*.[15]; do
			name=${page##*/}
			echo "usr/share/man/man${name##*.}/$name.gz"
		done
		;;
	libdyd0)
		echo "usr/lib/$multiarch/libdyd.so.0"
		echo "usr/lib/$multiarch/libdyd.so.$version"
		;;
	libdyd-dev)
		echo usr/include/dyd.h
		echo usr/include/dyd_version.h
		echo "usr/lib/$multiarch/libdyd.so"
		echo "usr/lib/$multiarch/pkgconfig/dyd.pc"
		for f in dydConfig dydConfigVersion dydTargets dydTargets-CONFIG; do
			echo "usr/lib/$multiarch/cmake/dyd/$f.cmake"
		done
		for page in "$src"/man/*.3; do
			echo "usr/share/man/man3/${page##*/}.gz"
		done
		;;
	esac
}

# elf_checks FILE: stripped, hardened, no RUNPATH.
elf_checks() {
	f=$1
	elf=${f#"$root"/}
	check "$elf is stripped (no .symtab, no .debug_*)" sh -c \
		'! readelf -S -W "$1" | grep -q "\.symtab\|\.debug_"' _ "$f"
	check "$elf has no RPATH or RUNPATH" sh -c \
		'! readelf -d "$1" | grep -q "(RPATH)\|(RUNPATH)"' _ "$f"
	check "$elf is linked with full RELRO (BIND_NOW)" sh -c \
		'readelf -l -W "$1" | grep -q GNU_RELRO &&
			readelf -d "$1" | grep -q "BIND_NOW\|FLAGS.*NOW"' _ "$f"
}

check_package() {
	p=$1
	deb=$(deb_of "$p")
	check "$p: Version is $version" \
		test "$(dpkg-deb -f "$deb" Version)" = "$version"
	check "$p: Architecture is $arch" \
		test "$(dpkg-deb -f "$deb" Architecture)" = "$arch"
	case $p in
	dyd) section=utils multi=no ;;
	libdyd0) section=libs multi=same ;;
	libdyd-dev) section=libdevel multi=same ;;
	esac
	check "$p: Section is $section" \
		test "$(dpkg-deb -f "$deb" Section)" = "$section"
	check "$p: Multi-Arch is '$multi'" \
		test "$(dpkg-deb -f "$deb" Multi-Arch)" = "$multi"
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||' |
		sed 's|/dydTargets-[a-z]*\.cmake$|/dydTargets-CONFIG.cmake|' |
		sort >"$tmp/$p.files"
	expected_files "$p" | sort >"$tmp/$p.expected"
	check "$p holds exactly its $(wc -l <"$tmp/$p.expected") files" \
		diff "$tmp/$p.expected" "$tmp/$p.files"
	check "$p: the copyright file is debian/copyright" \
		cmp "$src/debian/copyright" "$root/usr/share/doc/$p/copyright"
}

mode_build() {
	[ $# -eq 3 ] || usage
	src=$(cd "$1" && pwd)
	out=$2
	version=$3
	rm -rf "$out"
	mkdir -p "$out/src"
	tree=$out/src/dyd-$version
	copy_source "$src" "$tree"
	if (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$(nproc)" \
		dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1; then
		ok "dpkg-buildpackage -us -uc (log: $out/build.log)"
	else
		fail "dpkg-buildpackage -us -uc (log: $out/build.log):"
		grep -E -A 12 '(^|[ :])error:' "$out/build.log" | head -n 40 |
			sed 's/^/     /'
		tail -n 5 "$out/build.log" | sed 's/^/     /'
		finish
	fi
	mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo \
		"$out"/src/*.dsc "$out"/src/*.tar.* "$out/"
	rm -rf "$out/src"
	for p in $packages; do
		if [ ! -f "$(deb_of "$p")" ]; then
			fail "dpkg-buildpackage made $(basename "$(deb_of "$p")")"
			finish
		fi
	done
	check "made dyd_$version.dsc and $(for p in $packages; do
		basename "$(deb_of "$p")"; done | tr '\n' ' ')" \
		test -f "$out/dyd_$version.dsc"

	root=$tmp/root
	for p in $packages; do
		dpkg-deb -x "$(deb_of "$p")" "$root"
		check_package "$p"
	done
	lib=$root/usr/lib/$multiarch/libdyd.so.$version
	elf_checks "$root/usr/bin/dyd"
	elf_checks "$lib"
	check "usr/bin/dyd is a position-independent executable" sh -c \
		'readelf -h "$1" | grep -q "Type: *DYN"' _ "$root/usr/bin/dyd"
	same=true
	for page in "$src"/man/*.[1-9]; do
		name=${page##*/}
		gzip -dc "$root/usr/share/man/man${name##*.}/$name.gz" |
			cmp -s - "$page" || same=false
	done
	check "the gzipped manual pages are those of man/" $same
	# The license text of debian/copyright, the paragraph 'License:
	# Expat', is LICENSE's (after its title and copyright line).
	awk '/^License: Expat$/ && seen++ { on = 1; next }
		on && /^[^ ]/ { exit }
		on { sub(/^ /, ""); if ($0 == ".") $0 = ""; print }' \
		"$src/debian/copyright" >"$tmp/license.deb"
	sed '1,4d' "$src/LICENSE" >"$tmp/license"
	check "debian/copyright carries the text of LICENSE" \
		cmp "$tmp/license" "$tmp/license.deb"

	# Dependencies: the packages of what each links, and nothing else.
	for p in dyd libdyd0; do
		case $p in
		dyd) f=$root/usr/bin/dyd ;;
		libdyd0) f=$lib ;;
		esac
		needed=$(needed_packages "$f" | tr '\n' ' ')
		check "$p: Depends names the packages of what it links ($needed)" \
			test "$(depends_names "$p" | tr '\n' ' ')" = "$needed"
	done
	check "dyd: Depends: libdyd0 (>= $version)" sh -c \
		'dpkg-deb -f "$1" Depends | grep -q "libdyd0 (>= $2)"' _ \
		"$(deb_of dyd)" "$version"
	check "libdyd-dev: Depends: libdyd0 (= $version)" sh -c \
		'dpkg-deb -f "$1" Depends | grep -q "libdyd0 (= $2)"' _ \
		"$(deb_of libdyd-dev)" "$version"
	pcdir=$root/usr/lib/$multiarch/pkgconfig
	missing=
	for m in $(PKG_CONFIG_PATH=$pcdir pkg-config --print-requires-private dyd |
		awk '{ print $1 }'); do
		owner=$(dpkg -S "$(pkg-config --path "$m")" | sed 's/:.*//')
		depends_names libdyd-dev | grep -qx "$owner" ||
			missing="$missing $owner ($m)"
	done
	if [ -z "$missing" ]; then
		ok "libdyd-dev: Depends names the packages of dyd.pc's Requires.private"
	else
		fail "libdyd-dev: Depends lacks what dyd.pc requires:$missing"
	fi

	# The symbols file, which dpkg-gensymbols checked at level 4 during the
	# build, is shipped, with the trigger that runs ldconfig.
	mkdir "$tmp/control"
	dpkg-deb -e "$(deb_of libdyd0)" "$tmp/control"
	check "libdyd0 ships a symbols file" test -s "$tmp/control/symbols"
	check "libdyd0's symbols file lists what its library exports" \
		sh "$src/tools/symbols.sh" "$root/usr/lib/$multiarch/libdyd.so.0"
	check "libdyd0 activates the ldconfig trigger" \
		grep -qx 'activate-noawait ldconfig' "$tmp/control/triggers"
}

# --- lintian ---------------------------------------------------------------

mode_lintian() {
	[ $# -eq 2 ] || usage
	out=$1
	version=$2
	set -- "$out/dyd_$version.dsc"
	for p in $packages; do
		set -- "$@" "$(deb_of "$p")"
	done
	if ! command -v lintian >/dev/null 2>&1; then
		fail "lintian is not installed (./bootstrap.sh installs it)"
		finish
	fi
	# With --fail-on none a non-zero status is lintian failing to run; the
	# tags are counted below.
	lintian --fail-on none --display-level '>=pedantic' "$@" \
		>"$tmp/lintian" 2>&1
	rc=$?
	check "lintian $(lintian --version | sed 's/^Lintian v//') ran on dyd_$version.dsc and the three packages (exit $rc)" \
		test "$rc" -eq 0
	for level in E W; do
		n=$(grep -c "^$level: " "$tmp/lintian")
		case $level in
		E) what=errors ;;
		W) what=warnings ;;
		esac
		if [ "$n" -eq 0 ]; then
			ok "lintian: no $what"
		else
			fail "lintian: $n $what:"
			grep "^$level: " "$tmp/lintian" | sed 's/^/     /'
		fi
	done
	grep '^[IPX]: ' "$tmp/lintian" | sed 's/^/     (for information) /'
}

# --- install ---------------------------------------------------------------

# In the throwaway root, as root: what a user of the packages gets.
installed_checks() {
	version=$1
	t=/tmp/t
	set --
	for p in $packages; do
		set -- "$@" "$t/${p}_${version}_${arch}.deb"
	done
	if DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" \
		>"$t/apt.log" 2>&1; then
		ok "apt-get install ./dyd_… ./libdyd0_… ./libdyd-dev_…"
	else
		fail "apt-get install the three packages:"
		sed 's/^/     /' "$t/apt.log"
		finish
	fi
	for p in $packages; do
		check "dpkg: $p $version is installed" test \
			"$(dpkg-query -W -f '${Status} ${Version}' "$p")" = \
			"install ok installed $version"
	done
	first=$(dyd --version | head -n 1)
	check "dyd --version: $first" test "$first" = "dyd $version"
	# /lib is /usr/lib on Debian 12, and ldd may say either.
	used=$(ldd /usr/bin/dyd | sed -n 's/.*libdyd\.so\.0 => \([^ ]*\).*/\1/p')
	check "dyd uses /usr/lib/$multiarch/libdyd.so.0 (ldd: $used)" \
		test "$used" -ef "/usr/lib/$multiarch/libdyd.so.0"
	mkdir "$t/run"
	check "dyd export --as-of 2021-06-01 budi-santoso.json" sh -c \
		'cd "$1" && dyd export --as-of 2021-06-01 "$2"' _ "$t/run" "$t/budi-santoso.json"
	check "dyd verify budi.santoso.zip" sh -c \
		'cd "$1" && dyd verify budi.santoso.zip | grep -qx "budi.santoso.zip: ok (not signed; authenticity not checked)"' \
		_ "$t/run"
	check "the installed dyd writes the build's bundle, byte for byte" \
		cmp "$t/build.zip" "$t/run/budi.santoso.zip"
	check "man -w dyd-export finds the gzipped page" \
		test "$(man -w dyd-export)" = /usr/share/man/man1/dyd-export.1.gz
	check "bash-completion loads dyd's completion on demand" sh -c \
		'bash -c ". /usr/share/bash-completion/bash_completion
			_completion_loader dyd; complete -p dyd" |
			grep -qx "complete -F _dyd dyd"'
	check "pkg-config --variable=libdir dyd is /usr/lib/$multiarch" \
		test "$(pkg-config --variable=libdir dyd)" = "/usr/lib/$multiarch"
	check "pkg-config --cflags dyd adds no directory" \
		test -z "$(echo $(pkg-config --cflags dyd))"
	check "pkg-config --libs dyd is -ldyd" \
		test "$(echo $(pkg-config --libs dyd))" = -ldyd
	PC=pkg-config
	DYD=/usr/bin/dyd
	RECORD=$t/budi-santoso.json
	INVALID=$t/bad-phone.json
	example_build installed /usr/share/man/man3/dyd.3.gz "$t/example"

	dpkg -L $packages | while read -r f; do
		[ -d "$f" ] || echo "$f"
	done >"$t/files"
	if DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y $packages \
		>"$t/remove.log" 2>&1; then
		ok "apt-get remove --purge $packages"
	else
		fail "apt-get remove --purge $packages"
		sed 's/^/     /' "$t/remove.log"
	fi
	check "none of their $(wc -l <"$t/files") files is left" sh -c \
		'while read -r f; do [ ! -e "$f" ] || echo "left: $f"; done <"$1" |
			(! grep .)' _ "$t/files"
}

# In a mount namespace of its own: the overlay, the chroot.
mode_install_ns() {
	out=$1
	version=$2
	dyd=$3
	ov=$tmp/ov
	root=$tmp/root
	mkdir "$ov" "$root"
	mount -t tmpfs -o mode=0755 tmpfs "$ov" &&
		mkdir "$ov/upper" "$ov/work" &&
		mount -t overlay overlay \
			-o "lowerdir=/,upperdir=$ov/upper,workdir=$ov/work" "$root" &&
		mount --rbind /dev "$root/dev" &&
		mount -t proc proc "$root/proc" &&
		mount -t tmpfs tmpfs "$root/tmp" &&
		mount -t tmpfs tmpfs "$root/run" || {
		echo "FAIL the throwaway root: an overlay of / in a mount namespace"
		return 1
	}
	mkdir "$root/tmp/t"
	for p in $packages; do
		cp "$(deb_of "$p")" "$root/tmp/t/"
	done
	cp "$src/testdata/records/budi-santoso.json" \
		"$src/testdata/invalid/bad-phone.json" "$here/checks.sh" \
		"$0" "$root/tmp/t/"
	(cd "$root/tmp/t" && "$dyd" export --as-of 2021-06-01 \
		-o build.zip budi-santoso.json 2>/dev/null) || return 1
	chroot "$root" /bin/sh "/tmp/t/${0##*/}" installed-checks "$version"
	rc=$?
	umount -R "$root" && umount "$ov"
	return $rc
}

mode_install() {
	[ $# -eq 3 ] || usage
	out=$(cd "$1" && pwd)
	version=$2
	dyd=$(cd "$(dirname "$3")" && pwd)/${3##*/}
	if [ "$(id -u)" -ne 0 ]; then
		fail "the throwaway root needs root (a mount namespace, an overlay," \
			"a chroot): run as root, as CI does"
		finish
	fi
	# Its checks print their own count.
	unshare --mount --propagation private sh "$0" install-ns "$out" \
		"$version" "$dyd"
	exit $?
}

tmp=$(mktemp -d) || exit 1
# The throwaway root holds the machine's /dev: never remove through a
# mount that is still there.
cleanup() {
	if mountpoint -q "$tmp/root" 2>/dev/null; then
		umount -R -l "$tmp/root"
	fi
	if mountpoint -q "$tmp/ov" 2>/dev/null; then
		umount -l "$tmp/ov"
	fi
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
src=$(cd "$here/../.." && pwd)
case $mode in
build) mode_build "$@" ;;
lintian) mode_lintian "$@" ;;
install) mode_install "$@" ;;
install-ns)
	mode_install_ns "$@"
	exit $?
	;;
installed-checks) installed_checks "$@" ;;
*) usage ;;
esac
finish
