/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The simulator (cramp/synth.h): the scenario format, determinism and
 * chunking, and that the statistics of what it generates match what the
 * scenario asked for (firing rates and variability of cramp and voluntary
 * units, event timing, RMS levels, the fall of mean frequency with fatigue,
 * mains and ECG, artefacts). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/synth.h"
#include "synth_make.h"
#include "testutil.h"

static const double PI = 3.14159265358979323846;

/* A quiet night: no random events, no interference; tests add what they need. */
static const char *QUIET = "duration_min 2\n"
                           "channels 4\n"
                           "noise_uv 0\nmains_uv 0\necg_uv 0\n"
                           "cramp_per_hour 0\nplm_series_per_hour 0\nburst_per_hour 0\n"
                           "movement_per_hour 0\nmotion_per_hour 0\npop_per_hour 0\n"
                           "clip_per_hour 0\nlost_per_hour 0\n";

static cramp_synth *make(const char *extra) { return synth_make(QUIET, extra); }

/* The whole night (small ones only), interleaved. */
static float *generate_all(cramp_synth *s, size_t *frames)
{
    const size_t C = cramp_synth_channels(s);
    const size_t n = (size_t)cramp_synth_total_frames(s);
    float *x = malloc((n ? n : 1) * C * sizeof *x);
    if (!x) return NULL;
    size_t got = cramp_synth_generate(s, x, n);
    CHECK(got == n, "generated %zu of %zu frames", got, n);
    CHECK(cramp_synth_generate(s, x, 1) == 0, "frames after the end");
    *frames = got;
    return x;
}

static double rms_range(const float *x, size_t C, size_t c, size_t a, size_t b)
{
    double s = 0;
    for (size_t n = a; n < b; n++) s += (double)x[n * C + c] * (double)x[n * C + c];
    return sqrt(s / (double)(b - a));
}

/* ---- spectra ---------------------------------------------------------------- */

static void fft(double *re, double *im, size_t n)
{
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        for (size_t k = 0; k < len / 2; k++) {
            const double wr = cos(2 * PI * (double)k / (double)len);
            const double wi = -sin(2 * PI * (double)k / (double)len);
            for (size_t i = 0; i < n; i += len) {
                const size_t p = i + k, q = i + k + len / 2;
                const double xr = re[q] * wr - im[q] * wi, xi = re[q] * wi + im[q] * wr;
                re[q] = re[p] - xr;
                im[q] = im[p] - xi;
                re[p] += xr;
                im[p] += xi;
            }
        }
    }
}

/* Welch PSD (Hann, 1024-sample segments, half overlap) of channel c over
 * frames [a, b): mean frequency, and the fraction of power below f_lim. */
static double welch_mnf(const float *x, size_t C, size_t c, size_t a, size_t b, double fs,
                        double f_lim, double *frac_below)
{
    enum { L = 1024 };
    double P[L / 2 + 1] = {0};
    double re[L], im[L];
    for (size_t s0 = a; s0 + L <= b; s0 += L / 2) {
        double mean = 0;
        for (size_t k = 0; k < L; k++) mean += (double)x[(s0 + k) * C + c];
        mean /= L;
        for (size_t k = 0; k < L; k++) {
            double w = 0.5 - 0.5 * cos(2 * PI * (double)k / L);
            re[k] = w * ((double)x[(s0 + k) * C + c] - mean);
            im[k] = 0;
        }
        fft(re, im, L);
        for (size_t k = 0; k <= L / 2; k++) P[k] += re[k] * re[k] + im[k] * im[k];
    }
    double num = 0, den = 0, below = 0;
    for (size_t k = 1; k <= L / 2; k++) {
        double f = (double)k * fs / L;
        num += f * P[k];
        den += P[k];
        if (f < f_lim) below += P[k];
    }
    if (frac_below) *frac_below = den > 0 ? below / den : 0;
    return den > 0 ? num / den : 0;
}

/* Amplitude of the f component of channel c over frames [a, b) (DFT). */
static double amplitude_at(const float *x, size_t C, size_t c, size_t a, size_t b, double fs,
                           double f)
{
    double sr = 0, si = 0;
    for (size_t n = a; n < b; n++) {
        double ph = 2 * PI * f * (double)n / fs;
        sr += (double)x[n * C + c] * cos(ph);
        si -= (double)x[n * C + c] * sin(ph);
    }
    return 2 * sqrt(sr * sr + si * si) / (double)(b - a);
}

/* ---- the scenario format ------------------------------------------------------ */

