/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: spectral fatigue indices of interleaved multichannel sEMG, per epoch.
 *
 * Spectra (per channel, per epoch)
 *   The signal is cut into epochs of E = round(epoch_s * fs) frames; epoch j
 *   covers frames [j * H, j * H + E) counted from the first frame after
 *   create or reset, H = round(epoch_step_s * fs) (H = E by default: epochs
 *   touch without overlapping; H < E overlaps them, H > E leaves gaps).
 *   Inside an epoch, Welch's method: segments of L = round(segment_s * fs)
 *   frames starting every S = L - O frames, O = round(overlap_s * fs) (or
 *   floor(L / 2) when overlap_s < 0), at epoch offsets 0, S, 2S, ... as long
 *   as the segment lies wholly inside the epoch: M = floor((E - L) / S) + 1
 *   segments. Each segment is detrended (none, its mean, or its least-squares
 *   line), multiplied by the window, zero-padded to nfft (>= L) and
 *   transformed by a single-precision real-to-complex FFTW plan. The |X_k|^2
 *   are summed in double over the M segments, divided by M and scaled:
 *     density:  1 / (fs * sum w^2)   (units^2 / Hz)
 *     spectrum: 1 / (sum w)^2        (units^2)
 *   then made one-sided by doubling every bin but DC and (nfft even) the
 *   Nyquist bin. This is exactly
 *     scipy.signal.welch(x[j*H : j*H+E], fs, window, nperseg=L, noverlap=O,
 *                        nfft=nfft, detrend=..., scaling=..., average='mean')
 *   with SciPy's periodic windows (get_window(..., fftbins=True)): Hann,
 *   Hamming (0.54 - 0.46 cos), Tukey(alpha) and rectangular ('boxcar').
 *   Bins k = 0 .. nfft/2 (integer division) at f_k = k * fs / nfft.
 *
 *   CRAMP_FREQ_AXIS_LIBEMG instead reproduces the MNF/MDF of LibEMG's
 *   MATLAB-derived reference values: bins k = 0 .. nfft/2 - 1 (no Nyquist
 *   bin; nfft even, >= 4), f_k = k * (fs/2) / (nfft/2 - 1) (an axis that
 *   stretches the true one by nfft / (nfft - 2)), and no one-sided doubling.
 *   Use it with a rectangular window, no detrending, nfft = the next power of
 *   two above L and CRAMP_MDF_BIN to get LibEMG's numbers; never for new work.
 *
 * Indices (per epoch and channel), P_k the PSD above, K bins, df = f_1 - f_0,
 * and I = df for density scaling, 1 for spectrum scaling (so that sums of
 * P_k * I are powers in units^2 either way):
 *   total_power  sum_k P_k I over all bins (= moment[0]), units^2
 *   moment[j]    sum_k f_k^j P_k I over all bins, j = 0..4, Hz^j units^2
 *   mnf_hz       moment[1] / moment[0]
 *   mdf_hz       over all bins, DC included. CRAMP_MDF_INTERPOLATED
 *                (default): bin k's power is spread
 *                evenly over [f_k - df/2, f_k + df/2]; the frequency where
 *                the cumulative power reaches half the total, found linearly
 *                inside the bin where it does (so a Hann-windowed sine on a
 *                bin gives its own frequency), clamped to [f_0, f_{K-1}].
 *                CRAMP_MDF_BIN: f_k of the first bin whose cumulative power
 *                is >= half the total (LibEMG's and many MATLAB scripts').
 *   peak_hz      f_k of the largest P_k (the lowest such k on ties), DC
 *                included (detrend to keep an offset out of it)
 *   finsm5       Dimitrov's spectral index M(-1) / M(5), M(j) = sum f_k^j
 *                P_k over the bins with lo <= f_k <= hi of the FInsm5 band
 *                (default 8-500 Hz, upper edge clamped to Nyquist, fs/2;
 *                the band in use is in cramp_spectral_info). The band's
 *                lower edge must be > 0, so DC is never in it. Units Hz^-6
 *                (values near 1e-12 at 100 Hz): always report the band.
 *   entropy      -sum p_k ln p_k / ln K with p_k = P_k / sum P (0 ln 0 = 0),
 *                over all K bins: 0 for a single line, 1 for a flat spectrum
 *   band_power[b] sum_k P_k I over the bins with lo <= f_k <= hi of band b
 *                (hi clamped to fs/2), units^2
 * An epoch with no power (all zero) gives NaN for the ratios (mnf, mdf,
 * peak, finsm5 when its band holds no power, entropy) and 0 for the powers.
 * A NaN or infinite sample spoils the indices of the epochs that hold it,
 * and of no other.
 *
 * Precision: samples are float32; detrending, windowing and the FFT are in
 * float32 (FFTW single precision), |X_k|^2, averaging and every index in
 * double. Against SciPy in float64 on the same float32 samples, tests check
 * every index to 1e-5 relative and every PSD bin to 1e-5 of the largest bin.
 *
 * Streaming: frames go in any chunking; results are bit-identical for any
 * split, since each epoch is computed from its own samples only. Memory
 * (E frames per channel, the FFT buffers, one PSD per channel) is fixed at
 * create. An incomplete epoch at the end of the signal is never emitted.
 *
 * FFTW: the plan is made at create, with FFTW_ESTIMATE (default) or a
 * planner that times candidate plans (MEASURE, PATIENT, EXHAUSTIVE: slower to
 * create, often much faster to run; see cramp_fft_effort). Plan creation and
 * destruction and wisdom I/O are serialised by one process-wide mutex, so
 * objects may be created and destroyed from any threads. Wisdom: when a path
 * is given (cfg.wisdom_path, else the environment variable
 * CRAMP_FFTW_WISDOM), create imports it once per process and path before
 * planning and, after a timed plan that added wisdom, writes the file back
 * (a temporary file renamed over it). A wisdom file that is missing,
 * unreadable or unwritable is not an error: see
 * cramp_spectral_wisdom_status(). Wisdom is FFTW's own global state, shared
 * with any other FFTW user in the process; an ESTIMATE plan made after a
 * timed plan of the same length reuses it.
 *
 * Objects are not synchronised: one per thread. process never allocates,
 * locks, prints or exits. */
