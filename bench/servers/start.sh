#!/bin/bash
# Start the anchor mail servers on 127.0.0.1 (no systemd needed).
#   start.sh courier|dovecot|all      (default: all)
# Courier: authdaemond + 4 couriertcpd listeners (20143 20993 20110 20995),
#          configs from $GEN_DIR/courier/etc, pids in /opt/anchors/run,
#          logs in /opt/anchors/log.
# Dovecot: chroot /opt/anchors/dovecot-root /usr/sbin/dovecot
#          (30143 30993 30110 30995), logs in /opt/anchors/dovecot-root/var/log.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ "$(id -u)" = 0 ] || die "run as root"

WHAT=${1:-all}
ETC="$GEN_DIR/courier/etc"
AUTHPID="$RUN_DIR/courier-authdaemond.pid"

start_authdaemond() {
    if [ -f "$AUTHPID" ] && pid_alive "$(cat "$AUTHPID")"; then return 0; fi
    # Another authdaemond (e.g. Debian's init script) would own the same socket.
    if [ -f /run/courier/authdaemon/pid ] && pid_alive "$(cat /run/courier/authdaemon/pid)"; then
        die "a Debian-started authdaemond is running (pid $(cat /run/courier/authdaemon/pid)); stop it with: /usr/sbin/authdaemond stop"
    fi
    install -d -m 0775 -o root -g courier /run/courier
    install -d -m 0750 -o courier -g courier /run/courier/authdaemon
    rm -f /run/courier/authdaemon/socket
    # Same as Debian's /usr/sbin/authdaemond wrapper, minus courierlogger/syslog:
    # stderr goes to a log file (there is no syslog daemon here).
    ( set -a; . /etc/courier/authdaemonrc; set +a
      exec setsid /usr/lib/courier/courier-authlib/authdaemond ) \
        >> "$LOG_DIR/courier-authdaemond.log" 2>&1 < /dev/null &
    echo $! > "$AUTHPID"
    local i=0
    while [ ! -S /run/courier/authdaemon/socket ]; do
        i=$((i+1)); [ $i -gt 100 ] && die "authdaemond did not create its socket (see $LOG_DIR/courier-authdaemond.log)"
        sleep 0.1
    done
}

# run_tcpd NAME PORTVAR PIDVAR "extra env assignments" "program + args"  -- mirrors
# /usr/lib/courier/{imapd,imapd-ssl,pop3d,pop3d-ssl} 'start' (Debian), but with
# our config files, couriertcpd's own -pid daemon mode and a log file.
run_tcpd() {
    local name=$1 conf1=$2 conf2=$3 addrvar=$4 portvar=$5 pidvar=$6 extra=$7 prog=$8 access=$9
    local pidfile port
    pidfile=$(env -i /bin/sh -c "set -a; . '$ETC/$conf1'; . '$ETC/$conf2'; echo \$$pidvar")
    port=$(env -i /bin/sh -c "set -a; . '$ETC/$conf1'; . '$ETC/$conf2'; echo \$$portvar")
    if [ -f "$pidfile" ] && pid_alive "$(cat "$pidfile")"; then
        log "courier $name already running (pid $(cat "$pidfile"))"; return 0
    fi
    if port_listening "$port"; then die "port $port already in use (courier $name)"; fi
    rm -f "$pidfile" "$pidfile.lock"
    # TLS session cache, as the Debian wrappers create it
    local cache
    cache=$(env -i /bin/sh -c "set -a; . '$ETC/$conf1'; . '$ETC/$conf2'; echo \$TLS_CACHEFILE")
    if [ -n "$cache" ]; then
        rm -f "$cache"; touch "$cache"; chown courier:courier "$cache"; chmod 600 "$cache"
    fi
    local accessopt=""
    [ "$access" = yes ] && accessopt='-access=$IMAPACCESSFILE.dat'
    (
      cd /usr
      env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SHELL=/bin/sh /bin/sh -c "set -a; \
        prefix=/usr; exec_prefix=/usr; sbindir=/usr/sbin; bindir=/usr/bin; libexecdir=/usr/lib/courier; \
        . '$ETC/$conf1'; . '$ETC/$conf2'; $extra \
        if test -n \"\$IMAP_ULIMITD\"; then ulimit -v \$IMAP_ULIMITD; fi; \
        if test -n \"\$IMAP_UMASK\"; then umask \$IMAP_UMASK; fi; \
        exec setsid /usr/sbin/couriertcpd -pid=$pidfile -stderr=$LOG_DIR/courier-$name.log \
          -address=\$$addrvar -maxprocs=\$MAXDAEMONS -maxperip=\$MAXPERIP $accessopt \$TCPDOPTS \
          \$$portvar $prog"
    ) >> "$LOG_DIR/courier-$name.tcpd.log" 2>&1 < /dev/null
    wait_port "$port" 10 || die "courier $name did not listen on $port (see $LOG_DIR/courier-$name*.log)"
    log "courier $name listening on $BIND_ADDR:$port (pid $(cat "$pidfile"))"
}

