/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp-bench: throughput of the filtering stages and of the preprocessing
 * pipeline (zero-phase band-pass + mains notch + moving RMS), in samples per
 * second and times real time, for several channel counts and every SIMD path
 * this CPU runs. Writes a table to stdout and, with --json, a JSON file that
 * bench/compare.py compares with another run (or with bench/scipy_bench.py).
 *
 * Method: one untimed warm-up run, then N timed runs (CLOCK_MONOTONIC wall
 * time); objects are reset between runs outside the timed region. Reported:
 * median and minimum. Nothing is pinned: run under `taskset -c 0` for a
 * single, fixed core. Each stage's output is compared with a reference run
 * of the same stage family (the first path run, normally scalar) so a fast
 * but wrong kernel shows up in the table. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cramp/cramp.h"
#include "cramp/recording.h"
#include "cramp/onset.h"
#ifdef CRAMP_HAVE_EDFLIB
#include <edflib.h>
#endif

#ifndef CRAMP_BENCH_BUILD_TYPE
#define CRAMP_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef CRAMP_BENCH_C_FLAGS
#define CRAMP_BENCH_C_FLAGS "unknown"
#endif

/* The workload, fixed so that runs stay comparable. */
#define BENCH_FS 2000.0
#define BENCH_BLOCK 4096u      /* frames per streaming call */
#define BENCH_BP_ORDER 4       /* scipy butter(4, [20, 450], 'bandpass'): 4 sections */
#define BENCH_BP_LO 20.0
#define BENCH_BP_HI 450.0
#define BENCH_NOTCH_HZ 50.0
#define BENCH_NOTCH_Q 30.0
#define BENCH_RMS_S 0.25
#define BENCH_ENV_RATE 100.0   /* Hz, envelope output rate of the pipeline */
#define BENCH_MAX_SEC (CRAMP_BUTTER_MAX_SECTIONS + 1)
/* spectral stages: Welch per epoch, Hann segments with 50 % overlap, every
 * index (MNF, MDF, peak, FInsm5 8-500 Hz, entropy, moments, 3 band powers). */
#define BENCH_SPEC_SEGMENT_S 0.5
#define BENCH_SPEC_EPOCH_S 1.0

/* FFTW planner for the spectral stage (--fft-effort). One per run: a timed
 * plan leaves wisdom in the process that later ESTIMATE plans would use. */
static cramp_fft_effort g_fft_effort = CRAMP_FFT_ESTIMATE;
static const char *const fft_effort_names[] = {"estimate", "measure", "patient", "exhaustive"};

