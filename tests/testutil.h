/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the test executables. */
#ifndef CRAMP_TESTUTIL_H
#define CRAMP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern int cramp_test_failures;

/* CHECK(cond, fmt, ...): records a failure with file:line and message; goes on. */
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            cramp_test_failures++;                                         \
        }                                                                  \
    } while (0)

/* Exit code for main(): 0 when nothing failed, 1 otherwise; prints a summary. */
int cramp_test_finish(const char *name);

/* Exit code a test returns to be counted as skipped by ctest. */
#define CRAMP_TEST_SKIP 77

/* Deterministic generator (splitmix64). */
typedef struct test_rng { uint64_t s; } test_rng;
uint64_t test_rng_u64(test_rng *r);
double test_rng_uniform(test_rng *r);  /* [0, 1) */
double test_rng_normal(test_rng *r);   /* N(0, 1) */

/* Reads whitespace-separated numbers from a text file, skipping lines that
 * start with '#'. Returns a malloc'd array (caller frees) and its length in
 * *n, or NULL if the file can't be read. */
double *test_read_numbers(const char *path, size_t *n);

/* dir/name in one of 8 static buffers (of 512 bytes) used in turn: a path
 * stays valid for the next 7 calls. For a test's scratch folder. */
const char *test_path_in(const char *dir, const char *name);

/* Path of a file in the committed reference folder, in a static buffer. */
const char *test_ref_path(const char *name);

/* Path of a file under ../shared/data, or NULL when that folder is absent. */
const char *test_shared_path(const char *rel);

/* qsort comparator of doubles, ascending (no NaN among them). */
int test_cmp_double(const void *a, const void *b);

/* Type-7 quantile (cramp/baseline.h) q in [0, 1] of sorted a[0..n), n >= 1:
 * the plain oracle the running quantiles are checked against. */
double test_quantile7(const double *a, size_t n, double q);

/* 1 when a and b have the same bits, or are both NaN. */
int test_same_double(double a, double b);

double test_rms_f(const float *x, size_t n);
double test_rms_d(const double *x, size_t n);

#endif
