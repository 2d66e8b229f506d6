/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See plain_detector.h; the twin is plain_detector.py. */
#include "plain_detector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plain_config_default(plain_config *cfg)
{
    cfg->band_lo_hz = 20;
    cfg->band_hi_hz = 450;
    cfg->order = 4;
    cfg->max_fraction = 0.9;
    cfg->rms_window_s = 0.25;
    cfg->tick_s = 0.01;
    cfg->threshold_x_median = 4;
    cfg->merge_gap_s = 0.5;
    cfg->min_s = 0.5;
    cfg->cramp_min_s = 5;
    cfg->plm_min_count = 4;
    cfg->plm_min_interval_s = 5;
    cfg->plm_max_interval_s = 90;
}

void plain_config_describe(const plain_config *cfg, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "butter(%d) %g-%g Hz (upper <= %g x fs/2) zero-phase; RMS %g s every %g s; "
             "threshold %g x median; gaps < %g s merged; >= %g s kept; >= %g s cramp; "
             "series of >= %zu with onsets %g-%g s apart plm, else burst (bench/plain_detector.h)",
             cfg->order, cfg->band_lo_hz, cfg->band_hi_hz, cfg->max_fraction, cfg->rms_window_s,
             cfg->tick_s, cfg->threshold_x_median, cfg->merge_gap_s, cfg->min_s,
             cfg->cramp_min_s, cfg->plm_min_count, cfg->plm_min_interval_s,
             cfg->plm_max_interval_s);
}

const char *plain_class_name(plain_class c)
{
    static const char *const names[] = {"cramp", "plm", "burst"};
    return (unsigned)c < 3 ? names[c] : "unknown";
}

typedef struct ticks {
    float *v;
    size_t n, cap;
} ticks;

struct plain_detector {
    size_t C;
    double fs, lo, hi;
    plain_config cfg;
    size_t D, N;
    cramp_zerophase *zp;
    cramp_envelope *env;
    float *zbuf, *ebuf;
    size_t zcap, ecap;
    ticks *t;
    double *thr;
};

void plain_detector_destroy(plain_detector *p)
{
    if (!p) return;
    cramp_zerophase_destroy(p->zp);
    cramp_envelope_destroy(p->env);
    free(p->zbuf);
    free(p->ebuf);
    if (p->t)
        for (size_t c = 0; c < p->C; c++) free(p->t[c].v);
    free(p->t);
    free(p->thr);
    free(p);
}

plain_detector *plain_detector_create(size_t channels, double fs, const plain_config *cfg,
                                      cramp_error *err)
{
    if (!channels || channels > 32 || !(fs > 0)) return NULL;
    plain_detector *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->C = channels;
    p->fs = fs;
    p->cfg = *cfg;
    if (cramp_band_clamp(fs, cfg->band_lo_hz, cfg->band_hi_hz, cfg->max_fraction, &p->lo,
                         &p->hi, NULL, err) != CRAMP_OK)
        goto fail;
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t ns = 0;
    cramp_butter_spec bs = {CRAMP_BANDPASS, cfg->order, fs, p->lo, p->hi};
    if (cramp_butter_design(&bs, sos, CRAMP_BUTTER_MAX_SECTIONS, &ns, err) != CRAMP_OK) goto fail;
    cramp_zerophase_config zc;
    cramp_zerophase_config_default(&zc);
    if (cramp_zerophase_create(&p->zp, sos, ns, channels, &zc, err) != CRAMP_OK) goto fail;
    long d = lround(cfg->tick_s * fs);
    p->D = d < 1 ? 1 : (size_t)d;
    cramp_envelope_config ec;
    cramp_envelope_config_default(&ec);
    ec.kind = CRAMP_ENV_RMS;
    ec.fs = fs;
    ec.window_s = cfg->rms_window_s;
    ec.decimation = p->D;
    if (cramp_envelope_create(&p->env, channels, &ec, err) != CRAMP_OK) goto fail;
    p->N = cramp_envelope_window_frames(p->env);
    p->t = calloc(channels, sizeof *p->t);
    p->thr = calloc(channels, sizeof *p->thr);
    if (!p->t || !p->thr) goto fail;
    return p;
fail:
    plain_detector_destroy(p);
    return NULL;
}

