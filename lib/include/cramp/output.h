/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the one safe way to write an output file.
 *
 * What happens depends on what the path names when the output is opened:
 *   - nothing, or a regular file: the data go to a temporary file
 *     "<folder>/.<name>.XXXXXX" in the same folder, which commit syncs and
 *     renames over the destination; an existing file keeps its permission
 *     bits (a 0444 file stays 0444), a new one gets 0666 & ~umask;
 *   - a symbolic link (to a regular file or to nothing): the file it points
 *     to is replaced that way; the link stays a link;
 *   - a character or block device, a FIFO or a socket: written directly,
 *     never renamed over or removed;
 *   - "-" with CRAMP_OUTPUT_DASH_STDOUT: standard output;
 *   - a directory, a missing folder, no permission: open fails with a message
 *     naming the path and the reason. A failed write or commit (full disk)
 *     removes the temporary file and leaves an existing destination exactly
 *     as it was.
 * Every temporary file of the process is in one registry; after
 * cramp_output_catch_signals, SIGINT, SIGTERM and SIGHUP remove all of them
 * (async-signal-safe unlink of names formatted at open) and the process then
 * ends by the signal. The library's own writers (EDF/BDF, WAV, FFTW wisdom)
 * write through this module, so their temporary files are covered too.
 *
 * Typical use:
 *     cramp_output *o;
 *     cramp_error err;
 *     if (cramp_output_open(&o, path, CRAMP_OUTPUT_DASH_STDOUT, &err) != CRAMP_OK) fail(err.message);
 *     FILE *f = cramp_output_stream(o, &err);
 *     fprintf(f, "...");
 *     if (cramp_output_commit(o, &err) != CRAMP_OK) fail(err.message);   // frees o
 *
 * Threads: one output belongs to one thread; distinct outputs may be used in
 * distinct threads at once (the registry is lock-free). Opening allocates. */
#ifndef CRAMP_OUTPUT_H
#define CRAMP_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "cramp/export.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cramp_output cramp_output;

/* Flags of cramp_output_open. */
/* "-" is standard output (text outputs); without it "-" is a file name. */
#define CRAMP_OUTPUT_DASH_STDOUT 1u
/* The writer needs to seek and read back (EDF, WAV): for a direct
 * destination (device, FIFO, socket, stdout) the descriptor is an unnamed
 * scratch file in the temporary folder (TMPDIR or /tmp) that commit copies to
 * the destination in order. */
#define CRAMP_OUTPUT_SEEKABLE 2u

/* Opens an output for path. On success *out is the output (free it with
 * commit or abort); on failure *out is NULL, nothing is left on disk, and err
 * (may be NULL) says "PATH: cannot write: REASON". flags: the CRAMP_OUTPUT_*
 * bits above. A FIFO blocks here until a reader opens it. */
CRAMP_API cramp_status cramp_output_open(cramp_output **out, const char *path, unsigned flags,
                                         cramp_error *err);

/* The descriptor to write into: the temporary file, the direct destination,
 * or (SEEKABLE) the scratch file. Owned by the output; do not close it. After
 * cramp_output_stream, write through the stream only. */
CRAMP_API int cramp_output_fd(const cramp_output *o);

/* A stdio stream over the descriptor, made on the first call and owned by
 * the output (commit flushes and closes it); stdout for "-". NULL with err
 * set if it cannot be made. */
CRAMP_API FILE *cramp_output_stream(cramp_output *o, cramp_error *err);

/* 1 if the destination is written in place (device, FIFO, socket, stdout):
 * commit then renames nothing and abort cannot take back what was written. */
CRAMP_API int cramp_output_is_direct(const cramp_output *o);

/* The destination path as given to open. */
CRAMP_API const char *cramp_output_path(const cramp_output *o);

/* Flushes, syncs and closes; moves the temporary file into place (or copies
 * the scratch file to the direct destination). Always frees o. On failure
 * the temporary file is removed, the destination is as it was, and err says
 * "PATH: cannot write: REASON" (e.g. "No space left on device"). */
CRAMP_API cramp_status cramp_output_commit(cramp_output *o, cramp_error *err);

/* Commits n outputs all or none: every output is first flushed, synced and
 * closed (direct ones: their data delivered); only when all of that succeeded
 * are the temporary files renamed into place. If any fails, every temporary
 * file is removed and no destination is changed (data already delivered to
 * a direct destination cannot be taken back). Always frees every output;
 * NULL entries are skipped. err names the first output that failed. */
CRAMP_API cramp_status cramp_output_commit_all(cramp_output *const *outs, size_t n,
                                               cramp_error *err);

/* Closes and frees o, removing its temporary file; the destination is left
 * as it was. NULL-safe. */
CRAMP_API void cramp_output_abort(cramp_output *o);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every
 * registered temporary file and then end the process by the signal (default
 * action re-raised). Idempotent. For programs (the library installs nothing
 * by itself); a program that handles these signals itself can instead call
 * cramp_output_remove_all_temporaries from its handler. */
CRAMP_API void cramp_output_catch_signals(void);

/* Unlinks every registered temporary file. Async-signal-safe (only unlink
 * of names formatted at open); for signal handlers and fatal paths. */
CRAMP_API void cramp_output_remove_all_temporaries(void);

#ifdef __cplusplus
}
#endif

#endif
