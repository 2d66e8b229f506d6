# SPDX-License-Identifier: GPL-3.0-or-later
# h12j: HFT / ALMA truth trains found and missed by the gap between bursts
# (period - burst length, from the truth detail). Usage: h12j-gaps.py DIR
import sys,csv,glob,re,collections
exec(open(__file__.replace('gaps','trace')).read().split("cnt=collections")[0])
d=sys.argv[1]; tab=collections.defaultdict(lambda:[0,0])
for f in sorted(glob.glob(d+'/*.det.tsv')):
    truth=list(csv.DictReader(open(f.replace('.det.tsv','.events.tsv')),delimiter='\t'))
    det=list(csv.DictReader(open(f),delimiter='\t'))
    for t in truth: t['iv']=(float(t['onset']),float(t['onset'])+float(t['duration']))
    for x in det: x['iv']=(float(x['onset']),float(x['onset'])+float(x['duration']))
    for t in truth:
        if t['trial_type'] not in ('hft','alma'): continue
        m=re.search(r'([\d.]+) Hz, (\d+) ms',t['detail'])
        gap=1/float(m.group(1))-int(m.group(2))/1000
        b=('<0.09' if gap<0.09 else '0.09-0.15' if gap<0.15 else '0.15-0.25' if gap<0.25 else '0.25-0.5' if gap<0.5 else '>=0.5')
        hit=any(x['trial_type']==t['trial_type'] and iou(t['iv'],x['iv'])>=0.2 for x in det)
        tab[(t['trial_type'],b)][0 if hit else 1]+=1
for k in sorted(tab): print(k, 'found %d missed %d'%tuple(tab[k]))
