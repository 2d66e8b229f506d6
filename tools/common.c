/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared pieces of the cramp command; see common.h. */
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *g_name = "cramp";

void cli_set_name(const char *name) { g_name = name; }
const char *cli_name(void) { return g_name; }

static void vmessage(const char *fmt, va_list ap) CLI_PRINTF(1, 0);

static void vmessage(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", g_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help'.\n", g_name);
    return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

int cli_bad_option(char *const argv[], int c)
{
    /* getopt was run with opterr = 0 and a leading ':' in optstring. optind
     * already points past the offending word. */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    if (c == ':') return cli_usage_error("option '%s' needs a value", word);
    if (optopt && optopt != '?' && !(word[0] == '-' && word[1] == '-'))
        return cli_usage_error("unknown option '-%c'", optopt);
    return cli_usage_error("unknown option '%s'", word);
}

int cli_parse_double(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int cli_parse_positive(const char *opt, const char *what, const char *arg, double *out)
{
    double v;
    if (cli_parse_double(arg, &v) != 0 || v <= 0) {
        cli_usage_error("%s wants %s > 0, not '%s'", opt, what, arg);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    if (!s || *s < '0' || *s > '9') return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > SIZE_MAX) return -1;
    *out = (size_t)v;
    return 0;
}

int cli_parse_band(const char *s, double *lo, double *hi)
{
    /* Split at the first '-' after the first character, so "20-450" works
     * and a leading sign is left to strtod (and then rejected as <= 0). */
    if (!s || !*s) return -1;
    const char *dash = strchr(s + 1, '-');
    if (!dash) return -1;
    char buf[64];
    size_t n = (size_t)(dash - s);
    if (n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (cli_parse_double(buf, lo) != 0) return -1;
    if (cli_parse_double(dash + 1, hi) != 0) return -1;
    return 0;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- input ------------------------------------------------------------- */

int cli_input_channels(cli_input *in, const char *arg)
{
    if (!arg || !*arg || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
        return cli_usage_error("--channels wants labels or 1-based indices separated by "
                               "commas, not '%s'",
                               arg ? arg : "");
    in->channels = arg;
    return CLI_OK;
}

int cli_input_full_scale(cli_input *in, const char *arg)
{
    if (cli_parse_double(arg, &in->full_scale_uv) != 0 || in->full_scale_uv <= 0)
        return cli_usage_error("--full-scale-uv wants the microvolts at full scale (> 0), not "
                               "'%s'",
                               arg);
    return CLI_OK;
}

int cli_input_text_option(cli_input *in, int c, const char *arg)
{
    if (c == CLI_OPT_INPUT_FS) {
        if (cli_parse_double(arg, &in->fs) != 0 || !(in->fs > 0) || in->fs > 1e9)
            return cli_usage_error("--input-fs wants a sampling rate in Hz (> 0), not '%s'",
                                   arg);
        return CLI_OK;
    }
    if (!arg[0] || strlen(arg) > 16)
        return cli_usage_error("--input-unit wants a unit of 1 to 16 bytes (uV, mV, V, ...), "
                               "not '%s'",
                               arg);
    in->unit = arg;
    return CLI_OK;
}

void cli_input_options(const cli_input *in, cramp_recording_options *opt)
{
    if (!in) return;
    opt->wav_full_scale_uv = in->full_scale_uv;
    opt->fs = in->fs;
    opt->unit = in->unit;
}

int cli_input_check(const cli_input *in, const cramp_rec_header *h, const char *path)
{
    if (!in) return CLI_OK;
    if (in->full_scale_uv > 0 && h->format != CRAMP_REC_WAV)
        return cli_fail("--full-scale-uv applies to WAV input; '%s' is %s, which carries its own "
                        "units",
                        path, cramp_rec_format_name(h->format));
    if ((in->fs > 0 || in->unit) && h->format != CRAMP_REC_TEXT)
        return cli_fail("--input-fs and --input-unit apply to delimited text input; '%s' is %s, "
                        "which states its rate and units",
                        path, cramp_rec_format_name(h->format));
    return CLI_OK;
}

void cli_input_hint(const char *message)
{
    if (strstr(message, "(option fs;"))
        cli_note("give the sampling rate with --input-fs HZ");
    else if (strstr(message, "(option unit;"))
        cli_note("give the unit with --input-unit UNIT");
}

long cli_find_channel(const cramp_rec_header *h, const char *path, const char *item)
{
    for (int pass = 0; pass < 2; pass++) {
        long found = -1;
        for (size_t c = 0; c < h->n_channels; c++) {
            const char *lab = h->channels[c].label;
            if (pass == 0 ? strcmp(lab, item) != 0 : strcasecmp(lab, item) != 0) continue;
            if (found >= 0) {
                cli_fail("'%s': the label '%s' names channels %ld and %zu: choose by index",
                         path, item, found + 1, c + 1);
                return -1;
            }
            found = (long)c;
        }
        if (found >= 0) {
            if (h->channels[found].is_annotation) {
                cli_fail("'%s': channel %ld ('%s') holds annotations, not a signal", path,
                         found + 1, item);
                return -1;
            }
            return found;
        }
    }
    size_t idx;
    if (cli_parse_size(item, &idx) == 0 && idx >= 1 && idx <= h->n_channels) {
        if (h->channels[idx - 1].is_annotation) {
            cli_fail("'%s': channel %zu ('%s') holds annotations, not a signal", path, idx,
                     h->channels[idx - 1].label);
            return -1;
        }
        return (long)(idx - 1);
    }
    cli_fail("'%s' has no channel '%s' (labels: see 'cramp info %s'; indices 1 to %zu)",
             path, item, path, h->n_channels);
    return -1;
}

int cli_next_channel_item(const char **p, char *item, size_t cap, const char *path)
{
    if (!**p) return 0;
    const char *comma = strchr(*p, ',');
    const size_t len = comma ? (size_t)(comma - *p) : strlen(*p);
    if (len >= cap) {
        cli_fail("'%s' has no channel '%.*s'", path, (int)len, *p);
        return -1;
    }
    memcpy(item, *p, len);
    item[len] = '\0';
    *p = comma ? comma + 1 : *p + len;
    return 1;
}

/* "20 Hz: a, b; 100 Hz: c" for the message about several rates. */
static void describe_rates(const cramp_rec_header *h, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < h->n_channels && len + 1 < cap; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        if (ci->is_annotation) continue;
        int first = 1;
        for (size_t k = 0; k < c; k++)
            if (!h->channels[k].is_annotation && h->channels[k].fs == ci->fs) first = 0;
        if (!first) continue;
        int n = snprintf(buf + len, cap - len, "%s%g Hz:", len ? "; " : "", ci->fs);
        if (n < 0) return;
        len += (size_t)n;
        for (size_t k = c; k < h->n_channels && len + 1 < cap; k++) {
            if (h->channels[k].is_annotation || h->channels[k].fs != ci->fs) continue;
            n = snprintf(buf + len, cap - len, " %s", h->channels[k].label);
            if (n < 0) return;
            len += (size_t)n;
        }
        if (len >= cap) {
            len = cap - 1;
            if (cap > 4) memcpy(buf + cap - 4, "...", 4);
        }
    }
}

/* Prints the message, then closes r (the message may use its header). */
static int reader_fail(cli_reader *r, const char *fmt, ...) CLI_PRINTF(2, 3);

static int reader_fail(cli_reader *r, const char *fmt, ...)
{
    fprintf(stderr, "%s: ", cli_name());
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cli_reader_close(r);
    return CLI_FAIL;
}

int cli_reader_open_input(cli_reader *r, const char *path, const cli_input *in, int quiet)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    cramp_recording_options opt;
    cramp_recording_options_default(&opt);
    cli_input_options(in, &opt);
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_recording_open(&r->rec, path, &opt, &err);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
        cli_input_hint(err.message);
        return CLI_FAIL;
    }
    r->hdr = cramp_recording_header(r->rec);
    const cramp_rec_header *h = r->hdr;
    if (cli_input_check(in, h, path) != CLI_OK) {
        cli_reader_close(r);
        return CLI_FAIL;
    }
    if (!quiet)
        for (size_t i = 0; i < h->n_warnings; i++) cli_note("warning: %s", h->warnings[i]);

    r->sel = malloc((h->n_channels ? h->n_channels : 1) * sizeof *r->sel);
    if (!r->sel) return reader_fail(r, "out of memory");
    if (in && in->channels) {
        const char *p = in->channels;
        char item[128];
        int more;
        while ((more = cli_next_channel_item(&p, item, sizeof item, path)) != 0) {
            const long c = more > 0 ? cli_find_channel(h, path, item) : -1;
            if (c < 0) {
                cli_reader_close(r);
                return CLI_FAIL;
            }
            if (r->channels == h->n_channels)
                return reader_fail(r,
                                   "'%s': --channels names more channels than the file has (%zu)",
                                   path, h->n_channels);
            r->sel[r->channels++] = (size_t)c;
        }
        for (size_t i = 1; i < r->channels; i++)
            if (h->channels[r->sel[i]].fs != h->channels[r->sel[0]].fs) {
                cli_fail("'%s': channels '%s' (%g Hz) and '%s' (%g Hz) differ in sampling "
                         "rate: a run processes one rate group; choose channels of one rate",
                         path, h->channels[r->sel[0]].label, h->channels[r->sel[0]].fs,
                         h->channels[r->sel[i]].label, h->channels[r->sel[i]].fs);
                cli_reader_close(r); /* after the message: h belongs to r */
                return CLI_FAIL;
            }
    } else {
        for (size_t c = 0; c < h->n_channels; c++)
            if (!h->channels[c].is_annotation) r->sel[r->channels++] = c;
        if (r->channels == 0)
            return reader_fail(r, "'%s' holds no signal channels (only annotations)", path);
        for (size_t i = 1; i < r->channels; i++)
            if (h->channels[r->sel[i]].fs != h->channels[r->sel[0]].fs) {
                char rates[400];
                describe_rates(h, rates, sizeof rates);
                return reader_fail(r,
                                   "'%s' has channels at several sampling rates (%s): a run "
                                   "processes one rate group; choose its channels with "
                                   "--channels",
                                   path, rates);
            }
    }
    if (h->n_segments > 1)
        return reader_fail(r,
                           "'%s' is %s with %zu segments separated by gaps in time: "
                           "filtering or an envelope across a gap would join them; not "
                           "supported yet",
                           path, cramp_rec_format_name(h->format), h->n_segments);
    const cramp_channel_info *c0 = &h->channels[r->sel[0]];
    r->fs = c0->fs;
    if (c0->samples_per_record > 0)
        r->frames = (int64_t)(c0->samples_per_record * h->n_records);
    else
        r->frames = (int64_t)llround(h->duration_s * r->fs);
    st = cramp_recording_select(r->rec, r->sel, r->channels, &err);
    if (st != CRAMP_OK)
        return reader_fail(r, "%s", err.message[0] ? err.message : cramp_strerror(st));
    return CLI_OK;
}

int cli_reader_open(cli_reader *r, const char *path)
{
    return cli_reader_open_input(r, path, NULL, 0);
}

const char *cli_reader_label(const cli_reader *r, size_t c)
{
    return r->hdr->channels[r->sel[c]].label;
}

const char *cli_reader_unit(const cli_reader *r, size_t c)
{
    return r->hdr->channels[r->sel[c]].unit;
}

const char *cli_reader_units_text(const cli_reader *r)
{
    static char buf[160];
    size_t len = (size_t)snprintf(buf, sizeof buf, "in ");
    int fs = 0;
    for (size_t c = 0; c < r->channels && len + 1 < sizeof buf; c++) {
        const char *u = cli_reader_unit(r, c);
        int seen = 0;
        for (size_t k = 0; k < c; k++)
            if (strcmp(cli_reader_unit(r, k), u) == 0) seen = 1;
        if (seen) continue;
        if (strcmp(u, "FS") == 0) fs = 1;
        int n = snprintf(buf + len, sizeof buf - len, "%s%s", len > 3 ? ", " : "",
                         u[0] ? u : "(no unit)");
        if (n < 0) break;
        len += (size_t)n;
    }
    if (fs && len + 1 < sizeof buf)
        snprintf(buf + len, sizeof buf - len,
                 " (full-scale fractions; --full-scale-uv X reads uV)");
    return buf;
}

long cli_reader_read(cli_reader *r, float *buf, size_t max_frames)
{
    size_t got = 0;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_recording_read(r->rec, buf, max_frames, &got, &err);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
        return -1;
    }
    if (got < max_frames && r->frames_read + (int64_t)got < r->frames) {
        /* A short read before the end: the end of an EDF+D segment (refused
         * at open; kept as a guard) or a file shorter than its header says. */
        cli_fail("'%s' ends at frame %lld of the %lld its header announces (a gap or a "
                 "truncated file)",
                 r->path, (long long)(r->frames_read + (int64_t)got), (long long)r->frames);
        return -1;
    }
    r->frames_read += (int64_t)got;
    return (long)got;
}

