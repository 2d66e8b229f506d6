#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM: ours beside the plain detector, event by event (h12aj, round 12; bench/README.md, issue 12).

For each night of the named variants: `cramp synth` + `cramp detect` (ours,
with any extra arguments after --) and `plain-detect` (bench/plain_detect.c,
the same scenario and seed), PLMs paired with the truth as `cramp score` does
(IoU >= 0.2, greedy). One row per true PLM either detector missed and per
false PLM of either, with every truth event under a false one and every
detected episode over a missed one:

    vsplain.py CRAMP PLAIN_DETECT VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...] [-- DETECT_ARGS...]

Columns: variant seed kind who onset dur detail events. kind: fn (a true
PLM missed) or fp (a false PLM); who: ours, plain or both. Then a line per
variant `# NAME tp/fp/fn ours A/B/C plain D/E/F`. Development seeds only.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from study import dev_args, match, night, overlap, rd, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402
from h12s.trace_all import f  # noqa: E402


def desc(d):
    s = f"{d['trial_type']}[{f(d, 'onset'):.1f}+{f(d, 'duration'):.2f}"
    if "rms_x_rest" in d:
        s += f" x{f(d, 'rms_x_rest'):.1f} r {d.get('rises', '')} {d.get('channel', '')}"
        s += f": {d.get('reason', '')[:40]}"
    elif "detail" in d:
        s += f" {d.get('channel', '')} {d['detail'][:40]}"
    return s + "]"


def split_names(names, defs):
    """NAME[,NAME...] where a name may hold commas (sweep:plm_interval_s=20,90)."""
    out, acc = [], ""
    for tok in names.split(","):
        acc = tok if not acc else acc + "," + tok
        if acc in defs:
            out.append(acc)
            acc = ""
    if acc:
        raise SystemExit(f"vsplain.py: no variant {acc}")
    return out


def variant_nights(args, extra=()):
    """For each named variant and seed of args (CRAMP PLAIN_DETECT VARIANTS
    SEED_LO SEED_HI MINUTES NAMES, as dev_args gives them) one night:
    (name, seed, truth, ours, plain's); after a variant's last night
    (name, None, None, None, None)."""
    cramp, plain, vfile, lo, hi, minutes, names = args
    base_text, defs = variants_text(vfile)
    with tempfile.TemporaryDirectory() as tmp:
        for name in split_names(names, defs):
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text,
                           [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
            for seed in range(lo, hi + 1):
                truth, det = night(cramp, tmp, scen, seed, minutes, extra)
                pe = os.path.join(tmp, "p.tsv")
                subprocess.run([plain, scen, "--seed", str(seed), "--minutes", minutes,
                                "--raw", "/dev/null", "-o", pe], check=True,
                               stderr=subprocess.DEVNULL)
                yield name, seed, truth, det, rd(pe)
            yield name, None, None, None, None


def main():
    cut = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
    args, extra = dev_args(sys.argv[1:cut], 7, __doc__, "vsplain.py"), sys.argv[cut + 1:]
    if args is None:
        return 2
    print("variant\tseed\tkind\twho\tonset\tdur\tdetail\tevents")
    tot = [0] * 6
    for name, seed, truth, det, pdet in variant_nights(args, extra):
        if seed is None:
            print(f"# {name} tp/fp/fn ours {tot[0]}/{tot[1]}/{tot[2]} plain {tot[3]}/{tot[4]}/{tot[5]}")
            sys.stdout.flush()
            tot = [0] * 6
            continue
        tp_l = [t for t in truth if t["trial_type"] == "plm"]
        ours = [d for d in det if d["trial_type"] == "plm"]
        pl = [d for d in pdet if d["trial_type"] == "plm"]
        ti_o, dj_o = match(tp_l, ours)
        ti_p, dj_p = match(tp_l, pl)
        tot[0] += len(ti_o); tot[1] += len(ours) - len(dj_o); tot[2] += len(tp_l) - len(ti_o)
        tot[3] += len(ti_p); tot[4] += len(pl) - len(dj_p); tot[5] += len(tp_l) - len(ti_p)
        for i, t in enumerate(tp_l):
            mo, mp = i in ti_o, i in ti_p
            if mo and mp:
                continue
            who = "both" if not mo and not mp else ("ours" if not mo else "plain")
            ev = [desc(d) for d in det if overlap(t, d) > 0]
            print("\t".join([name, str(seed), "fn", who, t["onset"], t["duration"],
                             t["detail"], "; ".join(ev) or "none"]))
        for src, lst, dj, other in (("ours", ours, dj_o, pl), ("plain", pl, dj_p, ours)):
            for j, d in enumerate(lst):
                if j in dj:
                    continue
                also = any(overlap(d, e) > 0 for e in other)
                if src == "plain" and also:
                    continue  # listed with ours
                who = "both" if also else src
                ev = [desc(t) for t in truth if overlap(t, d) > 0]
                print("\t".join([name, str(seed), "fp", who, d["onset"], d["duration"],
                                 desc(d) if src == "ours" else "", "; ".join(ev) or "nothing"]))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