static void test_scenario_format(void)
{
    cramp_scenario a, b;
    cramp_scenario_default(&a);
    size_t need = cramp_scenario_format(&a, NULL, 0);
    char *t1 = malloc(need + 1), *t2 = malloc(need + 1);
    cramp_scenario_format(&a, t1, need + 1);
    CHECK(strlen(t1) == need, "format length %zu, said %zu", strlen(t1), need);
    cramp_error err;
    memset(&err, 0, sizeof err);
    /* Parsing the default's text over a different scenario gives the default. */
    cramp_scenario_default(&b);
    b.fs = 123;
    b.cramp_muscles = 0;
    b.n_mains_harmonics = 0;
    CHECK(cramp_scenario_parse(&b, t1, &err) == CRAMP_OK, "parse own text: %s", err.message);
    cramp_scenario_format(&b, t2, need + 1);
    CHECK(strcmp(t1, t2) == 0, "default scenario does not round-trip");
    CHECK(b.fs == 2000 && b.n_mains_harmonics == a.n_mains_harmonics, "fields not restored");

    /* The documented default file is the built-in default. */
    char path[4096];
    snprintf(path, sizeof path, "%s/default.scenario", CRAMP_TEST_DATASETS_DIR);
    cramp_scenario_default(&b);
    b.seed = 99;
    cramp_status st = cramp_scenario_load(&b, path, &err);
    CHECK(st == CRAMP_OK, "load %s: %s", path, err.message);
    if (st == CRAMP_OK) {
        cramp_scenario_format(&b, t2, need + 1);
        CHECK(strcmp(t1, t2) == 0, "datasets/default.scenario differs from the built-in default");
    }

    /* Channels, attenuation and events round-trip too. */
    cramp_scenario_default(&a);
    const char *txt = "channels 3\nchannel 2 R-TA ta right\nattenuation 1 2 0.25\n"
                      "event cramp 100 30 1 units=12\nevent movement 10 5 1,3 excitation=40 "
                      "amplitude=0\nmains_harmonics -\ncramp_muscles ta foot\nname a b  c\n";
    CHECK(cramp_scenario_parse(&a, txt, &err) == CRAMP_OK, "parse: %s", err.message);
    CHECK(a.channels == 3 && a.channel[1].set && !strcmp(a.channel[1].label, "R-TA") &&
              a.channel[1].muscle == CRAMP_MUSCLE_TA && a.channel[1].leg == 1,
          "channel line");
    CHECK(a.attenuation[0][1] == 0.25, "attenuation line");
    CHECK(a.n_events == 2 && a.events[0].kind == CRAMP_SYNTH_CRAMP && a.events[0].units == 12 &&
              a.events[1].channels == 5u && a.events[1].excitation_pct == 40 &&
              a.events[1].amplitude_uv == 0,
          "event lines");
    CHECK(a.n_mains_harmonics == 0 && a.cramp_muscles == ((1u << CRAMP_MUSCLE_TA) |
                                                          (1u << CRAMP_MUSCLE_FOOT)),
          "lists");
    CHECK(!strcmp(a.name, "a b  c"), "name '%s'", a.name);
    size_t n2 = cramp_scenario_format(&a, NULL, 0);
    char *t3 = malloc(n2 + 1), *t4 = malloc(n2 + 1);
    cramp_scenario_format(&a, t3, n2 + 1);
    cramp_scenario_default(&b);
    CHECK(cramp_scenario_parse(&b, t3, &err) == CRAMP_OK, "reparse: %s", err.message);
    cramp_scenario_format(&b, t4, n2 + 1);
    CHECK(strcmp(t3, t4) == 0, "scenario with lines does not round-trip");
    free(t3), free(t4);

    /* Errors name the line and the key. */
    struct {
        const char *text;
        int line;
        const char *word;
    } bad[] = {
        {"fs 2000\nbogus 1\n", 2, "bogus"},
        {"# c\n\nfs abc\n", 3, "fs"},
        {"fs 50\n", 1, "fs"},
        {"units 10.5\n", 1, "units"},
        {"cramp_duration_s 600 5\n", 1, "cramp_duration_s"},
        {"cramp_duration_s 5\n", 1, "cramp_duration_s"},
        {"seed -1\n", 1, "seed"},
        {"start 2024-13-01 00:00:00\n", 1, "start"},
        {"channel 1 L-GAS calf left\n", 1, "calf"},
        {"channel 17 X gas left\n", 1, "channel"},
        {"event spasm 1 2 1\n", 1, "spasm"},
        {"event cramp 1 -2 1\n", 1, "duration"},
        {"event cramp 1 2 0\n", 1, "channels"},
        {"event cramp 1 2 1 excitation=150\n", 1, "excitation"},
        {"mains_harmonics 0.1 x\n", 1, "mains_harmonics"},
        {"cramp_muscles gas arm\n", 1, "arm"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cramp_scenario_default(&b);
        memset(&err, 0, sizeof err);
        st = cramp_scenario_parse(&b, bad[i].text, &err);
        char want[32];
        snprintf(want, sizeof want, "line %d: ", bad[i].line);
        CHECK(st == CRAMP_EINVAL, "'%s' accepted", bad[i].text);
        CHECK(strncmp(err.message, want, strlen(want)) == 0 && strstr(err.message, bad[i].word),
              "'%s' gave message '%s'", bad[i].text, err.message);
    }
    /* Checks across keys. */
    const char *inconsistent[] = {"channels 2\nchannel 3 X gas left\n",
                                  "channels 2\nevent cramp 10 5 3\n",
                                  "duration_min 1\nevent cramp 50 20 1\n",
                                  "event cramp 10 5 1,2\n",
                                  "units 20\ncramp_units 30\n",
                                  "fs 100\nmains_hz 60\n",
                                  "channel 2 L-GAS gas left\n"};
    for (size_t i = 0; i < sizeof inconsistent / sizeof inconsistent[0]; i++) {
        cramp_scenario_default(&b);
        memset(&err, 0, sizeof err);
        CHECK(cramp_scenario_parse(&b, inconsistent[i], &err) == CRAMP_OK, "parse '%s': %s",
              inconsistent[i], err.message);
        cramp_synth *s = NULL;
        st = cramp_synth_create(&s, &b, &err);
        CHECK(st == CRAMP_EINVAL && !s && err.message[0], "'%s' accepted by create",
              inconsistent[i]);
        cramp_synth_destroy(s);
    }
    /* A file's errors carry its name. */
    memset(&err, 0, sizeof err);
    CHECK(cramp_scenario_load(&b, "/nonexistent/x.scenario", &err) == CRAMP_EIO &&
              strstr(err.message, "/nonexistent/x.scenario"),
          "missing file: %s", err.message);
    free(t1), free(t2);
}

/* ---- determinism ------------------------------------------------------------ */

static const char *BUSY = "duration_min 4\nnoise_uv 2\nmains_uv 4\necg_uv 10\n"
                          "cramp_per_hour 30\ncramp_duration_s 5 40\nplm_series_per_hour 20\n"
                          "plm_count 4 6\nburst_per_hour 60\nmovement_per_hour 30\n"
                          "movement_duration_s 3 10\nmotion_per_hour 60\npop_per_hour 60\n"
                          "clip_per_hour 30\nlost_per_hour 20\nlost_duration_s 2 10\n";

static void test_determinism(void)
{
    cramp_synth *a = make(BUSY), *b = make(BUSY);
    if (!a || !b) return;
    CHECK(cramp_synth_event_count(a) > 10, "busy night has %zu events", cramp_synth_event_count(a));
    size_t na, nb;
    float *xa = generate_all(a, &na), *xb = generate_all(b, &nb);
    const size_t C = cramp_synth_channels(a);
    CHECK(na == nb && memcmp(xa, xb, na * C * sizeof *xa) == 0, "same seed, different samples");
    int finite = 1;
    float mx = 0;
    for (size_t i = 0; i < na * C; i++) {
        finite &= isfinite(xa[i]);
        if (fabsf(xa[i]) > mx) mx = fabsf(xa[i]);
    }
    CHECK(finite && mx <= 5000.0f, "samples not finite or beyond the range (max %g)", (double)mx);

    /* Any chunking gives the same samples; so does a reset. */
    test_rng r = {42};
    cramp_synth_reset(b);
    CHECK(cramp_synth_position(b) == 0, "reset position");
    float *xc = calloc(na * C, sizeof *xc);
    size_t pos = 0;
    while (pos < na) {
        size_t want = 1 + (size_t)(test_rng_uniform(&r) * (test_rng_uniform(&r) < 0.5 ? 9 : 5000));
        size_t got = cramp_synth_generate(b, xc + pos * C, want);
        CHECK(got == (want < na - pos ? want : na - pos), "chunk of %zu gave %zu", want, got);
        if (!got) break;
        pos += got;
    }
    CHECK(pos == na && memcmp(xa, xc, na * C * sizeof *xa) == 0,
          "random chunking (or reset) changed the samples");

    /* Another seed, another night. */
    cramp_synth *d = make("duration_min 4\nseed 2\nnoise_uv 2\n");
    cramp_synth *e = make("duration_min 4\nseed 3\nnoise_uv 2\n");
    size_t nd, ne;
    float *xd = generate_all(d, &nd), *xe = generate_all(e, &ne);
    CHECK(nd == ne && memcmp(xd, xe, nd * C * sizeof *xd) != 0, "seeds 2 and 3 gave the same night");
    CHECK(cramp_synth_generate(NULL, xd, 1) == 0 && cramp_synth_generate(d, NULL, 1) == 0,
          "NULL arguments");
    free(xa), free(xb), free(xc), free(xd), free(xe);
    cramp_synth_destroy(a);
    cramp_synth_destroy(b);
    cramp_synth_destroy(d);
    cramp_synth_destroy(e);
    cramp_synth_destroy(NULL);
}

/* ---- firing statistics -------------------------------------------------------- */

typedef struct spike {
    size_t unit;
    double t;
    unsigned flags;
} spike;

typedef struct spikes {
    spike *v;
    size_t n, cap;
    size_t muscle_mask_hits[16];
} spikes;

static void on_spike(void *user, size_t muscle, size_t unit, double t, unsigned flags)
{
    spikes *s = user;
    s->muscle_mask_hits[muscle]++;
    if (muscle != 0) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4096;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (spike){unit, t, flags};
}

static int cmp_spike(const void *a, const void *b)
{
    const spike *x = a, *y = b;
    if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

/* Mean of a normal(mu, sd) truncated to [lo, hi], by quadrature. */
static double truncated_mean(double mu, double sd, double lo, double hi)
{
    double num = 0, den = 0;
    for (int i = 0; i < 20000; i++) {
        double x = lo + (hi - lo) * (i + 0.5) / 20000;
        double p = exp(-0.5 * (x - mu) * (x - mu) / (sd * sd));
        num += x * p;
        den += p;
    }
    return num / den;
}

static void test_cramp_firing(void)
{
    const double onset = 20, dur = 600;
    char extra[256];
    snprintf(extra, sizeof extra, "duration_min 11\nchannels 2\nevent cramp %g %g 1 units=40\n",
             onset, dur);
    cramp_synth *s = make(extra);
    if (!s) return;
    const cramp_scenario *sc = cramp_synth_scenario(s);
    spikes sp = {0};
    cramp_synth_set_spike_callback(s, on_spike, &sp);
    float *buf = malloc(8192 * 2 * sizeof *buf);
    while (cramp_synth_generate(s, buf, 8192)) {
    }
    free(buf);
    CHECK(sp.muscle_mask_hits[1] == 0, "the other leg's muscle fired %zu times",
          sp.muscle_mask_hits[1]);
    CHECK(sp.n > 100000, "only %zu cramp discharges", sp.n);
    qsort(sp.v, sp.n, sizeof *sp.v, cmp_spike);

    /* Trains: one unit's primary discharges without a gap of more than 1 s. */
    double first = (double)INFINITY, last = -(double)INFINITY;
    size_t n_primary = 0, n_doublet = 0, n_trains = 0, n_flags_bad = 0;
    double sum_rate = 0, sum_cv = 0, sum_life = 0, min_rate = (double)INFINITY, max_rate = 0;
    size_t i = 0;
    while (i < sp.n) {
        size_t j = i;
        double prev = -1, s1 = 0, s2 = 0, t_first = sp.v[i].t, t_last = sp.v[i].t;
        size_t k = 0;
        while (j < sp.n && sp.v[j].unit == sp.v[i].unit) {
            const spike *x = &sp.v[j];
            n_flags_bad += !(x->flags & CRAMP_SPIKE_CRAMP);
            if (x->t < first) first = x->t;
            if (x->t > last) last = x->t;
            if (x->flags & CRAMP_SPIKE_DOUBLET) {
                n_doublet++;
                j++;
                continue;
            }
            if (prev >= 0 && x->t - prev > 1.0) break;
            n_primary++;
            if (prev >= 0) {
                double isi = x->t - prev;
                s1 += isi;
                s2 += isi * isi;
                k++;
            }
            t_last = x->t;
            prev = x->t;
            j++;
        }
        if (k >= 30) {
            double m = s1 / (double)k, sd = sqrt(s2 / (double)k - m * m);
            double rate = 1 / m;
            sum_rate += rate;
            sum_cv += sd / m;
            sum_life += t_last - t_first;
            if (rate < min_rate) min_rate = rate;
            if (rate > max_rate) max_rate = rate;
            n_trains++;
        }
        if (j == i) j++;
        i = j;
    }
    CHECK(n_flags_bad == 0, "%zu discharges in a cramp not flagged as cramp", n_flags_bad);
    CHECK(n_trains > 300, "only %zu unit trains", n_trains);
    const double want_rate = truncated_mean(sc->cramp_rate_hz, sc->cramp_rate_sd_hz,
                                            sc->cramp_rate_limits.lo, sc->cramp_rate_limits.hi);
    const double mean_rate = sum_rate / (double)n_trains, mean_cv = sum_cv / (double)n_trains;
    const double doublets = (double)n_doublet / (double)n_primary;
    const double life = sum_life / (double)n_trains;
    printf("cramp: %zu trains, rate %.2f Hz (want %.2f, range %.1f-%.1f), CV %.3f (want %.3f), "
           "doublets %.4f (want %.3f), life %.1f s (want %.1f)\n",
           n_trains, mean_rate, want_rate, min_rate, max_rate, mean_cv, sc->cramp_cv, doublets,
           sc->cramp_doublet_fraction, life, sc->cramp_unit_life_s);
    CHECK(fabs(mean_rate - want_rate) < 0.6, "mean cramp rate %.2f Hz, want %.2f", mean_rate,
          want_rate);
    CHECK(min_rate > 0.85 * sc->cramp_rate_limits.lo && max_rate < 1.15 * sc->cramp_rate_limits.hi,
          "cramp rates %.1f-%.1f Hz outside %g-%g", min_rate, max_rate, sc->cramp_rate_limits.lo,
          sc->cramp_rate_limits.hi);
    CHECK(fabs(mean_cv - sc->cramp_cv) < 0.025, "interspike CV %.3f, want %.3f", mean_cv,
          sc->cramp_cv);
    CHECK(fabs(doublets - sc->cramp_doublet_fraction) < 0.004, "doublets %.4f, want %.3f",
          doublets, sc->cramp_doublet_fraction);
    CHECK(fabs(life - sc->cramp_unit_life_s) < 0.15 * sc->cramp_unit_life_s,
          "units active %.1f s on average, want %.1f", life, sc->cramp_unit_life_s);
    /* Abrupt onset, activity confined to the event. */
    CHECK(first >= onset && first < onset + 0.3, "first cramp discharge at %.3f s (onset %g)",
          first, onset);
    CHECK(last <= onset + dur + 0.05 && last > onset + dur - 2, "last discharge at %.3f s (end %g)",
          last, onset + dur);
    const cramp_synth_event *ev = cramp_synth_events(s);
    CHECK(cramp_synth_event_count(s) == 1 && ev[0].type == CRAMP_EVENT_CRAMP &&
              fabs(ev[0].onset_s - first) <= 1 / cramp_synth_fs(s) &&
              fabs(ev[0].duration_s - dur) < 1e-9 && !strcmp(ev[0].channel, "L-GAS"),
          "truth of the explicit cramp (onset at its first discharge, its duration as given)");
    free(sp.v);
    cramp_synth_destroy(s);
}

static void test_voluntary_firing(void)
{
    /* A steady 30 % contraction of muscle 1 for 60 s. */
    cramp_synth *s = make("duration_min 1.2\nevent movement 5 60 1 excitation=30 amplitude=0\n");
    if (!s) return;
    const cramp_scenario *sc = cramp_synth_scenario(s);
    spikes sp = {0};
    cramp_synth_set_spike_callback(s, on_spike, &sp);
    float *buf = malloc(4096 * 4 * sizeof *buf);
    while (cramp_synth_generate(s, buf, 4096)) {
    }
    free(buf);
    qsort(sp.v, sp.n, sizeof *sp.v, cmp_spike);
    size_t checked = 0, wrong_rate = 0, above = 0;
    double sum_cv = 0, worst = 0;
    for (size_t u = 0; u < sc->units; u++) {
        cramp_motor_unit_info info;
        CHECK(cramp_synth_unit_info(s, 0, u, &info) == CRAMP_OK, "unit info");
        double s1 = 0, s2 = 0, prev = -1;
        size_t k = 0, total = 0;
        for (size_t i = 0; i < sp.n; i++) {
            if (sp.v[i].unit != u) continue;
            total++;
            CHECK(sp.v[i].flags == 0, "voluntary discharge flagged %u", sp.v[i].flags);
            if (sp.v[i].t < 7 || sp.v[i].t > 63) continue; /* the plateau */
            if (prev >= 0) {
                s1 += sp.v[i].t - prev;
                s2 += (sp.v[i].t - prev) * (sp.v[i].t - prev);
                k++;
            }
            prev = sp.v[i].t;
        }
        if (info.threshold_pct > 30) {
            above += total;
            continue;
        }
        if (info.threshold_pct > 29) continue; /* at the edge of recruitment */
        double want = fmin(info.peak_rate_hz,
                           sc->rate_min_hz + sc->rate_gain * (30 - info.threshold_pct));
        double m = s1 / (double)k, rate = 1 / m, cv = sqrt(s2 / (double)k - m * m) / m;
        double rel = fabs(rate - want) / want;
        if (rel > worst) worst = rel;
        wrong_rate += rel > 0.03;
        sum_cv += cv;
        checked++;
    }
    printf("voluntary: %zu units at 30 %%, worst rate error %.2f %%, CV %.3f (want %.3f)\n",
           checked, 100 * worst, sum_cv / (double)checked, sc->isi_cv);
    CHECK(checked > 50, "only %zu units recruited at 30 %%", checked);
    CHECK(wrong_rate == 0, "%zu units fire more than 3 %% off the rate model (worst %.1f %%)",
          wrong_rate, 100 * worst);
    CHECK(above == 0, "units above threshold 30 %% fired %zu times", above);
    CHECK(fabs(sum_cv / (double)checked - sc->isi_cv) < 0.015, "voluntary CV %.3f, want %.3f",
          sum_cv / (double)checked, sc->isi_cv);
    free(sp.v);
    cramp_synth_destroy(s);
}

/* ---- event timing --------------------------------------------------------------- */

static void test_events(void)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    const char *txt = "duration_min 2880\nchannels 4\nplm_series_per_hour 0.5\nplm_count 4 12\n"
                      "plm_interval_s 10 90\nplm_duration_s 0.5 10\ncramp_per_hour 0.3\n";
    CHECK(cramp_scenario_parse(&sc, txt, &err) == CRAMP_OK, "%s", err.message);
    cramp_synth *s = NULL;
    CHECK(cramp_synth_create(&s, &sc, &err) == CRAMP_OK, "%s", err.message);
    if (!s) return;
    const size_t n = cramp_synth_event_count(s);
    const cramp_synth_event *e = cramp_synth_events(s);
    const double hours = sc.duration_min / 60;
    size_t count[CRAMP_SYNTH_KINDS] = {0};
    int series_seen = 0, lm_bad = 0, overlap_bad = 0, burst_bad = 0, order_bad = 0, cramp_leg_bad = 0;
    for (size_t i = 0; i < n; i++) {
        count[e[i].kind]++;
        if (i && e[i].onset_s < e[i - 1].onset_s) order_bad++;
        CHECK(e[i].onset_s >= 5 && e[i].onset_s + e[i].duration_s <= sc.duration_min * 60 - 5,
              "event %zu at %g s outside the night", i, e[i].onset_s);
        if (e[i].kind == CRAMP_SYNTH_CRAMP)
            CHECK(e[i].duration_s >= sc.cramp_duration_s.lo &&
                      e[i].duration_s <= sc.cramp_duration_s.hi &&
                      (e[i].channels & (e[i].channels - 1)) == 0,
                  "cramp of %g s on channels %x", e[i].duration_s, e[i].channels);
        if (e[i].kind == CRAMP_SYNTH_LM) {
            /* Up to the other leg's lag (2 s) longer than one movement. */
            lm_bad += e[i].duration_s < sc.plm_duration_s.lo - 1e-9 ||
                      e[i].duration_s > sc.plm_duration_s.hi + 2 + 1e-9;
        }
        for (size_t j = i + 1; j < n && e[j].onset_s < e[i].onset_s + e[i].duration_s + 2; j++)
            if ((e[i].channels & e[j].channels) && !(e[i].series && e[i].series == e[j].series)) {
                overlap_bad++;
                printf("overlap: %s %.2f+%.2f %s / %s %.2f+%.2f %s\n", e[i].detail, e[i].onset_s,
                       e[i].duration_s, e[i].channel, e[j].detail, e[j].onset_s, e[j].duration_s,
                       e[j].channel);
            }
        if (e[i].kind == CRAMP_SYNTH_CRAMP) /* nothing else on the cramping leg */
            for (size_t j = 0; j < n; j++) {
                unsigned leg = (e[i].channels & 3u) ? 3u : 12u;
                if (j != i && (e[j].channels & leg) && e[j].onset_s < e[i].onset_s + e[i].duration_s &&
                    e[i].onset_s < e[j].onset_s + e[j].duration_s)
                    cramp_leg_bad++;
            }
        if (e[i].kind == CRAMP_SYNTH_BURST)
            for (size_t j = 0; j < n; j++) {
                if (j == i || (e[j].kind != CRAMP_SYNTH_LM && e[j].kind != CRAMP_SYNTH_BURST))
                    continue;
                /* either leg: the AASM counts a series over both legs, so a
                   burst near the other leg's LM would be one of its members */
                double gap = e[j].onset_s >= e[i].onset_s
                                 ? e[j].onset_s - (e[i].onset_s + e[i].duration_s)
                                 : e[i].onset_s - (e[j].onset_s + e[j].duration_s);
                burst_bad += gap < 90;
            }
    }
    CHECK(order_bad == 0, "events not sorted by onset");
    CHECK(lm_bad == 0, "%d leg movements with durations outside the range", lm_bad);
    CHECK(overlap_bad == 0, "%d pairs of events overlap on a channel", overlap_bad);
    CHECK(burst_bad == 0, "%d bursts within 90 s of a leg movement of either leg", burst_bad);
    CHECK(cramp_leg_bad == 0, "%d events on a leg during its cramp", cramp_leg_bad);

    /* PLM series: >= 4 movements, onset-to-onset in the range, numbered in order. */
    size_t n_series = 0, bad_interval = 0, n_intervals = 0;
    double min_iv = (double)INFINITY, max_iv = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].kind != CRAMP_SYNTH_LM || e[i].index != 1) continue;
        n_series++;
        CHECK(e[i].series == series_seen + 1, "series %d after %d", e[i].series, series_seen);
        series_seen = e[i].series;
        CHECK(e[i].count >= 4 && e[i].count >= sc.plm_count.lo && e[i].count <= sc.plm_count.hi,
              "series of %d", e[i].count);
        double prev = e[i].onset_s;
        int idx = 1;
        for (size_t j = i + 1; j < n && idx < e[i].count; j++) {
            if (e[j].kind != CRAMP_SYNTH_LM || e[j].series != e[i].series) continue;
            CHECK(e[j].index == idx + 1, "movement %d after %d", e[j].index, idx);
            idx = e[j].index;
            double iv = e[j].onset_s - prev;
            bad_interval += iv < sc.plm_interval_s.lo - 1e-9 || iv > sc.plm_interval_s.hi + 1e-9;
            if (iv < min_iv) min_iv = iv;
            if (iv > max_iv) max_iv = iv;
            n_intervals++;
            prev = e[j].onset_s;
        }
        CHECK(idx == e[i].count, "series %d has %d of %d movements", e[i].series, idx, e[i].count);
    }
    printf("events over %.0f h: %zu series (%zu intervals %.1f-%.1f s), %zu cramps, %zu bursts, "
           "%zu movements, %zu motion, %zu pops, %zu clips, %zu lost; %zu dropped\n",
           hours, n_series, n_intervals, min_iv, max_iv, count[CRAMP_SYNTH_CRAMP],
           count[CRAMP_SYNTH_BURST], count[CRAMP_SYNTH_MOVEMENT], count[CRAMP_SYNTH_MOTION],
           count[CRAMP_SYNTH_POP], count[CRAMP_SYNTH_CLIP], count[CRAMP_SYNTH_LOST],
           cramp_synth_dropped_events(s));
    CHECK(bad_interval == 0, "%zu PLM intervals outside %g-%g s", bad_interval,
          sc.plm_interval_s.lo, sc.plm_interval_s.hi);
    /* Uniform intervals: the extremes come close to the ends of the range. */
    CHECK(n_intervals > 50 && min_iv < sc.plm_interval_s.lo + 5 && max_iv > sc.plm_interval_s.hi - 5,
          "intervals %.1f-%.1f s do not span the range", min_iv, max_iv);
    /* Counts are Poisson with mean rate x hours when nothing is dropped. */
    CHECK(cramp_synth_dropped_events(s) == 0, "%zu events dropped", cramp_synth_dropped_events(s));
    struct {
        size_t got;
        double rate;
        const char *what;
    } rates[] = {{n_series, sc.plm_series_per_hour, "plm series"},
                 {count[CRAMP_SYNTH_CRAMP], sc.cramp_per_hour, "cramps"},
                 {count[CRAMP_SYNTH_BURST], sc.burst_per_hour, "bursts"},
                 {count[CRAMP_SYNTH_MOVEMENT], sc.movement_per_hour, "movements"},
                 {count[CRAMP_SYNTH_POP], sc.pop_per_hour, "pops"}};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        double lam = rates[k].rate * hours;
        CHECK(fabs((double)rates[k].got - lam) < 4 * sqrt(lam) + 1, "%zu %s, expected %.1f",
              rates[k].got, rates[k].what, lam);
    }
    cramp_synth_destroy(s);
}

