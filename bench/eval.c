/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See eval.h. */
#define _POSIX_C_SOURCE 200809L
#include "eval.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void free_events(cramp_event *e, size_t n)
{
    if (!e) return;
    for (size_t i = 0; i < n; i++) free((char *)e[i].channel);
    free(e);
}

void eval_night_free(night_result *r)
{
    free_events(r->truth, r->n_truth);
    free_events(r->ours, r->n_ours);
    free_events(r->plain, r->n_plain);
    memset(r, 0, sizeof *r);
}

const eval_split eval_splits[3] = {
    {"development", 1, 9999},
    {"validation", 10000, 19999},
    {"evaluation", 20000, 29999},
};

const eval_split *eval_split_find(const char *name)
{
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(eval_splits[i].name, name)) return &eval_splits[i];
    return NULL;
}

const char *eval_split_of(uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < 3; i++)
        if (lo >= eval_splits[i].lo && hi <= eval_splits[i].hi) return eval_splits[i].name;
    return "mixed";
}

int eval_parse_range(const char *s, uint64_t *lo, uint64_t *hi)
{
    char *end;
    unsigned long long a = strtoull(s, &end, 10);
    if (end == s || *end != '-') return -1;
    const char *t = end + 1;
    unsigned long long b = strtoull(t, &end, 10);
    if (end == t || *end || b < a) return -1;
    *lo = a;
    *hi = b;
    return 0;
}

void eval_commit(const char *given, char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    if (given) {
        snprintf(out, cap, "%s", given);
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "git -C '%s' describe --always --dirty --tags 2>&1",
             CRAMP_BENCH_SOURCE_DIR);
    FILE *p = popen(cmd, "r");
    if (!p) return;
    char line[256] = "";
    int ok = fgets(line, sizeof line, p) != NULL;
    int rc = pclose(p);
    line[strcspn(line, "\r\n")] = 0;
    if (!(ok && rc == 0 && line[0])) return;
    snprintf(out, cap, "%s", line);
    /* an evaluation run appends to the ledger (a tracked file): a tree whose
       only change is that is not "dirty" code */
    size_t len = strlen(line);
    if (len < 6 || strcmp(line + len - 6, "-dirty")) return;
    snprintf(cmd, sizeof cmd, "git -C '%s' status --porcelain --untracked-files=no 2>&1",
             CRAMP_BENCH_SOURCE_DIR);
    if (!(p = popen(cmd, "r"))) return;
    char st[512];
    int only_ledger = 1, any = 0;
    while (fgets(st, sizeof st, p)) {
        any = 1;
        st[strcspn(st, "\r\n")] = 0;
        if (strlen(st) < 4 || strcmp(st + 3, EVAL_LEDGER_IN_TREE)) only_ledger = 0;
    }
    if (pclose(p) == 0 && any && only_ledger)
        snprintf(out, cap, "%.*s (the ledger changed)", (int)(len - 6), line);
}

/* ---- rules_id ------------------------------------------------------------- */

void eval_config_hash(const cramp_detect_config *cfg, char out[CRAMP_DETECT_RULES_ID_SIZE])
{
    if (!cramp_detect_rules_id(cfg, out)) snprintf(out, CRAMP_DETECT_RULES_ID_SIZE, "unknown");
}

void eval_print_set_lines(FILE *f, const char *lines)
{
    while (lines && *lines) {
        const size_t n = strcspn(lines, "\n");
        fprintf(f, "# set (--set): %.*s\n", (int)n, lines);
        lines += n + (lines[n] == '\n');
    }
}

void eval_print_header(FILE *f, const char *tool, const char *commit, const char *split,
                       const char *seeds, const eval_boot_config *boot, const char *config_hash,
                       const char *plain_desc, const char *held_out)
{
    fprintf(f, "# tool: %s\n", tool);
    fprintf(f, "# commit: %s\n", commit);
    fprintf(f, "# split: %s\n", split);
    fprintf(f, "# seeds: %s\n", seeds);
    fprintf(f, "# bootstrap: %zu resamples over nights, seed %llu, percentile 95 %% interval\n",
            boot->resamples, (unsigned long long)boot->seed);
    fprintf(f, "# rules_id: %s (cramp_detect_rules_id: the classifier's rule table and every "
               "detector constant and configuration value but fs and simd; bench/README.md)\n",
            config_hash);
    if (held_out) fprintf(f, "# held_out: %s\n", held_out);
    if (plain_desc) fprintf(f, "# plain: %s\n", plain_desc);
    fprintf(f, "# flag: n<10 = fewer than 10 true events of the class in the row\n");
}

