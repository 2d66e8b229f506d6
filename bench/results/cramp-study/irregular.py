#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One-channel false cramps: what they are, and whether discharge
irregularity separates them (issue 12, h12n). Development seeds only (1-9999).

    irregular.py make CRAMP SEED_LO SEED_HI MINUTES OUT.tsv
    irregular.py analyse DATA.tsv[.gz]...
    irregular.py cv CRAMP SEED_LO SEED_HI MINUTES

`make` runs, per one-channel variant (the literature base at one channel,
random-1, -4, -5, -6, -7, -10 at one channel, the cramp_units sweep ends at one
channel; values as ../separability/separability.py takes them), `cramp synth`
and `cramp detect` (defaults, one thread), pairs every episode labelled cramp
with the truth event it overlaps most (IoU >= 0.2; separability.py's
label_of), and writes the detector's columns, the truth's detail text, and
these measures over the episode's span on its channel (study.py's front end:
band-pass 20-450 Hz clamped, mains notches, causal):

  lfd        low-frequency depression of the squared EMG: the mean Welch
             PSD (1-s Hann segments, linear detrend) of y^2 over 2-6 Hz over
             its mean over 40-80 Hz. y^2 is, but for the overlaps of
             different units' potentials, the units' spike trains each
             filtered by its potential's energy kernel (a few ms wide, flat
             to about 100 Hz), so its spectrum below the discharge rates
             (6-35 Hz) is that of the spike trains: a renewal train of rate r
             and interval CV c has a power density r c^2 there against r
             above its rate (Cox and Lewis 1966). Cramp discharges are
             irregular (ISI CV 44.6 +- 9.7 %, Minetto et al. 2009), steady
             voluntary ones regular (CV 0.1-0.2): lfd higher for cramps, the
             more so the fewer the units (the overlaps' part is flat and
             grows with the number of units)
  rate_peak  prominence of a discharge-rate peak in the same PSD: its largest
             value over 6-35 Hz over its median there (regular firing shows
             a line at the rate; irregular firing smears it)
  lfd_end    lfd over the last 5 s only (a cramp's units stay irregular to
             the end; a voluntary contraction is steady), n/a under 10 s

`cv` (irregular.py cv CRAMP SEED_LO SEED_HI MINUTES) holds everything but the
cramp units' interval CV (cramp_cv 0.15, 0.3, 0.6 with cramp_cv_sd 0, at 16
and 150 units, one channel) and prints the medians of the measures over the
would-be cramps that lie over a true cramp: what the CV alone moves.

