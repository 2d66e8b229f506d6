/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* O_NOATIME (scan_annotations) */
#endif
/* EDF, EDF+C/D, BDF, BDF+C/D reader (cramp's own; EDFlib keeps global handle
 * tables, so it is used only as the oracle in tests).
 *
 * Open reads the header strictly: every numeric field is parsed without the
 * C locale's help, checked against the standard and against the file's size,
 * and a failure names the file, the field (by its name in the EDF
 * specification), the signal, the value and what was expected. Lenient only
 * where the data stay right: an invalid start date or time, a trailing
 * partial record, non-ASCII header text (read as Latin-1), a BDF whose
 * reserved field says "EDF+C"/"EDF+D", the Nihon Kohden time-keeping TAL
 * without its closing NUL: each gives a warning in the header.
 *
 * EDF+/BDF+: one pass over the annotation signals' bytes at open collects the
 * annotations and every record's onset (the first TAL of the first annotation
 * signal); records that do not follow one another form separate segments.
 * With the TALs as read (cramp_recording_options.tals_as_read) a file whose
 * first and last records' onsets leave no room for a gap gets record 0's
 * TALs at open and each further record's from cramp__edf_scan_next, which
 * read() calls with the bytes it maps for the frames (edf_decode.c): the same
 * per-record step (scan_record), so the header ends as the whole pass's.
 * Times (annotation onsets, segment onsets, tell()) count from the first data
 * record's onset, i.e. from the header's start time plus start_subsecond.
 *
 * Reading (edf_decode.c): one data record's span of the selected signals is
 * read with pread on the recording's own descriptor (no shared state, no
 * global tables) and decoded to float: value = digital * scale + shift in
 * double, then rounded once to float.
 *
 * Over 800 lines on purpose: the header parser is one piece (every field,
 * signal and TAL check shares parse_ctx, its warnings and the field helpers),
 * and a reader of the EDF specification finds every check here in its order. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/edf_internal.h"
#include "core/internal.h"
#include "io/recording_internal.h"

/* ---- small helpers ------------------------------------------------------ */

int cramp__pread_full(int fd, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;
    while (n > 0) {
        if (off > (uint64_t)INT64_MAX) {
            errno = EOVERFLOW;
            return -1;
        }
        const ssize_t got = pread(fd, p, n, (off_t)off);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (got == 0) {
            errno = 0;
            return -1;
        }
        p += got;
        n -= (size_t)got;
        off += (uint64_t)got;
    }
    return 0;
}

int cramp__write_full(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        const ssize_t put = write(fd, p, n);
        if (put < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

int cramp__pwrite_full(int fd, const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;
    while (n > 0) {
        const ssize_t put = pwrite(fd, p, n, (off_t)off);
        if (put < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += put;
        n -= (size_t)put;
        off += (uint64_t)put;
    }
    return 0;
}

static double pow10_int(int e)
{
    static const double tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double r = 1.0;
    while (e > 22) {
        r *= 1e22;
        e -= 22;
    }
    return r * tab[e];
}

int cramp__edf_parse_decimal(const char *s, size_t n, int sign_mode, double *v)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        if (sign_mode == 2) return 0;
        neg = s[i] == '-';
        i++;
    } else if (sign_mode == 1) {
        return 0;
    }
    uint64_t mant = 0;
    int sig = 0, exp10 = 0, digits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        if (sig < 19) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant) sig++;
        } else {
            exp10++;
        }
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
            if (sig < 19) {
                mant = mant * 10 + (uint64_t)(s[i] - '0');
                if (mant) sig++;
                exp10--;
            }
        }
    }
    if (i != n || digits == 0) return 0;
    double x = (double)mant;
    x = exp10 >= 0 ? x * pow10_int(exp10) : x / pow10_int(-exp10);
    *v = neg ? -x : x;
    return 1;
}

/* [-]digits only (no '+', no spaces): the trimmed field. */
static int parse_int(const char *s, long long *v)
{
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (s[i] == '\0') return 0;
    long long x = 0;
    for (; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (x > (LLONG_MAX - 9) / 10) return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = neg ? -x : x;
    return 1;
}

/* Copies a fixed-width field, trimmed of spaces (and NUL padding) at both
 * ends, as raw bytes for numeric parsing; out has room for 81 bytes. */
static void raw_field(const unsigned char *p, size_t w, char *out)
{
    size_t a = 0, b = w;
    while (a < b && (p[a] == ' ' || p[a] == '\0'))
        a++;
    while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\0'))
        b--;
    for (size_t i = a; i < b; i++)
        out[i - a] = p[i] ? (char)p[i] : '?'; /* inner NUL: invalid */
    out[b - a] = '\0';
}

/* Printable rendering of a raw field for messages (non-ASCII as '?'). */
static void show_field(const unsigned char *p, size_t w, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < w && k + 1 < cap; i++)
        out[k++] = (p[i] >= 32 && p[i] < 127) ? (char)p[i] : '?';
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
}

static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    const unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        const size_t l = utf8_seq_len(s + i, n - i);
        if (l == 0) return 0;
        i += l;
    }
    return 1;
}

/* Text field to UTF-8: kept if it is valid UTF-8, else read as Latin-1.
 * Trimmed of spaces and control bytes at both ends, control bytes inside
 * become spaces; truncated at a character boundary
 * to fit cap. Returns 1 if it was converted from Latin-1. */
static int text_field(const unsigned char *p, size_t w, char *out, size_t cap)
{
    size_t a = 0, b = w;
    while (a < b && (p[a] <= ' ' || p[a] == 127))
        a++;
    while (b > a && (p[b - 1] <= ' ' || p[b - 1] == 127))
        b--;
    const int latin1 = !utf8_valid(p + a, b - a);
    size_t k = 0;
    for (size_t i = a; i < b;) {
        unsigned char tmp[2];
        size_t l;
        const unsigned char *src;
        if (latin1) {
            if (p[i] < 0x80) {
                tmp[0] = p[i];
                l = 1;
            } else {
                tmp[0] = (unsigned char)(0xC0 | (p[i] >> 6));
                tmp[1] = (unsigned char)(0x80 | (p[i] & 0x3F));
                l = 2;
            }
            src = tmp;
            i++;
        } else {
            l = utf8_seq_len(p + i, b - i);
            src = p + i;
            i += l;
        }
        if (k + l + 1 > cap) break;
        for (size_t j = 0; j < l; j++) {
            const unsigned char c = src[j];
            out[k++] = (char)((c < 32 || c == 127) ? ' ' : c);
        }
    }
    out[k] = '\0';
    return latin1;
}

