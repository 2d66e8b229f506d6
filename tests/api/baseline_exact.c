/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The resting baseline's running quantile (lib/detect/baseline.c keeps the
 * window sorted and moves one value in and one out per block) against the
 * plainest way to get it: the window's valid block values sorted afresh
 * after every block, then the same type-7 quantile. Blocks of two frames
 * whose statistics are computed here as the library defines them (shift by
 * the first value, s1 and s2, mean and variance), with many repeated values
 * (ties between the value leaving and the one arriving, and within the
 * window), NaN blocks that leave holes, and windows of 1 to 40 blocks:
 * every level and spread must have the same bits. CRAMP_TEST_SEED repeats a
 * failing run; the seed is printed with every failure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/baseline.h"
#include "testutil.h"

/* The statistics of a block of the two frames x0, x1 (both finite). */
static void block_stats(float x0, float x1, double *level, double *spread)
{
    const double k0 = (double)x0, d0 = (double)x0 - k0, d1 = (double)x1 - k0;
    const double s1 = d0 + d1, s2 = d0 * d0 + d1 * d1;
    const double m1 = s1 / 2;
    double var = s2 / 2 - m1 * m1;
    if (var < 0.0) var = 0.0;
    *level = k0 + m1;
    *spread = sqrt(var);
}

/* A value from a small grid (ties) or a continuous one; NaN for a hole. */
static float draw(test_rng *r)
{
    const double u = test_rng_uniform(r);
    if (u < 0.05) return NAN;
    if (u < 0.55) return (float)(1 + floor(test_rng_uniform(r) * 6) * 0.5);
    return (float)(0.5 + 20 * test_rng_uniform(r));
}

int main(void)
{
    const char *env = getenv("CRAMP_TEST_SEED");
    const unsigned long long seed = env ? strtoull(env, NULL, 10) : 20261206ull;
    test_rng r = {seed};
    const double qs[] = {0.0, 0.1, 0.25, 0.5, 0.9, 1.0};
    size_t checked = 0, tied = 0;
    for (size_t W = 1; W <= 40; W++) {
        const double q = qs[W % (sizeof qs / sizeof qs[0])];
        cramp_baseline_config cfg;
        cramp_baseline_config_default(&cfg);
        cfg.fs = 2;
        cfg.statistic = CRAMP_BASELINE_MEAN;
        cfg.block_s = 1;
        cfg.window_s = (double)W;
        cfg.quantile = q;
        cfg.warmup_s = (double)(1 + W / 3);
        const size_t warm = 1 + W / 3;
        cramp_baseline *b = NULL;
        CHECK(cramp_baseline_create(&b, 1, &cfg, NULL) == CRAMP_OK, "create W=%zu", W);
        if (!b) continue;
        double ring_l[40], ring_s[40], sl[40], ss[40];
        for (size_t i = 0; i < W; i++) ring_l[i] = ring_s[i] = (double)NAN;
        for (size_t blk = 0; blk < 30 * W + 50; blk++) {
            float x[2] = {draw(&r), draw(&r)};
            if (isnan(x[0]) != isnan(x[1])) x[1] = x[0]; /* a block is whole or a hole */
            if (!isnan(x[0]) && test_rng_uniform(&r) < 0.5) x[1] = x[0];
            double lv = (double)NAN, sv = (double)NAN;
            if (!isnan(x[0])) block_stats(x[0], x[1], &lv, &sv);
            const size_t slot = blk % W;
            tied += !isnan(lv) && lv == ring_l[slot];
            ring_l[slot] = lv;
            ring_s[slot] = sv;
            CHECK(cramp_baseline_process(b, x, 2) == CRAMP_OK, "process");
            size_t n = 0;
            for (size_t i = 0; i < W; i++)
                if (!isnan(ring_l[i])) {
                    sl[n] = ring_l[i];
                    ss[n++] = ring_s[i];
                }
            qsort(sl, n, sizeof *sl, test_cmp_double);
            qsort(ss, n, sizeof *ss, test_cmp_double);
            const double want_l = n >= warm ? test_quantile7(sl, n, q) : (double)NAN;
            const double want_s = n >= warm ? test_quantile7(ss, n, q) : (double)NAN;
            const double got_l = cramp_baseline_level(b, 0), got_s = cramp_baseline_spread(b, 0);
            CHECK(test_same_double(got_l, want_l) && test_same_double(got_s, want_s),
                  "W=%zu q=%g block %zu: level %.17g spread %.17g, sorted afresh %.17g %.17g "
                  "(seed %llu)",
                  W, q, blk, got_l, got_s, want_l, want_s, seed);
            CHECK(cramp_baseline_blocks(b, 0) == n, "W=%zu block %zu: %zu blocks, want %zu", W,
                  blk, cramp_baseline_blocks(b, 0), n);
            checked++;
        }
        cramp_baseline_destroy(b);
    }
    CHECK(tied > 100, "only %zu blocks tied with the value they replaced (seed %llu)", tied, seed);
    printf("baseline_exact: %zu levels bit-identical, %zu tied replacements (seed %llu)\n",
           checked, tied, seed);
    return cramp_test_finish("baseline_exact");
}
