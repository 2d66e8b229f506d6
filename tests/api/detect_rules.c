/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's rule table through the public API:
 *  - the rule switches (cramp_detect_switches) are the defaults' values,
 *    each set by --NAME / --no-NAME and each naming itself in the id;
 *  - cramp_detect_rules_id is FNV-1a 64 of cramp_detect_rules_text, 16 hex
 *    digits, the same for the same values, for NULL and the defaults; fs
 *    and simd leave it alone; every other configuration value changes it;
 *  - rows of the table label hand-made segments as documented in detect.h
 *    (first row that applies wins);
 *  - the defaults have the rule-table id 4ddf0819edde48fe (issue 12, the ninth
 *    freeze: the eighth freeze a31f7bb8cc55daf0 plus a PLM series' rhythm,
 *    plm_rhythm_rule, h12aj, and a cramp's segment cut from the stretch
 *    after it, stretch_split_rule, h12al; the eighth freeze was the seventh freeze 342106439c1668f0 plus the reaction row,
 *    reaction_rule, h12ae; the seventh freeze was the sixth freeze 30c04be3b85019dd plus a cramp's onset out of
 *    the precursor that rises into it, PRE_RISE_LAG_S, PRE_RISE_BASE_S,
 *    PRE_RISE_RATIO, h12v, and the after-cramp row counting sustained
 *    activity before the stretch whatever its tonic share,
 *    AFTER_CRAMP_ANY_SHARE, h12w; the sixth freeze was the
 *    fifth freeze b865d4e65eeadbb6 plus segments whose bursts are of a
 *    potential's length taking no part in a one-leg train,
 *    SEGMENT_POTENTIAL_BURST, and one episode alone an HFT train only when
 *    its rises are rhythmic, HFT_ONE_EPISODE_RHYTHMIC, h12p; the fifth freeze
 *    was the fourth freeze d8c5db3e604976c2 plus a precursor cut shorter than
 *    cramp_min_s kept as the cramp's recruitment ramp, RECRUITMENT_RAMP, h12k;
 *    LMs of different legs 5 s apart in a PLM series, PLM_TWO_LEG_MIN_IV,
 *    h12l; a short burst's burst read on its own scale, a potential's length
 *    taking no part in a one-leg train, SHORT_POTENTIAL_BURST, and potentials
 *    counted per visible minute, FRAG_VISIBLE_TIME, h12m; a flat line
 *    left out of the resting level, REST_SKIPS_FLAT, the lead; the fourth
 *    freeze was the third
 *    freeze 5fc632d667879cfb plus a long two-leg episode read per leg,
 *    TWO_LEGS_PER_LEG, h12i; an LM's EMG active time, LM_ACTIVE_MIN 2, h12h;
 *    sub-bursts read against the burst's own peak, RISE_RATIO, the rhythmic
 *    check's burst length, RHYTHMIC_BURST_MAX, and potentials strung by their
 *    rises, FRAG_STRUNG_BURST, h12j; the third freeze was the second
 *    freeze d1cacad1cc600343 (the frozen 0dd76f69bd690daa plus the precursor
 *    step (precursor_ratio, precursor_window_s), the PLM rows' LM active time
 *    and missed-LM bridge, the front end's mains comb) plus the EMG onset
 *    moved back to where the envelope left rest (EMG_BACKTRACK_S) and the PLM
 *    series ends (only at an LM that is not a candidate LM; bilateral
 *    candidate LMs up to 15 s) and the modulated-contraction row (env_mod_max
 *    1) and the short bursts (fragmentary myoclonus, short bursts in trains,
 *    short_bursts.c) and the LM's EMG active time with the envelope's spread
 *    taken off (LM_ACTIVE_MIN 2, WASM 2016 morphology; h12h); the opt-in
 *    candidate voluntary_rule
 *    enters the text only when set), and setting it changes the id;
 *  - the candidate row stretch-same-channel labels a sustained episode right
 *    after a cramp on the same channel, or with the leg unknown, a movement,
 *    and leaves a later one, one on the other leg and every default label
 *    alone;
 *  - the test hook CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp labels every
 *    episode a cramp with the reason "test hook: all-cramp", and any other
 *    value of it changes nothing. */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/detect.h"
#include "detect_handmade.h"
#include "testutil.h"

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3u;
    }
    return h;
}

