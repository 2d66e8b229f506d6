/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between the simulator's source files (not installed). */
#ifndef CRAMP_SYNTH_INTERNAL_H
#define CRAMP_SYNTH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "cramp/synth.h"

#if defined(__GNUC__)
#define CRAMP_SYNTH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CRAMP_SYNTH_PRINTF(a, b)
/* plm_truth aasm: rebuilds the drawn PLM series from their scored LMs (those
 * not `unscored`; onsets truth_t0 where truth_mask is set) with the AASM's
 * series rules: a run of >= 4 LMs whose onsets are <= 90 s apart is a series
 * (series, index, count renumbered in time order); the scored LMs of a
 * shorter run become `lone`; unscored LMs leave their series. Events sorted
 * by t0, as synth_schedule gives them. */
cramp_status synth_score_series(synth_ev *ev, size_t n);

#endif

/* Channel c of the default layout of n channels (label, muscle kind, leg). */
void synth_default_channel(size_t n, size_t c, cramp_scenario_channel *out);

/* "ta", "gas", ... */
const char *synth_muscle_name(cramp_muscle_kind k);

/* Ready-to-use description of a channel (its label, muscle, leg). */
typedef struct synth_channel {
    char label[17];
    cramp_muscle_kind muscle;
    int leg;
} synth_channel;

/* One scheduled event. Times in seconds. For voluntary kinds (LM, burst,
 * movement) each involved muscle m has its own window [m_t0[m], m_t1[m])
 * inside [t0, t1] and plateau excitation level[m] (%). */
typedef struct synth_ev {
    cramp_synth_kind kind;
    double t0, t1;                 /* ground truth */
    uint32_t mask;                 /* channels / muscles involved */
    uint32_t block;                /* channels kept free of other events (0: mask) */
    double m_t0[CRAMP_SYNTH_MAX_CHANNELS], m_t1[CRAMP_SYNTH_MAX_CHANNELS];
    double level[CRAMP_SYNTH_MAX_CHANNELS]; /* excitation %, or a per-channel artefact factor */
    double rise, fall;             /* trapezoid ramps, s */
    double mod_hz, mod_phase, mod_depth; /* slow modulation of a movement's excitation */
    double amp;                    /* motion RMS (uV) / pop step (signed uV) / clip sign */
    double tau;                    /* pop decay, s */
    double sf[6], sa[6], sp[6];    /* motion sinusoids: Hz, amplitude (RMS 1 in all), phase */
    size_t units;                  /* cramp: units at once */
    int series, index, count;      /* PLM */
    int explicit_ev;               /* from an `event` line */
    int turn;                      /* movement of both legs */
    int bilateral;                 /* LM on both legs */
    int weak;                      /* LM at plm_weak_excitation_pct */

    /* plm_truth aasm (synth_lm_scores in synth.c, synth_score_series): */
    double lm_uv;                  /* LM, burst: the RMS of its own EMG on its strongest
                                    * channel at its plateau, uV (plm_truth aasm only) */
    uint32_t truth_mask;           /* the channels its row lists (0: mask) */
    double truth_t0, truth_t1;     /* its row's interval when truth_mask is set */
    int unscored;                  /* under plm_truth_uv: no truth row */
    int lone;                      /* a scored LM in no series: a `burst` row */

    /* cramp, drawn per event (the scenario's values unless it gives ranges) */
    double c_rate, c_cv, c_dbl, c_life, c_drive, c_onset;
    double c_terr, c_centre, c_drift;  /* territory width, centre (0..1), drift per s */
    double c_precursor;            /* precursor length, s (0: none) */
    double c_first;                /* first discharge of its units, s (the truth's onset; t0
                                    * when none fires); t1 = c_first + the drawn duration,
                                    * and c_onset <= half of it (synth_schedule.c) */
    int c_detail;                  /* the truth's detail lists the drawn values */

    /* trains (hft, alma, rmd, fragmentary): burst k of n_burst, see synth_burst() */
    size_t n_burst;
    double period, bdur;           /* s; fragmentary: cell length, and bdur unused */
    double bd_lo, bd_hi;           /* fragmentary: potential length range, s */
    uint32_t ch_a, ch_b;           /* alma: even bursts on ch_a, odd on ch_b */
    uint64_t key;                  /* hash key of the per-burst draws; cramp: of its slots'
                                    * start and stop (synth_cramp_slot) */
} synth_ev;

/* An internal kind: the precursor of a cramp (excitation rising linearly to
 * the start of the cramp's onset window t0, then held through the window, so
 * that no rest lies between it and the cramp's first discharge). It makes no
 * row of the ground truth: the cramp's detail gives its rise's length. */
#define SYNTH_PRECURSOR ((cramp_synth_kind)CRAMP_SYNTH_KINDS)

/* A uniform number in [0, 1) that depends only on (key, k). */
double synth_hash01(uint64_t key, uint64_t k);

/* The splitmix64 finaliser: a 64-bit hash of x. */
uint64_t synth_splitmix(uint64_t x);

/* Slot k of a cramp: its first unit's start, within the onset window
 * [t0, t0 + c_onset), and where the slot stops, within CRAMP_OFFSET_S of the
 * end t1 (s). Drawn from the cramp's key, not at rendering, so that the
 * schedule (and the truth) know the first discharge. The slot fires iff
 * start < stop. */
void synth_cramp_slot(const synth_ev *ev, size_t k, double *start, double *stop);

/* Burst k (0 <= k < e->n_burst) of a train: start (s), length (s) and the
 * channels it is on. Pure: the same for every call. */
void synth_burst(const synth_ev *e, size_t k, double *start, double *len, uint32_t *mask);

/* Draws the night's events (explicit ones first, then the random ones) with
 * the schedule generator r; what the scenario's newer keys add (per-event
 * ranges, precursors, stretching, the AASM confusers) is drawn from rv, so
 * that a scenario without them gives the same night as before they existed.
 * *evs is malloc'd and sorted by t0. */
cramp_status synth_schedule(const cramp_scenario *sc, const synth_channel *ch, gsl_rng *r,
                            gsl_rng *rv, uint64_t pos_key, synth_ev **evs, size_t *n,
                            size_t *dropped, cramp_error *err);

/* plm_truth aasm: rebuilds the drawn PLM series from their scored LMs (those
 * not `unscored`; onsets truth_t0 where truth_mask is set) with the AASM's
 * series rules: a run of >= 4 LMs whose onsets are <= 90 s apart is a series
 * (series, index, count renumbered in time order); the scored LMs of a
 * shorter run become `lone`; unscored LMs leave their series. Events sorted
 * by t0, as synth_schedule gives them. */
cramp_status synth_score_series(synth_ev *ev, size_t n);

#endif
