/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: IIR filter design and streaming / zero-phase filtering.
 *
 * Design is done in double from the sampling rate and cutoffs in Hz and gives
 * second-order sections (biquads) with a0 = 1, the same sections, in the same
 * order, as scipy.signal.butter(..., output='sos', fs=fs) and
 * scipy.signal.iirnotch. Filtering runs over interleaved float32 frames
 * (frame i, channel c at x[i * channels + c]) with double-precision state.
 *
 * Threads: design functions are pure and thread-safe. Filter objects are not
 * synchronised; use one per thread. Nothing here prints or exits.
 *
 * Typical use (a 20-450 Hz band-pass over 4 channels at 2 kHz, streamed;
 * error checks left out):
 *
 *     cramp_butter_spec spec = {CRAMP_BANDPASS, 2, 2000, 20, 450};
 *     cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
 *     size_t ns;
 *     cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &ns, NULL);
 *     cramp_filter *f;
 *     cramp_filter_create(&f, sos, ns, 4, NULL);
 *     while (read `frames` interleaved frames into buf)
 *         cramp_filter_process(f, buf, buf, frames);   // in place
 *     cramp_filter_destroy(f);
 */
#ifndef CRAMP_FILTER_H
#define CRAMP_FILTER_H

#include <stddef.h>

#include "cramp/simd.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One second-order section, transfer function
 *   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2).
 * Same as one row [b0 b1 b2 1 a1 a2] of a SciPy sos array. */
typedef struct cramp_biquad {
    double b0, b1, b2, a1, a2;
} cramp_biquad;

typedef enum cramp_band_type {
    CRAMP_LOWPASS = 0,
    CRAMP_HIGHPASS,
    CRAMP_BANDPASS,
    CRAMP_BANDSTOP
} cramp_band_type;

#define CRAMP_BUTTER_MAX_ORDER 10
/* Most sections any design here produces (an order-10 band-pass or band-stop). */
#define CRAMP_BUTTER_MAX_SECTIONS 10

/* A Butterworth request. f1 is the cutoff (Hz) for low- and high-pass, the
 * lower edge for band-pass and band-stop; f2 is the upper edge for band types
 * and ignored otherwise. As in SciPy, a band design of order N has order 2N. */
typedef struct cramp_butter_spec {
    cramp_band_type type;
    int order;  /* 1..CRAMP_BUTTER_MAX_ORDER */
    double fs;  /* sampling rate, Hz, > 0 */
    double f1;  /* Hz, 0 < f1 < fs/2 */
    double f2;  /* Hz, f1 < f2 < fs/2 (band types only) */
} cramp_butter_spec;

/* Number of sections cramp_butter_design gives for this type and order, or 0
 * when the order is out of range. Pure. */
CRAMP_API size_t cramp_butter_sections(cramp_band_type type, int order);

/* Designs a digital Butterworth filter (bilinear transform with pre-warping)
 * into sos[0 .. *n_sections-1]. cap is the room in sos; at least
 * cramp_butter_sections() is needed. An impossible request (order outside
 * 1..10, fs <= 0 or not finite, a cutoff <= 0 or >= fs/2, f1 >= f2 for band
 * types) returns CRAMP_EINVAL or CRAMP_ERANGE with a message in err (may be
 * NULL); nothing is clamped. Thread-safe, allocates nothing. */
CRAMP_API cramp_status cramp_butter_design(const cramp_butter_spec *spec, cramp_biquad *sos,
                                 size_t cap, size_t *n_sections, cramp_error *err);

/* What cramp_band_clamp did. */
typedef enum cramp_clamp_flags {
    CRAMP_CLAMP_NONE = 0,
    CRAMP_CLAMP_HIGH_LOWERED = 1,  /* f_hi was lowered below Nyquist */
    CRAMP_CLAMP_LOW_RAISED = 2     /* f_lo was at or below 0 and is reported as 0: no
                                      lower edge, design a low-pass at f_hi */
} cramp_clamp_flags;

