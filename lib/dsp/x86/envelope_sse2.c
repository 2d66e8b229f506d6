/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_envelope's window loops with SSE2 for full groups of channels
 * (compiled with -msse2, the x86-64 baseline; no -mfma). Two steps gcc and
 * clang do not vectorise from plain C: the suffix scan, whose accumulators
 * would otherwise go through memory on every slot, and sqrt, which
 * -fmath-errno keeps scalar. Both perform the same IEEE operations in the
 * same order as the plain C of envelope_kernels.inc, so the results are
 * bit-identical to cramp__env_kernels_base (tests/envelope.c checks it). */
#include <emmintrin.h>

#include "dsp/envelope_kernels.h"

#if CRAMP__ENV_GROUP != 8
#error "the SSE2 group helpers are written for groups of 8 channels"
#endif

/* Slots j = n-2 .. 1 of 8 channels: slot j += slot j+1, back to front, the
 * running sums kept in registers. */
static CRAMP__ENV_INLINE void group_suffix_scan(double *restrict slots, size_t n, size_t ch)
{
    const double *last = slots + (n - 1) * ch;
    __m128d a0 = _mm_loadu_pd(last), a1 = _mm_loadu_pd(last + 2);
    __m128d a2 = _mm_loadu_pd(last + 4), a3 = _mm_loadu_pd(last + 6);
    for (size_t j = n - 1; j-- > 1;) {
        double *a = slots + j * ch;
        a0 = _mm_add_pd(a0, _mm_loadu_pd(a));
        a1 = _mm_add_pd(a1, _mm_loadu_pd(a + 2));
        a2 = _mm_add_pd(a2, _mm_loadu_pd(a + 4));
        a3 = _mm_add_pd(a3, _mm_loadu_pd(a + 6));
        _mm_storeu_pd(a, a0);
        _mm_storeu_pd(a + 2, a1);
        _mm_storeu_pd(a + 4, a2);
        _mm_storeu_pd(a + 6, a3);
    }
}

/* y[c] = (float)sqrt(m[c]) for 8 channels. */
static CRAMP__ENV_INLINE void group_sqrt(const double *restrict m, float *restrict y)
{
    for (size_t c = 0; c < 8; c += 4) {
        const __m128 lo = _mm_cvtpd_ps(_mm_sqrt_pd(_mm_loadu_pd(m + c)));
        const __m128 hi = _mm_cvtpd_ps(_mm_sqrt_pd(_mm_loadu_pd(m + c + 2)));
        _mm_storeu_ps(y + c, _mm_movelh_ps(lo, hi));
    }
}

#define CRAMP__ENV_GROUP_KERNELS 1
#define CRAMP__ENV_KERNELS cramp__env_kernels_sse2
#include "dsp/envelope_kernels.inc"
