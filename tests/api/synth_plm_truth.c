/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The truth's scorer of leg movements (scenario key plm_truth, cramp/synth.h,
 * datasets/README.md): with `aasm` an LM is scored only where its own EMG
 * reaches plm_truth_uv (AASM: 8 uV above resting EMG), read as the RMS of
 * its component at its plateau; the drawn series are rebuilt from the
 * scored LMs (>= 4 LMs, onsets <= 90 s apart), the rest of a broken series
 * being lone LMs (`burst`); the signal is the same; `all`, the default, is
 * today's truth to the byte. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/synth.h"
#include "synth_make.h"
#include "testutil.h"

/* No random events, no interference; 1 kHz to keep it quick. */
static const char *QUIET = "fs 1000\nchannels 4\nnoise_uv 0\nmains_uv 0\necg_uv 0\n"
                           "cramp_per_hour 0\nplm_series_per_hour 0\nburst_per_hour 0\n"
                           "movement_per_hour 0\nmotion_per_hour 0\npop_per_hour 0\n"
                           "clip_per_hour 0\nlost_per_hour 0\n";

/* The amplitude in a detail ("..., 12.3 uV"); -1 when none. */
static double detail_uv(const char *d)
{
    const char *p = strrchr(d, ',');
    double v;
    return p && sscanf(p, ", %lf uV", &v) == 1 ? v : -1;
}

/* The nights of base alone (*a) and of base with extra over it (*b); 0 when
 * both were made, else -1 with neither left. */
static int make_pair(const char *base, const char *extra, cramp_synth **a, cramp_synth **b)
{
    *a = synth_make(base, NULL);
    *b = synth_make(base, extra);
    if (*a && *b) return 0;
    cramp_synth_destroy(*a);
    cramp_synth_destroy(*b);
    return -1;
}

/* Whether the two nights have the same samples. */
static int same_samples(cramp_synth *a, cramp_synth *b)
{
    const size_t N = (size_t)cramp_synth_total_frames(a), C = cramp_synth_channels(a);
    float *x = malloc(N * C * sizeof *x), *y = malloc(N * C * sizeof *y);
    const int same = x && y && cramp_synth_total_frames(b) == N && cramp_synth_channels(b) == C &&
                     cramp_synth_generate(a, x, N) == N && cramp_synth_generate(b, y, N) == N &&
                     !memcmp(x, y, N * C * sizeof *x);
    free(x), free(y);
    return same;
}

/* The amplitude the truth gives an LM is the RMS its discharges have in the
 * rendered signal: explicit LMs of 8 s at 3-20 % on one TA of a night
 * without noise, mains or ECG, measured over each plateau (the 0.15-s rise
 * and 0.3-s fall left out, with 0.5 s to spare). */
static void test_amplitude_as_rendered(void)
{
    static const double pct[] = {3, 5, 8, 12, 20};
    char t[1024];
    int n = snprintf(t, sizeof t, "duration_min 2\nplm_truth aasm\nplm_truth_uv 0\n");
    for (size_t k = 0; k < 5; k++)
        n += snprintf(t + n, sizeof t - (size_t)n, "event plm %zu 8 2 excitation=%g\n",
                      10 + 20 * k, pct[k]);
    cramp_synth *s = synth_make(QUIET, t);
    if (!s) return;
    const size_t C = cramp_synth_channels(s), N = (size_t)cramp_synth_total_frames(s);
    const double fs = cramp_synth_fs(s);
    float *x = malloc(N * C * sizeof *x);
    CHECK(x && cramp_synth_generate(s, x, N) == N, "generate");
    const cramp_synth_event *e = cramp_synth_events(s);
    size_t seen = 0;
    for (size_t i = 0; x && i < cramp_synth_event_count(s); i++) {
        if (e[i].kind != CRAMP_SYNTH_LM) continue;
        const double a = detail_uv(e[i].detail);
        double p = 0;
        const size_t f0 = (size_t)((e[i].onset_s + 0.5) * fs),
                     f1 = (size_t)((e[i].onset_s + e[i].duration_s - 0.5) * fs);
        for (size_t f = f0; f < f1; f++) p += (double)x[f * C + 1] * (double)x[f * C + 1];
        const double rms = sqrt(p / (double)(f1 - f0));
        CHECK(a > 0 && fabs(rms - a) <= 0.1 * a, "LM at %.0f s (%s): rendered %.2f uV RMS",
              e[i].onset_s, e[i].detail, rms);
        printf("LM at %g %% excitation: truth %.2f uV, rendered %.2f uV RMS\n", pct[seen % 5], a,
               rms);
        seen++;
    }
    CHECK(seen == 5, "%zu of 5 explicit LMs in the truth", seen);
    free(x);
    cramp_synth_destroy(s);
}

