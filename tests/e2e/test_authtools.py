"""End-to-end: authtest, authenumerate and courierpasswd against a real authdaemond.

The userdb is made with Hato's own tools (userdb, userdbpw, makeuserdb); authdaemond runs on a
private socket directory. Checks Courier's exact authtest output (courier-formats §2.8), the
same failure text for a wrong password and an unknown user, authenumerate's lines, and
courierpasswd's checkpassword exit codes (§2.9) for passwords, CRAM-MD5 (RFC 2195 vector) and
APOP (RFC 1939 vector), on stdin and on fd 3.
"""
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain"))
if not BUILD.is_absolute() and not BUILD.exists():
    BUILD = REPO / BUILD
BUILD = BUILD.resolve()

CRAM_CHALLENGE = b"<1896.697170952@postoffice.reston.mci.net>"
CRAM_DIGEST = b"b913a602c7eda7a495b4e6e7334d3890"
APOP_TIMESTAMP = b"<1896.697170952@dbc.mtview.ca.us>"
APOP_DIGEST = b"c4c9334bac560ecc979e58001b3e22fb"


def run(argv, stdin=b"", env=None, **kw):
    return subprocess.run([str(a) for a in argv], input=stdin, capture_output=True,
                          timeout=60, env=env, **kw)


class AuthTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for prog in ("authlib/authdaemond", "authlib/authtest", "authlib/authenumerate",
                     "authlib/courierpasswd", "userdb/userdb", "userdb/userdbpw",
                     "userdb/makeuserdb"):
            if not (BUILD / prog).exists():
                raise AssertionError(f"{BUILD / prog} is not built")
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-authtools-"))
        cls.tmp.chmod(0o755)  # the account's uid must reach its home
        cls.home = cls.tmp / "home"
        cls.home.mkdir()
        src = cls.tmp / "userdb"
        ud = BUILD / "userdb/userdb"

        def must(argv, stdin=b""):
            r = run(argv, stdin)
            if r.returncode != 0:
                raise AssertionError(f"{argv}: {r.stderr.decode()}")
            return r.stdout

        must([ud, "-f", src, "bob@example.com", "set", "uid=1000", "gid=1000",
              f"home={cls.home}", "mail=/var/mail/bob", "quota=10000000S"])
        cls.md5 = must([BUILD / "userdb/userdbpw", "-md5"], b"secret\nsecret\n")
        must([ud, "-f", src, "bob@example.com", "set", "systempw"], cls.md5)
        must([ud, "-f", src, "tim", "set", "uid=1001", "gid=1001", f"home={cls.home}",
              "options=disablepop3=1"])
        hmac = must([BUILD / "userdb/userdbpw", "-hmac-md5"],
                    b"tanstaaftanstaaf\ntanstaaftanstaaf\n")
        must([ud, "-f", src, "tim", "set", "hmac-md5pw"], hmac)
        must([ud, "-f", src, "mrose", "set", "uid=1002", "gid=1002", f"home={cls.home}",
              "apoppw=tanstaaf"])
        src.chmod(0o600)
        must([BUILD / "userdb/makeuserdb", "-f", src])
        rc = cls.tmp / "authdaemonrc"
        rc.write_text(f'authmodulelist="authuserdb"\nuserdb={src}\nAUTHFAILDELAY=50\n')
        cls.sockdir = cls.tmp / "run"
        cls.sockdir.mkdir()
        cls.log = open(cls.tmp / "authdaemond.log", "w")
        cls.proc = subprocess.Popen([str(BUILD / "authlib/authdaemond"), "-e", "-f", str(rc),
                                     "-d", str(cls.sockdir)], stderr=cls.log)
        for _ in range(100):
            if (cls.sockdir / "socket").exists():
                break
            time.sleep(0.05)
        else:
            raise AssertionError("authdaemond did not create its socket")
        cls.env = dict(os.environ, AUTHDAEMONVAR=str(cls.sockdir))
        cls.env.pop("TCPREMOTEIP", None)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.log.close()
        shutil.rmtree(cls.tmp)

    def tearDown(self):
        self.assertIsNone(self.proc.poll(), "authdaemond exited")

    def authtest(self, *args):
        return run([BUILD / "authlib/authtest", *args], env=self.env)

    def block(self, clear):
        return (b"Authentication succeeded.\n\n"
                b"     Authenticated: bob@example.com  (uid 1000, gid 1000)\n"
                b"    Home Directory: " + str(self.home).encode() + b"\n"
                b"           Maildir: /var/mail/bob\n"
                b"             Quota: 10000000S\n"
                b"Encrypted Password: " + self.md5.strip() + b"\n"
                b"Cleartext Password: " + clear + b"\n"
                b"           Options: (none)\n")

    def test_authtest_lookup_and_login(self):
        r = self.authtest("bob@example.com")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, self.block(b"(none)"), b""))
        r = self.authtest("-s", "imap", "bob@example.com", "secret")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, self.block(b"secret"), b""))
        r = self.authtest("tim")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"           Options: disablepop3=1\n", r.stdout)

    def test_authtest_failures_look_alike(self):
        fail = b"Authentication FAILED: Operation not permitted\n"
        for args in (("bob@example.com", "wrong"), ("nobody@example.com", "secret"),
                     ("nobody@example.com",)):
            r = self.authtest(*args)
            self.assertEqual((r.returncode, r.stdout, r.stderr), (1, b"", fail), args)
        # A password change with a wrong old password, or for an unknown user, fails alike
        # (the successful change is tested in test_authd_admin.py).
        for args in (("bob@example.com", "wrong", "new"), ("nobody@example.com", "x", "new")):
            r = self.authtest(*args)
            self.assertEqual((r.returncode, r.stderr), (1, fail), args)

    def test_authtest_no_daemon(self):
        env = dict(self.env, AUTHDAEMONVAR=str(self.tmp / "nowhere"))
        r = run([BUILD / "authlib/authtest", "bob@example.com"], env=env)
        self.assertEqual((r.returncode, r.stdout, r.stderr),
                         (1, b"", b"Authentication FAILED: Input/output error\n"))

    def test_authenumerate(self):
        r = run([BUILD / "authlib/authenumerate"], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        h = str(self.home)
        self.assertEqual(sorted(r.stdout.decode().splitlines()), sorted([
            f"bob@example.com\t1000\t1000\t{h}\t/var/mail/bob\t",
            f"mrose\t1002\t1002\t{h}\t\t",
            f"tim\t1001\t1001\t{h}\t\tdisablepop3=1",
        ]))
        r = run([BUILD / "authlib/authenumerate", "-m", "authshadow"], env=self.env)
        self.assertEqual((r.returncode, r.stdout), (0, b""))

    def passwd(self, args, tokens, env=None):
        return run([BUILD / "authlib/courierpasswd", "--stderr", "--stdin", *args], tokens,
                   env=env or self.env)

    def test_courierpasswd_exit_codes(self):
        self.assertEqual(self.passwd([], b"bob@example.com\0secret\0").returncode, 0)
        self.assertEqual(self.passwd([], b"bob@example.com\0secret\0ts\0").returncode, 0)
        self.assertEqual(self.passwd([], b"bob@example.com\0wrong\0").returncode, 1)
        self.assertEqual(self.passwd([], b"nobody\0secret\0").returncode, 1)
        self.assertEqual(self.passwd([], b"bob@example.com").returncode, 2)
        self.assertEqual(self.passwd([], b"x" * 600).returncode, 2)
        self.assertEqual(self.passwd(["-C", "rot13"], b"a\0b\0c\0").returncode, 2)
        env = dict(self.env, AUTHDAEMONVAR=str(self.tmp / "nowhere"))
        self.assertEqual(self.passwd([], b"bob@example.com\0secret\0", env).returncode, 111)

    def test_courierpasswd_fd3_and_prog(self):
        tokens = self.tmp / "tokens"
        tokens.write_bytes(b"bob@example.com\0secret\0")
        # checkpassword's fd 3, as qmail-popup hands it over; prog runs as the account.
        r = subprocess.run(["sh", "-c", 'exec "$0" "$@" 3<"$TOKENS"',
                            str(BUILD / "authlib/courierpasswd"), "--stderr", "sh", "-c",
                            'printf "%s|%s|%s|%s" "$USER" "$HOME" "$(pwd)" "$(id -u)"'],
                           capture_output=True, env=dict(self.env, TOKENS=str(tokens)),
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        h = str(self.home).encode()
        uid = b"1000" if os.geteuid() == 0 else str(os.geteuid()).encode()
        self.assertEqual(r.stdout, b"bob@example.com|" + h + b"|" + h + b"|" + uid)

    def test_courierpasswd_cram_md5(self):
        ok = b"tim\0" + CRAM_CHALLENGE + b"\0" + CRAM_DIGEST + b"\0"
        self.assertEqual(self.passwd(["-C", "md5"], ok).returncode, 0)
        bad = b"tim\0" + CRAM_CHALLENGE + b"\0" + b"0" * 32 + b"\0"
        self.assertEqual(self.passwd(["-C", "md5"], bad).returncode, 1)
        # The digest belongs to the challenge: another one fails.
        other = b"tim\0<1.2@x>\0" + CRAM_DIGEST + b"\0"
        self.assertEqual(self.passwd(["-C", "md5"], other).returncode, 1)

    def test_courierpasswd_apop(self):
        ok = b"mrose\0" + APOP_TIMESTAMP + b"\0" + APOP_DIGEST + b"\0"
        self.assertEqual(self.passwd(["-s", "pop3", "-C", "apop"], ok).returncode, 0)
        bad = b"mrose\0<1.2@x>\0" + APOP_DIGEST + b"\0"
        self.assertEqual(self.passwd(["-C", "apop"], bad).returncode, 1)
        # No apoppw: APOP is refused even with a right password elsewhere.
        self.assertEqual(self.passwd(["-C", "apop"], b"bob@example.com\0<1@x>\0" + b"0" * 32
                                     + b"\0").returncode, 1)


if __name__ == "__main__":
    unittest.main()
