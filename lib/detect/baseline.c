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
#include "detect/detect_internal.h"

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

/* The first index in sorted a[0..n) whose value is >= v (v not NaN) is
 * lower_bound(a, n, v). Searched without branches on the data: the window's
 * values arrive in no order, so a branching search mispredicts about half
 * its steps.
 *
 * lower_bound(a[i], n[i], v[i]) into out[i] for i < k (k <= SEARCHES_MAX,
 * every n[i] >= 1), the k searches interleaved step by step: their loads do
 * not wait on each other, so the cache misses of several channels' windows
 * overlap. A search that has ended steps by zero. */
#define SEARCHES_MAX 16
static void lower_bound_k(const double *const *a, const size_t *n, const double *v, size_t *out,
                          size_t k)
{
    /* The usual case, every window as long (channels with the same valid
       blocks): one length for all, so each step is a load, a compare and a
       masked add per search, the step count known from the start. The same
       indices: lower_bound has one answer. */
    int same = k > 0;
    for (size_t i = 1; i < k; i++) same &= n[i] == n[0];
    if (same) {
        size_t at[SEARCHES_MAX];
        for (size_t i = 0; i < k; i++) at[i] = 0;
        for (size_t m = n[0]; m > 1;) {
            const size_t half = m / 2;
            for (size_t i = 0; i < k; i++)
                at[i] += half & ((size_t)0 - (size_t)(a[i][at[i] + half - 1] < v[i]));
            m -= half;
        }
        for (size_t i = 0; i < k; i++) out[i] = at[i] + (a[i][at[i]] < v[i]);
        return;
    }
    const double *b[SEARCHES_MAX];
    size_t m[SEARCHES_MAX];
    int more = 0;
    for (size_t i = 0; i < k; i++) {
        b[i] = a[i];
        m[i] = n[i];
        more |= m[i] > 1;
    }
    while (more) {
        more = 0;
        for (size_t i = 0; i < k; i++) {
            const size_t half = m[i] / 2;
            /* a mask, not `? half : 0`, which the compiler made a branch */
            b[i] += half & ((size_t)0 - (size_t)(b[i][half - (half != 0)] < v[i]));
            m[i] -= half;
            more |= m[i] > 1;
        }
    }
    for (size_t i = 0; i < k; i++) out[i] = (size_t)(b[i] - a[i]) + (*b[i] < v[i]);
}

/* Removes a[i] from sorted a[0..n) (i < n; i = lower_bound of that value). */
static void sorted_remove_at(double *a, size_t n, size_t i)
{
    if (i >= n) i = n - 1; /* cannot happen: the value was inserted */
    memmove(a + i, a + i + 1, (n - i - 1) * sizeof *a);
}

/* Inserts v at i = lower_bound(a, n, v). */
static void sorted_insert_at(double *a, size_t n, size_t i, double v)
{
    memmove(a + i + 1, a + i, (n - i) * sizeof *a);
    a[i] = v;
}

/* sorted_remove_at(a, n, i) then sorted_insert_at of v in the n - 1 left,
 * n >= 1, with one move of the values between the two places instead of two
 * moves to the end: the same array, value for value. i = lower_bound(a, n,
 * old), jv = lower_bound(a, n, v); v goes where lower_bound puts it in the
 * array without a[i], whose values below v are those of a less a[i] when
 * a[i] < v. */
