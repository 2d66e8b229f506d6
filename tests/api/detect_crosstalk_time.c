/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crosstalk measured over its source's time (issue 12, h12ab; opt-in,
 * cramp_detect_config.crosstalk_time_rule; docs/detect.md, "Crosstalk over
 * its source's time"): with the rule on, a slow, weak calf cramp whose
 * crosstalk crosses the same leg's tibialis anterior onset threshold only
 * near the cramp's peak is one muscle, so a cramp, and the stretch of the TA
 * right after it is then a movement (after-cramp). Before, the TA's power
 * was averaged over its own brief segment (0.59 of the calf's amplitude over
 * its whole 30 s) and the cramp became a two-muscle movement, its stretch a
 * cramp of the TA. Controls: a two-muscle movement of one leg (both active
 * throughout) stays a movement; a bilateral LM whose other-leg part is
 * shorter keeps both legs (the other leg is measured over its own time, as
 * before). With the rule off, the labels as before (the cramp a movement,
 * its stretch a cramp); the rule off by default (its place in the rules
 * id: detect_rules.c). Hand-made segments through
 * cramp_detect_classify; the rule-on checks fail on the rules before. */
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
    CHECK(cfg.crosstalk_time_rule == 0, "off by default (%d)", cfg.crosstalk_time_rule);
    cfg.crosstalk_time_rule = 1; /* its place in the rules id: detect_rules.c */
    cramp_activity act[] = {
        /* 100 s: a 30-s calf cramp at 20 uV; the TA's crosstalk crosses its
           threshold for 10 s at 12 uV; the TA's stretch 3 s after the cramp */
        handmade_seg(HM_L_GAS, 100.0, 130.0, 20),
        handmade_seg(HM_L_TA, 115.0, 125.0, 12),
        handmade_seg(HM_L_TA, 133.0, 143.0, 80),
        /* 300 s: calf and TA of the right leg both working for 10 s */
        handmade_seg(HM_R_GAS, 300.0, 310.0, 40),
        handmade_seg(HM_R_TA, 300.0, 310.0, 30),
        /* 500 s: an LM of the left TA for 4 s, the right TA's for 2 s */
        handmade_seg(HM_L_TA, 500.0, 504.0, 20),
        handmade_seg(HM_R_TA, 500.2, 502.2, 20),
    };
    cramp_episode *ep = NULL;
    const size_t n = handmade_classify(act, sizeof act / sizeof act[0], 4, &cfg, &ep, "classify");

    handmade_expect(ep, n, HM_L_GAS, 100, CRAMP_EVENT_CRAMP,
                    "a slow calf cramp with brief crosstalk on the TA is one muscle");
    handmade_expect(ep, n, HM_L_TA, 133, CRAMP_EVENT_MOVEMENT,
                    "the TA right after it is its stretch (after-cramp)");
    const cramp_episode *c = handmade_at(ep, n, HM_L_GAS, 100);
    CHECK(c && c->n_channels == 1, "the cramp's channels: %zu, expected 1",
          c ? c->n_channels : (size_t)0);
    handmade_expect(ep, n, HM_R_GAS, 300, CRAMP_EVENT_MOVEMENT,
                    "calf and TA both active throughout: a movement of the leg");
    const cramp_episode *b = handmade_at(ep, n, HM_L_TA, 500);
    CHECK(b && b->n_channels == 2, "the bilateral LM's channels: %zu, expected 2",
          b ? b->n_channels : (size_t)0);
    free(ep);

    /* off: as the frozen rules */
    cfg.crosstalk_time_rule = 0;
    const size_t n0 = handmade_classify(act, sizeof act / sizeof act[0], 4, &cfg, &ep, "off");
    handmade_expect(ep, n0, HM_L_GAS, 100, CRAMP_EVENT_MOVEMENT,
                    "off: the cramp with its crosstalk a movement of two muscles");
    handmade_expect(ep, n0, HM_L_TA, 133, CRAMP_EVENT_CRAMP, "off: its stretch a cramp");
    free(ep);
    return cramp_test_finish("detect_crosstalk_time");
}
