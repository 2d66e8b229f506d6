/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Onset detection, the sequential tests with decision machines of their own
 * (cramp/onset.h): BONATO (Bonato, D'Alessio and Knaflitz's double
 * threshold: r0 of the last m pair decisions above zeta) and CUSUM (Page's
 * one-sided cumulative sums, up while inactive, down while active). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "detect/onset_internal.h"

/* Short names inside the onset files (onset_internal.h). */
typedef cramp__onset_chan chan;

static size_t bonato_oldest(const cramp_onset *o, const chan *ch)
{
    for (size_t j = 0; j < o->m; j++) {
        size_t k = ch->bpos + j;
        if (k >= o->m) k -= o->m;
        if (ch->bits[k]) return j;
    }
    return o->m;
}

void cramp__onset_run_bonato(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                       uint64_t t0)
{
    chan *ch = &o->ch[c];
    for (size_t i = 0; i < n; i++) {
        const uint64_t t = t0 + i;
        int fin;
        const double v = cramp__onset_sanitize(x[i * stride], &fin);
        const double ax = fabs(v);
        if (cramp__bchan_add(&ch->b, &o->bp, fin ? v * v : (double)NAN))
            cramp__onset_update_thresholds(o, ch);
        if ((t & 1u) == 0) {
            ch->x0 = v;
            ch->ax0 = ax;
            continue;
        }
        const uint64_t p = t >> 1; /* pair index; the pair starts at frame 2p */
        const double pk = ch->ax0 > ax ? ch->ax0 : ax;
        const int above = ch->ready && (ch->x0 * ch->x0 + v * v) * ch->inv_var >= o->zeta;
        ch->bcount += (size_t)above - (size_t)ch->bits[ch->bpos];
        ch->bits[ch->bpos] = (unsigned char)above;
        ch->bpk[ch->bpos] = (float)pk;
        if (++ch->bpos == o->m) ch->bpos = 0;
        if (above) ch->last_above = p;
        if (!ch->active) {
            if (ch->bcount >= o->r0) {
                const size_t j = bonato_oldest(o, ch); /* < m: bcount > 0 */
                double peak = 0.0;
                for (size_t jj = j; jj < o->m; jj++) {
                    size_t k = ch->bpos + jj;
                    if (k >= o->m) k -= o->m;
                    if ((double)ch->bpk[k] > peak) peak = (double)ch->bpk[k];
                }
                ch->active = 1;
                ch->peak_main = peak;
                ch->peak_tail = 0.0;
                cramp__onset_seg_open(o, ch, c, 2 * (p - (o->m - 1 - j)), t);
            } else if (ch->has_pend) {
                const size_t j = bonato_oldest(o, ch);
                const uint64_t earliest = j < o->m ? 2 * (p - (o->m - 1 - j)) : 2 * (p + 1);
                cramp__onset_check_pending(o, ch, c, earliest, t);
            }
            continue;
        }
        if (above) {
            if (ch->peak_tail > ch->peak_main) ch->peak_main = ch->peak_tail;
            if (pk > ch->peak_main) ch->peak_main = pk;
            ch->peak_tail = 0.0;
        } else if (pk > ch->peak_tail) {
            ch->peak_tail = pk;
        }
        if (ch->bcount < o->r0) {
            ch->active = 0;
            /* restart the test: decisions before the offset cannot start the
             * next activation */
            memset(ch->bits, 0, o->m);
            ch->bcount = 0;
            cramp__onset_seg_close(o, ch, c, ch->on_frame, 2 * (ch->last_above + 1),
                                   ch->peak_main, t);
        }
    }
}

void cramp__onset_run_cusum(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                      uint64_t t0)
{
    chan *ch = &o->ch[c];
    const double inv_fs = o->inv_fs;
    const cramp_biquad sec = o->lp;
    cramp__onset_hot h;
    hot_load(&h, ch);
    for (size_t i = 0; i < n; i++) {
        const uint64_t t = t0 + i;
        int fin;
        const double v = cramp__onset_sanitize(x[i * stride], &fin);
        const double ax = fabs(v);
        const double cv = hot_lowpass(&sec, &h, ax);
        hot_feed(o, ch, &h, fin, cv);
        if (!ch->active) {
            if (ch->ready) {
                ch->S += (cv - ch->ref) * inv_fs;
                if (ch->S <= 0.0) {
                    ch->S = 0.0;
                    ch->cand_start = t + 1;
                    ch->peak_main = 0.0;
                } else {
                    if (ax > ch->peak_main) ch->peak_main = ax;
                    if (ch->S >= ch->hcu) {
                        ch->active = 1;
                        ch->S = 0.0;
                        ch->peak_tail = 0.0;
                        const uint64_t on = ch->cand_start;
                        ch->cand_start = t + 1; /* offset candidate */
                        cramp__onset_seg_open(o, ch, c, on, t);
                        continue;
                    }
                }
            } else {
                ch->S = 0.0;
                ch->cand_start = t + 1;
            }
            if (ch->has_pend) cramp__onset_check_pending(o, ch, c, ch->cand_start, t);
            continue;
        }
        ch->S += (ch->ref - cv) * inv_fs;
        if (ch->S <= 0.0) {
            ch->S = 0.0;
            ch->cand_start = t + 1;
            if (ch->peak_tail > ch->peak_main) ch->peak_main = ch->peak_tail;
            if (ax > ch->peak_main) ch->peak_main = ax;
            ch->peak_tail = 0.0;
        } else {
            if (ax > ch->peak_tail) ch->peak_tail = ax;
            if (ch->S >= ch->hcu) {
                ch->active = 0;
                ch->S = 0.0;
                cramp__onset_seg_close(o, ch, c, ch->on_frame, ch->cand_start, ch->peak_main, t);
                ch->cand_start = t + 1;
                ch->peak_main = 0.0;
            }
        }
    }
    hot_store(&h, ch);
}
