"""End-to-end: mkimapdcert / mkpop3dcert / mkdhparams make files as Courier's do."""
import os
import pathlib
import stat
import subprocess
import tempfile
import unittest

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
SRC = pathlib.Path(__file__).resolve().parents[2]


class CertTests(unittest.TestCase):
    def run_mk(self, prog, target, template):
        env = dict(os.environ, TEMPLATE=str(template), BITS="medium")
        return subprocess.run([str(BUILD / "certs" / prog), str(target)], env=env,
                              capture_output=True, text=True, timeout=120)

    def check_cert(self, prog, cnf, unit):
        with tempfile.TemporaryDirectory() as d:
            pem = pathlib.Path(d) / "server.pem"
            r = self.run_mk(prog, pem, SRC / "certs" / cnf)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(stat.S_IMODE(pem.stat().st_mode), 0o600)
            text = pem.read_text()
            self.assertRegex(text, r"\A-----BEGIN (RSA )?PRIVATE KEY-----")
            self.assertIn("-----BEGIN CERTIFICATE-----", text)
            info = subprocess.run(["certtool", "-i", "--infile", str(pem)],
                                  capture_output=True, text=True, check=True).stdout
            self.assertIn(f"Subject: CN=localhost,OU={unit},O=Hato Mail Server,"
                          "L=New York,ST=NY,C=US", info)
            self.assertIn("DNSname: localhost", info)
            before = pem.read_bytes()
            r = self.run_mk(prog, pem, SRC / "certs" / cnf)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stdout, f"{pem} already exists.\n")
            self.assertEqual(pem.read_bytes(), before)
            self.assertEqual(sorted(os.listdir(d)), ["server.pem"])  # no temp files left

    def test_mkimapdcert(self):
        self.check_cert("mkimapdcert", "imapd.cnf", "Automatically-generated IMAP SSL key")

    def test_mkpop3dcert(self):
        self.check_cert("mkpop3dcert", "pop3d.cnf", "Automatically-generated POP3 SSL key")

    def test_missing_template(self):
        with tempfile.TemporaryDirectory() as d:
            r = self.run_mk("mkimapdcert", pathlib.Path(d) / "x.pem",
                            pathlib.Path(d) / "nope.cnf")
            self.assertEqual(r.returncode, 1)
            self.assertIn("cannot read the template", r.stderr)
            self.assertFalse((pathlib.Path(d) / "x.pem").exists())

    def test_mkdhparams(self):
        with tempfile.TemporaryDirectory() as d:
            dh = pathlib.Path(d) / "dhparams.pem"
            env = dict(os.environ, DH_BITS="medium")
            r = subprocess.run([str(BUILD / "certs" / "mkdhparams"), str(dh)], env=env,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(stat.S_IMODE(dh.stat().st_mode), 0o600)
            self.assertIn("-----BEGIN DH PARAMETERS-----", dh.read_text())
            # younger than 25 days: left alone
            dh.write_text("keep")
            subprocess.run([str(BUILD / "certs" / "mkdhparams"), str(dh)], env=env, check=True)
            self.assertEqual(dh.read_text(), "keep")
            # older: replaced
            old = dh.stat().st_mtime - 30 * 86400
            os.utime(dh, (old, old))
            subprocess.run([str(BUILD / "certs" / "mkdhparams"), str(dh)], env=env, check=True)
            self.assertIn("-----BEGIN DH PARAMETERS-----", dh.read_text())


if __name__ == "__main__":
    unittest.main()
