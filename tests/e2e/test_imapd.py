"""End-to-end: the real imapd on stdin/stdout (preauth mode, -t) against a copy of the IMAP
transcript fixture Maildir, driven by Python's imaplib (IMAP4_stream) and by a raw pipe while
the test changes the Maildir behind imapd's back like another session would.

imapd refuses root, so when the tests run as root imapd runs under setpriv as uid/gid 65534 with
the Maildir copy owned by that uid."""
import imaplib
import os
import sys
import shlex
import subprocess
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import ImapdOnPipe, crlf as wire_form  # noqa: E402  (next to this file)



class ImapdTest(ImapdOnPipe):
    def cur(self, prefix):
        for p in (self.md / "cur").iterdir():
            if p.name.startswith(prefix):
                return p
        return None

    # --- imaplib ---

    def test_imaplib_select_fetch_store_expunge(self):
        m = imaplib.IMAP4_stream(" ".join(shlex.quote(a) for a in self.argv()))
        try:
            self.assertEqual(m.state, "AUTH")  # the PREAUTH greeting
            typ, data = m.select("INBOX")
            self.assertEqual((typ, data), ("OK", [b"3"]))
            self.assertEqual(m.untagged_responses.get("UIDNEXT"), [b"4"])
            self.assertEqual(m.untagged_responses.get("UIDVALIDITY"), [b"1700000000"])
            self.assertEqual(m.untagged_responses.get("RECENT"), [b"1"])
            typ, data = m.uid("FETCH", "2", "(BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            raw = self.cur("1700000002.").read_bytes()
            self.assertEqual(data[0][1], wire_form(raw))
            typ, data = m.store("2", "+FLAGS", "(\\Deleted \\Flagged)")
            self.assertEqual(typ, "OK")
            self.assertEqual(data, [b"2 (FLAGS (\\Flagged \\Deleted))"])
            self.assertTrue(self.cur("1700000002.").name.endswith(":2,FT"))
            typ, data = m.expunge()
            self.assertEqual((typ, data), ("OK", [b"2"]))
            self.assertIsNone(self.cur("1700000002."))
            typ, data = m.fetch("1:*", "(UID)")
            self.assertEqual(data, [b"1 (UID 1)", b"2 (UID 3)"])
            self.assertEqual(m.logout()[0], "BYE")
        finally:
            m.shutdown()

    # --- raw pipe, with changes made between commands ---

    def start(self, env=()):
        self.p = subprocess.Popen(self.argv(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.addCleanup(self.p.wait)  # cleanups run last-in first-out: kill, then wait
        self.addCleanup(self.p.kill)
        self.addCleanup(self.p.stdout.close)
        self.addCleanup(self.p.stdin.close)
        line = self.p.stdout.readline()
        self.assertTrue(line.startswith(b"* PREAUTH [CAPABILITY IMAP4rev1"), line)

    def cmd(self, tag, text):
        self.p.stdin.write(f"{tag} {text}\r\n".encode())
        self.p.stdin.flush()
        lines = []
        while True:
            line = self.p.stdout.readline()
            self.assertTrue(line, "imapd closed the connection")
            lines.append(line)
            if line.startswith(tag.encode() + b" "):
                return lines

    def test_updates_from_other_sessions(self):
        self.start()
        self.cmd("a", "SELECT INBOX")
        # Another session: a flag change on message 1 and a new delivery.
        old = self.cur("1700000001.")
        os.rename(old, str(old)[: -len(":2,S")] + ":2,FS")
        new = self.md / "new" / "1700000099.M9P9Q9.other"
        new.write_bytes(b"Subject: late\n\nhi\n")
        self.chown()
        self.assertEqual(self.cmd("b", "NOOP"), [
            b"* 4 EXISTS\r\n", b"* 2 RECENT\r\n",
            b"* 1 FETCH (FLAGS (\\Flagged \\Seen))\r\n", b"b OK NOOP completed.\r\n"])
        # This session moved the delivery out of new/: it is recent here only.
        self.assertEqual(self.cmd("c", "FETCH 4 (UID FLAGS)"), [
            b"* 4 FETCH (UID 4 FLAGS (\\Recent))\r\n", b"c OK FETCH completed.\r\n"])

    def test_no_expunge_during_fetch_store(self):
        self.start()
        self.cmd("a", "SELECT INBOX")
        self.cur("1700000002.").unlink()  # expunged by another session
        # RFC 3501 7.4.1: no EXPUNGE during FETCH or STORE; message 2 keeps its number.
        self.assertEqual(self.cmd("b", "FETCH 1:3 (UID RFC822.SIZE)"), [
            b"* 1 FETCH (UID 1 RFC822.SIZE 250)\r\n", b"* 3 FETCH (UID 3 RFC822.SIZE 163)\r\n",
            b"b NO Some of the requested messages no longer exist.\r\n"])
        # Known to be gone now: no placeholder data, not even the UID (unlike Courier).
        self.assertEqual(self.cmd("b2", "FETCH 2 (UID FLAGS)"), [
            b"b2 NO Some of the requested messages no longer exist.\r\n"])
        self.assertEqual(self.cmd("c", "STORE 3 +FLAGS.SILENT (\\Seen)"),
                         [b"c OK STORE completed.\r\n"])
        self.assertEqual(self.cmd("d", "UID FETCH 3 FLAGS"), [
            b"* 3 FETCH (UID 3 FLAGS (\\Seen \\Recent))\r\n", b"d OK UID FETCH completed.\r\n"])
        # The next command that may expunge reports it, and numbers shift.
        self.assertEqual(self.cmd("e", "NOOP"), [b"* 2 EXPUNGE\r\n", b"e OK NOOP completed.\r\n"])
        self.assertEqual(self.cmd("f", "FETCH 2 UID"), [
            b"* 2 FETCH (UID 3)\r\n", b"f OK FETCH completed.\r\n"])

    def test_keywords_on_disk_in_courier_format(self):
        self.start()
        self.cmd("a", "SELECT INBOX")
        self.assertEqual(self.cmd("b", "STORE 2 +FLAGS (Work $Label1)"), [
            b"* 2 FETCH (FLAGS (Work $Label1))\r\n", b"b OK STORE completed.\r\n"])
        kwfile = self.md / "courierimapkeywords" / "1700000002.M2P1Q2.fixture"
        self.assertEqual(kwfile.read_bytes(), b"Work\n$Label1\n")
        # Another session (Courier) changes the keywords: this one is told.
        kwfile.write_bytes(b"Junk\n")
        self.assertEqual(self.cmd("c", "NOOP"), [
            b"* 2 FETCH (FLAGS (Junk))\r\n", b"c OK NOOP completed.\r\n"])

    def test_keywords_disabled(self):
        self.start(["IMAP_KEYWORDS=0"])
        lines = self.cmd("a", "SELECT INBOX")
        self.assertIn(b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] "
                      b"Limited.\r\n", lines)
        self.assertEqual(self.cmd("b", "STORE 2 +FLAGS (Work)"), [
            b"b NO Keywords are disabled (IMAP_KEYWORDS=0).\r\n"])
        self.assertFalse((self.md / "courierimapkeywords").exists())

    def test_pipelined_bytes_from_login_come_first(self):
        # imap-login hands on what the client sent behind LOGIN through HATO_PIPELINED_FD.
        r, w = os.pipe()
        os.write(w, b"p1 SELECT INBOX\r\np2 FETCH 1 (UID")
        os.close(w)
        self.p = subprocess.Popen(self.argv([f"HATO_PIPELINED_FD={r}"]), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  pass_fds=(r,))
        os.close(r)
        self.addCleanup(self.p.wait)
        self.addCleanup(self.p.kill)
        self.addCleanup(self.p.stdout.close)
        self.addCleanup(self.p.stdin.close)
        self.assertTrue(self.p.stdout.readline().startswith(b"* PREAUTH "))
        self.assertEqual(self.until(b"p1")[-1], b"p1 OK [READ-WRITE] SELECT completed.\r\n")
        self.send(b")\r\n")  # the client's own bytes complete the handed-on command
        self.assertEqual(self.until(b"p2"), [b"* 1 FETCH (UID 1)\r\n",
                                             b"p2 OK FETCH completed.\r\n"])

    def test_idle_timeout(self):
        self.start(["HATO_IMAPD_TIMEOUT=1"])
        self.assertEqual(self.cmd("a", "NOOP"), [b"a OK NOOP completed.\r\n"])
        self.assertEqual(self.p.stdout.readline(), b"* BYE Idle timeout, closing connection.\r\n")
        self.assertEqual(self.p.stdout.readline(), b"")
        self.assertEqual(self.p.wait(timeout=5), 0)

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def until(self, tag):
        lines = []
        while not lines or not lines[-1].startswith(tag + b" "):
            line = self.p.stdout.readline()
            self.assertTrue(line, "imapd closed the connection")
            lines.append(line)
        return lines

    def test_synchronising_literal_and_parse_errors(self):
        self.start()
        self.send(b"a SELECT {5}\r\n")
        self.assertEqual(self.p.stdout.readline(), b"+ OK\r\n")
        self.send(b"INBOX\r\n")
        self.assertEqual(self.until(b"a")[-1], b"a OK [READ-WRITE] SELECT completed.\r\n")
        self.send(b"b FETCH 1 (FLAGS\r\n")
        lines = self.until(b"b")
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith(b"b BAD "), lines)
        self.send(b"c UID NOOP\r\nd UID\r\ne NOOP\r\n")
        self.assertEqual(self.until(b"e"), [
            b"c BAD NOOP cannot be used with UID.\r\n", b"d BAD UID needs a command.\r\n",
            b"e OK NOOP completed.\r\n"])


if __name__ == "__main__":
    unittest.main()