static int grow(float **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    float *q = realloc(*buf, need * sizeof *q);
    if (!q) return -1;
    *buf = q;
    *cap = need;
    return 0;
}

/* Band-passed frames z[0..n) into the envelope and the tick store. */
static int feed_env(plain_detector *p, const float *z, size_t n)
{
    if (!n) return 0;
    size_t need = cramp_envelope_max_output(p->env, n) * p->C;
    if (grow(&p->ebuf, &p->ecap, need)) return -1;
    size_t got = 0;
    if (cramp_envelope_process(p->env, z, n, p->ebuf, p->ecap / p->C, &got) != CRAMP_OK)
        return -1;
    for (size_t c = 0; c < p->C; c++) {
        ticks *t = &p->t[c];
        if (t->n + got > t->cap) {
            size_t cap = t->cap ? t->cap : 4096;
            while (cap < t->n + got) cap *= 2;
            float *q = realloc(t->v, cap * sizeof *q);
            if (!q) return -1;
            t->v = q;
            t->cap = cap;
        }
        for (size_t k = 0; k < got; k++) t->v[t->n + k] = p->ebuf[k * p->C + c];
        t->n += got;
    }
    return 0;
}

int plain_detector_process(plain_detector *p, const float *in, size_t frames)
{
    if (!frames) return 0;
    size_t need = cramp_zerophase_max_output(p->zp, frames) * p->C;
    if (grow(&p->zbuf, &p->zcap, need)) return -1;
    size_t got = 0;
    if (cramp_zerophase_process(p->zp, in, frames, p->zbuf, p->zcap / p->C, &got) != CRAMP_OK)
        return -1;
    return feed_env(p, p->zbuf, got);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* numpy.median of v[0..n) (sorts a copy). */
static double median(const float *v, size_t n)
{
    if (!n) return ((double)NAN);
    float *w = malloc(n * sizeof *w);
    if (!w) return ((double)NAN);
    memcpy(w, v, n * sizeof *w);
    qsort(w, n, sizeof *w, cmp_float);
    double m = n % 2 ? (double)w[n / 2] : 0.5 * ((double)w[n / 2 - 1] + (double)w[n / 2]);
    free(w);
    return m;
}

typedef struct ev {
    double on, off;
    int cls;
    uint32_t mask;
} ev;

typedef struct evlist {
    ev *v;
    size_t n, cap;
} evlist;

static int push(evlist *l, ev e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        ev *q = realloc(l->v, cap * sizeof *q);
        if (!q) return -1;
        l->v = q;
        l->cap = cap;
    }
    l->v[l->n++] = e;
    return 0;
}

static int cmp_ev(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    if (x->cls != y->cls) return x->cls - y->cls;
    if (x->on != y->on) return x->on < y->on ? -1 : 1;
    return 0;
}

static int cmp_onset(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    if (x->on != y->on) return x->on < y->on ? -1 : 1;
    return x->cls - y->cls;
}

