/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A simulated night in memory for the tests of the night driver
 * (night_threads.c here, unit/detect/night_cut.c): a scenario's frames
 * (cramp/synth.h) with each channel's rate and description, ready for
 * cramp_night_source_memory or a source of the test's own. Public headers
 * only. */
#ifndef CRAMP_TEST_NIGHT_SIM_H
#define CRAMP_TEST_NIGHT_SIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "cramp/night.h"
#include "cramp/recording.h"
#include "cramp/synth.h"
#include "testutil.h"

/* Interleaved frames (x, malloc'd: the caller frees it), their rates and the
   channels' descriptions (from the labels; range +-range_uv). One rate group. */
typedef struct night_sim {
    float *x;
    size_t frames, channels;
    double fs[CRAMP_DETECT_MAX_CHANNELS];
    cramp_detect_channel info[CRAMP_DETECT_MAX_CHANNELS];
} night_sim;

/* Simulates the scenario text into s. Returns 1 with the whole night of
   `channels` channels; otherwise records a failed CHECK (the text does not
   parse, out of memory, fewer frames or other channels than asked) and
   returns 0, s->x freed and NULL. */
static inline int night_sim_make(night_sim *s, const char *text, size_t channels)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    memset(s, 0, sizeof *s);
    cramp_synth *sy = NULL;
    if (cramp_scenario_parse(&sc, text, &err) != CRAMP_OK ||
        cramp_synth_create(&sy, &sc, &err) != CRAMP_OK) {
        CHECK(0, "simulate %zu channels: %s", channels, err.message);
        return 0;
    }
    s->channels = cramp_synth_channels(sy);
    const size_t total = (size_t)cramp_synth_total_frames(sy);
    s->x = malloc(total * s->channels * sizeof *s->x);
    if (!s->x) {
        cramp_synth_destroy(sy);
        CHECK(0, "out of memory");
        return 0;
    }
    s->frames = cramp_synth_generate(sy, s->x, total);
    for (size_t c = 0; c < s->channels; c++) {
        s->fs[c] = cramp_synth_fs(sy);
        cramp_detect_channel_from_label(cramp_synth_channel_label(sy, c), &s->info[c]);
        s->info[c].phys_min = -sc.range_uv;
        s->info[c].phys_max = sc.range_uv;
    }
    cramp_synth_destroy(sy);
    CHECK(s->frames == total && s->channels == channels,
          "simulated %zu of %zu frames, %zu channels of %zu", s->frames, total, s->channels,
          channels);
    if (s->frames == total && s->channels == channels) return 1;
    free(s->x);
    s->x = NULL;
    return 0;
}

/* Night s written as EDF+ to path (1 s records, channels ch1..); 1 when
   written. */
static inline int night_sim_write_edf(const night_sim *s, const char *path)
{
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.channels = s->channels;
    cfg.fs = s->fs[0];
    cramp_error err;
    return cramp_edf_write_file(path, &cfg, s->x, s->frames, &err) == CRAMP_OK;
}

/* The EDF+ at path (night s as night_sim_write_edf wrote it) copied to
   out_path with the time-keeping TAL of data record `bad` made bad ('+' ->
   'x'): opened with its TALs as read, a run fails at that record. 1 when
   written. */
static inline int night_sim_bad_tal(const char *path, const char *out_path, const night_sim *s,
                                    size_t bad)
{
    FILE *in = fopen(path, "rb"), *out = fopen(out_path, "wb");
    const size_t nrec = s->frames / (size_t)s->fs[0];
    const long hb = 256 * (long)(s->channels + 2), rb_data = 2 * (long)s->fs[0] * (long)s->channels;
    int ok = in && out;
    if (ok) {
        fseek(in, 0, SEEK_END);
        const long rb = (ftell(in) - hb) / (long)nrec;
        fseek(in, 0, SEEK_SET);
        long b = 0;
        for (int c; (c = fgetc(in)) != EOF; b++)
            fputc(b == hb + (long)bad * rb + rb_data ? 'x' : c, out);
    }
    if (in) fclose(in);
    if (out && fclose(out) != 0) ok = 0;
    return ok;
}

