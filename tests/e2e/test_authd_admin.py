"""End-to-end: authdaemond as an administrator runs it.

Each test starts its own authdaemond on a private directory with a userdb made by Hato's tools,
then checks: PASSWD through authtest (`authtest user old new`) and courierpasswd (-c) edits the
users source and rebuilds the databases (wrong old password, unknown user and a system account
refused, with a log line); makeuserdb run behind the daemon's back is seen by the next request;
SIGHUP rereads authdaemonrc (and closes auth-client connections); SIGTERM removes both sockets;
at most 128 connections are served at once, the rest closed unanswered (a temporary failure)
while a stalled one holds a slot; and the seed's `userdbpw -hmac-md5 | userdb u set hmac-md5pw`
pipeline gives a CRAM-MD5 secret authdaemond accepts.
"""
import base64
import hashlib
import hmac
import os
import pathlib
import shutil
import signal
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
MAX_CONNS = 128  # authlib/authdaemond.c


def run(argv, stdin=b"", env=None, check=False):
    r = subprocess.run([str(a) for a in argv], input=stdin, capture_output=True, timeout=60,
                       env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"{argv}: {r.stderr.decode()}")
    return r


class AuthdAdmin(unittest.TestCase):
    def setUp(self):
        for prog in ("authlib/authdaemond", "authlib/authtest", "authlib/courierpasswd",
                     "userdb/userdb", "userdb/userdbpw", "userdb/makeuserdb"):
            if not (BUILD / prog).exists():
                raise AssertionError(f"{BUILD / prog} is not built")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-authd-admin-"))
        self.users = self.tmp / "userdb"
        self.users.write_text(
            "# site accounts\n"
            f"bob@example.com\tuid=1000|gid=1000|home=/home/bob|systempw={MD5CRYPT_SECRET}\n"
            "carol\tuid=1001|gid=1001|home=/home/carol|systempw={SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n")
        self.users.chmod(0o600)
        self.makeuserdb()
        self.rc = self.tmp / "authdaemonrc"
        self.write_rc("")
        self.sockdir = self.tmp / "run"
        self.sockdir.mkdir()
        self.logpath = self.tmp / "authdaemond.log"
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen([str(BUILD / "authlib/authdaemond"), "-e", "-f",
                                      str(self.rc), "-d", str(self.sockdir)], stderr=self.log)
        self.sock = str(self.sockdir / "socket")
        for _ in range(200):
            if os.path.exists(self.sock) and (self.sockdir / "auth-client").exists():
                break
            time.sleep(0.05)
        else:
            raise AssertionError("authdaemond did not create its sockets")
        self.env = dict(os.environ, AUTHDAEMONVAR=str(self.sockdir))
        self.env.pop("TCPREMOTEIP", None)

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()
        log = self.logpath.read_text()
        shutil.rmtree(self.tmp)
        self.assertNotIn("Sanitizer", log)  # a report from a sanitizer build

    def write_rc(self, extra):
        self.rc.write_text(f'authmodulelist="authuserdb authshadow"\nuserdb={self.users}\n'
                           f'AUTHFAILDELAY=50\n{extra}')

    def makeuserdb(self):
        run([BUILD / "userdb/makeuserdb", "-f", self.users], check=True)

    def request(self, data, timeout=10):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.sock)
            s.sendall(data)
            out = b""
            while True:
                chunk = s.recv(8192)
                if not chunk:
                    break
                out += chunk
        return out

    def authtest(self, *args):
        return run([BUILD / "authlib/authtest", *args], env=self.env)

    def logtext(self):
        self.log.flush()
        return self.logpath.read_text()

    # ---- PASSWD ----

    def test_passwd_through_authtest(self):
        before = self.users.read_bytes()
        r = self.authtest("-s", "imap", "bob@example.com", "wrong", "n3w")
        self.assertEqual((r.returncode, r.stdout, r.stderr),
                         (1, b"", b"Authentication FAILED: Operation not permitted\n"))
        self.assertEqual(self.users.read_bytes(), before)

        r = self.authtest("-s", "imap", "bob@example.com", "secret", "n3w")
        self.assertEqual((r.returncode, r.stdout, r.stderr),
                         (0, b"Password change succeeded.\n", b""))
        text = self.users.read_text()
        self.assertTrue(text.startswith("# site accounts\nbob@example.com\tuid=1000|gid=1000|"
                                        "home=/home/bob|systempw=$1$"), text)
        self.assertNotIn(MD5CRYPT_SECRET, text)
        self.assertIn("\ncarol\tuid=1001|gid=1001|home=/home/carol|systempw={SHA}", text)
        self.assertEqual(self.users.stat().st_mode & 0o777, 0o600)
        self.assertEqual((self.tmp / "userdbshadow.dat").stat().st_mode & 0o777, 0o600)
        # The rebuilt database answers the very next request.
        self.assertEqual(self.authtest("-s", "imap", "bob@example.com", "n3w").returncode, 0)
        r = self.authtest("-s", "imap", "bob@example.com", "secret")
        self.assertEqual((r.returncode, r.stderr),
                         (1, b"Authentication FAILED: Operation not permitted\n"))
        log = self.logtext()
        self.assertIn("password change failed for bob@example.com, ip=[::1]: wrong old password",
                      log)
        self.assertIn("password change succeeded for bob@example.com, ip=[::1]", log)

    def test_passwd_through_courierpasswd(self):
        cp = [BUILD / "authlib/courierpasswd", "--stderr", "--stdin"]
        self.assertEqual(run(cp + ["-c"], b"carol\0wrong\0new\0", self.env).returncode, 1)
        r = run(cp + ["-c"], b"carol\0secret\0n3w pass\0", self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(run(cp, b"carol\0n3w pass\0", self.env).returncode, 0)
        self.assertEqual(run(cp, b"carol\0secret\0", self.env).returncode, 1)
        self.assertIn("\ncarol\tuid=1001|gid=1001|home=/home/carol|systempw=$1$",
                      self.users.read_text())

    def test_passwd_refused_for_system_and_unknown_accounts(self):
        before = self.users.read_bytes()
        for user in ("root", "nobody@example.com"):
            r = self.authtest(user, "whatever", "n3w")
            self.assertEqual((r.returncode, r.stderr),
                             (1, b"Authentication FAILED: Operation not permitted\n"), user)
        # Courier's wire format, and the same reply for both.
        self.assertEqual(self.request(b"PASSWD login\troot\tx\ty\n"), b"FAIL\n")
        self.assertEqual(self.request(b"PASSWD login\tnobody\tx\ty\n"), b"FAIL\n")
        self.assertEqual(self.request(b"PASSWD login\tbob@example.com\tsecret\t\n"), b"FAIL\n")
        self.assertEqual(self.users.read_bytes(), before)
        log = self.logtext()
        self.assertIn("password change failed for root, ip=[::1]: "
                      "password change refused: system account", log)
        self.assertIn("password change failed for nobody@example.com, ip=[::1]: unknown user",
                      log)

    # ---- database and configuration reloads ----

    def test_makeuserdb_seen_without_restart(self):
        self.assertEqual(self.request(b"PRE . imap dave\n"), b"FAIL\n")
        run([BUILD / "userdb/userdb", "-f", self.users, "dave", "set", "uid=1003", "gid=1003",
             "home=/home/dave", "systempw=" + MD5CRYPT_SECRET], check=True)
        self.assertEqual(self.request(b"PRE . imap dave\n"), b"FAIL\n")  # not built yet
        self.makeuserdb()
        self.assertEqual(self.request(b"PRE . imap dave\n"),
                         b"UID=1003\nGID=1003\nHOME=/home/dave\nADDRESS=dave\n"
                         b"PASSWD=" + MD5CRYPT_SECRET.encode() + b"\n.\n")
        run([BUILD / "userdb/userdb", "-f", self.users, "dave", "del"], check=True)
        self.makeuserdb()
        self.assertEqual(self.request(b"PRE . imap dave\n"), b"FAIL\n")
        self.assertIsNone(self.proc.poll())

    def dovecot(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(str(self.sockdir / "auth-client"))
        f = s.makefile("rwb", buffering=0)
        while f.readline() not in (b"DONE\n", b""):
            pass
        return s, f

    def test_sighup_rereads_authdaemonrc(self):
        pre = b"PRE . imap carol\n"
        self.assertNotIn(b"OPTIONS=", self.request(pre))
        s, f = self.dovecot()
        self.write_rc('DEFAULTOPTIONS="disableimap=1"\n')
        self.assertNotIn(b"OPTIONS=", self.request(pre))  # not before the signal
        self.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while b"OPTIONS=disableimap=1\n" not in self.request(pre):
            self.assertLess(time.monotonic(), deadline, "SIGHUP did not reread authdaemonrc")
            time.sleep(0.05)
        # auth-client sessions belonged to the old configuration: closed.
        self.assertEqual(f.readline(), b"")
        s.close()
        # A broken file is not taken: the running configuration stays.
        self.rc.write_text('authmodulelist="authnosuch"\n')
        self.proc.send_signal(signal.SIGHUP)
        time.sleep(1.5)
        self.assertIn(b"OPTIONS=disableimap=1\n", self.request(pre))
        self.assertIsNone(self.proc.poll())
        log = self.logtext()
        self.assertIn(f"SIGHUP: reread {self.rc}", log)
        self.assertIn("not reloaded, keeping the running configuration", log)

    def test_auth_client_failures_look_alike(self):
        # auth-client: a wrong password and an unknown user give the same FAIL line, after
        # the same per-IP delay path (distinct rips, so neither delay has grown).
        s, f = self.dovecot()
        f.write(b"VERSION\t1\t2\nCPID\t7\n")
        replies = []
        for i, (user, rip) in enumerate(((b"carol", "192.0.2.70"), (b"nobody", "192.0.2.71"))):
            resp = base64.b64encode(b"\0" + user + b"\0wrong").decode()
            f.write(f"AUTH\t5\tPLAIN\tservice=smtp\trip={rip}\tresp={resp}\n".encode())
            replies.append(f.readline())
        self.assertEqual(replies, [b"FAIL\t5\n", b"FAIL\t5\n"])
        s.close()

    def test_sigterm_removes_sockets(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)
        self.assertEqual(sorted(p.name for p in self.sockdir.iterdir()), [])

    # ---- concurrency ----

    def test_bounded_concurrency(self):
        held = []
        try:
            for _ in range(MAX_CONNS):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.sock)
                s.sendall(b"AUTH 100\nimap\nlogin\n")  # stalled: 80 bytes never come
                held.append(s)
            time.sleep(0.5)
            t0 = time.monotonic()
            # One more: closed without a reply (a temporary failure to Courier's clients),
            # maybe before our request is even written.
            try:
                extra = self.request(b"PRE . imap carol\n")
            except (BrokenPipeError, ConnectionResetError):
                extra = b""
            self.assertEqual(extra, b"")
            self.assertLess(time.monotonic() - t0, 2)
            for s in held[:4]:
                s.close()
            time.sleep(0.3)
            self.assertTrue(self.request(b"PRE . imap carol\n").endswith(b"\n.\n"))
            self.assertIsNone(self.proc.poll())
        finally:
            for s in held:
                s.close()

    # ---- the seed's pipeline ----

    def test_userdbpw_pipeline_then_cram_md5(self):
        pw = "tanstaaftanstaaf"
        script = ('printf "%s\\n%s\\n" "$PW" "$PW" | "$USERDBPW" -hmac-md5 | '
                  '"$USERDB" -f "$USERS" carol set hmac-md5pw && "$MAKEUSERDB" -f "$USERS"')
        r = subprocess.run(["sh", "-c", script], capture_output=True, timeout=60,
                           env=dict(os.environ, PW=pw, USERDBPW=str(BUILD / "userdb/userdbpw"),
                                    USERDB=str(BUILD / "userdb/userdb"),
                                    USERS=str(self.users),
                                    MAKEUSERDB=str(BUILD / "userdb/makeuserdb")))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("|hmac-md5pw=d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e"
                      "7015116b\n", self.users.read_text())
        chal = b"<1896.697170952@postoffice.reston.mci.net>"
        digest = hmac.new(pw.encode(), chal, hashlib.md5).hexdigest().encode()
        body = (b"imap\ncram-md5\n" + base64.b64encode(chal) + b"\n" +
                base64.b64encode(b"carol " + digest) + b"\n")
        reply = self.request(b"AUTH %d\n" % len(body) + body)
        self.assertTrue(reply.startswith(b"UID=1001\nGID=1001\n"), reply)
        bad = body.replace(base64.b64encode(b"carol " + digest),
                           base64.b64encode(b"carol " + b"0" * 32))
        self.assertEqual(self.request(b"AUTH %d\n" % len(bad) + bad), b"FAIL\n")
        # Like Courier's userdbpw, only the first line counts when stdin is not a terminal.
        theirs = shutil.which("userdbpw") or "/usr/sbin/userdbpw"
        self.assertTrue(os.path.exists(theirs), "Courier's userdbpw (courier-authlib-userdb)")
        for tool in (BUILD / "userdb/userdbpw", theirs):
            r = run([tool, "-hmac-md5"], b"tanstaaftanstaaf\nsomething else\n")
            self.assertEqual(r.stdout, b"d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e0"
                             b"35e7015116b\n", tool)


    def test_courier_made_user_cram_md5_through_authdaemond(self):
        # Issue 3's interop row: an account made with Courier's own userdb and
        # `userdbpw -hmac-md5` (Debian courier-authlib-userdb) authenticates with CRAM-MD5
        # through Hato's authdaemond, after Hato's makeuserdb.
        cu, cpw = "/usr/sbin/userdb", "/usr/sbin/userdbpw"
        for tool in (cu, cpw):
            self.assertTrue(os.path.exists(tool), f"{tool} (courier-authlib-userdb) missing")
        run([cu, "-f", self.users, "tim", "set", "uid=1005", "gid=1005", "home=/home/tim"],
            check=True)
        secret = run([cpw, "-hmac-md5"], b"tanstaaftanstaaf\n", check=True).stdout
        run([cu, "-f", self.users, "tim", "set", "hmac-md5pw"], secret, check=True)
        self.makeuserdb()
        chal = b"<1896.697170952@postoffice.reston.mci.net>"
        for digest, want in ((b"b913a602c7eda7a495b4e6e7334d3890", b"UID=1005\nGID=1005\n"),
                             (b"b913a602c7eda7a495b4e6e7334d3891", b"FAIL\n")):
            body = (b"imap\ncram-md5\n" + base64.b64encode(chal) + b"\n" +
                    base64.b64encode(b"tim " + digest) + b"\n")
            self.assertTrue(self.request(b"AUTH %d\n" % len(body) + body).startswith(want))

    def test_shipped_configs_use_authdaemond(self):
        # The sample imapd/pop3d files select HATO_AUTH=daemon; the service units and rc.d
        # scripts start authdaemond first and can reload it.
        for name in ("imapd.dist", "pop3d.dist"):
            path = BUILD / "etc" / name
            self.assertTrue(path.exists(), path)
            r = subprocess.run(["sh", "-c", 'set -a; . "$1"; printf "%s" "$HATO_AUTH"', "sh",
                                str(path)], capture_output=True, text=True)
            self.assertEqual(r.stdout, "daemon", name)
        unit = (REPO / "rc.d" / "hato-authdaemond.service.in").read_text()
        self.assertIn("Before=hato-pop3d.service hato-pop3d-ssl.service hato-imapd.service "
                      "hato-imapd-ssl.service\n", unit)
        self.assertIn("ExecReload=/bin/kill -HUP $MAINPID\n", unit)
        for svc in ("hato-pop3d", "hato-pop3d-ssl", "hato-imapd", "hato-imapd-ssl"):
            text = (REPO / "rc.d" / f"{svc}.service.in").read_text()
            self.assertIn("After=network.target hato-authdaemond.service\n", text, svc)
        for rc in ("hato_pop3d", "hato_pop3d_ssl", "hato_imapd", "hato_imapd_ssl"):
            text = (REPO / "rc.d" / f"{rc}.in").read_text()
            self.assertIn("# REQUIRE: LOGIN hato_authdaemond\n", text, rc)
        self.assertIn('sig_reload="HUP"', (REPO / "rc.d" / "hato_authdaemond.in").read_text())


if __name__ == "__main__":
    unittest.main()
