/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in cramp_rhythm_rule (issue 12, h12y; cramp/detect.h): a would-be
 * cramp of the tibialis anterior (>= cramp_min_s, one muscle, tonic) joins a
 * PLM series only in the series' rhythm, and the after-cramp row sees the
 * activity before a stretch whatever label an earlier row gave it. Hand-made
 * segments through cramp_detect_classify on L-GAS, L-TA, R-GAS, R-TA:
 *   100 s: three short TA LMs 20 s apart, a TA cramp of 8 s 60 s after the
 *          last (off the rhythm: alone it makes them a series of 4), the
 *          calf's stretch 3 s after it;
 *   300 s: TA LMs 20 s apart with an 8-s tonic TA LM in step among them and
 *          the calf's stretch after it (the LM stays PLM; the stretch is a
 *          movement only with the rule);
 *   600 s: an 8-s tonic TA LM first in a series 20 s apart (kept);
 *   800 s: TA LMs 60 s apart, a TA cramp 120 s after the third and in step
 *          with the two LMs after it: it fits only over a missed LM (the
 *          bridge), which does not carry a would-be cramp.
 * With the rule off the labels and the rules id are the defaults' (the TA
 * cramp a PLM, both stretches cramps): the first checks with the rule on
 * fail on the rules before. Each half alone (h12z: 2 the plm-series half,
 * 3 the after-cramp half) does its own part and not the other's. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static size_t run(int rule, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.cramp_rhythm_rule = rule;
    cfg.plm_rhythm_rule = 0; /* h12y's rows against the eighth freeze's series */
    cramp_activity act[] = {
        handmade_seg(HM_L_TA, 100.0, 101.5, 40),
        handmade_seg(HM_L_TA, 120.0, 121.5, 40),
        handmade_seg(HM_L_TA, 140.0, 141.5, 40),
        handmade_seg(HM_L_TA, 200.0, 208.0, 80),  /* the TA cramp */
        handmade_seg(HM_L_GAS, 211.0, 219.0, 80), /* its stretch */
        handmade_seg(HM_L_TA, 300.0, 301.5, 40),
        handmade_seg(HM_L_TA, 320.0, 321.5, 40),
        handmade_seg(HM_L_TA, 340.0, 341.5, 40),
        handmade_seg(HM_L_TA, 360.0, 368.0, 80),  /* a tonic LM in step */
        handmade_seg(HM_L_GAS, 371.0, 379.0, 80), /* a stretch after it */
        handmade_seg(HM_L_TA, 385.0, 386.5, 40),
        handmade_seg(HM_L_TA, 600.0, 608.0, 80), /* a tonic LM first in step */
        handmade_seg(HM_L_TA, 620.0, 621.5, 40),
        handmade_seg(HM_L_TA, 640.0, 641.5, 40),
        handmade_seg(HM_L_TA, 660.0, 661.5, 40),
        handmade_seg(HM_L_TA, 800.0, 801.5, 40),
        handmade_seg(HM_L_TA, 860.0, 861.5, 40),
        handmade_seg(HM_L_TA, 920.0, 921.5, 40),
        handmade_seg(HM_L_TA, 1040.0, 1048.0, 80), /* over a missed LM */
        handmade_seg(HM_L_TA, 1100.0, 1101.5, 40),
        handmade_seg(HM_L_TA, 1160.0, 1161.5, 40),
    };
    return handmade_classify(act, sizeof act / sizeof act[0], 4, &cfg, ep,
                             rule == 0   ? "classify, rule off"
                             : rule == 1 ? "classify, rule on"
                             : rule == 2 ? "classify, plm-series half"
                                         : "classify, after-cramp half");
}

