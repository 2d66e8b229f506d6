/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Onset detectors over interleaved multichannel sEMG (see cramp/onset.h for
 * the methods, their sources and defaults).
 *
 * Structure. process() cuts the input into sub-blocks of at most SUB_BLOCK
 * frames. For each sub-block every channel runs its method's kernel over its
 * samples (channel-major, state in the channel's struct): conditioning,
 * statistic, baseline feed, decision state machine. A closed segment goes
 * into the object's queue tagged with the frame at which it was confirmed, a
 * sequence number and its channel; after the sub-block the queue is sorted by
 * (frame, channel, sequence) and copied out. Because each channel's state
 * advances frame by frame whatever the sub-block boundaries, and the queue
 * order depends only on (frame, channel), the list of segments is identical
 * for any split of the input into calls. At most one segment per channel is
 * confirmed per frame (one per pair for BONATO), so a queue of
 * channels * (SUB_BLOCK + 2) entries never overflows; a new sub-block starts
 * only once the queue has been written out, which is what lets process()
 * stop consuming input when the caller's array is full.
 *
 * Decision machines.
 *  - generic (all but BONATO and CUSUM): while inactive, a frame passing the
 *    onset test starts a candidate; the candidate becomes an onset once it
 *    has lasted on_hold frames and the current frame passes, and is dropped
 *    if an excursion (consecutive failing frames) lasts more than tol
 *    frames. While active, the offset test works the same way with
 *    off_hold; the offset is the candidate's first frame.
 *  - BONATO: a ring of the last m above/below decisions on g.
 *  - CUSUM: Page's one-sided sums, up while inactive, down while active.
 * Post-processing per channel: a closed segment waits as "pending" while a
 * later segment could still start within merge_gap of its end (the earliest
 * such start is known: the open candidate's first frame, or the next
 * frame), then is written if at least min_duration long. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "cramp/filter.h"
#include "detect/baseline_internal.h"

#define SUB_BLOCK 256u
#define QUEUE_PER_CHANNEL (SUB_BLOCK + 2u)
/* Largest window, delay line or BONATO ring accepted, in frames. */
#define MAX_WINDOW_FRAMES 100000000.0

typedef struct event {
    uint64_t frame; /* frame at which the segment was confirmed */
    uint64_t seq;
    cramp_onset_segment seg;
} event;

typedef struct chan {
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
} chan;

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

    chan *ch;
    double *bmem, *wmem;
    float *dmem, *bpkmem;
    unsigned char *bitmem;

    event *q;
    size_t q_cap, q_len, q_head;
    uint64_t t;           /* frames consumed */
    uint64_t seq;
    int finished;         /* finish() has been called */
    int closed;           /* finish() has closed the open segments */
};

/* ---- names and defaults --------------------------------------------------- */

static const char *const METHOD_NAMES[CRAMP_ONSET_METHOD_COUNT] = {
    "threshold", "aasm", "hodges-bui", "bonato", "lidierth", "tkeo", "londral", "cusum"};

const char *cramp_onset_method_name(cramp_onset_method m)
{
    if ((unsigned)m >= CRAMP_ONSET_METHOD_COUNT) return "unknown";
    return METHOD_NAMES[m];
}

int cramp_onset_method_parse(const char *name, cramp_onset_method *out)
{
    if (!name || !out) return -1;
    for (unsigned i = 0; i < CRAMP_ONSET_METHOD_COUNT; i++)
        if (strcmp(name, METHOD_NAMES[i]) == 0) {
            *out = (cramp_onset_method)i;
            return 0;
        }
    return -1;
}

