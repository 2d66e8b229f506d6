#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-variant AUC (true cramps over false cramps on one truth kind) of
every numeric column of a would-be-cramp trace (development seeds), with
the range over the variants and whether one side holds on all of them.
    awake_auc.py KIND TRACE.tsv[.gz]...   (KIND: awakening, turn, ...)"""
import collections, csv, gzip, math, sys
kind, paths = sys.argv[1], sys.argv[2:]
rows = []
for p in paths:
    with (gzip.open if p.endswith(".gz") else open)(p, "rt") as f:
        rows += list(csv.DictReader(f, delimiter="\t"))
def fl(x):
    try: return float(x)
    except (TypeError, ValueError): return float("nan")
skip = {"seed", "onset", "label", "channels", "series", "confidence"}
cols = [c for c in rows[0] if c not in skip and any(not math.isnan(fl(r.get(c))) for r in rows[:50])]
by = collections.defaultdict(lambda: ([], []))
for r in rows:
    if r.get("label") == "1": by[r["variant"]][0].append(r)
    elif r.get("label") == "0" and r.get("truth", "").lstrip("~") == kind: by[r["variant"]][1].append(r)
vs = sorted(v for v, (t, f) in by.items() if len(f) >= 3 and len(t) >= 3)
def auc(a, b):
    a = [x for x in a if not math.isnan(x)]; b = [x for x in b if not math.isnan(x)]
    if not a or not b: return float("nan")
    s = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    return s / (len(a) * len(b))
print("measure\t" + "\t".join(f"{v}({len(by[v][1])})" for v in vs) + "\tmin\tmax\tside")
for c in cols:
    a = [auc([fl(r[c]) for r in by[v][0]], [fl(r[c]) for r in by[v][1]]) for v in vs]
    ok = [x for x in a if not math.isnan(x)]
    if not ok: continue
    side = "same" if min(ok) > 0.5 or max(ok) < 0.5 else "flips"
    print(c + "\t" + "\t".join(f"{x:.2f}" for x in a) + f"\t{min(ok):.2f}\t{max(ok):.2f}\t{side}")
