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

missing=
for prog in sbin/hato-tcpd sbin/authdaemond libexec/hato/pop3-login bin/pop3d libexec/hato/imap-login bin/imapd; do
	[ -x "$prefix/$prog" ] || missing="$missing $prog"
done
if [ -n "$missing" ]; then
	echo
	echo "Not built yet, so no server is started:$missing"
	echo "What exists can be tried now, for example:"
	echo "  $sbin/userdb -f $users -show testuser"
	echo "  $sbin/userdb-test-cram-md5"
	echo "  certtool -i --infile $etc/imapd.pem | grep Subject:"
	exit 0
fi
