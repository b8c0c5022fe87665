#!/bin/sh
# Install what Hato needs to build and test on Debian 12, as root, with no standard input.
# Prints nothing on success but a line; safe to run again. Not root: says what to install.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libgnutls28-dev nettle-dev libgdbm-dev libidn2-dev libcrypt-dev check
gnutls-bin openssl curl python3 procps"
# Extra tools the end-to-end and interop tests drive (real clients no one here wrote).
TEST_PKGS="fetchmail isync clang strace"

want="$PKGS"
[ "${1:-}" = "--test" ] && want="$PKGS $TEST_PKGS"

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && { echo "install-deps: all packages present"; exit 0; }

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: please install as root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing </dev/null
echo "install-deps: installed$missing"
