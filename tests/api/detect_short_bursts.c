/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Short bursts (under the 0.5-s AASM leg-movement minimum) in the cramp
 * detector (issue 12): through the public API on planted signals (one
 * channel, 1 kHz, Gaussian noise 2 uV RMS; a potential is 60 ms of Gaussian
 * noise at 40 uV RMS):
 *  - excessive fragmentary myoclonus: 25 min of potentials at 10 per minute
 *    (one at a random place in each 6-s cell) give one `fragmentary`
 *    episode covering them; the same potentials at 3 per minute, or at 10
 *    per minute for only 15 min (AASM: >= 5 per minute over >= 20 min), or
 *    no potentials at all give none;
 *  - the 10 per minute over 25 min again, each potential followed by 0.45 s
 *    at 5 uV (over the offset threshold, under the onset one: what a mains
 *    filter's ringing leaves after a strong potential): every potential is
 *    now a segment active for >= 0.5 s, no LM-minimum potential; read on
 *    its own scale (rise to a dip to a quarter of its peak, rise_burst_s,
 *    h12j) it is 150 ms or less, and the run is one `fragmentary` episode;
 *  - a train of 6 bursts of 0.35 s every 2 s (hypnagogic foot tremor; AASM:
 *    >= 4 bursts of 250-1000 ms at 0.3-4 Hz) is one `hft` episode: each
 *    burst is shorter than a segment, so the train is seen only if short
 *    bursts count toward trains. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

typedef struct plan {
    double t0, t1;      /* potentials from t0 to t1, s */
    double cell_s;      /* one potential per cell of this length; 0: none */
    double hft_t0;      /* a train of 6 bursts of 0.35 s every 2 s from here; 0: none */
    double total_s;
    double tail_s;      /* each potential followed by this long at 5 uV; 0: none */
} plan;

/* A plan and each cell's potential start, starts[0..ns). */
typedef struct planned {
    const plan *p;
    const double *starts;
    size_t ns;
} planned;

/* Amplitude (uV RMS) of the planted activity at time t. */
static double activity(const planned *w, double t)
{
    const plan *p = w->p;
    if (p->cell_s > 0 && t >= p->t0 && t < p->t1) {
        size_t k = (size_t)((t - p->t0) / p->cell_s);
        if (k < w->ns && t >= w->starts[k] && t < w->starts[k] + 0.06) return 40;
        if (k < w->ns && t >= w->starts[k] + 0.06 && t < w->starts[k] + 0.06 + p->tail_s)
            return 5;
    }
    if (p->hft_t0 > 0 && t >= p->hft_t0 && t < p->hft_t0 + 12) {
        double u = fmod(t - p->hft_t0, 2.0);
        if (u < 0.35) return 40;
    }
    return 0;
}

/* The signal's RMS: the 2-uV rest plus the activity. */
static double level(const void *ctx, double t) { return 2 + activity(ctx, t); }

/* Runs the detector and the classifier (detect_planted.h); the potentials'
   places and then the noise drawn from one generator seeded with seed; the
   episodes (malloc'd) in *ep, their number returned; (size_t)-1 on error. */
static size_t run(const plan *p, uint64_t seed, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    *ep = NULL;
    test_rng rng = {seed};
    size_t ns = p->cell_s > 0 ? (size_t)((p->t1 - p->t0) / p->cell_s) : 0;
    double *starts = malloc((ns ? ns : 1) * sizeof *starts);
    if (!starts) return (size_t)-1;
    for (size_t k = 0; k < ns; k++)
        starts[k] = p->t0 + (double)k * p->cell_s + (p->cell_s - 0.06) * test_rng_uniform(&rng);
    const planned w = {p, starts, ns};
    const size_t n = planted_run_for(p->total_s, level, &w, &rng, &cfg, ep);
    free(starts);
    return n;
}

int main(void)
{
    cramp_episode *ep = NULL;
    size_t i = 0;

    /* 25 min at 10 per minute: one episode over them */
    plan p = {120, 120 + 1500, 6, 0, 1800, 0};
    size_t n = run(&p, 20261206u, &ep);
    CHECK(n != (size_t)-1, "detector / classifier failed");
    size_t nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, &i) : 0;
    CHECK(nf == 1, "10 per minute over 25 min: %zu fragmentary episodes of %zu", nf, n);
    if (nf == 1) {
        const cramp_episode *e = &ep[i];
        const double ov = fmin(e->offset_s, p.t1) - fmax(e->onset_s, p.t0);
        const double un = fmax(e->offset_s, p.t1) - fmin(e->onset_s, p.t0);
        CHECK(ov / un >= 0.95, "fragmentary %.1f-%.1f s, planted %.0f-%.0f s", e->onset_s,
              e->offset_s, p.t0, p.t1);
        CHECK(e->bursts >= 200 && e->bursts <= 260, "%zu potentials counted, 250 planted",
              e->bursts);
        CHECK(e->confidence > 0.5 && e->confidence <= 1, "confidence %g", e->confidence);
        /* potentials of <= 150 ms have no envelope rhythm to measure (n/a,
           as for any episode with under 3 s of EMG), and no precursor */
        CHECK(isnan(e->env_mod_ratio) && e->precursor_s == 0,
              "env_mod_ratio %g (expected NaN), precursor_s %g", e->env_mod_ratio,
              e->precursor_s);
    }
    free(ep);

    /* the same with a 0.45-s tail at 5 uV after each potential */
    p = (plan){120, 120 + 1500, 6, 0, 1800, 0.45};
    n = run(&p, 20261206u, &ep);
    nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, &i) : 0;
    CHECK(nf == 1, "10 per minute over 25 min with tails: %zu fragmentary episodes of %zu", nf,
          n);
    if (nf == 1) {
        const cramp_episode *e = &ep[i];
        const double ov = fmin(e->offset_s, p.t1) - fmax(e->onset_s, p.t0);
        const double un = fmax(e->offset_s, p.t1) - fmin(e->onset_s, p.t0);
        CHECK(ov / un >= 0.95, "with tails: fragmentary %.1f-%.1f s, planted %.0f-%.0f s",
              e->onset_s, e->offset_s, p.t0, p.t1);
    }
    free(ep);

    /* 3 per minute (20-s cells): not excessive */
    p = (plan){120, 120 + 1500, 20, 0, 1800, 0};
    n = run(&p, 7u, &ep);
    nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, NULL) : 99;
    CHECK(nf == 0, "3 per minute: %zu fragmentary episodes", nf);
    free(ep);

    /* 10 per minute for 15 min: too short */
    p = (plan){120, 120 + 900, 6, 0, 1800, 0};
    n = run(&p, 8u, &ep);
    nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, NULL) : 99;
    CHECK(nf == 0, "15 min: %zu fragmentary episodes", nf);
    free(ep);

    /* no potentials, a train of short bursts */
    p = (plan){0, 0, 0, 600, 900, 0};
    n = run(&p, 9u, &ep);
    CHECK(n != (size_t)-1, "detector / classifier failed");
    nf = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_FRAGMENTARY, NULL) : 99;
    CHECK(nf == 0, "no potentials: %zu fragmentary episodes", nf);
    size_t nh = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_HFT, &i) : 0;
    CHECK(nh == 1, "6 bursts of 0.35 s at 0.5 Hz: %zu hft episodes of %zu", nh, n);
    if (nh == 1)
        CHECK(fabs(ep[i].onset_s - 600) < 0.2 && fabs(ep[i].offset_s - 610.35) < 0.3 &&
                  ep[i].bursts == 6,
              "hft %.2f-%.2f s, %zu bursts; planted 600-610.35 s, 6", ep[i].onset_s,
              ep[i].offset_s, ep[i].bursts);
    free(ep);
    return cramp_test_finish("detect_short_bursts");
}
