/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The opt-in two-legs-apart reading (legs_apart_rule; issue 12, h12ap).
 *
 * The episode builder joins the other leg's activity to an episode when it
 * starts within bilateral_s (5 s) of it: the AASM's rule that leg movements
 * of the two legs with onsets < 5 s apart count as one (AASM scoring manual;
 * Ferri et al., Sleep Med 2016;26:86-95, WASM). That rule is about leg
 * movements, of 0.5-10 s. An episode that spans both legs and lasts longer
 * than an LM is already read per leg (episodes.c, docs/detect.md "Two
 * legs"): a channel of the other leg active for under concurrent_fraction of
 * the span is that leg's own event (an LM, a burst, the stretch after its
 * own cramp) during this one's sustained activity, not a muscle of the
 * episode. But the main channel was still picked over both legs by
 * amplitude, so such a brief, strong event of the other leg became the
 * episode's main channel and the sustained leg was then "involved": a calf
 * cramp of 60-70 s with the other leg's TA stretch of 5-15 s (against that
 * leg's own cramp just before) starting within 5 s of it was one two-leg
 * movement, and the cramp's own stretch after it a false cramp (`random-7`,
 * `per-night-cramp`; bench/README.md, h12ap). A cramp is focal, one muscle
 * of one leg (Minetto et al. 2013; Roeleveld et al. 2000): its leg carries
 * the episode.
 *
 * With the key, in such an episode (both legs, longer than lm_max_s), when
 * one leg has a channel active (its segments' time above the offset
 * threshold) for >= concurrent_fraction of the span and the other leg has
 * none, the other leg's channels are taken out: the main channel is chosen
 * from the carrying leg, and the episode builder builds the other leg's
 * segments of the cluster into episodes of their own (episodes.c). No new
 * constant: concurrent_fraction and lm_max_s are the builder's own.
 */
#include "detect/classify_internal.h"

uint32_t cramp__legs_apart(const cramp_detect_config *cfg, const cramp_detect_channel *ch,
                           size_t C, uint32_t has, const double *active_s, double span)
{
    if (!cfg->legs_apart_rule || !ch || !(span > cfg->lm_max_s)) return 0;
    uint32_t leg_mask[2] = {0, 0};
    int carries[2] = {0, 0};
    for (size_t c = 0; c < C; c++) {
        const int leg = ch[c].leg;
        if (!(has >> c & 1u) || (leg != 0 && leg != 1)) continue;
        leg_mask[leg] |= 1u << c;
        if (active_s[c] >= cfg->concurrent_fraction * span) carries[leg] = 1;
    }
    if (!leg_mask[0] || !leg_mask[1] || carries[0] == carries[1]) return 0;
    return carries[0] ? leg_mask[1] : leg_mask[0];
}
