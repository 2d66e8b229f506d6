#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h12ag: tally mtrace.py's list (multichannel-h12ab/) by cause, counting each
truth event once per night as well (the sweeps share the base night).
Development seeds only.

    mtrace.py list DUMPDIR $(cat variants-3plus-h12ag.txt) > LIST
    tally.py LIST"""
import collections
import sys

ev = collections.defaultdict(set)
cnt = collections.Counter()
cur = under = None
for l in open(sys.argv[1]).read().split("\n"):
    if l and not l.startswith(" "):
        p = l.split()
        cur, under = (p[0], p[1], p[2], l), []
    elif "->" in l:
        v, seed, what, head = cur
        c = l.split("->")[1].strip().replace(" (TA)", "")
        key = (seed, under[0].split("iou")[0] if what == "FALSE" and under
               else " ".join(head.split()[3:5]))
        ev[c].add(key)
        cnt[c] += 1
    elif l.strip():
        under.append(l.strip())
print("variant-nights  distinct-events  cause")
for c in sorted(cnt, key=lambda c: -cnt[c]):
    print(f"{cnt[c]:6d} {len(ev[c]):6d}  {c}")
