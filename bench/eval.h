/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the accuracy benchmarks (detect-accuracy, robustness): named seed
 * splits, the provenance header of every table (commit, seeds, bootstrap,
 * config_hash), per-night tallies per class and percentile-bootstrap
 * intervals over nights. Bench code: it prints (to the FILE given) and is
 * not part of the library. Not thread-safe (one tally per thread). */
#ifndef CRAMP_BENCH_EVAL_H
#define CRAMP_BENCH_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cramp/cramp.h"

/* One simulated night: its truth and what each detector found (events and
 * their channel strings malloc'd; eval_night_free frees them). */
typedef struct night_result {
    cramp_event *truth, *ours, *plain;
    size_t n_truth, n_ours, n_plain;
    char **labels;
} night_result;

void eval_night_free(night_result *r);

/* ---- seed splits (bench/README.md, "Seed splits") ----------------------- */

typedef struct eval_split {
    const char *name;
    uint64_t lo, hi; /* inclusive */
} eval_split;

/* The named splits, disjoint, in order: development, validation, evaluation. */
extern const eval_split eval_splits[3];

/* The split by name, or NULL. */
const eval_split *eval_split_find(const char *name);

/* The name of the split holding every seed of [lo, hi]: "development",
 * "validation", "evaluation", or "mixed" when the range crosses splits or
 * lies outside all of them. */
const char *eval_split_of(uint64_t lo, uint64_t hi);

/* Parses "A-B" (inclusive, A <= B) into *lo, *hi; 0 on success. */
int eval_parse_range(const char *s, uint64_t *lo, uint64_t *hi);

/* ---- provenance ----------------------------------------------------------- */

/* The commit: `given` when not NULL, else the output of
 * `git -C SRC describe --always --dirty --tags` (SRC is the source tree the
 * bench was built from), else "unknown". Written to out (NUL-terminated). */
void eval_commit(const char *given, char *out, size_t cap);

/* The library's rules id (cramp_detect_rules_id, 16 hex digits) for cfg:
 * FNV-1a 64 over the rule table and every detector constant and
 * configuration value but fs and simd. */
void eval_config_hash(const cramp_detect_config *cfg, char out[CRAMP_DETECT_RULES_ID_SIZE]);

typedef struct eval_boot_config {
    size_t resamples; /* default 2000 */
    uint64_t seed;    /* default 20261206 */
} eval_boot_config;

/* "# set (--set): KEY VALUE" for each line of lines ("KEY VALUE\n"...); nothing
   for NULL or "". */
void eval_print_set_lines(FILE *f, const char *lines);

/* Writes the '#' header lines every accuracy table starts with; held_out is
 * eval_ledger_claim's verdict (NULL: no line). */
void eval_print_header(FILE *f, const char *tool, const char *commit, const char *split,
                       const char *seeds, const eval_boot_config *boot, const char *config_hash,
                       const char *plain_desc, const char *held_out);

/* The source tree the bench was built from (CMake sets it). */
#ifndef CRAMP_BENCH_SOURCE_DIR
#define CRAMP_BENCH_SOURCE_DIR "."
#endif

/* ---- the evaluation ledger (bench/README.md, "The evaluation ledger") ------
 * A TSV file (default bench/evaluation-ledger.tsv in the source tree) with a
 * row per evaluation run: first_seed, last_seed, rules_id, commit, date (UTC).
 * Seeds of the evaluation split that one rules id has been run on are spent
 * for every other rules id: a figure counts as held out only on seeds no
 * earlier rule set saw. Lines starting with '#' and the header line are
 * skipped. */

/* The repository's ledger, relative to the source tree, and its full path. */
#define EVAL_LEDGER_IN_TREE "bench/evaluation-ledger.tsv"
#define EVAL_DEFAULT_LEDGER CRAMP_BENCH_SOURCE_DIR "/" EVAL_LEDGER_IN_TREE

typedef struct eval_ledger_row {
    uint64_t lo, hi;
    char rules_id[CRAMP_DETECT_RULES_ID_SIZE];
    char commit[64], date[16];
} eval_ledger_row;

/* Reads the ledger at path into *rows (malloc'd, *n rows; the caller frees).
 * A missing file is an empty ledger. 0 on success; -1 on a malformed line
 * (message naming the file, line and field on stderr). */