void cli_reader_close(cli_reader *r)
{
    cramp_recording_close(r->rec);
    r->rec = NULL;
    free(r->sel);
    r->sel = NULL;
}

/* ---- safe output -------------------------------------------------------- */

/* Every output goes through the library's one safe output (cramp/output.h),
 * whose registry holds the temporary files of the text outputs and of the
 * library's writers alike; its handlers remove all of them on SIGINT, SIGTERM
 * or SIGHUP and end the process by the signal. */

static int open_plain(cli_output *o, const char *path, unsigned flags)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    cramp_output_catch_signals();
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_output_open(&o->out, path, flags, &err) != CRAMP_OK) {
        o->out = NULL;
        return cli_fail("%s", err.message);
    }
    return CLI_OK;
}

int cli_output_open_text(cli_output *o, const char *path)
{
    if (open_plain(o, path, CRAMP_OUTPUT_DASH_STDOUT) != CLI_OK) return CLI_FAIL;
    cramp_error err;
    memset(&err, 0, sizeof err);
    o->fp = cramp_output_stream(o->out, &err);
    if (!o->fp) {
        cli_output_abort(o);
        return cli_fail("%s", err.message);
    }
    return CLI_OK;
}

int cli_output_open_raw(cli_output *o, const char *path)
{
    return open_plain(o, path, CRAMP_OUTPUT_SEEKABLE);
}

