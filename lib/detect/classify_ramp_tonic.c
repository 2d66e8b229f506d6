/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in ramp-tonic test (ramp_tonic_rule; issue 12, h12ao).
 *
 * The cramp row asks a sustained one-muscle episode to be tonic: its
 * envelope above the offset threshold for tonic_min (0.95) of its span, so
 * that a train of bursts is not read as a cramp. A cramp's onset can be
 * gradual: its motor units are recruited one after another over seconds
 * (Minetto et al. 2009), and while only the first few fire, at their lowest
 * rates, the envelope of a few-unit cramp falls under the offset threshold
 * for pauses of >= 0.2 s between their discharges; the last units to drop
 * out at its end do the same. A short cramp whose recruitment fills much of
 * it then loses 5-9 % of its span to pauses and is read as phasic (a burst):
 * on the `random-1` literature variant (21 units, onset windows of 4-24 s,
 * capped at half the cramp) most of the missed cramps of 5-15 s
 * (bench/README.md, h12ao). A burst train pauses throughout; a cramp pauses
 * only while its units are recruited or drop out, around one sustained
 * contraction. So, with the key, an episode counts as tonic too when one
 * segment of its main channel ran without a pause (cramp_activity.
 * longest_run_s) for at least half the episode: the contraction, once
 * recruited, sustained for longer than its ramps together. No new
 * constant: "half" is the episode's own midpoint.
 */
#include <math.h>

#include "detect/classify_internal.h"

int cramp__tonic_after_ramp(const rule_ctx *x, const cramp_episode *e)
{
    if (!x->cfg->ramp_tonic_rule || !(e->duration_s > 0)) return 0;
    double run = 0;
    for (size_t i = 0; i < x->n_act; i++) {
        const cramp_activity *a = &x->act[i];
        if (a->kind == CRAMP_ACTIVITY_EMG && a->channel == e->main_channel &&
            a->offset_s > e->onset_s && a->onset_s < e->offset_s)
            run = fmax(run, fmin(a->longest_run_s, fmin(a->offset_s, e->offset_s) -
                                                       fmax(a->onset_s - a->precursor_s,
                                                            e->onset_s)));
    }
    return run >= 0.5 * e->duration_s;
}
