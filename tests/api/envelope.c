/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Envelope stage: RMS and MAV against brute-force window sums, TKEO against
 * its formula, LINEAR against a double-precision cascade built here from the
 * designed sections; decimation phase, chunk invariance, reset, argument and
 * configuration errors. The whole-night drift test is in envelope_24h.c. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/envelope.h"
#include "cramp/filter.h"
#include "testutil.h"

#define SEED 0x5eed0e17ULL

/* EMG-like test signal: Gaussian noise whose amplitude jumps between a quiet
 * level and bursts two to three orders larger, with a few exact zeros, so
 * windows straddle large and small values. */
static void make_signal(test_rng *r, float *x, size_t frames, size_t ch, double fs)
{
    double amp[64];
    size_t left[64];
    for (size_t c = 0; c < ch; c++) {
        amp[c] = 3.0 + 5.0 * test_rng_uniform(r);
        left[c] = 0;
    }
    for (size_t i = 0; i < frames; i++) {
        for (size_t c = 0; c < ch; c++) {
            if (left[c] == 0) {
                const int burst = test_rng_uniform(r) < 0.4;
                amp[c] = burst ? 200.0 + 2000.0 * test_rng_uniform(r)
                               : 2.0 + 8.0 * test_rng_uniform(r);
                left[c] = 1 + (size_t)((0.02 + 0.3 * test_rng_uniform(r)) * fs);
            }
            left[c]--;
            const double v = test_rng_uniform(r) < 0.002 ? 0.0 : amp[c] * test_rng_normal(r);
            x[i * ch + c] = (float)v;
        }
    }
}

static cramp_envelope *make_env(cramp_envelope_kind kind, double fs, double window_s, size_t d,
                                size_t ch)
{
    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = kind;
    cfg.fs = fs;
    cfg.window_s = window_s;
    cfg.decimation = d;
    cramp_envelope *e = NULL;
    cramp_error err = {0};
    cramp_status st = cramp_envelope_create(&e, ch, &cfg, &err);
    CHECK(st == CRAMP_OK && e, "create kind %d fs %g window %g D %zu ch %zu: %s (%s)", (int)kind,
          fs, window_s, d, ch, cramp_strerror(st), err.message);
    return e;
}

/* Runs the whole signal in one call; returns the output frame count. */
static size_t run_all(cramp_envelope *e, const float *x, size_t frames, float *out, size_t cap)
{
    size_t n = 0;
    cramp_status st = cramp_envelope_process(e, x, frames, out, cap, &n);
    CHECK(st == CRAMP_OK, "process: %s", cramp_strerror(st));
    return n;
}

/* ---- RMS / MAV against brute force ----------------------------------------- */

static void check_window(cramp_envelope_kind kind, double fs, double window_s, size_t ch,
                         size_t d, test_rng *r)
{
    const int rms = kind == CRAMP_ENV_RMS;
    const size_t n_win = (size_t)round(window_s * fs);
    const size_t frames = 3 * n_win + 7 * d + 53;
    float *x = malloc(frames * ch * sizeof *x);
    float *y = malloc(frames * ch * sizeof *y);
    make_signal(r, x, frames, ch, fs);

    cramp_envelope *e = make_env(kind, fs, window_s, d, ch);
    if (!e) goto out;
    CHECK(cramp_envelope_window_frames(e) == n_win, "window frames %zu, expected %zu",
          cramp_envelope_window_frames(e), n_win);
    const size_t n_out = run_all(e, x, frames, y, frames);
    CHECK(n_out == frames / d, "%zu outputs for %zu frames at D %zu", n_out, frames, d);

    size_t bad = 0;
    double worst = 0.0;
    for (size_t k = 0; k < n_out; k++) {
        const size_t t = (k + 1) * d - 1; /* the input frame output k describes */
        const size_t j0 = t + 1 >= n_win ? t + 1 - n_win : 0;
        for (size_t c = 0; c < ch; c++) {
            double s = 0.0;
            for (size_t j = j0; j <= t; j++) {
                const double v = (double)x[j * ch + c];
                s += rms ? v * v : fabs(v);
            }
            const double m = s / (double)n_win;
            const double ref = rms ? sqrt(m) : m;
            const double got = (double)y[k * ch + c];
            /* Half a float ulp from the final rounding, plus the double
             * sums' own error (at most ~N 2^-53 relative on either side). */
            const double tol = fabs(ref) * (0x1p-24 + 4.0 * (double)n_win * 0x1p-53);
            const double err = fabs(got - ref);
            if (err > tol) bad++;
            if (ref > 0 && err / ref > worst) worst = err / ref;
        }
    }
    CHECK(bad == 0,
          "%s fs %g window %g s (N %zu) ch %zu D %zu: %zu outputs off brute force, worst rel "
          "%.3g", rms ? "RMS" : "MAV", fs, window_s, n_win, ch, d, bad, worst);
out:
    cramp_envelope_destroy(e);
    free(x);
    free(y);
}

