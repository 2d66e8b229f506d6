/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: reading and writing recordings (WAV family through libsndfile;
 * EDF, EDF+C, EDF+D, BDF, BDF+ through cramp's own reader and writer;
 * delimited text and WFDB records through cramp's own readers).
 *
 * A recording is opened, its header inspected, a set of channels that share
 * one sampling rate (a "rate group") selected, and blocks of interleaved
 * float32 frames read in constant memory. Values are in microvolts when the
 * channel's unit is a voltage (EDF physical dimension uV/µV/mV/V/nV, or a WAV
 * opened with a full-scale value in microvolts); otherwise in the channel's own
 * physical unit (EDF) or as full-scale fractions (WAV without full scale), and
 * the channel's `unit` says which. Nothing is resampled.
 *
 * EDF+D: data records that do not follow one another in time form separate
 * segments; read() stops at the end of a segment (a short count) and the next
 * read() starts the next one; cramp_recording_tell() gives the time of the
 * next frame. Segments are never joined silently.
 *
 * Time: annotation onsets, segment onsets and tell() count seconds from the
 * first sample, i.e. from the header's start date/time plus start_subsecond
 * (EDF+: the first data record's time-keeping TAL; EDFlib counts the same
 * way; EDFbrowser's annotation list shows onset + start_subsecond).
 *
 * EDF/BDF decisions: a voltage unit is recognised case-sensitively, as SI
 * prefixes are ("uV", "µV" in UTF-8 or Latin-1, "μV", "nV", "mV", "V"; "MV"
 * or "UV" are left as they are, to_output 1). Digital values outside the
 * header's digital range are scaled like the others, not clipped (EDFlib and
 * EDFbrowser clip them). A BDF whose reserved field says "EDF+C"/"EDF+D" is
 * read as BDF+; a plain EDF/BDF holding an "EDF Annotations" signal has its
 * TALs read; an EDF+ without an annotation signal is read as plain EDF (EDF+D:
 * an error, record times unknown); the Nihon Kohden time-keeping TAL without
 * its NUL is read; each of these with a warning. Records whose onsets overlap
 * are an error; a gap in EDF+C is kept as a gap (warning).
 *
 * Delimited text (text_read.c): one frame per line, one channel per column,
 * separated by TAB, ';', ',' or blanks (chosen on the first row of numbers);
 * a preamble may give the rate, labels and units (BioSPPy's "# Sampling Rate
 * (Hz):= 1000.00" / "# Labels:=" / "# Units:=", OpenSignals' JSON header, a
 * column header line such as "time,EMG (mV)", or "Channel N: 'NAME', ...,
 * units: mV" lines); without a stated rate cramp_recording_options.fs is
 * needed, without a unit the values are read as written (unit "", a header
 * warning; options.unit gives one). '#' and blank lines are skipped. The
 * recording ends at the first row with a missing value; a complete row after
 * it is an error (a hole). Errors name the file, line and field.
 *
 * WFDB (wfdb_read.c): a name ending in ".hea"; its signal files beside it.
 * Values are (adu - baseline) / gain in the header's units (uV for voltages;
 * "mv" is read as mV, with a warning). WFDB's invalid-sample code is an error
 * naming the frame. Errors name the header line and field.
 *
 * Threads: a cramp_recording is not synchronised (one per thread); distinct
 * recordings may be used from distinct threads at once (no shared state once
 * open; the EDF reader uses pread on its own descriptor). Opening a WAV-family
 * file, or creating a WAV writer, takes one internal mutex for the duration
 * of libsndfile's open, because libsndfile reports a failed open through
 * process-wide state.
 * Errors: every failure names the file and, for a malformed header, the field
 * (by its EDF name, e.g. "number of data records"), its value and what was
 * expected, through cramp_error. */
