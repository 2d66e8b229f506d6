#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the cramps of slow-onset and few-unit variants go (issue 12).

For each variant (base scenario + 'key value' overrides) and development
seed, `cramp synth` draws a night and `cramp detect` labels it; every true
cramp is listed with its draws (units, onset ramp), the detected episodes
overlapping it and, when a detected cramp matches it (IoU >= 0.2, as
cramp_score), the onset error (detected - true). Usage:

    study.py CRAMP BASE.scenario SEED_A-SEED_B MINUTES NAME:key=v[,v] ... [-- DETECT_OPTS]
"""
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def iou(a0, a1, b0, b1):
    inter = min(a1, b1) - max(a0, b0)
    if inter <= 0:
        return 0.0
    return inter / (max(a1, b1) - min(a0, b0))


def main(argv):
    cramp, base, seeds, minutes = argv[1:5]
    rest = argv[5:]
    det_opts = []
    if "--" in rest:
        k = rest.index("--")
        det_opts = rest[k + 1:]
        rest = rest[:k]
    a, b = (int(x) for x in seeds.split("-"))
    base_text = open(base).read()
    tmp = tempfile.mkdtemp(prefix="h12f-onset-")
    for spec in rest:
        name, _, ov = spec.partition(":")
        lines = [base_text, "duration_min %s" % minutes]
        for kv in ov.split():
            k, _, v = kv.partition("=")
            lines.append("%s %s" % (k, v.replace(",", " ")))
        errs, n_true, n_hit = [], 0, 0
        for seed in range(a, b + 1):
            sc = os.path.join(tmp, "%s-%d.scenario" % (re.sub(r"\W", "_", name), seed))
            with open(sc, "w") as f:
                f.write("\n".join(lines + ["seed %d" % seed, ""]))
            edf = sc[:-9] + ".edf"
            subprocess.run([cramp, "synth", sc, "-o", edf], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            det = edf + ".det.tsv"
            subprocess.run([cramp, "detect", edf, "-o", det] + det_opts, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            truth = read_tsv(edf[:-4] + ".events.tsv")
            ours = read_tsv(det)
            for t in truth:
                if t["trial_type"] != "cramp":
                    continue
                n_true += 1
                t0 = float(t["onset"])
                t1 = t0 + float(t["duration"])
                m = re.search(r"(\d+) units, ([\d.]+) Hz, onset ([\d.]+) s(, precursor ([\d.]+) s)?",
                              t["detail"])
                units, ramp = (int(m.group(1)), float(m.group(3))) if m else (0, 0.0)
                pre = m.group(5) if m and m.group(5) else "-"
                over = [o for o in ours if float(o["onset"]) < t1 and
                        float(o["onset"]) + float(o["duration"]) > t0 - 2]
                best, bi = None, 0.0
                for o in over:
                    if o["trial_type"] != "cramp":
                        continue
                    v = iou(t0, t1, float(o["onset"]), float(o["onset"]) + float(o["duration"]))
                    if v >= 0.2 and v > bi:
                        best, bi = o, v
                if best is not None:
                    n_hit += 1
                    errs.append(float(best["onset"]) - t0)
                desc = "; ".join("%s %+.2f+%.2f %s x%s [%s]" % (
                    o["trial_type"], float(o["onset"]) - t0, float(o["duration"]),
                    o["main_channel"], o["rms_x_rest"][:5],
                    o["reason"] if o["trial_type"] != "cramp" else "") for o in over)
                print("%s\t%d\t%.1f\t%.2f\t%s\t%d\t%.2f\t%s\t%s\t%s\t%s" % (
                    name, seed, t0, t1 - t0, t["channel"], units, ramp,
                    "%.2f" % (ramp / (units + 1)) if units else "-", pre,
                    "%+.2f" % (float(best["onset"]) - t0) if best else "MISS", desc))
        med = statistics.median(errs) if errs else float("nan")
        print("## %s: %d true, %d found (recall %.3f), median onset error %+.3f s" % (
            name, n_true, n_hit, n_hit / n_true if n_true else float("nan"), med))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