static void test_window_kinds(void)
{
    test_rng r = {SEED};
    static const double rates[] = {200.0, 1000.0, 2048.0, 4000.0};
    static const size_t chans[] = {1, 3, 8, 11};
    static const size_t decims[] = {1, 3, 20};
    for (size_t a = 0; a < 4; a++) {
        const double fs = rates[a];
        /* Windows: one frame, a few frames, 0.25 s, and one longer window */
        const double wins[] = {1.0 / fs, 0.013, 0.25, a % 2 ? 0.6 : 0.4};
        for (size_t w = 0; w < 4; w++) {
            for (size_t b = 0; b < 4; b++) {
                const size_t d = decims[(a + w + b) % 3];
                /* The long windows at high rates only with few channels, to
                 * keep the brute force (and valgrind) quick. */
                if (w == 3 && fs > 1000.0 && chans[b] > 3) continue;
                check_window(CRAMP_ENV_RMS, fs, wins[w], chans[b], d, &r);
                check_window(CRAMP_ENV_MAV, fs, wins[w], chans[b], (d * 7) % 23 + 1, &r);
            }
        }
    }
    /* two full channel groups */
    check_window(CRAMP_ENV_RMS, 1000.0, 0.25, 16, 3, &r);
    check_window(CRAMP_ENV_MAV, 2048.0, 0.013, 16, 1, &r);
}

/* With one-frame windows RMS and MAV are |x| exactly (sqrt of an exact
 * square is exact). */
static void test_one_frame_window(void)
{
    test_rng r = {SEED + 1};
    const size_t ch = 5, frames = 300;
    float x[300 * 5], y[300 * 5];
    make_signal(&r, x, frames, ch, 1000.0);
    for (int kind = 0; kind < 2; kind++) {
        cramp_envelope *e = make_env(kind ? CRAMP_ENV_MAV : CRAMP_ENV_RMS, 1000.0, 0.001, 1, ch);
        if (!e) continue;
        CHECK(cramp_envelope_window_frames(e) == 1, "window %zu", cramp_envelope_window_frames(e));
        const size_t n = run_all(e, x, frames, y, frames);
        size_t bad = 0;
        for (size_t i = 0; i < n * ch; i++) bad += y[i] != fabsf(x[i]);
        CHECK(n == frames && bad == 0, "kind %d: %zu of %zu differ from |x|", kind, bad, n * ch);
        CHECK(cramp_envelope_delay_s(e) == 0.0, "delay %g", cramp_envelope_delay_s(e));
        cramp_envelope_destroy(e);
    }
}

/* A constant input c gives MAV c and RMS |c| once the window is full, and
 * (i+1)/N of it while it fills (zeros before the start). */
static void test_constant_and_startup(void)
{
    const double fs = 1000.0;
    const size_t ch = 2, frames = 120;
    float x[120 * 2], y[120 * 2];
    for (size_t i = 0; i < frames; i++) {
        x[i * ch] = 0.75f;
        x[i * ch + 1] = -4.0f;
    }
    cramp_envelope *e = make_env(CRAMP_ENV_MAV, fs, 0.05, 1, ch);
    if (!e) return;
    const size_t n_win = cramp_envelope_window_frames(e);
    CHECK(n_win == 50, "N %zu", n_win);
    const size_t n = run_all(e, x, frames, y, frames);
    for (size_t i = 0; i < n; i++) {
        const double part = (double)(i + 1 < n_win ? i + 1 : n_win) / (double)n_win;
        CHECK(fabs((double)y[i * ch] - 0.75 * part) <= 0x1p-23 * 0.75,
              "frame %zu: %.9g, expected %.9g", i, (double)y[i * ch], 0.75 * part);
        CHECK(fabs((double)y[i * ch + 1] - 4.0 * part) <= 0x1p-23 * 4.0,
              "frame %zu: %.9g, expected %.9g", i, (double)y[i * ch + 1], 4.0 * part);
    }
    cramp_envelope_destroy(e);
}

/* ---- TKEO --------------------------------------------------------------- */

