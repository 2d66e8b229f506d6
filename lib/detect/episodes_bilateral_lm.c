/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AASM's bilateral rule joins two leg movements, not an LM and a cramp
 * (opt-in bilateral_lm_only; issue 12, h12aq; bench/README.md).
 *
 * The episode builder (episodes.c, emg_cluster) lets a segment of the other
 * leg join the episode being built when it starts within bilateral_s (5 s)
 * of it: the AASM scoring manual's rule that LMs on the two legs whose onsets
 * lie < 5 s apart are one LM. Once joined, that leg is in the episode and
 * each later segment of it that overlaps the episode joins too. Where the
 * episode is a cramp or other sustained activity of one leg, an LM of the
 * other leg that starts in its first 5 s took that leg in, and with it the
 * leg's later LMs inside the cramp; reading the episode per leg then drops
 * them (the other leg active for less than half of it), so a PLM series of
 * one leg during a cramp of the other was lost (development nights of
 * `random-9`, seeds 900-929: 11 of 67 missed PLMs; seed 902, 2590-2700 s:
 * four L-TA LMs of a series inside a 110-s R-GAS cramp, no event).
 *
 * The bilateral rule is one of leg movements: both must be LMs (AASM: 0.5-10
 * s; WASM 2016, Ferri et al., Sleep Med 2016;26:86: a bilateral candidate
 * LM lasts 0.5-15 s, PLM_BILATERAL_MAX_S). So with the rule on, a segment
 * of the other leg that is LM-long (<= lm_max_s) does not join an episode
 * that is already longer than a bilateral candidate LM: it starts an episode
 * of its own. A segment longer than an LM joins as before (a turn or an
 * awakening of both legs stays one movement; a cramp on each leg was two
 * already, past bilateral_s). No new constant. Limits: an LM that starts
 * first, with a cramp of the other leg from within 5 s after it, still takes
 * the cramp in; the episode's length is what is known when the segment
 * comes (the segments are in onset order). */
#include "detect/classify_internal.h"

int cramp__bilateral_lm_joins(const cramp_detect_config *cfg, double start, double end,
                              const cramp_activity *s)
{
    if (!cfg->bilateral_lm_only) return 1;
    if (s->offset_s - s->onset_s > cfg->lm_max_s) return 1;
    return !(end - start > PLM_BILATERAL_MAX_S);
}
