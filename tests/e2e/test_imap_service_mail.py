"""End-to-end: mail work through the whole IMAP service (hato-tcpd -> imap-login -> imapd over a
real Maildir on 127.0.0.1), driven by Python's imaplib as a client would: APPEND with flags and
date then FETCH byte-exact, COPY and MOVE with COPYUID checked against the UIDs, STORE, EXPUNGE
and UID EXPUNGE, LIST / LSUB / STATUS over Maildir++ subfolders with UTF-8 names (modified UTF-7
on the wire, UTF-8 on disk), CREATE / RENAME / DELETE with the INBOX rules, SEARCH, IDLE woken by
an APPEND from a second connection and by a delivery of deliverquota, and implicit TLS
(IMAP4_SSL) doing the same kind of work. Each test has its own account, so they do not depend on
each other. The files on disk are checked, not only the answers.

test_imap_service.py covers the login side (capabilities, every mechanism, STARTTLS, pipelining)
and IDLE with another session's flag change; this file reuses its chain_start(). Needs root."""
import datetime
import imaplib
import os
import re
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import crlf as wire_form, maildir_files as files  # noqa: E402
from test_imap_service import (DELIVER, MESSAGES, chain_start, chain_stop,  # noqa: E402
                               recv_until)

ACCOUNTS = ("appender", "copier", "storer", "folders", "renamer", "searcher", "idle2", "tlsuser")
MSG = (b"From: Alice <alice@example.org>\r\nSubject: appended\r\n"
       b"Content-Type: text/plain\r\n\r\nLine one.\r\n\r\n.dot line\r\nLast line\r\n")
DATE = datetime.datetime(2023, 11, 20, 12, 0, 0, tzinfo=datetime.timezone.utc)
UTF8_NAME = "Entwürfe"
MUTF7_NAME = "Entw&APw-rfe"  # RFC 3501 §5.1.3 modified UTF-7 of UTF8_NAME


def internaldate(text):
    return datetime.datetime.strptime(text, "%d-%b-%Y %H:%M:%S %z")