static void test_id(void)
{
    cramp_detect_config def;
    cramp_detect_config_default(&def);
    char a[CRAMP_DETECT_RULES_ID_SIZE], b[CRAMP_DETECT_RULES_ID_SIZE];
    CHECK(cramp_detect_rules_id(&def, a) == a, "returns its buffer");
    CHECK(strlen(a) == 16 && strspn(a, "0123456789abcdef") == 16, "id '%s'", a);
    cramp_detect_rules_id(NULL, b);
    CHECK(strcmp(a, b) == 0, "NULL %s, defaults %s", b, a);
    CHECK(cramp_detect_rules_id(&def, NULL) == NULL, "NULL id buffer");

    const size_t len = cramp_detect_rules_text(&def, NULL, 0);
    char *text = malloc(len + 1);
    CHECK(cramp_detect_rules_text(&def, text, len + 1) == len && strlen(text) == len,
          "text length %zu", len);
    char hex[32];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a(text));
    CHECK(strcmp(hex, a) == 0, "id %s, FNV-1a of the text %s", a, hex);
    /* the table's rows in order, then constants and values */
    const char *rows[] = {"flat-line=",   "motion-alone=",      "clipping=", "muscles-of-a-leg=",
                          "muscles-long=", "motion-with-activity=", "low-frequency=",
                          "plm-series=",  "dense-contraction=", "modulated-contraction=", "cramp=",    "burst=",
                          "KBIN_W=0.02",  "sparse_kurtosis=0.20000000000000001;"};
    const char *at = text;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *f = strstr(at, rows[i]);
        CHECK(f != NULL, "'%s' missing or out of order in %s", rows[i], text);
        if (f) at = f;
    }
    free(text);
    char small[8];
    CHECK(cramp_detect_rules_text(&def, small, sizeof small) == len && strlen(small) == 7,
          "truncated as snprintf");

    cramp_detect_config c = def;
    c.fs = 2000;
    c.simd = CRAMP_SIMD_SCALAR;
    c.baseline.fs = 99;
    cramp_detect_rules_id(&c, b);
    CHECK(strcmp(a, b) == 0, "fs / simd changed the id");

    /* every other value: each double field nudged, each count bumped */
    const size_t dbl[] = {
        offsetof(cramp_detect_config, band_lo_hz), offsetof(cramp_detect_config, band_hi_hz),
        offsetof(cramp_detect_config, mains_hz), offsetof(cramp_detect_config, notch_q),
        offsetof(cramp_detect_config, tick_s), offsetof(cramp_detect_config, env_window_s),
        offsetof(cramp_detect_config, baseline.block_s),
        offsetof(cramp_detect_config, baseline.window_s),
        offsetof(cramp_detect_config, baseline.quantile),
        offsetof(cramp_detect_config, baseline.warmup_s),
        offsetof(cramp_detect_config, onset_uv), offsetof(cramp_detect_config, onset_k),
        offsetof(cramp_detect_config, offset_uv), offsetof(cramp_detect_config, offset_k),
        offsetof(cramp_detect_config, off_hold_s), offsetof(cramp_detect_config, min_duration_s),
        offsetof(cramp_detect_config, flat_min_s), offsetof(cramp_detect_config, lf_onset_uv),
        offsetof(cramp_detect_config, lf_onset_k), offsetof(cramp_detect_config, lf_offset_uv),
        offsetof(cramp_detect_config, lf_offset_k), offsetof(cramp_detect_config, lf_hold_s),
        offsetof(cramp_detect_config, lf_min_s), offsetof(cramp_detect_config, spectral_window_s),
        offsetof(cramp_detect_config, involve_fraction), offsetof(cramp_detect_config, lf_ratio),
        offsetof(cramp_detect_config, clip_fraction),
        offsetof(cramp_detect_config, movement_min_s),
        offsetof(cramp_detect_config, movement_max_s), offsetof(cramp_detect_config, lm_min_s),
        offsetof(cramp_detect_config, lm_max_s), offsetof(cramp_detect_config, plm_min_interval_s),
        offsetof(cramp_detect_config, plm_max_interval_s),
        offsetof(cramp_detect_config, bilateral_s), offsetof(cramp_detect_config, cramp_min_s),
        offsetof(cramp_detect_config, concurrent_fraction),
        offsetof(cramp_detect_config, sparse_block_s),
        offsetof(cramp_detect_config, sparse_kurtosis),
        offsetof(cramp_detect_config, sparse_min_hz),
        offsetof(cramp_detect_config, precursor_ratio),
        offsetof(cramp_detect_config, precursor_window_s),
        offsetof(cramp_detect_config, env_mod_max)};
    for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++) {
        c = def;
        double *v = (double *)(void *)((char *)&c + dbl[i]);
        *v = nextafter(*v, HUGE_VAL); /* the smallest change */
        cramp_detect_rules_id(&c, b);
        CHECK(strcmp(a, b) != 0, "field at offset %zu changed without changing the id", dbl[i]);
    }
    c = def;
    c.band_order++;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "band_order");
    c = def;
    c.plm_min_count++;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "plm_min_count");
    c = def;
    c.sparse_min_blocks++;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "sparse_min_blocks");
    c = def;
    c.baseline.statistic = CRAMP_BASELINE_RMS == c.baseline.statistic ? CRAMP_BASELINE_MEAN
                                                                       : CRAMP_BASELINE_RMS;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "baseline.statistic");
    c = def;
    c.baseline.level_only = !c.baseline.level_only;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "baseline.level_only");
    /* the defaults' id (bench/README.md, issue 12's sections): an opt-in
       field off must leave it as it is */
    CHECK(strcmp(a, "4ddf0819edde48fe") == 0, "default id %s, expected 4ddf0819edde48fe", a);
    c = def; /* the ninth freeze's two keys off: the eighth freeze */
    c.plm_rhythm_rule = 0;
    c.stretch_split_rule = 0;
    CHECK(strcmp(cramp_detect_rules_id(&c, b), "a31f7bb8cc55daf0") == 0,
          "the ninth freeze's keys off: id %s, not the eighth freeze's a31f7bb8cc55daf0", b);
    c = def;
    c.env_mod_max = 0;
    CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "env_mod_max 0: the same id %s", b);
    /* every rule switch (cramp_detect_switches), flipped from its default,
       names itself in the id (a key that does not would let two rule sets
       share one id); its on_by_default is the defaults' value; --NAME and
       --no-NAME set it, '-' and '_' alike */
    size_t ns = 0;
    const cramp_detect_switch *sw = cramp_detect_switches(&ns);
    CHECK(ns >= 12 && cramp_detect_switches(NULL) == sw, "%zu switches", ns);
    const char *known[] = {"sparseness_rule", "voluntary_rule",      "cramp_rhythm_rule",
                           "crosstalk_time_rule", "plm_bridge",      "reaction_rule",
                           "both_legs_rule",  "movement_signs_rule", "plm_leg_muscles",
                           "lm_onset_power",  "plm_rhythm_rule",     "stretch_split_rule",
                           "ramp_tonic_rule", "legs_apart_rule", "bilateral_lm_only",
                           "plm_rhythm_legs"};
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        CHECK(cramp_detect_switch_get(&def, known[k]) >= 0, "%s is no switch", known[k]);
    for (size_t i = 0; i < ns; i++) {
        const int v = cramp_detect_switch_get(&def, sw[i].name);
        CHECK(v == sw[i].on_by_default, "%s: default %d, table %d", sw[i].name, v,
              sw[i].on_by_default);
        char word[80];
        snprintf(word, sizeof word, "%s%s", v ? "no-" : "", sw[i].name);
        for (char *p = word; *p; p++)
            if (*p == '_') *p = '-';
        c = def;
        CHECK(cramp_detect_switch_set(&c, word) == 1 &&
                  cramp_detect_switch_get(&c, sw[i].name) == !v,
              "--%s did not flip %s", word, sw[i].name);
        CHECK(strcmp(a, cramp_detect_rules_id(&c, b)) != 0, "%s %d: the default id %s", sw[i].name,
              !v, b);
        char back[80];
        snprintf(back, sizeof back, "%s%s", v ? "" : "no_", sw[i].name);
        CHECK(cramp_detect_switch_set(&c, back) == 1 &&
                  strcmp(a, cramp_detect_rules_id(&c, b)) == 0,
              "%s set back: id %s, not the default's", sw[i].name, b);
    }
    c = def;
    CHECK(cramp_detect_switch_set(&c, "no-such-rule") == 0 &&
              cramp_detect_switch_set(&c, "no-") == 0 &&
              cramp_detect_switch_set(&c, "plm-rhythm") == 0 &&
              cramp_detect_switch_set(NULL, "plm-bridge") == -1 &&
              cramp_detect_switch_set(&c, NULL) == -1 && !memcmp(&c, &def, sizeof c),
          "an unknown switch changed the configuration or was taken");
    CHECK(cramp_detect_switch_get(&c, "plm-bridge") == -1 && cramp_detect_switch_get(&c, "") == -1,
          "switch_get takes only the field's name");
    c = def;
    c.voluntary_rule = 1;
    const size_t vlen = cramp_detect_rules_text(&c, NULL, 0);
    char *vtext = malloc(vlen + 1);
    cramp_detect_rules_text(&c, vtext, vlen + 1);
    CHECK(strstr(vtext, "after-cramp=") && strstr(vtext, "stretch-same-channel=") &&
              strstr(vtext, "after-cramp=") < strstr(vtext, "stretch-same-channel=") &&
              strstr(vtext, "voluntary_rule=1;"),
          "candidate row or field missing from %s", vtext);
    free(vtext);
    printf("detect_rules: default rule-table id %s\n", a);
}

