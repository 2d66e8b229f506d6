/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which muscle a simulated cramp is on, and what the sleeper stretches
 * after it (issue 12, h12x; datasets/README.md, "Where the stretch goes"):
 * cramp_muscle_weights puts cramps on the kinds it weights only, and a
 * stretch contracts the cramping muscle's antagonist: the tibialis anterior
 * after a calf or foot cramp (as before), the calf after a TA cramp, the
 * other thigh channel after a thigh cramp, none where the leg has no such
 * channel. Measured on the event table and on the discharges the
 * simulator reports (its spike callback). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/synth.h"
#include "synth_make.h"
#include "testutil.h"

/* No random events, no interference; 1 kHz to keep it quick. */
static const char *QUIET = "duration_min 3\nfs 1000\n"
                           "noise_uv 0\nmains_uv 0\necg_uv 0\n"
                           "cramp_per_hour 0\nplm_series_per_hour 0\nburst_per_hour 0\n"
                           "movement_per_hour 0\nmotion_per_hour 0\npop_per_hour 0\n"
                           "clip_per_hour 0\nlost_per_hour 0\n";

typedef struct count {
    size_t per_muscle[CRAMP_SYNTH_MAX_CHANNELS]; /* voluntary discharges in [a, b) */
    double a, b;
} count;

static void on_spike(void *user, size_t muscle, size_t unit, double t, unsigned flags)
{
    (void)unit;
    count *c = user;
    if (!(flags & CRAMP_SPIKE_CRAMP) && t >= c->a && t < c->b && muscle < CRAMP_SYNTH_MAX_CHANNELS)
        c->per_muscle[muscle]++;
}

static void run(cramp_synth *s, count *c)
{
    cramp_synth_set_spike_callback(s, on_spike, c);
    const size_t C = cramp_synth_channels(s);
    float *buf = malloc(4096 * C * sizeof *buf);
    while (buf && cramp_synth_generate(s, buf, 4096) > 0) {}
    free(buf);
}

static const cramp_synth_event *find(const cramp_synth *s, cramp_synth_kind k)
{
    const cramp_synth_event *e = cramp_synth_events(s);
    for (size_t i = 0; i < cramp_synth_event_count(s); i++)
        if (e[i].kind == k) return &e[i];
    return NULL;
}

/* A cramp on one channel, a stretch after it (not whole-body): the stretch's
   channels in the truth and where the voluntary discharges after the cramp
   are. Layouts (default, left leg first): 4 channels L-GAS L-TA R-GAS R-TA;
   10 channels L-GAS L-TA L-SOL L-AH L-VL, then the right leg. */
static void test_antagonist(void)
{
    static const struct {
        const char *what, *montage;
        uint32_t want; /* the stretch's channels (0: no row, no discharges) */
    } cases[] = {
        {"calf cramp, 4 ch", "channels 4\nevent cramp 30 20 1\n", 1u << 1},
        {"foot cramp, 10 ch", "channels 10\nevent cramp 30 20 4\n", 1u << 1},
        {"TA cramp, 4 ch: the calf", "channels 4\nevent cramp 30 20 2\n", 1u << 0},
        {"TA cramp, 10 ch: the gastrocnemius", "channels 10\nevent cramp 30 20 7\n", 1u << 5},
        {"TA cramp, soleus only", "channels 2\nchannel 1 L-TA ta left\nchannel 2 L-SOL sol left\n"
                                  "event cramp 30 20 1\n", 1u << 1},
        {"TA cramp, no calf on the leg", "channels 2\nchannel 1 L-TA ta left\n"
                                         "channel 2 R-GAS gas right\nevent cramp 30 20 1\n", 0},
        {"thigh cramp, one thigh channel", "channels 10\nevent cramp 30 20 5\n", 0},
        {"thigh cramp, two thigh channels", "channels 10\nchannel 4 L-HAM thigh left\n"
                                            "event cramp 30 20 5\n", 1u << 3},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[512];
        snprintf(text, sizeof text, "stretch_probability 1\nstretch_body_probability 0\n"
                                    "stretch_delay_s 1 3\n%s", cases[k].montage);
        cramp_synth *s = synth_make(QUIET, text);
        if (!s) continue;
        const cramp_synth_event *c = find(s, CRAMP_SYNTH_CRAMP), *st = find(s, CRAMP_SYNTH_STRETCH);
        CHECK(c != NULL, "%s: no cramp", cases[k].what);
        if (!c) {
            cramp_synth_destroy(s);
            continue;
        }
        const double end = c->onset_s + c->duration_s;
        const uint32_t all = (1u << cramp_synth_channels(s)) - 1;
        count n;
        memset(&n, 0, sizeof n);
        n.a = end; /* the stretch lies within 1 + 3 + 20 s after the cramp */
        n.b = end + 24;
        const uint32_t want = cases[k].want;
        const uint32_t got = st ? st->channels : 0u;
        CHECK(got == want, "%s: stretch on 0x%x, want 0x%x", cases[k].what, got, want);
        run(s, &n);
        size_t on_want = 0, elsewhere = 0;
        for (size_t m = 0; m < CRAMP_SYNTH_MAX_CHANNELS; m++) {
            if (!(all & (1u << m))) continue;
            if (want & (1u << m)) on_want += n.per_muscle[m];
            else elsewhere += n.per_muscle[m];
        }
        CHECK((want ? on_want > 100 : 1) && elsewhere == 0,
              "%s: %zu voluntary discharges on the stretching channel, %zu elsewhere (the "
              "cramp on 0x%x)",
              cases[k].what, on_want, elsewhere, c->channels);
        cramp_synth_destroy(s);
    }
}

