#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what dyd needs (Debian 12, as root), builds it, and with --test
# runs the whole test suite. Used word for word by README.md and .ci/run.
#
#   ./bootstrap.sh          install missing packages, build into build/
#   ./bootstrap.sh --test   the same, then run every test (ctest)
set -eu

cd "$(dirname "$0")"

# Beyond the build: valgrind and clang-format for the memory checks and
# the format lint (ctest -L valgrind, lint.format); tzdata and zic (libc-bin) for --tz and its tests;
# openssl for checking signed bundles by hand; Debian's Chromium, Java for
# the Nu HTML Checker, poppler's PDF tools and the fonts the report's font
# stack names, with Devanagari for the policy's Hindi quote and a CJK font
# for its Japanese one (without them Chromium prints those quotes as empty
# boxes), for the browser tests (ctest
# -L browser); slurm-wlm, munge,
# parallel and jq for the sharding tests (ctest -L cluster), which start a
# Slurm of their own and run the recipes of dyd-batch(1); none of their
# services needs to be enabled. debhelper, lintian and man-db for the
# Debian packages (ctest -L package): dpkg-buildpackage builds them from
# debian/, lintian checks them, and they are installed in a throwaway root.
packages="build-essential cmake pkg-config zlib1g-dev libzip-dev
  libdeflate-dev libcjson-dev libyaml-dev libssl-dev libcmocka-dev python3
  python3-jsonschema python3-yaml mandoc valgrind clang-format unzip
  libarchive-tools p7zip-full dpkg-dev debhelper lintian man-db
  bash-completion tzdata libc-bin openssl chromium default-jre-headless
  poppler-utils fonts-dejavu-core fonts-liberation fonts-lohit-deva
  fonts-droid-fallback slurm-wlm munge parallel jq"
# Node.js and npm run the browser tests. Debian's packages unless a node is
# already there (NodeSource's nodejs bundles npm and conflicts with
# Debian's npm package, so ask for the commands, not the packages).
command -v node >/dev/null 2>&1 || packages="$packages nodejs"
command -v npm >/dev/null 2>&1 || packages="$packages npm"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap.sh: missing packages:$missing" >&2
		echo "bootstrap.sh: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "bootstrap.sh: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

# The browser tests' npm packages, exactly as package-lock.json pins them,
# fetched here so that the tests download nothing; only when the lock file
# changed since the last run. --ignore-scripts: vnu-jar's install script
# would fetch a Java runtime from outside the registry; Debian's java is
# used instead.
lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.bootstrap-lock
if ! cmp -s "$lock" "$stamp" 2>/dev/null; then
	echo "bootstrap.sh: npm ci in tests/browser"
	(cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund)
	cp "$lock" "$stamp"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDYD_WERROR=ON
cmake --build build -j "$(nproc)"

if [ "${1:-}" = "--test" ]; then
	ctest --test-dir build --output-on-failure -j "$(nproc)"
fi
