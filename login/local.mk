# login/: the login framework shared by pop3-login and imap-login (DESIGN.md §2): the parent's
# authentication and exec, the child's privilege drop and relay, and their framed protocol.
noinst_LTLIBRARIES += login/liblogin.la
login_liblogin_la_SOURCES = \
	login/login-proto.c login/login-proto.h \
	login/login-common.h \
	login/login-conn.c login/login-conn.h \
	login/login-child.c \
	login/login-parent.c \
	login/login-exec.c login/login-exec.h \
	login/login-auth.h login/login-auth-impl.h login/login-auth.c \
	login/login-auth-local.c login/login-auth-daemon.c
login_liblogin_la_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/authlib
LOGIN_LIBS = login/liblogin.la $(AUTHLIB_LIBS)

check_PROGRAMS += tests/unit/check-login-proto
TESTS += tests/unit/check-login-proto
tests_unit_check_login_proto_SOURCES = tests/unit/check-login-proto.c login/login-proto.c
tests_unit_check_login_proto_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/login
tests_unit_check_login_proto_LDADD = lib/libhato.la $(TEST_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-login-proto
tests_fuzz_fuzz_login_proto_SOURCES = tests/fuzz/fuzz-login-proto.c login/login-proto.c \
	$(FUZZ_DRIVER)
tests_fuzz_fuzz_login_proto_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/login
tests_fuzz_fuzz_login_proto_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_login_proto_LDADD = lib/libhato.la

# The login children chroot into an empty directory: make install creates it (root-owned, 0755).
install-data-local: install-login-emptydir
install-login-emptydir:
	$(MKDIR_P) $(DESTDIR)$(emptydir)
.PHONY: install-login-emptydir
