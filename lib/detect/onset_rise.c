/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A cramp's onset out of its precursor (issue 12, h12v): where the cramp's
 * own rise leaves the level of the lower-level activity that ran into it.
 *
 * Rising calf sEMG for tens of seconds before a cramp (Chaney and Sherman's
 * pilot) runs into the cramp without a pause, so the segment starts at the
 * precursor. The precursor step (segments.c, step_watch) cuts it where one
 * 0.5-s window steps to precursor_ratio^-2 of the lead's strongest window;
 * a cramp that reaches only two or three times its precursor's amplitude,
 * or reaches it over seconds, never steps, and the episode started at the
 * precursor, tens of seconds before the cramp's first discharge.
 *
 * Here the precursor is the cramp's baseline, read as Hodges and Bui (1996)
 * read rest: the cramp starts where the envelope leaves the baseline's
 * level, the baseline being the CRAMP__PRE_RISE_BASE_S of activity that
 * ends CRAMP__PRE_RISE_LAG_S before (a moving baseline, so a precursor that
 * still rises is its own reference; the lag lets a rise that takes seconds
 * clear it, as the lag of Staude et al. 2001's change-point tests does).
 * In precursor_window_s windows (0.5 s) of mean power above rest: two
 * successive windows (1 s, a sustained rise, not a unit's burst) at or
 * above CRAMP__PRE_RISE_RATIO^2 times the baseline's strongest window mark
 * a rise; its onset is the end of the last 0.5-s window, walked back tick by
 * tick, whose mean power is at or under that strongest window: where the
 * envelope left the precursor (the AASM offset rule read backwards against
 * the precursor instead of rest, as lead_back in segments.c does against
 * rest). A linear rise from the segment's start (a precursor's own ramp)
 * grows by (t + LAG) / t over the lag, under the ratio once t > 2 x LAG -
 * BASE, 4 s past its crossing; a cramp's discharge on top of it more than
 * doubles the power within seconds. The first CRAMP__PRE_RISE_KEEP rises
 * are kept; when the segment closes it starts at the first of them (after
 * any precursor step) that passes the precursor step's own test (the part
 * from it lasts cramp_min_s at precursor_ratio^-2 times the lead's mean
 * power above rest) and whose lead is not sparser than what follows it: a
 * cramp's own recruitment grows denser as its units join (the sparseness
 * of sEMG falls as more units are active, Nazarpour et al. 2013), so a lead
 * of a few units firing alone, sparser than the full cramp, is the cramp's
 * start; low-level activity that the cramp's discharge broke into is
 * denser than it (cramp__rise_cut; the segment's block kurtosis, where it
 * is measured on sparse_min_blocks blocks on both sides, else not asked).
 * Constant memory: CRAMP__PRE_RISE_WINDOWS windows per channel; the walk
 * back reads the tick ring (LAG + BASE + 0.5 s, within its 10 s). */
#include <math.h>

#include "detect/detect_internal.h"

/* The sum of channel c's segment block kurtosis values so far (the bins'
   centres: the histogram is what the segment keeps). */
static double kurtosis_sum(const cramp_detector *d, size_t c)
{
    const uint32_t *hst = d->kurtosis_hist + c * CRAMP__KBINS;
    double s = 0;
    for (size_t b = 0; b < CRAMP__KBINS; b++)
        s += hst[b] * (CRAMP__KBIN_LO + CRAMP__KBIN_W * ((double)b + 0.5));
    return s;
}

