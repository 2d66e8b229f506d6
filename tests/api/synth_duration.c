/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A simulated cramp's duration (issue 12, h12ac): the drawn duration
 * (cramp_duration_s) counts from the cramp's first discharge, as the
 * literature's cramp durations count from its onset, and the recruitment
 * window (cramp_onset_s) is capped at half of it, so that a short cramp with
 * a long drawn window still lasts its drawn duration and every one of its
 * units fires. Measured on the discharges the simulator reports. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/synth.h"
#include "synth_make.h"
#include "testutil.h"

#define MAX_CRAMPS 64
#define MAX_UNITS 1024

/* Each cramp row's onset window start t0 (from its detail) and end, and what
 * its discharges (those in [t0, end]) were. */
typedef struct cramps {
    size_t n, outside;
    double t0[MAX_CRAMPS], end[MAX_CRAMPS], first[MAX_CRAMPS], last[MAX_CRAMPS];
    size_t distinct[MAX_CRAMPS];
    unsigned char seen[MAX_CRAMPS][MAX_UNITS];
} cramps;

static void on_spike(void *user, size_t muscle, size_t unit, double t, unsigned flags)
{
    cramps *c = user;
    if (muscle != 0 || !(flags & CRAMP_SPIKE_CRAMP)) return;
    for (size_t i = 0; i < c->n; i++) {
        if (t < c->t0[i] - 1e-6 || t > c->end[i] + 1e-6) continue;
        c->first[i] = fmin(c->first[i], t);
        c->last[i] = fmax(c->last[i], t);
        if (unit < MAX_UNITS && !c->seen[i][unit]) {
            c->seen[i][unit] = 1;
            c->distinct[i]++;
        }
        return;
    }
    c->outside++;
}

/* Short cramps (5-8 s) with recruitment windows of 20-25 s, 6-12 units each,
 * on one quiet channel; units live longer than a cramp (no hand-over), so
 * that a cramp's distinct units are its slots that fired. */
static const char *SCENARIO =
    "duration_min 60\nfs 1000\nchannels 1\nnoise_uv 0\nmains_uv 0\necg_uv 0\n"
    "cramp_per_hour 20\nplm_series_per_hour 0\nburst_per_hour 0\nmovement_per_hour 0\n"
    "motion_per_hour 0\npop_per_hour 0\nclip_per_hour 0\nlost_per_hour 0\n"
    "cramp_duration_s 5 8\ncramp_onset_s 20 25\ncramp_units 6 12\ncramp_unit_life_s 1000\n";

int main(void)
{
    cramp_synth *s = synth_make(SCENARIO, NULL);
    cramps *c = calloc(1, sizeof *c);
    if (!s || !c) return cramp_test_finish("synth_duration");
    const cramp_synth_event *e = cramp_synth_events(s);
    const size_t ne = cramp_synth_event_count(s);
    const cramp_synth_event *row[MAX_CRAMPS];
    size_t units[MAX_CRAMPS];
    for (size_t i = 0; i < ne; i++) {
        if (e[i].type != CRAMP_EVENT_CRAMP || c->n == MAX_CRAMPS) continue;
        const char *t0 = strstr(e[i].detail, "t0 ");
        const size_t k = c->n++;
        row[k] = &e[i];
        CHECK(sscanf(e[i].detail, "cramp, %zu units", &units[k]) == 1 && t0 &&
                  sscanf(t0, "t0 %lf", &c->t0[k]) == 1,
              "cramp detail \"%s\"", e[i].detail);
        c->end[k] = e[i].onset_s + e[i].duration_s;
        c->first[k] = (double)INFINITY;
        c->last[k] = -(double)INFINITY;
    }
    cramp_synth_set_spike_callback(s, on_spike, c);
    float *buf = malloc(8192 * cramp_synth_channels(s) * sizeof *buf);
    while (buf && cramp_synth_generate(s, buf, 8192)) {
    }
    free(buf);

    size_t short_rows = 0, partial = 0;
    double dmin = (double)INFINITY, dmax = 0;
    for (size_t k = 0; k < c->n; k++) {
        const double on = row[k]->onset_s, d = row[k]->duration_s;
        dmin = fmin(dmin, d);
        dmax = fmax(dmax, d);
        short_rows += d < 5 - 1e-9 || d > 8 + 1e-9;
        partial += c->distinct[k] != units[k];
        /* The first discharge at the row's onset, the last within the slots'
         * 0.5-s stop spread (and one interval) of its end; full recruitment
         * by mid-cramp. */
        CHECK(fabs(c->first[k] - on) <= 1e-3 && c->last[k] > c->end[k] - 1.5,
              "cramp at %.3f s (t0 %.3f): discharges %.3f-%.3f s, row ends %.3f s", on, c->t0[k],
              c->first[k], c->last[k], c->end[k]);
        CHECK(on - c->t0[k] <= d / 2 + 1e-9,
              "cramp at %.3f s: first discharge %.2f s after t0, over half its %.2f s", on,
              on - c->t0[k], d);
    }
    CHECK(c->n >= 8, "%zu cramps in 60 min at 20 per hour", c->n);
    CHECK(short_rows == 0, "%zu of %zu cramp rows outside cramp_duration_s 5-8 s (%.2f-%.2f s)",
          short_rows, c->n, dmin, dmax);
    CHECK(partial == 0, "%zu of %zu cramps with fewer discharging units than slots", partial,
          c->n);
    CHECK(c->outside == 0, "%zu cramp discharges outside every cramp", c->outside);
    printf("%zu cramps, rows %.2f-%.2f s, %zu outside 5-8 s, %zu with a unit that never fired\n",
           c->n, dmin, dmax, short_rows, partial);
    free(c);
    cramp_synth_destroy(s);
    return cramp_test_finish("synth_duration");
}
