/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Priming apart (lib/detect/night_threads.c, run_read_ticks with the worker
 * reading a recording itself): on 2 threads the worker starts on the night
 * from frame 0 before the calling thread primes; the calling thread primes
 * a second detector with the first minute and hands its resting levels to
 * the worker's (cramp__detector_take_primed). The priming is made to start
 * late here (cramp__night_before_prime_apart sleeps), so the worker runs
 * well ahead of it, fills its rings and decodes ahead: the episodes and
 * summary must still be one thread's bytes (EDF of 8 and 16 channels at
 * 1 kHz, blocks of 4096 and 777, with and without stage timers), the hook
 * must have run once per 2-thread run (the path is taken), and a read that
 * fails two records after the first minute (a bad TAL, TALs as read) while
 * the calling thread has not primed yet fails the run with one thread's
 * status and message, nothing kept. Labelled `threads`: run under
 * ThreadSanitizer too. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/night_sim.h" /* public headers only */
#include "cramp/night.h"
#include "detect/night_internal.h"
#include "testutil.h"

static int hook_calls;

/* The calling thread starts priming 100 ms late: about 20 times what the
 * worker takes for 62 s of 8 channels at 1 kHz without sanitizers. */
static void prime_late(void)
{
    hook_calls++;
    const struct timespec t = {0, 100 * 1000 * 1000};
    nanosleep(&t, NULL);
}

static void check(size_t channels, unsigned seed)
{
    night_files f;
    cramp_error err, err1;
    if (!night_sim_files(&f, channels, seed, 62, "prime_apart", &err)) return;
    cramp_status st = f.st;
    static const size_t blocks[] = {4096, 777};
    cramp__night_before_prime_apart = prime_late;
    for (size_t k = 0; k < 4 && st == CRAMP_OK; k++) {
        char what[96];
        snprintf(what, sizeof what, "%zu channels, 2 threads, blocks of %zu%s", channels,
                 blocks[k % 2], k >= 2 ? ", timers" : "");
        hook_calls = 0;
        night_sim_two_same(&f, blocks[k % 2], k >= 2, what);
        CHECK(hook_calls == 1, "%s: primed apart %d times, expected once", what, hook_calls);
    }
    if (st == CRAMP_OK) cramp_night_result_free(&f.ref);
    /* the bad TAL at record 62: the worker's read fails before the priming */
    cramp__night_before_prime_apart = NULL;
    const cramp_status st1 = night_sim_bad_one(&f, channels, 62, &err1);
    cramp__night_before_prime_apart = prime_late;
    for (size_t k = 0; k < 2; k++) {
        hook_calls = 0;
        night_sim_bad_as_one(&f, channels, blocks[k], st1, &err1);
        CHECK(hook_calls == 1, "%zu channels, bad TAL: primed apart %d times", channels,
              hook_calls);
    }
    cramp__night_before_prime_apart = NULL;
    night_sim_files_done(&f);
}

int main(void)
{
    check(8, 41);
    check(16, 43);
    return cramp_test_finish("night_prime_apart");
}
