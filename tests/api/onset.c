/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Onset detectors and the resting baseline.
 *
 * Expected results come from the methods' definitions on synthetic signals
 * with known content (no reference implementation: BioSPPy is not packaged):
 *  - baseline: exact type-7 quantiles of known block values, sliding window,
 *    NaN blocks, RMS/MEAN, tracking of a resting level doubling over an hour
 *    (lag (1 - q) * window for a monotonic trend) and indifference to bursts
 *    filling about 27 % of the time;
 *  - every method at 200, 1000, 2000 and 4000 Hz on band-limited Gaussian
 *    bursts 20 dB above a 2 uV floor with known onsets: every burst found,
 *    onset and offset within the method's own timing uncertainty (its window
 *    centre delay + 20 ms onset / + 50 ms offset for low-pass delay and decay
 *    and noise; BONATO's onset may also be up to one observation window
 *    early, since a noise pair above zeta may open it);
 *  - pure noise over a channel-hour: no detection for the methods whose
 *    threshold lies many standard deviations of their statistic above rest;
 *    BONATO's activation count equal to its closed form on white Gaussian
 *    noise (p = exp(-zeta var_hat / (2 var)) per pair, an activation at a
 *    pair above zeta preceded by m pairs below);
 *  - the AASM rule against a plain re-implementation of its definition on
 *    exactly known RMS envelopes (8 uV / 2 uV / 0.5 s / 0.5 s minimum);
 *  - chunk invariance (memcmp of segment lists for random chunkings and
 *    output capacities down to 1), reset, NULL and zero-length calls,
 *    parameter errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "cramp/onset.h"
#include "testutil.h"

#define SEED 0x0e5e7ULL
#define FLOOR_UV 2.0

/* ---- signal helpers ---------------------------------------------------------- */

/* ch channels of unit-RMS Gaussian noise band-limited to 20 .. min(450,
 * 0.45 fs) Hz (4th-order Butterworth), interleaved. */
static float *band_noise(size_t frames, size_t ch, double fs, test_rng *r)
{
    float *y = malloc(frames * ch * sizeof *y);
    if (!y) return NULL;
    for (size_t i = 0; i < frames * ch; i++) y[i] = (float)test_rng_normal(r);
    double hi = 450.0 < 0.45 * fs ? 450.0 : 0.45 * fs;
    cramp_butter_spec spec = {CRAMP_BANDPASS, 4, fs, 20.0, hi};
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t nsec = 0;
    cramp_filter *f = NULL;
    CHECK(cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &nsec, NULL) == CRAMP_OK,
          "band-pass design at %g Hz", fs);
    CHECK(cramp_filter_create(&f, sos, nsec, ch, NULL) == CRAMP_OK, "filter create");
    if (f) {
        cramp_filter_process(f, y, y, frames);
        cramp_filter_destroy(f);
    }
    for (size_t c = 0; c < ch; c++) {
        double ss = 0.0;
        for (size_t i = 0; i < frames; i++) ss += (double)y[i * ch + c] * (double)y[i * ch + c];
        const double g = 1.0 / sqrt(ss / (double)frames);
        for (size_t i = 0; i < frames; i++) y[i * ch + c] = (float)((double)y[i * ch + c] * g);
    }
    return y;
}

typedef struct burst {
    size_t on, off; /* frames [on, off) */
} burst;

#define MAXB 64

typedef struct sched {
    burst b[8][MAXB];
    size_t n[8];
} sched;

/* floor (FLOOR_UV RMS) + bursts of an independent noise at snr_db, random
 * schedule per channel: first after 20 s, durations 1.5-4 s, gaps 4-10 s. */
static float *burst_signal(size_t frames, size_t ch, double fs, double snr_db, sched *s,
                           test_rng *r)
{
    float *floor_n = band_noise(frames, ch, fs, r);
    float *burst_n = band_noise(frames, ch, fs, r);
    if (!floor_n || !burst_n) {
        free(floor_n);
        free(burst_n);
        return NULL;
    }
    const double gb = FLOOR_UV * pow(10.0, snr_db / 20.0);
    for (size_t i = 0; i < frames * ch; i++)
        floor_n[i] = (float)(FLOOR_UV * (double)floor_n[i]);
    for (size_t c = 0; c < ch; c++) {
        s->n[c] = 0;
        double t = 20.0 + 3.0 * test_rng_uniform(r);
        for (;;) {
            const double d = 1.5 + 2.5 * test_rng_uniform(r);
            const size_t on = (size_t)llround(t * fs), off = (size_t)llround((t + d) * fs);
            if (off + (size_t)(2.0 * fs) > frames || s->n[c] == MAXB) break;
            s->b[c][s->n[c]++] = (burst){on, off};
            for (size_t i = on; i < off; i++)
                floor_n[i * ch + c] += (float)(gb * (double)burst_n[i * ch + c]);
            t += d + 4.0 + 6.0 * test_rng_uniform(r);
        }
    }
    free(burst_n);
    return floor_n;
}

/* ---- running a detector --------------------------------------------------------- */

typedef struct seglist {
    cramp_onset_segment *v;
    size_t n, cap;
} seglist;

static void seg_push(seglist *l, const cramp_onset_segment *s, size_t n)
{
    if (n == 0) return;
    if (l->n + n > l->cap) {
        size_t cap = 2 * (l->n + n) + 16;
        cramp_onset_segment *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return;
        l->v = nv;
        l->cap = cap;
    }
    memcpy(l->v + l->n, s, n * sizeof *s);
    l->n += n;
}

static cramp_onset *make_onset(const cramp_onset_config *cfg, size_t ch)
{
    cramp_onset *o = NULL;
    cramp_error err = {0};
    cramp_status st = cramp_onset_create(&o, ch, cfg, &err);
    CHECK(st == CRAMP_OK && o, "create %s at %g Hz: %s (%s)", cramp_onset_method_name(cfg->method),
          cfg->fs, cramp_strerror(st), err.message);
    return o;
}

/* Runs x through o in chunks (chunk 0 = everything at once; otherwise sizes
 * drawn from 1 .. chunk with r) writing through an out array of out_cap;
 * then finish. */