/* Night q (a threaded run) against r (one thread's): the same episodes and
   summary bytes, duration, samples, mains and groups, or failed CHECKs
   naming `what`. */
static inline void night_sim_same(const cramp_night_result *r, const cramp_night_result *q,
                                  const char *what)
{
    CHECK(q->n_episodes == r->n_episodes, "%s: %zu episodes, one thread %zu", what,
          q->n_episodes, r->n_episodes);
    if (q->n_episodes == r->n_episodes && r->n_episodes)
        CHECK(memcmp(q->episodes, r->episodes, r->n_episodes * sizeof *r->episodes) == 0,
              "%s: the episodes differ from one thread's", what);
    CHECK(memcmp(&q->summary, &r->summary, sizeof r->summary) == 0, "%s: the summary differs",
          what);
    CHECK(q->duration_s == r->duration_s && q->samples == r->samples &&
              q->mains_hz == r->mains_hz && !strcmp(q->mains_how, r->mains_how),
          "%s: duration, samples or mains differ", what);
    for (size_t k = 0; k < r->n_groups && k < q->n_groups; k++)
        CHECK(q->group[k].frames == r->group[k].frames &&
                  q->group[k].notches == r->group[k].notches &&
                  q->group[k].band_hi_hz == r->group[k].band_hi_hz,
              "%s: group %zu differs", what, k);
}

#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 200809L /* mkdtemp, unlink, rmdir */
#include <unistd.h>

static inline cramp_status night_sim_run_file(const char *path, size_t threads, size_t block,
                                              int as_read, int profile, cramp_night_result *res,
                                              cramp_error *err);

/* The files of a test on a recording (night_sim_files). */
typedef struct night_files {
    night_sim s;
    char dir[48], path[64], bad[64];
    cramp_night_result ref; /* one thread's run of path */
    cramp_status st;        /* its status */
} night_files;

/* A 4-minute night of `channels` channels at 1 kHz (seed; cramps, PLM
   series, bursts, movements, motion) made into f->s, the folder f->dir
   made (/tmp/cramp_NAME_XXXXXX), the night written as EDF+ to f->path and,
   with a bad TAL at data record bad_rec, to f->bad, and one thread's run of
   f->path (blocks of 4096) in f->ref: f->st its status, CRAMP_EIO when a
   file was not written (failed CHECKs name what; err the run's message).
   Returns 1 when f->s and f->dir were made (night_sim_files_done removes
   them; f->ref is the caller's to free with f->st CRAMP_OK), 0 when not. */
static inline int night_sim_files(night_files *f, size_t channels, unsigned seed, size_t bad_rec,
                                  const char *name, cramp_error *err)
{
    char text[512];
    snprintf(text, sizeof text,
             "duration_min 4\nfs 1000\nchannels %zu\nseed %u\n"
             "cramp_per_hour 30\ncramp_duration_s 5 40\nplm_series_per_hour 12\n"
             "burst_per_hour 200\nmovement_per_hour 30\nmotion_per_hour 40\n",
             channels, seed);
    if (!night_sim_make(&f->s, text, channels)) return 0;
    snprintf(f->dir, sizeof f->dir, "/tmp/cramp_%s_XXXXXX", name);
    if (!mkdtemp(f->dir)) {
        CHECK(0, "no temporary directory");
        free(f->s.x);
        return 0;
    }
    snprintf(f->path, sizeof f->path, "%s/night.edf", f->dir);
    snprintf(f->bad, sizeof f->bad, "%s/bad.edf", f->dir);
    memset(err, 0, sizeof *err);
    f->st = CRAMP_EIO;
    if (night_sim_write_edf(&f->s, f->path) && night_sim_bad_tal(f->path, f->bad, &f->s, bad_rec))
        f->st = night_sim_run_file(f->path, 1, 4096, 0, 0, &f->ref, err);
    CHECK(f->st == CRAMP_OK, "%zu channels, one thread: %s", channels, err->message);
    CHECK(f->st != CRAMP_OK || f->ref.n_episodes > 0, "%zu channels: no episodes", channels);
    return 1;
}

