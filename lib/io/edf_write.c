/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* EDF+/BDF+ writing: a streaming writer for generated or processed signals,
 * and a copy of an EDF/BDF recording with annotations added.
 *
 * Both write through the one safe output (cramp/output.h): a temporary file
 * beside a regular destination, synced and renamed into place only when
 * complete (every failure path removes it, so a destination is either the old
 * file or the whole new one); a device or FIFO is written directly.
 *
 * Each data channel has its own number of samples per data record (EDF's
 * "nr of samples in each data record"), so channels may differ in rate:
 * interleaved frames (one rate) or whole records channel by channel (any).
 *
 * Annotations go into one annotation signal ("EDF Annotations" or "BDF
 * Annotations") of a fixed size per record, each TAL in the first record
 * that starts no later than its onset and has room (EDF+ allows any record;
 * near its time is what viewers expect). When the writer's annotations do not
 * fit the size reserved at create, close rewrites the file once with a larger
 * annotation signal (streaming, one record in memory).
 *
 * Header text is written as printable ASCII, as EDF requires ('µ' becomes
 * 'u', other bytes '_'). Numbers are formatted without the C locale.
 *
 * Over 800 lines: the streaming writer and the annotated copy share the
 * header formatting, the TAL packing and the output file below, all static
 * here; a split would put them in an internal header for two callers. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/edf_internal.h"
#include "core/internal.h"
#include "io/recording_internal.h"
#include "cramp/output.h"

/* Annotation bytes reserved per record by the streaming writer: the
 * time-keeping TAL and one or two typical annotations. */
#define WRITER_ANN_BYTES 120

/* ---- formatting --------------------------------------------------------- */

/* Writes |v| * 10^-dec given m = round(|v| * 10^dec) as digits with a point,
 * trailing fraction zeros trimmed. */
static size_t fmt_scaled(unsigned long long m, int dec, int neg, char *out)
{
    char digits[32];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m > 0 || n <= dec);
    int lo = 0; /* trailing zeros of the fraction to drop */
    while (lo < dec && digits[lo] == '0')
        lo++;
    size_t k = 0;
    if (neg) out[k++] = '-';
    for (int i = n - 1; i >= dec; i--)
        out[k++] = digits[i];
    if (lo < dec) {
        out[k++] = '.';
        for (int i = dec - 1; i >= lo; i--)
            out[k++] = digits[i];
    }
    out[k] = '\0';
    return k;
}

/* The most precise plain decimal (no exponent) of v in at most width
 * characters; 0 if v does not fit. out has room for 32 bytes. */
static int fmt_fixed(double v, size_t width, char *out)
{
    if (!isfinite(v)) return 0;
    for (int dec = 7; dec >= 0; dec--) {
        const double s = fabs(v) * pow(10.0, dec);
        if (s >= 9e15) continue;
        const unsigned long long m = (unsigned long long)llround(s);
        const size_t len = fmt_scaled(m, dec, v < 0 && m != 0, out);
        if (len <= width) return 1;
    }
    return 0;
}

/* A TAL time (+/-seconds, 100 ns resolution); sign as EDF+ requires for
 * onsets (want_sign), none for durations. */
static size_t fmt_time(double t, int want_sign, char *out)
{
    const long long ticks = llround(t * 1e7);
    const unsigned long long m = (unsigned long long)(ticks < 0 ? -ticks : ticks);
    size_t k = 0;
    if (want_sign) out[k++] = ticks < 0 ? '-' : '+';
    return k + fmt_scaled(m, 7, 0, out + k);
}

/* Copies s into a fixed-width space-padded field as printable ASCII. */
static void put_field(unsigned char *dst, size_t w, const char *s)
{
    memset(dst, ' ', w);
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && k < w; p++) {
        unsigned char c = *p;
        if (c == 0xC2 && p[1] == 0xB5) { /* UTF-8 micro sign */
            c = 'u';
            p++;
        } else if (c == 0xCE && p[1] == 0xBC) { /* Greek mu */
            c = 'u';
            p++;
        } else if (c == 0xB5) {
            c = 'u';
        } else if (c < 32 || c == 127) {
            c = ' ';
        } else if (c > 127) {
            if (c >= 0xC0) /* one '_' per UTF-8 character */
                while ((p[1] & 0xC0) == 0x80)
                    p++;
            c = '_';
        }
        dst[k++] = c;
    }
}

/* Length of s as put_field would write it (to check it fits). */
static size_t field_len(const char *s)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) k++;
    return k;
}

static void put_num(unsigned char *dst, size_t w, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    put_field(dst, w, b);
}

static const char *const MONTHS[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

/* The n-th space-separated subfield of s (copied into out, cap bytes);
 * 0 if there are fewer. */
static int subfield(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (k++ == n) {
            snprintf(out, cap, "%.*s", (int)(e - p), p);
            return 1;
        }
        p = e;
    }
    return 0;
}

/* "X" or dd-MMM-yyyy, as EDF+ dates in the patient and recording fields. */
static int plus_date_ok(const char *d)
{
    if (strcmp(d, "X") == 0) return 1;
    if (strlen(d) != 11 || d[2] != '-' || d[6] != '-') return 0;
    for (int i = 0; i < 11; i++)
        if (i != 2 && i != 6 && !(i >= 3 && i <= 5) && (d[i] < '0' || d[i] > '9')) return 0;
    for (int m = 0; m < 12; m++)
        if (strncmp(d + 3, MONTHS[m], 3) == 0) return 1;
    return 0;
}

/* EDF+ patient field: kept if it has the four subfields (code, sex M/F/X,
 * birthdate dd-MMM-yyyy or X, name), else "X X X X" followed by the text as
 * additional information. */
static void plus_patient(char *out, size_t cap, const char *text)
{
    char sex[16], birth[16], name[96];
    if (text && subfield(text, 1, sex, sizeof sex) && subfield(text, 2, birth, sizeof birth) &&
        subfield(text, 3, name, sizeof name) &&
        (strcmp(sex, "M") == 0 || strcmp(sex, "F") == 0 || strcmp(sex, "X") == 0) &&
        plus_date_ok(birth))
        snprintf(out, cap, "%s", text);
    else if (text && *text)
        snprintf(out, cap, "X X X X %s", text);
    else
        snprintf(out, cap, "X X X X");
}

