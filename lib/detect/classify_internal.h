/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The classifier's shared parts (lib/detect/classify*.c, not installed): the
 * state a rule sees, the confidence margin, and the night-wide passes and
 * rows that live in their own files: the rhythmic trains (classify_trains.c)
 * and the leg movements and PLM series (classify_plm.c). classify.c holds
 * the rule table, the driver, the rule-table id and the summary. */
#ifndef CRAMP_DETECT_CLASSIFY_INTERNAL_H
#define CRAMP_DETECT_CLASSIFY_INTERNAL_H

#include <math.h>

#include "detect/detect_internal.h"

enum { UNLABELLED = 0, LABELLED, MERGED };

/* What the rhythmic-train pass found for an episode (the first of a train;
   the other members are merged into it). */
enum { TRAIN_NONE = 0, TRAIN_HFT, TRAIN_ALMA, TRAIN_RMD };

typedef struct rule_ctx {
    const cramp_detect_config *cfg;
    const cramp_detect_channel *ch;
    size_t C;
    cramp_episode *ep;
    const unsigned char *origin; /* cramp__episode_origin */
    unsigned char *state;
    unsigned char *train;        /* TRAIN_* per episode */
    unsigned char *after_cramp;  /* 1: sustained right after a cramp of the same leg */
    size_t n;
    const cramp_activity *act;   /* the segments the episodes were built of (h12ag) */
    size_t n_act;
} rule_ctx;

/* How far v lies on the firing side of threshold t, 0 at the threshold and
   1 at a factor of two or more (ratios: every measure a rule compares is
   positive and scales). The confidence of a label is 0.5 + 0.5 x the
   smallest margin of the conditions of the rule that fired. */
static inline double margin(double v, double t)
{
    if (!(v > 0) || !(t > 0)) return 1;
    double m = fabs(log(v / t)) / log(2.0);
    return m > 1 ? 1 : m;
}

static inline double conf_of(double min_margin) { return 0.5 + 0.5 * min_margin; }

/* Heartbeats (ECG bleed) seen in the motion band
   (classify.c) and among short EMG bursts (short_bursts.c): blips no longer than a
   QRS complex plus the 0.1-s envelope window (QRS <= 0.12 s in adults),
   onsets 0.3-2.5 s apart (24-200 beats per minute, one beat hidden under
   other activity allowed), at least 4 in a row. */
#define HEART_BLIP_MAX_S 0.3
#define HEART_MIN_IV_S 0.3
#define HEART_MAX_IV_S 2.5
#define HEART_MIN_BEATS 4

/* The after-cramp row (classify.c): 1, the sustained activity of another
   muscle of the leg before a stretch counts whatever its tonic share (a
   cramp read as phasic still has its stretch after it; h12w); 0, only a
   cramp candidate (sustained and tonic) counts. Enters the rule-table id. */
#define AFTER_CRAMP_ANY_SHARE 1

/* The cramp row's test: sustained (>= cramp_min_s, one muscle, above the
   onset threshold) and tonic (classify.c). */
int cramp__cramp_candidate(const rule_ctx *x, const cramp_episode *e);
/* The measures' half of the modulated-contraction row (env_mod_ratio above
   env_mod_max, the row on) and of the dense-contraction row (the sparseness
   rule on, kurtosis measured and under sparse_kurtosis); the rows add
   sustained and tonic. 1 or 0; no allocation. */
int cramp__amplitude_modulated(const rule_ctx *x, const cramp_episode *e);
int cramp__dense_pattern(const rule_ctx *x, const cramp_episode *e);
/* The halves of the opt-in cramp_rhythm_rule (detect.h: 1 both, 2 the
   plm-series half, 3 the after-cramp half), decoded here once. */
static inline int cramp__rhythm_series_on(const cramp_detect_config *c)
{
    return c->cramp_rhythm_rule == 1 || c->cramp_rhythm_rule == 2;
}
static inline int cramp__rhythm_after_on(const cramp_detect_config *c)
{
    return c->cramp_rhythm_rule == 1 || c->cramp_rhythm_rule == 3;
}

/* The reaction_rule (on by default; classify_reaction.c, h12ae): 1 if the sustained
   episode k, starting right after the cramp candidate p on the same channel,
   may be the reaction to it: p is no movement by a later row and not k's
   precursor (k's power above rest under precursor_ratio^-2 times p's). */
int cramp__reaction_pair_ok(const rule_ctx *x, size_t p, size_t k);

/* The rhythmic-train pass (prepare of the rmd-train row) and the three rows
   it feeds (classify_trains.c). */