/* Fits a requested band [f_lo, f_hi] (Hz) to a sampling rate fs: f_hi above
 * max_fraction * fs/2 is lowered to that (max_fraction in (0,1), e.g. 0.9;
 * polysomnography leg EMG at 200 Hz turns 20-450 Hz into 20-90 Hz). The band
 * used is written to *used_lo, *used_hi and what changed to *flags (may be
 * NULL). Fails with CRAMP_ERANGE and a message when no band is left
 * (f_lo >= the lowered f_hi). Thread-safe, allocates nothing. */
CRAMP_API cramp_status cramp_band_clamp(double fs, double f_lo, double f_hi, double max_fraction,
                              double *used_lo, double *used_hi, unsigned *flags,
                              cramp_error *err);

/* Notch at f0 Hz with quality factor q (bandwidth f0/q at -3 dB), one section
 * identical to scipy.signal.iirnotch(f0, q, fs). Requires 0 < f0 < fs/2 and
 * q > 0. Thread-safe, allocates nothing. */
CRAMP_API cramp_status cramp_notch_design(double fs, double f0, double q, cramp_biquad *sos,
                                cramp_error *err);

/* Mains comb: one iirnotch section at f0 and at every harmonic k*f0 < fs/2,
 * each with the same q (so each notch is f0*k/q wide). Writes at most cap
 * sections and their count to *n_sections; CRAMP_ERANGE when cap is too small
 * (cramp_comb_sections() tells how many are needed). */
CRAMP_API cramp_status cramp_comb_design(double fs, double f0, double q, cramp_biquad *sos,
                               size_t cap, size_t *n_sections, cramp_error *err);

/* Number of harmonics of f0 (including f0) strictly below fs/2; 0 if invalid. */
CRAMP_API size_t cramp_comb_sections(double fs, double f0);

/* ---- Streaming causal cascade ------------------------------------------ */

typedef struct cramp_filter cramp_filter;

typedef struct cramp_filter_config {
    cramp_simd simd;  /* CRAMP_SIMD_AUTO picks the best this CPU runs */
} cramp_filter_config;

/* Fills cfg with defaults (simd = CRAMP_SIMD_AUTO). */
CRAMP_API void cramp_filter_config_default(cramp_filter_config *cfg);

/* Creates a cascade of n_sections biquads (copied) over `channels`
 * interleaved channels with zero state. cfg may be NULL for defaults. A SIMD
 * path this CPU or build lacks gives CRAMP_EUNSUPPORTED. Allocates the object;
 * *out is NULL on failure. */
CRAMP_API cramp_status cramp_filter_create(cramp_filter **out, const cramp_biquad *sos, size_t n_sections,
                                 size_t channels, const cramp_filter_config *cfg);

/* Filters `frames` interleaved frames from in to out (in == out allowed; other
 * overlap is not). State carries over between calls: any split of a signal
 * into calls gives bit-identical output. frames == 0 is a no-op (in and out
 * may then be NULL). Allocates, locks and prints nothing. */
CRAMP_API cramp_status cramp_filter_process(cramp_filter *f, const float *in, float *out, size_t frames);

/* Zeroes the state. No allocation. */
CRAMP_API void cramp_filter_reset(cramp_filter *f);

/* Sets the state to the steady state for a constant input x0[c] per channel
 * (scipy.signal.sosfilt_zi(sos) * x0), so a signal starting at x0 starts
 * without a transient. x0 holds `channels` values. */
CRAMP_API void cramp_filter_set_steady_state(cramp_filter *f, const double *x0);

/* The SIMD path this object runs. */
CRAMP_API cramp_simd cramp_filter_simd(const cramp_filter *f);

CRAMP_API size_t cramp_filter_channels(const cramp_filter *f);

/* Frees f; NULL is a no-op. */
CRAMP_API void cramp_filter_destroy(cramp_filter *f);

/* ---- Zero-phase (forward-backward) ------------------------------------- */

/* Pad length scipy.signal.sosfiltfilt uses by default for these sections:
 * 3 * (2 * n_sections + 1 - min(#b2 == 0, #a2 == 0)). */
CRAMP_API size_t cramp_filtfilt_padlen(const cramp_biquad *sos, size_t n_sections);

