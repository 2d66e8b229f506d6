/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The EDF 16-bit decoding kernels of every SIMD path the CPU runs (SSE2 for
 * SCALAR on x86-64 builds, AVX2; the eight-signal AVX-512 one) against the
 * plain C reference: bit-identical floats for random and extreme digital
 * values, scales and offsets, every frame count 0..67 (so every remainder
 * path runs) and output strides of the signals' count to 9 more.
 * Runs without any data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/edf_internal.h"
#include "testutil.h"

/* fn4 (four signals) or, when not NULL, fn8 (eight) against the scalar
 * reference run on each group of four signals. */
static void run_kernel(const char *name, cramp__edf_dec16x4_fn fn4, cramp__edf_dec16x8_fn fn8,
                       test_rng *rng)
{
    enum { MAXK = 67, MAXS = 17 };
    const size_t w = fn8 ? 8 : 4;
    unsigned char data[8][2 * MAXK + 1];
    float got[MAXK * MAXS], want[MAXK * MAXS];
    size_t bad = 0, cases = 0;
    for (int trial = 0; trial < 200; trial++) {
        double sc[8], sh[8];
        for (size_t j = 0; j < w; j++) {
            /* ranges from nanovolts to volts per step, offsets to +-1e6 */
            sc[j] = pow(10.0, -6.0 + 9.0 * test_rng_uniform(rng)) *
                    (test_rng_uniform(rng) < 0.2 ? -1.0 : 1.0);
            sh[j] = test_rng_uniform(rng) < 0.3 ? 0.0 : 1e6 * (test_rng_uniform(rng) - 0.5);
            for (size_t i = 0; i < 2 * MAXK + 1; i++)
                data[j][i] = (unsigned char)(test_rng_u64(rng) >> 56);
            /* extremes */
            data[j][1] = 0x80, data[j][2] = 0x00; /* -32768 at an odd address */
            data[j][3] = 0xFF, data[j][4] = 0x7F; /* 32767 */
        }
        for (size_t k = 0; k <= MAXK; k++) {
            /* strides w .. w + 9 */
            const size_t stride = w + (size_t)(test_rng_u64(rng) % 10);
            /* odd byte offset: unaligned loads */
            const unsigned char *const src[8] = {data[0] + 1, data[1] + 1, data[2] + 1,
                                                 data[3] + 1, data[4] + 1, data[5] + 1,
                                                 data[6] + 1, data[7] + 1};
            memset(got, 0x55, sizeof got);
            memset(want, 0x55, sizeof want);
            if (fn8)
                fn8(src, sc, sh, k, got, stride);
            else
                fn4(src, sc, sh, k, got, stride);
            for (size_t j0 = 0; j0 < w; j0 += 4)
                cramp__edf_dec16x4_scalar(src + j0, sc + j0, sh + j0, 0, k, want + j0, stride);
            bad += memcmp(got, want, sizeof got) != 0; /* also: nothing written beyond */
            cases++;
        }
    }
    CHECK(bad == 0, "%s: %zu of %zu cases differ from the scalar kernel", name, bad, cases);
    printf("edf_decode: %s (%zu signals) checked in %zu cases\n", name, w, cases);
}

int main(void)
{
    test_rng rng = {0xedfdec0deULL};
    /* the scalar kernel itself against the EDF formula in long double */
    const unsigned char raw[8] = {0x00, 0x80, 0xFF, 0x7F, 0x00, 0x00, 0x34, 0x12};
    const unsigned char *const src[4] = {raw, raw + 2, raw + 4, raw + 6};
    const double sc[4] = {0.1, 0.1, 0.1, 0.1}, sh[4] = {0.05, 0.05, 0.05, 0.05};
    float out[4];
    cramp__edf_dec16x4_scalar(src, sc, sh, 0, 1, out, 4);
    static const long dig[4] = {-32768, 32767, 0, 0x1234};
    for (int j = 0; j < 4; j++)
        CHECK(out[j] == (float)((double)dig[j] * 0.1 + 0.05), "scalar %d: %.9g", j, (double)out[j]);
    /* every path this CPU runs: SCALAR (SSE2 on x86-64 builds), AVX2 and
     * AVX512 (the AVX2 kernel where compiled in), then the one select() takes */
    static const cramp_simd paths[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        if (!cramp_simd_available(paths[p])) {
            printf("edf_decode: %s not run by this CPU\n", cramp_simd_name(paths[p]));
            continue;
        }
        run_kernel(cramp_simd_name(paths[p]), cramp__edf_dec16x4_for(paths[p]), NULL, &rng);
        /* the eight-signal kernel where the path has one (AVX512) */
        if (cramp__edf_dec16x8_for(paths[p]))
            run_kernel(cramp_simd_name(paths[p]), NULL, cramp__edf_dec16x8_for(paths[p]), &rng);
    }
    CHECK((cramp__edf_dec16x8_for(CRAMP_SIMD_AVX512) != NULL) ==
              (cramp__edf_dec16x4_for(CRAMP_SIMD_AVX512) != cramp__edf_dec16x4_for(CRAMP_SIMD_SCALAR)),
          "an x86 build has the AVX-512 eight-signal kernel, others none");
    run_kernel("best", cramp__edf_dec16x4_best(), NULL, &rng);
    if (cramp__edf_dec16x8_best()) run_kernel("best", NULL, cramp__edf_dec16x8_best(), &rng);
    return cramp_test_finish("edf_decode");
}