static seglist run(cramp_onset *o, const float *x, size_t frames, size_t ch, size_t chunk,
                   size_t out_cap, test_rng *r)
{
    seglist l = {0};
    cramp_onset_segment *out = malloc(out_cap * sizeof *out);
    size_t pos = 0;
    int guard = 0;
    while (pos < frames && out) {
        size_t want = frames - pos;
        if (chunk && r) {
            const size_t c = 1 + (size_t)(test_rng_uniform(r) * (double)chunk);
            if (c < want) want = c;
        }
        size_t n = want, got = 0;
        cramp_status st = cramp_onset_process(o, x + pos * ch, &n, out, out_cap, &got);
        CHECK(st == CRAMP_OK, "process: %s", cramp_strerror(st));
        if (st != CRAMP_OK) break;
        CHECK(n == want || got == out_cap, "consumed %zu of %zu with %zu of %zu written", n, want,
              got, out_cap);
        seg_push(&l, out, got);
        pos += n;
        if (n == 0 && got == 0 && ++guard > 10) {
            CHECK(0, "no progress");
            break;
        }
    }
    size_t got = 0;
    do {
        cramp_status st = cramp_onset_finish(o, out, out_cap, &got);
        CHECK(st == CRAMP_OK, "finish: %s", cramp_strerror(st));
        if (st != CRAMP_OK) break;
        seg_push(&l, out, got);
    } while (got == out_cap);
    free(out);
    return l;
}

static seglist detect(const cramp_onset_config *cfg, const float *x, size_t frames, size_t ch)
{
    seglist l = {0};
    cramp_onset *o = make_onset(cfg, ch);
    if (o) l = run(o, x, frames, ch, 0, 64, NULL);
    cramp_onset_destroy(o);
    return l;
}

/* ---- names and defaults ------------------------------------------------------------ */

static void test_names_defaults(void)
{
    for (int m = 0; m < CRAMP_ONSET_METHOD_COUNT; m++) {
        cramp_onset_method back;
        const char *name = cramp_onset_method_name((cramp_onset_method)m);
        CHECK(cramp_onset_method_parse(name, &back) == 0 && back == (cramp_onset_method)m,
              "name round trip %d '%s'", m, name);
    }
    cramp_onset_method dummy;
    CHECK(cramp_onset_method_parse("hodges", &dummy) == -1, "unknown name accepted");
    CHECK(cramp_onset_method_parse(NULL, &dummy) == -1, "NULL name accepted");
    CHECK(strcmp(cramp_onset_method_name((cramp_onset_method)99), "unknown") == 0, "bad method");
    CHECK(sizeof(cramp_onset_segment) == 32, "segment has padding: %zu bytes",
          sizeof(cramp_onset_segment));

    cramp_onset_config c;
    cramp_onset_config_default(&c, CRAMP_ONSET_AASM);
    CHECK(c.onset_uv == 8.0 && c.offset_uv == 2.0 && c.off_hold_s == 0.5 &&
              c.min_duration_s == 0.5 && c.fs == 0.0,
          "AASM defaults %g %g %g %g", c.onset_uv, c.offset_uv, c.off_hold_s, c.min_duration_s);
    cramp_onset_config_default(&c, CRAMP_ONSET_HODGES_BUI);
    CHECK(c.lowpass_hz == 50.0 && c.window_s == 0.05 && c.k == 3.0, "Hodges-Bui defaults");
    cramp_onset_config_default(&c, CRAMP_ONSET_BONATO);
    CHECK(c.pfa == 0.05 && c.min_duration_s == 0.03 && c.active_fraction == 0.2,
          "Bonato defaults");
    CHECK(c.baseline.window_s == 600.0 && c.baseline.quantile == 0.25 &&
              c.baseline.block_s == 1.0,
          "baseline defaults");
}

/* ---- baseline ------------------------------------------------------------------------- */

