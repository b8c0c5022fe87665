#!/bin/sh
# Build a Maildir with N messages (default 100000), assign UIDs once, then time a second scan
# (uiddb current, as on every later SELECT) under `strace -c -f` to show its syscall counts:
# it must be one readdir pass over new/ and cur/ plus one read of courierimapuiddb, with no
# stat/open per message. Usage: bench/maildir-scan.sh [build-dir] [N]
set -eu
build=${1:-build}
n=${2:-100000}
tool="$build/maildir/maildir-scan-bench"
[ -x "$tool" ] || { echo "missing $tool: build first (make -C $build)" >&2; exit 1; }
command -v strace >/dev/null || { echo "strace is needed: apt-get install strace" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/hato-bench-XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/cur" "$dir/new" "$dir/tmp"
python3 - "$dir" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
flags = ["", "S", "RS", "FS", "DS"]
for i in range(n):
    name = "%d.M%dP%dQ%d.bench,S=%d:2,%s" % (1700000000 + i // 10, i % 1000000, 4242, i, 2000 + i % 5000, flags[i % 5])
    os.close(os.open(os.path.join(d, "cur", name), os.O_CREAT | os.O_WRONLY, 0o600))
PY
echo "== first scan (assigns $n UIDs, writes courierimapuiddb)"
/usr/bin/time -f "%e s, %M KB max RSS" "$tool" "$dir"
echo "== second scan, uiddb current"
/usr/bin/time -f "%e s, %M KB max RSS" "$tool" "$dir"
echo "== second scan under strace -c -f"
strace -c -f -o "$dir.strace" "$tool" "$dir" >/dev/null
cat "$dir.strace"
# The claim, checked: fewer than 100 stat/open calls in total, whatever N is.
per_msg=$(awk '$NF ~ /^(stat|lstat|newfstatat|fstatat64|statx|open|openat)$/ { s += $4 } END { print s + 0 }' "$dir.strace")
rm -f "$dir.strace"
echo "stat+open calls: $per_msg (for $n messages)"
[ "$per_msg" -lt 100 ] || { echo "FAIL: the scan stats or opens per message" >&2; exit 1; }
