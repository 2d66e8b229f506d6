/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filter design and filtering checked against SciPy.
 *
 * Every case comes from tests/data/ref/MANIFEST.tsv (written by
 * tests/data/gen_reference.py with scipy.signal):
 *   design       cramp_butter_design / cramp_notch_design / cramp_comb_design
 *                against butter(output='sos') / iirnotch / a cascade of iirnotch:
 *                same section count and order, each coefficient within
 *                1e-12 * max(|ref|, 1); numerator rows also within 1e-12 of
 *                the row's largest |b| (so a tiny overall gain is checked too).
 *   sosfilt      cramp_filter_process on every SIMD path this machine runs
 *   sosfiltfilt  cramp_filtfilt on every path, and cramp_zerophase fed in random
 *                chunks with several block sizes,
 *                both with max|ours - ref| <= 1e-5 * RMS(ref), per channel.
 * Filtering cases use SciPy's own sections, so they test the filtering
 * independently of the design. The worst error of each family is printed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/filter.h"
#include "testutil.h"

#define COEF_TOL 1e-12
#define SIGNAL_TOL 1e-5
#define MAX_FIELDS 16
#define MAX_DESIGNS 512

typedef struct ref_file {
    char name[64];
    double *v;
    size_t n;
} ref_file;

static ref_file g_files[16];
static size_t g_nfiles;

/* A reference file's numbers, read once. NULL (and a failure) if unreadable. */
static const ref_file *load_ref(const char *name)
{
    for (size_t i = 0; i < g_nfiles; i++)
        if (strcmp(g_files[i].name, name) == 0) return &g_files[i];
    if (g_nfiles == sizeof g_files / sizeof g_files[0]) return NULL;
    ref_file *f = &g_files[g_nfiles];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->v = test_read_numbers(test_ref_path(name), &f->n);
    CHECK(f->v != NULL, "cannot read %s", test_ref_path(name));
    if (!f->v) return NULL;
    g_nfiles++;
    return f;
}

/* Splits a line in place on tabs; returns the field count. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        fields[n++] = p;
        char *t = strchr(p, '\t');
        if (!t) break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

typedef struct design_case {
    char name[96];
    char family[16];
    cramp_band_type btype;
    int order;
    double fs, f1, f2, q;
    size_t n_sections;
    const double *rows; /* n_sections rows of b0 b1 b2 a0 a1 a2 */
} design_case;

static design_case g_designs[MAX_DESIGNS];
static size_t g_ndesigns;

static const design_case *find_design(const char *name, size_t len)
{
    for (size_t i = 0; i < g_ndesigns; i++)
        if (strlen(g_designs[i].name) == len && strncmp(g_designs[i].name, name, len) == 0)
            return &g_designs[i];
    return NULL;
}

static int parse_btype(const char *s, cramp_band_type *t)
{
    static const char *names[] = {"lowpass", "highpass", "bandpass", "bandstop"};
    static const cramp_band_type types[] = {CRAMP_LOWPASS, CRAMP_HIGHPASS, CRAMP_BANDPASS,
                                            CRAMP_BANDSTOP};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *t = types[i];
            return 0;
        }
    }
    return -1;
}

/* ---- design ------------------------------------------------------------ */

typedef struct worst {
    double err;
    char name[320];
} worst;

static void note_worst(worst *w, double err, const char *name)
{
    if (err > w->err || w->name[0] == '\0') {
        w->err = err;
        snprintf(w->name, sizeof w->name, "%.300s", name);
    }
}

static double coef(const cramp_biquad *s, int j)
{
    switch (j) {
    case 0: return s->b0;
    case 1: return s->b1;
    case 2: return s->b2;
    case 3: return 1.0;
    case 4: return s->a1;
    default: return s->a2;
    }
}

/* Largest coefficient error of our row against a reference row, relative to
 * max(|ref|, 1); *err_b gets the numerator error relative to the row's largest |b|. */