#ifndef CRAMP_SPECTRAL_H
#define CRAMP_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/fft.h"
#include "cramp/simd.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_window_kind {
    CRAMP_WINDOW_HANN = 0,
    CRAMP_WINDOW_HAMMING,
    CRAMP_WINDOW_TUKEY,       /* tapered cosine; tukey_alpha in [0, 1] */
    CRAMP_WINDOW_RECTANGULAR
} cramp_window_kind;

typedef enum cramp_detrend {
    CRAMP_DETREND_NONE = 0,
    CRAMP_DETREND_CONSTANT,   /* subtract the segment's mean (SciPy's default) */
    CRAMP_DETREND_LINEAR      /* subtract the segment's least-squares line */
} cramp_detrend;

typedef enum cramp_psd_scaling {
    CRAMP_PSD_DENSITY = 0,    /* units^2 / Hz */
    CRAMP_PSD_SPECTRUM        /* units^2 */
} cramp_psd_scaling;

typedef enum cramp_freq_axis {
    CRAMP_FREQ_AXIS_STANDARD = 0, /* f_k = k fs / nfft, one-sided as SciPy */
    CRAMP_FREQ_AXIS_LIBEMG        /* LibEMG's MATLAB convention; see above */
} cramp_freq_axis;

typedef enum cramp_mdf_method {
    CRAMP_MDF_INTERPOLATED = 0,
    CRAMP_MDF_BIN
} cramp_mdf_method;

#define CRAMP_SPECTRAL_MAX_BANDS 8
#define CRAMP_SPECTRAL_MOMENTS 5  /* moment[0..4] */

/* A frequency band, Hz, both edges included. */
typedef struct cramp_freq_band {
    double lo_hz, hi_hz;
} cramp_freq_band;

