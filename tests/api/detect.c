/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector (cramp/detect.h) through the night driver
 * (cramp/night.h): labels and timing on a simulated night with explicit
 * events, block-size invariance, priming, a quiet night, the
 * classification rules on hand-made segments, mains guess, labels, and bad
 * arguments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
#include "detect_handmade.h"
#include "testutil.h"

typedef struct run_out {
    cramp_activity *act;
    size_t n;
} run_out;

/* Streams the whole night through a detector in chunks of `chunk` frames
 * (after priming with the first minute when prime != 0). */
static int run_detector(cramp_synth *s, const cramp_detect_config *cfg,
                        const cramp_detect_channel *ch, size_t chunk, int prime, run_out *ro)
{
    const size_t C = cramp_synth_channels(s);
    const double fs = cramp_synth_fs(s);
    cramp_detector *d = NULL;
    cramp_error err;
    if (cramp_detector_create(&d, C, cfg, ch, &err) != CRAMP_OK) {
        fprintf(stderr, "create: %s\n", err.message);
        return -1;
    }
    cramp_synth_reset(s);
    if (prime) {
        size_t pf = (size_t)(60 * fs);
        float *p = malloc(pf * C * sizeof *p);
        size_t got = cramp_synth_generate(s, p, pf);
        CHECK(cramp_detector_prime(d, p, got) == CRAMP_OK, "prime");
        free(p);
        cramp_synth_reset(s);
    }
    float *buf = malloc(chunk * C * sizeof *buf);
    size_t cap = cramp_detector_max_output(d, chunk);
    if (cap < 3 * C) cap = 3 * C; /* finish: three segments per channel */
    cramp_activity *tmp = malloc(cap * sizeof *tmp);
    ro->act = malloc(4096 * sizeof *ro->act);
    ro->n = 0;
    size_t n, k;
    while ((n = cramp_synth_generate(s, buf, chunk)) > 0) {
        CHECK(cramp_detector_process(d, buf, n, tmp, cap, &k) == CRAMP_OK, "process");
        for (size_t i = 0; i < k && ro->n < 4096; i++) ro->act[ro->n++] = tmp[i];
    }
    CHECK(cramp_detector_finish(d, tmp, cap, &k) == CRAMP_OK, "finish");
    for (size_t i = 0; i < k && ro->n < 4096; i++) ro->act[ro->n++] = tmp[i];
    free(buf);
    free(tmp);
    cramp_detector_destroy(d);
    return 0;
}

/* The simulator as a night source (cramp/night.h): every channel, rewound
 * by a reset. */
static cramp_status synth_read(void *user, const size_t *channels, size_t n, float *out,
                               size_t max_frames, size_t *frames, cramp_error *err)
{
    (void)channels;
    (void)n;
    (void)err;
    *frames = cramp_synth_generate(user, out, max_frames);
    return CRAMP_OK;
}

static cramp_status synth_rewind(void *user, const size_t *channels, size_t n, cramp_error *err)
{
    (void)channels;
    (void)n;
    (void)err;
    cramp_synth_reset(user);
    return CRAMP_OK;
}

/* The night driver over the simulated night in blocks of `block` frames. */
static cramp_status run_night(cramp_synth *s, const cramp_detect_channel *ch, size_t block,
                              cramp_night_result *res, cramp_error *err)
{
    double fs[CRAMP_SYNTH_MAX_CHANNELS];
    const size_t C = cramp_synth_channels(s);
    for (size_t c = 0; c < C; c++) fs[c] = cramp_synth_fs(s);
    cramp_night_source src = {C, fs, ch, 0, synth_read, synth_rewind, s};
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.block_frames = block;
    return cramp_night_run(&src, &opt, res, err);
}

static const char *night =
    "duration_min 12\n"
    "fs 2000\n"
    "channels 4\n"
    "seed 4242\n"
    "noise_uv 2\nmains_hz 50\nmains_uv 5\necg_uv 10\n"
    "cramp_per_hour 0\nplm_series_per_hour 0\nburst_per_hour 0\nmovement_per_hour 0\n"
    "motion_per_hour 0\npop_per_hour 0\nclip_per_hour 0\nlost_per_hour 0\n"
    "event cramp 100 60 1\n"
    "event plm 200 2 2 excitation=25\n"
    "event plm 222 1.5 2 excitation=25\n"
    "event plm 245 2 2 excitation=25\n"
    "event plm 270 1 2 excitation=25\n"
    "event plm 290 2.5 2 excitation=25\n"
    "event burst 400 1.5 3 excitation=20\n"
    "event movement 500 15 3,4 excitation=30 amplitude=0\n"
    "event lost 600 30 4\n"
    "event motion 650 3 2\n"
    "event pop 680 1 3\n";

