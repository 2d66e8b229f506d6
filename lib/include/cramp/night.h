/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the night driver. Runs the whole detection recipe over one night of
 * leg sEMG and returns the episodes and the per-night summary:
 *
 *   1. the chosen channels are put in rate groups (one per sampling rate, in
 *      the order of each group's first channel);
 *   2. each group's first minute (prime_s) is read: the mains guess
 *      (cramp_detect_mains_guess) and the resting levels come from it;
 *   3. one mains frequency for the night: the one given, or (auto) the guess
 *      of the fastest group that decides (it sees the 150/180-Hz harmonics;
 *      a disagreement is reported in mains_how), else detect.mains_hz;
 *   4. per group: a cramp_detector (band clamped to the group's rate), primed
 *      with the first minute, then run from frame 0 to the end, finished,
 *      its segments renumbered to the night's channel order;
 *   5. the segments of all groups classified together (cramp_detect_classify,
 *      so the bilateral and PLM rules see every leg) and summarised
 *      (cramp_detect_summarize) over the longest group's duration.
 * A recording under 20 s gets a shorter baseline (block max(0.02, T/20) s,
 * warm-up T/2), so that the resting level has blocks to take a quantile of.
 *
 * Typical use:
 *
 *     cramp_recording *rec;                  // cramp_recording_open(...)
 *     cramp_night_options opt;
 *     cramp_night_options_default(&opt);     // auto mains, every channel >= 100 Hz
 *     cramp_night_result res;
 *     cramp_error err;
 *     if (cramp_night_run_recording(rec, &opt, &res, &err) == CRAMP_OK) {
 *         for (size_t i = 0; i < res.n_episodes; i++)
 *             use(&res.episodes[i]);         // sorted by onset
 *         printf("%.2f cramps per hour\n", res.summary.cramps_per_hour);
 *         cramp_night_result_free(&res);
 *     }
 *
 * Callers without a file (a simulator, a network stream, data in memory)
 * describe the channels and give read/seek callbacks (cramp_night_run), as
 * libsamplerate's callback API does.
 *
 * Units: seconds, Hz, microvolts (the detector's uV margins assume uV).
 * Sizes: at most CRAMP_DETECT_MAX_CHANNELS channels per night.
 * Memory: constant in the length of the night: per group the first minute
 * (prime_s x fs x channels floats, held until that group's run ends) and one
 * block (block_frames x channels floats), the detectors' own state (see
 * cramp/detect.h); with worker threads, CRAMP_NIGHT_RING_BLOCKS blocks in
 * flight and one block of its channels per part instead of the one block,
 * and for a pipelined part CRAMP_NIGHT_RING_BLOCKS blocks of 2 x its
 * channels (input, motion band) between its two workers, its detector's
 * band-passed history longer by CRAMP_NIGHT_RING_BLOCKS blocks (the filter
 * stage writes the band straight into it); a recording split at the ticks
 * on 2 threads keeps up to 32 blocks in flight instead (at most 4 MB of
 * read blocks, never under CRAMP_NIGHT_RING_BLOCKS; about 23 MB peak RSS on
 * 8 channels at 2 kHz, docs/night-driver.md);
 * plus the segment and episode lists, which grow with the number of events,
 * not with the recording's length.
 * Ownership: the result's episode array is the driver's allocation, released
 * by cramp_night_result_free; the recording stays the caller's (the driver
 * changes its channel selection and position).
 * Threads: a run is not synchronised with its recording or callbacks; distinct
 * runs over distinct recordings may run in distinct threads at once. Inside
 * one run, opt->threads > 1 (or 0: one per online core) splits each rate
 * group's channels into parts, each with its own detector on its own worker
 * thread (parts no narrower than the filters' SIMD vector: a part of fewer
 * channels would pay for the empty lanes); the calling thread reads the
 * blocks and hands each to every part (so even a group of one part gains the
 * overlap of reading and detecting). Threads left over when there are more
 * than parts pipeline as many parts: one worker runs the part's filter stage
 * (band-pass, mains comb, motion band) a block ahead of a second that runs
 * the rest of its detector (envelopes, baselines, segments, spectra); with
 * exactly 2 threads a group is one part however wide (unless
 * opt->part_channels says otherwise; two busy threads, not three, for a
 * 2-core machine). A group no wider than the filters' SIMD vector: the
 * calling thread itself reads and band-passes and one worker runs the rest,
 * the mains comb and the motion band on whichever side the threads'
 * measured CPU time per frame says balances them (each of the cuts is
 * measured in turn, then the one whose busier thread is least busy runs,
 * the less work in all deciding within 3 %, a choice every 16 blocks on the
 * figures of each cut's last 16 blocks, kept unless another is 3 % better,
 * and every 16th choice the cut run longest ago again; speed only, the bits
 * do not depend on it). A wider group is split at the ticks: one worker runs
 * the filters (band-pass, mains comb, motion band in one pass) and sums each
 * 10-ms tick, the calling thread reads the blocks and runs the rest of the
 * detector on the ticks' sums (envelopes, baselines, segments, spectra), so
 * that what crosses between the cores is the input and 6 floats per channel
 * per tick, not every frame's input, band and motion band. A recording
 * (cramp_night_run_recording) without on_block is split at the ticks on 2
 * threads whatever its width, and its blocks are read, in order, by
 * whichever thread comes first: the worker into its own buffer when it needs
 * the next block (no frame crosses the cores), the calling thread into a
 * slot for the worker when it has no ticks to work on and has used less
 * thread CPU time than the worker. A thread that
 * waits sleeps until half the ring's blocks (or slots) are there. Groups still run one after the other,
 * and the classification runs in the calling thread after the workers are
 * joined. The result is bit-identical for any number of threads (the
 * segments are put in one order, by onset, channel and kind, before the
 * classification). The source, its read/rewind callbacks, on_block and
 * progress are called from the calling thread only, never from a worker; a
 * recording passed to cramp_night_run_recording may be read by the 2-thread
 * run's worker, one thread at a time (the caller must not use it during the
 * run, as before). The options, the source
 * description and the result are read or written by the calling thread only;
 * the workers own their detectors and buffers and share nothing else with it
 * but the blocks (under a mutex).
 * Allocation: every run allocates (groups, buffers, detectors, lists); the
 * library never prints: failures come back as a status and an error message. */
#ifndef CRAMP_NIGHT_H
#define CRAMP_NIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/detect.h"
#include "cramp/export.h"
#include "cramp/profile.h"
#include "cramp/recording.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The slowest channel the detector takes: its 20-Hz band edge and 10-ms ticks
 * need samples; sEMG is recorded at 200 Hz and up. */
#define CRAMP_NIGHT_MIN_FS_HZ 100

typedef struct cramp_night_group {
    double fs;                /* Hz */
    size_t n;                 /* channels in the group */
    size_t member[CRAMP_DETECT_MAX_CHANNELS]; /* positions in the night's channel order */
    size_t primed;            /* frames of the first minute read */
    double mains_guess;       /* cramp_detect_mains_guess on them: 50, 60 or 0 (undecided) */
    cramp_detect_config cfg;  /* as the group's detector used it */
    double band_lo_hz, band_hi_hz; /* band used (cramp_detector_band) */
    size_t notches;           /* mains notches */
    uint64_t frames;          /* frames processed */
    size_t parts;             /* detectors the group's channels were split into
                                 (1 without worker threads) */
    size_t threads;           /* worker threads that ran them (0: the calling
                                 thread did; with opt->threads > 1, one per part
                                 plus one per pipelined part: min(threads -
                                 parts, parts) of them; 1 with opt->threads
                                 == 2 and one part (the default on 2 threads):
                                 the reader band-passes, or, for a group wider
                                 than the filters' vector, the worker filters
                                 and sums the ticks) */
    /* With options.profile (else 0): where the threads' time went in step 4
       (priming, the pass, the end), s: the calling thread's CPU time (it
       reads, and with one thread runs the detector) and its wall time
       waiting for a free block slot (the workers behind); the workers' CPU
       time and their wall time waiting for a block (the calling thread
       behind), summed over the workers. With 2 threads the longer of the
       two CPU times is the critical path; a wait says which side idles. */
    double reader_cpu_s, reader_wait_s;
    double worker_cpu_s, worker_wait_s;
} cramp_night_group;

/* Called with each block of the main pass (after priming), before the
 * detector sees it: lets a caller run another analysis on the same frames
 * (the accuracy benchmark's plain detector). g->band_* are already set. */
typedef void (*cramp_night_block_fn)(void *user, const cramp_night_group *g,
                                     const float *frames, size_t n);

/* Fraction of the night done, 0..1, after each block (non-decreasing). */
typedef void (*cramp_night_progress_fn)(void *user, double fraction);

typedef struct cramp_night_options {
    cramp_detect_config detect; /* fs is ignored (each group gets its rate);
                                   mains_hz: the fallback when auto is undecided */
    double mains_hz;          /* < 0: auto (default); 0: no comb; else Hz */
    const size_t *channels;   /* cramp_night_run_recording: header indices, in the
                                 output's order (<= CRAMP_DETECT_MAX_CHANNELS, no
                                 annotation signal, each >= CRAMP_NIGHT_MIN_FS_HZ);
                                 NULL: every signal channel at >= that rate */
    size_t n_channels;
    double prime_s;           /* first stretch primed with, s (60) */
    size_t block_frames;      /* frames per read (4096) */
    const char *name;         /* names the night in the driver's own error messages
                                 ("'name': ..."); may be NULL */
    cramp_night_progress_fn progress;
    void *progress_user;
    cramp_night_block_fn on_block;
    void *block_user;
    size_t threads;           /* worker threads for the detectors of one group
                                 (1: none, all in the calling thread, the default;
                                 0: one per online core; N: at most N). More
                                 threads than a group has parts pipeline parts
                                 (two workers each; more than twice the parts
                                 are not used); any
                                 value gives the same bits (see "Threads") */
    size_t part_channels;     /* with worker threads, channels per part: 0: the
                                 width of the filters' SIMD vector (8 with
                                 AVX-512, 4 with AVX2, else 1), or the whole
                                 group on exactly 2 threads; N: N (1: one
                                 detector per channel). Speed only: any value
                                 gives the same bits */
    int profile;              /* non-zero: time the stages into the result's profile
                                 (cramp/profile.h); 0 (default): no clock is read */
} cramp_night_options;

/* Blocks read ahead of the workers when a run uses worker threads (8: a
 * waiting thread sleeps until 4 are there, one wake-up per 4 blocks). */
#define CRAMP_NIGHT_RING_BLOCKS 8

/* Defaults: cramp_detect_config_default, auto mains, every channel, 60 s
 * priming, 4096-frame blocks, no callbacks, one thread. */
CRAMP_API void cramp_night_options_default(cramp_night_options *opt);

typedef struct cramp_night_result {
    size_t n_channels;        /* the night's channels, in output order */
    size_t channel_index[CRAMP_DETECT_MAX_CHANNELS]; /* header index (recording) or
                                 source index (callbacks) of each */
    cramp_detect_channel channel[CRAMP_DETECT_MAX_CHANNELS];
    size_t n_groups;
    cramp_night_group group[CRAMP_DETECT_MAX_CHANNELS];
    double mains_hz;          /* the comb's frequency, 0 for none */
    char mains_how[200];      /* "given", "auto", "auto: undecided, default", or the
                                 disagreement between groups */
    double duration_s;        /* the longest group's frames / fs */
    uint64_t samples;         /* frames x channels over all groups */
    cramp_episode *episodes;  /* sorted by onset; owned, see cramp_night_result_free */
    size_t n_episodes;
    cramp_detect_summary summary;
    cramp_profile profile;    /* stage times when options.profile, else zeros (output: 0) */
} cramp_night_result;

/* Releases the episodes and clears the result; NULL or a cleared result is a
 * no-op. */
CRAMP_API void cramp_night_result_free(cramp_night_result *res);

/* Shortest night the driver analyses, s: twice min_duration_s (1 s by
 * default): under 20 s the resting level takes the first half, and an
 * episode lasts at least min_duration_s. Pure. */
CRAMP_API double cramp_night_min_duration(const cramp_detect_config *cfg);

/* ---- from a recording -------------------------------------------------- */

/* The night's channels (header indices, in output order) into idx (room for
 * CRAMP_DETECT_MAX_CHANNELS), their number to *n: opt->channels checked (signal
 * channels at >= CRAMP_NIGHT_MIN_FS_HZ, at most CRAMP_DETECT_MAX_CHANNELS), or
 * every signal channel at that rate or faster. A tool calls it to warn about
 * the channels before the run; cramp_night_run_recording calls it too.
 * opt may be NULL. Allocates nothing. */
CRAMP_API cramp_status cramp_night_channels(const cramp_recording *rec,
                                            const cramp_night_options *opt, size_t *idx,
                                            size_t *n, cramp_error *err);

/* Runs the recipe over rec's channels (opt->channels, or every signal channel
 * at >= CRAMP_NIGHT_MIN_FS_HZ). Refused with a message: an EDF+D with gaps
 * (filtering across a gap would join its segments), no signal channel, more
 * than CRAMP_DETECT_MAX_CHANNELS, a channel under CRAMP_NIGHT_MIN_FS_HZ, a
 * night shorter than cramp_night_min_duration (the message gives both
 * lengths), a file shorter than its header announces. An EDF+/BDF+ opened
 * with its TALs as read (cramp_recording_options.tals_as_read; then the run
 * parses them as it reads the records, off the open's serial path): a TAL
 * error in data record k fails the run when it reaches record k, with the
 * reader's message (file, record, signal, field), and a gap the file's ends
 * did not show is refused when the run reaches it (CRAMP_EUNSUPPORTED, the
 * record named); the header's annotations and warnings are complete after a
 * run that succeeded. opt may be NULL (defaults). On failure *res is
 * cleared. */
CRAMP_API cramp_status cramp_night_run_recording(cramp_recording *rec,
                                                 const cramp_night_options *opt,
                                                 cramp_night_result *res, cramp_error *err);

/* ---- from callbacks ---------------------------------------------------- */

/* Reads up to max_frames interleaved frames of the given source channels (in
 * that order) into out, their count to *frames; fewer only at the end, 0 at
 * the end. */
typedef cramp_status (*cramp_night_read_fn)(void *user, const size_t *channels, size_t n,
                                            float *out, size_t max_frames, size_t *frames,
                                            cramp_error *err);
/* Positions the given channels at frame 0 (the driver seeks only to 0: before
 * the first read of each group's priming and of its main pass). */
typedef cramp_status (*cramp_night_rewind_fn)(void *user, const size_t *channels, size_t n,
                                              cramp_error *err);

typedef struct cramp_night_source {
    size_t n_channels;                 /* <= CRAMP_DETECT_MAX_CHANNELS, all used */
    const double *fs;                  /* n_channels rates, Hz, each >= CRAMP_NIGHT_MIN_FS_HZ */
    const cramp_detect_channel *info;  /* n_channels, or NULL (nothing known) */
    double duration_s;                 /* for progress only; 0: unknown */
    cramp_night_read_fn read;
    cramp_night_rewind_fn rewind;
    void *user;
} cramp_night_source;

/* A night already in memory as a source: frames interleaved over `channels`
 * channels that share the rate fs[0..channels-1] (one group), n_frames of
 * them. mem holds the read position; src points at mem, frames, fs and info
 * (all the caller's, alive for the run). duration_s is set (progress).
 * Allocates nothing. */
typedef struct cramp_night_memory {
    const float *frames;
    size_t n_frames, channels, pos;
} cramp_night_memory;
CRAMP_API void cramp_night_source_memory(cramp_night_source *src, cramp_night_memory *mem,
                                         const float *frames, size_t n_frames, size_t channels,
                                         const double *fs, const cramp_detect_channel *info);

/* As cramp_night_run_recording over a source (opt->channels is ignored: the
 * source's channels are the night's). A callback's failure ends the run with
 * its status and message. */
CRAMP_API cramp_status cramp_night_run(const cramp_night_source *src,
                                       const cramp_night_options *opt, cramp_night_result *res,
                                       cramp_error *err);

#ifdef __cplusplus
}
#endif

#endif
