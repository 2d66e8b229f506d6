/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The night driver on worker threads (cramp/night.h, "Threads"): simulated
 * nights of 1, 3 and 8 channels (and one of two rate groups) give, for 2, 3
 * and 8 threads and parts of 1, 2, 8 and the default number of channels
 * (threads left over pipelining parts: the filter stage and the rest of the
 * detector on two workers), the same episodes byte for byte as one thread; the callbacks run in the
 * calling thread only; a read that fails mid-run ends a threaded run with
 * the read's status and message (no hang); a 16-channel night on 2 threads
 * (split at the ticks) the same, read failure included; an EDF recording (whose
 * blocks the worker of a 2-thread run may read itself) the same on 2 and 3
 * threads, and a truncated one fails with one thread's status and message.
 * Labelled `threads`: scripts/test runs it under ThreadSanitizer too. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/night.h"
#include "cramp/recording.h"
#include "night_sim.h"
#include "testutil.h"

/* A night of the given channels, rate (Hz), seed and length (min). */
static int simulate(night_sim *s, size_t channels, double fs, unsigned seed, double minutes)
{
    char text[1024];
    snprintf(text, sizeof text,
             "duration_min %g\nfs %g\nchannels %zu\nseed %u\n"
             "cramp_per_hour 30\ncramp_duration_s 5 40\nplm_series_per_hour 12\n"
             "plm_count 4 8\nburst_per_hour 200\nmovement_per_hour 30\n"
             "motion_per_hour 40\npop_per_hour 20\nclip_per_hour 10\nlost_per_hour 5\n",
             minutes, fs, channels, seed);
    return night_sim_make(s, text, channels);
}

/* ---- a source of two rate groups, reading from the calling thread ------- */

/* Channels [0, a->channels) of night a, then those of night b (another
 * rate). Every callback checks it runs in the thread that started the run;
 * reads fail from frame fail_at of any group on (SIZE_MAX: never). */
typedef struct two {
    const night_sim *a, *b;
    size_t pos_a, pos_b;
    pthread_t caller;
    size_t wrong_thread, blocks, fail_at;
} two;

static cramp_status two_read(void *user, const size_t *ch, size_t n, float *out, size_t max,
                             size_t *frames, cramp_error *err)
{
    two *t = user;
    if (!pthread_equal(pthread_self(), t->caller)) t->wrong_thread++;
    const int in_a = ch[0] < t->a->channels;
    const night_sim *s = in_a ? t->a : t->b;
    size_t *pos = in_a ? &t->pos_a : &t->pos_b;
    const size_t base = in_a ? 0 : t->a->channels;
    if (*pos >= t->fail_at) {
        snprintf(err->message, sizeof err->message, "test: read fails at frame %zu", *pos);
        err->status = CRAMP_EIO;
        return CRAMP_EIO;
    }
    size_t k = s->frames - *pos < max ? s->frames - *pos : max;
    for (size_t i = 0; i < k; i++)
        for (size_t c = 0; c < n; c++) out[i * n + c] = s->x[(*pos + i) * s->channels + ch[c] - base];
    *pos += k;
    *frames = k;
    return CRAMP_OK;
}

static cramp_status two_rewind(void *user, const size_t *ch, size_t n, cramp_error *err)
{
    (void)n;
    (void)err;
    two *t = user;
    if (!pthread_equal(pthread_self(), t->caller)) t->wrong_thread++;
    if (ch[0] < t->a->channels)
        t->pos_a = 0;
    else
        t->pos_b = 0;
    return CRAMP_OK;
}

static void on_block(void *user, const cramp_night_group *g, const float *frames, size_t n)
{
    (void)g;
    (void)frames;
    (void)n;
    two *t = user;
    if (!pthread_equal(pthread_self(), t->caller)) t->wrong_thread++;
    t->blocks++;
}

static void on_progress(void *user, double f)
{
    (void)f;
    two *t = user;
    if (!pthread_equal(pthread_self(), t->caller)) t->wrong_thread++;
}

/* Runs the night made of a (and b, when not NULL) with the given threads,
 * part width and block size. */
