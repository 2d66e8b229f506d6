/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resting baseline: a running low quantile of block statistics over a
 * sliding window (see cramp/onset.h for the method and why it ignores
 * activity).
 *
 * Exact order statistics in constant memory: each channel keeps the last W
 * block values twice, in arrival order (a ring, to know which value leaves)
 * and sorted (to read the quantile). A new block removes the leaving value
 * from the sorted copy and inserts the new one (binary searches, then one
 * memmove of the values between the two places): O(W) moves once per block,
 * i.e. per second by default, and no rounding at all, so the level is an
 * exact function of the block values and identical for any chunking.
 *
 * Block statistics are shifted sums: s1 = sum (v - k0), s2 = sum (v - k0)^2
 * with k0 the block's first value, so the variance s2/n - (s1/n)^2 does not
 * cancel catastrophically for a signal with a large mean and a small spread
 * (an envelope). Sums restart every block: no drift over a night. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/baseline_internal.h"

#define MAX_WINDOW_BLOCKS 1000000.0

void cramp_baseline_config_default(cramp_baseline_config *cfg)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->fs = 0.0;
    cfg->statistic = CRAMP_BASELINE_RMS;
    cfg->block_s = 1.0;
    cfg->window_s = 600.0;
    cfg->quantile = 0.25;
    cfg->warmup_s = 10.0;
}

cramp_status cramp__bparams_make(cramp__bparams *p, const cramp_baseline_config *cfg, double fs,
                                 int use_rms, size_t channels, const char *who, cramp_error *err)
{
    if (!isfinite(fs) || fs <= 0.0)
        return cramp__fail(err, CRAMP_EINVAL, "%s fs = %g Hz (expected a finite rate > 0)", who,
                           fs);
    if (!isfinite(cfg->block_s) || cfg->block_s <= 0.0)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s block_s = %g s (expected a finite duration > 0)", who,
                           cfg->block_s);
    const double bn = round(cfg->block_s * fs);
    if (bn < 2.0)
        return cramp__fail(err, CRAMP_ERANGE,
                           "%s block_s = %g s is %g frames at fs = %g Hz (expected at least 2 "
                           "frames, >= %g s)", who, cfg->block_s, cfg->block_s * fs, fs,
                           1.5 / fs);
    if (bn > (double)(SIZE_MAX / 2))
        return cramp__fail(err, CRAMP_ERANGE, "%s block_s = %g s is too long at fs = %g Hz",
                           who, cfg->block_s, fs);
    if (!isfinite(cfg->window_s) || cfg->window_s < cfg->block_s)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s window_s = %g s (expected a finite duration >= block_s = %g s)",
                           who, cfg->window_s, cfg->block_s);
    const double wn = round(cfg->window_s / cfg->block_s);
    if (wn > MAX_WINDOW_BLOCKS)
        return cramp__fail(err, CRAMP_ERANGE,
                           "%s window_s / block_s = %g blocks (at most %g: lengthen block_s or "
                           "shorten window_s)", who, wn, MAX_WINDOW_BLOCKS);
    if (channels > SIZE_MAX / sizeof(double) / 4 / (size_t)wn)
        return cramp__fail(err, CRAMP_ERANGE, "%s window of %g blocks is too large for %zu "
                           "channels", who, wn, channels);
    if (!isfinite(cfg->quantile) || cfg->quantile < 0.0 || cfg->quantile > 1.0)
        return cramp__fail(err, CRAMP_EINVAL, "%s quantile = %g (expected 0 .. 1)", who,
                           cfg->quantile);
    if (!isfinite(cfg->warmup_s) || cfg->warmup_s < 0.0 || cfg->warmup_s > cfg->window_s)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s warmup_s = %g s (expected 0 .. window_s = %g s)", who,
                           cfg->warmup_s, cfg->window_s);
    p->spread = !cfg->level_only;
    p->block_n = (size_t)bn;
    p->win_n = (size_t)wn;
    double warm = ceil(cfg->warmup_s / cfg->block_s - 1e-9);
    if (warm < 1.0) warm = 1.0;
    if (warm > wn) warm = wn;
    p->warm_n = (size_t)warm;
    p->q = cfg->quantile;
    p->use_rms = use_rms;
    return CRAMP_OK;
}

