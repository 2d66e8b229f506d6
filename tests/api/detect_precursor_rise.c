/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A cramp's onset out of a precursor that rises into it (issue 12, h12v:
 * onset_rise.c), through the public API on planted signals (one channel,
 * 1 kHz, Gaussian noise, rest 2 uV). From 25 s a precursor rises linearly
 * in amplitude to 15 uV above rest at 65 s (Chaney and Sherman's rising
 * calf sEMG, about 40 s) and is held there; from t0 = 70 s the cramp's
 * units come in, their power rising linearly over `ramp` seconds to 35 uV
 * (RMS, the precursor under it), until 100 s. The cramp reaches only 2.3
 * times its precursor's amplitude (5.4 x in power, under the precursor
 * step's 6.25 x), as `random-4`'s 10-unit cramps do, so the precursor step
 * never fires and the old detector started the cramp at the precursor's
 * crossing (49.7 s), about 20 s early.
 *  - ramp 0.1 s (abrupt) and 2 s (gradual): one cramp, its onset within
 *    0.25 s of t0 and precursor_s over 15 s (the precursor's part over
 *    the onset threshold);
 *  - the same cramps without a precursor (rest until t0): onset within
 *    0.25 s of t0 and precursor_s 0, as before the rule;
 *  - a cramp whose first units fire alone at 20 uV for 8 s (from 62 s) and
 *    then step to 35 uV: a rise, but the lead is not at a precursor's level
 *    (the part after it is under precursor_ratio^-2 = 6.25 x the lead's
 *    mean power), so the cramp starts at its first units (62 s);
 *  - a cramp whose first units fire alone at 15 uV for 8 s, then the rest
 *    of its units join over 4 s (45 uV, 9 x the power, dense): a rise over
 *    a lead at a precursor's level, but the lead is sparser than what
 *    follows (the cramp's own recruitment), so it is not cut: the cramp
 *    starts at 62 s. The cramps' units are sparse (10-ms potentials at
 *    10 Hz), the precursor dense. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

#define T0 70.0
#define PRE_START 25.0
#define PRE_END 65.0
#define PRE_UV 15.0
#define CRAMP_UV 35.0
#define CRAMP_END 100.0

typedef struct shape {
    int precursor;
    double ramp; /* the cramp's rise, s; < 0: first units alone from 62 s */
} shape;

/* ramp -1: the first units at 20 uV, then a step to 35 uV; -2: at 15 uV,
   then the rest of the cramp (dense, many units) rising over 4 s to 45 uV */
static const shape shapes[] = {{1, 0.1}, {1, 2}, {0, 0.1}, {0, 2}, {0, -1}, {0, -2}};

static double level(int kind, double t)
{
    const shape *s = &shapes[kind];
    double pre = 0;
    if (s->precursor && t >= PRE_START && t < CRAMP_END)
        pre = PRE_UV * fmin(1, (t - PRE_START) / (PRE_END - PRE_START));
    double cramp2 = 0, dense2 = 0;
    if (s->ramp == -1) {
        if (t >= 62 && t < T0) cramp2 = 20.0 * 20;
        if (t >= T0 && t < CRAMP_END) cramp2 = CRAMP_UV * CRAMP_UV;
    } else if (s->ramp == -2) {
        if (t >= 62 && t < CRAMP_END) cramp2 = 15.0 * 15;
        if (t >= T0 && t < CRAMP_END) dense2 = (45.0 * 45 - 15 * 15) * fmin(1, (t - T0) / 4);
    } else if (t >= T0 && t < CRAMP_END) {
        cramp2 = (CRAMP_UV * CRAMP_UV - pre * pre) * fmin(1, (t - T0) / s->ramp);
    }
    /* a few units discharging: their power comes in 10-ms potentials at
       10 Hz (sparse); the precursor, the rest and many units are dense */
    const double phase = fmod(t, 0.1);
    cramp2 = phase < 0.01 ? 10 * cramp2 : 0;
    return sqrt(PLANTED_REST_UV * PLANTED_REST_UV + pre * pre + cramp2 + dense2);
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    /* the planted cramp is under the precursor step's ratio: the old rule
       does not see it */
    CHECK(CRAMP_UV * CRAMP_UV < PRE_UV * PRE_UV / (cfg.precursor_ratio * cfg.precursor_ratio),
          "the cramp steps past precursor_ratio");
    for (int kind = 0; kind < (int)(sizeof shapes / sizeof shapes[0]); kind++) {
        const shape *s = &shapes[kind];
        cramp_episode *ep = NULL;
        const size_t n = planted_run(level, kind, &cfg, &ep);
        CHECK(n != (size_t)-1, "kind %d: detector / classifier failed", kind);
        const cramp_episode *c = n != (size_t)-1 ? planted_the_cramp(ep, n) : NULL;
        CHECK(c != NULL, "kind %d: not exactly one cramp among %zu episodes", kind, n);
        if (c) {
            const double want = s->ramp < 0 ? 62 : T0;
            CHECK(fabs(c->onset_s - want) <= 0.25,
                  "kind %d (precursor %d, ramp %.1f s): cramp onset %.3f s, expected %.1f "
                  "(+-0.25)",
                  kind, s->precursor, s->ramp, c->onset_s, want);
            CHECK(fabs(c->offset_s - CRAMP_END) <= 0.6, "kind %d: offset %.3f s", kind,
                  c->offset_s);
            if (s->precursor)
                CHECK(c->precursor_s > 15 && c->reason && strstr(c->reason, "precursor"),
                      "kind %d: precursor_s %.2f, reason '%s'", kind, c->precursor_s,
                      c->reason ? c->reason : "(null)");
            else
                CHECK(c->precursor_s == 0, "kind %d: precursor_s %.2f without a precursor", kind,
                      c->precursor_s);
        }
        free(ep);
    }
    return cramp_test_finish("detect_precursor_rise");
}