/* ---- levels, spectra, interference ------------------------------------------------ */

static void test_levels(void)
{
    /* Noise only, then a maximal contraction of muscle 1 without fatigue. */
    cramp_synth *s = make("noise_uv 5\nfatigue_stretch 1\n"
                          "event movement 40 60 1 excitation=100 amplitude=0\n");
    if (!s) return;
    const cramp_scenario *sc = cramp_synth_scenario(s);
    size_t n;
    float *x = generate_all(s, &n);
    const double fs = sc->fs;
    const size_t C = 4;
    for (size_t c = 0; c < C; c++) {
        double q = rms_range(x, C, c, (size_t)(2 * fs), (size_t)(38 * fs));
        CHECK(fabs(q - 5) < 0.1, "quiet RMS of channel %zu is %.3f uV, want 5", c, q);
    }
    const double a = rms_range(x, C, 0, (size_t)(42 * fs), (size_t)(98 * fs));
    const double want = sqrt(sc->mvc_rms_uv * sc->mvc_rms_uv + 25);
    const double x1 = rms_range(x, C, 1, (size_t)(42 * fs), (size_t)(98 * fs));
    const double want_x = sqrt(pow(sc->crosstalk * sc->mvc_rms_uv, 2) * sc->crosstalk_stretch + 25);
    const double other = rms_range(x, C, 2, (size_t)(42 * fs), (size_t)(98 * fs));
    printf("levels: quiet 5 uV; maximal contraction %.1f uV (want %.1f), crosstalk %.1f (want "
           "%.1f), other leg %.2f\n",
           a, want, x1, want_x, other);
    CHECK(fabs(a - want) < 0.07 * want, "RMS at 100 %% is %.1f uV, want %.1f", a, want);
    CHECK(fabs(x1 - want_x) < 0.15 * want_x, "crosstalk RMS %.1f uV, want %.1f", x1, want_x);
    CHECK(fabs(other - 5) < 0.15, "the other leg's RMS is %.2f uV, want the noise 5", other);
    free(x);
    cramp_synth_destroy(s);
}

