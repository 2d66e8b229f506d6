/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A cramp's own recruitment ramp is not cut off as a precursor (issue 12,
 * slow-onset few-unit cramps; h12k), through the public API on planted
 * signals (one channel, 1 kHz, Gaussian noise at the levels given; rest
 * 2 uV, so the onset threshold is 2 + 8 uV). From 60 s a few units fire at
 * 12 uV (just over the onset threshold) for `lead` seconds, then the
 * contraction steps to 60 uV until 90 s: the precursor step's shape (a
 * window of 25 x the lead's power, far over precursor_ratio^-2).
 *  - lead 2 s and 3.5 s (under cramp_min_s, 5 s): the lower part is the
 *    cramp's recruitment, so the cramp starts at 60 s (+-0.1) with
 *    precursor_s 0 and lasts about 30 s; the old rule cut it and started
 *    the cramp at the step (62 s, 63.5 s);
 *  - lead 8 s (>= cramp_min_s: a sustained contraction of its own): still
 *    cut as a precursor: the cramp starts at the step, 68 s (+-0.1), with
 *    precursor_s about 8. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

static const double leads[] = {2, 3.5, 8};

/* Level (uV RMS) at time t: kind indexes leads[]. */
static double level(int kind, double t)
{
    const double step = 60 + leads[kind];
    if (t < 60 || t >= 90) return 2;
    return t < step ? sqrt(4 + 12.0 * 12) : sqrt(4 + 60.0 * 60);
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    CHECK(cfg.cramp_min_s > leads[1] && cfg.cramp_min_s <= leads[2],
          "the leads straddle cramp_min_s (%.2f s)", cfg.cramp_min_s);
    for (int kind = 0; kind < 3; kind++) {
        const double lead = leads[kind];
        const int ramp = lead < cfg.cramp_min_s;
        cramp_episode *ep = NULL;
        size_t n = planted_run(level, kind, &cfg, &ep);
        CHECK(n != (size_t)-1, "lead %.1f s: detector / classifier failed", lead);
        const cramp_episode *c = n != (size_t)-1 ? planted_the_cramp(ep, n) : NULL;
        CHECK(c != NULL, "lead %.1f s: not exactly one cramp among %zu episodes", lead, n);
        if (c) {
            const double want = ramp ? 60 : 60 + lead;
            CHECK(fabs(c->onset_s - want) <= 0.1, "lead %.1f s: cramp onset %.3f s, expected %.1f",
                  lead, c->onset_s, want);
            CHECK(fabs(c->offset_s - 90) <= 0.6, "lead %.1f s: cramp offset %.3f s", lead,
                  c->offset_s);
            if (ramp)
                CHECK(c->precursor_s == 0, "lead %.1f s: precursor_s %.3f, expected 0", lead,
                      c->precursor_s);
            else
                CHECK(fabs(c->precursor_s - lead) <= 0.3,
                      "lead %.1f s: precursor_s %.3f, expected about %.1f", lead, c->precursor_s,
                      lead);
        }
        free(ep);
    }
    return cramp_test_finish("detect_recruitment_ramp");
}
