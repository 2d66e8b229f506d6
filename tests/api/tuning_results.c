/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* Results never depend on the tuning (cramp/tuning.h): a busy simulated
 * night run by the night driver untuned, with a tuning file read back and
 * applied (large blocks, the best SIMD path), and with deliberately odd ones
 * (1-frame blocks on the scalar path; 7-frame blocks, a count that splits
 * every 10-ms tick, on each other path) gives the same episodes, every field
 * bit for bit; so does a tuning with a thread count, applied as cramp detect
 * applies it (opt.threads = t.threads), on 2 threads and on 3 with parts of
 * one channel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/synth.h"
#include "cramp/tuning.h"
#include "testutil.h"

#define CH 6
#define FS 1000.0

static float *g_frames;
static size_t g_n;
static double g_fs[CH];
static cramp_detect_channel g_info[CH];

static int make_night(void)
{
    static const char busy[] = "cramp_per_hour 40\nplm_series_per_hour 30\n"
                               "burst_per_hour 300\nmovement_per_hour 60\n"
                               "motion_per_hour 60\npop_per_hour 30\n";
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    if (cramp_scenario_parse(&sc, busy, &err) != CRAMP_OK) {
        fprintf(stderr, "scenario: %s\n", err.message);
        return -1;
    }
    sc.fs = FS;
    sc.channels = CH;
    sc.duration_min = 3;
    sc.seed = 7;
    cramp_synth *s;
    if (cramp_synth_create(&s, &sc, &err) != CRAMP_OK) {
        fprintf(stderr, "synth: %s\n", err.message);
        return -1;
    }
    g_n = (size_t)cramp_synth_total_frames(s);
    g_frames = malloc(g_n * CH * sizeof *g_frames);
    if (!g_frames) return -1;
    for (size_t done = 0; done < g_n;) {
        size_t k = cramp_synth_generate(s, g_frames + done * CH, g_n - done);
        if (k == 0) break;
        done += k;
    }
    for (size_t c = 0; c < CH; c++) {
        g_fs[c] = FS;
        cramp_detect_channel_from_label(cramp_synth_channel_label(s, c), &g_info[c]);
    }
    cramp_synth_destroy(s);
    return 0;
}

static cramp_status run(const cramp_night_options *opt, cramp_night_result *res)
{
    cramp_night_source src;
    cramp_night_memory mem;
    cramp_night_source_memory(&src, &mem, g_frames, g_n, CH, g_fs, g_info);
    cramp_error err;
    cramp_status st = cramp_night_run(&src, opt, res, &err);
    if (st != CRAMP_OK) fprintf(stderr, "night: %s\n", err.message);
    return st;
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Every field of every episode, doubles bit for bit. */
static void compare(const cramp_night_result *a, const cramp_night_result *b, const char *what)
{
    CHECK(a->n_episodes == b->n_episodes, "%s: %zu episodes, untuned %zu", what, b->n_episodes,
          a->n_episodes);
    CHECK(a->samples == b->samples && same_bits(a->mains_hz, b->mains_hz),
          "%s: samples or mains differ", what);
    const size_t n = a->n_episodes < b->n_episodes ? a->n_episodes : b->n_episodes;
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *x = &a->episodes[i], *y = &b->episodes[i];
        const double dx[] = {x->onset_s, x->offset_s, x->duration_s, x->rms_uv, x->rest_uv,
                             x->rms_x_rest, x->peak_uv, x->mnf_start_hz, x->mnf_end_hz,
                             x->mdf_start_hz, x->mdf_end_hz, x->mnf_slope_hz_s, x->lf_ratio,
                             x->kurtosis, x->tonic_fraction, x->rise_interval_s, x->rise_cv,
                             x->clip_fraction, x->flat_fraction, x->prev_interval_s,
                             x->next_interval_s, x->confidence};
        const double dy[] = {y->onset_s, y->offset_s, y->duration_s, y->rms_uv, y->rest_uv,
                             y->rms_x_rest, y->peak_uv, y->mnf_start_hz, y->mnf_end_hz,
                             y->mdf_start_hz, y->mdf_end_hz, y->mnf_slope_hz_s, y->lf_ratio,
                             y->kurtosis, y->tonic_fraction, y->rise_interval_s, y->rise_cv,
                             y->clip_fraction, y->flat_fraction, y->prev_interval_s,
                             y->next_interval_s, y->confidence};
        for (size_t k = 0; k < sizeof dx / sizeof dx[0]; k++)
            CHECK(same_bits(dx[k], dy[k]), "%s: episode %zu measure %zu: %.17g vs untuned %.17g",
                  what, i, k, dy[k], dx[k]);
        CHECK(x->type == y->type && x->channels == y->channels &&
                  x->n_channels == y->n_channels && x->main_channel == y->main_channel &&
                  x->kurtosis_blocks == y->kurtosis_blocks && x->bursts == y->bursts &&
                  x->rises == y->rises && x->series == y->series &&
                  strcmp(x->reason ? x->reason : "", y->reason ? y->reason : "") == 0,
              "%s: episode %zu: label or counts differ", what, i);
    }
}