/* ---- the parsed file ---------------------------------------------------- */

struct parse_ctx {
    cramp__edf *e;
    cramp_error *err;
    size_t n_warn, warn_cap, warn_extra;
    size_t n_ann, ann_cap;
    size_t text_len, text_cap;
    size_t *ann_text_off;
    size_t n_seg, seg_cap;
    int warned_nk, warned_gap, warned_tal, warned_text;
    /* the annotation pass (scan_setup) */
    size_t first_ann;  /* the time-keeping signal */
    double tol;        /* onset differences below it are rounding, s */
    double prev_onset; /* the last record's onset as its TAL gives it */
    int probe;         /* parse_tals for the onset only: no annotation, no warning */
    /* TALs as read (cramp__edf_scan_next): what the header shows so far */
    int lazy_wanted;           /* cramp__edf_parse_as's tals_as_read */
    int lazy;                  /* ... and taken: the TALs of records past the first to come */
    size_t ann_done, seg_done; /* annotations, segments in the header */
    const char *text_base;     /* e->text when their texts were pointed at */
    unsigned char *buf;        /* one record's annotation bytes, for pread */
    cramp_status failed;       /* a record's TALs failed: every later call fails so */
    cramp_error fail_err;
};
typedef struct parse_ctx parse_ctx;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
warn(parse_ctx *c, const char *fmt, ...)
{
    if (c->probe) return;
    if (c->n_warn >= CRAMP__EDF_MAX_WARNINGS) {
        c->warn_extra++;
        return;
    }
    if (c->n_warn == c->warn_cap) {
        const size_t cap = c->warn_cap ? 2 * c->warn_cap : 4;
        char **w = realloc(c->e->warn, cap * sizeof *w);
        if (!w) return;
        c->e->warn = w;
        c->warn_cap = cap;
    }
    char *m = malloc(CRAMP_ERROR_MESSAGE_SIZE);
    if (!m) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, CRAMP_ERROR_MESSAGE_SIZE, fmt, ap);
    va_end(ap);
    c->e->warn[c->n_warn++] = m;
}

static void scan_free(parse_ctx *c)
{
    if (!c) return;
    free(c->ann_text_off);
    free(c->buf);
    free(c);
}

void cramp__edf_free(cramp__edf *e)
{
    if (!e) return;
    scan_free(e->scan);
    cramp__edf_unmap(e);
    if (e->fd >= 0) close(e->fd);
    if (e->warn)
        for (size_t i = 0; i < e->hdr.n_warnings; i++)
            free(e->warn[i]);
    free(e->warn);
    free(e->path);
    free(e->raw_header);
    free(e->ch);
    free(e->sig);
    free(e->seg);
    free(e->ann);
    free(e->text);
    free(e->sel);
    free(e->sel_scale);
    free(e->sel_shift);
    free(e->sel_off);
    free(e->buf);
    free(e);
}

/* Physical dimension -> factor to microvolts, or 0 when not a voltage.
 * Case-sensitive as SI prefixes are ("mV" is not "MV"); "uV", "µV" (U+00B5,
 * also from Latin-1 0xB5) and "μV" (U+03BC) are microvolts. */
static double volt_factor(const char *u)
{
    static const struct {
        const char *name;
        double f;
    } tab[] = {
        {"uV", 1.0}, {"\xC2\xB5V", 1.0}, {"\xCE\xBCV", 1.0}, {"nV", 1e-3}, {"mV", 1e3}, {"V", 1e6},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(u, tab[i].name) == 0) return tab[i].f;
    return 0.0;
}

static int is_annotation_label(const char *label)
{
    return strcmp(label, "EDF Annotations") == 0 || strcmp(label, "BDF Annotations") == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;
    const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

static int two_digits(const unsigned char *p, int *v)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return 0;
    *v = (p[0] - '0') * 10 + (p[1] - '0');
    return 1;
}

static void parse_start(parse_ctx *c, const unsigned char *h)
{
    cramp_rec_header *hd = &c->e->hdr;
    int dd, mm, yy, hh, mi, ss;
    const unsigned char *d = h + 168, *t = h + 176;
    char shown[16];
    const int date_ok = two_digits(d, &dd) && d[2] == '.' && two_digits(d + 3, &mm) &&
                        d[5] == '.' && two_digits(d + 6, &yy) && mm >= 1 && mm <= 12 && dd >= 1;
    int year = 0;
    if (date_ok) year = yy >= 85 ? 1900 + yy : 2000 + yy;
    if (!date_ok || dd > days_in_month(year, mm)) {
        show_field(d, 8, shown, sizeof shown);
        warn(c, "%s: startdate of recording '%s' is not a valid dd.mm.yy date; start unknown",
             c->e->path, shown);
        return;
    }
    if (!(two_digits(t, &hh) && t[2] == '.' && two_digits(t + 3, &mi) && t[5] == '.' &&
          two_digits(t + 6, &ss) && hh <= 23 && mi <= 59 && ss <= 59)) {
        show_field(t, 8, shown, sizeof shown);
        warn(c, "%s: starttime of recording '%s' is not a valid hh.mm.ss time; start unknown",
             c->e->path, shown);
        return;
    }
    hd->start_valid = 1;
    hd->year = year;
    hd->month = mm;
    hd->day = dd;
    hd->hour = hh;
    hd->minute = mi;
    hd->second = ss;
}

/* EDF+: a 4-digit year from "Startdate dd-MMM-yyyy" when it names the same
 * day (the header's yy covers 1985-2084 only). */
