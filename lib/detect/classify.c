/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's classifier (stage 2): a table of rules evaluated in
 * order over the night's episodes (episodes.c builds them). Each row names a
 * class and a test that says whether the row applies to an episode still
 * unlabelled, returning the reason printed with it; the first row that
 * applies gives the label, so adding a class is adding a row. A row may
 * also prepare once over the whole night (the PLM series, which depend on
 * the episodes around). The rules are listed with their sources in
 * cramp/detect.h, their reasons in docs/detect.md. Also: the rule-table id
 * and the night summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/detect_internal.h"

enum { UNLABELLED = 0, LABELLED, MERGED };

typedef struct rule_ctx {
    const cramp_detect_config *cfg;
    const cramp_detect_channel *ch;
    size_t C;
    cramp_episode *ep;
    const unsigned char *origin; /* cramp__episode_origin */
    unsigned char *state;
    size_t n;
} rule_ctx;

typedef struct rule {
    const char *name;
    cramp_event_type type;
    /* optional: once over the night before the row's tests, seeing the
       labels of the rows above; CRAMP_ENOMEM at worst */
    cramp_status (*prepare)(rule_ctx *x);
    /* the reason (static text) when the row applies to episode k, else NULL */
    const char *(*applies)(const rule_ctx *x, size_t k);
} rule;

static int lf_bad(const rule_ctx *x, const cramp_episode *e)
{
    return isfinite(e->lf_ratio) && e->lf_ratio > x->cfg->lf_ratio;
}

static int moving(const rule_ctx *x, const cramp_episode *e)
{
    return e->duration_s >= x->cfg->movement_min_s && e->duration_s <= x->cfg->movement_max_s;
}

static size_t muscles(const rule_ctx *x, const cramp_episode *e)
{
    uint32_t legs;
    return cramp__count_muscles(e->channels, x->ch, x->C, &legs);
}

/* ---- the rules, in table order ----------------------------------------- */

static const char *flat_line(const rule_ctx *x, size_t k)
{
    return x->origin[k] == CRAMP__FROM_FLAT ? "flat line (lost electrode or amplifier off)" : NULL;
}

static const char *motion_alone(const rule_ctx *x, size_t k)
{
    return x->origin[k] == CRAMP__FROM_MOTION
               ? "energy below 20 Hz without EMG activity (motion artefact, electrode pop)"
               : NULL;
}

static const char *clipping(const rule_ctx *x, size_t k)
{
    return x->ep[k].clip_fraction >= x->cfg->clip_fraction
               ? "clipping: samples at the amplifier's rails"
               : NULL;
}

static const char *muscles_of_a_leg(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    return cramp__muscles_one_leg(e->channels, x->ch, x->C) >= 2 && moving(x, e)
               ? "two or more muscles of a leg, 3-45 s (IRLSSG)"
               : NULL;
}

static const char *muscles_long(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    return muscles(x, e) >= 2 && e->duration_s > x->cfg->lm_max_s
               ? "two or more muscles, longer than a leg movement"
               : NULL;
}

static const char *motion_with_activity(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    return lf_bad(x, e) && moving(x, e) ? "3-45 s with a motion artefact (energy below 20 Hz)"
                                        : NULL;
}

static const char *low_frequency(const rule_ctx *x, size_t k)
{
    return lf_bad(x, &x->ep[k]) ? "energy mostly below 20 Hz (motion artefact, electrode pop)"
                                : NULL;
}

static int leg_movement(const rule_ctx *x, const cramp_episode *e)
{
    return e->duration_s >= x->cfg->lm_min_s && e->duration_s <= x->cfg->lm_max_s;
}

/* Bilateral leg movements (onsets within bilateral_s on different legs)
   become one; then the series: unlabelled leg movements whose onsets are
   plm_min..max_interval_s apart, at least plm_min_count of them; an
   interval outside that range or an episode longer than lm_max_s ends a
   series (labelled artefacts do not). Members get their series number. */
