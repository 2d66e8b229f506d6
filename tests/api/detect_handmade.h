/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the api tests that hand the classifier made-up stage-1 segments
 * (detect.c, detect_rules.c, detect_two_legs.c, plm_series.c, plm_breaks.c,
 * plm_morphology.c): one EMG segment as cramp_detector would report it, the
 * four-channel montage L-GAS, L-TA, R-GAS, R-TA, and the classifier over it. */
#ifndef CRAMP_TEST_DETECT_HANDMADE_H
#define CRAMP_TEST_DETECT_HANDMADE_H

#include <math.h>
#include <string.h>

#include "cramp/detect.h"
#include "testutil.h"

enum { HM_L_GAS = 0, HM_L_TA, HM_R_GAS, HM_R_TA };

/* An EMG segment of channel from on to off (s) at rms uV over a resting 2 uV:
   peak 4 x rms, envelope peak 2 x rms, tonic throughout (one burst, one
   rise); the measures a test does not set are NaN (kurtosis, spectra, rise
   rhythm, movement modulation) or 0. */
static inline cramp_activity handmade_seg(size_t channel, double on, double off, double rms)
{
    cramp_activity s;
    memset(&s, 0, sizeof s);
    s.channel = channel;
    s.kind = CRAMP_ACTIVITY_EMG;
    s.onset_s = on;
    s.offset_s = off;
    s.rms_uv = rms;
    s.rest_uv = 2;
    s.peak_uv = 4 * rms;
    s.env_peak_uv = 2 * rms;
    s.bp_excess_uv2 = rms * rms - 4;
    s.kurtosis = (double)NAN;
    s.mnf_start_hz = s.mdf_start_hz = s.mnf_end_hz = s.mdf_end_hz = (double)NAN;
    s.tonic_fraction = 1;
    s.sub_bursts = 1;
    s.rises = 1;
    s.rise_interval_s = s.rise_cv = (double)NAN;
    s.env_mod_ratio = (double)NAN;
    return s;
}

/* ch[0..4): L-GAS, L-TA, R-GAS, R-TA. */
static inline void handmade_montage(cramp_detect_channel ch[4])
{
    static const char *const label[4] = {"L-GAS", "L-TA", "R-GAS", "R-TA"};
    for (int c = 0; c < 4; c++) cramp_detect_channel_from_label(label[c], &ch[c]);
}

/* Classifies a[0..n) (sorted by onset) with cfg over channels ch[0..n_ch);
   a failure is a failed CHECK naming what. The episodes (malloc'd: the
   caller frees them) in *ep, their number returned. */
static inline size_t handmade_classify_on(const cramp_activity *a, size_t n,
                                          const cramp_detect_channel *ch, size_t n_ch,
                                          const cramp_detect_config *cfg, cramp_episode **ep,
                                          const char *what)
{
    *ep = NULL;
    size_t ne = 0;
    cramp_error err = {0};
    CHECK(cramp_detect_classify(a, n, ch, n_ch, cfg, ep, &ne, &err) == CRAMP_OK, "%s: %s", what,
          err.message);
    return ne;
}

/* handmade_classify_on over the montage's first n_ch (1-4) channels. */
static inline size_t handmade_classify(const cramp_activity *a, size_t n, size_t n_ch,
                                       const cramp_detect_config *cfg, cramp_episode **ep,
                                       const char *what)
{
    cramp_detect_channel ch[4];
    handmade_montage(ch);
    return handmade_classify_on(a, n, ch, n_ch, cfg, ep, what);
}

/* handmade_classify_on over n_ch (1-4) channels of no known leg or muscle
   (h12al). */
static inline size_t handmade_classify_unknown(const cramp_activity *a, size_t n, size_t n_ch,
                                               const cramp_detect_config *cfg,
                                               cramp_episode **ep, const char *what)
{
    cramp_detect_channel ch[4];
    memset(ch, 0, sizeof ch);
    for (size_t c = 0; c < 4; c++) {
        ch[c].leg = ch[c].muscle = -1;
        ch[c].phys_min = ch[c].phys_max = (double)NAN;
    }
    return handmade_classify_on(a, n, ch, n_ch, cfg, ep, what);
}

/* The episode starting within 0.5 s of t, whichever its main channel
   (NULL if none; h12al). */
static inline const cramp_episode *handmade_starting(const cramp_episode *ep, size_t n, double t)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(ep[i].onset_s - t) < 0.5) return &ep[i];
    return NULL;
}

/* The episode on channel c that starts within 0.5 s of t (NULL if none). */
static inline const cramp_episode *handmade_at(const cramp_episode *ep, size_t n, size_t c,
                                               double t)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(ep[i].onset_s - t) < 0.5 && ep[i].main_channel == c) return &ep[i];
    return NULL;
}

/* A failed CHECK naming what unless that episode has type want. */
static inline void handmade_expect(const cramp_episode *ep, size_t n, size_t c, double t,
                                   cramp_event_type want, const char *what)
{
    const cramp_episode *e = handmade_at(ep, n, c, t);
    CHECK(e && e->type == want, "%s: type %d (%s), expected %d", what, e ? (int)e->type : -1,
          e && e->reason ? e->reason : "no episode", (int)want);
}

#endif
