/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in bilateral_lm_only (issue 12, h12aq; cramp_detect_config.
 * bilateral_lm_only; bench/README.md, h12aq): a 110-s cramp of the right
 * calf with a PLM series of the left TA inside it, its first LM 3 s after the
 * cramp's onset. The AASM's bilateral rule (two legs' LMs < 5 s apart are one
 * LM) took that LM, and with it the left leg's later LMs, into the cramp's
 * episode, and the series was lost; with the rule on, the LMs are their own
 * episodes and a PLM series of four, and the cramp stays a cramp. Controls
 * with the rule on: a bilateral LM (the two legs' TAs 2 s apart, 3 s each)
 * is still one episode; a 20-s awakening of both legs whose other leg joins
 * 1 s in is still one movement (the joining segment longer than an LM).
 * With the rule off, no episode starts at the series' LMs (the frozen rules;
 * the rule-on checks fail on the old code); off by default (its place in the
 * rules id: detect_rules.c). Hand-made segments through cramp_detect_classify. */
#include <stdlib.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static const double lms[] = {1003.0, 1020.0, 1038.0, 1056.0};

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    CHECK(cfg.bilateral_lm_only == 0, "off by default (%d)", cfg.bilateral_lm_only);
    cramp_episode *ep = NULL;
    cramp_activity act[] = {
        /* 1000 s: a 110-s right calf cramp; four left TA LMs of 3 s in it */
        handmade_seg(HM_R_GAS, 1000.0, 1110.0, 100),
        handmade_seg(HM_L_TA, lms[0], lms[0] + 3, 60),
        handmade_seg(HM_L_TA, lms[1], lms[1] + 3, 60),
        handmade_seg(HM_L_TA, lms[2], lms[2] + 3, 60),
        handmade_seg(HM_L_TA, lms[3], lms[3] + 3, 60),
        /* 1400 s: a bilateral LM, the right TA 2 s after the left */
        handmade_seg(HM_L_TA, 1400.0, 1403.0, 60),
        handmade_seg(HM_R_TA, 1402.0, 1405.0, 60),
        /* 1700 s: a 20-s awakening, the right calf joining 1 s in */
        handmade_seg(HM_L_GAS, 1700.0, 1720.0, 80),
        handmade_seg(HM_R_GAS, 1701.0, 1720.0, 80),
    };
    const size_t n_act = sizeof act / sizeof *act;

    cfg.bilateral_lm_only = 1; /* its place in the rules id: detect_rules.c */
    size_t n = handmade_classify(act, n_act, 4, &cfg, &ep, "on");
    handmade_expect(ep, n, HM_R_GAS, 1000, CRAMP_EVENT_CRAMP, "on: the cramp stays a cramp");
    for (size_t k = 0; k < sizeof lms / sizeof lms[0]; k++)
        handmade_expect(ep, n, HM_L_TA, lms[k], CRAMP_EVENT_PLM,
                        "on: the other leg's LMs inside the cramp are a PLM series");
    const cramp_episode *b = handmade_starting(ep, n, 1400.0);
    CHECK(b && b->n_channels == 2 && !handmade_starting(ep, n, 1402.0),
          "on: the bilateral LM is one episode of two channels (%zu)", b ? b->n_channels : 0);
    CHECK(!handmade_starting(ep, n, 1701.0), "on: the awakening's second leg joins it");
    free(ep);

    cfg.bilateral_lm_only = 0; /* the frozen rules */
    n = handmade_classify(act, n_act, 4, &cfg, &ep, "off");
    handmade_expect(ep, n, HM_R_GAS, 1000, CRAMP_EVENT_CRAMP, "off: the cramp");
    CHECK(!handmade_at(ep, n, HM_L_TA, lms[1]), "off: the LMs are taken into the cramp");
    free(ep);
    return cramp_test_finish("detect_bilateral_lm");
}
