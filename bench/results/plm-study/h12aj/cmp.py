#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two detect-accuracy --variants tables side by side (h12aj): per variant the
PLM and cramp rows, ours before -> after and plain, tp/fp/fn and F1; then the
worst case and the count of variants where ours is behind plain.

    cmp.py BEFORE.tsv AFTER.tsv [CLASS,...]
"""
import sys


def rows(p):
    out = {}
    for line in open(p):
        if line.startswith("#") or line.startswith("scenario") or line.startswith("variant\t"):
            continue
        t = line.rstrip("\n").split("\t")
        if len(t) < 17:
            continue
        out[(t[0], t[1], t[2])] = (t[5], t[6], t[7], t[14])
    return out


a, b = rows(sys.argv[1]), rows(sys.argv[2])
classes = sys.argv[3].split(",") if len(sys.argv) > 3 else ["plm", "cramp"]
names = sorted({k[0] for k in a if k[0] not in ("pooled", "by-rate", "by-snr")} & {k[0] for k in b})
for cls in classes:
    worst, tot = {}, {"before": [], "after": [], "plain": []}
    behind = {"before": [], "after": []}
    changed = 0
    for v in names:
        ka, kp = (v, "ours", cls), (v, "plain", cls)
        if ka not in a or ka not in b:
            continue
        fa, fb, fp = a[ka][3], b[ka][3], a.get(kp, ("", "", "", "NA"))[3]
        for w, f in (("before", fa), ("after", fb), ("plain", fp)):
            if f != "NA":
                tot[w].append(float(f))
            if w == "plain":
                continue
            if f != "NA" and (w not in worst or float(f) < worst[w][0]):
                worst[w] = (float(f), v)
            if f != "NA" and fp != "NA" and float(f) < float(fp):
                behind[w].append(v)
        if a[ka] != b[ka]:
            changed += 1
            print(f"{cls}\t{v}\t{'/'.join(a[ka][:3])} {fa} -> {'/'.join(b[ka][:3])} {fb}\tplain {'/'.join(a.get(kp, ('',) * 4)[:3])} {fp}")
    mean = {w: sum(v) / len(v) if v else float("nan") for w, v in tot.items()}
    print(f"{cls}: {changed} of {len(names)} variants moved; worst before {worst.get('before')} after {worst.get('after')}; "
          f"mean before {mean['before']:.3f} after {mean['after']:.3f} plain {mean['plain']:.3f} (min {min(tot['plain'] or [float('nan')]):.3f})")
    print(f"{cls}: behind plain before {len(behind['before'])} {behind['before']}")
    print(f"{cls}: behind plain after  {len(behind['after'])} {behind['after']}")
