/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The night driver's sources (cramp/night.h): a night held in memory, and a
 * recording (its channels chosen, read and rewound through cramp_recording),
 * each run through the recipe in night.c. */
#define _POSIX_C_SOURCE 200809L
#include "cramp/night.h"
#include "core/internal.h"
#include "detect/detect_internal.h"
#include "detect/night_internal.h"
#include "io/recording_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a night in memory as a source ------------------------------------ */

static cramp_status mem_read(void *user, const size_t *channels, size_t n, float *out,
                             size_t max_frames, size_t *frames, cramp_error *err)
{
    cramp_night_memory *m = user;
    (void)err;
    const size_t left = m->n_frames - m->pos;
    *frames = left < max_frames ? left : max_frames;
    for (size_t i = 0; i < *frames; i++)
        for (size_t k = 0; k < n; k++)
            out[i * n + k] = m->frames[(m->pos + i) * m->channels + channels[k]];
    m->pos += *frames;
    return CRAMP_OK;
}

static cramp_status mem_rewind(void *user, const size_t *channels, size_t n, cramp_error *err)
{
    (void)channels;
    (void)n;
    (void)err;
    ((cramp_night_memory *)user)->pos = 0;
    return CRAMP_OK;
}

void cramp_night_source_memory(cramp_night_source *src, cramp_night_memory *mem,
                               const float *frames, size_t n_frames, size_t channels,
                               const double *fs, const cramp_detect_channel *info)
{
    mem->frames = frames;
    mem->n_frames = n_frames;
    mem->channels = channels;
    mem->pos = 0;
    src->n_channels = channels;
    src->fs = fs;
    src->info = info;
    src->duration_s = channels && fs[0] > 0 ? (double)n_frames / fs[0] : 0;
    src->read = mem_read;
    src->rewind = mem_rewind;
    src->user = mem;
}

/* ---- the recording as a source ----------------------------------------- */

typedef struct rec_source {
    cramp_recording *rec;
    const cramp_rec_header *h;
    int64_t frames;      /* the selection's frames, as the header announces them */
    int64_t frames_read;
    const cramp_night_options *opt; /* its name for messages */
} rec_source;

static cramp_status rec_rewind(void *user, const size_t *channels, size_t n, cramp_error *err)
{
    rec_source *s = user;
    const cramp_channel_info *c0 = &s->h->channels[channels[0]];
    s->frames = c0->samples_per_record > 0
                    ? (int64_t)(c0->samples_per_record * s->h->n_records)
                    : (int64_t)llround(s->h->duration_s * c0->fs);
    s->frames_read = 0;
    return cramp_recording_select(s->rec, channels, n, err);
}

/* The refusal of a recording whose segments are separated by gaps (the
   driver filters one continuous signal): before the run from the header's
   segments, or during it (during_run) where an EDF+ opened with its TALs as
   read shows a gap its first and last records did not (the last segment's
   first record named). */
static cramp_status refuse_gaps(const cramp_night_options *opt, const cramp_rec_header *h,
                                int during_run, cramp_error *err)
{
    char pb[CRAMP_ERROR_MESSAGE_SIZE], count[32] = "", where[96] = "";
    const cramp_segment *sg = &h->segments[h->n_segments - 1];
    if (during_run)
        snprintf(where, sizeof where, " (data record %zu starts a segment at %.7g s)",
                 sg->first_record, sg->onset_s);
    else
        snprintf(count, sizeof count, "%zu ", h->n_segments);
    return cramp__fail(err, CRAMP_EUNSUPPORTED,
                       "%sis %s with %ssegments separated by gaps in time%s: filtering or an "
                       "envelope across a gap would join them; not supported yet",
                       cramp__night_subject(opt, pb, sizeof pb), cramp_rec_format_name(h->format),
                       count, where);
}

static cramp_status rec_read(void *user, const size_t *channels, size_t n, float *out,
                             size_t max_frames, size_t *frames, cramp_error *err)
{
    rec_source *s = user;
    (void)channels;
    (void)n;
    cramp_status st = cramp_recording_read(s->rec, out, max_frames, frames, err);
    if (st != CRAMP_OK) return st;
    if (*frames < max_frames && s->frames_read + (int64_t)*frames < s->frames &&
        s->h->n_segments > 1) /* an EDF+ opened with its TALs as read: a gap its ends did not show */
        return refuse_gaps(s->opt, s->h, 1, err);
    if (*frames < max_frames && s->frames_read + (int64_t)*frames < s->frames)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "'%s' ends at frame %lld of the %lld its header announces (a gap or "
                           "a truncated file)",
                           s->opt->name ? s->opt->name : "recording",
                           (long long)(s->frames_read + (int64_t)*frames),
                           (long long)s->frames);
    s->frames_read += (int64_t)*frames;
    return CRAMP_OK;
}

int cramp__night_source_finite(const cramp_night_source *src)
{
    return src->read == rec_read && cramp__recording_finite(((const rec_source *)src->user)->rec);
}

int cramp__night_source_worker_reads(const cramp_night_source *src)
{
    /* the driver's own recording source: its state (the recording, its
       mapping, the frame count) is touched by one thread at a time */
    return src->read == rec_read;
}

