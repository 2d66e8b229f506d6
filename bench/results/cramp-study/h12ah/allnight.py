#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every detected episode of a night, with the night's own amplitude references (issue 12, h12ah).
Development seeds only (1-9999).

    allnight.py make CRAMP SCENARIO... --seeds LO HI --minutes M -o OUT.tsv
    allnight.py sep OUT.tsv [--cut MEASURE VALUE]   (VALUE chosen on other nights: what it removes here)

`make` runs `cramp synth`, `cramp detect` (one thread, default rules) and, for the night's own
references, `cramp filter` (20-450 Hz clamped to 0.45 fs, mains notch) and `cramp envelope` (0.5-s
RMS at 4 Hz). One row per detected episode of any class, labelled by the truth event it overlaps
best (IoU >= 0.2, as the scorer; else "none"), with the episode's excess RMS over the detector's
rest (sqrt(rms^2 - rest^2)) and, per channel, the night's envelope excess (over its 20th percentile)
at the 90th, 99th and 99.9th percentile.

`sep` compares true cramps (cramp-labelled, truth cramp) with cramp-labelled episodes over REM tonic
activity, per variant, under: the episode's excess over
  env_p90 / env_p99 / env_p999   the channel-night's envelope excess at that percentile,
  max_sust / med_sust            the largest / median excess of the night's detected episodes of
                                 >= 5 s on that channel, of ANY class (awakenings, stretches, ...)
and prints the ranges, the AUC and whether one cut holds on every variant.
"""
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "false-cramps-h12w"), os.path.join(HERE, "..", "h12ae")]
from falsecramps import kind_of, match  # noqa: E402  (h12w: the scorer's IoU >= 0.2 pairing)
from sep import auc  # noqa: E402  (h12ae: P[cramp > false cramp])


def rd(p):
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


def envref(path):
    with open(path) as f:
        hdr = f.readline().rstrip("\n").split("\t")
        rows = [list(map(float, ln.split("\t"))) for ln in f]
    out = {}
    for i, h in enumerate(hdr[1:]):
        v = [r[i + 1] for r in rows]
        rest = pct(v, 0.2)
        ex = [math.sqrt(max(x * x - rest * rest, 0.0)) for x in v]
        out[h.split(" [")[0]] = {k: pct(ex, q) for k, q in (("env_p90", 0.9), ("env_p99", 0.99), ("env_p999", 0.999))}
    return out


def make(args):
    cramp = args[0]
    i = args.index("--seeds")
    lo, hi = int(args[i + 1]), int(args[i + 2])
    minutes = args[args.index("--minutes") + 1]
    out = args[args.index("-o") + 1]
    scens = [a for a in args[1:i]]
    if not (1 <= lo <= hi <= 9999):
        sys.exit("development seeds only")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scen in scens:
            name = os.path.basename(scen)[:-9]
            kv = {}
            for ln in open(scen):
                if ln.strip() and not ln.startswith("#"):
                    kv[ln.split()[0]] = ln.split()[1]
            for seed in range(lo, hi + 1):
                edf, det = os.path.join(tmp, "n.edf"), os.path.join(tmp, "n.det.tsv")
                subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", minutes, "-o", edf],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1"], check=True)
                flt, env = os.path.join(tmp, "f.edf"), os.path.join(tmp, "e.tsv")
                subprocess.run([cramp, "filter", edf, "--band", f"20-{min(450, 0.45 * float(kv['fs'])):g}",
                                "--notch", kv.get("mains_hz", "50"), "--harmonics", "-o", flt],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                subprocess.run([cramp, "envelope", flt, "--window", "0.5", "--rate", "4", "-o", env],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ref = envref(env)
                truth = rd(os.path.join(tmp, "n.events.tsv"))
                for d in rd(det):
                    on, du = float(d["onset"]), float(d["duration"])
                    bt = match(on, du, truth)[0]
                    rms, rest = float(d["rms_uv"]), float(d["rest_uv"])
                    r = {"variant": name, "seed": seed, "channel": d["channel"], "onset": d["onset"],
                         "duration": d["duration"], "trial_type": d["trial_type"],
                         "truth": kind_of(bt) if bt else "none",
                         "rms_uv": d["rms_uv"], "rest_uv": d["rest_uv"],
                         "excess_uv": f"{math.sqrt(max(rms * rms - rest * rest, 0.0)):.4f}"}
                    r.update({k: f"{v:.4f}" for k, v in ref.get(d["channel"], {}).items()})
                    rows.append(r)
            sys.stderr.write(f"{name} ")
    keys = ["variant", "seed", "channel", "onset", "duration", "trial_type", "truth", "rms_uv", "rest_uv",
            "excess_uv", "env_p90", "env_p99", "env_p999"]
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, keys, delimiter="\t", lineterminator="\n", restval="n/a")
        w.writeheader()
        w.writerows(rows)


def print_summary(summ):
    """summ: (measure, lowest cramp, highest REM tonic, worst AUC) over the variants."""
    print()
    print("measure\tlowest cramp, any variant\thighest REM tonic, any variant\tone cut for all\tworst AUC")
    for k, lc, hr, wa in summ:
        print(f"{k}\t{lc:.3f}\t{hr:.3f}\t{'yes' if lc > hr else 'no'}\t{wa:.3f}")


MEAS = ["excess_uv", "x_rest", "x_env_p90", "x_env_p99", "x_env_p999", "x_max_sust", "x_med_sust"]


def sep(path, cut=None):
    rows = [r for r in rd(path) if r["rms_uv"] not in ("n/a", "")]
    chan = defaultdict(list)
    for r in rows:
        r["ex"] = float(r["excess_uv"])
        chan[(r["variant"], r["seed"], r["channel"])].append(r)
    per = defaultdict(lambda: {"tp": [], "rem": []})
    for r in rows:
        if r["trial_type"] != "cramp" or r["truth"] not in ("cramp", "rem_tonic"):
            continue
        sust = [q["ex"] for q in chan[(r["variant"], r["seed"], r["channel"])] if float(q["duration"]) >= 5]
        m = {"excess_uv": r["ex"], "x_rest": r["ex"] / float(r["rest_uv"])}
        for k in ("env_p90", "env_p99", "env_p999"):
            m["x_" + k] = r["ex"] / float(r[k]) if float(r[k]) > 0 else float("inf")
        m["x_max_sust"] = r["ex"] / max(sust)
        m["x_med_sust"] = r["ex"] / statistics.median(sust)
        per[r["variant"]]["tp" if r["truth"] == "cramp" else "rem"].append(m)
    names = [v for v in sorted(per) if per[v]["rem"] and per[v]["tp"]]
    if cut:
        k, c = cut[0], float(cut[1])
        print(f"# fixed cut {k} < {c:g}: per variant, REM-tonic false cramps removed / true cramps lost")
        for v in names:
            print(f"{v}\tREM {sum(1 for m in per[v]['rem'] if m[k] < c)}/{len(per[v]['rem'])}\t"
                  f"cramps {sum(1 for m in per[v]['tp'] if m[k] < c)}/{len(per[v]['tp'])}")
        return
    print("measure\tvariant\tn_cramp\tcramp_min\tcramp_max\tn_rem\trem_min\trem_max\tAUC\tgap(cramp_min-rem_max)")
    summ = []
    for k in MEAS:
        lc, hr, wa = [], [], []
        for v in names:
            tp = [m[k] for m in per[v]["tp"]]
            rem = [m[k] for m in per[v]["rem"]]
            a = auc(tp, rem)
            print(f"{k}\t{v}\t{len(tp)}\t{min(tp):.3f}\t{max(tp):.3f}\t{len(rem)}\t{min(rem):.3f}\t{max(rem):.3f}\t"
                  f"{a:.3f}\t{min(tp) - max(rem):.3f}")
            lc.append(min(tp))
            hr.append(max(rem))
            wa.append(a)
        summ.append((k, min(lc), max(hr), min(wa)))
    print_summary(summ)
    print()
    print("# one cut for all variants: at the lowest true cramp (no cramp lost): REM-tonic false cramps")
    print("# removed per variant; above the highest REM tonic (all removed): true cramps lost per variant")
    print("measure\tcut\t" + "\t".join(names))
    for k, lc, hr, wa in summ:
        print(f"{k}\t< {lc:.3f}\t" + "\t".join(
            f"REM {sum(1 for m in per[v]['rem'] if m[k] < lc)}/{len(per[v]['rem'])}" for v in names))
        print(f"{k}\t<= {hr:.3f}\t" + "\t".join(
            f"cramps {sum(1 for m in per[v]['tp'] if m[k] <= hr)}/{len(per[v]['tp'])}" for v in names))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2:])
    elif sys.argv[1] == "sep":
        sep(sys.argv[2], sys.argv[4:6] if "--cut" in sys.argv else None)
    else:
        sys.exit(__doc__)