void cramp__rise_add(cramp_detector *d, cramp__det_channel *h, size_t c, uint64_t j, size_t k)
{
    cramp__rise *r = &h->rise;
    const double pw = d->cfg.precursor_window_s * d->fs / (double)d->tick_frames;
    if (j == h->emg_onset_tick) {
        r->n_win = 0;
        r->win_ticks = 0;
        r->win_energy = 0;
        r->armed_at = 0;
        r->n = 0;
    }
    if (!(pw >= 1 && pw <= 256)) return;
    const uint64_t w = (uint64_t)llround(pw);
    if (r->win_ticks == 0) r->win_start = j;
    r->win_energy += d->tick_band_energy[k];
    if (++r->win_ticks < w) return;
    r->win_ticks = 0;
    const double tf = (double)d->tick_frames, v = h->emg_rest_uv * h->emg_rest_uv;
    const uint64_t i = r->n_win++;
    r->win[i % CRAMP__PRE_RISE_WINDOWS] = r->win_energy / ((double)w * tf) - v;
    r->win_energy = 0;
    const uint64_t lag = (uint64_t)llround(CRAMP__PRE_RISE_LAG_S / d->cfg.precursor_window_s);
    const uint64_t base = (uint64_t)llround(CRAMP__PRE_RISE_BASE_S / d->cfg.precursor_window_s);
    if (base < 1 || lag + base + 1 > CRAMP__PRE_RISE_WINDOWS || i < lag + base ||
        i < r->armed_at)
        return;
    double ref = 0;
    for (uint64_t q = i - lag - base; q < i - lag; q++)
        if (r->win[q % CRAMP__PRE_RISE_WINDOWS] > ref) ref = r->win[q % CRAMP__PRE_RISE_WINDOWS];
    const double thr = CRAMP__PRE_RISE_RATIO * CRAMP__PRE_RISE_RATIO * ref;
    if (!(ref > 0) || r->win[i % CRAMP__PRE_RISE_WINDOWS] < thr ||
        r->win[(i - 1) % CRAMP__PRE_RISE_WINDOWS] < thr)
        return;
    /* walk back from the current tick to the baseline's start: the last
       window [t - w, t) at or under ref */
    const uint64_t oldest = d->ticks + 2 > CRAMP__TICK_RING ? d->ticks + 2 - CRAMP__TICK_RING : 0;
    uint64_t lo = h->emg_onset_tick + (i - lag - base) * w + w;
    if (lo < oldest + w + 1) lo = oldest + w + 1;
    double e = 0, after = 0, after_m = 0;
    for (uint64_t t = j + 1 - w; t <= j; t++) e += d->tick_band_energy[cramp__tick_at(d, c, t)];
    for (uint64_t t = j + 1; t >= lo; t--) {
        if (e / ((double)w * tf) - v <= ref) {
            if (r->n < CRAMP__PRE_RISE_KEEP) {
                r->tick[r->n] = t;
                r->pre_energy[r->n] = h->seg_band_energy - after;
                r->pre_motion[r->n] = h->seg_motion_energy - after_m;
                r->pre_kurt[r->n] = kurtosis_sum(d, c);
                r->pre_blocks[r->n] = h->kurtosis_blocks;
            }
            r->n++;
            r->armed_at = i + lag + base + 1;
            return;
        }
        const size_t q = cramp__tick_at(d, c, t - 1);
        after += d->tick_band_energy[q];
        after_m += d->tick_motion_energy[q];
        e += d->tick_band_energy[cramp__tick_at(d, c, t - w - 1)] - d->tick_band_energy[q];
    }
}

/* The precursor step's test of a cut at tick t, for the step (segments.c)
 * and the rises here alike: the part from t lasts cramp_min_s and its mean
 * power above rest is at least precursor_ratio^-2 times the lead's
 * (pre_energy: the segment's band energy before t). */
int cramp__cut_holds(const cramp_detector *d, const cramp__det_channel *h, uint64_t t,
                     double pre_energy, uint64_t off_tick)
{
    const double tick = (double)d->tick_frames / d->fs;
    if (t <= h->emg_onset_tick || t >= off_tick ||
        (double)(off_tick - t) * tick < d->cfg.cramp_min_s)
        return 0;
    const double v = h->emg_rest_uv * h->emg_rest_uv, r = d->cfg.precursor_ratio;
    const double pre_n = (double)(t - h->emg_onset_tick) * (double)d->tick_frames;
    const double post_n = (double)h->seg_samples - pre_n;
    const double pre = pre_energy / pre_n - v;
    const double post = (h->seg_band_energy - pre_energy) / post_n - v;
    return post_n > 0 && pre > 0 && post >= pre / (r * r);
}

int cramp__rise_cut(const cramp_detector *d, const cramp__det_channel *h, size_t c,
                    uint64_t off_tick, uint64_t *cut, double *pre_energy, double *pre_motion)
{
    const cramp__rise *r = &h->rise;
    const uint32_t n = r->n < CRAMP__PRE_RISE_KEEP ? r->n : CRAMP__PRE_RISE_KEEP;
    for (uint32_t i = 0; i < n; i++) {
        const uint64_t t = r->tick[i];
        if (t <= *cut || !(d->cfg.precursor_ratio > 0) ||
            !cramp__cut_holds(d, h, t, r->pre_energy[i], off_tick))
            continue;
        /* sparseness: the cramp's own recruitment grows denser as units
           join; a lead that is denser than what follows is other activity
           the cramp broke into (both sides measured on enough blocks) */
        const uint64_t nb = h->kurtosis_blocks - r->pre_blocks[i], mb = d->cfg.sparse_min_blocks;
        if (r->pre_blocks[i] >= mb && nb >= mb &&
            (kurtosis_sum(d, c) - r->pre_kurt[i]) / (double)nb <
                r->pre_kurt[i] / (double)r->pre_blocks[i])
            continue;
        *cut = t;
        *pre_energy = r->pre_energy[i];
        *pre_motion = r->pre_motion[i];
        return 1;
    }
    return 0;
}
