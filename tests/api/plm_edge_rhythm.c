/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PLM series' first and last LM join only in its rhythm (issue 12, h12an;
 * cramp_detect_config.plm_edge_rhythm, opt-in; classify_plm_edges.c).
 * Hand-made segments on one calf channel (L-GAS alone), LMs of 2 s every
 * 20 s:
 *  - a 2-s burst 85 s after the last LM (a 10-90-s interval, so off it is a
 *    member; on, off the 20-s rhythm: no plm), and 85 s before the first;
 *  - the same burst 25 s after (in step: a member either way);
 *  - a series of 4 with its last LM 80 s on: kept (a series is never cut
 *    under 4);
 *  - a last LM 12 s after a 50-s interval: value 1 takes it out, value 2
 *    (only an edge interval longer than x2.5 the inner one) keeps it;
 *  - a series whose interval before the last LM bridges a missed LM (100 s,
 *    counted 50 s) and whose last interval is 30 s: in step, kept;
 *  - off by default; 1 and 2 name themselves in the rules id.
 * The checks with the key on fail on the code before (no such field). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* Classifies 2-s LMs at t[0..n) on L-GAS alone with plm_edge_rhythm = key
   and checks that the episode at each t[i] is a plm exactly when plm[i]. */
static void expect(const double *t, size_t n, int key, const int *plm, const char *what)
{
    cramp_activity a[16];
    for (size_t i = 0; i < n; i++) a[i] = handmade_seg(HM_L_GAS, t[i], t[i] + 2, 40);
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.plm_edge_rhythm = key;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(a, n, 1, &cfg, &ep, what);
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *e = handmade_at(ep, ne, HM_L_GAS, t[i]);
        CHECK(e != NULL, "%s: no episode at %g s", what, t[i]);
        if (!e) continue;
        CHECK((e->type == CRAMP_EVENT_PLM) == plm[i], "%s: episode at %g s type %d (%s), %s",
              what, t[i], (int)e->type, e->reason ? e->reason : "", plm[i] ? "a plm" : "no plm");
    }
    free(ep);
}

int main(void)
{
    char id[3][CRAMP_DETECT_RULES_ID_SIZE];
    for (int v = 0; v < 3; v++) {
        cramp_detect_config cfg;
        cramp_detect_config_default(&cfg);
        if (v == 0) CHECK(cfg.plm_edge_rhythm == 0, "off by default (%d)", cfg.plm_edge_rhythm);
        cfg.fs = 2000;
        cfg.plm_edge_rhythm = v;
        cramp_detect_rules_id(&cfg, id[v]);
        for (int w = 0; w < v; w++)
            CHECK(strcmp(id[v], id[w]) != 0, "values %d and %d share the id %s", w, v, id[v]);
    }
    {   /* a burst 85 s after the last of five LMs 20 s apart */
        const double t[] = {100, 120, 140, 160, 180, 265};
        const int off[] = {1, 1, 1, 1, 1, 1}, on[] = {1, 1, 1, 1, 1, 0};
        expect(t, 6, 0, off, "off, 85 s after: a sixth member");
        expect(t, 6, 1, on, "on, 85 s after: off the rhythm, no plm");
        expect(t, 6, 2, on, "value 2, 85 s after (the longer): no plm");
    }
    {   /* the same burst 85 s before the first */
        const double t[] = {15, 100, 120, 140, 160, 180};
        const int off[] = {1, 1, 1, 1, 1, 1}, on[] = {0, 1, 1, 1, 1, 1};
        expect(t, 6, 0, off, "off, 85 s before: a member");
        expect(t, 6, 1, on, "on, 85 s before: off the rhythm, no plm");
    }
    {   /* in step: 25 s after */
        const double t[] = {100, 120, 140, 160, 180, 205};
        const int all[] = {1, 1, 1, 1, 1, 1};
        expect(t, 6, 1, all, "on, 25 s after: a member");
    }
    {   /* a series of 4 whose last LM is 80 s on */
        const double t[] = {100, 120, 140, 220};
        const int all[] = {1, 1, 1, 1};
        expect(t, 4, 1, all, "value 1, 4 LMs: never cut under 4");
        expect(t, 4, 2, all, "value 2, 4 LMs: never cut under 4");
    }
    {   /* the last LM 12 s after one 50 s after the one before (a missed LM
           inside): value 1 takes it out, value 2 keeps it */
        const double t[] = {100, 150, 200, 250, 262};
        const int all[] = {1, 1, 1, 1, 1}, on[] = {1, 1, 1, 1, 0};
        expect(t, 5, 1, on, "value 1, a short last interval: out");
        expect(t, 5, 2, all, "value 2, a short last interval: a member");
    }
    {   /* the interval before the last over a bridged missed LM: 100 s,
           counted as 50; the last 30 s: in step with 50 (not with 100) */
        const double t[] = {100, 150, 200, 300, 330};
        const int all[] = {1, 1, 1, 1, 1};
        expect(t, 5, 1, all, "on, the last after a bridged interval: a member");
    }
    return cramp_test_finish("plm_edge_rhythm");
}
