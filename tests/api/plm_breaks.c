/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What ends a PLM series, through the public classifier (issue 12, the PLM
 * worst case). Montage L-GAS, L-TA, R-GAS, R-TA; a series of 5 LMs on L-TA,
 * 30 s apart, with one more episode between its second and third LM:
 *  - a 20-s activity on R-TA (an LM longer than 10 s, not a candidate LM)
 *    ends the series (WASM 2016) with plm_rhythm_rule off: neither half has
 *    4 LMs; on (the default since the ninth freeze, h12aj) the series runs
 *    on across it, the next LM being in step;
 *  - a 17-s train of 0.6-s bursts on R-TA (hypnagogic foot tremor: no LM,
 *    scored as its own event, AASM) does not: one series of 5;
 *  - a 20-s activity on R-GAS alone, where R-TA is in the montage (no LM:
 *    LMs are scored on the TA), does not;
 *  - LMs on both legs with onsets 4.5 s apart, 14.5 s together, are one
 *    bilateral candidate LM (WASM 2016: up to 15 s) and a member; a 12-s
 *    LM on one leg is not a candidate LM and ends the series with the
 *    rhythm rule off; on, it is passed over and the other four are one
 *    series. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

enum { L_GAS = HM_L_GAS, L_TA = HM_L_TA, R_GAS = HM_R_GAS, R_TA = HM_R_TA };

static cramp_activity seg(size_t channel, double on, double dur)
{
    return handmade_seg(channel, on, on + dur, 40);
}

static int by_onset(const void *a, const void *b)
{
    const cramp_activity *x = a, *y = b;
    return (x->onset_s > y->onset_s) - (x->onset_s < y->onset_s);
}

/* The 5 L-TA LMs (100, 130, ..., 220 s, 2 s each) plus n extra segments;
   checks how many of the 5 are PLMs and in how many series. */
static void expect_rule(const cramp_activity *extra, size_t n, int want_plm, int want_series,
                        int rhythm, const char *what)
{
    cramp_activity a[64];
    size_t na = 0;
    for (int i = 0; i < 5; i++) a[na++] = seg(L_TA, 100 + 30 * i, 2);
    for (size_t i = 0; i < n && na < 64; i++) a[na++] = extra[i];
    qsort(a, na, sizeof a[0], by_onset);
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.plm_rhythm_rule = rhythm;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(a, na, 4, &cfg, &ep, what);
    int plm = 0, series = 0;
    for (int i = 0; i < 5; i++)
        for (size_t k = 0; k < ne; k++)
            if (ep[k].onset_s == 100 + 30 * i && ep[k].type == CRAMP_EVENT_PLM) {
                plm++;
                if (ep[k].series > series) series = ep[k].series;
            }
    CHECK(plm == want_plm && series == want_series, "%s: %d of the 5 LMs PLMs in %d series, "
          "expected %d in %d", what, plm, series, want_plm, want_series);
    free(ep);
}

/* The same with the defaults' plm_rhythm_rule (1 since the ninth freeze). */
static void expect(const cramp_activity *extra, size_t n, int want_plm, int want_series,
                   const char *what)
{
    expect_rule(extra, n, want_plm, want_series, 1, what);
}

int main(void)
{
    expect(NULL, 0, 5, 1, "the series alone");
    {
        const cramp_activity x[] = {seg(R_TA, 136, 20)};
        expect_rule(x, 1, 0, 0, 0, "rhythm rule off: 20 s on R-TA (an LM that is not a candidate LM)");
        expect(x, 1, 5, 1, "20 s on R-TA, the series running on across it in step");
    }
    {
        cramp_activity x[12];
        for (int i = 0; i < 12; i++) x[i] = seg(R_TA, 136 + 1.5 * i, 0.6);
        expect(x, 12, 5, 1, "a foot-tremor train on R-TA");
    }
    {
        const cramp_activity x[] = {seg(R_GAS, 136, 20)};
        expect(x, 1, 5, 1, "20 s on R-GAS alone");
    }
    {   /* the third LM bilateral: L-TA 160-168.5 s (the extra segment merges
           with the LM at 160 s), R-TA 164.5-174.5 s (onsets 4.5 s apart, too
           little overlap to be one episode): 14.5 s together */
        const cramp_activity x[] = {seg(L_TA, 160.5, 8), seg(R_TA, 164.5, 10)};
        expect(x, 2, 5, 1, "a 14.5-s bilateral LM");
        const cramp_activity y[] = {seg(L_TA, 160.5, 11.5)};
        expect_rule(y, 1, 0, 0, 0, "rhythm rule off: a 12-s LM on one leg");
        expect(y, 1, 4, 1, "a 12-s LM on one leg, passed over (no member)");
    }
    return cramp_test_finish("plm_breaks");
}