#ifndef CRAMP_RECORDING_H
#define CRAMP_RECORDING_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/output.h"
#include "cramp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_rec_format {
    CRAMP_REC_WAV = 0,   /* any libsndfile format: WAV, W64, RF64, FLAC, ... (not MPEG);
                            header->recording names the container and encoding */
    CRAMP_REC_EDF,       /* EDF (no "EDF+" in the reserved field) */
    CRAMP_REC_EDFPLUS_C, /* EDF+ continuous */
    CRAMP_REC_EDFPLUS_D, /* EDF+ discontinuous */
    CRAMP_REC_BDF,       /* BioSemi 24-bit */
    CRAMP_REC_BDFPLUS_C,
    CRAMP_REC_BDFPLUS_D,
    CRAMP_REC_TEXT,      /* delimited text: CSV, TSV, ';' or blank-separated columns, one
                            frame per line; header->recording names the delimiter and
                            where the rate, labels and units came from */
    CRAMP_REC_WFDB       /* PhysioNet WFDB record: a .hea header and its signal files
                            (formats 16, 212, 80, 24, 32) */
} cramp_rec_format;

/* "WAV", "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D", "text", "WFDB";
 * never NULL. */
CRAMP_API const char *cramp_rec_format_name(cramp_rec_format f);

typedef struct cramp_channel_info {
    char label[81];       /* trimmed; UTF-8 as stored */
    char file_unit[17];   /* physical dimension as stored ("uV", "mV", ...); "" for WAV */
    char unit[17];        /* unit of the values read(): "uV", file_unit, or "FS" */
    double to_output;     /* factor from physical value to the value read() gives */
    double fs;            /* sampling rate, Hz (EDF: samples per record / record duration;
                             0 for the signals of an annotation-only file of 0 s records) */
    double phys_min, phys_max; /* physical range, in file_unit (WAV: -1, 1; text: NaN,
                                  unknown; WFDB: the ADC range through gain and baseline) */
    int32_t dig_min, dig_max;  /* digital range (WAV, text: 0, 0; WFDB: from the ADC
                                  resolution) */
    size_t samples_per_record; /* EDF/BDF; WAV, text, WFDB: 0 */
    char prefilter[81];
    char transducer[81];
    int is_annotation;    /* an "EDF Annotations"/"BDF Annotations" signal: never read() */
} cramp_channel_info;

typedef struct cramp_annotation {
    double onset_s;       /* seconds from the first sample (see Time above) */
    double duration_s;    /* seconds; < 0 when the annotation gives none */
    const char *text;     /* UTF-8, NUL-terminated; owned by the recording or the caller */
    const char *channel;  /* optional (writer: "" or NULL = whole recording, else written
                             as "text@@channel", EDFbrowser's convention); the reader
                             gives "" and the text as stored */
} cramp_annotation;

typedef struct cramp_segment {
    double onset_s;       /* start of the segment, seconds from the first sample */
    double duration_s;
    size_t first_record;  /* EDF/BDF data record index; WAV: 0 */
    size_t n_records;
} cramp_segment;

typedef struct cramp_rec_header {
    cramp_rec_format format;
    size_t n_channels;              /* including annotation signals */
    const cramp_channel_info *channels;
    int start_valid;                /* 0 if the start date/time fields are invalid (EDF: a
                                       warning) or absent (a WAV without a Broadcast WAV
                                       'bext' chunk) */
    int year, month, day, hour, minute, second;
    double start_subsecond;         /* EDF+: from the first TAL, 0 <= x < 1 (whole seconds
                                       of that onset move the start fields, a warning) */
    double record_duration_s;       /* EDF/BDF; WAV: 0 */
    size_t n_records;               /* EDF/BDF; WAV: 0 */
    double duration_s;              /* total recorded time (sum of segment durations) */
    size_t n_segments;              /* 1 unless EDF+D with gaps (0 when n_records is 0) */
    const cramp_segment *segments;
    size_t n_annotations;           /* all annotation signals, in file order */
    const cramp_annotation *annotations;
    char patient[81];
    char recording[81];             /* EDF+ recording field; WAV: container and encoding */
    size_t n_warnings;              /* lenient readings (an invalid date, a trailing byte, ...) */
    const char *const *warnings;    /* one message each, naming the field */
} cramp_rec_header;

