/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several recordings read (and written) at once from several threads: the
 * results must equal those of one thread, and failed opens in parallel must
 * each report their own file (libsndfile keeps the last open error in a
 * process-wide variable; cramp serialises opens for that). Distinct
 * recordings share no state, so no other lock is needed: run this under
 * ThreadSanitizer (-DCRAMP_TSAN=ON) to check that claim. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "testutil.h"

#define SEED 0x75eed0ULL

#define N_FILES 6
#define N_THREADS 6
#define CH 4
#define FRAMES 60001u
#define ROUNDS 3

static char g_dir[64];
static char g_path[N_FILES][128];
static float *g_ref[N_FILES]; /* all channels, single-thread read */

static const char *const EXT[N_FILES] = {"wav", "w64", "rf64", "wav", "w64", "wav"};

typedef struct job {
    int id;
    int failures;
    char msg[512];
} job;

static void fail(job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(job *j, const char *fmt, ...)
{
    if (!j->failures) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->msg, sizeof j->msg, fmt, ap);
        va_end(ap);
    }
    j->failures++;
}

static void *write_one(void *arg)
{
    job *j = arg;
    const int k = j->id;
    test_rng rng = {SEED + (unsigned long long)k};
    float *x = malloc(FRAMES * CH * sizeof *x);
    for (size_t i = 0; i < FRAMES * CH; i++) x[i] = (float)test_rng_normal(&rng);
    cramp_wav_writer *w = NULL;
    cramp_error err = {0};
    if (cramp_wav_writer_create(&w, g_path[k], CH, 1000.0 + 500.0 * k, FRAMES, &err) != CRAMP_OK) {
        fail(j, "create %s: %s", g_path[k], err.message);
    } else {
        size_t at = 0;
        while (at < FRAMES) {
            const size_t n = FRAMES - at < 1000u + 97u * (size_t)k ? FRAMES - at
                                                                    : 1000u + 97u * (size_t)k;
            if (cramp_wav_writer_write(w, x + at * CH, n, &err) != CRAMP_OK)
                fail(j, "write %s: %s", g_path[k], err.message);
            at += n;
        }
        if (cramp_wav_writer_close(w, &err) != CRAMP_OK)
            fail(j, "close %s: %s", g_path[k], err.message);
    }
    free(x);
    return NULL;
}

/* Reads file k, channels sel (n of them), in chunks of `chunk`; compares
 * with the reference. */
static void read_check(job *j, int k, const size_t *sel, size_t n, size_t chunk)
{
    cramp_recording *r = NULL;
    cramp_error err = {0};
    if (cramp_recording_open(&r, g_path[k], NULL, &err) != CRAMP_OK) {
        fail(j, "open %s: %s", g_path[k], err.message);
        return;
    }
    if (cramp_recording_select(r, sel, n, &err) != CRAMP_OK) {
        fail(j, "select %s: %s", g_path[k], err.message);
        cramp_recording_close(r);
        return;
    }
    float *buf = malloc(chunk * n * sizeof *buf);
    size_t at = 0, bad = 0;
    for (;;) {
        size_t got = 0;
        if (cramp_recording_read(r, buf, chunk, &got, &err) != CRAMP_OK) {
            fail(j, "read %s: %s", g_path[k], err.message);
            break;
        }
        if (got == 0) break;
        for (size_t f = 0; f < got && at + f < FRAMES; f++)
            for (size_t c = 0; c < n; c++)
                if (buf[f * n + c] != g_ref[k][(at + f) * CH + sel[c]]) bad++;
        at += got;
    }
    if (at != FRAMES) fail(j, "%s: frame count differs", g_path[k]);
    if (bad) fail(j, "%s: values differ from the single-thread read", g_path[k]);
    free(buf);
    cramp_recording_close(r);
}

