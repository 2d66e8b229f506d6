#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two detect-accuracy --variants tables (old and new simulator, same rules and seeds):
ours' cramp and PLM F1 mean and worst over the variants, per channel count (from each
variant's header line: channels=N, else the base scenario's 4), and the variants whose
F1 moved. Usage: h12r-compare.py OLD.tsv NEW.tsv [BASE_CHANNELS]"""
import re
import sys


def load(path, base_ch):
    ch, f1, cnt = {}, {}, {}
    for line in open(path):
        m = re.match(r"# variant (\S+): (.*)", line)
        if m:
            c = re.search(r"\bchannels=(\d+)", m.group(2))
            ch[m.group(1)] = int(c.group(1)) if c else base_ch
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) < 19 or f[0] in ("variant", "summary") or f[1] != "ours":
            continue
        if f[2] in ("cramp", "plm") and int(f[4]) > 0:
            f1[(f[0], f[2])] = float(f[14])
            cnt[(f[0], f[2])] = (int(f[4]), int(f[5]), int(f[6]))
    return ch, f1, cnt


def main():
    base_ch = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    cho, fo, co = load(sys.argv[1], base_ch)
    chn, fn, cn = load(sys.argv[2], base_ch)
    for cls in ("cramp", "plm"):
        print(f"## {cls} F1 (ours), old -> new")
        print("channels\tvariants\tmean old\tmean new\tworst old (variant)\tworst new (variant)")
        groups = sorted({cho.get(v, base_ch) for (v, c) in fo if c == cls})
        for g in groups + ["all"]:
            vs = [v for (v, c) in fo if c == cls and (g == "all" or cho.get(v, base_ch) == g)
                  and (v, c) in fn]
            if not vs:
                continue
            mo = sum(fo[(v, cls)] for v in vs) / len(vs)
            mn = sum(fn[(v, cls)] for v in vs) / len(vs)
            wo = min(vs, key=lambda v: fo[(v, cls)])
            wn = min(vs, key=lambda v: fn[(v, cls)])
            print(f"{g}\t{len(vs)}\t{mo:.3f}\t{mn:.3f}\t{fo[(wo, cls)]:.3f} ({wo})\t"
                  f"{fn[(wn, cls)]:.3f} ({wn})")
        print(f"## {cls}: variants whose F1 moved (truth, tp, fp old -> new)")
        for v in sorted({v for (v, c) in fo if c == cls}):
            k = (v, cls)
            if k in fn and (abs(fo[k] - fn[k]) > 5e-4 or co[k] != cn[k]):
                print(f"{v}\t{cho.get(v, base_ch)} ch\t{fo[k]:.3f} -> {fn[k]:.3f}\t"
                      f"{co[k]} -> {cn[k]}")
        print()


main()