typedef struct cramp_spectral_config {
    double fs;                 /* sampling rate, Hz; required (no default) */
    double segment_s;          /* Welch segment, s; default 0.5 */
    double overlap_s;          /* segment overlap, s; < 0 means floor(L/2) frames; default -1 */
    double epoch_s;            /* epoch length, s, >= the segment; default 1 */
    double epoch_step_s;       /* epoch start to start, s; 0 means epoch_s; default 0 */
    cramp_window_kind window;  /* default HANN */
    double tukey_alpha;        /* TUKEY taper fraction, [0, 1]; default 0.5 (SciPy's) */
    cramp_detrend detrend;     /* default CONSTANT */
    cramp_psd_scaling scaling; /* default DENSITY */
    size_t nfft;               /* FFT length >= L; 0 means L; default 0 */
    cramp_freq_band finsm5_band; /* default 8-500 Hz; hi clamped to fs/2 */
    size_t n_bands;            /* extra bands for band_power, 0..CRAMP_SPECTRAL_MAX_BANDS */
    cramp_freq_band bands[CRAMP_SPECTRAL_MAX_BANDS]; /* hi clamped to fs/2 */
    cramp_freq_axis axis;      /* default STANDARD */
    cramp_mdf_method mdf;      /* default INTERPOLATED */
    cramp_fft_effort effort;   /* default ESTIMATE */
    const char *wisdom_path;   /* FFTW wisdom file; NULL: $CRAMP_FFTW_WISDOM if set;
                                  "" : none. Read during create only (not kept). */
    cramp_simd simd;           /* loops around the FFT: AUTO (default), SCALAR, AVX2;
                                  AVX512 runs the AVX2 loops. Every path gives
                                  bit-identical results (same sums, no FMA). */
} cramp_spectral_config;

/* Fills cfg with the defaults above (fs = 0: the caller must set it). */
CRAMP_API void cramp_spectral_config_default(cramp_spectral_config *cfg);

/* The layout create derived from a config, all in frames or bins. */
typedef struct cramp_spectral_info {
    double fs;
    size_t channels;
    size_t segment_frames;     /* L */
    size_t overlap_frames;     /* O */
    size_t epoch_frames;       /* E */
    size_t epoch_step_frames;  /* H */
    size_t segments_per_epoch; /* M */
    size_t nfft;
    size_t bins;               /* K */
    double df_hz;              /* f_1 - f_0 */
    cramp_freq_band finsm5_band;              /* as used (clamped) */
    cramp_freq_band bands[CRAMP_SPECTRAL_MAX_BANDS]; /* as used (clamped) */
    size_t n_bands;
} cramp_spectral_info;

/* One epoch of one channel. Times in seconds from the first frame after
 * create or reset: start_s = j H / fs, end_s = (j H + E) / fs, centre_s their
 * mean. */
typedef struct cramp_spectral_result {
    uint64_t epoch;            /* j */
    size_t channel;            /* 0-based */
    double start_s, centre_s, end_s;
    double total_power;
    double mnf_hz, mdf_hz, peak_hz;
    double finsm5;             /* Hz^-6 */
    double entropy;            /* 0..1 */
    double moment[CRAMP_SPECTRAL_MOMENTS];
    double band_power[CRAMP_SPECTRAL_MAX_BANDS]; /* first info.n_bands used */
} cramp_spectral_result;

typedef struct cramp_spectral cramp_spectral;

/* Creates the analyser for `channels` interleaved channels and makes its FFT
 * plan; *out is NULL on failure. CRAMP_EINVAL (message in err, may be NULL)
 * for NULL out or cfg, channels 0, fs <= 0 or not finite, a non-finite or
 * non-positive duration, an unknown enum (CRAMP_EUNSUPPORTED for a SIMD path
 * this CPU or build lacks), tukey_alpha outside [0, 1], n_bands
 * above the maximum, a band with lo <= 0 or lo >= hi; CRAMP_ERANGE when a
 * duration rounds to 0 frames, O >= L, E < L, nfft < L, LIBEMG with nfft odd
 * or < 4, or a band that holds no bin once clamped; CRAMP_ENOMEM, or
 * CRAMP_EUNSUPPORTED when FFTW cannot plan. Allocates E floats and K doubles
 * per channel, the window, the bin tables and the FFT buffers (nfft floats
 * in, nfft/2 + 1 complex out). Thread-safe (planning is serialised, see
 * above); reads CRAMP_FFTW_WISDOM when cfg.wisdom_path is NULL. */