static void test_fatigue(void)
{
    /* A sustained 60 % contraction: mean frequency falls as widths grow. */
    const double t0 = 5, dur = 150, level = 0.6;
    char extra[200];
    snprintf(extra, sizeof extra,
             "duration_min 2.7\nnoise_uv 0.5\nevent movement %g %g 1 excitation=%g amplitude=0\n",
             t0, dur, 100 * level);
    cramp_synth *s = make(extra);
    if (!s) return;
    const cramp_scenario *sc = cramp_synth_scenario(s);
    const double fs = sc->fs;
    const size_t C = 4;
    const size_t end_frame = (size_t)((t0 + dur - 1) * fs);
    float *x = malloc(end_frame * C * sizeof *x);
    size_t got = cramp_synth_generate(s, x, end_frame);
    CHECK(got == end_frame, "generated %zu", got);
    /* Fatigue state against the closed form of its equation at constant drive. */
    const double a = level / sc->fatigue_tau_s, b = a + (1 - level) / sc->recovery_tau_s;
    const double T = (double)end_frame / fs - t0;
    const double F = a / b * (1 - exp(-b * T));
    CHECK(fabs(cramp_synth_fatigue(s, 0) - F) < 0.01, "fatigue %.4f, want %.4f",
          cramp_synth_fatigue(s, 0), F);
    CHECK(cramp_synth_fatigue(s, 2) < 1e-12, "a resting muscle fatigued: %g",
          cramp_synth_fatigue(s, 2));
    const double m0 = welch_mnf(x, C, 0, (size_t)((t0 + 1) * fs), (size_t)((t0 + 6) * fs), fs, 0, NULL);
    const double m1 = welch_mnf(x, C, 0, end_frame - (size_t)(5 * fs), end_frame, fs, 0, NULL);
    /* Widths scale by 1 + (stretch - 1) F: frequencies by its inverse. */
    const double F0 = a / b * (1 - exp(-b * 3.5));
    const double F1 = a / b * (1 - exp(-b * (T - 2.5)));
    const double want = (1 + (sc->fatigue_stretch - 1) * F0) / (1 + (sc->fatigue_stretch - 1) * F1);
    printf("fatigue: MNF %.1f -> %.1f Hz (ratio %.3f, model %.3f), F = %.3f\n", m0, m1, m1 / m0,
           want, cramp_synth_fatigue(s, 0));
    CHECK(m0 > 80 && m0 < 160, "initial mean frequency %.1f Hz", m0);
    CHECK(m1 < 0.9 * m0, "mean frequency did not fall: %.1f -> %.1f Hz", m0, m1);
    CHECK(fabs(m1 / m0 - want) < 0.03, "MNF ratio %.3f, model %.3f", m1 / m0, want);
    free(x);
    cramp_synth_destroy(s);
}

