/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the onset detector's object, shared by the files of cramp_onset:
 *   onset.c             the object, names, defaults, validation, lifecycle,
 *                       thresholds, segment post-processing and the output
 *                       queue, the per-channel dispatch, the streaming API;
 *   onset_generic.c     the generic decision machine and the methods that
 *                       feed it a statistic (THRESHOLD, AASM, HODGES_BUI,
 *                       LIDIERTH, LONDRAL, TKEO);
 *   onset_sequential.c  the sequential tests with machines of their own
 *                       (BONATO, CUSUM).
 * The thresholds, the segment steps and the per-sample building blocks below
 * are inlined into each method's loop (as calls, they would cost the windowed
 * methods about 5 %, bench/cramp-bench onset_*). Not installed. */
#ifndef CRAMP_DETECT_ONSET_INTERNAL_H
#define CRAMP_DETECT_ONSET_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "cramp/filter.h"
#include "cramp/onset.h"
#include "detect/baseline_internal.h"

typedef struct cramp__onset_event {
    uint64_t frame; /* frame at which the segment was confirmed */
    uint64_t seq;
    cramp_onset_segment seg;
} cramp__onset_event;

typedef struct cramp__onset_chan {
    cramp__bchan b;
    int ready;            /* thresholds valid */
    double mu, sd;        /* resting mean and SD of the conditioned signal */
    double thr_on, thr_off;
    double ref, hcu;      /* CUSUM reference and decision interval (uV s) */
    double inv_var;       /* BONATO 1 / resting variance */

    /* conditioning */
    double z1, z2;        /* low-pass biquad state (transposed direct form II) */
    double xm1, xm2;      /* TKEO: x[t-1], x[t-2] */
    double *ring, *ring2; /* moving window(s), N values */
    size_t rpos;
    double sum1, sum2;
    float *dl;            /* |x| delay line, dl_n values */
    size_t dpos;

    /* decision */
    int active, cand, exc;
    uint64_t cand_start, exc_start, on_frame;
    double peak_main, peak_tail;
    double S;             /* CUSUM */

    /* BONATO */
    unsigned char *bits;
    float *bpk;
    size_t bpos, bcount;
    uint64_t last_above;
    double x0, ax0;       /* first sample of the current pair */

    /* merge / min duration */
    int has_pend;
    uint64_t p_on, p_off;
    double p_peak;
} cramp__onset_chan;

struct cramp_onset {
    cramp_onset_config cfg;
    cramp_onset_method method;
    size_t channels;
    double fs, inv_fs;
    cramp__bparams bp;
    size_t win_n;         /* statistic window, frames (1 if none) */
    size_t dl_n;          /* delay line length: floor(delay) + 1 */
    double delay;         /* frames subtracted from frame indices for times */
    cramp_biquad lp;
    double k;
    uint64_t on_hold_n, off_hold_n, tol_n, min_dur_n, gap_n;
    int off_le;           /* offset test is s <= thr_off (AASM) instead of s < */
    size_t m, r0;         /* BONATO */
    double zeta;
    double cusum_h_s;
    double onset_uv, offset_uv;

    cramp__onset_chan *ch;
    double *bmem, *wmem;
    float *dmem, *bpkmem;
    unsigned char *bitmem;

    cramp__onset_event *q;
    size_t q_cap, q_len, q_head;
    uint64_t t;           /* frames consumed */
    uint64_t seq;
    int finished;         /* finish() has been called */
    int closed;           /* finish() has closed the open segments */
};

/* ---- thresholds and segments: inlined into every method's loop ------------ */

/* Thresholds of a channel from its baseline (after each baseline block). */
static inline void cramp__onset_update_thresholds(const cramp_onset *o, cramp__onset_chan *ch)
{
    const double mu = ch->b.level, sd = ch->b.spread;
    if (!isfinite(mu) || !isfinite(sd)) return; /* keep the last valid ones */
    ch->mu = mu;
    ch->sd = sd;
    switch (o->method) {
    case CRAMP_ONSET_AASM:
        ch->thr_on = mu + o->onset_uv;
        ch->thr_off = mu + o->offset_uv;
        ch->ready = 1;
        break;
    case CRAMP_ONSET_BONATO:
        ch->ready = mu > 0.0;
        ch->inv_var = ch->ready ? 1.0 / mu : 0.0;
        break;
    case CRAMP_ONSET_CUSUM:
        ch->ready = sd > 0.0;
        ch->ref = mu + o->k * sd;
        ch->hcu = o->cusum_h_s * sd;
        break;
    default:
        ch->ready = sd > 0.0;
        ch->thr_on = ch->thr_off = mu + o->k * sd;
        break;
    }
}

static inline double cramp__onset_frame_time(const cramp_onset *o, uint64_t f)
{
    const double t = ((double)f - o->delay) * o->inv_fs;
    return t > 0.0 ? t : 0.0;
}

static inline void cramp__onset_emit(cramp_onset *o, size_t c, uint64_t on, uint64_t off,
                                     double peak, uint64_t at)
{
    if (off - on < o->min_dur_n) return;
    cramp__onset_event *e = &o->q[o->q_len++];
    e->frame = at;
    e->seq = o->seq++;
    e->seg.channel = c;
    e->seg.onset_s = cramp__onset_frame_time(o, on);
    e->seg.offset_s = cramp__onset_frame_time(o, off);
    e->seg.peak_uv = peak;
}

