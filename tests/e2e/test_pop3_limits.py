"""End-to-end: the rest of the POP3 service's "Done when" on the real chain (hato-tcpd ->
pop3-login -> pop3d over a Maildir): SASL CRAM-SHA256 / SCRAM-SHA-256 / PLAIN computed here per
RFC 2195 / 5802 / 7677, openssl s_client and gnutls-cli with the mkpop3dcert certificate, old TLS
refused, privilege separation read from /proc, pipelining in one write, and the limits (per-IP,
access file, long lines, bad-command floods, half-open TLS, idle clients) while other sessions
keep working.

Needs root (CI runs as root): creates the system users "hato" and "hatotest" when missing."""
import base64
import hashlib
import hmac
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
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import recv_until  # noqa: E402  (next to this file)
import test_pop3_service as svc  # noqa: E402  (next to this file)
from authd_for_tests import Authd  # noqa: E402

TCPD, LOGIN, POP3D, MESSAGES, wire_form = svc.TCPD, svc.LOGIN, svc.POP3D, svc.MESSAGES, svc.wire_form
MAKEACCESS = svc.BUILD / "tcpd" / "hato-makeaccess"
PASSWORD = "password"

GREETING_PREFIX = b"+OK Hello there."
OVERLIMIT = b"-ERR [SYS/TEMP] Too many connections from your address\r\n"
DENIED = b"-ERR [SYS/PERM] Access denied\r\n"


def recv_all(sock, timeout=15):
    """Everything until the peer closes."""
    sock.settimeout(timeout)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def proc_table():
    """pid -> (ppid, state, comm, [real, effective, saved, fs uid]) for every process."""
    table = {}
    for d in pathlib.Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            status = (d / "status").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        uid = next(l for l in status.splitlines() if l.startswith("Uid:")).split()[1:]
        table[int(d.name)] = (int(fields[1]), fields[0], comm, [int(x) for x in uid])
    return table


def descendants(root):
    """{pid: (ppid, state, comm, uids)} of every process below root."""
    table = proc_table()
    out, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, info in table.items():
            if info[0] == parent and pid not in out:
                out[pid] = info
                todo.append(pid)
    return out


def sasl_cram(p, mech, digestmod, user=b"testuser", password=PASSWORD):
    resp = p._shortcmd("AUTH " + mech)
    if not resp.startswith(b"+ "):
        raise AssertionError(resp)
    challenge = base64.b64decode(resp[2:])
    digest = hmac.new(password.encode(), challenge, digestmod).hexdigest()
    p._putcmd(base64.b64encode(user + b" " + digest.encode()).decode())
    return p._getline()[0], challenge


def sasl_scram_sha256(p, user=b"testuser", password=PASSWORD, last=""):
    """RFC 5802 / RFC 7677 client without channel binding; returns the final line and whether
    the server's signature was right. POP3 has no additional data with success (RFC 5034 §4):
    the server signature comes as a last challenge, answered with an empty line (last)."""
    cnonce = base64.b64encode(os.urandom(18)).decode()
    first_bare = f"n={user.decode()},r={cnonce}"
    resp = p._shortcmd("AUTH SCRAM-SHA-256 " + base64.b64encode(b"n,," + first_bare.encode())
                       .decode())
    if not resp.startswith(b"+ "):
        raise AssertionError(resp)
    server_first = base64.b64decode(resp[2:]).decode()
    attrs = dict(a.split("=", 1) for a in server_first.split(","))
    if not attrs["r"].startswith(cnonce) or len(attrs["r"]) <= len(cnonce):
        raise AssertionError(f"server nonce does not extend ours: {server_first}")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]),
                                 int(attrs["i"]))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    final_wo_proof = f"c=biws,r={attrs['r']}"
    auth_message = f"{first_bare},{server_first},{final_wo_proof}".encode()
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    final = f"{final_wo_proof},p={base64.b64encode(proof).decode()}"
    p._putcmd(base64.b64encode(final.encode()).decode())
    line = p._getline()[0]
    if not line.startswith(b"+ "):
        return line, None
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    want = b"v=" + base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest())
    verified = base64.b64decode(line[2:]) == want
    p._putcmd(last)
    return p._getline()[0], verified


