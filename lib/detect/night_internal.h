/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What night.c (the recipe) shares with night_sources.c (its sources) and
 * the tests; not installed. */
#ifndef CRAMP_DETECT_NIGHT_INTERNAL_H
#define CRAMP_DETECT_NIGHT_INTERNAL_H

#include "cramp/night.h"

/* "'name' " (o->name) for the driver's own messages; "the recording "
   without a name. Writes buf (cap bytes), returns it. */
const char *cramp__night_subject(const cramp_night_options *o, char *buf, size_t cap);
/* "'name': " (written to buf, returned) or "" without a name. */
const char *cramp__night_prefix(const cramp_night_options *o, char *buf, size_t cap);
/* The recipe (night.h, steps 1-5) over r's channels: r->n_channels,
   r->channel and r->channel_index set by the caller; fs[c] the rate of
   source channel c. */
cramp_status cramp__night_run_channels(const cramp_night_source *src, const double *fs,
                                       const cramp_night_options *o, cramp_night_result *r,
                                       cramp_error *err);

/* Blocks between two choices of where a run on 2 threads with one part cuts
 * the filter stage (which of the mains comb and the motion band the worker
 * runs, CRAMP__FILTER_* of detect_internal.h). */
#define CRAMP__NIGHT_CUT_EVERY 16

/* Tests: cramp_night_run with that cut forced instead of measured: from
 * block j * CRAMP__NIGHT_CUT_EVERY on (j >= 1) the worker runs
 * late[(j - 1) % n_late] (the first CRAMP__NIGHT_CUT_EVERY blocks: the
 * comb), so that every move of a stage between the threads can be checked
 * for the same bits. n_late == 0: measured, as cramp_night_run. */
cramp_status cramp__night_run_forced_cut(const cramp_night_source *src,
                                         const cramp_night_options *opt, const unsigned *late,
                                         size_t n_late, cramp_night_result *res,
                                         cramp_error *err);

#endif
