# Shared settings for the reference servers of bench/ (Courier-IMAP and Dovecot on loopback).
# Sourced by setup-*.sh, start.sh, stop.sh, reset-mail.sh.  Not executable on its own.
# Adapted from the project's anchor scripts: generated configs go under $STATE_DIR/gen, not
# into the repository.

ANCHORS_DIR="${ANCHORS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"

# Machine state lives OUTSIDE the git work tree (keys, chroot, pid files, logs).
STATE_DIR="${STATE_DIR:-/opt/anchors}"
CERT_DIR="$STATE_DIR/certs"                 # shared self-signed cert (made by mkimapdcert)
RUN_DIR="$STATE_DIR/run"                    # pid files of the Courier daemons we start
LOG_DIR="$STATE_DIR/log"
GEN_DIR="$STATE_DIR/gen"                    # generated Courier configs and dovecot.conf
DOVECOT_ROOT="${DOVECOT_ROOT:-$STATE_DIR/dovecot-root}"   # Debian bookworm chroot with Dovecot 2.3

# Mail store shared by both servers.  The real directory is inside the Dovecot
# chroot; /srv/anchors/mail on the host is a symlink to it, so both servers use
# the very same path string /srv/anchors/mail/<user>/Maildir.
MAIL_ROOT="${MAIL_ROOT:-/srv/anchors/mail}"
MAIL_REAL="$DOVECOT_ROOT/srv/anchors/mail"
CORPUS_ROOT="${CORPUS_ROOT:-/srv/anchors/corpus}"             # pristine generated corpora (reset copies from here)

VMAIL_USER=vmail
VMAIL_UID=5000
VMAIL_GID=5000

# user:password  (same on both servers)
ANCHOR_USERS="testuser:password alice:wonderland bob:builder"

# Debian mirror: the same one apt uses on this machine.
# Read from this machine's apt sources, so no host name is written here.
apt_uri() {  # $1: suffix that the URI must end with (debian or debian-security)
    cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -hE '^(URIs:|deb )' |
        grep -oE 'https?://[^ ]+' | grep -E "/$1/?\$" | head -n 1 || true
}
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(apt_uri debian)}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-$(apt_uri debian-security)}"

# Ports (all bound to 127.0.0.1 only)
COURIER_IMAP_PORT=20143
COURIER_IMAPS_PORT=20993
COURIER_POP3_PORT=20110
COURIER_POP3S_PORT=20995
DOVECOT_IMAP_PORT=30143
DOVECOT_IMAPS_PORT=30993
DOVECOT_POP3_PORT=30110
DOVECOT_POP3S_PORT=30995
BIND_ADDR=127.0.0.1

APT_GET="apt-get -o DPkg::Lock::Timeout=600"
export DEBIAN_FRONTEND=noninteractive

log() { printf '[anchors] %s\n' "$*" >&2; }
die() { printf '[anchors] ERROR: %s\n' "$*" >&2; exit 1; }

ensure_vmail_user() {
    if ! getent group "$VMAIL_USER" >/dev/null; then
        groupadd -g "$VMAIL_GID" "$VMAIL_USER"
    fi
    if ! getent passwd "$VMAIL_USER" >/dev/null; then
        useradd -u "$VMAIL_UID" -g "$VMAIL_GID" -d "$MAIL_ROOT" -M -s /usr/sbin/nologin "$VMAIL_USER"
    fi
    [ "$(id -u "$VMAIL_USER")" = "$VMAIL_UID" ] || die "user $VMAIL_USER exists but uid != $VMAIL_UID"
}