/* Zero-phase filtering of a whole signal held in memory, matching
 * scipy.signal.sosfiltfilt(sos, x, axis=0) with its defaults: odd extension
 * of padlen samples at both ends, forward and backward passes started from
 * sosfilt_zi scaled by the first sample of each pass. frames must exceed
 * padlen (CRAMP_ERANGE otherwise, as SciPy raises). in == out allowed.
 * Works in out (the forward pass writes it, the backward pass runs over it in
 * place) and allocates only 2 padlen * channels floats and the state for the
 * call; for signals larger than memory use cramp_zerophase. simd as for
 * cramp_filter. Thread-safe for distinct buffers. */
CRAMP_API cramp_status cramp_filtfilt(const cramp_biquad *sos, size_t n_sections, size_t channels,
                            const float *in, float *out, size_t frames, cramp_simd simd,
                            cramp_error *err);

/* Bounded-memory zero-phase filtering of a stream of any length.
 *
 * The forward pass runs causally. The backward pass runs over blocks of
 * block_frames, each started `overlap` frames later in the signal from the
 * steady state of the last forward output there. The error that start state
 * leaves decays with the filter's zero-input response: overlap is the first
 * length after which every state component's zero-input response stays below
 * tol, found numerically at create time. So each output sample differs from
 * cramp_filtfilt's by at most tol * (2 * n_sections) * max|state|, where the
 * state is bounded by the cascade's peak gain times the input's peak; with
 * the default tol = 1e-9 that is far below float32 resolution. The first and
 * last samples use SciPy's odd extension exactly as cramp_filtfilt does.
 *
 * Memory: about (block_frames + overlap + 3 padlen + 512) * channels floats,
 * fixed at create whatever the stream's length. Output lags input by up to
 * block_frames + overlap frames; finish() returns the rest. A stream shorter
 * than block_frames + overlap gives output bit-identical to cramp_filtfilt.
 * create() simulates the cascade's zero-input response (allocates, and costs
 * up to a few milliseconds for slow notches); process() and finish() allocate
 * nothing. Not synchronised: one object per thread. */
typedef struct cramp_zerophase cramp_zerophase;

typedef struct cramp_zerophase_config {
    cramp_simd simd;
    size_t block_frames;  /* frames per backward block; must exceed padlen (CRAMP_EINVAL
                             otherwise); 0 = 8 * overlap, at least 4096 */
    double tol;           /* zero-input response bound defining overlap; default 1e-9 */
} cramp_zerophase_config;

CRAMP_API void cramp_zerophase_config_default(cramp_zerophase_config *cfg);

CRAMP_API cramp_status cramp_zerophase_create(cramp_zerophase **out, const cramp_biquad *sos,
                                    size_t n_sections, size_t channels,
                                    const cramp_zerophase_config *cfg, cramp_error *err);

/* Feeds in_frames frames; writes up to out_cap frames of finished output to
 * out and their count to *out_frames. Never writes more than
 * cramp_zerophase_max_output(z, in_frames) frames, so an out buffer of that
 * size always suffices; CRAMP_ERANGE (and nothing consumed) if out_cap is
 * smaller. Allocates nothing. */
CRAMP_API cramp_status cramp_zerophase_process(cramp_zerophase *z, const float *in, size_t in_frames,
                                     float *out, size_t out_cap, size_t *out_frames);

/* Ends the stream: writes the remaining frames (at most
 * cramp_zerophase_max_output(z, 0)). CRAMP_ERANGE if the whole stream had no
 * more than padlen frames (as cramp_filtfilt). The object must be reset
 * before reuse. */
CRAMP_API cramp_status cramp_zerophase_finish(cramp_zerophase *z, float *out, size_t out_cap,
                                    size_t *out_frames, cramp_error *err);

/* Upper bound on the frames one process(in_frames) or finish (in_frames = 0) writes. */
CRAMP_API size_t cramp_zerophase_max_output(const cramp_zerophase *z, size_t in_frames);

/* The overlap (frames) chosen at create time. */
CRAMP_API size_t cramp_zerophase_overlap(const cramp_zerophase *z);

CRAMP_API void cramp_zerophase_reset(cramp_zerophase *z);
CRAMP_API void cramp_zerophase_destroy(cramp_zerophase *z);

#ifdef __cplusplus
}
#endif

#endif
