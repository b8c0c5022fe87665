"""End-to-end: hato-tcpd -> imap-login (root parent, unprivileged chrooted child) -> a stand-in
mail program, with a throwaway authdaemonrc and userdb made by Hato's own userdb tools, driven by
Python's imaplib and raw sockets.

Needs root (CI runs as root): it creates the system users "hato" (the login child's user) and
"hatotest" (the test account's uid) when missing."""
import base64
import hashlib
import hmac
import imaplib
import os
import pathlib
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
from hatotest import free_port, ensure_user, recv_until, wait_port  # noqa: E402  (next to this file)
from authd_for_tests import Authd  # noqa: E402  (the helper next to this file)

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
TCPD = BUILD / "tcpd" / "hato-tcpd"
LOGIN = BUILD / "imapd" / "imap-login"
USERDB = BUILD / "userdb" / "userdb"
USERDBPW = BUILD / "userdb" / "userdbpw"
MAKEUSERDB = BUILD / "userdb" / "makeuserdb"
MKCERT = BUILD / "certs" / "mkimapdcert"
SRC = pathlib.Path(__file__).resolve().parents[2]

# The stand-in for imapd: proves who it runs as, what it was told, and what reached it.
MAILPROG = r"""#!/bin/sh
printf '* OK logged in as %s uid=%s tls=%s cwd=%s arg=%s\r\n' "$AUTHENTICATED" "$(id -u)" "$IMAP_TLS" "$(pwd)" "$1"
if [ -n "$HATO_PIPELINED_FD" ]; then
	printf '* PIPELINED<'
	eval "cat <&$HATO_PIPELINED_FD"
	printf '>\r\n'
fi
exec cat
"""

CAPABILITY = "IMAP4rev1 SORT AUTH=CRAM-MD5 IDLE THREAD=REFERENCES"
CAPABILITY_TLS = CAPABILITY + " AUTH=PLAIN AUTH=SCRAM-SHA-256"
GREETING = (b"* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5 IDLE SASL-IR LITERAL+ ID ENABLE STARTTLS] "
            b"Hato IMAP ready.\r\n")
GREETING_TLS = (b"* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5 IDLE AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR "
                b"LITERAL+ ID ENABLE] Hato IMAP ready.\r\n")
# The tagged OK of a login carries imapd's post-login capabilities (imapd/imap-capability.c;
# RFC 3501 §6.2.3), whatever the configured pre-login list.
LOGIN_OK = (b"[CAPABILITY IMAP4rev1 LITERAL+ UNSELECT CHILDREN NAMESPACE SPECIAL-USE "
            b"LIST-EXTENDED UIDPLUS MOVE ESEARCH IDLE ID ENABLE] LOGIN Ok.")
PLAIN_ALICE = base64.b64encode(b"\0alice\0secret")


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class ScramSha256:
    """The client side of SCRAM-SHA-256 (RFC 5802 / 7677) for imaplib.authenticate()."""

    def __init__(self, user, password):
        self.user, self.password = user, password
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.step = 0
        self.server_signature = None

    def __call__(self, challenge):
        self.step += 1
        if self.step == 1:
            self.first_bare = f"n={self.user},r={self.nonce}"
            return "n,," + self.first_bare
        if self.step == 2:
            server_first = challenge.decode()
            fields = dict(f.split("=", 1) for f in server_first.split(","))
            if not fields["r"].startswith(self.nonce):
                raise AssertionError("server nonce does not extend ours")
            salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(),
                                         base64.b64decode(fields["s"]), int(fields["i"]))
            client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
            stored = hashlib.sha256(client_key).digest()
            final_bare = f"c=biws,r={fields['r']}"
            auth_msg = f"{self.first_bare},{server_first},{final_bare}".encode()
            sig = hmac.new(stored, auth_msg, hashlib.sha256).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, sig))
            server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
            self.server_signature = base64.b64encode(
                hmac.new(server_key, auth_msg, hashlib.sha256).digest()).decode()
            return final_bare + ",p=" + base64.b64encode(proof).decode()
        if challenge.decode() != "v=" + self.server_signature:
            raise AssertionError(f"bad server signature {challenge!r}")
        return b""


