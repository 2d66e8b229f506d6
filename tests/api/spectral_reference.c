/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_spectral against SciPy: every case in tests/data/ref/spectral (made by
 * tests/data/gen_spectral_reference.py with scipy.signal.welch on each epoch's
 * samples, and the index definitions in float64) for several windows,
 * overlaps, detrends, scalings, FFT lengths and sampling rates.
 *
 * The bar, fixed before looking at any result: every index within 1e-5
 * relative of the float64 reference (FInsm5 included), every PSD bin within
 * 1e-5 of the epoch's largest reference bin (a float32 FFT's error is
 * relative to the signal's norm, not to each bin). Also: the same results,
 * bit for bit, when the samples arrive in random chunks; and the slope fit
 * against scipy.stats.linregress with Student-t intervals. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/spectral.h"
#include "testutil.h"

#define REL_TOL 1e-5
#define PSD_TOL 1e-5

static const char *const index_names[] = {"total_power", "mnf", "mdf", "peak", "finsm5",
                                          "entropy", "moment0", "moment1", "moment2",
                                          "moment3", "moment4"};

static double result_index(const cramp_spectral_result *r, size_t i)
{
    switch (i) {
    case 0: return r->total_power;
    case 1: return r->mnf_hz;
    case 2: return r->mdf_hz;
    case 3: return r->peak_hz;
    case 4: return r->finsm5;
    case 5: return r->entropy;
    default: break;
    }
    if (i < 11) return r->moment[i - 6];
    return r->band_power[i - 11];
}

static double worst_index[32], worst_psd;

/* Feeds x up to each epoch's end, checking each epoch's PSD and indices;
 * then again in random chunks, checking bit-identical results. */
