/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in stretch split (issue 12, h12al; cramp_detect_config.
 * stretch_split_rule; bench/README.md, h12al): a 20-s calf cramp whose TA
 * stretch (stronger than the cramp) starts 0.6 s after it, the stretch's crosstalk keeping the calf's
 * segment up to the stretch's end, is with the rule on a cramp of the calf
 * (20.6 s, not 28) and the stretch a movement after it; off, as the old
 * code, one two-muscle movement (the on-checks fail there). Controls, not
 * cut with the rule on: a 20-s calf contraction with a 3-s TA burst inside
 * it (the calf keeps on after the TA stops: one two-muscle movement, as
 * before); an awakening of one leg whose TA joins the calf 0.2 s after it
 * (not alone for cramp_min_s: a movement); a 30-s calf cramp whose
 * crosstalk crosses the TA's threshold near its peak and stops 8 s before
 * it (a cramp of 30 s, as before); a 30-s calf cramp whose crosstalk on
 * the TA runs from 12 s in to its end (weaker than its source: not cut);
 * a calf cramp after 10 s of lower-level TA activity its crosstalk then
 * carries (the TA's segment is its lead-in, the precursor step: not cut);
 * legs unknown (nothing cut). On by default (the ninth freeze). Hand-made
 * segments through cramp_detect_classify. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* A failed CHECK unless the episode on the left calf at t is a cramp of
   dur s (not cut). */
static void expect_uncut_cramp(const cramp_episode *ep, size_t n, double t, double dur,
                               const char *what)
{
    handmade_expect(ep, n, HM_L_GAS, t, CRAMP_EVENT_CRAMP, what);
    const cramp_episode *e = handmade_at(ep, n, HM_L_GAS, t);
    CHECK(e && fabs(e->duration_s - dur) < 1e-9, "%s: not cut (%g s)", what,
          e ? e->duration_s : -1.0);
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    CHECK(cfg.stretch_split_rule == 1, "on by default since the ninth freeze (%d)",
          cfg.stretch_split_rule);
    cfg.stretch_split_rule = 1; /* its place in the rules id: detect_rules.c */
    cramp_activity act[] = {
        /* 100 s: a 20-s left calf cramp; the TA's forceful stretch
           120.6-128 s at 150 uV, the calf's segment held up by its crosstalk
           to 128.2 s */
        handmade_seg(HM_L_GAS, 100.0, 128.2, 100),
        handmade_seg(HM_L_TA, 120.6, 128.0, 150),
        /* 300 s: a 20-s calf contraction, a 3-s TA burst 10 s in */
        handmade_seg(HM_L_GAS, 300.0, 320.0, 100),
        handmade_seg(HM_L_TA, 310.0, 313.0, 60),
        /* 500 s: an 8-s awakening of the left leg */
        handmade_seg(HM_L_GAS, 500.0, 508.0, 100),
        handmade_seg(HM_L_TA, 500.2, 508.0, 70),
        /* 700 s: a 30-s calf cramp, its crosstalk over the TA's threshold
           712-722 s */
        handmade_seg(HM_L_GAS, 700.0, 730.0, 100),
        handmade_seg(HM_L_TA, 712.0, 722.0, 40),
        /* 900 s: a 30-s calf cramp, its crosstalk over the TA's threshold
           from 912 s to its end */
        handmade_seg(HM_L_GAS, 900.0, 930.0, 100),
        handmade_seg(HM_L_TA, 912.0, 930.0, 45),
        /* 1100 s: lower-level TA activity, then a 30-s calf cramp from
           1110 s whose crosstalk carries the TA's segment to its end */
        handmade_seg(HM_L_TA, 1100.0, 1140.0, 20),
        handmade_seg(HM_L_GAS, 1110.0, 1140.0, 100),
    };
    const size_t n_act = sizeof act / sizeof act[0];
    cramp_episode *ep = NULL;
    size_t n = handmade_classify(act, n_act, 4, &cfg, &ep, "on");
    handmade_expect(ep, n, HM_L_GAS, 100, CRAMP_EVENT_CRAMP,
                    "on: the calf cramp cut from the stretch after it is a cramp");
    const cramp_episode *e = handmade_at(ep, n, HM_L_GAS, 100);
    CHECK(e && fabs(e->offset_s - 120.6) < 1e-9, "on: the cramp ends where the stretch starts (%g)",
          e ? e->offset_s : -1.0);
    /* the stretch: a movement, whichever channel the parts' copied
       measures make its main one */
    e = handmade_starting(ep, n, 120.6);
    CHECK(e && e->type == CRAMP_EVENT_MOVEMENT && (e->channels >> HM_L_TA & 1u),
          "on: the TA's stretch after the cramp is a movement (%s)",
          e && e->reason ? e->reason : "no episode");
    handmade_expect(ep, n, HM_L_GAS, 300, CRAMP_EVENT_MOVEMENT,
                    "on: the calf with a TA burst inside it is not cut (a movement, as before)");
    e = handmade_at(ep, n, HM_L_GAS, 300);
    CHECK(e && fabs(e->duration_s - 20) < 1e-9, "on: not cut at 310 s (%g s)",
          e ? e->duration_s : -1.0);
    handmade_expect(ep, n, HM_L_GAS, 500, CRAMP_EVENT_MOVEMENT,
                    "on: an awakening of one leg is a movement");
    expect_uncut_cramp(ep, n, 700, 30, "on: a cramp's crosstalk over the TA's threshold");
    expect_uncut_cramp(ep, n, 900, 30, "on: a cramp's crosstalk to its end (weaker than it)");
    handmade_expect(ep, n, HM_L_GAS, 1110, CRAMP_EVENT_CRAMP,
                    "on: a cramp after the other muscle's lower-level lead-in stays a cramp");
    CHECK(!handmade_at(ep, n, HM_L_TA, 1100), "on: the lead-in is not cut off as a contraction");
    free(ep);

    /* off: as the frozen rules (the cramp and its stretch one movement) */
    cfg.stretch_split_rule = 0;
    n = handmade_classify(act, n_act, 4, &cfg, &ep, "off");
    e = handmade_starting(ep, n, 100);
    CHECK(e && e->type == CRAMP_EVENT_MOVEMENT && fabs(e->duration_s - 28.2) < 1e-9,
          "off: the cramp and its stretch one movement (%s)", e && e->reason ? e->reason : "none");
    handmade_expect(ep, n, HM_L_GAS, 700, CRAMP_EVENT_CRAMP, "off: the cramp with crosstalk");
    free(ep);

    /* legs unknown (two channels of no known leg or muscle): nothing cut */
    cfg.stretch_split_rule = 1;
    cramp_activity two[] = {handmade_seg(0, 100.0, 128.2, 100),
                            handmade_seg(1, 120.6, 128.0, 150)};
    n = handmade_classify_unknown(two, 2, 2, &cfg, &ep, "legs unknown");
    e = handmade_starting(ep, n, 100);
    CHECK(e && fabs(e->duration_s - 28.2) < 1e-9, "legs unknown: nothing cut (%g s)",
          e ? e->duration_s : -1.0);
    free(ep);
    return cramp_test_finish("detect_stretch_split");
}
