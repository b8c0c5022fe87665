"""End-to-end: the whole IMAP service as an administrator runs it — hato-tcpd -> imap-login ->
the real imapd over a real Maildir — driven by Python's imaplib and raw sockets: capabilities
before and after STARTTLS exactly as configured (the seed's IMAP_CAPABILITY), LOGIN and
AUTHENTICATE with every mechanism, implicit TLS, LOGINDISABLED / IMAP_TLS_REQUIRED, pipelining
after LOGIN (executed) and after STARTTLS (never executed inside TLS), IDLE woken by a delivery
and by another session's flag change.

Needs root (CI runs as root): creates the system users "hato" and "hatotest" when missing. With
HATO_AUTH=daemon in the environment the login goes through an authdaemond started here."""
import base64
import hashlib
import hmac
import imaplib
import os
import pathlib
import re
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
from hatotest import free_port, ensure_user, wait_port, crlf as wire_form  # noqa: E402  (next to this file)
from authd_for_tests import Authd  # noqa: E402  (the helper next to this file)

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
SRC = pathlib.Path(__file__).resolve().parents[2]
TCPD = BUILD / "tcpd" / "hato-tcpd"
LOGIN = BUILD / "imapd" / "imap-login"
IMAPD = BUILD / "imapd" / "imapd"
DELIVER = BUILD / "deliverquota"
USERDB = BUILD / "userdb" / "userdb"
USERDBPW = BUILD / "userdb" / "userdbpw"
MAKEUSERDB = BUILD / "userdb" / "makeuserdb"
MKCERT = BUILD / "certs" / "mkimapdcert"

# The seed's configuration (an administrator's imapd file), verbatim.
SEED_CAPABILITY = ("IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES "
                   "SORT QUOTA AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 IDLE")
SEED_CAPABILITY_TLS = SEED_CAPABILITY + " AUTH=PLAIN AUTH=LOGIN"
# The second service (IMAP_TLS_REQUIRED=1) also offers SCRAM inside TLS.
REQ_CAPABILITY_TLS = SEED_CAPABILITY_TLS + " AUTH=SCRAM-SHA-1 AUTH=SCRAM-SHA-256"

# What imap-login advertises for them: the configured names minus what imapd does not implement
# yet (THREAD= SORT QUOTA), in the configured order, then SASL-IR, LITERAL+, ID, ENABLE,
# STARTTLS / LOGINDISABLED.
CAPA_PLAIN = ("IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 "
              "IDLE SASL-IR LITERAL+ ID ENABLE STARTTLS")
CAPA_TLS = ("IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 "
            "IDLE AUTH=PLAIN AUTH=LOGIN SASL-IR LITERAL+ ID ENABLE")
CAPA_REQ_PLAIN = ("IMAP4rev1 UIDPLUS CHILDREN NAMESPACE IDLE SASL-IR LITERAL+ ID ENABLE STARTTLS "
                  "LOGINDISABLED")
CAPA_REQ_TLS = CAPA_TLS.replace("AUTH=LOGIN", "AUTH=LOGIN AUTH=SCRAM-SHA-1 AUTH=SCRAM-SHA-256")
# imapd's own CAPABILITY after login (imapd/imap-capability.c).
CAPA_IMAPD = ("IMAP4rev1 LITERAL+ UNSELECT CHILDREN NAMESPACE SPECIAL-USE LIST-EXTENDED UIDPLUS "
              "MOVE ESEARCH IDLE ID ENABLE")

# The tagged OK of LOGIN / AUTHENTICATE announces that list (RFC 3501 §6.2.3).
LOGIN_OK = b"[CAPABILITY " + CAPA_IMAPD.encode() + b"] LOGIN Ok."

MESSAGES = [
    b"From: a@example.com\r\nTo: t@example.com\r\nSubject: first\r\n\r\nHello.\r\n",
    b"From: b@example.com\nSubject: second\n\nstored with bare LF\n",
]
DELIVERED = b"From: d@example.com\nSubject: delivered while idling\n\nnew\n"


