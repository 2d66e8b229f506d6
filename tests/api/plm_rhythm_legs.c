/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PLM rhythm rule's bound for an LM of both legs (issue 12, h12as;
 * cramp_detect_config.plm_rhythm_legs, opt-in, default off).
 * Hand-made segments on the four-channel montage, 2-s LMs of the left TA at
 * 100, 125, 225 and 250 s (no rhythm kept across the middle: 25, then 75 or
 * 100, then 25 s) and one LM at 200 s:
 *  - of both legs, L-TA 200-204 s and R-TA 202-207 s (one LM by the AASM's
 *    5-s rule, active ~7 s: over the rhythm rule's 5.5 s, under 8.25 s):
 *    off, the rhythm rule keeps it out of the series (25 / 75 / 25 s is no
 *    rhythm) and the other four are a series across the missed-LM bridge;
 *    on, it is a member, a plm;
 *  - of both legs but active ~9.5 s (R-TA to 209.5 s): not a plm either way;
 *  - of one leg, L-TA 200-207 s: not a plm either way (one leg's bound);
 *  - off by default; on names itself in the rules id.
 * The checks with the rule on fail on the code before (no such field). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* The four L-TA LMs and the LM at 200 s (L-TA to l_off, R-TA 202 s to
   r_off when r_off > 0), classified with plm_rhythm_legs = rule: whether the
   episode at 200 s is a plm; the four others must be plms. */
static int lm200_plm(int rule, double l_off, double r_off, const char *what)
{
    cramp_activity a[6];
    size_t n = 0;
    a[n++] = handmade_seg(HM_L_TA, 100, 102, 40);
    a[n++] = handmade_seg(HM_L_TA, 125, 127, 40);
    a[n++] = handmade_seg(HM_L_TA, 200, l_off, 40);
    if (r_off > 0) a[n++] = handmade_seg(HM_R_TA, 202, r_off, 40);
    a[n++] = handmade_seg(HM_L_TA, 225, 227, 40);
    a[n++] = handmade_seg(HM_L_TA, 250, 252, 40);
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.plm_rhythm_legs = rule;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(a, n, 4, &cfg, &ep, what);
    const double lm[] = {100, 125, 225, 250};
    for (size_t i = 0; i < 4; i++) {
        const cramp_episode *e = handmade_at(ep, ne, HM_L_TA, lm[i]);
        CHECK(e && e->type == CRAMP_EVENT_PLM, "%s: the LM at %g s is no plm", what, lm[i]);
    }
    const cramp_episode *e = handmade_starting(ep, ne, 200);
    CHECK(e != NULL, "%s: no episode at 200 s", what);
    const int plm = e && e->type == CRAMP_EVENT_PLM;
    free(ep);
    return plm;
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    CHECK(cfg.plm_rhythm_legs == 0, "off by default (%d)", cfg.plm_rhythm_legs);
    CHECK(cfg.plm_rhythm_rule == 1, "the rhythm rule on by default (%d)", cfg.plm_rhythm_rule);
    cfg.fs = 2000;
    char off_id[CRAMP_DETECT_RULES_ID_SIZE], on_id[CRAMP_DETECT_RULES_ID_SIZE];
    cramp_detect_rules_id(&cfg, off_id);
    cfg.plm_rhythm_legs = 1;
    cramp_detect_rules_id(&cfg, on_id);
    CHECK(strcmp(off_id, on_id) != 0, "on and off share the id %s", on_id);

    CHECK(!lm200_plm(0, 204, 207, "off, both legs"), "off: the 7-s LM of both legs off the rhythm joined");
    CHECK(lm200_plm(1, 204, 207, "on, both legs"), "on: the 7-s LM of both legs is no member");
    CHECK(!lm200_plm(1, 204, 209.5, "on, both legs, 9.5 s"), "on: the 9.5-s LM of both legs joined");
    CHECK(!lm200_plm(1, 207, 0, "on, one leg"), "on: the 7-s LM of one leg joined");
    CHECK(!lm200_plm(0, 207, 0, "off, one leg"), "off: the 7-s LM of one leg joined");
    return cramp_test_finish("plm_rhythm_legs");
}
