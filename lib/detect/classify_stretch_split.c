/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A cramp cut from the stretch that follows it (issue 12, h12al; on by
 * default since the ninth freeze, cramp_detect_config.stretch_split_rule;
 * bench/README.md, h12al): before
 * the episodes are built, a segment of one muscle that ran for at least
 * cramp_min_s before a stronger muscle of the same leg started, and then
 * lasts only while that muscle works, is cut where that muscle starts.
 *
 * Why: a cramp is a focal contraction of one muscle, the others at rest
 * (Minetto et al. 2013; Roeleveld et al. 2000), and what the sleeper does
 * against a calf cramp is stretch it with the antagonist, the tibialis
 * anterior (patient leaflets; docs/detect.md, "Stretching after a cramp").
 * When the stretch starts within a fraction of a second of the cramp's end,
 * its crosstalk on the calf (volume conduction within the limb: Farina et
 * al. 2004) keeps the calf's envelope above the offset threshold, so the
 * calf's segment runs from the cramp's onset to the stretch's end and the
 * episode builder takes both muscles into one two-muscle movement: the
 * cramp was lost and its stretch labelled with it (h12ag's trace: one such
 * calf cramp, the TA's stretch 0.6 s after it, missed in 38 of 72
 * variants). The cut gives back the two events the leg made: the first
 * muscle's part alone (the cramp, if the cramp row finds it sustained and
 * tonic) and the rest with the second muscle (the stretch, labelled by the
 * rows as before: a movement after a cramp).
 *
 * The test, with the detector's own constants only: take the segment of
 * another muscle of the leg that reaches furthest into the first muscle's
 * segment. It starts cramp_min_s or more after the first muscle's onset
 * (one muscle for a cramp's minimum before it), the first muscle ends no
 * later than off_hold_s after it (what is left of the first after the
 * second starts lasts only while the second works: its crosstalk, or the
 * cramp fading as it is stretched), and its RMS above rest is larger than
 * the first muscle's over the whole segment (the second muscle is a source
 * of its own: crosstalk is conducted activity, always weaker than the
 * muscle it comes from, and a cramp's crosstalk crossing the TA's onset
 * threshold, h12ab, or a cramp's precursor's, never is). A first muscle
 * that keeps on after the second stops (a cramp with an LM of the TA inside
 * it) is not cut.
 *
 * The two parts keep the segment's measures (its RMS, tonic share, spectra
 * and rhythm are of the whole segment: the classifier has no envelope to
 * measure the parts apart); the second part has no precursor. Legs or
 * muscles unknown: nothing is cut. */
#include <math.h>
#include <stdlib.h>

#include "detect/classify_internal.h"

static int known(const cramp_detect_channel *ch, size_t C, size_t c)
{
    return ch && c < C && (ch[c].leg == 0 || ch[c].leg == 1) && ch[c].muscle >= 0;
}

static double excess(const cramp_activity *s) { return sqrt(fmax(s->bp_excess_uv2, 0)); }

/* Where segment i of a is cut (the onset of the other muscle's segment that
   carries it to its end), or NAN when the rule does not apply. */
static double cut_at(const cramp_activity *a, size_t n, size_t i, const cramp_detect_channel *ch,
                     size_t C, const cramp_detect_config *cfg)
{
    const cramp_activity *s = &a[i];
    if (s->kind != CRAMP_ACTIVITY_EMG || !known(ch, C, s->channel)) return (double)NAN;
    const int leg = ch[s->channel].leg, mus = ch[s->channel].muscle;
    const cramp_activity *last = NULL;
    for (size_t j = 0; j < n; j++) {
        const cramp_activity *t = &a[j];
        if (j == i || t->kind != CRAMP_ACTIVITY_EMG || !known(ch, C, t->channel)) continue;
        if (ch[t->channel].leg != leg || ch[t->channel].muscle == mus) continue;
        if (!(t->onset_s < s->offset_s && t->offset_s > s->onset_s)) continue;
        if (!last || t->offset_s > last->offset_s) last = t;
    }
    if (!last || last->onset_s - s->onset_s < cfg->cramp_min_s) return (double)NAN;
    /* the first muscle lasts only while the second works ... */
    if (s->offset_s > last->offset_s + cfg->off_hold_s) return (double)NAN;
    /* ... and the second is the stronger: no crosstalk of the first
       (conducted activity is weaker than its source) */
    if (!(excess(last) > excess(s))) return (double)NAN;
    /* ... but not so much stronger that the first was its lead-in: the
       detector's precursor step (power above rest precursor_ratio^-2 times
       the earlier's, h12ae's exception; calf sEMG rises before a cramp,
       Chaney and Sherman's pilot), a cramp of the second muscle after
       lower-level activity of the first that its crosstalk then carried */
    const double r = cfg->precursor_ratio;
    if (r > 0 && last->bp_excess_uv2 * r * r >= s->bp_excess_uv2) return (double)NAN;
    return last->onset_s;
}

cramp_status cramp__stretch_split(cramp_activity **act, size_t *n_act,
                                  const cramp_detect_channel *ch, size_t C,
                                  const cramp_detect_config *cfg)
{
    if (!cfg->stretch_split_rule || !ch || !*n_act) return CRAMP_OK;
    const size_t n = *n_act;
    double *cut = malloc(n * sizeof *cut);
    if (!cut) return CRAMP_ENOMEM;
    size_t extra = 0;
    for (size_t i = 0; i < n; i++) {
        cut[i] = cut_at(*act, n, i, ch, C, cfg);
        if (isfinite(cut[i])) extra++;
    }
    if (!extra) {
        free(cut);
        return CRAMP_OK;
    }
    cramp_activity *a = realloc(*act, (n + extra) * sizeof *a);
    if (!a) {
        free(cut);
        return CRAMP_ENOMEM;
    }
    size_t m = n;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(cut[i])) continue;
        a[m] = a[i];
        a[m].onset_s = cut[i];
        a[m].precursor_s = 0;
        a[i].offset_s = cut[i];
        m++;
    }
    free(cut);
    *act = a;
    *n_act = m;
    return CRAMP_OK;
}
