#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Precursor steps against the truth (issue 12, h12q). For every precursor
step the detector found that lasts cramp_min_s (the debug build's S lines:
onset-debug.patch, onset-debug-run.sh), the true cramp whose span the segment
covers on that channel (first_discharge's table), whether it had a
precursor, and the shape of the lead (the W lines' 0.5-s windows from the
crossing to the step). One row per step:
  variant seed kind channel lead_t crossing_t step_t offset_t lead_s taken
  precursor_s ramp_s first_discharge_s lead-truth_s step-truth_s
  lead_power/rest^2 last/first-third ratio share_of_rising_windows
  relative_slope_per_s windows
kind: PRE (the cramp had a precursor), NOPRE (it had none), OTHER (no true
cramp under the segment). A cut shorter than cramp_min_s is restored at
stage 2 (episodes.c, "Recruitment ramp"); a longer one stays.
Usage: onset-lead.py DIR NAME SEED..."""
import csv
import re
import statistics
import sys


def load(d, name, seed):
    b = '%s/%s-%s' % (d, name, seed)
    first = list(csv.DictReader(open(b + '.first.tsv'), delimiter='\t'))
    labels = open(b + '.labels').read().split()
    W, S = {}, []
    for line in open(b + '.dbg'):
        f = line.rstrip('\n').split('\t')
        if f[0] == 'W':
            W.setdefault(int(f[1]), []).append((float(f[2]), float(f[3])))
        elif f[0] == 'S':
            S.append((int(f[1]),) + tuple(float(x) for x in f[2:8]) + (int(f[8]), float(f[9])))
    return first, labels, W, S


def shape(ws):
    """The last third's mean power over the first third's, the share of
    windows above the one before, and a least-squares slope relative to the
    mean, per second (0.5-s windows)."""
    n = len(ws)
    if n < 3:
        return float('nan'), float('nan'), float('nan')
    k = max(1, n // 3)
    a, b = statistics.mean(ws[:k]), statistics.mean(ws[-k:])
    ups = sum(1 for i in range(1, n) if ws[i] > ws[i - 1]) / (n - 1)
    xs = [0.5 * i for i in range(n)]
    mx, my = statistics.mean(xs), statistics.mean(ws)
    sl = sum((x - mx) * (y - my) for x, y in zip(xs, ws)) / sum((x - mx) ** 2 for x in xs)
    return (b / a if a > 0 else float('inf')), ups, (sl / my if my > 0 else float('nan'))


def main(d, name, *seeds):
    for seed in seeds:
        first, labels, W, S = load(d, name, seed)
        for (c, lead, cross, step, off, pre, post, taken, v) in S:
            ch = labels[c]
            tru = [r for r in first if r['channel'] == ch and
                   float(r['onset']) < off and float(r['onset']) + float(r['duration']) > lead]
            if tru:
                r = tru[0]
                t0 = float(r['onset'])
                m = re.search(r'precursor ([0-9.]+) s', r['detail'])
                pr = float(m.group(1)) if m else 0
                ramp = float(re.search(r'onset ([0-9.]+) s', r['detail']).group(1))
                f1 = float(r['first1'])
                kind = 'PRE' if pr > 0 else 'NOPRE'
            else:
                t0 = pr = ramp = f1 = float('nan')
                kind = 'OTHER'
            ws = [p for (t, p) in W.get(c, []) if cross - 1e-6 <= t < step - 0.25]
            ratio, ups, slope = shape(ws)
            print('\t'.join([name, seed, kind, ch] + ['%.2f' % x for x in (lead, cross, step, off, step - lead)] +
                            ['%d' % taken, '%.1f' % pr, '%.1f' % ramp, '%.2f' % f1, '%.1f' % (lead - t0),
                             '%.2f' % (step - t0), '%.2f' % (pre / v if v > 0 else 0),
                             '%.3f' % ratio, '%.3f' % ups, '%.3f' % slope, '%d' % len(ws)]))


if __name__ == '__main__':
    main(*sys.argv[1:])
