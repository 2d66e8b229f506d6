/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the cramp detector's state and the pieces shared by its files.
 *   detector.c   the streaming front end: filters, 10-ms ticks, envelopes,
 *                resting baselines, hysteresis segmentation (stage 1)
 *   segments.c   closing a segment: its measures (RMS, excess powers,
 *                spectra, sparseness) and the activity record
 *   episodes.c   the night's segments merged into measured episodes
 *   classify.c   the table of classification rules, the rule-table id and
 *                the night summary (stage 2)
 *   detect_kernels.inc  the per-sample loops, compiled once for any CPU
 *                (detect_kernels_base.c) and once with AVX2
 *                (x86/detect_kernels_avx2.c), chosen at create time through
 *                cramp__simd_resolve.
 * Not installed. */
#ifndef CRAMP_DETECT_INTERNAL_H
#define CRAMP_DETECT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cramp/baseline.h"
#include "cramp/detect.h"
#include "cramp/filter.h"
#include "cramp/profile.h"
#include "cramp/simd.h"
#include "cramp/spectral.h"

/* Ticks of per-tick sums kept (a ring; the segment sums and the onset search
   look back at most off_hold + envelope window + a few ticks). */
#define CRAMP__TICK_RING 1024u
/* Frames filtered per step (the band-passed ring is this much longer than
   the history it must keep, because the band-pass writes a chunk ahead). */
#define CRAMP__CHUNK 1024u
/* Most biquad sections of the band-pass and mains comb together. */
#define CRAMP__MAX_SECTIONS 64
/* Histogram of block kurtosis: KBINS bins of KBIN_W from KBIN_LO (values
   outside go to the end bins; the median is only compared with a threshold
   well inside the range). */
#define CRAMP__KBINS 300u
#define CRAMP__KBIN_LO (-1.0)
#define CRAMP__KBIN_W 0.02
/* Fixed numbers of the front end (written here once so that the rule-table
   id covers them, see classify.c). */
#define CRAMP__RAIL_MARGIN 1e-3      /* clipping: within this share of the range of a rail */
#define CRAMP__BAND_NYQUIST 0.9      /* the band's upper edge at most 0.9 x fs/2 */
#define CRAMP__COMB_REACH 1.25       /* mains harmonics up to 1.25 x the band's upper edge */
#define CRAMP__DC_HP_HZ 0.5          /* DC removal of the unfiltered signal */
#define CRAMP__MOTION_LP_HZ 20.0     /* upper edge of the motion band */
#define CRAMP__MOTION_SETTLE_S 3.0   /* no motion-band onset this soon after a start */
#define CRAMP__MOTION_BACKTRACK_S 5.0 /* motion-band onsets move back at most this far */
#define CRAMP__EMG_BACKTRACK_S 5.0   /* EMG onsets move back at most this far (segments.c) */
#define CRAMP__WINDOW_REFRESH 256u   /* window sums summed afresh every this many ticks */
/* A pause between bursts: at least this long at or under the offset
   threshold. Shorter dips are gaps between the discharges of a few units
   (a unit at the lowest cramp rate, 6 Hz (Minetto 2009), is silent for
   1/6 s between discharges), not the end of a burst. */
#define CRAMP__PAUSE_S 0.2
/* A sub-burst's rise (segments.c, h12j): the AASM's offset:onset levels
   above rest (2 uV : 8 uV) as a ratio, applied to a burst's own peak: the
   envelope dips to 1 / this of the peak above rest since the last rise, and
   the next rise climbs to this times the dip's floor (and the onset
   threshold). */
#define CRAMP__RISE_RATIO 4.0

/* The current tick's per-channel sums, one lane per channel (structure of
   arrays, so the per-sample loop runs channels innermost on whole vectors):
   float sums over one tick (tens of samples; relative error ~1e-6), moved
   into double per tick. The accumulate kernel starts the sums afresh on a
   tick's first frame, so they are never zeroed separately. */
