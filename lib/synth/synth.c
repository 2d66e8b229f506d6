/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The simulator: motor-unit pools, MUAP template grid, event-driven firing,
 * interference and artefacts, produced in fixed internal blocks (see
 * cramp/synth.h for the model and its sources).
 *
 * Over 800 lines: every stage below reads and writes the one private object
 * (struct cramp_synth) inside the block loop; splitting the stages apart
 * means moving that object into synth_internal.h, a change to make with a
 * byte-for-byte check of the simulator's own output (scripts/compare-outputs
 * runs the reference commit's synth for both sides, so it cannot catch a
 * change here). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cramp/synth.h"
#include "synth/synth_internal.h"

static const double PI = 3.14159265358979323846;

#define OS 8                /* template oversampling */
#define AA_HALF 16          /* anti-alias filter half-length, output samples */
#define AA_CUT 0.4          /* anti-alias cutoff, fraction of fs */
#define GRID_STEP 1.015     /* width ratio between neighbouring templates */
#define GRID_MAX 600
#define MIN_BLOCK 512
#define ECG_PRE_S 0.25      /* template start before the R wave */
#define ECG_LEN_S 0.70
#define HANDOVER_S 0.2      /* gap when a cramp unit hands over to a neighbour */
#define NEIGHBOUR 10        /* ... chosen this many units around it */
#define MIN_ISI_S 0.003     /* absolute refractory period */

enum { RNG_SCHEDULE, RNG_FIRE, RNG_NOISE, RNG_ECG, N_RNG };

typedef struct template_g {
    size_t half;     /* samples either side of the centre */
    size_t off;      /* into the template pool: h1 at off, h2 at off + 2 half + 1 */
    double e1, e2;   /* integral of h1^2 and h2^2 (unfiltered), s */
} template_g;

typedef struct unit {
    double rt, pfr;  /* threshold %, peak rate Hz */
    double a1, a2;   /* h1 and h2 weights on the muscle's own channel, uV */
    double width_ms, grid; /* width and its position on the grid */
    double amp_uv;
    double next;     /* voluntary: next discharge, samples */
    unsigned char active, busy;
} unit;

typedef struct slot {     /* one cramp unit at a time */
    size_t unit;
    double next, dbl;     /* next discharge and pending doublet (< 0: none), samples */
    double t_end;         /* end of this unit's activity, samples */
    double t_stop;        /* this slot stops here (the cramp's end), samples */
    double mu, sigma;     /* log-normal ISI parameters, ln s */
    int done;
} slot;

typedef struct mlink {    /* muscle -> channel */
    size_t ch;
    float gain;
    double grid_off;      /* crosstalk stretch in grid steps */
} mlink;

struct cramp_synth {
    cramp_scenario sc;
    size_t C;
    double fs;
    uint64_t total;
    synth_channel ch[CRAMP_SYNTH_MAX_CHANNELS];
    char labels_csv[CRAMP_SYNTH_MAX_CHANNELS * 17 + 1];

    /* pools */
    size_t U;
    unit *units;                          /* C x U */
    mlink links[CRAMP_SYNTH_MAX_CHANNELS][CRAMP_SYNTH_MAX_CHANNELS];
    size_t n_links[CRAMP_SYNTH_MAX_CHANNELS];
    size_t n_active[CRAMP_SYNTH_MAX_CHANNELS];
    double fatigue[CRAMP_SYNTH_MAX_CHANNELS];

    /* templates */
    size_t G;
    double lambda_min, log_step;
    template_g *tg;
    float *tpool;
    size_t P;                             /* longest half-length */

    /* blocks */
    size_t B, tail;
    float *acc;                           /* C x (B + tail) */
    float *ecg_acc;                       /* B + ecg_len */
    float *mains_w;                       /* B */
    float *blk;                           /* B x C interleaved */
    double *egrid;                        /* excitation on the control grid */
    unsigned char *lost;                  /* C x B */
    size_t blk_len, blk_pos;
    uint64_t block;                       /* index of the next block to make */
    uint64_t pos;

    /* interference */
    double noise_sd;
    float mains_f[CRAMP_SYNTH_MAX_CHANNELS], ecg_f[CRAMP_SYNTH_MAX_CHANNELS];
    size_t n_harm;
    double harm_amp[CRAMP_SYNTH_MAX_HARMONICS + 1], harm_phase[CRAMP_SYNTH_MAX_HARMONICS + 1];
    float *ecg_t;
    size_t ecg_len;
    double ecg_next;                      /* next beat's template start, samples */

    /* events */
    synth_ev *ev;
    size_t n_ev, dropped, n_truth;
    cramp_synth_event *truth;
    uint64_t pos_key;                     /* unit positions across the muscle */
    char *strings;
    size_t *live;                         /* indices of events in play */
    size_t n_live, cursor;
    slot **slots;                         /* per event: cramp slots (NULL otherwise) */
    unsigned char *started;

    gsl_rng *rng[N_RNG];
    cramp_synth_spike_fn spike_fn;
    void *spike_user;
};

/* ---- small helpers -------------------------------------------------------- */

