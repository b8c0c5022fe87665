"""End-to-end: real IMAP clients no one here wrote against the whole chain hato-tcpd ->
imap-login -> imapd (started as in test_imap_service.py, seed configuration): curl (CRAM-MD5 on a
plain connection, PLAIN over STARTTLS, implicit TLS), fetchmail (IMAP with CRAM-MD5, keep then
nokeep, the delivered bytes checked through its mda) and openssl s_client -starttls imap.

Needs root, curl, fetchmail and openssl (scripts/install-deps.sh --test): a missing tool fails."""
import imaplib
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_imap_service import (LOGIN_OK, MESSAGES, chain_start, chain_stop,  # noqa: E402
                               wire_form)


def tool(name):
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"{name} is not installed (scripts/install-deps.sh --test)")
    return path


@unittest.skipUnless(os.geteuid() == 0, "the IMAP service runs as root, as in production")
class ImapClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        chain_start(cls)

    @classmethod
    def tearDownClass(cls):
        chain_stop(cls)

    def curl(self, *args):
        r = subprocess.run([tool("curl"), "-sS", "--max-time", "20", *args],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        return r.stdout

    def test_curl_cram_md5_plain_connection(self):
        out = self.curl(f"imap://127.0.0.1:{self.port}/INBOX;UID=1", "-u", "testuser:password",
                        "--login-options", "AUTH=CRAM-MD5")
        self.assertEqual(out, wire_form(MESSAGES[0]))
        self.assertRegex(self.server_log(), r"LOGIN, user=testuser, ip=\[127\.0\.0\.1\], "
                         r"port=\[[0-9]+\], protocol=IMAP")

    def test_curl_plain_over_starttls(self):
        out = self.curl("--ssl-reqd", "--cacert", str(self.cert), "--resolve",
                        f"localhost:{self.port}:127.0.0.1",
                        f"imap://localhost:{self.port}/INBOX;UID=2", "-u", "testuser:password",
                        "--login-options", "AUTH=PLAIN")
        self.assertEqual(out, wire_form(MESSAGES[1]))
        # A wrong password is a failure curl reports (exit 67: login denied).
        r = subprocess.run([tool("curl"), "-sS", "--max-time", "20", "--ssl-reqd", "--cacert",
                            str(self.cert), "--resolve", f"localhost:{self.port}:127.0.0.1",
                            f"imap://localhost:{self.port}/INBOX;UID=2", "-u",
                            "testuser:wrong", "--login-options", "AUTH=PLAIN"],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 67, r.stderr)

    def test_curl_imaps_and_listing(self):
        out = self.curl("--cacert", str(self.cert), "--resolve",
                        f"localhost:{self.tls_port}:127.0.0.1",
                        f"imaps://localhost:{self.tls_port}/INBOX;UID=1", "-u",
                        "testuser:password")
        self.assertEqual(out, wire_form(MESSAGES[0]))

    def server_log(self):
        self.log.flush()
        return (self.dir / "server.log").read_bytes().decode(errors="replace")

    def fetchmail(self, keep):
        outdir = self.dir / ("fetched-keep" if keep else "fetched-nokeep")
        outdir.mkdir()
        rc = self.dir / "fetchmailrc"
        rc.write_text(f'poll localhost via 127.0.0.1 service {self.port} protocol IMAP '
                      f'auth cram-md5\n user "fetcher" there password "password" '
                      f'{"keep" if keep else "nokeep"} fetchall sslproto \'\' '
                      f'mda "/bin/sh -c \'cat > {outdir}/msg.$$\'"\n')
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=str(self.dir), FETCHMAILHOME=str(self.dir))
        r = subprocess.run([tool("fetchmail"), "-f", str(rc), "-N", "-d0", "--nosyslog", "-v"],
                           capture_output=True, env=env, timeout=90)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace") +
                         r.stderr.decode(errors="replace"))
        self.assertIn(b"CRAM-MD5", r.stdout + r.stderr)
        got = []
        for path in outdir.iterdir():
            data = path.read_bytes()
            # fetchmail prepends its own Received: header (folded lines); the rest is the
            # message exactly, with LF line ends as an MDA gets it.
            m = re.match(rb"\A(Received: [^\n]*\n(?:[ \t][^\n]*\n)*)", data)
            self.assertIsNotNone(m, data)
            got.append(data[m.end():])
        self.assertEqual(sorted(got), sorted(msg.replace(b"\r\n", b"\n") for msg in MESSAGES))

    def test_fetchmail_cram_md5_keep_then_nokeep(self):
        self.fetchmail(keep=True)
        m = imaplib.IMAP4("127.0.0.1", self.port, timeout=20)
        m.login("fetcher", "password")
        self.assertEqual(m.select("INBOX"), ("OK", [b"2"]))
        typ, data = m.fetch("1:2", "(FLAGS)")
        self.assertEqual(data, [b"1 (FLAGS (\\Seen))", b"2 (FLAGS (\\Seen))"])
        m.logout()
        self.fetchmail(keep=False)
        m = imaplib.IMAP4("127.0.0.1", self.port, timeout=20)
        m.login("fetcher", "password")
        self.assertEqual(m.select("INBOX"), ("OK", [b"0"]))
        m.logout()
        cur = self.homes["fetcher"] / "Maildir" / "cur"
        self.assertEqual([p for p in cur.iterdir() if not p.name.startswith(".")], [])

    def test_openssl_s_client_starttls(self):
        r = subprocess.run([tool("openssl"), "s_client", "-starttls", "imap", "-connect",
                            f"127.0.0.1:{self.port}", "-servername", "localhost", "-CAfile",
                            str(self.cert), "-verify_return_error", "-crlf", "-quiet",
                            "-ign_eof"],
                           input=b"a CAPABILITY\nb LOGIN testuser password\nc SELECT INBOX\n"
                                 b"d LOGOUT\n", capture_output=True, timeout=60)
        out = r.stdout
        self.assertIn(b"* CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=CRAM-MD5 AUTH=CRAM-SHA1 AUTH=CRAM-SHA256 "
                      b"IDLE AUTH=PLAIN AUTH=LOGIN SASL-IR LITERAL+ ID ENABLE\r\n", out)
        self.assertIn(b"b OK " + LOGIN_OK + b"\r\n", out)
        self.assertIn(b"* 2 EXISTS\r\n", out)
        self.assertRegex(out, rb"\r\nd OK [^\r]*\r\n$")
        self.assertIn(b"verify return:1", r.stderr)


if __name__ == "__main__":
    unittest.main()