static double type7(double *v, size_t n, double q)
{
    /* insertion sort: small n */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            const double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    const double h = q * (double)(n - 1);
    const size_t i = (size_t)h;
    if (i + 1 >= n) return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

static void test_baseline_exact(void)
{
    const double fs = 100.0;
    cramp_baseline_config cfg;
    cramp_baseline_config_default(&cfg);
    cfg.fs = fs;
    cfg.statistic = CRAMP_BASELINE_MEAN;
    cfg.block_s = 1.0;
    cfg.window_s = 10.0;
    cfg.quantile = 0.3;
    cfg.warmup_s = 3.0;
    cramp_baseline *b = NULL;
    CHECK(cramp_baseline_create(&b, 2, &cfg, NULL) == CRAMP_OK && b, "baseline create");
    if (!b) return;
    /* the same without the spread: the same levels, no spread */
    cramp_baseline_config cfg1 = cfg;
    cfg1.level_only = 1;
    cramp_baseline *b1 = NULL;
    CHECK(cramp_baseline_create(&b1, 2, &cfg1, NULL) == CRAMP_OK && b1, "level-only create");
    if (!b1) {
        cramp_baseline_destroy(b);
        return;
    }
    CHECK(cramp_baseline_block_frames(b) == 100, "block frames %zu",
          cramp_baseline_block_frames(b));
    test_rng r = {SEED};
    double hist_l[64], hist_s[64];
    size_t nblocks = 0;
    float blk[200];
    for (size_t k = 0; k < 40; k++) {
        /* block k: channel 0 = v + d on even frames, v - d on odd (mean v, SD
         * d), values on a 1/8 grid so every sum is exact; block 17 of
         * channel 0 is mostly NaN (left out). */
        const double v = (double)(int)(test_rng_uniform(&r) * 400.0) / 8.0 - 10.0;
        const double d = (double)(int)(test_rng_uniform(&r) * 16.0) / 8.0;
        const int nan_block = k == 17;
        for (size_t i = 0; i < 100; i++) {
            blk[2 * i] = (float)(i % 2 ? v - d : v + d);
            if (nan_block && i < 60) blk[2 * i] = NAN;
            blk[2 * i + 1] = 1.0f;
        }
        CHECK(cramp_baseline_process(b, blk, 100) == CRAMP_OK, "process");
        CHECK(cramp_baseline_process(b1, blk, 100) == CRAMP_OK, "process level-only");
        {
            const double l0 = cramp_baseline_level(b, 0), l1 = cramp_baseline_level(b1, 0);
            CHECK((l0 == l1 || (isnan(l0) && isnan(l1))) && isnan(cramp_baseline_spread(b1, 0)),
                  "block %zu: level-only %g, with spread %g", k, l1, l0);
        }
        if (!nan_block) {
            hist_l[nblocks] = v;
            hist_s[nblocks] = d;
            nblocks++;
        }
        /* the window holds the last 10 blocks (NaN one included as a gap) */
        double wl[10], ws[10];
        size_t nw = 0;
        const size_t first_block = k >= 9 ? k - 9 : 0;
        for (size_t kk = first_block, idx = 0; kk <= k; kk++) {
            if (kk == 17) continue;
            idx = kk < 17 ? kk : kk - 1;
            wl[nw] = hist_l[idx];
            ws[nw] = hist_s[idx];
            nw++;
        }
        const double lv = cramp_baseline_level(b, 0), sv = cramp_baseline_spread(b, 0);
        CHECK(cramp_baseline_blocks(b, 0) == nw, "block %zu: %zu valid blocks, expected %zu", k,
              cramp_baseline_blocks(b, 0), nw);
        if (nw < 3) {
            CHECK(isnan(lv) && isnan(sv), "block %zu: level before warm-up %g", k, lv);
        } else {
            const double el = type7(wl, nw, 0.3), es = type7(ws, nw, 0.3);
            CHECK(lv == el && sv == es, "block %zu: level %.17g spread %.17g, expected %.17g %.17g",
                  k, lv, sv, el, es);
        }
        if (k >= 2) CHECK(cramp_baseline_level(b, 1) == 1.0, "constant channel level");
    }
    /* reset: back to no level; RMS of a constant is its magnitude */
    cramp_baseline_reset(b);
    CHECK(isnan(cramp_baseline_level(b, 0)) && cramp_baseline_blocks(b, 0) == 0, "reset");
    cramp_baseline_destroy(b);
    cramp_baseline_destroy(b1);

    cfg.statistic = CRAMP_BASELINE_RMS;
    cfg.warmup_s = 0.0;
    CHECK(cramp_baseline_create(&b, 1, &cfg, NULL) == CRAMP_OK, "RMS baseline");
    if (b) {
        float c3[100];
        for (int i = 0; i < 100; i++) c3[i] = -3.0f;
        cramp_baseline_process(b, c3, 100);
        CHECK(cramp_baseline_level(b, 0) == 3.0 && cramp_baseline_spread(b, 0) == 0.0,
              "RMS of -3 = %g (spread %g)", cramp_baseline_level(b, 0),
              cramp_baseline_spread(b, 0));
        CHECK(isnan(cramp_baseline_level(b, 1)) && isnan(cramp_baseline_level(NULL, 0)),
              "bad channel");
        CHECK(cramp_baseline_process(b, NULL, 0) == CRAMP_OK, "zero frames");
        CHECK(cramp_baseline_process(b, NULL, 5) == CRAMP_EINVAL, "NULL in");
        CHECK(cramp_baseline_process(NULL, c3, 5) == CRAMP_EINVAL, "NULL b");
        cramp_baseline_destroy(b);
    }
    cramp_baseline_destroy(NULL);
}

static void test_baseline_errors(void)
{
    cramp_baseline_config cfg;
    cramp_baseline *b = (cramp_baseline *)&cfg;
    cramp_error err;
    struct {
        const char *field;
        double fs, block, window, q, warm;
        int stat;
        size_t ch;
        cramp_status want;
    } cases[] = {
        {"fs", 0.0, 1, 600, 0.25, 10, 0, 1, CRAMP_EINVAL},
        {"channels", 1000.0, 1, 600, 0.25, 10, 0, 0, CRAMP_EINVAL},
        {"statistic", 1000.0, 1, 600, 0.25, 10, 7, 1, CRAMP_EINVAL},
        {"block_s", 1000.0, -1, 600, 0.25, 10, 0, 1, CRAMP_EINVAL},
        {"block_s", 1000.0, 0.001, 600, 0.25, 10, 0, 1, CRAMP_ERANGE},
        {"window_s", 1000.0, 1, 0.5, 0.25, 0, 0, 1, CRAMP_EINVAL},
        {"window_s / block_s", 1000.0, 0.01, 1e5, 0.25, 0, 0, 1, CRAMP_ERANGE},
        {"quantile", 1000.0, 1, 600, 1.5, 10, 0, 1, CRAMP_EINVAL},
        {"quantile", 1000.0, 1, 600, (double)NAN, 10, 0, 1, CRAMP_EINVAL},
        {"warmup_s", 1000.0, 1, 600, 0.25, 700, 0, 1, CRAMP_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cramp_baseline_config_default(&cfg);
        cfg.fs = cases[i].fs;
        cfg.block_s = cases[i].block;
        cfg.window_s = cases[i].window;
        cfg.quantile = cases[i].q;
        cfg.warmup_s = cases[i].warm;
        cfg.statistic = (cramp_baseline_statistic)cases[i].stat;
        memset(&err, 0, sizeof err);
        b = (cramp_baseline *)&cfg;
        cramp_status st = cramp_baseline_create(&b, cases[i].ch, &cfg, &err);
        CHECK(st == cases[i].want && b == NULL && strstr(err.message, cases[i].field),
              "baseline %s: got %s '%s'", cases[i].field, cramp_strerror(st), err.message);
    }
    CHECK(cramp_baseline_create(NULL, 1, &cfg, NULL) == CRAMP_EINVAL, "NULL out");
    CHECK(cramp_baseline_create(&b, 1, NULL, NULL) == CRAMP_EINVAL && !b, "NULL cfg");
}

/* Resting level doubling over an hour, and the same with bursts. */
static void test_baseline_drift(void)
{
    const double fs = 1000.0, hours = 1.0;
    const size_t frames = (size_t)(hours * 3600.0 * fs);
    test_rng r = {SEED + 1};
    float *x = band_noise(frames, 2, fs, &r);
    if (!x) return;
    /* level r(t) = 2 uV * 2^(t / 1 h); channel 1 also has 5-s bursts of 10x
     * every 20 s (25 % of the time; about 27 % of the 1-s blocks touched) */
    for (size_t i = 0; i < frames; i++) {
        const double t = (double)i / fs;
        const double lvl = FLOOR_UV * exp2(t / 3600.0);
        x[2 * i] = (float)(lvl * (double)x[2 * i]);
        const double ph = fmod(t + 3.3, 20.0);
        x[2 * i + 1] = (float)(lvl * (ph < 5.0 ? 10.0 : 1.0) * (double)x[2 * i + 1]);
    }
    cramp_baseline_config cfg;
    cramp_baseline_config_default(&cfg);
    cfg.fs = fs;
    cramp_baseline *b = NULL;
    CHECK(cramp_baseline_create(&b, 2, &cfg, NULL) == CRAMP_OK, "create");
    if (!b) {
        free(x);
        return;
    }
    const double checks[] = {900.0, 1800.0, 2700.0, 3600.0};
    size_t done = 0;
    for (size_t k = 0; k < 4; k++) {
        const size_t upto = (size_t)(checks[k] * fs);
        cramp_baseline_process(b, x + 2 * done, upto - done);
        done = upto;
        const double t = checks[k];
        /* the q-quantile of a window over a monotonic trend sits (1 - q) of
         * the window back */
        const double lagged = FLOOR_UV * exp2((t - 0.75 * cfg.window_s) / 3600.0);
        const double now = FLOOR_UV * exp2(t / 3600.0);
        const double l0 = cramp_baseline_level(b, 0), l1 = cramp_baseline_level(b, 1);
        CHECK(fabs(l0 / lagged - 1.0) < 0.05, "t=%g s: level %g uV, r(t - 450 s) = %g", t, l0,
              lagged);
        CHECK(l0 <= now && l0 > 0.85 * now, "t=%g s: level %g uV vs r(t) = %g", t, l0, now);
        CHECK(fabs(l1 / l0 - 1.0) < 0.05, "t=%g s: with bursts %g uV, without %g uV", t, l1,
              l0);
        printf("  baseline t=%4g s: level %.3f uV (true now %.3f, 450 s ago %.3f), with 25 %% "
               "bursts %.3f uV\n", t, l0, now, lagged, l1);
    }
    /* chunk invariance: same final levels from odd chunks */
    cramp_baseline *b2 = NULL;
    CHECK(cramp_baseline_create(&b2, 2, &cfg, NULL) == CRAMP_OK, "create 2");
    if (b2) {
        size_t pos = 0;
        while (pos < frames) {
            size_t n = 1 + (size_t)(test_rng_uniform(&r) * 77777.0);
            if (n > frames - pos) n = frames - pos;
            cramp_baseline_process(b2, x + 2 * pos, n);
            pos += n;
        }
        for (size_t c = 0; c < 2; c++)
            CHECK(cramp_baseline_level(b, c) == cramp_baseline_level(b2, c) &&
                      cramp_baseline_spread(b, c) == cramp_baseline_spread(b2, c),
                  "baseline chunking changed channel %zu", c);
        cramp_baseline_destroy(b2);
    }
    cramp_baseline_destroy(b);
    free(x);
}

/* ---- detectors on bursts with known onsets ------------------------------------------- */

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, test_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int zero_false_expected(cramp_onset_method m)
{
    return m == CRAMP_ONSET_THRESHOLD || m == CRAMP_ONSET_AASM || m == CRAMP_ONSET_HODGES_BUI ||
           m == CRAMP_ONSET_LIDIERTH || m == CRAMP_ONSET_LONDRAL;
}

static void test_bursts(cramp_onset_method m, double fs)
{
    const size_t ch = 3, frames = (size_t)(150.0 * fs);
    test_rng r = {SEED + (uint64_t)fs * 31u + (uint64_t)m};
    sched s;
    float *x = burst_signal(frames, ch, fs, 20.0, &s, &r);
    if (!x) return;
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, m);
    cfg.fs = fs;
    seglist l = detect(&cfg, x, frames, ch);
    cramp_onset *probe = make_onset(&cfg, ch);
    const double delay = cramp_onset_delay_s(probe);
    cramp_onset_destroy(probe);
    /* Median errors within the timing uncertainty; any single error within
     * that plus one hold time (a noise excursion inside a hold restarts the
     * candidate once). */
    const double tol_on = delay + 0.02 + (m == CRAMP_ONSET_BONATO ? cfg.window_s : 0.0);
    const double tol_off = delay + 0.05;
    const int holds = m == CRAMP_ONSET_LIDIERTH || m == CRAMP_ONSET_TKEO ||
                      m == CRAMP_ONSET_LONDRAL || m == CRAMP_ONSET_AASM;
    const double max_on = tol_on + (holds ? cfg.on_hold_s : 0.0);
    const double max_off = tol_off + (holds ? cfg.off_hold_s : 0.0);
    double *eons = malloc(8 * MAXB * sizeof *eons), *eoffs = malloc(8 * MAXB * sizeof *eoffs);
    const char *name = cramp_onset_method_name(m);
    size_t found = 0, total = 0, outside = 0;
    double worst_on = 0.0, worst_off = 0.0;
    for (size_t c = 0; c < ch; c++) {
        for (size_t k = 0; k < s.n[c]; k++) {
            const double ton = (double)s.b[c][k].on / fs, toff = (double)s.b[c][k].off / fs;
            int first = -1, last = -1;
            for (size_t j = 0; j < l.n; j++) {
                const cramp_onset_segment *g = &l.v[j];
                if (g->channel != c || g->offset_s <= ton || g->onset_s >= toff) continue;
                if (first < 0) first = (int)j;
                last = (int)j;
            }
            total++;
            CHECK(first >= 0, "%s %g Hz ch %zu: burst %.3f-%.3f s not found", name, fs, c, ton,
                  toff);
            if (first < 0) continue;
            found++;
            const double eon = l.v[first].onset_s - ton, eoff = l.v[last].offset_s - toff;
            if (fabs(eon) > fabs(worst_on)) worst_on = eon;
            if (fabs(eoff) > fabs(worst_off)) worst_off = eoff;
            if (eons && eoffs) {
                eons[found - 1] = fabs(eon);
                eoffs[found - 1] = fabs(eoff);
            }
            CHECK(fabs(eon) <= max_on, "%s %g Hz ch %zu: onset %.4f s for %.4f s (error %.1f ms "
                  "> %.1f ms)", name, fs, c, l.v[first].onset_s, ton, eon * 1e3, max_on * 1e3);
            CHECK(fabs(eoff) <= max_off, "%s %g Hz ch %zu: offset %.4f s for %.4f s (error %.1f "
                  "ms > %.1f ms)", name, fs, c, l.v[last].offset_s, toff, eoff * 1e3,
                  max_off * 1e3);
            CHECK(l.v[first].peak_uv > 3.0 * FLOOR_UV * 10.0 * 0.5,
                  "%s: peak %g uV in a 20-uV-RMS burst", name, l.v[first].peak_uv);
        }
        for (size_t j = 0; j < l.n; j++) {
            const cramp_onset_segment *g = &l.v[j];
            if (g->channel != c) continue;
            CHECK(g->offset_s > g->onset_s && g->onset_s >= 0.0, "%s: segment %.4f-%.4f", name,
                  g->onset_s, g->offset_s);
            int in = 0;
            for (size_t k = 0; k < s.n[c] && !in; k++)
                in = !(g->offset_s <= (double)s.b[c][k].on / fs ||
                       g->onset_s >= (double)s.b[c][k].off / fs);
            if (!in) outside++;
        }
    }
    for (size_t j = 0; j < l.n; j++) CHECK(l.v[j].channel < ch, "channel %zu", l.v[j].channel);
    if (zero_false_expected(m))
        CHECK(outside == 0, "%s %g Hz: %zu segments outside the bursts", name, fs, outside);
    const double med_on = found && eons ? median(eons, found) : 0.0;
    const double med_off = found && eoffs ? median(eoffs, found) : 0.0;
    CHECK(med_on <= tol_on && med_off <= tol_off,
          "%s %g Hz: median |onset error| %.1f ms (tol %.1f), |offset error| %.1f ms (tol %.1f)",
          name, fs, med_on * 1e3, tol_on * 1e3, med_off * 1e3, tol_off * 1e3);
    printf("  %-10s %5g Hz: %zu/%zu bursts, |onset err| median %5.1f worst %+6.1f ms "
           "(%.1f/%.1f), |offset err| median %5.1f worst %+6.1f ms (%.1f/%.1f), %zu outside\n",
           name, fs, found, total, med_on * 1e3, worst_on * 1e3, tol_on * 1e3, max_on * 1e3,
           med_off * 1e3, worst_off * 1e3, tol_off * 1e3, max_off * 1e3, outside);
    free(eons);
    free(eoffs);
    free(l.v);
    free(x);
}

/* ---- pure noise ------------------------------------------------------------------------- */

static void test_noise(void)
{
    /* One channel-hour of band-limited noise at 1 kHz. THRESHOLD and
     * LONDRAL (power or variance over 0.1 / 0.05 s, i.e. ~86 / ~43 degrees
     * of freedom, against 5.2x the resting power), HODGES_BUI and LIDIERTH
     * (50-ms means against 3 SD of the single-sample value, > 6 SD of the
     * mean) and AASM (+8 uV on a 2 uV RMS) have thresholds so far above the
     * resting statistic that one detection in an hour would be a fault. TKEO
     * and CUSUM have no such margin and no closed form; their counts are
     * printed and bounded loosely (a few times the rates bench/onset-accuracy
     * measures at 1 kHz, 0-0.25/h and 1-1.5/h, so a regression, not chance,
     * trips them). */
    const double fs = 1000.0;
    const size_t ch = 4, frames = (size_t)(900.0 * fs);
    test_rng r = {SEED + 2};
    float *x = band_noise(frames, ch, fs, &r);
    if (!x) return;
    for (size_t i = 0; i < frames * ch; i++) x[i] = (float)(FLOOR_UV * (double)x[i]);
    const double hours = (double)ch * (double)frames / fs / 3600.0;
    for (int m = 0; m < CRAMP_ONSET_METHOD_COUNT; m++) {
        if (m == CRAMP_ONSET_BONATO) continue; /* exact test below */
        cramp_onset_config cfg;
        cramp_onset_config_default(&cfg, (cramp_onset_method)m);
        cfg.fs = fs;
        seglist l = detect(&cfg, x, frames, ch);
        const char *name = cramp_onset_method_name((cramp_onset_method)m);
        double bound = 0.0;
        if (m == CRAMP_ONSET_TKEO) bound = 1.0;
        if (m == CRAMP_ONSET_CUSUM) bound = 5.0;
        printf("  noise %-10s %zu detections in %.2f channel-hours (bound %g/h)\n", name, l.n,
               hours, bound);
        CHECK((double)l.n <= bound * hours, "%s: %zu detections on pure noise", name, l.n);
        free(l.v);
    }
    free(x);
}

/* BONATO on white Gaussian noise of known variance: with r0 = 1, an
 * activation starts at a pair with g >= zeta whose m predecessors are all
 * below; P = p (1-p)^m, p = exp(-zeta var_hat / (2 var)) with var_hat the
 * resting variance the detector uses (queried after each 1-s block, i.e. the
 * value in force during the next one). zeta from the paper's pfa equation. */
static void test_bonato_calibration(void)
{
    const double fs = 1000.0, sigma = 3.0;
    const size_t ch = 4, seconds = 600;
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, CRAMP_ONSET_BONATO);
    cfg.fs = fs;
    cfg.active_fraction = 0.01; /* r0 = 1 */
    cfg.min_duration_s = 0.0;
    const size_t m = (size_t)llround(cfg.window_s * fs / 2.0); /* 10 */
    const double p_design = 1.0 - pow(1.0 - cfg.pfa, 1.0 / (double)m);
    const double zeta = -2.0 * log(p_design);
    cramp_onset *o = make_onset(&cfg, ch);
    if (!o) return;
    test_rng r = {SEED + 3};
    float *blk = malloc(1000 * ch * sizeof *blk);
    cramp_onset_segment out[64];
    double expected = 0.0;
    size_t count = 0;
    double var_hat[4] = {(double)NAN, (double)NAN, (double)NAN, (double)NAN};
    for (size_t sec = 0; sec < seconds; sec++) {
        for (size_t i = 0; i < 1000 * ch; i++) blk[i] = (float)(sigma * test_rng_normal(&r));
        for (size_t c = 0; c < ch; c++) {
            if (isnan(var_hat[c])) continue;
            const double p = exp(-zeta * var_hat[c] / (2.0 * sigma * sigma));
            expected += 500.0 * p * pow(1.0 - p, (double)m);
        }
        size_t n = 1000, got = 0;
        cramp_onset_process(o, blk, &n, out, 64, &got);
        count += got;
        while (got == 64) {
            n = 0;
            cramp_onset_process(o, NULL, &n, out, 64, &got);
            count += got;
        }
        for (size_t c = 0; c < ch; c++) cramp_onset_rest(o, c, &var_hat[c], NULL);
    }
    size_t got = 0;
    do {
        cramp_onset_finish(o, out, 64, &got);
        count += got;
    } while (got == 64);
    const double tol = 4.0 * sqrt(expected) + 2.0;
    printf("  bonato white noise: %zu activations, expected %.1f (+- %.1f)\n", count, expected,
           tol);
    CHECK(fabs((double)count - expected) <= tol, "bonato: %zu activations, expected %.1f", count,
          expected);
    CHECK(expected > 1000.0, "bonato calibration too weak: %.1f", expected);
    cramp_onset_destroy(o);
    free(blk);
}

