/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Amplitude envelopes (moving RMS / MAV, linear envelope, TKEO) over
 * interleaved float32 frames.
 *
 * Moving window without drift. A running sum that adds the newest term and
 * subtracts the oldest keeps the rounding error of every term it ever held:
 * after a burst of large samples leaves the window, that error can exceed the
 * small sum that remains. Here nothing is ever subtracted. Frames are grouped
 * in blocks of N aligned on the first frame after create/reset. At position r
 * of the current block the window is
 *     (frames r+1 .. N-1 of the previous block) + (frames 0 .. r of this one)
 *   = suffix[r+1] + head,
 * where head is a running sum of this block's terms (reset to 0 at every block
 * start) and suffix[j] is the sum of the previous block's terms j .. N-1,
 * computed afresh, back to front, when that block ended. Both are sums of
 * non-negative terms built only from the window's own samples, so every
 * output has a relative error of at most about (N + 1) * 2^-53 whatever came
 * before, and a non-finite input affects exactly the outputs whose window
 * holds it. One array of N doubles per channel serves both: slot j holds the
 * previous block's suffix[j] until frame j of the current block overwrites it
 * with that frame's term; at the block's end the slots (now this block's
 * terms) are turned into suffix sums in place. Cost per frame: one store, two
 * adds, plus one add per slot once per N frames.
 *
 * Terms are x^2 (RMS) or |x| (MAV) of a float x evaluated in double, which is
 * exact, so the outputs depend only on the order of the additions, and that
 * order is fixed by the frame index: any chunking gives identical bits. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/envelope.h"
#include "dsp/envelope_kernels.h"
#include "dsp/internal.h"

/* Frames rectified and filtered at a time by the LINEAR kind. */
#define LINEAR_BLOCK CRAMP_KERNEL_BLOCK

struct cramp_envelope {
    cramp_envelope_kind kind;
    size_t channels;
    double fs;
    size_t decim;
    size_t dcount; /* frames since the last output frame, 0 .. decim-1 */

    /* RMS / MAV */
    size_t n;      /* window length, frames */
    size_t pos;    /* position of the next frame in its block, 0 .. n-1 */
    double *slots; /* n * channels, slot j of channel c at [j * channels + c] */
    double *head;  /* channels: sum of this block's terms so far */

    /* TKEO: x[t-1] and x[t-2] of the last frame consumed (0 before the start) */
    float *prev1, *prev2;

    const cramp__env_kernels *kern; /* RMS / MAV loops of the SIMD path */

    /* LINEAR */
    cramp_filter *lp;
    float *scratch; /* LINEAR_BLOCK * channels */
};

void cramp_envelope_config_default(cramp_envelope_config *cfg)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->kind = CRAMP_ENV_RMS;
    cfg->fs = 0.0;
    cfg->window_s = 0.25;
    cfg->decimation = 1;
    cfg->lowpass_hz = 6.0;
    cfg->lowpass_order = 4;
}

static const char *kind_name(cramp_envelope_kind k)
{
    switch (k) {
    case CRAMP_ENV_RMS: return "RMS";
    case CRAMP_ENV_MAV: return "MAV";
    case CRAMP_ENV_LINEAR: return "LINEAR";
    case CRAMP_ENV_TKEO: return "TKEO";
    }
    return "?";
}

