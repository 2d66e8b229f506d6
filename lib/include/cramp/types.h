/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the shared vocabulary of the detector, the simulator and the
 * scorer: event classes and muscle kinds, with their names. The bottom public
 * header: it includes nothing of cramp's but the export macro, so detect,
 * synth and score depend on it and not on each other.
 *
 * Typical use:
 *     for (int t = 0; t < CRAMP_EVENT_TYPES; t++)
 *         printf("%s\n", cramp_event_type_name((cramp_event_type)t));
 *
 * Threads: every function here is pure and thread-safe; none allocates. */
#ifndef CRAMP_TYPES_H
#define CRAMP_TYPES_H

#include "cramp/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Ground-truth classes, also the BIDS trial_type strings. */
typedef enum cramp_event_type {
    CRAMP_EVENT_CRAMP = 0,
    CRAMP_EVENT_PLM,       /* one leg movement of a periodic series */
    CRAMP_EVENT_BURST,     /* an isolated arousal burst */
    CRAMP_EVENT_MOVEMENT,  /* voluntary movement, turning over */
    CRAMP_EVENT_ARTEFACT,  /* motion, electrode pop, clipping, lost electrode */
    /* The AASM scoring manual's movements that are neither cramps nor PLMs;
     * leg movements inside them do not count towards PLM series. */
    CRAMP_EVENT_HFT,       /* hypnagogic foot tremor: a train of >= 4 EMG bursts of
                            * 250-1000 ms at 0.3-4 Hz (AASM) */
    CRAMP_EVENT_ALMA,      /* alternating leg muscle activation: >= 4 bursts of
                            * 100-500 ms alternating between the legs at 0.5-3 Hz (AASM) */
    CRAMP_EVENT_FRAGMENTARY /* excessive fragmentary myoclonus: potentials usually
                            * < 150 ms, >= 5 per minute over >= 20 min of NREM sleep
                            * (AASM); one event per episode, not per potential */
} cramp_event_type;
#define CRAMP_EVENT_TYPES 8

/* Rhythmic movement disorder, REM-sleep tonic activity, stretching after a
 * cramp and sustained contractions at awakenings have no class of their
 * own: the ground truth scores them as CRAMP_EVENT_MOVEMENT (the simulator's
 * kind tells them apart, cramp/synth.h). A class the detector never emits
 * scores as missed truth (cramp/score.h handles any class string). */

/* "cramp", "plm", "burst", "movement", "artefact", "hft", "alma",
 * "fragmentary"; "unknown" otherwise. */
CRAMP_API const char *cramp_event_type_name(cramp_event_type t);

/* The muscle under a channel. */
typedef enum cramp_muscle_kind {
    CRAMP_MUSCLE_TA = 0,   /* tibialis anterior ("ta") */
    CRAMP_MUSCLE_GAS,      /* gastrocnemius ("gas") */
    CRAMP_MUSCLE_SOL,      /* soleus ("sol") */
    CRAMP_MUSCLE_FOOT,     /* abductor hallucis, intrinsic foot ("foot") */
    CRAMP_MUSCLE_THIGH,    /* vastus lateralis, hamstrings ("thigh") */
    CRAMP_MUSCLE_OTHER     /* ("other") */
} cramp_muscle_kind;
#define CRAMP_MUSCLE_KINDS 6

/* "ta", "gas", "sol", "foot", "thigh", "other"; "other" for any value out
 * of range. */
CRAMP_API const char *cramp_muscle_kind_name(cramp_muscle_kind k);

#ifdef __cplusplus
}
#endif

#endif
