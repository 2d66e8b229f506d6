#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two detect-accuracy variant tables, before and after (h12s, round 8):
every per-variant row of ours whose tp / fp / fn differ, and per variant the
PLM and cramp F1 of ours (before -> after) beside the plain detector's.

    cmp.py BEFORE.tsv AFTER.tsv
"""
import csv, sys
def rd(p):
    rows=[l for l in open(p) if not l.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t"))
b=rd(sys.argv[1]); a=rd(sys.argv[2])
ka={(r["variant"],r["detector"],r["class"]):r for r in a}
vs=[]
for r in b:
    k=(r["variant"],r["detector"],r["class"])
    if k not in ka: continue
    if r["variant"] not in vs: vs.append(r["variant"])
    q=ka[k]
    if r["detector"]!="ours" or r["variant"]=="summary": continue
    if (r["tp"],r["fp"],r["fn"])!=(q["tp"],q["fp"],q["fn"]):
        print(k[0],k[2],"tp/fp/fn",r["tp"],r["fp"],r["fn"],"->",q["tp"],q["fp"],q["fn"],"f1",r["f1"],"->",q["f1"])
print("variants compared:", " ".join(vs))
# plm per variant ours vs plain
for v in vs:
    o=[r for r in a if r["variant"]==v and r["class"]=="plm"]
    ob=[r for r in b if r["variant"]==v and r["class"]=="plm"]
    d={r["detector"]:r["f1"] for r in o}; db={r["detector"]:r["f1"] for r in ob}
    c={r["detector"]:r["f1"] for r in a if r["variant"]==v and r["class"]=="cramp"}
    cb={r["detector"]:r["f1"] for r in b if r["variant"]==v and r["class"]=="cramp"}
    print(f"{v:28s} plm ours {db.get('ours')} -> {d.get('ours')} plain {d.get('plain')} | cramp ours {cb.get('ours')} -> {c.get('ours')} plain {c.get('plain')}")
