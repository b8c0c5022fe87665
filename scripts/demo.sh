#!/bin/sh
# The README's first command: install what is needed, build, install into ./demo-run/prefix,
# make a demo configuration (user testuser/password, a Maildir with a few messages, a
# self-signed certificate) and start the servers in the foreground on 127.0.0.1:
# 1143 IMAP, 1993 IMAPS, 1110 POP3, 1995 POP3S. Ctrl-C stops them.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/install-deps.sh
autoreconf -fi >/dev/null 2>&1
run="$top/demo-run"
mkdir -p "$run/build"
(cd "$run/build" && ../../configure --prefix="$run/prefix" --sysconfdir="$run/prefix/etc" -q)
make -C "$run/build" -j"$(nproc)" -s
make -C "$run/build" -s install
exec sh "$top/scripts/demo-start.sh" "$run"