/* ---- small utilities ---------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return ru.ru_maxrss; /* Linux: KiB */
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* splitmix64: small, seedable, the same on every platform. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_uniform(uint64_t *s) /* (0, 1) */
{
    return ((double)(rng_next(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(uint64_t *s)
{
    const double two_pi = 6.283185307179586;
    return sqrt(-2.0 * log(rng_uniform(s))) * cos(two_pi * rng_uniform(s));
}

/* EMG-like test signal in microvolts, interleaved: per channel, white
 * Gaussian noise shaped by a differentiator and a resonator at 90 Hz (most
 * sEMG power lies between 50 and 150 Hz), amplitude-modulated by random
 * contraction bursts, plus 50 Hz mains hum and a DC offset. Only the
 * statistics matter for throughput; the content keeps the filters honest
 * (no denormals, no all-zero shortcuts). */
static void make_signal(float *x, size_t frames, size_t channels, double fs, uint64_t seed)
{
    const double pi = 3.141592653589793;
    const double r = 0.95, w0 = 2.0 * pi * 90.0 / fs;
    const double a1 = -2.0 * r * cos(w0), a2 = r * r;
    for (size_t c = 0; c < channels; c++) {
        uint64_t s = seed * 0x100000001B3ull + c + 1;
        const double hum_phase = 2.0 * pi * rng_uniform(&s);
        const double offset = 20.0 * (rng_uniform(&s) - 0.5);
        double w1 = 0.0, y1 = 0.0, y2 = 0.0;
        double burst_left = 0.0, burst_len = 0.0, gap_left = fs * 2.0 * rng_uniform(&s);
        for (size_t i = 0; i < frames; i++) {
            const double w = rng_gauss(&s);
            const double y = (w - w1) - a1 * y1 - a2 * y2;
            w1 = w;
            y2 = y1;
            y1 = y;
            double gain = 0.1; /* resting tone */
            if (burst_left > 0.0) {
                /* raised-cosine burst of 0.5 to 3 s */
                gain += 0.9 * 0.5 * (1.0 - cos(2.0 * pi * burst_left / burst_len));
                burst_left -= 1.0;
            } else if ((gap_left -= 1.0) <= 0.0) {
                burst_len = burst_left = fs * (0.5 + 2.5 * rng_uniform(&s));
                gap_left = fs * (0.5 + 3.0 * rng_uniform(&s));
            }
            const double hum = 15.0 * sin(2.0 * pi * 50.0 * (double)i / fs + hum_phase);
            x[i * channels + c] = (float)(8.0 * gain * y + hum + offset);
        }
    }
}

/* malloc that also touches the pages, so first-touch faults stay out of
 * timed regions. */
static float *alloc_floats(size_t n)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX / sizeof(float)) return NULL;
    float *p = malloc(n * sizeof *p);
    if (p) memset(p, 0, n * sizeof *p);
    return p;
}

/* ---- stages ------------------------------------------------------------- */

typedef struct job {
    const float *in;
    size_t channels, frames;
    double fs;
    cramp_simd simd;     /* requested path */
    cramp_simd used;     /* path actually run */
    cramp_biquad sos[BENCH_MAX_SEC];
    size_t nsec;
    size_t decimation;
    float *out;
    size_t out_cap;      /* frames */
    size_t out_frames;   /* frames written by the last run */
    float *tmp;
    size_t tmp_cap;      /* frames */
    cramp_filter *filter;
    cramp_zerophase *zp;
    cramp_envelope *env;
    cramp_spectral *spec;          /* spectral stages */
    cramp_spectral_result *sres;   /* their results, for the whole signal */
    size_t sres_cap;
    char path[256];      /* wav_read: the file read */
    unsigned runs;       /* wav_read: runs so far (the first one checks the values) */
    double quant;        /* edf_read: quantisation step of the file written */
    cramp_onset *onset;  /* onset_* stages */
    cramp_onset_segment *segs;
    size_t segs_cap, n_segs;
    cramp_detector *det; /* detector stage */
    cramp_activity *acts;
    size_t acts_cap, n_acts;
    char msg[CRAMP_ERROR_MESSAGE_SIZE + 64];
} job;

static cramp_status fail(job *j, cramp_status st, const char *what, const cramp_error *err)
{
    if (err && err->message[0])
        snprintf(j->msg, sizeof j->msg, "%s: %s", what, err->message);
    else
        snprintf(j->msg, sizeof j->msg, "%s: %s", what, cramp_strerror(st));
    return st;
}

static void err_init(cramp_error *err)
{
    err->status = CRAMP_OK;
    err->message[0] = '\0';
}

/* Band-pass 20-450 Hz (4 sections) followed by the 50 Hz notch. */
static cramp_status design(job *j)
{
    cramp_error err;
    err_init(&err);
    const cramp_butter_spec spec = {CRAMP_BANDPASS, BENCH_BP_ORDER, j->fs, BENCH_BP_LO,
                                    BENCH_BP_HI};
    size_t n = 0;
    cramp_status st = cramp_butter_design(&spec, j->sos, BENCH_MAX_SEC - 1, &n, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_butter_design", &err);
    if (n == 0 || n >= BENCH_MAX_SEC) return fail(j, CRAMP_ERANGE, "cramp_butter_design", NULL);
    st = cramp_notch_design(j->fs, BENCH_NOTCH_HZ, BENCH_NOTCH_Q, &j->sos[n], &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_notch_design", &err);
    j->nsec = n + 1;
    return CRAMP_OK;
}

static cramp_status envelope_create(job *j, cramp_envelope **e, size_t decimation)
{
    cramp_error err;
    err_init(&err);
    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = CRAMP_ENV_RMS;
    cfg.fs = j->fs;
    cfg.window_s = BENCH_RMS_S;
    cfg.decimation = decimation;
    cramp_status st = cramp_envelope_create(e, j->channels, &cfg, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_envelope_create", &err);
    return CRAMP_OK;
}

static cramp_status zerophase_create(job *j, cramp_zerophase **z)
{
    cramp_error err;
    err_init(&err);
    cramp_zerophase_config cfg;
    cramp_zerophase_config_default(&cfg);
    cfg.simd = j->simd;
    cramp_status st = cramp_zerophase_create(z, j->sos, j->nsec, j->channels, &cfg, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_zerophase_create", &err);
    return CRAMP_OK;
}

static cramp_status alloc_out(job *j, size_t frames)
{
    j->out_cap = frames;
    if (frames > SIZE_MAX / j->channels) return fail(j, CRAMP_ENOMEM, "output buffer", NULL);
    j->out = alloc_floats(frames * j->channels);
    return j->out ? CRAMP_OK : fail(j, CRAMP_ENOMEM, "output buffer", NULL);
}

static cramp_status alloc_tmp(job *j, size_t frames)
{
    j->tmp_cap = frames;
    if (frames > SIZE_MAX / j->channels) return fail(j, CRAMP_ENOMEM, "work buffer", NULL);
    j->tmp = alloc_floats(frames * j->channels);
    return j->tmp ? CRAMP_OK : fail(j, CRAMP_ENOMEM, "work buffer", NULL);
}

static cramp_simd resolved(cramp_simd s) { return s == CRAMP_SIMD_AUTO ? cramp_simd_best() : s; }

/* (1) causal streaming cascade, blocks of BENCH_BLOCK frames. */
static cramp_status causal_setup(job *j)
{
    cramp_status st = design(j);
    if (st != CRAMP_OK) return st;
    cramp_filter_config cfg;
    cramp_filter_config_default(&cfg);
    cfg.simd = j->simd;
    st = cramp_filter_create(&j->filter, j->sos, j->nsec, j->channels, &cfg);
    if (st != CRAMP_OK) return fail(j, st, "cramp_filter_create", NULL);
    j->used = cramp_filter_simd(j->filter);
    return alloc_out(j, j->frames);
}

static cramp_status causal_run(job *j)
{
    const size_t ch = j->channels;
    for (size_t f0 = 0; f0 < j->frames; f0 += BENCH_BLOCK) {
        const size_t n = j->frames - f0 < BENCH_BLOCK ? j->frames - f0 : BENCH_BLOCK;
        cramp_status st = cramp_filter_process(j->filter, j->in + f0 * ch, j->out + f0 * ch, n);
        if (st != CRAMP_OK) return fail(j, st, "cramp_filter_process", NULL);
    }
    j->out_frames = j->frames;
    return CRAMP_OK;
}

static void causal_reset(job *j) { cramp_filter_reset(j->filter); }

/* (2) whole-signal forward-backward filtering. */
static cramp_status filtfilt_setup(job *j)
{
    cramp_status st = design(j);
    if (st != CRAMP_OK) return st;
    j->used = resolved(j->simd);
    return alloc_out(j, j->frames);
}

static cramp_status filtfilt_run(job *j)
{
    cramp_error err;
    err_init(&err);
    cramp_status st = cramp_filtfilt(j->sos, j->nsec, j->channels, j->in, j->out, j->frames,
                                     j->simd, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_filtfilt", &err);
    j->out_frames = j->frames;
    return CRAMP_OK;
}

/* (3) bounded-memory zero-phase stream, blocks of BENCH_BLOCK frames. Output
 * goes straight into the full-length buffer (with room for the largest
 * single write), so no copy is timed. */
static cramp_status zerophase_setup(job *j)
{
    cramp_status st = design(j);
    if (st != CRAMP_OK) return st;
    st = zerophase_create(j, &j->zp);
    if (st != CRAMP_OK) return st;
    j->used = resolved(j->simd);
    return alloc_out(j, j->frames + cramp_zerophase_max_output(j->zp, BENCH_BLOCK) +
                            cramp_zerophase_max_output(j->zp, 0));
}

static cramp_status zerophase_run(job *j)
{
    const size_t ch = j->channels;
    size_t pos = 0, got = 0;
    cramp_status st;
    for (size_t f0 = 0; f0 < j->frames; f0 += BENCH_BLOCK) {
        const size_t n = j->frames - f0 < BENCH_BLOCK ? j->frames - f0 : BENCH_BLOCK;
        st = cramp_zerophase_process(j->zp, j->in + f0 * ch, n, j->out + pos * ch,
                                     j->out_cap - pos, &got);
        if (st != CRAMP_OK) return fail(j, st, "cramp_zerophase_process", NULL);
        pos += got;
    }
    cramp_error err;
    err_init(&err);
    st = cramp_zerophase_finish(j->zp, j->out + pos * ch, j->out_cap - pos, &got, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_zerophase_finish", &err);
    pos += got;
    j->out_frames = pos;
    if (pos != j->frames) {
        snprintf(j->msg, sizeof j->msg, "cramp_zerophase gave %zu frames for %zu", pos, j->frames);
        return CRAMP_ERANGE;
    }
    return CRAMP_OK;
}

static void zerophase_reset(job *j) { cramp_zerophase_reset(j->zp); }

/* (4) moving RMS over the raw signal, blocks of BENCH_BLOCK frames. */
static cramp_status rms_setup(job *j)
{
    cramp_status st = envelope_create(j, &j->env, j->decimation);
    if (st != CRAMP_OK) return st;
    return alloc_out(j, cramp_envelope_max_output(j->env, j->frames) +
                            cramp_envelope_max_output(j->env, BENCH_BLOCK));
}

static cramp_status rms_run(job *j)
{
    const size_t ch = j->channels;
    size_t pos = 0, got = 0;
    for (size_t f0 = 0; f0 < j->frames; f0 += BENCH_BLOCK) {
        const size_t n = j->frames - f0 < BENCH_BLOCK ? j->frames - f0 : BENCH_BLOCK;
        cramp_status st = cramp_envelope_process(j->env, j->in + f0 * ch, n, j->out + pos * ch,
                                                 j->out_cap - pos, &got);
        if (st != CRAMP_OK) return fail(j, st, "cramp_envelope_process", NULL);
        pos += got;
    }
    j->out_frames = pos;
    return CRAMP_OK;
}

static void rms_reset(job *j) { cramp_envelope_reset(j->env); }

/* (5) the pipeline, end to end from the float buffer: design, create,
 * filter, envelope, destroy are all inside the timed region. Only the
 * caller's arrays (signal, filtered signal, envelope) are preallocated, as
 * a program holding the recording would have them. */
static cramp_status pipe_setup_common(job *j)
{
    cramp_status st = design(j); /* only to size buffers; the run designs again */
    if (st != CRAMP_OK) return st;
    cramp_envelope *e = NULL;
    st = envelope_create(j, &e, j->decimation);
    if (st != CRAMP_OK) return st;
    const size_t env_frames = cramp_envelope_max_output(e, j->frames) +
                              cramp_envelope_max_output(e, BENCH_BLOCK);
    cramp_envelope_destroy(e);
    j->used = resolved(j->simd);
    return alloc_out(j, env_frames);
}

static cramp_status pipe_filtfilt_setup(job *j)
{
    cramp_status st = pipe_setup_common(j);
    if (st != CRAMP_OK) return st;
    return alloc_tmp(j, j->frames);
}

static cramp_status pipe_filtfilt_run(job *j)
{
    cramp_status st = design(j);
    if (st != CRAMP_OK) return st;
    cramp_error err;
    err_init(&err);
    st = cramp_filtfilt(j->sos, j->nsec, j->channels, j->in, j->tmp, j->frames, j->simd, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_filtfilt", &err);
    cramp_envelope *e = NULL;
    st = envelope_create(j, &e, j->decimation);
    if (st != CRAMP_OK) return st;
    size_t got = 0;
    st = cramp_envelope_process(e, j->tmp, j->frames, j->out, j->out_cap, &got);
    cramp_envelope_destroy(e);
    if (st != CRAMP_OK) return fail(j, st, "cramp_envelope_process", NULL);
    j->out_frames = got;
    return CRAMP_OK;
}

static cramp_status pipe_zerophase_setup(job *j)
{
    cramp_status st = pipe_setup_common(j);
    if (st != CRAMP_OK) return st;
    cramp_zerophase *z = NULL;
    st = zerophase_create(j, &z);
    if (st != CRAMP_OK) return st;
    size_t a = cramp_zerophase_max_output(z, BENCH_BLOCK), b = cramp_zerophase_max_output(z, 0);
    cramp_zerophase_destroy(z);
    return alloc_tmp(j, a > b ? a : b);
}

static cramp_status pipe_zerophase_run(job *j)
{
    const size_t ch = j->channels;
    cramp_status st = design(j);
    if (st != CRAMP_OK) return st;
    cramp_zerophase *z = NULL;
    cramp_envelope *e = NULL;
    st = zerophase_create(j, &z);
    if (st == CRAMP_OK) st = envelope_create(j, &e, j->decimation);
    size_t pos = 0, got = 0, eg = 0;
    for (size_t f0 = 0; st == CRAMP_OK && f0 < j->frames; f0 += BENCH_BLOCK) {
        const size_t n = j->frames - f0 < BENCH_BLOCK ? j->frames - f0 : BENCH_BLOCK;
        st = cramp_zerophase_process(z, j->in + f0 * ch, n, j->tmp, j->tmp_cap, &got);
        if (st != CRAMP_OK) {
            fail(j, st, "cramp_zerophase_process", NULL);
            break;
        }
        st = cramp_envelope_process(e, j->tmp, got, j->out + pos * ch, j->out_cap - pos, &eg);
        if (st != CRAMP_OK) fail(j, st, "cramp_envelope_process", NULL);
        pos += eg;
    }
    if (st == CRAMP_OK) {
        cramp_error err;
        err_init(&err);
        st = cramp_zerophase_finish(z, j->tmp, j->tmp_cap, &got, &err);
        if (st != CRAMP_OK) fail(j, st, "cramp_zerophase_finish", &err);
    }
    if (st == CRAMP_OK) {
        st = cramp_envelope_process(e, j->tmp, got, j->out + pos * ch, j->out_cap - pos, &eg);
        if (st != CRAMP_OK) fail(j, st, "cramp_envelope_process", NULL);
        pos += eg;
    }
    cramp_envelope_destroy(e);
    cramp_zerophase_destroy(z);
    j->out_frames = pos;
    return st;
}

/* (6) reading a 32-bit float WAV of the signal through cramp_recording:
 * open, select every channel, read blocks of BENCH_BLOCK frames into one
 * block buffer, close, all timed. The file is written once at setup (in
 * TMPDIR) and is in the page cache, so this measures the reader, not the
 * disk. Memory is the block buffer, whatever the file's length. The warm-up
 * run compares every value read with the signal written. */
static cramp_status wavread_setup(job *j)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(j->path, sizeof j->path, "%s/cramp-bench-%ld-%zu.wav",
             tmp && *tmp && strlen(tmp) < 160 ? tmp : "/tmp", (long)getpid(), j->channels);
    cramp_error err;
    err_init(&err);
    cramp_wav_writer *w = NULL;
    cramp_status st =
        cramp_wav_writer_create(&w, j->path, j->channels, j->fs, j->frames, &err);
    if (st != CRAMP_OK) {
        j->path[0] = '\0';
        return fail(j, st, "cramp_wav_writer_create", &err);
    }
    st = cramp_wav_writer_write(w, j->in, j->frames, &err);
    if (st != CRAMP_OK) {
        cramp_wav_writer_abort(w);
        j->path[0] = '\0';
        return fail(j, st, "cramp_wav_writer_write", &err);
    }
    st = cramp_wav_writer_close(w, &err);
    if (st != CRAMP_OK) {
        j->path[0] = '\0';
        return fail(j, st, "cramp_wav_writer_close", &err);
    }
    return alloc_out(j, BENCH_BLOCK);
}

/* Reads the file written at setup end to end through cramp_recording (open,
 * select every channel, blocks of BENCH_BLOCK, close: all timed). The warm-up
 * run checks the values: equal to the signal when quant is 0 (float WAV),
 * else within half a quantisation step (EDF; its last record is padded with
 * the last frame, so more frames than written may come back). */
static cramp_status read_back(job *j, const char *stage, double quant)
{
    const size_t ch = j->channels;
    cramp_error err;
    err_init(&err);
    cramp_recording *r = NULL;
    cramp_status st = cramp_recording_open(&r, j->path, NULL, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_recording_open", &err);
    size_t sel[4096];
    if (ch > sizeof sel / sizeof sel[0]) {
        cramp_recording_close(r);
        return fail(j, CRAMP_EINVAL, "read: too many channels", NULL);
    }
    for (size_t c = 0; c < ch; c++) sel[c] = c;
    st = cramp_recording_select(r, sel, ch, &err);
    size_t pos = 0, got = 0;
    const int check = j->runs++ == 0;
    while (st == CRAMP_OK) {
        st = cramp_recording_read(r, j->out, BENCH_BLOCK, &got, &err);
        if (st != CRAMP_OK || got == 0) break;
        for (size_t i = 0; check && i < got * ch; i++) {
            const size_t f = pos + i / ch;
            if (quant == 0.0 && f >= j->frames) break;
            const double want = f < j->frames ? (double)j->in[pos * ch + i]
                                              : (double)j->in[(j->frames - 1) * ch + i % ch];
            const double tol = quant == 0.0 ? 0.0 : 0.5 * quant * 1.001 + 1e-3;
            if (!(fabs((double)j->out[i] - want) <= tol)) {
                cramp_recording_close(r);
                char msg[96];
                snprintf(msg, sizeof msg, "%s: a value read differs from the signal", stage);
                return fail(j, CRAMP_EFORMAT, msg, NULL);
            }
        }
        pos += got;
    }
    cramp_recording_close(r);
    if (st != CRAMP_OK) return fail(j, st, "cramp_recording_read", &err);
    if (quant == 0.0 ? pos != j->frames : pos < j->frames) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s: frame count differs", stage);
        return fail(j, CRAMP_EFORMAT, msg, NULL);
    }
    j->out_frames = 0; /* nothing to compare across stages */
    return CRAMP_OK;
}

static cramp_status wavread_run(job *j) { return read_back(j, "wav_read", 0.0); }

/* (6b) reading a 16-bit EDF+ of the signal into float microvolts through
 * cramp_recording (open, select every channel, blocks of BENCH_BLOCK, close,
 * all timed), and (6c) the same file through EDFlib (Debian libedf-dev, when
 * the build found it): edfopen_file_readonly without annotations, then
 * edfread_physical_samples per signal in blocks of BENCH_BLOCK into doubles,
 * EDFlib's own way to read. The file is written once at setup (cramp's EDF
 * writer, physical range just covering the signal) and is in the page cache.
 * The warm-up run of edf_read checks every value against the signal within
 * half a quantisation step. */
static cramp_status edfread_setup(job *j)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(j->path, sizeof j->path, "%s/cramp-bench-%ld-%zu.edf",
             tmp && *tmp && strlen(tmp) < 160 ? tmp : "/tmp", (long)getpid(), j->channels);
    double lo = 0, hi = 0;
    for (size_t i = 0; i < j->frames * j->channels; i++) {
        const double v = (double)j->in[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    cramp_edf_write_config cfg; /* channels ch1.., microvolts */
    cramp_edf_write_config_default(&cfg);
    cfg.channels = j->channels;
    cfg.fs = j->fs;
    cfg.phys_min = floor(lo) - 1;
    cfg.phys_max = ceil(hi) + 1;
    cramp_error err;
    err_init(&err);
    const cramp_status st = cramp_edf_write_file(j->path, &cfg, j->in, j->frames, &err);
    if (st != CRAMP_OK) {
        j->path[0] = '\0';
        return fail(j, st, "cramp_edf_writer", &err);
    }
    j->quant = (cfg.phys_max - cfg.phys_min) / 65535.0;
    return alloc_out(j, BENCH_BLOCK);
}

static cramp_status edfread_run(job *j) { return read_back(j, "edf_read", j->quant); }

#ifdef CRAMP_HAVE_EDFLIB
static cramp_status edflib_run(job *j)
{
    struct edf_hdr_struct *h = calloc(1, sizeof *h);
    double *buf = malloc(BENCH_BLOCK * sizeof *buf);
    if (!h || !buf) {
        free(h);
        free(buf);
        return fail(j, CRAMP_ENOMEM, "edflib", NULL);
    }
    cramp_status st = CRAMP_OK;
    if (edfopen_file_readonly(j->path, h, EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0) {
        st = fail(j, CRAMP_EIO, "edfopen_file_readonly failed", NULL);
    } else {
        long long total = 0;
        for (int s = 0; s < h->edfsignals; s++) {
            int got;
            while ((got = edfread_physical_samples(h->handle, s, BENCH_BLOCK, buf)) > 0)
                total += got;
        }
        edfclose_file(h->handle);
        if (total < (long long)(j->frames * j->channels))
            st = fail(j, CRAMP_EFORMAT, "edflib: sample count differs", NULL);
    }
    free(h);
    free(buf);
    j->out_frames = 0;
    return st;
}
#endif

/* (7) spectral fatigue indices: cramp_spectral over the raw signal in blocks
 * of BENCH_BLOCK frames; the object (and its FFT plan, --fft-effort) is made
 * before timing, as a program analysing many files would keep it. j->out
 * receives each epoch's MNF per channel (as float), for the finiteness
 * check. */
static cramp_status spectral_setup(job *j)
{
    cramp_spectral_config cfg;
    cramp_spectral_config_default(&cfg);
    cfg.fs = j->fs;
    cfg.segment_s = BENCH_SPEC_SEGMENT_S;
    cfg.epoch_s = BENCH_SPEC_EPOCH_S;
    cfg.effort = g_fft_effort;
    cfg.simd = j->simd;
    cfg.wisdom_path = ""; /* planned fresh: no file read or written */
    cfg.n_bands = 3;
    cfg.bands[0] = (cramp_freq_band){20.0, 80.0};
    cfg.bands[1] = (cramp_freq_band){80.0, 150.0};
    cfg.bands[2] = (cramp_freq_band){150.0, 450.0};
    cramp_error err;
    err_init(&err);
    cramp_status st = cramp_spectral_create(&j->spec, j->channels, &cfg, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_spectral_create", &err);
    j->used = cramp_spectral_simd(j->spec);
    j->sres_cap = cramp_spectral_max_output(j->spec, j->frames) +
                  cramp_spectral_max_output(j->spec, BENCH_BLOCK);
    j->sres = calloc(j->sres_cap, sizeof *j->sres);
    if (!j->sres) return fail(j, CRAMP_ENOMEM, "result buffer", NULL);
    return alloc_out(j, j->sres_cap / j->channels);
}

/* The signal through step in blocks of BENCH_BLOCK frames; step gets the
 * block, its frame count and the results so far (pos), and gives the
 * results it added (*got); *total: all of them. */
typedef cramp_status (*block_step)(job *j, const float *in, size_t n, size_t pos, size_t *got);

static cramp_status run_blocks(job *j, block_step step, const char *what, size_t *total)
{
    size_t pos = 0, got = 0;
    for (size_t f0 = 0; f0 < j->frames; f0 += BENCH_BLOCK) {
        const size_t n = j->frames - f0 < BENCH_BLOCK ? j->frames - f0 : BENCH_BLOCK;
        const cramp_status st = step(j, j->in + f0 * j->channels, n, pos, &got);
        if (st != CRAMP_OK) return fail(j, st, what, NULL);
        pos += got;
    }
    *total = pos;
    return CRAMP_OK;
}

static cramp_status spectral_step(job *j, const float *in, size_t n, size_t pos, size_t *got)
{
    return cramp_spectral_process(j->spec, in, n, j->sres + pos, j->sres_cap - pos, got);
}

static cramp_status spectral_run(job *j)
{
    const size_t ch = j->channels;
    size_t pos = 0;
    const cramp_status st = run_blocks(j, spectral_step, "cramp_spectral_process", &pos);
    if (st != CRAMP_OK) return st;
    for (size_t i = 0; i < pos; i++) j->out[i] = (float)j->sres[i].mnf_hz;
    j->out_frames = pos / ch;
    return CRAMP_OK;
}

static void spectral_reset(job *j) { cramp_spectral_reset(j->spec); }

/* (onset_*) one onset detector with its defaults over the band-passed +
 * notched signal (filtered once in setup, untimed), blocks of BENCH_BLOCK
 * frames, segments through an array of 256, then finish. Output checked:
 * none beyond the status (segments are not frames); the segment count goes
 * to the table's "vs" column. */
static cramp_status onset_setup(job *j, cramp_onset_method m)
{
    cramp_status st = design(j);
    if (st != CRAMP_OK) return st;
    st = alloc_tmp(j, j->frames);
    if (st != CRAMP_OK) return st;
    cramp_filter *f = NULL;
    st = cramp_filter_create(&f, j->sos, j->nsec, j->channels, NULL);
    if (st != CRAMP_OK) return fail(j, st, "cramp_filter_create", NULL);
    st = cramp_filter_process(f, j->in, j->tmp, j->frames);
    cramp_filter_destroy(f);
    if (st != CRAMP_OK) return fail(j, st, "cramp_filter_process", NULL);
    cramp_onset_config cfg;
    cramp_onset_config_default(&cfg, m);
    cfg.fs = j->fs;
    cramp_error err;
    err_init(&err);
    st = cramp_onset_create(&j->onset, j->channels, &cfg, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_onset_create", &err);
    j->segs_cap = 256;
    j->segs = malloc(j->segs_cap * sizeof *j->segs);
    if (!j->segs) return fail(j, CRAMP_ENOMEM, "segment buffer", NULL);
    j->used = CRAMP_SIMD_SCALAR;
    return alloc_out(j, 1);
}

static cramp_status onset_run(job *j)
{
    const size_t ch = j->channels;
    size_t pos = 0, got = 0, total = 0;
    cramp_status st = CRAMP_OK;
    while (pos < j->frames) {
        size_t n = j->frames - pos < BENCH_BLOCK ? j->frames - pos : BENCH_BLOCK;
        st = cramp_onset_process(j->onset, j->tmp + pos * ch, &n, j->segs, j->segs_cap, &got);
        if (st != CRAMP_OK) return fail(j, st, "cramp_onset_process", NULL);
        pos += n;
        total += got;
    }
    do {
        st = cramp_onset_finish(j->onset, j->segs, j->segs_cap, &got);
        if (st != CRAMP_OK) return fail(j, st, "cramp_onset_finish", NULL);
        total += got;
    } while (got == j->segs_cap);
    j->n_segs = total;
    j->out_frames = 0;
    return CRAMP_OK;
}

static void onset_reset(job *j) { cramp_onset_reset(j->onset); }

static cramp_status onset_threshold_setup(job *j) { return onset_setup(j, CRAMP_ONSET_THRESHOLD); }
static cramp_status onset_aasm_setup(job *j) { return onset_setup(j, CRAMP_ONSET_AASM); }
static cramp_status onset_hodges_setup(job *j) { return onset_setup(j, CRAMP_ONSET_HODGES_BUI); }
static cramp_status onset_bonato_setup(job *j) { return onset_setup(j, CRAMP_ONSET_BONATO); }
static cramp_status onset_lidierth_setup(job *j) { return onset_setup(j, CRAMP_ONSET_LIDIERTH); }
static cramp_status onset_tkeo_setup(job *j) { return onset_setup(j, CRAMP_ONSET_TKEO); }
static cramp_status onset_londral_setup(job *j) { return onset_setup(j, CRAMP_ONSET_LONDRAL); }
static cramp_status onset_cusum_setup(job *j) { return onset_setup(j, CRAMP_ONSET_CUSUM); }

/* (detector) the cramp detector's front end (cramp_detector: filters, ticks,
 * envelopes, resting baselines, hysteresis, segment measures) over the raw
 * signal in blocks of BENCH_BLOCK frames, then finish: what `cramp detect`
 * runs on a recording after reading it, without the read, the first-minute
 * priming and the classification. Mains comb at 50 Hz (the signal's hum).
 * Output: each activity's onset, offset, RMS and envelope peak (as floats),
 * compared across the SIMD paths (every path must give the same bits); the
 * activity count goes to the table's "vs" column. */
static cramp_status detector_setup(job *j)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = j->fs;
    cfg.mains_hz = BENCH_NOTCH_HZ;
    cfg.simd = j->simd;
    cramp_error err;
    err_init(&err);
    cramp_status st = cramp_detector_create(&j->det, j->channels, &cfg, NULL, &err);
    if (st != CRAMP_OK) return fail(j, st, "cramp_detector_create", &err);
    j->used = cramp_detector_simd(j->det);
    j->acts_cap = cramp_detector_max_output(j->det, j->frames) +
                  cramp_detector_max_output(j->det, BENCH_BLOCK);
    j->acts = malloc(j->acts_cap * sizeof *j->acts);
    if (!j->acts) return fail(j, CRAMP_ENOMEM, "activity buffer", NULL);
    return alloc_out(j, (4 * j->acts_cap + j->channels - 1) / j->channels);
}

static cramp_status detector_step(job *j, const float *in, size_t n, size_t pos, size_t *got)
{
    return cramp_detector_process(j->det, in, n, j->acts + pos, j->acts_cap - pos, got);
}

static cramp_status detector_run(job *j)
{
    const size_t ch = j->channels;
    size_t pos = 0, got = 0;
    cramp_status st = run_blocks(j, detector_step, "cramp_detector_process", &pos);
    if (st != CRAMP_OK) return st;
    st = cramp_detector_finish(j->det, j->acts + pos, j->acts_cap - pos, &got);
    if (st != CRAMP_OK) return fail(j, st, "cramp_detector_finish", NULL);
    pos += got;
    j->n_acts = pos;
    j->out_frames = (4 * pos + ch - 1) / ch;
    memset(j->out, 0, j->out_frames * ch * sizeof *j->out);
    for (size_t i = 0; i < pos; i++) {
        j->out[4 * i] = (float)j->acts[i].onset_s;
        j->out[4 * i + 1] = (float)j->acts[i].offset_s;
        j->out[4 * i + 2] = (float)j->acts[i].rms_uv;
        j->out[4 * i + 3] = (float)j->acts[i].env_peak_uv;
    }
    return CRAMP_OK;
}

static void detector_reset(job *j) { cramp_detector_reset(j->det); }

typedef struct stage_def {
    const char *name;
    const char *what;
    int uses_simd;     /* 0: the stage has no SIMD choice; run once, simd "n/a" */
    size_t decimation; /* envelope decimation; 0 = BENCH_FS / BENCH_ENV_RATE */
    const char *family; /* outputs of one family are compared with each other */
    cramp_status (*setup)(job *);
    cramp_status (*run)(job *);
    void (*reset)(job *);
} stage_def;

static const stage_def STAGES[] = {
    {"causal", "streaming band-pass 20-450 + notch 50, blocks of 4096", 1, 1, "causal",
     causal_setup, causal_run, causal_reset},
    {"filtfilt", "cramp_filtfilt band-pass + notch, whole signal", 1, 1, "zerophase",
     filtfilt_setup, filtfilt_run, NULL},
    {"zerophase", "cramp_zerophase band-pass + notch, blocks of 4096", 1, 1, "zerophase",
     zerophase_setup, zerophase_run, zerophase_reset},
    {"rms_100hz", "moving RMS 0.25 s, output at 100 Hz", 0, 0, "rms_100hz", rms_setup, rms_run,
     rms_reset},
    {"rms_d1", "moving RMS 0.25 s, every frame (D=1)", 0, 1, "rms_d1", rms_setup, rms_run,
     rms_reset},
    {"pipeline_filtfilt", "filtfilt + RMS 0.25 s at 100 Hz, end to end", 1, 0, "pipeline",
     pipe_filtfilt_setup, pipe_filtfilt_run, NULL},
    {"pipeline_zerophase", "zerophase + RMS 0.25 s at 100 Hz, end to end", 1, 0, "pipeline",
     pipe_zerophase_setup, pipe_zerophase_run, NULL},
    {"wav_read", "float WAV -> cramp_recording blocks of 4096, open to close", 0, 1, "wav_read",
     wavread_setup, wavread_run, NULL},
    {"edf_read", "16-bit EDF+ -> float uV, cramp_recording blocks of 4096, open to close", 0, 1,
     "edf_read", edfread_setup, edfread_run, NULL},
#ifdef CRAMP_HAVE_EDFLIB
    {"edf_read_edflib", "the same EDF+ through EDFlib edfread_physical_samples, open to close",
     0, 1, "edf_read", edfread_setup, edflib_run, NULL},
#endif
    {"spectral", "Welch per 1 s epoch (Hann 0.5 s, 50 %) + all indices, blocks of 4096", 1, 1,
     "spectral", spectral_setup, spectral_run, spectral_reset},
    {"detector", "cramp_detector (detect's front end, comb 50), blocks of 4096, then finish",
     1, 1, "detector", detector_setup, detector_run, detector_reset},
    {"onset_threshold", "cramp_onset threshold (defaults) on the filtered signal", 0, 1,
     "onset_threshold", onset_threshold_setup, onset_run, onset_reset},
    {"onset_aasm", "cramp_onset AASM leg-movement rule", 0, 1, "onset_aasm", onset_aasm_setup,
     onset_run, onset_reset},
    {"onset_hodges_bui", "cramp_onset Hodges & Bui", 0, 1, "onset_hodges_bui",
     onset_hodges_setup, onset_run, onset_reset},
    {"onset_bonato", "cramp_onset Bonato double threshold", 0, 1, "onset_bonato",
     onset_bonato_setup, onset_run, onset_reset},
    {"onset_lidierth", "cramp_onset Lidierth", 0, 1, "onset_lidierth", onset_lidierth_setup,
     onset_run, onset_reset},
    {"onset_tkeo", "cramp_onset TKEO (Solnik)", 0, 1, "onset_tkeo", onset_tkeo_setup, onset_run,
     onset_reset},
    {"onset_londral", "cramp_onset Londral", 0, 1, "onset_londral", onset_londral_setup,
     onset_run, onset_reset},
    {"onset_cusum", "cramp_onset CUSUM / Page-Hinkley", 0, 1, "onset_cusum", onset_cusum_setup,
     onset_run, onset_reset},
};
#define N_STAGES (sizeof STAGES / sizeof STAGES[0])

static void job_free(job *j)
{
    cramp_filter_destroy(j->filter);
    cramp_zerophase_destroy(j->zp);
    cramp_envelope_destroy(j->env);
    cramp_spectral_destroy(j->spec);
    free(j->sres);
    cramp_onset_destroy(j->onset);
    j->onset = NULL;
    free(j->segs);
    j->segs = NULL;
    cramp_detector_destroy(j->det);
    j->det = NULL;
    free(j->acts);
    j->acts = NULL;
    free(j->out);
    free(j->tmp);
    if (j->path[0]) unlink(j->path);
    j->path[0] = '\0';
    j->filter = NULL;
    j->zp = NULL;
    j->env = NULL;
    j->spec = NULL;
    j->sres = NULL;
    j->out = j->tmp = NULL;
}

/* ---- measurements ------------------------------------------------------- */

typedef struct result {
    const stage_def *stage;
    size_t channels;
    cramp_simd simd;       /* path run (resolved) */
    int has_simd;
    int ok;
    char error[CRAMP_ERROR_MESSAGE_SIZE + 64];
    double median_s, min_s;
    double *times;         /* repeats entries */
    size_t n_times;
    double max_abs_diff;   /* vs the family reference; NAN when none */
    char reference[96];
    long peak_rss_kib;
} result;

/* Reference output per family, for the current channel count. */
typedef struct reference {
    const char *family;
    char label[64];
    float *data;
    size_t frames;
} reference;

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= m)) m = d; /* NaN propagates */
    }
    return m;
}

static int all_finite(const float *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

static void measure(const stage_def *sd, const float *in, size_t channels, size_t frames,
                    cramp_simd simd, unsigned repeats, reference *refs, size_t *n_refs,
                    result *r)
{
    job j;
    memset(&j, 0, sizeof j);
    j.in = in;
    j.channels = channels;
    j.frames = frames;
    j.fs = BENCH_FS;
    j.simd = simd;
    j.used = resolved(simd);
    j.decimation = sd->decimation ? sd->decimation : (size_t)lround(BENCH_FS / BENCH_ENV_RATE);

    memset(r, 0, sizeof *r);
    r->stage = sd;
    r->channels = channels;
    r->has_simd = sd->uses_simd;
    r->max_abs_diff = (double)NAN;
    r->times = calloc(repeats, sizeof *r->times);

    cramp_status st = r->times ? sd->setup(&j) : CRAMP_ENOMEM;
    if (st == CRAMP_OK) st = sd->run(&j); /* warm-up */
    for (unsigned k = 0; st == CRAMP_OK && k < repeats; k++) {
        if (sd->reset) sd->reset(&j);
        const double t0 = now_s();
        st = sd->run(&j);
        const double t1 = now_s();
        r->times[k] = t1 - t0;
        r->n_times = k + 1;
    }
    r->simd = j.used;
    if (st != CRAMP_OK) {
        snprintf(r->error, sizeof r->error, "%s", j.msg[0] ? j.msg : cramp_strerror(st));
        r->n_times = 0;
    } else {
        r->ok = 1;
        double *sorted = malloc(repeats * sizeof *sorted);
        if (sorted) {
            memcpy(sorted, r->times, repeats * sizeof *sorted);
            qsort(sorted, repeats, sizeof *sorted, cmp_double);
            r->min_s = sorted[0];
            r->median_s = repeats % 2 ? sorted[repeats / 2]
                                      : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);
            free(sorted);
        }
        const size_t n = j.out_frames * channels;
        if (!all_finite(j.out, n)) {
            r->ok = 0;
            snprintf(r->error, sizeof r->error, "output has non-finite values");
        }
        /* Compare with the first output of the family; keep this one if first. */
        reference *ref = NULL;
        for (size_t i = 0; i < *n_refs; i++)
            if (strcmp(refs[i].family, sd->family) == 0) ref = &refs[i];
        if (ref && ref->frames == j.out_frames) {
            r->max_abs_diff = max_abs_diff(ref->data, j.out, n);
            snprintf(r->reference, sizeof r->reference, "%s", ref->label);
        } else if (ref) {
            snprintf(r->reference, sizeof r->reference, "%s (length differs)", ref->label);
        } else if (r->ok) {
            ref = &refs[(*n_refs)++];
            ref->family = sd->family;
            snprintf(ref->label, sizeof ref->label, "%s/%s", sd->name,
                     sd->uses_simd ? cramp_simd_name(j.used) : "n/a");
            ref->frames = j.out_frames;
            ref->data = malloc((n ? n : 1) * sizeof *ref->data);
            if (ref->data) memcpy(ref->data, j.out, n * sizeof *ref->data);
            else (*n_refs)--;
            snprintf(r->reference, sizeof r->reference, "self");
        }
        if (j.onset) snprintf(r->reference, sizeof r->reference, "%zu segments", j.n_segs);
        if (j.det)
            snprintf(r->reference + strlen(r->reference),
                     sizeof r->reference - strlen(r->reference), ", %zu activities", j.n_acts);
    }
    job_free(&j);
    r->peak_rss_kib = peak_rss_kib();
}

/* ---- machine description ------------------------------------------------ */

static void read_proc_field(const char *path, const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    const size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0) continue;
        const char *p = strchr(line + klen, ':');
        if (!p) continue;
        p++;
        while (*p == ' ' || *p == '\t') p++;
        size_t len = strcspn(p, "\n");
        if (len >= cap) len = cap - 1;
        memcpy(out, p, len);
        out[len] = '\0';
        break;
    }
    fclose(f);
}

static const char *compiler_id(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

static void utc_date(char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tmv;
    if (gmtime_r(&t, &tmv)) strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    else snprintf(out, cap, "unknown");
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        const unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
}

typedef struct run_info {
    char cpu_model[256];
    char cpus_allowed[256];
    char date[32];
    struct utsname uts;
    double seconds;
    unsigned repeats;
    uint64_t seed;
    const char *simd_request;
} run_info;

static void write_json(FILE *f, const run_info *ri, const result *res, size_t n)
{
    fprintf(f, "{\n  \"schema\": \"cramp-bench/1\",\n  \"implementation\": \"cramp\",\n");
    fprintf(f, "  \"version\": ");
    json_str(f, cramp_version_string());
    fprintf(f, ",\n  \"date\": ");
    json_str(f, ri->date);
    fprintf(f, ",\n  \"machine\": {\"cpu_model\": ");
    json_str(f, ri->cpu_model);
    fprintf(f, ", \"online_cpus\": %ld, \"cpus_allowed\": ", sysconf(_SC_NPROCESSORS_ONLN));
    json_str(f, ri->cpus_allowed);
    fprintf(f, ", \"kernel\": ");
    json_str(f, ri->uts.release);
    fprintf(f, ", \"arch\": ");
    json_str(f, ri->uts.machine);
    fprintf(f, ", \"best_simd\": ");
    json_str(f, cramp_simd_name(cramp_simd_best()));
    fprintf(f, "},\n  \"compiler\": ");
    json_str(f, compiler_id());
    fprintf(f, ",\n  \"build_type\": ");
    json_str(f, CRAMP_BENCH_BUILD_TYPE);
    fprintf(f, ",\n  \"c_flags\": ");
    json_str(f, CRAMP_BENCH_C_FLAGS);
    fprintf(f, ",\n  \"settings\": {\"fs\": %g, \"seconds_of_signal\": %g, \"repeats\": %u, "
               "\"warmup\": 1, \"seed\": %llu, \"block_frames\": %u, \"simd\": ",
            BENCH_FS, ri->seconds, ri->repeats, (unsigned long long)ri->seed, BENCH_BLOCK);
    json_str(f, ri->simd_request);
    fprintf(f, ", \"clock\": \"CLOCK_MONOTONIC\", \"filter\": \"butter(%d, [%g, %g], bandpass) "
               "sos + iirnotch(%g, Q=%g)\", \"rms_window_s\": %g, \"envelope_rate_hz\": %g, "
               "\"spectral\": \"Welch epoch %g s, hann segment %g s, 50%% overlap\", "
               "\"fft_effort\": \"%s\"},\n",
            BENCH_BP_ORDER, BENCH_BP_LO, BENCH_BP_HI, BENCH_NOTCH_HZ, BENCH_NOTCH_Q, BENCH_RMS_S,
            BENCH_ENV_RATE, BENCH_SPEC_EPOCH_S, BENCH_SPEC_SEGMENT_S,
            fft_effort_names[g_fft_effort]);
    fprintf(f, "  \"peak_rss_kib\": %ld,\n  \"measurements\": [\n", peak_rss_kib());
    for (size_t i = 0; i < n; i++) {
        const result *r = &res[i];
        const double samples = (double)r->channels * (ri->seconds * BENCH_FS);
        fprintf(f, "    {\"stage\": ");
        json_str(f, r->stage->name);
        fprintf(f, ", \"channels\": %zu, \"fs\": %g, \"seconds_of_signal\": %g, \"simd\": ",
                r->channels, BENCH_FS, ri->seconds);
        json_str(f, r->has_simd ? cramp_simd_name(r->simd) : "n/a");
        fprintf(f, ", \"status\": ");
        json_str(f, r->ok ? "ok" : "failed");
        if (!r->ok) {
            fprintf(f, ", \"error\": ");
            json_str(f, r->error);
        }
        fprintf(f, ", \"median_s\": ");
        json_num(f, r->ok ? r->median_s : (double)NAN);
        fprintf(f, ", \"min_s\": ");
        json_num(f, r->ok ? r->min_s : (double)NAN);
        fprintf(f, ", \"samples_per_s\": ");
        json_num(f, r->ok ? samples / r->median_s : (double)NAN);
        fprintf(f, ", \"x_realtime\": ");
        json_num(f, r->ok ? ri->seconds / r->median_s : (double)NAN);
        fprintf(f, ", \"times_s\": [");
        for (size_t k = 0; k < r->n_times; k++) {
            if (k) fputs(", ", f);
            json_num(f, r->times[k]);
        }
        fprintf(f, "], \"max_abs_diff\": ");
        json_num(f, r->max_abs_diff);
        fprintf(f, ", \"reference\": ");
        json_str(f, r->reference);
        fprintf(f, ", \"peak_rss_kib\": %ld}%s\n", r->peak_rss_kib, i + 1 < n ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
}

/* Written to a temporary file beside the target, then renamed, so a failed
 * run leaves no half file. */
static int write_json_file(const char *path, const run_info *ri, const result *res, size_t n)
{
    if (strcmp(path, "-") == 0) {
        write_json(stdout, ri, res, n);
        return fflush(stdout) == 0 ? 0 : -1;
    }
    const size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (!tmp) return -1;
    snprintf(tmp, len, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    write_json(f, ri, res, n);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (!bad) bad = rename(tmp, path) != 0;
    if (bad) unlink(tmp);
    free(tmp);
    return bad ? -1 : 0;
}

/* ---- table ---------------------------------------------------------------- */

static void print_header(const run_info *ri)
{
    printf("cramp-bench %s   %s\n", cramp_version_string(), ri->date);
    printf("cpu: %s   (cpus allowed: %s)\n", ri->cpu_model, ri->cpus_allowed);
    printf("compiler: %s   build: %s\n", compiler_id(), CRAMP_BENCH_BUILD_TYPE);
    printf("signal: %g s at %g Hz per measurement (seed %llu); 1 warm-up + %u runs; "
           "wall time (CLOCK_MONOTONIC)\n",
           ri->seconds, BENCH_FS, (unsigned long long)ri->seed, ri->repeats);
    printf("filter: butter(%d, [%g, %g] Hz, bandpass) = 4 sos + iirnotch(%g Hz, Q %g); "
           "RMS %g s; best SIMD here: %s\n",
           BENCH_BP_ORDER, BENCH_BP_LO, BENCH_BP_HI, BENCH_NOTCH_HZ, BENCH_NOTCH_Q, BENCH_RMS_S,
           cramp_simd_name(cramp_simd_best()));
    printf("spectral: Welch per %g s epoch, Hann %g s segments, 50 %% overlap, constant "
           "detrend; MNF, MDF, peak, FInsm5, entropy, 4 moments, 3 band powers; FFTW plan: "
           "%s\n\n",
           BENCH_SPEC_EPOCH_S, BENCH_SPEC_SEGMENT_S, fft_effort_names[g_fft_effort]);
    printf("%-19s %3s %-7s %10s %10s %12s %11s %10s  %s\n", "stage", "ch", "simd", "median ms",
           "min ms", "M samples/s", "x realtime", "max|diff|", "vs");
}

static void print_row(const run_info *ri, const result *r)
{
    const char *simd = r->has_simd ? cramp_simd_name(r->simd) : "n/a";
    if (!r->ok) {
        printf("%-19s %3zu %-7s   FAILED: %s\n", r->stage->name, r->channels, simd, r->error);
        return;
    }
    const double samples = (double)r->channels * (ri->seconds * BENCH_FS);
    char diff[32];
    if (isnan(r->max_abs_diff)) snprintf(diff, sizeof diff, "-");
    else snprintf(diff, sizeof diff, "%.2e", r->max_abs_diff);
    printf("%-19s %3zu %-7s %10.3f %10.3f %12.1f %11.0f %10s  %s\n", r->stage->name, r->channels,
           simd, r->median_s * 1e3, r->min_s * 1e3, samples / r->median_s * 1e-6,
           ri->seconds / r->median_s, diff, r->reference);
    fflush(stdout);
}

/* ---- command line --------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cramp-bench [OPTIONS]\n"
            "Throughput of cramp's filtering stages and preprocessing pipeline on a seeded\n"
            "EMG-like signal at 2 kHz.\n\n"
            "  -s, --seconds S      seconds of signal per measurement (default 60)\n"
            "  -r, --repeats N      timed runs after one warm-up; median and min (default 7)\n"
            "  -c, --channels LIST  channel counts, comma-separated (default 1,8,16)\n"
            "  -m, --simd PATH      all|auto|scalar|avx2|avx512 (default all: every path\n"
            "                       this CPU and build run)\n"
            "  -t, --stages LIST    comma-separated subset of the stages below (default all)\n"
            "  -j, --json FILE      also write the results as JSON ('-' = stdout)\n"
            "      --seed N         signal seed (default 1)\n"
            "      --fft-effort E   FFTW planner of the spectral stage: estimate (default),\n"
            "                       measure, patient or exhaustive (planned before timing)\n"
            "  -l, --list-stages    list the stages and exit\n"
            "  -h, --help           this help\n"
            "  -V, --version        print the version\n\n"
            "Pin to one core for stable figures:  taskset -c 0 cramp-bench ...\n"
            "Compare with SciPy:  bench/run.sh -b BUILD_DIR [options]\n"
            "Compare two runs:    /usr/bin/python3 bench/compare.py OLD.json NEW.json\n"
            "Exit status: 0 all measurements ran, 1 some failed, 2 usage error.\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || s[0] == '-' || v > 4096) return -1;
    *out = (size_t)v;
    return 0;
}

static int stage_index(const char *name, size_t len)
{
    for (size_t i = 0; i < N_STAGES; i++)
        if (strlen(STAGES[i].name) == len && strncmp(STAGES[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

int main(int argc, char **argv)
{
    run_info ri;
    memset(&ri, 0, sizeof ri);
    ri.seconds = 60.0;
    ri.repeats = 7;
    ri.seed = 1;
    ri.simd_request = "all";
    const char *channels_arg = "1,8,16", *stages_arg = NULL, *json_path = NULL;

    enum { OPT_SEED = 256, OPT_FFT_EFFORT };
    static const struct option opts[] = {
        {"seconds", required_argument, NULL, 's'},  {"repeats", required_argument, NULL, 'r'},
        {"channels", required_argument, NULL, 'c'}, {"simd", required_argument, NULL, 'm'},
        {"stages", required_argument, NULL, 't'},   {"json", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, OPT_SEED}, {"list-stages", no_argument, NULL, 'l'},
        {"fft-effort", required_argument, NULL, OPT_FFT_EFFORT},
        {"help", no_argument, NULL, 'h'},           {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "s:r:c:m:t:j:lhV", opts, NULL)) != -1) {
        char *end;
        switch (o) {
        case 's':
            errno = 0;
            ri.seconds = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(ri.seconds > 0.0) || ri.seconds > 1e6) {
                fprintf(stderr, "cramp-bench: --seconds wants a number > 0, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'r': {
            size_t n;
            if (parse_size(optarg, &n) != 0 || n > 1000) {
                fprintf(stderr, "cramp-bench: --repeats wants 1..1000, got '%s'\n", optarg);
                return 2;
            }
            ri.repeats = (unsigned)n;
            break;
        }
        case 'c': channels_arg = optarg; break;
        case 'm': ri.simd_request = optarg; break;
        case 't': stages_arg = optarg; break;
        case 'j': json_path = optarg; break;
        case OPT_SEED:
            errno = 0;
            ri.seed = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end) {
                fprintf(stderr, "cramp-bench: --seed wants an integer, got '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_FFT_EFFORT: {
            size_t k = 0;
            while (k < 4 && strcmp(optarg, fft_effort_names[k]) != 0) k++;
            if (k == 4) {
                fprintf(stderr, "cramp-bench: --fft-effort wants estimate, measure, patient or "
                                "exhaustive, got '%s'\n", optarg);
                return 2;
            }
            g_fft_effort = (cramp_fft_effort)k;
            break;
        }
        case 'l':
            for (size_t i = 0; i < N_STAGES; i++)
                printf("%-19s %s\n", STAGES[i].name, STAGES[i].what);
            return 0;
        case 'h': usage(stdout); return 0;
        case 'V': printf("cramp-bench %s\n", cramp_version_string()); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "cramp-bench: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    /* Channel counts. */
    size_t chans[16], n_chans = 0;
    for (const char *p = channels_arg; *p;) {
        const size_t len = strcspn(p, ",");
        char tok[32];
        if (len == 0 || len >= sizeof tok || n_chans == sizeof chans / sizeof chans[0]) {
            fprintf(stderr, "cramp-bench: bad --channels '%s'\n", channels_arg);
            return 2;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (parse_size(tok, &chans[n_chans]) != 0) {
            fprintf(stderr, "cramp-bench: bad channel count '%s' (1..4096)\n", tok);
            return 2;
        }
        n_chans++;
        p += len;
        if (*p == ',') p++;
    }
    if (n_chans == 0) {
        fprintf(stderr, "cramp-bench: --channels is empty\n");
        return 2;
    }

    /* Stages. */
    int want[N_STAGES];
    for (size_t i = 0; i < N_STAGES; i++) want[i] = stages_arg == NULL;
    if (stages_arg) {
        for (const char *p = stages_arg; *p;) {
            const size_t len = strcspn(p, ",");
            const int k = stage_index(p, len);
            if (k < 0 && len == 5 && strncmp(p, "onset", 5) == 0) { /* every onset_* stage */
                for (size_t i = 0; i < N_STAGES; i++)
                    if (strncmp(STAGES[i].name, "onset_", 6) == 0) want[i] = 1;
                p += len;
                if (*p == ',') p++;
                continue;
            }
            if (k < 0) {
                fprintf(stderr, "cramp-bench: unknown stage '%.*s' (see --list-stages)\n",
                        (int)len, p);
                return 2;
            }
            want[k] = 1;
            p += len;
            if (*p == ',') p++;
        }
    }

    /* SIMD paths. */
    cramp_simd paths[4];
    size_t n_paths = 0;
    const char *skipped[4];
    size_t n_skipped = 0;
    if (strcmp(ri.simd_request, "all") == 0) {
        const cramp_simd all[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
        for (size_t i = 0; i < 3; i++) {
            if (cramp_simd_available(all[i])) paths[n_paths++] = all[i];
            else skipped[n_skipped++] = cramp_simd_name(all[i]);
        }
    } else {
        cramp_simd s;
        if (cramp_simd_parse(ri.simd_request, &s) != 0) {
            fprintf(stderr, "cramp-bench: --simd wants all|auto|scalar|avx2|avx512, got '%s'\n",
                    ri.simd_request);
            return 2;
        }
        paths[n_paths++] = s; /* an unavailable path is reported as a failed measurement */
    }

    read_proc_field("/proc/cpuinfo", "model name", ri.cpu_model, sizeof ri.cpu_model);
    read_proc_field("/proc/self/status", "Cpus_allowed_list", ri.cpus_allowed,
                    sizeof ri.cpus_allowed);
    utc_date(ri.date, sizeof ri.date);
    if (uname(&ri.uts) != 0) memset(&ri.uts, 0, sizeof ri.uts);

    const double frames_d = floor(ri.seconds * BENCH_FS);
    size_t max_ch = 0;
    for (size_t i = 0; i < n_chans; i++)
        if (chans[i] > max_ch) max_ch = chans[i];
    if (frames_d < 1.0 || frames_d * (double)max_ch * sizeof(float) > 8e9) {
        fprintf(stderr, "cramp-bench: --seconds %g gives an unusable signal size\n", ri.seconds);
        return 2;
    }
    const size_t frames = (size_t)frames_d;
    ri.seconds = (double)frames / BENCH_FS;

    size_t n_res_max = n_chans * N_STAGES * n_paths;
    result *res = calloc(n_res_max, sizeof *res);
    if (!res) {
        fprintf(stderr, "cramp-bench: out of memory\n");
        return 1;
    }
    size_t n_res = 0;
    int failures = 0;

    print_header(&ri);
    for (size_t i = 0; i < n_skipped; i++)
        printf("(simd %s: not available on this CPU or build, skipped)\n", skipped[i]);

    for (size_t ci = 0; ci < n_chans; ci++) {
        const size_t ch = chans[ci];
        float *x = alloc_floats(frames * ch);
        if (!x) {
            fprintf(stderr, "cramp-bench: out of memory for %zu channels\n", ch);
            failures++;
            continue;
        }
        make_signal(x, frames, ch, BENCH_FS, ri.seed);
        reference refs[N_STAGES];
        size_t n_refs = 0;
        for (size_t si = 0; si < N_STAGES; si++) {
            if (!want[si]) continue;
            const stage_def *sd = &STAGES[si];
            const size_t np = sd->uses_simd ? n_paths : 1;
            for (size_t pi = 0; pi < np; pi++) {
                const cramp_simd s = sd->uses_simd ? paths[pi] : CRAMP_SIMD_AUTO;
                result *r = &res[n_res++];
                measure(sd, x, ch, frames, s, ri.repeats, refs, &n_refs, r);
                if (!r->ok) failures++;
                print_row(&ri, r);
            }
        }
        for (size_t i = 0; i < n_refs; i++) free(refs[i].data);
        free(x);
        printf("\n");
    }
    printf("peak RSS: %ld KiB\n", peak_rss_kib());

    int rc = failures ? 1 : 0;
    if (json_path && write_json_file(json_path, &ri, res, n_res) != 0) {
        fprintf(stderr, "cramp-bench: cannot write %s: %s\n", json_path, strerror(errno));
        rc = 1;
    }
    if (failures) fprintf(stderr, "cramp-bench: %d measurement(s) failed\n", failures);
    for (size_t i = 0; i < n_res; i++) free(res[i].times);
    free(res);
    return rc;
}
