#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Precursor splits traced (issue 12, h12t). Reads run.sh's OUTDIR (NAME-SEED.{events.tsv,det.tsv,dbg},
and NAME-SEED.first.tsv from ../onset/first_discharge.c where present).

    split.py splits DIR            one row per true cramp with a precursor whose precursor became a
                                   segment of its own: a segment on any channel that starts after the
                                   precursor's start - 5 s, ends within [-1, +2] s of the cramp's truth
                                   onset and is followed on its channel by the next segment <= 10 s later
                                   (A = the precursor's segment, B = the next); a summary on stderr
    split.py pairs DIR             every pair of consecutive segments of a channel <= 10 s apart
    split.py candidate DIR R G E   the join studied and not built: A joined to B as B's precursor when
                                   B lasts >= 5 s, A's mean power above rest <= R^2 x B's, B starts <= G s
                                   after A ends and A's last 0.5 s has >= E x A's mean power above rest
                                   (rising into its end); per variant: A a false cramp (removed), A a
                                   cramp over a true cramp (IoU >= 0.2: lost), A over a true cramp but
                                   not a cramp, other; the lost ones on stderr
    split.py first DIR             B's onset against its cramp's first discharge (splits only)
"""
import collections, glob, math, os, re, sys

def truth(path):
    ev = []
    for l in open(path).read().splitlines()[1:]:
        f = l.split('\t'); on = float(f[0])
        m = re.search(r'precursor ([\d.]+)', f[4]); pre = float(m.group(1)) if m else 0
        m = re.search(r'onset ([\d.]+) s', f[4]); ramp = float(m.group(1)) if m else 0
        ev.append(dict(on=on, off=on + float(f[1]), type=f[2], ch=f[3], det=f[4], pre=pre, ramp=ramp))
    return ev

def detected(path):
    lines = open(path).read().splitlines(); h = lines[0].split('\t'); out = []
    for l in lines[1:]:
        f = dict(zip(h, l.split('\t'))); on = float(f['onset'])
        out.append(dict(on=on, off=on + float(f['duration']), lab=f['trial_type']))
    return out

def segments(path):
    segs, ends = [], {}
    for l in open(path):
        f = l.rstrip('\n').split('\t')
        if f[0] == 'SEG':
            segs.append(dict(ch=int(f[1]), on=float(f[2]), off=float(f[3]), rms=float(f[4]), rest=float(f[5])))
        elif f[0] == 'END':  # channel, onset, offset, mean power above rest, last 0.5/2/5/8 s
            ends[(int(f[1]), round(float(f[3]), 2))] = [float(x) for x in f[4:]]
    for s in segs:
        s['ex2'] = max(0.0, s['rms'] ** 2 - s['rest'] ** 2)
        s['end'] = ends.get((s['ch'], round(s['off'], 2)))
        s['rise'] = s['end'][1] / s['end'][0] if s['end'] and s['end'][0] > 0 else math.nan
    return segs

def iou(a0, a1, b0, b1):
    o = min(a1, b1) - max(a0, b0)
    return o / (max(a1, b1) - min(a0, b0)) if o > 0 else 0.0

def nights(d):
    for dbg in sorted(glob.glob(os.path.join(d, '*.dbg'))):
        b = dbg[:-4]; name = os.path.basename(b)
        yield name, name.rsplit('-', 1)[0], b, truth(b + '.events.tsv'), detected(b + '.det.tsv'), segments(dbg)

def label(dt, s):
    l = [x['lab'] for x in dt if abs(x['on'] - s['on']) < 0.02]
    return l[0] if l else '(in)'

def pairs_of(segs):
    for ch in sorted(set(s['ch'] for s in segs)):
        ss = sorted((s for s in segs if s['ch'] == ch), key=lambda s: s['on'])
        for A, B in zip(ss, ss[1:]):
            if B['on'] - A['off'] <= 10: yield A, B

def rng(v):
    v = sorted(v)
    return f"{v[0]:.2f}..{v[-1]:.2f} (median {v[len(v) // 2]:.2f}, n {len(v)})" if v else '-'

def splits(d):
    rows = []
    for name, var, b, ev, dt, segs in nights(d):
        for e in ev:
            if e['type'] != 'cramp' or e['pre'] <= 0: continue
            for A, B in pairs_of(segs):
                if e['on'] - 1 < A['off'] < e['on'] + 2 and e['on'] - e['pre'] - 5 < A['on'] < e['on'] - 0.5:
                    rows.append(dict(var=var, name=name, t=e, A=A, B=B, la=label(dt, A), lb=label(dt, B)))
    return rows

def cmd_splits(d):
    rows = splits(d)
    print('variant\tnight\ttruth_onset\tprecursor_s\tonset_ramp_s\tA_on\tA_end_after_truth\tB_on_after_truth\tgap\tA_dur\tA_uv_above_rest\tB_uv_above_rest\tA_last0.5_over_mean\tA_label\tB_label')
    for r in rows:
        A, B, t = r['A'], r['B'], r['t']
        print(r['var'], r['name'], f"{t['on']:.2f}", t['pre'], t['ramp'], A['on'], f"{A['off'] - t['on']:.2f}", f"{B['on'] - t['on']:.2f}",
              f"{B['on'] - A['off']:.2f}", f"{A['off'] - A['on']:.1f}", f"{math.sqrt(A['ex2']):.1f}", f"{math.sqrt(B['ex2']):.1f}",
              f"{A['rise']:.2f}", r['la'], r['lb'], sep='\t')
    by = collections.defaultdict(list)
    for r in rows: by[r['var']].append(r)
    for v, rs in sorted(by.items()):
        print(f"{v}: {len(rs)} splits; A labelled {dict(collections.Counter(r['la'] for r in rs))}; B {dict(collections.Counter(r['lb'] for r in rs))}", file=sys.stderr)
    for sel, txt in ((rows, 'all'), ([r for r in rows if r['la'] == 'cramp'], 'A labelled cramp')):
        print(f"{txt}: A ends after the truth's onset {rng([r['A']['off'] - r['t']['on'] for r in sel])} s; B starts after it {rng([r['B']['on'] - r['t']['on'] for r in sel])} s;"
              f" gap {rng([r['B']['on'] - r['A']['off'] for r in sel])} s; A lasts {rng([r['A']['off'] - r['A']['on'] for r in sel])} s at {rng([math.sqrt(r['A']['ex2']) for r in sel])} uV above rest;"
              f" A's last 0.5 s over its mean power {rng([r['A']['rise'] for r in sel if not math.isnan(r['A']['rise'])])}", file=sys.stderr)

def cmd_pairs(d):
    print('night\tch\tA_on\tA_dur\tgap\tB_dur\tA_uv\tB_uv\tA_last0.5_over_mean\tA_truth\tB_truth\tA_label\tB_label')
    for name, var, b, ev, dt, segs in nights(d):
        def tr(s):
            m = max(ev, key=lambda e: min(s['off'], e['off']) - max(s['on'], e['on']), default=None)
            return m['det'] if m and min(s['off'], m['off']) > max(s['on'], m['on']) else 'none'
        for A, B in pairs_of(segs):
            print(name, A['ch'], A['on'], f"{A['off'] - A['on']:.1f}", f"{B['on'] - A['off']:.2f}", f"{B['off'] - B['on']:.1f}", f"{math.sqrt(A['ex2']):.1f}",
                  f"{math.sqrt(B['ex2']):.1f}", f"{A['rise']:.2f}", tr(A), tr(B), label(dt, A), label(dt, B), sep='\t')

def cmd_candidate(d, R, G, E):
    st = collections.defaultdict(lambda: [0, 0, 0, 0])
    for name, var, b, ev, dt, segs in nights(d):
        for A, B in pairs_of(segs):
            if B['on'] - A['off'] > G or B['off'] - B['on'] < 5 or not A['end']: continue
            if not (A['ex2'] <= R * R * B['ex2'] and A['rise'] >= E): continue
            tc = [e for e in ev if e['type'] == 'cramp' and iou(A['on'], A['off'], e['on'], e['off']) >= 0.2]
            la = label(dt, A)
            k = 0 if la == 'cramp' and not tc else 1 if la == 'cramp' else 2 if tc else 3
            st[var][k] += 1
            if k == 1:
                print('lost', name, A['on'], f"gap {B['on'] - A['off']:.2f}", f"amplitude ratio {math.sqrt(A['ex2'] / B['ex2']):.3f}",
                      f"rise {A['rise']:.2f}", tc[0]['det'], file=sys.stderr)
    print(f"R {R} G {G} E {E}\nvariant\tfalse_cramp_removed\ttrue_cramp_lost\ttrue_cramp_not_a_cramp\tother")
    for v, s in sorted(st.items()): print(v, *s, sep='\t')
    print('total', *[sum(s[i] for s in st.values()) for i in range(4)], sep='\t')

def cmd_first(d):
    diffs, firsts = [], []
    for r in splits(d):
        f = os.path.join(d, r['name'] + '.first.tsv')
        if not os.path.exists(f): continue
        for l in open(f).read().splitlines()[1:]:
            x = l.split('\t')
            if abs(float(x[0]) - r['t']['on']) < 0.01 and x[3] not in ('nan', 'n/a'):
                firsts.append(float(x[3])); diffs.append(r['B']['on'] - r['t']['on'] - float(x[3]))
    print(f"splits with a first discharge: {len(diffs)}; first discharge after the truth's onset {rng(firsts)} s")
    print(f"B's onset minus the first discharge {rng(diffs)} s; within 0.05 s: {sum(abs(x) <= 0.05 for x in diffs)}; later by > 0.05 s: {sum(x > 0.05 for x in diffs)}")

if __name__ == '__main__':
    c = sys.argv[1]
    if c == 'splits': cmd_splits(sys.argv[2])
    elif c == 'pairs': cmd_pairs(sys.argv[2])
    elif c == 'candidate': cmd_candidate(sys.argv[2], *map(float, sys.argv[3:6]))
    elif c == 'first': cmd_first(sys.argv[2])
    else: sys.exit(__doc__)
