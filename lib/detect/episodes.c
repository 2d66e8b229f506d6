/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The night's segments (all channels, all rate groups) merged into measured
 * episodes, before any label: each flat line; the motion-band segments that
 * no activity overlaps; clusters of concurrent EMG segments with the
 * measures of their main channel. The merging rules are listed in
 * cramp/detect.h, their reasons in docs/detect.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/classify_internal.h"

static int cmp_act(const void *a, const void *b)
{
    const cramp_activity *x = a, *y = b;
    if (x->onset_s != y->onset_s) return x->onset_s < y->onset_s ? -1 : 1;
    return x->channel < y->channel ? -1 : x->channel > y->channel;
}

/* Sorting the episodes moves their origins with them. */
typedef struct ep_sort {
    cramp_episode e;
    unsigned char origin;
} ep_sort;

static int cmp_ep(const void *a, const void *b)
{
    const cramp_episode *x = &((const ep_sort *)a)->e, *y = &((const ep_sort *)b)->e;
    if (x->onset_s != y->onset_s) return x->onset_s < y->onset_s ? -1 : 1;
    return x->main_channel < y->main_channel ? -1 : x->main_channel > y->main_channel;
}

size_t cramp__count_muscles(uint32_t mask, const cramp_detect_channel *ch, size_t C,
                            uint32_t *legs)
{
    size_t n = 0;
    int seen_leg[2] = {0, 0};
    int keys[CRAMP_DETECT_MAX_CHANNELS];
    size_t nk = 0;
    *legs = 0;
    for (size_t c = 0; c < C; c++) {
        if (!(mask >> c & 1u)) continue;
        int leg = ch ? ch[c].leg : -1, mus = ch ? ch[c].muscle : -1;
        if (leg == 0 || leg == 1) seen_leg[leg] = 1;
        if (mus < 0) {
            n++;
            continue;
        }
        int key = (leg + 1) * 16 + mus;
        size_t i;
        for (i = 0; i < nk; i++)
            if (keys[i] == key) break;
        if (i == nk) {
            keys[nk++] = key;
            n++;
        }
    }
    *legs = (uint32_t)seen_leg[0] | (uint32_t)seen_leg[1] << 1;
    return n;
}

size_t cramp__muscles_one_leg(uint32_t mask, const cramp_detect_channel *ch, size_t C)
{
    size_t best = 0;
    for (int leg = -1; leg <= 1; leg++) {
        uint32_t m = 0;
        for (size_t c = 0; c < C; c++)
            if ((mask >> c & 1u) && (ch ? ch[c].leg : -1) == leg) m |= 1u << c;
        uint32_t legs;
        size_t n = cramp__count_muscles(m, ch, C, &legs);
        if (n > best) best = n;
    }
    return best;
}

int cramp__other_leg(const cramp_episode *a, const cramp_episode *b,
                     const cramp_detect_channel *ch, size_t C)
{
    if (a->channels & b->channels) return 0;
    uint32_t la, lb;
    cramp__count_muscles(a->channels, ch, C, &la);
    cramp__count_muscles(b->channels, ch, C, &lb);
    if (la == 0 || lb == 0) return 1; /* unknown: trust the disjoint channels */
    return (la & lb) == 0;
}

/* One channel's share of a cluster of EMG segments: durations, and energies
   and levels weighted by duration. */
typedef struct channel_sums {
    double dur, bp_ex, lf_ex, e_bp, rest, peak, clip, flat;
    double on, off, mnf0, mdf0, mnf1, mdf1, t_first, t_last;
    double k_sum; /* block-weighted sum of segment kurtosis medians */
    size_t k_n;   /* blocks */
    double tonic; /* duration-weighted sum of tonic fractions */
    double precursor; /* the first segment's lead-in cut off (precursor step) */
    double longest;
    size_t rises;
    double rise_iv, rise_cv, rise_burst;
    double env_mod;   /* the longest segment's movement rhythm (envmod.c) */
    size_t bursts;
    int has;
} channel_sums;

