/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The precursor step of the cramp detector's front end (issue 12), through
 * the public API on a planted signal (one channel, 1 kHz, Gaussian noise
 * at the levels given): 60 s of rest (2 uV), 20 s of lower-level activity
 * (15 uV: the precursor), 20 s of a much stronger contraction (120 uV: the
 * cramp), 20 s of rest.
 *  - defaults: one cramp episode, starting within 0.1 s of the strong
 *    contraction (where the truth of a simulated cramp starts), with
 *    precursor_s about 20 s and the precursor reason; its RMS is the
 *    cramp's, not diluted by the lead-in;
 *  - precursor_ratio = 0 (the rule removed): the same signal gives one
 *    cramp starting at the precursor, 20 s early, precursor_s 0: this
 *    fails if the step is not taken;
 *  - a recruitment ramp (power rising linearly from 15^2 to 120^2 uV^2 over
 *    20 s, then 20 s at 120 uV) is not cut: the episode starts at the ramp;
 *  - a step to a strong part of 3 s (under cramp_min_s) that ends the
 *    segment is not cut either. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

/* Level (uV RMS) at time t of the planted signal: kind 0 a step from the
   precursor to the cramp, 1 a power ramp, 2 a step to a short strong part. */
static double level(int kind, double t)
{
    if (t < 60) return 2;
    if (kind == 1 && t < 80) return sqrt(15.0 * 15 + (120.0 * 120 - 15 * 15) * (t - 60) / 20);
    if (t < 80) return 15;
    if (kind == 2) return t < 83 ? 120 : 2;
    return t < 100 ? 120 : 2;
}

/* The planted signal with precursor_ratio set. */
static size_t run(int kind, double ratio, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.precursor_ratio = ratio;
    return planted_run(level, kind, &cfg, ep);
}

int main(void)
{
    cramp_detect_config def;
    cramp_detect_config_default(&def);
    CHECK(def.precursor_ratio > 0 && def.precursor_window_s > 0, "the rule is on by default");

    cramp_episode *ep = NULL;
    size_t n = run(0, def.precursor_ratio, &ep);
    CHECK(n != (size_t)-1, "detector / classifier failed");
    const cramp_episode *c = n != (size_t)-1 ? planted_the_cramp(ep, n) : NULL;
    CHECK(c != NULL, "defaults: not exactly one cramp among %zu episodes", n);
    if (c) {
        CHECK(fabs(c->onset_s - 80) <= 0.1, "defaults: cramp onset %.3f s, expected 80 (+-0.1)",
              c->onset_s);
        CHECK(fabs(c->offset_s - 100) <= 0.6, "defaults: cramp offset %.3f s", c->offset_s);
        CHECK(fabs(c->precursor_s - 20) <= 0.6, "defaults: precursor_s %.3f, expected about 20",
              c->precursor_s);
        CHECK(c->reason && strstr(c->reason, "precursor"), "defaults: reason '%s'",
              c->reason ? c->reason : "(null)");
        /* 120 uV in the 20-450 Hz band: about 0.93 x 120 */
        CHECK(c->rms_uv > 100 && c->rms_uv < 125, "defaults: cramp RMS %.1f uV", c->rms_uv);
    }
    free(ep);

    n = run(0, 0, &ep);
    c = n != (size_t)-1 ? planted_the_cramp(ep, n) : NULL;
    CHECK(c != NULL, "rule off: not exactly one cramp among %zu episodes", n);
    if (c) {
        CHECK(fabs(c->onset_s - 60) <= 0.2, "rule off: onset %.3f s, expected the precursor's 60",
              c->onset_s);
        CHECK(c->precursor_s == 0, "rule off: precursor_s %g", c->precursor_s);
    }
    free(ep);

    n = run(1, def.precursor_ratio, &ep);
    c = n != (size_t)-1 ? planted_the_cramp(ep, n) : NULL;
    CHECK(c != NULL, "ramp: not exactly one cramp among %zu episodes", n);
    if (c)
        CHECK(fabs(c->onset_s - 60) <= 0.2 && c->precursor_s == 0,
              "ramp: onset %.3f s (expected 60), precursor_s %g: a ramp was cut", c->onset_s,
              c->precursor_s);
    free(ep);

    n = run(2, def.precursor_ratio, &ep);
    CHECK(n != (size_t)-1 && n >= 1, "short strong part: %zu episodes", n);
    if (n != (size_t)-1)
        for (size_t i = 0; i < n; i++)
            CHECK(ep[i].precursor_s == 0 && !(ep[i].onset_s > 79 && ep[i].onset_s < 81),
                  "short strong part cut: episode at %.3f s, precursor_s %g", ep[i].onset_s,
                  ep[i].precursor_s);
    free(ep);
    return cramp_test_finish("detect_precursor");
}
