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
import math
import re
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


def floor_to(v, step):
    return math.floor(v / step + 1e-9) * step if v == v else float("nan")


def above_rest(d):
    r, l = num(d["rms_uv"]), num(d["rest_uv"])
    return (max(r * r - l * l, 0.0)) ** 0.5


def precursor_pairs(truth, dets, pre, pre_inside, others):
    """Precursor activity (rising calf sEMG before the cramp; the truth gives
    it only in its cramp's detail, "precursor X s", from onset - X to onset)
    against the cramp's own episode (the detected episode on one of the
    cramp's channels overlapping it most): each detected piece of the
    precursor on the cramp's main channel (at least half of it inside the
    precursor's span) gives (gap from its end to the cramp episode's onset,
    its amplitude above rest over the cramp episode's). Also every other
    episode on that channel ending within 30 s before the cramp episode
    (no precursor): what a precursor rule must not swallow."""
    for t in truth:
        if t["trial_type"] != "cramp":
            continue
        ton, tdu = num(t["onset"]), num(t["duration"])
        chans = set(t["channel"].split(","))
        best, cr = 0.0, None
        for d in dets:
            if d["main_channel"] not in chans:
                continue
            on, du = num(d["onset"]), num(d["duration"])
            ov = min(on + du, ton + tdu) - max(on, ton)
            un = max(on + du, ton + tdu) - min(on, ton)
            if un > 0 and ov / un > best:
                best, cr = ov / un, d
        if cr is None or best < 0.2:
            continue
        m = re.search(r"precursor ([0-9.]+) s", t["detail"])
        plen = float(m.group(1)) if m else 0.0
        con = num(cr["onset"])
        if plen > 0:
            pre_inside[1] += 1
            if con < ton - 1:
                pre_inside[0] += 1
        a_cr = above_rest(cr)
        for d in dets:
            if d is cr or d["main_channel"] != cr["main_channel"]:
                continue
            on, du = num(d["onset"]), num(d["duration"])
            gap = con - (on + du)
            if on >= con or gap > 30:
                continue
            ratio = above_rest(d) / a_cr if a_cr > 0 else float("nan")
            inside = min(on + du, ton) - max(on, ton - plen)
            if plen > 0 and du > 0 and inside >= 0.5 * du:
                pre.append((gap, ratio))
                if os.environ.get("DERIVE_VERBOSE"):
                    print(f"# piece {on:.2f}+{du:.2f} {d['trial_type']} ratio {ratio:.3f} gap "
                          f"{gap:.2f}; cramp ep {con:.2f}+{num(cr['duration']):.2f} "
                          f"truth {ton:.2f}+{tdu:.2f} {t['detail']}", file=sys.stderr)
            else:
                under = "none"  # the truth event under it (most overlap)
                most = 0.0
                for u in truth:
                    uon, udu = num(u["onset"]), num(u["duration"])
                    ov = min(on + du, uon + udu) - max(on, uon)
                    if ov > most:
                        most, under = ov, u["detail"]
                others.append((gap, ratio, under, t["detail"]))


