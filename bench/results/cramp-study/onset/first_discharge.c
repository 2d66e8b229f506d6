/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For each true cramp of a scenario's night: its onset, the first cramp
 * discharge on its muscle and when the 2nd and 3rd units first fired (issue
 * 12, slow onsets, h12k). Study tool, public API only. Build:
 *   cc -O2 -I lib/include first_discharge.c -L BUILD/lib -lcramp -lm
 * Usage: first_discharge SCENARIO  ->  TSV on stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/synth.h"

#define MAXU 4096
typedef struct first {
    size_t m, n;
    double t[8];          /* the first discharge of the first 8 units after `from` */
    size_t unit[8];
} first;

typedef struct ctx {
    const cramp_synth_event *ev;
    size_t n_ev;
    first *f;             /* per event */
} ctx;

static void on_spike(void *user, size_t muscle, size_t unit, double t, unsigned flags)
{
    ctx *x = user;
    if (!(flags & CRAMP_SPIKE_CRAMP)) return;
    for (size_t e = 0; e < x->n_ev; e++) {
        const cramp_synth_event *v = &x->ev[e];
        if (v->kind != CRAMP_SYNTH_CRAMP || !(v->channels >> muscle & 1u)) continue;
        if (t < v->onset_s - 1e-9 || t > v->onset_s + v->duration_s) continue;
        first *f = &x->f[e];
        size_t k;
        for (k = 0; k < f->n; k++)
            if (f->unit[k] == unit) break;
        if (k < f->n) return;
        if (f->n < 8) {
            f->unit[f->n] = unit;
            f->t[f->n++] = t;
        }
        return;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: first_discharge SCENARIO\n");
        return 2;
    }
    cramp_scenario sc;
    cramp_error err;
    cramp_scenario_default(&sc);
    cramp_synth *s = NULL;
    if (cramp_scenario_load(&sc, argv[1], &err) != CRAMP_OK ||
        cramp_synth_create(&s, &sc, &err) != CRAMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    ctx x = {cramp_synth_events(s), cramp_synth_event_count(s), NULL};
    x.f = calloc(x.n_ev ? x.n_ev : 1, sizeof *x.f);
    cramp_synth_set_spike_callback(s, on_spike, &x);
    const size_t C = cramp_synth_channels(s);
    float *buf = malloc(8192 * C * sizeof *buf);
    while (cramp_synth_generate(s, buf, 8192)) {
    }
    printf("onset\tduration\tchannel\tfirst1\tfirst2\tfirst3\tdetail\n");
    for (size_t e = 0; e < x.n_ev; e++) {
        const cramp_synth_event *v = &x.ev[e];
        if (v->kind != CRAMP_SYNTH_CRAMP) continue;
        const first *f = &x.f[e];
        /* sort the first discharges */
        double t[8];
        memcpy(t, f->t, sizeof t);
        for (size_t i = 0; i < f->n; i++)
            for (size_t j = i + 1; j < f->n; j++)
                if (t[j] < t[i]) {
                    double q = t[i];
                    t[i] = t[j];
                    t[j] = q;
                }
        printf("%.6f\t%.6f\t%s", v->onset_s, v->duration_s, v->channel);
        for (size_t i = 0; i < 3; i++) printf("\t%.3f", i < f->n ? t[i] - v->onset_s : NAN);
        printf("\t%s\n", v->detail);
    }
    free(buf);
    free(x.f);
    cramp_synth_destroy(s);
    return 0;
}
