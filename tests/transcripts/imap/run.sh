#!/bin/sh
# Replay every tests/transcripts/imap/NAME.in through the real imapd (in preauth mode, -t) on
# stdin/stdout, against a fresh copy of the fixture Maildir; the server bytes must equal NAME.out.
# .in and .out are stored with LF line ends and sent/compared with CRLF (see
# tests/transcripts/README.md). Message files get a fixed mtime (INTERNALDATE) and TZ=UTC.
# imapd refuses root: as root (CI), it runs as nobody through setpriv.
# Run from the build tree by `make check` (srcdir is set by the test harness).
set -u
srcdir=${srcdir:-.}
dir=$srcdir/tests/transcripts/imap
imapd=$PWD/imapd/imapd
[ -x "$imapd" ] || { echo "FAIL: $imapd not built"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
run=
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "FAIL: running as root needs setpriv"; exit 1; }
	run="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	grep -q '^nogroup:' /etc/group || run="setpriv --reuid=nobody --regid=nobody --clear-groups"
fi
status=0
count=0
for in in "$dir"/*.in; do
	name=${in%.in}
	base=$(basename "$name")
	rm -rf "$tmp/Maildir"
	# NAME.Maildir/, when present, is the fixture for NAME alone (search: varied messages).
	maildir=$dir/Maildir
	[ -d "$name.Maildir" ] && maildir=$name.Maildir
	cp -R "$maildir" "$tmp/Maildir"
	mkdir -p "$tmp/Maildir/tmp" "$tmp/Maildir/new" "$tmp/Maildir/cur"
	find "$tmp/Maildir/cur" "$tmp/Maildir/new" -type f -exec touch -d '2023-11-20 12:34:56 UTC' {} +
	[ -n "$run" ] && chown -R nobody "$tmp/Maildir"
	sed 's/$/\r/' "$in" >"$tmp/in"
	sed 's/$/\r/' "$name.out" >"$tmp/want"
	TZ=UTC $run "$imapd" -t "$tmp/Maildir" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	if ! cmp -s "$tmp/out" "$tmp/want"; then
		echo "FAIL: $base: server bytes differ"
		diff "$tmp/want" "$tmp/out" | head -30
		status=1
	fi
	if grep -q 'runtime error\|AddressSanitizer\|LeakSanitizer' "$tmp/err"; then
		echo "FAIL: $base: sanitizer report"
		cat "$tmp/err"
		status=1
	fi
	count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "FAIL: no transcripts found"; exit 1; }
echo "$count IMAP transcripts checked"
exit $status
