/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A one-leg LM of 3-10 s on two muscles in a PLM series (issue 12, h12af;
 * cramp_detect_config.plm_leg_muscles, default 0): hand-made leg movements
 * on L-TA 40 s apart, the third on L-TA and L-GAS together for 4 s (the
 * muscles-of-a-leg row's movement: >= 2 muscles of one leg, 3-45 s).
 *  - off (the default): the two-muscle episode is a movement and the other
 *    three LMs are too few for a series;
 *  - on: it is a candidate LM in the series' rhythm (40-s intervals on both
 *    sides), so the four are one series, all plm;
 *  - on, the same episode alone (no series around it) stays a movement, and
 *    one on both legs (L-TA, L-GAS, R-TA) stays a movement in a series;
 *  - off by default (its place in the rules id: detect_rules.c).
 * The checks with the rule on fail on the code before (no such field). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* The type of the episode whose onset is t (-1: none). */
static int type_at(const cramp_episode *ep, size_t ne, double t)
{
    for (size_t k = 0; k < ne; k++)
        if (ep[k].onset_s == t) return (int)ep[k].type;
    return -1;
}

static void expect(const cramp_activity *a, size_t n, int rule, const double *on,
                   const int *want, size_t nw, const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.plm_leg_muscles = rule;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(a, n, 4, &cfg, &ep, what);
    for (size_t i = 0; i < nw; i++) {
        const int got = type_at(ep, ne, on[i]);
        CHECK(got == want[i], "%s: episode at %g s type %d, expected %d", what, on[i], got,
              want[i]);
    }
    free(ep);
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    CHECK(cfg.plm_leg_muscles == 0, "off by default (%d)", cfg.plm_leg_muscles);
    cfg.fs = 2000;
    /* its place in the rules id: detect_rules.c */

    const int P = CRAMP_EVENT_PLM, M = CRAMP_EVENT_MOVEMENT;
    const double on[] = {100, 140, 180, 220};
    {   /* LMs on L-TA, the third with L-GAS for 4 s */
        cramp_activity a[5];
        a[0] = handmade_seg(HM_L_GAS, 180, 184, 40);
        a[1] = handmade_seg(HM_L_TA, 100, 102, 40);
        a[2] = handmade_seg(HM_L_TA, 140, 142, 40);
        a[3] = handmade_seg(HM_L_TA, 180, 184, 40);
        a[4] = handmade_seg(HM_L_TA, 220, 222, 40);
        const cramp_activity s[5] = {a[1], a[2], a[0], a[3], a[4]}; /* by onset */
        const int off[] = {CRAMP_EVENT_BURST, CRAMP_EVENT_BURST, M, CRAMP_EVENT_BURST},
                  with[] = {P, P, P, P};
        expect(s, 5, 0, on, off, 4, "off: a movement, three LMs, no series");
        expect(s, 5, 1, on, with, 4, "on: one series of four");
    }
    {   /* the two-muscle episode alone */
        const cramp_activity s[2] = {handmade_seg(HM_L_GAS, 180, 184, 40),
                                     handmade_seg(HM_L_TA, 180, 184, 40)};
        const int want[] = {M};
        expect(s, 2, 1, on + 2, want, 1, "on, alone: a movement");
    }
    {   /* on both legs: L-GAS, L-TA and R-TA for 4 s, in a series of five */
        const double on5[] = {100, 140, 180, 220, 260};
        const cramp_activity s[7] = {
            handmade_seg(HM_L_TA, 100, 102, 40),  handmade_seg(HM_L_TA, 140, 142, 40),
            handmade_seg(HM_L_GAS, 180, 184, 40), handmade_seg(HM_L_TA, 180, 184, 40),
            handmade_seg(HM_R_TA, 180, 184, 40),  handmade_seg(HM_L_TA, 220, 222, 40),
            handmade_seg(HM_L_TA, 260, 262, 40)};
        const int want[] = {P, P, M, P, P};
        expect(s, 7, 1, on5, want, 5, "on, both legs: a movement");
    }
    return cramp_test_finish("plm_leg_muscles");
}
