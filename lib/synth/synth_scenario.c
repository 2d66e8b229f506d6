/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scenario of a simulated night: defaults, the plain-text format
 * (parse and format, driven by one table of keys) and the checks.
 *
 * Over 800 lines on purpose: parsing, formatting and the checks all walk the
 * one static table of keys below, so that a key is added in one row; split,
 * the table and its types would have to move into a header. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "cramp/synth.h"
#include "synth/synth_internal.h"

static const char *const kind_names[CRAMP_SYNTH_KINDS] = {
    "cramp", "plm", "burst",       "movement", "motion",    "pop",     "clip",     "lost",
    "hft",   "alma", "fragmentary", "rmd",      "rem_tonic", "stretch", "awakening"};

const char *cramp_synth_kind_name(cramp_synth_kind k)
{
    return (unsigned)k < CRAMP_SYNTH_KINDS ? kind_names[k] : "unknown";
}

cramp_event_type cramp_synth_kind_type(cramp_synth_kind k)
{
    switch (k) {
    case CRAMP_SYNTH_CRAMP: return CRAMP_EVENT_CRAMP;
    case CRAMP_SYNTH_LM: return CRAMP_EVENT_PLM;
    case CRAMP_SYNTH_BURST: return CRAMP_EVENT_BURST;
    case CRAMP_SYNTH_MOVEMENT:
    case CRAMP_SYNTH_RMD:
    case CRAMP_SYNTH_REM_TONIC:
    case CRAMP_SYNTH_STRETCH:
    case CRAMP_SYNTH_AWAKENING: return CRAMP_EVENT_MOVEMENT;
    case CRAMP_SYNTH_HFT: return CRAMP_EVENT_HFT;
    case CRAMP_SYNTH_ALMA: return CRAMP_EVENT_ALMA;
    case CRAMP_SYNTH_FRAGMENTARY: return CRAMP_EVENT_FRAGMENTARY;
    default: return CRAMP_EVENT_ARTEFACT;
    }
}

const char *synth_muscle_name(cramp_muscle_kind k)
{
    return cramp_muscle_kind_name(k);
}

/* Default layout: the first ceil(n/2) channels on the left leg, the rest on
 * the right; on each leg gastrocnemius, tibialis anterior, soleus, abductor
 * hallucis (foot), vastus lateralis (thigh), then generic channels. */
void synth_default_channel(size_t n, size_t c, cramp_scenario_channel *out)
{
    static const cramp_muscle_kind order[] = {CRAMP_MUSCLE_GAS, CRAMP_MUSCLE_TA, CRAMP_MUSCLE_SOL,
                                              CRAMP_MUSCLE_FOOT, CRAMP_MUSCLE_THIGH};
    static const char *const abbrev[] = {"GAS", "TA", "SOL", "AH", "VL"};
    const size_t left = (n + 1) / 2;
    const int leg = c < left ? 0 : 1;
    const size_t k = leg ? c - left : c;
    memset(out, 0, sizeof *out);
    out->leg = leg;
    if (k < sizeof order / sizeof order[0]) {
        out->muscle = order[k];
        snprintf(out->label, sizeof out->label, "%c-%s", leg ? 'R' : 'L', abbrev[k]);
    } else {
        out->muscle = CRAMP_MUSCLE_OTHER;
        snprintf(out->label, sizeof out->label, "%c-EMG%zu", leg ? 'R' : 'L', k + 1);
    }
}

void cramp_scenario_default(cramp_scenario *sc)
{
    if (!sc) return;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "cramp synthetic night");
    sc->duration_min = 480;
    sc->fs = 2000;
    sc->channels = 4;
    sc->seed = 1;
    const int start[6] = {2024, 1, 1, 23, 0, 0};
    memcpy(sc->start, start, sizeof start);
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
        for (size_t m = 0; m < CRAMP_SYNTH_MAX_CHANNELS; m++) sc->attenuation[c][m] = -1;

    sc->units = 150;
    sc->recruit_range = 30;
    sc->recruit_max_pct = 60;
    sc->rate_min_hz = 8;
    sc->rate_gain = 1;
    sc->rate_peak_hz = 35;
    sc->rate_peak_drop_hz = 10;
    sc->isi_cv = 0.15;
    sc->muap_size_range = 30;
    sc->muap_width_ms = (cramp_range){3.1, 1.9};
    sc->mvc_rms_uv = 300;
    sc->crosstalk = 0.1;
    sc->crosstalk_stretch = 1.5;
    sc->fatigue_stretch = 1.5;
    sc->fatigue_tau_s = 120;
    sc->recovery_tau_s = 300;

    sc->noise_uv = 1.5;
    sc->mains_hz = 50;
    sc->mains_uv = 3;
    sc->n_mains_harmonics = 4;
    sc->mains_harmonics[0] = 0;
    sc->mains_harmonics[1] = 0.3;
    sc->mains_harmonics[2] = 0;
    sc->mains_harmonics[3] = 0.1;
    sc->ecg_uv = 8;
    sc->heart_rate_bpm = 60;
    sc->hrv = 0.05;
    sc->range_uv = 5000;

    sc->cramp_per_hour = 0.25;
    sc->cramp_duration_s = (cramp_range){5, 600};
    sc->cramp_units = 30;
    sc->cramp_rate_hz = 14.5;
    sc->cramp_rate_sd_hz = 5.1;
    sc->cramp_rate_limits = (cramp_range){6, 25};
    sc->cramp_cv = 0.446;
    sc->cramp_cv_sd = 0.097;
    sc->cramp_doublet_fraction = 0.041;
    sc->cramp_doublet_ms = (cramp_range){3, 10};
    sc->cramp_unit_life_s = 23.6;
    sc->cramp_unit_life_sd_s = 16.2;
    sc->cramp_drive = 0.5;
    sc->cramp_muscles = (1u << CRAMP_MUSCLE_GAS) | (1u << CRAMP_MUSCLE_SOL) |
                        (1u << CRAMP_MUSCLE_FOOT);

    sc->plm_series_per_hour = 0.5;
    sc->plm_count = (cramp_range){4, 30};
    sc->plm_interval_s = (cramp_range){15, 40};
    sc->plm_duration_s = (cramp_range){0.5, 5};
    sc->plm_excitation_pct = (cramp_range){10, 40};
    sc->plm_bilateral = 0.3;

    sc->burst_per_hour = 4;
    sc->burst_duration_s = (cramp_range){0.5, 3};
    sc->burst_excitation_pct = (cramp_range){5, 30};
    sc->movement_per_hour = 2;
    sc->movement_duration_s = (cramp_range){3, 45};
    sc->movement_excitation_pct = (cramp_range){10, 50};
    sc->movement_motion_uv = 100;

    sc->motion_per_hour = 2;
    sc->motion_duration_s = (cramp_range){0.5, 5};
    sc->motion_uv = 100;
    sc->pop_per_hour = 1;
    sc->pop_uv = 500;
    sc->pop_tau_s = (cramp_range){0.05, 0.5};
    sc->clip_per_hour = 0.2;
    sc->clip_duration_s = (cramp_range){0.5, 3};
    sc->lost_per_hour = 0.05;
    sc->lost_duration_s = (cramp_range){30, 600};

    /* Off or equal to the fixed model above unless a scenario asks. */
    sc->cramp_onset_s = (cramp_range){0.25, 0.25};
    sc->cramp_territory = (cramp_range){1, 1};
    sc->cramp_drift_per_min = (cramp_range){0, 0};
    sc->cramp_precursor_probability = 0;
    sc->cramp_precursor_s = (cramp_range){30, 52};
    sc->cramp_precursor_pct = (cramp_range){2, 8};
    sc->stretch_probability = 0;
    sc->stretch_body_probability = 0.5;
    sc->stretch_delay_s = (cramp_range){0.5, 5};
    sc->stretch_duration_s = (cramp_range){3, 20};
    sc->stretch_excitation_pct = (cramp_range){20, 60};

    sc->plm_jitter = 0;
    sc->plm_missing_fraction = 0;
    sc->plm_weak_fraction = 0;
    sc->plm_weak_excitation_pct = (cramp_range){1, 4};
    sc->plm_truth = CRAMP_PLM_TRUTH_ALL;
    sc->plm_truth_uv = 8;

    sc->hft_per_hour = 0;
    sc->hft_count = (cramp_range){4, 20};
    sc->hft_rate_hz = (cramp_range){0.3, 4};
    sc->hft_burst_ms = (cramp_range){250, 1000};
    sc->hft_excitation_pct = (cramp_range){5, 30};
    sc->alma_per_hour = 0;
    sc->alma_count = (cramp_range){4, 20};
    sc->alma_rate_hz = (cramp_range){0.5, 3};
    sc->alma_burst_ms = (cramp_range){100, 500};
    sc->alma_excitation_pct = (cramp_range){5, 30};
    sc->fragmentary_per_hour = 0;
    sc->fragmentary_duration_s = (cramp_range){1200, 2400};
    sc->fragmentary_per_min = (cramp_range){5, 30};
    sc->fragmentary_ms = (cramp_range){20, 150};
    sc->fragmentary_excitation_pct = (cramp_range){3, 10};
    sc->rmd_per_hour = 0;
    sc->rmd_count = (cramp_range){4, 100};
    sc->rmd_rate_hz = (cramp_range){0.5, 2};
    sc->rmd_duty = (cramp_range){0.3, 0.6};
    sc->rmd_excitation_pct = (cramp_range){10, 50};
    sc->rmd_motion_uv = 100;
    sc->rem_tonic_per_hour = 0;
    sc->rem_tonic_duration_s = (cramp_range){10, 120};
    sc->rem_tonic_excitation_pct = (cramp_range){1, 5};
    sc->awakening_per_hour = 0;
    sc->awakening_duration_s = (cramp_range){2, 20};
    sc->awakening_excitation_pct = (cramp_range){20, 60};
}