static cramp_status fail(cramp_error *err, cramp_status st, const char *msg)
{
    if (err) {
        err->status = st;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return st;
}

static void seed_rngs(cramp_synth *s)
{
    for (int i = 0; i < N_RNG; i++)
        gsl_rng_set(s->rng[i], (unsigned long)(synth_splitmix(s->sc.seed * N_RNG + (uint64_t)i) &
                                               0xffffffffu));
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* ---- templates ------------------------------------------------------------ */

/* Blackman-windowed sinc at OS x fs, cutoff AA_CUT fs, unit DC gain. */
static void aa_filter(double *h)
{
    const int n = AA_HALF * OS;
    const double fc = AA_CUT / OS; /* cycles per oversampled sample */
    double sum = 0;
    for (int j = -n; j <= n; j++) {
        double x = 2 * fc * j;
        double sinc = j == 0 ? 1 : sin(PI * x) / (PI * x);
        double w = 0.42 + 0.5 * cos(PI * j / n) + 0.08 * cos(2 * PI * j / n);
        h[j + n] = sinc * w;
        sum += h[j + n];
    }
    for (int j = 0; j <= 2 * n; j++) h[j] /= sum;
}

static cramp_status build_templates(cramp_synth *s, double wmin_ms, double wmax_ms)
{
    const double fs = s->fs;
    s->lambda_min = 0.95 * wmin_ms * 1e-3;
    const double lmax = 1.05 * wmax_ms * 1e-3 * s->sc.fatigue_stretch * s->sc.crosstalk_stretch;
    double step = GRID_STEP;
    size_t G = (size_t)ceil(log(lmax / s->lambda_min) / log(step)) + 1;
    if (G > GRID_MAX) {
        G = GRID_MAX;
        step = exp(log(lmax / s->lambda_min) / (double)(G - 1));
    }
    s->G = G;
    s->log_step = log(step);
    s->tg = calloc(G, sizeof *s->tg);
    if (!s->tg) return CRAMP_ENOMEM;
    size_t total = 0;
    for (size_t g = 0; g < G; g++) {
        double lam = s->lambda_min * exp(s->log_step * (double)g);
        s->tg[g].half = (size_t)ceil(4 * lam * fs) + AA_HALF;
        s->tg[g].off = total;
        total += 2 * (2 * s->tg[g].half + 1);
        if (s->tg[g].half > s->P) s->P = s->tg[g].half;
    }
    s->tpool = calloc(total, sizeof *s->tpool);
    double *h = malloc((2 * AA_HALF * OS + 1) * sizeof *h);
    const double lam_top = s->lambda_min * exp(s->log_step * (double)(G - 1));
    const size_t jmax = (size_t)ceil(4 * lam_top * fs * OS) + 1;
    double *x1 = malloc((2 * jmax + 1) * sizeof *x1), *x2 = malloc((2 * jmax + 1) * sizeof *x2);
    if (!s->tpool || !h || !x1 || !x2) {
        free(h), free(x1), free(x2);
        return CRAMP_ENOMEM;
    }
    aa_filter(h);
    const double norm1 = exp(-0.5) / sqrt(2.0); /* peak of x e^{-x^2} */
    for (size_t g = 0; g < G; g++) {
        const double lam = s->lambda_min * exp(s->log_step * (double)g);
        const long J = (long)ceil(4 * lam * fs * OS);
        double e1 = 0, e2 = 0;
        for (long j = -J; j <= J; j++) {
            double x = (double)j / (OS * fs) / lam;
            double gau = exp(-x * x);
            x1[j + J] = x * gau / norm1;
            x2[j + J] = (1 - 2 * x * x) * gau;
            e1 += x1[j + J] * x1[j + J];
            e2 += x2[j + J] * x2[j + J];
        }
        s->tg[g].e1 = e1 / (OS * fs);
        s->tg[g].e2 = e2 / (OS * fs);
        const long K = (long)s->tg[g].half;
        float *t1 = s->tpool + s->tg[g].off, *t2 = t1 + 2 * K + 1;
        const long F = AA_HALF * OS;
        for (long k = -K; k <= K; k++) {
            double y1 = 0, y2 = 0;
            long lo = k * OS - F, hi = k * OS + F;
            if (lo < -J) lo = -J;
            if (hi > J) hi = J;
            for (long j = lo; j <= hi; j++) {
                double w = h[k * OS - j + F];
                y1 += w * x1[j + J];
                y2 += w * x2[j + J];
            }
            t1[k + K] = (float)y1;
            t2[k + K] = (float)y2;
        }
    }
    free(h), free(x1), free(x2);
    return CRAMP_OK;
}

/* ECG template: P, Q, R, S, T as Gaussians (time from R, relative amplitude,
 * width): energy below 40 Hz. */
static void build_ecg(cramp_synth *s)
{
    static const double w[5][3] = {{-0.16, 0.12, 0.025},
                                   {-0.025, -0.12, 0.008},
                                   {0.0, 1.0, 0.010},
                                   {0.025, -0.25, 0.009},
                                   {0.25, 0.25, 0.045}};
    for (size_t n = 0; n < s->ecg_len; n++) {
        double t = (double)n / s->fs - ECG_PRE_S, v = 0;
        for (int k = 0; k < 5; k++) {
            double z = (t - w[k][0]) / w[k][2];
            v += w[k][1] * exp(-0.5 * z * z);
        }
        s->ecg_t[n] = (float)v;
    }
}

/* ---- excitation ------------------------------------------------------------ */

static int voluntary(cramp_synth_kind k)
{
    switch (k) {
    case CRAMP_SYNTH_LM:
    case CRAMP_SYNTH_BURST:
    case CRAMP_SYNTH_MOVEMENT:
    case CRAMP_SYNTH_HFT:
    case CRAMP_SYNTH_ALMA:
    case CRAMP_SYNTH_FRAGMENTARY:
    case CRAMP_SYNTH_RMD:
    case CRAMP_SYNTH_REM_TONIC:
    case CRAMP_SYNTH_STRETCH:
    case CRAMP_SYNTH_AWAKENING: return 1;
    default: return k == SYNTH_PRECURSOR;
    }
}

static int train(cramp_synth_kind k)
{
    return k == CRAMP_SYNTH_HFT || k == CRAMP_SYNTH_ALMA || k == CRAMP_SYNTH_FRAGMENTARY ||
           k == CRAMP_SYNTH_RMD;
}

/* Excitation of muscle m by a train at time t: the burst under t, with 10 %
 * of its length as linear rise and fall. */
static double train_excitation(const synth_ev *ev, size_t m, double t)
{
    if (t < ev->t0 || t >= ev->t1) return 0;
    const double k0 = floor((t - ev->t0) / ev->period);
    for (double k = k0 - 1; k <= k0 + 1; k++) {
        if (k < 0 || k >= (double)ev->n_burst) continue;
        double st, len;
        uint32_t mk;
        synth_burst(ev, (size_t)k, &st, &len, &mk);
        if (!(mk & (1u << m)) || t < st || t >= st + len) continue;
        const double ramp = 0.1 * len;
        double r = 1;
        if (t - st < ramp) r = (t - st) / ramp;
        if (st + len - t < ramp) r = fmin(r, (st + len - t) / ramp);
        return ev->level[m] * r;
    }
    return 0;
}

/* Excitation of muscle m at time t (s), % of maximum. */
static double excitation(const cramp_synth *s, size_t m, double t)
{
    double e = 0;
    const uint32_t bit = 1u << m;
    for (size_t i = 0; i < s->n_live; i++) {
        const synth_ev *ev = &s->ev[s->live[i]];
        if (!voluntary(ev->kind) || !(ev->mask & bit)) continue;
        if (train(ev->kind)) {
            const double v = train_excitation(ev, m, t);
            if (v > e) e = v;
            continue;
        }
        const double t0 = ev->m_t0[m], t1 = ev->m_t1[m];
        if (t < t0 || t >= t1) continue;
        double r = 1;
        if (ev->rise > 0 && (t - t0) < ev->rise) r = (t - t0) / ev->rise;
        if (ev->fall > 0 && (t1 - t) < ev->fall) r = fmin(r, (t1 - t) / ev->fall);
        double v = ev->level[m] * r;
        if (ev->mod_depth > 0) v *= 1 + ev->mod_depth * sin(2 * PI * ev->mod_hz * (t - t0) + ev->mod_phase);
        if (v > e) e = v;
    }
    return e > 100 ? 100 : e;
}

/* The fatigue drive of a cramp of muscle m at time t; -1 when none. */
static double cramp_drive(const cramp_synth *s, size_t m, double t)
{
    for (size_t i = 0; i < s->n_live; i++) {
        const synth_ev *ev = &s->ev[s->live[i]];
        if (ev->kind == CRAMP_SYNTH_CRAMP && (ev->mask & (1u << m)) && t >= ev->t0 && t < ev->t1)
            return ev->c_drive;
    }
    return -1;
}

/* ---- firing ---------------------------------------------------------------- */

/* Adds unit u of muscle m discharging at t (samples) to the accumulator of
 * the block starting at bs. */
static void fire(cramp_synth *s, size_t m, size_t u, double t, uint64_t bs, unsigned flags)
{
    const unit *un = &s->units[m * s->U + u];
    const double stretch = 1 + (s->sc.fatigue_stretch - 1) * s->fatigue[m];
    const double gbase = un->grid + log(stretch) / s->log_step;
    const long n = (long)floor(t + 0.5) - (long)bs;
    const size_t stride = s->B + s->tail;
    for (size_t k = 0; k < s->n_links[m]; k++) {
        const mlink *lk = &s->links[m][k];
        long g = (long)floor(gbase + lk->grid_off + 0.5);
        if (g < 0) g = 0;
        if (g >= (long)s->G) g = (long)s->G - 1;
        const template_g *tg = &s->tg[g];
        const long K = (long)tg->half;
        const float *h1 = s->tpool + tg->off, *h2 = h1 + 2 * K + 1;
        const float a1 = (float)un->a1 * lk->gain, a2 = (float)un->a2 * lk->gain;
        float *dst = s->acc + lk->ch * stride;
        long j0 = 0, j1 = 2 * K + 1;
        if (n - K < 0) j0 = K - n;                      /* before the first frame */
        if (n - K + j1 > (long)stride) j1 = (long)stride - (n - K);
        for (long j = j0; j < j1; j++) dst[n - K + j] += a1 * h1[j] + a2 * h2[j];
    }
    if (s->spike_fn) s->spike_fn(s->spike_user, m, u, t / s->fs, flags);
}

/* Voluntary units of muscle m over the discharge window [wlo, whi) (samples). */
static void run_voluntary(cramp_synth *s, size_t m, double wlo, double whi, uint64_t bs)
{
    const double fs = s->fs;
    int any = 0;
    for (size_t i = 0; i < s->n_live && !any; i++) {
        const synth_ev *ev = &s->ev[s->live[i]];
        any = voluntary(ev->kind) && (ev->mask & (1u << m));
    }
    if (!any && s->n_active[m] == 0) return;
    const size_t step = fs >= 2000 ? (size_t)floor(fs * 0.001 + 0.5) : 1;
    const size_t ng = (size_t)ceil((whi - wlo) / (double)step);
    double emax = 0;
    for (size_t j = 0; j < ng; j++) {
        s->egrid[j] = excitation(s, m, (wlo + (double)(j * step)) / fs);
        if (s->egrid[j] > emax) emax = s->egrid[j];
    }
    if (emax <= 0 && s->n_active[m] == 0) return;
    gsl_rng *r = s->rng[RNG_FIRE];
    const double cv = s->sc.isi_cv;
    for (size_t u = 0; u < s->U; u++) {
        unit *un = &s->units[m * s->U + u];
        if (!un->active && emax < un->rt) continue;
        double t = un->active ? un->next : wlo;
        for (;;) {
            if (!un->active) {
                /* Recruited at the first grid point at or above threshold. */
                size_t j = (size_t)ceil((t - wlo) / (double)step);
                while (j < ng && s->egrid[j] < un->rt) j++;
                if (j >= ng) break;
                un->active = 1;
                s->n_active[m]++;
                t = wlo + (double)(j * step) + (double)step * gsl_rng_uniform(r);
            }
            if (t >= whi) break;
            const double e = excitation(s, m, t / fs);
            if (e < un->rt) {
                un->active = 0;
                s->n_active[m]--;
                continue;
            }
            fire(s, m, u, t, bs, 0);
            double rate = s->sc.rate_min_hz + s->sc.rate_gain * (e - un->rt);
            if (rate > un->pfr) rate = un->pfr;
            double z = cv > 0 ? clampd(gsl_ran_gaussian_ziggurat(r, 1.0), -3, 3) : 0;
            double isi = (1 + cv * z) / rate;
            if (isi < MIN_ISI_S) isi = MIN_ISI_S;
            t += isi * fs;
        }
        un->next = t;
    }
}

static void cramp_draw(cramp_synth *s, const synth_ev *ev, slot *sl)
{
    gsl_rng *r = s->rng[RNG_FIRE];
    const cramp_scenario *sc = &s->sc;
    double rate = ev->c_rate;
    for (int k = 0; k < 1000; k++) {
        rate = ev->c_rate + gsl_ran_gaussian_ziggurat(r, sc->cramp_rate_sd_hz);
        if (rate >= sc->cramp_rate_limits.lo && rate <= sc->cramp_rate_limits.hi) break;
    }
    rate = clampd(rate, sc->cramp_rate_limits.lo, sc->cramp_rate_limits.hi);
    double cv = clampd(ev->c_cv + gsl_ran_gaussian_ziggurat(r, sc->cramp_cv_sd), 0.02, 2.0);
    sl->sigma = sqrt(log(1 + cv * cv));
    sl->mu = log(1 / rate) - 0.5 * sl->sigma * sl->sigma;
    double life = ev->c_life;
    if (sc->cramp_unit_life_sd_s > 0) {
        double k = (life / sc->cramp_unit_life_sd_s) * (life / sc->cramp_unit_life_sd_s);
        life = gsl_ran_gamma(r, k, life / k);
    }
    sl->t_end = fmin(sl->next + life * s->fs, sl->t_stop);
}

/* Position of unit u of muscle m across the muscle, 0..1 (fixed per seed). */
static double unit_pos(const cramp_synth *s, size_t m, size_t u)
{
    return synth_hash01(s->pos_key ^ (uint64_t)m, (uint64_t)u);
}

/* The centre of a confined cramp's territory at time t (s): drifting, and
 * reflected at the muscle's ends. */
static double territory_centre(const synth_ev *ev, double t)
{
    const double w = ev->c_terr, len = 1 - w;
    if (len <= 0) return 0.5;
    double x = ev->c_centre * len + ev->c_drift * (t - ev->t0);
    x = fmod(fabs(x), 2 * len);
    if (x > len) x = 2 * len - x;
    return x + w / 2;
}

/* A free unit near `near` (or anywhere when near is SIZE_MAX); SIZE_MAX if
 * none. A confined cramp (territory < 1) takes a free unit of its territory
 * at time t (samples), else any free one. */
static size_t free_unit(cramp_synth *s, const synth_ev *ev, size_t m, size_t near, double t)
{
    gsl_rng *r = s->rng[RNG_FIRE];
    unit *pool = s->units + m * s->U;
    if (ev->c_terr < 1) {
        const double c = territory_centre(ev, t / s->fs), hw = ev->c_terr / 2;
        size_t n = 0;
        for (size_t u = 0; u < s->U; u++)
            n += !pool[u].busy && fabs(unit_pos(s, m, u) - c) <= hw;
        if (n) {
            size_t k = gsl_rng_uniform_int(r, n);
            for (size_t u = 0; u < s->U; u++)
                if (!pool[u].busy && fabs(unit_pos(s, m, u) - c) <= hw && k-- == 0) return u;
        }
        near = (size_t)-1;
    }
    for (int k = 0; k < 20; k++) {
        size_t u;
        if (near == (size_t)-1) {
            u = gsl_rng_uniform_int(r, s->U);
        } else {
            long d = (long)gsl_rng_uniform_int(r, 2 * NEIGHBOUR + 1) - NEIGHBOUR;
            long v = (long)near + d;
            if (v < 0) v = -v;
            if (v >= (long)s->U) v = 2 * ((long)s->U - 1) - v;
            u = (size_t)clampd((double)v, 0, (double)(s->U - 1));
        }
        if (!pool[u].busy) return u;
    }
    for (size_t u = 0; u < s->U; u++)
        if (!pool[u].busy) return u;
    return (size_t)-1;
}

static void run_cramp(cramp_synth *s, size_t e, double whi, uint64_t bs)
{
    synth_ev *ev = &s->ev[e];
    slot *sl = s->slots[e];
    const double fs = s->fs;
    size_t m = 0;
    while (!(ev->mask & (1u << m))) m++;
    gsl_rng *r = s->rng[RNG_FIRE];
    if (!s->started[e]) {
        if (ev->t0 * fs >= whi) return;
        s->started[e] = 1;
        for (size_t k = 0; k < ev->units; k++) {
            slot *q = &sl[k];
            memset(q, 0, sizeof *q);
            q->unit = free_unit(s, ev, m, (size_t)-1, ev->t0 * fs);
            if (q->unit == (size_t)-1) {
                q->done = 1;
                continue;
            }
            s->units[m * s->U + q->unit].busy = 1;
            double a, b;
            synth_cramp_slot(ev, k, &a, &b);
            q->next = a * fs;
            q->t_stop = b * fs;
            q->dbl = -1;
            cramp_draw(s, ev, q);
        }
    }
    const cramp_scenario *sc = &s->sc;
    for (size_t k = 0; k < ev->units; k++) {
        slot *q = &sl[k];
        while (!q->done) {
            int is_dbl = q->dbl >= 0 && q->dbl < q->next;
            double t = is_dbl ? q->dbl : q->next;
            if (is_dbl) {
                if (t >= whi) break;
                fire(s, m, q->unit, t, bs, CRAMP_SPIKE_CRAMP | CRAMP_SPIKE_DOUBLET);
                q->dbl = -1;
                continue;
            }
            /* Hand-overs are settled as soon as they are known (even ahead of
             * the window), so a unit is never left marked busy. */
            if (t >= q->t_end) {
                s->units[m * s->U + q->unit].busy = 0;
                if (q->t_end >= q->t_stop) {
                    q->done = 1;
                    break;
                }
                /* Hand over to a neighbouring unit: the activity drifts. */
                size_t u = free_unit(s, ev, m, q->unit, q->t_end);
                if (u == (size_t)-1) {
                    q->done = 1;
                    break;
                }
                q->unit = u;
                s->units[m * s->U + u].busy = 1;
                q->next = q->t_end + HANDOVER_S * fs * gsl_rng_uniform(r);
                cramp_draw(s, ev, q);
                if (q->next >= q->t_stop) {
                    s->units[m * s->U + u].busy = 0;
                    q->done = 1;
                }
                continue;
            }
            if (t >= whi) break;
            fire(s, m, q->unit, t, bs, CRAMP_SPIKE_CRAMP);
            if (gsl_rng_uniform(r) < ev->c_dbl) {
                double d = sc->cramp_doublet_ms.lo +
                           (sc->cramp_doublet_ms.hi - sc->cramp_doublet_ms.lo) * gsl_rng_uniform(r);
                q->dbl = t + d * 1e-3 * fs;
            }
            double isi = exp(q->mu + q->sigma * gsl_ran_gaussian_ziggurat(r, 1.0));
            if (isi < MIN_ISI_S) isi = MIN_ISI_S;
            q->next = t + isi * fs;
        }
    }
}

/* ---- artefacts ------------------------------------------------------------- */

static double motion_at(const synth_ev *ev, double t)
{
    double v = 0, x = t - ev->t0;
    for (int k = 0; k < 6; k++) v += ev->sa[k] * sin(2 * PI * ev->sf[k] * x + ev->sp[k]);
    double w = sin(PI * x / (ev->t1 - ev->t0));
    return v * w * w;
}

static void add_artefacts(cramp_synth *s, uint64_t bs, size_t nb)
{
    const double fs = s->fs;
    const size_t stride = s->B + s->tail;
    for (size_t i = 0; i < s->n_live; i++) {
        const synth_ev *ev = &s->ev[s->live[i]];
        switch (ev->kind) {
        case CRAMP_SYNTH_MOVEMENT:
        case CRAMP_SYNTH_RMD:
        case CRAMP_SYNTH_STRETCH:
            if (ev->amp <= 0) continue;
            break;
        case CRAMP_SYNTH_MOTION:
        case CRAMP_SYNTH_POP:
        case CRAMP_SYNTH_CLIP:
        case CRAMP_SYNTH_LOST: break;
        default: continue;
        }
        double a = ceil(ev->t0 * fs) - (double)bs, b = ceil(ev->t1 * fs) - (double)bs;
        if (a < 0) a = 0;
        if (b > (double)nb) b = (double)nb;
        if (a >= b) continue;
        for (size_t c = 0; c < s->C; c++) {
            if (!(ev->mask & (1u << c))) continue;
            float *dst = s->acc + c * stride;
            unsigned char *lost = s->lost + c * s->B;
            for (size_t n = (size_t)a; n < (size_t)b; n++) {
                double t = (double)(bs + n) / fs;
                switch (ev->kind) {
                case CRAMP_SYNTH_MOVEMENT:
                case CRAMP_SYNTH_RMD:
                case CRAMP_SYNTH_STRETCH:
                case CRAMP_SYNTH_MOTION: dst[n] += (float)(ev->amp * motion_at(ev, t)); break;
                case CRAMP_SYNTH_POP: dst[n] += (float)(ev->amp * exp(-(t - ev->t0) / ev->tau)); break;
                case CRAMP_SYNTH_CLIP:
                    dst[n] += (float)(ev->amp * 1.5 * s->sc.range_uv *
                                          sin(PI * (t - ev->t0) / (ev->t1 - ev->t0)) +
                                      s->sc.motion_uv * motion_at(ev, t));
                    break;
                case CRAMP_SYNTH_LOST: lost[n] = 1; break;
                default: break;
                }
            }
        }
    }
}

/* ---- blocks ---------------------------------------------------------------- */

static void update_live(cramp_synth *s, double wlo, double whi, uint64_t bs)
{
    const double fs = s->fs;
    /* Drop events whose end (and any firing they started) is behind us. */
    size_t k = 0;
    for (size_t i = 0; i < s->n_live; i++) {
        const synth_ev *ev = &s->ev[s->live[i]];
        double end = ev->t1 * fs + 0.2 * fs + (double)(2 * s->P);
        if (end >= (double)bs && end >= wlo - 0.2 * fs) s->live[k++] = s->live[i];
    }
    s->n_live = k;
    while (s->cursor < s->n_ev && s->ev[s->cursor].t0 * fs < whi)
        s->live[s->n_live++] = s->cursor++;
}

static void make_block(cramp_synth *s)
{
    const size_t C = s->C, B = s->B, stride = B + s->tail;
    const double fs = s->fs;
    const uint64_t bs = s->block * B;
    const double wlo = s->block == 0 ? 0 : (double)(bs + s->P), whi = (double)(bs + B + s->P);

    update_live(s, wlo, whi, bs);

    /* Fatigue over this block, from the drive at its middle. */
    const double tmid = ((double)bs + 0.5 * (double)B) / fs, dt = (double)B / fs;
    for (size_t m = 0; m < C; m++) {
        double d = excitation(s, m, tmid) / 100;
        const double cd = cramp_drive(s, m, tmid);
        if (cd >= 0 && cd > d) d = cd;
        const double a = d / s->sc.fatigue_tau_s;
        const double b = a + (1 - d) / s->sc.recovery_tau_s;
        const double feq = b > 0 ? a / b : 0;
        s->fatigue[m] = feq + (s->fatigue[m] - feq) * exp(-b * dt);
    }

    for (size_t m = 0; m < C; m++) run_voluntary(s, m, wlo, whi, bs);
    for (size_t i = 0; i < s->n_live; i++)
        if (s->ev[s->live[i]].kind == CRAMP_SYNTH_CRAMP) run_cramp(s, s->live[i], whi, bs);

    /* ECG beats starting in this block. */
    if (s->sc.ecg_uv > 0) {
        gsl_rng *r = s->rng[RNG_ECG];
        const double rr = 60.0 / s->sc.heart_rate_bpm * fs;
        while (s->ecg_next < (double)(bs + B)) {
            const long n0 = (long)floor(s->ecg_next + 0.5) - (long)bs;
            for (size_t j = n0 < 0 ? (size_t)(-n0) : 0; j < s->ecg_len; j++)
                s->ecg_acc[(size_t)(n0 + (long)j)] += s->ecg_t[j];
            double f = 1 + s->sc.hrv * clampd(gsl_ran_gaussian_ziggurat(r, 1.0), -3, 3);
            s->ecg_next += rr * f;
        }
    }

    /* Mains: one waveform, harmonic phasors restarted from the absolute
     * phase at each block (so the samples do not depend on chunking). */
    memset(s->mains_w, 0, B * sizeof *s->mains_w);
    for (size_t h = 0; h < s->n_harm; h++) {
        const double f = s->sc.mains_hz * (double)(h + 1);
        if (s->harm_amp[h] <= 0 || f >= fs / 2) continue;
        double cyc = f * (double)bs / fs;
        double ph = 2 * PI * (cyc - floor(cyc)) + s->harm_phase[h];
        double w = 2 * PI * f / fs;
        double cr = cos(ph), si = sin(ph), cw = cos(w), sw = sin(w);
        for (size_t n = 0; n < B; n++) {
            s->mains_w[n] += (float)(s->harm_amp[h] * si);
            double nc = cr * cw - si * sw;
            si = si * cw + cr * sw;
            cr = nc;
        }
    }

    const uint64_t left = s->total - bs;
    const size_t nb = left < B ? (size_t)left : B;
    memset(s->lost, 0, C * B);
    add_artefacts(s, bs, nb);

    gsl_rng *rn = s->rng[RNG_NOISE];
    const float range = (float)s->sc.range_uv;
    for (size_t c = 0; c < C; c++) {
        const float *a = s->acc + c * stride;
        const unsigned char *lost = s->lost + c * B;
        const float mf = s->mains_f[c], ef = s->ecg_f[c];
        float *o = s->blk + c;
        for (size_t n = 0; n < B; n++) {
            float v = a[n] + mf * s->mains_w[n] + ef * s->ecg_acc[n];
            if (s->noise_sd > 0) v += (float)gsl_ran_gaussian_ziggurat(rn, s->noise_sd);
            if (lost[n]) v = 0;
            if (v > range) v = range;
            if (v < -range) v = -range;
            o[n * C] = v;
        }
    }

    /* Carry the tails into the next block. */
    for (size_t c = 0; c < C; c++) {
        float *a = s->acc + c * stride;
        memmove(a, a + B, s->tail * sizeof *a);
        memset(a + s->tail, 0, B * sizeof *a);
    }
    memmove(s->ecg_acc, s->ecg_acc + B, s->ecg_len * sizeof *s->ecg_acc);
    memset(s->ecg_acc + s->ecg_len, 0, B * sizeof *s->ecg_acc);

    s->blk_len = nb;
    s->blk_pos = 0;
    s->block++;
}

/* ---- public ---------------------------------------------------------------- */

void cramp_synth_reset(cramp_synth *s)
{
    if (!s) return;
    seed_rngs(s);
    /* The schedule stream was used at create; the others restart. */
    for (size_t i = 0; i < s->C * s->U; i++) {
        s->units[i].active = 0;
        s->units[i].busy = 0;
        s->units[i].next = 0;
    }
    memset(s->n_active, 0, sizeof s->n_active);
    memset(s->fatigue, 0, sizeof s->fatigue);
    memset(s->started, 0, s->n_ev ? s->n_ev : 1);
    memset(s->acc, 0, s->C * (s->B + s->tail) * sizeof *s->acc);
    memset(s->ecg_acc, 0, (s->B + s->ecg_len) * sizeof *s->ecg_acc);
    s->n_live = 0;
    s->cursor = 0;
    s->block = 0;
    s->blk_len = s->blk_pos = 0;
    s->pos = 0;
    const double rr = 60.0 / s->sc.heart_rate_bpm * s->fs;
    s->ecg_next = rr * gsl_rng_uniform(s->rng[RNG_ECG]) - ECG_PRE_S * s->fs;
}

static void join_labels(const cramp_synth *s, uint32_t mask, char *dst, size_t cap)
{
    size_t n = 0;
    dst[0] = '\0';
    for (size_t c = 0; c < s->C; c++)
        if (mask & (1u << c)) {
            int w = snprintf(dst + n, cap - n, "%s%s", n ? "," : "", s->ch[c].label);
            if (w < 0 || (size_t)w >= cap - n) break;
            n += (size_t)w;
        }
}

/* The RMS (uV) muscle m gives on link lk's channel at a steady excitation e
 * (%): every unit recruited there (threshold <= e, as run_voluntary keeps a
 * unit active) at its rate (rate_min_hz + rate_gain (e - threshold), at most
 * its peak rate), each discharge adding its template as rendered (the
 * anti-aliased grid template at the unit's width, stretched on a crosstalk
 * link; no fatigue): mean power = sum over units of rate x energy, the sum
 * that scales a muscle to mvc_rms_uv at 100 %. */
static double steady_rms(const cramp_synth *s, size_t m, const mlink *lk, double e)
{
    double p = 0;
    for (size_t u = 0; u < s->U; u++) {
        const unit *un = &s->units[m * s->U + u];
        if (!(un->rt <= e)) continue;
        double rate = s->sc.rate_min_hz + s->sc.rate_gain * (e - un->rt);
        if (rate > un->pfr) rate = un->pfr;
        long g = (long)floor(un->grid + lk->grid_off + 0.5);
        if (g < 0) g = 0;
        if (g >= (long)s->G) g = (long)s->G - 1;
        const template_g *tg = &s->tg[g];
        const size_t len = 2 * tg->half + 1;
        const float *h1 = s->tpool + tg->off, *h2 = h1 + len;
        double en = 0;
        for (size_t j = 0; j < len; j++) {
            const double x = un->a1 * (double)h1[j] + un->a2 * (double)h2[j];
            en += x * x;
        }
        p += rate * en / s->fs;
    }
    return (double)lk->gain * sqrt(p);
}

/* plm_truth aasm: which LMs (and isolated bursts) a scorer applying the AASM
 * manual scores. Each leg's part of an LM (one muscle per leg) counts where
 * its own EMG, on the channel where it is strongest, reaches plm_truth_uv;
 * the row keeps those legs (and their interval), and an LM with none is not
 * scored. Then the drawn series are rebuilt from the scored LMs
 * (synth_score_series). The signal is not touched. */
static cramp_status score_lms(cramp_synth *s)
{
    for (size_t i = 0; i < s->n_ev; i++) {
        synth_ev *e = &s->ev[i];
        if (e->kind != CRAMP_SYNTH_LM && e->kind != CRAMP_SYNTH_BURST) continue;
        uint32_t keep = 0;
        double best = 0, t0 = (double)INFINITY, t1 = -(double)INFINITY;
        for (size_t m = 0; m < s->C; m++) {
            if (!(e->mask & (1u << m))) continue;
            double a = 0;
            for (size_t k = 0; k < s->n_links[m]; k++)
                a = fmax(a, steady_rms(s, m, &s->links[m][k], e->level[m]));
            best = fmax(best, a);
            if (!(a >= s->sc.plm_truth_uv)) continue;
            keep |= 1u << m;
            t0 = fmin(t0, e->m_t0[m]);
            t1 = fmax(t1, e->m_t1[m]);
        }
        e->lm_uv = best;
        e->unscored = e->mask && !keep;
        if (keep && keep != e->mask) {
            e->truth_mask = keep;
            e->truth_t0 = t0;
            e->truth_t1 = t1;
        }
    }
    return synth_score_series(s->ev, s->n_ev);
}

static cramp_status make_truth(cramp_synth *s)
{
    const size_t lab = CRAMP_SYNTH_MAX_CHANNELS * 17 + 1, det = 96;
    s->truth = calloc(s->n_ev ? s->n_ev : 1, sizeof *s->truth);
    s->strings = malloc((s->n_ev ? s->n_ev : 1) * (lab + det));
    if (!s->truth || !s->strings) return CRAMP_ENOMEM;
    s->n_truth = 0;
    for (size_t i = 0; i < s->n_ev; i++) {
        const synth_ev *e = &s->ev[i];
        if (e->kind == SYNTH_PRECURSOR) continue; /* given in its cramp's detail */
        if (!e->mask) continue; /* on no recorded channel (a stretch by an unrecorded TA) */
        if (e->unscored) continue; /* plm_truth aasm: under the scorer's amplitude */
        cramp_synth_event *t = &s->truth[s->n_truth];
        char *l = s->strings + s->n_truth * (lab + det), *d = l + lab;
        s->n_truth++;
        const uint32_t mask = e->truth_mask ? e->truth_mask : e->mask;
        const int bilateral = e->bilateral && (mask & (mask - 1)) != 0;
        join_labels(s, mask, l, lab);
        int dw = 0; /* the detail's length so far, where an amplitude follows */
        switch (e->kind) {
        case CRAMP_SYNTH_CRAMP:
            if (e->c_detail) {
                int w = snprintf(d, det, "cramp, %zu units, %.1f Hz, onset %.2f s", e->units,
                                 e->c_rate, e->c_onset);
                if (e->c_precursor > 0 && w > 0 && (size_t)w < det)
                    w += snprintf(d + w, det - (size_t)w, ", precursor %.1f s", e->c_precursor);
                /* The onset window's start: the row's onset is the first discharge. */
                if (w > 0 && (size_t)w < det)
                    snprintf(d + w, det - (size_t)w, ", t0 %.3f s", e->t0);
            } else {
                snprintf(d, det, "cramp");
            }
            break;
        case CRAMP_SYNTH_LM:
            if (e->series)
                dw = snprintf(d, det, "series %d, lm %d/%d%s%s", e->series, e->index, e->count,
                              bilateral ? ", bilateral" : "", e->weak ? ", weak" : "");
            else if (e->lone)
                dw = snprintf(d, det, "lm, no series%s%s", bilateral ? ", bilateral" : "",
                              e->weak ? ", weak" : "");
            else
                dw = snprintf(d, det, "lm");
            break;
        case CRAMP_SYNTH_BURST: dw = snprintf(d, det, "burst"); break;
        case CRAMP_SYNTH_HFT:
        case CRAMP_SYNTH_ALMA:
        case CRAMP_SYNTH_RMD:
            snprintf(d, det, "%s, %zu bursts, %.3g Hz, %.0f ms", cramp_synth_kind_name(e->kind),
                     e->n_burst, 1 / e->period, e->bdur * 1e3);
            break;
        case CRAMP_SYNTH_FRAGMENTARY:
            snprintf(d, det, "fragmentary, %zu potentials, %.3g per min", e->n_burst,
                     60 / e->period);
            break;
        case CRAMP_SYNTH_STRETCH: snprintf(d, det, "%s", e->turn ? "stretch, body" : "stretch"); break;
        case CRAMP_SYNTH_MOVEMENT:
            snprintf(d, det, "%s", e->explicit_ev ? "movement" : e->turn ? "turn" : "leg");
            break;
        default: snprintf(d, det, "%s", cramp_synth_kind_name(e->kind)); break;
        }
        /* A cramp's onset is its first discharge: nothing in the recording
         * marks the start of its onset window (t0, in the detail). */
        const double on = e->kind == CRAMP_SYNTH_CRAMP ? e->c_first
                          : e->truth_mask                ? e->truth_t0
                                                         : e->t0;
        t->onset_s = on;
        t->duration_s = (e->truth_mask ? e->truth_t1 : e->t1) - on;
        /* plm_truth aasm: the scorer's amplitude of an LM or burst. */
        if (s->sc.plm_truth == CRAMP_PLM_TRUTH_AASM &&
            (e->kind == CRAMP_SYNTH_LM || e->kind == CRAMP_SYNTH_BURST) && dw > 0 &&
            (size_t)dw < det)
            snprintf(d + dw, det - (size_t)dw, ", %.1f uV", e->lm_uv);
        t->type = e->lone ? CRAMP_EVENT_BURST : cramp_synth_kind_type(e->kind);
        t->kind = e->kind;
        t->channels = mask;
        t->channel = l;
        t->series = e->series;
        t->index = e->index;
        t->count = e->count;
        t->detail = d;
    }
    /* Sorted by onset again (a cramp's moved by up to its onset window);
     * stable, and nearly sorted already. */
    for (size_t i = 1; i < s->n_truth; i++) {
        const cramp_synth_event t = s->truth[i];
        size_t j = i;
        for (; j > 0 && s->truth[j - 1].onset_s > t.onset_s; j--) s->truth[j] = s->truth[j - 1];
        s->truth[j] = t;
    }
    return CRAMP_OK;
}

cramp_status cramp_synth_create(cramp_synth **out, const cramp_scenario *sc, cramp_error *err)
{
    if (!out) return fail(err, CRAMP_EINVAL, "NULL out");
    *out = NULL;
    cramp_status st = cramp_scenario_check(sc, err);
    if (st != CRAMP_OK) return st;
    cramp_synth *s = calloc(1, sizeof *s);
    if (!s) return fail(err, CRAMP_ENOMEM, "out of memory");
    gsl_rng *rv = NULL;
    s->sc = *sc;
    s->C = sc->channels;
    s->fs = sc->fs;
    s->total = (uint64_t)llround(sc->duration_min * 60.0 * sc->fs);
    s->U = sc->units;
    for (size_t c = 0; c < s->C; c++) {
        cramp_scenario_channel d;
        if (sc->channel[c].set) d = sc->channel[c]; else synth_default_channel(s->C, c, &d);
        memcpy(s->ch[c].label, d.label, sizeof d.label);
        s->ch[c].muscle = d.muscle;
        s->ch[c].leg = d.leg;
    }
    join_labels(s, 0xffffffffu, s->labels_csv, sizeof s->labels_csv);
    for (int i = 0; i < N_RNG; i++) {
        s->rng[i] = gsl_rng_alloc(gsl_rng_mt19937);
        if (!s->rng[i]) goto nomem;
    }
    seed_rngs(s);
    gsl_rng *r = s->rng[RNG_SCHEDULE];

    /* Pools (Fuglevand et al. 1993): thresholds and sizes spread
     * exponentially with recruitment order. */
    s->units = calloc(s->C * s->U, sizeof *s->units);
    if (!s->units) goto nomem;
    const double w0 = sc->muap_width_ms.lo, w1 = sc->muap_width_ms.hi;
    double wmin = (double)INFINITY, wmax = 0;
    const double rt_n = sc->recruit_max_pct;
    for (size_t m = 0; m < s->C; m++)
        for (size_t i = 0; i < s->U; i++) {
            unit *u = &s->units[m * s->U + i];
            const double f = (double)(i + 1) / (double)s->U;
            u->rt = sc->recruit_max_pct * exp(log(sc->recruit_range) * f) / sc->recruit_range;
            u->pfr = sc->rate_peak_hz - sc->rate_peak_drop_hz * u->rt / rt_n;
            double size = exp(log(sc->muap_size_range) * f) * exp(0.25 * gsl_ran_gaussian(r, 1.0));
            double fw = s->U > 1 ? (double)i / (double)(s->U - 1) : 0;
            u->width_ms = w0 * pow(w1 / w0, fw) * exp(0.1 * clampd(gsl_ran_gaussian(r, 1.0), -3, 3));
            double mix = 0.3 + 0.7 * gsl_rng_uniform(r);
            double sign = gsl_rng_uniform(r) < 0.5 ? -1 : 1;
            u->a1 = sign * size * mix;
            u->a2 = sign * size * (1 - mix);
            if (u->width_ms < wmin) wmin = u->width_ms;
            if (u->width_ms > wmax) wmax = u->width_ms;
        }
    st = build_templates(s, wmin, wmax);
    if (st != CRAMP_OK) goto nomem;
    /* Scale each muscle so that its channel's RMS at 100 % is mvc_rms_uv. */
    for (size_t m = 0; m < s->C; m++) {
        double p = 0;
        for (size_t i = 0; i < s->U; i++) {
            unit *u = &s->units[m * s->U + i];
            u->grid = log(u->width_ms * 1e-3 / s->lambda_min) / s->log_step;
            size_t g = (size_t)clampd(floor(u->grid + 0.5), 0, (double)(s->G - 1));
            double rate = fmin(u->pfr, sc->rate_min_hz + sc->rate_gain * (100 - u->rt));
            p += rate * (u->a1 * u->a1 * s->tg[g].e1 + u->a2 * u->a2 * s->tg[g].e2);
        }
        double k = p > 0 ? sc->mvc_rms_uv / sqrt(p) : 0;
        for (size_t i = 0; i < s->U; i++) {
            unit *u = &s->units[m * s->U + i];
            u->a1 *= k;
            u->a2 *= k;
            u->amp_uv = fabs(u->a1) + fabs(u->a2);
        }
    }
    /* Volume conductor: muscle m -> channel c. */
    const double xoff = log(sc->crosstalk_stretch) / s->log_step;
    for (size_t m = 0; m < s->C; m++)
        for (size_t c = 0; c < s->C; c++) {
            double g = sc->attenuation[c][m];
            if (!(g >= 0)) g = c == m ? 1 : s->ch[c].leg == s->ch[m].leg ? sc->crosstalk : 0;
            if (g <= 0) continue;
            mlink *lk = &s->links[m][s->n_links[m]++];
            lk->ch = c;
            lk->gain = (float)g;
            lk->grid_off = c == m ? 0 : xoff;
        }

    /* Interference, per channel. */
    s->noise_sd = sc->noise_uv;
    s->n_harm = 1 + sc->n_mains_harmonics;
    if (sc->mains_hz <= 0 || sc->mains_uv <= 0) s->n_harm = 0;
    s->harm_amp[0] = sc->mains_uv;
    for (size_t h = 1; h < s->n_harm; h++) s->harm_amp[h] = sc->mains_uv * sc->mains_harmonics[h - 1];
    for (size_t h = 0; h <= CRAMP_SYNTH_MAX_HARMONICS; h++) s->harm_phase[h] = 2 * PI * gsl_rng_uniform(r);
    for (size_t c = 0; c < s->C; c++) {
        s->mains_f[c] = (float)(0.5 + gsl_rng_uniform(r));
        s->ecg_f[c] = (float)((gsl_rng_uniform(r) < 0.5 ? -1 : 1) * (0.5 + gsl_rng_uniform(r)) *
                              sc->ecg_uv);
    }

    /* Blocks. */
    s->B = MIN_BLOCK > 2 * s->P ? MIN_BLOCK : 2 * s->P;
    s->tail = 2 * s->P + 2;
    s->ecg_len = (size_t)ceil(ECG_LEN_S * s->fs);
    s->ecg_t = malloc(s->ecg_len * sizeof *s->ecg_t);
    s->acc = calloc(s->C * (s->B + s->tail), sizeof *s->acc);
    s->ecg_acc = calloc(s->B + s->ecg_len, sizeof *s->ecg_acc);
    s->mains_w = malloc(s->B * sizeof *s->mains_w);
    s->blk = malloc(s->B * s->C * sizeof *s->blk);
    s->egrid = malloc((s->B + s->P + 2) * sizeof *s->egrid);
    s->lost = malloc(s->C * s->B);
    if (!s->ecg_t || !s->acc || !s->ecg_acc || !s->mains_w || !s->blk || !s->egrid || !s->lost)
        goto nomem;
    build_ecg(s);

    /* The night's events. */
    /* The newer keys' draws come from a stream of their own (not one of
     * N_RNG, whose seeds stay as they were), so that scenarios without them
     * give the same nights as before. */
    rv = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rv) goto nomem;
    gsl_rng_set(rv, (unsigned long)(synth_splitmix(sc->seed ^ 0x76617269616e7473ull) & 0xffffffffu));
    s->pos_key = synth_splitmix(sc->seed ^ 0x706f736974696f6eull);
    st = synth_schedule(&s->sc, s->ch, r, rv, s->pos_key, &s->ev, &s->n_ev, &s->dropped, err);
    gsl_rng_free(rv);
    rv = NULL;
    if (st != CRAMP_OK) goto nomem;
    s->live = malloc((s->n_ev ? s->n_ev : 1) * sizeof *s->live);
    s->slots = calloc(s->n_ev ? s->n_ev : 1, sizeof *s->slots);
    s->started = calloc(s->n_ev ? s->n_ev : 1, 1);
    if (!s->live || !s->slots || !s->started) goto nomem;
    for (size_t i = 0; i < s->n_ev; i++)
        if (s->ev[i].kind == CRAMP_SYNTH_CRAMP) {
            if (s->ev[i].units > s->U) s->ev[i].units = s->U;
            s->slots[i] = calloc(s->ev[i].units ? s->ev[i].units : 1, sizeof **s->slots);
            if (!s->slots[i]) goto nomem;
        }
    if (sc->plm_truth == CRAMP_PLM_TRUTH_AASM && score_lms(s) != CRAMP_OK) goto nomem;
    if (make_truth(s) != CRAMP_OK) goto nomem;

    cramp_synth_reset(s);
    *out = s;
    return CRAMP_OK;

nomem:
    if (rv) gsl_rng_free(rv);
    cramp_synth_destroy(s);
    return fail(err, CRAMP_ENOMEM, "out of memory making the simulator");
}

size_t cramp_synth_generate(cramp_synth *s, float *out, size_t max_frames)
{
    if (!s || !out) return 0;
    size_t done = 0;
    const size_t C = s->C;
    while (done < max_frames && s->pos < s->total) {
        if (s->blk_pos == s->blk_len) make_block(s);
        size_t n = s->blk_len - s->blk_pos;
        if (n > max_frames - done) n = max_frames - done;
        memcpy(out + done * C, s->blk + s->blk_pos * C, n * C * sizeof *out);
        s->blk_pos += n;
        s->pos += n;
        done += n;
    }
    return done;
}

size_t cramp_synth_channels(const cramp_synth *s) { return s ? s->C : 0; }
double cramp_synth_fs(const cramp_synth *s) { return s ? s->fs : 0; }
uint64_t cramp_synth_total_frames(const cramp_synth *s) { return s ? s->total : 0; }
uint64_t cramp_synth_position(const cramp_synth *s) { return s ? s->pos : 0; }

const char *cramp_synth_channel_label(const cramp_synth *s, size_t c)
{
    return s && c < s->C ? s->ch[c].label : NULL;
}

const cramp_scenario *cramp_synth_scenario(const cramp_synth *s) { return s ? &s->sc : NULL; }
size_t cramp_synth_event_count(const cramp_synth *s) { return s ? s->n_truth : 0; }
const cramp_synth_event *cramp_synth_events(const cramp_synth *s) { return s ? s->truth : NULL; }
size_t cramp_synth_dropped_events(const cramp_synth *s) { return s ? s->dropped : 0; }

cramp_status cramp_synth_unit_info(const cramp_synth *s, size_t muscle, size_t u,
                                   cramp_motor_unit_info *info)
{
    if (!s || !info || muscle >= s->C || u >= s->U) return CRAMP_EINVAL;
    const unit *un = &s->units[muscle * s->U + u];
    info->threshold_pct = un->rt;
    info->peak_rate_hz = un->pfr;
    info->amplitude_uv = un->amp_uv;
    info->width_ms = un->width_ms;
    return CRAMP_OK;
}

double cramp_synth_fatigue(const cramp_synth *s, size_t muscle)
{
    return s && muscle < s->C ? s->fatigue[muscle] : 0;
}

void cramp_synth_set_spike_callback(cramp_synth *s, cramp_synth_spike_fn fn, void *user)
{
    if (!s) return;
    s->spike_fn = fn;
    s->spike_user = user;
}

void cramp_synth_destroy(cramp_synth *s)
{
    if (!s) return;
    for (int i = 0; i < N_RNG; i++)
        if (s->rng[i]) gsl_rng_free(s->rng[i]);
    if (s->slots)
        for (size_t i = 0; i < s->n_ev; i++) free(s->slots[i]);
    free(s->slots);
    free(s->started);
    free(s->live);
    free(s->truth);
    free(s->strings);
    free(s->ev);
    free(s->units);
    free(s->tg);
    free(s->tpool);
    free(s->acc);
    free(s->ecg_acc);
    free(s->mains_w);
    free(s->blk);
    free(s->egrid);
    free(s->lost);
    free(s->ecg_t);
    free(s);
}
