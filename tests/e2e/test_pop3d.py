"""End-to-end: the real pop3d binary on stdin/stdout against a copy of a fixture Maildir.

pop3d refuses root, so when the tests run as root pop3d runs under setpriv as uid/gid 65534
with the Maildir copy owned by that uid."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import unittest

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
POP3D = BUILD / "pop3d" / "pop3d"
FIXTURE = pathlib.Path(__file__).resolve().parent / "fixtures" / "pop3d-maildir"
NOBODY = 65534
IS_ROOT = os.geteuid() == 0

# POP3 order: leading time stamp of the file name, then the name.
NAMES = ["1600000001.M2P2.fixture", "1600000002.M1P1.fixture", "1600000003.M3P3.fixture"]


def wire_form(data):
    """The bytes RETR must send for a stored message, before stuffing: CRLF line ends and a
    CRLF added to an unterminated last line."""
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if data and not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def stuffed(wire):
    lines = wire.split(b"\r\n")[:-1]
    return b"".join((b"." + ln if ln.startswith(b".") else ln) + b"\r\n" for ln in lines)


def top_form(wire, n):
    head, _, body = wire.partition(b"\r\n\r\n")
    body_lines = body.split(b"\r\n")[:-1] if body else []
    out = head + b"\r\n\r\n" + b"".join(ln + b"\r\n" for ln in body_lines[:n])
    return out


class Pop3dTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(POP3D.exists(), f"{POP3D} not built (set HATO_BUILD)")
        if IS_ROOT:
            self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is needed as root")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-pop3d-"))
        os.chmod(self.tmp, 0o755)
        self.home = self.tmp / "home"
        self.md = self.home / "Maildir"
        shutil.copytree(FIXTURE, self.md)
        (self.md / "tmp").mkdir()
        self.chown()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def chown(self):
        if not IS_ROOT:
            return
        for p in [self.home, *self.home.rglob("*")]:
            os.chown(p, NOBODY, NOBODY)

    def msg_path(self, i):
        """Current path of message i (0-based POP3 order), in cur/ or new/."""
        for sub in ("cur", "new"):
            for p in (self.md / sub).iterdir():
                if p.name.split(":")[0] == NAMES[i]:
                    return p
        return None

    def wire(self, i):
        return wire_form(self.msg_path(i).read_bytes())

    def cmd(self, args=()):
        base = [str(POP3D), *args]
        if IS_ROOT:
            return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *base]
        return base

    def env(self, extra=None):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AUTHENTICATED": "alice",
               "TCPREMOTEIP": "127.0.0.1", "TCPREMOTEPORT": "4242"}
        env.update(extra or {})
        return env

    def run_pop3d(self, data, extra_env=None, args=(), cwd=None, pass_fds=(), as_root=False):
        argv = [str(POP3D), *args] if as_root else self.cmd(args)
        p = subprocess.run(argv, input=data, capture_output=True, timeout=20,
                           cwd=cwd or self.md, env=self.env(extra_env), pass_fds=pass_fds)
        return p.stdout, p.stderr.decode(errors="replace"), p.returncode

    def session(self, data, **kw):
        out, err, rc = self.run_pop3d(data, **kw)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith(b"+OK logged in.\r\n"), out)
        return out[len(b"+OK logged in.\r\n"):], err

    def sizelist(self):
        lines = (self.md / "courierpop3dsizelist").read_text().splitlines()
        m = re.fullmatch(r"/3 (\d+) (\d+)", lines[0])
        self.assertIsNotNone(m, lines[0])
        entries = []
        for ln in lines[1:]:
            name, size, ids = ln.split(" ")
            uid, uidv, utf8 = ids.split(":")
            entries.append((name, int(size), int(uid), int(uidv)))
        return int(m.group(1)), int(m.group(2)), entries

    # --- reading -----------------------------------------------------------------------

    def test_stat_list_uidl_match_the_files_and_the_size_list(self):
        out, _ = self.session(b"STAT\r\nLIST\r\nLIST 2\r\nUIDL\r\nUIDL 3\r\nQUIT\r\n")
        sizes = [len(self.wire(i)) for i in range(3)]
        nextuid, uidv, entries = self.sizelist()
        self.assertEqual([e[0].split(":")[0] for e in entries], NAMES)
        self.assertEqual([e[1] for e in entries], sizes)  # sizes recorded in wire form
        self.assertEqual([e[2] for e in entries], [1, 2, 3])
        self.assertEqual(nextuid, 4)
        uidls = [f"UID{e[2]}-{e[3]}".encode() for e in entries]
        expected = (
            b"+OK %d %d\r\n" % (3, sum(sizes))
            + b"+OK POP3 clients that break here, they violate STD53.\r\n"
            + b"".join(b"%d %d\r\n" % (i + 1, s) for i, s in enumerate(sizes)) + b".\r\n"
            + b"+OK 2 %d\r\n" % sizes[1]
            + b"+OK\r\n" + b"".join(b"%d %s\r\n" % (i + 1, u) for i, u in enumerate(uidls))
            + b".\r\n"
            + b"+OK 3 " + uidls[2] + b"\r\n"
            + b"+OK Bye-bye.\r\n")
        self.assertEqual(out, expected)
        # new/ was moved into cur/ with ":2," appended.
        self.assertEqual(list((self.md / "new").iterdir()), [])
        self.assertTrue((self.md / "cur" / (NAMES[1] + ":2,")).exists())

    def test_retr_and_top_byte_exact(self):
        out, err = self.session(b"RETR 1\r\nRETR 2\r\nRETR 3\r\nTOP 2 1\r\nTOP 3 0\r\nQUIT\r\n")
        w = [self.wire(i) for i in range(3)]
        self.assertIn(b"\r\n..starts with a dot\r\n", stuffed(w[0]))
        self.assertIn(b"\r\n..\r\n...two dots\r\n", stuffed(w[1]))
        self.assertTrue(w[1].endswith(b"no newline at end\r\n"))
        expected = b"".join(b"+OK %d octets follow.\r\n" % len(x) + stuffed(x) + b".\r\n"
                            for x in w)
        expected += b"+OK headers follow.\r\n" + stuffed(top_form(w[1], 1)) + b".\r\n"
        expected += b"+OK headers follow.\r\n" + stuffed(top_form(w[2], 0)) + b".\r\n"
        expected += b"+OK Bye-bye.\r\n"
        self.assertEqual(out, expected)
        retr = sum(len(x) for x in w)
        top = len(top_form(w[1], 1)) + len(top_form(w[2], 0))
        sent = len(b"+OK logged in.\r\n") + len(out)
        rcvd = len(b"RETR 1\r\nRETR 2\r\nRETR 3\r\nTOP 2 1\r\nTOP 3 0\r\nQUIT\r\n")
        self.assertRegex(err, r"INFO: LOGOUT, user=alice, ip=\[127\.0\.0\.1\], port=\[4242\], "
                         rf"top={top}, retr={retr}, rcvd={rcvd}, sent={sent}, time=\d+\n")
        self.assertNotIn("stls=1", err)

    def test_bad_numbers_answered(self):
        out, _ = self.session(b"RETR 4\r\nRETR 0\r\nLIST x\r\nBOGUS\r\nQUIT\r\n")
        self.assertEqual(out, b"-ERR Invalid message number.\r\n" * 3
                         + b"-ERR Invalid command.\r\n+OK Bye-bye.\r\n")

    # --- deleting -----------------------------------------------------------------------

    def test_dele_rset_keeps(self):
        out, _ = self.session(b"DELE 1\r\nSTAT\r\nRSET\r\nSTAT\r\nQUIT\r\n")
        sizes = [len(self.wire(i)) for i in range(3)]
        self.assertEqual(out, b"+OK Deleted.\r\n+OK 2 %d\r\n+OK Resurrected.\r\n+OK 3 %d\r\n"
                         b"+OK Bye-bye.\r\n" % (sum(sizes[1:]), sum(sizes)))
        self.assertIsNotNone(self.msg_path(0))

    def test_dele_quit_removes_the_file_and_keeps_the_other_uidls(self):
        first, _ = self.session(b"UIDL\r\nQUIT\r\n")
        out, err = self.session(b"DELE 2\r\nQUIT\r\n")
        self.assertEqual(out, b"+OK Deleted.\r\n+OK Bye-bye.\r\n")
        self.assertIsNone(self.msg_path(1))
        self.assertIsNotNone(self.msg_path(0))
        self.assertIsNotNone(self.msg_path(2))
        _, _, entries = self.sizelist()
        self.assertEqual([e[0].split(":")[0] for e in entries], [NAMES[0], NAMES[2]])
        second, _ = self.session(b"UIDL\r\nQUIT\r\n")
        old = first.split(b"\r\n")[1:4]
        self.assertEqual(second.split(b"\r\n")[1:3],
                         [b"1 " + old[0].split(b" ")[1], b"2 " + old[2].split(b" ")[1]])

    def test_eof_deletes_nothing(self):
        out, err = self.session(b"DELE 1\r\nDELE 2\r\n")
        self.assertEqual(out, b"+OK Deleted.\r\n+OK Deleted.\r\n")
        self.assertIsNotNone(self.msg_path(0))
        self.assertIsNotNone(self.msg_path(1))
        self.assertIn("INFO: DISCONNECTED, user=alice", err)

    def test_idle_timeout_deletes_nothing(self):
        argv = self.cmd()
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=self.md,
                             env=self.env({"POP3_IDLE_TIMEOUT": "1"}))
        try:
            p.stdin.write(b"DELE 1\r\n")
            p.stdin.flush()
            t0 = time.monotonic()
            rc = p.wait(timeout=10)
            self.assertLess(time.monotonic() - t0, 9)
            out = p.stdout.read()
            err = p.stderr.read().decode()
        finally:
            p.stdin.close()
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"+OK logged in.\r\n+OK Deleted.\r\n")
        self.assertIn("INFO: TIMEOUT, user=alice", err)
        self.assertIsNotNone(self.msg_path(0))

    def test_vanished_message_gets_err(self):
        argv = self.cmd()
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=self.md, env=self.env())
        try:
            self.assertEqual(p.stdout.readline(), b"+OK logged in.\r\n")
            self.msg_path(1).unlink()
            p.stdin.write(b"RETR 2\r\nTOP 2 0\r\nSTAT\r\nQUIT\r\n")
            p.stdin.close()
            out = p.stdout.read()
            rc = p.wait(timeout=10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith(b"-ERR Can't open the message file - it's gone!\r\n"
                                       b"-ERR Can't open the message file - it's gone!\r\n"
                                       b"+OK 3 "), out)
        self.assertTrue(out.endswith(b"+OK Bye-bye.\r\n"), out)

    # --- UIDL compatibility ---------------------------------------------------------------

    def test_uidls_equal_across_sessions(self):
        a, _ = self.session(b"UIDL\r\nQUIT\r\n")
        b, _ = self.session(b"UIDL\r\nQUIT\r\n")
        self.assertEqual(a, b)
        _, uidv, entries = self.sizelist()
        self.assertEqual(a, b"+OK\r\n" + b"".join(b"%d UID%d-%d\r\n" % (i + 1, e[2], uidv)
                                                  for i, e in enumerate(entries))
                         + b".\r\n+OK Bye-bye.\r\n")

    def test_courier_written_size_list_is_used(self):
        """A list Courier wrote keeps its uids and sizes; an unknown message gets nextuid."""
        (self.md / "new" / NAMES[1]).rename(self.md / "cur" / (NAMES[1] + ":2,S"))
        text = ("/3 40 1234567\n"
                f"{NAMES[0]}:2,S 777 17:1234567:0\n"
                f"{NAMES[1]}:2, 888 23:1234567:0\n")
        (self.md / "courierpop3dsizelist").write_text(text)
        self.chown()
        out, _ = self.session(b"UIDL\r\nLIST\r\nQUIT\r\n")
        s3 = len(self.wire(2))
        self.assertEqual(out, b"+OK\r\n1 UID17-1234567\r\n2 UID23-1234567\r\n3 UID40-1234567\r\n"
                         b".\r\n+OK POP3 clients that break here, they violate STD53.\r\n"
                         b"1 777\r\n2 888\r\n3 %d\r\n.\r\n+OK Bye-bye.\r\n" % s3)
        nextuid, uidv, entries = self.sizelist()
        self.assertEqual((nextuid, uidv), (41, 1234567))
        self.assertEqual(entries, [(f"{NAMES[0]}:2,S", 777, 17, 1234567),
                                   (f"{NAMES[1]}:2,S", 888, 23, 1234567),
                                   (f"{NAMES[2]}:2,RS", s3, 40, 1234567)])

    # --- pipelining ---------------------------------------------------------------------

    def test_pipelined_commands_in_one_write_all_answered(self):
        out, _ = self.session(b"NOOP\r\nSTAT\r\nDELE 3\r\nNOOP\r\nRSET\r\nLIST 3\r\nQUIT\r\n")
        sizes = [len(self.wire(i)) for i in range(3)]
        self.assertEqual(out, b"+OK Yup.\r\n+OK 3 %d\r\n+OK Deleted.\r\n+OK Yup.\r\n"
                         b"+OK Resurrected.\r\n+OK 3 %d\r\n+OK Bye-bye.\r\n"
                         % (sum(sizes), sizes[2]))

    def test_handed_on_bytes_run_first(self):
        r, w = os.pipe()
        try:
            os.write(w, b"UIDL 1\r\nNOOP\r\nST")  # the last command is split across the sources
            os.close(w)
            w = -1
            out, _ = self.session(b"AT\r\nQUIT\r\n", extra_env={"HATO_PIPELINED_FD": str(r)},
                                  pass_fds=(r,))
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)
        sizes = [len(self.wire(i)) for i in range(3)]
        _, uidv, _ = self.sizelist()
        self.assertEqual(out, b"+OK 1 UID1-%d\r\n+OK Yup.\r\n+OK 3 %d\r\n+OK Bye-bye.\r\n"
                         % (uidv, sum(sizes)))

    # --- environment and refusals ------------------------------------------------------------

    def test_maildir_argument_and_tls_log(self):
        out, err = self.session(b"QUIT\r\n", args=("Maildir",), cwd=self.home,
                                extra_env={"POP3_TLS": "1"})
        self.assertEqual(out, b"+OK Bye-bye.\r\n")
        self.assertRegex(err, r"INFO: LOGOUT, user=alice, ip=\[127\.0\.0\.1\], port=\[4242\], "
                         r"top=0, retr=0, rcvd=6, sent=30, time=\d+, stls=1\n")

    def test_no_cur_directory(self):
        shutil.rmtree(self.md / "cur")
        out, err, rc = self.run_pop3d(b"STAT\r\n")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"-ERR Maildir invalid (no 'cur' directory)\r\n")

    def test_refuses_root(self):
        if not IS_ROOT:
            self.skipTest("needs root to start pop3d as root")
        out, err, rc = self.run_pop3d(b"STAT\r\nQUIT\r\n", as_root=True)
        self.assertEqual(rc, 1)
        self.assertTrue(out.startswith(b"-ERR Internal error"), out)
        self.assertNotIn(b"+OK", out)
        self.assertIn("root", err)
        self.assertFalse((self.md / "courierpop3dsizelist").exists())


if __name__ == "__main__":
    unittest.main()
