/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Onset detection, the generic family (cramp/onset.h): a statistic per frame
 * (moving mean square, RMS, mean absolute value or variance of the raw or
 * low-passed rectified signal, or the low-passed TKEO) against thresholds
 * from the channel's resting baseline, through the generic decision machine
 * (candidate, on_hold / off_hold, tolerated excursions: see onset.c). The
 * method is a constant in each loop, so each gets its own. */
#include <math.h>
#include <stdint.h>

#include "detect/onset_internal.h"

/* Short names inside the onset files (onset_internal.h). */
typedef cramp__onset_chan chan;

/* The generic machine, one statistic frame t with value s and aligned |x|. */
static inline void generic_step(cramp_onset *o, chan *ch, size_t c, uint64_t t, double s,
                                double ax)
{
    if (!ch->active) {
        if (ch->ready) {
            const int on = s >= ch->thr_on;
            if (!ch->cand) {
                if (on) {
                    ch->cand = 1;
                    ch->exc = 0;
                    ch->cand_start = t;
                    ch->peak_main = ax;
                }
            } else {
                if (ax > ch->peak_main) ch->peak_main = ax;
                if (on) {
                    ch->exc = 0;
                } else {
                    if (!ch->exc) {
                        ch->exc = 1;
                        ch->exc_start = t;
                    }
                    if (t - ch->exc_start + 1 > o->tol_n) ch->cand = 0;
                }
            }
            if (ch->cand && on && t - ch->cand_start + 1 >= o->on_hold_n) {
                ch->active = 1;
                ch->cand = 0;
                cramp__onset_seg_open(o, ch, c, ch->cand_start, t);
                return;
            }
        } else {
            ch->cand = 0; /* no usable baseline (flat channel): no candidate */
        }
        if (ch->has_pend)
            cramp__onset_check_pending(o, ch, c, ch->cand ? ch->cand_start : t + 1, t);
        return;
    }
    const int off = o->off_le ? s <= ch->thr_off : s < ch->thr_off;
    if (!ch->cand) {
        if (off) {
            ch->cand = 1;
            ch->exc = 0;
            ch->cand_start = t;
            ch->peak_tail = ax;
        } else if (ax > ch->peak_main) {
            ch->peak_main = ax;
        }
    } else {
        if (ax > ch->peak_tail) ch->peak_tail = ax;
        if (off) {
            ch->exc = 0;
        } else {
            if (!ch->exc) {
                ch->exc = 1;
                ch->exc_start = t;
            }
            if (t - ch->exc_start + 1 > o->tol_n) {
                ch->cand = 0;
                if (ch->peak_tail > ch->peak_main) ch->peak_main = ch->peak_tail;
            }
        }
    }
    if (ch->cand && off && t - ch->cand_start + 1 >= o->off_hold_n) {
        ch->active = 0;
        ch->cand = 0;
        cramp__onset_seg_close(o, ch, c, ch->on_frame, ch->cand_start, ch->peak_main, t);
    }
}

/* ---- window and delay line, on the hot locals ------------------------------------------- */

static CRAMP__ONSET_INLINE double hot_delayed(float *dl, size_t dl_n, cramp__onset_hot *h,
                                              double ax)
{
    dl[h->dpos] = (float)ax;
    if (++h->dpos == dl_n) h->dpos = 0;
    return (double)dl[h->dpos];
}

static CRAMP__ONSET_INLINE double hot_window(double *ring, size_t wn, cramp__onset_hot *h,
                                             double v)
{
    const size_t p = h->rpos;
    h->sum1 += v - ring[p];
    ring[p] = v;
    if (p + 1 == wn) {
        double acc = 0.0;
        for (size_t j = 0; j < wn; j++) acc += ring[j];
        h->sum1 = acc;
        h->rpos = 0;
    } else {
        h->rpos = p + 1;
    }
    return h->sum1;
}

static CRAMP__ONSET_INLINE void hot_window2(double *ring, double *ring2, size_t wn,
                                            cramp__onset_hot *h, double v, double v2)
{
    const size_t p = h->rpos;
    h->sum1 += v - ring[p];
    h->sum2 += v2 - ring2[p];
    ring[p] = v;
    ring2[p] = v2;
    if (p + 1 == wn) {
        double acc = 0.0, acc2 = 0.0;
        for (size_t j = 0; j < wn; j++) {
            acc += ring[j];
            acc2 += ring2[j];
        }
        h->sum1 = acc;
        h->sum2 = acc2;
        h->rpos = 0;
    } else {
        h->rpos = p + 1;
    }
}

