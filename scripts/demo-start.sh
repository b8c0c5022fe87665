#!/bin/sh
# Second half of demo.sh: make the demo configuration in an installed prefix and start what
# exists, in the foreground. Usage: demo-start.sh RUNDIR (RUNDIR/prefix is the install).
set -eu
run=$1
prefix="$run/prefix"
sbin="$prefix/sbin"
bin="$prefix/bin"
etc="$prefix/etc/hato"
mail="$run/mail"
mkdir -p "$etc" "$mail"

# Who owns the demo mail: a dedicated unprivileged user when root (mail sessions never run as
# root), else whoever runs the demo.
if [ "$(id -u)" = 0 ]; then
	id hato >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin hato
	id hatodemo >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin hatodemo
	uid=$(id -u hatodemo)
	gid=$(id -g hatodemo)
else
	uid=$(id -u)
	gid=$(id -g)
fi

home="$mail/testuser"
if [ ! -d "$home/Maildir/cur" ]; then
	mkdir -p "$home"
	n=1
	for subject in "Welcome to Hato" "鳩 — carrier pigeon" "Your third message"; do
		printf 'From: Hato demo <demo@example.com>\nTo: testuser@example.com\nSubject: %s\nDate: %s\nMessage-ID: <demo%d@example.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nThis is demo message %d.\n' \
			"$subject" "$(date -R)" "$n" "$n" | "$bin/deliverquota" -c "$home/Maildir"
		n=$((n + 1))
	done
	[ "$(id -u)" = 0 ] && chown -R "$uid:$gid" "$home"
fi

users="$etc/userdb"
if [ ! -f "$etc/userdb.dat" ]; then
	: >"$users"
	chmod 600 "$users"
	"$sbin/userdb" -f "$users" testuser set uid="$uid" gid="$gid" home="$home" mail="$home/Maildir"
	for scheme in sha512 hmac-md5 hmac-sha1 hmac-sha256 scram-sha256; do
		field=systempw
		case $scheme in hmac-*) field=$scheme"pw" ;; scram-*) field=$scheme"pw" ;; esac
		echo password | "$sbin/userdbpw" "-$scheme" | "$sbin/userdb" -f "$users" testuser set "$field"
	done
	"$sbin/userdb" -f "$users" testuser set apoppw=password
	"$sbin/makeuserdb" -f "$users"
fi

for svc in imapd pop3d; do
	if [ ! -f "$etc/$svc.pem" ]; then
		TEMPLATE="$etc/$svc.cnf.dist" BITS=medium "$sbin/mk${svc}cert" "$etc/$svc.pem" >/dev/null
	fi
done

echo "Demo configuration in $etc:"
echo "  user testuser / password (systempw, hmac-md5pw, hmac-sha1pw, hmac-sha256pw, scram-sha256pw)"
echo "  Maildir $home/Maildir ($(ls "$home/Maildir/new" "$home/Maildir/cur" | grep -c '^[0-9]') messages)"
echo "  certificates $etc/imapd.pem, $etc/pop3d.pem"

cat >"$etc/authdaemonrc.demo" <<RC
authmodulelist="authuserdb"
userdb="$users"
RC

# The Courier-style variables the services read (the rc scripts export pop3d/imapd the same way).
export HATO_AUTHDAEMONRC="$etc/authdaemonrc.demo"
export POP3AUTH="CRAM-MD5 CRAM-SHA1 CRAM-SHA256 SCRAM-SHA-256"
export POP3AUTH_TLS="PLAIN LOGIN CRAM-MD5 CRAM-SHA1 CRAM-SHA256 SCRAM-SHA-256"
export POP3_APOP=1
# imapd's variables as in the sample etc/imapd (the seed's list plus SCRAM): imap-login advertises
# what imapd implements and logs the rest once per connection.
export IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 AUTH=SCRAM-SHA-256 IDLE"
export IMAP_CAPABILITY_TLS="$IMAP_CAPABILITY AUTH=PLAIN AUTH=LOGIN"
export IMAP_IDLE_TIMEOUT=60
export TLS_TICKET_KEYFILE="$run/tls-ticket.key"
mkdir -p "$run/empty"
export HATO_LOGIN_EMPTYDIR="$run/empty"

pids=
started=
stop() {
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	exit 0
}
trap stop INT TERM

# Authentication as the shipped configs do it (HATO_AUTH=daemon): the login programs ask
# authdaemond, which keeps the SASL state; Postfix could use the same sockets.
authvar="$run/authdaemon"
mkdir -p "$authvar"
"$sbin/authdaemond" -e -f "$etc/authdaemonrc.demo" -d "$authvar" 2>"$run/authdaemond.log" &
pids="$pids $!"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -S "$authvar/socket" ] && [ -S "$authvar/auth-client" ] && break
	sleep 0.5
done
[ -S "$authvar/auth-client" ] || { echo "authdaemond did not start: see $run/authdaemond.log"; stop; }
export HATO_AUTH=daemon AUTHDAEMONVAR="$authvar"
echo "authdaemond: sockets in $authvar, log $run/authdaemond.log"

login="$prefix/libexec/hato"
if [ -x "$login/pop3-login" ] && [ -x "$bin/pop3d" ]; then
	TLS_CERTFILE="$etc/pop3d.pem" "$sbin/hato-tcpd" -address=127.0.0.1 -nodnslookup -tls=1995 \
		1110,1995 "$login/pop3-login" "$bin/pop3d" Maildir &
	pids="$pids $!"
	started="$started POP3(1110) POP3S(1995)"
fi
if [ -x "$login/imap-login" ] && [ -x "$bin/imapd" ]; then
	TLS_CERTFILE="$etc/imapd.pem" "$sbin/hato-tcpd" -address=127.0.0.1 -nodnslookup -tls=1993 \
		1143,1993 "$login/imap-login" "$bin/imapd" Maildir &
	pids="$pids $!"
	started="$started IMAP(1143) IMAPS(1993)"
fi

missing=
for prog in libexec/hato/pop3-login bin/pop3d libexec/hato/imap-login bin/imapd; do
	[ -x "$prefix/$prog" ] || missing="$missing $prog"
done
[ -n "$missing" ] && echo "Not built yet, so not started:$missing"
if [ -z "$started" ]; then
	echo "No server to start yet."
	exit 0
fi
sleep 1
cat <<TXT

Started on 127.0.0.1:$started. Ctrl-C stops them. Try:
  curl -v pop3://127.0.0.1:1110/ -u testuser:password --login-options AUTH=CRAM-MD5
  curl -k pop3s://127.0.0.1:1995/1 -u testuser:password
  openssl s_client -connect 127.0.0.1:1110 -starttls pop3 -CAfile $etc/pop3d.pem
  gnutls-cli --port 1995 --x509cafile $etc/pop3d.pem localhost
  curl -v 'imap://127.0.0.1:1143/INBOX;UID=1' -u testuser:password --login-options AUTH=CRAM-MD5
  curl --ssl-reqd --cacert $etc/imapd.pem --resolve localhost:1143:127.0.0.1 'imap://localhost:1143/INBOX;UID=2' -u testuser:password --login-options AUTH=PLAIN
  curl -k 'imaps://127.0.0.1:1993/INBOX;UID=3' -u testuser:password
  openssl s_client -connect 127.0.0.1:1143 -starttls imap -CAfile $etc/imapd.pem
  python3 -c 'import imaplib; m = imaplib.IMAP4("127.0.0.1", 1143); m.login("testuser", "password"); print(m.select("INBOX"))'
TXT
wait