static double row_error(const cramp_biquad *s, const double *ref, double *err_b)
{
    double e = 0.0, bmax = 0.0, eb = 0.0;
    for (int j = 0; j < 3; j++) bmax = fmax(bmax, fabs(ref[j]));
    for (int j = 0; j < 6; j++) {
        const double d = fabs(coef(s, j) - ref[j]);
        e = fmax(e, d / fmax(fabs(ref[j]), 1.0));
        if (j < 3) eb = fmax(eb, bmax > 0.0 ? d / bmax : d);
    }
    if (!(e == e)) e = (double)INFINITY;
    if (!(eb == eb)) eb = (double)INFINITY;
    *err_b = eb;
    return e;
}

/* A section's numerator scaled to unit largest |b| with a positive first
 * non-zero coefficient: the part of a section that does not depend on where
 * the overall gain was put. */
static void unit_numerator(const double *b, double *u)
{
    double m = fmax(fabs(b[0]), fmax(fabs(b[1]), fabs(b[2])));
    double sgn = 1.0;
    for (int j = 0; j < 3; j++) {
        if (b[j] != 0.0) {
            sgn = b[j] > 0.0 ? 1.0 : -1.0;
            break;
        }
    }
    for (int j = 0; j < 3; j++) u[j] = m > 0.0 ? sgn * b[j] / m : 0.0;
}

/* Distance between two sections ignoring the numerator's scale. */
static double shape_distance(const cramp_biquad *s, const double *ref)
{
    const double ob[3] = {s->b0, s->b1, s->b2};
    double uo[3], ur[3];
    unit_numerator(ob, uo);
    unit_numerator(ref, ur);
    double e = fmax(fabs(s->a1 - ref[4]) / fmax(fabs(ref[4]), 1.0),
                    fabs(s->a2 - ref[5]) / fmax(fabs(ref[5]), 1.0));
    for (int j = 0; j < 3; j++) e = fmax(e, fabs(uo[j] - ur[j]));
    return e == e ? e : (double)INFINITY;
}

/* On a mismatch: do the sections match SciPy's in some other order (with
 * the overall gain possibly carried by a different section), and only where
 * SciPy's pairing rule had a tie? The rule orders sections by pole radius;
 * when two radii are equal in exact arithmetic (bands symmetric about fs/4),
 * the order follows the last bit of the computed radii, which depends on the
 * tan() NumPy uses on the machine that made the references (NumPy's AVX-512
 * tan differs from the correctly rounded libm tan by an ulp). So a case passes
 * as a tie only when (1) our sections are a permutation of SciPy's, (2) the
 * pole radius at every position equals SciPy's at that position within
 * COEF_TOL (only equal-radius sections swapped), and (3) the overall gain
 * agrees. Prints which SciPy row each of ours matches and the radii. */
