# SPDX-License-Identifier: GPL-3.0-or-later
"""A true cramp's detected cramp, as cramp_score pairs them: the detected
`cramp` row of largest intersection over union with the truth, when that is
at least 0.2 (issue 12 onset studies: onset-placement.py, onset/analyse.py)."""


def iou(a0, a1, b0, b1):
    i = min(a1, b1) - max(a0, b0)
    return i / (max(a1, b1) - min(a0, b0)) if i > 0 else 0


def best_cramp(det, t0, t1):
    """The detected cramp row (a dict of a detect table) matching the truth
    t0..t1 (s), or None."""
    best, bi = None, 0
    for o in det:
        if o['trial_type'] != 'cramp':
            continue
        a = float(o['onset'])
        x = iou(t0, t1, a, a + float(o['duration']))
        if x >= 0.2 and x > bi:
            best, bi = o, x
    return best