static cramp_status plm_series(rule_ctx *x)
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
            if (p->duration_s > cfg->lm_max_s) last = (size_t)-1;
            continue;
        }
        last = k;
    }

    size_t *ser = malloc((ne ? ne : 1) * sizeof *ser);
    if (!ser) return CRAMP_ENOMEM;
    size_t ns = 0;
    int series_no = 0;
    for (size_t k = 0; k <= ne; k++) {
        int breaks = 0, member = 0;
        if (k < ne) {
            const cramp_episode *e = &ep[k];
            if (state[k] == MERGED || (state[k] == LABELLED && e->type == CRAMP_EVENT_ARTEFACT))
                continue;
            if (state[k] == UNLABELLED && leg_movement(x, e))
                member = 1;
            else if (e->duration_s > cfg->lm_max_s)
                breaks = 1;
            else
                continue;
            if (member && ns > 0) {
                double iv = e->onset_s - ep[ser[ns - 1]].onset_s;
                if (iv < cfg->plm_min_interval_s || iv > cfg->plm_max_interval_s) breaks = 1;
            }
        } else {
            breaks = 1;
        }
        if (breaks) {
            if (ns >= cfg->plm_min_count) {
                series_no++;
                for (size_t q = 0; q < ns; q++) ep[ser[q]].series = series_no;
            }
            ns = 0;
        }
        if (member) ser[ns++] = k;
    }
    free(ser);
    return CRAMP_OK;
}

static const char *plm(const rule_ctx *x, size_t k)
{
    return x->ep[k].series > 0
               ? "leg movement 0.5-10 s in a series of >= 4, 10-90 s apart (AASM, WASM 2016)"
               : NULL;
}

/* Sustained on one muscle: >= cramp_min_s, one muscle, mean RMS at or
   above the onset threshold. */
static int sustained(const rule_ctx *x, const cramp_episode *e)
{
    const cramp_detect_config *cfg = x->cfg;
    return e->duration_s >= cfg->cramp_min_s && muscles(x, e) <= 1 &&
           e->rms_uv >= cramp__above_rest(e->rest_uv, cfg->onset_uv, cfg->onset_k);
}

static int sparseness_measured(const rule_ctx *x, const cramp_episode *e)
{
    return e->kurtosis_blocks >= x->cfg->sparse_min_blocks && isfinite(e->kurtosis);
}

static const char *dense_contraction(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    return sustained(x, e) && sparseness_measured(x, e) && e->kurtosis < x->cfg->sparse_kurtosis
               ? "sustained on one muscle with a dense, near-Gaussian interference pattern "
                 "(many units recruited: a voluntary contraction)"
               : NULL;
}

static const char *cramp(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    if (!sustained(x, e)) return NULL;
    return sparseness_measured(x, e) ? "sustained >= 5 s on one muscle, mean RMS above the onset "
                                       "threshold, sparse (super-Gaussian) firing"
                                     : "sustained >= 5 s on one muscle, mean RMS above the onset "
                                       "threshold (sparseness not measurable)";
}

static const char *burst(const rule_ctx *x, size_t k)
{
    const cramp_episode *e = &x->ep[k];
    return e->duration_s < x->cfg->cramp_min_s ? "activity shorter than a cramp"
           : muscles(x, e) > 1                 ? "activity on more than one muscle"
                                               : "intermittent: mean RMS below the onset threshold";
}

/* The table. Order matters: the first row that applies labels. */
static const rule rules[] = {
    {"flat-line", CRAMP_EVENT_ARTEFACT, NULL, flat_line},
    {"motion-alone", CRAMP_EVENT_ARTEFACT, NULL, motion_alone},
    {"clipping", CRAMP_EVENT_ARTEFACT, NULL, clipping},
    {"muscles-of-a-leg", CRAMP_EVENT_MOVEMENT, NULL, muscles_of_a_leg},
    {"muscles-long", CRAMP_EVENT_MOVEMENT, NULL, muscles_long},
    {"motion-with-activity", CRAMP_EVENT_MOVEMENT, NULL, motion_with_activity},
    {"low-frequency", CRAMP_EVENT_ARTEFACT, NULL, low_frequency},
    {"plm-series", CRAMP_EVENT_PLM, plm_series, plm},
    {"dense-contraction", CRAMP_EVENT_MOVEMENT, NULL, dense_contraction},
    {"cramp", CRAMP_EVENT_CRAMP, NULL, cramp},
    {"burst", CRAMP_EVENT_BURST, NULL, burst},
};

/* Test only (issue 18): CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp replaces the
   table by this row, so tests can show a negative control failing. */
static const char *all_cramp(const rule_ctx *x, size_t k)
{
    (void)x;
    (void)k;
    return "test hook: all-cramp";
}
static const rule broken_rules[] = {{"test-all-cramp", CRAMP_EVENT_CRAMP, NULL, all_cramp}};

static int broken_classifier(void)
{
    const char *v = getenv("CRAMP_TEST_BROKEN_CLASSIFIER");
    return v && strcmp(v, "all-cramp") == 0;
}

