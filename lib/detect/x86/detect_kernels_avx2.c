/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's per-sample loops compiled with -mavx2 (deliberately
 * without FMA, so that every sum rounds as on the plain path), and the
 * envelope's square roots in explicit vectors: -fmath-errno keeps the
 * compiler from vectorising the libm call, while sqrtpd and divpd give the
 * same correctly rounded IEEE results, four lanes at a time. */
#include <immintrin.h>
#include <math.h>
#include <stddef.h>

static void envelopes_avx2(const double *band_win, const double *motion_tick,
                           const double *motion_win, double den, double tick_den, float *env,
                           float *motion_rms, double *motion_env2, size_t n)
{
    size_t c = 0;
    const __m256d dv = _mm256_set1_pd(den), tv = _mm256_set1_pd(tick_den);
    for (; c + 4 <= n; c += 4) {
        const __m256d e = _mm256_sqrt_pd(_mm256_div_pd(_mm256_loadu_pd(band_win + c), dv));
        const __m256d m = _mm256_sqrt_pd(_mm256_div_pd(_mm256_loadu_pd(motion_tick + c), tv));
        _mm256_storeu_pd(motion_env2 + c, _mm256_div_pd(_mm256_loadu_pd(motion_win + c), dv));
        /* vcvtpd2ps rounds to nearest, as the conversion in C does */
        _mm_storeu_ps(env + c, _mm256_cvtpd_ps(e));
        _mm_storeu_ps(motion_rms + c, _mm256_cvtpd_ps(m));
    }
    for (; c < n; c++) {
        env[c] = (float)sqrt(band_win[c] / den);
        motion_rms[c] = (float)sqrt(motion_tick[c] / tick_den);
        motion_env2[c] = motion_win[c] / den;
    }
}

#define CRAMP__DETECT_ENVELOPES envelopes_avx2
/* vmaxps(a, m) is a > m ? a : m by definition (m when either is NaN or both
 * are zeros): the tick's peak |b| in one instruction, so the maximum's chain
 * from frame to frame is one latency, not a compare-and-blend's three. */
#define CRAMP__DETECT_MAX8(a, m) ((v8f)_mm256_max_ps((__m256)(a), (__m256)(m)))
#define CRAMP__DETECT_KERNELS cramp__detect_kernels_avx2
#include "detect/detect_kernels.inc"
