/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp__recording_finite (io/recording.c): an EDF+ or BDF+ file says its
 * samples are finite, so the detector may skip its check, and they are, even
 * with the widest range its header fields can state (physical -9999999 to
 * 99999999 V over one digital step: up to 7e18 uV a sample on 16 bits); a reader whose
 * scale would overflow float (not reachable from a header, set by hand) says
 * not; a WAV file (floats, which may be anything) does not say so. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "io/edf_internal.h"
#include "io/recording_internal.h"
#include "testutil.h"

enum { NCH = 3, FS = 200, SECONDS = 2 };

static cramp_status write_edf(const char *path, int bdf)
{
    static const char *const labels[NCH] = {"EMG L", "EMG R", "EMG C"};
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.bdf = bdf;
    cfg.channels = NCH;
    cfg.labels = labels;
    cfg.unit = "uV";
    cfg.fs = FS;
    cfg.phys_min = -1000;
    cfg.phys_max = 1000;
    float x[FS * SECONDS * NCH];
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        x[i] = (i % 7 == 0) ? 1000.0f : (i % 7 == 1) ? -1000.0f : (float)(i % 100);
    cramp_error err = {0};
    const cramp_status st = cramp_edf_write_file(path, &cfg, x, FS * SECONDS, &err);
    CHECK(st == CRAMP_OK, "write %s: %s", path, err.message);
    return st;
}

static int put8(FILE *f, long at, const char *v)
{
    char field[9];
    snprintf(field, sizeof field, "%-8s", v);
    return fseek(f, at, SEEK_SET) == 0 && fwrite(field, 1, 8, f) == 8;
}

/* Signal 0's header made the widest it can be: unit V, physical -9999999 to
 * 99999999, digital -32768 to -32767. */
static int widen_signal0(const char *path)
{
    FILE *f = fopen(path, "r+b");
    char ns_field[5] = {0};
    int ok = f && fseek(f, 252, SEEK_SET) == 0 && fread(ns_field, 1, 4, f) == 4;
    const long ns = ok ? strtol(ns_field, NULL, 10) : 0;
    ok = ok && ns > 0 && put8(f, 256 + ns * 96, "V") && put8(f, 256 + ns * 104, "-9999999") &&
         put8(f, 256 + ns * 112, "99999999") && put8(f, 256 + ns * 120, "-32768") &&
         put8(f, 256 + ns * 128, "-32767");
    if (f) ok = fclose(f) == 0 && ok;
    CHECK(ok, "patch %s", path);
    return ok;
}

/* Opens path; *finite: cramp__recording_finite; *inf: how many samples of
 * the whole file (all signals) read as non-finite; *big: the largest |x|. */
static int probe(const char *path, int *finite, size_t *inf, double *big)
{
    cramp_error err = {0};
    cramp_recording *r = NULL;
    if (cramp_recording_open(&r, path, NULL, &err) != CRAMP_OK) {
        CHECK(0, "open %s: %s", path, err.message);
        return 0;
    }
    *finite = cramp__recording_finite(r);
    *inf = 0;
    *big = 0;
    const size_t sel[NCH] = {0, 1, 2};
    float x[FS * NCH];
    size_t got = 0;
    int ok = cramp_recording_select(r, sel, NCH, &err) == CRAMP_OK;
    CHECK(ok, "select %s: %s", path, err.message);
    CHECK(cramp__recording_finite(r) == *finite, "%s: the answer changed with the selection",
          path);
    while (ok && cramp_recording_read(r, x, FS, &got, &err) == CRAMP_OK && got > 0)
        for (size_t i = 0; i < got * NCH; i++) {
            *inf += isfinite(x[i]) ? 0u : 1u;
            if (fabs((double)x[i]) > *big) *big = fabs((double)x[i]);
        }
    cramp_recording_close(r);
    return ok;
}

int main(void)
{
    char dir[] = "/tmp/cramp-rec-finite-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char edf[256], bdf[256], wide[256], wav[256];
    snprintf(edf, sizeof edf, "%s/a.edf", dir);
    snprintf(bdf, sizeof bdf, "%s/a.bdf", dir);
    snprintf(wide, sizeof wide, "%s/wide.edf", dir);
    snprintf(wav, sizeof wav, "%s/a.wav", dir);
    int finite = -1;
    size_t inf = 0;
    double big = 0;

    if (write_edf(edf, 0) == CRAMP_OK && probe(edf, &finite, &inf, &big))
        CHECK(finite == 1 && inf == 0, "EDF+ of +-1000 uV: finite %d, %zu non-finite samples",
              finite, inf);
    if (write_edf(bdf, 1) == CRAMP_OK && probe(bdf, &finite, &inf, &big))
        CHECK(finite == 1 && inf == 0, "BDF+ of +-1000 uV: finite %d, %zu non-finite samples",
              finite, inf);
    if (write_edf(wide, 0) == CRAMP_OK && widen_signal0(wide) &&
        probe(wide, &finite, &inf, &big))
        CHECK(finite == 1 && inf == 0 && big > 1e18,
              "EDF+ with the widest signal: finite %d, %zu non-finite samples, largest %g",
              finite, inf, big);
    /* a scale no header gives: the reader no longer vouches for its samples */
    void *impl = NULL;
    const cramp_rec_header *h = NULL;
    const cramp__rec_ops *ops = NULL;
    cramp_error e2 = {0};
    if (cramp__edf_open(edf, NULL, &impl, &h, &ops, &e2) == CRAMP_OK) {
        CHECK(ops->finite && ops->finite(impl) == 1, "EDF+ opened inside: not finite");
        ((cramp__edf *)impl)->sig[1].scale = 1e33;
        CHECK(ops->finite(impl) == 0, "a scale of 1e33 x 2^23 still said finite");
        ops->close(impl);
    } else {
        CHECK(0, "open %s: %s", edf, e2.message);
    }

    cramp_error err = {0};
    cramp_wav_writer *w = NULL;
    float x[FS * NCH] = {0};
    cramp_status st = cramp_wav_writer_create(&w, wav, NCH, FS, FS, &err);
    if (st == CRAMP_OK) st = cramp_wav_writer_write(w, x, FS, &err);
    if (st == CRAMP_OK) st = cramp_wav_writer_close(w, &err);
    else if (w) cramp_wav_writer_abort(w);
    CHECK(st == CRAMP_OK, "write %s: %s", wav, err.message);
    if (st == CRAMP_OK && probe(wav, &finite, &inf, &big))
        CHECK(finite == 0, "WAV: finite %d (expected 0: float samples may be anything)",
              finite);

    unlink(edf);
    unlink(bdf);
    unlink(wide);
    unlink(wav);
    rmdir(dir);
    return cramp_test_finish("rec_finite");
}
