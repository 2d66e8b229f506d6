/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* The WFDB backend of cramp_recording: a PhysioNet record's header (.hea)
 * and its signal files, as the WFDB header(5) and signal(5) manual pages
 * describe them (https://physionet.org/physiotools/wag/).
 *
 * Header: the record line "name nsig [fs[/counter][(base)] [nsamp [time
 * [date]]]]" and one line per signal "file format[xN][:skew][+offset]
 * [gain[(baseline)][/units] [adcres [adczero [initval [checksum [blocksize
 * [description]]]]]]]"; '#' lines are comments (the first one is kept as the
 * header's patient field, where EDF+ keeps who was recorded). Defaults as
 * WFDB's: fs 250 Hz, gain 200 adu per unit ("uncalibrated", a warning),
 * baseline = adczero, units mV. Multi-segment records, more than one sample
 * per frame, skew and formats other than 16, 212, 80, 24 and 32 are refused
 * as unsupported, naming the field.
 *
 * Values: (adu - baseline) / gain in the signal's units, then in uV for a
 * voltage (wfdb-python's p_signal times 1000 for mV). WFDB's invalid-sample
 * code (the format's most negative value) is an error naming the frame and
 * channel, as a NaN in a float WAV is.
 *
 * Memory: read decodes up to WFDB_BLOCK frames of each signal file needed
 * into buffers sized at select; pread on one descriptor per file. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "io/recording_internal.h"

#define WFDB_BLOCK 1024u
#define WFDB_MAX_SIGNALS 4096u
#define WFDB_MAX_HEADER (1u << 20)

typedef struct wfdb_file {
    char name[256];         /* path: the header's folder and bare */
    char bare[208];         /* as the header writes it */
    int fd;
    int format;             /* 16, 212, 80, 24, 32 */
    size_t first_sig, n_sig;/* signals first_sig .. first_sig+n_sig-1, interleaved */
    uint64_t offset;        /* bytes before the first sample */
} wfdb_file;

typedef struct wfdb_sig {
    size_t file;            /* index into files */
    double gain, baseline;
    double scale;           /* to_output / gain */
} wfdb_sig;

typedef struct wfdb_impl {
    char *path;
    wfdb_file *files;
    size_t n_files;
    wfdb_sig *sig;
    size_t n_sig;
    uint64_t nsamp;
    double fs;
    cramp_rec_header hdr;
    cramp_channel_info *ch;
    cramp_segment seg;
    char *warn[8];
    size_t n_warn;
    size_t *sel;
    size_t n_sel;
    unsigned char *bytes;   /* one block of the widest file's frames */
    int32_t *adu;           /* WFDB_BLOCK * widest file's signals */
    uint64_t pos;
} wfdb_impl;

static cramp_status wfdb_select(void *impl, const size_t *channels, size_t n, cramp_error *err);
static cramp_status wfdb_read(void *impl, float *out, size_t max_frames, size_t *frames,
                              cramp_error *err);
static void wfdb_tell(const void *impl, size_t *frame, double *time_s);
static cramp_status wfdb_seek(void *impl, size_t frame, cramp_error *err);
static void wfdb_close(void *impl);

static const cramp__rec_ops wfdb_ops = {wfdb_select, wfdb_read, wfdb_tell,
                                        wfdb_seek, wfdb_close, NULL};

#define add_warning(w, err, ...)                                                               \
    cramp__add_warning((w)->warn, sizeof (w)->warn / sizeof (w)->warn[0], &(w)->n_warn,       \
                       (w)->path, err, __VA_ARGS__)

/* Bytes of n samples of a format, starting at sample s (212 packs two
 * samples in three bytes). */
static uint64_t sample_bytes(int format, uint64_t s, uint64_t n)
{
    switch (format) {
    case 80: return n;
    case 16: return 2 * n;
    case 24: return 3 * n;
    case 32: return 4 * n;
    default: { /* 212: the pairs that hold samples s .. s+n-1 */
        const uint64_t p0 = s / 2, p1 = (s + n + 1) / 2;
        return 3 * (p1 - p0);
    }
    }
}

static uint64_t sample_offset(int format, uint64_t s)
{
    return format == 212 ? s / 2 * 3 : sample_bytes(format, 0, s);
}

static int default_res(int format)
{
    switch (format) {
    case 80: return 8;
    case 212: return 12;
    case 24: return 24;
    case 32: return 32;
    default: return 16;
    }
}

/* Splits a header line at blanks into at most cap tokens; the last gets the
 * rest of the line when rest_last (a signal's description). */
static size_t tokens(char *s, char **tok, size_t cap, int rest_last)
{
    size_t n = 0;
    char *p = s;
    while (n < cap) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        tok[n++] = p;
        if (rest_last && n == cap) break;
        while (*p && *p != ' ' && *p != '\t') p++;
        if (*p) *p++ = '\0';
    }
    if (rest_last && n == cap) {
        size_t len = strlen(tok[n - 1]);
        while (len && (tok[n - 1][len - 1] == ' ' || tok[n - 1][len - 1] == '\t'))
            tok[n - 1][--len] = '\0';
    }
    return n;
}

/* Whole strtod/strtoll over s; 0 on anything else. */
static int num(const char *s, double *v)
{
    char *e;
    errno = 0;
    const double x = strtod(s, &e);
    if (e == s || *e || !isfinite(x)) return 0;
    *v = x;
    return 1;
}

static int integer(const char *s, long long *v)
{
    char *e;
    errno = 0;
    const long long x = strtoll(s, &e, 10);
    if (e == s || *e || errno) return 0;
    *v = x;
    return 1;
}

/* The record line. */
static cramp_status record_line(wfdb_impl *w, char *line, size_t *nsig, int *have_nsamp,
                                cramp_error *err)
{
    char *tok[6];
    const size_t n = tokens(line, tok, 6, 0);
    if (n < 2)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line 1 (record line) '%.40s': expected 'name nsig [fs [nsamp]]'",
                           w->path, n ? tok[0] : "");
    if (strchr(tok[0], '/'))
        return cramp__fail(err, CRAMP_EUNSUPPORTED,
                           "%s: record name '%.40s': a multi-segment record (name/segments) is "
                           "not read; expected a single-segment record",
                           w->path, tok[0]);
    long long ns;
    if (!integer(tok[1], &ns) || ns < 1 || ns > (long long)WFDB_MAX_SIGNALS)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line 1, number of signals '%.20s': expected 1 to %u", w->path,
                           tok[1], WFDB_MAX_SIGNALS);
    *nsig = (size_t)ns;
    w->fs = 250.0;
    if (n > 2) {
        /* fs[/counter][(base)] */
        char f[64];
        snprintf(f, sizeof f, "%s", tok[2]);
        f[strcspn(f, "/(")] = '\0';
        double fs;
        if (!num(f, &fs) || !(fs > 0) || fs > 1e9)
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: line 1, sampling frequency '%.20s': expected a number > 0",
                               w->path, tok[2]);
        w->fs = fs;
    }
    *have_nsamp = 0;
    if (n > 3) {
        long long m;
        /* 2^40 samples: 8.7 years at 4 kHz; byte counts stay far from overflow */
        if (!integer(tok[3], &m) || m < 0 || m > (1LL << 40))
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: line 1, number of samples '%.20s': expected an integer from "
                               "0 to 2^40",
                               w->path, tok[3]);
        w->nsamp = (uint64_t)m;
        *have_nsamp = m > 0;
    }
    if (n > 4) {
        int hh, mm;
        double ss;
        if (sscanf(tok[4], "%d:%d:%lf", &hh, &mm, &ss) == 3 && hh >= 0 && hh < 24 && mm >= 0 &&
            mm < 60 && ss >= 0 && ss < 61) {
            w->hdr.hour = hh;
            w->hdr.minute = mm;
            w->hdr.second = (int)ss;
            w->hdr.start_subsecond = ss - floor(ss);
            int d, mo, y;
            if (n > 5 && sscanf(tok[5], "%d/%d/%d", &d, &mo, &y) == 3 && d >= 1 && d <= 31 &&
                mo >= 1 && mo <= 12 && y > 0) {
                w->hdr.day = d;
                w->hdr.month = mo;
                w->hdr.year = y;
                w->hdr.start_valid = 1;
            }
        }
    }
    return CRAMP_OK;
}

