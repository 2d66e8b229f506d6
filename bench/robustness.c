/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See robustness.h; the variants file format is in bench/README.md. */
#define _POSIX_C_SOURCE 200809L
#include "robustness.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ELEMS 8
#define MAX_SPECS 32
#define MAX_VARIANTS 256
#define MAX_AXES 32

/* One value of a key: a number, a range drawn uniformly (log: on a log
 * scale) or a choice among up to 8 numbers (a|b|c); rounded to an integer
 * when the key takes only integers (found by asking the scenario parser). */
#define MAX_OPTS 8
typedef struct elem {
    double lo, hi;
    int is_range, is_int, is_log;
    size_t n_opts;
    double opts[MAX_OPTS];
} elem;

/* key=ELEM[,ELEM...]: the elements are the key's values, in order. */
typedef struct spec {
    char key[64];
    size_t n;
    elem e[MAX_ELEMS];
} spec;

typedef struct variant {
    char name[160];
    size_t n;
    spec s[MAX_SPECS];
} variant;

typedef struct vfile {
    char base[1024];
    size_t nights, quick_nights;
    double minutes, quick_minutes;
    spec set[MAX_SPECS];
    size_t n_set;
    spec axis[MAX_AXES];
    size_t steps[MAX_AXES], n_axes;
    size_t n_random;
    uint64_t random_seed;
    variant *v; /* explicit variants, then filled with the generated ones */
    size_t n_v;
} vfile;

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) from a 64-bit state. */
static double unif(uint64_t *s)
{
    *s = mix(*s);
    return (double)(*s >> 11) * 0x1.0p-53;
}

static int parse_elem(const char *t, size_t len, elem *e)
{
    memset(e, 0, sizeof *e);
    char buf[128];
    if (len >= sizeof buf) return -1;
    memcpy(buf, t, len);
    buf[len] = 0;
    char *p = buf;
    char *end;
    if (strchr(p, '|')) {
        for (;;) {
            size_t n = strcspn(p, "|");
            char save = p[n];
            p[n] = 0;
            if (e->n_opts == MAX_OPTS) return -1;
            e->opts[e->n_opts++] = strtod(p, &end);
            if (end == p || *end) return -1;
            if (!save) break;
            p += n + 1;
        }
        e->is_range = 1;
        e->lo = e->opts[0];
        e->hi = e->opts[e->n_opts - 1];
        return 0;
    }
    if (!strncmp(p, "log:", 4)) {
        e->is_log = 1;
        p += 4;
    }
    char *dots = strstr(p, "..");
    if (dots) {
        *dots = 0;
        e->lo = strtod(p, &end);
        if (end == p || *end) return -1;
        char *q = dots + 2;
        e->hi = strtod(q, &end);
        if (end == q || *end || !(e->hi >= e->lo)) return -1;
        e->is_range = 1;
        if (e->is_log && !(e->lo > 0)) return -1;
    } else {
        e->lo = e->hi = strtod(p, &end);
        if (end == p || *end) return -1;
        if (e->is_log) return -1;
    }
    return 0;
}

/* Marks the elements of an integer-only key: the key accepts its lower
 * values but not the same values plus 0.5. */
static void probe_int(spec *s)
{
    char a[512], b[512];
    size_t la = (size_t)snprintf(a, sizeof a, "%s", s->key), lb = la;
    snprintf(b, sizeof b, "%s", s->key);
    int differs = 0;
    for (size_t j = 0; j < s->n && la < sizeof a && lb < sizeof b; j++) {
        double x = s->e[j].lo, y = x;
        if (s->e[j].is_range && !s->e[j].n_opts && x + 0.5 <= s->e[j].hi) {
            y = x + 0.5;
            differs = 1;
        }
        la += (size_t)snprintf(a + la, sizeof a - la, " %.17g", x);
        lb += (size_t)snprintf(b + lb, sizeof b - lb, " %.17g", y);
    }
    if (!differs) return;
    strncat(a, "\n", sizeof a - strlen(a) - 1);
    strncat(b, "\n", sizeof b - strlen(b) - 1);
    cramp_scenario t;
    cramp_scenario_default(&t);
    int ok_a = cramp_scenario_parse(&t, a, NULL) == CRAMP_OK;
    int ok_b = cramp_scenario_parse(&t, b, NULL) == CRAMP_OK;
    if (ok_a && !ok_b)
        for (size_t j = 0; j < s->n; j++) s->e[j].is_int = 1;
}

