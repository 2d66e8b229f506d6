#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two detect-accuracy --variants tables of the same nights, lm_onset_power off
and on (h12ai; bench/README.md): per class, the summary rows (ours, plain) both
ways and every variant whose row of ours moved (n_truth tp fp fn F1).

    ab.py OFF.tsv ON.tsv [CLASS,...]   (default plm,cramp)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plm-study", "h12aa"))
from compare import rows  # noqa: E402  (summary rows keyed by detector, class, statistic)


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    a, sa = rows(sys.argv[1])
    b, sb = rows(sys.argv[2])
    for cls in (sys.argv[3] if len(sys.argv) > 3 else "plm,cramp").split(","):
        print(f"## {cls}: summary rows (off | on)")
        for k in sorted(sa):
            if k[1] == cls and "@" not in k[2]:
                print("\t".join(sa[k][1:]), "|", "\t".join(sb.get(k, ["-"] * 6)[5:]))
        print(f"## {cls}: variants of ours that moved (n tp fp fn F1, off -> on)")
        for k in a:
            if k[1] != "ours" or k[2] != cls:
                continue
            x, y = a[k], b.get(k)
            if y is None or x[4:8] != y[4:8]:
                yy = y or ["-"] * 17
                print(f"{k[0]}\t{x[4]} {x[5]} {x[6]} {x[7]} {x[14]}\t->\t"
                      f"{yy[4]} {yy[5]} {yy[6]} {yy[7]} {yy[14]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
