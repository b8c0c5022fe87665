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


class ServiceScriptTests(unittest.TestCase):
    """rc.d scripts, systemd units and *.dist configs: generated, installed, well-formed."""

    RC = ["hato_authdaemond", "hato_pop3d", "hato_pop3d_ssl", "hato_imapd", "hato_imapd_ssl"]
    UNITS = ["hato-authdaemond", "hato-pop3d", "hato-pop3d-ssl", "hato-imapd", "hato-imapd-ssl"]
    DISTS = ["pop3d", "pop3d-ssl", "imapd", "imapd-ssl"]

    @classmethod
    def setUpClass(cls):
        cls.dest = tempfile.TemporaryDirectory()
        r = subprocess.run(["make", "-C", str(BUILD), "install", f"DESTDIR={cls.dest.name}"],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        prefix = subprocess.run(["sed", "-n", "s/^prefix = //p", str(BUILD / "Makefile")],
                                capture_output=True, text=True).stdout.strip()
        cls.root = pathlib.Path(cls.dest.name + prefix)
        cls.confdir = pathlib.Path(cls.dest.name + prefix) / "etc" / "hato"

    @classmethod
    def tearDownClass(cls):
        cls.dest.cleanup()

    def test_rc_scripts_installed_and_parse(self):
        for name in self.RC:
            path = self.root / "etc" / "rc.d" / name
            self.assertTrue(path.exists(), path)
            self.assertTrue(os.access(path, os.X_OK), path)
            r = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            text = path.read_text()
            self.assertIn(f'rcvar="{name}_enable"', text)
            self.assertIn(f"# PROVIDE: {name}\n", text)
            self.assertNotRegex(text, r"@[a-zA-Z_]+@")  # every path substituted

    def test_systemd_units_installed(self):
        for name in self.UNITS:
            path = self.root / "lib" / "systemd" / "system" / f"{name}.service"
            self.assertTrue(path.exists(), path)
            text = path.read_text()
            self.assertIn("ExecStart=", text)
            self.assertNotRegex(text, r"@[a-zA-Z_]+@")

    def test_dist_configs(self):
        for name in self.DISTS:
            path = self.confdir / f"{name}.dist"
            self.assertTrue(path.exists(), path)
            text = path.read_text()
            self.assertNotRegex(text, r"@[a-zA-Z_]+@")
            # each parses as the shell would read it (Courier's rc scripts source them)
            r = subprocess.run(["sh", "-c", 'set -a; . "$1"; env', "sh", str(path)],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        pop3 = (self.confdir / "pop3d.dist").read_text()
        self.assertIn("\nMAXPERIP=20\n", pop3)
        self.assertIn("\nMAXDAEMONS=400\n", pop3)
        self.assertIn("\nPORT=110\n", pop3)
        self.assertIn("\nSSLPORT=995\n", (self.confdir / "pop3d-ssl.dist").read_text())
        self.assertIn("\nSSLPORT=993\n", (self.confdir / "imapd-ssl.dist").read_text())
        self.assertIn("\nPORT=143\n", (self.confdir / "imapd.dist").read_text())
        for cnf in ["imapd.cnf.dist", "pop3d.cnf.dist"]:
            self.assertTrue((self.confdir / cnf).exists(), cnf)

    def test_programs_and_man_pages_installed(self):
        for prog in ["hato-tcpd", "hato-makeaccess", "mkimapdcert", "mkpop3dcert",
                     "mkdhparams"]:
            self.assertTrue((self.root / "sbin" / prog).exists(), prog)
        for page in ["hato-tcpd.8", "hato-makeaccess.8", "mkimapdcert.8", "mkpop3dcert.8",
                     "mkdhparams.8"]:
            self.assertTrue((self.root / "share" / "man" / "man8" / page).exists(), page)

    def test_tcpd_reads_dist_configs(self):
        """hato-tcpd -config= parses the shipped files (ports overridden to a free one)."""
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cfg = f"{self.confdir}/pop3d-ssl.dist,{self.confdir}/pop3d.dist"
        p = subprocess.Popen([str(BUILD / "tcpd" / "hato-tcpd"), f"-config={cfg}",
                              f"127.0.0.1.{port}", "/bin/sh", "-c", 'echo "$MAXPERIP $PORT"'],
                             stderr=subprocess.PIPE)
        try:
            import time
            deadline = time.time() + 5
            while True:
                try:
                    c = socket.create_connection(("127.0.0.1", port))
                    break
                except OSError:
                    self.assertIsNone(p.poll(), p.stderr.read() if p.poll() is not None else "")
                    self.assertLess(time.time(), deadline)
                    time.sleep(0.05)
            c.settimeout(5)
            self.assertEqual(c.recv(100), b"20 110\n")
            c.close()
        finally:
            p.terminate()
            p.wait(timeout=15)
            p.stderr.close()
