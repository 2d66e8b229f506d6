/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in lm_onset_power (h12ai; cramp/detect.h, segments.c): an EMG
 * segment also opens where the envelope's power above rest reaches the
 * AASM's 8 uV (env^2 - L^2 >= 8^2), never under the noise guard
 * (1 + onset_k) L. Through the front end's public API, 1 kHz, two channels
 * of Gaussian noise (the rest) for 240 s, mains filter off:
 *  - channel 0, rest 2.9 uV RMS (about 2.7 uV in the 20-450 Hz band): four
 *    LMs of 2 s at 60, 90, 120, 150 s, a 100-Hz sine of 9.1 uV RMS added
 *    (a steady 0.1-s RMS: ten periods to a window). The envelope reads about
 *    sqrt(2.7^2 + 9.1^2) = 9.5 uV: under the old threshold L + 8 = 10.7 (the
 *    LM itself had to reach sqrt(16 L + 64) = 10.4 uV), over the key's
 *    max(sqrt(L^2 + 64), 3 L) = 8.4. Off: no activity over them (not even a
 *    short burst); on: each is an EMG segment starting within 0.5 s of its
 *    start and lasting 1.5-3 s;
 *  - channel 1, rest 6 uV (over onset_uv / onset_k = 4 uV: the guard 3 L is
 *    the threshold either way), the same LMs at 12.8 uV RMS (envelope about
 *    14 uV, under 3 L = 16.8): the same activities off and on (none);
 *  - channel 0 at 200 s: 1 s of the same 9.1 uV, 0.3 s of rest, then 6 s at
 *    60 uV (a contraction with a weak start and a pause): with the key the
 *    segment opens on the weak start and starts again where it reaches the
 *    onset threshold, so its record is the one without the key (the same
 *    onset, moved back over the weak start by the offset rule read
 *    backwards; the same sub-bursts and tonic share: 1, not 2 with the pause);
 *  - no other activity on either channel, off or on (the lower threshold
 *    does not open on rest);
 *  - off by default, and the rules id names the key when on.
 * Fails on the code before the key (the field does not exist; and with the
 * threshold L + 8, channel 0's LMs make no segment). */
#include <math.h>
#include <stdlib.h>

#include "cramp/detect.h"
#include "testutil.h"

#define FS 1000.0
#define NIGHT_S 240
#define N_LM 4
#define LM_S 2.0
#define PI 3.14159265358979323846

static const double lm_t0[N_LM] = {60, 90, 120, 150};
static const double rest_uv[2] = {2.9, 6.0}, lm_uv[2] = {9.1, 12.8};

#define STEP_T0 200.0 /* the weak start, the pause, the contraction */
#define STEP_UV 60.0

/* RMS of the added sine on channel 0 at t (s). */
static double added_uv(double t)
{
    if (t >= STEP_T0 && t < STEP_T0 + 1) return lm_uv[0];
    if (t >= STEP_T0 + 1.3 && t < STEP_T0 + 7.3) return STEP_UV;
    return 0;
}

static int in_lm(double t)
{
    for (int i = 0; i < N_LM; i++)
        if (t >= lm_t0[i] && t < lm_t0[i] + LM_S) return 1;
    return 0;
}

/* The activities of one run (malloc'd), their number in *n; NULL on error. */
static cramp_activity *run(int key, size_t *n)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = FS;
    cfg.mains_hz = 0;
    cfg.lm_onset_power = key;
    cramp_detector *d = NULL;
    if (cramp_detector_create(&d, 2, &cfg, NULL, NULL) != CRAMP_OK) return NULL;
    const size_t chunk = 1000, cap = cramp_detector_max_output(d, chunk);
    float *buf = malloc(2 * chunk * sizeof *buf);
    cramp_activity *all = malloc(64 * cap * sizeof *all);
    test_rng rng = {20261207u};
    size_t k = 0, total = 0, bad = !buf || !all;
    for (size_t s = 0; !bad && s < NIGHT_S; s++) {
        for (size_t f = 0; f < chunk; f++) {
            const double t = (double)(s * chunk + f) / FS;
            const double sine = sqrt(2.0) * sin(2 * PI * 100.0 * t);
            for (size_t c = 0; c < 2; c++) {
                const double add = in_lm(t) ? lm_uv[c] : c == 0 ? added_uv(t) : 0;
                buf[2 * f + c] = (float)(rest_uv[c] * test_rng_normal(&rng) + add * sine);
            }
        }
        if (total + cap > 64 * cap ||
            cramp_detector_process(d, buf, chunk, all + total, cap, &k) != CRAMP_OK)
            bad = 1;
        else
            total += k;
    }
    if (!bad && (total + cap > 64 * cap ||
                 cramp_detector_finish(d, all + total, cap, &k) != CRAMP_OK))
        bad = 1;
    else if (!bad)
        total += k;
    cramp_detector_destroy(d);
    free(buf);
    if (bad) {
        free(all);
        return NULL;
    }
    *n = total;
    return all;
}