static void test_tkeo(void)
{
    test_rng r = {SEED + 2};
    static const size_t chans[] = {1, 3, 8};
    static const size_t decims[] = {1, 2, 5, 20};
    for (size_t b = 0; b < 3; b++) {
        for (size_t q = 0; q < 4; q++) {
            const size_t ch = chans[b], d = decims[q], frames = 1003;
            float *x = malloc(frames * ch * sizeof *x);
            float *y = malloc(frames * ch * sizeof *y);
            make_signal(&r, x, frames, ch, 2000.0);
            cramp_envelope *e = make_env(CRAMP_ENV_TKEO, 2000.0, 0.25, d, ch);
            if (e) {
                const size_t n = run_all(e, x, frames, y, frames);
                CHECK(n == frames / d, "%zu outputs", n);
                size_t bad = 0;
                for (size_t k = 0; k < n; k++) {
                    const size_t t = (k + 1) * d - 1;
                    for (size_t c = 0; c < ch; c++) {
                        /* psi[t-1] = x[t-1]^2 - x[t-2] x[t], x = 0 before the start */
                        const double x0 = (double)x[t * ch + c];
                        const double x1 = t >= 1 ? (double)x[(t - 1) * ch + c] : 0.0;
                        const double x2 = t >= 2 ? (double)x[(t - 2) * ch + c] : 0.0;
                        const float ref = (float)(x1 * x1 - x2 * x0);
                        bad += memcmp(&ref, &y[k * ch + c], sizeof ref) != 0;
                    }
                }
                CHECK(bad == 0, "TKEO ch %zu D %zu: %zu outputs differ from the formula", ch, d,
                      bad);
                CHECK(cramp_envelope_delay_s(e) == 1.0 / 2000.0, "delay %g",
                      cramp_envelope_delay_s(e));
                CHECK(cramp_envelope_window_frames(e) == 1, "window %zu",
                      cramp_envelope_window_frames(e));
            }
            cramp_envelope_destroy(e);
            free(x);
            free(y);
        }
    }

    /* First outputs: psi[-1] = 0, psi[0] = x[0]^2. A sinusoid A cos(w n + p)
     * has psi = A^2 sin^2(w) at every n. */
    const double fs = 1000.0, f = 50.0, amp = 300.0, w = 2.0 * 3.14159265358979323846 * f / fs;
    float x[400], y[400];
    for (size_t i = 0; i < 400; i++) x[i] = (float)(amp * cos(w * (double)i + 0.3));
    cramp_envelope *e = make_env(CRAMP_ENV_TKEO, fs, 0.25, 1, 1);
    if (!e) return;
    const size_t n = run_all(e, x, 400, y, 400);
    CHECK(n == 400 && y[0] == 0.0f, "first output %g", (double)y[0]);
    CHECK((double)y[1] == (double)(float)((double)x[0] * (double)x[0]),
          "second output %.9g, x[0]^2 = %.9g", (double)y[1], (double)x[0] * (double)x[0]);
    const double psi = amp * amp * sin(w) * sin(w);
    /* float rounding of x (2^-24 relative each) enters both products: */
    const double tol = 6.0 * amp * amp * 0x1p-24;
    double worst = 0.0;
    for (size_t i = 2; i < n; i++) {
        const double err = fabs((double)y[i] - psi);
        if (err > worst) worst = err;
    }
    CHECK(worst <= tol, "sinusoid: TKEO off A^2 sin^2(w) = %g by %g (tol %g)", psi, worst, tol);
    cramp_envelope_destroy(e);
}

/* ---- LINEAR ------------------------------------------------------------- */

