/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the machine's speed tuning of the night driver, as `cramp tune`
 * measures and saves it (as FFTW keeps wisdom): the block size, the SIMD path,
 * the FFTW planner effort and the thread count that ran a simulated night
 * fastest on this CPU while giving episodes identical to the untuned run's.
 *
 * The tuning changes speed only, never results: every SIMD path gives the
 * same bits, any block size gives the same segments (cramp/detect.h), and a
 * planner effort is kept by `cramp tune` only where the spectral measures came
 * out bit-identical (tests/tuning_results.c checks a run with and without a
 * tuning file, and with a deliberately odd one); the night driver is
 * bit-identical for any thread count (cramp/night.h, "Threads").
 *
 * The file: $XDG_CONFIG_HOME/cramp/tuning (default ~/.config/cramp/tuning),
 * FFTW wisdom beside it (fftw-wisdom). Text, one "key value" per line, '#'
 * starts a comment line, blank lines are skipped:
 *
 *     format 1
 *     cpu_model AMD EPYC 7B13 64-Core Processor
 *     cpu_flags 3f6a9c0e12d45b78
 *     block_frames 16384
 *     simd avx512
 *     fft_effort measure
 *     fft_wisdom fftw-wisdom
 *     threads 2
 *     part_channels 4
 *     measured_msps 212.5
 *     reference_msps 176.0
 *
 * cpu_model is /proc/cpuinfo's "model name", cpu_flags the FNV-1a 64 hash of
 * its "flags" line (cramp_tuning_cpu); a file whose model or flags differ is
 * for another CPU and is not applied. fft_wisdom is relative to the file's
 * folder (or absolute), "none" for no wisdom. measured_msps and
 * reference_msps (M samples/s of the tuned and of the untuned run on the
 * tuning night) are information only. threads (1..1024: worker threads of
 * the night driver for one recording, cramp_night_options.threads) is
 * optional: absent, the tuning says nothing about threads (t->threads 0) and
 * every caller keeps its own default; `cramp tune` ranks it by wall time,
 * since CPU time cannot show a gain from threads. part_channels
 * (1..CRAMP_DETECT_MAX_CHANNELS, cramp_night_options.part_channels) is
 * optional too: the channels per part that `cramp tune` found fastest with
 * those threads (absent: the driver's default). Every other key but
 * measured_msps and reference_msps is required once; an unknown key is
 * refused (a typo must not pass silently). A later version adds keys with a
 * default that keeps today's behaviour when absent, and raises `format` only
 * if an old reader would misread the file.
 *
 * Units: block_frames in frames, speeds in millions of samples (frames x
 * channels) per second. Ownership: a cramp_tuning is a plain value (fixed
 * arrays, no pointers to free). Threads: every function is reentrant;
 * cramp_tuning_default_path and cramp_tuning_find read the environment
 * (getenv), so they must not race with setenv. Allocation: reading and
 * writing allocate temporarily; nothing is kept. The library never applies a
 * tuning by itself: the caller asks (cramp_tuning_find, cramp_tuning_apply). */
#ifndef CRAMP_TUNING_H
#define CRAMP_TUNING_H

#include <stddef.h>

#include "cramp/export.h"
#include "cramp/fft.h"
#include "cramp/night.h"
#include "cramp/simd.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The file format version this library reads and writes. */
#define CRAMP_TUNING_FORMAT 1
#define CRAMP_TUNING_MODEL_SIZE 128
#define CRAMP_TUNING_FLAGS_SIZE 17 /* 16 hex digits and the NUL */
#define CRAMP_TUNING_PATH_SIZE 4096

typedef struct cramp_tuning {
    char cpu_model[CRAMP_TUNING_MODEL_SIZE]; /* "model name", or "unknown" */
    char cpu_flags[CRAMP_TUNING_FLAGS_SIZE]; /* FNV-1a 64 of the flags line, hex */
    size_t block_frames;       /* night driver frames per read; 0: not tuned */
    cramp_simd simd;           /* AUTO: not tuned */
    cramp_fft_effort fft_effort; /* FFTW planner of the detector's spectra */
    char fft_wisdom[CRAMP_TUNING_PATH_SIZE]; /* wisdom file, absolute once read
                                                (relative to the file's folder in
                                                the file); "" none */
    size_t threads;            /* night driver threads per recording, 1..1024; 0: not
                                  tuned (no `threads` line) */
    size_t part_channels;      /* channels per part with worker threads,
                                  1..CRAMP_DETECT_MAX_CHANNELS; 0: not tuned (the
                                  driver's default, one SIMD vector) */
    double measured_msps;      /* information: tuned speed on the tuning night; 0 unknown */
    double reference_msps;     /* information: untuned speed there; 0 unknown */
    char path[CRAMP_TUNING_PATH_SIZE]; /* file it was read from; "" if none */
} cramp_tuning;

/* An untuned value: this CPU's model and flags, block_frames 0, AUTO,
 * ESTIMATE, no wisdom, threads 0, part_channels 0, no path. Applying it changes nothing. Reads
 * /proc/cpuinfo (once per call). */
CRAMP_API void cramp_tuning_init(cramp_tuning *t);

/* This CPU's model name and flags hash as the file keeps them: model
 * (CRAMP_TUNING_MODEL_SIZE bytes) gets /proc/cpuinfo's first "model name"
 * (trimmed, truncated), flags (CRAMP_TUNING_FLAGS_SIZE bytes) the FNV-1a 64
 * hash of its first "flags" line in hex; "unknown" and the hash of "" where
 * there is no /proc/cpuinfo. Allocates nothing; thread-safe. */
CRAMP_API void cramp_tuning_cpu(char *model, char *flags);

/* 1 if t was measured on a CPU with this model and flags, else 0. */
CRAMP_API int cramp_tuning_matches_cpu(const cramp_tuning *t);

/* The default file: $XDG_CONFIG_HOME/cramp/tuning when XDG_CONFIG_HOME is an
 * absolute path, else $HOME/.config/cramp/tuning. Writes it into path (size
 * bytes); CRAMP_EINVAL with a message when neither variable helps,
 * CRAMP_ERANGE when it does not fit. Allocates nothing. */
CRAMP_API cramp_status cramp_tuning_default_path(char *path, size_t size, cramp_error *err);

/* Reads a tuning file into *t (t->path set to path). CRAMP_EIO when it cannot
 * be opened ("PATH: cannot read tuning: REASON"); CRAMP_EFORMAT for anything
 * malformed, the message "PATH:LINE: WHAT" naming the line (an unknown key,
 * a bad value, a missing or repeated key: line 0 then, the whole file); on
 * failure *t is as cramp_tuning_init leaves it. Does not check the CPU
 * (cramp_tuning_matches_cpu). Allocates temporarily. */
CRAMP_API cramp_status cramp_tuning_read(const char *path, cramp_tuning *t, cramp_error *err);

/* Writes t to path through the one safe output (cramp/output.h: a temporary
 * file renamed into place), as the format above; t->fft_wisdom is written
 * relative to path's folder when it lies there; block_frames 0 is written as
 * 4096 (the driver's default); threads, part_channels and speeds of 0 are left
 * out (threads above 1024 or part_channels above CRAMP_DETECT_MAX_CHANNELS is
 * refused with CRAMP_EINVAL). The folder must exist.
 * "PATH: cannot write: REASON" on failure. Allocates temporarily. */
CRAMP_API cramp_status cramp_tuning_write(const char *path, const cramp_tuning *t,
                                          cramp_error *err);

/* What cramp_tuning_find found. */
typedef enum cramp_tuning_state {
    CRAMP_TUNING_NONE = 0,   /* no file: nothing to apply */
    CRAMP_TUNING_IN_FORCE,   /* read, for this CPU: apply it */
    CRAMP_TUNING_OTHER_CPU,  /* read, measured on another CPU: ignored (note says which) */
    CRAMP_TUNING_REFUSED     /* unreadable or malformed: ignored, err says why */
} cramp_tuning_state;

/* Looks for the tuning in force: path, or (NULL) cramp_tuning_default_path.
 * *t gets the file's values when the state is IN_FORCE, else an untuned
 * value (cramp_tuning_init) with t->path set to the file looked at. note
 * (note_size bytes, may be NULL) gets one line for a person: "PATH (key
 * MODEL / FLAGS: block N, simd S, fft E[, threads N][, parts of N])",
 * "none (no PATH)", "PATH is for another CPU (MODEL / FLAGS),
 * ignored" or the refusal. Returns CRAMP_OK in every state but REFUSED (then
 * the read's status, with err set); a missing default path (no HOME) is
 * NONE. Allocates temporarily. */
CRAMP_API cramp_status cramp_tuning_find(const char *path, cramp_tuning *t,
                                         cramp_tuning_state *state, char *note, size_t note_size,
                                         cramp_error *err);

/* Gives the night options the tuning's choices: block_frames (if not 0),
 * detect.simd (if not AUTO and available in this build and CPU), the FFTW
 * effort and wisdom (detect.fft_effort, detect.fft_wisdom pointing at
 * t->fft_wisdom: t must outlive the run), part_channels (if not 0; it matters
 * only with worker threads). Leaves every other field, so call
 * it after cramp_night_options_default and before the caller's own choices.
 * It does not set opt->threads: how many threads one recording should use
 * depends on what else runs beside it (`cramp batch` runs one recording per
 * job and its jobs already fill the cores), so the caller decides whether
 * t->threads applies (`cramp detect`: an explicit --threads wins, else
 * t->threads when not 0, else one per core).
 * t NULL: no-op. Returns how many of the four were applied. Pure. */
CRAMP_API int cramp_tuning_apply(const cramp_tuning *t, cramp_night_options *opt);

/* Names of the planner efforts as the file writes them: "estimate",
 * "measure", "patient", "exhaustive"; never NULL. */
CRAMP_API const char *cramp_tuning_effort_name(cramp_fft_effort e);
/* Parses such a name; 0 and *out set on success, -1 otherwise. */
CRAMP_API int cramp_tuning_effort_parse(const char *name, cramp_fft_effort *out);

#ifdef __cplusplus
}
#endif

#endif