typedef struct cramp__tick_lanes {
    float band_sq[CRAMP_DETECT_MAX_CHANNELS];     /* sum of band-passed b^2 */
    float motion_sq[CRAMP_DETECT_MAX_CHANNELS];   /* sum of motion-band l^2 */
    float band_fourth[CRAMP_DETECT_MAX_CHANNELS]; /* sum of b^4 (sparseness) */
    float band_max[CRAMP_DETECT_MAX_CHANNELS];    /* largest |b| */
    float prev_raw[CRAMP_DETECT_MAX_CHANNELS];    /* last unfiltered sample (flat line) */
    float rail_lo[CRAMP_DETECT_MAX_CHANNELS];     /* clipping at or below (-inf: no rails) */
    float rail_hi[CRAMP_DETECT_MAX_CHANNELS];     /* clipping at or above (+inf: no rails) */
    uint32_t clipped[CRAMP_DETECT_MAX_CHANNELS];  /* samples at a rail */
    uint32_t flat[CRAMP_DETECT_MAX_CHANNELS];     /* samples equal to the previous one */
} cramp__tick_lanes;

/* The per-sample loops, one table per instruction set. */
typedef struct cramp__detect_kernels {
    /* Adds frames [0, n) (x unfiltered, b band-passed, l motion band;
     * interleaved, `channels` channels) to the lanes, starting them afresh
     * when fresh is non-zero. Every path does the same float operations in
     * the same order per lane (no fused multiply-add), so the sums are
     * bit-identical whatever the path, channel count or split into calls. */
    void (*accumulate)(cramp__tick_lanes *lanes, size_t channels, const float *x,
                       const float *b, const float *l, size_t n, int fresh);
    /* 1 if every one of x[0, n) is finite. */
    int (*all_finite)(const float *x, size_t n);
    /* A tick's envelopes, c < n: env[c] = (float)sqrt(band_win[c] / den),
     * motion_rms[c] = (float)sqrt(motion_tick[c] / tick_den), motion_env2[c]
     * = motion_win[c] / den (numerators >= 0, denominators > 0), IEEE
     * division and square root: the same bits on every path, the divisions
     * and roots of all channels in one call so that they overlap. */
    void (*envelopes)(const double *band_win, const double *motion_tick,
                      const double *motion_win, double den, double tick_den, float *env,
                      float *motion_rms, double *motion_env2, size_t n);
    /* One frame in[0, n) of n channels into a resting baseline's block sums
     * (baseline.c), per channel c the arithmetic of cramp__bchan_add: a
     * finite in[c] becomes k0[c] when nf[c] is 0, then d = in[c] - k0[c],
     * s1[c] += d, s2[c] += d * d, nf[c] += 1; a non-finite one changes
     * nothing. The same bits on every path. */
    void (*block_add)(double *k0, double *s1, double *s2, double *nf, const float *in,
                      size_t n);
    /* The mains guess's summed Goertzel powers over interleaved in[frames x
     * C] (cramp__detect_mains_power): nf (2 or 4) frequencies with
     * coefficients k[f] = 2 cos(2 pi hz_f / fs) for 50, 60, 150, 180 Hz;
     * *p50 gets the 50- and 150-Hz powers of every channel summed in channel
     * order, *p60 the 60- and 180-Hz ones. The same bits on every path. */
    void (*mains_power)(const float *in, size_t frames, size_t C, size_t nf, const double *k,
                        double *p50, double *p60);
} cramp__detect_kernels;

extern const cramp__detect_kernels cramp__detect_kernels_base;
#if defined(CRAMP_HAVE_X86_KERNELS)
extern const cramp__detect_kernels cramp__detect_kernels_avx2;
#endif
/* The table for a resolved path (never AUTO): AVX2 and AVX-512 run the AVX2
   one; the plain one where no SIMD table is compiled in (detector.c). */
const cramp__detect_kernels *cramp__detect_kernels_for(cramp_simd s);

/* Movement rhythm in a segment's amplitude (envmod.c): the tick power's
   0.5-3 Hz energy over its 3-8 Hz energy, from 1 s after the start to 1 s
   before the end. */
