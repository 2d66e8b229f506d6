/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp detect: cramps and their confusers in a night of leg sEMG. Its
 * outputs are detect_output.h's, its shared options detect_options.h's. */
#ifndef CRAMP_TOOLS_CMD_DETECT_H
#define CRAMP_TOOLS_CMD_DETECT_H

#include <stdio.h>

int cmd_detect(int argc, char *argv[]);
void cmd_detect_help(FILE *out);

#endif
