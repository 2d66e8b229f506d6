/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EDF 16-bit decoding of eight signals at a time, AVX-512 path (compiled with
 * -mavx512f -mavx512vl -mavx2 and -ffp-contract=off, no -mfma: the multiply
 * and the add round apart, as the scalar code does, so the output is
 * bit-identical). Chosen for the AVX512 path (cramp__edf_dec16x8_for,
 * edf_decode.c); eight signals fill one vector of eight doubles, so a frame
 * of eight channels is one multiply, one add, one rounding to float and one
 * 32-byte store, where the four-signal kernels take two of each. */
#include <immintrin.h>

#include "io/edf_internal.h"

/* 8 frames x 8 channels per step: eight 128-bit loads, an 8 x 8 transpose
 * of the 16-bit samples to frame order (three rounds of unpacks), then per
 * frame one 8-lane double multiply and add and one 8-float store. */
void cramp__edf_dec16x8_avx512(const unsigned char *const src[8], const double sc[8],
                               const double sh[8], size_t k, float *out, size_t stride)
{
    const __m512d a = _mm512_loadu_pd(sc), b = _mm512_loadu_pd(sh);
    const unsigned char *s[8];
    for (size_t j = 0; j < 8; j++) s[j] = src[j];
    size_t i = 0;
    for (; i + 8 <= k; i += 8) {
        __m128i x[8];
        for (size_t j = 0; j < 8; j++)
            x[j] = _mm_loadu_si128((const __m128i *)(const void *)(s[j] + 2 * i));
        /* pairs of channels, frames 0-3 (lo) and 4-7 (hi) */
        const __m128i t0 = _mm_unpacklo_epi16(x[0], x[1]), t1 = _mm_unpackhi_epi16(x[0], x[1]);
        const __m128i t2 = _mm_unpacklo_epi16(x[2], x[3]), t3 = _mm_unpackhi_epi16(x[2], x[3]);
        const __m128i t4 = _mm_unpacklo_epi16(x[4], x[5]), t5 = _mm_unpackhi_epi16(x[4], x[5]);
        const __m128i t6 = _mm_unpacklo_epi16(x[6], x[7]), t7 = _mm_unpackhi_epi16(x[6], x[7]);
        /* two frames of four channels each */
        const __m128i u0 = _mm_unpacklo_epi32(t0, t2), u1 = _mm_unpackhi_epi32(t0, t2);
        const __m128i u2 = _mm_unpacklo_epi32(t1, t3), u3 = _mm_unpackhi_epi32(t1, t3);
        const __m128i u4 = _mm_unpacklo_epi32(t4, t6), u5 = _mm_unpackhi_epi32(t4, t6);
        const __m128i u6 = _mm_unpacklo_epi32(t5, t7), u7 = _mm_unpackhi_epi32(t5, t7);
        /* one frame of eight channels each */
        const __m128i f[8] = {_mm_unpacklo_epi64(u0, u4), _mm_unpackhi_epi64(u0, u4),
                              _mm_unpacklo_epi64(u1, u5), _mm_unpackhi_epi64(u1, u5),
                              _mm_unpacklo_epi64(u2, u6), _mm_unpackhi_epi64(u2, u6),
                              _mm_unpacklo_epi64(u3, u7), _mm_unpackhi_epi64(u3, u7)};
        for (size_t p = 0; p < 8; p++) {
            const __m512d v = _mm512_cvtepi32_pd(_mm256_cvtepi16_epi32(f[p]));
            const __m512d y = _mm512_add_pd(_mm512_mul_pd(v, a), b);
            /* vcvtpd2ps rounds to nearest, as the conversion in C does */
            _mm256_storeu_ps(out + (i + p) * stride, _mm512_cvtpd_ps(y));
        }
    }
    cramp__edf_dec16x4_scalar(src, sc, sh, i, k, out, stride);
    cramp__edf_dec16x4_scalar(src + 4, sc + 4, sh + 4, i, k, out + 4, stride);
}
