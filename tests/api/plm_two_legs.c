/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shortest interval between LMs of different legs in a PLM series
 * (issue 12, the PLM worst case), through the public classifier. Montage
 * L-GAS, L-TA, R-GAS, R-TA. The detector takes the AASM's bilateral rule
 * (LMs on the two legs with onsets < 5 s apart are one LM) and with it the
 * AASM's period between the two legs' LMs (5-90 s); on one leg the WASM
 * 2016 minimum of 10 s holds:
 *  - a series of 5 LMs on each leg, 30 s apart on L-TA and R-TA, the right
 *    leg's 6-8 s after the left's (the two legs' series interleaved): all
 *    10 are PLMs of one series (before, every 6-8-s step across the legs
 *    ended a series and none was a PLM);
 *  - the same with the right leg's 4 s after the left's: each pair is one
 *    bilateral LM, 5 PLMs in one series;
 *  - a series of 5 on L-TA with one more L-TA LM 7 s after the second: on
 *    one leg 7 s ends the series (WASM 2016), so only the 4 from the extra
 *    LM on form a series and the first LM is no PLM;
 *  - a series of 5 on L-TA with one R-TA LM 7 s after the second: a member
 *    (6 PLMs, one series).
 *  - the same on one channel of unknown leg (no montage): the extra LM is on
 *    the same channel, so 7 s ends the series as on one leg. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

enum { L_TA = HM_L_TA, R_TA = HM_R_TA };

static cramp_activity seg(size_t channel, double on, double dur)
{
    return handmade_seg(channel, on, on + dur, 40);
}

static int by_onset(const void *a, const void *b)
{
    const cramp_activity *x = a, *y = b;
    return (x->onset_s > y->onset_s) - (x->onset_s < y->onset_s);
}

/* Classifies a (n segments, sorted here) on the 4-channel montage, or on
   the channels' labels unknown when montage is 0; counts the PLMs, the
   highest series number, and whether an episode starting at first_s is a
   PLM. */
static void run(cramp_activity *a, size_t n, int montage, double first_s, int want_plm,
                int want_series, int want_first, const char *what)
{
    qsort(a, n, sizeof a[0], by_onset);
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cramp_detect_channel ch[4];
    handmade_montage(ch);
    cramp_episode *ep = NULL;
    size_t ne = 0;
    cramp_error err = {0};
    CHECK(cramp_detect_classify(a, n, montage ? ch : NULL, 4, &cfg, &ep, &ne, &err) == CRAMP_OK,
          "%s: %s", what, err.message);
    int plm = 0, series = 0, first = 0;
    for (size_t k = 0; k < ne; k++) {
        if (ep[k].type != CRAMP_EVENT_PLM) continue;
        plm++;
        if (ep[k].series > series) series = ep[k].series;
        if (fabs(ep[k].onset_s - first_s) < 1e-9) first = 1;
    }
    CHECK(plm == want_plm && series == want_series && first == want_first,
          "%s: %d PLMs in %d series, the first LM %s; expected %d in %d, %s", what, plm, series,
          first ? "a PLM" : "not", want_plm, want_series, want_first ? "a PLM" : "not");
    free(ep);
}

int main(void)
{
    static const double lag[5] = {6, 7.5, 8, 6.5, 7};
    cramp_activity a[16];
    size_t n = 0;
    for (int i = 0; i < 5; i++) {
        a[n++] = seg(L_TA, 100 + 30 * i, 1.5);
        a[n++] = seg(R_TA, 100 + 30 * i + lag[i], 2);
    }
    run(a, n, 1, 100, 10, 1, 1, "two legs' series interleaved 6-8 s apart");

    n = 0;
    for (int i = 0; i < 5; i++) {
        a[n++] = seg(L_TA, 100 + 30 * i, 1.5);
        a[n++] = seg(R_TA, 100 + 30 * i + 4, 2);
    }
    run(a, n, 1, 100, 5, 1, 1, "the right leg 4 s after the left (bilateral LMs)");

    n = 0;
    for (int i = 0; i < 5; i++) a[n++] = seg(L_TA, 100 + 30 * i, 1.5);
    a[n++] = seg(L_TA, 137, 1.5);
    run(a, n, 1, 100, 4, 1, 0, "an LM 7 s after another on the same leg");

    n = 0;
    for (int i = 0; i < 5; i++) a[n++] = seg(L_TA, 100 + 30 * i, 1.5);
    a[n++] = seg(R_TA, 137, 1.5);
    run(a, n, 1, 100, 6, 1, 1, "an LM 7 s after another on the other leg");

    n = 0;
    for (int i = 0; i < 5; i++) a[n++] = seg(0, 100 + 30 * i, 1.5);
    a[n++] = seg(0, 137, 1.5);
    run(a, n, 0, 100, 4, 1, 0, "one channel, no montage: an LM 7 s after another");
    return cramp_test_finish("plm_two_legs");
}
