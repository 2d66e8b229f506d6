/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AVX2 and AVX-512 biquad kernels run a band-pass's sections with
 * numerator (1, +-2, 1) as adds (dsp/internal.h, cramp__unit_section). This
 * checks, bit for bit, that they still give what the FMA form gives: a plain
 * C reference doing, per sample and section, y = fma(b0, x, z0),
 * z0 = fma(-a1, y, fma(b1, x, z1)), z1 = fma(-a2, y, b2 x) in double, which
 * is what both kernels compute for every other section. Cases: Butterworth
 * band-passes of order 1 to 8 (even orders: all sections but the first are
 * unit sections) (one group, two groups; the unit sections with
 * +2 and -2), a cascade whose unit sections come first or are mixed with
 * others, the second-order band-pass followed by mains notches (the
 * detector's cascade at 60 Hz and 2 kHz), 1 to 17 channels (wavefront, masked partial groups, scratch path,
 * direct path), calls of random lengths, in place and not, and signals with
 * zeros and exact repeats (signed zeros stay as the FMA form makes them).
 * And the detector's band-pass + motion band pair in one pass
 * (cramp__filter_process_pair; AVX-512 takes it in one loop, else two calls),
 * with and without the mains comb on the band, against the same reference
 * (and the comb's plain loop) for both outputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "cramp/simd.h"
#include "dsp/comb.h"
#include "dsp/internal.h"
#include "testutil.h"

#define FRAMES 1500
#define MAX_SEC 16

/* The FMA form, one channel at a time, all sections in double, the float
 * output rounded once at the end (as the kernels do). */
static void reference(const cramp_biquad *sos, size_t n_sec, size_t C, const float *x,
                      float *y, size_t frames)
{
    for (size_t c = 0; c < C; c++) {
        double z0[MAX_SEC] = {0}, z1[MAX_SEC] = {0};
        for (size_t i = 0; i < frames; i++) {
            double v = (double)x[i * C + c];
            for (size_t k = 0; k < n_sec; k++) {
                const cramp_biquad *q = &sos[k];
                const double out = fma(q->b0, v, z0[k]);
                z0[k] = fma(-q->a1, out, fma(q->b1, v, z1[k]));
                z1[k] = fma(-q->a2, out, q->b2 * v);
                v = out;
            }
            y[i * C + c] = (float)v;
        }
    }
}

/* EMG-like noise with stretches of exact zeros and of repeated values. */
static void make_signal(test_rng *r, float *x, size_t frames, size_t C)
{
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < C; c++) {
            float v = (float)(100.0 * test_rng_normal(r) + 20.0 * (double)c);
            if (i % 300 < 40) v = 0.0f;                             /* a flat stretch at 0 */
            if (i % 300 >= 100 && i % 300 < 120) v = x[(i - 1) * C + c]; /* repeats */
            if (i % 300 == 200) v = -0.0f;
            x[i * C + c] = v;
        }
}

static size_t count_diff(const float *a, const float *b, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) d += memcmp(&a[i], &b[i], sizeof a[i]) != 0;
    return d;
}

/* The path's kernel over the signal in random-length calls, out of place
 * and in place, against the reference. */