/* Episodes of channel c appended to out, classified. */
static int channel_events(const plain_detector *p, size_t c, evlist *out)
{
    const plain_config *cfg = &p->cfg;
    const ticks *t = &p->t[c];
    const double dt = (double)p->D / p->fs;
    const double shift = (double)(p->N - 1) / (2 * p->fs);
    const double thr = p->thr[c];
    evlist runs = {0};
    for (size_t k = 0; k < t->n;) {
        if (!((double)t->v[k] > thr)) {
            k++;
            continue;
        }
        size_t j = k;
        while (j + 1 < t->n && (double)t->v[j + 1] > thr) j++;
        double on = (double)((k + 1) * p->D - 1) / p->fs - shift;
        double off = (double)((j + 1) * p->D - 1) / p->fs - shift + dt;
        if (runs.n && on - runs.v[runs.n - 1].off < cfg->merge_gap_s)
            runs.v[runs.n - 1].off = off;
        else if (push(&runs, (ev){on, off, -1, 1u << c}))
            return -1;
        k = j + 1;
    }
    /* classify */
    size_t first = out->n;
    for (size_t i = 0; i < runs.n; i++) {
        ev e = runs.v[i];
        double dur = e.off - e.on;
        if (dur < cfg->min_s) continue;
        e.cls = dur >= cfg->cramp_min_s ? PLAIN_CRAMP : PLAIN_BURST;
        if (push(out, e)) {
            free(runs.v);
            return -1;
        }
    }
    free(runs.v);
    /* chains of short episodes (onset order; cramps skipped) */
    size_t chain[4096], n_chain = 0;
    double last_on = -INFINITY;
    for (size_t i = first; i <= out->n; i++) {
        int is_lm = i < out->n && out->v[i].cls != PLAIN_CRAMP;
        if (i < out->n && !is_lm) continue;
        double gap = i < out->n ? out->v[i].on - last_on : -1;
        int joins = is_lm && n_chain && gap >= cfg->plm_min_interval_s &&
                    gap <= cfg->plm_max_interval_s && n_chain < 4096;
        if (!joins) {
            if (n_chain >= cfg->plm_min_count)
                for (size_t q = 0; q < n_chain; q++) out->v[chain[q]].cls = PLAIN_PLM;
            n_chain = 0;
        }
        if (is_lm) {
            chain[n_chain++] = i;
            last_on = out->v[i].on;
        }
    }
    return 0;
}

int plain_detector_finish(plain_detector *p, plain_event **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = cramp_zerophase_max_output(p->zp, 0) * p->C;
    if (grow(&p->zbuf, &p->zcap, cap)) return -1;
    size_t got = 0;
    if (cramp_zerophase_finish(p->zp, p->zbuf, p->zcap / p->C, &got, NULL) != CRAMP_OK) return -1;
    if (feed_env(p, p->zbuf, got)) return -1;
    evlist all = {0};
    for (size_t c = 0; c < p->C; c++) {
        p->thr[c] = p->cfg.threshold_x_median * median(p->t[c].v, p->t[c].n);
        if (channel_events(p, c, &all)) {
            free(all.v);
            return -1;
        }
    }
    /* one event per class where channels overlap */
    if (all.n) qsort(all.v, all.n, sizeof *all.v, cmp_ev);
    size_t m = 0;
    for (size_t i = 0; i < all.n; i++) {
        if (m && all.v[m - 1].cls == all.v[i].cls && all.v[i].on < all.v[m - 1].off) {
            if (all.v[i].off > all.v[m - 1].off) all.v[m - 1].off = all.v[i].off;
            all.v[m - 1].mask |= all.v[i].mask;
        } else {
            all.v[m++] = all.v[i];
        }
    }
    if (m) qsort(all.v, m, sizeof *all.v, cmp_onset);
    plain_event *o = malloc((m ? m : 1) * sizeof *o);
    if (!o) {
        free(all.v);
        return -1;
    }
    for (size_t i = 0; i < m; i++)
        o[i] = (plain_event){all.v[i].on, all.v[i].off - all.v[i].on, (plain_class)all.v[i].cls,
                             all.v[i].mask};
    free(all.v);
    *out = o;
    *n = m;
    return 0;
}

void plain_detector_band(const plain_detector *p, double *lo, double *hi)
{
    *lo = p->lo;
    *hi = p->hi;
}

double plain_detector_threshold(const plain_detector *p, size_t channel)
{
    return channel < p->C ? p->thr[channel] : ((double)NAN);
}