typedef struct cramp_recording_options {
    double wav_full_scale_uv; /* WAV: microvolts at full scale (1.0); 0 = leave as fractions
                                 (unit "FS", and a header warning says so); finite, >= 0,
                                 else open fails with CRAMP_EINVAL */
    double fs;                /* text: sampling rate in Hz for a file that does not state
                                 it (0 = none: such a file fails to open with CRAMP_EINVAL,
                                 saying so); when the file states another rate, this one
                                 is used and a header warning gives both. Finite, >= 0;
                                 other formats ignore it */
    const char *unit;         /* text: physical unit of every column whose unit the file
                                 does not state ("uV", "mV", "V" are read in uV; any other
                                 string is kept as the unit); NULL or "" = none (values as
                                 written, unit ""); at most 16 bytes. Other formats ignore it */
    int tals_as_read;         /* EDF+/BDF+: 0 (default): open reads every data record's
                                 TALs (the header complete at open). 1: the TALs as read()
                                 reaches the records (TALs as read, below); for a reader
                                 that reads the whole recording once and needs no
                                 annotation before its end. Other formats ignore it */
} cramp_recording_options;

/* TALs as read (options.tals_as_read = 1), EDF+/BDF+ only. Open reads the
 * header and the first and last data records' time-keeping TALs. When the
 * last record starts where records of the header's duration, one after the
 * other from the first, put it, open parses only the first record's TALs
 * (start_subsecond and the start fields are final) and the header announces
 * one segment of every record (n_segments 1, duration_s as the whole pass
 * gives it); any other file (EDF+D with gaps, an overlap or a bad TAL at
 * either end) gets the whole pass at open, as without the option. Then
 * read() parses each record's TALs when it first reaches the record, from
 * the bytes it reads for the frames (no pass over the file before the first
 * frame: about 20 ms of CPU on 8 h of 1-s records, bench/README.md, h16i),
 * and seek() those of the records up to its frame. So the header's
 * annotations, segments and warnings grow as the records are read: read
 * n_annotations, annotations, n_segments, segments, n_warnings and warnings
 * again after a read (their arrays, and the annotations' texts, may move
 * at the next read or seek; a warning's string stays until close); they
 * are the whole pass's, in its order, once read() has returned the last
 * frame or seek() reached the end (but for one warning: the first record's
 * start 1 s or more after the header's comes before those of records 1 on).
 * A record found not to follow the one before it (a gap the ends did not
 * show) ends the segment there: read() stops short at it, as at any
 * segment's end. A TAL error in data record k (a malformed time-keeping TAL,
 * an overlap) is returned by the read() that reaches record k, with the
 * message the open would give (the file, the record, the signal and the
 * field), and by every later read() and seek() past it. Allocation: read()
 * and seek() allocate as the annotations, segments and warnings grow
 * (CRAMP_ENOMEM). Threads: as any read(), one thread at a time; the header
 * is written by read() and seek(), so no other thread may look at it during
 * one. */

CRAMP_API void cramp_recording_options_default(cramp_recording_options *opt);

typedef struct cramp_recording cramp_recording;

/* Opens path (EDF/BDF told by their first bytes; a name ending in ".hea" is a
 * WFDB record; a file whose first 4 KiB are text (no NUL or other control
 * bytes but TAB, CR, LF) is delimited text; anything else is handed to
 * libsndfile) and reads its header and, for EDF+/BDF+, every annotation and
 * record onset (one pass over the annotation bytes; with opt->tals_as_read,
 * see TALs as read above). opt may be NULL.
 * Allocates; *out is NULL on failure. Thread-safe for distinct recordings. */
CRAMP_API cramp_status cramp_recording_open(cramp_recording **out, const char *path,
                                  const cramp_recording_options *opt, cramp_error *err);

/* The header; owned by r and valid until close. */
CRAMP_API const cramp_rec_header *cramp_recording_header(const cramp_recording *r);

/* Chooses the channels read() delivers, in this order (indices into
 * header->channels; no annotation signal; all with the same sampling rate,
 * else CRAMP_EINVAL naming the two rates). Rewinds to the first frame.
 * Allocates the read buffers (one data record's worth). */
