#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM F1 per variant from trace.py rows, one column per file (tp, fp, fn, F1), and each file's mean and worst:

    trace_sum.py ROWS.tsv [ROWS.tsv ...]
"""
import csv, collections, sys
def load(p):
    rows=list(csv.DictReader(open(p),delimiter='\t'))
    by=collections.defaultdict(collections.Counter)
    for r in rows: by[r['variant']][r['kind']]+=1
    return rows,by
files=sys.argv[1:]
data=[load(p) for p in files]
names=[v for v in data[0][1]]
f1s=[[] for _ in files]
for v in names:
    line=f"{v:32s}"
    for i,(rows,by) in enumerate(data):
        if v not in by: line+="   --"; continue
        c=by[v]; tp,fp,fn=c['tp'],c['fp'],c['fn']; f1=2*tp/(2*tp+fp+fn) if tp else 0
        f1s[i].append(f1)
        line+=f" | tp {tp:3d} fp {fp:3d} fn {fn:3d} F1 {f1:.3f}"
    print(line)
for i,p in enumerate(files):
    print(p, 'mean %.3f worst %.3f n %d'%(sum(f1s[i])/len(f1s[i]), min(f1s[i]), len(f1s[i])))
