"""End-to-end: hato-tcpd on 127.0.0.1 with a tiny shell program as the "login program"."""
import os
import sys
import pathlib
import signal
import socket
import subprocess
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import free_port, children_with_state  # noqa: E402  (next to this file)

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
TCPD = BUILD / "tcpd" / "hato-tcpd"
MAKEACCESS = BUILD / "tcpd" / "hato-makeaccess"
ECHO_ENV = 'echo "$TCPREMOTEIP $TCPLOCALPORT"; cat'


def recv_line(sock, timeout=5):
    sock.settimeout(timeout)
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return data


class Tcpd:
    def __init__(self, args, program, port=None, host="127.0.0.1"):
        self.port = port or free_port()
        self.host = host
        spec = f"{host}.{self.port}"
        self.errfile = tempfile.TemporaryFile()  # closed in TcpdTests.tearDown
        self.proc = subprocess.Popen([str(TCPD), *args, spec, *program],
                                     stderr=self.errfile, stdin=subprocess.DEVNULL)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        deadline = time.time() + 5
        while time.time() < deadline:
            with socket.socket(family) as probe:
                if probe.connect_ex((host, self.port)) == 0:
                    break
            if self.proc.poll() is not None:
                raise AssertionError(f"hato-tcpd exited: {self.stderr()}")
            time.sleep(0.05)
        # the probe connection itself spawned a child; let it finish before tests count
        time.sleep(0.3)

    def connect(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        s = socket.socket(family)
        s.connect((self.host, self.port))
        return s

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=15)
        return self.proc.returncode


