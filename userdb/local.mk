# userdb/ part of the top-level Makefile.am: Courier-compatible userdb tools, and the userdb
# library objects (authlib/userdb-*.c) that authdaemond links too.
noinst_LTLIBRARIES += authlib/libuserdb.la
authlib_libuserdb_la_SOURCES = \
	authlib/userdb-db.h \
	authlib/userdb-fields.c \
	authlib/userdb-db.c \
	authlib/userdb-text.c authlib/userdb-text.h \
	authlib/userdb-make.c authlib/userdb-make.h
authlib_libuserdb_la_LIBADD = lib/libhato.la $(GDBM_LIBS)

sbin_PROGRAMS += userdb/userdb userdb/makeuserdb userdb/pw2userdb userdb/userdbpw \
	userdb/userdb-test-cram-md5

userdb_userdb_SOURCES = userdb/userdb.c
userdb_userdb_LDADD = authlib/libuserdb.la lib/libhato.la

userdb_makeuserdb_SOURCES = userdb/makeuserdb.c
userdb_makeuserdb_LDADD = authlib/libuserdb.la lib/libhato.la $(GDBM_LIBS)

userdb_pw2userdb_SOURCES = userdb/pw2userdb.c
userdb_pw2userdb_LDADD = lib/libhato.la

# pwscheme_generate comes from authlib/libhatopw.la (the authlib part).
userdb_userdbpw_SOURCES = userdb/userdbpw.c
userdb_userdbpw_LDADD = $(AUTHLIB_PW_LIBS)

userdb_userdb_test_cram_md5_SOURCES = userdb/userdb-test-cram-md5.c
userdb_userdb_test_cram_md5_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS)
userdb_userdb_test_cram_md5_LDADD = lib/libhato.la $(NETTLE_LIBS)

man_MANS += man/userdb.8 man/makeuserdb.8 man/pw2userdb.8 man/userdbpw.8 \
	man/userdb-test-cram-md5.8
EXTRA_DIST += man/userdb.8 man/makeuserdb.8 man/pw2userdb.8 man/userdbpw.8 \
	man/userdb-test-cram-md5.8

check_PROGRAMS += tests/unit/check-userdb
TESTS += tests/unit/check-userdb
tests_unit_check_userdb_SOURCES = tests/unit/check-userdb.c
tests_unit_check_userdb_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_userdb_LDADD = authlib/libuserdb.la lib/libhato.la $(GDBM_LIBS) $(TEST_LIBS)

# (Not via FUZZ_TARGETS: tests/local.mk, which sets it with '=', is included after this file.)
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-userdb-text
else
check_PROGRAMS += tests/fuzz/fuzz-userdb-text
TESTS += tests/fuzz/fuzz-userdb-text
endif
tests_fuzz_fuzz_userdb_text_SOURCES = tests/fuzz/fuzz-userdb-text.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_userdb_text_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_userdb_text_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_userdb_text_LDADD = authlib/libuserdb.la lib/libhato.la $(GDBM_LIBS)

# tests/e2e/test_userdb_tools.py reads databases through the library with this helper.
noinst_PROGRAMS += tests/userdb-lookup
tests_userdb_lookup_SOURCES = tests/userdb-lookup.c
tests_userdb_lookup_LDADD = authlib/libuserdb.la $(AUTHLIB_PW_LIBS) $(GDBM_LIBS)
