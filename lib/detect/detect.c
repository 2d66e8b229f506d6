/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector: streaming front end and segmentation (stage 1) and the
 * episode classifier (stage 2). The rules and their reasons are in
 * cramp/detect.h. */
#include "cramp/detect.h"
#include "core/internal.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "cramp/spectral.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define TICK_RING 1024u
#define CHUNK 1024u
#define MAX_SECTIONS 64
/* histogram of block kurtosis: KBINS bins of KBIN_W from KBIN_LO (values
   outside go to the end bins; the median is only compared with a threshold
   well inside the range) */
#define KBINS 300u
#define KBIN_LO (-1.0)
#define KBIN_W 0.02


void cramp_detect_config_default(cramp_detect_config *c)
{
    memset(c, 0, sizeof *c);
    c->fs = 0;
    c->band_lo_hz = 20;
    c->band_hi_hz = 450;
    c->band_order = 2;
    c->mains_hz = 50;
    c->notch_q = 30;
    c->tick_s = 0.01;
    c->env_window_s = 0.1;
    cramp_baseline_config_default(&c->baseline);
    c->onset_uv = 8;
    c->onset_k = 2;
    c->offset_uv = 2;
    c->offset_k = 0.5;
    c->off_hold_s = 0.5;
    c->min_duration_s = 0.5;
    c->flat_min_s = 1;
    c->lf_onset_uv = 20;
    c->lf_onset_k = 3;
    c->lf_offset_uv = 5;
    c->lf_offset_k = 1;
    c->lf_hold_s = 0.25;
    c->lf_min_s = 0.1;
    c->spectral_window_s = 0.5;
    c->involve_fraction = 0.3;
    c->concurrent_fraction = 0.5;
    c->lf_ratio = 0.5;
    c->clip_fraction = 0.001;
    c->movement_min_s = 3;
    c->movement_max_s = 45;
    c->lm_min_s = 0.5;
    c->lm_max_s = 10;
    c->plm_min_count = 4;
    c->plm_min_interval_s = 10;
    c->plm_max_interval_s = 90;
    c->bilateral_s = 5;
    c->cramp_min_s = 5;
    c->sparse_block_s = 0.25;
    c->sparse_kurtosis = 0.2;
    c->sparse_min_hz = 200;
    c->sparse_min_blocks = 8;
}

/* ---- labels ------------------------------------------------------------- */

static int word_is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && strncmp(w, s, n) == 0;
}

static int word_starts(const char *w, size_t n, const char *s)
{
    size_t m = strlen(s);
    return n >= m && strncmp(w, s, m) == 0;
}

void cramp_detect_channel_from_label(const char *label, cramp_detect_channel *ch)
{
    ch->leg = -1;
    ch->muscle = -1;
    ch->phys_min = (double)NAN;
    ch->phys_max = (double)NAN;
    if (!label) return;
    char buf[96];
    size_t n = 0;
    for (const char *p = label; *p && n + 1 < sizeof buf; p++)
        buf[n++] = (char)tolower((unsigned char)*p);
    buf[n] = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && !isalnum((unsigned char)buf[i])) i++;
        size_t j = i;
        while (j < n && isalpha((unsigned char)buf[j])) j++;
        const char *w = buf + i;
        size_t len = j - i;
        if (len == 0) {
            while (j < n && isalnum((unsigned char)buf[j])) j++;
            i = j;
            continue;
        }
        if (word_is(w, len, "l") || word_is(w, len, "left") || word_is(w, len, "lt"))
            ch->leg = 0;
        else if (word_is(w, len, "r") || word_is(w, len, "right") || word_is(w, len, "rt"))
            ch->leg = 1;
        else if (word_starts(w, len, "gas") || word_is(w, len, "calf") || word_is(w, len, "gm") ||
                 word_is(w, len, "gl"))
            ch->muscle = CRAMP_MUSCLE_GAS;
        else if (word_is(w, len, "ta") || word_starts(w, len, "tib"))
            ch->muscle = CRAMP_MUSCLE_TA;
        else if (word_starts(w, len, "sol"))
            ch->muscle = CRAMP_MUSCLE_SOL;
        else if (word_is(w, len, "ah") || word_is(w, len, "foot") || word_starts(w, len, "hall"))
            ch->muscle = CRAMP_MUSCLE_FOOT;
        else if (word_is(w, len, "vl") || word_is(w, len, "thigh") || word_starts(w, len, "quad") ||
                 word_starts(w, len, "ham"))
            ch->muscle = CRAMP_MUSCLE_THIGH;
        i = j;
    }
}

/* ---- stage 1 ------------------------------------------------------------ */

typedef struct chan {
    float rail_lo, rail_hi;
    int rails;
    /* EMG segment */
    int active;
    uint64_t on_tick, next_add, quiet_start, last_end_tick;
    size_t quiet_n;
    double rest, rest_lf, thr_on, thr_off;
    double s_bp, s_lf, env_peak;
    float s_peak;
    uint64_t s_clip, s_flat, s_n;
    double mnf0, mdf0;
    int start_done;
    /* sparseness: the current block's sums and the segment's histogram of
       block kurtosis (d->khist + c * KBINS) */
    double blk_s2, blk_s4;
    size_t blk_n;
    uint64_t k_blocks;
    /* flat run */
    uint64_t flat_start, flat_run;
    /* LF (motion band) segment */
    int lf_active;
    uint64_t lf_on, lf_cross, lf_quiet_start, lf_last_end;
    size_t lf_quiet_n;
    double lf_rest, lf_thr_off2, lf_sum, lf_sum_q, lf_peak2;
    double lf_Lc, lf_on2;  /* the level the onset threshold was made from; its square */
} chan;

struct cramp_detector {
    cramp_detect_config cfg;
    size_t C;
    double fs;
    size_t D;            /* frames per tick */
    size_t W;            /* ticks per envelope window */
    size_t hold;         /* ticks of quiet hold */
    size_t lag;          /* ticks an active segment's sums lag behind */
    size_t min_ticks, flat_ticks;
    size_t SB;           /* ticks per sparseness block; 0: measure off */
    size_t lf_hold, lf_min_ticks;
    size_t lf_settle;    /* ticks after a start before LF onsets count */
    size_t E;            /* spectral window, frames */
    size_t R;            /* band-passed history kept, frames */
    size_t RB;           /* band-passed ring, frames: R + CHUNK (the band-pass
                            writes a chunk ahead of the frames processed) */
    double lo_hz, hi_hz;
    size_t n_notch;
    cramp_filter *bp, *hp, *lf;
    cramp_baseline *base, *base_lf;
    cramp_spectral *spec;
    float *raw, *xh, *xl;             /* CHUNK * C */
    float *ring;                      /* RB * C, frame-major */
    /* current tick, one lane per channel (structure of arrays, so the
       per-sample loop runs channels innermost on whole vectors): float sums
       over one tick (tens of samples; relative error ~1e-6), moved into
       double per tick. accumulate starts the sums afresh on a tick's first
       frame (pos == 0), so they are never zeroed separately */
    float a_bp[CRAMP_DETECT_MAX_CHANNELS], a_lf[CRAMP_DETECT_MAX_CHANNELS],
        a_max[CRAMP_DETECT_MAX_CHANNELS];
    float a_q[CRAMP_DETECT_MAX_CHANNELS]; /* sum of b^4 */
    float a_prev[CRAMP_DETECT_MAX_CHANNELS];
    float a_lo[CRAMP_DETECT_MAX_CHANNELS], a_hi[CRAMP_DETECT_MAX_CHANNELS]; /* rails */
    uint32_t a_clip[CRAMP_DETECT_MAX_CHANNELS], a_flat[CRAMP_DETECT_MAX_CHANNELS];
    int avx2;                         /* per-sample loop on AVX2 */
    /* per-tick values, tick-major: [(j % TICK_RING) * C + c] */
    double *tk_bp, *tk_lf, *tk_q;     /* C * TICK_RING */
    uint32_t *khist;                  /* C * KBINS */
    float *tk_max;
    uint32_t *tk_clip, *tk_flat;
    float *envv, *lfv;                /* C */
    double bp_run[CRAMP_DETECT_MAX_CHANNELS];  /* band: window power sum */
    double lf_run[CRAMP_DETECT_MAX_CHANNELS];  /* motion band: window power sum */
    double lfenv2[CRAMP_DETECT_MAX_CHANNELS];  /* and its mean square, uV^2 */
    float *win;                       /* E */
    chan *ch;
    uint64_t frames, ticks;
    size_t pos;                       /* frames into the current tick */
    int started, priming;
    /* output of the current call */
    cramp_activity *out;
    size_t out_cap, n_out;
};

