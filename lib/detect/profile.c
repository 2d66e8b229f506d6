/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stage timers of a detection run (cramp/profile.h): the clocks and the
 * stage names. The timers themselves are in detector.c, segments.c and
 * night.c, each behind its profiling flag. */
#define _POSIX_C_SOURCE 200809L
#include "cramp/profile.h"

#include <time.h>

const char *cramp_stage_name(cramp_stage s)
{
    static const char *const names[CRAMP_STAGES] = {
        "read", "filter", "envelope", "baseline", "segment", "spectral", "classify", "output"};
    return (unsigned)s < CRAMP_STAGES ? names[s] : "?";
}

static double seconds(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cramp_clock_s(void) { return seconds(CLOCK_MONOTONIC); }

double cramp_process_cpu_s(void) { return seconds(CLOCK_PROCESS_CPUTIME_ID); }
