/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp tune: measures the night driver's fastest block size, SIMD path,
 * FFTW planner effort and thread count on this machine and saves them (cramp/tuning.h); and
 * the one way the other commands take the saved tuning. */
#ifndef CRAMP_TOOLS_CMD_TUNE_H
#define CRAMP_TOOLS_CMD_TUNE_H

#include <stdio.h>

#include "cramp/night.h"

int cmd_tune(int argc, char *argv[]);
void cmd_tune_help(FILE *out);

/* Gives opt the tuning in force (the default file) unless no_tuning: a file
 * for another CPU is ignored with a note (unless quiet), a malformed one with
 * a warning naming the file and line (always). Call after
 * cramp_night_options_default and before the command's own options change
 * opt. The tuning is kept in a static of this file (opt may point into it
 * until exit). Never fails: the tuning changes speed only. */
void cli_tuning_apply(cramp_night_options *opt, int no_tuning, int quiet);

/* The thread count of the tuning cli_tuning_apply found in force (the
 * `threads` line), 0 when none (no file, another CPU's, refused, no such
 * line, or --no-tuning). cli_tuning_apply does not set opt->threads: the
 * command decides (cramp detect: an explicit --threads wins, else this, else
 * one per core; cramp batch: 1 per recording unless --threads-per-night). */
size_t cli_tuning_threads(void);

/* One line for `cramp --version`: the tuning in force ("PATH (key ...)") or
 * "none (...)". */
void cli_tuning_describe(FILE *out);

#endif
