/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Step 4 of the night driver (cramp/night.h, night.c): one rate group's
 * detectors, in the calling thread or on worker threads: the parts (a
 * detector over whole SIMD vectors of channels), the rings of blocks between
 * the reading thread and the workers, the pipelined part (filter stage and
 * rest on two workers), the 2-thread split at the ticks (run_read_ticks: a
 * worker filters and sums the ticks, the reader runs the rest) and the
 * 2-thread cut of the filter stage (run_read_filter: a group of one vector
 * of channels or fewer, or a cut a test forces; the reader band-passes, the
 * comb and motion band go where the measured thread CPU time balances the
 * two threads). */
#define _POSIX_C_SOURCE 200809L
#include "cramp/night.h"
#include "core/internal.h"
#include "detect/detect_internal.h"
#include "detect/night_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One detector over channels [first, first + n) of a group. The calling
 * thread sets it up; with worker threads one worker then owns it (detector,
 * buffers, segments, status) until the join. */
typedef struct part {
    const cramp_night_group *g;
    size_t first, n;
    cramp_detector *d;
    float *buf;               /* block_frames x n, its channels of a block; NULL
                                 when the part is the whole group */
    size_t buf_frames;
    cramp_activity *tmp;
    size_t tcap;
    cramp__seg_list segs;
    cramp_status st;
    cramp_error err;
    const float *prime;       /* the group's first minute (primed x g->n) */
    const cramp_detect_channel *info; /* its channels' (rails), for a
                                 detector primed apart (prime_apart) */
    struct ring *ring;        /* NULL: run by the calling thread */
    pthread_t tid;
    /* a pipelined part: the filter stage on one worker (tid, writing
       `stage`), the rest of the detector on another (tid2, reading it) */
    struct ring *stage;       /* NULL: one worker runs the whole detector */
    pthread_t tid2;
    int prof;                 /* profiling */
    cramp_status st_filter;   /* the filter worker's status (st: the other's) */
    struct cut *cut;          /* 2 threads, one part: the measured costs
                                 that move the cut (NULL: no cut moves) */
    double late_s;            /* the filter stages the second worker ran:
                                 their time (profiling) */
    double cpu_s[2], wait_s[2]; /* profiling: the CPU time of its worker
                                 threads (tid, tid2) and their wall time
                                 waiting for a block, s */
} part;

/* Its channels of frames (interleaved over the group's g->n) into p->buf. */
static const float *part_frames(part *p, const float *frames, size_t k)
{
    if (!p->buf) return frames;
    const size_t gn = p->g->n, n = p->n;
    const float *src = frames + p->first;
    for (size_t i = 0; i < k; i++)
        for (size_t c = 0; c < n; c++) p->buf[i * n + c] = src[i * gn + c];
    return p->buf;
}

static cramp_status part_prime(part *p)
{
    const size_t primed = p->g->primed, chunk = p->buf ? p->buf_frames : primed;
    for (size_t i = 0; i < primed || i == 0; i += chunk) {
        const size_t k = primed - i < chunk ? primed - i : chunk;
        cramp_status st = cramp_detector_prime(p->d, part_frames(p, p->prime + i * p->g->n, k), k);
        if (st != CRAMP_OK || k == 0) return st;
    }
    return CRAMP_OK;
}

/* The segments in tmp[0..m) to p->segs, in the night's channel order. */
static cramp_status part_keep(part *p, size_t m)
{
    for (size_t q = 0; q < m; q++) {
        p->tmp[q].channel = p->g->member[p->first + p->tmp[q].channel];
        if (cramp__night_push(&p->segs, &p->tmp[q]) != CRAMP_OK) return CRAMP_ENOMEM;
    }
    return CRAMP_OK;
}

/* One block (k > 0 frames of the group), or the end (k == 0). */
static cramp_status part_block(part *p, const float *frames, size_t k)
{
    size_t m = 0;
    if (k == 0) {
        cramp_detector_finish(p->d, p->tmp, p->tcap, &m);
    } else if (cramp_detector_process(p->d, part_frames(p, frames, k), k, p->tmp, p->tcap, &m) !=
               CRAMP_OK) {
        return CRAMP_ERANGE;
    }
    return part_keep(p, m);
}

/* The depth of the tick split's rings (run_read_ticks on a recording the
 * worker reads itself): its ring of ticks (a slot: one block's tick sums, 39
 * KB at 8 ch x 2 kHz and blocks of 4096) and the calling thread's slots of
 * blocks it reads for the worker (128 KB each there). Deeper than the
 * other rings (CRAMP_NIGHT_RING_BLOCKS, 8): the calling thread can read up
 * to this many blocks ahead of the worker, so it reads most blocks (the
 * measured CPU rule, not a full ring, stops it) and the worker sleeps and
 * wakes it less often (each sleeper waits for half the ring). 8 h x 8 ch x
 * 2 kHz EDF, 2-core KVM AMD EPYC, load 6 (counts from a debug print, not
 * kept): the calling thread read 11245-11519 of the 14063 blocks and waited
 * for ticks 304-342 times with 32, against 7957-7996 and 1328-1489 with 8
 * (10495-10576, 580-642 with 16); voluntary context switches of the run
 * 6000 -> 1300-2000. Memory: the slots and the detector's band ring (the
 * worker's band may run this many blocks ahead) grow by 24 blocks each:
 * about 6 MB at 8 ch x 2 kHz, flat in the night's length. */
#define TICK_RING_BLOCKS 32
#define TICK_RING_BYTES ((size_t)4 << 20) /* at most, of read blocks */
#define RING_MAX                                                                           \
    (TICK_RING_BLOCKS > CRAMP_NIGHT_RING_BLOCKS ? TICK_RING_BLOCKS : CRAMP_NIGHT_RING_BLOCKS)

/* The tick split's depth for group g: TICK_RING_BLOCKS, fewer where that
 * many read blocks would pass TICK_RING_BYTES (16 at 16 ch x 4096 frames),
 * never under CRAMP_NIGHT_RING_BLOCKS. */
static size_t tick_depth(const cramp_night_options *o, const cramp_night_group *g)
{
    const size_t block = o->block_frames * g->n * sizeof(float);
    size_t d = block ? TICK_RING_BYTES / block : TICK_RING_BLOCKS;
    if (d > TICK_RING_BLOCKS) d = TICK_RING_BLOCKS;
    return d < CRAMP_NIGHT_RING_BLOCKS ? CRAMP_NIGHT_RING_BLOCKS : d;
}

/* Blocks in flight between the calling thread (reads) and the workers. A
 * slot is refilled once every part has processed it (left[s] == 0). A
 * thread that has to wait sleeps until q->take_batch blocks (a reader) or
 * q->free_batch slots (the writer) are there, not one: one wake-up, a system
 * call on each side, per batch when one side is faster. */
typedef struct ring {
    pthread_mutex_t mu;
    pthread_cond_t filled_cv, free_cv;
    size_t depth;             /* slots (CRAMP_NIGHT_RING_BLOCKS, or
                                 TICK_RING_BLOCKS: the tick split's) */
    size_t take_batch;        /* the blocks a sleeping reader waits for */
    size_t free_batch;        /* the slots the sleeping writer waits for */
    void *mem;                /* the slots, one allocation */
    float *slot[RING_MAX];
    size_t frames[RING_MAX];
    size_t left[RING_MAX];
    unsigned late[RING_MAX]; /* a stage ring's: the filter stages
                                 (CRAMP__FILTER_*) left to its reader, per slot;
                                 written before the slot is published */
    uint64_t filled;          /* blocks published */
    uint64_t freed;           /* blocks every reader has released (each reader
                                 releases in order, so they end in order) */
    uint64_t want_filled;     /* the fewest blocks a sleeping reader waits for
                                 (UINT64_MAX: none sleeps) */
    uint64_t want_freed;      /* the same for released blocks, the writer */
    int writer_waits;         /* the writer sleeps: a reader takes what is there */
    int ended;                /* the last block (0 frames) is published */
    int stop;                 /* a read or a worker failed: everybody stops */
} ring;


static void ring_stop(ring *q)
{
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_broadcast(&q->filled_cv);
    pthread_cond_broadcast(&q->free_cv);
    pthread_mutex_unlock(&q->mu);
}

/* A ring of `depth` (<= RING_MAX) slots of `floats` floats each; CRAMP_OK
 * or CRAMP_ENOMEM. The slots are one allocation, on huge pages from 2 MB on
 * (cramp__alloc_huge): the tick split's rings are 1-4 MB touched once each,
 * which in 4-KB pages was about 2400 page faults a run on 2 threads (6100
 * minor faults against 3650 on one thread, 1 h x 8 ch). */
