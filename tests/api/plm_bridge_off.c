/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The missed-LM bridge turned off (issue 12, h12ad; cramp_detect_config.
 * plm_bridge, default 1): hand-made leg movements on L-TA 60 s apart with
 * one 120-s gap (half 60 s, in step on both sides: the bridge's case).
 *  - 3 + 3 LMs: with the bridge one series of 6; without it two runs of 3,
 *    no series (the AASM scorer's count: a 120-s interval ends a series);
 *  - 4 + 4 LMs: with the bridge one series of 8; without it two series;
 *  - the default is 1 and its rules id the frozen one; 0 names itself in
 *    the id (a different id).
 * The bridge-off checks fail on the code before (no such field: the gap
 * was always bridged). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* Series number of the episode at each onset (0: not a PLM, -1: none). */
static void classify(const cramp_activity *act, size_t n, int bridge, int *series,
                     const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.plm_bridge = bridge;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(act, n, 2, &cfg, &ep, what);
    for (size_t i = 0; i < n; i++) {
        series[i] = -1;
        for (size_t k = 0; k < ne; k++)
            if (ep[k].onset_s == act[i].onset_s)
                series[i] = ep[k].type == CRAMP_EVENT_PLM ? ep[k].series : 0;
    }
    free(ep);
}

static void expect(const cramp_activity *act, size_t n, int bridge, const int *want,
                   const char *what)
{
    int got[16];
    classify(act, n, bridge, got, what);
    for (size_t i = 0; i < n; i++)
        CHECK(got[i] == want[i], "%s: episode at %g s in series %d, expected %d", what,
              act[i].onset_s, got[i], want[i]);
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    CHECK(cfg.plm_bridge == 1, "the bridge is on by default (%d)", cfg.plm_bridge);
    cfg.fs = 2000;
    char id_def[CRAMP_DETECT_RULES_ID_SIZE], id_on[CRAMP_DETECT_RULES_ID_SIZE],
        id_off[CRAMP_DETECT_RULES_ID_SIZE];
    cramp_detect_rules_id(&cfg, id_def);
    cfg.plm_bridge = 1;
    cramp_detect_rules_id(&cfg, id_on);
    cfg.plm_bridge = 0;
    cramp_detect_rules_id(&cfg, id_off);
    CHECK(strcmp(id_def, id_on) == 0, "bridge on: the default id (%s, %s)", id_def, id_on);
    CHECK(strcmp(id_def, id_off) != 0, "bridge off names itself in the id (%s both)", id_off);

    {   /* 3 + 3 LMs, 60 s apart, one 120-s gap */
        const double on[] = {100, 160, 220, 340, 400, 460};
        cramp_activity a[6];
        for (size_t i = 0; i < 6; i++) a[i] = handmade_seg(HM_L_TA, on[i], on[i] + 2, 40);
        const int with[] = {1, 1, 1, 1, 1, 1}, without[] = {0, 0, 0, 0, 0, 0};
        expect(a, 6, 1, with, "3 + 3, bridge on: one series of 6");
        expect(a, 6, 0, without, "3 + 3, bridge off: two runs of 3, no series");
    }
    {   /* 4 + 4 LMs, 60 s apart, one 120-s gap */
        const double on[] = {100, 160, 220, 280, 400, 460, 520, 580};
        cramp_activity a[8];
        for (size_t i = 0; i < 8; i++) a[i] = handmade_seg(HM_L_TA, on[i], on[i] + 2, 40);
        const int with[] = {1, 1, 1, 1, 1, 1, 1, 1}, without[] = {1, 1, 1, 1, 2, 2, 2, 2};
        expect(a, 8, 1, with, "4 + 4, bridge on: one series of 8");
        expect(a, 8, 0, without, "4 + 4, bridge off: two series of 4");
    }
    return cramp_test_finish("plm_bridge_off");
}