static int diagnose_order(const design_case *d, const cramp_biquad *sos, size_t n)
{
    fprintf(stderr, "  %s: our sections against SciPy's in any order (numerators up to scale):\n",
            d->name);
    int all = n == d->n_sections, reordered = 0, radii_agree = 1;
    double gain_o = 1.0, gain_r = 1.0;
    unsigned char used[256] = {0};
    if (n > sizeof used) all = 0;
    for (size_t i = 0; i < n; i++) {
        long match = -1;
        double best = (double)INFINITY;
        if (i < d->n_sections) {
            const double ro = sqrt(fabs(sos[i].a2)), rr = sqrt(fabs(d->rows[6 * i + 5]));
            if (fabs(ro - rr) > COEF_TOL * fmax(rr, 1e-300)) radii_agree = 0;
        }
        for (size_t r = 0; r < d->n_sections && r < sizeof used; r++) {
            if (used[r]) continue;
            const double e = shape_distance(&sos[i], d->rows + 6 * r);
            if (e < best) {
                best = e;
                match = e <= COEF_TOL ? (long)r : -1;
            }
        }
        if (match < 0) all = 0;
        else used[match] = 1;
        if (match >= 0 && (size_t)match != i) reordered = 1;
        gain_o *= fmax(fabs(sos[i].b0), fmax(fabs(sos[i].b1), fabs(sos[i].b2)));
        fprintf(stderr,
                "    ours[%zu]  = [%.17g %.17g %.17g 1 %.17g %.17g] |p| = %.17g -> scipy row %ld (shape err %.3g)\n",
                i, sos[i].b0, sos[i].b1, sos[i].b2, sos[i].a1, sos[i].a2, sqrt(fabs(sos[i].a2)),
                match, best);
    }
    for (size_t r = 0; r < d->n_sections; r++) {
        const double *q = d->rows + 6 * r;
        gain_r *= fmax(fabs(q[0]), fmax(fabs(q[1]), fabs(q[2])));
        fprintf(stderr, "    scipy[%zu] = [%.17g %.17g %.17g %.17g %.17g %.17g] |p| = %.17g\n", r, q[0],
                q[1], q[2], q[3], q[4], q[5], sqrt(fabs(q[5])));
    }
    const double gerr = fabs(gain_o - gain_r) / gain_r;
    fprintf(stderr, "    product of numerator scales: ours %.17g, scipy %.17g (rel diff %.3g)\n",
            gain_o, gain_r, gerr);
    const int tie = all && reordered && radii_agree && gerr <= COEF_TOL;
    fprintf(stderr, "    => %s\n",
            tie ? "SAME SECTIONS AND GAIN; ONLY EQUAL-RADIUS SECTIONS SWAPPED (pairing tie): accepted"
                : "coefficients differ");
    return tie;
}

static size_t g_ties;
static char g_tie_names[2048];

static void check_design(const design_case *d, worst *w_coef, worst *w_b)
{
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st;
    size_t n = 0;
    const size_t cap = d->n_sections + 4;
    cramp_biquad *sos = calloc(cap, sizeof *sos);
    if (!sos) {
        CHECK(0, "out of memory");
        return;
    }
    if (strcmp(d->family, "butter") == 0) {
        cramp_butter_spec spec = {d->btype, d->order, d->fs, d->f1, d->f2};
        CHECK(cramp_butter_sections(d->btype, d->order) == d->n_sections,
              "%s: cramp_butter_sections = %zu, scipy has %zu", d->name,
              cramp_butter_sections(d->btype, d->order), d->n_sections);
        st = cramp_butter_design(&spec, sos, cap, &n, &err);
    } else if (strcmp(d->family, "notch") == 0) {
        st = cramp_notch_design(d->fs, d->f1, d->q, sos, &err);
        n = 1;
    } else {
        CHECK(cramp_comb_sections(d->fs, d->f1) == d->n_sections,
              "%s: cramp_comb_sections = %zu, scipy has %zu", d->name,
              cramp_comb_sections(d->fs, d->f1), d->n_sections);
        st = cramp_comb_design(d->fs, d->f1, d->q, sos, cap, &n, &err);
    }
    CHECK(st == CRAMP_OK, "%s: status %s (%s)", d->name, cramp_strerror(st), err.message);
    if (st != CRAMP_OK) {
        free(sos);
        return;
    }
    CHECK(n == d->n_sections, "%s: %zu sections, scipy has %zu", d->name, n, d->n_sections);
    double e = 0.0, eb = 0.0;
    const size_t m = n < d->n_sections ? n : d->n_sections;
    for (size_t r = 0; r < m; r++) {
        CHECK(d->rows[6 * r + 3] == 1.0, "%s: scipy row %zu has a0 = %.17g", d->name, r,
              d->rows[6 * r + 3]);
        double rb;
        e = fmax(e, row_error(&sos[r], d->rows + 6 * r, &rb));
        eb = fmax(eb, rb);
    }
    const int tie =
        (e > COEF_TOL || eb > COEF_TOL || n != d->n_sections) && diagnose_order(d, sos, n);
    CHECK(e <= COEF_TOL || tie, "%s: coefficient error %.3g > %.0e (relative to max(|ref|,1))",
          d->name, e, COEF_TOL);
    CHECK(eb <= COEF_TOL || tie, "%s: numerator error %.3g > %.0e (relative to the row's max |b|)",
          d->name, eb, COEF_TOL);
    if (tie) {
        g_ties++;
        const size_t used = strlen(g_tie_names);
        snprintf(g_tie_names + used, sizeof g_tie_names - used, " %.100s", d->name);
    } else {
        /* Worst figures are over cases in SciPy's order; ties are listed apart. */
        note_worst(w_coef, e, d->name);
        note_worst(w_b, eb, d->name);
    }
    free(sos);
}

