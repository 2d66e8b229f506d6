/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in both-legs row (issue 12, h12ag; cramp_detect_config.
 * both_legs_rule; bench/README.md, h12ag): an 8-s awakening
 * whose strongest muscle (the left calf) works at more than twice the other
 * leg's two muscles is, with the rule on, a movement, not a cramp of the
 * calf (the episode builder reads two legs apart only past an LM's 10 s, so
 * under it the other leg, at 0.4-0.45 of the calf, is not involved; the
 * other leg's sustained activity from the same moment is its own: crosstalk
 * stays within a limb). Controls, cramps with the rule on: a 20-s calf
 * cramp with a 3-s LM of the other leg's TA in it (active for 15 % of it);
 * an 8-s calf cramp inside the other leg's activity that began 20 s before
 * it (not from the same moment); an 8-s calf cramp with crosstalk on its own
 * leg's TA. With the rule off, the awakening is a cramp (the frozen rules;
 * the rule-on check fails on the old code); the rule off by default (its
 * place in the rules id: detect_rules.c).
 * Hand-made segments through cramp_detect_classify. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    CHECK(cfg.both_legs_rule == 0, "off by default (%d)", cfg.both_legs_rule);
    cfg.both_legs_rule = 1; /* its place in the rules id: detect_rules.c */
    cramp_activity act[] = {
        /* 100 s: an 8-s awakening: the left calf at 100 uV, the right calf
           and TA at 40-45 uV from 0.2-0.3 s later, to the end */
        handmade_seg(HM_L_GAS, 100.0, 108.0, 100),
        handmade_seg(HM_R_GAS, 100.2, 108.0, 40),
        handmade_seg(HM_R_TA, 100.3, 108.0, 45),
        /* 300 s: a 20-s calf cramp; a 3-s LM of the right TA 1 s in */
        handmade_seg(HM_L_GAS, 300.0, 320.0, 100),
        handmade_seg(HM_R_TA, 301.0, 304.0, 60),
        /* 480 s: the right calf active for 40 s; a left calf cramp of 8 s
           from 500 s inside it */
        handmade_seg(HM_R_GAS, 480.0, 520.0, 20),
        handmade_seg(HM_L_GAS, 500.0, 508.0, 100),
        /* 700 s: an 8-s calf cramp, its crosstalk on the TA at 0.3 */
        handmade_seg(HM_L_GAS, 700.0, 708.0, 100),
        handmade_seg(HM_L_TA, 700.1, 708.0, 30),
    };
    const size_t n_act = sizeof act / sizeof act[0];
    cramp_episode *ep = NULL;
    const size_t n = handmade_classify(act, n_act, 4, &cfg, &ep, "on");
    handmade_expect(ep, n, HM_L_GAS, 100, CRAMP_EVENT_MOVEMENT,
                    "on: an awakening of both legs, the calf strongest, is a movement");
    handmade_expect(ep, n, HM_L_GAS, 300, CRAMP_EVENT_CRAMP,
                    "on: a cramp with an LM of the other leg in it stays a cramp");
    handmade_expect(ep, n, HM_L_GAS, 500, CRAMP_EVENT_CRAMP,
                    "on: a cramp inside the other leg's earlier activity stays a cramp");
    handmade_expect(ep, n, HM_L_GAS, 700, CRAMP_EVENT_CRAMP,
                    "on: a cramp with crosstalk on its own leg stays a cramp");
    free(ep);

    /* off: as the frozen rules (the awakening a cramp of the calf) */
    cfg.both_legs_rule = 0;
    const size_t n0 = handmade_classify(act, n_act, 4, &cfg, &ep, "off");
    handmade_expect(ep, n0, HM_L_GAS, 100, CRAMP_EVENT_CRAMP, "off: the awakening a cramp");
    handmade_expect(ep, n0, HM_L_GAS, 300, CRAMP_EVENT_CRAMP, "off: the cramp with an LM");
    free(ep);

    /* legs unknown (two channels of no known leg): the row does nothing */
    cfg.both_legs_rule = 1;
    cramp_detect_channel ch[2];
    memset(ch, 0, sizeof ch);
    ch[0].leg = ch[1].leg = -1;
    ch[0].muscle = ch[1].muscle = -1;
    ch[0].phys_min = ch[1].phys_min = ch[0].phys_max = ch[1].phys_max = (double)NAN;
    cramp_activity two[] = {handmade_seg(0, 100.0, 108.0, 100), handmade_seg(1, 100.2, 108.0, 40)};
    size_t nu = 0;
    cramp_error err = {0};
    CHECK(cramp_detect_classify(two, 2, ch, 2, &cfg, &ep, &nu, &err) == CRAMP_OK, "%s",
          err.message);
    handmade_expect(ep, nu, 0, 100, CRAMP_EVENT_CRAMP, "legs unknown: a cramp as before");
    free(ep);
    return cramp_test_finish("detect_both_legs");
}
