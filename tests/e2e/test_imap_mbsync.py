"""Real client: mbsync (Debian isync) syncing a local Maildir two ways with Hato's imapd.

mbsync reaches imapd through its `Tunnel` command: it runs `imapd -t Maildir` on a pipe (PREAUTH,
no port, no login), exactly what an `ssh host imapd` setup does. The remote Maildir is changed
behind mbsync's back by another IMAP session (Python's imaplib on Hato's imapd) and by plain
deliveries into new/, the local one as a mail reader would (renames, unlinks, new files).

Proven: the first pull is byte-exact; a flag change, a deletion and a new message on either side
reach the other side. mbsync stores messages in the local Maildir with LF line ends, as Hato
stores them, so local and remote files compare byte for byte.

imapd refuses root, so as root it runs under setpriv as uid 65534 (the remote Maildir is owned by
that uid); mbsync itself runs as the test user. Needs the Debian package isync."""
import imaplib
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import unittest

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
IMAPD = BUILD / "imapd" / "imapd"
NOBODY = 65534
IS_ROOT = os.geteuid() == 0

REMOTE = [  # base name, bytes: deliveries into the remote Maildir's new/ before the first sync
    ("1700000001.M1P1Q1.mx", b"From: a@example.com\nSubject: one\n\nfirst\n"),
    ("1700000002.M1P1Q2.mx",
     "From: b@example.com\nSubject: =?UTF-8?Q?zw=C3=B6lf?=\n\nFrom here on 8 bit: zwölf\n.\n"
     "..dots\n".encode()),
    ("1700000003.M1P1Q3.mx", b"From: c@example.com\nSubject: three\n\n" + b"y" * 2000 + b"\n"),
]


def with_tuid(data, copy):
    """data as mbsync stores a copy of it: mbsync (1.x) puts an `X-TUID: <12 chars>` header at the
    end of the header of every message it propagates, to find it again after a crash; the rest
    must be unchanged."""
    m = re.search(rb"\nX-TUID: ([A-Za-z0-9+/]{12})\n\n", copy)
    assert m, f"no X-TUID header in {copy!r}"
    return data.replace(b"\n\n", b"\nX-TUID: " + m.group(1) + b"\n\n", 1)


def subject(data):
    m = re.search(rb"^Subject: (.*)$", data, re.M)
    return m.group(1).decode() if m else None