/* Writes channel c's pending segment to the queue (confirmed at frame at). */
static inline void cramp__onset_flush_pending(cramp_onset *o, cramp__onset_chan *ch, size_t c,
                                              uint64_t at)
{
    cramp__onset_emit(o, c, ch->p_on, ch->p_off, ch->p_peak, at);
    ch->has_pend = 0;
}

/* A segment [on, off) of channel c has been closed at frame `at`. */
static inline void cramp__onset_seg_close(cramp_onset *o, cramp__onset_chan *ch, size_t c,
                                          uint64_t on, uint64_t off, double peak, uint64_t at)
{
    if (o->gap_n == 0) {
        cramp__onset_emit(o, c, on, off, peak, at);
        return;
    }
    if (ch->has_pend) { /* not flushed at this segment's onset: within the gap */
        ch->p_off = off;
        if (peak > ch->p_peak) ch->p_peak = peak;
    } else {
        ch->has_pend = 1;
        ch->p_on = on;
        ch->p_off = off;
        ch->p_peak = peak;
    }
}

/* A segment of channel c starting at frame `on` has been confirmed at `at`. */
static inline void cramp__onset_seg_open(cramp_onset *o, cramp__onset_chan *ch, size_t c,
                                         uint64_t on, uint64_t at)
{
    ch->on_frame = on;
    if (ch->has_pend && on >= ch->p_off + o->gap_n) cramp__onset_flush_pending(o, ch, c, at);
}

/* While inactive: the earliest frame a future onset can take is `earliest`. */
static inline void cramp__onset_check_pending(cramp_onset *o, cramp__onset_chan *ch, size_t c,
                                              uint64_t earliest, uint64_t at)
{
    if (ch->has_pend && earliest >= ch->p_off + o->gap_n) cramp__onset_flush_pending(o, ch, c, at);
}

/* ---- the method families: channel c over n frames from frame t0 ------------ */

/* x: the channel's first sample, stride floats between frames. */
void cramp__onset_run_generic(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                              uint64_t t0);
void cramp__onset_run_bonato(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                             uint64_t t0);
void cramp__onset_run_cusum(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                            uint64_t t0);

/* ---- per-sample building blocks -------------------------------------------- */

#if defined(__GNUC__)
#define CRAMP__ONSET_INLINE inline __attribute__((always_inline))
#else
#define CRAMP__ONSET_INLINE inline
#endif

static inline double cramp__onset_sanitize(float x, int *finite)
{
    *finite = isfinite(x);
    return *finite ? (double)x : 0.0;
}


/* The hot per-sample state (filter, window sums, block sums, delay line) is
 * held in locals for the length of a call so the compiler can keep it in
 * registers (the ring buffers could otherwise alias it); the rest (decision
 * state) stays in the channel struct. The method is a constant in each
 * caller, so each method gets its own loop. */
typedef struct cramp__onset_hot {
    double z1, z2, sum1, sum2, k0, s1, s2;
    size_t rpos, dpos, bpos, nf;
} cramp__onset_hot;

static CRAMP__ONSET_INLINE void hot_load(cramp__onset_hot *h, const cramp__onset_chan *ch)
{
    h->z1 = ch->z1;
    h->z2 = ch->z2;
    h->sum1 = ch->sum1;
    h->sum2 = ch->sum2;
    h->k0 = ch->b.k0;
    h->s1 = ch->b.s1;
    h->s2 = ch->b.s2;
    h->rpos = ch->rpos;
    h->dpos = ch->dpos;
    h->bpos = ch->b.pos;
    h->nf = ch->b.nf;
}

static CRAMP__ONSET_INLINE void hot_store(const cramp__onset_hot *h, cramp__onset_chan *ch)
{
    ch->z1 = h->z1;
    ch->z2 = h->z2;
    ch->sum1 = h->sum1;
    ch->sum2 = h->sum2;
    ch->b.k0 = h->k0;
    ch->b.s1 = h->s1;
    ch->b.s2 = h->s2;
    ch->rpos = h->rpos;
    ch->dpos = h->dpos;
    ch->b.pos = h->bpos;
    ch->b.nf = h->nf;
}

/* Same arithmetic as cramp__bchan_add, on the locals; at a block end the
 * block is closed in the struct and the thresholds updated. */
static CRAMP__ONSET_INLINE void hot_feed(cramp_onset *o, cramp__onset_chan *ch, cramp__onset_hot *h,
                                         int fin, double v)
{
    if (fin) {
        if (h->nf == 0) h->k0 = v;
        const double d = v - h->k0;
        h->s1 += d;
        h->s2 += d * d;
        h->nf++;
    }
    if (++h->bpos == o->bp.block_n) {
        ch->b.k0 = h->k0;
        ch->b.s1 = h->s1;
        ch->b.s2 = h->s2;
        ch->b.nf = h->nf;
        cramp__bchan_end_block(&ch->b, &o->bp);
        cramp__onset_update_thresholds(o, ch);
        h->bpos = h->nf = 0;
        h->k0 = h->s1 = h->s2 = 0.0;
    }
}

static CRAMP__ONSET_INLINE double hot_lowpass(const cramp_biquad *sec, cramp__onset_hot *h,
                                              double v)
{
    const double y = sec->b0 * v + h->z1;
    h->z1 = sec->b1 * v - sec->a1 * y + h->z2;
    h->z2 = sec->b2 * v - sec->a2 * y;
    return y;
}

#endif
