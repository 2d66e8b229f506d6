#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cramp precision on one- and two-channel montages: candidate new measures
(issue 12; bench/README.md, "Cramp precision: new one-channel measures").
Development seeds only (1-9999).

    study.py make CRAMP SEED_LO SEED_HI MINUTES OUT.tsv
    study.py analyse DATA.tsv[.gz]... [--only F,...] [--drop F,...]

`make` uses the variants of ../separability/separability.py (the literature
base, the channels sweep at 1 and 2 and random-1..10 at 1 and at 2 channels),
runs `cramp synth` and `cramp detect` (defaults, one thread) per night, pairs
every episode labelled cramp with the truth event it overlaps most (IoU >=
0.2), and writes the detector's columns (as separability.py) plus candidate
measures computed here from the recording itself, over the episode's span on
its main channel (band-pass 20-450 Hz clamped to 0.9 x Nyquist, causal, as the
detector; a notch at each mains harmonic inside the band):

  env_cv_1s     coefficient of variation of the 1-s RMS over the episode
                (slow amplitude course; cramps: units join and leave, about
                24 s each, Minetto 2009, and the active region drifts,
                Roeleveld 2000; a steady voluntary contraction: flat)
  mod_0p5_3     depth of the 0.5-3 Hz modulation of the 0.1-s RMS envelope:
                the SD of that band of the envelope over its mean (movement
                rhythm: stretching, jiggling, walking at 0.5-3 Hz)
  mod_ratio     power of the 0.1-s RMS envelope's modulation spectrum in
                0.5-3 Hz over 3-8 Hz (a movement rhythm peaks at 0.5-3 Hz; the
                random fluctuation of an interference pattern is about flat)
  mod_tick      the same idea as the detector can compute it while streaming:
                the 10-ms tick power of the band-passed signal through two
                first-order Butterworth band-passes (0.5-3 Hz, 3-8 Hz) at the
                tick rate, the filters started at the first tick's power,
                squared outputs summed from 1 s after the onset to 1 s before
                the end: the 0.5-3 Hz energy over the 3-8 Hz energy (0.5 for an
                unmodulated contraction whose tick power fluctuates as white
                noise: the bands' widths; n/a under 3 s counted)
  plateau       share of the episode's 1-s windows whose RMS is at least half
                the largest 1-s RMS (a cramp: sustained plateau)
  rise_share    time from the onset to the first 1-s window at >= 0.8 x the
                largest, over the duration
  end_ratio     RMS of the last quarter over the largest 1-s RMS (a cramp
                decays slowly, Jansen 1990; a voluntary contraction stops)
  mnf_cv        CV of the mean frequency over 1-s windows (spectral
                stationarity; the shape mix of a drifting cramp changes)
  other_ratio   (two channels) RMS above rest on the other channel over the
                main channel's, over the episode's span (0 with one channel)
  prev_gap_same seconds since the end of the last cramp-labelled episode on
                the same channel (3600 when none), and prev_amp_ratio its
                amplitude ratio (this over that; 0 when none)

`analyse` prints, per candidate, the AUC pooled and per variant, and a single-
threshold leave-one-variant-out (LOVO) test: the threshold set for recall >=
0.95 on the training variants (honest) and on the held-out one (oracle), held
out on the one-channel nights of each model point; then the models of
separability.py (logistic, depth-3 tree, best single feature) with the new
measures added to the detector's.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "separability"))
import separability as sep  # noqa: E402

NEW = ["env_cv_1s", "mod_0p5_3", "mod_ratio", "mod_tick", "plateau", "rise_share", "end_ratio", "mnf_cv",
       "other_ratio", "prev_gap_same", "prev_amp_ratio"]


def read_edf(path, np):
    """(labels, rates, signals in physical units) of an EDF file."""
    with open(path, "rb") as f:
        raw = f.read()
    ns = int(raw[252:256])
    nrec = int(raw[236:244])
    rdur = float(raw[244:252])
    o = 256

    def field(width):
        nonlocal o
        v = [raw[o + i * width:o + (i + 1) * width].decode("ascii").strip() for i in range(ns)]
        o += ns * width
        return v
    labels = field(16)
    field(80)
    field(8)
    pmin = [float(v) for v in field(8)]
    pmax = [float(v) for v in field(8)]
    dmin = [float(v) for v in field(8)]
    dmax = [float(v) for v in field(8)]
    field(80)
    nsmp = [int(v) for v in field(8)]
    field(32)
    rec = sum(nsmp)
    data = np.frombuffer(raw, dtype="<i2", offset=o, count=rec * nrec).reshape(nrec, rec)
    sigs, k = [], 0
    for i in range(ns):
        d = data[:, k:k + nsmp[i]].reshape(-1).astype(np.float64)
        k += nsmp[i]
        g = (pmax[i] - pmin[i]) / (dmax[i] - dmin[i])
        sigs.append((d - dmin[i]) * g + pmin[i])
    return labels, [n / rdur for n in nsmp], sigs


def front_end(x, fs, mains, np, sg):
    hi = min(450.0, 0.45 * fs)
    sos = sg.butter(4, [20.0, hi], btype="bandpass", fs=fs, output="sos")
    y = sg.sosfilt(sos, x - x[0])
    f = mains
    while f < hi * 1.25 and f < fs / 2:
        b, a = sg.iirnotch(f, 30.0, fs=fs)
        y = sg.lfilter(b, a, y)
        f += mains
    return y


def rms_windows(y, n, hop, np):
    if len(y) < n:
        return np.array([])
    c = np.concatenate([[0.0], np.cumsum(y * y)])
    st = np.arange(0, len(y) - n + 1, hop)
    return np.sqrt((c[st + n] - c[st]) / n)


def measures(y, fs, a, b, rest, np, sg):
    """Candidate measures of y[a:b] (band-passed, uV); rest: resting RMS."""
    seg = y[a:b]
    out = {}
    n1 = int(round(fs))
    w1 = rms_windows(seg, n1, n1, np)
    ex1 = np.sqrt(np.maximum(w1 * w1 - rest * rest, 0)) if len(w1) else w1
    if len(ex1) >= 3 and ex1.max() > 0:
        out["env_cv_1s"] = float(ex1.std() / ex1.mean()) if ex1.mean() > 0 else float("nan")
        mx = ex1.max()
        out["plateau"] = float((ex1 >= 0.5 * mx).mean())
        out["rise_share"] = float(np.argmax(ex1 >= 0.8 * mx) / len(ex1))
        q = max(1, len(ex1) // 4)
        out["end_ratio"] = float(ex1[-q:].mean() / mx)
    # 0.1-s RMS every 0.05 s: 20 envelope values a second
    nw, hop = int(round(0.1 * fs)), int(round(0.05 * fs))
    e = rms_windows(seg, nw, hop, np)
    if len(e) >= 60 and e.mean() > 0:
        ee = e / e.mean() - 1
        f, p = sg.welch(ee, fs=20.0, nperseg=min(len(ee), 64), detrend="linear")
        lo = p[(f >= 0.5) & (f <= 3)].sum()
        hi = p[(f > 3) & (f <= 8)].sum()
        out["mod_ratio"] = float(lo / hi) if hi > 0 else float("nan")
        sos = sg.butter(2, [0.5, 3.0], btype="bandpass", fs=20.0, output="sos")
        out["mod_0p5_3"] = float(sg.sosfiltfilt(sos, ee).std())
    # the tick form (lib/detect's streaming version)
    tf = int(round(0.01 * fs))
    nt = len(seg) // tf
    lag = 100
    if nt - 2 * lag >= 300:
        pw = (seg[:nt * tf].reshape(nt, tf) ** 2).mean(1)
        en = []
        for band in ((0.5, 3.0), (3.0, 8.0)):
            b, a_ = sg.butter(1, band, btype="bandpass", fs=fs / tf)
            o = sg.lfilter(b, a_, pw - pw[0])
            en.append(float((o[lag:nt - lag] ** 2).sum()))
        out["mod_tick"] = en[0] / en[1] if en[1] > 0 else float("nan")
    # mean frequency per 1-s window (periodogram, Hann)
    if len(seg) >= 3 * n1:
        k = len(seg) // n1
        blk = seg[:k * n1].reshape(k, n1) * np.hanning(n1)
        P = np.abs(np.fft.rfft(blk, axis=1)) ** 2
        fr = np.fft.rfftfreq(n1, 1 / fs)
        band = (fr >= 20) & (fr <= min(450.0, 0.45 * fs))
        mnf = (P[:, band] * fr[band]).sum(1) / np.maximum(P[:, band].sum(1), 1e-30)
        out["mnf_cv"] = float(mnf.std() / mnf.mean())
    return out


def night(cramp, scen, seed, minutes, tmp):
    """One night of the scenario file scen: `cramp synth` (seed, minutes) to
    tmp/n.edf (truth in tmp/n.events.tsv), `cramp detect` on one thread to
    tmp/n.det.tsv; returns the two paths (study.py, irregular.py)."""
    edf = os.path.join(tmp, "n.edf")
    subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", str(minutes),
                    "-o", edf], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    det = os.path.join(tmp, "n.det.tsv")
    subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1"], check=True)
    return edf, det


def candidates(tmp, edf, det, np):
    """A night's would-be cramps (study.py, irregular.py): (truth rows of
    tmp/n.events.tsv, (labels, rates, signals) of edf, the detect table's
    cramp rows in onset order as (row, onset s, duration s, label, truth
    kind) paired greedily by separability.label_of, the set of paired truth
    events' ids)."""
    truth = sep.rd(os.path.join(tmp, "n.events.tsv"))
    edf_data = read_edf(edf, np)
    covered = set()
    cands = []
    for d in sorted(sep.rd(det), key=lambda d: float(d["onset"])):
        if d["trial_type"] != "cramp":
            continue
        on, du = float(d["onset"]), float(d["duration"])
        cands.append((d, on, du) + tuple(sep.label_of(d, truth, covered)))
    return truth, edf_data, cands, covered


def make(cramp, lo, hi, minutes, out):
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("study.py: development seeds only (1-9999)\n")
        return 2
    import numpy as np
    import scipy.signal as sg
    sets, variants = sep.variant_defs("main")
    base_mains = 50.0
    with open(sep.BASE) as f:
        for ln in f:
            t = ln.split()
            if t and t[0] == "mains_hz":
                base_mains = float(t[1])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, kv in variants:
            scen = os.path.join(tmp, "v.scenario")
            sep.write_scenario(scen, sets, kv)
            nch = kv["channels"][0]
            mains = float(kv.get("mains_hz", sets.get("mains_hz", [base_mains]))[0])
            for seed in range(lo, hi + 1):
                edf, det = night(cramp, scen, seed, minutes, tmp)
                vol = os.path.join(tmp, "n.vol.tsv")
                subprocess.run([cramp, "detect", edf, "-o", vol, "--quiet", "--threads", "1",
                                "--voluntary-rule"], check=True)
                volc = {(d["onset"], d["main_channel"]) for d in sep.rd(vol) if d["trial_type"] == "cramp"}
                truth, (labels, rates, sigs), cands, covered = candidates(tmp, edf, det, np)
                filt = {}
                last = {}  # channel -> (end, rms above rest) of the last cramp-labelled episode
                for d, on, du, lab, kind in cands:
                    r = {"variant": name, "model": model, "channels": nch, "seed": seed, "onset": d["onset"],
                         "label": lab, "truth": kind,
                         "voluntary": 0 if (d["onset"], d["main_channel"]) in volc else 1}
                    for c in sep.COLS:
                        r[c] = d[c]
                    ch = labels.index(d["main_channel"])
                    fs = rates[ch]
                    if ch not in filt:
                        filt[ch] = front_end(sigs[ch], fs, mains, np, sg)
                    a, b = int(on * fs), int((on + du) * fs)
                    rest = float(d["rest_uv"])
                    m = measures(filt[ch], fs, a, b, rest, np, sg)
                    exm = math.sqrt(max(float(d["rms_uv"]) ** 2 - rest * rest, 0))
                    oth = 0.0
                    if len(labels) > 1:
                        o = 1 - ch if len(labels) == 2 else None
                        if o is not None:
                            if o not in filt:
                                filt[o] = front_end(sigs[o], rates[o], mains, np, sg)
                            fo = rates[o]
                            yo = filt[o]
                            ao, bo = int(on * fo), int((on + du) * fo)
                            pre = yo[max(0, ao - int(30 * fo)):ao]
                            ro = float(np.sqrt(np.percentile(
                                rms_windows(pre, int(fo), int(fo), np) ** 2, 25))) if len(pre) > fo else 0.0
                            so = float(np.sqrt(np.mean(yo[ao:bo] ** 2))) if bo > ao else 0.0
                            oth = math.sqrt(max(so * so - ro * ro, 0)) / exm if exm > 0 else float("nan")
                    m["other_ratio"] = oth
                    if ch in last:
                        m["prev_gap_same"] = on - last[ch][0]
                        m["prev_amp_ratio"] = exm / last[ch][1] if last[ch][1] > 0 else float("nan")
                    else:
                        m["prev_gap_same"], m["prev_amp_ratio"] = 3600.0, 0.0
                    last[ch] = (on + du, exm)
                    for c in NEW:
                        v = m.get(c, float("nan"))
                        r[c] = "n/a" if v != v else f"{v:.6g}"
                    rows.append(r)
                missed = sum(1 for t in truth if t["trial_type"] == "cramp" and id(t) not in covered)
                rows.append({"variant": name, "model": model, "channels": nch, "seed": seed, "onset": "n/a",
                             "label": "missed", "truth": str(missed), "voluntary": "n/a",
                             **{c: "n/a" for c in sep.COLS + NEW}})
            sys.stderr.write(f"{name}: done\n")
    hdr = ["variant", "model", "channels", "seed", "onset", "label", "truth", "voluntary"] + sep.COLS + NEW
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, hdr, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


def analyse(paths, only, drop):
    """Per-candidate LOVO, then separability.py's models over the detector's
    columns plus the candidates (`only`: keep just these features there;
    `drop`: leave these out)."""
    import numpy as np
    rows_all = [r for p in paths for r in sep.rd(p)]
    rows = [r for r in rows_all if r["label"] in ("0", "1")]
    new = [c for c in NEW if c in rows[0]]  # mod_tick came after the first data set
    y = np.array([int(r["label"]) for r in rows])
    model = np.array([r["model"] for r in rows])
    one = np.array([r["channels"] == "1" for r in rows])
    var = np.array([r["variant"] for r in rows])
    kind = np.array([r["truth"] for r in rows])
    mrows = [r for r in rows_all if r["label"] == "missed"]
    m_n = np.array([int(r["truth"]) for r in mrows])
    m_model = np.array([r["model"] for r in mrows])
    m_one = np.array([r["channels"] == "1" for r in mrows])
    variants = sorted(set(var))
    models = sorted(set(model))
    print(f"# data: {', '.join(paths)}: {len(rows)} would-be cramps ({int(y.sum())} true, "
          f"{int((y == 0).sum())} false), {len(variants)} variants, {len(models)} model points")
    print("\n## candidates: AUC pooled, per variant (min, max; >=0.7 on the pooled side), median by truth kind")
    kinds = [k for k, _ in sorted(((k, (kind == k).sum()) for k in set(kind)), key=lambda t: -t[1])][:8]
    print("feature\tpooled\tmin\tmax\tn>=0.7\t" + "\t".join(f"med_{k}" for k in kinds))
    for c in new + ["kurtosis", "duration", "lf_ratio"]:
        x = np.array([float(r[c]) if r[c] != "n/a" else np.nan for r in rows])
        ok = ~np.isnan(x)
        a = sep.auc(x[ok], y[ok], np)
        per = []
        for v in variants:
            m = ok & (var == v)
            if y[m].sum() >= 3 and (y[m] == 0).sum() >= 3:
                per.append(sep.auc(x[m], y[m], np))
        per = np.array(per)
        side = per if a >= 0.5 else 1 - per
        meds = "\t".join(f"{np.median(x[ok & (kind == k)]):.3g}" if (ok & (kind == k)).any() else "-"
                         for k in kinds)
        print(f"{c}\t{a:.3f}\t{per.min():.3f}\t{per.max():.3f}\t{int((side >= 0.7).sum())}/{len(per)}\t{meds}")

    print("\n## AUC per variant (cramp vs false cramp; > 0.5: higher in cramps)")
    cand = new + ["kurtosis", "duration", "lf_ratio"]
    print("variant\tn_true\tn_false\t" + "\t".join(cand))
    xs = {c: np.array([float(r[c]) if r[c] != "n/a" else np.nan for r in rows]) for c in cand}
    for v in variants:
        m = var == v
        cells = []
        for c in cand:
            ok = m & ~np.isnan(xs[c])
            good = y[ok].sum() >= 3 and (y[ok] == 0).sum() >= 3
            cells.append(f"{sep.auc(xs[c][ok], y[ok], np):.3f}" if good else "-")
        print(f"{v}\t{int(y[m].sum())}\t{int((y[m] == 0).sum())}\t" + "\t".join(cells))

    print("\n## single-threshold LOVO on one-channel nights (direction and threshold from the other "
          "model points, recall >= 0.95 there; n/a episodes kept as cramps)")
    print("feature\tworst_honest_P\tits_R\tlowest_honest_R\tworst_oracle_P\tworst_F1_now\tworst_F1_honest\t"
          "worst_F1_oracle\tpooled_honest_P\tpooled_honest_R")
    for c in new + ["kurtosis", "duration", "lf_ratio"]:
        x = np.array([float(r[c]) if r[c] != "n/a" else np.nan for r in rows])
        res = []
        TP = FP = FN = 0
        for mp in models:
            te = (model == mp) & one
            tr = model != mp
            if y[te].sum() == 0:
                continue
            ok = tr & ~np.isnan(x)
            a = sep.auc(x[ok], y[ok], np)
            s = 1 if a >= 0.5 else -1
            sc = np.where(np.isnan(x), np.inf, s * x)
            thr = sep.thr_at_recall(sc[ok], y[ok], np)
            p, rr, tp, fp, fn = sep.prf(sc[te], y[te], thr, np)
            othr = sep.thr_at_recall(sc[te], y[te], np)
            op, orr, otp, ofp, ofn = sep.prf(sc[te], y[te], othr, np)
            miss = int(m_n[(m_model == mp) & m_one].sum())
            now = sep.f1(int(y[te].sum()), int((y[te] == 0).sum()), miss)
            res.append((mp, p, rr, op, now, sep.f1(tp, fp, fn + miss), sep.f1(otp, ofp, ofn + miss)))
            TP, FP, FN = TP + tp, FP + fp, FN + fn
        w = min(res, key=lambda t: t[1])
        print(f"{c}\t{w[1]:.3f} ({w[0]})\t{w[2]:.3f}\t{min(t[2] for t in res):.3f}\t"
              f"{min(t[3] for t in res):.3f}\t{min(t[4] for t in res):.3f}\t{min(t[5] for t in res):.3f}\t"
              f"{min(t[6] for t in res):.3f}\t{TP / max(TP + FP, 1):.3f}\t{TP / max(TP + FN, 1):.3f}")

    print("\n## the models of separability.py with the candidates added")
    sep.COLS = sep.COLS + new
    drop = set(drop)
    if only:
        drop |= set(sep.COLS) - set(only)
    sep.analyse(paths, drop)


def main():
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "make":
        return make(a[1], int(a[2]), int(a[3]), float(a[4]), a[5])
    if len(a) >= 2 and a[0] == "analyse":
        opt = {"--only": [], "--drop": []}
        for o in opt:
            if o in a:
                i = a.index(o)
                opt[o] = a[i + 1].split(",")
                a = a[:i] + a[i + 2:]
        return analyse(a[1:], opt["--only"], opt["--drop"])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
