#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""EMG segments the fragmentary pass took for strung potentials although they
have no pause (h12s, round 8; bench/README.md, issue 12).

Needs a `cramp` built with dbg-print.patch (beside: prints, with H12S_DBG set,
each EMG candidate the pass merges into a run). For each candidate with tonic
share 1 and >= 0.55 s: its span, peak, rest, the ringing bound (150 ms + window
+ tick + tau ln(peak / offset), tau = 30 / (pi mains)) and the truth events under
it other than the fragmentary run. REL: longer than the bound.

    ring.py CRAMP_DBG VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...]

Development seeds only.
"""
import os, sys, tempfile, subprocess, math
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from study import write_scenario, rd
from trace import variants_text
cramp, vf, lo, hi, mins, names = sys.argv[1:]
base, defs = variants_text(vf)
with tempfile.TemporaryDirectory() as tmp:
    for name in names.split(","):
        kv = [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k]
        mains = float(dict(kv).get("mains_hz", 50))
        tau = 30 / (math.pi * mains)
        scen = os.path.join(tmp, "v.scenario"); write_scenario(scen, base, kv)
        for seed in range(int(lo), int(hi) + 1):
            assert 1 <= seed <= 9999, "development seeds only"
            edf = os.path.join(tmp, "n.edf")
            subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", mins, "-o", edf], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            p = subprocess.run([cramp, "detect", edf, "-o", os.path.join(tmp, "d.tsv"), "--quiet"], env=dict(os.environ, H12S_DBG="1"), stderr=subprocess.PIPE, text=True, check=True)
            truth = rd(os.path.join(tmp, "n.events.tsv"))
            for ln in p.stderr.splitlines():
                t = ln.split()
                if t[1] != "cand": continue
                on, du, tf, rb, pk, rest = float(t[2]), float(t[3]), float(t[5]), float(t[9]), float(t[13]), float(t[15])
                if tf < 0.999 or du < 0.55: continue
                off = max(2, 0.5 * rest)
                ring = 0.26 + tau * math.log(max(pk, off) / off)
                over = [r["trial_type"] + ":" + r["detail"].split(",")[0] for r in truth if r["trial_type"] != "fragmentary" and min(on + du, float(r["onset"]) + float(r["duration"])) - max(on, float(r["onset"])) > 0]
                print(name, seed, f"{on:.1f} dur {du:.2f} pk {pk:.0f} rest {rest:.1f} ring {ring:.2f}", "REL" if du > ring else "", over)