/* EDF+ recording field: kept if it starts with "Startdate" and has its five
 * subfields (the date dd-MMM-yyyy or X), else "Startdate dd-MMM-yyyy X X X"
 * and the text. */
static void plus_recording(char *out, size_t cap, const char *text, int valid, int y, int m, int d)
{
    char date[16], last[96];
    if (text && strncmp(text, "Startdate ", 10) == 0 && subfield(text, 1, date, sizeof date) &&
        subfield(text, 4, last, sizeof last) && plus_date_ok(date)) {
        snprintf(out, cap, "%s", text);
        return;
    }
    if (valid && m >= 1 && m <= 12 && y >= 1000 && y <= 9999)
        snprintf(date, sizeof date, "%02d-%s-%04d", d % 100, MONTHS[m - 1], y);
    else
        snprintf(date, sizeof date, "X");
    if (text && *text)
        snprintf(out, cap, "Startdate %s X X X %s", date, text);
    else
        snprintf(out, cap, "Startdate %s X X X", date);
}

/* ---- annotation packing ------------------------------------------------- */

typedef struct ann_item {
    double onset; /* TAL onset: seconds after the header's start time */
    double dur;   /* < 0: none */
    char *tal;    /* the whole TAL, NUL included in tal_len */
    size_t tal_len;
} ann_item;

static int cmp_ann(const void *a, const void *b)
{
    const ann_item *x = a, *y = b;
    if (x->onset < y->onset) return -1;
    if (x->onset > y->onset) return 1;
    return 0;
}

/* TAL for one annotation: onset [0x15 dur] 0x14 text[@@channel] 0x14 0x00;
 * control bytes in the text become spaces. NULL on out of memory. */
static char *make_tal(double onset, double dur, const char *text, const char *channel, size_t *len)
{
    const size_t tl = text ? strlen(text) : 0, cl = channel ? strlen(channel) : 0;
    char *t = malloc(80 + tl + cl);
    if (!t) return NULL;
    size_t k = fmt_time(onset, 1, t);
    if (dur >= 0) {
        t[k++] = 0x15;
        k += fmt_time(dur, 0, t + k);
    }
    t[k++] = 0x14;
    for (size_t i = 0; i < tl; i++) {
        const unsigned char c = (unsigned char)text[i];
        t[k++] = (char)(c < 32 ? ' ' : c);
    }
    if (cl > 0) {
        t[k++] = '@';
        t[k++] = '@';
        for (size_t i = 0; i < cl; i++) {
            const unsigned char c = (unsigned char)channel[i];
            t[k++] = (char)(c < 32 ? ' ' : c);
        }
    }
    t[k++] = 0x14;
    t[k++] = 0;
    *len = k;
    return t;
}

/* Time-keeping TAL "+onset 0x14 0x14 0x00" into out; its length. */
static size_t timekeeping_tal(double onset, char *out)
{
    size_t k = fmt_time(onset, 1, out);
    out[k++] = 0x14;
    out[k++] = 0x14;
    out[k++] = 0;
    return k;
}

/* Places the sorted annotations into records: record r takes, in order,
 * those starting before the next record's start (all that remain, for the
 * last record) while they fit in slot bytes after its time-keeping TAL
 * (tk_len[r], 0 when none). first[r] receives the index of its first
 * annotation (first[n_rec] = n_ann). Returns 1 if all fit. */
typedef double (*rec_start_fn)(const void *ctx, size_t r);

static int pack(const ann_item *a, size_t n_ann, size_t n_rec, size_t slot, const void *ctx,
                rec_start_fn start, size_t (*tk_len)(const void *ctx, size_t r), size_t *first)
{
    size_t i = 0;
    for (size_t r = 0; r < n_rec; r++) {
        if (first) first[r] = i;
        size_t used = tk_len(ctx, r);
        const int last = r + 1 == n_rec;
        const double next = last ? 0 : start(ctx, r + 1);
        while (i < n_ann && (last || a[i].onset < next) && used + a[i].tal_len <= slot) {
            used += a[i].tal_len;
            i++;
        }
    }
    if (first) first[n_rec] = i;
    return i == n_ann;
}

/* Fills one record's annotation slot (zeroed) from its time-keeping TAL and
 * annotations [a0, a1). */
static void fill_slot(unsigned char *slot, size_t slot_bytes, const char *tk, size_t tk_len,
                      const ann_item *a, size_t a0, size_t a1)
{
    memset(slot, 0, slot_bytes);
    size_t k = 0;
    if (tk_len) {
        memcpy(slot, tk, tk_len);
        k = tk_len;
    }
    for (size_t i = a0; i < a1; i++) {
        memcpy(slot + k, a[i].tal, a[i].tal_len);
        k += a[i].tal_len;
    }
}

/* Onsets and durations a TAL can hold at 100 ns resolution in 64 bits; a
 * negative duration means none. */
static int ann_times_ok(const cramp_annotation *a)
{
    return fabs(a->onset_s) < 1e11 && (a->duration_s < 0 || a->duration_s < 1e11);
}

static void free_items(ann_item *a, size_t n)
{
    if (!a) return;
    for (size_t i = 0; i < n; i++)
        free(a[i].tal);
    free(a);
}

/* ---- the output file ---------------------------------------------------- */

/* The destination through cramp_output; fd is what is written and read back
 * (seekable: a scratch file behind a device or FIFO). */
typedef struct tmpfile_t {
    cramp_output *out;
    int fd;
} tmpfile_t;

static cramp_status tmp_open(tmpfile_t *t, const char *dst, unsigned flags, cramp_error *err)
{
    t->fd = -1;
    const cramp_status st = cramp_output_open(&t->out, dst, flags, err);
    if (st == CRAMP_OK) t->fd = cramp_output_fd(t->out);
    return st;
}

static void tmp_discard(tmpfile_t *t)
{
    cramp_output_abort(t->out);
    t->out = NULL;
    t->fd = -1;
}

/* Syncs and moves into place; discards on failure. */
static cramp_status tmp_commit(tmpfile_t *t, cramp_error *err)
{
    const cramp_status st = cramp_output_commit(t->out, err);
    t->out = NULL;
    t->fd = -1;
    return st;
}

/* ---- header building ---------------------------------------------------- */

/* One signal's header entries. */
/* One signal's header entries, in header order: label, transducer type,
 * physical dimension, physical minimum, physical maximum, digital minimum,
 * digital maximum, prefiltering, nr of samples, reserved. */
