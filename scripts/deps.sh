#!/bin/sh
# Installs the Debian packages a make target needs, when they are missing.
# The package lists live here and nowhere else.
#
#   scripts/deps.sh build|test|demo|fuzz|bench
#
# Installing needs root; when run as another user with packages missing, it
# names them and fails rather than half-building.
set -eu

build="build-essential cmake pkg-config libssl-dev libcmocka-dev liblmdb-dev zlib1g-dev libevent-dev"
# Interop tests run strongSwan's charon inside network namespaces.
interop="iproute2 util-linux openssl strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins libstrongswan-standard-plugins"
plots="gnuplot-nox"
# The integration tests assert on `reswan status --json` with jq.
testtools="jq"
fuzz="clang libclang-rt-14-dev"

case "${1:-build}" in
build) want="$build" ;;
test)  want="$build $interop $plots $testtools" ;;
demo)  want="$build $plots" ;;
bench) want="$build $interop $plots" ;;
fuzz)  want="$build $fuzz" ;;
*) echo "deps.sh: unknown target '$1' (build|test|demo|fuzz|bench)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
