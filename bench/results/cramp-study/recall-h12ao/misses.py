#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Missed cramps of one scenario and what the detector made of them (issue 12, h12ao).
Development seeds only (1-9999); h12ao's validation range 10610-10619 once.

    misses.py CRAMP SCENARIO SEED_LO SEED_HI MINUTES OUT.tsv [DETECT_ARGS...]

`cramp synth` + `cramp detect` (one thread) per seed; one row per truth cramp
that no detected cramp matches (IoU >= 0.2, one-to-one as the scorer), then one
row per detected episode (fragmentary myoclonus left out) overlapping it, with
its label, reason and the measures the cramp row reads. Last line: tp / false / missed.
"""
import os, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "one-channel-h12am"))
from trace import iou, rd  # h12am's reader and interval overlap  # noqa: E402


def span(r):
    on = float(r["onset"])
    return on, on + float(r["duration"])


def main(cramp, scen, lo, hi, minutes, out, extra):
    lo, hi = int(lo), int(hi)
    if not (1 <= lo <= hi <= 9999 or 10610 <= lo <= hi <= 10619):
        sys.exit("development seeds only (or h12ao's validation range 10610-10619, once)")
    keys = ["trial_type", "channel", "onset", "duration", "rms_x_rest", "tonic_fraction", "bursts",
            "rises", "precursor_s", "confidence", "reason"]
    tp = miss = ndet = 0
    with tempfile.TemporaryDirectory() as tmp, open(out, "w") as fo:
        fo.write("seed\trow\tt0\tdur\tdetail\t" + "\t".join(keys) + "\n")
        edf, det = os.path.join(tmp, "n.edf"), os.path.join(tmp, "n.det.tsv")
        for seed in range(lo, hi + 1):
            q = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", str(minutes),
                            "-o", edf], **q)
            subprocess.run([cramp, "detect", edf, "-o", det, "--quiet", "--threads", "1", *extra],
                           check=True)
            truth = [t for t in rd(os.path.join(tmp, "n.events.tsv")) if t["trial_type"] == "cramp"]
            dets = rd(det)
            used = set()
            ndet += sum(d["trial_type"] == "cramp" for d in dets)
            for d in (d for d in dets if d["trial_type"] == "cramp"):
                best, bt = 0.0, None
                for i, t in enumerate(truth):
                    if i in used:
                        continue
                    v, _ = iou(*span(d), *span(t))
                    if v >= 0.2 and v > best:
                        best, bt = v, i
                if bt is not None:
                    used.add(bt)
            tp += len(used)
            for i, t in enumerate(truth):
                if i in used:
                    continue
                miss += 1
                t0, t1 = span(t)
                fo.write(f"{seed}\tmissed\t{t0:.2f}\t{t1 - t0:.2f}\t{t['channel']} {t['detail']}\n")
                for d in dets:
                    if d["trial_type"] == "fragmentary" or iou(t0, t1, *span(d))[1] <= 0:
                        continue
                    fo.write(f"{seed}\tunder\t\t\t\t" + "\t".join(d.get(k, "") for k in keys) + "\n")
        fo.write(f"# tp {tp} false {ndet - tp} missed {miss}\n")
    print(f"tp {tp} false {ndet - tp} missed {miss}")


if __name__ == "__main__":
    main(*sys.argv[1:7], sys.argv[7:])
