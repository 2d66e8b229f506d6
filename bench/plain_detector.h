/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plain baseline: what a researcher writes with SciPy in an afternoon
 * (issue 18), here in C over the library's public filter and envelope API,
 * with a line-for-line twin in bench/plain_detector.py (NumPy/SciPy).
 *
 * Per channel:
 *  1. band-pass: Butterworth order 4 (as scipy.signal.butter(4, [lo, hi],
 *     'bandpass'): 4 second-order sections), 20-450 Hz with the upper edge
 *     clamped to 0.9 x fs/2 (cramp_band_clamp), zero-phase
 *     (cramp_zerophase: scipy.signal.sosfiltfilt to within float32); no
 *     mains notch (the recipe has none: hum in the band raises the median
 *     and the threshold with it);
 *  2. moving RMS over a trailing window of N = round(0.25 fs) samples
 *     (cramp_envelope RMS), kept every D = max(1, round(0.01 fs)) samples:
 *     tick k is the window ending at sample (k + 1) D - 1, placed at its
 *     centre, t_k = ((k + 1) D - 1) / fs - (N - 1) / (2 fs);
 *  3. threshold 4 x the channel's median tick RMS over the whole night
 *     (exact: every tick is kept, 4 bytes per tick and channel, about
 *     11.5 MB per channel for 8 h at 100 ticks/s; the median of an even
 *     count is the mean of the two middle values, as numpy.median);
 *  4. runs of ticks strictly above the threshold: onset t_first, offset
 *     t_last + D / fs; runs less than 0.5 s apart (next onset - offset)
 *     are merged;
 *  5. an episode of >= 5 s is a cramp; 0.5-5 s episodes are leg-movement
 *     candidates; shorter ones are dropped (not scored). On each channel,
 *     the candidates in onset order form chains while consecutive
 *     onset-to-onset intervals lie in [5, 90] s (cramps between them are
 *     ignored); chains of >= 4 are plm, every other candidate a burst.
 * Across channels, events of the same class that overlap in time are one
 * event (union of intervals, channel mask ORed), as a script that reports
 * one event per movement would.
 *
 * It never says movement or artefact. Memory grows with the night (the
 * ticks): this is an offline recipe, like the script it mirrors. Not
 * thread-safe (one object per thread). */
#ifndef CRAMP_BENCH_PLAIN_DETECTOR_H
#define CRAMP_BENCH_PLAIN_DETECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/cramp.h"

typedef struct plain_config {
    double band_lo_hz, band_hi_hz; /* 20, 450 */
    int order;                     /* 4 */
    double max_fraction;           /* 0.9 (of fs/2, for the upper edge) */
    double rms_window_s;           /* 0.25 */
    double tick_s;                 /* 0.01 */
    double threshold_x_median;     /* 4 */
    double merge_gap_s;            /* 0.5 */
    double min_s;                  /* 0.5 */
    double cramp_min_s;            /* 5 */
    size_t plm_min_count;          /* 4 */
    double plm_min_interval_s, plm_max_interval_s; /* 5, 90 */
} plain_config;

void plain_config_default(plain_config *cfg);

/* One line describing cfg (for table headers). */
void plain_config_describe(const plain_config *cfg, char *buf, size_t cap);

typedef enum plain_class { PLAIN_CRAMP = 0, PLAIN_PLM, PLAIN_BURST } plain_class;

const char *plain_class_name(plain_class c);

typedef struct plain_event {
    double onset_s, duration_s;
    plain_class cls;
    uint32_t channels; /* bit c: channel c */
} plain_event;

typedef struct plain_detector plain_detector;

/* channels 1..32, fs > 0. NULL on failure (message in err if not NULL). */
plain_detector *plain_detector_create(size_t channels, double fs, const plain_config *cfg,
                                      cramp_error *err);

/* Feeds interleaved float32 frames (uV). 0 on success. */
int plain_detector_process(plain_detector *p, const float *in, size_t frames);

/* Ends the night and classifies: *out (malloc'd, caller frees) sorted by
 * onset, *n events. 0 on success. The object is spent afterwards. */
int plain_detector_finish(plain_detector *p, plain_event **out, size_t *n);

/* The band used (after clamping), Hz, and the threshold of a channel
 * (valid after finish). */
void plain_detector_band(const plain_detector *p, double *lo, double *hi);
double plain_detector_threshold(const plain_detector *p, size_t channel);

void plain_detector_destroy(plain_detector *p);

#endif
