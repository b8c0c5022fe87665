#!/usr/bin/env python3
"""Load driver for bench/: measures IMAP and POP3 servers side by side (Python stdlib only).

    loadgen.py run --server NAME,imap=PORT,pop3=PORT,pidfile=FILE [--server ...]
                   --user U --password P [--rounds R] [--duration S] [--fetch-count N]
                   [--cold-cmd CMD] [--rss-sessions N] --json OUT
    loadgen.py trivial-server --port PORT     # a do-nothing IMAP server: the driver's ceiling
    loadgen.py ceiling [--duration S]         # runs the driver against the trivial server

Rounds are interleaved: every round runs each metric on every server in turn (A B C A B C ...),
so slow drift of the machine (other users, page cache) spreads over all servers alike. The
result of a metric is the median over the rounds. A metric a server cannot do is recorded as
"n/a (reason)" with the server's own answer. Benchmarks, not tests: nothing here asserts timing.
"""
import argparse
import base64
import hashlib
import hmac
import json
import multiprocessing
import os
import re
import socket
import socketserver
import statistics
import subprocess
import sys
import time

HOST = "127.0.0.1"
LITERAL_RE = re.compile(rb"\{(\d+)\+?\}\r\n$")


class NotSupported(Exception):
    """The server answered NO/BAD to a command the metric needs."""


