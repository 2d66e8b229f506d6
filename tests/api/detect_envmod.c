/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The movement-rhythm measure (cramp_activity/cramp_episode env_mod_ratio)
 * and the modulated-contraction row (issue 12), through the public API on
 * planted signals (detect_planted.h: one channel, 1 kHz, Gaussian noise at
 * the level given): 60 s of rest (2 uV), 30 s of activity around 100 uV, 30 s
 * of rest.
 *  - a steady contraction: the ratio is near the white-noise value 0.5
 *    (0.3-0.8), under env_mod_max, and the episode is a cramp;
 *  - the same level modulated at 1 Hz (x (1 + 0.5 sin), a movement's
 *    rhythm): the ratio is above env_mod_max and the episode a movement with
 *    the row's reason; with env_mod_max = 0 (the row off) it is a cramp:
 *    this fails if the row does nothing;
 *  - modulated at 6 Hz (in the reference band): the ratio falls under 0.5
 *    and the episode stays a cramp (the ratio tells the band, not the depth);
 *  - a precursor at 15 uV for 20 s then a step to 120 uV for 20 s: the step
 *    (a slow modulation to a band-pass) stays out of the measure, which
 *    starts anew at it: the ratio stays under env_mod_max, a cramp;
 *  - the id: env_mod_max = 0 changes the rules id (detect_rules.c names it). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_planted.h"
#include "testutil.h"

#define PI 3.14159265358979323846

/* Level (uV RMS) at time t: kind 0 steady, 1 modulated at 1 Hz, 2 at 6 Hz,
   3 a precursor then a step. */
static double level(int kind, double t)
{
    if (t < 60) return 2;
    if (kind == 3) return t < 80 ? 15 : t < 100 ? 120 : 2;
    if (t >= 90) return 2;
    if (kind == 1) return 100 * (1 + 0.5 * sin(2 * PI * 1.0 * t));
    if (kind == 2) return 100 * (1 + 0.5 * sin(2 * PI * 6.0 * t));
    return 100;
}

/* The detector and classifier over the planted signal (detect_planted.h)
   with env_mod_max = mod_max. */
static size_t run(int kind, double mod_max, cramp_episode **ep)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.env_mod_max = mod_max;
    return planted_run(level, kind, &cfg, ep);
}

/* The one episode longer than 10 s, or NULL. */
static const cramp_episode *the_long_one(const cramp_episode *ep, size_t n)
{
    const cramp_episode *c = NULL;
    for (size_t i = 0; n != (size_t)-1 && i < n; i++)
        if (ep[i].duration_s > 10) {
            if (c) return NULL;
            c = &ep[i];
        }
    return c;
}

int main(void)
{
    cramp_detect_config def;
    cramp_detect_config_default(&def);
    const double lim = def.env_mod_max;
    CHECK(lim > 0.5, "the row is on by default, above the white-noise value 0.5 (%g)", lim);

    cramp_episode *ep = NULL;
    size_t n = run(0, lim, &ep);
    const cramp_episode *e = the_long_one(ep, n);
    CHECK(e != NULL, "steady: not one long episode among %zu", n);
    if (e) {
        CHECK(e->env_mod_ratio > 0.3 && e->env_mod_ratio < 0.8, "steady: ratio %.3f, expected about 0.5",
              e->env_mod_ratio);
        CHECK(e->type == CRAMP_EVENT_CRAMP, "steady: type %d, expected a cramp", (int)e->type);
    }
    free(ep);

    n = run(1, lim, &ep);
    e = the_long_one(ep, n);
    CHECK(e != NULL, "1 Hz: not one long episode among %zu", n);
    if (e) {
        CHECK(e->env_mod_ratio > 2 * lim, "1 Hz: ratio %.3f, expected well above %g", e->env_mod_ratio,
              lim);
        CHECK(e->type == CRAMP_EVENT_MOVEMENT && e->reason && strstr(e->reason, "0.5-3 Hz"),
              "1 Hz: type %d reason '%s', expected the modulated-contraction movement", (int)e->type,
              e->reason ? e->reason : "(null)");
    }
    free(ep);

    n = run(1, 0, &ep);
    e = the_long_one(ep, n);
    CHECK(e != NULL && e->type == CRAMP_EVENT_CRAMP, "1 Hz, row off: not a cramp (%d)",
          e ? (int)e->type : -1);
    free(ep);

    n = run(2, lim, &ep);
    e = the_long_one(ep, n);
    CHECK(e != NULL, "6 Hz: not one long episode among %zu", n);
    if (e) {
        CHECK(e->env_mod_ratio < 0.5, "6 Hz: ratio %.3f, expected under 0.5", e->env_mod_ratio);
        CHECK(e->type == CRAMP_EVENT_CRAMP, "6 Hz: type %d, expected a cramp", (int)e->type);
    }
    free(ep);

    n = run(3, lim, &ep);
    e = NULL;
    for (size_t i = 0; n != (size_t)-1 && i < n; i++)
        if (ep[i].type == CRAMP_EVENT_CRAMP) e = &ep[i];
    CHECK(e != NULL, "precursor: no cramp among %zu episodes", n);
    if (e)
        CHECK(e->env_mod_ratio < lim && e->precursor_s > 10,
              "precursor: ratio %.3f (limit %g), precursor_s %.2f: the step entered the measure",
              e->env_mod_ratio, lim, e->precursor_s);
    free(ep);

    /* the row is in the rules id (detect_rules.c asserts both ids) */
    char id[CRAMP_DETECT_RULES_ID_SIZE], id_off[CRAMP_DETECT_RULES_ID_SIZE];
    cramp_detect_rules_id(&def, id);
    def.env_mod_max = 0;
    CHECK(strcmp(cramp_detect_rules_id(&def, id_off), id) != 0,
          "row off: id %s, the same as with the row on", id_off);
    return cramp_test_finish("detect_envmod");
}
