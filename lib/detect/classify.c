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
#include "detect/classify_internal.h"
#include "detect/short_bursts_internal.h"


typedef struct rule {
    const char *name;
    cramp_event_type type;
    /* optional: once over the night before the row's tests, seeing the
       labels of the rows above; CRAMP_ENOMEM at worst */
    cramp_status (*prepare)(rule_ctx *x);
    /* the reason (static text) when the row applies to episode k, else NULL;
       then *conf is the episode's confidence (see margin) */
    const char *(*applies)(const rule_ctx *x, size_t k, double *conf);
} rule;

static int lf_bad(const rule_ctx *x, const cramp_episode *e)
{
    return isfinite(e->lf_ratio) && e->lf_ratio > x->cfg->lf_ratio;
}

static int moving(const rule_ctx *x, const cramp_episode *e)
{
    return e->duration_s >= x->cfg->movement_min_s && e->duration_s <= x->cfg->movement_max_s;
}

static double moving_margin(const rule_ctx *x, const cramp_episode *e)
{
    return fmin(margin(e->duration_s, x->cfg->movement_min_s),
                margin(e->duration_s, x->cfg->movement_max_s));
}

static size_t muscles(const rule_ctx *x, const cramp_episode *e)
{
    uint32_t legs;
    return cramp__count_muscles(e->channels, x->ch, x->C, &legs);
}
/* ---- the rules, in table order ----------------------------------------- */

static const char *flat_line(const rule_ctx *x, size_t k, double *conf)
{
    *conf = 1;
    return x->origin[k] == CRAMP__FROM_FLAT ? "flat line (lost electrode or amplifier off)" : NULL;
}

/* Chains of motion-band blips at heart-rate intervals are ECG bleed, not
   events: they are dropped (merged away, no label). */
static cramp_status heartbeats(rule_ctx *x)
{
    const cramp_episode *ep = x->ep;
    size_t *run = malloc((x->n ? x->n : 1) * sizeof *run);
    if (!run) return CRAMP_ENOMEM;
    size_t nr = 0;
    for (size_t k = 0; k <= x->n; k++) {
        int blip = k < x->n && x->state[k] == UNLABELLED && x->origin[k] == CRAMP__FROM_MOTION &&
                   ep[k].duration_s <= HEART_BLIP_MAX_S;
        if (k < x->n && !blip) continue; /* other episodes neither join nor break a run */
        int joins = blip && nr > 0;
        if (joins) {
            double iv = ep[k].onset_s - ep[run[nr - 1]].onset_s;
            joins = iv >= HEART_MIN_IV_S && iv <= HEART_MAX_IV_S;
        }
        if (!joins) {
            if (nr >= HEART_MIN_BEATS)
                for (size_t q = 0; q < nr; q++) x->state[run[q]] = MERGED;
            nr = 0;
        }
        if (blip) run[nr++] = k;
    }
    free(run);
    return CRAMP_OK;
}

static const char *heartbeat(const rule_ctx *x, size_t k, double *conf)
{
    (void)x;
    (void)k;
    *conf = 1;
    return NULL; /* its prepare drops them */
}

static const char *motion_alone(const rule_ctx *x, size_t k, double *conf)
{
    *conf = 1;
    return x->origin[k] == CRAMP__FROM_MOTION
               ? "energy below 20 Hz without EMG activity (motion artefact, electrode pop)"
               : NULL;
}

static const char *clipping(const rule_ctx *x, size_t k, double *conf)
{
    *conf = conf_of(margin(x->ep[k].clip_fraction, x->cfg->clip_fraction));
    return x->ep[k].clip_fraction >= x->cfg->clip_fraction
               ? "clipping: samples at the amplifier's rails"
               : NULL;
}

static const char *muscles_of_a_leg(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    *conf = conf_of(moving_margin(x, e));
    return cramp__muscles_one_leg(e->channels, x->ch, x->C) >= 2 && moving(x, e)
               ? "two or more muscles of a leg, 3-45 s (IRLSSG)"
               : NULL;
}