static cramp_status validate(const cramp_envelope_config *cfg, size_t channels, size_t *n_out,
                             cramp_error *err)
{
    *n_out = 1;
    switch (cfg->kind) {
    case CRAMP_ENV_RMS:
    case CRAMP_ENV_MAV:
    case CRAMP_ENV_LINEAR:
    case CRAMP_ENV_TKEO: break;
    default:
        return cramp__fail(err, CRAMP_EINVAL, "envelope kind %d is unknown (expected RMS, MAV, "
                           "LINEAR or TKEO)", (int)cfg->kind);
    }
    if (channels == 0)
        return cramp__fail(err, CRAMP_EINVAL, "envelope channels is 0 (expected at least 1)");
    if (!isfinite(cfg->fs) || cfg->fs <= 0.0)
        return cramp__fail(err, CRAMP_EINVAL, "envelope fs = %g Hz (expected a finite rate > 0)",
                           cfg->fs);
    if (cfg->decimation == 0)
        return cramp__fail(err, CRAMP_EINVAL, "envelope decimation is 0 (expected at least 1)");

    if (cfg->kind == CRAMP_ENV_RMS || cfg->kind == CRAMP_ENV_MAV) {
        if (!isfinite(cfg->window_s) || cfg->window_s <= 0.0)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s window_s = %g s (expected a finite duration > 0)",
                               kind_name(cfg->kind), cfg->window_s);
        const double frames = round(cfg->window_s * cfg->fs);
        if (frames < 1.0)
            return cramp__fail(err, CRAMP_ERANGE,
                               "%s window_s = %g s is %g frames at fs = %g Hz, which rounds to 0 "
                               "(expected a window of at least 1 frame, >= %g s)",
                               kind_name(cfg->kind), cfg->window_s, cfg->window_s * cfg->fs,
                               cfg->fs, 0.5 / cfg->fs);
        /* The window holds n * channels doubles: refuse what can't be sized. */
        const double max_frames = (double)(SIZE_MAX / sizeof(double) / channels);
        if (!(frames <= max_frames))
            return cramp__fail(err, CRAMP_ERANGE,
                               "%s window_s = %g s is %g frames at fs = %g Hz, too many to hold "
                               "for %zu channels", kind_name(cfg->kind), cfg->window_s, frames,
                               cfg->fs, channels);
        *n_out = (size_t)frames;
    }

    if (cfg->kind == CRAMP_ENV_LINEAR) {
        if (cfg->lowpass_order < 1 || cfg->lowpass_order > CRAMP_BUTTER_MAX_ORDER)
            return cramp__fail(err, CRAMP_EINVAL,
                               "LINEAR lowpass_order = %d (expected 1 .. %d)", cfg->lowpass_order,
                               CRAMP_BUTTER_MAX_ORDER);
        if (!isfinite(cfg->lowpass_hz) || cfg->lowpass_hz <= 0.0)
            return cramp__fail(err, CRAMP_EINVAL,
                               "LINEAR lowpass_hz = %g Hz (expected a finite cutoff > 0)",
                               cfg->lowpass_hz);
        if (cfg->lowpass_hz >= 0.5 * cfg->fs)
            return cramp__fail(err, CRAMP_ERANGE,
                               "LINEAR lowpass_hz = %g Hz is at or above Nyquist (%g Hz at "
                               "fs = %g Hz)", cfg->lowpass_hz, 0.5 * cfg->fs, cfg->fs);
    }
    return CRAMP_OK;
}

