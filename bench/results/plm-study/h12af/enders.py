#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What lies inside the true PLM series that lost an LM the detector segmented
(h12af, round 11): every detected episode over 10 s between the series' first
and last true LM, by label and reason (the episodes that may end a series,
WASM 2016), and the short intervals (< 10 s) between detected leg movements.

    enders.py CRAMP VARIANTS TRACE_TSV [-- DETECT_ARGS...]   (TRACE_TSV: trace.py rows)
"""
import collections
import csv
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from study import night, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    cramp, vfile, tsv = argv
    rows = list(csv.DictReader(open(tsv), delimiter="\t"))
    ser = collections.defaultdict(list)
    for r in rows:
        m = re.match(r"series (\d+), lm (\d+)/(\d+)", r["truth_detail"])
        if r["kind"] in ("tp", "fn") and m:
            ser[(r["variant"], int(r["seed"]), int(m.group(1)))].append(r)
    want = collections.defaultdict(list)
    for (v, s, n), lms in ser.items():
        if any(r["kind"] == "fn" and r["det_label"] not in ("none", "fragmentary") for r in lms):
            ons = sorted(float(r["onset"]) for r in lms)
            want[(v, s)].append((n, ons[0], ons[-1], sum(r["kind"] == "fn" for r in lms)))
    base_text, defs = variants_text(vfile)
    cause = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for (v, s), spans in sorted(want.items()):
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text, [(k, x) for k, x in defs.get("*set*", []) + defs[v] if k])
            truth, det = night(cramp, tmp, scen, s, "60", extra)
            for n, a, b, nfn in spans:
                found = []
                for d in det:
                    o, du = float(d["onset"]), float(d["duration"])
                    if a < o + du and o < b and du > 10 and d["trial_type"] != "fragmentary":
                        found.append(f"{d['trial_type']}:{d['reason'][:45]}({du:.0f}s)")
                        cause[(v, d["trial_type"] + ":" + d["reason"][:45])] += 1
                print(f"{v}\t{s}\tseries {n}\t{a:.0f}-{b:.0f}\tfn {nfn}\t" + " | ".join(found))
    for k, c in sorted(cause.items()):
        print(f"# {k[0]}\t{k[1]}\t{c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
