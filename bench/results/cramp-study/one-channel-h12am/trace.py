#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""False cramps on one-/two-channel nights by what lies under them (issue 12, h12am).
Development seeds only (1-9999); h12am's validation range 10590-10599 was run once.

    trace.py dump DUMPDIR OUT.tsv    the same rows from the benchmark's own nights (h12ab's trace-dump.patch)
    trace.py ceiling OUT.tsv...   F1 per variant with each false class removed whole

    trace.py make CRAMP SCENARIO_DIR SEED_LO SEED_HI MINUTES OUT.tsv [DETECT_ARGS...]
    trace.py table OUT.tsv...

`make` runs `cramp synth` + `cramp detect` (one thread) per scenario and seed and
writes one row per detected cramp with the detector's measures and a class:
  cramp      matches a truth cramp (IoU >= 0.2, first come; the scorer is one-to-one)
  split      overlaps a truth cramp another detected cramp already matched (one cramp cut in two)
  edge       overlaps a truth cramp at IoU < 0.2 that nothing matched
  precursor  lies mostly (>= half) inside a truth cramp's precursor window
             [t0 - precursor, onset) on the same channel
  stretch    a truth movement whose detail is `stretch`
  KIND       else the truth event of largest IoU >= 0.2 (detail's first word:
             awakening, turn, rem_tonic, rmd, hft, alma, ...), else ~KIND of
             longest overlap, else none
plus one `missed` row per truth cramp nothing matched, with the detected
episodes (any class) that overlap it.
"""
import csv, os, re, subprocess, sys, tempfile


def rd(p):
    import gzip
    with (gzip.open(p, "rt") if p.endswith(".gz") else open(p)) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def kind_of(t):
    if t["trial_type"] in ("cramp", "plm"):
        return t["trial_type"]
    d = (t.get("detail") or "").split(",")[0].strip()
    return d.split()[0] if d else t["trial_type"]


def iou(a0, a1, b0, b1):
    ov = min(a1, b1) - max(a0, b0)
    un = max(a1, b1) - min(a0, b0)
    return (ov / un if ov > 0 and un > 0 else 0.0), max(ov, 0.0)


def classify(dets, truth):
    cr = [t for t in truth if t["trial_type"] == "cramp"]
    used = set()
    out = []
    for d in dets:
        on, du = float(d["onset"]), float(d["duration"])
        a0, a1 = on, on + du
        lab = None
        best, bt = 0.0, None
        for t in cr:
            if t["channel"] != d["main_channel"] and t["channel"] != d["channel"]:
                pass
            i, _ = iou(a0, a1, float(t["onset"]), float(t["onset"]) + float(t["duration"]))
            if i >= 0.2 and id(t) not in used and i > best:
                best, bt = i, t
        if bt is not None:
            used.add(id(bt))
            out.append((d, "cramp", bt))
            continue
        out.append((d, None, None))
    res = []
    for d, lab, bt in out:
        if lab:
            res.append((d, lab, f"{float(bt['onset']):.1f}"))
            continue
        on, du = float(d["onset"]), float(d["duration"])
        a0, a1 = on, on + du
        cls, info = None, ""
        for t in cr:
            t0, t1 = float(t["onset"]), float(t["onset"]) + float(t["duration"])
            i, ov = iou(a0, a1, t0, t1)
            if ov > 0:
                cls = "split" if id(t) in used else "edge"
                info = f"iou {i:.2f} ov {ov:.1f} cramp {t0:.1f}-{t1:.1f}"
                if ov >= 0.5 * du or cls == "split":
                    break
        if cls is None:
            for t in cr:
                m = re.search(r"precursor ([0-9.]+) s", t["detail"])
                m0 = re.search(r"t0 ([0-9.]+) s", t["detail"])
                if not m or not m0:
                    continue
                p0, p1 = float(m0.group(1)) - float(m.group(1)), float(t["onset"])
                _, ov = iou(a0, a1, p0, p1)
                if ov >= 0.5 * du:
                    cls, info = "precursor", f"pre {p0:.1f}-{p1:.1f} cramp at {p1:.1f}"
                    break
        if cls is None:
            best, bt, lo, lt = 0.0, None, 0.0, None
            for t in truth:
                t0, t1 = float(t["onset"]), float(t["onset"]) + float(t["duration"])
                i, ov = iou(a0, a1, t0, t1)
                if i > best:
                    best, bt = i, t
                if ov > lo:
                    lo, lt = ov, t
            if bt is not None and best >= 0.2:
                cls, info = kind_of(bt), f"iou {best:.2f} {bt['detail']}"
            elif lt is not None:
                cls, info = "~" + kind_of(lt), f"ov {lo:.1f} {lt['detail']}"
            else:
                cls = "none"
        res.append((d, cls, info))
    missed = [t for t in cr if id(t) not in used]
    return res, missed


def nights(cramp, sdir, lo, hi, minutes, extra=()):
    """(variant, seed, truth rows, detected rows) for every scenario and seed."""
    if not (1 <= lo <= hi <= 9999 or 10590 <= lo <= hi <= 10599):
        sys.exit("development seeds only (or h12am's validation range 10590-10599, once)")
    with tempfile.TemporaryDirectory() as tmp:
        edf, det = os.path.join(tmp, "n.edf"), os.path.join(tmp, "n.det.tsv")
        for sf in sorted(os.listdir(sdir)):
            for seed in range(lo, hi + 1):
                quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
                subprocess.run([cramp, "synth", os.path.join(sdir, sf), "--seed", str(seed),
                                "--minutes", str(minutes), "-o", edf], **quiet)
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1", *extra],
                               check=True)
                yield sf[:-9], seed, rd(os.path.join(tmp, "n.events.tsv")), rd(det)
            sys.stderr.write(f"{sf[:-9]} ")


def night_rows(name, seed, truth, alld):
    """The rows of one night: each cramp-labelled episode with its class, each missed truth cramp."""
    res, missed = classify([d for d in alld if d["trial_type"] == "cramp"], truth)
    rows = [{"variant": name, "seed": seed, "class": cls, "info": info, **d} for d, cls, info in res]
    for t in missed:
        t0, t1 = float(t["onset"]), float(t["onset"]) + float(t["duration"])
        under = ";".join(f"{d['trial_type']}@{d['channel']}:{float(d['onset']):.1f}+{float(d['duration']):.1f}"
                         for d in alld if iou(t0, t1, float(d["onset"]),
                                              float(d["onset"]) + float(d["duration"]))[1] > 0)
        rows.append({"variant": name, "seed": seed, "class": "missed",
                     "info": f"{t0:.1f} {float(t['duration']):.1f} {t['channel']} {t['detail']} | {under}"})
    return rows


def write(rows, out):
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, list(dict.fromkeys(k for r in rows for k in r)), delimiter="\t",
                           lineterminator="\n", restval="n/a")
        w.writeheader()
        w.writerows(rows)


def make(cramp, sdir, lo, hi, minutes, out, extra):
    rows = []
    for name, seed, truth, alld in nights(cramp, sdir, lo, hi, minutes, extra):
        rows += night_rows(name, seed, truth, alld)
    write(rows, out)


def dump(ddir, out):
    """The benchmark's own nights: truth.tsv and ours.tsv of detect-accuracy built with
    h12ab's trace-dump.patch (H12AB_DUMP=DIR, H12AB_ONLY=,variant,...,)."""
    from collections import defaultdict
    nts = defaultdict(lambda: ([], []))
    tcols = "variant seed onset duration trial_type channel detail".split()
    ocols = "variant seed onset duration trial_type channel main_channel rms_uv rest_uv rms_x_rest " \
            "tonic_fraction kurtosis env_mod_ratio bursts reason".split()
    for fn, cols, k in (("truth.tsv", tcols, 0), ("ours.tsv", ocols, 1)):
        for ln in open(os.path.join(ddir, fn)):
            r = dict(zip(cols, ln.rstrip("\n").split("\t")))
            if int(r["seed"]) >= 10000 and not 10590 <= int(r["seed"]) <= 10599:
                sys.exit("development seeds only")
            nts[(r["variant"], int(r["seed"]))][k].append(r)
    rows = []
    for (name, seed), (truth, alld) in sorted(nts.items()):
        rows += night_rows(name, seed, truth, alld)
    write(rows, out)


