# pop3d/: the POP3 protocol core (pure: no I/O, no files, no GnuTLS), its tests and fuzz targets.
noinst_LTLIBRARIES += pop3d/libpop3core.la
pop3d_libpop3core_la_SOURCES = $(POP3_CORE_SOURCES)
POP3_CORE_SOURCES = \
	pop3d/pop3-parser.c pop3d/pop3-parser.h \
	pop3d/pop3-output.c pop3d/pop3-output.h \
	pop3d/pop3-capa.c pop3d/pop3-capa.h \
	pop3d/pop3-mailbox.h \
	pop3d/pop3-session.c pop3d/pop3-session.h \
	pop3d/pop3-login-session.c pop3d/pop3-login-session.h

check_PROGRAMS += tests/unit/check-pop3-parser tests/unit/check-pop3-output
TESTS += tests/unit/check-pop3-parser tests/unit/check-pop3-output
tests_unit_check_pop3_parser_SOURCES = tests/unit/check-pop3-parser.c
tests_unit_check_pop3_parser_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/pop3d
tests_unit_check_pop3_parser_LDADD = pop3d/libpop3core.la lib/libhato.la $(TEST_LIBS)
tests_unit_check_pop3_output_SOURCES = tests/unit/check-pop3-output.c
tests_unit_check_pop3_output_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/pop3d
tests_unit_check_pop3_output_LDADD = pop3d/libpop3core.la lib/libhato.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-pop3-session tests/unit/check-pop3-login-session
TESTS += tests/unit/check-pop3-session tests/unit/check-pop3-login-session
tests_unit_check_pop3_session_SOURCES = tests/unit/check-pop3-session.c
tests_unit_check_pop3_session_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/pop3d
tests_unit_check_pop3_session_LDADD = pop3d/libpop3core.la lib/libhato.la $(TEST_LIBS)
tests_unit_check_pop3_login_session_SOURCES = tests/unit/check-pop3-login-session.c
tests_unit_check_pop3_login_session_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/pop3d
tests_unit_check_pop3_login_session_LDADD = pop3d/libpop3core.la lib/libhato.la $(TEST_LIBS)

# Transcripts: client bytes in, exact server bytes out (tests/transcripts/README.md), replayed
# through the state machines by a test driver until pop3d exists.
check_PROGRAMS += pop3d/pop3-transcript-driver
pop3d_pop3_transcript_driver_SOURCES = pop3d/pop3-transcript-driver.c
pop3d_pop3_transcript_driver_CFLAGS = $(AM_CFLAGS)
pop3d_pop3_transcript_driver_LDADD = pop3d/libpop3core.la lib/libhato.la
TESTS += tests/transcripts/pop3/run.sh

# Fuzz targets follow tests/local.mk's pattern, but with our own list: FUZZ_TARGETS is only
# defined (with '=') in tests/local.mk, which Makefile.am includes after this file. They compile
# the core's sources themselves so that libFuzzer builds instrument them (FUZZ_CFLAGS applies per
# target; the convenience library is built without it).
POP3_FUZZ_TARGETS = tests/fuzz/fuzz-pop3-parser tests/fuzz/fuzz-pop3-session \
	tests/fuzz/fuzz-pop3-login-session
if FUZZING
noinst_PROGRAMS += $(POP3_FUZZ_TARGETS)
else
check_PROGRAMS += $(POP3_FUZZ_TARGETS)
TESTS += $(POP3_FUZZ_TARGETS)
endif
tests_fuzz_fuzz_pop3_parser_SOURCES = tests/fuzz/fuzz-pop3-parser.c $(POP3_CORE_SOURCES) \
	$(FUZZ_DRIVER)
tests_fuzz_fuzz_pop3_parser_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/pop3d
tests_fuzz_fuzz_pop3_parser_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_pop3_parser_LDADD = lib/libhato.la
tests_fuzz_fuzz_pop3_session_SOURCES = tests/fuzz/fuzz-pop3-session.c tests/fuzz/fuzz-pop3-input.h \
	$(POP3_CORE_SOURCES) $(FUZZ_DRIVER)
tests_fuzz_fuzz_pop3_session_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/pop3d
tests_fuzz_fuzz_pop3_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_pop3_session_LDADD = lib/libhato.la
tests_fuzz_fuzz_pop3_login_session_SOURCES = tests/fuzz/fuzz-pop3-login-session.c \
	tests/fuzz/fuzz-pop3-input.h \
	$(POP3_CORE_SOURCES) $(FUZZ_DRIVER)
tests_fuzz_fuzz_pop3_login_session_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -I$(top_srcdir)/pop3d
tests_fuzz_fuzz_pop3_login_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_pop3_login_session_LDADD = lib/libhato.la

EXTRA_DIST += pop3d/README.md

# pop3-login: the login program (login/ framework + the AUTHORIZATION state machine + TLS).
pkglibexec_PROGRAMS += pop3d/pop3-login
pop3d_pop3_login_SOURCES = pop3d/pop3-login-main.c
pop3d_pop3_login_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/login -I$(top_srcdir)/pop3d
pop3d_pop3_login_LDADD = $(LOGIN_LIBS) pop3d/libpop3core.la lib/libhatotls.la lib/libhato.la \
	$(GNUTLS_LIBS)

# pop3d: the mail program run after login (Courier's pop3d), on the client connection.
bin_PROGRAMS += pop3d/pop3d
pop3d_pop3d_SOURCES = pop3d/pop3d-main.c \
	pop3d/pop3-maildir.c pop3d/pop3-maildir.h \
	pop3d/pop3d-io.c pop3d/pop3d-io.h
pop3d_pop3d_CFLAGS = $(AM_CFLAGS)
pop3d_pop3d_LDADD = pop3d/libpop3core.la maildir/libmaildir.la lib/libhato.la
man_MANS += man/pop3d.8
EXTRA_DIST += man/pop3d.8

# pop3-login(8) names the configured paths and login user: made from a .in like the configs.
# nodist: the tarball carries the .in, each build makes the page for its own paths.
nodist_man_MANS = man/pop3-login.8
CLEANFILES += man/pop3-login.8
EXTRA_DIST += man/pop3-login.8.in
man/pop3-login.8: $(srcdir)/man/pop3-login.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(do_subst) <$(srcdir)/man/pop3-login.8.in >$@
