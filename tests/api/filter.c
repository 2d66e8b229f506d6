/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Behaviour of filter design, the streaming cascade, cramp_filtfilt and the
 * zero-phase stream, through the public API: argument errors and their
 * messages, band clamping, gains computed from the sections, impulse and
 * step responses, linearity, chunking invariance, reset, steady-state start,
 * NULL and empty input, and the zero-phase stream against cramp_filtfilt.
 * Random splits use a seed printed on failure (CRAMP_TEST_SEED overrides). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "testutil.h"

static const double PI = 3.14159265358979323846;
static uint64_t g_seed = 0xc0ffee1234ULL;
static const cramp_simd k_paths[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
#define N_PATHS (sizeof k_paths / sizeof k_paths[0])

/* ---- helpers ------------------------------------------------------------ */

/* |H(e^{j 2 pi f / fs})| of a cascade, from the sections. */
static double gain_at(const cramp_biquad *sos, size_t n, double fs, double f)
{
    const double w = 2.0 * PI * f / fs;
    const double c1 = cos(w), s1 = sin(w), c2 = cos(2 * w), s2 = sin(2 * w);
    double g = 1.0;
    for (size_t i = 0; i < n; i++) {
        const cramp_biquad *q = &sos[i];
        const double nr = q->b0 + q->b1 * c1 + q->b2 * c2, ni = -(q->b1 * s1 + q->b2 * s2);
        const double dr = 1.0 + q->a1 * c1 + q->a2 * c2, di = -(q->a1 * s1 + q->a2 * s2);
        g *= sqrt(nr * nr + ni * ni) / sqrt(dr * dr + di * di);
    }
    return g;
}

static size_t butter(cramp_band_type t, int order, double fs, double f1, double f2,
                     cramp_biquad *sos)
{
    cramp_butter_spec spec = {t, order, fs, f1, f2};
    size_t n = 0;
    cramp_error err = {CRAMP_OK, ""};
    cramp_status st = cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &n, &err);
    CHECK(st == CRAMP_OK, "design type %d order %d fs %g %g-%g: %s", (int)t, order, fs, f1, f2,
          err.message);
    return st == CRAMP_OK ? n : 0;
}

static cramp_filter *make_filter(const cramp_biquad *sos, size_t n, size_t ch, cramp_simd simd)
{
    cramp_filter_config cfg;
    cramp_filter_config_default(&cfg);
    cfg.simd = simd;
    cramp_filter *f = NULL;
    cramp_status st = cramp_filter_create(&f, sos, n, ch, &cfg);
    CHECK(st == CRAMP_OK && f, "filter_create(%zu sections, %zu ch, %s): %s", n, ch,
          cramp_simd_name(simd), cramp_strerror(st));
    return st == CRAMP_OK ? f : NULL;
}

static float *noise(size_t n, double scale, double offset, test_rng *r)
{
    float *x = malloc(n * sizeof *x);
    if (!x) return NULL;
    for (size_t i = 0; i < n; i++) x[i] = (float)(scale * test_rng_normal(r) + offset);
    return x;
}

static int contains_ci(const char *hay, const char *needle)
{
    const size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n) return 1;
    }
    return 0;
}

/* A failed call: non-OK status, err->status set to it, a message that
 * contains `value` (the offending value as the user gave it). */
static void expect_error(const char *what, cramp_status st, const cramp_error *err,
                         const char *value)
{
    CHECK(st != CRAMP_OK, "%s: accepted", what);
    CHECK(err->message[0] != '\0', "%s: empty message", what);
    CHECK(err->status == st, "%s: err.status %d, returned %d", what, (int)err->status, (int)st);
    if (value) CHECK(contains_ci(err->message, value), "%s: message \"%s\" does not name %s", what,
                     err->message, value);
}

/* ---- design errors ------------------------------------------------------ */

static cramp_status try_butter(cramp_band_type t, int order, double fs, double f1, double f2,
                               size_t cap, cramp_error *err)
{
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS + 1];
    cramp_butter_spec spec = {t, order, fs, f1, f2};
    size_t n = 12345;
    memset(err, 0, sizeof *err);
    return cramp_butter_design(&spec, sos, cap, &n, err);
}