static void reset_front(cramp_detector *d)
{
    cramp_filter_reset(d->bp);
    cramp_filter_reset(d->hp);
    cramp_filter_reset(d->lf);
    for (size_t c = 0; c < d->C; c++) {
        chan *h = &d->ch[c];
        float lo = h->rail_lo, hi = h->rail_hi;
        int rails = h->rails;
        memset(h, 0, sizeof *h);
        h->rail_lo = lo;
        h->rail_hi = hi;
        h->rails = rails;
        h->mnf0 = h->mdf0 = (double)NAN;
        h->lf_Lc = (double)NAN; /* the LF onset threshold is made on first use */
        d->a_bp[c] = d->a_lf[c] = d->a_max[c] = d->a_prev[c] = d->a_q[c] = 0;
        d->a_clip[c] = d->a_flat[c] = 0;
        d->a_lo[c] = rails ? lo : -HUGE_VALF;
        d->a_hi[c] = rails ? hi : HUGE_VALF;
    }
    memset(d->tk_bp, 0, d->C * TICK_RING * sizeof *d->tk_bp);
    memset(d->tk_lf, 0, d->C * TICK_RING * sizeof *d->tk_lf);
    memset(d->tk_q, 0, d->C * TICK_RING * sizeof *d->tk_q);
    memset(d->khist, 0, d->C * KBINS * sizeof *d->khist);
    memset(d->tk_max, 0, d->C * TICK_RING * sizeof *d->tk_max);
    memset(d->tk_clip, 0, d->C * TICK_RING * sizeof *d->tk_clip);
    memset(d->tk_flat, 0, d->C * TICK_RING * sizeof *d->tk_flat);
    memset(d->ring, 0, d->C * d->RB * sizeof *d->ring);
    memset(d->bp_run, 0, sizeof d->bp_run);
    memset(d->lf_run, 0, sizeof d->lf_run);
    d->frames = 0;
    d->ticks = 0;
    d->pos = 0;
    d->started = 0;
}

void cramp_detector_destroy(cramp_detector *d)
{
    if (!d) return;
    cramp_filter_destroy(d->bp);
    cramp_filter_destroy(d->hp);
    cramp_filter_destroy(d->lf);
    cramp_baseline_destroy(d->base);
    cramp_baseline_destroy(d->base_lf);
    cramp_spectral_destroy(d->spec);
    free(d->raw);
    free(d->xh);
    free(d->xl);
    free(d->ring);
    free(d->tk_bp);
    free(d->tk_lf);
    free(d->tk_q);
    free(d->khist);
    free(d->tk_max);
    free(d->tk_clip);
    free(d->tk_flat);
    free(d->envv);
    free(d->lfv);
    free(d->win);
    free(d->ch);
    free(d);
}

static int pos_finite(double x) { return isfinite(x) && x > 0; }

/* A threshold above the resting level L: L + max(uv, k L) (the AASM margin
   in uV, or a multiple of rest on a noisy channel). Inline, not libm fmax,
   whose call showed in the per-tick loop's profile. */
static inline double above_rest(double L, double uv, double k)
{
    const double m = k * L;
    return L + (uv > m ? uv : m);
}

cramp_status cramp_detector_create(cramp_detector **out, size_t channels,
                                   const cramp_detect_config *cfg,
                                   const cramp_detect_channel *chi, cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "detector: out is NULL");
    *out = NULL;
    if (!cfg) return cramp__fail(err, CRAMP_EINVAL, "detector: cfg is NULL");
    if (channels == 0 || channels > CRAMP_DETECT_MAX_CHANNELS)
        return cramp__fail(err, CRAMP_EINVAL, "detector: channels %zu, expected 1..%d", channels,
                    CRAMP_DETECT_MAX_CHANNELS);
    const double fs = cfg->fs;
    if (!pos_finite(fs)) return cramp__fail(err, CRAMP_EINVAL, "detector: fs %g, expected > 0", fs);
    struct {
        const char *name;
        double v;
    } pos[] = {{"band_hi_hz", cfg->band_hi_hz},       {"notch_q", cfg->notch_q},
               {"tick_s", cfg->tick_s},               {"env_window_s", cfg->env_window_s},
               {"onset_uv", cfg->onset_uv},           {"off_hold_s", cfg->off_hold_s},
               {"flat_min_s", cfg->flat_min_s},       {"spectral_window_s", cfg->spectral_window_s},
               {"lf_onset_uv", cfg->lf_onset_uv},     {"lf_hold_s", cfg->lf_hold_s},
               {"lf_min_s", cfg->lf_min_s}};
    for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++)
        if (!pos_finite(pos[i].v))
            return cramp__fail(err, CRAMP_EINVAL, "detector: %s %g, expected a number > 0", pos[i].name,
                        pos[i].v);
    if (!(cfg->band_lo_hz >= 0) || !isfinite(cfg->band_lo_hz) || !(cfg->onset_k >= 0) ||
        !(cfg->offset_uv >= 0) || !(cfg->offset_k >= 0) || !(cfg->min_duration_s >= 0) ||
        !(cfg->mains_hz >= 0) || !isfinite(cfg->onset_k) || !isfinite(cfg->offset_k) ||
        !(cfg->lf_onset_k >= 0) || !isfinite(cfg->lf_onset_k) || !(cfg->lf_offset_uv >= 0) ||
        !isfinite(cfg->lf_offset_uv) || !(cfg->lf_offset_k >= 0) || !isfinite(cfg->lf_offset_k))
        return cramp__fail(err, CRAMP_EINVAL,
                    "detector: band_lo_hz, onset_k, offset_uv, offset_k, min_duration_s, "
                    "mains_hz and the lf_ thresholds must be finite and >= 0");
    if (!(cfg->sparse_block_s >= 0) || !isfinite(cfg->sparse_block_s) ||
        !isfinite(cfg->sparse_kurtosis) || !(cfg->sparse_min_hz >= 0) ||
        !isfinite(cfg->sparse_min_hz))
        return cramp__fail(err, CRAMP_EINVAL,
                           "detector: sparse_block_s and sparse_min_hz must be finite and >= 0, "
                           "sparse_kurtosis finite");
    if (cfg->band_order < 1 || cfg->band_order > 5)
        return cramp__fail(err, CRAMP_EINVAL, "detector: band_order %d, expected 1..5",
                    cfg->band_order);

    cramp_detector *d = calloc(1, sizeof *d);
    if (!d) return cramp__fail(err, CRAMP_ENOMEM, "detector: out of memory");
    d->cfg = *cfg;
    d->C = channels;
    d->fs = fs;
    double dd = round(cfg->tick_s * fs);
    if (dd < 1) dd = 1;
    d->D = (size_t)dd;
    const double tick = (double)d->D / fs;
    d->W = (size_t)fmax(1, round(cfg->env_window_s / tick));
    d->hold = (size_t)fmax(1, round(cfg->off_hold_s / tick));
    d->min_ticks = (size_t)round(cfg->min_duration_s / tick);
    d->flat_ticks = (size_t)fmax(1, round(cfg->flat_min_s / tick));
    d->lf_hold = (size_t)fmax(1, round(cfg->lf_hold_s / tick));
    d->lf_min_ticks = (size_t)fmax(1, round(cfg->lf_min_s / tick));
    /* the 0.5-Hz high-pass starts in the steady state of the first sample,
       which carries that sample's noise (or EMG): an offset decaying with
       tau = 1 / (2 pi 0.5 Hz) = 0.32 s. After 3 s (9.4 tau) it is below
       1e-4 of itself, so LF onsets are not taken before then. */
    d->lf_settle = (size_t)ceil(3.0 / tick);
    d->lag = d->hold + d->W + 4;
    cramp_status st = CRAMP_OK;
    if (d->lag + d->W + 8 > TICK_RING) {
        st = cramp__fail(err, CRAMP_ERANGE,
                  "detector: off_hold_s + env_window_s span %zu ticks of %g s; at most %u",
                  d->lag + d->W, tick, TICK_RING - 8);
        goto bad;
    }
    d->E = (size_t)round(cfg->spectral_window_s * fs);
    d->R = d->E + (d->lag + d->W + 4) * d->D;
    if (d->R < (size_t)(2 * fs)) d->R = (size_t)(2 * fs);
    d->RB = d->R + CHUNK;

    /* band-pass + comb */
    cramp_biquad sos[MAX_SECTIONS];
    size_t ns = 0, n1 = 0;
    unsigned flags = 0;
    st = cramp_band_clamp(fs, cfg->band_lo_hz, cfg->band_hi_hz, 0.9, &d->lo_hz, &d->hi_hz,
                          &flags, err);
    if (st != CRAMP_OK) goto bad;
    cramp_butter_spec bs = {d->lo_hz > 0 ? CRAMP_BANDPASS : CRAMP_LOWPASS, cfg->band_order, fs,
                            d->lo_hz > 0 ? d->lo_hz : d->hi_hz, d->hi_hz};
    st = cramp_butter_design(&bs, sos, MAX_SECTIONS, &ns, err);
    if (st != CRAMP_OK) goto bad;
    if (cfg->mains_hz > 0 && cfg->mains_hz < fs / 2) {
        cramp_biquad comb[MAX_SECTIONS * 4];
        size_t nc = 0;
        size_t need = cramp_comb_sections(fs, cfg->mains_hz);
        if (need > sizeof comb / sizeof comb[0]) need = sizeof comb / sizeof comb[0];
        st = cramp_comb_design(fs, cfg->mains_hz, cfg->notch_q, comb, need, &nc, err);
        if (st != CRAMP_OK && st != CRAMP_ERANGE) goto bad;
        st = CRAMP_OK;
        for (size_t k = 0; k < nc && ns < MAX_SECTIONS; k++) {
            if ((double)(k + 1) * cfg->mains_hz > 1.25 * d->hi_hz) break;
            sos[ns++] = comb[k];
            d->n_notch++;
        }
    }
    if (cfg->sparse_block_s > 0 && d->hi_hz >= cfg->sparse_min_hz)
        d->SB = (size_t)fmax(1, round(cfg->sparse_block_s / tick));
    st = cramp_filter_create(&d->bp, sos, ns, channels, NULL);
    if (st != CRAMP_OK) {
        cramp__fail(err, st, "detector: band-pass filter: %s", cramp_strerror(st));
        goto bad;
    }
    /* DC removal of the raw signal and its motion band */
    cramp_butter_spec hs = {CRAMP_HIGHPASS, 1, fs, 0.5, 0};
    st = cramp_butter_design(&hs, sos, MAX_SECTIONS, &n1, err);
    if (st != CRAMP_OK) goto bad;
    st = cramp_filter_create(&d->hp, sos, n1, channels, NULL);
    if (st != CRAMP_OK) goto bad;
    cramp_butter_spec ls = {CRAMP_LOWPASS, 2, fs, fmin(20.0, 0.45 * fs), 0};
    st = cramp_butter_design(&ls, sos, MAX_SECTIONS, &n1, err);
    if (st != CRAMP_OK) goto bad;
    st = cramp_filter_create(&d->lf, sos, n1, channels, NULL);
    if (st != CRAMP_OK) goto bad;

    cramp_baseline_config bc = cfg->baseline;
    bc.fs = fs / (double)d->D;
    bc.statistic = CRAMP_BASELINE_MEAN;
    bc.level_only = 1; /* the detector uses the level only */
    st = cramp_baseline_create(&d->base, channels, &bc, err);
    if (st != CRAMP_OK) goto bad;
    st = cramp_baseline_create(&d->base_lf, channels, &bc, err);
    if (st != CRAMP_OK) goto bad;

    cramp_spectral_config sc;
    cramp_spectral_config_default(&sc);
    sc.fs = fs;
    sc.epoch_s = (double)d->E / fs;
    sc.segment_s = sc.epoch_s / 2;
    sc.wisdom_path = "";
    st = cramp_spectral_create(&d->spec, 1, &sc, err);
    if (st != CRAMP_OK) goto bad;

    d->raw = malloc(CHUNK * channels * sizeof *d->raw);
    d->xh = malloc(CHUNK * channels * sizeof *d->xh);
    d->xl = malloc(CHUNK * channels * sizeof *d->xl);
    d->ring = malloc(d->RB * channels * sizeof *d->ring);
    d->tk_bp = malloc(TICK_RING * channels * sizeof *d->tk_bp);
    d->tk_lf = malloc(TICK_RING * channels * sizeof *d->tk_lf);
    d->tk_q = malloc(TICK_RING * channels * sizeof *d->tk_q);
    d->khist = malloc(KBINS * channels * sizeof *d->khist);
    d->tk_max = malloc(TICK_RING * channels * sizeof *d->tk_max);
    d->tk_clip = malloc(TICK_RING * channels * sizeof *d->tk_clip);
    d->tk_flat = malloc(TICK_RING * channels * sizeof *d->tk_flat);
    d->envv = malloc(channels * sizeof *d->envv);
    d->lfv = malloc(channels * sizeof *d->lfv);
    d->win = malloc((d->E ? d->E : 1) * sizeof *d->win);
    d->ch = calloc(channels, sizeof *d->ch);
    if (!d->raw || !d->xh || !d->xl || !d->ring || !d->tk_bp ||
        !d->tk_lf || !d->tk_q || !d->khist || !d->tk_max || !d->tk_clip || !d->tk_flat || !d->envv || !d->lfv ||
        !d->win || !d->ch) {
        st = cramp__fail(err, CRAMP_ENOMEM, "detector: out of memory");
        goto bad;
    }
    for (size_t c = 0; c < channels; c++) {
        chan *h = &d->ch[c];
        if (chi && isfinite(chi[c].phys_min) && isfinite(chi[c].phys_max) &&
            chi[c].phys_max > chi[c].phys_min) {
            double r = chi[c].phys_max - chi[c].phys_min;
            h->rail_lo = (float)(chi[c].phys_min + 1e-3 * r);
            h->rail_hi = (float)(chi[c].phys_max - 1e-3 * r);
            h->rails = 1;
        }
    }
