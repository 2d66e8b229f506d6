#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM trace with everything under each event (h12s, round 8; bench/README.md, issue 12).

trace.py (beside, in ..) names for a missed true PLM the detected episode that
overlaps it most, and for a false PLM the truth event under it most: inside a
run of fragmentary myoclonus that is the run (20-40 min), whatever else lies
there. This lists every detected episode over a missed PLM and every truth
event over a false PLM, other than the fragmentary run, with the run given
apart (`in_frag`: the detected fragmentary episode over it, `over_frag`:
the truth's), and for each missed PLM the series' neighbours as detected
(the detected LMs' onsets 0-180 s before and after).

    trace_all.py CRAMP VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...]

Development seeds only (1-9999). One row per missed or false PLM:
variant seed kind onset detail in_frag other_events
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from study import dev_args, match, night, overlap, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402


def f(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return float("nan")


def desc_det(d):
    dur, tf = f(d, "duration"), f(d, "tonic_fraction")
    act = dur * tf if tf == tf else dur
    return (f"{d['trial_type']}[{f(d, 'onset'):.1f}+{dur:.2f} act {act:.2f} "
            f"x{f(d, 'rms_x_rest'):.1f} k {d.get('kurtosis', '')} r {d.get('rises', '')} "
            f"b {d.get('bursts', '')} {d['channel']}: "
            f"{d['reason'][:40]}]")


def desc_truth(t):
    return f"{t['trial_type']}:{t['detail'][:40]}[{f(t, 'onset'):.1f}+{f(t, 'duration'):.2f} {t.get('channel', '')}]"


def rows(truth, det):
    """The rows of one night: (kind, onset, detail, in_frag, other)."""
    tp_l = [t for t in truth if t["trial_type"] == "plm"]
    dp_l = [d for d in det if d["trial_type"] == "plm"]
    ti, dj = match(tp_l, dp_l)
    out = []
    for kind, own, other_side, taken in (("fn", tp_l, det, ti), ("fp", dp_l, truth, dj)):
        for i, ev in enumerate(own):
            if i in taken:
                continue
            over = [o for o in other_side if overlap(ev, o) > 0]
            frag = any(o["trial_type"] == "fragmentary" for o in over)
            desc = desc_det if kind == "fn" else desc_truth
            other = " | ".join(desc(o) for o in over if o["trial_type"] != "fragmentary")
            on = f(ev, "onset")
            cols = [kind, f"{on:.1f}", ev["detail"] if kind == "fn" else desc_det(ev),
                    "frag" if frag else "-", other or "none"]
            if kind == "fn":
                cols.append("plm near: " + " ".join(f"{f(d, 'onset') - on:+.0f}" for d in dp_l
                                                    if abs(f(d, "onset") - on) <= 180))
            out.append(cols)
    return out


def main():
    args = dev_args(sys.argv[1:], 6, __doc__, "trace_all.py")
    if args is None:
        return 2
    base_text, defs = variants_text(args[1])
    print("variant\tseed\tkind\tonset\tdetail\tin_frag\tother")
    with tempfile.TemporaryDirectory() as tmp:
        scen = os.path.join(tmp, "v.scenario")
        for name in args[5].split(","):
            write_scenario(scen, base_text,
                           [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
            for seed in range(args[2], args[3] + 1):
                for r in rows(*night(args[0], tmp, scen, seed, args[4])):
                    print("\t".join([name, str(seed)] + r))
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
