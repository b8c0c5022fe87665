"""End-to-end: imapd's per-folder cache (hatoimapcache, maildir/README.md "Decisions").

A session that had to read the folder leaves hatoimapcache behind, with the sizes and dates its
FETCH measured; the next session's SELECT and FETCH answer from it, which the test proves by
editing the cache into a different but self-consistent state (another flag, another size): that
state shows exactly while the folder's signature matches, and not after cur/ changed. A folder
changed within the last second gets no cache at all (the same-second rule).

imapd refuses root, so as root it runs under setpriv as uid/gid 65534 (files chowned)."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import unittest

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain")).resolve()
IMAPD = BUILD / "imapd" / "imapd"
NOBODY = 65534
IS_ROOT = os.geteuid() == 0
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


def crlf_size(data):
    return len(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


class ImapdCacheTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(IMAPD.exists(), f"{IMAPD} not built (set HATO_BUILD)")
        if IS_ROOT:
            self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is needed as root")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="hato-imapd-cache-"))
        os.chmod(self.tmp, 0o755)
        self.md = self.tmp / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (self.md / sub).mkdir(parents=True)
        for i, (name, data) in enumerate(MSGS):
            p = self.md / "cur" / name
            p.write_bytes(data)
            os.utime(p, (1600000000 + i, 1600000000 + i))
        self.chown()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def chown(self):
        if IS_ROOT:
            for p in [self.md, *self.md.rglob("*")]:
                os.chown(p, NOBODY, NOBODY)

    def age(self, *rels, ago=10):
        t = time.time() - ago
        for rel in rels:
            os.utime(self.md / rel, (t, t))

    def session(self):
        """SELECT, FETCH the listing items, LOGOUT; the FETCH lines by UID."""
        argv = [str(IMAPD), "-t", str(self.md)]
        if IS_ROOT:
            argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
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
        self.assertTrue(text.startswith(b"hatoimapcache 1\n"))
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
