#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM F1 of ours and of the plain detector against the simulator's truth and
against that truth with the AASM's series rule applied to its LMs of both
legs together (h12aq, round 14; bench/README.md, issue 12).

    bothlegs.py CRAMP PLAIN_DETECT VARIANTS SEED_LO SEED_HI MINUTES NAME[,NAME...]

The simulator places an isolated arousal burst 90 s from every LM *of its own
leg* (synth_schedule.c, ISOLATION_S), so a burst of one leg can lie inside a
series of the other; its truth calls it `burst`. The AASM manual counts the
LMs of both legs in one series (LMs of the two legs < 5 s apart, onset to
onset, are one LM; >= 4 LMs 5-90 s apart are a series), so a scorer would
call such a burst a PLM (where it involves the TA of a leg that has one:
LMs are scored on the TA). `aasm2` relabels a true `burst` `plm` where the
truth's LMs (plm and burst rows) of both legs, in onset order with other-leg
onsets < 5 s apart merged, put it in a run of >= 4 LMs 5-90 s apart; no
true PLM is removed. Per variant: tp/fp/fn and F1 of ours and plain under
both truths, and the number of relabelled bursts. Development seeds only.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "h12aj"))
from study import dev_args, match  # noqa: E402
from vsplain import variant_nights  # noqa: E402


def legs(t):
    return {c.split("-")[0] for c in t.get("channel", "").split(",") if c}


def lm_channels(t, ta_legs):
    """A burst is an LM where it involves the TA of a leg that has one (AASM:
    LMs are scored on the tibialis anterior), or lies on a leg without one."""
    for c in t.get("channel", "").split(","):
        leg, _, muscle = c.partition("-")
        if muscle == "TA" or leg not in ta_legs:
            return True
    return False


def relabel(truth):
    """Indices of true bursts that the AASM's two-leg series rule makes PLMs."""
    ta_legs = {c.split("-")[0] for t in truth for c in t.get("channel", "").split(",")
               if c.endswith("-TA")}
    lms = sorted((i for i, t in enumerate(truth) if t["trial_type"] == "plm" or
                  (t["trial_type"] == "burst" and lm_channels(t, ta_legs))),
                 key=lambda i: float(truth[i]["onset"]))
    groups = []  # [onset, legs, [indices]]
    for i in lms:
        on, lg = float(truth[i]["onset"]), legs(truth[i])
        if groups and on - groups[-1][0] < 5 and not (lg <= groups[-1][1] and groups[-1][1] <= lg):
            groups[-1][1] |= lg
            groups[-1][2].append(i)
            continue
        groups.append([on, set(lg), [i]])
    out, run = set(), []
    for g in groups + [None]:
        if g is not None and run and 5 <= g[0] - run[-1][0] <= 90:
            run.append(g)
            continue
        if len(run) >= 4:
            for r in run:
                out.update(i for i in r[2] if truth[i]["trial_type"] == "burst")
        run = [g] if g is not None else []
    return out


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main():
    args = dev_args(sys.argv[1:], 7, __doc__, "bothlegs.py")
    if args is None:
        return 2
    print("variant\ttruth\tours_tp\tours_fp\tours_fn\tours_f1\tplain_tp\tplain_fp\tplain_fn"
          "\tplain_f1\trelabelled")
    tot, nrel = {"sim": [0] * 6, "aasm2": [0] * 6}, 0
    for name, seed, truth, det, pdet in variant_nights(args):
        if seed is None:
            for key in ("sim", "aasm2"):
                a = tot[key]
                print(f"{name}\t{key}\t{a[0]}\t{a[1]}\t{a[2]}\t{f1(*a[:3]):.3f}\t"
                      f"{a[3]}\t{a[4]}\t{a[5]}\t{f1(*a[3:]):.3f}\t{nrel if key == 'aasm2' else 0}")
            sys.stdout.flush()
            tot, nrel = {"sim": [0] * 6, "aasm2": [0] * 6}, 0
            continue
        rel = relabel(truth)
        nrel += len(rel)
        ours = [d for d in det if d["trial_type"] == "plm"]
        pl = [d for d in pdet if d["trial_type"] == "plm"]
        for key, tl in (("sim", [t for t in truth if t["trial_type"] == "plm"]),
                        ("aasm2", [t for i, t in enumerate(truth)
                                   if t["trial_type"] == "plm" or i in rel])):
            for off, lst in ((0, ours), (3, pl)):
                ti, dj = match(tl, lst)
                tot[key][off] += len(ti)
                tot[key][off + 1] += len(lst) - len(dj)
                tot[key][off + 2] += len(tl) - len(ti)
    return 0


if __name__ == "__main__":
    sys.exit(main())
