/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in movement-signs row (issue 12, h12ak; cramp/detect.h,
 * classify_movement_signs.c): a would-be cramp of 3-45 s whose movement rhythm and
 * motion artefact together reach one limit's worth (env_mod_ratio /
 * env_mod_max + lf_ratio / lf_ratio >= 1), each under its own row's limit,
 * is a movement (turning over). Hand-made segments on a one-channel montage
 * (L-GAS) through cramp_detect_classify. On the old code (no row) the
 * turn is a cramp, so the first check with the key on fails there; the
 * controls (one sign alone under its limit, the two signs in a contraction
 * longer than movement_max_s) stay cramps both ways. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static cramp_activity night[4];

/* A 60-uV contraction with the given rhythm (env_mod_ratio) and share of
   its excess energy below 20 Hz (lf_ratio = lf / (lf + band)). */
static cramp_activity seg(double on, double off, double env_mod, double lf_share)
{
    cramp_activity s = handmade_seg(HM_L_GAS, on, off, 60);
    s.env_mod_ratio = env_mod;
    s.lf_excess_uv2 = s.bp_excess_uv2 * lf_share / (1 - lf_share);
    return s;
}

static size_t make_night(void)
{
    /* 100 s: 15 s with both signs under their limits (0.8 of env_mod_max,
       0.3 under lf_ratio 0.5): together 0.8 + 0.6 = 1.4, a turn */
    night[0] = seg(100, 115, 0.8, 0.3);
    /* 300 s: the rhythm alone (0.8 + 0.04): a cramp */
    night[1] = seg(300, 315, 0.8, 0.02);
    /* 500 s: the artefact alone (0.3 + 0.6): a cramp */
    night[2] = seg(500, 515, 0.3, 0.3);
    /* 700 s: both signs over 60 s, longer than a large muscle movement
       (45 s, IRLSSG): a cramp */
    night[3] = seg(700, 760, 0.8, 0.3);
    return 4;
}

static void run(int on, cramp_event_type turn, const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.movement_signs_rule = on;
    cramp_episode *ep = NULL;
    const size_t n = handmade_classify(night, make_night(), 1, &cfg, &ep, what);
    const cramp_episode *e = handmade_at(ep, n, HM_L_GAS, 100);
    CHECK(e && fabs(e->lf_ratio - 0.3) < 1e-6 && fabs(e->env_mod_ratio - 0.8) < 1e-6,
          "%s: the episode's lf_ratio %g, env_mod_ratio %g (0.3, 0.8 planted)", what,
          e ? e->lf_ratio : -1, e ? e->env_mod_ratio : -1);
    const struct {
        double t;
        cramp_event_type want;
        const char *name;
    } want[] = {{100, turn, "the contraction with both signs"},
                {300, CRAMP_EVENT_CRAMP, "the rhythm alone"},
                {500, CRAMP_EVENT_CRAMP, "the artefact alone"},
                {700, CRAMP_EVENT_CRAMP, "both signs over 60 s"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: %s", what, want[i].name);
        handmade_expect(ep, n, HM_L_GAS, want[i].t, want[i].want, msg);
    }
    free(ep);
}

int main(void)
{
    run(1, CRAMP_EVENT_MOVEMENT, "movement_signs_rule");
    run(0, CRAMP_EVENT_CRAMP, "off");

    /* off by default (its place in the rules id: detect_rules.c) */
    cramp_detect_config c;
    cramp_detect_config_default(&c);
    CHECK(c.movement_signs_rule == 0, "movement_signs_rule defaults to %d, not 0",
          c.movement_signs_rule);
    return cramp_test_finish("detect_movement_signs");
}
