"""End-to-end: imapd's mailbox hierarchy commands (LIST LSUB STATUS CREATE DELETE RENAME
SUBSCRIBE UNSUBSCRIBE NAMESPACE) driven by Python's imaplib over IMAP4_stream (imapd -t on a
pipe, started authenticated), on a copy of the IMAP transcript fixture Maildir; every change is
checked on disk (Maildir++ directories in UTF-8, courierimapsubscribed).

imapd refuses root, so when the tests run as root imapd runs under setpriv as uid/gid 65534 with
the Maildir copy owned by that uid."""
import base64
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hatotest import ImapdOnPipe  # noqa: E402  (next to this file)



def mutf7(name):
    """Modified UTF-7 (RFC 3501 §5.1.3), written here so the test does not trust imapd's."""
    out, run = [], []

    def flush():
        if run:
            b = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(b).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


LIST_RE = re.compile(rb'^\((?P<attrs>[^)]*)\) "(?P<sep>.)" (?P<name>.+)$')


def parse_list(data):
    """imaplib LIST/LSUB data -> {name: set(attributes)}."""
    result = {}
    for item in data:
        if item is None:
            continue
        m = LIST_RE.match(item)
        assert m, item
        name = m.group("name")
        if name.startswith(b'"'):
            name = name[1:-1].replace(b'\\"', b'"').replace(b"\\\\", b"\\")
        result[name.decode()] = set(m.group("attrs").decode().split())
    return result