/* ---- the evaluation ledger ----------------------------------------------- */

static int ledger_field_u64(const char *path, size_t line, const char *name, const char *s,
                            uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || s[0] == '-') {
        fprintf(stderr, "%s:%zu: %s: expected a seed (a whole number), got '%s'\n", path, line,
                name, s);
        return -1;
    }
    *out = v;
    return 0;
}

int eval_ledger_read(const char *path, eval_ledger_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : (perror(path), -1);
    char buf[1024];
    size_t line = 0, cap = 0;
    int rc = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0] || buf[0] == '#' || !strncmp(buf, "first_seed\t", 11)) continue;
        char *fld[5], *save = NULL, *t = buf;
        size_t k = 0;
        for (char *tok; k < 5 && (tok = strtok_r(t, "\t", &save)); t = NULL) fld[k++] = tok;
        if (k < 5) {
            fprintf(stderr, "%s:%zu: expected 5 tab-separated fields (first_seed, last_seed, "
                            "rules_id, commit, date), got %zu\n", path, line, k);
            rc = -1;
            break;
        }
        eval_ledger_row r;
        memset(&r, 0, sizeof r);
        if (ledger_field_u64(path, line, "first_seed", fld[0], &r.lo) ||
            ledger_field_u64(path, line, "last_seed", fld[1], &r.hi)) {
            rc = -1;
            break;
        }
        if (r.hi < r.lo || strlen(fld[2]) != CRAMP_DETECT_RULES_ID_SIZE - 1 ||
            strspn(fld[2], "0123456789abcdef") != CRAMP_DETECT_RULES_ID_SIZE - 1) {
            fprintf(stderr, "%s:%zu: %s\n", path, line,
                    r.hi < r.lo ? "last_seed is below first_seed"
                                : "rules_id: expected 16 lower-case hex digits");
            rc = -1;
            break;
        }
        memcpy(r.rules_id, fld[2], CRAMP_DETECT_RULES_ID_SIZE);
        snprintf(r.commit, sizeof r.commit, "%s", fld[3]);
        snprintf(r.date, sizeof r.date, "%s", fld[4]);
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            eval_ledger_row *g = realloc(*rows, cap * sizeof *g);
            if (!g) {
                rc = -1;
                break;
            }
            *rows = g;
        }
        (*rows)[(*n)++] = r;
    }
    if (!rc && ferror(f)) {
        fprintf(stderr, "%s: read error\n", path);
        rc = -1;
    }
    fclose(f);
    if (rc) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

static uint64_t first_unspent(const eval_ledger_row *rows, size_t n, const char *rules_id)
{
    uint64_t s = eval_split_find("evaluation")->lo;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].rules_id, rules_id) && rows[i].hi >= s) s = rows[i].hi + 1;
    return s;
}

int eval_ledger_first_unspent(const char *path, const char *rules_id, uint64_t *seed)
{
    eval_ledger_row *rows;
    size_t n;
    if (eval_ledger_read(path, &rows, &n)) return -1;
    *seed = first_unspent(rows, n, rules_id);
    free(rows);
    return 0;
}