/* ---- the table of keys -------------------------------------------------- */

/* K_DRAW / K_SIZE_DRAW: a number, or `LO HI` drawn per event; the upper end
 * lives at hi_off (0 there: a single value). */
typedef enum key_type {
    K_DOUBLE, K_RANGE, K_SIZE, K_U64, K_NAME, K_START, K_HARM, K_KINDS, K_WEIGHTS, K_DRAW,
    K_SIZE_DRAW, K_PLM_TRUTH
} key_type;

static const char *const plm_truth_names[] = {"all", "aasm"};
#define N_PLM_TRUTH (sizeof plm_truth_names / sizeof plm_truth_names[0])

typedef struct key {
    const char *name;
    key_type type;
    size_t off;
    double min, max;
    const char *doc;
    size_t hi_off;
} key;

#define OFF(f) offsetof(cramp_scenario, f)
#define BIG 1e9

static const key keys[] = {
    {"name", K_NAME, OFF(name), 0, 0, "EDF+ recording field (rest of the line, <= 80 bytes)", 0},
    {"duration_min", K_DOUBLE, OFF(duration_min), 0.05, 60 * 48, "length of the night, minutes", 0},
    {"fs", K_DOUBLE, OFF(fs), 100, 20000, "sampling rate, Hz", 0},
    {"channels", K_SIZE, OFF(channels), 1, CRAMP_SYNTH_MAX_CHANNELS,
     "number of channels, one muscle under each (see `channel`)", 0},
    {"seed", K_U64, OFF(seed), 0, 0, "random seed (GSL mt19937 streams); same seed, same night", 0},
    {"start", K_START, OFF(start), 0, 0, "EDF start date and time: YYYY-MM-DD HH:MM:SS", 0},

    {"units", K_SIZE, OFF(units), 10, 2000, "motor units per muscle", 0},
    {"recruit_range", K_DOUBLE, OFF(recruit_range), 1.01, 1000,
     "largest / smallest recruitment threshold (exponential spread)", 0},
    {"recruit_max_pct", K_DOUBLE, OFF(recruit_max_pct), 1, 100,
     "excitation (% of maximum) at which the last unit is recruited", 0},
    {"rate_min_hz", K_DOUBLE, OFF(rate_min_hz), 1, 50, "firing rate at recruitment, Hz", 0},
    {"rate_gain", K_DOUBLE, OFF(rate_gain), 0.01, 20, "firing rate gain, Hz per % excitation", 0},
    {"rate_peak_hz", K_DOUBLE, OFF(rate_peak_hz), 1, 100, "peak firing rate of the first unit, Hz", 0},
    {"rate_peak_drop_hz", K_DOUBLE, OFF(rate_peak_drop_hz), 0, 99,
     "peak rate of the last unit is this much lower, Hz", 0},
    {"isi_cv", K_DOUBLE, OFF(isi_cv), 0, 0.5,
     "voluntary interspike-interval coefficient of variation (Gaussian)", 0},
    {"muap_size_range", K_DOUBLE, OFF(muap_size_range), 1, 1000,
     "largest / smallest MUAP amplitude (exponential spread)", 0},
    {"muap_width_ms", K_RANGE, OFF(muap_width_ms), 0.2, 10,
     "Hermite-Rodriguez width of the first and the last recruited unit, ms", 0},
    {"mvc_rms_uv", K_DOUBLE, OFF(mvc_rms_uv), 0, 1e5,
     "RMS of a muscle's own channel at 100 % excitation, no fatigue, full band, uV", 0},
    {"crosstalk", K_DOUBLE, OFF(crosstalk), 0, 1,
     "gain from a muscle to the other channels of its leg (0 across legs)", 0},
    {"crosstalk_stretch", K_DOUBLE, OFF(crosstalk_stretch), 1, 4,
     "MUAP width factor seen through another channel (volume-conductor low-pass)", 0},
    {"fatigue_stretch", K_DOUBLE, OFF(fatigue_stretch), 1, 4, "MUAP width factor at full fatigue", 0},
    {"fatigue_tau_s", K_DOUBLE, OFF(fatigue_tau_s), 0.1, BIG, "fatigue time constant at full drive, s", 0},
    {"recovery_tau_s", K_DOUBLE, OFF(recovery_tau_s), 0.1, BIG, "recovery time constant at rest, s", 0},

    {"noise_uv", K_DOUBLE, OFF(noise_uv), 0, 1e5, "RMS of the white noise floor, uV", 0},
    {"mains_hz", K_DOUBLE, OFF(mains_hz), 0, 1000, "mains frequency, Hz (0: no hum)", 0},
    {"mains_uv", K_DOUBLE, OFF(mains_uv), 0, 1e5, "mains amplitude (fundamental, peak), uV", 0},
    {"mains_harmonics", K_HARM, OFF(mains_harmonics), 0, 10,
     "relative amplitudes of harmonics 2, 3, ... (up to 8 values; '-' for none)", 0},
    {"ecg_uv", K_DOUBLE, OFF(ecg_uv), 0, 1e5, "ECG bleed, R-wave amplitude, uV", 0},
    {"heart_rate_bpm", K_DOUBLE, OFF(heart_rate_bpm), 20, 200, "heart rate, beats per minute", 0},
    {"hrv", K_DOUBLE, OFF(hrv), 0, 0.3, "RR-interval coefficient of variation", 0},
    {"range_uv", K_DOUBLE, OFF(range_uv), 1, 1e6, "amplifier range: values clip at +-range_uv", 0},

    {"cramp_per_hour", K_DOUBLE, OFF(cramp_per_hour), 0, 100, "cramps per hour (Poisson)", 0},
    {"cramp_duration_s", K_RANGE, OFF(cramp_duration_s), 0.5, 3600,
     "cramp duration range, s (log-uniform)", 0},
    {"cramp_units", K_SIZE_DRAW, OFF(cramp_units), 1, 2000,
     "motor units firing at once in a cramp; LO HI: log-uniform per cramp (about 6 to the whole "
     "pool, a full interference pattern)",
     OFF(cramp_units_hi)},
    {"cramp_rate_hz", K_DRAW, OFF(cramp_rate_hz), 1, 100,
     "mean cramp discharge rate, Hz (Minetto 2009: 14.5); LO HI: per cramp (8-35 reported)",
     OFF(cramp_rate_hz_hi)},
    {"cramp_rate_sd_hz", K_DOUBLE, OFF(cramp_rate_sd_hz), 0, 50, "SD of cramp discharge rates, Hz", 0},
    {"cramp_rate_limits", K_RANGE, OFF(cramp_rate_limits), 0.5, 200,
     "cramp discharge rates are kept in this range, Hz", 0},
    {"cramp_cv", K_DRAW, OFF(cramp_cv), 0, 2,
     "mean interspike CV in a cramp (log-normal ISIs; Minetto 2009: 0.446 +- 0.097); LO HI: per "
     "cramp",
     OFF(cramp_cv_hi)},
    {"cramp_cv_sd", K_DOUBLE, OFF(cramp_cv_sd), 0, 1, "SD of the interspike CV across units", 0},
    {"cramp_doublet_fraction", K_DRAW, OFF(cramp_doublet_fraction), 0, 1,
     "fraction of cramp discharges followed by a doublet (Minetto 2009: 0.041); LO HI: per cramp",
     OFF(cramp_doublet_fraction_hi)},
    {"cramp_doublet_ms", K_RANGE, OFF(cramp_doublet_ms), 1, 50, "doublet interval range, ms", 0},
    {"cramp_unit_life_s", K_DRAW, OFF(cramp_unit_life_s), 0.5, BIG,
     "mean time a unit stays active in a cramp, s (gamma; Minetto 2009: 23.6 +- 16.2); LO HI: "
     "per cramp",
     OFF(cramp_unit_life_s_hi)},
    {"cramp_unit_life_sd_s", K_DOUBLE, OFF(cramp_unit_life_sd_s), 0, BIG, "its SD, s", 0},
    {"cramp_drive", K_DRAW, OFF(cramp_drive), 0, 1,
     "fatigue drive of a cramp (0..1); LO HI: per cramp", OFF(cramp_drive_hi)},
    {"cramp_muscles", K_KINDS, OFF(cramp_muscles), 0, 0,
     "muscle kinds that may cramp (ta gas sol foot thigh other)", 0},
    {"cramp_muscle_weights", K_WEIGHTS, OFF(cramp_muscle_weights), 0, 1000,
     "relative frequency of cramps per muscle kind, six numbers in the order ta gas sol foot "
     "thigh other (replaces cramp_muscles: the kinds above 0 may cramp; a cramp's kind is "
     "drawn by weight among those on the montage, then one of its channels); '-': every "
     "channel of a kind in cramp_muscles equally likely. The later of the two lines wins", 0},
    {"cramp_onset_s", K_RANGE, OFF(cramp_onset_s), 0.01, 600,
     "the cramp's units start within this time of its onset, s, per cramp (0.25: abrupt; "
     "tens of s: gradual)", 0},
    {"cramp_territory", K_RANGE, OFF(cramp_territory), 0.02, 1,
     "fraction of the muscle (units at random positions) a cramp draws its units from, per "
     "cramp (Roeleveld 2000: confined to part of the muscle; 1: anywhere)", 0},
    {"cramp_drift_per_min", K_RANGE, OFF(cramp_drift_per_min), 0, 10,
     "drift of a confined cramp's territory across the muscle, fraction per minute, per cramp "
     "(Roeleveld 2000)", 0},
    {"cramp_precursor_probability", K_DOUBLE, OFF(cramp_precursor_probability), 0, 1,
     "probability of rising calf activity before a cramp (pilot n = 6: 41 +- 11 s)", 0},
    {"cramp_precursor_s", K_RANGE, OFF(cramp_precursor_s), 1, 600,
     "precursor length, s (pilot: 41 +- 11)", 0},
    {"cramp_precursor_pct", K_RANGE, OFF(cramp_precursor_pct), 0, 100,
     "precursor excitation reached at the cramp's onset, % (a linear rise from 0)", 0},
    {"stretch_probability", K_DOUBLE, OFF(stretch_probability), 0, 1,
     "probability that the sleeper stretches after a cramp (the same leg's tibialis anterior)", 0},
    {"stretch_body_probability", K_DOUBLE, OFF(stretch_body_probability), 0, 1,
     "probability that a stretch comes with a whole-body movement (all channels, motion)", 0},
    {"stretch_delay_s", K_RANGE, OFF(stretch_delay_s), 0, 600,
     "from the cramp's end to the stretch, s", 0},
    {"stretch_duration_s", K_RANGE, OFF(stretch_duration_s), 0.5, 600, "stretch duration, s", 0},
    {"stretch_excitation_pct", K_RANGE, OFF(stretch_excitation_pct), 0, 100,
     "tibialis anterior excitation while stretching, %", 0},

    {"plm_series_per_hour", K_DOUBLE, OFF(plm_series_per_hour), 0, 100,
     "periodic limb movement series per hour", 0},
    {"plm_count", K_RANGE, OFF(plm_count), 1, 10000, "movements per series (AASM: >= 4)", 0},
    {"plm_interval_s", K_RANGE, OFF(plm_interval_s), 0.5, 3600,
     "onset-to-onset interval, s (WASM 2016: 10-90)", 0},
    {"plm_duration_s", K_RANGE, OFF(plm_duration_s), 0.1, 600,
     "duration of one movement, s (AASM: 0.5-10)", 0},
    {"plm_excitation_pct", K_RANGE, OFF(plm_excitation_pct), 0, 100,
     "excitation of a movement, % of maximum", 0},
    {"plm_bilateral", K_DOUBLE, OFF(plm_bilateral), 0, 1,
     "probability that the other leg joins a movement", 0},
    {"plm_jitter", K_DOUBLE, OFF(plm_jitter), 0, 1,
     "0: every interval uniform in plm_interval_s; > 0: one period per series from "
     "plm_interval_s, each interval with this coefficient of variation", 0},
    {"plm_missing_fraction", K_DOUBLE, OFF(plm_missing_fraction), 0, 0.9,
     "fraction of a series' inner movements left out (the interval doubles)", 0},
    {"plm_weak_fraction", K_DOUBLE, OFF(plm_weak_fraction), 0, 1,
     "fraction of movements at plm_weak_excitation_pct instead (still scored)", 0},
    {"plm_weak_excitation_pct", K_RANGE, OFF(plm_weak_excitation_pct), 0, 100,
     "excitation of a weak movement, %", 0},
    {"plm_truth", K_PLM_TRUTH, OFF(plm_truth), 0, 0,
     "which leg movements the truth scores: all (every drawn LM, every drawn series whole) "
     "or aasm (an AASM scorer: an LM whose own EMG reaches plm_truth_uv RMS, series rebuilt "
     "from those, >= 4 LMs <= 90 s apart)", 0},
    {"plm_truth_uv", K_DOUBLE, OFF(plm_truth_uv), 0, 1000,
     "plm_truth aasm: the RMS an LM's own EMG reaches at its plateau, uV (AASM: an 8 uV "
     "increase above resting EMG)", 0},

    {"burst_per_hour", K_DOUBLE, OFF(burst_per_hour), 0, 1000, "isolated arousal bursts per hour", 0},
    {"burst_duration_s", K_RANGE, OFF(burst_duration_s), 0.05, 600, "burst duration, s", 0},
    {"burst_excitation_pct", K_RANGE, OFF(burst_excitation_pct), 0, 100, "burst excitation, %", 0},
    {"movement_per_hour", K_DOUBLE, OFF(movement_per_hour), 0, 1000,
     "voluntary movements / turning over per hour", 0},
    {"movement_duration_s", K_RANGE, OFF(movement_duration_s), 0.1, 3600,
     "movement duration, s (IRLSSG: 3-45)", 0},
    {"movement_excitation_pct", K_RANGE, OFF(movement_excitation_pct), 0, 100,
     "movement excitation per muscle, %", 0},
    {"movement_motion_uv", K_DOUBLE, OFF(movement_motion_uv), 0, 1e5,
     "motion artefact during a movement, RMS uV", 0},

    {"motion_per_hour", K_DOUBLE, OFF(motion_per_hour), 0, 1000, "motion artefacts per hour", 0},
    {"motion_duration_s", K_RANGE, OFF(motion_duration_s), 0.05, 3600, "motion artefact duration, s", 0},
    {"motion_uv", K_DOUBLE, OFF(motion_uv), 0, 1e5, "motion artefact RMS, uV (energy < 20 Hz)", 0},
    {"pop_per_hour", K_DOUBLE, OFF(pop_per_hour), 0, 1000, "electrode pops per hour", 0},
    {"pop_uv", K_DOUBLE, OFF(pop_uv), 0, 1e6, "electrode pop step, uV (times 0.5-1.5, either sign)", 0},
    {"pop_tau_s", K_RANGE, OFF(pop_tau_s), 0.001, 100, "electrode pop decay time constant, s", 0},
    {"clip_per_hour", K_DOUBLE, OFF(clip_per_hour), 0, 1000, "clipping episodes per hour", 0},
    {"clip_duration_s", K_RANGE, OFF(clip_duration_s), 0.05, 3600, "clipping episode duration, s", 0},
    {"lost_per_hour", K_DOUBLE, OFF(lost_per_hour), 0, 1000, "lost electrodes (flat line) per hour", 0},
    {"lost_duration_s", K_RANGE, OFF(lost_duration_s), 0.05, 86400, "lost electrode duration, s", 0},

    {"hft_per_hour", K_DOUBLE, OFF(hft_per_hour), 0, 1000,
     "hypnagogic foot tremor trains per hour (one leg's tibialis anterior)", 0},
    {"hft_count", K_RANGE, OFF(hft_count), 1, 10000, "bursts per train (AASM: >= 4)", 0},
    {"hft_rate_hz", K_RANGE, OFF(hft_rate_hz), 0.05, 20,
     "burst rate, Hz (AASM: 0.3-4; kept <= 0.8 / burst length)", 0},
    {"hft_burst_ms", K_RANGE, OFF(hft_burst_ms), 10, 10000, "burst length, ms (AASM: 250-1000)", 0},
    {"hft_excitation_pct", K_RANGE, OFF(hft_excitation_pct), 0, 100, "burst excitation, %", 0},
    {"alma_per_hour", K_DOUBLE, OFF(alma_per_hour), 0, 1000,
     "alternating leg muscle activation trains per hour (tibialis anterior of each leg)", 0},
    {"alma_count", K_RANGE, OFF(alma_count), 1, 10000, "bursts per train (AASM: >= 4)", 0},
    {"alma_rate_hz", K_RANGE, OFF(alma_rate_hz), 0.05, 20,
     "burst rate, Hz, bursts alternating between the legs (AASM: 0.5-3)", 0},
    {"alma_burst_ms", K_RANGE, OFF(alma_burst_ms), 10, 10000, "burst length, ms (AASM: 100-500)", 0},
    {"alma_excitation_pct", K_RANGE, OFF(alma_excitation_pct), 0, 100, "burst excitation, %", 0},
    {"fragmentary_per_hour", K_DOUBLE, OFF(fragmentary_per_hour), 0, 100,
     "episodes of fragmentary myoclonus per hour", 0},
    {"fragmentary_duration_s", K_RANGE, OFF(fragmentary_duration_s), 1, 86400,
     "episode length, s (AASM excessive: >= 20 min of NREM sleep)", 0},
    {"fragmentary_per_min", K_RANGE, OFF(fragmentary_per_min), 0.5, 600,
     "potentials per minute (AASM excessive: >= 5)", 0},
    {"fragmentary_ms", K_RANGE, OFF(fragmentary_ms), 2, 1000,
     "potential length, ms (AASM: usually < 150)", 0},
    {"fragmentary_excitation_pct", K_RANGE, OFF(fragmentary_excitation_pct), 0, 100,
     "excitation of a potential, % (a few units)", 0},
    {"rmd_per_hour", K_DOUBLE, OFF(rmd_per_hour), 0, 1000,
     "rhythmic movement disorder episodes per hour (every channel, with motion)", 0},
    {"rmd_count", K_RANGE, OFF(rmd_count), 1, 100000, "movements per episode (AASM: >= 4)", 0},
    {"rmd_rate_hz", K_RANGE, OFF(rmd_rate_hz), 0.05, 20, "movement rate, Hz (AASM: 0.5-2)", 0},
    {"rmd_duty", K_RANGE, OFF(rmd_duty), 0.05, 0.9, "burst length / period", 0},
    {"rmd_excitation_pct", K_RANGE, OFF(rmd_excitation_pct), 0, 100, "burst excitation, %", 0},
    {"rmd_motion_uv", K_DOUBLE, OFF(rmd_motion_uv), 0, 1e5, "motion artefact RMS, uV", 0},
    {"rem_tonic_per_hour", K_DOUBLE, OFF(rem_tonic_per_hour), 0, 1000,
     "REM-sleep tonic activity episodes per hour (one leg or both)", 0},
    {"rem_tonic_duration_s", K_RANGE, OFF(rem_tonic_duration_s), 0.5, 86400, "episode length, s", 0},
    {"rem_tonic_excitation_pct", K_RANGE, OFF(rem_tonic_excitation_pct), 0, 100,
     "sustained low-level excitation, %", 0},
    {"awakening_per_hour", K_DOUBLE, OFF(awakening_per_hour), 0, 1000,
     "sustained contractions at awakenings per hour (one leg or both)", 0},
    {"awakening_duration_s", K_RANGE, OFF(awakening_duration_s), 0.5, 3600, "length, s", 0},
    {"awakening_excitation_pct", K_RANGE, OFF(awakening_excitation_pct), 0, 100,
     "steady excitation, %", 0},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* ---- parsing ------------------------------------------------------------- */

#define MAX_TOKENS 24
#define MAX_LINE 1024

static cramp_status fail(cramp_error *err, int line, const char *fmt, ...) CRAMP_SYNTH_PRINTF(3, 4);
static cramp_status fail(cramp_error *err, int line, const char *fmt, ...)
{
    if (err) {
        err->status = CRAMP_EINVAL;
        int n = snprintf(err->message, sizeof err->message, "line %d: ", line);
        if (n < 0) n = 0;
        va_list ap;
        va_start(ap, fmt);
        if ((size_t)n < sizeof err->message)
            vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return CRAMP_EINVAL;
}

static int parse_num(const char *s, double *out)
{
    if (!s || !*s) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+') return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno == ERANGE) return -1;
    *out = (uint64_t)v;
    return 0;
}

/* A whole number in [min, max]. */
static int parse_int_in(const char *s, long min, long max, long *out)
{
    if (!s || !*s) return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || errno == ERANGE || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int parse_muscle(const char *s, cramp_muscle_kind *out)
{
    for (int k = 0; k < CRAMP_MUSCLE_KINDS; k++)
        if (strcmp(s, cramp_muscle_kind_name((cramp_muscle_kind)k)) == 0) {
            *out = (cramp_muscle_kind)k;
            return 0;
        }
    return -1;
}

/* "1,3,4" (1-based) into a bit mask. */
static int parse_channels(const char *s, uint32_t *mask)
{
    uint32_t m = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 1 || v > CRAMP_SYNTH_MAX_CHANNELS) return -1;
        m |= 1u << (v - 1);
        p = end;
        if (*p == ',') {
            p++;
            if (!*p) return -1;
        } else if (*p) {
            return -1;
        }
    }
    if (!m) return -1;
    *mask = m;
    return 0;
}

static cramp_status apply_key(cramp_scenario *sc, const key *k, char **tok, int nt,
                              const char *rest, int line, cramp_error *err)
{
    char *base = (char *)sc + k->off;
    switch (k->type) {
    case K_DOUBLE: {
        double v;
        if (nt != 2 || parse_num(tok[1], &v) || v < k->min || v > k->max)
            return fail(err, line, "'%s' wants one number in [%g, %g], not '%s'", k->name, k->min,
                        k->max, nt >= 2 ? rest : "");
        *(double *)(void *)base = v;
        return CRAMP_OK;
    }
    case K_RANGE: {
        double lo, hi;
        if (nt != 3 || parse_num(tok[1], &lo) || parse_num(tok[2], &hi) || lo < k->min ||
            hi > k->max || lo > k->max || hi < k->min)
            return fail(err, line, "'%s' wants two numbers LO HI in [%g, %g], not '%s'", k->name,
                        k->min, k->max, nt >= 2 ? rest : "");
        /* muap_width_ms runs from the first to the last unit, in either order. */
        if (lo > hi && strcmp(k->name, "muap_width_ms") != 0)
            return fail(err, line, "'%s': LO %g is above HI %g", k->name, lo, hi);
        ((cramp_range *)(void *)base)->lo = lo;
        ((cramp_range *)(void *)base)->hi = hi;
        return CRAMP_OK;
    }
    case K_DRAW: {
        double lo, hi = 0;
        if ((nt != 2 && nt != 3) || parse_num(tok[1], &lo) || lo < k->min || lo > k->max ||
            (nt == 3 && (parse_num(tok[2], &hi) || hi < lo || hi > k->max)))
            return fail(err, line, "'%s' wants a number or LO HI in [%g, %g], not '%s'", k->name,
                        k->min, k->max, nt >= 2 ? rest : "");
        *(double *)(void *)base = lo;
        *(double *)(void *)((char *)sc + k->hi_off) = hi > lo ? hi : 0;
        return CRAMP_OK;
    }
    case K_SIZE_DRAW: {
        long lo, hi = 0;
        if ((nt != 2 && nt != 3) || parse_int_in(tok[1], (long)k->min, (long)k->max, &lo) ||
            (nt == 3 && parse_int_in(tok[2], lo, (long)k->max, &hi)))
            return fail(err, line, "'%s' wants a whole number or LO HI in [%g, %g], not '%s'",
                        k->name, k->min, k->max, nt >= 2 ? rest : "");
        *(size_t *)(void *)base = (size_t)lo;
        *(size_t *)(void *)((char *)sc + k->hi_off) = hi > lo ? (size_t)hi : 0;
        return CRAMP_OK;
    }
    case K_SIZE: {
        long v;
        if (nt != 2 || parse_int_in(tok[1], (long)k->min, (long)k->max, &v))
            return fail(err, line, "'%s' wants a whole number in [%g, %g], not '%s'", k->name,
                        k->min, k->max, nt >= 2 ? rest : "");
        *(size_t *)(void *)base = (size_t)v;
        return CRAMP_OK;
    }
    case K_U64: {
        uint64_t v;
        if (nt != 2 || parse_u64(tok[1], &v))
            return fail(err, line, "'%s' wants a whole number >= 0, not '%s'", k->name,
                        nt >= 2 ? rest : "");
        *(uint64_t *)(void *)base = v;
        return CRAMP_OK;
    }
    case K_NAME: {
        size_t n = strlen(rest);
        if (n > 80) return fail(err, line, "'name' is %zu bytes long; at most 80 fit", n);
        memcpy(sc->name, rest, n + 1);
        return CRAMP_OK;
    }
    case K_START: {
        int v[6];
        char extra;
        if (nt != 3 ||
            sscanf(tok[1], "%d-%d-%d%c", &v[0], &v[1], &v[2], &extra) != 3 ||
            sscanf(tok[2], "%d:%d:%d%c", &v[3], &v[4], &v[5], &extra) != 3 || v[0] < 1985 ||
            v[0] > 2084 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] < 0 ||
            v[3] > 23 || v[4] < 0 || v[4] > 59 || v[5] < 0 || v[5] > 59)
            return fail(err, line,
                        "'start' wants YYYY-MM-DD HH:MM:SS (years 1985-2084, as EDF), not '%s'",
                        nt >= 2 ? rest : "");
        memcpy(sc->start, v, sizeof v);
        return CRAMP_OK;
    }
    case K_HARM: {
        if (nt == 2 && strcmp(tok[1], "-") == 0) {
            sc->n_mains_harmonics = 0;
            return CRAMP_OK;
        }
        if (nt < 2 || nt - 1 > CRAMP_SYNTH_MAX_HARMONICS)
            return fail(err, line, "'mains_harmonics' wants 1 to %d numbers (or '-'), not '%s'",
                        CRAMP_SYNTH_MAX_HARMONICS, nt >= 2 ? rest : "");
        double h[CRAMP_SYNTH_MAX_HARMONICS];
        for (int i = 1; i < nt; i++)
            if (parse_num(tok[i], &h[i - 1]) || h[i - 1] < k->min || h[i - 1] > k->max)
                return fail(err, line, "'mains_harmonics': '%s' is not a number in [%g, %g]",
                            tok[i], k->min, k->max);
        memcpy(sc->mains_harmonics, h, (size_t)(nt - 1) * sizeof h[0]);
        sc->n_mains_harmonics = (size_t)(nt - 1);
        return CRAMP_OK;
    }
    case K_KINDS: {
        uint32_t m = 0;
        if (nt == 2 && strcmp(tok[1], "-") == 0) {
            sc->cramp_muscles = 0;
            return CRAMP_OK;
        }
        if (nt < 2) return fail(err, line, "'cramp_muscles' wants muscle kinds (or '-')");
        for (int i = 1; i < nt; i++) {
            cramp_muscle_kind mk;
            if (parse_muscle(tok[i], &mk))
                return fail(err, line,
                            "'cramp_muscles': '%s' is not a muscle kind (ta gas sol foot thigh "
                            "other)",
                            tok[i]);
            m |= 1u << mk;
        }
        sc->cramp_muscles = m;
        sc->cramp_muscle_weighted = 0;
        return CRAMP_OK;
    }
    case K_PLM_TRUTH:
        for (size_t i = 0; nt == 2 && i < N_PLM_TRUTH; i++)
            if (strcmp(tok[1], plm_truth_names[i]) == 0) {
                *(cramp_plm_truth *)(void *)base = (cramp_plm_truth)i;
                return CRAMP_OK;
            }
        return fail(err, line, "'%s' wants all or aasm, not '%s'", k->name, nt >= 2 ? rest : "");
    case K_WEIGHTS: {
        double w[CRAMP_MUSCLE_KINDS];
        uint32_t m = 0;
        if (nt == 2 && strcmp(tok[1], "-") == 0) {
            sc->cramp_muscle_weighted = 0;
            return CRAMP_OK;
        }
        if (nt != CRAMP_MUSCLE_KINDS + 1)
            return fail(err, line,
                        "'%s' wants %d numbers in [%g, %g] (ta gas sol foot thigh other) or "
                        "'-', not '%s'",
                        k->name, CRAMP_MUSCLE_KINDS, k->min, k->max, nt >= 2 ? rest : "");
        for (int i = 0; i < CRAMP_MUSCLE_KINDS; i++) {
            if (parse_num(tok[i + 1], &w[i]) || w[i] < k->min || w[i] > k->max)
                return fail(err, line, "'%s': '%s' is not a number in [%g, %g]", k->name,
                            tok[i + 1], k->min, k->max);
            if (w[i] > 0) m |= 1u << i;
        }
        memcpy(sc->cramp_muscle_weights, w, sizeof w);
        sc->cramp_muscles = m;
        sc->cramp_muscle_weighted = 1;
        return CRAMP_OK;
    }
    }
    return fail(err, line, "internal: key type");
}