#if defined(CRAMP_HAVE_X86_KERNELS) && defined(__GNUC__)
    __builtin_cpu_init();
    d->avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
    reset_front(d);
    *out = d;
    return CRAMP_OK;
bad:
    cramp_detector_destroy(d);
    return st;
}

void cramp_detector_band(const cramp_detector *d, double *lo, double *hi, size_t *notches)
{
    if (lo) *lo = d ? d->lo_hz : (double)NAN;
    if (hi) *hi = d ? d->hi_hz : (double)NAN;
    if (notches) *notches = d ? d->n_notch : 0;
}

double cramp_detector_rest(const cramp_detector *d, size_t c)
{
    if (!d || c >= d->C) return (double)NAN;
    return cramp_baseline_level(d->base, c);
}

uint64_t cramp_detector_frames(const cramp_detector *d) { return d ? d->frames : 0; }

size_t cramp_detector_max_output(const cramp_detector *d, size_t frames)
{
    if (!d) return 0;
    size_t ticks = frames / d->D + 2;
    size_t gap = d->hold < d->flat_ticks ? d->hold : d->flat_ticks;
    if (d->lf_hold < gap) gap = d->lf_hold;
    return d->C * 3 * (ticks / gap + 2);
}

void cramp_detector_reset(cramp_detector *d)
{
    if (!d) return;
    cramp_baseline_reset(d->base);
    cramp_baseline_reset(d->base_lf);
    reset_front(d);
    d->priming = 0;
}

void cramp_detector_destroy(cramp_detector *d);

/* MNF and MDF of frames [f0, f0 + E) of channel c from the ring. */
static void spectrum_at(cramp_detector *d, size_t c, uint64_t f0, double *mnf, double *mdf)
{
    *mnf = *mdf = (double)NAN;
    if (d->E < 4 || f0 + d->E > d->frames || d->frames - f0 > d->R) return;
    for (size_t i = 0; i < d->E; i++) d->win[i] = d->ring[(size_t)((f0 + i) % d->RB) * d->C + c];
    cramp_spectral_reset(d->spec);
    cramp_spectral_result res;
    size_t n = 0;
    if (cramp_spectral_process(d->spec, d->win, d->E, &res, 1, &n) == CRAMP_OK && n == 1) {
        *mnf = res.mnf_hz;
        *mdf = res.mdf_hz;
    }
}

static void emit(cramp_detector *d, const cramp_activity *a)
{
    if (d->n_out < d->out_cap) d->out[d->n_out++] = *a;
}

/* Index of channel c's tick j in the tick ring. */
static inline size_t tk_at(const cramp_detector *d, size_t c, uint64_t j)
{
    return (size_t)(j % TICK_RING) * d->C + c;
}

static void add_tick(cramp_detector *d, size_t c, uint64_t j)
{
    chan *h = &d->ch[c];
    size_t k = tk_at(d, c, j);
    h->s_bp += d->tk_bp[k];
    h->s_lf += d->tk_lf[k];
    if (d->tk_max[k] > h->s_peak) h->s_peak = d->tk_max[k];
    h->s_clip += d->tk_clip[k];
    h->s_flat += d->tk_flat[k];
    h->s_n += d->D;
    if (d->SB == 0) return;
    h->blk_s2 += d->tk_bp[k];
    h->blk_s4 += d->tk_q[k];
    if (++h->blk_n < d->SB) return;
    /* a finished block: excess kurtosis of the activity, the resting noise
       (variance rest^2, Gaussian: no fourth cumulant) taken out; blocks
       whose power is under twice the noise's are too noisy to use */
    const double n = (double)(d->SB * d->D);
    const double m2 = h->blk_s2 / n, m4 = h->blk_s4 / n, v = h->rest * h->rest;
    h->blk_s2 = h->blk_s4 = 0;
    h->blk_n = 0;
    if (!(m2 > 2 * v) || !(m2 > 0)) return;
    const double kurt = (m4 - 3 * m2 * m2) / ((m2 - v) * (m2 - v));
    double b = floor((kurt - KBIN_LO) / KBIN_W);
    if (!(b >= 0)) b = 0; /* also NaN */
    if (b > KBINS - 1) b = KBINS - 1;
    d->khist[c * KBINS + (size_t)b]++;
    h->k_blocks++;
}

/* Median of channel c's block kurtosis histogram (linear within the bin). */
static double khist_median(const cramp_detector *d, size_t c, uint64_t n)
{
    const uint32_t *hst = d->khist + c * KBINS;
    const double half = 0.5 * (double)n;
    double below = 0;
    for (size_t b = 0; b < KBINS; b++) {
        if (below + hst[b] >= half && hst[b] > 0)
            return KBIN_LO + KBIN_W * ((double)b + (half - below) / hst[b]);
        below += hst[b];
    }
    return (double)NAN;
}

static void close_segment(cramp_detector *d, size_t c, uint64_t off_tick)
{
    chan *h = &d->ch[c];
    while (h->next_add < off_tick) add_tick(d, c, h->next_add++);
    h->active = 0;
    h->last_end_tick = off_tick;
    if (off_tick < h->on_tick + (d->min_ticks ? d->min_ticks : 1)) return;
    const double tick = (double)d->D / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_EMG;
    a.onset_s = (double)h->on_tick * tick;
    a.offset_s = (double)off_tick * tick;
    double n = h->s_n ? (double)h->s_n : 1.0;
    a.rms_uv = sqrt(h->s_bp / n);
    a.rest_uv = h->rest;
    a.peak_uv = (double)h->s_peak;
    a.env_peak_uv = h->env_peak;
    a.bp_excess_uv2 = fmax(0, h->s_bp / n - h->rest * h->rest);
    double rl = isfinite(h->rest_lf) ? h->rest_lf : 0;
    a.lf_excess_uv2 = fmax(0, h->s_lf / n - rl * rl);
    a.kurtosis_blocks = (size_t)h->k_blocks;
    a.kurtosis = h->k_blocks ? khist_median(d, c, h->k_blocks) : (double)NAN;
    a.clip_fraction = (double)h->s_clip / n;
    a.flat_fraction = (double)h->s_flat / n;
    uint64_t on_f = h->on_tick * d->D, off_f = off_tick * d->D;
    if (off_f - on_f >= d->E) {
        if (!h->start_done) spectrum_at(d, c, on_f, &h->mnf0, &h->mdf0);
        a.mnf_start_hz = h->mnf0;
        a.mdf_start_hz = h->mdf0;
        spectrum_at(d, c, off_f - d->E, &a.mnf_end_hz, &a.mdf_end_hz);
    } else {
        a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    }
    emit(d, &a);
}