int eval_ledger_claim(const char *path, uint64_t lo, uint64_t hi, const char *rules_id,
                      const char *commit, int rerun_spent, char *held_out, size_t cap)
{
    const eval_split *ev = eval_split_find("evaluation");
    if (hi < ev->lo || lo > ev->hi) {
        const char *sp = eval_split_of(lo, hi);
        snprintf(held_out, cap, "no (%s seeds: rules may be chosen on them; bench/README.md, "
                                "\"Seed splits\")", sp);
        return 0;
    }
    uint64_t a = lo < ev->lo ? ev->lo : lo, b = hi > ev->hi ? ev->hi : hi;
    eval_ledger_row *rows;
    size_t n;
    if (eval_ledger_read(path, &rows, &n)) return 2;
    const eval_ledger_row *spent = NULL, *mine = NULL;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].hi < a || rows[i].lo > b) continue;
        if (strcmp(rows[i].rules_id, rules_id)) {
            if (!spent) spent = &rows[i];
        } else if (rows[i].lo <= a && rows[i].hi >= b)
            mine = &rows[i];
    }
    int rc = 0;
    if (spent && !rerun_spent) {
        uint64_t next = first_unspent(rows, n, rules_id);
        fprintf(stderr,
                "evaluation seeds %llu-%llu were spent by rules %s (commit %s, %s; %s): a "
                "figure on them is not held out for rules %s. Use seeds from %llu "
                "(--split evaluation picks them), or --rerun-spent to measure anyway (the "
                "table then says held_out: no)\n",
                (unsigned long long)spent->lo, (unsigned long long)spent->hi, spent->rules_id,
                spent->commit, spent->date, path, rules_id, (unsigned long long)next);
        rc = 2;
    } else if (spent) {
        snprintf(held_out, cap,
                 "no (re-measure: evaluation seeds %llu-%llu were spent by rules %s, commit "
                 "%s, %s)",
                 (unsigned long long)spent->lo, (unsigned long long)spent->hi, spent->rules_id,
                 spent->commit, spent->date);
    } else {
        snprintf(held_out, cap,
                 "yes (evaluation seeds %llu-%llu, run by no other rules id before; %s)",
                 (unsigned long long)a, (unsigned long long)b, path);
        if (!mine) {
            char date[16] = "unknown";
            time_t now = time(NULL);
            struct tm tm;
            if (gmtime_r(&now, &tm)) strftime(date, sizeof date, "%Y-%m-%d", &tm);
            FILE *f = fopen(path, "a");
            int bad = !f;
            if (f) {
                bad = fprintf(f, "%llu\t%llu\t%s\t%s\t%s\n", (unsigned long long)a,
                              (unsigned long long)b, rules_id, commit, date) < 0;
                bad |= fclose(f) != 0;
            }
            if (bad) {
                fprintf(stderr, "%s: cannot record the evaluation seeds: %s\n", path,
                        strerror(errno));
                rc = 1;
            } else
                fprintf(stderr, "recorded evaluation seeds %llu-%llu for rules %s in %s\n",
                        (unsigned long long)a, (unsigned long long)b, rules_id, path);
        }
    }
    free(rows);
    return rc;
}

/* ---- tallies ----------------------------------------------------------------- */

int eval_tally_init(eval_tally *t, const cramp_score_config *scfg)
{
    memset(t, 0, sizeof *t);
    return cramp_score_create(&t->pooled, scfg, NULL) == CRAMP_OK ? 0 : -1;
}

void eval_tally_free(eval_tally *t)
{
    if (!t) return;
    for (size_t k = 0; k < t->n_classes; k++) free(t->classes[k]);
    free(t->night);
    cramp_score_destroy(t->pooled);
    memset(t, 0, sizeof *t);
}

int eval_tally_class(const eval_tally *t, const char *name)
{
    for (size_t k = 0; k < t->n_classes; k++)
        if (!strcmp(t->classes[k], name)) return (int)k;
    return -1;
}

