/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The resting baseline over many channels at once (lib/detect/baseline.c
 * keeps the current block of every channel side by side, adds a frame with
 * the detector's block_add kernel, and at a block end searches the sorted
 * windows of up to eight channels interleaved) against the plainest way:
 * per channel, the block statistics as the library defines them (shift by
 * the block's first finite value, sums s1 and s2, a block with fewer than
 * half its frames finite is a hole) and the window's valid values sorted
 * afresh after every block, then the type-7 quantile. Channel counts 1-19
 * (a partial group of eight), frames fed in chunks of varied length, values
 * from a small grid (ties) or continuous, NaN and infinite samples at
 * different places in each channel, level only and level with spread: every
 * level and spread must have the same bits. Then each kernel table's
 * block_add against its documented arithmetic, channel by channel. CRAMP_TEST_SEED
 * repeats a failing run; the seed is printed with every failure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/baseline.h"
#include "cramp/simd.h"
#include "detect/detect_internal.h"
#include "testutil.h"

enum { BLOCK = 5, MAXW = 24, MAXC = 19 };

/* One block of BLOCK values: level (mean) and spread, NaN for a hole. */
static void block_stats(const float *x, double *level, double *spread)
{
    size_t nf = 0;
    double k0 = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < BLOCK; i++) {
        const double v = (double)x[i];
        if (!isfinite(v)) continue;
        if (nf == 0) k0 = v;
        const double d = v - k0;
        s1 += d;
        s2 += d * d;
        nf++;
    }
    *level = *spread = (double)NAN;
    if (2 * nf < BLOCK) return;
    const double n = (double)nf, m1 = s1 / n;
    double var = s2 / n - m1 * m1;
    if (var < 0.0) var = 0.0;
    *level = k0 + m1;
    *spread = sqrt(var);
}

static float draw(test_rng *r, size_t c)
{
    const double u = test_rng_uniform(r);
    if (u < 0.03 + 0.01 * (double)(c % 4)) return NAN;
    if (u < 0.05 + 0.01 * (double)(c % 4)) return c % 2 ? HUGE_VALF : -HUGE_VALF;
    if (u < 0.5) return (float)(1 + floor(test_rng_uniform(r) * 5) * 0.5);
    return (float)(0.5 + 20 * test_rng_uniform(r));
}