static int parse_spec(const char *tok, spec *s)
{
    memset(s, 0, sizeof *s);
    const char *eq = strchr(tok, '=');
    if (!eq || eq == tok || (size_t)(eq - tok) >= sizeof s->key) return -1;
    memcpy(s->key, tok, (size_t)(eq - tok));
    const char *p = eq + 1;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (s->n == MAX_ELEMS || parse_elem(p, len, &s->e[s->n++])) return -1;
        if (!p[len]) break;
        p += len + 1;
    }
    probe_int(s);
    return 0;
}

/* A value of e at fraction u in [0, 1] of its range. */
static double at(const elem *e, double u)
{
    if (!e->is_range) return e->lo;
    if (e->n_opts) {
        size_t i = (size_t)(u * (double)e->n_opts);
        return e->opts[i < e->n_opts ? i : e->n_opts - 1];
    }
    double v = e->is_log ? exp(log(e->lo) + u * (log(e->hi) - log(e->lo)))
                         : e->lo + u * (e->hi - e->lo);
    if (e->is_int) v = floor(v + 0.5);
    return v;
}

static void fix(spec *s, const double *u)
{
    for (size_t j = 0; j < s->n; j++) {
        double v = at(&s->e[j], u[j]);
        s->e[j].lo = s->e[j].hi = v;
        s->e[j].is_range = 0;
    }
}

static void spec_text(const spec *s, char *buf, size_t cap, int as_line)
{
    size_t len = (size_t)snprintf(buf, cap, "%s%s", s->key, as_line ? "" : "=");
    for (size_t j = 0; j < s->n && len < cap; j++) {
        const elem *e = &s->e[j];
        const char *sep = j ? (as_line ? " " : ",") : (as_line ? " " : "");
        if (e->is_range && e->n_opts) {
            len += (size_t)snprintf(buf + len, cap - len, "%s", sep);
            for (size_t q = 0; q < e->n_opts && len < cap; q++)
                len += (size_t)snprintf(buf + len, cap - len, "%s%.6g", q ? "|" : "", e->opts[q]);
        } else if (e->is_range)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s%.6g..%.6g", sep,
                                    e->is_log ? "log:" : "", e->lo, e->hi);
        else if (e->is_int)
            len += (size_t)snprintf(buf + len, cap - len, "%s%.0f", sep, e->lo);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%s%.6g", sep, e->lo);
    }
}

static variant *new_variant(vfile *f)
{
    if (f->n_v == MAX_VARIANTS) return NULL;
    variant *v = &f->v[f->n_v++];
    memset(v, 0, sizeof *v);
    return v;
}