/* channel INDEX LABEL KIND LEG */
static cramp_status apply_channel(cramp_scenario *sc, char **tok, int nt, int line, cramp_error *err)
{
    long c;
    cramp_muscle_kind mk;
    if (nt != 5)
        return fail(err, line, "'channel' wants INDEX LABEL KIND LEG, e.g. 'channel 1 L-GAS gas left'");
    if (parse_int_in(tok[1], 1, CRAMP_SYNTH_MAX_CHANNELS, &c))
        return fail(err, line, "'channel': index '%s' is not in [1, %d]", tok[1],
                    CRAMP_SYNTH_MAX_CHANNELS);
    size_t n = strlen(tok[2]);
    if (n == 0 || n > 16) return fail(err, line, "'channel': label '%s' is not 1-16 bytes", tok[2]);
    for (size_t i = 0; i < n; i++)
        if (tok[2][i] == ',' || (unsigned char)tok[2][i] < 0x20)
            return fail(err, line, "'channel': label '%s' may not hold a comma", tok[2]);
    if (parse_muscle(tok[3], &mk))
        return fail(err, line, "'channel': '%s' is not a muscle kind (ta gas sol foot thigh other)",
                    tok[3]);
    int leg;
    if (!strcmp(tok[4], "left") || !strcmp(tok[4], "L"))
        leg = 0;
    else if (!strcmp(tok[4], "right") || !strcmp(tok[4], "R"))
        leg = 1;
    else
        return fail(err, line, "'channel': leg '%s' is not left or right", tok[4]);
    cramp_scenario_channel *ch = &sc->channel[c - 1];
    memcpy(ch->label, tok[2], n + 1);
    ch->muscle = mk;
    ch->leg = leg;
    ch->set = 1;
    return CRAMP_OK;
}

