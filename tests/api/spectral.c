/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Behaviour of cramp_spectral and cramp_slope_fit: analytic cases (a sine on
 * a bin, two tones, a flat random-phase multisine, white noise), FInsm5 in
 * closed form, band clamping, silence and non-finite samples, epoch steps
 * shorter and longer than the epoch, output capacity, argument checks, FFTW
 * wisdom files, planning from several threads at once, and the slope fit on
 * exact lines. The SciPy comparison is in spectral_reference.c. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/spectral.h"
#include "testutil.h"

#define PI 3.14159265358979323846
/* The accuracy bar of the float32 FFT path (see cramp/spectral.h). */
#define TOL 1e-5

static int close_rel(double a, double b, double tol) { return fabs(a - b) <= tol * fabs(b); }

static cramp_spectral *make(size_t ch, const cramp_spectral_config *cfg)
{
    cramp_spectral *s = NULL;
    cramp_error err = {0};
    cramp_status st = cramp_spectral_create(&s, ch, cfg, &err);
    CHECK(st == CRAMP_OK, "create: %s (%s)", cramp_strerror(st), err.message);
    return s;
}

/* Runs frames x ch samples through a fresh object; returns the results
 * (malloc'd) and their number. */
static cramp_spectral_result *run(const cramp_spectral_config *cfg, size_t ch, const float *x,
                                  size_t frames, size_t *n)
{
    *n = 0;
    cramp_spectral *s = make(ch, cfg);
    if (!s) return NULL;
    const size_t cap = cramp_spectral_max_output(s, frames);
    cramp_spectral_result *r = calloc(cap ? cap : 1, sizeof *r);
    cramp_status st = cramp_spectral_process(s, x, frames, r, cap, n);
    CHECK(st == CRAMP_OK, "process: %s", cramp_strerror(st));
    cramp_spectral_destroy(s);
    return r;
}

static void sine(float *x, size_t frames, size_t ch, size_t c, double fs, double f, double a,
                 double phase)
{
    for (size_t i = 0; i < frames; i++)
        x[i * ch + c] += (float)(a * sin(2.0 * PI * f * (double)i / fs + phase));
}

/* A sine on bin k0 with a Hann window: its power sits in bins k0-1, k0, k0+1
 * in the ratio 1 : 4 : 1, symmetric, so MNF = MDF = peak = f0; density
 * scaling integrates to A^2 / 2; spectrum scaling puts A^2 / 2 in bin k0. */
