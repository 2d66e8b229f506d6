/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Short bursts: EMG above rest for less than the AASM leg-movement minimum
 * (0.5 s). The front end used to drop them; it now hands them on as
 * CRAMP_ACTIVITY_SHORT records, and the classifier finds excessive
 * fragmentary myoclonus among them and counts the others toward HFT and
 * ALMA trains (AASM scoring manual v2.6, movement rules). What is not used
 * is dropped, as before. Rules: cramp/detect.h; reasons: docs/detect.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/short_bursts_internal.h"

_Static_assert(CRAMP__FROM_SHORT != CRAMP__FROM_EMG && CRAMP__FROM_SHORT != CRAMP__FROM_FLAT &&
                   CRAMP__FROM_SHORT != CRAMP__FROM_MOTION,
               "short-burst origin collides");

/* x->train value of the first potential of a fragmentary episode */
#define TRAIN_FRAGMENTARY 4

/* ---- front end ----------------------------------------------------------- */

void cramp__short_burst_emit(cramp_detector *d, size_t c, uint64_t off_tick)
{
    const cramp__det_channel *h = &d->chan[c];
    if (off_tick <= h->emg_onset_tick || d->n_out >= d->out_cap) return;
    const double tick = (double)d->tick_frames / d->fs;
    const double n = h->seg_samples ? (double)h->seg_samples : 1.0;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_SHORT;
    a.onset_s = (double)h->emg_onset_tick * tick;
    a.offset_s = (double)off_tick * tick;
    a.rms_uv = sqrt(h->seg_band_energy / n);
    a.rest_uv = h->emg_rest_uv;
    a.peak_uv = (double)h->seg_peak_uv;
    a.env_peak_uv = h->seg_env_peak_uv;
    a.bp_excess_uv2 = fmax(0, h->seg_band_energy / n - h->emg_rest_uv * h->emg_rest_uv);
    a.tonic_fraction = 1;
    a.sub_bursts = a.rises = 1;
    a.kurtosis = a.rise_interval_s = a.rise_cv = (double)NAN;
    /* its burst on its own scale (rel_rise_watch, segments.c: from the rise
       to the dip to a quarter of the peak), as for an EMG segment: the mains
       comb's ringing lengthens a strong potential's time over the offset
       threshold past 150 ms + the window, not its burst (h12m) */
    a.rise_burst_s = h->rel_rises ? (double)h->rel_up_ticks / (double)h->rel_rises * tick
                                  : (double)NAN;
    a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    a.env_mod_ratio = (double)NAN; /* under 3 s: not measured (envmod.c) */
    d->out[d->n_out++] = a;
}

/* ---- classifier: short bursts as episodes --------------------------------- */

cramp_status cramp__short_split_make(const cramp_activity *act, size_t n_act,
                                     cramp__short_split *s)
{
    memset(s, 0, sizeof *s);
    size_t ns = 0;
    for (size_t i = 0; i < n_act; i++) ns += act[i].kind == CRAMP_ACTIVITY_SHORT;
    s->rest = malloc((n_act - ns ? n_act - ns : 1) * sizeof *s->rest);
    s->shorts = malloc((ns ? ns : 1) * sizeof *s->shorts);
    if (!s->rest || !s->shorts) {
        cramp__short_split_free(s);
        return CRAMP_ENOMEM;
    }
    for (size_t i = 0; i < n_act; i++) {
        if (act[i].kind == CRAMP_ACTIVITY_SHORT)
            s->shorts[s->n_shorts++] = act[i];
        else
            s->rest[s->n_rest++] = act[i];
    }
    return CRAMP_OK;
}

void cramp__short_split_free(cramp__short_split *s)
{
    free(s->rest);
    free(s->shorts);
    memset(s, 0, sizeof *s);
}

static int cmp_onset(const void *pa, const void *pb)
{
    const cramp_activity *a = pa, *b = pb;
    if (a->onset_s != b->onset_s) return a->onset_s < b->onset_s ? -1 : 1;
    return a->channel < b->channel ? -1 : a->channel > b->channel;
}

/* The group of overlapping short bursts a[i..j) as one episode; a channel
   is involved at >= involve_fraction of the strongest one's RMS above rest,
   as in an episode of segments (crosstalk is not). */