void cramp_onset_config_default(cramp_onset_config *cfg, cramp_onset_method method)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->method = method;
    cfg->fs = 0.0;
    cramp_baseline_config_default(&cfg->baseline);
    cfg->baseline.statistic = CRAMP_BASELINE_MEAN;
    /* Values every method shares unless set below. */
    cfg->window_s = 0.05;
    cfg->lowpass_hz = 50.0;
    cfg->k = 3.0;
    cfg->onset_uv = 8.0;
    cfg->offset_uv = 2.0;
    cfg->on_hold_s = 0.0;
    cfg->off_hold_s = 0.0;
    cfg->tolerance_s = 0.0;
    cfg->pfa = 0.05;
    cfg->active_fraction = 0.2;
    cfg->cusum_h_s = 0.05;
    cfg->min_duration_s = 0.0;
    cfg->merge_gap_s = 0.0;
    switch (method) {
    case CRAMP_ONSET_THRESHOLD: cfg->window_s = 0.1; break;
    case CRAMP_ONSET_AASM:
        cfg->window_s = 0.1;
        cfg->off_hold_s = 0.5;
        cfg->min_duration_s = 0.5;
        break;
    case CRAMP_ONSET_HODGES_BUI: cfg->window_s = 0.05; break;
    case CRAMP_ONSET_BONATO:
        cfg->window_s = 0.02;
        cfg->min_duration_s = 0.03;
        break;
    case CRAMP_ONSET_LIDIERTH:
        cfg->window_s = 0.05;
        cfg->on_hold_s = 0.05;
        cfg->off_hold_s = 0.05;
        cfg->tolerance_s = 0.01;
        break;
    case CRAMP_ONSET_TKEO:
        cfg->on_hold_s = 0.025;
        cfg->off_hold_s = 0.025;
        break;
    case CRAMP_ONSET_LONDRAL:
        cfg->window_s = 0.05;
        cfg->on_hold_s = 0.05;
        cfg->off_hold_s = 0.05;
        break;
    case CRAMP_ONSET_CUSUM: cfg->k = 1.5; break;
    }
}

/* ---- validation ------------------------------------------------------------- */

static int uses_window(cramp_onset_method m)
{
    return m == CRAMP_ONSET_THRESHOLD || m == CRAMP_ONSET_AASM || m == CRAMP_ONSET_HODGES_BUI ||
           m == CRAMP_ONSET_LIDIERTH || m == CRAMP_ONSET_LONDRAL || m == CRAMP_ONSET_BONATO;
}

static int uses_lowpass(cramp_onset_method m)
{
    return m == CRAMP_ONSET_HODGES_BUI || m == CRAMP_ONSET_TKEO || m == CRAMP_ONSET_CUSUM;
}

static int uses_k(cramp_onset_method m)
{
    return m != CRAMP_ONSET_AASM && m != CRAMP_ONSET_BONATO;
}

static int uses_on_hold(cramp_onset_method m)
{
    return m == CRAMP_ONSET_LIDIERTH || m == CRAMP_ONSET_TKEO || m == CRAMP_ONSET_LONDRAL;
}

static int uses_off_hold(cramp_onset_method m)
{
    return uses_on_hold(m) || m == CRAMP_ONSET_AASM;
}

static cramp_status check_duration(double v, const char *name, cramp_onset_method m,
                                   cramp_error *err)
{
    if (!isfinite(v) || v < 0.0 || v > 1e9)
        return cramp__fail(err, CRAMP_EINVAL, "onset %s: %s = %g s (expected a finite duration "
                           ">= 0)", cramp_onset_method_name(m), name, v);
    return CRAMP_OK;
}

/* Frames for a duration: round(s * fs). */
static uint64_t frames_of(double s, double fs) { return (uint64_t)llround(s * fs); }

/* Solves BONATO's zeta: P(at least r0 of m exceed) = pfa with per-test
 * probability p = exp(-zeta/2); bisection on p (the tail is increasing in p). */
static double bonato_zeta(size_t m, size_t r0, double pfa)
{
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 200; it++) {
        const double p = 0.5 * (lo + hi);
        /* 1 - sum_{i < r0} C(m,i) p^i (1-p)^(m-i), terms built recursively */
        double term = pow(1.0 - p, (double)m), cdf = 0.0;
        for (size_t i = 0; i < r0; i++) {
            cdf += term;
            term *= (double)(m - i) / (double)(i + 1) * p / (1.0 - p);
        }
        const double tail = 1.0 - cdf;
        if (tail < pfa) lo = p;
        else hi = p;
    }
    const double p = 0.5 * (lo + hi);
    return -2.0 * log(p);
}