typedef struct sig_hdr {
    const unsigned char *f[10];
} sig_hdr;

/* Writes the signal header arrays for ns signals into s (ns * 256 bytes);
 * get(i) returns signal i's raw fields. */
static void put_signal_headers(unsigned char *s, size_t ns, const sig_hdr *sh)
{
    static const size_t w[] = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
    size_t off = 0;
    for (size_t f = 0; f < 10; f++) {
        for (size_t i = 0; i < ns; i++) {
            memcpy(s + off + i * w[f], sh[i].f[f], w[f]);
        }
        off += ns * w[f];
    }
}

/* ---- the streaming writer ----------------------------------------------- */

struct cramp_edf_writer {
    tmpfile_t t;
    int borrowed; /* t.out is the caller's (create_to): neither committed nor aborted here */
    char *path;
    int bdf;
    int plain; /* no annotation signal (ann_bytes 0), no EDF+ fields */
    size_t bps, channels;
    size_t spr;        /* samples per record of every channel; 0 when they differ */
    size_t *chan_spr;  /* channel c's samples per record */
    size_t *chan_off;  /* where channel c's samples start in a record (samples) */
    double rec_dur;
    double enc_a, enc_b; /* digital = value * enc_a + enc_b, then rounded */
    int32_t dmin, dmax;
    size_t data_bytes, ann_bytes, rec_bytes;
    unsigned char *header; /* header bytes */
    size_t header_bytes;
    unsigned char *rec; /* the record being filled */
    size_t fill, n_records;
    int32_t *last; /* last digital value per channel (padding) */
    ann_item *ann;
    size_t n_ann, ann_cap;
    int failed;
};

void cramp_edf_write_config_default(cramp_edf_write_config *cfg)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->unit = "uV";
    cfg->record_duration_s = 1.0;
    cfg->phys_min = -5000.0;
    cfg->phys_max = 5000.0;
}

static void put_sample(unsigned char *p, size_t bps, int32_t d)
{
    const uint32_t u = (uint32_t)d;
    p[0] = (unsigned char)(u & 0xFF);
    p[1] = (unsigned char)((u >> 8) & 0xFF);
    if (bps == 3) p[2] = (unsigned char)((u >> 16) & 0xFF);
}

static double writer_rec_start(const void *ctx, size_t r)
{
    const cramp_edf_writer *w = ctx;
    return (double)r * w->rec_dur;
}

static size_t writer_tk_len(const void *ctx, size_t r)
{
    char tk[48];
    return timekeeping_tal(writer_rec_start(ctx, r), tk);
}

static void writer_set_nrec_and_ann(cramp_edf_writer *w, long long nrec, size_t ann_bytes)
{
    put_num(w->header + 236, 8, nrec);
    if (w->plain) return;
    const size_t ns = w->channels + 1;
    /* the annotation signal is the last; its samples-per-record entry */
    put_num(w->header + 256 + ns * 216 + 8 * (ns - 1), 8, (long long)(ann_bytes / w->bps));
}

static void writer_free(cramp_edf_writer *w)
{
    if (!w->borrowed) tmp_discard(&w->t);
    free(w->path);
    free(w->header);
    free(w->rec);
    free(w->last);
    free(w->chan_spr);
    free(w->chan_off);
    free_items(w->ann, w->n_ann);
    free(w);
}