cramp_status cramp_envelope_create(cramp_envelope **out, size_t channels,
                                   const cramp_envelope_config *cfg, cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "envelope create: out is NULL");
    *out = NULL;
    if (!cfg) return cramp__fail(err, CRAMP_EINVAL, "envelope create: cfg is NULL");
    size_t n = 1;
    cramp_status st = validate(cfg, channels, &n, err);
    if (st != CRAMP_OK) return st;

    cramp_envelope *e = calloc(1, sizeof *e);
    if (!e) return cramp__fail(err, CRAMP_ENOMEM, "envelope create: out of memory");
    e->kind = cfg->kind;
    e->channels = channels;
    e->fs = cfg->fs;
    e->decim = cfg->decimation;
    e->n = n;

    switch (cfg->kind) {
    case CRAMP_ENV_RMS:
    case CRAMP_ENV_MAV: {
        e->slots = calloc(n * channels, sizeof *e->slots);
        e->head = calloc(channels, sizeof *e->head);
        if (!e->slots || !e->head) goto nomem;
        cramp_simd path = CRAMP_SIMD_SCALAR;
        (void)cramp__simd_resolve(CRAMP_SIMD_AUTO, &path); /* AUTO always resolves */
        e->kern = cramp__env_kernels_for(path);
        break;
    }
    case CRAMP_ENV_TKEO:
        e->prev1 = calloc(channels, sizeof *e->prev1);
        e->prev2 = calloc(channels, sizeof *e->prev2);
        if (!e->prev1 || !e->prev2) goto nomem;
        break;
    case CRAMP_ENV_LINEAR: {
        if (channels > SIZE_MAX / sizeof(float) / LINEAR_BLOCK) goto nomem;
        cramp_butter_spec spec = {CRAMP_LOWPASS, cfg->lowpass_order, cfg->fs, cfg->lowpass_hz,
                                  0.0};
        cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
        size_t n_sec = 0;
        st = cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &n_sec, err);
        if (st != CRAMP_OK) {
            cramp_envelope_destroy(e);
            return st;
        }
        st = cramp_filter_create(&e->lp, sos, n_sec, channels, NULL);
        if (st != CRAMP_OK) {
            cramp_envelope_destroy(e);
            return cramp__fail(err, st, "LINEAR envelope: creating the low-pass filter failed: %s",
                               cramp_strerror(st));
        }
        e->scratch = malloc(LINEAR_BLOCK * channels * sizeof *e->scratch);
        if (!e->scratch) goto nomem;
        break;
    }
    }
    *out = e;
    return CRAMP_OK;

nomem:
    cramp_envelope_destroy(e);
    return cramp__fail(err, CRAMP_ENOMEM, "envelope create: out of memory");
}

size_t cramp_envelope_max_output(const cramp_envelope *e, size_t in_frames)
{
    if (!e) return 0;
    /* ceil(in_frames / D) whatever the phase, so one buffer sized for the
     * largest block always suffices; the exact count is
     * floor((frames since the last output + in_frames) / D) <= this. */
    return in_frames / e->decim + (in_frames % e->decim != 0);
}

/* ---- RMS / MAV: the loops are in envelope_kernels.inc --------------------- */

/* Advances the phase shared by all groups once they have all run. */
static void window_advance(cramp_envelope *e, size_t frames)
{
    e->pos = (e->pos + frames % e->n) % e->n;
    e->dcount = (e->dcount + frames % e->decim) % e->decim;
}

/* ---- TKEO ---------------------------------------------------------------- */

/* Output at input frame t is psi[t-1] = x[t-1]^2 - x[t-2] x[t] (x = 0 before
 * the first frame). Float products are exact in double, so each output is
 * the double-rounded exact value whatever the evaluation order. */
static size_t run_tkeo(cramp_envelope *e, const float *restrict in, size_t frames,
                       float *restrict out)
{
    const size_t ch = e->channels, d = e->decim;
    float *restrict p1 = e->prev1;
    float *restrict p2 = e->prev2;
    size_t dc = e->dcount, k = 0;

    /* First output frame in this call: index i with dc + i + 1 == d. */
    for (size_t i = d - 1 - dc; i < frames; i += d) {
        const float *restrict x0 = in + i * ch;
        const float *restrict x1 = i >= 1 ? x0 - ch : p1;
        const float *restrict x2 = i >= 2 ? x0 - 2 * ch : (i == 1 ? p1 : p2);
        float *restrict y = out + k * ch;
        k++;
        for (size_t c = 0; c < ch; c++) {
            const double a = (double)x1[c];
            const double sq = a * a;
            const double cross = (double)x2[c] * (double)x0[c];
            y[c] = (float)(sq - cross);
        }
    }
    e->dcount = (dc + frames % d) % d;
    if (frames >= 2) {
        memcpy(p2, in + (frames - 2) * ch, ch * sizeof *p2);
        memcpy(p1, in + (frames - 1) * ch, ch * sizeof *p1);
    } else {
        memcpy(p2, p1, ch * sizeof *p2);
        memcpy(p1, in, ch * sizeof *p1);
    }
    return k;
}

