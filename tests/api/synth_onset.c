/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a simulated cramp begins (issue 12): the truth's onset is the cramp's
 * first motor-unit discharge (the start of its onset window, t0, is in the
 * detail), and a precursor leads into the cramp without a rest. Measured on
 * the discharges the simulator reports (its spike callback). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/synth.h"
#include "synth_make.h"
#include "testutil.h"

/* One channel, no other random events, no interference; 1 kHz. */
static const char *QUIET = "duration_min 30\nfs 1000\nchannels 1\n"
                           "noise_uv 0\nmains_uv 0\necg_uv 0\n"
                           "cramp_per_hour 0\nplm_series_per_hour 0\nburst_per_hour 0\n"
                           "movement_per_hour 0\nmotion_per_hour 0\npop_per_hour 0\n"
                           "clip_per_hour 0\nlost_per_hour 0\n";

typedef struct spikes {
    double *t;
    unsigned *flags;
    size_t n, cap;
} spikes;

static void on_spike(void *user, size_t muscle, size_t unit, double t, unsigned flags)
{
    (void)unit;
    spikes *s = user;
    if (muscle != 0) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8192;
        double *nt = realloc(s->t, cap * sizeof *nt);
        if (!nt) return;
        s->t = nt;
        unsigned *nf = realloc(s->flags, cap * sizeof *nf);
        if (!nf) return;
        s->flags = nf;
        s->cap = cap;
    }
    s->t[s->n] = t;
    s->flags[s->n++] = flags;
}

static spikes run(cramp_synth *s)
{
    spikes sp = {0};
    if (!s) return sp;
    cramp_synth_set_spike_callback(s, on_spike, &sp);
    float *buf = malloc(8192 * cramp_synth_channels(s) * sizeof *buf);
    while (buf && cramp_synth_generate(s, buf, 8192)) {
    }
    free(buf);
    return sp; /* in time order: blocks in order, a cramp's slots may interleave (unused) */
}

/* The cramp's window start t0 (the row's onset when the detail gives none,
 * as before the first discharge was the onset), window and precursor length
 * from its detail. */
static int parse(const cramp_synth_event *e, double *t0, double *window, double *pre)
{
    size_t units;
    double hz;
    const char *p = strstr(e->detail, "precursor "), *q = strstr(e->detail, "t0 ");
    *pre = 0;
    *t0 = e->onset_s;
    if (sscanf(e->detail, "cramp, %zu units, %lf Hz, onset %lf s", &units, &hz, window) != 3 ||
        (q && sscanf(q, "t0 %lf s", t0) != 1))
        return 0;
    CHECK(q != NULL, "no t0 in the cramp's detail '%s'", e->detail);
    return !p || sscanf(p, "precursor %lf s", pre) == 1;
}

/* Every cramp of a night with gradual onsets and (prob) precursors: the
 * truth's onset is its first cramp discharge within one sample; with a
 * precursor, no 0.5-s rest lies between t0 - 1 s and that discharge. */
static void check_night(const char *extra, int want_pre)
{
    cramp_synth *s = synth_make(QUIET, extra);
    if (!s) return;
    const double fs = cramp_synth_fs(s);
    spikes sp = run(s);
    const cramp_synth_event *e = cramp_synth_events(s);
    size_t n = 0, with_pre = 0, late = 0;
    for (size_t i = 0; i < cramp_synth_event_count(s); i++) {
        if (i && e[i].onset_s < e[i - 1].onset_s) CHECK(0, "truth not sorted at row %zu", i);
        if (e[i].kind != CRAMP_SYNTH_CRAMP) continue;
        double t0, win, pre;
        if (!parse(&e[i], &t0, &win, &pre)) {
            CHECK(0, "cramp detail '%s'", e[i].detail);
            continue;
        }
        n++;
        const double end = e[i].onset_s + e[i].duration_s;
        double first = (double)INFINITY, last = -(double)INFINITY;
        for (size_t k = 0; k < sp.n; k++)
            if ((sp.flags[k] & CRAMP_SPIKE_CRAMP) && sp.t[k] >= t0 - 1e-9 && sp.t[k] <= end + 1e-9) {
                if (sp.t[k] < first) first = sp.t[k];
                if (sp.t[k] > last) last = sp.t[k];
            }
        CHECK(fabs(e[i].onset_s - first) <= 1 / fs,
              "cramp (%s): truth onset %.4f s, first discharge %.4f s", e[i].detail, e[i].onset_s,
              first);
        CHECK(e[i].onset_s >= t0 && e[i].onset_s <= t0 + win && last > first,
              "cramp (%s): onset %.4f s outside its window, or no discharge after it",
              e[i].detail, e[i].onset_s);
        late += e[i].onset_s - t0 > 0.5;
        if (pre <= 0) continue;
        with_pre++;
        /* Every discharge of the muscle (precursor or cramp) from t0 - 1 s up
         * to the first cramp discharge: the longest rest between them. */
        double prev = t0 - 1, gap = 0;
        for (size_t k = 0; k < sp.n; k++) {
            if (sp.t[k] < t0 - 1 || sp.t[k] > first) continue;
            if (sp.t[k] - prev > gap) gap = sp.t[k] - prev;
            prev = sp.t[k];
        }
        CHECK(gap < 0.5, "cramp (%s): %.2f s of rest between its precursor and first discharge",
              e[i].detail, gap);
    }
    CHECK(n >= 4 && (!want_pre || with_pre == n),
          "%zu cramps, %zu with a precursor, %zu first discharges > 0.5 s after t0", n, with_pre,
          late);
    printf("%zu cramps, %zu with a precursor, %zu first discharges > 0.5 s after t0\n", n, with_pre,
           late);
    free(sp.t);
    free(sp.flags);
    cramp_synth_destroy(s);
}

/* An explicit cramp: its row starts at its first discharge, within the window
 * after the time the scenario gives, and lasts the duration the scenario
 * gives (the cramp ends that long after its first discharge). */
static void test_explicit(void)
{
    cramp_synth *s = synth_make(QUIET, "duration_min 2\ncramp_onset_s 10 10\n"
                                       "event cramp 20 60 1 units=20\n");
    if (!s) return;
    spikes sp = run(s);
    double first = (double)INFINITY;
    for (size_t k = 0; k < sp.n; k++)
        if ((sp.flags[k] & CRAMP_SPIKE_CRAMP) && sp.t[k] < first) first = sp.t[k];
    const cramp_synth_event *e = cramp_synth_events(s);
    CHECK(cramp_synth_event_count(s) == 1 && fabs(e[0].onset_s - first) <= 1 / cramp_synth_fs(s) &&
              e[0].onset_s > 20 && e[0].onset_s < 30 &&
              fabs(e[0].duration_s - 60) < 1e-9,
          "explicit cramp 20+60: truth %.4f+%.4f, first discharge %.4f", e[0].onset_s,
          e[0].duration_s, first);
    free(sp.t);
    free(sp.flags);
    cramp_synth_destroy(s);
}

int main(void)
{
    /* Every cramp with a precursor (the literature's 2-8 % rise over
     * 30-52 s), gradual onsets of 10-30 s (the slow-onset variants). */
    check_night("cramp_per_hour 12\ncramp_duration_s 20 120\ncramp_units 10 40\n"
                "cramp_onset_s 10 30\ncramp_precursor_probability 1\n", 1);
    /* Short cramps with long windows (capped at half the cramp) and no precursor. */
    check_night("seed 7\ncramp_per_hour 30\ncramp_duration_s 5 20\ncramp_onset_s 5 30\n", 0);
    test_explicit();
    return cramp_test_finish("synth_onset");
}