/* The writer into dst, or (dst NULL) into its own output for path. */
static cramp_status writer_create(cramp_edf_writer **out, const char *path, cramp_output *dst,
                                  const cramp_edf_write_config *cfg, cramp_error *err)
{
    *out = NULL;
    const size_t nch = cfg->channels;
    if (nch == 0 || nch > 9998)
        return cramp__fail(err, CRAMP_EINVAL, "%s: EDF writer: channels %zu, expected 1..9998",
                           path, nch);
    for (size_t i = 0; cfg->labels && i < nch; i++)
        if (!cfg->labels[i] || field_len(cfg->labels[i]) > 16)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: EDF writer: label %zu is NULL or longer than 16 characters",
                               path, i);
    const char *unit = cfg->unit ? cfg->unit : "";
    if (field_len(unit) > 8)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: unit '%s' is longer than 8 characters", path, unit);
    const double rd = cfg->record_duration_s;
    const double *rate = cfg->channel_fs;
    if (!(rd > 0) || !isfinite(rd) || (!rate && (!(cfg->fs > 0) || !isfinite(cfg->fs))))
        return rate ? cramp__fail(err, CRAMP_EINVAL,
                                  "%s: EDF writer: record duration %g s, expected > 0", path, rd)
                    : cramp__fail(err, CRAMP_EINVAL,
                                  "%s: EDF writer: fs %g Hz and record duration %g s must be > 0",
                                  path, cfg->fs, rd);
    char rd_s[32], pmin_s[32], pmax_s[32];
    double rd_w;
    if (!fmt_fixed(rd, 8, rd_s) || !cramp__edf_parse_decimal(rd_s, strlen(rd_s), 0, &rd_w) ||
        fabs(rd_w - rd) > 1e-12 * rd)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: record duration %.17g s cannot be written exactly in "
                           "the 8 characters of 'duration of a data record'",
                           path, rd);
    size_t spr = 0; /* of every channel; 0 when they differ */
    uint64_t spr_sum = 0;
    for (size_t c = 0; c < (rate ? nch : 1); c++) {
        const double fs = rate ? rate[c] : cfg->fs;
        const double spr_d = fs * rd;
        const double spr_r = floor(spr_d + 0.5);
        if (!(spr_r >= 1 && spr_r <= 99999999 && fabs(spr_d - spr_r) <= 1e-9 * spr_r)) {
            if (!rate)
                return cramp__fail(err, CRAMP_EINVAL,
                                   "%s: EDF writer: fs %g Hz * record duration %g s = %.9g "
                                   "samples per record, expected a whole number in 1..99999999",
                                   path, fs, rd, spr_d);
            char name[24];
            snprintf(name, sizeof name, "ch%zu", c + 1);
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: EDF writer: channel %zu ('%s'): channel_fs %g Hz * record "
                               "duration %g s = %.9g samples per data record, expected a whole "
                               "number in 1..99999999",
                               path, c, cfg->labels ? cfg->labels[c] : name, fs, rd, spr_d);
        }
        if (c == 0) spr = (size_t)spr_r;
        if ((size_t)spr_r != spr) spr = 0;
        spr_sum += (uint64_t)spr_r;
    }
    if (!rate) spr_sum *= nch;
    double pmin, pmax;
    if (!fmt_fixed(cfg->phys_min, 8, pmin_s) || !fmt_fixed(cfg->phys_max, 8, pmax_s) ||
        !cramp__edf_parse_decimal(pmin_s, strlen(pmin_s), 0, &pmin) ||
        !cramp__edf_parse_decimal(pmax_s, strlen(pmax_s), 0, &pmax))
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: physical range %g..%g does not fit the 8 characters "
                           "of 'physical minimum/maximum'",
                           path, cfg->phys_min, cfg->phys_max);
    if (!(pmin < pmax))
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: physical minimum %s must be below the maximum %s", path,
                           pmin_s, pmax_s);
    if (cfg->year != 0 &&
        (cfg->year < 1985 || cfg->year > 2084 || cfg->month < 1 || cfg->month > 12 ||
         cfg->day < 1 || cfg->day > 31 || cfg->hour < 0 || cfg->hour > 23 || cfg->minute < 0 ||
         cfg->minute > 59 || cfg->second < 0 || cfg->second > 59))
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: start %04d-%02d-%02d %02d:%02d:%02d, expected a date "
                           "in 1985..2084 (or year 0: unknown)",
                           path, cfg->year, cfg->month, cfg->day, cfg->hour, cfg->minute,
                           cfg->second);
    const size_t bps = cfg->bdf ? 3 : 2;
    const uint64_t data_bytes = spr_sum * bps;
    const size_t ann_bytes = cfg->plain ? 0 : (WRITER_ANN_BYTES + bps - 1) / bps * bps;
    if (data_bytes + ann_bytes > CRAMP__EDF_MAX_RECORD_BYTES)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: a data record of %llu bytes is too large (limit %llu)",
                           path, (unsigned long long)(data_bytes + ann_bytes),
                           (unsigned long long)CRAMP__EDF_MAX_RECORD_BYTES);

    cramp_edf_writer *w = calloc(1, sizeof *w);
    if (!w) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    w->t.fd = -1;
    w->bdf = cfg->bdf != 0;
    w->plain = cfg->plain != 0;
    w->bps = bps;
    w->channels = nch;
    w->spr = spr;
    w->chan_spr = malloc(nch * sizeof *w->chan_spr);
    w->chan_off = malloc(nch * sizeof *w->chan_off);
    for (size_t c = 0, at = 0; w->chan_spr && w->chan_off && c < nch; c++) {
        w->chan_spr[c] = rate ? (size_t)floor(rate[c] * rd + 0.5) : spr;
        w->chan_off[c] = at;
        at += w->chan_spr[c];
    }
    w->rec_dur = rd_w;
    w->dmin = cfg->bdf ? -8388608 : -32768;
    w->dmax = cfg->bdf ? 8388607 : 32767;
    /* the reader's scaling from the written fields, inverted */
    const double bit = (pmax - pmin) / ((double)w->dmax - (double)w->dmin);
    w->enc_a = 1.0 / bit;
    w->enc_b = (double)w->dmin - pmin / bit;
    w->data_bytes = (size_t)data_bytes;
    w->ann_bytes = ann_bytes;
    w->rec_bytes = w->data_bytes + ann_bytes;
    const size_t ns = nch + !w->plain; /* the annotation signal last */
    w->header_bytes = 256 * (ns + 1);
    w->path = strdup(path);
    w->header = malloc(w->header_bytes);
    w->rec = calloc(1, w->rec_bytes);
    w->last = calloc(nch, sizeof *w->last);
    sig_hdr *sh = calloc(ns, sizeof *sh);
    unsigned char *fields = calloc(ns, 256);
    if (!w->path || !w->header || !w->rec || !w->last || !w->chan_spr || !w->chan_off || !sh ||
        !fields) {
        free(sh);
        free(fields);
        writer_free(w);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    }

    /* fixed header */
    unsigned char *h = w->header;
    memset(h, ' ', w->header_bytes);
    if (w->bdf) {
        h[0] = 0xFF;
        memcpy(h + 1, "BIOSEMI", 7);
    } else {
        h[0] = '0';
    }
    char text[256];
    if (w->plain) { /* free text in plain EDF/BDF */
        put_field(h + 8, 80, cfg->patient);
        put_field(h + 88, 80, cfg->recording);
    } else {
        plus_patient(text, sizeof text, cfg->patient);
        put_field(h + 8, 80, text);
        plus_recording(text, sizeof text, cfg->recording, cfg->year != 0, cfg->year, cfg->month,
                       cfg->day);
        put_field(h + 88, 80, text);
    }
    if (cfg->year != 0) {
        snprintf(text, sizeof text, "%02d.%02d.%02d", cfg->day, cfg->month, cfg->year % 100);
        put_field(h + 168, 8, text);
        snprintf(text, sizeof text, "%02d.%02d.%02d", cfg->hour, cfg->minute, cfg->second);
        put_field(h + 176, 8, text);
    } else {
        put_field(h + 168, 8, "01.01.85");
        put_field(h + 176, 8, "00.00.00");
    }
    put_num(h + 184, 8, (long long)w->header_bytes);
    put_field(h + 192, 44, w->plain ? (w->bdf ? "24BIT" : "") : (w->bdf ? "BDF+C" : "EDF+C"));
    put_num(h + 236, 8, -1);
    put_field(h + 244, 8, rd_s);
    put_num(h + 252, 4, (long long)ns);

    /* signal headers: data channels, then the annotation signal (EDF+) */
    char dmin_s[16], dmax_s[16], spr_s[16], label[24];
    snprintf(dmin_s, sizeof dmin_s, "%d", (int)w->dmin);
    snprintf(dmax_s, sizeof dmax_s, "%d", (int)w->dmax);
    for (size_t i = 0; i < ns; i++) {
        unsigned char *f = fields + 256 * i;
        const int ann = i == nch; /* (not reached when plain) */
        if (!ann && !cfg->labels) snprintf(label, sizeof label, "ch%zu", i + 1);
        snprintf(spr_s, sizeof spr_s, "%zu", ann ? ann_bytes / bps : w->chan_spr[i]);
        put_field(f, 16,
                  ann ? (w->bdf ? "BDF Annotations" : "EDF Annotations")
                      : (cfg->labels ? cfg->labels[i] : label));
        put_field(f + 16, 80, "");
        put_field(f + 96, 8, ann ? "" : unit);
        put_field(f + 104, 8, ann ? "-1" : pmin_s);
        put_field(f + 112, 8, ann ? "1" : pmax_s);
        put_field(f + 120, 8, dmin_s);
        put_field(f + 128, 8, dmax_s);
        put_field(f + 136, 80, ann ? "" : cfg->prefilter);
        put_field(f + 216, 8, spr_s);
        put_field(f + 224, 32, "");
        sh[i] = (sig_hdr){
            {f, f + 16, f + 96, f + 104, f + 112, f + 120, f + 128, f + 136, f + 216, f + 224}};
    }
    put_signal_headers(h + 256, ns, sh);
    free(sh);
    free(fields);

    cramp_status st = CRAMP_OK;
    if (dst) {
        w->borrowed = 1;
        w->t = (tmpfile_t){dst, cramp_output_fd(dst)};
        if (lseek(w->t.fd, 0, SEEK_CUR) < 0)
            st = cramp__fail(err, CRAMP_EINVAL,
                             "%s: EDF writer: the output cannot seek (open it with "
                             "CRAMP_OUTPUT_SEEKABLE)",
                             path);
    } else {
        st = tmp_open(&w->t, path, CRAMP_OUTPUT_SEEKABLE, err);
    }
    if (st != CRAMP_OK) {
        writer_free(w);
        return st;
    }
    if (cramp__write_full(w->t.fd, w->header, w->header_bytes) != 0) {
        const int e = errno;
        writer_free(w);
        return cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    *out = w;
    return CRAMP_OK;
}

