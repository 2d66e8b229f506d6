/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp detect: cramps and their confusers in a night of leg sEMG. */
#ifndef CRAMP_TOOLS_CMD_DETECT_H
#define CRAMP_TOOLS_CMD_DETECT_H

#include <stddef.h>
#include <stdio.h>

#include "cramp/night.h"
#include "cramp/recording.h"

int cmd_detect(int argc, char *argv[]);
void cmd_detect_help(FILE *out);

/* The outputs of cramp detect, for the commands that write the same files
 * (cramp batch). ch: the label of each of r's channels (r->n_channels).
 * The events table (BIDS TSV, one row per episode) and the JSON summary
 * (settings, summary, episodes; path names the file in it). Write to f
 * (stdio errors surface at commit); allocate nothing. */
void cmd_detect_write_tsv(FILE *f, const char *const *ch, const cramp_night_result *r);
void cmd_detect_write_json(FILE *f, const char *path, const char *const *ch,
                           const cramp_night_result *r);
/* The header indices --channels LIST names in h, in its order, into idx
 * (room for CRAMP_DETECT_MAX_CHANNELS), their number to *n; CLI_OK, or
 * CLI_FAIL after printing why (naming path). */
/* --mains 50|60|auto|none and --band LO-HI into night; CLI_OK, or a usage
 * error printed (returns CLI_USAGE). */
int cmd_detect_parse_mains(const char *arg, cramp_night_options *night);
int cmd_detect_parse_band(const char *arg, cramp_night_options *night);
int cmd_detect_named_channels(const cramp_rec_header *h, const char *path, const char *list,
                              size_t *idx, size_t *n);
/* The channels cramp detect runs a night on (--channels LIST, else the leg
 * EMG channels of an EDF/BDF unless all_channels, else every usable one):
 * sets opt->channels (into idx, room for CRAMP_DETECT_MAX_CHANNELS) and
 * opt->n_channels; CLI_OK, or CLI_FAIL after printing why. */
/* --profile: the stage times of a run (cramp/profile.h) as a table (stage,
 * wall s, share of the run, M samples/s through the stage alone; then the
 * run's CPU time and share) and as a JSON object {"samples", "total_wall_s",
 * "cpu_s", "stages": {NAME: {"wall_s", "m_samples_per_s"}}} without the
 * output stage (tools/detect_profile.c). */
void cmd_detect_print_profile(FILE *f, const cramp_profile *p);
void cmd_detect_json_profile(FILE *f, const cramp_profile *p);
int cmd_detect_choose_channels(cramp_recording *rec, const char *path, const char *list,
                               int all_channels, int quiet, cramp_night_options *opt,
                               size_t *idx);

#endif