cramp_status cramp_detect_classify(const cramp_activity *act, size_t n_act,
                                   const cramp_detect_channel *ch, size_t C,
                                   const cramp_detect_config *cfg, cramp_episode **out,
                                   size_t *n_out, cramp_error *err)
{
    if (!out || !n_out || !cfg || (!act && n_act))
        return cramp__fail(err, CRAMP_EINVAL, "classify: NULL argument");
    *out = NULL;
    *n_out = 0;
    if (C == 0 || C > CRAMP_DETECT_MAX_CHANNELS)
        return cramp__fail(err, CRAMP_EINVAL, "classify: channels %zu, expected 1..%d", C,
                           CRAMP_DETECT_MAX_CHANNELS);
    for (size_t i = 0; i < n_act; i++)
        if (act[i].channel >= C)
            return cramp__fail(err, CRAMP_EINVAL, "classify: segment %zu on channel %zu of %zu", i,
                               act[i].channel, C);
    const int broken = broken_classifier(); /* read once per call */
    cramp__episode_list list;
    cramp_status st = cramp__episodes_build(act, n_act, ch, C, cfg, &list, err);
    if (st != CRAMP_OK) return st;
    unsigned char *state = calloc(list.n ? list.n : 1, 1);
    if (!state) {
        free(list.ep);
        free(list.origin);
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    rule_ctx x = {cfg, ch, C, list.ep, list.origin, state, list.n};
    const rule *table = broken ? broken_rules : rules;
    const size_t n_rules =
        broken ? sizeof broken_rules / sizeof broken_rules[0] : sizeof rules / sizeof rules[0];
    for (size_t r = 0; r < n_rules; r++) {
        if (table[r].prepare && table[r].prepare(&x) != CRAMP_OK) {
            free(list.ep);
            free(list.origin);
            free(state);
            return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
        }
        for (size_t k = 0; k < list.n; k++) {
            if (state[k] != UNLABELLED) continue;
            const char *why = table[r].applies(&x, k);
            if (!why) continue;
            list.ep[k].type = table[r].type;
            list.ep[k].reason = why;
            state[k] = LABELLED;
        }
    }

    /* drop merged ones, intervals between non-artefact neighbours */
    cramp_episode *ep = list.ep;
    size_t ne = 0;
    for (size_t k = 0; k < list.n; k++)
        if (state[k] != MERGED) ep[ne++] = ep[k];
    size_t prev = (size_t)-1;
    for (size_t k = 0; k < ne; k++) {
        if (ep[k].type == CRAMP_EVENT_ARTEFACT) continue;
        if (prev != (size_t)-1) {
            double iv = ep[k].onset_s - ep[prev].onset_s;
            ep[k].prev_interval_s = iv;
            ep[prev].next_interval_s = iv;
        }
        prev = k;
    }
    free(list.origin);
    free(state);
    *out = ep;
    *n_out = ne;
    return CRAMP_OK;
}

/* ---- the rule-table id -------------------------------------------------- */

typedef struct id_text {
    char *buf;
    size_t cap, len;
} id_text;

static void id_put(id_text *t, const char *name, double v)
{
    /* %.17g: every double written so that it reads back the same */
    int n = snprintf(t->buf + t->len, t->len < t->cap ? t->cap - t->len : 0, "%s=%.17g;", name, v);
    if (n > 0) t->len += (size_t)n;
}

size_t cramp_detect_rules_text(const cramp_detect_config *cfg, char *buf, size_t size)
{
    cramp_detect_config def;
    if (!cfg) {
        cramp_detect_config_default(&def);
        cfg = &def;
    }
    char dummy[1];
    id_text t = {buf ? buf : dummy, buf ? size : 0, 0};
    if (t.cap) t.buf[0] = 0;
    id_put(&t, "cramp-detect-rules", 1);
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++)
        id_put(&t, rules[r].name, (double)rules[r].type);
    /* the fixed numbers of the front end and the classifier */
    id_put(&t, "KBINS", CRAMP__KBINS);
    id_put(&t, "KBIN_LO", CRAMP__KBIN_LO);
    id_put(&t, "KBIN_W", CRAMP__KBIN_W);
    id_put(&t, "RAIL_MARGIN", CRAMP__RAIL_MARGIN);
    id_put(&t, "BAND_NYQUIST", CRAMP__BAND_NYQUIST);
    id_put(&t, "COMB_REACH", CRAMP__COMB_REACH);
    id_put(&t, "DC_HP_HZ", CRAMP__DC_HP_HZ);
    id_put(&t, "MOTION_LP_HZ", CRAMP__MOTION_LP_HZ);
    id_put(&t, "MOTION_SETTLE_S", CRAMP__MOTION_SETTLE_S);
    id_put(&t, "MOTION_BACKTRACK_S", CRAMP__MOTION_BACKTRACK_S);
    id_put(&t, "WINDOW_REFRESH", CRAMP__WINDOW_REFRESH);
    /* every configuration value but the data's own (fs) and the SIMD path,
       which change no result */
    const cramp_baseline_config *b = &cfg->baseline;
    const struct {
        const char *name;
        double v;
    } f[] = {
        {"band_lo_hz", cfg->band_lo_hz},
        {"band_hi_hz", cfg->band_hi_hz},
        {"band_order", cfg->band_order},
        {"mains_hz", cfg->mains_hz},
        {"notch_q", cfg->notch_q},
        {"tick_s", cfg->tick_s},
        {"env_window_s", cfg->env_window_s},
        {"baseline.statistic", b->statistic},
        {"baseline.block_s", b->block_s},
        {"baseline.window_s", b->window_s},
        {"baseline.quantile", b->quantile},
        {"baseline.warmup_s", b->warmup_s},
        {"baseline.level_only", b->level_only},
        {"onset_uv", cfg->onset_uv},
        {"onset_k", cfg->onset_k},
        {"offset_uv", cfg->offset_uv},
        {"offset_k", cfg->offset_k},
        {"off_hold_s", cfg->off_hold_s},
        {"min_duration_s", cfg->min_duration_s},
        {"flat_min_s", cfg->flat_min_s},
        {"lf_onset_uv", cfg->lf_onset_uv},
        {"lf_onset_k", cfg->lf_onset_k},
        {"lf_offset_uv", cfg->lf_offset_uv},
        {"lf_offset_k", cfg->lf_offset_k},
        {"lf_hold_s", cfg->lf_hold_s},
        {"lf_min_s", cfg->lf_min_s},
        {"spectral_window_s", cfg->spectral_window_s},
        {"involve_fraction", cfg->involve_fraction},
        {"lf_ratio", cfg->lf_ratio},
        {"clip_fraction", cfg->clip_fraction},
        {"movement_min_s", cfg->movement_min_s},
        {"movement_max_s", cfg->movement_max_s},
        {"lm_min_s", cfg->lm_min_s},
        {"lm_max_s", cfg->lm_max_s},
        {"plm_min_count", (double)cfg->plm_min_count},
        {"plm_min_interval_s", cfg->plm_min_interval_s},
        {"plm_max_interval_s", cfg->plm_max_interval_s},
        {"bilateral_s", cfg->bilateral_s},
        {"cramp_min_s", cfg->cramp_min_s},
        {"concurrent_fraction", cfg->concurrent_fraction},
        {"sparse_block_s", cfg->sparse_block_s},
        {"sparse_kurtosis", cfg->sparse_kurtosis},
        {"sparse_min_hz", cfg->sparse_min_hz},
        {"sparse_min_blocks", (double)cfg->sparse_min_blocks},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) id_put(&t, f[i].name, f[i].v);
    return t.len;
}