/* Series with weak LMs at 1 % excitation (under every unit's threshold: no
 * EMG at all) among LMs of 10-40 %: the `aasm` truth is the `all` truth with
 * the weak LMs left out and each series rebuilt by the AASM's rules,
 * computed here from the `all` truth on its own. */
static const char *SERIES = "duration_min 240\nplm_series_per_hour 3\nplm_count 4 12\n"
                            "plm_interval_s 30 60\nplm_bilateral 0\nplm_weak_fraction 0.3\n"
                            "plm_weak_excitation_pct 1 1\nburst_per_hour 4\nnoise_uv 2\nseed 7\n";

typedef struct want {
    double onset, dur;
    uint32_t ch;
    int plm, series, index, count;
} want;

static void test_series_rebuilt(void)
{
    cramp_synth *a, *b;
    if (make_pair(SERIES, "plm_truth aasm\n", &a, &b)) return;
    const cramp_synth_event *ea = cramp_synth_events(a), *eb = cramp_synth_events(b);
    const size_t na = cramp_synth_event_count(a), nb = cramp_synth_event_count(b);
    want *w = calloc(na + 1, sizeof *w);
    size_t nw = 0, weak = 0, split = 0, shrunk = 0, kept_across = 0, series = 0;
    /* The oracle: per drawn series, runs of its strong LMs <= 90 s apart. */
    int top = 0;
    for (size_t i = 0; i < na; i++)
        if (ea[i].series > top) top = ea[i].series;
    for (int sr = 1; w && sr <= top; sr++) {
        size_t run[64], len = 0, runs = 0, members = 0;
        int dropped_inside = 0;
        for (size_t i = 0; i <= na; i++) {
            const int in = i < na && ea[i].series == sr;
            const int strong = in && !strstr(ea[i].detail, "weak");
            if (in) members++;
            if (in && !strong) {
                weak++;
                dropped_inside |= len > 0;
                continue;
            }
            if (!(i == na || strong)) continue;
            const int ends = i == na || (len && ea[i].onset_s - ea[run[len - 1]].onset_s > 90);
            if (ends && len) {
                runs++;
                for (size_t k = 0; k < len; k++)
                    w[nw++] = (want){ea[run[k]].onset_s, ea[run[k]].duration_s,
                                     ea[run[k]].channels, len >= 4, len >= 4 ? -1 : 0,
                                     (int)k + 1, (int)len};
                if (len >= 4) series++;
                shrunk += len < 4;
                kept_across += len >= 4 && dropped_inside && len < members;
                len = 0;
                dropped_inside = 0;
            }
            if (i < na && len < 64) run[len++] = i;
        }
        split += runs > 1;
    }
    /* Everything else is as in `all`. */
    for (size_t i = 0; w && i < na; i++)
        if (!ea[i].series) w[nw++] = (want){ea[i].onset_s, ea[i].duration_s, ea[i].channels, 0, 0, 0, 0};
    size_t lm_b = 0, matched = 0, bad = 0, uv_bad = 0, burst_lm = 0;
    int last_series = 0, next_index[256] = {0};
    for (size_t j = 0; j < nb; j++) {
        if (eb[j].kind == CRAMP_SYNTH_LM) lm_b++;
        if (eb[j].kind == CRAMP_SYNTH_LM || eb[j].kind == CRAMP_SYNTH_BURST)
            uv_bad += !(detail_uv(eb[j].detail) >= 8);
        size_t k = 0;
        while (k < nw && !(w[k].onset == eb[j].onset_s && w[k].ch == eb[j].channels)) k++;
        if (k == nw) {
            bad++;
            fprintf(stderr, "aasm row not in the oracle: %.3f %s %s\n", eb[j].onset_s,
                    eb[j].channel, eb[j].detail);
            continue;
        }
        matched++;
        int ok = w[k].dur == eb[j].duration_s;
        if (eb[j].kind == CRAMP_SYNTH_LM) {
            const int is_plm = eb[j].type == CRAMP_EVENT_PLM;
            ok = ok && is_plm == w[k].plm;
            if (is_plm) {
                /* Series numbered from 1 in order of their first LM; each
                 * one's LMs in order (two legs' series may interleave). */
                const int sr = eb[j].series;
                ok = ok && eb[j].index == w[k].index && eb[j].count == w[k].count && sr >= 1 &&
                     sr <= last_series + 1 && sr < 256 && next_index[sr] + 1 == eb[j].index &&
                     strncmp(eb[j].detail, "series ", 7) == 0;
                if (ok) next_index[sr] = eb[j].index;
                if (sr > last_series) last_series = sr;
            } else {
                burst_lm++;
                ok = ok && eb[j].type == CRAMP_EVENT_BURST && eb[j].series == 0 &&
                     strncmp(eb[j].detail, "lm, no series", 13) == 0;
            }
        }
        if (!ok) {
            bad++;
            fprintf(stderr, "aasm row %.3f %s '%s' (%s): want %s, lm %d/%d\n", eb[j].onset_s,
                    eb[j].channel, eb[j].detail, cramp_event_type_name(eb[j].type),
                    w[k].plm ? "plm" : "burst", w[k].index, w[k].count);
        }
    }
    CHECK(matched == nw && bad == 0 && nb == nw, "aasm truth: %zu rows, %zu wanted, %zu matched, "
          "%zu wrong", nb, nw, matched, bad);
    CHECK(uv_bad == 0, "%zu LMs or bursts scored under 8 uV", uv_bad);
    CHECK(last_series == (int)series, "series numbered 1..%d, %zu wanted", last_series, series);
    /* The night holds what the test is about. */
    CHECK(weak >= 10 && split >= 1 && shrunk >= 1 && kept_across >= 1 && burst_lm >= 1,
          "%zu weak LMs; %zu series split, %zu runs under 4 LMs, %zu kept across a dropped LM",
          weak, split, shrunk, kept_across);
    printf("aasm truth: %zu of %zu LMs weak (dropped), %zu series split, %zu runs under 4 "
           "(%zu lone LMs), %zu series kept across a dropped LM; %zu rows against %zu\n",
           weak, weak + lm_b, split, shrunk, burst_lm, kept_across, nb, na);
    CHECK(same_samples(a, b), "plm_truth aasm changed the samples");
    free(w);
    cramp_synth_destroy(a);
    cramp_synth_destroy(b);
}