class Service:
    """One hato-tcpd (plain port + implicit-TLS port) in front of pop3-login and pop3d."""

    def __init__(self, fixture, args=(), **env):
        self.port, self.tls_port = svc.free_port(), svc.free_port()
        self.logpath = fixture.dir / f"tcpd-{self.port}.log"
        self.log = open(self.logpath, "wb")
        full_env = dict(fixture.env, **env)
        self.proc = subprocess.Popen(
            [str(TCPD), "-address=127.0.0.1", "-nodnslookup", f"-tls={self.tls_port}", *args,
             f"{self.port},{self.tls_port}", str(LOGIN), str(POP3D), "Maildir"],
            env=full_env, stdin=subprocess.DEVNULL, stderr=self.log)
        for port in (self.port, self.tls_port):
            deadline = time.time() + 10
            while time.time() < deadline:
                # A probe is a connection too (it counts against -maxperip until its
                # session ends): probe with the socket API only, then let it finish.
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
        self.wait_idle()

    def wait_idle(self, timeout=10):
        """Until no session runs (probes and earlier tests' sessions have ended)."""
        deadline = time.time() + timeout
        while descendants(self.proc.pid) and time.time() < deadline:
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return self.logpath.read_bytes().decode(errors="replace")

    def stderr(self):
        self.log.flush()
        return self.logpath.read_bytes().decode(errors="replace")


@unittest.skipUnless(os.geteuid() == 0, "the POP3 service test runs as root, as in production")
class Pop3Fixture(unittest.TestCase):
    """A Maildir, a userdb with every secret the mechanisms need, a mkpop3dcert certificate."""

    @classmethod
    def setUpClass(cls):
        svc.ensure_user("hato")
        cls.user = svc.ensure_user("hatotest")
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-pop3lim-"))
        os.chmod(cls.dir, 0o755)
        cls.home = cls.dir / "home"
        cls.maildir = cls.home / "Maildir"
        cls.home.mkdir()
        for msg in MESSAGES:
            subprocess.run([str(svc.DELIVER), "-c", str(cls.maildir)], input=msg, check=True)
            time.sleep(0.01)
        subprocess.run(["chown", "-R", f"{cls.user.pw_uid}:{cls.user.pw_gid}", str(cls.home)],
                       check=True)
        src = cls.dir / "userdb"
        src.touch(mode=0o600)
        subprocess.run([str(svc.USERDB), "-f", str(src), "testuser", "set",
                        f"uid={cls.user.pw_uid}", f"gid={cls.user.pw_gid}", f"home={cls.home}",
                        f"apoppw={PASSWORD}"], check=True)
        for scheme, field in (("md5", "systempw"), ("hmac-md5", "hmac-md5pw"),
                              ("hmac-sha256", "hmac-sha256pw"),
                              ("scram-sha256", "scram-sha256pw")):
            pw = subprocess.run([str(svc.USERDBPW), "-" + scheme],
                                input=f"{PASSWORD}\n{PASSWORD}\n".encode(),
                                capture_output=True, check=True).stdout.decode().strip()
            subprocess.run([str(svc.USERDB), "-f", str(src), "testuser", "set",
                            f"{field}={pw}"], check=True)
        subprocess.run([str(svc.MAKEUSERDB), "-f", str(src)], check=True)
        rc = cls.dir / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\n')
        template = cls.dir / "pop3d.cnf"
        template.write_text((svc.SRC / "certs" / "pop3d.cnf").read_text())
        cls.cert = cls.dir / "pop3d.pem"
        subprocess.run([str(svc.MKCERT), str(cls.cert)], check=True, capture_output=True,
                       env=dict(os.environ, TEMPLATE=str(template), BITS="medium"))
        cls.authd = Authd(svc.BUILD, rc, cls.dir)  # HATO_AUTH=daemon: a private authdaemond
        cls.env = dict(os.environ, **cls.authd.env, HATO_AUTHDAEMONRC=str(rc),
                       HATO_LOGIN_USER="hato",
                       HATO_LOGIN_EMPTYDIR=str(cls.dir / "empty"), HATO_LOGIN_DELAY_MS="50",
                       POP3AUTH="CRAM-MD5 CRAM-SHA256 SCRAM-SHA-256",
                       POP3AUTH_TLS="CRAM-MD5 CRAM-SHA256 SCRAM-SHA-256 PLAIN LOGIN",
                       TLS_CERTFILE=str(cls.cert))
        cls.services = []

    @classmethod
    def tearDownClass(cls):
        logs = [s.stop() for s in cls.services]
        cls.authd.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)
        for log in logs:
            for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
                if marker in log:
                    raise AssertionError(f"sanitizer report in the log:\n{log}")

    @classmethod
    def start(cls, args=(), **env):
        s = Service(cls, args, **env)
        cls.services.append(s)
        return s

    def files(self):
        """{name: bytes} of every message file (new/ and cur/)."""
        out = {}
        for sub in ("new", "cur"):
            for p in (self.maildir / sub).iterdir():
                if not p.name.startswith("."):
                    out[p.name.split(":")[0]] = p.read_bytes()
        return out

    def login(self, srv):
        p = poplib.POP3("127.0.0.1", srv.port, timeout=20)
        p.user("testuser")
        p.pass_(PASSWORD)
        return p

    def tls_ctx(self):
        ctx = ssl.create_default_context(cafile=str(self.cert))
        ctx.check_hostname = True
        return ctx


