/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A generated test signal for checking an install without any recording:
 * per channel, seeded white noise (a low baseline with EMG-like bursts whose
 * amplitude rises and falls over 0.5-3 s, 2-8 s apart), plus mains hum and a
 * DC offset. Arbitrary units (think millivolts). The same seed, rate and
 * channel count give the same samples however the signal is split into
 * blocks. Memory is constant. */
#ifndef CRAMP_TOOLS_SYNTHETIC_H
#define CRAMP_TOOLS_SYNTHETIC_H

#include <stddef.h>
#include <stdint.h>

#define CLI_SYNTH_DC 0.2           /* DC offset added to every channel */
#define CLI_SYNTH_HUM_AMPLITUDE 0.05
#define CLI_SYNTH_HUM_HZ 50.0
#define CLI_SYNTH_BASELINE_SD 0.005
#define CLI_SYNTH_BURST_SD 0.3     /* noise s.d. at the peak of a burst */

typedef struct cli_synth cli_synth;

/* NULL when out of memory. fs > 0, channels >= 1. */
cli_synth *cli_synth_create(double fs, size_t channels, uint64_t seed);
/* Writes the next `frames` interleaved frames. */
void cli_synth_fill(cli_synth *s, float *out, size_t frames);
void cli_synth_destroy(cli_synth *s);

#endif
