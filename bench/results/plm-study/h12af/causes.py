#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Missed true PLMs by cause, from trace.py rows (h12af, round 11).

    causes.py TRACE_TSV

A missed LM (fn) is: `never segmented` (no detected episode over it; weak
or strong as the truth says), `burst, series < 4 seen` (detected, labelled
burst, in a true series with fewer than 4 LMs that have any episode over
them: no series rule can keep it), `burst, series broken` (the same with
4 or more seen: the series was ended or cut), or `inside LABEL` (the
detected episode over it most has another label; for `fragmentary` that is
the 20-40-min run, whatever lies inside: h12s/trace_all.py names those).
"""
import collections
import csv
import re
import sys


def main():
    rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
    ser = collections.defaultdict(dict)
    for r in rows:
        m = re.match(r"series (\d+), lm (\d+)/(\d+)", r["truth_detail"])
        if r["kind"] in ("tp", "fn") and m:
            ser[(r["variant"], r["seed"], m.group(1))][int(m.group(2))] = r
    cnt, fn_all = collections.Counter(), collections.Counter()
    for (v, _, _), lms in ser.items():
        seen = sum(1 for r in lms.values() if r["det_label"] != "none")
        for r in lms.values():
            if r["kind"] != "fn":
                continue
            weak = "weak" in r["truth_detail"]
            lab = r["det_label"]
            if lab == "none":
                cause = "never segmented" + (" (weak LM)" if weak else " (strong LM)")
            elif lab == "burst":
                cause = "burst, series < 4 seen" if seen < 4 else "burst, series broken"
            else:
                cause = f"inside {lab}" + (" (weak LM)" if weak else "")
            cnt[(v, cause)] += 1
            fn_all[v] += 1
    variants = sorted(fn_all)
    causes = sorted({c for _, c in cnt}, key=lambda c: -sum(cnt[(v, c)] for v in variants))
    print("cause\t" + "\t".join(variants) + "\tall")
    for c in causes:
        n = [cnt[(v, c)] for v in variants]
        print(c + "\t" + "\t".join(map(str, n)) + f"\t{sum(n)}")
    print("missed\t" + "\t".join(str(fn_all[v]) for v in variants) + f"\t{sum(fn_all.values())}")
    tp = collections.Counter(r["variant"] for r in rows if r["kind"] == "tp")
    fp = collections.Counter(r["variant"] for r in rows if r["kind"] == "fp")
    print("found / false\t" + "\t".join(f"{tp[v]} / {fp[v]}" for v in variants))
    return 0


if __name__ == "__main__":
    sys.exit(main())