/* ---- the AASM rule, exactly ------------------------------------------------------------ */

/* Sine at 50 Hz, fs 1000: the 0.1-s moving RMS over whole periods is exactly
 * the piece's RMS. Pieces start at frame f0. */
typedef struct piece {
    size_t f0;
    double rms; /* uV */
} piece;

static float *aasm_signal(const piece *p, size_t np, size_t frames, double fs)
{
    float *x = malloc(frames * sizeof *x);
    if (!x) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < frames; i++) {
        while (k + 1 < np && i >= p[k + 1].f0) k++;
        x[i] = (float)(p[k].rms * sqrt(2.0) * sin(2.0 * 3.141592653589793 * 50.0 * (double)i / fs));
    }
    return x;
}

/* The rule from its definition on the envelope computed here (direct window
 * sums): onset at the first frame with env >= L + 8; offset at the first
 * frame of the first run of round(0.5 fs) frames with env <= L + 2; kept if
 * offset - onset >= 0.5 s. Times in seconds, window-centre corrected. */
static size_t aasm_reference(const float *x, size_t frames, double fs, double level, double win_s,
                             double *on, double *off, size_t cap)
{
    const size_t n = (size_t)llround(win_s * fs), hold = (size_t)llround(0.5 * fs);
    double *env = malloc(frames * sizeof *env);
    if (!env) return 0;
    for (size_t t = 0; t < frames; t++) {
        double s = 0.0;
        for (size_t j = 0; j < n && j <= t; j++) s += (double)x[t - j] * (double)x[t - j];
        env[t] = sqrt(s / (double)n);
    }
    const double delay = 0.5 * (double)(n - 1);
    size_t count = 0, t = 0;
    while (t < frames) {
        while (t < frames && !(env[t] >= level + 8.0)) t++;
        if (t >= frames) break;
        const size_t ton = t;
        size_t toff = frames, run = 0;
        for (size_t u = ton + 1; u < frames; u++) {
            run = env[u] <= level + 2.0 ? run + 1 : 0;
            if (run == hold) {
                toff = u + 1 - hold;
                break;
            }
        }
        if (toff - ton >= hold && count < cap) {
            on[count] = ((double)ton - delay) / fs;
            off[count] = ((double)toff - delay) / fs;
            count++;
        }
        t = toff + hold;
    }
    free(env);
    return count;
}

