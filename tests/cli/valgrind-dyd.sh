#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs dyd under valgrind memcheck: any memory error or definite leak makes
# it exit 99, which no CLI test expects, so the test fails.
# Usage (as the --dyd of a CLI test): valgrind-dyd.sh DYD ARGS...
dyd=$1
shift
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--track-fds=no "$dyd" "$@"
