/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's SIMD paths against its plain C path.
 *
 * 1. Kernels (detect/detect_internal.h): each SIMD table's accumulate,
 *    and all_finite against cramp__detect_kernels_base (and envelopes, on
 *    both, against its formulas) on random
 *    frames with bursts, repeated (flat) samples, samples at the rails,
 *    infinities and NaN, for channel counts 1-32 (the special-cased 1, 2, 4
 *    and multiples of 8 among them), fresh and continued ticks: every lane
 *    must have the same bits; and 4 and 8 channels (vector bodies) against
 *    the same channels run among 5 and 9 (the plain loop).
 * 2. The detector end to end (public API): a night with bursts, motion
 *    swells, a flat stretch, clipping and non-finite samples, primed and run
 *    with cfg.simd = scalar in one call and with each other path in blocks
 *    of 1, 37, 1000 and 4096 frames: the segments (every field) and the
 *    resting levels must be bit-identical, and there must be segments of
 *    every kind to compare.
 * A path this CPU or build lacks is reported and left out (the scalar one
 * always runs). CRAMP_TEST_SEED repeats a failing run; the seed is printed
 * with every failure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "cramp/simd.h"
#include "detect/detect_internal.h"
#include "testutil.h"

static unsigned long long g_seed;

typedef struct path {
    cramp_simd simd;
    const cramp__detect_kernels *k;
} path;