static cramp_status run(const night_sim *a, const night_sim *b, size_t threads, size_t part,
                        size_t block, size_t fail_at, two *t, cramp_night_result *res,
                        cramp_error *err)
{
    memset(t, 0, sizeof *t);
    t->a = a;
    t->b = b ? b : a;
    t->caller = pthread_self();
    t->fail_at = fail_at;
    double fs[CRAMP_DETECT_MAX_CHANNELS];
    cramp_detect_channel info[CRAMP_DETECT_MAX_CHANNELS];
    size_t n = 0;
    for (size_t c = 0; c < a->channels; c++, n++) {
        fs[n] = a->fs[c];
        info[n] = a->info[c];
    }
    for (size_t c = 0; b && c < b->channels; c++, n++) {
        fs[n] = b->fs[c];
        info[n] = b->info[c];
    }
    cramp_night_source src = {n, fs, info, (double)a->frames / a->fs[0], two_read, two_rewind, t};
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.threads = threads;
    opt.part_channels = part;
    opt.block_frames = block;
    opt.on_block = on_block;
    opt.block_user = t;
    opt.progress = on_progress;
    opt.progress_user = t;
    memset(err, 0, sizeof *err);
    return cramp_night_run(&src, &opt, res, err);
}

/* Every thread count and part width against one thread. */
static void check_night(const night_sim *a, const night_sim *b, const char *name)
{
    two t;
    cramp_night_result ref;
    cramp_error err;
    cramp_status st = run(a, b, 1, 0, 4096, (size_t)-1, &t, &ref, &err);
    CHECK(st == CRAMP_OK, "%s, one thread: %s", name, err.message);
    if (st != CRAMP_OK) return;
    CHECK(ref.n_episodes > 0, "%s: no episodes, nothing to compare", name);
    CHECK(ref.group[0].parts == 1 && ref.group[0].threads == 0,
          "%s: one thread ran %zu parts on %zu workers", name, ref.group[0].parts,
          ref.group[0].threads);
    const size_t threads[] = {2, 3, 8}, parts[] = {0, 1, 2, 8}, blocks[] = {4096, 777};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++)
        for (size_t j = 0; j < sizeof parts / sizeof parts[0]; j++)
            for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
                char what[160];
                snprintf(what, sizeof what, "%s, %zu threads, parts of %zu, blocks of %zu", name,
                         threads[i], parts[j], blocks[k]);
                cramp_night_result res;
                st = run(a, b, threads[i], parts[j], blocks[k], (size_t)-1, &t, &res, &err);
                CHECK(st == CRAMP_OK, "%s: %s", what, err.message);
                if (st != CRAMP_OK) continue;
                night_sim_same(&ref, &res, what);
                CHECK(t.wrong_thread == 0, "%s: %zu callbacks from a worker thread", what,
                      t.wrong_thread);
                CHECK(t.blocks > 0, "%s: on_block never called", what);
                for (size_t g = 0; g < res.n_groups; g++) {
                    const cramp_night_group *gr = &res.group[g];
                    /* parts of w channels, no more than the threads; threads
                       left over pipeline as many parts (two workers each) */
                    if (parts[j]) {
                        size_t want = (gr->n + parts[j] - 1) / parts[j];
                        if (want > threads[i]) want = threads[i];
                        const size_t spare = threads[i] - want;
                        /* two threads, one part: the calling thread reads and
                           filters, one worker does the rest */
                        const size_t workers = threads[i] == 2 && want == 1
                                                   ? 1
                                                   : want + (spare < want ? spare : want);
                        CHECK(gr->parts == want && gr->threads == workers,
                              "%s: group %zu of %zu channels ran %zu parts on %zu threads, "
                              "wanted %zu on %zu",
                              what, g, gr->n, gr->parts, gr->threads, want, workers);
                    }
                }
                cramp_night_result_free(&res);
            }
    cramp_night_result_free(&ref);
}

/* A read failing mid-night ends a threaded run with its status and message. */
static void check_failure(const night_sim *a)
{
    two t;
    cramp_night_result res;
    cramp_error err;
    const size_t at = a->frames / 2;
    /* parts of 1 (8 on 2 or 8 threads); one part of all, pipelined on two
       workers (on 2 threads) or one pipelined and one not (3 threads) */
    const size_t ths[] = {2, 8, 2, 3}, widths[] = {1, 1, a->channels, (a->channels + 1) / 2};
    for (size_t i = 0; i < 4; i++) {
        const size_t th = ths[i];
        cramp_status st = run(a, NULL, th, widths[i], 1000, at, &t, &res, &err);
        CHECK(st == CRAMP_EIO, "%zu threads, read failing at %zu: status %d", th, at, (int)st);
        CHECK(strstr(err.message, "read fails at frame") != NULL, "message '%s'", err.message);
        CHECK(res.episodes == NULL && res.n_episodes == 0, "result not cleared");
        CHECK(t.wrong_thread == 0, "callbacks from a worker thread");
    }
}