int cli_output_open_sound(cli_output *o, const char *path, double fs, size_t channels,
                          int64_t frames_hint)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (strcmp(path, "-") == 0)
        return cli_fail("writing sound to stdout is not supported; give a file name with -o");
    cramp_output_catch_signals();
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_wav_writer_create(&o->wav, path, channels, fs,
                                              frames_hint > 0 ? (uint64_t)frames_hint : 0, &err);
    if (st != CRAMP_OK) {
        o->wav = NULL;
        return err.message[0] ? cli_fail("%s", err.message)
                              : cli_fail("cannot write '%s': %s", path, cramp_strerror(st));
    }
    return CLI_OK;
}

int cli_output_write_sound(cli_output *o, const float *buf, size_t frames)
{
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_wav_writer_write(o->wav, buf, frames, &err);
    if (st != CRAMP_OK) {
        int rc = err.message[0] ? cli_fail("%s", err.message)
                                : cli_fail("error writing '%s': %s", o->path, cramp_strerror(st));
        cli_output_abort(o);
        return rc;
    }
    return CLI_OK;
}

int cli_output_commit(cli_output *o)
{
    cli_output *one = o;
    return cli_output_commit_all(&one, 1);
}

int cli_output_commit_all(cli_output *const *outs, size_t n)
{
    cramp_output *plain[8];
    size_t np = 0;
    int rc = CLI_OK;
    cramp_error err;
    memset(&err, 0, sizeof err);
    for (size_t i = 0; i < n; i++) {
        cli_output *o = outs[i];
        if (o->wav) {
            /* a sound output commits on its own (one per run today) */
            cramp_status st = cramp_wav_writer_close(o->wav, &err);
            o->wav = NULL;
            if (st != CRAMP_OK && rc == CLI_OK)
                rc = err.message[0] ? cli_fail("%s", err.message)
                                    : cli_fail("error writing '%s': %s", o->path,
                                               cramp_strerror(st));
        } else if (o->out && np < sizeof plain / sizeof plain[0]) {
            plain[np++] = o->out;
        } else if (o->out) {
            cramp_output_abort(o->out);
            if (rc == CLI_OK) rc = cli_fail("too many outputs for one run");
        }
        o->out = NULL;
        o->fp = NULL;
    }
    if (rc != CLI_OK) {
        for (size_t i = 0; i < np; i++)
            cramp_output_abort(plain[i]);
        return rc;
    }
    if (cramp_output_commit_all(plain, np, &err) != CRAMP_OK) return cli_fail("%s", err.message);
    return CLI_OK;
}

