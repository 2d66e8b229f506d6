/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The night driver (cramp/night.h): rate groups, first minute, mains choice,
 * then each group's detectors (step 4, night_threads.c: in the calling
 * thread or on worker threads), classification and summary. Its sources (a
 * night in memory, a recording) are in night_sources.c. */
#define _POSIX_C_SOURCE 200809L
#include "cramp/night.h"
#include "core/internal.h"
#include "detect/detect_internal.h"
#include "detect/night_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cramp_night_options_default(cramp_night_options *opt)
{
    memset(opt, 0, sizeof *opt);
    cramp_detect_config_default(&opt->detect);
    opt->mains_hz = -1;
    opt->prime_s = 60;
    opt->block_frames = 4096;
    opt->threads = 1;
}

void cramp_night_result_free(cramp_night_result *res)
{
    if (!res) return;
    free(res->episodes);
    memset(res, 0, sizeof *res);
}

double cramp_night_min_duration(const cramp_detect_config *cfg)
{
    return 2 * cfg->min_duration_s;
}

/* "'name' " (subject) for the driver's own messages; "the recording " without a name. */
const char *cramp__night_subject(const cramp_night_options *o, char *buf, size_t cap)
{
    snprintf(buf, cap, o->name ? "'%s' " : "the recording ", o->name);
    return buf;
}

/* "'name': " or "" for the driver's own messages. */
const char *cramp__night_prefix(const cramp_night_options *o, char *buf, size_t cap)
{
    if (!o->name) return "";
    snprintf(buf, cap, "'%s': ", o->name);
    return buf;
}

/* One mains frequency for the night (see night.h, step 3). */
static double choose_mains(const cramp_night_result *r, double given, double fallback,
                           char *how, size_t cap)
{
    snprintf(how, cap, "given");
    if (given >= 0) return given;
    const cramp_night_group *best = NULL;
    for (size_t k = 0; k < r->n_groups; k++)
        if (r->group[k].mains_guess > 0 && (!best || r->group[k].fs > best->fs))
            best = &r->group[k];
    if (!best) {
        snprintf(how, cap, "auto: undecided, default");
        return fallback;
    }
    snprintf(how, cap, "auto");
    for (size_t k = 0; k < r->n_groups; k++) {
        const cramp_night_group *g = &r->group[k];
        if (g->mains_guess > 0 && g->mains_guess != best->mains_guess) {
            snprintf(how, cap,
                     "auto: the %g-Hz channels say %g Hz, the %g-Hz ones %g Hz; took the faster",
                     best->fs, best->mains_guess, g->fs, g->mains_guess);
            break;
        }
    }
    return best->mains_guess;
}

/* src->read, its time added to prof's read stage when prof is not NULL. */
cramp_status cramp__night_read(const cramp_night_source *src, const size_t *idx, size_t n,
                               float *buf, size_t want, size_t *got, cramp_error *err,
                               cramp_profile *prof)
{
    const double t0 = prof ? cramp_clock_s() : 0;
    cramp_status st = src->read(src->user, idx, n, buf, want, got, err);
    if (prof) prof->wall_s[CRAMP_STAGE_READ] += cramp_clock_s() - t0;
    return st;
}

/* The same for src->rewind. */
cramp_status cramp__night_rewind(const cramp_night_source *src, const size_t *idx, size_t n,
                                 cramp_error *err, cramp_profile *prof)
{
    const double t0 = prof ? cramp_clock_s() : 0;
    cramp_status st = src->rewind(src->user, idx, n, err);
    if (prof) prof->wall_s[CRAMP_STAGE_READ] += cramp_clock_s() - t0;
    return st;
}

/* Reads up to want frames of g's channels into buf (fewer only at the end). */
static cramp_status read_full(const cramp_night_source *src, const size_t *idx, size_t n,
                              float *buf, size_t want, size_t *got, cramp_error *err,
                              cramp_profile *prof)
{
    *got = 0;
    while (*got < want) {
        size_t k = 0;
        cramp_status st =
            cramp__night_read(src, idx, n, buf + *got * n, want - *got, &k, err, prof);
        if (st != CRAMP_OK) return st;
        if (k == 0) break;
        *got += k;
    }
    return CRAMP_OK;
}

/* Appends a to l (doubling its array); CRAMP_OK or CRAMP_ENOMEM. */
cramp_status cramp__night_push(cramp__seg_list *l, const cramp_activity *a)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 256;
        cramp_activity *p = realloc(l->a, nc * sizeof *p);
        if (!p) return CRAMP_ENOMEM;
        l->a = p;
        l->cap = nc;
    }
    l->a[l->n++] = *a;
    return CRAMP_OK;
}