static void test_design_errors(void)
{
    cramp_error e;
    const size_t cap = CRAMP_BUTTER_MAX_SECTIONS;
    expect_error("order 0", try_butter(CRAMP_BANDPASS, 0, 1000, 20, 450, cap, &e), &e, "0");
    CHECK(contains_ci(e.message, "order"), "order 0: \"%s\" does not say 'order'", e.message);
    expect_error("order 11", try_butter(CRAMP_LOWPASS, 11, 1000, 20, 0, cap, &e), &e, "11");
    CHECK(contains_ci(e.message, "order"), "order 11: \"%s\" does not say 'order'", e.message);
    expect_error("order -3", try_butter(CRAMP_LOWPASS, -3, 1000, 20, 0, cap, &e), &e, "-3");
    expect_error("fs 0", try_butter(CRAMP_LOWPASS, 4, 0, 20, 0, cap, &e), &e, "0");
    expect_error("fs -250", try_butter(CRAMP_HIGHPASS, 4, -250, 20, 0, cap, &e), &e, "-250");
    expect_error("fs NaN", try_butter(CRAMP_LOWPASS, 4, (double)NAN, 20, 0, cap, &e), &e, "nan");
    expect_error("fs inf", try_butter(CRAMP_LOWPASS, 4, (double)INFINITY, 20, 0, cap, &e), &e, "inf");
    expect_error("low-pass at Nyquist", try_butter(CRAMP_LOWPASS, 4, 1000, 500, 0, cap, &e), &e,
                 "500");
    expect_error("low-pass above Nyquist", try_butter(CRAMP_LOWPASS, 4, 1000, 612.5, 0, cap, &e),
                 &e, "612.5");
    expect_error("high-pass at Nyquist", try_butter(CRAMP_HIGHPASS, 2, 200, 100, 0, cap, &e), &e,
                 "100");
    expect_error("high-pass at 0 Hz", try_butter(CRAMP_HIGHPASS, 2, 200, 0, 0, cap, &e), &e, "0");
    expect_error("cutoff NaN", try_butter(CRAMP_LOWPASS, 2, 200, (double)NAN, 0, cap, &e), &e, "nan");
    /* The polysomnography case cramp_band_clamp exists for: 450 Hz at 200 Hz. */
    expect_error("band-pass upper edge above Nyquist",
                 try_butter(CRAMP_BANDPASS, 4, 200, 20, 450, cap, &e), &e, "450");
    expect_error("band-pass upper edge at Nyquist",
                 try_butter(CRAMP_BANDPASS, 4, 1000, 20, 500, cap, &e), &e, "500");
    expect_error("band-pass f1 > f2", try_butter(CRAMP_BANDPASS, 4, 1000, 300, 200, cap, &e), &e,
                 "300");
    expect_error("band-stop f1 == f2", try_butter(CRAMP_BANDSTOP, 2, 1000, 50, 50, cap, &e), &e,
                 "50");
    expect_error("band-pass negative lower edge",
                 try_butter(CRAMP_BANDPASS, 2, 1000, -5, 50, cap, &e), &e, "-5");
    /* An order-4 band-pass has 4 sections. */
    expect_error("cap too small", try_butter(CRAMP_BANDPASS, 4, 1000, 20, 450, 3, &e), &e, "3");
    expect_error("cap 0", try_butter(CRAMP_LOWPASS, 1, 1000, 20, 0, 0, &e), &e, NULL);
    expect_error("unknown type", try_butter((cramp_band_type)7, 2, 1000, 20, 0, cap, &e), &e, NULL);
    CHECK(try_butter(CRAMP_BANDPASS, 4, 1000, 20, 450, 4, &e) == CRAMP_OK,
          "exact cap refused: %s", e.message);

    /* NULL arguments, and err == NULL, fail without crashing. */
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t n;
    cramp_butter_spec ok = {CRAMP_LOWPASS, 4, 1000, 100, 0};
    CHECK(cramp_butter_design(NULL, sos, 10, &n, NULL) != CRAMP_OK, "NULL spec accepted");
    CHECK(cramp_butter_design(&ok, NULL, 10, &n, NULL) != CRAMP_OK, "NULL sos accepted");
    CHECK(cramp_butter_design(&ok, sos, 10, NULL, NULL) != CRAMP_OK, "NULL count accepted");
    cramp_butter_spec bad = {CRAMP_LOWPASS, 4, 1000, 600, 0};
    CHECK(cramp_butter_design(&bad, sos, 10, &n, NULL) != CRAMP_OK, "err NULL: accepted");

    /* Success leaves err untouched. */
    memset(&e, 0x5a, sizeof e);
    cramp_error before = e;
    CHECK(cramp_butter_design(&ok, sos, 10, &n, &e) == CRAMP_OK, "valid design refused");
    CHECK(memcmp(&e, &before, sizeof e) == 0, "err changed on success");

    /* Section counts. */
    CHECK(cramp_butter_sections(CRAMP_LOWPASS, 1) == 1, "lp1 sections");
    CHECK(cramp_butter_sections(CRAMP_LOWPASS, 4) == 2, "lp4 sections");
    CHECK(cramp_butter_sections(CRAMP_HIGHPASS, 5) == 3, "hp5 sections");
    CHECK(cramp_butter_sections(CRAMP_BANDPASS, 3) == 3, "bp3 sections");
    CHECK(cramp_butter_sections(CRAMP_BANDSTOP, 10) == 10, "bs10 sections");
    CHECK(cramp_butter_sections(CRAMP_LOWPASS, 0) == 0, "order 0 sections");
    CHECK(cramp_butter_sections(CRAMP_BANDPASS, 11) == 0, "order 11 sections");

    /* Notch and comb. */
    cramp_biquad one;
    memset(&e, 0, sizeof e);
    expect_error("notch at Nyquist", cramp_notch_design(1000, 500, 30, &one, &e), &e, "500");
    memset(&e, 0, sizeof e);
    expect_error("notch above Nyquist", cramp_notch_design(100, 60, 30, &one, &e), &e, "60");
    memset(&e, 0, sizeof e);
    expect_error("notch q 0", cramp_notch_design(1000, 50, 0, &one, &e), &e, "0");
    memset(&e, 0, sizeof e);
    expect_error("notch q -2", cramp_notch_design(1000, 50, -2, &one, &e), &e, "-2");
    memset(&e, 0, sizeof e);
    expect_error("notch fs NaN", cramp_notch_design((double)NAN, 50, 30, &one, &e), &e, "nan");
    memset(&e, 0, sizeof e);
    expect_error("notch f0 0", cramp_notch_design(1000, 0, 30, &one, &e), &e, "0");
    CHECK(cramp_notch_design(1000, 50, 30, NULL, NULL) != CRAMP_OK, "notch NULL sos accepted");

    cramp_biquad comb[16];
    memset(&e, 0, sizeof e);
    cramp_status st = cramp_comb_design(1000, 50, 30, comb, 8, &n, &e);
    expect_error("comb cap 8 < 9", st, &e, NULL);
    CHECK(st == CRAMP_ERANGE, "comb cap too small gives %s, header says ERANGE", cramp_strerror(st));
    memset(&e, 0, sizeof e);
    CHECK(cramp_comb_design(1000, 50, 30, comb, 9, &n, &e) == CRAMP_OK && n == 9,
          "comb exact cap: %s, n %zu", e.message, n);
    memset(&e, 0, sizeof e);
    expect_error("comb f0 at Nyquist", cramp_comb_design(1000, 500, 30, comb, 16, &n, &e), &e,
                 "500");
    memset(&e, 0, sizeof e);
    expect_error("comb fs 0", cramp_comb_design(0, 50, 30, comb, 16, &n, &e), &e, "0");
}

/* ---- band clamp and comb counts ----------------------------------------- */

static void test_band_clamp(void)
{
    double lo = -1, hi = -1;
    unsigned flags = 99;
    cramp_error e = {CRAMP_OK, ""};
    cramp_status st = cramp_band_clamp(200, 20, 450, 0.9, &lo, &hi, &flags, &e);
    CHECK(st == CRAMP_OK, "clamp 20-450 at 200 Hz: %s", e.message);
    CHECK(lo == 20.0 && fabs(hi - 90.0) < 1e-12, "clamp at 200 Hz gave %g-%g, want 20-90", lo, hi);
    CHECK(flags & CRAMP_CLAMP_HIGH_LOWERED, "HIGH_LOWERED not set (flags %u)", flags);
    CHECK(!(flags & CRAMP_CLAMP_LOW_RAISED), "LOW_RAISED set for a 20 Hz edge (flags %u)", flags);

    /* Something a caller then designs with: it must be accepted. */
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    CHECK(butter(CRAMP_BANDPASS, 4, 200, lo, hi, sos) == 4, "clamped band not designable");

    flags = 99;
    st = cramp_band_clamp(2000, 20, 450, 0.9, &lo, &hi, &flags, &e);
    CHECK(st == CRAMP_OK && lo == 20.0 && hi == 450.0 && flags == CRAMP_CLAMP_NONE,
          "clamp at 2 kHz changed 20-450 to %g-%g flags %u (%s)", lo, hi, flags, cramp_strerror(st));

    st = cramp_band_clamp(256, 20, 450, 0.9, &lo, &hi, NULL, &e);
    CHECK(st == CRAMP_OK && fabs(hi - 115.2) < 1e-12, "clamp at 256 Hz: %g-%g", lo, hi);

    memset(&e, 0, sizeof e);
    st = cramp_band_clamp(200, 95, 450, 0.9, &lo, &hi, &flags, &e);
    expect_error("clamp with nothing left (95 Hz lower edge at 200 Hz)", st, &e, "95");
    CHECK(st == CRAMP_ERANGE, "impossible band gave %s, header says ERANGE", cramp_strerror(st));
    memset(&e, 0, sizeof e);
    st = cramp_band_clamp(0, 20, 450, 0.9, &lo, &hi, &flags, &e);
    expect_error("clamp fs 0", st, &e, "0");
}