/* A group wider than the filters' SIMD vector on 2 threads (one part: split
 * at the ticks where the vector is narrower than the group, night.h
 * "Threads"), blocks of 4096 and 777 frames: the same night as one thread;
 * a read failing mid-run ends it with the read's status. */
static void check_wide(const night_sim *a, const char *name)
{
    two t;
    cramp_night_result ref, res;
    cramp_error err;
    cramp_status st = run(a, NULL, 1, 0, 4096, (size_t)-1, &t, &ref, &err);
    CHECK(st == CRAMP_OK, "%s, one thread: %s", name, err.message);
    if (st != CRAMP_OK) return;
    CHECK(ref.n_episodes > 0, "%s: no episodes, nothing to compare", name);
    const size_t blocks[] = {4096, 777};
    for (size_t k = 0; k < 2; k++) {
        char what[160];
        snprintf(what, sizeof what, "%s, 2 threads, blocks of %zu", name, blocks[k]);
        st = run(a, NULL, 2, 0, blocks[k], (size_t)-1, &t, &res, &err);
        CHECK(st == CRAMP_OK, "%s: %s", what, err.message);
        if (st != CRAMP_OK) continue;
        night_sim_same(&ref, &res, what);
        CHECK(res.group[0].parts == 1 && res.group[0].threads == 1,
              "%s: %zu parts on %zu workers, expected 1 on 1", what, res.group[0].parts,
              res.group[0].threads);
        CHECK(t.wrong_thread == 0, "%s: callbacks from a worker thread", what);
        cramp_night_result_free(&res);
    }
    st = run(a, NULL, 2, 0, 1000, a->frames / 2, &t, &res, &err);
    CHECK(st == CRAMP_EIO, "%s, 2 threads, read failing: status %d", name, (int)st);
    CHECK(strstr(err.message, "read fails at frame") != NULL, "message '%s'", err.message);
    CHECK(res.episodes == NULL && res.n_episodes == 0, "result not cleared");
    cramp_night_result_free(&ref);
}

/* ---- from a recording: the worker reads its blocks itself ---------------- */

/* TALs as read, the time-keeping TAL of record `bad` of the EDF+ at path
 * (night s) made bad ('+' -> 'x') in a copy at cut: the run fails there on
 * 2 threads (whichever thread reads the record) with one thread's status
 * and the reader's message, the record named, nothing kept. */
static void check_bad_tal(const night_sim *s, const char *path, const char *cut, size_t bad,
                          const char *name)
{
    static const size_t blocks[] = {4096, 777, 100};
    cramp_night_result ref, res;
    cramp_error err, err1;
    if (!night_sim_bad_tal(path, cut, s, bad)) {
        CHECK(0, "%s: cannot write the EDF with a bad TAL", name);
        return;
    }
    char want[48];
    snprintf(want, sizeof want, "data record %zu, signal", bad);
    const cramp_status st1 = night_sim_run_file(cut, 1, 4096, 1, 0, &ref, &err1);
    CHECK(st1 == CRAMP_EFORMAT && strstr(err1.message, want) != NULL,
          "%s, EDF with a bad TAL in record %zu, one thread: status %d '%s'", name, bad,
          (int)st1, err1.message);
    for (size_t k = 0; k < 3; k++) {
        const cramp_status st = night_sim_run_file(cut, 2, blocks[k], 1, 0, &res, &err);
        CHECK(st == st1 && !strcmp(err.message, err1.message),
              "%s, EDF with a bad TAL in record %zu, 2 threads, blocks of %zu: status %d '%s', "
              "one thread %d '%s'",
              name, bad, blocks[k], (int)st, err.message, (int)st1, err1.message);
        CHECK(res.episodes == NULL && res.n_episodes == 0, "%s: result not cleared", name);
    }
}

/* Night s as an EDF+ file: 2 threads (the worker reading the blocks the
 * calling thread did not read first) and 3 give one thread's night for
 * blocks of 4096, 777 and 100 frames; the file cut short fails on 2 threads
 * with one thread's status and message. */
