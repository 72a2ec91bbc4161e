# SPDX-License-Identifier: MIT
# Sourced by check_install.sh and check_deb.sh (and, inside the throwaway
# root, by check_deb.sh's installed-package checks): the counting of checks
# and the dyd(3) example, taken from the manual page as installed and built
# both ways the page shows, with pkg-config and with find_package(dyd).

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok   $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}
# check NAME COMMAND...: passes when COMMAND succeeds; shows its output
# when it does not.
# (sh has no local variables: these names are check's own.)
check() {
	check_name=$1
	shift
	if check_out=$("$@" 2>&1); then
		ok "$check_name"
	else
		fail "$check_name"
		[ -n "$check_out" ] && printf '%s\n' "$check_out" | sed 's/^/     /'
	fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# man_block PAGE NAME > FILE: the literal block of dyd(3) (plain or
# gzipped) between the comments '.\" NAME begins' and '.\" NAME ends',
# with its one roff escape (\e, a backslash) undone. Fails, saying why,
# when the block is missing or uses another escape.
man_block() {
	case $1 in
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac | sed -n "/^\\.\\\\\" $2 begins/,/^\\.\\\\\" $2 ends/p" |
		sed '1,2d; $d' | sed '$d' >"$tmp/block" || return 1
	if [ ! -s "$tmp/block" ]; then
		echo "no '$2' between marker comments in ${1##*/}" >&2
		return 1
	fi
	if grep -n '\\[^e]' "$tmp/block" >&2; then
		echo "the $2 block of ${1##*/} uses roff escapes other than \\e" >&2
		return 1
	fi
	sed 's/\\e/\\/g' "$tmp/block"
}

# example_build LABEL PAGE DIR: writes the dyd(3) example of PAGE into DIR
# and builds it there twice: DIR/pc/example with the flags of
# 'pkg-config --cflags --libs dyd' ($PC: the pkg-config command, with
# whatever options the installation needs, and $EXAMPLE_LDFLAGS), and
# DIR/cmake/build/example from the page's CMakeLists.txt
# ($EXAMPLE_CMAKE_ARGS: say where the package is). Then runs both with
# example_checks.
example_build() {
	label=$1
	page=$2
	dir=$3
	mkdir -p "$dir/pc" "$dir/cmake"
	if ! man_block "$page" example.c >"$dir/pc/example.c" 2>"$dir/err" ||
		! man_block "$page" CMakeLists.txt \
			>"$dir/cmake/CMakeLists.txt" 2>>"$dir/err"; then
		fail "$label: the examples of dyd(3)"
		sed 's/^/     /' "$dir/err"
		return
	fi
	cp "$dir/pc/example.c" "$dir/cmake/"
	# shellcheck disable=SC2086 # the flags are words
	if (cd "$dir/pc" && cflags=$($PC --cflags dyd) && libs=$($PC --libs dyd) &&
		cc -std=c11 -pedantic -Wall -Wextra -Werror -o example \
			example.c $cflags $libs ${EXAMPLE_LDFLAGS:-}) \
		>"$dir/pc/log" 2>&1; then
		ok "$label: the dyd(3) example compiles with pkg-config"
		example_checks "$label (pkg-config)" "$dir/pc"
	else
		fail "$label: the dyd(3) example compiles with pkg-config"
		sed 's/^/     /' "$dir/pc/log"
	fi
	# shellcheck disable=SC2086
	if (cd "$dir/cmake" &&
		cmake -S . -B build ${EXAMPLE_CMAKE_ARGS:-} \
			-DCMAKE_C_FLAGS="-std=c11 -pedantic -Wall -Wextra -Werror" &&
		cmake --build build) >"$dir/cmake/log" 2>&1; then
		ok "$label: the dyd(3) example builds with find_package(dyd)"
		example_checks "$label (find_package)" "$dir/cmake/build"
	else
		fail "$label: the dyd(3) example builds with find_package(dyd)"
		sed 's/^/     /' "$dir/cmake/log"
	fi
}

# example_checks LABEL DIR: runs DIR/example on $RECORD (budi-santoso.json)
# with an empty environment and checks what it prints and writes against
# $DYD, the installed command; and on $INVALID (bad-phone.json).
example_checks() {
	run_label=$1
	run_dir=$2
	if (cd "$run_dir" && env -i PATH=/usr/bin:/bin ./example "$RECORD" \
		2021-06-01) >"$run_dir/out" 2>&1; then
		ok "$run_label: the example runs"
	else
		fail "$run_label: the example runs"
		sed 's/^/     /' "$run_dir/out"
	fi
	check "$run_label: it prints the status in English" \
		grep -q '^Account budi\.santoso (+62\*\{9\}90), as of 2021-06-01 00:00:00 UTC$' \
		"$run_dir/out"
	check "$run_label: it reports the bundle it wrote" \
		grep -q '^wrote budi\.santoso\.zip ([0-9]* bytes)$' "$run_dir/out"
	check "$run_label: the bundle verifies" \
		sh -c 'cd "$1" && "$2" verify budi.santoso.zip' _ "$run_dir" "$DYD"
	check "$run_label: the bundle is dyd export --lang en's, byte for byte" \
		sh -c 'cd "$1" && "$2" export --lang en --as-of 2021-06-01 \
			-o en.zip "$3" && cmp en.zip budi.santoso.zip' _ \
		"$run_dir" "$DYD" "$RECORD"
	check "$run_label: it fails cleanly on an invalid record (exit 1)" \
		sh -c 'cd "$1" && ./example "$2" 2021-06-01 >/dev/null 2>err
			test $? -eq 1 && grep -q "error: /phone: " err' _ \
		"$run_dir" "$INVALID"
}