static void test_comb_sections(void)
{
    CHECK(cramp_comb_sections(1000, 50) == 9, "1000/50: %zu (500 Hz is Nyquist, excluded)",
          cramp_comb_sections(1000, 50));
    CHECK(cramp_comb_sections(1000, 60) == 8, "1000/60: %zu", cramp_comb_sections(1000, 60));
    CHECK(cramp_comb_sections(200, 50) == 1, "200/50: %zu", cramp_comb_sections(200, 50));
    CHECK(cramp_comb_sections(256, 60) == 2, "256/60: %zu", cramp_comb_sections(256, 60));
    CHECK(cramp_comb_sections(10000, 60) == 83, "10000/60: %zu", cramp_comb_sections(10000, 60));
    CHECK(cramp_comb_sections(2048, 50) == 20, "2048/50: %zu", cramp_comb_sections(2048, 50));
    CHECK(cramp_comb_sections(100, 50) == 0, "100/50: %zu", cramp_comb_sections(100, 50));
    CHECK(cramp_comb_sections(0, 50) == 0, "fs 0");
    CHECK(cramp_comb_sections(1000, 0) == 0, "f0 0");
    CHECK(cramp_comb_sections(1000, -50) == 0, "f0 < 0");
    CHECK(cramp_comb_sections((double)NAN, 50) == 0, "fs NaN");
    CHECK(cramp_comb_sections(1000, (double)NAN) == 0, "f0 NaN");

    /* The designed comb: one notch per harmonic, zero gain at each, unit DC gain. */
    const double fs = 2048, f0 = 60;
    const size_t need = cramp_comb_sections(fs, f0);
    cramp_biquad sos[64];
    size_t n = 0;
    cramp_error e = {CRAMP_OK, ""};
    CHECK(need <= 64 && cramp_comb_design(fs, f0, 30, sos, 64, &n, &e) == CRAMP_OK && n == need,
          "comb design: %s, n %zu", e.message, n);
    for (size_t k = 1; k <= n; k++) {
        const double g = gain_at(sos, n, fs, (double)k * f0);
        CHECK(g < 1e-9, "comb |H(%g Hz)| = %.3g", (double)k * f0, g);
    }
    CHECK(fabs(gain_at(sos, n, fs, 0.0) - 1.0) < 1e-12, "comb DC gain %.17g",
          gain_at(sos, n, fs, 0.0));
}

/* ---- frequency and time responses ------------------------------------- */

static void test_gains(void)
{
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    const double inv_sqrt2 = sqrt(0.5);
    size_t n;

    /* Band-pass 20-450 Hz, order 4, at 1 kHz and 2 kHz. */
    const double rates[] = {1000, 2000};
    for (size_t i = 0; i < 2; i++) {
        const double fs = rates[i];
        n = butter(CRAMP_BANDPASS, 4, fs, 20, 450, sos);
        const double fc = sqrt(20.0 * 450.0);
        const double gc = gain_at(sos, n, fs, fc);
        CHECK(fabs(gc - 1.0) < 1e-3, "bp fs %g: |H(%g Hz)| = %.9f", fs, fc, gc);
        /* After pre-warping, the gain is exactly 1 at the warped centre. */
        const double wc = fs / PI * atan(sqrt(tan(PI * 20 / fs) * tan(PI * 450 / fs)));
        CHECK(fabs(gain_at(sos, n, fs, wc) - 1.0) < 1e-9, "bp fs %g: |H(%g Hz)| = %.12f", fs, wc,
              gain_at(sos, n, fs, wc));
        CHECK(fabs(gain_at(sos, n, fs, 20) - inv_sqrt2) < 1e-9, "bp fs %g: |H(20)| = %.12f", fs,
              gain_at(sos, n, fs, 20));
        CHECK(fabs(gain_at(sos, n, fs, 450) - inv_sqrt2) < 1e-9, "bp fs %g: |H(450)| = %.12f", fs,
              gain_at(sos, n, fs, 450));
        CHECK(gain_at(sos, n, fs, 1.0) < 1e-4, "bp fs %g: |H(1 Hz)| = %.3g", fs,
              gain_at(sos, n, fs, 1.0));
        CHECK(gain_at(sos, n, fs, 0.0) < 1e-12, "bp DC gain %.3g", gain_at(sos, n, fs, 0.0));
    }
    /* Low- and high-pass: -3 dB at the cutoff, 1 in the pass band. */
    n = butter(CRAMP_LOWPASS, 10, 2000, 980, 0, sos);
    CHECK(fabs(gain_at(sos, n, 2000, 980) - inv_sqrt2) < 1e-9, "lp10 |H(980)| = %.12f",
          gain_at(sos, n, 2000, 980));
    CHECK(fabs(gain_at(sos, n, 2000, 0) - 1.0) < 1e-12, "lp10 DC %.17g", gain_at(sos, n, 2000, 0));
    n = butter(CRAMP_HIGHPASS, 3, 256, 10, 0, sos);
    CHECK(fabs(gain_at(sos, n, 256, 10) - inv_sqrt2) < 1e-9, "hp3 |H(10)| = %.12f",
          gain_at(sos, n, 256, 10));
    CHECK(fabs(gain_at(sos, n, 256, 128) - 1.0) < 1e-12, "hp3 |H(Nyquist)| %.17g",
          gain_at(sos, n, 256, 128));
    n = butter(CRAMP_BANDSTOP, 5, 500, 45, 55, sos);
    CHECK(gain_at(sos, n, 500, 50) < 1e-6, "bs |H(50)| = %.3g", gain_at(sos, n, 500, 50));
    CHECK(fabs(gain_at(sos, n, 500, 0) - 1.0) < 1e-12, "bs DC %.17g", gain_at(sos, n, 500, 0));

    /* Notch: 0 at f0, 1 at DC, Nyquist and far from f0. */
    cramp_biquad nt;
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_notch_design(1000, 50, 30, &nt, &e) == CRAMP_OK, "notch: %s", e.message);
    CHECK(gain_at(&nt, 1, 1000, 50) < 1e-12, "notch |H(f0)| = %.3g", gain_at(&nt, 1, 1000, 50));
    CHECK(fabs(gain_at(&nt, 1, 1000, 0) - 1) < 1e-12, "notch DC %.17g", gain_at(&nt, 1, 1000, 0));
    CHECK(fabs(gain_at(&nt, 1, 1000, 500) - 1) < 1e-12, "notch Nyquist %.17g",
          gain_at(&nt, 1, 1000, 500));
    CHECK(fabs(gain_at(&nt, 1, 1000, 200) - 1) < 1e-3, "notch |H(200)| %.9f",
          gain_at(&nt, 1, 1000, 200));
    CHECK(fabs(gain_at(&nt, 1, 1000, 10) - 1) < 1e-3, "notch |H(10)| %.9f",
          gain_at(&nt, 1, 1000, 10));
    CHECK(gain_at(&nt, 1, 1000, 49) < 0.9 && gain_at(&nt, 1, 1000, 51) < 0.9,
          "notch too wide or misplaced: |H(49)| %.3f |H(51)| %.3f", gain_at(&nt, 1, 1000, 49),
          gain_at(&nt, 1, 1000, 51));
}

