/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: a physiological surface-EMG simulator of nights of leg recordings,
 * with ground truth (cramps, periodic limb movements, arousal bursts,
 * movements, artefacts).
 *
 * The model (datasets/README.md describes it with the scenario format)
 *
 * Muscles and channels. Channel c is a bipolar surface electrode pair over
 * muscle c (one muscle under each channel), of a kind (tibialis anterior,
 * gastrocnemius, soleus, foot, thigh, other) on one leg. A volume-conductor
 * attenuation matrix gives the gain from muscle m to channel c: 1 on the
 * diagonal, `crosstalk` between muscles of the same leg, 0 across legs,
 * unless set by `attenuation` lines. A muscle seen through another channel
 * also has its potentials lengthened by `crosstalk_stretch` (the tissue acts
 * as a low-pass filter).
 *
 * Motor-unit pool (after Fuglevand, Winter and Patla, J Neurophysiol
 * 1993;70:2470-2488). Each muscle has `units` motor units, i = 1..n, in
 * recruitment order. Recruitment thresholds, in % of maximal excitation,
 *   RT_i = recruit_max_pct * exp(ln(recruit_range) * i / n) / recruit_range
 * (an exponential spread over recruit_range, so many small units and few
 * large ones). A recruited unit fires at
 *   rate_i(E) = min(PFR_i, rate_min_hz + rate_gain * (E - RT_i))  (E >= RT_i)
 *   PFR_i     = rate_peak_hz - rate_peak_drop_hz * RT_i / RT_n
 * with Gaussian interspike intervals of coefficient of variation isi_cv
 * (clipped at 3 SD). MUAP amplitudes spread exponentially with recruitment
 * order over muap_size_range (times a log-normal depth factor, SD 0.25 in ln)
 * and durations shorten from muap_width_ms.lo (first unit) to
 * muap_width_ms.hi (last) (larger units conduct faster).
 * A MUAP is a mix of the first and second Hermite-Rodriguez functions
 *   h1(t) = (t / w) exp(-(t / w)^2),   h2(t) = (1 - 2 (t / w)^2) exp(-(t / w)^2)
 * (Lo Conte, Merletti and Sandri 1994), peak-normalised, with a per-unit mix
 * and sign; w is the unit's width. The templates are precomputed on a fine
 * geometric grid of widths (1.5 % apart) at 8 x fs, low-pass filtered at
 * 0.4 fs (windowed sinc, so that a 250 Hz night is not aliased) and
 * decimated; a firing adds the template of the nearest width to the channels
 * that see the muscle (sparse convolution). The amplitude scale of each
 * muscle is set so that the full-band RMS of its own channel at 100 %
 * excitation without fatigue is mvc_rms_uv (the power of a unit firing at
 * rate r being r * integral of its template squared).
 *
 * Fatigue. Each muscle has a fatigue state F in [0, 1]:
 *   dF/dt = D (1 - F) / fatigue_tau_s - (1 - D) F / recovery_tau_s
 * with D the drive (E / 100 for voluntary activity, cramp_drive during a
 * cramp), integrated exactly per internal block. MUAP widths are multiplied
 * by 1 + (fatigue_stretch - 1) F (conduction velocity falling), so the mean
 * frequency falls during sustained activity.
 *
 * Cramps (Minetto et al., J Neurophysiol 2009;102:1890-1899: discharge rate
 * 14.5 +- 5.1 pulses/s, 6-25; interspike CV 44.6 +- 9.7 %; 4.1 % doublets;
 * units active 23.6 +- 16.2 s). A cramp occupies one muscle (its channel) for
 * cramp_duration_s (log-uniform draw), counted from its first discharge (its
 * onset in the truth) as the literature's cramp durations are; an explicit
 * event's duration likewise. cramp_units of the muscle's units fire
 * at once, regardless of recruitment order, each started within 0.25 s of
 * the onset (abrupt onset), at a rate drawn from N(cramp_rate_hz) truncated
 * to cramp_rate_limits, with log-normal interspike intervals of a CV drawn
 * from N(cramp_cv), and a doublet (a second discharge cramp_doublet_ms
 * later) after a fraction cramp_doublet_fraction of the discharges. Each
 * unit stays active for a gamma-distributed time (cramp_unit_life_s, mean
 * and SD), then hands over to a neighbouring unit of the pool, so the
 * activity drifts across the muscle. Fatigue rises with drive cramp_drive.
 *
 * Per-cramp draws (domain randomisation). cramp_units, cramp_rate_hz,
 * cramp_cv, cramp_doublet_fraction, cramp_unit_life_s and cramp_drive take
 * one number or `LO HI`; with a range each cramp draws its own value
 * (uniform; cramp_units log-uniform, e.g. 6 to the whole pool, a full
 * interference pattern), and the units of that cramp draw their rates and
 * CVs around it as above. cramp_onset_s: the cramp's units start uniformly
 * within this time of the onset (0.25 s: abrupt; tens of s: gradual), but
 * within half the cramp's drawn duration at most (the recruitment ramp lies
 * inside the cramp: every unit has started by mid-cramp).
 * cramp_territory: the fraction of the muscle a cramp draws its units from
 * (Roeleveld et al., J Appl Physiol 2000: cramp activity is confined to
 * part of the muscle and moves across it): each unit has a fixed random
 * position in [0, 1) across the muscle, a cramp takes and hands over only to
 * free units within territory / 2 of a centre that starts at random and
 * drifts at cramp_drift_per_min (either direction, reflected at the ends).
 * With cramp_precursor_probability, a cramp is preceded by a linear rise of
 * voluntary excitation of its muscle over cramp_precursor_s up to
 * cramp_precursor_pct (calf sEMG rising about 41 +- 11 s before waking with
 * a cramp, a pilot of n = 6, unverified), held at that level through the
 * cramp's onset window so that it runs into the cramp's first discharges
 * without a rest; with stretch_probability, it is
 * followed after stretch_delay_s by stretching: the same leg's tibialis
 * anterior at stretch_excitation_pct for stretch_duration_s, with
 * probability stretch_body_probability as a whole-body movement (every
 * channel, the others at movement_excitation_pct, motion artefact of
 * movement_motion_uv). Where the leg has no TA on the montage (one channel,
 * two calves, the right leg of three), a stretch of the TA alone puts no EMG
 * on any channel and makes no truth row (the simulator has a motor pool, and
 * crosstalk, only for recorded muscles; the stretched calf is lengthened,
 * not contracted), and a whole-body one has that leg's channels at
 * movement_excitation_pct like the rest of the body.
 *
 * Periodic limb movements (AASM scoring manual; WASM 2016, Ferri et al.,
 * Sleep Med 2016;26:86-95): series of plm_count leg movements, each lasting
 * plm_duration_s (but at most 0.8 of the shortest interval), onset to onset
 * plm_interval_s (WASM: 10-90 s; the draws are uniform in the given ranges). A movement is a trapezoid of excitation (0.15
 * s rise, 0.3 s fall) of the tibialis anterior of a leg (or the leg's first
 * muscle if it has none); with probability plm_bilateral the other leg joins
 * within 0-2 s, and the two count as one movement (AASM: within 5 s).
 * With plm_jitter > 0 a series draws one period from plm_interval_s and each
 * interval is that period times 1 + plm_jitter N(0, 1), kept in
 * plm_interval_s; plm_missing_fraction of a series' inner movements are left
 * out (no activity, no truth row: the interval around them doubles);
 * plm_weak_fraction of the movements have plm_weak_excitation_pct instead
 * (still scored, detail ", weak", unless plm_truth is aasm).
 * Which LMs the truth scores (plm_truth): `all` (the default) lists every
 * drawn LM and keeps every drawn series whole; `aasm` models a scorer who
 * applies the AASM manual: an LM (a series member, an explicit `plm` event
 * or an isolated burst) is scored only where its own EMG reaches
 * plm_truth_uv (AASM: an 8 uV increase in EMG voltage above resting EMG),
 * read as the RMS of the LM's component at its plateau excitation on the
 * channel where it is strongest, without noise, mains or ECG (the expected
 * RMS of its motor units' discharges through the pool and the templates as
 * rendered); a leg of a bilateral LM that does not reach it is left out of
 * the row. A drawn series is then rebuilt from its scored LMs with the
 * manual's series rules: a run of >= 4 scored LMs with onset-to-onset
 * intervals <= 90 s (AASM and WASM 2016) is a series; the scored LMs of a
 * shorter run are lone LMs (`burst`, detail "lm, ..."). The details of
 * scored LMs and bursts add the amplitude (", A uV").
 * Isolated arousal bursts: one channel, burst_duration_s, at least 90 s away
 * from any other leg movement on that leg (so they never form a series).
 * Voluntary movements and turning over: 2 or more muscles (all of one leg,
 * or of both), movement_duration_s (IRLSSG: 3-45 s), excitation modulated
 * slowly, with a motion artefact of movement_motion_uv.
 *
 * The AASM scoring manual's and ICSD-3's other movements, as trains of
 * voluntary-excitation bursts (each with a linear rise and fall over 10 % of
 * its length; inner bursts move by up to a quarter of the gap either way):
 * hypnagogic foot tremor (hft: hft_count bursts of hft_burst_ms at
 * hft_rate_hz on one leg's tibialis anterior; AASM: >= 4 bursts of 250-1000
 * ms at 0.3-4 Hz), alternating leg muscle activation (alma: bursts of
 * alma_burst_ms at alma_rate_hz alternating between the tibialis anterior of
 * the two legs; AASM: >= 4 bursts of 100-500 ms at 0.5-3 Hz), rhythmic
 * movement disorder (rmd: rmd_count bursts of every channel at rmd_rate_hz,
 * rmd_duty of each period, with motion artefact; AASM: >= 4 movements at
 * 0.5-2 Hz of large muscle groups). A train's burst length is at most 0.8 of
 * its period (the rate is lowered when even the shortest burst would not
 * fit). Fragmentary myoclonus (an episode of fragmentary_duration_s on every
 * channel: each cell of 60 / fragmentary_per_min s holds one potential of
 * fragmentary_ms at a uniform place, on one channel; AASM excessive: < 150
 * ms, >= 5 per minute over >= 20 min); it runs beneath other events. REM
 * tonic activity (rem_tonic: sustained low-level excitation of one leg or
 * both, 2 s rise and fall) and sustained contractions at awakenings
 * (awakening: steady excitation of one leg or both, 0.3 s ramps).
 * Ground truth: hft, alma and fragmentary are classes of their own; rmd,
 * rem_tonic, stretch and awakening are `movement` (their kind and detail
 * tell them apart); a precursor makes no row (its cramp's detail gives its
 * length), nor does a stretch by an unrecorded TA (above); one row per
 * train or episode, from its first burst's start to its last burst's end.
 * A cramp's row starts at its first motor-unit discharge (the units' start
 * times are drawn when the night is made), not at the start of its onset
 * window, which its detail gives (`t0 T s`).
 *
 * Interference and artefacts: white noise of RMS noise_uv (full band);
 * mains hum of amplitude mains_uv at mains_hz with harmonics 2, 3, ... of
 * relative amplitudes mains_harmonics (those at or above fs/2 are left out),
 * with a per-channel factor in [0.5, 1.5]; ECG bleed, a P-QRS-T template
 * (energy below 40 Hz) of R amplitude ecg_uv at heart_rate_bpm with RR
 * intervals of CV hrv, a signed per-channel factor in [0.5, 1.5]; motion
 * artefacts (a sum of six sinusoids between 0.3 and 15 Hz, RMS motion_uv,
 * under a Hann window); electrode pops (a step of +-pop_uv x [0.5, 1.5]
 * decaying with a time constant drawn from pop_tau_s; the event lasts 5
 * time constants); clipping (a half-sine excursion of 1.5 range_uv that
 * drives the amplifier into its rails); a lost electrode (the channel reads
 * exactly 0). Every output value is clipped to [-range_uv, range_uv].
 *
 * Scheduling: the number of random events of each type is Poisson with mean
 * rate * hours; each is placed at a uniform onset at least 5 s from both
 * ends of the night, and tried again (up to 50 times, then dropped) when it
 * would overlap another event on one of its channels (2 s margin; a cramp
 * keeps its whole leg free: it wakes the sleeper). Explicit
 * `event` lines are placed first and as given. The event list is made at
 * create and does not depend on how the signal is then read.
 *
 * Determinism: random numbers come from GSL (gsl_rng_mt19937), one stream per
 * purpose (schedule, firing, noise, ECG) seeded from `seed`, and one more for
 * what the newer keys add (per-cramp ranges, precursors, stretching, PLM
 * jitter, left-out and weak movements, the AASM confusers, placed after the
 * other events), drawn from only when a scenario asks for them: a scenario
 * without them gives the same night as before they existed. The same scenario
 * gives the same samples, whatever the chunking of generate(), on a given
 * machine and libm. Samples are produced in internal blocks of B frames
 * (B = max(512, twice the longest MUAP half-length)), so memory is constant
 * over the night: an 8-hour night is never held whole.
 *
 * Threads: a cramp_synth is not synchronised (one per thread); the library
 * keeps no global state here. */
