#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two detect-accuracy --variants tables side by side (h12ab): the summary
F1 rows of ours and plain (cramp, plm), then every variant whose ours row of
cramp or plm differs (tp/fp/fn, F1), with the plain F1.
    compare.py BEFORE.tsv AFTER.tsv"""
import sys


def load(p):
    rows, summ = {}, {}
    for ln in open(p):
        f = ln.rstrip("\n").split("\t")
        if f[0] == "summary" and len(f) >= 15:
            summ[(f[1], f[2], f[4])] = (f[11], f[14])
        elif len(f) >= 19 and f[1] in ("ours", "plain") and not ln.startswith("#"):
            rows[(f[0], f[1], f[2])] = (f[5], f[6], f[7], f[14])
    return rows, summ


(ra, sa), (rb, sb) = load(sys.argv[1]), load(sys.argv[2])
for k in sorted(sa):
    if k[1] in ("cramp", "plm"):
        print("summary", *k, "F1", sa[k][0], "->", sb.get(k, ("?",))[0],
              "worst:", sa[k][1], "->", sb.get(k, ("", "?"))[1])
tot = {}
for k in sorted(set(ra) | set(rb)):
    v, det, cls = k
    if det != "ours" or cls not in ("cramp", "plm"):
        continue
    a, b = ra.get(k), rb.get(k)
    for s, x in (("before", a), ("after", b)):
        if x:
            t = tot.setdefault((cls, s), [0, 0, 0])
            for i in range(3):
                t[i] += int(x[i])
    if a != b:
        pl = ra.get((v, "plain", cls), ("", "", "", "?"))[3]
        print(f"{v}\t{cls}\ttp/fp/fn {a[:3] if a else None} -> {b[:3] if b else None}\t"
              f"F1 {a[3] if a else '-'} -> {b[3] if b else '-'}\tplain {pl}")
for k in sorted(tot):
    print("total", *k, "tp/fp/fn", *tot[k])
