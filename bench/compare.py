#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare two benchmark JSON files (cramp-bench or scipy_bench.py output).

    /usr/bin/python3 bench/compare.py [--min] BASE.json NEW.json

For every measurement in NEW, finds the one in BASE with the same stage and
channel count (and SIMD path, when BASE has that stage on several paths) and
prints both throughputs and NEW/BASE: above 1 means NEW is faster. Stages
SciPy has no counterpart for are matched with the SciPy stage computing the
same result (zerophase with filtfilt, pipeline_zerophase with
pipeline_filtfilt), marked '~'. Throughput is from the median time, or with
--min from the fastest run (less sensitive to a busy machine). Standard
library only.

Exit status: 0, or 2 when a file cannot be read.
"""
import json
import sys

SAME_RESULT = {"zerophase": "filtfilt", "pipeline_zerophase": "pipeline_filtfilt"}


def load(path):
    with open(path) as f:
        d = json.load(f)
    if not isinstance(d, dict) or "measurements" not in d:
        raise ValueError("%s: not a cramp-bench/scipy_bench JSON file" % path)
    return d


def describe(d):
    s = d.get("settings", {})
    m = d.get("machine", {})
    return "%s %s | %s | %s | cpus %s | %s s x %s runs | %s" % (
        d.get("implementation", "?"), d.get("version", "?"), m.get("cpu_model", "?"),
        d.get("compiler", "?"), m.get("cpus_allowed", "?"), s.get("seconds_of_signal", "?"),
        s.get("repeats", "?"), d.get("date", "?"))


def ok(m):
    return m.get("status") == "ok" and m.get("samples_per_s")


def rate(m, use_min):
    """M samples/s from the median (or the minimum) time."""
    if use_min and m.get("min_s"):
        return m["channels"] * m["seconds_of_signal"] * m["fs"] / m["min_s"] * 1e-6
    return m["samples_per_s"] * 1e-6


def find(base, stage, channels, simd):
    cands = [m for m in base["measurements"]
             if m["stage"] == stage and m["channels"] == channels and ok(m)]
    if not cands:
        return None
    same = [m for m in cands if m.get("simd") == simd]
    if same:
        return same[0]
    return cands[0] if len(cands) == 1 else None


def main(argv):
    use_min = "--min" in argv[1:]
    argv = [a for a in argv if a != "--min"]
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 and argv[1] in ("-h", "--help") else 2
    try:
        base, new = load(argv[1]), load(argv[2])
    except (OSError, ValueError) as e:
        print("compare.py: %s" % e, file=sys.stderr)
        return 2
    print("BASE: " + describe(base))
    print("NEW:  " + describe(new))
    if base.get("machine", {}).get("cpu_model") != new.get("machine", {}).get("cpu_model"):
        print("note: different CPU models")
    bs, ns = base.get("settings", {}), new.get("settings", {})
    if bs.get("seconds_of_signal") != ns.get("seconds_of_signal"):
        print("note: different signal lengths")
    print()
    print("M samples/s from the %s time" % ("minimum" if use_min else "median"))
    print("%-19s %3s %-7s %13s %13s %9s" % ("stage", "ch", "simd", "BASE M/s", "NEW M/s",
                                            "NEW/BASE"))
    last_ch = None
    for m in new["measurements"]:
        if last_ch is not None and m["channels"] != last_ch:
            print()
        last_ch = m["channels"]
        simd = m.get("simd", "n/a")
        mark = " "
        b = find(base, m["stage"], m["channels"], simd)
        if b is None and m["stage"] in SAME_RESULT:
            b = find(base, SAME_RESULT[m["stage"]], m["channels"], simd)
            mark = "~"
        if not ok(m):
            print("%-19s %3d %-7s %13s %13s %9s" % (m["stage"], m["channels"], simd,
                                                    "", "failed", ""))
            continue
        nv = rate(m, use_min)
        if b is None:
            print("%-19s %3d %-7s %13s %13.1f %9s" % (m["stage"], m["channels"], simd, "-", nv,
                                                      "-"))
            continue
        bv = rate(b, use_min)
        print("%-19s %3d %-7s %12.1f%s %13.1f %9.2f" % (m["stage"], m["channels"], simd, bv,
                                                       mark, nv, nv / bv))
    print("\n~ BASE has no such stage; compared with the one computing the same result")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