static void test_impulse_step(void)
{
    cramp_biquad lp[CRAMP_BUTTER_MAX_SECTIONS], hp[CRAMP_BUTTER_MAX_SECTIONS];
    const size_t nlp = butter(CRAMP_LOWPASS, 4, 1000, 40, 0, lp);
    const size_t nhp = butter(CRAMP_HIGHPASS, 4, 1000, 20, 0, hp);
    const size_t len = 20000;
    float *x = calloc(len, sizeof *x), *y = malloc(len * sizeof *y);
    if (!x || !y || !nlp || !nhp) goto out;
    for (size_t p = 0; p < N_PATHS; p++) {
        if (!cramp_simd_available(k_paths[p])) continue;
        const char *pn = cramp_simd_name(k_paths[p]);
        /* Low-pass impulse response sums to the DC gain, 1. */
        memset(x, 0, len * sizeof *x);
        x[0] = 1.0f;
        cramp_filter *f = make_filter(lp, nlp, 1, k_paths[p]);
        if (!f) continue;
        cramp_filter_process(f, x, y, len);
        double sum = 0.0, b0 = 1.0;
        for (size_t i = 0; i < len; i++) sum += (double)y[i];
        for (size_t s = 0; s < nlp; s++) b0 *= lp[s].b0;
        CHECK(fabs(sum - 1.0) < 1e-6, "[%s] low-pass impulse response sums to %.9f", pn, sum);
        CHECK(fabs((double)y[0] - b0) <= 1e-7 * fabs(b0), "[%s] h[0] = %.9g, want b0 product %.9g",
              pn, (double)y[0], b0);
        CHECK(fabs((double)y[len - 1]) < 1e-12, "[%s] impulse response not decayed: %.3g", pn,
              (double)y[len - 1]);
        cramp_filter_destroy(f);

        /* High-pass step response starts at the product of b0 and decays to 0. */
        for (size_t i = 0; i < len; i++) x[i] = 1.0f;
        f = make_filter(hp, nhp, 1, k_paths[p]);
        if (!f) continue;
        cramp_filter_process(f, x, y, len);
        b0 = 1.0;
        for (size_t s = 0; s < nhp; s++) b0 *= hp[s].b0;
        CHECK(fabs((double)y[0] - b0) <= 1e-7 * fabs(b0), "[%s] step y[0] = %.9g, want %.9g", pn,
              (double)y[0], b0);
        double tail = 0.0;
        for (size_t i = len - 1000; i < len; i++) tail = fmax(tail, fabs((double)y[i]));
        CHECK(tail < 1e-6, "[%s] high-pass step response tail %.3g", pn, tail);
        cramp_filter_destroy(f);
    }
out:
    free(x);
    free(y);
}

/* ---- linearity, chunking, reset, steady state ----------------------------- */

static void test_linearity(void)
{
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS + 9];
    size_t n = butter(CRAMP_BANDPASS, 4, 1000, 20, 450, sos);
    size_t nc = 0;
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_comb_design(1000, 50, 30, sos + n, 9, &nc, &e) == CRAMP_OK, "%s", e.message);
    n += nc;
    const size_t ch = 3, frames = 4000, len = ch * frames;
    test_rng r = {g_seed ^ 0x11};
    /* Integer-valued inputs and a = 0.5, b = -0.25 make a x + b y exact in
     * float, so the only differences left are the roundings of the outputs. */
    float *x = malloc(len * sizeof *x), *yv = malloc(len * sizeof *yv), *z = malloc(len * sizeof *z);
    float *fx = malloc(len * sizeof *fx), *fy = malloc(len * sizeof *fy), *fz = malloc(len * sizeof *fz);
    if (!x || !yv || !z || !fx || !fy || !fz) goto out;
    const double a = 0.5, b = -0.25;
    for (size_t i = 0; i < len; i++) {
        x[i] = (float)floor(1000.0 * test_rng_normal(&r));
        yv[i] = (float)floor(500.0 * test_rng_normal(&r) + 200.0);
        z[i] = (float)(a * (double)x[i] + b * (double)yv[i]);
    }
    for (size_t p = 0; p < N_PATHS; p++) {
        if (!cramp_simd_available(k_paths[p])) continue;
        cramp_filter *f = make_filter(sos, n, ch, k_paths[p]);
        if (!f) continue;
        cramp_filter_process(f, x, fx, frames);
        cramp_filter_reset(f);
        cramp_filter_process(f, yv, fy, frames);
        cramp_filter_reset(f);
        cramp_filter_process(f, z, fz, frames);
        double peak = 0.0, worst = 0.0;
        for (size_t i = 0; i < len; i++) peak = fmax(peak, fabs((double)fz[i]));
        for (size_t i = 0; i < len; i++) {
            const double lin = a * (double)fx[i] + b * (double)fy[i];
            const double d = fabs((double)fz[i] - lin);
            const double bound = (double)FLT_EPSILON * (fabs((double)fz[i]) + fabs(a * (double)fx[i]) +
                                                        fabs(b * (double)fy[i])) +
                                 1e-12 * peak;
            worst = fmax(worst, d / bound);
            if (d > bound) {
                CHECK(0, "[%s] linearity at %zu: f(ax+by) = %.9g, a f(x) + b f(y) = %.9g",
                      cramp_simd_name(k_paths[p]), i, (double)fz[i], lin);
                break;
            }
        }
        printf("  linearity [%s]: worst |f(ax+by) - (a f(x) + b f(y))| = %.3f of its rounding bound\n",
               cramp_simd_name(k_paths[p]), worst);
        cramp_filter_destroy(f);
    }
out:
    free(x); free(yv); free(z); free(fx); free(fy); free(fz);
}