/* One signal line (header line number ln). */
static cramp_status signal_line(wfdb_impl *w, char *line, size_t s, unsigned ln, const char *dir,
                                int dir_len, cramp_error *err)
{
    char *tok[9];
    const size_t n = tokens(line, tok, 9, 1);
    cramp_channel_info *ci = &w->ch[s];
    wfdb_sig *sg = &w->sig[s];
    if (n < 2)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line %u (signal %zu): expected 'file format [gain ...]'", w->path,
                           ln, s + 1);
    /* format[xN][:skew][+offset] */
    char *fmt = tok[1];
    long long off = 0;
    char *plus = strchr(fmt, '+');
    if (plus) {
        *plus = '\0';
        if (!integer(plus + 1, &off) || off < 0)
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: line %u (signal %zu), byte offset '%.20s': expected an "
                               "integer >= 0",
                               w->path, ln, s + 1, plus + 1);
    }
    char *colon = strchr(fmt, ':');
    if (colon) {
        long long sk;
        if (!integer(colon + 1, &sk) || sk != 0)
            return cramp__fail(err, CRAMP_EUNSUPPORTED,
                               "%s: line %u (signal %zu), skew '%.20s': not read (expected 0)",
                               w->path, ln, s + 1, colon + 1);
        *colon = '\0';
    }
    char *x = strchr(fmt, 'x');
    if (x) {
        long long spf;
        if (!integer(x + 1, &spf) || spf != 1)
            return cramp__fail(err, CRAMP_EUNSUPPORTED,
                               "%s: line %u (signal %zu), samples per frame '%.20s': only 1 is "
                               "read",
                               w->path, ln, s + 1, x + 1);
        *x = '\0';
    }
    long long format;
    if (!integer(fmt, &format))
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line %u (signal %zu), format '%.20s': expected a number", w->path,
                           ln, s + 1, fmt);
    if (format != 16 && format != 212 && format != 80 && format != 24 && format != 32)
        return cramp__fail(err, CRAMP_EUNSUPPORTED,
                           "%s: line %u (signal %zu), format %lld: not read (expected 16, 212, "
                           "80, 24 or 32)",
                           w->path, ln, s + 1, format);
    if (strcmp(tok[0], "~") == 0)
        return cramp__fail(err, CRAMP_EUNSUPPORTED,
                           "%s: line %u (signal %zu): file name '~' (no signal file) is not read",
                           w->path, ln, s + 1);
    if (strchr(tok[0], '/') || strlen(tok[0]) > 200)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line %u (signal %zu), file name '%.40s': expected a file name "
                           "beside the header",
                           w->path, ln, s + 1, tok[0]);
    /* gain[(baseline)][/units] adcres adczero initval checksum blocksize description */
    double gain = 0.0, baseline = 0.0;
    int have_baseline = 0;
    char units[17] = "mV";
    if (n > 2) {
        char g[128];
        snprintf(g, sizeof g, "%s", tok[2]);
        char *slash = strchr(g, '/');
        if (slash) {
            *slash = '\0';
            snprintf(units, sizeof units, "%s", slash + 1);
        }
        char *par = strchr(g, '(');
        if (par) {
            char *close_p = strchr(par, ')');
            if (!close_p)
                return cramp__fail(err, CRAMP_EFORMAT,
                                   "%s: line %u (signal %zu), gain '%.40s': expected "
                                   "gain(baseline)/units",
                                   w->path, ln, s + 1, tok[2]);
            *close_p = '\0';
            if (!num(par + 1, &baseline))
                return cramp__fail(err, CRAMP_EFORMAT,
                                   "%s: line %u (signal %zu), baseline '%.20s': expected an "
                                   "integer",
                                   w->path, ln, s + 1, par + 1);
            have_baseline = 1;
            *par = '\0';
        }
        if (!num(g, &gain) || gain < 0)
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: line %u (signal %zu), gain '%.40s': expected a number >= 0",
                               w->path, ln, s + 1, tok[2]);
    }
    long long res = 0, zero = 0;
    if (n > 3 && (!integer(tok[3], &res) || res < 0 || res > 32))
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line %u (signal %zu), ADC resolution '%.20s': expected 0 to 32 "
                           "bits",
                           w->path, ln, s + 1, tok[3]);
    if (n > 4 && !integer(tok[4], &zero))
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line %u (signal %zu), ADC zero '%.20s': expected an integer",
                           w->path, ln, s + 1, tok[4]);
    if (!have_baseline) baseline = (double)zero;
    if (res == 0) res = default_res((int)format);
    if (gain == 0.0) {
        gain = 200.0;
        const cramp_status st =
            add_warning(w, err, "%s: signal %zu has gain 0 (uncalibrated): read with WFDB's "
                        "default of 200 adu per %s", w->path, s + 1, units);
        if (st != CRAMP_OK) return st;
    }
    if (n > 8 && tok[8][0])
        snprintf(ci->label, sizeof ci->label, "%s", tok[8]);
    else
        snprintf(ci->label, sizeof ci->label, "ch%zu", s + 1);
    /* The emgdb copies write "mv": millivolts, as no record holds megavolts. */
    if (strcmp(units, "mv") == 0 || strcmp(units, "uv") == 0) {
        const cramp_status st = add_warning(w, err, "%s: signal %zu unit '%s' read as '%cV'",
                                            w->path, s + 1, units, units[0]);
        if (st != CRAMP_OK) return st;
        units[1] = 'V';
    }
    cramp__set_unit(ci, units);
    ci->fs = w->fs;
    const double lo = -ldexp(1.0, (int)res - 1), hi = ldexp(1.0, (int)res - 1) - 1.0;
    ci->dig_min = (int32_t)fmax(lo, -2147483648.0);
    ci->dig_max = (int32_t)fmin(hi, 2147483647.0);
    ci->phys_min = (ci->dig_min - baseline) / gain;
    ci->phys_max = (ci->dig_max - baseline) / gain;
    snprintf(ci->transducer, sizeof ci->transducer, "WFDB format %lld", format);
    sg->gain = gain;
    sg->baseline = baseline;
    sg->scale = ci->to_output / gain;
    /* the signal's file: the previous one when the name repeats */
    if (w->n_files > 0 && strcmp(w->files[w->n_files - 1].bare, tok[0]) == 0) {
        wfdb_file *fl = &w->files[w->n_files - 1];
        if (fl->format != (int)format || fl->offset != (uint64_t)off)
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: line %u (signal %zu): format %lld+%lld differs from the "
                               "other signals of '%s' (%d+%llu)",
                               w->path, ln, s + 1, format, off, fl->bare, fl->format,
                               (unsigned long long)fl->offset);
        fl->n_sig++;
    } else {
        for (size_t i = 0; i < w->n_files; i++)
            if (strcmp(w->files[i].bare, tok[0]) == 0)
                return cramp__fail(err, CRAMP_EFORMAT,
                                   "%s: line %u (signal %zu): the signals of '%s' are not "
                                   "consecutive",
                                   w->path, ln, s + 1, tok[0]);
        wfdb_file *fl = &w->files[w->n_files++];
        snprintf(fl->name, sizeof fl->name, "%.*s%s", dir_len, dir, tok[0]);
        snprintf(fl->bare, sizeof fl->bare, "%s", tok[0]);
        fl->format = (int)format;
        fl->offset = (uint64_t)off;
        fl->first_sig = s;
        fl->n_sig = 1;
        fl->fd = -1;
    }
    sg->file = w->n_files - 1;
    return CRAMP_OK;
}

