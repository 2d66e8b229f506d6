#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts of vsplain.py rows (h12aj): false PLMs of ours by the truth event under
them (fragmentary runs named only when nothing else lies there) and their
duration, and true PLMs one detector missed by who and what ours labelled there.

    cats.py VSPLAIN.tsv
"""
import collections
import re
import sys

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if not l.startswith(("#", "variant"))]
fp = collections.defaultdict(collections.Counter)
fn = collections.defaultdict(collections.Counter)
for r in rows:
    v, seed, kind, who, on, dur, det, ev = r[:8]
    if kind == "fp" and who in ("ours", "both"):
        evs = [e for e in ev.split("; ") if not e.startswith("fragmentary")] or ev.split("; ")
        t = evs[0]
        m = re.match(r"(\w+)\[[\d.]+\+([\d.]+) \S+ (\w+)", t)
        kind_t = m.group(3) if m and m.group(1) in ("movement",) else (m.group(1) if m else t)
        d = float(dur)
        band = "<5s" if d < 5 else "5-10s"
        fp[v][(kind_t, band, who)] += 1
    elif kind == "fn" and who in ("ours", "plain"):
        labs = [re.match(r"(\w+)\[", e).group(1) for e in ev.split("; ") if re.match(r"(\w+)\[", e)]
        fn[v][(who, "+".join(labs) or "none")] += 1
for v in fp.keys() | fn.keys():
    print(f"== {v}: false PLMs of ours (truth under it, duration, also plain?)")
    for k, n in sorted(fp[v].items(), key=lambda x: -x[1]):
        print(f"  {n:4d}  {k}")
    print(f"== {v}: true PLMs one side missed (who missed, ours' labels there)")
    for k, n in sorted(fn[v].items(), key=lambda x: -x[1]):
        print(f"  {n:4d}  {k}")
