/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp batch: cramp detect over a whole study (folders, lists, BIDS roots),
 * in parallel worker processes, resumable, in deterministic shards. */
#ifndef CRAMP_TOOLS_CMD_BATCH_H
#define CRAMP_TOOLS_CMD_BATCH_H

#include <stdio.h>

int cmd_batch(int argc, char *argv[]);
void cmd_batch_help(FILE *out);

#endif