static cramp_status ring_init(ring *q, size_t floats, size_t depth)
{
    memset(q, 0, sizeof *q);
    q->want_filled = q->want_freed = UINT64_MAX;
    q->depth = depth;
    q->take_batch = q->free_batch = depth / 2;
    if (!floats) floats = 1;
    if (floats > (SIZE_MAX - 63) / sizeof(float) / depth) return CRAMP_ENOMEM;
    /* each slot on its own cache lines */
    const size_t per = (floats * sizeof(float) + 63) / 64 * 64, bytes = per * depth;
    q->mem = cramp__alloc_huge(bytes, 64);
    if (!q->mem) {
        memset(q, 0, sizeof *q);
        return CRAMP_ENOMEM;
    }
    for (size_t s = 0; s < depth; s++) q->slot[s] = (float *)((char *)q->mem + s * per);
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        free(q->mem);
        memset(q, 0, sizeof *q);
        return CRAMP_ENOMEM;
    }
    pthread_cond_init(&q->filled_cv, NULL);
    pthread_cond_init(&q->free_cv, NULL);
    return CRAMP_OK;
}

static void ring_free(ring *q)
{
    if (!q->depth) return; /* never made (its memory may be gone: self_read_done) */
    pthread_cond_destroy(&q->filled_cv);
    pthread_cond_destroy(&q->free_cv);
    pthread_mutex_destroy(&q->mu);
    free(q->mem);
    memset(q, 0, sizeof *q);
}

/* Waits until block seq is published in q; its frames, or SIZE_MAX when
 * the run stops. Sleeping, it waits for q->take_batch blocks (or the last).
 * The wall time it waited added to *wait when wait is not NULL. */
static size_t ring_take(ring *q, uint64_t seq, double *wait)
{
    const size_t s = (size_t)(seq % q->depth);
    pthread_mutex_lock(&q->mu);
    if (q->filled <= seq && !q->stop) {
        /* unless the writer waits for this reader (ring_wait_released) */
        const uint64_t want = seq + q->take_batch;
        const double t0 = wait ? cramp_clock_s() : 0;
        while ((q->filled <= seq || (q->filled < want && !q->writer_waits)) && !q->ended &&
               !q->stop) {
            if (want < q->want_filled) q->want_filled = want;
            pthread_cond_wait(&q->filled_cv, &q->mu);
        }
        if (wait) *wait += cramp_clock_s() - t0;
    }
    const size_t k = q->stop ? SIZE_MAX : q->frames[s];
    pthread_mutex_unlock(&q->mu);
    return k;
}

/* One reader is done with block seq of q. */
static void ring_release(ring *q, uint64_t seq)
{
    const size_t s = (size_t)(seq % q->depth);
    pthread_mutex_lock(&q->mu);
    if (--q->left[s] == 0) {
        q->freed = seq + 1;
        if (q->freed >= q->want_freed) {
            q->want_freed = UINT64_MAX;
            pthread_cond_broadcast(&q->free_cv);
        }
    }
    pthread_mutex_unlock(&q->mu);
}

/* Waits until every reader has released blocks [0, n) of q; 0 when the run
 * stops. Sleeping, it waits for q->free_batch - 1 more of the blocks published.
 * The wall time it waited added to *wait when wait is not NULL. */
static int ring_wait_released(ring *q, uint64_t n, double *wait)
{
    pthread_mutex_lock(&q->mu);
    if (q->freed < n && !q->stop) {
        uint64_t want = n + q->free_batch - 1;
        if (want > q->filled) want = q->filled;
        if (want < n) want = n;
        const double t0 = wait ? cramp_clock_s() : 0;
        /* a reader waiting for a batch takes the blocks there are */
        q->writer_waits = 1;
        if (q->want_filled != UINT64_MAX) {
            q->want_filled = UINT64_MAX;
            pthread_cond_broadcast(&q->filled_cv);
        }
        while (q->freed < want && !q->stop) {
            if (want < q->want_freed) q->want_freed = want;
            pthread_cond_wait(&q->free_cv, &q->mu);
        }
        q->writer_waits = 0;
        if (wait) *wait += cramp_clock_s() - t0;
    }
    const int go = !q->stop;
    pthread_mutex_unlock(&q->mu);
    return go;
}

/* Waits until the slot of block seq of q is free for writing; 0 when the run
 * stops. */
static int ring_wait_free(ring *q, uint64_t seq, double *wait)
{
    const uint64_t n = seq + 1 > q->depth ? seq + 1 - q->depth : 0;
    return ring_wait_released(q, n, wait);
}

/* 1 if the slot of block seq of q is free for writing now (no wait). */
static int ring_free_now(ring *q, uint64_t seq)
{
    pthread_mutex_lock(&q->mu);
    const int go = seq < q->depth || q->freed + q->depth > seq;
    pthread_mutex_unlock(&q->mu);
    return go;
}

/* Publishes block seq of q (k frames; 0: the last) to `readers` readers. */
static void ring_publish(ring *q, uint64_t seq, size_t k, size_t readers)
{
    const size_t s = (size_t)(seq % q->depth);
    pthread_mutex_lock(&q->mu);
    q->frames[s] = k;
    q->left[s] = readers;
    q->filled = seq + 1;
    if (k == 0) q->ended = 1;
    if (q->filled >= q->want_filled || k == 0) {
        q->want_filled = UINT64_MAX;
        pthread_cond_broadcast(&q->filled_cv);
    }
    pthread_mutex_unlock(&q->mu);
}

/* The thread's CPU time, s (the cut's costs: not inflated when another
 * process takes the core). */
