"""End-to-end: hato-tcpd -> pop3-login (root parent, unprivileged chrooted child) -> a stand-in
mail program, with a throwaway authdaemonrc and userdb made by Hato's own userdb tools.

Needs root (CI runs as root): it creates the system users "hato" (the login child's user) and
"hatotest" (the test account's uid) when missing."""
import base64
import hashlib
import hmac
import os
import pathlib
import poplib
import re
import shutil
import signal
import ssl
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import free_port, ensure_user, children_of, recv_until  # noqa: E402  (next to this file)
from authd_for_tests import Authd  # noqa: E402  (the helper next to this file)

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
TCPD = BUILD / "tcpd" / "hato-tcpd"
LOGIN = BUILD / "pop3d" / "pop3-login"
USERDB = BUILD / "userdb" / "userdb"
USERDBPW = BUILD / "userdb" / "userdbpw"
MAKEUSERDB = BUILD / "userdb" / "makeuserdb"
MKCERT = BUILD / "certs" / "mkpop3dcert"
SRC = pathlib.Path(__file__).resolve().parents[2]

# The stand-in for pop3d: proves who it runs as, what it was told, and what reached it.
MAILPROG = r"""#!/bin/sh
printf '+OK logged in as %s uid=%s tls=%s cwd=%s arg=%s\r\n' "$AUTHENTICATED" "$(id -u)" "$POP3_TLS" "$(pwd)" "$1"
if [ -n "$HATO_PIPELINED_FD" ]; then
	printf 'PIPELINED<'
	eval "cat <&$HATO_PIPELINED_FD"
	printf '>\r\n'
fi
exec cat
"""


# APOP is on (POP3_APOP=1): the greeting carries a fresh RFC 1939 timestamp.
GREETING = re.compile(rb"^\+OK Hello there\. <[0-9]+\.[0-9]+\.[A-Za-z0-9+/=]+@[^<>@ ]+>(\r\n)?$")


