#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-variant change of one class between two detect-accuracy --variants tables (h12ao).

    compare.py BEFORE.tsv AFTER.tsv [CLASS]   (default cramp)

Prints the summary rows of the class (ours and plain) of both and every variant whose
ours row (tp / fp / fn, F1) differs, with the counts summed over the variants."""
import sys


def rows(p, cls):
    v, s = {}, []
    for line in open(p):
        if line.startswith("#") or line.startswith("variant\t"):
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) < 15:
            continue
        if f[0] == "summary":
            if f[2] == cls:
                s.append(f)
        elif f[1] == "ours" and f[2] == cls:
            v[f[0]] = (int(f[5]), int(f[6]), int(f[7]), f[14])
    return v, s


cls = sys.argv[3] if len(sys.argv) > 3 else "cramp"
a, sa = rows(sys.argv[1], cls)
b, sb = rows(sys.argv[2], cls)
for tag, s in (("before", sa), ("after", sb)):
    for f in s:
        if f[0] == "summary" and f[1] in ("ours", "plain") and f[4] in ("mean", "worst", "mean@1-2ch", "worst@1-2ch", "mean@3+ch", "worst@3+ch"):
            print(tag, f[1], f[4], "F1", f[11], f"[{f[12]}, {f[13]}]", f[14])
tot = [0] * 6
for k in a:
    if k in b:
        for i in range(3):
            tot[i] += a[k][i]
            tot[3 + i] += b[k][i]
        if a[k] != b[k]:
            print(f"{k}\t{a[k][0]} / {a[k][1]} / {a[k][2]} ({a[k][3]}) -> {b[k][0]} / {b[k][1]} / {b[k][2]} ({b[k][3]})")
print(f"all variants tp / fp / fn: {tot[0]} / {tot[1]} / {tot[2]} -> {tot[3]} / {tot[4]} / {tot[5]}")
