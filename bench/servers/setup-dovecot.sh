#!/bin/bash
# Install + configure the Dovecot 2.3 anchor (idempotent).
#
# Dovecot and Courier-IMAP conflict as Debian packages (both Provide/Conflict
# imap-server, pop3-server), so Dovecot lives in its own Debian bookworm chroot
# made with debootstrap from the same Debian mirror apt uses here, and runs
# chrooted (chroot $DOVECOT_ROOT /usr/sbin/dovecot).  The Maildirs are shared:
# the real directory is $DOVECOT_ROOT/srv/anchors/mail, and /srv/anchors/mail on
# the host is a symlink to it, so both servers use the same path.
#
# Writes: $DOVECOT_ROOT (chroot), $GEN_DIR/dovecot/dovecot.conf (the
# config, copied to $DOVECOT_ROOT/etc/dovecot/dovecot.conf), passwd-files in
# $DOVECOT_ROOT/etc/dovecot/.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ "$(id -u)" = 0 ] || die "run as root"

# ---------------------------------------------------------------- host tools
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v openssl >/dev/null || need+=(openssl)
command -v certtool >/dev/null || need+=(gnutls-bin)
command -v ss >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
    log "installing on host: ${need[*]}"
    $APT_GET install -y --no-install-recommends "${need[@]}" >/dev/null
fi

ensure_vmail_user

# ---------------------------------------------------------------- chroot
mount_proc() { mountpoint -q "$DOVECOT_ROOT/proc" || mount -t proc proc "$DOVECOT_ROOT/proc"; }
umount_proc() { if mountpoint -q "$DOVECOT_ROOT/proc"; then umount "$DOVECOT_ROOT/proc" || umount -l "$DOVECOT_ROOT/proc"; fi; }

mounts_under() { awk -v r="$1/" 'index($2"/", r)==1 {print $2}' /proc/mounts; }
if [ ! -e "$DOVECOT_ROOT/.anchors-debootstrap-ok" ]; then
    tmp="$DOVECOT_ROOT.partial"
    [ -z "$(mounts_under "$tmp")" ] || die "something is mounted under $tmp; unmount it first"
    rm -rf "$tmp"
    mkdir -p "$STATE_DIR"
    log "debootstrap --variant=minbase bookworm $DOVECOT_ROOT $DEBIAN_MIRROR (a few minutes)"
    debootstrap --variant=minbase bookworm "$tmp" "$DEBIAN_MIRROR" > "$STATE_DIR/debootstrap.log" 2>&1 \
        || { tail -20 "$STATE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $STATE_DIR/debootstrap.log)"; }
    touch "$tmp/.anchors-debootstrap-ok"
    if [ -d "$DOVECOT_ROOT" ]; then
        [ -z "$(mounts_under "$DOVECOT_ROOT")" ] || die "something is mounted under $DOVECOT_ROOT; run stop.sh first"
        # keep an existing mail store across a rebuild of the chroot
        if [ -d "$DOVECOT_ROOT/srv/anchors/mail" ]; then
            mkdir -p "$tmp/srv/anchors"; mv "$DOVECOT_ROOT/srv/anchors/mail" "$tmp/srv/anchors/mail"
        fi
        rm -rf "$DOVECOT_ROOT"
    fi
    mv "$tmp" "$DOVECOT_ROOT"
fi

# apt sources inside the chroot: same archive as the host (incl. security updates)
cat > "$DOVECOT_ROOT/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb $DEBIAN_SECURITY_MIRROR bookworm-security main
EOF
# never start services from maintainer scripts inside the chroot
printf '#!/bin/sh\nexit 101\n' > "$DOVECOT_ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$DOVECOT_ROOT/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$DOVECOT_ROOT/etc/resolv.conf" 2>/dev/null || true

