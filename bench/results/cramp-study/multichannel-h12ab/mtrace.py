#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Multi-channel cramp worst case (issue 12, h12ab): every missed true cramp
and every false cramp of the dumped nights, with what lies under it.
Development seeds only (< 10000).

    mtrace.py list DUMPDIR [VARIANT...]    one line per miss / false cramp
    mtrace.py count DUMPDIR [VARIANT...]   counts by cause

DUMPDIR holds truth.tsv and ours.tsv written by detect-accuracy built with
trace-dump.patch (H12AB_DUMP=DIR, H12AB_ONLY=,variant,...,): the same nights
and the same detector run the benchmark scores (IoU >= 0.2 for a match)."""
import collections
import gzip
import os
import sys

T_COLS = "variant seed onset dur type channel detail".split()
O_COLS = ("variant seed onset dur type channels main rms rest xrest tonic kurt envmod "
          "bursts reason").split()


def rd(path, cols):
    out = []
    if not os.path.exists(path):
        path += ".gz"
    for ln in (gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
        f = ln.rstrip("\n").split("\t")
        r = dict(zip(cols, f))
        r["onset"], r["dur"] = float(r["onset"]), float(r["dur"])
        out.append(r)
    return out


def iou(a, b):
    i = min(a["onset"] + a["dur"], b["onset"] + b["dur"]) - max(a["onset"], b["onset"])
    u = max(a["onset"] + a["dur"], b["onset"] + b["dur"]) - min(a["onset"], b["onset"])
    return i / u if i > 0 and u > 0 else 0.0


def ov(a, b):
    return min(a["onset"] + a["dur"], b["onset"] + b["dur"]) - max(a["onset"], b["onset"])


def kind(t):
    d = t["detail"].split(",")[0].strip()
    if t["type"] in ("cramp", "plm"):
        return t["type"]
    return d.split()[0] if d else t["type"]


def nights(d, only):
    truth = rd(f"{d}/truth.tsv", T_COLS)
    ours = rd(f"{d}/ours.tsv", O_COLS)
    by = collections.defaultdict(lambda: ([], []))
    for t in truth:
        if not only or t["variant"] in only:
            by[(t["variant"], t["seed"])][0].append(t)
    for o in ours:
        if not only or o["variant"] in only:
            by[(o["variant"], o["seed"])][1].append(o)
    return by


def fmt_o(o):
    return (f"{o['type']} {o['onset']:.1f}+{o['dur']:.1f} {o['channels']} "
            f"[{o['reason']}] tonic {o['tonic']} x{o['xrest']}")


def fmt_t(t):
    return f"{kind(t)} {t['onset']:.1f}+{t['dur']:.1f} {t['channel']} ({t['detail']})"


def events(d, only):
    for (v, seed), (truth, ours) in sorted(nights(d, only).items()):
        for t in truth:
            if t["type"] != "cramp":
                continue
            if any(o["type"] == "cramp" and iou(t, o) >= 0.2 for o in ours):
                continue
            under = [o for o in ours if ov(t, o) > 0]
            yield "missed", v, seed, t, under, truth, ours
        for o in ours:
            if o["type"] != "cramp":
                continue
            if any(t["type"] == "cramp" and iou(t, o) >= 0.2 for t in truth):
                continue
            under = sorted((t for t in truth if ov(t, o) > 0), key=lambda t: -iou(t, o))
            yield "false", v, seed, o, under, truth, ours


def cause(what, e, under, truth, ours):
    if what == "missed":
        short = " (truth < 5 s)" if e["dur"] < 5 else ""
        lab = [o for o in under if ov(e, o) > 0.2 * e["dur"] and o["type"] != "fragmentary"]
        if not lab:
            return "missed: nothing (or < 20 % covered; a fragmentary run aside)" + short
        best = max(lab, key=lambda o: ov(e, o))
        if best["type"] == "cramp":
            return "missed: found as cramp, IoU < 0.2 (merged/split/onset)" + short
        return f"missed: {best['type']} [{best['reason'].split(':')[0][:48]}]" + short
    if not under:
        return "false: over no truth event"
    t = under[0]
    k = kind(t)
    if k == "cramp":
        return "false: part of a true cramp (IoU < 0.2)"
    # a stretch after a cramp on the same leg
    return f"false: on {k}" + (" (TA)" if "TA" in t["channel"] else "")


def main():
    mode, d, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    n = collections.Counter()
    per = collections.defaultdict(collections.Counter)
    for what, v, seed, e, under, truth, ours in events(d, only):
        c = cause(what, e, under, truth, ours)
        n[c] += 1
        per[v][c] += 1
        if mode == "list":
            head = fmt_t(e) if what == "missed" else fmt_o(e)
            print(f"{v} {seed} {what.upper()} {head}")
            for u in under:
                print(f"      {'ours ' + fmt_o(u) if what == 'missed' else 'truth ' + fmt_t(u)}"
                      f"  iou {iou(e, u):.2f}")
            print(f"      -> {c}")
    if mode == "count":
        for v in sorted(per):
            print(f"## {v}")
            for k, x in sorted(per[v].items(), key=lambda x: -x[1]):
                print(f"{x:4d}  {k}")
        print("## all")
        for k, x in sorted(n.items(), key=lambda x: -x[1]):
            print(f"{x:4d}  {k}")


if __name__ == "__main__":
    main()