static void plus_year(cramp_rec_header *hd)
{
    static const char *mon[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    const char *r = hd->recording;
    if (!hd->start_valid || strncmp(r, "Startdate ", 10) != 0) return;
    r += 10;
    if (strlen(r) < 11 || r[2] != '-' || r[6] != '-') return;
    int dd, yyyy = 0;
    if (!two_digits((const unsigned char *)r, &dd)) return;
    for (int i = 7; i < 11; i++) {
        if (r[i] < '0' || r[i] > '9') return;
        yyyy = yyyy * 10 + (r[i] - '0');
    }
    if (r[11] != '\0' && r[11] != ' ') return;
    int m = 0;
    for (int i = 0; i < 12; i++)
        if (strncmp(r + 3, mon[i], 3) == 0) m = i + 1;
    if (m == hd->month && dd == hd->day && yyyy % 100 == hd->year % 100) hd->year = yyyy;
}

static cramp_status add_segment(parse_ctx *c, double onset, size_t first)
{
    cramp__edf *e = c->e;
    if (c->n_seg == c->seg_cap) {
        const size_t cap = c->seg_cap ? 2 * c->seg_cap : 4;
        cramp_segment *s = realloc(e->seg, cap * sizeof *s);
        if (!s) return cramp__fail(c->err, CRAMP_ENOMEM, "%s: out of memory", e->path);
        e->seg = s;
        c->seg_cap = cap;
    }
    cramp_segment *s = &e->seg[c->n_seg++];
    s->onset_s = onset;
    s->first_record = first;
    s->n_records = 0;
    s->duration_s = 0;
    return CRAMP_OK;
}

static cramp_status add_annotation(parse_ctx *c, double onset, double dur, const char *txt,
                                   size_t len)
{
    cramp__edf *e = c->e;
    if (c->probe) return CRAMP_OK;
    if (c->n_ann == c->ann_cap) {
        const size_t cap = c->ann_cap ? 2 * c->ann_cap : 16;
        cramp_annotation *a = realloc(e->ann, cap * sizeof *a);
        if (!a) return cramp__fail(c->err, CRAMP_ENOMEM, "%s: out of memory", e->path);
        e->ann = a;
        size_t *o = realloc(c->ann_text_off, cap * sizeof *o);
        if (!o) return cramp__fail(c->err, CRAMP_ENOMEM, "%s: out of memory", e->path);
        c->ann_text_off = o;
        c->ann_cap = cap;
    }
    const int ok = utf8_valid((const unsigned char *)txt, len);
    const size_t need = ok ? len + 1 : 2 * len + 1;
    if (c->text_len + need > c->text_cap) {
        size_t cap = c->text_cap ? c->text_cap : 256;
        while (c->text_len + need > cap)
            cap *= 2;
        char *t = realloc(e->text, cap);
        if (!t) return cramp__fail(c->err, CRAMP_ENOMEM, "%s: out of memory", e->path);
        e->text = t;
        c->text_cap = cap;
    }
    char *dst = e->text + c->text_len;
    size_t k = 0;
    if (ok) {
        memcpy(dst, txt, len);
        k = len;
    } else {
        if (!c->warned_text) {
            warn(c, "%s: annotation text at %.6f s is not UTF-8; read as Latin-1", e->path, onset);
            c->warned_text = 1;
        }
        for (size_t i = 0; i < len; i++) {
            const unsigned char b = (unsigned char)txt[i];
            if (b < 0x80) {
                dst[k++] = (char)b;
            } else {
                dst[k++] = (char)(0xC0 | (b >> 6));
                dst[k++] = (char)(0x80 | (b & 0x3F));
            }
        }
    }
    dst[k] = '\0';
    cramp_annotation *a = &e->ann[c->n_ann];
    a->onset_s = onset;
    a->duration_s = dur;
    a->text = NULL;
    a->channel = "";
    c->ann_text_off[c->n_ann++] = c->text_len;
    c->text_len += k + 1;
    return CRAMP_OK;
}

/* Length of an onset at p[0..n) ([+-]digits[.digits]) that ends at 0x14 or
 * 0x15, or 0 if there is none. */
static size_t onset_len(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != 0x14 && p[i] != 0x15 && p[i] != 0)
        i++;
    if (i == n || p[i] == 0) return 0;
    double v;
    return cramp__edf_parse_decimal((const char *)p, i, 1, &v) ? i : 0;
}

/* Parses the TALs of one annotation signal in one record. timekeeping: this
 * is the record's first annotation signal, whose first TAL gives the record's
 * onset (*rec_onset; *have_onset set). Annotation onsets are stored raw
 * (relative to the header's start time); t0 is subtracted at the end. */
static cramp_status parse_tals(parse_ctx *c, const unsigned char *p, size_t n, size_t rec,
                               size_t sig, int timekeeping, double *rec_onset, int *have_onset)
{
    cramp__edf *e = c->e;
    size_t i = 0;
    int first = 1;
    while (i < n && p[i] != 0) {
        /* onset */
        size_t j = i;
        while (j < n && p[j] != 0x14 && p[j] != 0x15 && p[j] != 0)
            j++;
        double onset, dur = -1.0;
        if (j == n || p[j] == 0 ||
            !cramp__edf_parse_decimal((const char *)p + i, j - i, 1, &onset)) {
            if (timekeeping && first)
                return cramp__fail(c->err, CRAMP_EFORMAT,
                                   "%s: data record %zu, signal %zu ('%s'): the time-keeping TAL "
                                   "has no valid onset (expected +seconds then 0x14)",
                                   e->path, rec, sig + 1, e->ch[sig].label);
            goto bad;
        }
        if (p[j] == 0x15) {
            size_t k = j + 1;
            while (k < n && p[k] != 0x14 && p[k] != 0)
                k++;
            if (k == n || p[k] != 0x14 ||
                !cramp__edf_parse_decimal((const char *)p + j + 1, k - j - 1, 2, &dur))
                goto bad;
            j = k;
        }
        i = j + 1; /* past 0x14 */
        /* texts, each ended by 0x14; the TAL ends with 0 */
        int text_index = 0;
        for (;;) {
            if (i >= n) goto bad;
            if (p[i] == 0) {
                i++;
                break;
            }
            size_t k = i;
            while (k < n && p[k] != 0x14 && p[k] != 0)
                k++;
            if (k == n || p[k] != 0x14) goto bad;
            if (timekeeping && first && text_index == 0) {
                if (k != i) {
                    /* a first TAL with text: no time-keeping annotation */
                    return cramp__fail(c->err, CRAMP_EFORMAT,
                                       "%s: data record %zu, signal %zu ('%s'): the first TAL "
                                       "'%.*s' is not a time-keeping TAL (expected an empty first "
                                       "annotation)",
                                       e->path, rec, sig + 1, e->ch[sig].label,
                                       (int)(k - i < 40 ? k - i : 40), (const char *)p + i);
                }
                *rec_onset = onset;
                *have_onset = 1;
                i = k + 1;
                text_index++;
                /* Nihon Kohden: the next TAL follows without the NUL. */
                if (i < n && p[i] != 0 && onset_len(p + i, n - i) > 0) {
                    if (!c->warned_nk) {
                        warn(c,
                             "%s: data record %zu: the time-keeping TAL is not ended by a NUL "
                             "byte (EDF+ violation written by Nihon Kohden); read the following "
                             "TALs as separate",
                             e->path, rec);
                        c->warned_nk = !c->probe;
                    }
                    break;
                }
                continue;
            }
            if (k > i) {
                const cramp_status st = add_annotation(c, onset, dur, (const char *)p + i, k - i);
                if (st != CRAMP_OK) return st;
            }
            i = k + 1;
            text_index++;
        }
        first = 0;
    }
    if (timekeeping && first)
        return cramp__fail(c->err, CRAMP_EFORMAT,
                           "%s: data record %zu, signal %zu ('%s'): no time-keeping TAL (the "
                           "first annotation signal must start every record with +onset 0x14 0x14)",
                           e->path, rec, sig + 1, e->ch[sig].label);
    return CRAMP_OK;
bad:
    if (timekeeping && first)
        return cramp__fail(c->err, CRAMP_EFORMAT,
                           "%s: data record %zu, signal %zu ('%s'): the time-keeping TAL is "
                           "malformed (expected +onset 0x14 0x14 0x00)",
                           e->path, rec, sig + 1, e->ch[sig].label);
    if (c->warned_tal < 3)
        warn(c,
             "%s: data record %zu, signal %zu ('%s'): malformed TAL at byte %zu; the rest of "
             "this signal in this record is skipped",
             e->path, rec, sig + 1, e->ch[sig].label, i);
    if (!c->probe) c->warned_tal++;
    return CRAMP_OK;
}

