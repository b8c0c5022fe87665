"""End-to-end: SMTP AUTH in Debian's real Postfix, authenticated by Hato's authdaemond.

Two ways administrators wire Postfix to a Courier-style authdaemond (courier-formats §2.3, §2.4;
the seeds show the Cyrus one):
  * smtpd_sasl_type = cyrus with a Cyrus SASL smtpd.conf "pwcheck_method: authdaemond" pointing
    at authdaemond's Courier socket ("socket"): mechanisms PLAIN and LOGIN;
  * smtpd_sasl_type = dovecot on authdaemond's "auth-client" socket: PLAIN and CRAM-MD5.

One private Postfix instance (its own config, queue and data directories, nothing chrooted,
loopback only) runs one smtpd service per way. Clients: Python's smtplib and swaks. The test user
has a distinct "smtppw" (the password for service smtp) and "systempw": only the smtp one may
work, which proves the requests reached the userdb through authdaemond with service "smtp".

Needs root (CI runs as root) and the Debian packages postfix, libsasl2-modules, sasl2-bin and
swaks: they are installed non-interactively when missing, without starting any service."""
import base64
import hmac
import os
import sys
import pathlib
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import free_port  # noqa: E402  (next to this file)

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain"))
if not BUILD.is_absolute() and not BUILD.exists():
    BUILD = REPO / BUILD
BUILD = BUILD.resolve()
AUTHDAEMOND = BUILD / "authlib" / "authdaemond"
USERDB = BUILD / "userdb" / "userdb"
USERDBPW = BUILD / "userdb" / "userdbpw"
MAKEUSERDB = BUILD / "userdb" / "makeuserdb"

PACKAGES = ("postfix", "libsasl2-modules", "sasl2-bin", "swaks")
USER = "smtpuser@example.com"
SMTP_PASSWORD = "smtp secret"  # smtppw and hmac-md5pw: what service "smtp" must use
SYSTEM_PASSWORD = "imap-secret"  # systempw: shadowed by smtppw, so refused over SMTP
SUCCESS = (235, b"2.7.0 Authentication successful")
FAILDELAY_MS = 100


def missing_packages():
    missing = []
    for pkg in PACKAGES:
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", pkg], capture_output=True,
                           text=True)
        if r.returncode != 0 or r.stdout.strip() != "install ok installed":
            missing.append(pkg)
    return missing


def install_packages():
    """apt-get install what is missing; debconf gets "No configuration" for Postfix and a
    policy-rc.d refusing every start, so no system Postfix runs afterwards."""
    missing = missing_packages()
    if not missing:
        return
    subprocess.run(["debconf-set-selections"], check=True,
                   input=b"postfix postfix/main_mailer_type select No configuration\n")
    policy = pathlib.Path("/usr/sbin/policy-rc.d")
    made_policy = not policy.exists()
    if made_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        cmd = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=True)
            r = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise AssertionError(f"apt-get install {' '.join(missing)} failed:\n{r.stdout}"
                                     f"{r.stderr}")
    finally:
        if made_policy:
            policy.unlink()


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{cmd} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout


