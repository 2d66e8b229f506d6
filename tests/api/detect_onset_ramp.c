/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The EMG onset moved back from the threshold crossing to where the
 * envelope left rest (issue 12, slow-onset cramps), through the public API
 * on planted signals (one channel, 1 kHz, Gaussian noise at the levels
 * given; rest 2 uV, so the onset threshold is 2 + 8 uV and the offset
 * threshold 2 + 2 uV):
 *  - a 20-s recruitment ramp: from 60 s the activity rises linearly in
 *    amplitude from 5 uV (one small unit: above the offset threshold, under
 *    the onset one) to 60 uV at 80 s, holds to 100 s. The envelope crosses
 *    the onset threshold about 1.7 s after the ramp starts; the cramp's
 *    reported onset must be within 0.25 s of 60 s;
 *  - an abrupt onset (rest to 60 uV at 60 s): within 0.05 s of 60 s (the
 *    backtracking adds no early bias);
 *  - 3 s of sub-threshold activity (5 uV) from 67 s, then 60 uV from 70 s
 *    to 90 s: the onset moves back to 67 s (+-0.25);
 *  - 10 s of it from 60 s: no rest within the 5 s the search reaches
 *    (CRAMP__EMG_BACKTRACK_S), so the crossing stands: 70 s (+-0.05), not
 *    65 and not 60. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_planted.h"

/* Activity (uV RMS above the 2-uV rest) at time t: kind 0 the ramp, 1 the
   step, 2 a 3-s sub-threshold lead, 3 a 10-s one. */
static double activity(int kind, double t)
{
    switch (kind) {
    case 0:
        if (t < 60 || t >= 100) return 0;
        return t < 80 ? 5 + 55 * (t - 60) / 20 : 60;
    case 1: return t >= 60 && t < 80 ? 60 : 0;
    default:
        if (t < (kind == 2 ? 67 : 60) || t >= 90) return 0;
        return t < 70 ? 5 : 60;
    }
}

int main(void)
{
    static const char *name[] = {"20-s ramp", "abrupt", "3-s sub-threshold lead",
                                 "10-s sub-threshold lead"};
    static const double want[] = {60, 60, 67, 70}, tol[] = {0.25, 0.05, 0.25, 0.05};
    for (int kind = 0; kind < 4; kind++) {
        cramp_episode *ep = NULL;
        size_t n = planted_run_over_rest(activity, kind, &ep);
        CHECK(n != (size_t)-1, "%s: detector / classifier failed", name[kind]);
        const cramp_episode *c = n != (size_t)-1 ? planted_the_cramp(ep, n) : NULL;
        CHECK(c != NULL, "%s: not exactly one cramp among %zu episodes", name[kind], n);
        if (c)
            CHECK(fabs(c->onset_s - want[kind]) <= tol[kind],
                  "%s: cramp onset %.3f s, expected %.2f (+-%.2f)", name[kind], c->onset_s,
                  want[kind], tol[kind]);
        free(ep);
    }
    return cramp_test_finish("detect_onset_ramp");
}