#define CRAMP__ENVMOD_LO_HZ 0.5
#define CRAMP__ENVMOD_MID_HZ 3.0
#define CRAMP__ENVMOD_HI_HZ 8.0
#define CRAMP__ENVMOD_EDGE_S 1.0  /* left out at each end */
#define CRAMP__ENVMOD_MIN_S 3.0   /* counted at least, else NaN */
#define CRAMP__ENVMOD_RING 128    /* ticks: the edge at 10-ms ticks is 100 */
typedef struct cramp__envmod {
    double c[2][5], z[2][2];      /* the two band-passes: coefficients, state */
    double p0;                    /* the first tick's power (the filters' start) */
    double e[2];                  /* squared outputs counted: 0.5-3, 3-8 Hz */
    float ring[2][CRAMP__ENVMOD_RING]; /* the last lag squared outputs */
    uint64_t n, counted;          /* ticks added, ticks counted */
    uint32_t lag;                 /* ticks of the edge; 0: not measured */
} cramp__envmod;
void cramp__envmod_start(cramp__envmod *m, double tick_hz, double p0);
void cramp__envmod_add(cramp__envmod *m, double p);
double cramp__envmod_ratio(const cramp__envmod *m, double tick_hz);

/* The rise out of a precursor (onset_rise.c, issue 12, h12v): a ring of a
   segment's last CRAMP__PRE_RISE_WINDOWS precursor_window_s windows' mean
   power above rest, and the first rises found with the segment's sums
   before each. */
#define CRAMP__PRE_RISE_WINDOWS 32u
#define CRAMP__PRE_RISE_KEEP 4u
#define CRAMP__PRE_RISE_LAG_S 3.0  /* the rise is measured against the level this long before */
#define CRAMP__PRE_RISE_BASE_S 2.0 /* over a baseline this long (Hodges and Bui 1996) */
#define CRAMP__PRE_RISE_RATIO 1.5 /* the amplitude above rest a rise reaches over that level */
typedef struct cramp__rise {
    double win[CRAMP__PRE_RISE_WINDOWS];
    uint64_t n_win;             /* windows closed in the segment */
    uint64_t win_start;         /* first tick of the current window */
    uint32_t win_ticks;
    double win_energy;
    uint64_t armed_at;          /* no rise before this window (one per baseline) */
    uint32_t n;                 /* rises found (the first CRAMP__PRE_RISE_KEEP kept) */
    uint64_t tick[CRAMP__PRE_RISE_KEEP];      /* each rise's tick */
    double pre_energy[CRAMP__PRE_RISE_KEEP];  /* the segment's band sum before it */
    double pre_motion[CRAMP__PRE_RISE_KEEP];  /* and its motion-band sum */
    double pre_kurt[CRAMP__PRE_RISE_KEEP];    /* the sum of the segment's block
                                                 kurtosis values before it */
    uint64_t pre_blocks[CRAMP__PRE_RISE_KEEP]; /* and their number */
} cramp__rise;

