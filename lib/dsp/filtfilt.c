/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whole-signal zero-phase filtering, as scipy.signal.sosfiltfilt. */
#include <stdlib.h>
#include <string.h>

#include "dsp/internal.h"

size_t cramp_filtfilt_padlen(const cramp_biquad *sos, size_t n_sections)
{
    if (!sos) return 0;
    size_t zb = 0, za = 0;
    for (size_t s = 0; s < n_sections; s++) {
        zb += sos[s].b2 == 0.0;
        za += sos[s].a2 == 0.0;
    }
    return 3 * (2 * n_sections + 1 - (zb < za ? zb : za));
}

void cramp__odd_extension_left(const float *x, size_t channels, size_t edge, float *ext)
{
    /* ext[j] = 2 x[0] - x[edge - j], j = 0 .. edge-1 */
    for (size_t j = 0; j < edge; j++)
        for (size_t c = 0; c < channels; c++)
            ext[j * channels + c] =
                (float)(2.0 * (double)x[c] - (double)x[(edge - j) * channels + c]);
}

void cramp__odd_extension_right(const float *x, size_t frames, size_t channels, size_t edge,
                                float *ext)
{
    /* ext[j] = 2 x[T-1] - x[T-2-j], j = 0 .. edge-1 (x holds T = frames frames) */
    const float *last = x + (frames - 1) * channels;
    for (size_t j = 0; j < edge; j++)
        for (size_t c = 0; c < channels; c++)
            ext[j * channels + c] =
                (float)(2.0 * (double)last[c] - (double)x[(frames - 2 - j) * channels + c]);
}

void cramp__set_state(double *st, const double *zi, size_t n_sec, size_t channels,
                      const float *x0)
{
    const size_t cpad = cramp__pad_channels(channels);
    for (size_t k = 0; k < 2 * n_sec; k++) {
        for (size_t c = 0; c < channels; c++) st[k * cpad + c] = zi[k] * (double)x0[c];
        for (size_t c = channels; c < cpad; c++) st[k * cpad + c] = 0.0;
    }
}

cramp_status cramp_filtfilt(const cramp_biquad *sos, size_t n_sections, size_t channels,
                            const float *in, float *out, size_t frames, cramp_simd simd,
                            cramp_error *err)
{
    if (!sos || n_sections == 0 || channels == 0 || !in || !out)
        return cramp__fail(err, CRAMP_EINVAL, "zero-phase filter: NULL or empty argument");
    if (!cramp__sos_finite(sos, n_sections))
        return cramp__fail(err, CRAMP_EINVAL, "zero-phase filter: non-finite coefficient");
    cramp_simd path;
    cramp_status st = cramp__simd_resolve(simd, &path);
    if (st != CRAMP_OK)
        return cramp__fail(err, st, "zero-phase filter: SIMD path %s is not available here",
                           cramp_simd_name(simd));
    const size_t edge = cramp_filtfilt_padlen(sos, n_sections);
    if (frames <= edge)
        return cramp__fail(err, CRAMP_ERANGE,
                           "zero-phase filter: the signal has %zu frames; it must be longer than "
                           "the %zu-frame edge padding these %zu sections need",
                           frames, edge, n_sections);
    const size_t cpad = cramp__pad_channels(channels);
    if (edge > ((size_t)-1) / sizeof(float) / 2 / cpad)
        return cramp__fail(err, CRAMP_ERANGE, "zero-phase filter: too many sections");
    /* Only the two extensions need room of their own: the forward pass runs
     * from in into out and the backward pass over out in place. The right
     * extension is made first, since in == out may be the same buffer. */
    float *pad = malloc(2 * edge * channels * sizeof *pad);
    double *state = malloc(2 * n_sections * cpad * sizeof *state);
    double *zi = malloc(2 * n_sections * sizeof *zi);
    if (!pad || !state || !zi) {
        free(pad);
        free(state);
        free(zi);
        return cramp__fail(err, CRAMP_ENOMEM, "zero-phase filter: out of memory");
    }
    float *left = pad, *right = pad + edge * channels;
    cramp__odd_extension_left(in, channels, edge, left);
    cramp__odd_extension_right(in, frames, channels, edge, right);
    cramp__sos_zi(sos, n_sections, zi);
    const cramp__biquad_kernel kernel = cramp__biquad_kernel_for(path);
    const ptrdiff_t step = (ptrdiff_t)channels;

    /* Forward over left extension, signal, right extension. */
    cramp__set_state(state, zi, n_sections, channels, left);
    kernel(sos, n_sections, state, channels, left, left, step, edge);
    kernel(sos, n_sections, state, channels, in, out, step, frames);
    kernel(sos, n_sections, state, channels, right, right, step, edge);
    /* Backward from the end of the right extension; the left extension's
     * backward output would be discarded, so it is not computed. */
    float *last = right + (edge - 1) * channels;
    cramp__set_state(state, zi, n_sections, channels, last);
    kernel(sos, n_sections, state, channels, last, last, -step, edge);
    float *out_last = out + (frames - 1) * channels;
    kernel(sos, n_sections, state, channels, out_last, out_last, -step, frames);

    free(pad);
    free(state);
    free(zi);
    return CRAMP_OK;
}
