"""End-to-end: the whole POP3 service as an administrator runs it — hato-tcpd -> pop3-login ->
the real pop3d over a real Maildir — driven by clients no one here wrote: Python's poplib,
curl and fetchmail. Asserts byte-exact mail, stable UIDLs, deletions, TLS and who runs what.

Needs root (CI runs as root): creates the system users "hato" and "hatotest" when missing."""
import os
import pathlib
import poplib
import shutil
import signal
import socket
import ssl
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
TCPD = BUILD / "tcpd" / "hato-tcpd"
LOGIN = BUILD / "pop3d" / "pop3-login"
POP3D = BUILD / "pop3d" / "pop3d"
DELIVER = BUILD / "deliverquota"
USERDB = BUILD / "userdb" / "userdb"
USERDBPW = BUILD / "userdb" / "userdbpw"
MAKEUSERDB = BUILD / "userdb" / "makeuserdb"
MKCERT = BUILD / "certs" / "mkpop3dcert"

MESSAGES = [
    b"From: a@example.com\r\nTo: t@example.com\r\nSubject: first\r\n\r\nHello.\r\n",
    # Stored with bare LF and a line starting with "." — sent as CRLF, dot-stuffed.
    b"From: b@example.com\nSubject: second\n\n.hidden dot line\nlast line without newline",
    b"From: c@example.com\r\nSubject: third\r\n\r\n" + (b"x" * 100 + b"\r\n") * 50,
]


def wire_form(msg):
    """The message as POP3 sends it (before dot-stuffing): CRLF line ends, final CRLF."""
    lines = msg.replace(b"\r\n", b"\n").split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return b"".join(line + b"\r\n" for line in lines)