#ifndef CRAMP_SYNTH_H
#define CRAMP_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/status.h"
#include "cramp/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CRAMP_SYNTH_MAX_CHANNELS 16
#define CRAMP_SYNTH_MAX_EVENTS 256     /* explicit `event` lines in one scenario */
#define CRAMP_SYNTH_MAX_HARMONICS 8    /* mains harmonics 2 .. 9 */

/* What the simulator makes; each maps to one cramp_event_type. */
typedef enum cramp_synth_kind {
    CRAMP_SYNTH_CRAMP = 0,  /* cramp */
    CRAMP_SYNTH_LM,         /* plm (a single leg movement when given explicitly) */
    CRAMP_SYNTH_BURST,      /* burst */
    CRAMP_SYNTH_MOVEMENT,   /* movement */
    CRAMP_SYNTH_MOTION,     /* artefact: motion */
    CRAMP_SYNTH_POP,        /* artefact: electrode pop */
    CRAMP_SYNTH_CLIP,       /* artefact: clipping */
    CRAMP_SYNTH_LOST,       /* artefact: lost electrode (flat line) */
    CRAMP_SYNTH_HFT,        /* hft: hypnagogic foot tremor train */
    CRAMP_SYNTH_ALMA,       /* alma: alternating leg muscle activation train */
    CRAMP_SYNTH_FRAGMENTARY,/* fragmentary: an episode of fragmentary myoclonus */
    CRAMP_SYNTH_RMD,        /* movement: rhythmic movement disorder episode */
    CRAMP_SYNTH_REM_TONIC,  /* movement: REM-sleep tonic activity */
    CRAMP_SYNTH_STRETCH,    /* movement: stretching after a cramp */
    CRAMP_SYNTH_AWAKENING   /* movement: sustained contraction at an awakening */
} cramp_synth_kind;
#define CRAMP_SYNTH_KINDS 15

