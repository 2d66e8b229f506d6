/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the backends behind cramp_recording (one per file family). */
#ifndef CRAMP_RECORDING_INTERNAL_H
#define CRAMP_RECORDING_INTERNAL_H

#include <stdint.h>

#include "core/internal.h"
#include "cramp/recording.h"

typedef struct cramp__rec_ops {
    cramp_status (*select)(void *impl, const size_t *channels, size_t n, cramp_error *err);
    cramp_status (*read)(void *impl, float *out, size_t max_frames, size_t *frames,
                         cramp_error *err);
    void (*tell)(const void *impl, size_t *frame, double *time_s);
    cramp_status (*seek)(void *impl, size_t frame, cramp_error *err);
    void (*close)(void *impl);
    /* 1 when every value read() gives is finite, for any selection (NULL,
       or 0: not known) */
    int (*finite)(const void *impl);
} cramp__rec_ops;

/* A backend's open: on success sets *impl, *header (owned by impl, valid
 * until ops->close) and *ops. Messages name the file (path). */
typedef cramp_status (*cramp__rec_open_fn)(const char *path, const cramp_recording_options *opt,
                                           void **impl, const cramp_rec_header **header,
                                           const cramp__rec_ops **ops, cramp_error *err);

cramp_status cramp__edf_open(const char *path, const cramp_recording_options *opt, void **impl,
                             const cramp_rec_header **header, const cramp__rec_ops **ops,
                             cramp_error *err);
cramp_status cramp__wav_open(const char *path, const cramp_recording_options *opt, void **impl,
                             const cramp_rec_header **header, const cramp__rec_ops **ops,
                             cramp_error *err);

cramp_status cramp__text_open(const char *path, const cramp_recording_options *opt, void **impl,
                              const cramp_rec_header **header, const cramp__rec_ops **ops,
                              cramp_error *err);
cramp_status cramp__wfdb_open(const char *path, const cramp_recording_options *opt, void **impl,
                              const cramp_rec_header **header, const cramp__rec_ops **ops,
                              cramp_error *err);

/* ---- pieces every backend's ops share -------------------------------------- */

/* tell() of a backend whose frames are evenly spaced from time 0 at fs Hz. */
static inline void cramp__rec_tell_even(uint64_t pos, double fs, size_t *frame, double *time_s)
{
    if (frame) *frame = (size_t)pos;
    if (time_s) *time_s = (double)pos / fs;
}

/* seek()'s range check: frame must be 0 .. total (the end is a valid place). */
static inline cramp_status cramp__rec_seek_range(const char *path, size_t frame, uint64_t total,
                                                 cramp_error *err)
{
    if ((uint64_t)frame > total)
        return cramp__fail(err, CRAMP_ERANGE, "%s: seek to frame %zu: expected 0 to %llu", path,
                           frame, (unsigned long long)total);
    return CRAMP_OK;
}

/* read() before select(): the message every backend gives. */
static inline cramp_status cramp__rec_unselected(const char *path, cramp_error *err)
{
    return cramp__fail(err, CRAMP_EINVAL, "%s: read before choosing channels (select)", path);
}

/* 1 when every value cramp_recording_read gives from r is finite, for any
 * selection and whatever the samples are: an EDF or BDF file (integer
 * samples) whose signals' scales keep them in float's range; 0 when not
 * known (other formats). A reader of r may skip its own finiteness checks. */
int cramp__recording_finite(const cramp_recording *r);

/* 1 if the n first bytes are text (no NUL or control byte but TAB, CR, LF). */
int cramp__text_sniff(const unsigned char *head, size_t n);

/* Appends a formatted header warning to warn[] (*n of cap used; beyond cap
 * it is dropped). CRAMP_ENOMEM names path. (text_read.c) */
cramp_status cramp__add_warning(char **warn, size_t cap, size_t *n, const char *path,
                               cramp_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Factor from a voltage unit to microvolts ("uV", "µV", "nV", "mV", "V",
 * case-sensitive), 0 when u is not one (text_read.c). */
double cramp__volt_factor(const char *u);
/* Sets ci's file_unit, unit and to_output from the unit as the file states
 * it: voltages are read in uV, anything else as it is. */
void cramp__set_unit(cramp_channel_info *ci, const char *file_unit);

/* 1 if the first bytes are an EDF ("0       ") or BDF (0xFF "BIOSEMI") version field. */
int cramp__edf_sniff(const unsigned char *head, size_t n);

/* libsndfile reports a failed open through process-wide variables: every
 * sf_open* in cramp runs under this lock (wav_read.c, wav_write.c) so that
 * concurrent opens in distinct threads each get their own message. */
void cramp__sndfile_lock(void);
void cramp__sndfile_unlock(void);

#endif
