#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h12al: the figures of a detect-accuracy --variants table that the
bench/README subsection quotes (cramp and PLM F1 mean / worst overall, by
montage, plain beside; totals tp / fp / fn; ahead of plain).
    summary.py TABLE.tsv"""
import sys

tot = {}
for ln in open(sys.argv[1]):
    f = ln.rstrip("\n").split("\t")
    if ln.startswith("# ahead") and (" cramp " in ln or " plm " in ln):
        print(ln.strip())
    if f[0] == "summary" and f[2] in ("cramp", "plm") and len(f) >= 14:
        print(f"{f[1]:6s} {f[2]:6s} {f[4]:12s} F1 {f[11]}  {f[-1]}")
    elif len(f) >= 19 and f[1] == "ours" and f[2] in ("cramp", "plm") and not ln.startswith("#"):
        t = tot.setdefault(f[2], [0, 0, 0])
        for i in range(3):
            t[i] += int(f[5 + i])
for k, v in tot.items():
    print(f"ours {k} tp/fp/fn {v[0]}/{v[1]}/{v[2]}")