/* ---- filtering ----------------------------------------------------------- */

typedef struct signal_case {
    const char *kind;
    const char *name;
    cramp_biquad *sos;
    size_t n_sec;
    size_t channels, frames, padlen;
    float *in;
    const double *ref;
} signal_case;

/* max over channels of max|y - ref| / RMS(ref) for that channel. */
static double signal_error(const signal_case *c, const float *y)
{
    double worst_ratio = 0.0;
    for (size_t ch = 0; ch < c->channels; ch++) {
        double ss = 0.0, md = 0.0;
        for (size_t i = 0; i < c->frames; i++) {
            const double r = c->ref[i * c->channels + ch];
            const double d = fabs((double)y[i * c->channels + ch] - r);
            ss += r * r;
            md = d > md || d != d ? d : md;
        }
        const double rms = sqrt(ss / (double)c->frames);
        const double ratio = rms > 0.0 ? md / rms : md;
        if (!(ratio <= worst_ratio)) worst_ratio = ratio;
    }
    return worst_ratio;
}

static const cramp_simd k_paths[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};

static void run_sosfilt(const signal_case *c, worst *w)
{
    float *y = malloc(c->frames * c->channels * sizeof *y);
    if (!y) return;
    for (size_t p = 0; p < sizeof k_paths / sizeof k_paths[0]; p++) {
        if (!cramp_simd_available(k_paths[p])) continue;
        cramp_filter_config cfg;
        cramp_filter_config_default(&cfg);
        cfg.simd = k_paths[p];
        cramp_filter *f = NULL;
        cramp_status st = cramp_filter_create(&f, c->sos, c->n_sec, c->channels, &cfg);
        CHECK(st == CRAMP_OK, "%s [%s]: create: %s", c->name, cramp_simd_name(k_paths[p]),
              cramp_strerror(st));
        if (st != CRAMP_OK) continue;
        st = cramp_filter_process(f, c->in, y, c->frames);
        CHECK(st == CRAMP_OK, "%s [%s]: process: %s", c->name, cramp_simd_name(k_paths[p]),
              cramp_strerror(st));
        const double e = signal_error(c, y);
        char label[240];
        snprintf(label, sizeof label, "%.200s [%s]", c->name, cramp_simd_name(k_paths[p]));
        note_worst(w, e, label);
        CHECK(e <= SIGNAL_TOL, "%s: max|err| / RMS(ref) = %.3g > %.0e", label, e, SIGNAL_TOL);
        cramp_filter_destroy(f);
    }
    free(y);
}

/* Streams c->in through a zero-phase object in random chunks; returns the
 * output frames written (and fails checks on any protocol violation). */