void cli_output_abort(cli_output *o)
{
    cramp_output_abort(o->out);
    o->out = NULL;
    o->fp = NULL;
    if (o->wav) cramp_wav_writer_abort(o->wav);
    o->wav = NULL;
}

/* ---- progress ---------------------------------------------------------- */

void cli_progress_init(cli_progress *p, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = p->last = cli_now();
    p->shown = 0;
}

void cli_progress_update(cli_progress *p, double fraction, int64_t frames)
{
    if (!p->enabled) return;
    double now = cli_now();
    if (now - p->start < CLI_PROGRESS_AFTER_S || now - p->last < 0.25) return;
    p->last = now;
    p->shown = 1;
    if (fraction >= 0)
        fprintf(stderr, "\r%s: %5.1f%%", g_name, 100.0 * (fraction > 1 ? 1 : fraction));
    else
        fprintf(stderr, "\r%s: %lld frames", g_name, (long long)frames);
    fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
    if (p->enabled && p->shown) fprintf(stderr, "\r\033[K");
    p->shown = 0;
}

/* ---- output formatting ---------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    const unsigned char c = s[0];
    size_t n;
    unsigned int cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void cli_json_string(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', f);
    while (*s) {
        const unsigned char c = *s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            s++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            s++;
        } else if (c < 0x80) {
            fputc(c, f);
            s++;
        } else {
            const size_t n = utf8_len(s);
            if (n) {
                fwrite(s, 1, n, f);
                s += n;
            } else {
                fprintf(f, "\\u%04x", c);
                s++;
            }
        }
    }
    fputc('"', f);
}

void cli_put_number(FILE *f, double v, int json, int digits)
{
    if (isfinite(v))
        fprintf(f, "%.*g", digits, v);
    else
        fputs(json ? "null" : "n/a", f);
}

/* ---- signal output that follows its name -------------------------------- */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0;
}

