/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What night.c (the recipe) shares with night_threads.c (step 4, one
 * group's detectors), night_sources.c (its sources) and the tests; not
 * installed. */
#ifndef CRAMP_DETECT_NIGHT_INTERNAL_H
#define CRAMP_DETECT_NIGHT_INTERNAL_H

#include "cramp/night.h"

/* "'name' " (o->name) for the driver's own messages; "the recording "
   without a name. Writes buf (cap bytes), returns it. */
const char *cramp__night_subject(const cramp_night_options *o, char *buf, size_t cap);
/* "'name': " (written to buf, returned) or "" without a name. */
const char *cramp__night_prefix(const cramp_night_options *o, char *buf, size_t cap);
/* The recipe (night.h, steps 1-5) over r's channels: r->n_channels,
   r->channel and r->channel_index set by the caller; fs[c] the rate of
   source channel c. */
cramp_status cramp__night_run_channels(const cramp_night_source *src, const double *fs,
                                       const cramp_night_options *o, cramp_night_result *r,
                                       cramp_error *err);

/* The night's segments as they come (night.c sorts them at the end). */
typedef struct cramp__seg_list {
    cramp_activity *a;
    size_t n, cap;
} cramp__seg_list;
/* Appends a to l (its array grows by doubling); CRAMP_OK or CRAMP_ENOMEM. */
cramp_status cramp__night_push(cramp__seg_list *l, const cramp_activity *a);

/* src->read and src->rewind of source channels idx[0..n), their wall time
   added to prof's read stage when prof is not NULL. */
cramp_status cramp__night_read(const cramp_night_source *src, const size_t *idx, size_t n,
                               float *buf, size_t want, size_t *got, cramp_error *err,
                               cramp_profile *prof);
cramp_status cramp__night_rewind(const cramp_night_source *src, const size_t *idx, size_t n,
                                 cramp_error *err, cramp_profile *prof);
/* 1 when every sample src gives is finite, whatever it holds (a recording
   whose reader says so, cramp__recording_finite; night_sources.c): its
   detectors then skip their check (cramp__detector_set_finite). */
int cramp__night_source_finite(const cramp_night_source *src);
/* 1 when src->read may run on a worker thread while the calling thread
   does not use the source (the recording source of night_sources.c: no
   caller's callback, whose contract is the calling thread only); a 2-thread
   run then lets its worker decode the blocks itself (night_threads.c,
   run_read_ticks). */
int cramp__night_source_worker_reads(const cramp_night_source *src);
/* The calling thread's CPU time, s (CLOCK_THREAD_CPUTIME_ID; 0 if none). */
double cramp__night_thread_cpu_s(void);

/* A 2-thread cut schedule forced on a run (cramp__night_run_forced_cut), or
   none (late NULL or n 0). */
typedef struct cramp__night_forced_cut {
    const unsigned *late;
    size_t n;
} cramp__night_forced_cut;

/* Step 4 for group g (night_threads.c): split into parts, create, prime
   (from *prime: g->primed frames x g->n, malloc'd; freed and set to NULL
   here once no part needs it, else the caller frees it), rewind, run (in the calling thread
   with buf, block_frames x g->n floats, or on o->threads workers), finish;
   the segments, renumbered to the night's channels, appended to segs.
   *done_s: seconds of the night done before (progress), advanced by the
   group's; forced: the 2-thread cut forced (NULL: measured). */
cramp_status cramp__night_run_group(const cramp_night_source *src, const cramp_night_options *o,
                                    const cramp__night_forced_cut *forced,
                                    cramp_night_result *r, cramp_night_group *g,
                                    float **prime, float *buf, double *done_s,
                                    double total_s, cramp__seg_list *segs, cramp_error *err);

/* Blocks between two choices of where a run on 2 threads with one part cuts
 * the filter stage (which of the mains comb and the motion band the worker
 * runs, CRAMP__FILTER_* of detect_internal.h). */
#define CRAMP__NIGHT_CUT_EVERY 16

/* Tests: cramp_night_run with that cut forced instead of measured: from
 * block j * CRAMP__NIGHT_CUT_EVERY on (j >= 1) the worker runs
 * late[(j - 1) % n_late] (the first CRAMP__NIGHT_CUT_EVERY blocks: the
 * comb), so that every move of a stage between the threads can be checked
 * for the same bits. n_late == 0: measured, as cramp_night_run. */
cramp_status cramp__night_run_forced_cut(const cramp_night_source *src,
                                         const cramp_night_options *opt, const unsigned *late,
                                         size_t n_late, cramp_night_result *res,
                                         cramp_error *err);

/* Tests: called in the calling thread of a 2-thread run split at the ticks
 * on a recording (run_read_ticks with the worker reading) right before it
 * primes apart, the worker already running; NULL (the default): nothing.
 * Set it only while no run is going. */
extern void (*cramp__night_before_prime_apart)(void);

/* Tests, the same path: cramp__night_after_piece is called in the calling
 * thread after each piece of a block it reads for the worker is published
 * (SELF_READ_PIECE frames; the read mutex held), cramp__night_worker_block
 * in the worker before it takes each block, cramp__night_front_early in the
 * worker before it runs its front on pieces of a block the calling thread
 * is still decoding; NULL (the default): nothing. Set them only while no
 * run is going. */
extern void (*cramp__night_after_piece)(void);
extern void (*cramp__night_worker_block)(void);
extern void (*cramp__night_front_early)(void);

#endif
