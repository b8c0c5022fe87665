#!/usr/bin/env python3
"""Orchestrator of bench/: runs the metrics on every server in interleaved rounds.

    loadgen.py run --loadgen BUILD/bench/loadgen
                   --server NAME,imap=PORT,imaps=PORT,pop3=PORT,pidfile=FILE [--server ...]
                   --user U --password P [--rounds R] [--duration S] [--fetch-count N]
                   [--cold-cmd CMD] [--rss-sessions N] [--mixed-ops N] --json OUT

Every timed IMAP exchange goes through the compiled driver bench/loadgen (bench/loadgen.c:
processes, plain and TLS; its own ceiling against a trivial server is `loadgen ceiling`). What
stays here is what is not driver-bound: the rounds, the POP3 rows, the memory rows (held
sessions and /proc), and the JSON.

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
import os
import re
import socket
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


def lg(args, *argv):
    """Runs the compiled driver, returns its JSON object."""
    p = subprocess.run([args.loadgen] + [str(a) for a in argv], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=1800)
    try:
        out = json.loads(p.stdout.decode(errors="replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError("loadgen %s: exit %d, %s" % (argv[0], p.returncode,
                                                         p.stderr.decode(errors="replace")[:200]))
    return out


def login_argv(server, args, tls=False):
    if tls:
        if not server.get("imaps"):
            raise NotSupported("no IMAPS port")
        return ["-p", server["imaps"], "-t", "-m", "LOGIN", "-u", args.user, "-w", args.password]
    return ["-p", server["imap"], "-m", server["mech"], "-u", args.user, "-w", args.password]


def lg_cmd(server, args, commands, select=True, newest=None, tls=False):
    """One session, each command timed alone; returns the list of per-command results."""
    argv = ["cmd"] + login_argv(server, args, tls)
    if select:
        argv.append("-s")
    if newest:
        argv += ["-k", newest]
    for c in commands:
        argv += ["-x", c]
    out = lg(args, *argv)
    if "error" in out:
        raise NotSupported(out["error"])
    res = out["results"]
    for r in res:
        if "error" in r:
            raise RuntimeError(r["error"])
        if not r["ok"]:
            words = r["tagged"].split(" ")
            raise NotSupported("-> " + " ".join(words[1:])[:160])
    return res, out["exists"]


def m_conn_rate(conc, tls=False):
    def f(server, args):
        # One untimed cycle first: Hato and Courier share courierimapuiddb, so whichever runs
        # first after a reset would otherwise pay for building it for the other.
        lg_cmd(server, args, ["NOOP"], tls=tls)
        out = lg(args, "conn", *login_argv(server, args, tls), "-c", conc, "-d", args.duration)
        if out["n"] == 0:
            raise NotSupported("no cycle completed: " + out["last_error"])
        note = {"errors": out["errors"], "last_error": out["last_error"]} if out["errors"] else None
        return out["rate"], note
    return f


def m_select_cold(server, args):
    if args.cold_cmd:
        subprocess.run(args.cold_cmd, shell=True, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    res, _ = lg_cmd(server, args, ["SELECT INBOX"], select=False)
    return res[0]["ms"], None


def m_select_warm(server, args):
    # Warm: the indexes are current and the folder has been quiet. One unmeasured session
    # after the cold row, then a pause, for every server alike: Hato trusts its folder snapshot
    # only once the folder has not changed for a second (maildir/README.md), and a client's
    # next SELECT normally comes much later than that.
    lg_cmd(server, args, ["SELECT INBOX"], select=False)
    time.sleep(1.5)
    samples = [lg_cmd(server, args, ["SELECT INBOX"], select=False)[0][0]["ms"]
               for _ in range(3)]
    return statistics.median(samples), None


UID_FETCH = "UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)"


def m_uid_fetch_all(server, args):
    # Warm: the first listing after the indexes were rebuilt (Hato and Dovecot measure sizes and
    # dates then and keep them) is untimed here and reported as first_ms; the row is the
    # second, in a new session, which is what a client reconnecting sees.
    first, _ = lg_cmd(server, args, [UID_FETCH])
    res, _ = lg_cmd(server, args, [UID_FETCH])
    return res[0]["ms"], {"lines": res[0]["lines"], "first_ms": round(first[0]["ms"], 1)}


ENVELOPE = "FETCH {range} (ENVELOPE BODYSTRUCTURE)"


def m_envelope_cold(server, args):
    # Cold: every server's index and cache files deleted, a SELECT (untimed) rebuilds the
    # index, then the first ENVELOPE+BODYSTRUCTURE fetch (Dovecot fills its cache here).
    if args.cold_cmd:
        subprocess.run(args.cold_cmd, shell=True, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    res, exists = lg_cmd(server, args, [ENVELOPE], newest=1000)
    return res[0]["ms"], {"exists": exists}


def m_envelope_warm(server, args):
    lg_cmd(server, args, [ENVELOPE], newest=1000)         # untimed: fills any cache
    res, exists = lg_cmd(server, args, [ENVELOPE], newest=1000)
    return res[0]["ms"], {"exists": exists}


def m_body_peek(tls):
    def f(server, args):
        res, _ = lg_cmd(server, args, ["FETCH {range} BODY.PEEK[]"], newest=args.fetch_count,
                        tls=tls)
        r = res[0]
        return r["literal_bytes"] / (r["ms"] / 1000) / 1e6, {"bytes": r["literal_bytes"]}
    return f


SEARCH_SUBJECT = 'UID SEARCH SUBJECT "meeting"'
SEARCH_BODY = 'UID SEARCH BODY "postmortem"'


def m_search(text):
    def f(server, args):
        res, _ = lg_cmd(server, args, [text])
        return res[0]["ms"], {"count": res[0]["search_count"]}
    return f


def m_ext(text):
    """SORT/THREAD: measured where the server has them; Hato's answer otherwise."""
    def f(server, args):
        res, _ = lg_cmd(server, args, [text])
        return res[0]["ms"], None
    return f


