#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# h12m: per-scenario, per-class F1 / tp / fp of ours in two detect-accuracy suite tables, and the pooled counts.
import sys
def load(p):
    rows=[r.rstrip('\n').split('\t') for r in open(p) if not r.startswith('#')]
    h=rows[0]; out={}
    for r in rows[1:]:
        f=dict(zip(h,r))
        if f.get('detector')=='ours' and f['scenario'] not in ('pooled','by-rate','by-snr'): out[(f['scenario'],f['class'])]=f
    return out
a=load(sys.argv[1]); b=load(sys.argv[2]); diff=0; pool={}
for k in sorted(set(a)|set(b)):
    x=a.get(k); y=b.get(k)
    for d,t in ((x,0),(y,1)):
        if d:
            p=pool.setdefault(k[1],[[0,0,0],[0,0,0]])
            p[t][0]+=int(d['tp']); p[t][1]+=int(d['fp']); p[t][2]+=int(d['fn'])
    if not x or not y or (x['tp'],x['fp'],x['fn'])!=(y['tp'],y['fp'],y['fn']):
        diff+=1
        print(k, 'before', x and (x['f1'],x['tp'],x['fp'],x['fn']), 'after', y and (y['f1'],y['tp'],y['fp'],y['fn']))
for c,(p0,p1) in sorted(pool.items()):
    f=lambda p: 2*p[0]/(2*p[0]+p[1]+p[2]) if p[0]+p[1]+p[2] else float('nan')
    print(f"{c:12s} pooled tp/fp/fn {p0} -> {p1}  F1 {f(p0):.3f} -> {f(p1):.3f}")
print('rows differing:', diff)
