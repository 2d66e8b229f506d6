/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the per-sample and per-bin loops of cramp_spectral, compiled
 * once for baseline x86-64 / any CPU (spectral_kernels_base.c) and once with
 * AVX2 (spectral_kernels_avx2.c) from the same source,
 * spectral_kernels.inc. Every sum keeps the same fixed number of partial
 * sums on every path and no path contracts to FMA, so all paths give
 * bit-identical results; the AVX2 one only runs them in wider registers.
 * Not installed. */
#ifndef CRAMP_SPECTRAL_KERNELS_H
#define CRAMP_SPECTRAL_KERNELS_H

#include <stddef.h>

/* How power() combines a segment's |X_k|^2 with the accumulator. */
enum {
    CRAMP__POWER_SET = 0,   /* acc = |X|^2 (first segment) */
    CRAMP__POWER_ADD,       /* acc += |X|^2 */
    CRAMP__POWER_ADD_SCALE, /* acc = (acc + |X|^2) * scale (last segment) */
    CRAMP__POWER_SET_SCALE  /* acc = |X|^2 * scale (the only segment) */
};

typedef struct cramp__spec_kernels {
    /* y[i] = (x[i] - mean) w[i] (detrend 1), x[i] w[i] (detrend 0), or the
     * least-squares line removed (detrend 2; lin_tt = sum (i - (L-1)/2)^2). */
    void (*prepare)(const float *x, const float *w, size_t L, int detrend, double lin_tt,
                    float *y);
    /* X: K complex values as re, im float pairs. */
    void (*power)(const float *X, size_t K, double *acc, int mode, const double *scale);
    /* out: sum P, sum f P, sum f^2 P, sum f^3 P, sum f^4 P, max P; fpow holds
     * f, f^2, f^3, f^4, K values each. */
    void (*moments)(const double *P, const double *fpow, size_t K, double out[6]);
    /* out: sum a P, sum b P. */
    void (*dot2)(const double *P, const double *a, const double *b, size_t n, double out[2]);
    double (*sum)(const double *P, size_t n);
    /* sum over k of p ln p, p = P[k] * scale; scratch holds n doubles. */
    double (*plogp_sum)(const double *P, double scale, double *scratch, size_t n);
} cramp__spec_kernels;

extern const cramp__spec_kernels cramp__spec_kernels_base;
#if defined(CRAMP_HAVE_X86_KERNELS)
extern const cramp__spec_kernels cramp__spec_kernels_avx2;
#endif

#endif
