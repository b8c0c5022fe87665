# tests/: fuzz-target plumbing and the end-to-end suite; unit suites come from each folder's local.mk.
#
# A fuzz target is a file tests/fuzz/fuzz-<name>.c defining LLVMFuzzerTestOneInput, declared in
# the owning folder's local.mk like this:
#
#   FUZZ_TARGETS += tests/fuzz/fuzz-conffile
#   tests_fuzz_fuzz_conffile_SOURCES = tests/fuzz/fuzz-conffile.c $(FUZZ_DRIVER)
#   tests_fuzz_fuzz_conffile_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
#   tests_fuzz_fuzz_conffile_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
#   tests_fuzz_fuzz_conffile_LDADD = lib/libhato.la
#
# with its seed inputs in tests/fuzz/corpus/fuzz-<name>/. Without --enable-fuzzing each target
# links tests/fuzz/fuzz-main.c and runs in `make check` over its corpus, mutations and random
# input; with --enable-fuzzing (CC=clang) they are libFuzzer binaries for tests/fuzz/run-fuzzers.sh.
if FUZZING
FUZZ_DRIVER =
noinst_PROGRAMS += $(FUZZ_TARGETS)
else
FUZZ_DRIVER = tests/fuzz/fuzz-main.c
check_PROGRAMS += $(FUZZ_TARGETS)
TESTS += $(FUZZ_TARGETS)
endif
EXTRA_DIST += tests/e2e tests/transcripts tests/fuzz/corpus tests/fuzz/run-fuzzers.sh
