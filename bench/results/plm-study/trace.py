#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM trace by cause (issue 12, round 5; bench/README.md "PLM worst case").

Like study.py (same matching: PLMs paired with the truth at IoU >= 0.2,
greedy), but reads the variants from a variants file (`variant NAME k=v ...`)
and writes one row per true PLM (found or missed) and per false PLM with the
detected episode's measures, so causes can be counted and rules tried on the
rows:

    trace.py CRAMP VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...] [-- DETECT_ARGS...] > rows.tsv

Columns: variant seed kind(tp|fn|fp) onset truth_detail truth_over det_label
det_reason det_dur det_active det_rms_x_rest det_peak_x_rest det_kurtosis
det_rises det_bursts det_channels. For fn the det_* are the detected episode
overlapping the truth most (none: no episode); for fp truth_over is the truth
event under it. Development seeds only (1-9999).
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study import dev_args, match, night, overlap, write_scenario  # noqa: E402


def variants(path):
    base, out = None, {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line.startswith("base "):
                base = os.path.join(os.path.dirname(os.path.abspath(path)), line.split()[1])
            elif line.startswith("set ") or line.startswith("variant "):
                toks = line.split()
                name = "*set*" if toks[0] == "set" else toks[1]
                kv = [(k, v.replace(",", " ")) for k, _, v in
                      (t.partition("=") for t in toks[1 if toks[0] == "set" else 2:])]
                out.setdefault(name, []).extend(kv)
    return base, out


def variants_text(path):
    """variants(path) with the base scenario's text in place of its path."""
    base, defs = variants(path)
    with open(base) as f:
        return f.read(), defs


def fnum(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return float("nan")


def feats(d):
    if d is None:
        return ["none", "", "", "", "", "", "", "", "", ""]
    dur, tf = fnum(d, "duration"), fnum(d, "tonic_fraction")
    rest = fnum(d, "rest_uv")
    act = dur * tf if tf == tf else dur
    return [d["trial_type"], d["reason"][:50], f"{dur:.2f}", f"{act:.2f}",
            f"{fnum(d, 'rms_x_rest'):.2f}", f"{fnum(d, 'peak_uv') / rest:.1f}" if rest > 0 else "nan",
            d["kurtosis"], d["rises"], d["bursts"], d["channel"]]


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    args = dev_args(argv, 6, __doc__, "trace.py")
    if args is None:
        return 2
    cramp, vfile, lo, hi, minutes, names = args
    base_text, defs = variants_text(vfile)
    print("\t".join("variant seed kind onset truth_detail truth_over det_label det_reason "
                    "det_dur det_active det_rms_x_rest det_peak_x_rest det_kurtosis det_rises "
                    "det_bursts det_channels".split()))
    with tempfile.TemporaryDirectory() as tmp:
        for name in names.split(","):
            if name not in defs:
                sys.stderr.write(f"trace.py: no variant {name} in {vfile}\n")
                return 2
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text,
                           [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
            for seed in range(lo, hi + 1):
                truth, det = night(cramp, tmp, scen, seed, minutes, extra)
                tp_l = [t for t in truth if t["trial_type"] == "plm"]
                dp_l = [d for d in det if d["trial_type"] == "plm"]
                ti, dj = match(tp_l, dp_l)
                rows = []
                for i, t in enumerate(tp_l):
                    if i in ti:
                        d, kind = dp_l[ti[i]], "tp"
                    else:
                        d = max(det, key=lambda e: overlap(t, e), default=None)
                        if d is not None and overlap(t, d) <= 0:
                            d = None
                        kind = "fn"
                    rows.append([name, str(seed), kind, t["onset"], t["detail"], ""] + feats(d))
                for j, d in enumerate(dp_l):
                    if j in dj:
                        continue
                    best = max(truth, key=lambda t: overlap(t, d), default=None)
                    over = (best["trial_type"] + ":" + best["detail"].split(",")[0]
                            if best is not None and overlap(best, d) > 0 else "none")
                    rows.append([name, str(seed), "fp", d["onset"], "", over] + feats(d))
                for r in rows:
                    print("\t".join(r))
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
