#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A detect-accuracy --variants table in a few figures (h12aq, round 14): per
class (plm, cramp) the mean F1 of ours over the variants with a true event,
the worst (variant), the worst on 3-4 and on 1-2 channels (the channel count
from the table's `# variant` lines, 4 where none is set), plain's mean and
worst, and the variants where ours is behind plain.

    summ.py TABLE.tsv [CLASS,...]
"""
import re
import sys


def load(p):
    rows, chans = {}, {}
    for line in open(p):
        if line.startswith("# variant "):
            name, _, rest = line[len("# variant "):].rstrip("\n").partition(": ")
            m = re.search(r"\bchannels=(\d)", rest)
            chans[name] = int(m.group(1)) if m else 4
            continue
        if line.startswith("#") or line.startswith("variant\t"):
            continue
        t = line.rstrip("\n").split("\t")
        if len(t) < 17 or t[0] in ("pooled", "by-rate", "by-snr") or int(t[4]) == 0:
            continue
        rows[(t[0], t[1], t[2])] = (int(t[5]), int(t[6]), int(t[7]), float(t[14]))
    return rows, chans


def main():
    rows, chans = load(sys.argv[1])
    classes = sys.argv[2].split(",") if len(sys.argv) > 2 else ["plm", "cramp"]
    for cls in classes:
        ours = {v: r for (v, d, c), r in rows.items() if d == "ours" and c == cls}
        plain = {v: r for (v, d, c), r in rows.items() if d == "plain" and c == cls}
        if not ours:
            continue
        f = {v: r[3] for v, r in ours.items()}
        worst = min(f, key=f.get)
        out = [f"{cls}: {len(f)} variants, mean {sum(f.values()) / len(f):.3f}, "
               f"worst {f[worst]:.3f} ({worst} {ours[worst][0]}/{ours[worst][1]}/{ours[worst][2]})"]
        for lo, hi in ((3, 4), (1, 2)):
            g = {v: x for v, x in f.items() if lo <= chans.get(v, 4) <= hi}
            if g:
                w = min(g, key=g.get)
                out.append(f"{lo}-{hi} ch mean {sum(g.values()) / len(g):.3f} worst {g[w]:.3f} ({w})")
        pf = {v: r[3] for v, r in plain.items()}
        if pf:
            pw = min(pf, key=pf.get)
            out.append(f"plain mean {sum(pf.values()) / len(pf):.3f} worst {pf[pw]:.3f} ({pw})")
        behind = [f"{v} {f[v]:.3f}/{pf[v]:.3f}" for v in sorted(f) if v in pf and f[v] < pf[v]]
        tied = sum(1 for v in f if v in pf and f[v] == pf[v])
        ahead = sum(1 for v in f if v in pf and f[v] > pf[v])
        out.append(f"ahead {ahead}, tied {tied}, behind {len(behind)}: " + ("; ".join(behind) or "-"))
        print("; ".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