start_courier() {
    [ -f "$ETC/imapd" ] || die "run setup-courier.sh first"
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    [ -f /etc/courier/imapaccess.dat ] || /usr/sbin/makeimapaccess
    start_authdaemond
    run_tcpd imapd imapd imapd-ssl ADDRESS PORT PIDFILE \
        'IMAP_STARTTLS=$IMAPDSTARTTLS;' \
        '/usr/lib/courier/courier/imaplogin /usr/bin/imapd $MAILDIRPATH' yes
    run_tcpd imapd-ssl imapd imapd-ssl SSLADDRESS SSLPORT SSLPIDFILE \
        'IMAP_TLS=1;' \
        '$COURIERTLS -server -tcpd -user=courier /usr/lib/courier/courier/imaplogin /usr/bin/imapd $MAILDIRPATH' yes
    run_tcpd pop3d pop3d pop3d-ssl ADDRESS PORT PIDFILE \
        '' \
        '/usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d $MAILDIRPATH' no
    run_tcpd pop3d-ssl pop3d pop3d-ssl SSLADDRESS SSLPORT SSLPIDFILE \
        'POP3_TLS=1; POP3_STARTTLS=NO; POP3_TLS_REQUIRED=0;' \
        '$COURIERTLS -server -tcpd -user=courier /usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d $MAILDIRPATH' no
}

start_dovecot() {
    [ -x "$DOVECOT_ROOT/usr/sbin/dovecot" ] || die "run setup-dovecot.sh first"
    local mpid="$DOVECOT_ROOT/run/dovecot/master.pid"
    if [ -f "$mpid" ] && pid_alive "$(cat "$mpid")"; then
        log "dovecot already running (pid $(cat "$mpid"))"; return 0
    fi
    for p in $DOVECOT_IMAP_PORT $DOVECOT_IMAPS_PORT $DOVECOT_POP3_PORT $DOVECOT_POP3S_PORT; do
        port_listening "$p" && die "port $p already in use (dovecot)"
    done
    mountpoint -q "$DOVECOT_ROOT/proc" || mount -t proc proc "$DOVECOT_ROOT/proc"
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    chroot "$DOVECOT_ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        /usr/sbin/dovecot -c /etc/dovecot/dovecot.conf
    for p in $DOVECOT_IMAP_PORT $DOVECOT_IMAPS_PORT $DOVECOT_POP3_PORT $DOVECOT_POP3S_PORT; do
        wait_port "$p" 10 || die "dovecot did not listen on $p (see $DOVECOT_ROOT/var/log/dovecot.log)"
    done
    log "dovecot listening on $BIND_ADDR:$DOVECOT_IMAP_PORT/$DOVECOT_IMAPS_PORT/$DOVECOT_POP3_PORT/$DOVECOT_POP3S_PORT (master pid $(cat "$mpid"))"
}

case "$WHAT" in
    courier) start_courier;;
    dovecot) start_dovecot;;
    all) start_courier; start_dovecot;;
    *) die "usage: $0 courier|dovecot|all";;
esac