int main(void)
{
    if (make_night() != 0) return 1;
    char dir[256];
    snprintf(dir, sizeof dir, "%s/cramp-tuning-results.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return 1;
    char path[300];
    snprintf(path, sizeof path, "%s/tuning", dir);

    cramp_night_options opt;
    cramp_night_options_default(&opt);
    cramp_night_result ref;
    if (run(&opt, &ref) != CRAMP_OK) return 1;
    CHECK(ref.n_episodes >= 5, "the busy night gave %zu episodes: nothing to compare",
          ref.n_episodes);
    size_t kinds = 0;
    for (int k = 0; k < CRAMP_EVENT_TYPES; k++) kinds += ref.summary.count[k] > 0;
    CHECK(kinds >= 3, "only %zu kinds of episode", kinds);

    /* A tuning as cramp tune saves it, read back from its file. */
    cramp_tuning t;
    cramp_tuning_init(&t);
    t.block_frames = 16384;
    t.simd = cramp_simd_best();
    cramp_error err;
    CHECK(cramp_tuning_write(path, &t, &err) == CRAMP_OK, "write: %s", err.message);
    cramp_tuning_state state;
    CHECK(cramp_tuning_find(path, &t, &state, NULL, 0, &err) == CRAMP_OK &&
              state == CRAMP_TUNING_IN_FORCE,
          "find: state %d", (int)state);
    cramp_night_options_default(&opt);
    CHECK(cramp_tuning_apply(&t, &opt) == 2 && opt.block_frames == 16384,
          "the tuning was not applied");
    cramp_night_result res;
    if (run(&opt, &res) == CRAMP_OK) {
        compare(&ref, &res, "tuned (16384, best path)");
        cramp_night_result_free(&res);
    }

    /* Deliberately odd: the smallest block on the scalar path. */
    cramp_tuning_init(&t);
    t.block_frames = 1;
    t.simd = CRAMP_SIMD_SCALAR;
    CHECK(cramp_tuning_write(path, &t, &err) == CRAMP_OK, "write: %s", err.message);
    CHECK(cramp_tuning_find(path, &t, &state, NULL, 0, &err) == CRAMP_OK &&
              state == CRAMP_TUNING_IN_FORCE,
          "find odd: state %d", (int)state);
    cramp_night_options_default(&opt);
    cramp_tuning_apply(&t, &opt);
    CHECK(opt.block_frames == 1 && opt.detect.simd == CRAMP_SIMD_SCALAR, "odd not applied");
    if (run(&opt, &res) == CRAMP_OK) {
        compare(&ref, &res, "odd (1 frame, scalar)");
        cramp_night_result_free(&res);
    }

    /* A thread count read back from the file and applied by the caller. */
    for (size_t threads = 2; threads <= 3; threads++) {
        cramp_tuning_init(&t);
        t.block_frames = 4096;
        t.simd = cramp_simd_best();
        t.threads = threads;
        t.part_channels = threads == 3 ? 1 : 0; /* 6 parts of 1 channel on 3 threads */
        CHECK(cramp_tuning_write(path, &t, &err) == CRAMP_OK, "write: %s", err.message);
        CHECK(cramp_tuning_find(path, &t, &state, NULL, 0, &err) == CRAMP_OK &&
                  state == CRAMP_TUNING_IN_FORCE && t.threads == threads &&
                  t.part_channels == (threads == 3 ? 1u : 0u),
              "find threads: state %d threads %zu", (int)state, t.threads);
        cramp_night_options_default(&opt);
        cramp_tuning_apply(&t, &opt);
        opt.threads = t.threads;
        char what[64];
        snprintf(what, sizeof what, "tuned threads %zu%s", threads,
                 threads == 3 ? ", parts of 1" : "");
        if (run(&opt, &res) == CRAMP_OK) {
            size_t workers = 0;
            for (size_t g = 0; g < res.n_groups; g++) workers += res.group[g].threads;
            CHECK(workers >= 1, "%s: the run used no worker thread", what);
            compare(&ref, &res, what);
            cramp_night_result_free(&res);
        }
    }

    /* 7-frame blocks on every other path this machine runs. */
    const cramp_simd others[] = {CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    for (size_t i = 0; i < 2; i++) {
        if (!cramp_simd_available(others[i])) continue;
        cramp_night_options_default(&opt);
        cramp_tuning_init(&t);
        t.block_frames = 7;
        t.simd = others[i];
        cramp_tuning_apply(&t, &opt);
        char what[64];
        snprintf(what, sizeof what, "odd (7 frames, %s)", cramp_simd_name(others[i]));
        if (run(&opt, &res) == CRAMP_OK) {
            compare(&ref, &res, what);
            cramp_night_result_free(&res);
        }
    }
    printf("tuning_results: %zu episodes, %zu kinds, compared under every tuning\n",
           ref.n_episodes, kinds);
    cramp_night_result_free(&ref);
    unlink(path);
    rmdir(dir);
    free(g_frames);
    return cramp_test_finish("tuning_results");
}
