/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp-memread: the memory-read floor of the roofline in bench/README.md.
 * Sums a float buffer (16 independent accumulators, so that the adds do not
 * chain and the loop is bounded by the loads) and reports G floats read per
 * second, median of the repeats after one warm-up, for each buffer size
 * given in MB, and the fastest repeat (the least disturbed by other work on
 * a shared machine): a size like a cramp-bench stage's input (60 s x 8 channels x
 * 2 kHz = 3.84 MB) shows what the caches give, one far above the last-level
 * cache what main memory gives. One thread; pin it (taskset -c 0).
 *
 *   cramp-memread [-r REPEATS] [SIZE_MB...]     (default: 3.84 256; 9 repeats) */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads every float once; the sum is returned so that the loads stay. */
static float sum(const float *x, size_t n)
{
    float a[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (size_t k = 0; k < 16; k++) a[k] += x[i + k];
    for (; i < n; i++) a[0] += x[i];
    float s = 0;
    for (size_t k = 0; k < 16; k++) s += a[k];
    return s;
}

int main(int argc, char **argv)
{
    int repeats = 9, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        repeats = atoi(argv[2]);
        first = 3;
    }
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts("Usage: cramp-memread [-r REPEATS] [SIZE_MB...]  (default 3.84 256, 9 repeats)\n"
             "G float samples read per second by a plain summing loop, one thread.");
        return 0;
    }
    if (repeats < 1 || repeats > 1000) {
        fprintf(stderr, "cramp-memread: -r wants 1..1000\n");
        return 2;
    }
    static const char *const dflt[] = {"3.84", "256"};
    const int nsizes = argc > first ? argc - first : 2;
    volatile float sink = 0;
    printf("%10s %8s %14s %14s\n", "buffer MB", "repeats", "G floats/s", "best G/s");
    for (int s = 0; s < nsizes; s++) {
        const char *arg = argc > first ? argv[first + s] : dflt[s];
        char *end = NULL;
        const double mb = strtod(arg, &end);
        if (end == arg || *end || !(mb > 0 && mb <= 65536)) {
            fprintf(stderr, "cramp-memread: '%s' is not a size in MB\n", arg);
            return 2;
        }
        const size_t n = (size_t)(mb * 1e6 / sizeof(float));
        float *x = malloc(n * sizeof *x);
        double *t = malloc((size_t)repeats * sizeof *t);
        if (!x || !t) {
            fprintf(stderr, "cramp-memread: out of memory for %s MB\n", arg);
            return 1;
        }
        for (size_t i = 0; i < n; i++) x[i] = (float)(i & 1023) * 0.001f;
        /* Enough passes per timing for about 0.1 s of reading at 10 G/s. */
        const size_t passes = n >= 250000000 ? 1 : 250000000 / n;
        sink += sum(x, n); /* warm-up */
        for (int r = 0; r < repeats; r++) {
            const double t0 = now_s();
            for (size_t p = 0; p < passes; p++) sink += sum(x, n);
            t[r] = now_s() - t0;
        }
        qsort(t, (size_t)repeats, sizeof *t, cmp_double);
        printf("%10.2f %8d %14.2f %14.2f\n", mb, repeats,
               (double)n * (double)passes / t[repeats / 2] / 1e9,
               (double)n * (double)passes / t[0] / 1e9);
        free(x);
        free(t);
    }
    return sink == -1.0f; /* never: keeps the sums */
}
