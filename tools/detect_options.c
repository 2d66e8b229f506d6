/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options cramp detect and cramp batch share (detect_options.h): the
 * detector's knobs on the command line and the choice of channels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect_options.h"

/* The channels --channels names (header indices, in its order), each item
 * resolved as every command resolves it (cli_find_channel). */
static int named_channels(const cramp_rec_header *h, const char *path, const char *list,
                          size_t *idx, size_t *n)
{
    const char *p = list;
    char item[128];
    int more;
    *n = 0;
    while ((more = cli_next_channel_item(&p, item, sizeof item, path)) != 0) {
        long c;
        if (more < 0) return CLI_FAIL;
        if (*n == CRAMP_DETECT_MAX_CHANNELS)
            return cli_fail("'%s': --channels names more than %d channels, the most one run "
                            "takes",
                            path, CRAMP_DETECT_MAX_CHANNELS);
        if ((c = cli_find_channel(h, path, item)) < 0) return CLI_FAIL;
        idx[(*n)++] = (size_t)c;
    }
    return CLI_OK;
}

int detect_choose_channels(cramp_recording *rec, const char *path, const char *list,
                           int all_channels, int quiet, cramp_night_options *opt, size_t *idx)
{
    const cramp_rec_header *h = cramp_recording_header(rec);
    size_t n = 0;
    if (list && named_channels(h, path, list, idx, &n) != CLI_OK) return CLI_FAIL;
    const int by_label = !list && !all_channels && h->format >= CRAMP_REC_EDF &&
                         h->format <= CRAMP_REC_BDFPLUS_D;
    if (by_label && cli_leg_emg_channels(h, path, CRAMP_NIGHT_MIN_FS_HZ, idx, &n,
                                         CRAMP_DETECT_MAX_CHANNELS, quiet) != CLI_OK)
        return CLI_FAIL;
    opt->channels = list || by_label ? idx : NULL;
    opt->n_channels = n;
    cramp_error err;
    memset(&err, 0, sizeof err);
    const cramp_status st = cramp_night_channels(rec, opt, idx, &n, &err);
    if (st != CRAMP_OK) {
        cli_fail("%s%s", err.message, st == CRAMP_ERANGE ? " (choose with --channels)" : "");
        return CLI_FAIL;
    }
    opt->channels = idx;
    opt->n_channels = n;
    return CLI_OK;
}

/* --mains 50|60|auto|none and --band LO-HI into night; CLI_OK, or
 * CLI_USAGE after a usage error. */
static int parse_mains(const char *arg, cramp_night_options *night)
{
    if (!strcmp(arg, "auto"))
        night->mains_hz = -1;
    else if (!strcmp(arg, "none") || !strcmp(arg, "0"))
        night->mains_hz = 0;
    else if (!strcmp(arg, "50"))
        night->mains_hz = 50;
    else if (!strcmp(arg, "60"))
        night->mains_hz = 60;
    else
        return cli_usage_error("--mains wants 50, 60, auto or none, not '%s'", arg);
    return CLI_OK;
}

static int parse_band(const char *arg, cramp_night_options *night)
{
    cramp_detect_config *d = &night->detect;
    if (cli_parse_band(arg, &d->band_lo_hz, &d->band_hi_hz) != 0 || d->band_lo_hz < 0 ||
        !(d->band_hi_hz > d->band_lo_hz))
        return cli_usage_error("--band wants LO-HI in Hz with 0 <= LO < HI, not '%s'", arg);
    return CLI_OK;
}

int detect_parse_threads(const char *opt, const char *arg, cramp_night_options *night)
{
    size_t n;
    if (cli_parse_size(arg, &n) != 0 || n < 1 || n > 1024)
        return cli_usage_error("%s wants a number of threads, 1 to 1024, not '%s'", opt, arg);
    night->threads = n;
    return CLI_OK;
}

/* the switches' option names, "NAME" and "no-NAME" for switch i at 2i, 2i+1 */
static char switch_names[2 * DETECT_SWITCH_MAX][64];

void detect_add_switch_longopts(struct option *opts, size_t room)
{
    size_t n = 0, ns = 0;
    while (opts[n].name) n++;
    const cramp_detect_switch *sw = cramp_detect_switches(&ns);
    if (ns > DETECT_SWITCH_MAX || n + 2 * ns + 1 > room) {
        fprintf(stderr, "cramp: %zu rule switches do not fit the option table\n", ns);
        abort();
    }
    for (size_t i = 0; i < 2 * ns; i++) {
        char *name = switch_names[i];
        snprintf(name, sizeof switch_names[i], "%s%s", i % 2 ? "no-" : "", sw[i / 2].name);
        for (char *p = name; *p; p++)
            if (*p == '_') *p = '-';
        opts[n++] = (struct option){name, no_argument, NULL, DETECT_OPT_SWITCH + (int)i};
    }
    opts[n] = (struct option){NULL, 0, NULL, 0};
}

int detect_option(int c, const char *arg, cramp_night_options *night, cli_input *in,
                  int *all_channels)
{
    switch (c) {
    case DETECT_OPT_MAINS: return parse_mains(arg, night);
    case DETECT_OPT_BAND: return parse_band(arg, night);
    case DETECT_OPT_CHANNELS: return cli_input_channels(in, arg);
    case DETECT_OPT_ALL_CHANNELS: *all_channels = 1; return CLI_OK;
    case DETECT_OPT_FULL_SCALE: return cli_input_full_scale(in, arg);
    case DETECT_OPT_NO_SPARSE: night->detect.sparse_block_s = 0; return CLI_OK;
    case DETECT_OPT_NO_ENV_MOD: night->detect.env_mod_max = 0; return CLI_OK; /* row off */
    default:
        if (c >= DETECT_OPT_SWITCH && c < DETECT_OPT_SWITCH + 2 * DETECT_SWITCH_MAX &&
            cramp_detect_switch_set(&night->detect, switch_names[c - DETECT_OPT_SWITCH]) == 1)
            return CLI_OK;
        return DETECT_OPT_NONE;
    }
}
