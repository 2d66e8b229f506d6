/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: where a detection run spends its time (`cramp detect --profile`).
 *
 * The night driver (cramp/night.h) and the detector (cramp/detect.h) time
 * their stages with the monotonic clock when asked (cramp_night_options.profile,
 * cramp_detector_set_profile) and carry the times in a cramp_profile; they
 * never print. Off (the default), a run reads no clock: the cost is one
 * predictable branch per chunk of frames and per 10-ms tick.
 *
 * Stages of the night driver, in pipeline order:
 *   read       src->read (decoding the recording into float frames), the
 *              first minute's read and the rewinds included
 *   filter     the band-pass + mains comb, the 0.5-Hz DC high-pass and the
 *              20-Hz motion low-pass over every frame (the first minute too),
 *              with the non-finite check of the input
 *   envelope   per-sample tick sums (energy, fourth power, peak, clipped and
 *              flat samples) and per tick the window sums and envelopes
 *   baseline   the resting levels (cramp_baseline_process), once per tick
 *   segment    per tick and channel: flat runs, the motion-band and EMG
 *              hysteresis, segment sums and the closing of segments, less
 *              the spectral time spent inside it
 *   spectral   MNF/MDF of segment windows (cramp_spectral_process)
 *   classify   merging the segments into episodes, the rules and the summary
 *   output     writing the events table (timed by the tool, not the library)
 * What a run spends outside them (creating detectors and FFTW plans, the
 * mains guess, allocation) is total_wall_s less their sum on one thread; on
 * several threads the stages are summed over the threads, so their sum can
 * pass total_wall_s where two threads ran stages at once (cramp detect
 * --profile prints that excess as a negative "overlap" row).
 *
 * Times are wall-clock seconds (CLOCK_MONOTONIC) summed over every call,
 * rate group and thread; on a loaded machine they include the time the thread waited for
 * a CPU, which cpu_s / total_wall_s (the run's CPU share) shows.
 *
 * Threads: a cramp_profile is plain data; the functions below are pure or act
 * on one detector, which is not synchronised (cramp/detect.h). */
#ifndef CRAMP_PROFILE_H
#define CRAMP_PROFILE_H

#include <stdint.h>

#include "cramp/detect.h"
#include "cramp/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_stage {
    CRAMP_STAGE_READ = 0,
    CRAMP_STAGE_FILTER,
    CRAMP_STAGE_ENVELOPE,
    CRAMP_STAGE_BASELINE,
    CRAMP_STAGE_SEGMENT,
    CRAMP_STAGE_SPECTRAL,
    CRAMP_STAGE_CLASSIFY,
    CRAMP_STAGE_OUTPUT,
    CRAMP_STAGES /* the number of stages */
} cramp_stage;

typedef struct cramp_profile {
    double wall_s[CRAMP_STAGES]; /* per stage, s (monotonic clock), summed over calls */
    double total_wall_s;         /* the whole run, s (night driver: entry to return) */
    double cpu_s;                /* the process's CPU time over the run, s (all threads) */
    uint64_t samples;            /* samples (frames x channels) of the night, the first
                                    minute counted once */
} cramp_profile;

/* "read", "filter", "envelope", "baseline", "segment", "spectral", "classify",
 * "output"; "?" for anything else. Static storage. */
CRAMP_API const char *cramp_stage_name(cramp_stage s);

/* Seconds of the monotonic clock since an arbitrary origin, and the calling
 * process's CPU seconds (all threads); for timing stages. Thread-safe. */
CRAMP_API double cramp_clock_s(void);
CRAMP_API double cramp_process_cpu_s(void);

/* Turns d's stage timers on (on != 0) or off; on clears the times gathered so
 * far. Off by default. */
CRAMP_API void cramp_detector_set_profile(cramp_detector *d, int on);

/* Adds d's stage times (filter, envelope, baseline, segment, spectral; s)
 * to acc->wall_s; the other fields are left alone. Nothing if d is NULL or
 * its timers were never on. */
CRAMP_API void cramp_detector_profile_add(const cramp_detector *d, cramp_profile *acc);

#ifdef __cplusplus
}
#endif

#endif
