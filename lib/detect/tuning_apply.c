/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A tuning's choices into the night driver's options (cramp/tuning.h); in
 * the detect layer because the options are the night driver's. */
#include "cramp/tuning.h"

int cramp_tuning_apply(const cramp_tuning *t, cramp_night_options *opt)
{
    if (!t || !opt) return 0;
    int n = 0;
    if (t->block_frames) {
        opt->block_frames = t->block_frames;
        n++;
    }
    /* A path this build or CPU cannot run would make the detector refuse
     * the night: keep AUTO then (speed only, never the results). */
    if (t->simd != CRAMP_SIMD_AUTO && cramp_simd_available(t->simd)) {
        opt->detect.simd = t->simd;
        n++;
    }
    if ((unsigned)t->fft_effort <= (unsigned)CRAMP_FFT_EXHAUSTIVE) {
        opt->detect.fft_effort = t->fft_effort;
        opt->detect.fft_wisdom = t->fft_wisdom[0] ? t->fft_wisdom : NULL;
        if (t->fft_effort != CRAMP_FFT_ESTIMATE || t->fft_wisdom[0]) n++;
    }
    /* Channels per part matter only with worker threads; any width gives
     * the same bits (cramp/night.h). */
    if (t->part_channels) {
        opt->part_channels = t->part_channels;
        n++;
    }
    return n;
}
