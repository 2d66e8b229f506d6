/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A detector made in parts (cramp__detector_create_parts, detect_internal.h),
 * as the night driver makes them on 2 threads (night_threads.c): one
 * without its spectral stage, given it later (cramp__detector_add_spectral),
 * and resting levels from a primer (a band ring of one chunk, no spectral
 * stage) primed apart and handed over (cramp__detector_take_primed), must
 * give the bytes of a detector made whole and primed itself: every segment
 * (spectral indices among them) and every resting level, on 3 and 8
 * channels at 1 and 2 kHz, primed in blocks smaller and larger than the
 * primer's ring and run in blocks of 4096. There must be EMG segments
 * with spectral indices to compare, and the primer's levels must be those
 * of a whole detector primed on the same frames. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect/detect_internal.h"
#include "testutil.h"

/* C channels of noise with bursts of 1-6 s every 5-20 s, channel c its own
   stream. */
static float *bursts(size_t C, double fs, size_t frames, unsigned seed)
{
    float *x = malloc(frames * C * sizeof *x);
    if (!x) return NULL;
    for (size_t c = 0; c < C; c++) {
        test_rng r = {seed * 977u + c};
        double on = 3 + 10 * test_rng_uniform(&r), off = 0, amp = 0;
        for (size_t t = 0; t < frames; t++) {
            const double s = (double)t / fs;
            if (s >= on) {
                off = s + 1 + 5 * test_rng_uniform(&r);
                amp = 40 + 200 * test_rng_uniform(&r);
                on = off + 5 + 15 * test_rng_uniform(&r);
            }
            x[t * C + c] = (float)(4 * test_rng_normal(&r) + (s < off ? amp * test_rng_normal(&r) : 0));
        }
    }
    return x;
}

typedef struct got {
    cramp_activity *seg;
    size_t n;
    double rest[CRAMP_DETECT_MAX_CHANNELS];
} got;

static void prime(cramp_detector *d, const float *x, size_t C, size_t frames, size_t block)
{
    for (size_t i = 0; i < frames; i += block) {
        const size_t n = frames - i < block ? frames - i : block;
        CHECK(cramp_detector_prime(d, x + i * C, n) == CRAMP_OK, "prime");
    }
}

/* d (primed or given its levels) run over x in blocks of 4096, finished. */
static void run(cramp_detector *d, const float *x, size_t C, size_t frames, got *o)
{
    const size_t block = 4096, cap = cramp_detector_max_output(d, block) + 3 * C;
    cramp_activity *buf = malloc(cap * sizeof *buf);
    o->seg = malloc((frames / block + 2) * cap * sizeof *o->seg);
    o->n = 0;
    if (!buf || !o->seg) {
        CHECK(0, "out of memory");
        free(buf);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < frames; i += block) {
        const size_t k = frames - i < block ? frames - i : block;
        CHECK(cramp_detector_process(d, x + i * C, k, buf, cap, &n) == CRAMP_OK, "process");
        memcpy(o->seg + o->n, buf, n * sizeof *buf);
        o->n += n;
    }
    CHECK(cramp_detector_finish(d, buf, cap, &n) == CRAMP_OK, "finish");
    memcpy(o->seg + o->n, buf, n * sizeof *buf);
    o->n += n;
    for (size_t c = 0; c < C; c++) o->rest[c] = cramp_detector_rest(d, c);
    free(buf);
}

static void check(size_t C, double fs, size_t pblock)
{
    const size_t frames = (size_t)(110 * fs), primed = (size_t)(60 * fs);
    float *x = bursts(C, fs, frames, (unsigned)(C * 10 + pblock));
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = fs;
    cramp_error err = {0};
    cramp_detector *whole = NULL, *d = NULL, *pr = NULL;
    got ref = {0}, o = {0};
    if (!x || cramp_detector_create(&whole, C, &cfg, NULL, &err) != CRAMP_OK ||
        cramp__detector_create_parts(&d, C, &cfg, NULL, 0, &err) != CRAMP_OK ||
        cramp__detector_create_parts(&pr, C, &cfg, NULL, CRAMP__DETECTOR_PRIMER, &err) !=
            CRAMP_OK) {
        CHECK(0, "%zu ch at %g Hz: %s", C, fs, err.message);
        goto end;
    }
    CHECK(d->spectral == NULL && pr->spectral == NULL && pr->ring_frames == CRAMP__CHUNK,
          "%zu ch: made without the spectral stage, the primer's ring one chunk", C);
    prime(whole, x, C, primed, pblock);
    prime(pr, x, C, primed, pblock);
    for (size_t c = 0; c < C; c++)
        CHECK(cramp_detector_rest(pr, c) == cramp_detector_rest(whole, c),
              "%zu ch at %g Hz, primed in blocks of %zu: channel %zu rest %.9g, whole %.9g", C,
              fs, pblock, c, cramp_detector_rest(pr, c), cramp_detector_rest(whole, c));
    cramp__detector_take_primed(d, pr);
    CHECK(cramp__detector_add_spectral(d, &err) == CRAMP_OK, "add_spectral: %s", err.message);
    run(whole, x, C, frames, &ref);
    run(d, x, C, frames, &o);
    size_t emg = 0, spec = 0;
    for (size_t i = 0; i < ref.n; i++)
        if (ref.seg[i].kind == CRAMP_ACTIVITY_EMG) {
            emg++;
            spec += isfinite(ref.seg[i].mnf_start_hz) != 0;
        }
    CHECK(emg >= C && spec >= 1, "%zu ch at %g Hz: %zu EMG segments, %zu with spectra", C, fs,
          emg, spec);
    CHECK(o.n == ref.n && !memcmp(o.seg, ref.seg, ref.n * sizeof *ref.seg) &&
              !memcmp(o.rest, ref.rest, C * sizeof ref.rest[0]),
          "%zu ch at %g Hz, primed in blocks of %zu: %zu segments in parts, %zu whole", C, fs,
          pblock, o.n, ref.n);
end:
    free(ref.seg);
    free(o.seg);
    cramp_detector_destroy(whole);
    cramp_detector_destroy(d);
    cramp_detector_destroy(pr);
    free(x);
}

int main(void)
{
    const size_t counts[] = {3, 8};
    const double rates[] = {1000, 2000};
    const size_t pblocks[] = {700, 5000};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 2; j++)
            for (size_t k = 0; k < 2; k++) check(counts[i], rates[j], pblocks[k]);
    return cramp_test_finish("detector_parts");
}