void cramp__bchan_reset(cramp__bchan *ch, const cramp__bparams *p)
{
    ch->pos = ch->nf = 0;
    ch->k0 = ch->s1 = ch->s2 = 0.0;
    ch->slot = 0;
    ch->n_valid = 0;
    ch->level = ch->spread = (double)NAN;
    for (size_t i = 0; i < p->win_n; i++) ch->ring_l[i] = ch->ring_s[i] = (double)NAN;
}

void cramp__bchan_init(cramp__bchan *ch, const cramp__bparams *p, double *mem)
{
    ch->ring_l = mem;
    ch->ring_s = mem + p->win_n;
    ch->sort_l = mem + 2 * p->win_n;
    ch->sort_s = mem + 3 * p->win_n;
    cramp__bchan_reset(ch, p);
}

/* First index in sorted a[0..n) whose value is >= v (v not NaN). Without
 * branches on the data: the window's values arrive in no order, so a
 * branching search mispredicts about half its steps. */
static size_t lower_bound(const double *a, size_t n, double v)
{
    if (n == 0) return 0;
    const double *b = a;
    while (n > 1) {
        const size_t half = n / 2;
        b += b[half - 1] < v ? half : 0;
        n -= half;
    }
    return (size_t)(b - a) + (*b < v);
}

/* Removes one value equal to v from sorted a[0..n) (it is there). */
static void sorted_remove(double *a, size_t n, double v)
{
    size_t i = lower_bound(a, n, v);
    if (i >= n) i = n - 1; /* cannot happen: v was inserted */
    memmove(a + i, a + i + 1, (n - i - 1) * sizeof *a);
}

static void sorted_insert(double *a, size_t n, double v)
{
    const size_t i = lower_bound(a, n, v);
    memmove(a + i + 1, a + i, (n - i) * sizeof *a);
    a[i] = v;
}

/* sorted_remove(a, n, old) then sorted_insert(a, n - 1, v), n >= 1, with one
 * move of the values between the two places instead of two moves to the
 * end: the same array, value for value. v goes where lower_bound puts it
 * in the array without a[i], whose values below v are those of a less a[i]
 * when a[i] < v. */
static void sorted_replace(double *a, size_t n, double old, double v)
{
    size_t i = lower_bound(a, n, old);
    if (i >= n) i = n - 1; /* cannot happen: old was inserted */
    const size_t j = lower_bound(a, n, v) - (size_t)(a[i] < v);
    if (j >= i)
        memmove(a + i, a + i + 1, (j - i) * sizeof *a);
    else
        memmove(a + j + 1, a + j, (i - j) * sizeof *a);
    a[j] = v;
}

/* Type-7 quantile of sorted a[0..n), n >= 1. */
static double quantile(const double *a, size_t n, double q)
{
    const double h = q * (double)(n - 1);
    const size_t i = (size_t)h;
    if (i + 1 >= n) return a[n - 1];
    return a[i] + (h - (double)i) * (a[i + 1] - a[i]);
}

void cramp__bchan_end_block(cramp__bchan *ch, const cramp__bparams *p)
{
    double lv = (double)NAN, sv = (double)NAN;
    if (2 * ch->nf >= p->block_n) {
        const double n = (double)ch->nf;
        const double m1 = ch->s1 / n;
        double var = ch->s2 / n - m1 * m1;
        if (var < 0.0) var = 0.0;
        const double mean = ch->k0 + m1;
        sv = sqrt(var);
        lv = p->use_rms ? sqrt(var + mean * mean) : mean;
        /* An overflowing block (|v| near FLT_MAX squared) is not a level. */
        if (!isfinite(lv) || !isfinite(sv)) lv = sv = (double)NAN;
    }
    const double old_l = ch->ring_l[ch->slot], old_s = ch->ring_s[ch->slot];
    if (!isnan(old_l) && !isnan(lv)) {
        sorted_replace(ch->sort_l, ch->n_valid, old_l, lv);
        if (p->spread) sorted_replace(ch->sort_s, ch->n_valid, old_s, sv);
    } else if (!isnan(old_l)) {
        sorted_remove(ch->sort_l, ch->n_valid, old_l);
        if (p->spread) sorted_remove(ch->sort_s, ch->n_valid, old_s);
        ch->n_valid--;
    } else if (!isnan(lv)) {
        sorted_insert(ch->sort_l, ch->n_valid, lv);
        if (p->spread) sorted_insert(ch->sort_s, ch->n_valid, sv);
        ch->n_valid++;
    }
    ch->ring_l[ch->slot] = lv;
    ch->ring_s[ch->slot] = sv;
    if (++ch->slot == p->win_n) ch->slot = 0;
    if (ch->n_valid >= p->warm_n) {
        ch->level = quantile(ch->sort_l, ch->n_valid, p->q);
        ch->spread = p->spread ? quantile(ch->sort_s, ch->n_valid, p->q) : (double)NAN;
    } else {
        ch->level = ch->spread = (double)NAN;
    }
    ch->pos = ch->nf = 0;
    ch->k0 = ch->s1 = ch->s2 = 0.0;
}

