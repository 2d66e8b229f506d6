/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cramp_test_failures = 0;

int cramp_test_finish(const char *name)
{
    if (cramp_test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, cramp_test_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

uint64_t test_rng_u64(test_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double test_rng_uniform(test_rng *r) { return (double)(test_rng_u64(r) >> 11) * 0x1.0p-53; }

double test_rng_normal(test_rng *r)
{
    double u = test_rng_uniform(r), v = test_rng_uniform(r);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

double *test_read_numbers(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 1024, len = 0;
    double *v = malloc(cap * sizeof *v);
    char line[8192];
    while (v && fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *p = line, *end;
        for (;;) {
            double d = strtod(p, &end);
            if (end == p) break;
            if (len == cap) {
                cap *= 2;
                double *nv = realloc(v, cap * sizeof *v);
                if (!nv) { free(v); v = NULL; break; }
                v = nv;
            }
            v[len++] = d;
            p = end;
        }
    }
    fclose(f);
    if (v) *n = len;
    return v;
}

const char *test_ref_path(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", CRAMP_TEST_REF_DIR, name);
    return buf;
}

const char *test_shared_path(const char *rel)
{
    static char buf[4096];
    const char *env = getenv("CRAMP_SHARED_DATA");
    snprintf(buf, sizeof buf, "%s/%s", env && *env ? env : CRAMP_TEST_SHARED_DIR, rel);
    struct stat sb;
    return stat(buf, &sb) == 0 ? buf : NULL;
}

double test_rms_f(const float *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)x[i] * (double)x[i];
    return n ? sqrt(s / (double)n) : 0.0;
}

double test_rms_d(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i] * x[i];
    return n ? sqrt(s / (double)n) : 0.0;
}

int test_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double test_quantile7(const double *a, size_t n, double q)
{
    const double h = q * (double)(n - 1);
    const size_t i = (size_t)h;
    if (i + 1 >= n) return a[n - 1];
    return a[i] + (h - (double)i) * (a[i + 1] - a[i]);
}

int test_same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || !memcmp(&a, &b, sizeof a);
}

const char *test_path_in(const char *dir, const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}