int cli_signal_format_of(const char *path, cli_signal_format *fmt)
{
    if (ends_with_ci(path, ".edf")) {
        *fmt = CLI_SIGNAL_EDF;
        return 0;
    }
    if (ends_with_ci(path, ".bdf")) {
        *fmt = CLI_SIGNAL_BDF;
        return 0;
    }
    *fmt = CLI_SIGNAL_WAV;
    if (ends_with_ci(path, ".wav") || ends_with_ci(path, ".w64") || ends_with_ci(path, ".rf64"))
        return 0;
    struct stat sb;
    if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 &&
        (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)))
        return 0;
    cli_usage_error("cannot tell the output format from the name '%s': give a name ending in "
                    "%s",
                    path, CLI_SIGNAL_FORMATS);
    return -1;
}

/* An unnamed read-write file in $TMPDIR (or /tmp): removed from its folder
 * at once, so nothing is left behind however the run ends. */
static FILE *scratch_file(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !dir[0]) dir = "/tmp";
    char path[4096];
    if (snprintf(path, sizeof path, "%s/cramp-scratch.XXXXXX", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

int cli_signal_open_edf(cli_signal_out *s, const char *path, cli_signal_format fmt, double fs,
                        size_t channels)
{
    memset(s, 0, sizeof *s);
    s->fmt = fmt;
    s->fs = fs;
    s->channels = channels;
    s->peak = calloc(channels, sizeof *s->peak);
    s->scratch = scratch_file();
    if (!s->peak || !s->scratch) {
        int e = errno;
        cli_signal_abort_edf(s);
        return cli_fail("cannot make a scratch file for '%s': %s", path, strerror(e));
    }
    if (cli_output_open_raw(&s->o, path) != CLI_OK) {
        cli_signal_abort_edf(s);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_signal_write_edf(cli_signal_out *s, const float *buf, size_t frames)
{
    const size_t ch = s->channels;
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < ch; c++) {
            double v = fabs((double)buf[i * ch + c]);
            if (v > s->peak[c]) s->peak[c] = v;
        }
    if (fwrite(buf, sizeof *buf * ch, frames, s->scratch) != frames)
        return cli_fail("cannot write the scratch file for '%s': %s", s->o.path, strerror(errno));
    s->frames += (int64_t)frames;
    return CLI_OK;
}

/* The smallest number >= x (> 0) of at most 3 significant digits that fits
 * the 8 characters of an EDF physical minimum with its '-' sign; 0 if none. */
static double edf_range_up(double x, char *text, size_t cap)
{
    if (!(x > 0)) x = 1.0;
    for (int digits = 3; digits >= 1; digits--) {
        int e = (int)floor(log10(x));
        double step = pow(10.0, e - digits + 1);
        double r = ceil(x / step * (1 - 1e-12)) * step;
        int decimals = e - digits + 1 < 0 ? digits - 1 - e : 0;
        int n = snprintf(text, cap, "%.*f", decimals, r);
        if (n > 0 && n <= 7 && strtod(text, NULL) >= x) return strtod(text, NULL);
    }
    return 0.0;
}

/* An EDF header field: printable ASCII ('µ' as 'u', other bytes '_'),
 * padded with blanks to width. */
static void edf_field(unsigned char *dst, size_t width, const char *src)
{
    memset(dst, ' ', width);
    const unsigned char *p = (const unsigned char *)(src ? src : "");
    for (size_t i = 0; i < width && *p; p++) {
        unsigned char b = *p;
        if (b == 0xC2 && p[1] == 0xB5) { /* UTF-8 micro sign */
            b = 'u';
            p++;
        } else if (b == 0xCE && p[1] == 0xBC) { /* UTF-8 Greek mu */
            b = 'u';
            p++;
        } else if (b == 0xB5) {
            b = 'u';
        } else if (b < 0x20 || b > 0x7E) {
            b = '_';
        }
        dst[i++] = b;
    }
}

static int pwrite_all(int fd, const void *buf, size_t n, off_t at)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t k = pwrite(fd, p, n, at);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
        at += k;
    }
    return 0;
}

int cli_signal_commit_edf(cli_signal_out *s, const cli_reader *rd, const char *prefilter,
                          int quiet)
{
    const size_t ch = s->channels;
    const cramp_rec_header *h = rd ? rd->hdr : NULL;
    const int edf_in = h && h->format >= CRAMP_REC_EDF && h->format <= CRAMP_REC_BDFPLUS_D;
    const char *path = s->o.path;
    int rc = CLI_FAIL;
    double *range = calloc(ch, sizeof *range);
    char(*range_text)[16] = calloc(ch, sizeof *range_text);
    char(*labels)[17] = calloc(ch, sizeof *labels);
    const char **label_ptr = calloc(ch, sizeof *label_ptr);
    float *buf = malloc(CLI_BLOCK_FRAMES * ch * sizeof *buf);
    cramp_edf_writer *w = NULL;
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (!range || !range_text || !labels || !label_ptr || !buf) {
        cli_fail("out of memory");
        goto out;
    }

    for (size_t c = 0; c < ch; c++) {
        const cramp_channel_info *ci = h ? &h->channels[rd->sel[c]] : NULL;
        const char *unit = rd ? cli_reader_unit(rd, c) : "";
        char whole[96];
        if (ci && ci->label[0])
            snprintf(whole, sizeof whole, "%s", ci->label);
        else
            snprintf(whole, sizeof whole, "ch%zu", c + 1);
        snprintf(labels[c], sizeof labels[c], "%.16s", whole); /* EDF: 16 characters */
        label_ptr[c] = labels[c];
        double in_r = 0.0;
        if (edf_in && isfinite(ci->phys_min) && isfinite(ci->phys_max))
            in_r = fmax(fabs(ci->phys_min), fabs(ci->phys_max)) * ci->to_output;
        if (s->fmt == CLI_SIGNAL_EDF && in_r > 0 && s->peak[c] <= in_r &&
            edf_range_up(in_r, range_text[c], sizeof range_text[c]) > 0) {
            range[c] = strtod(range_text[c], NULL);
        } else {
            range[c] = edf_range_up(s->peak[c], range_text[c], sizeof range_text[c]);
            if (range[c] <= 0) {
                cli_fail("'%s': channel '%s' peaks at %g %s, more than the 8 characters of an "
                         "EDF physical range can hold",
                         path, labels[c], s->peak[c], unit);
                goto out;
            }
            if (s->fmt == CLI_SIGNAL_EDF && in_r > 0 && !quiet)
                cli_note("warning: channel '%s': the filtered signal peaks at %g %s, beyond the "
                         "input's physical range (+-%g %s): 16 bits would clip there, so '%s' "
                         "gives it +-%s %s (a step of %.3g %s); a .bdf name keeps 24 bits",
                         labels[c], s->peak[c], unit, in_r, unit, path, range_text[c], unit,
                         2.0 * range[c] / 65535.0, unit);
        }
    }

    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.bdf = s->fmt == CLI_SIGNAL_BDF;
    cfg.channels = ch;
    cfg.labels = label_ptr;
    cfg.unit = "";
    cfg.fs = s->fs;
    /* The input's record length when the rate fills it with whole samples,
     * else the first of 1, 2, 4, 5, 10, 0.5, ... s that does (a text file at
     * 999.5 Hz gets 2-s records); the writer refuses a rate none fits. */
    static const double durations[] = {1, 2, 4, 5, 10, 20, 0.5, 0.25, 0.2, 0.1};
    cfg.record_duration_s = 1.0;
    for (size_t k = 0; k <= sizeof durations / sizeof *durations; k++) {
        const double d = k == 0 ? (edf_in ? h->record_duration_s : 0) : durations[k - 1];
        const double spr = s->fs * d;
        if (d > 0 && spr >= 1 && fabs(spr - floor(spr + 0.5)) < 1e-9 * spr) {
            cfg.record_duration_s = d;
            break;
        }
    }
    /* Values go in as fractions of each channel's range; the header then
     * gets the channel's own range (below), which scales them back. */
    cfg.phys_min = -1.0;
    cfg.phys_max = 1.0;
    cfg.prefilter = prefilter;
    if (edf_in) {
        cfg.patient = h->patient;
        cfg.recording = h->recording;
    }
    if (h && h->start_valid && h->year >= 1985 && h->year <= 2084) {
        cfg.year = h->year;
        cfg.month = h->month;
        cfg.day = h->day;
        cfg.hour = h->hour;
        cfg.minute = h->minute;
        cfg.second = h->second;
    }
    cramp_status st = cramp_edf_writer_create_to(&w, s->o.out, &cfg, &err);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
        goto out;
    }
    if (fseek(s->scratch, 0, SEEK_SET) != 0) {
        cli_fail("cannot read back the scratch file for '%s': %s", path, strerror(errno));
        goto out;
    }
    for (int64_t left = s->frames; left > 0;) {
        size_t n = left > CLI_BLOCK_FRAMES ? CLI_BLOCK_FRAMES : (size_t)left;
        if (fread(buf, sizeof *buf * ch, n, s->scratch) != n) {
            cli_fail("cannot read back the scratch file for '%s'", path);
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < ch; c++) {
                float v = (float)((double)buf[i * ch + c] / range[c]);
                buf[i * ch + c] = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
            }
        st = cramp_edf_writer_write(w, buf, n, &err);
        if (st != CRAMP_OK) {
            cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
            goto out;
        }
        left -= (int64_t)n;
    }
    if (h)
        for (size_t i = 0; i < h->n_annotations; i++) {
            st = cramp_edf_writer_annotate(w, &h->annotations[i], &err);
            if (st != CRAMP_OK) {
                cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
                goto out;
            }
        }
    st = cramp_edf_writer_close(w, &err);
    w = NULL;
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
        goto out;
    }

    /* Each channel's own fields; the signal header arrays follow the
     * 256-byte fixed header, field by field, for ns = ch + 1 signals (the
     * last is the annotation signal). */
    const size_t ns = ch + 1;
    const int fd = cramp_output_fd(s->o.out);
    for (size_t c = 0; c < ch; c++) {
        const cramp_channel_info *ci = h ? &h->channels[rd->sel[c]] : NULL;
        unsigned char f[80];
        char num[16];
        int bad = 0;
        edf_field(f, 80, ci ? ci->transducer : "");
        bad |= pwrite_all(fd, f, 80, (off_t)(256 + ns * 16 + c * 80));
        edf_field(f, 8, rd ? cli_reader_unit(rd, c) : "");
        bad |= pwrite_all(fd, f, 8, (off_t)(256 + ns * 96 + c * 8));
        snprintf(num, sizeof num, "-%s", range_text[c]);
        edf_field(f, 8, num);
        bad |= pwrite_all(fd, f, 8, (off_t)(256 + ns * 104 + c * 8));
        edf_field(f, 8, range_text[c]);
        bad |= pwrite_all(fd, f, 8, (off_t)(256 + ns * 112 + c * 8));
        if (bad) {
            cli_fail("cannot write the header of '%s': %s", path, strerror(errno));
            goto out;
        }
    }
    rc = cli_output_commit(&s->o);