static cramp_status validate(const cramp_onset_config *cfg, size_t channels, cramp_error *err)
{
    const cramp_onset_method m = cfg->method;
    if ((unsigned)m >= CRAMP_ONSET_METHOD_COUNT)
        return cramp__fail(err, CRAMP_EINVAL, "onset method %d is unknown (expected 0 .. %d)",
                           (int)m, CRAMP_ONSET_METHOD_COUNT - 1);
    const char *name = cramp_onset_method_name(m);
    if (channels == 0)
        return cramp__fail(err, CRAMP_EINVAL, "onset channels is 0 (expected at least 1)");
    if (!isfinite(cfg->fs) || cfg->fs <= 0.0)
        return cramp__fail(err, CRAMP_EINVAL, "onset %s: fs = %g Hz (expected a finite rate > 0)",
                           name, cfg->fs);
    const double fs = cfg->fs;
    if (uses_window(m)) {
        if (!isfinite(cfg->window_s) || cfg->window_s <= 0.0)
            return cramp__fail(err, CRAMP_EINVAL,
                               "onset %s: window_s = %g s (expected a finite duration > 0)", name,
                               cfg->window_s);
        const double per = m == CRAMP_ONSET_BONATO ? fs / 2.0 : fs;
        const double n = round(cfg->window_s * per);
        if (n < 1.0)
            return cramp__fail(err, CRAMP_ERANGE,
                               "onset %s: window_s = %g s is %g %s at fs = %g Hz, which rounds to "
                               "0 (expected >= %g s)", name, cfg->window_s, cfg->window_s * per,
                               m == CRAMP_ONSET_BONATO ? "sample pairs" : "frames", fs,
                               0.5 / per);
        if (n > MAX_WINDOW_FRAMES || (size_t)n > SIZE_MAX / sizeof(double) / 2 / channels)
            return cramp__fail(err, CRAMP_ERANGE,
                               "onset %s: window_s = %g s is too long at fs = %g Hz for %zu "
                               "channels", name, cfg->window_s, fs, channels);
    }
    if (uses_lowpass(m)) {
        if (!isfinite(cfg->lowpass_hz) || cfg->lowpass_hz <= 0.0)
            return cramp__fail(err, CRAMP_EINVAL,
                               "onset %s: lowpass_hz = %g Hz (expected a finite cutoff > 0)",
                               name, cfg->lowpass_hz);
        if (cfg->lowpass_hz >= 0.5 * fs)
            return cramp__fail(err, CRAMP_ERANGE,
                               "onset %s: lowpass_hz = %g Hz is at or above Nyquist (%g Hz at "
                               "fs = %g Hz)", name, cfg->lowpass_hz, 0.5 * fs, fs);
    }
    if (uses_k(m) && (!isfinite(cfg->k) || cfg->k < 0.0))
        return cramp__fail(err, CRAMP_EINVAL, "onset %s: k = %g (expected a finite number of "
                           "resting SDs >= 0)", name, cfg->k);
    if (m == CRAMP_ONSET_AASM) {
        if (!isfinite(cfg->onset_uv) || cfg->onset_uv <= 0.0)
            return cramp__fail(err, CRAMP_EINVAL, "onset aasm: onset_uv = %g uV (expected a "
                               "finite rise > 0)", cfg->onset_uv);
        if (!isfinite(cfg->offset_uv) || cfg->offset_uv < 0.0 || cfg->offset_uv > cfg->onset_uv)
            return cramp__fail(err, CRAMP_EINVAL, "onset aasm: offset_uv = %g uV (expected 0 .. "
                               "onset_uv = %g uV)", cfg->offset_uv, cfg->onset_uv);
    }
    cramp_status st;
    if (uses_on_hold(m) && (st = check_duration(cfg->on_hold_s, "on_hold_s", m, err)) != CRAMP_OK)
        return st;
    if (uses_off_hold(m) &&
        (st = check_duration(cfg->off_hold_s, "off_hold_s", m, err)) != CRAMP_OK)
        return st;
    if (m == CRAMP_ONSET_LIDIERTH &&
        (st = check_duration(cfg->tolerance_s, "tolerance_s", m, err)) != CRAMP_OK)
        return st;
    if (m == CRAMP_ONSET_BONATO) {
        if (!isfinite(cfg->pfa) || cfg->pfa <= 0.0 || cfg->pfa >= 1.0)
            return cramp__fail(err, CRAMP_EINVAL, "onset bonato: pfa = %g (expected a probability "
                               "in (0, 1))", cfg->pfa);
        if (!isfinite(cfg->active_fraction) || cfg->active_fraction <= 0.0 ||
            cfg->active_fraction > 1.0)
            return cramp__fail(err, CRAMP_EINVAL, "onset bonato: active_fraction = %g (expected "
                               "(0, 1])", cfg->active_fraction);
    }
    if (m == CRAMP_ONSET_CUSUM && (!isfinite(cfg->cusum_h_s) || cfg->cusum_h_s <= 0.0))
        return cramp__fail(err, CRAMP_EINVAL, "onset cusum: cusum_h_s = %g s (expected a finite "
                           "decision interval > 0)", cfg->cusum_h_s);
    if ((st = check_duration(cfg->min_duration_s, "min_duration_s", m, err)) != CRAMP_OK)
        return st;
    if ((st = check_duration(cfg->merge_gap_s, "merge_gap_s", m, err)) != CRAMP_OK) return st;
    if (channels > SIZE_MAX / sizeof(event) / QUEUE_PER_CHANNEL)
        return cramp__fail(err, CRAMP_ERANGE, "onset: %zu channels are too many", channels);
    return CRAMP_OK;
}

