/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sub-bursts read against the burst's own peak (issue 12, h12j; segments.c,
 * CRAMP__RISE_RATIO), through the public API on planted signals (one
 * channel, 1 kHz, no mains filter, Gaussian noise; rest 2 uV, so the onset
 * threshold is 2 + 8 uV and the offset threshold 2 + 2 uV):
 *  - a train of 10 bursts of 0.3 s at 2 Hz, 100 uV, whose 0.2-s gaps stay
 *    at 12 uV (over the offset threshold: what a mains filter's ringing or
 *    low-level activity leaves between strong bursts). The gaps never reach
 *    the offset threshold, so the absolute rise count sees one rise and the
 *    train reads as one 4.8-s burst; a dip to a quarter of the peak sees
 *    all 10, and the train is hft (AASM: >= 4 bursts of 250 ms-1 s at
 *    0.3-4 Hz) with >= 10 rises;
 *  - the same train with gaps at 40 uV (over a quarter of the bursts' 100
 *    uV above rest): no dip counts, one rise, no hft;
 *  - 5 bursts of 1.6 s at 0.5 Hz with 12-uV gaps: every rise is seen (5),
 *    but the bursts are longer than an HFT burst (AASM: <= 1 s), so no hft;
 *  - a steady 100-uV contraction of 8 s: one rise (the envelope of a dense
 *    contraction does not fall to a quarter of its level), a cramp. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

/* Activity (uV RMS above the 2-uV rest) at time t: kind 0 the train with
   12-uV gaps, 1 with 40-uV gaps, 2 the steady contraction, 3 the train of
   1.6-s bursts. */
static double activity(int kind, double t)
{
    if (kind == 2) return t >= 60 && t < 68 ? 100 : 0;
    if (kind == 3) return t < 60 || t >= 69.6 ? 0 : fmod(t - 60, 2) < 1.6 ? 100 : 12;
    if (t < 60 || t >= 64.8) return 0;
    const double in = fmod(t - 60, 0.5);
    return in < 0.3 ? 100 : kind == 0 ? 12 : 40;
}

int main(void)
{
    static const char *name[] = {"train, 12-uV gaps", "train, 40-uV gaps", "steady 8 s",
                                 "1.6-s bursts"};
    for (int kind = 0; kind < 4; kind++) {
        cramp_episode *ep = NULL;
        size_t n = planted_run_over_rest(activity, kind, &ep);
        CHECK(n != (size_t)-1, "%s: detector / classifier failed", name[kind]);
        if (n == (size_t)-1) continue;
        /* the episode over 60-65 s (the train or the contraction) */
        const cramp_episode *e = NULL;
        size_t over = 0;
        for (size_t i = 0; i < n; i++)
            if (ep[i].onset_s < 65 && ep[i].offset_s > 60) {
                e = &ep[i];
                over++;
            }
        CHECK(over == 1 && e, "%s: %zu episodes over 60-65 s, expected 1", name[kind], over);
        if (over == 1 && e) {
            if (kind == 0) {
                CHECK(e->type == CRAMP_EVENT_HFT, "%s: labelled %d, expected hft (%d)",
                      name[kind], (int)e->type, (int)CRAMP_EVENT_HFT);
                CHECK(e->bursts >= 10, "%s: %zu bursts, expected >= 10", name[kind],
                      e->bursts);
                CHECK(fabs(e->onset_s - 60) < 0.25 && fabs(e->offset_s - 64.8) < 0.5,
                      "%s: %.2f-%.2f s, expected 60-64.8", name[kind], e->onset_s,
                      e->offset_s);
            } else if (kind == 3) {
                CHECK(e->type != CRAMP_EVENT_HFT, "%s: labelled hft", name[kind]);
                CHECK(e->rises == 5, "%s: %zu rises, expected 5", name[kind], e->rises);
                CHECK(e->rise_burst_s > 1.5 && e->rise_burst_s < 1.8,
                      "%s: rise_burst_s %.3f, expected 1.6 s + up to a window", name[kind],
                      e->rise_burst_s);
            } else {
                CHECK(e->type != CRAMP_EVENT_HFT, "%s: labelled hft", name[kind]);
                CHECK(e->rises == 1, "%s: %zu rises, expected 1", name[kind], e->rises);
            }
            if (kind == 2)
                CHECK(e->type == CRAMP_EVENT_CRAMP, "%s: labelled %d, expected cramp",
                      name[kind], (int)e->type);
        }
        free(ep);
    }
    return cramp_test_finish("detect_train_rises");
}
