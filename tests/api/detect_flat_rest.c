/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A flat line is not rest (the resting level leaves out a lost electrode's
 * ticks), through the public API on a planted one-channel night at 1 kHz:
 * Gaussian noise of 5 uV RMS (the rest), exactly 0 (a lost electrode, a
 * flat line) from 60 s to 360 s, a 10-s burst of 100 uV RMS from 600 s,
 * rest again to 900 s. At 600 s the baseline's 10-min window holds 300 s of
 * flat line: counted as rest, its 25th percentile was the flat line's zero,
 * the burst's offset threshold 0 + 2 uV lay under the 5-uV rest and the
 * episode ran to the end of the night (the suite's moderate-1k-2ch night,
 * development seed 6, lost 14 PLMs so). Checked:
 *  - the flat line is one artefact episode starting within 1 s of 60 s;
 *  - the burst is an episode starting within 0.5 s of 600 s and ending
 *    within 2 s of 610 s (the offset hold and the envelope's window);
 *  - no episode ends after 620 s (nothing after the burst but rest);
 *  - a control night without the flat line gives the burst the same way. */
#include <math.h>
#include <stdlib.h>

#include "detect_planted.h"

#define REST_UV 5.0

/* kind 0: with the flat line; 1: without. */
static double level(int kind, double t)
{
    if (kind == 0 && t >= 60 && t < 360) return 0;
    if (t >= 600 && t < 610) return sqrt(REST_UV * REST_UV + 100.0 * 100.0);
    return REST_UV;
}

int main(void)
{
    static const char *name[] = {"after a 300-s flat line", "control"};
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    for (int kind = 0; kind < 2; kind++) {
        const planted_kind k = {level, kind};
        test_rng rng = {PLANTED_SEED};
        cramp_episode *ep = NULL;
        const size_t n = planted_run_for(900, planted_kind_level, &k, &rng, &cfg, &ep);
        CHECK(n != (size_t)-1, "%s: detector / classifier failed", name[kind]);
        if (n == (size_t)-1) continue;
        const cramp_episode *burst = NULL;
        size_t flats = 0, late = 0;
        for (size_t i = 0; i < n; i++) {
            const double off = ep[i].onset_s + ep[i].duration_s;
            if (ep[i].type == CRAMP_EVENT_ARTEFACT && fabs(ep[i].onset_s - 60) <= 1) flats++;
            if (fabs(ep[i].onset_s - 600) <= 0.5) burst = &ep[i];
            if (off > 620) late++;
        }
        CHECK(flats == (kind == 0 ? 1u : 0u), "%s: %zu flat-line artefacts at 60 s", name[kind],
              flats);
        CHECK(burst != NULL, "%s: no episode starting at 600 s (+-0.5) among %zu", name[kind],
              n);
        if (burst)
            CHECK(fabs(burst->onset_s + burst->duration_s - 610) <= 2,
                  "%s: the burst ends at %.2f s, expected 610 (+-2)", name[kind],
                  burst->onset_s + burst->duration_s);
        CHECK(late == 0, "%s: %zu episodes end after 620 s", name[kind], late);
        free(ep);
    }
    return cramp_test_finish("detect_flat_rest");
}
