/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What is settled before the cramp detector runs: the default
 * configuration, what a channel's label says about its leg and muscle, and
 * the mains frequency guessed from a stretch of signal. */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/internal.h"
#include "detect/detect_internal.h"

/* The rule switches (detect.h): every int field of cramp_detect_config that
   turns one rule on or off, in the order the rules were added; a new rule's
   key goes here once, and every tool (cramp detect, cramp batch,
   detect-accuracy) and tests/api/detect_rules take it from here. */
#define SWITCHES(X)                                                                       \
    X(sparseness_rule, 0, "the dense-contraction row: a near-Gaussian one is a movement") \
    X(voluntary_rule, 0, "a sustained episode right after a cramp on its channel moves")  \
    X(cramp_rhythm_rule, 0, "a would-be cramp joins a PLM series only in its rhythm")    \
    X(crosstalk_time_rule, 0, "another muscle involved by power over the longer time")   \
    X(plm_bridge, 1, "one missed LM inside a PLM series is bridged")                     \
    X(reaction_rule, 1, "the reaction to a cramp on its channel, not after a precursor") \
    X(both_legs_rule, 0, "a would-be cramp with the other leg working is a movement")    \
    X(movement_signs_rule, 0, "a would-be cramp with rhythm and motion is a movement")   \
    X(plm_leg_muscles, 0, "a one-leg LM of 3-10 s on two muscles joins a PLM series")    \
    X(lm_onset_power, 0, "a segment also opens on the envelope's power above rest")      \
    X(plm_rhythm_rule, 1, "off-rhythm long LMs neither join nor end a PLM series")       \
    X(stretch_split_rule, 1, "a segment is cut where a stronger muscle of its leg starts") \
    X(ramp_tonic_rule, 0, "one pause-free run over half the episode is tonic (ramps)")   \
    X(legs_apart_rule, 0, "a long two-leg episode: a leg that does not carry it apart")  \
    X(bilateral_lm_only, 0, "an LM of the other leg joins no episode longer than 15 s") \
    X(plm_rhythm_legs, 0, "a both-legs LM is held to the rhythm rule's bound x 1.5")
#define AS_SWITCH(field, on, what) {#field, on, what},
#define AS_OFFSET(field, on, what) offsetof(cramp_detect_config, field),
static const cramp_detect_switch switches[] = {SWITCHES(AS_SWITCH)};
static const size_t switch_off[] = {SWITCHES(AS_OFFSET)};
#define N_SWITCHES (sizeof switches / sizeof switches[0])

const cramp_detect_switch *cramp_detect_switches(size_t *n)
{
    if (n) *n = N_SWITCHES;
    return switches;
}

/* word equals name with '-' and '_' alike (name has only '_') */
static int name_is(const char *word, const char *name)
{
    for (; *word && *name; word++, name++)
        if (*word != *name && !(*word == '-' && *name == '_')) return 0;
    return !*word && !*name;
}

int cramp_detect_switch_set(cramp_detect_config *cfg, const char *word)
{
    if (!cfg || !word) return -1;
    int value = 1;
    if (!strncmp(word, "no-", 3) || !strncmp(word, "no_", 3)) {
        word += 3;
        value = 0;
    }
    for (size_t i = 0; i < N_SWITCHES; i++)
        if (name_is(word, switches[i].name)) {
            *(int *)(void *)((char *)cfg + switch_off[i]) = value;
            return 1;
        }
    return 0;
}

int cramp_detect_switch_get(const cramp_detect_config *cfg, const char *name)
{
    if (!cfg || !name) return -1;
    for (size_t i = 0; i < N_SWITCHES; i++)
        if (!strcmp(name, switches[i].name))
            return *(const int *)(const void *)((const char *)cfg + switch_off[i]);
    return -1;
}