out:
    cramp_edf_writer_abort(w);
    free(range);
    free(range_text);
    free(labels);
    free(label_ptr);
    free(buf);
    cli_signal_abort_edf(s);
    return rc;
}

void cli_signal_abort_edf(cli_signal_out *s)
{
    cli_output_abort(&s->o);
    if (s->scratch) fclose(s->scratch);
    s->scratch = NULL;
    free(s->peak);
    s->peak = NULL;
}

/* ---- filtering the annotations of a written EDF+ ------------------------ */

static int read_all_at(int fd, void *buf, size_t n, off_t at)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t k = pread(fd, p, n, at);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
        at += k;
    }
    return 0;
}

static long header_number(const unsigned char *f, size_t width)
{
    char tmp[32];
    size_t n = width < sizeof tmp - 1 ? width : sizeof tmp - 1;
    memcpy(tmp, f, n);
    tmp[n] = '\0';
    char *end;
    long v = strtol(tmp, &end, 10);
    while (*end == ' ') end++;
    return *end == '\0' && end != tmp ? v : -1;
}

/* 1 if text (up to "@@" or its end) ends in suffix. */
static int text_is_kept(const char *text, size_t len, const char *suffix)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '@' && text[i + 1] == '@') {
            len = i;
            break;
        }
    size_t k = strlen(suffix);
    return len >= k && memcmp(text + len - k, suffix, k) == 0;
}

