/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The night's event list: explicit events, then random ones placed without
 * overlapping on a channel. Made once at create, from its own generator. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "synth/synth_internal.h"

#define EDGE_S 5.0       /* random events keep this far from both ends of the night */
#define MARGIN_S 2.0     /* and this far from other events on a shared channel */
#define ISOLATION_S 90.0 /* an isolated burst: no other leg movement this close (WASM 90 s) */
#define TRIES 50
#define CRAMP_OFFSET_S 0.5 /* a cramp's slots stop within this of its end */

static const double PI = 3.14159265358979323846;

static unsigned popcount(uint32_t m)
{
    unsigned n = 0;
    for (; m; m &= m - 1) n++;
    return n;
}

typedef struct evlist {
    synth_ev *v;
    size_t n, cap;
} evlist;

static synth_ev *push(evlist *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        synth_ev *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return NULL;
        l->v = nv;
        l->cap = cap;
    }
    synth_ev *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    return e;
}

static double uni(gsl_rng *r, cramp_range g) { return g.lo + (g.hi - g.lo) * gsl_rng_uniform(r); }

static double clampr(double x, cramp_range g) { return x < g.lo ? g.lo : x > g.hi ? g.hi : x; }

static double loguni(gsl_rng *r, cramp_range g)
{
    if (g.lo <= 0 || g.hi <= g.lo) return uni(r, g);
    return g.lo * exp(log(g.hi / g.lo) * gsl_rng_uniform(r));
}

/* A per-event value: lo when the range is a point (no draw), else uniform. */
static double draw(gsl_rng *rv, double lo, double hi)
{
    return hi > lo ? lo + (hi - lo) * gsl_rng_uniform(rv) : lo;
}

static double drawr(gsl_rng *rv, cramp_range g) { return draw(rv, g.lo, g.hi); }

double synth_hash01(uint64_t key, uint64_t k)
{
    uint64_t x = key ^ (k * 0x9e3779b97f4a7c15ull);
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (double)(x >> 11) * 0x1.0p-53;
}

uint64_t synth_splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void synth_cramp_slot(const synth_ev *ev, size_t k, double *start, double *stop)
{
    *start = ev->t0 + ev->c_onset * synth_hash01(ev->key, 2 * (uint64_t)k);
    *stop = ev->t1 - CRAMP_OFFSET_S * synth_hash01(ev->key, 2 * (uint64_t)k + 1);
}

void synth_burst(const synth_ev *e, size_t k, double *start, double *len, uint32_t *mask)
{
    if (e->kind == CRAMP_SYNTH_FRAGMENTARY) {
        /* One potential at a uniform place in each cell of length period. */
        const double d = e->bd_lo + (e->bd_hi - e->bd_lo) * synth_hash01(e->key, 3 * k);
        *len = d;
        *start = e->t0 + (double)k * e->period + (e->period - d) * synth_hash01(e->key, 3 * k + 1);
        const unsigned n = popcount(e->mask);
        unsigned pick = (unsigned)(synth_hash01(e->key, 3 * k + 2) * n);
        if (pick >= n) pick = n - 1;
        uint32_t m = e->mask;
        for (unsigned i = 0; i < pick; i++) m &= m - 1;
        *mask = m & (~m + 1);
        return;
    }
    /* Periodic; inner bursts move by up to a quarter of the gap between
     * bursts either way, so bursts never touch; the first and the last stay
     * in place (the train's length and mean rate are exact). */
    double jit = 0;
    if (k > 0 && k + 1 < e->n_burst)
        jit = 0.25 * (e->period - e->bdur) * (2 * synth_hash01(e->key, k) - 1);
    *start = e->t0 + (double)k * e->period + jit;
    *len = e->bdur;
    *mask = e->kind == CRAMP_SYNTH_ALMA ? (k % 2 ? e->ch_b : e->ch_a) : e->mask;
}

static int overlaps(const evlist *l, double t0, double t1, uint32_t mask, double margin)
{
    for (size_t i = 0; i < l->n; i++) {
        const synth_ev *e = &l->v[i];
        if (e->kind == CRAMP_SYNTH_FRAGMENTARY) continue; /* runs beneath other events */
        if (!((e->block ? e->block : e->mask) & mask)) continue;
        if (t0 < e->t1 + margin && e->t0 < t1 + margin) return 1;
    }
    return 0;
}

/* Leg movements (LM, burst) on the channels of mask's legs within ISOLATION_S. */
static int near_leg_movement(const evlist *l, double t0, double t1, uint32_t legmask)
{
    for (size_t i = 0; i < l->n; i++) {
        const synth_ev *e = &l->v[i];
        if (e->kind != CRAMP_SYNTH_LM && e->kind != CRAMP_SYNTH_BURST) continue;
        if (!(e->mask & legmask)) continue;
        if (t0 < e->t1 + ISOLATION_S && e->t0 < t1 + ISOLATION_S) return 1;
    }
    return 0;
}

static uint32_t leg_mask(const synth_channel *ch, size_t n, int leg)
{
    uint32_t m = 0;
    for (size_t c = 0; c < n; c++)
        if (ch[c].leg == leg) m |= 1u << c;
    return m;
}

static size_t first_bit(uint32_t mask)
{
    size_t c = 0;
    while (c < 31 && !(mask & (1u << c))) c++;
    return c;
}

static size_t pick_bit(gsl_rng *r, uint32_t mask)
{
    unsigned n = (unsigned)popcount(mask);
    unsigned k = (unsigned)gsl_rng_uniform_int(r, n);
    for (size_t c = 0; c < 32; c++)
        if (mask & (1u << c)) {
            if (k == 0) return c;
            k--;
        }
    return 0;
}

/* A channel of mask for a cramp: its muscle kind drawn by
 * cramp_muscle_weights among the kinds mask holds, then one of that kind's
 * channels, uniformly. */