/* The SIMD paths compiled in and runnable here, with their kernel tables. */
static size_t simd_paths(path *out)
{
    size_t n = 0;
    const cramp_simd all[] = {CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    for (size_t i = 0; i < 2; i++) {
        if (!cramp_simd_available(all[i])) {
            printf("detect_simd: %s not available here, left out\n", cramp_simd_name(all[i]));
            continue;
        }
        out[n].simd = all[i];
        out[n].k = cramp__detect_kernels_for(all[i]);
        if (out[n].k == &cramp__detect_kernels_base)
            printf("detect_simd: %s runs the plain kernels in this build\n",
                   cramp_simd_name(all[i]));
        n++;
    }
    return n;
}

static void fill_frames(test_rng *r, float *x, float *b, float *l, size_t n, size_t C,
                        const float *lo, const float *hi)
{
    for (size_t t = 0; t < n; t++)
        for (size_t c = 0; c < C; c++) {
            const size_t i = t * C + c;
            const double u = test_rng_uniform(r);
            float v = (float)(test_rng_normal(r) * (u < 0.3 ? 200 : 5));
            if (u < 0.05 && t > 0) v = x[i - C];          /* flat */
            else if (u < 0.07) v = hi[c];                 /* at a rail */
            else if (u < 0.08) v = lo[c] - 1.0f;          /* past a rail */
            x[i] = v;
            b[i] = (float)(test_rng_normal(r) * (u < 0.5 ? 100 : 2));
            l[i] = (float)(test_rng_normal(r) * 30);
        }
}

static int lanes_equal(const cramp__tick_lanes *a, const cramp__tick_lanes *b, size_t C)
{
    const size_t f = C * sizeof(float), u = C * sizeof(uint32_t);
    return !memcmp(a->band_sq, b->band_sq, f) && !memcmp(a->motion_sq, b->motion_sq, f) &&
           !memcmp(a->band_fourth, b->band_fourth, f) && !memcmp(a->band_max, b->band_max, f) &&
           !memcmp(a->prev_raw, b->prev_raw, f) && !memcmp(a->clipped, b->clipped, u) &&
           !memcmp(a->flat, b->flat, u);
}

static void test_kernels(const path *p, size_t np)
{
    enum { N = 203 };
    float *x = malloc(N * 32 * sizeof *x), *b = malloc(N * 32 * sizeof *b),
          *l = malloc(N * 32 * sizeof *l), *xw = malloc(N * 32 * sizeof *xw),
          *bw = malloc(N * 32 * sizeof *bw), *lw = malloc(N * 32 * sizeof *lw);
    size_t checks = 0;
    if (!x || !b || !l || !xw || !bw || !lw) {
        CHECK(0, "out of memory");
        goto done;
    }
    for (size_t C = 1; C <= CRAMP_DETECT_MAX_CHANNELS; C++) {
        test_rng r = {g_seed + C};
        cramp__tick_lanes ref, got[2];
        memset(&ref, 0, sizeof ref);
        for (size_t c = 0; c < C; c++) {
            const int rails = c % 3 != 0;
            ref.rail_lo[c] = rails ? -300.0f - (float)c : -HUGE_VALF;
            ref.rail_hi[c] = rails ? 300.0f + (float)c : HUGE_VALF;
            ref.prev_raw[c] = 0;
        }
        for (size_t q = 0; q < np; q++) got[q] = ref;
        /* the same channels with one more beside them (C + 1 takes the
           plain loop, 4 and 8 their vector bodies): a lane's sums must not
           depend on how many channels run */
        const int widen = C == 4 || C == 8;
        cramp__tick_lanes wide = ref;
        if (widen) {
            wide.rail_lo[C] = -HUGE_VALF;
            wide.rail_hi[C] = HUGE_VALF;
            wide.prev_raw[C] = 0;
        }
        /* ticks of varied length, alternately fresh and continued */
        for (size_t step = 0; step < 12; step++) {
            const size_t n = 1 + (size_t)(test_rng_uniform(&r) * N);
            const int fresh = step % 3 != 1;
            fill_frames(&r, x, b, l, n, C, ref.rail_lo, ref.rail_hi);
            cramp__detect_kernels_base.accumulate(&ref, C, x, b, l, n, fresh);
            if (widen) {
                for (size_t t = 0; t < n; t++)
                    for (size_t c = 0; c <= C; c++) {
                        const size_t i = t * (C + 1) + c, j = t * C + c;
                        xw[i] = c < C ? x[j] : 1.0f;
                        bw[i] = c < C ? b[j] : 2.0f;
                        lw[i] = c < C ? l[j] : 3.0f;
                    }
                cramp__detect_kernels_base.accumulate(&wide, C + 1, xw, bw, lw, n, fresh);
                CHECK(lanes_equal(&ref, &wide, C),
                      "seed=%llu accumulate: %zu channels differ from the same channels among "
                      "%zu (step %zu, %zu frames, fresh %d)",
                      g_seed, C, C + 1, step, n, fresh);
                checks++;
            }
            for (size_t q = 0; q < np; q++) {
                p[q].k->accumulate(&got[q], C, x, b, l, n, fresh);
                CHECK(lanes_equal(&ref, &got[q], C),
                      "seed=%llu %s accumulate: %zu channels, step %zu (%zu frames, fresh %d) "
                      "differs from the plain path",
                      g_seed, cramp_simd_name(p[q].simd), C, step, n, fresh);
                checks++;
            }
        }
        /* all_finite on every length up to N*C, with a non-finite value at
           each place in turn for the short ones */
        for (size_t i = 0; i < 70; i++) x[i] = (float)(test_rng_normal(&r) * 1e3);
        x[3] = 3.4e38f; /* finite, near FLT_MAX */
        x[4] = -3.4e38f;
        for (size_t q = 0; q < np; q++) {
            for (size_t n = 0; n <= 70; n++) {
                const int want = cramp__detect_kernels_base.all_finite(x, n);
                CHECK(p[q].k->all_finite(x, n) == want && want == 1,
                      "seed=%llu %s all_finite(%zu) on finite data", g_seed,
                      cramp_simd_name(p[q].simd), n);
                for (size_t i = 0; i < n; i += 7) {
                    const float keep = x[i];
                    const float bad[3] = {NAN, HUGE_VALF, -HUGE_VALF};
                    for (size_t z = 0; z < 3; z++) {
                        x[i] = bad[z];
                        CHECK(p[q].k->all_finite(x, n) == 0 &&
                                  cramp__detect_kernels_base.all_finite(x, n) == 0,
                              "seed=%llu %s all_finite(%zu) misses %g at %zu", g_seed,
                              cramp_simd_name(p[q].simd), n, (double)bad[z], i);
                    }
                    x[i] = keep;
                }
                checks++;
            }
            /* envelopes: against the formulas, on the plain table and this one,
               any count */
            double num[CRAMP_DETECT_MAX_CHANNELS];
            for (size_t c = 0; c < C; c++)
                num[c] = test_rng_uniform(&r) * pow(10, 6 * test_rng_uniform(&r));
            num[0] = 0;
            const double den = 1 + 999 * test_rng_uniform(&r);
            double tick_e[CRAMP_DETECT_MAX_CHANNELS], win_e[CRAMP_DETECT_MAX_CHANNELS];
            for (size_t c = 0; c < C; c++) {
                tick_e[c] = test_rng_uniform(&r) * pow(10, 5 * test_rng_uniform(&r));
                win_e[c] = test_rng_uniform(&r) * pow(10, 7 * test_rng_uniform(&r));
            }
            const double tden = 1 + 99 * test_rng_uniform(&r);
            float we[CRAMP_DETECT_MAX_CHANNELS], wm[CRAMP_DETECT_MAX_CHANNELS];
            double w2[CRAMP_DETECT_MAX_CHANNELS];
            for (size_t c = 0; c < C; c++) {
                we[c] = (float)sqrt(num[c] / den);
                wm[c] = (float)sqrt(tick_e[c] / tden);
                w2[c] = win_e[c] / den;
            }
            const cramp__detect_kernels *tk[2] = {&cramp__detect_kernels_base, p[q].k};
            for (size_t z = 0; z < 2; z++) {
                float he[CRAMP_DETECT_MAX_CHANNELS], hm[CRAMP_DETECT_MAX_CHANNELS];
                double h2[CRAMP_DETECT_MAX_CHANNELS];
                tk[z]->envelopes(num, tick_e, win_e, den, tden, he, hm, h2, C);
                CHECK(!memcmp(we, he, C * sizeof *we) && !memcmp(wm, hm, C * sizeof *wm) &&
                          !memcmp(w2, h2, C * sizeof *w2),
                      "seed=%llu %s envelopes: %zu channels differ from the formulas", g_seed,
                      z ? cramp_simd_name(p[q].simd) : "plain", C);
                checks++;
            }
        }
    }
    printf("detect_simd: %zu kernel comparisons\n", checks);
done:
    free(x);
    free(b);
    free(l);
    free(xw);
    free(bw);
    free(lw);
}

/* A night of C channels at fs: noise, bursts (1-8 s), slow motion swells,
   one flat stretch, a clipped stretch and a few non-finite samples. */
static float *make_night(size_t C, double fs, size_t frames, cramp_detect_channel *ch)
{
    float *x = malloc(frames * C * sizeof *x);
    if (!x) return NULL;
    for (size_t c = 0; c < C; c++) {
        test_rng r = {g_seed * 131 + c};
        ch[c].leg = (int)(c % 2);
        ch[c].muscle = (int)(c / 2 % 5);
        ch[c].phys_min = -2000;
        ch[c].phys_max = 2000;
        double burst_end = 0, burst_amp = 0, swell_on = 0, next = 12 + 20 * test_rng_uniform(&r);
        for (size_t t = 0; t < frames; t++) {
            const double s = (double)t / fs;
            if (s >= next) {
                const double len = 1 + 7 * test_rng_uniform(&r);
                burst_end = s + len;
                burst_amp = 30 + 150 * test_rng_uniform(&r);
                if (test_rng_uniform(&r) < 0.3) swell_on = s;
                next = s + len + 4 + 15 * test_rng_uniform(&r);
            }
            double v = 3 * test_rng_normal(&r);
            if (s < burst_end) v += burst_amp * test_rng_normal(&r);
            if (s >= swell_on && s < swell_on + 2.5 && swell_on > 0)
                v += 400 * sin(3.14159265358979 * (s - swell_on) / 2.5);
            if (c == 0 && s >= 70 && s < 72.5) v = 1.25; /* flat */
            if (c == C - 1 && s >= 80 && s < 86) v = t % 3 ? 2000 : -2000; /* clipped */
            x[t * C + c] = (float)v;
        }
    }
    x[(frames / 3) * C] = NAN;
    x[(frames / 2) * C + C - 1] = HUGE_VALF;
    return x;
}

typedef struct run_out {
    cramp_activity *seg;
    size_t n;
    double rest[CRAMP_DETECT_MAX_CHANNELS];
    cramp_simd used;
} run_out;

static int run_detector(cramp_simd simd, size_t C, double fs, const float *x, size_t frames,
                        const cramp_detect_channel *ch, size_t block, run_out *o)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = fs;
    cfg.simd = simd;
    cramp_detector *d = NULL;
    cramp_error err = {0};
    if (cramp_detector_create(&d, C, &cfg, ch, &err) != CRAMP_OK) {
        CHECK(0, "create (%s): %s", cramp_simd_name(simd), err.message);
        return -1;
    }
    o->used = cramp_detector_simd(d);
    const size_t prime = (size_t)(60 * fs) < frames ? (size_t)(60 * fs) : frames;
    for (size_t i = 0; i < prime; i += block) {
        const size_t n = prime - i < block ? prime - i : block;
        CHECK(cramp_detector_prime(d, x + i * C, n) == CRAMP_OK, "prime");
    }
    size_t cap = cramp_detector_max_output(d, block) + 3 * C, total = 0;
    o->seg = malloc((frames / 10 + 64) * C * sizeof *o->seg + cap * sizeof *o->seg);
    cramp_activity *buf = malloc(cap * sizeof *buf);
    for (size_t i = 0; i < frames; i += block) {
        const size_t n = frames - i < block ? frames - i : block;
        size_t got = 0;
        CHECK(cramp_detector_process(d, x + i * C, n, buf, cap, &got) == CRAMP_OK, "process");
        memcpy(o->seg + total, buf, got * sizeof *buf);
        total += got;
    }
    size_t got = 0;
    CHECK(cramp_detector_finish(d, buf, cap, &got) == CRAMP_OK, "finish");
    memcpy(o->seg + total, buf, got * sizeof *buf);
    o->n = total + got;
    for (size_t c = 0; c < C; c++) o->rest[c] = cramp_detector_rest(d, c);
    free(buf);
    cramp_detector_destroy(d);
    return 0;
}

