#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""True cramps found in run A and not in run B (falsecramps.py `make` tables of
the same nights; issue 12, h12ae), each with the cramp-labelled episodes of run
A that end within WINDOW s before it on its channel (truth, gap, excess-amplitude
ratio later / earlier).

    lost.py A.tsv B.tsv [WINDOW]
"""
import csv
import math
import sys


def rd(p):
    with open(p) as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["label"] != "missed"]


def exc(r):
    rms, rest = float(r["rms_uv"]), float(r["rest_uv"])
    return math.sqrt(max(rms * rms - rest * rest, 0))


def key(r):
    return (r["variant"], r["seed"], r["main_channel"], round(float(r["onset"])))


a, b = rd(sys.argv[1]), rd(sys.argv[2])
w = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
bt = {key(r) for r in b if r["label"] == "1"}
for r in a:
    if r["label"] != "1" or key(r) in bt:
        continue
    on = float(r["onset"])
    before = [p for p in a if p["variant"] == r["variant"] and p["seed"] == r["seed"] and
              p["main_channel"] == r["main_channel"] and p is not r and
              -float(r["duration"]) <= on - float(p["onset"]) - float(p["duration"]) <= w]
    desc = "; ".join(f"{p['truth']} gap {on - float(p['onset']) - float(p['duration']):.1f} s, "
                     f"ratio {exc(r) / max(exc(p), 1e-9):.2f}, dur {float(p['duration']):.1f}"
                     for p in before) or "no cramp-labelled episode before (a candidate labelled otherwise)"
    print(f"{r['variant']}\tseed {r['seed']}\t{on:.1f} s\tdur {float(r['duration']):.1f}\t{desc}")