/* Writes the filled record (time-keeping TAL in its annotation slot). */
static cramp_status writer_flush_record(cramp_edf_writer *w, cramp_error *err)
{
    if (!w->plain) {
        char tk[48];
        const size_t tk_len = timekeeping_tal((double)w->n_records * w->rec_dur, tk);
        fill_slot(w->rec + w->data_bytes, w->ann_bytes, tk, tk_len, NULL, 0, 0);
    }
    if (cramp__write_full(w->t.fd, w->rec, w->rec_bytes) != 0) {
        w->failed = 1;
        return cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", w->path, strerror(errno));
    }
    w->n_records++;
    w->fill = 0;
    return CRAMP_OK;
}

/* A value in the unit given as the file's digital value: scaled, clipped to
 * the digital range, rounded half up. */
static int32_t writer_encode(const cramp_edf_writer *w, double v)
{
    const double lo = (double)w->dmin, hi = (double)w->dmax;
    double x = v * w->enc_a + w->enc_b;
    x = x < lo ? lo : x > hi ? hi : x;
    return (int32_t)floor(x + 0.5);
}

cramp_status cramp_edf_writer_write(cramp_edf_writer *w, const float *frames, size_t n,
                                    cramp_error *err)
{
    if (!w) return cramp__fail(err, CRAMP_EINVAL, "EDF writer: NULL writer");
    if (w->failed)
        return cramp__fail(err, CRAMP_EINVAL, "%s: EDF writer: an earlier call failed", w->path);
    if (w->spr == 0) {
        size_t c = 1;
        while (c + 1 < w->channels && w->chan_spr[c] == w->chan_spr[0])
            c++;
        w->failed = 1;
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: interleaved frames need one rate for all channels, "
                           "but channel %zu has %zu samples per data record and channel 0 %zu: "
                           "use cramp_edf_writer_write_signals",
                           w->path, c, w->chan_spr[c], w->chan_spr[0]);
    }
    if (n == 0) return CRAMP_OK;
    if (!frames) return cramp__fail(err, CRAMP_EINVAL, "%s: EDF writer: NULL frames", w->path);
    const size_t nch = w->channels, bps = w->bps;
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < nch; c++) {
            const double v = (double)frames[i * nch + c];
            if (isnan(v)) {
                w->failed = 1;
                return cramp__fail(err, CRAMP_EINVAL,
                                   "%s: EDF writer: NaN at frame %zu of this block, channel %zu",
                                   w->path, i, c);
            }
            const int32_t d = writer_encode(w, v);
            w->last[c] = d;
            put_sample(w->rec + (w->chan_off[c] + w->fill) * bps, bps, d);
        }
        if (++w->fill == w->spr) {
            const cramp_status st = writer_flush_record(w, err);
            if (st != CRAMP_OK) return st;
        }
    }
    return CRAMP_OK;
}

cramp_status cramp_edf_writer_write_signals(cramp_edf_writer *w, const float *const *x,
                                            size_t n_records, cramp_error *err)
{
    if (!w) return cramp__fail(err, CRAMP_EINVAL, "EDF writer: NULL writer");
    if (w->failed)
        return cramp__fail(err, CRAMP_EINVAL, "%s: EDF writer: an earlier call failed", w->path);
    if (n_records == 0) return CRAMP_OK;
    if (w->fill != 0) {
        w->failed = 1;
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: %zu frames of a data record of %zu are pending from "
                           "cramp_edf_writer_write; cramp_edf_writer_write_signals starts at a "
                           "record boundary",
                           w->path, w->fill, w->spr);
    }
    for (size_t c = 0; c < w->channels; c++)
        if (!x || !x[c]) {
            w->failed = 1;
            return cramp__fail(err, CRAMP_EINVAL, "%s: EDF writer: NULL samples of channel %zu",
                               w->path, c);
        }
    const size_t bps = w->bps;
    for (size_t r = 0; r < n_records; r++) {
        for (size_t c = 0; c < w->channels; c++) {
            const size_t spr = w->chan_spr[c];
            const float *in = x[c] + r * spr;
            unsigned char *out = w->rec + w->chan_off[c] * bps;
            for (size_t i = 0; i < spr; i++) {
                if (isnan(in[i])) {
                    w->failed = 1;
                    return cramp__fail(err, CRAMP_EINVAL,
                                       "%s: EDF writer: NaN in channel %zu, sample %zu of this "
                                       "block (record %zu of it)",
                                       w->path, c, r * spr + i, r);
                }
                put_sample(out + i * bps, bps, writer_encode(w, (double)in[i]));
            }
        }
        const cramp_status st = writer_flush_record(w, err);
        if (st != CRAMP_OK) return st;
    }
    return CRAMP_OK;
}