CRAMP_API cramp_status cramp_recording_select(cramp_recording *r, const size_t *channels, size_t n,
                                    cramp_error *err);

/* Reads up to max_frames interleaved frames of the selected channels into
 * out (max_frames * n selected floats) and their count to *frames. Returns
 * fewer at the end of a segment (EDF+D) and 0 at the end of the recording.
 * NaN or Inf samples in a float WAV are an error naming the frame and
 * channel. Allocates nothing (but TALs as read: the header's growth). */
CRAMP_API cramp_status cramp_recording_read(cramp_recording *r, float *out, size_t max_frames,
                                  size_t *frames, cramp_error *err);

/* Position of the next frame read() will return: its index among the
 * selected group's frames and its time in seconds from the start (segment
 * onset + offset; EDF+D gaps included). */
CRAMP_API void cramp_recording_tell(const cramp_recording *r, size_t *frame, double *time_s);

/* Moves to frame (counted over all segments). */
CRAMP_API cramp_status cramp_recording_seek(cramp_recording *r, size_t frame, cramp_error *err);

/* Closes; NULL is a no-op. */
CRAMP_API void cramp_recording_close(cramp_recording *r);

/* ---- Writing ----------------------------------------------------------- */

/* Copies an EDF/BDF recording to dst_path with annotations added (merged
 * after the source's own, in a new or existing annotation signal), so that
 * EDFbrowser shows them on the trace. The output is EDF+ (BDF+ for a BDF
 * source); a plain EDF source becomes EDF+C. Written to a temporary file
 * beside dst_path and renamed when complete: on failure nothing is left.
 *
 * EDF/BDF (this implementation): the source is read with the strict reader
 * (its errors are returned); data records are copied byte for byte with one
 * "EDF Annotations" signal appended, sized to hold ann; each TAL goes into
 * the record that covers its onset, or a later one when that is full, so the
 * file (and the reader's annotation list) holds them in record order. Onsets
 * count from the first sample, as the reader gives them (start_subsecond is
 * added back). Patient/recording fields without the EDF+ subfields become
 * "X X X X <text>" / "Startdate dd-MMM-yyyy X X X <text>"; an invalid start
 * date becomes 01.01.85 (EDF+'s "unknown"); header bytes outside printable
 * ASCII become '_' ('µ' 'u'). Needs at least one data record. Allocates one
 * record and the TALs; distinct copies may run in distinct threads. */
CRAMP_API cramp_status cramp_edf_copy_annotated(const char *src_path, const char *dst_path,
                                      const cramp_annotation *ann, size_t n_ann,
                                      cramp_error *err);

/* As cramp_edf_copy_annotated, into an output already open (cramp/output.h)
 * that the caller commits or aborts, e.g. with its other outputs through
 * cramp_output_commit_all. dst is written sequentially from its start. */
CRAMP_API cramp_status cramp_edf_copy_annotated_to(const char *src_path, cramp_output *dst,
                                                   const cramp_annotation *ann, size_t n_ann,
                                                   cramp_error *err);

/* A streaming EDF+/BDF+ (or plain EDF/BDF) writer for generated or processed
 * signals. Every channel has its own number of samples per data record (EDF's
 * "nr of samples in each data record", Kemp et al. 1992; EDF+, Kemp & Olivan
 * 2003), so channels may differ in sampling rate: one rate for all (cfg->fs)
 * or one per channel (cfg->channel_fs). EDF+/BDF+: annotations may be added
 * at any time before close (written into the records' annotation signal at
 * close).
 * Written through the safe output (cramp/output.h): a temporary file beside
 * the destination, renamed by close on success; on failure or abort nothing
 * is left and an existing destination is as it was.
 *
 * Threads: a writer belongs to one thread; distinct writers may run at once
 * in distinct threads. Allocation: create allocates the writer, its header
 * and one data record (and opens the output); write and write_signals
 * allocate nothing; annotate copies the annotation; close allocates while it
 * places the annotations (and one record more if it rewrites the file). */
typedef struct cramp_edf_writer cramp_edf_writer;

