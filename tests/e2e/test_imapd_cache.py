"""End-to-end: imapd's per-folder cache (hatoimapcache, maildir/README.md "Decisions").

A session that had to read the folder leaves hatoimapcache behind, with the sizes and dates its
FETCH measured; the next session's SELECT and FETCH answer from it, which the test proves by
editing the cache into a different but self-consistent state (another flag, another size): that
state shows exactly while the folder's signature matches, and not after cur/ changed. A folder
changed within the last second gets no cache at all (the same-second rule). SELECT answers
from the cache's summary alone (EXISTS, UNSEEN, UIDNEXT, proved the same way), the first command
that needs the messages loads that same snapshot, and changes made meanwhile by others are then
reported.

imapd refuses root, so as root it runs under setpriv as uid/gid 65534 (files chowned)."""
import os
import re
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import ImapdOnPipe  # noqa: E402  (next to this file)

MASK = (1 << 64) - 1

MSGS = [
    ("1700000000.M1P1Q1.host,S=14:2,S", b"Subject: a\n\nx\n"),
    ("1700000001.M1P1Q2.host,S=15:2,", b"Subject: b\r\n\r\ny"),
    ("1700000002.M1P1Q3.host,S=9:2,RS", b"c\nd\ne\nf\n\n"),
]


def checksum(data):
    """maildir_cache_checksum (maildir/maildir-cache.c), for writing a consistent cache."""
    h = 0x9E3779B97F4A7C15 ^ len(data)
    i = 0
    while i + 8 <= len(data):
        w = int.from_bytes(data[i:i + 8], "little")
        h ^= (w * 0xFF51AFD7ED558CCD) & MASK
        h = (((h << 31) | (h >> 33)) & MASK) * 0xC4CEB9FE1A85EC53 & MASK
        i += 8
    for b in data[i:]:
        h = ((h ^ b) * 0x100000001B3) & MASK
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK
    h ^= h >> 33
    return h


def rewrite(text, count, first_unseen, nextuid, records):
    """A version 2 cache with text's stamps and UIDVALIDITY and the given summary and records
    (bytes lines), both checksums fixed: a different but self-consistent state."""
    magic, head = text.split(b"\n")[:2]
    fields = head.split(b" ")[:15] + [b"%d" % nextuid, b"%d" % count, b"%d" % first_unseen]
    out = magic + b"\n" + b" ".join(fields) + b" "
    out += b"%016x\n" % checksum(out) + b"".join(r + b"\n" for r in records)
    return out + b"end %016x\n" % checksum(out)