/* Runs AASM over the pieces; compares with the reference; returns the number
 * of segments (SIZE_MAX on a setup failure). */
static size_t aasm_case(const piece *p, size_t np, size_t frames, const char *what,
                        seglist *keep)
{
    const double fs = 1000.0;
    float *x = aasm_signal(p, np, frames, fs);
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, CRAMP_ONSET_AASM);
    cfg.fs = fs;
    cramp_onset *o = make_onset(&cfg, 1);
    if (!o || !x) {
        free(x);
        cramp_onset_destroy(o);
        return SIZE_MAX;
    }
    seglist l = run(o, x, frames, 1, 0, 64, NULL);
    double level = (double)NAN;
    cramp_onset_rest(o, 0, &level, NULL);
    CHECK(fabs(level - 2.0) < 1e-4, "%s: resting level %.9g uV, expected 2", what, level);
    double ron[16], roff[16];
    const size_t nref = aasm_reference(x, frames, fs, level, cfg.window_s, ron, roff, 16);
    CHECK(l.n == nref, "%s: %zu segments, reference %zu", what, l.n, nref);
    for (size_t i = 0; i < l.n && i < nref; i++) {
        CHECK(fabs(l.v[i].onset_s - ron[i]) < 1e-9 && fabs(l.v[i].offset_s - roff[i]) < 1e-9,
              "%s: LM %zu at %.6f-%.6f s, reference %.6f-%.6f s", what, i, l.v[i].onset_s,
              l.v[i].offset_s, ron[i], roff[i]);
        CHECK(l.v[i].offset_s - l.v[i].onset_s >= 0.5 - 1e-12, "%s: LM %zu shorter than 0.5 s",
              what, i);
    }
    const size_t n = l.n;
    if (keep) *keep = l;
    else free(l.v);
    cramp_onset_destroy(o);
    free(x);
    return n;
}

