/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The leg movement's EMG active time, the envelope's spread taken off
 * (issue 12, the PLM worst case; WASM 2016's morphology criterion for
 * computer scoring), through the public classifier. Montage L-GAS, L-TA,
 * R-GAS, R-TA; series of LMs on L-TA, 30 s apart. The 0.1-s RMS envelope
 * reads every piece of activity up to 0.1 s longer than the EMG (up to 0.05 s
 * at the end, where the offset sits at the centre of the first quiet window),
 * so an LM needs lm_min_s (0.5 s) plus that on the envelope:
 *  - two potentials with a pause between them, 1.02 s span, active 0.53 s on
 *    the envelope (0.38 s of EMG): no LM, 4 of them make no series;
 *  - one burst of 0.52 s on the envelope (0.47 s of EMG): no LM;
 *  - one burst of 0.6 s (0.55 s of EMG): an LM, 4 make a series;
 *  - with a 0.02-s envelope window the 0.52-s burst is 0.51 s of EMG: an LM
 *    (the correction is the window's, not a constant);
 *  - such a pair of potentials 7 s after an LM of a series neither joins nor
 *    breaks it (as an LM its interval, under 10 s, would end the series). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static cramp_activity seg(double on, double dur, double tonic, size_t bursts)
{
    cramp_activity s = handmade_seg(HM_L_TA, on, on + dur, 40);
    s.tonic_fraction = tonic;
    s.sub_bursts = bursts;
    s.rises = bursts;
    return s;
}

/* Classifies a[0..n) (sorted by onset) with the default configuration but
   the envelope window; want[i]: whether a[i] is a PLM. */
static void expect(const cramp_activity *a, size_t n, double env_window_s, const int *want,
                   const char *what)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.env_window_s = env_window_s;
    cramp_episode *ep = NULL;
    const size_t ne = handmade_classify(a, n, 4, &cfg, &ep, what);
    for (size_t i = 0; i < n; i++) {
        int plm = 0, found = 0;
        for (size_t k = 0; k < ne; k++)
            if (ep[k].onset_s == a[i].onset_s) {
                found = 1;
                plm = ep[k].type == CRAMP_EVENT_PLM;
            }
        CHECK(found && plm == want[i], "%s: episode at %g s %s a PLM, expected %s", what,
              a[i].onset_s, plm ? "is" : "is not", want[i] ? "one" : "not");
    }
    free(ep);
}

int main(void)
{
    {
        const cramp_activity a[] = {seg(100, 1.02, 0.52, 1), seg(130, 1.02, 0.52, 1),
                                    seg(160, 1.02, 0.52, 1), seg(190, 1.02, 0.52, 1)};
        const int w[] = {0, 0, 0, 0};
        expect(a, 4, 0.1, w, "two potentials, 0.53 s on the envelope");
    }
    {
        const cramp_activity a[] = {seg(100, 0.52, 1, 1), seg(130, 0.52, 1, 1),
                                    seg(160, 0.52, 1, 1), seg(190, 0.52, 1, 1)};
        const int w[] = {0, 0, 0, 0};
        expect(a, 4, 0.1, w, "one 0.52-s burst");
        const int w2[] = {1, 1, 1, 1};
        expect(a, 4, 0.02, w2, "one 0.52-s burst, 0.02-s window");
    }
    {
        const cramp_activity a[] = {seg(100, 0.6, 1, 1), seg(130, 0.6, 1, 1), seg(160, 0.6, 1, 1),
                                    seg(190, 0.6, 1, 1)};
        const int w[] = {1, 1, 1, 1};
        expect(a, 4, 0.1, w, "one 0.6-s burst");
    }
    {
        const cramp_activity a[] = {seg(100, 2, 1, 1), seg(130, 2, 1, 1), seg(137, 1.02, 0.52, 1),
                                    seg(160, 2, 1, 1), seg(190, 2, 1, 1)};
        const int w[] = {1, 1, 0, 1, 1};
        expect(a, 5, 0.1, w, "two potentials 7 s after an LM");
    }
    return cramp_test_finish("plm_morphology");
}
