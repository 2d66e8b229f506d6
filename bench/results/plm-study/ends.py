#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What ends or starves the PLM series that lose true PLMs (issue 12, h12e).

    ends.py CRAMP TRACED_CRAMP TABLE.tsv BASE.scenario 'VAR;VAR;...' SEED_LO SEED_HI [-- DETECT_ARGS]

CRAMP makes the nights (`cramp synth`, 60 min); TRACED_CRAMP is a build with
series-trace.patch applied and -DCRAMP_PLM_TRACE (it prints the series pass:
members, ends and why). TABLE.tsv is a detect-accuracy output (its `# variant`
lines define the variants). For every true series with a lost PLM, prints the
lost count, how many of its LMs no episode overlaps (und), and what ended the
series inside its span: long-lab-TYPE / long-unlab (an episode > 10 s, labelled
before the series pass or not), iv<10, iv>90 (first: after the first member);
`nobreak`: the series was starved (< 4 LMs seen). Development seeds only.
"""
import csv,sys,os,subprocess,re,collections
sys.path.insert(0,os.path.dirname(os.path.abspath(__file__)))
from study import match, rd, overlap
argv=sys.argv[1:]
extra=argv[argv.index('--')+1:] if '--' in argv else []
if '--' in argv: argv=argv[:argv.index('--')]
if len(argv)!=7: sys.exit(__doc__)
REL,DBG,table,basep=argv[:4]
defs={}
for line in open(table):
    if line.startswith('# variant '):
        n,_,rest=line[10:].partition(': ')
        defs[n.strip()]=rest.strip() if rest.strip()!='(no override)' else ''
base=open(basep).read()
names=argv[4].split(';'); lo,hi=int(argv[5]),int(argv[6])
if not (1<=lo<=hi<=9999): sys.exit('ends.py: development seeds only (1-9999)')
import tempfile
WORK=tempfile.mkdtemp(prefix='plm-ends-')
TYPES=['cramp','plm','burst','movement','artefact','hft','alma','fragm']
tot=collections.Counter()
for var in names:
  scen=f'{WORK}/{var}.scenario'
  with open(scen,'w') as f:
    f.write(base)
    for tok in defs.get(var,'').split():
        k,_,v=tok.partition('='); f.write(f"{k} {v.replace(',',' ')}\n")
  cnt=collections.Counter(); nt=ntp=nfp=0
  for seed in range(lo,hi+1):
    edf=f'{WORK}/{var}-{seed}.edf'
    if not os.path.exists(edf):
        subprocess.run([REL,'synth',scen,'--seed',str(seed),'--minutes','60','-o',edf],check=True,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
    dp=f'{WORK}/{var}-{seed}.det.tsv'
    r=subprocess.run([DBG,'detect',edf,'-o',dp,'--quiet']+extra,check=True,stderr=subprocess.PIPE,text=True)
    tr=[]
    for l in r.stderr.splitlines():
        m=re.match(r'PLMTRACE (\S+) (\S+)(.*)',l)
        if m and m.group(1)!='----': tr.append((float(m.group(1)),m.group(2),m.group(3)))
    truth=rd(edf[:-4]+'.events.tsv'); det=rd(dp)
    tp=[t for t in truth if t['trial_type']=='plm']; dpl=[d for d in det if d['trial_type']=='plm']
    ti,dj=match(tp,dpl); nt+=len(tp); ntp+=len(ti); nfp+=len(dpl)-len(dj)
    ser=collections.defaultdict(list)
    for i,t in enumerate(tp): ser[t['detail'].split(',')[0]].append(i)
    for s,idx in ser.items():
        miss=[i for i in idx if i not in ti]
        if not miss: continue
        # undetected LMs
        und=sum(1 for i in miss if not any(overlap(tp[i],d)>0 for d in det if d['trial_type']!='artefact'))
        a=float(tp[idx[0]]['onset'])-1; b=float(tp[idx[-1]]['onset'])+1
        legs=set(c[0] for c in ','.join(tp[i]['channel'] for i in idx).split(','))
        causes=[]
        for o,k,rest in tr:
            if not (a<=o<=b): continue
            if k=='BREAK-LONG':
                st=int(re.search(r'state=(\d)',rest).group(1)); ty=int(re.search(r'type=(\d)',rest).group(1))
                ch=int(re.search(r'ch=(0x[0-9a-f]+|0)',rest).group(1),0)
                causes.append(f"long-{'lab-'+TYPES[ty] if st==1 else 'unlab'}")
            elif k=='BREAK-IV':
                iv=float(re.search(r'iv=(\S+)',rest).group(1)); ns=int(re.search(r'ns=(\d+)',rest).group(1))
                if iv<10: causes.append('iv<10')
                elif iv>90: causes.append('iv>90' + ('(first)' if ns==1 else ''))
        key=f"miss={len(miss)}/{len(idx)} und={und} "+','.join(sorted(set(causes)) or ['nobreak'])
        cnt[key]+=len(miss)
        for c in set(causes) or ['nobreak']: tot[c]+=len(miss)/max(1,len(set(causes)))
        if und: tot['undetected-LMs']+=und
  print(f"## {var}: truth {nt} tp {ntp} fp {nfp} fn {nt-ntp}")
  for k,v in cnt.most_common(): print(f"   {v:3d} {k}")
print("TOTAL (fn attributed):",dict(tot.most_common()))
