#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h12v (issue 12): per true cramp of ../onset/trace.sh's nights (TAG=-TAG), where the detected onset lies.
Usage: onset.py DIR NAME TAG SEED...
Row: seed, truth onset (first discharge), t0, onset window, precursor length (0: none),
label, detected onset, error (detected - truth), detected - precursor start, precursor_s.
The detected episode: the cramp-labelled one overlapping the truth most, else any label."""
import csv, re, statistics, sys

def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter='\t'))

d, name, tag, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
err = {'pre': [], 'nopre': []}
print('seed\ttruth\tt0\twindow\tpre\tlabel\tdet\terr\tdet_minus_prestart\tprecursor_s')
for s in seeds:
    tr = [r for r in rows(f'{d}/{name}-{s}.events.tsv') if r['trial_type'] == 'cramp']
    de = rows(f'{d}/{name}-{s}.det-{tag}.tsv')
    for r in tr:
        on, dur = float(r['onset']), float(r['duration'])
        m = re.search(r't0 ([-0-9.]+) s', r['detail']); t0 = float(m.group(1))
        m = re.search(r'onset ([0-9.]+) s', r['detail']); win = float(m.group(1))
        m = re.search(r'precursor ([0-9.]+) s', r['detail']); pre = float(m.group(1)) if m else 0
        best, bov = None, 0
        for e in de:
            eo, ed = float(e['onset']), float(e['duration'])
            ov = min(on + dur, eo + ed) - max(on, eo)
            key = ov + (1e6 if e['trial_type'] == 'cramp' else 0)
            if ov > 0 and key > bov: best, bov = e, key
        if best is None:
            print(f'{s}\t{on:.2f}\t{t0:.2f}\t{win:.2f}\t{pre:.1f}\tmissed\t\t\t\t'); continue
        eo = float(best['onset'])
        dp = f'{eo - (t0 - pre):.2f}' if pre else ''
        print(f"{s}\t{on:.2f}\t{t0:.2f}\t{win:.2f}\t{pre:.1f}\t{best['trial_type']}\t{eo:.2f}\t{eo - on:+.2f}\t{dp}\t{best['precursor_s']}")
        if best['trial_type'] == 'cramp': err['pre' if pre else 'nopre'].append(eo - on)
for k, v in err.items():
    if v:
        v.sort()
        print(f'# {k}: n {len(v)}, median {statistics.median(v):+.3f} s, quartiles {v[len(v)//4]:+.2f} {v[3*len(v)//4]:+.2f}, within 0.25 s {sum(abs(x) <= 0.25 for x in v)}, > 5 s early {sum(x < -5 for x in v)}')
a = sorted(err['pre'] + err['nopre'])
if a: print(f'# all: n {len(a)}, median {statistics.median(a):+.3f} s')