static void *read_all(void *arg)
{
    job *j = arg;
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < N_FILES; i++) {
            const int k = (i + j->id + round) % N_FILES;
            static const size_t sel_all[CH] = {0, 1, 2, 3}, sel_some[3] = {3, 0, 2};
            const size_t chunk = 500u + 1237u * (size_t)((j->id + i) % 5);
            if ((j->id + round) % 2)
                read_check(j, k, sel_all, CH, chunk);
            else
                read_check(j, k, sel_some, 3, chunk);
        }
    return NULL;
}

/* Failed opens at once: each message must name its own file. */
static void *open_bad(void *arg)
{
    job *j = arg;
    for (int i = 0; i < 200; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/bad-%d.wav", g_dir, j->id);
        cramp_recording *r = NULL;
        cramp_error err = {0};
        if (cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK) {
            fail(j, "%s opened", path);
            cramp_recording_close(r);
        } else if (strstr(err.message, path) == NULL ||
                   strstr(err.message, "not a recording") == NULL) {
            fail(j, "message for %s: %s", path, err.message);
        }
    }
    return NULL;
}

static int run(void *(*fn)(void *), const char *what)
{
    pthread_t t[N_THREADS];
    job jobs[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].id = i;
        if (pthread_create(&t[i], NULL, fn, &jobs[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return -1;
        }
    }
    int failures = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK(jobs[i].failures == 0, "%s, thread %d: %d failures, first: %s", what, i,
              jobs[i].failures, jobs[i].msg);
        failures += jobs[i].failures;
    }
    return failures;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/cramp-thr-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    for (int k = 0; k < N_FILES; k++)
        snprintf(g_path[k], sizeof g_path[k], "%s/f%d.%s", g_dir, k, EXT[k]);

    /* Written at once by N_FILES threads (N_THREADS == N_FILES). */
    run(write_one, "write");

    /* The reference: one thread. */
    for (int k = 0; k < N_FILES; k++) {
        g_ref[k] = malloc(FRAMES * CH * sizeof *g_ref[k]);
        cramp_recording *r = NULL;
        cramp_error err = {0};
        CHECK(cramp_recording_open(&r, g_path[k], NULL, &err) == CRAMP_OK, "open %s: %s",
              g_path[k], err.message);
        if (!r) continue;
        static const size_t sel[CH] = {0, 1, 2, 3};
        cramp_recording_select(r, sel, CH, &err);
        size_t got = 0;
        CHECK(cramp_recording_read(r, g_ref[k], FRAMES, &got, &err) == CRAMP_OK && got == FRAMES,
              "reference read %s: %zu frames", g_path[k], got);
        CHECK(cramp_recording_header(r)->channels[0].fs == 1000.0 + 500.0 * k, "rate of %s",
              g_path[k]);
        cramp_recording_close(r);
        /* The writer wrote N(0,1) samples seeded by k: check they are there. */
        test_rng rng = {SEED + (unsigned long long)k};
        size_t bad = 0;
        for (size_t i = 0; i < FRAMES * CH; i++)
            if (g_ref[k][i] != (float)test_rng_normal(&rng)) bad++;
        CHECK(bad == 0, "%s: %zu values differ from those written", g_path[k], bad);
    }

    run(read_all, "parallel reads");

    for (int i = 0; i < N_THREADS; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/bad-%d.wav", g_dir, i);
        FILE *f = fopen(path, "wb");
        if (f) {
            fprintf(f, "RIFF garbage from thread %d, not a wave file at all", i);
            fclose(f);
        }
    }
    run(open_bad, "parallel failed opens");

    for (int i = 0; i < N_THREADS; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/bad-%d.wav", g_dir, i);
        unlink(path);
    }
    for (int k = 0; k < N_FILES; k++) {
        unlink(g_path[k]);
        free(g_ref[k]);
    }
    if (rmdir(g_dir) != 0) fprintf(stderr, "note: %s left: %s\n", g_dir, strerror(errno));
    return cramp_test_finish("recording_threads");
}
