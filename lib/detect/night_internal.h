/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What night.c (the recipe) shares with night_sources.c (its sources); not
 * installed. */
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

#endif
