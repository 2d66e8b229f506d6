#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-class mean and worst F1 over the variants of two detect-accuracy
--variants tables (BEFORE AFTER), with pooled counts; the plain detector's
row is taken from AFTER.  Usage: ./summarize.py BEFORE.tsv AFTER.tsv"""
import sys, statistics as st
def load(p):
    rows=[r for r in open(p) if not r.startswith('#')]
    hdr=rows[0].rstrip('\n').split('\t'); out={}
    for r in rows[1:]:
        f=dict(zip(hdr,r.rstrip('\n').split('\t')))
        if 'detector' in f and f['variant']!='summary': out[(f['variant'],f['detector'],f['class'])]=f
    return out
a=load(sys.argv[1]); b=load(sys.argv[2])
variants=sorted({k[0] for k in a}|{k[0] for k in b})
for cls in ['cramp','plm','hft','alma','fragmentary','burst','movement']:
    for name,d in (('base',a),('new',b),('plain(new file)',b)):
        det='plain' if name.startswith('plain') else 'ours'
        f1=[];worst=None;tp=fp=fn=0
        for v in variants:
            r=d.get((v,det,cls))
            if not r: continue
            tp+=int(r['tp']);fp+=int(r['fp']);fn+=int(r['fn'])
            if int(r['n_truth'])==0: continue
            x=float(r['f1']) if r['f1'] not in ('NA','') else 0.0
            f1.append(x)
            if worst is None or x<worst[0]: worst=(x,v)
        if not f1: print(cls,name,'no truth'); continue
        P=tp/(tp+fp) if tp+fp else float('nan'); R=tp/(tp+fn) if tp+fn else float('nan')
        print(f"{cls:12s} {name:16s} variants {len(f1):3d} meanF1 {st.mean(f1):.3f} worst {worst[0]:.3f} ({worst[1]}) pooled tp {tp} fp {fp} fn {fn} P {P:.3f} R {R:.3f}")
