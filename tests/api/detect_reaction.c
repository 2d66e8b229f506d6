/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in reaction_rule (issue 12, h12ae; cramp/detect.h, classify_reaction.c):
 * on one channel a sustained contraction starting within stretch_window_s of
 * a cramp candidate's end is the reaction to it (stretching, standing: the
 * stretch-same-channel row), except where the earlier episode is the later
 * one's precursor (the later's power above rest >= precursor_ratio^-2 times
 * the earlier's) or a movement (its amplitude modulated at 0.5-3 Hz).
 * Hand-made segments on a one-channel montage (L-GAS) through
 * cramp_detect_classify. With --voluntary-rule's match (the rule before) the
 * cramp after its precursor and the cramp after a modulated movement are
 * movements, so the first two checks on the rule fail there; the stretch
 * after a cramp stays the reaction both ways; off, all three are cramps. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static cramp_activity night[6];

static size_t make_night(void)
{
    /* 100 s: a weak lead-in (10 uV over 2 uV rest) for 10 s, a pause, then
       a 60-uV cramp 2 s after it: the lead-in is its precursor */
    night[0] = handmade_seg(HM_L_GAS, 100.0, 110.0, 10);
    night[1] = handmade_seg(HM_L_GAS, 112.0, 140.0, 60);
    /* 300 s: a 60-uV cramp for 30 s, then a 70-uV contraction 3 s after it
       (a stretch at the calf's electrode) */
    night[2] = handmade_seg(HM_L_GAS, 300.0, 330.0, 60);
    night[3] = handmade_seg(HM_L_GAS, 333.0, 345.0, 70);
    /* 500 s: 10 s whose amplitude is modulated at a movement's rhythm
       (env_mod_ratio 1.5 > 1: turning over), then a cramp 3 s after it */
    night[4] = handmade_seg(HM_L_GAS, 500.0, 510.0, 60);
    night[4].env_mod_ratio = 1.5;
    night[5] = handmade_seg(HM_L_GAS, 513.0, 540.0, 60);
    return 6;
}

static void run(int voluntary, int reaction, cramp_event_type after_precursor,
                cramp_event_type after_cramp, cramp_event_type after_movement, const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.voluntary_rule = voluntary;
    cfg.reaction_rule = reaction;
    cramp_episode *ep = NULL;
    const size_t n = handmade_classify(night, make_night(), 1, &cfg, &ep, what);
    char msg[160];
    snprintf(msg, sizeof msg, "%s: the cramp 2 s after its weak precursor", what);
    handmade_expect(ep, n, HM_L_GAS, 112, after_precursor, msg);
    snprintf(msg, sizeof msg, "%s: the contraction 3 s after a cramp", what);
    handmade_expect(ep, n, HM_L_GAS, 333, after_cramp, msg);
    snprintf(msg, sizeof msg, "%s: the cramp 3 s after a modulated movement", what);
    handmade_expect(ep, n, HM_L_GAS, 513, after_movement, msg);
    snprintf(msg, sizeof msg, "%s: the cramp before the stretch", what);
    handmade_expect(ep, n, HM_L_GAS, 300, CRAMP_EVENT_CRAMP, msg);
    snprintf(msg, sizeof msg, "%s: the modulated movement", what);
    handmade_expect(ep, n, HM_L_GAS, 500, CRAMP_EVENT_MOVEMENT, msg);
    free(ep);
}

int main(void)
{
    /* the rule: the precursor's cramp and the movement's cramp stay cramps,
       the stretch after a cramp is its reaction */
    run(0, 1, CRAMP_EVENT_CRAMP, CRAMP_EVENT_MOVEMENT, CRAMP_EVENT_CRAMP, "reaction_rule");
    run(1, 1, CRAMP_EVENT_CRAMP, CRAMP_EVENT_MOVEMENT, CRAMP_EVENT_CRAMP,
        "reaction_rule with voluntary_rule");
    /* the match before (voluntary_rule alone) takes all three for reactions */
    run(1, 0, CRAMP_EVENT_MOVEMENT, CRAMP_EVENT_MOVEMENT, CRAMP_EVENT_MOVEMENT, "voluntary_rule");
    /* off: all cramps */
    run(0, 0, CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP, "both off");

    /* on by default since the eighth freeze; the key names itself in the
       rules id, and only when on: off gives the seventh freeze's id */
    cramp_detect_config c;
    cramp_detect_config_default(&c);
    CHECK(c.reaction_rule == 1, "reaction_rule defaults to %d, not 1", c.reaction_rule);
    char a[CRAMP_DETECT_RULES_ID_SIZE], b[CRAMP_DETECT_RULES_ID_SIZE],
        v[CRAMP_DETECT_RULES_ID_SIZE];
    c.reaction_rule = 0;
    c.plm_rhythm_rule = 0;    /* the ninth freeze's two keys off */
    c.stretch_split_rule = 0;
    cramp_detect_rules_id(&c, a);
    CHECK(strcmp(a, "342106439c1668f0") == 0, "id %s with the key off (the seventh freeze's)", a);
    c.reaction_rule = 1;
    cramp_detect_rules_id(&c, b);
    CHECK(strcmp(a, b) != 0, "reaction_rule 1: the id %s as off", b);
    c.reaction_rule = 0;
    c.voluntary_rule = 1;
    cramp_detect_rules_id(&c, v);
    CHECK(strcmp(b, v) != 0, "reaction_rule and voluntary_rule share the id %s", v);
    return cramp_test_finish("detect_reaction");
}
