# lib/: the shared runtime (no GnuTLS here: the TLS wrapper is its own library, lib/libhatotls.la,
# linked only by the programs that do TLS).
noinst_LTLIBRARIES += lib/libhato.la
lib_libhato_la_SOURCES = \
	lib/xalloc.c lib/xalloc.h \
	lib/buf.c lib/buf.h \
	lib/arena.c lib/arena.h \
	lib/log.c lib/log.h \
	lib/log-courier.c lib/log-courier.h \
	lib/conffile.c lib/conffile.h \
	lib/safe-io.c lib/safe-io.h \
	lib/fdpass.c lib/fdpass.h \
	lib/privs.c lib/privs.h \
	lib/strutil.c lib/strutil.h \
	lib/env.c lib/env.h

check_PROGRAMS += tests/unit/check-buf
TESTS += tests/unit/check-buf
tests_unit_check_buf_SOURCES = tests/unit/check-buf.c
tests_unit_check_buf_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_buf_LDADD = lib/libhato.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-strutil
TESTS += tests/unit/check-strutil
tests_unit_check_strutil_SOURCES = tests/unit/check-strutil.c
tests_unit_check_strutil_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_strutil_LDADD = lib/libhato.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-conffile
TESTS += tests/unit/check-conffile
tests_unit_check_conffile_SOURCES = tests/unit/check-conffile.c
tests_unit_check_conffile_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_conffile_LDADD = lib/libhato.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-safe-io
TESTS += tests/unit/check-safe-io
tests_unit_check_safe_io_SOURCES = tests/unit/check-safe-io.c
tests_unit_check_safe_io_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_safe_io_LDADD = lib/libhato.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-fdpass
TESTS += tests/unit/check-fdpass
tests_unit_check_fdpass_SOURCES = tests/unit/check-fdpass.c
tests_unit_check_fdpass_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_fdpass_LDADD = lib/libhato.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-privs
TESTS += tests/unit/check-privs
tests_unit_check_privs_SOURCES = tests/unit/check-privs.c
tests_unit_check_privs_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_privs_LDADD = lib/libhato.la $(TEST_LIBS)

# Fuzz targets follow tests/local.mk's pattern with our own list: FUZZ_TARGETS is only set (=)
# in tests/local.mk, which Makefile.am includes after this file, so `+=` here cannot work.
LIB_FUZZ_TARGETS = tests/fuzz/fuzz-conffile
if FUZZING
noinst_PROGRAMS += $(LIB_FUZZ_TARGETS)
else
check_PROGRAMS += $(LIB_FUZZ_TARGETS)
TESTS += $(LIB_FUZZ_TARGETS)
endif
tests_fuzz_fuzz_conffile_SOURCES = tests/fuzz/fuzz-conffile.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_conffile_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_conffile_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_conffile_LDADD = lib/libhato.la
