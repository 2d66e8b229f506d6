/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library's only use of FFTW (single precision, fftw3f): plans, their
 * buffers and the wisdom file, behind one process-wide mutex. See
 * fftw_plan.h. */
#define _POSIX_C_SOURCE 200809L

#include "dsp/fftw_plan.h"

#include <fftw3.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/output.h"

struct cramp__fft {
    fftwf_plan plan;
    float *in;
    fftwf_complex *out;
    size_t n;
};

/* FFTW's planner, wisdom and plan destruction are global and unsynchronised. */
static pthread_mutex_t g_plan_lock = PTHREAD_MUTEX_INITIALIZER;

/* Wisdom files already imported by this process (under g_plan_lock). A few
 * paths at most; kept until exit. */
typedef struct imported_path {
    struct imported_path *next;
    char path[];
} imported_path;
static imported_path *g_imported;

static int already_imported(const char *path)
{
    for (const imported_path *p = g_imported; p; p = p->next)
        if (strcmp(p->path, path) == 0) return 1;
    return 0;
}

static void remember_imported(const char *path)
{
    const size_t len = strlen(path) + 1;
    imported_path *p = malloc(sizeof *p + len);
    if (!p) return; /* only costs a second import later */
    memcpy(p->path, path, len);
    p->next = g_imported;
    g_imported = p;
}

/* Writes text to path through the one safe output (a temporary file in the
 * same folder and a rename), so a reader never sees half a file. 0 on
 * success. */
static int write_atomically(const char *path, const char *text)
{
    cramp_output *o;
    if (cramp_output_open(&o, path, 0, NULL) != CRAMP_OK) return -1;
    FILE *fp = cramp_output_stream(o, NULL);
    if (!fp || fputs(text, fp) < 0) {
        cramp_output_abort(o);
        return -1;
    }
    return cramp_output_commit(o, NULL) == CRAMP_OK ? 0 : -1;
}

cramp_status cramp__fft_create(cramp__fft **out, size_t n, cramp_fft_effort effort,
                               const char *wisdom_path, unsigned *wisdom)
{
    *out = NULL;
    *wisdom = 0;
    if (n == 0 || n > INT_MAX) return CRAMP_ERANGE;
    cramp__fft *f = calloc(1, sizeof *f);
    if (!f) return CRAMP_ENOMEM;
    f->n = n;
    f->in = fftwf_malloc(n * sizeof *f->in);
    f->out = fftwf_malloc((n / 2 + 1) * sizeof *f->out);
    if (!f->in || !f->out) {
        cramp__fft_destroy(f);
        return CRAMP_ENOMEM;
    }
    const int use_wisdom = wisdom_path && *wisdom_path;
    unsigned flags = FFTW_ESTIMATE;
    switch (effort) {
    case CRAMP_FFT_ESTIMATE: flags = FFTW_ESTIMATE; break;
    case CRAMP_FFT_MEASURE: flags = FFTW_MEASURE; break;
    case CRAMP_FFT_PATIENT: flags = FFTW_PATIENT; break;
    case CRAMP_FFT_EXHAUSTIVE: flags = FFTW_EXHAUSTIVE; break;
    }
    const int timed = effort != CRAMP_FFT_ESTIMATE;

    pthread_mutex_lock(&g_plan_lock);
    char *before = NULL;
    if (use_wisdom) {
        *wisdom |= CRAMP_WISDOM_USED;
        if (already_imported(wisdom_path)) {
            *wisdom |= CRAMP_WISDOM_LOADED;
        } else if (access(wisdom_path, R_OK) == 0 &&
                   fftwf_import_wisdom_from_filename(wisdom_path)) {
            *wisdom |= CRAMP_WISDOM_LOADED;
            remember_imported(wisdom_path);
        }
        if (timed) before = fftwf_export_wisdom_to_string();
    }
    f->plan = fftwf_plan_dft_r2c_1d((int)n, f->in, f->out, flags);
    if (f->plan && use_wisdom && timed) {
        char *after = fftwf_export_wisdom_to_string();
        if (after && (!before || strcmp(before, after) != 0)) {
            if (write_atomically(wisdom_path, after) == 0) {
                *wisdom |= CRAMP_WISDOM_SAVED;
                /* What is on disk is now what this process holds. */
                if (!already_imported(wisdom_path)) remember_imported(wisdom_path);
            } else {
                *wisdom |= CRAMP_WISDOM_SAVE_FAILED;
            }
        }
        free(after);
    }
    free(before);
    pthread_mutex_unlock(&g_plan_lock);

    if (!f->plan) {
        cramp__fft_destroy(f);
        return CRAMP_EUNSUPPORTED;
    }
    /* Timed planners scribble over the buffers. */
    memset(f->in, 0, n * sizeof *f->in);
    memset(f->out, 0, (n / 2 + 1) * sizeof *f->out);
    *out = f;
    return CRAMP_OK;
}

float *cramp__fft_in(cramp__fft *f) { return f->in; }

const float *cramp__fft_out(const cramp__fft *f) { return (const float *)f->out; }

void cramp__fft_execute(cramp__fft *f) { fftwf_execute(f->plan); }

void cramp__fft_destroy(cramp__fft *f)
{
    if (!f) return;
    if (f->plan) {
        pthread_mutex_lock(&g_plan_lock);
        fftwf_destroy_plan(f->plan);
        pthread_mutex_unlock(&g_plan_lock);
    }
    fftwf_free(f->in);
    fftwf_free(f->out);
    free(f);
}
