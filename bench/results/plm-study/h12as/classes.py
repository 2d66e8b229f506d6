#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What ours misses or adds that the plain detector does not (h12as, round 14;
bench/README.md, issue 12), from vsplain.py's rows (h12aj/vsplain.py).

    classes.py VSPLAIN.tsv [VSPLAIN2.tsv]

Per variant, the rows with who == ours (ours alone: plain found the true PLM,
or plain has no false PLM there), by class:
  fn: what ours made of the true LM: `plm, two legs` (taken into a PLM of
      both legs while the true LM is on one: the AASM's bilateral rule joins
      LMs of the two legs < 5 s apart, onset to onset, into one), `plm` (a
      PLM that overlaps but pairs with another truth), `burst` (an LM left
      out of any series: the series fell under 4 members or was cut),
      `movement` / `cramp` / `artefact` (taken into a longer episode),
      `alma` / `hft` (a train), `none` (no episode);
  fp: the truth event under the false PLM (the first non-fragmentary one;
      a movement by its kind: stretch, turn, awakening, rem_tonic, rmd) and
      its duration band (< 5 s, 5-10 s).
With a second file (the same nights under another setting), the per-variant
tp/fp/fn lines of both."""
import collections
import re
import sys


def load(path):
    rows, tot = [], {}
    for line in open(path):
        if line.startswith("# "):
            m = re.match(r"# (\S+) tp/fp/fn ours (\S+) plain (\S+)", line)
            if m:
                tot[m.group(1)] = (m.group(2), m.group(3))
            continue
        if line.startswith("variant"):
            continue
        rows.append(line.rstrip("\n").split("\t"))
    return rows, tot


def f1(s):
    tp, fp, fn = (int(v) for v in s.split("/"))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main():
    rows, tot = load(sys.argv[1])
    fn = collections.defaultdict(collections.Counter)
    fp = collections.defaultdict(collections.Counter)
    for r in rows:
        v, seed, kind, who, on, dur, det, ev = r[:8]
        if who != "ours":
            continue
        if kind == "fn":
            m = re.match(r"(\w+)\[[\d.]+\+[\d.]+ x[\d.]+ r \d+ ([^:]+):", ev)
            if not m:
                lab = "none" if ev == "none" else ev.split("[")[0]
            else:
                lab = m.group(1)
                legs = {c.split("-")[0] for c in m.group(2).split(",")}
                if lab == "plm" and len(legs) > 1 and "bilateral" not in det:
                    lab = "plm, two legs"
            fn[v][lab] += 1
        else:
            evs = [e for e in ev.split("; ") if not e.startswith("fragmentary")] or ev.split("; ")
            t = evs[0]
            m = re.match(r"(\w+)\[[\d.]+\+([\d.]+) \S+ (\w+)", t)
            kt = m.group(3) if m and m.group(1) == "movement" else (m.group(1) if m else t[:20])
            band = "<5s" if float(dur) < 5 else "5-10s"
            fp[v][f"{kt} {band}"] += 1
    for v in tot:
        o, p = tot[v]
        print(f"== {v}: ours {o} (F1 {f1(o):.3f}), plain {p} (F1 {f1(p):.3f})")
        print("  missed by ours alone: " + ", ".join(f"{k} {n}" for k, n in fn[v].most_common()))
        print("  false of ours alone: " + ", ".join(f"{k} {n}" for k, n in fp[v].most_common()))
    if len(sys.argv) > 2:
        _, tot2 = load(sys.argv[2])
        for v in tot2:
            print(f"-- {v} ({sys.argv[2]}): ours {tot2[v][0]} (F1 {f1(tot2[v][0]):.3f})")


main()
