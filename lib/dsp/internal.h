/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal declarations of the dsp layer: the biquad kernels, their run-time
 * choice and the helpers the filters share; not installed. */
#ifndef CRAMP_DSP_INTERNAL_H
#define CRAMP_DSP_INTERNAL_H

#include <stddef.h>

#include "core/internal.h"
#include "cramp/filter.h"

/* A biquad cascade kernel. Runs the n_sec sections of sos (transposed direct
 * form II, as scipy.signal.sosfilt) over `frames` frames of `channels`
 * interleaved channels. Frame i is read from in + i * step and written to
 * out + i * step (step = channels forwards, -channels backwards over the same
 * buffer); in == out is allowed. The state is
 *   st[(s * 2 + j) * cpad + c]   (section s, delay j in {0,1}, channel c),
 * cpad = cramp__pad_channels(channels). Every kernel performs, per sample,
 * the same operations in the same order for a given path, so any split of a
 * signal into calls gives bit-identical output. Allocates nothing. */
typedef void (*cramp__biquad_kernel)(const cramp_biquad *sos, size_t n_sec, double *st,
                                     size_t channels, const float *in, float *out,
                                     ptrdiff_t step, size_t frames);

void cramp__biquad_scalar(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                          const float *in, float *out, ptrdiff_t step, size_t frames);
#if defined(CRAMP_HAVE_X86_KERNELS)
void cramp__biquad_avx2(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames);
void cramp__biquad_avx512(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                          const float *in, float *out, ptrdiff_t step, size_t frames);
#endif

/* A section whose numerator is (1, 2, 1) or (1, -2, 1), as every section of
 * a Butterworth band-pass but the first (which carries the gain). Its
 * products with the input are exact (times 1 is the input, times 2 the input
 * added to itself), so b0 x + z0 rounds as the add x + z0, b1 x + z1 as
 * z1 +- (x + x), and b2 x is x: the SIMD kernels run such sections with adds
 * in place of two of the three FMAs and without the multiply, the same bits
 * as the FMA form, and fewer operations on the multiply ports. */
static inline int cramp__unit_section(const cramp_biquad *s)
{
    return s->b0 == 1.0 && s->b2 == 1.0 && (s->b1 == 2.0 || s->b1 == -2.0);
}

/* Whether sections q[1..g-1] are all unit sections (g >= 2): the SIMD
 * kernels then run the group in the loop compiled for that pattern. */
static inline int cramp__unit_tail(const cramp_biquad *q, size_t g)
{
    if (g < 2) return 0;
    for (size_t k = 1; k < g; k++)
        if (!cramp__unit_section(&q[k])) return 0;
    return 1;
}

#if defined(CRAMP_HAVE_X86_KERNELS)
/* Two cascades over the same frames in one pass (AVX-512, channels in
 * lanes): sos (n_sec sections, state st) from in to out, sosb (n_secb, stb)
 * from in to outb, bit-identical to cramp__biquad_avx512 on each for finite
 * in (a first-order first section of sosb, b2 = a2 = +0, takes its zero
 * second state from the signs of y and x instead of two FMA-port
 * operations; with non-finite input the FMA form's NaN is not kept). Returns 0
 * without touching anything when it does not take this shape (it takes
 * n_sec 1..5, n_secb 2, channels >= 8, step = channels: the detector's
 * band-pass and motion band); out and outb distinct. With comb (not NULL,
 * the same channels), out goes through that mains comb first, as
 * cramp__comb_process would take it, and the caller then calls
 * cramp__comb_skip(frames). Allocates nothing. */
struct cramp__comb_view;
int cramp__biquad_pair_avx512(const cramp_biquad *sos, size_t n_sec, double *st,
                              const cramp_biquad *sosb, size_t n_secb, double *stb,
                              size_t channels, const float *in, float *out, float *outb,
                              ptrdiff_t step, size_t frames, const struct cramp__comb_view *comb);
#endif

/* cramp_filter_process(a, in, out_a, frames), then cramp__comb_process(comb,
 * out_a, frames) when comb is not NULL, then cramp_filter_process(b, in,
 * out_b, frames): in one pass over in when both filters run on AVX-512 with
 * the same channels and the pair kernel takes their shape, the same bits
 * either way for finite input (the detector's: its non-finite samples are
 * zeroed first; the one pass runs a first-order section of b without its
 * multiplies of zero, which with infinite or NaN input would give NaN).
 * out_a and out_b distinct and neither equal to in; comb, when given, over
 * the same channels. */
struct cramp__comb;
cramp_status cramp__filter_process_pair(cramp_filter *a, cramp_filter *b, struct cramp__comb *comb,
                                        const float *in, float *out_a, float *out_b,
                                        size_t frames);

/* The kernel for a resolved path (dsp/biquad_scalar.c). */
cramp__biquad_kernel cramp__biquad_kernel_for(cramp_simd s);

/* Steady-state (sosfilt_zi) state for a unit constant input: zi[2*s + j]. */
void cramp__sos_zi(const cramp_biquad *sos, size_t n_sec, double *zi);

/* 1 if every section is finite. */
int cramp__sos_finite(const cramp_biquad *sos, size_t n_sec);


/* SciPy's odd extension: edge frames before x (2 x[0] - x[edge-j]) and after
 * a signal of `frames` frames (2 x[T-1] - x[T-2-j]); ext holds edge frames. */
void cramp__odd_extension_left(const float *x, size_t channels, size_t edge, float *ext);
void cramp__odd_extension_right(const float *x, size_t frames, size_t channels, size_t edge,
                                float *ext);
/* Kernel state = zi[k] * x0[c] for every section/delay k and channel c. */
void cramp__set_state(double *st, const double *zi, size_t n_sec, size_t channels,
                      const float *x0);
#endif
