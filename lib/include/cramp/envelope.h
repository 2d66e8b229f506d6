/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: amplitude envelopes of interleaved multichannel sEMG.
 *
 * Kinds:
 *  - CRAMP_ENV_RMS:    moving root-mean-square over a trailing window of
 *                      N = round(window_s * fs) frames (the current frame and
 *                      the N-1 before it);
 *  - CRAMP_ENV_MAV:    moving mean absolute value over the same window;
 *  - CRAMP_ENV_LINEAR: full-wave rectification, then a Butterworth low-pass
 *                      (lowpass_hz, lowpass_order; cramp_butter_design), causal,
 *                      starting from zero state;
 *  - CRAMP_ENV_TKEO:   Teager-Kaiser energy operator
 *                      psi[n] = x[n]^2 - x[n-1] x[n+1], one frame of delay:
 *                      the envelope at input frame t is psi[t-1], so the first
 *                      value (t = 0) is psi[-1] = 0 and the second is
 *                      psi[0] = x[0]^2. Computed in double (exact products)
 *                      and rounded once to float.
 * Before the first input the signal is taken as 0 (the first N-1 RMS/MAV
 * outputs average over fewer real samples, divided by N).
 *
 * Decimation D >= 1 keeps one output frame in D: output k is the envelope at
 * input frame (k + 1) * D - 1, counted from the first frame after create or
 * reset, i.e. at time ((k + 1) * D - 1) / fs; subtract
 * cramp_envelope_delay_s() to align it with the signal.
 *
 * RMS/MAV precision: the window sums are in double and never subtract. They
 * are rebuilt from the window's own samples every N frames (suffix sums of
 * the previous N-frame block plus a running sum of the current one), so each
 * output's relative error is about N * 2^-53 before rounding to float,
 * whatever came before: no drift over any length of signal, and a NaN or
 * infinite input affects only the outputs whose window holds it. (LINEAR
 * keeps a non-finite input in its IIR state until reset.)
 *
 * Outputs are bit-identical for any split of the input into calls, on a
 * given machine. LINEAR runs the filter on the SIMD path cramp_filter picks
 * (CRAMP_SIMD_AUTO), whose last bits may differ between machines.
 *
 * Objects are not synchronised: one per thread. Nothing here prints.
 *
 * Typical use (0.25-s moving RMS of 2 channels at 1 kHz, one value per 10 ms;
 * error checks left out):
 *
 *     cramp_envelope_config cfg;
 *     cramp_envelope_config_default(&cfg);
 *     cfg.fs = 1000;
 *     cfg.decimation = 10;
 *     cramp_envelope *e;
 *     cramp_envelope_create(&e, 2, &cfg, NULL);
 *     float *env = malloc(2 * cramp_envelope_max_output(e, BLOCK) * sizeof *env);
 *     size_t n;
 *     while (read up to BLOCK frames into buf)
 *         cramp_envelope_process(e, buf, got, env, cramp_envelope_max_output(e, BLOCK), &n);
 *     cramp_envelope_destroy(e);
 *     free(env);
 */
#ifndef CRAMP_ENVELOPE_H
#define CRAMP_ENVELOPE_H

#include <stddef.h>

#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_envelope_kind {
    CRAMP_ENV_RMS = 0,
    CRAMP_ENV_MAV,
    CRAMP_ENV_LINEAR,
    CRAMP_ENV_TKEO
} cramp_envelope_kind;

typedef struct cramp_envelope_config {
    cramp_envelope_kind kind;
    double fs;           /* sampling rate of the input, Hz; required (no default) */
    double window_s;     /* RMS/MAV window, seconds; default 0.25 */
    size_t decimation;   /* keep one output frame in this many; default 1 */
    double lowpass_hz;   /* LINEAR: low-pass cutoff, Hz; default 6 */
    int lowpass_order;   /* LINEAR: Butterworth order 1..10; default 4 */
} cramp_envelope_config;

/* Defaults as above with kind = RMS and fs = 0 (the caller must set fs). */
CRAMP_API void cramp_envelope_config_default(cramp_envelope_config *cfg);

typedef struct cramp_envelope cramp_envelope;

/* Creates an envelope over `channels` interleaved channels; *out is NULL on
 * failure. Fails with CRAMP_EINVAL and a message in err (may be NULL) for
 * NULL out or cfg, channels 0, an unknown kind, fs <= 0 or not finite,
 * decimation 0; for RMS/MAV, window_s <= 0 or not finite (EINVAL) or a window
 * that rounds to 0 frames, window_s * fs < 0.5, or is too long to allocate
 * (CRAMP_ERANGE); for LINEAR,
 * lowpass_order outside 1..CRAMP_BUTTER_MAX_ORDER or lowpass_hz <= 0 (EINVAL)
 * or lowpass_hz at or above Nyquist, fs / 2 (CRAMP_ERANGE). Fields a kind does
 * not use are not checked. Allocates the object and its state: RMS/MAV
 * (N + 1) * channels doubles, LINEAR the filter plus 256 * channels floats,
 * TKEO 2 * channels floats. Thread-safe for distinct objects. */
CRAMP_API cramp_status cramp_envelope_create(cramp_envelope **out, size_t channels,
                                   const cramp_envelope_config *cfg, cramp_error *err);

/* Upper bound on the output frames one process call over in_frames writes:
 * ceil(in_frames / D), whatever the decimation phase, so a buffer sized once
 * for the largest block always suffices. 0 for NULL e. Pure. */
CRAMP_API size_t cramp_envelope_max_output(const cramp_envelope *e, size_t in_frames);

/* Consumes in_frames frames of in and writes the envelope frames due to out
 * (interleaved, same channel count), their number to *out_frames (exactly
 * the outputs whose input frame (k + 1) * D - 1 falls in this call). out_cap
 * (frames) smaller than cramp_envelope_max_output(e, in_frames) gives
 * CRAMP_ERANGE and consumes nothing. Chunk-invariant: any split of the input
 * gives bit-identical output. in_frames == 0 is a no-op (in and out may then
 * be NULL). in and out must not overlap. CRAMP_EINVAL for NULL e or
 * out_frames, or a NULL buffer that is needed; *out_frames is 0 on any
 * failure. No allocation, no locking. */
CRAMP_API cramp_status cramp_envelope_process(cramp_envelope *e, const float *in, size_t in_frames,
                                    float *out, size_t out_cap, size_t *out_frames);

/* Delay of the envelope relative to the input, seconds: (N - 1) / (2 fs) for
 * RMS/MAV (the window's centre), 1 / fs for TKEO, 0 for LINEAR (whose phase
 * lag depends on frequency). Subtract it to align envelope and signal.
 * Independent of D (see the output times above). 0 for NULL e. */
CRAMP_API double cramp_envelope_delay_s(const cramp_envelope *e);

/* Window length N in frames (RMS/MAV), else 1; 0 for NULL e. */
CRAMP_API size_t cramp_envelope_window_frames(const cramp_envelope *e);

/* Back to the state after create: zero history, decimation phase 0. No
 * allocation. NULL is a no-op. */
CRAMP_API void cramp_envelope_reset(cramp_envelope *e);

/* Frees e; NULL is a no-op. */
CRAMP_API void cramp_envelope_destroy(cramp_envelope *e);

#ifdef __cplusplus
}
#endif

#endif