/* A bilateral LM whose first leg is weak is the other leg's LM: its row has
 * that leg's channel and interval; every series stays whole. */
static void test_bilateral_one_leg(void)
{
    const char *base = "duration_min 60\nseed 3\nplm_series_per_hour 3\nplm_bilateral 1\n"
                       "plm_weak_fraction 1\nplm_weak_excitation_pct 1 1\nburst_per_hour 0\n";
    cramp_synth *a, *b;
    if (make_pair(base, "plm_truth aasm\n", &a, &b)) return;
    const cramp_synth_event *ea = cramp_synth_events(a), *eb = cramp_synth_events(b);
    size_t lms = 0, bad = 0;
    for (size_t i = 0, j = 0; i < cramp_synth_event_count(a); i++) {
        if (ea[i].kind != CRAMP_SYNTH_LM) continue;
        lms++;
        while (j < cramp_synth_event_count(b) && eb[j].kind != CRAMP_SYNTH_LM) j++;
        if (j == cramp_synth_event_count(b)) {
            bad++;
            continue;
        }
        const uint32_t m = eb[j].channels;
        const double end_a = ea[i].onset_s + ea[i].duration_s;
        const double end_b = eb[j].onset_s + eb[j].duration_s;
        /* One leg of the two; it starts within 2 s of the first (AASM: one
         * LM within 5 s) and the LM's row ended with it or the first leg. */
        if (!(m && !(m & (m - 1)) && (m & ea[i].channels) && m != ea[i].channels &&
              eb[j].onset_s >= ea[i].onset_s && eb[j].onset_s <= ea[i].onset_s + 2 &&
              end_b <= end_a && eb[j].series == ea[i].series && eb[j].index == ea[i].index &&
              !strstr(eb[j].detail, "bilateral"))) {
            bad++;
            fprintf(stderr, "all %.3f+%.3f %s '%s'; aasm %.3f+%.3f %s '%s'\n", ea[i].onset_s,
                    ea[i].duration_s, ea[i].channel, ea[i].detail, eb[j].onset_s,
                    eb[j].duration_s, eb[j].channel, eb[j].detail);
        }
        j++;
    }
    CHECK(lms >= 8 && bad == 0, "%zu of %zu bilateral LMs not the other leg's alone", bad, lms);
    cramp_synth_destroy(a);
    cramp_synth_destroy(b);
}