static size_t pick_weighted(gsl_rng *r, const cramp_scenario *sc, const synth_channel *ch,
                            uint32_t mask)
{
    double tot = 0;
    uint32_t kinds = 0;
    for (size_t c = 0; c < 32; c++)
        if (mask & (1u << c)) kinds |= 1u << ch[c].muscle;
    for (int k = 0; k < CRAMP_MUSCLE_KINDS; k++)
        if (kinds & (1u << k)) tot += sc->cramp_muscle_weights[k];
    double u = tot * gsl_rng_uniform(r);
    int kind = -1;
    for (int k = 0; k < CRAMP_MUSCLE_KINDS; k++) {
        if (!(kinds & (1u << k)) || !(sc->cramp_muscle_weights[k] > 0)) continue;
        kind = k;
        if (u < sc->cramp_muscle_weights[k]) break;
        u -= sc->cramp_muscle_weights[k];
    }
    uint32_t of = 0;
    for (size_t c = 0; c < 32; c++)
        if ((mask & (1u << c)) && (int)ch[c].muscle == kind) of |= 1u << c;
    return pick_bit(r, of ? of : mask);
}

/* The leg's tibialis anterior, else its first channel; SIZE_MAX if none. */
static size_t plm_channel(const synth_channel *ch, size_t n, int leg)
{
    size_t first = (size_t)-1;
    for (size_t c = 0; c < n; c++) {
        if (ch[c].leg != leg) continue;
        if (ch[c].muscle == CRAMP_MUSCLE_TA) return c;
        if (first == (size_t)-1) first = c;
    }
    return first;
}

static void motion_waveform(gsl_rng *r, synth_ev *e)
{
    /* Six sinusoids, log-uniform 0.3-15 Hz, amplitudes ~ f^-1/2, RMS 1 together. */
    double p = 0;
    for (int k = 0; k < 6; k++) {
        e->sf[k] = 0.3 * exp(log(15.0 / 0.3) * gsl_rng_uniform(r));
        e->sa[k] = 1.0 / sqrt(e->sf[k]);
        e->sp[k] = 2 * PI * gsl_rng_uniform(r);
        p += 0.5 * e->sa[k] * e->sa[k];
    }
    for (int k = 0; k < 6; k++) e->sa[k] /= sqrt(p);
}

static void trapezoid(synth_ev *e, double rise, double fall)
{
    double d = e->t1 - e->t0;
    e->rise = fmin(rise, d / 3);
    e->fall = fmin(fall, d / 3);
}

/* Fills the kind-specific parameters of an event whose kind, t0, t1 and mask
 * are set; level_pct / amp < 0 draw them. */
/* Period and burst length of a train: the rate from its range, the burst
 * length from its range but at most 0.8 of the period (the rate is lowered
 * when even the shortest burst would not fit). */
static void train_timing(gsl_rng *r, synth_ev *e, cramp_range rate, cramp_range burst_s)
{
    double f = uni(r, rate);
    if (0.8 / f < burst_s.lo) f = 0.8 / burst_s.lo;
    const double hi = fmin(burst_s.hi, 0.8 / f);
    e->period = 1 / f;
    e->bdur = burst_s.lo + (hi - burst_s.lo) * gsl_rng_uniform(r);
}

static void set_levels(gsl_rng *r, synth_ev *e, double level_pct, cramp_range g)
{
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
        if (e->mask & (1u << c)) e->level[c] = level_pct >= 0 ? level_pct : uni(r, g);
}

/* A cramp's per-event values, from rv only where the scenario gives a range. */
static void cramp_values(const cramp_scenario *sc, gsl_rng *rv, synth_ev *e)
{
    if (!e->units) {
        e->units = sc->cramp_units;
        if (sc->cramp_units_hi > sc->cramp_units) {
            const double lo = (double)sc->cramp_units, hi = (double)sc->cramp_units_hi + 1;
            e->units = (size_t)floor(lo * exp(log(hi / lo) * gsl_rng_uniform(rv)));
            if (e->units > sc->cramp_units_hi) e->units = sc->cramp_units_hi;
        }
    }
    e->c_rate = draw(rv, sc->cramp_rate_hz, sc->cramp_rate_hz_hi);
    e->c_cv = draw(rv, sc->cramp_cv, sc->cramp_cv_hi);
    e->c_dbl = draw(rv, sc->cramp_doublet_fraction, sc->cramp_doublet_fraction_hi);
    e->c_life = draw(rv, sc->cramp_unit_life_s, sc->cramp_unit_life_s_hi);
    e->c_drive = draw(rv, sc->cramp_drive, sc->cramp_drive_hi);
    /* The recruitment ramp lies inside the cramp: all its units have started
     * by mid-cramp (drawn as before, so that the streams stay, then capped). */
    e->c_onset = fmin(drawr(rv, sc->cramp_onset_s), (e->t1 - e->t0) / 2);
    e->c_terr = drawr(rv, sc->cramp_territory);
    e->c_centre = 0.5;
    e->c_drift = 0;
    if (e->c_terr < 1) {
        e->c_centre = gsl_rng_uniform(rv);
        e->c_drift = drawr(rv, sc->cramp_drift_per_min) / 60 * (gsl_rng_uniform(rv) < 0.5 ? -1 : 1);
    }
    e->c_detail = sc->cramp_units_hi > sc->cramp_units || sc->cramp_rate_hz_hi > sc->cramp_rate_hz ||
                  sc->cramp_cv_hi > sc->cramp_cv ||
                  sc->cramp_doublet_fraction_hi > sc->cramp_doublet_fraction ||
                  sc->cramp_unit_life_s_hi > sc->cramp_unit_life_s ||
                  sc->cramp_drive_hi > sc->cramp_drive || sc->cramp_onset_s.lo != 0.25 ||
                  sc->cramp_onset_s.hi != 0.25 || sc->cramp_territory.lo < 1 ||
                  sc->cramp_precursor_probability > 0 || sc->stretch_probability > 0;
}

