#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts cramp misses and false cramps by cause from `detect-accuracy
--misses cramp` lines (stderr), as bench/README.md "Two legs in one episode"
reports them. Usage: trace.py TRACE.txt"""
import collections
import re
import sys


def cause(what, ch, items):
    legs = lambda s: {c[0] for c in s.split(',') if c}
    types = [i[0] for i in items]
    if what == 'missed':
        if any(i[0] in ('movement', 'burst') and len(legs(i[2])) == 2 for i in items):
            return 'missed: both legs in one episode'
        if 'plm' in types:
            return 'missed: in a PLM series'
        if any(i[0] == 'movement' and ',' in i[2] for i in items):
            return 'missed: joined with another muscle of the leg (movement)'
        if 'burst' in types:
            return 'missed: under 5 s found (burst)'
        return 'missed: other'
    mv = [i for i in items if i[0] == 'movement']
    if any(i[0] == 'cramp' for i in items) and not mv:
        return 'false: part of a true cramp (precursor / split)'
    if 'hft' in types:
        return 'false: over a foot-tremor train'
    if mv and all(i[2] == ch for i in mv):
        return 'false: one-muscle voluntary activity (same channel only)'
    if mv and any(legs(i[2]) - {ch[0]} for i in mv):
        return 'false: movement of both legs, one channel seen'
    if mv:
        return 'false: movement of one leg, its second muscle under half'
    return 'false: other'


def main(path):
    n = collections.Counter()
    for line in open(path):
        m = re.match(r'(\S+) seed (\d+): (missed|false) cramp at ([\d.]+) s for ([\d.]+) s on (\S+);'
                     r' overlapping:(.*)', line)
        if not m:
            continue
        what, ch, ov = m.group(3), m.group(6), m.group(7)
        items = [x.split() for x in ov.split(';') if x.strip() and x.strip() != 'nothing']
        items = [(i[0], i[1], i[2] if len(i) > 2 else '') for i in items if i[0] != 'fragmentary']
        n[cause(what, ch, items)] += 1
    for k in sorted(n):
        print(f'{n[k]:4d}  {k}')


if __name__ == '__main__':
    main(sys.argv[1])
