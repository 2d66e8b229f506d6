/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EDF 16-bit decoding, AVX2 path (compiled with -mavx2 only, no -mfma, so the
 * multiply and the add round as the scalar code does: bit-identical output).
 * Chosen for the AVX2 and AVX512 paths (cramp__edf_dec16x4_for, edf_decode.c). */
#include <immintrin.h>
#include <string.h>

#include "io/edf_internal.h"

/* 8 frames x 4 channels per step: four 128-bit loads, a 16-bit transpose to
 * frame order, then per frame one 4-lane double multiply-add of the four
 * channels and one 4-float store. */
void cramp__edf_dec16x4_avx2(const unsigned char *const src[4], const double sc[4],
                             const double sh[4], size_t k, float *out, size_t stride)
{
    const __m256d a = _mm256_set_pd(sc[3], sc[2], sc[1], sc[0]);
    const __m256d b = _mm256_set_pd(sh[3], sh[2], sh[1], sh[0]);
    const unsigned char *s0 = src[0], *s1 = src[1], *s2 = src[2], *s3 = src[3];
    size_t i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)(s0 + 2 * i));
        const __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(s1 + 2 * i));
        const __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(s2 + 2 * i));
        const __m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)(s3 + 2 * i));
        const __m128i l01 = _mm_unpacklo_epi16(x0, x1), l23 = _mm_unpacklo_epi16(x2, x3);
        const __m128i h01 = _mm_unpackhi_epi16(x0, x1), h23 = _mm_unpackhi_epi16(x2, x3);
        /* each holds two frames of four channels */
        const __m128i f[4] = {_mm_unpacklo_epi32(l01, l23), _mm_unpackhi_epi32(l01, l23),
                              _mm_unpacklo_epi32(h01, h23), _mm_unpackhi_epi32(h01, h23)};
        for (size_t p = 0; p < 4; p++) {
            const __m256i w = _mm256_cvtepi16_epi32(f[p]);
            const __m256d lo =
                _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(w)), a), b);
            const __m256d hi = _mm256_add_pd(
                _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(w, 1)), a), b);
            _mm_storeu_ps(out + (i + 2 * p) * stride, _mm256_cvtpd_ps(lo));
            _mm_storeu_ps(out + (i + 2 * p + 1) * stride, _mm256_cvtpd_ps(hi));
        }
    }
    cramp__edf_dec16x4_scalar(src, sc, sh, i, k, out, stride);
}