def pop3_cycle(server, args):
    p = Pop3(server["pop3"])
    try:
        p.login(args.user, args.password)
        p.cmd("STAT")
        p.multi("UIDL")
        p.cmd("QUIT")
    finally:
        p.close()


def m_pop3_rate(server, args):
    """One client (Python: a POP3 session costs the servers far more than this loop)."""
    if not server.get("pop3"):
        raise NotSupported("no POP3 port")
    # An untimed session first (courierpop3dsizelist is shared by Hato and Courier, see above).
    pop3_cycle(server, args)
    n = err = 0
    last = ""
    end = time.time() + args.duration
    while time.time() < end:
        try:
            pop3_cycle(server, args)
            n += 1
        except Exception as e:  # noqa: BLE001 -- counted and reported, the run goes on
            err += 1
            last = str(e)[:200]
    if n == 0:
        raise NotSupported("no cycle completed: " + last)
    return n / args.duration, ({"errors": err, "last_error": last} if err else None)


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


def m_mixed(server, args):
    args.mixed_run = getattr(args, "mixed_run", 0) + 1
    out = lg(args, "mixed", *login_argv(server, args), "-c", args.mixed_clients,
             "-o", args.mixed_ops, "-r", "%d-%d" % (os.getpid(), args.mixed_run))
    if "error" in out:
        raise NotSupported(out["error"])
    if out["ops"] == 0:
        raise NotSupported("no operation completed: " + out["last_error"])
    note = {k: out[k] for k in ("errors", "p50_ms", "p99_ms", "seconds", "ops", "mix",
                                "exists_before", "appended", "expunged", "uncertain",
                                "exists_after", "exists_expected", "lost", "duplicated",
                                "resurrected", "uid_not_ascending", "appenduid_mismatch", "verified",
                                "first_error", "last_error")}
    return out["rate"], note


def session(server, args, select=True):
    c = Imap(server["imap"])
    c.login(args.user, args.password, server["mech"])
    if select:
        c.cmd("SELECT INBOX")
    return c


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
    ("conn_tls_1", "IMAPS connect+TLS handshake+LOGIN+SELECT+LOGOUT, 1 client", "conn/s",
     "higher", m_conn_rate(1, tls=True)),
    ("conn_tls_16", "IMAPS connect+TLS handshake+LOGIN+SELECT+LOGOUT, 16 clients", "conn/s",
     "higher", m_conn_rate(16, tls=True)),
    ("select_cold", "SELECT INBOX, cold (server indexes deleted)", "ms", "lower", m_select_cold),
    ("select_warm", "SELECT INBOX, warm", "ms", "lower", m_select_warm),
    ("uid_fetch_all", "UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE), warm", "ms", "lower",
     m_uid_fetch_all),
    ("envelope_cold", "FETCH newest 1000 (ENVELOPE BODYSTRUCTURE), cold (indexes deleted)",
     "ms", "lower", m_envelope_cold),
    ("envelope_1000", "FETCH newest 1000 (ENVELOPE BODYSTRUCTURE), warm", "ms", "lower",
     m_envelope_warm),
    ("body_peek", "FETCH newest N BODY.PEEK[]", "MB/s", "higher", m_body_peek(False)),
    ("body_peek_tls", "FETCH newest N BODY.PEEK[] over IMAPS", "MB/s", "higher",
     m_body_peek(True)),
    ("search_subject", SEARCH_SUBJECT + " (header)", "ms", "lower", m_search(SEARCH_SUBJECT)),
    ("search_body", SEARCH_BODY + " (body text)", "ms", "lower", m_search(SEARCH_BODY)),
    ("sort_date", "UID SORT (REVERSE DATE) UTF-8 ALL", "ms", "lower",
     m_ext("UID SORT (REVERSE DATE) UTF-8 ALL")),
    ("thread_refs", "UID THREAD REFERENCES UTF-8 ALL", "ms", "lower",
     m_ext("UID THREAD REFERENCES UTF-8 ALL")),
    ("pop3_rate", "POP3 USER/PASS+STAT+UIDL+QUIT, 1 client", "sess/s", "higher", m_pop3_rate),
    ("pop3_retr", "POP3 RETR newest N", "MB/s", "higher", m_pop3_retr),
    ("mixed_64", "mixed load: held sessions, fixed op count (FETCH, STORE, APPEND, EXPUNGE, IDLE)",
     "ops/s", "higher", m_mixed),
    ("rss_selected", "RSS per idle selected session (process-tree delta)", "KB", "lower",
     m_rss_selected),
    ("rss_preauth", "RSS per idle pre-auth connection (process-tree delta)", "KB", "lower",
     m_rss_preauth),
]