static cramp_status apply_attenuation(cramp_scenario *sc, char **tok, int nt, int line,
                                      cramp_error *err)
{
    long c, m;
    double g;
    if (nt != 4 || parse_int_in(tok[1], 1, CRAMP_SYNTH_MAX_CHANNELS, &c) ||
        parse_int_in(tok[2], 1, CRAMP_SYNTH_MAX_CHANNELS, &m) || parse_num(tok[3], &g) || g < 0 ||
        g > 10)
        return fail(err, line,
                    "'attenuation' wants CHANNEL MUSCLE GAIN (1-based indices, gain in [0, 10])");
    sc->attenuation[c - 1][m - 1] = g;
    return CRAMP_OK;
}

/* event KIND ONSET DURATION CHANNELS [excitation=PCT] [amplitude=UV] [units=N] */
static cramp_status apply_event(cramp_scenario *sc, char **tok, int nt, int line, cramp_error *err)
{
    if (nt < 5)
        return fail(err, line,
                    "'event' wants KIND ONSET_S DURATION_S CHANNELS [key=value...], e.g. "
                    "'event cramp 600 90 1'");
    if (sc->n_events >= CRAMP_SYNTH_MAX_EVENTS)
        return fail(err, line, "more than %d events", CRAMP_SYNTH_MAX_EVENTS);
    cramp_scenario_event ev;
    memset(&ev, 0, sizeof ev);
    ev.excitation_pct = -1;
    ev.amplitude_uv = -1;
    ev.line = line;
    int k = 0;
    while (k < CRAMP_SYNTH_KINDS && strcmp(tok[1], kind_names[k])) k++;
    if (k == CRAMP_SYNTH_KINDS)
        return fail(err, line,
                    "'event': '%s' is not a kind (cramp plm burst movement motion pop clip lost "
                    "hft alma fragmentary rmd rem_tonic stretch awakening)",
                    tok[1]);
    ev.kind = (cramp_synth_kind)k;
    if (parse_num(tok[2], &ev.onset_s) || ev.onset_s < 0)
        return fail(err, line, "'event': onset '%s' is not a number of seconds >= 0", tok[2]);
    if (parse_num(tok[3], &ev.duration_s) || ev.duration_s <= 0)
        return fail(err, line, "'event': duration '%s' is not a number of seconds > 0", tok[3]);
    if (parse_channels(tok[4], &ev.channels))
        return fail(err, line, "'event': channels '%s' are not 1-based indices like 1 or 1,3",
                    tok[4]);
    for (int i = 5; i < nt; i++) {
        char *eq = strchr(tok[i], '=');
        double v;
        if (!eq || parse_num(eq + 1, &v) || v < 0)
            return fail(err, line, "'event': '%s' is not key=value with a value >= 0", tok[i]);
        *eq = '\0';
        if (!strcmp(tok[i], "excitation") && v <= 100)
            ev.excitation_pct = v;
        else if (!strcmp(tok[i], "amplitude"))
            ev.amplitude_uv = v;
        else if (!strcmp(tok[i], "units") && v >= 1 && v == floor(v) && v <= 2000)
            ev.units = (size_t)v;
        else
            return fail(err, line,
                        "'event': '%s=%s' is not excitation=PCT (0-100), amplitude=UV or "
                        "units=N (1-2000)",
                        tok[i], eq + 1);
    }
    sc->events[sc->n_events++] = ev;
    return CRAMP_OK;
}

