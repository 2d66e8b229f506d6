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