@unittest.skipUnless(os.geteuid() == 0, "the IMAP service test runs as root, as in production")
class ImapServiceMail(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        chain_start(cls, accounts=ACCOUNTS)

    @classmethod
    def tearDownClass(cls):
        chain_stop(cls)

    def maildir(self, account):
        return self.homes[account] / "Maildir"

    def login(self, account):
        m = imaplib.IMAP4("localhost", self.port, timeout=20)
        self.assertEqual(m.login(account, "password")[0], "OK")
        return m

    def uidvalidity(self, m, mailbox):
        typ, data = m.status(mailbox, "(UIDVALIDITY)")
        self.assertEqual(typ, "OK", data)
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))

    def test_append_flags_and_date_then_fetch_byte_exact(self):
        m = self.login("appender")
        self.assertEqual(m.select("INBOX"), ("OK", [b"2"]))
        uidv = self.uidvalidity(m, "INBOX")
        typ, data = m.append("INBOX", "(\\Flagged $Work)", imaplib.Time2Internaldate(DATE), MSG)
        self.assertEqual((typ, data), ("OK", [b"[APPENDUID %d 3] APPEND completed." % uidv]))
        typ, data = m.fetch("3", "(UID FLAGS RFC822.SIZE BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0][0], b"3 (UID 3 FLAGS (\\Flagged \\Recent $Work) RFC822.SIZE %d "
                         b"BODY[] {%d}" % (len(MSG), len(MSG)))
        self.assertEqual(data[0][1], MSG)
        typ, data = m.fetch("3", "(INTERNALDATE)")
        when = re.search(rb'INTERNALDATE "([^"]+)"', data[0]).group(1).decode()
        self.assertEqual(internaldate(when), DATE)
        # Another session sees the same bytes (no \Recent there: the file went to cur/).
        m2 = self.login("appender")
        m2.select("INBOX", readonly=True)
        typ, data = m2.uid("FETCH", "3", "(FLAGS BODY.PEEK[])")
        self.assertEqual(data[0][0], b"3 (UID 3 FLAGS (\\Flagged $Work) BODY[] {%d}" % len(MSG))
        self.assertEqual(data[0][1], MSG)
        m2.logout()
        m.logout()
        # On disk: in cur/ with the flag in the name, stored with LF, mtime = the date given,
        # the keyword in Courier's courierimapkeywords/.
        cur = self.maildir("appender") / "cur"
        flagged = [p for p in cur.iterdir() if p.name.endswith(":2,F")]
        self.assertEqual(len(flagged), 1, list(cur.iterdir()))
        self.assertEqual(flagged[0].read_bytes(), MSG.replace(b"\r\n", b"\n"))
        self.assertEqual(flagged[0].stat().st_mtime, DATE.timestamp())
        self.assertEqual(files(self.maildir("appender") / "tmp"), [])
        kw = self.maildir("appender") / "courierimapkeywords"
        text = b"".join(p.read_bytes() for p in kw.iterdir() if p.is_file())
        self.assertIn(b"$Work", text)

    def test_copy_and_move_with_copyuid(self):
        m = self.login("copier")
        self.assertEqual(m.create("INBOX.Archive"), ("OK", [b"CREATE completed."]))
        self.assertEqual(m.select("INBOX"), ("OK", [b"2"]))
        arch = self.uidvalidity(m, "INBOX.Archive")
        m.store("1", "+FLAGS", "(\\Answered $Label1)")
        typ, data = m.copy("1:2", "INBOX.Archive")
        self.assertEqual((typ, data), ("OK", [b"[COPYUID %d 1:2 1:2] COPY completed." % arch]))
        # UID MOVE: COPYUID in an untagged OK before the EXPUNGE (RFC 6851 §4.3).
        typ, data = m.uid("MOVE", "2", "INBOX.Archive")
        self.assertEqual(typ, "OK", data)
        self.assertEqual(m.untagged_responses.pop("OK"), [b"[COPYUID %d 2 3] Moved." % arch])
        self.assertEqual(m.untagged_responses.pop("EXPUNGE"), [b"2"])
        # A target that does not exist: TRYCREATE, nothing copied.
        typ, data = m.copy("1", "INBOX.Nowhere")
        self.assertEqual(typ, "NO")
        self.assertTrue(data[0].startswith(b"[TRYCREATE]"), data)
        self.assertEqual(m.select("INBOX.Archive"), ("OK", [b"3"]))
        typ, data = m.fetch("1:3", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        heads = [d for d in data if isinstance(d, tuple)]
        self.assertEqual([h[0] for h in heads], [
            b"1 (UID 1 FLAGS (\\Answered $Label1) BODY[HEADER.FIELDS (SUBJECT)] {18}",
            b"2 (UID 2 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] {19}",
            b"3 (UID 3 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] {19}"])
        self.assertEqual([h[1] for h in heads], [b"Subject: first\r\n\r\n",
                                                 b"Subject: second\r\n\r\n",
                                                 b"Subject: second\r\n\r\n"])
        m.logout()
        self.assertEqual(len(files(self.maildir("copier"))), 1)
        self.assertEqual(len(files(self.maildir("copier") / ".Archive")), 3)
        self.assertTrue((self.maildir("copier") / ".Archive" / "maildirfolder").exists())

    def test_store_expunge_and_uid_expunge(self):
        m = self.login("storer")
        self.assertEqual(m.select("INBOX"), ("OK", [b"2"]))
        for _ in range(2):
            m.append("INBOX", None, None, MSG)
        m.noop()
        typ, data = m.store("1:3", "+FLAGS", "(\\Deleted)")
        self.assertEqual(data, [b"1 (FLAGS (\\Deleted \\Recent))",
                                b"2 (FLAGS (\\Deleted \\Recent))",
                                b"3 (FLAGS (\\Deleted \\Recent))"])
        typ, data = m.store("3", "-FLAGS.SILENT", "(\\Deleted)")
        self.assertEqual((typ, data), ("OK", [None]))
        typ, data = m.store("4", "FLAGS", "(\\Seen \\Draft)")
        self.assertEqual(data, [b"4 (FLAGS (\\Seen \\Draft \\Recent))"])
        # UID EXPUNGE removes only the UIDs given, even if others are \Deleted.
        typ, data = m.uid("EXPUNGE", "2")
        self.assertEqual((typ, data), ("OK", [None]))  # imaplib returns the FETCH data
        self.assertEqual(m.untagged_responses.pop("EXPUNGE"), [b"2"])
        self.assertEqual(len(files(self.maildir("storer"))), 3)
        typ, data = m.expunge()
        self.assertEqual((typ, data), ("OK", [b"1"]))
        self.assertEqual(m.uid("SEARCH", "ALL"), ("OK", [b"3 4"]))
        typ, data = m.fetch("1:2", "(UID FLAGS)")
        self.assertEqual(data, [b"1 (UID 3 FLAGS (\\Recent))",
                                b"2 (UID 4 FLAGS (\\Seen \\Draft \\Recent))"])
        m.logout()
        names = files(self.maildir("storer"))
        self.assertEqual(len(names), 2)
        self.assertEqual(sorted(n.rsplit(":2,", 1)[1] for n in names), ["", "DS"])

    def test_list_lsub_status_with_subfolders_and_utf8_names(self):
        m = self.login("folders")
        for name in (f"INBOX.{MUTF7_NAME}", f"INBOX.{MUTF7_NAME}.2024", "INBOX.Lists.hato"):
            self.assertEqual(m.create(name), ("OK", [b"CREATE completed."]), name)
        maildir = self.maildir("folders")
        # UTF-8 directory names on disk (Courier 5), each a maildir with maildirfolder.
        dirs = sorted(p.name for p in maildir.iterdir() if p.name.startswith(".") and p.is_dir())
        self.assertEqual(dirs, [".Entwürfe", ".Entwürfe.2024", ".Lists.hato"])
        for d in dirs:
            self.assertTrue((maildir / d / "maildirfolder").exists(), d)
        self.assertEqual(m.append(f"INBOX.{MUTF7_NAME}.2024", "(\\Seen)", None, MSG)[0], "OK")
        # A delivery into a subfolder by the delivery program counts too.
        subprocess.run([str(DELIVER), str(maildir / ".Lists.hato")], input=MESSAGES[0],
                       check=True, user=self.user.pw_uid, group=self.user.pw_gid)
        typ, data = m.list()
        self.assertEqual(typ, "OK")
        self.assertEqual(sorted(data), sorted([
            b'(\\HasChildren) "." INBOX',
            b'(\\HasChildren) "." INBOX.' + MUTF7_NAME.encode(),
            b'(\\HasNoChildren) "." INBOX.' + MUTF7_NAME.encode() + b'.2024',
            b'(\\Noselect \\HasChildren) "." INBOX.Lists',
            b'(\\HasNoChildren) "." INBOX.Lists.hato']))
        typ, data = m.list("INBOX.", "%")
        self.assertEqual(sorted(data), [b'(\\HasChildren) "." INBOX.' + MUTF7_NAME.encode(),
                                        b'(\\Noselect \\HasChildren) "." INBOX.Lists'])
        typ, data = m.status(f"INBOX.{MUTF7_NAME}.2024", "(MESSAGES RECENT UIDNEXT UNSEEN)")
        self.assertEqual(data, [b'INBOX.' + MUTF7_NAME.encode() +
                                b".2024 (MESSAGES 1 RECENT 0 UIDNEXT 2 UNSEEN 0)"])
        typ, data = m.status("INBOX.Lists.hato", "(MESSAGES RECENT UNSEEN)")
        self.assertEqual(data, [b'INBOX.Lists.hato (MESSAGES 1 RECENT 1 UNSEEN 1)'])
        typ, data = m.status("INBOX", "(MESSAGES UNSEEN)")
        self.assertEqual(data, [b'INBOX (MESSAGES 2 UNSEEN 2)'])
        typ, data = m.status("INBOX.Nowhere", "(MESSAGES)")
        self.assertEqual(typ, "NO")
        # LSUB: subscriptions, with Courier's UTF-8 names in courierimapsubscribed.
        self.assertEqual(m.subscribe(f"INBOX.{MUTF7_NAME}.2024")[0], "OK")
        self.assertEqual(m.subscribe("INBOX.Lists.hato")[0], "OK")
        typ, data = m.lsub()
        self.assertEqual(sorted(data), [b'() "." INBOX.' + MUTF7_NAME.encode() + b'.2024',
                                        b'() "." INBOX.Lists.hato'])
        typ, data = m.lsub('""', "INBOX.%")
        self.assertEqual(sorted(data), [b'(\\Noselect) "." INBOX.' + MUTF7_NAME.encode(),
                                        b'(\\Noselect) "." INBOX.Lists'])
        self.assertEqual(sorted((maildir / "courierimapsubscribed").read_text().split("\n")),
                         ["", f"INBOX.{UTF8_NAME}.2024", "INBOX.Lists.hato"])
        self.assertEqual(m.unsubscribe("INBOX.Lists.hato")[0], "OK")
        self.assertEqual(m.lsub()[1], [b'() "." INBOX.' + MUTF7_NAME.encode() + b'.2024'])
        # A name that is not modified UTF-7 is refused.
        self.assertEqual(m.create("INBOX.Entw&Jxw")[0], "NO")
        m.logout()

    def test_create_rename_delete_and_inbox_rules(self):
        m = self.login("renamer")
        maildir = self.maildir("renamer")
        inbox_files = files(maildir)
        self.assertEqual(len(inbox_files), 2)
        self.assertEqual(m.create("INBOX.a"), ("OK", [b"CREATE completed."]))
        self.assertEqual(m.create("INBOX.a")[0], "NO")
        self.assertEqual(m.create("INBOX")[0], "NO")
        self.assertEqual(m.append("INBOX.a", None, None, MSG)[0], "OK")
        self.assertEqual(m.rename("INBOX.a", "INBOX.b.c"), ("OK", [b"RENAME completed."]))
        self.assertFalse((maildir / ".a").exists())
        self.assertEqual(len(files(maildir / ".b.c")), 1)
        # DELETE INBOX is refused; INBOX stays with its messages.
        typ, data = m.delete("INBOX")
        self.assertEqual((typ, data), ("NO", [b"[CANNOT] INBOX cannot be deleted."]))
        self.assertEqual(files(maildir), inbox_files)
        # RENAME INBOX moves its messages into the new folder; INBOX stays, empty.
        self.assertEqual(m.rename("INBOX", "INBOX.old"), ("OK", [b"RENAME completed."]))
        self.assertEqual(files(maildir), [])
        self.assertEqual(sorted(n.split(":2,")[0] for n in files(maildir / ".old")),
                         sorted(n.split(":2,")[0] for n in inbox_files))
        self.assertEqual(m.select("INBOX"), ("OK", [b"0"]))
        self.assertEqual(m.select("INBOX.old"), ("OK", [b"2"]))
        typ, data = m.fetch("1:2", "(BODY.PEEK[])")
        self.assertEqual(sorted(d[1] for d in data if isinstance(d, tuple)),
                         sorted(wire_form(msg) for msg in MESSAGES))
        # The selected mailbox cannot be deleted; another one can, with its files.
        self.assertEqual(m.delete("INBOX.old")[0], "NO")
        m.close()
        self.assertEqual(m.delete("INBOX.b.c"), ("OK", [b"DELETE completed."]))
        self.assertFalse((maildir / ".b.c").exists())
        typ, data = m.list()
        self.assertEqual(sorted(data), [b'(\\HasChildren) "." INBOX',
                                        b'(\\HasNoChildren) "." INBOX.old'])
        m.logout()

    def test_search(self):
        m = self.login("searcher")
        m.append("INBOX", "(\\Seen)", imaplib.Time2Internaldate(DATE), MSG)
        self.assertEqual(m.select("INBOX"), ("OK", [b"3"]))
        self.assertEqual(m.search(None, "ALL"), ("OK", [b"1 2 3"]))
        self.assertEqual(m.search(None, "FROM", "a@example.com"), ("OK", [b"1"]))
        self.assertEqual(m.search(None, "SUBJECT", "second"), ("OK", [b"2"]))
        self.assertEqual(m.search(None, "BODY", '"dot line"'), ("OK", [b"3"]))
        self.assertEqual(m.search(None, "UNSEEN"), ("OK", [b"1 2"]))
        self.assertEqual(m.search(None, "OR", "SEEN", "FROM", "b@example.com"),
                         ("OK", [b"2 3"]))
        self.assertEqual(m.search(None, "NOT", "SEEN", "SMALLER", "64"), ("OK", [b"2"]))
        self.assertEqual(m.search(None, "ON", "20-Nov-2023"), ("OK", [b"3"]))
        self.assertEqual(m.search("UTF-8", "SUBJECT", "appended"), ("OK", [b"3"]))
        self.assertEqual(m.uid("SEARCH", "UID", "2:*"), ("OK", [b"2 3"]))
        with self.assertRaises(imaplib.IMAP4.error) as err:
            m.search(None, "NOSUCHKEY")
        self.assertIn("BAD [b'Unknown search key.']", str(err.exception))
        m.logout()

    def test_idle_sees_append_from_second_connection_and_delivery(self):
        maildir = self.maildir("idle2")
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            recv_until(s, rb"ready\.\r\n")
            s.sendall(b"a LOGIN idle2 password\r\nb SELECT INBOX\r\n")
            recv_until(s, rb"b OK [^\r]*\r\n")
            s.sendall(b"c IDLE\r\n")
            self.assertEqual(recv_until(s, rb"\r\n"), b"+ idling\r\n")
            other = self.login("idle2")
            self.assertEqual(other.append("INBOX", "(\\Flagged)", None, MSG)[0], "OK")
            other.logout()
            # The appended message went to cur/ (numbered by the other session): not \Recent.
            # (RECENT again with EXISTS: the two delivered before the SELECT.)
            self.assertEqual(recv_until(s, rb"RECENT\r\n", timeout=10),
                             b"* 3 EXISTS\r\n* 2 RECENT\r\n")
            subprocess.run([str(DELIVER), str(maildir)], input=MESSAGES[1], check=True,
                           user=self.user.pw_uid, group=self.user.pw_gid)
            self.assertEqual(recv_until(s, rb"RECENT\r\n", timeout=10),
                             b"* 4 EXISTS\r\n* 3 RECENT\r\n")
            s.sendall(b"DONE\r\nd UID FETCH 3:4 (UID FLAGS RFC822.SIZE)\r\ne LOGOUT\r\n")
            data = recv_until(s, rb"e OK [^\r]*\r\n")
        self.assertTrue(data.startswith(b"c OK IDLE completed.\r\n"
                                        b"* 3 FETCH (UID 3 FLAGS (\\Flagged) RFC822.SIZE %d)\r\n"
                                        b"* 4 FETCH (UID 4 FLAGS (\\Recent) RFC822.SIZE %d)\r\n"
                                        b"d OK " % (len(MSG), len(wire_form(MESSAGES[1])))),
                        data)

    def test_implicit_tls_append_copy_search_expunge(self):
        ctx = self.context()
        m = imaplib.IMAP4_SSL("localhost", self.tls_port, ssl_context=ctx, timeout=20)
        self.assertEqual(m.login("tlsuser", "password")[0], "OK")
        self.assertEqual(m.select("INBOX"), ("OK", [b"2"]))
        uidv = self.uidvalidity(m, "INBOX")
        self.assertEqual(m.append("INBOX", "(\\Seen)", imaplib.Time2Internaldate(DATE), MSG),
                         ("OK", [b"[APPENDUID %d 3] APPEND completed." % uidv]))
        self.assertEqual(m.create("INBOX.Sent")[0], "OK")
        sent = self.uidvalidity(m, "INBOX.Sent")
        self.assertEqual(m.select("INBOX"), ("OK", [b"3"]))
        self.assertEqual(m.search(None, "SEEN"), ("OK", [b"3"]))
        self.assertEqual(m.copy("3", "INBOX.Sent"),
                         ("OK", [b"[COPYUID %d 3 1] COPY completed." % sent]))
        typ, data = m.fetch("3", "(BODY.PEEK[])")
        self.assertEqual(data[0][1], MSG)
        m.store("1:2", "+FLAGS.SILENT", "(\\Deleted)")
        self.assertEqual(m.expunge(), ("OK", [b"1", b"1"]))
        self.assertEqual(m.status("INBOX.Sent", "(MESSAGES)"),
                         ("OK", [b'INBOX.Sent (MESSAGES 1)']))
        m.logout()
        self.assertEqual(len(files(self.maildir("tlsuser"))), 1)
        self.assertEqual(len(files(self.maildir("tlsuser") / ".Sent")), 1)

    def context(self):
        import ssl
        ctx = ssl.create_default_context(cafile=str(self.cert))
        ctx.check_hostname = True
        return ctx


if __name__ == "__main__":
    unittest.main()