/* ---- lifecycle --------------------------------------------------------------- */

static void chan_reset(cramp_onset *o, chan *ch)
{
    cramp__bchan_reset(&ch->b, &o->bp);
    ch->ready = 0;
    ch->mu = ch->sd = (double)NAN;
    ch->thr_on = ch->thr_off = ch->ref = ch->hcu = (double)INFINITY;
    ch->inv_var = 0.0;
    ch->z1 = ch->z2 = ch->xm1 = ch->xm2 = 0.0;
    if (ch->ring) memset(ch->ring, 0, o->win_n * sizeof *ch->ring);
    if (ch->ring2) memset(ch->ring2, 0, o->win_n * sizeof *ch->ring2);
    ch->rpos = 0;
    ch->sum1 = ch->sum2 = 0.0;
    memset(ch->dl, 0, o->dl_n * sizeof *ch->dl);
    ch->dpos = 0;
    ch->active = ch->cand = ch->exc = 0;
    ch->cand_start = ch->exc_start = ch->on_frame = 0;
    ch->peak_main = ch->peak_tail = 0.0;
    ch->S = 0.0;
    if (ch->bits) memset(ch->bits, 0, o->m);
    if (ch->bpk) memset(ch->bpk, 0, o->m * sizeof *ch->bpk);
    ch->bpos = ch->bcount = 0;
    ch->last_above = 0;
    ch->x0 = ch->ax0 = 0.0;
    ch->has_pend = 0;
    ch->p_on = ch->p_off = 0;
    ch->p_peak = 0.0;
}

void cramp_onset_reset(cramp_onset *o)
{
    if (!o) return;
    for (size_t c = 0; c < o->channels; c++) chan_reset(o, &o->ch[c]);
    o->q_len = o->q_head = 0;
    o->t = 0;
    o->seq = 0;
    o->finished = o->closed = 0;
}

void cramp_onset_destroy(cramp_onset *o)
{
    if (!o) return;
    free(o->ch);
    free(o->bmem);
    free(o->wmem);
    free(o->dmem);
    free(o->bpkmem);
    free(o->bitmem);
    free(o->q);
    free(o);
}