/* One order of the night's segments whatever the split: by onset, channel,
 * kind (a channel's segments of one kind never share an onset). */
static int cmp_seg(const void *a, const void *b)
{
    const cramp_activity *x = a, *y = b;
    if (x->onset_s != y->onset_s) return x->onset_s < y->onset_s ? -1 : 1;
    if (x->channel != y->channel) return x->channel < y->channel ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return (x->offset_s > y->offset_s) - (x->offset_s < y->offset_s);
}

/* The recipe over r's channels (n_channels, channel, channel_index set),
 * the 2-thread cut forced when forced is not NULL. */
static cramp_status run_channels(const cramp_night_source *src, const double *fs,
                                 const cramp_night_options *o,
                                 const cramp__night_forced_cut *forced,
                                 cramp_night_result *r, cramp_error *err)
{
    char pb[CRAMP_ERROR_MESSAGE_SIZE];
    const size_t C = r->n_channels;
    float *prime[CRAMP_DETECT_MAX_CHANNELS] = {0};
    float *buf = NULL;
    cramp__seg_list segs = {0};
    size_t widest = 0;
    cramp_status st = CRAMP_OK;
    cramp_profile *prof = o->profile ? &r->profile : NULL;
    const double t_run = prof ? cramp_clock_s() : 0, cpu_run = prof ? cramp_process_cpu_s() : 0;
    if (!(o->prime_s > 0) || o->block_frames == 0)
        return cramp__fail(err, CRAMP_EINVAL, "night options: prime_s %g and block_frames %zu "
                           "must be positive", o->prime_s, o->block_frames);
    /* 1. groups in the order of their first channel */
    for (size_t c = 0; c < C; c++) {
        size_t k = 0;
        while (k < r->n_groups && r->group[k].fs != fs[c]) k++;
        cramp_night_group *g = &r->group[k];
        if (k == r->n_groups) {
            r->n_groups++;
            g->fs = fs[c];
        }
        g->member[g->n++] = c;
        if (g->n > widest) widest = g->n;
    }
    /* 2. the first minute of each group */
    const double min_s = cramp_night_min_duration(&o->detect);
    for (size_t k = 0; k < r->n_groups; k++) {
        cramp_night_group *g = &r->group[k];
        size_t idx[CRAMP_DETECT_MAX_CHANNELS];
        for (size_t m = 0; m < g->n; m++) idx[m] = r->channel_index[g->member[m]];
        const size_t pf = (size_t)(o->prime_s * g->fs);
        prime[k] = malloc((pf ? pf : 1) * g->n * sizeof *prime[k]);
        if (!prime[k]) {
            st = cramp__fail(err, CRAMP_ENOMEM, "out of memory");
            goto done;
        }
        if ((st = cramp__night_rewind(src, idx, g->n, err, prof)) != CRAMP_OK ||
            (st = read_full(src, idx, g->n, prime[k], pf, &g->primed, err, prof)) != CRAMP_OK)
            goto done;
        /* all of a short night is in its first minute */
        const double dur = (double)g->primed / g->fs;
        if (g->primed < pf && dur < min_s) {
            st = cramp__fail(err, CRAMP_EINVAL,
                             "%sthe recording is %g s long (%zu frame%s at %g Hz); the detector "
                             "needs at least %g s",
                             cramp__night_prefix(o, pb, sizeof pb), dur, g->primed,
                             g->primed == 1 ? "" : "s", g->fs, min_s);
            goto done;
        }
        g->mains_guess = cramp_detect_mains_guess(prime[k], g->primed, g->n, g->fs);
        g->cfg = o->detect;
        g->cfg.fs = g->fs;
        /* a short night: enough baseline blocks to take a quantile from */
        if (g->primed < pf && dur < 20) {
            g->cfg.baseline.block_s = fmax(2.0 / 100.0, dur / 20);
            g->cfg.baseline.warmup_s = dur / 2;
        }
    }
    /* 3. one mains frequency */
    r->mains_hz = choose_mains(r, o->mains_hz, o->detect.mains_hz, r->mains_how,
                               sizeof r->mains_how);
    /* 4. the groups, one after the other */
    buf = malloc(o->block_frames * widest * sizeof *buf);
    if (!buf) {
        st = cramp__fail(err, CRAMP_ENOMEM, "out of memory");
        goto done;
    }
    double done_s = 0;
    const double total_s = src->duration_s * (double)r->n_groups;
    for (size_t k = 0; k < r->n_groups; k++) {
        cramp_night_group *g = &r->group[k];
        g->cfg.mains_hz = r->mains_hz;
        st = cramp__night_run_group(src, o, forced, r, g, &prime[k], buf, &done_s, total_s, &segs,
                                    err);
        free(prime[k]);
        prime[k] = NULL;
        if (st != CRAMP_OK) goto done;
        r->duration_s = fmax(r->duration_s, (double)g->frames / g->fs);
        r->samples += g->frames * g->n;
    }
    /* 5. all groups together, in one order whatever the threads; the
     * classification settings do not depend on the rate: any group's */
    if (segs.n) qsort(segs.a, segs.n, sizeof *segs.a, cmp_seg);
    cramp_error e;
    memset(&e, 0, sizeof e);
    const double t_cls = prof ? cramp_clock_s() : 0;
    st = cramp_detect_classify(segs.a, segs.n, r->channel, C, &r->group[0].cfg, &r->episodes,
                               &r->n_episodes, &e);
    if (st != CRAMP_OK) {
        cramp__fail(err, st, "%s%s", cramp__night_prefix(o, pb, sizeof pb), e.message);
        goto done;
    }
    cramp_detect_summarize(r->episodes, r->n_episodes, r->duration_s, &r->summary);
    if (prof) {
        const double t = cramp_clock_s();
        prof->wall_s[CRAMP_STAGE_CLASSIFY] += t - t_cls;
        prof->total_wall_s = t - t_run;
        prof->cpu_s = cramp_process_cpu_s() - cpu_run;
        prof->samples = r->samples;
    }
    if (o->progress) o->progress(o->progress_user, 1.0);
done:
    for (size_t k = 0; k < CRAMP_DETECT_MAX_CHANNELS; k++) free(prime[k]);
    free(buf);
    free(segs.a);
    if (st != CRAMP_OK) cramp_night_result_free(r);
    return st;
}

