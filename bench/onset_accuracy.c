/* SPDX-License-Identifier: GPL-3.0-or-later */
/* onset-accuracy: every cramp_onset method on synthetic signals with known
 * onsets, side by side.
 *
 * Signal (per sampling rate, per SNR, seeded): 8 channels of band-limited
 * Gaussian noise, the "floor", of RMS 2 uV (a usual resting leg sEMG level),
 * plus bursts of an independent band-limited Gaussian noise switched on and
 * off abruptly (rectangular envelope, so the true onset and offset are exact
 * sample times), of RMS 2 uV * 10^(SNR/20). Both noises are white Gaussian
 * noise through a 4th-order Butterworth band-pass 20-450 Hz (upper edge
 * clamped to 0.45 fs), as a preprocessed sEMG recording. Bursts last
 * U(0.5, 10) s (the AASM leg-movement range), gaps U(5, 40) s, the first one
 * after 30 s; each channel has its own schedule.
 *
 * Scoring, per channel: a detection overlapping a true burst is a hit; the
 * earliest overlapping detection gives the onset error (detected - true) and
 * the last one the offset error; further detections overlapping the same
 * burst are "splits"; a burst with none is missed; a detection overlapping no
 * burst is a false detection. False detections are also counted on a
 * separate noise-only signal (floor only, --noise-seconds per channel) and
 * reported per hour of single-channel signal. Every method runs with its
 * defaults (cramp_onset_config_default): nothing here is tuned.
 *
 * Output: one table row per method, rate and SNR, then the rows pooled over
 * rates, and the noise-only false-alarm rates. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "cramp/onset.h"
#include "cramp/status.h"

#define NCH 8
#define FLOOR_UV 2.0
#define MAX_BURSTS 2048
#define OUT_CAP 256

typedef struct burst {
    uint64_t on, off; /* frames, [on, off) */
} burst;

