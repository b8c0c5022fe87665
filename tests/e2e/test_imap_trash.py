"""End-to-end: Courier's trash settings in the real imapd (on a pipe, preauth mode, as the mail
user), with the files on disk checked: IMAP_MOVE_EXPUNGE_TO_TRASH (EXPUNGE, UID EXPUNGE and
CLOSE keep a copy of the \\Deleted messages in the trash folder, created when missing, except
when expunging in the trash itself; MOVE is no deletion), IMAP_TRASHFOLDERNAME, and
IMAP_EMPTYTRASH ("Trash:7,Sent:30": files older than that many days by ctime leave cur/ at
login and at logout). The ages are made with faketime (libfaketime moves imapd's clock, not the
files' ctimes), which must be installed. Needs root (imapd runs as the test's mail user)."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import IMAPD, ensure_user, maildir_files as files  # noqa: E402
from test_imap_service import DELIVER, MESSAGES  # noqa: E402


def flags_of(names):
    return sorted(n.rsplit(":2,", 1)[1] if ":2," in n else "" for n in names)


@unittest.skipUnless(os.geteuid() == 0, "runs imapd as the test's mail user")
class ImapTrash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not IMAPD.exists() or not DELIVER.exists():
            raise AssertionError(f"{IMAPD} or {DELIVER} not built")
        cls.user = ensure_user("hatotest")

    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-imaptrash-"))
        os.chmod(self.dir, 0o755)
        self.maildir = self.dir / "Maildir"
        for i in range(3):
            msg = MESSAGES[0].replace(b"first", b"message %d" % (i + 1))
            subprocess.run([str(DELIVER), "-c", str(self.maildir)], input=msg, check=True)
            time.sleep(0.01)
        self.chown()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def chown(self):
        subprocess.run(["chown", "-R", f"{self.user.pw_uid}:{self.user.pw_gid}", str(self.dir)],
                       check=True)

    def run_imapd(self, commands, env=None, prefix=()):
        """imapd on a pipe: the commands (CRLF added), then its whole output."""
        full = dict(os.environ, HOME=str(self.dir), HATO_IMAPD_PREAUTH="1", **(env or {}))
        # libfaketime in front of an ASan build: ASan need not come first in the list.
        full["ASAN_OPTIONS"] = "verify_asan_link_order=0:" + full.get("ASAN_OPTIONS", "")
        data = b"".join(c + b"\r\n" for c in commands)
        r = subprocess.run([*prefix, str(IMAPD), "Maildir"], input=data, capture_output=True,
                           env=full, user=self.user.pw_uid, group=self.user.pw_gid,
                           cwd=str(self.dir), timeout=30)
        self.assertNotRegex(r.stderr.decode(errors="replace"),
                            r"AddressSanitizer|LeakSanitizer|runtime error")
        return r.stdout

    def test_expunge_moves_deleted_messages_to_trash(self):
        out = self.run_imapd([b"a SELECT INBOX", b"b STORE 1,3 +FLAGS (\\Deleted \\Seen)",
                              b"c STORE 3 +FLAGS ($Work)", b"d EXPUNGE", b"e LOGOUT"],
                             {"IMAP_MOVE_EXPUNGE_TO_TRASH": "1"})
        self.assertIn(b"* 1 EXPUNGE\r\n* 2 EXPUNGE\r\n* 1 RECENT\r\nd OK EXPUNGE completed.\r\n", out)
        trash = self.maildir / ".Trash"
        self.assertTrue((trash / "maildirfolder").exists(), "trash folder not created")
        self.assertEqual(len(files(self.maildir)), 1)
        # Seen kept, Deleted (T) dropped: in the trash they are ordinary messages again.
        self.assertEqual(flags_of(files(trash)), ["S", "S"])
        bodies = sorted((trash / "cur" / n).read_bytes() for n in files(trash))
        self.assertEqual([re.search(rb"Subject: ([^\r\n]*)", b).group(1) for b in bodies],
                         [b"message 1", b"message 3"])
        # Numbered at once (courierimapuiddb), keyword carried along.
        out = self.run_imapd([b"a SELECT INBOX.Trash",
                              b"b FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
                              b"c LOGOUT"], {"IMAP_MOVE_EXPUNGE_TO_TRASH": "1"})
        self.assertIn(b"* OK [UIDNEXT 3]", out)
        self.assertIn(b"* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {22}\r\n"
                      b"Subject: message 1\r\n\r\n)\r\n"
                      b"* 2 FETCH (UID 2 FLAGS (\\Seen $Work) BODY[HEADER.FIELDS (SUBJECT)] "
                      b"{22}\r\nSubject: message 3\r\n\r\n)\r\n", out)
        # Expunging in the trash itself removes for good.
        out = self.run_imapd([b"a SELECT INBOX.Trash", b"b STORE 1 +FLAGS.SILENT (\\Deleted)",
                              b"c EXPUNGE", b"d LOGOUT"], {"IMAP_MOVE_EXPUNGE_TO_TRASH": "1"})
        self.assertIn(b"* 1 EXPUNGE\r\nc OK EXPUNGE completed.\r\n", out)
        self.assertEqual(len(files(trash)), 1)
        self.assertEqual(sorted(p.name for p in self.maildir.iterdir() if p.name[0] == "."),
                         [".Trash"])

    def test_uid_expunge_close_and_trash_folder_name(self):
        env = {"IMAP_MOVE_EXPUNGE_TO_TRASH": "1", "IMAP_TRASHFOLDERNAME": "Deleted Items"}
        out = self.run_imapd([b"a SELECT INBOX", b"b STORE 1:3 +FLAGS.SILENT (\\Deleted)",
                              b"c UID EXPUNGE 2", b"d CLOSE", b"e LOGOUT"], env)
        self.assertIn(b"* 2 EXPUNGE\r\n* 2 RECENT\r\nc OK UID EXPUNGE completed.\r\n"
                      b"d OK CLOSE completed.\r\n", out)
        self.assertEqual(files(self.maildir), [])
        self.assertFalse((self.maildir / ".Trash").exists())
        trash = self.maildir / ".Deleted Items"
        self.assertEqual(flags_of(files(trash)), ["", "", ""])
        # The folder is the trash for SPECIAL-USE too.
        out = self.run_imapd([b'a LIST "" "INBOX.D*"', b"b LOGOUT"], env)
        self.assertIn(b'* LIST (\\HasNoChildren \\Trash) "." "INBOX.Deleted Items"\r\n', out)

    def test_move_and_read_only_and_unset_keep_nothing(self):
        env = {"IMAP_MOVE_EXPUNGE_TO_TRASH": "1"}
        out = self.run_imapd([b"a CREATE INBOX.Archive", b"b SELECT INBOX",
                              b"c MOVE 1 INBOX.Archive",
                              b"d STORE 1 +FLAGS.SILENT (\\Deleted)", b"e EXAMINE INBOX",
                              b"f EXPUNGE", b"g CLOSE", b"h LOGOUT"], env)
        self.assertIn(b"f NO [READ-ONLY]", out)
        # MOVE is not a deletion; EXAMINE's CLOSE removes nothing.
        self.assertFalse((self.maildir / ".Trash").exists())
        self.assertEqual(len(files(self.maildir)), 2)
        self.assertEqual(len(files(self.maildir / ".Archive")), 1)
        for value in ("0", ""):
            out = self.run_imapd([b"a SELECT INBOX", b"b EXPUNGE", b"c LOGOUT"],
                                 {"IMAP_MOVE_EXPUNGE_TO_TRASH": value})
            self.assertIn(b"* 1 EXPUNGE\r\nb OK EXPUNGE completed.\r\n", out)
            self.assertFalse((self.maildir / ".Trash").exists(), value)
            self.assertEqual(len(files(self.maildir)), 1)
            self.deliver_one(self.maildir)
            self.run_imapd([b"a SELECT INBOX", b"b STORE 1 +FLAGS.SILENT (\\Deleted)",
                            b"c LOGOUT"])

    def deliver_one(self, folder):
        subprocess.run([str(DELIVER), str(folder)], input=MESSAGES[1], check=True,
                       user=self.user.pw_uid, group=self.user.pw_gid)

    def make_folder(self, name, count):
        """A folder with count messages in cur/ (ctime: now)."""
        folder = self.maildir / ("." + name)
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / "maildirfolder").touch()
        for i in range(count):
            (folder / "cur" / f"1700000000.M{i}P1.test:2,S").write_bytes(MESSAGES[1])
        self.chown()
        return folder

    def faketime(self, offset):
        tool = shutil.which("faketime")
        if tool is None:
            raise AssertionError("faketime is not installed (apt-get install faketime)")
        return (tool, "-f", offset)

    def test_emptytrash_at_login_and_logout(self):
        trash, sent, other = (self.make_folder(n, 2) for n in ("Trash", "Sent", "Other"))
        env = {"IMAP_EMPTYTRASH": "Trash:7, Sent:30,bad,Nowhere:3,Other:0", "NO_FAKE_STAT": "1"}
        # Now: nothing is old enough.
        self.run_imapd([b"a LOGOUT"], env)
        self.assertEqual([len(files(f)) for f in (trash, sent, other)], [2, 2, 2])
        # Eight days on: Trash (7 days) is emptied at login, Sent (30) is not, Other (0 days:
        # not a valid entry) never; INBOX is never touched.
        proc = subprocess.Popen(
            [*self.faketime("+8d"), str(IMAPD), "Maildir"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, user=self.user.pw_uid,
            group=self.user.pw_gid, cwd=str(self.dir),
            env=dict(os.environ, HOME=str(self.dir), HATO_IMAPD_PREAUTH="1", **env,
                     ASAN_OPTIONS="verify_asan_link_order=0:" + os.environ.get("ASAN_OPTIONS",
                                                                                "")))
        try:
            self.assertRegex(proc.stdout.readline(), rb"^\* PREAUTH ")
            self.assertEqual(files(trash), [])
            self.assertEqual([len(files(f)) for f in (sent, other)], [2, 2])
            self.assertEqual(len(files(self.maildir)), 3)
            # A message put in the trash during the session is "eight days old" by imapd's
            # clock at logout: gone then.
            self.make_folder("Trash", 1)
            self.assertEqual(len(files(trash)), 1)
            out, err = proc.communicate(b"a LOGOUT\r\n", timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertIn(b"a OK LOGOUT completed.", out)
        self.assertEqual(files(trash), [])
        self.assertIn(b'IMAP_EMPTYTRASH: "bad": not folder:days, ignored', err)
        self.assertIn(b'IMAP_EMPTYTRASH: "Other:0": days out of range, ignored', err)
        self.assertEqual([len(files(f)) for f in (sent, other)], [2, 2])
        # Thirty-one days on: Sent too.
        self.run_imapd([b"a LOGOUT"], env, prefix=self.faketime("+31d"))
        self.assertEqual([len(files(f)) for f in (trash, sent, other)], [0, 0, 2])
        self.assertEqual(len(files(self.maildir)), 3)
        # A bare number is the trash folder's days.
        self.make_folder("Trash", 1)
        self.run_imapd([b"a LOGOUT"], {"IMAP_EMPTYTRASH": "2", "NO_FAKE_STAT": "1"},
                       prefix=self.faketime("+3d"))
        self.assertEqual(files(trash), [])


if __name__ == "__main__":
    unittest.main()