class Mbsync(unittest.TestCase):
    def setUp(self):
        self.assertTrue(IMAPD.exists(), f"{IMAPD} not built (set HATO_BUILD)")
        self.assertIsNotNone(shutil.which("mbsync"), "mbsync missing: install the Debian package isync")
        if IS_ROOT:
            self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is needed as root")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-mbsync-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        os.chmod(self.tmp, 0o755)
        self.remote = self.tmp / "remote"
        for d in ("cur", "new", "tmp"):
            (self.remote / d).mkdir(parents=True)
        for name, data in REMOTE:
            self.deliver(name, data)
        self.local = self.tmp / "local"
        self.local.mkdir()
        self.rc = self.tmp / "mbsyncrc"
        self.rc.write_text(f"""IMAPAccount hato
Tunnel "{' '.join(shlex.quote(a) for a in self.imapd_argv())}"

IMAPStore far
Account hato

MaildirStore near
Path {self.local}/
Inbox {self.local}/INBOX

Channel inbox
Far :far:INBOX
Near :near:INBOX
Create Both
Expunge Both
SyncState *
""")

    def imapd_argv(self):
        argv = [str(IMAPD), "-t", str(self.remote)]
        if IS_ROOT:
            argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        return argv

    def chown(self):
        if IS_ROOT:
            for p in [self.remote, *self.remote.rglob("*")]:
                os.chown(p, NOBODY, NOBODY)

    def deliver(self, name, data):
        (self.remote / "new" / name).write_bytes(data)
        self.chown()

    def sync(self):
        """Run mbsync once with its protocol log; fail with the IMAP exchange if it fails. A
        command Hato's imapd does not know yet is named in the failure."""
        r = subprocess.run(["mbsync", "-D", "-c", str(self.rc), "-a"], capture_output=True,
                           timeout=60)
        out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        sent = dict(re.findall(r"^F: >>> (\d+) (\S+)", out, re.M))
        for tag in re.findall(r"^F: (\d+) BAD Unknown command", out, re.M):
            self.fail(f"Hato's imapd does not implement {sent.get(tag)} yet, which mbsync needs "
                      f"(APPEND: branch imapappend; LIST/CREATE: branch imaplist)")
        self.assertEqual(r.returncode, 0, "mbsync failed:\n" + "\n".join(
            line for line in out.splitlines() if not line.startswith(("N: [", "F: ["))))
        return out

    def imap(self):
        m = imaplib.IMAP4_stream(" ".join(shlex.quote(a) for a in self.imapd_argv()))
        self.addCleanup(m.shutdown)
        self.assertEqual(m.state, "AUTH")
        self.assertEqual(m.select("INBOX")[0], "OK")
        return m

    @staticmethod
    def maildir_messages(md):
        """{subject: (path, flags)} of a Maildir's messages."""
        msgs = {}
        for d in ("new", "cur"):
            for p in (md / d).iterdir():
                flags = p.name.split(":2,", 1)[1] if ":2," in p.name else ""
                msgs[subject(p.read_bytes())] = (p, flags)
        return msgs

    def local_msgs(self):
        return self.maildir_messages(self.local / "INBOX")

    def remote_msgs(self):
        return self.maildir_messages(self.remote)

    def initial_pull(self):
        self.sync()
        local = self.local_msgs()
        self.assertEqual(sorted(local), sorted(subject(d) for _, d in REMOTE))
        remote = self.remote_msgs()
        for name, data in REMOTE:
            s = subject(data)
            self.assertEqual(local[s][0].read_bytes(), with_tuid(data, local[s][0].read_bytes()),
                             f"local copy of {s!r}")
            self.assertEqual(remote[s][0].read_bytes(), data, f"remote {s!r} changed")
            self.assertEqual(local[s][1], "")
        return local

    # ------------------------------------------------------------------------------------

    def test_initial_pull_byte_exact_and_idempotent(self):
        local = self.initial_pull()
        out = self.sync()  # nothing changed: nothing fetched, stored or appended again
        self.assertNotRegex(out, r"F: >>> \d+ (UID STORE|APPEND|EXPUNGE)")
        self.assertNotIn("BODY.PEEK[]", out)
        self.assertEqual({s: p.name for s, (p, _) in self.local_msgs().items()},
                         {s: p.name for s, (p, _) in local.items()})

    def test_flag_changes_both_ways(self):
        local = self.initial_pull()
        # Local: the reader marks "one" seen and answered (a rename, as Maildir readers do).
        p, _ = local["one"]
        p.rename(self.local / "INBOX" / "cur" / (p.name.split(":2,")[0] + ":2,RS"))
        # Remote: another IMAP session flags "three" and gives it a keyword.
        m = self.imap()
        self.assertEqual(m.uid("STORE", "3", "+FLAGS", "(\\Flagged)")[0], "OK")
        m.logout()
        self.sync()
        self.assertEqual(self.remote_msgs()["one"][1], "RS")
        self.assertEqual(self.local_msgs()["three"][1], "F")
        m = self.imap()
        self.assertEqual(m.uid("FETCH", "1:*", "(FLAGS)")[1], [
            b"1 (UID 1 FLAGS (\\Answered \\Seen))", b"2 (UID 2 FLAGS ())",
            b"3 (UID 3 FLAGS (\\Flagged))"])
        m.logout()
        # And back: the flags removed again on the remote side.
        m = self.imap()
        self.assertEqual(m.uid("STORE", "1", "-FLAGS", "(\\Answered)")[0], "OK")
        m.logout()
        self.sync()
        self.assertEqual(self.local_msgs()["one"][1], "S")

    def test_deletions_both_ways(self):
        local = self.initial_pull()
        # Local: the reader deletes "one" outright.
        local["one"][0].unlink()
        # Remote: another IMAP session deletes and expunges "three".
        m = self.imap()
        self.assertEqual(m.uid("STORE", "3", "+FLAGS", "(\\Deleted)")[0], "OK")
        self.assertEqual(m.expunge()[0], "OK")
        m.logout()
        self.sync()
        self.assertEqual(sorted(self.remote_msgs()), [subject(REMOTE[1][1])])
        self.assertEqual(sorted(self.local_msgs()), [subject(REMOTE[1][1])])
        m = self.imap()
        self.assertEqual(m.uid("FETCH", "1:*", "(FLAGS)")[1], [b"1 (UID 2 FLAGS ())"])
        m.logout()

    def test_new_remote_message_pulled(self):
        self.initial_pull()
        data = b"From: d@example.com\nSubject: four\n\nlate delivery\n"
        self.deliver("1700000004.M1P1Q4.mx", data)
        self.sync()
        local = self.local_msgs()
        copy = local["four"][0].read_bytes()
        self.assertEqual(copy, with_tuid(data, copy))
        self.assertEqual(len(local), 4)

    def test_new_local_message_pushed(self):
        self.initial_pull()
        data = b"From: me@example.com\nSubject: written here\n\ndraft text\n"
        path = self.local / "INBOX" / "cur" / "1700000500.M1P1Q1.local:2,DS"
        path.write_bytes(data)
        self.sync()
        remote = self.remote_msgs()
        self.assertIn("written here", remote)
        p, flags = remote["written here"]
        self.assertEqual(flags, "DS")
        copy = p.read_bytes()
        self.assertEqual(copy, with_tuid(data, copy))
        m = self.imap()
        typ, resp = m.uid("FETCH", "4", "(FLAGS)")
        self.assertEqual(resp, [b"4 (UID 4 FLAGS (\\Seen \\Draft))"])
        m.logout()
        self.sync()  # a second run changes nothing and keeps one copy on each side
        self.assertEqual(len(self.local_msgs()), 4)
        self.assertEqual(len(self.remote_msgs()), 4)


if __name__ == "__main__":
    unittest.main()
