/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options cramp detect and cramp batch share: the detector's knobs
 * (--mains, --band, --no-sparseness, --no-env-mod) and the choice of channels
 * (--channels, --all-channels, --full-scale-uv), one parser for both. */
#ifndef CRAMP_TOOLS_DETECT_OPTIONS_H
#define CRAMP_TOOLS_DETECT_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

#include "common.h"
#include "cramp/night.h"
#include "cramp/recording.h"

/* getopt_long ids of the shared options (above any command's own and the
 * CLI_OPT_INPUT_* ones) and their entries for a command's option table. */
enum { DETECT_OPT_MAINS = 0x1100, DETECT_OPT_BAND, DETECT_OPT_CHANNELS, DETECT_OPT_ALL_CHANNELS,
       DETECT_OPT_FULL_SCALE, DETECT_OPT_NO_SPARSE, DETECT_OPT_NO_ENV_MOD };
#define DETECT_OPTION_LONGOPTS                                          \
    {"mains", required_argument, NULL, DETECT_OPT_MAINS},               \
    {"band", required_argument, NULL, DETECT_OPT_BAND},                 \
    {"channels", required_argument, NULL, DETECT_OPT_CHANNELS},         \
    {"all-channels", no_argument, NULL, DETECT_OPT_ALL_CHANNELS},       \
    {"full-scale-uv", required_argument, NULL, DETECT_OPT_FULL_SCALE},  \
    {"no-sparseness", no_argument, NULL, DETECT_OPT_NO_SPARSE},         \
    {"no-env-mod", no_argument, NULL, DETECT_OPT_NO_ENV_MOD}

/* The detector's rule switches (cramp_detect_switches: --NAME turns one on,
 * --no-NAME off, NAME with '-' for '_', e.g. --no-plm-rhythm-rule), getopt
 * ids DETECT_OPT_SWITCH and up. detect_add_switch_longopts appends both
 * spellings of every switch to opts, a table ended by a {NULL} entry with
 * room entries in all, and ends it again (names in static storage; call it
 * once, before getopt_long); it aborts if room is short (a fixed table too
 * small: a programming error, caught by the CLI tests). */
#define DETECT_OPT_SWITCH 0x1200
#define DETECT_SWITCH_MAX 32
void detect_add_switch_longopts(struct option *opts, size_t room);

/* What detect_option returns for a c that is none of the ids above. */
#define DETECT_OPT_NONE (-1)

/* Takes the getopt_long result c with its value arg: a DETECT_OPT_* id sets
 * night (mains_hz, detect.band_*, detect.sparse_block_s,
 * detect.env_mod_max, a rule switch), in (channels, full_scale_uv) or *all_channels and
 * returns CLI_OK, or prints a usage error and returns CLI_USAGE; any other
 * c sets nothing and returns DETECT_OPT_NONE. */
int detect_option(int c, const char *arg, cramp_night_options *night, cli_input *in,
                  int *all_channels);

/* --threads N (opt names the option in the message, e.g. "--threads" or
 * "--threads-per-night"): night->threads = N, 1..1024; CLI_OK, or a usage
 * error printed (returns CLI_USAGE). */
int detect_parse_threads(const char *opt, const char *arg, cramp_night_options *night);

/* The channels a night is run on, as cramp detect and cramp batch choose
 * them: --channels LIST (list, may be NULL); else, for EDF/BDF, the leg EMG
 * channels by label and transducer (unless all_channels; named on stderr
 * unless quiet); else every channel at a usable rate (cramp_night_channels).
 * Sets opt->channels (pointing into idx, room for CRAMP_DETECT_MAX_CHANNELS)
 * and opt->n_channels; CLI_OK, or CLI_FAIL after printing why (naming path). */
int detect_choose_channels(cramp_recording *rec, const char *path, const char *list,
                           int all_channels, int quiet, cramp_night_options *opt, size_t *idx);

#endif
