/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the cramp detector. Finds activity episodes in a night of leg sEMG,
 * measures them, and labels each one cramp, plm, burst, movement or artefact.
 *
 * Two stages.
 *
 * 1. cramp_detector (streaming, one object per rate group of channels):
 *    per channel
 *      - band-pass band_lo_hz..band_hi_hz (Butterworth, order band_order per
 *        edge; the band is clamped to 0.9 x Nyquist by cramp_band_clamp, so
 *        20-450 Hz becomes 20-112.5 Hz at 250 Hz: cramp_detector_band() says
 *        what was used) followed by a mains comb (iirnotch, Q notch_q, at
 *        mains_hz and its harmonics up to 1.25 x the band's upper edge; the
 *        harmonics above are already attenuated by the low-pass edge).
 *        The filters are CAUSAL (cramp_filter, started in the steady state of
 *        the first sample): detection needs no zero-phase filtering, the
 *        band-pass group delay (a few ms at 20 Hz) is far below the 10 ms
 *        tick the episodes are timed with, and a causal filter streams in
 *        constant memory at full speed.
 *      - 10 ms "ticks" (round(tick_s x fs) frames each) summarise the
 *        samples: energy of the band-passed signal, energy of the UNFILTERED
 *        signal high-passed at 0.5 Hz (DC removed) and of its 0.5-20 Hz part
 *        (the motion-artefact band, De Luca 2010), the largest |band-passed|
 *        sample, samples at the channel's physical rails (clipping) and
 *        samples equal to the previous one (flat line).
 *      - the envelope is the moving RMS of the band-passed signal over
 *        env_window_s (0.1 s; 10 ticks), one value per tick, timed at the
 *        window's centre;
 *      - the resting level L is cramp_baseline (MEAN statistic of the
 *        envelope: the 25th percentile of 1-s means over the last 10 min,
 *        see cramp/onset.h) fed with the envelope;
 *      - activity segmentation after the AASM leg-movement rule, relative to
 *        rest: onset when the envelope reaches L + max(onset_uv, onset_k x L)
 *        (AASM: 8 uV above resting; the multiple keeps a noisy channel's
 *        resting fluctuations, e.g. ECG bleed at 250 Hz, from crossing it:
 *        the 0.1-s RMS of band-limited noise fluctuates by about
 *        1 / (2 sqrt(B x 0.1 s)), 16 % at B = 90 Hz, so 3 x L is more than
 *        10 of its SDs away); offset at the start of >= off_hold_s (0.5 s) with
 *        the envelope <= L + max(offset_uv, offset_k x L) (AASM: 2 uV, 0.5 s);
 *        segments shorter than min_duration_s (0.5 s, the AASM minimum LM)
 *        are dropped. L is frozen at the onset, so a long cramp does not
 *        lift its own threshold. The onset is placed at the start of the
 *        first 10-ms tick inside the crossing window whose own RMS reaches
 *        the threshold (within one tick of the rise for a sharp onset;
 *        the window's centre when no tick does);
 *      - the same hysteresis on the motion band: the 0.1-s RMS of the
 *        0.5-20 Hz part of the unfiltered signal against its own resting
 *        level Llf (a second cramp_baseline): onset at Llf + max(lf_onset_uv,
 *        lf_onset_k x Llf) (20 uV, 3: an order of magnitude above the
 *        0.5-20 Hz share of ECG bleed and amplifier noise at rest, and well
 *        under the motion artefacts and electrode pops of tens to hundreds
 *        of uV that De Luca 2010 describes), offset after lf_hold_s (0.25 s)
 *        at <= Llf + max(lf_offset_uv, lf_offset_k x Llf) (5 uV, 1), at
 *        least lf_min_s (0.1 s) from the onset crossing to the offset; the
 *        onset is then moved back (at most 5 s) to where the envelope rose
 *        above the offset threshold, because a motion artefact swells
 *        slowly and crosses the higher threshold late (a double threshold,
 *        as in Bonato et al. 1998); no onset in the first 3 s after a
 *        start, while the 0.5-Hz high-pass settles from the first sample
 *        (tau 0.32 s). The thresholds were written down before any night
 *        was looked at and were not changed after; the backtracking was
 *        added after seeing late onsets on development seeds 9003-9005;
 *      - a flat line (every sample equal to the previous one) lasting
 *        >= flat_min_s (1 s) is a segment of its own (a lost electrode);
 *      - per segment: RMS (uV, and in multiples of L), largest |sample|,
 *        excess power over rest in the band and in the 0.5-20 Hz band of the
 *        unfiltered signal, fraction of samples at the rails, fraction of
 *        flat samples, and MNF / MDF (cramp_spectral: Welch, Hann, 0.25 s
 *        segments, over spectral_window_s = 0.5 s) of the band-passed signal
 *        in the first and in the last 0.5 s of the segment (NaN when the
 *        segment is shorter); and its sparseness: the median over the
 *        segment's sparse_block_s (0.25 s) blocks of the excess kurtosis
 *        of the band-passed signal with the resting noise taken out,
 *        (m4 - 3 m2^2) / (m2 - L^2)^2 (the noise is taken as Gaussian with
 *        variance L^2, so it adds nothing to the fourth cumulant), over the
 *        blocks whose power m2 is at least twice the noise's (the median
 *        is kept in constant memory as a 0.02-wide histogram). The
 *        interference pattern of many asynchronously firing motor units is
 *        near Gaussian (excess kurtosis 0); few active units give a peaked,
 *        super-Gaussian signal (Nazarpour, Al-Timemy, Bugmann and Jackson,
 *        Brain Res Bull 2013;90:88-91: sEMG kurtosis falls towards the
 *        Gaussian value as voluntary force rises). Blocks are short so the
 *        amplitude is about constant within each one: a slowly changing
 *        amplitude alone makes a signal super-Gaussian (a scale mixture;
 *        Furui et al., arXiv 1912.04580), and voluntary effort does change.
 *        Measured only when the band reaches sparse_min_hz (200 Hz): a
 *        narrower band stretches each motor-unit potential so that even a
 *        few units overlap into a near-Gaussian sum (at 250 Hz, 20-112.5 Hz,
 *        the simulated cramps gave medians of -0.2 to 0.5, no longer apart
 *        from voluntary activity). Not corrected for the small-sample bias
 *        of kurtosis (about -6 / n for n independent samples; -0.03 to
 *        -0.06 for 0.25 s blocks at these bands). Memory: a 4-s ring of the band-passed signal
 *        per channel for the spectral windows, a ring of 1024 ticks, the
 *        filters and the baselines: constant in the length of the night.
 *    A baseline needs warmup (10 s by default) before any detection; a tool
 *    may "prime" it with the first minute of the recording (then rewind),
 *    so that activity in the first seconds is found too.
 *
 * 2. cramp_detect_classify (the whole night's segments, a small list):
 *    segments of all channels (and of several rate groups) are merged into
 *    episodes when they are concurrent: a segment joins the episode being
 *    built when it overlaps it by >= concurrent_fraction (0.5) of the
 *    shorter of the two (so a chain of overlapping events does not become
 *    one long episode), and a segment on the other leg joins only when it
 *    starts within bilateral_s (5 s) of the episode (AASM: movements of
 *    both legs within 5 s are one; a cramp on each leg stays two). A
 *    channel is "involved" when its RMS above rest (sqrt(RMS^2 - L^2)) is
 *    >= involve_fraction (0.3) of the strongest channel's: surface crosstalk
 *    between neighbouring leg muscles is usually well under 20 % of the
 *    source's amplitude, so crosstalk alone does not make an episode
 *    multi-muscle.
 *    Then, in order:
 *      artefact  a flat-line segment; or a motion-band segment that no EMG
 *                or flat segment of any channel overlaps (concurrent ones
 *                merge into one episode; one that overlaps activity is left
 *                to that episode's LF ratio); or the fraction of samples at the
 *                rails >= clip_fraction (0.001: clipping never occurs in
 *                physiological sEMG within a correctly set range); or the
 *                excess energy below 20 Hz of the unfiltered signal is more
 *                than lf_ratio (0.5) of the excess energy (LF + band): sEMG
 *                has almost no power below 20 Hz, motion artefacts and
 *                electrode pops have most of theirs there (De Luca 2010),
 *                unless the episode qualifies as a movement below;
 *      movement  >= 2 involved muscles of one leg, lasting
 *                movement_min_s..movement_max_s (3-45 s, IRLSSG large muscle
 *                group movement), or any multi-muscle episode longer than
 *                lm_max_s (a cramp is confined to one muscle: Minetto et
 *                al. 2013; Roeleveld et al. 2000). One muscle per leg on both
 *                legs for <= 10 s is a (bilateral) leg movement, not a
 *                movement: PLMs are scored on the tibialis anterior of each
 *                leg. A single-channel episode of 3-45 s with the LF-ratio
 *                artefact sign is a movement (the limb moved the electrodes
 *                while the muscle worked);
 *      plm       leg movements (lm_min_s..lm_max_s, 0.5-10 s, AASM) in a
 *                series of >= plm_min_count (4) with onset-to-onset
 *                intervals plm_min_interval_s..plm_max_interval_s (10-90 s,
 *                WASM 2016, Ferri et al.); LMs on different legs whose onsets
 *                are within bilateral_s (5 s) count as one; an interval
 *                outside 10-90 s, or an episode longer than 10 s, ends a
 *                series (simplification: WASM keeps a series across a short
 *                interval; we end it);
 *      cramp     not the above; sustained for >= cramp_min_s (5 s: the issue
 *                and the literature, cramps last seconds to 10 minutes), on
 *                one muscle, and sustained: the episode's mean RMS is at or
 *                above the onset threshold L + max(onset_uv, onset_k L), i.e.
 *                the muscle stays active on average rather than crossing
 *                the threshold now and then; and not dense: an episode
 *                that would be a cramp but whose sparseness (main channel,
 *                at least sparse_min_blocks = 8 blocks, 2 s, measured) is
 *                below sparse_kurtosis (0.2) is a movement: a voluntary
 *                contraction recruits the pool in order and its many units
 *                give a near-Gaussian pattern, while cramp discharges come
 *                from a limited group of units in part of one muscle
 *                (Minetto et al. 2009: about 24 s per unit, 14.5 Hz, ISI CV
 *                45 %; Roeleveld et al. 2000) firing irregularly. Where it
 *                cannot be measured (band under 200 Hz, weak or short
 *                activity), the episode stays a cramp. The 0.2 lies between
 *                the development populations (suite scenarios at 512 Hz-4 kHz
 *                with seeds 9001-9002, 2 h nights at 4 cramps and 4
 *                movements per hour: cramps 0.26-2.4, would-be-cramp
 *                voluntary contractions -0.07 to 0.16); on seeds 9003-9005,
 *                not used to choose it, pooled cramp precision went from 0.83
 *                to 0.98 with recall unchanged (0.994). Known limits: the
 *                separation rests on the simulator's cramp model (30 units
 *                drawn across the pool); a weak voluntary contraction of few
 *                units is sparse too and stays a cramp; no labelled real
 *                cramp has been measured. Real voluntary thigh contractions
 *                (UCI lower-limb recordings, tests/detect_real_leg.c) measured
 *                0.44-1.01 wherever >= 8 blocks qualified: low-force real
 *                contractions are sparse (as Nazarpour et al. found), so on
 *                real nights this rule removes only dense, forceful
 *                contractions; what kept those recordings free of cramps
 *                were the other rules. `cramp detect --no-sparseness` turns
 *                the measure off (sparse_block_s = 0). (A fixed "10 x rest or 50 uV"
 *                was tried first on the development nights: polysomnography
 *                amplitudes (250 Hz, MVC 150 uV) give cramps of only 4-7 x
 *                rest, 20-35 uV, so it missed them all.) Known limit: below
 *                a 200-Hz band edge (PSG rates) a sustained voluntary
 *                contraction of one muscle without a motion artefact looks
 *                the same as a cramp;
 *      burst     every other active episode.
 *    Measures per episode: onset, offset, duration, involved channels, the
 *    main channel's RMS, rest level, RMS / rest, peak, MNF / MDF at start and
 *    end and the MNF slope (Hz/s between the two windows' centres), LF ratio,
 *    sparseness (kurtosis),
 *    clip and flat fractions, and onset-to-onset intervals to the previous
 *    and next non-artefact episodes (periodicity).
 *
 * Nothing here was fitted to the benchmark nights: every threshold above
 * has its reason beside it. The defaults were written from those reasons and
 * checked on development nights (the suite scenarios with seeds 9001-9002),
 * which the accuracy benchmark (bench/detect_accuracy.c, the suite's own
 * seeds) never uses. Three rules were changed after looking at those
 * development nights (no number was fitted): the cramp amplitude test (see
 * cramp), movement needing two muscles of one leg (bilateral PLMs had been
 * called movements), and concurrency / the 5-s rule when merging channels
 * (busy stretches had chained into one long episode; cramps on both legs
 * had merged). One number was chosen from development nights: the
 * sparseness threshold and its block length (0.25 s; 0.5-2 s blocks let
 * the slow effort changes of voluntary contractions overlap the cramps),
 * on seeds 9001-9002 and checked on 9003-9005 (see cramp).
 *
 * Units: seconds, Hz, microvolts (the input must be in uV for the uV
 * margins to mean anything). Objects are not synchronised: one per thread.
 * process never allocates, locks or prints. */
#ifndef CRAMP_DETECT_H
#define CRAMP_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/baseline.h"
#include "cramp/simd.h"
#include "cramp/status.h"
#include "cramp/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is known about a channel: the leg (0 left, 1 right, -1 unknown), the
 * muscle (a cramp_muscle_kind, or -1 unknown; two channels of unknown muscle
 * count as different muscles) and the physical range of the recording
 * (clipping is a sample within 0.1 % of the range of a rail; NaN: unknown). */
typedef struct cramp_detect_channel {
    int leg;
    int muscle;
    double phys_min, phys_max;
} cramp_detect_channel;

/* Guesses leg and muscle from a label such as "L-GAS", "R TA", "Left soleus",
 * "EMG tib ant R" (case-insensitive words: L/LEFT/LT, R/RIGHT/RT; GAS/GASTROC/
 * CALF, TA/TIB, SOL, AH/FOOT/HALLUCIS, VL/THIGH/QUAD/HAM); unknown parts -1.
 * phys_min/max set to NaN. Pure. */
CRAMP_API void cramp_detect_channel_from_label(const char *label, cramp_detect_channel *ch);

typedef struct cramp_detect_config {
    double fs;               /* Hz; required */
    /* front end */
    double band_lo_hz;       /* 20 (SENIAM / DOMAIN.md: 20-450 Hz) */
    double band_hi_hz;       /* 450; clamped to 0.9 x fs/2 */
    int band_order;          /* Butterworth order per edge, 2 */
    double mains_hz;         /* 50 (or 60); 0: no comb */
    double notch_q;          /* 30 */
    double tick_s;           /* 0.01 */
    double env_window_s;     /* 0.1 */
    cramp_baseline_config baseline; /* fs and statistic set here; block 1 s,
                                       window 600 s, quantile 0.25, warmup 10 s */
    /* segmentation */
    double onset_uv, onset_k;     /* 8 uV, 2 (threshold L + max(8, 2 L): 3 x L) */
    double offset_uv, offset_k;   /* 2 uV, 0.5 */
    double off_hold_s;            /* 0.5 */
    double min_duration_s;        /* 0.5 */
    double flat_min_s;            /* 1 */
    double lf_onset_uv, lf_onset_k;   /* 20 uV, 3 (LF threshold Llf + max(20, 3 Llf)) */
    double lf_offset_uv, lf_offset_k; /* 5 uV, 1 */
    double lf_hold_s;             /* 0.25 */
    double lf_min_s;              /* 0.1 */
    double spectral_window_s;     /* 0.5 */
    /* classification */
    double involve_fraction;      /* 0.3 */
    double lf_ratio;              /* 0.5 */
    double clip_fraction;         /* 0.001 */
    double movement_min_s, movement_max_s; /* 3, 45 */
    double lm_min_s, lm_max_s;    /* 0.5, 10 */
    size_t plm_min_count;         /* 4 */
    double plm_min_interval_s, plm_max_interval_s; /* 10, 90 */
    double bilateral_s;           /* 5 */
    double cramp_min_s;           /* 5 */
    double concurrent_fraction;   /* 0.5 */
    double sparse_block_s;        /* 0.25 (0: sparseness not measured) */
    double sparse_kurtosis;       /* 0.2 */
    double sparse_min_hz;         /* 200: band upper edge needed */
    size_t sparse_min_blocks;     /* 8 (2 s of blocks) */
    /* engineering */
    cramp_simd simd;              /* AUTO: path of the per-sample loops; every
                                     path gives the same bits */
} cramp_detect_config;

/* The defaults above; fs = 0 (the caller sets it). */
CRAMP_API void cramp_detect_config_default(cramp_detect_config *cfg);

/* One channel's activity segment (stage 1). */
typedef enum cramp_activity_kind {
    CRAMP_ACTIVITY_EMG = 0,  /* envelope above rest */
    CRAMP_ACTIVITY_FLAT,     /* flat line */
    CRAMP_ACTIVITY_LF        /* 0.5-20 Hz envelope above its rest (motion, pop) */
} cramp_activity_kind;

typedef struct cramp_activity {
    size_t channel;          /* index in the detector's channels (the tool
                                may renumber before classifying) */
    cramp_activity_kind kind;
    double onset_s, offset_s;/* s from the first frame after create/reset */
    double rms_uv;           /* band-passed RMS over the segment */
    double rest_uv;          /* resting level L at the onset */
    double peak_uv;          /* largest |band-passed sample| */
    double env_peak_uv;      /* largest envelope value */
    double bp_excess_uv2;    /* mean band power above rest, uV^2 (>= 0) */
    double lf_excess_uv2;    /* mean 0.5-20 Hz power above rest, uV^2 (>= 0) */
    double clip_fraction;    /* samples at a rail / samples */
    double flat_fraction;    /* samples equal to the previous one / samples */
    double mnf_start_hz, mdf_start_hz, mnf_end_hz, mdf_end_hz; /* NaN if too short */
    double kurtosis;         /* median block excess kurtosis, noise removed (see
                                "sparseness"); NaN when no block qualified */
    size_t kurtosis_blocks;  /* blocks behind it */
} cramp_activity;

typedef struct cramp_detector cramp_detector;

/* Creates a detector over `channels` interleaved channels at cfg->fs; ch
 * (channels entries) may be NULL (nothing known). CRAMP_EINVAL / CRAMP_ERANGE
 * with a message for a bad field (the message names it); the band is
 * clamped, never refused, unless nothing is left of it. Allocates the
 * filters, baselines, rings and the spectral analyser (FFTW plan). */
CRAMP_API cramp_status cramp_detector_create(cramp_detector **out, size_t channels,
                                   const cramp_detect_config *cfg,
                                   const cramp_detect_channel *ch, cramp_error *err);

/* Band actually used, Hz, and the number of mains notches. */
CRAMP_API void cramp_detector_band(const cramp_detector *d, double *lo_hz, double *hi_hz,
                         size_t *notches);

/* SIMD path the per-sample loops run on (resolved from cfg->simd at
 * create; AUTO for NULL). */
CRAMP_API cramp_simd cramp_detector_simd(const cramp_detector *d);

/* Feeds frames to the resting baselines only (no segments). The next
 * process() call then restarts the filters and the clock at frame 0 but
 * keeps the baselines: prime with the first minute, rewind, process the
 * whole night. Allocates nothing. */
CRAMP_API cramp_status cramp_detector_prime(cramp_detector *d, const float *in, size_t frames);

/* Most segments one process call over `frames` frames can give. */
CRAMP_API size_t cramp_detector_max_output(const cramp_detector *d, size_t frames);

/* Consumes frames (interleaved, uV) and writes the segments completed to
 * out (out_cap >= cramp_detector_max_output(d, frames), else CRAMP_ERANGE and
 * nothing consumed), their number to *n_out. Non-finite samples are taken
 * as 0. Any split of the input gives the same segments. No allocation. */
CRAMP_API cramp_status cramp_detector_process(cramp_detector *d, const float *in, size_t frames,
                                    cramp_activity *out, size_t out_cap, size_t *n_out);

/* Ends the stream: closes open segments at the end of the input. out_cap
 * >= 3 x channels (an EMG, a motion-band and a flat segment each). */
CRAMP_API cramp_status cramp_detector_finish(cramp_detector *d, cramp_activity *out, size_t out_cap,
                                   size_t *n_out);

/* Resting level of a channel now (uV), NaN before warmup. */
CRAMP_API double cramp_detector_rest(const cramp_detector *d, size_t channel);

/* Frames consumed since create/reset (priming excluded). */
CRAMP_API uint64_t cramp_detector_frames(const cramp_detector *d);

CRAMP_API void cramp_detector_reset(cramp_detector *d);
CRAMP_API void cramp_detector_destroy(cramp_detector *d);

/* Mains frequency from a stretch of signal (e.g. the first minute):
 * the power at 50 Hz and 150 Hz against that at 60 Hz and 180 Hz
 * (Goertzel, summed over channels). Returns 60 when the 60-Hz family
 * is more than twice as strong, 50 when the 50-Hz family is, else 0
 * (undecided: the caller keeps its default). Pure. */
CRAMP_API double cramp_detect_mains_guess(const float *in, size_t frames, size_t channels, double fs);

/* ---- stage 2: episodes ------------------------------------------------- */

#define CRAMP_DETECT_MAX_CHANNELS 32

typedef struct cramp_episode {
    double onset_s, offset_s, duration_s;
    cramp_event_type type;
    uint32_t channels;       /* bit c: involved channel c */
    size_t n_channels;       /* involved channels */
    size_t main_channel;     /* strongest */
    double rms_uv, rest_uv, rms_x_rest, peak_uv;
    double mnf_start_hz, mnf_end_hz, mdf_start_hz, mdf_end_hz;
    double mnf_slope_hz_s;   /* (end - start) / (time between window centres) */
    double lf_ratio;         /* excess LF / (excess LF + excess band); NaN if none */
    double kurtosis;         /* main channel's sparseness measure; NaN if none */
    size_t kurtosis_blocks;  /* blocks behind it */
    double clip_fraction, flat_fraction;
    double prev_interval_s, next_interval_s; /* onset to onset; NaN if none */
    int series;              /* PLM series number from 1; 0 otherwise */
    const char *reason;      /* static text: the rule that gave the label */
} cramp_episode;

/* Merges and labels the segments (any order; channel indices < channels <=
 * CRAMP_DETECT_MAX_CHANNELS; ch as for create, may be NULL). *out is a
 * malloc'd array sorted by onset (free() it), *n_out its length.
 * Allocates; thread-safe. */
CRAMP_API cramp_status cramp_detect_classify(const cramp_activity *act, size_t n_act,
                                   const cramp_detect_channel *ch, size_t channels,
                                   const cramp_detect_config *cfg, cramp_episode **out,
                                   size_t *n_out, cramp_error *err);

typedef struct cramp_detect_summary {
    double hours;            /* recording length */
    size_t count[CRAMP_EVENT_TYPES]; /* episodes per type */
    size_t cramps;
    double cramps_per_hour;
    double cramp_total_s, cramp_longest_s;
    size_t plm;
    double plm_index;        /* PLMs per hour of recording */
    size_t plm_series;
} cramp_detect_summary;

/* Bytes of a rule-table id: 16 hex digits and the terminating NUL. */
#define CRAMP_DETECT_RULES_ID_SIZE 17

/* A short, stable name of exactly which rules label the episodes, for
 * accuracy tables to record: FNV-1a (64 bits) in 16 lower-case hex digits
 * over the text cramp_detect_rules_text gives (the rule table's names,
 * classes and order, the detector's fixed constants and every value of
 * cfg except fs and simd, which change no label). cfg NULL: the defaults.
 * Writes id (CRAMP_DETECT_RULES_ID_SIZE bytes) and returns it. The same
 * rules and values give the same id on every machine and build; any change
 * of a rule, its order, a constant or a value changes it. Pure,
 * thread-safe, allocates nothing. */
CRAMP_API const char *cramp_detect_rules_id(const cramp_detect_config *cfg,
                                            char id[CRAMP_DETECT_RULES_ID_SIZE]);

/* The text the id is made from, "name=value;" items (values as %.17g),
 * written as snprintf does (at most size bytes with the NUL; buf may be NULL
 * with size 0); returns its length. Pure, thread-safe. */
CRAMP_API size_t cramp_detect_rules_text(const cramp_detect_config *cfg, char *buf, size_t size);

/* Per-night figures from the episode list. Pure. */
CRAMP_API void cramp_detect_summarize(const cramp_episode *ep, size_t n, double duration_s,
                            cramp_detect_summary *out);

#ifdef __cplusplus
}
#endif

#endif
