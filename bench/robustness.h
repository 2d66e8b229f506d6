/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Robustness benchmark (`detect-accuracy --variants FILE`): model variants
 * from a variants file (format in bench/README.md, "Robustness"), nights per
 * variant from a seed split, ours beside the plain detector, per-variant
 * figures with intervals, then the mean and the worst case across variants. */
#ifndef CRAMP_BENCH_ROBUSTNESS_H
#define CRAMP_BENCH_ROBUSTNESS_H

#include "eval.h"

typedef struct robust_options {
    size_t nights;      /* nights per variant; 0: the file's (or its quick line's) */
    double minutes;     /* night length; 0: the file's (or its quick line's) */
    int quick;          /* use the file's `quick` line */
    uint64_t seed_lo;   /* night k of every variant has seed seed_lo + k */
    const char *commit, *config_hash, *plain_desc;
    eval_boot_config boot;
    const char *ledger; /* the evaluation ledger (eval.h) */
    int rerun_spent;    /* measure on spent evaluation seeds anyway */
    const char *set_lines; /* scenario lines parsed over the base (--set), or NULL */
} robust_options;

/* Simulates one night of sc and runs both detectors (detect_accuracy.c). */
typedef int (*robust_night_fn)(const cramp_scenario *sc, night_result *r, double *secs);

/* Runs the benchmark and prints its tables on stdout; 0 on success, 1 on a
 * failure, 2 on a bad variants file (message on stderr). */
int robust_run(const char *path, const robust_options *o, robust_night_fn run_night);

#endif