static void test_chunking_reset(void)
{
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS + 2];
    size_t n = butter(CRAMP_BANDPASS, 5, 2048, 20, 450, sos);
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_notch_design(2048, 50, 30, &sos[n], &e) == CRAMP_OK, "%s", e.message);
    n++;
    const size_t chans[] = {1, 3, 8, 11};
    const size_t frames = 3000;
    for (size_t ci = 0; ci < sizeof chans / sizeof chans[0]; ci++) {
        const size_t ch = chans[ci], len = ch * frames;
        test_rng r = {g_seed + ci};
        float *x = noise(len, 100.0, 10.0, &r);
        float *ref = malloc(len * sizeof *ref), *y = malloc(len * sizeof *y);
        if (!x || !ref || !y) goto next;
        for (size_t p = 0; p < N_PATHS; p++) {
            if (!cramp_simd_available(k_paths[p])) continue;
            const char *pn = cramp_simd_name(k_paths[p]);
            cramp_filter *f = make_filter(sos, n, ch, k_paths[p]);
            if (!f) continue;
            CHECK(cramp_filter_channels(f) == ch, "channels %zu", cramp_filter_channels(f));
            CHECK(cramp_filter_simd(f) == k_paths[p], "simd %s", cramp_simd_name(cramp_filter_simd(f)));
            cramp_filter_process(f, x, ref, frames);
            /* Random splits, including empty calls and single frames. */
            for (int trial = 0; trial < 5; trial++) {
                cramp_filter_reset(f);
                const uint64_t seed = g_seed ^ ((uint64_t)trial << 32) ^ ch ^ (p << 8);
                test_rng sr = {seed};
                size_t pos = 0;
                while (pos < frames) {
                    const uint64_t u = test_rng_u64(&sr);
                    size_t k = u % 5 == 0 ? (size_t)(u >> 8) % 3 : 1 + (size_t)(u >> 8) % 700;
                    if (k > frames - pos) k = frames - pos;
                    CHECK(cramp_filter_process(f, x + pos * ch, y + pos * ch, k) == CRAMP_OK,
                          "process %zu frames", k);
                    pos += k;
                }
                CHECK(memcmp(y, ref, len * sizeof *y) == 0,
                      "[%s] %zu ch: random split (seed 0x%llx) differs from one call", pn, ch,
                      (unsigned long long)seed);
            }
            /* In place gives the same. */
            cramp_filter_reset(f);
            memcpy(y, x, len * sizeof *y);
            cramp_filter_process(f, y, y, frames);
            CHECK(memcmp(y, ref, len * sizeof *y) == 0, "[%s] %zu ch: in-place differs", pn, ch);
            /* Reset after use gives the output of a new object. */
            cramp_filter_process(f, x, y, frames / 3);
            cramp_filter_reset(f);
            cramp_filter_process(f, x, y, frames);
            CHECK(memcmp(y, ref, len * sizeof *y) == 0, "[%s] %zu ch: reset left state", pn, ch);
            /* SIMD paths agree with the scalar one to rounding of the last bit. */
            if (k_paths[p] != CRAMP_SIMD_SCALAR) {
                cramp_filter *s = make_filter(sos, n, ch, CRAMP_SIMD_SCALAR);
                if (s) {
                    cramp_filter_process(s, x, y, frames);
                    const double rms = test_rms_f(ref, len);
                    double md = 0.0;
                    for (size_t i = 0; i < len; i++)
                        md = fmax(md, fabs((double)y[i] - (double)ref[i]));
                    CHECK(md <= 1e-6 * rms, "[%s] %zu ch: differs from scalar by %.3g (rms %.3g)",
                          pn, ch, md, rms);
                    cramp_filter_destroy(s);
                }
            }
            cramp_filter_destroy(f);
        }
    next:
        free(x);
        free(ref);
        free(y);
    }
}

static void test_steady_state(void)
{
    cramp_biquad lp[CRAMP_BUTTER_MAX_SECTIONS], bp[CRAMP_BUTTER_MAX_SECTIONS];
    const size_t nlp = butter(CRAMP_LOWPASS, 6, 1000, 40, 0, lp);
    const size_t nbp = butter(CRAMP_BANDPASS, 4, 1000, 20, 450, bp);
    const double x0[3] = {3.5, -1000.0, 0.0};
    const size_t ch = 3, frames = 3000;
    float *x = malloc(ch * frames * sizeof *x), *y = malloc(ch * frames * sizeof *y);
    if (!x || !y || !nlp || !nbp) goto out;
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < ch; c++) x[i * ch + c] = (float)x0[c];
    for (size_t p = 0; p < N_PATHS; p++) {
        if (!cramp_simd_available(k_paths[p])) continue;
        for (int which = 0; which < 2; which++) {
            const cramp_biquad *sos = which ? bp : lp;
            const size_t n = which ? nbp : nlp;
            const double dc = which ? 0.0 : 1.0;
            cramp_filter *f = make_filter(sos, n, ch, k_paths[p]);
            if (!f) continue;
            /* Without it, the constant input rings: the test can see a transient. */
            cramp_filter_process(f, x, y, frames);
            double ring = 0.0;
            for (size_t i = 0; i < frames; i++)
                ring = fmax(ring, fabs((double)y[i * ch + 1] - dc * x0[1]));
            CHECK(ring > 10.0, "no transient without steady state? (%.3g)", ring);
            cramp_filter_reset(f);
            cramp_filter_set_steady_state(f, x0);
            cramp_filter_process(f, x, y, frames);
            double worst = 0.0;
            for (size_t i = 0; i < frames; i++)
                for (size_t c = 0; c < ch; c++)
                    worst = fmax(worst, fabs((double)y[i * ch + c] - dc * x0[c]) /
                                            fmax(fabs(x0[c]), 1.0));
            CHECK(worst < 1e-6, "[%s] %s from steady state: max |y - %g x0| / |x0| = %.3g",
                  cramp_simd_name(k_paths[p]), which ? "band-pass" : "low-pass", dc, worst);
            cramp_filter_destroy(f);
        }
    }
out:
    free(x);
    free(y);
}