static void test_mains_ecg(void)
{
    const double hz[2] = {50, 60};
    for (int k = 0; k < 2; k++) {
        char extra[160];
        snprintf(extra, sizeof extra,
                 "duration_min 0.2\nmains_hz %g\nmains_uv 10\nmains_harmonics 0 0.3\nnoise_uv 1\n",
                 hz[k]);
        cramp_synth *s = make(extra);
        if (!s) continue;
        size_t n;
        float *x = generate_all(s, &n);
        const double fs = cramp_synth_fs(s);
        const size_t a = 0, b = (size_t)(10 * fs);
        double own = amplitude_at(x, 4, 0, a, b, fs, hz[k]);
        double other = amplitude_at(x, 4, 0, a, b, fs, hz[1 - k]);
        double third = amplitude_at(x, 4, 0, a, b, fs, 3 * hz[k]);
        double second = amplitude_at(x, 4, 0, a, b, fs, 2 * hz[k]);
        printf("mains %g Hz: amplitude %.2f uV at %g Hz, %.3f at %g Hz, 3rd/1st %.3f\n", hz[k],
               own, hz[k], other, hz[1 - k], third / own);
        CHECK(own >= 5 - 0.1 && own <= 15 + 0.1, "mains amplitude %.2f uV (10 x 0.5-1.5)", own);
        CHECK(other < 0.02 * own, "%g Hz hum has %.3f uV at %g Hz", hz[k], other, hz[1 - k]);
        CHECK(fabs(third / own - 0.3) < 0.01, "third harmonic ratio %.3f, want 0.3", third / own);
        CHECK(second < 0.02 * own, "second harmonic %.3f uV, asked 0", second);
        free(x);
        cramp_synth_destroy(s);
    }
    /* ECG bleed: beats at the heart rate, energy below 40 Hz. */
    cramp_synth *s = make("duration_min 1\necg_uv 50\nheart_rate_bpm 72\nhrv 0.05\n");
    if (!s) return;
    size_t n;
    float *x = generate_all(s, &n);
    const double fs = cramp_synth_fs(s);
    double frac;
    welch_mnf(x, 4, 0, 0, n, fs, 40, &frac);
    float peak = 0;
    for (size_t i = 0; i < n; i++)
        if (fabsf(x[i * 4]) > peak) peak = fabsf(x[i * 4]);
    size_t beats = 0;
    for (size_t i = 1; i < n; i++) /* rising crossings of half the peak, 0.25 s apart */
        if (fabsf(x[i * 4]) >= 0.6f * peak && fabsf(x[(i - 1) * 4]) < 0.6f * peak) {
            beats++;
            i += (size_t)(0.25 * fs);
        }
    printf("ecg: %zu beats in 60 s (72 bpm), %.3f of the power below 40 Hz\n", beats, frac);
    CHECK(beats >= 66 && beats <= 78, "%zu beats in a minute at 72 bpm", beats);
    CHECK(frac > 0.95, "only %.3f of ECG power below 40 Hz", frac);
    free(x);
    cramp_synth_destroy(s);
}

