/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the library's only door to FFTW (single precision). Plans are
 * made and destroyed under one process-wide mutex, because FFTW's planner and
 * its wisdom are global and not thread-safe; executing a plan is thread-safe
 * and takes no lock. Not installed. */
#ifndef CRAMP_FFTW_PLAN_H
#define CRAMP_FFTW_PLAN_H

#include <stddef.h>

#include "cramp/fft.h"
#include "cramp/status.h"

typedef struct cramp__fft cramp__fft;

/* Makes a real-to-complex plan of length n (>= 1) on its own buffers:
 * cramp__fft_in() (n floats, SIMD-aligned) and cramp__fft_out() (n/2 + 1
 * complex values as re, im float pairs). wisdom_path (NULL or "" for none)
 * is imported once per process and path before planning and, after a
 * timed plan (not ESTIMATE) that added wisdom, written back atomically; *wisdom receives
 * CRAMP_WISDOM_* bits. Returns CRAMP_ENOMEM or CRAMP_EUNSUPPORTED (FFTW could
 * not plan) on failure, *out NULL. */
cramp_status cramp__fft_create(cramp__fft **out, size_t n, cramp_fft_effort effort,
                               const char *wisdom_path, unsigned *wisdom);
float *cramp__fft_in(cramp__fft *f);
const float *cramp__fft_out(const cramp__fft *f);
/* Transforms the input buffer into the output buffer. No lock, no allocation. */
void cramp__fft_execute(cramp__fft *f);
/* NULL is a no-op. Takes the planning mutex. */
void cramp__fft_destroy(cramp__fft *f);

#endif