def recv_until(sock, pattern, timeout=10):
    """Read until the regex pattern (bytes) matches the data so far; the data."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.time() + timeout
    while not re.search(pattern, data):
        if time.time() > deadline:
            raise AssertionError(f"timeout waiting for {pattern!r}; got {data!r}")
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


HASHES = {"MD5": hashlib.md5, "SHA1": hashlib.sha1, "SHA256": hashlib.sha256,
          "SHA-1": hashlib.sha1, "SHA-256": hashlib.sha256}


def cram(user, password, hash_name):
    """The client side of CRAM-MD5 (RFC 2195) and Courier's CRAM-SHA1 / CRAM-SHA256."""
    def answer(challenge):
        digest = hmac.new(password.encode(), challenge, HASHES[hash_name]).hexdigest()
        return f"{user} {digest}"
    return answer


def login_mech(user, password):
    """The client side of the LOGIN mechanism: "Username:" then "Password:"."""
    def answer(challenge):
        return {b"Username:": user, b"Password:": password}[challenge]
    return answer


def scram_secret(password, hash_name, salt=b"hato-test-salt-1", iterations=4096):
    """A stored SCRAM secret in authlib's "iter,salt,StoredKey,ServerKey" form (base64)."""
    h = HASHES[hash_name]
    salted = hashlib.pbkdf2_hmac(h().name, password.encode(), salt, iterations)
    stored = h(hmac.new(salted, b"Client Key", h).digest()).digest()
    server = hmac.new(salted, b"Server Key", h).digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"{iterations},{b64(salt)},{b64(stored)},{b64(server)}"


class Scram:
    """The client side of SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802 / 7677) for imaplib, which
    checks the server's signature (sent as the last challenge) and answers it with nothing."""

    def __init__(self, user, password, hash_name):
        self.user, self.password, self.h = user, password, HASHES[hash_name]
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
            salted = hashlib.pbkdf2_hmac(self.h().name, self.password.encode(),
                                         base64.b64decode(fields["s"]), int(fields["i"]))
            client_key = hmac.new(salted, b"Client Key", self.h).digest()
            stored = self.h(client_key).digest()
            final_bare = f"c=biws,r={fields['r']}"
            auth_msg = f"{self.first_bare},{server_first},{final_bare}".encode()
            sig = hmac.new(stored, auth_msg, self.h).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, sig))
            server_key = hmac.new(salted, b"Server Key", self.h).digest()
            self.server_signature = base64.b64encode(
                hmac.new(server_key, auth_msg, self.h).digest()).decode()
            return final_bare + ",p=" + base64.b64encode(proof).decode()
        if challenge.decode() != "v=" + self.server_signature:
            raise AssertionError(f"bad server signature {challenge!r}")
        return b""


# "testuser": read-only checks; "idler": the IDLE test; "fetcher": fetchmail (test_imap_clients).
ACCOUNTS = ("testuser", "idler", "fetcher")


