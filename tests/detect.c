/* The cramp detector (cramp/detect.h): labels and timing on a simulated
 * night with explicit events, chunking invariance, a quiet night, the
 * classification rules on hand-made segments, mains guess, labels, and bad
 * arguments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
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
    if (cap < 2 * C) cap = 2 * C;
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
    "event lost 600 30 4\n";

/* Truth onsets and the label expected for each. */
static const struct {
    double onset, duration;
    cramp_event_type type;
} expect[] = {{100, 60, CRAMP_EVENT_CRAMP},    {200, 2, CRAMP_EVENT_PLM},
              {222, 1.5, CRAMP_EVENT_PLM},     {245, 2, CRAMP_EVENT_PLM},
              {270, 1, CRAMP_EVENT_PLM},       {290, 2.5, CRAMP_EVENT_PLM},
              {400, 1.5, CRAMP_EVENT_BURST},   {500, 15, CRAMP_EVENT_MOVEMENT},
              {600, 30, CRAMP_EVENT_ARTEFACT}};

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
    run_out a, b;
    if (run_detector(s, &cfg, ch, 4096, 1, &a) != 0) return;
    cramp_episode *ep = NULL;
    size_t ne = 0;
    CHECK(cramp_detect_classify(a.act, a.n, ch, C, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
          err.message);
    for (size_t i = 0; i < ne; i++)
        fprintf(stderr, "  episode %.3f %.3f %s ch 0x%x %s\n", ep[i].onset_s, ep[i].duration_s,
                cramp_event_type_name(ep[i].type), ep[i].channels, ep[i].reason);
    /* every expected event found once with its label, onset within 0.25 s */
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
            if (expect[k].type != CRAMP_EVENT_ARTEFACT)
                CHECK(fabs(ep[i].onset_s - expect[k].onset) <= 0.25,
                      "event at %g s detected at %.3f s", expect[k].onset, ep[i].onset_s);
            else
                CHECK(fabs(ep[i].onset_s - expect[k].onset) <= 1.0,
                      "flat line at %g s detected at %.3f s", expect[k].onset, ep[i].onset_s);
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
    cramp_detect_summary sum;
    cramp_detect_summarize(ep, ne, 12 * 60, &sum);
    CHECK(sum.cramps == 1 && sum.plm == 5 && sum.plm_series == 1, "summary %zu cramps %zu plm",
          sum.cramps, sum.plm);
    CHECK(fabs(sum.plm_index - 5 / 0.2) < 1e-9, "PLM index %g", sum.plm_index);
    CHECK(fabs(sum.cramps_per_hour - 5) < 1e-9, "cramps per hour %g", sum.cramps_per_hour);

    /* chunking: the same segments, bit for bit, in blocks of 1, 37 and 4096 frames */
    size_t chunks[] = {37, 1000};
    for (size_t q = 0; q < sizeof chunks / sizeof chunks[0]; q++) {
        if (run_detector(s, &cfg, ch, chunks[q], 1, &b) != 0) return;
        CHECK(b.n == a.n, "chunk %zu: %zu segments, %zu in blocks of 4096", chunks[q], b.n, a.n);
        if (b.n == a.n)
            CHECK(memcmp(a.act, b.act, a.n * sizeof *a.act) == 0,
                  "chunk %zu: segments differ", chunks[q]);
        free(b.act);
    }
    /* without priming the first 10 s are warm-up, the rest is the same */
    if (run_detector(s, &cfg, ch, 4096, 0, &b) == 0) {
        CHECK(b.n == a.n, "unprimed: %zu segments, primed %zu", b.n, a.n);
        free(b.act);
    }
    free(ep);
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
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.onset_s = on;
    a.offset_s = off;
    a.rms_uv = rms;
    a.rest_uv = 2;
    a.bp_excess_uv2 = rms * rms - 4;
    a.mnf_start_hz = a.mnf_end_hz = a.mdf_start_hz = a.mdf_end_hz = (double)NAN;
    return a;
}

static void test_rules(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 1000;
    cramp_detect_channel ch[4];
    cramp_detect_channel_from_label("L-GAS", &ch[0]);
    cramp_detect_channel_from_label("L-TA", &ch[1]);
    cramp_detect_channel_from_label("R-GAS", &ch[2]);
    cramp_detect_channel_from_label("R-TA", &ch[3]);
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
    /* an LM longer than 10 s breaks a series */
    n = 0;
    a[n++] = seg(1, 100, 101, 30);
    a[n++] = seg(1, 120, 121, 30);
    a[n++] = seg(0, 130, 145, 5);
    a[n++] = seg(1, 150, 151, 30);
    a[n++] = seg(1, 170, 171, 30);
    CHECK(cramp_detect_classify(a, n, ch, 4, &cfg, &ep, &ne, &err) == CRAMP_OK, "classify");
    for (size_t i = 0; i < ne; i++)
        CHECK(ep[i].type != CRAMP_EVENT_PLM, "series broken by a 15-s episode: %g is plm",
              ep[i].onset_s);
    free(ep);
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

int main(void)
{
    test_rules();
    test_quiet();
    test_night();
    return cramp_test_finish("detect");
}
