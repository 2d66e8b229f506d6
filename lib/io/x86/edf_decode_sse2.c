/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EDF 16-bit decoding, SSE2 path (the x86-64 baseline: compiled with -msse2,
 * no -mfma, so the multiply and the add round as the scalar code does:
 * bit-identical output). Chosen for the SCALAR path on x86-64 builds
 * (cramp__edf_dec16x4_for, edf_decode.c). */
#include <emmintrin.h>

#include "io/edf_internal.h"

/* 4 frames x 4 channels per step: four 64-bit loads, transposed in registers
 * to frame order, widened to double, scaled (multiply then add, as the scalar
 * code), rounded to float once, stored as 4 consecutive floats per frame.
 * Bit-identical to the scalar loop. */
void cramp__edf_dec16x4_sse2(const unsigned char *const src[4], const double sc[4],
                             const double sh[4], size_t k, float *out, size_t stride)
{
    const __m128d a01 = _mm_set_pd(sc[1], sc[0]), a23 = _mm_set_pd(sc[3], sc[2]);
    const __m128d b01 = _mm_set_pd(sh[1], sh[0]), b23 = _mm_set_pd(sh[3], sh[2]);
    size_t i = 0;
    for (; i + 4 <= k; i += 4) {
        const __m128i x0 = _mm_loadl_epi64((const __m128i *)(const void *)(src[0] + 2 * i));
        const __m128i x1 = _mm_loadl_epi64((const __m128i *)(const void *)(src[1] + 2 * i));
        const __m128i x2 = _mm_loadl_epi64((const __m128i *)(const void *)(src[2] + 2 * i));
        const __m128i x3 = _mm_loadl_epi64((const __m128i *)(const void *)(src[3] + 2 * i));
        const __m128i u01 = _mm_unpacklo_epi16(x0, x1), u23 = _mm_unpacklo_epi16(x2, x3);
        const __m128i f01 = _mm_unpacklo_epi32(u01, u23), f23 = _mm_unpackhi_epi32(u01, u23);
        __m128i f[4];
        f[0] = _mm_srai_epi32(_mm_unpacklo_epi16(f01, f01), 16);
        f[1] = _mm_srai_epi32(_mm_unpackhi_epi16(f01, f01), 16);
        f[2] = _mm_srai_epi32(_mm_unpacklo_epi16(f23, f23), 16);
        f[3] = _mm_srai_epi32(_mm_unpackhi_epi16(f23, f23), 16);
        for (size_t r = 0; r < 4; r++) {
            const __m128d lo = _mm_add_pd(_mm_mul_pd(_mm_cvtepi32_pd(f[r]), a01), b01);
            const __m128d hi =
                _mm_add_pd(_mm_mul_pd(_mm_cvtepi32_pd(_mm_shuffle_epi32(f[r], 0xEE)), a23), b23);
            _mm_storeu_ps(out + (i + r) * stride,
                          _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi)));
        }
    }
    cramp__edf_dec16x4_scalar(src, sc, sh, i, k, out, stride);
}
