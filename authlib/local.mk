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

# authlib/libhatoauth.la: SASL mechanisms (sasl-mech.h), accounts, backends, protocol codecs.
# Programs link $(AUTHLIB_LIBS).
noinst_LTLIBRARIES += authlib/libhatoauth.la
authlib_libhatoauth_la_SOURCES = \
	authlib/sasl-mech.h authlib/sasl-session.c \
	authlib/sasl-plain.c authlib/sasl-login.c \
	authlib/sasl-cram.c authlib/sasl-cram.h \
	authlib/sasl-scram.c \
	authlib/apop.c authlib/apop.h \
	authlib/account.c authlib/account.h \
	authlib/authname.c authlib/authname.h \
	authlib/backend.h authlib/backend-userdb.c authlib/backend-shadow.c \
	authlib/auth-chain.c authlib/auth-chain.h \
	authlib/proto-courier.c authlib/proto-courier.h \
	authlib/authd-courier.c authlib/authd-courier.h \
	authlib/authd-faildelay.c authlib/authd-faildelay.h \
	authlib/proto-dovecot.c authlib/proto-dovecot.h \
	authlib/authd-dovecot.c authlib/authd-dovecot.h \
	authlib/auth-client.c authlib/auth-client.h \
	authlib/userdb-passwd.c authlib/userdb-passwd.h
authlib_libhatoauth_la_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS) $(IDN2_CFLAGS)
AUTHLIB_LIBS = authlib/libhatoauth.la authlib/libuserdb.la $(AUTHLIB_PW_LIBS) $(IDN2_LIBS) \
	$(GDBM_LIBS)

SASL_TEST_CREDS = tests/unit/sasl-test-creds.c tests/unit/sasl-test-creds.h
check_PROGRAMS += tests/unit/check-sasl
TESTS += tests/unit/check-sasl
tests_unit_check_sasl_SOURCES = tests/unit/check-sasl.c $(SASL_TEST_CREDS)
tests_unit_check_sasl_CFLAGS = $(TEST_CFLAGS) $(NETTLE_CFLAGS) -I$(top_srcdir)/authlib
tests_unit_check_sasl_LDADD = $(AUTHLIB_LIBS) $(TEST_LIBS)

# Fuzz targets (the pattern of tests/local.mk).

FUZZ_TARGETS += tests/fuzz/fuzz-sasl-plain
tests_fuzz_fuzz_sasl_plain_SOURCES = tests/fuzz/fuzz-sasl-plain.c tests/fuzz/fuzz-sasl-run.h \
	$(SASL_TEST_CREDS) $(FUZZ_DRIVER)
tests_fuzz_fuzz_sasl_plain_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib \
	-I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_sasl_plain_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sasl_plain_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-sasl-login
tests_fuzz_fuzz_sasl_login_SOURCES = tests/fuzz/fuzz-sasl-login.c tests/fuzz/fuzz-sasl-run.h \
	$(SASL_TEST_CREDS) $(FUZZ_DRIVER)
tests_fuzz_fuzz_sasl_login_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib \
	-I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_sasl_login_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sasl_login_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-sasl-cram
tests_fuzz_fuzz_sasl_cram_SOURCES = tests/fuzz/fuzz-sasl-cram.c tests/fuzz/fuzz-sasl-run.h \
	$(SASL_TEST_CREDS) $(FUZZ_DRIVER)
tests_fuzz_fuzz_sasl_cram_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib \
	-I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_sasl_cram_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sasl_cram_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-sasl-scram
tests_fuzz_fuzz_sasl_scram_SOURCES = tests/fuzz/fuzz-sasl-scram.c tests/fuzz/fuzz-sasl-run.h \
	$(SASL_TEST_CREDS) $(FUZZ_DRIVER)
tests_fuzz_fuzz_sasl_scram_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib \
	-I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_sasl_scram_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sasl_scram_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-sasl-scram256
tests_fuzz_fuzz_sasl_scram256_SOURCES = tests/fuzz/fuzz-sasl-scram256.c tests/fuzz/fuzz-sasl-run.h \
	$(SASL_TEST_CREDS) $(FUZZ_DRIVER)
tests_fuzz_fuzz_sasl_scram256_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib \
	-I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_sasl_scram256_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sasl_scram256_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-sasl-apop
tests_fuzz_fuzz_sasl_apop_SOURCES = tests/fuzz/fuzz-sasl-apop.c tests/fuzz/fuzz-sasl-run.h \
	$(SASL_TEST_CREDS) $(FUZZ_DRIVER)
