# tcpd/ part of the top-level Makefile.am: hato-tcpd (the listener), hato-makeaccess, and the
# TLS wrapper library lib/libhatotls.la (the only GnuTLS code; linked only by login programs
# and tests, never by imapd/pop3d or tcpd itself).
noinst_LTLIBRARIES += tcpd/libtcpd.la
tcpd_libtcpd_la_SOURCES = \
	tcpd/tcpd-access.c tcpd/tcpd-access.h \
	tcpd/tcpd-cidr.c tcpd/tcpd-cidr.h \
	tcpd/tcpd-slots.c tcpd/tcpd-slots.h \
	tcpd/tcpd-ports.c tcpd/tcpd-ports.h \
	tcpd/tcpd-options.c tcpd/tcpd-options.h \
	tcpd/tcpd-setup.c tcpd/tcpd-setup.h

sbin_PROGRAMS += tcpd/hato-tcpd tcpd/hato-makeaccess
tcpd_hato_tcpd_SOURCES = tcpd/tcpd.c \
	tcpd/tcpd-child.c tcpd/tcpd-child.h \
	tcpd/tcpd-daemon.c tcpd/tcpd-daemon.h \
	tcpd/tcpd-accessdb.c tcpd/tcpd-accessdb.h
tcpd_hato_tcpd_LDADD = tcpd/libtcpd.la lib/libhato.la $(GDBM_LIBS)
tcpd_hato_makeaccess_SOURCES = tcpd/makeaccess.c
tcpd_hato_makeaccess_LDADD = tcpd/libtcpd.la lib/libhato.la $(GDBM_LIBS)

check_PROGRAMS += tests/unit/check-tcpd
TESTS += tests/unit/check-tcpd
tests_unit_check_tcpd_SOURCES = tests/unit/check-tcpd.c
tests_unit_check_tcpd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tcpd
tests_unit_check_tcpd_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_tcpd_LDADD = tcpd/libtcpd.la lib/libhato.la $(TEST_LIBS)

# FUZZ_TARGETS is only set (=) in tests/local.mk, included after this file: own list, as lib/.
TCPD_FUZZ_TARGETS = tests/fuzz/fuzz-tcpd-access
if FUZZING
noinst_PROGRAMS += $(TCPD_FUZZ_TARGETS)
else
check_PROGRAMS += $(TCPD_FUZZ_TARGETS)
TESTS += $(TCPD_FUZZ_TARGETS)
endif
tests_fuzz_fuzz_tcpd_access_SOURCES = tests/fuzz/fuzz-tcpd-access.c $(FUZZ_DRIVER)
tests_fuzz_fuzz_tcpd_access_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tcpd
tests_fuzz_fuzz_tcpd_access_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_tcpd_access_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_tcpd_access_LDADD = tcpd/libtcpd.la lib/libhato.la

# The TLS wrapper: its own convenience library so that GnuTLS is mapped only by what links it.
noinst_LTLIBRARIES += lib/libhatotls.la
lib_libhatotls_la_SOURCES = lib/tls.c lib/tls.h lib/tls-proxy.c lib/tls-private.h
lib_libhatotls_la_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS)
lib_libhatotls_la_LIBADD = $(GNUTLS_LIBS)

noinst_PROGRAMS += tests/tls-echo
tests_tls_echo_SOURCES = tests/tls-echo.c
tests_tls_echo_LDADD = lib/libhatotls.la lib/libhato.la

man_MANS += man/hato-tcpd.8 man/hato-makeaccess.8
EXTRA_DIST += man/hato-tcpd.8 man/hato-makeaccess.8

check_PROGRAMS += tests/unit/check-tls
TESTS += tests/unit/check-tls
tests_unit_check_tls_SOURCES = tests/unit/check-tls.c
tests_unit_check_tls_CFLAGS = $(TEST_CFLAGS) $(GNUTLS_CFLAGS)
tests_unit_check_tls_LDADD = lib/libhatotls.la lib/libhato.la $(GNUTLS_LIBS) $(TEST_LIBS)
