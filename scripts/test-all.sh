#!/bin/sh
# The test command: install what is needed, build twice (plain with -Werror, then with
# AddressSanitizer + UndefinedBehaviorSanitizer), run the unit suites and fuzz-corpus replays
# in both, then the end-to-end tests against the real servers. Ends with "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
results="$top/build-results"
rm -rf "$results"
mkdir -p "$results"
status=0

note() { printf '\n=== %s\n' "$*"; }
step_failed() { echo "$1" >>"$results/failed-steps"; status=1; }

note "dependencies"
sh scripts/install-deps.sh --test || step_failed "install-deps"

note "autoreconf"
autoreconf -fi >"$results/autoreconf.log" 2>&1 || { cat "$results/autoreconf.log"; step_failed autoreconf; }

build() { # build <dir> <configure args...>
	dir=$1; shift
	rm -rf "$dir"; mkdir -p "$dir"
	note "build $dir ($*)"
	(cd "$dir" && ../configure --enable-werror "$@" >configure.out 2>&1) ||
		{ tail -30 "$dir/configure.out"; step_failed "configure $dir"; return 1; }
	make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1 ||
		{ tail -60 "$dir/make.out"; step_failed "make $dir"; return 1; }
	note "unit tests in $dir"
	make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1 || status=1
	grep -E '^(PASS|FAIL|ERROR|XPASS)' "$dir/check.out" || true
	for f in $(grep -lE '^(FAIL|ERROR)' "$dir"/tests/unit/*.log "$dir"/tests/*/*.log 2>/dev/null); do
		echo "--- $f"; tail -40 "$f"
	done
	return 0
}

build build-plain && plain_ok=1 || plain_ok=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	build build-asan --enable-sanitizers || true

# A short real fuzzing run of every libFuzzer target (clang, ASan+UBSan); each target is one test.
note "fuzzing (clang, libFuzzer)"
fuzzdir=build-fuzz
rm -rf "$fuzzdir"; mkdir -p "$fuzzdir"
if (cd "$fuzzdir" && ../configure CC=clang --enable-fuzzing --enable-sanitizers >configure.out 2>&1) &&
	make -C "$fuzzdir" -j"$jobs" >"$fuzzdir/make.out" 2>&1; then
	sh tests/fuzz/run-fuzzers.sh "$fuzzdir" "${HATO_FUZZ_SECONDS:-10}" >"$results/fuzz.out" 2>&1 || status=1
	cat "$results/fuzz.out"
else
	tail -40 "$fuzzdir/configure.out" "$fuzzdir/make.out" 2>/dev/null
	step_failed "fuzz build"
fi

if [ "$plain_ok" = 1 ]; then
	note "end-to-end tests (build-plain)"
	HATO_BUILD="$top/build-plain" python3 -m unittest discover -s tests/e2e -p 'test_*.py' -v \
		>"$results/e2e.out" 2>&1 || status=1
	tail -40 "$results/e2e.out"
	# The shipped configs authenticate through authdaemond (HATO_AUTH=daemon): the login
	# chains once more that way, each suite starting its own authdaemond.
	note "end-to-end login chains through authdaemond (HATO_AUTH=daemon)"
	HATO_AUTH=daemon HATO_BUILD="$top/build-plain" python3 -m unittest -v \
		tests/e2e/test_pop3_login.py tests/e2e/test_pop3_service.py \
		tests/e2e/test_pop3_limits.py tests/e2e/test_imap_login.py \
		tests/e2e/test_imap_service.py tests/e2e/test_imap_service_mail.py \
		>"$results/e2e-daemon.out" 2>&1 || status=1
	tail -20 "$results/e2e-daemon.out"
	# The benchmark harness in its seconds-long Hato-only form, so bench/ cannot rot. No
	# timing is asserted: each "metric" line counts as a pass, each "ERROR" line (a server
	# that did not start, a command refused, a lost message in the mixed load) as a failure.
	note "benchmark smoke run (Hato only; harness check, no timing asserted)"
	if ! bench/run.sh --smoke --servers hato --build "$top/build-plain" \
		>"$results/bench-smoke.out" 2>&1; then
		status=1
		grep -q '^ERROR' "$results/bench-smoke.out" || step_failed "bench smoke"
	fi
	grep -E '^(metric|ERROR)' "$results/bench-smoke.out" | tail -30
fi

note "summary"
python3 scripts/summarize.py "$results" build-plain build-asan
rc=$?
[ "$rc" = 0 ] || status=1
exit $status
