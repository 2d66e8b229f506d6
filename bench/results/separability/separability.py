#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Separability ceiling study (bench/README.md, "Separability on one- and
two-channel montages"; issue 12). Development seeds only (1-9999).

Question: with the measures `cramp detect` writes per episode, how well can
any simple classifier tell the true cramps from the sustained one-muscle
non-cramps that the detector labels cramp on one- and two-channel montages?

    separability.py make CRAMP SEED_LO SEED_HI MINUTES OUT.tsv [main|sweeps]
    separability.py analyse DATA.tsv[.gz]... [--drop FEATURE,...]

`make` writes the variants' scenarios (the literature base with the variant's
keys: datasets/robustness/literature.variants, its `set` line, the channels
sweep at 1 and 2, and each of its random-1..10 points at 1 and at 2 channels;
`sweeps`: the ends of its cramp-model sweeps at one channel, written apart),
runs `cramp synth` and `cramp detect` (defaults, one thread) on every night,
and pairs each episode labelled cramp with the truth event it overlaps most
(IoU >= 0.2, as results/candidate-study/study.py): label 1 over a true cramp,
0 otherwise (the truth event's kind in `truth`). It also counts the true
cramps no cramp episode covers (the detector's misses, `missed` rows), so an
end-to-end F1 can be worked out. `voluntary` says whether `--voluntary-rule`
relabels the episode (the opt-in candidate), for comparison only.

`analyse` reads that table and prints: per feature, the cramp / non-cramp
separation (AUC) pooled and per variant; then logistic regression (L2,
standardised features, Newton steps; NumPy), a depth-3 decision tree (Gini;
NumPy) and the single best feature (one threshold, either direction), each
cross-validated (a) by night: 5 folds of seeds, every variant's nights of a
seed in one fold, and (b) leave one variant out: a variant's model point (its
one- and two-channel versions together) held out, trained on the others.
Per held-out variant it prints cramp precision at recall >= 0.95, with the
threshold set on the training folds (honest) and with the threshold set on
the held-out variant itself (oracle: an upper bound), and the cramp F1 the
detector would reach end to end if that classifier vetoed its would-be cramps
(the detector's missed cramps counted as misses).
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
VARIANTS = os.path.join(REPO, "datasets", "robustness", "literature.variants")
BASE = os.path.join(REPO, "datasets", "robustness", "literature-base.scenario")

# The detector's numeric columns (cramp detect --help); `series` is a PLM
# column and n/a for cramps, so it is left out.
COLS = ["duration", "rms_uv", "rest_uv", "rms_x_rest", "peak_uv", "mnf_start_hz", "mnf_end_hz",
        "mdf_start_hz", "mdf_end_hz", "mnf_slope_hz_s", "lf_ratio", "kurtosis", "clip_fraction",
        "flat_fraction", "prev_interval_s", "next_interval_s", "tonic_fraction", "bursts", "rises",
        "rise_cv", "confidence"]


def rd(p):
    if p.endswith(".gz"):
        import gzip
        with gzip.open(p, "rt", newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))
    with open(p, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def variant_defs(which="main"):
    """(name, model, {key: [values]}) for the 1- and 2-channel variants;
    `sweeps`: the cramp-model sweep ends of the variants file (units 6 and
    150, rates 6 and 30 Hz) at one channel."""
    sets, randoms = {}, {}
    # the random points' values are echoed by detect-accuracy in its tables
    # (`# variant random-N: ...`); take them from the committed development run
    # so they are the harness's own draws.
    tsv = os.path.join(REPO, "bench", "results",
                       "robustness-literature-quick-dev-precursor-default-2026-12-06.tsv")
    with open(tsv) as f:
        for line in f:
            if line.startswith("# variant random-"):
                name, spec = line[len("# variant "):].split(":", 1)
                randoms[name] = dict((k, v.split(",")) for k, v in (t.split("=", 1) for t in spec.split()))
    with open(VARIANTS) as f:
        for line in f:
            t = line.split("#")[0].split()
            if t and t[0] == "set":
                for kv in t[1:]:
                    k, v = kv.split("=", 1)
                    sets[k] = v.split(",")
    if which == "sweeps":
        return sets, [(f"{k}={v}@1ch*", f"{k}={v}", {k: [v], "channels": ["1"]})
                      for k, v in (("cramp_units", "6"), ("cramp_units", "150"),
                                   ("cramp_rate_hz", "6"), ("cramp_rate_hz", "30"))]
    out = [("channels=1", "base", {"channels": ["1"]}), ("channels=2", "base", {"channels": ["2"]})]
    for i in range(1, 11):
        name = f"random-{i}"
        for ch in ("1", "2"):
            kv = dict(randoms[name])
            native = kv["channels"][0]
            kv["channels"] = [ch]
            out.append((f"{name}@{ch}ch" + ("" if native == ch else "*"), name, kv))
    return sets, out


def write_scenario(path, sets, kv):
    with open(BASE) as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    keys = dict(sets)
    keys.update(kv)
    lines = [ln for ln in lines if ln.split()[0] not in keys]
    with open(path, "w") as f:
        f.writelines(lines)
        for k, v in keys.items():
            f.write(f"{k} {' '.join(v)}\n")


def best_match(on, du, truth):
    best, bt = 0.0, None
    for t in truth:
        ton, tdu = float(t["onset"]), float(t["duration"])
        ov = min(on + du, ton + tdu) - max(on, ton)
        un = max(on + du, ton + tdu) - min(on, ton)
        if un > 0 and ov / un > best:
            best, bt = ov / un, t
    return (bt, best) if best >= 0.2 else (None, best)


def label_of(d, truth, covered):
    """(label, truth kind) of a cramp episode d: 1 over a true cramp (which
    is added to covered), else 0 with the kind of the event it overlaps most
    ("none" under IoU 0.2)."""
    bt, _ = best_match(float(d["onset"]), float(d["duration"]), truth)
    if bt is not None and bt["trial_type"] == "cramp":
        covered.add(id(bt))
        return 1, "cramp"
    return 0, bt["detail"].split(",")[0] if bt is not None else "none"


def make(cramp, lo, hi, minutes, out, which="main"):
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("separability.py: development seeds only (1-9999)\n")
        return 2
    sets, variants = variant_defs(which)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, kv in variants:
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, sets, kv)
            nch = kv["channels"][0]
            for seed in range(lo, hi + 1):
                edf = os.path.join(tmp, "n.edf")
                subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", str(minutes),
                                "-o", edf], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                det = os.path.join(tmp, "n.det.tsv")
                vol = os.path.join(tmp, "n.vol.tsv")
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1"], check=True)
                subprocess.run([cramp, "detect", edf, "-o", vol, "--quiet", "--threads", "1",
                                "--voluntary-rule"], check=True)
                truth = rd(os.path.join(tmp, "n.events.tsv"))
                dets = rd(det)
                volc = {(d["onset"], d["main_channel"]) for d in rd(vol) if d["trial_type"] == "cramp"}
                covered = set()
                for d in dets:
                    if d["trial_type"] != "cramp":
                        continue
                    lab, kind = label_of(d, truth, covered)
                    r = {"variant": name, "model": model, "channels": nch, "seed": seed, "onset": d["onset"],
                         "label": lab, "truth": kind,
                         "voluntary": 0 if (d["onset"], d["main_channel"]) in volc else 1}  # 1: relabelled
                    for c in COLS:
                        r[c] = d[c]
                    rows.append(r)
                missed = sum(1 for t in truth if t["trial_type"] == "cramp" and id(t) not in covered)
                rows.append({"variant": name, "model": model, "channels": nch, "seed": seed, "onset": "n/a",
                             "label": "missed", "truth": str(missed), "voluntary": "n/a",
                             **{c: "n/a" for c in COLS}})
            sys.stderr.write(f"{name}: done\n")
    hdr = ["variant", "model", "channels", "seed", "onset", "label", "truth", "voluntary"] + COLS
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, hdr, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


