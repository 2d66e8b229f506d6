/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mains comb (dsp/comb.h): which rates get one, its response (zero at
 * every harmonic, unit gain half-way between, -3 dB at f0 / (2 q) from a
 * notch), the steady state of a constant, and the vectorised loop
 * bit-identical to the plain one for any channel count and any split of the
 * signal into calls. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/simd.h"
#include "dsp/comb.h"
#include "testutil.h"

static const double PI = 3.14159265358979323846;

static void test_period(void)
{
    CHECK(cramp__comb_period(2000, 50) == 40, "2000/50");
    CHECK(cramp__comb_period(2000, 60) == 0, "2000/60 is not whole");
    CHECK(cramp__comb_period(250, 50) == 5, "250/50");
    CHECK(cramp__comb_period(512, 50) == 0, "512/50");
    CHECK(cramp__comb_period(100, 50) == 0, "two samples a period: the mains at Nyquist");
    CHECK(cramp__comb_period(1200, 60) == 20, "1200/60");
    CHECK(cramp__comb_period(0, 50) == 0 && cramp__comb_period(2000, 0) == 0 &&
              cramp__comb_period(NAN, 50) == 0,
          "bad rates");
    cramp__comb *c = NULL;
    CHECK(cramp__comb_create(&c, 2000, 60, 30, 2, CRAMP_SIMD_AUTO) == CRAMP_EINVAL && !c, "2000/60 refused");
    CHECK(cramp__comb_create(&c, 2000, 50, 0, 2, CRAMP_SIMD_AUTO) == CRAMP_EINVAL && !c, "q 0 refused");
    CHECK(cramp__comb_create(&c, 2000, 50, 30, 0, CRAMP_SIMD_AUTO) == CRAMP_EINVAL && !c, "no channels refused");
}

/* RMS gain of the comb for a sinusoid at f (after 4 s of settling). */
static double gain(double fs, double f0, double q, double f)
{
    cramp__comb *c = NULL;
    CHECK(cramp__comb_create(&c, fs, f0, q, 1, CRAMP_SIMD_AUTO) == CRAMP_OK, "create");
    if (!c) return NAN;
    const size_t n = (size_t)(8 * fs), settle = (size_t)(4 * fs);
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)sin(2 * PI * f * (double)i / fs);
    double in = 0, out = 0;
    for (size_t i = settle; i < n; i++) in += (double)x[i] * (double)x[i];
    cramp__comb_process(c, x, n);
    for (size_t i = settle; i < n; i++) out += (double)x[i] * (double)x[i];
    free(x);
    cramp__comb_destroy(c);
    return sqrt(out / in);
}

static void test_response(void)
{
    const double fs = 2000, f0 = 50, q = 30;
    for (int k = 1; k <= 19; k++) {
        const double gn = gain(fs, f0, q, k * f0);
        CHECK(gn < 2e-3, "harmonic %d: gain %g", k, gn);
        const double gm = gain(fs, f0, q, (k - 0.5) * f0);
        CHECK(fabs(gm - 1) < 1e-3, "half-way below harmonic %d: gain %g", k, gm);
    }
    /* every notch f0 / q wide at -3 dB, at the fundamental and the 9th */
    for (int k = 1; k <= 9; k += 8) {
        const double ge = gain(fs, f0, q, k * f0 + f0 / (2 * q));
        CHECK(fabs(ge - 1 / sqrt(2.0)) < 0.01, "edge of notch %d: gain %g", k, ge);
    }
    const double g250 = gain(250, 50, q, 75);
    CHECK(fabs(g250 - 1) < 1e-3, "250 Hz, 75 Hz: gain %g", g250);
}

static void test_steady(void)
{
    cramp__comb *c = NULL;
    CHECK(cramp__comb_create(&c, 2000, 50, 30, 3, CRAMP_SIMD_AUTO) == CRAMP_OK, "create");
    if (!c) return;
    const double x0[3] = {12.5, -3, 0};
    cramp__comb_set_steady_state(c, x0);
    float x[3 * 500];
    for (size_t i = 0; i < 500; i++)
        for (size_t ch = 0; ch < 3; ch++) x[i * 3 + ch] = (float)x0[ch];
    cramp__comb_process(c, x, 500);
    int zero = 1;
    for (size_t i = 0; i < 3 * 500; i++) zero &= x[i] == 0;
    CHECK(zero, "a constant after the steady state gives a non-zero output");
    cramp__comb_destroy(c);
}

/* Each SIMD path this CPU has, in random splits, against the plain loop in
 * one call: the same bits. */
static void test_bits(void)
{
    test_rng rng = {0x5eedc0b5ULL};
    const cramp_simd paths[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    const size_t chans[] = {1, 2, 3, 5, 8, 13, 16};
    const double rates[][2] = {{2000, 50}, {250, 50}, {1200, 60}, {4000, 50}};
    size_t tried = 0;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++)
        for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
            for (size_t k = 0; k < sizeof chans / sizeof chans[0]; k++) {
                const size_t C = chans[k], n = 5000;
                cramp__comb *cv = NULL, *cp = NULL;
                const cramp_status st =
                    cramp__comb_create(&cv, rates[r][0], rates[r][1], 30, C, paths[p]);
                if (st == CRAMP_EUNSUPPORTED) continue;
                CHECK(st == CRAMP_OK, "create on %s", cramp_simd_name(paths[p]));
                CHECK(cramp__comb_create(&cp, rates[r][0], rates[r][1], 30, C,
                                         CRAMP_SIMD_SCALAR) == CRAMP_OK,
                      "create plain");
                float *a = malloc(n * C * sizeof *a), *b = malloc(n * C * sizeof *b);
                for (size_t i = 0; i < n * C; i++)
                    a[i] = b[i] = (float)(100 * test_rng_normal(&rng));
                if (cv && cp) {
                    tried++;
                    double x0[16];
                    for (size_t ch = 0; ch < C; ch++) x0[ch] = a[ch];
                    cramp__comb_set_steady_state(cv, x0);
                    cramp__comb_set_steady_state(cp, x0);
                    cramp__comb_process_plain(cp, b, n);
                    for (size_t done = 0; done < n;) {
                        size_t m = 1 + (size_t)(test_rng_uniform(&rng) * 97);
                        if (m > n - done) m = n - done;
                        cramp__comb_process(cv, a + done * C, m);
                        done += m;
                    }
                    CHECK(!memcmp(a, b, n * C * sizeof *a),
                          "%s, fs %g, %zu channels: differs from the plain loop",
                          cramp_simd_name(paths[p]), rates[r][0], C);
                }
                cramp__comb_destroy(cv);
                cramp__comb_destroy(cp);
                free(a);
                free(b);
            }
    CHECK(tried >= 28, "only %zu path/rate/channel cases ran", tried);
    printf("comb: %zu path/rate/channel cases bit-identical to the plain loop\n", tried);
}

int main(void)
{
    test_period();
    test_response();
    test_steady();
    test_bits();
    return cramp_test_finish("comb");
}
