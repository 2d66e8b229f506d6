/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Short bursts (lib/detect/short_bursts.c, not installed): EMG above rest
 * for less than the AASM leg-movement minimum. The front end emits them as
 * CRAMP_ACTIVITY_SHORT records instead of dropping them; the classifier
 * turns them into episodes of their own origin, finds excessive fragmentary
 * myoclonus among them (AASM), lets the rest count toward HFT / ALMA trains
 * and drops what is left. Rules and sources: cramp/detect.h,
 * docs/detect.md ("Short bursts"). */
#ifndef CRAMP_DETECT_SHORT_BURSTS_INTERNAL_H
#define CRAMP_DETECT_SHORT_BURSTS_INTERNAL_H

#include "detect/classify_internal.h"
#include "detect/detect_internal.h"

/* Episode origin of a short burst (cramp__episode_origin has 0-2). */
#define CRAMP__FROM_SHORT 3

/* AASM scoring manual (v2.6), excessive fragmentary myoclonus: the usual
   longest potential, the fewest potentials per minute and the shortest
   stretch of sleep they must fill. */
#define FRAG_POTENTIAL_MAX_S 0.15
#define FRAG_PER_MIN 5
#define FRAG_MIN_S 1200.0
/* A short burst counts toward a train from the AASM's shortest HFT burst
   (250 ms) on: shorter ones (ALMA's 100-250 ms) are as long as a QRS
   complex seen through the envelope (<= 0.12 s + 0.1-s window), and ECG
   bleed at 0.3-4 Hz would make trains of them. */
#define TRAIN_BURST_MIN_S 0.25
/* Heartbeats among short bursts: HEART_MIN_BEATS (classify_internal.h) in a
   row whose successive intervals differ by at most this share of the one
   before (the 20 % rule that separates sinus beats from ectopic ones and
   artefacts in heart-rate variability work; fragmentary potentials come at
   random intervals). */
#define HEART_SUCCESSIVE_CHANGE 0.2

/* Front end: channel c's open EMG segment closes at off_tick shorter than
   min_duration_s; appends its CRAMP_ACTIVITY_SHORT record to the output. */
void cramp__short_burst_emit(cramp_detector *d, size_t c, uint64_t off_tick);

/* Classifier: the activities without the short bursts (a copy, for
   cramp__episodes_build) and the short bursts apart. */
typedef struct cramp__short_split {
    cramp_activity *rest, *shorts;
    size_t n_rest, n_shorts;
} cramp__short_split;
cramp_status cramp__short_split_make(const cramp_activity *act, size_t n_act,
                                     cramp__short_split *s);
void cramp__short_split_free(cramp__short_split *s);

/* Adds the short bursts to list as episodes of origin CRAMP__FROM_SHORT,
   sorted in by onset: bursts overlapping each other (crosstalk, the same
   burst on two channels) are one episode; bursts overlapping an episode
   already in the list are part of it and left out; involved channels as
   for segments (cfg->involve_fraction). Reallocates list. */
cramp_status cramp__short_insert(const cramp__short_split *s, const cramp_detect_config *cfg,
                                 cramp__episode_list *list);

/* 1: episode k counts as EMG activity for the trains (a cluster of EMG
   segments, or a short burst at least TRAIN_BURST_MIN_S long on one
   involved channel: HFT is one foot's, ALMA one leg at a time; a short
   burst on several at once is far-field, ECG bleed). */
int cramp__train_member(const rule_ctx *x, size_t k);

/* 1: episode k is a short burst or a cluster of EMG segments whose bursts
   (a rise to the next dip to a quarter of its peak, rise_burst_s) are no
   longer than a fragmentary potential on the trailing envelope (AASM
   150 ms + the window + a tick), however long the mains comb's ringing or
   the offset hold kept it over the offset threshold. AASM: HFT bursts last
   250-1000 ms, ALMA's 100-500 ms, so such bursts can be ALMA's but not
   HFT's (classify_trains.c; h12m for short bursts, h12p for segments:
   potentials strung into a segment, QRS complexes riding on weak
   activity). */
int cramp__potential_bursts(const rule_ctx *x, size_t k);

/* The fragmentary-myoclonus pass and row, and the pass that drops the
   short bursts no row above used (rows of classify.c). */
cramp_status cramp__classify_fragmentary(rule_ctx *x);
const char *cramp__fragmentary_row(const rule_ctx *x, size_t k, double *conf);
cramp_status cramp__drop_short(rule_ctx *x);
const char *cramp__short_row(const rule_ctx *x, size_t k, double *conf);

#endif
