/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole night through the moving RMS: 24 h at 2 kHz (172.8 M frames) of
 * quiet EMG with large bursts every ten minutes. Every 0.5 s the envelope is
 * compared with a fresh brute-force RMS over the last window, which must
 * agree to 1e-6 relative, including just after each burst has left the
 * window and at the very end of the night. Naive running sums (add the
 * newest square, subtract the oldest) are run on the same signal to show the
 * comparison can fail: in float the error after the first burst exceeds the
 * tolerance by orders of magnitude (asserted); in double it creeps past it
 * over the night with this seed (printed, not asserted: it is a random walk).
 *
 * Labelled slow (run with ctest -L slow, excluded by ctest -LE slow). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cramp/envelope.h"
#include "testutil.h"

#define FS 2000.0
#define HOURS 24
#define CHUNK 4000     /* frames per process call (2 s, a whole number of seconds) */
#define DECIM 20       /* 100 Hz envelope */
#define CHECK_EVERY 1000 /* frames between brute-force checks (0.5 s) */
#define TOL 1e-6

/* Standard deviation of the test signal at time t (s), in uV: 1 uV of quiet
 * that drifts slowly, 5 mV bursts of 3 s every 10 min and a 30 s stretch of
 * 200 uV every hour. The night ends with 297 s of quiet. */
static double sigma_at(double t)
{
    const double in_period = fmod(t, 600.0);
    if (in_period >= 300.0 && in_period < 303.0) return 5000.0;
    if (fmod(t, 3600.0) >= 1800.0 && fmod(t, 3600.0) < 1830.0) return 200.0;
    return 1.0 + 0.5 * sin(2.0 * 3.14159265358979323846 * t / 3600.0);
}

int main(void)
{
    const size_t total = (size_t)(HOURS * 3600.0 * FS);
    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = CRAMP_ENV_RMS;
    cfg.fs = FS;
    cfg.window_s = 0.25;
    cfg.decimation = DECIM;
    cramp_envelope *e = NULL;
    cramp_error err = {0};
    if (cramp_envelope_create(&e, 1, &cfg, &err) != CRAMP_OK) {
        CHECK(0, "create: %s", err.message);
        return cramp_test_finish("envelope_24h");
    }
    const size_t n_win = cramp_envelope_window_frames(e);
    CHECK(total % CHUNK == 0 && CHECK_EVERY % DECIM == 0, "test constants");

    float *x = malloc(CHUNK * sizeof *x);
    float *y = malloc(CHUNK * sizeof *y);
    float *ring = calloc(n_win, sizeof *ring); /* last n_win inputs, for the brute force */
    if (!x || !y || !ring) {
        CHECK(0, "out of memory");
        return cramp_test_finish("envelope_24h");
    }
    test_rng r = {0x24a11ULL};

    float naive_f = 0.0f;  /* running sum in float */
    double naive_d = 0.0;  /* running sum in double, for comparison */
    double worst = 0.0, worst_naive_f = 0.0, worst_naive_d = 0.0;
    size_t worst_at = 0, checks = 0, fails = 0, outputs = 0;
    double last_got = 0.0, last_ref = 0.0;
    double cpu = 0.0;

    for (size_t f0 = 0; f0 < total; f0 += CHUNK) {
        /* The level is set once a second (burst edges fall on whole
         * seconds); zero-mean uniform noise of that standard deviation. */
        double sigma = 0.0;
        for (size_t i = 0; i < CHUNK; i++) {
            if ((f0 + i) % (size_t)FS == 0) sigma = sigma_at((double)(f0 + i) / FS);
            x[i] = (float)(sigma * 3.4641016151377544 * (test_rng_uniform(&r) - 0.5));
        }
        size_t n_out = 0;
        const clock_t c0 = clock();
        cramp_status st = cramp_envelope_process(e, x, CHUNK, y, CHUNK, &n_out);
        cpu += (double)(clock() - c0) / CLOCKS_PER_SEC;
        if (st != CRAMP_OK || n_out != CHUNK / DECIM) {
            CHECK(0, "process at frame %zu: %s, %zu outputs", f0, cramp_strerror(st), n_out);
            break;
        }
        outputs += n_out;
        for (size_t i = 0; i < CHUNK; i++) {
            const size_t t = f0 + i;
            float *slot = &ring[t % n_win];
            const float old = *slot;
            *slot = x[i];
            naive_f += x[i] * x[i];
            naive_f -= old * old;
            naive_d += (double)x[i] * (double)x[i];
            naive_d -= (double)old * (double)old;
            if ((t + 1) % CHECK_EVERY != 0) continue;

            double s = 0.0;
            for (size_t j = 0; j < n_win; j++) s += (double)ring[j] * (double)ring[j];
            const double ref = sqrt(s / (double)n_win);
            /* output k is the envelope at frame (k+1)*DECIM - 1 */
            const double got = (double)y[(i + 1) / DECIM - 1];
            const double rel = fabs(got - ref) / ref;
            const double nf = sqrt(fmax((double)naive_f, 0.0) / (double)n_win);
            const double nd = sqrt(fmax(naive_d, 0.0) / (double)n_win);
            checks++;
            if (rel > TOL) fails++;
            if (rel > worst) {
                worst = rel;
                worst_at = t;
            }
            worst_naive_f = fmax(worst_naive_f, fabs(nf - ref) / ref);
            worst_naive_d = fmax(worst_naive_d, fabs(nd - ref) / ref);
            last_got = got;
            last_ref = ref;
        }
    }

    printf("envelope_24h: %zu frames (%.1f h at %g Hz), %zu outputs, RMS process %.2f s CPU "
           "(%.0f M samples/s)\n", total, (double)total / FS / 3600.0, FS, outputs, cpu,
           cpu > 0 ? (double)total / cpu / 1e6 : 0.0);
    printf("envelope_24h: %zu checks; worst relative error %.3g (at %.1f s); last output %.9g, "
           "brute force %.9g\n", checks, worst, (double)worst_at / FS, last_got, last_ref);
    printf("envelope_24h: naive running sum, worst relative error: float %.3g, double %.3g\n",
           worst_naive_f, worst_naive_d);

    CHECK(outputs == total / DECIM, "%zu outputs, expected %zu", outputs, total / DECIM);
    CHECK(checks == total / CHECK_EVERY, "%zu checks", checks);
    CHECK(fails == 0, "%zu of %zu checks off by more than %g relative (worst %.3g at %.1f s)",
          fails, checks, TOL, worst, (double)worst_at / FS);
    CHECK(fabs(last_got - last_ref) <= TOL * last_ref, "end of night: %.9g vs brute force %.9g",
          last_got, last_ref);
    /* The test's power: the naive float sum must fail the same tolerance. */
    CHECK(worst_naive_f > TOL, "a naive float running sum passed (%.3g): the signal does not "
          "exercise drift", worst_naive_f);

    cramp_envelope_destroy(e);
    free(x);
    free(y);
    free(ring);
    return cramp_test_finish("envelope_24h");
}
