#!/bin/sh
# Run every libFuzzer target of a --enable-fuzzing build for a short time each.
# Usage: run-fuzzers.sh BUILD_DIR [SECONDS]. Exit non-zero if any target finds a crash.
set -u
build=$1
secs=${2:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for t in "$build"/tests/fuzz/fuzz-*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	work=$(mktemp -d)
	cp -r "$src/tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
	if "$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
		-artifact_prefix="$build/$name-" "$work" >"$build/$name.fuzz.log" 2>&1; then
		echo "PASS: $name ($secs s)"
	else
		echo "FAIL: $name (see $build/$name.fuzz.log)"; tail -20 "$build/$name.fuzz.log"
		status=1
	fi
	rm -rf "$work"
done
exit $status