cramp_status cramp_onset_create(cramp_onset **out, size_t channels,
                                const cramp_onset_config *cfg, cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "onset create: out is NULL");
    *out = NULL;
    if (!cfg) return cramp__fail(err, CRAMP_EINVAL, "onset create: cfg is NULL");
    cramp_status st = validate(cfg, channels, err);
    if (st != CRAMP_OK) return st;
    const cramp_onset_method m = cfg->method;
    const double fs = cfg->fs;
    cramp__bparams bp;
    st = cramp__bparams_make(&bp, &cfg->baseline, fs, 0, channels, "onset baseline", err);
    bp.spread = 1; /* the detectors' thresholds use the spread */
    if (st != CRAMP_OK) return st;

    cramp_onset *o = calloc(1, sizeof *o);
    if (!o) return cramp__fail(err, CRAMP_ENOMEM, "onset create: out of memory");
    o->cfg = *cfg;
    o->method = m;
    o->channels = channels;
    o->fs = fs;
    o->inv_fs = 1.0 / fs;
    o->bp = bp;
    o->k = cfg->k;
    o->onset_uv = cfg->onset_uv;
    o->offset_uv = cfg->offset_uv;
    o->cusum_h_s = cfg->cusum_h_s;
    o->off_le = m == CRAMP_ONSET_AASM;
    o->on_hold_n = uses_on_hold(m) ? frames_of(cfg->on_hold_s, fs) : 0;
    o->off_hold_n = uses_off_hold(m) ? frames_of(cfg->off_hold_s, fs) : 0;
    o->tol_n = m == CRAMP_ONSET_LIDIERTH ? frames_of(cfg->tolerance_s, fs) : 0;
    o->min_dur_n = (uint64_t)ceil(cfg->min_duration_s * fs - 1e-9);
    o->gap_n = (uint64_t)ceil(cfg->merge_gap_s * fs - 1e-9);

    o->win_n = 1;
    o->delay = 0.0;
    if (m == CRAMP_ONSET_BONATO) {
        o->m = (size_t)round(cfg->window_s * fs / 2.0);
        double r0 = ceil(cfg->active_fraction * (double)o->m - 1e-9);
        if (r0 < 1.0) r0 = 1.0;
        o->r0 = (size_t)r0;
        o->zeta = bonato_zeta(o->m, o->r0, cfg->pfa);
    } else if (uses_window(m)) {
        o->win_n = (size_t)round(cfg->window_s * fs);
        o->delay = 0.5 * (double)(o->win_n - 1);
    } else if (m == CRAMP_ONSET_TKEO) {
        o->delay = 1.0;
    }
    o->dl_n = (size_t)floor(o->delay) + 1;
    if (uses_lowpass(m)) {
        const cramp_butter_spec spec = {CRAMP_LOWPASS, 2, fs, cfg->lowpass_hz, 0.0};
        size_t n_sec = 0;
        st = cramp_butter_design(&spec, &o->lp, 1, &n_sec, err);
        if (st != CRAMP_OK) {
            cramp_onset_destroy(o);
            return st;
        }
    }

    const int two_rings = m == CRAMP_ONSET_LONDRAL;
    const int has_ring = uses_window(m) && m != CRAMP_ONSET_BONATO;
    o->ch = calloc(channels, sizeof *o->ch);
    o->bmem = malloc(channels * 4 * bp.win_n * sizeof *o->bmem);
    if (has_ring) o->wmem = calloc(channels * o->win_n * (two_rings ? 2u : 1u), sizeof *o->wmem);
    o->dmem = calloc(channels * o->dl_n, sizeof *o->dmem);
    if (m == CRAMP_ONSET_BONATO) {
        o->bitmem = calloc(channels * o->m, 1);
        o->bpkmem = calloc(channels * o->m, sizeof *o->bpkmem);
    }
    o->q_cap = channels * QUEUE_PER_CHANNEL;
    o->q = malloc(o->q_cap * sizeof *o->q);
    if (!o->ch || !o->bmem || (has_ring && !o->wmem) || !o->dmem || !o->q ||
        (m == CRAMP_ONSET_BONATO && (!o->bitmem || !o->bpkmem))) {
        cramp_onset_destroy(o);
        return cramp__fail(err, CRAMP_ENOMEM, "onset create: out of memory");
    }
    for (size_t c = 0; c < channels; c++) {
        chan *ch = &o->ch[c];
        cramp__bchan_init(&ch->b, &bp, o->bmem + c * 4 * bp.win_n);
        if (has_ring) {
            ch->ring = o->wmem + c * o->win_n * (two_rings ? 2u : 1u);
            if (two_rings) ch->ring2 = ch->ring + o->win_n;
        }
        ch->dl = o->dmem + c * o->dl_n;
        if (m == CRAMP_ONSET_BONATO) {
            ch->bits = o->bitmem + c * o->m;
            ch->bpk = o->bpkmem + c * o->m;
        }
    }
    cramp_onset_reset(o);
    *out = o;
    return CRAMP_OK;
}

/* ---- segments out ---------------------------------------------------------------- */

static double frame_time(const cramp_onset *o, uint64_t f)
{
    const double t = ((double)f - o->delay) * o->inv_fs;
    return t > 0.0 ? t : 0.0;
}