/* Header field names as in the EDF specification. */
#define F_LABEL      "label"
#define F_TRANSDUCER "transducer type"
#define F_UNIT       "physical dimension"
#define F_PMIN       "physical minimum"
#define F_PMAX       "physical maximum"
#define F_DMIN       "digital minimum"
#define F_DMAX       "digital maximum"
#define F_PREFILTER  "prefiltering"
#define F_SPR        "nr of samples in each data record"

static cramp_status sig_fail(parse_ctx *c, const char *field, size_t i, const unsigned char *raw,
                             size_t w, const char *expected)
{
    char shown[96];
    show_field(raw, w, shown, sizeof shown);
    return cramp__fail(c->err, CRAMP_EFORMAT,
                       "%s: header field '%s' of signal %zu ('%s'): '%s', expected %s", c->e->path,
                       field, i + 1, c->e->ch[i].label, shown, expected);
}

static cramp_status parse_signals(parse_ctx *c, const unsigned char *s, size_t ns)
{
    cramp__edf *e = c->e;
    const long long dlo = e->bdf ? -8388608 : -32768, dhi = e->bdf ? 8388607 : 32767;
    const char *const drange = e->bdf ? "a whole number in -8388608..8388607 (BDF)"
                                      : "a whole number in -32768..32767 (EDF)";
    int latin1 = 0;
    size_t off = 0;
    for (size_t i = 0; i < ns; i++) {
        cramp_channel_info *ch = &e->ch[i];
        latin1 |= text_field(s + 16 * i, 16, ch->label, sizeof ch->label);
        latin1 |= text_field(s + ns * 16 + 80 * i, 80, ch->transducer, sizeof ch->transducer);
        latin1 |= text_field(s + ns * 96 + 8 * i, 8, ch->file_unit, sizeof ch->file_unit);
        latin1 |= text_field(s + ns * 136 + 80 * i, 80, ch->prefilter, sizeof ch->prefilter);
        ch->is_annotation = is_annotation_label(ch->label);
        const unsigned char *f_pmin = s + ns * 104 + 8 * i, *f_pmax = s + ns * 112 + 8 * i;
        const unsigned char *f_dmin = s + ns * 120 + 8 * i, *f_dmax = s + ns * 128 + 8 * i;
        const unsigned char *f_spr = s + ns * 216 + 8 * i;
        char buf[81];
        long long spr, dmin = 0, dmax = 0;
        double pmin = 0, pmax = 0;
        raw_field(f_spr, 8, buf);
        if (!parse_int(buf, &spr) || spr < 1)
            return sig_fail(c, F_SPR, i, f_spr, 8, "a whole number >= 1");
        raw_field(f_dmin, 8, buf);
        const int dmin_ok = parse_int(buf, &dmin);
        raw_field(f_dmax, 8, buf);
        const int dmax_ok = parse_int(buf, &dmax);
        raw_field(f_pmin, 8, buf);
        const int pmin_ok = cramp__edf_parse_decimal(buf, strlen(buf), 0, &pmin);
        raw_field(f_pmax, 8, buf);
        const int pmax_ok = cramp__edf_parse_decimal(buf, strlen(buf), 0, &pmax);
        if (!ch->is_annotation) {
            if (!dmin_ok || dmin < dlo || dmin > dhi)
                return sig_fail(c, F_DMIN, i, f_dmin, 8, drange);
            if (!dmax_ok || dmax < dlo || dmax > dhi)
                return sig_fail(c, F_DMAX, i, f_dmax, 8, drange);
            if (dmax <= dmin)
                return sig_fail(c, F_DMAX, i, f_dmax, 8, "a value above the digital minimum");
            if (!pmin_ok) return sig_fail(c, F_PMIN, i, f_pmin, 8, "a decimal number");
            if (!pmax_ok) return sig_fail(c, F_PMAX, i, f_pmax, 8, "a decimal number");
            if (pmax == pmin)
                return sig_fail(c, F_PMAX, i, f_pmax, 8, "a value other than the physical minimum");
        }
        ch->dig_min = dmin_ok && dmin >= INT32_MIN && dmin <= INT32_MAX ? (int32_t)dmin : 0;
        ch->dig_max = dmax_ok && dmax >= INT32_MIN && dmax <= INT32_MAX ? (int32_t)dmax : 0;
        ch->phys_min = pmin_ok ? pmin : 0;
        ch->phys_max = pmax_ok ? pmax : 0;
        ch->samples_per_record = (size_t)spr;
        e->sig[i].spr = (size_t)spr;
        e->sig[i].offset = off;
        /* spr <= 99999999 and ns <= 9999: the sum stays far below 2^63. */
        off += (size_t)spr * e->bps;
        if (!ch->is_annotation) {
            const double vf = volt_factor(ch->file_unit);
            if (vf != 0.0) {
                strcpy(ch->unit, "uV");
                ch->to_output = vf;
            } else {
                strcpy(ch->unit, ch->file_unit);
                ch->to_output = 1.0;
            }
            const double bit = (pmax - pmin) / (double)(dmax - dmin);
            e->sig[i].scale = bit * ch->to_output;
            e->sig[i].shift = (pmin - bit * (double)dmin) * ch->to_output;
        } else {
            ch->to_output = 1.0;
            ch->unit[0] = '\0';
        }
    }
    if (latin1) warn(c, "%s: signal header text is not ASCII/UTF-8; read as Latin-1", e->path);
    if ((uint64_t)off > CRAMP__EDF_MAX_RECORD_BYTES)
        return cramp__fail(c->err, CRAMP_EFORMAT,
                           "%s: header field '%s': a data record of %zu bytes is larger than the "
                           "%llu bytes this reader accepts",
                           e->path, F_SPR, off, (unsigned long long)CRAMP__EDF_MAX_RECORD_BYTES);
    e->record_bytes = off;
    return CRAMP_OK;
}