# ---------------------------------------------------------------- analysis

def features(rows, np):
    """Matrix of the detector's columns plus the montage; n/a imputed with an
    indicator (intervals n/a: no neighbour, taken as 3600 s)."""
    names, cols = [], []
    for c in COLS:
        raw = [r[c] for r in rows]
        na = np.array([v == "n/a" for v in raw])
        if c in ("prev_interval_s", "next_interval_s"):
            fill = 3600.0
        else:
            ok = [float(v) for v in raw if v != "n/a"]
            fill = float(np.median(ok)) if ok else 0.0
        x = np.array([fill if v == "n/a" else float(v) for v in raw])
        names.append(c)
        cols.append(x)
        if na.any() and c not in ("prev_interval_s", "next_interval_s"):
            names.append(c + "_na")
            cols.append(na.astype(float))
    names.append("one_channel")
    cols.append(np.array([1.0 if r["channels"] == "1" else 0.0 for r in rows]))
    return names, np.column_stack(cols)


def transform(X, names, np):
    """log1p of the non-negative heavy-tailed columns (for the logistic model)."""
    X = X.copy()
    for j, n in enumerate(names):
        if n in ("duration", "rms_uv", "rest_uv", "rms_x_rest", "peak_uv", "prev_interval_s",
                 "next_interval_s", "bursts", "rises", "lf_ratio") and (X[:, j] >= 0).all():
            X[:, j] = np.log1p(X[:, j])
    return X