def wait_for(pred, what, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@unittest.skipUnless(os.geteuid() == 0, "Postfix is started as root, as in production")
class PostfixSasl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for prog in (AUTHDAEMOND, USERDB, USERDBPW, MAKEUSERDB):
            if not prog.exists():
                raise AssertionError(f"{prog} is not built")
        install_packages()
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="hato-postfix-"))
        cls.authd = None
        cls.postfix_started = False
        try:
            cls.start_authdaemond()
            cls.start_postfix()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_authdaemond(cls):
        # The Postfix user must traverse to the sockets: the temp dir is 0700 by default.
        os.chmod(cls.dir, 0o755)
        src = cls.dir / "userdb"
        src.touch(mode=0o600)
        run([USERDB, "-f", src, USER, "set", "uid=65534", "gid=65534", "home=/nonexistent"])
        for scheme, field, password in (("md5", "systempw", SYSTEM_PASSWORD),
                                        ("sha512", "smtppw", SMTP_PASSWORD),
                                        ("hmac-md5", "hmac-md5pw", SMTP_PASSWORD)):
            hashed = run([USERDBPW, "-" + scheme], input=f"{password}\n{password}\n").strip()
            run([USERDB, "-f", src, USER, "set", f"{field}={hashed}"])
        run([MAKEUSERDB, "-f", src])
        rc = cls.dir / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb="{src}"\n'
                      f"AUTHFAILDELAY={FAILDELAY_MS}\n")
        # authdaemond(8): the sockets are 0777, the directory's group gates access.
        cls.sockdir = cls.dir / "authdaemon"
        cls.sockdir.mkdir()
        shutil.chown(cls.sockdir, "root", "postfix")
        os.chmod(cls.sockdir, 0o750)
        cls.authd_log = open(cls.dir / "authdaemond.log", "w+b")
        cls.authd = subprocess.Popen([str(AUTHDAEMOND), "-e", "-f", str(rc), "-d",
                                      str(cls.sockdir)],
                                     stdin=subprocess.DEVNULL, stderr=cls.authd_log)
        wait_for(lambda: (cls.sockdir / "socket").exists()
                 and (cls.sockdir / "auth-client").exists(), "authdaemond's sockets")

    @classmethod
    def start_postfix(cls):
        conf = cls.dir / "postfix"
        conf.mkdir()
        # What the seeds put in /etc/postfix/sasl/smtpd.conf (Cyrus reads <app name>.conf).
        # Debian's smtpd looks in $config_directory/sasl whatever cyrus_sasl_config_path says;
        # the parameter names the same directory for other builds.
        sasl = conf / "sasl"
        sasl.mkdir(mode=0o755)
        (sasl / "smtpd.conf").write_text(
            "pwcheck_method: authdaemond\n"
            f"authdaemond_path: {cls.sockdir}/socket\n"
            "mech_list: PLAIN LOGIN\n")
        cls.cyrus_port, cls.dovecot_port = free_port(), free_port()
        cls.maillog = cls.dir / "maillog"
        (conf / "main.cf").write_text(
            "compatibility_level = 3.6\n"
            f"queue_directory = {cls.dir}/queue\n"
            f"data_directory = {cls.dir}/data\n"
            "mail_owner = postfix\n"
            "setgid_group = postdrop\n"
            "myhostname = mx.hato.test\n"
            "mydomain = hato.test\n"
            "mydestination =\n"
            "relayhost =\n"
            "mynetworks = 127.0.0.0/8\n"
            "inet_interfaces = loopback-only\n"
            "inet_protocols = ipv4\n"
            f"maillog_file = {cls.maillog}\n"
            f"maillog_file_prefixes = {cls.dir}\n"
            "smtpd_banner = $myhostname ESMTP\n"
            "smtpd_tls_security_level = none\n"
            "smtpd_sasl_auth_enable = yes\n"
            "smtpd_sasl_security_options = noanonymous\n"
            f"cyrus_sasl_config_path = {sasl}\n"
            "smtpd_relay_restrictions = permit_sasl_authenticated, reject\n"
            "smtpd_recipient_restrictions = reject\n"
            "alias_maps =\n"
            "alias_database =\n"
            "biff = no\n")
        (conf / "master.cf").write_text(
            f"127.0.0.1:{cls.cyrus_port} inet n - n - - smtpd\n"
            "  -o smtpd_sasl_type=cyrus\n"
            "  -o smtpd_sasl_path=smtpd\n"
            f"127.0.0.1:{cls.dovecot_port} inet n - n - - smtpd\n"
            "  -o smtpd_sasl_type=dovecot\n"
            f"  -o smtpd_sasl_path={cls.sockdir}/auth-client\n"
            "pickup unix n - n 60 1 pickup\n"
            "cleanup unix n - n - 0 cleanup\n"
            "qmgr unix n - n 300 1 qmgr\n"
            "rewrite unix - - n - - trivial-rewrite\n"
            "bounce unix - - n - 0 bounce\n"
            "defer unix - - n - 0 bounce\n"
            "trace unix - - n - 0 bounce\n"
            "verify unix - - n - 1 verify\n"
            "flush unix n - n 1000? 0 flush\n"
            "proxymap unix - - n - - proxymap\n"
            "anvil unix - - n - 1 anvil\n"
            "scache unix - - n - 1 scache\n"
            "postlog unix-dgram n - n - 1 postlogd\n")
        cls.conf = conf
        (cls.dir / "queue").mkdir(mode=0o755)  # postfix creates the rest of it
        r = subprocess.run(["postfix", "-c", str(conf), "start"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        cls.postfix_started = True
        if r.returncode != 0:
            log = cls.maillog.read_text(errors="replace") if cls.maillog.exists() else ""
            raise AssertionError(f"postfix start failed:\n{r.stdout}{r.stderr}{log}")
        for port in (cls.cyrus_port, cls.dovecot_port):
            wait_for(lambda p=port: port_open(p), f"Postfix smtpd on port {port}")

    @classmethod
    def tearDownClass(cls):
        if cls.postfix_started:
            subprocess.run(["postfix", "-c", str(cls.conf), "stop"], capture_output=True,
                           stdin=subprocess.DEVNULL)
            pidfile = cls.dir / "queue" / "pid" / "master.pid"
            if pidfile.exists():
                try:
                    pid = int(pidfile.read_text().split()[0])
                    wait_for(lambda: not pathlib.Path(f"/proc/{pid}").exists(),
                             "Postfix master to exit", timeout=10)
                except (ValueError, IndexError, AssertionError):
                    pass
        report = ""
        if cls.authd is not None:
            cls.authd.terminate()
            cls.authd.wait(timeout=10)
            cls.authd_log.seek(0)
            report = cls.authd_log.read().decode(errors="replace")
            cls.authd_log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        if "Sanitizer" in report:  # the sanitizer build reports to stderr at exit
            raise AssertionError(f"authdaemond:\n{report}")

    def logs(self):
        out = ""
        for name in ("maillog", "authdaemond.log"):
            path = self.dir / name
            if path.exists():
                out += f"--- {name}\n" + path.read_text(errors="replace")
        return out

    def smtp(self, port):
        s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.hato.test", timeout=30)
        code, _ = s.ehlo()
        self.assertEqual(code, 250)
        return s

    def auth(self, port, mech, password, user=USER):
        """One SMTP AUTH exchange with smtplib; returns (code, reply text)."""
        s = self.smtp(port)
        try:
            s.user, s.password = user, password
            handler = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login,
                       "CRAM-MD5": s.auth_cram_md5}[mech]
            try:
                return s.auth(mech, handler, initial_response_ok=(mech != "LOGIN"))
            except smtplib.SMTPAuthenticationError as e:
                return e.smtp_code, e.smtp_error
        finally:
            s.close()

    def assert_auth(self, port, mech, password, ok, user=USER):
        code, text = self.auth(port, mech, password, user)
        if ok:
            self.assertEqual((code, text), SUCCESS, self.logs())
        else:
            self.assertEqual(code, 535, self.logs())
            self.assertTrue(text.startswith(b"5.7.8 Error: authentication failed:"), text)

    def swaks(self, port, mech, password):
        r = subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--auth", mech,
                            "--auth-user", USER, "--auth-password", password,
                            "--quit-after", "AUTH", "--timeout", "30"],
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout

    def advertised(self, port):
        s = self.smtp(port)
        try:
            return s.esmtp_features.get("auth", "").split()
        finally:
            s.close()

    # --- smtpd_sasl_type = cyrus, pwcheck_method: authdaemond -------------------------------

    def test_cyrus_advertises_plain_login(self):
        self.assertEqual(sorted(self.advertised(self.cyrus_port)), ["LOGIN", "PLAIN"])

    def test_cyrus_plain_and_login(self):
        for mech in ("PLAIN", "LOGIN"):
            with self.subTest(mech=mech):
                self.assert_auth(self.cyrus_port, mech, SMTP_PASSWORD, True)
                self.assert_auth(self.cyrus_port, mech, "wrong password", False)
                # systempw is shadowed by smtppw for service "smtp".
                self.assert_auth(self.cyrus_port, mech, SYSTEM_PASSWORD, False)
                self.assert_auth(self.cyrus_port, mech, SMTP_PASSWORD, False,
                                 user="nobody@example.com")

    def test_cyrus_swaks(self):
        for mech in ("PLAIN", "LOGIN"):
            with self.subTest(mech=mech):
                rc, out = self.swaks(self.cyrus_port, mech, SMTP_PASSWORD)
                self.assertEqual(rc, 0, out + self.logs())
                self.assertIn("<-  235 2.7.0 Authentication successful\n", out)
                rc, out = self.swaks(self.cyrus_port, mech, "wrong password")
                self.assertEqual(rc, 28, out)  # swaks: "error in AUTH"
                self.assertIn("<** 535 5.7.8 Error: authentication failed:", out)

    # --- smtpd_sasl_type = dovecot on auth-client -------------------------------------------

    def test_dovecot_advertises_cram_md5_and_plain(self):
        mechs = self.advertised(self.dovecot_port)
        self.assertIn("PLAIN", mechs)
        self.assertIn("CRAM-MD5", mechs)

    def test_dovecot_plain_and_cram_md5(self):
        for mech in ("PLAIN", "CRAM-MD5", "LOGIN"):
            with self.subTest(mech=mech):
                self.assert_auth(self.dovecot_port, mech, SMTP_PASSWORD, True)
                self.assert_auth(self.dovecot_port, mech, "wrong password", False)
                self.assert_auth(self.dovecot_port, mech, SMTP_PASSWORD, False,
                                 user="nobody@example.com")
        self.assert_auth(self.dovecot_port, "PLAIN", SYSTEM_PASSWORD, False)

    def test_dovecot_cram_md5_by_hand(self):
        """The exact RFC 2195 exchange: a <...@...> challenge, "user hexdigest" answer."""
        s = self.smtp(self.dovecot_port)
        try:
            code, challenge = s.docmd("AUTH", "CRAM-MD5")
            self.assertEqual(code, 334)
            challenge = base64.b64decode(challenge, validate=True)
            self.assertRegex(challenge, rb"^<[^<>@\s]+@[^<>@\s]+>$")
            digest = hmac.new(SMTP_PASSWORD.encode(), challenge, "md5").hexdigest()
            answer = base64.b64encode(f"{USER} {digest}".encode()).decode()
            self.assertEqual(s.docmd(answer), SUCCESS, self.logs())
        finally:
            s.close()

    def test_dovecot_swaks(self):
        for mech in ("PLAIN", "CRAM-MD5"):
            with self.subTest(mech=mech):
                rc, out = self.swaks(self.dovecot_port, mech, SMTP_PASSWORD)
                self.assertEqual(rc, 0, out + self.logs())
                self.assertIn("<-  235 2.7.0 Authentication successful\n", out)
                rc, out = self.swaks(self.dovecot_port, mech, "wrong password")
                self.assertEqual(rc, 28, out)
                self.assertIn("<** 535 5.7.8 Error: authentication failed:", out)


if __name__ == "__main__":
    unittest.main()
