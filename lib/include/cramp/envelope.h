/* cramp: amplitude envelopes of interleaved multichannel sEMG.
 *
 * Kinds:
 *  - CRAMP_ENV_RMS:    moving root-mean-square over a trailing window of
 *                      N = round(window_s * fs) frames;
 *  - CRAMP_ENV_MAV:    moving mean absolute value over the same window;
 *  - CRAMP_ENV_LINEAR: full-wave rectification, then a Butterworth low-pass
 *                      (lowpass_hz, lowpass_order), causal;
 *  - CRAMP_ENV_TKEO:   Teager-Kaiser energy operator
 *                      psi[n] = x[n]^2 - x[n-1] x[n+1], one frame of delay.
 * Before the first input the signal is taken as 0 (the first N-1 RMS/MAV
 * outputs average over fewer real samples, divided by N).
 *
 * Decimation D >= 1 keeps one output frame in D: output k is the envelope at
 * input frame (k + 1) * D - 1, counted from the first frame after create or
 * reset. The window sums are kept in double and recomputed exactly from the
 * window every N frames, so they do not drift over any length of signal.
 *
 * Objects are not synchronised: one per thread. */
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
void cramp_envelope_config_default(cramp_envelope_config *cfg);

typedef struct cramp_envelope cramp_envelope;

/* Creates an envelope over `channels` interleaved channels. Fails with a
 * message in err (may be NULL) for fs <= 0, a window shorter than one frame,
 * decimation 0 or a low-pass cutoff at or above Nyquist. Allocates the object
 * (the RMS/MAV window: N * channels values). */
cramp_status cramp_envelope_create(cramp_envelope **out, size_t channels,
                                   const cramp_envelope_config *cfg, cramp_error *err);

/* Upper bound on the output frames one process call over in_frames writes. */
size_t cramp_envelope_max_output(const cramp_envelope *e, size_t in_frames);

/* Consumes in_frames frames of in and writes the envelope frames due to out
 * (interleaved, same channel count), their number to *out_frames. out_cap
 * smaller than cramp_envelope_max_output(e, in_frames) gives CRAMP_ERANGE and
 * consumes nothing. Chunk-invariant: any split of the input gives
 * bit-identical output. in_frames == 0 is a no-op. No allocation. */
cramp_status cramp_envelope_process(cramp_envelope *e, const float *in, size_t in_frames,
                                    float *out, size_t out_cap, size_t *out_frames);

/* Delay of the envelope relative to the input, seconds: (N - 1) / (2 fs) for
 * RMS/MAV (the window's centre), 1 / fs for TKEO, 0 for LINEAR (whose phase
 * lag depends on frequency). Subtract it to align envelope and signal. */
double cramp_envelope_delay_s(const cramp_envelope *e);

/* Window length in frames (RMS/MAV), else 1. */
size_t cramp_envelope_window_frames(const cramp_envelope *e);

void cramp_envelope_reset(cramp_envelope *e);
void cramp_envelope_destroy(cramp_envelope *e);

#ifdef __cplusplus
}
#endif

#endif