static cramp_activity seg(size_t channel, cramp_activity_kind kind, double on, double off,
                          double rms, double kurt, size_t blocks)
{
    cramp_activity s = handmade_seg(channel, on, off, rms);
    s.kind = kind;
    s.kurtosis = kurt;
    s.kurtosis_blocks = blocks;
    if (kind == CRAMP_ACTIVITY_FLAT) s.flat_fraction = 1;
    if (kind == CRAMP_ACTIVITY_LF) s.lf_excess_uv2 = 900;
    if (kind != CRAMP_ACTIVITY_EMG) s.tonic_fraction = 0, s.sub_bursts = 0, s.rises = 0;
    return s;
}

static void test_rows_and_hook(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cramp_detect_channel ch[2];
    cramp_detect_channel_from_label("L-GAS", &ch[0]);
    cramp_detect_channel_from_label("R-GAS", &ch[1]);
    const cramp_activity act[] = {
        seg(0, CRAMP_ACTIVITY_EMG, 100, 130, 60, 1.0, 100),  /* sparse: cramp */
        seg(0, CRAMP_ACTIVITY_EMG, 300, 330, 60, 0.0, 100),  /* dense: movement */
        seg(1, CRAMP_ACTIVITY_EMG, 500, 530, 60, NAN, 0),    /* unmeasured: cramp */
        seg(1, CRAMP_ACTIVITY_EMG, 700, 702, 60, NAN, 0),    /* short: burst */
        seg(0, CRAMP_ACTIVITY_FLAT, 900, 905, 0, NAN, 0),    /* flat line: artefact */
        seg(1, CRAMP_ACTIVITY_LF, 1100, 1103, 0, NAN, 0),    /* motion alone: artefact */
    };
    const size_t n_act = sizeof act / sizeof act[0];
    const cramp_event_type want[] = {CRAMP_EVENT_CRAMP, CRAMP_EVENT_MOVEMENT, CRAMP_EVENT_CRAMP,
                                     CRAMP_EVENT_BURST, CRAMP_EVENT_ARTEFACT,
                                     CRAMP_EVENT_ARTEFACT};
    const char *why[] = {"tonic", "dense, near-Gaussian", "tonic", "shorter than a cramp",
                         "flat line", "without EMG activity"};
    cfg.sparseness_rule = 1; /* the dense-contraction row is opt-in */
    cramp_episode *ep = NULL;
    size_t n = 0;
    cramp_error err = {0};
    unsetenv("CRAMP_TEST_BROKEN_CLASSIFIER");
    CHECK(cramp_detect_classify(act, n_act, ch, 2, &cfg, &ep, &n, &err) == CRAMP_OK, "%s",
          err.message);
    CHECK(n == n_act, "%zu episodes, expected %zu", n, n_act);
    for (size_t i = 0; i < n && i < n_act; i++)
        CHECK(ep[i].type == want[i] && ep[i].reason && strstr(ep[i].reason, why[i]),
              "episode %zu at %g s: type %d (%s), expected %d (... %s ...)", i, ep[i].onset_s,
              (int)ep[i].type, ep[i].reason ? ep[i].reason : "(none)", (int)want[i], why[i]);
    free(ep);

    /* any other value of the hook changes nothing */
    setenv("CRAMP_TEST_BROKEN_CLASSIFIER", "none", 1);
    CHECK(cramp_detect_classify(act, n_act, ch, 2, &cfg, &ep, &n, &err) == CRAMP_OK, "%s",
          err.message);
    size_t cramps = 0;
    for (size_t i = 0; i < n; i++) cramps += ep[i].type == CRAMP_EVENT_CRAMP;
    CHECK(cramps == 2, "hook 'none': %zu cramps, expected 2", cramps);
    free(ep);

    setenv("CRAMP_TEST_BROKEN_CLASSIFIER", "all-cramp", 1);
    CHECK(cramp_detect_classify(act, n_act, ch, 2, &cfg, &ep, &n, &err) == CRAMP_OK, "%s",
          err.message);
    CHECK(n == n_act, "hook: %zu episodes", n);
    for (size_t i = 0; i < n; i++)
        CHECK(ep[i].type == CRAMP_EVENT_CRAMP && ep[i].reason &&
                  strcmp(ep[i].reason, "test hook: all-cramp") == 0,
              "hook: episode %zu type %d reason %s", i, (int)ep[i].type,
              ep[i].reason ? ep[i].reason : "(none)");
    free(ep);
    unsetenv("CRAMP_TEST_BROKEN_CLASSIFIER");
}

