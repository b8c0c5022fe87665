# imapd/ part of the top-level Makefile.am
# libimapcore: the I/O-free IMAP and MIME code shared by imap-login and imapd (no GnuTLS).
noinst_LTLIBRARIES += imapd/libimapcore.la
imapd_libimapcore_la_SOURCES = \
	imapd/imap-parser.c imapd/imap-parser.h \
	imapd/imap-parser-syntax.c imapd/imap-parser-private.h \
	imapd/imap-seqset.c imapd/imap-seqset.h \
	imapd/imap-quote.c imapd/imap-quote.h \
	imapd/mime-header.c imapd/mime-header.h \
	imapd/mime-address.c imapd/mime-address.h \
	imapd/mime-parse.c imapd/mime-parse.h \
	imapd/mime-envelope.c imapd/mime-envelope.h \
	imapd/mime-bodystructure.c imapd/mime-bodystructure.h \
	imapd/rfc822-date.c imapd/rfc822-date.h \
	imapd/imap-date.c imapd/imap-date.h \
	imapd/imap-capability.c imapd/imap-capability.h

check_PROGRAMS += tests/unit/check-imap-parser tests/unit/check-imap-seqset tests/unit/check-mime \
	tests/unit/check-rfc822-date
TESTS += tests/unit/check-imap-parser tests/unit/check-imap-seqset tests/unit/check-mime \
	tests/unit/check-rfc822-date
tests_unit_check_rfc822_date_SOURCES = tests/unit/check-rfc822-date.c
tests_unit_check_rfc822_date_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_unit_check_rfc822_date_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_rfc822_date_LDADD = imapd/libimapcore.la lib/libhato.la $(TEST_LIBS)
tests_unit_check_mime_SOURCES = tests/unit/check-mime.c
tests_unit_check_mime_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_unit_check_mime_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_mime_LDADD = imapd/libimapcore.la lib/libhato.la $(TEST_LIBS)
tests_unit_check_imap_parser_SOURCES = tests/unit/check-imap-parser.c
tests_unit_check_imap_parser_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_unit_check_imap_parser_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imap_parser_LDADD = imapd/libimapcore.la lib/libhato.la $(TEST_LIBS)
tests_unit_check_imap_seqset_SOURCES = tests/unit/check-imap-seqset.c
tests_unit_check_imap_seqset_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_unit_check_imap_seqset_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imap_seqset_LDADD = imapd/libimapcore.la lib/libhato.la $(TEST_LIBS)

# The fuzz targets follow tests/local.mk's pattern by hand: that file (which sets FUZZ_TARGETS =)
# is included after this one, so FUZZ_TARGETS += cannot be used here yet.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-imap-parser tests/fuzz/fuzz-mime
else
check_PROGRAMS += tests/fuzz/fuzz-imap-parser tests/fuzz/fuzz-mime
TESTS += tests/fuzz/fuzz-imap-parser tests/fuzz/fuzz-mime
endif
tests_fuzz_fuzz_imap_parser_SOURCES = tests/fuzz/fuzz-imap-parser.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_imap_parser_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
# -Wno-error: tests/fuzz/fuzz-main.c redefines MAX_INPUT from <limits.h> (integrator to fix).
tests_fuzz_fuzz_imap_parser_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -Wno-error
tests_fuzz_fuzz_imap_parser_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_parser_LDADD = imapd/libimapcore.la lib/libhato.la

tests_fuzz_fuzz_mime_SOURCES = tests/fuzz/fuzz-mime.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_mime_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_fuzz_fuzz_mime_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) -Wno-error
tests_fuzz_fuzz_mime_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_mime_LDADD = imapd/libimapcore.la lib/libhato.la

# imap-login: the IMAP login program on the login/ framework (DESIGN.md §2). Its pure part
# (capability list, not-authenticated state machine) has its own convenience library so that the
# Check suite and the fuzz target need neither GnuTLS nor authlib.
noinst_LTLIBRARIES += imapd/libimaplogin.la
IMAP_LOGIN_CORE_SOURCES = \
	imapd/imap-login-capa.c imapd/imap-login-capa.h \
	imapd/imap-login-session.c imapd/imap-login-session.h
imapd_libimaplogin_la_SOURCES = $(IMAP_LOGIN_CORE_SOURCES)

pkglibexec_PROGRAMS += imapd/imap-login
imapd_imap_login_SOURCES = imapd/imap-login-main.c
imapd_imap_login_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/login -I$(top_srcdir)/imapd
imapd_imap_login_LDADD = $(LOGIN_LIBS) imapd/libimaplogin.la imapd/libimapcore.la \
	lib/libhatotls.la lib/libhato.la $(GNUTLS_LIBS)

