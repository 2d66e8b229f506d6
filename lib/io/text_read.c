/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* The delimited-text backend of cramp_recording: one frame per line, one
 * column per channel (CSV, TSV, ';'- or blank-separated), as NeuroKit2,
 * BioSPPy, LibEMG and spreadsheet exports leave them.
 *
 * Layout: lines before the first numeric row are a preamble: '#' lines
 * carry "key:= value" pairs (BioSPPy's simple text format: "Sampling Rate
 * (Hz)", "Labels", "Units") or OpenSignals' JSON header ("sampling rate",
 * "column", "label"); a last non-'#' line with as many fields as the data is
 * the column header (labels, units in "(mV)" or "[mV]" after a label); lines
 * such as "Channel 4: 'Recto Femoral', ..., engineering units: mV" give one
 * column's label and unit each, in order. Blank lines and '#' lines are
 * skipped anywhere. The delimiter is chosen on the first numeric row: TAB if
 * it holds one, else ';', else ',', else runs of blanks.
 *
 * Rows: every row has the first row's field count. The recording ends at the
 * first incomplete row (fewer fields, or an empty one): rows after it must be
 * incomplete too (a warning says how many were dropped), else the file is
 * malformed (a hole in the data). Values are C-locale numbers, finite.
 *
 * Memory: open scans the file once (line count, longest line, and the byte
 * offset of every TEXT_CHECKPOINT-th row for seeking: 16 bytes per 4096
 * rows); read parses lines into a buffer sized at open.
 *
 * About 880 lines on purpose: one backend behind cramp__rec_ops whose private
 * state (text_impl, preamble) every part uses; splitting it would put that
 * state into a header for a few dozen lines under the limit. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/internal.h"
#include "io/recording_internal.h"

#define TEXT_CHECKPOINT 4096u
#define TEXT_MAX_LINE (1u << 20)
#define TEXT_MAX_COLUMNS 4096u

typedef struct text_impl {
    char *path;
    FILE *fp;
    char delim;             /* '\t', ';', ',' or ' ' (runs of blanks and TABs) */
    size_t ncol;
    uint64_t nrows;         /* frames */
    double fs;
    uint64_t *ck_off;       /* byte offset and line number of rows 0, C, 2C, ... */
    uint64_t *ck_line;
    size_t n_ck, cap_ck;
    char *line;             /* longest line + 2 */
    size_t line_cap;
    char **field;           /* ncol + 1 pointers into line */
    cramp_rec_header hdr;
    cramp_channel_info *ch;
    cramp_segment seg;
    char *warn[8];
    size_t n_warn;
    size_t *sel;
    size_t n_sel;
    size_t max_sel;         /* largest selected column + 1 */
    uint64_t pos;           /* next frame */
    uint64_t line_no;       /* number of the next line read (1-based) */
} text_impl;

static cramp_status text_select(void *impl, const size_t *channels, size_t n, cramp_error *err);
static cramp_status text_read(void *impl, float *out, size_t max_frames, size_t *frames,
                              cramp_error *err);
static void text_tell(const void *impl, size_t *frame, double *time_s);
static cramp_status text_seek(void *impl, size_t frame, cramp_error *err);
static void text_close(void *impl);

static const cramp__rec_ops text_ops = {text_select, text_read, text_tell,
                                        text_seek, text_close, NULL};

double cramp__volt_factor(const char *u)
{
    static const struct {
        const char *name;
        double f;
    } tab[] = {
        {"uV", 1.0}, {"\xC2\xB5V", 1.0}, {"\xCE\xBCV", 1.0}, {"\xB5V", 1.0},
        {"nV", 1e-3}, {"mV", 1e3}, {"V", 1e6},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(u, tab[i].name) == 0) return tab[i].f;
    return 0.0;
}

