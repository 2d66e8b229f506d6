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
} synth_ev;

/* Draws the night's events (explicit ones first, then the random ones) with
 * the schedule generator r; *evs is malloc'd and sorted by t0. */
cramp_status synth_schedule(const cramp_scenario *sc, const synth_channel *ch, gsl_rng *r,
                            synth_ev **evs, size_t *n, size_t *dropped, cramp_error *err);

#endif