/* Rewrites one annotation signal's bytes a (n bytes) in place; first: the
 * record's first annotation signal, whose first TAL keeps its time-keeping
 * (empty) text. */
static void filter_tals(unsigned char *a, size_t n, int first, const char *suffix,
                        unsigned char *tmp)
{
    size_t w = 0, i = 0;
    int tal_no = 0;
    while (i < n && a[i] != 0) {
        size_t end = i;
        while (end < n && a[end] != 0) end++; /* a TAL ends with 0x14 0x00 */
        /* onset (and duration) up to the first 0x14 */
        size_t t = i;
        while (t < end && a[t] != 0x14) t++;
        size_t head_len = t - i;
        size_t w0 = w;
        memcpy(tmp + w, a + i, head_len);
        w += head_len;
        int kept = 0;
        size_t k = t + 1, text_no = 0;
        while (k < end) {
            size_t e = k;
            while (e < end && a[e] != 0x14) e++;
            const int timekeeping = first && tal_no == 0 && text_no == 0 && e == k;
            if (timekeeping || (e > k && text_is_kept((const char *)a + k, e - k, suffix))) {
                tmp[w++] = 0x14;
                memcpy(tmp + w, a + k, e - k);
                w += e - k;
                kept = 1;
            }
            text_no++;
            k = e + 1;
        }
        if (kept) {
            tmp[w++] = 0x14; /* a TAL's last text ends with 0x14, then 0x00 */
            tmp[w++] = 0;
        } else {
            w = w0;
        }
        tal_no++;
        i = end + 1;
    }
    memcpy(a, tmp, w);
    memset(a + w, 0, n - w);
}