static void emit_flat(cramp_detector *d, size_t c, uint64_t t0, uint64_t t1)
{
    const double tick = (double)d->D / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_FLAT;
    a.onset_s = (double)t0 * tick;
    a.offset_s = (double)t1 * tick;
    a.rest_uv = cramp_baseline_level(d->base, c);
    a.flat_fraction = 1;
    a.kurtosis = (double)NAN;
    a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    emit(d, &a);
}

static void close_lf(cramp_detector *d, size_t c, uint64_t off_tick)
{
    chan *h = &d->ch[c];
    h->lf_active = 0;
    h->lf_last_end = off_tick;
    /* lf_min_s counts from the crossing of the onset threshold, so the
       backtracked start does not lengthen a brief crossing into a segment */
    if (off_tick < h->lf_cross + d->lf_min_ticks) return;
    const double tick = (double)d->D / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_LF;
    a.onset_s = (double)h->lf_on * tick;
    a.offset_s = (double)off_tick * tick;
    a.rest_uv = h->lf_rest;
    a.env_peak_uv = sqrt(h->lf_peak2);
    const double n = (double)(off_tick - h->lf_on) * (double)d->D;
    a.lf_excess_uv2 = fmax(0, h->lf_sum_q / n - h->lf_rest * h->lf_rest);
    a.kurtosis = (double)NAN;
    a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    emit(d, &a);
}

/* out[c] = (float)sqrt(num[c] / den) for c < n, num >= 0, den > 0: the
 * same IEEE division and square root as the scalar expression, two lanes at
 * a time (the libm call, with its errno path, keeps the compiler from
 * vectorising it). */
static void sqrt_ratio(const double *num, double den, float *out, size_t n)
{
    size_t c = 0;
#if defined(__SSE2__)
    const __m128d dv = _mm_set1_pd(den);
    for (; c + 2 <= n; c += 2) {
        __m128d v = _mm_sqrt_pd(_mm_div_pd(_mm_loadu_pd(num + c), dv));
        double r[2];
        _mm_storeu_pd(r, v);
        out[c] = (float)r[0];
        out[c + 1] = (float)r[1];
    }
#endif
    for (; c < n; c++) out[c] = (float)sqrt(num[c] / den);
}

#if defined(__GNUC__)
#define ACC_INLINE static inline __attribute__((always_inline))
#else
#define ACC_INLINE static inline
#endif

/* Brings s[c], the sum of ring (tk_bp or tk_lf) over the window's ticks j,
 * j - 1, ..., j - w + 1, up to date: a running sum (add tick j, drop tick
 * j - W), summed afresh from the ring every 256 ticks so rounding cannot
 * build up. The same for every channel count and any split of the input (it
 * depends on tick numbers only); channels innermost. */
ACC_INLINE void window_sum(const cramp_detector *d, const double *ring, uint64_t j, size_t w,
                           double *restrict s, size_t NC)
{
    const double *restrict tn = ring + tk_at(d, 0, j);
    if (j % 256 == 0) {
        for (size_t c = 0; c < NC; c++) s[c] = 0;
        for (size_t i = 0; i < w; i++) {
            const double *restrict t = ring + tk_at(d, 0, j - i);
            for (size_t c = 0; c < NC; c++) s[c] += t[c];
        }
    } else if (j >= d->W) {
        const double *restrict to = ring + tk_at(d, 0, j - d->W);
        for (size_t c = 0; c < NC; c++) s[c] += tn[c] - to[c];
    } else {
        for (size_t c = 0; c < NC; c++) s[c] += tn[c];
    }
}

/* Moves the finished tick j's lanes into the tick ring and updates the
 * window sums of the band (bp_run) and the motion band (lf_run). NC is a
 * constant at the common call sites, so the loops become straight vector
 * code rather than runtime-trip-count loops with epilogues or memcpy
 * calls. */
ACC_INLINE void tick_lanes(cramp_detector *d, uint64_t j, size_t w, size_t NC)
{
    const size_t k0 = tk_at(d, 0, j);
    /* not restrict: window_sum reads these ticks back through the ring */
    double *bp = d->tk_bp + k0, *lf = d->tk_lf + k0, *restrict tq = d->tk_q + k0;
    float *restrict tmax = d->tk_max + k0;
    uint32_t *restrict tclip = d->tk_clip + k0, *restrict tflat = d->tk_flat + k0;
    for (size_t c = 0; c < NC; c++) {
        bp[c] = (double)d->a_bp[c];
        lf[c] = (double)d->a_lf[c];
        tq[c] = (double)d->a_q[c];
        tmax[c] = d->a_max[c];
        tclip[c] = d->a_clip[c];
        tflat[c] = d->a_flat[c];
    }
    window_sum(d, d->tk_bp, j, w, d->bp_run, NC);
    window_sum(d, d->tk_lf, j, w, d->lf_run, NC);
}

/* Tick j (frames [j D, (j + 1) D)) is complete. */
static void tick_done(cramp_detector *d)
{
    const uint64_t j = d->ticks;
    const size_t C = d->C;
    const double Dd = (double)d->D;
    {
        /* channels innermost throughout, each channel summed in the same
           order as one channel at a time would be */
        const size_t w = (size_t)((j + 1) < d->W ? (j + 1) : d->W);
        switch (C) {
        case 1: tick_lanes(d, j, w, 1); break;
        case 2: tick_lanes(d, j, w, 2); break;
        case 4: tick_lanes(d, j, w, 4); break;
        case 8: tick_lanes(d, j, w, 8); break;
        case 16: tick_lanes(d, j, w, 16); break;
        default: tick_lanes(d, j, w, C); break;
        }
        sqrt_ratio(d->tk_lf + tk_at(d, 0, j), Dd, d->lfv, C);
        const double den = (double)w * Dd;
        sqrt_ratio(d->bp_run, den, d->envv, C);
        for (size_t c = 0; c < C; c++) d->lfenv2[c] = d->lf_run[c] / den;
    }
    cramp_baseline_process(d->base, d->envv, 1);
    cramp_baseline_process(d->base_lf, d->lfv, 1);
    d->ticks = j + 1;
    if (d->priming) return;

    const uint64_t half = d->W / 2;
    for (size_t c = 0; c < C; c++) {
        chan *h = &d->ch[c];
        size_t k = tk_at(d, c, j);
        /* flat line */
        if (d->tk_flat[k] == d->D) {
            if (h->flat_run == 0) h->flat_start = j;
            h->flat_run++;
        } else {
            if (h->flat_run >= d->flat_ticks) emit_flat(d, c, h->flat_start, j);
            h->flat_run = 0;
        }
        const uint64_t centre = j + 1 >= half ? j + 1 - half : 0;
        {
            /* motion band: the same hysteresis on the 0.5-20 Hz envelope */
            const double le2 = d->lfenv2[c];
            if (!h->lf_active) {
                const double L = cramp_baseline_level(d->base_lf, c);
                if (L != h->lf_Lc) { /* changes once per baseline block */
                    h->lf_Lc = L;
                    const double t = above_rest(L, d->cfg.lf_onset_uv, d->cfg.lf_onset_k);
                    h->lf_on2 = t * t;
                }
                if (le2 >= h->lf_on2 && isfinite(L) && h->flat_run == 0 && j >= d->lf_settle) {
                    h->lf_active = 1;
                    /* the onset: back from the crossing while the envelope
                       stays above the offset threshold (a motion artefact
                       rises slowly, so the crossing of the higher threshold
                       is late), at most 5 s and not before the last LF
                       segment or the settling time */
                    const double thr_off = above_rest(L, d->cfg.lf_offset_uv, d->cfg.lf_offset_k);
                    const double lim2 = thr_off * thr_off * (double)(d->W * d->D);
                    uint64_t floor_t = h->lf_last_end > d->lf_settle ? h->lf_last_end : d->lf_settle;
                    const uint64_t back = (uint64_t)(5 * d->fs / (double)d->D);
                    if (j > back && j - back > floor_t) floor_t = j - back;
                    uint64_t ib = j;
                    while (ib > floor_t + d->W) {
                        double e2 = 0;
                        for (size_t q = 0; q < d->W; q++) e2 += d->tk_lf[tk_at(d, c, ib - 1 - q)];
                        if (!(e2 > lim2)) break;
                        ib--;
                    }
                    uint64_t on = ib + 1 >= half ? ib + 1 - half : 0;
                    h->lf_on = on > floor_t ? on : floor_t;
                    h->lf_cross = centre > h->lf_on ? centre : h->lf_on;
                    h->lf_rest = L;
                    h->lf_thr_off2 = thr_off * thr_off;
                    h->lf_quiet_n = 0;
                    h->lf_sum = h->lf_sum_q = 0;
                    for (uint64_t i = h->lf_on; i <= j; i++) h->lf_sum += d->tk_lf[tk_at(d, c, i)];
                    h->lf_peak2 = le2;
                }
            } else {
                h->lf_sum += d->tk_lf[tk_at(d, c, j)];
                if (le2 > h->lf_peak2) h->lf_peak2 = le2;
                if (le2 <= h->lf_thr_off2) {
                    if (h->lf_quiet_n == 0) {
                        h->lf_quiet_start = centre > h->lf_on ? centre : h->lf_on + 1;
                        h->lf_sum_q = h->lf_sum;
                    }
                    h->lf_quiet_n++;
                } else {
                    h->lf_quiet_n = 0;
                }
                if (h->lf_quiet_n >= d->lf_hold) close_lf(d, c, h->lf_quiet_start);
            }
        }
        const double env = (double)d->envv[c];
        if (!h->active) {
            double L = cramp_baseline_level(d->base, c);
            if (!isfinite(L)) continue;
            double thr = above_rest(L, d->cfg.onset_uv, d->cfg.onset_k);
            if (env < thr || h->flat_run > 0) continue;
            /* onset: first tick of the window whose own RMS reaches thr */
            uint64_t first = j + 1 >= d->W ? j + 1 - d->W : 0;
            if (first < h->last_end_tick) first = h->last_end_tick;
            uint64_t on = centre > first ? centre : first;
            for (uint64_t i = first; i <= j; i++) {
                double e = d->tk_bp[tk_at(d, c, i)];
                if (sqrt(e / Dd) >= thr) {
                    on = i;
                    break;
                }
            }
            h->active = 1;
            h->on_tick = on;
            h->next_add = on;
            h->quiet_n = 0;
            h->rest = L;
            h->rest_lf = cramp_baseline_level(d->base_lf, c);
            h->thr_on = thr;
            h->thr_off = above_rest(L, d->cfg.offset_uv, d->cfg.offset_k);
            h->s_bp = h->s_lf = 0;
            h->s_peak = 0;
            h->s_clip = h->s_flat = h->s_n = 0;
            h->env_peak = env;
            h->start_done = 0;
            h->mnf0 = h->mdf0 = (double)NAN;
            h->blk_s2 = h->blk_s4 = 0;
            h->blk_n = 0;
            if (h->k_blocks) memset(d->khist + c * KBINS, 0, KBINS * sizeof *d->khist);
            h->k_blocks = 0;
            continue;
        }
        if (env > h->env_peak) h->env_peak = env;
        if (env <= h->thr_off) {
            if (h->quiet_n == 0) h->quiet_start = centre > h->on_tick ? centre : h->on_tick + 1;
            h->quiet_n++;
        } else {
            h->quiet_n = 0;
        }
        if (!h->start_done && d->frames >= h->on_tick * d->D + d->E) {
            spectrum_at(d, c, h->on_tick * d->D, &h->mnf0, &h->mdf0);
            h->start_done = 1;
        }
        if (h->quiet_n >= d->hold) {
            close_segment(d, c, h->quiet_start);
            continue;
        }
        while (h->next_add + d->lag <= j) add_tick(d, c, h->next_add++);
    }
}

