/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stretch after a cramp read as phasic (issue 12, h12w; cramp/detect.h,
 * the after-cramp row): sustained tonic activity of the tibialis anterior
 * starting within stretch_window_s (10 s) after sustained activity of the
 * same leg's calf ends is the sleeper stretching against the cramp, even
 * when the calf's activity was too broken to be a cramp itself (tonic share
 * under tonic_min: a short cramp of few units read as a burst). Controls: a
 * TA with nothing before it, one after calf activity shorter than a cramp,
 * one starting past the window, and one after the other leg's calf stay
 * cramps. Hand-made segments through cramp_detect_classify; the first check
 * fails on the rules before (the stretch was a cramp of the TA). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

/* The episode on channel c that starts within 0.5 s of t (NULL if none). */
static const cramp_episode *at(const cramp_episode *ep, size_t n, size_t c, double t)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(ep[i].onset_s - t) < 0.5 && ep[i].main_channel == c) return &ep[i];
    return NULL;
}

static void expect(const cramp_episode *ep, size_t n, size_t c, double t, cramp_event_type want,
                   const char *what)
{
    const cramp_episode *e = at(ep, n, c, t);
    CHECK(e && e->type == want, "%s: type %d (%s), expected %d", what, e ? (int)e->type : -1,
          e && e->reason ? e->reason : "no episode", (int)want);
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cramp_activity act[] = {
        /* 100 s: a calf cramp of 8 s read as phasic (tonic share 0.9), then
           the TA's stretch 3 s after it for 8 s */
        handmade_seg(HM_L_GAS, 100.0, 108.0, 60),
        handmade_seg(HM_L_TA, 111.0, 119.0, 80),
        /* 300 s: the TA with nothing before it */
        handmade_seg(HM_L_TA, 300.0, 310.0, 80),
        /* 500 s: a 3-s burst of the calf, then the TA 2 s later */
        handmade_seg(HM_R_GAS, 500.0, 503.0, 60),
        handmade_seg(HM_R_TA, 505.0, 515.0, 80),
        /* 700 s: the calf's phasic 8 s, the TA 12 s after its end */
        handmade_seg(HM_L_GAS, 700.0, 708.0, 60),
        handmade_seg(HM_L_TA, 720.0, 728.0, 80),
        /* 900 s: the right calf's phasic 8 s, the left TA 2 s after it */
        handmade_seg(HM_R_GAS, 900.0, 908.0, 60),
        handmade_seg(HM_L_TA, 910.0, 918.0, 80),
    };
    act[0].tonic_fraction = 0.9;
    act[5].tonic_fraction = 0.9;
    act[7].tonic_fraction = 0.9;
    cramp_episode *ep = NULL;
    const size_t n = handmade_classify(act, sizeof act / sizeof act[0], 4, &cfg, &ep, "classify");

    expect(ep, n, HM_L_TA, 111, CRAMP_EVENT_MOVEMENT,
           "the TA 3 s after a calf cramp read as phasic (its stretch)");
    expect(ep, n, HM_L_GAS, 100, CRAMP_EVENT_BURST, "the phasic calf activity stays a burst");
    expect(ep, n, HM_L_TA, 300, CRAMP_EVENT_CRAMP, "the TA with nothing before it");
    expect(ep, n, HM_R_TA, 505, CRAMP_EVENT_CRAMP, "the TA after a calf burst shorter than a cramp");
    expect(ep, n, HM_L_TA, 720, CRAMP_EVENT_CRAMP, "the TA 12 s after the calf's end");
    expect(ep, n, HM_L_TA, 910, CRAMP_EVENT_CRAMP, "the TA after the other leg's calf");

    /* the same-channel opt-in match still wants a cramp candidate before:
       a second phasic-then-tonic pair on one channel stays a cramp */
    cramp_activity one[] = {
        handmade_seg(HM_L_GAS, 100.0, 108.0, 60),
        handmade_seg(HM_L_GAS, 111.0, 119.0, 80),
    };
    one[0].tonic_fraction = 0.9;
    cfg.voluntary_rule = 1;
    cramp_episode *e1 = NULL;
    const size_t n1 = handmade_classify(one, 2, 1, &cfg, &e1, "classify, one channel");
    expect(e1, n1, HM_L_GAS, 111, CRAMP_EVENT_CRAMP,
           "one channel, --voluntary-rule: sustained after phasic activity of the same channel");
    free(e1);
    free(ep);
    return cramp_test_finish("detect_after_phasic");
}