static void episode_blank(ep_sort *s, const cramp_activity *a, unsigned char origin)
{
    cramp_episode *e = &s->e;
    memset(s, 0, sizeof *s);
    s->origin = origin;
    e->onset_s = a->onset_s;
    e->offset_s = a->offset_s;
    e->duration_s = e->offset_s - e->onset_s;
    e->channels = 1u << a->channel;
    e->n_channels = 1;
    e->main_channel = a->channel;
    e->rest_uv = a->rest_uv;
    e->mnf_start_hz = e->mnf_end_hz = e->mdf_start_hz = e->mdf_end_hz = (double)NAN;
    e->mnf_slope_hz_s = (double)NAN;
    e->kurtosis = (double)NAN;
    e->tonic_fraction = (double)NAN;
    e->rise_interval_s = e->rise_cv = (double)NAN;
    e->env_mod_ratio = (double)NAN;
}

/* Channel c's amplitude above rest against the main channel's, for its
   involvement (h12ab; opt-in, crosstalk_time_rule). Crosstalk is the source muscle's signal conducted
   through the limb's tissue (Farina et al. 2004; De Luca et al. 2012): it
   lasts as long as the source is active, at a fixed share of its amplitude,
   and crosses a neighbour's onset threshold only where the source is
   strongest. So another muscle of the main channel's leg is measured over
   the longer of its own and the main channel's active time: its mean power
   over its own brief crossing, the source's peak, is no share of the main
   channel's mean over its whole contraction (a slow few-unit cramp seen at
   its peak on the leg's other muscle was a two-muscle movement). Channels
   of the other leg, or with a leg unknown, are measured over their own
   time, as before. Opt-in: cramp_detect_config.crosstalk_time_rule. */
static double involve_amp(const channel_sums *g, size_t c, size_t main,
                          const cramp_detect_channel *ch, const cramp_detect_config *cfg)
{
    const int same_leg = cfg->crosstalk_time_rule && ch &&
                         (ch[main].leg == 0 || ch[main].leg == 1) && ch[c].leg == ch[main].leg;
    return sqrt(g[c].bp_ex / (same_leg ? fmax(g[c].dur, g[main].dur) : g[c].dur));
}

/* The cluster of concurrent EMG segments starting at a[i] as one episode;
   returns the index after the cluster. */