/* The per-sample loop: sums of squares, peak, flat and clipped samples of
 * frames [0, n) (x raw, b band-passed, l motion band; interleaved, C
 * channels) into the current tick's lanes, channels innermost and without
 * branches. accumulate_v8 takes eight channels at a time in explicit vectors
 * (C a multiple of 8; the compiler did not reliably vectorise the generic
 * loop), accumulate_n any C. Every lane does the same float operations in
 * the same order on every path, and no path may fuse a multiply-add (ISO C
 * mode, and the AVX2 target leaves FMA out), so the sums are bit-identical
 * whatever the path, the channel count or the split into calls. */
ACC_INLINE void accumulate_n(cramp_detector *restrict d, const float *restrict x,
                             const float *restrict b, const float *restrict l, size_t n,
                             int fresh, size_t NC)
{
    float sb[CRAMP_DETECT_MAX_CHANNELS], sl[CRAMP_DETECT_MAX_CHANNELS], sq[CRAMP_DETECT_MAX_CHANNELS],
        mx[CRAMP_DETECT_MAX_CHANNELS], prev[CRAMP_DETECT_MAX_CHANNELS],
        lo[CRAMP_DETECT_MAX_CHANNELS], hi[CRAMP_DETECT_MAX_CHANNELS];
    uint32_t nclip[CRAMP_DETECT_MAX_CHANNELS], nflat[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t c = 0; c < NC; c++) {
        prev[c] = d->a_prev[c];
        lo[c] = d->a_lo[c];
        hi[c] = d->a_hi[c];
    }
    if (fresh) {
        for (size_t c = 0; c < NC; c++) {
            sb[c] = sl[c] = sq[c] = mx[c] = 0;
            nclip[c] = nflat[c] = 0;
        }
    } else {
        for (size_t c = 0; c < NC; c++) {
            sb[c] = d->a_bp[c];
            sl[c] = d->a_lf[c];
            sq[c] = d->a_q[c];
            mx[c] = d->a_max[c];
            nclip[c] = d->a_clip[c];
            nflat[c] = d->a_flat[c];
        }
    }
    for (size_t t = 0; t < n; t++) {
        const size_t q = t * NC;
        for (size_t c = 0; c < NC; c++) {
            const float bv = b[q + c], xv = x[q + c], lv = l[q + c];
            const float b2 = bv * bv;
            sb[c] += b2;
            sq[c] += b2 * b2;
            sl[c] += lv * lv;
            const float a = fabsf(bv);
            mx[c] = a > mx[c] ? a : mx[c];
            nflat[c] += (uint32_t)(xv == prev[c]);
            nclip[c] += (uint32_t)((xv >= hi[c]) | (xv <= lo[c]));
            prev[c] = xv;
        }
    }
    for (size_t c = 0; c < NC; c++) {
        d->a_bp[c] = sb[c];
        d->a_lf[c] = sl[c];
        d->a_q[c] = sq[c];
        d->a_max[c] = mx[c];
        d->a_prev[c] = prev[c];
        d->a_clip[c] = nclip[c];
        d->a_flat[c] = nflat[c];
    }
}

#if defined(__GNUC__)
/* Eight channels at a time in GCC/Clang vector extensions: per lane the
 * same IEEE operations as accumulate_n (a select for the maximum, a
 * subtracted all-ones mask for each count), so the same bits. */
typedef float v8f __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));

ACC_INLINE void accumulate_v8(cramp_detector *restrict d, const float *restrict x,
                              const float *restrict b, const float *restrict l, size_t n,
                              int fresh)
{
    const size_t C = d->C;
    for (size_t g = 0; g < C; g += 8) {
        v8f sb = {0}, sl = {0}, sq = {0}, mx = {0}, prev, lo, hi;
        v8u nclip = {0}, nflat = {0};
        if (!fresh) {
            memcpy(&sb, d->a_bp + g, sizeof sb);
            memcpy(&sl, d->a_lf + g, sizeof sl);
            memcpy(&sq, d->a_q + g, sizeof sq);
            memcpy(&mx, d->a_max + g, sizeof mx);
            memcpy(&nclip, d->a_clip + g, sizeof nclip);
            memcpy(&nflat, d->a_flat + g, sizeof nflat);
        }
        memcpy(&prev, d->a_prev + g, sizeof prev);
        memcpy(&lo, d->a_lo + g, sizeof lo);
        memcpy(&hi, d->a_hi + g, sizeof hi);
        const v8u abs_mask = {0x7fffffffu, 0x7fffffffu, 0x7fffffffu, 0x7fffffffu,
                              0x7fffffffu, 0x7fffffffu, 0x7fffffffu, 0x7fffffffu};
        for (size_t t = 0; t < n; t++) {
            const size_t q = t * C + g;
            v8f bv, xv, lv;
            memcpy(&bv, b + q, sizeof bv);
            memcpy(&xv, x + q, sizeof xv);
            memcpy(&lv, l + q, sizeof lv);
            const v8f b2 = bv * bv;
            sb += b2;
            sq += b2 * b2;
            sl += lv * lv;
            const v8f av = (v8f)((v8u)bv & abs_mask);
            const v8u gt = (v8u)(av > mx);
            mx = (v8f)((gt & (v8u)av) | (~gt & (v8u)mx));
            nflat -= (v8u)(xv == prev);
            nclip -= (v8u)((xv >= hi) | (xv <= lo));
            prev = xv;
        }
        memcpy(d->a_bp + g, &sb, sizeof sb);
        memcpy(d->a_lf + g, &sl, sizeof sl);
        memcpy(d->a_q + g, &sq, sizeof sq);
        memcpy(d->a_max + g, &mx, sizeof mx);
        memcpy(d->a_prev + g, &prev, sizeof prev);
        memcpy(d->a_clip + g, &nclip, sizeof nclip);
        memcpy(d->a_flat + g, &nflat, sizeof nflat);
    }
}
#define ACC_V8 accumulate_v8(d, x, b, l, n, fresh)
#else
#define ACC_V8 accumulate_n(d, x, b, l, n, fresh, d->C)
#endif
/* NC a constant for the small channel counts (see window_sums) */
#define ACC_BODY                                                                               \
    switch (d->C) {                                                                            \
    case 1: accumulate_n(d, x, b, l, n, fresh, 1); break;                                             \
    case 2: accumulate_n(d, x, b, l, n, fresh, 2); break;                                             \
    case 4: accumulate_n(d, x, b, l, n, fresh, 4); break;                                             \
    default:                                                                                   \
        if (d->C % 8 == 0)                                                                     \
            ACC_V8;                                                                            \
        else                                                                                   \
            accumulate_n(d, x, b, l, n, fresh, d->C);                                                 \
    }

