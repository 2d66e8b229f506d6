/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every SIMD biquad path against the scalar reference, and every path's
 * envelope window loops (RMS, MAV) against the plain C ones, bit for bit.
 *
 * Accuracy: the paths may round differently (FMA, other association), so
 * their double results differ by rounding only. Compared are (a) the double
 * state after every call, which must agree to 1e-10 of its own RMS, and (b)
 * the float32 outputs, which may then differ by at most one float rounding
 * step (the two doubles can straddle a rounding boundary) plus 1e-10 of the
 * channel's RMS. Exactness: per path, any split of a signal into calls, in
 * place or not, after a reset, forwards and backwards, gives the same bits,
 * and a channel gives the same bits alone as among others.
 *
 * Set CRAMP_TEST_SEED to repeat a failing run; the seed is printed with
 * every failure. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "cramp/simd.h"
#include "dsp/envelope_kernels.h"
#include "dsp/internal.h"
#include "testutil.h"

#define REL_TOL 1e-10
#define N_FRAMES 700 /* three kernel blocks, not a multiple of one */
#define MAX_SEC 40

static unsigned long long g_seed;

static const cramp_simd all_paths[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
#define N_PATHS (sizeof all_paths / sizeof all_paths[0])

/* ---- cascades ---------------------------------------------------------- */

static double peak_gain(const cramp_biquad *q, double extra_w)
{
    double peak = 0.0;
    for (int k = 0; k <= 1024; k++) {
        const double w = k < 1024 ? 3.141592653589793 * k / 1023.0 : extra_w;
        const double c1 = cos(w), s1 = sin(w), c2 = cos(2 * w), s2 = sin(2 * w);
        const double nr = q->b0 + q->b1 * c1 + q->b2 * c2, ni = -q->b1 * s1 - q->b2 * s2;
        const double dr = 1.0 + q->a1 * c1 + q->a2 * c2, di = -q->a1 * s1 - q->a2 * s2;
        const double g = sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
        if (g > peak) peak = g;
    }
    return peak;
}

/* Scales the numerator so the section's peak gain is about one: cascades of
 * resonant sections then neither overflow nor vanish. */
static void normalise(cramp_biquad *q, double pole_w)
{
    const double g = peak_gain(q, pole_w);
    if (g > 0.0 && isfinite(g)) {
        q->b0 /= g;
        q->b1 /= g;
        q->b2 /= g;
    }
}

/* A stable section from random poles (radius up to 0.999) and zeros. */
static void random_section(test_rng *r, cramp_biquad *q)
{
    double pole_w = 0.0;
    const double kind = test_rng_uniform(r);
    if (kind < 0.6) { /* complex pole pair */
        const double rad = 0.999 * sqrt(test_rng_uniform(r));
        pole_w = 3.141592653589793 * test_rng_uniform(r);
        q->a1 = -2.0 * rad * cos(pole_w);
        q->a2 = rad * rad;
    } else if (kind < 0.9) { /* two real poles */
        const double p1 = 0.999 * (2.0 * test_rng_uniform(r) - 1.0);
        const double p2 = 0.999 * (2.0 * test_rng_uniform(r) - 1.0);
        q->a1 = -(p1 + p2);
        q->a2 = p1 * p2;
        pole_w = p1 + p2 > 0 ? 0.0 : 3.141592653589793;
    } else { /* first order, as in odd-order designs */
        const double p = 0.999 * (2.0 * test_rng_uniform(r) - 1.0);
        q->a1 = -p;
        q->a2 = 0.0;
        pole_w = p > 0 ? 0.0 : 3.141592653589793;
    }
    if (test_rng_uniform(r) < 0.5) { /* complex zeros, inside or outside */
        const double rho = 1.5 * test_rng_uniform(r), w = 3.141592653589793 * test_rng_uniform(r);
        q->b0 = 1.0;
        q->b1 = -2.0 * rho * cos(w);
        q->b2 = q->a2 == 0.0 ? 0.0 : rho * rho;
    } else {
        const double z1 = 2.0 * test_rng_uniform(r) - 1.0, z2 = 2.0 * test_rng_uniform(r) - 1.0;
        q->b0 = 1.0;
        q->b1 = -(z1 + z2);
        q->b2 = q->a2 == 0.0 ? 0.0 : z1 * z2;
    }
    normalise(q, pole_w);
}

static void random_cascade(test_rng *r, cramp_biquad *sos, size_t n)
{
    for (size_t s = 0; s < n; s++) random_section(r, &sos[s]);
}

/* Like a high-order narrow band-pass plus notches: poles clustered at radius
 * 0.99..0.999 over a narrow band at low frequency (as an order-10 band-pass
 * at 20-450 Hz, 2 kHz, has), zeros at z = 1 and z = -1, and every fourth
 * section a notch (zeros on the unit circle). */
static void high_order_cascade(test_rng *r, cramp_biquad *sos, size_t n)
{
    const double w0 = 0.02 + 0.3 * test_rng_uniform(r);
    const double span = 0.05 * test_rng_uniform(r);
    for (size_t s = 0; s < n; s++) {
        cramp_biquad *q = &sos[s];
        const double rad = 0.99 + 0.009 * test_rng_uniform(r);
        const double w = w0 + span * (double)s / (double)n;
        q->a1 = -2.0 * rad * cos(w);
        q->a2 = rad * rad;
        if (s % 4 == 3) {
            q->b0 = 1.0;
            q->b1 = -2.0 * cos(w + 0.01);
            q->b2 = 1.0;
        } else {
            q->b0 = 1.0;
            q->b1 = s % 2 ? 2.0 : -2.0;
            q->b2 = 1.0;
        }
        normalise(q, w);
    }
}

/* Noise with a per-channel scale (1e-3 .. 1e3) and offset, as electrodes
 * with different gains and DC levels. */
static float *make_signal(test_rng *r, size_t frames, size_t C)
{
    float *x = malloc(frames * C * sizeof *x + sizeof *x);
    if (!x) return NULL;
    for (size_t c = 0; c < C; c++) {
        const double scale = pow(10.0, 6.0 * test_rng_uniform(r) - 3.0);
        const double offset = scale * (4.0 * test_rng_uniform(r) - 2.0);
        for (size_t i = 0; i < frames; i++)
            x[i * C + c] = (float)(offset + scale * test_rng_normal(r));
    }
    return x;
}

/* ---- comparisons ------------------------------------------------------- */

/* One float rounding step at magnitude |v|. */
static double float_step(double v)
{
    const float a = (float)fabs(v);
    return (double)nextafterf(a, INFINITY) - (double)a;
}

static double channel_rms(const float *x, size_t frames, size_t C, size_t c)
{
    double ss = 0.0;
    for (size_t i = 0; i < frames; i++) ss += (double)x[i * C + c] * (double)x[i * C + c];
    return sqrt(ss / (double)frames);
}

/* got vs ref (scalar), per channel: at most one float step plus REL_TOL of
 * the channel's signal level level[c]. Returns the number of bad samples. */
static size_t compare_outputs(const float *got, const float *ref, size_t frames, size_t C,
                              const double *level, const char *what, const char *path,
                              size_t n_sec)
{
    size_t bad = 0;
    for (size_t c = 0; c < C; c++) {
        for (size_t i = 0; i < frames; i++) {
            const double a = (double)got[i * C + c], b = (double)ref[i * C + c];
            const double allow = float_step(fmax(fabs(a), fabs(b))) + REL_TOL * level[c];
            if (!(fabs(a - b) <= allow)) {
                if (bad == 0)
                    CHECK(0, "seed=%llu %s %s: %zu ch, %zu sec: channel %zu frame %zu: %.9g vs "
                             "scalar %.9g (allowed %.3g, level %.3g)",
                          g_seed, what, path, C, n_sec, c, i, a, b, allow, level[c]);
                bad++;
            }
        }
    }
    if (bad) CHECK(0, "seed=%llu %s %s: %zu bad samples", g_seed, what, path, bad);
    return bad;
}

/* ---- accuracy: kernels and the public API ------------------------------ */

/* Runs the scalar and the path's kernel over x in the same random calls,
 * forwards (dir = +1) or backwards (dir = -1: step = -C from the last frame)
 * and compares the double state after every call and the float outputs.
 *
 * The yardstick is the largest signal level the cascade has handled up to
 * that section: the input's RMS and the RMS (over the calls) of every state
 * before and at it. Rounding errors are relative to the operands, and a
 * cascade may attenuate its input by many orders of magnitude (33 random
 * sections do), so relative to its own tiny output both paths are equally
 * far from the exact result; relative to the levels inside, any difference
 * beyond rounding (a wrong coefficient, a float intermediate) stands out.
 *
 * Forwards, the public API (one call per filter) must give the same bits as
 * the kernels. Also checks that the path's kernel leaves the padding lanes
 * of the state alone and gives the same bits in one call and in place. */
static void compare_path(test_rng *r, cramp_simd path, const cramp_biquad *sos, size_t n_sec,
                         size_t C, const float *x, size_t frames, int dir)
{
    const char *name = cramp_simd_name(path);
    const cramp__biquad_kernel kv = cramp__biquad_kernel_for(path);
    const size_t cpad = cramp__pad_channels(C), n_st = 2 * n_sec * cpad, len = frames * C;
    const ptrdiff_t step = dir > 0 ? (ptrdiff_t)C : -(ptrdiff_t)C;
    const char *what = dir > 0 ? "forward" : "backward";
    double *ss = calloc(n_st, sizeof *ss), *sv = calloc(n_st, sizeof *sv);
    double *sum2 = calloc(n_st, sizeof *sum2), *maxd = calloc(n_st, sizeof *maxd);
    double *level = calloc(n_sec * C, sizeof *level), *out_level = calloc(C, sizeof *out_level);
    float *ys = malloc(len * sizeof *ys), *yv = malloc(len * sizeof *yv);
    float *y1 = malloc(len * sizeof *y1), *yin = malloc(len * sizeof *yin);
    cramp_filter *fs = NULL, *fv = NULL;
    if (!ss || !sv || !sum2 || !maxd || !level || !out_level || !ys || !yv || !y1 || !yin) {
        CHECK(0, "out of memory");
        goto done;
    }
    size_t calls = 0;
    for (size_t f0 = 0; f0 < frames;) {
        size_t n = 1 + (size_t)(test_rng_uniform(r) * 200.0);
        if (n > frames - f0) n = frames - f0;
        /* Backwards, the call covers frames [frames - f0 - n, frames - f0)
         * and starts at its last frame. */
        const size_t first = dir > 0 ? f0 : frames - 1 - f0;
        cramp__biquad_scalar(sos, n_sec, ss, C, x + first * C, ys + first * C, step, n);
        kv(sos, n_sec, sv, C, x + first * C, yv + first * C, step, n);
        for (size_t k = 0; k < n_st; k++) {
            sum2[k] += ss[k] * ss[k];
            const double d = fabs(ss[k] - sv[k]);
            if (!(d <= maxd[k])) maxd[k] = d; /* keeps a NaN */
        }
        calls++;
        f0 += n;
    }
    for (size_t c = 0; c < C; c++) {
        double lv = channel_rms(x, frames, C, c);
        for (size_t s = 0; s < n_sec; s++) {
            for (size_t j = 0; j < 2; j++) {
                const double rms = sqrt(sum2[(2 * s + j) * cpad + c] / (double)calls);
                if (rms > lv) lv = rms;
            }
            level[s * C + c] = lv;
        }
        out_level[c] = fmax(lv, channel_rms(ys, frames, C, c));
    }
    size_t bad = 0, pad_bad = 0;
    for (size_t k = 0; k < n_st; k++) {
        const size_t c = k % cpad, s = k / cpad / 2;
        if (c >= C) {
            if (sv[k] != 0.0) pad_bad++;
            continue;
        }
        if (!(maxd[k] <= REL_TOL * level[s * C + c])) {
            if (bad == 0)
                CHECK(0, "seed=%llu %s %s: %zu ch, %zu sec: state (section %zu, delay %zu, "
                         "channel %zu) differs by %.3g, level %.3g",
                      g_seed, what, name, C, n_sec, s, k / cpad % 2, c, maxd[k],
                      level[s * C + c]);
            bad++;
        }
    }
    CHECK(pad_bad == 0, "seed=%llu %s %s: %zu padding state entries written", g_seed, what,
          name, pad_bad);
    compare_outputs(yv, ys, frames, C, out_level, what, name, n_sec);

    /* The same path in one call, and in place, gives the same bits. */
    memset(sv, 0, n_st * sizeof *sv);
    const size_t first = dir > 0 ? 0 : frames - 1;
    kv(sos, n_sec, sv, C, x + first * C, y1 + first * C, step, frames);
    CHECK(memcmp(y1, yv, len * sizeof *y1) == 0,
          "seed=%llu %s %s: %zu ch, %zu sec: one kernel call differs from %zu calls", g_seed,
          what, name, C, n_sec, calls);
    memcpy(yin, x, len * sizeof *yin);
    memset(sv, 0, n_st * sizeof *sv);
    kv(sos, n_sec, sv, C, yin + first * C, yin + first * C, step, frames);
    CHECK(memcmp(yin, y1, len * sizeof *y1) == 0,
          "seed=%llu %s %s: %zu ch, %zu sec: kernel in place differs", g_seed, what, name, C,
          n_sec);

    if (dir > 0) {
        cramp_filter_config cfg;
        cramp_filter_config_default(&cfg);
        cfg.simd = CRAMP_SIMD_SCALAR;
        CHECK(cramp_filter_create(&fs, sos, n_sec, C, &cfg) == CRAMP_OK, "create scalar");
        cfg.simd = path;
        CHECK(cramp_filter_create(&fv, sos, n_sec, C, &cfg) == CRAMP_OK, "create %s", name);
        if (fs && fv) {
            CHECK(cramp_filter_simd(fv) == path, "%s: runs %d", name, (int)cramp_filter_simd(fv));
            CHECK(cramp_filter_process(fs, x, y1, frames) == CRAMP_OK, "process");
            CHECK(memcmp(y1, ys, len * sizeof *y1) == 0,
                  "seed=%llu api scalar: %zu ch, %zu sec: differs from its kernel", g_seed, C,
                  n_sec);
            CHECK(cramp_filter_process(fv, x, y1, frames) == CRAMP_OK, "process");
            CHECK(memcmp(y1, yv, len * sizeof *y1) == 0,
                  "seed=%llu api %s: %zu ch, %zu sec: differs from its kernel", g_seed, name, C,
                  n_sec);
        }
    }
done:
    cramp_filter_destroy(fs);
    cramp_filter_destroy(fv);
    free(ss);
    free(sv);
    free(sum2);
    free(maxd);
    free(level);
    free(out_level);
    free(ys);
    free(yv);
    free(y1);
    free(yin);
}

/* ---- through the public API: exactness --------------------------------- */

static void api_exactness(test_rng *r, cramp_simd path, const cramp_biquad *sos, size_t n_sec,
                          size_t C, const float *x, size_t frames)
{
    const char *name = cramp_simd_name(path);
    cramp_filter_config cfg;
    cramp_filter_config_default(&cfg);
    cfg.simd = path;
    cramp_filter *f = NULL, *g = NULL;
    CHECK(cramp_filter_create(&f, sos, n_sec, C, &cfg) == CRAMP_OK, "create %s", name);
    CHECK(cramp_filter_create(&g, sos, n_sec, C, &cfg) == CRAMP_OK, "create %s", name);
    const size_t len = frames * C;
    float *whole = malloc(len * sizeof *whole), *part = malloc(len * sizeof *part);
    /* One float past the start, so the float rows are not vector aligned. */
    float *inplace_mem = malloc((len + 1) * sizeof *inplace_mem);
    float *again = malloc(len * sizeof *again);
    if (!f || !g || !whole || !part || !inplace_mem || !again) {
        CHECK(0, "setup failed");
        goto done;
    }
    float *inplace = inplace_mem + 1;

    CHECK(cramp_filter_process(f, x, whole, frames) == CRAMP_OK, "process");

    /* Random split, mostly short calls (shorter than the wavefront and the
     * skew), some long ones, and empty calls with NULL buffers between. */
    size_t calls = 0;
    for (size_t f0 = 0; f0 < frames;) {
        const double u = test_rng_uniform(r);
        size_t n = u < 0.6 ? 1 + (size_t)(test_rng_uniform(r) * 8.0)
                 : u < 0.9 ? 1 + (size_t)(test_rng_uniform(r) * 100.0)
                           : 1 + (size_t)(test_rng_uniform(r) * 700.0);
        if (n > frames - f0) n = frames - f0;
        CHECK(cramp_filter_process(g, x + f0 * C, part + f0 * C, n) == CRAMP_OK, "process");
        if (test_rng_uniform(r) < 0.1)
            CHECK(cramp_filter_process(g, NULL, NULL, 0) == CRAMP_OK, "empty call");
        f0 += n;
        calls++;
    }
    CHECK(memcmp(whole, part, len * sizeof *whole) == 0,
          "seed=%llu %s: %zu ch, %zu sec: %zu calls differ from one", g_seed, name, C, n_sec,
          calls);

    /* In place, on a misaligned buffer, after a reset of g. */
    cramp_filter_reset(g);
    memcpy(inplace, x, len * sizeof *inplace);
    CHECK(cramp_filter_process(g, inplace, inplace, frames) == CRAMP_OK, "process");
    CHECK(memcmp(whole, inplace, len * sizeof *whole) == 0,
          "seed=%llu %s: %zu ch, %zu sec: in place differs", g_seed, name, C, n_sec);

    /* Reset, then the same signal again. */
    cramp_filter_reset(f);
    CHECK(cramp_filter_process(f, x, again, frames) == CRAMP_OK, "process");
    CHECK(memcmp(whole, again, len * sizeof *whole) == 0,
          "seed=%llu %s: %zu ch, %zu sec: output after reset differs", g_seed, name, C, n_sec);
done:
    free(whole);
    free(part);
    free(inplace_mem);
    free(again);
    cramp_filter_destroy(f);
    cramp_filter_destroy(g);
}

/* One channel of a multi-channel signal filtered alone (as a one-channel
 * signal, which may take another layout) gives the same bits, output and
 * double state, as in the multi-channel call: lanes are independent, and per
 * sample every layout of a path performs the same operations. */
static void channel_alone(test_rng *r, cramp_simd path, const cramp_biquad *sos, size_t n_sec,
                          size_t C, const float *x, size_t frames)
{
    const cramp__biquad_kernel kv = cramp__biquad_kernel_for(path);
    const size_t c = (size_t)(test_rng_uniform(r) * (double)C);
    const size_t cpad = cramp__pad_channels(C), cpad1 = cramp__pad_channels(1);
    float *ym = malloc(frames * C * sizeof *ym), *x1 = malloc(frames * sizeof *x1);
    float *y1 = malloc(frames * sizeof *y1);
    double *sm = calloc(2 * n_sec * cpad, sizeof *sm), *s1 = calloc(2 * n_sec * cpad1, sizeof *s1);
    if (ym && x1 && y1 && sm && s1) {
        for (size_t i = 0; i < frames; i++) x1[i] = x[i * C + c];
        kv(sos, n_sec, sm, C, x, ym, (ptrdiff_t)C, frames);
        kv(sos, n_sec, s1, 1, x1, y1, 1, frames);
        size_t first_diff = frames, state_diff = 0;
        for (size_t i = 0; i < frames && first_diff == frames; i++)
            if (memcmp(&y1[i], &ym[i * C + c], sizeof *y1) != 0) first_diff = i;
        for (size_t k = 0; k < 2 * n_sec; k++)
            if (memcmp(&s1[k * cpad1], &sm[k * cpad + c], sizeof *s1) != 0) state_diff++;
        CHECK(first_diff == frames && state_diff == 0,
              "seed=%llu %s: %zu ch, %zu sec: channel %zu alone differs (output from frame %zu, "
              "%zu state values)",
              g_seed, cramp_simd_name(path), C, n_sec, c, first_diff, state_diff);
    } else {
        CHECK(0, "out of memory");
    }
    free(ym);
    free(x1);
    free(y1);
    free(sm);
    free(s1);
}

/* ---- argument checks --------------------------------------------------- */

/* A non-NULL handle that a failing create must overwrite with NULL. */
static cramp_filter *sentinel(void)
{
    static char c;
    return (cramp_filter *)(void *)&c;
}

static void set_field(cramp_biquad *q, int field, double v)
{
    switch (field) {
    case 0: q->b0 = v; break;
    case 1: q->b1 = v; break;
    case 2: q->b2 = v; break;
    case 3: q->a1 = v; break;
    default: q->a2 = v; break;
    }
}

static void create_errors(void)
{
    const cramp_biquad ok = {0.5, 0.2, 0.1, -0.3, 0.2};
    cramp_filter_config cfg;
    cramp_filter_config_default(&cfg);
    CHECK(cfg.simd == CRAMP_SIMD_AUTO, "default path %d", (int)cfg.simd);

    for (size_t p = 0; p < N_PATHS; p++) {
        cfg.simd = all_paths[p];
        cramp_filter *f = sentinel();
        const cramp_status st = cramp_filter_create(&f, &ok, 1, 3, &cfg);
        if (cramp_simd_available(all_paths[p])) {
            CHECK(st == CRAMP_OK && f, "%s: create %d", cramp_simd_name(all_paths[p]), (int)st);
            if (st == CRAMP_OK) cramp_filter_destroy(f);
        } else {
            CHECK(st == CRAMP_EUNSUPPORTED && f == NULL, "%s unavailable: create gave %d",
                  cramp_simd_name(all_paths[p]), (int)st);
            printf("simd: %s not available here; EUNSUPPORTED checked\n",
                   cramp_simd_name(all_paths[p]));
        }
    }

    cramp_filter *f = NULL;
    cfg.simd = CRAMP_SIMD_AUTO;
    CHECK(cramp_filter_create(&f, &ok, 1, 1, &cfg) == CRAMP_OK, "auto");
    CHECK(f && cramp_filter_simd(f) == cramp_simd_best(), "auto -> %d",
          f ? (int)cramp_filter_simd(f) : -1);
    CHECK(cramp_filter_process(NULL, NULL, NULL, 0) == CRAMP_EINVAL, "NULL filter");
    if (f) {
        float buf[4] = {1, 2, 3, 4};
        CHECK(cramp_filter_process(f, NULL, buf, 1) == CRAMP_EINVAL, "NULL in");
        CHECK(cramp_filter_process(f, buf, NULL, 1) == CRAMP_EINVAL, "NULL out");
    }
    cramp_filter_destroy(f);
    cramp_filter_destroy(NULL);

    CHECK(cramp_filter_create(NULL, &ok, 1, 1, NULL) == CRAMP_EINVAL, "NULL out");
    f = sentinel();
    CHECK(cramp_filter_create(&f, NULL, 1, 1, NULL) == CRAMP_EINVAL && !f, "NULL sos");
    f = sentinel();
    CHECK(cramp_filter_create(&f, &ok, 0, 1, NULL) == CRAMP_EINVAL && !f, "0 sections");
    f = sentinel();
    CHECK(cramp_filter_create(&f, &ok, 1, 0, NULL) == CRAMP_EINVAL && !f, "0 channels");
    cfg.simd = (cramp_simd)77;
    f = sentinel();
    CHECK(cramp_filter_create(&f, &ok, 1, 1, &cfg) == CRAMP_EINVAL && !f, "bad path");
    const double bad[] = {(double)NAN, (double)INFINITY, -(double)INFINITY};
    for (int field = 0; field < 5; field++) {
        for (size_t b = 0; b < 3; b++) {
            cramp_biquad two[2] = {ok, ok};
            set_field(&two[1], field, bad[b]);
            f = sentinel();
            CHECK(cramp_filter_create(&f, two, 2, 2, NULL) == CRAMP_EINVAL && !f,
                  "non-finite field %d (%g)", field, bad[b]);
        }
    }
}

/* ---- envelope window loops --------------------------------------------- */

/* One kernel table over x (frames x C) in random chunks from zero state;
 * outputs, slots and head sums after every chunk into out/st (caller sized). */
typedef struct env_run {
    float *out;
    size_t n_out;
    double *slots, *head;
} env_run;

static void env_run_kernels(const cramp__env_kernels *k, int rms, const float *x, size_t frames,
                            size_t C, size_t n, size_t decim, unsigned long long chunk_seed,
                            env_run *run)
{
    test_rng cr = {chunk_seed};
    memset(run->slots, 0, n * C * sizeof *run->slots);
    memset(run->head, 0, C * sizeof *run->head);
    cramp__env_window w = {C, n, decim, 0, 0, run->slots, run->head};
    run->n_out = 0;
    for (size_t f0 = 0; f0 < frames;) {
        size_t len = 1 + (size_t)(test_rng_u64(&cr) % (3 * n + 5));
        if (len > frames - f0) len = frames - f0;
        run->n_out += k->run(&w, x + f0 * C, len, run->out + run->n_out * C, rms);
        w.pos = (w.pos + len % n) % n; /* as envelope.c advances the phase */
        w.dcount = (w.dcount + len % decim) % decim;
        f0 += len;
    }
}

static void envelope_kernels(test_rng *r)
{
    static const size_t chans[] = {1, 3, 7, 8, 9, 15, 16, 17, 32};
    static const size_t wins[] = {1, 2, 3, 7, 25};
    static const size_t decims[] = {1, 3, 10};
    const size_t frames = 400;
    size_t cases = 0;
    for (size_t ci = 0; ci < sizeof chans / sizeof chans[0]; ci++) {
        const size_t C = chans[ci];
        float *x = make_signal(r, frames, C);
        env_run a = {malloc(frames * C * sizeof(float)), 0, malloc(25 * C * sizeof(double)),
                     malloc(C * sizeof(double))};
        env_run b = {malloc(frames * C * sizeof(float)), 0, malloc(25 * C * sizeof(double)),
                     malloc(C * sizeof(double))};
        if (!x || !a.out || !a.slots || !a.head || !b.out || !b.slots || !b.head) {
            CHECK(0, "out of memory");
            goto next;
        }
        /* a NaN and an infinity: each must reach exactly the same outputs */
        x[(frames / 3) * C + C / 2] = (float)NAN;
        x[(frames / 2) * C] = (float)INFINITY;
        for (size_t wi = 0; wi < sizeof wins / sizeof wins[0]; wi++)
            for (size_t di = 0; di < sizeof decims / sizeof decims[0]; di++)
                for (int rms = 0; rms < 2; rms++)
                    for (size_t p = 0; p < N_PATHS; p++) {
                        if (!cramp_simd_available(all_paths[p])) continue;
                        const size_t n = wins[wi], d = decims[di];
                        const unsigned long long cs = test_rng_u64(r);
                        env_run_kernels(&cramp__env_kernels_base, rms, x, frames, C, n, d, cs,
                                        &a);
                        env_run_kernels(cramp__env_kernels_for(all_paths[p]), rms, x, frames, C,
                                        n, d, cs, &b);
                        CHECK(a.n_out == b.n_out && a.n_out == frames / d &&
                                  memcmp(a.out, b.out, a.n_out * C * sizeof(float)) == 0 &&
                                  memcmp(a.slots, b.slots, n * C * sizeof(double)) == 0 &&
                                  memcmp(a.head, b.head, C * sizeof(double)) == 0,
                              "envelope %s loops of path %s differ from plain C: C=%zu n=%zu "
                              "decim=%zu (seed %llu)", rms ? "RMS" : "MAV",
                              cramp_simd_name(all_paths[p]), C, n, d, g_seed);
                        cases++;
                    }
    next:
        free(x);
        free(a.out), free(a.slots), free(a.head);
        free(b.out), free(b.slots), free(b.head);
    }
    printf("simd: envelope window loops checked in %zu cases\n", cases);
}

/* ---- driver ------------------------------------------------------------ */

int main(void)
{
    const char *env = getenv("CRAMP_TEST_SEED");
    g_seed = env && *env ? strtoull(env, NULL, 0) : 20240611ull;
    test_rng r = {g_seed};
    printf("simd: seed %llu; paths:", g_seed);
    for (size_t p = 0; p < N_PATHS; p++)
        if (cramp_simd_available(all_paths[p])) printf(" %s", cramp_simd_name(all_paths[p]));
    printf(" (best %s)\n", cramp_simd_name(cramp_simd_best()));

    create_errors();
    envelope_kernels(&r);

    static const size_t channels[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 32};
    /* Section counts around every grouping boundary: one to five per group,
     * two and three groups, one to four vectors of wavefront, and beyond. */
    static const size_t sections[] = {1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 16, 17, 32, 33};
    static const size_t high_order[] = {5, 10, 20};
    cramp_biquad sos[MAX_SEC];
    size_t cases = 0;

    for (size_t ci = 0; ci < sizeof channels / sizeof channels[0]; ci++) {
        const size_t C = channels[ci];
        for (size_t kind = 0; kind < 2; kind++) {
            const size_t *list = kind ? high_order : sections;
            const size_t count = kind ? sizeof high_order / sizeof high_order[0]
                                      : sizeof sections / sizeof sections[0];
            for (size_t si = 0; si < count; si++) {
                const size_t n_sec = list[si];
                if (kind)
                    high_order_cascade(&r, sos, n_sec);
                else
                    random_cascade(&r, sos, n_sec);
                float *x = make_signal(&r, N_FRAMES, C);
                if (!x) {
                    CHECK(0, "out of memory");
                    continue;
                }
                for (size_t p = 0; p < N_PATHS; p++) {
                    const cramp_simd path = all_paths[p];
                    if (!cramp_simd_available(path)) continue;
                    if (path != CRAMP_SIMD_SCALAR) {
                        compare_path(&r, path, sos, n_sec, C, x, N_FRAMES, +1);
                        compare_path(&r, path, sos, n_sec, C, x, N_FRAMES, -1);
                    }
                    api_exactness(&r, path, sos, n_sec, C, x, N_FRAMES);
                    if (C > 1) channel_alone(&r, path, sos, n_sec, C, x, N_FRAMES);
                }
                free(x);
                cases++;
            }
        }
    }
    printf("simd: %zu cascades x channel counts checked\n", cases);
    return cramp_test_finish("simd");
}
