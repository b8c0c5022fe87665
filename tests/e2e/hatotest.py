"""Small helpers shared by the e2e tests: ports, sockets, system users, /proc, wire forms.
Each test file keeps what is particular to it; what is here is the same everywhere."""
import pathlib
import pwd
import socket
import subprocess
import time


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
