/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The classifier's rhythmic trains (AASM: hypnagogic foot tremor,
 * alternating leg muscle activation, rhythmic movement disorder): one pass
 * over the night that finds the trains and merges their members, and the
 * three rows of the rule table it feeds (classify.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/classify_internal.h"
#include "detect/short_bursts_internal.h"

/* ---- rhythmic trains (AASM: HFT, ALMA, RMD) ------------------------------ */

/* Rhythmic inside one episode: >= train_min_bursts rises back to the onset
   threshold, at 0.3-4 Hz on average, with intervals regular (CV under
   train_max_cv; the dips between a few units' discharges come at random,
   CV near 1), and bursts (a rise to the next dip) of at most
   train_burst_max_s on average (AASM HFT: 250 ms-1 s; h12j), measured on
   the trailing 0.1-s envelope, which stays up for about its window after a
   burst ends: so the bound is train_burst_max_s + env_window_s + a tick. */
static int rhythmic(const rule_ctx *x, const cramp_episode *e)
{
    const cramp_detect_config *cfg = x->cfg;
    const double burst_max = cfg->train_burst_max_s + cfg->env_window_s + cfg->tick_s;
    return cfg->train_min_bursts > 0 && e->rises >= cfg->train_min_bursts &&
           !(e->rise_burst_s > burst_max) &&
           isfinite(e->rise_cv) && e->rise_cv < cfg->train_max_cv && cfg->train_max_hz > 0 &&
           cfg->train_min_hz > 0 && e->rise_interval_s >= 1 / cfg->train_max_hz &&
           e->rise_interval_s <= 1 / cfg->train_min_hz;
}

/* A phasic unit of a train: one short burst (two, when the pause between
   them did not show), a rhythmic episode, or an episode of several
   sub-bursts none of which is longer than a train's burst on average. */
static int phasic(const rule_ctx *x, const cramp_episode *e)
{
    if (x->cfg->train_min_bursts == 0) return 0;
    if (e->duration_s <= 2 * x->cfg->train_burst_max_s) return 1;
    if (rhythmic(x, e)) return 1;
    if (e->bursts < 2 || !isfinite(e->tonic_fraction)) return 0;
    return e->duration_s * e->tonic_fraction / (double)e->bursts <= x->cfg->train_burst_max_s &&
           e->tonic_fraction < x->cfg->tonic_min;
}

static size_t unit_bursts(const rule_ctx *x, const cramp_episode *e)
{
    size_t b = e->bursts ? e->bursts : 1;
    if (rhythmic(x, e) && e->rises > b) b = e->rises;
    return b;
}

/* A member of a chain: a train member (short_bursts.c) and, unless pot,
   not an episode whose bursts are of a potential's length
   (cramp__potential_bursts). */
static int member(const rule_ctx *x, size_t k, int pot)
{
    return cramp__train_member(x, k) && (pot || !cramp__potential_bursts(x, k));
}

typedef struct chain {
    size_t last, next, nb, members;
    double end;
    int has_pot; /* an episode of potential-length bursts is among the members */
} chain;

/* The chain from episode k (a phasic member): the unlabelled phasic members
   each starting within reach of the end of the one before. */
static void chain_from(const rule_ctx *x, size_t k, int pot, double reach, chain *c)
{
    const cramp_episode *ep = x->ep;
    c->last = k;
    c->nb = unit_bursts(x, &ep[k]);
    c->members = 1;
    c->end = ep[k].offset_s;
    c->has_pot = cramp__potential_bursts(x, k);
    size_t j = k + 1;
    for (; j < x->n; j++) {
        if (x->state[j] != UNLABELLED) continue;
        if (ep[j].onset_s - c->end > reach) break;
        if (!member(x, j, pot)) continue;
        if (!phasic(x, &ep[j])) break;
        c->nb += unit_bursts(x, &ep[j]);
        c->end = fmax(c->end, ep[j].offset_s);
        c->has_pot |= cramp__potential_bursts(x, j);
        c->last = j;
        c->members++;
    }
    c->next = j;
}

/* Chains of unlabelled phasic EMG episodes, each starting within
   1 / train_min_hz of the end of the one before; a chain of at least
   train_min_bursts bursts whose rate (bursts - 1 over first to last onset)
   lies in train_min_hz..train_max_hz is a train: with two or more muscles
   of a leg in a burst, rhythmic movement disorder; bursts on both legs,
   ALMA; else HFT. Episodes whose bursts are of a potential's length (short
   bursts, h12m; EMG segments of strung potentials or of QRS complexes
   riding on weak activity, h12p) take part only in an ALMA train (AASM:
   ALMA bursts 100-500 ms, HFT's 250-1000 ms, fragmentary potentials
   < 150 ms, a QRS complex <= 120 ms); a train of one leg is read again
   without them. One episode alone is an HFT train only when its rises are
   rhythmic (h12p): its sub-bursts lie closer than the AASM's 0.5-s offset
   hold, so by the LM rule they are one leg movement, and the manual's
   0.3-4 Hz is a tremor's frequency, which sub-bursts at random intervals
   do not have (ALMA and RMD, on two legs or muscles, are unchanged). The
   members merge into the first. */
cramp_status cramp__classify_trains(rule_ctx *x)
{
    const cramp_detect_config *cfg = x->cfg;
    cramp_episode *ep = x->ep;
    const size_t ne = x->n;
    const double reach = cfg->train_min_hz > 0 ? 1.0 / cfg->train_min_hz : 0;
    size_t k = 0;
    while (k < ne) {
        if (x->state[k] != UNLABELLED || !cramp__train_member(x, k) || !phasic(x, &ep[k])) {
            k++;
            continue;
        }
        int pot = 1, legs2 = 0;
        chain c;
        for (;;) {
            chain_from(x, k, pot, reach, &c);
            double span = ep[c.last].onset_s - ep[k].onset_s;
            if (c.members == 1) span = ep[k].duration_s;
            const double rate = span > 0 ? (double)(c.nb - 1) / span : 0;
            int train = c.nb >= cfg->train_min_bursts && rate >= cfg->train_min_hz &&
                        rate <= cfg->train_max_hz;
            int big = 0, two_legs = 0;
            uint32_t mask = 0;
            if (train) {
                for (size_t q = k; q <= c.last; q++) {
                    if (x->state[q] != UNLABELLED || !member(x, q, pot)) continue;
                    mask |= ep[q].channels;
                    if (cramp__muscles_one_leg(ep[q].channels, x->ch, x->C) >= 2) big = 1;
                    if (q > k && cramp__other_leg(&ep[k], &ep[q], x->ch, x->C)) two_legs = 1;
                }
                uint32_t legs;
                cramp__count_muscles(mask, x->ch, x->C, &legs);
                if (legs == 3u) two_legs = 1;
                legs2 = !big && two_legs;
                /* one leg's one episode: one LM unless its rises are a rhythm */
                if (c.members == 1 && !big && !two_legs && !rhythmic(x, &ep[k])) train = 0;
            }
            /* a one-leg train or none with potential-length bursts in it:
               read again without them */
            if (pot && c.has_pot && !(train && legs2)) {
                pot = 0;
                if (cramp__potential_bursts(x, k)) { /* k itself is one */
                    c.next = k + 1;
                    break;
                }
                continue;
            }
            if (!train) break;
            x->train[k] = big ? TRAIN_RMD : two_legs ? TRAIN_ALMA : TRAIN_HFT;
            cramp_episode *f = &ep[k];
            for (size_t q = k + 1; q <= c.last; q++) {
                if (x->state[q] != UNLABELLED || !member(x, q, pot)) continue;
                x->state[q] = MERGED;
            }
            f->offset_s = c.end;
            f->duration_s = c.end - f->onset_s;
            f->channels = mask;
            f->n_channels = 0;
            for (size_t ch = 0; ch < x->C; ch++) f->n_channels += mask >> ch & 1u;
            f->bursts = c.nb;
            f->tonic_fraction = (double)NAN;
            /* confidence: margins of the burst count and the rate */
            f->confidence = conf_of(fmin(margin((double)c.nb, (double)cfg->train_min_bursts),
                                         fmin(margin(rate, cfg->train_min_hz),
                                              margin(rate, cfg->train_max_hz))));
            break;
        }
        k = c.next > k + 1 ? c.next : k + 1;
    }
    return CRAMP_OK;
}

const char *cramp__rmd_train(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
    return x->train[k] == TRAIN_RMD ? ">= 4 bursts of two or more muscles of a leg at 0.3-4 Hz "
                                      "(rhythmic movement disorder, AASM)"
                                    : NULL;
}

const char *cramp__alma_train(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
    return x->train[k] == TRAIN_ALMA ? ">= 4 short bursts alternating between the legs "
                                       "(alternating leg muscle activation, AASM)"
                                     : NULL;
}

const char *cramp__hft_train(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
    return x->train[k] == TRAIN_HFT ? ">= 4 bursts of <= 1 s at 0.3-4 Hz on one leg "
                                      "(hypnagogic foot tremor, AASM)"
                                    : NULL;
}

