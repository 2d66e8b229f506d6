#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two detect-accuracy --variants tables of the same nights under two truths
(--set plm_truth=all and =aasm; bench/README.md, "The truth's scorer of LMs",
h12aa): the summary rows of a class, the variants whose F1 of that class moved
(ours and plain), and whether every row of the other classes is the same.

    compare.py ALL.tsv AASM.tsv [CLASS] [SAME_CLASS,...]

CLASS defaults to plm; SAME_CLASS (default cramp) are checked row for row.
"""
import sys


def rows(path):
    out, summ = {}, {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            t = line.rstrip("\n").split("\t")
            if t[0] == "variant":
                continue
            if t[0] == "summary":
                summ[(t[1], t[2], t[4])] = t
            else:
                out[(t[0], t[1], t[2])] = t
    return out, summ


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    cls = sys.argv[3] if len(sys.argv) > 3 else "plm"
    same = (sys.argv[4] if len(sys.argv) > 4 else "cramp").split(",")
    a, sa = rows(sys.argv[1])
    b, sb = rows(sys.argv[2])
    print(f"## summary, {cls}: detector statistic n F1 [lo, hi] (worst variant)")
    for key in sorted(k for k in sa if k[1] == cls and "@" not in k[2]):
        x, y = sa[key], sb.get(key)
        fmt = lambda t: f"{t[11]} [{t[12]}, {t[13]}] ({t[14]})" if t else "-"
        print(f"{key[0]}\t{key[2]}\tall: {fmt(x)}\taasm: {fmt(y)}")
    print(f"\n## variants whose {cls} F1 moved: variant detector n_truth tp fp fn F1 (all -> aasm;"
          " F1 none: no row, neither truth nor detection)")
    moved = 0
    for key in sorted(k for k in a if k[2] == cls):
        x = a[key]
        y = b.get(key, list(key) + ["-", "0", "0", "0", "0"] + ["-"] * 6 + ["none"])
        if x[4:8] == y[4:8]:
            continue
        moved += 1
        print(f"{key[0]}\t{key[1]}\t" + " ".join(f"{x[i]}->{y[i]}" for i in (4, 5, 6, 7)) +
              f"\tF1 {x[14]} -> {y[14]}")
    print(f"({moved} rows moved)")
    # eval_summarize leaves out a variant with no true event of the class, so
    # its false detections are in no mean or worst: count them here.
    for name, t in (("all", a), ("aasm", b)):
        for det in ("ours", "plain"):
            fp = [(k[0], int(v[6])) for k, v in t.items()
                  if k[1] == det and k[2] == cls and v[4] == "0" and int(v[6]) > 0]
            print(f"{name}, {det}: {sum(n for _, n in fp)} false {cls} in variants without a true "
                  f"one (in no summary row): {', '.join(f'{v} {n}' for v, n in fp) or '-'}")
    for c in same:
        diff = [k for k in a if k[2] == c and a[k] != b.get(k)]
        diff += [k for k in sa if k[1] == c and sa[k] != sb.get(k)]
        print(f"\n{c}: {'every row the same' if not diff else f'{len(diff)} rows differ: {diff[:5]}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