/* "cramp", "plm", "burst", "movement", "motion", "pop", "clip", "lost",
 * "hft", "alma", "fragmentary", "rmd", "rem_tonic", "stretch", "awakening". */
CRAMP_API const char *cramp_synth_kind_name(cramp_synth_kind k);
CRAMP_API cramp_event_type cramp_synth_kind_type(cramp_synth_kind k);

typedef struct cramp_range {
    double lo, hi;
} cramp_range;

/* Which leg movements the ground truth scores (scenario key plm_truth). */
typedef enum cramp_plm_truth {
    CRAMP_PLM_TRUTH_ALL = 0, /* "all": every drawn LM, every drawn series whole */
    CRAMP_PLM_TRUTH_AASM     /* "aasm": an AASM scorer's (amplitude, then the series rules) */
} cramp_plm_truth;

typedef struct cramp_scenario_channel {
    char label[17];             /* EDF label, <= 16 bytes; "" = the default layout's */
    cramp_muscle_kind muscle;
    int leg;                    /* 0 left, 1 right */
    int set;                    /* 1 when given by a `channel` line */
} cramp_scenario_channel;

typedef struct cramp_scenario_event {
    cramp_synth_kind kind;
    double onset_s, duration_s;
    uint32_t channels;          /* bit c: channel c (0-based) */
    double excitation_pct;      /* LM, burst, movement: plateau; < 0 = drawn */
    double amplitude_uv;        /* motion, pop, clip, movement motion; < 0 = scenario's */
    size_t units;               /* cramp: units active at once; 0 = cramp_units */
    int line;                   /* line of the scenario text, for messages */
} cramp_scenario_event;

