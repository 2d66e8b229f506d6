/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several EDF/BDF recordings read at once from several threads, the same file
 * from several threads too, while other threads write EDF+ files and copy
 * with annotations: every result equal to the single-threaded one.
 *
 * Why no lock is needed: a cramp_recording owns its descriptor (read with
 * pread, no shared file offset), its header and its one-record buffer; the
 * reader has no global or static mutable state (no tables of handles as
 * EDFlib keeps, no strtod/locale, errno is per thread). The writer likewise.
 * Built with -DCRAMP_TSAN=ON this test lets ThreadSanitizer check
 * that claim (see README "EDF and BDF"). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edf_testutil.h"

#define N_THREADS 6
#define MAX_FILES 16

static const char *const SHARED[] = {
    "edf/pyedflib/test_generator.edf",
    "edf/pyedflib/test_generator.bdf",
    "edf/edfReader/edfPlusD.edf",
    "edf/mne-testing-data/multiple_annotation_chans.bdf",
    "edf/mne-python/test_uneven_samp.edf",
    "edf/mne-testing-data/test_edf_overlapping_annotations.edf",
    "edf/wfdb-python/test_edfann.edf",
    "edf/mne-testing-data/MB0400FU.EDF",
};

static char paths[MAX_FILES][1024];
static size_t n_paths;
static uint64_t expect[MAX_FILES];
static char dir[256];

/* FNV-1a over the header numbers, annotation texts and every sample of every
 * rate group: one number per file that any difference changes. */
static uint64_t digest(const char *path, int *ok)
{
    uint64_t h = 1469598103934665603ULL;
#define MIX(p, n)                                                                                  \
    do {                                                                                           \
        const unsigned char *q_ = (const unsigned char *)(p);                                      \
        for (size_t k_ = 0; k_ < (n); k_++)                                                        \
            h = (h ^ q_[k_]) * 1099511628211ULL;                                                   \
    } while (0)
    cramp_recording *r = NULL;
    cramp_error err = {0};
    *ok = 0;
    if (cramp_recording_open(&r, path, NULL, &err) != CRAMP_OK) return 0;
    const cramp_rec_header *hd = cramp_recording_header(r);
    MIX(&hd->n_records, sizeof hd->n_records);
    MIX(&hd->n_segments, sizeof hd->n_segments);
    for (size_t i = 0; i < hd->n_annotations; i++) {
        MIX(&hd->annotations[i].onset_s, sizeof(double));
        MIX(hd->annotations[i].text, strlen(hd->annotations[i].text));
    }
    size_t *idx = malloc(hd->n_channels * sizeof *idx);
    float *buf = malloc(777 * hd->n_channels * sizeof *buf);
    int good = idx && buf;
    for (size_t i = 0; good && i < hd->n_channels; i++) {
        if (hd->channels[i].is_annotation) continue;
        size_t n = 0, first = SIZE_MAX;
        for (size_t k = 0; k < hd->n_channels; k++)
            if (!hd->channels[k].is_annotation &&
                hd->channels[k].samples_per_record == hd->channels[i].samples_per_record) {
                if (first == SIZE_MAX) first = k;
                idx[n++] = k;
            }
        if (first != i) continue;
        if (cramp_recording_select(r, idx, n, &err) != CRAMP_OK) {
            good = 0;
            break;
        }
        size_t got;
        while (cramp_recording_read(r, buf, 777, &got, &err) == CRAMP_OK && got > 0)
            MIX(buf, got * n * sizeof *buf);
    }
#undef MIX
    free(idx);
    free(buf);
    cramp_recording_close(r);
    *ok = good;
    return h;
}

