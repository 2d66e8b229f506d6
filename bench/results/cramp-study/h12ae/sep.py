#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-variant separability of true and false cramps on 1-2 channels (issue 12, h12ae).
Reads falsecramps.py `make` tables (development seeds only) and prints, per measure,
the AUC (P[true cramp > false cramp]) on every variant, and the false cramps by the
truth event under them per variant.

    sep.py DATA.tsv... [--only KIND]   (false cramps over that truth kind only)
"""
import csv
import math
import sys
from collections import defaultdict


def rd(p):
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def num(v):
    try:
        x = float(v)
        return x if math.isfinite(x) else None
    except (TypeError, ValueError):
        return None


def auc(pos, neg):
    pos = [p for p in pos if p is not None]
    neg = [n for n in neg if n is not None]
    if not pos or not neg:
        return float("nan")
    s = 0.0
    for p in pos:
        for n in neg:
            s += 1 if p > n else 0.5 if p == n else 0
    return s / (len(pos) * len(neg))


def derived(r):
    d = {}
    rms, rest, peak = num(r["rms_uv"]), num(r["rest_uv"]), num(r["peak_uv"])
    d["crest"] = peak / rms if rms and peak else None
    d["excess_uv"] = math.sqrt(max(rms * rms - rest * rest, 0)) if rms and rest is not None else None
    ms, me = num(r["mnf_start_hz"]), num(r["mnf_end_hz"])
    d["mnf_ratio"] = me / ms if ms and me else None
    return d


COLS = ["duration", "rms_uv", "rms_x_rest", "peak_uv", "mnf_start_hz", "mnf_end_hz", "mdf_end_hz",
        "mnf_slope_hz_s", "lf_ratio", "kurtosis", "tonic_fraction", "rises", "rise_cv",
        "prev_interval_s", "next_interval_s", "precursor_s", "env_mod_ratio", "confidence"]


def main(args):
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        args = args[:i] + args[i + 2:]
    rows = [r for p in args for r in rd(p)]
    if only:
        rows = [r for r in rows if r["label"] != "0" or r["truth"] == only]
    per = defaultdict(lambda: {"tp": [], "fp": [], "fn": 0})
    for r in rows:
        v = per[r["variant"]]
        if r["label"] == "missed":
            v["fn"] += int(r["truth"])
        else:
            r.update(derived(r))
            v["tp" if r["label"] == "1" else "fp"].append(r)
    names = sorted(per)
    print("variant\ttp\tfp\tfn\tF1\tfalse cramps by truth event")
    for k in names:
        v = per[k]
        tp, fp, fn = len(v["tp"]), len(v["fp"]), v["fn"]
        cnt = defaultdict(int)
        for r in v["fp"]:
            cnt[r["truth"]] += 1
        kinds = ", ".join(f"{a} {b}" for a, b in sorted(cnt.items(), key=lambda x: -x[1]))
        print(f"{k}\t{tp}\t{fp}\t{fn}\t{2 * tp / (2 * tp + fp + fn):.3f}\t{kinds}")
    print()
    print("measure\t" + "\t".join(names) + "\tmin\tmax\tside")
    for c in COLS + ["crest", "excess_uv", "mnf_ratio"]:
        a = []
        for k in names:
            v = per[k]
            a.append(auc([num(r[c]) if not isinstance(r[c], float) else r[c] for r in v["tp"]],
                         [num(r[c]) if not isinstance(r[c], float) else r[c] for r in v["fp"]]))
        ok = [x for x in a if not math.isnan(x)]
        if not ok:
            continue
        side = "same" if ok and (min(ok) > 0.5 or max(ok) < 0.5) else "flips"
        print(c + "\t" + "\t".join(f"{x:.2f}" for x in a) + f"\t{min(ok):.2f}\t{max(ok):.2f}\t{side}")


if __name__ == "__main__":
    main(sys.argv[1:])