static void short_episode(const cramp_activity *a, size_t i, size_t j, double involve,
                          cramp_episode *e)
{
    memset(e, 0, sizeof *e);
    size_t m = i;
    double on = a[i].onset_s, off = a[i].offset_s, peak = 0;
    uint32_t mask = 0;
    for (size_t q = i; q < j; q++) {
        if (a[q].bp_excess_uv2 > a[m].bp_excess_uv2) m = q;
        on = fmin(on, a[q].onset_s);
        off = fmax(off, a[q].offset_s);
        peak = fmax(peak, a[q].peak_uv);
    }
    const double amax = sqrt(a[m].bp_excess_uv2);
    for (size_t q = i; q < j; q++)
        if (q == m || sqrt(a[q].bp_excess_uv2) >= involve * amax) mask |= 1u << a[q].channel;
    e->onset_s = on;
    e->offset_s = off;
    e->duration_s = off - on;
    e->channels = mask;
    for (uint32_t b = mask; b; b &= b - 1) e->n_channels++;
    e->main_channel = a[m].channel;
    e->rms_uv = a[m].rms_uv;
    e->rest_uv = a[m].rest_uv;
    e->rms_x_rest = a[m].rest_uv > 0 ? a[m].rms_uv / a[m].rest_uv : (double)NAN;
    e->peak_uv = peak;
    e->mnf_start_hz = e->mnf_end_hz = e->mdf_start_hz = e->mdf_end_hz = (double)NAN;
    e->mnf_slope_hz_s = e->lf_ratio = e->kurtosis = e->tonic_fraction = (double)NAN;
    e->rise_interval_s = e->rise_cv = e->env_mod_ratio = (double)NAN;
    e->rise_burst_s = a[m].rise_burst_s;
    e->bursts = e->rises = 1;
}

cramp_status cramp__short_insert(const cramp__short_split *s, const cramp_detect_config *cfg,
                                 cramp__episode_list *list)
{
    const size_t n = list->n, ns = s->n_shorts;
    if (ns == 0) return CRAMP_OK;
    cramp_activity *a = malloc(ns * sizeof *a);
    cramp_episode *sh = malloc(ns * sizeof *sh);
    cramp_episode *ep = malloc((n + ns) * sizeof *ep);
    unsigned char *origin = malloc(n + ns);
    if (!a || !sh || !ep || !origin) {
        free(a);
        free(sh);
        free(ep);
        free(origin);
        return CRAMP_ENOMEM;
    }
    memcpy(a, s->shorts, ns * sizeof *a);
    qsort(a, ns, sizeof *a, cmp_onset);
    /* groups of overlapping bursts; a group overlapping an episode of the
       list (any origin) belongs to it. Groups are disjoint and in onset
       order, so their offsets rise and one sweep over the list does. */
    size_t nsh = 0, p = 0;
    double list_reach = -HUGE_VAL; /* latest offset of list episodes starting before */
    for (size_t i = 0; i < ns;) {
        size_t j = i + 1;
        double off = a[i].offset_s;
        while (j < ns && a[j].onset_s < off) off = fmax(off, a[j++].offset_s);
        while (p < n && list->ep[p].onset_s < off) list_reach = fmax(list_reach, list->ep[p++].offset_s);
        if (!(list_reach > a[i].onset_s)) short_episode(a, i, j, cfg->involve_fraction, &sh[nsh++]);
        i = j;
    }
    /* merge by onset (the list's order for equal onsets: list first) */
    size_t k = 0, q = 0, o = 0;
    while (k < n || q < nsh) {
        if (q >= nsh || (k < n && list->ep[k].onset_s <= sh[q].onset_s)) {
            ep[o] = list->ep[k];
            origin[o++] = list->origin[k++];
        } else {
            ep[o] = sh[q++];
            origin[o++] = CRAMP__FROM_SHORT;
        }
    }
    free(a);
    free(sh);
    free(list->ep);
    free(list->origin);
    list->ep = ep;
    list->origin = origin;
    list->n = o;
    return CRAMP_OK;
}

/* 1: the bursts of e (a rise to the next dip to a quarter of its peak,
   rise_burst_s: segments.c) are no longer than a potential measured on the
   trailing envelope: the AASM's 150 ms + the 0.1-s window + a tick. The
   mains filter's ringing keeps a strong potential over the offset
   threshold for tenths of a second (h12j), so its time over the threshold
   can reach an LM's 0.5 s or an HFT burst's 250 ms; its burst does not. */
static int potential_bursts(const cramp_detect_config *cfg, const cramp_episode *e)
{
    const double pmax = FRAG_POTENTIAL_MAX_S + cfg->env_window_s + cfg->tick_s;
    return e->rise_burst_s > 0 && e->rise_burst_s <= pmax;
}

int cramp__train_member(const rule_ctx *x, size_t k)
{
    return x->origin[k] == CRAMP__FROM_EMG ||
           (x->origin[k] == CRAMP__FROM_SHORT && x->ep[k].duration_s >= TRAIN_BURST_MIN_S &&
            x->ep[k].n_channels == 1);
}