static void emit(cramp_onset *o, size_t c, uint64_t on, uint64_t off, double peak, uint64_t at)
{
    if (off - on < o->min_dur_n) return;
    event *e = &o->q[o->q_len++];
    e->frame = at;
    e->seq = o->seq++;
    e->seg.channel = c;
    e->seg.onset_s = frame_time(o, on);
    e->seg.offset_s = frame_time(o, off);
    e->seg.peak_uv = peak;
}

static void flush_pending(cramp_onset *o, chan *ch, size_t c, uint64_t at)
{
    emit(o, c, ch->p_on, ch->p_off, ch->p_peak, at);
    ch->has_pend = 0;
}

/* A segment [on, off) has been closed at frame `at`. */
static void seg_close(cramp_onset *o, chan *ch, size_t c, uint64_t on, uint64_t off, double peak,
                      uint64_t at)
{
    if (o->gap_n == 0) {
        emit(o, c, on, off, peak, at);
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

/* A segment starting at frame `on` has been confirmed at `at`. */
static void seg_open(cramp_onset *o, chan *ch, size_t c, uint64_t on, uint64_t at)
{
    ch->on_frame = on;
    if (ch->has_pend && on >= ch->p_off + o->gap_n) flush_pending(o, ch, c, at);
}

/* While inactive: the earliest frame a future onset can take is `earliest`. */
static inline void check_pending(cramp_onset *o, chan *ch, size_t c, uint64_t earliest,
                                 uint64_t at)
{
    if (ch->has_pend && earliest >= ch->p_off + o->gap_n) flush_pending(o, ch, c, at);
}

static int cmp_event(const void *pa, const void *pb)
{
    const event *a = pa, *b = pb;
    if (a->frame != b->frame) return a->frame < b->frame ? -1 : 1;
    if (a->seg.channel != b->seg.channel) return a->seg.channel < b->seg.channel ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static size_t drain(cramp_onset *o, cramp_onset_segment *out, size_t cap)
{
    size_t n = 0;
    while (n < cap && o->q_head < o->q_len) out[n++] = o->q[o->q_head++].seg;
    if (o->q_head == o->q_len) o->q_head = o->q_len = 0;
    return n;
}

/* ---- thresholds --------------------------------------------------------------------- */

static void update_thresholds(const cramp_onset *o, chan *ch)
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

/* ---- per-sample building blocks ------------------------------------------------------- */

static inline double sanitize(float x, int *finite)
{
    *finite = isfinite(x);
    return *finite ? (double)x : 0.0;
}

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
                seg_open(o, ch, c, ch->cand_start, t);
                return;
            }
        } else {
            ch->cand = 0; /* no usable baseline (flat channel): no candidate */
        }
        if (ch->has_pend) check_pending(o, ch, c, ch->cand ? ch->cand_start : t + 1, t);
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
        seg_close(o, ch, c, ch->on_frame, ch->cand_start, ch->peak_main, t);
    }
}

/* ---- kernels: one channel over n frames starting at frame t0 ---------------------------- */

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* The hot per-sample state (filter, window sums, block sums, delay line) is
 * held in locals for the length of a call so the compiler can keep it in
 * registers (the ring buffers could otherwise alias it); the rest (decision
 * state) stays in the channel struct. The method is a constant in each
 * caller, so each method gets its own loop. */
typedef struct hot {
    double z1, z2, sum1, sum2, k0, s1, s2;
    size_t rpos, dpos, bpos, nf;
} hot;

static ALWAYS_INLINE void hot_load(hot *h, const chan *ch)
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

static ALWAYS_INLINE void hot_store(const hot *h, chan *ch)
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
static ALWAYS_INLINE void hot_feed(cramp_onset *o, chan *ch, hot *h, int fin, double v)
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
        update_thresholds(o, ch);
        h->bpos = h->nf = 0;
        h->k0 = h->s1 = h->s2 = 0.0;
    }
}

static ALWAYS_INLINE double hot_lowpass(const cramp_biquad *sec, hot *h, double v)
{
    const double y = sec->b0 * v + h->z1;
    h->z1 = sec->b1 * v - sec->a1 * y + h->z2;
    h->z2 = sec->b2 * v - sec->a2 * y;
    return y;
}