static void check_linear(double fs, double cut, int order, size_t ch, size_t d, test_rng *r)
{
    cramp_butter_spec spec = {CRAMP_LOWPASS, order, fs, cut, 0.0};
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t n_sec = 0;
    cramp_error err = {0};
    cramp_status st = cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &n_sec, &err);
    CHECK(st == CRAMP_OK, "butter design fs %g cut %g order %d: %s", fs, cut, order, err.message);
    if (st != CRAMP_OK) return;

    const size_t frames = (size_t)(2.5 * fs) + 17;
    float *x = malloc(frames * ch * sizeof *x);
    float *y = malloc(frames * ch * sizeof *y);
    double *ref = malloc(frames * ch * sizeof *ref);
    make_signal(r, x, frames, ch, fs);

    /* Reference: rectify, then the sections in transposed direct form II,
     * all in double, channel by channel. */
    for (size_t c = 0; c < ch; c++) {
        double z[CRAMP_BUTTER_MAX_SECTIONS][2] = {{0}};
        for (size_t i = 0; i < frames; i++) {
            double v = fabs((double)x[i * ch + c]);
            for (size_t s = 0; s < n_sec; s++) {
                const double out = sos[s].b0 * v + z[s][0];
                z[s][0] = sos[s].b1 * v - sos[s].a1 * out + z[s][1];
                z[s][1] = sos[s].b2 * v - sos[s].a2 * out;
                v = out;
            }
            ref[i * ch + c] = v;
        }
    }

    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = CRAMP_ENV_LINEAR;
    cfg.fs = fs;
    cfg.lowpass_hz = cut;
    cfg.lowpass_order = order;
    cfg.decimation = d;
    cramp_envelope *e = NULL;
    st = cramp_envelope_create(&e, ch, &cfg, &err);
    CHECK(st == CRAMP_OK, "LINEAR create: %s", err.message);
    if (st == CRAMP_OK) {
        CHECK(cramp_envelope_delay_s(e) == 0.0, "delay %g", cramp_envelope_delay_s(e));
        const size_t n = run_all(e, x, frames, y, frames);
        CHECK(n == frames / d, "%zu outputs", n);
        size_t bad = 0;
        double worst = 0.0;
        for (size_t c = 0; c < ch; c++) {
            double peak = 0.0;
            for (size_t i = 0; i < frames; i++) peak = fmax(peak, fabs(ref[i * ch + c]));
            for (size_t k = 0; k < n; k++) {
                const size_t t = (k + 1) * d - 1;
                const double e1 = fabs((double)y[k * ch + c] - ref[t * ch + c]);
                /* one float ulp of the output's peak: the float rounding of
                 * the output, plus double-rounding differences (FMA in the
                 * SIMD kernels) that are many orders smaller */
                if (e1 > 0x1p-23 * peak) bad++;
                if (e1 / peak > worst) worst = e1 / peak;
            }
        }
        CHECK(bad == 0, "LINEAR fs %g cut %g order %d ch %zu D %zu: %zu outputs off the "
              "reference cascade, worst %.3g of peak", fs, cut, order, ch, d, bad, worst);
    }
    cramp_envelope_destroy(e);
    free(x);
    free(y);
    free(ref);
}

static void test_linear(void)
{
    test_rng r = {SEED + 3};
    check_linear(200.0, 6.0, 4, 1, 1, &r);
    check_linear(1000.0, 6.0, 4, 3, 10, &r);
    check_linear(2048.0, 10.0, 2, 8, 1, &r);
    check_linear(4000.0, 6.0, 4, 8, 20, &r);
    check_linear(1000.0, 25.0, 7, 11, 3, &r);
    check_linear(2000.0, 3.0, 1, 2, 7, &r);

    /* Rectification and unit DC gain, independent of the reference above:
     * a square wave of +-3 rectifies to a constant 3, which the settled
     * Butterworth low-pass passes unchanged. */
    const double fs = 500.0;
    const size_t frames = 5000;
    float *x = malloc(frames * sizeof *x), *y = malloc(frames * sizeof *y);
    for (size_t i = 0; i < frames; i++) x[i] = (i / 7) % 2 ? -3.0f : 3.0f;
    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = CRAMP_ENV_LINEAR;
    cfg.fs = fs;
    cramp_envelope *e = NULL;
    if (cramp_envelope_create(&e, 1, &cfg, NULL) == CRAMP_OK) {
        const size_t n = run_all(e, x, frames, y, frames);
        /* 6 Hz order 4 settles far below float resolution within 10 s */
        CHECK(n == frames && fabs((double)y[n - 1] - 3.0) <= 2.0 * 0x1p-23 * 3.0,
              "settled output %.9g, expected 3", (double)y[n - 1]);
        CHECK(y[0] >= 0.0f && y[0] < 0.01f, "first output %g", (double)y[0]);
    } else {
        CHECK(0, "LINEAR create with defaults at %g Hz failed", fs);
    }
    cramp_envelope_destroy(e);
    free(x);
    free(y);
}

/* ---- delay ----------------------------------------------------------------- */

/* An impulse at frame t0 gives a MAV output over frames t0 .. t0+N-1 whose
 * centre is t0 + delay_s * fs; for TKEO it appears one frame later. */