/* `all` written out is the default: the same truth, detail for detail, and
 * the same samples; the key prints and parses back; a wrong value is
 * refused. */
static void test_all_is_today(void)
{
    const char *base = "duration_min 30\nseed 11\nplm_series_per_hour 4\nplm_weak_fraction 0.3\n"
                       "plm_bilateral 0.5\nplm_missing_fraction 0.2\n";
    cramp_synth *a, *b;
    if (make_pair(base, "plm_truth all\nplm_truth_uv 20\n", &a, &b)) return;
    const cramp_synth_event *ea = cramp_synth_events(a), *eb = cramp_synth_events(b);
    size_t same = cramp_synth_event_count(a) == cramp_synth_event_count(b), weak = 0;
    for (size_t i = 0; same && i < cramp_synth_event_count(a); i++) {
        same = ea[i].onset_s == eb[i].onset_s && ea[i].duration_s == eb[i].duration_s &&
               ea[i].type == eb[i].type && ea[i].channels == eb[i].channels &&
               ea[i].series == eb[i].series && ea[i].index == eb[i].index &&
               ea[i].count == eb[i].count && !strcmp(ea[i].detail, eb[i].detail) &&
               !strcmp(ea[i].channel, eb[i].channel);
        weak += strstr(ea[i].detail, "weak") != NULL;
    }
    CHECK(same && weak > 0, "plm_truth all is not the default truth (%zu weak LMs)", weak);
    CHECK(same_samples(a, b), "plm_truth all changed the samples");
    cramp_synth_destroy(a);
    cramp_synth_destroy(b);

    cramp_scenario sc, back;
    cramp_scenario_default(&sc);
    CHECK(sc.plm_truth == CRAMP_PLM_TRUTH_ALL && sc.plm_truth_uv == 8, "defaults");
    cramp_error err;
    memset(&err, 0, sizeof err);
    CHECK(cramp_scenario_parse(&sc, "plm_truth aasm\nplm_truth_uv 6.5\n", &err) == CRAMP_OK,
          "%s", err.message);
    char buf[65536];
    cramp_scenario_format(&sc, buf, sizeof buf);
    CHECK(strstr(buf, "\nplm_truth aasm\n") && strstr(buf, "\nplm_truth_uv 6.5\n"),
          "the format does not give the key back");
    cramp_scenario_default(&back);
    CHECK(cramp_scenario_parse(&back, buf, &err) == CRAMP_OK &&
              back.plm_truth == CRAMP_PLM_TRUTH_AASM && back.plm_truth_uv == 6.5,
          "the formatted scenario does not parse back: %s", err.message);
    CHECK(cramp_scenario_parse(&back, "plm_truth some\n", &err) != CRAMP_OK &&
              strstr(err.message, "all or aasm"),
          "a wrong value was taken: %s", err.message);
}

int main(void)
{
    test_amplitude_as_rendered();
    test_series_rebuilt();
    test_bilateral_one_leg();
    test_all_is_today();
    return cramp_test_finish("synth_plm_truth");
}