static size_t stream_zerophase(const signal_case *c, cramp_simd simd, size_t block, test_rng *rng,
                               float *y, const char *label)
{
    cramp_zerophase_config cfg;
    cramp_zerophase_config_default(&cfg);
    cfg.simd = simd;
    if (block) cfg.block_frames = block;
    cramp_zerophase *z = NULL;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_zerophase_create(&z, c->sos, c->n_sec, c->channels, &cfg, &err);
    CHECK(st == CRAMP_OK, "%s: zerophase_create: %s (%s)", label, cramp_strerror(st), err.message);
    if (st != CRAMP_OK) return 0;
    const size_t ch = c->channels;
    size_t in_pos = 0, out_pos = 0;
    size_t buf_cap = 0;
    float *buf = NULL;
    int ok = 1;
    while (ok && in_pos <= c->frames) {
        const int last = in_pos == c->frames;
        size_t chunk = 0;
        if (!last) {
            const uint64_t r = test_rng_u64(rng);
            chunk = (r % 8 == 0) ? 0 : (size_t)(1 + (r >> 8) % 400);
            if (chunk > c->frames - in_pos) chunk = c->frames - in_pos;
        }
        const size_t maxo = cramp_zerophase_max_output(z, chunk);
        if (maxo * ch > buf_cap) {
            free(buf);
            buf_cap = maxo * ch;
            buf = malloc((buf_cap ? buf_cap : 1) * sizeof *buf);
            if (!buf) break;
        }
        size_t got = 0;
        if (last) {
            st = cramp_zerophase_finish(z, buf, maxo, &got, &err);
            CHECK(st == CRAMP_OK, "%s: finish: %s (%s)", label, cramp_strerror(st), err.message);
        } else {
            st = cramp_zerophase_process(z, c->in + in_pos * ch, chunk, buf, maxo, &got);
            CHECK(st == CRAMP_OK, "%s: process(%zu frames at %zu): %s", label, chunk, in_pos,
                  cramp_strerror(st));
        }
        CHECK(got <= maxo, "%s: wrote %zu frames, max_output said %zu", label, got, maxo);
        CHECK(out_pos + got <= c->frames, "%s: output longer than input (%zu + %zu > %zu)", label,
              out_pos, got, c->frames);
        if (st != CRAMP_OK || got > maxo || out_pos + got > c->frames) ok = 0;
        if (ok) memcpy(y + out_pos * ch, buf, got * ch * sizeof *buf);
        out_pos += got;
        in_pos += chunk;
        if (last) break;
    }
    free(buf);
    cramp_zerophase_destroy(z);
    return ok ? out_pos : 0;
}

static void run_sosfiltfilt(const signal_case *c, worst *w_ff, worst *w_zp, test_rng *rng)
{
    const size_t n = c->frames * c->channels;
    float *y = malloc(n * sizeof *y);
    if (!y) return;
    const size_t padlen = cramp_filtfilt_padlen(c->sos, c->n_sec);
    CHECK(padlen == c->padlen, "%s: cramp_filtfilt_padlen = %zu, scipy uses %zu", c->name, padlen,
          c->padlen);
    for (size_t p = 0; p < sizeof k_paths / sizeof k_paths[0]; p++) {
        if (!cramp_simd_available(k_paths[p])) continue;
        char label[240];
        snprintf(label, sizeof label, "%.200s [%s]", c->name, cramp_simd_name(k_paths[p]));
        cramp_error err;
        memset(&err, 0, sizeof err);
        cramp_status st = cramp_filtfilt(c->sos, c->n_sec, c->channels, c->in, y, c->frames,
                                         k_paths[p], &err);
        CHECK(st == CRAMP_OK, "%s: filtfilt: %s (%s)", label, cramp_strerror(st), err.message);
        if (st == CRAMP_OK) {
            const double e = signal_error(c, y);
            note_worst(w_ff, e, label);
            CHECK(e <= SIGNAL_TOL, "%s: filtfilt max|err| / RMS(ref) = %.3g > %.0e", label, e,
                  SIGNAL_TOL);
        }
        /* Default block size (one block for these lengths), and small blocks
         * so that several backward blocks and their overlaps occur (the
         * stream needs blocks longer than the edge padding). */
        const size_t blocks[] = {0, c->padlen + 1, 2 * c->padlen + 37};
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            char zl[300];
            snprintf(zl, sizeof zl, "%.240s zerophase block %zu", label, blocks[b]);
            for (size_t i = 0; i < n; i++) y[i] = NAN;
            const size_t got = stream_zerophase(c, k_paths[p], blocks[b], rng, y, zl);
            CHECK(got == c->frames, "%s: %zu output frames for %zu input", zl, got, c->frames);
            if (got != c->frames) continue;
            const double e = signal_error(c, y);
            note_worst(w_zp, e, zl);
            CHECK(e <= SIGNAL_TOL, "%s: max|err| / RMS(ref) = %.3g > %.0e", zl, e, SIGNAL_TOL);
        }
    }
    free(y);
}