static void test_detector(const path *p, size_t np)
{
    const size_t counts[] = {1, 2, 3, 4, 8, 12, 16};
    const double rates[] = {250, 2000};
    const size_t blocks[] = {1, 37, 1000, 4096};
    for (size_t ri = 0; ri < 2; ri++)
        for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
            const size_t C = counts[ci];
            const double fs = rates[ri];
            const size_t frames = (size_t)(100 * fs);
            cramp_detect_channel ch[CRAMP_DETECT_MAX_CHANNELS];
            float *x = make_night(C, fs, frames, ch);
            run_out ref = {0};
            if (!x || run_detector(CRAMP_SIMD_SCALAR, C, fs, x, frames, ch, frames, &ref)) {
                free(x);
                continue;
            }
            CHECK(ref.used == CRAMP_SIMD_SCALAR, "scalar requested, %s used",
                  cramp_simd_name(ref.used));
            size_t kinds[CRAMP_ACTIVITY_SHORT + 1] = {0};
            for (size_t i = 0; i < ref.n; i++) kinds[ref.seg[i].kind]++;
            /* the night must exercise every kind of segment, or the
               comparison below proves little */
            CHECK(kinds[CRAMP_ACTIVITY_EMG] >= C && kinds[CRAMP_ACTIVITY_FLAT] >= 1 &&
                      kinds[CRAMP_ACTIVITY_LF] >= 1,
                  "seed=%llu %zu ch at %g Hz: segments EMG %zu, flat %zu, motion %zu", g_seed, C,
                  fs, kinds[0], kinds[1], kinds[2]);
            for (size_t q = 0; q < np; q++)
                for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
                    if (blocks[bi] == 1 && (C > 4 || fs > 250)) continue; /* time */
                    run_out o = {0};
                    if (run_detector(p[q].simd, C, fs, x, frames, ch, blocks[bi], &o)) continue;
                    CHECK(o.used == p[q].simd, "%s requested, %s used", cramp_simd_name(p[q].simd),
                          cramp_simd_name(o.used));
                    CHECK(o.n == ref.n && !memcmp(o.seg, ref.seg, ref.n * sizeof *ref.seg) &&
                              !memcmp(o.rest, ref.rest, C * sizeof ref.rest[0]),
                          "seed=%llu %s, %zu ch at %g Hz, blocks of %zu: %zu segments, "
                          "scalar %zu, or different bits",
                          g_seed, cramp_simd_name(p[q].simd), C, fs, blocks[bi], o.n, ref.n);
                    free(o.seg);
                }
            printf("detect_simd: %2zu ch at %4g Hz: %zu segments (EMG %zu, flat %zu, motion "
                   "%zu) compared\n",
                   C, fs, ref.n, kinds[0], kinds[1], kinds[2]);
            free(ref.seg);
            free(x);
        }
}

int main(void)
{
    const char *s = getenv("CRAMP_TEST_SEED");
    g_seed = s ? strtoull(s, NULL, 10) : 20261206ull;
    printf("detect_simd: seed %llu\n", g_seed);
    path p[2];
    const size_t np = simd_paths(p);
    if (np == 0) printf("detect_simd: no SIMD path here; the plain path is checked alone\n");
    /* a path this machine lacks is refused at create, not run */
    for (cramp_simd t = CRAMP_SIMD_AVX2; t <= CRAMP_SIMD_AVX512; t++) {
        if (cramp_simd_available(t)) continue;
        cramp_detect_config cfg;
        cramp_detect_config_default(&cfg);
        cfg.fs = 1000;
        cfg.simd = t;
        cramp_detector *d = NULL;
        CHECK(cramp_detector_create(&d, 2, &cfg, NULL, NULL) == CRAMP_EUNSUPPORTED && !d,
              "%s is not available but create did not refuse it", cramp_simd_name(t));
    }
    test_kernels(p, np);
    test_detector(p, np);
    return cramp_test_finish("detect_simd");
}
