"""End-to-end: APPEND, COPY and MOVE (UIDPLUS, MOVE, LITERAL+) in the real imapd on
stdin/stdout (preauth mode, -t), driven by Python's imaplib (IMAP4_stream) and by raw pipes,
against a copy of the IMAP transcript fixture Maildir plus a folder INBOX.Archive. The files on
disk are checked (tmp/ empty, flags in the name, mtime = INTERNALDATE, keywords in Courier's
format, hard links), and two processes appending at once must never get the same UID.

imapd refuses root, so when the tests run as root imapd runs under setpriv as uid/gid 65534 with
the Maildir copy owned by that uid."""
import calendar
import datetime
import imaplib
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import IS_ROOT, NOBODY, ImapdOnPipe  # noqa: E402  (next to this file)

UIDV = 1700000000  # the fixture's UIDVALIDITY

MSG = (b"From: Alice <alice@example.org>\r\nSubject: appended\r\n"
       b"Content-Type: text/plain\r\n\r\nLine one.\r\n\r\n.dot line\r\nLast line\r\n")
DATE = datetime.datetime(2023, 11, 20, 12, 0, 0, tzinfo=datetime.timezone.utc)


def uid_set(s):
    """Expand a UID set "1:3,7" in its order."""
    out = []
    for part in s.split(","):
        a, _, b = part.partition(":")
        lo, hi = int(a), int(b or a)
        out.extend(range(lo, hi + 1))
    return out


