#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""AUC per variant of each detector measure, true cramps over one false class
(issue 12, h12am).  auc.py CLASS TRACE.tsv...   (1.0: cramps all above)"""
import csv, gzip, sys
from collections import defaultdict

cls = sys.argv[1]
rows = [r for p in sys.argv[2:] for r in csv.DictReader(gzip.open(p, "rt") if p.endswith(".gz") else open(p), delimiter="\t")]
meas = ["duration", "rms_uv", "rms_x_rest", "peak_uv", "mnf_start_hz", "mnf_end_hz", "mdf_end_hz",
        "mnf_slope_hz_s", "lf_ratio", "kurtosis", "tonic_fraction", "rises", "rise_cv", "confidence",
        "precursor_s", "env_mod_ratio", "prev_interval_s", "next_interval_s", "bursts"]


def num(x):
    try:
        return float(x)
    except ValueError:
        return None


def auc(a, b):
    if not a or not b:
        return None
    s = 0.0
    for x in a:
        for y in b:
            s += 1 if x > y else 0.5 if x == y else 0
    return s / len(a) / len(b)


by = defaultdict(lambda: ([], []))
for r in rows:
    if r["class"] == "cramp":
        by[r["variant"]][0].append(r)
    elif r["class"] == cls:
        by[r["variant"]][1].append(r)
print("measure\t" + "\t".join(f"{v}({len(t)}/{len(f)})" for v, (t, f) in sorted(by.items())))
for m in meas:
    out = []
    for v, (t, f) in sorted(by.items()):
        a = [x for x in (num(r.get(m, "n/a")) for r in t) if x is not None]
        b = [x for x in (num(r.get(m, "n/a")) for r in f) if x is not None]
        u = auc(a, b)
        rng = f"{min(a):.3g}..{max(a):.3g}|{min(b):.3g}..{max(b):.3g}" if a and b else ""
        out.append(f"{u:.2f} {rng}" if u is not None else "n/a")
    print(m + "\t" + "\t".join(out))
