/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reaction to a cramp on the cramp's own channel, kept off a cramp's
 * precursor and off a movement (reaction_rule, on by default since the eighth
 * freeze; issue 12, h12ae).
 *
 * With one channel per leg the sleeper's reaction to a calf cramp reaches the
 * cramp's own electrode: stretching the calf, standing or walking on the leg
 * right after it (Mayo Clinic and EBSCO patient leaflets; docs/detect.md,
 * "Stretching after a cramp"). The after-cramp pass (classify.c) takes a
 * sustained contraction starting within stretch_window_s of the end of a
 * cramp candidate on the same channel for that reaction (the
 * stretch-same-channel row). Two pairs are no reaction to a cramp:
 *   - the earlier episode is the later one's precursor: sustained calf
 *     activity at a lower level leads into a cramp (Chaney and Sherman's
 *     pilot: calf sEMG rose 41 +- 11 s before the sleeper woke with a
 *     cramp), and the detector reads a lead-in as a precursor where the
 *     cramp's power above rest is precursor_ratio^-2 times the lead's or
 *     more (segments.c, onset_rise.c). Where the two were split by a pause
 *     the same power step says the earlier one led into the later one, not
 *     that the later one answers it;
 *   - the earlier episode is itself a movement by the modulated-contraction
 *     row (its amplitude modulated at 0.5-3 Hz: turning, jiggling the leg;
 *     envmod.c) or, with the sparseness rule on, a dense contraction: no
 *     cramp, so nothing that follows is a reaction to one.
 * Limits: a reaction stronger than precursor_ratio^-2 times a weak cramp's
 * power (a forceful stretch after a cramp of few units) stays a cramp; a
 * cramp recurring within stretch_window_s of a cramp of similar strength is
 * still read as its reaction; a precursor that is itself a cramp candidate
 * stays one (a false cramp where the old rule made the later one the false
 * label). No new constant: precursor_ratio, env_mod_max and the sparseness
 * test are the detector's own. */

#include "detect/classify_internal.h"

/* Power above rest of an episode's main channel (uV^2, >= 0). */
static double excess_power(const cramp_episode *e)
{
    const double p = e->rms_uv * e->rms_uv - e->rest_uv * e->rest_uv;
    return p > 0 ? p : 0;
}

/* Whether a later row labels the candidate e a movement (classify.c's
   modulated-contraction and, when on, dense-contraction tests; e, a cramp
   candidate, is sustained and tonic already). */
static int movement_later(const rule_ctx *x, const cramp_episode *e)
{
    return cramp__amplitude_modulated(x, e) || cramp__dense_pattern(x, e);
}

int cramp__reaction_pair_ok(const rule_ctx *x, size_t p, size_t k)
{
    const cramp_episode *before = &x->ep[p], *after = &x->ep[k];
    if (movement_later(x, before)) return 0;
    const double r = x->cfg->precursor_ratio;
    if (r > 0 && excess_power(after) * r * r >= excess_power(before)) return 0;
    return 1;
}
