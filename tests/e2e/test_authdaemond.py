"""End-to-end: authdaemond on its Courier-protocol socket, driven with real bytes.

Builds a userdb with Hato's makeuserdb, starts authdaemond from the build tree on a private
directory and checks the exact replies of courier-formats §2.3: PRE, AUTH login (as Courier's
client library and as Cyrus SASL send it), AUTH cram-md5 (RFC 2195), ENUMERATE, IDN names, the
same reply for unknown users and wrong passwords, and that malformed, oversized or stalled
requests neither crash the daemon nor hold up other clients.
"""
import base64
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain"))
if not BUILD.is_absolute() and not BUILD.exists():
    BUILD = REPO / BUILD
BUILD = BUILD.resolve()

MD5CRYPT_SECRET = "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"  # crypt("secret", "$1$abcdefgh$")
HMAC_MD5_TANSTAAF = "d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b"
FAILDELAY_MS = 300

USERS = (
    f"bob@example.com\tuid=1000|gid=1000|home=/home/bob|mail=/home/bob/Maildir|gecos=Bob B,x"
    f"|systempw={MD5CRYPT_SECRET}|hmac-md5pw={HMAC_MD5_TANSTAAF}\n"
    "info@xn--bcher-kva.example\tuid=1001|gid=1001|home=/home/info|options=disablepop3=1"
    "|systempw={SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n"
)

BOB_RECORD = (b"UID=1000\nGID=1000\nHOME=/home/bob\nADDRESS=bob@example.com\nNAME=Bob B\n"
              b"MAILDIR=/home/bob/Maildir\n")


