#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where slow-onset cramps are found against their first discharge (issue 12,
h12k). For every true cramp of trace.sh's nights: matched by a detected cramp
(IoU >= 0.2, as cramp_score) or missed; the onset error against the truth and
against the cramp's first motor-unit discharge (first_discharge); the
precursor cuts of the matched episodes. Usage: analyse.py DIR [TAG]"""
import collections
import csv
import glob
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from cramp_match import best_cramp  # noqa: E402


def main(d, tag=''):
    byv = collections.defaultdict(list)
    for fb in sorted(glob.glob('%s/*.first.tsv' % d)):
        b = fb[:-len('.first.tsv')]
        v = b.split('/')[-1].rsplit('-', 1)[0]
        first = list(csv.DictReader(open(fb), delimiter='\t'))
        det = list(csv.DictReader(open(b + '.det%s.tsv' % tag), delimiter='\t'))
        for r in first:
            t0 = float(r['onset'])
            t1 = t0 + float(r['duration'])
            f1 = float(r['first1'])
            pre = 'precursor' in r['detail']
            best = best_cramp(det, t0, t1)
            if best is None:
                over = ['%s%+.1f+%.1f' % (o['trial_type'], float(o['onset']) - t0, float(o['duration']))
                        for o in det if float(o['onset']) < t1 and
                        float(o['onset']) + float(o['duration']) > t0 and o['trial_type'] != 'fragmentary']
                byv[v].append(('MISS', t0, t1 - t0, f1, pre, ' '.join(over)))
                continue
            a = float(best['onset'])
            byv[v].append(('HIT', t0, t1 - t0, f1, pre, a - t0, a - t0 - f1, float(best['precursor_s'])))
    for v, rows in byv.items():
        hits = [x for x in rows if x[0] == 'HIT']
        miss = [x for x in rows if x[0] == 'MISS']
        print('## %s: %d true, %d hit, median onset error %+.2f s, against the first discharge %+.2f s,'
              ' median first discharge %.2f s after the truth' % (
                  v, len(rows), len(hits), statistics.median(x[5] for x in hits),
                  statistics.median(x[6] for x in hits), statistics.median(x[3] for x in rows)))
        cut = [x for x in hits if x[7] > 0]
        print('   precursor cut on %d hits (%d of them on cramps without a precursor)' % (
            len(cut), sum(1 for x in cut if not x[4])))
        late = [x for x in hits if x[6] > 0.5]
        print('   hits > 0.5 s after the first discharge: %d' % len(late))
        for x in late:
            print('     error %+.2f, first discharge %.2f, duration %.1f, precursor %s, cut %.1f' % (
                x[5], x[3], x[2], 'yes' if x[4] else 'no', x[7]))
        for x in miss:
            print('   MISS at %.1f s for %.1f s, first discharge %.2f, precursor %s: %s' % (
                x[1], x[2], x[3], 'yes' if x[4] else 'no', x[5]))


if __name__ == '__main__':
    main(*sys.argv[1:])