int cli_edf_keep_only_annotations(cli_output *o, const char *keep_suffix)
{
    const int fd = cramp_output_fd(o->out);
    unsigned char fixed[256];
    if (read_all_at(fd, fixed, sizeof fixed, 0) != 0)
        return cli_fail("'%s': cannot read back its header: %s", o->path, strerror(errno));
    const long ns = header_number(fixed + 252, 4);
    const long nrec = header_number(fixed + 236, 8);
    const size_t bps = fixed[0] == 0xFF ? 3 : 2;
    if (ns < 1 || ns > 4096 || nrec < 0)
        return cli_fail("'%s': unexpected header (signals '%.4s', records '%.8s')", o->path,
                        (const char *)fixed + 252, (const char *)fixed + 236);
    const size_t hs = 256 * ((size_t)ns + 1);
    unsigned char *hdr = malloc(hs);
    size_t *spr = calloc((size_t)ns, sizeof *spr);
    int *is_ann = calloc((size_t)ns, sizeof *is_ann);
    unsigned char *rec = NULL, *tmp = NULL;
    int rc = CLI_FAIL;
    if (!hdr || !spr || !is_ann) {
        cli_fail("out of memory");
        goto out;
    }
    if (read_all_at(fd, hdr, hs, 0) != 0) {
        cli_fail("'%s': cannot read back its header: %s", o->path, strerror(errno));
        goto out;
    }
    size_t rec_bytes = 0;
    for (long i = 0; i < ns; i++) {
        const unsigned char *lab = hdr + 256 + (size_t)i * 16;
        is_ann[i] = memcmp(lab, "EDF Annotations", 15) == 0 || memcmp(lab, "BDF Annotations", 15) == 0;
        long v = header_number(hdr + 256 + (size_t)ns * 216 + (size_t)i * 8, 8);
        if (v < 0) {
            cli_fail("'%s': unexpected number of samples of signal %ld", o->path, i + 1);
            goto out;
        }
        spr[i] = (size_t)v;
        rec_bytes += spr[i] * bps;
    }
    rec = malloc(rec_bytes ? rec_bytes : 1);
    tmp = malloc(rec_bytes + 4);
    if (!rec || !tmp) {
        cli_fail("out of memory");
        goto out;
    }
    for (long r = 0; r < nrec; r++) {
        const off_t at = (off_t)hs + (off_t)r * (off_t)rec_bytes;
        if (read_all_at(fd, rec, rec_bytes, at) != 0) {
            cli_fail("'%s': cannot read back record %ld: %s", o->path, r + 1, strerror(errno));
            goto out;
        }
        size_t off = 0;
        int first = 1;
        for (long i = 0; i < ns; i++) {
            if (is_ann[i]) {
                filter_tals(rec + off, spr[i] * bps, first, keep_suffix, tmp);
                first = 0;
            }
            off += spr[i] * bps;
        }
        if (pwrite_all(fd, rec, rec_bytes, at) != 0) {
            cli_fail("'%s': cannot write record %ld: %s", o->path, r + 1, strerror(errno));
            goto out;
        }
    }
    rc = CLI_OK;
out:
    free(hdr);
    free(spr);
    free(is_ann);
    free(rec);
    free(tmp);
    return rc;
}

/* ---- channels a sleep lab would choose ---------------------------------- */

static void append_label(char *buf, size_t cap, const char *label, const char *why)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap) return;
    snprintf(buf + len, cap - len, "%s'%s'%s", len ? ", " : "", label, why);
}

int cli_leg_emg_channels(const cramp_rec_header *h, const char *path, double min_fs, size_t *idx,
                         size_t *n, size_t cap, int quiet)
{
    char took[1024] = "", left[2048] = "";
    size_t slow = 0;
    *n = 0;
    for (size_t c = 0; c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        if (ci->is_annotation) continue;
        const int leg = cramp_detect_is_leg_emg(ci->label, ci->transducer, ci->file_unit);
        if (leg && ci->fs >= min_fs && *n < cap) {
            idx[(*n)++] = c;
            append_label(took, sizeof took, ci->label, "");
        } else {
            slow += leg && ci->fs < min_fs;
            append_label(left, sizeof left, ci->label,
                         !leg ? "" : ci->fs < min_fs ? " (below the EMG rate)" : " (too many)");
        }
    }
    if (*n == 0 && slow)
        return cli_fail("'%s': its leg EMG channels are all below %g Hz, too slow for the sEMG "
                        "band: %s; choose channels with --channels LIST, or take every channel "
                        "with --all-channels",
                        path, min_fs, left);
    if (*n == 0)
        return cli_fail("'%s': no channel's label or transducer says leg EMG (LAT, RAT, Leg L, "
                        "EMG Tib, L-GAS, ...): its channels are %s; choose them with --channels "
                        "LIST, or take every channel with --all-channels",
                        path, left[0] ? left : "none");
    if (!quiet)
        cli_note("%s: leg EMG by label: %s%s%s (--channels chooses others, --all-channels takes "
                 "every one)",
                 path, took, left[0] ? "; left: " : "", left);
    return CLI_OK;
}