static void test_sine(void)
{
    const double fs = 2000.0, f0 = 124.0; /* bin 62 of 1000 (df 2 Hz) */
    const size_t frames = 4000;
    float *x = calloc(frames, sizeof *x);
    sine(x, frames, 1, 0, fs, f0, 1.5, 0.3);
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = fs;
    size_t n = 0;
    cramp_spectral_result *r = run(&cfg, 1, x, frames, &n);
    CHECK(n == 2, "sine: %zu epochs of 1 s in 2 s", n);
    for (size_t i = 0; i < n; i++) {
        CHECK(close_rel(r[i].mnf_hz, f0, TOL), "sine MNF %.9g", r[i].mnf_hz);
        CHECK(close_rel(r[i].mdf_hz, f0, TOL), "sine MDF %.9g", r[i].mdf_hz);
        CHECK(r[i].peak_hz == f0, "sine peak %.9g", r[i].peak_hz);
        CHECK(close_rel(r[i].total_power, 1.5 * 1.5 / 2.0, TOL), "sine power %.9g (A^2/2 = %g)",
              r[i].total_power, 1.5 * 1.5 / 2.0);
        /* Weights 1/6, 2/3, 1/6 at f0 - 2, f0, f0 + 2: f0^2 + 4/3. */
        CHECK(close_rel(r[i].moment[2] / r[i].moment[0], f0 * f0 + 4.0 / 3.0, TOL),
              "sine second moment %.9g", r[i].moment[2] / r[i].moment[0]);
        /* Three bins with p = 1/6, 2/3, 1/6 over K = 501. */
        const double h = -(2.0 * (1.0 / 6.0) * log(1.0 / 6.0) + (2.0 / 3.0) * log(2.0 / 3.0)) /
                         log(501.0);
        CHECK(close_rel(r[i].entropy, h, TOL), "sine entropy %.9g vs %.9g", r[i].entropy, h);
        /* FInsm5 in closed form over the three bins. */
        const double f[3] = {f0 - 2.0, f0, f0 + 2.0}, p[3] = {1.0, 4.0, 1.0};
        double num = 0.0, den = 0.0;
        for (int k = 0; k < 3; k++) {
            num += p[k] / f[k];
            den += p[k] * pow(f[k], 5.0);
        }
        CHECK(close_rel(r[i].finsm5, num / den, TOL), "sine FInsm5 %.9g vs %.9g", r[i].finsm5,
              num / den);
    }
    free(r);

    cfg.scaling = CRAMP_PSD_SPECTRUM;
    cramp_spectral *s = make(1, &cfg);
    if (s) {
        cramp_spectral_result res[4];
        CHECK(cramp_spectral_process(s, x, frames, res, 4, &n) == CRAMP_OK && n == 2, "process");
        const double *P = cramp_spectral_psd(s, 0);
        CHECK(P && close_rel(P[62], 1.5 * 1.5 / 2.0, TOL), "spectrum scaling: bin 62 = %.9g",
              P ? P[62] : -1.0);
        CHECK(P && close_rel(P[61], P[62] / 4.0, TOL) && close_rel(P[63], P[62] / 4.0, TOL),
              "Hann leakage 1/4");
        CHECK(close_rel(res[0].total_power, 1.5 * 1.5 / 2.0 * 1.5, TOL),
              "spectrum scaling sums the Hann leakage: %.9g", res[0].total_power);
        cramp_spectral_destroy(s);
    }

    /* Rectangular window: the sine is one bin, FInsm5 = f0^-6 exactly. */
    cfg.scaling = CRAMP_PSD_DENSITY;
    cfg.window = CRAMP_WINDOW_RECTANGULAR;
    r = run(&cfg, 1, x, frames, &n);
    CHECK(n == 2 && close_rel(r[0].finsm5, pow(f0, -6.0), TOL), "rect FInsm5 %.9g vs %.9g",
          n ? r[0].finsm5 : 0.0, pow(f0, -6.0));
    CHECK(n == 2 && r[0].entropy < 1e-5, "one line: entropy %.3g", n ? r[0].entropy : 1.0);
    /* Band edges are inclusive: a band ending on the line still holds it. */
    cfg.finsm5_band.lo_hz = f0 - 1.0;
    cfg.finsm5_band.hi_hz = f0;
    free(r);
    r = run(&cfg, 1, x, frames, &n);
    CHECK(n == 2 && close_rel(r[0].finsm5, pow(f0, -6.0), TOL), "one-bin band: FInsm5 %.9g",
          n ? r[0].finsm5 : 0.0);
    free(r);
    free(x);
}

/* Two tones on bins, powers 3 : 1: MNF is their power-weighted mean; the
 * half-power point falls 3/4 into the stronger tone's 4/6 bin when it is
 * the lower tone (f + df/4), 1/4 into it when it is the upper (f - df/4). */
static void test_two_tones(void)
{
    const double fs = 1000.0, f1 = 80.0, f2 = 200.0; /* df = 2 Hz with L = 500 */
    const size_t frames = 3000;
    float *x = calloc(frames * 2, sizeof *x);
    for (size_t c = 0; c < 2; c++) {
        sine(x, frames, 2, c, fs, c ? f2 : f1, sqrt(3.0), 1.0);
        sine(x, frames, 2, c, fs, c ? f1 : f2, 1.0, 2.0);
    }
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = fs;
    cfg.epoch_s = 1.5;
    size_t n = 0;
    cramp_spectral_result *r = run(&cfg, 2, x, frames, &n);
    CHECK(n == 4, "two tones: %zu results", n);
    for (size_t i = 0; i < n; i++) {
        const double strong = r[i].channel ? f2 : f1, weak = r[i].channel ? f1 : f2;
        const double mnf = (3.0 * strong + weak) / 4.0;
        CHECK(close_rel(r[i].mnf_hz, mnf, TOL), "two tones ch %zu MNF %.9g vs %.9g",
              r[i].channel, r[i].mnf_hz, mnf);
        const double mdf = strong < weak ? strong + 0.5 : strong - 0.5;
        CHECK(close_rel(r[i].mdf_hz, mdf, TOL), "two tones ch %zu MDF %.9g vs %.9g",
              r[i].channel, r[i].mdf_hz, mdf);
        CHECK(r[i].peak_hz == strong, "two tones peak %.9g", r[i].peak_hz);
        CHECK(close_rel(r[i].total_power, 2.0, TOL), "two tones power %.9g", r[i].total_power);
    }
    free(r);
    /* The bin method gives the bin of the half-power point. */
    cfg.mdf = CRAMP_MDF_BIN;
    r = run(&cfg, 2, x, frames, &n);
    CHECK(n == 4 && r[0].mdf_hz == f1 && r[1].mdf_hz == f2, "MDF bin %g %g",
          n ? r[0].mdf_hz : 0.0, n ? r[1].mdf_hz : 0.0);
    free(r);
    free(x);
}

