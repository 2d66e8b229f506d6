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
 * frame), then is written if at least min_duration long.
 *
 * Files (detect/onset_internal.h): this one holds the object, its
 * validation and lifecycle, thresholds, segment post-processing, the output
 * queue and the streaming API; onset_generic.c the generic machine and the
 * methods feeding it; onset_sequential.c BONATO and CUSUM. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/onset_internal.h"

#define SUB_BLOCK 256u
#define QUEUE_PER_CHANNEL (SUB_BLOCK + 2u)
/* Largest window, delay line or BONATO ring accepted, in frames. */
#define MAX_WINDOW_FRAMES 100000000.0

/* Short names inside the onset files (onset_internal.h). */
typedef cramp__onset_chan chan;

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
    if (channels > SIZE_MAX / sizeof(cramp__onset_event) / QUEUE_PER_CHANNEL)
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

/* ---- the output queue ------------------------------------------------------------ */

static int cmp_event(const void *pa, const void *pb)
{
    const cramp__onset_event *a = pa, *b = pb;
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

/* ---- per-channel dispatch ------------------------------------------------------------------- */

static void run_channel(cramp_onset *o, size_t c, const float *x, size_t n)
{
    const size_t stride = o->channels;
    switch (o->method) {
    case CRAMP_ONSET_BONATO: cramp__onset_run_bonato(o, c, x, stride, n, o->t); break;
    case CRAMP_ONSET_CUSUM: cramp__onset_run_cusum(o, c, x, stride, n, o->t); break;
    default: cramp__onset_run_generic(o, c, x, stride, n, o->t); break;
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
            cramp__onset_seg_close(o, ch, c, ch->on_frame, off, ch->peak_main, end);
        }
        ch->cand = 0;
        if (ch->has_pend) cramp__onset_flush_pending(o, ch, c, end);
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
