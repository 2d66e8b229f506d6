/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PLM series through the public classifier (issue 12, the PLM worst case):
 * hand-made leg-movement segments on L-TA, then which are labelled plm and
 * in which series.
 *  - a regular series of 5 LMs 30 s apart is one series (the reference);
 *  - one missed LM (an interval of 100 s between LMs 50 s apart) is bridged
 *    inside a series (in step with the intervals on both sides), and the
 *    series keeps its 4 scored LMs; without the bridge neither half has 4;
 *    a gap after the first LM or before a stray last one is not bridged;
 *  - a long interval is not bridged when its half is out of step with the
 *    series (ratio > 2.5), nor when it exceeds twice the 90-s maximum;
 *  - a missed LM is never counted: 3 LMs with one bridge are no series;
 *  - an episode active for less than 0.5 s (a few fragmentary potentials
 *    strung into one episode: span x tonic share, less the envelope's
 *    spread, < 0.5 s) is no LM: 4 of
 *    them make no series, and one 7 s after an LM does not break the series
 *    (as an LM it would: its interval is under 10 s). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static cramp_activity lm(double on, double dur, double tonic)
{
    cramp_activity s = handmade_seg(HM_L_TA, on, on + dur, 40);
    s.tonic_fraction = tonic;
    s.sub_bursts = tonic < 1 ? 3 : 1;
    s.rises = s.sub_bursts;
    return s;
}

/* Classifies the segments; series[i] is the series number of the episode
   starting at act[i]'s onset (0: not a PLM, -1: no such episode). */
static void classify(const cramp_activity *act, size_t n, int *series, const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    /* one leg: L-GAS, L-TA */
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(act, n, 2, &cfg, &ep, what);
    for (size_t i = 0; i < n; i++) {
        series[i] = -1;
        for (size_t k = 0; k < ne; k++) {
            if (ep[k].onset_s != act[i].onset_s) continue;
            series[i] = ep[k].type == CRAMP_EVENT_PLM ? ep[k].series : 0;
            if (ep[k].type == CRAMP_EVENT_PLM)
                CHECK(ep[k].series > 0 && ep[k].confidence >= 0.5 && ep[k].confidence <= 1,
                      "%s: PLM at %g s, series %d, confidence %g", what, ep[k].onset_s,
                      ep[k].series, ep[k].confidence);
        }
    }
    free(ep);
}

static void expect(const cramp_activity *act, size_t n, const int *want, const char *what)
{
    int got[16];
    classify(act, n, got, what);
    for (size_t i = 0; i < n; i++)
        CHECK(got[i] == want[i], "%s: episode at %g s in series %d, expected %d", what,
              act[i].onset_s, got[i], want[i]);
}

int main(void)
{
    {   /* the reference: 5 LMs, 30 s apart */
        const cramp_activity a[] = {lm(100, 2, 1), lm(130, 2, 1), lm(160, 2, 1), lm(190, 2, 1),
                                    lm(220, 2, 1)};
        const int w[] = {1, 1, 1, 1, 1};
        expect(a, 5, w, "regular series");
    }
    {   /* 50 s apart, the third missed: 100 s bridged (half 50, the last 50) */
        const cramp_activity a[] = {lm(100, 2, 1), lm(150, 2, 1), lm(250, 2, 1), lm(300, 2, 1)};
        const int w[] = {1, 1, 1, 1};
        expect(a, 4, w, "missed LM inside");
    }
    {   /* only inside a series: a gap after the first LM is not bridged
           (the first LM may be a stray burst), nor one before the last */
        const cramp_activity a[] = {lm(100, 2, 1), lm(200, 2, 1), lm(250, 2, 1), lm(300, 2, 1)};
        const int w[] = {0, 0, 0, 0};
        expect(a, 4, w, "gap after the first LM");
        const cramp_activity b[] = {lm(100, 2, 1), lm(130, 2, 1), lm(160, 2, 1), lm(190, 2, 1),
                                    lm(340, 2, 1)};
        const int wb[] = {1, 1, 1, 1, 0};
        expect(b, 5, wb, "stray LM 150 s after a series");
    }
    {   /* 40 s apart, the fourth missed: 80-s gap needs no bridge; 40 s
           apart, a gap of 100 s between the third and fourth: bridged */
        const cramp_activity a[] = {lm(100, 2, 1), lm(140, 2, 1), lm(180, 2, 1), lm(280, 2, 1),
                                    lm(320, 2, 1)};
        const int w[] = {1, 1, 1, 1, 1};
        expect(a, 5, w, "missed LM late in a series");
    }
    {   /* two series stay apart, and the bridge does not count the missed LM:
           3 LMs + a missed one are no series */
        const cramp_activity a[] = {lm(100, 2, 1), lm(150, 2, 1), lm(250, 2, 1)};
        const int w[] = {0, 0, 0};
        expect(a, 3, w, "3 LMs and a missed one");
    }
    {   /* out of step: 160 s after intervals of 30 s (half 80, ratio 2.67) */
        const cramp_activity a[] = {lm(100, 2, 1), lm(130, 2, 1), lm(290, 2, 1), lm(320, 2, 1)};
        const int w[] = {0, 0, 0, 0};
        expect(a, 4, w, "out of step");
    }
    {   /* over twice the maximum: 190 s after 80 s intervals */
        const cramp_activity a[] = {lm(100, 2, 1), lm(180, 2, 1), lm(370, 2, 1), lm(450, 2, 1)};
        const int w[] = {0, 0, 0, 0};
        expect(a, 4, w, "over 180 s");
    }
    {   /* fragments: 2-s spans of 3 sub-bursts active 0.45 of the time
           (0.9 s on the envelope, 0.65 s of EMG once each piece's spread
           by the 0.1-s envelope is taken off: plm_morphology): LMs; active
           0.2 of the time (0.4 s): not */
        const cramp_activity a[] = {lm(100, 2, 0.45), lm(130, 2, 0.45), lm(160, 2, 0.45),
                                    lm(190, 2, 0.45)};
        const int w[] = {1, 1, 1, 1};
        expect(a, 4, w, "active 0.9 s");
        const cramp_activity b[] = {lm(100, 2, 0.2), lm(130, 2, 0.2), lm(160, 2, 0.2),
                                    lm(190, 2, 0.2)};
        const int wb[] = {0, 0, 0, 0};
        expect(b, 4, wb, "active 0.4 s");
    }
    {   /* a fragment 7 s after the second LM (5 s after its end: no HFT
           chain) neither joins nor breaks */
        const cramp_activity a[] = {lm(100, 2, 1), lm(130, 2, 1), lm(137, 1, 0.3), lm(160, 2, 1),
                                    lm(190, 2, 1)};
        const int w[] = {1, 1, 0, 1, 1};
        expect(a, 5, w, "fragment inside a series");
    }
    return cramp_test_finish("plm_series");
}