cramp_status cramp__wfdb_open(const char *path, const cramp_recording_options *opt, void **impl,
                              const cramp_rec_header **header, const cramp__rec_ops **ops,
                              cramp_error *err)
{
    (void)opt;
    wfdb_impl *w = calloc(1, sizeof *w);
    if (!w) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0;
    cramp_status st = CRAMP_OK;
    w->path = strdup(path);
    if (!w->path) {
        st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    f = fopen(path, "rb");
    if (!f) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    const char *slash = strrchr(path, '/');
    const int dir_len = slash ? (int)(slash - path + 1) : 0;
    size_t nsig = 0, s = 0;
    int have_nsamp = 0, got_record = 0;
    unsigned ln = 0;
    uint64_t total = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        ln++;
        total += (uint64_t)len;
        if (total > WFDB_MAX_HEADER) {
            st = cramp__fail(err, CRAMP_EFORMAT, "%s: header longer than %u bytes: not a WFDB "
                             "header", path, WFDB_MAX_HEADER);
            goto fail;
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#') {
            if (!w->hdr.patient[0] && got_record) {
                p++;
                while (*p == ' ') p++;
                snprintf(w->hdr.patient, sizeof w->hdr.patient, "%s", p);
            }
            continue;
        }
        if (!*p) continue;
        if (!got_record) {
            st = record_line(w, p, &nsig, &have_nsamp, err);
            if (st != CRAMP_OK) goto fail;
            got_record = 1;
            w->ch = calloc(nsig, sizeof *w->ch);
            w->sig = calloc(nsig, sizeof *w->sig);
            w->files = calloc(nsig, sizeof *w->files);
            if (!w->ch || !w->sig || !w->files) {
                st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory for %zu signals", path,
                                 nsig);
                goto fail;
            }
            w->n_sig = nsig;
            for (size_t i = 0; i < nsig; i++) w->files[i].fd = -1;
            continue;
        }
        if (s == nsig) break; /* info strings after the signals are not WFDB's */
        st = signal_line(w, p, s, ln, path, dir_len, err);
        if (st != CRAMP_OK) goto fail;
        s++;
    }
    if (ferror(f)) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    if (!got_record) {
        st = cramp__fail(err, CRAMP_EFORMAT, "%s: no record line: not a WFDB header", path);
        goto fail;
    }
    if (s < nsig) {
        st = cramp__fail(err, CRAMP_EFORMAT,
                         "%s: the record line announces %zu signals but %zu signal lines "
                         "follow",
                         path, nsig, s);
        goto fail;
    }
    /* Open the signal files; the length from the header, or from the first file. */
    for (size_t i = 0; i < w->n_files; i++) {
        wfdb_file *fl = &w->files[i];
        fl->fd = open(fl->name, O_RDONLY | O_CLOEXEC);
        if (fl->fd < 0) {
            st = cramp__fail(err, CRAMP_EIO, "%s: cannot open its signal file %s: %s", path,
                             fl->name, strerror(errno));
            goto fail;
        }
        struct stat sb;
        if (fstat(fl->fd, &sb) != 0) {
            st = cramp__fail(err, CRAMP_EIO, "%s: cannot read %s: %s", path, fl->name,
                             strerror(errno));
            goto fail;
        }
        const uint64_t size = (uint64_t)sb.st_size;
        const uint64_t avail = size > fl->offset ? size - fl->offset : 0;
        if (!have_nsamp) {
            /* whole frames that fit */
            uint64_t n = fl->format == 212 ? avail / 3 * 2 + (avail % 3 >= 2)
                                           : avail / sample_bytes(fl->format, 0, 1);
            n /= fl->n_sig;
            if (i == 0 || n < w->nsamp) w->nsamp = n;
        }
    }
    for (size_t i = 0; i < w->n_files; i++) {
        wfdb_file *fl = &w->files[i];
        struct stat sb;
        if (fstat(fl->fd, &sb) != 0) continue;
        const uint64_t size = (uint64_t)sb.st_size;
        const uint64_t want = fl->offset + sample_bytes(fl->format, 0, w->nsamp * fl->n_sig);
        /* an odd 212 sample count may end one byte short of a whole pair */
        const uint64_t slack = fl->format == 212 && (w->nsamp * fl->n_sig) % 2 ? 1 : 0;
        if (size + slack < want) {
            st = cramp__fail(err, CRAMP_EFORMAT,
                             "%s: truncated: %s holds %llu bytes, the header's %llu samples of "
                             "%zu signal%s in format %d need %llu",
                             path, fl->name, (unsigned long long)size,
                             (unsigned long long)w->nsamp, fl->n_sig, fl->n_sig == 1 ? "" : "s",
                             fl->format, (unsigned long long)want);
            goto fail;
        }
        if (size > want) {
            st = add_warning(w, err, "%s: %s holds %llu bytes after the header's %llu samples: "
                             "not read", path, fl->name, (unsigned long long)(size - want),
                             (unsigned long long)w->nsamp);
            if (st != CRAMP_OK) goto fail;
        }
    }
    cramp_rec_header *h = &w->hdr;
    h->format = CRAMP_REC_WFDB;
    char fmts[64] = "";
    size_t fl_len = 0;
    for (size_t i = 0; i < w->n_files && fl_len + 8 < sizeof fmts; i++) {
        char one[8];
        snprintf(one, sizeof one, "%d", w->files[i].format);
        if (!strstr(fmts, one))
            fl_len += (size_t)snprintf(fmts + fl_len, sizeof fmts - fl_len, "%s%s",
                                       fl_len ? ", " : "", one);
    }
    const char *base = slash ? slash + 1 : path;
    snprintf(h->recording, sizeof h->recording, "WFDB record %.*s, format %s",
             (int)strcspn(base, "."), base, fmts);
    h->n_channels = w->n_sig;
    h->channels = w->ch;
    h->duration_s = (double)w->nsamp / w->fs;
    w->seg.duration_s = h->duration_s;
    h->n_segments = 1;
    h->segments = &w->seg;
    h->n_warnings = w->n_warn;
    h->warnings = (const char *const *)w->warn;
    fclose(f);
    free(line);
    *impl = w;
    *header = &w->hdr;
    *ops = &wfdb_ops;
    return CRAMP_OK;