/* The annotation pass reads whole records, many per pread, when the bytes
 * between one record's annotation span and the next one's are few: copying
 * them costs less than a call each (on x86-64 Linux a pread of a cached
 * page costs about as much as copying 4-6 KB). Larger records are read one
 * annotation span per pread, as before: copying their data would cost
 * several calls' worth (an 8 ch x 2 kHz record of 32 KB: about 5x). The
 * batch buffer holds at most SCAN_BATCH_BYTES, whatever the night's length. */
#define SCAN_GAP_MAX     ((size_t)4096)
#define SCAN_BATCH_BYTES ((size_t)1 << 16)

/* The pass's constants: the time-keeping signal, the annotation signals'
 * byte span in a record (e->tal_lo, e->tal_len) and the rounding tolerance. */
static void scan_setup(parse_ctx *c)
{
    cramp__edf *e = c->e;
    const size_t ns = e->hdr.n_channels;
    size_t lo = SIZE_MAX, hi = 0;
    double max_fs = 0;
    c->first_ann = SIZE_MAX;
    for (size_t i = 0; i < ns; i++) {
        if (e->ch[i].is_annotation) {
            if (c->first_ann == SIZE_MAX) c->first_ann = i;
            if (e->sig[i].offset < lo) lo = e->sig[i].offset;
            const size_t end = e->sig[i].offset + e->sig[i].spr * e->bps;
            if (end > hi) hi = end;
        } else if (e->ch[i].fs > max_fs) {
            max_fs = e->ch[i].fs;
        }
    }
    e->tal_lo = lo;
    e->tal_len = hi - lo;
    /* Gaps shorter than half the shortest sample interval (at most 1 ms, at
     * least the 1 us that writers round TAL onsets to) are rounding. */
    double tol = max_fs > 0 ? 0.5 / max_fs : 1e-6;
    if (tol > 1e-3) tol = 1e-3;
    if (tol < 1e-6) tol = 1e-6;
    c->tol = tol;
}

/* Record r's TALs from rec (its bytes from e->tal_lo on): annotations, its
 * onset, and a new segment when it does not follow record r - 1. Records
 * come in order, r == 0 first. */
static cramp_status scan_record(parse_ctx *c, const unsigned char *rec, size_t r)
{
    cramp__edf *e = c->e;
    const size_t ns = e->hdr.n_channels;
    const double dur = e->hdr.record_duration_s, tol = c->tol;
    double onset = 0;
    int have = 0;
    cramp_status st = CRAMP_OK;
    for (size_t i = c->first_ann; i < ns && st == CRAMP_OK; i++) {
        if (!e->ch[i].is_annotation) continue;
        st = parse_tals(c, rec + (e->sig[i].offset - e->tal_lo), e->sig[i].spr * e->bps, r, i,
                        i == c->first_ann, &onset, &have);
    }
    if (st != CRAMP_OK) return st;
    if (r == 0) {
        e->t0 = onset;
        st = add_segment(c, 0.0, 0);
    } else {
        const double expect = c->prev_onset + dur;
        if (onset < expect - tol) {
            st = cramp__fail(c->err, CRAMP_EFORMAT,
                             "%s: data record %zu starts at %.7f s, before the end of data "
                             "record %zu (%.7f s): records must not overlap",
                             e->path, r, onset, r - 1, expect);
        } else if (onset > expect + tol) {
            if (e->hdr.format == CRAMP_REC_EDFPLUS_C || e->hdr.format == CRAMP_REC_BDFPLUS_C ||
                e->hdr.format == CRAMP_REC_EDF || e->hdr.format == CRAMP_REC_BDF) {
                if (!c->warned_gap)
                    warn(c,
                         "%s: reserved field says continuous, but data record %zu starts at "
                         "%.7f s, %.7f s after the previous one ends; kept as a gap",
                         e->path, r, onset, onset - expect);
                c->warned_gap = 1;
            }
            st = add_segment(c, onset - e->t0, r);
        }
    }
    if (st != CRAMP_OK) return st;
    if (!c->lazy) e->seg[c->n_seg - 1].n_records++; /* lazy: seg_counts */
    c->prev_onset = onset;
    return CRAMP_OK;
}