/* Truth onsets and the label expected for each. */
static const struct {
    double onset, duration;
    cramp_event_type type;
} expect[] = {{100, 60, CRAMP_EVENT_CRAMP},    {200, 2, CRAMP_EVENT_PLM},
              {222, 1.5, CRAMP_EVENT_PLM},     {245, 2, CRAMP_EVENT_PLM},
              {270, 1, CRAMP_EVENT_PLM},       {290, 2.5, CRAMP_EVENT_PLM},
              {400, 1.5, CRAMP_EVENT_BURST},   {500, 15, CRAMP_EVENT_MOVEMENT},
              {600, 30, CRAMP_EVENT_ARTEFACT}, {650, 3, CRAMP_EVENT_ARTEFACT},
              {680, 1, CRAMP_EVENT_ARTEFACT}};

static void test_night(void)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    CHECK(cramp_scenario_parse(&sc, night, &err) == CRAMP_OK, "%s", err.message);
    cramp_synth *s = NULL;
    CHECK(cramp_synth_create(&s, &sc, &err) == CRAMP_OK, "%s", err.message);
    if (!s) return;
    const size_t C = cramp_synth_channels(s);
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = cramp_synth_fs(s);
    cramp_detect_channel ch[4];
    for (size_t c = 0; c < C; c++) {
        cramp_detect_channel_from_label(cramp_synth_channel_label(s, c), &ch[c]);
        ch[c].phys_min = -sc.range_uv;
        ch[c].phys_max = sc.range_uv;
    }
    cramp_night_result res, res2;
    CHECK(run_night(s, ch, 4096, &res, &err) == CRAMP_OK, "%s", err.message);
    const cramp_episode *ep = res.episodes;
    const size_t ne = res.n_episodes;
    CHECK(res.n_groups == 1 && res.mains_hz == 50 && fabs(res.duration_s - 12 * 60) < 1e-9,
          "%zu groups, mains %g Hz, %g s", res.n_groups, res.mains_hz, res.duration_s);
    for (size_t i = 0; i < ne; i++)
        fprintf(stderr, "  episode %.3f %.3f %s ch 0x%x %s\n", ep[i].onset_s, ep[i].duration_s,
                cramp_event_type_name(ep[i].type), ep[i].channels, ep[i].reason);
    /* every expected event found once with its label and its onset */
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) {
        size_t hits = 0;
        for (size_t i = 0; i < ne; i++) {
            double ov = fmin(ep[i].offset_s, expect[k].onset + expect[k].duration) -
                        fmax(ep[i].onset_s, expect[k].onset);
            if (ov <= 0) continue;
            hits++;
            CHECK(ep[i].type == expect[k].type, "event at %g s: %s, expected %s", expect[k].onset,
                  cramp_event_type_name(ep[i].type), cramp_event_type_name(expect[k].type));
            CHECK(fabs(ep[i].duration_s - (ep[i].offset_s - ep[i].onset_s)) < 1e-9 &&
                      fabs(ep[i].duration_s - expect[k].duration) < 1.0,
                  "event at %g s: duration %g, expected %g", expect[k].onset, ep[i].duration_s,
                  expect[k].duration);
            /* 0.25 s for every event (bench/README.md's target) but the
               motion artefact at 650 s: the simulator swells its amplitude
               from zero, and the detector sees it once it stands above the
               0.5-20 Hz resting level, 0.75 s in (measured). The target is a
               median over many events; the benchmark's pooled artefact
               median is within it, this single slow swell is not. */
            const double tol = expect[k].onset == 650 ? 1.0 : 0.25;
            CHECK(fabs(ep[i].onset_s - expect[k].onset) <= tol, "%s at %g s detected at %.3f s",
                  cramp_event_type_name(expect[k].type), expect[k].onset, ep[i].onset_s);
        }
        CHECK(hits == 1, "event at %g s (%s): %zu episodes overlap it", expect[k].onset,
              cramp_event_type_name(expect[k].type), hits);
    }
    CHECK(ne == sizeof expect / sizeof expect[0], "%zu episodes, expected %zu", ne,
          sizeof expect / sizeof expect[0]);
    /* the cramp's measures: far above rest, MNF measured at both ends */
    for (size_t i = 0; i < ne; i++) {
        if (ep[i].type != CRAMP_EVENT_CRAMP) continue;
        CHECK(ep[i].main_channel == 0, "cramp on channel %zu", ep[i].main_channel);
        CHECK(ep[i].rms_x_rest > 3, "cramp RMS %.2f x rest", ep[i].rms_x_rest);
        CHECK(ep[i].mnf_start_hz > 30 && ep[i].mnf_start_hz < 300, "MNF %g", ep[i].mnf_start_hz);
        CHECK(isfinite(ep[i].mnf_end_hz) && isfinite(ep[i].mnf_slope_hz_s), "MNF end/slope");
        CHECK(ep[i].lf_ratio < 0.5, "cramp LF ratio %g", ep[i].lf_ratio);
    }
    const cramp_detect_summary sum = res.summary;
    CHECK(sum.cramps == 1 && sum.plm == 5 && sum.plm_series == 1, "summary %zu cramps %zu plm",
          sum.cramps, sum.plm);
    CHECK(fabs(sum.plm_index - 5 / 0.2) < 1e-9, "PLM index %g", sum.plm_index);
    CHECK(fabs(sum.cramps_per_hour - 5) < 1e-9, "cramps per hour %g", sum.cramps_per_hour);

    /* blocks: the same episodes, bit for bit, through the driver in blocks of 37
       and 1000 frames, and the same segments from the detector frame by frame */
    const size_t blocks[] = {37, 1000};
    for (size_t q = 0; q < sizeof blocks / sizeof blocks[0]; q++) {
        CHECK(run_night(s, ch, blocks[q], &res2, &err) == CRAMP_OK, "%s", err.message);
        CHECK(res2.n_episodes == ne, "block %zu: %zu episodes, %zu in blocks of 4096", blocks[q],
              res2.n_episodes, ne);
        if (res2.n_episodes == ne)
            CHECK(memcmp(ep, res2.episodes, ne * sizeof *ep) == 0, "block %zu: episodes differ",
                  blocks[q]);
        CHECK(memcmp(&sum, &res2.summary, sizeof sum) == 0, "block %zu: summary differs",
              blocks[q]);
        cramp_night_result_free(&res2);
    }
    run_out a, b;
    if (run_detector(s, &cfg, ch, 4096, 1, &a) != 0) return;
    if (run_detector(s, &cfg, ch, 1, 1, &b) == 0) {
        CHECK(b.n == a.n && memcmp(a.act, b.act, a.n * sizeof *a.act) == 0,
              "frame by frame: %zu segments, %zu in blocks of 4096 (or they differ)", b.n, a.n);
        free(b.act);
    }
    /* without priming the first warm-up (10 s) is lost; every segment after it is
       found the same: channel, kind and onset/offset within one 10-ms tick (the
       resting levels differ a little, so the measures may) */
    if (run_detector(s, &cfg, ch, 4096, 0, &b) == 0) {
        const double warm = cfg.baseline.warmup_s;
        size_t na = 0, nb = 0;
        for (size_t i = 0; i < a.n; i++) na += a.act[i].onset_s > warm;
        for (size_t i = 0; i < b.n; i++) nb += b.act[i].onset_s > warm;
        CHECK(na == nb, "unprimed: %zu segments after the warm-up, primed %zu", nb, na);
        for (size_t i = 0, j = 0; i < a.n && j < b.n;) {
            if (a.act[i].onset_s <= warm) { i++; continue; }
            if (b.act[j].onset_s <= warm) { j++; continue; }
            CHECK(a.act[i].channel == b.act[j].channel && a.act[i].kind == b.act[j].kind &&
                      fabs(a.act[i].onset_s - b.act[j].onset_s) <= cfg.tick_s + 1e-9 &&
                      fabs(a.act[i].offset_s - b.act[j].offset_s) <= cfg.tick_s + 1e-9,
                  "unprimed: segment ch %zu %.3f-%.3f s, primed ch %zu %.3f-%.3f s",
                  b.act[j].channel, b.act[j].onset_s, b.act[j].offset_s, a.act[i].channel,
                  a.act[i].onset_s, a.act[i].offset_s);
            i++;
            j++;
        }
        free(b.act);
    }
    cramp_night_result_free(&res);
    free(a.act);
    cramp_synth_destroy(s);
}