/* A cramp's key, end and first discharge. Its drawn duration d (t1 - t0 as
 * placed) counts from its first discharge, as the literature's durations
 * count from a cramp's onset (datasets/README.md, "The cramp model"): the
 * cramp ends at c_first + d, and its truth row (onset c_first) lasts d. Its
 * slots start before t0 + d/2 (c_onset <= d/2) and stop after t1 -
 * CRAMP_OFFSET_S >= t0 + d - CRAMP_OFFSET_S, so that every slot fires when
 * d > 2 CRAMP_OFFSET_S and the earliest start is the first discharge. The
 * key is the one run_cramp (synth.c) draws the slots' discharges with; a
 * cramp has at most `pool` units (the muscle's motor pool). */
static void cramp_timing(synth_ev *e, size_t pool, uint64_t pos_key)
{
    const double d = e->t1 - e->t0;
    uint64_t bits;
    memcpy(&bits, &e->t0, sizeof bits);
    e->key = synth_splitmix(pos_key ^ 0x6372616d706f6e73ull ^ bits ^ ((uint64_t)e->mask << 40));
    if (e->units > pool) e->units = pool;
    double first = e->units ? (double)INFINITY : e->t0, a, b;
    for (size_t k = 0; k < e->units; k++) {
        synth_cramp_slot(e, k, &a, &b);
        first = fmin(first, a);
    }
    e->t1 = first + d;
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) e->m_t1[c] = e->t1;
    e->c_first = (double)INFINITY;
    for (size_t k = 0; k < e->units; k++) {
        synth_cramp_slot(e, k, &a, &b);
        if (a < b && a < e->c_first) e->c_first = a;
    }
    if (!isfinite(e->c_first)) e->c_first = e->t0;
}

static void fill(const cramp_scenario *sc, gsl_rng *r, gsl_rng *rv, synth_ev *e, double level_pct,
                 double amp)
{
    const double d = e->t1 - e->t0;
    for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) {
        e->m_t0[c] = e->t0;
        e->m_t1[c] = e->t1;
        e->level[c] = 1;
    }
    switch (e->kind) {
    case CRAMP_SYNTH_CRAMP: cramp_values(sc, rv, e); break;
    case CRAMP_SYNTH_HFT:
    case CRAMP_SYNTH_ALMA:
    case CRAMP_SYNTH_RMD: {
        const int h = e->kind == CRAMP_SYNTH_HFT, a = e->kind == CRAMP_SYNTH_ALMA;
        if (e->kind == CRAMP_SYNTH_RMD) {
            const double f = uni(r, sc->rmd_rate_hz);
            e->period = 1 / f;
            e->bdur = uni(r, sc->rmd_duty) / f;
        } else {
            const cramp_range ms = h ? sc->hft_burst_ms : sc->alma_burst_ms;
            train_timing(r, e, h ? sc->hft_rate_hz : sc->alma_rate_hz,
                         (cramp_range){ms.lo * 1e-3, ms.hi * 1e-3});
        }
        if (!e->n_burst) { /* explicit: as many bursts as fit */
            double n = floor((d - e->bdur) / e->period) + 1;
            e->n_burst = n >= 1 ? (size_t)n : 1;
        }
        e->t1 = e->t0 + (double)(e->n_burst - 1) * e->period + e->bdur;
        if (a && !e->ch_a) {
            e->ch_a = e->mask & (~e->mask + 1);
            e->ch_b = e->mask & ~e->ch_a;
            if (!e->ch_b) e->ch_b = e->ch_a;
        }
        set_levels(r, e, level_pct,
                   h ? sc->hft_excitation_pct : a ? sc->alma_excitation_pct : sc->rmd_excitation_pct);
        e->key = ((uint64_t)gsl_rng_get(r) << 32) ^ gsl_rng_get(r);
        if (e->kind == CRAMP_SYNTH_RMD) {
            e->amp = amp >= 0 ? amp : sc->rmd_motion_uv;
            motion_waveform(r, e);
        }
        break;
    }
    case CRAMP_SYNTH_FRAGMENTARY: {
        e->period = 60 / uni(r, sc->fragmentary_per_min);
        e->bd_lo = fmin(sc->fragmentary_ms.lo * 1e-3, 0.8 * e->period);
        e->bd_hi = fmin(sc->fragmentary_ms.hi * 1e-3, 0.8 * e->period);
        double n = floor(d / e->period);
        e->n_burst = n >= 1 ? (size_t)n : 1;
        e->t1 = e->t0 + (double)e->n_burst * e->period;
        set_levels(r, e, level_pct, sc->fragmentary_excitation_pct);
        e->key = ((uint64_t)gsl_rng_get(r) << 32) ^ gsl_rng_get(r);
        break;
    }
    case CRAMP_SYNTH_REM_TONIC:
        set_levels(r, e, level_pct, sc->rem_tonic_excitation_pct);
        trapezoid(e, 2, 2);
        break;
    case CRAMP_SYNTH_AWAKENING:
        set_levels(r, e, level_pct, sc->awakening_excitation_pct);
        trapezoid(e, 0.3, 0.3);
        break;
    case CRAMP_SYNTH_STRETCH:
        set_levels(r, e, level_pct, sc->stretch_excitation_pct);
        trapezoid(e, 0.5, 0.5);
        e->amp = amp >= 0 ? amp : 0;
        if (e->amp > 0) motion_waveform(r, e);
        break;
    case CRAMP_SYNTH_LM:
    case CRAMP_SYNTH_BURST: {
        const cramp_range g = e->kind == CRAMP_SYNTH_LM ? sc->plm_excitation_pct
                                                        : sc->burst_excitation_pct;
        for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
            if (e->mask & (1u << c)) e->level[c] = level_pct >= 0 ? level_pct : uni(r, g);
        trapezoid(e, 0.15, 0.3);
        break;
    }
    case CRAMP_SYNTH_MOVEMENT:
        for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
            if (e->mask & (1u << c)) {
                e->level[c] = level_pct >= 0 ? level_pct : uni(r, sc->movement_excitation_pct);
                if (!e->explicit_ev) {
                    /* Muscles join and leave within half a second of each other. */
                    double a = 0.5 * gsl_rng_uniform(r), b = 0.5 * gsl_rng_uniform(r);
                    if (a + b < d / 2) {
                        e->m_t0[c] = e->t0 + a;
                        e->m_t1[c] = e->t1 - b;
                    }
                }
            }
        /* The first muscle starts at t0 and the last ends at t1 (the truth). */
        if (!e->explicit_ev) {
            size_t first = 0, last = 0;
            double lo = (double)INFINITY, hi = -(double)INFINITY;
            for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++)
                if (e->mask & (1u << c)) {
                    if (e->m_t0[c] < lo) { lo = e->m_t0[c]; first = c; }
                    if (e->m_t1[c] > hi) { hi = e->m_t1[c]; last = c; }
                }
            e->m_t0[first] = e->t0;
            e->m_t1[last] = e->t1;
            e->mod_hz = 0.2 + 0.8 * gsl_rng_uniform(r);
            e->mod_phase = 2 * PI * gsl_rng_uniform(r);
            e->mod_depth = 0.25;
        }
        trapezoid(e, 0.3, 0.3);
        e->amp = amp >= 0 ? amp : sc->movement_motion_uv;
        motion_waveform(r, e);
        break;
    case CRAMP_SYNTH_MOTION:
        e->amp = amp >= 0 ? amp : sc->motion_uv;
        motion_waveform(r, e);
        break;
    case CRAMP_SYNTH_POP: {
        double a = amp >= 0 ? amp : sc->pop_uv * (0.5 + gsl_rng_uniform(r));
        e->amp = gsl_rng_uniform(r) < 0.5 ? -a : a;
        e->tau = d / 5;
        break;
    }
    case CRAMP_SYNTH_CLIP:
        e->amp = gsl_rng_uniform(r) < 0.5 ? -1 : 1;
        motion_waveform(r, e);
        break;
    case CRAMP_SYNTH_LOST:
    default: break;
    }
}