/* One channel's segmentation state. */
typedef struct cramp__det_channel {
    float rail_lo, rail_hi;        /* clipping thresholds when has_rails */
    int has_rails;
    /* EMG (band envelope) segment */
    int emg_active;
    uint64_t emg_onset_tick;
    uint64_t emg_lead_tick;        /* the onset moved back to where the envelope left rest */
    uint64_t emg_next_add_tick;    /* next tick to add to the segment's sums */
    uint64_t emg_quiet_start_tick; /* start of the current run under the offset threshold */
    uint64_t emg_last_end_tick;    /* offset of the last segment (onsets not before) */
    size_t emg_quiet_ticks;        /* length of that run */
    double emg_rest_uv;            /* resting level L at the onset (frozen) */
    double emg_rest_motion_uv;     /* motion-band resting level at the onset */
    double emg_onset_thr_uv, emg_offset_thr_uv;
    double seg_band_energy;        /* sum of b^2 over the segment's ticks added so far */
    double seg_motion_energy;      /* sum of l^2 */
    double seg_env_peak_uv;        /* largest envelope value */
    /* tonic versus phasic: ticks seen while open, those at or under the
       offset threshold, and the sub-bursts (rises from at or under the
       offset threshold back to the onset threshold, the first included) */
    uint64_t seg_ticks, seg_low_ticks;
    uint64_t seg_quiet_run;        /* ticks of the current run at or under the offset threshold */
    uint32_t seg_bursts;
    int seg_below;                 /* a pause since the last rise */
    /* the longest run without a pause (h12ao): where the current one began
       (the onset or the end of the last pause) and the longest closed, ticks */
    uint64_t seg_run_start_tick, seg_longest_run;
    /* rhythm: rises back to the onset threshold after any dip to the offset
       threshold, and the intervals between them (sum, sum of squares, ticks) */
    int seg_dipped;
    uint32_t seg_rises;
    uint64_t seg_last_rise_tick;
    double seg_rise_iv_sum, seg_rise_iv_sq;
    /* sub-bursts against their own peak (segments.c, h12j): a dip to a
       quarter of the peak above rest since the last rise, then a rise to
       the onset threshold and four times the dip's floor; the rises, the
       last one's tick and the intervals' sums (ticks) */
    int rel_dipped;
    uint32_t rel_rises;
    uint64_t rel_last_rise_tick;
    double rel_peak_uv, rel_floor_uv;
    double rel_iv_sum, rel_iv_sq;
    uint64_t rel_up_ticks;         /* ticks from a rise to the next dip */
    float seg_peak_uv;             /* largest |b| */
    uint64_t seg_clipped, seg_flat, seg_samples;
    /* precursor step (segments.c): the current window's band energy, the
       segment's sums at its start, and the step once found (0: none) with
       the sums before it */
    uint64_t step_win_start, step_tick;
    uint32_t step_win_ticks;
    double step_win_energy, step_base_energy, step_base_motion;
    double step_pre_energy, step_pre_motion;
    double step_lead_max;          /* strongest window of the lead, uV^2 above rest */
    cramp__rise rise;              /* the rise out of a precursor (onset_rise.c) */
    double mnf_start_hz, mdf_start_hz; /* of the segment's first spectral window */
    int start_spectrum_done;
    /* sparseness: the current block's sums and the number of blocks in the
       segment's histogram of block kurtosis (kurtosis_hist + c * KBINS) */
    double block_band_sq, block_band_fourth;
    size_t block_ticks;
    uint64_t kurtosis_blocks;
    cramp__envmod envmod;          /* movement rhythm of the amplitude (envmod.c) */
    /* flat run */
    uint64_t flat_start_tick, flat_run_ticks;
    /* motion-band (0.5-20 Hz) segment */
    int motion_active;
    uint64_t motion_onset_tick;    /* after backtracking */
    uint64_t motion_cross_tick;    /* where the onset threshold was crossed */
    uint64_t motion_quiet_start_tick, motion_last_end_tick;
    size_t motion_quiet_ticks;
    double motion_rest_uv;         /* motion-band resting level at the onset */
    double motion_offset_thr2;     /* offset threshold squared, uV^2 */
    double motion_energy;          /* sum of l^2 from the onset */
    double motion_energy_at_quiet; /* that sum when the quiet run began */
    double motion_env_peak2;       /* largest mean square of the envelope */
    double motion_thr_rest_uv;     /* the resting level the onset threshold was made from */
    double motion_onset_thr2;      /* that threshold squared */
} cramp__det_channel;