static void test_delay(void)
{
    const double fs = 2000.0;
    const size_t frames = 2000, t0 = 300;
    float *x = calloc(frames, sizeof *x), *y = malloc(frames * sizeof *y);
    x[t0] = 5.0f;
    static const double wins[] = {0.25, 0.0105, 0.0005};
    for (size_t w = 0; w < 3; w++) {
        cramp_envelope *e = make_env(CRAMP_ENV_MAV, fs, wins[w], 1, 1);
        if (!e) continue;
        const size_t n_win = (size_t)round(wins[w] * fs);
        const double want = (double)(n_win - 1) / (2.0 * fs);
        CHECK(fabs(cramp_envelope_delay_s(e) - want) <= 1e-15, "delay %g, expected %g",
              cramp_envelope_delay_s(e), want);
        const size_t n = run_all(e, x, frames, y, frames);
        double m0 = 0.0, m1 = 0.0;
        for (size_t i = 0; i < n; i++) {
            m0 += (double)y[i];
            m1 += (double)y[i] * (double)i;
        }
        const double centre = m1 / m0;
        CHECK(fabs(centre - ((double)t0 + cramp_envelope_delay_s(e) * fs)) < 1e-6,
              "window %g: impulse response centred at frame %g, expected %g", wins[w], centre,
              (double)t0 + cramp_envelope_delay_s(e) * fs);
        cramp_envelope_destroy(e);
    }
    cramp_envelope *e = make_env(CRAMP_ENV_TKEO, fs, 0.25, 1, 1);
    if (e) {
        const size_t n = run_all(e, x, frames, y, frames);
        const size_t lag = (size_t)llround(cramp_envelope_delay_s(e) * fs);
        size_t nonzero = 0;
        for (size_t i = 0; i < n; i++) nonzero += y[i] != 0.0f;
        CHECK(nonzero == 1 && y[t0 + lag] == 25.0f, "TKEO impulse: %zu nonzero, y[t0+%zu] = %g",
              nonzero, lag, (double)y[t0 + lag]);
        cramp_envelope_destroy(e);
    }
    free(x);
    free(y);
}

/* ---- streaming ------------------------------------------------------------- */

static void test_chunking(void)
{
    test_rng r = {SEED + 4};
    static const cramp_envelope_kind kinds[] = {CRAMP_ENV_RMS, CRAMP_ENV_MAV, CRAMP_ENV_TKEO,
                                                CRAMP_ENV_LINEAR};
    static const size_t chans[] = {1, 3, 8, 11, 16};
    static const size_t decims[] = {1, 7, 20};
    const double fs = 1000.0;
    const size_t frames = 3000;
    for (size_t kk = 0; kk < 4; kk++) {
        for (size_t b = 0; b < 5; b++) {
            for (size_t q = 0; q < 3; q++) {
                const size_t ch = chans[b], d = decims[q];
                float *x = malloc(frames * ch * sizeof *x);
                float *whole = malloc(frames * ch * sizeof *whole);
                float *parts = malloc(frames * ch * sizeof *parts);
                make_signal(&r, x, frames, ch, fs);
                cramp_envelope *e1 = make_env(kinds[kk], fs, 0.111, d, ch);
                cramp_envelope *e2 = make_env(kinds[kk], fs, 0.111, d, ch);
                if (e1 && e2) {
                    const size_t n1 = run_all(e1, x, frames, whole, frames);
                    for (int trial = 0; trial < 3; trial++) {
                        cramp_envelope_reset(e2);
                        size_t pos = 0, n2 = 0, over = 0;
                        while (pos < frames) {
                            /* chunks of 0, 1, a few and a few hundred frames */
                            const double u = test_rng_uniform(&r);
                            size_t len = u < 0.1   ? 0
                                         : u < 0.3 ? 1
                                         : u < 0.7 ? (size_t)(test_rng_uniform(&r) * 12.0)
                                                   : (size_t)(test_rng_uniform(&r) * 400.0);
                            if (len > frames - pos) len = frames - pos;
                            const size_t cap = cramp_envelope_max_output(e2, len);
                            size_t got = 99;
                            cramp_status st = cramp_envelope_process(
                                e2, x + pos * ch, len, parts + n2 * ch, cap, &got);
                            CHECK(st == CRAMP_OK, "chunk: %s", cramp_strerror(st));
                            if (got > cap) over++;
                            pos += len;
                            n2 += got;
                        }
                        CHECK(over == 0, "outputs beyond max_output");
                        CHECK(n1 == n2 && memcmp(whole, parts, n1 * ch * sizeof *whole) == 0,
                              "kind %d ch %zu D %zu trial %d (seed %llu): chunked output "
                              "differs (%zu vs %zu frames)", (int)kinds[kk], ch, d, trial,
                              (unsigned long long)SEED + 4, n1, n2);
                    }
                }
                cramp_envelope_destroy(e1);
                cramp_envelope_destroy(e2);
                free(x);
                free(whole);
                free(parts);
            }
        }
    }
}

