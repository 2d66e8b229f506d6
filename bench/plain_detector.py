#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plain baseline in NumPy/SciPy: the twin of bench/plain_detector.c.

What a researcher writes in an afternoon (issue 18); every step is stated in
bench/plain_detector.h and mirrored here line for line:
butter(4, [20, min(450, 0.9 fs/2)], 'bandpass') + sosfiltfilt; trailing
0.25 s RMS kept every round(0.01 fs) samples; 4 x the channel's median;
runs above it, gaps < 0.5 s merged; >= 5 s cramp; 0.5-5 s episodes in
chains of >= 4 with onsets 5-90 s apart plm, else burst; same-class events
overlapping across channels merged.

    plain_detector.py --raw NIGHT.f32 --fs FS --channels C -o EVENTS.tsv
    plain_detector.py --compare A.tsv B.tsv [--tol S]

--raw reads interleaved float32 (native byte order, uV). --compare matches
the events of two tables one to one (same class, onsets within --tol s,
default 0.05) and exits 1 unless every event has its partner.
"""
import argparse
import sys

import numpy as np


def band(fs, lo=20.0, hi=450.0, max_fraction=0.9):
    return lo, min(hi, max_fraction * fs / 2)


def ticks(x, fs, window_s=0.25, tick_s=0.01, order=4):
    """Tick RMS per channel (array ticks x C), the tick period and the shift."""
    from scipy import signal
    lo, hi = band(fs)
    sos = signal.butter(order, [lo, hi], btype="bandpass", fs=fs, output="sos")
    y = signal.sosfiltfilt(sos, x.astype(np.float64), axis=0)
    n = int(round(window_s * fs))
    d = max(1, int(round(tick_s * fs)))
    c = np.cumsum(y * y, axis=0)
    c = np.vstack([np.zeros((1, y.shape[1])), c])
    idx = np.arange(d - 1, y.shape[0], d)  # frame (k + 1) d - 1
    start = np.maximum(idx + 1 - n, 0)
    env = np.sqrt(np.maximum(c[idx + 1] - c[start], 0) / n)
    t = idx / fs - (n - 1) / (2 * fs)
    return env, t, d / fs


def channel_events(env, t, dt, c, x_median=4.0, merge_gap=0.5, min_s=0.5, cramp_s=5.0,
                   plm_count=4, plm_lo=5.0, plm_hi=90.0):
    thr = x_median * np.median(env)
    above = env > thr
    runs = []
    k = 0
    n = len(env)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], above.astype(np.int8), [0]])))
    for a, b in zip(edges[0::2], edges[1::2]):
        on, off = t[a], t[b - 1] + dt
        if runs and on - runs[-1][1] < merge_gap:
            runs[-1][1] = off
        else:
            runs.append([on, off])
    out = []
    for on, off in runs:
        if off - on < min_s:
            continue
        out.append([on, off, "cramp" if off - on >= cramp_s else "burst", {c}])
    chain, last = [], None
    for e in out + [None]:
        is_lm = e is not None and e[2] != "cramp"
        if e is not None and not is_lm:
            continue
        joins = is_lm and chain and plm_lo <= e[0] - last <= plm_hi
        if not joins:
            if len(chain) >= plm_count:
                for q in chain:
                    q[2] = "plm"
            chain = []
        if is_lm:
            chain.append(e)
            last = e[0]
    return out, thr


def detect(x, fs):
    env, t, dt = ticks(x, fs)
    events = []
    for c in range(x.shape[1]):
        ev, _ = channel_events(env[:, c], t, dt, c)
        events += ev
    order = {"cramp": 0, "plm": 1, "burst": 2}
    events.sort(key=lambda e: (order[e[2]], e[0]))
    merged = []
    for e in events:
        if merged and merged[-1][2] == e[2] and e[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e[1])
            merged[-1][3] |= e[3]
        else:
            merged.append(e)
    merged.sort(key=lambda e: (e[0], order[e[2]]))
    return merged


def read_tsv(path):
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            on, dur, cls = line.rstrip("\n").split("\t")[:3]
            rows.append((float(on), float(dur), cls))
    return rows


def compare(a, b, tol):
    left = list(b)
    bad = 0
    for on, dur, cls in a:
        best = None
        for j, (on2, dur2, cls2) in enumerate(left):
            if cls2 == cls and abs(on2 - on) <= tol and (best is None or
                                                         abs(on2 - on) < abs(left[best][0] - on)):
                best = j
        if best is None:
            print(f"only in the first: {cls} at {on:.3f} s for {dur:.3f} s")
            bad += 1
        else:
            left.pop(best)
    for on, dur, cls in left:
        print(f"only in the second: {cls} at {on:.3f} s for {dur:.3f} s")
        bad += 1
    print(f"{len(a)} and {len(b)} events, {bad} without a partner (onset tolerance {tol} s)")
    return bad == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--raw")
    ap.add_argument("--fs", type=float)
    ap.add_argument("--channels", type=int)
    ap.add_argument("-o", "--output")
    ap.add_argument("--compare", nargs=2)
    ap.add_argument("--tol", type=float, default=0.05)
    a = ap.parse_args()
    if a.compare:
        return 0 if compare(read_tsv(a.compare[0]), read_tsv(a.compare[1]), a.tol) else 1
    if not (a.raw and a.fs and a.channels and a.output):
        ap.error("give --raw, --fs, --channels and -o (or --compare)")
    x = np.fromfile(a.raw, dtype=np.float32).reshape(-1, a.channels)
    ev = detect(x, a.fs)
    with open(a.output, "w") as f:
        f.write("onset\tduration\ttrial_type\tchannel\n")
        for on, off, cls, ch in ev:
            f.write(f"{on:.4f}\t{off - on:.4f}\t{cls}\t{','.join(map(str, sorted(ch)))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