static void accumulate_base(cramp_detector *d, const float *x, const float *b, const float *l,
                            size_t n, int fresh)
{
    ACC_BODY
}

#if defined(CRAMP_HAVE_X86_KERNELS) && defined(__GNUC__)
__attribute__((target("avx2"))) static void
accumulate_avx2(cramp_detector *d, const float *x, const float *b, const float *l, size_t n,
                int fresh)
{
    ACC_BODY
}
#endif

static void accumulate(cramp_detector *d, const float *x, const float *b, const float *l,
                       size_t n, int fresh)
{
#if defined(CRAMP_HAVE_X86_KERNELS) && defined(__GNUC__)
    if (d->avx2) {
        accumulate_avx2(d, x, b, l, n, fresh);
        return;
    }
#endif
    accumulate_base(d, x, b, l, n, fresh);
}

/* 1 if every one of x[0, n) is finite (branch-free, vectorises; on AVX2
   eight at a time). */
#define ALL_FINITE_BODY                                                                        \
    unsigned bad = 0;                                                                          \
    for (size_t i = 0; i < n; i++) bad |= (unsigned)!(fabsf(x[i]) <= FLT_MAX);                \
    return bad == 0;
static int all_finite_base(const float *x, size_t n) { ALL_FINITE_BODY }
#if defined(CRAMP_HAVE_X86_KERNELS) && defined(__GNUC__)
__attribute__((target("avx2"))) static int all_finite_avx2(const float *x, size_t n)
{
    ALL_FINITE_BODY
}
#endif
static int all_finite(const cramp_detector *d, const float *x, size_t n)
{
#if defined(CRAMP_HAVE_X86_KERNELS) && defined(__GNUC__)
    if (d->avx2) return all_finite_avx2(x, n);
#else
    (void)d;
#endif
    return all_finite_base(x, n);
}

static cramp_status run(cramp_detector *d, const float *in, size_t frames)
{
    const size_t C = d->C;
    while (frames > 0) {
        /* the band-pass writes straight into the ring, so a chunk ends at
           the ring's end; the frames it overwrites are more than R old */
        const size_t rp = (size_t)(d->frames % d->RB);
        size_t n = frames < CHUNK ? frames : CHUNK;
        if (n > d->RB - rp) n = d->RB - rp;
        float *xb = d->ring + rp * C;
        /* non-finite samples read as 0; a block without any (the rule) is
           used in place */
        const float *raw = in;
        if (!all_finite(d, in, n * C)) {
            for (size_t i = 0; i < n * C; i++) d->raw[i] = isfinite(in[i]) ? in[i] : 0.0f;
            raw = d->raw;
        }
        if (!d->started) {
            double x0[CRAMP_DETECT_MAX_CHANNELS];
            for (size_t c = 0; c < C; c++) x0[c] = (double)raw[c];
            cramp_filter_set_steady_state(d->bp, x0);
            cramp_filter_set_steady_state(d->hp, x0);
            for (size_t c = 0; c < C; c++) {
                x0[c] = 0;
                d->a_prev[c] = raw[c];
            }
            cramp_filter_set_steady_state(d->lf, x0);
            d->started = 1;
        }
        cramp_status st = cramp_filter_process(d->bp, raw, xb, n);
        if (st == CRAMP_OK) st = cramp_filter_process(d->hp, raw, d->xh, n);
        if (st == CRAMP_OK) st = cramp_filter_process(d->lf, d->xh, d->xl, n);
        if (st != CRAMP_OK) return st;
        size_t i = 0;
        while (i < n) {
            size_t span = d->D - d->pos;
            if (span > n - i) span = n - i;
            /* per-channel sums of the tick, in frame order (any split of
               the input gives the same sums) */
            accumulate(d, raw + i * C, xb + i * C, d->xl + i * C, span, d->pos == 0);
            d->frames += span;
            d->pos += span;
            i += span;
            if (d->pos == d->D) {
                d->pos = 0;
                tick_done(d);
            }
        }
        in += n * C;
        frames -= n;
    }
    return CRAMP_OK;
}

cramp_status cramp_detector_prime(cramp_detector *d, const float *in, size_t frames)
{
    if (!d || (!in && frames)) return CRAMP_EINVAL;
    if (!d->priming) {
        reset_front(d);
        d->priming = 1;
    }
    d->out = NULL;
    d->out_cap = 0;
    d->n_out = 0;
    return run(d, in, frames);
}

cramp_status cramp_detector_process(cramp_detector *d, const float *in, size_t frames,
                                    cramp_activity *out, size_t out_cap, size_t *n_out)
{
    if (n_out) *n_out = 0;
    if (!d || !n_out || (!in && frames)) return CRAMP_EINVAL;
    if (frames == 0) return CRAMP_OK;
    if (!out || out_cap < cramp_detector_max_output(d, frames)) return CRAMP_ERANGE;
    if (d->priming) {
        reset_front(d);
        d->priming = 0;
    }
    d->out = out;
    d->out_cap = out_cap;
    d->n_out = 0;
    cramp_status st = run(d, in, frames);
    *n_out = d->n_out;
    return st;
}

cramp_status cramp_detector_finish(cramp_detector *d, cramp_activity *out, size_t out_cap,
                                   size_t *n_out)
{
    if (n_out) *n_out = 0;
    if (!d || !n_out) return CRAMP_EINVAL;
    if (out_cap < 3 * d->C || !out) return CRAMP_ERANGE;
    d->out = out;
    d->out_cap = out_cap;
    d->n_out = 0;
    if (!d->priming) {
        const uint64_t end = d->ticks;
        for (size_t c = 0; c < d->C; c++) {
            chan *h = &d->ch[c];
            if (h->active) close_segment(d, c, h->quiet_n ? h->quiet_start : end);
            if (h->lf_active) {
                if (!h->lf_quiet_n) h->lf_sum_q = h->lf_sum;
                close_lf(d, c, h->lf_quiet_n ? h->lf_quiet_start : end);
            }
            if (h->flat_run >= d->flat_ticks) emit_flat(d, c, h->flat_start, end);
            h->flat_run = 0;
        }
    }
    *n_out = d->n_out;
    return CRAMP_OK;
}

/* ---- mains -------------------------------------------------------------- */

static double goertzel(const float *x, size_t frames, size_t C, size_t c, double f, double fs)
{
    const double w = 2 * 3.14159265358979323846 * f / fs, k = 2 * cos(w);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < frames; i++) {
        double s0 = (double)x[i * C + c] + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - k * s1 * s2;
}

double cramp_detect_mains_guess(const float *in, size_t frames, size_t C, double fs)
{
    if (!in || frames < 16 || C == 0 || !(fs > 130)) return 0;
    double p50 = 0, p60 = 0;
    for (size_t c = 0; c < C; c++) {
        p50 += goertzel(in, frames, C, c, 50, fs);
        p60 += goertzel(in, frames, C, c, 60, fs);
        if (fs > 2 * 185) {
            p50 += goertzel(in, frames, C, c, 150, fs);
            p60 += goertzel(in, frames, C, c, 180, fs);
        }
    }
    if (p60 > 2 * p50) return 60;
    if (p50 > 2 * p60) return 50;
    return 0;
}

/* ---- stage 2 ------------------------------------------------------------ */

static int cmp_act(const void *a, const void *b)
{
    const cramp_activity *x = a, *y = b;
    if (x->onset_s != y->onset_s) return x->onset_s < y->onset_s ? -1 : 1;
    return x->channel < y->channel ? -1 : x->channel > y->channel;
}

static int cmp_ep(const void *a, const void *b)
{
    const cramp_episode *x = a, *y = b;
    if (x->onset_s != y->onset_s) return x->onset_s < y->onset_s ? -1 : 1;
    return x->main_channel < y->main_channel ? -1 : x->main_channel > y->main_channel;
}

typedef struct agg {
    double dur, bp_ex, lf_ex, e_bp, rest, peak, clip, flat;
    double on, off, mnf0, mdf0, mnf1, mdf1, t_first, t_last;
    double k_sum;    /* block-weighted sum of segment kurtosis medians */
    size_t k_n;      /* blocks */
    int has;
} agg;

/* Distinct muscles (and legs) among the channels of mask. */
static size_t count_muscles(uint32_t mask, const cramp_detect_channel *ch, size_t C,
                            uint32_t *legs)
{
    size_t n = 0;
    int seen_leg[2] = {0, 0};
    int keys[CRAMP_DETECT_MAX_CHANNELS];
    size_t nk = 0;
    *legs = 0;
    for (size_t c = 0; c < C; c++) {
        if (!(mask >> c & 1u)) continue;
        int leg = ch ? ch[c].leg : -1, mus = ch ? ch[c].muscle : -1;
        if (leg == 0 || leg == 1) seen_leg[leg] = 1;
        if (mus < 0) {
            n++;
            continue;
        }
        int key = (leg + 1) * 16 + mus;
        size_t i;
        for (i = 0; i < nk; i++)
            if (keys[i] == key) break;
        if (i == nk) {
            keys[nk++] = key;
            n++;
        }
    }
    *legs = (uint32_t)seen_leg[0] | (uint32_t)seen_leg[1] << 1;
    return n;
}

