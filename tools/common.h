/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared pieces of the cramp command: diagnostics and exit codes, option
 * value parsing, block-wise input of recordings (through the library's
 * cramp_recording: WAV family and EDF/BDF), atomic output files, progress.
 *
 * Exit codes: 0 success, 1 runtime failure (a file, a rate that does not fit),
 * 2 usage error (bad option or value). Every message goes to stderr and starts
 * with the command name ("cramp filter: ..."). */
#ifndef CRAMP_TOOLS_COMMON_H
#define CRAMP_TOOLS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cramp/cramp.h"
#include "cramp/recording.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Frames read, processed and written at a time: memory use does not grow with
 * the length of a recording. */
#define CLI_BLOCK_FRAMES 4096

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* Name used as the prefix of messages, e.g. "cramp filter". */
void cli_set_name(const char *name);
const char *cli_name(void);

/* "NAME: message" plus the one-line hint "Try 'NAME --help'."; returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "NAME: message"; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "NAME: message" (a note that is not a failure). */
void cli_note(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Reports the option getopt_long rejected (it returned '?' or ':'); returns
 * CLI_USAGE. argv and the getopt result c are those of the caller. */
int cli_bad_option(char *const argv[], int c);

/* Strict parsers: the whole string must be a finite number (an integer for
 * the size parser). Return 0 on success, -1 otherwise. */
int cli_parse_double(const char *s, double *out);
int cli_parse_size(const char *s, size_t *out);
/* The value of option opt ("--window"), a finite number > 0 described by
 * what ("a length in seconds"); on anything else a usage error
 * "OPT wants WHAT > 0, not 'ARG'" and -1. */
int cli_parse_positive(const char *opt, const char *what, const char *arg, double *out);
/* "LO-HI" in Hz, both finite. */
int cli_parse_band(const char *s, double *lo, double *hi);

/* Seconds on a monotonic clock. */
double cli_now(void);

/* A JSON string: quotes, backslashes and control characters escaped; bytes
 * that are not UTF-8 (EDF headers are meant to be ASCII, some hold Latin-1)
 * taken as Latin-1, so the output is always valid JSON. NULL is "". */
void cli_json_string(FILE *f, const char *s);

/* v with `digits` significant digits; not finite: null in JSON (json != 0),
 * n/a in a table. */
void cli_put_number(FILE *f, double v, int json, int digits);

/* ---- input ------------------------------------------------------------- */

/* How a command chooses what it reads from a recording (--channels,
 * --full-scale-uv). */
typedef struct cli_input {
    const char *channels;  /* "LABEL,LABEL,..." or 1-based indices, mixed; NULL: every
                              data channel (which must then share one rate) */
    double full_scale_uv;  /* WAV: microvolts at full scale; 0: values stay fractions (FS) */
    double fs;             /* --input-fs: text files' rate in Hz; 0: the file states it */
    const char *unit;      /* --input-unit: text files' unit; NULL: the file's own, or none */
} cli_input;

/* The options above, for commands' getopt tables and help texts. */
#define CLI_INPUT_HELP                                                                   \
    "  --channels LIST    channels to read, by label or 1-based index, comma-separated\n" \
    "                     (default all; they must share one sampling rate: a file\n"     \
    "                     with several rates needs one rate group chosen here)\n"         \
    "  --full-scale-uv X  WAV input: the microvolts at full scale, so values are read\n"  \
    "                     in uV (without it they stay full-scale fractions, unit FS)\n"  \
    "  --input-fs HZ      delimited text input: its sampling rate, for a file that\n"    \
    "                     does not state it (one that does: this rate, a warning)\n"    \
    "  --input-unit UNIT  delimited text input: the unit of columns whose unit the\n"    \
    "                     file does not state (uV, mV, V are read in uV)\n"
/* Parses --channels / --full-scale-uv values into in; returns CLI_OK or a
 * usage error. */
int cli_input_channels(cli_input *in, const char *arg);

/* One item of --channels in the recording h: a label first (exact, then
 * ignoring case), then a 1-based index. The header index, or -1 after
 * printing why (naming path). */
long cli_find_channel(const cramp_rec_header *h, const char *path, const char *item);

/* The next comma-separated item of a --channels list at *p, copied into
 * item (cap bytes) and *p moved past it: 1; 0 at the end; -1 after
 * printing (naming path) when the item does not fit. */
int cli_next_channel_item(const char **p, char *item, size_t cap, const char *path);
int cli_input_full_scale(cli_input *in, const char *arg);
/* --input-fs and --input-unit: getopt_long ids shared by the commands
 * (above any command's own), their table entries, and their values: c is
 * CLI_OPT_INPUT_FS or CLI_OPT_INPUT_UNIT; CLI_OK or a usage error. */
enum { CLI_OPT_INPUT_FS = 0x1000, CLI_OPT_INPUT_UNIT };
#define CLI_INPUT_TEXT_LONGOPTS                                  \
    {"input-fs", required_argument, NULL, CLI_OPT_INPUT_FS},     \
    {"input-unit", required_argument, NULL, CLI_OPT_INPUT_UNIT}
int cli_input_text_option(cli_input *in, int c, const char *arg);
/* The recording options in asks for (opt from cramp_recording_options_default). */
void cli_input_options(const cli_input *in, cramp_recording_options *opt);
/* Refuses (a message naming path, CLI_FAIL) --full-scale-uv for a file that
 * is not WAV and --input-fs/--input-unit for one that is not text. */
int cli_input_check(const cli_input *in, const cramp_rec_header *h, const char *path);
/* After a failed open: when the message asks for the rate or unit of a text
 * file (cramp_recording_options), the hint names --input-fs/--input-unit. */
void cli_input_hint(const char *message);

typedef struct cli_reader {
    const char *path;
    cramp_recording *rec;
    const cramp_rec_header *hdr;
    size_t *sel;          /* header channel index of each column read */
    size_t channels;      /* columns read */
    double fs;            /* Hz, shared by the columns */
    int64_t frames;       /* frames the columns hold */
    int64_t frames_read;
} cli_reader;

/* Opens a recording (EDF/BDF, or WAV/W64/RF64/FLAC/... through libsndfile)
 * and chooses its channels (in may be NULL: every data channel). Prints any
 * header warnings unless quiet. On failure prints a message naming the file
 * and returns CLI_FAIL (the reader is then closed). */
int cli_reader_open_input(cli_reader *r, const char *path, const cli_input *in, int quiet);
/* cli_reader_open_input(r, path, NULL, 0). */
int cli_reader_open(cli_reader *r, const char *path);

/* Label and unit of column c ("uV", a file's own unit, or "FS"). */
const char *cli_reader_label(const cli_reader *r, size_t c);
const char *cli_reader_unit(const cli_reader *r, size_t c);
/* A phrase for summaries: "in uV", "in FS (full-scale fractions; ...)",
 * "in uV, mV". Static buffer. */
const char *cli_reader_units_text(const cli_reader *r);

/* Reads up to max_frames interleaved frames into buf. Returns the number read
 * (0 at the end), or -1 after printing a message naming the file (read error,
 * or a NaN or infinite sample, whose frame and channel are given). The end of
 * an EDF+D segment before the end of the file is an error too: a gap cannot
 * be filtered across. */
long cli_reader_read(cli_reader *r, float *buf, size_t max_frames);

void cli_reader_close(cli_reader *r);

/* ---- safe output -------------------------------------------------------- */

/* An output through the library's safe output (cramp/output.h): a regular
 * file (or a link's target) is written under a temporary name in its folder
 * and renamed into place only by a commit, keeping its permission bits, so a
 * failed or interrupted run leaves no partial file and an existing file
 * untouched; a device, FIFO or socket is written directly; "-" is stdout
 * (text outputs only). On SIGINT, SIGTERM or SIGHUP every temporary file of
 * the run goes (the library's writers' too) and the process then ends by the
 * signal. */
typedef struct cli_output {
    const char *path;      /* destination as given */
    cramp_output *out;     /* text and raw outputs */
    FILE *fp;              /* text outputs */
    cramp_wav_writer *wav; /* sound outputs */
} cli_output;

/* Opens a text output. Prints a message and returns CLI_FAIL on failure. */
int cli_output_open_text(cli_output *o, const char *path);

/* Opens a seekable output (CRAMP_OUTPUT_SEEKABLE) for a library writer that
 * takes a cramp_output (o->out), e.g. cramp_edf_copy_annotated_to or
 * cramp_edf_writer_create_to. "-" is a file name here. */
int cli_output_open_raw(cli_output *o, const char *path);

/* Opens a float32 sound output for `frames_hint` frames (0 if unknown): WAV,
 * or W64 when the data may exceed 4 GB or the name ends in .w64 (RF64 for
 * .rf64). fs must be a whole number of Hz. */
int cli_output_open_sound(cli_output *o, const char *path, double fs, size_t channels,
                          int64_t frames_hint);

/* Writes frames to a sound output; prints a message and returns CLI_FAIL if
 * fewer were written (disk full, ...). */
int cli_output_write_sound(cli_output *o, const float *buf, size_t frames);

/* Flushes, syncs and moves into place. On failure removes the temporary
 * file, prints a message with the reason and returns CLI_FAIL. */
int cli_output_commit(cli_output *o);

/* Commits the text and raw outputs of one run all or none (at most 8): none
 * is moved into place unless every one was written out completely. */
int cli_output_commit_all(cli_output *const *outs, size_t n);

/* Closes and removes the temporary file (no message). Safe to call on an
 * output that was never opened or already committed. */
void cli_output_abort(cli_output *o);

/* ---- signal output that follows its name -------------------------------- */

typedef enum cli_signal_format {
    CLI_SIGNAL_WAV = 0, /* 32-bit float WAV (W64/RF64 by name or size) */
    CLI_SIGNAL_EDF,     /* EDF+C, 16-bit */
    CLI_SIGNAL_BDF      /* BDF+C, 24-bit */
} cli_signal_format;

/* The formats a signal output can have, for messages and help texts. */
#define CLI_SIGNAL_FORMATS ".edf (EDF+), .bdf (BDF+), .wav, .w64, .rf64"

/* The format path's name asks for (case-insensitive suffix; a device, FIFO
 * or socket that exists has no name to follow and gets WAV). Any other name:
 * a usage error listing the formats, and -1. */
int cli_signal_format_of(const char *path, cli_signal_format *fmt);

/* A filtered signal written as EDF+/BDF+. The frames go to an unnamed
 * scratch file first (4 bytes a sample) while each channel's peak is taken,
 * so that commit can give every channel a physical range that holds it: the
 * data records are then written through the library's EDF writer and each
 * channel's header fields (transducer, physical dimension, physical range)
 * set from the input. Memory does not grow with the recording. */
typedef struct cli_signal_out {
    cli_output o;
    cli_signal_format fmt;
    FILE *scratch;
    size_t channels;
    double fs;
    double *peak; /* max |value| per channel */
    int64_t frames;
} cli_signal_out;

/* Opens the destination (seekable) and the scratch file. */
int cli_signal_open_edf(cli_signal_out *s, const char *path, cli_signal_format fmt, double fs,
                        size_t channels);
int cli_signal_write_edf(cli_signal_out *s, const float *buf, size_t frames);
/* Writes the file and moves it into place. rd (may be NULL: a synthetic
 * signal, labels "ch1"...) gives the labels, transducers, units, start time,
 * patient and recording fields and annotations; prefilter (may be NULL) is
 * written as every channel's prefiltering field. EDF (16 bits): a channel
 * keeps its input's physical range when the filtered signal fits in it; one
 * whose filtered peak would clip there gets a range that holds it, with a
 * warning naming it (unless quiet). BDF: every range holds its channel's
 * peak. */
int cli_signal_commit_edf(cli_signal_out *s, const cli_reader *rd, const char *prefilter,
                          int quiet);
void cli_signal_abort_edf(cli_signal_out *s);

/* In an EDF+/BDF+ file already written into o (seekable, not yet committed,
 * e.g. by cramp_edf_copy_annotated_to), removes from every data record's
 * annotation signals each annotation whose text (before any "@@channel")
 * does not end in keep_suffix, keeping the records' time-keeping TALs; the
 * TALs left are packed and the rest of the signal zeroed. Prints a message
 * and returns CLI_FAIL on a read or write error or a malformed header. */
int cli_edf_keep_only_annotations(cli_output *o, const char *keep_suffix);

/* ---- channels a sleep lab would choose ---------------------------------- */

/* For an EDF/BDF recording: the data channels whose label, transducer and
 * unit say leg EMG (cramp_detect_is_leg_emg) and whose rate is at least
 * min_fs Hz, into idx (header indices, at most cap; *n their count). Unless
 * quiet, a note names those taken and those left. When none qualifies,
 * prints the labels with the --channels and --all-channels hints and returns
 * CLI_FAIL. */
int cli_leg_emg_channels(const cramp_rec_header *h, const char *path, double min_fs, size_t *idx,
                         size_t *n, size_t cap, int quiet);

/* ---- progress ---------------------------------------------------------- */

/* Progress on stderr, only when stderr is a terminal and not quiet, and
 * only for a run longer than CLI_PROGRESS_AFTER_S seconds: shorter ones
 * finish before it shows. */
#define CLI_PROGRESS_AFTER_S 2.0
typedef struct cli_progress {
    int enabled;
    double start; /* nothing is shown in the first CLI_PROGRESS_AFTER_S */
    double last;
    int shown;
} cli_progress;

void cli_progress_init(cli_progress *p, int quiet);
/* fraction in [0, 1], or negative when the total is unknown (shows frames). */
void cli_progress_update(cli_progress *p, double fraction, int64_t frames);
void cli_progress_done(cli_progress *p);

/* ---- subcommands ------------------------------------------------------- */

int cmd_filter(int argc, char *argv[]);
void cmd_filter_help(FILE *out);
int cmd_envelope(int argc, char *argv[]);
void cmd_envelope_help(FILE *out);
int cmd_info(int argc, char *argv[]);
void cmd_info_help(FILE *out);

#endif
