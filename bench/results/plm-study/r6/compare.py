#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Before/after of two detect-accuracy tables (h12l, issue 12): per class the
mean and worst F1 of ours over the variants (or scenarios), beside plain, the
variants behind plain, and every variant whose F1 changed.

    compare.py BEFORE.tsv AFTER.tsv [CLASS ...]   (default: plm cramp)
"""
import sys


def rows(path):
    out = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) < 15 or f[0] == "summary" or f[1] not in ("ours", "plain"):
            continue
        try:
            int(f[3])
        except ValueError:
            continue
        out[(f[0], f[1], f[2])] = (int(f[5]), int(f[6]), int(f[7]), f[14])
    return out


def fnum(s):
    try:
        return float(s)
    except ValueError:
        return None


def summary(t, cls):
    names = sorted({v for (v, d, c) in t if c == cls and d == "ours"})
    f = {v: fnum(t[(v, "ours", cls)][3]) for v in names}
    f = {v: x for v, x in f.items() if x is not None and t[(v, "ours", cls)][0] + t[(v, "ours", cls)][2] > 0}
    if not f:
        return None
    worst = min(f, key=f.get)
    behind = [v for v in f if (v, "plain", cls) in t and fnum(t[(v, "plain", cls)][3]) is not None
              and fnum(t[(v, "plain", cls)][3]) > f[v]]
    tp = sum(t[(v, "ours", cls)][0] for v in f)
    fp = sum(t[(v, "ours", cls)][1] for v in f)
    fn = sum(t[(v, "ours", cls)][2] for v in f)
    return sum(f.values()) / len(f), f[worst], worst, behind, len(f), (tp, fp, fn), f


def main():
    a, b = rows(sys.argv[1]), rows(sys.argv[2])
    classes = sys.argv[3:] or ["plm", "cramp"]
    for cls in classes:
        sa, sb = summary(a, cls), summary(b, cls)
        if not sa or not sb:
            continue
        for tag, s in (("before", sa), ("after", sb)):
            print(f"{cls:6} {tag:6} mean {s[0]:.3f} worst {s[1]:.3f} ({s[2]}) n={s[4]} "
                  f"tp/fp/fn {s[5][0]}/{s[5][1]}/{s[5][2]} behind plain {len(s[3])}: {' '.join(sorted(s[3]))}")
        for v in sorted(set(sa[6]) | set(sb[6])):
            x, y = sa[6].get(v), sb[6].get(v)
            if x != y:
                pa = a.get((v, "ours", cls)); pb = b.get((v, "ours", cls)); pl = b.get((v, "plain", cls))
                print(f"   {v}: {x} -> {y}  ({pa[:3] if pa else '-'} -> {pb[:3] if pb else '-'}; plain {pl[3] if pl else '-'})")


if __name__ == "__main__":
    main()
