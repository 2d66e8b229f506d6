#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Episodes whose label differs between two `cramp` builds on the same
development nights (h12aj), each with the truth events under it:

    ab_diff.py OLD_CRAMP NEW_CRAMP VARIANTS NAME SEED_LO SEED_HI MINUTES
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from study import overlap, rd, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402


def main():
    if len(sys.argv) != 8 or not 1 <= int(sys.argv[5]) <= int(sys.argv[6]) <= 9999:
        sys.stderr.write(__doc__)
        return 2
    old, new, vfile, name, lo, hi, minutes = sys.argv[1:]
    base_text, defs = variants_text(vfile)
    with tempfile.TemporaryDirectory() as tmp:
        scen = os.path.join(tmp, "v.scenario")
        write_scenario(scen, base_text, [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
        edf = os.path.join(tmp, "n.edf")
        for seed in range(int(lo), int(hi) + 1):
            subprocess.run([old, "synth", scen, "--seed", str(seed), "--minutes", minutes, "-o", edf],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            truth = rd(os.path.join(tmp, "n.events.tsv"))
            dets = []
            for i, c in enumerate((old, new)):
                p = os.path.join(tmp, f"d{i}.tsv")
                subprocess.run([c, "detect", edf, "-o", p, "--quiet"], check=True)
                dets.append({(d["onset"], d["channel"]): d for d in rd(p)})
            for key in sorted(dets[0].keys() | dets[1].keys(), key=lambda k: float(k[0])):
                a, b = dets[0].get(key), dets[1].get(key)
                la = a["trial_type"] if a else "-"
                lb = b["trial_type"] if b else "-"
                if la == lb:
                    continue
                d = a or b
                under = [f"{t['trial_type']}:{t['detail'][:30]}@{float(t['onset']):.1f}+{float(t['duration']):.1f}"
                         for t in truth if overlap(t, d) > 0 and t["trial_type"] != "fragmentary"]
                print(f"{name}\t{seed}\t{float(d['onset']):.2f}\t{float(d['duration']):.2f}\t{d['channel']}\t{la} -> {lb}\t{'; '.join(under) or 'nothing'}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
