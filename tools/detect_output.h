/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The per-night outputs of cramp detect, for every command that writes them
 * (cramp detect, cramp batch). ch: the label of each of r's channels
 * (r->n_channels), in r's order. */
#ifndef CRAMP_TOOLS_DETECT_OUTPUT_H
#define CRAMP_TOOLS_DETECT_OUTPUT_H

#include <stdio.h>

#include "common.h"
#include "cramp/night.h"

/* The events table (BIDS TSV, one row per episode) and the JSON summary
 * (settings, summary, episodes; path names the file in it). Write to f
 * (stdio errors surface at commit); allocate nothing. */
void detect_write_tsv(FILE *f, const char *const *ch, const cramp_night_result *r);
void detect_write_json(FILE *f, const char *path, const char *const *ch,
                       const cramp_night_result *r);

/* A copy of the EDF/BDF recording at path with r's episodes added as EDF+
 * annotations ('CLASS (detected)@@CHANNELS'), written into edf (opened with
 * cli_output_open_raw by the caller, who commits it with the other outputs
 * of the run: all or none). drop_own: leave out the input's own annotations.
 * CLI_OK, or CLI_FAIL after printing why. Allocates O(episodes), freed. */
int detect_write_edf(const char *path, cli_output *edf, const char *const *ch,
                     const cramp_night_result *r, int drop_own);

#endif
