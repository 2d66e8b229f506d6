/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: adaptive resting baseline and muscle-activity onset detectors.
 *
 * Input is band-passed sEMG in microvolts, interleaved float32 frames
 * (frame i, channel c at x[i * channels + c]), at a sampling rate fs carried
 * in the configuration. Every parameter is in seconds, hertz or microvolts
 * (or a dimensionless multiple of a resting standard deviation); none is in
 * samples, so a configuration means the same at 200 Hz and at 4 kHz.
 *
 * ---- Onset detectors (cramp_onset) ------------------------------------------
 *
 * One object runs one method over all channels and emits activity segments
 * {channel, onset_s, offset_s, peak_uv}. Each method conditions the signal as
 * its paper says, into a per-sample "conditioned signal" c[n], forms its test
 * statistic, and compares it with thresholds from the resting baseline of c
 * (the same code as cramp_baseline, in MEAN mode, fed with c; for AASM fed
 * with its RMS): mu = resting mean of c, sd = resting standard deviation of
 * c. Hodges & Bui's "mean + h SD of the baseline" is thus computed on the
 * same quantity it is applied
 * to (some implementations take the mean and SD of the raw signal and apply
 * them to a rectified or squared one). No detection starts before the
 * baseline is ready (warmup_s of signal) or while its sd is 0 (a flat, e.g.
 * amplifier-off, channel).
 *
 * | method        | c[n] and statistic                    | switch on / off                        |
 * |---------------|---------------------------------------|----------------------------------------|
 * | THRESHOLD     | c = x^2; mean of c over window_s      | >= mu + k sd / < mu + k sd             |
 * | AASM          | moving RMS over window_s (uV);        | >= L + onset_uv / <= L + offset_uv     |
 * |               | L = resting level of that RMS         | held off_hold_s; min_duration_s        |
 * | HODGES_BUI    | c = lowpass(|x|); mean over window_s  | >= mu + k sd / < mu + k sd             |
 * | BONATO        | g = (x[2j]^2 + x[2j+1]^2) / var       | >= r0 of the last m g above zeta / < r0|
 * | LIDIERTH      | c = |x|; mean over window_s           | held on_hold_s / off_hold_s, gaps      |
 * |               |                                       | <= tolerance_s; threshold mu + k sd    |
 * | TKEO (Solnik) | c = lowpass(|x[n]^2 - x[n-1]x[n+1]|)  | >= mu + k sd held on_hold_s / < ...    |
 * |               |                                       | held off_hold_s                        |
 * | LONDRAL       | variance of x over window_s; mu, sd   | >= mu + k sd held on_hold_s / < ...    |
 * |               | of c = x^2 at rest                    | held off_hold_s                        |
 * | CUSUM         | c = lowpass(|x|); Page's CUSUM of     | S >= cusum_h_s * sd (both directions); |
 * |               | c - (mu + k sd), per second           | change point = last zero of S          |
 *
 * lowpass = 2nd-order Butterworth (cramp_butter_design) at lowpass_hz, causal,
 * double state from zero. Sources and defaults (cramp_onset_config_default):
 *
 *  THRESHOLD: the plain single threshold on the moving RMS (as power), the
 *    detector every other one is compared with. window_s 0.1 s (short enough
 *    to place an onset within about 50 ms, long enough that 0.1 s of resting
 *    EMG power varies by < 40 % even at 200 Hz); k = 3, the usual "3 SD above
 *    the resting mean" (the largest of the 1-3 SD Hodges & Bui compared). In
 *    RMS terms the threshold is about 2.3 x the resting RMS for Gaussian
 *    resting EMG.
 *  AASM: leg-movement rule of the AASM scoring manual (also WASM 2016, Ferri
 *    et al., Sleep Med 2016;26:86-95): onset where the EMG rises >= 8 uV
 *    above resting, offset at the start of a period of >= 0.5 s with EMG
 *    <= 2 uV above resting; segments shorter than 0.5 s are dropped (the
 *    upper 10 s limit of a leg movement is a classification rule and is not
 *    applied here). The manual does not say how "EMG voltage" is measured;
 *    here it is the RMS over window_s = 0.1 s (its 0.05 s half-width is the
 *    onset timing uncertainty; 0.1 s of resting RMS fluctuates by well under
 *    the 2 uV offset margin at usual resting levels) and "resting EMG" is
 *    the baseline level of that RMS. Defaults: onset_uv 8, offset_uv 2,
 *    off_hold_s 0.5, min_duration_s 0.5.
 *  HODGES_BUI: Hodges PW, Bui BH, Electroencephalogr Clin Neurophysiol
 *    1996;101:511-519: full-wave rectification, low-pass, and onset when the
 *    mean over a window exceeds the resting mean by k SD. They compared
 *    low-pass 10/50/500 Hz, 1/2/3 SD and windows of 20/50/100 ms; defaults
 *    lowpass_hz 50, window_s 0.05 (the middle values) and k = 3 (the
 *    strictest: a night has hours of rest in which every false alarm counts,
 *    where their trials had a short one). Offset (which the paper does not
 *    define) is the mean falling back below the same threshold.
 *  BONATO: Bonato P, D'Alessio T, Knaflitz M, IEEE Trans Biomed Eng
 *    1998;45:287-299: g = (x[2j]^2 + x[2j+1]^2) / var over non-overlapping
 *    sample pairs (chi-square with 2 degrees of freedom for white Gaussian
 *    noise; var is the resting variance, the baseline mean of x^2); activity
 *    is acknowledged when at least r0 of the last m values of g exceed zeta,
 *    and ends when fewer than r0 do; activations shorter than T1 are
 *    dropped. zeta is solved from the false-alarm probability pfa of one
 *    m-test: pfa = P(at least r0 of m exceed zeta) with P(g >= zeta) =
 *    exp(-zeta / 2). Defaults are the paper's m = 5, r0 = 1, pfa = 0.05,
 *    T1 = 30 ms, with m expressed as window_s = 0.02 s (5 pairs at 500 Hz, the
 *    rate the R biosignalEMG implementation states its defaults for) and r0
 *    as active_fraction = r0 / m = 0.2: at fs, m = max(1, round(window_s *
 *    fs / 2)) pairs and r0 = max(1, ceil(active_fraction * m)). Band-passed
 *    sEMG is not white, so pfa is nominal (the paper whitens first). Onset
 *    is the oldest pair above zeta in the window that triggered; offset is
 *    the pair after the last one above zeta.
 *  LIDIERTH: Lidierth M, Electroencephalogr Clin Neurophysiol 1986;64:378-380:
 *    rectified, smoothed EMG against mean + k SD; a crossing becomes an onset
 *    only if the signal stays above the threshold for T1 (on_hold_s) with no
 *    excursion below longer than E (tolerance_s), and an offset only if it
 *    stays below for T2 (off_hold_s) with no excursion above longer than E.
 *    Defaults (ours; the paper's were for cat locomotion): window_s 0.05,
 *    k 3 (as HODGES_BUI), T1 = T2 = 0.05 s (one window: a noise excursion of a
 *    windowed mean lasts about one window), E = 0.01 s (a fifth of T1).
 *  TKEO: Solnik S, Rider P, Steinweg K, DeVita P, Hortobagyi T, Eur J Appl
 *    Physiol 2010;110:489-498: the Teager-Kaiser energy operator before
 *    rectification, a 50 Hz low-pass and a threshold test as Hodges & Bui
 *    (they report the TKEO step, not the threshold, is what improves onset
 *    timing). Defaults lowpass_hz 50, k 3, on_hold_s = off_hold_s = 0.025 s
 *    (the statistic is not windowed, so a short hold stands in for the
 *    window; 25 ms is the smallest window Hodges & Bui tested, rounded).
 *  LONDRAL: Londral A, Silva H, Nunes N, Carvalho M, Azevedo L, J Access Des
 *    All 2013;3:118-134: the variance of the signal over a sliding window
 *    against a resting mean + k SD, with a minimum duration of the active
 *    state. As for every method here, mu and sd are those of the per-sample
 *    quantity the window averages (x^2, whose resting mean is the resting
 *    variance). Defaults (ours): window_s 0.05, k 3, on_hold_s = off_hold_s
 *    = 0.05 s (one window, as LIDIERTH). (Taking sd from the windowed
 *    variance itself, estimated within 1-s blocks, underestimates it and
 *    gave about 45 false detections per hour of noise.)
 *  CUSUM: Page ES, "Continuous inspection schemes", Biometrika 1954;41:100-115
 *    (the Page-Hinkley test): on c = lowpass(|x|) (as HODGES_BUI),
 *    S_up = max(0, S_up + (c - ref) / fs) with ref = mu + k sd, onset
 *    declared when S_up >= cusum_h_s * sd and placed just after the last time
 *    S_up was 0 (Page's change-point estimate); then S_dn = max(0, S_dn +
 *    (ref - c) / fs) likewise for the offset. Defaults: lowpass_hz 50; k 1.5,
 *    Page's reference value halfway between the resting mean and the 3-SD
 *    shift the threshold methods call activity; cusum_h_s 0.05 s (a 3-SD
 *    step is confirmed after 0.05 / (3 - 1.5) = 33 ms, a 20-SD one after
 *    3 ms; the time is only the confirmation delay, the onset is placed at
 *    the change point).
 *
 * Measured with these defaults (bench/onset_accuracy.c: 8 channels of
 * 20-450 Hz Gaussian noise, upper edge clamped to 0.45 fs, 2 uV RMS floor;
 * false detections per channel-hour of noise alone at 250 / 500 / 1000 /
 * 2000 / 4000 Hz): THRESHOLD, AASM, LIDIERTH, LONDRAL 0 everywhere;
 * HODGES_BUI 0.75 / 0.25 / 0 / 0 / 0; TKEO 40 / 2 / 0 / 0 / 0; CUSUM
 * 32 / 7.5 / 1 / 1.25 / 1.5 (CUSUM's and TKEO's resting fluctuations last
 * longer when the signal's band is narrow, as at polysomnography rates);
 * BONATO 255 / 25 / 249 / 2409 / 7592: the paper's pfa is per m-test, so
 * false activations grow with the number of tests per second and with the
 * correlation of oversampled pairs; lower pfa, raise T1 or decimate before
 * using it on long recordings. Onsets of trailing-window methods are placed
 * at the window centre, so for bursts far above threshold they come up to
 * half a window early (THRESHOLD and AASM -45 to -50 ms at 20-30 dB) and
 * near threshold correspondingly late; TKEO and CUSUM are within a few ms.
 *
 * Common to every method: segments closer than merge_gap_s are joined and
 * segments shorter than min_duration_s dropped (both 0 by default except
 * AASM's 0.5 s and BONATO's T1 = 0.03 s minimum duration).
 *
 * Times. onset_s / offset_s are seconds from the first frame after
 * create/reset, corrected for the delay of a trailing window (its centre,
 * (N - 1) / (2 fs), N = round(window_s * fs)) and of the TKEO (1 / fs); the
 * low-pass filters' delays (about 4.5 ms at 50 Hz) are not corrected. A
 * segment covers [onset_s, offset_s). peak_uv is the largest |x| of the
 * input over the segment (aligned by the same delay, to one frame).
 *
 * Streaming. process() consumes frames and writes the segments confirmed so
 * far; a segment is emitted once its offset is confirmed (and, with
 * merge_gap_s > 0, once no later segment can join it). Segments come out in
 * the order of the frame at which they were confirmed, then by channel; the
 * list is bit-identical for any split of the input into calls. finish()
 * closes the segments still open at the end. Memory is sized at create:
 * constant in the length of the recording. Non-finite input samples are
 * taken as 0 by the detectors and left out of the baseline.
 *
 * Objects are not synchronised: one per thread. Nothing here prints. */
#ifndef CRAMP_ONSET_H
#define CRAMP_ONSET_H

#include <stddef.h>

#include "cramp/baseline.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_onset_method {
    CRAMP_ONSET_THRESHOLD = 0,
    CRAMP_ONSET_AASM,
    CRAMP_ONSET_HODGES_BUI,
    CRAMP_ONSET_BONATO,
    CRAMP_ONSET_LIDIERTH,
    CRAMP_ONSET_TKEO,
    CRAMP_ONSET_LONDRAL,
    CRAMP_ONSET_CUSUM
} cramp_onset_method;

#define CRAMP_ONSET_METHOD_COUNT 8

/* Short lower-case name ("threshold", "aasm", "hodges-bui", "bonato",
 * "lidierth", "tkeo", "londral", "cusum"); "unknown" for other values.
 * Static, thread-safe. */
CRAMP_API const char *cramp_onset_method_name(cramp_onset_method m);

/* Parses a name as above (case-sensitive) into *out; 0 on success, -1 if
 * unknown or NULL. Thread-safe. */
CRAMP_API int cramp_onset_method_parse(const char *name, cramp_onset_method *out);

/* Configuration. Fields a method does not use are ignored (and not
 * validated); see the table above for which fields each method reads. */
typedef struct cramp_onset_config {
    cramp_onset_method method;
    double fs;               /* Hz; required (default 0) */
    cramp_baseline_config baseline; /* resting baseline of the conditioned
                                       signal; its fs and statistic are
                                       ignored (set from fs and the method) */
    double window_s;         /* statistic window (THRESHOLD, AASM, HODGES_BUI,
                                LIDIERTH, LONDRAL) or BONATO's observation
                                window m, s; > 0, >= 1 frame (1 pair) */
    double lowpass_hz;       /* HODGES_BUI, TKEO, CUSUM; 0 < f < fs / 2 */
    double k;                /* threshold in resting SDs above the resting
                                mean; CUSUM's reference; >= 0 */
    double onset_uv;         /* AASM: rise above resting for onset, uV; > 0 */
    double offset_uv;        /* AASM: at most this above resting ends, uV;
                                0 <= offset_uv <= onset_uv */
    double on_hold_s;        /* LIDIERTH, TKEO, LONDRAL: time the onset test
                                must hold, s; >= 0 */
    double off_hold_s;       /* AASM, LIDIERTH, TKEO, LONDRAL: time the offset
                                test must hold, s; >= 0 */
    double tolerance_s;      /* LIDIERTH: longest excursion tolerated inside a
                                hold, s; >= 0 */
    double pfa;              /* BONATO: false-alarm probability of one m-test,
                                in (0, 1) */
    double active_fraction;  /* BONATO: r0 / m, in (0, 1] */
    double cusum_h_s;        /* CUSUM: decision interval in seconds of one
                                resting SD; > 0 */
    double min_duration_s;   /* every method: drop shorter segments, s; >= 0 */
    double merge_gap_s;      /* every method: join segments separated by less,
                                s; >= 0 */
} cramp_onset_config;

/* Fills every field with the defaults for `method` (see above), fs = 0.
 * An unknown method is stored as given (create then rejects it). */
CRAMP_API void cramp_onset_config_default(cramp_onset_config *cfg, cramp_onset_method method);

/* One activity segment. 32 bytes, no padding, so lists can be compared with
 * memcmp. */
typedef struct cramp_onset_segment {
    size_t channel;   /* 0 .. channels-1 */
    double onset_s;   /* s from the first frame after create/reset (>= 0) */
    double offset_s;  /* s; > onset_s */
    double peak_uv;   /* largest |x| over the segment, uV */
} cramp_onset_segment;

typedef struct cramp_onset cramp_onset;

/* Creates a detector over `channels` interleaved channels; *out is NULL on
 * failure. CRAMP_EINVAL with a message in err (may be NULL) for NULL out or
 * cfg, channels 0, an unknown method, fs <= 0 or not finite, any field the
 * method reads being non-finite or outside its range above (the message
 * names the field, its value and the range); CRAMP_ERANGE for a window that
 * rounds to 0 frames (or pairs), a low-pass at or above fs / 2, a baseline
 * block under 2 frames, or sizes too large to allocate. Allocates the
 * baseline (see cramp_baseline_create), the window (N doubles per channel,
 * twice for LONDRAL), a delay line of N/2 floats per channel, BONATO's
 * m-observation ring, and a queue of channels * 258 segments. Thread-safe for
 * distinct objects. */
CRAMP_API cramp_status cramp_onset_create(cramp_onset **out, size_t channels,
                                const cramp_onset_config *cfg, cramp_error *err);

/* SpeexDSP-style streaming. On entry *in_frames is the number of frames in
 * `in`; on return, the number consumed. Up to out_cap segments are written to
 * out and their number to *out_count. Segments confirmed but not yet written
 * (out was full) are kept inside and written first by the next call; while
 * any are kept, no more input is consumed. So: all input is consumed unless
 * *out_count == out_cap; call again with the rest. *in_frames == 0 only
 * drains kept segments (in may then be NULL; out may be NULL if out_cap is
 * 0). CRAMP_EINVAL for NULL o, in_frames or out_count, a NULL in with
 * frames, out NULL or out_cap 0 with frames to consume, or a call after
 * finish() (reset first); on failure nothing is consumed or written. No
 * allocation, no locking. */
CRAMP_API cramp_status cramp_onset_process(cramp_onset *o, const float *in, size_t *in_frames,
                                 cramp_onset_segment *out, size_t out_cap, size_t *out_count);

/* Ends the stream: closes segments still open (a segment whose offset test
 * was holding but not yet long enough ends where it began; otherwise at the
 * end of the input), drops unconfirmed onsets, applies merge_gap_s and
 * min_duration_s, and writes up to out_cap segments (kept ones first).
 * Call again while *out_count == out_cap. After finish, process() fails until
 * cramp_onset_reset(). CRAMP_EINVAL for NULL o or out_count, or NULL out with
 * out_cap > 0. No allocation. */
CRAMP_API cramp_status cramp_onset_finish(cramp_onset *o, cramp_onset_segment *out, size_t out_cap,
                                size_t *out_count);

/* The resting mean and SD of the method's conditioned signal for a channel
 * now (for AASM the resting RMS level in uV and its spread; for BONATO the
 * resting variance of x in uV^2 and its spread; otherwise in the unit of c),
 * NAN before the baseline is ready. CRAMP_EINVAL for NULL o or a channel out
 * of range (mean and sd may each be NULL). */
CRAMP_API cramp_status cramp_onset_rest(const cramp_onset *o, size_t channel, double *mean, double *sd);

/* The delay subtracted from frame times, s (see Times); 0 for NULL o. */
CRAMP_API double cramp_onset_delay_s(const cramp_onset *o);

/* Frames consumed since create/reset; 0 for NULL o. */
CRAMP_API unsigned long long cramp_onset_frames(const cramp_onset *o);

/* Back to the state after create (baseline, filters, segments, queue); no
 * allocation. NULL is a no-op. */
CRAMP_API void cramp_onset_reset(cramp_onset *o);

/* Frees o; NULL is a no-op. */
CRAMP_API void cramp_onset_destroy(cramp_onset *o);

#ifdef __cplusplus
}
#endif

#endif