static const char *muscles_long(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    *conf = conf_of(margin(e->duration_s, x->cfg->lm_max_s));
    return muscles(x, e) >= 2 && e->duration_s > x->cfg->lm_max_s
               ? "two or more muscles, longer than a leg movement"
               : NULL;
}

static const char *motion_with_activity(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    *conf = conf_of(fmin(margin(e->lf_ratio, x->cfg->lf_ratio), moving_margin(x, e)));
    return lf_bad(x, e) && moving(x, e) ? "3-45 s with a motion artefact (energy below 20 Hz)"
                                        : NULL;
}

static const char *low_frequency(const rule_ctx *x, size_t k, double *conf)
{
    *conf = conf_of(margin(x->ep[k].lf_ratio, x->cfg->lf_ratio));
    return lf_bad(x, &x->ep[k]) ? "energy mostly below 20 Hz (motion artefact, electrode pop)"
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

/* Tonic: the envelope stays above the offset threshold for at least
   tonic_min of the episode (a cramp is a sustained contraction, not a train
   of bursts). */
static int tonic(const rule_ctx *x, const cramp_episode *e)
{
    return isfinite(e->tonic_fraction) &&
           (e->tonic_fraction >= x->cfg->tonic_min || cramp__tonic_after_ramp(x, e));
}

/* The cramp row's own test (sustained and tonic), shared with the opt-in
   cramp_rhythm_rule of the plm-series row (classify_plm.c). */
int cramp__cramp_candidate(const rule_ctx *x, const cramp_episode *e)
{
    return sustained(x, e) && tonic(x, e);
}

/* Whether episode p may be the activity an after-cramp reaction follows:
   unlabelled; with the after-cramp half of cramp_rhythm_rule (h12y; values
   1 and 3, h12z) whatever non-artefact label an earlier row gave it (a short
   TA cramp taken into a PLM series still has its calf stretch after it). */
static int before_ok(const rule_ctx *x, size_t p)
{
    if (x->state[p] == UNLABELLED) return 1;
    return cramp__rhythm_after_on(x->cfg) && x->state[p] == LABELLED &&
           x->ep[p].type != CRAMP_EVENT_ARTEFACT;
}

/* Sustained, tonic activity of one muscle starting within stretch_window_s
   after sustained activity on another muscle of the same leg ends: what the
   sleeper does against the cramp (stretching the calf is dorsiflexion by the
   same leg's tibialis anterior, the antagonist: patient leaflets;
   docs/detect.md, "Stretching after a cramp"). The activity before need not
   be tonic there (AFTER_CRAMP_ANY_SHARE): the reaction follows the cramp
   whatever share of it the envelope kept above the offset threshold, and a
   short cramp of few units read as phasic (a burst) otherwise leaves its
   stretch to be taken for a cramp of the antagonist (h12w). The opt-in
   same-channel match still wants a cramp candidate before. */
static cramp_status after_cramp_pass(rule_ctx *x)
{
    cramp_episode *ep = x->ep;
    for (size_t k = 0; k < x->n; k++) {
        if (x->state[k] != UNLABELLED || !cramp__cramp_candidate(x, &ep[k])) continue;
        for (size_t p = k; p-- > 0;) {
            if (ep[k].onset_s - ep[p].offset_s > x->cfg->stretch_window_s + 600) break;
            if (!before_ok(x, p) || x->after_cramp[p]) continue;
            if (!sustained(x, &ep[p])) continue;
            const int p_tonic = tonic(x, &ep[p]);
            if (!p_tonic && !AFTER_CRAMP_ANY_SHARE) continue;
            const double gap = ep[k].onset_s - ep[p].offset_s;
            if (gap < -ep[k].duration_s || gap > x->cfg->stretch_window_s) continue;
            uint32_t lp, lk;
            cramp__count_muscles(ep[p].channels, x->ch, x->C, &lp);
            cramp__count_muscles(ep[k].channels, x->ch, x->C, &lk);
            int mark = 1;
            if ((ep[p].channels & ep[k].channels) || !(lp & lk)) {
                /* same channel, unknown or other leg: only the opt-in
                   candidate row takes these, and not across known legs */
                if (!(x->cfg->voluntary_rule || x->cfg->reaction_rule) || (lp && lk && !(lp & lk)) ||
                    !p_tonic)
                    continue;
                /* reaction_rule (h12ae): not after a precursor or a movement */
                if (x->cfg->reaction_rule && !cramp__reaction_pair_ok(x, p, k)) continue;
                mark = 2;
            }
            x->after_cramp[k] = (unsigned char)mark;
            ep[k].confidence = conf_of(margin(fmax(gap, 0.01), x->cfg->stretch_window_s));
            break;
        }
    }
    return CRAMP_OK;
}

static const char *after_cramp(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
    return x->after_cramp[k] == 1 ? "another muscle of the leg right after a cramp "
                                    "(stretching against it: patient leaflets)"
                                  : NULL;
}

/* The reaction row (reaction_rule, on by default since the eighth freeze:
   classify_reaction.c; or the opt-in voluntary_rule): the same pass's matches on the same
   channel or where a leg is unknown. With one channel per leg, or legs not
   named, the stretching, standing or walking that follows a cramp (patient
   leaflets) reaches the cramp's own electrode; a second sustained
   contraction starting within stretch_window_s of a cramp's end is taken
   for that reaction, not for a new cramp. */
static const char *stretch_same_channel(const rule_ctx *x, size_t k, double *conf)
{
    *conf = x->ep[k].confidence;
    return x->after_cramp[k] == 2 ? "sustained right after a cramp on the same channel or with the "
                                    "leg unknown (the reaction to it: stretching, standing)"
                                  : NULL;
}

static int sparseness_measured(const rule_ctx *x, const cramp_episode *e)
{
    return e->kurtosis_blocks >= x->cfg->sparse_min_blocks && isfinite(e->kurtosis);
}

int cramp__dense_pattern(const rule_ctx *x, const cramp_episode *e)
{
    return x->cfg->sparseness_rule && sparseness_measured(x, e) &&
           e->kurtosis < x->cfg->sparse_kurtosis;
}

static const char *dense_contraction(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    *conf = conf_of(fabs(e->kurtosis - x->cfg->sparse_kurtosis) > 0.2
                        ? 1
                        : fabs(e->kurtosis - x->cfg->sparse_kurtosis) / 0.2);
    return sustained(x, e) && cramp__dense_pattern(x, e)
               ? "sustained on one muscle with a dense, near-Gaussian interference pattern "
                 "(many units recruited: a voluntary contraction; --sparseness-rule)"
               : NULL;
}

/* Movement rhythm (envmod.c; docs/detect.md, "Movement modulation"): a
   sustained one-muscle contraction whose amplitude is modulated at 0.5-3 Hz
   well beyond a steady contraction's fluctuation is a movement (turning
   over, rhythmic movements, jiggling or walking), not a cramp, which is
   tonic. */
int cramp__amplitude_modulated(const rule_ctx *x, const cramp_episode *e)
{
    const double lim = x->cfg->env_mod_max;
    return lim > 0 && isfinite(e->env_mod_ratio) && e->env_mod_ratio > lim;
}

static const char *modulated_contraction(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    if (!cramp__amplitude_modulated(x, e) || !sustained(x, e) || !tonic(x, e)) return NULL;
    *conf = conf_of(margin(e->env_mod_ratio, x->cfg->env_mod_max));
    return "sustained on one muscle, but its amplitude is modulated at 0.5-3 Hz "
           "(a movement's rhythm: turning, rhythmic movement, jiggling the leg)";
}

static const char *cramp(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_detect_config *cfg = x->cfg;
    const cramp_episode *e = &x->ep[k];
    if (!cramp__cramp_candidate(x, e)) return NULL;
    /* the tonic share's margin on its own scale: the distance to the
       threshold over the distance from the threshold to 1 */
    double mt = cfg->tonic_min < 1 ? (e->tonic_fraction - cfg->tonic_min) / (1 - cfg->tonic_min)
                                   : 1;
    if (mt < 0) mt = 0; /* tonic by its run without a pause (ramp_tonic_rule) */
    double mm = fmin(fmin(margin(e->duration_s, cfg->cramp_min_s),
                          margin(e->rms_uv, cramp__above_rest(e->rest_uv, cfg->onset_uv,
                                                              cfg->onset_k))),
                     fmin(mt, 1));
    *conf = conf_of(mm);
    if (e->tonic_fraction < cfg->tonic_min) /* tonic by cramp__tonic_after_ramp */
        return "sustained >= 5 s on one muscle, mean RMS above the onset threshold; its pauses "
               "only around one run without a pause over half of it (recruitment, "
               "--ramp-tonic-rule)";
    if (e->precursor_s > 0)
        return "sustained >= 5 s on one muscle, mean RMS above the onset threshold, tonic; "
               "lower-level activity of the muscle before it cut off as its precursor";
    return "sustained >= 5 s on one muscle, mean RMS above the onset threshold, tonic "
           "(hardly any pause of >= 0.2 s under the offset threshold)";
}

static const char *burst(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_episode *e = &x->ep[k];
    *conf = 0.5;
    return e->duration_s < x->cfg->cramp_min_s ? "activity shorter than a cramp"
           : muscles(x, e) > 1                 ? "activity on more than one muscle"
           : !tonic(x, e)                      ? "phasic: bursts, not a sustained contraction"
                                               : "intermittent: mean RMS below the onset threshold";
}

/* The table. Order matters: the first row that applies labels. */
static const rule rules[] = {
    {"flat-line", CRAMP_EVENT_ARTEFACT, NULL, flat_line},
    {"heartbeat", CRAMP_EVENT_ARTEFACT, heartbeats, heartbeat},
    {"motion-alone", CRAMP_EVENT_ARTEFACT, NULL, motion_alone},
    {"clipping", CRAMP_EVENT_ARTEFACT, NULL, clipping},
    {"fragmentary", CRAMP_EVENT_FRAGMENTARY, cramp__classify_fragmentary, cramp__fragmentary_row},
    {"rmd-train", CRAMP_EVENT_MOVEMENT, cramp__classify_trains, cramp__rmd_train},
    {"alma-train", CRAMP_EVENT_ALMA, NULL, cramp__alma_train},
    {"hft-train", CRAMP_EVENT_HFT, NULL, cramp__hft_train},
    {"short-burst", CRAMP_EVENT_ARTEFACT, cramp__drop_short, cramp__short_row},
    {"muscles-of-a-leg", CRAMP_EVENT_MOVEMENT, NULL, muscles_of_a_leg},
    {"muscles-long", CRAMP_EVENT_MOVEMENT, NULL, muscles_long},
    {"motion-with-activity", CRAMP_EVENT_MOVEMENT, NULL, motion_with_activity},
    {"low-frequency", CRAMP_EVENT_ARTEFACT, NULL, low_frequency},
    {"plm-series", CRAMP_EVENT_PLM, cramp__classify_plm_series, cramp__plm_row},
    {"after-cramp", CRAMP_EVENT_MOVEMENT, after_cramp_pass, after_cramp},
    {"stretch-same-channel", CRAMP_EVENT_MOVEMENT, NULL, stretch_same_channel},
    {"dense-contraction", CRAMP_EVENT_MOVEMENT, NULL, dense_contraction},
    {"modulated-contraction", CRAMP_EVENT_MOVEMENT, NULL, modulated_contraction},
    {"both-legs", CRAMP_EVENT_MOVEMENT, NULL, cramp__both_legs_row}, /* opt-in (h12ag) */
    {"movement-signs", CRAMP_EVENT_MOVEMENT, NULL, cramp__movement_signs_row}, /* opt-in (h12ak) */
    {"cramp", CRAMP_EVENT_CRAMP, NULL, cramp},
    {"burst", CRAMP_EVENT_BURST, NULL, burst},
};

/* Test only (issue 18): CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp replaces the
   table by this row, so tests can show a negative control failing. */
static const char *all_cramp(const rule_ctx *x, size_t k, double *conf)
{
    (void)x;
    (void)k;
    *conf = 1;
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
    /* short bursts (short_bursts.c) join the episodes after they are built */
    cramp__short_split sp;
    if (cramp__short_split_make(act, n_act, &sp) != CRAMP_OK)
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    if (cramp__stretch_split(&sp.rest, &sp.n_rest, ch, C, cfg) != CRAMP_OK) { /* h12al */
        cramp__short_split_free(&sp);
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    cramp__episode_list list;
    cramp_status st = cramp__episodes_build(sp.rest, sp.n_rest, ch, C, cfg, &list, err);
    if (st == CRAMP_OK && cramp__short_insert(&sp, cfg, &list) != CRAMP_OK) {
        free(list.ep);
        free(list.origin);
        st = cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    cramp__short_split_free(&sp);
    if (st != CRAMP_OK) return st;
    unsigned char *state = calloc(list.n ? list.n : 1, 3);
    if (!state) {
        free(list.ep);
        free(list.origin);
        return cramp__fail(err, CRAMP_ENOMEM, "classify: out of memory");
    }
    const size_t nn = list.n ? list.n : 1;
    rule_ctx x = {cfg, ch, C, list.ep, list.origin, state, state + nn, state + 2 * nn, list.n,
                  act, n_act};
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
            double conf = 1;
            const char *why = table[r].applies(&x, k, &conf);
            if (!why) continue;
            list.ep[k].confidence = conf < 0 ? 0 : conf > 1 ? 1 : conf;
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
    id_put(&t, "cramp-detect-rules", 2);
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        /* an opt-in row that is off enters neither the text nor the id, so
           the defaults' id does not depend on it */
        if (rules[r].applies == stretch_same_channel && !cfg->voluntary_rule &&
            !cfg->reaction_rule)
            continue;
        if (rules[r].applies == modulated_contraction && !(cfg->env_mod_max > 0)) continue;
        if (rules[r].applies == cramp__both_legs_row && !cfg->both_legs_rule) continue;
        if (rules[r].applies == cramp__movement_signs_row && !cfg->movement_signs_rule) continue;
        id_put(&t, rules[r].name, (double)rules[r].type);
    }
    /* the fixed numbers of the front end and the classifier */
    id_put(&t, "KBINS", CRAMP__KBINS);
    id_put(&t, "KBIN_LO", CRAMP__KBIN_LO);
    id_put(&t, "KBIN_W", CRAMP__KBIN_W);
    id_put(&t, "RAIL_MARGIN", CRAMP__RAIL_MARGIN);
    id_put(&t, "BAND_NYQUIST", CRAMP__BAND_NYQUIST);
    id_put(&t, "COMB_REACH", CRAMP__COMB_REACH);
    /* the mains filter: 2 = one recursive comb where the rate is a whole
       number of samples per mains period, the notch cascade elsewhere
       (issue 16; 1 was the cascade everywhere) */
    id_put(&t, "MAINS_FILTER", 2);
    id_put(&t, "DC_HP_HZ", CRAMP__DC_HP_HZ);
    id_put(&t, "MOTION_LP_HZ", CRAMP__MOTION_LP_HZ);
    id_put(&t, "MOTION_SETTLE_S", CRAMP__MOTION_SETTLE_S);
    id_put(&t, "MOTION_BACKTRACK_S", CRAMP__MOTION_BACKTRACK_S);
    id_put(&t, "EMG_BACKTRACK_S", CRAMP__EMG_BACKTRACK_S); /* issue 12, h12f */
    /* a cramp's onset out of its precursor (onset_rise.c, issue 12, h12v) */
    id_put(&t, "PRE_RISE_LAG_S", CRAMP__PRE_RISE_LAG_S);
    id_put(&t, "PRE_RISE_BASE_S", CRAMP__PRE_RISE_BASE_S);
    id_put(&t, "PRE_RISE_RATIO", CRAMP__PRE_RISE_RATIO);
    id_put(&t, "WINDOW_REFRESH", CRAMP__WINDOW_REFRESH);
    id_put(&t, "PAUSE_S", CRAMP__PAUSE_S);
    id_put(&t, "HEART_BLIP_MAX_S", HEART_BLIP_MAX_S);
    id_put(&t, "HEART_MIN_IV_S", HEART_MIN_IV_S);
    id_put(&t, "HEART_MAX_IV_S", HEART_MAX_IV_S);
    id_put(&t, "HEART_MIN_BEATS", HEART_MIN_BEATS);
    /* the LM's active time >= lm_min_s (h12b); 2: the EMG's, the envelope's
       spread taken off (h12h, WASM 2016 morphology) */
    id_put(&t, "LM_ACTIVE_MIN", 2);
    id_put(&t, "PLM_BRIDGE_RATIO", PLM_BRIDGE_RATIO);
    id_put(&t, "PLM_BILATERAL_MAX_S", PLM_BILATERAL_MAX_S);
    /* a series ends only at an LM that is not a candidate LM, not at a train
       or activity off the tibialis (h12e) */
    id_put(&t, "PLM_ENDS_AT_LM", 1);
    id_put(&t, "PLM_BRIDGE_SIDES", 2); /* in step on both sides of the gap */
    /* after-cramp: the activity before need not be tonic (h12w) */
    id_put(&t, "AFTER_CRAMP_ANY_SHARE", AFTER_CRAMP_ANY_SHARE);
    /* LMs of different legs bilateral_s (5 s, AASM) apart, not 10 (h12l) */
    id_put(&t, "PLM_TWO_LEG_MIN_IV", 1);
    /* short bursts (short_bursts.c, h12g) */
    id_put(&t, "FRAG_POTENTIAL_MAX_S", FRAG_POTENTIAL_MAX_S);
    id_put(&t, "FRAG_PER_MIN", FRAG_PER_MIN);
    id_put(&t, "FRAG_MIN_S", FRAG_MIN_S);
    id_put(&t, "TRAIN_BURST_MIN_S", TRAIN_BURST_MIN_S);
    id_put(&t, "HEART_SUCCESSIVE_CHANGE", HEART_SUCCESSIVE_CHANGE);
    id_put(&t, "SHORT_TRAIN_ONE_CHANNEL", 1);
    id_put(&t, "TWO_LEGS_PER_LEG", 1); /* episodes.c: a long two-leg episode read per leg */
    /* rises against the burst's own peak (segments.c, h12j) */
    id_put(&t, "RISE_RATIO", CRAMP__RISE_RATIO);
    id_put(&t, "RHYTHMIC_BURST_MAX", 1); /* rises' bursts <= train_burst_max_s */
    /* episodes.c (h12k): a precursor cut shorter than cramp_min_s is the
       cramp's own recruitment ramp, kept in the episode */
    id_put(&t, "RECRUITMENT_RAMP", 1);
    id_put(&t, "FRAG_STRUNG_BURST", 1);  /* potential-length rise bursts (h12j) */
    id_put(&t, "SHORT_POTENTIAL_BURST", 1); /* short bursts' rise bursts too (h12m) */
    /* segments of potential-length bursts out of one-leg trains; one
       episode alone an HFT train only when its rises are rhythmic (h12p) */
    id_put(&t, "SEGMENT_POTENTIAL_BURST", 1);
    id_put(&t, "HFT_ONE_EPISODE_RHYTHMIC", 1);
    id_put(&t, "FRAG_VISIBLE_TIME", 1); /* potentials per visible minute (h12m) */
    id_put(&t, "REST_SKIPS_FLAT", 1); /* a flat line is not rest (detector.c) */
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
        {"sparseness_rule", cfg->sparseness_rule},
        {"tonic_min", cfg->tonic_min},
        {"train_min_bursts", (double)cfg->train_min_bursts},
        {"train_min_hz", cfg->train_min_hz},
        {"train_max_hz", cfg->train_max_hz},
        {"train_burst_max_s", cfg->train_burst_max_s},
        {"train_max_cv", cfg->train_max_cv},
        {"stretch_window_s", cfg->stretch_window_s},
        {"precursor_ratio", cfg->precursor_ratio},
        {"precursor_window_s", cfg->precursor_window_s},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) id_put(&t, f[i].name, f[i].v);
    /* opt-in fields, only when set (the frozen defaults' text stays as it was) */
    if (cfg->voluntary_rule) id_put(&t, "voluntary_rule", cfg->voluntary_rule);
    if (cfg->cramp_rhythm_rule) id_put(&t, "cramp_rhythm_rule", cfg->cramp_rhythm_rule);
    /* on by default since the eighth freeze (h12ae, classify_reaction.c): the
       same-channel reaction match, not after a precursor or a movement; named
       only when on, so with it off the text is the seventh freeze's */
    if (cfg->reaction_rule) id_put(&t, "reaction_rule", cfg->reaction_rule);
    /* opt-in (h12ab, episodes.c): another muscle of the main channel's leg
       involved by its power over the longer of its and the main channel's
       active time (crosstalk lasts as long as its source) */
    if (cfg->crosstalk_time_rule)
        id_put(&t, "crosstalk_time_rule", cfg->crosstalk_time_rule);
    /* opt-out (h12ad, classify_plm.c): the missed-LM bridge off; named
       only when off, so the default's text stays as frozen */
    if (cfg->plm_bridge != 1) id_put(&t, "plm_bridge", cfg->plm_bridge);
    /* opt-in (h12ag, classify_both_legs.c): the both-legs row */
    if (cfg->both_legs_rule) id_put(&t, "both_legs_rule", cfg->both_legs_rule);
    /* opt-in (h12ak, classify_movement_signs.c): the two-signs-of-movement row */
    if (cfg->movement_signs_rule) id_put(&t, "movement_signs_rule", cfg->movement_signs_rule);
    /* opt-in (h12af, classify_plm.c): a one-leg multi-muscle LM of 3-10 s
       joins a PLM series in its rhythm */
    if (cfg->plm_leg_muscles) id_put(&t, "plm_leg_muscles", cfg->plm_leg_muscles);
    /* opt-in (h12ai, segments.c): the onset on the activity's own power */
    if (cfg->lm_onset_power) id_put(&t, "lm_onset_power", cfg->lm_onset_power);
    /* on by default since the ninth freeze (h12aj, classify_plm_rhythm.c):
       the PLM series' rhythm; named only when on */
    if (cfg->plm_rhythm_rule) id_put(&t, "plm_rhythm_rule", cfg->plm_rhythm_rule);
    /* on by default since the ninth freeze (h12al, classify_stretch_split.c):
       a cramp cut from the stretch after it; named only when on */
    if (cfg->stretch_split_rule) id_put(&t, "stretch_split_rule", cfg->stretch_split_rule);
    /* opt-in (h12ao, classify_ramp_tonic.c): pauses only in the recruitment
       half of an episode leave it tonic */
    if (cfg->ramp_tonic_rule) id_put(&t, "ramp_tonic_rule", cfg->ramp_tonic_rule);
    /* opt-in (h12ap, classify_legs_apart.c): a long two-leg episode's leg
       that does not carry it built apart */
    if (cfg->legs_apart_rule) id_put(&t, "legs_apart_rule", cfg->legs_apart_rule);
    /* opt-in (h12aq, episodes_bilateral_lm.c): the AASM's bilateral join
       for LMs only */
    if (cfg->bilateral_lm_only) id_put(&t, "bilateral_lm_only", cfg->bilateral_lm_only);
    /* opt-in (h12as, classify_rhythm_legs.c): the rhythm rule's bound for
       an LM of both legs x PLM_BILATERAL_MAX_S / lm_max_s */
    if (cfg->plm_rhythm_legs) id_put(&t, "plm_rhythm_legs", cfg->plm_rhythm_legs);
    /* the movement-rhythm row (envmod.c), only when on: with it off the
       text is that of the second freeze */
    if (cfg->env_mod_max > 0) {
        id_put(&t, "env_mod_max", cfg->env_mod_max);
        id_put(&t, "ENVMOD_LO_HZ", CRAMP__ENVMOD_LO_HZ);
        id_put(&t, "ENVMOD_MID_HZ", CRAMP__ENVMOD_MID_HZ);
        id_put(&t, "ENVMOD_HI_HZ", CRAMP__ENVMOD_HI_HZ);
        id_put(&t, "ENVMOD_EDGE_S", CRAMP__ENVMOD_EDGE_S);
        id_put(&t, "ENVMOD_MIN_S", CRAMP__ENVMOD_MIN_S);
    }
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