/* ---- LINEAR -------------------------------------------------------------- */

static size_t run_linear(cramp_envelope *e, const float *restrict in, size_t frames,
                         float *restrict out)
{
    const size_t ch = e->channels, d = e->decim;
    float *restrict buf = e->scratch;
    size_t dc = e->dcount, k = 0;
    for (size_t f0 = 0; f0 < frames; f0 += LINEAR_BLOCK) {
        const size_t nb = frames - f0 < LINEAR_BLOCK ? frames - f0 : LINEAR_BLOCK;
        const float *restrict x = in + f0 * ch;
        for (size_t i = 0; i < nb * ch; i++) buf[i] = fabsf(x[i]);
        (void)cramp_filter_process(e->lp, buf, buf, nb);
        for (size_t i = d - 1 - dc; i < nb; i += d) {
            memcpy(out + k * ch, buf + i * ch, ch * sizeof *out);
            k++;
        }
        dc = (dc + nb % d) % d;
    }
    e->dcount = dc;
    return k;
}

cramp_status cramp_envelope_process(cramp_envelope *e, const float *in, size_t in_frames,
                                    float *out, size_t out_cap, size_t *out_frames)
{
    if (out_frames) *out_frames = 0;
    if (!e || !out_frames) return CRAMP_EINVAL;
    if (in_frames == 0) return CRAMP_OK;
    if (!in) return CRAMP_EINVAL;
    const size_t need = cramp_envelope_max_output(e, in_frames);
    if (out_cap < need) return CRAMP_ERANGE;
    if (need > 0 && !out) return CRAMP_EINVAL;

    size_t k = 0;
    switch (e->kind) {
    case CRAMP_ENV_RMS:
    case CRAMP_ENV_MAV: {
        const cramp__env_window w = {e->channels, e->n, e->decim, e->pos, e->dcount, e->slots,
                                     e->head};
        k = e->kern->run(&w, in, in_frames, out, e->kind == CRAMP_ENV_RMS);
        window_advance(e, in_frames);
        break;
    }
    case CRAMP_ENV_TKEO: k = run_tkeo(e, in, in_frames, out); break;
    case CRAMP_ENV_LINEAR: k = run_linear(e, in, in_frames, out); break;
    }
    *out_frames = k;
    return CRAMP_OK;
}

double cramp_envelope_delay_s(const cramp_envelope *e)
{
    if (!e) return 0.0;
    switch (e->kind) {
    case CRAMP_ENV_RMS:
    case CRAMP_ENV_MAV: return (double)(e->n - 1) / (2.0 * e->fs);
    case CRAMP_ENV_TKEO: return 1.0 / e->fs;
    case CRAMP_ENV_LINEAR: return 0.0;
    }
    return 0.0;
}

size_t cramp_envelope_window_frames(const cramp_envelope *e)
{
    if (!e) return 0;
    return (e->kind == CRAMP_ENV_RMS || e->kind == CRAMP_ENV_MAV) ? e->n : 1;
}

void cramp_envelope_reset(cramp_envelope *e)
{
    if (!e) return;
    e->dcount = 0;
    e->pos = 0;
    if (e->slots) memset(e->slots, 0, e->n * e->channels * sizeof *e->slots);
    if (e->head) memset(e->head, 0, e->channels * sizeof *e->head);
    if (e->prev1) memset(e->prev1, 0, e->channels * sizeof *e->prev1);
    if (e->prev2) memset(e->prev2, 0, e->channels * sizeof *e->prev2);
    if (e->lp) cramp_filter_reset(e->lp);
}

void cramp_envelope_destroy(cramp_envelope *e)
{
    if (!e) return;
    free(e->slots);
    free(e->head);
    free(e->prev1);
    free(e->prev2);
    cramp_filter_destroy(e->lp);
    free(e->scratch);
    free(e);
}