CRAMP_API cramp_status cramp_spectral_create(cramp_spectral **out, size_t channels,
                                   const cramp_spectral_config *cfg, cramp_error *err);

/* Upper bound on the results one process call over in_frames can write:
 * ceil(in_frames / H) * channels (for any state). 0 for NULL s. Pure. */
CRAMP_API size_t cramp_spectral_max_output(const cramp_spectral *s, size_t in_frames);

/* Consumes in_frames interleaved frames (frame i, channel c at
 * in[i * channels + c]; not modified) and writes one result per channel for
 * every epoch completed in this call (epoch-major, then channel) to out, and
 * their number to *n_out. out_cap (results) smaller than
 * cramp_spectral_max_output(s, in_frames) gives CRAMP_ERANGE and consumes
 * nothing. in_frames == 0 is a no-op (in and out may then be NULL).
 * CRAMP_EINVAL for NULL s or n_out or a needed buffer; *n_out is 0 on any
 * failure. Chunk-invariant (bit-identical results for any split). No
 * allocation, no locking. */
CRAMP_API cramp_status cramp_spectral_process(cramp_spectral *s, const float *in, size_t in_frames,
                                    cramp_spectral_result *out, size_t out_cap, size_t *n_out);

/* Fills *info; CRAMP_EINVAL for NULL arguments. */
CRAMP_API cramp_status cramp_spectral_get_info(const cramp_spectral *s, cramp_spectral_info *info);

/* The K bin frequencies f_k, Hz, owned by s (valid until destroy). NULL for
 * NULL s. */
CRAMP_API const double *cramp_spectral_frequencies(const cramp_spectral *s);

/* The K-bin one-sided PSD of `channel` in the last epoch emitted (owned by s,
 * overwritten by the next epoch), or NULL before the first epoch, after
 * reset, or for a bad argument. */
CRAMP_API const double *cramp_spectral_psd(const cramp_spectral *s, size_t channel);

/* The SIMD path the loops around the FFT run on (resolved, never AUTO);
 * AUTO for NULL s. */
CRAMP_API cramp_simd cramp_spectral_simd(const cramp_spectral *s);

/* Epochs emitted since create or reset. 0 for NULL s. */
CRAMP_API uint64_t cramp_spectral_epochs(const cramp_spectral *s);

/* What happened to the wisdom file at create: a mask of CRAMP_WISDOM_* bits
 * (cramp/fft.h). */
CRAMP_API unsigned cramp_spectral_wisdom_status(const cramp_spectral *s);

/* Back to the state after create (no samples, epoch 0). No allocation. NULL
 * is a no-op. */
CRAMP_API void cramp_spectral_reset(cramp_spectral *s);

/* Destroys the plan (under the planning mutex) and frees s; NULL is a no-op. */
CRAMP_API void cramp_spectral_destroy(cramp_spectral *s);

/* ---- trends over an interval ------------------------------------------- */

/* Ordinary least-squares line y = intercept + slope * t (GSL gsl_fit_linear)
 * and the two-sided confidence interval of the slope at `level` (e.g. 0.95)
 * from Student's t with n - 2 degrees of freedom:
 *   slope +- t_{(1+level)/2, n-2} * slope_se,
 *   slope_se = sqrt(RSS / (n - 2) / sum (t_i - mean t)^2). */
typedef struct cramp_slope {
    size_t n;
    double slope;      /* y units per t unit (e.g. Hz/s) */
    double intercept;  /* y at t = 0 */
    double slope_se;   /* standard error; NaN when n = 2 */
    double ci_low, ci_high; /* NaN when n = 2 */
    double level;
    double r2;         /* coefficient of determination; NaN when y is constant */
} cramp_slope;

/* Fits n points (t[i], y[i]). CRAMP_EINVAL for NULL pointers, a non-finite
 * value (drop NaN epochs before calling) or level outside (0, 1);
 * CRAMP_ERANGE for n < 2 or all t equal. Pure, thread-safe, allocates
 * nothing. */
CRAMP_API cramp_status cramp_slope_fit(const double *t, const double *y, size_t n, double level,
                             cramp_slope *out);

#ifdef __cplusplus
}
#endif

#endif