void cramp__set_unit(cramp_channel_info *ci, const char *file_unit)
{
    snprintf(ci->file_unit, sizeof ci->file_unit, "%s", file_unit ? file_unit : "");
    const double vf = cramp__volt_factor(ci->file_unit);
    if (vf > 0.0) {
        snprintf(ci->unit, sizeof ci->unit, "uV");
        ci->to_output = vf;
    } else {
        snprintf(ci->unit, sizeof ci->unit, "%s", ci->file_unit);
        ci->to_output = 1.0;
    }
}

int cramp__text_sniff(const unsigned char *head, size_t n)
{
    if (n == 0) return 0;
    /* a sound container's magic: libsndfile says what is wrong with it */
    static const char magic[][5] = {"RIFF", "RIFX", "RF64", "fLaC", "OggS", "FORM", ".snd"};
    for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++)
        if (n >= 4 && memcmp(head, magic[i], 4) == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = head[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return 0;
        if (c == 0x7F) return 0;
    }
    return 1;
}

cramp_status cramp__add_warning(char **warn, size_t cap, size_t *n, const char *path,
                               cramp_error *err, const char *fmt, ...)
{
    if (*n == cap) return CRAMP_OK;
    char msg[CRAMP_ERROR_MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *copy = strdup(msg);
    if (!copy) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    warn[(*n)++] = copy;
    return CRAMP_OK;
}

#define add_warning(t, err, ...)                                                               \
    cramp__add_warning((t)->warn, sizeof (t)->warn / sizeof (t)->warn[0], &(t)->n_warn,       \
                       (t)->path, err, __VA_ARGS__)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return 0;
    return 1;
}

/* Splits s in place at delim (' ': runs of blanks) into at most cap fields
 * (trimmed, one pair of double quotes removed); returns the field count, or
 * cap + 1 when there are more. */
static size_t split(char *s, char delim, char **f, size_t cap)
{
    size_t n = 0;
    if (delim == ' ') {
        char *p = s;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
            if (!*p) break;
            if (n == cap) return cap + 1;
            f[n++] = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') p++;
            if (*p) *p++ = '\0';
        }
        return n;
    }
    char *p = s;
    for (;;) {
        char *end = strchr(p, delim);
        if (end) *end = '\0';
        if (n == cap) return cap + 1;
        char *v = trim(p);
        const size_t len = strlen(v);
        if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
            v[len - 1] = '\0';
            v++;
        }
        f[n++] = v;
        if (!end) break;
        p = end + 1;
    }
    return n;
}

/* 1 when s is a whole finite C number. */
static int number_syntax(const char *s);

static int parse_number(const char *s, double *v)
{
    if (!number_syntax(s)) return 0;
    char *end;
    errno = 0;
    const double x = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(x)) return 0;
    *v = x;
    return 1;
}

/* 1 when s is written as a decimal number ([+-] digits [. digits] [e[+-]digits]):
 * the check open makes on every field, much cheaper than strtod; read
 * converts (and refuses an overflow to infinity). */
static int number_syntax(const char *s)
{
    if (*s == '+' || *s == '-') s++;
    int digits = 0;
    while (*s >= '0' && *s <= '9') s++, digits++;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') s++, digits++;
    }
    if (!digits) return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return 0;
        while (*s >= '0' && *s <= '9') s++;
    }
    return *s == '\0';
}

static char choose_delim(const char *s)
{
    if (strchr(s, '\t')) return '\t';
    if (strchr(s, ';')) return ';';
    if (strchr(s, ',')) return ',';
    return ' ';
}

static const char *delim_name(char d)
{
    switch (d) {
    case '\t': return "TAB";
    case ';': return "';'";
    case ',': return "','";
    default: return "blanks";
    }
}

/* What the preamble said, gathered before the column count is known. */
typedef struct preamble {
    double fs;
    char *labels;           /* "Labels:=" value, or OpenSignals "column" list (malloc'd) */
    char *units;            /* "Units:=" value */
    char *header;           /* last non-'#' line (candidate column header) */
    char (*cl)[81];         /* "Channel N: 'NAME', ... units: U" lines */
    char (*cu)[17];
    size_t n_c, cap_c;
    int opensignals;
} preamble;