/* A night. Every field is a key of the text format (same name); see
 * cramp_scenario_default() for the defaults and datasets/README.md for the
 * format. Units: seconds, Hz, microvolts, percent of maximal excitation. */
typedef struct cramp_scenario {
    char name[81];              /* EDF+ recording field */
    double duration_min;        /* length of the night, minutes */
    double fs;                  /* sampling rate, Hz */
    size_t channels;            /* 1 .. CRAMP_SYNTH_MAX_CHANNELS */
    uint64_t seed;
    int start[6];               /* year month day hour minute second (EDF start) */
    cramp_scenario_channel channel[CRAMP_SYNTH_MAX_CHANNELS];
    double attenuation[CRAMP_SYNTH_MAX_CHANNELS][CRAMP_SYNTH_MAX_CHANNELS];
                                /* [channel][muscle]; < 0 = from crosstalk */

    /* motor-unit pool and MUAPs */
    size_t units;
    double recruit_range, recruit_max_pct;
    double rate_min_hz, rate_gain, rate_peak_hz, rate_peak_drop_hz, isi_cv;
    double muap_size_range;
    cramp_range muap_width_ms;  /* lo: first recruited unit, hi: last */
    double mvc_rms_uv;
    double crosstalk, crosstalk_stretch;
    double fatigue_stretch, fatigue_tau_s, recovery_tau_s;

    /* interference */
    double noise_uv;
    double mains_hz, mains_uv;  /* mains_hz 0: no hum */
    double mains_harmonics[CRAMP_SYNTH_MAX_HARMONICS];
    size_t n_mains_harmonics;
    double ecg_uv, heart_rate_bpm, hrv;
    double range_uv;

    /* cramps. A field with a `_hi` twin is drawn per cramp, uniformly in
     * [field, field_hi] (cramp_units: log-uniform), when field_hi > field;
     * field_hi 0 (the default) or <= field: every cramp has the value field.
     * The text format writes such a key as one number or as `LO HI`. */
    double cramp_per_hour;
    cramp_range cramp_duration_s;
    size_t cramp_units, cramp_units_hi;
    double cramp_rate_hz, cramp_rate_hz_hi, cramp_rate_sd_hz;
    cramp_range cramp_rate_limits;
    double cramp_cv, cramp_cv_hi, cramp_cv_sd;
    double cramp_doublet_fraction, cramp_doublet_fraction_hi;
    cramp_range cramp_doublet_ms;
    double cramp_unit_life_s, cramp_unit_life_s_hi, cramp_unit_life_sd_s;
    double cramp_drive, cramp_drive_hi;
    uint32_t cramp_muscles;     /* bit k: cramp_muscle_kind k may cramp */
    /* relative frequency of cramps per muscle kind (cramp_muscle_kind order),
     * used when cramp_muscle_weighted: a cramp's kind is drawn by weight
     * among the kinds on the montage, then one of its channels; otherwise
     * every channel of a kind in cramp_muscles is equally likely */
    double cramp_muscle_weights[CRAMP_MUSCLE_KINDS];
    int cramp_muscle_weighted;
    cramp_range cramp_onset_s;  /* units start within this of the onset (per cramp) */
    cramp_range cramp_territory;/* fraction of the muscle's units the cramp draws from */
    cramp_range cramp_drift_per_min; /* territory drift, fraction of the muscle per minute */
    double cramp_precursor_probability;
    cramp_range cramp_precursor_s, cramp_precursor_pct;
    double stretch_probability, stretch_body_probability;
    cramp_range stretch_delay_s, stretch_duration_s, stretch_excitation_pct;

    /* periodic limb movements */
    double plm_series_per_hour;
    cramp_range plm_count, plm_interval_s, plm_duration_s, plm_excitation_pct;
    double plm_bilateral;
    double plm_jitter;          /* 0: intervals uniform in plm_interval_s; > 0: a period
                                 * per series from plm_interval_s, intervals with this CV */
    double plm_missing_fraction, plm_weak_fraction;
    cramp_range plm_weak_excitation_pct;
    cramp_plm_truth plm_truth;  /* which LMs the ground truth scores (default: all) */
    double plm_truth_uv;        /* CRAMP_PLM_TRUTH_AASM: an LM's own EMG reaches this RMS (8) */

    /* AASM / ICSD-3 confusers (datasets/README.md gives each range's source) */
    double hft_per_hour;
    cramp_range hft_count, hft_rate_hz, hft_burst_ms, hft_excitation_pct;
    double alma_per_hour;
    cramp_range alma_count, alma_rate_hz, alma_burst_ms, alma_excitation_pct;
    double fragmentary_per_hour;
    cramp_range fragmentary_duration_s, fragmentary_per_min, fragmentary_ms,
        fragmentary_excitation_pct;
    double rmd_per_hour;
    cramp_range rmd_count, rmd_rate_hz, rmd_duty, rmd_excitation_pct;
    double rmd_motion_uv;
    double rem_tonic_per_hour;
    cramp_range rem_tonic_duration_s, rem_tonic_excitation_pct;
    double awakening_per_hour;
    cramp_range awakening_duration_s, awakening_excitation_pct;

    /* isolated bursts, movements */
    double burst_per_hour;
    cramp_range burst_duration_s, burst_excitation_pct;
    double movement_per_hour;
    cramp_range movement_duration_s, movement_excitation_pct;
    double movement_motion_uv;

    /* artefacts */
    double motion_per_hour;
    cramp_range motion_duration_s;
    double motion_uv;
    double pop_per_hour, pop_uv;
    cramp_range pop_tau_s;
    double clip_per_hour;
    cramp_range clip_duration_s;
    double lost_per_hour;
    cramp_range lost_duration_s;

    size_t n_events;
    cramp_scenario_event events[CRAMP_SYNTH_MAX_EVENTS];
} cramp_scenario;