/* A small EDF+ written here, so the test runs without ../shared/data. */
static int make_synthetic(const char *path, int bdf, uint64_t seed)
{
    static const char *const labels[4] = {"a", "b", "c", "d"};
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.bdf = bdf;
    cfg.channels = 4;
    cfg.labels = labels;
    cfg.fs = 1000;
    cramp_edf_writer *w = NULL;
    if (cramp_edf_writer_create(&w, path, &cfg, NULL) != CRAMP_OK) return 0;
    test_rng rng = {seed};
    float x[4 * 500];
    for (int b = 0; b < 40; b++) {
        for (size_t i = 0; i < 4 * 500; i++)
            x[i] = (float)(1000 * test_rng_normal(&rng));
        if (cramp_edf_writer_write(w, x, 500, NULL) != CRAMP_OK) {
            cramp_edf_writer_abort(w);
            return 0;
        }
        const cramp_annotation a = {b * 0.5, 0.25, "burst", NULL};
        cramp_edf_writer_annotate(w, &a, NULL);
    }
    return cramp_edf_writer_close(w, NULL) == CRAMP_OK;
}

typedef struct job {
    int id;
    size_t mismatches, failures;
} job;

static void *reader(void *arg)
{
    job *j = arg;
    for (size_t round = 0; round < 2; round++) {
        for (size_t k = 0; k < n_paths; k++) {
            /* each thread in its own order; several read the same file */
            const size_t f = (k * 5 + (size_t)j->id * 3 + round) % n_paths;
            int ok;
            const uint64_t h = digest(paths[f], &ok);
            if (!ok)
                j->failures++;
            else if (h != expect[f])
                j->mismatches++;
        }
    }
    return NULL;
}

static void *writer(void *arg)
{
    job *j = arg;
    char out[512], cp[512];
    snprintf(out, sizeof out, "%s/w%d.edf", dir, j->id);
    snprintf(cp, sizeof cp, "%s/c%d.edf", dir, j->id);
    for (int round = 0; round < 3; round++) {
        if (!make_synthetic(out, round & 1, 77 + (uint64_t)j->id)) j->failures++;
        const cramp_annotation a = {1.0, -1, "copied", NULL};
        if (cramp_edf_copy_annotated(out, cp, &a, 1, NULL) != CRAMP_OK) j->failures++;
        int ok;
        digest(cp, &ok);
        if (!ok) j->failures++;
    }
    unlink(out);
    unlink(cp);
    return NULL;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cramp_edf_threads_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    for (int s = 0; s < 2; s++) {
        snprintf(paths[n_paths], sizeof paths[0], "%s/synthetic%d.%s", dir, s, s ? "bdf" : "edf");
        CHECK(make_synthetic(paths[n_paths], s, 1000 + (uint64_t)s), "synthetic file %d", s);
        n_paths++;
    }
    for (size_t i = 0; i < sizeof SHARED / sizeof SHARED[0]; i++) {
        const char *p = test_shared_path(SHARED[i]);
        if (p) snprintf(paths[n_paths++], sizeof paths[0], "%s", p);
    }
    printf("edf_threads: %zu files, %d reader threads + 2 writer threads\n", n_paths, N_THREADS);
    for (size_t f = 0; f < n_paths; f++) {
        int ok;
        expect[f] = digest(paths[f], &ok);
        CHECK(ok, "single-threaded read of %s", paths[f]);
    }
    pthread_t th[N_THREADS + 2];
    job jobs[N_THREADS + 2];
    for (int t = 0; t < N_THREADS + 2; t++) {
        jobs[t] = (job){t, 0, 0};
        pthread_create(&th[t], NULL, t < N_THREADS ? reader : writer, &jobs[t]);
    }
    for (int t = 0; t < N_THREADS + 2; t++) {
        pthread_join(th[t], NULL);
        CHECK(jobs[t].mismatches == 0 && jobs[t].failures == 0,
              "thread %d: %zu results differ from the single-threaded ones, %zu failures", t,
              jobs[t].mismatches, jobs[t].failures);
    }
    for (int s = 0; s < 2; s++)
        unlink(paths[s]);
    rmdir(dir);
    return cramp_test_finish("edf_threads");
}
