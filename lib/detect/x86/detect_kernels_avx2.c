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
/* The mains guess's Goertzel recursions for eight channels (two vectors) at
 * 50, 60, 150 and 180 Hz, in explicit vectors: the compiler's own
 * vectorisation of the generic loop shuffled the state arrays on every
 * frame. Per lane the operations of the textbook loop in its order:
 * s0 = ((double)x + k s1) - s2, then p = (s1 s1 + s2 s2) - (k s1) s2,
 * multiplies and adds apart (no FMA in this file), so the same bits. */
static void goertzel_8x4_avx2(const float *x, size_t frames, size_t C, const double *k,
                              double p[][8])
{
    __m256d s1[4][2], s2[4][2], kv[4];
    for (size_t f = 0; f < 4; f++) {
        kv[f] = _mm256_set1_pd(k[f]);
        s1[f][0] = s1[f][1] = s2[f][0] = s2[f][1] = _mm256_setzero_pd();
    }
    for (size_t i = 0; i < frames; i++) {
        const float *xi = x + i * C;
        const __m256d xv[2] = {_mm256_cvtps_pd(_mm_loadu_ps(xi)),
                               _mm256_cvtps_pd(_mm_loadu_ps(xi + 4))};
        for (size_t f = 0; f < 4; f++)
            for (size_t h = 0; h < 2; h++) {
                const __m256d s0 = _mm256_sub_pd(
                    _mm256_add_pd(xv[h], _mm256_mul_pd(kv[f], s1[f][h])), s2[f][h]);
                s2[f][h] = s1[f][h];
                s1[f][h] = s0;
            }
    }
    for (size_t f = 0; f < 4; f++)
        for (size_t h = 0; h < 2; h++) {
            const __m256d a = s1[f][h], b = s2[f][h];
            const __m256d sq = _mm256_add_pd(_mm256_mul_pd(a, a), _mm256_mul_pd(b, b));
            _mm256_storeu_pd(&p[f][4 * h],
                             _mm256_sub_pd(sq, _mm256_mul_pd(_mm256_mul_pd(kv[f], a), b)));
        }
}

#define CRAMP__DETECT_GOERTZEL8X4 goertzel_8x4_avx2
#define CRAMP__DETECT_KERNELS cramp__detect_kernels_avx2
#include "detect/detect_kernels.inc"