@unittest.skipUnless(os.geteuid() == 0, "privilege separation can only be observed as root")
class ImapLoginTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in (TCPD, LOGIN, USERDB, USERDBPW, MAKEUSERDB, MKCERT):
            if not tool.exists():
                raise AssertionError(f"{tool} not built")
        cls.login_user = ensure_user("hato")
        cls.test_user = ensure_user("hatotest")
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-imaplogin-"))
        cls.dir.chmod(0o755)
        home = cls.dir / "home"
        (home / "Maildir").mkdir(parents=True)
        for p in (home, home / "Maildir"):
            os.chown(p, cls.test_user.pw_uid, cls.test_user.pw_gid)
        cls.home = home
        prog = cls.dir / "mailprog"
        prog.write_text(MAILPROG)
        prog.chmod(0o755)
        src = cls.dir / "userdb"
        src.write_text("")
        src.chmod(0o600)

        def pw(scheme):
            return subprocess.run([str(USERDBPW), scheme], input=b"secret\nsecret\n",
                                  capture_output=True, check=True).stdout.decode().strip()

        ids = [f"uid={cls.test_user.pw_uid}", f"gid={cls.test_user.pw_gid}", f"home={home}",
               f"systempw={pw('-sha512')}"]
        for user, extra in (("alice", [f"hmac-md5pw={pw('-hmac-md5')}",
                                       f"scram-sha256pw={pw('-scram-sha256')}"]),
                            ("noimap", ["options=disableimap=1"]),
                            ("insecure", ["options=disableinsecureimap=1"])):
            subprocess.run([str(USERDB), "-f", str(src), user, "set"] + ids + extra, check=True)
        subprocess.run([str(MAKEUSERDB), "-f", str(src)], check=True)
        rc = cls.dir / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\n')
        template = cls.dir / "imapd.cnf"
        template.write_text((SRC / "certs" / "imapd.cnf").read_text())
        cert = cls.dir / "imapd.pem"
        subprocess.run([str(MKCERT), str(cert)], check=True, capture_output=True,
                       env=dict(os.environ, TEMPLATE=str(template), BITS="medium"))
        cls.authd = Authd(BUILD, rc, cls.dir)  # HATO_AUTH=daemon: a private authdaemond
        cls.env = dict(os.environ, **cls.authd.env, HATO_AUTHDAEMONRC=str(rc),
                       HATO_LOGIN_EMPTYDIR=str(cls.dir / "empty"), HATO_LOGIN_USER="hato",
                       HATO_LOGIN_DELAY_MS="50", HATO_LOGIN_TIMEOUT="4",
                       IMAP_CAPABILITY=CAPABILITY, IMAP_CAPABILITY_TLS=CAPABILITY_TLS,
                       TLS_CERTFILE=str(cert))
        cls.port, cls.tls_port, cls.req_port = free_port(), free_port(), free_port()
        cls.errfile = tempfile.TemporaryFile()
        cls.tcpd = subprocess.Popen([str(TCPD), f"-tls={cls.tls_port}",
                                     f"127.0.0.1.{cls.port},{cls.tls_port}", str(LOGIN),
                                     str(prog), "Maildir"], env=cls.env, stderr=cls.errfile,
                                    stdin=subprocess.DEVNULL)
        # A second service with IMAP_TLS_REQUIRED=1.
        cls.tcpd_req = subprocess.Popen([str(TCPD), f"127.0.0.1.{cls.req_port}", str(LOGIN),
                                         str(prog), "Maildir"],
                                        env=dict(cls.env, IMAP_TLS_REQUIRED="1"),
                                        stderr=cls.errfile, stdin=subprocess.DEVNULL)
        for port in (cls.port, cls.tls_port, cls.req_port):
            wait_port(port)
        time.sleep(0.3)

    @classmethod
    def tearDownClass(cls):
        for t in (cls.tcpd, cls.tcpd_req):
            t.send_signal(signal.SIGTERM)
            t.wait(timeout=15)
        cls.authd.stop()
        cls.errfile.seek(0)
        log = cls.errfile.read().decode(errors="replace")
        cls.errfile.close()
        shutil.rmtree(cls.dir)
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if marker in log:
                raise AssertionError(f"sanitizer report in the log:\n{log}")

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")

    def imap(self, port=None):
        return imaplib.IMAP4("127.0.0.1", port or self.port, timeout=10)

    def proof(self, user="alice", tls=""):
        return (f"* OK logged in as {user} uid={self.test_user.pw_uid} tls={tls} "
                f"cwd={self.home / 'Maildir'} arg=.\r\n").encode()

    def raw(self, port=None):
        s = socket.create_connection(("127.0.0.1", port or self.port), timeout=10)
        self.addCleanup(s.close)
        return s

    def test_maildirpath_from_the_config_wins_over_the_argument(self):
        # Courier's rc script runs "imapd $MAILDIRPATH"; here the variable (from -config or the
        # environment) wins over the program's Maildir argument, so the same setting works.
        alt = self.home / "Mail.alt"
        alt.mkdir(exist_ok=True)
        os.chown(alt, self.test_user.pw_uid, self.test_user.pw_gid)
        port = free_port()
        prog = self.dir / "mailprog"
        for value, cwd in (("Mail.alt", alt), ("", self.home / "Maildir")):
            t = subprocess.Popen([str(TCPD), f"127.0.0.1.{port}", str(LOGIN), str(prog),
                                  "Maildir"], env=dict(self.env, MAILDIRPATH=value),
                                 stderr=self.errfile, stdin=subprocess.DEVNULL)
            try:
                wait_port(port)
                m = self.imap(port)
                self.assertEqual(m.login("alice", "secret"), ("OK", [LOGIN_OK]))
                self.assertEqual(m.readline(), (
                    f"* OK logged in as alice uid={self.test_user.pw_uid} tls= cwd={cwd} "
                    f"arg=.\r\n").encode())
                m.shutdown()
            finally:
                t.send_signal(signal.SIGTERM)
                t.wait(timeout=15)

    def test_capability_before_and_after_starttls(self):
        m = self.imap()
        self.assertEqual(m.welcome, GREETING.rstrip(b"\r\n"))
        typ, data = m.capability()
        self.assertEqual(data, [b"IMAP4rev1 AUTH=CRAM-MD5 IDLE SASL-IR LITERAL+ ID ENABLE STARTTLS"])
        m.starttls(tls_context())
        typ, data = m.capability()
        self.assertEqual(data, [b"IMAP4rev1 AUTH=CRAM-MD5 IDLE AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR "
                                b"LITERAL+ ID ENABLE"])
        # PLAIN inside TLS through imaplib (no initial response: empty challenge first).
        typ, data = m.authenticate("PLAIN", lambda _: b"\0alice\0secret")
        self.assertEqual((typ, data), ("OK", [LOGIN_OK]))
        self.assertEqual(m.readline(), self.proof(tls="1"))
        m.shutdown()
        self.assertIn("IMAP_CAPABILITY: not advertised (not implemented yet): SORT "
                      "THREAD=REFERENCES", self.stderr())

    def test_login_ok_and_log_line(self):
        m = self.imap()
        self.assertEqual(m.login("alice", "secret"), ("OK", [LOGIN_OK]))
        self.assertEqual(m.readline(), self.proof())
        m.send(b"x NOOP\r\n")
        self.assertEqual(m.readline(), b"x NOOP\r\n")  # the stand-in echoes
        m.shutdown()
        log = self.stderr()
        self.assertIn("LOGIN, user=alice, ip=[127.0.0.1], port=[", log)
        self.assertIn("protocol=IMAP", log)

    def test_login_wrong_then_right(self):
        m = self.imap()
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            m.login("alice", "wrong")
        self.assertIn("[AUTHENTICATIONFAILED] Login failed.", str(cm.exception))
        self.assertEqual(m.login("alice", "secret")[0], "OK")
        m.shutdown()
        self.assertIn("LOGIN FAILED, user=alice, ip=[127.0.0.1]", self.stderr())

    def test_account_options(self):
        s = self.raw()
        recv_until(s, b"\n")
        s.sendall(b"a LOGIN noimap secret\r\n")
        self.assertEqual(recv_until(s, b"\n"), b"a NO IMAP access disabled for this account.\r\n")
        self.assertEqual(s.recv(100), b"")
        s = self.raw()
        recv_until(s, b"\n")
        s.sendall(b"a LOGIN insecure secret\r\n")
        self.assertEqual(recv_until(s, b"\n"),
                         b"a NO IMAP access disabled via insecure connection.\r\n")
        m = self.imap()
        m.starttls(tls_context())
        self.assertEqual(m.login("insecure", "secret")[0], "OK")
        self.assertEqual(m.readline(), self.proof(user="insecure", tls="1"))
        m.shutdown()

    def test_cram_md5(self):
        m = self.imap()
        self.assertEqual(m.login_cram_md5("alice", "secret"), ("OK", [LOGIN_OK]))
        self.assertEqual(m.readline(), self.proof())
        m.shutdown()
        m = self.imap()
        with self.assertRaises(imaplib.IMAP4.error):
            m.login_cram_md5("alice", "nope")
        m.shutdown()

    def test_scram_sha256_inside_tls(self):
        m = self.imap()
        m.starttls(tls_context())
        scram = ScramSha256("alice", "secret")
        self.assertEqual(m.authenticate("SCRAM-SHA-256", scram), ("OK", [LOGIN_OK]))
        self.assertEqual(scram.step, 3)
        self.assertEqual(m.readline(), self.proof(tls="1"))
        m.shutdown()

    def test_plain_refused_before_tls_and_sasl_ir_inside(self):
        s = self.raw()
        self.assertEqual(recv_until(s, b"\n"), GREETING)
        s.sendall(b"a AUTHENTICATE PLAIN " + PLAIN_ALICE + b"\r\n")
        self.assertEqual(recv_until(s, b"\n"), b"a NO Unsupported authentication mechanism.\r\n")
        s.sendall(b"b STARTTLS\r\n")
        self.assertEqual(recv_until(s, b"\n"), b"b OK Begin SSL/TLS negotiation now.\r\n")
        t = tls_context().wrap_socket(s)
        self.addCleanup(t.close)
        t.sendall(b"c AUTHENTICATE PLAIN " + PLAIN_ALICE + b"\r\nd NOOP\r\n")
        self.assertEqual(recv_until(t, b">\r\n"), b"c OK " + LOGIN_OK + b"\r\n" +
                         self.proof(tls="1") + b"* PIPELINED<d NOOP\r\n>\r\n")

    def test_authenticate_cancel(self):
        s = self.raw()
        recv_until(s, b"\n")
        s.sendall(b"a AUTHENTICATE CRAM-MD5\r\n")
        self.assertTrue(recv_until(s, b"\n").startswith(b"+ "))
        s.sendall(b"*\r\n")
        self.assertEqual(recv_until(s, b"\n"), b"a BAD Authentication canceled.\r\n")
        s.sendall(b"b NOOP\r\n")
        self.assertEqual(recv_until(s, b"\n"), b"b OK NOOP completed\r\n")

    def test_logindisabled_with_tls_required(self):
        m = self.imap(self.req_port)
        self.assertEqual(m.welcome, b"* OK [CAPABILITY IMAP4rev1 IDLE SASL-IR LITERAL+ ID ENABLE STARTTLS "
                                    b"LOGINDISABLED] Hato IMAP ready.")
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            m.login("alice", "secret")
        self.assertIn("[PRIVACYREQUIRED] STARTTLS required", str(cm.exception))
        m.starttls(tls_context())
        self.assertNotIn("LOGINDISABLED", m.capabilities)
        self.assertIn("AUTH=PLAIN", m.capabilities)
        self.assertEqual(m.login("alice", "secret")[0], "OK")
        self.assertEqual(m.readline(), self.proof(tls="1"))
        m.shutdown()

    def test_implicit_tls_and_proxy(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=tls_context(), timeout=10)
        self.assertEqual(m.welcome, GREETING_TLS.rstrip(b"\r\n"))
        self.assertNotIn("STARTTLS", m.capabilities)
        self.assertEqual(m.login("alice", "secret")[0], "OK")
        self.assertEqual(m.readline(), self.proof(tls="1"))
        m.send(b"through the proxy\r\n")
        self.assertEqual(m.readline(), b"through the proxy\r\n")
        m.shutdown()

    def test_starttls_smuggled_command_is_discarded(self):
        raw = self.raw()
        self.assertEqual(recv_until(raw, b"\n"), GREETING)
        raw.sendall(b"a STARTTLS\r\nb CAPABILITY\r\n")
        self.assertEqual(recv_until(raw, b"\n"), b"a OK Begin SSL/TLS negotiation now.\r\n")
        with tls_context().wrap_socket(raw) as s:
            s.settimeout(1.5)
            with self.assertRaises(socket.timeout):
                data = s.recv(4096)
                self.fail(f"smuggled command answered inside TLS: {data!r}")
            s.sendall(b"c LOGOUT\r\n")
            self.assertEqual(recv_until(s, b"c OK"),
                             b"* BYE Hato IMAP server logging out\r\nc OK LOGOUT completed\r\n")

    def test_pipelined_after_login_reach_mail_program(self):
        s = self.raw()
        self.assertEqual(recv_until(s, b"\n"), GREETING)
        s.sendall(b"a LOGIN alice secret\r\nb NOOP\r\n")
        self.assertEqual(recv_until(s, b">\r\n"),
                         b"a OK " + LOGIN_OK + b"\r\n" + self.proof() +
                         b"* PIPELINED<b NOOP\r\n>\r\n")

    def test_id_enable_unknown_logout(self):
        s = self.raw()
        recv_until(s, b"\n")
        s.sendall(b'a ID ("name" "imaplib")\r\nb ENABLE UTF8=ACCEPT\r\nc SELECT INBOX\r\n'
                  b"d LOGOUT\r\n")
        self.assertEqual(recv_until(s, b"d OK LOGOUT completed\r\n"),
                         b'* ID ("name" "Hato")\r\na OK ID completed\r\n'
                         b"b BAD ENABLE is only valid after login.\r\n"
                         b"c BAD Unknown command.\r\n"
                         b"* BYE Hato IMAP server logging out\r\nd OK LOGOUT completed\r\n")
        self.assertEqual(s.recv(100), b"")

    def test_too_many_failures(self):
        s = self.raw()
        recv_until(s, b"\n")
        got = b""
        for tag in (b"a", b"b", b"c"):
            s.sendall(tag + b" LOGIN alice wrong\r\n")
            got += recv_until(s, b"\n")
        got += recv_until(s, b"failures.\r\n")
        self.assertEqual(got, b"a NO [AUTHENTICATIONFAILED] Login failed.\r\n"
                              b"b NO [AUTHENTICATIONFAILED] Login failed.\r\n"
                              b"c NO [AUTHENTICATIONFAILED] Login failed.\r\n"
                              b"* BYE Too many login failures.\r\n")
        self.assertEqual(s.recv(100), b"")

    def test_idle_timeout_says_bye(self):
        s = self.raw()
        recv_until(s, b"\n")
        start = time.time()
        self.assertEqual(recv_until(s, b"\n", timeout=20), b"* BYE Disconnected for inactivity.\r\n")
        self.assertGreater(time.time() - start, 3)
        self.assertEqual(s.recv(100), b"")


if __name__ == "__main__":
    unittest.main()
