/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the moving-window loops of cramp_envelope (RMS, MAV), compiled
 * from one source, envelope_kernels.inc, once in plain C
 * (envelope_kernels_base.c) and once with an SSE2 loop for full groups of 8
 * channels (x86/envelope_sse2.c). Both paths perform the same IEEE operations
 * in the same order, so their outputs are bit-identical. Not installed. */
#ifndef CRAMP_ENVELOPE_KERNELS_H
#define CRAMP_ENVELOPE_KERNELS_H

#include <stddef.h>

#include "cramp/simd.h"

/* Channels handled together by the window loops. Each group keeps its head
 * sums in registers while it walks the frames; its lanes are independent
 * dependency chains, so the loop runs at throughput rather than at the
 * latency of one add per frame. Groups only change which channels are
 * computed together, never the order of any channel's additions. */
#define CRAMP__ENV_GROUP 8

/* The group loops and their helpers are inlined into each table's loops, so
 * the group width and the kind are constants there. */
#if defined(__GNUC__)
#define CRAMP__ENV_INLINE inline __attribute__((always_inline))
#else
#define CRAMP__ENV_INLINE inline
#endif

/* The window state of one envelope (see envelope.c for the scheme). */
typedef struct cramp__env_window {
    size_t channels;
    size_t n;      /* window length, frames */
    size_t decim;  /* keep one output frame in decim */
    size_t pos;    /* position of the next frame in its block, 0 .. n-1 */
    size_t dcount; /* frames since the last output frame, 0 .. decim-1 */
    double *slots; /* n * channels, slot j of channel c at [j * channels + c] */
    double *head;  /* channels: sum of this block's terms so far (updated) */
} cramp__env_window;

typedef struct cramp__env_kernels {
    /* RMS (rms = 1) or MAV (0): run every channel over `frames` interleaved frames of `in` from the
     * phase (pos, dcount) in w, update w->slots and w->head (not pos and
     * dcount: the caller advances them), write the outputs to out (stride
     * channels) and return their count. Allocate nothing. */
    size_t (*run)(const cramp__env_window *w, const float *in, size_t frames, float *out,
                  int rms);
} cramp__env_kernels;

extern const cramp__env_kernels cramp__env_kernels_base;
#if defined(CRAMP_HAVE_X86_KERNELS)
extern const cramp__env_kernels cramp__env_kernels_sse2;
#endif

/* The loops of a resolved SIMD path (never AUTO): SSE2 on x86-64 builds with
 * x86 kernels (SSE2 is that architecture's baseline, so every path takes
 * them), plain C elsewhere. Thread-safe. */
const cramp__env_kernels *cramp__env_kernels_for(cramp_simd path);

#endif