const char *cramp_detect_rules_id(const cramp_detect_config *cfg,
                                  char id[CRAMP_DETECT_RULES_ID_SIZE])
{
    if (!id) return NULL;
    char text[4096];
    size_t len = cramp_detect_rules_text(cfg, text, sizeof text);
    if (len >= sizeof text) len = sizeof text - 1; /* cannot happen: the text is ~1.5 kB */
    /* FNV-1a, 64 bits (Fowler, Noll, Vo) */
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3u;
    }
    snprintf(id, CRAMP_DETECT_RULES_ID_SIZE, "%016llx", (unsigned long long)h);
    return id;
}

/* ---- summary ------------------------------------------------------------ */

void cramp_detect_summarize(const cramp_episode *ep, size_t n, double duration_s,
                            cramp_detect_summary *s)
{
    memset(s, 0, sizeof *s);
    s->hours = duration_s / 3600.0;
    int last_series = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)ep[i].type < CRAMP_EVENT_TYPES) s->count[ep[i].type]++;
        if (ep[i].type == CRAMP_EVENT_CRAMP) {
            s->cramps++;
            s->cramp_total_s += ep[i].duration_s;
            if (ep[i].duration_s > s->cramp_longest_s) s->cramp_longest_s = ep[i].duration_s;
        } else if (ep[i].type == CRAMP_EVENT_PLM) {
            s->plm++;
            if (ep[i].series > last_series) last_series = ep[i].series;
        }
    }
    s->plm_series = (size_t)last_series;
    s->cramps_per_hour = s->hours > 0 ? (double)s->cramps / s->hours : (double)NAN;
    s->plm_index = s->hours > 0 ? (double)s->plm / s->hours : (double)NAN;
}