void cramp_detect_config_default(cramp_detect_config *c)
{
    memset(c, 0, sizeof *c);
    c->fs = 0;
    c->band_lo_hz = 20;
    c->band_hi_hz = 450;
    c->band_order = 2;
    c->mains_hz = 50;
    c->notch_q = 30;
    c->tick_s = 0.01;
    c->env_window_s = 0.1;
    cramp_baseline_config_default(&c->baseline);
    c->onset_uv = 8;
    c->onset_k = 2;
    c->offset_uv = 2;
    c->offset_k = 0.5;
    c->off_hold_s = 0.5;
    c->min_duration_s = 0.5;
    c->flat_min_s = 1;
    c->lf_onset_uv = 20;
    c->lf_onset_k = 3;
    c->lf_offset_uv = 5;
    c->lf_offset_k = 1;
    c->lf_hold_s = 0.25;
    c->lf_min_s = 0.1;
    c->spectral_window_s = 0.5;
    c->involve_fraction = 0.5;
    c->concurrent_fraction = 0.5;
    c->lf_ratio = 0.5;
    c->clip_fraction = 0.001;
    c->movement_min_s = 3;
    c->movement_max_s = 45;
    c->lm_min_s = 0.5;
    c->lm_max_s = 10;
    c->plm_min_count = 4;
    c->plm_min_interval_s = 10;
    c->plm_max_interval_s = 90;
    c->bilateral_s = 5;
    c->cramp_min_s = 5;
    c->sparse_block_s = 0.25;
    c->sparse_kurtosis = 0.2;
    c->sparse_min_hz = 200;
    c->sparse_min_blocks = 8;
    c->tonic_min = 0.95;
    c->train_min_bursts = 4;
    c->train_min_hz = 0.3;
    c->train_max_hz = 4;
    c->train_burst_max_s = 1;
    c->train_max_cv = 0.3;
    c->stretch_window_s = 10;
    c->precursor_ratio = 0.4;
    c->precursor_window_s = 0.5;
    /* the rule switches, each as its row above says (the eighth freeze turned
       reaction_rule on, the ninth plm_rhythm_rule and stretch_split_rule) */
    for (size_t i = 0; i < N_SWITCHES; i++)
        *(int *)(void *)((char *)c + switch_off[i]) = switches[i].on_by_default;
    c->env_mod_max = 1.0;
    c->simd = CRAMP_SIMD_AUTO;
}

/* ---- labels ------------------------------------------------------------- */

static int word_is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && strncmp(w, s, n) == 0;
}

static int word_starts(const char *w, size_t n, const char *s)
{
    size_t m = strlen(s);
    return n >= m && strncmp(w, s, m) == 0;
}

void cramp_detect_channel_from_label(const char *label, cramp_detect_channel *ch)
{
    ch->leg = -1;
    ch->muscle = -1;
    ch->phys_min = (double)NAN;
    ch->phys_max = (double)NAN;
    if (!label) return;
    char buf[96];
    size_t n = 0;
    for (const char *p = label; *p && n + 1 < sizeof buf; p++)
        buf[n++] = (char)tolower((unsigned char)*p);
    buf[n] = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && !isalnum((unsigned char)buf[i])) i++;
        size_t j = i;
        while (j < n && isalpha((unsigned char)buf[j])) j++;
        const char *w = buf + i;
        size_t len = j - i;
        if (len == 0) {
            while (j < n && isalnum((unsigned char)buf[j])) j++;
            i = j;
            continue;
        }
        if (word_is(w, len, "l") || word_is(w, len, "left") || word_is(w, len, "lt"))
            ch->leg = 0;
        else if (word_is(w, len, "r") || word_is(w, len, "right") || word_is(w, len, "rt"))
            ch->leg = 1;
        else if (word_starts(w, len, "gas") || word_is(w, len, "calf") || word_is(w, len, "gm") ||
                 word_is(w, len, "gl"))
            ch->muscle = CRAMP_MUSCLE_GAS;
        else if (word_is(w, len, "ta") || word_starts(w, len, "tib"))
            ch->muscle = CRAMP_MUSCLE_TA;
        else if (word_starts(w, len, "sol"))
            ch->muscle = CRAMP_MUSCLE_SOL;
        else if (word_is(w, len, "ah") || word_is(w, len, "foot") || word_starts(w, len, "hall"))
            ch->muscle = CRAMP_MUSCLE_FOOT;
        else if (word_is(w, len, "vl") || word_is(w, len, "thigh") || word_starts(w, len, "quad") ||
                 word_starts(w, len, "ham"))
            ch->muscle = CRAMP_MUSCLE_THIGH;
        i = j;
    }
}

/* Words of a label or transducer (lower case, split at anything that is not
 * a letter, and at letter/digit boundaries: "LAT1" gives "lat"), passed to
 * fn until it returns nonzero. */
static int for_each_word(const char *text, int (*fn)(const char *w, size_t n, void *ctx),
                         void *ctx)
{
    char buf[96];
    size_t n = 0;
    for (const char *p = text ? text : ""; *p && n + 1 < sizeof buf; p++)
        buf[n++] = (char)tolower((unsigned char)*p);
    buf[n] = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && !isalpha((unsigned char)buf[i])) i++;
        size_t j = i;
        while (j < n && isalpha((unsigned char)buf[j])) j++;
        if (j > i && fn(buf + i, j - i, ctx)) return 1;
        i = j;
    }
    return 0;
}