/* One pass over the annotation signals: annotations, record onsets, segments. */
static cramp_status scan_annotations(parse_ctx *c)
{
    cramp__edf *e = c->e;
    const size_t nrec = e->hdr.n_records;
    scan_setup(c);
    const size_t lo = e->tal_lo;
    /* records per read: a batch spans record r's annotation bytes to record
       r + per - 1's, (per - 1) * record_bytes + span bytes */
    const size_t span = e->tal_len, rb = e->record_bytes;
    size_t per = 1;
    if (rb - span <= SCAN_GAP_MAX && rb <= SCAN_BATCH_BYTES) {
        per = SCAN_BATCH_BYTES / rb;
        if (per > nrec) per = nrec;
    }
    unsigned char *buf = malloc((per - 1) * rb + span);
    if (!buf) return cramp__fail(c->err, CRAMP_ENOMEM, "%s: out of memory", e->path);
    cramp_status st = CRAMP_OK;
    size_t b0 = 0, b1 = 0; /* records [b0, b1) are in buf */
#if defined(O_NOATIME)
    int noatime = 0;
#endif
    for (size_t r = 0; r < nrec; r++) {
        if (r >= b1) {
            const uint64_t at = (uint64_t)e->header_bytes + (uint64_t)r * rb + lo;
            size_t k = nrec - r < per ? nrec - r : per;
            if (k > 1 && cramp__pread_full(e->fd, buf, (k - 1) * rb + span, at) != 0) {
                /* a batch that fails (say, the file shrank since fstat): one record
                   per read from here on, so that the error names the record the
                   one-by-one pass names, after the same TALs */
                per = k = 1;
            }
            if (k == 1 && cramp__pread_full(e->fd, buf, span, at) != 0) {
                st = cramp__fail(c->err, CRAMP_EIO, "%s: data record %zu: read failed: %s",
                                 e->path, r, errno ? strerror(errno) : "unexpected end of file");
                break;
            }
            b0 = r;
            b1 = r + k;
#if defined(O_NOATIME)
            /* The first read updates the access time as every read does
               (under relatime, the only update); the pass's further reads
               skip that check (about a tenth of a cached pread's cost), when
               the file is ours (else fcntl refuses, and nothing changes). */
            if (r == 0) {
                const int fl = fcntl(e->fd, F_GETFL);
                if (fl >= 0 && !(fl & O_NOATIME) && fcntl(e->fd, F_SETFL, fl | O_NOATIME) == 0)
                    noatime = 1;
            }
#endif
        }
        if ((st = scan_record(c, buf + (r - b0) * rb, r)) != CRAMP_OK) break;
    }
#if defined(O_NOATIME)
    if (noatime) {
        const int fl = fcntl(e->fd, F_GETFL);
        if (fl >= 0) (void)fcntl(e->fd, F_SETFL, fl & ~O_NOATIME);
    }
#endif
    free(buf);
    return st;
}

/* The time-keeping onset of record r from its annotation bytes (rec, from
 * e->tal_lo on), with nothing kept (no annotation, warning or message);
 * 1 when it has one. */
static int probe_onset(parse_ctx *c, const unsigned char *rec, size_t r, double *onset)
{
    cramp__edf *e = c->e;
    cramp_error scratch;
    cramp_error *keep = c->err;
    c->err = &scratch;
    c->probe = 1;
    int have = 0;
    const size_t i = c->first_ann;
    const cramp_status st = parse_tals(c, rec + (e->sig[i].offset - e->tal_lo),
                                       e->sig[i].spr * e->bps, r, i, 1, onset, &have);
    c->probe = 0;
    c->err = keep;
    return st == CRAMP_OK && have;
}

/* The segments' record counts and durations, the last one (while the TALs
 * are read as the records are) to the end of the recording. */
static void seg_counts(parse_ctx *c)
{
    cramp__edf *e = c->e;
    for (size_t k = 0; k < c->n_seg; k++) {
        const size_t end = k + 1 < c->n_seg ? e->seg[k + 1].first_record : e->hdr.n_records;
        e->seg[k].n_records = end - e->seg[k].first_record;
        e->seg[k].duration_s = (double)e->seg[k].n_records * e->hdr.record_duration_s;
    }
}

/* TALs as read (cramp_recording_options.tals_as_read): reads the first and
 * the last record's annotation bytes; when the last record's time-keeping
 * onset is where records of the header's duration from the first one's put
 * it, parses record 0's TALs only (the rest come with read(),
 * cramp__edf_scan_next), else (a gap, an overlap or a bad TAL at either end:
 * EDF+D with segments) the whole pass now, as without the option. */
static cramp_status scan_start(parse_ctx *c)
{
    cramp__edf *e = c->e;
    const size_t nrec = e->hdr.n_records;
    if (nrec < 2) return scan_annotations(c);
    scan_setup(c);
    const size_t span = e->tal_len, rb = e->record_bytes;
    unsigned char *buf = malloc(2 * span);
    if (!buf) return cramp__fail(c->err, CRAMP_ENOMEM, "%s: out of memory", e->path);
    const uint64_t at0 = (uint64_t)e->header_bytes + e->tal_lo;
    double first = 0, last = 0;
    const int ends =
        cramp__pread_full(e->fd, buf, span, at0) == 0 &&
        cramp__pread_full(e->fd, buf + span, span, at0 + (uint64_t)(nrec - 1) * rb) == 0 &&
        probe_onset(c, buf, 0, &first) && probe_onset(c, buf + span, nrec - 1, &last);
    if (!ends || fabs(last - (first + (double)(nrec - 1) * e->hdr.record_duration_s)) > c->tol) {
        free(buf);
        return scan_annotations(c);
    }
    const cramp_status st = scan_record(c, buf, 0);
    if (st != CRAMP_OK) {
        free(buf);
        return st;
    }
    c->buf = buf;
    c->lazy = 1;
    seg_counts(c);
    return CRAMP_OK;
}

/* The pass's last warnings (after every record's TALs). */
static void scan_end(parse_ctx *c)
{
    if (c->warned_tal > 3)
        warn(c, "%s: %d malformed TALs in all (first 3 reported)", c->e->path, c->warned_tal);
    if (c->warn_extra > 0) warn(c, "%s: ... and %zu more warnings", c->e->path, c->warn_extra);
}

/* The header after more records' TALs (as parse() finishes it at open):
 * new segments, annotations (onsets from the first record's, their texts'
 * addresses) and warnings. */
static void publish(parse_ctx *c)
{
    cramp__edf *e = c->e;
    cramp_rec_header *hd = &e->hdr;
    if (c->n_seg != c->seg_done) {
        seg_counts(c);
        hd->segments = e->seg;
        hd->n_segments = c->n_seg;
        c->seg_done = c->n_seg;
    }
    if (c->n_ann != c->ann_done) {
        if (e->text != c->text_base) /* the texts moved */
            for (size_t k = 0; k < c->ann_done; k++) e->ann[k].text = e->text + c->ann_text_off[k];
        c->text_base = e->text;
        for (size_t k = c->ann_done; k < c->n_ann; k++) {
            e->ann[k].onset_s -= e->t0;
            e->ann[k].text = e->text + c->ann_text_off[k];
        }
        c->ann_done = c->n_ann;
        hd->annotations = e->ann;
        hd->n_annotations = c->n_ann;
    }
    hd->warnings = (const char *const *)e->warn;
    hd->n_warnings = c->n_warn;
}

