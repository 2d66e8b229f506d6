/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A program outside the project that uses an installed cramp: it designs a
 * 20-450 Hz band-pass for 2000 Hz, filters two sines through it and prints
 * OK only if the in-band one passes and the out-of-band one is stopped.
 * It needs nothing but cramp (not even libm), so linking it checks that the
 * installed package names every library cramp itself needs. */
#include <stdio.h>

#include <cramp/cramp.h>

#define FS 2000.0
#define N 4000

/* cos(w) by its Taylor series; |w| <= pi here, 20 terms are exact to double. */
static double cos_series(double w)
{
    double term = 1.0, sum = 1.0;
    for (int k = 1; k <= 20; k++) {
        term *= -w * w / ((2.0 * k - 1.0) * (2.0 * k));
        sum += term;
    }
    return sum;
}

/* Power gain of the band-pass for a unit sine at f Hz, over the second half
 * of a 2 s signal (after the start-up transient). The sine comes from the
 * recurrence x[n] = 2 cos(w) x[n-1] - x[n-2], started at x[-1] = -sin(w) via
 * x[0] = 0, x[1] = sin(w) = sqrt(1 - cos^2) found by Newton's method. */
static double power_gain(double f, int *failed)
{
    static float x[N];
    const double w = 2.0 * 3.14159265358979323846 * f / FS;
    const double c = cos_series(w);
    double s = 1.0 - c * c, r = s > 0 ? s : 1.0;
    for (int k = 0; k < 60; k++) r = 0.5 * (r + s / r);
    double x1 = 0.0, x0 = r; /* x[0] = sin(0) = 0, x[1] = sin(w) */
    x[0] = 0.0f;
    for (int i = 1; i < N; i++) {
        x[i] = (float)x0;
        double next = 2.0 * c * x0 - x1;
        x1 = x0;
        x0 = next;
    }

    cramp_butter_spec spec = {CRAMP_BANDPASS, 4, FS, 20.0, 450.0};
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t n = 0;
    cramp_error err;
    if (cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &n, &err) != CRAMP_OK) {
        fprintf(stderr, "design failed: %s\n", err.message);
        *failed = 1;
        return 0.0;
    }
    cramp_filter *flt = NULL;
    cramp_status st = cramp_filter_create(&flt, sos, n, 1, NULL);
    if (st == CRAMP_OK) st = cramp_filter_process(flt, x, x, N);
    cramp_filter_destroy(flt);
    if (st != CRAMP_OK) {
        fprintf(stderr, "filter failed: %s\n", cramp_strerror(st));
        *failed = 1;
        return 0.0;
    }
    double p = 0.0;
    for (int i = N / 2; i < N; i++) p += (double)x[i] * (double)x[i];
    return p / (N / 2) / 0.5;
}

int main(void)
{
    int failed = 0;
    double pass = power_gain(100.0, &failed); /* in the band */
    double stop = power_gain(2.0, &failed);   /* far below it */
    printf("cramp %s: power gain at 100 Hz %.4f, at 2 Hz %.2e\n", cramp_version_string(), pass,
           stop);
    if (failed || pass < 0.98 || pass > 1.02 || stop > 1e-6) {
        printf("FAILED\n");
        return 1;
    }
    printf("OK\n");
    return 0;
}