fail:
    if (f) fclose(f);
    free(line);
    wfdb_close(w);
    return st;
}

static cramp_status wfdb_select(void *impl, const size_t *channels, size_t n, cramp_error *err)
{
    wfdb_impl *w = impl;
    for (size_t i = 0; i < n; i++)
        if (channels[i] >= w->n_sig)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: channel index %zu: expected 0 to %zu (the record has %zu "
                               "signal%s)",
                               w->path, channels[i], w->n_sig - 1, w->n_sig,
                               w->n_sig == 1 ? "" : "s");
    size_t widest = 0;
    for (size_t i = 0; i < w->n_files; i++)
        if (w->files[i].n_sig > widest) widest = w->files[i].n_sig;
    size_t *sel = malloc(n * sizeof *sel);
    unsigned char *bytes = malloc(WFDB_BLOCK * widest * 4 + 4);
    int32_t *adu = malloc(WFDB_BLOCK * widest * sizeof *adu);
    if (!sel || !bytes || !adu) {
        free(sel);
        free(bytes);
        free(adu);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
    }
    memcpy(sel, channels, n * sizeof *sel);
    free(w->sel);
    free(w->bytes);
    free(w->adu);
    w->sel = sel;
    w->n_sel = n;
    w->bytes = bytes;
    w->adu = adu;
    w->pos = 0;
    return CRAMP_OK;
}