struct cramp_detector {
    cramp_detect_config cfg;
    size_t channels;
    double fs;
    size_t tick_frames;         /* frames per tick */
    size_t env_ticks;           /* ticks per envelope window */
    size_t off_hold_ticks;      /* ticks of quiet that end an EMG segment */
    size_t add_lag_ticks;       /* ticks an active segment's sums lag behind */
    size_t min_segment_ticks, flat_min_ticks;
    size_t sparse_block_ticks;  /* ticks per sparseness block; 0: not measured */
    size_t pause_ticks;         /* ticks of quiet that make a pause (CRAMP__PAUSE_S) */
    size_t motion_hold_ticks, motion_min_ticks;
    size_t motion_settle_ticks; /* ticks after a start before motion onsets count */
    size_t spectral_frames;     /* spectral window, frames */
    size_t history_frames;      /* band-passed history kept, frames */
    size_t ring_frames;         /* band-passed ring, frames: history + CHUNK */
    double band_lo_hz, band_hi_hz;
    size_t notches;
    cramp_simd simd;            /* path of the per-sample loops */
    const cramp__detect_kernels *kernels;
    cramp_filter *band_filter;  /* band-pass + mains notches (or the band-pass alone) */
    struct cramp__comb *comb;   /* the mains comb where fs / mains is whole, else NULL */
    cramp_filter *motion_filter;/* 0.5-Hz high-pass and 20-Hz low-pass: the motion band */
    cramp_baseline *rest_band, *rest_motion;
    cramp_spectral *spectral;
    float *finite_in;           /* CHUNK x channels: the input with non-finite samples as 0 */
    int input_finite;           /* the input is known finite: not checked (set_finite) */
    float *motion;              /* CHUNK x channels */
    float *band_ring;           /* ring_frames x channels, frame-major */
    cramp__tick_lanes lanes;
    /* per-tick values, tick-major: [(j % TICK_RING) * channels + c] */
    double *tick_band_energy, *tick_motion_energy, *tick_band_fourth;
    float *tick_band_max;
    uint32_t *tick_clipped, *tick_flat;
    uint32_t *kurtosis_hist;    /* channels x KBINS */
    float *env_uv;              /* channels: band envelope (window RMS) */
    float *motion_tick_rms_uv;  /* channels: the motion band's RMS over the last tick */
    double env_window_energy[CRAMP_DETECT_MAX_CHANNELS];    /* band: window sum of b^2 */
    double motion_window_energy[CRAMP_DETECT_MAX_CHANNELS]; /* motion band: window sum of l^2 */
    double motion_env2[CRAMP_DETECT_MAX_CHANNELS];          /* its mean square, uV^2 */
    /* the two resting levels of every channel after this tick's baseline
       update, read in place (they change at a block end only) */
    const double *rest_band_level;   /* cramp__baseline_level_array */
    const double *rest_motion_level;
    float *spectral_buf;        /* spectral_frames */
    cramp__det_channel *chan;
    uint64_t frames, ticks;
    size_t tick_pos;            /* frames into the current tick */
    int started, priming;
    /* stage timers (cramp/profile.h), read only when profiling */
    int profiling;
    double prof_t;              /* the last stamp, s */
    double prof_s[CRAMP_STAGES]; /* segment includes spectral until read out */
    /* output of the current call */
    cramp_activity *out;
    size_t out_cap, n_out;
};

/* A threshold above the resting level L: L + max(uv, k L) (the AASM margin
   in uV, or a multiple of rest on a noisy channel). Inline, not libm fmax,
   whose call showed in the per-tick loop's profile. */
static inline double cramp__above_rest(double L, double uv, double k)
{
    const double m = k * L;
    return L + (uv > m ? uv : m);
}

/* Index of channel c's tick j in the tick ring. */
static inline size_t cramp__tick_at(const cramp_detector *d, size_t c, uint64_t j)
{
    return (size_t)(j % CRAMP__TICK_RING) * d->channels + c;
}

/* detect_config.c: the sums over channels of the Goertzel powers at 50 Hz
 * (+ 150 Hz) and 60 Hz (+ 180 Hz; the harmonics only where fs > 370 Hz) of
 * interleaved in[frames x C], which cramp_detect_mains_guess compares. */
void cramp__detect_mains_power(const float *in, size_t frames, size_t C, double fs, double *p50,
                               double *p60);