def chain_start(cls, accounts=ACCOUNTS, env_extra=None):
    """Accounts (each with MESSAGES delivered), certificate and the two services (the second
    with IMAP_TLS_REQUIRED=1), as attributes of cls; test_imap_clients.py and
    test_imap_service_mail.py use it too (their own accounts, extra server environment)."""
    for tool in (TCPD, LOGIN, IMAPD, DELIVER, USERDB, USERDBPW, MAKEUSERDB, MKCERT):
        if not tool.exists():
            raise AssertionError(f"{tool} not built")
    ensure_user("hato")
    cls.user = ensure_user("hatotest")
    cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-imapsvc-"))
    os.chmod(cls.dir, 0o755)
    src = cls.dir / "userdb"
    src.touch(mode=0o600)

    def pw(scheme):
        return subprocess.run([str(USERDBPW), scheme], input=b"password\npassword\n",
                              capture_output=True, check=True).stdout.decode().strip()

    secrets = [f"systempw={pw('-md5')}", f"hmac-md5pw={pw('-hmac-md5')}",
               f"hmac-sha1pw={pw('-hmac-sha1')}", f"hmac-sha256pw={pw('-hmac-sha256')}",
               f"scram-sha256pw={pw('-scram-sha256')}",
               f"scram-sha1pw={scram_secret('password', 'SHA1')}"]
    cls.homes = {}
    for account in accounts:
        home = cls.dir / account
        home.mkdir()
        for msg in MESSAGES:
            subprocess.run([str(DELIVER), "-c", str(home / "Maildir")], input=msg, check=True)
            time.sleep(0.01)
        subprocess.run(["chown", "-R", f"{cls.user.pw_uid}:{cls.user.pw_gid}", str(home)],
                       check=True)
        cls.homes[account] = home
        fields = [f"uid={cls.user.pw_uid}", f"gid={cls.user.pw_gid}", f"home={home}"]
        subprocess.run([str(USERDB), "-f", str(src), account, "set", *fields, *secrets],
                       check=True)
    # An account mapped to uid 0: the login parent must refuse it (mail never runs as root).
    root_home = cls.dir / "rootuser"
    (root_home / "Maildir" / "cur").mkdir(parents=True)
    subprocess.run([str(USERDB), "-f", str(src), "rootuser", "set", "uid=0", "gid=0",
                    f"home={root_home}", *secrets], check=True)
    subprocess.run([str(MAKEUSERDB), "-f", str(src)], check=True)
    rc = cls.dir / "authdaemonrc"
    rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\nAUTHFAILDELAY=50\n')
    cls.authd = Authd(BUILD, rc, cls.dir)
    template = cls.dir / "imapd.cnf"
    template.write_text((SRC / "certs" / "imapd.cnf").read_text())
    cls.cert = cls.dir / "imapd.pem"
    subprocess.run([str(MKCERT), str(cls.cert)], check=True, capture_output=True,
                   env=dict(os.environ, TEMPLATE=str(template), BITS="medium"))
    env = dict(os.environ, **cls.authd.env, HATO_AUTHDAEMONRC=str(rc),
               HATO_LOGIN_USER="hato", HATO_LOGIN_EMPTYDIR=str(cls.dir / "empty"),
               HATO_LOGIN_DELAY_MS="50", IMAP_CAPABILITY=SEED_CAPABILITY,
               IMAP_CAPABILITY_TLS=SEED_CAPABILITY_TLS, TLS_CERTFILE=str(cls.cert),
               IMAP_IDLE_TIMEOUT="60", **(env_extra or {}))
    cls.port, cls.tls_port, cls.req_port = free_port(), free_port(), free_port()
    cls.log = open(cls.dir / "server.log", "w+b")
    cls.tcpd = subprocess.Popen(
        [str(TCPD), "-address=127.0.0.1", "-nodnslookup", f"-tls={cls.tls_port}",
         f"{cls.port},{cls.tls_port}", str(LOGIN), str(IMAPD), "Maildir"],
        env=env, stdin=subprocess.DEVNULL, stderr=cls.log)
    cls.tcpd_req = subprocess.Popen(
        [str(TCPD), "-address=127.0.0.1", "-nodnslookup", str(cls.req_port), str(LOGIN),
         str(IMAPD), "Maildir"],
        env=dict(env, IMAP_TLS_REQUIRED="1", IMAP_CAPABILITY_TLS=REQ_CAPABILITY_TLS),
        stdin=subprocess.DEVNULL, stderr=cls.log)
    for port in (cls.port, cls.tls_port, cls.req_port):
        wait_port(port)


def chain_stop(cls):
    for t in (cls.tcpd, cls.tcpd_req):
        t.send_signal(signal.SIGTERM)
        t.wait(timeout=15)
    cls.authd.stop()
    cls.log.close()
    log = (cls.dir / "server.log").read_bytes().decode(errors="replace")
    shutil.rmtree(cls.dir, ignore_errors=True)
    # With HATO_BUILD=build-asan every program's report lands in this log.
    if re.search(r"AddressSanitizer|LeakSanitizer|runtime error", log):
        raise AssertionError("sanitizer report in the server log:\n" + log[-4000:])