/* A random-phase multisine with equal amplitudes on every bin of [a, b]
 * (periodic band-limited white noise), rectangular window: a flat spectrum
 * on N bins, so MNF = MDF = (f_a + f_b) / 2 and the entropy is ln N / ln K. */
static void test_flat_band(void)
{
    const double fs = 2048.0;
    const size_t L = 512, frames = 4096, ka = 20, kb = 140, N = kb - ka + 1;
    const double df = fs / (double)L;
    float *x = calloc(frames, sizeof *x);
    test_rng rng = {42};
    for (size_t k = ka; k <= kb; k++)
        sine(x, frames, 1, 0, fs, (double)k * df, 0.1, 2.0 * PI * test_rng_uniform(&rng));
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = fs;
    cfg.segment_s = (double)L / fs;
    cfg.epoch_s = 1.0;
    cfg.window = CRAMP_WINDOW_RECTANGULAR;
    cfg.n_bands = 2;
    cfg.bands[0] = (cramp_freq_band){(double)ka * df, (double)kb * df};
    cfg.bands[1] = (cramp_freq_band){(double)(kb + 1) * df, 2000.0};
    size_t n = 0;
    cramp_spectral_result *r = run(&cfg, 1, x, frames, &n);
    CHECK(n == 2, "flat band: %zu epochs", n);
    const double mid = 0.5 * (double)(ka + kb) * df;
    for (size_t i = 0; i < n; i++) {
        CHECK(close_rel(r[i].mnf_hz, mid, TOL), "flat MNF %.9g vs %.9g", r[i].mnf_hz, mid);
        CHECK(close_rel(r[i].mdf_hz, mid, TOL), "flat MDF %.9g vs %.9g", r[i].mdf_hz, mid);
        const double h = log((double)N) / log((double)(L / 2 + 1));
        CHECK(close_rel(r[i].entropy, h, TOL), "flat entropy %.9g vs %.9g", r[i].entropy, h);
        const double pw = (double)N * 0.1 * 0.1 / 2.0;
        CHECK(close_rel(r[i].total_power, pw, TOL), "flat power %.9g vs %.9g", r[i].total_power,
              pw);
        CHECK(close_rel(r[i].band_power[0], pw, TOL), "band power %.9g", r[i].band_power[0]);
        CHECK(r[i].band_power[1] < 1e-6 * pw, "out-of-band power %.3g", r[i].band_power[1]);
    }
    free(r);
    free(x);
}

/* White Gaussian noise: a flat expected spectrum on [0, fs/2], so MNF and
 * MDF are near fs/4. The bar is 6 standard deviations of the MNF estimate,
 * sigma = (fs/2) / sqrt(12) / sqrt(K * M / 2) (K bins, M half-overlapping
 * Hann segments, counted as M / 2 independent ones). */
static void test_white_noise(void)
{
    const double fs = 2000.0;
    const size_t frames = 40000;
    float *x = malloc(frames * sizeof *x);
    test_rng rng = {7};
    for (size_t i = 0; i < frames; i++) x[i] = (float)test_rng_normal(&rng);
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = fs;
    cfg.epoch_s = 20.0;
    size_t n = 0;
    cramp_spectral_result *r = run(&cfg, 1, x, frames, &n);
    const double sigma = (fs / 2.0) / sqrt(12.0) / sqrt(501.0 * 79.0 / 2.0);
    CHECK(n == 1 && fabs(r[0].mnf_hz - fs / 4.0) < 6.0 * sigma, "white MNF %.6g (sigma %.3g)",
          n ? r[0].mnf_hz : 0.0, sigma);
    CHECK(n == 1 && fabs(r[0].mdf_hz - fs / 4.0) < 6.0 * sigma * 1.5, "white MDF %.6g",
          n ? r[0].mdf_hz : 0.0);
    CHECK(n == 1 && r[0].entropy > 0.99 && r[0].entropy < 1.0, "white entropy %.6g",
          n ? r[0].entropy : 0.0);
    CHECK(n == 1 && fabs(r[0].total_power - 1.0) < 0.05, "white power %.6g (variance 1)",
          n ? r[0].total_power : 0.0);
    free(r);
    free(x);
}

