"""Small helpers shared by the e2e tests: ports, sockets, system users, /proc, wire forms.
Each test file keeps what is particular to it; what is here is the same everywhere."""
import imaplib
import os
import pathlib
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import unittest


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    """A TCP port nothing listens on right now (the kernel's choice; closed again at once)."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_port(port, host="127.0.0.1", timeout=10):
    """Return once something accepts connections on port; AssertionError after timeout s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def recv_until(sock, marker, timeout=10):
    """Bytes read until marker appears (or the peer closes: then the marker may be missing)."""
    sock.settimeout(timeout)
    data = b""
    while marker not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def ensure_user(name, own_group=False):
    """The passwd entry of a system user, created (no home, no shell) when missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        argv = ["useradd", "-r", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin"]
        if own_group:
            argv.append("-U")
        subprocess.run([*argv, name], check=True)
        return pwd.getpwnam(name)


def children_with_state(pid):
    """(pid, state letter) of every process whose parent is pid, read from /proc."""
    out = []
    for d in pathlib.Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append((int(d.name), fields[0]))
    return out


def children_of(pid):
    """Pids whose parent is pid."""
    return [child for child, _ in children_with_state(pid)]


def crlf(data):
    """Stored message bytes as the IMAP wire carries them: every line end CRLF."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
IMAPD = BUILD / "imapd" / "imapd"
TRANSCRIPTS = pathlib.Path(__file__).resolve().parents[1] / "transcripts" / "imap"
NOBODY = 65534
IS_ROOT = os.geteuid() == 0


class ImapdOnPipe(unittest.TestCase):
    """imapd -t (started authenticated) on stdin/stdout over a private copy of a fixture Maildir.
    imapd refuses root: as root it runs under setpriv as uid/gid 65534, owner of the copy.
    Subclasses set FIXTURE (None: an empty Maildir) and may override prepare() to add folders or
    messages before the chown."""

    FIXTURE = TRANSCRIPTS / "Maildir"

    def setUp(self):
        self.assertTrue(IMAPD.exists(), f"{IMAPD} not built (set HATO_BUILD)")
        if IS_ROOT:
            self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is needed as root")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-imapd-"))
        os.chmod(self.tmp, 0o755)
        self.md = self.tmp / "Maildir"
        if self.FIXTURE is None:
            for sub in ("cur", "new"):
                (self.md / sub).mkdir(parents=True)
        else:
            shutil.copytree(self.FIXTURE, self.md)
        (self.md / "tmp").mkdir()
        self.prepare()
        self.chown()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def prepare(self):
        pass

    def chown(self, top=None):
        """Give top (default: the whole Maildir) to the uid imapd runs as."""
        top = top or self.md
        if IS_ROOT:
            for p in [top, *top.rglob("*")]:
                os.chown(p, NOBODY, NOBODY)

    def argv(self, env=()):
        base = [str(IMAPD), "-t", str(self.md)]
        if env:
            base = ["env", *env, *base]
        if IS_ROOT:
            base = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *base]
        return base

    def imap(self, env=()):
        """An imaplib client on a fresh imapd, shut down at cleanup."""
        m = imaplib.IMAP4_stream(" ".join(shlex.quote(a) for a in self.argv(env)))
        self.addCleanup(m.shutdown)
        self.assertEqual(m.state, "AUTH")
        return m


def maildir_files(folder):
    """Sorted names of the message files in a Maildir folder's cur/ and new/."""
    return sorted(p.name for sub in ("cur", "new") if (folder / sub).is_dir()
                  for p in (folder / sub).iterdir() if not p.name.startswith("."))