class TcpdTests(unittest.TestCase):
    def setUp(self):
        self.servers = []
        self.socks = []

    def tearDown(self):
        for s in self.socks:
            s.close()
        for t in self.servers:
            if t.proc.poll() is None:
                t.proc.send_signal(signal.SIGTERM)  # ends its children too
                try:
                    t.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    t.proc.kill()
                    t.proc.wait()
            t.errfile.close()

    def start(self, args, program=("/bin/sh", "-c", ECHO_ENV), **kw):
        t = Tcpd(args, list(program), **kw)
        self.servers.append(t)
        return t

    def conn(self, t):
        s = t.connect()
        self.socks.append(s)
        return s

    def test_env_exact(self):
        prog = ("/bin/sh", "-c",
                'printf "%s|%s|%s|%s|%s|%s|%s\\n" "$TCPREMOTEIP" "$TCPLOCALIP" '
                '"$TCPLOCALPORT" "${TCPREMOTEHOST-unset}" "${HATO_TLS-unset}" '
                '"$TCPREMOTEPORT" "${TCPLOCALHOST-unset}"')
        t = self.start(["-nodnslookup"], prog)
        s = self.conn(t)
        line = recv_line(s).decode()
        myport = s.getsockname()[1]
        self.assertEqual(line, f"127.0.0.1|127.0.0.1|{t.port}|unset|unset|{myport}|unset\n")

    def test_env_dns_and_tls_port(self):
        prog = ("/bin/sh", "-c", 'echo "$TCPREMOTEHOST $HATO_TLS"')
        port = free_port()
        t = self.start([f"-tls={port}"], prog, port=port)
        s = self.conn(t)
        self.assertEqual(recv_line(s), b"localhost 1\n")

    def test_echo_and_fds(self):
        t = self.start(["-nodnslookup"])
        s = self.conn(t)
        self.assertEqual(recv_line(s), f"127.0.0.1 {t.port}\n".encode())
        s.sendall(b"hello\r\n")
        self.assertEqual(recv_line(s), b"hello\r\n")

    def test_maxperip_refusal_line(self):
        t = self.start(["-nodnslookup", "-maxperip=3",
                        "-overlimit=-ERR [SYS/TEMP] Too many connections from your address"])
        for _ in range(3):
            s = self.conn(t)
            self.assertEqual(recv_line(s), f"127.0.0.1 {t.port}\n".encode())
        s = self.conn(t)
        self.assertEqual(recv_line(s),
                         b"-ERR [SYS/TEMP] Too many connections from your address\r\n")
        self.assertEqual(s.recv(100), b"")  # and closed
        self.assertIn("Maximum connection limit reached for 127.0.0.1", t.stderr())
        # a slot frees when a client leaves
        self.socks[0].close()
        time.sleep(0.5)
        s = self.conn(t)
        self.assertEqual(recv_line(s), f"127.0.0.1 {t.port}\n".encode())

    def test_default_overlimit_by_protocol(self):
        with tempfile.TemporaryDirectory() as d:
            login = pathlib.Path(d) / "imap-login"
            login.write_text("#!/bin/sh\necho '* OK ready'\ncat\n")
            login.chmod(0o755)
            t = self.start(["-nodnslookup", "-maxperip=1"], (str(login),))
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"* OK ready\n")
            s = self.conn(t)
            self.assertEqual(recv_line(s),
                             b"* BYE [UNAVAILABLE] Too many connections from your address\r\n")

    def make_access(self, d, text):
        src = pathlib.Path(d) / "access"
        src.write_text(text)
        dat = pathlib.Path(d) / "access.dat"
        subprocess.run([str(MAKEACCESS), str(src), str(dat)], check=True)
        return dat

    def test_access_deny_message(self):
        with tempfile.TemporaryDirectory() as d:
            dat = self.make_access(d, "# comment\n127.0.0\tdeny\n10.0.0.0/8\tallow\n")
            t = self.start(["-nodnslookup", f"-access={dat}", "-denymsg=-ERR Go away"])
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"-ERR Go away\r\n")
            self.assertEqual(s.recv(10), b"")
            self.assertIn("Access denied for 127.0.0.1", t.stderr())

    def test_access_vars_and_maxcperip(self):
        with tempfile.TemporaryDirectory() as d:
            dat = self.make_access(
                d, '127.0.0.1\tallow,RELAYCLIENT,MAXCPERIP=1,X="a,b"\n*\tdeny\n')
            prog = ("/bin/sh", "-c", 'echo "[$RELAYCLIENT][$X][$MAXCPERIP]"; cat')
            t = self.start(["-nodnslookup", f"-access={dat}", "-maxperip=10",
                            "-overlimit=BUSY"], prog)
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"[][a,b][1]\n")
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"BUSY\r\n")

    def test_sighup_reopens_access(self):
        with tempfile.TemporaryDirectory() as d:
            dat = self.make_access(d, "127.0.0.1\tallow\n")
            t = self.start(["-nodnslookup", f"-access={dat}", "-denymsg=NO"])
            s = self.conn(t)
            self.assertEqual(recv_line(s), f"127.0.0.1 {t.port}\n".encode())
            self.make_access(d, "127.0.0.1\tdeny\n")
            t.proc.send_signal(signal.SIGHUP)
            time.sleep(0.3)
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"NO\r\n")

    def test_maxprocs(self):
        t = self.start(["-nodnslookup", "-maxprocs=2", "-maxperip=10"])
        a = self.conn(t)
        b = self.conn(t)
        self.assertTrue(recv_line(a).startswith(b"127.0.0.1"))
        self.assertTrue(recv_line(b).startswith(b"127.0.0.1"))
        c = self.conn(t)  # queued in the backlog, not served
        c.settimeout(0.7)
        with self.assertRaises(socket.timeout):
            c.recv(100)
        a.close()
        self.assertTrue(recv_line(c).startswith(b"127.0.0.1"))

    def test_ipv6(self):
        try:
            port = free_port(socket.AF_INET6, "::1")
        except OSError:
            self.skipTest("no IPv6 loopback on this machine")
        t = self.start(["-nodnslookup"], port=port, host="::1")
        s = self.conn(t)
        self.assertEqual(recv_line(s), f"::1 {port}\n".encode())

    def test_ipv4_on_dual_stack_socket(self):
        try:
            free_port(socket.AF_INET6, "::1")
        except OSError:
            self.skipTest("no IPv6 on this machine")
        port = free_port()
        errf = tempfile.TemporaryFile()
        p = subprocess.Popen([str(TCPD), "-nodnslookup", str(port), "/bin/sh", "-c",
                              'echo "$TCPREMOTEIP"'], stderr=errf)
        try:
            deadline = time.time() + 5
            while True:
                try:
                    s = socket.create_connection(("127.0.0.1", port))
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.05)
            self.assertEqual(recv_line(s), b"::ffff:127.0.0.1\n")
            s.close()
        finally:
            p.terminate()
            p.wait(timeout=15)
            errf.close()

    def test_sigterm_no_children_left(self):
        t = self.start(["-nodnslookup"], ("/bin/sh", "-c", 'echo up; sleep 60 & wait'))
        for _ in range(3):
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"up\n")
        pid = t.proc.pid
        kids = {p for p, _ in children_with_state(pid)}
        self.assertGreaterEqual(len(kids), 3)
        sleepers_before = {p for p, pgid in self.sleepers() if pgid in kids}
        self.assertGreaterEqual(len(sleepers_before), 3)
        self.assertEqual(t.stop(), 0)
        self.assertEqual(children_with_state(pid), [])
        time.sleep(0.2)
        # the grandchildren (sleep 60) went with their process groups
        self.assertEqual(sleepers_before & {p for p, _ in self.sleepers()}, set())
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", t.port), timeout=1)

    def sleepers(self):
        out = []
        for d in pathlib.Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    cmd = (d / "cmdline").read_bytes()
                except OSError:
                    continue
                if cmd == b"sleep\x0060\x00":
                    stat = (d / "stat").read_text()
                    pgid = int(stat[stat.rindex(")") + 2:].split()[2])
                    out.append((int(d.name), pgid))
        return out

    def test_no_zombies_while_running(self):
        t = self.start(["-nodnslookup"], ("/bin/sh", "-c", "echo bye"))
        for _ in range(5):
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"bye\n")
        time.sleep(0.5)
        states = [st for _, st in children_with_state(t.proc.pid)]
        self.assertNotIn("Z", states)
        self.assertEqual(states, [])

    def test_user_drop(self):
        import pwd
        if os.getuid() != 0:
            self.skipTest("needs root to drop privileges")
        nobody = pwd.getpwnam("nobody")
        t = self.start(["-nodnslookup", "-user=nobody"], ("/bin/sh", "-c", 'id -u; id -g'))
        s = self.conn(t)
        got = b""
        while True:
            chunk = s.recv(100)
            if not chunk:
                break
            got += chunk
        self.assertEqual(got, f"{nobody.pw_uid}\n{nobody.pw_gid}\n".encode())
        status = pathlib.Path(f"/proc/{t.proc.pid}/status").read_text()
        uid_line = [l for l in status.splitlines() if l.startswith("Uid:")][0]
        self.assertEqual(uid_line.split()[1:], [str(nobody.pw_uid)] * 4)

    def test_config_file(self):
        with tempfile.TemporaryDirectory() as d:
            port, sslport = free_port(), free_port()
            conf = pathlib.Path(d) / "pop3d"
            conf.write_text(f'PORT={port}\nADDRESS=127.0.0.1\nMAXPERIP=1\n'
                            f'TCPDOPTS="-nodnslookup"\nPOP3AUTH="CRAM-MD5 LOGIN"\n')
            ssl = pathlib.Path(d) / "pop3d-ssl"
            ssl.write_text(f"SSLPORT={sslport}\n")
            login = pathlib.Path(d) / "pop3-login"
            login.write_text('#!/bin/sh\necho "+OK $POP3AUTH ${HATO_TLS-0} $TCPLOCALPORT '
                             '${TCPREMOTEHOST-nodns}"\ncat\n')
            login.chmod(0o755)
            errf = tempfile.TemporaryFile()
            p = subprocess.Popen([str(TCPD), f"-config={conf},{ssl}", str(login)], stderr=errf)
            try:
                deadline = time.time() + 5
                while True:
                    try:
                        a = socket.create_connection(("127.0.0.1", port))
                        break
                    except OSError:
                        self.assertIsNone(p.poll(), "tcpd exited")
                        self.assertLess(time.time(), deadline)
                        time.sleep(0.05)
                self.assertEqual(recv_line(a), f"+OK CRAM-MD5 LOGIN 0 {port} nodns\n".encode())
                b = socket.create_connection(("127.0.0.1", port))
                self.assertEqual(recv_line(b),
                                 b"-ERR [SYS/TEMP] Too many connections from your address\r\n")
                a.close()
                b.close()
                time.sleep(0.3)
                c = socket.create_connection(("127.0.0.1", sslport))
                self.assertEqual(recv_line(c), f"+OK CRAM-MD5 LOGIN 1 {sslport} nodns\n".encode())
                c.close()
            finally:
                p.terminate()
                p.wait(timeout=15)
                errf.close()

    def test_stderr_file_and_logger(self):
        with tempfile.TemporaryDirectory() as d:
            log = pathlib.Path(d) / "log"
            t = self.start(["-nodnslookup", f"-stderr={log}"],
                           ("/bin/sh", "-c", "echo child-says-hi >&2; echo ok"))
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"ok\n")
            time.sleep(0.3)
            self.assertIn("child-says-hi", log.read_text())
            logger = pathlib.Path(d) / "logger"
            out = pathlib.Path(d) / "logger.out"
            logger.write_text(f'#!/bin/sh\necho "name=$1" >> {out}\ncat >> {out}\n')
            logger.chmod(0o755)
            t = self.start(["-nodnslookup", f"-stderrlogger={logger}",
                            "-stderrloggername=pop3d-test"],
                           ("/bin/sh", "-c", "echo via-logger >&2; echo ok"))
            s = self.conn(t)
            self.assertEqual(recv_line(s), b"ok\n")
            time.sleep(0.3)
            text = out.read_text()
            self.assertTrue(text.startswith("name=pop3d-test\n"), text)
            self.assertIn("via-logger", text)

    def test_noidentlookup_warns(self):
        t = self.start(["-nodnslookup", "-noidentlookup"])
        self.assertIn("-noidentlookup is obsolete and ignored", t.stderr())

    def test_invalid_option(self):
        r = subprocess.run([str(TCPD), "-bogus", "1", "/bin/true"], capture_output=True)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, b"Invalid option: -bogus\n")

    def test_pid_stop(self):
        with tempfile.TemporaryDirectory() as d:
            pidfile = pathlib.Path(d) / "tcpd.pid"
            port = free_port()
            log = pathlib.Path(d) / "log"
            with open(log, "wb") as errf:
                r = subprocess.run([str(TCPD), f"-pid={pidfile}", "-nodnslookup",
                                    f"127.0.0.1.{port}", "/bin/sh", "-c", "echo hi"],
                                   stdout=subprocess.DEVNULL, stderr=errf, timeout=10)
            self.assertEqual(r.returncode, 0, log.read_text())
            time.sleep(0.3)
            pid = int(pidfile.read_text())
            s = socket.create_connection(("127.0.0.1", port))
            self.assertEqual(recv_line(s), b"hi\n")
            s.close()
            r = subprocess.run([str(TCPD), f"-pid={pidfile}", "-stop"], timeout=40)
            self.assertEqual(r.returncode, 0)
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)
            self.assertFalse(pidfile.exists())


if __name__ == "__main__":
    unittest.main()