/* The built-in default night (datasets/default.scenario): 8 hours, 4
 * channels (L-GAS, L-TA, R-GAS, R-TA) at 2000 Hz, seed 1, and the rates and
 * levels documented there. Allocates nothing; thread-safe. */
CRAMP_API void cramp_scenario_default(cramp_scenario *sc);

/* Applies the lines of a scenario text on top of *sc (start from
 * cramp_scenario_default): one `key value...` per line, '#' starts a comment.
 * On failure returns CRAMP_EINVAL and err->message starts with "line N: "
 * and names the key, the value and what was expected; *sc may then be
 * partly changed. text is NUL-terminated. Allocates nothing; thread-safe. */
CRAMP_API cramp_status cramp_scenario_parse(cramp_scenario *sc, const char *text, cramp_error *err);

/* Reads a scenario file and applies it as above; messages start with
 * "PATH:N: ". Allocates and frees a buffer for the file. */
CRAMP_API cramp_status cramp_scenario_load(cramp_scenario *sc, const char *path, cramp_error *err);

/* Checks the values that depend on each other (channels against `channel`,
 * `attenuation` and `event` lines, ranges against fs and the night's
 * length). create() calls it. */
CRAMP_API cramp_status cramp_scenario_check(const cramp_scenario *sc, cramp_error *err);

