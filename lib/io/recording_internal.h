/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the backends behind cramp_recording (one per file family). */
#ifndef CRAMP_RECORDING_INTERNAL_H
#define CRAMP_RECORDING_INTERNAL_H

#include "cramp/recording.h"

typedef struct cramp__rec_ops {
    cramp_status (*select)(void *impl, const size_t *channels, size_t n, cramp_error *err);
    cramp_status (*read)(void *impl, float *out, size_t max_frames, size_t *frames,
                         cramp_error *err);
    void (*tell)(const void *impl, size_t *frame, double *time_s);
    cramp_status (*seek)(void *impl, size_t frame, cramp_error *err);
    void (*close)(void *impl);
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