/* Most distinct muscles on one leg (channels of unknown leg count as one
 * leg; of unknown muscle as distinct muscles). */
static size_t muscles_one_leg(uint32_t mask, const cramp_detect_channel *ch, size_t C)
{
    size_t best = 0;
    for (int leg = -1; leg <= 1; leg++) {
        uint32_t m = 0;
        for (size_t c = 0; c < C; c++)
            if ((mask >> c & 1u) && (ch ? ch[c].leg : -1) == leg) m |= 1u << c;
        uint32_t legs;
        size_t n = count_muscles(m, ch, C, &legs);
        if (n > best) best = n;
    }
    return best;
}

/* 1: different legs (known), or unknown legs on different channels. */
static int other_leg(const cramp_episode *a, const cramp_episode *b, const cramp_detect_channel *ch,
                     size_t C)
{
    if (a->channels & b->channels) return 0;
    uint32_t la, lb;
    count_muscles(a->channels, ch, C, &la);
    count_muscles(b->channels, ch, C, &lb);
    if (la == 0 || lb == 0) return 1; /* unknown: trust the disjoint channels */
    return (la & lb) == 0;
}

enum { U_NONE = 0, U_DONE, U_DELETED };

static const char lf_reason[] =
    "energy below 20 Hz without EMG activity (motion artefact, electrode pop)";

