/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Leg movements inside fragmentary myoclonus (issue 12, h12s): through the
 * public API on a planted signal (one channel, 1 kHz, Gaussian noise 2 uV
 * RMS, no mains filter). 24 min of potentials (60 ms of Gaussian noise at
 * 40 uV RMS, one at a random place in each 6-s cell, 10 per minute; AASM:
 * >= 5 per minute over >= 20 min) and, inside them, four weak leg
 * movements 30 s apart, each opened by a potential: the potential and then
 * 3 s of sustained EMG at 5 uV RMS (over the offset threshold, under the
 * onset threshold). Each LM is one segment whose one burst (rise to the dip
 * to a quarter of its peak) is the potential's, a potential's length: the
 * old rule took it for strung potentials and merged it into the
 * `fragmentary` episode, so no LM was left. Now a segment sustained
 * without a pause for longer than a potential can last stays an episode
 * of its own: the four make a PLM series (AASM: LMs 0.5-10 s, >= 4, 10-90
 * s apart), and the fragmentary episode is still found around them. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "detect_planted.h"

#define T0 120.0
#define RUN_S 1440.0 /* 24 min of potentials */
#define CELL_S 6.0
#define NCELL ((size_t)(RUN_S / CELL_S))
#define LM0 (T0 + 600.0) /* the first LM */
#define LM_GAP 30.0
#define N_LM 4
#define LM_S 3.0
#define POT_S 0.06
#define TOTAL_S (T0 + RUN_S + 120.0)

/* The potentials' starts and, in each LM's cell, the potential at its onset. */
typedef struct planned {
    const double *start;
} planned;

static int lm_at(double t, double *on)
{
    for (int i = 0; i < N_LM; i++) {
        const double o = LM0 + i * LM_GAP;
        if (t >= o && t < o + LM_S) {
            if (on) *on = o;
            return 1;
        }
    }
    return 0;
}

static double signal_level(const void *ctx, double t)
{
    const planned *w = ctx;
    double a = 0, on = 0;
    if (lm_at(t, &on)) a = t < on + POT_S ? 40 : 5;
    if (t >= T0 && t < T0 + RUN_S) {
        const size_t k = (size_t)((t - T0) / CELL_S);
        if (k < NCELL && t >= w->start[k] && t < w->start[k] + POT_S) a = fmax(a, 40);
    }
    return 2 + a;
}

static size_t run(uint64_t seed, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    *ep = NULL;
    test_rng rng = {seed};
    double *start = malloc(NCELL * sizeof *start);
    if (!start) return (size_t)-1;
    for (size_t k = 0; k < NCELL; k++) {
        start[k] = T0 + (double)k * CELL_S + (CELL_S - POT_S) * test_rng_uniform(&rng);
        /* no random potential inside an LM or in the 1 s before one (the
           LM's own potential opens it) */
        for (int i = 0; i < N_LM; i++) {
            const double o = LM0 + i * LM_GAP;
            if (start[k] > o - 1.0 && start[k] < o + LM_S + 1.0) start[k] = o + LM_S + 1.5;
        }
    }
    const planned w = {start};
    const size_t n = planted_run_for(TOTAL_S, signal_level, &w, &rng, &cfg, ep);
    free(start);
    return n;
}

int main(void)
{
    const uint64_t seeds[] = {20261207u, 7u};
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        cramp_episode *ep = NULL;
        const size_t n = run(seeds[s], &ep);
        CHECK(n != (size_t)-1, "detector / classifier failed");
        if (n == (size_t)-1) continue;
        size_t i = 0;
        const size_t nf = planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, &i);
        CHECK(nf == 1, "seed %zu: 24 min of potentials: %zu fragmentary episodes of %zu", s, nf,
              n);
        /* each LM an episode of its own, a member of one PLM series */
        size_t found = 0;
        int series = -1, one_series = 1;
        for (int l = 0; l < N_LM; l++) {
            const double o = LM0 + l * LM_GAP;
            for (size_t q = 0; q < n; q++) {
                const cramp_episode *e = &ep[q];
                if (e->type == CRAMP_EVENT_FRAGMENTARY) continue;
                if (fabs(e->onset_s - o) > 0.3 || fabs(e->offset_s - (o + LM_S)) > 0.6) continue;
                if (e->type == CRAMP_EVENT_PLM) {
                    found++;
                    if (series < 0) series = e->series;
                    one_series &= e->series == series;
                }
            }
        }
        CHECK(found == N_LM, "seed %zu: %zu of %d weak LMs opened by a potential are PLMs", s,
              found, N_LM);
        CHECK(one_series, "seed %zu: the LMs are in more than one series", s);
        free(ep);
    }
    return cramp_test_finish("detect_sustained_in_fragmentary");
}
