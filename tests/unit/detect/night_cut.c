/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a night on 2 threads with one part cuts the filter stage
 * (lib/detect/night_threads.c, run_read_filter): the reader band-passes, the worker
 * runs the rest, and the mains comb and motion band move between the two by
 * measured cost. The cut is forced here (cramp__night_run_forced_cut)
 * through every move of a stage - to the worker, and back to the reader
 * after the worker has run it on every earlier block - every
 * CRAMP__NIGHT_CUT_EVERY blocks, on nights with a mains comb (50 Hz at
 * 1 kHz) and without one (60 Hz at 1 kHz: notches in the band-pass), with
 * and without stage timers, whole and odd blocks; the episodes, summary and
 * group counts must be the same bytes as one thread's, and the run must be
 * the 2-thread mode (one part, one worker). A 12-channel night, wider than
 * one SIMD vector, at the default part width must run in that mode too.
 * Labelled `threads`: run under ThreadSanitizer too. */
#include <stdlib.h>
#include <string.h>

#include "api/night_sim.h" /* public headers only */
#include "cramp/night.h"
#include "detect/detect_internal.h"
#include "detect/night_internal.h"
#include "testutil.h"

/* A 5-min night at 1 kHz of the given channels, mains and seed. */
static int simulate(night_sim *s, size_t channels, double mains_hz, unsigned seed)
{
    char text[512];
    snprintf(text, sizeof text,
             "duration_min 5\nfs 1000\nchannels %zu\nseed %u\nmains_hz %g\n"
             "cramp_per_hour 30\ncramp_duration_s 5 40\nplm_series_per_hour 12\n"
             "burst_per_hour 200\nmovement_per_hour 30\nmotion_per_hour 40\n",
             channels, seed, mains_hz);
    return night_sim_make(s, text, channels);
}

/* One run: threads, blocks, timers; the cut forced by late[0..n_late). */
static int default_width; /* run: the default part width, not one part */

static cramp_status run(const night_sim *s, size_t threads, size_t block, int profile,
                        const unsigned *late, size_t n_late, cramp_night_result *res,
                        cramp_error *err)
{
    cramp_night_memory mem;
    cramp_night_source src;
    cramp_night_source_memory(&src, &mem, s->x, s->frames, s->channels, s->fs, s->info);
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.threads = threads;
    opt.part_channels = s->channels; /* one part */
    if (default_width) opt.part_channels = 0;
    opt.block_frames = block;
    opt.profile = profile;
    memset(err, 0, sizeof *err);
    return cramp__night_run_forced_cut(&src, &opt, late, n_late, res, err);
}

static void check(const night_sim *s, const char *name)
{
    cramp_night_result ref;
    cramp_error err;
    cramp_status st = run(s, 1, 4096, 0, NULL, 0, &ref, &err);
    CHECK(st == CRAMP_OK, "%s, one thread: %s", name, err.message);
    if (st != CRAMP_OK) return;
    CHECK(ref.n_episodes > 0, "%s: no episodes, nothing to compare", name);
    /* every move from every cut: comb (start) -> none -> motion -> both ->
       comb -> both -> none -> comb -> motion -> none ... */
    static const unsigned cycle[] = {0,
                                     CRAMP__FILTER_MOTION,
                                     CRAMP__FILTER_ALL,
                                     CRAMP__FILTER_COMB,
                                     CRAMP__FILTER_ALL,
                                     0,
                                     CRAMP__FILTER_COMB,
                                     CRAMP__FILTER_MOTION,
                                     CRAMP__FILTER_COMB,
                                     CRAMP__FILTER_ALL,
                                     CRAMP__FILTER_MOTION};
    const size_t blocks[] = {256, 333, 4096};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        for (int forced = 0; forced < 2; forced++)
            for (int profile = 0; profile < 2; profile++) {
                char what[160];
                snprintf(what, sizeof what, "%s, blocks of %zu, cut %s%s", name, blocks[b],
                         forced ? "forced" : "measured", profile ? ", timers on" : "");
                /* the cycle through more than one round at these lengths */
                CHECK(blocks[b] == 4096 ||
                          s->frames / blocks[b] >
                              2 * CRAMP__NIGHT_CUT_EVERY * (sizeof cycle / sizeof cycle[0]),
                      "%s: too few blocks to move the cut every way", what);
                cramp_night_result res;
                st = run(s, 2, blocks[b], profile, forced ? cycle : NULL,
                         forced ? sizeof cycle / sizeof cycle[0] : 0, &res, &err);
                CHECK(st == CRAMP_OK, "%s: %s", what, err.message);
                if (st != CRAMP_OK) continue;
                CHECK(res.n_episodes == ref.n_episodes, "%s: %zu episodes, one thread %zu", what,
                      res.n_episodes, ref.n_episodes);
                if (res.n_episodes == ref.n_episodes && ref.n_episodes)
                    CHECK(memcmp(res.episodes, ref.episodes,
                                 ref.n_episodes * sizeof *ref.episodes) == 0,
                          "%s: the episodes differ from one thread's", what);
                CHECK(memcmp(&res.summary, &ref.summary, sizeof ref.summary) == 0,
                      "%s: the summary differs", what);
                CHECK(res.group[0].frames == ref.group[0].frames &&
                          res.group[0].notches == ref.group[0].notches,
                      "%s: frames or notches differ", what);
                CHECK(res.group[0].parts == 1 && res.group[0].threads == 1,
                      "%s: %zu parts on %zu workers, not the reader-filters mode", what,
                      res.group[0].parts, res.group[0].threads);
                /* the threads' CPU time (both sides work) with the timers
                   on, nothing read without them */
                const cramp_night_group *g = &res.group[0];
                if (profile)
                    CHECK(g->reader_cpu_s > 0 && g->worker_cpu_s > 0 && g->reader_wait_s >= 0 &&
                              g->worker_wait_s >= 0,
                          "%s: calling thread CPU %g s, worker %g s", what, g->reader_cpu_s,
                          g->worker_cpu_s);
                else
                    CHECK(g->reader_cpu_s == 0 && g->worker_cpu_s == 0 &&
                              g->reader_wait_s == 0 && g->worker_wait_s == 0,
                          "%s: thread times without --profile", what);
                if (profile)
                    CHECK(res.profile.wall_s[CRAMP_STAGE_FILTER] > 0 &&
                              res.profile.wall_s[CRAMP_STAGE_ENVELOPE] > 0,
                          "%s: filter %g s, envelope %g s timed", what,
                          res.profile.wall_s[CRAMP_STAGE_FILTER],
                          res.profile.wall_s[CRAMP_STAGE_ENVELOPE]);
                cramp_night_result_free(&res);
            }
    cramp_night_result_free(&ref);
}

