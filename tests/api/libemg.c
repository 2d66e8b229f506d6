/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_spectral against LibEMG's MATLAB-computed MNF and MDF (LibEMG/libemg
 * tests/data, MIT; copies in ../shared/data/peer/libemg, input
 * ../shared/data/emg/libemg_emg_data_myo.csv; see ../shared/data/MANIFEST.md).
 * Skips (77) when ../shared/data is absent.
 *
 * LibEMG's reference: windows of 200 samples every 25 over 500 x 8 Myo
 * samples (13 windows), power |FFT(x, 256) / 200|^2 over the first 128 bins,
 * on the axis f_k = k (fs/2) / (N/2 - 1) with fs = 1000 Hz (LibEMG's
 * default, although the Myo samples at 200 Hz), MDF the first bin where the
 * cumulative power reaches half. cramp reproduces it with
 * CRAMP_FREQ_AXIS_LIBEMG, a rectangular window, no detrending, nfft = 256 and
 * CRAMP_MDF_BIN; epochs of 200 frames every 25 frames, one segment each.
 *
 * The CSVs hold 5 significant digits, so the bar is half a unit of the 5th
 * digit (their rounding) plus 1e-5 relative (our own accuracy bar). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/spectral.h"
#include "testutil.h"

#define ROWS 500
#define CH 8
#define WINDOWS 13

/* Reads a CSV of numbers into v (cap values); returns the count or -1. */
static long read_csv(const char *path, double *v, size_t cap)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    size_t n = 0;
    char line[4096];
    while (fgets(line, sizeof line, fp)) {
        char *p = line;
        for (;;) {
            while (*p == ',' || *p == ' ' || *p == '\t') p++;
            if (*p == '\n' || *p == '\r' || *p == '\0') break;
            char *end = NULL;
            const double x = strtod(p, &end);
            if (end == p || n == cap) {
                fclose(fp);
                return -1;
            }
            v[n++] = x;
            p = end;
        }
    }
    fclose(fp);
    return (long)n;
}

/* Half a unit in the 5th significant digit of r. */
static double half_unit_5sig(double r)
{
    return 0.5 * pow(10.0, floor(log10(fabs(r))) - 4.0);
}

int main(void)
{
    /* test_shared_path returns a static buffer: copy each path. */
    char in_path[4096];
    const char *p = test_shared_path("emg/libemg_emg_data_myo.csv");
    snprintf(in_path, sizeof in_path, "%s", p ? p : "");
    if (!p || !test_shared_path("peer/libemg/matlab_MNF.csv")) {
        printf("libemg: ../shared/data absent, skipped\n");
        return CRAMP_TEST_SKIP;
    }
    static double raw[ROWS * CH], mnf[WINDOWS * CH], mdf[WINDOWS * CH];
    CHECK(read_csv(in_path, raw, ROWS * CH) == ROWS * CH, "cannot read %s", in_path);
    char mnf_path[4096], mdf_path[4096];
    snprintf(mnf_path, sizeof mnf_path, "%s", test_shared_path("peer/libemg/matlab_MNF.csv"));
    snprintf(mdf_path, sizeof mdf_path, "%s", test_shared_path("peer/libemg/matlab_MDF.csv"));
    CHECK(read_csv(mnf_path, mnf, WINDOWS * CH) == WINDOWS * CH, "cannot read %s", mnf_path);
    CHECK(read_csv(mdf_path, mdf, WINDOWS * CH) == WINDOWS * CH, "cannot read %s", mdf_path);
    if (cramp_test_failures) return cramp_test_finish("libemg");

    static float x[ROWS * CH];
    for (size_t i = 0; i < ROWS * CH; i++) x[i] = (float)raw[i];

    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = 1000.0;
    cfg.segment_s = 0.2;
    cfg.overlap_s = 0.0;
    cfg.epoch_s = 0.2;
    cfg.epoch_step_s = 0.025;
    cfg.window = CRAMP_WINDOW_RECTANGULAR;
    cfg.detrend = CRAMP_DETREND_NONE;
    cfg.scaling = CRAMP_PSD_SPECTRUM;
    cfg.nfft = 256;
    cfg.axis = CRAMP_FREQ_AXIS_LIBEMG;
    cfg.mdf = CRAMP_MDF_BIN;
    cramp_spectral *s = NULL;
    cramp_error err = {0};
    CHECK(cramp_spectral_create(&s, CH, &cfg, &err) == CRAMP_OK, "create: %s", err.message);
    if (!s) return cramp_test_finish("libemg");
    cramp_spectral_info info;
    cramp_spectral_get_info(s, &info);
    CHECK(info.bins == 128 && fabs(info.df_hz - 500.0 / 127.0) < 1e-12,
          "LibEMG axis: %zu bins every %g Hz", info.bins, info.df_hz);

    /* max_output's bound: ceil(500 / 25) epochs x 8 channels. */
    static cramp_spectral_result res[(ROWS + 24) / 25 * CH];
    const size_t cap = sizeof res / sizeof res[0];
    CHECK(cramp_spectral_max_output(s, ROWS) == cap, "max_output %zu",
          cramp_spectral_max_output(s, ROWS));
    size_t got = 0;
    CHECK(cramp_spectral_process(s, x, ROWS, res, cap, &got) == CRAMP_OK, "process");
    CHECK(got == WINDOWS * CH, "%zu results, expected %d", got, WINDOWS * CH);
    double worst_mnf = 0.0, worst_mdf = 0.0;
    for (size_t i = 0; i < got && i < WINDOWS * CH; i++) {
        const cramp_spectral_result *r = &res[i];
        const double a = mnf[i], b = mdf[i];
        const double emnf = fabs(r->mnf_hz - a), emdf = fabs(r->mdf_hz - b);
        worst_mnf = fmax(worst_mnf, emnf / fabs(a));
        worst_mdf = fmax(worst_mdf, emdf);
        CHECK(emnf <= half_unit_5sig(a) + 1e-5 * fabs(a),
              "window %llu ch %zu: MNF %.6f vs LibEMG %.5g", (unsigned long long)r->epoch,
              r->channel + 1, r->mnf_hz, a);
        CHECK(emdf <= half_unit_5sig(b) + 1e-5 * fabs(b),
              "window %llu ch %zu: MDF %.6f vs LibEMG %.5g", (unsigned long long)r->epoch,
              r->channel + 1, r->mdf_hz, b);
    }
    printf("libemg: %zu windows x %d channels; MNF max rel diff %.1e, MDF max abs diff %.4f Hz\n",
           got / CH, CH, worst_mnf, worst_mdf);

    /* The default axis and interpolated MDF give different numbers: the
     * convention is what the reference encodes, not a tolerance. */
    cramp_spectral_destroy(s);
    cfg.axis = CRAMP_FREQ_AXIS_STANDARD;
    cfg.mdf = CRAMP_MDF_INTERPOLATED;
    CHECK(cramp_spectral_create(&s, CH, &cfg, &err) == CRAMP_OK, "create: %s", err.message);
    if (s) {
        CHECK(cramp_spectral_process(s, x, ROWS, res, cap, &got) == CRAMP_OK, "process");
        size_t off = 0;
        for (size_t i = 0; i < got && i < WINDOWS * CH; i++)
            off += fabs(res[i].mnf_hz - mnf[i]) > half_unit_5sig(mnf[i]) + 1e-5 * fabs(mnf[i]);
        CHECK(off > got / 2, "standard axis matched LibEMG's in %zu of %zu windows", got - off,
              got);
        cramp_spectral_destroy(s);
    }
    return cramp_test_finish("libemg");
}
