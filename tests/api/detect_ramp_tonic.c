/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in ramp-tonic test (ramp_tonic_rule, issue 12, h12ao), through the
 * public API on planted one-channel signals (1 kHz, Gaussian noise; rest
 * 2 uV, so the onset threshold is 2 + 8 uV and a pause is >= 0.2 s at the
 * offset threshold). From 60 s:
 *  - ramp: a cramp recruited over 3.9 s, its first units firing in
 *    irregular bursts of 0.3-1 s at 12 uV with 0.4 s of rest after each (four
 *    pauses), then the sustained contraction at 40 uV to 74 s (10.1 s without
 *    a pause, over half of the 14-s episode): tonic share under 0.95, so a
 *    burst (phasic) without the key, the cramp with it (onset 60 s +-0.2,
 *    offset 74 s +-0.6);
 *  - train: bursts of 1.6 s at 40 uV with 0.4 s of rest, 60-74 s: no run
 *    near half of it: no cramp with or without the key;
 *  - late: eight such bursts to 68.4 s, then 40 uV to 72 s (3.6 s without
 *    a pause, under half of 12 s): no cramp either way (here the HFT row
 *    takes its bursts first, so this case only guards against a change). */
#include <math.h>
#include <stdlib.h>

#include "detect_planted.h"

enum { RAMP, TRAIN, LATE, KINDS };
static const char *const names[] = {"ramp", "train", "late"};

/* The first units' bursts (s) before the sustained contraction, each
   followed by 0.4 s of rest: irregular, as single units' discharges are
   (no rhythm for the movement-rhythm row or an HFT train to read). */
static const double ramp_on[] = {0.6, 0.3, 1.0, 0.4, 0.8, 0.5, 1.2, 0.4};

/* Activity (uV RMS above the 2-uV rest) at time t. */
static double activity(int kind, double t)
{
    const double end = kind == LATE ? 72 : 74;
    if (t < 60 || t >= end) return 0;
    double u = t - 60;
    if (kind == TRAIN) return fmod(u, 2.0) < 1.6 ? 40 : 0;
    const int units = kind == RAMP ? 4 : 8;
    for (int i = 0; i < units; i++) {
        if (u < ramp_on[i]) return 12;
        if (u < ramp_on[i] + 0.4) return 0;
        u -= ramp_on[i] + 0.4;
    }
    return 40;
}

static double level(int kind, double t)
{
    const double a = activity(kind, t);
    return sqrt(2.0 * 2.0 + a * a);
}

int main(void)
{
    cramp_detect_config off, on;
    cramp_detect_config_default(&off);
    CHECK(off.ramp_tonic_rule == 0, "ramp_tonic_rule is opt-in");
    on = off;
    CHECK(cramp_detect_switch_set(&on, "ramp-tonic-rule") == 1 && on.ramp_tonic_rule == 1,
          "--ramp-tonic-rule sets the key");
    for (int kind = 0; kind < KINDS; kind++) {
        for (int key = 0; key < 2; key++) {
            cramp_episode *ep = NULL;
            size_t n = planted_run(level, kind, key ? &on : &off, &ep);
            CHECK(n != (size_t)-1, "%s, key %d: detector / classifier failed", names[kind], key);
            if (n == (size_t)-1) continue;
            const size_t cramps = planted_count(ep, n, CRAMP_EVENT_CRAMP, NULL);
            if (kind == RAMP && key) {
                const cramp_episode *c = planted_the_cramp(ep, n);
                CHECK(c != NULL, "ramp, key on: not exactly one cramp among %zu episodes", n);
                if (c) {
                    CHECK(fabs(c->onset_s - 60) <= 0.2 && fabs(c->offset_s - 74) <= 0.6,
                          "ramp: cramp %.3f-%.3f s, expected 60-74", c->onset_s, c->offset_s);
                    CHECK(c->tonic_fraction < off.tonic_min,
                          "ramp: tonic share %.3f, planted under tonic_min", c->tonic_fraction);
                }
            } else if (kind == RAMP) {
                size_t b = 0;
                CHECK(cramps == 0 && planted_count(ep, n, CRAMP_EVENT_BURST, &b) == 1,
                      "ramp, key off: %zu cramps, expected the episode read as a burst", cramps);
                if (cramps == 0 && planted_count(ep, n, CRAMP_EVENT_BURST, &b) == 1)
                    CHECK(ep[b].duration_s >= 13 && ep[b].tonic_fraction < off.tonic_min,
                          "ramp, key off: burst %.2f s, tonic %.3f", ep[b].duration_s,
                          ep[b].tonic_fraction);
            } else {
                CHECK(cramps == 0, "%s, key %d: %zu cramps, expected none", names[kind], key,
                      cramps);
            }
            free(ep);
        }
    }
    return cramp_test_finish("detect_ramp_tonic");
}
