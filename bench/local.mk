# bench/ part of the top-level Makefile.am
# The side-by-side benchmark (bench/README.md): scripts only, nothing is built or installed.
EXTRA_DIST += bench/README.md bench/run.sh bench/loadgen.py bench/refpoints.py bench/report.py \
	bench/mkcorpus bench/servers/common.sh bench/servers/setup-courier.sh \
	bench/servers/setup-dovecot.sh bench/servers/start.sh bench/servers/stop.sh \
	bench/servers/status.sh bench/servers/reset-mail.sh
