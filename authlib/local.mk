# authlib/ part of the top-level Makefile.am
#
# authlib/libhatopw.la: password schemes, HMAC key states and SCRAM keys (pwscheme.h, hmackey.h,
# scram-keys.h). Programs link it as
#   authlib/libhatopw.la lib/libhato.la $(NETTLE_LIBS) $(CRYPT_LIBS)
noinst_LTLIBRARIES += authlib/libhatopw.la
authlib_libhatopw_la_SOURCES = \
	authlib/auth-base64.c authlib/auth-base64.h \
	authlib/auth-random.c authlib/auth-random.h \
	authlib/hmackey.c authlib/hmackey.h \
	authlib/scram-keys.c authlib/scram-keys.h \
	authlib/pwscheme.c authlib/pwscheme.h
authlib_libhatopw_la_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS)
AUTHLIB_PW_LIBS = authlib/libhatopw.la lib/libhato.la $(NETTLE_LIBS) $(CRYPT_LIBS)

check_PROGRAMS += tests/unit/check-pwscheme
TESTS += tests/unit/check-pwscheme
tests_unit_check_pwscheme_SOURCES = tests/unit/check-pwscheme.c
tests_unit_check_pwscheme_CFLAGS = $(TEST_CFLAGS) $(NETTLE_CFLAGS) -I$(top_srcdir)/authlib
tests_unit_check_pwscheme_LDADD = $(AUTHLIB_PW_LIBS) $(TEST_LIBS)
