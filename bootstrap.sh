#!/bin/sh
# Installs what dyd needs (Debian 12, as root), builds it, and with --test
# runs the whole test suite. Used word for word by README.md and .ci/run.
#
#   ./bootstrap.sh          install missing packages, build into build/
#   ./bootstrap.sh --test   the same, then run every test (ctest)
set -eu

cd "$(dirname "$0")"

packages="build-essential cmake pkg-config zlib1g-dev libzip-dev
  libdeflate-dev libcjson-dev libyaml-dev libssl-dev libcmocka-dev python3
  python3-jsonschema python3-yaml mandoc unzip libarchive-tools p7zip-full
  dpkg-dev bash-completion"

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

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDYD_WERROR=ON
cmake --build build -j "$(nproc)"

if [ "${1:-}" = "--test" ]; then
	ctest --test-dir build --output-on-failure -j "$(nproc)"
fi
