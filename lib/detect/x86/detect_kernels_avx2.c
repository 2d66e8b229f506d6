/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's per-sample loops compiled with -mavx2 (deliberately
 * without FMA, so that every sum rounds as on the plain path), and the
 * envelope's square roots in explicit vectors: -fmath-errno keeps the
 * compiler from vectorising the libm call, while sqrtpd and divpd give the
 * same correctly rounded IEEE results, four lanes at a time. */
#include <immintrin.h>
#include <math.h>
#include <stddef.h>

static void sqrt_ratio_avx2(const double *num, double den, float *out, size_t n)
{
    size_t c = 0;
    const __m256d dv = _mm256_set1_pd(den);
    for (; c + 4 <= n; c += 4) {
        const __m256d v = _mm256_sqrt_pd(_mm256_div_pd(_mm256_loadu_pd(num + c), dv));
        double r[4];
        _mm256_storeu_pd(r, v);
        for (size_t i = 0; i < 4; i++) out[c + i] = (float)r[i];
    }
    for (; c < n; c++) out[c] = (float)sqrt(num[c] / den);
}

#define CRAMP__DETECT_SQRT_RATIO sqrt_ratio_avx2
#define CRAMP__DETECT_KERNELS cramp__detect_kernels_avx2
#include "detect/detect_kernels.inc"