# Make /srv/anchors/mail exist.  If the Dovecot chroot exists, the real
# directory is inside it and /srv/anchors/mail is a symlink to it; otherwise
# (Courier set up alone) a plain directory is used and setup-dovecot.sh moves it.
ensure_mail_root() {
    mkdir -p "$(dirname "$MAIL_ROOT")"
    if [ -d "$DOVECOT_ROOT/usr/sbin" ]; then
        mkdir -p "$MAIL_REAL"
        if [ -d "$MAIL_ROOT" ] && [ ! -L "$MAIL_ROOT" ]; then
            # migrate a plain directory made before the chroot existed
            cp -a "$MAIL_ROOT/." "$MAIL_REAL/" && rm -rf "$MAIL_ROOT"
        fi
        if [ ! -L "$MAIL_ROOT" ]; then
            ln -s "$MAIL_REAL" "$MAIL_ROOT"
        fi
        chown "$VMAIL_UID:$VMAIL_GID" "$MAIL_REAL"
        chmod 0750 "$MAIL_REAL"
    else
        mkdir -p "$MAIL_ROOT"
        chown "$VMAIL_UID:$VMAIL_GID" "$MAIL_ROOT"
        chmod 0750 "$MAIL_ROOT"
    fi
}

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

port_listening() { # port
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q LISTEN
}

wait_port() { # port [timeout_s]
    local p=$1 t=${2:-15} i=0
    while ! port_listening "$p"; do
        i=$((i+1)); [ "$i" -gt $((t*10)) ] && return 1; sleep 0.1
    done
}

# One self-signed certificate shared by BOTH servers (same key type/size, so the
# TLS handshake cost is identical).  Made with Courier's own mkimapdcert
# (GnuTLS certtool, --sec-param=high => RSA 3072, CN=localhost) when Courier is
# installed; otherwise with certtool and an equivalent template.
#   $CERT_DIR/anchors.pem       key+cert (Courier TLS_CERTFILE format)
#   $CERT_DIR/anchors-key.pem   key only  (Dovecot ssl_key)
#   $CERT_DIR/anchors-cert.pem  cert only (Dovecot ssl_cert)
ensure_cert() {
    mkdir -p "$CERT_DIR"; chmod 0755 "$CERT_DIR"
    if [ ! -s "$CERT_DIR/anchors.pem" ]; then
        rm -f "$CERT_DIR/anchors.pem"
        if [ -x /usr/sbin/mkimapdcert ] && getent passwd courier >/dev/null; then
            log "making self-signed cert with mkimapdcert"
            /usr/sbin/mkimapdcert "$CERT_DIR/anchors" >/dev/null 2>&1 || die "mkimapdcert failed"
        else
            log "making self-signed cert with certtool (Courier not installed)"
            command -v certtool >/dev/null || $APT_GET install -y --no-install-recommends gnutls-bin >/dev/null
            local t; t=$(mktemp -d)
            cat > "$t/tmpl" <<'TMPL'
organization = "Courier Mail Server"
unit = "Automatically-generated IMAP SSL key"
locality = "New York"
state = "NY"
country = US
cn = "localhost"
serial = 001
expiration_days = 365
email = "postmaster@example.com"
TMPL
            certtool --generate-privkey --sec-param=high --outfile "$t/key" >/dev/null 2>&1
            certtool --generate-self-signed --load-privkey "$t/key" --outfile "$t/cert" --template "$t/tmpl" >/dev/null 2>&1
            cat "$t/key" "$t/cert" > "$CERT_DIR/anchors.pem"; rm -rf "$t"
        fi
    fi
    if getent passwd courier >/dev/null; then chown courier "$CERT_DIR/anchors.pem"; fi
    chmod 0600 "$CERT_DIR/anchors.pem"
    if [ ! -s "$CERT_DIR/anchors-cert.pem" ] || [ "$CERT_DIR/anchors.pem" -nt "$CERT_DIR/anchors-cert.pem" ]; then
        openssl x509 -in "$CERT_DIR/anchors.pem" -out "$CERT_DIR/anchors-cert.pem"
        openssl pkey -in "$CERT_DIR/anchors.pem" -out "$CERT_DIR/anchors-key.pem"
        chmod 0644 "$CERT_DIR/anchors-cert.pem"; chmod 0600 "$CERT_DIR/anchors-key.pem"
    fi
}
