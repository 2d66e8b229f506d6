#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cramp-labelled episodes that start within WINDOW s after another one on the
same channel ends (issue 12, h12ae; development data of falsecramps.py `make`):
what each pair is (truth of the earlier and of the later) and the later's
excess amplitude over the earlier's. Replays "the later is the reaction to the
earlier" (stretch-same-channel) with and without an amplitude bound.

    pairs.py DATA.tsv [WINDOW]
"""
import csv
import math
import sys
from collections import defaultdict


def rd(p):
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def exc(r):
    rms, rest = float(r["rms_uv"]), float(r["rest_uv"])
    return math.sqrt(max(rms * rms - rest * rest, 0))


def main(path, window):
    rows = rd(path)
    night = defaultdict(list)
    per = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        if r["label"] == "missed":
            per[r["variant"]][2] += int(r["truth"])
            continue
        per[r["variant"]][0 if r["label"] == "1" else 1] += 1
        night[(r["variant"], r["seed"], r["main_channel"])].append(r)
    pairs = []
    for key, lst in night.items():
        lst.sort(key=lambda r: float(r["onset"]))
        for i in range(1, len(lst)):
            k = lst[i]
            for p in reversed(lst[:i]):
                gap = float(k["onset"]) - (float(p["onset"]) + float(p["duration"]))
                if gap > window:
                    break
                if gap < -float(k["duration"]):
                    continue
                pairs.append((key[0], p, k, gap, exc(k) / max(exc(p), 1e-9)))
                break
    print("variant\tearlier\tlater\tgap_s\tlater/earlier excess amp\tlater dur\tearlier dur")
    for v, p, k, gap, ratio in sorted(pairs, key=lambda x: (x[0], x[4])):
        print(f"{v}\t{p['truth']}\t{k['truth']}\t{gap:.1f}\t{ratio:.2f}\t{float(k['duration']):.1f}\t{float(p['duration']):.1f}")
    print()
    for name, bound in (("any", None), ("ratio<=2.5", 2.5), ("ratio<=1", 1.0)):
        print(f"## veto the later when {name}")
        tot = [0, 0]
        fs = []
        for v in sorted(per):
            tp, fp, fn = per[v]
            lost = sum(1 for x in pairs if x[0] == v and x[2]["label"] == "1" and (bound is None or x[4] <= bound))
            rem = sum(1 for x in pairs if x[0] == v and x[2]["label"] == "0" and (bound is None or x[4] <= bound))
            f0 = 2 * tp / (2 * tp + fp + fn)
            f1 = 2 * (tp - lost) / (2 * (tp - lost) + fp - rem + fn + lost)
            fs.append(f1)
            tot[0] += lost
            tot[1] += rem
            print(f"  {v}: F1 {f0:.3f} -> {f1:.3f} (cramps lost {lost}, false removed {rem})")
        print(f"  mean {sum(fs) / len(fs):.3f} worst {min(fs):.3f}; lost {tot[0]}, removed {tot[1]}")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 10.0)
