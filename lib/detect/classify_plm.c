/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The classifier's leg movements and PLM series (AASM, WASM 2016): what is a
 * leg movement, the series pass over the night (with the missed-LM bridge)
 * and the plm-series row of the rule table (classify.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/classify_internal.h"

/* AASM scores leg movements on the tibialis anterior: where the montage has
   a TA channel on a leg of the episode, activity that involves no TA is not
   a leg movement (a calf burst or a short calf cramp does not join a PLM
   series). Unknown muscles or legs: any channel may be the TA. */
static int off_tibialis(const rule_ctx *x, const cramp_episode *e)
{
    if (!x->ch) return 0;
    uint32_t legs = 0;
    for (size_t c = 0; c < x->C; c++) {
        if (!(e->channels >> c & 1u)) continue;
        if (x->ch[c].muscle == CRAMP_MUSCLE_TA || x->ch[c].muscle < 0) return 0;
        if (x->ch[c].leg != 0 && x->ch[c].leg != 1) return 0;
        legs |= 1u << x->ch[c].leg;
    }
    for (size_t c = 0; c < x->C; c++)
        if (x->ch[c].muscle == CRAMP_MUSCLE_TA && (x->ch[c].leg == 0 || x->ch[c].leg == 1) &&
            (legs >> x->ch[c].leg & 1u))
            return 1;
    return 0;
}

/* The longest candidate LM: lm_max_s (10 s) on one leg, PLM_BILATERAL_MAX_S
   (15 s) when the episode spans both legs (WASM 2016, Ferri et al.: a
   candidate LM is a monolateral LM of 0.5-10 s or a bilateral one of
   0.5-15 s; Ferri et al., Sleep Med 2017;32:10: 99.8 % of bilateral LMs in
   RLS patients last <= 15 s). */
static double lm_max_of(const rule_ctx *x, const cramp_episode *e)
{
    uint32_t legs;
    cramp__count_muscles(e->channels, x->ch, x->C, &legs);
    return legs == 3u ? fmax(x->cfg->lm_max_s, PLM_BILATERAL_MAX_S) : x->cfg->lm_max_s;
}

/* The EMG's active time of an episode: its span times the tonic share,
   less what the envelope adds. The 0.1-s RMS envelope (env_window_s, W) is
   a trailing window, so it stays above the offset level for up to W after
   each piece of activity has ended: the offset (placed at the centre of the
   first quiet window) reads up to W/2 late, and each pause (>= 0.2 s at the
   offset level, between pieces) reads up to W short. So the envelope's
   active time is at most the EMG's plus W/2 + (pieces - 1) W, a piece being
   each sub-burst (e->bursts) and at least two when the span holds a pause
   (tonic share < 1). The AASM minimum of 0.5 s is a duration of the EMG,
   not of its smoothed envelope; WASM 2016 (Ferri et al., Sleep Med 2016;
   26:86) adds a morphology criterion for computer scoring for this reason:
   brief potentials strung together by the 0.5-s offset rule, which a scorer
   does not score, are no LM. Without the tonic share (NaN: no span on the
   main channel) the span, as before. */
double cramp__plm_emg_active_s(const rule_ctx *x, const cramp_episode *e)
{
    const double W = x->cfg->env_window_s > 0 ? x->cfg->env_window_s : 0;
    if (!isfinite(e->tonic_fraction)) return e->duration_s;
    size_t pieces = e->bursts ? e->bursts : 1;
    if (e->tonic_fraction < 1 && pieces < 2) pieces = 2;
    return e->duration_s * e->tonic_fraction - W / 2 - (double)(pieces - 1) * W;
}

/* An LM lasts lm_min_s..lm_max_of (AASM: 0.5-10 s; bilateral 15 s, WASM
   2016) and its EMG is active for at least lm_min_s of it (emg_active_s:
   AASM 2012 ff.: an LM holds >= 0.5 s of EMG above the resting level; a few
   < 150-ms potentials of fragmentary myoclonus that the 0.5-s offset hold
   strings into one episode are not one, WASM 2016's morphology criterion). */
static int leg_movement(const rule_ctx *x, const cramp_episode *e)
{
    if (e->duration_s < x->cfg->lm_min_s || e->duration_s > lm_max_of(x, e)) return 0;
    if (cramp__plm_emg_active_s(x, e) < x->cfg->lm_min_s) return 0;
    return !off_tibialis(x, e);
}

/* Whether an episode that is not a candidate LM ends a series. WASM 2016
   (Ferri et al.): a series ends at an LM that is not a candidate LM (longer
   than 10 s, or 15 s bilateral). Activity that is no LM at all neither joins
   nor ends one: a rhythmic train of short bursts (HFT, ALMA, RMD: the AASM
   manual scores them as their own events, bursts of 0.1-1 s) and activity
   that involves no tibialis anterior where the leg has one (LMs are scored
   on the TA). Labelled artefacts never end one (handled by the caller). */
static int ends_series(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    if (e->duration_s <= lm_max_of(x, e)) return 0;
    if (x->train[k] != TRAIN_NONE) return 0;
    return !off_tibialis(x, e);
}

/* A missed LM inside a series (a weak one under the onset threshold, or one
   the sleeper skipped): an interval longer than plm_max_interval_s but at
   most twice it, whose half is a WASM interval (10-90 s) and lies within a
   factor PLM_BRIDGE_RATIO of both neighbouring intervals (the series' last
   one and the next LM's), keeps the series going; the missed LM is not
   counted (a series still needs plm_min_count scored LMs). PLM_BRIDGE_RATIO: the 95th
   percentile of the ratio of consecutive true intervals of a series, 2.345
   on development nights, rounded up to 0.25 (bench/results/plm-study/
   derive.py); the constant is in classify_internal.h (it enters the id).
   cramp_detect_config.plm_bridge 0 turns the bridge off (h12ad): under a
   truth that scores an LM only where its EMG reaches 8 uV (the AASM rule,
   plm_truth aasm) a weak LM is no LM, and a gap of 90-180 s ends the
   scorer's series. */

int cramp__plm_within_ratio(double a, double b)
{
    return a > 0 && b > 0 && fmax(a, b) / fmin(a, b) <= PLM_BRIDGE_RATIO;
}

/* The shortest onset interval between two LMs of a series. Same leg (or a
   shared channel): plm_min_interval_s (10 s, WASM 2016). LMs of different
   legs: bilateral_s (5 s) when that is shorter. The detector takes the
   AASM's bilateral rule (onsets on the two legs < 5 s apart are one LM), and
   with it the AASM's period for the two legs (5-90 s onset to onset): under
   that pair of rules two legs' LMs are either one LM (< 5 s) or two members
   of a series (>= 5 s), so nothing between 5 and 10 s ends a series. WASM
   2016's 10-s minimum comes with its own bilateral rule (LMs of the two legs
   one LM only when they overlap or lie < 0.5 s apart, offset to onset),
   under which two legs' LMs 0.5-5 s apart are two LMs with a short
   interval; applied after the AASM's 5-s merge it ended a series at every
   other-leg LM 5-10 s away, as where each leg keeps its own rhythm (the
   two legs' series interleave). */
static double min_interval(const rule_ctx *x, const cramp_episode *a, const cramp_episode *b)
{
    const cramp_detect_config *cfg = x->cfg;
    if (cfg->bilateral_s < cfg->plm_min_interval_s && cramp__other_leg(a, b, x->ch, x->C))
        return cfg->bilateral_s;
    return cfg->plm_min_interval_s;
}

/* Whether iv, the onset interval from LM a to LM b, is a series interval. */
int cramp__plm_series_step(const rule_ctx *x, const cramp_episode *a, const cramp_episode *b,
                       double iv)
{
    return isfinite(iv) && iv >= min_interval(x, a, b) && iv <= x->cfg->plm_max_interval_s;
}

/* The next episode after k that would join a series ((size_t)-1 when an
   episode longer than an LM, or the night's end, comes first). */
static size_t next_lm(const rule_ctx *x, size_t k)
{
    for (size_t j = k + 1; j < x->n; j++) {
        const cramp_episode *e = &x->ep[j];
        if (x->state[j] == MERGED ||
            (x->state[j] == LABELLED && e->type == CRAMP_EVENT_ARTEFACT))
            continue;
        if (x->state[j] == UNLABELLED && leg_movement(x, e)) return j;
        if (ends_series(x, j)) return (size_t)-1;
    }
    return (size_t)-1;
}

/* The interval from the last member (episode last) to episode k, or its
   half when it bridges one missed LM (see PLM_BRIDGE_RATIO); NAN when it
   ends the series. prev: the series' last interval as counted (NAN if
   none: no bridge after the first LM). */
double cramp__plm_series_interval(const rule_ctx *x, size_t last, size_t k, double prev)
{
    const cramp_detect_config *cfg = x->cfg;
    const double iv = x->ep[k].onset_s - x->ep[last].onset_s;
    if (cramp__plm_series_step(x, &x->ep[last], &x->ep[k], iv)) return iv;
    if (!cfg->plm_bridge) return (double)NAN; /* opt-out (h12ad): no bridge */
    const double half = iv / 2;
    if (iv <= cfg->plm_max_interval_s || half < cfg->plm_min_interval_s ||
        half > cfg->plm_max_interval_s)
        return (double)NAN;
    const size_t j = next_lm(x, k);
    const double next = j != (size_t)-1 ? x->ep[j].onset_s - x->ep[k].onset_s : (double)NAN;
    const int next_ok = j != (size_t)-1 && cramp__plm_series_step(x, &x->ep[k], &x->ep[j], next);
    /* inside a series only: scored LMs in step on both sides of the gap (a
       stray burst 90-180 s before or after a series does not join it) */
    if (isfinite(prev) && cramp__plm_within_ratio(half, prev) && next_ok &&
        cramp__plm_within_ratio(half, next))
        return half;
    return (double)NAN;
}

/* Opt-in cramp_rhythm_rule (h12y): whether episode k, a would-be cramp
   (the cramp row's test: >= cramp_min_s, one muscle, tonic), keeps the
   series' rhythm, so that it joins as an LM. A PLM series is periodic (AASM:
   >= 4 LMs 10-90 s apart; WASM 2016, Ferri et al.); a cramp is a single
   sustained contraction that comes when it comes. So three consecutive LMs
   with k among them (the last two members and k, the last member, k and
   the next LM, or, where k would start a series, k and the next two) must
   be 10-90 s apart, each interval direct, with the two within
   PLM_BRIDGE_RATIO of each other (the 95th percentile of the ratio of
   consecutive true intervals, classify_internal.h). The missed-LM bridge
   does not carry a would-be cramp: timing that fits only if an LM was
   missed before it is no rhythm it keeps. A 5-10 s tonic LM in the middle
   or at either end of a series passes; what fails is a would-be cramp
   with no two direct in-step intervals around it (at a series' edge off
   its rhythm, after a gap, or one that alone makes 3 LMs a series).
   prev: the series' last interval as counted (series_interval). */
int cramp__plm_keeps_rhythm(const rule_ctx *x, const size_t *ser, size_t ns, size_t k, double prev)
{
    const cramp_episode *ep = x->ep;
    double before = (double)NAN, before2 = (double)NAN, after = (double)NAN,
           after2 = (double)NAN;
    int starts = ns == 0;
    if (ns >= 1) {
        const double iv = ep[k].onset_s - ep[ser[ns - 1]].onset_s;
        if (cramp__plm_series_step(x, &ep[ser[ns - 1]], &ep[k], iv))
            before = iv;
        else /* no bridge either: k would start a series of its own */
            starts = !isfinite(
                cramp__plm_series_interval(x, ser[ns - 1], k, ns > 1 ? prev : (double)NAN));
    }
    if (ns >= 2) before2 = ep[ser[ns - 1]].onset_s - ep[ser[ns - 2]].onset_s;
    const size_t j = next_lm(x, k);
    if (j != (size_t)-1) {
        const double iv = ep[j].onset_s - ep[k].onset_s;
        if (cramp__plm_series_step(x, &ep[k], &ep[j], iv)) {
            after = iv;
            const size_t j2 = next_lm(x, j);
            if (j2 != (size_t)-1) {
                const double iv2 = ep[j2].onset_s - ep[j].onset_s;
                if (cramp__plm_series_step(x, &ep[j], &ep[j2], iv2)) after2 = iv2;
            }
        }
    }
    return cramp__plm_within_ratio(before, after) || cramp__plm_within_ratio(before2, before) ||
           (starts && cramp__plm_within_ratio(after, after2));
}

/* Opt-in plm_leg_muscles (h12af): an episode the muscles-of-a-leg row took
   for a movement (>= 2 muscles of one leg, 3-45 s) that is also a candidate
   LM: on one leg, 3-10 s (lm_max_s), active >= 0.5 s, involving the TA where
   the leg has one. The IRLSSG's large muscle group movement (Ferri et al.,
   Sleep 2021;44:zsab092) is 3-45 s on >= 2 channels "not meeting the
   criteria for any other type of movement"; the AASM manual scores an LM on
   the tibialis anterior (0.5-10 s, +8 uV over rest) whatever the leg's other
   muscles do, and a PLM is often a triple flexion (ankle dorsiflexion with
   knee and hip flexion; ICSD-3), so the calf takes part, or crosstalk reaches
   its channel. What tells a PLM is the series' periodicity, so such an
   episode joins a series only in its rhythm (keeps_rhythm: two direct
   10-90-s intervals within PLM_BRIDGE_RATIO, as h12y asks of a would-be
   cramp), is labelled plm only as a member of a series, and otherwise stays
   a movement, neither joining nor ending a series (as before). Not taken:
   trains (rmd-train), and episodes on both legs (awakenings, stretches and
   turns; on development nights they joined series as false PLMs). */
static int muscles_lm(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    if (!x->cfg->plm_leg_muscles || x->state[k] != LABELLED ||
        e->type != CRAMP_EVENT_MOVEMENT || x->train[k] != TRAIN_NONE)
        return 0;
    uint32_t legs;
    cramp__count_muscles(e->channels, x->ch, x->C, &legs);
    if (legs == 3u || cramp__muscles_one_leg(e->channels, x->ch, x->C) < 2) return 0;
    if (e->duration_s < x->cfg->movement_min_s || e->duration_s > x->cfg->lm_max_s) return 0;
    if (cramp__plm_emg_active_s(x, e) < x->cfg->lm_min_s) return 0;
    return !off_tibialis(x, e);
}

/* Bilateral leg movements (onsets within bilateral_s on different legs)
   become one; then the series: unlabelled leg movements whose onsets are
   plm_min..max_interval_s apart, at least plm_min_count of them; an
   interval outside that range or an episode longer than lm_max_s ends a
   series (labelled artefacts do not). Members get their series number. */
cramp_status cramp__classify_plm_series(rule_ctx *x)
{
    const cramp_detect_config *cfg = x->cfg;
    cramp_episode *ep = x->ep;
    unsigned char *state = x->state;
    const size_t ne = x->n;
    size_t last = (size_t)-1;
    for (size_t k = 0; k < ne; k++) {
        cramp_episode *e = &ep[k];
        if (state[k] != UNLABELLED) continue;
        if (!leg_movement(x, e)) {
            last = (size_t)-1;
            continue;
        }
        if (last != (size_t)-1 && e->onset_s - ep[last].onset_s < cfg->bilateral_s &&
            cramp__other_leg(&ep[last], e, x->ch, x->C)) {
            cramp_episode *p = &ep[last];
            p->offset_s = fmax(p->offset_s, e->offset_s);
            p->duration_s = p->offset_s - p->onset_s;
            p->channels |= e->channels;
            p->n_channels += e->n_channels;
            state[k] = MERGED;
            if (p->duration_s > lm_max_of(x, p)) last = (size_t)-1;
            continue;
        }
        last = k;
    }

    size_t *ser = malloc((ne ? ne : 1) * sizeof *ser);
    if (!ser) return CRAMP_ENOMEM;
    size_t ns = 0;
    int series_no = 0;
    double counted = (double)NAN, counted_prev = (double)NAN;
    for (size_t k = 0; k <= ne; k++) {
        int breaks = 0, member = 0;
        if (k < ne) {
            const cramp_episode *e = &ep[k];
            if (state[k] == MERGED || (state[k] == LABELLED && e->type == CRAMP_EVENT_ARTEFACT))
                continue;
            if (state[k] == UNLABELLED && leg_movement(x, e)) {
                /* opt-in (h12y; the plm-series half, values 1 and 2, h12z):
                   a would-be cramp off the series' rhythm neither joins nor
                   ends it */
                if (cramp__rhythm_series_on(cfg) &&
                    cramp__cramp_candidate(x, e) &&
                    !cramp__plm_keeps_rhythm(x, ser, ns, k, counted_prev))
                    continue;
                /* plm_rhythm_rule (h12aj, classify_plm_rhythm.c): a 5-10-s LM off the rhythm */
                /* opt-in plm_rhythm_legs (h12as): both legs' LM, bound x 1.5 */
                if (!cramp__rhythm_legs_pass(x, k) &&
                    cramp__rhythm_lm_skip(x, ser, ns, k, counted_prev))
                    continue;
                member = 1;
            } else if (muscles_lm(x, k)) {
                /* opt-in (h12af): a one-leg multi-muscle LM, in rhythm only */
                if (!cramp__plm_keeps_rhythm(x, ser, ns, k, counted_prev)) continue;
                member = 1;
            } else if (ends_series(x, k)) {
                /* plm_rhythm_rule (h12aj): not where the series runs on across it */
                if (cramp__rhythm_end_skip(x, ser, ns, k, counted_prev)) continue;
                breaks = 1;
            } else
                continue;
            if (member && ns > 0) {
                counted = cramp__plm_series_interval(x, ser[ns - 1], k,
                                                     ns > 1 ? counted_prev : (double)NAN);
                if (!isfinite(counted)) breaks = 1;
            }
        } else {
            breaks = 1;
        }
        if (breaks) {
            if (ns >= cfg->plm_min_count) {
                series_no++;
                for (size_t q = 0; q < ns; q++) {
                    cramp_episode *m = &ep[ser[q]];
                    m->series = series_no;
                    /* confidence: the series' length, and this LM's intervals */
                    double mm = margin((double)ns, (double)cfg->plm_min_count - 0.5);
                    if (q > 0) {
                        double iv = m->onset_s - ep[ser[q - 1]].onset_s;
                        if (iv > cfg->plm_max_interval_s) iv /= 2; /* over a missed LM */
                        mm = fmin(mm, fmin(margin(iv, min_interval(x, &ep[ser[q - 1]], m)),
                                           margin(iv, cfg->plm_max_interval_s)));
                    }
                    mm = fmin(mm, fmin(margin(m->duration_s, cfg->lm_min_s),
                                       margin(m->duration_s, lm_max_of(x, m))));
                    m->confidence = conf_of(mm);
                    if (state[ser[q]] == LABELLED) { /* a muscles_lm member */
                        m->type = CRAMP_EVENT_PLM;
                        m->reason = cramp__plm_row(x, ser[q], &m->confidence);
                    }
                }
            }
            ns = 0;
        }
        if (member) {
            /* the interval as counted (halved over a missed LM) */
            counted_prev = ns > 0 && !breaks ? counted : (double)NAN;
            ser[ns++] = k;
        }
    }
    free(ser);
    return CRAMP_OK;
}

/* The next unlabelled candidate LM after k (classify_plm_rhythm.c). */
size_t cramp__plm_next_candidate(const rule_ctx *x, size_t k)
{
    for (size_t j = k + 1; j < x->n; j++)
        if (x->state[j] == UNLABELLED && leg_movement(x, &x->ep[j])) return j;
    return (size_t)-1;
}

const char *cramp__plm_row(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
#define PLM_ROW                                                                            \
    "leg movement 0.5-10 s (>= 0.5 s active) in a series of >= 4, 10-90 s apart (5-90 s "  \
    "across legs)"
    if (x->ep[k].series <= 0) return NULL;
    return x->cfg->plm_bridge ? PLM_ROW ", one missed LM bridged (AASM, WASM 2016)"
                              : PLM_ROW " (AASM, WASM 2016)";
#undef PLM_ROW
}