static void test_reset(void)
{
    test_rng r = {SEED + 5};
    const size_t ch = 4, frames = 1500;
    float *a = malloc(frames * ch * sizeof *a), *b = malloc(frames * ch * sizeof *b);
    float *y1 = malloc(frames * ch * sizeof *y1), *y2 = malloc(frames * ch * sizeof *y2);
    make_signal(&r, a, frames, ch, 2000.0);
    make_signal(&r, b, frames, ch, 2000.0);
    for (int kind = 0; kind < 4; kind++) {
        cramp_envelope *used = make_env((cramp_envelope_kind)kind, 2000.0, 0.05, 3, ch);
        cramp_envelope *fresh = make_env((cramp_envelope_kind)kind, 2000.0, 0.05, 3, ch);
        if (used && fresh) {
            /* leave the decimation and window phases mid-way */
            (void)run_all(used, a, frames - 1, y1, frames);
            cramp_envelope_reset(used);
            const size_t n1 = run_all(used, b, frames, y1, frames);
            const size_t n2 = run_all(fresh, b, frames, y2, frames);
            CHECK(n1 == n2 && memcmp(y1, y2, n1 * ch * sizeof *y1) == 0,
                  "kind %d: output after reset differs from a fresh object", kind);
        }
        cramp_envelope_destroy(used);
        cramp_envelope_destroy(fresh);
    }
    free(a);
    free(b);
    free(y1);
    free(y2);
}

/* out_cap below max_output: CRAMP_ERANGE, nothing consumed. */
static void test_out_cap(void)
{
    test_rng r = {SEED + 6};
    const size_t ch = 3, frames = 400;
    float x[400 * 3], y1[400 * 3], y2[400 * 3];
    make_signal(&r, x, frames, ch, 1000.0);
    for (int kind = 0; kind < 4; kind++) {
        const size_t d = 6;
        cramp_envelope *e = make_env((cramp_envelope_kind)kind, 1000.0, 0.02, d, ch);
        cramp_envelope *fresh = make_env((cramp_envelope_kind)kind, 1000.0, 0.02, d, ch);
        if (!e || !fresh) goto next;
        /* ceil(frames / D) whatever the phase */
        CHECK(cramp_envelope_max_output(e, 0) == 0, "max_output(0)");
        CHECK(cramp_envelope_max_output(e, 1) == 1, "max_output(1)");
        CHECK(cramp_envelope_max_output(e, 6) == 1, "max_output(6)");
        CHECK(cramp_envelope_max_output(e, 7) == 2, "max_output(7)");
        const size_t need = cramp_envelope_max_output(e, frames);
        size_t got = 99;
        cramp_status st = cramp_envelope_process(e, x, frames, y1, need - 1, &got);
        CHECK(st == CRAMP_ERANGE && got == 0, "cap %zu < %zu: %s, %zu frames", need - 1, need,
              cramp_strerror(st), got);
        st = cramp_envelope_process(e, x, 5, y1, 0, &got);
        CHECK(st == CRAMP_ERANGE && got == 0, "cap 0 for 5 frames: %s", cramp_strerror(st));
        /* the failed calls changed nothing */
        const size_t n1 = run_all(e, x, frames, y1, need);
        const size_t n2 = run_all(fresh, x, frames, y2, need);
        CHECK(n1 == n2 && n1 <= need && memcmp(y1, y2, n1 * ch * sizeof *y1) == 0,
              "kind %d: output after refused calls differs", kind);
        /* a phase where ceil(frames / D) outputs are actually due */
        cramp_envelope_reset(e);
        (void)run_all(e, x, 5, y1, frames);
        st = cramp_envelope_process(e, x, 7, y1, cramp_envelope_max_output(e, 7), &got);
        CHECK(st == CRAMP_OK && got == 2, "7 frames at phase 5 of 6: %zu outputs", got);
    next:
        cramp_envelope_destroy(e);
        cramp_envelope_destroy(fresh);
    }
}

