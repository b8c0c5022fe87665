# bench/ part of the top-level Makefile.am
# The side-by-side benchmark (bench/README.md): scripts, plus the compiled load driver
# bench/loadgen (built, never installed; bench/run.sh runs it from the build tree).
noinst_PROGRAMS += bench/loadgen
bench_loadgen_SOURCES = bench/loadgen.c
bench_loadgen_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS) -pthread
bench_loadgen_LDADD = $(GNUTLS_LIBS) -lpthread
EXTRA_DIST += bench/README.md bench/run.sh bench/loadgen.py bench/refpoints.py bench/report.py \
	bench/mkcorpus bench/servers/common.sh bench/servers/setup-courier.sh \
	bench/servers/setup-dovecot.sh bench/servers/start.sh bench/servers/stop.sh \
	bench/servers/status.sh bench/servers/reset-mail.sh