int main(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    CHECK(cfg.lm_onset_power == 0, "off by default (%d)", cfg.lm_onset_power);
    /* its place in the rules id: detect_rules.c */

    size_t n[2] = {0, 0};
    cramp_activity *a[2] = {run(0, &n[0]), run(1, &n[1])};
    CHECK(a[0] && a[1], "detector failed");
    if (!a[0] || !a[1]) {
        free(a[0]);
        free(a[1]);
        return cramp_test_finish("detect_lm_onset_power");
    }
    const cramp_activity *step[2] = {NULL, NULL};
    for (int key = 0; key < 2; key++) {
        size_t found[N_LM] = {0}, stray = 0, quiet_ch1 = 0, steps = 0;
        for (size_t i = 0; i < n[key]; i++) {
            const cramp_activity *x = &a[key][i];
            if (x->kind != CRAMP_ACTIVITY_EMG && x->kind != CRAMP_ACTIVITY_SHORT) continue;
            if (x->channel == 1) {
                quiet_ch1++;
                continue;
            }
            if (x->offset_s > STEP_T0 && x->onset_s < STEP_T0 + 7.3) {
                step[key] = x;
                steps++;
                continue;
            }
            int hit = -1;
            for (int l = 0; l < N_LM; l++)
                if (x->offset_s > lm_t0[l] && x->onset_s < lm_t0[l] + LM_S) hit = l;
            if (hit < 0) {
                stray++;
                continue;
            }
            const double dur = x->offset_s - x->onset_s;
            if (x->kind == CRAMP_ACTIVITY_EMG && fabs(x->onset_s - lm_t0[hit]) <= 0.5 &&
                dur >= 1.5 && dur <= 3)
                found[hit]++;
            else
                stray++;
            if (!key)
                CHECK(0, "key off: an activity at %.2f-%.2f s over the LM at %g s (kind %d)",
                      x->onset_s, x->offset_s, lm_t0[hit], (int)x->kind);
        }
        if (key)
            for (int l = 0; l < N_LM; l++)
                CHECK(found[l] == 1, "key on: the LM at %g s gives %zu EMG segments", lm_t0[l],
                      found[l]);
        CHECK(stray == 0 || !key, "key on: %zu activities on channel 0 that are not the LMs",
              stray);
        CHECK(quiet_ch1 == 0, "key %s: %zu activities on the 6-uV channel (guard 3 L)",
              key ? "on" : "off", quiet_ch1);
        CHECK(steps == 1, "key %s: %zu activities over the contraction at %g s",
              key ? "on" : "off", steps, STEP_T0);
    }
    if (step[0] && step[1]) {
        const cramp_activity *x = step[0], *y = step[1];
        CHECK(x->kind == CRAMP_ACTIVITY_EMG && fabs(x->onset_s - STEP_T0) <= 0.3,
              "key off: the contraction's segment starts at %.2f s (kind %d), expected %g",
              x->onset_s, (int)x->kind, STEP_T0);
        CHECK(y->onset_s == x->onset_s && y->offset_s == x->offset_s &&
                  y->sub_bursts == x->sub_bursts && y->tonic_fraction == x->tonic_fraction,
              "key on: the contraction reads %.2f-%.2f s, %zu sub-bursts, tonic %.3f; "
              "off %.2f-%.2f s, %zu, %.3f",
              y->onset_s, y->offset_s, y->sub_bursts, y->tonic_fraction, x->onset_s,
              x->offset_s, x->sub_bursts, x->tonic_fraction);
    }
    free(a[0]);
    free(a[1]);
    return cramp_test_finish("detect_lm_onset_power");
}