static void test_null_zero(void)
{
    cramp_biquad sos[2];
    const size_t n = butter(CRAMP_LOWPASS, 3, 1000, 100, 0, sos);
    /* Failed creates must set *out to NULL: start each from a non-NULL value. */
    static char dummy;
    cramp_filter *const junk = (cramp_filter *)(void *)&dummy;
    cramp_filter *f = junk;
    CHECK(cramp_filter_create(NULL, sos, n, 1, NULL) != CRAMP_OK, "NULL out accepted");
    CHECK(cramp_filter_create(&f, NULL, n, 1, NULL) != CRAMP_OK && f == NULL, "NULL sos accepted");
    f = junk;
    CHECK(cramp_filter_create(&f, sos, 0, 1, NULL) != CRAMP_OK && f == NULL, "0 sections accepted");
    f = junk;
    CHECK(cramp_filter_create(&f, sos, n, 0, NULL) != CRAMP_OK && f == NULL, "0 channels accepted");
    cramp_biquad bad = sos[0];
    bad.a1 = (double)NAN;
    f = junk;
    CHECK(cramp_filter_create(&f, &bad, 1, 1, NULL) != CRAMP_OK && f == NULL, "NaN accepted");
    CHECK(cramp_filter_create(&f, sos, n, 2, NULL) == CRAMP_OK && f, "NULL cfg refused");
    if (!f) return;
    float buf[4] = {1, 2, 3, 4};
    CHECK(cramp_filter_process(f, NULL, NULL, 0) == CRAMP_OK, "zero frames, NULL buffers refused");
    CHECK(cramp_filter_process(f, buf, buf, 0) == CRAMP_OK, "zero frames refused");
    CHECK(buf[0] == 1 && buf[3] == 4, "zero frames wrote");
    CHECK(cramp_filter_process(f, NULL, buf, 2) != CRAMP_OK, "NULL in accepted");
    CHECK(cramp_filter_process(f, buf, NULL, 2) != CRAMP_OK, "NULL out accepted");
    CHECK(cramp_filter_process(NULL, buf, buf, 2) != CRAMP_OK, "NULL filter accepted");
    cramp_filter_reset(NULL);
    cramp_filter_set_steady_state(NULL, NULL);
    cramp_filter_set_steady_state(f, NULL);
    cramp_filter_destroy(f);
    cramp_filter_destroy(NULL);

    /* filtfilt and zerophase argument checks. */
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_filtfilt(NULL, n, 1, buf, buf, 4, CRAMP_SIMD_AUTO, &e) != CRAMP_OK,
          "filtfilt NULL sos");
    CHECK(cramp_filtfilt(sos, n, 1, NULL, buf, 4, CRAMP_SIMD_AUTO, &e) != CRAMP_OK,
          "filtfilt NULL in");
    CHECK(cramp_filtfilt(sos, n, 0, buf, buf, 4, CRAMP_SIMD_AUTO, &e) != CRAMP_OK,
          "filtfilt 0 channels");
    cramp_zerophase *const zjunk = (cramp_zerophase *)(void *)&dummy;
    cramp_zerophase *z = zjunk;
    CHECK(cramp_zerophase_create(&z, NULL, n, 1, NULL, &e) != CRAMP_OK && z == NULL,
          "zerophase NULL sos");
    z = zjunk;
    CHECK(cramp_zerophase_create(&z, sos, n, 0, NULL, &e) != CRAMP_OK && z == NULL,
          "zerophase 0 channels");
    cramp_zerophase_destroy(NULL);
}

/* ---- cramp_filtfilt and cramp_zerophase ----------------------------------- */

static void test_filtfilt_short(void)
{
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    const size_t n = butter(CRAMP_BANDPASS, 4, 1000, 20, 450, sos);
    const size_t padlen = cramp_filtfilt_padlen(sos, n);
    CHECK(padlen == 27, "padlen %zu for 4 sections with b2, a2 != 0 (SciPy: 27)", padlen);
    float x[2 * 64], y[2 * 64];
    test_rng r = {g_seed};
    for (size_t i = 0; i < 2 * 64; i++) x[i] = (float)test_rng_normal(&r);
    const size_t lens[] = {1, 10, padlen};
    for (size_t i = 0; i < 3; i++) {
        cramp_error e;
        memset(&e, 0, sizeof e);
        char value[32];
        snprintf(value, sizeof value, "%zu", lens[i]);
        cramp_status st = cramp_filtfilt(sos, n, 2, x, y, lens[i], CRAMP_SIMD_AUTO, &e);
        expect_error("filtfilt on a short signal", st, &e, value);
        CHECK(st == CRAMP_ERANGE, "filtfilt on %zu frames: %s, header says ERANGE", lens[i],
              cramp_strerror(st));
    }
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_filtfilt(sos, n, 2, x, y, padlen + 1, CRAMP_SIMD_AUTO, &e) == CRAMP_OK,
          "filtfilt on padlen + 1 frames refused: %s", e.message);
    /* In place equals out of place. */
    float z[2 * 64];
    memcpy(z, x, sizeof z);
    CHECK(cramp_filtfilt(sos, n, 2, z, z, 64, CRAMP_SIMD_AUTO, &e) == CRAMP_OK, "%s", e.message);
    CHECK(cramp_filtfilt(sos, n, 2, x, y, 64, CRAMP_SIMD_AUTO, &e) == CRAMP_OK, "%s", e.message);
    CHECK(memcmp(y, z, sizeof z) == 0, "filtfilt in place differs");
}

typedef struct zp_run {
    size_t frames_out;
    int ok;
} zp_run;

/* Streams frames through z with chunk sizes from mode (0: one call, 1: single
 * frames, else random from seed), checking that no call writes more than
 * max_output promised (a guard zone after out_cap) or more than the input. */
static zp_run zp_stream(cramp_zerophase *z, const float *x, size_t frames, size_t ch, int mode,
                        uint64_t seed, float *y)
{
    zp_run res = {0, 1};
    test_rng r = {seed};
    size_t pos = 0, cap = 0;
    float *buf = NULL;
    const float guard = 1234.5f;
    const size_t guard_frames = 16;
    for (;;) {
        const int last = pos == frames;
        size_t k = 0;
        if (!last) {
            if (mode == 0) k = frames;
            else if (mode == 1) k = 1;
            else {
                const uint64_t u = test_rng_u64(&r);
                k = u % 7 == 0 ? 0 : 1 + (size_t)(u >> 8) % 5000;
            }
            if (k > frames - pos) k = frames - pos;
        }
        const size_t maxo = cramp_zerophase_max_output(z, k);
        if ((maxo + guard_frames) * ch > cap) {
            free(buf);
            cap = (maxo + guard_frames) * ch;
            buf = malloc(cap * sizeof *buf);
            if (!buf) {
                res.ok = 0;
                return res;
            }
        }
        for (size_t i = maxo * ch; i < (maxo + guard_frames) * ch; i++) buf[i] = guard;
        size_t got = (size_t)-1;
        cramp_status st;
        cramp_error e = {CRAMP_OK, ""};
        if (last) st = cramp_zerophase_finish(z, buf, maxo, &got, &e);
        else st = cramp_zerophase_process(z, x + pos * ch, k, buf, maxo, &got);
        int guard_ok = 1;
        for (size_t i = maxo * ch; i < (maxo + guard_frames) * ch; i++) guard_ok &= buf[i] == guard;
        CHECK(st == CRAMP_OK, "zerophase %s at %zu: %s %s", last ? "finish" : "process", pos,
              cramp_strerror(st), e.message);
        CHECK(got <= maxo && guard_ok, "zerophase wrote %zu frames (max_output %zu), guard %s",
              got, maxo, guard_ok ? "intact" : "overwritten");
        CHECK(res.frames_out + got <= frames, "zerophase output %zu + %zu > input %zu",
              res.frames_out, got, frames);
        if (st != CRAMP_OK || got > maxo || !guard_ok || res.frames_out + got > frames) {
            res.ok = 0;
            break;
        }
        memcpy(y + res.frames_out * ch, buf, got * ch * sizeof *buf);
        res.frames_out += got;
        pos += k;
        if (last) break;
    }
    free(buf);
    return res;
}