cramp_status cramp_edf_writer_annotate(cramp_edf_writer *w, const cramp_annotation *a,
                                       cramp_error *err)
{
    if (!w || !a) return cramp__fail(err, CRAMP_EINVAL, "EDF writer: NULL argument");
    if (w->plain)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: annotation '%s': a plain %s (cfg plain) has no "
                           "annotation signal; expected EDF+/BDF+ (plain 0)",
                           w->path, a->text ? a->text : "", w->bdf ? "BDF" : "EDF");
    if (!ann_times_ok(a))
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: EDF writer: annotation onset %g s / duration %g s, expected "
                           "finite and within 1e11 s",
                           w->path, a->onset_s, a->duration_s);
    if (w->n_ann == w->ann_cap) {
        const size_t cap = w->ann_cap ? 2 * w->ann_cap : 16;
        ann_item *p = realloc(w->ann, cap * sizeof *p);
        if (!p) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
        w->ann = p;
        w->ann_cap = cap;
    }
    ann_item *it = &w->ann[w->n_ann];
    it->onset = a->onset_s;
    it->dur = a->duration_s;
    it->tal = make_tal(a->onset_s, a->duration_s, a->text, a->channel, &it->tal_len);
    if (!it->tal) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
    w->n_ann++;
    return CRAMP_OK;
}

cramp_status cramp_edf_writer_create(cramp_edf_writer **out, const char *path,
                                     const cramp_edf_write_config *cfg, cramp_error *err)
{
    if (!out || !path || !cfg) return cramp__fail(err, CRAMP_EINVAL, "EDF writer: NULL argument");
    return writer_create(out, path, NULL, cfg, err);
}

cramp_status cramp_edf_writer_create_to(cramp_edf_writer **out, cramp_output *dst,
                                        const cramp_edf_write_config *cfg, cramp_error *err)
{
    if (!out || !dst || !cfg) return cramp__fail(err, CRAMP_EINVAL, "EDF writer: NULL argument");
    return writer_create(out, cramp_output_path(dst), dst, cfg, err);
}

void cramp_edf_writer_abort(cramp_edf_writer *w)
{
    if (w) writer_free(w);
}

cramp_status cramp_edf_write_file(const char *path, const cramp_edf_write_config *cfg,
                                  const float *frames, size_t n_frames, cramp_error *err)
{
    cramp_edf_writer *w = NULL;
    cramp_status st = cramp_edf_writer_create(&w, path, cfg, err);
    if (st != CRAMP_OK) return st;
    st = cramp_edf_writer_write(w, frames, n_frames, err);
    if (st != CRAMP_OK) {
        cramp_edf_writer_abort(w);
        return st;
    }
    return cramp_edf_writer_close(w, err);
}

/* Copies n bytes of fd from offset 0 into dst from offset 0. 0 or -1 (errno). */
static int copy_back(int dst, int fd, uint64_t n, unsigned char *buf, size_t cap)
{
    for (uint64_t at = 0; at < n;) {
        const size_t k = n - at < cap ? (size_t)(n - at) : cap;
        if (cramp__pread_full(fd, buf, k, at) != 0 || cramp__pwrite_full(dst, buf, k, at) != 0)
            return -1;
        at += k;
    }
    return 0;
}

/* Rewrites the output with an annotation signal of slot bytes: the new layout
 * goes to an unnamed scratch file, then back over the output from its start
 * (so the output itself, possibly a device behind cramp_output, is opened
 * once). */
static cramp_status writer_rewrite(cramp_edf_writer *w, size_t slot, const size_t *first,
                                   cramp_error *err)
{
    FILE *scratch = tmpfile();
    if (!scratch)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot make a scratch file: %s", w->path,
                           strerror(errno));
    const int sfd = fileno(scratch);
    const size_t rec2 = w->data_bytes + slot;
    unsigned char *buf = malloc(rec2);
    if (!buf) {
        fclose(scratch);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
    }
    writer_set_nrec_and_ann(w, (long long)w->n_records, slot);
    errno = 0;
    int bad = cramp__write_full(sfd, w->header, w->header_bytes) != 0;
    for (size_t r = 0; r < w->n_records && !bad; r++) {
        const uint64_t at = (uint64_t)w->header_bytes + (uint64_t)r * w->rec_bytes;
        bad = cramp__pread_full(w->t.fd, buf, w->data_bytes, at) != 0;
        if (bad) break;
        char tk[48];
        const size_t tk_len = timekeeping_tal((double)r * w->rec_dur, tk);
        fill_slot(buf + w->data_bytes, slot, tk, tk_len, w->ann, first[r], first[r + 1]);
        bad = cramp__write_full(sfd, buf, rec2) != 0;
    }
    const uint64_t total = (uint64_t)w->header_bytes + (uint64_t)w->n_records * rec2;
    if (!bad) bad = ftruncate(w->t.fd, 0) != 0 || copy_back(w->t.fd, sfd, total, buf, rec2) != 0;
    const int e = errno;
    free(buf);
    fclose(scratch);
    if (bad)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", w->path,
                           e ? strerror(e) : "short read");
    return CRAMP_OK;
}

