/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: scoring detected events against ground truth.
 *
 * Events are intervals [onset, onset + duration] (a negative or unknown
 * duration counts as 0) with a class (the BIDS trial_type: cramp, plm,
 * burst, movement, artefact, or any other string) and optionally channels
 * (comma-separated labels).
 *
 * The matching rule (per night)
 *  1. Overlap of two events: IoU = |intersection| / |union| of their
 *     intervals (two zero-length events at the same onset: 1; otherwise
 *     disjoint or touching intervals: 0).
 *  2. Within each class, every (truth, detection) pair with IoU >= min_iou
 *     and IoU > 0 (and, with match_channels, at least one channel label in
 *     common) is a candidate. Candidates are taken greedily by decreasing
 *     IoU (ties: earlier truth, then earlier detection, in onset order, then
 *     file order), each accepted when neither event is matched yet: a
 *     one-to-one matching. Matched pairs are true positives; unmatched
 *     detections false positives; unmatched truth events false negatives.
 *     Greedy by IoU is not the assignment of largest total overlap, but it
 *     never pairs an event with a worse partner while a better free one
 *     exists, and it is what a reader can check by hand.
 *  3. Confusion: the events left unmatched in step 2 are matched again in
 *     the same way across different classes; such a pair adds one to
 *     confusion[truth class][detected class]. The diagonal holds the true
 *     positives; what is still unmatched counts in the "none" column (missed
 *     truth) or row (spurious detection).
 * A split truth event (two detections covering it) thus gives one true
 * positive (the better half, if its IoU reaches min_iou) and one false
 * positive; two truth events merged into one detection give one true
 * positive and one false negative.
 *
 * Figures per class: precision TP / (TP + FP), recall TP / (TP + FN),
 * F1 = 2 TP / (2 TP + FP + FN) (NaN when the denominator is 0), and over the
 * matched pairs the onset error (detected onset - true onset) and offset
 * error (detected end - true end), in seconds: median, first and third
 * quartiles (linear interpolation between order statistics, as NumPy's
 * default percentile) and mean absolute value. Pooled figures sum the counts
 * over nights and take the error distributions over all matched pairs.
 *
 * Objects are not synchronised: one per thread. */
#ifndef CRAMP_SCORE_H
#define CRAMP_SCORE_H

#include <stddef.h>

#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cramp_event {
    double onset_s;          /* seconds from the recording's start */
    double duration_s;       /* seconds; < 0 or NaN counts as 0 */
    const char *trial_type;  /* class; NULL counts as "n/a" */
    const char *channel;     /* comma-separated labels; NULL or "" = none given */
} cramp_event;

/* ---- BIDS events TSV ------------------------------------------------------ */

/* A table of events read from a tab-separated file with a header line naming
 * at least the columns onset, duration and trial_type (channel optional,
 * other columns ignored), as BIDS events.tsv. "n/a" as duration means 0;
 * blank lines and lines starting with '#' are skipped; CRLF is accepted.
 * Errors name the file and line ("PATH:LINE: ...") and the column. */
typedef struct cramp_event_table cramp_event_table;

/* Reads path (allocates the table; *out NULL on failure). */
CRAMP_API cramp_status cramp_event_table_read(cramp_event_table **out, const char *path, cramp_error *err);
/* The same from a NUL-terminated text; name is used in messages. */
CRAMP_API cramp_status cramp_event_table_parse(cramp_event_table **out, const char *text, const char *name,
                                     cramp_error *err);
CRAMP_API size_t cramp_event_table_size(const cramp_event_table *t);
/* The events in file order; owned by t (strings too). */
CRAMP_API const cramp_event *cramp_event_table_events(const cramp_event_table *t);
CRAMP_API void cramp_event_table_destroy(cramp_event_table *t);

/* ---- scoring -------------------------------------------------------------- */

typedef struct cramp_score_config {
    double min_iou;          /* (0, 1]; default 0.2 */
    int match_channels;      /* 1: matched events must share a channel; default 0 */
} cramp_score_config;

CRAMP_API void cramp_score_config_default(cramp_score_config *cfg);

typedef struct cramp_score cramp_score;

CRAMP_API cramp_status cramp_score_create(cramp_score **out, const cramp_score_config *cfg,
                                cramp_error *err);

/* Scores one night (the events are copied; name may be NULL). Allocates. */
CRAMP_API cramp_status cramp_score_add_night(cramp_score *s, const char *name, const cramp_event *truth,
                                   size_t n_truth, const cramp_event *detected, size_t n_detected,
                                   cramp_error *err);

CRAMP_API size_t cramp_score_nights(const cramp_score *s);
CRAMP_API const char *cramp_score_night_name(const cramp_score *s, size_t night);

/* Classes seen so far in any night: cramp, plm, burst, movement, artefact
 * first (those that occur), then others in order of appearance. */
CRAMP_API size_t cramp_score_classes(const cramp_score *s);
CRAMP_API const char *cramp_score_class_name(const cramp_score *s, size_t k);

#define CRAMP_SCORE_POOLED ((size_t)-1)

typedef struct cramp_error_stats {
    size_t n;                    /* matched pairs */
    double median, q1, q3;       /* seconds; NaN when n = 0 */
    double mean_abs;
} cramp_error_stats;

typedef struct cramp_class_score {
    size_t n_truth, n_detected, tp, fp, fn;
    double precision, recall, f1;
    cramp_error_stats onset, offset;
} cramp_class_score;

/* Figures of class k for one night (0-based) or CRAMP_SCORE_POOLED.
 * Allocates a temporary array for the quantiles (CRAMP_ENOMEM). */
CRAMP_API cramp_status cramp_score_get(const cramp_score *s, size_t night, size_t k, cramp_class_score *out);

/* Confusion count: truth class i, detected class j; i or j equal to
 * cramp_score_classes() means "none". night as above. */
CRAMP_API size_t cramp_score_confusion(const cramp_score *s, size_t night, size_t i, size_t j);

CRAMP_API void cramp_score_destroy(cramp_score *s);

#ifdef __cplusplus
}
#endif

#endif