def auc(score, y, np):
    pos, neg = score[y == 1], score[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    allv = np.concatenate([pos, neg])
    from scipy.stats import rankdata
    rk = rankdata(allv)
    return (rk[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def fit_logit(X, y, np, lam=1.0):
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1
    Z = np.column_stack([np.ones(len(X)), (X - mu) / sd])
    w = np.zeros(Z.shape[1])
    reg = lam * np.eye(Z.shape[1])
    reg[0, 0] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(Z @ w, -30, 30)))
        g = Z.T @ (p - y) + reg @ w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + reg
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return lambda Xn: (np.column_stack([np.ones(len(Xn)), (Xn - mu) / sd]) @ w), (w, mu, sd)


def fit_tree(X, y, np, depth=3, min_leaf=5):
    def gini(yy):
        if len(yy) == 0:
            return 0.0
        p = yy.mean()
        return 2 * p * (1 - p)

    def build(idx, d):
        yy = y[idx]
        leaf = (yy.sum() + 1) / (len(yy) + 2)
        if d == 0 or yy.min() == yy.max() or len(idx) < 2 * min_leaf:
            return ("leaf", leaf)
        best = (gini(yy) * len(yy) - 1e-9, None, None)
        for j in range(X.shape[1]):
            xs = X[idx, j]
            order = np.argsort(xs, kind="stable")
            xo, yo = xs[order], yy[order]
            cpos = np.cumsum(yo)
            n = len(yo)
            tot = cpos[-1]
            for k in range(min_leaf, n - min_leaf + 1):
                if xo[k - 1] == xo[k]:
                    continue
                nl, pl = k, cpos[k - 1]
                nr, pr = n - k, tot - pl
                imp = 2 * pl * (nl - pl) / nl + 2 * pr * (nr - pr) / nr
                if imp < best[0]:
                    best = (imp, j, (xo[k - 1] + xo[k]) / 2)
        if best[1] is None:
            return ("leaf", leaf)
        j, t = best[1], best[2]
        return ("split", j, t, build(idx[X[idx, j] <= t], d - 1), build(idx[X[idx, j] > t], d - 1))

    tree = build(np.arange(len(y)), depth)

    def pred(Xn):
        out = np.empty(len(Xn))
        for i, x in enumerate(Xn):
            nd = tree
            while nd[0] == "split":
                nd = nd[3] if x[nd[1]] <= nd[2] else nd[4]
            out[i] = nd[1]
        return out
    return pred, tree


def fit_single(X, y, np):
    best = (-1, 0, 1)
    for j in range(X.shape[1]):
        a = auc(X[:, j], y, np)
        if math.isnan(a):
            continue
        if max(a, 1 - a) > best[0]:
            best = (max(a, 1 - a), j, 1 if a >= 0.5 else -1)
    _, j, s = best
    return (lambda Xn: s * Xn[:, j]), (j, s)


def thr_at_recall(score, y, np, rmin=0.95):
    """Largest threshold keeping recall >= rmin (score >= thr is a cramp)."""
    pos = np.sort(score[y == 1])
    if len(pos) == 0:
        return -np.inf
    k = int(math.floor((1 - rmin) * len(pos) + 1e-9))
    return pos[k]


def prf(score, y, thr, np):
    keep = score >= thr
    tp = int((keep & (y == 1)).sum())
    fp = int((keep & (y == 0)).sum())
    fn = int((~keep & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return p, r, tp, fp, fn


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def analyse(paths, drop):
    import numpy as np
    allrows = [r for p in paths for r in rd(p)]
    path = ", ".join(paths)
    rows = [r for r in allrows if r["label"] in ("0", "1")]
    missed = {}
    mrows = [r for r in allrows if r["label"] == "missed"]
    for r in mrows:
        missed[r["variant"]] = missed.get(r["variant"], 0) + int(r["truth"])
    m_n = np.array([int(r["truth"]) for r in mrows])
    m_model = np.array([r["model"] for r in mrows])
    m_seed = np.array([int(r["seed"]) for r in mrows])
    m_one = np.array([r["channels"] == "1" for r in mrows])
    y = np.array([int(r["label"]) for r in rows])
    names, X = features(rows, np)
    keep = [j for j, n in enumerate(names) if n not in drop and n.removesuffix("_na") not in drop]
    names, X = [names[j] for j in keep], X[:, keep]
    if drop:
        print(f"# features left out: {', '.join(sorted(drop))}")
    XL = transform(X, names, np)
    var = np.array([r["variant"] for r in rows])
    model = np.array([r["model"] for r in rows])
    seed = np.array([int(r["seed"]) for r in rows])
    vol = np.array([int(r["voluntary"]) for r in rows])
    truthkind = np.array([r["truth"] for r in rows])
    variants = sorted(set(var), key=lambda v: (v.split("@")[0].split("-")[0], len(v), v))
    print(f"# data: {path}: {len(rows)} would-be cramp episodes ({int(y.sum())} true cramps, "
          f"{int((y == 0).sum())} false) in {len(variants)} variants, seeds {seed.min()}-{seed.max()}; "
          f"detector misses (no cramp episode over a true cramp): {sum(missed.values())}")
    kinds = {}
    for r in rows:
        if r["label"] == "0":
            kinds[r["truth"]] = kinds.get(r["truth"], 0) + 1
    print("# false cramps by truth event: " + " ".join(f"{k}={v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))

    print("\n## detector as it is, per variant (would-be cramps are all labelled cramp; --voluntary-rule for comparison; perfect veto: every false one removed, the misses left; counts are episodes, so a cramp split in two counts twice)")
    print("variant\tnights\ttrue\tfalse\tmissed\tF1_default\tF1_voluntary_rule\tF1_perfect_veto")
    for v in variants:
        m = var == v
        tp, fp, fn = int(y[m].sum()), int((y[m] == 0).sum()), missed.get(v, 0)
        kept = vol[m] == 0
        vt, vf = int((kept & (y[m] == 1)).sum()), int((kept & (y[m] == 0)).sum())
        print(f"{v}\t{len(set(seed[m]))}\t{tp}\t{fp}\t{fn}\t{f1(tp, fp, fn):.3f}\t{f1(vt, vf, fn + tp - vt):.3f}\t{f1(tp, 0, fn):.3f}")

    print("\n## single features: AUC (cramp vs false cramp; 0.5 = none, 1 or 0 = perfect, <0.5: lower in cramps)")
    print("feature\tpooled\tmin_over_variants\tmax_over_variants\tvariants_AUC>=0.8_same_side\tmedian_cramp\tmedian_false")
    feat_rows = []
    for j, n in enumerate(names):
        a = auc(X[:, j], y, np)
        per = []
        for v in variants:
            m = var == v
            if y[m].sum() >= 3 and (y[m] == 0).sum() >= 3:
                per.append(auc(X[m, j], y[m], np))
        per = np.array([p for p in per if not math.isnan(p)])
        side = per if a >= 0.5 else 1 - per
        feat_rows.append((abs(a - 0.5), n, a, per.min(), per.max(), int((side >= 0.8).sum()), len(per),
                          np.median(X[y == 1, j]), np.median(X[y == 0, j])))
    for _, n, a, lo, hi, k, nv, mc, mf in sorted(feat_rows, reverse=True):
        print(f"{n}\t{a:.3f}\t{lo:.3f}\t{hi:.3f}\t{k}/{nv}\t{mc:.4g}\t{mf:.4g}")

    def evaluate(split_name, folds):
        """folds: list of (name, test mask, train mask, test mask of the `missed`
        rows). Prints per fold and the summary."""
        print(f"\n## {split_name}: cramp precision at recall >= 0.95 (honest: threshold from the training "
              "data; oracle: threshold on the held-out data itself), and end-to-end cramp F1 with the veto")
        print("fold\tclassifier\tn_true\tn_false\tAUC\thonest_P\thonest_R\toracle_P\tF1_now\tF1_honest\tF1_oracle\tdetail")
        summ, left = {}, {}
        for fname, te, tr, mte in folds:
            if te.sum() == 0 or tr.sum() == 0 or y[te].sum() == 0:
                continue
            for cname in ("logistic", "tree3", "single"):
                if cname == "logistic":
                    f, info = fit_logit(XL[tr], y[tr], np)
                    s_tr, s_te = f(XL[tr]), f(XL[te])
                    w = info[0][1:]
                    top = np.argsort(-np.abs(w))[:3]
                    detail = ",".join(f"{names[i]}{w[i]:+.2f}" for i in top)
                elif cname == "tree3":
                    f, tree = fit_tree(X[tr], y[tr], np)
                    s_tr, s_te = f(X[tr]), f(X[te])
                    detail = f"root {names[tree[1]]}<={tree[2]:.4g}" if tree[0] == "split" else "leaf"
                else:
                    f, (j, sgn) = fit_single(X[tr], y[tr], np)
                    s_tr, s_te = f(X[tr]), f(X[te])
                    detail = ("" if sgn > 0 else "-") + names[j]
                yt = y[te]
                thr = thr_at_recall(s_tr, y[tr], np)
                p, r, tp, fp, fn = prf(s_te, yt, thr, np)
                othr = thr_at_recall(s_te, yt, np)
                op, orr, otp, ofp, ofn = prf(s_te, yt, othr, np)
                miss = int(m_n[mte].sum())
                now = f1(int(yt.sum()), int((yt == 0).sum()), miss)
                fh, fo = f1(tp, fp, fn + miss), f1(otp, ofp, ofn + miss)
                a = auc(s_te, yt, np)
                print(f"{fname}\t{cname}\t{int(yt.sum())}\t{int((yt == 0).sum())}\t{a:.3f}\t{p:.3f}\t{r:.3f}\t"
                      f"{op:.3f}\t{now:.3f}\t{fh:.3f}\t{fo:.3f}\t{detail}")
                summ.setdefault(cname, []).append((fname, p, r, op, now, fh, fo, tp, fp, fn, otp, ofp, ofn))
                kept = (s_te >= thr) & (yt == 0)
                for kd in truthkind[te][kept]:
                    left.setdefault(cname, {}).setdefault(kd, 0)
                    left[cname][kd] += 1
        print(f"\n## {split_name}: summary over folds (worst = minimum over the held-out folds; pooled = sums of counts)")
        print("classifier\tworst_honest_P\tworst_oracle_P\tmin_honest_R\tworst_F1_now\tworst_F1_honest\tworst_F1_oracle\t"
              "pooled_honest_P\tpooled_honest_R\tpooled_oracle_P")
        for cname, L in summ.items():
            tp = sum(t[7] for t in L)
            fp = sum(t[8] for t in L)
            fn = sum(t[9] for t in L)
            otp = sum(t[10] for t in L)
            ofp = sum(t[11] for t in L)
            wp = min(t[1] for t in L)
            wo = min(t[3] for t in L)
            print(f"{cname}\t{wp:.3f}\t{wo:.3f}\t{min(t[2] for t in L):.3f}\t{min(t[4] for t in L):.3f}\t"
                  f"{min(t[5] for t in L):.3f}\t{min(t[6] for t in L):.3f}\t{tp / (tp + fp):.3f}\t"
                  f"{tp / (tp + fn):.3f}\t{otp / (otp + ofp):.3f}")
        for cname, d in left.items():
            print(f"# {cname}: false cramps kept at the honest threshold, by truth event: "
                  + " ".join(f"{k}={v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])))

    seeds = sorted(set(seed))
    k = 5
    night_folds = [(f"nights-{i + 1}", np.isin(seed, seeds[i::k]), ~np.isin(seed, seeds[i::k]),
                    np.isin(m_seed, seeds[i::k])) for i in range(k)]
    evaluate("by night (5 folds of seeds, all variants pooled)", night_folds)
    # by night, scored per variant (out-of-fold scores of the pooled model)
    models = sorted(set(model), key=lambda v: (len(v), v))
    evaluate("leave one variant out (a model point's 1- and 2-channel versions held out together)",
             [(mname, model == mname, model != mname, m_model == mname) for mname in models])
    one = np.array([r["channels"] == "1" for r in rows])
    evaluate("leave one variant out, one-channel montages only in the test fold",
             [(mname + "@1ch", (model == mname) & one, model != mname, (m_model == mname) & m_one)
              for mname in models])

    print("\n## logistic regression on all data: standardised coefficients (log1p of the heavy-tailed columns)")
    _, (w, mu, sd) = fit_logit(XL, y, np)
    for i in np.argsort(-np.abs(w[1:])):
        print(f"{names[i]}\t{w[i + 1]:+.3f}")
    return 0


def main():
    if len(sys.argv) >= 7 and sys.argv[1] == "make":
        return make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6],
                    sys.argv[7] if len(sys.argv) > 7 else "main")
    if len(sys.argv) >= 3 and sys.argv[1] == "analyse":
        args, drop = sys.argv[2:], set()
        if "--drop" in args:
            i = args.index("--drop")
            drop = set(args[i + 1].split(","))
            args = args[:i] + args[i + 2:]
        return analyse(args, drop)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
