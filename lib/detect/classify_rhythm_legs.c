/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PLM rhythm rule's length bound for an LM of both legs (opt-in
 * plm_rhythm_legs, default off; issue 12, h12as; bench/README.md).
 *
 * plm_rhythm_rule (h12aj, classify_plm_rhythm.c) asks a candidate LM whose
 * EMG is active for more than cramp_min_s + lm_min_s (5.5 s: the original
 * 5-s PLM maximum, Coleman 1982 and ASDA 1993, plus the AASM's 0.5-s offset
 * hold) to keep the series' rhythm. That bound is one leg's: an LM of both
 * legs (the AASM joins LMs of the two legs with onsets < 5 s apart into one)
 * spans the lag between the legs' onsets as well, so two 4-s LMs 2 s apart
 * read 6 s. WASM 2016 (Ferri et al., Sleep Med 2016;26:86; Ferri et al.,
 * Sleep Med 2017;32:10) lengthens the candidate LM for the same reason, from
 * 10 s on one leg to 15 s on both (PLM_BILATERAL_MAX_S). On development
 * nights of `sweep:plm_interval_s=20,90` (intervals drawn anew, so rarely
 * within PLM_BRIDGE_RATIO of each other), bilateral true LMs of 5.5-6 s were
 * the members the rhythm rule dropped from their series.
 *
 * With the switch on, the bound of an LM that involves both legs is
 * lengthened by the WASM's own ratio, PLM_BILATERAL_MAX_S / lm_max_s (1.5:
 * 8.25 s); below it the LM joins or ends a series as any candidate LM.
 * No new constant. Limits: a bilateral arousal movement or turn of 5.5-8.25 s
 * inside a series joins it. */
#include "detect/classify_internal.h"

int cramp__rhythm_legs_pass(const rule_ctx *x, size_t k)
{
    const cramp_detect_config *cfg = x->cfg;
    if (!cfg->plm_rhythm_legs || !(cfg->lm_max_s > 0)) return 0;
    const cramp_episode *e = &x->ep[k];
    uint32_t legs;
    cramp__count_muscles(e->channels, x->ch, x->C, &legs);
    if (legs != 3u) return 0;
    const double bound = (cfg->cramp_min_s + cfg->lm_min_s) * PLM_BILATERAL_MAX_S / cfg->lm_max_s;
    return cramp__plm_emg_active_s(x, e) <= bound;
}