/* Writes *sc as scenario text (every key, with a comment line each) into buf
 * (cap bytes, NUL-terminated, truncated if short) and returns the length the
 * whole text needs, like snprintf. Parsing the text gives back the same
 * scenario up to the 10 significant digits numbers are written with. */
CRAMP_API size_t cramp_scenario_format(const cramp_scenario *sc, char *buf, size_t cap);

/* ---- the simulator ------------------------------------------------------ */

typedef struct cramp_synth cramp_synth;

/* One ground-truth event. Strings are owned by the simulator. */
typedef struct cramp_synth_event {
    double onset_s, duration_s;  /* seconds from the first frame */
    cramp_event_type type;
    cramp_synth_kind kind;
    uint32_t channels;           /* bit c: channel c */
    const char *channel;         /* labels of those channels, comma-separated */
    int series;                  /* PLM: series number from 1; 0 otherwise */
    int index, count;            /* PLM: movement index in its series (from 1), series length */
    const char *detail;          /* e.g. "pop", "series 2, lm 3/17", "turn" */
} cramp_synth_event;

/* Makes the simulator: the motor-unit pools, the MUAP templates and the
 * whole night's event list (cramp_scenario_check first). Allocates about
 * (channels x (B + tail) floats + templates + units + events): independent
 * of the night's length except through the event list. *out is NULL on
 * failure (CRAMP_EINVAL with a message, or CRAMP_ENOMEM). */
