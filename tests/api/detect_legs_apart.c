/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in two-legs-apart reading (issue 12, h12ap; cramp_detect_config.
 * legs_apart_rule; bench/README.md, h12ap): a 60-s left calf cramp whose
 * first seconds meet the right TA's forceful stretch against the right
 * calf's cramp just before (starting 2 s after the left cramp, within
 * bilateral_s) is, with the rule on, a cramp of the left calf, and the right
 * TA's stretch an episode of its own, a movement after the right calf's
 * cramp; off, as the old code, one two-leg movement whose main channel is
 * the right TA (the on-checks fail there). Controls: a 20-s movement of both
 * legs, each active throughout, stays one two-leg movement; a 6-s bilateral
 * LM (not longer than an LM) stays one episode; legs unknown: nothing taken
 * apart; the key names itself in the rules text. Hand-made segments through
 * cramp_detect_classify. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    CHECK(cfg.legs_apart_rule == 0, "opt-in: off by default (%d)", cfg.legs_apart_rule);
    cramp_activity act[] = {
        /* 40-100 s: a right calf cramp; 100-160 s a left calf cramp at
           40 uV; the right TA's stretch 102-110 s at 150 uV */
        handmade_seg(HM_R_GAS, 40.0, 100.0, 40),
        handmade_seg(HM_L_GAS, 100.0, 160.0, 40),
        handmade_seg(HM_R_TA, 102.0, 110.0, 150),
        /* 300 s: a 20-s movement of both legs, each active throughout */
        handmade_seg(HM_L_GAS, 300.0, 320.0, 60),
        handmade_seg(HM_R_GAS, 300.5, 320.0, 80),
        /* 500 s: a 6-s bilateral LM of the two TAs */
        handmade_seg(HM_L_TA, 500.0, 506.0, 60),
        handmade_seg(HM_R_TA, 501.0, 506.0, 90),
    };
    const size_t n_act = sizeof act / sizeof act[0];
    cramp_episode *ep = NULL;

    /* off: the frozen rules */
    size_t n = handmade_classify(act, n_act, 4, &cfg, &ep, "off");
    const cramp_episode *e = handmade_starting(ep, n, 100);
    CHECK(e && e->type == CRAMP_EVENT_MOVEMENT && e->main_channel == HM_R_TA &&
              (e->channels >> HM_L_GAS & 1u),
          "off: the left cramp and the right stretch one two-leg movement (%s)",
          e && e->reason ? e->reason : "none");
    free(ep);

    cfg.legs_apart_rule = 1;
    n = handmade_classify(act, n_act, 4, &cfg, &ep, "on");
    handmade_expect(ep, n, HM_R_GAS, 40, CRAMP_EVENT_CRAMP, "on: the right calf cramp");
    handmade_expect(ep, n, HM_L_GAS, 100, CRAMP_EVENT_CRAMP,
                    "on: the left calf cramp, the other leg's stretch apart");
    e = handmade_at(ep, n, HM_L_GAS, 100);
    CHECK(e && e->channels == 1u << HM_L_GAS && fabs(e->duration_s - 60) < 1e-9,
          "on: the cramp is the left calf's alone, 60 s (%#x, %g s)", e ? e->channels : 0u,
          e ? e->duration_s : -1.0);
    handmade_expect(ep, n, HM_R_TA, 102, CRAMP_EVENT_MOVEMENT,
                    "on: the right TA's stretch an episode of its own, after its leg's cramp");
    e = handmade_starting(ep, n, 300);
    CHECK(e && e->type == CRAMP_EVENT_MOVEMENT && e->channels == (1u << HM_L_GAS | 1u << HM_R_GAS),
          "on: both legs active throughout stay one movement (%s)",
          e && e->reason ? e->reason : "none");
    e = handmade_starting(ep, n, 500);
    CHECK(e && e->channels == (1u << HM_L_TA | 1u << HM_R_TA),
          "on: a bilateral LM stays one episode (%#x)", e ? e->channels : 0u);
    free(ep);

    /* legs unknown: nothing taken apart */
    cramp_activity two[] = {handmade_seg(0, 100.0, 160.0, 40), handmade_seg(1, 102.0, 110.0, 150)};
    n = handmade_classify_unknown(two, 2, 2, &cfg, &ep, "legs unknown, on");
    cramp_episode *ep_off = NULL;
    cfg.legs_apart_rule = 0;
    size_t n_off = handmade_classify_unknown(two, 2, 2, &cfg, &ep_off, "legs unknown, off");
    cfg.legs_apart_rule = 1;
    int same = n == n_off && n > 0;
    for (size_t k = 0; same && k < n; k++)
        same = ep[k].channels == ep_off[k].channels && ep[k].onset_s == ep_off[k].onset_s &&
               ep[k].type == ep_off[k].type;
    CHECK(same, "legs unknown: the episodes as without the rule (%zu, %zu)", n, n_off);
    free(ep);
    free(ep_off);

    /* the rules text names the key when on, not when off */
    char on[8192], off[8192];
    cramp_detect_rules_text(&cfg, on, sizeof on);
    cfg.legs_apart_rule = 0;
    cramp_detect_rules_text(&cfg, off, sizeof off);
    CHECK(strstr(on, "legs_apart_rule=1") && !strstr(off, "legs_apart_rule"),
          "the rules text names legs_apart_rule only when on");
    return cramp_test_finish("detect_legs_apart");
}
