/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the api tests that run the cramp detector and classifier over a
 * planted one-channel signal (detect_precursor.c, detect_onset_ramp.c,
 * detect_envmod.c, detect_train_rises.c, detect_short_bursts.c): Gaussian
 * noise at PLANTED_FS whose RMS (uV) at time t is given by the caller's level
 * callback, fed in 1-s chunks through the public API. planted_run_channels
 * takes the duration, the channels, the callback with its context and the
 * caller's generator (detect_potential_trains.c); planted_run_for is it on
 * one channel (detect_fragmentary_visible.c, detect_flat_rest.c); planted_run
 * is the 120-s night of the kind-indexed tests. */
#ifndef CRAMP_TEST_DETECT_PLANTED_H
#define CRAMP_TEST_DETECT_PLANTED_H

#include <math.h>
#include <stdlib.h>

#include "cramp/detect.h"
#include "testutil.h"

#define PLANTED_FS 1000.0
#define PLANTED_S 120.0          /* planted_run's night, s */
#define PLANTED_SEED 20261206u   /* planted_run's generator */
#define PLANTED_REST_UV 2.0      /* the rest of planted_run_over_rest, uV RMS */

/* RMS (uV) of the planted signal at time t (s); ctx is the caller's. */
typedef double (*planted_level_fn)(const void *ctx, double t);

/* Activities in a growable array (so no count is silently cut). */
typedef struct planted_acts {
    cramp_activity *a;
    size_t n, cap;
} planted_acts;

/* Appends x[0..k); 0 when out of memory. */
static inline int planted_acts_add(planted_acts *b, const cramp_activity *x, size_t k)
{
    if (b->n + k > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + k) cap *= 2;
        cramp_activity *a = realloc(b->a, cap * sizeof *a);
        if (!a) return 0;
        b->a = a;
        b->cap = cap;
    }
    for (size_t q = 0; q < k; q++) b->a[b->n++] = x[q];
    return 1;
}

/* RMS (uV) of the planted signal on channel c at time t (s); ctx is the
   caller's. */
typedef double (*planted_channel_level_fn)(const void *ctx, size_t c, double t);

/* Runs the detector and the classifier with cfg (fs and mains_hz are set
   here) over seconds s (a whole number of 1-s chunks) of C interleaved
   channels (ch: their descriptions for the classifier, NULL: none), channel
   c's sample level(ctx, c, t) x N(0, 1) drawn from rng frame by frame,
   channel by channel; the episodes (malloc'd) in *ep, their number
   returned; (size_t)-1 on error. */
static inline size_t planted_run_channels(double seconds, size_t C,
                                          const cramp_detect_channel *ch,
                                          planted_channel_level_fn level, const void *ctx,
                                          test_rng *rng, const cramp_detect_config *base,
                                          cramp_episode **ep)
{
    cramp_detect_config cfg = *base;
    cfg.fs = PLANTED_FS;
    cfg.mains_hz = 0;
    cramp_detector *d = NULL;
    cramp_error err = {0};
    *ep = NULL;
    if (cramp_detector_create(&d, C, &cfg, ch, &err) != CRAMP_OK) return (size_t)-1;
    const size_t chunk = 1000, total = (size_t)(seconds * PLANTED_FS);
    const size_t cap = cramp_detector_max_output(d, chunk) + 3;
    float *buf = malloc(chunk * C * sizeof *buf);
    cramp_activity *tmp = malloc(cap * sizeof *tmp);
    planted_acts act = {0};
    size_t k = 0, bad = !buf || !tmp;
    for (size_t i = 0; !bad && i < total; i += chunk) {
        for (size_t f = 0; f < chunk; f++)
            for (size_t c = 0; c < C; c++)
                buf[f * C + c] = (float)(level(ctx, c, (double)(i + f) / PLANTED_FS) *
                                         test_rng_normal(rng));
        if (cramp_detector_process(d, buf, chunk, tmp, cap, &k) != CRAMP_OK ||
            !planted_acts_add(&act, tmp, k))
            bad = 1;
    }
    if (bad || cramp_detector_finish(d, tmp, cap, &k) != CRAMP_OK ||
        !planted_acts_add(&act, tmp, k))
        bad = 1;
    size_t ne = 0;
    if (!bad && cramp_detect_classify(act.a, act.n, ch, C, &cfg, ep, &ne, &err) != CRAMP_OK)
        bad = 1;
    cramp_detector_destroy(d);
    free(buf);
    free(tmp);
    free(act.a);
    return bad ? (size_t)-1 : ne;
}

/* A one-channel level function and its context, as planted_run_channels'. */
typedef struct planted_one {
    planted_level_fn level;
    const void *ctx;
} planted_one;

static inline double planted_one_level(const void *ctx, size_t c, double t)
{
    (void)c;
    const planted_one *o = ctx;
    return o->level(o->ctx, t);
}

/* planted_run_channels on one channel with no description. */
static inline size_t planted_run_for(double seconds, planted_level_fn level, const void *ctx,
                                     test_rng *rng, const cramp_detect_config *base,
                                     cramp_episode **ep)
{
    const planted_one o = {level, ctx};
    return planted_run_channels(seconds, 1, NULL, planted_one_level, &o, rng, base, ep);
}

/* How many episodes are of type t; the first one's index in *first (when
   there is one and first is not NULL). */
static inline size_t planted_count(const cramp_episode *ep, size_t n, cramp_event_type t,
                                   size_t *first)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (ep[i].type == t && c++ == 0 && first) *first = i;
    return c;
}

/* A kind-indexed level function and its kind, as planted_run's context. */
typedef struct planted_kind {
    double (*level)(int kind, double t);
    int kind;
} planted_kind;

static inline double planted_kind_level(const void *ctx, double t)
{
    const planted_kind *k = ctx;
    return k->level(k->kind, t);
}

/* planted_run_for over PLANTED_S with level(kind, t) and a generator seeded
   with PLANTED_SEED. */
static inline size_t planted_run(double (*level)(int kind, double t), int kind,
                                 const cramp_detect_config *base, cramp_episode **ep)
{
    const planted_kind k = {level, kind};
    test_rng rng = {PLANTED_SEED};
    return planted_run_for(PLANTED_S, planted_kind_level, &k, &rng, base, ep);
}

static inline double planted_over_rest_level(const void *ctx, double t)
{
    const planted_kind *k = ctx;
    const double a = k->level(k->kind, t);
    return sqrt(PLANTED_REST_UV * PLANTED_REST_UV + a * a);
}

/* planted_run with the default configuration, the signal the 2-uV rest and
   activity(kind, t) uV RMS on top, independent (RMS sqrt(2^2 + a^2)). */
static inline size_t planted_run_over_rest(double (*activity)(int kind, double t), int kind,
                                           cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    const planted_kind k = {activity, kind};
    test_rng rng = {PLANTED_SEED};
    return planted_run_for(PLANTED_S, planted_over_rest_level, &k, &rng, &cfg, ep);
}

/* The one cramp among the episodes, or NULL. */
static inline const cramp_episode *planted_the_cramp(const cramp_episode *ep, size_t n)
{
    const cramp_episode *c = NULL;
    for (size_t i = 0; i < n; i++)
        if (ep[i].type == CRAMP_EVENT_CRAMP) {
            if (c) return NULL;
            c = &ep[i];
        }
    return c;
}

#endif