static int load(const char *path, vfile *f)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    f->nights = 10;
    f->minutes = 60;
    f->quick_nights = 1;
    f->quick_minutes = 10;
    f->random_seed = 1;
    char line[4096];
    int ln = 0, bad = 0;
    while (!bad && fgets(line, sizeof line, in)) {
        ln++;
        line[strcspn(line, "#\r\n")] = 0;
        char *tok[64];
        size_t nt = 0;
        for (char *p = strtok(line, " \t"); p && nt < 64; p = strtok(NULL, " \t")) tok[nt++] = p;
        if (!nt) continue;
        const char *k = tok[0];
        if (!strcmp(k, "base") && nt == 2) {
            const char *slash = strrchr(path, '/');
            if (tok[1][0] == '/' || !slash)
                snprintf(f->base, sizeof f->base, "%s", tok[1]);
            else
                snprintf(f->base, sizeof f->base, "%.*s/%s", (int)(slash - path), path, tok[1]);
        } else if (!strcmp(k, "nights") && nt == 2 && atol(tok[1]) > 0) {
            f->nights = (size_t)atol(tok[1]);
        } else if (!strcmp(k, "minutes") && nt == 2 && atof(tok[1]) > 0) {
            f->minutes = atof(tok[1]);
        } else if (!strcmp(k, "quick") && nt == 3 && atol(tok[1]) > 0 && atof(tok[2]) > 0) {
            f->quick_nights = (size_t)atol(tok[1]);
            f->quick_minutes = atof(tok[2]);
        } else if (!strcmp(k, "set") && nt >= 2) {
            for (size_t j = 1; j < nt && !bad; j++)
                bad = f->n_set == MAX_SPECS || parse_spec(tok[j], &f->set[f->n_set++]);
        } else if (!strcmp(k, "axis") && (nt == 2 || nt == 3) && f->n_axes < MAX_AXES) {
            size_t steps = 3;
            if (nt == 3) {
                if (strncmp(tok[2], "steps=", 6) || atol(tok[2] + 6) < 2) bad = 1;
                else steps = (size_t)atol(tok[2] + 6);
            }
            if (!bad) bad = parse_spec(tok[1], &f->axis[f->n_axes]);
            int ranged = 0;
            for (size_t j = 0; !bad && j < f->axis[f->n_axes].n; j++)
                ranged |= f->axis[f->n_axes].e[j].is_range;
            if (!bad && !ranged) bad = 1;
            f->steps[f->n_axes++] = steps;
        } else if (!strcmp(k, "random") && (nt == 2 || nt == 3)) {
            f->n_random = (size_t)atol(tok[1]);
            if (nt == 3) {
                if (strncmp(tok[2], "seed=", 5)) bad = 1;
                else f->random_seed = strtoull(tok[2] + 5, NULL, 10);
            }
        } else if (!strcmp(k, "variant") && nt >= 2) {
            variant *v = new_variant(f);
            if (!v) bad = 1;
            else snprintf(v->name, sizeof v->name, "%s", tok[1]);
            for (size_t j = 2; j < nt && !bad; j++)
                bad = v->n == MAX_SPECS || parse_spec(tok[j], &v->s[v->n++]);
        } else {
            bad = 1;
        }
        if (bad) fprintf(stderr, "%s:%d: cannot read '%s' (bench/README.md, Robustness)\n", path,
                         ln, k);
    }
    fclose(in);
    if (bad) return -1;
    if (!f->base[0]) {
        fprintf(stderr, "%s: no 'base SCENARIO' line\n", path);
        return -1;
    }
    return 0;
}

/* The sweeps and random variants, after the explicit ones: the base itself,
 * each axis at `steps` evenly spaced points (others at the base), then
 * n_random points drawn over every axis at once. */
static int generate(vfile *f)
{
    variant explicit_v[MAX_VARIANTS / 4];
    size_t n_exp = f->n_v < MAX_VARIANTS / 4 ? f->n_v : MAX_VARIANTS / 4;
    memcpy(explicit_v, f->v, n_exp * sizeof *f->v);
    f->n_v = 0;
    variant *v = new_variant(f);
    snprintf(v->name, sizeof v->name, "base");
    for (size_t a = 0; a < f->n_axes; a++) {
        size_t opts = 0; /* a choice axis: one step per option */
        for (size_t j = 0; j < f->axis[a].n; j++)
            if (f->axis[a].e[j].n_opts > opts) opts = f->axis[a].e[j].n_opts;
        if (opts) f->steps[a] = opts;
        for (size_t i = 0; i < f->steps[a]; i++) {
            if (!(v = new_variant(f))) return -1;
            v->n = 1;
            v->s[0] = f->axis[a];
            double u[MAX_ELEMS];
            for (size_t j = 0; j < MAX_ELEMS; j++) {
                const elem *e = j < f->axis[a].n ? &f->axis[a].e[j] : NULL;
                /* a choice of n options: option i at (i + 0.5) / n */
                u[j] = e && e->n_opts ? ((double)i + 0.5) / (double)f->steps[a]
                                      : (double)i / (double)(f->steps[a] > 1 ? f->steps[a] - 1 : 1);
            }
            fix(&v->s[0], u);
            char t[128];
            spec_text(&v->s[0], t, sizeof t, 0);
            snprintf(v->name, sizeof v->name, "sweep:%s", t);
        }
    }
    uint64_t rng = f->random_seed;
    for (size_t r = 0; r < f->n_random; r++) {
        if (!(v = new_variant(f))) return -1;
        snprintf(v->name, sizeof v->name, "random-%zu", r + 1);
        for (size_t a = 0; a < f->n_axes; a++) {
            v->s[v->n] = f->axis[a];
            double u[MAX_ELEMS];
            for (size_t j = 0; j < MAX_ELEMS; j++) u[j] = unif(&rng);
            fix(&v->s[v->n++], u);
        }
    }
    for (size_t e = 0; e < n_exp; e++) {
        if (!(v = new_variant(f))) return -1;
        *v = explicit_v[e];
    }
    return 0;
}

