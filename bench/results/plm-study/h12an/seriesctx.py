#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every detected PLM series with its members, and where each false member
sits (h12an, round 13; bench/README.md, issue 12).

    seriesctx.py CRAMP VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...] [-- DETECT_ARGS...]

For each night: `cramp synth` + `cramp detect`, PLMs paired with the truth as
`cramp score` does (IoU >= 0.2, greedy). Per false PLM one row: variant seed
onset dur channel truth-under-it position (first / last / middle / all-false
series) legs (same: a leg of the series' true members; other: a leg none of
them uses; none: no true member) gap_before gap_after (onset intervals to
its neighbours in the series) rms_ratio (its x-over-rest against the median
of the series' true members). Then per variant counts. Development seeds only.
"""
import collections
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from study import match, night, overlap, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402


def legs(ch):
    return {c.split("-")[0] for c in ch.split(",") if c}


def under(d, truth):
    best, bo = None, 0.0
    for t in truth:
        if t["trial_type"] == "fragmentary":
            continue
        o = overlap(d, t)
        if o > bo:
            best, bo = t, o
    if best is None:
        return "none"
    det = best.get("detail", "")
    return best["trial_type"] + ":" + (det.split(",")[0] if det else "")


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    if len(argv) != 6 or int(argv[3]) >= 10000:
        sys.stderr.write(__doc__)
        return 2
    cramp, vfile, lo, hi, minutes, names = argv
    base_text, defs = variants_text(vfile)
    print("variant\tseed\tonset\tdur\tchannel\ttruth\tposition\tlegs\tgap_before\tgap_after\trms_ratio\tn_true\tn")
    counts = collections.defaultdict(collections.Counter)
    for name in names.split(";"):
        for seed in range(int(lo), int(hi) + 1):
            with tempfile.TemporaryDirectory() as tmp:
                scen = os.path.join(tmp, "v.scenario")
                write_scenario(scen, base_text,
                               [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
                truth, det = night(cramp, tmp, scen, seed, minutes, extra)
            tp_ = [t for t in truth if t["trial_type"] == "plm"]
            dp = [d for d in det if d["trial_type"] == "plm"]
            _, dj = match(tp_, dp)
            ser = collections.defaultdict(list)
            for j, d in enumerate(dp):
                ser[d.get("series", "0")].append(j)
            for s, mem in ser.items():
                mem.sort(key=lambda j: float(dp[j]["onset"]))
                true_m = [j for j in mem if j in dj]
                tlegs = set().union(*[legs(dp[j]["channel"]) for j in true_m]) if true_m else set()
                xs = sorted(float(dp[j]["rms_x_rest"]) for j in true_m
                            if dp[j].get("rms_x_rest", "n/a") != "n/a")
                med = xs[len(xs) // 2] if xs else float("nan")
                for q, j in enumerate(mem):
                    if j in dj:
                        continue
                    d = dp[j]
                    pos = ("all-false" if not true_m else "first" if q == 0 else
                           "last" if q == len(mem) - 1 else "middle")
                    lg = legs(d["channel"])
                    lrel = "none" if not true_m else ("same" if lg & tlegs else "other")
                    gb = float(d["onset"]) - float(dp[mem[q - 1]]["onset"]) if q > 0 else float("nan")
                    ga = (float(dp[mem[q + 1]]["onset"]) - float(d["onset"])
                          if q + 1 < len(mem) else float("nan"))
                    x = float(d["rms_x_rest"]) if d.get("rms_x_rest", "n/a") != "n/a" else float("nan")
                    tu = under(d, truth)
                    print(f"{name}\t{seed}\t{float(d['onset']):.2f}\t{float(d['duration']):.2f}\t"
                          f"{d['channel']}\t{tu}\t{pos}\t{lrel}\t{gb:.1f}\t{ga:.1f}\t{x / med:.2f}\t"
                          f"{len(true_m)}\t{len(mem)}")
                    counts[name][(tu.split(":")[0] if not tu.startswith("movement") else tu, pos, lrel)] += 1
    for name, c in counts.items():
        print(f"# == {name}: false PLMs by (truth, position, leg)")
        for k, n in sorted(c.items(), key=lambda x: -x[1]):
            print(f"# {n:4d}  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