static size_t emg_cluster(const cramp_activity *a, size_t n_act, size_t i,
                          const cramp_detect_channel *ch, size_t C,
                          const cramp_detect_config *cfg, cramp_episode *e, uint32_t *apart)
{
    channel_sums g[CRAMP_DETECT_MAX_CHANNELS];
    memset(g, 0, sizeof g);
    double start = a[i].onset_s, end = a[i].offset_s;
    unsigned cl_legs = 0;
    size_t j = i;
    for (; j < n_act; j++) {
        if (a[j].kind != CRAMP_ACTIVITY_EMG) continue;
        const cramp_activity *s = &a[j];
        if (j > i) {
            /* concurrent: overlapping the cluster by half the shorter of the two */
            double ov = fmin(end, s->offset_s) - s->onset_s;
            double shorter = fmin(end - start, s->offset_s - s->onset_s);
            if (!(ov > 0) || ov < cfg->concurrent_fraction * shorter) break;
            /* the other leg joins only as a bilateral movement does: starting
               within bilateral_s (AASM); a cramp on each leg stays two */
            int leg = ch ? ch[s->channel].leg : -1;
            if ((leg == 0 || leg == 1) && cl_legs && !(cl_legs >> leg & 1u) &&
                (s->onset_s - start > cfg->bilateral_s ||
                 !cramp__bilateral_lm_joins(cfg, start, end, s))) /* h12aq, opt-in */
                break;
        }
        if (ch && (ch[s->channel].leg == 0 || ch[s->channel].leg == 1))
            cl_legs |= 1u << ch[s->channel].leg;
        if (s->offset_s > end) end = s->offset_s;
        channel_sums *q = &g[s->channel];
        double dur = s->offset_s - s->onset_s, ramp = 0;
        if (!q->has) {
            q->on = s->onset_s;
            q->mnf0 = s->mnf_start_hz;
            q->mdf0 = s->mdf_start_hz;
            q->t_first = s->onset_s;
            q->precursor = s->precursor_s;
            /* a recruitment ramp: the episode starts at its lead */
            ramp = cramp__recruitment_ramp_s(cfg, s->precursor_s);
            if (ramp > 0) {
                q->on = s->onset_s - ramp;
                q->precursor = 0;
            }
        }
        q->has = 1;
        q->off = fmax(q->off, s->offset_s);
        q->dur += dur;
        q->bp_ex += s->bp_excess_uv2 * dur;
        q->lf_ex += s->lf_excess_uv2 * dur;
        q->e_bp += s->rms_uv * s->rms_uv * dur;
        q->rest += s->rest_uv * dur;
        q->peak = fmax(q->peak, s->peak_uv);
        q->clip += s->clip_fraction * dur;
        q->flat += s->flat_fraction * dur;
        q->mnf1 = s->mnf_end_hz;
        q->mdf1 = s->mdf_end_hz;
        q->t_last = s->offset_s;
        /* the segment's tonic share covers the ramp too (measured from the
           crossing) */
        q->tonic += s->tonic_fraction * (dur + ramp);
        q->bursts += s->sub_bursts ? s->sub_bursts : 1;
        if (dur > q->longest) {
            q->longest = dur;
            q->rises = s->rises;
            q->rise_iv = s->rise_interval_s;
            q->rise_cv = s->rise_cv;
            q->rise_burst = s->rise_burst_s;
            q->env_mod = s->env_mod_ratio;
        }
        if (s->kurtosis_blocks && isfinite(s->kurtosis)) {
            q->k_sum += s->kurtosis * (double)s->kurtosis_blocks;
            q->k_n += s->kurtosis_blocks;
        }
    }
    /* the main channel: the largest RMS above rest; the involved ones:
       at least involve_fraction of it. An episode longer than a leg
       movement (lm_max_s) that spans both legs (the other leg joined within
       bilateral_s) is read per leg (docs/detect.md, "Two legs"): a channel
       of the other leg active (its segments' time above the offset
       threshold, the tonic share) for under concurrent_fraction of the span
       is that leg's own LM, burst or fragmentary potentials during this
       one's sustained activity, not a muscle of the episode; one active for
       longer is involved at involve_fraction of the strongest such channel
       of its own leg (crosstalk is volume conduction within a limb and does
       not reach the other leg). */
    const double cl_span = end - start;
    const int two_legs = cl_legs == 3u && cl_span > cfg->lm_max_s;
    /* legs_apart_rule (h12ap, classify_legs_apart.c): the leg that does not
       carry a long two-leg episode is built apart */
    double active[CRAMP_DETECT_MAX_CHANNELS];
    uint32_t has = 0;
    for (size_t c = 0; c < C; c++) {
        active[c] = g[c].tonic;
        if (g[c].has) has |= 1u << c;
    }
    *apart = two_legs ? cramp__legs_apart(cfg, ch, C, has, active, cl_span) : 0;
    double amax = 0;
    size_t main = 0;
    for (size_t c = 0; c < C; c++) {
        if (!g[c].has || (*apart >> c & 1u)) continue;
        double amp = sqrt(g[c].bp_ex / g[c].dur);
        if (amp > amax || !g[main].has) {
            amax = amp;
            main = c;
        }
    }
    const int main_leg = ch ? ch[main].leg : -1;
    double other_max = 0; /* the other leg's strongest channel active for most of the span */
    if (two_legs)
        for (size_t c = 0; c < C; c++)
            if (g[c].has && ch[c].leg != main_leg && (ch[c].leg == 0 || ch[c].leg == 1) &&
                g[c].tonic >= cfg->concurrent_fraction * cl_span)
                other_max = fmax(other_max, sqrt(g[c].bp_ex / g[c].dur));
    memset(e, 0, sizeof *e);
    e->onset_s = HUGE_VAL;
    e->offset_s = -HUGE_VAL;
    double lf = 0, bp = 0, clip = 0, flat = 0;
    for (size_t c = 0; c < C; c++) {
        if (!g[c].has || (*apart >> c & 1u)) continue;
        double amp = sqrt(g[c].bp_ex / g[c].dur);
        if (two_legs && (main_leg == 0 || main_leg == 1) && c != main &&
            (ch[c].leg == 0 || ch[c].leg == 1) && ch[c].leg != main_leg) {
            if (g[c].tonic < cfg->concurrent_fraction * cl_span ||
                amp < cfg->involve_fraction * other_max)
                continue;
        } else if (c != main && involve_amp(g, c, main, ch, cfg) < cfg->involve_fraction * amax)
            continue;
        e->channels |= 1u << c;
        e->n_channels++;
        e->onset_s = fmin(e->onset_s, g[c].on);
        e->offset_s = fmax(e->offset_s, g[c].off);
        lf += g[c].lf_ex;
        bp += g[c].bp_ex;
        clip = fmax(clip, g[c].clip / g[c].dur);
        flat = fmax(flat, g[c].flat / g[c].dur);
    }
    const channel_sums *m = &g[main];
    e->main_channel = main;
    e->duration_s = e->offset_s - e->onset_s;
    e->rms_uv = sqrt(m->e_bp / m->dur);
    e->rest_uv = m->rest / m->dur;
    e->rms_x_rest = e->rest_uv > 0 ? e->rms_uv / e->rest_uv : HUGE_VAL;
    e->peak_uv = m->peak;
    e->mnf_start_hz = m->mnf0;
    e->mdf_start_hz = m->mdf0;
    e->mnf_end_hz = m->mnf1;
    e->mdf_end_hz = m->mdf1;
    double span = (m->t_last - m->t_first) - cfg->spectral_window_s;
    e->mnf_slope_hz_s = (isfinite(m->mnf0) && isfinite(m->mnf1) && span > 0)
                            ? (m->mnf1 - m->mnf0) / span
                            : (double)NAN;
    e->lf_ratio = lf + bp > 0 ? lf / (lf + bp) : (double)NAN;
    e->kurtosis = m->k_n ? m->k_sum / (double)m->k_n : (double)NAN;
    e->kurtosis_blocks = m->k_n;
    /* the gaps between the main channel's segments count as quiet */
    e->tonic_fraction = m->off > m->on ? fmin(1, m->tonic / (m->off - m->on)) : (double)NAN;
    e->bursts = m->bursts;
    e->rises = m->rises;
    e->rise_interval_s = m->rise_iv;
    e->rise_cv = m->rise_cv;
    e->rise_burst_s = m->rise_burst;
    e->precursor_s = m->precursor;
    e->env_mod_ratio = m->env_mod;
    e->clip_fraction = clip;
    e->flat_fraction = flat;
    e->prev_interval_s = e->next_interval_s = (double)NAN;
    return j;
}

