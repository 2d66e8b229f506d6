#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How far over rest a true LM rises (issue 12, h12o; bench/README.md, "Weak LMs
and the onset threshold").

For each development-seed night of a variant (variants file as for trace.py),
simulates the night, band-passes it as the detector does (`cramp filter`
20-450 Hz, upper edge clamped to 0.9 x Nyquist, mains comb), takes the 0.1-s
RMS envelope at 100 Hz (`cramp envelope`) and, for every true PLM on each of
its channels, writes one row:

  variant seed onset weak channel rest_uv rest_sd_uv thr_uv peak_uv
  above_uv run_thr_s run_8_s run_4sd_s found

rest_uv: the resting level as the detector's baseline takes it (the 25th
percentile of the 1-s means of the envelope over the 600 s before the LM);
rest_sd_uv: the spread of the 0.1-s envelope at rest (the SD of its values in
the 1-s blocks whose mean is at or under that level); thr_uv the detector's
onset threshold L + max(8, 2 L); peak_uv the envelope's highest value over
the LM's span; above_uv the LM's own RMS, the square root of its span's mean
square envelope less the resting mean square (the AASM's "EMG above resting
EMG" as power adds); run_*_s the longest stretch of the span over, in turn, the
onset threshold, L + 8 uV (AASM) and L + 4 rest_sd (a noise-relative onset);
found: whether the detector's table has a PLM over it (IoU >= 0.2).

    weak.py CRAMP VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...] > rows.tsv

Development seeds only (1-9999). Pure Python (no numpy): slow, a few
seconds per night.
"""
import csv
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study import dev_args, match, night, write_scenario  # noqa: E402
from trace import variants_text  # noqa: E402

RATE = 100  # envelope frames per second


def quantile(v, q):
    s = sorted(v)
    if not s:
        return float("nan")
    h = (len(s) - 1) * q
    i = int(h)
    return s[i] + (s[min(i + 1, len(s) - 1)] - s[i]) * (h - i)


def envelope(cramp, tmp, edf, fs, mains):
    hi = min(450.0, 0.45 * fs)
    f = os.path.join(tmp, "f.bdf")
    env = os.path.join(tmp, "env.tsv")
    subprocess.run([cramp, "filter", edf, "--band", f"20-{hi:g}", "--notch", str(mains),
                    "--harmonics", "-o", f], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    subprocess.run([cramp, "envelope", f, "--window", "0.1", "--rate", str(RATE), "-o", env],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(env, newline="") as fh:
        r = csv.reader(fh, delimiter="\t")
        head = next(r)
        names = [h.split(" [")[0] for h in head[1:]]
        t0 = None
        cols = [[] for _ in names]
        for row in r:
            if t0 is None:
                t0 = float(row[0])
            for i, v in enumerate(row[1:]):
                cols[i].append(float(v))
    return t0, dict(zip(names, cols))


def longest(vals, thr):
    best = run = 0
    for v in vals:
        run = run + 1 if v >= thr else 0
        best = max(best, run)
    return best / RATE


def main():
    argv = sys.argv[1:]
    args = dev_args(argv, 6, __doc__, "weak.py")
    if args is None:
        return 2
    cramp, vfile, lo, hi, minutes, names = args
    base_text, defs = variants_text(vfile)
    print("variant\tseed\tonset\tweak\tchannel\trest_uv\trest_sd_uv\tthr_uv\tpeak_uv\tabove_uv\t"
          "run_thr_s\trun_8_s\trun_4sd_s\tfound")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names.split(","):
            kv = [(k, v) for k, v in defs.get("*set*", []) + defs[name] if k]
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text, kv)
            d = dict(kv)
            fs = float(d.get("fs", "2000"))
            mains = d.get("mains_hz", "50")
            for seed in range(lo, hi + 1):
                truth, det = night(cramp, tmp, scen, seed, minutes)
                t0, env = envelope(cramp, tmp, os.path.join(tmp, "n.edf"), fs, mains)
                tp_l = [t for t in truth if t["trial_type"] == "plm"]
                ti, _ = match(tp_l, [e for e in det if e["trial_type"] == "plm"])
                for i, t in enumerate(tp_l):
                    on, du = float(t["onset"]), float(t["duration"])
                    a, b = int((on - t0) * RATE), int((on + du - t0) * RATE) + 1
                    for ch in t["channel"].split(","):
                        e = env.get(ch)
                        if e is None:
                            continue
                        w0 = max(0, a - 600 * RATE)
                        blocks = [sum(e[k:k + RATE]) / RATE for k in range(w0, a - RATE + 1, RATE)]
                        if len(blocks) < 10:
                            continue
                        L = quantile(blocks, 0.25)
                        quiet = [v for j, m in enumerate(blocks) if m <= L
                                 for v in e[w0 + j * RATE:w0 + (j + 1) * RATE]]
                        mu = sum(quiet) / len(quiet)
                        sd = (sum((v - mu) ** 2 for v in quiet) / len(quiet)) ** 0.5
                        thr = L + max(8.0, 2 * L)
                        span = e[a:b]
                        ms_rest = sum(v * v for v in quiet) / len(quiet)
                        above = max(0.0, sum(v * v for v in span) / len(span) - ms_rest) ** 0.5
                        print(f"{name}\t{seed}\t{on:.2f}\t{int('weak' in t['detail'])}\t{ch}\t"
                              f"{L:.2f}\t{sd:.2f}\t{thr:.2f}\t{max(span):.2f}\t{above:.2f}\t"
                              f"{longest(span, thr):.2f}\t{longest(span, L + 8):.2f}\t"
                              f"{longest(span, L + 4 * sd):.2f}\t{int(i in ti)}")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
