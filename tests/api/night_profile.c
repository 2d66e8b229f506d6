/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stage timers of the night driver (cramp/profile.h): off, the profile is
 * all zeros; on, every stage the run goes through has a time, the stages
 * fit inside the run, the samples are the night's, and the episodes are the
 * same bytes as without timers. */
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
#include "testutil.h"

static const char *night = "duration_min 6\nfs 2000\nchannels 4\nseed 99\n"
                           "noise_uv 2\nmains_hz 50\nmains_uv 5\n"
                           "cramp_per_hour 0\nplm_series_per_hour 0\nburst_per_hour 0\n"
                           "movement_per_hour 0\nmotion_per_hour 0\npop_per_hour 0\n"
                           "clip_per_hour 0\nlost_per_hour 0\n"
                           "event cramp 100 40 1\nevent burst 200 1.5 3 excitation=20\n";

/* The night in memory (cramp_night_source_memory), profiled or not. */
static void run(const float *x, size_t frames, size_t C, const double *fs, int profile,
                cramp_night_result *res)
{
    cramp_night_memory mem;
    cramp_night_source src;
    cramp_night_source_memory(&src, &mem, x, frames, C, fs, NULL);
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.profile = profile;
    cramp_error err;
    memset(&err, 0, sizeof err);
    CHECK(cramp_night_run(&src, &opt, res, &err) == CRAMP_OK, "%s", err.message);
}

int main(void)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    CHECK(cramp_scenario_parse(&sc, night, &err) == CRAMP_OK, "%s", err.message);
    cramp_synth *s = NULL;
    CHECK(cramp_synth_create(&s, &sc, &err) == CRAMP_OK, "%s", err.message);
    if (!s) return cramp_test_finish("night_profile");

    const size_t C = cramp_synth_channels(s), N = (size_t)(6 * 60 * cramp_synth_fs(s));
    double fs[CRAMP_SYNTH_MAX_CHANNELS];
    for (size_t c = 0; c < C; c++) fs[c] = cramp_synth_fs(s);
    float *x = malloc(N * C * sizeof *x);
    CHECK(x && cramp_synth_generate(s, x, N) == N, "the night");
    cramp_night_result off, on;
    run(x, N, C, fs, 0, &off);
    run(x, N, C, fs, 1, &on);
    const cramp_profile *p = &on.profile;

    /* off: nothing timed */
    const cramp_profile zero = {{0}, 0, 0, 0};
    CHECK(!memcmp(&off.profile, &zero, sizeof zero), "profile off, yet times in the result");

    /* on: the same episodes, byte for byte */
    CHECK(off.n_episodes == on.n_episodes && off.n_episodes > 0, "%zu vs %zu episodes",
          off.n_episodes, on.n_episodes);
    for (size_t i = 0; i < off.n_episodes && i < on.n_episodes; i++) {
        cramp_episode a = off.episodes[i], b = on.episodes[i];
        CHECK(a.onset_s == b.onset_s && a.duration_s == b.duration_s && a.type == b.type &&
                  a.channels == b.channels && a.rms_uv == b.rms_uv &&
                  a.mnf_start_hz == b.mnf_start_hz && a.confidence == b.confidence,
              "episode %zu differs with the timers on", i);
    }

    /* on: the samples of the night, the stages the run went through timed,
       the output stage left to the tool, the stages inside the run */
    CHECK(p->samples == on.samples && p->samples == (uint64_t)(6 * 60 * 2000) * 4,
          "samples %llu, result %llu", (unsigned long long)p->samples,
          (unsigned long long)on.samples);
    const cramp_stage ran[] = {CRAMP_STAGE_READ,     CRAMP_STAGE_FILTER,  CRAMP_STAGE_ENVELOPE,
                               CRAMP_STAGE_BASELINE, CRAMP_STAGE_SEGMENT, CRAMP_STAGE_SPECTRAL,
                               CRAMP_STAGE_CLASSIFY};
    double sum = 0;
    for (size_t k = 0; k < sizeof ran / sizeof ran[0]; k++) {
        CHECK(p->wall_s[ran[k]] > 0, "stage %s not timed", cramp_stage_name(ran[k]));
        sum += p->wall_s[ran[k]];
    }
    CHECK(p->wall_s[CRAMP_STAGE_OUTPUT] == 0, "the library timed the output");
    CHECK(p->total_wall_s > 0 && sum <= p->total_wall_s * (1 + 1e-9),
          "stages %g s, run %g s", sum, p->total_wall_s);
    CHECK(p->cpu_s > 0, "no CPU time");
    CHECK(!strcmp(cramp_stage_name(CRAMP_STAGE_FILTER), "filter") &&
              !strcmp(cramp_stage_name(CRAMP_STAGE_OUTPUT), "output") &&
              !strcmp(cramp_stage_name(CRAMP_STAGES), "?"),
          "stage names");
    CHECK(cramp_clock_s() > 0, "monotonic clock");

    /* a detector's own timers: off by default, cleared when turned on */
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cramp_detector *d = NULL;
    CHECK(cramp_detector_create(&d, 2, &cfg, NULL, &err) == CRAMP_OK, "%s", err.message);
    float y[2 * 4000];
    for (size_t i = 0; i < 2 * 4000; i++) y[i] = (float)(i % 7) - 3.0f;
    cramp_profile acc = zero;
    cramp_detector_prime(d, y, 4000);
    cramp_detector_profile_add(d, &acc);
    CHECK(acc.wall_s[CRAMP_STAGE_FILTER] == 0, "timed without being asked");
    cramp_detector_set_profile(d, 1);
    cramp_detector_prime(d, y, 4000);
    cramp_detector_profile_add(d, &acc);
    CHECK(acc.wall_s[CRAMP_STAGE_FILTER] > 0 && acc.wall_s[CRAMP_STAGE_ENVELOPE] > 0 &&
              acc.wall_s[CRAMP_STAGE_BASELINE] > 0 && acc.wall_s[CRAMP_STAGE_READ] == 0,
          "detector stages: filter %g envelope %g baseline %g",
          acc.wall_s[CRAMP_STAGE_FILTER], acc.wall_s[CRAMP_STAGE_ENVELOPE],
          acc.wall_s[CRAMP_STAGE_BASELINE]);
    cramp_detector_destroy(d);

    cramp_night_result_free(&off);
    cramp_night_result_free(&on);
    cramp_synth_destroy(s);
    free(x);
    return cramp_test_finish("night_profile");
}
