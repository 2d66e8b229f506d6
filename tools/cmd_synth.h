/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp synth: simulated nights with ground truth; cramp score: scoring
 * detected events against it. */
#ifndef CRAMP_TOOLS_CMD_SYNTH_H
#define CRAMP_TOOLS_CMD_SYNTH_H

#include <stdio.h>

int cmd_synth(int argc, char *argv[]);
void cmd_synth_help(FILE *out);
int cmd_score(int argc, char *argv[]);
void cmd_score_help(FILE *out);

#endif