/* The FInsm5 band is clamped to Nyquist and reported; bands too. */
static void test_bands_info(void)
{
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = 800.0;
    cfg.n_bands = 1;
    cfg.bands[0] = (cramp_freq_band){100.0, 1000.0};
    cramp_spectral *s = make(3, &cfg);
    if (!s) return;
    cramp_spectral_info in;
    CHECK(cramp_spectral_get_info(s, &in) == CRAMP_OK, "info");
    CHECK(in.finsm5_band.lo_hz == 8.0 && in.finsm5_band.hi_hz == 400.0,
          "FInsm5 band %g-%g at fs 800", in.finsm5_band.lo_hz, in.finsm5_band.hi_hz);
    CHECK(in.bands[0].hi_hz == 400.0 && in.n_bands == 1, "band clamped to %g", in.bands[0].hi_hz);
    CHECK(in.segment_frames == 400 && in.overlap_frames == 200 && in.epoch_frames == 800 &&
              in.epoch_step_frames == 800 && in.segments_per_epoch == 3 && in.nfft == 400 &&
              in.bins == 201 && in.df_hz == 2.0 && in.channels == 3,
          "defaults at 800 Hz: L %zu O %zu E %zu H %zu M %zu nfft %zu K %zu df %g",
          in.segment_frames, in.overlap_frames, in.epoch_frames, in.epoch_step_frames,
          in.segments_per_epoch, in.nfft, in.bins, in.df_hz);
    cramp_spectral_destroy(s);
}

/* Silence gives zero powers and NaN ratios; a NaN sample spoils its epoch
 * only; a gap or an overlap between epochs picks the right samples. */
static void test_silence_nan_steps(void)
{
    const double fs = 1000.0;
    const size_t frames = 5000, ch = 2;
    float *x = calloc(frames * ch, sizeof *x);
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = fs;
    cfg.n_bands = 1;
    cfg.bands[0] = (cramp_freq_band){20.0, 200.0};
    size_t n = 0;
    cramp_spectral_result *r = run(&cfg, ch, x, frames, &n);
    CHECK(n == 10, "silence: %zu results", n);
    for (size_t i = 0; i < n; i++)
        CHECK(r[i].total_power == 0.0 && r[i].band_power[0] == 0.0 && isnan(r[i].mnf_hz) &&
                  isnan(r[i].mdf_hz) && isnan(r[i].peak_hz) && isnan(r[i].finsm5) &&
                  isnan(r[i].entropy),
              "silence: power %g mnf %g", r[i].total_power, r[i].mnf_hz);
    free(r);

    test_rng rng = {99};
    for (size_t i = 0; i < frames * ch; i++) x[i] = (float)test_rng_normal(&rng);
    cramp_spectral_result *clean = run(&cfg, ch, x, frames, &n);
    x[2500 * ch + 1] = (float)NAN; /* epoch 2, channel 1 */
    size_t n2 = 0;
    r = run(&cfg, ch, x, frames, &n2);
    CHECK(n2 == n && n == 10, "NaN run: %zu results", n2);
    for (size_t i = 0; i < n && i < n2; i++) {
        if (r[i].epoch == 2 && r[i].channel == 1)
            CHECK(isnan(r[i].mnf_hz) && isnan(r[i].total_power), "NaN epoch: mnf %g",
                  r[i].mnf_hz);
        else
            CHECK(memcmp(&r[i], &clean[i], sizeof r[i]) == 0, "epoch %llu ch %zu changed by a "
                  "NaN elsewhere", (unsigned long long)r[i].epoch, r[i].channel);
    }
    free(r);
    x[2500 * ch + 1] = 0.0f;

    /* Epoch j of a stepped analysis equals a plain analysis of the samples
     * from j * H: compare against single epochs cut out by hand. */
    const double steps[] = {0.25, 1.7};
    for (size_t q = 0; q < 2; q++) {
        cramp_spectral_config c2 = cfg;
        c2.epoch_step_s = steps[q];
        cramp_spectral_result *st = run(&c2, ch, x, frames, &n);
        const size_t H = (size_t)(steps[q] * fs), E = 1000;
        const size_t want = ((frames - E) / H + 1) * ch;
        CHECK(n == want, "step %g s: %zu results, expected %zu", steps[q], n, want);
        for (size_t i = 0; i < n; i += ch) {
            size_t m = 0;
            cramp_spectral_result *one = run(&cfg, ch, x + st[i].epoch * H * ch, E, &m);
            CHECK(m == ch && one[0].mnf_hz == st[i].mnf_hz && one[1].finsm5 == st[i + 1].finsm5 &&
                      one[1].entropy == st[i + 1].entropy,
                  "step %g s epoch %llu differs from the same samples analysed alone", steps[q],
                  (unsigned long long)st[i].epoch);
            CHECK(fabs(st[i].start_s - (double)(st[i].epoch * H) / fs) < 1e-12 &&
                      fabs(st[i].end_s - st[i].start_s - 1.0) < 1e-12,
                  "step times %g %g", st[i].start_s, st[i].end_s);
            free(one);
        }
        free(st);
    }
    free(clean);
    free(x);
}