/* Decodes samples s0 .. s0+m-1 of file fl into adu. */
static cramp_status decode(wfdb_impl *w, const wfdb_file *fl, uint64_t s0, size_t m,
                           cramp_error *err)
{
    const uint64_t off = fl->offset + sample_offset(fl->format, s0);
    const size_t nb = (size_t)sample_bytes(fl->format, s0, m);
    unsigned char *b = w->bytes;
    size_t got = 0;
    while (got < nb) {
        const ssize_t r = pread(fl->fd, b + got, nb - got, (off_t)(off + got));
        if (r < 0) {
            if (errno == EINTR) continue;
            return cramp__fail(err, CRAMP_EIO, "%s: cannot read %s: %s", w->path, fl->name,
                               strerror(errno));
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    /* 212's last pair may lack its third byte (an odd sample count) */
    if (got < nb && !(fl->format == 212 && nb - got == 1))
        return cramp__fail(err, CRAMP_EFORMAT, "%s: %s ends at byte %llu: truncated since it was "
                           "opened?", w->path, fl->name, (unsigned long long)(off + got));
    memset(b + got, 0, nb - got);
    int32_t *a = w->adu;
    switch (fl->format) {
    case 80:
        for (size_t i = 0; i < m; i++) a[i] = (int32_t)b[i] - 128;
        break;
    case 16:
        for (size_t i = 0; i < m; i++) a[i] = (int16_t)(uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
        break;
    case 24:
        for (size_t i = 0; i < m; i++) {
            const uint32_t u = (uint32_t)b[3 * i] | (uint32_t)b[3 * i + 1] << 8 |
                               (uint32_t)b[3 * i + 2] << 16;
            a[i] = (int32_t)(u ^ 0x800000u) - 0x800000;
        }
        break;
    case 32:
        for (size_t i = 0; i < m; i++) {
            const uint32_t u = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
            int32_t v;
            memcpy(&v, &u, sizeof v);
            a[i] = v;
        }
        break;
    default: { /* 212: pair k in bytes 3k..3k+2; sample 2k low 12 bits, 2k+1 high */
        size_t i = 0;
        uint64_t s = s0;
        const unsigned char *p = b;
        while (i < m) {
            int32_t v;
            if (s % 2 == 0) {
                v = (int32_t)((uint32_t)p[0] | ((uint32_t)p[1] & 0x0Fu) << 8);
            } else {
                v = (int32_t)((uint32_t)p[2] | ((uint32_t)p[1] & 0xF0u) << 4);
                p += 3;
            }
            a[i++] = (v ^ 0x800) - 0x800;
            s++;
        }
        break;
    }
    }
    return CRAMP_OK;
}

static int32_t invalid_code(int format)
{
    switch (format) {
    case 80: return -128;
    case 212: return -2048;
    case 24: return -8388608;
    case 32: return INT32_MIN;
    default: return -32768;
    }
}

static cramp_status wfdb_read(void *impl, float *out, size_t max_frames, size_t *frames,
                              cramp_error *err)
{
    wfdb_impl *w = impl;
    *frames = 0;
    if (!w->sel) return cramp__rec_unselected(w->path, err);
    if (w->pos >= w->nsamp) return CRAMP_OK;
    if (max_frames > w->nsamp - w->pos) max_frames = (size_t)(w->nsamp - w->pos);
    size_t done = 0;
    while (done < max_frames) {
        size_t k = max_frames - done;
        if (k > WFDB_BLOCK) k = WFDB_BLOCK;
        /* each file holding a selected signal, decoded once per block */
        for (size_t fi = 0; fi < w->n_files; fi++) {
            const wfdb_file *fl = &w->files[fi];
            int wanted = 0;
            for (size_t c = 0; c < w->n_sel && !wanted; c++)
                wanted = w->sig[w->sel[c]].file == fi;
            if (!wanted) continue;
            const cramp_status st = decode(w, fl, w->pos * fl->n_sig, k * fl->n_sig, err);
            if (st != CRAMP_OK) return st;
            const int32_t bad = invalid_code(fl->format);
            for (size_t c = 0; c < w->n_sel; c++) {
                const size_t sidx = w->sel[c];
                const wfdb_sig *sg = &w->sig[sidx];
                if (sg->file != fi) continue;
                const size_t j = sidx - fl->first_sig;
                for (size_t t = 0; t < k; t++) {
                    const int32_t v = w->adu[t * fl->n_sig + j];
                    if (v == bad)
                        return cramp__fail(err, CRAMP_EFORMAT,
                                           "%s: holds WFDB's invalid-sample code %ld at frame "
                                           "%llu, channel %zu (%s): expected valid samples",
                                           w->path, (long)v, (unsigned long long)(w->pos + t),
                                           sidx + 1, w->ch[sidx].label);
                    out[(done + t) * w->n_sel + c] =
                        (float)(((double)v - sg->baseline) * sg->scale);
                }
            }
        }
        w->pos += k;
        done += k;
    }
    *frames = done;
    return CRAMP_OK;
}

static void wfdb_tell(const void *impl, size_t *frame, double *time_s)
{
    const wfdb_impl *w = impl;
    cramp__rec_tell_even(w->pos, w->fs, frame, time_s);
}

static cramp_status wfdb_seek(void *impl, size_t frame, cramp_error *err)
{
    wfdb_impl *w = impl;
    const cramp_status st = cramp__rec_seek_range(w->path, frame, w->nsamp, err);
    if (st != CRAMP_OK) return st;
    w->pos = frame;
    return CRAMP_OK;
}

static void wfdb_close(void *impl)
{
    wfdb_impl *w = impl;
    if (!w) return;
    for (size_t i = 0; w->files && i < w->n_sig; i++)
        if (w->files[i].fd >= 0) close(w->files[i].fd);
    for (size_t i = 0; i < w->n_warn; i++) free(w->warn[i]);
    free(w->files);
    free(w->sig);
    free(w->ch);
    free(w->sel);
    free(w->bytes);
    free(w->adu);
    free(w->path);
    free(w);
}
