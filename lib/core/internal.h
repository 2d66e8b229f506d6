/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal declarations of the core layer (status, SIMD dispatch, reading a
 * text file whole) shared by
 * every layer above it; not installed. */
#ifndef CRAMP_CORE_INTERNAL_H
#define CRAMP_CORE_INTERNAL_H

#include <stddef.h>

#include "cramp/simd.h"
#include "cramp/status.h"

/* Widest SIMD lane count any kernel uses; state arrays are padded to it. */
#define CRAMP_MAX_LANES 8

/* Frames a kernel moves through its double scratch block at a time. */
#define CRAMP_KERNEL_BLOCK 256

static inline size_t cramp__pad_channels(size_t channels)
{
    return (channels + CRAMP_MAX_LANES - 1) / CRAMP_MAX_LANES * CRAMP_MAX_LANES;
}

/* Resolves AUTO and checks availability; CRAMP_EUNSUPPORTED if s can't run here. */
cramp_status cramp__simd_resolve(cramp_simd s, cramp_simd *out);

/* Reads the file at path whole into *text, NUL-terminated, which the caller
 * frees; *len (may be NULL) gets its length without the NUL. max_bytes: a
 * longer file is refused (0: no limit). Returns CRAMP_OK; CRAMP_EIO when the
 * file can't be opened (*open_errno, may be NULL, gets fopen's errno; 0 for
 * any other failure) or a read fails; CRAMP_ERANGE longer than max_bytes;
 * CRAMP_EFORMAT when it holds a NUL byte (not text); CRAMP_ENOMEM. *text is
 * NULL on any failure. Writes no message: the caller names what the file was
 * meant to be (core/text_file.c). */
cramp_status cramp__read_text_file(const char *path, size_t max_bytes, char **text, size_t *len,
                                   int *open_errno);

/* A buffer of `bytes` (0 taken as 1) aligned to `align` (a power of two,
 * a multiple of sizeof(void *)); from CRAMP_HUGE_PAGE bytes on aligned to
 * that and advised as transparent huge pages where the system has them
 * (Linux madvise; advice only), so that a multi-megabyte buffer touched
 * once costs a few page faults instead of one per 4 KB (bench/README.md,
 * h16k, h16ae). Free with free(); NULL when out of memory. Thread-safe. */
#define CRAMP_HUGE_PAGE ((size_t)2 << 20)
void *cramp__alloc_huge(size_t bytes, size_t align);

/* Writes a formatted message into err (if not NULL) and returns status. */
cramp_status cramp__fail(cramp_error *err, cramp_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
