/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp detect: cramps and their confusers in a night of leg sEMG. Its
 * outputs are detect_output.h's, its shared options detect_options.h's. */
#ifndef CRAMP_TOOLS_CMD_DETECT_H
#define CRAMP_TOOLS_CMD_DETECT_H

#include <stdio.h>

#include "cramp/profile.h"

int cmd_detect(int argc, char *argv[]);
void cmd_detect_help(FILE *out);

/* --profile: the stage times of a run (cramp/profile.h) as a table (stage,
 * wall s, share of the run, M samples/s through the stage alone; then the
 * run's CPU time and share) and as a JSON object {"samples", "total_wall_s",
 * "cpu_s", "stages": {NAME: {"wall_s", "m_samples_per_s"}}} without the
 * output stage (tools/detect_profile.c). */
void cmd_detect_print_profile(FILE *f, const cramp_profile *p);
void cmd_detect_json_profile(FILE *f, const cramp_profile *p);
#endif