static ALWAYS_INLINE double hot_delayed(float *dl, size_t dl_n, hot *h, double ax)
{
    dl[h->dpos] = (float)ax;
    if (++h->dpos == dl_n) h->dpos = 0;
    return (double)dl[h->dpos];
}

static ALWAYS_INLINE double hot_window(double *ring, size_t wn, hot *h, double v)
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

static ALWAYS_INLINE void hot_window2(double *ring, double *ring2, size_t wn, hot *h, double v,
                                      double v2)
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

static ALWAYS_INLINE void run_windowed_m(cramp_onset *o, size_t c, const float *x, size_t stride,
                                         size_t n, uint64_t t0, const cramp_onset_method m)
{
    chan *ch = &o->ch[c];
    const double inv_n = 1.0 / (double)o->win_n;
    const size_t wn = o->win_n, dn = o->dl_n;
    double *ring = ch->ring, *ring2 = ch->ring2;
    float *dl = ch->dl;
    const cramp_biquad sec = o->lp;
    hot h;
    hot_load(&h, ch);
    for (size_t i = 0; i < n; i++) {
        int fin;
        const double v = sanitize(x[i * stride], &fin);
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
    hot h;
    hot_load(&h, ch);
    for (size_t i = 0; i < n; i++) {
        int fin;
        const double v = sanitize(x[i * stride], &fin);
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

/* Index (0 = oldest) of the oldest set entry in BONATO's ring; m if none. */
static size_t bonato_oldest(const cramp_onset *o, const chan *ch)
{
    for (size_t j = 0; j < o->m; j++) {
        size_t k = ch->bpos + j;
        if (k >= o->m) k -= o->m;
        if (ch->bits[k]) return j;
    }
    return o->m;
}

static void run_bonato(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                       uint64_t t0)
{
    chan *ch = &o->ch[c];
    for (size_t i = 0; i < n; i++) {
        const uint64_t t = t0 + i;
        int fin;
        const double v = sanitize(x[i * stride], &fin);
        const double ax = fabs(v);
        if (cramp__bchan_add(&ch->b, &o->bp, fin ? v * v : (double)NAN)) update_thresholds(o, ch);
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
                seg_open(o, ch, c, 2 * (p - (o->m - 1 - j)), t);
            } else if (ch->has_pend) {
                const size_t j = bonato_oldest(o, ch);
                const uint64_t earliest = j < o->m ? 2 * (p - (o->m - 1 - j)) : 2 * (p + 1);
                check_pending(o, ch, c, earliest, t);
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
            seg_close(o, ch, c, ch->on_frame, 2 * (ch->last_above + 1), ch->peak_main, t);
        }
    }
}

static void run_cusum(cramp_onset *o, size_t c, const float *x, size_t stride, size_t n,
                      uint64_t t0)
{
    chan *ch = &o->ch[c];
    const double inv_fs = o->inv_fs;
    const cramp_biquad sec = o->lp;
    hot h;
    hot_load(&h, ch);
    for (size_t i = 0; i < n; i++) {
        const uint64_t t = t0 + i;
        int fin;
        const double v = sanitize(x[i * stride], &fin);
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
                        seg_open(o, ch, c, on, t);
                        continue;
                    }
                }
            } else {
                ch->S = 0.0;
                ch->cand_start = t + 1;
            }
            if (ch->has_pend) check_pending(o, ch, c, ch->cand_start, t);
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
                seg_close(o, ch, c, ch->on_frame, ch->cand_start, ch->peak_main, t);
                ch->cand_start = t + 1;
                ch->peak_main = 0.0;
            }
        }
    }
    hot_store(&h, ch);
}

