/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the per-channel resting-baseline core shared by cramp_baseline
 * and cramp_onset (baseline.c). Not installed. */
#ifndef CRAMP_DETECT_BASELINE_INTERNAL_H
#define CRAMP_DETECT_BASELINE_INTERNAL_H

#include <math.h>
#include <stddef.h>

#include "cramp/onset.h"
#include "cramp/status.h"

/* Validated, frame-based parameters of a baseline. */
typedef struct cramp__bparams {
    size_t block_n; /* frames per block, >= 2 */
    size_t win_n;   /* blocks in the window, >= 1 */
    size_t warm_n;  /* valid blocks needed for a level, 1 .. win_n */
    double q;       /* quantile */
    int use_rms;    /* level from block RMS (1) or block mean (0) */
    int spread;     /* track the spread too */
} cramp__bparams;

/* One channel: the block being accumulated and the window of past blocks.
 * The four arrays (win_n doubles each) belong to the owner's allocation. */
typedef struct cramp__bchan {
    size_t pos;     /* frames into the current block */
    size_t nf;      /* finite values in the current block */
    double k0;      /* shift: first finite value of the block */
    double s1, s2;  /* sums of (v - k0) and (v - k0)^2 */
    size_t slot;    /* ring slot the next block goes to */
    size_t n_valid; /* non-NaN blocks in the window */
    double level, spread; /* NAN until n_valid >= warm_n */
    double *ring_l, *ring_s, *sort_l, *sort_s;
} cramp__bchan;

/* Checks cfg (its fs is replaced by fs) and fills p; the message names the
 * object (`who`, e.g. "baseline" or "onset baseline"). */
cramp_status cramp__bparams_make(cramp__bparams *p, const cramp_baseline_config *cfg, double fs,
                                 int use_rms, size_t channels, const char *who, cramp_error *err);

/* Attaches storage (4 * win_n doubles) and resets. */
void cramp__bchan_init(cramp__bchan *ch, const cramp__bparams *p, double *mem);
void cramp__bchan_reset(cramp__bchan *ch, const cramp__bparams *p);

/* Closes the current block: pushes its statistics, updates level/spread. */
void cramp__bchan_end_block(cramp__bchan *ch, const cramp__bparams *p);

/* Adds one value (a NaN or infinity counts as a frame but not as a value);
 * returns 1 when this frame completed a block (level/spread may have
 * changed), else 0. */
static inline int cramp__bchan_add(cramp__bchan *ch, const cramp__bparams *p, double v)
{
    if (isfinite(v)) {
        if (ch->nf == 0) ch->k0 = v;
        const double d = v - ch->k0;
        ch->s1 += d;
        ch->s2 += d * d;
        ch->nf++;
    }
    if (++ch->pos == p->block_n) {
        cramp__bchan_end_block(ch, p);
        return 1;
    }
    return 0;
}

/* b's levels, [c] = cramp_baseline_level(b, c) for every channel c (b not
 * NULL): b's own array, up to date after every call on b, valid until b is
 * destroyed. */
const double *cramp__baseline_level_array(const cramp_baseline *b);

#endif