def cramp_before(truth, dets, kept):
    """True cramps (the detected episode paired with one, IoU >= 0.2) against
    every later episode of >= 5 s (a would-be cramp) on the same main channel
    starting within 30 s of its end: (gap, the cramp's amplitude above rest
    over the later one's, the truth under the later one). A precursor rule
    must not swallow these cramps."""
    for d in dets:
        on, du = num(d["onset"]), num(d["duration"])
        best, bt = 0.0, None
        for t in truth:
            ton, tdu = num(t["onset"]), num(t["duration"])
            ov = min(on + du, ton + tdu) - max(on, ton)
            un = max(on + du, ton + tdu) - min(on, ton)
            if un > 0 and ov / un > best:
                best, bt = ov / un, t
        if bt is None or best < 0.2 or bt["trial_type"] != "cramp":
            continue
        for k in dets:
            kon, kdu = num(k["onset"]), num(k["duration"])
            gap = kon - (on + du)
            if k is d or k["main_channel"] != d["main_channel"] or kdu < 5 or not 0 <= gap <= 30:
                continue
            under, most = "none", 0.0
            for u in truth:
                uon, udu = num(u["onset"]), num(u["duration"])
                ov = min(kon + kdu, uon + udu) - max(kon, uon)
                if ov > most:
                    most, under = ov, u["detail"]
            a = above_rest(k)
            kept.append((gap, above_rest(d) / a if a > 0 else float("nan"), under))


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
    pre = []  # precursor pieces: (gap to the cramp's detected onset s, amplitude ratio)
    pre_inside = [0, 0]  # cramps with a precursor: detected onset > 1 s early, all
    kept = []  # a true cramp, then a later would-be cramp on its channel
    others = []  # earlier episodes on a cramp's main channel that are no precursor
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
                dets = read_tsv(det)
                precursor_pairs(truth, dets, pre, pre_inside, others)
                cramp_before(truth, dets, kept)
                for d in dets:
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
    print("# derived")
    print(f"tonic_min\t{floor_to(t_cr, 0.05):.2f}\tcramps' 1st percentile of "
          f"tonic_fraction {t_cr:.3f} (n={len(cr)}), rounded down to a multiple of 0.05; "
          f"HFT/ALMA episodes >= 5 s: 99th percentile {quantile(lm, 0.99):.3f}")
    cv_cr = [num(r["rise_cv"]) for r in cr if num(r["rises"]) >= 3]
    cv_tr = [num(r["rise_cv"]) for cls in ("hft", "alma") for r in meas.get(cls, [])
             if num(r["rises"]) >= 3]
    q = quantile(cv_cr, 0.01)
    print(f"train_max_cv\t{floor_to(q, 0.05):.2f}\tcramps with >= 3 rises: 1st "
          f"percentile of rise_cv {q:.3f} (n={len(cv_cr)}), rounded down to a multiple of 0.05; "
          f"HFT/ALMA episodes with >= 3 rises: median {quantile(cv_tr, 0.5):.3f} (n={len(cv_tr)})")
    g = max(stretch_gaps) if stretch_gaps else float("nan")
    print(f"stretch_window_s\t{math.ceil(2 * g):.0f}\ttwice the longest gap from a cramp's end "
          f"to its stretch in the truth ({g:.2f} s, n={len(stretch_gaps)}), rounded up")
    gaps = [g for g, _ in pre]
    ratios = [r for _, r in pre]
    print(f"# cramps with a precursor whose episode starts > 1 s before the truth onset "
          f"(precursor not split off): {pre_inside[0]} of {pre_inside[1]}")
    kr = [r for _, r, _ in kept]
    qk = quantile(kr, 0.01)
    print(f"# a true cramp and a later episode >= 5 s on its channel within 30 s (n={len(kept)}): "
          f"the cramp's amplitude above rest over the later one's q01 q05 q50 "
          f"{qk:.3f} {quantile(kr, 0.05):.3f} {quantile(kr, 0.5):.3f}; gaps q01 q50 "
          f"{quantile([g for g, _, _ in kept], 0.01):.2f} {quantile([g for g, _, _ in kept], 0.5):.2f} s")
    if os.environ.get("DERIVE_VERBOSE"):
        for g, r, u in sorted(kept, key=lambda x: x[1])[:12]:
            print(f"#   ratio {r:.3f} gap {g:.2f} s, later: {u}", file=sys.stderr)
    print("precursor_ratio\t0.40\tnot from nights: the window-to-strongest-earlier-window power "
          "ratio of a constant-rate recruitment ramp is <= (L + w/2) / (L - w/2) = 5/3 for a lead "
          "L >= 2 windows w (amplitude 0.77); 0.4 asks 3.75 x that in power (docs/detect.md)")
    if pre:
        qg = quantile(gaps, 0.99)
        qr = quantile(ratios, 0.99)
        g_c = math.ceil(qg)
        r_c = math.ceil(qr / 0.05 - 1e-9) * 0.05
        print(f"# precursor pieces on the cramp's channel (n={len(pre)}): gap to the cramp episode's "
              f"onset q01 q50 q99 max {quantile(gaps, 0.01):.2f} {quantile(gaps, 0.5):.2f} "
              f"{qg:.2f} {max(gaps):.2f} s; amplitude above rest / the cramp's q01 q50 q99 max "
              f"{quantile(ratios, 0.01):.3f} {quantile(ratios, 0.5):.3f} {qr:.3f} {max(ratios):.3f}")
        print(f"# split-off precursors (no rule merges them: a weak cramp before a stronger "
              f"stretch, above, looks the same): gap {g_c:.0f} s and ratio {r_c:.2f} would cover 99 %")
        hit = [o for o in others if o[0] <= g_c and o[1] <= r_c]
        print(f"# other episodes ending <= 30 s before a cramp on its channel: {len(others)}; "
              f"within both constants (a precursor rule would swallow them): {len(hit)}")
        for o in hit:
            print(f"#   gap {o[0]:.2f} s, ratio {o[1]:.3f}, over the truth's {o[2]}, before: {o[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