int cramp__potential_bursts(const rule_ctx *x, size_t k)
{
    return (x->origin[k] == CRAMP__FROM_SHORT || x->origin[k] == CRAMP__FROM_EMG) &&
           potential_bursts(x->cfg, &x->ep[k]);
}

/* ---- excessive fragmentary myoclonus (AASM) ------------------------------- */

/* Longest measured length of a potential: the AASM's 150 ms, plus what the
   envelope adds (its window's trailing half: the offset is the centre of the
   first window at or under the offset threshold; the onset is the first tick
   at the onset threshold and adds nothing) and a tick of rounding. */
static double potential_max_s(const cramp_detect_config *cfg)
{
    return FRAG_POTENTIAL_MAX_S + 0.5 * cfg->env_window_s + cfg->tick_s;
}

/* Active time of an episode: its span times its tonic share (the span of a
   short burst). */
static double active_s(const cramp_episode *e)
{
    return isfinite(e->tonic_fraction) ? e->duration_s * e->tonic_fraction : e->duration_s;
}

/* EMG activity made of potentials: active for less than an LM's minimum,
   or whose bursts (a rise to the next dip to a quarter of its peak,
   rise_burst_s: segments.c) are no longer than a potential measured on the
   trailing envelope (150 ms + the window + a tick): the mains filter's
   ringing keeps a strong potential's segment over the offset threshold for
   tenths of a second, longer than an LM's minimum (h12j). */
static int strung(const rule_ctx *x, const cramp_episode *e)
{
    return active_s(e) < x->cfg->lm_min_s || potential_bursts(x->cfg, e);
}

/* A potential, or potentials strung together: a short burst no longer than
   a potential, or whose burst is no longer than one (potential_bursts: the
   ringing lengthened it; h12m), or EMG activity active for less than an
   LM's minimum (two
   potentials closer than the 0.5-s offset hold make one segment; AASM: an
   LM lasts >= 0.5 s, the rule the PLM row applies too). */
static int potential(const rule_ctx *x, size_t k, double pmax)
{
    if (x->state[k] != UNLABELLED) return 0;
    if (x->origin[k] == CRAMP__FROM_SHORT)
        return x->ep[k].duration_s <= pmax || potential_bursts(x->cfg, &x->ep[k]);
    return x->origin[k] == CRAMP__FROM_EMG && strung(x, &x->ep[k]);
}

/* Potentials on any channel (the AASM counts the potentials of the
   recording) are the candidates. A minute (of visible time, below) from a
   potential's onset holding >= FRAG_PER_MIN of them is a dense minute; dense
   minutes that overlap or touch make a run, and a run >= FRAG_MIN_S long
   in visible time (AASM: >= 20 min with >= 5 potentials per minute) is one
   episode from its first potential to its last, merged into the first. */
/* ECG bleed among the short bursts: runs of >= HEART_MIN_BEATS bursts of
   <= HEART_BLIP_MAX_S with onsets HEART_MIN_IV_S..HEART_MAX_IV_S apart,
   each interval within HEART_SUCCESSIVE_CHANGE of the one before, are
   dropped (the heartbeat row does the same for motion-band blips). */
static void drop_heartbeats(rule_ctx *x)
{
    size_t run_first = 0, run_n = 0, prev = 0;
    double prev_iv = 0;
    for (size_t k = 0; k <= x->n; k++) {
        const int blip = k < x->n && x->state[k] == UNLABELLED &&
                         x->origin[k] == CRAMP__FROM_SHORT &&
                         x->ep[k].duration_s <= HEART_BLIP_MAX_S;
        if (k < x->n && !blip) continue;
        int joins = 0;
        double iv = 0;
        if (blip && run_n > 0) {
            iv = x->ep[k].onset_s - x->ep[prev].onset_s;
            joins = iv >= HEART_MIN_IV_S && iv <= HEART_MAX_IV_S &&
                    (run_n < 2 || fabs(iv - prev_iv) <= HEART_SUCCESSIVE_CHANGE * prev_iv);
        }
        if (!joins) {
            if (run_n >= HEART_MIN_BEATS)
                for (size_t q = run_first; q <= prev; q++)
                    if (x->state[q] == UNLABELLED && x->origin[q] == CRAMP__FROM_SHORT &&
                        x->ep[q].duration_s <= HEART_BLIP_MAX_S)
                        x->state[q] = MERGED;
            run_first = k;
            run_n = 0;
        }
        if (blip) {
            if (run_n > 0) prev_iv = iv;
            run_n++;
            prev = k;
        }
    }
}