static void check_cascade(test_rng *r, cramp_simd path, const cramp_biquad *sos, size_t n_sec,
                          size_t C, const char *what)
{
    const cramp__biquad_kernel kern = cramp__biquad_kernel_for(path);
    const size_t cpad = cramp__pad_channels(C);
    float *x = malloc(FRAMES * C * sizeof *x), *ref = malloc(FRAMES * C * sizeof *ref);
    float *got = malloc(FRAMES * C * sizeof *got), *inpl = malloc(FRAMES * C * sizeof *inpl);
    double *st = calloc(2 * n_sec * cpad, sizeof *st), *st2 = calloc(2 * n_sec * cpad, sizeof *st2);
    if (!x || !ref || !got || !inpl || !st || !st2) {
        CHECK(0, "out of memory");
        goto done;
    }
    make_signal(r, x, FRAMES, C);
    memcpy(inpl, x, FRAMES * C * sizeof *x);
    reference(sos, n_sec, C, x, ref, FRAMES);
    for (size_t f = 0; f < FRAMES;) {
        size_t n = 1 + (size_t)(test_rng_uniform(r) * 400.0);
        if (n > FRAMES - f) n = FRAMES - f;
        kern(sos, n_sec, st, C, x + f * C, got + f * C, (ptrdiff_t)C, n);
        kern(sos, n_sec, st2, C, inpl + f * C, inpl + f * C, (ptrdiff_t)C, n);
        f += n;
    }
    const size_t d1 = count_diff(got, ref, FRAMES * C), d2 = count_diff(inpl, ref, FRAMES * C);
    CHECK(d1 == 0 && d2 == 0, "%s on %s, %zu sections, %zu channels: %zu samples differ from the "
                              "FMA form (%zu in place)",
          what, cramp_simd_name(path), n_sec, C, d1, d2);
done:
    free(x);
    free(ref);
    free(got);
    free(inpl);
    free(st);
    free(st2);
}

/* The band-pass and motion band pair (cramp__filter_process_pair) against
 * the reference of each cascade, in random-length calls: one pass over the
 * input gives both outputs with the same bits. */
static void check_pair(test_rng *r, cramp_simd path, const cramp_biquad *sa, size_t na,
                       const cramp_biquad *sb, size_t nb, size_t C, int with_comb)
{
    cramp__comb *comb = NULL, *comb_ref = NULL;
    cramp_filter_config fc;
    cramp_filter_config_default(&fc);
    fc.simd = path;
    cramp_filter *fa = NULL, *fb = NULL;
    float *x = malloc(FRAMES * C * sizeof *x), *ra = malloc(FRAMES * C * sizeof *ra);
    float *rb = malloc(FRAMES * C * sizeof *rb), *ga = malloc(FRAMES * C * sizeof *ga);
    float *gb = malloc(FRAMES * C * sizeof *gb);
    if (!x || !ra || !rb || !ga || !gb || cramp_filter_create(&fa, sa, na, C, &fc) != CRAMP_OK ||
        cramp_filter_create(&fb, sb, nb, C, &fc) != CRAMP_OK ||
        (with_comb && (cramp__comb_create(&comb, 2000, 50, 30, C, CRAMP_SIMD_AUTO) != CRAMP_OK ||
                       cramp__comb_create(&comb_ref, 2000, 50, 30, C, CRAMP_SIMD_AUTO) !=
                           CRAMP_OK))) {
        CHECK(0, "set-up");
        goto done;
    }
    make_signal(r, x, FRAMES, C);
    reference(sa, na, C, x, ra, FRAMES);
    reference(sb, nb, C, x, rb, FRAMES);
    if (comb_ref) cramp__comb_process_plain(comb_ref, ra, FRAMES);
    for (size_t f = 0; f < FRAMES;) {
        size_t n = 1 + (size_t)(test_rng_uniform(r) * 400.0);
        if (n > FRAMES - f) n = FRAMES - f;
        CHECK(cramp__filter_process_pair(fa, fb, comb, x + f * C, ga + f * C, gb + f * C, n) ==
                  CRAMP_OK,
              "pair status");
        f += n;
    }
    const size_t da = count_diff(ga, ra, FRAMES * C), db = count_diff(gb, rb, FRAMES * C);
    CHECK(da == 0 && db == 0,
          "pair on %s, %zu + %zu sections%s, %zu channels: %zu and %zu samples differ from "
          "the FMA form",
          cramp_simd_name(path), na, nb, with_comb ? " + comb" : "", C, da, db);
done:
    cramp__comb_destroy(comb);
    cramp__comb_destroy(comb_ref);
    cramp_filter_destroy(fa);
    cramp_filter_destroy(fb);
    free(x);
    free(ra);
    free(rb);
    free(ga);
    free(gb);
}