/* Argument checks, capacity, reset. */
static void test_api(void)
{
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cramp_spectral *s = (cramp_spectral *)&cfg; /* must be overwritten with NULL */
    cramp_error err = {0};
    CHECK(cramp_spectral_create(&s, 1, &cfg, &err) == CRAMP_EINVAL && s == NULL && err.message[0],
          "fs 0 must fail with a message");
    CHECK(cramp_spectral_create(NULL, 1, &cfg, NULL) == CRAMP_EINVAL, "NULL out");
    cfg.fs = 1000.0;
    CHECK(cramp_spectral_create(&s, 1, NULL, NULL) == CRAMP_EINVAL, "NULL cfg");
    CHECK(cramp_spectral_create(&s, 0, &cfg, NULL) == CRAMP_EINVAL, "0 channels");
    cramp_spectral_config c;
#define EXPECT(stmt, st)                                                               \
    do {                                                                               \
        c = cfg;                                                                       \
        stmt;                                                                          \
        memset(&err, 0, sizeof err);                                                   \
        cramp_status got_ = cramp_spectral_create(&s, 1, &c, &err);                    \
        CHECK(got_ == (st) && s == NULL && err.message[0] && err.status == (st),       \
              "%s: status %d (%s), expected %d", #stmt, (int)got_, err.message, (int)(st)); \
        cramp_spectral_destroy(s);                                                     \
        s = NULL;                                                                      \
    } while (0)
    EXPECT(c.fs = (double)NAN, CRAMP_EINVAL);
    EXPECT(c.segment_s = 0.0, CRAMP_EINVAL);
    EXPECT(c.segment_s = 0.0001, CRAMP_ERANGE);
    EXPECT(c.overlap_s = 0.5, CRAMP_ERANGE);
    EXPECT(c.overlap_s = (double)INFINITY, CRAMP_EINVAL);
    EXPECT(c.epoch_s = 0.4, CRAMP_ERANGE);
    EXPECT(c.epoch_step_s = -1.0, CRAMP_EINVAL);
    EXPECT(c.nfft = 100, CRAMP_ERANGE);
    EXPECT(c.window = (cramp_window_kind)9, CRAMP_EINVAL);
    EXPECT((c.window = CRAMP_WINDOW_TUKEY, c.tukey_alpha = 1.5), CRAMP_EINVAL);
    EXPECT(c.detrend = (cramp_detrend)5, CRAMP_EINVAL);
    EXPECT(c.scaling = (cramp_psd_scaling)5, CRAMP_EINVAL);
    EXPECT(c.axis = (cramp_freq_axis)5, CRAMP_EINVAL);
    EXPECT(c.mdf = (cramp_mdf_method)5, CRAMP_EINVAL);
    EXPECT(c.effort = (cramp_fft_effort)5, CRAMP_EINVAL);
    EXPECT(c.simd = (cramp_simd)9, CRAMP_EINVAL);
    EXPECT(c.n_bands = CRAMP_SPECTRAL_MAX_BANDS + 1, CRAMP_EINVAL);
    EXPECT(c.finsm5_band.lo_hz = 0.0, CRAMP_EINVAL);
    EXPECT(c.finsm5_band.lo_hz = 600.0, CRAMP_EINVAL); /* lo >= hi */
    EXPECT((c.finsm5_band.lo_hz = 500.0, c.finsm5_band.hi_hz = 600.0), CRAMP_ERANGE);
    EXPECT((c.finsm5_band.lo_hz = 100.5, c.finsm5_band.hi_hz = 101.5), CRAMP_ERANGE); /* no bin */
    EXPECT((c.n_bands = 1, c.bands[0] = (cramp_freq_band){30.0, 20.0}), CRAMP_EINVAL);
    EXPECT((c.axis = CRAMP_FREQ_AXIS_LIBEMG, c.nfft = 501), CRAMP_ERANGE);
#undef EXPECT

    /* Capacity: too small consumes nothing; the right size then works. */
    s = make(2, &cfg);
    if (!s) return;
    CHECK(cramp_spectral_max_output(s, 0) == 0 && cramp_spectral_max_output(s, 1) == 2 &&
              cramp_spectral_max_output(s, 1000) == 2 && cramp_spectral_max_output(s, 1001) == 4,
          "max_output");
    CHECK(cramp_spectral_max_output(NULL, 10) == 0, "max_output(NULL)");
    float *x = calloc(2000 * 2, sizeof *x);
    test_rng rng = {5};
    for (size_t i = 0; i < 4000; i++) x[i] = (float)test_rng_normal(&rng);
    cramp_spectral_result r[8];
    size_t n = 99;
    CHECK(cramp_spectral_process(s, x, 2000, r, 3, &n) == CRAMP_ERANGE && n == 0,
          "small capacity");
    CHECK(cramp_spectral_epochs(s) == 0, "nothing consumed");
    CHECK(cramp_spectral_process(s, x, 2000, r, 4, &n) == CRAMP_OK && n == 4, "process %zu", n);
    cramp_spectral_result again[8];
    cramp_spectral_reset(s);
    CHECK(cramp_spectral_epochs(s) == 0 && cramp_spectral_psd(s, 0) == NULL, "reset");
    CHECK(cramp_spectral_process(s, x, 2000, again, 8, &n) == CRAMP_OK && n == 4 &&
              memcmp(r, again, 4 * sizeof r[0]) == 0, "after reset: same results");
    CHECK(cramp_spectral_psd(s, 2) == NULL && cramp_spectral_psd(s, 1) != NULL, "psd channel");
    n = 7;
    CHECK(cramp_spectral_process(s, NULL, 0, NULL, 0, &n) == CRAMP_OK && n == 0, "0 frames");
    CHECK(cramp_spectral_process(NULL, x, 1, r, 8, &n) == CRAMP_EINVAL && n == 0, "NULL s");
    CHECK(cramp_spectral_process(s, x, 1, r, 8, NULL) == CRAMP_EINVAL, "NULL n_out");
    CHECK(cramp_spectral_process(s, NULL, 1, r, 8, &n) == CRAMP_EINVAL, "NULL in");
    CHECK(cramp_spectral_process(s, x, 1, NULL, 8, &n) == CRAMP_EINVAL, "NULL out");
    CHECK(cramp_spectral_get_info(s, NULL) == CRAMP_EINVAL, "info NULL");
    CHECK(cramp_spectral_frequencies(NULL) == NULL && cramp_spectral_psd(NULL, 0) == NULL &&
              cramp_spectral_epochs(NULL) == 0 && cramp_spectral_wisdom_status(NULL) == 0,
          "NULL getters");
    cramp_spectral_reset(NULL);
    cramp_spectral_destroy(NULL);
    cramp_spectral_config_default(NULL);
    cramp_spectral_destroy(s);
    free(x);
}

/* Wisdom: written after a MEASURE plan, read back by the next object. */
static void test_wisdom(void)
{
    char dir[] = "/tmp/cramp-wisdom.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/fftw3f.wisdom", dir);
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = 1000.0;
    cfg.segment_s = 0.6; /* a size no other test plans */
    cfg.epoch_s = 0.6;
    cfg.effort = CRAMP_FFT_MEASURE;
    cfg.wisdom_path = path;
    cramp_spectral *s = make(1, &cfg);
    const unsigned w1 = cramp_spectral_wisdom_status(s);
    CHECK(w1 == (CRAMP_WISDOM_USED | CRAMP_WISDOM_SAVED), "first MEASURE: status %u", w1);
    CHECK(access(path, R_OK) == 0, "wisdom file %s written", path);
    cramp_spectral_destroy(s);
    s = make(1, &cfg);
    const unsigned w2 = cramp_spectral_wisdom_status(s);
    CHECK((w2 & CRAMP_WISDOM_LOADED) && !(w2 & CRAMP_WISDOM_SAVED),
          "second create: status %u (loaded, nothing new)", w2);
    cramp_spectral_destroy(s);
    /* The environment variable, when the config names no file. */
    cfg.wisdom_path = NULL;
    cfg.effort = CRAMP_FFT_ESTIMATE;
    setenv("CRAMP_FFTW_WISDOM", path, 1);
    s = make(1, &cfg);
    CHECK(cramp_spectral_wisdom_status(s) & CRAMP_WISDOM_USED, "environment wisdom path");
    cramp_spectral_destroy(s);
    unsetenv("CRAMP_FFTW_WISDOM");
    cfg.wisdom_path = "";
    s = make(1, &cfg);
    CHECK(cramp_spectral_wisdom_status(s) == 0, "empty path: no wisdom");
    cramp_spectral_destroy(s);
    /* An unwritable place is not an error. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/no/such/dir/w", dir);
    cfg.wisdom_path = bad;
    cfg.effort = CRAMP_FFT_MEASURE;
    cfg.segment_s = 0.61;
    cfg.epoch_s = 0.61;
    s = make(1, &cfg);
    CHECK(s && (cramp_spectral_wisdom_status(s) & CRAMP_WISDOM_SAVE_FAILED),
          "unwritable wisdom: status %u", cramp_spectral_wisdom_status(s));
    cramp_spectral_destroy(s);
    unlink(path);
    rmdir(dir);
}

/* Planning from several threads at once: every object must plan and give
 * the single-threaded results. */
typedef struct thread_job {
    const float *x;
    size_t frames;
    double segment_s;
    const cramp_spectral_result *want;
    size_t n_want;
    int failures;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *j = arg;
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = 1000.0;
    cfg.segment_s = j->segment_s;
    cramp_spectral_result r[8];
    for (int it = 0; it < 40; it++) {
        cramp_spectral *s = NULL;
        if (cramp_spectral_create(&s, 1, &cfg, NULL) != CRAMP_OK) {
            j->failures++;
            continue;
        }
        size_t n = 0;
        if (cramp_spectral_process(s, j->x, j->frames, r, 8, &n) != CRAMP_OK || n != j->n_want ||
            memcmp(r, j->want, n * sizeof r[0]) != 0)
            j->failures++;
        cramp_spectral_destroy(s);
    }
    return NULL;
}

static void test_threads(void)
{
    const size_t frames = 3000;
    float *x = malloc(frames * sizeof *x);
    test_rng rng = {3};
    for (size_t i = 0; i < frames; i++) x[i] = (float)test_rng_normal(&rng);
    enum { NT = 4 };
    thread_job jobs[NT];
    cramp_spectral_result *want[NT];
    pthread_t th[NT];
    for (size_t t = 0; t < NT; t++) {
        cramp_spectral_config cfg;
        cramp_spectral_config_default(&cfg);
        cfg.fs = 1000.0;
        cfg.segment_s = 0.1 + 0.05 * (double)t;
        size_t n = 0;
        want[t] = run(&cfg, 1, x, frames, &n);
        jobs[t] = (thread_job){x, frames, cfg.segment_s, want[t], n, 0};
    }
    for (size_t t = 0; t < NT; t++) pthread_create(&th[t], NULL, thread_main, &jobs[t]);
    for (size_t t = 0; t < NT; t++) {
        pthread_join(th[t], NULL);
        CHECK(jobs[t].failures == 0, "thread %zu: %d failures", t, jobs[t].failures);
        free(want[t]);
    }
    free(x);
}

/* Every SIMD path of the loops around the FFT gives bit-identical results
 * (same partial sums, no FMA), for each detrend kind and an odd segment. */
static void test_simd_paths(void)
{
    const size_t frames = 6000, ch = 3;
    float *x = malloc(frames * ch * sizeof *x);
    test_rng rng = {11};
    for (size_t i = 0; i < frames * ch; i++) x[i] = (float)(test_rng_normal(&rng) + 3.0);
    const cramp_simd paths[] = {CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    size_t compared = 0;
    for (int d = 0; d < 3; d++) {
        cramp_spectral_config cfg;
        cramp_spectral_config_default(&cfg);
        cfg.fs = 1000.0;
        cfg.segment_s = 0.333;
        cfg.detrend = (cramp_detrend)d;
        cfg.n_bands = 1;
        cfg.bands[0] = (cramp_freq_band){30.0, 170.0};
        cfg.simd = CRAMP_SIMD_SCALAR;
        size_t n0 = 0;
        cramp_spectral_result *r0 = run(&cfg, ch, x, frames, &n0);
        for (size_t p = 0; p < 2; p++) {
            if (!cramp_simd_available(paths[p])) continue;
            cfg.simd = paths[p];
            size_t n1 = 0;
            cramp_spectral_result *r1 = run(&cfg, ch, x, frames, &n1);
            CHECK(n1 == n0 && n0 > 0 && memcmp(r0, r1, n0 * sizeof *r0) == 0,
                  "detrend %d: %s results differ from scalar", d, cramp_simd_name(paths[p]));
            compared++;
            free(r1);
        }
        free(r0);
    }
    printf("spectral: SIMD paths compared with scalar: %zu\n", compared);
    free(x);
}

static void test_slope(void)
{
    const double t[5] = {0.5, 1.5, 2.5, 3.5, 4.5};
    double y[5];
    for (int i = 0; i < 5; i++) y[i] = 120.0 - 0.75 * t[i];
    cramp_slope s;
    CHECK(cramp_slope_fit(t, y, 5, 0.95, &s) == CRAMP_OK, "exact line");
    CHECK(fabs(s.slope + 0.75) < 1e-12 && fabs(s.intercept - 120.0) < 1e-10 && s.n == 5 &&
              s.slope_se < 1e-12 && fabs(s.ci_low + 0.75) < 1e-10 && fabs(s.ci_high + 0.75) < 1e-10 &&
              fabs(s.r2 - 1.0) < 1e-12,
          "exact line: slope %g intercept %g se %g", s.slope, s.intercept, s.slope_se);
    CHECK(cramp_slope_fit(t, y, 2, 0.95, &s) == CRAMP_OK && isnan(s.ci_low) &&
              isnan(s.slope_se) && fabs(s.slope + 0.75) < 1e-12,
          "two points: slope, no interval");
    CHECK(cramp_slope_fit(t, y, 1, 0.95, &s) == CRAMP_ERANGE, "one point");
    const double same[3] = {2.0, 2.0, 2.0};
    CHECK(cramp_slope_fit(same, y, 3, 0.95, &s) == CRAMP_ERANGE, "all t equal");
    y[2] = (double)NAN;
    CHECK(cramp_slope_fit(t, y, 5, 0.95, &s) == CRAMP_EINVAL, "NaN");
    y[2] = 1.0;
    CHECK(cramp_slope_fit(t, y, 5, 1.0, &s) == CRAMP_EINVAL, "level 1");
    CHECK(cramp_slope_fit(t, y, 5, 0.0, &s) == CRAMP_EINVAL, "level 0");
    CHECK(cramp_slope_fit(NULL, y, 5, 0.95, &s) == CRAMP_EINVAL, "NULL t");
    CHECK(cramp_slope_fit(t, y, 5, 0.95, NULL) == CRAMP_EINVAL, "NULL out");
    /* Constant y: slope 0, r2 undefined. */
    const double yc[3] = {4.0, 4.0, 4.0};
    CHECK(cramp_slope_fit(t, yc, 3, 0.95, &s) == CRAMP_OK && s.slope == 0.0 && isnan(s.r2),
          "constant y");
}

int main(void)
{
    test_sine();
    test_two_tones();
    test_flat_band();
    test_white_noise();
    test_bands_info();
    test_silence_nan_steps();
    test_api();
    test_wisdom();
    test_threads();
    test_simd_paths();
    test_slope();
    return cramp_test_finish("spectral");
}
