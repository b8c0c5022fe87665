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
	lib/privs.c lib/privs.h

check_PROGRAMS += tests/unit/check-buf
TESTS += tests/unit/check-buf
tests_unit_check_buf_SOURCES = tests/unit/check-buf.c
tests_unit_check_buf_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_buf_LDADD = lib/libhato.la $(TEST_LIBS)