cramp_status cramp__edf_scan_next(cramp__edf *e, const unsigned char *span, cramp_error *err)
{
    parse_ctx *c = e->scan;
    if (!c) return CRAMP_OK;
    if (c->failed != CRAMP_OK) {
        if (err) *err = c->fail_err;
        return c->failed;
    }
    const size_t r = e->tal_next;
    if (!span) {
        const uint64_t at =
            (uint64_t)e->header_bytes + (uint64_t)r * e->record_bytes + e->tal_lo;
        if (cramp__pread_full(e->fd, c->buf, e->tal_len, at) != 0)
            return cramp__fail(err, CRAMP_EIO, "%s: data record %zu: read failed: %s", e->path,
                               r, errno ? strerror(errno) : "unexpected end of file");
        span = c->buf;
    }
    c->err = &c->fail_err;
    const cramp_status st = scan_record(c, span, r);
    c->err = NULL;
    if (st != CRAMP_OK) {
        /* sticky: the record's annotations may be half added */
        c->failed = st;
        if (err) *err = c->fail_err;
        publish(c);
        return st;
    }
    e->tal_next = r + 1;
    if (e->tal_next == e->hdr.n_records) {
        scan_end(c);
        publish(c);
        scan_free(c);
        e->scan = NULL;
        return CRAMP_OK;
    }
    publish(c);
    return CRAMP_OK;
}

