#!/bin/sh
# Second half of demo.sh: configure and start what the installed prefix has.
set -eu
run=$1
prefix="$run/prefix"
missing=
for prog in sbin/authdaemond sbin/hato-tcpd bin/pop3d bin/imapd; do
	[ -x "$prefix/$prog" ] || missing="$missing $prog"
done
if [ -n "$missing" ]; then
	echo "Built and installed into $prefix."
	echo "Not there yet (so not started):$missing"
	exit 0
fi
