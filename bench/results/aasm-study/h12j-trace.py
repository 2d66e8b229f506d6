# SPDX-License-Identifier: GPL-3.0-or-later
# h12j: the HFT / ALMA / fragmentary truth events of DIR/*.det.tsv (cramp detect)
# against DIR/*.events.tsv (cramp synth), each by cause (what it was labelled,
# with one or more rises / sub-bursts), and the false ones by what they lie over.
# Usage: h12j-trace.py DIR [CLASS|all]
import sys,csv,glob,re,collections
d=sys.argv[1]
def iou(a,b):
    i=min(a[1],b[1])-max(a[0],b[0]); u=max(a[1],b[1])-min(a[0],b[0])
    return i/u if i>0 and u>0 else 0
cnt=collections.Counter(); rows=[]
for f in sorted(glob.glob(d+'/*.det.tsv')):
    name=f.split('/')[-1].replace('.det.tsv','')
    truth=list(csv.DictReader(open(f.replace('.det.tsv','.events.tsv')),delimiter='\t'))
    det=list(csv.DictReader(open(f),delimiter='\t'))
    for t in truth: t['iv']=(float(t['onset']),float(t['onset'])+float(t['duration']))
    for x in det: x['iv']=(float(x['onset']),float(x['onset'])+float(x['duration']))
    for cls in ('hft','alma','fragmentary'):
        for t in truth:
            if t['trial_type']!=cls: continue
            hit=any(x['trial_type']==cls and iou(t['iv'],x['iv'])>=0.2 for x in det)
            m=re.search(r'([\d.]+) Hz, (\d+) ms',t['detail'])
            gap=(1/float(m.group(1))-int(m.group(2))/1000) if m else float('nan')
            ov=[x for x in det if iou(t['iv'],x['iv'])>0]
            best=max(ov,key=lambda x:iou(t['iv'],x['iv'])) if ov else None
            if hit: cause='found'
            elif not ov: cause='nothing'
            else:
                b=best; cause='as '+b['trial_type']
                if cls=='hft' or cls=='alma':
                    cause+=' rises=%s bursts=%s' % ('1' if b['rises']=='1' else '>1', '1' if b['bursts']=='1' else '>1')
                    if b['trial_type']==cls: cause='%s IoU<0.2'%cls
            cnt[(cls,cause)]+=1
            rows.append((name,cls,cause,t['onset'],t['duration'],t['channel'],t['detail'],gap,
                [(x['trial_type'],x['onset'],x['duration'],x['channel'],x['tonic_fraction'],x['bursts'],x['rises'],x['rise_cv'],x['reason'][:40]) for x in ov]))
        for x in det:
            if x['trial_type']!=cls: continue
            if any(t['trial_type']==cls and iou(t['iv'],x['iv'])>=0.2 for t in truth): continue
            ov=[t['trial_type'] for t in truth if iou(t['iv'],x['iv'])>0]
            cnt[(cls,'FALSE over '+(','.join(sorted(set(ov))) or 'nothing'))]+=1
            rows.append((name,cls,'FALSE',x['onset'],x['duration'],x['channel'],x['reason'][:50],0,ov))
for k,v in sorted(cnt.items()): print(v,k)
if len(sys.argv)>2:
    for r in rows:
        if r[2]!='found' and (sys.argv[2]=='all' or r[1]==sys.argv[2]): print(r)
