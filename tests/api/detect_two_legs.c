/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The two legs in one episode (issue 12; cramp/detect.h, "Episodes"):
 *  - crosstalk stays within a leg: a whole-body movement whose other leg is
 *    active at under involve_fraction of the strongest channel still
 *    involves that leg (a movement, not a cramp on the strongest channel);
 *  - within one leg the involvement fraction still holds: a weaker
 *    concurrent channel of the same leg is crosstalk (the cramp stays);
 *  - past an LM's length (lm_max_s) a channel of the other leg counts only
 *    if it is active for at least concurrent_fraction of the episode: a
 *    LM of the other leg at a cramp's start is no muscle of it (the cramp
 *    stays a cramp);
 *  - the other leg's activity counts by its active time (the tonic share):
 *    scattered potentials strung over a cramp's span are no muscle of it;
 *  - two LMs of the two legs with onsets within bilateral_s stay one
 *    episode (AASM's bilateral leg movement).
 * Hand-made segments through cramp_detect_classify; the first two checks
 * fail on the rules before issue 12's two-leg change (a cramp; a
 * movement of two muscles). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static cramp_activity seg(size_t channel, double on, double off, double rms)
{
    return handmade_seg(channel, on, off, rms);
}

/* The episode that starts within 0.5 s of t (NULL if none). */
static const cramp_episode *at(const cramp_episode *ep, size_t n, double t)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(ep[i].onset_s - t) < 0.5) return &ep[i];
    return NULL;
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cramp_detect_channel ch[4];
    handmade_montage(ch);
    cramp_activity act[] = {
        /* 100 s: turning over: R-GAS strongest, the left leg's muscles at
           0.35-0.4 of it for the same 30 s */
        seg(2, 100.0, 130.0, 100),
        seg(1, 100.3, 130.0, 35),
        seg(0, 100.5, 130.0, 40),
        /* 300 s: a cramp of R-GAS with a crosstalk-level R-TA (0.3) */
        seg(2, 300.0, 330.0, 100),
        seg(3, 300.2, 330.0, 30),
        /* 500 s: a cramp of R-GAS, 60 s; a 2-s LM of L-TA 2 s in, at 0.8 of it */
        seg(2, 500.0, 560.0, 100),
        seg(1, 502.0, 504.0, 80),
        /* 650 s: a cramp of R-GAS, 40 s; the other leg's scattered
           potentials strung into one segment over it, active 20 % of it */
        seg(2, 650.0, 690.0, 100),
        seg(0, 650.5, 690.0, 40),
        /* 800 s: a bilateral LM: L-TA 2 s, R-TA 1 s later, 2.5 s */
        seg(1, 800.0, 802.0, 80),
        seg(3, 801.0, 803.5, 80),
    };
    const size_t n_act = sizeof act / sizeof act[0];
    act[8].tonic_fraction = 0.2; /* the potentials at 650 s */
    cramp_episode *ep = NULL;
    size_t n = 0;
    cramp_error err = {0};
    CHECK(cramp_detect_classify(act, n_act, ch, 4, &cfg, &ep, &n, &err) == CRAMP_OK, "%s",
          err.message);

    const cramp_episode *e = at(ep, n, 100);
    CHECK(e && e->type == CRAMP_EVENT_MOVEMENT && e->n_channels == 3,
          "turning over: type %d on %zu channels, expected a movement on 3",
          e ? (int)e->type : -1, e ? e->n_channels : 0);

    e = at(ep, n, 300);
    CHECK(e && e->type == CRAMP_EVENT_CRAMP && e->n_channels == 1 && e->main_channel == 2,
          "cramp with crosstalk: type %d on %zu channels, expected a cramp on R-GAS alone",
          e ? (int)e->type : -1, e ? e->n_channels : 0);

    e = at(ep, n, 500);
    CHECK(e && e->type == CRAMP_EVENT_CRAMP && e->main_channel == 2 && e->n_channels == 1 &&
              fabs(e->duration_s - 60) < 0.01,
          "cramp with the other leg's LM: type %d, %g s, main %zu on %zu channels; expected a "
          "60-s cramp on R-GAS alone",
          e ? (int)e->type : -1, e ? e->duration_s : 0, e ? e->main_channel : 99,
          e ? e->n_channels : 0);

    e = at(ep, n, 650);
    CHECK(e && e->type == CRAMP_EVENT_CRAMP && e->n_channels == 1,
          "cramp with the other leg's potentials: type %d on %zu channels, expected a cramp "
          "alone", e ? (int)e->type : -1, e ? e->n_channels : 0);

    e = at(ep, n, 800);
    CHECK(e && e->n_channels == 2 && !at(ep, n, 801),
          "bilateral LM: %zu channels, separate episode at 801 s: %s", e ? e->n_channels : 0,
          at(ep, n, 801) ? "yes" : "no");
    free(ep);
    return cramp_test_finish("detect_two_legs");
}
