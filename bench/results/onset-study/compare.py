#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two robustness runs of detect-accuracy --variants side by side (issue 12,
onset study): per class, ours' mean and worst F1 over the variants with
true events of the class (as the summary rows; n<10 rows included), and
where, and the plain detector's; for cramps the variants whose median
onset error exceeds 0.25 s, recall and precision changes. Standard library.

    compare.py BASE.tsv NEW.tsv
"""
import sys


def load(path):
    rows = {}
    for line in open(path):
        if line.startswith("#") or line.startswith("variant\t") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if f[0] == "summary" or len(f) < 19:
            continue
        rows[(f[0], f[1], f[2])] = f
    return rows


def num(x):
    try:
        return float(x)
    except ValueError:
        return float("nan")


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    variants = sorted({k[0] for k in a}, key=lambda v: list(x[0] for x in a).index(v))
    classes = []
    for k in a:
        if k[2] not in classes:
            classes.append(k[2])
    print("class\tdetector\tbase mean F1\tbase worst (variant)\tnew mean F1\tnew worst (variant)")
    for c in classes:
        for det in ("ours", "plain"):
            out = []
            for r in (a, b):
                fs = [(num(r[(v, det, c)][14]), v) for v in variants
                      if (v, det, c) in r and int(r[(v, det, c)][4]) > 0]
                fs = [x for x in fs if x[0] == x[0]]
                if not fs:
                    out.append("NA\tNA")
                    continue
                w = min(fs)
                out.append("%.3f\t%.3f (%s)" % (sum(x[0] for x in fs) / len(fs), w[0], w[1]))
            print("%s\t%s\t%s\t%s" % (c, det, out[0], out[1]))
    print()
    print("cramp, ours: variant\tP base->new\tR base->new\tF1 base->new\tonset median base->new")
    late = [0, 0]
    for v in variants:
        x, y = a.get((v, "ours", "cramp")), b.get((v, "ours", "cramp"))
        if not x or not y:
            continue
        for i, r in enumerate((x, y)):
            if abs(num(r[17])) > 0.25:
                late[i] += 1
        if x[8:18] != y[8:18] or abs(num(x[17])) > 0.25 or abs(num(y[17])) > 0.25:
            print("%s\t%s->%s\t%s->%s\t%s->%s\t%s->%s" % (v, x[8], y[8], x[11], y[11], x[14], y[14],
                                                      x[17], y[17]))
    print("variants with |median onset error| > 0.25 s: %d -> %d" % tuple(late))


if __name__ == "__main__":
    main()