typedef struct cramp_edf_write_config {
    int bdf;                    /* 1: BDF+ (24-bit), 0: EDF+ (16-bit) */
    size_t channels;            /* data channels, 1..9998 (the annotation signal is added) */
    const char *const *labels;  /* channels strings, <= 16 characters each (non-ASCII
                                   written as '_', 'µ' as 'u'); NULL: "ch1", "ch2", ...
                                   (as the readers name channels without a label) */
    const char *unit;           /* physical dimension of the values given, e.g. "uV";
                                   <= 8 characters */
    double fs;                  /* Hz, every channel's rate when channel_fs is NULL;
                                   fs * record_duration_s must be a whole number */
    double record_duration_s;   /* default 1; must be exact in 8 characters */
    double phys_min, phys_max;  /* range of the values given (default -5000..5000); outside
                                   it they clip; written in 8 characters (EINVAL if they
                                   do not fit) and quantised to the 16/24-bit range, so
                                   a value reads back within half a step of it */
    const char *prefilter;      /* may be NULL */
    const char *patient;        /* EDF+ patient field; may be NULL ("X X X X"); text
                                   without the subfields follows "X X X X " */
    const char *recording;      /* EDF+ recording field; may be NULL; text without the
                                   subfields follows "Startdate dd-MMM-yyyy X X X " */
    int year, month, day, hour, minute, second; /* start; year 1985..2084, or 0: unknown
                                   (written as 01.01.85 00.00.00, "Startdate X") */
    const double *channel_fs;   /* NULL (default): every channel at fs. Else `channels`
                                   rates in Hz, read at create (not kept), and fs is not
                                   used: channel c's samples per data record are
                                   channel_fs[c] * record_duration_s, which must be a
                                   whole number in 1..99999999 (EINVAL names the
                                   channel otherwise). */
    int plain;                  /* 0 (default): EDF+C/BDF+C with an annotation signal.
                                   1: plain EDF/BDF (Kemp et al. 1992; BDF's reserved
                                   field "24BIT"): no annotation signal (annotate is
                                   EINVAL), patient and recording written as given
                                   (NULL: blank), start date as above */
} cramp_edf_write_config;

/* Defaults: EDF+, unit "uV", 1-s records, -5000..5000, everything else 0/NULL
 * (channels, labels, fs and channel_fs are the caller's). */
CRAMP_API void cramp_edf_write_config_default(cramp_edf_write_config *cfg);

/* Checks cfg and opens the output at path (cfg and the strings it points to
 * are read here, not kept). EINVAL names the field and what was expected;
 * on failure *out is NULL and nothing is left on disk. */
CRAMP_API cramp_status cramp_edf_writer_create(cramp_edf_writer **out, const char *path,
                                     const cramp_edf_write_config *cfg, cramp_error *err);
/* As cramp_edf_writer_create, into an output already open with
 * CRAMP_OUTPUT_SEEKABLE (cramp/output.h): close then writes the whole file
 * but commits nothing, and neither close nor abort closes dst; the caller
 * commits or aborts it, e.g. with its other outputs through
 * cramp_output_commit_all. */
CRAMP_API cramp_status cramp_edf_writer_create_to(cramp_edf_writer **out, cramp_output *dst,
                                                  const cramp_edf_write_config *cfg,
                                                  cramp_error *err);
/* Appends n interleaved frames (n * channels floats, values in cfg->unit),
 * writing each data record as it fills; for a writer whose channels share one
 * rate (else CRAMP_EINVAL naming the channel that differs: use
 * cramp_edf_writer_write_signals). A NaN is CRAMP_EINVAL; after any failure
 * the writer is good only for close (which then fails and removes the file)
 * or abort. Allocates nothing. */
CRAMP_API cramp_status cramp_edf_writer_write(cramp_edf_writer *w, const float *frames, size_t n,
                                    cramp_error *err);