/* Builds a signal case's sections from the named SciPy designs, its input
 * and its reference output. Returns 0 on success. */
static int build_signal_case(char **f, signal_case *c)
{
    c->kind = f[0];
    c->name = f[1];
    c->channels = (size_t)strtoul(f[3], NULL, 10);
    c->frames = (size_t)strtoul(f[4], NULL, 10);
    c->padlen = (size_t)strtoul(f[6], NULL, 10);
    size_t total = 0;
    const char *p = f[2];
    while (*p) {
        const size_t len = strcspn(p, "+");
        const design_case *d = find_design(p, len);
        CHECK(d != NULL, "%s: unknown design %.*s", c->name, (int)len, p);
        if (!d) return -1;
        total += d->n_sections;
        p += len + (p[len] == '+');
    }
    c->sos = malloc(total * sizeof *c->sos);
    if (!c->sos) return -1;
    c->n_sec = 0;
    for (p = f[2]; *p;) {
        const size_t len = strcspn(p, "+");
        const design_case *d = find_design(p, len);
        for (size_t r = 0; r < d->n_sections; r++) {
            const double *q = d->rows + 6 * r;
            c->sos[c->n_sec++] = (cramp_biquad){q[0] / q[3], q[1] / q[3], q[2] / q[3], q[4] / q[3],
                                                q[5] / q[3]};
        }
        p += len + (p[len] == '+');
    }
    const ref_file *in = load_ref(f[5]);
    const ref_file *out = load_ref(f[7]);
    const size_t off = (size_t)strtoul(f[8], NULL, 10);
    const size_t n = c->frames * c->channels;
    if (!in || !out) return -1;
    CHECK(in->n >= n, "%s: input file too short", c->name);
    CHECK(off + n <= out->n, "%s: output offset out of range", c->name);
    if (in->n < n || off + n > out->n) return -1;
    c->ref = out->v + off;
    c->in = malloc(n * sizeof *c->in);
    if (!c->in) return -1;
    for (size_t i = 0; i < n; i++) {
        c->in[i] = (float)in->v[i];
        CHECK((double)c->in[i] == in->v[i], "%s: input %zu (%.17g) is not a float32 value",
              c->name, i, in->v[i]);
    }
    return 0;
}