/* 2 threads and the default part width on a night wider than one SIMD
 * vector (12 channels: two vectors of 8 with AVX-512, three of 4 with AVX2):
 * one part, the reader band-passing both vectors, one worker; the same
 * bits as one thread, with the cut measured and forced through every move
 * (blocks of 333 frames: pieces cut at odd places by the band ring's end;
 * the reader runs the motion band, and the comb, in one pass with the
 * band-pass where the filters allow it: 8 channels or more on AVX-512). */
static void check_wide(const night_sim *s)
{
    cramp_night_result ref, res;
    cramp_error err;
    default_width = 1;
    cramp_status st = run(s, 1, 4096, 0, NULL, 0, &ref, &err);
    CHECK(st == CRAMP_OK, "12 channels, one thread: %s", err.message);
    if (st == CRAMP_OK) {
        static const unsigned cycle[] = {0, CRAMP__FILTER_MOTION, CRAMP__FILTER_ALL,
                                         CRAMP__FILTER_COMB, 0, CRAMP__FILTER_ALL};
        CHECK(s->frames / 333 > 2 * CRAMP__NIGHT_CUT_EVERY * (sizeof cycle / sizeof cycle[0]),
              "12 channels: too few blocks to move the cut every way");
        st = run(s, 2, 333, 0, cycle, sizeof cycle / sizeof cycle[0], &res, &err);
        CHECK(st == CRAMP_OK, "12 channels, 2 threads, cut forced: %s", err.message);
        if (st == CRAMP_OK) {
            CHECK(res.n_episodes == ref.n_episodes &&
                      memcmp(res.episodes, ref.episodes,
                             ref.n_episodes * sizeof *ref.episodes) == 0,
                  "12 channels, 2 threads, cut forced: the episodes differ from one thread's");
            CHECK(memcmp(&res.summary, &ref.summary, sizeof ref.summary) == 0,
                  "12 channels, 2 threads, cut forced: the summary differs");
            cramp_night_result_free(&res);
        }
        st = run(s, 2, 4096, 1, NULL, 0, &res, &err);
        CHECK(st == CRAMP_OK, "12 channels, 2 threads: %s", err.message);
    }
    if (st == CRAMP_OK) {
        CHECK(ref.n_episodes > 0, "12 channels: no episodes, nothing to compare");
        CHECK(res.n_episodes == ref.n_episodes &&
                  memcmp(res.episodes, ref.episodes, ref.n_episodes * sizeof *ref.episodes) == 0,
              "12 channels, 2 threads: the episodes differ from one thread's");
        CHECK(memcmp(&res.summary, &ref.summary, sizeof ref.summary) == 0,
              "12 channels, 2 threads: the summary differs");
        CHECK(res.group[0].parts == 1 && res.group[0].threads == 1,
              "12 channels, 2 threads, default width: %zu parts on %zu workers, not one part "
              "on one worker",
              res.group[0].parts, res.group[0].threads);
        CHECK(res.group[0].reader_cpu_s > 0 && res.group[0].worker_cpu_s > 0,
              "12 channels, 2 threads: thread CPU %g and %g s", res.group[0].reader_cpu_s,
              res.group[0].worker_cpu_s);
        cramp_night_result_free(&res);
    }
    cramp_night_result_free(&ref);
    default_width = 0;
}

int main(void)
{
    night_sim s;
    /* 50 Hz at 1 kHz: 20 samples a period, the comb */
    if (simulate(&s, 4, 50, 11)) {
        check(&s, "4 channels, 50 Hz mains (comb)");
        free(s.x);
    }
    /* 60 Hz at 1 kHz: not a whole number of samples, notches in the band-pass */
    if (simulate(&s, 3, 60, 12)) {
        check(&s, "3 channels, 60 Hz mains (notch cascade)");
        free(s.x);
    }
    if (simulate(&s, 12, 50, 13)) {
        check_wide(&s);
        free(s.x);
    }
    return cramp_test_finish("night_cut");
}