cramp_status cramp_edf_writer_close(cramp_edf_writer *w, cramp_error *err)
{
    if (!w) return cramp__fail(err, CRAMP_EINVAL, "EDF writer: NULL writer");
    cramp_status st = CRAMP_OK;
    size_t *first = NULL;
    if (w->failed) {
        st = cramp__fail(err, CRAMP_EINVAL,
                         "%s: EDF writer: an earlier call failed; nothing "
                         "written",
                         w->path);
        goto out;
    }
    /* the last record, padded with each channel's last value */
    if (w->fill > 0 || (w->n_records == 0 && w->n_ann > 0)) {
        if (w->fill == 0) {
            /* annotations need a record: one of physical zero */
            double x = w->enc_b;
            x = x < w->dmin ? w->dmin : x > w->dmax ? w->dmax : x;
            for (size_t c = 0; c < w->channels; c++)
                w->last[c] = (int32_t)floor(x + 0.5);
        }
        for (size_t c = 0; c < w->channels; c++)
            for (size_t i = w->fill; i < w->chan_spr[c]; i++)
                put_sample(w->rec + (w->chan_off[c] + i) * w->bps, w->bps, w->last[c]);
        st = writer_flush_record(w, err);
        if (st != CRAMP_OK) goto out;
    }
    if (w->n_ann > 0) {
        qsort(w->ann, w->n_ann, sizeof *w->ann, cmp_ann);
        first = malloc((w->n_records + 1) * sizeof *first);
        if (!first) {
            st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
            goto out;
        }
        if (pack(w->ann, w->n_ann, w->n_records, w->ann_bytes, w, writer_rec_start, writer_tk_len,
                 first)) {
            for (size_t r = 0; r < w->n_records; r++) {
                if (first[r] == first[r + 1]) continue;
                char tk[48];
                const size_t tk_len = timekeeping_tal((double)r * w->rec_dur, tk);
                fill_slot(w->rec + w->data_bytes, w->ann_bytes, tk, tk_len, w->ann, first[r],
                          first[r + 1]);
                const uint64_t at =
                    (uint64_t)w->header_bytes + (uint64_t)r * w->rec_bytes + w->data_bytes;
                if (cramp__pwrite_full(w->t.fd, w->rec + w->data_bytes, w->ann_bytes, at) != 0) {
                    st = cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", w->path,
                                     strerror(errno));
                    goto out;
                }
            }
        } else {
            size_t slot = w->ann_bytes;
            do {
                slot *= 2;
                if ((uint64_t)w->data_bytes + slot > CRAMP__EDF_MAX_RECORD_BYTES ||
                    slot / w->bps > 99999999) {
                    st = cramp__fail(err, CRAMP_ERANGE,
                                     "%s: EDF writer: %zu annotations do not fit %zu data records",
                                     w->path, w->n_ann, w->n_records);
                    goto out;
                }
            } while (!pack(w->ann, w->n_ann, w->n_records, slot, w, writer_rec_start, writer_tk_len,
                           first));
            st = writer_rewrite(w, slot, first, err);
            if (st != CRAMP_OK) goto out;
            goto commit;
        }
    }
    writer_set_nrec_and_ann(w, (long long)w->n_records, w->ann_bytes);
    if (cramp__pwrite_full(w->t.fd, w->header, w->header_bytes, 0) != 0) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", w->path, strerror(errno));
        goto out;
    }
commit:
    if (!w->borrowed) st = tmp_commit(&w->t, err);
out:
    free(first);
    writer_free(w);
    return st;
}

/* ---- copy with annotations ---------------------------------------------- */

typedef struct copy_ctx {
    const cramp__edf *e;
    int timekeeping; /* the new signal is the first annotation signal */
} copy_ctx;

static double copy_rec_start(const void *ctx, size_t r)
{
    const copy_ctx *c = ctx;
    const cramp__edf *e = c->e;
    /* segment holding r (segments are few; linear from a binary search) */
    size_t lo = 0, hi = e->hdr.n_segments;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (e->seg[mid].first_record <= r)
            lo = mid;
        else
            hi = mid;
    }
    const cramp_segment *s = &e->seg[lo];
    return e->t0 + s->onset_s + (double)(r - s->first_record) * e->hdr.record_duration_s;
}

static size_t copy_tk_len(const void *ctx, size_t r)
{
    const copy_ctx *c = ctx;
    if (!c->timekeeping) return 0;
    char tk[48];
    return timekeeping_tal(copy_rec_start(ctx, r), tk);
}

/* Rewrites a header field as printable ASCII (EDF requires it; EDFbrowser
 * and EDFlib refuse other bytes), as put_field does: NUL and control bytes
 * become spaces, a micro sign 'u', other characters '_'. */
static void refield(unsigned char *p, size_t w)
{
    char tmp[96];
    for (size_t i = 0; i < w; i++)
        tmp[i] = p[i] ? (char)p[i] : ' ';
    tmp[w] = '\0';
    put_field(p, w, tmp);
}

/* Every field of a header of ns signals through refield (not the version). */
static void ascii_header(unsigned char *h, size_t ns)
{
    static const size_t fixed[][2] = {{8, 80},   {88, 80}, {168, 8}, {176, 8}, {184, 8},
                                      {192, 44}, {236, 8}, {244, 8}, {252, 4}};
    for (size_t f = 0; f < sizeof fixed / sizeof fixed[0]; f++)
        refield(h + fixed[f][0], fixed[f][1]);
    static const size_t w[] = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
    unsigned char *s = h + 256;
    for (size_t f = 0; f < 10; f++) {
        for (size_t i = 0; i < ns; i++)
            refield(s + i * w[f], w[f]);
        s += ns * w[f];
    }
}

/* The copy into dst, or (dst NULL) into a new output for dst_path committed
 * here. */
