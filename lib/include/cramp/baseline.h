/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the adaptive resting baseline (cramp_baseline).
 *
 * A night holds hours of rest, minutes of movement, and a resting level that
 * drifts (electrode impedance, skin temperature, posture). The baseline is a
 * running low quantile of a block statistic:
 *   1. the signal is cut into blocks of block_s seconds, aligned on the first
 *      frame after create/reset; each block gives its mean, its RMS and its
 *      standard deviation (about the block mean);
 *   2. the last window_s / block_s blocks are kept per channel in a ring and
 *      in a sorted copy (binary search + memmove per block: exact order
 *      statistics in constant memory, window_s / block_s doubles x 4 per
 *      channel);
 *   3. level  = the `quantile` quantile of the block levels (block RMS or
 *               block mean, `statistic`), spread = the same quantile of the
 *               block standard deviations (linear interpolation between order
 *               statistics, "type 7").
 * Why it ignores activity: a block holding activity has a larger level than
 * any resting block, so as long as activity fills less than a fraction
 * (1 - quantile) of the window, the quantile still falls among resting blocks:
 * with the default 0.25, activity may occupy up to 75 % of the last 10 min
 * (a cramp longer than 7.5 min in 10 min lifts it). With activity filling a
 * fraction a < 1 - q of the window, the estimate is the q / (1 - a) quantile
 * of the resting blocks: the 25th percentile at rest, the 36th with 30 %
 * activity. Blocks of 1 s make that choice matter little: the RMS of 1 s of
 * resting sEMG band-limited to B Hz varies by about 1 / (2 sqrt(B * 1 s)), 2 %
 * at B = 430 Hz, 6 % at B = 70 Hz (polysomnography), so the 25th percentile
 * lies 1.5 % to 4 % below the median. A slow drift is followed with a lag of
 * about (1 - quantile) * window_s for a monotonic trend (7.5 min by default):
 * a resting level doubling over an hour is read about 8 % low (the level of
 * 7.5 min earlier; tests/api/onset.c checks this to 5 %).
 * Blocks with fewer than half their frames finite are left out (NaN in the
 * ring) and the level is NAN until `warmup_s` worth of valid blocks is in the
 * window.
 *
 *
 * Typical use (the resting level of 2 envelope channels at 100 Hz; error
 * checks left out):
 *
 *     cramp_baseline_config cfg;
 *     cramp_baseline_config_default(&cfg);
 *     cfg.fs = 100;
 *     cramp_baseline *b;
 *     cramp_baseline_create(&b, 2, &cfg, NULL);
 *     while (read `frames` interleaved envelope frames into buf)
 *         cramp_baseline_process(b, buf, frames);
 *     double rest = cramp_baseline_level(b, 0);  // NAN until warmup_s has passed
 *     cramp_baseline_destroy(b);
 */
#ifndef CRAMP_BASELINE_H
#define CRAMP_BASELINE_H

#include <stddef.h>

#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Resting baseline --------------------------------------------------- */

typedef enum cramp_baseline_statistic {
    CRAMP_BASELINE_RMS = 0, /* level = quantile of block RMS (band-passed sEMG) */
    CRAMP_BASELINE_MEAN     /* level = quantile of block means (an envelope, a
                               rectified or otherwise conditioned signal) */
} cramp_baseline_statistic;

typedef struct cramp_baseline_config {
    double fs;                           /* Hz; required (default 0) */
    cramp_baseline_statistic statistic;  /* default RMS */
    double block_s;   /* block length, s; default 1.0; >= 2 frames */
    double window_s;  /* sliding window, s; default 600 (10 min); >= block_s;
                         at most 10^6 blocks */
    double quantile;  /* in [0, 1]; default 0.25 */
    double warmup_s;  /* valid blocks needed before a level is given, in
                         seconds of blocks; default 10; 0 .. window_s
                         (at least one block is always needed) */
    int level_only;   /* 1: do not track the spread (cramp_baseline_spread
                         gives NAN), half the work at each block end;
                         default 0 */
} cramp_baseline_config;

/* Defaults as above; fs = 0 (the caller must set it). */
CRAMP_API void cramp_baseline_config_default(cramp_baseline_config *cfg);

typedef struct cramp_baseline cramp_baseline;

/* Creates a baseline over `channels` interleaved channels; *out is NULL on
 * failure. CRAMP_EINVAL with a message in err (may be NULL) for NULL out or
 * cfg, channels 0, fs <= 0 or not finite, an unknown statistic, block_s,
 * window_s or warmup_s not finite or out of range, quantile outside [0, 1];
 * CRAMP_ERANGE for a block shorter than 2 frames, a window of more than 10^6
 * blocks or one too large to allocate. Allocates 4 * W doubles per channel
 * (W = round(window_s / block_s) blocks) plus small per-channel state.
 * Thread-safe for distinct objects. */
CRAMP_API cramp_status cramp_baseline_create(cramp_baseline **out, size_t channels,
                                   const cramp_baseline_config *cfg, cramp_error *err);

/* Consumes `frames` interleaved frames of in (uV). Chunk-invariant: levels
 * after any split of the input are identical. frames == 0 is a no-op (in may
 * then be NULL). CRAMP_EINVAL for NULL b or a NULL in that is needed. Cost:
 * a few operations per sample plus O(W) per block (memmove). No allocation. */
CRAMP_API cramp_status cramp_baseline_process(cramp_baseline *b, const float *in, size_t frames);

/* Current resting level of a channel, in the input's unit (uV for sEMG), NAN
 * before warmup or for NULL b or a channel out of range. Updated at every
 * block end. */
CRAMP_API double cramp_baseline_level(const cramp_baseline *b, size_t channel);

/* Current resting spread (the quantile of block standard deviations), in the
 * input's unit; NAN as cramp_baseline_level. */
CRAMP_API double cramp_baseline_spread(const cramp_baseline *b, size_t channel);

/* Valid blocks in the channel's window now (0 .. W); 0 for bad arguments. */
CRAMP_API size_t cramp_baseline_blocks(const cramp_baseline *b, size_t channel);

/* Block length in frames (round(block_s * fs)); 0 for NULL b. */
CRAMP_API size_t cramp_baseline_block_frames(const cramp_baseline *b);

/* Back to the state after create; no allocation. NULL is a no-op. */
CRAMP_API void cramp_baseline_reset(cramp_baseline *b);

/* Frees b; NULL is a no-op. */
CRAMP_API void cramp_baseline_destroy(cramp_baseline *b);

/* ---- Onset detectors ---------------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif
