#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two builds of `cramp detect` on the same development nights (issue 12, h12o).

Each night of each variant (variants file as for trace.py) is simulated once
and detected by both builds; PLMs are paired with the truth as `cramp score`
does (study.match: IoU >= 0.2, greedy). Prints per variant the true PLMs and
each build's found / false PLMs, and every episode whose PLM label differs
between the builds with the truth event under it:

    ab.py CRAMP_A CRAMP_B VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...]

Development seeds only (1-9999).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study import dev_args, match, overlap, print_block, rd, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402


def detect(cramp, edf, out):
    subprocess.run([cramp, "detect", edf, "-o", out, "--quiet"], check=True)
    return rd(out)


def main():
    argv = sys.argv[1:]
    args = dev_args(argv, 7, __doc__, "ab.py")
    if args is None:
        return 2
    ca, cb, vfile, lo, hi, minutes, names = args
    base_text, defs = variants_text(vfile)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names.split(","):
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text,
                           [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
            n = [0, 0, 0, 0, 0]  # truth, found A, false A, found B, false B
            lines = []
            for seed in range(lo, hi + 1):
                edf = os.path.join(tmp, "n.edf")
                subprocess.run([ca, "synth", scen, "--seed", str(seed), "--minutes", minutes,
                                "-o", edf], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                truth = rd(os.path.join(tmp, "n.events.tsv"))
                tp_l = [t for t in truth if t["trial_type"] == "plm"]
                n[0] += len(tp_l)
                dets = []
                for i, c in enumerate((ca, cb)):
                    det = detect(c, edf, os.path.join(tmp, f"d{i}.tsv"))
                    dp = [d for d in det if d["trial_type"] == "plm"]
                    ti, dj = match(tp_l, dp)
                    n[1 + 2 * i] += len(ti)
                    n[2 + 2 * i] += len(dp) - len(dj)
                    dets.append(det)
                a_on = {(d["onset"], d["trial_type"]) for d in dets[0]}
                for d in dets[1]:
                    if (d["onset"], d["trial_type"]) in a_on:
                        continue
                    best = max(truth, key=lambda t: overlap(t, d), default=None)
                    over = (best["trial_type"] + ":" + best["detail"]
                            if best is not None and overlap(best, d) > 0 else "none")
                    was = [a["trial_type"] for a in dets[0] if a["onset"] == d["onset"]]
                    lines.append(f"  seed {seed} {float(d['onset']):8.1f} {d['channel']:<12} "
                                 f"{'/'.join(was) or '(new)'} -> {d['trial_type']} over {over}")
            print_block(f"{name}\ttruth {n[0]}\tA found {n[1]} false {n[2]}\t"
                        f"B found {n[3]} false {n[4]}", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
