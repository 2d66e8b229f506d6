/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Event scoring (see cramp/score.h for the matching rule) and the BIDS
 * events TSV reader. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "cramp/score.h"

#define NONE ((size_t)-1)

/* The classes of cramp/types.h, in its order: listed first when present. */
static const char *const standard[] = {"cramp",    "plm", "burst", "movement",
                                       "artefact", "hft", "alma",  "fragmentary"};
#define N_STANDARD (sizeof standard / sizeof standard[0])

static cramp_status set_err(cramp_error *err, cramp_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static cramp_status set_err(cramp_error *err, cramp_status st, const char *fmt, ...)
{
    if (err) {
        err->status = st;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return st;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---- events TSV ------------------------------------------------------------ */

struct cramp_event_table {
    cramp_event *ev;
    size_t n;
    char *text;  /* the file, cut into fields in place */
};

size_t cramp_event_table_size(const cramp_event_table *t) { return t ? t->n : 0; }
const cramp_event *cramp_event_table_events(const cramp_event_table *t) { return t ? t->ev : NULL; }

void cramp_event_table_destroy(cramp_event_table *t)
{
    if (!t) return;
    free(t->ev);
    free(t->text);
    free(t);
}

/* Splits line at tabs in place; returns the number of fields (at most max). */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n < max) f[n] = p;
        n++;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static int parse_double(const char *s, double *out)
{
    if (!*s) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ') end++;
    if (*end || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

#define MAX_COLS 64

static cramp_status parse_owned(cramp_event_table **out, char *text, const char *name,
                                cramp_error *err)
{
    cramp_event_table *t = calloc(1, sizeof *t);
    if (!t) {
        free(text);
        return set_err(err, CRAMP_ENOMEM, "out of memory");
    }
    t->text = text;
    size_t cap = 0;
    long c_on = -1, c_dur = -1, c_type = -1, c_ch = -1;
    size_t ncols = 0;
    int line = 0, have_header = 0;
    char *p = text;
    cramp_status st = CRAMP_OK;
    while (*p) {
        line++;
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        if (eol) *eol = '\0';
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r') p[--len] = '\0';
        char *l = p;
        p = next;
        if (!*l || *l == '#') continue;
        char *f[MAX_COLS];
        size_t nf = split_tabs(l, f, MAX_COLS);
        if (nf > MAX_COLS) {
            st = set_err(err, CRAMP_EFORMAT, "%s:%d: more than %d columns", name, line, MAX_COLS);
            goto out;
        }
        if (!have_header) {
            have_header = 1;
            ncols = nf;
            for (size_t i = 0; i < nf; i++) {
                if (!strcmp(f[i], "onset")) c_on = (long)i;
                else if (!strcmp(f[i], "duration")) c_dur = (long)i;
                else if (!strcmp(f[i], "trial_type")) c_type = (long)i;
                else if (!strcmp(f[i], "channel")) c_ch = (long)i;
            }
            if (c_on < 0 || c_dur < 0 || c_type < 0) {
                st = set_err(err, CRAMP_EFORMAT,
                             "%s:%d: the header line must name the columns onset, duration and "
                             "trial_type (tab-separated, as BIDS events.tsv)",
                             name, line);
                goto out;
            }
            continue;
        }
        if (nf != ncols) {
            st = set_err(err, CRAMP_EFORMAT, "%s:%d: %zu fields, but the header has %zu columns",
                         name, line, nf, ncols);
            goto out;
        }
        cramp_event e;
        if (parse_double(f[c_on], &e.onset_s)) {
            st = set_err(err, CRAMP_EFORMAT, "%s:%d: onset '%s' is not a number of seconds", name,
                         line, f[c_on]);
            goto out;
        }
        if (!strcmp(f[c_dur], "n/a")) {
            e.duration_s = 0;
        } else if (parse_double(f[c_dur], &e.duration_s) || e.duration_s < 0) {
            st = set_err(err, CRAMP_EFORMAT,
                         "%s:%d: duration '%s' is not a number of seconds >= 0 (or n/a)", name,
                         line, f[c_dur]);
            goto out;
        }
        e.trial_type = f[c_type];
        e.channel = c_ch >= 0 ? f[c_ch] : NULL;
        if (e.channel && !strcmp(e.channel, "n/a")) e.channel = NULL;
        if (t->n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            cramp_event *ne = realloc(t->ev, nc * sizeof *ne);
            if (!ne) {
                st = set_err(err, CRAMP_ENOMEM, "out of memory");
                goto out;
            }
            t->ev = ne;
            cap = nc;
        }
        t->ev[t->n++] = e;
    }
    if (!have_header)
        st = set_err(err, CRAMP_EFORMAT, "%s: no header line (onset, duration, trial_type)", name);
out:
    if (st != CRAMP_OK) {
        cramp_event_table_destroy(t);
        return st;
    }
    *out = t;
    return CRAMP_OK;
}

cramp_status cramp_event_table_parse(cramp_event_table **out, const char *text, const char *name,
                                     cramp_error *err)
{
    if (!out || !text) return set_err(err, CRAMP_EINVAL, "NULL argument");
    *out = NULL;
    char *copy = dupstr(text);
    if (!copy) return set_err(err, CRAMP_ENOMEM, "out of memory");
    return parse_owned(out, copy, name ? name : "events", err);
}

cramp_status cramp_event_table_read(cramp_event_table **out, const char *path, cramp_error *err)
{
    if (!out || !path) return set_err(err, CRAMP_EINVAL, "NULL argument");
    *out = NULL;
    char *buf;
    int open_errno;
    switch (cramp__read_text_file(path, 0, &buf, NULL, &open_errno)) {
    case CRAMP_OK: break;
    case CRAMP_ENOMEM: return set_err(err, CRAMP_ENOMEM, "out of memory reading '%s'", path);
    case CRAMP_EFORMAT:
        return set_err(err, CRAMP_EFORMAT, "%s: holds a NUL byte: not a TSV text file", path);
    default:
        if (open_errno)
            return set_err(err, CRAMP_EIO, "cannot read '%s': %s", path, strerror(open_errno));
        return set_err(err, CRAMP_EIO, "error reading '%s'", path);
    }
    return parse_owned(out, buf, path, err);
}

/* ---- scoring ---------------------------------------------------------------- */

typedef struct conf_entry {
    size_t i, j;  /* internal class indices or NONE */
} conf_entry;

typedef struct night {
    char *name;
    size_t nt, nd;
    size_t *tcls, *dcls;        /* internal class of each event */
    int *tmatched, *dmatched;   /* in-class match */
    size_t npair;
    size_t *pcls;               /* class of each matched pair */
    double *on_err, *off_err;
    size_t nconf;
    conf_entry *conf;
} night;

struct cramp_score {
    cramp_score_config cfg;
    night *nights;
    size_t n_nights, cap_nights;
    char **cls;                 /* internal order: first appearance */
    size_t n_cls, cap_cls;
};

void cramp_score_config_default(cramp_score_config *cfg)
{
    if (!cfg) return;
    cfg->min_iou = 0.2;
    cfg->match_channels = 0;
}

cramp_status cramp_score_create(cramp_score **out, const cramp_score_config *cfg, cramp_error *err)
{
    if (!out) return set_err(err, CRAMP_EINVAL, "NULL out");
    *out = NULL;
    cramp_score_config c;
    cramp_score_config_default(&c);
    if (cfg) c = *cfg;
    if (!(c.min_iou > 0 && c.min_iou <= 1))
        return set_err(err, CRAMP_EINVAL, "min_iou is %g; it must be in (0, 1]", c.min_iou);
    cramp_score *s = calloc(1, sizeof *s);
    if (!s) return set_err(err, CRAMP_ENOMEM, "out of memory");
    s->cfg = c;
    *out = s;
    return CRAMP_OK;
}

static void free_night(night *n)
{
    free(n->name);
    free(n->tcls);
    free(n->dcls);
    free(n->tmatched);
    free(n->dmatched);
    free(n->pcls);
    free(n->on_err);
    free(n->off_err);
    free(n->conf);
}

void cramp_score_destroy(cramp_score *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_nights; i++) free_night(&s->nights[i]);
    free(s->nights);
    for (size_t i = 0; i < s->n_cls; i++) free(s->cls[i]);
    free(s->cls);
    free(s);
}

/* Internal index of class name, added if new; NONE when out of memory. */
static size_t class_index(cramp_score *s, const char *name)
{
    if (!name) name = "n/a";
    for (size_t i = 0; i < s->n_cls; i++)
        if (!strcmp(s->cls[i], name)) return i;
    if (s->n_cls == s->cap_cls) {
        size_t nc = s->cap_cls ? 2 * s->cap_cls : 8;
        char **n = realloc(s->cls, nc * sizeof *n);
        if (!n) return NONE;
        s->cls = n;
        s->cap_cls = nc;
    }
    char *d = dupstr(name);
    if (!d) return NONE;
    s->cls[s->n_cls] = d;
    return s->n_cls++;
}

typedef struct iv {
    double a, b;     /* interval */
    size_t rank;     /* onset order (file order on ties) */
    size_t idx;
    const char *ch;
} iv;

static double iou(const iv *x, const iv *y)
{
    double inter = fmin(x->b, y->b) - fmax(x->a, y->a);
    double uni = fmax(x->b, y->b) - fmin(x->a, y->a);
    if (uni <= 0) return x->a == y->a ? 1 : 0;
    return inter > 0 ? inter / uni : 0;
}

/* Do two comma-separated label lists share a label? Absent lists match. */
static int share_channel(const char *a, const char *b)
{
    if (!a || !*a || !b || !*b) return 1;
    for (const char *p = a; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (const char *q = b; *q;) {
            const char *f = strchr(q, ',');
            size_t m = f ? (size_t)(f - q) : strlen(q);
            if (m == n && !memcmp(p, q, n)) return 1;
            q = f ? f + 1 : q + m;
        }
        p = e ? e + 1 : p + n;
    }
    return 0;
}

typedef struct cand {
    double iou;
    size_t t, d;       /* ranks */
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->iou != y->iou) return x->iou > y->iou ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->d > y->d) - (x->d < y->d);
}

typedef struct ord {
    double onset;
    size_t idx;
} ord;

static int cmp_ord(const void *a, const void *b)
{
    const ord *x = a, *y = b;
    if (x->onset != y->onset) return x->onset < y->onset ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Intervals in onset order (rank = position). */
static iv *rank_events(const cramp_event *e, size_t n)
{
    iv *v = malloc((n ? n : 1) * sizeof *v);
    ord *o = malloc((n ? n : 1) * sizeof *o);
    if (!v || !o) {
        free(v), free(o);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        o[i].onset = e[i].onset_s;
        o[i].idx = i;
    }
    qsort(o, n, sizeof *o, cmp_ord);
    for (size_t r = 0; r < n; r++) {
        const cramp_event *x = &e[o[r].idx];
        double d = x->duration_s > 0 ? x->duration_s : 0; /* NaN and < 0 -> 0 */
        v[r].a = x->onset_s;
        v[r].b = x->onset_s + d;
        v[r].rank = r;
        v[r].idx = o[r].idx;
        v[r].ch = x->channel;
    }
    free(o);
    return v;
}

/* Greedy one-to-one matching of the unmatched truth (tm[r] < 0) and
 * detections (dm[r] < 0) whose classes are equal (same = 1) or differ
 * (same = 0). Matches are written into tm / dm as partner ranks. */
static int greedy(const cramp_score *s, const iv *t, const size_t *tc, long *tm, size_t nt,
                  const iv *d, const size_t *dc, long *dm, size_t nd, int same)
{
    size_t cap = 64, n = 0;
    cand *c = malloc(cap * sizeof *c);
    if (!c) return -1;
    for (size_t i = 0; i < nt; i++) {
        if (tm[i] >= 0) continue;
        for (size_t j = 0; j < nd; j++) {
            if (dm[j] >= 0 || (tc[i] == dc[j]) != same) continue;
            if (s->cfg.match_channels && !share_channel(t[i].ch, d[j].ch)) continue;
            double o = iou(&t[i], &d[j]);
            if (!(o > 0) || o < s->cfg.min_iou) continue;
            if (n == cap) {
                cand *nc = realloc(c, 2 * cap * sizeof *c);
                if (!nc) {
                    free(c);
                    return -1;
                }
                c = nc;
                cap *= 2;
            }
            c[n++] = (cand){o, i, j};
        }
    }
    qsort(c, n, sizeof *c, cmp_cand);
    for (size_t k = 0; k < n; k++) {
        if (tm[c[k].t] >= 0 || dm[c[k].d] >= 0) continue;
        tm[c[k].t] = (long)c[k].d;
        dm[c[k].d] = (long)c[k].t;
    }
    free(c);
    return 0;
}

cramp_status cramp_score_add_night(cramp_score *s, const char *name, const cramp_event *truth,
                                   size_t nt, const cramp_event *det, size_t nd, cramp_error *err)
{
    if (!s || (nt && !truth) || (nd && !det)) return set_err(err, CRAMP_EINVAL, "NULL argument");
    for (size_t i = 0; i < nt; i++)
        if (!isfinite(truth[i].onset_s))
            return set_err(err, CRAMP_EINVAL, "truth event %zu has no finite onset", i + 1);
    for (size_t i = 0; i < nd; i++)
        if (!isfinite(det[i].onset_s))
            return set_err(err, CRAMP_EINVAL, "detected event %zu has no finite onset", i + 1);
    if (s->n_nights == s->cap_nights) {
        size_t nc = s->cap_nights ? 2 * s->cap_nights : 8;
        night *nn = realloc(s->nights, nc * sizeof *nn);
        if (!nn) return set_err(err, CRAMP_ENOMEM, "out of memory");
        s->nights = nn;
        s->cap_nights = nc;
    }
    night n;
    memset(&n, 0, sizeof n);
    n.nt = nt;
    n.nd = nd;
    char buf[32];
    snprintf(buf, sizeof buf, "night %zu", s->n_nights + 1);
    n.name = dupstr(name ? name : buf);
    iv *t = rank_events(truth, nt), *d = rank_events(det, nd);
    size_t *tc = calloc(nt ? nt : 1, sizeof *tc), *dc = calloc(nd ? nd : 1, sizeof *dc);
    long *tm = malloc((nt ? nt : 1) * sizeof *tm), *dm = malloc((nd ? nd : 1) * sizeof *dm);
    n.tcls = malloc((nt ? nt : 1) * sizeof *n.tcls);
    n.dcls = malloc((nd ? nd : 1) * sizeof *n.dcls);
    n.tmatched = calloc(nt ? nt : 1, sizeof *n.tmatched);
    n.dmatched = calloc(nd ? nd : 1, sizeof *n.dmatched);
    n.pcls = malloc((nt ? nt : 1) * sizeof *n.pcls);
    n.on_err = malloc((nt ? nt : 1) * sizeof *n.on_err);
    n.off_err = malloc((nt ? nt : 1) * sizeof *n.off_err);
    n.conf = malloc((nt + nd + 1) * sizeof *n.conf);
    cramp_status st = CRAMP_OK;
    if (!n.name || !t || !d || !tc || !dc || !tm || !dm || !n.tcls || !n.dcls || !n.tmatched ||
        !n.dmatched || !n.pcls || !n.on_err || !n.off_err || !n.conf) {
        st = set_err(err, CRAMP_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < nt; r++) {
        tc[r] = class_index(s, truth[t[r].idx].trial_type);
        tm[r] = -1;
    }
    for (size_t r = 0; r < nd; r++) {
        dc[r] = class_index(s, det[d[r].idx].trial_type);
        dm[r] = -1;
    }
    for (size_t r = 0; r < nt; r++)
        if (tc[r] == NONE) st = CRAMP_ENOMEM;
    for (size_t r = 0; r < nd; r++)
        if (dc[r] == NONE) st = CRAMP_ENOMEM;
    if (st != CRAMP_OK || greedy(s, t, tc, tm, nt, d, dc, dm, nd, 1)) {
        st = set_err(err, CRAMP_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < nt; r++) {
        n.tcls[r] = tc[r];
        if (tm[r] < 0) continue;
        const iv *x = &t[r], *y = &d[tm[r]];
        n.tmatched[r] = 1;
        n.dmatched[tm[r]] = 1;
        n.pcls[n.npair] = tc[r];
        n.on_err[n.npair] = y->a - x->a;
        n.off_err[n.npair] = y->b - x->b;
        n.conf[n.nconf++] = (conf_entry){tc[r], tc[r]};
        n.npair++;
    }
    for (size_t r = 0; r < nd; r++) n.dcls[r] = dc[r];
    /* Confusion between classes among the leftovers. */
    if (greedy(s, t, tc, tm, nt, d, dc, dm, nd, 0)) {
        st = set_err(err, CRAMP_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < nt; r++) {
        if (n.tmatched[r]) continue;
        n.conf[n.nconf++] = (conf_entry){tc[r], tm[r] >= 0 ? dc[tm[r]] : NONE};
    }
    for (size_t r = 0; r < nd; r++)
        if (!n.dmatched[r] && dm[r] < 0) n.conf[n.nconf++] = (conf_entry){NONE, dc[r]};
    s->nights[s->n_nights++] = n;

done:
    if (st != CRAMP_OK) free_night(&n);
    free(t), free(d), free(tc), free(dc), free(tm), free(dm);
    return st;
}

size_t cramp_score_nights(const cramp_score *s) { return s ? s->n_nights : 0; }

const char *cramp_score_night_name(const cramp_score *s, size_t i)
{
    return s && i < s->n_nights ? s->nights[i].name : NULL;
}

size_t cramp_score_classes(const cramp_score *s) { return s ? s->n_cls : 0; }

/* Internal index of public class k: the standard classes first. */
static size_t internal(const cramp_score *s, size_t k)
{
    size_t pos = 0;
    for (size_t q = 0; q < N_STANDARD; q++)
        for (size_t i = 0; i < s->n_cls; i++)
            if (!strcmp(s->cls[i], standard[q])) {
                if (pos == k) return i;
                pos++;
            }
    for (size_t i = 0; i < s->n_cls; i++) {
        int std = 0;
        for (size_t q = 0; q < N_STANDARD; q++) std |= !strcmp(s->cls[i], standard[q]);
        if (std) continue;
        if (pos == k) return i;
        pos++;
    }
    return NONE;
}

const char *cramp_score_class_name(const cramp_score *s, size_t k)
{
    if (!s || k >= s->n_cls) return NULL;
    return s->cls[internal(s, k)];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static void stats(double *x, size_t n, cramp_error_stats *st)
{
    st->n = n;
    if (!n) {
        st->median = st->q1 = st->q3 = st->mean_abs = (double)NAN;
        return;
    }
    qsort(x, n, sizeof *x, cmp_double);
    st->median = quantile(x, n, 0.5);
    st->q1 = quantile(x, n, 0.25);
    st->q3 = quantile(x, n, 0.75);
    double a = 0;
    for (size_t i = 0; i < n; i++) a += fabs(x[i]);
    st->mean_abs = a / (double)n;
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : (double)NAN; }

cramp_status cramp_score_get(const cramp_score *s, size_t nightno, size_t k, cramp_class_score *out)
{
    if (!s || !out || k >= s->n_cls || (nightno != CRAMP_SCORE_POOLED && nightno >= s->n_nights))
        return CRAMP_EINVAL;
    const size_t ci = internal(s, k);
    memset(out, 0, sizeof *out);
    size_t lo = nightno == CRAMP_SCORE_POOLED ? 0 : nightno;
    size_t hi = nightno == CRAMP_SCORE_POOLED ? s->n_nights : nightno + 1;
    size_t np = 0;
    for (size_t i = lo; i < hi; i++) {
        const night *n = &s->nights[i];
        for (size_t r = 0; r < n->nt; r++)
            if (n->tcls[r] == ci) {
                out->n_truth++;
                if (n->tmatched[r]) out->tp++; else out->fn++;
            }
        for (size_t r = 0; r < n->nd; r++)
            if (n->dcls[r] == ci) {
                out->n_detected++;
                if (!n->dmatched[r]) out->fp++;
            }
        for (size_t r = 0; r < n->npair; r++) np += n->pcls[r] == ci;
    }
    out->precision = ratio(out->tp, out->tp + out->fp);
    out->recall = ratio(out->tp, out->tp + out->fn);
    out->f1 = ratio(2 * out->tp, 2 * out->tp + out->fp + out->fn);
    double *on = malloc((np ? np : 1) * sizeof *on), *off = malloc((np ? np : 1) * sizeof *off);
    if (!on || !off) {
        free(on), free(off);
        return CRAMP_ENOMEM;
    }
    size_t j = 0;
    for (size_t i = lo; i < hi; i++) {
        const night *n = &s->nights[i];
        for (size_t r = 0; r < n->npair; r++)
            if (n->pcls[r] == ci) {
                on[j] = n->on_err[r];
                off[j] = n->off_err[r];
                j++;
            }
    }
    stats(on, np, &out->onset);
    stats(off, np, &out->offset);
    free(on), free(off);
    return CRAMP_OK;
}

size_t cramp_score_confusion(const cramp_score *s, size_t nightno, size_t i, size_t j)
{
    if (!s || i > s->n_cls || j > s->n_cls ||
        (nightno != CRAMP_SCORE_POOLED && nightno >= s->n_nights))
        return 0;
    const size_t ci = i == s->n_cls ? NONE : internal(s, i);
    const size_t cj = j == s->n_cls ? NONE : internal(s, j);
    size_t lo = nightno == CRAMP_SCORE_POOLED ? 0 : nightno;
    size_t hi = nightno == CRAMP_SCORE_POOLED ? s->n_nights : nightno + 1;
    size_t count = 0;
    for (size_t k = lo; k < hi; k++) {
        const night *n = &s->nights[k];
        for (size_t e = 0; e < n->nconf; e++) count += n->conf[e].i == ci && n->conf[e].j == cj;
    }
    return count;
}
