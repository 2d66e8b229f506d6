#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Candidate study (bench/README.md, "Candidate for the next freeze").

Simulates each scenario for development seeds, runs `cramp detect` (with any
extra arguments, e.g. --voluntary-rule), pairs every episode labelled cramp
with the truth event it overlaps most (IoU >= 0.2) and prints, per scenario,
the true cramps found and the false ones by what they really were (the truth
event's detail: stretch, rem_tonic, awakening, turn, ...).

    study.py CRAMP SEED_LO SEED_HI MINUTES SCENARIO[,SCENARIO...] [-- DETECT_ARGS...]
"""
import csv
import os
import subprocess
import sys
import tempfile


def rd(p):
    with open(p, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    if len(sys.argv) < 6:
        sys.stderr.write(__doc__)
        return 2
    cramp, lo, hi, minutes, scens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    extra = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("study.py: development seeds only (1-9999)\n")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        for s in scens.split(","):
            tp, fp = 0, {}
            for seed in range(lo, hi + 1):
                edf = os.path.join(tmp, "n.edf")
                subprocess.run([cramp, "synth", s, "--seed", str(seed), "--minutes", minutes, "-o", edf],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                det = os.path.join(tmp, "n.det.tsv")
                subprocess.run([cramp, "detect", edf, "-o", det, "--quiet"] + extra, check=True)
                truth = rd(os.path.join(tmp, "n.events.tsv"))
                for d in rd(det):
                    if d["trial_type"] != "cramp":
                        continue
                    on, du = float(d["onset"]), float(d["duration"])
                    best, bt = 0.0, None
                    for t in truth:
                        ton, tdu = float(t["onset"]), float(t["duration"])
                        ov = min(on + du, ton + tdu) - max(on, ton)
                        un = max(on + du, ton + tdu) - min(on, ton)
                        if un > 0 and ov / un > best:
                            best, bt = ov / un, t
                    if bt is not None and best >= 0.2 and bt["trial_type"] == "cramp":
                        tp += 1
                    else:
                        k = bt["detail"].split(",")[0] if bt is not None and best >= 0.2 else "none"
                        fp[k] = fp.get(k, 0) + 1
            print(f"{os.path.basename(s)}\tcramps found {tp}\tfalse {sum(fp.values())}\t"
                  + " ".join(f"{k}={v}" for k, v in sorted(fp.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