/* cramp_muscle_weights: cramps only on the weighted kinds present, by weight;
   a kind the montage lacks gets none; the key round-trips and the later of
   it and cramp_muscles wins. */
static void test_weights(void)
{
    static const struct {
        const char *what, *lines;
        uint32_t allowed; /* channels a cramp may be on */
        size_t min_cramps;
    } cases[] = {
        {"TA only, 4 ch", "channels 4\ncramp_muscle_weights 1 0 0 0 0 0\n", 0xAu, 8},
        {"thigh only, 10 ch", "channels 10\ncramp_muscle_weights 0 0 0 0 1 0\n",
         (1u << 4) | (1u << 9), 8},
        {"foot and TA, 10 ch", "channels 10\ncramp_muscle_weights 2 0 0 1 0 0\n",
         (1u << 1) | (1u << 3) | (1u << 6) | (1u << 8), 8},
        {"thigh only, 4 ch: none", "channels 4\ncramp_muscle_weights 0 0 0 0 1 0\n", 0, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[512];
        snprintf(text, sizeof text, "duration_min 60\ncramp_per_hour 30\ncramp_duration_s 5 20\n%s",
                 cases[k].lines);
        cramp_synth *s = synth_make(QUIET, text);
        if (!s) continue;
        const cramp_synth_event *e = cramp_synth_events(s);
        size_t n = 0, off = 0, ta = 0, foot = 0;
        for (size_t i = 0; i < cramp_synth_event_count(s); i++) {
            if (e[i].kind != CRAMP_SYNTH_CRAMP) continue;
            n++;
            if (e[i].channels & ~cases[k].allowed) off++;
            if (e[i].channels & ((1u << 1) | (1u << 6))) ta++;
            if (e[i].channels & ((1u << 3) | (1u << 8))) foot++;
        }
        CHECK(n >= cases[k].min_cramps && off == 0 && (cases[k].allowed || n == 0),
              "%s: %zu cramps, %zu off the weighted kinds", cases[k].what, n, off);
        if (k == 2) /* weights 2:1, 30 cramps or so: TA well ahead of the foot */
            CHECK(ta > foot && foot > 0, "%s: %zu on the TA, %zu on the foot", cases[k].what, ta,
                  foot);
        cramp_synth_destroy(s);
    }

    cramp_scenario a, b;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_scenario_default(&a);
    CHECK(cramp_scenario_parse(&a, "cramp_muscle_weights 0 3 1 0.5 0 0\n", &err) == CRAMP_OK,
          "parse: %s", err.message);
    CHECK(a.cramp_muscle_weighted && a.cramp_muscles == ((1u << CRAMP_MUSCLE_GAS) |
                                                         (1u << CRAMP_MUSCLE_SOL) |
                                                         (1u << CRAMP_MUSCLE_FOOT)) &&
              a.cramp_muscle_weights[1] == 3,
          "weights set the kinds");
    size_t need = cramp_scenario_format(&a, NULL, 0);
    char *t1 = malloc(need + 1), *t2 = malloc(need + 1);
    cramp_scenario_format(&a, t1, need + 1);
    CHECK(strstr(t1, "\ncramp_muscle_weights 0 3 1 0.5 0 0\n") != NULL, "weights written");
    cramp_scenario_default(&b);
    CHECK(cramp_scenario_parse(&b, t1, &err) == CRAMP_OK, "reparse: %s", err.message);
    cramp_scenario_format(&b, t2, need + 1);
    CHECK(!strcmp(t1, t2), "weights do not round-trip");
    free(t1);
    free(t2);
    CHECK(cramp_scenario_parse(&b, "cramp_muscles ta\n", &err) == CRAMP_OK &&
              !b.cramp_muscle_weighted && b.cramp_muscles == 1u << CRAMP_MUSCLE_TA,
          "a later cramp_muscles line wins");
    const char *bad[] = {"cramp_muscle_weights 1 0 0\n", "cramp_muscle_weights 1 0 0 0 0 -1\n",
                         "cramp_muscle_weights 1 0 0 0 0 x\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cramp_scenario_default(&b);
        CHECK(cramp_scenario_parse(&b, bad[i], &err) == CRAMP_EINVAL, "'%s' accepted", bad[i]);
    }

    /* Unset ('-'): the night of the default kinds, event for event. */
    const char *night = "duration_min 60\ncramp_per_hour 20\ncramp_duration_s 5 20\nchannels 8\n"
                        "stretch_probability 0.5\n";
    cramp_synth *x = synth_make(QUIET, night);
    char more[256];
    snprintf(more, sizeof more, "%scramp_muscle_weights 1 1 1 1 1 1\ncramp_muscle_weights -\n"
                                "cramp_muscles gas sol foot\n", night);
    cramp_synth *y = synth_make(QUIET, more);
    if (x && y) {
        size_t nx = cramp_synth_event_count(x), ny = cramp_synth_event_count(y);
        int same = nx == ny;
        for (size_t i = 0; same && i < nx; i++)
            same = cramp_synth_events(x)[i].onset_s == cramp_synth_events(y)[i].onset_s &&
                   cramp_synth_events(x)[i].channels == cramp_synth_events(y)[i].channels;
        CHECK(same && nx > 10, "unset weights change the night (%zu vs %zu events)", nx, ny);
    }
    cramp_synth_destroy(x);
    cramp_synth_destroy(y);
}

int main(void)
{
    test_antagonist();
    test_weights();
    return cramp_test_finish("synth_muscles");
}