static void test_arguments(void)
{
    cramp_envelope *e = make_env(CRAMP_ENV_RMS, 1000.0, 0.1, 2, 2);
    if (!e) return;
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8];
    size_t n = 99;
    CHECK(cramp_envelope_process(e, NULL, 0, NULL, 0, &n) == CRAMP_OK && n == 0,
          "zero frames with NULL buffers");
    n = 99;
    CHECK(cramp_envelope_process(e, x, 0, y, 8, &n) == CRAMP_OK && n == 0, "zero frames");
    CHECK(cramp_envelope_process(NULL, x, 4, y, 8, &n) == CRAMP_EINVAL && n == 0, "NULL object");
    CHECK(cramp_envelope_process(e, NULL, 4, y, 8, &n) == CRAMP_EINVAL, "NULL input");
    CHECK(cramp_envelope_process(e, x, 4, NULL, 8, &n) == CRAMP_EINVAL, "NULL output");
    CHECK(cramp_envelope_process(e, x, 4, y, 8, NULL) == CRAMP_EINVAL, "NULL out_frames");
    /* one frame at D = 2 may owe no output, but the bound is 1 */
    CHECK(cramp_envelope_process(e, x, 1, NULL, 0, &n) == CRAMP_ERANGE, "cap 0 for 1 frame");
    /* none of the refused calls consumed anything: 4 frames give 2 outputs */
    CHECK(cramp_envelope_process(e, x, 4, y, 8, &n) == CRAMP_OK && n == 2, "%zu outputs", n);
    CHECK(cramp_envelope_max_output(NULL, 10) == 0, "max_output(NULL)");
    CHECK(cramp_envelope_delay_s(NULL) == 0.0, "delay(NULL)");
    CHECK(cramp_envelope_window_frames(NULL) == 0, "window(NULL)");
    cramp_envelope_reset(NULL);
    cramp_envelope_destroy(NULL);
    cramp_envelope_destroy(e);

    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    CHECK(cfg.kind == CRAMP_ENV_RMS && cfg.fs == 0.0 && cfg.window_s == 0.25 &&
              cfg.decimation == 1 && cfg.lowpass_hz == 6.0 && cfg.lowpass_order == 4,
          "defaults");
    cramp_envelope_config_default(NULL);
    cramp_envelope *p = (cramp_envelope *)&cfg; /* any non-NULL value, must be cleared */
    CHECK(cramp_envelope_create(&p, 1, &cfg, NULL) == CRAMP_EINVAL && p == NULL,
          "defaults without fs must fail");
    CHECK(cramp_envelope_create(NULL, 1, &cfg, NULL) == CRAMP_EINVAL, "NULL out");
    CHECK(cramp_envelope_create(&p, 1, NULL, NULL) == CRAMP_EINVAL && p == NULL, "NULL cfg");
}

/* A configuration that must be refused with `want`, a message naming `word`. */
static void expect_fail(const cramp_envelope_config *cfg, size_t ch, cramp_status want,
                        const char *word, const char *what)
{
    cramp_envelope *e = (cramp_envelope *)&e;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_envelope_create(&e, ch, cfg, &err);
    CHECK(st == want && e == NULL, "%s: got %s, expected %s", what, cramp_strerror(st),
          cramp_strerror(want));
    CHECK(err.status == want && strstr(err.message, word) != NULL,
          "%s: message \"%s\" does not name %s", what, err.message, word);
    if (st == CRAMP_OK) cramp_envelope_destroy(e);
}

