#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Night-relative amplitude: REM-tonic false cramps against true cramps (issue 12, h12ah).
Reads h12w's falsecramps.py `make` tables (development seeds only; h12ae's traces) and prints,
per variant, the range of true cramps and of false cramps over REM tonic activity under each
measure, the AUC (P[cramp > REM tonic]) and whether one cut separates them on every variant.

    nightrel.py DATA.tsv[.gz]...

Measures (excess = sqrt(rms^2 - rest^2), the episode's RMS above the channel's resting level):
  excess_uv          absolute excess, uV
  excess_x_rest      excess / the channel's resting RMS (rest_uv, the detector's baseline)
  x_ch_max           excess / the largest excess of the night's cramp-labelled episodes on that channel
  x_ch_med           excess / the median excess of the night's cramp-labelled episodes on that channel
  x_night_max        excess / the largest excess of the night's cramp-labelled episodes, any channel
  x_ch_max_other     excess / the largest excess of the OTHER cramp-labelled episodes on that
                     channel that night (none: no row; counted as 'alone')
"""
import csv
import gzip
import math
import os
import statistics
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "h12ae")]
from sep import auc, num  # noqa: E402  (h12ae)
from allnight import print_summary  # noqa: E402


def rd(p):
    op = gzip.open if p.endswith(".gz") else open
    with op(p, "rt") as f:
        return list(csv.DictReader(f, delimiter="\t"))


MEAS = ["excess_uv", "excess_x_rest", "x_ch_max", "x_ch_med", "x_night_max", "x_ch_max_other"]


def main(paths):
    rows = [r for p in paths for r in rd(p) if r["label"] in ("0", "1")]
    for r in rows:
        rms, rest = num(r["rms_uv"]), num(r["rest_uv"])
        r["excess_uv"] = math.sqrt(max(rms * rms - rest * rest, 0.0))
        r["excess_x_rest"] = r["excess_uv"] / rest if rest else None
    night = defaultdict(list)
    chan = defaultdict(list)
    for r in rows:
        night[(r["variant"], r["seed"])].append(r)
        chan[(r["variant"], r["seed"], r["channel"])].append(r)
    for r in rows:
        c = chan[(r["variant"], r["seed"], r["channel"])]
        ex = [q["excess_uv"] for q in c]
        r["x_ch_max"] = r["excess_uv"] / max(ex)
        r["x_ch_med"] = r["excess_uv"] / statistics.median(ex)
        r["x_night_max"] = r["excess_uv"] / max(q["excess_uv"] for q in night[(r["variant"], r["seed"])])
        oth = [q["excess_uv"] for q in c if q is not r]
        r["x_ch_max_other"] = r["excess_uv"] / max(oth) if oth else None
    per = defaultdict(lambda: {"tp": [], "rem": []})
    for r in rows:
        if r["label"] == "1":
            per[r["variant"]]["tp"].append(r)
        elif r["truth"] == "rem_tonic":
            per[r["variant"]]["rem"].append(r)
    names = [v for v in sorted(per) if per[v]["rem"]]
    print("# variants with REM-tonic false cramps:", ", ".join(names))
    print("# rows: cramps (tp) and REM-tonic false cramps; gap = min(cramp) - max(REM) (> 0: a cut between them)")
    print("measure\tvariant\tn_cramp\tcramp_min\tcramp_p5\tcramp_max\tn_rem\trem_min\trem_p95\trem_max\tAUC\tgap\tn_alone")
    summary = []
    for m in MEAS:
        lo_c, hi_r, aucs, seps = [], [], [], []
        for v in names:
            tp = [r[m] for r in per[v]["tp"] if r[m] is not None]
            rem = [r[m] for r in per[v]["rem"] if r[m] is not None]
            alone = sum(1 for r in per[v]["tp"] + per[v]["rem"] if r[m] is None)
            a = auc(tp, rem)
            gap = min(tp) - max(rem) if tp and rem else float("nan")
            q = statistics.quantiles
            print(f"{m}\t{v}\t{len(tp)}\t{min(tp):.3f}\t{q(tp, n=20, method='inclusive')[0]:.3f}\t{max(tp):.3f}\t{len(rem)}\t"
                  f"{min(rem) if rem else float('nan'):.3f}\t"
                  f"{q(rem, n=20, method='inclusive')[-1] if len(rem) > 1 else float('nan'):.3f}\t"
                  f"{max(rem) if rem else float('nan'):.3f}\t{a:.3f}\t{gap:.3f}\t{alone}")
            if tp:
                lo_c.append(min(tp))
            if rem:
                hi_r.append(max(rem))
            aucs.append(a)
        summary.append((m, min(lo_c), max(hi_r), min(aucs)))
    print_summary(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
