/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads in pieces (lib/detect/night_threads.c, run_read_ticks with the
 * worker reading a recording itself): when the calling thread, out of
 * ticks, reads a block for the worker it decodes it in pieces of
 * SELF_READ_PIECE frames and publishes each, and the worker, waiting for
 * that very block, runs its front (filters, tick sums) on the pieces done
 * while the rest is decoded. The worker is made slow here before each block
 * (cramp__night_worker_block sleeps), so the calling thread runs out of
 * ticks and reads blocks for it, and the calling thread after each piece
 * (cramp__night_after_piece sleeps), so the worker takes pieces of blocks
 * still being decoded: the episodes and summary must be one
 * thread's bytes (EDF of 8 and 16 channels at 1 kHz, blocks of 4096, 3000
 * and 777 - one piece -, and 4096 with stage timers), the worker must
 * have taken such pieces (cramp__night_front_early: the path is taken; a
 * front on a piece put at the wrong frame or tick record changes the bytes),
 * and a read that fails (a bad TAL, TALs as read) while the calling thread
 * decodes in pieces fails the run with one thread's status and message,
 * nothing kept. Labelled `threads`: run under ThreadSanitizer too. */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/night_sim.h" /* public headers only */
#include "cramp/night.h"
#include "detect/night_internal.h"
#include "testutil.h"

static atomic_int pieces, early;

static void nap_ms(long ms)
{
    const struct timespec t = {0, ms * 1000 * 1000};
    nanosleep(&t, NULL);
}

/* The calling thread sleeps 2 ms after each piece it publishes: many times
 * what the worker's front takes for 1024 frames of 16 channels (under
 * ThreadSanitizer too). The worker sleeps 5 ms before each block: longer
 * than the calling thread's rest on a block's ticks (under ThreadSanitizer
 * too), shorter than its read of a block of 3 or 4 pieces. */
static void piece_late(void)
{
    atomic_fetch_add(&pieces, 1);
    nap_ms(2);
}
static void block_late(void) { nap_ms(5); }
static void took_early(void) { atomic_fetch_add(&early, 1); }

static void check(size_t channels, unsigned seed)
{
    night_files f;
    cramp_error err, err1;
    if (!night_sim_files(&f, channels, seed, 150, "read_pieces", &err)) return;
    cramp_status st = f.st;
    static const size_t blocks[] = {4096, 3000, 777, 4096}; /* the last with timers */
    cramp__night_after_piece = piece_late;
    cramp__night_worker_block = block_late;
    cramp__night_front_early = took_early;
    int read = 0, early_split = 0; /* blocks of more than one piece: pieces the
                                      calling thread read, the worker took early */
    for (size_t k = 0; k < 4 && st == CRAMP_OK; k++) {
        char what[96];
        snprintf(what, sizeof what, "%zu channels, 2 threads, blocks of %zu%s", channels,
                 blocks[k], k == 3 ? ", timers" : "");
        atomic_store(&pieces, 0);
        atomic_store(&early, 0);
        night_sim_two_same(&f, blocks[k], k == 3, what);
        if (blocks[k] > 1024) {
            read += atomic_load(&pieces);
            early_split += atomic_load(&early);
        }
    }
    CHECK(read > 0, "%zu channels: the calling thread read no block", channels);
    CHECK(early_split > 0, "%zu channels: the worker never took a piece of a block being read",
          channels);
    if (st == CRAMP_OK) cramp_night_result_free(&f.ref);
    /* the bad TAL at record 150 */
    cramp__night_after_piece = NULL;
    cramp__night_worker_block = NULL;
    cramp__night_front_early = NULL;
    const cramp_status st1 = night_sim_bad_one(&f, channels, 150, &err1);
    cramp__night_after_piece = piece_late;
    cramp__night_worker_block = block_late;
    cramp__night_front_early = took_early;
    for (size_t k = 0; k < 2; k++) night_sim_bad_as_one(&f, channels, blocks[k], st1, &err1);
    cramp__night_after_piece = NULL;
    cramp__night_worker_block = NULL;
    cramp__night_front_early = NULL;
    night_sim_files_done(&f);
}

int main(void)
{
    check(8, 45);
    check(16, 47);
    return cramp_test_finish("night_read_pieces");
}