static void run(unsigned long long seed, size_t C, size_t W, int level_only, size_t *checked)
{
    test_rng r = {seed + 977 * C + W};
    const double q = (double)(W % 5) / 4.0;
    cramp_baseline_config cfg;
    cramp_baseline_config_default(&cfg);
    cfg.fs = BLOCK;
    cfg.statistic = CRAMP_BASELINE_MEAN;
    cfg.block_s = 1;
    cfg.window_s = (double)W;
    cfg.quantile = q;
    cfg.warmup_s = (double)(1 + W / 3);
    cfg.level_only = level_only;
    const size_t warm = 1 + W / 3;
    cramp_baseline *b = NULL;
    CHECK(cramp_baseline_create(&b, C, &cfg, NULL) == CRAMP_OK, "create C=%zu W=%zu", C, W);
    if (!b) return;
    const size_t blocks = 12 * W + 20, frames = blocks * BLOCK;
    float *x = malloc(frames * C * sizeof *x);
    double(*ring_l)[MAXW] = calloc(C, sizeof *ring_l), (*ring_s)[MAXW] = calloc(C, sizeof *ring_s);
    if (!x || !ring_l || !ring_s) {
        CHECK(0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < frames * C; i++) x[i] = draw(&r, i % C);
    for (size_t c = 0; c < C; c++)
        for (size_t i = 0; i < W; i++) ring_l[c][i] = ring_s[c][i] = (double)NAN;
    size_t done = 0; /* frames given */
    for (size_t blk = 0; blk < blocks; blk++) {
        /* up to the end of this block, in chunks of 1 to 7 frames */
        while (done < (blk + 1) * BLOCK) {
            size_t n = 1 + (size_t)(test_rng_uniform(&r) * 7);
            if (n > (blk + 1) * BLOCK - done) n = (blk + 1) * BLOCK - done;
            CHECK(cramp_baseline_process(b, x + done * C, n) == CRAMP_OK, "process");
            done += n;
        }
        for (size_t c = 0; c < C; c++) {
            float v[BLOCK];
            for (size_t i = 0; i < BLOCK; i++) v[i] = x[(blk * BLOCK + i) * C + c];
            block_stats(v, &ring_l[c][blk % W], &ring_s[c][blk % W]);
            double sl[MAXW], ss[MAXW];
            size_t n = 0;
            for (size_t i = 0; i < W; i++)
                if (!isnan(ring_l[c][i])) {
                    sl[n] = ring_l[c][i];
                    ss[n++] = ring_s[c][i];
                }
            qsort(sl, n, sizeof *sl, test_cmp_double);
            qsort(ss, n, sizeof *ss, test_cmp_double);
            const double want_l = n >= warm ? test_quantile7(sl, n, q) : (double)NAN;
            const double want_s =
                n >= warm && !level_only ? test_quantile7(ss, n, q) : (double)NAN;
            const double got_l = cramp_baseline_level(b, c), got_s = cramp_baseline_spread(b, c);
            CHECK(test_same_double(got_l, want_l) && test_same_double(got_s, want_s),
                  "C=%zu W=%zu level_only=%d channel %zu block %zu: level %.17g spread %.17g, "
                  "sorted afresh %.17g %.17g (seed %llu)",
                  C, W, level_only, c, blk, got_l, got_s, want_l, want_s, seed);
            CHECK(cramp_baseline_blocks(b, c) == n, "C=%zu W=%zu channel %zu: %zu blocks, want %zu",
                  C, W, c, cramp_baseline_blocks(b, c), n);
            (*checked)++;
        }
    }
out:
    free(x);
    free(ring_l);
    free(ring_s);
    cramp_baseline_destroy(b);
}

/* The documented arithmetic of block_add (detect_internal.h), one channel. */
static void add_ref(double *k0, double *s1, double *s2, double *nf, float x)
{
    const double v = (double)x;
    if (!isfinite(v)) return;
    if (*nf == 0.0) *k0 = v;
    const double d = v - *k0;
    *s1 += d;
    *s2 += d * d;
    *nf += 1.0;
}

/* Every kernel table's block_add (the plain one included: it has a vector
 * part too) against add_ref, 1-19 channels, on frames with non-finite values
 * (also as a block's first value, nf 0). */
static void kernels(unsigned long long seed, size_t *checked)
{
    const cramp_simd all[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    for (size_t p = 0; p < 3; p++) {
        if (!cramp_simd_available(all[p])) {
            printf("baseline_channels: %s not available here, left out\n",
                   cramp_simd_name(all[p]));
            continue;
        }
        const cramp__detect_kernels *k = cramp__detect_kernels_for(all[p]);
        for (size_t C = 1; C <= MAXC; C++) {
            test_rng r = {seed + 31 * C};
            double a[4][MAXC], bb[4][MAXC];
            memset(a, 0, sizeof a);
            memset(bb, 0, sizeof bb);
            for (size_t t = 0; t < 60; t++) {
                float f[MAXC];
                for (size_t c = 0; c < C; c++) f[c] = draw(&r, c);
                if (t % 3 == 0) /* a block ends: sums restart */
                    for (size_t c = 0; c < C; c++)
                        for (size_t s = 0; s < 4; s++) a[s][c] = bb[s][c] = 0;
                for (size_t c = 0; c < C; c++) add_ref(&a[0][c], &a[1][c], &a[2][c], &a[3][c], f[c]);
                k->block_add(bb[0], bb[1], bb[2], bb[3], f, C);
                CHECK(!memcmp(a, bb, sizeof a), "seed=%llu %s block_add: %zu channels, frame "
                      "%zu differs from the plain arithmetic", seed, cramp_simd_name(all[p]), C,
                      t);
                (*checked)++;
            }
        }
    }
}

int main(void)
{
    const char *env = getenv("CRAMP_TEST_SEED");
    const unsigned long long seed = env ? strtoull(env, NULL, 10) : 20261206ull;
    size_t checked = 0, kchecked = 0;
    for (size_t C = 1; C <= MAXC; C += (C < 9 ? 1 : 5))
        for (size_t W = 1; W <= MAXW; W += 1 + W / 4)
            for (int lo = 0; lo < 2; lo++) run(seed, C, W, lo, &checked);
    kernels(seed, &kchecked);
    CHECK(checked > 10000 && kchecked > 0, "only %zu levels, %zu kernel frames checked", checked,
          kchecked);
    printf("baseline_channels: %zu levels and spreads bit-identical, %zu kernel frames (seed %llu)\n",
           checked, kchecked, seed);
    return cramp_test_finish("baseline_channels");
}
