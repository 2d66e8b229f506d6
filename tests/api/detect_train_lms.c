/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Leg movements that are no foot-tremor train (issue 12, h12p): through the
 * public API on planted signals (1 kHz, one channel, Gaussian noise 2 uV RMS
 * at rest, no mains filter). A PLM series of five LMs 20 s apart (2 s at
 * 30 uV), whose third LM is, in turn:
 *  - four sub-bursts at 30 uV (0.3, 1.3, 0.4 and 0.8 s) with pauses of
 *    0.35, 0.45 and 0.4 s at rest: under the AASM's 0.5-s offset hold, so one
 *    LM; its rises come at random intervals (0.65, 1.75, 0.8 s: CV 0.46), no
 *    0.3-4 Hz tremor (the old rule made the one episode an `hft` train of 4
 *    and the series kept only 4 LMs);
 *  - 4.5 s at 12 uV with a 60-ms spike at 60 uV every 0.9 s riding on it (QRS
 *    complexes of ECG bleed, or potentials, on weak activity): regular rises,
 *    but each burst of a potential's length (AASM: HFT bursts 250-1000 ms;
 *    the old rule made it an `hft` train of 5);
 *  - 1.5 s at 30 uV and, 1 s after it, three 60-ms potentials at 60 uV
 *    0.45 s apart (one segment of strung potentials, active < 0.5 s): the
 *    old rule chained the LM and the potentials into an `hft` train of 4;
 * each time: five `plm` and no `hft`. And the rule leaves a tremor alone:
 * six 0.4-s bursts at 30 uV every 0.8 s (pauses of 0.4 s, one segment) on
 * their own are one `hft` train. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "detect_planted.h"

#define TOTAL_S 240.0
#define T0 120.0
#define LMS 5
#define LM_PERIOD_S 20.0
#define MIDDLE 2 /* the third LM */

enum { SUB_BURSTS, RIDING, STRUNG, TREMOR };

/* 1 when t lies in one of the n pieces [start[i], start[i] + len[i]) */
static int in_pieces(double t, const double *start, const double *len, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t >= start[i] && t < start[i] + len[i]) return 1;
    return 0;
}

/* Activity (uV RMS above the noise) of the case's odd LM, w seconds after
   its start. */
static double middle_lm(int kind, double w)
{
    static const double sub_start[] = {0, 0.65, 2.4, 3.2}, sub_len[] = {0.3, 1.3, 0.4, 0.8};
    static const double pot_start[] = {2.5, 2.95, 3.4}, pot_len[] = {0.06, 0.06, 0.06};
    switch (kind) {
    case SUB_BURSTS:
        return in_pieces(w, sub_start, sub_len, 4) ? 30 : 0;
    case RIDING:
        if (w < 0 || w >= 4.5) return 0;
        return fmod(w, 0.9) < 0.06 ? 60 : 12;
    case STRUNG:
        if (w >= 0 && w < 1.5) return 30;
        return in_pieces(w, pot_start, pot_len, 3) ? 60 : 0;
    default:
        return 0;
    }
}

static double level(const void *ctx, double t)
{
    const int kind = *(const int *)ctx;
    double a = 0;
    if (kind == TREMOR) {
        const double w = t - T0;
        if (w >= 0 && w < 6 * 0.8 && fmod(w, 0.8) < 0.4) a = 30;
    } else if (t >= T0 && t < T0 + LMS * LM_PERIOD_S) {
        const size_t k = (size_t)((t - T0) / LM_PERIOD_S);
        const double w = t - T0 - (double)k * LM_PERIOD_S;
        a = k == MIDDLE ? middle_lm(kind, w) : w < 2 ? 30 : 0;
    }
    return 2 + a;
}

int main(void)
{
    static const char *name[] = {"four irregular sub-bursts", "spikes riding on a weak LM",
                                 "an LM and strung potentials"};
    const uint64_t seeds[] = {20261207u, 31u, 32u};
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        for (int kind = SUB_BURSTS; kind <= TREMOR; kind++) {
            test_rng rng = {seeds[s]};
            cramp_episode *ep = NULL;
            const size_t n = planted_run_for(TOTAL_S, level, &kind, &rng, &cfg, &ep);
            CHECK(n != (size_t)-1, "detector / classifier failed");
            if (n == (size_t)-1) continue;
            size_t i = 0;
            const size_t nh = planted_count(ep, n, CRAMP_EVENT_HFT, &i);
            const size_t np = planted_count(ep, n, CRAMP_EVENT_PLM, NULL);
            if (kind == TREMOR) {
                CHECK(nh == 1, "seed %zu: six 0.4-s bursts every 0.8 s: %zu hft of %zu", s, nh,
                      n);
                if (nh == 1)
                    CHECK(fabs(ep[i].onset_s - T0) < 0.2 && ep[i].duration_s > 4,
                          "seed %zu: hft %.2f s + %.2f s; planted from %.0f s, 4.4 s", s,
                          ep[i].onset_s, ep[i].duration_s, T0);
            } else {
                CHECK(nh == 0, "seed %zu, %s: %zu hft episodes (an LM, no tremor)", s,
                      name[kind], nh);
                CHECK(np == LMS, "seed %zu, %s: %zu plm of %d LMs (%zu episodes)", s,
                      name[kind], np, LMS, n);
            }
            free(ep);
        }
    }
    return cramp_test_finish("detect_train_lms");
}
