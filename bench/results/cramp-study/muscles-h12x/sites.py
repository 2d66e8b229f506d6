#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cramps by site: what the detector calls a cramp on the calf, foot, TA or
thigh (issue 12, h12x). Development seeds (1-9999), or once a helper's own
validation range (h12x: 10460-10469); never evaluation seeds (>= 20000).

    sites.py scenarios VARIANTS_TXT BASE OUT_DIR
    sites.py make CRAMP SCENARIO_DIR SEED_LO SEED_HI MINUTES OUT.tsv [DETECT_ARGS...]
    sites.py table DATA.tsv...

`scenarios` writes one scenario per `# variant NAME: KEY=SPEC ...` line of a
detect-accuracy table (the base, the `# set:` lines, the variant's values;
variants with a range, drawn per night by the harness, are left out).
`make` runs `cramp synth` and `cramp detect` (one thread) on every scenario
and night, and writes one row per truth cramp (its channel; `found` when a
detected cramp overlaps it with IoU >= 0.2, else the label, row reason and
channel of the detection that overlaps it best, IoU >= 0.2, else "~" and the
longest overlapping one, else "none") and one row per detected cramp that
matches no truth cramp (the truth kind and channel under it, as
false-cramps-h12w/falsecramps.py). `table` prints per variant cramps found /
truth, false cramps, precision, recall, F1 and the labels of the missed.
"""
import csv
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict


def rd(p):
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def iou(a0, a1, b0, b1):
    ov = min(a1, b1) - max(a0, b0)
    un = max(a1, b1) - min(a0, b0)
    return ov / un if ov > 0 and un > 0 else 0.0, max(ov, 0.0)


def scenarios(vtxt, base, out):
    os.makedirs(out, exist_ok=True)
    sets = []
    for ln in open(vtxt):
        if ln.startswith("# set: "):
            k, v = ln[7:].strip().split("=", 1)
            sets.append(f"{k} {v.replace(',', ' ')}")
        m = re.match(r"# variant (\S+): (.*)$", ln.strip())
        if not m:
            continue
        name, kvs = m.group(1), m.group(2)
        if ".." in kvs or "|" in kvs:
            continue  # drawn per night by the harness
        lines = list(sets)
        if kvs != "(no override)":
            for kv in kvs.split():
                k, v = kv.split("=", 1)
                lines.append(f"{k} {v.replace(',', ' ')}")
        with open(os.path.join(out, f"{name}.scenario"), "w") as f:
            f.write(open(base).read())
            f.write("\n".join(lines + [f"name {name}"]) + "\n")


def make(cramp, sdir, lo, hi, minutes, out, extra):
    if not (1 <= lo <= hi <= 9999 or 10460 <= lo <= hi <= 10469):
        sys.exit("development seeds or h12x's validation range only")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for sf in sorted(os.listdir(sdir)):
            name = sf[:-9]
            for seed in range(lo, hi + 1):
                edf = os.path.join(tmp, "n.edf")
                subprocess.run([cramp, "synth", os.path.join(sdir, sf), "--seed", str(seed),
                                "--minutes", str(minutes), "-o", edf], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                det = os.path.join(tmp, "n.det.tsv")
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1"] + extra,
                               check=True)
                truth = rd(os.path.join(tmp, "n.events.tsv"))
                dets = rd(det)
                used = set()
                for t in truth:
                    if t["trial_type"] != "cramp":
                        continue
                    t0, t1 = float(t["onset"]), float(t["onset"]) + float(t["duration"])
                    best, bd, lo_, ld = 0.0, None, 0.0, None
                    found = None
                    for i, d in enumerate(dets):
                        d0, d1 = float(d["onset"]), float(d["onset"]) + float(d["duration"])
                        j, ov = iou(t0, t1, d0, d1)
                        if d["trial_type"] == "cramp" and j >= 0.2 and i not in used:
                            found = i
                        if j > best:
                            best, bd = j, d
                        if ov > lo_:
                            lo_, ld = ov, d
                    if found is not None:
                        used.add(found)
                        lab, why, dch = "found", "", dets[found]["channel"]
                    elif bd is not None and best >= 0.2:
                        lab, why, dch = bd["trial_type"], bd["reason"], bd["channel"]
                    elif ld is not None:
                        lab, why, dch = "~" + ld["trial_type"], ld["reason"], ld["channel"]
                    else:
                        lab, why, dch = "none", "", ""
                    rows.append({"variant": name, "seed": seed, "row": "truth", "channel": t["channel"],
                                 "onset": t["onset"], "duration": t["duration"], "label": lab,
                                 "det_channel": dch, "reason": why, "detail": t["detail"]})
                for i, d in enumerate(dets):
                    if d["trial_type"] != "cramp" or i in used:
                        continue
                    d0, d1 = float(d["onset"]), float(d["onset"]) + float(d["duration"])
                    best, bt = 0.0, None
                    for t in truth:
                        j, ov = iou(d0, d1, float(t["onset"]), float(t["onset"]) + float(t["duration"]))
                        if j > best:
                            best, bt = j, t
                    kind = (bt["detail"].split(",")[0] if bt else "none") if best >= 0.2 else \
                        ("~" + bt["detail"].split(",")[0] if bt else "none")
                    rows.append({"variant": name, "seed": seed, "row": "false", "channel": d["channel"],
                                 "onset": d["onset"], "duration": d["duration"], "label": kind,
                                 "det_channel": bt["channel"] if bt else "", "reason": d["reason"],
                                 "detail": bt["detail"] if bt else ""})
            sys.stderr.write(f"{name} ")
    keys = ["variant", "seed", "row", "channel", "onset", "duration", "label", "det_channel",
            "reason", "detail"]
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, keys, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


SITE = {"GAS": "calf", "SOL": "calf", "TA": "ta", "AH": "foot", "VL": "thigh"}


def site(ch):
    return SITE.get(ch.split("-", 1)[-1], ch)


def short(reason):
    for key, name in (("two or more muscles of a leg at", "rmd-train"),
                      ("another muscle of the leg right after a cramp", "after-cramp"),
                      ("two or more muscles of a leg", "muscles-of-a-leg"),
                      ("two or more muscles, longer", "muscles-long"),
                      ("modulated at 0.5-3 Hz", "modulated-contraction"),
                      ("in a series of >= 4", "plm-series"), ("phasic", "burst:phasic"),
                      ("activity on more than one muscle", "burst:muscles"),
                      ("shorter than a cramp", "burst:short"),
                      ("intermittent", "burst:weak"), ("hypnagogic foot tremor", "hft-train"), ("alternating between the legs", "alma-train"),
                      ("sustained >= 5 s", "cramp"),
                      ("motion artefact", "motion")):
        if key in reason:
            return name
    return reason[:40] if reason else "-"


def table(paths):
    rows = [r for p in paths for r in rd(p)]
    per = OrderedDict()
    for r in rows:
        v = per.setdefault(r["variant"], {"n": Counter(), "tp": Counter(), "fp": 0, "miss": Counter(),
                                          "fpk": Counter()})
        if r["row"] == "truth":
            s = site(r["channel"])
            v["n"][s] += 1
            if r["label"] == "found":
                v["tp"][s] += 1
            else:
                v["miss"][f"{s}:{r['label']}/{short(r['reason'])}"] += 1
        else:
            v["fp"] += 1
            v["fpk"][r["label"]] += 1
    print("variant\tsites(found/truth)\tfalse\tprecision\trecall\tf1\tmissed as (site:label/row)\tfalse cramps on")
    for name, v in per.items():
        n, tp, fp = sum(v["n"].values()), sum(v["tp"].values()), v["fp"]
        p = tp / (tp + fp) if tp + fp else float("nan")
        rc = tp / n if n else float("nan")
        f1 = 2 * tp / (tp + fp + n) if n + fp else float("nan")
        sites = " ".join(f"{s} {v['tp'][s]}/{v['n'][s]}" for s in sorted(v["n"]))
        miss = ", ".join(f"{k} {c}" for k, c in v["miss"].most_common())
        fpk = ", ".join(f"{k} {c}" for k, c in v["fpk"].most_common())
        print(f"{name}\t{sites}\t{fp}\t{p:.3f}\t{rc:.3f}\t{f1:.3f}\t{miss or '-'}\t{fpk or '-'}")


if __name__ == "__main__":
    if sys.argv[1] == "scenarios":
        scenarios(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
             sys.argv[7], sys.argv[8:])
    else:
        table(sys.argv[2:])