double cramp__night_thread_cpu_s(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The next piece of a block that starts at the filter stage's frame `at`
 * (k frames, i of them done): at most CRAMP__CHUNK frames and not across the
 * end of the detector's band ring; where its band goes there into *band. */
static size_t block_piece(part *p, uint64_t at, size_t i, size_t k, float **band)
{
    size_t span;
    *band = cramp__detector_ring_at(p->d, at + i, &span);
    const size_t m = k - i < CRAMP__CHUNK ? k - i : CRAMP__CHUNK;
    return m < span ? m : span;
}

/* The filter stage of a pipelined part over one block at frame `at`: in (k
 * frames of its n channels; may be the slot's first half) into a stage-ring
 * slot (the finite input and the motion band, buf_frames x n each) and the
 * band straight into the detector's ring (cramp__detector_ring_ahead made
 * room for the blocks in flight: no copy), in pieces as cramp_detector_process
 * does; the comb and motion band only when in `stages` (CRAMP__FILTER_*;
 * with the motion band, one pass of the filters over the input). The status
 * in p->st_filter. */
static cramp_status filter_block(part *p, unsigned stages, const float *in, size_t k,
                                 float *slot, uint64_t at)
{
    const size_t n = p->n;
    float *raw = slot, *motion = raw + p->buf_frames * n;
    for (size_t i = 0, m; i < k; i += m) {
        float *band;
        m = block_piece(p, at, i, k, &band);
        const float *r = cramp__detector_filter(p->d, stages, in + i * n, m, raw + i * n, band,
                                                motion + i * n, &p->st_filter);
        if (p->st_filter != CRAMP_OK) return p->st_filter;
        if (r != raw + i * n) memcpy(raw + i * n, r, m * n * sizeof *raw);
    }
    return CRAMP_OK;
}

/* Filter stages a filter_block call left out (`stages`, CRAMP__FILTER_*) on
 * a stage-ring slot of k frames at frame `at` (its band in the detector's
 * ring), each stage in pieces as filter_block did. The wall time added to
 * *wall when it is not NULL. */
static cramp_status filter_late(part *p, unsigned stages, float *slot, size_t k, uint64_t at,
                                double *wall)
{
    const size_t n = p->n;
    float *raw = slot, *motion = raw + p->buf_frames * n;
    const double t0 = wall ? cramp_clock_s() : 0;
    cramp_status st = CRAMP_OK;
    for (unsigned b = 0; b < 2 && st == CRAMP_OK; b++) {
        const unsigned one = b ? CRAMP__FILTER_MOTION : CRAMP__FILTER_COMB;
        if (!(stages & one)) continue;
        for (size_t i = 0, m; i < k && st == CRAMP_OK; i += m) {
            float *band;
            m = block_piece(p, at, i, k, &band);
            st = cramp__detector_filter_late(p->d, one, raw + i * n, band, motion + i * n, m);
        }
    }
    if (wall) *wall += cramp_clock_s() - t0;
    return st;
}

/* Where a 2-thread run cuts the filter stage (run_read_filter): the reader
 * reads and band-passes, the worker runs the rest of the detector, and the
 * comb and motion band go to either side (`late`: the stages the worker
 * runs; the reader runs the motion band in one pass with the band-pass, and
 * the comb in it too when it keeps it, so the stages' costs do not add up).
 * Every cut's thread CPU time per frame on each side is measured as the run
 * goes (so a costly read, a notch cascade in the band-pass or another
 * channel count move the cut); the cut whose busier side is least busy is
 * run. A cut's figures are those of the last turn it ran (CUT_EVERY blocks),
 * the least of its timed blocks: another process on the core, a page fault
 * or a cold cache only add to a block's time, and figures of neighbouring
 * turns, taken alike, compare fairly on a machine whose load moves (a
 * longer memory kept a figure from a quiet minute that no later turn could
 * match). Under the stage ring's mutex. */
#define CUT_CUTS (CRAMP__FILTER_ALL + 1)
typedef struct cut {
    double side[CUT_CUTS][2]; /* per frame, s: the reader's, the worker's */
    uint64_t at[CUT_CUTS][2]; /* the turn of that figure + 1 (0: none) */
    uint64_t ran[CUT_CUTS];   /* the turn it was last chosen */
    uint64_t turns;           /* choices made */
    unsigned late;            /* the stages the worker runs now */
    unsigned stages;          /* the stages there are (cramp__detector_stages) */
} cut;

enum { CUT_READER, CUT_WORKER };

/* Blocks timed: one in CUT_SAMPLE (a thread's CPU clock is a system call,
 * about 0.5 us here: on every block, 4 % of the work of 8 channels). */
#define CUT_SAMPLE 4
/* Every CUT_RETRY choices the cut run longest ago runs again (its
 * figures may be stale: the read's cost moves with the page cache). */
#define CUT_RETRY 16

/* One timed block (block seq) of one side (CUT_READER, CUT_WORKER) run
 * with the worker running `late`: its thread CPU time per frame v into that
 * cut's figure for the block's turn; under mu. */
static void cut_measured(cut *c, pthread_mutex_t *mu, unsigned side, unsigned late, uint64_t seq,
                         double v)
{
    const uint64_t turn = seq / CRAMP__NIGHT_CUT_EVERY + 1;
    pthread_mutex_lock(mu);
    if (c->at[late][side] != turn || v < c->side[late][side]) c->side[late][side] = v;
    c->at[late][side] = turn;
    pthread_mutex_unlock(mu);
}

/* The busier side's time per frame with the worker running `late`. */
static double cut_span(const cut *c, unsigned late)
{
    const double *s = c->side[late];
    return s[CUT_READER] > s[CUT_WORKER] ? s[CUT_READER] : s[CUT_WORKER];
}

/* 1: the worker running `late` is a cut there is (the stages in it exist). */
static int cut_exists(const cut *c, unsigned late) { return !(late & ~c->stages); }

/* Both sides' time per frame (a cut that splits a fused filter pass costs
 * more in all). */
static double cut_total(const cut *c, unsigned late)
{
    return c->side[late][CUT_READER] + c->side[late][CUT_WORKER];
}

/* The stages the worker should run next: each cut there is, once, in
 * turn; then, of the cuts whose span is within 3 % of the shortest, the one
 * with the least work in all, kept unless it is 3 % better than the one
 * running (no moving back and forth on noise); every CUT_RETRY turns the cut
 * run longest ago. */
static unsigned cut_choose(cut *c)
{
    unsigned next = c->late;
    c->turns++;
    int fresh = 0;
    for (unsigned late = 0; late < CUT_CUTS && !fresh; late++)
        if (cut_exists(c, late) && (!c->at[late][CUT_READER] || !c->at[late][CUT_WORKER])) {
            next = late;
            fresh = 1;
        }
    if (!fresh && c->turns % CUT_RETRY == 0) {
        for (unsigned late = 0; late < CUT_CUTS; late++)
            if (cut_exists(c, late) && late != c->late &&
                (next == c->late || c->ran[late] < c->ran[next]))
                next = late;
    } else if (!fresh) {
        double shortest = cut_span(c, c->late);
        for (unsigned late = 0; late < CUT_CUTS; late++)
            if (cut_exists(c, late) && cut_span(c, late) < shortest) shortest = cut_span(c, late);
        for (unsigned late = 0; late < CUT_CUTS; late++)
            if (cut_exists(c, late) && cut_span(c, late) <= 1.03 * shortest &&
                (cut_span(c, next) > 1.03 * shortest || cut_total(c, late) < cut_total(c, next)))
                next = late;
        if (cut_span(c, c->late) <= 1.03 * shortest &&
            !(cut_total(c, next) < 0.97 * cut_total(c, c->late)))
            next = c->late;
    }
    c->ran[next] = c->turns;
    return next;
}

/* One block (k frames of the group at the part's frame `at`, from the
 * group's ring) into a stage-ring slot; CRAMP_OK or the failure. */
typedef cramp_status (*stage_fn)(part *p, void *state, const float *in, size_t k, float *slot,
                                 uint64_t at);

/* A worker between two rings: each block of p->ring through `block` into
 * the same block's slot of p->stage, in order, until the end (published)
 * or a stop (a failure stops both rings). */
static void stage_loop(part *p, stage_fn block, void *state)
{
    ring *q = p->ring, *out = p->stage;
    double *wait = p->prof ? &p->wait_s[0] : NULL;
    for (uint64_t seq = 0, at = 0;; seq++) {
        const size_t k = ring_take(q, seq, wait);
        if (k == SIZE_MAX || !ring_wait_free(out, seq, wait)) break;
        if (block(p, state, q->slot[seq % q->depth], k, out->slot[seq % out->depth], at) !=
            CRAMP_OK) {
            ring_stop(q);
            ring_stop(out);
            return;
        }
        ring_release(q, seq);
        ring_publish(out, seq, k, 1);
        at += k;
        if (k == 0) return;
    }
    ring_stop(out); /* the group's ring stopped */
}

/* The filter stage of a pipelined part on one block (stage_fn): its
 * channels, the finite input and the motion band into the slot, the band
 * into the detector's ring. */
static cramp_status filter_stage(part *p, void *state, const float *in, size_t k, float *slot,
                                 uint64_t at)
{
    (void)state;
    return filter_block(p, CRAMP__FILTER_ALL, part_frames(p, in, k), k, slot, at);
}

/* A pipelined part's first worker: primes, then runs the filter stage on
 * each block of the group's ring into the part's stage ring (a slot: the
 * finite input and the motion band, buf_frames x n each) and the band into
 * the detector's ring. */
static void filter_loop(part *p)
{
    if ((p->st_filter = part_prime(p)) != CRAMP_OK) {
        ring_stop(p->ring);
        ring_stop(p->stage);
        return;
    }
    cramp__detector_begin(p->d, p->tmp, p->tcap);
    stage_loop(p, filter_stage, NULL);
}

/* A worker thread's end: its CPU time into p->cpu_s[which] (profiling). */
static void *worker_end(part *p, int which)
{
    if (p->prof) p->cpu_s[which] = cramp__night_thread_cpu_s();
    return NULL;
}

static void *filter_worker(void *arg)
{
    filter_loop(arg);
    return worker_end(arg, 0);
}

/* A pipelined part's second worker: the rest of the detector on the filter
 * stage's blocks, then the end. */
static void rest_loop(part *p)
{
    ring *q = p->stage;
    double *wait = p->prof ? &p->wait_s[1] : NULL;
    for (uint64_t seq = 0, at = 0;; seq++) {
        /* a timed block: from here to its release, the work and the
           hand-over's system calls (not the sleep) */
        const int timed = p->cut && seq % CUT_SAMPLE == 0;
        const double c0 = timed ? cramp__night_thread_cpu_s() : 0;
        unsigned late = 0;
        const size_t k = ring_take(q, seq, wait);
        if (k == SIZE_MAX) return;
        size_t m = 0;
        if (k == 0) {
            cramp_detector_finish(p->d, p->tmp, p->tcap, &m);
        } else {
            const size_t s = (size_t)(seq % q->depth);
            float *raw = q->slot[s];
            late = q->late[s];
            if (late &&
                (p->st = filter_late(p, late, raw, k, at, p->prof ? &p->late_s : NULL)) !=
                    CRAMP_OK) {
                if (p->ring) ring_stop(p->ring);
                ring_stop(q);
                return;
            }
            cramp__detector_begin(p->d, p->tmp, p->tcap);
            /* the band is in the detector's ring already */
            cramp__detector_consume(p->d, raw, NULL, raw + p->buf_frames * p->n, k);
            m = cramp__detector_outputs(p->d);
        }
        if ((p->st = part_keep(p, m)) != CRAMP_OK) {
            if (p->ring) ring_stop(p->ring);
            ring_stop(q);
            return;
        }
        if (k == 0) return;
        /* measured before the release: the reader's next choice sees it */
        if (timed)
            cut_measured(p->cut, &q->mu, CUT_WORKER, late, seq,
                         (cramp__night_thread_cpu_s() - c0) / (double)k);
        ring_release(q, seq);
        at += k;
    }
}

static void *rest_worker(void *arg)
{
    rest_loop(arg);
    return worker_end(arg, 1);
}

static void part_loop(part *p)
{
    ring *q = p->ring;
    if ((p->st = part_prime(p)) != CRAMP_OK) {
        ring_stop(q);
        return;
    }
    for (uint64_t seq = 0;; seq++) {
        const size_t k = ring_take(q, seq, p->prof ? &p->wait_s[0] : NULL);
        if (k == SIZE_MAX) return;
        if ((p->st = part_block(p, q->slot[seq % q->depth], k)) != CRAMP_OK) {
            ring_stop(q);
            return;
        }
        if (k == 0) return;
        ring_release(q, seq);
    }
}

static void *part_worker(void *arg)
{
    part_loop(arg);
    return worker_end(arg, 0);
}

/* Worker threads for a run: opt->threads, 0 = one per online core. */
static size_t night_threads(const cramp_night_options *o)
{
    if (o->threads) return o->threads;
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 1 ? (size_t)n : 1;
}

/* Channels per part: opt->part_channels, or the lanes of the filters' vector
 * (the filters run on the best path; a part narrower than it costs as much
 * per frame as a full vector). */
static size_t part_width(const cramp_night_options *o)
{
    if (o->part_channels) return o->part_channels;
    switch (cramp_simd_best()) {
    case CRAMP_SIMD_AVX512: return 8;
    case CRAMP_SIMD_AVX2: return 4;
    default: return 1;
    }
}

/* After a block of k frames is read: on_block, the group's frame count and
 * the progress (done_s of total_s seconds done before this group). */
static void block_read(const cramp_night_options *o, cramp_night_group *g, const float *frames,
                       size_t k, double done_s, double total_s)
{
    if (k == 0) return;
    if (o->on_block) o->on_block(o->block_user, g, frames, k);
    g->frames += k;
    if (o->progress && total_s > 0)
        o->progress(o->progress_user, fmin(1.0, (done_s + (double)g->frames / g->fs) / total_s));
}

/* Reads the group's blocks into the ring until the end, a failure or a stop;
 * the calling thread's side of a threaded group. */
static cramp_status feed_ring(const cramp_night_source *src, const cramp_night_options *o,
                              cramp_night_group *g, const size_t *idx, ring *q, size_t parts,
                              double done_s, double total_s, cramp_error *err,
                              cramp_profile *prof)
{
    for (uint64_t seq = 0;; seq++) {
        const size_t s = (size_t)(seq % q->depth);
        /* a stop: a worker failed, its status is the run's */
        if (!ring_wait_free(q, seq, prof ? &g->reader_wait_s : NULL)) return CRAMP_OK;
        size_t k = 0;
        cramp_status st =
            cramp__night_read(src, idx, g->n, q->slot[s], o->block_frames, &k, err, prof);
        if (st != CRAMP_OK) {
            ring_stop(q);
            return st;
        }
        block_read(o, g, q->slot[s], k, done_s, total_s);
        ring_publish(q, seq, k, parts);
        if (k == 0) return CRAMP_OK;
    }
}

/* The group's parts on worker threads (two for a pipelined part), the
 * calling thread reading. */
static cramp_status run_threaded(const cramp_night_source *src, const cramp_night_options *o,
                                 cramp_night_group *g, const size_t *idx, part *pt, size_t np,
                                 size_t piped, double done_s, double total_s, cramp_error *err,
                                 cramp_profile *prof)
{
    ring q;
    ring stage[CRAMP_DETECT_MAX_CHANNELS];
    memset(stage, 0, sizeof stage);
    cramp_status st = ring_init(&q, o->block_frames * g->n, CRAMP_NIGHT_RING_BLOCKS);
    for (size_t i = 0; i < piped && st == CRAMP_OK; i++)
        st = ring_init(&stage[i], 2 * o->block_frames * pt[i].n, CRAMP_NIGHT_RING_BLOCKS);
    if (st != CRAMP_OK) {
        for (size_t i = 0; i < piped; i++) ring_free(&stage[i]);
        ring_free(&q);
        return cramp__fail(err, st, "out of memory");
    }
    size_t started = 0, threads = 0;
    unsigned char second[CRAMP_DETECT_MAX_CHANNELS] = {0}; /* tid2 runs */
    for (; started < np; started++) {
        part *p = &pt[started];
        p->ring = &q;
        p->stage = started < piped ? &stage[started] : NULL;
        if (pthread_create(&p->tid, NULL, p->stage ? filter_worker : part_worker, p) != 0) {
            st = cramp__fail(err, CRAMP_ENOMEM, "night: cannot start a thread (%zu running)",
                             threads);
            ring_stop(&q);
            break;
        }
        threads++;
        if (p->stage && pthread_create(&p->tid2, NULL, rest_worker, p) != 0) {
            st = cramp__fail(err, CRAMP_ENOMEM, "night: cannot start a thread (%zu running)",
                             threads);
            ring_stop(&q);
            ring_stop(&stage[started]);
            started++;
            break;
        }
        if (p->stage) {
            threads++;
            second[started] = 1;
        }
    }
    if (st == CRAMP_OK) st = feed_ring(src, o, g, idx, &q, np, done_s, total_s, err, prof);
    for (size_t i = 0; i < started; i++) {
        pthread_join(pt[i].tid, NULL);
        if (second[i]) pthread_join(pt[i].tid2, NULL);
        if (pt[i].st == CRAMP_OK) pt[i].st = pt[i].st_filter;
    }
    g->threads = threads;
    for (size_t i = 0; i < piped; i++) ring_free(&stage[i]);
    ring_free(&q);
    return st;
}

/* Two threads, one part: the calling thread reads each block straight into
 * a stage-ring slot and band-passes it into the detector's band ring, one
 * worker runs the rest of the detector on the block before (the pipeline of
 * run_threaded without its third thread, for a machine with as many cores as
 * threads); the mains comb and the motion band run on either side, where the
 * measured costs say (struct cut; the slot's `late` says which on this
 * block), or as `forced` says. Each filter and the rest see the same frames
 * in the same order as in run_inline: the same bits. */
static cramp_status run_read_filter(const cramp_night_source *src, const cramp_night_options *o,
                                    cramp_night_group *g, const size_t *idx, part *p,
                                    const cramp__night_forced_cut *forced, double done_s,
                                    double total_s, cramp_error *err, cramp_profile *prof)
{
    ring out;
    cramp_status st = ring_init(&out, 2 * p->buf_frames * p->n, CRAMP_NIGHT_RING_BLOCKS);
    if (st != CRAMP_OK) return cramp__fail(err, st, "out of memory");
    if ((st = part_prime(p)) != CRAMP_OK) {
        ring_free(&out);
        return st;
    }
    cramp__detector_begin(p->d, p->tmp, p->tcap);
    p->ring = NULL;
    p->stage = &out;
    /* the cut starts with the comb on the worker (8 ch x 2 kHz, EDF,
       AVX-512: the reader reads and runs the band-pass and motion band in
       one pass) and moves by the measured costs */
    cut c;
    memset(&c, 0, sizeof c);
    c.stages = cramp__detector_stages(p->d);
    c.late = CRAMP__FILTER_COMB & c.stages;
    p->cut = &c;
    if (pthread_create(&p->tid2, NULL, rest_worker, p) != 0) {
        ring_free(&out);
        return cramp__fail(err, CRAMP_ENOMEM, "night: cannot start a thread (0 running)");
    }
    for (uint64_t seq = 0, at = 0;; seq++) {
        /* a timed block: from here to its publication, as the worker's */
        const int timed = seq % CUT_SAMPLE == 0;
        const double c0 = timed ? cramp__night_thread_cpu_s() : 0;
        double *wait = prof ? &g->reader_wait_s : NULL;
        if (!ring_wait_free(&out, seq, wait)) break; /* the worker failed: its status */
        if (seq > 0 && seq % CRAMP__NIGHT_CUT_EVERY == 0) {
            pthread_mutex_lock(&out.mu);
            const size_t turn = (size_t)(seq / CRAMP__NIGHT_CUT_EVERY - 1);
            const unsigned next = forced && forced->n
                                      ? forced->late[turn % forced->n] & CRAMP__FILTER_ALL
                                      : cut_choose(&c);
            pthread_mutex_unlock(&out.mu);
            /* a stage coming back to this thread: the worker first runs it
               on every block it was given (c.late: this thread's alone) */
            if ((c.late & ~next) && !ring_wait_released(&out, seq, wait)) break;
            c.late = next;
        }
        const size_t s = (size_t)(seq % out.depth);
        /* read into the slot's input half: filtered in place, not copied */
        float *slot = out.slot[s];
        size_t k = 0;
        st = cramp__night_read(src, idx, g->n, slot, o->block_frames, &k, err, prof);
        if (st != CRAMP_OK) {
            ring_stop(&out);
            break;
        }
        block_read(o, g, slot, k, done_s, total_s);
        if (filter_block(p, CRAMP__FILTER_ALL & ~c.late, slot, k, slot, at) != CRAMP_OK) {
            ring_stop(&out);
            break;
        }
        out.late[s] = c.late;
        ring_publish(&out, seq, k, 1);
        at += k;
        if (k == 0) break;
        if (timed)
            cut_measured(&c, &out.mu, CUT_READER, c.late, seq,
                         (cramp__night_thread_cpu_s() - c0) / (double)k);
    }
    pthread_join(p->tid2, NULL);
    if (p->st == CRAMP_OK) p->st = p->st_filter;
    g->threads = 1;
    ring_free(&out);
    return st;
}

/* The front of a part split at the ticks (run_read_ticks): the filters and
 * the accumulate kernel on a worker; its own tick sums (the detector's lanes
 * belong to the rest stage, on the calling thread). */
typedef struct front {
    cramp__tick_lanes ln;
    size_t pos;               /* frames of the current tick summed */
    uint64_t frames;          /* frames done */
} front;

/* Sums m frames (raw, band, motion as the filter stage left them) into f;
 * each tick finished appended to rec (CRAMP__TICK_RECORD x n floats, as
 * cramp__detector_ticks reads it); the ticks finished. */
static size_t front_sum(const part *p, front *f, const float *raw, const float *band,
                        const float *motion, size_t m, float *rec)
{
    const cramp_detector *d = p->d;
    const size_t n = p->n, D = d->tick_frames;
    size_t ticks = 0;
    if (m > 0 && f->frames == 0 && f->pos == 0)
        for (size_t c = 0; c < n; c++) f->ln.prev_raw[c] = raw[c];
    for (size_t i = 0, span; i < m; i += span) {
        span = D - f->pos < m - i ? D - f->pos : m - i;
        d->kernels->accumulate(&f->ln, n, raw + i * n, band + i * n, motion + i * n, span,
                               f->pos == 0);
        f->pos += span;
        f->frames += span;
        if (f->pos < D) continue;
        f->pos = 0;
        /* a vector's width of channels as a constant: the record's six
           fields stored as vectors, not one float at a time */
        float *r = rec + ticks++ * CRAMP__TICK_RECORD * n;
        if (n == 8)
            cramp__tick_record_put(&f->ln, 8, r);
        else if (n == 16)
            cramp__tick_record_put(&f->ln, 16, r);
        else
            cramp__tick_record_put(&f->ln, n, r);
    }
    return ticks;
}

/* The front on one block (stage_fn; state: the front): the filters (the
 * band straight into the detector's ring) and the tick sums, the block's
 * finished ticks into the slot. */
static cramp_status front_stage(part *p, void *state, const float *in, size_t k, float *rec,
                                uint64_t at)
{
    front *f = state;
    cramp_detector *d = p->d;
    const size_t n = p->n;
    for (size_t i = 0, m; i < k; i += m) {
        float *band;
        m = block_piece(p, at, i, k, &band);
        const float *raw = cramp__detector_filter(d, CRAMP__FILTER_ALL, in + i * n, m,
                                                  d->finite_in, band, d->motion, &p->st_filter);
        if (p->st_filter != CRAMP_OK) return p->st_filter;
        rec += front_sum(p, f, raw, band, d->motion, m, rec) * CRAMP__TICK_RECORD * n;
    }
    return CRAMP_OK;
}

/* The worker of run_read_ticks: each block of p->ring through the front,
 * its ticks into the stage ring. */
/* A front at the start of the run: nothing summed, its lanes as
 * cramp__detector_begin left the detector's (the rails). */
static front front_start(const part *p)
{
    front f;
    memset(&f, 0, sizeof f);
    f.ln = p->d->lanes;
    return f;
}

static void front_loop(part *p)
{
    front f = front_start(p);
    stage_loop(p, front_stage, &f);
}

static void *front_worker(void *arg)
{
    front_loop(arg);
    return worker_end(arg, 0);
}

/* The reads of run_read_ticks when the worker may read the source itself
 * (cramp__night_source_worker_reads): the blocks are read in order, each by
 * whichever thread comes to it first, under `mu` (the source's state is
 * touched by one thread at a time): the worker, when it needs the next
 * block and nobody read it yet, decodes it into its own buffer (no frame
 * crosses between the cores), or, its ring of ticks full (the calling
 * thread behind), decodes the next blocks into their slots ahead of its
 * turn instead of sleeping (self_read_fill); the calling thread, when it
 * has no ticks to work on (the worker is the busier side), reads the next
 * block into a slot for the worker (the frames of that block cross once),
 * and spins, not sleeps, while the worker reads one. So neither side sleeps
 * while there is a block to decode, the decode goes to the side with time
 * to spare, block by block; who read a block changes no bit. Before
 * (h16d-h16k) the calling thread read only while its CPU time since the
 * pass began was below the worker's and slept for a batch of ticks
 * otherwise; the two then took turns to sleep (1 h x 8 ch: 24 ms in 30
 * sleeps on the calling thread, 14 ms in 26 on the worker, of a 123-ms
 * pass; bench/README.md, h16aa). The worker takes a block the calling thread read without the
 * mutex (`next` is atomic: the slot and its frames are written before
 * `next` passes the block): with both threads on their
 * own cores, taking the mutex for every block made the worker sleep behind
 * the calling thread's decode of a later block (854 of 1758 blocks on 1 h x
 * 8 ch, each a futex sleep and wake-up). Only the block nobody read yet
 * needs the mutex, and the worker spins a little on `next` before sleeping
 * on it while the calling thread holds it. */
typedef struct self_read {
    pthread_mutex_t mu;
    part *p;
    const cramp_night_source *src;
    const size_t *idx;        /* the group's source channels */
    size_t block;             /* frames per read */
    float *buf;               /* block x the group's channels: the worker's own */
    size_t slots;             /* of blocks the calling thread read */
    float *slot[RING_MAX];    /* blocks the calling thread read */
    size_t frames[RING_MAX];
    _Atomic uint64_t next;    /* the next block to read (in order): written
                                 under mu, read without it by the worker */
    _Atomic uint64_t avail;   /* frames of the night read so far, by either
                                 thread; the calling thread, reading a block
                                 in pieces, adds each piece's (under mu, read
                                 without it by the worker): stored before
                                 `next` passes the block */
    int ended;                /* a read gave the end */
    int failed;               /* a read failed (either thread) */
    /* freed by whichever thread is done with them last, under mu, so that
       their unmapping is not serial work after the join (h16ae): */
    void *slots_mem;          /* the slots' memory: the worker's at its end
                                 (after the end block nobody writes a slot) */
    float **prime;            /* the first minute: once primed apart and
                                 the worker done */
    int primed, worker_done;
    cramp_status st;          /* the worker's reads' status */
    cramp_error err;          /* and message */
    cramp_profile prof;       /* the worker's reads' wall time (profiling) */
} self_read;

/* A pause in a spin-wait. */
static inline void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Pauses the worker spins before sleeping on w's mutex while the calling
 * thread holds it (decoding a block: about 13 us for 4096 frames of 8
 * channels, where a futex sleep and wake-up costs more): about 20-50 us. */
#define SELF_READ_SPIN 1024

/* The calling thread, out of ticks while the worker reads a block: turns of
 * CALLER_SPIN_PAUSES pauses it spins before it sleeps for a batch of ticks
 * (a block's decode is about 13 us; the turns bound the spin to a few
 * hundred us when the worker is not running, e.g. another process holds
 * its core). */
#define CALLER_SPIN_TURNS 256
#define CALLER_SPIN_PAUSES 64

/* Frames the calling thread decodes in one go when it reads a block for
 * the worker (self_read_ahead); each piece is published (w->avail) as it is
 * done, so that the worker, waiting for that very block, runs its front on
 * the first pieces while the rest is decoded instead of spinning (h16ab: 15-17
 * ms of spin per 1 h x 8 ch run; bench/README.md, h16ad). */
#define SELF_READ_PIECE 1024

void (*cramp__night_after_piece)(void);
void (*cramp__night_front_early)(void);
void (*cramp__night_worker_block)(void);

/* The worker before block seq (at: its first frame; rec: its tick-ring
 * slot; *done: frames of it through the front so far, 0 on entry). 1 when
 * block seq is in a slot of w, read by the calling thread (its frames and
 * slot visible to the worker), without taking the mutex; the frames from
 * *done on are left to the front. 0: the worker holds w's mutex (to read the
 * block, or take it from the slot if the calling thread read it meanwhile).
 * -1: the front failed (p->st_filter). While the calling thread decodes
 * block seq in pieces, the worker runs the front on each piece published;
 * while it holds the mutex otherwise the worker spins, trying it, a short
 * while before it sleeps on it: a blocking lock there was a futex sleep and
 * wake-up on about a block in seven (1 h x 8 ch, bench/README.md, h16aa). */
static int self_read_claim(self_read *w, uint64_t seq, uint64_t at, front *f, float *rec,
                           size_t *done)
{
    part *p = w->p;
    const size_t n = p->n, D = p->d->tick_frames;
    const float *slot = w->slot[seq % w->slots];
    for (unsigned i = 0;; i++) {
        /* avail before next: with next still seq, avail counts no frame
           past block seq's (the calling thread reads block seq, its pieces
           up to avail in seq's slot) */
        const uint64_t a = atomic_load_explicit(&w->avail, memory_order_acquire);
        if (atomic_load_explicit(&w->next, memory_order_acquire) > seq) return 1;
        if (a > at + *done) {
            const size_t m = (size_t)(a - at) - *done;
            const uint64_t from = at + *done;
            if (cramp__night_front_early) cramp__night_front_early();
            if (front_stage(p, f, slot + *done * n, m,
                            rec + (size_t)(from / D - at / D) * CRAMP__TICK_RECORD * n,
                            from) != CRAMP_OK)
                return -1;
            *done += m;
            i = 0;
            continue;
        }
        if (pthread_mutex_trylock(&w->mu) == 0) return 0;
        if (i == SELF_READ_SPIN) {
            pthread_mutex_lock(&w->mu);
            return 0;
        }
        spin_pause();
    }
}

/* Reads block r, the next (the caller holds w's mutex), into its slot in
 * pieces of `piece` frames, each published (w->avail) as it is done and
 * followed by after() (may be NULL); a piece short of its frames ends the
 * block, as one read would. Read, the block's frames, the end and `next`
 * are published; failed, w->failed is set. *k: the block's frames. */
static cramp_status slot_read(self_read *w, uint64_t r, size_t piece, void (*after)(void),
                              size_t *k, cramp_error *err, cramp_profile *prof)
{
    const size_t s = (size_t)(r % w->slots), n = w->p->g->n;
    uint64_t a = atomic_load_explicit(&w->avail, memory_order_relaxed);
    cramp_status st = CRAMP_OK;
    *k = 0;
    for (size_t want = 0, got = 0; *k < w->block && got == want; *k += got) {
        want = w->block - *k < piece ? w->block - *k : piece;
        got = 0;
        st = cramp__night_read(w->src, w->idx, n, w->slot[s] + *k * n, want, &got, err, prof);
        if (st != CRAMP_OK) break;
        a += got;
        atomic_store_explicit(&w->avail, a, memory_order_release);
        if (after) after();
    }
    if (st != CRAMP_OK) {
        w->failed = 1;
        return st;
    }
    w->frames[s] = *k;
    w->ended |= *k == 0;
    atomic_store_explicit(&w->next, r + 1, memory_order_release);
    return st;
}

/* The worker, its tick ring full (the calling thread behind) before block
 * seq: decodes the next block nobody read into its slot, ahead of its
 * turn, instead of sleeping (the decode is then off the worker's later
 * path, and its frames stay on its core). 1 when it read a block (or its
 * read failed: w->st says), 0 when there is none to read (the slots full,
 * the end read, the calling thread reading). */
static int self_read_fill(self_read *w, uint64_t seq)
{
    if (pthread_mutex_trylock(&w->mu) != 0) return 0;
    const uint64_t r = atomic_load_explicit(&w->next, memory_order_relaxed);
    int did = 0;
    /* blocks before seq are done with: the slot of block r is free while
       r < seq + slots */
    if (!w->ended && !w->failed && r < seq + w->slots) {
        size_t k = 0; /* in one piece: the worker's own front waits for none */
        w->st = slot_read(w, r, w->block, NULL, &k, &w->err, w->p->prof ? &w->prof : NULL);
        did = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return did;
}

/* One side done with the shared buffers (worker: 1 at its end, else the
 * calling thread once primed apart): frees what neither side needs any
 * more, the slots after the end block, the first minute after both. */
static void self_read_done(self_read *w, int worker)
{
    pthread_mutex_lock(&w->mu);
    if (worker) {
        w->worker_done = 1;
        if (w->ended && !w->failed) {
            free(w->slots_mem);
            w->slots_mem = NULL;
        }
    } else {
        w->primed = 1;
    }
    if (w->primed && w->worker_done && w->prime) {
        free(*w->prime);
        *w->prime = NULL;
        w->p->prime = NULL;
        w->prime = NULL;
    }
    pthread_mutex_unlock(&w->mu);
}

static void *self_read_worker(void *arg)
{
    self_read *w = arg;
    part *p = w->p;
    ring *out = p->stage;
    double *wait = p->prof ? &p->wait_s[0] : NULL;
    front f = front_start(p);
    for (uint64_t seq = 0, at = 0;; seq++) {
        while (!ring_free_now(out, seq) && w->st == CRAMP_OK && self_read_fill(w, seq)) {
        }
        if (w->st != CRAMP_OK) {
            ring_stop(out);
            break;
        }
        if (!ring_wait_free(out, seq, wait)) break;
        const size_t s = (size_t)(seq % out->depth);
        const float *in = w->buf;
        size_t k = 0, done = 0; /* done: frames through the front while the
                                   calling thread decoded the block */
        if (cramp__night_worker_block) cramp__night_worker_block();
        const int got = self_read_claim(w, seq, at, &f, out->slot[s], &done);
        if (got < 0) {
            ring_stop(out);
            break;
        }
        if (got) { /* the calling thread read it */
            in = w->slot[seq % w->slots];
            k = w->frames[seq % w->slots];
        } else {
            if (w->failed) {
                pthread_mutex_unlock(&w->mu);
                break;
            }
            if (atomic_load_explicit(&w->next, memory_order_relaxed) == seq) {
                w->st = cramp__night_read(w->src, w->idx, p->g->n, w->buf, w->block, &k,
                                          &w->err, p->prof ? &w->prof : NULL);
                atomic_store_explicit(
                    &w->avail, atomic_load_explicit(&w->avail, memory_order_relaxed) + k,
                    memory_order_release);
                atomic_store_explicit(&w->next, seq + 1, memory_order_release);
                w->ended |= k == 0;
            } else { /* read by the calling thread while the worker waited */
                in = w->slot[seq % w->slots];
                k = w->frames[seq % w->slots];
            }
            pthread_mutex_unlock(&w->mu);
        }
        const size_t D = p->d->tick_frames;
        if (w->st != CRAMP_OK ||
            front_stage(p, &f, in + done * p->n, k - done,
                        out->slot[s] + (size_t)((at + done) / D - at / D) * CRAMP__TICK_RECORD * p->n,
                        at + done) != CRAMP_OK) {
            ring_stop(out);
            break;
        }
        ring_publish(out, seq, k, 1);
        at += k;
        if (k == 0) break;
    }
    self_read_done(w, 1);
    return worker_end(p, 0);
}

/* 1 if block seq of q is published (or the run stops): no wait. */
static int ring_ready(ring *q, uint64_t seq)
{
    pthread_mutex_lock(&q->mu);
    const int go = q->filled > seq || q->stop;
    pthread_mutex_unlock(&q->mu);
    return go;
}

/* The calling thread's read of the next block into w's slot for it (the
 * calling thread has no ticks to work on), when the worker is done with
 * that slot; 1 when it read (or tried: st says), 0 when there is nothing
 * to read, -1 when the worker holds mu (reading a block itself). */
static int self_read_ahead(self_read *w, ring *out, cramp_status *st, size_t *k,
                           cramp_error *err, cramp_profile *prof)
{
    if (pthread_mutex_trylock(&w->mu) != 0) return -1;
    const uint64_t r = atomic_load_explicit(&w->next, memory_order_relaxed);
    int did = 0;
    /* the slot of block r is free once the worker published block r - RING
       (the calling thread's slots: CRAMP_NIGHT_RING_BLOCKS) */
    if (!w->ended && !w->failed && !ring_ready(out, r) &&
        (r < w->slots || ring_ready(out, r - w->slots))) {
        /* in pieces, each published for the worker's front */
        *st = slot_read(w, r, SELF_READ_PIECE, cramp__night_after_piece, k, err, prof);
        did = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return did;
}

/* Priming apart, while the worker already runs p->d's filter stage on the
 * night from frame 0 (run_read_ticks): first p->d's spectral stage (its FFT
 * plans, left out when it was made so that the worker starts sooner), then
 * a primer like p->d (same configuration, channels and rails; no spectral
 * stage, a band ring of one chunk) primed with the first minute in the
 * calling thread, its resting levels then given to p->d
 * (cramp__detector_take_primed); p->d's filters are untouched, and begin
 * would have reset everything else priming p->d itself changes, so the
 * bits are those of part_prime on p->d. Its stage times added to prof. */
void (*cramp__night_before_prime_apart)(void);

static cramp_status prime_apart(const cramp_night_options *o, part *p, cramp_profile *prof,
                                cramp_error *err)
{
    if (cramp__night_before_prime_apart) cramp__night_before_prime_apart();
    char pb[CRAMP_ERROR_MESSAGE_SIZE];
    cramp_detector *dp = NULL;
    cramp_error e;
    memset(&e, 0, sizeof e);
    cramp_status st = cramp__detector_add_spectral(p->d, &e);
    if (st != CRAMP_OK)
        return cramp__fail(err, st, "%s%s", cramp__night_prefix(o, pb, sizeof pb), e.message);
    st = cramp__detector_create_parts(&dp, p->n, &p->d->cfg, p->info, CRAMP__DETECTOR_PRIMER, &e);
    if (st != CRAMP_OK) return cramp__fail(err, st, "%s", e.message);
    if (prof) cramp_detector_set_profile(dp, 1);
    cramp__detector_set_finite(dp, p->d->input_finite);
    st = cramp_detector_prime(dp, p->prime, p->g->primed);
    if (st == CRAMP_OK) cramp__detector_take_primed(p->d, dp);
    if (prof) cramp_detector_profile_add(dp, prof);
    cramp_detector_destroy(dp);
    return st;
}

/* Two threads, one part, split at the ticks: a worker runs the filters and
 * sums each tick (front_loop), the calling thread runs the rest of the
 * detector on the ticks' sums (envelopes, baselines, segments, spectra from
 * the band the worker wrote into the detector's ring). What crosses between
 * the cores is a tick's sums (6 floats per channel per tick), not the
 * input, band and motion band of every frame. With `self` the worker reads
 * the blocks itself unless the calling thread, out of ticks, read them
 * first (self_read), else the calling thread reads every block into a ring,
 * keeps the worker's ring full and works on the ticks between reads. Each
 * stage sees the same frames in the same order as in run_inline: the same
 * bits. */
static cramp_status run_read_ticks(const cramp_night_source *src, const cramp_night_options *o,
                                   cramp_night_group *g, const size_t *idx, part *p, int self,
                                   float **prime, double done_s, double total_s, cramp_error *err,
                                   cramp_profile *prof)
{
    ring in, out;
    self_read w;
    memset(&w, 0, sizeof w);
    const size_t D = p->d->tick_frames;
    const size_t tick_floats = (o->block_frames / D + 1) * CRAMP__TICK_RECORD * p->n;
    const size_t depth = tick_depth(o, g);
    cramp_status st =
        ring_init(&in, o->block_frames * g->n, self ? depth : CRAMP_NIGHT_RING_BLOCKS);
    if (st == CRAMP_OK && (st = ring_init(&out, tick_floats, depth)) != CRAMP_OK)
        ring_free(&in);
    /* the calling thread, out of ticks, wakes as soon as the worker has
       freed half the slots of blocks it reads (w's or the ring's): it
       refills them, so the worker does not read (self) or wait for them */
    out.take_batch = in.depth / 2;
    if (st == CRAMP_OK && self &&
        (!(w.buf = malloc(o->block_frames * g->n * sizeof *w.buf)) ||
         pthread_mutex_init(&w.mu, NULL) != 0)) {
        free(w.buf);
        w.buf = NULL;
        ring_free(&out);
        ring_free(&in);
        st = CRAMP_ENOMEM;
    }
    if (st != CRAMP_OK) return cramp__fail(err, st, "out of memory");
    /* self: primed apart once the worker runs (prime_apart), so the
       worker's first blocks overlap the priming */
    if (!self && (st = part_prime(p)) != CRAMP_OK) goto end;
    cramp__detector_begin(p->d, p->tmp, p->tcap);
    p->ring = self ? NULL : &in;
    p->stage = &out;
    w.p = p;
    w.src = src;
    w.idx = idx;
    w.block = o->block_frames;
    memcpy(w.slot, in.slot, sizeof w.slot);
    w.slots = in.depth;
    w.slots_mem = in.mem;
    w.prime = prime;
    if (pthread_create(&p->tid, NULL, self ? self_read_worker : front_worker,
                       self ? (void *)&w : (void *)p) != 0) {
        st = cramp__fail(err, CRAMP_ENOMEM, "night: cannot start a thread (0 running)");
        goto end;
    }
    /* a priming that fails fails the run as it would on one thread, before
       any read's status */
    const int prime_failed = self && (st = prime_apart(o, p, prof, err)) != CRAMP_OK;
    if (self) self_read_done(&w, 0);
    if (prime_failed) ring_stop(&out);
    double *wait = prof ? &g->reader_wait_s : NULL;
    int read_all = 0;
    unsigned busy = 0; /* turns spun while the worker read */
    for (uint64_t seq_in = 0, seq = 0, frames = 0; st == CRAMP_OK;) {
        size_t k = 0;
        /* out of ticks: read the next block for the worker, or, while the
           worker reads one itself, spin a short while to read the one
           after it rather than sleep for a batch of ticks */
        if (self && !read_all && !ring_ready(&out, seq)) {
            const int did = self_read_ahead(&w, &out, &st, &k, err, prof);
            if (did > 0) {
                if (st != CRAMP_OK) {
                    ring_stop(&out);
                    break;
                }
                read_all = k == 0;
                busy = 0;
                continue;
            }
            if (did < 0 && busy < CALLER_SPIN_TURNS) {
                busy++;
                for (int i = 0; i < CALLER_SPIN_PAUSES; i++) spin_pause();
                continue;
            }
        }
        busy = 0;
        if (!self && !read_all && ring_free_now(&in, seq_in)) {
            const size_t s = (size_t)(seq_in % in.depth);
            st = cramp__night_read(src, idx, g->n, in.slot[s], o->block_frames, &k, err, prof);
            if (st != CRAMP_OK) {
                ring_stop(&in);
                ring_stop(&out);
                break;
            }
            block_read(o, g, in.slot[s], k, done_s, total_s);
            ring_publish(&in, seq_in++, k, 1);
            read_all = k == 0;
            continue;
        }
        k = ring_take(&out, seq, wait);
        if (k == SIZE_MAX) break; /* the worker failed: its status */
        /* self: the frames were read on either side, the progress here (no
           on_block on this path) */
        if (self) block_read(o, g, NULL, k, done_s, total_s);
        size_t m = 0;
        if (k == 0) {
            cramp_detector_finish(p->d, p->tmp, p->tcap, &m);
        } else {
            const uint64_t ticks = (frames + k) / D - frames / D;
            cramp__detector_begin(p->d, p->tmp, p->tcap);
            cramp__detector_ticks(p->d, out.slot[seq % out.depth], (size_t)ticks,
                                  ticks ? (size_t)((frames + k) % D) : k);
            m = cramp__detector_outputs(p->d);
        }
        if ((p->st = part_keep(p, m)) != CRAMP_OK) {
            ring_stop(&in);
            ring_stop(&out);
            break;
        }
        if (k == 0) break;
        ring_release(&out, seq++);
        frames += k;
    }
    pthread_join(p->tid, NULL);
    in.mem = w.slots_mem; /* NULL: the worker freed them */
    if (w.st != CRAMP_OK && !prime_failed) {
        /* the worker's read failed: its status and message are the run's */
        st = w.st;
        if (err) *err = w.err;
    }
    if (prof) prof->wall_s[CRAMP_STAGE_READ] += w.prof.wall_s[CRAMP_STAGE_READ];
    if (p->st == CRAMP_OK) p->st = p->st_filter;
    g->threads = 1;
end:
    if (w.buf) pthread_mutex_destroy(&w.mu);
    free(w.buf);
    ring_free(&out);
    ring_free(&in);
    return st;
}

/* The group's one part in the calling thread: read, process, one block at a
 * time. */
static cramp_status run_inline(const cramp_night_source *src, const cramp_night_options *o,
                               cramp_night_group *g, const size_t *idx, part *p, float *buf,
                               double done_s, double total_s, cramp_error *err,
                               cramp_profile *prof)
{
    cramp_status st = part_prime(p);
    if (st != CRAMP_OK) return st;
    for (;;) {
        size_t k = 0;
        st = cramp__night_read(src, idx, g->n, buf, o->block_frames, &k, err, prof);
        if (st != CRAMP_OK) return st;
        block_read(o, g, buf, k, done_s, total_s);
        if ((p->st = part_block(p, buf, k)) != CRAMP_OK || k == 0) return p->st;
    }
}

/* Step 4 for group g: split, create, prime, rewind, run, finish, renumber;
 * the segments appended to segs. */
cramp_status cramp__night_run_group(const cramp_night_source *src, const cramp_night_options *o,
                                    const cramp__night_forced_cut *forced,
                                    cramp_night_result *r, cramp_night_group *g,
                                    float **prime, float *buf, double *done_s,
                                    double total_s, cramp__seg_list *segs, cramp_error *err)
{
    char pb[CRAMP_ERROR_MESSAGE_SIZE];
    size_t idx[CRAMP_DETECT_MAX_CHANNELS];
    cramp_detect_channel info[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t k = 0; k < g->n; k++) {
        idx[k] = r->channel_index[g->member[k]];
        info[k] = r->channel[g->member[k]];
    }
    cramp_profile *prof = o->profile ? &r->profile : NULL;
    const double cpu0 = prof ? cramp__night_thread_cpu_s() : 0;
    /* parts: whole vectors of channels, spread evenly over the threads; with
     * threads, even one part runs on a worker while this thread reads. On
     * exactly 2 threads (part width not given) the group is one part
     * whatever its width (run_read_ticks or run_read_filter, below): no
     * copy of each part's channels, no per-tick work done twice, two busy
     * threads instead of three on two cores (16 ch x 4 kHz, 2-core KVM
     * under load, thread CPU: 0.36-0.41 s on the busier of the two against
     * 0.36-0.47 s, half of the three threads' total, for two parts of 8
     * channels; bench/README.md, h16z) */
    const size_t threads = night_threads(o);
    const size_t w = threads == 2 && !o->part_channels ? g->n : part_width(o);
    const size_t vectors = (g->n + w - 1) / w;
    size_t np = threads < vectors ? threads : vectors;
    if (np < 1 || threads < 2) np = 1;
    /* threads left over: the first parts run as a pipeline of two workers,
     * the filter stage on one block while the rest of the detector runs on
     * the one before */
    const size_t piped = threads < 2 ? 0 : threads - np < np ? threads - np : np;
    /* the path (the comment below) */
    const int self = cramp__night_source_worker_reads(src) && !o->on_block;
    const int tick_split =
        threads == 2 && np == 1 && !(forced && forced->n) && (g->n > part_width(o) || self);
    /* the blocks the filters may run ahead of the rest: the stage ring's */
    const size_t ahead = tick_split ? tick_depth(o, g) : CRAMP_NIGHT_RING_BLOCKS;
    part pt[CRAMP_DETECT_MAX_CHANNELS];
    memset(pt, 0, sizeof pt);
    cramp_status st = CRAMP_OK;
    for (size_t i = 0; i < np && st == CRAMP_OK; i++) {
        part *p = &pt[i];
        const size_t v0 = i * vectors / np, v1 = (i + 1) * vectors / np;
        p->g = g;
        p->first = v0 * w;
        p->n = (v1 * w < g->n ? v1 * w : g->n) - p->first;
        p->prime = *prime;
        p->info = info + p->first;
        cramp_error e;
        memset(&e, 0, sizeof e);
        /* the tick split on a recording makes the FFT plans once its worker
           runs (prime_apart): the worker never uses them */
        st = cramp__detector_create_parts(&p->d, p->n, &g->cfg, info + p->first,
                                          tick_split && self ? 0u : CRAMP__DETECTOR_SPECTRAL, &e);
        if (st != CRAMP_OK) {
            cramp__fail(err, st, "%s%s", cramp__night_prefix(o, pb, sizeof pb), e.message);
            break;
        }
        if (prof) cramp_detector_set_profile(p->d, 1);
        cramp__detector_set_finite(p->d, cramp__night_source_finite(src));
        p->prof = prof != NULL;
        p->tcap = cramp_detector_max_output(p->d, o->block_frames);
        if (p->tcap < 3 * p->n) p->tcap = 3 * p->n;
        p->tmp = malloc(p->tcap * sizeof *p->tmp);
        p->buf_frames = o->block_frames;
        if (np > 1) p->buf = malloc(o->block_frames * p->n * sizeof *p->buf);
        if (!p->tmp || (np > 1 && !p->buf)) st = cramp__fail(err, CRAMP_ENOMEM, "out of memory");
        /* a pipelined part's filter stage writes the band of the blocks in
           flight straight into its detector's ring, ahead of the rest */
        if (st == CRAMP_OK && i < piped &&
            cramp__detector_ring_ahead(p->d, ahead * o->block_frames) != CRAMP_OK)
            st = cramp__fail(err, CRAMP_ENOMEM, "out of memory");
    }
    g->parts = np;
    if (st == CRAMP_OK) {
        cramp_detector_band(pt[0].d, &g->band_lo_hz, &g->band_hi_hz, &g->notches);
        st = cramp__night_rewind(src, idx, g->n, err, prof);
    }
    /* 2 threads, one part: a group wider than the filters' vector is split
     * at the ticks (the filter worker then has a vector pass per vector,
     * the reader's ticks do not grow faster; 2-core KVM, AVX-512, thread
     * CPU, medians of 5-7 interleaved runs under load: 16 ch x 4 kHz,
     * busier thread 0.28 s and 0.52 s in all against 0.32 and 0.59 for the
     * cut; 16 ch x 2 kHz 0.17 / 0.32 against 0.18 / 0.33); one vector keeps
     * the cut of the filter stage, which balances it better (8 ch x 2 kHz,
     * 8 h: 0.72 / 1.42 against 0.83 / 1.41 split at the ticks); a forced
     * cut (tests) always runs the cut (docs/night-driver.md). Measured on
     * AVX-512 only: on AVX2 (4 lanes) 8 channels take the tick split, not
     * measured there; the bits are the same either way. A recording the
     * worker may read itself takes the tick split at any width, its blocks
     * read on the side with CPU time to spare (self_read): 1 h x 8 ch x 2
     * kHz EDF, perf cpu-clock samples per thread, 5 interleaved runs at load
     * 25, medians: busier thread 101 ms, both 189, against 117 and 210 for
     * the cut (one thread 169-171); bench/README.md, h16d. */
    if (st == CRAMP_OK && tick_split)
        st = run_read_ticks(src, o, g, idx, &pt[0], self, prime, *done_s, total_s, err, prof);
    else if (st == CRAMP_OK && threads == 2 && np == 1)
        st = run_read_filter(src, o, g, idx, &pt[0], forced, *done_s, total_s, err, prof);
    else if (st == CRAMP_OK)
        st = threads > 1 ? run_threaded(src, o, g, idx, pt, np, piped, *done_s, total_s, err,
                                        prof)
                         : run_inline(src, o, g, idx, &pt[0], buf, *done_s, total_s, err, prof);
    /* a worker's failure (the first part's, if several failed) */
    for (size_t i = 0; i < np && st == CRAMP_OK; i++) {
        if (pt[i].st == CRAMP_ENOMEM)
            st = cramp__fail(err, CRAMP_ENOMEM, "out of memory");
        else if (pt[i].st != CRAMP_OK)
            st = cramp__fail(err, pt[i].st, "%sdetector failed", cramp__night_prefix(o, pb, sizeof pb));
    }
    for (size_t i = 0; i < np; i++) {
        for (size_t q = 0; q < pt[i].segs.n && st == CRAMP_OK; q++)
            if (cramp__night_push(segs, &pt[i].segs.a[q]) != CRAMP_OK)
                st = cramp__fail(err, CRAMP_ENOMEM, "out of memory");
        free(pt[i].segs.a);
        free(pt[i].tmp);
        free(pt[i].buf);
        if (prof && pt[i].d) cramp_detector_profile_add(pt[i].d, prof);
        if (prof) prof->wall_s[CRAMP_STAGE_FILTER] += pt[i].late_s;
        for (size_t j = 0; j < 2; j++) {
            g->worker_cpu_s += pt[i].cpu_s[j];
            g->worker_wait_s += pt[i].wait_s[j];
        }
        cramp_detector_destroy(pt[i].d);
    }
    if (prof) g->reader_cpu_s = cramp__night_thread_cpu_s() - cpu0;
    *done_s += (double)g->frames / g->fs;
    return st;
}

