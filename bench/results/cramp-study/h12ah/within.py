#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Within-night test (issue 12, h12ah): any measure of the form excess / (a constant of the
night and channel) -- the resting level, a percentile of the night, its strongest episode --
keeps the order of excess within a channel-night. So such a measure can separate REM-tonic false
cramps from true cramps on every variant only if, in every channel-night holding both, every
true cramp is stronger than every REM-tonic false cramp. This prints those channel-nights.

    within.py DATA.tsv[.gz]...   (falsecramps.py `make` tables or allnight.py `make` tables)
"""
import csv
import gzip
import math
import sys
from collections import defaultdict


def rd(p):
    op = gzip.open if p.endswith(".gz") else open
    with op(p, "rt") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main(paths):
    rows = []
    for p in paths:
        for r in rd(p):
            if "label" not in r:  # allnight.py table: every episode; keep the cramp-labelled ones
                if r["trial_type"] != "cramp":
                    continue
                r["label"] = "1" if r["truth"] == "cramp" else "0"
            if r["label"] in ("0", "1"):
                rows.append(r)
    ch = defaultdict(lambda: {"tp": [], "rem": []})
    for r in rows:
        rms, rest = float(r["rms_uv"]), float(r["rest_uv"])
        ex = math.sqrt(max(rms * rms - rest * rest, 0.0))
        k = (r["variant"], r["seed"], r["channel"])
        if r["label"] == "1":
            ch[k]["tp"].append(ex)
        elif r["truth"] == "rem_tonic":
            ch[k]["rem"].append(ex)
    per = defaultdict(lambda: [0, 0, 0, float("inf")])
    print("variant\tseed\tchannel\tcramps\tweakest_cramp_uv\tREM_tonic\tstrongest_REM_uv\tREM/weakest_cramp\torder_kept")
    for k in sorted(ch):
        c = ch[k]
        if not c["rem"]:
            continue
        p = per[k[0]]
        p[0] += 1
        if not c["tp"]:
            p[1] += 1
            print(f"{k[0]}\t{k[1]}\t{k[2]}\t0\tn/a\t{len(c['rem'])}\t{max(c['rem']):.2f}\tn/a\tno cramp")
            continue
        ok = min(c["tp"]) > max(c["rem"])
        p[2] += 0 if ok else 1
        p[3] = min(p[3], min(c["tp"]) / max(c["rem"]))
        print(f"{k[0]}\t{k[1]}\t{k[2]}\t{len(c['tp'])}\t{min(c['tp']):.2f}\t{len(c['rem'])}\t{max(c['rem']):.2f}\t"
              f"{max(c['rem']) / min(c['tp']):.3f}\t{'yes' if ok else 'NO'}")
    print()
    print("variant\tchannel-nights with REM-tonic false cramps\tof them without a true cramp on that channel\twith the order broken\tsmallest weakest-cramp/strongest-REM ratio")
    for v in sorted(per):
        p = per[v]
        print(f"{v}\t{p[0]}\t{p[1]}\t{p[2]}\t{p[3]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
