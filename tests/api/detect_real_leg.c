/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector on real voluntary leg sEMG: the UCI "EMG dataset in
 * Lower Limb" (O. Sanchez, J. Sotelo, UCI Machine Learning Repository,
 * CC BY 4.0; subjects 3A and 5N as copied in pyemgpipeline's
 * data/uci_lower_limb), read from the test-data folder (CMake variable
 * CRAMP_SHARED_DATA; skipped with 77 when absent). Four thigh muscles (rectus
 * femoris, biceps femoris, vastus medialis, semitendinosus) at 1000 Hz, in
 * mV, during gait, standing knee flexion and seated leg extension. They are
 * voluntary contractions, several of them 5-7 s long, so
 *   - none may be labelled a cramp (the issue: "contractions listed in its
 *     manifest are found as bursts or movements, never as cramps");
 *   - the activity periods the manifest lists must each be found (an
 *     episode other than an artefact overlapping it), and where they last
 *     >= 5 s (3Asen, 3Apie) one such episode must last >= 5 s too, so the
 *     cramp rule is tested on more than its duration;
 * ctest entry detect_real_leg_broken shows every file failing when each
 * episode is labelled a cramp (CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp);
 * and the sparseness measure of every episode is printed, for the record.
 * The file goes through the night driver (cramp/night.h) as `cramp detect`'s
 * recordings do, from memory through the driver's callbacks: primed with its
 * first minute (here all of it), then run over it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
#include "testutil.h"

#define NCH 4
#define FS 1000.0

typedef struct span {
    double t0, t1;
} span;

static const struct {
    const char *file;
    span expect[5]; /* from MANIFEST.md; t1 == 0 ends the list */
} recs[] = {
    {"emg/uci_lower_limb_3Asen.txt", {{2.7, 7.7}, {11, 17}, {22, 27}}},
    {"emg/uci_lower_limb_3Apie.txt", {{2.5, 5.8}, {8.6, 10.3}, {13.6, 19.1}}},
    {"emg/uci_lower_limb_3Amar.txt", {{0, 0}}},
    {"emg/uci_lower_limb_5Nmar.txt", {{0, 0}}},
    {"emg/uci_lower_limb_5Npie.txt", {{0, 0}}},
    {"emg/uci_lower_limb_5Nsen.txt", {{0, 0}}},
};

/* Rows of four numbers (mV) after the header lines; the goniometer column
 * and ragged rows are ignored. Returns frames, interleaved uV in *out. */
static size_t read_rows(const char *path, float **out)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t cap = 1 << 16, n = 0;
    float *x = malloc(cap * NCH * sizeof *x);
    char line[512];
    while (x && fgets(line, sizeof line, f)) {
        double v[NCH];
        char *p = line, *end;
        int k = 0;
        for (; k < NCH; k++) {
            v[k] = strtod(p, &end);
            if (end == p) break;
            p = end;
        }
        if (k < NCH) continue;
        if (n == cap) {
            cap *= 2;
            float *y = realloc(x, cap * NCH * sizeof *x);
            if (!y) {
                free(x);
                x = NULL;
                break;
            }
            x = y;
        }
        for (k = 0; k < NCH; k++) x[n * NCH + (size_t)k] = (float)(1000.0 * v[k]);
        n++;
    }
    fclose(f);
    *out = x;
    return x ? n : 0;
}

int main(void)
{
    if (!test_shared_path("emg/uci_lower_limb_3Asen.txt")) {
        printf("detect_real_leg: no ../shared/data, skipped\n");
        return CRAMP_TEST_SKIP;
    }
    size_t files = 0;
    cramp_detect_config cfg; /* the driver's defaults (options NULL) */
    cramp_detect_config_default(&cfg);
    for (size_t r = 0; r < sizeof recs / sizeof recs[0]; r++) {
        const char *path = test_shared_path(recs[r].file);
        float *x = NULL;
        size_t n = path ? read_rows(path, &x) : 0;
        CHECK(n > 5 * FS, "%s: %zu frames read", recs[r].file, n);
        if (n <= 5 * FS) {
            free(x);
            continue;
        }
        files++;
        const double fs[NCH] = {FS, FS, FS, FS};
        cramp_night_memory m;
        cramp_night_source src;
        cramp_night_source_memory(&src, &m, x, n, NCH, fs, NULL);
        cramp_night_result res;
        cramp_error err;
        CHECK(cramp_night_run(&src, NULL, &res, &err) == CRAMP_OK, "%s: %s", recs[r].file,
              err.message);
        const cramp_episode *ep = res.episodes;
        const size_t ne = res.n_episodes;
        printf("%s (%.1f s, mains %g Hz):\n", recs[r].file, (double)n / FS, res.mains_hz);
        for (size_t i = 0; i < ne; i++) {
            printf("  %-8s %6.2f-%6.2f s ch 0x%x kurtosis %5.2f (%zu blocks) RMS %.1f x rest\n",
                   cramp_event_type_name(ep[i].type), ep[i].onset_s, ep[i].offset_s,
                   ep[i].channels, ep[i].kurtosis, ep[i].kurtosis_blocks, ep[i].rms_x_rest);
            CHECK(ep[i].type != CRAMP_EVENT_CRAMP, "%s: a voluntary contraction at %.2f s "
                  "labelled cramp", recs[r].file, ep[i].onset_s);
        }
        int long_spans = 0, long_found = 0;
        for (size_t q = 0; q < 5 && recs[r].expect[q].t1 > 0; q++) {
            const span s = recs[r].expect[q];
            int hit = 0;
            for (size_t i = 0; i < ne; i++) {
                int on = ep[i].type != CRAMP_EVENT_ARTEFACT && ep[i].onset_s < s.t1 &&
                         ep[i].offset_s > s.t0;
                hit |= on;
                long_found |= on && ep[i].duration_s >= cfg.cramp_min_s;
            }
            long_spans |= s.t1 - s.t0 >= cfg.cramp_min_s;
            CHECK(hit, "%s: the activity at %.1f-%.1f s (manifest) not found", recs[r].file,
                  s.t0, s.t1);
        }
        /* a file with contractions of >= 5 s must give an episode that long,
           or "never a cramp" rests on the duration rule alone */
        CHECK(!long_spans || long_found, "%s: no episode of >= %g s over its long contractions",
              recs[r].file, cfg.cramp_min_s);
        cramp_night_result_free(&res);
        free(x);
    }
    CHECK(files == sizeof recs / sizeof recs[0], "%zu of %zu files read", files,
          sizeof recs / sizeof recs[0]);
    return cramp_test_finish("detect_real_leg");
}