/* Applies specs to sc; ranges still open are drawn from *rng. */
static int apply(cramp_scenario *sc, const spec *s, size_t n, uint64_t *rng, char *desc,
                 size_t dcap)
{
    for (size_t i = 0; i < n; i++) {
        spec d = s[i];
        double u[MAX_ELEMS];
        for (size_t j = 0; j < MAX_ELEMS; j++) u[j] = unif(rng);
        fix(&d, u);
        char line[512];
        spec_text(&d, line, sizeof line - 1, 1);
        strcat(line, "\n");
        cramp_error err;
        memset(&err, 0, sizeof err);
        if (cramp_scenario_parse(sc, line, &err) != CRAMP_OK) {
            fprintf(stderr, "override '%s': %s\n", s[i].key, err.message);
            return -1;
        }
        if (desc) {
            size_t len = strlen(desc);
            line[strcspn(line, "\n")] = 0;
            snprintf(desc + len, dcap - len, "%s%s", len ? "; " : "", line);
        }
    }
    return 0;
}

static void print_row(const char *vname, const char *det, const char *cls, const eval_tally *t,
                      const eval_boot_config *boot)
{
    eval_prf r;
    eval_bootstrap(t, cls, boot, &r);
    double onset = ((double)NAN);
    for (size_t k = 0; k < cramp_score_classes(t->pooled); k++) {
        cramp_class_score cs;
        if (!strcmp(cramp_score_class_name(t->pooled, k), cls) &&
            cramp_score_get(t->pooled, CRAMP_SCORE_POOLED, k, &cs) == CRAMP_OK && cs.tp)
            onset = cs.onset.median;
    }
    printf("%s\t%s\t%s\t%zu\t%u\t%u\t%u\t%u\t", vname, det, cls, t->n_nights, r.sum.n_truth,
           r.sum.tp, r.sum.fp, r.sum.fn);
    const double v[10] = {r.p, r.p_lo, r.p_hi, r.r, r.r_lo, r.r_hi, r.f1, r.f1_lo, r.f1_hi, onset};
    for (int j = 0; j < 10; j++) {
        eval_put(stdout, v[j]);
        putchar('\t');
    }
    printf("%s\n", eval_flag(r.sum.n_truth));
}

static void add_class(char (*cls)[32], size_t *n, const eval_tally *t)
{
    for (size_t k = 0; k < t->n_classes; k++) {
        int dup = 0;
        for (size_t q = 0; q < *n && !dup; q++) dup = !strcmp(cls[q], t->classes[k]);
        if (!dup && *n < 2 * EVAL_MAX_CLASSES) snprintf(cls[(*n)++], 32, "%s", t->classes[k]);
    }
}

/* One summary row: statistic `stat` (mean or worst, with `group` appended
   after an @ when not NULL) of eval_summary s; worst_name: the variant of
   the F1 minimum. */