cramp_status cramp_detect_classify(const cramp_activity *act, size_t n_act,
                                   const cramp_detect_channel *ch, size_t C,
                                   const cramp_detect_config *cfg, cramp_episode **out,
                                   size_t *n_out, cramp_error *err)
{
    if (!out || !n_out || !cfg || (!act && n_act))
        return cramp__fail(err, CRAMP_EINVAL, "classify: NULL argument");
    *out = NULL;
    *n_out = 0;
    if (C == 0 || C > CRAMP_DETECT_MAX_CHANNELS)
        return cramp__fail(err, CRAMP_EINVAL, "classify: channels %zu, expected 1..%d", C,
                    CRAMP_DETECT_MAX_CHANNELS);
    for (size_t i = 0; i < n_act; i++)
        if (act[i].channel >= C)
            return cramp__fail(err, CRAMP_EINVAL, "classify: segment %zu on channel %zu of %zu", i,
                        act[i].channel, C);
    cramp_activity *a = malloc((n_act ? n_act : 1) * sizeof *a);
    cramp_episode *ep = calloc(n_act ? n_act : 1, sizeof *ep);
    int *state = calloc(n_act ? n_act : 1, sizeof *state);
    if (!a || !ep || !state) {
        free(a);
        free(ep);
        free(state);
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    if (n_act) memcpy(a, act, n_act * sizeof *a);
    qsort(a, n_act, sizeof *a, cmp_act);
    size_t ne = 0;

    /* flat lines: artefacts of their own */
    for (size_t i = 0; i < n_act; i++) {
        if (a[i].kind != CRAMP_ACTIVITY_FLAT) continue;
        cramp_episode *e = &ep[ne];
        memset(e, 0, sizeof *e);
        e->onset_s = a[i].onset_s;
        e->offset_s = a[i].offset_s;
        e->duration_s = e->offset_s - e->onset_s;
        e->type = CRAMP_EVENT_ARTEFACT;
        e->channels = 1u << a[i].channel;
        e->n_channels = 1;
        e->main_channel = a[i].channel;
        e->rest_uv = a[i].rest_uv;
        e->rms_x_rest = (double)NAN;
        e->mnf_start_hz = e->mnf_end_hz = e->mdf_start_hz = e->mdf_end_hz = (double)NAN;
        e->mnf_slope_hz_s = (double)NAN;
        e->lf_ratio = (double)NAN;
        e->kurtosis = (double)NAN;
        e->flat_fraction = 1;
        e->reason = "flat line (lost electrode or amplifier off)";
        state[ne] = U_DONE;
        ne++;
    }
    /* motion-band segments that no EMG or flat segment overlaps (on any
       channel): artefacts of their own; concurrent ones merge. Those that
       overlap activity are left to the LF ratio of its episode. */
    for (size_t k = 0; k < n_act; k++) {
        if (a[k].kind != CRAMP_ACTIVITY_LF) continue;
        int covered = 0; /* a is sorted by onset: later ones start after it ends */
        for (size_t q = 0; q < n_act && a[q].onset_s < a[k].offset_s && !covered; q++)
            covered = a[q].kind != CRAMP_ACTIVITY_LF && a[q].offset_s > a[k].onset_s;
        if (covered) continue;
        cramp_episode *prev = ne ? &ep[ne - 1] : NULL;
        if (prev && state[ne - 1] == U_DONE && prev->reason == lf_reason &&
            a[k].onset_s < prev->offset_s) {
            prev->offset_s = fmax(prev->offset_s, a[k].offset_s);
            prev->duration_s = prev->offset_s - prev->onset_s;
            if (!(prev->channels >> a[k].channel & 1u)) prev->n_channels++;
            prev->channels |= 1u << a[k].channel;
            continue;
        }
        cramp_episode *e = &ep[ne];
        memset(e, 0, sizeof *e);
        e->onset_s = a[k].onset_s;
        e->offset_s = a[k].offset_s;
        e->duration_s = e->offset_s - e->onset_s;
        e->type = CRAMP_EVENT_ARTEFACT;
        e->channels = 1u << a[k].channel;
        e->n_channels = 1;
        e->main_channel = a[k].channel;
        e->rest_uv = a[k].rest_uv;
        e->rms_uv = sqrt(a[k].lf_excess_uv2 + a[k].rest_uv * a[k].rest_uv);
        e->rms_x_rest = e->rest_uv > 0 ? e->rms_uv / e->rest_uv : (double)NAN;
        e->peak_uv = a[k].env_peak_uv;
        e->mnf_start_hz = e->mnf_end_hz = e->mdf_start_hz = e->mdf_end_hz = (double)NAN;
        e->mnf_slope_hz_s = (double)NAN;
        e->lf_ratio = 1;
        e->kurtosis = (double)NAN;
        e->reason = lf_reason;
        state[ne] = U_DONE;
        ne++;
    }
    /* clusters of overlapping EMG segments */
    size_t i = 0;
    while (i < n_act) {
        if (a[i].kind != CRAMP_ACTIVITY_EMG) {
            i++;
            continue;
        }
        agg g[CRAMP_DETECT_MAX_CHANNELS];
        memset(g, 0, sizeof g);
        double start = a[i].onset_s, end = a[i].offset_s;
        unsigned cl_legs = 0;
        size_t j = i;
        for (; j < n_act; j++) {
            if (a[j].kind != CRAMP_ACTIVITY_EMG) continue;
            const cramp_activity *s = &a[j];
            if (j > i) {
                /* concurrent: overlapping the cluster by half the shorter of the two */
                double ov = fmin(end, s->offset_s) - s->onset_s;
                double shorter = fmin(end - start, s->offset_s - s->onset_s);
                if (!(ov > 0) || ov < cfg->concurrent_fraction * shorter) break;
                /* the other leg joins only as a bilateral movement does: starting
                   within bilateral_s (AASM); a cramp on each leg stays two */
                int leg = ch ? ch[s->channel].leg : -1;
                if ((leg == 0 || leg == 1) && cl_legs && !(cl_legs >> leg & 1u) &&
                    s->onset_s - start > cfg->bilateral_s)
                    break;
            }
            if (ch && (ch[s->channel].leg == 0 || ch[s->channel].leg == 1))
                cl_legs |= 1u << ch[s->channel].leg;
            if (s->offset_s > end) end = s->offset_s;
            agg *q = &g[s->channel];
            double dur = s->offset_s - s->onset_s;
            if (!q->has) {
                q->on = s->onset_s;
                q->mnf0 = s->mnf_start_hz;
                q->mdf0 = s->mdf_start_hz;
                q->t_first = s->onset_s;
            }
            q->has = 1;
            q->off = fmax(q->off, s->offset_s);
            q->dur += dur;
            q->bp_ex += s->bp_excess_uv2 * dur;
            q->lf_ex += s->lf_excess_uv2 * dur;
            q->e_bp += s->rms_uv * s->rms_uv * dur;
            q->rest += s->rest_uv * dur;
            q->peak = fmax(q->peak, s->peak_uv);
            q->clip += s->clip_fraction * dur;
            q->flat += s->flat_fraction * dur;
            q->mnf1 = s->mnf_end_hz;
            q->mdf1 = s->mdf_end_hz;
            q->t_last = s->offset_s;
            if (s->kurtosis_blocks && isfinite(s->kurtosis)) {
                q->k_sum += s->kurtosis * (double)s->kurtosis_blocks;
                q->k_n += s->kurtosis_blocks;
            }
        }
        double amax = 0;
        size_t main = 0;
        for (size_t c = 0; c < C; c++) {
            if (!g[c].has) continue;
            double amp = sqrt(g[c].bp_ex / g[c].dur);
            if (amp > amax || !g[main].has) {
                amax = amp;
                main = c;
            }
        }
        cramp_episode *e = &ep[ne];
        memset(e, 0, sizeof *e);
        e->onset_s = HUGE_VAL;
        e->offset_s = -HUGE_VAL;
        double lf = 0, bp = 0, clip = 0, flat = 0;
        for (size_t c = 0; c < C; c++) {
            if (!g[c].has) continue;
            double amp = sqrt(g[c].bp_ex / g[c].dur);
            if (c != main && amp < cfg->involve_fraction * amax) continue;
            e->channels |= 1u << c;
            e->n_channels++;
            e->onset_s = fmin(e->onset_s, g[c].on);
            e->offset_s = fmax(e->offset_s, g[c].off);
            lf += g[c].lf_ex;
            bp += g[c].bp_ex;
            clip = fmax(clip, g[c].clip / g[c].dur);
            flat = fmax(flat, g[c].flat / g[c].dur);
        }
        const agg *m = &g[main];
        e->main_channel = main;
        e->duration_s = e->offset_s - e->onset_s;
        e->rms_uv = sqrt(m->e_bp / m->dur);
        e->rest_uv = m->rest / m->dur;
        e->rms_x_rest = e->rest_uv > 0 ? e->rms_uv / e->rest_uv : HUGE_VAL;
        e->peak_uv = m->peak;
        e->mnf_start_hz = m->mnf0;
        e->mdf_start_hz = m->mdf0;
        e->mnf_end_hz = m->mnf1;
        e->mdf_end_hz = m->mdf1;
        double span = (m->t_last - m->t_first) - cfg->spectral_window_s;
        e->mnf_slope_hz_s = (isfinite(m->mnf0) && isfinite(m->mnf1) && span > 0)
                                ? (m->mnf1 - m->mnf0) / span
                                : (double)NAN;
        e->lf_ratio = lf + bp > 0 ? lf / (lf + bp) : (double)NAN;
        e->kurtosis = m->k_n ? m->k_sum / (double)m->k_n : (double)NAN;
        e->kurtosis_blocks = m->k_n;
        e->clip_fraction = clip;
        e->flat_fraction = flat;
        e->prev_interval_s = e->next_interval_s = (double)NAN;
        ne++;
        i = j;
    }

    /* first labels: artefact, movement */
    for (size_t k = 0; k < ne; k++) {
        cramp_episode *e = &ep[k];
        if (state[k] != U_NONE) continue;
        uint32_t legs;
        size_t nm = count_muscles(e->channels, ch, C, &legs);
        const double dur = e->duration_s;
        const int lfbad = isfinite(e->lf_ratio) && e->lf_ratio > cfg->lf_ratio;
        const int moving = dur >= cfg->movement_min_s && dur <= cfg->movement_max_s;
        if (e->clip_fraction >= cfg->clip_fraction) {
            e->type = CRAMP_EVENT_ARTEFACT;
            e->reason = "clipping: samples at the amplifier's rails";
        } else if (muscles_one_leg(e->channels, ch, C) >= 2 && moving) {
            e->type = CRAMP_EVENT_MOVEMENT;
            e->reason = "two or more muscles of a leg, 3-45 s (IRLSSG)";
        } else if (nm >= 2 && dur > cfg->lm_max_s) {
            e->type = CRAMP_EVENT_MOVEMENT;
            e->reason = "two or more muscles, longer than a leg movement";
        } else if (lfbad && moving) {
            e->type = CRAMP_EVENT_MOVEMENT;
            e->reason = "3-45 s with a motion artefact (energy below 20 Hz)";
        } else if (lfbad) {
            e->type = CRAMP_EVENT_ARTEFACT;
            e->reason = "energy mostly below 20 Hz (motion artefact, electrode pop)";
        } else {
            continue;
        }
        state[k] = U_DONE;
    }
    qsort(ep, ne, sizeof *ep, cmp_ep);
    /* qsort moved the episodes: recompute the states */
    for (size_t k = 0; k < ne; k++) state[k] = ep[k].reason ? U_DONE : U_NONE;

    /* bilateral leg movements: one LM */
    size_t last = (size_t)-1;
    for (size_t k = 0; k < ne; k++) {
        cramp_episode *e = &ep[k];
        if (state[k] != U_NONE) continue;
        int lm = e->duration_s >= cfg->lm_min_s && e->duration_s <= cfg->lm_max_s;
        if (!lm) {
            last = (size_t)-1;
            continue;
        }
        if (last != (size_t)-1 && e->onset_s - ep[last].onset_s < cfg->bilateral_s &&
            other_leg(&ep[last], e, ch, C)) {
            cramp_episode *p = &ep[last];
            p->offset_s = fmax(p->offset_s, e->offset_s);
            p->duration_s = p->offset_s - p->onset_s;
            p->channels |= e->channels;
            p->n_channels += e->n_channels;
            state[k] = U_DELETED;
            if (p->duration_s > cfg->lm_max_s) last = (size_t)-1;
            continue;
        }
        last = k;
    }

    /* PLM series */
    size_t *ser = malloc((ne ? ne : 1) * sizeof *ser);
    if (!ser) {
        free(a);
        free(ep);
        free(state);
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    size_t ns = 0;
    int series_no = 0;
    for (size_t k = 0; k <= ne; k++) {
        int breaks = 0, member = 0;
        if (k < ne) {
            cramp_episode *e = &ep[k];
            if (state[k] == U_DELETED || e->type == CRAMP_EVENT_ARTEFACT) {
                if (state[k] == U_DELETED || e->reason) continue;
            }
            double dur = e->duration_s;
            if (state[k] == U_NONE && dur >= cfg->lm_min_s && dur <= cfg->lm_max_s)
                member = 1;
            else if (dur > cfg->lm_max_s)
                breaks = 1;
            else
                continue;
            if (member && ns > 0) {
                double iv = e->onset_s - ep[ser[ns - 1]].onset_s;
                if (iv < cfg->plm_min_interval_s || iv > cfg->plm_max_interval_s) breaks = 1;
            }
        } else {
            breaks = 1;
        }
        if (breaks) {
            if (ns >= cfg->plm_min_count) {
                series_no++;
                for (size_t q = 0; q < ns; q++) {
                    cramp_episode *p = &ep[ser[q]];
                    p->type = CRAMP_EVENT_PLM;
                    p->series = series_no;
                    p->reason = "leg movement 0.5-10 s in a series of >= 4, 10-90 s apart "
                                "(AASM, WASM 2016)";
                    state[ser[q]] = U_DONE;
                }
            }
            ns = 0;
        }
        if (member) ser[ns++] = k;
    }
    free(ser);

    /* cramp or burst */
    for (size_t k = 0; k < ne; k++) {
        cramp_episode *e = &ep[k];
        if (state[k] != U_NONE) continue;
        uint32_t legs;
        size_t nm = count_muscles(e->channels, ch, C, &legs);
        int strong = e->rms_uv >= above_rest(e->rest_uv, cfg->onset_uv, cfg->onset_k);
        const int dense = e->kurtosis_blocks >= cfg->sparse_min_blocks &&
                          isfinite(e->kurtosis) && e->kurtosis < cfg->sparse_kurtosis;
        if (e->duration_s >= cfg->cramp_min_s && nm <= 1 && strong && dense) {
            e->type = CRAMP_EVENT_MOVEMENT;
            e->reason = "sustained on one muscle with a dense, near-Gaussian interference "
                        "pattern (many units recruited: a voluntary contraction)";
        } else if (e->duration_s >= cfg->cramp_min_s && nm <= 1 && strong) {
            e->type = CRAMP_EVENT_CRAMP;
            e->reason = e->kurtosis_blocks >= cfg->sparse_min_blocks && isfinite(e->kurtosis)
                            ? "sustained >= 5 s on one muscle, mean RMS above the onset "
                              "threshold, sparse (super-Gaussian) firing"
                            : "sustained >= 5 s on one muscle, mean RMS above the onset "
                              "threshold (sparseness not measurable)";
        } else {
            e->type = CRAMP_EVENT_BURST;
            e->reason = e->duration_s < cfg->cramp_min_s ? "activity shorter than a cramp"
                        : nm > 1 ? "activity on more than one muscle"
                                 : "intermittent: mean RMS below the onset threshold";
        }
        state[k] = U_DONE;
    }

    /* drop merged ones, intervals between non-artefact neighbours */
    size_t w = 0;
    for (size_t k = 0; k < ne; k++)
        if (state[k] != U_DELETED) ep[w++] = ep[k];
    ne = w;
    size_t prev = (size_t)-1;
    for (size_t k = 0; k < ne; k++) {
        if (ep[k].type == CRAMP_EVENT_ARTEFACT) continue;
        if (prev != (size_t)-1) {
            double iv = ep[k].onset_s - ep[prev].onset_s;
            ep[k].prev_interval_s = iv;
            ep[prev].next_interval_s = iv;
        }
        prev = k;
    }
    free(a);
    free(state);
    *out = ep;
    *n_out = ne;
    return CRAMP_OK;
}

void cramp_detect_summarize(const cramp_episode *ep, size_t n, double duration_s,
                            cramp_detect_summary *s)
{
    memset(s, 0, sizeof *s);
    s->hours = duration_s / 3600.0;
    int last_series = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)ep[i].type < CRAMP_EVENT_TYPES) s->count[ep[i].type]++;
        if (ep[i].type == CRAMP_EVENT_CRAMP) {
            s->cramps++;
            s->cramp_total_s += ep[i].duration_s;
            if (ep[i].duration_s > s->cramp_longest_s) s->cramp_longest_s = ep[i].duration_s;
        } else if (ep[i].type == CRAMP_EVENT_PLM) {
            s->plm++;
            if (ep[i].series > last_series) last_series = ep[i].series;
        }
    }
    s->plm_series = (size_t)last_series;
    s->cramps_per_hour = s->hours > 0 ? (double)s->cramps / s->hours : (double)NAN;
    s->plm_index = s->hours > 0 ? (double)s->plm / s->hours : (double)NAN;
}
