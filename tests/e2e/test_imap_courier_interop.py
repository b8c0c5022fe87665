"""Cross-server: one Maildir served in turn by Debian's Courier-IMAP and by Hato's imapd.

Both programs run the way their login programs start them, on a pipe and already authenticated,
so no ports, daemons or passwords are involved: Courier's `/usr/bin/imapd Maildir` with
AUTHENTICATED set (it then greets `* PREAUTH Ready.`), Hato's `imapd -t Maildir`. Both run as the
same unprivileged uid (65534 under setpriv when the test runs as root), as two mail sessions of
one user would.

Proven, byte for byte on the FETCH (UID FLAGS) lines of fresh sessions:
 (a) Courier assigns UIDs, stores flags and keywords, expunges (a UID gap and an expunged last
     UID), creates a folder with a non-ASCII name: Hato then reports the same UIDVALIDITY, UIDs,
     flags and keywords in INBOX and in the folder, and continues Courier's UID sequence.
 (b) Hato assigns UIDs, stores flags and keywords, expunges, creates a folder and appends to it:
     Courier then reports the same.

Needs the Debian package courier-imap (scripts/install-deps.sh --test)."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
HATO_IMAPD = BUILD / "imapd" / "imapd"
COURIER_IMAPD = pathlib.Path("/usr/bin/imapd")  # Debian courier-imap: Courier's imapd itself
NOBODY = 65534
IS_ROOT = os.geteuid() == 0

MESSAGES = [  # (directory, base name, bytes): as an MTA would have delivered them
    ("new", "1700000001.M100001P101Q1.mx", b"From: a@example.com\nSubject: one\n\nfirst\n"),
    ("new", "1700000002.M100002P102Q2.mx", b"From: b@example.com\nSubject: two\n\nsecond\n"),
    ("cur", "1700000003.M100003P103Q3.mx", b"From: c@example.com\nSubject: three\n\nthird\n"),
    ("new", "1700000004.M100004P104Q4.mx", b"From: d@example.com\nSubject: four\n\nfourth\n"),
    ("new", "1700000005.M100005P105Q5.mx", b"From: e@example.com\nSubject: five\n\nfifth\n"),
    ("new", "1700000006.M100006P106Q6.mx", b"From: f@example.com\nSubject: six\n\nsixth\n"),
]
FOLDER = "INBOX.R&AOk-sum&AOk-"  # INBOX.Résumé in modified UTF-7
FOLDER_DIR = ".Résumé"          # on disk: UTF-8 (Courier 5)


class Session:
    """One IMAP session on a pipe: send a command, collect the lines up to its tagged reply."""

    def __init__(self, test, argv, env, name):
        self.test, self.name, self.n = test, name, 0
        self.err = tempfile.TemporaryFile()
        self.p = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.err)
        test.addCleanup(self.close)
        self.greeting = self.p.stdout.readline()
        test.assertTrue(self.greeting.startswith(b"* PREAUTH"),
                        f"{name}: greeting {self.greeting!r} {self.stderr()}")

    def stderr(self):
        self.err.seek(0)
        return self.err.read().decode(errors="replace")

    def cmd(self, text, literal=None):
        self.n += 1
        tag = b"T%03d" % self.n
        line = tag + b" " + text.encode()
        if literal is None:
            self.p.stdin.write(line + b"\r\n")
            self.p.stdin.flush()
        else:
            self.p.stdin.write(line + b" {%d}\r\n" % len(literal))
            self.p.stdin.flush()
            cont = self.p.stdout.readline()
            self.test.assertTrue(cont.startswith(b"+"), f"{self.name}: {text}: {cont!r}")
            self.p.stdin.write(literal + b"\r\n")
            self.p.stdin.flush()
        lines = []
        while True:
            resp = self.p.stdout.readline()
            self.test.assertTrue(resp, f"{self.name} closed the connection after {text!r}: "
                                 f"{lines!r} {self.stderr()}")
            lines.append(resp)
            if resp.startswith(tag + b" "):
                return lines

    def ok(self, text, literal=None):
        """The command must answer OK; returns its untagged lines."""
        lines = self.cmd(text, literal)
        if lines[-1].endswith(b" BAD Unknown command.\r\n"):
            self.test.fail(f"{self.name} does not implement {text.split()[0]} yet "
                           f"(Hato: CREATE comes with branch imaplist, APPEND with imapappend)")
        self.test.assertRegex(lines[-1], rb"^T\d+ OK", f"{self.name}: {text}: {lines!r}")
        return lines[:-1]

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.write(b"Z LOGOUT\r\n")
                self.p.stdin.flush()
            except BrokenPipeError:
                pass
        for f in (self.p.stdin, self.p.stdout):
            try:
                f.close()
            except BrokenPipeError:
                pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        if self.err.closed:
            return
        log = self.stderr()
        self.err.close()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            self.test.assertNotIn(marker, log, f"{self.name}: sanitizer report")


def uidvalidity(lines):
    for line in lines:
        m = re.match(rb"\* OK \[UIDVALIDITY (\d+)\]", line)
        if m:
            return int(m.group(1))
    raise AssertionError(f"no UIDVALIDITY in {lines!r}")


def fetches(lines):
    return [line for line in lines if re.match(rb"\* \d+ FETCH ", line)]


def expunges(lines):
    return [line for line in lines if re.match(rb"\* \d+ EXPUNGE\r\n", line)]


def flag_set(line):
    m = re.search(rb"FLAGS \(([^)]*)\)", line)
    return set(m.group(1).split())


def read_uiddb(folder):
    """courierimapuiddb: (uidvalidity, nextuid, {uid: base name})."""
    lines = (folder / "courierimapuiddb").read_text().splitlines()
    version, uidv, nextuid = lines[0].split()
    assert version == "1", lines[0]
    recs = {}
    for rec in lines[1:]:
        uid, name = rec.split(" ", 1)
        recs[int(uid)] = name
    return int(uidv), int(nextuid), recs


class CourierInterop(unittest.TestCase):
    def setUp(self):
        self.assertTrue(HATO_IMAPD.exists(), f"{HATO_IMAPD} not built (set HATO_BUILD)")
        self.assertTrue(COURIER_IMAPD.exists(),
                        f"{COURIER_IMAPD} missing: install the Debian package courier-imap")
        if IS_ROOT:
            self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is needed as root")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-courier-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        os.chmod(self.tmp, 0o755)
        self.md = self.tmp / "Maildir"
        for d in ("cur", "new", "tmp"):
            (self.md / d).mkdir(parents=True)
        for where, name, data in MESSAGES:
            path = self.md / where / (name + (":2,S" if where == "cur" else ""))
            path.write_bytes(data)
            t = int(name.split(".")[0])
            os.utime(path, (t, t))
        self.chown()

    def chown(self):
        if IS_ROOT:
            for p in [self.md, *self.md.rglob("*")]:
                os.chown(p, NOBODY, NOBODY)

    def deliver(self, folder, name, data):
        (folder / "new" / name).write_bytes(data)
        self.chown()

    def run_as_mailuser(self, argv):
        if IS_ROOT:
            return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        return argv

    def courier(self):
        env = {"PATH": "/usr/bin:/bin", "AUTHENTICATED": "hatotest", "IMAP_KEYWORDS": "1",
               "TCPREMOTEIP": "127.0.0.1", "TZ": "UTC"}
        s = Session(self, self.run_as_mailuser([str(COURIER_IMAPD), str(self.md)]), env,
                    "Courier imapd")
        self.assertEqual(s.greeting, b"* PREAUTH Ready.\r\n")
        return s

    def hato(self):
        env = {"PATH": "/usr/bin:/bin", "TZ": "UTC"}
        s = Session(self, self.run_as_mailuser([str(HATO_IMAPD), "-t", str(self.md)]), env,
                    "Hato imapd")
        self.assertTrue(s.greeting.startswith(b"* PREAUTH [CAPABILITY IMAP4rev1"), s.greeting)
        return s

    def view(self, session, mailbox):
        """(UIDVALIDITY, FETCH 1:* (UID FLAGS) lines) of a mailbox, read-only."""
        sel = session.ok(f"EXAMINE {mailbox}")
        return uidvalidity(sel), fetches(session.ok("FETCH 1:* (UID FLAGS)")), sel

    def assert_same_view(self, ref, got, what):
        """The same UIDVALIDITY and the same FETCH lines. Both servers list system flags before
        keywords, but Courier sorts keywords by byte value and Hato keeps the order they were
        stored in; so the lines are compared exactly after the flags of each line are sorted."""
        self.assertEqual(ref[0], got[0], f"{what}: UIDVALIDITY")

        def canon(line):
            m = re.match(rb"(\* \d+ FETCH \(UID \d+ FLAGS \()([^)]*)(\)\)\r\n)$", line)
            self.assertIsNotNone(m, line)
            return m.group(1) + b" ".join(sorted(m.group(2).split(), key=bytes.lower)) + m.group(3)

        self.assertEqual([canon(x) for x in ref[1]], [canon(x) for x in got[1]],
                         f"{what}: FETCH (UID FLAGS)")

    def assert_same_messages(self, box, count):
        """Sizes (CRLF counted), dates (file mtimes) and bytes of every message: the same
        response lines from both servers."""
        lines = {}
        for name, session in (("Courier", self.courier()), ("Hato", self.hato())):
            session.ok(f"EXAMINE {box}")
            lines[name] = session.ok("FETCH 1:* (UID RFC822.SIZE INTERNALDATE BODY.PEEK[])")
            session.close()
        self.assertEqual(lines["Hato"], lines["Courier"], box)
        self.assertEqual(len(fetches(lines["Hato"])), count)

    # ---------------------------------------------------------------- (a) Courier, then Hato

    def test_courier_maildir_served_by_hato(self):
        c = self.courier()
        sel = c.ok("SELECT INBOX")
        self.assertIn(b"* 6 EXISTS\r\n", sel)
        c.ok("STORE 1 +FLAGS (\\Answered $Forwarded)")
        c.ok("STORE 2 +FLAGS (\\Flagged Junk $Label1)")
        c.ok("STORE 3 +FLAGS (\\Draft)")
        c.ok("STORE 3 -FLAGS (\\Seen)")
        c.ok("STORE 4 +FLAGS (\\Deleted)")
        c.ok("STORE 5 +FLAGS (\\Seen NonJunk $Label1)")
        c.ok("STORE 6 +FLAGS (\\Deleted)")
        self.assertEqual(expunges(c.ok("EXPUNGE")), [b"* 4 EXPUNGE\r\n", b"* 5 EXPUNGE\r\n"])
        c.ok(f"CREATE {FOLDER}")
        folder = self.md / FOLDER_DIR
        self.assertTrue((folder / "maildirfolder").exists())
        self.deliver(folder, "1700000100.M1P1Q1.mx", b"Subject: in folder\n\nx\n")
        self.deliver(folder, "1700000101.M1P1Q2.mx", b"Subject: in folder 2\n\ny\n")
        c.ok(f"SELECT {FOLDER}")
        c.ok("STORE 2 +FLAGS (\\Seen ProjectX)")
        # A message Courier writes itself (its own file name form), with a keyword.
        c.ok(f"APPEND {FOLDER} (\\Flagged Appended) \"14-Nov-2023 22:13:20 +0000\"",
             b"Subject: appended by Courier\r\n\r\nbody\r\n")
        c.close()

        uidv, nextuid, recs = read_uiddb(self.md)
        self.assertEqual(sorted(recs), [1, 2, 3, 5])  # UID 4 and UID 6 expunged by Courier
        self.assertEqual(nextuid, 7)

        # Courier's own view in a fresh session (no \Recent left), then Hato's.
        c = self.courier()
        ref_inbox = self.view(c, "INBOX")
        ref_folder = self.view(c, FOLDER)
        c.close()
        self.assertEqual(ref_inbox[0], uidv)
        self.assertEqual(len(ref_inbox[1]), 4, ref_inbox)
        # Courier's second session folded the per-message keyword files into :list (and renamed
        # them .N.<name>): Hato reads that form below.
        self.assertTrue((self.md / "courierimapkeywords" / ":list").exists())
        self.assertIn(b"Junk", flag_set(ref_inbox[1][1]))
        self.assertEqual(len(ref_folder[1]), 3, ref_folder)
        self.assertEqual(flag_set(ref_folder[1][2]), {b"\\Flagged", b"Appended"})

        h = self.hato()
        got_inbox = self.view(h, "INBOX")
        got_folder = self.view(h, FOLDER)
        self.assert_same_view(ref_inbox, got_inbox, "INBOX")
        self.assert_same_view(ref_folder, got_folder, FOLDER)
        self.assert_same_messages("INBOX", 4)
        self.assert_same_messages(FOLDER, 3)
        self.assertEqual(got_inbox[1], [
            b"* 1 FETCH (UID 1 FLAGS (\\Answered $Forwarded))\r\n",
            b"* 2 FETCH (UID 2 FLAGS (\\Flagged Junk $Label1))\r\n",
            b"* 3 FETCH (UID 3 FLAGS (\\Draft))\r\n",
            b"* 4 FETCH (UID 5 FLAGS (\\Seen NonJunk $Label1))\r\n"])
        # Courier's next UID is Hato's UIDNEXT, even though the last UID (6) is gone.
        self.assertIn(b"* OK [UIDNEXT 7] Predicted next UID.\r\n", got_inbox[2])
        h.close()
        self.assertEqual(read_uiddb(self.md), (uidv, nextuid, recs), "Hato rewrote the uiddb")

        # A delivery after Courier's session: Hato gives it UID 7, and Courier agrees.
        self.deliver(self.md, "1700000200.M2P2Q2.mx", b"Subject: late\n\nz\n")
        h = self.hato()
        h.ok("SELECT INBOX")
        h.ok("UID STORE 7 +FLAGS (\\Seen Later)")
        got_inbox = self.view(h, "INBOX")
        h.close()
        self.assertEqual(got_inbox[1][-1], b"* 5 FETCH (UID 7 FLAGS (\\Seen Later))\r\n")
        c = self.courier()
        self.assert_same_view(got_inbox, self.view(c, "INBOX"), "INBOX after Hato")
        c.close()

    # ---------------------------------------------------------------- (b) Hato, then Courier

    def hato_inbox_changes(self):
        h = self.hato()
        sel = h.ok("SELECT INBOX")
        self.assertIn(b"* 6 EXISTS\r\n", sel)
        h.ok("STORE 1 +FLAGS (\\Answered $Forwarded)")
        h.ok("STORE 2 +FLAGS (\\Flagged Junk $Label1)")
        h.ok("STORE 3 -FLAGS (\\Seen)")
        h.ok("STORE 3 +FLAGS (\\Draft)")
        h.ok("STORE 4 +FLAGS (\\Deleted)")
        h.ok("STORE 5 +FLAGS (\\Seen NonJunk $Label1)")
        h.ok("STORE 5 -FLAGS ($Label1)")
        h.ok("STORE 6 +FLAGS (\\Deleted)")
        self.assertEqual(expunges(h.ok("EXPUNGE")), [b"* 4 EXPUNGE\r\n", b"* 5 EXPUNGE\r\n"])
        return h

    def test_hato_maildir_served_by_courier(self):
        h = self.hato_inbox_changes()
        h.close()
        uidv, nextuid, recs = read_uiddb(self.md)
        # Hato may keep records of just-expunged files for a while (maildir/README.md: records
        # are dropped only when cur/ was quiet); Courier must not care.
        self.assertEqual(nextuid, 7)
        self.assertLessEqual({1, 2, 3, 5}, set(recs))

        h = self.hato()
        ref = self.view(h, "INBOX")
        h.close()
        self.assertEqual(ref[0], uidv)
        self.assertEqual(ref[1], [
            b"* 1 FETCH (UID 1 FLAGS (\\Answered $Forwarded))\r\n",
            b"* 2 FETCH (UID 2 FLAGS (\\Flagged Junk $Label1))\r\n",
            b"* 3 FETCH (UID 3 FLAGS (\\Draft))\r\n",
            b"* 4 FETCH (UID 5 FLAGS (\\Seen NonJunk))\r\n"])

        c = self.courier()
        got = self.view(c, "INBOX")
        self.assert_same_view(ref, got, "INBOX")
        # Courier lists the keywords Hato stored as flags of the mailbox.
        flags = [line for line in got[2] if line.startswith(b"* FLAGS ")]
        self.assertEqual(len(flags), 1, got[2])
        for kw in (b"$Forwarded", b"Junk", b"$Label1", b"NonJunk"):
            self.assertIn(kw, flags[0].split(b"(")[1])
        c.close()
        self.assert_same_messages("INBOX", 4)
        # Courier has folded Hato's per-message keyword files into its :list: Hato reads that.
        self.assertTrue((self.md / "courierimapkeywords" / ":list").exists())
        h = self.hato()
        self.assertEqual(self.view(h, "INBOX")[:2], ref[:2])
        h.close()
        # Courier continues Hato's UID sequence after a new delivery.
        self.deliver(self.md, "1700000200.M2P2Q2.mx", b"Subject: late\n\nz\n")
        c = self.courier()
        c.ok("SELECT INBOX")
        self.assertEqual(fetches(c.ok("FETCH 5 (UID)")), [b"* 5 FETCH (UID 7)\r\n"])
        c.close()

    def test_hato_created_folder_served_by_courier(self):
        """CREATE and APPEND (with flags and keywords) by Hato, read by Courier."""
        h = self.hato()
        h.ok(f"CREATE {FOLDER}")
        folder = self.md / FOLDER_DIR
        self.assertTrue((folder / "maildirfolder").exists(),
                        "Hato's CREATE made no Maildir++ folder")
        h.ok(f"APPEND {FOLDER} (\\Seen ProjectX) \"14-Nov-2023 22:13:20 +0000\"",
             b"Subject: appended\r\n\r\nbody\r\n")
        h.ok(f"APPEND {FOLDER} (\\Flagged)", b"Subject: appended 2\r\n\r\nbody 2\r\n")
        h.close()
        h = self.hato()
        ref = self.view(h, FOLDER)
        h.close()
        self.assertEqual(ref[1], [b"* 1 FETCH (UID 1 FLAGS (\\Seen ProjectX))\r\n",
                                  b"* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n"])
        c = self.courier()
        self.assert_same_view(ref, self.view(c, FOLDER), FOLDER)
        body = c.cmd("FETCH 1 BODY.PEEK[]")
        self.assertEqual(body[0], b"* 1 FETCH (BODY[] {27}\r\n")
        self.assertEqual(body[1:3], [b"Subject: appended\r\n", b"\r\n"])
        c.close()
        self.assert_same_messages(FOLDER, 2)

    # ---------------------------------------------------------------- both at once

    def test_live_sessions_see_each_other(self):
        """A Hato and a Courier session on the same mailbox at the same time: each reports the
        other's flag, keyword, expunge and delivery changes, and new mail gets one UID."""
        h = self.hato()
        h.ok("SELECT INBOX")  # Hato moves new/ to cur/: the \Recent messages are its own
        c = self.courier()
        c.ok("SELECT INBOX")
        c.ok("STORE 2 +FLAGS (\\Flagged Junk)")
        self.assertEqual(h.ok("NOOP"), [b"* 2 FETCH (FLAGS (\\Flagged \\Recent Junk))\r\n"])
        h.ok("STORE 1 +FLAGS.SILENT (\\Answered $Forwarded)")
        got = fetches(c.ok("NOOP"))
        self.assertEqual(len(got), 1, got)
        self.assertEqual(flag_set(got[0]), {b"\\Answered", b"$Forwarded"})
        c.ok("STORE 3 +FLAGS.SILENT (\\Deleted)")
        c.ok("EXPUNGE")
        self.assertEqual(expunges(h.ok("NOOP")), [b"* 3 EXPUNGE\r\n"])
        # New mail: Hato's session sees it first and numbers it; Courier reads that number.
        self.deliver(self.md, "1700000200.M2P2Q2.mx", b"Subject: late\n\nz\n")
        self.assertIn(b"* 6 EXISTS\r\n", h.ok("NOOP"))
        self.assertIn(b"* 6 EXISTS\r\n", c.ok("NOOP"))
        # Then the other way round.
        self.deliver(self.md, "1700000201.M2P2Q3.mx", b"Subject: later\n\nz\n")
        self.assertIn(b"* 7 EXISTS\r\n", c.ok("NOOP"))
        self.assertIn(b"* 7 EXISTS\r\n", h.ok("NOOP"))
        want = [b"* %d FETCH (UID %d)\r\n" % (seq, uid)
                for seq, uid in ((1, 1), (2, 2), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8))]
        self.assertEqual(fetches(h.ok("FETCH 1:* (UID)")), want)
        self.assertEqual(fetches(c.ok("FETCH 1:* (UID)")), want)


if __name__ == "__main__":
    unittest.main()