class AppendCopyTest(ImapdOnPipe):
    def prepare(self):
        self.archive = self.md / ".Archive"
        for sub in ("cur", "new", "tmp"):
            (self.archive / sub).mkdir(parents=True)
        (self.archive / "maildirfolder").write_bytes(b"")

    def start(self, env=()):
        p = subprocess.Popen(self.argv(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        self.addCleanup(p.wait)
        self.addCleanup(p.kill)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.stdin.close)
        line = p.stdout.readline()
        self.assertTrue(line.startswith(b"* PREAUTH [CAPABILITY IMAP4rev1"), line)
        self.assertIn(b" UIDPLUS MOVE", line)
        return p

    def read_until(self, p, tag):
        lines = []
        while True:
            line = p.stdout.readline()
            self.assertTrue(line, f"EOF before {tag!r}: {lines}")
            lines.append(line)
            if line.startswith(tag + b" "):
                return lines

    def files(self, folder, sub):
        return sorted(p.name for p in (folder / sub).iterdir())

    def appenduid(self, data):
        m = re.match(rb"\[APPENDUID (\d+) (\d+)\] APPEND completed\.$", data[0])
        self.assertIsNotNone(m, data)
        return int(m.group(1)), int(m.group(2))

    def copyuid(self, text):
        m = re.search(rb"\[COPYUID (\d+) ([0-9:,]+) ([0-9:,]+)\]", text)
        self.assertIsNotNone(m, text)
        return (int(m.group(1)), uid_set(m.group(2).decode()), uid_set(m.group(3).decode()))

    def uiddb(self, folder):
        recs = {}
        lines = (folder / "courierimapuiddb").read_text().splitlines()
        for line in lines[1:]:
            uid, base = line.split(" ", 1)
            recs[int(uid)] = base
        return lines[0], recs

    # --- APPEND ---

    def test_append_flags_date_bytes_and_disk(self):
        m = self.imap()
        typ, data = m.append("INBOX", "(\\Seen \\Flagged $Work)", DATE, MSG)
        self.assertEqual(typ, "OK", data)
        # The fixture's nextuid is 3, but the message waiting in new/ was there first (STATUS
        # counted it in UIDNEXT 4): it is numbered 3 now, and the appended message gets 4.
        self.assertEqual(self.appenduid(data), (UIDV, 4))
        # On disk: through tmp/ (now empty) into cur/ with the flags and LF line ends.
        self.assertEqual(self.files(self.md, "tmp"), [])
        lf = MSG.replace(b"\r\n", b"\n")
        new = [n for n in self.files(self.md, "cur") if not n.startswith("17000000")]
        self.assertEqual(len(new), 1, new)
        name = new[0]
        self.assertTrue(name.endswith(f",S={len(lf)}:2,FS"), name)
        path = self.md / "cur" / name
        self.assertEqual(path.read_bytes(), lf)
        self.assertEqual(path.stat().st_mtime, calendar.timegm(DATE.timetuple()))
        base = name.split(":")[0]
        self.assertEqual((self.md / "courierimapkeywords" / base).read_bytes(), b"$Work\n")
        header, recs = self.uiddb(self.md)
        self.assertEqual(header, f"1 {UIDV} 5")
        self.assertEqual(recs[3], "1700000003.M3P1Q3.fixture")
        self.assertEqual(recs[4], base)
        # Byte-exact back, with the date and flags.
        typ, data = m.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"4"]))
        typ, data = m.uid("FETCH", "4", "(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        meta = data[0][0]
        self.assertIn(b"FLAGS (\\Flagged \\Seen $Work)", meta)
        self.assertIn(b'INTERNALDATE "20-Nov-2023 12:00:00 +0000"', meta)
        self.assertIn(f"RFC822.SIZE {len(MSG)}".encode(), meta)
        self.assertEqual(data[0][1], MSG)
        # Appending to the selected mailbox: EXISTS and \Recent in this session.
        typ, data = m.append("INBOX", None, None, b"Subject: x\r\n\r\nbody\r\n")
        self.assertEqual(self.appenduid(data), (UIDV, 5))
        self.assertEqual(m.untagged_responses.get("EXISTS")[-1], b"5")
        typ, data = m.uid("FETCH", "5", "(FLAGS)")
        self.assertEqual(data, [b"5 (UID 5 FLAGS (\\Recent))"])
        self.assertEqual(m.logout()[0], "BYE")

    def test_append_to_folder_without_uiddb_and_errors(self):
        m = self.imap()
        typ, data = m.append("INBOX.Archive", "(\\Draft)", None, MSG)
        self.assertEqual(typ, "OK", data)
        uidv, uid = self.appenduid(data)
        self.assertEqual(uid, 1)
        header, recs = self.uiddb(self.archive)
        self.assertEqual(header, f"1 {uidv} 2")
        self.assertEqual(len(recs), 1)
        self.assertTrue(self.files(self.archive, "cur")[0].endswith(":2,D"))
        self.assertEqual(self.files(self.archive, "new"), [])
        # A missing folder: TRYCREATE, nothing written anywhere.
        typ, data = m.append("INBOX.Nope", None, None, MSG)
        self.assertEqual((typ, data), ("NO", [b"[TRYCREATE] Mailbox does not exist."]))
        self.assertFalse((self.md / ".Nope").exists())
        with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD.*Invalid system flag"):
            m.append("INBOX", "(\\Bogus)", None, MSG)
        self.assertEqual(self.files(self.md, "tmp"), [])
        self.assertEqual(len(self.files(self.md, "cur")), 2)
        # The session goes on.
        self.assertEqual(m.noop()[0], "OK")

    def test_keywords_disabled(self):
        m = self.imap(env=["IMAP_KEYWORDS=0"])
        typ, data = m.append("INBOX", "($Work)", None, MSG)
        self.assertEqual((typ, data), ("NO", [b"Keywords are disabled (IMAP_KEYWORDS=0)."]))
        typ, data = m.append("INBOX", "(\\Answered)", None, MSG)
        self.assertEqual(self.appenduid(data), (UIDV, 4))  # 3 went to the message in new/
        self.assertEqual(len(self.files(self.md, "cur")), 3)
        self.assertFalse((self.md / "courierimapkeywords").exists())

    def test_quota(self):
        (self.md / "maildirsize").write_bytes(b"1000S\n       0    0\n")
        self.chown()
        m = self.imap()
        typ, data = m.append("INBOX", None, None, b"x" * 2000 + b"\r\n")
        self.assertEqual((typ, data), ("NO", [b"[OVERQUOTA] Mail quota exceeded."]))
        self.assertEqual(self.files(self.md, "tmp"), [])
        self.assertEqual(len(self.files(self.md, "cur")), 2)
        typ, data = m.append("INBOX", None, None, MSG)
        self.assertEqual(typ, "OK", data)
        lf = len(MSG.replace(b"\r\n", b"\n"))
        self.assertTrue((self.md / "maildirsize").read_bytes().endswith(
            f"{lf:8d}    1\n".encode()))
        # MOVE counts the copy and no longer the source (UID 1 is 239 bytes).
        self.assertEqual(m.select("INBOX")[0], "OK")
        self.assertEqual(m.uid("MOVE", "1", "INBOX.Archive")[0], "OK")
        self.assertTrue((self.md / "maildirsize").read_bytes().endswith(
            f"{lf:8d}    1\n     239    1\n    -239   -1\n".encode()))
        m.logout()
        # MAILDIRQUOTA (from the account) overrides the file; COPY honours it too.
        m = self.imap(env=["MAILDIRQUOTA=1S"])
        self.assertEqual(m.select("INBOX")[0], "OK")
        before = self.files(self.archive, "cur")
        typ, data = m.copy("1", "INBOX.Archive")
        self.assertEqual((typ, data), ("NO", [b"[OVERQUOTA] Mail quota exceeded."]))
        self.assertEqual(self.files(self.archive, "cur"), before)
        self.assertEqual(self.files(self.archive, "tmp"), [])

    def test_waiting_messages_are_numbered_before_appends_and_copies(self):
        # Two deliveries wait in the folder's new/ and another program put a file into cur/;
        # none is in the uiddb yet. STATUS counts them in UIDNEXT, so what APPEND and COPY add
        # must be numbered from there on, and the waiting ones keep their delivery order.
        waiting = {"1700000100.M9P1Q1.host": b"Subject: first\n\nx\n",
                   "1700000100.M10P1Q2.host": b"Subject: second\n\nx\n"}
        for name, body in waiting.items():
            (self.archive / "new" / name).write_bytes(body)
        (self.archive / "cur" / "1700000200.M1P1Q3.host:2,S").write_bytes(b"Subject: third\n\nx\n")
        self.chown(self.archive)
        m = self.imap()
        typ, data = m.status("INBOX.Archive", "(MESSAGES UIDNEXT)")
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0], rb"\(MESSAGES 3 UIDNEXT 4\)$")
        typ, data = m.append("INBOX.Archive", None, None, MSG)
        self.assertEqual(self.appenduid(data)[1], 4)
        self.assertEqual(m.select("INBOX")[0], "OK")
        typ, data = m.copy("1", "INBOX.Archive")
        self.assertEqual(self.copyuid(data[0])[1:], ([1], [5]))
        typ, data = m.status("INBOX.Archive", "(MESSAGES UIDNEXT)")
        self.assertRegex(data[0], rb"\(MESSAGES 5 UIDNEXT 6\)$")
        self.assertEqual(m.select("INBOX.Archive")[0], "OK")
        typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        subjects = [part[1].strip() for part in data if isinstance(part, tuple)]
        self.assertEqual(subjects, [b"Subject: first", b"Subject: second", b"Subject: third",
                                    b"Subject: appended", b"Subject: Hello"][:len(subjects)])
        uids = [int(u) for u in re.findall(rb"UID (\d+)", b" ".join(
            part[0] for part in data if isinstance(part, tuple)))]
        self.assertEqual(uids, [1, 2, 3, 4, 5])
        m.logout()

    # --- COPY / MOVE ---

    def test_copy_copyuid_flags_keywords_links(self):
        m = self.imap()
        self.assertEqual(m.select("INBOX")[0], "OK")
        self.assertEqual(m.store("2", "+FLAGS", "($Label1 \\Answered)")[0], "OK")
        m.append("INBOX.Archive", None, None, MSG)  # the target already has UID 1
        typ, data = m.copy("1:2", "INBOX.Archive")
        self.assertEqual(typ, "OK", data)
        uidv, src, dst = self.copyuid(data[0])
        self.assertEqual((src, dst), ([1, 2], [2, 3]))
        _, recs = self.uiddb(self.archive)
        src_files = {1: next((self.md / "cur").glob("1700000001.*")),
                     2: next((self.md / "cur").glob("1700000002.*"))}
        for s, d in zip(src, dst):
            copy = next((self.archive / "cur").glob(recs[d] + ":2,*"))
            sf = src_files[s]
            self.assertEqual(copy.read_bytes(), sf.read_bytes())
            self.assertEqual(copy.stat().st_ino, sf.stat().st_ino)  # a hard link
            self.assertEqual(copy.name.split(":2,")[1], sf.name.split(":2,")[1])
        self.assertEqual(self.files(self.archive, "tmp"), [])
        kw = self.archive / "courierimapkeywords" / recs[3]
        self.assertEqual(kw.read_bytes(), b"$Label1\n")
        # Fetched from the target: the same bytes, flags and keywords.
        typ, data = m.uid("FETCH", "2", "(BODY.PEEK[])")
        body2 = data[0][1]
        self.assertEqual(m.select("INBOX.Archive", readonly=True)[0], "OK")
        typ, data = m.uid("FETCH", "3", "(FLAGS BODY.PEEK[])")
        self.assertIn(b"FLAGS (\\Answered $Label1)", data[0][0])
        self.assertEqual(data[0][1], body2)
        # COPY from an EXAMINEd mailbox is fine; a missing target is TRYCREATE.
        typ, data = m.copy("1:3", "INBOX")
        self.assertEqual(typ, "OK")
        self.assertEqual(self.copyuid(data[0])[1:], ([1, 2, 3], [4, 5, 6]))
        typ, data = m.copy("1", "INBOX.Nope")
        self.assertEqual((typ, data), ("NO", [b"[TRYCREATE] Mailbox does not exist."]))
        with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD.*Invalid message sequence"):
            m.copy("9", "INBOX")
        m.logout()

    def test_move_order_of_responses(self):
        p = self.start()
        p.stdin.write(b"a SELECT INBOX\r\nb UID MOVE 2:3 INBOX.Archive\r\n"
                      b"c FETCH 1:* (UID)\r\nd EXAMINE INBOX\r\ne MOVE 1 INBOX.Archive\r\n"
                      b"f LOGOUT\r\n")
        p.stdin.flush()
        self.read_until(p, b"a")
        lines = self.read_until(p, b"b")
        self.assertEqual(len(lines), 5, lines)
        uidv, src, dst = self.copyuid(lines[0])
        self.assertTrue(lines[0].startswith(b"* OK [COPYUID "), lines)
        # The target had no uiddb: a full sync numbered the copies (in file-name order), and
        # COPYUID pairs each source with its copy whatever that order was.
        self.assertEqual(src, [2, 3])
        self.assertEqual(sorted(dst), [1, 2])
        self.assertEqual(lines[1:], [b"* 2 EXPUNGE\r\n", b"* 2 EXPUNGE\r\n", b"* 0 RECENT\r\n",
                                     b"b OK UID MOVE completed.\r\n"])
        self.assertEqual(self.read_until(p, b"c"),
                         [b"* 1 FETCH (UID 1)\r\n", b"c OK FETCH completed.\r\n"])
        self.read_until(p, b"d")
        self.assertEqual(self.read_until(p, b"e"),
                         [b"e NO [READ-ONLY] The mailbox is read-only.\r\n"])
        self.read_until(p, b"f")
        # The sources are gone, the target has them with their UIDs.
        self.assertEqual([n[:10] for n in self.files(self.md, "cur")], ["1700000001"])
        header, recs = self.uiddb(self.archive)
        self.assertEqual(header, f"1 {uidv} 3")
        self.assertEqual(sorted(recs), [1, 2])
        sources = {2: next((self.FIXTURE / "cur").glob("1700000002.*")).read_bytes(),
                   3: (self.FIXTURE / "new" / "1700000003.M3P1Q3.fixture").read_bytes()}
        for s, d in zip(src, dst):
            copy = next((self.archive / "cur").glob(recs[d] + ":2,*"))
            self.assertEqual(copy.read_bytes(), sources[s])

    # --- concurrency ---

    def test_concurrent_appends_and_deliveries_never_share_a_uid(self):
        n = 40
        procs = [self.start(), self.start(), self.start()]
        for k, p in enumerate(procs):
            cmds = []
            if k == 2:
                cmds.append(b"s SELECT INBOX\r\n")
            for i in range(n):
                msg = f"X-Id: {k}-{i}\r\nSubject: c\r\n\r\nbody {k} {i}\r\n".encode()
                cmds.append(b"a%d APPEND INBOX {%d+}\r\n" % (i, len(msg)) + msg + b"\r\n")
            cmds.append(b"z LOGOUT\r\n")
            p.stdin.write(b"".join(cmds))
            p.stdin.flush()
        # Deliveries into new/ meanwhile (as deliverquota makes them: tmp/, then rename).
        delivered = set()
        for i in range(20):
            name = f"1800000000.M{i}P99Q{i}.test"
            (self.md / "tmp" / name).write_bytes(f"X-Id: d-{i}\n\nd\n".encode())
            if IS_ROOT:
                os.chown(self.md / "tmp" / name, NOBODY, NOBODY)
            os.rename(self.md / "tmp" / name, self.md / "new" / name)
            delivered.add(f"d-{i}")
        got = {}
        for k, p in enumerate(procs):
            out = b"".join(self.read_until(p, b"z"))
            uids = [int(u) for u in re.findall(rb"\[APPENDUID \d+ (\d+)\]", out)]
            self.assertEqual(len(uids), n, out[-300:])
            for i, u in enumerate(uids):
                self.assertNotIn(u, got)
                got[u] = f"{k}-{i}"
        # Every APPENDUID names the message that was appended, as a new session sees it.
        m = self.imap()
        self.assertEqual(m.select("INBOX")[0], "OK")
        typ, data = m.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (X-Id)])")
        seen = {}
        for item in data:
            if isinstance(item, tuple):
                uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
                xid = item[1].strip().decode()
                if xid:
                    seen[uid] = xid.split(": ")[1]
        self.assertEqual({u: x for u, x in seen.items() if not x.startswith("d-")}, got)
        self.assertEqual({x for x in seen.values() if x.startswith("d-")}, delivered)
        self.assertEqual(len(seen), len(got) + len(delivered))  # one UID each
        self.assertEqual(self.files(self.md, "tmp"), [])


if __name__ == "__main__":
    unittest.main()