static void preamble_free(preamble *p)
{
    free(p->labels);
    free(p->units);
    free(p->header);
    free(p->cl);
    free(p->cu);
}

static int set_str(char **dst, const char *s)
{
    char *c = strdup(s);
    if (!c) return -1;
    free(*dst);
    *dst = c;
    return 0;
}

/* OpenSignals' JSON header: the number after "sampling rate": and the
 * string list after "column": (or "label":). Read by hand: only these keys
 * matter and a malformed one just leaves the field unset. */
static int opensignals_json(preamble *p, const char *s)
{
    const char *k = strstr(s, "\"sampling rate\"");
    if (k) {
        k = strchr(k + 15, ':');
        if (k) {
            const double v = strtod(k + 1, NULL);
            if (isfinite(v) && v > 0) p->fs = v;
        }
    }
    k = strstr(s, "\"column\"");
    if (!k) return 0;
    k = strchr(k, '[');
    const char *e = k ? strchr(k, ']') : NULL;
    if (!k || !e) return 0;
    /* ["nSeq", "A1"] -> "nSeq\tA1" */
    char *list = malloc((size_t)(e - k) + 1);
    if (!list) return -1;
    size_t n = 0;
    int in = 0;
    for (const char *q = k + 1; q < e; q++) {
        if (*q == '"') {
            in = !in;
            if (!in) list[n++] = '\t';
        } else if (in) {
            list[n++] = *q;
        }
    }
    if (n) n--;
    list[n] = '\0';
    free(p->labels);
    p->labels = list;
    return 0;
}

/* A '#' line of the preamble. */
static int preamble_comment(preamble *p, const char *line)
{
    const char *s = line + 1;
    while (*s == ' ') s++;
    if (strncmp(s, "OpenSignals", 11) == 0) p->opensignals = 1;
    if (*s == '{') return opensignals_json(p, s);
    const char *sep = strstr(s, ":=");
    if (!sep) return 0;
    char key[64];
    size_t kn = (size_t)(sep - s);
    if (kn >= sizeof key) return 0;
    memcpy(key, s, kn);
    key[kn] = '\0';
    char val[4096];
    snprintf(val, sizeof val, "%s", sep + 2);
    char *v = trim(val);
    char *k = trim(key);
    if (strcmp(k, "Sampling Rate (Hz)") == 0 || strcmp(k, "Sampling Rate") == 0) {
        double x;
        if (parse_number(v, &x) && x > 0) p->fs = x;
        return 0;
    }
    if (strcmp(k, "Labels") == 0) return set_str(&p->labels, v);
    if (strcmp(k, "Units") == 0) return set_str(&p->units, v);
    return 0;
}

/* "Channel 4: 'Recto Femoral', 43665 values, engineering units: mV, ..." */
static int preamble_channel(preamble *p, const char *line)
{
    const char *q1 = strchr(line, '\'');
    const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    const char *u = strstr(line, "units:");
    if (!q1 || !q2 || !u || strncmp(line, "Channel", 7) != 0) return 0;
    if (p->n_c == p->cap_c) {
        const size_t cap = p->cap_c ? 2 * p->cap_c : 8;
        if (cap > TEXT_MAX_COLUMNS) return 0;
        char(*cl)[81] = realloc(p->cl, cap * sizeof *cl);
        if (!cl) return -1;
        p->cl = cl;
        char(*cu)[17] = realloc(p->cu, cap * sizeof *cu);
        if (!cu) return -1;
        p->cu = cu;
        p->cap_c = cap;
    }
    int n = (int)(q2 - q1 - 1);
    snprintf(p->cl[p->n_c], sizeof p->cl[0], "%.*s", n > 80 ? 80 : n, q1 + 1);
    u += 6;
    while (*u == ' ') u++;
    n = 0;
    while (u[n] && u[n] != ',' && u[n] != ' ' && u[n] != '\r' && u[n] != '\n') n++;
    snprintf(p->cu[p->n_c], sizeof p->cu[0], "%.*s", n > 16 ? 16 : n, u);
    p->n_c++;
    return 0;
}