cramp_status cramp__classify_trains(rule_ctx *x);
const char *cramp__rmd_train(const rule_ctx *x, size_t k, double *conf);
const char *cramp__alma_train(const rule_ctx *x, size_t k, double *conf);
const char *cramp__hft_train(const rule_ctx *x, size_t k, double *conf);

/* The PLM series pass (prepare of the plm-series row) and its row
   (classify_plm.c); PLM_BRIDGE_RATIO enters the rule-table id. */
#define PLM_BRIDGE_RATIO 2.5
/* The longest bilateral candidate LM (WASM 2016; classify_plm.c); enters
   the rule-table id. */
#define PLM_BILATERAL_MAX_S 15.0
cramp_status cramp__classify_plm_series(rule_ctx *x);
const char *cramp__plm_row(const rule_ctx *x, size_t k, double *conf);

/* The PLM series' tests (classify_plm.c) and the plm_rhythm_rule's (on by default)
   two parts (classify_plm_rhythm.c, h12aj): a candidate LM active for more than
   cramp_min_s + lm_min_s off the series' rhythm, and an episode past a candidate LM's length that
   the series runs on across in its rhythm, neither join nor end a series
   (prev: the last counted interval, NAN if none).
   cramp__plm_next_candidate: the next unlabelled candidate LM after k, past
   anything else ((size_t)-1: none). */
int cramp__plm_keeps_rhythm(const rule_ctx *x, const size_t *ser, size_t ns, size_t k,
                            double prev);
int cramp__plm_series_step(const rule_ctx *x, const cramp_episode *a, const cramp_episode *b,
                           double iv);
int cramp__plm_within_ratio(double a, double b);
double cramp__plm_emg_active_s(const rule_ctx *x, const cramp_episode *e);
double cramp__plm_series_interval(const rule_ctx *x, size_t last, size_t k, double prev);
size_t cramp__plm_next_candidate(const rule_ctx *x, size_t k);
int cramp__rhythm_lm_skip(const rule_ctx *x, const size_t *ser, size_t ns, size_t k,
                          double prev);
int cramp__rhythm_end_skip(const rule_ctx *x, const size_t *ser, size_t ns, size_t k,
                           double prev);
/* opt-in plm_rhythm_legs (h12as, classify_rhythm_legs.c): 1 when candidate
   LM k involves both legs and is active for no more than the rhythm rule's
   bound times PLM_BILATERAL_MAX_S / lm_max_s, so the rule passes it over. */
int cramp__rhythm_legs_pass(const rule_ctx *x, size_t k);

/* The opt-in both-legs row (both_legs_rule; classify_both_legs.c): a would-be
   cramp with a muscle of the other leg active over most of it from within
   bilateral_s of its onset is a movement of both legs. */
const char *cramp__both_legs_row(const rule_ctx *x, size_t k, double *conf);

/* The opt-in two-signs-of-movement row (movement_signs_rule;
   classify_movement_signs.c): a would-be cramp of 3-45 s whose env_mod_ratio /
   env_mod_max + lf_ratio / lf_ratio reaches 1 is a movement (turning
   over). cramp__movement_signs gives that sum (NAN when unreadable). */
double cramp__movement_signs(const cramp_detect_config *cfg, const cramp_episode *e);
const char *cramp__movement_signs_row(const rule_ctx *x, size_t k, double *conf);
/* The stretch split (stretch_split_rule, on by default; classify_stretch_split.c): cuts, in
   place, each segment of one muscle where the stronger segment of another
   muscle of its leg that carries it to its end starts, >= cramp_min_s after
   its onset (a cramp and the stretch after it, bridged by the stretch's
   crosstalk). Reallocates *act; nothing when off or ch is NULL. */
cramp_status cramp__stretch_split(cramp_activity **act, size_t *n_act,
                                  const cramp_detect_channel *ch, size_t C,
                                  const cramp_detect_config *cfg);

/* The opt-in ramp-tonic test (ramp_tonic_rule; classify_ramp_tonic.c): 1 when
   one segment of episode e's main channel ran without a pause for at least
   half of e (a cramp's gradual recruitment and its end around one sustained
   contraction); 0 otherwise or when off. */
int cramp__tonic_after_ramp(const rule_ctx *x, const cramp_episode *e);

/* The opt-in two-legs-apart reading (legs_apart_rule; classify_legs_apart.c):
   of a cluster spanning both legs for longer than lm_max_s (has: its
   channels, active_s: each one's time above the offset threshold), the mask of
   the leg's channels to build apart when the other leg carries the span
   (a channel active >= concurrent_fraction of it) and this leg does not; 0
   otherwise, when off or with ch NULL. */
uint32_t cramp__legs_apart(const cramp_detect_config *cfg, const cramp_detect_channel *ch,
                           size_t C, uint32_t has, const double *active_s, double span);

#endif
