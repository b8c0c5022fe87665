"""End-to-end: lib/tls through tests/tls-echo run by hato-tcpd on an implicit-TLS port, with
certificates made by mkimapdcert; clients: Python ssl, gnutls-cli, openssl s_client."""
import os
import sys
import pathlib
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import free_port  # noqa: E402  (next to this file)

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
SRC = pathlib.Path(__file__).resolve().parents[2]
TCPD = BUILD / "tcpd" / "hato-tcpd"
ECHO = BUILD / "tests" / "tls-echo"
MKCERT = BUILD / "certs" / "mkimapdcert"


def make_cert(d, name, cn):
    template = pathlib.Path(d) / f"{name}.cnf"
    text = (SRC / "certs" / "imapd.cnf").read_text()
    text = text.replace('cn = "localhost"', f'cn = "{cn}"')
    text = text.replace('dns_name = "localhost"', f'dns_name = "{cn}"')
    template.write_text(text)
    pem = pathlib.Path(d) / f"{name}.pem"
    env = dict(os.environ, TEMPLATE=str(template), BITS="medium")
    subprocess.run([str(MKCERT), str(pem)], env=env, check=True, capture_output=True)
    return pem


class TlsTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        cls.cert = make_cert(d, "default", "localhost")
        cls.cert2 = make_cert(d, "other", "mail.example.net")
        cls.port = free_port()
        env = dict(os.environ, TLS_CERTFILE=str(cls.cert),
                   **{"TLS_CERTFILE.mail.example.net": str(cls.cert2)},
                   TLS_TICKET_KEYFILE=os.path.join(d, "ticketkey"), TLS_TIMEOUT="3")
        cls.errfile = open(os.path.join(d, "stderr"), "wb")
        cls.proc = subprocess.Popen(
            [str(TCPD), "-nodnslookup", f"-tls={cls.port}", f"127.0.0.1.{cls.port}",
             str(ECHO)], env=env, stderr=cls.errfile)
        deadline = time.time() + 5
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port)).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=15)
        cls.errfile.close()
        cls.dir.cleanup()

    def ctx(self, cafile=None):
        return ssl.create_default_context(cafile=str(cafile or self.cert))

    def connect(self, ctx, name="localhost", session=None):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return ctx.wrap_socket(raw, server_hostname=name, session=session)

    def test_handshake_verifies_and_echoes(self):
        with self.connect(self.ctx()) as s:
            self.assertEqual(s.version(), "TLSv1.3")
            self.assertEqual(s.recv(100), b"SNI=localhost PROTO=TLS1.3 RESUMED=0\r\n")
            s.sendall(b"a line\r\n" + b"x" * 50000 + b"\r\n")
            want = b"a line\r\n" + b"x" * 50000 + b"\r\n"
            got = b""
            while len(got) < len(want):
                got += s.recv(65536)
            self.assertEqual(got, want)

    def test_tls12_allowed(self):
        ctx = self.ctx()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with self.connect(ctx) as s:
            self.assertEqual(s.version(), "TLSv1.2")
            self.assertEqual(s.recv(100), b"SNI=localhost PROTO=TLS1.2 RESUMED=0\r\n")

    def test_tls11_refused(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx = self.ctx()
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        with self.assertRaises(ssl.SSLError) as cm:
            self.connect(ctx)
        # the server refused the version (not a local "no ciphers" failure)
        self.assertRegex(str(cm.exception).upper(), "VERSION|UNSUPPORTED_PROTOCOL")

    def test_wrong_ca_fails(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.ctx(self.cert2).wrap_socket(raw, server_hostname="localhost")
        raw.close()

    def test_sni_picks_certificate(self):
        with self.connect(self.ctx(self.cert2), name="mail.example.net") as s:
            self.assertEqual(s.recv(100), b"SNI=mail.example.net PROTO=TLS1.3 RESUMED=0\r\n")
            cn = dict(x[0] for x in s.getpeercert()["subject"])["commonName"]
            self.assertEqual(cn, "mail.example.net")
        with self.connect(self.ctx(), name="localhost") as s:
            cn = dict(x[0] for x in s.getpeercert()["subject"])["commonName"]
            self.assertEqual(cn, "localhost")

    def test_resumption(self):
        ctx = self.ctx()
        with self.connect(ctx) as s:
            s.recv(100)  # TLS 1.3 tickets arrive after the handshake
            session = s.session
        self.assertIsNotNone(session)
        with self.connect(ctx, session=session) as s:
            self.assertTrue(s.session_reused)
            self.assertEqual(s.recv(100), b"SNI=localhost PROTO=TLS1.3 RESUMED=1\r\n")

    def test_handshake_timeout(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        start = time.time()
        got = b""
        while True:  # half-open handshake: at most an alert record, then closed
            chunk = raw.recv(100)
            if not chunk:
                break
            got += chunk
        elapsed = time.time() - start
        raw.close()
        self.assertTrue(got == b"" or got.startswith(b"\x15\x03"), got)
        self.assertGreater(elapsed, 2)  # TLS_TIMEOUT=3
        self.assertLess(elapsed, 8)

    def test_gnutls_cli(self):
        self.assertIsNotNone(shutil.which("gnutls-cli"), "gnutls-cli missing (gnutls-bin)")
        r = subprocess.run(["gnutls-cli", "--x509cafile", str(self.cert), "-p", str(self.port),
                            "--sni-hostname", "localhost", "localhost"],
                           input=b"ping\r\n", capture_output=True, timeout=20)
        self.assertIn(b"SNI=localhost PROTO=TLS1.3", r.stdout)
        self.assertIn(b"ping\r\n", r.stdout)
        r = subprocess.run(["gnutls-cli", "--x509cafile", str(self.cert), "-p", str(self.port),
                            "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0",
                            "localhost"], input=b"", capture_output=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)

    def test_openssl_s_client(self):
        self.assertIsNotNone(shutil.which("openssl"), "openssl missing")
        p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{self.port}",
                              "-CAfile", str(self.cert), "-servername", "localhost",
                              "-verify_return_error", "-quiet"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            p.stdin.write(b"ping\r\n")
            p.stdin.flush()
            got = b""
            deadline = time.time() + 15
            os.set_blocking(p.stdout.fileno(), False)
            while b"ping\r\n" not in got and time.time() < deadline:
                chunk = p.stdout.read(4096)
                if chunk:
                    got += chunk
                else:
                    time.sleep(0.05)
        finally:
            p.kill()
            p.wait()
            p.stdin.close()
            p.stdout.close()
        self.assertIn(b"SNI=localhost PROTO=TLS1.3 RESUMED=0\r\nping\r\n", got)
        r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{self.port}",
                            "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-no_ign_eof"],
                           input=b"", capture_output=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(b"SNI=", r.stdout)

if __name__ == "__main__":
    unittest.main()