/* What follows or precedes a cramp, drawn from rv when asked for. */
typedef struct extras {
    double pre, pre_pct;             /* precursor length (0: none) and final excitation */
    double delay, dur;               /* stretch after the cramp's end (dur 0: none) */
    int body;                        /* the stretch comes with a whole-body movement */
} extras;

static extras draw_extras(const cramp_scenario *sc, gsl_rng *rv)
{
    extras x = {0, 0, 0, 0, 0};
    if (sc->cramp_precursor_probability > 0 &&
        gsl_rng_uniform(rv) < sc->cramp_precursor_probability) {
        x.pre = drawr(rv, sc->cramp_precursor_s);
        x.pre_pct = drawr(rv, sc->cramp_precursor_pct);
    }
    if (sc->stretch_probability > 0 && gsl_rng_uniform(rv) < sc->stretch_probability) {
        x.delay = drawr(rv, sc->stretch_delay_s);
        x.dur = drawr(rv, sc->stretch_duration_s);
        x.body = sc->stretch_body_probability > 0 &&
                 gsl_rng_uniform(rv) < sc->stretch_body_probability;
    }
    return x;
}

static size_t plm_channel(const synth_channel *ch, size_t n, int leg);
static uint32_t leg_mask(const synth_channel *ch, size_t n, int leg);

/* A stretch whose leg has no tibialis anterior on the montage: ta is then
 * the leg's first channel (plm_channel), a muscle the stretch lengthens
 * rather than contracts (docs/detect.md, "Stretching after a cramp"). The
 * simulator has a motor pool only under a recorded channel and its crosstalk
 * runs between recorded muscles (`crosstalk`), so the unrecorded TA adds
 * nothing to any channel: a TA-only stretch is left with no channel (no EMG,
 * no truth row; it still keeps the leg free of other events, as before), and
 * in a whole-body stretch that channel moves with the rest of the body, its
 * level mapped from the stretch range into movement_excitation_pct (uniform
 * there as a draw would be; no draw added, so the rest of the night stays). */
static void off_montage_stretch(const cramp_scenario *sc, synth_ev *e, size_t ta, int body)
{
    if (!body) {
        e->level[ta] = 0;
        e->mask = 0;
        return;
    }
    const cramp_range s = sc->stretch_excitation_pct, m = sc->movement_excitation_pct;
    const double u = s.hi > s.lo ? (e->level[ta] - s.lo) / (s.hi - s.lo) : 0.5;
    e->level[ta] = m.lo + u * (m.hi - m.lo);
}

/* The channel a stretch against a cramp on channel c contracts, its
 * antagonist on the same leg (patient leaflets: stretch the cramping muscle;
 * docs/detect.md, "Stretching after a cramp"): for a calf or foot cramp the
 * leg's tibialis anterior (dorsiflexing the ankle, with the toe extensors of
 * the same anterior compartment for a foot cramp); for a TA cramp the leg's
 * calf (plantar flexion; gastrocnemius, else soleus); for a thigh cramp
 * (quadriceps or hamstrings) another thigh channel of the leg, the other
 * compartment where a montage records both; for `other` the TA, as for every
 * kind before. *recorded is 0 where the leg has no such channel: the
 * returned channel is then the leg's first (plm_channel), a stand-in for
 * off_montage_stretch. The default kinds (gas sol foot) get the channel they
 * always had. */
