#!/bin/sh
# Replay every tests/transcripts/pop3/NAME.in through pop3d/pop3-transcript-driver with
# NAME.fixture, once per packet and once byte by byte; the server bytes must equal NAME.out, and
# the UIDLs deleted at QUIT must equal NAME.deleted (none deleted when that file is absent).
# Run from the build tree by `make check` (srcdir is set by the test harness).
set -u
srcdir=${srcdir:-.}
dir=$srcdir/tests/transcripts/pop3
driver=./pop3d/pop3-transcript-driver
[ -x "$driver" ] || { echo "FAIL: $driver not built"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
count=0
for in in "$dir"/*.in; do
	name=${in%.in}
	base=$(basename "$name")
	for mode in packet byte; do
		flag=
		[ "$mode" = byte ] && flag=-1
		if ! $driver $flag -d "$tmp/deleted" "$name.fixture" <"$in" >"$tmp/out"; then
			echo "FAIL: $base ($mode): driver failed"
			status=1
			continue
		fi
		if ! cmp -s "$tmp/out" "$name.out"; then
			echo "FAIL: $base ($mode): server bytes differ"
			diff "$name.out" "$tmp/out" | head -20
			status=1
		fi
		[ -f "$tmp/deleted" ] || : >"$tmp/deleted"
		want=/dev/null
		[ -f "$name.deleted" ] && want=$name.deleted
		if ! cmp -s "$tmp/deleted" "$want"; then
			echo "FAIL: $base ($mode): deletions differ"
			diff "$want" "$tmp/deleted"
			status=1
		fi
		rm -f "$tmp/deleted"
	done
	count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "FAIL: no transcripts in $dir"; exit 1; }
echo "$count transcripts replayed"
exit $status