# Rows a server may answer with NO/BAD without the harness being broken (not implemented).
OPTIONAL = {"sort_date", "thread_refs"}


def parse_server(text):
    parts = text.split(",")
    s = {"name": parts[0], "mech": "CRAM-MD5"}
    for p in parts[1:]:
        k, v = p.split("=", 1)
        s[k] = int(v) if k in ("imap", "imaps", "pop3") else v
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
    errored = []
    notes = {m[0]: {s["name"]: None for s in servers} for m in metrics}
    skip = {m[0]: {} for m in metrics}
    all_notes = {m[0]: {} for m in metrics}   # every round's note (the table shows the last)
    for r in range(args.rounds):
        for name, label, unit, better, fn in metrics:
            for s in servers:
                if s["name"] in skip[name]:
                    continue
                try:
                    v, note = fn(s, args)
                    if name == "mixed_64" and (note["lost"] or note["duplicated"] or
                                               note["resurrected"] or not note["verified"]):
                        errored.append("%s %s: lost %s, duplicated %s, resurrected %s, "
                                       "APPENDUID not the message's UID %s; %s" % (
                                           name, s["name"], note["lost"], note["duplicated"],
                                           note["resurrected"], note["appenduid_mismatch"],
                                           note["last_error"]))
                    samples[name][s["name"]].append(v)
                    if note:
                        notes[name][s["name"]] = note
                        all_notes[name].setdefault(s["name"], []).append(note)
                    print("round %d %-15s %-8s %10.2f %s" % (r + 1, name, s["name"], v, unit),
                          file=sys.stderr, flush=True)
                except NotSupported as e:
                    skip[name][s["name"]] = str(e)
                    if name not in OPTIONAL:
                        errored.append("%s %s: %s" % (name, s["name"], e))
                    print("round %d %-15s %-8s n/a (%s)" % (r + 1, name, s["name"], e),
                          file=sys.stderr, flush=True)
                except Exception as e:  # noqa: BLE001 -- one failing metric must not stop the run
                    skip[name][s["name"]] = "error: %s" % e
                    errored.append("%s %s: %s" % (name, s["name"], e))
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
                    row["values"][n]["notes"] = all_notes[name].get(n, [])
                if n in skip[name]:
                    row["values"][n]["later_failure"] = skip[name][n]
        out["metrics"].append(row)
    out["harness_errors"] = errored
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
    # One line per metric and server on stdout (the smoke run's output; CI can count them).
    for row in out["metrics"]:
        for n, v in row["values"].items():
            if "median" in v:
                text = "%.2f %s" % (v["median"], row["unit"])
            else:
                text = "n/a (%s)" % v["na"][:100]
            print("metric %-15s %-8s %s" % (row["name"], n, text), flush=True)
    for e in errored:
        print("ERROR %s" % e, flush=True)
    return 1 if errored else 0


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
    r.add_argument("--mixed-ops", type=int, default=20, help="operations per mixed-load client")
    r.add_argument("--loadgen", required=True, help="the compiled driver (BUILD/bench/loadgen)")
    r.add_argument("--json", required=True)
    args = ap.parse_args()
    sys.exit({"run": cmd_run}[args.cmd](args))


if __name__ == "__main__":
    main()
