#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h12p (issue 12): simulate development nights of named variants once and
run `cramp detect` on them with a given build, keeping both, so a rule can be
traced before and after on the same nights.

    h12p-gen.py CRAMP VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...] OUTDIR TAG

Writes OUTDIR/NAME-SEED.edf and .events.tsv (once) and
OUTDIR/NAME-SEED.TAG.tsv (cramp detect). Development seeds only (1-9999).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plm-study"))
from study import write_scenario  # noqa: E402
from trace import variants  # noqa: E402


def main():
    if len(sys.argv) != 9:
        sys.stderr.write(__doc__)
        return 2
    cramp, vfile, lo, hi, minutes, names, out, tag = sys.argv[1:]
    lo, hi = int(lo), int(hi)
    if not (1 <= lo <= hi <= 9999):
        sys.stderr.write("h12p-gen.py: development seeds only (1-9999)\n")
        return 2
    os.makedirs(out, exist_ok=True)
    base, defs = variants(vfile)
    with open(base) as f:
        base_text = f.read()
    for name in names.split(","):
        scen = os.path.join(out, name + ".scenario")
        write_scenario(scen, base_text, [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
        for seed in range(lo, hi + 1):
            stem = os.path.join(out, f"{name}-{seed}")
            if not os.path.exists(stem + ".events.tsv"):
                subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", minutes,
                                "-o", stem + ".edf"], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run([cramp, "detect", stem + ".edf", "-o", f"{stem}.{tag}.tsv", "--quiet"],
                           check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