typedef struct truth {
    burst b[NCH][MAX_BURSTS];
    size_t n[NCH];
} truth;

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_uniform(uint64_t *s)
{
    return ((double)(rng_next(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(uint64_t *s)
{
    return sqrt(-2.0 * log(rng_uniform(s))) * cos(6.283185307179586 * rng_uniform(s));
}

/* 2 * NCH channels of unit-RMS band-limited Gaussian noise, interleaved
 * (channels 0..NCH-1 floor, NCH..2NCH-1 burst source). */
static int make_noise(float *y, size_t frames, double fs, uint64_t seed)
{
    const size_t ch = 2 * NCH;
    double hi = 450.0;
    if (hi > 0.45 * fs) hi = 0.45 * fs;
    cramp_butter_spec spec = {CRAMP_BANDPASS, 4, fs, 20.0, hi};
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t nsec = 0;
    cramp_error err = {0};
    if (cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &nsec, &err) != CRAMP_OK) {
        fprintf(stderr, "onset-accuracy: band-pass design: %s\n", err.message);
        return -1;
    }
    cramp_filter *f = NULL;
    if (cramp_filter_create(&f, sos, nsec, ch, NULL) != CRAMP_OK) return -1;
    uint64_t s = seed;
    for (size_t i = 0; i < frames * ch; i++) y[i] = (float)rng_gauss(&s);
    /* one second of filter warm-up discarded: run it over the first second twice */
    const size_t warm = (size_t)fs < frames ? (size_t)fs : frames;
    float *tmp = malloc(warm * ch * sizeof *tmp);
    if (!tmp) {
        cramp_filter_destroy(f);
        return -1;
    }
    memcpy(tmp, y, warm * ch * sizeof *tmp);
    cramp_filter_process(f, tmp, tmp, warm);
    free(tmp);
    cramp_filter_process(f, y, y, frames);
    cramp_filter_destroy(f);
    for (size_t c = 0; c < ch; c++) {
        double ss = 0.0;
        for (size_t i = 0; i < frames; i++) ss += (double)y[i * ch + c] * (double)y[i * ch + c];
        const double g = 1.0 / sqrt(ss / (double)frames);
        for (size_t i = 0; i < frames; i++) y[i * ch + c] = (float)((double)y[i * ch + c] * g);
    }
    return 0;
}

static void make_schedule(truth *tr, size_t frames, double fs, uint64_t seed)
{
    uint64_t s = seed ^ 0xA5A5A5A5ull;
    for (size_t c = 0; c < NCH; c++) {
        tr->n[c] = 0;
        double t = 30.0 + 10.0 * rng_uniform(&s);
        for (;;) {
            const double dur = 0.5 + 9.5 * rng_uniform(&s);
            const uint64_t on = (uint64_t)llround(t * fs), off = (uint64_t)llround((t + dur) * fs);
            if (off + (uint64_t)fs > frames || tr->n[c] == MAX_BURSTS) break;
            tr->b[c][tr->n[c]++] = (burst){on, off};
            t += dur + 5.0 + 35.0 * rng_uniform(&s);
        }
    }
}

static void mix(float *x, const float *noise, size_t frames, const truth *tr, double snr_db,
                int with_bursts)
{
    const double gb = FLOOR_UV * pow(10.0, snr_db / 20.0);
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < NCH; c++)
            x[i * NCH + c] = (float)(FLOOR_UV * (double)noise[i * 2 * NCH + c]);
    if (!with_bursts) return;
    for (size_t c = 0; c < NCH; c++)
        for (size_t k = 0; k < tr->n[c]; k++)
            for (uint64_t i = tr->b[c][k].on; i < tr->b[c][k].off; i++)
                x[i * NCH + c] += (float)(gb * (double)noise[i * 2 * NCH + NCH + c]);
}

/* Runs a detector over x in blocks of 4096 frames; segments into *segs. */
static int detect(cramp_onset_method m, double fs, const float *x, size_t frames,
                  cramp_onset_segment **segs, size_t *nseg)
{
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, m);
    cfg.fs = fs;
    cramp_onset *o = NULL;
    cramp_error err = {0};
    if (cramp_onset_create(&o, NCH, &cfg, &err) != CRAMP_OK) {
        fprintf(stderr, "onset-accuracy: %s at %g Hz: %s\n", cramp_onset_method_name(m), fs,
                err.message);
        return -1;
    }
    size_t cap = 1024, n = 0;
    cramp_onset_segment *v = malloc(cap * sizeof *v), out[OUT_CAP];
    size_t pos = 0;
    int done = 0;
    while (v && !done) {
        size_t got = 0;
        if (pos < frames) {
            size_t nin = frames - pos < 4096 ? frames - pos : 4096;
            cramp_onset_process(o, x + pos * NCH, &nin, out, OUT_CAP, &got);
            pos += nin;
        } else {
            cramp_onset_finish(o, out, OUT_CAP, &got);
            done = got < OUT_CAP;
        }
        if (n + got > cap) {
            cap = 2 * (n + got);
            cramp_onset_segment *nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                free(v);
                v = NULL;
                break;
            }
            v = nv;
        }
        if (v) memcpy(v + n, out, got * sizeof *out);
        n += got;
    }
    cramp_onset_destroy(o);
    if (!v) return -1;
    *segs = v;
    *nseg = n;
    return 0;
}

typedef struct score {
    size_t bursts, hits, splits, falses;
    double *on_err, *off_err; /* hits entries, s */
    double seconds;           /* single-channel seconds scored */
} score;