/* f->bad (TALs as read, bad TAL at data record bad_rec) on one thread: its
   status (CRAMP_EFORMAT naming the record, or a failed CHECK), the message
   in err1. */
static inline cramp_status night_sim_bad_one(const night_files *f, size_t channels,
                                             size_t bad_rec, cramp_error *err1)
{
    cramp_night_result res;
    char want[48];
    snprintf(want, sizeof want, "data record %zu", bad_rec);
    const cramp_status st1 = night_sim_run_file(f->bad, 1, 4096, 1, 0, &res, err1);
    CHECK(st1 == CRAMP_EFORMAT && strstr(err1->message, want) != NULL,
          "%zu channels, bad TAL, one thread: status %d '%s'", channels, (int)st1, err1->message);
    if (st1 == CRAMP_OK) cramp_night_result_free(&res);
    return st1;
}

/* f->bad (TALs as read) on 2 threads, blocks of `block`: the status st1 and
   message err1 of one thread's run, nothing kept, or failed CHECKs. */
static inline void night_sim_bad_as_one(const night_files *f, size_t channels, size_t block,
                                        cramp_status st1, const cramp_error *err1)
{
    cramp_night_result res;
    cramp_error err;
    const cramp_status st = night_sim_run_file(f->bad, 2, block, 1, 0, &res, &err);
    CHECK(st == st1 && !strcmp(err.message, err1->message),
          "%zu channels, bad TAL, 2 threads, blocks of %zu: status %d '%s', one thread %d '%s'",
          channels, block, (int)st, err.message, (int)st1, err1->message);
    CHECK(res.episodes == NULL && res.n_episodes == 0, "result not cleared");
}

/* f->path on 2 threads, blocks of `block` (profile: with the stage
   timers): the same episodes and result as one thread's f->ref, or failed
   CHECKs naming `what`; nothing kept. Returns the run's status. */
static inline cramp_status night_sim_two_same(const night_files *f, size_t block, int profile,
                                              const char *what)
{
    cramp_night_result res;
    cramp_error err;
    const cramp_status st = night_sim_run_file(f->path, 2, block, 0, profile, &res, &err);
    CHECK(st == CRAMP_OK, "%s: %s", what, err.message);
    if (st != CRAMP_OK) return st;
    night_sim_same(&f->ref, &res, what);
    cramp_night_result_free(&res);
    return st;
}

/* Removes f's files and folder, frees its night (not f->ref). */
static inline void night_sim_files_done(night_files *f)
{
    unlink(f->bad);
    unlink(f->path);
    rmdir(f->dir);
    free(f->s.x);
}
#endif

/* The recording at path through the night driver on `threads` threads,
   blocks of `block` frames, stage timers when `profile`; as_read: opened
   with its TALs as read (parsed by whichever thread reads a record,
   cramp_recording_options.tals_as_read). */
static inline cramp_status night_sim_run_file(const char *path, size_t threads, size_t block,
                                              int as_read, int profile, cramp_night_result *res,
                                              cramp_error *err)
{
    memset(res, 0, sizeof *res);
    memset(err, 0, sizeof *err);
    cramp_recording *rec = NULL;
    cramp_recording_options ro;
    cramp_recording_options_default(&ro);
    ro.tals_as_read = as_read;
    cramp_status st = cramp_recording_open(&rec, path, &ro, err);
    if (st != CRAMP_OK) return st;
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.threads = threads;
    opt.block_frames = block;
    opt.profile = profile;
    st = cramp_night_run_recording(rec, &opt, res, err);
    cramp_recording_close(rec);
    return st;
}

#endif