/* ---- the loops ------------------------------------------------------------------------- */

static CRAMP__ONSET_INLINE void run_windowed_m(cramp_onset *o, size_t c, const float *x,
                                               size_t stride, size_t n, uint64_t t0,
                                               const cramp_onset_method m)
{
    chan *ch = &o->ch[c];
    const double inv_n = 1.0 / (double)o->win_n;
    const size_t wn = o->win_n, dn = o->dl_n;
    double *ring = ch->ring, *ring2 = ch->ring2;
    float *dl = ch->dl;
    const cramp_biquad sec = o->lp;
    cramp__onset_hot h;
    hot_load(&h, ch);
    for (size_t i = 0; i < n; i++) {
        int fin;
        const double v = cramp__onset_sanitize(x[i * stride], &fin);
        const double ax = hot_delayed(dl, dn, &h, fabs(v));
        double s, feed;
        if (m == CRAMP_ONSET_THRESHOLD) {
            feed = v * v;
            s = hot_window(ring, wn, &h, feed) * inv_n;
        } else if (m == CRAMP_ONSET_AASM) {
            const double ms = hot_window(ring, wn, &h, v * v) * inv_n;
            s = feed = sqrt(ms > 0.0 ? ms : 0.0);
        } else if (m == CRAMP_ONSET_HODGES_BUI) {
            feed = hot_lowpass(&sec, &h, fabs(v));
            s = hot_window(ring, wn, &h, feed) * inv_n;
        } else if (m == CRAMP_ONSET_LIDIERTH) {
            feed = fabs(v);
            s = hot_window(ring, wn, &h, feed) * inv_n;
        } else { /* LONDRAL: windowed variance; rest statistics of x^2 */
            feed = v * v;
            hot_window2(ring, ring2, wn, &h, v, feed);
            const double mean = h.sum1 * inv_n;
            const double var = h.sum2 * inv_n - mean * mean;
            s = var > 0.0 ? var : 0.0;
        }
        hot_feed(o, ch, &h, fin, feed);
        generic_step(o, ch, c, t0 + i, s, ax);
    }
    hot_store(&h, ch);
}

static void run_tkeo(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                     uint64_t t0)
{
    chan *ch = &o->ch[c];
    const cramp_biquad sec = o->lp;
    double xm1 = ch->xm1, xm2 = ch->xm2;
    cramp__onset_hot h;
    hot_load(&h, ch);
    for (size_t i = 0; i < n; i++) {
        int fin;
        const double v = cramp__onset_sanitize(x[i * stride], &fin);
        const double ax = hot_delayed(ch->dl, o->dl_n, &h, fabs(v));
        /* psi at the previous frame: x[t-1]^2 - x[t-2] x[t] */
        const double psi = xm1 * xm1 - xm2 * v;
        xm2 = xm1;
        xm1 = v;
        const double cv = hot_lowpass(&sec, &h, fabs(psi));
        hot_feed(o, ch, &h, fin, cv);
        generic_step(o, ch, c, t0 + i, cv, ax);
    }
    ch->xm1 = xm1;
    ch->xm2 = xm2;
    hot_store(&h, ch);
}


void cramp__onset_run_generic(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                              uint64_t t0)
{
    switch (o->method) {
    case CRAMP_ONSET_TKEO: run_tkeo(o, c, x, stride, n, t0); break;
    case CRAMP_ONSET_THRESHOLD:
        run_windowed_m(o, c, x, stride, n, t0, CRAMP_ONSET_THRESHOLD);
        break;
    case CRAMP_ONSET_AASM: run_windowed_m(o, c, x, stride, n, t0, CRAMP_ONSET_AASM); break;
    case CRAMP_ONSET_HODGES_BUI:
        run_windowed_m(o, c, x, stride, n, t0, CRAMP_ONSET_HODGES_BUI);
        break;
    case CRAMP_ONSET_LIDIERTH: run_windowed_m(o, c, x, stride, n, t0, CRAMP_ONSET_LIDIERTH); break;
    case CRAMP_ONSET_LONDRAL: run_windowed_m(o, c, x, stride, n, t0, CRAMP_ONSET_LONDRAL); break;
    case CRAMP_ONSET_BONATO:
    case CRAMP_ONSET_CUSUM: break; /* onset_sequential.c */
    }
}
