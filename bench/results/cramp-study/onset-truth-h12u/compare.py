#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h12u: before/after rows of two detect-accuracy --variants tables (ours only).
Usage: compare.py BEFORE.tsv AFTER.tsv [CLASS...] (default cramp plm): per variant
F1 and the median onset error before -> after, then mean and worst F1 of each."""
import sys


def rows(path):
    out = {}
    for line in open(path):
        if line.startswith('#') or line.startswith('variant\t'):
            continue
        f = line.rstrip('\n').split('\t')
        if len(f) < 19 or f[1] != 'ours':
            continue
        out[(f[0], f[2])] = f
    return out


b, a = rows(sys.argv[1]), rows(sys.argv[2])
classes = sys.argv[3:] or ['cramp', 'plm']
for cls in classes:
    print('## %s: variant, n_true before/after, F1 before -> after, onset median before -> after' % cls)
    fb, fa = [], []
    for key in b:
        if key[1] != cls or key not in a:
            continue
        x, y = b[key], a[key]
        print('%-45s %4s/%-4s F1 %s -> %s  onset %s -> %s  %s' % (key[0], x[4], y[4], x[14], y[14],
                                                               x[17], y[17], y[18]))
        if x[14] != 'NA' and y[14] != 'NA':
            fb.append(float(x[14]))
            fa.append(float(y[14]))
    if fb:
        print('%s: %d variants, F1 mean %.3f -> %.3f, worst %.3f -> %.3f' % (
            cls, len(fb), sum(fb) / len(fb), sum(fa) / len(fa), min(fb), min(fa)))