static void test_quiet(void)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    CHECK(cramp_scenario_parse(&sc,
                               "duration_min 20\nfs 500\nchannels 2\nseed 77\nnoise_uv 3\n"
                               "mains_hz 60\nmains_uv 10\necg_uv 30\ncramp_per_hour 0\n"
                               "plm_series_per_hour 0\nburst_per_hour 0\nmovement_per_hour 0\n"
                               "motion_per_hour 0\npop_per_hour 0\nclip_per_hour 0\n"
                               "lost_per_hour 0\n",
                               &err) == CRAMP_OK,
          "%s", err.message);
    cramp_synth *s = NULL;
    CHECK(cramp_synth_create(&s, &sc, &err) == CRAMP_OK, "%s", err.message);
    if (!s) return;
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 500;
    /* the mains guess on this night */
    float *p = malloc(30000 * 2 * sizeof *p);
    size_t got = cramp_synth_generate(s, p, 30000);
    CHECK(cramp_detect_mains_guess(p, got, 2, 500) == 60, "mains guess %g",
          cramp_detect_mains_guess(p, got, 2, 500));
    free(p);
    cfg.mains_hz = 60;
    run_out a;
    if (run_detector(s, &cfg, NULL, 4096, 1, &a) == 0) {
        CHECK(a.n == 0, "quiet night (noise, hum, ECG): %zu segments", a.n);
        for (size_t i = 0; i < a.n; i++)
            fprintf(stderr, "  segment ch %zu %.2f-%.2f rms %.2f rest %.2f\n", a.act[i].channel,
                    a.act[i].onset_s, a.act[i].offset_s, a.act[i].rms_uv, a.act[i].rest_uv);
        free(a.act);
    }
    cramp_synth_destroy(s);
}