cramp_status cramp_scenario_parse(cramp_scenario *sc, const char *text, cramp_error *err)
{
    if (!sc || !text) return fail(err, 0, "NULL scenario or text");
    int line = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len >= MAX_LINE) return fail(err, line, "longer than %d bytes", MAX_LINE - 1);
        char buf[MAX_LINE];
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = eol ? eol + 1 : p + len;
        char *hash = strchr(buf, '#');
        if (hash) *hash = '\0';
        /* Trim, keep the text after the key for messages and `name`. */
        size_t n = strlen(buf);
        while (n && isspace((unsigned char)buf[n - 1])) buf[--n] = '\0';
        char *s = buf;
        while (isspace((unsigned char)*s)) s++;
        if (!*s) continue;
        char rest[MAX_LINE];
        {
            const char *r = s;
            while (*r && !isspace((unsigned char)*r)) r++;
            while (isspace((unsigned char)*r)) r++;
            snprintf(rest, sizeof rest, "%s", r);
        }
        char *tok[MAX_TOKENS] = {NULL};
        int nt = 0;
        /* Split on white space in place (strtok is not thread-safe). */
        for (char *t = s; *t;) {
            while (isspace((unsigned char)*t)) *t++ = '\0';
            if (!*t) break;
            if (nt == MAX_TOKENS) return fail(err, line, "more than %d words", MAX_TOKENS);
            tok[nt++] = t;
            while (*t && !isspace((unsigned char)*t)) t++;
        }
        cramp_status st;
        if (!strcmp(tok[0], "channel"))
            st = apply_channel(sc, tok, nt, line, err);
        else if (!strcmp(tok[0], "attenuation"))
            st = apply_attenuation(sc, tok, nt, line, err);
        else if (!strcmp(tok[0], "event"))
            st = apply_event(sc, tok, nt, line, err);
        else {
            const key *k = NULL;
            for (size_t i = 0; i < N_KEYS; i++)
                if (!strcmp(tok[0], keys[i].name)) k = &keys[i];
            if (!k)
                return fail(err, line, "unknown key '%s' (see 'cramp synth --help')", tok[0]);
            st = apply_key(sc, k, tok, nt, rest, line, err);
        }
        if (st != CRAMP_OK) return st;
    }
    return CRAMP_OK;
}