int eval_ledger_read(const char *path, eval_ledger_row **rows, size_t *n);

/* The first evaluation seed after every range spent by a rules id other
 * than rules_id (the split's first seed on an empty ledger). 0 on success. */
int eval_ledger_first_unspent(const char *path, const char *rules_id, uint64_t *seed);

/* Checks the seeds [lo, hi] before a run. Seeds outside the evaluation split
 * are never held out (held_out says which split); evaluation seeds spent by
 * another rules id are refused (return 2, message on stderr) unless
 * rerun_spent, when held_out says they are a re-measure; otherwise the run is
 * held out, and a row (lo, hi, rules_id, commit, today) is appended to the
 * ledger unless one for rules_id already covers [lo, hi]. held_out gets the
 * verdict for the table header (cap bytes). 0 to go on, 1 on an I/O error. */
int eval_ledger_claim(const char *path, uint64_t lo, uint64_t hi, const char *rules_id,
                      const char *commit, int rerun_spent, char *held_out, size_t cap);

/* ---- tallies ---------------------------------------------------------------- */

#define EVAL_MAX_CLASSES 16

typedef struct eval_counts {
    unsigned n_truth, tp, fp, fn;
} eval_counts;

/* Per-night counts per class (classes in first-seen order, by name, so new
 * labels are taken as they come) and a pooled cramp_score for the timing
 * figures. */
typedef struct eval_tally {
    size_t n_classes;
    char *classes[EVAL_MAX_CLASSES];
    size_t n_nights, cap_nights;
    eval_counts (*night)[EVAL_MAX_CLASSES]; /* n_nights rows */
    cramp_score *pooled;
} eval_tally;

int eval_tally_init(eval_tally *t, const cramp_score_config *scfg);
void eval_tally_free(eval_tally *t);

/* Scores one night (cramp_score, the same matching rule) and keeps its
 * counts. 0 on success. */
int eval_tally_add(eval_tally *t, const char *name, const cramp_event *truth, size_t n_truth,
                   const cramp_event *det, size_t n_det);

/* Index of a class name in t, or -1. */
int eval_tally_class(const eval_tally *t, const char *name);

/* Precision, recall and F1 with their 95 % intervals. NAN where undefined
 * (precision with no detection, recall with no truth event, F1 with neither). */
typedef struct eval_prf {
    eval_counts sum;
    double p, p_lo, p_hi, r, r_lo, r_hi, f1, f1_lo, f1_hi;
} eval_prf;

/* Summed counts of class k (index in t; -1 gives zeros) over the nights
 * whose weights w[i] say how often night i is taken (NULL: once each). */
eval_counts eval_tally_sum(const eval_tally *t, int k, const unsigned *w);

/* P, R, F1 of counts (NAN where undefined). */
void eval_prf_point(eval_counts c, double *p, double *r, double *f1);

/* Point figures and percentile-bootstrap 95 % intervals of class `cls`
 * over the nights of t: each resample draws n_nights nights with
 * replacement (RNG: splitmix64 seeded with boot->seed; the same seed gives
 * the same resamples for every row with the same number of nights, so rows
 * of ours and plain are paired); resamples where a figure is undefined are
 * left out of its interval. */
void eval_bootstrap(const eval_tally *t, const char *cls, const eval_boot_config *boot,
                    eval_prf *out);

/* Mean and worst case (minimum) of F1 of class `cls` across the tallies of
 * nv variants that have at least one truth event of the class (n_used), with
 * intervals: each resample draws every variant's nights anew (seed as above,
 * one stream for all) and takes the mean and the minimum of the resampled
 * F1s. worst_index: the variant of the point minimum (-1 if none). Same for
 * precision and recall (mean_p, worst_p, ...). */
typedef struct eval_summary {
    size_t n_used;
    int worst_index[3];                  /* per figure: p, r, f1 */
    double mean[3], mean_lo[3], mean_hi[3];
    double worst[3], worst_lo[3], worst_hi[3];
} eval_summary;

void eval_summarize(eval_tally *const *tallies, size_t nv, const char *cls,
                    const eval_boot_config *boot, eval_summary *out);

/* "n<10" when fewer than 10 truth events, "no-truth" when none, else "ok". */
const char *eval_flag(unsigned n_truth);

/* Prints a number with 3 decimals, or "NA" for NAN. */
void eval_put(FILE *f, double v);

#endif
