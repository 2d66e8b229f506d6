/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: a mains comb as one recursive comb, for rates with a whole
 * number N of samples per mains period (dsp/comb.c). Not installed.
 *
 * H(z) = g (1 - z^-N) / (1 - a z^-N), g = 1 / (1 + beta), a = (1 - beta) /
 * (1 + beta), beta = tan(pi / (2 q)): zeros at 0, f0, 2 f0, ... up to
 * Nyquist, each notch f0 / q wide at -3 dB (scipy.signal.iircomb(f0, q,
 * 'notch', fs=fs)). Per sample and channel one subtraction, two multiplies
 * and an add, whatever the number of harmonics, against four multiplies and
 * as many adds per harmonic for the cascade of notches. */
#ifndef CRAMP_DSP_COMB_H
#define CRAMP_DSP_COMB_H

#include <stddef.h>

#include "cramp/simd.h"
#include "cramp/status.h"

typedef struct cramp__comb cramp__comb;

/* The samples per period, fs / f0, when it is a whole number >= 3 (within
 * 1e-9 of it), else 0: the comb is for these rates only. */
size_t cramp__comb_period(double fs, double f0);

/* A comb over `channels` interleaved channels, its loop on SIMD path simd
 * (AUTO: the best here; every path gives the same bits); CRAMP_EINVAL when
 * fs / f0 is not a whole number >= 3, q <= 0 or channels is 0,
 * CRAMP_EUNSUPPORTED for a path this CPU lacks, CRAMP_ENOMEM. Allocates
 * 2 N x channels doubles of delay line. Not synchronised: one per
 * thread. */
cramp_status cramp__comb_create(cramp__comb **out, double fs, double f0, double q,
                                size_t channels, cramp_simd simd);

/* The loop, per path (dsp/comb_span.inc). */
typedef void (*cramp__comb_span_fn)(double g, double a, float *x, double *xd, double *yd,
                                    size_t m);
void cramp__comb_span_base(double g, double a, float *x, double *xd, double *yd, size_t m);
#if defined(CRAMP_HAVE_X86_KERNELS)
void cramp__comb_span_avx2(double g, double a, float *x, double *xd, double *yd, size_t m);
void cramp__comb_span_avx512(double g, double a, float *x, double *xd, double *yd, size_t m);
#endif
/* The comb's coefficients and delay lines, for a loop that runs the comb
 * inside another (cramp__biquad_pair_avx512): slot k of xd / yd holds the
 * channels' input and output N frames before the frame that goes to slot k;
 * the next frame goes to slot pos. After running n frames the loop calls
 * cramp__comb_skip(c, n). */
typedef struct cramp__comb_view {
    double g, a;
    double *xd; /* float values (the comb's input), held as double */
    double *yd;
    size_t period, pos, channels;
} cramp__comb_view;
void cramp__comb_view_get(cramp__comb *c, cramp__comb_view *v);
/* Advances the next slot by `frames` frames (their values written by the
 * caller through the view). */
void cramp__comb_skip(cramp__comb *c, size_t frames);
void cramp__comb_destroy(cramp__comb *c);
/* Delay lines as after a long constant input x0[c] (x0 has `channels`
 * values): x history x0, output history 0 (the comb's gain at 0 Hz). */
void cramp__comb_set_steady_state(cramp__comb *c, const double *x0);
/* Zero history. */
void cramp__comb_reset(cramp__comb *c);
/* Filters `frames` interleaved frames of x in place. Any split of a signal
 * into calls gives the same bits; so does any channel count (each channel
 * is computed alone, in double, without fused multiply-adds). */
void cramp__comb_process(cramp__comb *c, float *x, size_t frames);
/* The same, one sample at a time in the plain order: the reference the
 * vectorised loop is tested against (tests/comb.c). */
void cramp__comb_process_plain(cramp__comb *c, float *x, size_t frames);

#endif