static void test_aasm_exact(void)
{
    /* rest 2 uV RMS; A: +8.1 uV for 3 s, then +2.5 (still active) 1 s, +1.5
     * for 0.4 s (too short to end it), +3 for 0.3 s, rest: one LM.
     * B: +8.1 for 0.4 s: shorter than 0.5 s once smoothed, dropped. C: +7.9
     * for 3 s: never 8 above. D: +9 1 s, rest 0.45 s, +9 1 s: one LM (the
     * pause is too short). E: +9 1 s, rest 0.7 s, +9 1 s: two LMs. F: +9 for
     * 0.6 s: one LM. */
    const piece p[] = {
        {0, 2.0},      {30000, 10.1}, {33000, 4.5},  {34000, 3.5},  {34400, 5.0},
        {34700, 2.0},  {40000, 10.1}, {40400, 2.0},  {45000, 9.9},  {48000, 2.0},
        {52000, 11.0}, {53000, 2.0},  {53450, 11.0}, {54450, 2.0},  {60000, 11.0},
        {61000, 2.0},  {61700, 11.0}, {62700, 2.0},  {68000, 11.0}, {68600, 2.0},
    };
    seglist l = {0};
    const size_t n = aasm_case(p, sizeof p / sizeof p[0], 75000, "AASM pieces", &l);
    CHECK(n == 5, "AASM pieces: %zu LMs, expected 5 (A, D, E1, E2, F)", n);
    if (n == 5) {
        /* shapes, independent of the reference: onsets within the 0.1-s
         * window's half-width of the true rise, offsets likewise */
        CHECK(fabs(l.v[0].onset_s - 30.0) < 0.06 && fabs(l.v[0].offset_s - 34.7) < 0.06,
              "A: %.4f-%.4f s", l.v[0].onset_s, l.v[0].offset_s);
        CHECK(fabs(l.v[1].onset_s - 52.0) < 0.06 && fabs(l.v[1].offset_s - 54.45) < 0.06,
              "D: %.4f-%.4f s", l.v[1].onset_s, l.v[1].offset_s);
        CHECK(fabs(l.v[2].offset_s - 61.0) < 0.06 && fabs(l.v[3].onset_s - 61.7) < 0.06,
              "E: %.4f / %.4f s", l.v[2].offset_s, l.v[3].onset_s);
        CHECK(fabs(l.v[4].onset_s - 68.0) < 0.06, "F: %.4f s", l.v[4].onset_s);
        CHECK(fabs(l.v[0].peak_uv - 10.1 * sqrt(2.0)) < 0.01, "A peak %g uV", l.v[0].peak_uv);
    }
    free(l.v);

    /* The 0.5-s quiet period, to the frame: two 11-uV bursts separated by a
     * rest of q frames. The quiet run of the envelope is q minus the
     * transitions, so the reference flips from one LM to two at some q; the
     * detector must flip at the same frame. Likewise the 0.5-s minimum: one
     * burst of d frames flips from no LM to one. */
    size_t flip = 0;
    for (size_t q = 560; q < 700 && !flip; q++) {
        const piece pq[] = {{0, 2.0}, {12000, 11.0}, {13000, 2.0}, {13000 + q, 11.0},
                            {14000 + q, 2.0}};
        char what[64];
        snprintf(what, sizeof what, "AASM pause %zu frames", q);
        const size_t k = aasm_case(pq, 5, 16000, what, NULL);
        if (k == 2) flip = q;
        else CHECK(k == 1, "%s: %zu LMs", what, k);
    }
    CHECK(flip > 560, "AASM: pause never split the LMs (or split at the first try)");
    size_t dflip = 0;
    for (size_t d = 440; d < 560 && !dflip; d++) {
        const piece pd[] = {{0, 2.0}, {12000, 11.0}, {12000 + d, 2.0}};
        char what[64];
        snprintf(what, sizeof what, "AASM burst %zu frames", d);
        const size_t k = aasm_case(pd, 3, 15000, what, NULL);
        if (k == 1) dflip = d;
        else CHECK(k == 0, "%s: %zu LMs", what, k);
    }
    CHECK(dflip > 440, "AASM: minimum duration never reached (or at the first try)");
    printf("  aasm: two LMs from a %zu-frame pause, one LM from a %zu-frame burst at 1 kHz\n",
           flip, dflip);
}