/* ---- public object --------------------------------------------------------- */

struct cramp_baseline {
    size_t channels;
    cramp__bparams p;
    cramp__bchan *ch;
    double *mem;
};

cramp_status cramp_baseline_create(cramp_baseline **out, size_t channels,
                                   const cramp_baseline_config *cfg, cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "baseline create: out is NULL");
    *out = NULL;
    if (!cfg) return cramp__fail(err, CRAMP_EINVAL, "baseline create: cfg is NULL");
    if (channels == 0)
        return cramp__fail(err, CRAMP_EINVAL, "baseline channels is 0 (expected at least 1)");
    if (cfg->statistic != CRAMP_BASELINE_RMS && cfg->statistic != CRAMP_BASELINE_MEAN)
        return cramp__fail(err, CRAMP_EINVAL,
                           "baseline statistic %d is unknown (expected RMS or MEAN)",
                           (int)cfg->statistic);
    cramp__bparams p;
    cramp_status st = cramp__bparams_make(&p, cfg, cfg->fs, cfg->statistic == CRAMP_BASELINE_RMS,
                                          channels, "baseline", err);
    if (st != CRAMP_OK) return st;

    cramp_baseline *b = calloc(1, sizeof *b);
    if (!b) return cramp__fail(err, CRAMP_ENOMEM, "baseline create: out of memory");
    b->channels = channels;
    b->p = p;
    b->ch = calloc(channels, sizeof *b->ch);
    b->mem = malloc(channels * 4 * p.win_n * sizeof *b->mem);
    if (!b->ch || !b->mem) {
        cramp_baseline_destroy(b);
        return cramp__fail(err, CRAMP_ENOMEM, "baseline create: out of memory");
    }
    for (size_t c = 0; c < channels; c++)
        cramp__bchan_init(&b->ch[c], &p, b->mem + c * 4 * p.win_n);
    *out = b;
    return CRAMP_OK;
}

cramp_status cramp_baseline_process(cramp_baseline *b, const float *in, size_t frames)
{
    if (!b) return CRAMP_EINVAL;
    if (frames == 0) return CRAMP_OK;
    if (!in) return CRAMP_EINVAL;
    const size_t nch = b->channels;
    if (frames == 1) { /* the detector's case: one envelope value per channel and tick */
        for (size_t c = 0; c < nch; c++) cramp__bchan_add(&b->ch[c], &b->p, (double)in[c]);
        return CRAMP_OK;
    }
    for (size_t c = 0; c < nch; c++) {
        cramp__bchan *ch = &b->ch[c];
        const float *x = in + c;
        for (size_t i = 0; i < frames; i++) cramp__bchan_add(ch, &b->p, (double)x[i * nch]);
    }
    return CRAMP_OK;
}

double cramp_baseline_level(const cramp_baseline *b, size_t channel)
{
    if (!b || channel >= b->channels) return (double)NAN;
    return b->ch[channel].level;
}

void cramp__baseline_levels(const cramp_baseline *b, double *out)
{
    for (size_t c = 0; c < b->channels; c++) out[c] = b->ch[c].level;
}

double cramp_baseline_spread(const cramp_baseline *b, size_t channel)
{
    if (!b || channel >= b->channels) return (double)NAN;
    return b->ch[channel].spread;
}

size_t cramp_baseline_blocks(const cramp_baseline *b, size_t channel)
{
    if (!b || channel >= b->channels) return 0;
    return b->ch[channel].n_valid;
}

size_t cramp_baseline_block_frames(const cramp_baseline *b) { return b ? b->p.block_n : 0; }

void cramp_baseline_reset(cramp_baseline *b)
{
    if (!b) return;
    for (size_t c = 0; c < b->channels; c++) cramp__bchan_reset(&b->ch[c], &b->p);
}

void cramp_baseline_destroy(cramp_baseline *b)
{
    if (!b) return;
    free(b->ch);
    free(b->mem);
    free(b);
}