/* "EMG (mV)" / "EMG [mV]" -> label "EMG", unit "mV"; else unit "". */
static void label_unit(const char *s, char *label, size_t lcap, char *unit, size_t ucap)
{
    unit[0] = '\0';
    const size_t n = strlen(s);
    if (n >= 3 && (s[n - 1] == ')' || s[n - 1] == ']')) {
        const char open = s[n - 1] == ')' ? '(' : '[';
        const char *o = strrchr(s, open);
        if (o && o > s && (size_t)(s + n - 1 - o - 1) < ucap) {
            snprintf(unit, ucap, "%.*s", (int)(s + n - 1 - o - 1), o + 1);
            int ln = (int)(o - s);
            while (ln > 0 && s[ln - 1] == ' ') ln--;
            snprintf(label, lcap, "%.*s", ln, s);
            return;
        }
    }
    snprintf(label, lcap, "%s", s);
}

/* Splits a "Labels:="/"Units:=" list (TAB, ',' or blanks) into exactly ncol
 * items; 0 when the count differs. */
static size_t list_items(char *s, char **f, size_t ncol)
{
    const char d = strchr(s, '\t') ? '\t' : strchr(s, ',') ? ',' : ' ';
    return split(s, d, f, ncol);
}

static cramp_status oom(const char *path, cramp_error *err)
{
    return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
}

static int add_checkpoint(text_impl *t, uint64_t off, uint64_t line)
{
    if (t->n_ck == t->cap_ck) {
        const size_t cap = t->cap_ck ? 2 * t->cap_ck : 16;
        uint64_t *a = realloc(t->ck_off, cap * sizeof *a);
        if (!a) return -1;
        t->ck_off = a;
        uint64_t *b = realloc(t->ck_line, cap * sizeof *b);
        if (!b) return -1;
        t->ck_line = b;
        t->cap_ck = cap;
    }
    t->ck_off[t->n_ck] = off;
    t->ck_line[t->n_ck] = line;
    t->n_ck++;
    return 0;
}

/* Labels and units of the columns, from the best source the file gave. */
static cramp_status name_columns(text_impl *t, preamble *p, const cramp_recording_options *opt,
                                 char **f, cramp_error *err, const char **src)
{
    const size_t nc = t->ncol;
    for (size_t c = 0; c < nc; c++) {
        snprintf(t->ch[c].label, sizeof t->ch[c].label, "ch%zu", c + 1);
        t->ch[c].file_unit[0] = '\0';
    }
    *src = "";
    int have_units = 0;
    if (p->header && split(p->header, t->delim, f, nc) == nc) {
        *src = "column header";
        for (size_t c = 0; c < nc; c++) {
            label_unit(f[c], t->ch[c].label, sizeof t->ch[c].label, t->ch[c].file_unit,
                       sizeof t->ch[c].file_unit);
            if (t->ch[c].file_unit[0]) have_units = 1;
        }
    } else if (p->labels && list_items(p->labels, f, nc) == nc) {
        *src = p->opensignals ? "OpenSignals header" : "Labels";
        for (size_t c = 0; c < nc; c++)
            snprintf(t->ch[c].label, sizeof t->ch[c].label, "%s", f[c]);
    } else if (p->n_c == nc) {
        *src = "channel lines";
        for (size_t c = 0; c < nc; c++) {
            snprintf(t->ch[c].label, sizeof t->ch[c].label, "%s", p->cl[c]);
            snprintf(t->ch[c].file_unit, sizeof t->ch[c].file_unit, "%s", p->cu[c]);
        }
        have_units = 1;
    }
    if (!have_units && p->units && list_items(p->units, f, nc) == nc) {
        for (size_t c = 0; c < nc; c++)
            snprintf(t->ch[c].file_unit, sizeof t->ch[c].file_unit, "%s", f[c]);
        have_units = 1;
    }
    const char *ou = opt && opt->unit ? opt->unit : "";
    for (size_t c = 0; c < nc; c++) {
        cramp_channel_info *ci = &t->ch[c];
        char fu[17];
        snprintf(fu, sizeof fu, "%s", ci->file_unit[0] ? ci->file_unit : ou);
        cramp__set_unit(ci, fu);
        ci->fs = t->fs;
    }
    (void)err;
    return CRAMP_OK;
}

