#!/usr/bin/env python3
"""Turns bench/ measurements into bench/results/<date>-<N>.{md,json}: one table per run, medians
of the rounds, with Hato/Dovecot and Hato/Courier ratios (value over value, whatever the unit:
read the "better" column to know which way is good)."""
import argparse
import datetime
import json


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def cell(vals, name):
    v = vals.get(name)
    if v is None:
        return "not run", None
    if "na" in v:
        return "n/a (%s)" % v["na"].replace("|", "/"), None
    return fmt(v["median"]), v["median"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--machine", required=True)
    ap.add_argument("--ceiling", required=True)
    ap.add_argument("--metrics", required=True)
    ap.add_argument("--messages", type=int, required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    a = ap.parse_args()
    machine = json.load(open(a.machine))
    ceiling = json.load(open(a.ceiling))
    res = json.load(open(a.metrics))
    names = [s["name"] for s in res["servers"]]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    full = {"date": now, "messages": a.messages, "elapsed_s": a.elapsed, "machine": machine,
            "driver_ceiling": ceiling, **res}
    with open(a.json, "w") as f:
        json.dump(full, f, indent=1)
    cols = ["Hato", "Dovecot", "Courier"]
    md = ["# Hato benchmark, %s, %d messages in INBOX" % (now, a.messages), ""]
    md.append("Medians of %d interleaved rounds; rates sampled for %s s each; BODY.PEEK[] and "
              "RETR over the newest %d messages; RSS per session over %d sessions; measuring "
              "took %d s. Ratios are Hato's value divided by the other server's: for "
              "\"higher\" rows above 1 is better for Hato, for \"lower\" rows below 1 is."
              % (res["rounds"], res["duration_s"], res["fetch_count"], res["rss_sessions"],
                 a.elapsed))
    md.append("")
    md.append("| metric | unit | better | Hato | Dovecot | Courier | Hato/Dovecot | Hato/Courier |")
    md.append("|---|---|---|---|---|---|---|---|")
    for m in res["metrics"]:
        shown, val = {}, {}
        for c in cols:
            shown[c], val[c] = cell(m["values"], c) if c in names else ("not run", None)

        def ratio(o):
            if val["Hato"] is None or val[o] is None or val[o] == 0:
                return "-"
            return "%.2f" % (val["Hato"] / val[o])
        md.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            m["label"], m["unit"], m["better"], shown["Hato"], shown["Dovecot"],
            shown["Courier"], ratio("Dovecot"), ratio("Courier")))
    md.append("")
    notes = []
    for m in res["metrics"]:
        for n, v in m["values"].items():
            boring = set(v.get("note", {})) <= {"range", "lines", "bytes", "count", "exists"} \
                or m["name"] == "mixed_64"
            if ("note" in v and not boring) or "later_failure" in v:
                notes.append("- %s, %s: %s" % (m["name"], n, json.dumps(
                    {k: v[k] for k in ("note", "later_failure") if k in v})))
    if notes:
        md += ["Notes:", ""] + notes + [""]
    # Result counts must agree between servers (same mailbox, same words): say so when not.
    for m in res["metrics"]:
        counts = {n: v["note"]["count"] for n, v in m["values"].items()
                  if isinstance(v.get("note"), dict) and "count" in v["note"]}
        if counts:
            same = len(set(counts.values())) == 1
            md.append("- %s result counts: %s%s" % (
                m["name"], ", ".join("%s %d" % kv for kv in counts.items()),
                " (agree)" if same else " — **COUNT MISMATCH between servers**"))
    for m in res["metrics"]:
        if m["name"] != "mixed_64":
            continue
        for n, v in m["values"].items():
            note = v.get("note")
            if not isinstance(note, dict):
                continue
            md.append("- mixed load, %s: %s ops in %.1f s, p50 %s ms, p99 %s ms, %s errors; "
                      "appended %s, expunged %s, uncertain %s; INBOX %s -> %s (expected %s); "
                      "lost %s, duplicated %s, resurrected %s; APPENDUID not the message's UID "
                      "%s; first error: %s%s" % (
                          n, note["ops"], note["seconds"], note["p50_ms"], note["p99_ms"],
                          note["errors"], note["appended"], note["expunged"], note["uncertain"],
                          note["exists_before"], note["exists_after"], note["exists_expected"],
                          note["lost"], note["duplicated"], note["resurrected"],
                          note.get("appenduid_mismatch"), note.get("first_error") or "none",
                          "" if note["verified"] else " (**verification failed: %s**)"
                          % note["last_error"]))
    if res.get("harness_errors"):
        md += ["", "Harness errors (a metric failed, or the mixed-load check found lost or "
               "duplicated messages):", ""] + ["- " + e for e in res["harness_errors"]]
    md.append("")
    md.append("Login mechanism per server: " + ", ".join(
        "%s %s" % (s["name"], s.get("mech")) for s in res["servers"]) + ".")
    md.append("")
    md.append("## Machine and reference points")
    md.append("")
    r = machine["ref"]
    md.append("| | |")
    md.append("|---|---|")
    md.append("| CPU | %s, %s cores, %s GB RAM |" % (machine["cpu"], machine["cores"],
                                                   machine["mem_gb"]))
    md.append("| OS / kernel | %s / %s |" % (machine["os"], machine["kernel"]))
    md.append("| load average at start | %s |" % " ".join(map(str, machine["loadavg_at_start"])))
    md.append("| fork+exec of /bin/true | %s /s |" % fmt(r["fork_exec_per_s"]))
    md.append("| AES-128-GCM, one core (openssl speed, 16 KB blocks) | %s MB/s |"
              % fmt(r["aes128gcm_MBps_1core"]))
    md.append("| page-cache read | %s MB/s |" % fmt(r["pagecache_read_MBps"]))
    md.append("| one TCP stream over 127.0.0.1 (Python, 1 MB writes) | %s MB/s |"
              % fmt(r.get("loopback_tcp_MBps")))
    def crate(k):
        v = ceiling.get(k)
        return fmt(v["rate"]) if isinstance(v, dict) and "rate" in v else "-"

    def cpeek(k):
        v = ceiling.get(k)
        try:
            r = v["results"][0]
            return fmt(r["literal_bytes"] / (r["ms"] / 1000) / 1e6)
        except (TypeError, KeyError, IndexError, ZeroDivisionError):
            return "-"
    md.append("| driver ceiling (bench/loadgen against its own do-nothing server, threads): "
              "conn/s 1 / 16 clients | %s / %s |" % (crate("conn_rate_1"), crate("conn_rate_16")))
    md.append("| driver ceiling over TLS (handshake + LOGIN): conn/s 1 / 16 clients | %s / %s |"
              % (crate("conn_rate_tls_1"), crate("conn_rate_tls_16")))
    md.append("| driver ceiling BODY.PEEK[] MB/s, plain / TLS (1000 x 64 KB) | %s / %s |"
              % (cpeek("body_peek"), cpeek("body_peek_tls")))
    for k, v in machine["versions"].items():
        if v:
            md.append("| %s | %s |" % (k, v))
    md.append("")
    with open(a.md, "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