/* Visible time (h12m): potentials cannot be seen on a channel while other
   EMG activity (a cramp, an LM, a movement; a flat line) covers it, so a
   minute's count of potentials is taken over the time the channels could
   show them: V(t) grows at 1 - (channels covered) / (all channels) per
   second. A cramp on the one channel of a montage pauses V; on one of four
   channels it slows it by a quarter. The AASM's >= 5 potentials per minute
   over >= 20 min of sleep are then counted per visible minute, over >= 20
   visible minutes: a run is no longer cut where other activity hides its
   potentials, and no potential is counted that was not seen. */
typedef struct vis_ev {
    double t;
    int c, d; /* channel, +1 covered from t / -1 uncovered from t */
} vis_ev;

typedef struct visible {
    double *t, *v, *w; /* breakpoints: time, V there, rate after */
    size_t n;
} visible;

static int cmp_vis_ev(const void *pa, const void *pb)
{
    const vis_ev *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return (a->d > b->d) - (a->d < b->d); /* uncover before cover at equal times */
}

/* 1: episode k hides potentials on its channels: EMG activity or a flat
   line that is not itself a candidate (cand_flag[k] 0). */
static int hides(const rule_ctx *x, const unsigned char *cand_flag, size_t k)
{
    return !cand_flag[k] &&
           (x->origin[k] == CRAMP__FROM_EMG || x->origin[k] == CRAMP__FROM_FLAT);
}

/* V from the episodes that hide potentials. */
static cramp_status visible_make(const rule_ctx *x, const unsigned char *cand_flag, visible *vs)
{
    memset(vs, 0, sizeof *vs);
    size_t ne = 0;
    for (size_t k = 0; k < x->n; k++) {
        if (!hides(x, cand_flag, k)) continue;
        for (uint32_t b = x->ep[k].channels; b; b &= b - 1) ne += 2;
    }
    vis_ev *ev = malloc((ne ? ne : 1) * sizeof *ev);
    vs->t = malloc((ne + 1) * sizeof *vs->t);
    vs->v = malloc((ne + 1) * sizeof *vs->v);
    vs->w = malloc((ne + 1) * sizeof *vs->w);
    if (!ev || !vs->t || !vs->v || !vs->w) {
        free(ev);
        free(vs->t);
        free(vs->v);
        free(vs->w);
        memset(vs, 0, sizeof *vs);
        return CRAMP_ENOMEM;
    }
    size_t q = 0;
    for (size_t k = 0; k < x->n; k++) {
        if (!hides(x, cand_flag, k)) continue;
        for (size_t c = 0; c < x->C && c < 32; c++) {
            if (!(x->ep[k].channels >> c & 1u)) continue;
            ev[q++] = (vis_ev){x->ep[k].onset_s, (int)c, +1};
            ev[q++] = (vis_ev){x->ep[k].offset_s, (int)c, -1};
        }
    }
    qsort(ev, q, sizeof *ev, cmp_vis_ev);
    unsigned cnt[32] = {0};
    size_t covered = 0;
    const double C = x->C ? (double)x->C : 1;
    vs->t[0] = -HUGE_VAL; /* V(t) = t before the first breakpoint */
    vs->v[0] = 0;
    vs->w[0] = 1;
    vs->n = 1;
    double prev_t = 0, prev_v = 0, rate = 1;
    for (size_t i = 0; i < q; i++) {
        const double v = prev_v + (ev[i].t - prev_t) * rate;
        if (ev[i].d > 0) {
            if (cnt[ev[i].c]++ == 0) covered++;
        } else if (cnt[ev[i].c] > 0 && --cnt[ev[i].c] == 0) {
            covered--;
        }
        rate = 1 - (double)covered / C;
        if (rate < 0) rate = 0;
        vs->t[vs->n] = ev[i].t;
        vs->v[vs->n] = v;
        vs->w[vs->n++] = rate;
        prev_t = ev[i].t;
        prev_v = v;
    }
    free(ev);
    return CRAMP_OK;
}

static double visible_at(const visible *vs, double t)
{
    size_t lo = 0, hi = vs->n; /* last breakpoint at or before t */
    while (hi - lo > 1) {
        const size_t m = lo + (hi - lo) / 2;
        if (vs->t[m] <= t)
            lo = m;
        else
            hi = m;
    }
    if (lo == 0) return t;
    return vs->v[lo] + (t - vs->t[lo]) * vs->w[lo];
}

static void visible_free(visible *vs)
{
    free(vs->t);
    free(vs->v);
    free(vs->w);
    memset(vs, 0, sizeof *vs);
}