CRAMP_API cramp_status cramp_synth_create(cramp_synth **out, const cramp_scenario *sc, cramp_error *err);

/* Fills out with up to max_frames interleaved frames (max_frames x channels
 * floats, microvolts) and returns how many; fewer only at the end of the
 * night, 0 after it. Any chunking gives the same samples. Allocates nothing,
 * never fails; 0 for NULL arguments. */
CRAMP_API size_t cramp_synth_generate(cramp_synth *s, float *out, size_t max_frames);

/* Back to the first frame: generate() then repeats the same samples. No
 * allocation. */
CRAMP_API void cramp_synth_reset(cramp_synth *s);

CRAMP_API size_t cramp_synth_channels(const cramp_synth *s);
CRAMP_API double cramp_synth_fs(const cramp_synth *s);
CRAMP_API uint64_t cramp_synth_total_frames(const cramp_synth *s);
CRAMP_API uint64_t cramp_synth_position(const cramp_synth *s);   /* frames generated so far */
/* The channel's label (owned by s); NULL for c out of range. */
CRAMP_API const char *cramp_synth_channel_label(const cramp_synth *s, size_t c);
/* The scenario the simulator was made from (owned by s). */
CRAMP_API const cramp_scenario *cramp_synth_scenario(const cramp_synth *s);

/* The ground truth, sorted by onset (owned by s, valid until destroy). */
CRAMP_API size_t cramp_synth_event_count(const cramp_synth *s);
CRAMP_API const cramp_synth_event *cramp_synth_events(const cramp_synth *s);
/* Random events that could not be placed without overlapping (dropped). */
CRAMP_API size_t cramp_synth_dropped_events(const cramp_synth *s);

/* Properties of motor unit `unit` of muscle `muscle` (both 0-based). */
typedef struct cramp_motor_unit_info {
    double threshold_pct;   /* recruitment threshold RT_i, % excitation */
    double peak_rate_hz;    /* PFR_i */
    double amplitude_uv;    /* template peak scale on its own channel */
    double width_ms;        /* Hermite-Rodriguez width w without fatigue */
} cramp_motor_unit_info;
CRAMP_API cramp_status cramp_synth_unit_info(const cramp_synth *s, size_t muscle, size_t unit,
                                   cramp_motor_unit_info *info);

/* The fatigue state F of a muscle at the current position (0..1). */
CRAMP_API double cramp_synth_fatigue(const cramp_synth *s, size_t muscle);

/* Discharge callback, for studies of the firing statistics: called from
 * generate() for every motor-unit discharge, in time order per unit (the
 * simulation runs up to a few milliseconds ahead of the frames returned).
 * flags: CRAMP_SPIKE_CRAMP for a cramp discharge, CRAMP_SPIKE_DOUBLET for
 * the second discharge of a doublet. NULL removes it. */
#define CRAMP_SPIKE_CRAMP 1u
#define CRAMP_SPIKE_DOUBLET 2u
typedef void (*cramp_synth_spike_fn)(void *user, size_t muscle, size_t unit, double time_s,
                                     unsigned flags);
CRAMP_API void cramp_synth_set_spike_callback(cramp_synth *s, cramp_synth_spike_fn fn, void *user);

/* NULL is a no-op. */
CRAMP_API void cramp_synth_destroy(cramp_synth *s);

#ifdef __cplusplus
}
#endif

#endif
