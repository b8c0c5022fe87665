#!/bin/bash
# Side-by-side benchmark of Hato against Dovecot and Courier-IMAP on loopback (issue 7).
#
#   bench/run.sh [--smoke] [--messages N] [--rounds R] [--duration S] [--fetch-count N]
#                [--build DIR] [--servers hato,dovecot,courier] [--no-setup] [--out DIR]
#                [--metrics name,name] [--mixed-clients N] [--mixed-ops N] [--link]
#
# From a fresh Debian 12 machine, as root: installs what it needs with apt-get, builds Hato in
# its own build dir (default build-bench/), sets up Courier-IMAP (host packages) and Dovecot
# (a debootstrap chroot, the packages conflict) on 127.0.0.1 with the same users and the same
# Maildir, generates the corpus (bench/mkcorpus), measures (bench/loadgen.py driving the
# compiled bench/loadgen) in interleaved
# rounds and writes bench/results/<date>-<N>.{md,json}. See bench/README.md.
#
#   --smoke   seconds: 200 messages (SMOKE_MESSAGES), 1 round, short samples, 4 mixed-load
#             clients (SMOKE_MIXED, SMOKE_MIXED_OPS), Hato only unless the reference
#             servers are already installed; state under /tmp, nothing installed but build deps.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$BENCH")
SMOKE=0; N=10000; ROUNDS=3; DURATION=3; FETCH=1000; BUILD="$SRC/build-bench"; SERVERS=""
SETUP=1; OUT="$BENCH/results"; RSS_SESSIONS=8; METRICS=""; MIXED=64; MIXED_OPS=20; LINK=""
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SMOKE=1; shift;;
	--messages) N=$2; shift 2;;
	--rounds) ROUNDS=$2; shift 2;;
	--duration) DURATION=$2; shift 2;;
	--fetch-count) FETCH=$2; shift 2;;
	--build) BUILD=$(cd "$2" && pwd); shift 2;;
	--servers) SERVERS=$2; shift 2;;
	--no-setup) SETUP=0; shift;;
	--out) OUT=$2; shift 2;;
	--metrics) METRICS=$2; shift 2;;
	--mixed-clients) MIXED=$2; shift 2;;
	--mixed-ops) MIXED_OPS=$2; shift 2;;
	--link) LINK=--link; shift;;   # hard-link the corpus into the Maildirs (100k: no 2.8 GB copy)
	-h|--help) sed -n '2,17p' "$0"; exit 0;;
	*) echo "run.sh: unknown option $1" >&2; exit 2;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (it installs packages and starts servers)" >&2; exit 1; }

if [ "$SMOKE" = 1 ]; then
	N=${SMOKE_MESSAGES:-200}; ROUNDS=1; DURATION=0.5; FETCH=50; RSS_SESSIONS=2; MIXED=${SMOKE_MIXED:-4}
	MIXED_OPS=${SMOKE_MIXED_OPS:-10}
	# Keep the smoke run away from a real benchmark's mail store.
	export STATE_DIR=${STATE_DIR:-/tmp/hato-bench-smoke}
	export MAIL_ROOT=$STATE_DIR/mail CORPUS_ROOT=$STATE_DIR/corpus
	OUT=${SMOKE_OUT:-$STATE_DIR/results}
fi
. "$BENCH/servers/common.sh"
HSTATE="$STATE_DIR/hato"
HATO_IMAP_PORT=40143
HATO_IMAPS_PORT=40993
HATO_POP3_PORT=40110
say() { printf '[bench] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ packages + Hato build
need_pkgs() {
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "apt-get install$missing"
		$APT_GET update >/dev/null
		$APT_GET install -y --no-install-recommends $missing >/dev/null
	fi
}
need_pkgs build-essential autoconf automake libtool pkg-config libgnutls28-dev nettle-dev \
	libidn2-dev libgdbm-dev check python3 openssl iproute2 procps
if [ ! -x "$BUILD/tcpd/hato-tcpd" ] || [ ! -x "$BUILD/imapd/imapd" ]; then
	say "building Hato in $BUILD"
	[ -x "$SRC/configure" ] || (cd "$SRC" && autoreconf -fi >/dev/null)
	mkdir -p "$BUILD"
	(cd "$BUILD" && "$SRC/configure" >/dev/null && make -j2 >/dev/null)
fi
# The compiled load driver (bench/loadgen.c, a noinst program of bench/local.mk).
(cd "$BUILD" && make -j2 bench/loadgen >/dev/null) || die "cannot build bench/loadgen"
LOADGEN="$BUILD/bench/loadgen"

# ------------------------------------------------------------------ which servers
if [ -z "$SERVERS" ]; then
	if [ "$SMOKE" = 1 ]; then
		SERVERS=hato
		[ -x "$DOVECOT_ROOT/usr/sbin/dovecot" ] && [ -f "$GEN_DIR/dovecot/dovecot.conf" ] && SERVERS="$SERVERS,dovecot"
		[ -x /usr/bin/imapd ] && [ -f "$GEN_DIR/courier/etc/imapd" ] && SERVERS="$SERVERS,courier"
	else
		SERVERS=hato,dovecot,courier
	fi
fi
has() { case ",$SERVERS," in *",$1,"*) return 0;; esac; return 1; }
if [ "$SMOKE" = 0 ] && [ "$SETUP" = 1 ]; then
	has courier && "$BENCH/servers/setup-courier.sh"
	has dovecot && "$BENCH/servers/setup-dovecot.sh"