static cramp_activity seg(size_t c, double on, double off, double rms)
{
    return handmade_seg(c, on, off, rms);
}

static void test_rules(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 1000;
    cramp_detect_channel ch[4];
    handmade_montage(ch);
    CHECK(ch[0].leg == 0 && ch[0].muscle == CRAMP_MUSCLE_GAS, "L-GAS");
    CHECK(ch[3].leg == 1 && ch[3].muscle == CRAMP_MUSCLE_TA, "R-TA");
    cramp_detect_channel x;
    cramp_detect_channel_from_label("EMG Tib Ant Right", &x);
    CHECK(x.leg == 1 && x.muscle == CRAMP_MUSCLE_TA, "long label: leg %d muscle %d", x.leg,
          x.muscle);
    cramp_detect_channel_from_label("Chin", &x);
    CHECK(x.leg == -1 && x.muscle == -1, "unknown label");

    cramp_activity a[32];
    size_t n = 0;
    /* a series of 4 LMs 20 s apart on L-TA, the third bilateral (R-TA 1 s later) */
    a[n++] = seg(1, 100, 102, 30);
    a[n++] = seg(1, 120, 121, 30);
    a[n++] = seg(1, 140, 141, 30);
    a[n++] = seg(3, 141.5, 143, 30);
    a[n++] = seg(1, 160, 162, 30);
    /* 3 LMs, then one after 5 s: interval too short, no series */
    a[n++] = seg(1, 400, 401, 30);
    a[n++] = seg(1, 420, 421, 30);
    a[n++] = seg(1, 440, 441, 30);
    a[n++] = seg(1, 445, 446, 30);
    /* a cramp with crosstalk on the same leg's other muscle (10 %) */
    a[n++] = seg(0, 600, 700, 100);
    a[n++] = seg(1, 600.2, 699.8, 10.2);
    /* the same on two muscles at full strength: a movement */
    a[n++] = seg(2, 800, 830, 100);
    a[n++] = seg(3, 800.5, 829, 80);
    /* sustained but weak: a burst */
    a[n++] = seg(2, 1000, 1010, 5);
    cramp_episode *ep = NULL;
    size_t ne = 0;
    cramp_error err;
    CHECK(cramp_detect_classify(a, n, ch, 4, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
          err.message);
    const struct {
        double onset;
        cramp_event_type type;
    } want[] = {{100, CRAMP_EVENT_PLM},   {120, CRAMP_EVENT_PLM},      {140, CRAMP_EVENT_PLM},
                {160, CRAMP_EVENT_PLM},   {400, CRAMP_EVENT_BURST},    {420, CRAMP_EVENT_BURST},
                {440, CRAMP_EVENT_BURST}, {445, CRAMP_EVENT_BURST},    {600, CRAMP_EVENT_CRAMP},
                {800, CRAMP_EVENT_MOVEMENT}, {1000, CRAMP_EVENT_BURST}};
    CHECK(ne == sizeof want / sizeof want[0], "%zu episodes", ne);
    for (size_t i = 0; i < ne && i < sizeof want / sizeof want[0]; i++) {
        CHECK(ep[i].onset_s == want[i].onset && ep[i].type == want[i].type,
              "episode %zu: %g %s, expected %g %s", i, ep[i].onset_s,
              cramp_event_type_name(ep[i].type), want[i].onset,
              cramp_event_type_name(want[i].type));
    }
    if (ne >= 3) CHECK(ep[2].channels == 0xA && ep[2].offset_s == 143, "bilateral LM merged");
    if (ne >= 9) CHECK(ep[8].channels == 0x1, "crosstalk channel involved: 0x%x", ep[8].channels);
    free(ep);
    /* an LM longer than 10 s breaks a series (WASM 2016; on the TA:
       activity on the calf alone, where the leg has a TA, is no LM and does
       not; plm_breaks) with plm_rhythm_rule off; on (the default since the
       ninth freeze), the series runs on across it when the next LM is in
       step (20, 30, 20 s) and the 15-s episode is no member */
    n = 0;
    a[n++] = seg(1, 100, 101, 30);
    a[n++] = seg(1, 120, 121, 30);
    a[n++] = seg(1, 130, 145, 5);
    a[n++] = seg(1, 150, 151, 30);
    a[n++] = seg(1, 170, 171, 30);
    for (int rule = 0; rule <= 1; rule++) {
        cramp_detect_config c2 = cfg;
        c2.plm_rhythm_rule = rule;
        CHECK(cramp_detect_classify(a, n, ch, 4, &c2, &ep, &ne, &err) == CRAMP_OK, "classify");
        for (size_t i = 0; i < ne; i++)
            CHECK((ep[i].type == CRAMP_EVENT_PLM) == (rule && ep[i].onset_s != 130),
                  "plm_rhythm_rule %d: %g is %s", rule, ep[i].onset_s,
                  cramp_event_type_name(ep[i].type));
        free(ep);
    }
    /* bad arguments */
    a[0].channel = 9;
    CHECK(cramp_detect_classify(a, 1, ch, 4, &cfg, &ep, &ne, &err) == CRAMP_EINVAL,
          "channel out of range");
    CHECK(cramp_detect_classify(a, 0, ch, 4, &cfg, &ep, &ne, &err) == CRAMP_OK && ne == 0,
          "empty list");
    free(ep);
    cramp_detector *d = NULL;
    CHECK(cramp_detector_create(&d, 0, &cfg, NULL, &err) == CRAMP_EINVAL && !d, "0 channels");
    cfg.fs = 0;
    CHECK(cramp_detector_create(&d, 2, &cfg, NULL, &err) == CRAMP_EINVAL && !d, "fs 0");
    cfg.fs = 1000;
    cfg.band_lo_hz = 600;
    CHECK(cramp_detector_create(&d, 2, &cfg, NULL, &err) == CRAMP_ERANGE && !d,
          "no band left at 1 kHz from 600 Hz: %s", err.message);
    cfg.band_lo_hz = 20;
    CHECK(cramp_detector_create(&d, 2, &cfg, NULL, &err) == CRAMP_OK, "%s", err.message);
    double lo, hi;
    size_t notches;
    cramp_detector_band(d, &lo, &hi, &notches);
    CHECK(lo == 20 && hi == 450 && notches == 9, "band %g-%g, %zu notches", lo, hi, notches);
    cramp_activity o[8];
    size_t k = 99;
    float z[4] = {0, 0, 0, 0};
    CHECK(cramp_detector_process(d, z, 2, o, 1, &k) == CRAMP_ERANGE && k == 0, "small out");
    cramp_detector_destroy(d);
    cramp_detector_destroy(NULL);
}

/* One channel: 60 s of resting noise (noise_uv RMS) to prime and lead in,
 * then `active_s` of activity, then 20 s of rest. Activity is either dense
 * (white Gaussian, RMS dense_uv) or sparse (biphasic pulses, Gaussian
 * derivative of width 1 ms and peak amp_uv, at Poisson times, rate nu per
 * s). Returns the detector's segments in ro and, for the sparse case, the
 * shot-noise excess kurtosis int h^4 / (nu (int h^2)^2) of the band-passed
 * pulse h in *predicted. */
/* The longest EMG segment of a run, or NULL. */
static const cramp_activity *longest(const run_out *ro)
{
    const cramp_activity *b = NULL;
    for (size_t i = 0; i < ro->n; i++)
        if (ro->act[i].kind == CRAMP_ACTIVITY_EMG &&
            (!b || ro->act[i].offset_s - ro->act[i].onset_s > b->offset_s - b->onset_s))
            b = &ro->act[i];
    return b;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_sparse(double fs, double noise_uv, int sparse, double dense_uv, double amp_uv,
                      double nu, double active_s, run_out *ro, double *predicted, double *ref)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = fs;
    cfg.mains_hz = 0;
    const size_t rest1 = (size_t)(60 * fs), act = (size_t)(active_s * fs),
                 total = rest1 + act + (size_t)(20 * fs);
    float *x = malloc(total * sizeof *x);
    test_rng r = {sparse ? 77u : 78u};
    for (size_t i = 0; i < total; i++) x[i] = (float)(noise_uv * test_rng_normal(&r));
    /* the pulse: derivative of a Gaussian, sigma 1 ms, peak amp_uv */
    const double sig = 1e-3 * fs;
    const long K = (long)ceil(5 * sig);
    double h[512];
    double hp = 0;
    for (long j = -K; j <= K; j++) {
        h[j + K] = -(double)j / sig * exp(-0.5 * (double)(j * j) / (sig * sig));
        if (fabs(h[j + K]) > hp) hp = fabs(h[j + K]);
    }
    for (long j = 0; j <= 2 * K; j++) h[j] *= amp_uv / hp;
    if (sparse) {
        double t = 0;
        for (;;) {
            t += -log(1 - test_rng_uniform(&r)) / nu;
            size_t c = rest1 + (size_t)(t * fs);
            if (c + (size_t)K >= rest1 + act) break;
            for (long j = -K; j <= K; j++) x[(long)c + j] += (float)h[j + K];
        }
    } else {
        for (size_t i = rest1; i < rest1 + act; i++) x[i] += (float)(dense_uv * test_rng_normal(&r));
    }
    cramp_detector *d = NULL;
    cramp_error err;
    if (cramp_detector_create(&d, 1, &cfg, NULL, &err) != CRAMP_OK) {
        fprintf(stderr, "create: %s\n", err.message);
        free(x);
        return -1;
    }
    double lo, hi;
    size_t nn;
    cramp_detector_band(d, &lo, &hi, &nn);
    cramp_biquad sos[16];
    size_t ns = 0;
    cramp_butter_spec bs = {CRAMP_BANDPASS, cfg.band_order, fs, lo, hi};
    CHECK(cramp_butter_design(&bs, sos, 16, &ns, NULL) == CRAMP_OK, "design");
    /* the prediction: the same band-pass as the detector applied to one
       pulse (a long zero tail so the response dies out) */
    if (predicted) {
        cramp_filter *f = NULL;
        CHECK(cramp_filter_create(&f, sos, ns, 1, NULL) == CRAMP_OK, "filter");
        const size_t L = (size_t)(0.5 * fs);
        float *in = calloc(L, sizeof *in), *out = malloc(L * sizeof *out);
        for (long j = 0; j <= 2 * K; j++) in[j] = (float)h[j];
        cramp_filter_process(f, in, out, L);
        double s2 = 0, s4 = 0;
        for (size_t i = 0; i < L; i++) {
            double v = (double)out[i] * (double)out[i];
            s2 += v;
            s4 += v * v;
        }
        *predicted = (s4 / fs) / (nu * (s2 / fs) * (s2 / fs));
        free(in);
        free(out);
        cramp_filter_destroy(f);
    }
    cramp_activity tmp[64];
    ro->act = malloc(64 * sizeof *ro->act);
    ro->n = 0;
    size_t k = 0;
    CHECK(cramp_detector_prime(d, x, rest1) == CRAMP_OK, "prime");
    const size_t chunk = 4096;
    for (size_t i = 0; i < total; i += chunk) {
        size_t n = total - i < chunk ? total - i : chunk;
        size_t cap = cramp_detector_max_output(d, n);
        cramp_activity *o = malloc(cap * sizeof *o);
        CHECK(cramp_detector_process(d, x + i, n, o, cap, &k) == CRAMP_OK, "process");
        for (size_t q = 0; q < k && ro->n < 64; q++) ro->act[ro->n++] = o[q];
        free(o);
    }
    CHECK(cramp_detector_finish(d, tmp, 64, &k) == CRAMP_OK, "finish");
    for (size_t q = 0; q < k && ro->n < 64; q++) ro->act[ro->n++] = tmp[q];
    cramp_detector_destroy(d);
    /* the reference: the definition computed directly in double on the
       band-passed signal, over the longest segment's 0.25-s blocks */
    const cramp_activity *a = longest(ro);
    *ref = (double)NAN;
    if (a) {
        float *y = malloc(total * sizeof *y);
        cramp_filter *f = NULL;
        CHECK(cramp_filter_create(&f, sos, ns, 1, NULL) == CRAMP_OK, "filter");
        double x0 = (double)x[0];
        cramp_filter_set_steady_state(f, &x0);
        cramp_filter_process(f, x, y, total);
        cramp_filter_destroy(f);
        const size_t B = (size_t)round(cfg.sparse_block_s * fs);
        const size_t f0 = (size_t)round(a->onset_s * fs), f1 = (size_t)round(a->offset_s * fs);
        double *ks = malloc((f1 - f0) / B * sizeof *ks + sizeof *ks);
        size_t nk = 0;
        const double v = a->rest_uv * a->rest_uv;
        for (size_t b = f0; b + B <= f1; b += B) {
            double s2 = 0, s4 = 0;
            for (size_t i = b; i < b + B; i++) {
                double q = (double)y[i] * (double)y[i];
                s2 += q;
                s4 += q * q;
            }
            double m2 = s2 / (double)B, m4 = s4 / (double)B;
            if (m2 > 2 * v) ks[nk++] = (m4 - 3 * m2 * m2) / ((m2 - v) * (m2 - v));
        }
        if (nk) {
            qsort(ks, nk, sizeof *ks, cmp_dbl);
            *ref = nk % 2 ? ks[nk / 2] : 0.5 * (ks[nk / 2 - 1] + ks[nk / 2]);
        }
        free(ks);
        free(y);
    }
    free(x);
    return 0;
}

static cramp_event_type label_of(const run_out *ro, double fs, int sparseness_rule)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = fs;
    cfg.sparseness_rule = sparseness_rule;
    cramp_episode *ep = NULL;
    size_t ne = 0;
    const cramp_activity *a = longest(ro);
    if (!a || cramp_detect_classify(a, 1, NULL, 1, &cfg, &ep, &ne, NULL) != CRAMP_OK || ne != 1) {
        free(ep);
        return CRAMP_EVENT_TYPES;
    }
    cramp_event_type t = ep[0].type;
    CHECK(ep[0].kurtosis == a->kurtosis || (isnan(ep[0].kurtosis) && isnan(a->kurtosis)),
          "episode kurtosis %g is the segment's %g", ep[0].kurtosis, a->kurtosis);
    free(ep);
    return t;
}