/* The segments of cluster a[0..n) on the channels in apart, clustered into
   episodes of their own (legs_apart_rule); returns how many. The segments
   are packed to the front of a (the cluster's others were used), so the
   episodes number at most the segments taken out. */
static size_t legs_apart_build(cramp_activity *a, size_t n, uint32_t apart,
                               const cramp_detect_channel *ch, size_t C,
                               const cramp_detect_config *cfg, ep_sort *out)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (a[k].kind == CRAMP_ACTIVITY_EMG && (apart >> a[k].channel & 1u)) a[m++] = a[k];
    size_t ne = 0;
    for (size_t k = 0; k < m; ne++) {
        uint32_t none = 0;
        out[ne].origin = CRAMP__FROM_EMG;
        k = emg_cluster(a, m, k, ch, C, cfg, &out[ne].e, &none);
    }
    return ne;
}

cramp_status cramp__episodes_build(const cramp_activity *act, size_t n_act,
                                   const cramp_detect_channel *ch, size_t C,
                                   const cramp_detect_config *cfg, cramp__episode_list *list,
                                   cramp_error *err)
{
    list->ep = NULL;
    list->origin = NULL;
    list->n = 0;
    const size_t cap = n_act ? n_act : 1;
    cramp_activity *a = malloc(cap * sizeof *a);
    ep_sort *eps = calloc(cap, sizeof *eps);
    cramp_episode *ep = calloc(cap, sizeof *ep);
    unsigned char *origin = calloc(cap, 1);
    if (!a || !eps || !ep || !origin) {
        free(a);
        free(eps);
        free(ep);
        free(origin);
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    if (n_act) memcpy(a, act, n_act * sizeof *a);
    qsort(a, n_act, sizeof *a, cmp_act);
    size_t ne = 0;

    /* flat lines: episodes of their own */
    for (size_t i = 0; i < n_act; i++) {
        if (a[i].kind != CRAMP_ACTIVITY_FLAT) continue;
        episode_blank(&eps[ne], &a[i], CRAMP__FROM_FLAT);
        eps[ne].e.rms_x_rest = (double)NAN;
        eps[ne].e.lf_ratio = (double)NAN;
        eps[ne].e.flat_fraction = 1;
        ne++;
    }
    /* motion-band segments that no EMG or flat segment overlaps (on any
       channel): episodes of their own; concurrent ones merge. Those that
       overlap activity are left to the LF ratio of its episode. */
    for (size_t k = 0; k < n_act; k++) {
        if (a[k].kind != CRAMP_ACTIVITY_LF) continue;
        int covered = 0; /* a is sorted by onset: later ones start after it ends */
        for (size_t q = 0; q < n_act && a[q].onset_s < a[k].offset_s && !covered; q++)
            covered = a[q].kind != CRAMP_ACTIVITY_LF && a[q].offset_s > a[k].onset_s;
        if (covered) continue;
        cramp_episode *prev = ne ? &eps[ne - 1].e : NULL;
        if (prev && eps[ne - 1].origin == CRAMP__FROM_MOTION && a[k].onset_s < prev->offset_s) {
            prev->offset_s = fmax(prev->offset_s, a[k].offset_s);
            prev->duration_s = prev->offset_s - prev->onset_s;
            if (!(prev->channels >> a[k].channel & 1u)) prev->n_channels++;
            prev->channels |= 1u << a[k].channel;
            continue;
        }
        cramp_episode *e = &eps[ne].e;
        episode_blank(&eps[ne], &a[k], CRAMP__FROM_MOTION);
        e->rms_uv = sqrt(a[k].lf_excess_uv2 + a[k].rest_uv * a[k].rest_uv);
        e->rms_x_rest = e->rest_uv > 0 ? e->rms_uv / e->rest_uv : (double)NAN;
        e->peak_uv = a[k].env_peak_uv;
        e->lf_ratio = 1;
        ne++;
    }
    /* clusters of concurrent EMG segments */
    size_t i = 0;
    while (i < n_act) {
        if (a[i].kind != CRAMP_ACTIVITY_EMG) {
            i++;
            continue;
        }
        eps[ne].origin = CRAMP__FROM_EMG;
        uint32_t apart = 0;
        const size_t from = i;
        i = emg_cluster(a, n_act, i, ch, C, cfg, &eps[ne].e, &apart);
        ne++;
        if (apart) ne += legs_apart_build(a + from, i - from, apart, ch, C, cfg, eps + ne);
    }
    qsort(eps, ne, sizeof *eps, cmp_ep);
    for (size_t k = 0; k < ne; k++) {
        ep[k] = eps[k].e;
        origin[k] = eps[k].origin;
    }
    free(a);
    free(eps);
    list->ep = ep;
    list->origin = origin;
    list->n = ne;
    return CRAMP_OK;
}