cramp_status cramp_scenario_load(cramp_scenario *sc, const char *path, cramp_error *err)
{
    if (!sc || !path) return fail(err, 0, "NULL scenario or path");
    char *buf;
    int open_errno;
    const cramp_status rd = cramp__read_text_file(path, (size_t)16 << 20, &buf, NULL, &open_errno);
    if (rd == CRAMP_ENOMEM) return rd;
    if (rd != CRAMP_OK) {
        const cramp_status st = rd == CRAMP_EIO ? CRAMP_EIO : CRAMP_EINVAL;
        if (err) {
            err->status = st;
            if (rd == CRAMP_ERANGE)
                snprintf(err->message, sizeof err->message,
                         "'%s' is larger than 16 MB: not a scenario", path);
            else if (rd == CRAMP_EFORMAT)
                snprintf(err->message, sizeof err->message,
                         "'%s' holds a NUL byte: not a scenario text", path);
            else if (open_errno)
                snprintf(err->message, sizeof err->message, "cannot read '%s': %s", path,
                         strerror(open_errno));
            else
                snprintf(err->message, sizeof err->message, "error reading '%s'", path);
        }
        return st;
    }
    cramp_error e;
    memset(&e, 0, sizeof e);
    const cramp_status st = cramp_scenario_parse(sc, buf, &e);
    if (st != CRAMP_OK && err) {
        err->status = st;
        /* "line N: msg" -> "PATH:N: msg" */
        const char *msg = e.message;
        int ln = 0;
        if (sscanf(msg, "line %d: ", &ln) == 1) {
            const char *colon = strchr(msg, ':');
            snprintf(err->message, sizeof err->message, "%.80s:%d:%.160s", path, ln,
                     colon ? colon + 1 : "");
        } else {
            snprintf(err->message, sizeof err->message, "%.80s: %.160s", path, msg);
        }
    }
    free(buf);
    return st;
}