/* Sparseness: a Gaussian (dense) contraction measures about 0 and is a
 * movement, a sparse pulse train measures the shot-noise value and is a
 * cramp, the resting noise is taken out, and below a 200-Hz band edge it is
 * not measured. */
static void test_sparseness(void)
{
    run_out ro;
    double pred = 0, ref = 0, clean = 0;
    /* dense, 30 s at 60 uV over 2 uV noise */
    if (run_sparse(2000, 2, 0, 60, 0, 0, 30, &ro, NULL, &ref) == 0) {
        const cramp_activity *a = longest(&ro);
        CHECK(a && a->offset_s - a->onset_s > 29, "dense: one 30-s segment");
        if (a) {
            CHECK(a->kurtosis_blocks >= 100, "dense: %zu blocks", a->kurtosis_blocks);
            CHECK(fabs(a->kurtosis) < 0.1, "dense: kurtosis %g, expected ~0 (Gaussian)",
                  a->kurtosis);
            CHECK(fabs(a->kurtosis - ref) < 0.03, "dense: kurtosis %g, direct %g", a->kurtosis,
                  ref);
        }
        CHECK(label_of(&ro, 2000, 1) == CRAMP_EVENT_MOVEMENT,
              "dense: labelled movement with the sparseness rule");
        CHECK(label_of(&ro, 2000, 0) == CRAMP_EVENT_CRAMP,
              "dense: a cramp without the (opt-in) sparseness rule");
        free(ro.act);
    }
    /* sparse, 30 s of 150 pulses/s at 300 uV over 2 uV noise. The median of
       short-block values sits below the population's shot-noise kurtosis
       (a block's kurtosis is skewed upwards: most blocks have fewer big
       overlaps than average), so the theory bounds it loosely and the
       direct computation tightly. */
    if (run_sparse(2000, 2, 1, 0, 300, 150, 30, &ro, &pred, &ref) == 0) {
        const cramp_activity *a = longest(&ro);
        CHECK(a != NULL, "sparse: a segment");
        if (a) {
            clean = a->kurtosis;
            CHECK(pred > 1, "sparse: predicted %g", pred);
            CHECK(a->kurtosis > 0.5 * pred && a->kurtosis < 1.05 * pred,
                  "sparse: kurtosis %g, shot-noise value %g", a->kurtosis, pred);
            CHECK(fabs(a->kurtosis - ref) < 0.03 + 0.02 * ref, "sparse: kurtosis %g, direct %g",
                  a->kurtosis, ref);
        }
        CHECK(label_of(&ro, 2000, 1) == CRAMP_EVENT_CRAMP, "sparse: labelled cramp");
        /* the same pulse times (the generator draws them after the noise)
           under noise carrying a third of the power: the noise is taken out
           (uncorrected, the value would fall to (2/3)^2 of it) */
        double sig = a ? a->rms_uv * a->rms_uv - a->rest_uv * a->rest_uv : 0;
        free(ro.act);
        double noise = sqrt(0.5 * sig);
        if (sig > 0 && run_sparse(2000, noise, 1, 0, 300, 150, 30, &ro, &pred, &ref) == 0) {
            a = longest(&ro);
            CHECK(a != NULL, "noisy sparse: a segment");
            if (a) {
                CHECK(fabs(a->kurtosis - clean) < 0.15 * clean,
                      "noisy sparse (noise %.0f uV): kurtosis %g, without noise %g", noise,
                      a->kurtosis, clean);
                CHECK(fabs(a->kurtosis - ref) < 0.03 + 0.02 * ref,
                      "noisy sparse: kurtosis %g, direct %g", a->kurtosis, ref);
            }
            free(ro.act);
        }
    }
    /* 250 Hz: band 20-112.5 Hz, not measured; a dense contraction stays a cramp */
    if (run_sparse(250, 2, 0, 60, 0, 0, 30, &ro, NULL, &ref) == 0) {
        const cramp_activity *a = longest(&ro);
        CHECK(a && a->kurtosis_blocks == 0 && isnan(a->kurtosis), "250 Hz: not measured");
        CHECK(label_of(&ro, 250, 1) == CRAMP_EVENT_CRAMP, "250 Hz: dense stays cramp");
        free(ro.act);
    }
}