int main(void)
{
    const char *mpath = test_ref_path("MANIFEST.tsv");
    FILE *mf = fopen(mpath, "r");
    CHECK(mf != NULL, "cannot open %s", mpath);
    if (!mf) return cramp_test_finish("filter_reference");

    worst w_butter = {0, ""}, w_notch = {0, ""}, w_comb = {0, ""}, w_b = {0, ""};
    worst w_sosfilt = {0, ""}, w_ff = {0, ""}, w_zp = {0, ""};
    size_t n_design = 0, n_sosfilt = 0, n_ff = 0;
    uint64_t seed = 0x5eedf11e7ULL;
    const char *env = getenv("CRAMP_TEST_SEED");
    if (env && *env) seed = strtoull(env, NULL, 0);
    test_rng rng = {seed};
    const int failures_before = cramp_test_failures;

    char line[4096];
    while (fgets(line, sizeof line, mf)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *f[MAX_FIELDS];
        char copy[4096];
        memcpy(copy, line, sizeof copy);
        const size_t nf = split_tabs(copy, f, MAX_FIELDS);
        if (strcmp(f[0], "design") == 0) {
            CHECK(nf == 12, "bad design line: %s", line);
            CHECK(g_ndesigns < MAX_DESIGNS, "too many designs");
            if (nf != 12 || g_ndesigns >= MAX_DESIGNS) continue;
            design_case *d = &g_designs[g_ndesigns];
            snprintf(d->name, sizeof d->name, "%s", f[1]);
            snprintf(d->family, sizeof d->family, "%s", f[2]);
            d->btype = CRAMP_LOWPASS;
            if (strcmp(f[2], "butter") == 0)
                CHECK(parse_btype(f[3], &d->btype) == 0, "bad btype %s", f[3]);
            d->order = atoi(f[4]);
            d->fs = strtod(f[5], NULL);
            d->f1 = strtod(f[6], NULL);
            d->f2 = strcmp(f[7], "-") ? strtod(f[7], NULL) : 0.0;
            d->q = strcmp(f[8], "-") ? strtod(f[8], NULL) : 0.0;
            d->n_sections = (size_t)strtoul(f[9], NULL, 10);
            const ref_file *rf = load_ref(f[10]);
            const size_t off = (size_t)strtoul(f[11], NULL, 10);
            if (!rf) continue;
            CHECK(off + 6 * d->n_sections <= rf->n, "%s: offset out of range", d->name);
            if (off + 6 * d->n_sections > rf->n) continue;
            d->rows = rf->v + off;
            g_ndesigns++;
            worst *w = strcmp(d->family, "butter") == 0  ? &w_butter
                       : strcmp(d->family, "notch") == 0 ? &w_notch
                                                         : &w_comb;
            check_design(d, w, &w_b);
            n_design++;
        } else if (strcmp(f[0], "sosfilt") == 0 || strcmp(f[0], "sosfiltfilt") == 0) {
            CHECK(nf == 9, "bad signal line: %s", line);
            if (nf != 9) continue;
            signal_case c;
            memset(&c, 0, sizeof c);
            if (build_signal_case(f, &c) == 0) {
                if (strcmp(f[0], "sosfilt") == 0) {
                    run_sosfilt(&c, &w_sosfilt);
                    n_sosfilt++;
                } else {
                    run_sosfiltfilt(&c, &w_ff, &w_zp, &rng);
                    n_ff++;
                }
            }
            free(c.sos);
            free(c.in);
        } else {
            CHECK(0, "unknown manifest line: %s", line);
        }
    }
    fclose(mf);
    CHECK(n_design > 0 && n_sosfilt > 0 && n_ff > 0, "manifest has %zu/%zu/%zu cases", n_design,
          n_sosfilt, n_ff);

    printf("filter_reference: %zu design cases, %zu sosfilt, %zu sosfiltfilt; paths:", n_design,
           n_sosfilt, n_ff);
    for (size_t p = 0; p < sizeof k_paths / sizeof k_paths[0]; p++)
        if (cramp_simd_available(k_paths[p])) printf(" %s", cramp_simd_name(k_paths[p]));
    printf("\n");
    if (g_ties)
        printf("  %zu design case(s) differ from SciPy only in the order of equal-radius sections:%s\n",
               g_ties, g_tie_names);
    printf("  worst butter coefficient error  %.3g (x max(|c|,1))  %s\n", w_butter.err, w_butter.name);
    printf("  worst notch coefficient error   %.3g (x max(|c|,1))  %s\n", w_notch.err, w_notch.name);
    printf("  worst comb coefficient error    %.3g (x max(|c|,1))  %s\n", w_comb.err, w_comb.name);
    printf("  worst numerator error           %.3g (x row max|b|)  %s\n", w_b.err, w_b.name);
    printf("  worst sosfilt error             %.3g (x RMS(ref))    %s\n", w_sosfilt.err, w_sosfilt.name);
    printf("  worst filtfilt error            %.3g (x RMS(ref))    %s\n", w_ff.err, w_ff.name);
    printf("  worst zerophase error           %.3g (x RMS(ref))    %s\n", w_zp.err, w_zp.name);
    if (cramp_test_failures != failures_before)
        fprintf(stderr, "filter_reference: random chunking used seed 0x%llx (set CRAMP_TEST_SEED to repeat)\n",
                (unsigned long long)seed);

    for (size_t i = 0; i < g_nfiles; i++) free(g_files[i].v);
    return cramp_test_finish("filter_reference");
}