static size_t stretch_channel(const synth_channel *ch, size_t n, size_t c, int *recorded)
{
    const int leg = ch[c].leg;
    const cramp_muscle_kind m = ch[c].muscle;
    size_t best = (size_t)-1;
    if (m == CRAMP_MUSCLE_TA || m == CRAMP_MUSCLE_THIGH) {
        for (size_t k = 0; k < n; k++) {
            if (k == c || ch[k].leg != leg) continue;
            if (m == CRAMP_MUSCLE_THIGH ? ch[k].muscle == CRAMP_MUSCLE_THIGH
                                        : ch[k].muscle == CRAMP_MUSCLE_GAS) {
                best = k;
                break;
            }
            if (m == CRAMP_MUSCLE_TA && ch[k].muscle == CRAMP_MUSCLE_SOL && best == (size_t)-1)
                best = k;
        }
        *recorded = best != (size_t)-1;
        return best != (size_t)-1 ? best : plm_channel(ch, n, leg);
    }
    best = plm_channel(ch, n, leg);
    *recorded = ch[best].muscle == CRAMP_MUSCLE_TA;
    return best;
}

/* Pushes the precursor and the stretch of the cramp at l->v[ci]. */
static int push_extras(const cramp_scenario *sc, const synth_channel *ch, gsl_rng *rv, evlist *l,
                       size_t ci, const extras *x)
{
    const size_t nc = sc->channels;
    const uint32_t all = nc >= 32 ? 0xffffffffu : (1u << nc) - 1;
    const synth_ev cr = l->v[ci];
    const int leg = ch[first_bit(cr.mask)].leg;
    const uint32_t legs = leg_mask(ch, nc, leg);
    if (x->pre > 0) {
        l->v[ci].c_precursor = x->pre;
        synth_ev *e = push(l);
        if (!e) return -1;
        e->kind = SYNTH_PRECURSOR;
        e->t0 = cr.t0 - x->pre;
        /* Held at its level through the cramp's onset window, whose units
         * start one by one (run_cramp): the rising activity leads into the
         * cramp without a rest, and ends under the cramp's discharges. */
        e->t1 = fmin(cr.t0 + cr.c_onset, cr.t1);
        e->mask = cr.mask;
        e->block = legs;
        for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) {
            e->m_t0[c] = e->t0;
            e->m_t1[c] = e->t1;
            e->level[c] = x->pre_pct;
        }
        e->rise = x->pre; /* a linear rise up to the cramp's t0 */
    }
    if (x->dur > 0) {
        int recorded;
        const size_t ta = stretch_channel(ch, nc, first_bit(cr.mask), &recorded);
        synth_ev *e = push(l);
        if (!e) return -1;
        e->kind = CRAMP_SYNTH_STRETCH;
        e->t0 = cr.t1 + x->delay;
        e->t1 = e->t0 + x->dur;
        e->mask = x->body ? all : 1u << ta;
        e->block = e->mask | legs;
        e->turn = x->body;
        fill(sc, rv, rv, e, -1, x->body ? sc->movement_motion_uv : 0);
        if (x->body) /* the rest of the body moves less than the stretching shin */
            for (size_t c = 0; c < nc; c++)
                if (c != ta) e->level[c] = uni(rv, sc->movement_excitation_pct);
        if (!recorded) off_montage_stretch(sc, e, ta, x->body);
    }
    return 0;
}

static double extras_before(const extras *x) { return x->pre; }
static double extras_after(const extras *x) { return x->dur > 0 ? x->delay + x->dur : 0; }

static int cmp_ev(const void *a, const void *b)
{
    const synth_ev *x = a, *y = b;
    if (x->t0 < y->t0) return -1;
    if (x->t0 > y->t0) return 1;
    if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
    return (x->mask > y->mask) - (x->mask < y->mask);
}

/* A uniform onset for an event of duration d; < 0 if the night is too short. */
static double onset(gsl_rng *r, double night, double d)
{
    double span = night - 2 * EDGE_S - d;
    if (span <= 0) return -1;
    return EDGE_S + span * gsl_rng_uniform(r);
}

/* Numbers the series 1..top of v (sorted by t0) in time order; -1 when out
 * of memory. */
static int number_series(synth_ev *v, size_t n, int top)
{
    if (top <= 0) return 0;
    int *map = calloc((size_t)top + 1, sizeof *map);
    if (!map) return -1;
    int next = 0;
    for (size_t i = 0; i < n; i++) {
        int sr = v[i].series;
        if (!sr) continue;
        if (!map[sr]) map[sr] = ++next;
        v[i].series = map[sr];
    }
    free(map);
    return 0;
}

#define SERIES_MIN_LMS 4         /* AASM, WASM 2016: a PLM series holds >= 4 LMs */
#define SERIES_MAX_INTERVAL_S 90 /* ... whose onsets are at most 90 s apart */

static double truth_onset(const synth_ev *e) { return e->truth_mask ? e->truth_t0 : e->t0; }

/* Closes the run of series s's scored LMs from index i0 up to (not
 * including) i1: a series of its own (id) when long enough, else lone LMs. */
static void close_run(synth_ev *v, size_t i0, size_t i1, int s, int len, int id)
{
    int k = 0;
    for (size_t j = i0; j < i1; j++) {
        synth_ev *e = &v[j];
        if (e->series != s || e->unscored) continue;
        if (len >= SERIES_MIN_LMS) {
            e->series = id;
            e->index = ++k;
            e->count = len;
        } else {
            e->series = 0;
            e->lone = 1;
        }
    }
}

cramp_status synth_score_series(synth_ev *v, size_t n)
{
    int top = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].series > top) top = v[i].series;
    int next = top; /* new ids above the drawn ones, renumbered at the end */
    for (int s = 1; s <= top; s++) {
        size_t i0 = 0;
        int len = 0;
        double last = 0;
        for (size_t i = 0; i < n; i++) {
            synth_ev *e = &v[i];
            if (e->series != s || e->unscored) continue;
            if (len && truth_onset(e) - last > SERIES_MAX_INTERVAL_S) {
                close_run(v, i0, i, s, len, len >= SERIES_MIN_LMS ? ++next : 0);
                len = 0;
            }
            if (!len) i0 = i;
            len++;
            last = truth_onset(e);
        }
        if (len) close_run(v, i0, n, s, len, len >= SERIES_MIN_LMS ? ++next : 0);
        for (size_t i = 0; i < n; i++) /* the unscored leave it */
            if (v[i].series == s) v[i].series = 0;
    }
    return number_series(v, n, next) ? CRAMP_ENOMEM : CRAMP_OK;
}

