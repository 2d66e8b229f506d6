/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: status codes and error detail shared by every object.
 *
 * Every fallible function returns a cramp_status. Functions whose failure a
 * user must be able to act on (a cutoff above Nyquist, a bad header field)
 * also take an optional cramp_error * that receives a one-line message naming
 * the parameter, its value and what was expected. The library never prints. */
#ifndef CRAMP_STATUS_H
#define CRAMP_STATUS_H

#include "cramp/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_status {
    CRAMP_OK = 0,
    CRAMP_EINVAL,       /* an argument is invalid (NULL, zero, out of its domain) */
    CRAMP_ENOMEM,       /* an allocation failed */
    CRAMP_ERANGE,       /* a value is outside what the sampling rate or size allows */
    CRAMP_EIO,          /* reading or writing a file failed */
    CRAMP_EFORMAT,      /* a file is malformed */
    CRAMP_EUNSUPPORTED  /* valid, but not supported by this build or machine */
} cramp_status;

/* Size of cramp_error.message, including the terminating NUL. */
#define CRAMP_ERROR_MESSAGE_SIZE 256

/* Detail for the last failure of one call. Caller-owned; pass NULL where the
 * detail is not wanted. On success the struct is left untouched. */
typedef struct cramp_error {
    cramp_status status;
    char message[CRAMP_ERROR_MESSAGE_SIZE];
} cramp_error;

/* A static English description of s; never NULL (unknown codes give
 * "unknown status"). Thread-safe, allocates nothing. */
CRAMP_API const char *cramp_strerror(cramp_status s);

/* The library version as "MAJOR.MINOR.PATCH". Static, thread-safe. */
CRAMP_API const char *cramp_version_string(void);

#ifdef __cplusplus
}
#endif

#endif