static void run_channel(cramp_onset *o, size_t c, const float *x, size_t n)
{
    const size_t stride = o->channels;
    switch (o->method) {
    case CRAMP_ONSET_BONATO: run_bonato(o, c, x, stride, n, o->t); break;
    case CRAMP_ONSET_CUSUM: run_cusum(o, c, x, stride, n, o->t); break;
    case CRAMP_ONSET_TKEO: run_tkeo(o, c, x, stride, n, o->t); break;
    case CRAMP_ONSET_THRESHOLD:
        run_windowed_m(o, c, x, stride, n, o->t, CRAMP_ONSET_THRESHOLD);
        break;
    case CRAMP_ONSET_AASM: run_windowed_m(o, c, x, stride, n, o->t, CRAMP_ONSET_AASM); break;
    case CRAMP_ONSET_HODGES_BUI:
        run_windowed_m(o, c, x, stride, n, o->t, CRAMP_ONSET_HODGES_BUI);
        break;
    case CRAMP_ONSET_LIDIERTH:
        run_windowed_m(o, c, x, stride, n, o->t, CRAMP_ONSET_LIDIERTH);
        break;
    case CRAMP_ONSET_LONDRAL:
        run_windowed_m(o, c, x, stride, n, o->t, CRAMP_ONSET_LONDRAL);
        break;
    }
}

/* ---- public streaming API ----------------------------------------------------------------- */

cramp_status cramp_onset_process(cramp_onset *o, const float *in, size_t *in_frames,
                                 cramp_onset_segment *out, size_t out_cap, size_t *out_count)
{
    if (out_count) *out_count = 0;
    if (!o || !in_frames || !out_count) {
        if (in_frames) *in_frames = 0;
        return CRAMP_EINVAL;
    }
    const size_t avail = *in_frames;
    *in_frames = 0;
    if (o->finished) return CRAMP_EINVAL;
    if ((avail > 0 && (!in || !out || out_cap == 0)) || (out_cap > 0 && !out))
        return CRAMP_EINVAL;

    size_t written = drain(o, out, out_cap);
    size_t done = 0;
    while (done < avail && o->q_len == 0) {
        const size_t n = avail - done < SUB_BLOCK ? avail - done : SUB_BLOCK;
        const float *blk = in + done * o->channels;
        for (size_t c = 0; c < o->channels; c++) run_channel(o, c, blk + c, n);
        o->t += n;
        done += n;
        if (o->q_len > 1) qsort(o->q, o->q_len, sizeof *o->q, cmp_event);
        written += drain(o, out + written, out_cap - written);
    }
    *in_frames = done;
    *out_count = written;
    return CRAMP_OK;
}

/* Closes everything still open at the end of the input (frame o->t). */
static void close_all(cramp_onset *o)
{
    const uint64_t end = o->t;
    for (size_t c = 0; c < o->channels; c++) {
        chan *ch = &o->ch[c];
        if (ch->active) {
            uint64_t off;
            switch (o->method) {
            case CRAMP_ONSET_BONATO: off = 2 * (ch->last_above + 1); break;
            case CRAMP_ONSET_CUSUM: off = ch->S > 0.0 ? ch->cand_start : end; break;
            default: off = ch->cand ? ch->cand_start : end; break;
            }
            if (off > end) off = end;
            if (off <= ch->on_frame) off = ch->on_frame + 1;
            ch->active = 0;
            ch->cand = 0;
            seg_close(o, ch, c, ch->on_frame, off, ch->peak_main, end);
        }
        ch->cand = 0;
        if (ch->has_pend) flush_pending(o, ch, c, end);
    }
}

cramp_status cramp_onset_finish(cramp_onset *o, cramp_onset_segment *out, size_t out_cap,
                                size_t *out_count)
{
    if (out_count) *out_count = 0;
    if (!o || !out_count || (out_cap > 0 && !out)) return CRAMP_EINVAL;
    o->finished = 1;
    size_t written = drain(o, out, out_cap);
    if (!o->closed && o->q_len == 0) {
        close_all(o);
        o->closed = 1;
        if (o->q_len > 1) qsort(o->q, o->q_len, sizeof *o->q, cmp_event);
        written += drain(o, out + written, out_cap - written);
    }
    *out_count = written;
    return CRAMP_OK;
}

cramp_status cramp_onset_rest(const cramp_onset *o, size_t channel, double *mean, double *sd)
{
    if (!o || channel >= o->channels) return CRAMP_EINVAL;
    const chan *ch = &o->ch[channel];
    if (mean) *mean = ch->b.level;
    if (sd) *sd = ch->b.spread;
    return CRAMP_OK;
}

double cramp_onset_delay_s(const cramp_onset *o) { return o ? o->delay / o->fs : 0.0; }

unsigned long long cramp_onset_frames(const cramp_onset *o)
{
    return o ? (unsigned long long)o->t : 0ull;
}
