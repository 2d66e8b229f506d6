/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The both-legs row (issue 12, h12ag; opt-in, cramp_detect_config.
 * both_legs_rule; bench/README.md, h12ag): a would-be cramp
 * (sustained, tonic, one muscle) while a muscle of the OTHER leg starts
 * within bilateral_s of it and is active (its segments' time above the
 * offset threshold) for at least concurrent_fraction of it is a movement of
 * both legs (an awakening, a whole-body stretch), not a cramp.
 *
 * Why: a cramp is a focal involuntary contraction of one muscle, the others
 * at rest (Minetto et al. 2013; Roeleveld et al. 2000), and crosstalk is
 * volume conduction within a limb that does not reach the other leg (Farina
 * et al. 2004), so another leg's sustained activity from the same moment is
 * that leg's own. The episode builder reads the two legs apart only past an
 * LM's length (lm_max_s, h12i); under it the other leg is involved at
 * involve_fraction of the main channel, and an awakening of 5-10 s whose
 * strongest muscle works at twice the others' level was one muscle, a
 * "cramp" (bench/README.md, h12ag). This row is that reading extended to
 * would-be cramps of any length: the same two constants (bilateral_s, AASM;
 * concurrent_fraction), no new one. It sees the segments, so only activity
 * above the onset threshold counts (weak REM tonic activity of the other
 * leg does not). Limits: a cramp with the other leg's own sustained activity
 * (a cramp there, an LM long enough) starting within bilateral_s of it is a
 * movement; legs unknown: the row does nothing. */
#include <math.h>

#include "detect/classify_internal.h"

/* The other leg's muscle (a channel of the known leg that is not the main
   channel's) active from within bilateral_s of the episode's onset for at
   least concurrent_fraction of its span: the largest such active share of
   the span, 0 if there is none. */
static double other_leg_with_it(const rule_ctx *x, const cramp_episode *e)
{
    if (!x->ch || !x->act || e->main_channel >= x->C) return 0;
    const int leg = x->ch[e->main_channel].leg;
    if (leg != 0 && leg != 1) return 0;
    const double on = e->onset_s, off = e->offset_s, span = off - on;
    if (!(span > 0)) return 0;
    double best = 0;
    for (size_t c = 0; c < x->C; c++) {
        if (x->ch[c].leg != 1 - leg) continue;
        double first = HUGE_VAL, active = 0;
        for (size_t i = 0; i < x->n_act; i++) {
            const cramp_activity *s = &x->act[i];
            if (s->channel != c || s->kind != CRAMP_ACTIVITY_EMG) continue;
            const double ov = fmin(off, s->offset_s) - fmax(on, s->onset_s);
            if (!(ov > 0)) continue;
            first = fmin(first, s->onset_s);
            active += s->tonic_fraction * ov;
        }
        if (fabs(first - on) <= x->cfg->bilateral_s &&
            active >= x->cfg->concurrent_fraction * span)
            best = fmax(best, active / span);
    }
    return best;
}

const char *cramp__both_legs_row(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    if (!x->cfg->both_legs_rule || !cramp__cramp_candidate(x, e)) return NULL;
    const double share = other_leg_with_it(x, e);
    if (!(share > 0)) return NULL;
    *conf = conf_of(margin(share, x->cfg->concurrent_fraction));
    return "sustained on one muscle, but a muscle of the other leg works over most of it "
           "from the same moment (a movement of both legs: crosstalk stays within a leg, "
           "a cramp is focal; --both-legs-rule)";
}
