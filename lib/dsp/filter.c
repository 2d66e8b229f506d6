/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming causal biquad cascade over interleaved frames. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/comb.h"
#include "dsp/internal.h"

struct cramp_filter {
    size_t channels;
    size_t n_sec;
    cramp_simd simd;
    cramp__biquad_kernel kernel;
    cramp_biquad *sos;
    double *state; /* 2 * n_sec * cpad */
};

void cramp_filter_config_default(cramp_filter_config *cfg)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->simd = CRAMP_SIMD_AUTO;
}

int cramp__sos_finite(const cramp_biquad *sos, size_t n_sec)
{
    for (size_t s = 0; s < n_sec; s++) {
        if (!isfinite(sos[s].b0) || !isfinite(sos[s].b1) || !isfinite(sos[s].b2) ||
            !isfinite(sos[s].a1) || !isfinite(sos[s].a2))
            return 0;
    }
    return 1;
}

cramp_status cramp_filter_create(cramp_filter **out, const cramp_biquad *sos, size_t n_sections,
                                 size_t channels, const cramp_filter_config *cfg)
{
    if (!out) return CRAMP_EINVAL;
    *out = NULL;
    if (!sos || n_sections == 0 || channels == 0 || !cramp__sos_finite(sos, n_sections))
        return CRAMP_EINVAL;
    cramp_filter_config def;
    if (!cfg) {
        cramp_filter_config_default(&def);
        cfg = &def;
    }
    cramp_simd simd;
    cramp_status st = cramp__simd_resolve(cfg->simd, &simd);
    if (st != CRAMP_OK) return st;
    const size_t cpad = cramp__pad_channels(channels);
    if (cpad < channels || n_sections > ((size_t)-1) / (2 * sizeof(double) * cpad))
        return CRAMP_EINVAL;

    cramp_filter *f = calloc(1, sizeof *f);
    if (!f) return CRAMP_ENOMEM;
    f->sos = malloc(n_sections * sizeof *f->sos);
    f->state = calloc(2 * n_sections * cpad, sizeof *f->state);
    if (!f->sos || !f->state) {
        cramp_filter_destroy(f);
        return CRAMP_ENOMEM;
    }
    memcpy(f->sos, sos, n_sections * sizeof *sos);
    f->channels = channels;
    f->n_sec = n_sections;
    f->simd = simd;
    f->kernel = cramp__biquad_kernel_for(simd);
    *out = f;
    return CRAMP_OK;
}

cramp_status cramp_filter_process(cramp_filter *f, const float *in, float *out, size_t frames)
{
    if (!f) return CRAMP_EINVAL;
    if (frames == 0) return CRAMP_OK;
    if (!in || !out) return CRAMP_EINVAL;
    f->kernel(f->sos, f->n_sec, f->state, f->channels, in, out, (ptrdiff_t)f->channels, frames);
    return CRAMP_OK;
}

cramp_status cramp__filter_process_pair(cramp_filter *a, cramp_filter *b, cramp__comb *comb,
                                        const float *in, float *out_a, float *out_b,
                                        size_t frames)
{
    if (!a || !b) return CRAMP_EINVAL;
    if (frames == 0) return CRAMP_OK;
    if (!in || !out_a || !out_b) return CRAMP_EINVAL;
#if defined(CRAMP_HAVE_X86_KERNELS)
    if (a->simd == CRAMP_SIMD_AVX512 && b->simd == CRAMP_SIMD_AVX512 &&
        a->channels == b->channels && out_a != out_b && in != out_a && in != out_b) {
        cramp__comb_view v;
        if (comb) cramp__comb_view_get(comb, &v);
        if (cramp__biquad_pair_avx512(a->sos, a->n_sec, a->state, b->sos, b->n_sec, b->state,
                                      a->channels, in, out_a, out_b, (ptrdiff_t)a->channels,
                                      frames, comb ? &v : NULL)) {
            if (comb) cramp__comb_skip(comb, frames);
            return CRAMP_OK;
        }
    }
#endif
    cramp_status st = cramp_filter_process(a, in, out_a, frames);
    if (comb) cramp__comb_process(comb, out_a, frames);
    if (st == CRAMP_OK) st = cramp_filter_process(b, in, out_b, frames);
    return st;
}

void cramp_filter_reset(cramp_filter *f)
{
    if (!f) return;
    memset(f->state, 0, 2 * f->n_sec * cramp__pad_channels(f->channels) * sizeof *f->state);
}

void cramp__sos_zi(const cramp_biquad *sos, size_t n_sec, double *zi)
{
    /* Per section, the state a constant input leaves once settled (lfilter_zi
     * of that section), scaled by the DC gain of the sections before it, as
     * scipy.signal.sosfilt_zi does. */
    double scale = 1.0;
    for (size_t s = 0; s < n_sec; s++) {
        const cramp_biquad *q = &sos[s];
        const double den = 1.0 + q->a1 + q->a2;
        const double gain = (q->b0 + q->b1 + q->b2) / den;
        const double z1 = q->b2 - q->a2 * gain;
        const double z0 = q->b1 - q->a1 * gain + z1;
        zi[2 * s] = scale * z0;
        zi[2 * s + 1] = scale * z1;
        scale *= gain;
    }
}

void cramp_filter_set_steady_state(cramp_filter *f, const double *x0)
{
    if (!f || !x0) return;
    const size_t cpad = cramp__pad_channels(f->channels);
    double scale = 1.0; /* DC gain of the sections before s */
    for (size_t s = 0; s < f->n_sec; s++) {
        const cramp_biquad *q = &f->sos[s];
        double zi[2];
        cramp__sos_zi(q, 1, zi);
        for (size_t c = 0; c < f->channels; c++) {
            f->state[(2 * s) * cpad + c] = scale * zi[0] * x0[c];
            f->state[(2 * s + 1) * cpad + c] = scale * zi[1] * x0[c];
        }
        scale *= (q->b0 + q->b1 + q->b2) / (1.0 + q->a1 + q->a2);
    }
}

cramp_simd cramp_filter_simd(const cramp_filter *f) { return f ? f->simd : CRAMP_SIMD_SCALAR; }

size_t cramp_filter_channels(const cramp_filter *f) { return f ? f->channels : 0; }

void cramp_filter_destroy(cramp_filter *f)
{
    if (!f) return;
    free(f->sos);
    free(f->state);
    free(f);
}
