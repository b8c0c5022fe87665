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
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import free_port, ensure_user  # noqa: E402  (next to this file)
from authd_for_tests import Authd  # noqa: E402  (the helper next to this file)

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
SRC = pathlib.Path(__file__).resolve().parents[2]
IMAPD = BUILD / "imapd" / "imapd"
TCPD = BUILD / "tcpd" / "hato-tcpd"
LOGIN = BUILD / "imapd" / "imap-login"
USERDB = BUILD / "userdb" / "userdb"
USERDBPW = BUILD / "userdb" / "userdbpw"
MAKEUSERDB = BUILD / "userdb" / "makeuserdb"
MKCERT = BUILD / "certs" / "mkimapdcert"
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
    mail_uid = NOBODY
    seen_draft = b"\\Seen \\Draft"  # how FETCH lists the two flags (Courier: the other way)

    def remote_path(self):
        return self.tmp / "remote"

    def account(self):
        """The IMAPAccount section: here a Tunnel running imapd in PREAUTH mode."""
        return f"""IMAPAccount hato
Tunnel "{' '.join(shlex.quote(a) for a in self.imapd_argv())}"
"""

    def store_extra(self):
        """More IMAPStore lines: none, imapd announces NAMESPACE (("INBOX." ".")) itself."""
        return ""

    def setUp(self):
        self.assertTrue(IMAPD.exists(), f"{IMAPD} not built (set HATO_BUILD)")
        self.assertIsNotNone(shutil.which("mbsync"),
                             "mbsync missing: install the Debian package isync")
        if IS_ROOT:
            self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is needed as root")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-mbsync-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        os.chmod(self.tmp, 0o755)
        self.remote = self.remote_path()
        for d in ("cur", "new", "tmp"):
            (self.remote / d).mkdir(parents=True)
        for name, data in REMOTE:
            self.deliver(name, data)
        self.local = self.tmp / "local"
        self.local.mkdir()
        self.rc = self.tmp / "mbsyncrc"
        self.rc.write_text(self.account() + f"""
IMAPStore far
Account hato
{self.store_extra()}
MaildirStore near
Path {self.local}/
Inbox {self.local}/INBOX
SubFolders Verbatim

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
            argv = ["setpriv", f"--reuid={self.mail_uid}", f"--regid={self.mail_uid}",
                    "--clear-groups", *argv]
        return argv

    def chown(self):
        if IS_ROOT:
            for p in [self.remote, *self.remote.rglob("*")]:
                os.chown(p, self.mail_uid, self.mail_uid)

    def deliver(self, name, data):
        (self.remote / "new" / name).write_bytes(data)
        self.chown()

    def sync(self):
        """Run mbsync once with its protocol log; fail with the IMAP exchange if it fails. A
        command Hato's imapd does not know yet is named in the failure."""
        r = subprocess.run(["mbsync", "-D", "-c", str(self.rc), "-a"], capture_output=True,
                           timeout=60)
        out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            self.assertNotIn(marker, out, "sanitizer report from imapd (in the tunnel)")
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
        self.assertEqual(resp, [b"4 (UID 4 FLAGS (" + self.seen_draft + b"))"])
        m.logout()
        self.sync()  # a second run changes nothing and keeps one copy on each side
        self.assertEqual(len(self.local_msgs()), 4)
        self.assertEqual(len(self.remote_msgs()), 4)

    all_patterns = "*"

    def all_folders(self):
        rc = self.rc.read_text()
        self.rc.write_text(rc.replace("Far :far:INBOX\nNear :near:INBOX\n",
                                      f"Far :far:\nNear :near:\nPatterns {self.all_patterns}\n"))

    def test_remote_folder_pulled(self):
        """All folders (LIST): a remote Maildir++ folder appears locally."""
        sent = self.remote / ".Sent"
        for d in ("cur", "new", "tmp"):
            (sent / d).mkdir(parents=True)
        (sent / "maildirfolder").touch()
        data_s = b"From: s@example.com\nSubject: sent one\n\nsent\n"
        (sent / "new" / "1700000011.M1P1Q1.mx").write_bytes(data_s)
        self.chown()
        self.all_folders()
        self.sync()
        self.assertEqual(len(self.local_msgs()), 3)
        # Both servers announce NAMESPACE (("INBOX." ".")): mbsync names folders below it.
        got = self.maildir_messages(self.local / "Sent")
        self.assertEqual(list(got), ["sent one"])
        copy = got["sent one"][0].read_bytes()
        self.assertEqual(copy, with_tuid(data_s, copy))

    def test_local_folder_pushed(self):
        """All folders: a local folder is created (CREATE) and filled (APPEND) remotely, as a
        Maildir++ folder."""
        drafts = self.local / "Drafts"
        for d in ("cur", "new", "tmp"):
            (drafts / d).mkdir(parents=True)
        data_d = b"From: me@example.com\nSubject: draft one\n\ndraft\n"
        (drafts / "cur" / "1700000500.M1P1Q1.local:2,D").write_bytes(data_d)
        self.all_folders()
        self.sync()
        self.assertEqual(len(self.local_msgs()), 3)
        self.assertTrue((self.remote / ".Drafts" / "maildirfolder").exists())
        got = self.maildir_messages(self.remote / ".Drafts")
        self.assertEqual([(k, v[1]) for k, v in got.items()], [("draft one", "D")])
        copy = got["draft one"][0].read_bytes()
        self.assertEqual(copy, with_tuid(data_d, copy))


# Debian's /etc/courier/imapd, without the AUTH= entries that only the login program uses.
COURIER_CAPABILITY = ("IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT "
                      "THREAD=REFERENCES SORT QUOTA IDLE")


class MbsyncCourierReference(Mbsync):
    """The same tests against Debian's Courier-IMAP imapd in the tunnel (and as the other
    session): they pass there too, so what they expect of Hato is what a Courier user gets.
    Needs the Debian package courier-imap."""
    seen_draft = b"\\Draft \\Seen"

    def setUp(self):
        self.assertTrue(os.path.exists("/usr/bin/imapd"),
                        "/usr/bin/imapd missing: install the Debian package courier-imap")
        super().setUp()

    def imapd_argv(self):
        argv = ["env", "-i", "PATH=/usr/bin:/bin", "AUTHENTICATED=hatotest", "IMAP_KEYWORDS=1",
                f"IMAP_CAPABILITY={COURIER_CAPABILITY}", "/usr/bin/imapd", str(self.remote)]
        if IS_ROOT:
            argv = ["setpriv", f"--reuid={self.mail_uid}", f"--regid={self.mail_uid}",
                    "--clear-groups", *argv]
        return argv


@unittest.skipUnless(IS_ROOT, "the service chain runs as root, as in production")
class MbsyncService(Mbsync):
    """The same tests over the real service: hato-tcpd -> imap-login -> imapd on 127.0.0.1, with
    STARTTLS (mbsync checks the certificate against the file it is given) and LOGIN with a
    password from a userdb made by Hato's tools. The other IMAP session of the tests still runs
    imapd on a pipe, as the mail user."""

    @classmethod
    def setUpClass(cls):
        for tool in (TCPD, LOGIN, IMAPD, USERDB, USERDBPW, MAKEUSERDB, MKCERT):
            if not tool.exists():
                raise AssertionError(f"{tool} not built")
        ensure_user("hato", own_group=True)
        cls.user = ensure_user("hatotest", own_group=True)
        cls.mail_uid = cls.user.pw_uid
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-mbsyncsvc-"))
        os.chmod(cls.dir, 0o755)
        cls.home = cls.dir / "home"
        cls.home.mkdir()
        os.chown(cls.home, cls.user.pw_uid, cls.user.pw_gid)
        src = cls.dir / "userdb"
        src.touch(mode=0o600)
        pw = subprocess.run([str(USERDBPW), "-sha512"], input=b"secret\nsecret\n",
                            capture_output=True, check=True).stdout.decode().strip()
        subprocess.run([str(USERDB), "-f", str(src), "alice", "set", f"uid={cls.user.pw_uid}",
                        f"gid={cls.user.pw_gid}", f"home={cls.home}", f"systempw={pw}"],
                       check=True)
        subprocess.run([str(MAKEUSERDB), "-f", str(src)], check=True)
        rc = cls.dir / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\n')
        cls.authd = Authd(BUILD, rc, cls.dir)
        template = cls.dir / "imapd.cnf"
        template.write_text((SRC / "certs" / "imapd.cnf").read_text())
        cls.cert = cls.dir / "imapd.pem"
        subprocess.run([str(MKCERT), str(cls.cert)], check=True, capture_output=True,
                       env=dict(os.environ, TEMPLATE=str(template), BITS="medium"))
        # mbsync wants the certificate alone in its CertificateFile (the .pem also has the key).
        pem = cls.cert.read_text()
        cls.certonly = cls.dir / "cert-only.pem"
        cls.certonly.write_text(pem[pem.index("-----BEGIN CERTIFICATE-----"):])
        env = dict(os.environ, **cls.authd.env, HATO_AUTHDAEMONRC=str(rc),
                   HATO_LOGIN_USER="hato", HATO_LOGIN_EMPTYDIR=str(cls.dir / "empty"),
                   HATO_LOGIN_DELAY_MS="50", TLS_CERTFILE=str(cls.cert))
        cls.port = free_port()
        cls.log = open(cls.dir / "server.log", "w+b")
        cls.tcpd = subprocess.Popen([str(TCPD), "-address=127.0.0.1", "-nodnslookup",
                                     str(cls.port), str(LOGIN), str(IMAPD), "Maildir"],
                                    env=env, stdin=subprocess.DEVNULL, stderr=cls.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", cls.port)) == 0:
                    break
            time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.tcpd.send_signal(signal.SIGTERM)
        cls.tcpd.wait(timeout=15)
        cls.authd.stop()
        cls.log.seek(0)
        log = cls.log.read().decode(errors="replace")
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if marker in log:
                raise AssertionError(f"sanitizer report in the server log:\n{log}")

    def setUp(self):
        shutil.rmtree(self.home / "Maildir", ignore_errors=True)
        super().setUp()

    def remote_path(self):
        return self.home / "Maildir"

    def test_starttls_then_login(self):
        out = self.sync()
        proto = [line for line in out.splitlines() if re.match(r"F: (>>> |\d+ |\* OK)", line)]
        self.assertEqual(proto[:4], [
            "F: * OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ ID ENABLE STARTTLS] Hato IMAP ready.",
            "F: >>> 1 STARTTLS", "F: 1 OK Begin SSL/TLS negotiation now.", "F: >>> 2 CAPABILITY"])
        self.assertIn("F: 3 OK [CAPABILITY IMAP4rev1 LITERAL+ UNSELECT CHILDREN NAMESPACE "
                      "SPECIAL-USE LIST-EXTENDED UIDPLUS MOVE ESEARCH IDLE ID ENABLE] LOGIN Ok.",
                      proto)
        # No second CAPABILITY after login: the tagged OK told mbsync.
        self.assertEqual([line for line in proto if line.endswith(" CAPABILITY")],
                         ["F: >>> 2 CAPABILITY"])
        # A wrong password: mbsync fails and nothing is synced.
        shutil.rmtree(self.local / "INBOX")
        self.rc.write_text(self.rc.read_text().replace("Pass secret", "Pass wrong"))
        r = subprocess.run(["mbsync", "-c", str(self.rc), "-a"], capture_output=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"LOGIN", r.stderr)
        self.assertFalse((self.local / "INBOX" / "cur").exists() and
                         any((self.local / "INBOX" / "cur").iterdir()))

    # imap-login's LOGIN reply carries imapd's capabilities (unlike Courier's imaplogin), so
    # mbsync learns NAMESPACE (("INBOX." ".")) from it and the folder tests run over the real
    # chain with the same account configuration as over the tunnel.

    def account(self):
        return f"""IMAPAccount hato
Host localhost
Port {self.port}
User alice
Pass secret
SSLType STARTTLS
CertificateFile {self.certonly}
AuthMechs LOGIN
"""


if __name__ == "__main__":
    unittest.main()