@unittest.skipUnless(os.geteuid() == 0, "the IMAP service test runs as root, as in production")
class ImapService(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        chain_start(cls)

    @classmethod
    def tearDownClass(cls):
        chain_stop(cls)

    def server_log(self):
        self.log.flush()
        return (self.dir / "server.log").read_bytes().decode(errors="replace")

    def context(self):
        ctx = ssl.create_default_context(cafile=str(self.cert))
        ctx.check_hostname = True
        return ctx

    def imap(self, port=None):
        # "localhost": the name the certificate is for (the server listens on 127.0.0.1).
        return imaplib.IMAP4("localhost", port or self.port, timeout=20)

    def assert_inbox(self, m, count=None):
        typ, data = m.select("INBOX")
        self.assertEqual(typ, "OK", data)
        if count is not None:
            self.assertEqual(data, [str(count).encode()])

    def test_01_capabilities_before_and_after_starttls(self):
        m = self.imap()
        self.assertEqual(m.welcome, b"* OK [CAPABILITY " + CAPA_PLAIN.encode() +
                         b"] Hato IMAP ready.")
        self.assertEqual(m.capability(), ("OK", [CAPA_PLAIN.encode()]))
        m.starttls(ssl_context=self.context())
        self.assertEqual(m.capability(), ("OK", [CAPA_TLS.encode()]))
        # The tagged OK of LOGIN already carries the list imapd advertises (RFC 3501 §6.2.3);
        # imaplib files the response code with the untagged data.
        self.assertEqual(m.login("testuser", "password"), ("OK", [LOGIN_OK]))
        self.assertEqual(m.untagged_responses.pop("CAPABILITY"), [CAPA_IMAPD.encode()])
        # After login imapd answers for itself: the same list, what it implements.
        self.assertEqual(m.capability(), ("OK", [CAPA_IMAPD.encode()]))
        m.logout()

    def test_02_login_select_fetch_byte_exact(self):
        m = self.imap()
        self.assertEqual(m.login("testuser", "password"), ("OK", [LOGIN_OK]))
        # ENABLE (RFC 5161, imaplib allows it before SELECT only): nothing to enable yet.
        typ, data = m.xatom("ENABLE", "UTF8=ACCEPT")
        self.assertEqual((typ, data), ("OK", [b"ENABLE completed."]))
        self.assertEqual(m.untagged_responses.pop("ENABLED"), [b""])
        self.assert_inbox(m, 2)
        # UIDs follow the file names (as in Courier), not necessarily the delivery order.
        bodies = []
        for i in (1, 2):
            typ, data = m.fetch(str(i), "(UID RFC822.SIZE BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            body = data[0][1]
            self.assertEqual(data[0][0], b"%d (UID %d RFC822.SIZE %d BODY[] {%d}" %
                             (i, i, len(body), len(body)))
            bodies.append(body)
        self.assertEqual(sorted(bodies), sorted(wire_form(msg) for msg in MESSAGES))
        # ID and ENABLE inside imapd.
        self.assertEqual(m.xatom("ID", '("name" "imaplib")'), ("OK", [b"ID completed."]))
        self.assertEqual(m.untagged_responses.pop("ID"),
                         [b'("name" "Hato" "version" "' + self.version() + b'")'])
        m.logout()
        self.assertRegex(self.server_log(), r"LOGIN, user=testuser, ip=\[127\.0\.0\.1\], "
                         r"port=\[[0-9]+\], protocol=IMAP")

    def version(self):
        config = (BUILD / "config.h").read_text()
        return re.search(r'#define PACKAGE_VERSION "([^"]*)"', config).group(1).encode()

    def test_03_imapd_runs_as_the_mail_user_never_root(self):
        m = self.imap()
        m.login("testuser", "password")
        try:
            pids = subprocess.run(["pgrep", "-f", f"^{IMAPD}"], capture_output=True).stdout.split()
            self.assertTrue(pids, "no imapd process during a session")
            for pid in pids:
                status = pathlib.Path(f"/proc/{int(pid)}/status").read_text()
                uid_line = next(l for l in status.splitlines() if l.startswith("Uid:"))
                gid_line = next(l for l in status.splitlines() if l.startswith("Gid:"))
                self.assertEqual(uid_line.split()[1:], [str(self.user.pw_uid)] * 4)
                self.assertEqual(gid_line.split()[1:], [str(self.user.pw_gid)] * 4)
                cwd = os.readlink(f"/proc/{int(pid)}/cwd")
                self.assertTrue(cwd.endswith("/Maildir"), cwd)
        finally:
            m.logout()

    def test_03b_uid_0_account_refused(self):
        m = self.imap()
        with self.assertRaises(imaplib.IMAP4.error) as err:
            m.login("rootuser", "password")
        self.assertIn("AUTHENTICATIONFAILED", str(err.exception))
        m.logout()
        self.assertIn("rootuser: refusing an account with uid 0", self.server_log())

    def test_04_cram_mechanisms_on_plain_connection(self):
        for hash_name in ("MD5", "SHA1", "SHA256"):
            m = self.imap()
            typ, data = m.authenticate("CRAM-" + hash_name, cram("testuser", "password",
                                                                  hash_name))
            self.assertEqual((typ, data), ("OK", [LOGIN_OK]), hash_name)
            self.assert_inbox(m, 2)
            m.logout()
        m = self.imap()
        with self.assertRaises(imaplib.IMAP4.error) as err:
            m.authenticate("CRAM-MD5", cram("testuser", "wrong", "MD5"))
        self.assertIn("AUTHENTICATIONFAILED", str(err.exception))
        # PLAIN is not advertised before TLS here, so it is refused.
        with self.assertRaises(imaplib.IMAP4.error) as err:
            m.authenticate("PLAIN", lambda c: b"\0testuser\0password")
        self.assertIn("Unsupported authentication mechanism", str(err.exception))
        m.logout()

    def test_05_plain_and_login_inside_starttls(self):
        for mech, answer in (("PLAIN", lambda c: b"\0testuser\0password"),
                             ("LOGIN", login_mech("testuser", "password"))):
            m = self.imap()
            m.starttls(ssl_context=self.context())
            self.assertEqual(m.authenticate(mech, answer), ("OK", [LOGIN_OK]), mech)
            self.assert_inbox(m, 2)
            m.logout()

    def test_06_scram_inside_starttls_with_tls_required(self):
        for hash_name in ("SHA-1", "SHA-256"):
            m = self.imap(self.req_port)
            m.starttls(ssl_context=self.context())
            self.assertEqual(m.capability(), ("OK", [CAPA_REQ_TLS.encode()]))
            scram = Scram("testuser", "password", hash_name)
            self.assertEqual(m.authenticate("SCRAM-" + hash_name, scram),
                             ("OK", [LOGIN_OK]), hash_name)
            self.assertEqual(scram.step, 3)
            self.assert_inbox(m, 2)
            m.logout()

    def test_07_logindisabled_and_tls_required(self):
        m = self.imap(self.req_port)
        self.assertEqual(m.welcome, b"* OK [CAPABILITY " + CAPA_REQ_PLAIN.encode() +
                         b"] Hato IMAP ready.")
        with self.assertRaises(imaplib.IMAP4.error) as err:
            m.login("testuser", "password")
        self.assertIn("[PRIVACYREQUIRED]", str(err.exception))
        with self.assertRaises(imaplib.IMAP4.error):
            m.authenticate("CRAM-MD5", cram("testuser", "password", "MD5"))
        m.starttls(ssl_context=self.context())
        self.assertEqual(m.login("testuser", "password"), ("OK", [LOGIN_OK]))
        self.assert_inbox(m, 2)
        m.logout()

    def test_08_implicit_tls(self):
        m = imaplib.IMAP4_SSL("localhost", self.tls_port, ssl_context=self.context(), timeout=20)
        self.assertEqual(m.welcome, b"* OK [CAPABILITY " + CAPA_TLS.encode() +
                         b"] Hato IMAP ready.")
        self.assertEqual(m.login("testuser", "password"), ("OK", [LOGIN_OK]))
        self.assert_inbox(m, 2)
        typ, data = m.fetch("1", "(BODY.PEEK[])")
        self.assertIn(data[0][1], [wire_form(msg) for msg in MESSAGES])
        m.logout()

    def test_09_command_pipelined_with_login_is_executed(self):
        # Courier loses what follows LOGIN in the same packet; Hato hands it to imapd.
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            recv_until(s, rb"ready\.\r\n")
            s.sendall(b"a LOGIN testuser password\r\nb SELECT INBOX\r\nc FETCH 1 (UID)\r\n"
                      b"d LOGOUT\r\n")
            data = recv_until(s, rb"d OK [^\r]*\r\n")
        self.assertTrue(data.startswith(b"a OK " + LOGIN_OK + b"\r\n"), data)
        self.assertIn(b"* 2 EXISTS\r\n", data)
        self.assertRegex(data, rb"\r\nb OK \[READ-WRITE\][^\r]*\r\n\* 1 FETCH \(UID 1\)\r\n"
                               rb"c OK [^\r]*\r\n\* BYE[^\r]*\r\nd OK ")

    def test_10_command_pipelined_with_starttls_is_never_run_inside_tls(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        recv_until(raw, rb"ready\.\r\n")
        raw.sendall(b"a STARTTLS\r\nb LOGIN testuser password\r\n")
        self.assertEqual(recv_until(raw, rb"\r\n"), b"a OK Begin SSL/TLS negotiation now.\r\n")
        s = self.context().wrap_socket(raw, server_hostname="localhost")
        try:
            s.sendall(b"c CAPABILITY\r\nd SELECT INBOX\r\n")
            data = recv_until(s, rb"d [A-Z]+ [^\r]*\r\n")
            # Still not authenticated: b was dropped, d is refused by imap-login.
            self.assertNotIn(b"b OK", data)
            self.assertEqual(data.split(b"\r\n")[0], b"* CAPABILITY " + CAPA_TLS.encode())
            self.assertRegex(data, rb"\r\nd BAD ")
        finally:
            s.close()

    def test_11_idle_sees_delivery_and_other_sessions_flag_change(self):
        maildir = self.homes["idler"] / "Maildir"
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            recv_until(s, rb"ready\.\r\n")
            s.sendall(b"a LOGIN idler password\r\nb SELECT INBOX\r\n")
            recv_until(s, rb"b OK [^\r]*\r\n")
            s.sendall(b"c IDLE\r\n")
            self.assertEqual(recv_until(s, rb"\r\n"), b"+ idling\r\n")
            # A delivery by the delivery program, as the mail user (as an MDA would run it).
            started = time.time()
            subprocess.run([str(DELIVER), str(maildir)], input=DELIVERED, check=True,
                           user=self.user.pw_uid, group=self.user.pw_gid)
            data = recv_until(s, rb"RECENT\r\n", timeout=10)
            # All three are \Recent: this session's SELECT moved the first two out of new/.
            self.assertEqual(data, b"* 3 EXISTS\r\n* 3 RECENT\r\n")
            # Woken by inotify, not by the 60 s IMAP_IDLE_TIMEOUT poll.
            self.assertLess(time.time() - started, 10)
            # A flag change by a second connection.
            m = self.imap()
            m.login("idler", "password")
            self.assert_inbox(m, 3)
            m.store("2", "+FLAGS", "(\\Flagged)")
            data = recv_until(s, rb"FETCH[^\r]*\r\n", timeout=10)
            self.assertEqual(data, b"* 2 FETCH (FLAGS (\\Flagged \\Recent))\r\n")
            # An expunge by the other session is sent during IDLE (no command is running).
            m.store("1", "+FLAGS", "(\\Deleted)")
            data = recv_until(s, rb"FETCH[^\r]*\r\n", timeout=10)
            self.assertEqual(data, b"* 1 FETCH (FLAGS (\\Deleted \\Recent))\r\n")
            m.expunge()
            m.logout()
            data = recv_until(s, rb"RECENT\r\n", timeout=10)
            self.assertEqual(data, b"* 1 EXPUNGE\r\n* 2 RECENT\r\n")
            s.sendall(b"DONE\r\nd FETCH 2 (FLAGS BODY[])\r\ne LOGOUT\r\n")
            data = recv_until(s, rb"e OK [^\r]*\r\n")
        wire = wire_form(DELIVERED)
        self.assertTrue(data.startswith(b"c OK IDLE completed.\r\n"), data)
        self.assertIn(b"* 2 FETCH (FLAGS (\\Seen \\Recent) BODY[] {%d}\r\n" % len(wire) + wire +
                      b")\r\nd OK ", data)

    def test_12_idle_bad_continuation_and_logout_line(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            recv_until(s, rb"ready\.\r\n")
            s.sendall(b"a LOGIN testuser password\r\nb IDLE\r\n")
            data = recv_until(s, rb"\+ idling\r\n")
            self.assertEqual(data, b"a OK " + LOGIN_OK + b"\r\n+ idling\r\n")
            s.sendall(b"NOTDONE\r\nc IDLE extra\r\nd IDLE\r\ndone\r\ne LOGOUT\r\n")
            data = recv_until(s, rb"e OK [^\r]*\r\n")
        self.assertTrue(data.startswith(b"b BAD Expected DONE.\r\nc BAD IDLE takes no "
                                        b"arguments.\r\n+ idling\r\nd OK IDLE completed.\r\n"),
                        data)
        self.assertRegex(data, rb"\r\n\* BYE [^\r]*\r\ne OK [^\r]*\r\n$")


def run_imapd(env_extra, user):
    """imapd alone on a pipe, as the mail user, for the IMAP_IDLE_TIMEOUT and timeout rows."""
    env = dict(os.environ, HATO_IMAPD_PREAUTH="1", **env_extra)
    return subprocess.Popen([str(IMAPD), "Maildir"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                            user=user.pw_uid, group=user.pw_gid, cwd=env_extra["HOME"])


def stop(proc):
    proc.kill()
    proc.wait()
    proc.stdin.close()
    proc.stdout.close()


@unittest.skipUnless(os.geteuid() == 0, "runs imapd as the test's mail user")
class ImapdIdleTimers(unittest.TestCase):
    """IMAP_IDLE_TIMEOUT without inotify, and the normal idle timeout not cutting an IDLE."""

    @classmethod
    def setUpClass(cls):
        if not IMAPD.exists():
            raise AssertionError(f"{IMAPD} not built")
        cls.user = ensure_user("hatotest")
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-imapidle-"))
        os.chmod(cls.dir, 0o755)
        subprocess.run([str(DELIVER), "-c", str(cls.dir / "Maildir")], input=MESSAGES[0],
                       check=True)
        subprocess.run(["chown", "-R", f"{cls.user.pw_uid}:{cls.user.pw_gid}", str(cls.dir)],
                       check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def read_until(self, proc, pattern, timeout=10):
        os.set_blocking(proc.stdout.fileno(), False)
        data = b""
        deadline = time.time() + timeout
        while not re.search(pattern, data):
            if time.time() > deadline:
                raise AssertionError(f"timeout waiting for {pattern!r}; got {data!r}")
            chunk = proc.stdout.read(65536)
            if chunk:
                data += chunk
            elif chunk == b"":
                break
            else:
                time.sleep(0.05)
        return data

    def test_polling_idle_uses_imap_idle_timeout(self):
        proc = run_imapd({"HOME": str(self.dir), "HATO_IMAPD_NOTIFY_POLL": "1",
                          "IMAP_IDLE_TIMEOUT": "1"}, self.user)
        try:
            proc.stdin.write(b"a SELECT INBOX\r\nb IDLE\r\n")
            proc.stdin.flush()
            self.read_until(proc, rb"\+ idling\r\n")
            subprocess.run([str(DELIVER), str(self.dir / "Maildir")], input=DELIVERED,
                           check=True, user=self.user.pw_uid, group=self.user.pw_gid)
            started = time.time()
            data = self.read_until(proc, rb"RECENT\r\n", timeout=5)
            # Both are \Recent here: this session's SELECT took the first out of new/ too.
            self.assertEqual(data, b"* 2 EXISTS\r\n* 2 RECENT\r\n")
            self.assertLess(time.time() - started, 3)
            proc.stdin.write(b"DONE\r\nc LOGOUT\r\n")
            proc.stdin.flush()
            data = self.read_until(proc, rb"c OK [^\r]*\r\n")
            self.assertTrue(data.startswith(b"b OK IDLE completed.\r\n"), data)
        finally:
            stop(proc)

    def test_idle_outlives_the_command_timeout(self):
        # HATO_IMAPD_TIMEOUT=1: a session waiting for a command is cut after 1 s, an IDLE is not
        # (it lasts at least 29 minutes, RFC 2177).
        proc = run_imapd({"HOME": str(self.dir), "HATO_IMAPD_TIMEOUT": "1"}, self.user)
        try:
            self.read_until(proc, rb"PREAUTH[^\r]*\r\n")
            time.sleep(2.5)
            self.assertEqual(proc.poll(), 0)
            self.assertEqual(self.read_until(proc, rb"BYE[^\r]*\r\n"),
                             b"* BYE Idle timeout, closing connection.\r\n")
        finally:
            stop(proc)
        proc = run_imapd({"HOME": str(self.dir), "HATO_IMAPD_TIMEOUT": "1"}, self.user)
        try:
            proc.stdin.write(b"a IDLE\r\n")
            proc.stdin.flush()
            self.read_until(proc, rb"\+ idling\r\n")
            time.sleep(2.5)
            self.assertIsNone(proc.poll())
            proc.stdin.write(b"DONE\r\n")
            proc.stdin.flush()
            self.assertEqual(self.read_until(proc, rb"a OK[^\r]*\r\n"),
                             b"a OK IDLE completed.\r\n")
        finally:
            stop(proc)


if __name__ == "__main__":
    unittest.main()
