#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How each found cramp's onset was placed (issue 12, h12q). Per true cramp
of onset/trace.sh's nights matched by a detected cramp (IoU >= 0.2, as
cramp_score) in the debug run's table (onset-debug-run.sh): its precursor and
onset ramp (the truth's detail), its first discharge (first_discharge), the
episode's onset error against the truth, where its main channel's segment
crossed the onset threshold (the O lines) and the precursor cut, then
counts: onsets > 5 s and > 1 s early, within 0.25 s, late.
Usage: onset-placement.py DIR NAME SEED..."""
import csv
import re
import statistics
import sys

from cramp_match import best_cramp


def main(d, name, *seeds):
    out = []
    for seed in seeds:
        b = '%s/%s-%s' % (d, name, seed)
        first = list(csv.DictReader(open(b + '.first.tsv'), delimiter='\t'))
        det = list(csv.DictReader(open(b + '.dbgdet.tsv'), delimiter='\t'))
        labels = open(b + '.labels').read().split()
        O = [l.rstrip('\n').split('\t') for l in open(b + '.dbg') if l.startswith('O\t')]
        for r in first:
            t0 = float(r['onset'])
            t1 = t0 + float(r['duration'])
            m = re.search(r'precursor ([0-9.]+) s', r['detail'])
            pr = float(m.group(1)) if m else 0
            ramp = float(re.search(r'onset ([0-9.]+) s', r['detail']).group(1))
            best = best_cramp(det, t0, t1)
            if not best:
                continue
            a = float(best['onset'])
            ch = labels.index(best['main_channel'])
            # the segment's back-tracked onset: the episode's, or before a kept cut
            lead = a - float(best['precursor_s'])
            seg = [o for o in O if int(o[1]) == ch and abs(float(o[2]) - lead) < 0.02]
            cross = float(seg[0][3]) - t0 if seg else float('nan')
            out.append((seed, pr, ramp, float(r['first1']), a - t0, cross, float(best['precursor_s'])))
            print('%s\tprecursor %.1f\tramp %.1f\tfirst %.2f\terror %+.2f\tcrossing %+.2f\tcut %.1f' % out[-1])
    e = [x[4] for x in out]
    with_pre = [x[4] for x in out if x[1] > 0]
    print('# %s: %d found; onset error median %+.2f s; > 5 s early %d, > 1 s early %d, within 0.25 s %d, '
          '> 0.25 s late %d; of the %d with a precursor, > 5 s early %d' % (
              name, len(e), statistics.median(e), sum(x < -5 for x in e), sum(x < -1 for x in e),
              sum(abs(x) <= 0.25 for x in e), sum(x > 0.25 for x in e), len(with_pre),
              sum(x < -5 for x in with_pre)))


if __name__ == '__main__':
    main(*sys.argv[1:])