class Pop3SaslTlsPrivs(Pop3Fixture):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv = cls.start()

    def setUp(self):
        self.srv.wait_idle()

    def check_session(self, p):
        wire = [wire_form(m) for m in MESSAGES]
        self.assertEqual(p.stat(), (3, sum(len(w) for w in wire)))
        self.assertEqual(p.quit(), b"+OK Bye-bye.")

    # --- 1. SASL through the real chain ---

    def test_cram_sha256(self):
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        self.assertEqual(p.capa()["SASL"], ["CRAM-MD5", "CRAM-SHA256", "SCRAM-SHA-256"])
        line, challenge = sasl_cram(p, "CRAM-SHA256", hashlib.sha256)
        self.assertRegex(challenge, rb"^<[^<>@]+@[^<>@]+>$")
        self.assertEqual(line, b"+OK logged in.")
        self.check_session(p)

    def test_cram_sha256_wrong_password_and_md5_answer(self):
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        line, _ = sasl_cram(p, "CRAM-SHA256", hashlib.sha256, password="wrong")
        self.assertEqual(line, b"-ERR [AUTH] Login failed.")
        # an HMAC-MD5 answer to a CRAM-SHA256 challenge is wrong too
        line, _ = sasl_cram(p, "CRAM-SHA256", hashlib.md5)
        self.assertEqual(line, b"-ERR [AUTH] Login failed.")
        line, _ = sasl_cram(p, "CRAM-SHA256", hashlib.sha256)  # the third try is right
        self.assertEqual(line, b"+OK logged in.")
        self.check_session(p)
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        for _ in range(2):
            self.assertEqual(sasl_cram(p, "CRAM-SHA256", hashlib.sha1)[0],
                             b"-ERR [AUTH] Login failed.")
        self.assertEqual(sasl_cram(p, "CRAM-SHA256", hashlib.sha1)[0],
                         b"-ERR [AUTH] Too many failures.")
        p.close()

    def test_scram_sha256(self):
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        line, verified = sasl_scram_sha256(p)
        self.assertTrue(verified, "the server's ServerSignature is wrong")
        self.assertEqual(line, b"+OK logged in.")
        self.check_session(p)

    def test_scram_sha256_final_step_must_be_empty(self):
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        line, verified = sasl_scram_sha256(p, last="*")
        self.assertTrue(verified)
        self.assertEqual(line, b"-ERR [AUTH] Authentication canceled.")
        line, verified = sasl_scram_sha256(p, last="Zm9v")
        self.assertTrue(verified)
        self.assertEqual(line, b"-ERR [AUTH] Login failed.")
        # Not logged in by either: USER/PASS still gets the AUTHORIZATION answers.
        self.assertEqual(p.user("testuser"), b"+OK Password required.")
        p.pass_(PASSWORD)
        self.check_session(p)

    def test_scram_sha256_wrong_password(self):
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        line, verified = sasl_scram_sha256(p, password="wrong")
        self.assertIsNone(verified)
        self.assertEqual(line, b"-ERR [AUTH] Login failed.")
        p.user("testuser")
        p.pass_(PASSWORD)
        self.check_session(p)

    def test_plain_refused_before_stls_accepted_after(self):
        p = poplib.POP3("localhost", self.srv.port, timeout=20)
        token = base64.b64encode(f"\0testuser\0{PASSWORD}".encode()).decode()
        with self.assertRaises(poplib.error_proto) as cm:
            p._shortcmd("AUTH PLAIN " + token)
        self.assertEqual(cm.exception.args[0],
                         b"-ERR [AUTH] Unsupported authentication mechanism.")
        with self.assertRaises(poplib.error_proto) as cm:
            p._shortcmd("AUTH LOGIN")
        self.assertEqual(cm.exception.args[0],
                         b"-ERR [AUTH] Unsupported authentication mechanism.")
        p.stls(context=self.tls_ctx())
        self.assertEqual(p.capa()["SASL"],
                         ["CRAM-MD5", "CRAM-SHA256", "SCRAM-SHA-256", "PLAIN", "LOGIN"])
        self.assertEqual(p._shortcmd("AUTH PLAIN " + token), b"+OK logged in.")
        self.check_session(p)

    def test_plain_without_initial_response_inside_implicit_tls(self):
        p = poplib.POP3_SSL("localhost", self.srv.tls_port, timeout=20, context=self.tls_ctx())
        self.assertEqual(p._shortcmd("AUTH PLAIN"), b"+ ")
        p._putcmd(base64.b64encode(f"\0testuser\0{PASSWORD}".encode()).decode())
        self.assertEqual(p._getline()[0], b"+OK logged in.")
        self.check_session(p)

    # --- 2. TLS clients with the mkpop3dcert certificate ---

    def s_client(self, args, send, until, timeout=20):
        p = subprocess.Popen(["openssl", "s_client", "-CAfile", str(self.cert),
                              "-verify_return_error", "-verify_hostname", "localhost",
                              "-servername", "localhost", "-quiet", *args],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        got = b""
        try:
            p.stdin.write(send)
            p.stdin.flush()
            os.set_blocking(p.stdout.fileno(), False)
            deadline = time.time() + timeout
            while until not in got and time.time() < deadline and p.poll() is None:
                chunk = p.stdout.read(65536)
                if chunk:
                    got += chunk
                else:
                    time.sleep(0.05)
            chunk = p.stdout.read(65536)
            got += chunk or b""
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            err = p.stderr.read()
            for f in (p.stdin, p.stdout, p.stderr):
                f.close()
        return got, err

    def test_openssl_starttls_pop3_verifies(self):
        self.assertIsNotNone(shutil.which("openssl"), "openssl missing")
        got, err = self.s_client(["-starttls", "pop3", "-connect", f"127.0.0.1:{self.srv.port}"],
                                 b"CAPA\r\nUSER testuser\r\nPASS password\r\nSTAT\r\nQUIT\r\n",
                                 b"+OK Bye-bye.\r\n")
        self.assertIn(b"verify return:1", err)
        wire = [wire_form(m) for m in MESSAGES]
        self.assertIn(b"SASL CRAM-MD5 CRAM-SHA256 SCRAM-SHA-256 PLAIN LOGIN\r\n", got)
        self.assertNotIn(b"STLS", got)
        self.assertTrue(got.endswith(b"+OK Password required.\r\n+OK logged in.\r\n"
                                     b"+OK 3 %d\r\n+OK Bye-bye.\r\n" % sum(len(w) for w in wire)),
                        got)

    def test_openssl_implicit_tls_verifies(self):
        got, err = self.s_client(["-connect", f"127.0.0.1:{self.srv.tls_port}"],
                                 b"QUIT\r\n", b"+OK Better luck next time.\r\n")
        self.assertIn(b"verify return:1", err)
        self.assertTrue(got.startswith(GREETING_PREFIX), got)
        self.assertTrue(got.endswith(b"\r\n+OK Better luck next time.\r\n"), got)

    def test_openssl_wrong_hostname_fails(self):
        # The failure row: the same client with another expected name must not get in.
        r = subprocess.run(["openssl", "s_client", "-CAfile", str(self.cert),
                            "-verify_return_error", "-verify_hostname", "mail.example.org",
                            "-connect", f"127.0.0.1:{self.srv.tls_port}"],
                           input=b"QUIT\r\n", capture_output=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(GREETING_PREFIX, r.stdout)

    def old_tls_ctx(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.load_verify_locations(cafile=str(self.cert))
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        return ctx

    def test_tls10_11_refused_implicit_and_stls(self):
        raw = socket.create_connection(("127.0.0.1", self.srv.tls_port), timeout=10)
        with self.assertRaises(ssl.SSLError) as cm:
            self.old_tls_ctx().wrap_socket(raw, server_hostname="localhost")
        raw.close()
        self.assertRegex(str(cm.exception).upper(), "VERSION|UNSUPPORTED_PROTOCOL")
        raw = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        self.assertTrue(recv_until(raw, b"\n").startswith(GREETING_PREFIX))
        raw.sendall(b"STLS\r\n")
        self.assertEqual(recv_until(raw, b"\n"), b"+OK Begin SSL/TLS negotiation now.\r\n")
        with self.assertRaises(ssl.SSLError) as cm:
            self.old_tls_ctx().wrap_socket(raw, server_hostname="localhost")
        raw.close()
        self.assertRegex(str(cm.exception).upper(), "VERSION|UNSUPPORTED_PROTOCOL")
        # The failure row: TLS 1.2 with the same settings gets in.
        ctx = self.tls_ctx()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        p = poplib.POP3_SSL("localhost", self.srv.tls_port, timeout=20, context=ctx)
        self.assertEqual(p.sock.version(), "TLSv1.2")
        self.assertEqual(p.quit(), b"+OK Better luck next time.")

    def test_gnutls_cli_starttls_pop3(self):
        self.assertIsNotNone(shutil.which("gnutls-cli"), "gnutls-cli missing (gnutls-bin)")
        r = subprocess.run(["gnutls-cli", "--x509cafile", str(self.cert), "-p",
                            str(self.srv.port), "--starttls-proto=pop3", "localhost"],
                           input=b"CAPA\r\nQUIT\r\n", capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"Status: The certificate is trusted.", r.stdout + r.stderr)
        self.assertIn(b"SASL CRAM-MD5 CRAM-SHA256 SCRAM-SHA-256 PLAIN LOGIN\r\n", r.stdout)
        self.assertIn(b"+OK Better luck next time.\r\n", r.stdout)
        r = subprocess.run(["gnutls-cli", "--x509cafile", str(self.cert), "-p",
                            str(self.srv.port), "--starttls-proto=pop3", "--priority",
                            "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0", "localhost"],
                           input=b"CAPA\r\nQUIT\r\n", capture_output=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(b"SASL", r.stdout)

    # --- 4. privilege separation observed ---

    def wait_for(self, predicate, timeout=5):
        deadline = time.time() + timeout
        while True:
            procs = descendants(self.srv.proc.pid)
            if predicate(procs) or time.time() > deadline:
                return procs
            time.sleep(0.05)

    def test_pre_auth_processes_then_none_after_plain_handoff(self):
        hato = svc.ensure_user("hato")
        p = poplib.POP3("127.0.0.1", self.srv.port, timeout=20)
        p.user("testuser")  # answered: both processes of this session exist now
        logins = {pid: i for pid, i in descendants(self.srv.proc.pid).items()
                  if i[2] == "pop3-login"}
        self.assertEqual(len(logins), 2, logins)
        roots = [pid for pid, i in logins.items() if i[3] == [0, 0, 0, 0]]
        users = [pid for pid, i in logins.items() if i[3] == [hato.pw_uid] * 4]
        self.assertEqual(len(roots), 1, logins)
        self.assertEqual(len(users), 1, logins)
        self.assertEqual(logins[roots[0]][0], self.srv.proc.pid)
        self.assertEqual(logins[users[0]][0], roots[0])
        p.pass_(PASSWORD)
        # After the handoff: pop3d as the mail user, and no pop3-login at all (not even a
        # zombie that pop3d, having exec'ed over the parent, would never reap).
        procs = self.wait_for(lambda ps: all(i[2] != "pop3-login" for i in ps.values()))
        self.assertEqual([i[2] for i in procs.values()], ["pop3d"], procs)
        (info,) = procs.values()
        self.assertEqual(info[3], [self.user.pw_uid] * 4)
        self.assertEqual(info[0], self.srv.proc.pid)
        self.check_session(p)

    def test_tls_session_keeps_unprivileged_proxy_only(self):
        hato = svc.ensure_user("hato")
        p = poplib.POP3_SSL("localhost", self.srv.tls_port, timeout=20, context=self.tls_ctx())
        p.user("testuser")
        p.pass_(PASSWORD)
        procs = self.wait_for(lambda ps: len(ps) == 2)
        by_name = sorted((i[2], i[3]) for i in procs.values())
        self.assertEqual(by_name, [("pop3-login", [hato.pw_uid] * 4),
                                   ("pop3d", [self.user.pw_uid] * 4)], procs)
        self.check_session(p)

    # --- 5. pipelining in one write ---

    def test_pipelining_one_write(self):
        before = self.files()
        wire = [wire_form(m) for m in MESSAGES]
        want = (b"+OK Password required.\r\n+OK logged in.\r\n"
                + b"+OK %d %d\r\n" % (3, sum(len(w) for w in wire))
                + b"+OK POP3 clients that break here, they violate STD53.\r\n"
                + b"".join(b"%d %d\r\n" % (i + 1, len(w)) for i, w in enumerate(wire))
                + b".\r\n+OK Bye-bye.\r\n")
        script = b"USER testuser\r\nPASS password\r\nSTAT\r\nLIST\r\nQUIT\r\n"
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=20) as s:
            greeting = recv_until(s, b"\r\n")
            self.assertTrue(greeting.startswith(GREETING_PREFIX), greeting)
            s.sendall(script)
            self.assertEqual(recv_all(s), want)
        with self.tls_ctx().wrap_socket(socket.create_connection(
                ("127.0.0.1", self.srv.tls_port), timeout=20), server_hostname="localhost") as s:
            self.assertTrue(recv_until(s, b"\r\n").startswith(GREETING_PREFIX))
            s.sendall(script + b"NOOP\r\n")  # after QUIT: ignored, nothing more is sent
            self.assertEqual(recv_all(s), want)
        self.assertEqual(self.files(), before)


class Pop3Limits(Pop3Fixture):
    def setUp(self):
        self.socks = []

    def tearDown(self):
        for s in self.socks:
            s.close()

    def conn(self, port):
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.socks.append(s)
        return s

    def assert_works(self, p):
        self.assertEqual(p.stat()[0], 3)
        self.assertEqual(p.noop(), b"+OK Yup.")

    def test_maxperip_refusal_while_sessions_work(self):
        srv = self.start(["-maxperip=2"])
        time.sleep(0.5)  # hato-tcpd frees the readiness probes' slots when it reaps them
        a = self.login(srv)
        b = poplib.POP3("127.0.0.1", srv.port, timeout=20)  # pre-auth counts too
        s = self.conn(srv.port)
        self.assertEqual(recv_all(s), OVERLIMIT)
        s = self.conn(srv.tls_port)  # the limit is per address, over both ports
        self.assertEqual(recv_all(s), OVERLIMIT)
        self.assert_works(a)
        b.user("testuser")
        b.pass_(PASSWORD)
        self.assert_works(b)
        b.quit()
        # b's slot frees once hato-tcpd has reaped it (pop3d lingers up to 2 s after QUIT).
        deadline = time.time() + 10
        while True:
            try:
                c = poplib.POP3("127.0.0.1", srv.port, timeout=20)
                break
            except poplib.error_proto as e:
                self.assertEqual(e.args[0] + b"\r\n", OVERLIMIT)
                self.assertLess(time.time(), deadline, "b's slot was never freed")
                time.sleep(0.2)
        self.assertTrue(c.getwelcome().startswith(GREETING_PREFIX))
        c.quit()
        self.assert_works(a)
        a.quit()
        self.assertIn("Maximum connection limit reached for 127.0.0.1", srv.stderr())

    def test_access_file_deny(self):
        src = self.dir / "pop3access"
        src.write_text("10.0.0.0/8\tallow\n127.0.0.1\tdeny\n")
        dat = self.dir / "pop3access.dat"
        subprocess.run([str(MAKEACCESS), str(src), str(dat)], check=True)
        srv = self.start([f"-access={dat}"])
        for port in (srv.port, srv.tls_port):
            self.assertEqual(recv_all(self.conn(port)), DENIED)
        self.assertIn("Access denied for 127.0.0.1", srv.stderr())
        # The failure row: an allowing file lets the same client in.
        src.write_text("127.0.0.1\tallow\n")
        dat2 = self.dir / "pop3access2.dat"
        subprocess.run([str(MAKEACCESS), str(src), str(dat2)], check=True)
        srv2 = self.start([f"-access={dat2}"])
        p = self.login(srv2)
        self.assert_works(p)
        p.quit()

    def test_long_line_answered_session_continues(self):
        srv = self.start()
        for logged_in in (False, True):
            s = self.conn(srv.port)
            self.assertTrue(recv_until(s, b"\r\n").startswith(GREETING_PREFIX))
            if logged_in:
                s.sendall(b"USER testuser\r\nPASS password\r\n")
                self.assertEqual(recv_until(s, b"logged in.\r\n"),
                                 b"+OK Password required.\r\n+OK logged in.\r\n")
            s.sendall(b"NOOP " + b"x" * 5000 + b"\r\n")
            self.assertEqual(recv_until(s, b"\r\n"), b"-ERR Line too long\r\n")
            if logged_in:
                s.sendall(b"STAT\r\n")
                self.assertRegex(recv_until(s, b"\r\n"), rb"^\+OK 3 [0-9]+\r\n$")
            else:
                s.sendall(b"USER testuser\r\n")
                self.assertEqual(recv_until(s, b"\r\n"), b"+OK Password required.\r\n")
            s.sendall(b"QUIT\r\n")
            self.assertIn(recv_all(s), (b"+OK Better luck next time.\r\n", b"+OK Bye-bye.\r\n"))

    def test_quit_answer_survives_trailing_input(self):
        # Closing with unread input sends a RST that can destroy the last answer: both the
        # login child and pop3d must drain before they close.
        srv = self.start()
        for logged_in in (False, True):
            s = self.conn(srv.port)
            self.assertTrue(recv_until(s, b"\r\n").startswith(GREETING_PREFIX))
            want = b"+OK Better luck next time.\r\n"
            if logged_in:
                s.sendall(b"USER testuser\r\nPASS password\r\n")
                self.assertEqual(recv_until(s, b"logged in.\r\n"),
                                 b"+OK Password required.\r\n+OK logged in.\r\n")
                want = b"+OK Bye-bye.\r\n"
            s.sendall(b"QUIT\r\n" + b"x" * 100000)
            time.sleep(0.5)  # the server has answered and closed before we read
            self.assertEqual(recv_all(s), want, logged_in)

    def test_bad_command_flood_closes_other_session_unaffected(self):
        srv = self.start()
        other = self.login(srv)
        # Before login: 10 invalid commands are answered, the 11th ends the connection.
        s = self.conn(srv.port)
        self.assertTrue(recv_until(s, b"\r\n").startswith(GREETING_PREFIX))
        s.sendall(b"BOGUS\r\n" * 50)
        self.assertEqual(recv_all(s), b"-ERR Invalid command.\r\n" * 10
                         + b"-ERR Too many invalid commands.\r\n")
        self.assert_works(other)
        # After login (pop3d): 20, then the 21st ends it.
        s = self.conn(srv.port)
        recv_until(s, b"\r\n")
        s.sendall(b"USER testuser\r\nPASS password\r\n")
        self.assertEqual(recv_until(s, b"logged in.\r\n"),
                         b"+OK Password required.\r\n+OK logged in.\r\n")
        s.sendall(b"BOGUS\r\n" * 50)
        self.assertEqual(recv_all(s), b"-ERR Invalid command.\r\n" * 20
                         + b"-ERR Too many invalid commands.\r\n")
        self.assert_works(other)
        other.quit()

    def test_half_open_tls_handshake_times_out(self):
        srv = self.start(TLS_TIMEOUT="3", HATO_LOGIN_TIMEOUT="3")
        other = self.login(srv)
        s = self.conn(srv.tls_port)
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # a ClientHello's start
        start = time.time()
        self.assert_works(other)  # while the handshake hangs
        got = recv_all(s, timeout=20)
        elapsed = time.time() - start
        self.assertTrue(got == b"" or got.startswith(b"\x15\x03"), got)  # an alert at most
        self.assertGreater(elapsed, 2)
        self.assertLess(elapsed, 10)
        self.assert_works(other)
        other.quit()

    def test_idle_clients_disconnected(self):
        srv = self.start(HATO_LOGIN_TIMEOUT="3", POP3_IDLE_TIMEOUT="3")
        other_deadline = time.time()
        for how in ("pre-auth", "plain", "tls"):
            if how == "tls":
                s = self.tls_ctx().wrap_socket(socket.create_connection(
                    ("127.0.0.1", srv.tls_port), timeout=20), server_hostname="localhost")
                self.socks.append(s)
            else:
                s = self.conn(srv.port)
            self.assertTrue(recv_until(s, b"\r\n").startswith(GREETING_PREFIX))
            if how != "pre-auth":
                s.sendall(b"USER testuser\r\nPASS password\r\n")
                self.assertEqual(recv_until(s, b"logged in.\r\n"),
                                 b"+OK Password required.\r\n+OK logged in.\r\n")
            start = time.time()
            # Another session that keeps talking is not disconnected meanwhile.
            other = self.login(srv)
            while time.time() - start < 4:
                self.assertEqual(other.noop(), b"+OK Yup.")
                time.sleep(0.5)
            got = recv_all(s, timeout=20)
            elapsed = time.time() - start
            self.assertIn(got, (b"", b"-ERR Disconnected for inactivity.\r\n"), how)
            self.assertGreater(elapsed, 2.5, how)
            self.assertLess(elapsed, 12, how)
            self.assert_works(other)
            other.quit()
        del other_deadline
        srv.wait_idle()
        self.assertEqual(descendants(srv.proc.pid), {})


class Pop3LoginDocs(unittest.TestCase):
    """pop3-login(8) and the sample configs name every variable pop3-login reads."""
    VARS = ["POP3AUTH", "POP3AUTH_TLS", "POP3_TLS_REQUIRED", "POP3_APOP", "TLS_CERTFILE",
            "TLS_PRIVATE_KEYFILE", "TLS_PRIORITY", "TLS_DHPARAMS", "TLS_TICKET_KEYFILE",
            "TLS_TIMEOUT", "HATO_AUTHDAEMONRC", "HATO_LOGIN_USER", "HATO_LOGIN_EMPTYDIR",
            "HATO_LOGIN_TIMEOUT", "HATO_LOGIN_DELAY_MS"]

    def test_man_page(self):
        page = svc.BUILD / "man" / "pop3-login.8"
        self.assertTrue(page.exists(), f"{page} not built")
        text = page.read_text()
        self.assertNotRegex(text, r"@[a-zA-Z_]+@")
        self.assertTrue(text.startswith(".TH POP3-LOGIN 8 "))
        env = text[text.index(".SH ENVIRONMENT"):text.index(".SH DIAGNOSTICS")]
        for var in self.VARS:
            self.assertIn(f"\n.TP\n.B {var}\n", env, var)

    def test_sample_configs(self):
        text = (svc.SRC / "etc" / "pop3d.in").read_text() + \
            (svc.SRC / "etc" / "pop3d-ssl.in").read_text()
        for var in self.VARS:
            self.assertIn(f"##NAME: {var}:", text, var)


if __name__ == "__main__":
    unittest.main()
