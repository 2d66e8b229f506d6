/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the api tests that run the cramp detector and classifier over a
 * planted one-channel signal (detect_precursor.c, detect_onset_ramp.c,
 * detect_envmod.c): 120 s at PLANTED_FS, Gaussian noise whose RMS (uV) at time t is
 * level(kind, t), fed in 1-s chunks through the public API. */
#ifndef CRAMP_TEST_DETECT_PLANTED_H
#define CRAMP_TEST_DETECT_PLANTED_H

#include <stdlib.h>

#include "cramp/detect.h"
#include "testutil.h"

#define PLANTED_FS 1000.0

/* Runs the detector and the classifier with cfg (fs and mains_hz are set
   here) over the planted signal; the episodes (malloc'd) in *ep, their
   number returned; (size_t)-1 on error. */
static inline size_t planted_run(double (*level)(int kind, double t), int kind,
                          const cramp_detect_config *base, cramp_episode **ep)
{
    cramp_detect_config cfg = *base;
    cfg.fs = PLANTED_FS;
    cfg.mains_hz = 0;
    cramp_detector *d = NULL;
    cramp_error err = {0};
    *ep = NULL;
    if (cramp_detector_create(&d, 1, &cfg, NULL, &err) != CRAMP_OK) return (size_t)-1;
    const size_t chunk = 1000, total = (size_t)(120 * PLANTED_FS);
    const size_t cap = cramp_detector_max_output(d, chunk) + 3;
    float *buf = malloc(chunk * sizeof *buf);
    cramp_activity *tmp = malloc(cap * sizeof *tmp), *act = malloc(256 * sizeof *act);
    size_t n_act = 0, k = 0, bad = !buf || !tmp || !act;
    test_rng rng = {20261206u};
    for (size_t i = 0; !bad && i < total; i += chunk) {
        for (size_t f = 0; f < chunk; f++)
            buf[f] = (float)(level(kind, (double)(i + f) / PLANTED_FS) * test_rng_normal(&rng));
        if (cramp_detector_process(d, buf, chunk, tmp, cap, &k) != CRAMP_OK) bad = 1;
        for (size_t q = 0; q < k && n_act < 256; q++) act[n_act++] = tmp[q];
    }
    if (!bad && cramp_detector_finish(d, tmp, cap, &k) == CRAMP_OK)
        for (size_t q = 0; q < k && n_act < 256; q++) act[n_act++] = tmp[q];
    else
        bad = 1;
    size_t ne = 0;
    if (!bad && cramp_detect_classify(act, n_act, NULL, 1, &cfg, ep, &ne, &err) != CRAMP_OK)
        bad = 1;
    cramp_detector_destroy(d);
    free(buf);
    free(tmp);
    free(act);
    return bad ? (size_t)-1 : ne;
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
