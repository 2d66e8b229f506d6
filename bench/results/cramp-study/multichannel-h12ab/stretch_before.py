#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""For every false cramp over a true stretch (h12ab): the true cramp the
stretch answers (same leg, the latest ending before the stretch's onset), the
gap from that cramp's end, and what ours made of that cramp (episodes
overlapping it; the one ending last before the stretch's onset).
    stretch_before.py DUMPDIR [VARIANT...]"""
import sys
import mtrace as m

d, only = sys.argv[1], set(sys.argv[2:])
for what, v, seed, e, under, truth, ours in m.events(d, only):
    if what != "false" or not under or m.kind(under[0]) != "stretch":
        continue
    st = under[0]
    leg = st["channel"][0]
    cr = [t for t in truth if t["type"] == "cramp" and t["channel"][0] == leg
          and t["onset"] + t["dur"] <= st["onset"] + 1]
    cr = max(cr, key=lambda t: t["onset"] + t["dur"]) if cr else None
    if cr is None:
        print(f"{v} {seed} stretch {st['onset']:.1f} {st['channel']}: no cramp before")
        continue
    gap = st["onset"] - (cr["onset"] + cr["dur"])
    before = [o for o in ours if o is not e and o["onset"] < e["onset"]
              and o["onset"] + o["dur"] > cr["onset"] - 5]
    prev = max(before, key=lambda o: o["onset"] + o["dur"]) if before else None
    lab = (f"{prev['type']} {prev['onset']:.1f}+{prev['dur']:.1f} {prev['channels']} "
           f"[{prev['reason'][:40]}] ends {e['onset'] - prev['onset'] - prev['dur']:.1f} s before"
           f" tonic {prev['tonic']} xrest {prev['xrest']}") if prev else "nothing"
    print(f"{v} {seed} stretch {st['onset']:.1f}+{st['dur']:.1f} {st['channel']} | cramp "
          f"{cr['onset']:.1f}+{cr['dur']:.1f} {cr['channel']} gap {gap:.1f} | ours before: {lab}")