cramp_status cramp__classify_fragmentary(rule_ctx *x)
{
    drop_heartbeats(x);
    const size_t n = x->n;
    const double pmax = potential_max_s(x->cfg), minute = 60.0;
    size_t *cand = malloc((n ? n : 1) * sizeof *cand);
    unsigned char *flag = calloc(n ? n : 1, 1);
    double *vt = malloc((n ? n : 1) * sizeof *vt); /* candidates' visible onsets */
    visible vs = {0};
    size_t nc = 0;
    if (cand && flag && vt)
        for (size_t k = 0; k < n; k++)
            if (potential(x, k, pmax)) {
                flag[k] = 1;
                cand[nc++] = k;
            }
    /* visible_make frees what it took when it fails */
    if (!cand || !flag || !vt || visible_make(x, flag, &vs) != CRAMP_OK) {
        free(cand);
        free(flag);
        free(vt);
        return CRAMP_ENOMEM;
    }
    for (size_t q = 0; q < nc; q++) vt[q] = visible_at(&vs, x->ep[cand[q]].onset_s);
    visible_free(&vs);
    free(flag);
    size_t i = 0, hi = 0;
    while (i < nc) {
        /* the first dense (visible) minute at or after candidate i */
        const double t = vt[i];
        if (hi < i) hi = i;
        while (hi < nc && vt[hi] < t + minute) hi++;
        if (hi - i < FRAG_PER_MIN) {
            i++;
            continue;
        }
        /* a run: extend while the next dense minute starts before the run ends */
        const size_t first = i;
        double run_end = t + minute;
        size_t last = hi - 1, r = i + 1, h2 = hi;
        while (r < nc && vt[r] <= run_end) {
            const double tr = vt[r];
            while (h2 < nc && vt[h2] < tr + minute) h2++;
            if (h2 - r >= FRAG_PER_MIN) {
                run_end = tr + minute;
                last = h2 - 1;
            }
            r++;
        }
        const double run_s = run_end - t;
        if (run_s >= FRAG_MIN_S) {
            cramp_episode *f = &x->ep[cand[first]];
            uint32_t mask = 0;
            double end = f->offset_s;
            for (size_t q = first; q <= last; q++) {
                const cramp_episode *e = &x->ep[cand[q]];
                mask |= e->channels;
                end = fmax(end, e->offset_s);
                if (q > first) x->state[cand[q]] = MERGED;
            }
            /* and whatever else under an LM's minimum lies in it: potentials
               strung into bursts of up to 0.5 s */
            for (size_t k = cand[first] + 1; k < n && x->ep[k].onset_s < end; k++) {
                if (x->state[k] != UNLABELLED) continue;
                if (x->origin[k] != CRAMP__FROM_SHORT &&
                    !(x->origin[k] == CRAMP__FROM_EMG && strung(x, &x->ep[k])))
                    continue;
                mask |= x->ep[k].channels;
                end = fmax(end, x->ep[k].offset_s);
                x->state[k] = MERGED;
            }
            const size_t members = last - first + 1;
            const double per_min = (double)members / (run_s / minute);
            f->offset_s = end;
            f->duration_s = end - f->onset_s;
            f->channels = mask;
            f->n_channels = 0;
            for (uint32_t b = mask; b; b &= b - 1) f->n_channels++;
            f->bursts = members;
            f->rises = members;
            x->train[cand[first]] = TRAIN_FRAGMENTARY;
            f->confidence =
                conf_of(fmin(margin(per_min, FRAG_PER_MIN), margin(run_s, FRAG_MIN_S)));
        }
        i = last + 1 > r ? last + 1 : r;
    }
    free(cand);
    free(vt);
    return CRAMP_OK;
}

const char *cramp__fragmentary_row(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
    return x->train[k] == TRAIN_FRAGMENTARY
               ? "potentials <= 150 ms, >= 5 per minute over >= 20 min (excessive fragmentary "
                 "myoclonus, AASM)"
               : NULL;
}

/* Short bursts neither a fragmentary episode nor a train took are dropped,
   as the front end dropped them before: under 0.5 s they are no leg
   movement (AASM). */
cramp_status cramp__drop_short(rule_ctx *x)
{
    for (size_t k = 0; k < x->n; k++)
        if (x->state[k] == UNLABELLED && x->origin[k] == CRAMP__FROM_SHORT) x->state[k] = MERGED;
    return CRAMP_OK;
}

const char *cramp__short_row(const rule_ctx *x, size_t k, double *conf)
{
    (void)x;
    (void)k;
    *conf = 1;
    return NULL; /* its prepare drops them */
}