/* Signal types a PSG labels that are not leg EMG (AASM manual, EDF+ "EEG
 * Fpz-Cz", "EOG LOC", "EMG Chin", "ECG", "Resp ..."), and EEG electrode
 * names. */
static int word_not_leg(const char *w, size_t n, void *ctx)
{
    (void)ctx;
    static const char *const words[] = {
        "eeg", "eog", "ecg", "ekg", "chin", "submental", "sub", "ment", "mentalis", "resp",
        "flow", "thor", "thorax", "abd", "abdomen", "snore", "spo", "sao", "pleth", "pos",
        "position", "loc", "roc", "fp", "fpz", "cz", "pz", "fz", "oz", "c", "o", "f", "a", "m",
        "t", "p", "e", "hr", "pulse", "light", "temp", "arm", "arms", "masseter", "jaw", "nasal",
        "cannula", "therm", "press", "event", "marker"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (word_is(w, n, words[k])) return 1;
    return 0;
}

/* Words that say leg EMG: AASM's LAT/RAT (left/right anterior tibialis),
 * "Leg", "PLM", the muscles of cramp_detect_channel_from_label and their
 * Latin names. */
static int word_leg(const char *w, size_t n, void *ctx)
{
    (void)ctx;
    static const char *const words[] = {"lat", "rat", "leg", "legs", "lleg", "rleg", "plm",
                                        "lm", "ta", "gas", "calf", "gm", "gl", "ah", "foot",
                                        "vl", "thigh", "lta", "rta", "lgas", "rgas", "tib"};
    static const char *const prefixes[] = {"gastroc", "tibia", "soleus", "sol", "hallu",
                                           "quad", "hamstr", "peron", "fibular"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (word_is(w, n, words[k])) return 1;
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
        if (word_starts(w, n, prefixes[k])) return 1;
    return 0;
}

static int word_emg(const char *w, size_t n, void *ctx)
{
    (void)ctx;
    return word_is(w, n, "emg");
}

static int word_electrode(const char *w, size_t n, void *ctx)
{
    (void)ctx;
    return word_is(w, n, "agagcl") || word_starts(w, n, "electrode") || word_is(w, n, "ag") ||
           word_is(w, n, "emg");
}

static int is_voltage(const char *u)
{
    return u && (!strcmp(u, "uV") || !strcmp(u, "mV") || !strcmp(u, "V") || !strcmp(u, "nV") ||
                 !strcmp(u, "\xC2\xB5V") || !strcmp(u, "\xB5V") || !strcmp(u, "\xCE\xBCV"));
}

int cramp_detect_is_leg_emg(const char *label, const char *transducer, const char *unit)
{
    if (unit && unit[0] && !is_voltage(unit)) return 0;
    if (for_each_word(label, word_not_leg, NULL)) return 0;
    if (for_each_word(label, word_leg, NULL) || for_each_word(transducer, word_leg, NULL))
        return 1;
    /* "EMG", "EMG1", "EMG L" with an electrode transducer (or none): in a PSG
     * the EMG that is not the chin's (excluded above) is the legs'. */
    return for_each_word(label, word_emg, NULL) &&
           (!transducer || !transducer[0] || for_each_word(transducer, word_electrode, NULL));
}

/* ---- mains -------------------------------------------------------------- */

/* The Goertzel powers at 50, 60, 150 and 180 Hz: the kernel table's
 * mains_power (detect_kernels.inc), eight channels at a time in one pass, on
 * the widest path this CPU runs; every path gives the same bits. */
void cramp__detect_mains_power(const float *in, size_t frames, size_t C, double fs, double *p50,
                               double *p60)
{
    static const double hz[4] = {50, 60, 150, 180};
    const size_t nf = fs > 2 * 185 ? 4 : 2;
    double k[4];
    for (size_t f = 0; f < nf; f++) k[f] = 2 * cos(2 * 3.14159265358979323846 * hz[f] / fs);
    cramp_simd simd;
    if (cramp__simd_resolve(CRAMP_SIMD_AUTO, &simd) != CRAMP_OK) simd = CRAMP_SIMD_SCALAR;
    cramp__detect_kernels_for(simd)->mains_power(in, frames, C, nf, k, p50, p60);
}

double cramp_detect_mains_guess(const float *in, size_t frames, size_t C, double fs)
{
    if (!in || frames < 16 || C == 0 || !(fs > 130)) return 0;
    double p50, p60;
    cramp__detect_mains_power(in, frames, C, fs, &p50, &p60);
    if (p60 > 2 * p50) return 60;
    if (p50 > 2 * p60) return 50;
    return 0;
}
