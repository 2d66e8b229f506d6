#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the detector makes of every drawn event of one truth kind (issue 12, h12am).
Development seeds only.  drawn.py CRAMP SCENARIO_DIR SEED_LO SEED_HI MINUTES KIND
Per variant: how many KIND events were drawn and the label of the detected
episode overlapping each most (IoU >= 0.2), else `~label` (longest overlap) or
`(nothing)`."""
import collections, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trace import kind_of, iou, nights

cramp, sdir, lo, hi, minutes, want = sys.argv[1:7]
per = collections.defaultdict(collections.Counter)
for name, seed, truth, dets in nights(cramp, sdir, int(lo), int(hi), minutes):
    for t in (t for t in truth if kind_of(t) == want):
        t0, t1 = float(t["onset"]), float(t["onset"]) + float(t["duration"])
        best, lab, lo_ov, lol = 0.0, None, 0.0, None
        for d in dets:
            i, ov = iou(t0, t1, float(d["onset"]), float(d["onset"]) + float(d["duration"]))
            if i > best:
                best, lab = i, d["trial_type"]
            if ov > lo_ov:
                lo_ov, lol = ov, d["trial_type"]
        per[name][lab if best >= 0.2 else ("~" + lol if lol else "(nothing)")] += 1
for name, cnt in per.items():
    print(f"{name}\t{sum(cnt.values())} drawn\t" + ", ".join(f"{k} {n}" for k, n in cnt.most_common()))
