/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Excessive fragmentary myoclonus counted over visible time (issue 12,
 * h12m): through the public API on planted signals (one channel, 1 kHz,
 * Gaussian noise 2 uV RMS, no mains filter; a potential is 60 ms of
 * Gaussian noise at 40 uV RMS, one at a random place in each 6-s cell, 10
 * per minute; AASM: >= 5 per minute over >= 20 min):
 *  - 12 min of potentials, a 60-s sustained contraction at 30 uV RMS (the
 *    potentials go on beneath it, unseen), 12 min more: one `fragmentary`
 *    episode over the 25 min; the contraction stays its own episode. Under
 *    the old rule the minute the contraction hid split the run into two of
 *    12 min, each under 20 min: no episode;
 *  - the same 12 + 12 min with a quiet minute between them (nothing hides
 *    potentials there: there were none): no `fragmentary` episode, as
 *    before, since a visible minute with < 5 potentials splits a run. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

#define T0 120.0
#define PART_S 720.0 /* 12 min of potentials either side */
#define GAP_S 60.0
#define CELL_S 6.0
#define TOTAL_S (T0 + 2 * PART_S + GAP_S + 120.0)
#define NCELL ((size_t)((2 * PART_S + GAP_S) / CELL_S))

/* Amplitude (uV RMS above the noise) at time t; covered: a contraction in
   the gap with the potentials beneath it, else a quiet gap. */
static double level(int covered, const double *start, double t)
{
    const double g0 = T0 + PART_S, g1 = g0 + GAP_S;
    if (t >= g0 && t < g1 && !covered) return 0;
    double a = covered && t >= g0 && t < g1 ? 30 : 0;
    if (t >= T0 && t < g1 + PART_S) {
        const size_t k = (size_t)((t - T0) / CELL_S);
        if (k < NCELL && t >= start[k] && t < start[k] + 0.06) a = fmax(a, 40);
    }
    return a;
}

/* The case and the potentials' starts, as the level callback's context. */
typedef struct planned {
    int covered;
    const double *start;
} planned;

/* The signal's RMS: the 2-uV noise plus the activity. */
static double signal_level(const void *ctx, double t)
{
    const planned *w = ctx;
    return 2 + level(w->covered, w->start, t);
}

/* Runs the detector and the classifier (detect_planted.h); the potentials'
   places and then the noise drawn from one generator seeded with seed; the
   episodes (malloc'd) in *ep, their number returned; (size_t)-1 on error. */
static size_t run(int covered, uint64_t seed, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    *ep = NULL;
    test_rng rng = {seed};
    double *start = malloc(NCELL * sizeof *start);
    if (!start) return (size_t)-1;
    for (size_t k = 0; k < NCELL; k++)
        start[k] = T0 + (double)k * CELL_S + (CELL_S - 0.06) * test_rng_uniform(&rng);
    const planned w = {covered, start};
    const size_t n = planted_run_for(TOTAL_S, signal_level, &w, &rng, &cfg, ep);
    free(start);
    return n;
}

int main(void)
{
    const uint64_t seeds[] = {20261207u, 5u};
    const double t1 = T0 + 2 * PART_S + GAP_S, g0 = T0 + PART_S, g1 = g0 + GAP_S;
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        cramp_episode *ep = NULL;
        size_t i = 0;
        size_t n = run(1, seeds[s], &ep);
        CHECK(n != (size_t)-1, "detector / classifier failed");
        size_t nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, &i) : 0;
        CHECK(nf == 1, "seed %zu: 12 + 12 min of potentials around a 60-s contraction: %zu "
              "fragmentary episodes of %zu", s, nf, n);
        if (nf == 1) {
            const cramp_episode *e = &ep[i];
            const double ov = fmin(e->offset_s, t1) - fmax(e->onset_s, T0);
            const double un = fmax(e->offset_s, t1) - fmin(e->onset_s, T0);
            CHECK(ov / un >= 0.95, "seed %zu: fragmentary %.1f-%.1f s, planted %.0f-%.0f s", s,
                  e->onset_s, e->offset_s, T0, t1);
        }
        /* the contraction is an episode of its own, whatever its label */
        int own = 0;
        for (size_t q = 0; n != (size_t)-1 && q < n; q++)
            if (ep[q].type != CRAMP_EVENT_FRAGMENTARY && ep[q].onset_s < g0 + 1 &&
                ep[q].offset_s > g1 - 1)
                own = 1;
        CHECK(own, "seed %zu: the contraction at %.0f-%.0f s is no episode of its own", s, g0,
              g1);
        free(ep);

        n = run(0, seeds[s], &ep);
        CHECK(n != (size_t)-1, "detector / classifier failed");
        nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, NULL) : 99;
        CHECK(nf == 0, "seed %zu: 12 + 12 min of potentials around a quiet minute: %zu "
              "fragmentary episodes", s, nf);
        free(ep);
    }
    return cramp_test_finish("detect_fragmentary_visible");
}