fi

# ------------------------------------------------------------------ stop everything we run
stop_hato() {
	local f
	for f in "$HSTATE"/imap.pid "$HSTATE"/pop3.pid; do
		[ -f "$f" ] || continue
		kill -TERM "$(cat "$f")" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.1; done
		rm -f "$f"
	done
}
stop_all() {
	stop_hato
	if has courier; then "$BENCH/servers/stop.sh" courier >/dev/null 2>&1 || true; fi
	if has dovecot; then "$BENCH/servers/stop.sh" dovecot >/dev/null 2>&1 || true; fi
}
stop_all
trap stop_all EXIT

# ------------------------------------------------------------------ corpus (same for all)
say "corpus: $N messages (bench/mkcorpus, cached in $CORPUS_ROOT)"
"$BENCH/servers/reset-mail.sh" --messages "$N" $LINK

# ------------------------------------------------------------------ Hato: users, config, start
setup_hato() {
	mkdir -p "$HSTATE/empty"
	getent passwd hato >/dev/null || useradd -r -M -d /nonexistent -s /usr/sbin/nologin hato
	local src="$HSTATE/userdb" up u p sys
	rm -f "$src" "$src.dat" "$src"shadow.dat
	: > "$src"; chmod 0600 "$src"
	for up in $ANCHOR_USERS; do
		u=${up%%:*}; p=${up#*:}
		# The very hash string Courier checks, so a plaintext login costs one md5crypt on all
		# three servers; CRAM-MD5 uses the HMAC context, as Courier does.
		sys=""
		[ -r /etc/courier/userdb ] && sys=$(awk -F'\t' -v u="$u" '$1==u {print $2}' /etc/courier/userdb |
			tr '|' '\n' | sed -n 's/^systempw=//p' | head -1)
		[ -n "$sys" ] || sys=$(printf '%s\n%s\n' "$p" "$p" | "$BUILD/userdb/userdbpw" -md5)
		"$BUILD/userdb/userdb" -f "$src" "$u" set uid="$VMAIL_UID" gid="$VMAIL_GID" \
			home="$MAIL_ROOT/$u" "systempw=$sys" \
			"hmac-md5pw=$(printf '%s\n%s\n' "$p" "$p" | "$BUILD/userdb/userdbpw" -hmac-md5)"
	done
	"$BUILD/userdb/makeuserdb" -f "$src"
	printf 'authmodulelist="authuserdb"\nuserdb="%s"\n' "$src" > "$HSTATE/authdaemonrc"
	# The certificate all three servers use (setup-courier.sh makes it); the smoke run makes
	# its own under its state dir.
	HATO_CERT="$CERT_DIR/anchors.pem"
	if [ ! -r "$HATO_CERT" ]; then
		mkdir -p "$CERT_DIR"
		openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 30 \
			-keyout "$CERT_DIR/key.pem" -out "$CERT_DIR/cert.pem" 2>/dev/null
		cat "$CERT_DIR/cert.pem" "$CERT_DIR/key.pem" > "$HATO_CERT"
		chmod 0600 "$HATO_CERT"
	fi
}
start_hato() {
	local common="HATO_AUTHDAEMONRC=$HSTATE/authdaemonrc HATO_LOGIN_USER=hato HATO_LOGIN_EMPTYDIR=$HSTATE/empty"
	# IMAP and IMAPS from one hato-tcpd; TLS_CERTFILE also offers STARTTLS on the plain port,
	# as Courier (IMAPDSTARTTLS=YES) and Dovecot (ssl = yes) do on theirs.
	(ulimit -n "$(ulimit -Hn)"; exec env $common TLS_CERTFILE="$HATO_CERT" \
		IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE IDLE AUTH=CRAM-MD5" \
		IMAP_CAPABILITY_TLS="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE IDLE AUTH=CRAM-MD5 AUTH=PLAIN" \
		setsid "$BUILD/tcpd/hato-tcpd" -address=127.0.0.1 -nodnslookup -maxprocs=256 \
		-maxperip=256 -tls="$HATO_IMAPS_PORT" "$HATO_IMAP_PORT,$HATO_IMAPS_PORT" \
		"$BUILD/imapd/imap-login" "$BUILD/imapd/imapd" Maildir \
		>> "$HSTATE/imap.log" 2>&1 < /dev/null) &
	echo $! > "$HSTATE/imap.pid"
	(ulimit -n "$(ulimit -Hn)"; exec env $common POP3AUTH="CRAM-MD5" \
		setsid "$BUILD/tcpd/hato-tcpd" -address=127.0.0.1 -nodnslookup -maxprocs=256 \
		-maxperip=256 "$HATO_POP3_PORT" "$BUILD/pop3d/pop3-login" "$BUILD/pop3d/pop3d" Maildir \
		>> "$HSTATE/pop3.log" 2>&1 < /dev/null) &
	echo $! > "$HSTATE/pop3.pid"
	wait_port "$HATO_IMAP_PORT" 10 || { cat "$HSTATE/imap.log" >&2; die "hato imap did not listen"; }
	wait_port "$HATO_IMAPS_PORT" 10 || { cat "$HSTATE/imap.log" >&2; die "hato imaps did not listen"; }
	wait_port "$HATO_POP3_PORT" 10 || { cat "$HSTATE/pop3.log" >&2; die "hato pop3 did not listen"; }
}
SPEC=()
if has hato; then
	setup_hato; start_hato
	SPEC+=(--server "Hato,imap=$HATO_IMAP_PORT,imaps=$HATO_IMAPS_PORT,pop3=$HATO_POP3_PORT,pidfile=$HSTATE/imap.pid")
fi
if has dovecot; then
	"$BENCH/servers/start.sh" dovecot
	SPEC+=(--server "Dovecot,imap=$DOVECOT_IMAP_PORT,imaps=$DOVECOT_IMAPS_PORT,pop3=$DOVECOT_POP3_PORT,pidfile=$DOVECOT_ROOT/run/dovecot/master.pid")
fi
if has courier; then
	"$BENCH/servers/start.sh" courier
	SPEC+=(--server "Courier,imap=$COURIER_IMAP_PORT,imaps=$COURIER_IMAPS_PORT,pop3=$COURIER_POP3_PORT,pidfile=$RUN_DIR/courier-imapd.pid")
fi

# ------------------------------------------------------------------ measure
mkdir -p "$OUT"
stamp=$(date -u +%Y-%m-%d)
base="$OUT/$stamp-$N"
[ "$SMOKE" = 1 ] && base="$OUT/smoke"
[ -n "$METRICS" ] && base="$base-part"
tmp=$(mktemp -d)
say "reference points (fork+exec, AES-GCM, page cache)"
python3 "$BENCH/refpoints.py" --servers "$SERVERS" --dovecot-root "$DOVECOT_ROOT" \
	$([ "$SMOKE" = 1 ] && echo --quick) > "$tmp/machine.json"
say "driver ceiling against a trivial server"
"$LOADGEN" ceiling -C "$HATO_CERT" -d "$DURATION" > "$tmp/ceiling.json" ||
	die "the driver's ceiling run failed"
say "measuring: $SERVERS, $ROUNDS rounds, $DURATION s samples, $N messages"
start=$(date +%s)
rc=0
python3 "$BENCH/loadgen.py" run --loadgen "$LOADGEN" "${SPEC[@]}" --user testuser \
	--password password --rounds "$ROUNDS" --duration "$DURATION" --fetch-count "$FETCH" \
	--rss-sessions "$RSS_SESSIONS" --mixed-clients "$MIXED" --mixed-ops "$MIXED_OPS" \
	${METRICS:+--metrics "$METRICS"} \
	--cold-cmd "$BENCH/servers/reset-mail.sh --indexes-only" --json "$tmp/metrics.json" || rc=$?
python3 "$BENCH/report.py" --machine "$tmp/machine.json" --ceiling "$tmp/ceiling.json" \
	--metrics "$tmp/metrics.json" --messages "$N" --elapsed $(( $(date +%s) - start )) \
	--json "$base.json" --md "$base.md"
rm -rf "$tmp"
say "wrote $base.md and $base.json"
# Non-zero only when the harness broke (a metric errored, the mixed-load check failed), never
# on a timing.
[ "$rc" = 0 ] || say "harness errors: see the ERROR lines above and $base.md"
exit "$rc"
