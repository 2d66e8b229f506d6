#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM study, measures (bench/README.md, "PLM worst case"). Development seeds only.

Over the named variants (as study.py builds them) prints

  1. the active time (duration x tonic_fraction, s) and the span of the
     detected episodes that match a true PLM, against those of episodes
     labelled plm over anything else (fragmentary myoclonus, bursts, ...);
  2. from the truth alone: the ratio of consecutive onset intervals inside a
     series (the longer over the shorter, only where no LM was left out
     between them): how regular a series' period is; its 95th percentile is
     the tolerance of the missed-LM bridge (rounded up to 0.25).

    derive.py CRAMP TABLE.tsv VARIANTS_BASE SEED_LO SEED_HI MINUTES NAME[,NAME...]
"""
import math
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study import match, night, variants, write_scenario  # noqa: E402


def q(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    i = p * (len(v) - 1)
    lo = math.floor(i)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)


def qs(v):
    return " ".join(f"{p:g}:{q(v, p / 100):.3f}" for p in (0, 1, 5, 50, 95, 99, 100)) + f" (n={len(v)})"


def main():
    if len(sys.argv) != 8:
        sys.stderr.write(__doc__)
        return 2
    cramp, table, base, lo, hi, minutes, names = sys.argv[1:]
    lo, hi = int(lo), int(hi)
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("derive.py: development seeds only (1-9999)\n")
        return 2
    defs = variants(table)
    with open(base) as f:
        base_text = f.read()
    act_true, act_false, ratios = [], {}, []
    rx = re.compile(r"series (\d+), lm (\d+)/(\d+)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names.split(","):
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text, defs[name])
            for seed in range(lo, hi + 1):
                truth, det = night(cramp, tmp, scen, seed, minutes)
                tp_l = [t for t in truth if t["trial_type"] == "plm"]
                dp_l = [d for d in det if d["trial_type"] == "plm"]
                ti, dj = match(tp_l, dp_l)
                for j, d in enumerate(dp_l):
                    tf = float(d["tonic_fraction"]) if d["tonic_fraction"] != "n/a" else 1.0
                    a = float(d["duration"]) * tf
                    if j in dj:
                        act_true.append(a)
                    else:
                        best, bo = "none", 0.0
                        for t in truth:
                            ov = min(float(d["onset"]) + float(d["duration"]),
                                     float(t["onset"]) + float(t["duration"])) - max(float(d["onset"]), float(t["onset"]))
                            # the shortest truth event under it names it (a fragmentary
                            # episode spans 20-40 min and lies under everything)
                            if ov > 0 and (best == "none" or float(t["duration"]) < bo):
                                best, bo = t["trial_type"], float(t["duration"])
                        act_false.setdefault(best, []).append(a)
                # truth intervals: consecutive LMs of a series (lm numbers j, j+1)
                ser = {}
                for t in tp_l:
                    m = rx.search(t["detail"])
                    if m:
                        ser.setdefault(m.group(1), []).append((int(m.group(2)), float(t["onset"])))
                for s in ser.values():
                    s.sort()
                    ivs = []
                    for (ja, ta), (jb, tb) in zip(s, s[1:]):
                        ivs.append((ja, jb, tb - ta))
                    for (a1, b1, i1), (a2, b2, i2) in zip(ivs, ivs[1:]):
                        if b1 == a1 + 1 and b2 == a2 + 1 and min(i1, i2) > 0:
                            ratios.append(max(i1, i2) / min(i1, i2))
    print(f"# variants {names}, seeds {lo}-{hi}, {minutes} min")
    print("active time (s) of plm episodes matching a true PLM:", qs(act_true))
    for k, v in sorted(act_false.items()):
        print(f"active time (s) of false plm episodes over {k}:", qs(v))
    print("ratio of consecutive true intervals in a series:", qs(ratios))
    r95 = q(ratios, 0.95)
    print(f"bridge tolerance = 95th percentile {r95:.3f} rounded up to 0.25: {math.ceil(r95 * 4) / 4:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
