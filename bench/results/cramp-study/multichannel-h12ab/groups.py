#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The trace of mtrace.py in the groups bench/README.md (h12ab) tabulates:
missed true cramps by (truth shorter than cramp_min_s, or the label the
detector gave), false cramps by the truth event under them.
    groups.py DUMPDIR [VARIANT...]"""
import collections
import sys

import mtrace as m


def group(what, e, under, truth, ours):
    c = m.cause(what, e, under, truth, ours)
    if what == "missed":
        if e["dur"] < 5:
            return "missed: truth shorter than 5 s"
        if "two or more muscles" in c:
            return "missed: movement, two muscles (crosstalk on the leg's other muscle)"
        if "modulated" in c:
            return "missed: movement, modulated at 0.5-3 Hz"
        if "plm" in c:
            return "missed: PLM (a calf LM in a series, no TA on that leg)"
        if "nothing" in c:
            return "missed: nothing found (under the onset threshold)"
        if "burst" in c:
            return "missed: burst (phasic, intermittent or < 5 s found)"
        return "missed: other (" + c.split(": ", 1)[1][:40] + ")"
    return c


d, only = sys.argv[1], set(sys.argv[2:])
per = collections.defaultdict(collections.Counter)
for what, v, seed, e, under, truth, ours in m.events(d, only):
    per[v][group(what, e, under, truth, ours)] += 1
keys = sorted({k for c in per.values() for k in c})
vs = sorted(per)
print("| | " + " | ".join(vs) + " |")
print("|---|" + "---|" * len(vs))
for k in keys:
    print(f"| {k} | " + " | ".join(str(per[v][k]) for v in vs) + " |")