static void run_case(const char *name)
{
    char file[300];
    snprintf(file, sizeof file, "spectral/%s.txt", name);
    size_t n = 0;
    double *v = test_read_numbers(test_ref_path(file), &n);
    CHECK(v != NULL && n > 22, "%s: cannot read %s", name, test_ref_path(file));
    if (!v || n <= 22) {
        free(v);
        return;
    }
    const double fs = v[0];
    const size_t ch = (size_t)v[1], frames = (size_t)v[2], L = (size_t)v[3], O = (size_t)v[4],
                 E = (size_t)v[5], H = (size_t)v[6], nfft = (size_t)v[7];
    const size_t n_bands = (size_t)v[16], epochs = (size_t)v[17], bins = (size_t)v[18],
                 n_index = (size_t)v[19];
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = fs;
    cfg.segment_s = (double)L / fs;
    cfg.overlap_s = (double)O / fs;
    cfg.epoch_s = (double)E / fs;
    cfg.epoch_step_s = (double)H / fs;
    cfg.nfft = nfft;
    cfg.window = (cramp_window_kind)(int)v[8];
    cfg.tukey_alpha = v[9];
    cfg.detrend = (cramp_detrend)(int)v[10];
    cfg.scaling = (cramp_psd_scaling)(int)v[11];
    cfg.axis = (cramp_freq_axis)(int)v[12];
    cfg.mdf = (cramp_mdf_method)(int)v[13];
    cfg.finsm5_band.lo_hz = v[14];
    cfg.finsm5_band.hi_hz = v[15];
    cfg.n_bands = n_bands;
    size_t pos = 22;
    for (size_t b = 0; b < n_bands; b++, pos += 2) {
        cfg.bands[b].lo_hz = v[pos];
        cfg.bands[b].hi_hz = v[pos + 1];
    }
    const size_t need = pos + frames * ch + epochs * ch * (bins + n_index);
    CHECK(n == need, "%s: %zu numbers, expected %zu", name, n, need);
    if (n != need) {
        free(v);
        return;
    }
    float *x = malloc(frames * ch * sizeof *x);
    for (size_t i = 0; i < frames * ch; i++) x[i] = (float)v[pos + i];
    const double *ref = v + pos + frames * ch;

    cramp_spectral *s = NULL;
    cramp_error err = {0};
    cramp_status st = cramp_spectral_create(&s, ch, &cfg, &err);
    CHECK(st == CRAMP_OK, "%s: create: %s", name, err.message);
    if (st != CRAMP_OK) {
        free(x);
        free(v);
        return;
    }
    cramp_spectral_info info;
    cramp_spectral_get_info(s, &info);
    CHECK(info.segment_frames == L && info.overlap_frames == O && info.epoch_frames == E &&
              info.epoch_step_frames == H && info.nfft == nfft && info.bins == bins,
          "%s: layout L %zu O %zu E %zu H %zu nfft %zu bins %zu", name, info.segment_frames,
          info.overlap_frames, info.epoch_frames, info.epoch_step_frames, info.nfft, info.bins);
    const double *f = cramp_spectral_frequencies(s);
    for (size_t k = 0; k < bins; k++)
        CHECK(fabs(f[k] - (double)k * fs / (double)nfft) <= 1e-12 * fs, "%s: f[%zu] = %g", name,
              k, f[k]);

    size_t cap = cramp_spectral_max_output(s, frames);
    cramp_spectral_result *res = calloc(cap + ch, sizeof *res);
    cramp_spectral_result *res2 = calloc(cap + ch, sizeof *res2);
    size_t got_total = 0, fed = 0;
    for (size_t j = 0; j < epochs; j++) {
        const size_t end = j * H + E;
        size_t got = 0;
        st = cramp_spectral_process(s, x + fed * ch, end - fed, res + got_total,
                                    cap + ch - got_total, &got);
        CHECK(st == CRAMP_OK && got == ch, "%s: epoch %zu: status %d, %zu results", name, j,
              (int)st, got);
        fed = end;
        got_total += got;
        for (size_t c = 0; c < ch; c++) {
            const double *R = ref + (j * ch + c) * (bins + n_index);
            const double *P = cramp_spectral_psd(s, c);
            CHECK(P != NULL, "%s: no PSD", name);
            if (!P) continue;
            double rmax = 0.0;
            for (size_t k = 0; k < bins; k++) rmax = fmax(rmax, R[k]);
            for (size_t k = 0; k < bins; k++) {
                const double e = fabs(P[k] - R[k]) / rmax;
                worst_psd = fmax(worst_psd, e);
                CHECK(e <= PSD_TOL, "%s: epoch %zu ch %zu bin %zu: %.9g vs %.9g (%.2g of max)",
                      name, j, c, k, P[k], R[k], e);
            }
            const cramp_spectral_result *r = &res[j * ch + c];
            CHECK(r->epoch == j && r->channel == c, "%s: result order", name);
            CHECK(fabs(r->start_s - (double)(j * H) / fs) < 1e-9 &&
                      fabs(r->centre_s - ((double)(j * H) + (double)E / 2.0) / fs) < 1e-9,
                  "%s: epoch %zu times %g %g", name, j, r->start_s, r->centre_s);
            for (size_t i = 0; i < n_index; i++) {
                const double a = result_index(r, i), b = R[bins + i];
                const double e = fabs(a - b) / fabs(b);
                if (i < 32) worst_index[i] = fmax(worst_index[i], e);
                CHECK(e <= REL_TOL, "%s: epoch %zu ch %zu %s%s: %.12g vs %.12g (rel %.2g)", name,
                      j, c, i < 11 ? index_names[i] : "band_power", i < 11 ? "" : "[b]", a, b, e);
            }
        }
    }
    /* The rest of the signal completes no epoch. */
    size_t got = 1;
    st = cramp_spectral_process(s, x + fed * ch, frames - fed, res + got_total,
                                cap + ch - got_total, &got);
    CHECK(st == CRAMP_OK && got == 0, "%s: tail gave %zu results", name, got);

    /* Random chunks, from reset: bit-identical results. */
    test_rng rng = {0x5eedu + frames};
    for (int rep = 0; rep < 3; rep++) {
        cramp_spectral_reset(s);
        CHECK(cramp_spectral_psd(s, 0) == NULL, "%s: PSD after reset", name);
        size_t i = 0, total = 0;
        while (i < frames) {
            size_t m = 1 + (size_t)(test_rng_uniform(&rng) * (rep == 0 ? 7.0 : 1.5 * (double)E));
            if (m > frames - i) m = frames - i;
            size_t g = 0;
            st = cramp_spectral_process(s, x + i * ch, m, res2 + total,
                                        cramp_spectral_max_output(s, m), &g);
            CHECK(st == CRAMP_OK, "%s: chunked process: %d", name, (int)st);
            total += g;
            i += m;
        }
        CHECK(total == got_total, "%s: chunked: %zu results, expected %zu", name, total,
              got_total);
        CHECK(total == got_total && memcmp(res, res2, total * sizeof *res) == 0,
              "%s: chunked results differ (rep %d)", name, rep);
    }
    printf("%-36s fs %6g ch %zu L %4zu O %4zu E %5zu H %5zu nfft %4zu: %zu epochs checked\n",
           name, fs, ch, L, O, E, H, nfft, epochs);
    free(res);
    free(res2);
    cramp_spectral_destroy(s);
    free(x);
    free(v);
}