static void test_artefacts(void)
{
    cramp_synth *s = make("noise_uv 2\nrange_uv 2000\n"
                          "event lost 10 5 1\n"
                          "event clip 20 2 2\n"
                          "event pop 30 1 3 amplitude=800\n"
                          "event motion 40 5 4 amplitude=100\n"
                          "event movement 60 10 1,2 excitation=30\n");
    if (!s) return;
    size_t n;
    float *x = generate_all(s, &n);
    const double fs = cramp_synth_fs(s);
    const size_t C = 4;
    size_t flat = 0, len = 0;
    for (size_t i = (size_t)ceil(10 * fs); i < (size_t)ceil(15 * fs); i++, len++) flat += x[i * C] == 0.0f;
    CHECK(flat == len, "lost electrode: %zu of %zu samples are 0", flat, len);
    CHECK(x[(size_t)(9.9 * fs) * C] != 0.0f && x[(size_t)(15.1 * fs) * C] != 0.0f,
          "flat outside the event");
    size_t rail = 0;
    for (size_t i = (size_t)(20 * fs); i < (size_t)(22 * fs); i++) rail += fabsf(x[i * C + 1]) == 2000.0f;
    CHECK(rail > (size_t)(0.5 * fs), "clipping: only %zu samples at the rails", rail);
    const double pop0 = fabs((double)x[((size_t)(30 * fs) + 2) * C + 2]);
    const double pop1 = rms_range(x, C, 2, (size_t)(30.95 * fs), (size_t)(31 * fs));
    CHECK(pop0 > 700 && pop0 < 810, "pop step %.1f uV, asked 800", pop0);
    CHECK(pop1 < 0.05 * pop0, "pop did not decay: %.1f uV after 5 time constants", pop1);
    double frac;
    welch_mnf(x, C, 3, (size_t)(40 * fs), (size_t)(45 * fs), fs, 20, &frac);
    const double mrms = rms_range(x, C, 3, (size_t)(40 * fs), (size_t)(45 * fs));
    printf("artefacts: pop %.0f uV, motion RMS %.1f uV with %.3f of its power below 20 Hz, "
           "%zu samples clipped\n",
           pop0, mrms, frac, rail);
    CHECK(frac > 0.95, "motion: %.3f of the power below 20 Hz", frac);
    CHECK(mrms > 30 && mrms < 100, "motion RMS %.1f uV (Hann-windowed 100)", mrms);
    /* A movement moves both its muscles. */
    for (size_t c = 0; c < 2; c++) {
        double act = rms_range(x, C, c, (size_t)(61 * fs), (size_t)(69 * fs));
        CHECK(act > 20, "movement: channel %zu RMS %.1f uV", c, act);
    }
    const cramp_synth_event *e = cramp_synth_events(s);
    size_t arte = 0;
    for (size_t i = 0; i < cramp_synth_event_count(s); i++)
        arte += e[i].type == CRAMP_EVENT_ARTEFACT;
    CHECK(arte == 4, "%zu artefact events, want 4", arte);
    free(x);
    cramp_synth_destroy(s);
}