/* ---- streaming properties ------------------------------------------------------------ */

static void test_chunking(void)
{
    const double fs = 1000.0;
    const size_t ch = 3, frames = (size_t)(120.0 * fs);
    test_rng r = {SEED + 4};
    sched s;
    float *x = burst_signal(frames, ch, fs, 15.0, &s, &r);
    if (!x) return;
    for (int variant = 0; variant < 2; variant++) {
        for (int m = 0; m < CRAMP_ONSET_METHOD_COUNT; m++) {
            cramp_onset_config cfg;
            cramp_onset_config_default(&cfg, (cramp_onset_method)m);
            cfg.fs = fs;
            if (variant == 1) { /* exercise merging and pending segments */
                cfg.merge_gap_s = 0.3;
                cfg.min_duration_s = 0.2;
            }
            const char *name = cramp_onset_method_name((cramp_onset_method)m);
            cramp_onset *o = make_onset(&cfg, ch);
            if (!o) continue;
            seglist ref = run(o, x, frames, ch, 0, 1024, NULL);
            CHECK(ref.n > 0, "%s: no segments", name);
            const size_t caps[] = {1, 2, 7};
            const size_t chunks[] = {1, 300, 5000};
            for (size_t k = 0; k < 3; k++) {
                cramp_onset_reset(o);
                seglist l = run(o, x, frames, ch, chunks[k], caps[k], &r);
                CHECK(l.n == ref.n && (l.n == 0 || memcmp(l.v, ref.v, l.n * sizeof *l.v) == 0),
                      "%s variant %d: chunks <= %zu, out_cap %zu: %zu segments vs %zu, or "
                      "different bytes", name, variant, chunks[k], caps[k], l.n, ref.n);
                free(l.v);
            }
            /* order: by confirmation, so onsets are not necessarily sorted, but
             * each channel's segments are in time order and do not overlap */
            for (size_t c = 0; c < ch; c++) {
                double last_off = -1.0;
                for (size_t j = 0; j < ref.n; j++) {
                    if (ref.v[j].channel != c) continue;
                    CHECK(ref.v[j].onset_s >= last_off, "%s variant %d ch %zu: overlap at %.4f",
                          name, variant, c, ref.v[j].onset_s);
                    if (variant == 1)
                        CHECK(ref.v[j].offset_s - ref.v[j].onset_s >= 0.2 - 1e-12 &&
                                  (last_off < 0 || ref.v[j].onset_s - last_off >= 0.3 - 1e-3),
                              "%s: min duration / merge gap violated at %.4f", name,
                              ref.v[j].onset_s);
                    last_off = ref.v[j].offset_s;
                }
            }
            free(ref.v);
            cramp_onset_destroy(o);
        }
    }
    free(x);
}

static void test_api_edges(void)
{
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, CRAMP_ONSET_HODGES_BUI);
    cfg.fs = 1000.0;
    cramp_onset *o = make_onset(&cfg, 2);
    if (!o) return;
    cramp_onset_segment out[4];
    float x[8] = {0};
    size_t n = 4, got = 99;
    CHECK(cramp_onset_process(NULL, x, &n, out, 4, &got) == CRAMP_EINVAL && got == 0 && n == 0,
          "NULL o");
    n = 4;
    CHECK(cramp_onset_process(o, x, NULL, out, 4, &got) == CRAMP_EINVAL, "NULL in_frames");
    CHECK(cramp_onset_process(o, x, &n, out, 4, NULL) == CRAMP_EINVAL && n == 0,
          "NULL out_count");
    n = 4;
    CHECK(cramp_onset_process(o, NULL, &n, out, 4, &got) == CRAMP_EINVAL && n == 0,
          "NULL in with frames");
    n = 4;
    CHECK(cramp_onset_process(o, x, &n, out, 0, &got) == CRAMP_EINVAL && n == 0, "out_cap 0");
    n = 4;
    CHECK(cramp_onset_process(o, x, &n, NULL, 4, &got) == CRAMP_EINVAL, "NULL out");
    CHECK(cramp_onset_frames(o) == 0, "frames consumed by failed calls");
    n = 0;
    CHECK(cramp_onset_process(o, NULL, &n, NULL, 0, &got) == CRAMP_OK && got == 0 && n == 0,
          "zero-length call");
    n = 4;
    CHECK(cramp_onset_process(o, x, &n, out, 4, &got) == CRAMP_OK && n == 4 && got == 0,
          "4 frames");
    CHECK(cramp_onset_frames(o) == 4, "frames %llu", cramp_onset_frames(o));
    CHECK(cramp_onset_finish(o, out, 4, &got) == CRAMP_OK && got == 0, "finish");
    n = 4;
    CHECK(cramp_onset_process(o, x, &n, out, 4, &got) == CRAMP_EINVAL && n == 0,
          "process after finish");
    CHECK(cramp_onset_finish(o, out, 4, &got) == CRAMP_OK && got == 0, "second finish");
    CHECK(cramp_onset_finish(NULL, out, 4, &got) == CRAMP_EINVAL, "finish NULL");
    CHECK(cramp_onset_finish(o, NULL, 4, &got) == CRAMP_EINVAL, "finish NULL out");
    cramp_onset_reset(o);
    CHECK(cramp_onset_frames(o) == 0, "reset frames");
    n = 4;
    CHECK(cramp_onset_process(o, x, &n, out, 4, &got) == CRAMP_OK && n == 4, "after reset");
    double mu = 0.0, sd = 0.0;
    CHECK(cramp_onset_rest(o, 0, &mu, &sd) == CRAMP_OK && isnan(mu) && isnan(sd),
          "rest before warm-up %g %g", mu, sd);
    CHECK(cramp_onset_rest(o, 2, &mu, &sd) == CRAMP_EINVAL, "rest channel out of range");
    CHECK(fabs(cramp_onset_delay_s(o) - 0.0245) < 1e-12, "Hodges delay %g s (49 / 2 / 1000)",
          cramp_onset_delay_s(o));
    cramp_onset_destroy(o);
    cramp_onset_destroy(NULL);
    cramp_onset_reset(NULL);

    /* A flat (all-zero) channel never triggers: its resting SD is 0. NaN and
     * infinite samples are taken as 0. */
    for (int m = 0; m < CRAMP_ONSET_METHOD_COUNT; m++) {
        cramp_onset_config c2;
        cramp_onset_config_default(&c2, (cramp_onset_method)m);
        c2.fs = 200.0;
        cramp_onset *z = make_onset(&c2, 1);
        if (!z) continue;
        const size_t frames = 200 * 40;
        float *flat = calloc(frames, sizeof *flat);
        for (size_t i = 0; i < frames; i += 97) flat[i] = (i / 97) % 2 ? NAN : INFINITY;
        seglist l = run(z, flat, frames, 1, 0, 8, NULL);
        CHECK(l.n == 0, "%s: %zu segments on a flat channel with NaN/Inf",
              cramp_onset_method_name((cramp_onset_method)m), l.n);
        free(l.v);
        free(flat);
        cramp_onset_destroy(z);
    }
}