/* segments.c */
/* The detector as two stages, for a pipeline over two threads (the night
 * driver, docs/night-driver.md "Threads"); cramp_detector_process is
 * begin, then filter and consume on each piece in turn, and the output is
 * the same bits for any split of the frames between the calls.
 * - begin: ends priming (as process does) and sets where segments go; call
 *   once, before the first filter, from the thread that primed.
 * - filter: the filter stage on n <= CRAMP__CHUNK frames of in (n x
 *   channels, interleaved): band-pass and (the `stages` asked,
 *   CRAMP__FILTER_*) comb into band, motion band into motion (n x channels
 *   each). Returns the input as the rest stage reads it: in itself, or
 *   raw_buf (n x channels, may be in itself) with non-finite samples as 0.
 *   Touches only the filters, `started` and the filter stage's timer.
 * - filter_late: the comb and/or motion band (`stages`) left out of a
 *   filter call, on the same frames (raw as filter returned it, band as it
 *   wrote it), in frame order after that call: the filter stage split over
 *   two threads. Not timed (the caller times it). Touches only the comb or
 *   the motion filter.
 * - consume: the rest (envelopes, baselines, segments, spectra) on the
 *   filter stage's output for any number of frames, segments appended to
 *   begin's out (sized by cramp_detector_max_output; call begin again to
 *   empty it, outputs counts them); touches no field the
 *   filter stage does. Band may point into the ring (then not copied), or
 *   be NULL: already in the ring (cramp__detector_ring_at).
 * The two stages may run on two threads at once on different pieces, the
 * filter stage ahead; each stage's calls in frame order. */
void cramp__detector_begin(cramp_detector *d, cramp_activity *out, size_t out_cap);
/* finite != 0: every sample d will be given is finite (a reader that says
 * so, cramp__recording_finite), so the filter stage does not look for
 * non-finite ones (which it would read as 0); 0: it looks (the default). */
void cramp__detector_set_finite(cramp_detector *d, int finite);
#define CRAMP__FILTER_COMB 1u   /* the mains comb (when the detector has one) */
#define CRAMP__FILTER_MOTION 2u /* the motion band */
#define CRAMP__FILTER_ALL 3u
const float *cramp__detector_filter(cramp_detector *d, unsigned stages, const float *in, size_t n,
                                    float *raw_buf, float *band, float *motion, cramp_status *st);
cramp_status cramp__detector_filter_late(cramp_detector *d, unsigned stages, const float *raw,
                                         float *band, float *motion, size_t n);
void cramp__detector_consume(cramp_detector *d, const float *raw, const float *band,
                             const float *motion, size_t frames);
size_t cramp__detector_outputs(const cramp_detector *d);
/* Priming apart (the night driver on 2 threads, night_threads.c): `primed`,
 * created with d's configuration and channels and primed (not begun), gives
 * d its resting levels (and takes d's, to be destroyed with it), so that d,
 * never primed, is then what priming it on the same frames and begin would
 * have made it: begin resets every other field priming touches. Touches
 * only the rest stage's baselines, so a worker may run d's filter stage
 * meanwhile. */
void cramp__detector_take_primed(cramp_detector *d, cramp_detector *primed);
/* cramp_detector_create with some parts only (the night driver on 2
 * threads, night_threads.c): CRAMP__DETECTOR_SPECTRAL the spectral stage
 * (FFT plans and window; without it the detector may filter and prime but
 * must not close a segment until cramp__detector_add_spectral has made it);
 * CRAMP__DETECTOR_PRIMER a band ring of one chunk instead of the history
 * (the frames filtered are not kept: for priming only). The detector
 * otherwise as cramp_detector_create makes it, the same bits. */
#define CRAMP__DETECTOR_SPECTRAL 1u
#define CRAMP__DETECTOR_PRIMER 2u
cramp_status cramp__detector_create_parts(cramp_detector **out, size_t channels,
                                          const cramp_detect_config *cfg,
                                          const cramp_detect_channel *chi, unsigned parts,
                                          cramp_error *err);
