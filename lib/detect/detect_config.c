/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What is settled before the cramp detector runs: the default
 * configuration, what a channel's label says about its leg and muscle, and
 * the mains frequency guessed from a stretch of signal. */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "detect/detect_internal.h"

void cramp_detect_config_default(cramp_detect_config *c)
{
    memset(c, 0, sizeof *c);
    c->fs = 0;
    c->band_lo_hz = 20;
    c->band_hi_hz = 450;
    c->band_order = 2;
    c->mains_hz = 50;
    c->notch_q = 30;
    c->tick_s = 0.01;
    c->env_window_s = 0.1;
    cramp_baseline_config_default(&c->baseline);
    c->onset_uv = 8;
    c->onset_k = 2;
    c->offset_uv = 2;
    c->offset_k = 0.5;
    c->off_hold_s = 0.5;
    c->min_duration_s = 0.5;
    c->flat_min_s = 1;
    c->lf_onset_uv = 20;
    c->lf_onset_k = 3;
    c->lf_offset_uv = 5;
    c->lf_offset_k = 1;
    c->lf_hold_s = 0.25;
    c->lf_min_s = 0.1;
    c->spectral_window_s = 0.5;
    c->involve_fraction = 0.5;
    c->concurrent_fraction = 0.5;
    c->lf_ratio = 0.5;
    c->clip_fraction = 0.001;
    c->movement_min_s = 3;
    c->movement_max_s = 45;
    c->lm_min_s = 0.5;
    c->lm_max_s = 10;
    c->plm_min_count = 4;
    c->plm_min_interval_s = 10;
    c->plm_max_interval_s = 90;
    c->bilateral_s = 5;
    c->cramp_min_s = 5;
    c->sparse_block_s = 0.25;
    c->sparse_kurtosis = 0.2;
    c->sparse_min_hz = 200;
    c->sparse_min_blocks = 8;
    c->sparseness_rule = 0;
    c->tonic_min = 0.95;
    c->train_min_bursts = 4;
    c->train_min_hz = 0.3;
    c->train_max_hz = 4;
    c->train_burst_max_s = 1;
    c->train_max_cv = 0.3;
    c->stretch_window_s = 10;
    c->voluntary_rule = 0;
    c->simd = CRAMP_SIMD_AUTO;
}

/* ---- labels ------------------------------------------------------------- */

static int word_is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && strncmp(w, s, n) == 0;
}

static int word_starts(const char *w, size_t n, const char *s)
{
    size_t m = strlen(s);
    return n >= m && strncmp(w, s, m) == 0;
}

void cramp_detect_channel_from_label(const char *label, cramp_detect_channel *ch)
{
    ch->leg = -1;
    ch->muscle = -1;
    ch->phys_min = (double)NAN;
    ch->phys_max = (double)NAN;
    if (!label) return;
    char buf[96];
    size_t n = 0;
    for (const char *p = label; *p && n + 1 < sizeof buf; p++)
        buf[n++] = (char)tolower((unsigned char)*p);
    buf[n] = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && !isalnum((unsigned char)buf[i])) i++;
        size_t j = i;
        while (j < n && isalpha((unsigned char)buf[j])) j++;
        const char *w = buf + i;
        size_t len = j - i;
        if (len == 0) {
            while (j < n && isalnum((unsigned char)buf[j])) j++;
            i = j;
            continue;
        }
        if (word_is(w, len, "l") || word_is(w, len, "left") || word_is(w, len, "lt"))
            ch->leg = 0;
        else if (word_is(w, len, "r") || word_is(w, len, "right") || word_is(w, len, "rt"))
            ch->leg = 1;
        else if (word_starts(w, len, "gas") || word_is(w, len, "calf") || word_is(w, len, "gm") ||
                 word_is(w, len, "gl"))
            ch->muscle = CRAMP_MUSCLE_GAS;
        else if (word_is(w, len, "ta") || word_starts(w, len, "tib"))
            ch->muscle = CRAMP_MUSCLE_TA;
        else if (word_starts(w, len, "sol"))
            ch->muscle = CRAMP_MUSCLE_SOL;
        else if (word_is(w, len, "ah") || word_is(w, len, "foot") || word_starts(w, len, "hall"))
            ch->muscle = CRAMP_MUSCLE_FOOT;
        else if (word_is(w, len, "vl") || word_is(w, len, "thigh") || word_starts(w, len, "quad") ||
                 word_starts(w, len, "ham"))
            ch->muscle = CRAMP_MUSCLE_THIGH;
        i = j;
    }
}

/* ---- mains -------------------------------------------------------------- */

static double goertzel(const float *x, size_t frames, size_t C, size_t c, double f, double fs)
{
    const double w = 2 * 3.14159265358979323846 * f / fs, k = 2 * cos(w);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < frames; i++) {
        double s0 = (double)x[i * C + c] + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - k * s1 * s2;
}

double cramp_detect_mains_guess(const float *in, size_t frames, size_t C, double fs)
{
    if (!in || frames < 16 || C == 0 || !(fs > 130)) return 0;
    double p50 = 0, p60 = 0;
    for (size_t c = 0; c < C; c++) {
        p50 += goertzel(in, frames, C, c, 50, fs);
        p60 += goertzel(in, frames, C, c, 60, fs);
        if (fs > 2 * 185) {
            p50 += goertzel(in, frames, C, c, 150, fs);
            p60 += goertzel(in, frames, C, c, 180, fs);
        }
    }
    if (p60 > 2 * p50) return 60;
    if (p50 > 2 * p60) return 50;
    return 0;
}