class Conn:
    """A buffered line/literal reader over one TCP connection (no per-line memmove)."""

    def __init__(self, port, timeout=120):
        self.s = socket.create_connection((HOST, port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.pos = 0

    def fill(self):
        d = self.s.recv(1 << 18)
        if not d:
            raise EOFError("server closed the connection")
        if self.pos:
            self.buf = self.buf[self.pos:] + d
            self.pos = 0
        else:
            self.buf += d

    def readline(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = self.buf[self.pos:i + 2]
                self.pos = i + 2
                return line
            self.fill()

    def skip(self, n):
        """Consumes n bytes without keeping them."""
        have = len(self.buf) - self.pos
        if have >= n:
            self.pos += n
            return
        n -= have
        self.buf, self.pos = b"", 0
        while n > 0:
            d = self.s.recv(min(n, 1 << 20))
            if not d:
                raise EOFError("server closed the connection inside a literal")
            n -= len(d)

    def read_until(self, marker, start_back=0):
        """Consumes up to and including marker; returns the number of bytes consumed."""
        total = 0
        while True:
            i = self.buf.find(marker, max(self.pos - start_back, 0) if total == 0 else self.pos)
            if i >= 0:
                end = i + len(marker)
                total += end - self.pos
                self.pos = end
                return total
            keep = len(marker) - 1
            total += max(len(self.buf) - self.pos - keep, 0)
            self.buf = self.buf[max(len(self.buf) - keep, self.pos):]
            self.pos = 0
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError("server closed the connection")
            self.buf += d

    def send(self, data):
        self.s.sendall(data)

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


class Imap(Conn):
    def __init__(self, port, timeout=120):
        super().__init__(port, timeout)
        self.n = 0
        self.greeting = self.readline()
        if not self.greeting.startswith(b"* OK"):
            raise RuntimeError("IMAP greeting: %r" % self.greeting)

    def response(self, tag):
        """Reads to the tagged line: (tagged line, untagged line count, literal bytes)."""
        lines = lit = 0
        while True:
            line = self.readline()
            m = LITERAL_RE.search(line)
            if m:
                size = int(m.group(1))
                self.skip(size)
                lit += size
                continue
            if line.startswith(tag + b" "):
                return line, lines, lit
            lines += 1

    def cmd(self, text, need_ok=True):
        self.n += 1
        tag = b"b%d" % self.n
        self.send(tag + b" " + text.encode() + b"\r\n")
        tagged, lines, lit = self.response(tag)
        status = tagged.split(b" ", 2)[1] if b" " in tagged else b""
        if need_ok and status != b"OK":
            words = text.split(" ")
            verb = " ".join(words[:2]) if words[0] == "UID" else words[0]
            raise NotSupported("%s -> %s" % (verb, tagged.decode(errors="replace").strip()))
        return tagged, lines, lit

    def login(self, user, password, mech):
        if mech == "CRAM-MD5":
            self.n += 1
            tag = b"b%d" % self.n
            self.send(tag + b" AUTHENTICATE CRAM-MD5\r\n")
            line = self.readline()
            if not line.startswith(b"+ "):
                raise NotSupported("AUTHENTICATE CRAM-MD5 -> %r" % line)
            chal = base64.b64decode(line[2:].strip())
            digest = hmac.new(password.encode(), chal, hashlib.md5).hexdigest()
            self.send(base64.b64encode(("%s %s" % (user, digest)).encode()) + b"\r\n")
            tagged, _, _ = self.response(tag)
            if tagged.split(b" ", 2)[1] != b"OK":
                raise NotSupported("AUTHENTICATE CRAM-MD5 -> %r" % tagged)
        else:
            self.cmd('LOGIN "%s" "%s"' % (user, password))

    def logout(self):
        try:
            self.cmd("LOGOUT", need_ok=False)
        except (EOFError, OSError):
            pass
        self.close()


class Pop3(Conn):
    def __init__(self, port, timeout=120):
        super().__init__(port, timeout)
        self.greeting = self.readline()
        if not self.greeting.startswith(b"+OK"):
            raise RuntimeError("POP3 greeting: %r" % self.greeting)

    def cmd(self, text):
        self.send(text.encode() + b"\r\n")
        line = self.readline()
        if not line.startswith(b"+OK"):
            raise NotSupported("%s -> %s" % (text.split(" ")[0], line.decode(errors="replace")))
        return line

    def multi(self, text):
        """A multi-line command: returns the bytes of the body (terminator included)."""
        self.cmd(text)
        return self.read_until(b"\r\n.\r\n", start_back=2)

    def login(self, user, password):
        self.cmd("USER " + user)
        self.cmd("PASS " + password)


# ------------------------------------------------------------------------------------------
# process accounting: RSS summed over the server's process tree


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def mem_kb(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def root_pid(server):
    with open(server["pidfile"]) as f:
        return int(f.read().split()[0])


# ------------------------------------------------------------------------------------------
# metrics: each returns a number, or raises NotSupported


def conn_cycle(server, args):
    c = Imap(server["imap"])
    try:
        c.login(args.user, args.password, server["mech"])
        c.cmd("SELECT INBOX")
    finally:
        c.logout()


def conn_worker(server, args, start_at, end_at, q):
    n = err = 0
    last = ""
    start_at, end_at = wait_start(start_at, end_at)
    while time.time() < end_at:
        try:
            conn_cycle(server, args)
            n += 1
        except Exception as e:  # noqa: BLE001 -- counted and reported, the run goes on
            err += 1
            last = str(e)[:200]
    q.put((n, err, last))


def wait_start(ready, go):
    """Tells the parent this worker exists, then waits for the common start time: forking 16
    workers can take seconds on a loaded machine and must not eat into the sample."""
    ready.put(1)
    go.wait()
    return go.start, go.start + go.duration


class Go:
    def __init__(self, duration):
        self.event = multiprocessing.Event()
        self.value = multiprocessing.Value("d", 0.0)
        self.duration = duration

    def wait(self):
        self.event.wait()

    @property
    def start(self):
        return self.value.value


def run_parallel(target, server, args, conc, duration):
    q = multiprocessing.Queue()
    ready = multiprocessing.Queue()
    go = Go(duration)
    procs = [multiprocessing.Process(target=target, args=(server, args, ready, go, q))
             for _ in range(conc)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    go.value.value = time.time() + 0.05
    go.event.set()
    res = [q.get() for _ in procs]
    for p in procs:
        p.join()
    n = sum(r[0] for r in res)
    err = sum(r[1] for r in res)
    if n == 0:
        raise NotSupported("no cycle completed: " + next((r[2] for r in res if r[2]), "?"))
    return n / duration, err


def m_conn_rate(conc):
    def f(server, args):
        # One untimed cycle first: Hato and Courier share courierimapuiddb, so whichever runs
        # first after a reset would otherwise pay for building it for the other.
        conn_cycle(server, args)
        rate, err = run_parallel(conn_worker, server, args, conc, args.duration)
        return rate, ({"errors": err} if err else None)
    return f


def session(server, args, select=True):
    c = Imap(server["imap"])
    c.login(args.user, args.password, server["mech"])
    if select:
        _, lines, _ = c.cmd("SELECT INBOX")
    return c


def timed(c, text):
    t0 = time.perf_counter()
    tagged, lines, lit = c.cmd(text)
    return time.perf_counter() - t0, lines, lit


def m_select_cold(server, args):
    if args.cold_cmd:
        subprocess.run(args.cold_cmd, shell=True, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    c = session(server, args, select=False)
    try:
        dt, _, _ = timed(c, "SELECT INBOX")
    finally:
        c.logout()
    return dt * 1000, None


def m_select_warm(server, args):
    samples = []
    for _ in range(3):
        c = session(server, args, select=False)
        try:
            samples.append(timed(c, "SELECT INBOX")[0])
        finally:
            c.logout()
    return statistics.median(samples) * 1000, None


def select_exists(c):
    c.n += 1
    tag = b"b%d" % c.n
    c.send(tag + b" SELECT INBOX\r\n")
    exists = 0
    while True:
        line = c.readline()
        m = re.match(rb"\* (\d+) EXISTS", line)
        if m:
            exists = int(m.group(1))
        if line.startswith(tag + b" "):
            if b" OK" not in line[:len(tag) + 4]:
                raise NotSupported("SELECT -> %r" % line)
            return exists


def m_uid_fetch_all(server, args):
    c = session(server, args, select=False)
    try:
        select_exists(c)
        dt, lines, _ = timed(c, "UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)")
    finally:
        c.logout()
    return dt * 1000, {"lines": lines}


def newest(c, count):
    exists = select_exists(c)
    if exists == 0:
        raise NotSupported("empty INBOX")
    return "%d:%d" % (max(1, exists - count + 1), exists)


def m_envelope(server, args):
    c = session(server, args, select=False)
    try:
        rng = newest(c, 1000)
        dt, lines, lit = timed(c, "FETCH %s (ENVELOPE BODYSTRUCTURE)" % rng)
    finally:
        c.logout()
    return dt * 1000, {"range": rng}


def m_body_peek(server, args):
    c = session(server, args, select=False)
    try:
        rng = newest(c, args.fetch_count)
        dt, lines, lit = timed(c, "FETCH %s BODY.PEEK[]" % rng)
    finally:
        c.logout()
    return lit / dt / 1e6, {"bytes": lit, "range": rng}


def m_search(server, args):
    c = session(server, args)
    try:
        dt, lines, _ = timed(c, 'UID SEARCH SUBJECT "meeting"')
    finally:
        c.logout()
    return dt * 1000, None


def pop3_worker(server, args, start_at, end_at, q):
    n = err = 0
    last = ""
    start_at, end_at = wait_start(start_at, end_at)
    while time.time() < end_at:
        try:
            p = Pop3(server["pop3"])
            p.login(args.user, args.password)
            p.cmd("STAT")
            p.multi("UIDL")
            p.cmd("QUIT")
            p.close()
            n += 1
        except Exception as e:  # noqa: BLE001
            err += 1
            last = str(e)[:200]
    q.put((n, err, last))


def m_pop3_rate(server, args):
    if not server.get("pop3"):
        raise NotSupported("no POP3 port")
    # An untimed session first (courierpop3dsizelist is shared by Hato and Courier, see above).
    p = Pop3(server["pop3"])
    p.login(args.user, args.password)
    p.cmd("STAT")
    p.cmd("QUIT")
    p.close()
    rate, err = run_parallel(pop3_worker, server, args, 1, args.duration)
    return rate, ({"errors": err} if err else None)


def m_pop3_retr(server, args):
    if not server.get("pop3"):
        raise NotSupported("no POP3 port")
    p = Pop3(server["pop3"])
    try:
        p.login(args.user, args.password)
        count = int(p.cmd("STAT").split()[1])
        first = max(1, count - args.fetch_count + 1)
        t0 = time.perf_counter()
        total = 0
        for i in range(first, count + 1):
            total += p.multi("RETR %d" % i)
        dt = time.perf_counter() - t0
        p.cmd("QUIT")
    finally:
        p.close()
    return total / dt / 1e6, {"bytes": total}


def mixed_worker(server, args, ready, go, q):
    """One of the mixed-load clients: a held session doing a fixed, seeded mix of reads."""
    import random
    rnd = random.Random(os.getpid())
    n = err = 0
    last = ""
    lat = []
    try:
        c = session(server, args, select=False)
        exists = select_exists(c)
    except Exception as e:  # noqa: BLE001
        ready.put(1)
        q.put((0, 1, str(e)[:200], []))
        return
    start_at, end_at = wait_start(ready, go)
    while time.time() < end_at:
        k = rnd.randrange(10)
        i = rnd.randint(1, max(exists, 1))
        if k < 4:
            text = "FETCH %d (FLAGS UID)" % i
        elif k < 6:
            text = "FETCH %d BODY.PEEK[]" % i
        elif k < 8:
            text = "FETCH %d:%d (ENVELOPE)" % (max(1, exists - 49), exists)
        else:
            text = "NOOP"
        try:
            t0 = time.perf_counter()
            c.cmd(text)
            lat.append(time.perf_counter() - t0)
            n += 1
        except Exception as e:  # noqa: BLE001
            err += 1
            last = str(e)[:200]
            if isinstance(e, (EOFError, OSError)):
                break
    c.logout()
    q.put((n, err, last, lat))


def m_mixed(server, args):
    q = multiprocessing.Queue()
    ready = multiprocessing.Queue()
    go = Go(args.duration)
    procs = [multiprocessing.Process(target=mixed_worker, args=(server, args, ready, go, q))
             for _ in range(args.mixed_clients)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    go.value.value = time.time() + 0.05
    go.event.set()
    res = [q.get() for _ in procs]
    for p in procs:
        p.join()
    n = sum(r[0] for r in res)
    if n == 0:
        raise NotSupported("no command completed: " + next((r[2] for r in res if r[2]), "?"))
    lat = sorted(x for r in res for x in r[3])
    note = {"errors": sum(r[1] for r in res),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 1),
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1)}
    return n / args.duration, note


def rss_delta(server, args, select):
    root = root_pid(server)
    time.sleep(0.2)
    base = mem_kb(tree(root))
    conns = []
    try:
        for _ in range(args.rss_sessions):
            if select:
                conns.append(session(server, args))
            else:
                conns.append(Imap(server["imap"]))
        time.sleep(0.5)
        now = mem_kb(tree(root))
    finally:
        for c in conns:
            c.logout() if select else c.close()
    n = args.rss_sessions
    return (now[0] - base[0]) / n, {"pss_kb": round((now[1] - base[1]) / n, 1)}


def m_rss_selected(server, args):
    return rss_delta(server, args, True)


def m_rss_preauth(server, args):
    return rss_delta(server, args, False)


# name, label, unit, better, function; the order is the order of the tables
METRICS = [
    ("conn_rate_1", "connect+CRAM-MD5+SELECT+LOGOUT, 1 client", "conn/s", "higher",
     m_conn_rate(1)),
    ("conn_rate_16", "connect+CRAM-MD5+SELECT+LOGOUT, 16 clients", "conn/s", "higher",
     m_conn_rate(16)),
    ("select_cold", "SELECT INBOX, cold (server indexes deleted)", "ms", "lower", m_select_cold),
    ("select_warm", "SELECT INBOX, warm", "ms", "lower", m_select_warm),
    ("uid_fetch_all", "UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)", "ms", "lower",
     m_uid_fetch_all),
    ("envelope_1000", "FETCH newest 1000 (ENVELOPE BODYSTRUCTURE)", "ms", "lower", m_envelope),
    ("body_peek", "FETCH newest N BODY.PEEK[]", "MB/s", "higher", m_body_peek),
    ("search_subject", 'UID SEARCH SUBJECT "meeting"', "ms", "lower", m_search),
    ("pop3_rate", "POP3 USER/PASS+STAT+UIDL+QUIT, 1 client", "sess/s", "higher", m_pop3_rate),
    ("pop3_retr", "POP3 RETR newest N", "MB/s", "higher", m_pop3_retr),
    ("mixed_64", "mixed read load, 64 held sessions (FETCH FLAGS/BODY/ENVELOPE, NOOP)",
     "cmd/s", "higher", m_mixed),
    ("rss_selected", "RSS per idle selected session (process-tree delta)", "KB", "lower",
     m_rss_selected),
    ("rss_preauth", "RSS per idle pre-auth connection (process-tree delta)", "KB", "lower",
     m_rss_preauth),
]


def parse_server(text):
    parts = text.split(",")
    s = {"name": parts[0], "mech": "CRAM-MD5"}
    for p in parts[1:]:
        k, v = p.split("=", 1)
        s[k] = int(v) if k in ("imap", "pop3") else v
    return s


def cmd_run(args):
    servers = [parse_server(s) for s in args.server]
    only = set(args.metrics.split(",")) if args.metrics else None
    metrics = [m for m in METRICS if only is None or m[0] in only]
    # Pick the login mechanism from the pre-auth capabilities (CRAM-MD5 wanted).
    for s in servers:
        c = Imap(s["imap"])
        caps = c.greeting
        if b"CAPABILITY" not in caps:
            c.n += 1
            c.send(b"b0 CAPABILITY\r\n")
            caps = c.readline()
            c.response(b"b0")
        c.close()
        if b"AUTH=CRAM-MD5" not in caps:
            s["mech"] = "LOGIN"
    samples = {m[0]: {s["name"]: [] for s in servers} for m in metrics}
    notes = {m[0]: {s["name"]: None for s in servers} for m in metrics}
    skip = {m[0]: {} for m in metrics}
    for r in range(args.rounds):
        for name, label, unit, better, fn in metrics:
            for s in servers:
                if s["name"] in skip[name]:
                    continue
                try:
                    v, note = fn(s, args)
                    samples[name][s["name"]].append(v)
                    if note:
                        notes[name][s["name"]] = note
                    print("round %d %-15s %-8s %10.2f %s" % (r + 1, name, s["name"], v, unit),
                          file=sys.stderr, flush=True)
                except NotSupported as e:
                    skip[name][s["name"]] = str(e)
                    print("round %d %-15s %-8s n/a (%s)" % (r + 1, name, s["name"], e),
                          file=sys.stderr, flush=True)
                except Exception as e:  # noqa: BLE001 -- one failing metric must not stop the run
                    skip[name][s["name"]] = "error: %s" % e
                    print("round %d %-15s %-8s error %s" % (r + 1, name, s["name"], e),
                          file=sys.stderr, flush=True)
    out = {"servers": [{k: v for k, v in s.items() if k != "pidfile"} for s in servers],
           "rounds": args.rounds, "duration_s": args.duration, "fetch_count": args.fetch_count,
           "rss_sessions": args.rss_sessions, "mixed_clients": args.mixed_clients,
           "metrics": []}
    for name, label, unit, better, fn in metrics:
        row = {"name": name, "label": label, "unit": unit, "better": better, "values": {}}
        for s in servers:
            n = s["name"]
            if n in skip[name] and not samples[name][n]:
                row["values"][n] = {"na": skip[name][n]}
            elif samples[name][n]:
                row["values"][n] = {"median": statistics.median(samples[name][n]),
                                    "samples": samples[name][n]}
                if notes[name][n]:
                    row["values"][n]["note"] = notes[name][n]
                if n in skip[name]:
                    row["values"][n]["later_failure"] = skip[name][n]
        out["metrics"].append(row)
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)


# ------------------------------------------------------------------------------------------
# the driver's own ceiling: a server that does nothing


class TrivialHandler(socketserver.StreamRequestHandler):
    BODY = b"x" * 65534 + b"\r\n"

    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        w = self.wfile
        w.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] trivial\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            parts = line.split(b" ", 3)
            tag, cmd = parts[0], parts[1].strip().upper() if len(parts) > 1 else b""
            if cmd == b"AUTHENTICATE":
                w.write(b"+ PDEyMzQ1QHRyaXZpYWw+\r\n")
                self.rfile.readline()
                w.write(tag + b" OK done\r\n")
            elif cmd in (b"SELECT", b"EXAMINE"):
                w.write(b"* 1000 EXISTS\r\n" + tag + b" OK [READ-WRITE] done\r\n")
            elif cmd == b"FETCH":
                w.write(FETCH_REPLY + tag + b" OK done\r\n")
            elif cmd == b"LOGOUT":
                w.write(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                return
            else:
                w.write(tag + b" OK done\r\n")


FETCH_REPLY = b"".join(b"* %d FETCH (BODY[] {%d}\r\n" % (i + 1, len(TrivialHandler.BODY))
                      + TrivialHandler.BODY + b")\r\n" for i in range(1000))


class TrivialServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024


def cmd_trivial_server(args):
    TrivialServer((HOST, args.port), TrivialHandler).serve_forever()


def cmd_ceiling(args):
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    # The trivial server runs in its own process: it must not share the driver's interpreter.
    srv = multiprocessing.Process(target=cmd_trivial_server, args=(argparse.Namespace(port=port),),
                                  daemon=True)
    srv.start()
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                break
        time.sleep(0.05)
    server = {"name": "trivial", "imap": port, "mech": "CRAM-MD5"}
    args.user, args.password = "u", "p"
    res = {}
    for conc in (1, 16):
        res["conn_rate_%d" % conc] = round(run_parallel(conn_worker, server, args, conc,
                                                        args.duration)[0], 1)
    args.fetch_count = 1000
    res["body_peek_MBps"] = round(m_body_peek(server, args)[0], 1)
    srv.terminate()
    srv.join()
    json.dump(res, sys.stdout)
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--server", action="append", required=True)
    r.add_argument("--user", default="testuser")
    r.add_argument("--password", default="password")
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--duration", type=float, default=3.0, help="seconds per rate sample")
    r.add_argument("--fetch-count", type=int, default=1000,
                   help="messages for BODY.PEEK[] and RETR")
    r.add_argument("--rss-sessions", type=int, default=8)
    r.add_argument("--mixed-clients", type=int, default=64)
    r.add_argument("--cold-cmd", help="shell command that deletes every server's indexes")
    r.add_argument("--metrics", help="comma-separated subset of metric names")
    r.add_argument("--json", required=True)
    t = sub.add_parser("trivial-server")
    t.add_argument("--port", type=int, required=True)
    c = sub.add_parser("ceiling")
    c.add_argument("--duration", type=float, default=2.0)
    args = ap.parse_args()
    {"run": cmd_run, "trivial-server": cmd_trivial_server, "ceiling": cmd_ceiling}[args.cmd](args)


if __name__ == "__main__":
    main()