if [ ! -x "$DOVECOT_ROOT/usr/sbin/dovecot" ] || [ ! -e "$DOVECOT_ROOT/usr/lib/dovecot/imap" ] || [ ! -e "$DOVECOT_ROOT/usr/lib/dovecot/pop3" ]; then
    log "apt-get install dovecot-core dovecot-imapd dovecot-pop3d inside the chroot"
    mount_proc
    trap umount_proc EXIT
    chroot "$DOVECOT_ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
        apt-get -o DPkg::Lock::Timeout=600 update > "$STATE_DIR/dovecot-apt.log" 2>&1 \
        || { tail -20 "$STATE_DIR/dovecot-apt.log" >&2; die "apt-get update in chroot failed"; }
    chroot "$DOVECOT_ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
        dovecot-core dovecot-imapd dovecot-pop3d >> "$STATE_DIR/dovecot-apt.log" 2>&1 \
        || { tail -20 "$STATE_DIR/dovecot-apt.log" >&2; die "apt-get install dovecot in chroot failed"; }
    chroot "$DOVECOT_ROOT" apt-get clean
    umount_proc
    trap - EXIT
fi
DOVECOT_VERSION=$(chroot "$DOVECOT_ROOT" /usr/sbin/dovecot --version)
log "Dovecot in chroot: $DOVECOT_VERSION"

# vmail user inside the chroot (same uid/gid as on the host)
if ! chroot "$DOVECOT_ROOT" getent group "$VMAIL_USER" >/dev/null; then
    chroot "$DOVECOT_ROOT" groupadd -g "$VMAIL_GID" "$VMAIL_USER"
fi
if ! chroot "$DOVECOT_ROOT" getent passwd "$VMAIL_USER" >/dev/null; then
    chroot "$DOVECOT_ROOT" useradd -u "$VMAIL_UID" -g "$VMAIL_GID" -d "$MAIL_ROOT" -M -s /usr/sbin/nologin "$VMAIL_USER"
fi

# shared mail store (real dir inside the chroot, host symlink /srv/anchors/mail)
ensure_mail_root

# ---------------------------------------------------------------- certificate
ensure_cert
install -d -m 0755 "$DOVECOT_ROOT/etc/dovecot/private"
install -m 0644 "$CERT_DIR/anchors-cert.pem" "$DOVECOT_ROOT/etc/dovecot/private/anchors-cert.pem"
install -m 0600 "$CERT_DIR/anchors-key.pem"  "$DOVECOT_ROOT/etc/dovecot/private/anchors-key.pem"

# ---------------------------------------------------------------- users
# Two passdbs: the first holds the very same MD5-crypt string that Courier's
# userdb has as systempw (made by `userdbpw -md5` in setup-courier.sh), so a
# plaintext LOGIN/USER-PASS costs one md5crypt on both servers.  Challenge-
# response mechanisms (CRAM-MD5, APOP, SCRAM-*) cannot use a crypt hash, so
# Dovecot moves on to the second passdb, which has the password as {PLAIN}.
crypt_file="$DOVECOT_ROOT/etc/dovecot/anchors-users.crypt"
plain_file="$DOVECOT_ROOT/etc/dovecot/anchors-users.plain"
: > "$crypt_file.tmp"; : > "$plain_file.tmp"
for up in $ANCHOR_USERS; do
    u=${up%%:*}; p=${up#*:}
    h=""
    if [ -r /etc/courier/userdb ]; then
        h=$(awk -F'\t' -v u="$u" '$1==u {print $2}' /etc/courier/userdb | tr '|' '\n' | sed -n 's/^systempw=//p' | head -1)
    fi
    case "$h" in
        '$1$'*) ;;                                   # reuse Courier's hash verbatim
        *) h=$(printf '%s' "$p" | openssl passwd -1 -stdin) ;;
    esac
    printf '%s:{MD5-CRYPT}%s:%s:%s::%s/%s::\n' "$u" "$h" "$VMAIL_UID" "$VMAIL_GID" "$MAIL_ROOT" "$u" >> "$crypt_file.tmp"
    printf '%s:{PLAIN}%s:%s:%s::%s/%s::\n' "$u" "$p" "$VMAIL_UID" "$VMAIL_GID" "$MAIL_ROOT" "$u" >> "$plain_file.tmp"