def proc_uid(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return [int(x) for x in line.split()[1:]]
    raise AssertionError("no Uid line")


@unittest.skipUnless(os.geteuid() == 0, "privilege separation can only be observed as root")
class Pop3LoginTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in (TCPD, LOGIN, USERDB, USERDBPW, MAKEUSERDB):
            if not tool.exists():
                raise AssertionError(f"{tool} not built")
        cls.login_user = ensure_user("hato")
        cls.test_user = ensure_user("hatotest")
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-pop3login-"))
        cls.dir.chmod(0o755)
        home = cls.dir / "home"
        (home / "Maildir").mkdir(parents=True)
        for p in (home, home / "Maildir"):
            os.chown(p, cls.test_user.pw_uid, cls.test_user.pw_gid)
        cls.home = home
        prog = cls.dir / "mailprog"
        prog.write_text(MAILPROG)
        prog.chmod(0o755)
        cls.prog = prog
        src = cls.dir / "userdb"
        src.write_text("")
        src.chmod(0o600)
        systempw = subprocess.run([str(USERDBPW), "-sha512"], input=b"secret\nsecret\n",
                                  capture_output=True, check=True).stdout.decode().strip()
        crampw = subprocess.run([str(USERDBPW), "-hmac-md5"], input=b"secret\nsecret\n",
                                capture_output=True, check=True).stdout.decode().strip()
        subprocess.run([str(USERDB), "-f", str(src), "alice", "set",
                        f"uid={cls.test_user.pw_uid}", f"gid={cls.test_user.pw_gid}",
                        f"home={home}", f"systempw={systempw}", f"hmac-md5pw={crampw}", "apoppw=apopsecret"],
                       check=True)
        subprocess.run([str(USERDB), "-f", str(src), "rooty", "set", "uid=0", "gid=0",
                        f"home={home}", f"systempw={systempw}"], check=True)
        subprocess.run([str(USERDB), "-f", str(src), "nopop", "set",
                        f"uid={cls.test_user.pw_uid}", f"gid={cls.test_user.pw_gid}",
                        f"home={home}", f"systempw={systempw}", "options=disablepop3=1"],
                       check=True)
        subprocess.run([str(MAKEUSERDB), "-f", str(src)], check=True)
        rc = cls.dir / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\nAUTHFAILDELAY=50\n')
        cls.authd = Authd(BUILD, rc, cls.dir)
        cls.env = dict(os.environ, **cls.authd.env, HATO_AUTHDAEMONRC=str(rc),
                       HATO_LOGIN_EMPTYDIR=str(cls.dir / "empty"), HATO_LOGIN_USER="hato",
                       HATO_LOGIN_DELAY_MS="50", HATO_LOGIN_TIMEOUT="6", POP3_APOP="1", POP3AUTH="CRAM-MD5",
                       POP3AUTH_TLS="PLAIN LOGIN CRAM-MD5")
        template = cls.dir / "pop3d.cnf"
        template.write_text((SRC / "certs" / "pop3d.cnf").read_text())
        cert = cls.dir / "pop3d.pem"
        subprocess.run([str(MKCERT), str(cert)], check=True, capture_output=True,
                       env=dict(os.environ, TEMPLATE=str(template), BITS="medium"))
        cls.env["TLS_CERTFILE"] = str(cert)
        cls.port = free_port()
        cls.tls_port = free_port()
        cls.errfile = tempfile.TemporaryFile()
        cls.tcpd = subprocess.Popen([str(TCPD), f"-tls={cls.tls_port}",
                                     f"127.0.0.1.{cls.port},{cls.tls_port}", str(LOGIN),
                                     str(prog), "Maildir"], env=cls.env, stderr=cls.errfile,
                                    stdin=subprocess.DEVNULL)
        for port in (cls.port, cls.tls_port):
            deadline = time.time() + 5
            while time.time() < deadline:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
        time.sleep(0.3)

    @classmethod
    def tearDownClass(cls):
        cls.tcpd.send_signal(signal.SIGTERM)
        cls.tcpd.wait(timeout=15)
        cls.authd.stop()
        cls.errfile.seek(0)
        log = cls.errfile.read().decode(errors="replace")
        cls.errfile.close()
        shutil.rmtree(cls.dir)
        # Sanitizer builds report into the same stderr: any report fails the suite.
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if marker in log:
                raise AssertionError(f"sanitizer report in the log:\n{log}")

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")

    def pop(self):
        return poplib.POP3("127.0.0.1", self.port, timeout=10)

    @staticmethod
    def tls_context():
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def expected_ok(self, user="alice", tls=""):
        return (f"+OK logged in as {user} uid={self.test_user.pw_uid} tls={tls} "
                f"cwd={self.home / 'Maildir'} arg=.").encode()

    def test_user_pass_ok(self):
        p = self.pop()
        self.assertRegex(p.getwelcome(), GREETING)
        p.user("alice")
        self.assertEqual(p.pass_("secret"), self.expected_ok())
        p.sock.sendall(b"NOOP\r\n")
        self.assertEqual(recv_until(p.sock, b"\n"), b"NOOP\r\n")
        # Plain session: no login process is left, the mail program has the socket itself.
        sessions = children_of(self.tcpd.pid)
        self.assertEqual(len(sessions), 1, sessions)
        self.assertEqual(children_of(sessions[0]), [])
        self.assertEqual(proc_uid(sessions[0]), [self.test_user.pw_uid] * 4)
        p.close()
        self.assertIn("LOGIN, user=alice, ip=[127.0.0.1], port=[", self.stderr())
        self.assertIn("protocol=POP3", self.stderr())

    def test_user_pass_wrong_then_right(self):
        p = self.pop()
        p.user("alice")
        with self.assertRaises(poplib.error_proto) as cm:
            p.pass_("wrong")
        self.assertEqual(cm.exception.args[0], b"-ERR [AUTH] Login failed.")
        p.user("alice")
        self.assertEqual(p.pass_("secret"), self.expected_ok())
        p.close()
        self.assertIn("LOGIN FAILED, user=alice, ip=[127.0.0.1]", self.stderr())

    def test_unknown_user_and_uid0_and_disabled(self):
        p = self.pop()
        for user, err in (("nobody-here", b"-ERR [AUTH] Login failed."),
                          ("rooty", b"-ERR [AUTH] Login failed.")):
            p.user(user)
            with self.assertRaises(poplib.error_proto) as cm:
                p.pass_("secret")
            self.assertEqual(cm.exception.args[0], err)
        p.user("nopop")
        with self.assertRaises(poplib.error_proto) as cm:
            p.pass_("secret")
        self.assertEqual(cm.exception.args[0], b"-ERR POP3 access disabled for this account.")
        p.close()

    def test_capa_before_tls(self):
        p = self.pop()
        capa = p.capa()
        self.assertEqual(capa.get("SASL"), ["CRAM-MD5"])
        self.assertIn("USER", capa)
        p.close()

    def test_cram_md5_through_relay(self):
        p = self.pop()
        resp = p._shortcmd("AUTH CRAM-MD5")
        self.assertTrue(resp.startswith(b"+ "), resp)
        challenge = base64.b64decode(resp[2:])
        digest = hmac.new(b"secret", challenge, hashlib.md5).hexdigest()
        answer = base64.b64encode(f"alice {digest}".encode())
        p._putcmd(answer.decode())
        self.assertEqual(p._getline()[0], self.expected_ok())
        p.close()

    def test_cram_md5_wrong(self):
        p = self.pop()
        resp = p._shortcmd("AUTH CRAM-MD5")
        challenge = base64.b64decode(resp[2:])
        digest = hmac.new(b"nope", challenge, hashlib.md5).hexdigest()
        p._putcmd(base64.b64encode(f"alice {digest}".encode()).decode())
        self.assertEqual(p._getline()[0], b"-ERR [AUTH] Login failed.")
        p.close()

    def test_plain_not_offered_before_tls(self):
        p = self.pop()
        with self.assertRaises(poplib.error_proto):
            p._shortcmd("AUTH PLAIN " + base64.b64encode(b"\0alice\0secret").decode())
        p.close()

    def test_pipelined_after_pass_reach_mail_program(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            self.assertRegex(recv_until(s, b"\n"), GREETING)
            s.sendall(b"USER alice\r\n")
            self.assertEqual(recv_until(s, b"\n"), b"+OK Password required.\r\n")
            s.sendall(b"PASS secret\r\nSTAT\r\nLIST\r\n")
            data = recv_until(s, b">\r\n")
            self.assertEqual(data, self.expected_ok() + b"\r\nPIPELINED<STAT\r\nLIST\r\n>\r\n")

    def test_login_child_is_unprivileged(self):
        p = self.pop()
        p.user("alice")
        deadline = time.time() + 5
        logins = []
        while time.time() < deadline and not logins:
            logins = [c for parent in children_of(self.tcpd.pid) for c in children_of(parent)]
            time.sleep(0.05)
        self.assertEqual(len(logins), 1, logins)
        child = logins[0]
        parent = int(pathlib.Path(f"/proc/{child}/stat").read_text().split(") ")[1].split()[1])
        self.assertEqual(proc_uid(child), [self.login_user.pw_uid] * 4)
        self.assertEqual(proc_uid(parent)[0], 0)
        self.assertEqual(os.readlink(f"/proc/{child}/root"), str(self.dir / "empty"))
        self.assertEqual(p.pass_("secret"), self.expected_ok())
        p.close()

    def test_capa_after_stls_and_plain_inside(self):
        p = self.pop()
        self.assertIn("STLS", p.capa())
        p.stls(context=self.tls_context())
        capa = p.capa()
        self.assertEqual(capa.get("SASL"), ["PLAIN", "LOGIN", "CRAM-MD5"])
        self.assertNotIn("STLS", capa)
        resp = p._shortcmd("AUTH PLAIN " + base64.b64encode(b"\0alice\0secret").decode())
        self.assertEqual(resp, self.expected_ok(tls="1"))
        p.sock.sendall(b"ECHO me\r\n")
        self.assertEqual(p._getline()[0], b"ECHO me")
        p.close()

    def test_stls_smuggled_capa_is_discarded(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            self.assertRegex(recv_until(raw, b"\n"), GREETING)
            raw.sendall(b"STLS\r\nCAPA\r\n")
            self.assertEqual(recv_until(raw, b"\n"), b"+OK Begin SSL/TLS negotiation now.\r\n")
            with self.tls_context().wrap_socket(raw) as s:
                s.settimeout(1.5)
                with self.assertRaises(socket.timeout):
                    data = s.recv(4096)
                    self.fail(f"smuggled command answered inside TLS: {data!r}")
                s.settimeout(5)
                s.sendall(b"QUIT\r\n")
                self.assertEqual(recv_until(s, b"\n"), b"+OK Better luck next time.\r\n")

    def test_implicit_tls_user_pass_and_proxy(self):
        p = poplib.POP3_SSL("127.0.0.1", self.tls_port, timeout=10, context=self.tls_context())
        self.assertRegex(p.getwelcome(), GREETING)
        self.assertNotIn("STLS", p.capa())
        p.user("alice")
        self.assertEqual(p.pass_("secret"), self.expected_ok(tls="1"))
        p.sock.sendall(b"through the proxy\r\n")
        self.assertEqual(p._getline()[0], b"through the proxy")
        p.close()

    def test_apop(self):
        p = self.pop()
        self.assertEqual(p.apop("alice", "apopsecret"), self.expected_ok())
        p.close()
        p = self.pop()
        with self.assertRaises(poplib.error_proto) as cm:
            p.apop("alice", "secret")
        self.assertEqual(cm.exception.args[0], b"-ERR [AUTH] Login failed.")
        p.close()

    def test_apop_timestamps_differ(self):
        a, b = self.pop(), self.pop()
        self.assertNotEqual(a.getwelcome(), b.getwelcome())
        a.close()
        b.close()

    def test_too_many_failures_disconnects(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            recv_until(s, b"\n")
            got = b""
            for _ in range(3):
                s.sendall(b"USER alice\r\n")
                self.assertEqual(recv_until(s, b"\n"), b"+OK Password required.\r\n")
                s.sendall(b"PASS wrong\r\n")
                got += recv_until(s, b"\n")
            self.assertEqual(got, b"-ERR [AUTH] Login failed.\r\n" * 2 +
                             b"-ERR [AUTH] Too many failures.\r\n")
            self.assertEqual(s.recv(100), b"")

    def test_idle_timeout_closes(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=20) as s:
            recv_until(s, b"\n")
            s.settimeout(20)
            start = time.time()
            self.assertEqual(s.recv(100), b"")
            self.assertGreater(time.time() - start, 4)

    def test_quit(self):
        p = self.pop()
        self.assertEqual(p.quit(), b"+OK Better luck next time.")


if __name__ == "__main__":
    unittest.main()
