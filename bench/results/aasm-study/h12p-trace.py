#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h12p (issue 12): on nights made by h12p-gen.py, per truth class CLS, each
truth event found (IoU >= 0.2, one-to-one, greedy) or missed with what the
detector made of it, and each false CLS detection with the truth under it.

    h12p-trace.py OUTDIR TAG CLS[,CLS...] [rows]

Prints counts by cause; with `rows` also every miss and false one with the
detected episode's measures (label, onset, duration, tonic, bursts, rises,
rise_cv, channels).
"""
import collections
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plm-study"))
from study import match, overlap, rd  # noqa: E402


def desc(d):
    return "%s@%s+%s[%s t=%s b=%s r=%s cv=%s]" % (
        d["trial_type"], d["onset"], d["duration"], d["channel"], d["tonic_fraction"][:4],
        d["bursts"], d["rises"], d["rise_cv"][:4])


def main():
    out, tag, classes = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    show = len(sys.argv) > 4
    cnt = collections.Counter()
    rows = []
    for f in sorted(glob.glob(os.path.join(out, f"*.{tag}.tsv"))):
        stem = f[: -len(f".{tag}.tsv")]
        night = os.path.basename(stem)
        truth, det = rd(stem + ".events.tsv"), rd(f)
        for cls in classes:
            tl = [t for t in truth if t["trial_type"] == cls]
            dl = [d for d in det if d["trial_type"] == cls]
            ti, dj = match(tl, dl)
            for i, t in enumerate(tl):
                if i in ti:
                    cnt[(cls, "tp")] += 1
                    continue
                ov = sorted((d for d in det if overlap(t, d) > 0), key=lambda d: -overlap(t, d))
                cause = "fn as " + (ov[0]["trial_type"] if ov else "nothing")
                cnt[(cls, cause)] += 1
                rows.append((night, cls, cause, t["onset"], t["duration"], t["channel"],
                             t["detail"], [desc(d) for d in ov[:3]]))
            for j, d in enumerate(dl):
                if j in dj:
                    continue
                ov = sorted((t for t in truth if overlap(t, d) > 0), key=lambda t: -overlap(t, d))
                cause = "fp over " + (ov[0]["trial_type"] if ov else "nothing")
                cnt[(cls, cause)] += 1
                rows.append((night, cls, cause, d["onset"], d["duration"], d["channel"], desc(d),
                             [t["trial_type"] + "@" + t["onset"][:9] + "+" + t["duration"][:5] +
                              " " + t["channel"] + " " + t["detail"][:40] for t in ov[:3]]))
    for k, v in sorted(cnt.items()):
        print(v, *k, sep="\t")
    if show:
        for r in rows:
            print(*r, sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main())