/* ---- checks -------------------------------------------------------------- */

static cramp_status bad(cramp_error *err, const char *fmt, ...) CRAMP_SYNTH_PRINTF(2, 3);
static cramp_status bad(cramp_error *err, const char *fmt, ...)
{
    if (err) {
        err->status = CRAMP_EINVAL;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return CRAMP_EINVAL;
}

cramp_status cramp_scenario_check(const cramp_scenario *sc, cramp_error *err)
{
    if (!sc) return bad(err, "NULL scenario");
    /* The table's bounds again, for structs filled by hand. */
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &keys[i];
        const char *base = (const char *)sc + k->off;
        if (k->type == K_DOUBLE) {
            double v = *(const double *)(const void *)base;
            if (!(v >= k->min && v <= k->max))
                return bad(err, "'%s' is %g; it must be in [%g, %g]", k->name, v, k->min, k->max);
        } else if (k->type == K_RANGE) {
            const cramp_range *r = (const cramp_range *)(const void *)base;
            if (!(r->lo >= k->min && r->lo <= k->max && r->hi >= k->min && r->hi <= k->max))
                return bad(err, "'%s' is %g %g; both must be in [%g, %g]", k->name, r->lo, r->hi,
                           k->min, k->max);
            if (r->lo > r->hi && strcmp(k->name, "muap_width_ms") != 0)
                return bad(err, "'%s': LO %g is above HI %g", k->name, r->lo, r->hi);
        } else if (k->type == K_SIZE || k->type == K_SIZE_DRAW) {
            size_t v = *(const size_t *)(const void *)base;
            if ((double)v < k->min || (double)v > k->max)
                return bad(err, "'%s' is %zu; it must be in [%g, %g]", k->name, v, k->min, k->max);
            if (k->type == K_SIZE_DRAW) {
                size_t h = *(const size_t *)(const void *)((const char *)sc + k->hi_off);
                if (h > v && (double)h > k->max)
                    return bad(err, "'%s' upper end %zu is above %g", k->name, h, k->max);
            }
        } else if (k->type == K_PLM_TRUTH) {
            const unsigned v = (unsigned)*(const cramp_plm_truth *)(const void *)base;
            if (v >= N_PLM_TRUTH) return bad(err, "'%s' is %u; it must be all (0) or aasm (1)", k->name, v);
        } else if (k->type == K_DRAW) {
            double v = *(const double *)(const void *)base;
            double h = *(const double *)(const void *)((const char *)sc + k->hi_off);
            if (!(v >= k->min && v <= k->max))
                return bad(err, "'%s' is %g; it must be in [%g, %g]", k->name, v, k->min, k->max);
            if (!(h <= k->max) || isnan(h))
                return bad(err, "'%s' upper end %g is above %g", k->name, h, k->max);
        }
    }
    if (sc->n_mains_harmonics > CRAMP_SYNTH_MAX_HARMONICS)
        return bad(err, "more than %d mains harmonics", CRAMP_SYNTH_MAX_HARMONICS);
    for (size_t i = 0; i < sc->n_mains_harmonics; i++)
        if (!(sc->mains_harmonics[i] >= 0 && sc->mains_harmonics[i] <= 10))
            return bad(err, "mains harmonic %zu is %g; it must be in [0, 10]", i + 2,
                       sc->mains_harmonics[i]);
    if (sc->rate_peak_drop_hz >= sc->rate_peak_hz)
        return bad(err, "'rate_peak_drop_hz' (%g) must be below 'rate_peak_hz' (%g)",
                   sc->rate_peak_drop_hz, sc->rate_peak_hz);
    if (sc->rate_peak_hz - sc->rate_peak_drop_hz < sc->rate_min_hz)
        return bad(err, "the last unit's peak rate (%g - %g Hz) is below 'rate_min_hz' (%g)",
                   sc->rate_peak_hz, sc->rate_peak_drop_hz, sc->rate_min_hz);
    if (sc->cramp_units > sc->units)
        return bad(err, "'cramp_units' (%zu) is more than 'units' (%zu)", sc->cramp_units,
                   sc->units);
    if (sc->cramp_units_hi > sc->units)
        return bad(err, "'cramp_units' upper end (%zu) is more than 'units' (%zu)",
                   sc->cramp_units_hi, sc->units);
    const struct {
        const char *name;
        cramp_range r;
    } counts[] = {{"plm_count", sc->plm_count}, {"hft_count", sc->hft_count},
                  {"alma_count", sc->alma_count}, {"rmd_count", sc->rmd_count}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].r.lo != floor(counts[i].r.lo) || counts[i].r.hi != floor(counts[i].r.hi))
            return bad(err, "'%s' wants whole numbers, not %g %g", counts[i].name, counts[i].r.lo,
                       counts[i].r.hi);
    if (sc->mains_hz > 0 && sc->mains_hz >= sc->fs / 2)
        return bad(err, "'mains_hz' %g Hz is not below the Nyquist frequency (%g Hz)", sc->mains_hz,
                   sc->fs / 2);
    if (sc->ecg_uv > 0 && sc->fs < 100)
        return bad(err, "ECG bleed wants fs >= 100 Hz");
    const double total_s = sc->duration_min * 60.0;
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) {
        if (sc->channel[c].set && c >= sc->channels)
            return bad(err, "a 'channel' line names channel %zu, but 'channels' is %zu", c + 1,
                       sc->channels);
        for (size_t m = 0; m < CRAMP_SYNTH_MAX_CHANNELS; m++)
            if (sc->attenuation[c][m] >= 0 && (c >= sc->channels || m >= sc->channels))
                return bad(err, "an 'attenuation' line names channel %zu and muscle %zu, but "
                                "'channels' is %zu",
                           c + 1, m + 1, sc->channels);
    }
    /* Labels must be distinct (they name channels in the ground truth). */
    for (size_t a = 0; a < sc->channels; a++) {
        cramp_scenario_channel ca, cb;
        if (sc->channel[a].set) ca = sc->channel[a]; else synth_default_channel(sc->channels, a, &ca);
        for (size_t b = a + 1; b < sc->channels; b++) {
            if (sc->channel[b].set) cb = sc->channel[b]; else synth_default_channel(sc->channels, b, &cb);
            if (!strcmp(ca.label, cb.label))
                return bad(err, "channels %zu and %zu are both labelled '%s'", a + 1, b + 1,
                           ca.label);
        }
    }
    for (size_t i = 0; i < sc->n_events; i++) {
        const cramp_scenario_event *e = &sc->events[i];
        if ((unsigned)e->kind >= CRAMP_SYNTH_KINDS)
            return bad(err, "event %zu: unknown kind %d", i + 1, (int)e->kind);
        if (!(e->onset_s >= 0) || !(e->duration_s > 0) || e->onset_s + e->duration_s > total_s)
            return bad(err, "line %d: the %s event at %g s lasting %g s does not fit in the "
                            "%g-minute night",
                       e->line, kind_names[e->kind], e->onset_s, e->duration_s, sc->duration_min);
        if (!e->channels || (sc->channels < 32 && (e->channels >> sc->channels) != 0))
            return bad(err, "line %d: the %s event names a channel above %zu", e->line,
                       kind_names[e->kind], sc->channels);
        if (e->units > sc->units)
            return bad(err, "line %d: units=%zu is more than 'units' (%zu)", e->line, e->units,
                       sc->units);
        if (e->kind == CRAMP_SYNTH_ALMA && !(e->channels & (e->channels - 1)))
            return bad(err, "line %d: alma alternates between two channels: give two",
                       e->line);
        if (e->kind == CRAMP_SYNTH_CRAMP && (e->channels & (e->channels - 1)))
            return bad(err, "line %d: a cramp is confined to one muscle: give one channel",
                       e->line);
    }
    return CRAMP_OK;
}