@unittest.skipUnless(os.geteuid() == 0, "the POP3 service test runs as root, as in production")
class Pop3Service(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_user("hato")
        cls.user = ensure_user("hatotest")
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-pop3svc-"))
        os.chmod(cls.dir, 0o755)
        cls.home = cls.dir / "home"
        cls.maildir = cls.home / "Maildir"
        cls.home.mkdir()
        for msg in MESSAGES:
            subprocess.run([str(DELIVER), "-c", str(cls.maildir)], input=msg, check=True)
            time.sleep(0.01)
        subprocess.run(["chown", "-R", f"{cls.user.pw_uid}:{cls.user.pw_gid}", str(cls.home)],
                       check=True)
        src = cls.dir / "userdb"
        src.touch(mode=0o600)
        fields = [f"uid={cls.user.pw_uid}", f"gid={cls.user.pw_gid}", f"home={cls.home}",
                  "apoppw=password"]
        subprocess.run([str(USERDB), "-f", str(src), "testuser", "set", *fields], check=True)
        for scheme, field in (("md5", "systempw"), ("hmac-md5", "hmac-md5pw")):
            pw = subprocess.run([str(USERDBPW), "-" + scheme], input=b"password\npassword\n",
                                capture_output=True, check=True).stdout.decode().strip()
            subprocess.run([str(USERDB), "-f", str(src), "testuser", "set", f"{field}={pw}"],
                           check=True)
        subprocess.run([str(MAKEUSERDB), "-f", str(src)], check=True)
        rc = cls.dir / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\nAUTHFAILDELAY=50\n')
        cls.authd = Authd(BUILD, rc, cls.dir)
        template = cls.dir / "pop3d.cnf"
        template.write_text((SRC / "certs" / "pop3d.cnf").read_text())
        cls.cert = cls.dir / "pop3d.pem"
        subprocess.run([str(MKCERT), str(cls.cert)], check=True, capture_output=True,
                       env=dict(os.environ, TEMPLATE=str(template), BITS="medium"))
        env = dict(os.environ, **cls.authd.env, HATO_AUTHDAEMONRC=str(rc), HATO_LOGIN_USER="hato",
                   HATO_LOGIN_EMPTYDIR=str(cls.dir / "empty"), HATO_LOGIN_DELAY_MS="50",
                   POP3AUTH="CRAM-MD5", POP3AUTH_TLS="PLAIN LOGIN CRAM-MD5", POP3_APOP="1",
                   TLS_CERTFILE=str(cls.cert))
        cls.port, cls.tls_port = free_port(), free_port()
        cls.log = open(cls.dir / "server.log", "w+b")
        cls.tcpd = subprocess.Popen(
            [str(TCPD), "-address=127.0.0.1", "-nodnslookup", f"-tls={cls.tls_port}",
             f"{cls.port},{cls.tls_port}", str(LOGIN), str(POP3D), "Maildir"],
            env=env, stdin=subprocess.DEVNULL, stderr=cls.log)
        for port in (cls.port, cls.tls_port):
            deadline = time.time() + 10
            while time.time() < deadline:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.tcpd.send_signal(signal.SIGTERM)
        cls.tcpd.wait(timeout=15)
        cls.authd.stop()
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def server_log(self):
        self.log.flush()
        return (self.dir / "server.log").read_bytes().decode(errors="replace")

    def files(self):
        cur = self.maildir / "cur"
        return sorted(p for p in cur.iterdir() if not p.name.startswith("."))

    def login(self):
        p = poplib.POP3("127.0.0.1", self.port, timeout=20)
        p.user("testuser")
        p.pass_("password")
        return p

    def test_01_stat_list_retr_byte_exact(self):
        p = self.login()
        try:
            count, total = p.stat()
            wire = [wire_form(m) for m in MESSAGES]
            self.assertEqual(count, 3)
            self.assertEqual(total, sum(len(w) for w in wire))
            _, listing, _ = p.list()
            self.assertEqual(listing, [f"{i + 1} {len(w)}".encode() for i, w in enumerate(wire)])
            for i, w in enumerate(wire):
                _, lines, octets = p.retr(i + 1)
                # poplib strips the CRLFs and undoes dot-stuffing: rebuild and compare exactly.
                self.assertEqual(b"".join(line + b"\r\n" for line in lines), w)
            _, top, _ = p.top(3, 0)
            self.assertEqual(top, [b"From: c@example.com", b"Subject: third", b""])
        finally:
            p.quit()

    def test_02_uidl_stable_across_sessions_and_courier_list(self):
        p = self.login()
        first = p.uidl()[1]
        p.quit()
        p = self.login()
        second = p.uidl()[1]
        p.quit()
        self.assertEqual(first, second)
        self.assertRegex(first[0], rb"^1 UID1-[0-9]+$")
        listfile = (self.maildir / "courierpop3dsizelist").read_bytes().split(b"\n")
        self.assertRegex(listfile[0], rb"^/3 4 [0-9]+$")
        uidv = listfile[0].split()[2]
        self.assertEqual(first, [b"%d UID%d-%s" % (i, i, uidv) for i in (1, 2, 3)])

    def test_03_dele_rset_keeps_dele_quit_removes(self):
        before = self.files()
        p = self.login()
        p.dele(3)
        p.rset()
        p.quit()
        self.assertEqual(self.files(), before)
        p = self.login()
        uidls = p.uidl()[1]
        p.dele(3)
        p.quit()
        self.assertEqual(len(self.files()), 2)
        p = self.login()
        self.assertEqual(p.stat()[0], 2)
        self.assertEqual(p.uidl()[1], uidls[:2])
        p.quit()

    def test_04_stls_capabilities_and_verified_certificate(self):
        # "localhost": the name the certificate is for (the server listens on 127.0.0.1 only).
        p = poplib.POP3("localhost", self.port, timeout=20)
        caps = p.capa()
        self.assertEqual(caps["SASL"], ["CRAM-MD5"])
        self.assertIn("STLS", caps)
        ctx = ssl.create_default_context(cafile=str(self.cert))
        ctx.check_hostname = True
        p.stls(context=ctx)
        caps = p.capa()
        self.assertEqual(caps["SASL"], ["PLAIN", "LOGIN", "CRAM-MD5"])
        self.assertNotIn("STLS", caps)
        p.user("testuser")
        p.pass_("password")
        self.assertEqual(p.stat()[0], 2)
        p.quit()

    def test_05_apop_and_wrong_password(self):
        p = poplib.POP3("127.0.0.1", self.port, timeout=20)
        p.apop("testuser", "password")
        self.assertEqual(p.stat()[0], 2)
        p.quit()
        p = poplib.POP3("127.0.0.1", self.port, timeout=20)
        p.user("testuser")
        with self.assertRaises(poplib.error_proto) as err:
            p.pass_("wrong")
        self.assertEqual(err.exception.args[0], b"-ERR [AUTH] Login failed.")
        p.close()
        self.assertIn("LOGIN FAILED, user=testuser, ip=[127.0.0.1]", self.server_log())

    def test_06_curl_pop3s_and_cram_md5(self):
        out = subprocess.run(["curl", "-s", "--max-time", "20", "--cacert", str(self.cert),
                              "--resolve", f"localhost:{self.tls_port}:127.0.0.1",
                              f"pop3s://localhost:{self.tls_port}/1", "-u", "testuser:password"],
                             capture_output=True, check=True).stdout
        self.assertEqual(out, wire_form(MESSAGES[0]))
        out = subprocess.run(["curl", "-s", "--max-time", "20", f"pop3://127.0.0.1:{self.port}/",
                              "-u", "testuser:password", "--login-options", "AUTH=CRAM-MD5"],
                             capture_output=True, check=True).stdout
        self.assertEqual(out.split(b"\r\n")[0], b"1 %d" % len(wire_form(MESSAGES[0])))

    def test_07_pop3d_runs_as_the_mail_user(self):
        p = self.login()
        try:
            pids = subprocess.run(["pgrep", "-f", f"^{POP3D}"], capture_output=True).stdout.split()
            self.assertTrue(pids, "no pop3d process during a session")
            uids = set()
            for pid in pids:
                status = pathlib.Path(f"/proc/{int(pid)}/status").read_text()
                uid_line = next(l for l in status.splitlines() if l.startswith("Uid:"))
                uids.add(tuple(uid_line.split()[1:]))
            self.assertEqual(uids, {(str(self.user.pw_uid),) * 4})
        finally:
            p.quit()

    def test_08_fetchmail_apop_cram_stls(self):
        fetchmail = shutil.which("fetchmail")
        self.assertIsNotNone(fetchmail, "fetchmail is not installed (scripts/install-deps.sh --test)")
        # sslproto '' keeps fetchmail from trying STLS on its own; the last run requires STLS.
        for proto, auth, tls in (("APOP", "", "sslproto ''"),
                                 ("POP3", "auth cram-md5", "sslproto ''"),
                                 ("POP3", "", f"sslproto TLS1.2+ sslcertck sslcertfile {self.cert} "
                                              "sslcommonname localhost")):
            out = self.dir / "fetched.mbox"
            if out.exists():
                out.unlink()
            rc = self.dir / "fetchmailrc"
            rc.write_text(f'poll localhost via 127.0.0.1 service {self.port} protocol {proto} '
                          f'{auth}\n user "testuser" there password "password" keep fetchall {tls} '
                          f'mda "/bin/sh -c \'cat >> {out}\'"\n')
            os.chmod(rc, 0o600)
            env = dict(os.environ, HOME=str(self.dir), FETCHMAILHOME=str(self.dir))
            r = subprocess.run([fetchmail, "-f", str(rc), "-N", "-d0", "--nosyslog"],
                               capture_output=True, env=env, timeout=60)
            self.assertEqual(r.returncode, 0, (proto, auth, tls, r.stderr.decode(errors="replace")))
            data = out.read_bytes()
            self.assertIn(b"Subject: first", data, (proto, auth, tls))
            self.assertIn(b"Subject: second", data, (proto, auth, tls))


if __name__ == "__main__":
    unittest.main()