tests_fuzz_fuzz_sasl_apop_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib \
	-I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_sasl_apop_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sasl_apop_LDADD = $(AUTHLIB_LIBS)

check_PROGRAMS += tests/unit/check-auth
TESTS += tests/unit/check-auth
tests_unit_check_auth_SOURCES = tests/unit/check-auth.c
tests_unit_check_auth_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/authlib
tests_unit_check_auth_LDADD = $(AUTHLIB_LIBS) $(TEST_LIBS)

sbin_PROGRAMS += authlib/authdaemond
authlib_authdaemond_SOURCES = authlib/authdaemond.c
authlib_authdaemond_LDADD = $(AUTHLIB_LIBS)
man_MANS += man/authdaemond.8
EXTRA_DIST += man/authdaemond.8

check_PROGRAMS += tests/unit/check-auth-proto
TESTS += tests/unit/check-auth-proto
tests_unit_check_auth_proto_SOURCES = tests/unit/check-auth-proto.c
tests_unit_check_auth_proto_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/authlib
tests_unit_check_auth_proto_LDADD = $(AUTHLIB_LIBS) $(TEST_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-authdaemon-courier
tests_fuzz_fuzz_authdaemon_courier_SOURCES = tests/fuzz/fuzz-authdaemon-courier.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_authdaemon_courier_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib
tests_fuzz_fuzz_authdaemon_courier_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_authdaemon_courier_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-authdaemon-dovecot
tests_fuzz_fuzz_authdaemon_dovecot_SOURCES = tests/fuzz/fuzz-authdaemon-dovecot.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_authdaemon_dovecot_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib
tests_fuzz_fuzz_authdaemon_dovecot_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_authdaemon_dovecot_LDADD = $(AUTHLIB_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-auth-client-account
tests_fuzz_fuzz_auth_client_account_SOURCES = tests/fuzz/fuzz-auth-client-account.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_auth_client_account_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/authlib
tests_fuzz_fuzz_auth_client_account_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_auth_client_account_LDADD = $(AUTHLIB_LIBS)

# The sample configuration, with the configured paths substituted.
authdaemonrcdir = $(pkgconfdir)
authdaemonrc_DATA = etc/authdaemonrc.dist
CLEANFILES += etc/authdaemonrc.dist
EXTRA_DIST += etc/authdaemonrc.dist.in
etc/authdaemonrc.dist: $(srcdir)/etc/authdaemonrc.dist.in Makefile
	@$(MKDIR_P) etc
	$(do_subst) < $(srcdir)/etc/authdaemonrc.dist.in > $@

check_PROGRAMS += tests/unit/check-auth-client
TESTS += tests/unit/check-auth-client
tests_unit_check_auth_client_SOURCES = tests/unit/check-auth-client.c
tests_unit_check_auth_client_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/authlib
tests_unit_check_auth_client_LDADD = $(AUTHLIB_LIBS) $(TEST_LIBS)

# The Courier-compatible command-line tools over authdaemond (auth-client.h).
sbin_PROGRAMS += authlib/authtest authlib/authenumerate authlib/courierpasswd
authlib_authtest_SOURCES = authlib/authtest.c
authlib_authtest_LDADD = $(AUTHLIB_LIBS)
authlib_authenumerate_SOURCES = authlib/authenumerate.c
authlib_authenumerate_LDADD = $(AUTHLIB_LIBS)
authlib_courierpasswd_SOURCES = authlib/courierpasswd.c
authlib_courierpasswd_LDADD = $(AUTHLIB_LIBS)
man_MANS += man/authtest.8 man/authenumerate.8 man/courierpasswd.8
EXTRA_DIST += man/authtest.8 man/authenumerate.8 man/courierpasswd.8

# PASSWD on userdb accounts, and one hash check for unknown users as for wrong passwords
# (pwscheme_verify is wrapped to count the checks).
check_PROGRAMS += tests/unit/check-auth-passwd
TESTS += tests/unit/check-auth-passwd
tests_unit_check_auth_passwd_SOURCES = tests/unit/check-auth-passwd.c
tests_unit_check_auth_passwd_CFLAGS = $(TEST_CFLAGS) $(NETTLE_CFLAGS) -I$(top_srcdir)/authlib
tests_unit_check_auth_passwd_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=pwscheme_verify
tests_unit_check_auth_passwd_LDADD = $(AUTHLIB_LIBS) $(TEST_LIBS)
