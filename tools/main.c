/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: command-line front end. One subcommand per source file; this file
 * only dispatches and prints the top-level help and version. */
#include <stdio.h>
#include <string.h>

#include "cmd_batch.h"
#include "cmd_detect.h"
#include "cmd_fatigue.h"
#include "cmd_plot.h"
#include "cmd_synth.h"
#include "cmd_tune.h"
#include "common.h"

typedef struct subcommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char *argv[]);
    void (*help)(FILE *out);
} subcommand;

static const subcommand commands[] = {
    {"filter", "band-pass / notch filter a recording (or a test signal) to EDF, BDF or WAV",
     cmd_filter, cmd_filter_help},
    {"envelope", "amplitude envelope (RMS, MAV, linear, TKEO) of a recording to TSV",
     cmd_envelope, cmd_envelope_help},
    {"info", "header of recordings (EDF/BDF, WAV): channels, units, rates, annotations",
     cmd_info, cmd_info_help},
    {"fatigue", "spectral fatigue indices (MNF, MDF, FInsm5, ...) per epoch, and their trends",
     cmd_fatigue, cmd_fatigue_help},
    {"synth", "simulate a night of leg sEMG with ground truth (EDF+ and events TSV)",
     cmd_synth, cmd_synth_help},
    {"detect", "find cramps (and PLMs, bursts, movements, artefacts) in a night of leg sEMG",
     cmd_detect, cmd_detect_help},
    {"batch", "cramp detect over a whole study (folders, BIDS, lists), parallel, resumable",
     cmd_batch, cmd_batch_help},
    {"score", "score detected events against ground truth (precision, recall, F1, errors)",
     cmd_score, cmd_score_help},
    {"plot", "figures for papers (night, episode, fatigue, scores, cohort) through gnuplot",
     cmd_plot, cmd_plot_help},
    {"tune", "measure the fastest block size, SIMD path and FFTW planner here and save them",
     cmd_tune, cmd_tune_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void help(FILE *out)
{
    fputs("Usage: cramp COMMAND [OPTIONS] ...\n"
          "       cramp help COMMAND | --help | --version\n"
          "\n"
          "Surface EMG processing for muscle cramp studies.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "'cramp COMMAND --help' describes a command's options.\n"
          "\n"
          "Outputs (-o and the like): a new or regular file is written to a hidden\n"
          "temporary file beside it and renamed into place only when the run succeeds,\n"
          "keeping an existing file's permissions; a symbolic link's target is replaced\n"
          "that way and the link kept; a device, FIFO or socket is written directly,\n"
          "never replaced; '-' is stdout (text). A directory, missing folder or full disk\n"
          "fails with the reason and leaves no file; several outputs of one run are\n"
          "committed all or none; SIGINT/SIGTERM/SIGHUP remove every temporary file.\n"
          "\n"
          "Try: cramp filter --synthetic 10 --notch 50 -o demo.wav\n",
          out);
}

static void version(void)
{
    printf("cramp %s\n", cramp_version_string());
    printf("SIMD: %s (best on this machine)\n", cramp_simd_name(cramp_simd_best()));
    cli_tuning_describe(stdout);
}

static const subcommand *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

int main(int argc, char *argv[])
{
    cli_set_name("cramp");
    if (argc < 2) {
        help(stderr);
        return CLI_USAGE;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        help(stdout);
        return CLI_OK;
    }
    if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
        version();
        return CLI_OK;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc == 2) {
            help(stdout);
            return CLI_OK;
        }
        const subcommand *sc = find(argv[2]);
        if (!sc) return cli_usage_error("no command '%s'", argv[2]);
        sc->help(stdout);
        return CLI_OK;
    }
    if (arg[0] == '-') return cli_usage_error("unknown option '%s'", arg);
    const subcommand *sc = find(arg);
    if (!sc) return cli_usage_error("no command '%s'", arg);

    static char name[64];
    snprintf(name, sizeof name, "cramp %s", sc->name);
    cli_set_name(name);
    return sc->run(argc - 1, argv + 1);
}