static void print_summary_row(const char *det, const char *cls, const eval_summary *s, int worst,
                              const char *group, const char *worst_name)
{
    printf("summary\t%s\t%s\t%zu\t%s%s%s", det, cls, s->n_used, worst ? "worst" : "mean",
           group ? "@" : "", group ? group : "");
    for (int j = 0; j < 3; j++) {
        double x[3] = {worst ? s->worst[j] : s->mean[j], worst ? s->worst_lo[j] : s->mean_lo[j],
                       worst ? s->worst_hi[j] : s->mean_hi[j]};
        for (int m = 0; m < 3; m++) {
            putchar('\t');
            eval_put(stdout, x[m]);
        }
    }
    printf("\t%s\n", worst && worst_name ? worst_name : "-");
}

/* Montage groups of a variant's nights (bit per group seen). One or two
   channels (one muscle per leg or one leg) and three or more (calf and
   tibialis on a leg) are told apart in the figures because what separates a
   cramp from a steady voluntary contraction there differs (docs/detect.md):
   the overall mean and worst stay the figures judged. */
enum { MONTAGE_FEW = 1u, MONTAGE_MANY = 2u };

/* The summary's mean and worst again over the variants whose every night had
   1-2 channels ("@1-2ch") and >= 3 channels ("@3+ch"); a variant with both
   kinds of night (channels drawn per night) is in neither. */
static void summarize_by_montage(const vfile *f, eval_tally *ours, eval_tally *plain,
                                 const unsigned *montage, char (*cls)[32], size_t nc,
                                 const eval_boot_config *boot)
{
    eval_tally **sub = malloc(f->n_v * sizeof *sub);
    size_t *idx = malloc(f->n_v * sizeof *idx);
    if (!sub || !idx) {
        free(sub);
        free(idx);
        return;
    }
    static const char *const gname[2] = {"1-2ch", "3+ch"};
    static const unsigned gbit[2] = {MONTAGE_FEW, MONTAGE_MANY};
    size_t mixed = 0;
    for (size_t v = 0; v < f->n_v; v++) mixed += montage[v] == (MONTAGE_FEW | MONTAGE_MANY);
    printf("\n## summary by montage (statistic@group; variants with nights of both kinds: "
           "%zu, in neither)\n",
           mixed);
    for (size_t q = 0; q < nc; q++)
        for (int g = 0; g < 2; g++)
            for (int d = 0; d < 2; d++) {
                size_t n = 0;
                for (size_t v = 0; v < f->n_v; v++)
                    if (montage[v] == gbit[g]) {
                        sub[n] = d ? &plain[v] : &ours[v];
                        idx[n++] = v;
                    }
                if (!n) continue;
                eval_summary s;
                eval_summarize(sub, n, cls[q], boot, &s);
                if (!s.n_used) continue;
                for (int w = 0; w < 2; w++) {
                    const int wi = s.worst_index[2];
                    print_summary_row(d ? "plain" : "ours", cls[q], &s, w, gname[g],
                                      wi >= 0 ? f->v[idx[wi]].name : NULL);
                }
            }
    free(sub);
    free(idx);
}

