#!/usr/bin/env python3
"""Machine description and reference points for bench/ results (JSON on stdout).

Reference points let a reader compare results taken on different machines: fork+exec of
/bin/true per second (the floor of every process-per-connection server), AES-128-GCM
throughput of one core (`openssl speed`), and page-cache read bandwidth (a file read twice).
"""
import argparse
import json
import os
import platform
import re
import subprocess
import tempfile
import time


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def fork_exec_rate(seconds):
    n = 0
    end = time.perf_counter() + seconds
    t0 = time.perf_counter()
    while time.perf_counter() < end:
        pid = os.fork()
        if pid == 0:
            try:
                os.execv("/bin/true", ["/bin/true"])
            finally:
                os._exit(127)
        os.waitpid(pid, 0)
        n += 1
    return n / (time.perf_counter() - t0)


def aes_gcm(seconds):
    out = sh("openssl speed -seconds %d -bytes 16384 -evp aes-128-gcm 2>/dev/null" % seconds)
    m = re.search(r"^AES-128-GCM\s+([\d.]+)k", out, re.M | re.I)
    if not m:
        m = re.search(r"^aes-128-gcm\s+([\d.]+)k", out, re.M | re.I)
    return float(m.group(1)) * 1000 / 1e6 if m else None


def page_cache_read(mb):
    fd, path = tempfile.mkstemp(prefix="hato-bench-pc-")
    try:
        chunk = os.urandom(1 << 20)
        for _ in range(mb):
            os.write(fd, chunk)
        os.close(fd)
        best = 0.0
        for _ in range(3):
            t0 = time.perf_counter()
            with open(path, "rb", buffering=0) as f:
                buf = bytearray(1 << 20)
                while f.readinto(buf):
                    pass
            best = max(best, mb / (time.perf_counter() - t0))
        return best * (1 << 20) / 1e6
    finally:
        os.unlink(path)


def loopback_tcp(mb):
    """One TCP stream over 127.0.0.1, 1 MB writes and reads: the ceiling of every MB/s figure."""
    import socket
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    pid = os.fork()
    if pid == 0:
        try:
            c = socket.create_connection(ls.getsockname())
            chunk = b"x" * (1 << 20)
            for _ in range(mb):
                c.sendall(chunk)
            c.close()
        finally:
            os._exit(0)
    s, _ = ls.accept()
    buf = bytearray(1 << 20)
    n = 0
    t0 = time.perf_counter()
    while True:
        k = s.recv_into(buf)
        if not k:
            break
        n += k
    dt = time.perf_counter() - t0
    s.close()
    ls.close()
    os.waitpid(pid, 0)
    return round(n / dt / 1e6, 1)


def pkg_version(name, root=None):
    pre = "chroot %s " % root if root else ""
    return sh(pre + "dpkg-query -W -f='${Version}' %s 2>/dev/null" % name) or None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--servers", default="")
    ap.add_argument("--dovecot-root", default="")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    secs = 0.3 if a.quick else 2
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    mem = sh("awk '/MemTotal/ {print $2}' /proc/meminfo")
    load = os.getloadavg()
    out = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "mem_gb": round(int(mem) / 1048576, 1) if mem else None,
        "kernel": platform.release(),
        "os": sh(". /etc/os-release && echo \"$PRETTY_NAME\""),
        "loadavg_at_start": [round(x, 2) for x in load],
        "versions": {
            "hato": sh("git -C %s describe --always --dirty 2>/dev/null"
                       % os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
            "courier-imap": pkg_version("courier-imap") if "courier" in a.servers else None,
            "dovecot-core": (pkg_version("dovecot-core", a.dovecot_root)
                             if "dovecot" in a.servers and a.dovecot_root else None),
            "openssl": sh("openssl version"),
            "python3": platform.python_version(),
        },
        "ref": {
            "fork_exec_per_s": round(fork_exec_rate(secs), 1),
            "aes128gcm_MBps_1core": aes_gcm(1 if a.quick else 3),
            "pagecache_read_MBps": round(page_cache_read(64 if a.quick else 256), 1),
            "loopback_tcp_MBps": loopback_tcp(32 if a.quick else 128),
        },
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