done
chroot "$DOVECOT_ROOT" getent group dovecot >/dev/null || die "no dovecot group in chroot"
for f in "$crypt_file" "$plain_file"; do
    mv "$f.tmp" "$f"; chmod 0640 "$f"; chroot "$DOVECOT_ROOT" chgrp dovecot "${f#$DOVECOT_ROOT}"
done

# ---------------------------------------------------------------- config
mkdir -p "$GEN_DIR/dovecot"
cat > "$GEN_DIR/dovecot/dovecot.conf" <<EOF
# Dovecot anchor config -- GENERATED by setup-dovecot.sh (edit there, not here).
# Installed as $DOVECOT_ROOT/etc/dovecot/dovecot.conf; Dovecot runs chrooted in
# $DOVECOT_ROOT.  Self-contained: Debian's conf.d/ is NOT included, so every
# setting not listed here is Dovecot's built-in default (see \`doveconf -n\`).

protocols = imap pop3
listen = $BIND_ADDR
base_dir = /run/dovecot/
log_path = /var/log/dovecot.log
info_log_path = /var/log/dovecot-info.log

# TLS: the same self-signed RSA-3072 cert/key Courier uses (made by mkimapdcert)
ssl = yes
ssl_cert = </etc/dovecot/private/anchors-cert.pem
ssl_key = </etc/dovecot/private/anchors-key.pem
ssl_dh = </usr/share/dovecot/dh.pem

# Loopback testing: allow plaintext auth without TLS
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 apop scram-sha-1 scram-sha-256

passdb {
  driver = passwd-file
  args = scheme=MD5-CRYPT /etc/dovecot/anchors-users.crypt
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN /etc/dovecot/anchors-users.plain
}
userdb {
  driver = passwd-file
  args = /etc/dovecot/anchors-users.crypt
}

mail_location = maildir:~/Maildir
first_valid_uid = $VMAIL_UID
last_valid_uid = $VMAIL_UID
first_valid_gid = $VMAIL_GID
last_valid_gid = $VMAIL_GID

# Courier-compatible folder names: INBOX, INBOX.Sent, INBOX.Archive.2024 ...
# (Maildir++ on disk: .Sent, .Archive.2024), so one benchmark script can drive
# both servers with the same mailbox names.
namespace inbox {
  inbox = yes
  separator = .
  prefix = INBOX.
}

pop3_uidl_format = %08Xu%08Xv

# Limits: a 64-client benchmark from 127.0.0.1 must never be refused.
default_process_limit = 1024
default_client_limit = 4096
mail_max_userip_connections = 1000

service imap-login {
  inet_listener imap {
    address = $BIND_ADDR
    port = $DOVECOT_IMAP_PORT
  }
  inet_listener imaps {
    address = $BIND_ADDR
    port = $DOVECOT_IMAPS_PORT
    ssl = yes
  }
  process_limit = 1024
  client_limit = 1024
}
service pop3-login {
  inet_listener pop3 {
    address = $BIND_ADDR
    port = $DOVECOT_POP3_PORT
  }
  inet_listener pop3s {
    address = $BIND_ADDR
    port = $DOVECOT_POP3S_PORT
    ssl = yes
  }
  process_limit = 1024
  client_limit = 1024
}
service imap {
  process_limit = 1024
}
service pop3 {
  process_limit = 1024
}
service auth {
  client_limit = 8192
}
service anvil {
  client_limit = 8192
}

protocol imap {
  mail_max_userip_connections = 1000
}
protocol pop3 {
  mail_max_userip_connections = 1000
}
EOF
install -m 0644 "$GEN_DIR/dovecot/dovecot.conf" "$DOVECOT_ROOT/etc/dovecot/dovecot.conf"

# validate
chroot "$DOVECOT_ROOT" /usr/bin/doveconf -c /etc/dovecot/dovecot.conf -n > "$STATE_DIR/dovecot-doveconf-n.txt" \
    || die "doveconf rejected the config"
log "Dovecot configured ($DOVECOT_VERSION). Start with: $ANCHORS_DIR/start.sh dovecot"