def table(paths):
    from collections import Counter, defaultdict
    rows = [r for p in paths for r in rd(p)]
    per = defaultdict(Counter)
    for r in rows:
        c = r["class"]
        per[r["variant"]][c] += 1
    allc = Counter()
    for v, c in sorted(per.items()):
        tp, fn = c["cramp"], c["missed"]
        fp = sum(n for k, n in c.items() if k not in ("cramp", "missed"))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0
        fl = ", ".join(f"{k} {n}" for k, n in c.most_common() if k not in ("cramp", "missed"))
        print(f"{v}\ttp {tp} false {fp} missed {fn} F1 {f1:.3f}\t{fl}")
        allc.update(c)
    fl = ", ".join(f"{k} {n}" for k, n in allc.most_common() if k not in ("cramp", "missed"))
    print(f"all\ttp {allc['cramp']} missed {allc['missed']}\t{fl}")


def ceiling(paths):
    from collections import Counter, defaultdict
    rows = [r for p in paths for r in rd(p)]
    per = defaultdict(Counter)
    for r in rows:
        per[r["variant"]][r["class"]] += 1
    classes = sorted({k for c in per.values() for k in c if k not in ("cramp", "missed")},
                     key=lambda k: -sum(c[k] for c in per.values()))
    print("variant\tnow\t" + "\t".join(f"-{k}" for k in classes))
    for v, c in sorted(per.items()):
        tp, fn = c["cramp"], c["missed"]
        fp = sum(n for k, n in c.items() if k not in ("cramp", "missed"))
        f = lambda x: 2 * tp / (2 * tp + x + fn) if tp else 0
        print(f"{v}\t{f(fp):.3f}\t" + "\t".join(f"{f(fp - c[k]):.3f}" for k in classes))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
             sys.argv[7], sys.argv[8:])
    elif sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "ceiling":
        ceiling(sys.argv[2:])
    else:
        table(sys.argv[2:])
