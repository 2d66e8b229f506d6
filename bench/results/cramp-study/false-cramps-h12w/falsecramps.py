#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""False cramps by the truth event they overlap (issue 12, h12w).
Development seeds only (1-9999).

    falsecramps.py make CRAMP SCENARIO_DIR SEED_LO SEED_HI MINUTES OUT.tsv [DETECT_ARGS...]
    falsecramps.py table DATA.tsv...
    falsecramps.py candidates DATA.tsv...   (3+ channel data made with FC_ENV=1)

With FC_ENV=1, `make` also band-passes (20-450 Hz, clamped to 0.45 fs) and
notches the night, takes the 0.5-s RMS envelope at 4 Hz, and writes for every
detected cramp co_same / co_other: the largest excess RMS (over the channel's
20th percentile) over the episode's middle of another channel of the same leg
/ of the other leg, over the main channel's ("co" lists the other channels'
detected episodes that overlap it). `candidates` replays three co-activation
vetoes on those rows and prints, per veto, the mean F1 over the variants, the
three worst variants (F1, cramps lost, false cramps removed) and the totals.

`make` runs `cramp synth` and `cramp detect` (one thread) on every scenario of
SCENARIO_DIR (one per literature variant, from the `# variant` lines of
detect-accuracy --variants) and writes one row per detected cramp: label 1 when
its best-overlapping truth event (IoU >= 0.2) is a cramp, else 0 and the kind
(detail's first word, or the class) of the truth event it overlaps most
(IoU >= 0.2), else of the one it overlaps longest ("~kind"), else "none";
plus one row per night counting the truth cramps no detected cramp matched.
"""
import csv
import os
import subprocess
import sys
import tempfile


def rd(p):
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def kind_of(t):
    d = (t.get("detail") or "").split(",")[0].strip()
    if t["trial_type"] in ("cramp", "plm"):
        return t["trial_type"]
    return d.split()[0] if d else t["trial_type"]


def match(on, du, truth):
    best, bt, lo, lt = 0.0, None, 0.0, None
    for t in truth:
        ton, tdu = float(t["onset"]), float(t["duration"])
        ov = min(on + du, ton + tdu) - max(on, ton)
        un = max(on + du, ton + tdu) - min(on, ton)
        if ov > 0 and un > 0 and ov / un > best:
            best, bt = ov / un, t
        if ov > lo:
            lo, lt = ov, t
    return bt if best >= 0.2 else None, lt


ENV = os.environ.get("FC_ENV") == "1"


def envelope(path):
    with open(path) as f:
        hdr = f.readline().rstrip("\n").split("\t")
        rows = [list(map(float, ln.split("\t"))) for ln in f]
    names = [h.split(" [")[0] for h in hdr[1:]]
    t = [r[0] for r in rows]
    cols = {n: [r[i + 1] for r in rows] for i, n in enumerate(names)}
    rest = {n: sorted(v)[len(v) // 5] for n, v in cols.items()}  # 20th percentile
    return t, cols, rest


def coact(env, d, on, du):
    """Excess RMS (over rest) of every other channel over the episode's
    middle (1 s in from each end), over the main channel's: the largest on
    the same leg (another muscle) and on the other leg."""
    t, cols, rest = env
    idx = [i for i, x in enumerate(t) if on + 1 <= x <= on + du - 1] or \
          [i for i, x in enumerate(t) if on <= x <= on + du]
    def exc(n):
        if not idx:
            return float("nan")
        ms = sum(cols[n][i] ** 2 for i in idx) / len(idx)
        return max(ms - rest[n] ** 2, 0) ** 0.5
    main = d["main_channel"]
    am = exc(main)
    same, other = 0.0, 0.0
    for n in cols:
        if n == main:
            continue
        r = exc(n) / am if am > 0 else float("nan")
        if n[:1] == main[:1]:
            same = max(same, r)
        else:
            other = max(other, r)
    return {"co_same": f"{same:.3f}", "co_other": f"{other:.3f}"}


def make(cramp, sdir, lo, hi, minutes, out, extra):
    if not (1 <= lo <= hi <= 9999):
        sys.exit("development seeds only")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for sf in sorted(os.listdir(sdir)):
            name = sf[:-9]
            scen = os.path.join(sdir, sf)
            nch = [ln.split()[1] for ln in open(scen) if ln.startswith("channels ")][-1]
            for seed in range(lo, hi + 1):
                edf = os.path.join(tmp, "n.edf")
                subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", str(minutes),
                                "-o", edf], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                det = os.path.join(tmp, "n.det.tsv")
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1"] + extra,
                               check=True)
                truth = rd(os.path.join(tmp, "n.events.tsv"))
                covered = set()
                dets = rd(det)
                env = None
                if ENV:
                    flt = os.path.join(tmp, "f.edf")
                    kv = {ln.split()[0]: ln.split()[1] for ln in open(scen) if ln.strip() and not ln.startswith("#")}
                    hi_hz = min(450, 0.45 * float(kv["fs"]))
                    subprocess.run([cramp, "filter", edf, "--band", f"20-{hi_hz:g}", "--notch", kv["mains_hz"],
                                    "--harmonics", "-o", flt],
                                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    subprocess.run([cramp, "envelope", flt, "--window", "0.5", "--rate", "4", "-o",
                                    os.path.join(tmp, "e.tsv")], check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    env = envelope(os.path.join(tmp, "e.tsv"))
                for d in dets:
                    if d["trial_type"] != "cramp":
                        continue
                    on, du = float(d["onset"]), float(d["duration"])
                    bt, lt = match(on, du, truth)
                    if bt is not None and bt["trial_type"] == "cramp":
                        lab, kind, tch = 1, "cramp", bt["channel"]
                        covered.add(id(bt))
                    elif bt is not None:
                        lab, kind, tch = 0, kind_of(bt), bt["channel"]
                    elif lt is not None:
                        lab, kind, tch = 0, "~" + kind_of(lt), lt["channel"]
                    else:
                        lab, kind, tch = 0, "none", ""
                    ovl = ";".join(f"{kind_of(t)}@{t['channel']}" for t in truth
                                   if min(on + du, float(t["onset"]) + float(t["duration"]))
                                   > max(on, float(t["onset"])))
                    co = []
                    for o in dets:
                        if o is d or o["channel"] == d["channel"]:
                            continue
                        oo, od = float(o["onset"]), float(o["duration"])
                        ov = min(on + du, oo + od) - max(on, oo)
                        if ov > 0:
                            co.append(f"{o['trial_type']}@{o['channel']}:{ov:.1f}:{o['rms_uv']}")
                    r = {"variant": name, "co": ";".join(co), "channels": nch, "seed": seed, "label": lab, "truth": kind,
                         "truth_channel": tch, "overlaps": ovl}
                    r.update(d)
                    if env is not None:
                        r.update(coact(env, d, on, du))
                    rows.append(r)
                missed = sum(1 for t in truth if t["trial_type"] == "cramp" and id(t) not in covered)
                rows.append({"variant": name, "channels": nch, "seed": seed, "label": "missed",
                             "truth": str(missed)})
            sys.stderr.write(f"{name} ")
    keys = []
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, keys, delimiter="\t", lineterminator="\n", restval="n/a")
        w.writeheader()
        w.writerows(rows)


def table(paths):
    rows = [r for p in paths for r in rd(p)]
    for grp, sel in (("1-2 ch", lambda c: c <= 2), ("3+ ch", lambda c: c >= 3)):
        rr = [r for r in rows if sel(int(r["channels"]))]
        tp = sum(1 for r in rr if r["label"] == "1")
        fp = [r for r in rr if r["label"] == "0"]
        fn = sum(int(r["truth"]) for r in rr if r["label"] == "missed")
        nv = len({r["variant"] for r in rr})
        f1 = 2 * tp / (2 * tp + len(fp) + fn) if tp else 0
        print(f"## {grp}: {nv} variants, tp {tp}, false {len(fp)}, missed {fn}, pooled F1 {f1:.3f}")
        cnt = {}
        for r in fp:
            cnt[r["truth"]] = cnt.get(r["truth"], 0) + 1
        for k, v in sorted(cnt.items(), key=lambda x: -x[1]):
            print(f"  {k}\t{v}")


def candidates(paths):
    import statistics as st
    from collections import defaultdict
    rows = [r for p in paths for r in rd(p)]
    per = defaultdict(lambda: {"tp": [], "fp": [], "fn": 0})
    night = defaultdict(list)
    for r in rows:
        v = per[r["variant"]]
        if r["label"] == "missed":
            v["fn"] += int(r["truth"])
            continue
        v["tp" if r["label"] == "1" else "fp"].append(r)
        night[(r["variant"], r["seed"], r["main_channel"][0])].append(float(r["co_same"]))

    def f1(tp, fp, fn):
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    def run(name, veto):
        fs = []
        for k, v in per.items():
            tp = sum(1 for r in v["tp"] if not veto(r))
            fp = sum(1 for r in v["fp"] if not veto(r))
            fs.append((f1(tp, fp, v["fn"] + len(v["tp"]) - tp), k, len(v["tp"]) - tp,
                       len(v["fp"]) - fp))
        fs.sort()
        worst = ", ".join(f"{k} {f:.3f} (-{a}, -{b})" for f, k, a, b in fs[:3])
        print(f"{name}\tmean {sum(x[0] for x in fs) / len(fs):.4f}\tcramps lost "
              f"{sum(x[2] for x in fs)}\tfalse removed {sum(x[3] for x in fs)}\tworst {worst}")

    def adaptive(m):
        def veto(r):
            lst = night[(r["variant"], r["seed"], r["main_channel"][0])]
            return len(lst) >= 3 and float(r["co_same"]) > st.median(lst) + m
        return veto

    run("none", lambda r: False)
    for th in (0.3, 0.35, 0.4, 0.45):
        run(f"co_same>={th}", lambda r, th=th: float(r["co_same"]) >= th)
    for th in (0.3, 0.5):
        run(f"co_other>={th}", lambda r, th=th: float(r["co_other"]) >= th)
    for m in (0.05, 0.1, 0.2):
        run(f"co_same>night_median+{m}", adaptive(m))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
             sys.argv[7], sys.argv[8:])
    elif sys.argv[1] == "candidates":
        candidates(sys.argv[2:])
    else:
        table(sys.argv[2:])