/* Appends n_records whole data records, channel by channel, for any rates:
 * x[c] (c < channels) points to n_records * samples_per_record(c) values of
 * channel c in cfg->unit, samples_per_record(c) being its rate times the
 * record duration (e.g. 512 at 512 Hz in 1-s records); the caller owns x and
 * pads a last partial record itself. Starts at a record boundary: frames of
 * an unfinished record from cramp_edf_writer_write are CRAMP_EINVAL, as are a
 * NULL x[c] and a NaN (the message names the channel and the sample). After
 * any failure the writer is good only for close (which then fails and removes
 * the file) or abort. Allocates nothing. */
CRAMP_API cramp_status cramp_edf_writer_write_signals(cramp_edf_writer *w, const float *const *x,
                                                      size_t n_records, cramp_error *err);
/* Copies the annotation (text and channel) for writing at close. */
CRAMP_API cramp_status cramp_edf_writer_annotate(cramp_edf_writer *w, const cramp_annotation *a,
                                       cramp_error *err);
/* Pads the last record with each channel's last value, writes the
 * annotations and the final header, renames into place, frees w. On failure
 * removes the temporary file and frees w. Annotations that do not fit the
 * annotation signal's reserved room (120 bytes per record) make close
 * rewrite the file once with a larger one (streamed, one record in memory).
 * With annotations but no frames, one record of physical zero holds them. */
CRAMP_API cramp_status cramp_edf_writer_close(cramp_edf_writer *w, cramp_error *err);
/* Abandons the output (temporary file removed) and frees w; NULL is a no-op. */
CRAMP_API void cramp_edf_writer_abort(cramp_edf_writer *w);

/* A whole signal in memory in one call: create, write (n_frames interleaved
 * frames, channels sharing one rate), close; on any failure the writer is
 * aborted, so nothing is left and an existing file at path is as it was.
 * Errors and allocation as the calls it makes; distinct calls may run in
 * distinct threads. */
CRAMP_API cramp_status cramp_edf_write_file(const char *path, const cramp_edf_write_config *cfg,
                                            const float *frames, size_t n_frames,
                                            cramp_error *err);

/* A 32-bit float WAV writer, atomic like the above: written to a temporary
 * file beside path ("<dir>/.<name>.XXXXXX") and renamed onto path by close;
 * abort, or a failed close, removes it, and an existing file at path is left
 * as it was. The values are stored as given (a WAV has no unit: the caller
 * knows whether they are microvolts or full-scale fractions).
 *
 * Container: W64 when path ends in ".w64", RF64 for ".rf64" (any case);
 * otherwise a RIFF WAV, or W64 when expected_frames * channels * 4 bytes
 * exceed 4e9 - 4096 (a WAV's sizes are 32-bit). expected_frames 0 means
 * "unknown": RF64 is written and turned into a plain WAV (WAVE_FORMAT_
 * EXTENSIBLE) at close if it stayed under 4 GB. A plain WAV that would grow
 * past its limit fails the write with CRAMP_ERANGE instead of wrapping.
 * channels 1..1024; fs a whole number of Hz, 1..2147483647 (else
 * CRAMP_EINVAL). create allocates (the writer, libsndfile's state) and
 * opens the file; write and close allocate nothing of their own. One writer
 * per thread; distinct writers may run at once. The file mode is 0666 less
 * the process umask, as a plain open would give. */
typedef struct cramp_wav_writer cramp_wav_writer;
CRAMP_API cramp_status cramp_wav_writer_create(cramp_wav_writer **out, const char *path, size_t channels,
                                     double fs, uint64_t expected_frames, cramp_error *err);
/* Appends n interleaved frames (n * channels floats). On failure (disk full,
 * size limit) the writer stays valid only for abort. */
CRAMP_API cramp_status cramp_wav_writer_write(cramp_wav_writer *w, const float *frames, size_t n,
                                    cramp_error *err);
/* Finishes the header, flushes to disk (fsync), renames into place and frees
 * w, also on failure (then nothing is left at the temporary name). */
CRAMP_API cramp_status cramp_wav_writer_close(cramp_wav_writer *w, cramp_error *err);
/* Removes the temporary file and frees w; NULL is a no-op. */
CRAMP_API void cramp_wav_writer_abort(cramp_wav_writer *w);

#ifdef __cplusplus
}
#endif

#endif
