"""End-to-end: SEARCH and UID SEARCH in the real imapd (preauth mode, -t, on stdin/stdout) over a
copy of the search transcript fixture (tests/transcripts/imap/search.Maildir), through Python's
imaplib (IMAP4_stream) and a raw pipe; and imapd's answers to bad input (over-long lines,
oversized literals, 8-bit garbage, unbalanced parentheses, a flood of commands).

imapd refuses root, so when the tests run as root imapd runs under setpriv as uid/gid 65534 with
the Maildir copy owned by that uid."""
import calendar
import imaplib
import os
import shlex
import sys
import subprocess
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import ImapdOnPipe, TRANSCRIPTS  # noqa: E402  (next to this file)



class ImapSearchTest(ImapdOnPipe):
    FIXTURE = TRANSCRIPTS / "search.Maildir"

    def msgfile(self, prefix):
        for sub in ("cur", "new"):
            for p in (self.md / sub).iterdir():
                if p.name.startswith(prefix):
                    return p
        return None

    def start(self, env=()):
        p = subprocess.Popen(self.argv(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        self.addCleanup(p.wait)  # cleanups run last-in first-out: kill, then wait
        self.addCleanup(p.kill)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.stdin.close)
        line = p.stdout.readline()
        self.assertTrue(line.startswith(b"* PREAUTH [CAPABILITY IMAP4rev1"), line)
        self.p = p
        return p

    def send(self, data, p=None):
        p = p or self.p
        p.stdin.write(data)
        p.stdin.flush()

    def until(self, tag, p=None):
        p = p or self.p
        lines = []
        while not lines or not lines[-1].startswith(tag + b" "):
            line = p.stdout.readline()
            self.assertTrue(line, "imapd closed the connection")
            lines.append(line)
        return lines

    def cmd(self, tag, text, p=None):
        self.send(f"{tag} {text}\r\n".encode(), p)
        return self.until(tag.encode(), p)

    # --- imaplib ---

    def test_imaplib_search(self):
        m = imaplib.IMAP4_stream(" ".join(shlex.quote(a) for a in self.argv()))
        try:
            self.assertIn("ESEARCH", m.capabilities)
            self.assertEqual(m.select("INBOX"), ("OK", [b"5"]))
            self.assertEqual(m.search(None, "ALL"), ("OK", [b"1 2 3 4 5"]))
            self.assertEqual(m.search(None, "UNSEEN", "UNDELETED"), ("OK", [b"2 4 5"]))
            self.assertEqual(m.uid("SEARCH", "UID", "3:*", "NOT", "DRAFT"), ("OK", [b"3 5"]))
            self.assertEqual(m.search(None, "OR", "FLAGGED", "(DELETED SUBJECT report)"),
                             ("OK", [b"2 3"]))
            m.literal = "grüße".encode()
            self.assertEqual(m.search("UTF-8", "SUBJECT"), ("OK", [b"2"]))
            m.literal = "テスト".encode()
            self.assertEqual(m.search("UTF-8", "SUBJECT"), ("OK", [b"3"]))
            m.literal = "MÜLLER".encode()
            self.assertEqual(m.search("UTF-8", "FROM"), ("OK", [b"2"]))
            m.literal = "café".encode()
            self.assertEqual(m.search("UTF-8", "BODY"), ("OK", [b"2"]))
            self.assertEqual(m.search(None, "BODY", '"inner needle"'), ("OK", [b"4"]))
            self.assertEqual(m.search(None, "TEXT", "ivan"), ("OK", [b"5"]))
            self.assertEqual(m.search(None, "SENTON", "20-Nov-2023"), ("OK", [b"1"]))
            self.assertEqual(m.search(None, "SENTSINCE", "22-Nov-2023"), ("OK", [b"4 5"]))
            typ, data = m.search("KOI8-R", "ALL")  # imaplib raises for BAD only
            self.assertEqual((typ, data),
                             ("NO", [b"[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset."]))
            with self.assertRaises(imaplib.IMAP4.error):
                m.search(None, "NOSUCHKEY")
            self.assertEqual(m.logout()[0], "BYE")
        finally:
            m.shutdown()

    # --- raw pipe ---

    def test_internaldate_in_the_local_time_zone(self):
        # 2023-11-20 20:00 UTC is the 21st in Tokyo and the 20th in UTC.
        t = calendar.timegm((2023, 11, 20, 20, 0, 0))
        for p in [*(self.md / "cur").iterdir(), *(self.md / "new").iterdir()]:
            os.utime(p, (t - 86400 * 7, t - 86400 * 7))
        f = self.msgfile("1700001002.")
        os.utime(f, (t, t))
        for tz, on20, on21 in (("UTC", b"2", b""), ("JST-9", b"", b"2")):
            with self.subTest(tz=tz):
                p = self.start([f"TZ={tz}"])
                self.cmd("a", "SELECT INBOX", p)
                self.assertEqual(self.cmd("b", "SEARCH ON 20-Nov-2023", p)[0],
                                 b"* SEARCH" + (b" " + on20 if on20 else b"") + b"\r\n")
                self.assertEqual(self.cmd("c", "SEARCH ON 21-Nov-2023", p)[0],
                                 b"* SEARCH" + (b" " + on21 if on21 else b"") + b"\r\n")
                self.assertEqual(self.cmd("d", "SEARCH SINCE 16-Nov-2023", p)[0],
                                 b"* SEARCH 2\r\n")
                self.assertEqual(self.cmd("e", "SEARCH BEFORE 16-Nov-2023", p)[0],
                                 b"* SEARCH 1 3 4 5\r\n")
                self.cmd("z", "LOGOUT", p)

    def test_flag_searches_open_no_message_file(self):
        self.start()
        self.cmd("a", "SELECT INBOX")
        for f in (self.md / "cur").iterdir():
            os.chmod(f, 0)  # imapd runs unprivileged: it cannot open them
        self.assertEqual(self.cmd("b", "SEARCH UNSEEN NOT DELETED 1:* UID 1:*"), [
            b"* SEARCH 2 4 5\r\n", b"b OK SEARCH completed.\r\n"])
        self.assertEqual(self.cmd("c", "SEARCH OR SEEN BODY xyz"), [
            b"* SEARCH 1\r\n", b"c NO Some messages could not be read.\r\n"])

    def test_no_expunge_during_search(self):
        self.start()
        self.cmd("a", "SELECT INBOX")
        self.msgfile("1700001002.").unlink()  # expunged by another session
        # RFC 3501 7.4.1: no EXPUNGE during SEARCH; message 2 keeps its number.
        self.assertEqual(self.cmd("b", "SEARCH SUBJECT report"), [
            b"* SEARCH 3\r\n", b"b OK SEARCH completed.\r\n"])
        self.assertEqual(self.cmd("c", "UID SEARCH ALL"), [
            b"* SEARCH 1 3 4 5\r\n", b"c OK UID SEARCH completed.\r\n"])
        self.assertEqual(self.cmd("d", "NOOP"), [b"* 2 EXPUNGE\r\n", b"d OK NOOP completed.\r\n"])
        self.assertEqual(self.cmd("e", "SEARCH ALL"), [
            b"* SEARCH 1 2 3 4\r\n", b"e OK SEARCH completed.\r\n"])

    def test_esearch(self):
        self.start()
        self.cmd("a", "SELECT INBOX")
        self.assertEqual(self.cmd("b", "UID SEARCH RETURN (MIN MAX COUNT ALL) NOT 3"), [
            b'* ESEARCH (TAG "b") UID MIN 1 MAX 5 COUNT 4 ALL 1:2,4:5\r\n',
            b"b OK UID SEARCH completed.\r\n"])
        self.assertEqual(self.cmd("c", "SEARCH RETURN (COUNT MIN) SUBJECT nothing-like-this"), [
            b'* ESEARCH (TAG "c") COUNT 0\r\n', b"c OK SEARCH completed.\r\n"])

    def test_many_messages_flag_search(self):
        # 3000 more messages (1000 unseen; 4 unseen in the fixture): a flag search answers without reading them (they are unreadable).
        cur = self.md / "cur"
        for i in range(3000):
            f = cur / f"17000{10000 + i}.M{i}P9Q9.bulk:2,{'S' if i % 3 else ''}"
            f.write_bytes(b"Subject: bulk\n\nbody\n")
            os.chmod(f, 0)
        self.chown()
        self.start()
        self.cmd("a", "SELECT INBOX")
        lines = self.cmd("b", "SEARCH RETURN (COUNT) UNSEEN")
        self.assertEqual(lines, [b'* ESEARCH (TAG "b") COUNT 1004\r\n',
                                 b"b OK SEARCH completed.\r\n"])

    # --- bad input (issue 6, Done-when) ---

    def test_bad_input_answered_and_session_continues(self):
        self.start()
        # An over-long line (limit 64 KiB) is refused, its rest skipped, the session goes on.
        self.send(b"a1 SEARCH TEXT " + b"x" * 70000 + b"\r\na2 NOOP\r\n")
        lines = self.until(b"a2")
        self.assertEqual(len(lines), 2, lines)
        self.assertTrue(lines[0].startswith(b"a1 BAD ") or lines[0].startswith(b"* BAD "),
                        lines)
        self.assertEqual(lines[1], b"a2 OK NOOP completed.\r\n")
        # 8-bit garbage.
        self.send(b"\xff\xfe\x80garbage\x00\r\nb1 \xc3\xa9\xc3\xa9 NOOP\r\nb2 NOOP\r\n")
        lines = self.until(b"b2")
        self.assertEqual(len(lines), 3, lines)
        for line in lines[:2]:
            self.assertRegex(line, rb"^(\* |b1 )BAD ")
        # A synchronising literal larger than the limit: BAD, no continuation, the session goes on.
        self.send(b"c1 SEARCH BODY {99999999}\r\nc2 NOOP\r\n")
        self.assertEqual(self.until(b"c2"), [b"c1 BAD Literal too large\r\n",
                                             b"c2 OK NOOP completed.\r\n"])
        # Unbalanced parentheses.
        self.send(b"d1 SELECT INBOX\r\nd2 SEARCH (SEEN\r\nd3 SEARCH SEEN))\r\nd4 NOOP\r\n")
        lines = self.until(b"d4")
        self.assertTrue(lines[-3].startswith(b"d2 BAD "), lines)
        self.assertTrue(lines[-2].startswith(b"d3 BAD "), lines)
        self.assertEqual(lines[-1], b"d4 OK NOOP completed.\r\n")

    def test_flood_of_commands(self):
        p = self.start()
        other = subprocess.Popen(self.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)
        self.addCleanup(other.wait)
        self.addCleanup(other.kill)
        self.addCleanup(other.stdout.close)
        self.addCleanup(other.stdin.close)
        self.assertTrue(other.stdout.readline().startswith(b"* PREAUTH"))
        flood = b"".join(b"f%d NOOP\r\nx%d BOGUS\r\n)(\r\n" % (i, i) for i in range(3000))
        self.send(flood + b"end SEARCH ALL\r\n", p)
        # Another session answers while this one is flooded.
        self.assertEqual(self.cmd("o", "NOOP", other), [b"o OK NOOP completed.\r\n"])
        lines = self.until(b"end", p)
        self.assertEqual(len(lines), 3 * 3000 + 1)
        self.assertEqual(sum(1 for x in lines if x.endswith(b" OK NOOP completed.\r\n")), 3000)
        self.assertEqual(sum(1 for x in lines[:-1] if b" BAD " in x or x.startswith(b"* BAD ")),
                         6000)
        self.assertEqual(lines[-1], b"end BAD SEARCH is not valid in this state.\r\n")
        # A non-synchronising literal over the limit cannot be skipped: BYE and the end.
        self.send(b"z APPEND INBOX {99999999+}\r\n", p)
        self.assertEqual(p.stdout.readline(), b"* BYE Literal too large\r\n")
        self.assertEqual(p.stdout.readline(), b"")


if __name__ == "__main__":
    unittest.main()