static cramp_status parse(parse_ctx *c, const char *path)
{
    cramp__edf *e = c->e;
    cramp_error *err = c->err;
    e->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (e->fd < 0) return cramp__fail(err, CRAMP_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(e->fd, &sb) != 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot stat: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode)) return cramp__fail(err, CRAMP_EIO, "%s: not a regular file", path);
    const uint64_t size = (uint64_t)sb.st_size;
    if (size < 256)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: truncated in the header: %llu bytes, the fixed header alone is 256",
                           path, (unsigned long long)size);
    unsigned char h[256];
    if (cramp__pread_full(e->fd, h, 256, 0) != 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot read the header: %s", path,
                           errno ? strerror(errno) : "unexpected end of file");
    char buf[96];
    if (memcmp(h, "0       ", 8) == 0) {
        e->bdf = 0;
    } else if (h[0] == 0xFF && memcmp(h + 1, "BIOSEMI", 7) == 0) {
        e->bdf = 1;
    } else {
        show_field(h, 8, buf, sizeof buf);
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'version': '%s', expected '0' (EDF) or 0xFF 'BIOSEMI' "
                           "(BDF)",
                           path, buf);
    }
    e->bps = e->bdf ? 3 : 2;
    cramp_rec_header *hd = &e->hdr;

    /* number of signals, then the header size it implies */
    long long ns;
    raw_field(h + 252, 4, buf);
    if (!parse_int(buf, &ns) || ns < 1) {
        show_field(h + 252, 4, buf, sizeof buf);
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'number of signals': '%s', expected a whole number "
                           ">= 1",
                           path, buf);
    }
    const uint64_t hbytes = 256u * ((uint64_t)ns + 1);
    long long hb;
    raw_field(h + 184, 8, buf);
    if (!parse_int(buf, &hb) || (uint64_t)hb != hbytes || hb < 0) {
        show_field(h + 184, 8, buf, sizeof buf);
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'number of bytes in header record': '%s', expected "
                           "%llu (256 * (1 + %lld signals))",
                           path, buf, (unsigned long long)hbytes, ns);
    }
    if (size < hbytes)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: truncated in the header: %llu bytes, but 'number of signals' %lld "
                           "needs a header of %llu bytes",
                           path, (unsigned long long)size, ns, (unsigned long long)hbytes);
    e->header_bytes = (size_t)hbytes;
    hd->n_channels = (size_t)ns;
    e->raw_header = malloc(e->header_bytes);
    e->ch = calloc((size_t)ns, sizeof *e->ch);
    e->sig = calloc((size_t)ns, sizeof *e->sig);
    if (!e->raw_header || !e->ch || !e->sig)
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    memcpy(e->raw_header, h, 256);
    if (cramp__pread_full(e->fd, e->raw_header + 256, e->header_bytes - 256, 256) != 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot read the signal headers: %s", path,
                           errno ? strerror(errno) : "unexpected end of file");

    /* text fields and start */
    int latin1 = text_field(h + 8, 80, hd->patient, sizeof hd->patient);
    latin1 |= text_field(h + 88, 80, hd->recording, sizeof hd->recording);
    if (latin1)
        warn(c, "%s: local patient/recording identification is not ASCII/UTF-8; read as Latin-1",
             path);
    parse_start(c, h);

    /* reserved: EDF+ / BDF+ */
    const unsigned char *res = h + 192;
    int plus = 0, disc = 0;
    if (memcmp(res, "EDF+C", 5) == 0 || memcmp(res, "EDF+D", 5) == 0) {
        plus = 1;
        disc = res[4] == 'D';
        if (e->bdf)
            warn(c, "%s: reserved field says '%.5s' in a BDF file; read as BDF+%c", path,
                 (const char *)res, disc ? 'D' : 'C');
    } else if (memcmp(res, "BDF+C", 5) == 0 || memcmp(res, "BDF+D", 5) == 0) {
        plus = 1;
        disc = res[4] == 'D';
        if (!e->bdf)
            warn(c, "%s: reserved field says '%.5s' in an EDF file; read as EDF+%c", path,
                 (const char *)res, disc ? 'D' : 'C');
    }

    /* number of data records, record duration */
    long long nrec;
    raw_field(h + 236, 8, buf);
    if (!parse_int(buf, &nrec) || nrec < -1) {
        show_field(h + 236, 8, buf, sizeof buf);
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'number of data records': '%s', expected a whole "
                           "number >= 0 (or -1 while recording)",
                           path, buf);
    }
    double dur;
    raw_field(h + 244, 8, buf);
    if (!cramp__edf_parse_decimal(buf, strlen(buf), 0, &dur) || dur < 0) {
        show_field(h + 244, 8, buf, sizeof buf);
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'duration of a data record': '%s', expected a "
                           "decimal number of seconds >= 0",
                           path, buf);
    }
    hd->record_duration_s = dur;

    cramp_status st = parse_signals(c, e->raw_header + 256, (size_t)ns);
    if (st != CRAMP_OK) return st;
    size_t n_data = 0, n_ann = 0;
    for (size_t i = 0; i < (size_t)ns; i++) {
        if (e->ch[i].is_annotation) {
            n_ann++;
            e->ch[i].fs = dur > 0 ? (double)e->ch[i].samples_per_record / dur : 0.0;
        } else {
            n_data++;
            e->ch[i].fs = dur > 0 ? (double)e->ch[i].samples_per_record / dur : 0.0;
        }
    }
    if (dur == 0 && n_data > 0)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'duration of a data record': 0 with %zu data signals "
                           "(expected > 0; only annotation-only files may have 0)",
                           path, n_data);

    /* file size against the header */
    const uint64_t data_bytes = size - hbytes;
    if (nrec == -1) {
        nrec = (long long)(data_bytes / e->record_bytes);
        warn(c,
             "%s: number of data records is -1 (recording not closed); %lld complete records "
             "in the file",
             path, nrec);
    }
    const uint64_t urec = (uint64_t)nrec;
    if (urec > UINT64_MAX / e->record_bytes || urec * e->record_bytes > data_bytes)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'number of data records': %lld records of %zu bytes "
                           "need %llu bytes after the header, the file has %llu (truncated)",
                           path, nrec, e->record_bytes,
                           urec > UINT64_MAX / e->record_bytes
                               ? (unsigned long long)UINT64_MAX
                               : (unsigned long long)(urec * e->record_bytes),
                           (unsigned long long)data_bytes);
    const uint64_t extra = data_bytes - urec * e->record_bytes;
    if (extra >= e->record_bytes)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: header field 'number of data records': %lld, but the file holds "
                           "%llu complete data records of %zu bytes",
                           path, nrec, (unsigned long long)(data_bytes / e->record_bytes),
                           e->record_bytes);
    if (extra > 0)
        warn(c, "%s: %llu bytes after the last data record (less than one record) ignored", path,
             (unsigned long long)extra);
    if ((uint64_t)nrec > SIZE_MAX)
        return cramp__fail(err, CRAMP_ERANGE, "%s: too many records", path);
    hd->n_records = (size_t)nrec;

    /* format and annotations */
    if (plus && n_ann == 0) {
        if (disc)
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: header field 'reserved': '%.5s' (discontinuous) needs an "
                               "'EDF Annotations' signal for the record times; there is none",
                               path, (const char *)res);
        warn(c, "%s: reserved field says '%.5s' but there is no annotation signal; read as %s",
             path, (const char *)res, e->bdf ? "BDF" : "EDF");
        plus = 0;
    }
    if (!plus && n_ann > 0) {
        warn(c,
             "%s: reserved field is not EDF+/BDF+, but there is an annotation signal; its TALs "
             "are read as EDF+",
             path);
        plus = 1;
        hd->format = e->bdf ? CRAMP_REC_BDF : CRAMP_REC_EDF;
    } else if (plus) {
        hd->format = e->bdf ? (disc ? CRAMP_REC_BDFPLUS_D : CRAMP_REC_BDFPLUS_C)
                            : (disc ? CRAMP_REC_EDFPLUS_D : CRAMP_REC_EDFPLUS_C);
    } else {
        hd->format = e->bdf ? CRAMP_REC_BDF : CRAMP_REC_EDF;
    }
    e->plus = plus;
    if (plus) plus_year(hd);

    if (plus && hd->n_records > 0) {
        st = c->lazy_wanted ? scan_start(c) : scan_annotations(c);
        if (st != CRAMP_OK) return st;
    } else if (hd->n_records > 0) {
        st = add_segment(c, 0.0, 0);
        if (st != CRAMP_OK) return st;
        e->seg[0].n_records = hd->n_records;
    }
    for (size_t k = 0; k < c->n_seg; k++)
        e->seg[k].duration_s = (double)e->seg[k].n_records * dur;
    double total = 0;
    for (size_t k = 0; k < c->n_seg; k++)
        total += e->seg[k].duration_s;
    hd->duration_s = total;
    hd->n_segments = c->n_seg;
    hd->segments = e->seg;
    for (size_t k = 0; k < c->n_ann; k++) {
        e->ann[k].onset_s -= e->t0;
        e->ann[k].text = e->text + c->ann_text_off[k];
    }
    hd->n_annotations = c->n_ann;
    hd->annotations = e->ann;

    /* start: whole seconds of the first record's onset move the clock */
    const double whole = floor(e->t0);
    hd->start_subsecond = e->t0 - whole;
    if (whole != 0 && hd->start_valid) {
        if (fabs(whole) > 1e9) {
            hd->start_valid = 0;
        } else {
            long long t = days_from_civil(hd->year, hd->month, hd->day) * 86400LL +
                          hd->hour * 3600LL + hd->minute * 60LL + hd->second + (long long)whole;
            long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
            long long sec = t - days * 86400;
            civil_from_days(days, &hd->year, &hd->month, &hd->day);
            hd->hour = (int)(sec / 3600);
            hd->minute = (int)(sec / 60 % 60);
            hd->second = (int)(sec % 60);
        }
        warn(c,
             "%s: the first data record starts %.7f s after the header's start time (expected "
             "less than 1 s); start moved accordingly",
             path, e->t0);
    }
    c->ann_done = c->n_ann;
    c->seg_done = c->n_seg;
    c->text_base = e->text;
    if (!c->lazy) scan_end(c);
    hd->channels = e->ch;
    hd->n_warnings = c->n_warn;
    hd->warnings = (const char *const *)e->warn;
    return CRAMP_OK;
}

cramp_status cramp__edf_parse_as(const char *path, int tals_as_read, cramp__edf **out,
                                 cramp_error *err)
{
    *out = NULL;
    cramp__edf *e = calloc(1, sizeof *e);
    if (!e) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    e->fd = -1;
    e->loaded = SIZE_MAX;
    e->path = strdup(path);
    parse_ctx *c = calloc(1, sizeof *c);
    if (!e->path || !c) {
        free(c);
        free(e->path);
        free(e);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    }
    c->e = e;
    c->err = err;
    c->lazy_wanted = tals_as_read != 0;
    const cramp_status st = parse(c, e->path);
    /* the warning count travels with the array even on failure (for free) */
    e->hdr.n_warnings = c->n_warn;
    if (st == CRAMP_OK && c->lazy) {
        e->tal_next = 1;
        c->err = NULL;
        e->scan = c;
    } else {
        e->tal_next = e->hdr.n_records;
        scan_free(c);
    }
    if (st != CRAMP_OK) {
        cramp__edf_free(e);
        return st;
    }
    *out = e;
    return CRAMP_OK;
}

cramp_status cramp__edf_parse(const char *path, cramp__edf **out, cramp_error *err)
{
    return cramp__edf_parse_as(path, 0, out, err);
}