/* The default channels: every signal channel at >= CRAMP_NIGHT_MIN_FS_HZ. */
static cramp_status default_channels(const cramp_rec_header *h, const char *p, const char *subj,
                                     size_t *idx, size_t *n, cramp_error *err)
{
    size_t n_data = 0, n_fast = 0, fastest = 0;
    for (size_t c = 0; c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        if (ci->is_annotation) continue;
        if (n_data++ == 0 || ci->fs > h->channels[fastest].fs) fastest = c;
        if (!(ci->fs >= CRAMP_NIGHT_MIN_FS_HZ)) continue;
        if (n_fast++ < CRAMP_DETECT_MAX_CHANNELS) idx[(*n)++] = c;
    }
    if (n_data == 0)
        return cramp__fail(err, CRAMP_EINVAL, "%sholds no signal channels (only annotations)",
                           subj);
    if (n_fast > CRAMP_DETECT_MAX_CHANNELS)
        return cramp__fail(err, CRAMP_ERANGE, "%s%zu channels%s; at most %d per run", p, n_fast,
                           n_fast < n_data ? " fast enough" : "", CRAMP_DETECT_MAX_CHANNELS);
    if (n_fast == 0)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%sno channel is sampled at %d Hz or more (the fastest, '%s', at %g "
                           "Hz); the detector needs at least %d Hz (sEMG is recorded at 200 Hz "
                           "and up)",
                           p, CRAMP_NIGHT_MIN_FS_HZ, h->channels[fastest].label,
                           h->channels[fastest].fs, CRAMP_NIGHT_MIN_FS_HZ);
    return CRAMP_OK;
}

cramp_status cramp_night_channels(const cramp_recording *rec, const cramp_night_options *opt,
                                  size_t *idx, size_t *n, cramp_error *err)
{
    *n = 0;
    cramp_night_options def;
    if (!opt) {
        cramp_night_options_default(&def);
        opt = &def;
    }
    char pb[CRAMP_ERROR_MESSAGE_SIZE];
    const char *p = cramp__night_prefix(opt, pb, sizeof pb);
    const cramp_rec_header *h = cramp_recording_header(rec);
    cramp_status st = CRAMP_OK;
    if (!opt->channels) {
        char sb[CRAMP_ERROR_MESSAGE_SIZE];
        st = default_channels(h, p, cramp__night_subject(opt, sb, sizeof sb), idx, n, err);
    } else if (opt->n_channels == 0 || opt->n_channels > CRAMP_DETECT_MAX_CHANNELS) {
        st = cramp__fail(err, CRAMP_ERANGE, "%s%zu channels; 1 to %d per run", p,
                         opt->n_channels, CRAMP_DETECT_MAX_CHANNELS);
    } else {
        for (size_t c = 0; c < opt->n_channels && st == CRAMP_OK; c++) {
            const size_t i = opt->channels[c];
            if (i >= h->n_channels || h->channels[i].is_annotation)
                st = cramp__fail(err, CRAMP_EINVAL, "%schannel index %zu is not a signal", p, i);
            else if (!(h->channels[i].fs >= CRAMP_NIGHT_MIN_FS_HZ))
                st = cramp__fail(err, CRAMP_EINVAL,
                                 "%schannel '%s' is sampled at %g Hz; the detector needs at "
                                 "least %d Hz (sEMG is recorded at 200 Hz and up)",
                                 p, h->channels[i].label, h->channels[i].fs,
                                 CRAMP_NIGHT_MIN_FS_HZ);
            else
                idx[(*n)++] = i;
        }
    }
    if (st != CRAMP_OK) *n = 0;
    return st;
}

cramp_status cramp_night_run_recording(cramp_recording *rec, const cramp_night_options *opt,
                                       cramp_night_result *res, cramp_error *err)
{
    if (!res) return cramp__fail(err, CRAMP_EINVAL, "night: result is NULL");
    memset(res, 0, sizeof *res);
    if (!rec) return cramp__fail(err, CRAMP_EINVAL, "night: recording is NULL");
    cramp_night_options def;
    if (!opt) {
        cramp_night_options_default(&def);
        opt = &def;
    }
    const cramp_rec_header *h = cramp_recording_header(rec);
    cramp_status st = cramp_night_channels(rec, opt, res->channel_index, &res->n_channels, err);
    if (st != CRAMP_OK) return st;
    if (h->n_segments > 1) {
        memset(res, 0, sizeof *res);
        return refuse_gaps(opt, h, 0, err);
    }
    double fs[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t c = 0; c < res->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[res->channel_index[c]];
        fs[c] = ci->fs;
        cramp_detect_channel_from_label(ci->label, &res->channel[c]);
        if (h->format != CRAMP_REC_WAV) {
            res->channel[c].phys_min = ci->phys_min * ci->to_output;
            res->channel[c].phys_max = ci->phys_max * ci->to_output;
        } else if (!strcmp(ci->unit, "uV") && ci->to_output > 0) {
            /* WAV read in uV: the rails are +-full scale */
            res->channel[c].phys_min = ci->phys_min * ci->to_output;
            res->channel[c].phys_max = ci->phys_max * ci->to_output;
        }
    }
    rec_source rs = {rec, h, 0, 0, opt};
    cramp_night_source src = {res->n_channels, fs, res->channel, h->duration_s,
                              rec_read,        rec_rewind, &rs};
    return cramp__night_run_channels(&src, fs, opt, res, err);
}
