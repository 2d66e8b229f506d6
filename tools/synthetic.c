/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Generated test signal; see synthetic.h. */
#include "synthetic.h"

#include <math.h>
#include <stdlib.h>

typedef struct synth_channel {
    uint64_t rng;
    double hum_phase;  /* cycles, [0, 1) */
    int64_t gap_left;  /* frames until the next burst starts */
    int64_t burst_len; /* frames of the current burst, 0 when none */
    int64_t burst_pos;
} synth_channel;

struct cli_synth {
    double fs;
    size_t channels;
    uint64_t frame; /* frames generated so far */
    synth_channel *ch;
};

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* (0, 1]: never 0, so log() below is finite. */
static double uniform(uint64_t *s) { return ((double)(splitmix64(s) >> 11) + 1.0) * 0x1.0p-53; }

static double normal(uint64_t *s)
{
    /* Box-Muller, one value per pair of uniforms: simple and exact enough. */
    double u1 = uniform(s), u2 = uniform(s);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static int64_t frames_between(uint64_t *s, double fs, double lo_s, double hi_s)
{
    double t = lo_s + (hi_s - lo_s) * uniform(s);
    int64_t n = (int64_t)llround(t * fs);
    return n > 0 ? n : 1;
}

cli_synth *cli_synth_create(double fs, size_t channels, uint64_t seed)
{
    cli_synth *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ch = calloc(channels, sizeof *s->ch);
    if (!s->ch) {
        free(s);
        return NULL;
    }
    s->fs = fs;
    s->channels = channels;
    for (size_t c = 0; c < channels; c++) {
        synth_channel *k = &s->ch[c];
        k->rng = seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(c + 1));
        k->hum_phase = uniform(&k->rng);
        k->gap_left = frames_between(&k->rng, fs, 0.5, 4.0);
    }
    return s;
}

void cli_synth_fill(cli_synth *s, float *out, size_t frames)
{
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < frames; i++) {
        /* Hum phase from the frame count, so it does not drift over hours. */
        double cycles = fmod((double)(s->frame + i) * CLI_SYNTH_HUM_HZ / s->fs, 1.0);
        for (size_t c = 0; c < s->channels; c++) {
            synth_channel *k = &s->ch[c];
            double burst = 0.0;
            if (k->burst_len > 0) {
                /* Hann-shaped rise and fall over the burst. */
                double x = (double)k->burst_pos / (double)k->burst_len;
                burst = CLI_SYNTH_BURST_SD * 0.5 * (1.0 - cos(two_pi * x));
                if (++k->burst_pos >= k->burst_len) {
                    k->burst_len = 0;
                    k->gap_left = frames_between(&k->rng, s->fs, 2.0, 8.0);
                }
            } else if (--k->gap_left <= 0) {
                k->burst_len = frames_between(&k->rng, s->fs, 0.5, 3.0);
                k->burst_pos = 0;
            }
            double sd = sqrt(CLI_SYNTH_BASELINE_SD * CLI_SYNTH_BASELINE_SD + burst * burst);
            double v = CLI_SYNTH_DC + sd * normal(&k->rng) +
                       CLI_SYNTH_HUM_AMPLITUDE * sin(two_pi * (cycles + k->hum_phase));
            out[i * s->channels + c] = (float)v;
        }
    }
    s->frame += frames;
}

void cli_synth_destroy(cli_synth *s)
{
    if (!s) return;
    free(s->ch);
    free(s);
}