int main(void)
{
    cramp_episode *ep = NULL;
    size_t n = run(1, &ep);
    handmade_expect(ep, n, HM_L_TA, 200, CRAMP_EVENT_CRAMP,
                    "on: the TA cramp off the series' rhythm");
    handmade_expect(ep, n, HM_L_TA, 100, CRAMP_EVENT_BURST, "on: three LMs are no series");
    handmade_expect(ep, n, HM_L_GAS, 211, CRAMP_EVENT_MOVEMENT,
                    "on: the calf's stretch after the TA cramp");
    handmade_expect(ep, n, HM_L_TA, 360, CRAMP_EVENT_PLM, "on: the tonic LM in step stays PLM");
    handmade_expect(ep, n, HM_L_TA, 385, CRAMP_EVENT_PLM, "on: the LM after it");
    handmade_expect(ep, n, HM_L_GAS, 371, CRAMP_EVENT_MOVEMENT,
           "on: the stretch after a PLM-labelled tonic TA (after-cramp sees labelled ones)");
    handmade_expect(ep, n, HM_L_TA, 600, CRAMP_EVENT_PLM,
                    "on: the tonic LM first in step stays PLM");
    handmade_expect(ep, n, HM_L_TA, 1040, CRAMP_EVENT_CRAMP, "on: the TA cramp over a missed LM");
    handmade_expect(ep, n, HM_L_TA, 1100, CRAMP_EVENT_PLM, "on: the series goes on past it");
    free(ep);

    /* off: the defaults' labels, as before the rule */
    n = run(0, &ep);
    handmade_expect(ep, n, HM_L_TA, 200, CRAMP_EVENT_PLM, "off: the TA cramp joins the series");
    handmade_expect(ep, n, HM_L_GAS, 211, CRAMP_EVENT_CRAMP,
                    "off: the stretch after it is a cramp");
    handmade_expect(ep, n, HM_L_TA, 360, CRAMP_EVENT_PLM, "off: the tonic LM in step");
    handmade_expect(ep, n, HM_L_GAS, 371, CRAMP_EVENT_CRAMP, "off: the stretch after the PLM");
    handmade_expect(ep, n, HM_L_TA, 600, CRAMP_EVENT_PLM, "off: the tonic LM first");
    handmade_expect(ep, n, HM_L_TA, 1040, CRAMP_EVENT_PLM, "off: the TA cramp over a missed LM");
    free(ep);

    /* the plm-series half alone: the TA cramps stay out of the series, but a
       stretch after a PLM-labelled tonic TA is still a cramp */
    n = run(2, &ep);
    handmade_expect(ep, n, HM_L_TA, 200, CRAMP_EVENT_CRAMP, "series: the TA cramp off the rhythm");
    handmade_expect(ep, n, HM_L_GAS, 211, CRAMP_EVENT_MOVEMENT,
                    "series: the stretch after the TA cramp (unlabelled before it)");
    handmade_expect(ep, n, HM_L_TA, 360, CRAMP_EVENT_PLM, "series: the tonic LM in step");
    handmade_expect(ep, n, HM_L_GAS, 371, CRAMP_EVENT_CRAMP,
                    "series: the stretch after the PLM (after-cramp half off)");
    handmade_expect(ep, n, HM_L_TA, 1040, CRAMP_EVENT_CRAMP, "series: the TA cramp over a gap");
    free(ep);

    /* the after-cramp half alone: the TA cramp joins the series as before,
       but the stretch after it is the reaction to it */
    n = run(3, &ep);
    handmade_expect(ep, n, HM_L_TA, 200, CRAMP_EVENT_PLM, "after: the TA cramp joins the series");
    handmade_expect(ep, n, HM_L_GAS, 211, CRAMP_EVENT_MOVEMENT,
                    "after: the stretch after the PLM-labelled TA cramp");
    handmade_expect(ep, n, HM_L_TA, 360, CRAMP_EVENT_PLM, "after: the tonic LM in step");
    handmade_expect(ep, n, HM_L_GAS, 371, CRAMP_EVENT_MOVEMENT, "after: the stretch after the PLM");
    handmade_expect(ep, n, HM_L_TA, 1040, CRAMP_EVENT_PLM, "after: the TA cramp over a gap");
    free(ep);

    /* the defaults' id stays; the rule on names itself in the text */
    cramp_detect_config c;
    cramp_detect_config_default(&c);
    CHECK(c.cramp_rhythm_rule == 0, "the rule is off by default");
    char a[CRAMP_DETECT_RULES_ID_SIZE], b[CRAMP_DETECT_RULES_ID_SIZE];
    cramp_detect_rules_id(&c, a);
    cramp_detect_rules_id(NULL, b);
    CHECK(strcmp(a, b) == 0, "default id");
    c.cramp_rhythm_rule = 1;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "the rule on changes the id");
    char text[4096];
    cramp_detect_rules_text(&c, text, sizeof text);
    CHECK(strstr(text, "cramp_rhythm_rule=1;") != NULL, "the rule on names itself");
    /* each half its own id, neither the whole rule's nor the defaults' */
    char h2[CRAMP_DETECT_RULES_ID_SIZE], h3[CRAMP_DETECT_RULES_ID_SIZE];
    c.cramp_rhythm_rule = 2;
    cramp_detect_rules_id(&c, h2);
    c.cramp_rhythm_rule = 3;
    cramp_detect_rules_id(&c, h3);
    CHECK(strcmp(h2, a) != 0 && strcmp(h2, b) != 0, "the plm-series half its own id");
    CHECK(strcmp(h3, a) != 0 && strcmp(h3, b) != 0 && strcmp(h3, h2) != 0,
          "the after-cramp half its own id");
    cramp_detect_rules_text(&c, text, sizeof text);
    CHECK(strstr(text, "cramp_rhythm_rule=3;") != NULL, "the after-cramp half names itself");
    return cramp_test_finish("detect_cramp_rhythm");
}