static void test_config_errors(void)
{
    typedef struct {
        cramp_onset_method m;
        const char *field;
        int which;
        double value;
        cramp_status want;
    } tc;
    /* which: 0 fs, 1 window_s, 2 lowpass_hz, 3 k, 4 onset_uv, 5 offset_uv,
     * 6 on_hold_s, 7 off_hold_s, 8 tolerance_s, 9 pfa, 10 active_fraction,
     * 11 cusum_h_s, 12 min_duration_s, 13 merge_gap_s, 14 baseline.block_s,
     * 15 baseline.quantile */
    const tc cases[] = {
        {CRAMP_ONSET_THRESHOLD, "fs", 0, 0.0, CRAMP_EINVAL},
        {CRAMP_ONSET_THRESHOLD, "fs", 0, (double)NAN, CRAMP_EINVAL},
        {CRAMP_ONSET_THRESHOLD, "window_s", 1, 0.0, CRAMP_EINVAL},
        {CRAMP_ONSET_THRESHOLD, "window_s", 1, 1e-5, CRAMP_ERANGE},
        {CRAMP_ONSET_BONATO, "window_s", 1, 0.0009, CRAMP_ERANGE},
        {CRAMP_ONSET_HODGES_BUI, "lowpass_hz", 2, 500.0, CRAMP_ERANGE},
        {CRAMP_ONSET_CUSUM, "lowpass_hz", 2, -1.0, CRAMP_EINVAL},
        {CRAMP_ONSET_TKEO, "lowpass_hz", 2, (double)INFINITY, CRAMP_EINVAL},
        {CRAMP_ONSET_LIDIERTH, "k", 3, -0.5, CRAMP_EINVAL},
        {CRAMP_ONSET_AASM, "onset_uv", 4, 0.0, CRAMP_EINVAL},
        {CRAMP_ONSET_AASM, "offset_uv", 5, 9.0, CRAMP_EINVAL},
        {CRAMP_ONSET_AASM, "offset_uv", 5, -1.0, CRAMP_EINVAL},
        {CRAMP_ONSET_TKEO, "on_hold_s", 6, -0.1, CRAMP_EINVAL},
        {CRAMP_ONSET_AASM, "off_hold_s", 7, (double)NAN, CRAMP_EINVAL},
        {CRAMP_ONSET_LIDIERTH, "tolerance_s", 8, -1.0, CRAMP_EINVAL},
        {CRAMP_ONSET_BONATO, "pfa", 9, 1.0, CRAMP_EINVAL},
        {CRAMP_ONSET_BONATO, "active_fraction", 10, 0.0, CRAMP_EINVAL},
        {CRAMP_ONSET_CUSUM, "cusum_h_s", 11, 0.0, CRAMP_EINVAL},
        {CRAMP_ONSET_LONDRAL, "min_duration_s", 12, -1.0, CRAMP_EINVAL},
        {CRAMP_ONSET_HODGES_BUI, "merge_gap_s", 13, (double)INFINITY, CRAMP_EINVAL},
        {CRAMP_ONSET_AASM, "block_s", 14, 0.001, CRAMP_ERANGE},
        {CRAMP_ONSET_CUSUM, "quantile", 15, -0.1, CRAMP_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cramp_onset_config cfg;
        cramp_onset_config_default(&cfg, cases[i].m);
        cfg.fs = 1000.0;
        double *f[] = {&cfg.fs,          &cfg.window_s,       &cfg.lowpass_hz,
                       &cfg.k,           &cfg.onset_uv,       &cfg.offset_uv,
                       &cfg.on_hold_s,   &cfg.off_hold_s,     &cfg.tolerance_s,
                       &cfg.pfa,         &cfg.active_fraction, &cfg.cusum_h_s,
                       &cfg.min_duration_s, &cfg.merge_gap_s, &cfg.baseline.block_s,
                       &cfg.baseline.quantile};
        *f[cases[i].which] = cases[i].value;
        cramp_onset *o = (cramp_onset *)&cfg;
        cramp_error err = {0};
        const cramp_status st = cramp_onset_create(&o, 2, &cfg, &err);
        CHECK(st == cases[i].want && o == NULL && strstr(err.message, cases[i].field),
              "%s %s = %g: got %s '%s'", cramp_onset_method_name(cases[i].m), cases[i].field,
              cases[i].value, cramp_strerror(st), err.message);
    }
    /* a field a method does not read is not checked */
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, CRAMP_ONSET_THRESHOLD);
    cfg.fs = 1000.0;
    cfg.pfa = -3.0;
    cfg.lowpass_hz = 1e9;
    cramp_onset *o = NULL;
    CHECK(cramp_onset_create(&o, 1, &cfg, NULL) == CRAMP_OK && o, "unused fields checked");
    cramp_onset_destroy(o);
    cfg.method = (cramp_onset_method)42;
    cramp_error err = {0};
    CHECK(cramp_onset_create(&o, 1, &cfg, &err) == CRAMP_EINVAL && strstr(err.message, "method"),
          "unknown method: %s", err.message);
    cfg.method = CRAMP_ONSET_THRESHOLD;
    CHECK(cramp_onset_create(&o, 0, &cfg, &err) == CRAMP_EINVAL && strstr(err.message, "channels"),
          "0 channels");
    CHECK(cramp_onset_create(NULL, 1, &cfg, NULL) == CRAMP_EINVAL, "NULL out");
    CHECK(cramp_onset_create(&o, 1, NULL, NULL) == CRAMP_EINVAL && !o, "NULL cfg");
}

int main(void)
{
    test_names_defaults();
    test_baseline_exact();
    test_baseline_errors();
    test_config_errors();
    test_api_edges();
    test_aasm_exact();
    const double rates[] = {200.0, 1000.0, 2000.0, 4000.0};
    for (int m = 0; m < CRAMP_ONSET_METHOD_COUNT; m++)
        for (size_t k = 0; k < 4; k++) test_bursts((cramp_onset_method)m, rates[k]);
    test_bonato_calibration();
    test_noise();
    test_chunking();
    test_baseline_drift();
    return cramp_test_finish("onset");
}
