#!/bin/sh
# Install what Hato needs to build and test on Debian 12, as root, with no standard input.
# Prints nothing on success but a line; safe to run again. Not root: says what to install.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libgnutls28-dev nettle-dev libgdbm-dev libidn2-dev libcrypt-dev check
gnutls-bin openssl curl python3 procps"
# Extra tools the end-to-end and interop tests drive (real clients no one here wrote).
TEST_PKGS="fetchmail isync clang strace courier-authlib courier-authlib-userdb
postfix libsasl2-modules sasl2-bin swaks courier-imap faketime"

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
# Courier's packages (installed only to prove file-format interop) must not start daemons.
made_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
# Postfix (SMTP AUTH interop test) asks for a mailer type: none, the test writes its own config.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing </dev/null
rc=$?
[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
[ "$rc" = 0 ] || exit "$rc"
echo "install-deps: installed$missing"
