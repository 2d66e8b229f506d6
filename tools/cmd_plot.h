/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp plot: paper figures of cramp's outputs, rendered by gnuplot. */
#ifndef CRAMP_TOOLS_CMD_PLOT_H
#define CRAMP_TOOLS_CMD_PLOT_H

#include <stdio.h>

int cmd_plot(int argc, char *argv[]);
void cmd_plot_help(FILE *out);

#endif