/* Reads one line into *buf (growing it); 0 at EOF, -1 on error. Lines
 * longer than TEXT_MAX_LINE are an error (*toolong set). */
static int scan_line(FILE *fp, char **buf, size_t *cap, size_t *len, int *toolong)
{
    errno = 0;
    const ssize_t n = getline(buf, cap, fp);
    if (n < 0) return ferror(fp) ? -1 : 0;
    *len = (size_t)n;
    if (*len > TEXT_MAX_LINE) {
        *toolong = 1;
        return -1;
    }
    return 1;
}

/* The message for scan_line's -1 at line ln. */
static cramp_status scan_failed(const char *path, int toolong, uint64_t ln, cramp_error *err)
{
    if (toolong)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: line %llu is longer than %u bytes: not a text recording", path,
                           (unsigned long long)ln, TEXT_MAX_LINE);
    return cramp__fail(err, CRAMP_EIO, "%s: cannot read: %s", path, strerror(errno));
}

cramp_status cramp__text_open(const char *path, const cramp_recording_options *opt, void **impl,
                              const cramp_rec_header **header, const cramp__rec_ops **ops,
                              cramp_error *err)
{
    const double ofs = opt ? opt->fs : 0.0;
    if (!(ofs >= 0.0) || !isfinite(ofs))
        return cramp__fail(err, CRAMP_EINVAL, "%s: sampling rate %g Hz: expected a finite value "
                           ">= 0 (0 = the file's own)", path, ofs);
    if (opt && opt->unit && strlen(opt->unit) > 16)
        return cramp__fail(err, CRAMP_EINVAL, "%s: unit '%.32s...': expected at most 16 bytes",
                           path, opt->unit);
    text_impl *t = calloc(1, sizeof *t);
    if (!t) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    preamble p;
    memset(&p, 0, sizeof p);
    char *buf = NULL, *copy = NULL;
    char **f = NULL;
    size_t cap = 0, len = 0;
    int toolong = 0;
    cramp_status st = CRAMP_OK;
    t->path = strdup(path);
    if (!t->path) {
        st = oom(path, err);
        goto fail;
    }
    t->fp = fopen(path, "rb");
    if (!t->fp) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    f = malloc((TEXT_MAX_COLUMNS + 1) * sizeof *f);
    if (!f) {
        st = oom(path, err);
        goto fail;
    }
    /* Preamble, up to the first numeric row. */
    uint64_t line_no = 0, off = 0, data_off = 0, data_line = 0;
    size_t longest = 0;
    int r;
    while ((r = scan_line(t->fp, &buf, &cap, &len, &toolong)) > 0) {
        line_no++;
        const uint64_t this_off = off;
        off += len;
        if (len > longest) longest = len;
        if (is_blank(buf)) continue;
        if (buf[0] == '#') {
            if (preamble_comment(&p, buf) != 0) {
                st = oom(path, err);
                goto fail;
            }
            continue;
        }
        free(copy);
        copy = strdup(buf);
        if (!copy) {
            st = oom(path, err);
            goto fail;
        }
        const char d = choose_delim(buf);
        const size_t n = split(buf, d, f, TEXT_MAX_COLUMNS);
        int numeric = n >= 1 && n <= TEXT_MAX_COLUMNS;
        double v;
        for (size_t i = 0; numeric && i < n; i++) numeric = parse_number(f[i], &v);
        if (numeric) {
            t->delim = d;
            t->ncol = n;
            data_off = this_off;
            data_line = line_no;
            break;
        }
        if (preamble_channel(&p, copy) != 0 || set_str(&p.header, copy) != 0) {
            st = oom(path, err);
            goto fail;
        }
    }
    if (r < 0) {
        st = scan_failed(path, toolong, line_no + 1, err);
        goto fail;
    }
    if (t->ncol == 0) {
        st = cramp__fail(err, CRAMP_EFORMAT,
                         "%s: not a recording cramp reads: text without a row of numbers (%llu "
                         "lines); expected one column per channel, one row per sample, "
                         "separated by TAB, ',', ';' or blanks",
                         path, (unsigned long long)line_no);
        goto fail;
    }
    /* The rows: count, check, checkpoint. */
    uint64_t rows = 0, ended_line = 0, dropped = 0;
    int more = 1;
    off = data_off;
    line_no = data_line - 1;
    if (fseeko(t->fp, (off_t)data_off, SEEK_SET) != 0) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot seek: %s", path, strerror(errno));
        goto fail;
    }
    while (more && (r = scan_line(t->fp, &buf, &cap, &len, &toolong)) > 0) {
        line_no++;
        const uint64_t this_off = off;
        off += len;
        if (len > longest) longest = len;
        if (buf[0] == '#' || is_blank(buf)) continue;
        const size_t n = split(buf, t->delim, f, t->ncol);
        if (n > t->ncol) {
            st = cramp__fail(err, CRAMP_EFORMAT,
                             "%s: line %llu has more than %zu fields: expected %zu (as on line "
                             "%llu), separated by %s",
                             path, (unsigned long long)line_no, t->ncol, t->ncol,
                             (unsigned long long)data_line, delim_name(t->delim));
            goto fail;
        }
        size_t empty = 0;
        int all_empty = 1;
        for (size_t i = 0; i < n; i++) {
            if (f[i][0] == '\0') {
                if (!empty) empty = i + 1;
            } else {
                all_empty = 0;
            }
        }
        if (all_empty) continue; /* "\t\t\t" */
        const int complete = n == t->ncol && !empty;
        if (!complete) {
            if (!ended_line) ended_line = line_no;
            dropped++;
        } else if (ended_line) {
            st = cramp__fail(err, CRAMP_EFORMAT,
                             "%s: line %llu is complete after the incomplete line %llu: a hole "
                             "in the data (expected %zu values on every row)",
                             path, (unsigned long long)line_no, (unsigned long long)ended_line,
                             t->ncol);
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            if (f[i][0] && !number_syntax(f[i])) {
                st = cramp__fail(err, CRAMP_EFORMAT,
                                 "%s: line %llu, field %zu: '%.40s' is not a finite number "
                                 "(expected %zu numbers separated by %s)",
                                 path, (unsigned long long)line_no, i + 1, f[i], t->ncol,
                                 delim_name(t->delim));
                goto fail;
            }
        }
        if (!complete) continue;
        if (rows % TEXT_CHECKPOINT == 0 && add_checkpoint(t, this_off, line_no) != 0) {
            st = oom(path, err);
            goto fail;
        }
        rows++;
    }
    if (r < 0) {
        st = scan_failed(path, toolong, line_no + 1, err);
        goto fail;
    }
    t->nrows = rows;

    /* Rate. */
    if (p.fs > 0 && ofs > 0 && p.fs != ofs) {
        t->fs = ofs;
        st = add_warning(t, err, "%s: the file states %g Hz; read at the %g Hz given", path,
                         p.fs, ofs);
        if (st != CRAMP_OK) goto fail;
    } else if (ofs > 0) {
        t->fs = ofs;
    } else if (p.fs > 0) {
        t->fs = p.fs;
    } else {
        st = cramp__fail(err, CRAMP_EINVAL,
                         "%s: the file does not state its sampling rate: expected a header line "
                         "such as '# Sampling Rate (Hz):= 1000', or the rate given with the "
                         "file (option fs; cramp info --fs HZ)",
                         path);
        goto fail;
    }
    if (ended_line) {
        st = add_warning(t, err,
                         "%s: line %llu has missing values: the recording ends there (%llu "
                         "rows); %llu incomplete rows from it on are not read",
                         path, (unsigned long long)ended_line, (unsigned long long)rows,
                         (unsigned long long)dropped);
        if (st != CRAMP_OK) goto fail;
    }
    t->ch = calloc(t->ncol, sizeof *t->ch);
    t->field = malloc((t->ncol + 1) * sizeof *t->field);
    t->line_cap = longest + 2;
    t->line = malloc(t->line_cap);
    if (!t->ch || !t->field || !t->line) {
        st = oom(path, err);
        goto fail;
    }
    const char *src;
    st = name_columns(t, &p, opt, f, err, &src);
    if (st != CRAMP_OK) goto fail;
    for (size_t c = 0; c < t->ncol; c++) {
        t->ch[c].phys_min = (double)NAN; /* unknown: no rail to clip at */
        t->ch[c].phys_max = (double)NAN;
    }
    int no_unit = 0;
    for (size_t c = 0; c < t->ncol; c++) no_unit |= t->ch[c].file_unit[0] == '\0';
    if (no_unit) {
        st = add_warning(t, err,
                         "%s: a column without a unit keeps the values as written; give the "
                         "unit (option unit; cramp info --unit) to read microvolts",
                         path);
        if (st != CRAMP_OK) goto fail;
    }
    cramp_rec_header *h = &t->hdr;
    h->format = CRAMP_REC_TEXT;
    snprintf(h->recording, sizeof h->recording, "%s%s, %zu column%s separated by %s%s%s",
             p.opensignals ? "OpenSignals " : "", "text", t->ncol, t->ncol == 1 ? "" : "s",
             delim_name(t->delim), src[0] ? ", labels from " : "", src);
    h->n_channels = t->ncol;
    h->channels = t->ch;
    h->duration_s = (double)rows / t->fs;
    t->seg.duration_s = h->duration_s;
    h->n_segments = 1;
    h->segments = &t->seg;
    h->n_warnings = t->n_warn;
    h->warnings = (const char *const *)t->warn;
    free(buf);
    free(copy);
    free(f);
    preamble_free(&p);
    *impl = t;
    *header = &t->hdr;
    *ops = &text_ops;
    return CRAMP_OK;