static void check_slopes(void)
{
    size_t n = 0;
    double *v = test_read_numbers(test_ref_path("spectral/slopes.txt"), &n);
    CHECK(v != NULL, "cannot read slopes.txt");
    if (!v) return;
    size_t pos = 0, cases = 0;
    while (pos < n) {
        const size_t m = (size_t)v[pos];
        const double *t = v + pos + 1, *y = t + m, *r = y + m;
        cramp_slope s95, s90;
        CHECK(cramp_slope_fit(t, y, m, 0.95, &s95) == CRAMP_OK, "slope case %zu", cases);
        CHECK(cramp_slope_fit(t, y, m, 0.90, &s90) == CRAMP_OK, "slope case %zu", cases);
        /* Relative to the slope's own scale: its standard error, or the slope. */
        const double sc = fmax(fabs(r[0]), r[2]);
        CHECK(fabs(s95.slope - r[0]) <= 1e-9 * sc, "slope %zu: %.15g vs %.15g", cases, s95.slope,
              r[0]);
        CHECK(fabs(s95.intercept - r[1]) <= 1e-9 * fmax(fabs(r[1]), 1e-300), "intercept %zu: "
              "%.15g vs %.15g", cases, s95.intercept, r[1]);
        CHECK(fabs(s95.slope_se - r[2]) <= 1e-9 * r[2], "stderr %zu: %.15g vs %.15g", cases,
              s95.slope_se, r[2]);
        CHECK(fabs(s95.ci_low - r[3]) <= 1e-9 * sc && fabs(s95.ci_high - r[4]) <= 1e-9 * sc,
              "95%% CI %zu: [%.15g, %.15g] vs [%.15g, %.15g]", cases, s95.ci_low, s95.ci_high,
              r[3], r[4]);
        CHECK(fabs(s90.ci_low - r[5]) <= 1e-9 * sc && fabs(s90.ci_high - r[6]) <= 1e-9 * sc,
              "90%% CI %zu: [%.15g, %.15g] vs [%.15g, %.15g]", cases, s90.ci_low, s90.ci_high,
              r[5], r[6]);
        CHECK(fabs(s95.r2 - r[7]) <= 1e-9, "r2 %zu: %.15g vs %.15g", cases, s95.r2, r[7]);
        CHECK(s95.n == m, "n");
        pos += 1 + 2 * m + 8;
        cases++;
    }
    CHECK(cases >= 4, "only %zu slope cases", cases);
    printf("slopes: %zu cases against scipy.stats.linregress + t.ppf\n", cases);
    free(v);
}

int main(void)
{
    FILE *fp = fopen(test_ref_path("spectral/cases.txt"), "r");
    CHECK(fp != NULL, "cannot open %s", test_ref_path("spectral/cases.txt"));
    size_t n_cases = 0;
    if (fp) {
        char line[256];
        while (fgets(line, sizeof line, fp)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (!line[0] || line[0] == '#') continue;
            run_case(line);
            n_cases++;
        }
        fclose(fp);
    }
    CHECK(n_cases >= 8, "only %zu cases", n_cases);
    printf("largest relative errors:");
    for (size_t i = 0; i < 11; i++) printf(" %s %.1e", index_names[i], worst_index[i]);
    printf("; PSD %.1e of the largest bin\n", worst_psd);
    check_slopes();
    return cramp_test_finish("spectral_reference");
}