/* Cramp confined to one muscle: its channel rises far above the others. */
static void test_cramp_confined(void)
{
    cramp_synth *s = make("noise_uv 2\nevent cramp 30 60 4\n");
    if (!s) return;
    size_t n;
    float *x = generate_all(s, &n);
    const double fs = cramp_synth_fs(s);
    double in = rms_range(x, 4, 3, (size_t)(32 * fs), (size_t)(88 * fs));
    double before = rms_range(x, 4, 3, (size_t)(2 * fs), (size_t)(28 * fs));
    double same_leg = rms_range(x, 4, 2, (size_t)(32 * fs), (size_t)(88 * fs));
    double other_leg = rms_range(x, 4, 0, (size_t)(32 * fs), (size_t)(88 * fs));
    printf("cramp: %.1f uV on its channel (%.1f before), %.1f same leg, %.2f other leg\n", in,
           before, same_leg, other_leg);
    CHECK(in > 10 * before, "cramp RMS %.1f vs %.1f before", in, before);
    CHECK(same_leg < 0.25 * in, "crosstalk %.1f of %.1f", same_leg, in);
    CHECK(fabs(other_leg - 2) < 0.1, "other leg %.2f uV, want the noise 2", other_leg);
    free(x);
    cramp_synth_destroy(s);
}