/* A memory source (cramp_night_source_memory) whose reads fail from frame
 * fail_at on. */
typedef struct failing {
    cramp_night_source inner;
    size_t fail_at;
    const cramp_night_memory *mem;
} failing;

static cramp_status failing_read(void *user, const size_t *channels, size_t nch, float *out,
                                 size_t max_frames, size_t *frames, cramp_error *err)
{
    failing *f = user;
    if (f->mem->pos >= f->fail_at) {
        if (err) snprintf(err->message, sizeof err->message, "test: read failed");
        return CRAMP_EIO;
    }
    return f->inner.read(f->inner.user, channels, nch, out, max_frames, frames, err);
}

static cramp_status failing_rewind(void *user, const size_t *channels, size_t n,
                                   cramp_error *err)
{
    failing *f = user;
    return f->inner.rewind(f->inner.user, channels, n, err);
}

static void note_progress(void *user, double f)
{
    double *last = user;
    CHECK(f >= last[0] && f <= 1, "progress %g after %g", f, last[0]);
    last[0] = f;
    last[1]++;
}

/* The driver's refusals (a night too short, a failing source, bad sources)
 * and its progress reports. */
static void test_night_driver(void)
{
    const double fs = 1000;
    const size_t N = 120 * 1000;
    float *x = malloc(N * sizeof *x);
    test_rng rng = {99};
    for (size_t i = 0; i < N; i++) x[i] = (float)(3 * test_rng_normal(&rng));
    cramp_detect_config dc;
    cramp_detect_config_default(&dc);
    const double min_s = cramp_night_min_duration(&dc);
    CHECK(min_s == 2 * dc.min_duration_s && min_s > 0, "minimum %g s", min_s);
    /* zero frames, one frame, just under and at the minimum */
    const size_t lens[] = {0, 1, (size_t)(min_s * fs) - 1, (size_t)(min_s * fs)};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        cramp_night_memory m;
        cramp_night_source src;
        cramp_night_source_memory(&src, &m, x, lens[k], 1, &fs, NULL);
        cramp_night_result res;
        cramp_error err;
        memset(&err, 0, sizeof err);
        cramp_status st = cramp_night_run(&src, NULL, &res, &err);
        if (k < 3) {
            char want[64];
            snprintf(want, sizeof want, "needs at least %g s", min_s);
            CHECK(st == CRAMP_EINVAL && strstr(err.message, want) && res.episodes == NULL,
                  "%zu frames: status %d, '%s'", lens[k], (int)st, err.message);
            snprintf(want, sizeof want, "is %g s long", (double)lens[k] / fs);
            CHECK(strstr(err.message, want) != NULL, "%zu frames: '%s'", lens[k], err.message);
        } else {
            CHECK(st == CRAMP_OK && res.n_episodes == 0 && res.duration_s == min_s,
                  "%zu frames: status %d, %zu episodes, %g s", lens[k], (int)st,
                  res.n_episodes, res.duration_s);
            cramp_night_result_free(&res);
        }
    }
    /* progress: non-decreasing, ends at 1; duration and samples */
    cramp_night_memory m;
    cramp_night_source src;
    cramp_night_source_memory(&src, &m, x, N, 1, &fs, NULL);
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    double prog[2] = {0, 0};
    opt.progress = note_progress;
    opt.progress_user = prog;
    opt.name = "mem";
    cramp_night_result res;
    cramp_error err;
    CHECK(cramp_night_run(&src, &opt, &res, &err) == CRAMP_OK, "%s", err.message);
    CHECK(prog[0] == 1 && prog[1] >= (double)N / (double)opt.block_frames,
          "progress %g in %g calls", prog[0], prog[1]);
    CHECK(res.duration_s == 120 && res.samples == N && res.n_groups == 1 &&
              !strncmp(res.mains_how, "auto", 4) && (res.mains_hz == 50 || res.mains_hz == 60),
          "%g s, %llu samples, mains %g (%s)", res.duration_s, (unsigned long long)res.samples,
          res.mains_hz, res.mains_how);
    cramp_night_result_free(&res);
    cramp_night_result_free(&res); /* cleared: a no-op */
    /* a failing source: its status and message */
    failing fl = {src, 70000, &m};
    cramp_night_source fsrc = src;
    fsrc.read = failing_read;
    fsrc.rewind = failing_rewind;
    fsrc.user = &fl;
    opt.progress = NULL;
    CHECK(cramp_night_run(&fsrc, &opt, &res, &err) == CRAMP_EIO &&
              !strcmp(err.message, "test: read failed") && res.episodes == NULL,
          "failing source: '%s'", err.message);
    /* bad sources */
    const double slow = 50;
    src.fs = &slow;
    CHECK(cramp_night_run(&src, &opt, &res, &err) == CRAMP_EINVAL && strstr(err.message, "'mem'"),
          "50 Hz: '%s'", err.message);
    src.fs = &fs;
    src.n_channels = 0;
    CHECK(cramp_night_run(&src, &opt, &res, &err) == CRAMP_EINVAL, "0 channels");
    free(x);
}

int main(void)
{
    test_sparseness();
    test_rules();
    test_quiet();
    test_night();
    test_night_driver();
    return cramp_test_finish("detect");
}