static void score_run(score *sc, const truth *tr, const cramp_onset_segment *segs, size_t nseg,
                      double fs, size_t frames)
{
    for (size_t c = 0; c < NCH; c++) {
        for (size_t k = 0; k < tr->n[c]; k++) {
            const double ton = (double)tr->b[c][k].on / fs, toff = (double)tr->b[c][k].off / fs;
            int first = -1, last = -1, cnt = 0;
            for (size_t j = 0; j < nseg; j++) {
                if (segs[j].channel != c) continue;
                if (segs[j].offset_s <= ton || segs[j].onset_s >= toff) continue;
                if (first < 0 || segs[j].onset_s < segs[first].onset_s) first = (int)j;
                if (last < 0 || segs[j].offset_s > segs[last].offset_s) last = (int)j;
                cnt++;
            }
            sc->bursts++;
            if (first >= 0) {
                sc->on_err[sc->hits] = segs[first].onset_s - ton;
                sc->off_err[sc->hits] = segs[last].offset_s - toff;
                sc->hits++;
                sc->splits += (size_t)(cnt - 1);
            }
        }
        for (size_t j = 0; j < nseg; j++) {
            if (segs[j].channel != c) continue;
            int overlaps = 0;
            for (size_t k = 0; k < tr->n[c] && !overlaps; k++) {
                const double ton = (double)tr->b[c][k].on / fs;
                const double toff = (double)tr->b[c][k].off / fs;
                overlaps = !(segs[j].offset_s <= ton || segs[j].onset_s >= toff);
            }
            if (!overlaps) sc->falses++;
        }
    }
    sc->seconds += (double)NCH * (double)frames / fs;
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
    if (n == 0) return (double)NAN;
    qsort(v, n, sizeof *v, cmp_d);
    const double h = p * (double)(n - 1);
    const size_t i = (size_t)h;
    if (i + 1 >= n) return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

static void print_row(const char *method, const char *fs, const char *snr, score *sc)
{
    const double med = pct(sc->on_err, sc->hits, 0.5) * 1e3;
    const double iqr = (pct(sc->on_err, sc->hits, 0.75) - pct(sc->on_err, sc->hits, 0.25)) * 1e3;
    const double offm = pct(sc->off_err, sc->hits, 0.5) * 1e3;
    printf("%-11s %6s %5s %6zu %7.1f %9.1f %8.1f %9.1f %7zu %7zu %8.1f\n", method, fs, snr,
           sc->bursts, sc->bursts ? 100.0 * (double)sc->hits / (double)sc->bursts : 0.0, med, iqr,
           offm, sc->bursts - sc->hits, sc->falses,
           sc->seconds > 0 ? (double)sc->falses / (sc->seconds / 3600.0) : 0.0);
    (void)sc->splits;
}

static int parse_list(const char *s, double *v, size_t cap, size_t *n)
{
    *n = 0;
    while (*s) {
        char *end;
        errno = 0;
        const double d = strtod(s, &end);
        if (errno || end == s || *n == cap) return -1;
        v[(*n)++] = d;
        s = end;
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return *n ? 0 : -1;
}

int main(int argc, char **argv)
{
    double rates[8] = {250, 500, 1000, 2000, 4000}, snrs[8] = {6, 12, 20, 30};
    size_t n_rates = 5, n_snrs = 4;
    double seconds = 900.0, noise_seconds = 1800.0;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("Usage: onset-accuracy [--fs LIST] [--snr LIST] [--seconds S] "
                   "[--noise-seconds S] [--seed N]\n"
                   "Every cramp_onset method (defaults) on seeded synthetic bursts with known "
                   "onsets;\n8 channels, floor 2 uV RMS, SNR in dB, rates in Hz "
                   "(default 250,500,1000,2000,4000; 6,12,20,30 dB; 900 s; 1800 s).\n");
            return 0;
        } else if (strcmp(a, "--fs") == 0 && val) {
            if (parse_list(val, rates, 8, &n_rates) != 0) goto usage;
            i++;
        } else if (strcmp(a, "--snr") == 0 && val) {
            if (parse_list(val, snrs, 8, &n_snrs) != 0) goto usage;
            i++;
        } else if (strcmp(a, "--seconds") == 0 && val) {
            seconds = strtod(val, NULL);
            if (!(seconds >= 60.0)) goto usage;
            i++;
        } else if (strcmp(a, "--noise-seconds") == 0 && val) {
            noise_seconds = strtod(val, NULL);
            if (!(noise_seconds >= 0.0)) goto usage;
            i++;
        } else if (strcmp(a, "--seed") == 0 && val) {
            seed = strtoull(val, NULL, 10);
            i++;
        } else {
            goto usage;
        }
    }
    for (size_t i = 0; i < n_rates; i++)
        if (!(rates[i] >= 100.0 && rates[i] <= 20000.0)) goto usage;

    enum { NM = CRAMP_ONSET_METHOD_COUNT };
    static truth tr;
    score pooled[NM][8];
    memset(pooled, 0, sizeof pooled);
    const size_t max_hits = NCH * MAX_BURSTS;
    for (int m = 0; m < NM; m++)
        for (size_t s = 0; s < n_snrs; s++) {
            pooled[m][s].on_err = malloc(max_hits * n_rates * sizeof(double));
            pooled[m][s].off_err = malloc(max_hits * n_rates * sizeof(double));
            if (!pooled[m][s].on_err || !pooled[m][s].off_err) return 1;
        }
    double *tmp_on = malloc(max_hits * sizeof(double)), *tmp_off = malloc(max_hits * sizeof(double));
    if (!tmp_on || !tmp_off) return 1;

    printf("onset-accuracy: %zu channels, floor %.1f uV RMS, bursts U(0.5,10) s, gaps U(5,40) s, "
           "%g s per condition, seed %llu; defaults of every method\n",
           (size_t)NCH, FLOOR_UV, seconds, (unsigned long long)seed);
    printf("onset/offset error = detected - true, ms (median, IQR of onset); false = detections "
           "overlapping no burst\n\n");
    printf("%-11s %6s %5s %6s %7s %9s %8s %9s %7s %7s %8s\n", "method", "fs", "SNR", "bursts",
           "found%", "onset med", "IQR", "off med", "missed", "false", "false/h");
    for (size_t r = 0; r < n_rates; r++) {
        const double fs = rates[r];
        const size_t frames = (size_t)(seconds * fs);
        float *noise = malloc(frames * 2 * NCH * sizeof *noise);
        float *x = malloc(frames * NCH * sizeof *x);
        if (!noise || !x) return 1;
        if (make_noise(noise, frames, fs, seed * 1000003u + (uint64_t)fs) != 0) return 1;
        make_schedule(&tr, frames, fs, seed * 7919u + (uint64_t)fs);
        for (size_t s = 0; s < n_snrs; s++) {
            mix(x, noise, frames, &tr, snrs[s], 1);
            for (int m = 0; m < NM; m++) {
                cramp_onset_segment *segs = NULL;
                size_t nseg = 0;
                if (detect((cramp_onset_method)m, fs, x, frames, &segs, &nseg) != 0) return 1;
                score sc = {0};
                sc.on_err = tmp_on;
                sc.off_err = tmp_off;
                score_run(&sc, &tr, segs, nseg, fs, frames);
                char fsb[16], snb[16];
                snprintf(fsb, sizeof fsb, "%g", fs);
                snprintf(snb, sizeof snb, "%g", snrs[s]);
                print_row(cramp_onset_method_name((cramp_onset_method)m), fsb, snb, &sc);
                score *p = &pooled[m][s];
                memcpy(p->on_err + p->hits, sc.on_err, sc.hits * sizeof(double));
                memcpy(p->off_err + p->hits, sc.off_err, sc.hits * sizeof(double));
                p->bursts += sc.bursts;
                p->hits += sc.hits;
                p->splits += sc.splits;
                p->falses += sc.falses;
                p->seconds += sc.seconds;
                free(segs);
            }
        }
        free(x);
        free(noise);
        fflush(stdout);
    }
    printf("\npooled over rates\n");
    printf("%-11s %6s %5s %6s %7s %9s %8s %9s %7s %7s %8s\n", "method", "fs", "SNR", "bursts",
           "found%", "onset med", "IQR", "off med", "missed", "false", "false/h");
    for (int m = 0; m < NM; m++)
        for (size_t s = 0; s < n_snrs; s++) {
            char snb[16];
            snprintf(snb, sizeof snb, "%g", snrs[s]);
            print_row(cramp_onset_method_name((cramp_onset_method)m), "all", snb, &pooled[m][s]);
        }

    if (noise_seconds > 0.0) {
        printf("\nnoise only (floor %.1f uV RMS, %g s x %d channels per rate): false detections "
               "per hour of one channel\n%-11s", FLOOR_UV, noise_seconds, NCH, "method");
        for (size_t r = 0; r < n_rates; r++) printf(" %8g", rates[r]);
        printf("\n");
        size_t fa[NM][8];
        for (size_t r = 0; r < n_rates; r++) {
            const double fs = rates[r];
            const size_t frames = (size_t)(noise_seconds * fs);
            float *noise = malloc(frames * 2 * NCH * sizeof *noise);
            float *x = malloc(frames * NCH * sizeof *x);
            if (!noise || !x) return 1;
            if (make_noise(noise, frames, fs, seed * 104729u + (uint64_t)fs) != 0) return 1;
            mix(x, noise, frames, &tr, 0.0, 0);
            for (int m = 0; m < NM; m++) {
                cramp_onset_segment *segs = NULL;
                size_t nseg = 0;
                if (detect((cramp_onset_method)m, fs, x, frames, &segs, &nseg) != 0) return 1;
                fa[m][r] = nseg;
                free(segs);
            }
            free(x);
            free(noise);
        }
        for (int m = 0; m < NM; m++) {
            printf("%-11s", cramp_onset_method_name((cramp_onset_method)m));
            for (size_t r = 0; r < n_rates; r++)
                printf(" %8.2f", (double)fa[m][r] / (noise_seconds * NCH / 3600.0));
            printf("\n");
        }
    }
    for (int m = 0; m < NM; m++)
        for (size_t s = 0; s < n_snrs; s++) {
            free(pooled[m][s].on_err);
            free(pooled[m][s].off_err);
        }
    free(tmp_on);
    free(tmp_off);
    return 0;

usage:
    fprintf(stderr, "onset-accuracy: bad arguments (see --help)\n");
    return 2;
}
