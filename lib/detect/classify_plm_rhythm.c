/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PLM series is periodic: what lies off its rhythm neither joins nor ends
 * it (plm_rhythm_rule, on by default since the ninth freeze; issue 12, h12aj;
 * bench/README.md).
 *
 * The AASM manual (v2.6) scores a PLM series as >= 4 consecutive LMs of
 * 0.5-10 s whose onsets are 5-90 s apart, with no rule that ends a series;
 * WASM 2016 (Ferri et al., Sleep Med 2016;26:86) ends one at an interval
 * under 10 s and at an LM that is no candidate LM (> 10 s; > 15 s both
 * legs), the detector's reading since h12e. What both describe is a
 * periodic motor pattern (Ferri et al., Sleep 2006;29:759, the periodicity
 * index); what joins or ends the detector's series on one or two channels
 * is often no LM of the pattern but an arousal movement, an awakening, a
 * turn or a short cramp: on development nights of `random-4` (one calf
 * channel), 24 of 44 false PLMs were 5-10-s episodes of that kind taken
 * into a series, and 12 of the 15 true PLMs the plain detector found and
 * ours missed were LMs of series cut by them (an awakening over 10 s, the
 * WASM end, or a 5-10-s one under 10 s from a member).
 *
 * Two parts, each asking for the series' rhythm (keeps_rhythm in
 * classify_plm.c: two consecutive direct 10-90-s intervals, 5-90 s across
 * legs, within PLM_BRIDGE_RATIO of each other, the 95th percentile of the
 * ratio of consecutive true intervals):
 *   1. A candidate LM whose EMG is active (emg_active_s, the measure the
 *      LM minimum is read on) for more than cramp_min_s + lm_min_s (5.5 s:
 *      ASDA's 5-s maximum, plus the 0.5 s of quiet the AASM offset rule
 *      waits for, within which a scorer cannot place an LM's end) joins a series only in
 *      its rhythm, and where it would end the series (an interval under
 *      10 s from the last member, WASM) it does so only where the series
 *      does not run on across it (as in 2.); off the rhythm it neither
 *      joins nor ends the series. PLMs are
 *      short: 0.5-5 s in the original definition (Coleman 1982; ASDA 1993),
 *      extended to 10 s by the AASM in 2007; PLMS average 3.2 s (SD 0.65)
 *      in RLS patients (Ferri et al., Sleep 2015;38:919). An LM
 *      of 5-10 s lies in the range where arousal movements, turns and short
 *      cramps are (h12y's rule for a would-be cramp, taken to every
 *      candidate LM of that length whatever its tonic share: with one
 *      channel a turn and a cramp look alike).
 *   2. An episode that is no candidate LM (> 10 s, so WASM's end) ends a
 *      series only where the series does not run on across it: when the
 *      first candidate LM after it is a direct series step from the last
 *      member and in step (within PLM_BRIDGE_RATIO) with the last counted
 *      interval, or, after the series' first LM, with the next interval,
 *      the episode is passed over (the AASM reading: no end rule, the period
 *      measured between consecutive LMs). An awakening in the middle of a
 *      periodic series does not stop the spinal generator that drives it.
 * No new constant: cramp_min_s, lm_min_s, plm_min/max_interval_s,
 * bilateral_s and PLM_BRIDGE_RATIO are the detector's own. Limits: a true LM of 5-10 s
 * beside a gap, or one that alone makes 3 LMs a series, is lost; an
 * awakening over 10 s between two series whose intervals happen to match
 * joins them into one. */
#include <math.h>

#include "detect/classify_internal.h"

/* Whether the series ser[0..ns) runs on across episode k in its rhythm:
   the first candidate LM after k is a direct series step from the last
   member, in step (within PLM_BRIDGE_RATIO) with the last counted interval
   prev or, after the series' first LM (no interval yet), with the next
   interval. */
static int runs_across(const rule_ctx *x, const size_t *ser, size_t ns, size_t k, double prev)
{
    if (ns == 0) return 0;
    const cramp_episode *ep = x->ep;
    const size_t last = ser[ns - 1];
    const size_t j = cramp__plm_next_candidate(x, k);
    if (j == (size_t)-1) return 0;
    const double iv = ep[j].onset_s - ep[last].onset_s;
    if (!cramp__plm_series_step(x, &ep[last], &ep[j], iv)) return 0;
    if (ns >= 2) return cramp__plm_within_ratio(iv, prev);
    const size_t j2 = cramp__plm_next_candidate(x, j);
    if (j2 == (size_t)-1) return 0;
    const double iv2 = ep[j2].onset_s - ep[j].onset_s;
    return cramp__plm_series_step(x, &ep[j], &ep[j2], iv2) && cramp__plm_within_ratio(iv, iv2);
}

int cramp__rhythm_lm_skip(const rule_ctx *x, const size_t *ser, size_t ns, size_t k,
                          double prev)
{
    const int r = x->cfg->plm_rhythm_rule;
    if (r != 1 && r != 2) return 0;
    if (cramp__plm_emg_active_s(x, &x->ep[k]) <= x->cfg->cramp_min_s + x->cfg->lm_min_s) return 0;
    /* it would end the series (an interval under 10 s, WASM): passed over
       where the series runs on across it */
    if (ns > 0 &&
        !isfinite(cramp__plm_series_interval(x, ser[ns - 1], k, ns > 1 ? prev : (double)NAN)))
        return runs_across(x, ser, ns, k, prev);
    return !cramp__plm_keeps_rhythm(x, ser, ns, k, prev);
}

int cramp__rhythm_end_skip(const rule_ctx *x, const size_t *ser, size_t ns, size_t k,
                           double prev)
{
    const int r = x->cfg->plm_rhythm_rule;
    if (r != 1 && r != 3) return 0;
    return runs_across(x, ser, ns, k, prev);
}