int eval_tally_add(eval_tally *t, const char *name, const cramp_event *truth, size_t n_truth,
                   const cramp_event *det, size_t n_det)
{
    cramp_score_config scfg;
    cramp_score_config_default(&scfg);
    cramp_score *s = NULL;
    if (cramp_score_create(&s, &scfg, NULL) != CRAMP_OK) return -1;
    if (cramp_score_add_night(s, name, truth, n_truth, det, n_det, NULL) != CRAMP_OK ||
        cramp_score_add_night(t->pooled, name, truth, n_truth, det, n_det, NULL) != CRAMP_OK) {
        cramp_score_destroy(s);
        return -1;
    }
    if (t->n_nights == t->cap_nights) {
        size_t cap = t->cap_nights ? 2 * t->cap_nights : 16;
        void *p = realloc(t->night, cap * sizeof *t->night);
        if (!p) {
            cramp_score_destroy(s);
            return -1;
        }
        t->night = p;
        t->cap_nights = cap;
    }
    eval_counts *row = t->night[t->n_nights];
    memset(row, 0, sizeof t->night[0]);
    for (size_t k = 0; k < cramp_score_classes(s); k++) {
        const char *cls = cramp_score_class_name(s, k);
        int j = eval_tally_class(t, cls);
        if (j < 0) {
            if (t->n_classes == EVAL_MAX_CLASSES) continue;
            size_t len = strlen(cls) + 1;
            t->classes[t->n_classes] = malloc(len);
            if (!t->classes[t->n_classes]) continue;
            memcpy(t->classes[t->n_classes], cls, len);
            j = (int)t->n_classes++;
        }
        cramp_class_score r;
        if (cramp_score_get(s, 0, k, &r) != CRAMP_OK) continue;
        row[j] = (eval_counts){(unsigned)r.n_truth, (unsigned)r.tp, (unsigned)r.fp,
                               (unsigned)r.fn};
    }
    t->n_nights++;
    cramp_score_destroy(s);
    return 0;
}

eval_counts eval_tally_sum(const eval_tally *t, int k, const unsigned *w)
{
    eval_counts c = {0, 0, 0, 0};
    if (k < 0) return c;
    for (size_t i = 0; i < t->n_nights; i++) {
        unsigned m = w ? w[i] : 1;
        if (!m) continue;
        const eval_counts *x = &t->night[i][k];
        c.n_truth += m * x->n_truth;
        c.tp += m * x->tp;
        c.fp += m * x->fp;
        c.fn += m * x->fn;
    }
    return c;
}

void eval_prf_point(eval_counts c, double *p, double *r, double *f1)
{
    *p = c.tp + c.fp ? (double)c.tp / (c.tp + c.fp) : ((double)NAN);
    *r = c.tp + c.fn ? (double)c.tp / (c.tp + c.fn) : ((double)NAN);
    *f1 = c.tp + c.fp + c.fn ? 2.0 * c.tp / (2.0 * c.tp + c.fp + c.fn) : ((double)NAN);
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias. */
static size_t draw(uint64_t *s, size_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = splitmix64(s);
    while (x >= lim);
    return (size_t)(x % n);
}

static void resample(uint64_t *rng, size_t n, unsigned *w)
{
    memset(w, 0, n * sizeof *w);
    for (size_t i = 0; i < n; i++) w[draw(rng, n)]++;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* numpy.percentile's default (linear) on the finite values of v[0..n);
 * sorts v. ((double)NAN) when none is finite. */
static void percentiles(double *v, size_t n, double *lo, double *hi)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) v[m++] = v[i];
    if (!m) {
        *lo = *hi = ((double)NAN);
        return;
    }
    qsort(v, m, sizeof *v, cmp_double);
    double q[2] = {0.025, 0.975}, *out[2] = {lo, hi};
    for (int j = 0; j < 2; j++) {
        double pos = q[j] * (double)(m - 1);
        size_t a = (size_t)floor(pos);
        size_t b = a + 1 < m ? a + 1 : a;
        *out[j] = v[a] + (pos - (double)a) * (v[b] - v[a]);
    }
}

void eval_bootstrap(const eval_tally *t, const char *cls, const eval_boot_config *boot,
                    eval_prf *out)
{
    int k = eval_tally_class(t, cls);
    out->sum = eval_tally_sum(t, k, NULL);
    eval_prf_point(out->sum, &out->p, &out->r, &out->f1);
    out->p_lo = out->p_hi = out->r_lo = out->r_hi = out->f1_lo = out->f1_hi = ((double)NAN);
    size_t B = boot->resamples, n = t->n_nights;
    if (!B || !n || k < 0) return;
    double *v = malloc(3 * B * sizeof *v);
    unsigned *w = malloc(n * sizeof *w);
    if (!v || !w) {
        free(v);
        free(w);
        return;
    }
    uint64_t rng = boot->seed;
    for (size_t b = 0; b < B; b++) {
        resample(&rng, n, w);
        eval_prf_point(eval_tally_sum(t, k, w), &v[b], &v[B + b], &v[2 * B + b]);
    }
    percentiles(v, B, &out->p_lo, &out->p_hi);
    percentiles(v + B, B, &out->r_lo, &out->r_hi);
    percentiles(v + 2 * B, B, &out->f1_lo, &out->f1_hi);
    free(v);
    free(w);
}