def crlf_size(data):
    return len(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


class ImapdCacheTest(ImapdOnPipe):
    FIXTURE = None

    def prepare(self):
        for i, (name, data) in enumerate(MSGS):
            p = self.md / "cur" / name
            p.write_bytes(data)
            os.utime(p, (1600000000 + i, 1600000000 + i))

    def age(self, *rels, ago=10):
        t = time.time() - ago
        for rel in rels:
            os.utime(self.md / rel, (t, t))

    def session(self):
        """SELECT, FETCH the listing items, LOGOUT; the FETCH lines by UID."""
        argv = self.argv()
        script = (b"a SELECT INBOX\r\nb UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)\r\n"
                  b"c LOGOUT\r\n")
        out = subprocess.run(argv, input=script, capture_output=True, timeout=30,
                             env=dict(os.environ, TZ="UTC")).stdout
        self.assertIn(b"\r\nb OK UID FETCH completed.\r\n", out)
        lines = {}
        for m in re.finditer(rb"\* \d+ FETCH \(UID (\d+) (.*)\)\r\n", out):
            lines[int(m.group(1))] = m.group(2).decode()
        return lines

    def cache(self):
        return (self.md / "hatoimapcache").read_bytes()

    def test_second_session_answers_from_cache(self):
        first = self.session()
        self.assertEqual(first[2], 'FLAGS () RFC822.SIZE %d INTERNALDATE "13-Sep-2020 12:26:41 '
                         '+0000"' % crlf_size(MSGS[1][1]))
        # Everything was changed just now (UIDs assigned): nothing may be cached yet.
        self.assertFalse((self.md / "hatoimapcache").exists())

        self.age("new", "cur", "courierimapuiddb")
        self.assertEqual(self.session(), first)
        text = self.cache()
        self.assertTrue(text.startswith(b"hatoimapcache 2\n"))
        body, trailer = text[:-21], text[-21:]
        self.assertEqual(trailer, b"end %016x\n" % checksum(body))
        # The sizes and dates the FETCH measured were saved at LOGOUT.
        for uid, (name, data) in enumerate(MSGS, 1):
            self.assertIn(b"\n%d %d %d %s\n" % (uid, crlf_size(data), 1600000000 + uid - 1,
                                                 name.encode()), body)

        # A different, self-consistent cache: shown only because the signature matches.
        fake = body.replace(b"\n2 %d " % crlf_size(MSGS[1][1]), b"\n2 999 ")
        fake = fake.replace(MSGS[1][0].encode(), MSGS[1][0].encode() + b"F")
        self.assertNotEqual(fake, body)
        (self.md / "hatoimapcache").write_bytes(fake + b"end %016x\n" % checksum(fake))
        self.chown()
        third = self.session()
        self.assertTrue(third[2].startswith("FLAGS (\\Flagged) RFC822.SIZE 999 "), third[2])
        self.assertEqual(third[1], first[1])

        # cur/ changed (its mtime moved): the index is read from the folder again (the real
        # flags). Sizes and dates of messages whose UID and base name did not change are still
        # lent by the stale cache (a base's content never changes), so the fake size stays.
        self.age("cur", ago=5)
        fourth = self.session()
        self.assertEqual(fourth[2], first[2].replace("SIZE %d " % crlf_size(MSGS[1][1]),
                                                     "SIZE 999 "))
        self.assertEqual(fourth[1], first[1])
        self.assertEqual(fourth[3], first[3])

    def test_select_answers_from_summary(self):
        """SELECT reports EXISTS/UNSEEN/UIDNEXT from the summary alone; the first FETCH loads
        the records of that same file."""
        self.session()
        self.age("new", "cur", "courierimapuiddb")
        self.session()
        text = self.cache()
        records = text[:-21].split(b"\n")[2:-1]
        self.assertEqual(len(records), 3)
        # Two messages, the first made unseen, UIDNEXT 7.
        records = [records[0].replace(b":2,S", b":2,"), records[1]]
        (self.md / "hatoimapcache").write_bytes(rewrite(text, 2, 1, 7, records))
        self.chown()
        out = subprocess.run(self.argv(), input=b"a SELECT INBOX\r\nb FETCH 1:* (UID FLAGS)\r\n"
                             b"c LOGOUT\r\n", capture_output=True, timeout=30).stdout
        self.assertIn(b"\r\n* 2 EXISTS\r\n* 0 RECENT\r\n", out)
        self.assertIn(b"\r\n* OK [UNSEEN 1] ", out)
        self.assertIn(b"\r\n* OK [UIDNEXT 7] ", out)
        self.assertIn(b"\r\n* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS ())\r\n"
                      b"b OK FETCH completed.\r\n", out)
        self.assertNotIn(b"* 3 FETCH", out)

        # A summary that contradicts its own records is not believed.
        (self.md / "hatoimapcache").write_bytes(rewrite(text, 2, 2, 7, records))
        self.chown()
        out = subprocess.run(self.argv(), input=b"a SELECT INBOX\r\nb FETCH 1:* (UID FLAGS)\r\n"
                             b"c LOGOUT\r\n", capture_output=True, timeout=30).stdout
        self.assertIn(b"\r\n* OK [UIDNEXT 7] ", out)  # the summary alone looked fine...
        # ...but the records did not match it: the folder itself is read (3 messages, told).
        self.assertIn(b"\r\n* 3 EXISTS\r\n", out)
        self.assertIn(b"* 3 FETCH (UID 3 FLAGS (\\Answered \\Seen))\r\n", out)

        # cur/ changed: the summary is not used (the real folder: 3 messages, UIDNEXT 4).
        (self.md / "hatoimapcache").write_bytes(rewrite(text, 2, 1, 7, records))
        self.chown()
        self.age("cur", ago=5)
        out = subprocess.run(self.argv(), input=b"a SELECT INBOX\r\nc LOGOUT\r\n",
                             capture_output=True, timeout=30).stdout
        self.assertIn(b"\r\n* 3 EXISTS\r\n", out)
        self.assertIn(b"\r\n* OK [UNSEEN 2] ", out)
        self.assertIn(b"\r\n* OK [UIDNEXT 4] ", out)

    def test_changes_while_unloaded(self):
        """A delivery and an expunge by another process after a SELECT from the summary: the
        first command runs on the snapshot the client was told about, then the changes are
        reported (EXISTS/RECENT at once, the EXPUNGE only after a command that allows it)."""
        self.session()
        self.age("new", "cur", "courierimapuiddb")
        self.session()
        self.assertTrue(self.cache().startswith(b"hatoimapcache 2\n"))
        p = subprocess.Popen(self.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)

        def stop():
            p.kill()
            p.wait(timeout=30)
            p.stdin.close()
            p.stdout.close()
        self.addCleanup(stop)

        def command(line, tag):
            p.stdin.write(line + b"\r\n")
            p.stdin.flush()
            out = b""
            while not out.startswith(tag + b" ") and b"\r\n" + tag + b" " not in out:
                chunk = p.stdout.readline()
                self.assertTrue(chunk, out)
                out += chunk
            return out

        p.stdout.readline()  # greeting
        out = command(b"a SELECT INBOX", b"a")
        self.assertIn(b"* 3 EXISTS\r\n", out)
        os.unlink(self.md / "cur" / MSGS[1][0])
        # Delivered as an MDA does (tmp/, then rename), owned by imapd's uid before it shows:
        # imapd moves it to cur/ as soon as it appears.
        tmp = self.md / "tmp" / "1700000003.M1P1Q4.host,S=2"
        tmp.write_bytes(b"z\n")
        self.chown(tmp)
        tmp.rename(self.md / "new" / tmp.name)
        out = command(b"b FETCH 1:* (UID FLAGS)", b"b")
        self.assertEqual(out, b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
                         b"* 2 FETCH (UID 2 FLAGS ())\r\n"
                         b"* 3 FETCH (UID 3 FLAGS (\\Answered \\Seen))\r\n"
                         b"* 4 EXISTS\r\n* 1 RECENT\r\nb OK FETCH completed.\r\n")
        out = command(b"c NOOP", b"c")
        self.assertEqual(out, b"* 2 EXPUNGE\r\nc OK NOOP completed.\r\n")
        out = command(b"d UID FETCH 1:* (UID FLAGS)", b"d")
        self.assertEqual(out, b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
                         b"* 2 FETCH (UID 3 FLAGS (\\Answered \\Seen))\r\n"
                         b"* 3 FETCH (UID 4 FLAGS (\\Recent))\r\n"
                         b"d OK UID FETCH completed.\r\n")
        command(b"e LOGOUT", b"e")
        self.assertEqual(p.wait(timeout=30), 0)

    def test_idle_on_unloaded_box(self):
        """IDLE right after a SELECT from the summary still reports a delivery."""
        self.session()
        self.age("new", "cur", "courierimapuiddb")
        self.session()
        p = subprocess.Popen(self.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        killer = threading.Timer(20, p.kill)  # a missed update ends in EOF, not a hang
        killer.start()

        def stop():
            killer.cancel()
            p.kill()
            p.wait(timeout=30)
            p.stdin.close()
            p.stdout.close()
        self.addCleanup(stop)
        p.stdout.readline()  # greeting
        p.stdin.write(b"a SELECT INBOX\r\nb IDLE\r\n")
        p.stdin.flush()
        out = b""
        while b"+ " not in out:
            line = p.stdout.readline()
            self.assertTrue(line, out)
            out += line
        self.assertIn(b"\r\n* 3 EXISTS\r\n", out)
        # Delivered as an MDA does (tmp/, then rename), owned by imapd's uid before it shows:
        # imapd moves it to cur/ as soon as it appears.
        tmp = self.md / "tmp" / "1700000003.M1P1Q4.host,S=2"
        tmp.write_bytes(b"z\n")
        self.chown(tmp)
        tmp.rename(self.md / "new" / tmp.name)
        self.assertEqual(p.stdout.readline() + p.stdout.readline(),
                         b"* 4 EXISTS\r\n* 1 RECENT\r\n")
        p.stdin.write(b"DONE\r\nc LOGOUT\r\n")
        p.stdin.flush()
        self.assertEqual(p.stdout.readline(), b"b OK IDLE completed.\r\n")

    def test_corrupt_cache_ignored(self):
        self.session()
        self.age("new", "cur", "courierimapuiddb")
        first = self.session()
        text = bytearray(self.cache())
        text[text.index(b"RS\n")] = ord("F")  # flag R -> F without fixing the checksum
        (self.md / "hatoimapcache").write_bytes(bytes(text))
        self.chown()
        self.assertEqual(self.session(), first)
        self.assertTrue(first[3].startswith("FLAGS (\\Answered \\Seen) "), first[3])


if __name__ == "__main__":
    unittest.main()