/* Rates and channel counts of the benchmark suite make valid nights. */
static void test_shapes(void)
{
    const char *cases[] = {"fs 250\nchannels 1\nduration_min 0.5\n",
                           "fs 4000\nchannels 8\nduration_min 0.2\n",
                           "fs 512\nchannels 3\nduration_min 0.3\nmains_hz 60\n",
                           "fs 1000\nchannels 16\nduration_min 0.1\n"};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char extra[256];
        snprintf(extra, sizeof extra, "%snoise_uv 3\nevent cramp 2 3 1\n", cases[k]);
        cramp_synth *s = make(extra);
        if (!s) continue;
        size_t n;
        float *x = generate_all(s, &n);
        const size_t C = cramp_synth_channels(s);
        int ok = 1;
        for (size_t i = 0; i < n * C; i++) ok &= isfinite(x[i]);
        CHECK(ok, "case %zu: non-finite samples", k);
        CHECK((double)n == floor(cramp_synth_scenario(s)->duration_min * 60 *
                                     cramp_synth_fs(s) + 0.5),
              "case %zu: %zu frames", k, n);
        for (size_t c = 0; c < C; c++) CHECK(cramp_synth_channel_label(s, c) != NULL, "label");
        CHECK(cramp_synth_channel_label(s, C) == NULL, "label past the end");
        double q = rms_range(x, C, 0, (size_t)(2.5 * cramp_synth_fs(s)), (size_t)(4.5 * cramp_synth_fs(s)));
        CHECK(q > 10, "case %zu: cramp RMS %.1f uV", k, q);
        free(x);
        cramp_synth_destroy(s);
    }
}

int main(void)
{
    test_scenario_format();
    test_determinism();
    test_cramp_firing();
    test_voluntary_firing();
    test_events();
    test_levels();
    test_fatigue();
    test_mains_ecg();
    test_artefacts();
    test_cramp_confined();
    test_shapes();
    return cramp_test_finish("synth");
}