class ImapFoldersTest(ImapdOnPipe):
    def make_folder(self, name, messages=0, seen=0):
        """A folder made behind imapd's back, as Courier's maildirmake would."""
        d = self.md / ("." + name)
        for sub in ("cur", "new", "tmp"):
            (d / sub).mkdir(parents=True)
        (d / "maildirfolder").touch()
        for i in range(messages):
            flags = "S" if i < seen else ""
            where = "cur" if flags else "new"
            suffix = f":2,{flags}" if flags else ""
            (d / where / f"170000{i:04d}.M{i}P1Q{i}.test{suffix}").write_bytes(
                b"Subject: m\n\nbody\n")
        self.chown(d)
        return d

    def folders_on_disk(self):
        return sorted(p.name for p in self.md.iterdir() if p.name.startswith(".") and p.is_dir())

    def test_list_with_subfolders_and_utf8_names(self):
        self.make_folder("Sent")
        self.make_folder("Résumé")
        self.make_folder("Résumé.Année 2023")
        self.make_folder("a.b")  # "a" itself does not exist
        m = self.imap()
        typ, data = m.list('""', "*")
        self.assertEqual(typ, "OK")
        got = parse_list(data)
        res = mutf7("Résumé")
        self.assertEqual(res, "R&AOk-sum&AOk-")
        self.assertEqual(got, {
            "INBOX": {"\\HasChildren"},
            "INBOX.Sent": {"\\HasNoChildren", "\\Sent"},
            "INBOX." + res: {"\\HasChildren"},
            "INBOX." + res + "." + mutf7("Année 2023"): {"\\HasNoChildren"},
            "INBOX.a": {"\\Noselect", "\\HasChildren"},
            "INBOX.a.b": {"\\HasNoChildren"},
        })
        typ, data = m.list('""', "INBOX.%")
        self.assertEqual(sorted(parse_list(data)), ["INBOX." + res, "INBOX.Sent", "INBOX.a"])
        typ, data = m.list("INBOX." + res + ".", "%")
        self.assertEqual(list(parse_list(data)), ["INBOX." + res + "." + mutf7("Année 2023")])
        typ, data = m.list('""', '""')
        self.assertEqual(data, [b'(\\Noselect) "." ""'])
        typ, data = m.namespace()
        self.assertEqual(data, [b'(("INBOX." ".")) NIL NIL'])

    def test_status_and_lsub(self):
        self.make_folder("Work", messages=5, seen=2)
        m = self.imap()
        typ, data = m.status("INBOX.Work", "(MESSAGES RECENT UIDNEXT UNSEEN)")
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [b"INBOX.Work (MESSAGES 5 RECENT 3 UIDNEXT 6 UNSEEN 3)"])
        # STATUS took nothing from new/: the session that selects the folder gets \Recent.
        self.assertEqual(len(list((self.md / ".Work" / "new").iterdir())), 3)
        typ, data = m.select("INBOX.Work")
        self.assertEqual((typ, data), ("OK", [b"5"]))
        self.assertEqual(m.untagged_responses.get("RECENT"), [b"3"])
        typ, data = m.status("INBOX.Work", "(MESSAGES RECENT UIDNEXT UNSEEN)")
        self.assertEqual(data, [b"INBOX.Work (MESSAGES 5 RECENT 3 UIDNEXT 6 UNSEEN 3)"])
        m.close()
        self.assertEqual(m.subscribe("INBOX.Work")[0], "OK")
        self.assertEqual(m.subscribe("INBOX." + mutf7("Entwürfe"))[0], "OK")
        subs = (self.md / "courierimapsubscribed").read_bytes()
        self.assertEqual(sorted(subs.decode().split("\n")[:-1]),
                         ["INBOX.Entwürfe", "INBOX.Work"])
        typ, data = m.lsub('""', "*")
        self.assertEqual(sorted(parse_list(data)), ["INBOX." + mutf7("Entwürfe"), "INBOX.Work"])
        # LIST-EXTENDED: the subscribed names, with \NonExistent for one without a folder.
        typ, data = m._simple_command("LIST", "(SUBSCRIBED)", '""', '"*"')
        typ, data = m._untagged_response(typ, data, "LIST")
        self.assertEqual(typ, "OK")
        self.assertEqual(parse_list(data), {
            "INBOX." + mutf7("Entwürfe"): {"\\NonExistent", "\\HasNoChildren", "\\Subscribed"},
            "INBOX.Work": {"\\HasNoChildren", "\\Subscribed"},
        })
        self.assertEqual(m.unsubscribe("INBOX.Work")[0], "OK")
        self.assertEqual((self.md / "courierimapsubscribed").read_bytes(),
                         "INBOX.Entwürfe\n".encode())
        typ, data = m.unsubscribe("INBOX.Work")
        self.assertEqual(typ, "NO")

    def test_create_rename_delete(self):
        m = self.imap()
        self.assertEqual(m.create("INBOX." + mutf7("Résumé"))[0], "OK")
        d = self.md / ".Résumé"
        self.assertEqual(sorted(p.name for p in d.iterdir()),
                         ["courierimapuiddb", "cur", "maildirfolder", "new", "tmp"])
        self.assertEqual((d / "maildirfolder").read_bytes(), b"")
        self.assertEqual(list((self.md / "tmp").iterdir()), [])
        self.assertEqual(m.create("INBOX.x.")[0], "OK")  # a hierarchy name: creates x
        self.assertTrue((self.md / ".x" / "cur").is_dir())
        self.assertEqual(m.create("INBOX.x.y")[0], "OK")
        self.assertEqual(m.create("INBOX.x")[0], "NO")
        self.assertEqual(m.create("INBOX")[0], "NO")
        for bad in ("INBOX.a..b", "INBOX.&Jjo", '"INBOX.a/b"', "INBOX.&AGE-", "Other"):
            typ, data = m.create(bad)
            self.assertEqual(typ, "NO", bad)
        self.assertEqual(self.folders_on_disk(), [".Résumé", ".x", ".x.y"])
        # A subscription follows a renamed folder and its inferiors.
        m.subscribe("INBOX.x.y")
        self.assertEqual(m.rename("INBOX.x", "INBOX." + mutf7("Ünter"))[0], "OK")
        self.assertEqual(self.folders_on_disk(), [".Résumé", ".Ünter", ".Ünter.y"])
        self.assertEqual((self.md / "courierimapsubscribed").read_bytes(),
                         "INBOX.Ünter.y\n".encode())
        self.assertEqual(m.rename("INBOX.nope", "INBOX.z")[0], "NO")
        self.assertEqual(m.rename("INBOX." + mutf7("Ünter"), "INBOX." + mutf7("Résumé"))[0],
                         "NO")
        # DELETE of a folder with inferiors keeps them; the name becomes \Noselect.
        self.assertEqual(m.delete("INBOX." + mutf7("Ünter"))[0], "OK")
        self.assertEqual(self.folders_on_disk(), [".Résumé", ".Ünter.y"])
        got = parse_list(m.list('""', "*")[1])
        self.assertEqual(got["INBOX." + mutf7("Ünter")], {"\\Noselect", "\\HasChildren"})
        self.assertEqual(m.delete("INBOX." + mutf7("Ünter"))[0], "NO")
        self.assertEqual(m.delete("INBOX")[0], "NO")
        self.assertEqual(m.delete("INBOX.nope")[0], "NO")
        self.assertEqual(list((self.md / "tmp").iterdir()), [])

    def test_rename_inbox_moves_messages(self):
        m = self.imap()
        before = sorted(p.name for p in (self.md / "cur").iterdir()) + \
            sorted(p.name for p in (self.md / "new").iterdir())
        self.assertEqual(len(before), 3)
        self.assertEqual(m.rename("INBOX", "INBOX.Old")[0], "OK")
        old = self.md / ".Old"
        moved = sorted(p.name for p in (old / "cur").iterdir()) + \
            sorted(p.name for p in (old / "new").iterdir())
        self.assertEqual(moved, before)
        self.assertEqual(list((self.md / "cur").iterdir()), [])
        self.assertEqual(list((self.md / "new").iterdir()), [])
        typ, data = m.status("INBOX", "(MESSAGES)")
        self.assertEqual(data, [b"INBOX (MESSAGES 0)"])
        typ, data = m.status("INBOX.Old", "(MESSAGES RECENT UIDNEXT UNSEEN)")
        self.assertEqual(data, [b"INBOX.Old (MESSAGES 3 RECENT 1 UIDNEXT 4 UNSEEN 2)"])
        typ, data = m.select("INBOX.Old")
        self.assertEqual((typ, data), ("OK", [b"3"]))
        self.assertEqual(m.rename("INBOX.Old", "INBOX")[0], "NO")
        # The selected mailbox can be neither deleted nor renamed under the session.
        typ, data = m.delete("INBOX.Old")
        self.assertEqual((typ, data), ("NO", [b"[INUSE] Mailbox is selected; CLOSE it first."]))
        self.assertEqual(m.rename("INBOX.Old", "INBOX.New")[0], "NO")
        self.assertTrue((old / "cur").is_dir())
        m.close()
        self.assertEqual(m.rename("INBOX.Old", "INBOX.New")[0], "OK")
        self.assertEqual(self.folders_on_disk(), [".New"])
        self.assertEqual(m.delete("INBOX.New")[0], "OK")
        self.assertEqual(self.folders_on_disk(), [])
        self.assertEqual(list((self.md / "tmp").iterdir()), [])

    def test_no_prefix_namespace(self):
        self.make_folder("Sent")
        m = self.imap(env=["IMAP_NAMESPACE_PREFIX="])
        self.assertEqual(m.namespace()[1], [b'(("" ".")) NIL NIL'])
        got = parse_list(m.list('""', "*")[1])
        self.assertEqual(got, {"INBOX": {"\\HasNoChildren"}, "Sent": {"\\HasNoChildren", "\\Sent"}})
        self.assertEqual(m.create("Drafts")[0], "OK")
        self.assertTrue((self.md / ".Drafts" / "cur").is_dir())
        self.assertEqual(m.create("INBOX.x")[0], "NO")
        self.assertEqual(m.subscribe("Drafts")[0], "OK")
        self.assertEqual((self.md / "courierimapsubscribed").read_bytes(), b"INBOX.Drafts\n")
        self.assertEqual(parse_list(m.lsub('""', "*")[1]), {"Drafts": set()})

    def test_special_use_from_environment(self):
        self.make_folder("Sent Items")
        self.make_folder("Sent")
        m = self.imap(env=["IMAP_SPECIAL_USE=Sent Items=\\Sent"])
        got = parse_list(m.list('""', "*")[1])
        self.assertEqual(got['INBOX.Sent Items'], {"\\HasNoChildren", "\\Sent"})
        self.assertEqual(got['INBOX.Sent'], {"\\HasNoChildren"})
        typ, data = m.capability()
        self.assertIn(b"SPECIAL-USE", data[0].split())
        self.assertIn(b"CHILDREN", data[0].split())
        self.assertIn(b"NAMESPACE", data[0].split())


if __name__ == "__main__":
    unittest.main()