/* The spectral stage of a detector created without it (a no-op if it has
 * it); touches only the rest stage's fields, so a worker may run d's filter
 * stage meanwhile. CRAMP_OK, or the FFT's or CRAMP_ENOMEM (then d keeps no
 * spectral stage; destroy it). */
cramp_status cramp__detector_add_spectral(cramp_detector *d, cramp_error *err);
/* The rest stage fed with a tick's sums instead of frames (the front, the
 * filters and the accumulate kernel, on another thread: night_threads.c):
 * `ticks` finished ticks, each a record of CRAMP__TICK_RECORD x channels
 * floats (the lanes' band_sq, motion_sq, band_fourth, band_max, then
 * clipped and flat as uint32 bits, channels innermost), then `tail` frames
 * of the tick after them, not finished (its frames so far then under
 * tick_frames). The same
 * state as cramp__detector_consume over those frames; the rest stage's
 * fields only. */
#define CRAMP__TICK_RECORD 6u
void cramp__detector_ticks(cramp_detector *d, const float *rec, size_t ticks, size_t tail);
/* A finished tick's lanes (channels c < n) as one such record. */
static inline void cramp__tick_record_put(const cramp__tick_lanes *ln, size_t n, float *rec)
{
    /* field by field (vector moves where n is a constant at the call) */
    memcpy(rec, ln->band_sq, n * sizeof *rec);
    memcpy(rec + n, ln->motion_sq, n * sizeof *rec);
    memcpy(rec + 2 * n, ln->band_fourth, n * sizeof *rec);
    memcpy(rec + 3 * n, ln->band_max, n * sizeof *rec);
    memcpy(rec + 4 * n, ln->clipped, n * sizeof *rec);
    memcpy(rec + 5 * n, ln->flat, n * sizeof *rec);
}
/* The lanes of a finished tick (channels c < n) from a record that
 * cramp__tick_record_put wrote. */
static inline void cramp__tick_record_get(const float *rec, size_t n, cramp__tick_lanes *ln)
{
    for (size_t c = 0; c < n; c++) {
        ln->band_sq[c] = rec[c];
        ln->motion_sq[c] = rec[n + c];
        ln->band_fourth[c] = rec[2 * n + c];
        ln->band_max[c] = rec[3 * n + c];
        memcpy(&ln->clipped[c], &rec[4 * n + c], sizeof ln->clipped[c]);
        memcpy(&ln->flat[c], &rec[5 * n + c], sizeof ln->flat[c]);
    }
}
/* The filter stages d has (CRAMP__FILTER_*: the comb only where it has one). */
unsigned cramp__detector_stages(const cramp_detector *d);
/* Room in the band ring for `frames` frames written ahead of the rest stage
 * (the filter stage on another thread writing straight into it, no copy):
 * ring_frames at least history_frames + CRAMP__CHUNK + frames; the front
 * reset (call before priming). CRAMP_OK or CRAMP_ENOMEM (d unchanged). */
cramp_status cramp__detector_ring_ahead(cramp_detector *d, size_t frames);
/* Where frame `frame` (counted from begin) of the band goes in the ring, and
 * the frames from there to the ring's end (*span). consume with band NULL
 * reads the band there. */
float *cramp__detector_ring_at(cramp_detector *d, uint64_t frame, size_t *span);

void cramp__seg_spectrum_at(cramp_detector *d, size_t c, uint64_t f0, double *mnf, double *mdf);
void cramp__seg_add_tick(cramp_detector *d, size_t c, uint64_t j);
void cramp__seg_close_emg(cramp_detector *d, size_t c, uint64_t off_tick);
void cramp__seg_emit_flat(cramp_detector *d, size_t c, uint64_t t0, uint64_t t1);
void cramp__seg_close_motion(cramp_detector *d, size_t c, uint64_t off_tick);
/* The envelope level that opens an EMG segment over rest L, thr the onset
   threshold L + max(onset_uv, onset_k L): thr, or lower with
   lm_onset_power (h12ai). Inline for the default (the key off): emg_open
   asks for it on every tick of every channel at rest, and the call kept
   that early return from being a leaf (its callee-saved registers pushed
   and popped every time); the key's own form stays in segments.c. */