static void check_recording(const night_sim *s, const char *name)
{
    char dir[] = "/tmp/cramp_night_threads_XXXXXX", path[64], cut[64];
    if (!mkdtemp(dir)) {
        CHECK(0, "%s: no temporary directory", name);
        return;
    }
    snprintf(path, sizeof path, "%s/night.edf", dir);
    snprintf(cut, sizeof cut, "%s/cut.edf", dir);
    cramp_night_result ref, res;
    cramp_error err;
    if (!night_sim_write_edf(s, path)) {
        CHECK(0, "%s: cannot write the EDF", name);
        rmdir(dir);
        return;
    }
    cramp_status st = night_sim_run_file(path, 1, 4096, 0, 0, &ref, &err);
    CHECK(st == CRAMP_OK, "%s, EDF, one thread: %s", name, err.message);
    CHECK(st != CRAMP_OK || ref.n_episodes > 0, "%s, EDF: no episodes, nothing to compare", name);
    const size_t threads[] = {2, 3}, blocks[] = {4096, 777, 100};
    for (size_t i = 0; i < 2 && st == CRAMP_OK; i++)
        for (size_t k = 0; k < 3 * (threads[i] == 2 ? 2 : 1); k++) {
            /* 2 threads: also with the TALs as read (k >= 3) */
            const int as_read = k >= 3;
            char what[160];
            snprintf(what, sizeof what, "%s, EDF%s, %zu threads, blocks of %zu", name,
                     as_read ? " (TALs as read)" : "", threads[i], blocks[k % 3]);
            cramp_status st2 =
                night_sim_run_file(path, threads[i], blocks[k % 3], as_read, 0, &res, &err);
            CHECK(st2 == CRAMP_OK, "%s: %s", what, err.message);
            if (st2 != CRAMP_OK) continue;
            night_sim_same(&ref, &res, what);
            CHECK(threads[i] != 2 || (res.group[0].parts == 1 && res.group[0].threads == 1),
                  "%s: %zu parts on %zu workers, expected 1 on 1", what, res.group[0].parts,
                  res.group[0].threads);
            cramp_night_result_free(&res);
        }
    if (st == CRAMP_OK) cramp_night_result_free(&ref);
    /* cut short: the header announces more records than the file holds */
    FILE *in = fopen(path, "rb"), *out = fopen(cut, "wb");
    if (in && out) {
        fseek(in, 0, SEEK_END);
        const long keep = ftell(in) * 2 / 3;
        fseek(in, 0, SEEK_SET);
        for (long b = 0; b < keep; b++) fputc(fgetc(in), out);
    }
    if (in) fclose(in);
    if (out) fclose(out);
    cramp_error err1;
    const cramp_status st1 = night_sim_run_file(cut, 1, 4096, 0, 0, &ref, &err1);
    CHECK(st1 != CRAMP_OK, "%s, EDF cut short, one thread: no failure", name);
    for (size_t k = 0; k < 3; k++) {
        st = night_sim_run_file(cut, 2, blocks[k], 0, 0, &res, &err);
        CHECK(st == st1 && !strcmp(err.message, err1.message),
              "%s, EDF cut short, 2 threads, blocks of %zu: status %d '%s', one thread %d '%s'",
              name, blocks[k], (int)st, err.message, (int)st1, err1.message);
        CHECK(res.episodes == NULL && res.n_episodes == 0, "%s: result not cleared", name);
    }
    /* TALs as read: a bad TAL two records after the first minute, where on
       2 threads the worker reads early in the run, perhaps while the calling
       thread still primes (the worker reads from frame 0 meanwhile;
       unit/detect/night_prime_apart.c makes sure it does), and two thirds
       in */
    check_bad_tal(s, path, cut, 62, name);
    check_bad_tal(s, path, cut, s->frames / (size_t)s->fs[0] * 2 / 3, name);
    unlink(cut);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    static const size_t channels[] = {1, 3, 8};
    night_sim s[3];
    for (size_t i = 0; i < 3; i++) {
        if (!simulate(&s[i], channels[i], 1000, 101 + (unsigned)i, 5)) return cramp_test_finish("night_threads");
        char name[64];
        snprintf(name, sizeof name, "%zu channel%s", channels[i], channels[i] > 1 ? "s" : "");
        check_night(&s[i], NULL, name);
    }
    /* two rate groups: the 3 channels at 1000 Hz, two more at 500 Hz */
    night_sim slow;
    if (simulate(&slow, 2, 500, 7, 5)) {
        check_night(&s[1], &slow, "3 channels at 1000 Hz + 2 at 500 Hz");
        free(slow.x);
    }
    check_failure(&s[2]);
    check_recording(&s[2], "8 channels");
    /* 16 channels: wider than the vector on every SIMD path */
    night_sim wide;
    if (simulate(&wide, 16, 1000, 113, 3)) {
        check_wide(&wide, "16 channels");
        check_recording(&wide, "16 channels");
        free(wide.x);
    }
    for (size_t i = 0; i < 3; i++) free(s[i].x);
    return cramp_test_finish("night_threads");
}