void eval_summarize(eval_tally *const *tallies, size_t nv, const char *cls,
                    const eval_boot_config *boot, eval_summary *out)
{
    memset(out, 0, sizeof *out);
    for (int j = 0; j < 3; j++) {
        out->worst_index[j] = -1;
        out->mean[j] = out->mean_lo[j] = out->mean_hi[j] = ((double)NAN);
        out->worst[j] = out->worst_lo[j] = out->worst_hi[j] = ((double)NAN);
    }
    /* point figures */
    double sum[3] = {0, 0, 0};
    size_t cnt[3] = {0, 0, 0};
    for (size_t v = 0; v < nv; v++) {
        int k = eval_tally_class(tallies[v], cls);
        eval_counts c = eval_tally_sum(tallies[v], k, NULL);
        if (!c.n_truth) continue;
        out->n_used++;
        double f[3];
        eval_prf_point(c, &f[0], &f[1], &f[2]);
        for (int j = 0; j < 3; j++) {
            if (isnan(f[j])) continue;
            sum[j] += f[j];
            cnt[j]++;
            if (out->worst_index[j] < 0 || f[j] < out->worst[j]) {
                out->worst[j] = f[j];
                out->worst_index[j] = (int)v;
            }
        }
    }
    for (int j = 0; j < 3; j++)
        if (cnt[j]) out->mean[j] = sum[j] / (double)cnt[j];
    size_t B = boot->resamples;
    if (!B || !out->n_used) return;
    size_t maxn = 1;
    for (size_t v = 0; v < nv; v++)
        if (tallies[v]->n_nights > maxn) maxn = tallies[v]->n_nights;
    double *mv = malloc(6 * B * sizeof *mv);
    unsigned *w = malloc(maxn * sizeof *w);
    if (!mv || !w) {
        free(mv);
        free(w);
        return;
    }
    uint64_t rng = boot->seed;
    for (size_t b = 0; b < B; b++) {
        double s[3] = {0, 0, 0}, mn[3] = {INFINITY, INFINITY, INFINITY};
        size_t c[3] = {0, 0, 0};
        for (size_t v = 0; v < nv; v++) {
            const eval_tally *t = tallies[v];
            int k = eval_tally_class(t, cls);
            if (!eval_tally_sum(t, k, NULL).n_truth) continue;
            resample(&rng, t->n_nights, w);
            double f[3];
            eval_prf_point(eval_tally_sum(t, k, w), &f[0], &f[1], &f[2]);
            for (int j = 0; j < 3; j++) {
                if (isnan(f[j])) continue;
                s[j] += f[j];
                c[j]++;
                if (f[j] < mn[j]) mn[j] = f[j];
            }
        }
        for (size_t j = 0; j < 3; j++) {
            mv[j * B + b] = c[j] ? s[j] / (double)c[j] : ((double)NAN);
            mv[(3 + j) * B + b] = c[j] ? mn[j] : ((double)NAN);
        }
    }
    for (size_t j = 0; j < 3; j++) {
        percentiles(mv + j * B, B, &out->mean_lo[j], &out->mean_hi[j]);
        percentiles(mv + (3 + j) * B, B, &out->worst_lo[j], &out->worst_hi[j]);
    }
    free(mv);
    free(w);
}

const char *eval_flag(unsigned n_truth)
{
    return !n_truth ? "no-truth" : n_truth < 10 ? "n<10" : "ok";
}

void eval_put(FILE *f, double v)
{
    if (isnan(v))
        fputs("NA", f);
    else
        fprintf(f, "%.3f", v);
}
