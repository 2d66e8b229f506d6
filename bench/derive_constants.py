#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Re-derives the classifier's derived constants from development nights.

Runs `cramp synth` on each scenario for development seeds, `cramp detect` on
each night, pairs every detected episode with the truth event it overlaps
most (any class), and prints per truth class the quantiles of the episode
measures the rules compare (tonic_fraction, lf_ratio, bursts), then each
derived constant with the figure it comes from. Usage (bench/README.md,
"Derived constants"):

    bench/derive-constants.sh BUILD_DIR [SEEDS] [MINUTES]
"""
import csv
import os
import subprocess
import sys
import tempfile


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def quantile(xs, q):
    xs = sorted(x for x in xs if x == x)
    if not xs:
        return float("nan")
    pos = q * (len(xs) - 1)
    i = int(pos)
    j = min(i + 1, len(xs) - 1)
    return xs[i] + (xs[j] - xs[i]) * (pos - i)


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: derive_constants.py CRAMP SCENARIO... [--seeds A-B] [--minutes M]\n")
        return 2
    cramp = sys.argv[1]
    args = sys.argv[2:]
    seeds = (1001, 1004)
    minutes = 30
    scen = []
    i = 0
    while i < len(args):
        if args[i] == "--seeds":
            a, b = args[i + 1].split("-")
            seeds = (int(a), int(b))
            i += 2
        elif args[i] == "--minutes":
            minutes = int(args[i + 1])
            i += 2
        else:
            scen.append(args[i])
            i += 1
    if not (1 <= seeds[0] <= seeds[1] <= 9999):
        sys.stderr.write("derive_constants: development seeds only (1-9999)\n")
        return 2
    meas = {}  # truth class -> list of dicts
    stretch_gaps = []  # truth: a stretch's onset after its cramp's end, s
    with tempfile.TemporaryDirectory() as tmp:
        for s in scen:
            for seed in range(seeds[0], seeds[1] + 1):
                edf = os.path.join(tmp, "n.edf")
                subprocess.run([cramp, "synth", s, "--seed", str(seed), "--minutes", str(minutes),
                                "-o", edf], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                det = os.path.join(tmp, "n.det.tsv")
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet"], check=True)
                truth = read_tsv(os.path.join(tmp, "n.events.tsv"))
                cr_end = [num(t["onset"]) + num(t["duration"]) for t in truth
                          if t["trial_type"] == "cramp"]
                for t in truth:
                    if t["detail"].startswith("stretch"):
                        ends = [e for e in cr_end if e <= num(t["onset"])]
                        if ends:
                            stretch_gaps.append(num(t["onset"]) - max(ends))
                for d in read_tsv(det):
                    on, du = num(d["onset"]), num(d["duration"])
                    best, cls = 0.0, "none"
                    for t in truth:
                        ton, tdu = num(t["onset"]), num(t["duration"])
                        ov = min(on + du, ton + tdu) - max(on, ton)
                        un = max(on + du, ton + tdu) - min(on, ton)
                        iou = ov / un if un > 0 else 0
                        if iou > best:
                            best, cls = iou, t["trial_type"]
                    if best < 0.2:
                        cls = "none"
                    meas.setdefault(cls, []).append(d)
    cols = ["duration", "tonic_fraction", "bursts", "rises", "rise_cv", "lf_ratio", "rms_x_rest",
            "kurtosis"]
    print("# per truth class (episodes paired with IoU >= 0.2): q01 q05 q50 q95 q99")
    for cls in sorted(meas):
        rows = meas[cls]
        print(f"{cls}\tn={len(rows)}")
        for c in cols:
            xs = [num(r[c]) for r in rows]
            qs = " ".join(f"{quantile(xs, q):.3f}" for q in (0.01, 0.05, 0.5, 0.95, 0.99))
            print(f"  {c:16s} {qs}")
    cr = meas.get("cramp", [])
    # only sustained (>= 5 s) episodes reach the tonic test
    lm = [num(r["tonic_fraction"]) for cls in ("hft", "alma") for r in meas.get(cls, [])
          if num(r["duration"]) >= 5]
    t_cr = quantile([num(r["tonic_fraction"]) for r in cr], 0.01)
    import math
    print("# derived")
    print(f"tonic_min\t{math.floor(t_cr / 0.05 + 1e-9) * 0.05:.2f}\tcramps' 1st percentile of "
          f"tonic_fraction {t_cr:.3f} (n={len(cr)}), rounded down to a multiple of 0.05; "
          f"HFT/ALMA episodes >= 5 s: 99th percentile {quantile(lm, 0.99):.3f}")
    cv_cr = [num(r["rise_cv"]) for r in cr if num(r["rises"]) >= 3]
    cv_tr = [num(r["rise_cv"]) for cls in ("hft", "alma") for r in meas.get(cls, [])
             if num(r["rises"]) >= 3]
    q = quantile(cv_cr, 0.01)
    print(f"train_max_cv\t{math.floor(q / 0.05 + 1e-9) * 0.05:.2f}\tcramps with >= 3 rises: 1st "
          f"percentile of rise_cv {q:.3f} (n={len(cv_cr)}), rounded down to a multiple of 0.05; "
          f"HFT/ALMA episodes with >= 3 rises: median {quantile(cv_tr, 0.5):.3f} (n={len(cv_tr)})")
    g = max(stretch_gaps) if stretch_gaps else float("nan")
    print(f"stretch_window_s\t{math.ceil(2 * g):.0f}\ttwice the longest gap from a cramp's end "
          f"to its stretch in the truth ({g:.2f} s, n={len(stretch_gaps)}), rounded up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