class AuthdaemondCourierSocket(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for prog in ("authlib/authdaemond", "userdb/makeuserdb"):
            if not (BUILD / prog).exists():
                raise AssertionError(f"{BUILD / prog} is not built")
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-authd-"))
        users = cls.tmp / "userdb"
        users.write_text(USERS, encoding="utf-8")
        users.chmod(0o600)
        r = subprocess.run([str(BUILD / "userdb/makeuserdb"), "-f", str(users)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError(f"makeuserdb failed: {r.stderr}")
        rc = cls.tmp / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb={users}\n'
                      f'DEFAULTOPTIONS="disableinsecureimap=1"\nAUTHFAILDELAY={FAILDELAY_MS}\n')
        cls.sockdir = cls.tmp / "run"
        cls.sockdir.mkdir()
        cls.log = open(cls.tmp / "authdaemond.log", "w")
        cls.proc = subprocess.Popen([str(BUILD / "authlib/authdaemond"), "-e", "-f", str(rc),
                                     "-d", str(cls.sockdir)], stderr=cls.log)
        cls.sock = str(cls.sockdir / "socket")
        for _ in range(100):
            if os.path.exists(cls.sock):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("authdaemond did not create its socket")

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.log.close()
        shutil.rmtree(cls.tmp)

    def request(self, data, timeout=10):
        """Send data and read until the daemon closes, as Cyrus SASL does."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.sock)
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(8192)
            if not chunk:
                break
            out += chunk
        s.close()
        return out

    @staticmethod
    def auth(service, authtype, authdata, ip="192.0.2.1"):
        body = f"{service}\n{authtype}\n".encode() + authdata
        return f"TCPREMOTEIP={ip}\nAUTH {len(body)}\n".encode() + body

    def tearDown(self):
        self.assertIsNone(self.proc.poll(), "authdaemond exited")

    def test_pre(self):
        self.assertEqual(self.request(b"PRE . imap bob@example.com\n"),
                         BOB_RECORD + b"PASSWD=" + MD5CRYPT_SECRET.encode() +
                         b"\nOPTIONS=disableinsecureimap=1\n.\n")
        self.assertEqual(self.request(b"PRE . imap nobody@example.com\n"), b"FAIL\n")

    def test_auth_login(self):
        self.assertEqual(self.request(self.auth("imap", "login", b"bob@example.com\nsecret\n")),
                         BOB_RECORD + b"PASSWD=" + MD5CRYPT_SECRET.encode() +
                         b"\nPASSWD2=secret\nOPTIONS=disableinsecureimap=1\n.\n")

    def test_cyrus_sasl_request(self):
        # n counts through the password's newline; Cyrus then sends one more newline.
        body = b"smtp\nlogin\nbob@example.com\nsecret\n"
        reply = self.request(b"AUTH %d\n" % len(body) + body + b"\n")
        self.assertIn(b"\n.\n", reply)
        self.assertTrue(reply.startswith(b"UID=1000\n"))

    def test_idn_name(self):
        reply = self.request(self.auth("pop3", "login",
                                       "info@bücher.example\nsecret\n".encode()))
        self.assertIn(b"ADDRESS=info@xn--bcher-kva.example\n", reply)
        self.assertIn(b"OPTIONS=disablepop3=1,disableinsecureimap=1\n.\n", reply)
        self.assertEqual(self.request(self.auth("pop3", "login", b"info@xn--zz.example\nx\n",
                                                ip="192.0.2.50")), b"FAIL\n")

    def test_cram_md5_rfc2195(self):
        chal = base64.b64encode(b"<1896.697170952@postoffice.reston.mci.net>")
        resp = base64.b64encode(b"bob@example.com b913a602c7eda7a495b4e6e7334d3890")
        reply = self.request(self.auth("imap", "cram-md5", chal + b"\n" + resp + b"\n"))
        self.assertTrue(reply.startswith(BOB_RECORD), reply)
        bad = base64.b64encode(b"bob@example.com b913a602c7eda7a495b4e6e7334d3891")
        self.assertEqual(self.request(self.auth("imap", "cram-md5", chal + b"\n" + bad + b"\n",
                                                ip="192.0.2.51")), b"FAIL\n")

    def test_unknown_user_and_wrong_password_look_the_same(self):
        t0 = time.monotonic()
        wrong = self.request(self.auth("imap", "login", b"bob@example.com\nwrong\n",
                                       ip="198.51.100.1"))
        t1 = time.monotonic()
        unknown = self.request(self.auth("imap", "login", b"nobody@example.com\nwrong\n",
                                         ip="198.51.100.2"))
        t2 = time.monotonic()
        self.assertEqual(wrong, b"FAIL\n")
        self.assertEqual(unknown, b"FAIL\n")
        for t in (t1 - t0, t2 - t1):
            self.assertGreaterEqual(t, FAILDELAY_MS / 1000 * 0.9)
        self.assertLess(abs((t1 - t0) - (t2 - t1)), 0.15)

    def test_failure_delay_grows_per_ip(self):
        times = []
        for _ in range(3):
            t0 = time.monotonic()
            self.assertEqual(self.request(self.auth("imap", "login", b"bob@example.com\nno\n",
                                                    ip="203.0.113.9")), b"FAIL\n")
            times.append(time.monotonic() - t0)
        self.assertGreaterEqual(times[2], 4 * FAILDELAY_MS / 1000 * 0.9)

    def test_enumerate(self):
        reply = self.request(b"ENUMERATE\n")
        self.assertTrue(reply.startswith(b"# authuserdb\n\n"), reply)
        self.assertIn(b"bob@example.com\t1000\t1000\t/home/bob\t/home/bob/Maildir\t\n", reply)
        self.assertIn(b"info@xn--bcher-kva.example\t1001\t1001\t/home/info\t\tdisablepop3=1\n",
                      reply)
        self.assertTrue(reply.endswith(b"\n.\n"))

    def test_malformed_and_oversized(self):
        self.assertEqual(self.request(b"HELLO\n"), b"FAIL\n")
        self.assertEqual(self.request(b"AUTH 99999\n"), b"FAIL\n")
        self.assertEqual(self.request(b"X" * 20000), b"FAIL\n")
        self.assertEqual(self.request(b"AUTH 5\nimap\n\n\n\n"), b"FAIL\n")

    def test_stalled_client_does_not_block_others(self):
        stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stalled.connect(self.sock)
        stalled.sendall(b"AUTH 100\nimap\nlogin\n")
        t0 = time.monotonic()
        self.assertTrue(self.request(b"PRE . imap bob@example.com\n").endswith(b".\n"))
        self.assertLess(time.monotonic() - t0, 1.0)
        stalled.close()

    # ---- auth-client: Dovecot's auth client protocol ----

    def dovecot(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(str(self.sockdir / "auth-client"))
        f = s.makefile("rwb", buffering=0)
        greeting = []
        while True:
            line = f.readline()
            self.assertTrue(line, "auth-client closed during the handshake")
            greeting.append(line)
            if line == b"DONE\n":
                break
        f.write(b"VERSION\t1\t2\nCPID\t4242\n")
        return s, f, greeting

    def test_dovecot_handshake(self):
        s, f, greeting = self.dovecot()
        self.assertEqual(greeting[0], b"VERSION\t1\t2\n")
        self.assertIn(b"MECH\tPLAIN\tplaintext\n", greeting)
        self.assertIn(b"MECH\tLOGIN\tplaintext\n", greeting)
        self.assertIn(b"MECH\tCRAM-MD5\n", greeting)
        self.assertIn(b"MECH\tSCRAM-SHA-256\n", greeting)
        self.assertTrue(any(l.startswith(b"SPID\t") for l in greeting))
        self.assertTrue(any(l.startswith(b"CUID\t") for l in greeting))
        self.assertTrue(any(len(l) == len(b"COOKIE\t\n") + 32 and l.startswith(b"COOKIE\t")
                            for l in greeting))
        s.close()

    def test_dovecot_plain(self):
        s, f, _ = self.dovecot()
        resp = base64.b64encode(b"\0bob@example.com\0secret").decode()
        f.write(f"AUTH\t1\tPLAIN\tservice=smtp\tnologin\trip=192.0.2.8\tsecured"
                f"\tresp={resp}\n".encode())
        self.assertEqual(f.readline(), b"OK\t1\tuser=bob@example.com\n")
        # without an initial response: an empty challenge first
        f.write(b"AUTH\t2\tPLAIN\tservice=smtp\n")
        self.assertEqual(f.readline(), b"CONT\t2\t\n")
        bad = base64.b64encode(b"\0bob@example.com\0wrong").decode()
        t0 = time.monotonic()
        f.write(f"CONT\t2\t{bad}\n".encode())
        self.assertEqual(f.readline(), b"FAIL\t2\n")
        self.assertGreaterEqual(time.monotonic() - t0, FAILDELAY_MS / 1000 * 0.9)
        s.close()

    def test_dovecot_login_and_cram(self):
        s, f, _ = self.dovecot()
        f.write(b"AUTH\t7\tLOGIN\tservice=smtp\n")
        self.assertEqual(f.readline(), b"CONT\t7\t" + base64.b64encode(b"Username:") + b"\n")
        f.write(b"CONT\t7\t" + base64.b64encode(b"bob@example.com") + b"\n")
        self.assertEqual(f.readline(), b"CONT\t7\t" + base64.b64encode(b"Password:") + b"\n")
        f.write(b"CONT\t7\t" + base64.b64encode(b"secret") + b"\n")
        self.assertEqual(f.readline(), b"OK\t7\tuser=bob@example.com\n")
        f.write(b"AUTH\t8\tCRAM-MD5\tservice=imap\n")
        line = f.readline()
        self.assertTrue(line.startswith(b"CONT\t8\t"))
        chal = base64.b64decode(line.split(b"\t")[2].strip())
        self.assertRegex(chal, rb"^<[0-9A-F]{32}@.+>$")
        import hashlib, hmac
        digest = hmac.new(b"tanstaaftanstaaf", chal, hashlib.md5).hexdigest()
        f.write(b"CONT\t8\t" + base64.b64encode(f"bob@example.com {digest}".encode()) + b"\n")
        self.assertEqual(f.readline(), b"OK\t8\tuser=bob@example.com\n")
        f.write(b"AUTH\t9\tGSSAPI\tservice=imap\n")
        self.assertTrue(f.readline().startswith(b"FAIL\t9\treason="))
        s.close()

    def test_dovecot_protocol_error_closes(self):
        s, f, _ = self.dovecot()
        f.write(b"BOGUS\tline\n")
        self.assertEqual(f.readline(), b"")
        s.close()


if __name__ == "__main__":
    unittest.main()