int robust_run(const char *path, const robust_options *o, robust_night_fn run_night)
{
    vfile *f = calloc(1, sizeof *f);
    if (!f || !(f->v = calloc(MAX_VARIANTS, sizeof *f->v))) return 1;
    int rc = 1;
    eval_tally *ours = NULL, *plain = NULL;
    unsigned *montage = NULL;
    if (load(path, f) || generate(f)) {
        rc = 2;
        goto done;
    }
    size_t nights = o->nights ? o->nights : o->quick ? f->quick_nights : f->nights;
    double minutes = o->minutes > 0 ? o->minutes : o->quick ? f->quick_minutes : f->minutes;
    cramp_scenario base;
    cramp_scenario_default(&base);
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_scenario_load(&base, f->base, &err) != CRAMP_OK ||
        (o->set_lines && cramp_scenario_parse(&base, o->set_lines, &err) != CRAMP_OK)) {
        fprintf(stderr, "%s\n", err.message);
        rc = 2;
        goto done;
    }
    uint64_t lo = o->seed_lo, hi = o->seed_lo + nights - 1;
    char seeds[128], tool[1200];
    snprintf(seeds, sizeof seeds, "%llu-%llu for every variant", (unsigned long long)lo,
             (unsigned long long)hi);
    snprintf(tool, sizeof tool, "detect-accuracy --variants %s (%s mode)", path,
             o->quick ? "quick" : "full");
    char held_out[512];
    int lrc = eval_ledger_claim(o->ledger, lo, hi, o->config_hash, o->commit, o->rerun_spent,
                                held_out, sizeof held_out);
    if (lrc) {
        rc = lrc;
        goto done;
    }
    eval_print_header(stdout, tool, o->commit, eval_split_of(lo, hi), seeds, &o->boot,
                      o->config_hash, o->plain_desc, held_out);
    printf("# base: %s; %zu nights of %g min per variant; %zu variants\n", f->base, nights,
           minutes, f->n_v);
    if (o->set_lines) eval_print_set_lines(stdout, o->set_lines);
    for (size_t i = 0; i < f->n_set; i++) {
        char t[256];
        spec_text(&f->set[i], t, sizeof t, 0);
        printf("# set: %s\n", t);
    }
    for (size_t v = 0; v < f->n_v; v++) {
        char t[2048] = "";
        for (size_t i = 0; i < f->v[v].n; i++) {
            size_t len = strlen(t);
            spec_text(&f->v[v].s[i], t + len, sizeof t - len, 0);
            if (i + 1 < f->v[v].n) strncat(t, " ", sizeof t - strlen(t) - 1);
        }
        printf("# variant %s: %s\n", f->v[v].name, t[0] ? t : "(no override)");
    }
    ours = calloc(f->n_v, sizeof *ours);
    plain = calloc(f->n_v, sizeof *plain);
    montage = calloc(f->n_v, sizeof *montage);
    if (!ours || !plain || !montage) goto done;
    cramp_score_config scfg;
    cramp_score_config_default(&scfg);
    printf("variant\tdetector\tclass\tnights\tn_truth\ttp\tfp\tfn\tprecision\tp_lo\tp_hi\trecall"
           "\tr_lo\tr_hi\tf1\tf1_lo\tf1_hi\tonset_median_s\tflag\n");
    const int tty = isatty(2);
    for (size_t v = 0; v < f->n_v; v++) {
        if (eval_tally_init(&ours[v], &scfg) || eval_tally_init(&plain[v], &scfg)) goto done;
        for (size_t k = 0; k < nights; k++) {
            cramp_scenario sc = base;
            uint64_t rng = mix((lo + k) * 0x100000001b3ull ^ (uint64_t)v);
            if (apply(&sc, f->set, f->n_set, &rng, NULL, 0) ||
                apply(&sc, f->v[v].s, f->v[v].n, &rng, NULL, 0))
                goto done;
            sc.duration_min = minutes;
            sc.seed = lo + k;
            montage[v] |= sc.channels <= 2 ? MONTAGE_FEW : MONTAGE_MANY;
            if (tty)
                fprintf(stderr, "\rvariant %zu/%zu night %zu/%zu ", v + 1, f->n_v, k + 1,
                        nights);
            night_result r;
            memset(&r, 0, sizeof r);
            double secs = 0;
            if (run_night(&sc, &r, &secs) != 0) {
                fprintf(stderr, "variant %s, seed %llu failed\n", f->v[v].name,
                        (unsigned long long)sc.seed);
                goto done;
            }
            int bad = eval_tally_add(&ours[v], f->v[v].name, r.truth, r.n_truth, r.ours,
                                     r.n_ours) ||
                      eval_tally_add(&plain[v], f->v[v].name, r.truth, r.n_truth, r.plain,
                                     r.n_plain);
            eval_night_free(&r);
            if (bad) goto done;
        }
        char cls[2 * EVAL_MAX_CLASSES][32] = {"cramp"}; /* a cramp row always */
        size_t nc = 1;
        add_class(cls, &nc, &ours[v]);
        add_class(cls, &nc, &plain[v]);
        for (size_t q = 0; q < nc; q++) {
            print_row(f->v[v].name, "ours", cls[q], &ours[v], &o->boot);
            print_row(f->v[v].name, "plain", cls[q], &plain[v], &o->boot);
        }
        fflush(stdout);
    }
    if (tty) fprintf(stderr, "\n");

    /* mean and worst case across the variants with truth events of the class */
    char cls[2 * EVAL_MAX_CLASSES][32];
    size_t nc = 0;
    for (size_t v = 0; v < f->n_v; v++) {
        add_class(cls, &nc, &ours[v]);
        add_class(cls, &nc, &plain[v]);
    }
    printf("\n## summary over variants with >= 1 true event of the class; intervals: every "
           "variant's nights resampled together\n");
    printf("summary\tdetector\tclass\tvariants\tstatistic\tprecision\tp_lo\tp_hi\trecall\tr_lo"
           "\tr_hi\tf1\tf1_lo\tf1_hi\tworst_f1_variant\n");
    eval_tally **tp[2] = {malloc(f->n_v * sizeof(eval_tally *)),
                          malloc(f->n_v * sizeof(eval_tally *))};
    if (!tp[0] || !tp[1]) {
        free(tp[0]);
        free(tp[1]);
        goto done;
    }
    for (size_t v = 0; v < f->n_v; v++) {
        tp[0][v] = &ours[v];
        tp[1][v] = &plain[v];
    }
    const char *dn[2] = {"ours", "plain"};
    for (size_t q = 0; q < nc; q++) {
        eval_summary s[2];
        for (int d = 0; d < 2; d++) {
            eval_summarize(tp[d], f->n_v, cls[q], &o->boot, &s[d]);
            if (!s[d].n_used) continue;
            for (int w = 0; w < 2; w++) {
                const int wi = s[d].worst_index[2];
                print_summary_row(dn[d], cls[q], &s[d], w, NULL, wi >= 0 ? f->v[wi].name : NULL);
            }
        }
        /* ours ahead of plain, variant by variant (F1 point figures) */
        size_t ahead = 0, tied = 0, used = 0;
        for (size_t v = 0; v < f->n_v; v++) {
            eval_counts a = eval_tally_sum(&ours[v], eval_tally_class(&ours[v], cls[q]), NULL);
            eval_counts b = eval_tally_sum(&plain[v], eval_tally_class(&plain[v], cls[q]), NULL);
            if (!a.n_truth && !b.n_truth) continue;
            double p, r, fa, fb;
            eval_prf_point(a, &p, &r, &fa);
            eval_prf_point(b, &p, &r, &fb);
            used++;
            if (fa > fb) ahead++;
            else if (fa == fb) tied++;
        }
        if (used)
            printf("# ahead: %s F1 ours > plain on %zu of %zu variants with truth events (%zu "
                   "tied)\n",
                   cls[q], ahead, used, tied);
        /* False detections where the class has no true event: no F1 exists
           there, so the summary above cannot hold them; counted here. */
        for (int d = 0; d < 2; d++) {
            unsigned fp = 0;
            size_t nv = 0;
            for (size_t v = 0; v < f->n_v; v++) {
                const eval_tally *t = d ? &plain[v] : &ours[v];
                eval_counts a = eval_tally_sum(t, eval_tally_class(t, cls[q]), NULL);
                const eval_tally *u = d ? &ours[v] : &plain[v];
                eval_counts b = eval_tally_sum(u, eval_tally_class(u, cls[q]), NULL);
                if (a.n_truth || b.n_truth || !a.fp) continue;
                fp += a.fp;
                nv++;
            }
            if (nv)
                printf("# no truth: %s %s false on %zu variant(s) without a true event of the "
                       "class: %u (not in the summary)\n",
                       dn[d], cls[q], nv, fp);
        }
    }
    summarize_by_montage(f, ours, plain, montage, cls, nc, &o->boot);
    free(tp[0]);
    free(tp[1]);
    rc = 0;
done:
    if (ours)
        for (size_t v = 0; v < f->n_v; v++) eval_tally_free(&ours[v]);
    if (plain)
        for (size_t v = 0; v < f->n_v; v++) eval_tally_free(&plain[v]);
    free(ours);
    free(plain);
    free(montage);
    free(f->v);
    free(f);
    return rc;
}