check_PROGRAMS += tests/unit/check-imap-login-session
TESTS += tests/unit/check-imap-login-session
tests_unit_check_imap_login_session_SOURCES = tests/unit/check-imap-login-session.c
tests_unit_check_imap_login_session_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_unit_check_imap_login_session_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imap_login_session_LDADD = imapd/libimaplogin.la imapd/libimapcore.la \
	lib/libhato.la $(TEST_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz-imap-login-session
tests_fuzz_fuzz_imap_login_session_SOURCES = tests/fuzz/fuzz-imap-login-session.c \
	$(IMAP_LOGIN_CORE_SOURCES) $(FUZZ_DRIVER)
tests_fuzz_fuzz_imap_login_session_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_fuzz_fuzz_imap_login_session_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_login_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_login_session_LDADD = imapd/libimapcore.la lib/libhato.la

# imapd: the IMAP mail program run after login (Courier's imapd), on the client connection.
# One file per command (cmd-*.c); the table is in imap-commands.c (see imapd/README.md).
bin_PROGRAMS += imapd/imapd
imapd_imapd_SOURCES = imapd/imapd-main.c \
	imapd/imap-client.c imapd/imap-client.h \
	imapd/imap-commands.c imapd/imap-commands.h \
	imapd/imap-mailbox.c imapd/imap-mailbox.h \
	imapd/imap-mailbox-name.c imapd/imap-mailbox-name.h \
	imapd/imap-fetch.c imapd/imap-fetch-parse.c imapd/imap-fetch.h \
	imapd/cmd-capability.c imapd/cmd-noop.c imapd/cmd-logout.c imapd/cmd-select.c \
	imapd/cmd-check.c imapd/cmd-close.c imapd/cmd-unselect.c imapd/cmd-expunge.c \
	imapd/cmd-fetch.c imapd/cmd-store.c
imapd_imapd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd -I$(top_srcdir)/maildir
imapd_imapd_LDADD = imapd/libimapcore.la maildir/libmaildir.la lib/libhato.la
EXTRA_DIST += imapd/README.md
TESTS += tests/transcripts/imap/run.sh

check_PROGRAMS += tests/unit/check-imap-fetch
TESTS += tests/unit/check-imap-fetch
tests_unit_check_imap_fetch_SOURCES = tests/unit/check-imap-fetch.c imapd/imap-fetch-parse.c
tests_unit_check_imap_fetch_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_unit_check_imap_fetch_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imap_fetch_LDADD = imapd/libimapcore.la lib/libhato.la $(TEST_LIBS)
man_MANS += man/imapd.8
EXTRA_DIST += man/imapd.8

FUZZ_TARGETS += tests/fuzz/fuzz-imap-fetch
tests_fuzz_fuzz_imap_fetch_SOURCES = tests/fuzz/fuzz-imap-fetch.c imapd/imap-fetch-parse.c \
	$(FUZZ_DRIVER)
tests_fuzz_fuzz_imap_fetch_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd
tests_fuzz_fuzz_imap_fetch_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_fetch_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_fetch_LDADD = imapd/libimapcore.la lib/libhato.la

# Mailbox hierarchy (imaplist): LIST LSUB SUBSCRIBE UNSUBSCRIBE CREATE DELETE RENAME STATUS
# NAMESPACE, and the unit suite for name mapping, wildcard matching and the folder tree.
imapd_imapd_SOURCES += \
	imapd/imap-folder-tree.c imapd/imap-folder-tree.h \
	imapd/imap-folder.c imapd/imap-folder.h \
	imapd/imap-special-use.c imapd/imap-special-use.h \
	imapd/cmd-list.c imapd/cmd-subscribe.c imapd/cmd-create.c imapd/cmd-delete.c \
	imapd/cmd-rename.c imapd/cmd-status.c imapd/cmd-namespace.c
check_PROGRAMS += tests/unit/check-imap-folder
TESTS += tests/unit/check-imap-folder
tests_unit_check_imap_folder_SOURCES = tests/unit/check-imap-folder.c \
	imapd/imap-folder-tree.c imapd/imap-special-use.c imapd/imap-mailbox-name.c
tests_unit_check_imap_folder_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd \
	-I$(top_srcdir)/maildir
tests_unit_check_imap_folder_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imap_folder_LDADD = maildir/libmaildir.la lib/libhato.la $(TEST_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-imap-folder
tests_fuzz_fuzz_imap_folder_SOURCES = tests/fuzz/fuzz-imap-folder.c imapd/imap-folder-tree.c \
	imapd/imap-mailbox-name.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_imap_folder_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd -I$(top_srcdir)/maildir
tests_fuzz_fuzz_imap_folder_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_folder_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_folder_LDADD = maildir/libmaildir.la lib/libhato.la
# APPEND, COPY, MOVE (UIDPLUS)
imapd_imapd_SOURCES += imapd/imap-target.c imapd/imap-target.h imapd/cmd-append.c \
	imapd/cmd-copy.c
# SEARCH (imapsearch): the search-key parser and evaluator (no I/O) and the command.
IMAP_SEARCH_SOURCES = imapd/imap-search.h imapd/imap-search-private.h \
	imapd/imap-search-parse.c imapd/imap-search.c imapd/imap-search-text.c
imapd_imapd_SOURCES += $(IMAP_SEARCH_SOURCES) imapd/cmd-search.c
check_PROGRAMS += tests/unit/check-imap-search
TESTS += tests/unit/check-imap-search
tests_unit_check_imap_search_SOURCES = tests/unit/check-imap-search.c $(IMAP_SEARCH_SOURCES)
tests_unit_check_imap_search_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd \
	-I$(top_srcdir)/maildir
tests_unit_check_imap_search_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imap_search_LDADD = imapd/libimapcore.la lib/libhato.la $(TEST_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz-imap-search
tests_fuzz_fuzz_imap_search_SOURCES = tests/fuzz/fuzz-imap-search.c $(IMAP_SEARCH_SOURCES) \
	$(FUZZ_DRIVER)
tests_fuzz_fuzz_imap_search_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imapd \
	-I$(top_srcdir)/maildir
tests_fuzz_fuzz_imap_search_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_search_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_imap_search_LDADD = imapd/libimapcore.la lib/libhato.la
# imapsvc: IDLE, ENABLE, ID
imapd_imapd_SOURCES += imapd/imap-idle.c imapd/imap-idle.h imapd/cmd-idle.c imapd/cmd-enable.c \
	imapd/cmd-id.c
# Courier's trash settings: IMAP_MOVE_EXPUNGE_TO_TRASH, IMAP_TRASHFOLDERNAME, IMAP_EMPTYTRASH
imapd_imapd_SOURCES += imapd/imap-trash.c imapd/imap-trash.h