/* The rows of issue 12: tonic versus phasic, trains (HFT, ALMA), stretching
 * after a cramp, heartbeats in the motion band, confidence. */
static void test_new_rows(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cramp_detect_channel ch[4];
    cramp_detect_channel_from_label("L-GAS", &ch[0]);
    cramp_detect_channel_from_label("L-TA", &ch[1]);
    cramp_detect_channel_from_label("R-GAS", &ch[2]);
    cramp_detect_channel_from_label("R-TA", &ch[3]);
    cramp_activity act[64];
    size_t n = 0;
    /* 100 s: a tonic 30-s contraction of L-GAS: a cramp */
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 100, 130, 60, NAN, 0);
    /* 132 s: L-TA right after it, 10 s: stretching, a movement */
    act[n++] = seg(1, CRAMP_ACTIVITY_EMG, 132, 142, 60, NAN, 0);
    /* 300 s: 20 s on R-GAS with 8 sub-bursts, envelope up 60 % of the time:
       phasic, not a cramp */
    act[n] = seg(2, CRAMP_ACTIVITY_EMG, 300, 320, 60, NAN, 0);
    act[n].tonic_fraction = 0.6;
    act[n++].sub_bursts = 8;
    /* 500 s: six 0.6-s bursts on R-TA every 1.5 s: HFT */
    for (int i = 0; i < 6; i++) act[n++] = seg(3, CRAMP_ACTIVITY_EMG, 500 + 1.5 * i, 500.6 + 1.5 * i, 60, NAN, 0);
    /* 700 s: 0.6-s bursts alternating L-TA / R-TA every 0.7 s: ALMA */
    for (int i = 0; i < 6; i++)
        act[n++] = seg(i % 2 ? 3 : 1, CRAMP_ACTIVITY_EMG, 700 + 0.7 * i, 700.6 + 0.7 * i, 60, NAN, 0);
    /* 900 s: 0.12-s motion-band blips every second on L-GAS: ECG bleed, dropped */
    for (int i = 0; i < 8; i++) act[n++] = seg(0, CRAMP_ACTIVITY_LF, 900 + i, 900.12 + i, 0, NAN, 0);
    cramp_episode *ep = NULL;
    size_t ne = 0;
    cramp_error err = {0};
    unsetenv("CRAMP_TEST_BROKEN_CLASSIFIER");
    CHECK(cramp_detect_classify(act, n, ch, 4, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
          err.message);
    const struct {
        double onset;
        cramp_event_type type;
    } want[] = {{100, CRAMP_EVENT_CRAMP}, {132, CRAMP_EVENT_MOVEMENT}, {300, CRAMP_EVENT_BURST},
                {500, CRAMP_EVENT_HFT},   {700, CRAMP_EVENT_ALMA}};
    const size_t nw = sizeof want / sizeof want[0];
    CHECK(ne == nw, "%zu episodes, expected %zu (heartbeats dropped, trains merged)", ne, nw);
    for (size_t i = 0; i < ne && i < nw; i++) {
        CHECK(ep[i].onset_s == want[i].onset && ep[i].type == want[i].type,
              "episode %zu: %g %s (%s), expected %g %s", i, ep[i].onset_s,
              cramp_event_type_name(ep[i].type), ep[i].reason ? ep[i].reason : "",
              want[i].onset, cramp_event_type_name(want[i].type));
        CHECK(ep[i].confidence >= 0.5 && ep[i].confidence <= 1, "episode %zu confidence %g", i,
              ep[i].confidence);
    }
    if (ne == nw) {
        CHECK(fabs(ep[3].offset_s - 508.1) < 1e-9 && ep[3].bursts == 6, "HFT %g-%g, %zu bursts",
              ep[3].onset_s, ep[3].offset_s, ep[3].bursts);
        CHECK(ep[4].bursts == 6, "ALMA %zu bursts", ep[4].bursts);
    }
    free(ep);
    /* the same night without the stretch: the L-TA episode alone a cramp */
    CHECK(cramp_detect_classify(act + 1, 1, ch, 4, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
          err.message);
    CHECK(ne == 1 && ep[0].type == CRAMP_EVENT_CRAMP, "alone, L-TA: %s",
          ne ? cramp_event_type_name(ep[0].type) : "none");
    free(ep);
}

/* The opt-in candidate (voluntary_rule): stretching after a cramp seen on the
 * cramp's own channel, or where the leg is unknown; alone (the reaction row,
 * on by default since the eighth freeze, is its match with two exceptions:
 * detect_reaction.c). */
static void test_voluntary_rule(void)
{
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = 2000;
    cfg.reaction_rule = 0;
    cramp_detect_channel ch[2];
    cramp_detect_channel_from_label("L-GAS", &ch[0]);
    cramp_detect_channel_from_label("R-GAS", &ch[1]);
    cramp_activity act[8];
    size_t n = 0;
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 100, 130, 60, NAN, 0); /* cramp */
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 133, 143, 60, NAN, 0); /* 3 s later, same channel */
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 300, 330, 60, NAN, 0); /* cramp */
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 345, 375, 60, NAN, 0); /* 15 s later: a new cramp */
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 500, 530, 60, NAN, 0); /* cramp */
    act[n++] = seg(1, CRAMP_ACTIVITY_EMG, 536, 560, 60, NAN, 0); /* other leg: a cramp */
    act[n++] = seg(0, CRAMP_ACTIVITY_EMG, 700, 730, 60, NAN, 0); /* cramp */
    act[n] = seg(0, CRAMP_ACTIVITY_EMG, 732, 742, 60, NAN, 0);    /* phasic after it: burst */
    act[n].tonic_fraction = 0.6;
    act[n++].sub_bursts = 2;
    const cramp_event_type off[] = {CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP,
                                    CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP,
                                    CRAMP_EVENT_CRAMP, CRAMP_EVENT_BURST};
    const cramp_event_type on[] = {CRAMP_EVENT_CRAMP, CRAMP_EVENT_MOVEMENT, CRAMP_EVENT_CRAMP,
                                   CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP, CRAMP_EVENT_CRAMP,
                                   CRAMP_EVENT_CRAMP, CRAMP_EVENT_BURST};
    cramp_error err = {0};
    unsetenv("CRAMP_TEST_BROKEN_CLASSIFIER");
    for (int rule = 0; rule <= 1; rule++) {
        cfg.voluntary_rule = rule;
        const cramp_event_type *want = rule ? on : off;
        cramp_episode *ep = NULL;
        size_t ne = 0;
        CHECK(cramp_detect_classify(act, n, ch, 2, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
              err.message);
        CHECK(ne == n, "rule %d: %zu episodes, expected %zu", rule, ne, n);
        for (size_t i = 0; i < ne && i < n; i++)
            CHECK(ep[i].type == want[i], "rule %d: episode %zu at %g s: %s (%s), expected %s",
                  rule, i, ep[i].onset_s, cramp_event_type_name(ep[i].type),
                  ep[i].reason ? ep[i].reason : "", cramp_event_type_name(want[i]));
        if (rule && ne == n)
            CHECK(ep[1].reason && strstr(ep[1].reason, "same channel") &&
                      ep[1].confidence > 0.5 && ep[1].confidence <= 1,
                  "reason %s, confidence %g", ep[1].reason ? ep[1].reason : "", ep[1].confidence);
        free(ep);
    }
    /* legs unknown (two unnamed channels): another channel right after a
       cramp is the reaction to it only with the rule on */
    const cramp_activity un[] = {seg(0, CRAMP_ACTIVITY_EMG, 100, 130, 60, NAN, 0),
                                 seg(1, CRAMP_ACTIVITY_EMG, 134, 150, 60, NAN, 0)};
    for (int rule = 0; rule <= 1; rule++) {
        cfg.voluntary_rule = rule;
        cramp_episode *ep = NULL;
        size_t ne = 0;
        CHECK(cramp_detect_classify(un, 2, NULL, 2, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
              err.message);
        CHECK(ne == 2 && ep[0].type == CRAMP_EVENT_CRAMP &&
                  ep[1].type == (rule ? CRAMP_EVENT_MOVEMENT : CRAMP_EVENT_CRAMP),
              "unknown legs, rule %d: %zu episodes, second %s", rule, ne,
              ne > 1 ? cramp_event_type_name(ep[1].type) : "none");
        free(ep);
    }
    /* known legs, another muscle of the same leg: after-cramp as before,
       with or without the rule */
    cramp_detect_channel lt[2];
    cramp_detect_channel_from_label("L-GAS", &lt[0]);
    cramp_detect_channel_from_label("L-TA", &lt[1]);
    for (int rule = 0; rule <= 1; rule++) {
        cfg.voluntary_rule = rule;
        cramp_episode *ep = NULL;
        size_t ne = 0;
        CHECK(cramp_detect_classify(un, 2, lt, 2, &cfg, &ep, &ne, &err) == CRAMP_OK, "%s",
              err.message);
        CHECK(ne == 2 && ep[1].type == CRAMP_EVENT_MOVEMENT && ep[1].reason &&
                  strstr(ep[1].reason, "another muscle of the leg"),
              "after-cramp, rule %d: %s", rule, ne > 1 && ep[1].reason ? ep[1].reason : "none");
        free(ep);
    }
}

int main(void)
{
    test_id();
    test_rows_and_hook();
    test_new_rows();
    test_voluntary_rule();
    return cramp_test_finish("detect_rules");
}