/* ---- formatting ---------------------------------------------------------- */

typedef struct sbuf {
    char *buf;
    size_t cap, len;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) CRAMP_SYNTH_PRINTF(2, 3);
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *dst = b->len < b->cap ? b->buf + b->len : NULL;
    size_t room = b->len < b->cap ? b->cap - b->len : 0;
    int n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n > 0) b->len += (size_t)n;
}

size_t cramp_scenario_format(const cramp_scenario *sc, char *buf, size_t cap)
{
    sbuf b = {buf, buf ? cap : 0, 0};
    if (b.cap) b.buf[0] = '\0';
    if (!sc) return 0;
    put(&b, "# cramp synth scenario (format: datasets/README.md). Units: seconds, Hz,\n"
            "# microvolts, percent of maximal excitation. Ranges are 'LO HI'.\n");
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &keys[i];
        const char *base = (const char *)sc + k->off;
        put(&b, "\n# %s\n%s", k->doc, k->name);
        switch (k->type) {
        case K_DOUBLE: put(&b, " %.10g\n", *(const double *)(const void *)base); break;
        case K_RANGE: {
            const cramp_range *r = (const cramp_range *)(const void *)base;
            put(&b, " %.10g %.10g\n", r->lo, r->hi);
            break;
        }
        case K_SIZE: put(&b, " %zu\n", *(const size_t *)(const void *)base); break;
        case K_DRAW: {
            const double lo = *(const double *)(const void *)base;
            const double hi = *(const double *)(const void *)((const char *)sc + k->hi_off);
            if (hi > lo) put(&b, " %.10g %.10g\n", lo, hi); else put(&b, " %.10g\n", lo);
            break;
        }
        case K_SIZE_DRAW: {
            const size_t lo = *(const size_t *)(const void *)base;
            const size_t hi = *(const size_t *)(const void *)((const char *)sc + k->hi_off);
            if (hi > lo) put(&b, " %zu %zu\n", lo, hi); else put(&b, " %zu\n", lo);
            break;
        }
        case K_U64: put(&b, " %llu\n", (unsigned long long)sc->seed); break;
        case K_NAME: put(&b, " %s\n", sc->name); break;
        case K_START:
            put(&b, " %04d-%02d-%02d %02d:%02d:%02d\n", sc->start[0], sc->start[1], sc->start[2],
                sc->start[3], sc->start[4], sc->start[5]);
            break;
        case K_HARM:
            if (!sc->n_mains_harmonics) put(&b, " -");
            for (size_t h = 0; h < sc->n_mains_harmonics && h < CRAMP_SYNTH_MAX_HARMONICS; h++)
                put(&b, " %.10g", sc->mains_harmonics[h]);
            put(&b, "\n");
            break;
        case K_KINDS:
            if (!sc->cramp_muscles) put(&b, " -");
            for (int m = 0; m < CRAMP_MUSCLE_KINDS; m++)
                if (sc->cramp_muscles & (1u << m)) put(&b, " %s", cramp_muscle_kind_name((cramp_muscle_kind)m));
            put(&b, "\n");
            break;
        case K_PLM_TRUTH: {
            const unsigned v = (unsigned)*(const cramp_plm_truth *)(const void *)base;
            put(&b, " %s\n", v < N_PLM_TRUTH ? plm_truth_names[v] : "?");
            break;
        }
        case K_WEIGHTS:
            if (!sc->cramp_muscle_weighted) put(&b, " -");
            for (int m = 0; m < CRAMP_MUSCLE_KINDS && sc->cramp_muscle_weighted; m++)
                put(&b, " %.10g", sc->cramp_muscle_weights[m]);
            put(&b, "\n");
            break;
        }
    }
    int any = 0;
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) {
        const cramp_scenario_channel *ch = &sc->channel[c];
        if (!ch->set) continue;
        if (!any)
            put(&b, "\n# channel INDEX LABEL KIND LEG: the muscle under a channel (default layout "
                    "otherwise)\n");
        any = 1;
        put(&b, "channel %zu %s %s %s\n", c + 1, ch->label, synth_muscle_name(ch->muscle),
            ch->leg ? "right" : "left");
    }
    any = 0;
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
        for (size_t m = 0; m < CRAMP_SYNTH_MAX_CHANNELS; m++) {
            if (!(sc->attenuation[c][m] >= 0)) continue;
            if (!any) put(&b, "\n# attenuation CHANNEL MUSCLE GAIN: volume-conductor gain\n");
            any = 1;
            put(&b, "attenuation %zu %zu %.10g\n", c + 1, m + 1, sc->attenuation[c][m]);
        }
    if (sc->n_events)
        put(&b, "\n# event KIND ONSET_S DURATION_S CHANNELS [excitation=PCT] [amplitude=UV] "
                "[units=N]\n");
    for (size_t i = 0; i < sc->n_events && i < CRAMP_SYNTH_MAX_EVENTS; i++) {
        const cramp_scenario_event *e = &sc->events[i];
        put(&b, "event %s %.10g %.10g ", cramp_synth_kind_name(e->kind), e->onset_s, e->duration_s);
        int first = 1;
        for (unsigned c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
            if (e->channels & (1u << c)) {
                put(&b, "%s%u", first ? "" : ",", c + 1);
                first = 0;
            }
        if (e->excitation_pct >= 0) put(&b, " excitation=%.10g", e->excitation_pct);
        if (e->amplitude_uv >= 0) put(&b, " amplitude=%.10g", e->amplitude_uv);
        if (e->units) put(&b, " units=%zu", e->units);
        put(&b, "\n");
    }
    return b.len;
}