double cramp__seg_open_thr_power(const cramp_detect_config *cfg, double L, double thr);
static inline double cramp__seg_open_thr(const cramp_detect_config *cfg, double L, double thr)
{
    return cfg->lm_onset_power ? cramp__seg_open_thr_power(cfg, L, thr) : thr;
}
/* A lead-in cut off as a precursor but shorter than a cramp's minimum is the
   cramp's own recruitment ramp (docs/detect.md, "Recruitment ramp"): its
   length, s, or 0 when the precursor (precursor_s of a segment) is none or
   a precursor of its own. The episode builder starts the episode at its
   lead (episodes.c); a segment's longest run may include it (segments.c). */
static inline double cramp__recruitment_ramp_s(const cramp_detect_config *cfg, double precursor_s)
{
    return precursor_s > 0 && precursor_s < cfg->cramp_min_s ? precursor_s : 0;
}
/* episodes_bilateral_lm.c (opt-in bilateral_lm_only, h12aq): 1 when segment
   s, of a leg the episode being built (start..end so far) does not hold yet
   and starting within bilateral_s of it, may join it as the AASM's
   bilateral LM does; 0 when the rule is on, s is LM-long (<= lm_max_s) and
   the episode is already longer than a bilateral candidate LM (15 s, WASM
   2016). Always 1 with the rule off. */
int cramp__bilateral_lm_joins(const cramp_detect_config *cfg, double start, double end,
                              const cramp_activity *s);
/* onset_rise.c: the rise out of a precursor, watched tick by tick (after the
   segment's sums took tick j at ring index k), and the cut it makes when the
   segment closes: 1 and *cut (etc.) set when a rise later than *cut passes */
void cramp__rise_add(cramp_detector *d, cramp__det_channel *h, size_t c, uint64_t j, size_t k);
int cramp__cut_holds(const cramp_detector *d, const cramp__det_channel *h, uint64_t t,
                     double pre_energy, uint64_t off_tick);
int cramp__rise_cut(const cramp_detector *d, const cramp__det_channel *h, size_t c,
                    uint64_t off_tick, uint64_t *cut, double *pre_energy, double *pre_motion);

/* episodes.c: the night's segments as measured episodes, before labels. */
typedef enum cramp__episode_origin {
    CRAMP__FROM_EMG = 0, /* a cluster of concurrent EMG segments */
    CRAMP__FROM_FLAT,    /* a flat-line segment */
    CRAMP__FROM_MOTION   /* motion-band segments that no activity overlaps */
} cramp__episode_origin;

typedef struct cramp__episode_list {
    cramp_episode *ep;   /* sorted by onset, then main channel */
    unsigned char *origin; /* cramp__episode_origin per episode */
    size_t n;
} cramp__episode_list;

/* Builds the episodes of n_act segments (channels < C): each flat segment,
   the motion-band segments no activity overlaps (concurrent ones merged),
   the clusters of concurrent EMG segments with their measures; sorted.
   Labels (type, reason) left empty. Allocates list->ep and list->origin. */
cramp_status cramp__episodes_build(const cramp_activity *act, size_t n_act,
                                   const cramp_detect_channel *ch, size_t C,
                                   const cramp_detect_config *cfg, cramp__episode_list *list,
                                   cramp_error *err);
/* Distinct muscles (and the legs, bit 0 left, bit 1 right) among mask's channels. */
size_t cramp__count_muscles(uint32_t mask, const cramp_detect_channel *ch, size_t C,
                            uint32_t *legs);
/* Most distinct muscles on one leg (unknown leg counts as one leg; unknown
   muscle as distinct muscles). */
size_t cramp__muscles_one_leg(uint32_t mask, const cramp_detect_channel *ch, size_t C);
/* 1: different legs (known), or unknown legs on different channels. */
int cramp__other_leg(const cramp_episode *a, const cramp_episode *b,
                     const cramp_detect_channel *ch, size_t C);

#endif
