#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every truth event and detected episode in a time window of one development
night (h12af, round 11): what lies between the LMs of a broken series.

    window.py CRAMP VARIANTS NAME SEED MINUTES T0 T1 [-- DETECT_ARGS...]
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from study import night, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    if len(argv) != 7 or int(argv[3]) >= 10000:
        sys.stderr.write(__doc__)
        return 2
    cramp, vfile, name, seed, minutes, t0, t1 = argv
    t0, t1 = float(t0), float(t1)
    base_text, defs = variants_text(vfile)
    with tempfile.TemporaryDirectory() as tmp:
        scen = os.path.join(tmp, "v.scenario")
        write_scenario(scen, base_text, [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k])
        truth, det = night(cramp, tmp, scen, int(seed), minutes, extra)
    ev = [("T", t) for t in truth] + [("D", d) for d in det]
    ev = [(w, e) for w, e in ev if float(e["onset"]) < t1 and float(e["onset"]) + float(e["duration"]) > t0]
    for w, e in sorted(ev, key=lambda x: float(x[1]["onset"])):
        extra_s = (f"{e.get('channel', '')} act {e.get('tonic_fraction', '')} x{e.get('rms_x_rest', '')} "
                   f"b {e.get('bursts', '')} s {e.get('series', '')} | {e.get('reason', '')[:60]}"
                   if w == "D" else e.get("detail", "") + " " + e.get("channel", ""))
        print(f"{w} {float(e['onset']):9.2f} {float(e['duration']):7.2f} {e['trial_type']:12s} {extra_s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