int main(void)
{
    test_rng r = {20261206};
    const cramp_simd paths[] = {CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    const size_t chans[] = {1, 2, 3, 4, 5, 8, 11, 16, 17};
    int ran = 0;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        if (!cramp_simd_available(paths[p])) continue;
        ran = 1;
        for (int order = 1; order <= 8; order++) {
            cramp_biquad sos[MAX_SEC];
            size_t ns = 0;
            cramp_error err;
            cramp_butter_spec bs = {CRAMP_BANDPASS, order, 2000, 20, 450};
            CHECK(cramp_butter_design(&bs, sos, MAX_SEC, &ns, &err) == CRAMP_OK, "design");
            size_t units = 0;
            for (size_t k = 0; k < ns; k++) units += (size_t)cramp__unit_section(&sos[k]);
            /* even orders: every section but the first (odd orders have a
               (1, 0, -1) section too, and run as FMAs) */
            CHECK(order % 2 || units + 1 == ns,
                  "order %d band-pass: %zu of %zu sections are (1, +-2, 1)", order, units, ns);
            for (size_t c = 0; c < sizeof chans / sizeof chans[0]; c++)
                check_cascade(&r, paths[p], sos, ns, chans[c], "band-pass");
            /* with the detector's motion band (0.5-Hz high-pass, 20-Hz
               low-pass: two sections) in one pass */
            if (ns <= 5) {
                cramp_biquad mo[4];
                size_t n1 = 0, n2 = 0;
                cramp_butter_spec hs = {CRAMP_HIGHPASS, 1, 2000, 0.5, 0};
                cramp_butter_spec ls = {CRAMP_LOWPASS, 2, 2000, 20, 0};
                CHECK(cramp_butter_design(&hs, mo, 4, &n1, &err) == CRAMP_OK &&
                          cramp_butter_design(&ls, mo + n1, 4 - n1, &n2, &err) == CRAMP_OK,
                      "motion design");
                for (size_t c = 0; c < sizeof chans / sizeof chans[0]; c++)
                    for (int wc = 0; wc < 2; wc++)
                        check_pair(&r, paths[p], sos, ns, mo, n1 + n2, chans[c], wc);
            }
            /* the unit sections first, then a notch: no unit tail */
            if (ns >= 2 && ns < MAX_SEC) {
                cramp_biquad mix[MAX_SEC];
                for (size_t k = 0; k + 1 < ns; k++) mix[k] = sos[k + 1];
                mix[ns - 1] = sos[0];
                mix[ns - 1].b1 = 0.3;
                for (size_t c = 0; c < sizeof chans / sizeof chans[0]; c++)
                    check_cascade(&r, paths[p], mix, ns, chans[c], "unit sections first");
            }
        }
        /* the detector's cascade where fs / mains is not whole: the
           second-order band-pass (a unit second section) then mains
           notches, 3 to 11 sections: groups whose second section alone is
           a unit section, on the direct path and through the scratch block */
        {
            cramp_biquad sos[MAX_SEC];
            size_t ns = 0, nc = 0;
            cramp_error err;
            cramp_butter_spec bs = {CRAMP_BANDPASS, 2, 2000, 20, 450};
            CHECK(cramp_butter_design(&bs, sos, MAX_SEC, &ns, &err) == CRAMP_OK && ns == 2 &&
                      cramp__unit_section(&sos[1]),
                  "order 2 band-pass");
            cramp_biquad notch[32];
            CHECK(cramp_comb_design(2000, 60, 30, notch, 32, &nc, &err) == CRAMP_OK && nc >= 9,
                  "mains notches: %zu", nc);
            nc = 9; /* those up to 540 Hz, as the detector keeps */
            memcpy(sos + ns, notch, nc * sizeof *notch);
            for (size_t n = 3; n <= ns + nc; n++)
                for (size_t c = 0; c < sizeof chans / sizeof chans[0]; c++)
                    check_cascade(&r, paths[p], sos, n, chans[c], "band-pass + notches");
        }
    }
    if (!ran) return CRAMP_TEST_SKIP; /* no SIMD kernel on this CPU */
    return cramp_test_finish("biquad_unit");
}