static cramp_status copy_annotated(const char *src_path, const char *dst_path, cramp_output *dst,
                                   const cramp_annotation *ann, size_t n_ann, cramp_error *err)
{
    for (size_t i = 0; i < n_ann; i++)
        if (!ann_times_ok(&ann[i]))
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: annotation %zu: onset %g s / duration %g s, expected finite "
                               "and within 1e11 s",
                               dst_path, i, ann[i].onset_s, ann[i].duration_s);
    cramp__edf *e = NULL;
    cramp_status st = cramp__edf_parse(src_path, &e, err);
    if (st != CRAMP_OK) return st;
    const cramp_rec_header *hd = &e->hdr;
    const size_t ns = hd->n_channels, nrec = hd->n_records;
    ann_item *items = NULL;
    size_t *first = NULL;
    unsigned char *hdr = NULL, *rec = NULL;
    sig_hdr *sh = NULL;
    tmpfile_t t = {dst, dst ? cramp_output_fd(dst) : -1};
    if (nrec == 0) {
        st = cramp__fail(err, CRAMP_EINVAL, "%s: no data records to hold annotations", src_path);
        goto out;
    }
    if (ns + 1 > 9999) {
        st = cramp__fail(err, CRAMP_ERANGE, "%s: 9999 signals already; no room for annotations",
                         src_path);
        goto out;
    }
    copy_ctx cc = {e, !e->plus};
    items = calloc(n_ann ? n_ann : 1, sizeof *items);
    first = malloc((nrec + 1) * sizeof *first);
    if (!items || !first) {
        st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", dst_path);
        goto out;
    }
    size_t longest = 0;
    for (size_t i = 0; i < n_ann; i++) {
        items[i].onset = ann[i].onset_s + e->t0;
        items[i].dur = ann[i].duration_s;
        items[i].tal = make_tal(items[i].onset, ann[i].duration_s, ann[i].text, ann[i].channel,
                                &items[i].tal_len);
        if (!items[i].tal) {
            free_items(items, i);
            items = NULL;
            st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", dst_path);
            goto out;
        }
        if (items[i].tal_len > longest) longest = items[i].tal_len;
    }
    qsort(items, n_ann, sizeof *items, cmp_ann);
    const size_t bps = e->bps;
    size_t slot = 48 + longest;
    slot = (slot + bps - 1) / bps * bps;
    while (!pack(items, n_ann, nrec, slot, &cc, copy_rec_start, copy_tk_len, first)) {
        slot *= 2;
        if ((uint64_t)e->record_bytes + slot > CRAMP__EDF_MAX_RECORD_BYTES ||
            slot / bps > 99999999) {
            st = cramp__fail(err, CRAMP_ERANGE, "%s: %zu annotations do not fit %zu data records",
                             dst_path, n_ann, nrec);
            goto out;
        }
    }

    /* header: the source's, one signal more, EDF+/BDF+ fields */
    const size_t ns2 = ns + 1, hb2 = 256 * (ns2 + 1);
    hdr = malloc(hb2);
    sh = calloc(ns2, sizeof *sh);
    rec = malloc(e->record_bytes + slot);
    if (!hdr || !sh || !rec) {
        st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", dst_path);
        goto out;
    }
    memcpy(hdr, e->raw_header, 256);
    const unsigned char *s = e->raw_header + 256;
    for (size_t i = 0; i < ns; i++)
        sh[i] =
            (sig_hdr){{s + 16 * i, s + ns * 16 + 80 * i, s + ns * 96 + 8 * i, s + ns * 104 + 8 * i,
                       s + ns * 112 + 8 * i, s + ns * 120 + 8 * i, s + ns * 128 + 8 * i,
                       s + ns * 136 + 80 * i, s + ns * 216 + 8 * i, s + ns * 224 + 32 * i}};
    unsigned char mine[256];
    char num[32];
    memset(mine, ' ', sizeof mine);
    put_field(mine, 16, e->bdf ? "BDF Annotations" : "EDF Annotations");
    put_field(mine + 104, 8, "-1");
    put_field(mine + 112, 8, "1");
    put_field(mine + 120, 8, e->bdf ? "-8388608" : "-32768");
    put_field(mine + 128, 8, e->bdf ? "8388607" : "32767");
    snprintf(num, sizeof num, "%zu", slot / bps);
    put_field(mine + 216, 8, num);
    sh[ns] = (sig_hdr){{mine, mine + 16, mine + 96, mine + 104, mine + 112, mine + 120, mine + 128,
                        mine + 136, mine + 216, mine + 224}};
    put_signal_headers(hdr + 256, ns2, sh);
    const int disc = hd->format == CRAMP_REC_EDFPLUS_D || hd->format == CRAMP_REC_BDFPLUS_D ||
                     hd->n_segments > 1;
    char res[8];
    snprintf(res, sizeof res, "%s+%c", e->bdf ? "BDF" : "EDF", disc ? 'D' : 'C');
    put_field(hdr + 192, 44, res);
    put_num(hdr + 184, 8, (long long)hb2);
    put_num(hdr + 236, 8, (long long)nrec);
    put_num(hdr + 252, 4, (long long)ns2);
    /* EDF+ requires the patient/recording subfields and a valid date */
    char text[256];
    int y = hd->year, m = hd->month, d = hd->day;
    if (!hd->start_valid) {
        put_field(hdr + 168, 8, "01.01.85");
        put_field(hdr + 176, 8, "00.00.00");
    } else if (e->t0 != hd->start_subsecond) {
        /* the clock moved by whole seconds of the first onset: keep the
         * header's own date and time, which the TAL onsets refer to */
        y = 0;
    }
    plus_patient(text, sizeof text, hd->patient);
    put_field(hdr + 8, 80, text);
    plus_recording(text, sizeof text, hd->recording, hd->start_valid && y != 0, y, m, d);
    put_field(hdr + 88, 80, text);
    ascii_header(hdr, ns2);

    if (!dst) {
        st = tmp_open(&t, dst_path, 0, err);
        if (st != CRAMP_OK) goto out;
    }
    if (cramp__write_full(t.fd, hdr, hb2) != 0) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", dst_path, strerror(errno));
        goto out;
    }
    for (size_t r = 0; r < nrec; r++) {
        const uint64_t at = (uint64_t)e->header_bytes + (uint64_t)r * e->record_bytes;
        if (cramp__pread_full(e->fd, rec, e->record_bytes, at) != 0) {
            st = cramp__fail(err, CRAMP_EIO, "%s: data record %zu: read failed: %s", src_path, r,
                             errno ? strerror(errno) : "unexpected end of file");
            goto out;
        }
        char tk[48];
        const size_t tk_len = cc.timekeeping ? timekeeping_tal(copy_rec_start(&cc, r), tk) : 0;
        fill_slot(rec + e->record_bytes, slot, tk, tk_len, items, first[r], first[r + 1]);
        if (cramp__write_full(t.fd, rec, e->record_bytes + slot) != 0) {
            st = cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", dst_path, strerror(errno));
            goto out;
        }
    }
    if (!dst) st = tmp_commit(&t, err);
out:
    if (st != CRAMP_OK && !dst) tmp_discard(&t);
    free_items(items, n_ann);
    free(first);
    free(hdr);
    free(sh);
    free(rec);
    cramp__edf_free(e);
    return st;
}

cramp_status cramp_edf_copy_annotated(const char *src_path, const char *dst_path,
                                      const cramp_annotation *ann, size_t n_ann, cramp_error *err)
{
    if (!src_path || !dst_path || (!ann && n_ann > 0))
        return cramp__fail(err, CRAMP_EINVAL, "EDF copy: NULL argument");
    return copy_annotated(src_path, dst_path, NULL, ann, n_ann, err);
}

cramp_status cramp_edf_copy_annotated_to(const char *src_path, cramp_output *dst,
                                         const cramp_annotation *ann, size_t n_ann,
                                         cramp_error *err)
{
    if (!src_path || !dst || (!ann && n_ann > 0))
        return cramp__fail(err, CRAMP_EINVAL, "EDF copy: NULL argument");
    return copy_annotated(src_path, cramp_output_path(dst), dst, ann, n_ann, err);
}
