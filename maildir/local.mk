# maildir/: the mail store shared by imapd and pop3d (no GnuTLS here).
noinst_LTLIBRARIES += maildir/libmaildir.la
maildir_libmaildir_la_SOURCES = \
	maildir/maildir-name.c maildir/maildir-name.h \
	maildir/maildir-file.c maildir/maildir-file.h \
	maildir/maildir-scan.c maildir/maildir-scan.h \
	maildir/maildir-uiddb.c maildir/maildir-uiddb.h \
	maildir/maildir-index.c maildir/maildir-index.h \
	maildir/maildir-cache.c maildir/maildir-cache.h \
	maildir/maildir-deliver.c maildir/maildir-deliver.h \
	maildir/maildir-pop3list.c maildir/maildir-pop3list.h \
	maildir/maildir-mutf7.c maildir/maildir-mutf7.h \
	maildir/maildir-folder.c maildir/maildir-folder.h \
	maildir/maildir-subscribed.c maildir/maildir-subscribed.h \
	maildir/maildir-keywords.c maildir/maildir-keywords.h \
	maildir/maildir-quota.c maildir/maildir-quota.h \
	maildir/maildir-notify.c maildir/maildir-notify.h \
	maildir/maildir-acl.c maildir/maildir-acl.h
maildir_libmaildir_la_LIBADD = lib/libhato.la

MAILDIR_TEST_CFLAGS = $(TEST_CFLAGS) -DFIXTURE_DIR='"$(abs_top_srcdir)/tests/unit/fixtures/maildir"'
EXTRA_DIST += tests/unit/fixtures/maildir tests/unit/check-maildir-util.h

check_PROGRAMS += tests/unit/check-maildir-name tests/unit/check-maildir-store
TESTS += tests/unit/check-maildir-name tests/unit/check-maildir-store
tests_unit_check_maildir_name_SOURCES = tests/unit/check-maildir-name.c
tests_unit_check_maildir_name_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_name_LDADD = maildir/libmaildir.la $(TEST_LIBS)
tests_unit_check_maildir_store_SOURCES = tests/unit/check-maildir-store.c
tests_unit_check_maildir_store_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_store_LDADD = maildir/libmaildir.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-maildir-folder
TESTS += tests/unit/check-maildir-folder
tests_unit_check_maildir_folder_SOURCES = tests/unit/check-maildir-folder.c
tests_unit_check_maildir_folder_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_folder_LDADD = maildir/libmaildir.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-maildir-meta
TESTS += tests/unit/check-maildir-meta
tests_unit_check_maildir_meta_SOURCES = tests/unit/check-maildir-meta.c
tests_unit_check_maildir_meta_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_meta_LDADD = maildir/libmaildir.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-maildir-notify
TESTS += tests/unit/check-maildir-notify
tests_unit_check_maildir_notify_SOURCES = tests/unit/check-maildir-notify.c
tests_unit_check_maildir_notify_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_notify_LDADD = maildir/libmaildir.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-maildir-concurrency
TESTS += tests/unit/check-maildir-concurrency
tests_unit_check_maildir_concurrency_SOURCES = tests/unit/check-maildir-concurrency.c
tests_unit_check_maildir_concurrency_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_concurrency_LDADD = maildir/libmaildir.la $(TEST_LIBS)

check_PROGRAMS += tests/unit/check-maildir-cache
TESTS += tests/unit/check-maildir-cache
tests_unit_check_maildir_cache_SOURCES = tests/unit/check-maildir-cache.c
tests_unit_check_maildir_cache_CFLAGS = $(MAILDIR_TEST_CFLAGS)
tests_unit_check_maildir_cache_LDADD = maildir/libmaildir.la $(TEST_LIBS)

# deliverquota: Courier-compatible delivery with Maildir++ quota (exit 77 over quota, 75 tempfail)
bin_PROGRAMS += deliverquota
deliverquota_SOURCES = maildir/deliverquota.c
deliverquota_LDADD = maildir/libmaildir.la
man_MANS += man/deliverquota.8
EXTRA_DIST += man/deliverquota.8

check_PROGRAMS += tests/unit/check-maildir-deliverquota
TESTS += tests/unit/check-maildir-deliverquota
tests_unit_check_maildir_deliverquota_SOURCES = tests/unit/check-maildir-deliverquota.c
tests_unit_check_maildir_deliverquota_CFLAGS = $(MAILDIR_TEST_CFLAGS) \
	-DDELIVERQUOTA='"$(abs_top_builddir)/deliverquota"'
tests_unit_check_maildir_deliverquota_LDADD = maildir/libmaildir.la $(TEST_LIBS)

# Fuzz target for the metadata parsers (uiddb, pop3 size list, keywords, subscriptions,
# maildirsize, file names, modified UTF-7).
FUZZ_TARGETS += tests/fuzz/fuzz-maildir-meta
tests_fuzz_fuzz_maildir_meta_SOURCES = tests/fuzz/fuzz-maildir-meta.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_maildir_meta_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_maildir_meta_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_maildir_meta_LDADD = maildir/libmaildir.la lib/libhato.la

# Fuzz target for the hatoimapcache parser (a parsed file formats and re-parses the same).
FUZZ_TARGETS += tests/fuzz/fuzz-maildir-cache
tests_fuzz_fuzz_maildir_cache_SOURCES = tests/fuzz/fuzz-maildir-cache.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_maildir_cache_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_maildir_cache_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_maildir_cache_LDADD = maildir/libmaildir.la lib/libhato.la

# Benchmark helper for bench/maildir-scan.sh (not installed, not a test).
noinst_PROGRAMS += maildir/maildir-scan-bench
maildir_maildir_scan_bench_SOURCES = maildir/maildir-scan-bench.c
maildir_maildir_scan_bench_LDADD = maildir/libmaildir.la
EXTRA_DIST += bench/maildir-scan.sh bench/README-maildir.md maildir/README.md
