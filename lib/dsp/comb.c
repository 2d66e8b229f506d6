/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A mains comb as one recursive comb (dsp/comb.h). */
#include "dsp/comb.h"

#include "core/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

struct cramp__comb {
    size_t channels, period, pos; /* pos: the slot of the sample N frames back */
    double g, a;
    cramp__comb_span_fn span;
    double *xd; /* period x channels: input history (float values, held as
                   double: the fused pass reads them without a conversion) */
    double *yd; /* period x channels: output history */
};

size_t cramp__comb_period(double fs, double f0)
{
    if (!(fs > 0) || !(f0 > 0) || !isfinite(fs) || !isfinite(f0)) return 0;
    const double r = fs / f0, n = round(r);
    if (!(n >= 3) || n > 1e6 || fabs(r - n) > 1e-9 * n) return 0;
    return (size_t)n;
}

cramp_status cramp__comb_create(cramp__comb **out, double fs, double f0, double q,
                                size_t channels, cramp_simd simd)
{
    if (!out) return CRAMP_EINVAL;
    *out = NULL;
    const size_t n = cramp__comb_period(fs, f0);
    if (n == 0 || !(q > 0) || !isfinite(q) || channels == 0) return CRAMP_EINVAL;
    cramp_simd path;
    cramp_status st = cramp__simd_resolve(simd, &path);
    if (st != CRAMP_OK) return st;
    cramp__comb *c = calloc(1, sizeof *c);
    if (!c) return CRAMP_ENOMEM;
    c->xd = calloc(n * channels, sizeof *c->xd);
    c->yd = calloc(n * channels, sizeof *c->yd);
    if (!c->xd || !c->yd) {
        cramp__comb_destroy(c);
        return CRAMP_ENOMEM;
    }
    const double beta = tan(PI / (2.0 * q));
    c->g = 1.0 / (1.0 + beta);
    c->a = (1.0 - beta) / (1.0 + beta);
    c->channels = channels;
    c->period = n;
    c->span = cramp__comb_span_base;
#if defined(CRAMP_HAVE_X86_KERNELS)
    if (path == CRAMP_SIMD_AVX2) c->span = cramp__comb_span_avx2;
    if (path == CRAMP_SIMD_AVX512) c->span = cramp__comb_span_avx512;
#endif
    *out = c;
    return CRAMP_OK;
}

void cramp__comb_destroy(cramp__comb *c)
{
    if (!c) return;
    free(c->xd);
    free(c->yd);
    free(c);
}

void cramp__comb_view_get(cramp__comb *c, cramp__comb_view *v)
{
    v->g = c->g;
    v->a = c->a;
    v->xd = c->xd;
    v->yd = c->yd;
    v->period = c->period;
    v->pos = c->pos;
    v->channels = c->channels;
}

void cramp__comb_skip(cramp__comb *c, size_t frames) { c->pos = (c->pos + frames) % c->period; }

void cramp__comb_reset(cramp__comb *c)
{
    if (!c) return;
    memset(c->xd, 0, c->period * c->channels * sizeof *c->xd);
    memset(c->yd, 0, c->period * c->channels * sizeof *c->yd);
    c->pos = 0;
}

void cramp__comb_set_steady_state(cramp__comb *c, const double *x0)
{
    if (!c || !x0) return;
    cramp__comb_reset(c);
    for (size_t k = 0; k < c->period; k++)
        for (size_t ch = 0; ch < c->channels; ch++)
            c->xd[k * c->channels + ch] = (double)(float)x0[ch];
}

#define CRAMP__COMB_SPAN cramp__comb_span_base
#include "dsp/comb_span.inc"

/* Frames [0, n) (n <= period - pos, so the slots run on without wrapping):
 * their slots are contiguous in the delay lines as the frames are in x, so
 * one element-wise loop over n x channels values, straight vector code on
 * any channel count. */
static void span(cramp__comb *c, float *x, size_t n)
{
    c->span(c->g, c->a, x, c->xd + c->pos * c->channels, c->yd + c->pos * c->channels,
            n * c->channels);
}

void cramp__comb_process(cramp__comb *c, float *x, size_t frames)
{
    while (frames > 0) {
        size_t n = c->period - c->pos;
        if (n > frames) n = frames;
        span(c, x, n);
        x += n * c->channels;
        frames -= n;
        c->pos += n;
        if (c->pos == c->period) c->pos = 0;
    }
}

void cramp__comb_process_plain(cramp__comb *c, float *x, size_t frames)
{
    const size_t C = c->channels;
    for (size_t i = 0; i < frames; i++) {
        for (size_t ch = 0; ch < C; ch++) {
            const size_t k = c->pos * C + ch;
            const float xv = x[i * C + ch];
            const double y = c->g * ((double)xv - c->xd[k]) + c->a * c->yd[k];
            c->xd[k] = xv;
            c->yd[k] = y;
            x[i * C + ch] = (float)y;
        }
        if (++c->pos == c->period) c->pos = 0;
    }
}
