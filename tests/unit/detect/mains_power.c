/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mains guess's one-pass Goertzel sums (cramp__detect_mains_power,
 * lib/detect/detect_config.c) against the textbook loop kept here: one
 * recursion per channel and frequency, one after the other, the powers
 * summed in channel order. On random interleaved frames with hum at 50 or
 * 60 Hz, for 1-21 channels (whole groups of 8 and remainders) and rates on
 * both sides of 370 Hz (where 150 and 180 Hz join), the two sums must have
 * the same bits, and cramp_detect_mains_guess must say what the plain sums
 * say. CRAMP_TEST_SEED repeats a failing run; the seed is printed with
 * every failure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "cramp/simd.h"
#include "detect/detect_internal.h"
#include "testutil.h"

static const double mains_hz[4] = {50, 60, 150, 180};

static double plain_goertzel(const float *x, size_t frames, size_t C, size_t c, double f,
                             double fs)
{
    const double w = 2 * 3.14159265358979323846 * f / fs, k = 2 * cos(w);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < frames; i++) {
        double s0 = (double)x[i * C + c] + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - k * s1 * s2;
}

static void plain_power(const float *x, size_t frames, size_t C, double fs, double *p50,
                        double *p60)
{
    *p50 = *p60 = 0;
    for (size_t c = 0; c < C; c++) {
        *p50 += plain_goertzel(x, frames, C, c, 50, fs);
        *p60 += plain_goertzel(x, frames, C, c, 60, fs);
        if (fs > 2 * 185) {
            *p50 += plain_goertzel(x, frames, C, c, 150, fs);
            *p60 += plain_goertzel(x, frames, C, c, 180, fs);
        }
    }
}

int main(void)
{
    const char *env = getenv("CRAMP_TEST_SEED");
    const unsigned long long seed = env ? strtoull(env, NULL, 10) : 20261206ull;
    test_rng r = {seed};
    const double rates[] = {200, 250, 256, 370, 500, 512, 1000, 2000, 4096};
    const size_t frames_max = 4096 * 3;
    float *x = malloc(frames_max * 21 * sizeof *x);
    CHECK(x != NULL, "out of memory");
    size_t cases = 0, decided = 0, paths = 0;
    for (size_t ri = 0; ri < sizeof rates / sizeof rates[0]; ri++) {
        const double fs = rates[ri];
        for (size_t C = 1; C <= 21; C++) {
            const size_t frames = 16 + (size_t)(test_rng_uniform(&r) * (double)(frames_max - 16));
            const double hum = C % 3 == 0 ? 60 : 50, amp = test_rng_uniform(&r) * 40;
            for (size_t i = 0; i < frames; i++)
                for (size_t c = 0; c < C; c++)
                    x[i * C + c] =
                        (float)(amp * sin(2 * 3.14159265358979323846 * hum * (double)i / fs +
                                          (double)c) +
                                20 * (test_rng_uniform(&r) - 0.5));
            double a50, a60, b50, b60;
            plain_power(x, frames, C, fs, &a50, &a60);
            cramp__detect_mains_power(x, frames, C, fs, &b50, &b60);
            CHECK(memcmp(&a50, &b50, sizeof a50) == 0 && memcmp(&a60, &b60, sizeof a60) == 0,
                  "fs %g, %zu channels, %zu frames: plain %.17g %.17g, one pass %.17g %.17g "
                  "(seed %llu)",
                  fs, C, frames, a50, a60, b50, b60, seed);
            /* every path's kernel (scalar, AVX2, AVX-512 where this CPU runs
               them), not only the one the dispatch picks here */
            const size_t nf = fs > 2 * 185 ? 4 : 2;
            double k[4];
            for (size_t f = 0; f < nf; f++)
                k[f] = 2 * cos(2 * 3.14159265358979323846 * mains_hz[f] / fs);
            for (cramp_simd t = CRAMP_SIMD_SCALAR; t <= CRAMP_SIMD_AVX512; t++) {
                if (!cramp_simd_available(t)) continue;
                double c50 = -1, c60 = -1;
                cramp__detect_kernels_for(t)->mains_power(x, frames, C, nf, k, &c50, &c60);
                CHECK(memcmp(&a50, &c50, sizeof a50) == 0 &&
                          memcmp(&a60, &c60, sizeof a60) == 0,
                      "%s path, fs %g, %zu channels, %zu frames: plain %.17g %.17g, kernel "
                      "%.17g %.17g (seed %llu)",
                      cramp_simd_name(t), fs, C, frames, a50, a60, c50, c60, seed);
                paths++;
            }
            const double want = fs > 130 ? (a60 > 2 * a50 ? 60 : a50 > 2 * a60 ? 50 : 0) : 0;
            const double got = cramp_detect_mains_guess(x, frames, C, fs);
            CHECK(got == want, "fs %g, %zu channels: guess %g, plain sums say %g (seed %llu)", fs,
                  C, got, want, seed);
            decided += want != 0;
            cases++;
        }
    }
    CHECK(decided > cases / 2, "only %zu of %zu cases decided a mains frequency (seed %llu)",
          decided, cases, seed);
    free(x);
    CHECK(paths >= cases, "only %zu kernel runs for %zu cases (seed %llu)", paths, cases, seed);
    printf("mains_power: %zu cases bit-identical (%zu kernel runs over the paths), %zu decided "
           "(seed %llu)\n",
           cases, paths, decided, seed);
    return cramp_test_finish("mains_power");
}
