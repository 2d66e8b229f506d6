/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Short bursts of a potential's length in trains (issue 12, h12m): through
 * the public API on planted signals (1 kHz, Gaussian noise 2 uV RMS, no
 * mains filter; a burst is Gaussian noise at 40 uV RMS followed by 0.2 s at
 * 5 uV, over the offset threshold and under the onset one: what the mains
 * comb's ringing leaves after a strong burst, which lengthens its time over
 * the offset threshold past 250 ms but not its burst read on its own scale):
 *  - eight 60-ms potentials, one at a random place in each 1.5 s, on one
 *    channel are no `hft` train (AASM:
 *    fragmentary potentials < 150 ms, HFT bursts 250-1000 ms), though each
 *    stays over the offset threshold for about 0.3 s (the old rule counted
 *    such a short burst toward a train from 250 ms on and made them one);
 *  - six 0.35-s bursts 2 s apart, the same tails: one `hft` train of 6;
 *  - 100-ms bursts alternating between the left and right tibialis every
 *    0.5 s, twelve in all: one `alma` train (AASM: ALMA bursts 100-500 ms;
 *    a potential's length does not keep a burst out of an ALMA train). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

#define TOTAL_S 240.0
#define T0 120.0

typedef struct plan {
    size_t channels;
    size_t n;          /* bursts from T0, one per cell of period_s */
    double period_s;   /* (alternating: channel by channel) */
    double burst_s;    /* at 40 uV, then TAIL_S at 5 uV */
    int random_place;  /* 0: at each cell's start; 1: at a random place in it */
} plan;

#define TAIL_S 0.2
#define MAX_BURSTS 16

/* Amplitude (uV RMS above the 2-uV noise) on channel c at time t; start[k]
   is burst k's start. */
static double level(const plan *p, const double *start, size_t c, double t)
{
    if (t < T0) return 0;
    const size_t k = (size_t)((t - T0) / p->period_s);
    if (k >= p->n || (p->channels > 1 && k % p->channels != c)) return 0;
    const double w = t - start[k];
    return w < 0 ? 0 : w < p->burst_s ? 40 : w < p->burst_s + TAIL_S ? 5 : 0;
}

/* The plan and its bursts' starts, as the level callback's context. */
typedef struct planned {
    const plan *p;
    const double *start;
} planned;

/* The signal's RMS on channel c: the 2-uV noise plus the bursts. */
static double signal_level(const void *ctx, size_t c, double t)
{
    const planned *w = ctx;
    return 2 + level(w->p, w->start, c, t);
}

/* Runs the detector and the classifier (detect_planted.h) on p's channels;
   the bursts' places and then the noise drawn from one generator seeded with
   seed; the episodes (malloc'd) in *ep, their number returned; (size_t)-1 on
   error. */
static size_t run(const plan *p, uint64_t seed, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    test_rng rng = {seed};
    cramp_detect_channel ch[2];
    cramp_detect_channel_from_label("L-TA", &ch[0]);
    cramp_detect_channel_from_label("R-TA", &ch[1]);
    double start[MAX_BURSTS];
    const double room = p->period_s - p->burst_s - TAIL_S;
    for (size_t k = 0; k < p->n && k < MAX_BURSTS; k++)
        start[k] = T0 + (double)k * p->period_s +
                   (p->random_place ? room * test_rng_uniform(&rng) : 0);
    const planned w = {p, start};
    return planted_run_channels(TOTAL_S, p->channels, ch, signal_level, &w, &rng, &cfg, ep);
}

int main(void)
{
    cramp_episode *ep = NULL;
    size_t i = 0;
    const uint64_t seeds[] = {20261207u, 11u, 12u};
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        /* potentials on one channel, one at a random place in each 1.5-s
           cell (fragmentary potentials come at irregular intervals, so
           they are no heartbeats): no HFT, nor any other train (two of them
           within the 0.5-s offset hold may make a segment) */
        plan p = {1, 8, 1.5, 0.06, 1};
        size_t n = run(&p, seeds[s], &ep);
        CHECK(n != (size_t)-1, "detector / classifier failed");
        size_t nh = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_HFT, NULL) : 99;
        CHECK(nh == 0, "seed %zu: eight 60-ms potentials with 0.2-s tails: %zu hft episodes",
              s, nh);
        for (size_t q = 0; n != (size_t)-1 && q < n; q++)
            CHECK(ep[q].duration_s < 3, "seed %zu: eight potentials: episode of type %d over "
                  "%.2f s (no train of any kind expected)", s, (int)ep[q].type, ep[q].duration_s);
        free(ep);

        /* HFT bursts of 0.35 s, the same tails: one train of six */
        p = (plan){1, 6, 2.0, 0.35, 0};
        n = run(&p, seeds[s], &ep);
        nh = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_HFT, &i) : 0;
        CHECK(nh == 1, "seed %zu: six 0.35-s bursts at 0.5 Hz: %zu hft episodes of %zu", s,
              nh, n);
        if (nh == 1)
            CHECK(fabs(ep[i].onset_s - T0) < 0.2 && ep[i].bursts == 6,
                  "seed %zu: hft from %.2f s, %zu bursts; planted from %.0f s, 6", s,
                  ep[i].onset_s, ep[i].bursts, T0);
        free(ep);

        /* 100-ms bursts alternating between the legs, twelve at 2 Hz */
        p = (plan){2, 12, 0.5, 0.1, 0};
        n = run(&p, seeds[s], &ep);
        size_t na = n != (size_t)-1 ? planted_count(ep, n, CRAMP_EVENT_ALMA, &i) : 0;
        CHECK(na == 1, "seed %zu: 100-ms bursts alternating at 2 Hz: %zu alma episodes of %zu",
              s, na, n);
        if (na == 1)
            CHECK(fabs(ep[i].onset_s - T0) < 0.6 && ep[i].n_channels == 2,
                  "seed %zu: alma from %.2f s on %zu channels; planted from %.0f s, 2", s,
                  ep[i].onset_s, ep[i].n_channels, T0);
        free(ep);
    }
    return cramp_test_finish("detect_potential_trains");
}