static cramp_zerophase *make_zp(const cramp_biquad *sos, size_t n, size_t ch, size_t block)
{
    cramp_zerophase_config cfg;
    cramp_zerophase_config_default(&cfg);
    cfg.block_frames = block;
    cramp_zerophase *z = NULL;
    cramp_error e = {CRAMP_OK, ""};
    cramp_status st = cramp_zerophase_create(&z, sos, n, ch, &cfg, &e);
    CHECK(st == CRAMP_OK && z, "zerophase_create(block %zu): %s", block, e.message);
    return z;
}

/* The documented bound: tol * 2 n_sections * max|state|, max|state| taken as
 * the cascade's peak gain times the backward pass's input peak (the forward
 * output), plus one rounding of the float output. */
static double zp_compare(const float *zp, const float *ff, size_t len, double doc_bound,
                         const char *what)
{
    double md = 0.0;
    size_t bad = 0, first_bad = 0;
    for (size_t i = 0; i < len; i++) {
        const double d = fabs((double)zp[i] - (double)ff[i]);
        const double allow =
            doc_bound + (double)FLT_EPSILON * fmax(fabs((double)zp[i]), fabs((double)ff[i]));
        if (!(d <= allow)) {
            if (!bad) first_bad = i;
            bad++;
        }
        if (d > md || d != d) md = d;
    }
    CHECK(bad == 0, "%s: %zu samples beyond the bound, first at %zu (zerophase %.9g, filtfilt %.9g)",
          what, bad, first_bad, bad ? (double)zp[first_bad] : 0.0, bad ? (double)ff[first_bad] : 0.0);
    return md;
}

static double peak_gain(const cramp_biquad *sos, size_t n, double fs);

/* Sum of |h| over the impulse response: the largest output peak per unit
 * input peak (what the forward pass can hand the backward one). */
static double l1_gain(const cramp_biquad *sos, size_t n)
{
    enum { LEN = 1 << 16 };
    double l1 = 0.0;
    cramp_filter *f = make_filter(sos, n, 1, CRAMP_SIMD_SCALAR);
    float *imp = calloc(LEN, sizeof *imp), *h = malloc(LEN * sizeof *h);
    if (f && imp && h) {
        imp[0] = 1.0f;
        cramp_filter_process(f, imp, h, LEN);
        for (size_t i = 0; i < LEN; i++) l1 += fabs((double)h[i]);
    }
    cramp_filter_destroy(f);
    free(imp);
    free(h);
    return l1;
}

/* The documented bound tol * 2 n_sections * max|state|, with max|state| as
 * the header puts it: the peak gain times the peak of the backward pass's
 * input, itself at most l1_gain times the peak of the odd-extended input
 * (3 x the signal's peak). */
static double zp_doc_bound(const cramp_biquad *sos, size_t n, double fs, const float *x,
                           size_t len)
{
    cramp_zerophase_config cfg;
    cramp_zerophase_config_default(&cfg);
    double xpk = 0.0;
    for (size_t i = 0; i < len; i++) xpk = fmax(xpk, fabs((double)x[i]));
    return cfg.tol * (double)(2 * n) * peak_gain(sos, n, fs) * l1_gain(sos, n) * 3.0 * xpk;
}

static double peak_gain(const cramp_biquad *sos, size_t n, double fs)
{
    double g = 0.0;
    for (int i = 0; i <= 20000; i++) g = fmax(g, gain_at(sos, n, fs, fs / 2.0 * i / 20000.0));
    return g;
}

static void test_zerophase_long(void)
{
    /* 10 minutes at 2 kHz, 2 channels, 20-450 Hz order-4 band-pass + 50 Hz notch. */
    const double fs = 2000.0;
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS + 1];
    size_t n = butter(CRAMP_BANDPASS, 4, fs, 20, 450, sos);
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_notch_design(fs, 50, 30, &sos[n], &e) == CRAMP_OK, "%s", e.message);
    n++;
    const size_t ch = 2, frames = (size_t)(600 * fs), len = ch * frames;
    test_rng r = {g_seed ^ 0x77};
    float *x = malloc(len * sizeof *x), *ff = malloc(len * sizeof *ff), *zp = malloc(len * sizeof *zp);
    if (!x || !ff || !zp) goto out;
    for (size_t i = 0; i < frames; i++) {
        /* EMG-like bursts, mains hum and electrode offset. */
        const double t = (double)i / fs;
        const double burst = 1.0 + 4.0 * (fmod(t, 37.0) < 3.0);
        x[i * ch] = (float)(30.0 * burst * test_rng_normal(&r) + 20.0 * sin(2 * PI * 50 * t) + 150.0);
        x[i * ch + 1] = (float)(10.0 * test_rng_normal(&r) - 40.0);
    }
    CHECK(cramp_filtfilt(sos, n, ch, x, ff, frames, CRAMP_SIMD_AUTO, &e) == CRAMP_OK, "%s",
          e.message);
    cramp_zerophase *z = make_zp(sos, n, ch, 0);
    if (!z) goto out;
    const uint64_t seed = g_seed ^ 0x1234;
    zp_run run = zp_stream(z, x, frames, ch, 2, seed, zp);
    CHECK(run.ok && run.frames_out == frames, "long stream: %zu frames out of %zu (seed 0x%llx)",
          run.frames_out, frames, (unsigned long long)seed);
    if (run.ok && run.frames_out == frames) {
        const double bound = zp_doc_bound(sos, n, fs, x, len);
        const double md = zp_compare(zp, ff, len, bound, "10 min, 2 ch, default config");
        size_t diff = 0;
        for (size_t i = 0; i < len; i++) diff += zp[i] != ff[i];
        printf("  zerophase vs filtfilt, 10 min at 2 kHz x 2 ch: overlap %zu frames, max|diff| %.3g "
               "(documented bound %.3g + 1 float rounding), %zu of %zu samples not bit-identical, "
               "RMS(filtfilt) %.3g\n",
               cramp_zerophase_overlap(z), md, bound, diff, len, test_rms_f(ff, len));
    }
    cramp_zerophase_destroy(z);
out:
    free(x); free(ff); free(zp);
}