fail:
    free(buf);
    free(copy);
    free(f);
    preamble_free(&p);
    text_close(t);
    return st;
}

static cramp_status rewind_to(text_impl *t, uint64_t frame, cramp_error *err)
{
    uint64_t k = frame / TEXT_CHECKPOINT;
    uint64_t row = k * TEXT_CHECKPOINT;
    if (frame == t->nrows && frame > 0) {
        k = (frame - 1) / TEXT_CHECKPOINT;
        row = k * TEXT_CHECKPOINT;
    }
    t->pos = row;
    if (t->n_ck == 0) {
        t->pos = 0;
        return CRAMP_OK;
    }
    if (fseeko(t->fp, (off_t)t->ck_off[k], SEEK_SET) != 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot seek: %s", t->path, strerror(errno));
    t->line_no = t->ck_line[k];
    return CRAMP_OK;
}

/* The next data row's fields into t->field; 0 at the end. */
static int next_row(text_impl *t, cramp_status *st, cramp_error *err)
{
    for (;;) {
        if (!fgets(t->line, (int)t->line_cap, t->fp)) {
            if (ferror(t->fp)) {
                *st = cramp__fail(err, CRAMP_EIO, "%s: cannot read line %llu: %s", t->path,
                                  (unsigned long long)t->line_no, strerror(errno));
                return -1;
            }
            *st = cramp__fail(err, CRAMP_EFORMAT, "%s: ends at line %llu: changed since it "
                              "was opened?", t->path, (unsigned long long)t->line_no);
            return -1;
        }
        const size_t len = strlen(t->line);
        if (len + 1 == t->line_cap && t->line[len - 1] != '\n') {
            *st = cramp__fail(err, CRAMP_EFORMAT, "%s: line %llu is longer than when the file "
                              "was opened: changed since?", t->path,
                              (unsigned long long)t->line_no);
            return -1;
        }
        const uint64_t ln = t->line_no++;
        if (t->line[0] == '#' || is_blank(t->line)) continue;
        const size_t n = split(t->line, t->delim, t->field, t->ncol);
        if (n != t->ncol) {
            *st = cramp__fail(err, CRAMP_EFORMAT, "%s: line %llu has %zu fields, expected %zu: "
                              "changed since it was opened?", t->path, (unsigned long long)ln,
                              n, t->ncol);
            return -1;
        }
        return 1;
    }
}

static cramp_status skip_rows(text_impl *t, uint64_t frame, cramp_error *err)
{
    cramp_status st = CRAMP_OK;
    while (t->pos < frame) {
        if (next_row(t, &st, err) < 0) return st;
        t->pos++;
    }
    return CRAMP_OK;
}

static cramp_status text_select(void *impl, const size_t *channels, size_t n, cramp_error *err)
{
    text_impl *t = impl;
    size_t mx = 0;
    for (size_t i = 0; i < n; i++) {
        if (channels[i] >= t->ncol)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: channel index %zu: expected 0 to %zu (the file has %zu "
                               "column%s)",
                               t->path, channels[i], t->ncol - 1, t->ncol,
                               t->ncol == 1 ? "" : "s");
        if (channels[i] + 1 > mx) mx = channels[i] + 1;
    }
    size_t *sel = malloc(n * sizeof *sel);
    if (!sel) return oom(t->path, err);
    memcpy(sel, channels, n * sizeof *sel);
    const cramp_status st = rewind_to(t, 0, err);
    if (st != CRAMP_OK) {
        free(sel);
        return st;
    }
    free(t->sel);
    t->sel = sel;
    t->n_sel = n;
    t->max_sel = mx;
    return CRAMP_OK;
}

static cramp_status text_read(void *impl, float *out, size_t max_frames, size_t *frames,
                              cramp_error *err)
{
    text_impl *t = impl;
    *frames = 0;
    if (!t->sel) return cramp__rec_unselected(t->path, err);
    size_t done = 0;
    cramp_status st = CRAMP_OK;
    while (done < max_frames && t->pos < t->nrows) {
        if (next_row(t, &st, err) < 0) return st;
        float *o = out + done * t->n_sel;
        for (size_t c = 0; c < t->n_sel; c++) {
            const size_t k = t->sel[c];
            double v;
            if (!parse_number(t->field[k], &v))
                return cramp__fail(err, CRAMP_EFORMAT,
                                   "%s: line %llu, field %zu: '%.40s' is not a finite number",
                                   t->path, (unsigned long long)t->line_no - 1, k + 1,
                                   t->field[k]);
            o[c] = (float)(v * t->ch[k].to_output);
        }
        t->pos++;
        done++;
    }
    *frames = done;
    return CRAMP_OK;
}

static void text_tell(const void *impl, size_t *frame, double *time_s)
{
    const text_impl *t = impl;
    cramp__rec_tell_even(t->pos, t->fs, frame, time_s);
}

static cramp_status text_seek(void *impl, size_t frame, cramp_error *err)
{
    text_impl *t = impl;
    cramp_status st = cramp__rec_seek_range(t->path, frame, t->nrows, err);
    if (st != CRAMP_OK) return st;
    st = rewind_to(t, frame, err);
    if (st != CRAMP_OK) return st;
    return skip_rows(t, frame, err);
}

static void text_close(void *impl)
{
    text_impl *t = impl;
    if (!t) return;
    if (t->fp) fclose(t->fp);
    for (size_t i = 0; i < t->n_warn; i++) free(t->warn[i]);
    free(t->ck_off);
    free(t->ck_line);
    free(t->line);
    free(t->field);
    free(t->ch);
    free(t->sel);
    free(t->path);
    free(t);
}