`analyse` prints the trace of the false cramps (truth kind, duration,
rms_x_rest, kurtosis, env_mod_ratio, lfd) per variant, then AUC pooled and per
variant for each measure and duration, and study.py's single-threshold
leave-one-model-out test.
"""
import csv
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "separability"))
sys.path.insert(0, HERE)
import separability as sep  # noqa: E402
import study  # noqa: E402

NEW = ["lfd", "rate_peak", "lfd_end"]
KEEP = ["random-1", "random-4", "random-5", "random-6", "random-7", "random-10"]


def variants():
    sets, allv = sep.variant_defs("main")
    out = [v for v in allv if v[0] == "channels=1" or (v[1] in KEEP and "@1ch" in v[0])]
    _, sw = sep.variant_defs("sweeps")
    out += [v for v in sw if v[1].startswith("cramp_units")]
    return sets, out


def sq_psd(seg, fs, np, sg):
    if len(seg) < 4 * int(fs):
        return None, None
    p2 = seg * seg
    f, p = sg.welch(p2 - p2.mean(), fs=fs, nperseg=int(fs), detrend="linear")
    return f, p


def measures(seg, fs, np, sg):
    out = {}
    f, p = sq_psd(seg, fs, np, sg)
    if f is not None:
        lo = p[(f >= 2) & (f <= 6)].mean()
        hi = p[(f >= 40) & (f <= 80)].mean()
        out["lfd"] = float(lo / hi) if hi > 0 else float("nan")
        band = p[(f >= 6) & (f <= 35)]
        out["rate_peak"] = float(band.max() / np.median(band)) if np.median(band) > 0 else float("nan")
    n5 = int(5 * fs)
    if len(seg) >= 2 * n5:
        f, p = sq_psd(seg[-n5:], fs, np, sg)
        if f is not None:
            hi = p[(f >= 40) & (f <= 80)].mean()
            out["lfd_end"] = float(p[(f >= 2) & (f <= 6)].mean() / hi) if hi > 0 else float("nan")
    return out


def make(cramp, lo, hi, minutes, out):
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("irregular.py: development seeds only (1-9999)\n")
        return 2
    import numpy as np
    import scipy.signal as sg
    sets, vs = variants()
    cols = sep.COLS + ["env_mod_ratio", "precursor_s"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, kv in vs:
            scen = os.path.join(tmp, "v.scenario")
            sep.write_scenario(scen, sets, kv)
            mains = float(kv.get("mains_hz", sets.get("mains_hz", ["50"]))[0])
            for seed in range(lo, hi + 1):
                edf, det = study.night(cramp, scen, seed, minutes, tmp)
                truth, (labels, rates, sigs), cands, covered = study.candidates(tmp, edf, det, np)
                filt = {}
                for d, on, du, lab, kind in cands:
                    bt = sep.best_match(on, du, truth)[0]
                    detail = (bt.get("detail", "") if bt else "").replace("\t", " ")
                    tdur = bt["duration"] if bt else "n/a"
                    r = {"variant": name, "model": model, "seed": seed, "onset": d["onset"], "label": lab,
                         "truth": kind, "truth_duration": tdur, "detail": detail}
                    for c in cols:
                        r[c] = d.get(c, "n/a")
                    tc = [(float(t["onset"]), float(t["duration"]), t.get("detail", "")) for t in truth
                          if t["trial_type"] == "cramp"]
                    nxt = [t for t in tc if t[0] >= on + du - 1 and t[0] - (on + du) <= 60]
                    prv = [t for t in tc if t[0] + t[1] <= on + 1 and on - (t[0] + t[1]) <= 60]
                    r["next_cramp_gap"] = f"{nxt[0][0] - (on + du):.2f}" if nxt else "n/a"
                    r["next_cramp_precursor"] = ("1" if "precursor" in nxt[0][2] else "0") if nxt else "n/a"
                    r["prev_cramp_gap"] = f"{on - (prv[-1][0] + prv[-1][1]):.2f}" if prv else "n/a"
                    ch = labels.index(d["main_channel"])
                    fs = rates[ch]
                    if ch not in filt:
                        filt[ch] = study.front_end(sigs[ch], fs, mains, np, sg)
                    m = measures(filt[ch][int(on * fs):int((on + du) * fs)], fs, np, sg)
                    for c in NEW:
                        v = m.get(c, float("nan"))
                        r[c] = "n/a" if v != v else f"{v:.6g}"
                    rows.append(r)
                missed = sum(1 for t in truth if t["trial_type"] == "cramp" and id(t) not in covered)
                rows.append({"variant": name, "model": model, "seed": seed, "onset": "n/a", "label": "missed",
                             "truth": str(missed), "truth_duration": "n/a", "detail": "",
                             "next_cramp_gap": "n/a", "next_cramp_precursor": "n/a", "prev_cramp_gap": "n/a",
                             **{c: "n/a" for c in cols + NEW}})
            sys.stderr.write(f"{name}: done\n")
    hdr = (["variant", "model", "seed", "onset", "label", "truth", "truth_duration", "detail", "next_cramp_gap",
            "next_cramp_precursor", "prev_cramp_gap"] + cols + NEW)
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, hdr, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


def cv_sweep(cramp, lo, hi, minutes):
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("irregular.py: development seeds only (1-9999)\n")
        return 2
    import numpy as np
    import scipy.signal as sg
    sets, _ = sep.variant_defs("main")
    print("units\tcramp_cv\tn\tlfd\trate_peak\tkurtosis\tmnf_start_hz")
    with tempfile.TemporaryDirectory() as tmp:
        for units in ("16", "150"):
            for cv in ("0.15", "0.3", "0.6"):
                kv = {"channels": ["1"], "cramp_units": [units], "cramp_cv": [cv], "cramp_cv_sd": ["0"]}
                scen = os.path.join(tmp, "v.scenario")
                sep.write_scenario(scen, sets, kv)
                got = {c: [] for c in ("lfd", "rate_peak", "kurtosis", "mnf_start_hz")}
                for seed in range(lo, hi + 1):
                    edf, det = study.night(cramp, scen, seed, minutes, tmp)
                    truth = sep.rd(os.path.join(tmp, "n.events.tsv"))
                    labels, rates, sigs = study.read_edf(edf, np)
                    y = study.front_end(sigs[0], rates[0], 50.0, np, sg)
                    covered = set()
                    for d in sep.rd(det):
                        if d["trial_type"] != "cramp" or sep.label_of(d, truth, covered)[0] != 1:
                            continue
                        on, du = float(d["onset"]), float(d["duration"])
                        m = measures(y[int(on * rates[0]):int((on + du) * rates[0])], rates[0], np, sg)
                        for c in ("lfd", "rate_peak"):
                            if c in m:
                                got[c].append(m[c])
                        for c in ("kurtosis", "mnf_start_hz"):
                            if d[c] != "n/a":
                                got[c].append(float(d[c]))
                print(f"{units}\t{cv}\t{len(got['lfd'])}\t" + "\t".join(
                    f"{np.median(v):.3g}" if v else "-" for v in got.values()))
    return 0


def num(r, c):
    v = r.get(c, "n/a")
    return float(v) if v not in ("n/a", "", None) else float("nan")


def analyse(paths):
    import numpy as np
    allr = [r for p in paths for r in sep.rd(p)]
    rows = [r for r in allr if r["label"] in ("0", "1")]
    y = np.array([int(r["label"]) for r in rows])
    var = np.array([r["variant"] for r in rows])
    model = np.array([r["model"] for r in rows])
    kind = np.array([r["truth"] for r in rows])
    vnames = sorted(set(var))
    miss = {v: sum(int(r["truth"]) for r in allr if r["label"] == "missed" and r["variant"] == v) for v in vnames}
    print(f"# data: {', '.join(paths)}: {len(rows)} would-be cramps ({int(y.sum())} true, {int((y == 0).sum())} false)")
    print("\n## per variant: true / false / missed; false cramps by truth kind")
    for v in vnames:
        m = var == v
        ks = {}
        for k in kind[m & (y == 0)]:
            ks[k] = ks.get(k, 0) + 1
        tp, fp = int(y[m].sum()), int((y[m] == 0).sum())
        print(f"{v}\t{tp}\t{fp}\t{miss[v]}\tF1 {sep.f1(tp, fp, miss[v]):.3f}\t"
              + ", ".join(f"{k} {n}" for k, n in sorted(ks.items(), key=lambda t: -t[1])))
    feats = ["duration", "truth_duration", "rms_x_rest", "rms_uv", "kurtosis", "env_mod_ratio", "mnf_start_hz"] + NEW
    X = {c: np.array([num(r, c) for r in rows]) for c in feats}
    print("\n## medians (5th-95th percentile) by truth kind, all variants")
    kinds = ["cramp"] + sorted(set(kind[y == 0]) - {"cramp"}, key=lambda k: -(kind == k).sum())
    print("kind\tn\t" + "\t".join(feats))
    for k in kinds:
        m = (kind == k) & ((y == 1) if k == "cramp" else (y == 0))
        cells = []
        for c in feats:
            x = X[c][m]
            x = x[~np.isnan(x)]
            cells.append(f"{np.median(x):.3g} ({np.percentile(x, 5):.3g}-{np.percentile(x, 95):.3g})"
                         if len(x) else "-")
        print(f"{k}\t{int(m.sum())}\t" + "\t".join(cells))
    print("\n## AUC cramp vs false cramp (> 0.5: higher in cramps), pooled and per variant")
    print("variant\tn_true\tn_false\t" + "\t".join(feats))
    for v in ["(pooled)"] + vnames:
        m = np.ones(len(y), bool) if v == "(pooled)" else var == v
        cells = []
        for c in feats:
            ok = m & ~np.isnan(X[c])
            good = y[ok].sum() >= 3 and (y[ok] == 0).sum() >= 3
            cells.append(f"{sep.auc(X[c][ok], y[ok], np):.3f}" if good else "-")
        print(f"{v}\t{int(y[m].sum())}\t{int((y[m] == 0).sum())}\t" + "\t".join(cells))
    print("\n## single threshold, leave one model point out (recall >= 0.95 on the others; n/a kept as cramp)")
    print("feature\tworst_P (model)\tits_R\tlowest_R\tworst_F1_now\tworst_F1_after")
    for c in ["duration", "kurtosis"] + NEW:
        x = X[c]
        res = []
        for mp in sorted(set(model)):
            te, tr = model == mp, model != mp
            if y[te].sum() == 0:
                continue
            ok = tr & ~np.isnan(x)
            s = 1 if sep.auc(x[ok], y[ok], np) >= 0.5 else -1
            sc = np.where(np.isnan(x), np.inf, s * x)
            thr = sep.thr_at_recall(sc[ok], y[ok], np)
            p, rr, tp, fp, fn = sep.prf(sc[te], y[te], thr, np)
            mm = sum(miss[v] for v in vnames if v in set(var[te]))
            res.append((mp, p, rr, sep.f1(int(y[te].sum()), int((y[te] == 0).sum()), mm), sep.f1(tp, fp, fn + mm)))
        w = min(res, key=lambda t: t[1])
        print(f"{c}\t{w[1]:.3f} ({w[0]})\t{w[2]:.3f}\t{min(t[2] for t in res):.3f}\t"
              f"{min(t[3] for t in res):.3f}\t{min(t[4] for t in res):.3f}")
    return 0


def main():
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "make":
        return make(a[1], int(a[2]), int(a[3]), float(a[4]), a[5])
    if len(a) == 5 and a[0] == "cv":
        return cv_sweep(a[1], int(a[2]), int(a[3]), float(a[4]))
    if len(a) >= 2 and a[0] == "analyse":
        return analyse(a[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
