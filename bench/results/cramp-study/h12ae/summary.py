#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cramp and PLM F1 of a detect-accuracy --variants table: mean and worst over
all variants and over the 1-2-channel ones (channel count from the `# variant`
lines; the base has 4), ours and plain, variants where ours is ahead of plain;
with a second table, the variants whose cramp or PLM row moved (issue 12, h12ae).

    summary.py TABLE.tsv [OTHER.tsv]
"""
import sys


def load(p):
    ch, rows = {}, {}
    for ln in open(p):
        if ln.startswith("# variant "):
            name, kv = ln[len("# variant "):].split(": ", 1)
            ch[name] = 4
            for t in kv.split():
                if t.startswith("channels="):
                    ch[name] = int(t.split("=")[1])
        elif ln.strip() and not ln.startswith(("#", "variant\t", "summary\t")):
            f = ln.rstrip("\n").split("\t")
            if len(f) < 15:
                continue
            rows[(f[0], f[1], f[2])] = f
    return ch, rows


def stats(ch, rows, cls):
    out = []
    for det in ("ours", "plain"):
        for sel, nm in ((lambda v: True, "all"), (lambda v: ch.get(v, 4) <= 2, "1-2 ch")):
            fs = [(float(r[14]), v) for (v, d, c), r in rows.items() if d == det and c == cls and sel(v)
                  and r[14] != "NA"]
            if not fs:
                continue
            w = min(fs)
            out.append(f"{cls} {det} {nm}: mean {sum(f for f, _ in fs) / len(fs):.3f} worst {w[0]:.3f} ({w[1]})")
    ahead = tied = n = 0
    for (v, d, c), r in rows.items():
        if d == "ours" and c == cls and (v, "plain", c) in rows:
            a, b = float(r[14]), float(rows[(v, "plain", c)][14])
            n += 1
            ahead += a > b
            tied += a == b
    out.append(f"{cls}: ours ahead of plain on {ahead} of {n} ({tied} tied)")
    tot = [sum(int(r[i]) for (v, d, c), r in rows.items() if d == "ours" and c == cls) for i in (5, 6, 7)]
    out.append(f"{cls} ours totals tp/fp/fn {tot[0]}/{tot[1]}/{tot[2]}")
    return out


def main():
    ch, a = load(sys.argv[1])
    for cls in ("cramp", "plm"):
        print("\n".join(stats(ch, a, cls)))
    if len(sys.argv) > 2:
        _, b = load(sys.argv[2])
        print("## moved (ours): variant class tp/fp/fn F1 -> tp/fp/fn F1")
        for k in sorted(a):
            if k[1] != "ours" or k not in b:
                continue
            ra, rb = a[k], b[k]
            if ra[5:8] != rb[5:8]:
                print(f"{k[0]}\t{k[2]}\t{'/'.join(ra[5:8])} {ra[14]} -> {'/'.join(rb[5:8])} {rb[14]}"
                      f"\t({ch.get(k[0], 4)} ch)")


if __name__ == "__main__":
    main()
