/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PLM series is periodic: what lies off its rhythm neither joins nor ends
 * it (issue 12, h12aj; cramp_detect_config.plm_rhythm_rule, default 1 since the
 * ninth freeze).
 * Hand-made segments on one calf channel (L-GAS alone, as on a one-channel
 * montage), LMs of 2 s every 30 s:
 *  - a 7-s episode 5 s after a member (an arousal movement): off, it ends the
 *    series (WASM: an interval under 10 s) and neither half has 4 LMs; on,
 *    the series runs on across it and all five LMs are plm, the 7-s episode
 *    not;
 *  - a 14-s episode between two members (an awakening, no candidate LM):
 *    off, it ends the series (WASM); on, the series runs across it;
 *  - a 7-s episode 80 s after the last member (a 10-90-s interval, but off
 *    the 30-s rhythm): off, a fifth member; on, not a plm; in the rhythm
 *    (30 s after the last member) it stays a member, and so does an episode
 *    active for 5.3 s (not over cramp_min_s + lm_min_s) off the rhythm;
 *  - off by default; 1, 2 and 3 each name themselves in the rules id.
 * The checks with the rule on fail on the code before (no such field). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* Classifies a[0..n) on L-GAS alone with plm_rhythm_rule = rule and checks
   that the episode starting at each on[i] is a plm exactly when plm[i]. */
static void expect(const cramp_activity *a, size_t n, int rule, const double *on,
                   const int *plm, size_t nw, const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.plm_rhythm_rule = rule;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(a, n, 1, &cfg, &ep, what);
    for (size_t i = 0; i < nw; i++) {
        const cramp_episode *e = handmade_at(ep, ne, HM_L_GAS, on[i]);
        CHECK(e != NULL, "%s: no episode at %g s", what, on[i]);
        if (!e) continue;
        CHECK((e->type == CRAMP_EVENT_PLM) == plm[i], "%s: episode at %g s type %d (%s), %s",
              what, on[i], (int)e->type, e->reason ? e->reason : "", plm[i] ? "a plm" : "no plm");
    }
    free(ep);
}

/* LMs of 2 s at lm[0..nl) and one episode from xon to xoff, by onset. */
static size_t night(cramp_activity *a, const double *lm, size_t nl, double xon, double xoff)
{
    size_t n = 0, i = 0;
    int put = 0;
    while (i < nl || !put) {
        if (!put && (i == nl || xon < lm[i])) {
            a[n++] = handmade_seg(HM_L_GAS, xon, xoff, 40);
            put = 1;
        } else {
            a[n++] = handmade_seg(HM_L_GAS, lm[i], lm[i] + 2, 40);
            i++;
        }
    }
    return n;
}

int main(void)
{
    /* on by default (the ninth freeze); each value (both parts, each alone) an id of its own */
    char id[4][CRAMP_DETECT_RULES_ID_SIZE];
    for (int v = 0; v < 4; v++) {
        cramp_detect_config cfg;
        cramp_detect_config_default(&cfg);
        if (v == 0) CHECK(cfg.plm_rhythm_rule == 1, "on by default (%d)", cfg.plm_rhythm_rule);
        cfg.fs = 2000;
        cfg.plm_rhythm_rule = v;
        cramp_detect_rules_id(&cfg, id[v]);
        for (int w = 0; w < v; w++)
            CHECK(strcmp(id[v], id[w]) != 0, "values %d and %d share the id %s", w, v, id[v]);
    }

    cramp_activity a[8];
    {   /* a 7-s episode 5 s after the third LM */
        const double lm[] = {100, 130, 160, 190, 220};
        const size_t n = night(a, lm, 5, 165, 172);
        const double on[] = {100, 130, 160, 165, 190, 220};
        const int off[] = {0, 0, 0, 0, 0, 0}, with[] = {1, 1, 1, 0, 1, 1};
        expect(a, n, 0, on, off, 6, "off, 7 s after 5 s: the series ends there");
        expect(a, n, 1, on, with, 6, "on, 7 s after 5 s: the series runs across it");
        expect(a, n, 3, on, off, 6, "the second part alone: no effect on a candidate LM");
    }
    {   /* a 14-s episode between the second and the third LM */
        const double lm[] = {100, 130, 160, 190};
        const size_t n = night(a, lm, 4, 140, 154);
        const double on[] = {100, 130, 160, 190};
        const int off[] = {0, 0, 0, 0}, with[] = {1, 1, 1, 1};
        expect(a, n, 0, on, off, 4, "off, 14 s: the series ends there (WASM)");
        expect(a, n, 1, on, with, 4, "on, 14 s: the series runs across it");
        expect(a, n, 2, on, off, 4, "the first part alone: the 14-s episode still ends it");
    }
    {   /* a 7-s episode 80 s after the last LM, then in the rhythm */
        const double lm[] = {100, 130, 160, 190};
        size_t n = night(a, lm, 4, 270, 277);
        const double on[] = {100, 130, 160, 190, 270};
        const int off[] = {1, 1, 1, 1, 1}, with[] = {1, 1, 1, 1, 0};
        expect(a, n, 0, on, off, 5, "off, 7 s 80 s after: a fifth member");
        expect(a, n, 1, on, with, 5, "on, 7 s 80 s after: off the rhythm, no plm");
        n = night(a, lm, 4, 220, 227);
        const double on2[] = {100, 130, 160, 190, 220};
        const int all[] = {1, 1, 1, 1, 1};
        expect(a, n, 1, on2, all, 5, "on, 7 s in the rhythm: a member");
        n = night(a, lm, 4, 270, 275.3);
        expect(a, n, 1, on, off, 5, "on, 5.3 s 80 s after (active <= 5.5 s): a member");
    }
    return cramp_test_finish("plm_rhythm");
}
