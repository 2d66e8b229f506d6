#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replays the opt-in movement-signs row (h12ak, classify_movement_signs.c) on
falsecramps.py traces (development seeds): an episode labelled cramp of
movement_min_s-movement_max_s (3-45 s) with env_mod_ratio / 1.0 +
lf_ratio / 0.5 >= 1 becomes a movement. Exact for the cramp rows (the row
acts only on would-be cramps; no later row reads its label). Prints per
variant tp / false / missed and F1 before -> after, the false cramps by
the truth event under them that the row removes, and the cramps it loses.

    replay.py TRACE.tsv[.gz]... [--by-kind]
"""
import collections
import csv
import gzip
import math
import sys


def rows(paths):
    for p in paths:
        op = gzip.open if p.endswith(".gz") else open
        with op(p, "rt") as f:
            yield from csv.DictReader(f, delimiter="\t")


def fl(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def fires(r, env_max=1.0, lf_lim=0.5, lo=3.0, hi=45.0):
    d, em, lf = fl(r["duration"]), fl(r["env_mod_ratio"]), fl(r["lf_ratio"])
    if not (lo <= d <= hi) or math.isnan(em) or math.isnan(lf):
        return False
    return em / env_max + lf / lf_lim >= 1


def main(paths):
    per = collections.defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tp_lost": 0, "fp_gone": 0,
                                           "ch": ""})
    gone, lost = collections.Counter(), []
    for r in rows(paths):
        v = per[r["variant"]]
        v["ch"] = r["channels"]
        if r["label"] == "missed":
            v["fn"] += int(r["truth"])
            continue
        f = fires(r)
        if r["label"] == "1":
            v["tp"] += 1
            if f:
                v["tp_lost"] += 1
                lost.append(f"{r['variant']} seed {r['seed']} {r['onset']} {r['duration']} s "
                            f"env {r['env_mod_ratio']} lf {r['lf_ratio']}")
        else:
            v["fp"] += 1
            if f:
                v["fp_gone"] += 1
                gone[r["truth"].lstrip("~")] += 1

    def f1(tp, fp, fn):
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    out = []
    for k, v in per.items():
        b = f1(v["tp"], v["fp"], v["fn"])
        a = f1(v["tp"] - v["tp_lost"], v["fp"] - v["fp_gone"], v["fn"] + v["tp_lost"])
        out.append((b, a, k, v))
    print("variant\tch\ttp/false/missed\tF1 before\tafter\tcramps lost\tfalse removed")
    for b, a, k, v in sorted(out):
        if v["tp_lost"] or v["fp_gone"] or b < 0.9:
            print(f"{k}\t{v['ch']}\t{v['tp']}/{v['fp']}/{v['fn']}\t{b:.3f}\t{a:.3f}\t{v['tp_lost']}\t{v['fp_gone']}")
    for grp, sel in (("1-2 ch", lambda c: int(c) <= 2), ("3+ ch", lambda c: int(c) >= 3), ("all", lambda c: True)):
        s = [(b, a) for b, a, k, v in out if sel(v["ch"])]
        if s:
            print(f"## {grp}: {len(s)} variants, mean {sum(x[0] for x in s) / len(s):.3f} -> "
                  f"{sum(x[1] for x in s) / len(s):.3f}, worst {min(x[0] for x in s):.3f} -> "
                  f"{min(x[1] for x in s):.3f}")
    print("false cramps removed by the truth event under them:", dict(gone))
    print("cramps lost:", *lost, sep="\n  ")


if __name__ == "__main__":
    main(sys.argv[1:])