static void sorted_replace_at(double *a, size_t n, size_t i, size_t jv, double v)
{
    if (i >= n) i = n - 1; /* cannot happen: old was inserted */
    const size_t j = jv - (size_t)(a[i] < v);
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

/* The closing block's level lv and spread sv (NaN: not a level). */
static void block_values(const cramp__bchan *ch, const cramp__bparams *p, double *lv,
                         double *sv)
{
    *lv = *sv = (double)NAN;
    if (2 * ch->nf >= p->block_n) {
        const double n = (double)ch->nf;
        const double m1 = ch->s1 / n;
        double var = ch->s2 / n - m1 * m1;
        if (var < 0.0) var = 0.0;
        const double mean = ch->k0 + m1;
        *sv = sqrt(var);
        *lv = p->use_rms ? sqrt(var + mean * mean) : mean;
        /* An overflowing block (|v| near FLT_MAX squared) is not a level. */
        if (!isfinite(*lv) || !isfinite(*sv)) *lv = *sv = (double)NAN;
    }
}

/* The block's values into the window (the one leaving goes out), the new
 * level and spread, and the block sums restarted. at[0], at[1]: where the
 * leaving level and lv are in sort_l (lower_bound over n_valid), when each
 * is not NaN and n_valid > 0; NULL: searched here. */
static void window_push(cramp__bchan *ch, const cramp__bparams *p, double lv, double sv,
                        const size_t *at)
{
    const double old_l = ch->ring_l[ch->slot], old_s = ch->ring_s[ch->slot];
    const size_t n = ch->n_valid;
    size_t found[2];
    if (!at) {
        const double *arr[2] = {ch->sort_l, ch->sort_l};
        const size_t nn[2] = {n, n};
        const double v[2] = {isnan(old_l) ? lv : old_l, lv};
        found[0] = found[1] = 0;
        if (n > 0) lower_bound_k(arr, nn, v, found, isnan(old_l) || isnan(lv) ? 1 : 2);
        if (isnan(old_l)) found[1] = found[0];
        at = found;
    }
    if (!isnan(old_l) && !isnan(lv)) {
        sorted_replace_at(ch->sort_l, n, at[0], at[1], lv);
        if (p->spread) {
            const double *arr[2] = {ch->sort_s, ch->sort_s};
            const size_t nn[2] = {n, n};
            const double v[2] = {old_s, sv};
            lower_bound_k(arr, nn, v, found, 2);
            sorted_replace_at(ch->sort_s, n, found[0], found[1], sv);
        }
    } else if (!isnan(old_l)) {
        sorted_remove_at(ch->sort_l, n, at[0]);
        if (p->spread) {
            const double *arr[1] = {ch->sort_s};
            lower_bound_k(arr, &n, &old_s, found, 1);
            sorted_remove_at(ch->sort_s, n, found[0]);
        }
        ch->n_valid--;
    } else if (!isnan(lv)) {
        sorted_insert_at(ch->sort_l, n, at[1], lv);
        if (p->spread) {
            found[0] = 0;
            if (n > 0) {
                const double *arr[1] = {ch->sort_s};
                lower_bound_k(arr, &n, &sv, found, 1);
            }
            sorted_insert_at(ch->sort_s, n, found[0], sv);
        }
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

void cramp__bchan_end_block(cramp__bchan *ch, const cramp__bparams *p)
{
    double lv, sv;
    block_values(ch, p, &lv, &sv);
    window_push(ch, p, lv, sv, NULL);
}

/* ---- public object --------------------------------------------------------- */

/* The block being accumulated is kept here for every channel at once,
 * channels innermost (pos, the frames into it, is the same for all: every
 * call gives every channel the same frames), so that one frame's adds run as
 * vector code rather than one cramp__bchan_add call per channel; at a block
 * end the sums go into each channel's cramp__bchan, which closes the block
 * as before. */
struct cramp_baseline {
    size_t channels;
    cramp__bparams p;
    cramp__bchan *ch;
    double *mem;
    size_t pos;               /* frames into the current block */
    double *k0, *s1, *s2;     /* per channel, as cramp__bchan's */
    double *nf;               /* per channel: finite values in the block (whole) */
    double *level;            /* per channel: ch[c].level, side by side */
    /* adds one frame to those (the detector's kernel table: the best path
       here, every path the same bits) */
    void (*block_add)(double *k0, double *s1, double *s2, double *nf, const float *in,
                      size_t n);
};

static void block_clear(cramp_baseline *b)
{
    b->pos = 0;
    for (size_t c = 0; c < b->channels; c++) {
        b->k0[c] = b->s1[c] = b->s2[c] = b->nf[c] = 0.0;
    }
}

/* Closes every channel's block: the statistics into each cramp__bchan,
 * then the window searches of up to eight channels at once (lower_bound_k),
 * then each channel's window moves as cramp__bchan_end_block makes them. */
static void block_end(cramp_baseline *b)
{
    for (size_t c0 = 0; c0 < b->channels; c0 += SEARCHES_MAX / 2) {
        const size_t nc =
            b->channels - c0 < SEARCHES_MAX / 2 ? b->channels - c0 : SEARCHES_MAX / 2;
        double lv[SEARCHES_MAX / 2], sv[SEARCHES_MAX / 2], v[SEARCHES_MAX];
        const double *arr[SEARCHES_MAX];
        size_t n[SEARCHES_MAX], found[SEARCHES_MAX], at[SEARCHES_MAX], k = 0;
        for (size_t i = 0; i < nc; i++) {
            const size_t c = c0 + i;
            cramp__bchan *ch = &b->ch[c];
            ch->nf = (size_t)b->nf[c];
            ch->k0 = b->k0[c];
            ch->s1 = b->s1[c];
            ch->s2 = b->s2[c];
            block_values(ch, &b->p, &lv[i], &sv[i]);
            const double old_l = ch->ring_l[ch->slot];
            at[2 * i] = at[2 * i + 1] = SIZE_MAX; /* no search: the window is empty */
            if (ch->n_valid == 0) continue;
            const double want[2] = {old_l, lv[i]};
            for (size_t w = 0; w < 2; w++) {
                if (isnan(want[w])) continue;
                arr[k] = ch->sort_l;
                n[k] = ch->n_valid;
                v[k] = want[w];
                at[2 * i + w] = k++;
            }
        }
        lower_bound_k(arr, n, v, found, k);
        for (size_t i = 0; i < nc; i++) {
            size_t where[2];
            for (size_t w = 0; w < 2; w++)
                where[w] = at[2 * i + w] == SIZE_MAX ? 0 : found[at[2 * i + w]];
            window_push(&b->ch[c0 + i], &b->p, lv[i], sv[i], where);
            b->level[c0 + i] = b->ch[c0 + i].level;
        }
    }
    block_clear(b);
}

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
    cramp_simd simd;
    if (cramp__simd_resolve(CRAMP_SIMD_AUTO, &simd) != CRAMP_OK) simd = CRAMP_SIMD_SCALAR;
    b->block_add = cramp__detect_kernels_for(simd)->block_add;
    b->ch = calloc(channels, sizeof *b->ch);
    b->mem = malloc(channels * 4 * p.win_n * sizeof *b->mem);
    b->k0 = malloc(channels * sizeof *b->k0);
    b->s1 = malloc(channels * sizeof *b->s1);
    b->s2 = malloc(channels * sizeof *b->s2);
    b->nf = malloc(channels * sizeof *b->nf);
    b->level = malloc(channels * sizeof *b->level);
    if (!b->ch || !b->mem || !b->k0 || !b->s1 || !b->s2 || !b->nf || !b->level) {
        cramp_baseline_destroy(b);
        return cramp__fail(err, CRAMP_ENOMEM, "baseline create: out of memory");
    }
    for (size_t c = 0; c < channels; c++)
        cramp__bchan_init(&b->ch[c], &p, b->mem + c * 4 * p.win_n);
    for (size_t c = 0; c < channels; c++) b->level[c] = b->ch[c].level;
    block_clear(b);
    *out = b;
    return CRAMP_OK;
}

/* frames > 1 (apart, so that the one-frame call below needs no registers
   saved for a loop) */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void process_frames(cramp_baseline *b, const float *in, size_t frames)
{
    const size_t nch = b->channels;
    for (size_t i = 0; i < frames; i++) {
        b->block_add(b->k0, b->s1, b->s2, b->nf, in + i * nch, nch);
        if (++b->pos == b->p.block_n) block_end(b);
    }
}

cramp_status cramp_baseline_process(cramp_baseline *b, const float *in, size_t frames)
{
    if (!b) return CRAMP_EINVAL;
    if (frames == 0) return CRAMP_OK;
    if (!in) return CRAMP_EINVAL;
    if (frames > 1) {
        process_frames(b, in, frames);
        return CRAMP_OK;
    }
    /* the detector's call, one tick at a time */
    b->block_add(b->k0, b->s1, b->s2, b->nf, in, b->channels);
    if (++b->pos == b->p.block_n) block_end(b);
    return CRAMP_OK;
}

double cramp_baseline_level(const cramp_baseline *b, size_t channel)
{
    if (!b || channel >= b->channels) return (double)NAN;
    return b->ch[channel].level;
}

const double *cramp__baseline_level_array(const cramp_baseline *b) { return b->level; }

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
    for (size_t c = 0; c < b->channels; c++) {
        cramp__bchan_reset(&b->ch[c], &b->p);
        b->level[c] = b->ch[c].level;
    }
    block_clear(b);
}

void cramp_baseline_destroy(cramp_baseline *b)
{
    if (!b) return;
    free(b->ch);
    free(b->mem);
    free(b->k0);
    free(b->s1);
    free(b->s2);
    free(b->nf);
    free(b->level);
    free(b);
}