static void test_zerophase_stream(void)
{
    const double fs = 1000.0;
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS + 1];
    size_t n = butter(CRAMP_BANDPASS, 4, fs, 20, 450, sos);
    cramp_error e = {CRAMP_OK, ""};
    CHECK(cramp_notch_design(fs, 50, 30, &sos[n], &e) == CRAMP_OK, "%s", e.message);
    n++;
    const size_t padlen = cramp_filtfilt_padlen(sos, n);
    const size_t ch = 3, block = 1000, maxf = 20000;
    test_rng r = {g_seed ^ 0x99};
    float *x = noise(ch * maxf, 50.0, 30.0, &r);
    float *a = malloc(ch * maxf * sizeof *a), *b = malloc(ch * maxf * sizeof *b);
    float *ff = malloc(ch * maxf * sizeof *ff);
    cramp_zerophase *z = make_zp(sos, n, ch, block);
    if (!x || !a || !b || !ff || !z) goto out;
    const size_t overlap = cramp_zerophase_overlap(z);
    CHECK(overlap > 0, "overlap 0");

    /* Chunk-size independence for a fixed block size: bit-identical. */
    zp_run ra = zp_stream(z, x, maxf, ch, 0, 0, a);
    CHECK(ra.ok && ra.frames_out == maxf, "one call: %zu frames of %zu", ra.frames_out, maxf);
    for (int mode = 1; mode < 5; mode++) {
        cramp_zerophase_reset(z);
        const uint64_t seed = g_seed + (uint64_t)mode;
        zp_run rb = zp_stream(z, x, maxf, ch, mode, seed, b);
        CHECK(rb.ok && rb.frames_out == maxf, "mode %d: %zu frames of %zu", mode, rb.frames_out,
              maxf);
        CHECK(memcmp(a, b, ch * maxf * sizeof *a) == 0,
              "zerophase output depends on chunking (mode %d, seed 0x%llx)", mode,
              (unsigned long long)seed);
    }

    /* Lengths around the block structure, against cramp_filtfilt. */
    const size_t lens[] = {padlen + 1, padlen + 2, block - 1, block, block + 1, block + overlap,
                           block + overlap + 1, 2 * (block + overlap), 3 * block + 7, maxf};
    double worst = 0.0;
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        const size_t len = lens[li];
        if (len > maxf) continue;
        cramp_zerophase_reset(z);
        const uint64_t seed = g_seed ^ (len << 4);
        zp_run rb = zp_stream(z, x, len, ch, 2, seed, b);
        CHECK(rb.ok && rb.frames_out == len, "length %zu: %zu frames out (seed 0x%llx)", len,
              rb.frames_out, (unsigned long long)seed);
        if (!(rb.ok && rb.frames_out == len)) continue;
        CHECK(cramp_filtfilt(sos, n, ch, x, ff, len, CRAMP_SIMD_AUTO, &e) == CRAMP_OK, "%s",
              e.message);
        const double bound = zp_doc_bound(sos, n, fs, x, len * ch);
        char what[64];
        snprintf(what, sizeof what, "length %zu, block %zu", len, block);
        worst = fmax(worst, zp_compare(b, ff, len * ch, bound, what));
    }
    printf("  zerophase vs filtfilt, lengths %zu..%zu, block %zu, overlap %zu: max|diff| %.3g\n",
           padlen + 1, maxf, block, overlap, worst);

    /* out_cap below max_output: CRAMP_ERANGE and nothing consumed. */
    cramp_zerophase_reset(z);
    size_t got = 0, pos = 0, out_pos = 0;
    int refused = 0;
    const size_t m3000 = cramp_zerophase_max_output(z, 3000), m0 = cramp_zerophase_max_output(z, 0);
    float *buf = malloc(ch * ((m3000 > m0 ? m3000 : m0) + 1) * sizeof *buf);
    if (!buf) goto out;
    while (pos < maxf) {
        const size_t k = maxf - pos < 3000 ? maxf - pos : 3000;
        const size_t maxo = cramp_zerophase_max_output(z, k);
        if (maxo > 0 && !refused) {
            cramp_status st = cramp_zerophase_process(z, x + pos * ch, k, buf, maxo - 1, &got);
            CHECK(st == CRAMP_ERANGE, "out_cap max_output - 1 gave %s", cramp_strerror(st));
            refused = 1;
        }
        CHECK(cramp_zerophase_process(z, x + pos * ch, k, buf, maxo, &got) == CRAMP_OK, "process");
        memcpy(b + out_pos * ch, buf, got * ch * sizeof *buf);
        out_pos += got;
        pos += k;
    }
    CHECK(cramp_zerophase_finish(z, buf, cramp_zerophase_max_output(z, 0), &got, &e) == CRAMP_OK,
          "finish: %s", e.message);
    memcpy(b + out_pos * ch, buf, got * ch * sizeof *buf);
    out_pos += got;
    CHECK(refused, "never had a chance to test a short out_cap");
    CHECK(out_pos == maxf && memcmp(a, b, maxf * ch * sizeof *a) == 0,
          "a refused call changed the stream (%zu frames out)", out_pos);
    free(buf);


    /* A stream no longer than padlen can't be finished, as cramp_filtfilt. */
    for (size_t len = 1; len <= padlen; len += padlen - 1) {
        cramp_zerophase_reset(z);
        CHECK(cramp_zerophase_process(z, x, len, b, cramp_zerophase_max_output(z, len), &got) ==
                  CRAMP_OK, "process %zu", len);
        memset(&e, 0, sizeof e);
        cramp_status st = cramp_zerophase_finish(z, b, cramp_zerophase_max_output(z, 0), &got, &e);
        CHECK(st == CRAMP_ERANGE, "finish after %zu frames (padlen %zu): %s", len, padlen,
              cramp_strerror(st));
        CHECK(e.message[0] != '\0', "finish on a short stream: no message");
    }
    cramp_zerophase_reset(z);
    memset(&e, 0, sizeof e);
    CHECK(cramp_zerophase_finish(z, b, cramp_zerophase_max_output(z, 0), &got, &e) == CRAMP_ERANGE,
          "finish on an empty stream accepted");
out:
    cramp_zerophase_destroy(z);
    free(x); free(a); free(b); free(ff);
}

int main(void)
{
    const char *env = getenv("CRAMP_TEST_SEED");
    if (env && *env) g_seed = strtoull(env, NULL, 0);
    const int before = cramp_test_failures;
    test_design_errors();
    test_band_clamp();
    test_comb_sections();
    test_gains();
    test_impulse_step();
    test_linearity();
    test_chunking_reset();
    test_steady_state();
    test_null_zero();
    test_filtfilt_short();
    test_zerophase_stream();
    test_zerophase_long();
    if (cramp_test_failures != before)
        fprintf(stderr, "filter: seed 0x%llx (set CRAMP_TEST_SEED to repeat)\n",
                (unsigned long long)g_seed);
    return cramp_test_finish("filter");
}
