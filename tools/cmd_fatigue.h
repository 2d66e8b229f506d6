/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp fatigue: spectral fatigue indices per epoch and their trends. */
#ifndef CRAMP_TOOLS_CMD_FATIGUE_H
#define CRAMP_TOOLS_CMD_FATIGUE_H

#include <stdio.h>

int cmd_fatigue(int argc, char *argv[]);
void cmd_fatigue_help(FILE *out);

#endif