static void test_config_errors(void)
{
    cramp_envelope_config base;
    cramp_envelope_config_default(&base);
    base.fs = 1000.0;
    cramp_envelope_config c;

    static const double bad_fs[] = {0.0, -500.0, (double)NAN, (double)INFINITY};
    for (int i = 0; i < 4; i++) {
        c = base;
        c.fs = bad_fs[i];
        expect_fail(&c, 1, CRAMP_EINVAL, "fs", "bad fs");
    }
    c = base;
    c.window_s = 0.0;
    expect_fail(&c, 1, CRAMP_EINVAL, "window_s", "zero window");
    c.window_s = -0.1;
    expect_fail(&c, 1, CRAMP_EINVAL, "window_s", "negative window");
    c.window_s = (double)NAN;
    expect_fail(&c, 1, CRAMP_EINVAL, "window_s", "NaN window");
    c.window_s = 0.0004; /* 0.4 frames at 1000 Hz */
    expect_fail(&c, 1, CRAMP_ERANGE, "window_s", "window under one frame");
    c.kind = CRAMP_ENV_MAV;
    expect_fail(&c, 1, CRAMP_ERANGE, "window_s", "MAV window under one frame");
    c.window_s = 1e300;
    expect_fail(&c, 4, CRAMP_ERANGE, "window_s", "window too long to hold");
    c = base;
    c.decimation = 0;
    expect_fail(&c, 1, CRAMP_EINVAL, "decimation", "decimation 0");
    c = base;
    expect_fail(&c, 0, CRAMP_EINVAL, "channels", "no channels");
    c.kind = (cramp_envelope_kind)42;
    expect_fail(&c, 1, CRAMP_EINVAL, "kind", "unknown kind");
    c.kind = (cramp_envelope_kind)-1;
    expect_fail(&c, 1, CRAMP_EINVAL, "kind", "negative kind");

    c = base;
    c.kind = CRAMP_ENV_LINEAR;
    c.lowpass_hz = 500.0; /* exactly Nyquist */
    expect_fail(&c, 1, CRAMP_ERANGE, "lowpass_hz", "cutoff at Nyquist");
    c.lowpass_hz = 700.0;
    expect_fail(&c, 1, CRAMP_ERANGE, "lowpass_hz", "cutoff above Nyquist");
    c.lowpass_hz = 0.0;
    expect_fail(&c, 1, CRAMP_EINVAL, "lowpass_hz", "cutoff 0");
    c.lowpass_hz = (double)NAN;
    expect_fail(&c, 1, CRAMP_EINVAL, "lowpass_hz", "NaN cutoff");
    c.lowpass_hz = 6.0;
    c.lowpass_order = 0;
    expect_fail(&c, 1, CRAMP_EINVAL, "lowpass_order", "order 0");
    c.lowpass_order = CRAMP_BUTTER_MAX_ORDER + 1;
    expect_fail(&c, 1, CRAMP_EINVAL, "lowpass_order", "order too high");

    /* Parameters a kind does not use are not checked: an RMS at 10 Hz with
     * the default 6 Hz low-pass, a TKEO with a zero window. */
    cramp_envelope *e = NULL;
    c = base;
    c.fs = 10.0;
    c.window_s = 1.0;
    CHECK(cramp_envelope_create(&e, 1, &c, NULL) == CRAMP_OK, "RMS ignores lowpass_hz");
    cramp_envelope_destroy(e);
    c = base;
    c.kind = CRAMP_ENV_TKEO;
    c.window_s = 0.0;
    e = NULL;
    CHECK(cramp_envelope_create(&e, 1, &c, NULL) == CRAMP_OK, "TKEO ignores window_s");
    cramp_envelope_destroy(e);
}

/* Windows are N = round(window_s * fs) frames. */
static void test_window_rounding(void)
{
    static const struct { double fs, w; size_t n; } cases[] = {
        {2000.0, 0.25, 500}, {2048.0, 0.25, 512}, {200.0, 0.25, 50}, {1000.0, 0.0123, 12},
        {1000.0, 0.0127, 13}, {256.0, 0.1, 26}, {1000.0, 0.0006, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cramp_envelope *e = make_env(CRAMP_ENV_RMS, cases[i].fs, cases[i].w, 1, 1);
        if (!e) continue;
        CHECK(cramp_envelope_window_frames(e) == cases[i].n, "%g s at %g Hz: %zu frames, not %zu",
              cases[i].w, cases[i].fs, cramp_envelope_window_frames(e), cases[i].n);
        cramp_envelope_destroy(e);
    }
}

/* Non-finite input affects exactly the RMS/MAV outputs whose window holds it. */
static void test_nonfinite_is_forgotten(void)
{
    const size_t frames = 600, n_win = 40;
    float x[600], y[600];
    for (size_t i = 0; i < frames; i++) x[i] = (float)(1.0 + 0.5 * sin(0.1 * (double)i));
    x[100] = NAN;
    x[250] = INFINITY;
    cramp_envelope *e = make_env(CRAMP_ENV_RMS, 1000.0, 0.04, 1, 1);
    if (!e) return;
    const size_t n = run_all(e, x, frames, y, frames);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const int holds = (i >= 100 && i < 100 + n_win) || (i >= 250 && i < 250 + n_win);
        bad += (holds ? isfinite(y[i]) : !isfinite(y[i])) != 0;
    }
    CHECK(bad == 0, "%zu outputs finite where they should not be or the reverse", bad);
    cramp_envelope_destroy(e);
}

int main(void)
{
    test_window_kinds();
    test_one_frame_window();
    test_constant_and_startup();
    test_window_rounding();
    test_tkeo();
    test_linear();
    test_delay();
    test_chunking();
    test_reset();
    test_out_cap();
    test_arguments();
    test_config_errors();
    test_nonfinite_is_forgotten();
    return cramp_test_finish("envelope");
}