cramp_status synth_schedule(const cramp_scenario *sc, const synth_channel *ch, gsl_rng *r,
                            gsl_rng *rv, uint64_t pos_key, synth_ev **evs, size_t *n_out,
                            size_t *dropped_out, cramp_error *err)
{
    (void)err;
    evlist l = {NULL, 0, 0};
    size_t dropped = 0;
    const size_t nc = sc->channels;
    const double night = sc->duration_min * 60.0;
    const double hours = sc->duration_min / 60.0;
    const uint32_t all = nc >= 32 ? 0xffffffffu : (1u << nc) - 1;
    int series = 0;

    for (size_t i = 0; i < sc->n_events; i++) {
        const cramp_scenario_event *se = &sc->events[i];
        synth_ev *e = push(&l);
        if (!e) goto nomem;
        e->kind = se->kind;
        e->t0 = se->onset_s;
        e->t1 = se->onset_s + se->duration_s;
        e->mask = se->channels & all;
        e->units = se->units;
        e->explicit_ev = 1;
        /* A cramp wakes the sleeper: nothing else happens on that leg meanwhile. */
        if (e->kind == CRAMP_SYNTH_CRAMP && e->mask)
            e->block = leg_mask(ch, nc, ch[first_bit(e->mask)].leg);
        fill(sc, r, rv, e, se->excitation_pct, se->amplitude_uv);
        if (e->kind == CRAMP_SYNTH_CRAMP) cramp_timing(e, sc->units, pos_key);
        if (e->kind == CRAMP_SYNTH_CRAMP && e->mask) {
            extras x = draw_extras(sc, rv);
            if (x.pre > e->t0) x.pre = e->t0;
            if (e->t1 + extras_after(&x) > night) x.dur = 0;
            if (push_extras(sc, ch, rv, &l, l.n - 1, &x)) goto nomem;
        }
    }

    /* Lost electrodes first (long), then cramps, PLM series, movements,
     * bursts and short artefacts. */
    unsigned n;
    n = gsl_ran_poisson(r, sc->lost_per_hour * hours);
    for (unsigned k = 0; k < n; k++) {
        int placed = 0;
        for (int t = 0; t < TRIES && !placed; t++) {
            double d = uni(r, sc->lost_duration_s);
            double t0 = onset(r, night, d);
            uint32_t m = 1u << gsl_rng_uniform_int(r, nc);
            if (t0 < 0 || overlaps(&l, t0, t0 + d, m, MARGIN_S)) continue;
            synth_ev *e = push(&l);
            if (!e) goto nomem;
            *e = (synth_ev){.kind = CRAMP_SYNTH_LOST, .t0 = t0, .t1 = t0 + d, .mask = m};
            fill(sc, r, rv, e, -1, -1);
            placed = 1;
        }
        if (!placed) dropped++;
    }

    uint32_t crampable = 0;
    for (size_t c = 0; c < nc; c++)
        if (sc->cramp_muscles & (1u << ch[c].muscle)) crampable |= 1u << c;
    n = gsl_ran_poisson(r, sc->cramp_per_hour * hours);
    for (unsigned k = 0; k < n; k++) {
        int placed = 0;
        for (int t = 0; t < TRIES && !placed && crampable; t++) {
            double d = loguni(r, sc->cramp_duration_s);
            const extras x = draw_extras(sc, rv);
            /* The span reserved: the cramp ends d after its first discharge,
             * which lags t0 by less than its capped onset window. */
            const double lag = fmin(sc->cramp_onset_s.hi, d / 2);
            const double before = extras_before(&x), after = lag + extras_after(&x);
            double t0 = onset(r, night, before + d + after);
            if (t0 >= 0) t0 += before;
            const size_t c = sc->cramp_muscle_weighted ? pick_weighted(r, sc, ch, crampable)
                                                       : pick_bit(r, crampable);
            const uint32_t m = 1u << c, legs = leg_mask(ch, nc, ch[c].leg);
            if (t0 < 0 || overlaps(&l, t0 - before, t0 + d + after, x.body ? all : legs, MARGIN_S))
                continue;
            synth_ev *e = push(&l);
            if (!e) goto nomem;
            *e = (synth_ev){.kind = CRAMP_SYNTH_CRAMP, .t0 = t0, .t1 = t0 + d, .mask = m,
                            .block = legs};
            fill(sc, r, rv, e, -1, -1);
            cramp_timing(e, sc->units, pos_key);
            if (push_extras(sc, ch, rv, &l, l.n - 1, &x)) goto nomem;
            placed = 1;
        }
        if (!placed) dropped++;
    }

    /* PLM series: drawn whole (relative times), then placed as a block. */
    n = gsl_ran_poisson(r, sc->plm_series_per_hour * hours);
    for (unsigned k = 0; k < n; k++) {
        int placed = 0;
        for (int t = 0; t < TRIES && !placed; t++) {
            const int leg = nc > 1 && gsl_rng_uniform(r) < 0.5 ? 1 : 0;
            size_t c1 = plm_channel(ch, nc, leg);
            if (c1 == (size_t)-1) c1 = plm_channel(ch, nc, 1 - leg);
            const size_t c2 = plm_channel(ch, nc, 1 - ch[c1].leg);
            const long cnt = (long)sc->plm_count.lo +
                             (long)gsl_rng_uniform_int(
                                 r, (unsigned long)(sc->plm_count.hi - sc->plm_count.lo) + 1);
            /* Relative onsets and durations of each movement and leg. */
            double rel = 0, span = 0;
            uint32_t mask = 1u << c1;
            size_t base = l.n;
            int ok = 1;
            const double period = sc->plm_jitter > 0 ? uni(rv, sc->plm_interval_s) : 0;
            for (long j = 0; j < cnt; j++) {
                double iv = 0;
                if (j && sc->plm_jitter > 0)
                    iv = clampr(period * (1 + sc->plm_jitter * gsl_ran_gaussian_ziggurat(rv, 1.0)),
                                sc->plm_interval_s);
                else if (j)
                    iv = uni(r, sc->plm_interval_s);
                rel += iv;
                /* A left-out inner movement: the interval around it doubles. */
                if (j > 0 && j + 1 < cnt && sc->plm_missing_fraction > 0 &&
                    gsl_rng_uniform(rv) < sc->plm_missing_fraction)
                    continue;
                double d = uni(r, sc->plm_duration_s);
                double nxt = sc->plm_interval_s.lo;
                if (d > 0.8 * nxt) d = 0.8 * nxt; /* keep movements apart */
                synth_ev *e = push(&l);
                if (!e) goto nomem;
                e->kind = CRAMP_SYNTH_LM;
                e->t0 = rel;
                e->t1 = rel + d;
                e->mask = 1u << c1;
                e->index = (int)j + 1;
                e->count = (int)cnt;
                fill(sc, r, rv, e, -1, -1);
                if (sc->plm_weak_fraction > 0 && gsl_rng_uniform(rv) < sc->plm_weak_fraction) {
                    e->level[c1] = uni(rv, sc->plm_weak_excitation_pct);
                    e->weak = 1;
                }
                if (c2 != (size_t)-1 && gsl_rng_uniform(r) < sc->plm_bilateral) {
                    /* The other leg joins within 2 s: one movement (AASM: within 5 s). */
                    double lag = 2.0 * gsl_rng_uniform(r);
                    double d2 = uni(r, sc->plm_duration_s);
                    if (d2 > 0.8 * nxt) d2 = 0.8 * nxt;
                    e->mask |= 1u << c2;
                    e->bilateral = 1;
                    e->m_t0[c2] = rel + lag;
                    e->m_t1[c2] = rel + lag + d2;
                    e->level[c2] = uni(r, sc->plm_excitation_pct);
                    if (e->m_t1[c2] > e->t1) e->t1 = e->m_t1[c2];
                    mask |= 1u << c2;
                }
                if (e->t1 > span) span = e->t1;
            }
            /* Checked against the events placed before this series; other
             * leg movements on its legs stay 90 s away, so series never merge. */
            double t0 = onset(r, night, span);
            uint32_t legs = leg_mask(ch, nc, ch[c1].leg);
            if (mask != (1u << c1)) legs |= leg_mask(ch, nc, ch[c2].leg);
            evlist before = {l.v, base, l.cap};
            if (t0 < 0 || overlaps(&before, t0, t0 + span, mask, MARGIN_S) ||
                near_leg_movement(&before, t0, t0 + span, legs))
                ok = 0;
            if (!ok) {
                l.n = base;
                continue;
            }
            series++;
            for (size_t i = base; i < l.n; i++) {
                synth_ev *e = &l.v[i];
                e->series = series;
                e->index = (int)(i - base) + 1; /* the same unless movements were left out */
                e->count = (int)(l.n - base);
                e->t0 += t0;
                e->t1 += t0;
                for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) {
                    e->m_t0[c] += t0;
                    e->m_t1[c] += t0;
                }
            }
            placed = 1;
        }
        if (!placed) dropped++;
    }

    n = gsl_ran_poisson(r, sc->movement_per_hour * hours);
    for (unsigned k = 0; k < n; k++) {
        int placed = 0;
        for (int t = 0; t < TRIES && !placed; t++) {
            double d = uni(r, sc->movement_duration_s);
            double t0 = onset(r, night, d);
            /* Turning over moves both legs; otherwise one leg's muscles. */
            int turn = gsl_rng_uniform(r) < 0.5;
            uint32_t m = all;
            if (!turn) {
                int leg = gsl_rng_uniform(r) < 0.5;
                uint32_t lm = leg_mask(ch, nc, leg);
                if (popcount(lm) >= 2) m = lm;
                else turn = 1;
            }
            if (t0 < 0 || overlaps(&l, t0, t0 + d, m, MARGIN_S)) continue;
            synth_ev *e = push(&l);
            if (!e) goto nomem;
            *e = (synth_ev){.kind = CRAMP_SYNTH_MOVEMENT, .t0 = t0, .t1 = t0 + d, .mask = m,
                            .turn = turn};
            fill(sc, r, rv, e, -1, -1);
            placed = 1;
        }
        if (!placed) dropped++;
    }

    n = gsl_ran_poisson(r, sc->burst_per_hour * hours);
    for (unsigned k = 0; k < n; k++) {
        int placed = 0;
        for (int t = 0; t < TRIES && !placed; t++) {
            double d = uni(r, sc->burst_duration_s);
            double t0 = onset(r, night, d);
            size_t c = gsl_rng_uniform_int(r, nc);
            uint32_t m = 1u << c;
            /* isolated from the LMs of both legs: a burst within 90 s of
               the other leg's LM is a member of its series by the AASM's
               count over both legs (h12aq), not the lone burst drawn here */
            if (t0 < 0 || overlaps(&l, t0, t0 + d, m, MARGIN_S) ||
                near_leg_movement(&l, t0, t0 + d, all))
                continue;
            synth_ev *e = push(&l);
            if (!e) goto nomem;
            *e = (synth_ev){.kind = CRAMP_SYNTH_BURST, .t0 = t0, .t1 = t0 + d, .mask = m};
            fill(sc, r, rv, e, -1, -1);
            placed = 1;
        }
        if (!placed) dropped++;
    }

    const struct {
        cramp_synth_kind kind;
        double rate;
    } arts[] = {{CRAMP_SYNTH_MOTION, sc->motion_per_hour},
                {CRAMP_SYNTH_POP, sc->pop_per_hour},
                {CRAMP_SYNTH_CLIP, sc->clip_per_hour}};
    for (size_t a = 0; a < sizeof arts / sizeof arts[0]; a++) {
        n = gsl_ran_poisson(r, arts[a].rate * hours);
        for (unsigned k = 0; k < n; k++) {
            int placed = 0;
            for (int t = 0; t < TRIES && !placed; t++) {
                double d = arts[a].kind == CRAMP_SYNTH_MOTION ? uni(r, sc->motion_duration_s)
                           : arts[a].kind == CRAMP_SYNTH_POP  ? 5 * uni(r, sc->pop_tau_s)
                                                              : uni(r, sc->clip_duration_s);
                double t0 = onset(r, night, d);
                uint32_t m = 1u << gsl_rng_uniform_int(r, nc);
                if (t0 < 0 || overlaps(&l, t0, t0 + d, m, MARGIN_S)) continue;
                synth_ev *e = push(&l);
                if (!e) goto nomem;
                *e = (synth_ev){.kind = arts[a].kind, .t0 = t0, .t1 = t0 + d, .mask = m};
                fill(sc, r, rv, e, -1, -1);
                placed = 1;
            }
            if (!placed) dropped++;
        }
    }

    /* The AASM / ICSD-3 confusers, from rv (after everything else, so that a
     * scenario without them places the rest as before). */
    const struct {
        cramp_synth_kind kind;
        double rate;
    } conf[] = {{CRAMP_SYNTH_REM_TONIC, sc->rem_tonic_per_hour},
                {CRAMP_SYNTH_AWAKENING, sc->awakening_per_hour},
                {CRAMP_SYNTH_RMD, sc->rmd_per_hour},
                {CRAMP_SYNTH_HFT, sc->hft_per_hour},
                {CRAMP_SYNTH_ALMA, sc->alma_per_hour},
                {CRAMP_SYNTH_FRAGMENTARY, sc->fragmentary_per_hour}};
    for (size_t a = 0; a < sizeof conf / sizeof conf[0]; a++) {
        if (!(conf[a].rate > 0)) continue;
        const cramp_synth_kind kind = conf[a].kind;
        n = gsl_ran_poisson(rv, conf[a].rate * hours);
        for (unsigned k = 0; k < n; k++) {
            int placed = 0;
            for (int t = 0; t < TRIES && !placed; t++) {
                synth_ev tmp;
                memset(&tmp, 0, sizeof tmp);
                tmp.kind = kind;
                const int leg = nc > 1 && gsl_rng_uniform(rv) < 0.5 ? 1 : 0;
                double margin = MARGIN_S;
                if (kind == CRAMP_SYNTH_REM_TONIC || kind == CRAMP_SYNTH_AWAKENING) {
                    tmp.mask = gsl_rng_uniform(rv) < 0.5 ? all : leg_mask(ch, nc, leg);
                    if (!tmp.mask) tmp.mask = all;
                    tmp.t1 = drawr(rv, kind == CRAMP_SYNTH_REM_TONIC ? sc->rem_tonic_duration_s
                                                                    : sc->awakening_duration_s);
                } else if (kind == CRAMP_SYNTH_FRAGMENTARY) {
                    tmp.mask = all;
                    tmp.t1 = drawr(rv, sc->fragmentary_duration_s);
                } else {
                    const cramp_range cnt = kind == CRAMP_SYNTH_HFT    ? sc->hft_count
                                            : kind == CRAMP_SYNTH_ALMA ? sc->alma_count
                                                                       : sc->rmd_count;
                    tmp.n_burst = (size_t)cnt.lo +
                                  gsl_rng_uniform_int(rv, (unsigned long)(cnt.hi - cnt.lo) + 1);
                    if (kind == CRAMP_SYNTH_RMD) {
                        tmp.mask = all;
                    } else {
                        size_t c1 = plm_channel(ch, nc, leg);
                        if (c1 == (size_t)-1) c1 = plm_channel(ch, nc, 1 - leg);
                        tmp.mask = 1u << c1;
                        if (kind == CRAMP_SYNTH_ALMA) {
                            const size_t c2 = plm_channel(ch, nc, 1 - ch[c1].leg);
                            if (c2 == (size_t)-1) break; /* one leg: no alternation */
                            tmp.ch_a = 1u << c1;
                            tmp.ch_b = 1u << c2;
                            tmp.mask |= tmp.ch_b;
                        }
                        margin = 10; /* apart from other leg movements */
                    }
                }
                fill(sc, rv, rv, &tmp, -1, -1);
                const double span = tmp.t1 - tmp.t0;
                const double t0 = onset(rv, night, span);
                if (t0 < 0 || (kind != CRAMP_SYNTH_FRAGMENTARY &&
                               overlaps(&l, t0, t0 + span, tmp.mask, margin)))
                    continue;
                tmp.t0 += t0;
                tmp.t1 += t0;
                for (size_t c = 0; c < CRAMP_SYNTH_MAX_CHANNELS; c++) {
                    tmp.m_t0[c] += t0;
                    tmp.m_t1[c] += t0;
                }
                synth_ev *e = push(&l);
                if (!e) goto nomem;
                *e = tmp;
                placed = 1;
            }
            if (!placed) dropped++;
        }
    }

    if (l.n) qsort(l.v, l.n, sizeof *l.v, cmp_ev);
    if (number_series(l.v, l.n, series)) goto nomem;
    *evs = l.v;
    *n_out = l.n;
    *dropped_out = dropped;
    return CRAMP_OK;

nomem:
    free(l.v);
    *evs = NULL;
    *n_out = 0;
    return CRAMP_ENOMEM;
}