cramp_status cramp__night_run_channels(const cramp_night_source *src, const double *fs,
                                       const cramp_night_options *o, cramp_night_result *r,
                                       cramp_error *err)
{
    return run_channels(src, fs, o, NULL, r, err);
}

/* cramp_night_run with the 2-thread cut forced (NULL: measured). */
static cramp_status night_run(const cramp_night_source *src, const cramp_night_options *opt,
                              const cramp__night_forced_cut *forced, cramp_night_result *res,
                              cramp_error *err)
{
    if (!res) return cramp__fail(err, CRAMP_EINVAL, "night: result is NULL");
    memset(res, 0, sizeof *res);
    cramp_night_options def;
    if (!opt) {
        cramp_night_options_default(&def);
        opt = &def;
    }
    char pb[CRAMP_ERROR_MESSAGE_SIZE];
    if (!src || !src->fs || !src->read || !src->rewind || src->n_channels == 0 ||
        src->n_channels > CRAMP_DETECT_MAX_CHANNELS)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%snight source: 1..%d channels with rates and read/rewind callbacks "
                           "wanted",
                           cramp__night_prefix(opt, pb, sizeof pb), CRAMP_DETECT_MAX_CHANNELS);
    res->n_channels = src->n_channels;
    for (size_t c = 0; c < src->n_channels; c++) {
        if (!(src->fs[c] >= CRAMP_NIGHT_MIN_FS_HZ))
            return cramp__fail(err, CRAMP_EINVAL,
                               "%schannel %zu is sampled at %g Hz; the detector needs at least "
                               "%d Hz (sEMG is recorded at 200 Hz and up)",
                               cramp__night_prefix(opt, pb, sizeof pb), c, src->fs[c], CRAMP_NIGHT_MIN_FS_HZ);
        res->channel_index[c] = c;
        if (src->info) {
            res->channel[c] = src->info[c];
        } else {
            cramp_detect_channel_from_label("", &res->channel[c]);
        }
    }
    return run_channels(src, src->fs, opt, forced, res, err);
}

cramp_status cramp_night_run(const cramp_night_source *src, const cramp_night_options *opt,
                             cramp_night_result *res, cramp_error *err)
{
    return night_run(src, opt, NULL, res, err);
}

cramp_status cramp__night_run_forced_cut(const cramp_night_source *src,
                                         const cramp_night_options *opt, const unsigned *late,
                                         size_t n_late, cramp_night_result *res,
                                         cramp_error *err)
{
    const cramp__night_forced_cut f = {late, n_late};
    return night_run(src, opt, &f, res, err);
}

