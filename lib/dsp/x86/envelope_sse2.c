/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_envelope's window loops with SSE2 for full groups of 8 channels
 * (compiled with -msse2, the x86-64 baseline; no -mfma). The group's head
 * sums stay in four registers for the whole call, the suffix scan keeps its
 * running sums in registers instead of going through memory on every slot,
 * and sqrt runs two lanes at a time (-fmath-errno keeps the plain C one
 * scalar). Every lane performs the IEEE operations of window_group in
 * envelope_kernels.inc in the same order (exact conversions and squares or
 * absolute values, the same sums, one division, one rounding to float), so
 * the results are bit-identical to cramp__env_kernels_base; tests/unit/dsp/simd.c
 * checks it. Written out rather than left to the auto-vectoriser, whose
 * choices for the plain C loop changed with its surroundings (a 45 % slower
 * 8-channel RMS, measured with bench/cramp-bench, when the loop moved here
 * from envelope.c). */
#include <emmintrin.h>
#include <stdint.h>

#include "dsp/envelope_kernels.h"

#if CRAMP__ENV_GROUP != 8
#error "the SSE2 group loop is written for groups of 8 channels"
#endif

/* Slots j = n-2 .. 1 of 8 channels: slot j += slot j+1, back to front. */
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

/* Two doubles to floats (x RMS: after sqrt), stored as y[0..3] from lo, hi. */
static CRAMP__ENV_INLINE void store_4(float *y, __m128d lo, __m128d hi, const int rms)
{
    if (rms) {
        lo = _mm_sqrt_pd(lo);
        hi = _mm_sqrt_pd(hi);
    }
    _mm_storeu_ps(y, _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi)));
}

/* window_group (envelope_kernels.inc) for channels g .. g+7. */
static CRAMP__ENV_INLINE size_t group_window(const cramp__env_window *e, const float *restrict in,
                                             size_t frames, float *restrict out, size_t g,
                                             const int rms)
{
    const size_t ch = e->channels, n = e->n, d = e->decim;
    const __m128d dn = _mm_set1_pd((double)n);
    const __m128d magnitude = _mm_castsi128_pd(_mm_set1_epi64x(INT64_MAX)); /* fabs */
    double *restrict slots = e->slots + g;
    size_t pos = e->pos, dc = e->dcount, k = 0;
    __m128d h0 = _mm_loadu_pd(e->head + g), h1 = _mm_loadu_pd(e->head + g + 2);
    __m128d h2 = _mm_loadu_pd(e->head + g + 4), h3 = _mm_loadu_pd(e->head + g + 6);

    for (size_t i = 0; i < frames; i++) {
        const float *restrict x = in + i * ch + g;
        double *restrict s = slots + pos * ch;
        const __m128 xa = _mm_loadu_ps(x), xb = _mm_loadu_ps(x + 4);
        __m128d t0 = _mm_cvtps_pd(xa), t1 = _mm_cvtps_pd(_mm_movehl_ps(xa, xa));
        __m128d t2 = _mm_cvtps_pd(xb), t3 = _mm_cvtps_pd(_mm_movehl_ps(xb, xb));
        if (rms) {
            t0 = _mm_mul_pd(t0, t0);
            t1 = _mm_mul_pd(t1, t1);
            t2 = _mm_mul_pd(t2, t2);
            t3 = _mm_mul_pd(t3, t3);
        } else {
            t0 = _mm_and_pd(t0, magnitude);
            t1 = _mm_and_pd(t1, magnitude);
            t2 = _mm_and_pd(t2, magnitude);
            t3 = _mm_and_pd(t3, magnitude);
        }
        _mm_storeu_pd(s, t0);
        _mm_storeu_pd(s + 2, t1);
        _mm_storeu_pd(s + 4, t2);
        _mm_storeu_pd(s + 6, t3);
        h0 = _mm_add_pd(h0, t0);
        h1 = _mm_add_pd(h1, t1);
        h2 = _mm_add_pd(h2, t2);
        h3 = _mm_add_pd(h3, t3);
        if (++dc == d) {
            dc = 0;
            float *restrict y = out + k * ch + g;
            k++;
            __m128d m0 = h0, m1 = h1, m2 = h2, m3 = h3;
            if (pos + 1 < n) {
                const double *restrict tail = s + ch; /* suffix[pos+1] of the previous block */
                m0 = _mm_add_pd(_mm_loadu_pd(tail), m0);
                m1 = _mm_add_pd(_mm_loadu_pd(tail + 2), m1);
                m2 = _mm_add_pd(_mm_loadu_pd(tail + 4), m2);
                m3 = _mm_add_pd(_mm_loadu_pd(tail + 6), m3);
            }
            store_4(y, _mm_div_pd(m0, dn), _mm_div_pd(m1, dn), rms);
            store_4(y + 4, _mm_div_pd(m2, dn), _mm_div_pd(m3, dn), rms);
        }
        if (++pos == n) {
            /* Block complete: its terms become suffix sums, back to front. */
            pos = 0;
            group_suffix_scan(slots, n, ch);
            h0 = h1 = h2 = h3 = _mm_setzero_pd();
        }
    }
    _mm_storeu_pd(e->head + g, h0);
    _mm_storeu_pd(e->head + g + 2, h1);
    _mm_storeu_pd(e->head + g + 4, h2);
    _mm_storeu_pd(e->head + g + 6, h3);
    return k;
}

#define CRAMP__ENV_GROUP_KERNELS 1
#define CRAMP__ENV_KERNELS cramp__env_kernels_sse2
#include "dsp/envelope_kernels.inc"
