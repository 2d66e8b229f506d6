/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect-accuracy: the cramp detector (cramp/detect.h) against the ground
 * truth of simulated nights, beside the plain baseline.
 *
 * For each scenario given (the standard suite: datasets/suite/NAME.scenario)
 * and each night's seed (bench/README.md, "Seed splits": --split development
 * or no option: the scenario's own seed, +1, ...; --split validation |
 * evaluation: the split's first seeds; --seed-range A-B; --seed-base S), a
 * night is simulated in memory (cramp_synth), streamed through
 *   ours:  the night driver (cramp/night.h: the detector primed with the
 *          first minute, classification), as `cramp detect` runs it;
 *   plain: the afternoon recipe of bench/plain_detector.h (Butterworth
 *          20-450 Hz zero-phase, 0.25 s RMS, 4 x median, >= 5 s cramp,
 *          series of >= 4 short episodes 5-90 s apart plm, else burst),
 *          fed the same blocks as ours (cramp_night_options.on_block);
 * and scored with cramp_score (IoU >= 0.2, one-to-one, per class).
 *
 * Output (TSV on stdout): '#' header lines (commit, split, seeds, bootstrap,
 * config_hash, the plain recipe), then per scenario, per detector and class:
 * the scenario's sampling rate and SNR tag, nights, n_truth, tp, fp, fn,
 * precision, recall and F1 each with its 95 % bootstrap interval over
 * nights, median onset error (s) and a flag (n<10: fewer than 10 true
 * events); then rows pooled per sampling rate (scenario "by-rate", fs_hz the
 * rate, snr "all"), per SNR tag (scenario "by-snr", fs_hz 0) and over
 * everything (scenario "pooled").
 * With --misses CLASS, every truth event of that class that ours missed
 * (no detection of the class at IoU >= 0.2) and every false one is listed on
 * stderr with the events overlapping it: where to look.
 * With --variants FILE: the robustness benchmark (robustness.h).
 * Usage: see usage() or bench/README.md.
 */
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
#include "eval.h"
#include "plain_detector.h"
#include "robustness.h"

#define BLOCK 4096

static const char *snr_tag(const cramp_scenario *sc)
{
    if (sc->noise_uv <= 1.0) return "easy";
    if (sc->noise_uv <= 3.0) return "moderate";
    return "hard";
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* Channel labels of a mask, comma-separated (malloc'd). */
static char *mask_labels(const cramp_synth *s, uint32_t mask)
{
    char buf[512] = "";
    size_t C = cramp_synth_channels(s);
    for (size_t c = 0; c < C; c++) {
        if (!(mask >> c & 1u)) continue;
        if (buf[0]) strncat(buf, ",", sizeof buf - strlen(buf) - 1);
        strncat(buf, cramp_synth_channel_label(s, c), sizeof buf - strlen(buf) - 1);
    }
    return dupstr(buf);
}

/* One night's run: the simulator as the night driver's source, and the
 * plain detector fed the same blocks (cramp_night_options.on_block). */
typedef struct night_run {
    cramp_synth *s;
    plain_detector *pd;
    double other_s;   /* CPU time in the simulator and the plain detector */
    int failed;
} night_run;

static cramp_status synth_read(void *user, const size_t *channels, size_t n, float *out,
                               size_t max_frames, size_t *frames, cramp_error *err)
{
    night_run *nr = user;
    (void)channels;
    (void)n;
    (void)err;
    double a0 = (double)clock() / CLOCKS_PER_SEC;
    *frames = cramp_synth_generate(nr->s, out, max_frames);
    nr->other_s += (double)clock() / CLOCKS_PER_SEC - a0;
    return CRAMP_OK;
}

static cramp_status synth_rewind(void *user, const size_t *channels, size_t n, cramp_error *err)
{
    (void)channels;
    (void)n;
    (void)err;
    cramp_synth_reset(((night_run *)user)->s);
    return CRAMP_OK;
}

/* The plain detector (bench/plain_detector.h) on the main pass's blocks,
 * created on the first one (when the group's rate is known). */
static void plain_block(void *user, const cramp_night_group *g, const float *buf, size_t n)
{
    night_run *nr = user;
    if (nr->failed) return;
    double a0 = (double)clock() / CLOCKS_PER_SEC;
    if (!nr->pd) {
        cramp_error err;
        memset(&err, 0, sizeof err);
        plain_config pc;
        plain_config_default(&pc);
        nr->pd = plain_detector_create(g->n, g->fs, &pc, &err);
        if (!nr->pd) {
            fprintf(stderr, "plain detector: %s\n", err.message);
            nr->failed = 1;
            return;
        }
    }
    if (plain_detector_process(nr->pd, buf, n) != 0) nr->failed = 1;
    nr->other_s += (double)clock() / CLOCKS_PER_SEC - a0;
}

/* The detector's configuration, the defaults with the opt-in rules the
   command line asks for (main): --voluntary-rule (voluntary_rule),
   --cramp-rhythm-rule / --cramp-rhythm-half series|after (cramp_rhythm_rule
   1, 2, 3; h12y, h12z), --crosstalk-time-rule (crosstalk_time_rule, h12ab),
   --no-plm-bridge (plm_bridge 0, h12ad), --no-reaction-rule (reaction_rule 0,
   h12ae), --both-legs-rule (both_legs_rule, h12ag), --movement-signs-rule
   (movement_signs_rule, h12ak), --plm-leg-muscles (plm_leg_muscles, h12af),
   --lm-onset-power (lm_onset_power, h12ai), --no-plm-rhythm-rule
   (plm_rhythm_rule 0, h12aj; the ninth freeze), --no-stretch-split-rule
   (stretch_split_rule 0, h12al; the ninth freeze), --plm-edge-rhythm[=2]
   (plm_edge_rhythm 1 or 2, h12an). Its rules id heads the
   tables. */
static cramp_detect_config g_detect;

static int run_night(const cramp_scenario *sc, night_result *r, double *secs)
{
    cramp_error err;
    memset(&err, 0, sizeof err);
    night_run nr;
    memset(&nr, 0, sizeof nr);
    if (cramp_synth_create(&nr.s, sc, &err) != CRAMP_OK) {
        fprintf(stderr, "synth: %s\n", err.message);
        return -1;
    }
    cramp_synth *s = nr.s;
    const size_t C = cramp_synth_channels(s);
    double fs[CRAMP_SYNTH_MAX_CHANNELS];
    cramp_detect_channel ch[CRAMP_SYNTH_MAX_CHANNELS];
    for (size_t c = 0; c < C; c++) {
        fs[c] = cramp_synth_fs(s);
        cramp_detect_channel_from_label(cramp_synth_channel_label(s, c), &ch[c]);
        ch[c].phys_min = -sc->range_uv;
        ch[c].phys_max = sc->range_uv;
    }
    /* ours: the night driver, as `cramp detect` runs it (first minute primed,
       mains auto) */
    cramp_night_source src = {C, fs, ch, 0, synth_read, synth_rewind, &nr};
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.detect = g_detect;
    opt.block_frames = BLOCK;
    opt.on_block = plain_block;
    opt.block_user = &nr;
    cramp_night_result res;
    double t0 = (double)clock() / CLOCKS_PER_SEC;
    if (cramp_night_run(&src, &opt, &res, &err) != CRAMP_OK || nr.failed || !nr.pd) {
        fprintf(stderr, "detector: %s\n",
                nr.failed || !nr.pd ? "plain detector failed" : err.message);
        return -1;
    }
    *secs = (double)clock() / CLOCKS_PER_SEC - t0 - nr.other_s;
    plain_event *pe = NULL;
    size_t n_pe = 0;
    if (plain_detector_finish(nr.pd, &pe, &n_pe) != 0) {
        fprintf(stderr, "plain detector finish failed\n");
        return -1;
    }
    const cramp_episode *ep = res.episodes;
    const size_t ne = res.n_episodes;
    const cramp_synth_event *te = cramp_synth_events(s);
    r->n_truth = cramp_synth_event_count(s);
    r->truth = calloc(r->n_truth + 1, sizeof *r->truth);
    for (size_t i = 0; i < r->n_truth; i++) {
        r->truth[i].onset_s = te[i].onset_s;
        r->truth[i].duration_s = te[i].duration_s;
        r->truth[i].trial_type = cramp_event_type_name(te[i].type);
        r->truth[i].channel = dupstr(te[i].channel);
    }
    r->n_ours = ne;
    r->ours = calloc(ne + 1, sizeof *r->ours);
    for (size_t i = 0; i < ne; i++) {
        r->ours[i].onset_s = ep[i].onset_s;
        r->ours[i].duration_s = ep[i].duration_s;
        r->ours[i].trial_type = cramp_event_type_name(ep[i].type);
        r->ours[i].channel = mask_labels(s, ep[i].channels);
    }
    r->n_plain = n_pe;
    r->plain = calloc(n_pe + 1, sizeof *r->plain);
    for (size_t i = 0; i < n_pe; i++) {
        r->plain[i].onset_s = pe[i].onset_s;
        r->plain[i].duration_s = pe[i].duration_s;
        r->plain[i].trial_type = plain_class_name(pe[i].cls);
        r->plain[i].channel = mask_labels(s, pe[i].channels);
    }
    free(pe);
    cramp_night_result_free(&res);
    plain_detector_destroy(nr.pd);
    cramp_synth_destroy(s);
    return 0;
}

static double iou(const cramp_event *a, const cramp_event *b)
{
    double i = fmin(a->onset_s + a->duration_s, b->onset_s + b->duration_s) -
               fmax(a->onset_s, b->onset_s);
    double u = fmax(a->onset_s + a->duration_s, b->onset_s + b->duration_s) -
               fmin(a->onset_s, b->onset_s);
    return i > 0 && u > 0 ? i / u : 0;
}

/* --misses: events of class `cls` in `from` with no event of that class in
 * `to` at IoU >= 0.2, each with what in `to` overlaps it (stderr). */
static void print_misses(const char *scen, uint64_t seed, const char *what, const char *cls,
                         const cramp_event *from, size_t nf, const cramp_event *to, size_t nt)
{
    for (size_t i = 0; i < nf; i++) {
        if (strcmp(from[i].trial_type, cls) != 0) continue;
        int hit = 0;
        for (size_t k = 0; k < nt && !hit; k++)
            hit = !strcmp(to[k].trial_type, cls) && iou(&from[i], &to[k]) >= 0.2;
        if (hit) continue;
        fprintf(stderr, "%s seed %llu: %s %s at %.2f s for %.2f s on %s; overlapping:", scen,
                (unsigned long long)seed, what, cls, from[i].onset_s, from[i].duration_s,
                from[i].channel ? from[i].channel : "?");
        int any = 0;
        for (size_t k = 0; k < nt; k++) {
            if (iou(&from[i], &to[k]) <= 0) continue;
            fprintf(stderr, " %s %.2f+%.2f %s;", to[k].trial_type, to[k].onset_s,
                    to[k].duration_s, to[k].channel ? to[k].channel : "?");
            any = 1;
        }
        fprintf(stderr, "%s\n", any ? "" : " nothing");
    }
}

static void free_events(cramp_event *e, size_t n)
{
    if (!e) return;
    for (size_t i = 0; i < n; i++) free((char *)e[i].channel);
    free(e);
}

/* Scores pooled over the scenarios sharing a rate or an SNR tag. */
#define MAX_GROUPS 16
typedef struct group {
    double fs;           /* by rate (0 for an SNR group) */
    const char *snr;     /* by SNR tag ("all" for a rate group) */
    eval_tally ours, plain;
} group;

static group *group_for(group *g, size_t *n, double fs, const char *snr,
                        const cramp_score_config *cfg)
{
    for (size_t i = 0; i < *n; i++)
        if (g[i].fs == fs && !strcmp(g[i].snr, snr)) return &g[i];
    if (*n == MAX_GROUPS) return NULL;
    group *q = &g[(*n)++];
    q->fs = fs;
    q->snr = snr;
    if (eval_tally_init(&q->ours, cfg) || eval_tally_init(&q->plain, cfg)) return NULL;
    return q;
}

static int cmp_group(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->fs != y->fs) return x->fs < y->fs ? -1 : 1;
    return strcmp(x->snr, y->snr);
}

/* One row per class of ours or plain (the union of both, so a class one of
 * them never says still shows its misses), with bootstrap intervals. */
static void print_scores(const char *scen, double fs, const char *snr, const char *det,
                         const eval_tally *t, const eval_tally *other,
                         const eval_boot_config *boot)
{
    const eval_tally *both[2] = {t, other};
    char seen[2 * EVAL_MAX_CLASSES + 1][32] = {"cramp"}; /* a cramp row always, even
                                                            for a night with no event */
    size_t n_seen = 1;
    for (int w = 0; w < 2; w++)
        for (size_t k = 0; k < both[w]->n_classes; k++) {
            const char *cls = both[w]->classes[k];
            int dup = 0;
            for (size_t q = 0; q < n_seen && !dup; q++) dup = !strcmp(seen[q], cls);
            if (dup) continue;
            snprintf(seen[n_seen++], sizeof seen[0], "%s", cls);
        }
    for (size_t q = 0; q < n_seen; q++) {
        eval_prf r;
        eval_bootstrap(t, seen[q], boot, &r);
        double onset = ((double)NAN);
        for (size_t k = 0; k < cramp_score_classes(t->pooled); k++) {
            cramp_class_score cs;
            if (strcmp(cramp_score_class_name(t->pooled, k), seen[q]) ||
                cramp_score_get(t->pooled, CRAMP_SCORE_POOLED, k, &cs) != CRAMP_OK)
                continue;
            if (cs.tp) onset = cs.onset.median;
        }
        printf("%s\t%g\t%s\t%s\t%s\t%zu\t%u\t%u\t%u\t%u\t", scen, fs, snr, det, seen[q],
               t->n_nights, r.sum.n_truth, r.sum.tp, r.sum.fp, r.sum.fn);
        const double v[10] = {r.p, r.p_lo, r.p_hi, r.r, r.r_lo, r.r_hi, r.f1, r.f1_lo, r.f1_hi,
                              onset};
        for (int j = 0; j < 10; j++) {
            eval_put(stdout, v[j]);
            putchar('\t');
        }
        printf("%s\n", eval_flag(r.sum.n_truth));
    }
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: detect-accuracy [--nights N] [--minutes M]\n"
            "                       [--split development|validation|evaluation | "
            "--seed-range A-B | --seed-base S]\n"
            "                       [--resamples B] [--boot-seed S] [--commit DESC] "
            "[--misses CLASS] [--voluntary-rule]\n"
            "                       [--cramp-rhythm-rule | --cramp-rhythm-half series|after] "
            "[--crosstalk-time-rule] [--no-reaction-rule] [--no-plm-bridge] [--both-legs-rule]\n"
            "                       [--movement-signs-rule] [--plm-leg-muscles] [--lm-onset-power]\n"
            "                       [--no-plm-rhythm-rule] [--no-stretch-split-rule] "
            "[--plm-edge-rhythm[=2]]\n"
            "                       [--set KEY=VALUE ...]\n"
            "                       [--ledger FILE] [--rerun-spent] SCENARIO...\n"
            "       detect-accuracy --variants FILE [--quick] [same seed, bootstrap and "
            "ledger options] (robustness; bench/README.md)\n"
            "Evaluation seeds (20000-29999) are checked against the ledger (default %s):\n"
            "seeds another rules id was run on are refused (--rerun-spent measures anyway,\n"
            "the table then says held_out: no); a first use is recorded there, and\n"
            "--split evaluation starts at the first seed no other rules id has used.\n"
            "--set KEY=VALUE (repeatable) sets a scenario key in every scenario (in --variants\n"
            "mode: in the base, before the file's own lines), e.g. --set plm_truth=aasm;\n"
            "the tables' header names it.\n",
            EVAL_DEFAULT_LEDGER);
}

int main(int argc, char **argv)
{
    size_t nights = 1;
    int nights_given = 0;
    double minutes = 0;
    long seed_base = -1;
    const char *misses = NULL, *commit_arg = NULL, *split_arg = NULL, *range_arg = NULL;
    const char *variants = NULL, *ledger = EVAL_DEFAULT_LEDGER;
    int quick = 0, rerun_spent = 0;
    cramp_detect_config_default(&g_detect);
    eval_boot_config boot = {2000, 20261206};
    char set_lines[2048] = ""; /* --set KEY=VALUE: scenario lines "KEY VALUE\n" */
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--nights") && i + 1 < argc) {
            nights = (size_t)atol(argv[++i]);
            nights_given = 1;
        } else if (!strcmp(argv[i], "--minutes") && i + 1 < argc)
            minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seed-base") && i + 1 < argc)
            seed_base = atol(argv[++i]);
        else if (!strcmp(argv[i], "--split") && i + 1 < argc)
            split_arg = argv[++i];
        else if (!strcmp(argv[i], "--seed-range") && i + 1 < argc)
            range_arg = argv[++i];
        else if (!strcmp(argv[i], "--resamples") && i + 1 < argc)
            boot.resamples = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--boot-seed") && i + 1 < argc)
            boot.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--commit") && i + 1 < argc)
            commit_arg = argv[++i];
        else if (!strcmp(argv[i], "--misses") && i + 1 < argc)
            misses = argv[++i];
        else if (!strcmp(argv[i], "--variants") && i + 1 < argc)
            variants = argv[++i];
        else if (!strcmp(argv[i], "--ledger") && i + 1 < argc)
            ledger = argv[++i];
        else if (!strcmp(argv[i], "--rerun-spent"))
            rerun_spent = 1;
        else if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            const char *kv = argv[++i], *eq = strchr(kv, '=');
            const size_t len = strlen(set_lines);
            if (!eq || eq == kv || !eq[1] ||
                snprintf(set_lines + len, sizeof set_lines - len, "%.*s %s\n", (int)(eq - kv), kv,
                         eq + 1) >= (int)(sizeof set_lines - len)) {
                fprintf(stderr, "--set wants KEY=VALUE, not '%s'\n", kv);
                return 2;
            }
            for (char *c = set_lines + len; *c; c++) /* a value of several numbers: LO,HI */
                if (*c == ',') *c = ' ';
        }
        else if (!strcmp(argv[i], "--voluntary-rule")) /* opt-in candidate rule */
            g_detect.voluntary_rule = 1;
        else if (!strcmp(argv[i], "--no-reaction-rule")) /* opt-out (h12ae; the eighth freeze) */
            g_detect.reaction_rule = 0;
        else if (!strcmp(argv[i], "--crosstalk-time-rule")) /* opt-in (h12ab) */
            g_detect.crosstalk_time_rule = 1;
        else if (!strcmp(argv[i], "--no-plm-bridge")) /* opt-out (h12ad) */
            g_detect.plm_bridge = 0;
        else if (!strcmp(argv[i], "--both-legs-rule")) /* opt-in (h12ag) */
            g_detect.both_legs_rule = 1;
        else if (!strcmp(argv[i], "--movement-signs-rule")) /* opt-in (h12ak) */
            g_detect.movement_signs_rule = 1;
        else if (!strcmp(argv[i], "--plm-leg-muscles")) /* opt-in (h12af) */
            g_detect.plm_leg_muscles = 1;
        else if (!strcmp(argv[i], "--lm-onset-power")) /* opt-in (h12ai) */
            g_detect.lm_onset_power = 1;
        else if (!strcmp(argv[i], "--no-plm-rhythm-rule")) /* opt-out (h12aj; the ninth freeze) */
            g_detect.plm_rhythm_rule = 0;
        else if (!strcmp(argv[i], "--no-stretch-split-rule")) /* opt-out (h12al; the ninth freeze) */
            g_detect.stretch_split_rule = 0;
        else if (!strcmp(argv[i], "--plm-edge-rhythm")) /* opt-in (h12an) */
            g_detect.plm_edge_rhythm = 1;
        else if (!strcmp(argv[i], "--plm-edge-rhythm=1") || !strcmp(argv[i], "--plm-edge-rhythm=2"))
            g_detect.plm_edge_rhythm = argv[i][18] - '0';
        else if (!strcmp(argv[i], "--cramp-rhythm-rule")) /* opt-in (h12y) */
            g_detect.cramp_rhythm_rule = 1;
        else if (!strcmp(argv[i], "--cramp-rhythm-half") && i + 1 < argc) { /* (h12z) */
            const char *h = argv[++i];
            if (!strcmp(h, "series"))
                g_detect.cramp_rhythm_rule = 2;
            else if (!strcmp(h, "after"))
                g_detect.cramp_rhythm_rule = 3;
            else {
                fprintf(stderr, "--cramp-rhythm-half: series or after, not %s\n", h);
                return 2;
            }
        }
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!nights) {
        fprintf(stderr, "--nights wants a positive count\n");
        return 2;
    }
    if ((split_arg != NULL) + (range_arg != NULL) + (seed_base >= 0) > 1) {
        fprintf(stderr, "give at most one of --split, --seed-range, --seed-base\n");
        return 2;
    }
    char commit[256];
    eval_commit(commit_arg, commit, sizeof commit);
    char hash[17];
    eval_config_hash(&g_detect, hash);
    /* seeds: first seed (or -1: each scenario's own) and count */
    uint64_t lo = 0, hi = 0;
    int own = 1;
    const char *split_name = NULL;
    if (range_arg) {
        if (eval_parse_range(range_arg, &lo, &hi)) {
            fprintf(stderr, "--seed-range wants A-B with A <= B, not '%s'\n", range_arg);
            return 2;
        }
        if (nights_given && nights != hi - lo + 1) {
            fprintf(stderr, "--nights and --seed-range disagree\n");
            return 2;
        }
        nights = (size_t)(hi - lo + 1);
        own = 0;
    } else if (split_arg) {
        const eval_split *sp = eval_split_find(split_arg);
        if (!sp) {
            fprintf(stderr, "unknown split '%s' (development, validation, evaluation)\n",
                    split_arg);
            return 2;
        }
        split_name = sp->name;
        /* development keeps the suite's own seeds (as every development table so far) */
        if (strcmp(sp->name, "development") != 0) {
            lo = sp->lo;
            /* evaluation: past every seed another rules id was run on */
            if (!strcmp(sp->name, "evaluation") &&
                eval_ledger_first_unspent(ledger, hash, &lo))
                return 2;
            hi = lo + nights - 1;
            own = 0;
            if (hi > sp->hi) {
                fprintf(stderr, "the %s split has only %llu seeds\n", sp->name,
                        (unsigned long long)(sp->hi - sp->lo + 1));
                return 2;
            }
        }
    } else if (seed_base >= 0) {
        lo = (uint64_t)seed_base;
        hi = lo + nights - 1;
        own = 0;
    }
    plain_config pcfg;
    plain_config_default(&pcfg);
    char pdesc[512];
    plain_config_describe(&pcfg, pdesc, sizeof pdesc);

    if (variants) {
        /* development: from 1001 (the suite's own seeds and 9001-9010 stay for the suite) */
        robust_options ro = {nights_given || range_arg ? nights : 0, minutes, quick,
                             own ? 1001 : lo, commit, hash, pdesc, boot, ledger, rerun_spent,
                             set_lines};
        return robust_run(variants, &ro, run_night);
    }
    if (i >= argc) {
        fprintf(stderr, "give scenario files (datasets/suite/*.scenario)\n");
        return 2;
    }
    /* load every scenario first: the header names the seeds */
    size_t n_sc = (size_t)(argc - i);
    cramp_scenario *scs = calloc(n_sc, sizeof *scs);
    if (!scs) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    uint64_t smin = UINT64_MAX, smax = 0;
    for (size_t q = 0; q < n_sc; q++) {
        cramp_scenario_default(&scs[q]);
        cramp_error err;
        memset(&err, 0, sizeof err);
        if (cramp_scenario_load(&scs[q], argv[i + (int)q], &err) != CRAMP_OK ||
            cramp_scenario_parse(&scs[q], set_lines, &err) != CRAMP_OK) {
            fprintf(stderr, "%s%s\n", err.message, set_lines[0] ? " (or in --set)" : "");
            free(scs);
            return 1;
        }
        uint64_t a = own ? scs[q].seed : lo, b = own ? scs[q].seed + nights - 1 : hi;
        if (a < smin) smin = a;
        if (b > smax) smax = b;
    }
    char seeds[128];
    if (own)
        snprintf(seeds, sizeof seeds, "each scenario's own seed + 0..%zu (all within %llu-%llu)",
                 nights - 1, (unsigned long long)smin, (unsigned long long)smax);
    else
        snprintf(seeds, sizeof seeds, "%llu-%llu for every scenario", (unsigned long long)lo,
                 (unsigned long long)hi);
    const char *split = eval_split_of(smin, smax);
    if (split_name && strcmp(split, split_name) != 0) {
        fprintf(stderr, "the seeds %llu-%llu are not all in the %s split\n",
                (unsigned long long)smin, (unsigned long long)smax, split_name);
        free(scs);
        return 2;
    }
    char held_out[512];
    int lrc = eval_ledger_claim(ledger, smin, smax, hash, commit, rerun_spent, held_out,
                                sizeof held_out);
    if (lrc) {
        free(scs);
        return lrc;
    }
    eval_print_header(stdout, "detect-accuracy", commit, split, seeds, &boot, hash, pdesc,
                      held_out);
    if (minutes > 0) printf("# minutes per night: %g\n", minutes);
    eval_print_set_lines(stdout, set_lines);

    cramp_score_config scfg;
    cramp_score_config_default(&scfg);
    eval_tally all_ours, all_plain;
    eval_tally_init(&all_ours, &scfg);
    eval_tally_init(&all_plain, &scfg);
    printf("scenario\tfs_hz\tsnr\tdetector\tclass\tnights\tn_truth\ttp\tfp\tfn\tprecision\tp_lo"
           "\tp_hi\trecall\tr_lo\tr_hi\tf1\tf1_lo\tf1_hi\tonset_median_s\tflag\n");
    double total_frames = 0, total_secs = 0;
    group groups[MAX_GROUPS];
    size_t n_groups = 0;
    for (size_t q = 0; q < n_sc; q++) {
        cramp_scenario sc = scs[q];
        const char *path = argv[i + (int)q];
        if (minutes > 0) sc.duration_min = minutes;
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(strcspn(base, ".")), base);
        eval_tally so, sp;
        eval_tally_init(&so, &scfg);
        eval_tally_init(&sp, &scfg);
        uint64_t seed0 = own ? sc.seed : lo;
        for (size_t k = 0; k < nights; k++) {
            sc.seed = seed0 + k;
            night_result r;
            memset(&r, 0, sizeof r);
            double secs = 0;
            if (run_night(&sc, &r, &secs) != 0) return 1;
            total_frames += sc.duration_min * 60 * sc.fs * (double)sc.channels;
            total_secs += secs;
            if (misses) {
                print_misses(name, sc.seed, "missed", misses, r.truth, r.n_truth, r.ours,
                             r.n_ours);
                print_misses(name, sc.seed, "false", misses, r.ours, r.n_ours, r.truth,
                             r.n_truth);
            }
            group *gr[2] = {group_for(groups, &n_groups, sc.fs, "all", &scfg),
                            group_for(groups, &n_groups, 0, snr_tag(&sc), &scfg)};
            eval_tally *to[5] = {&so, &all_ours, gr[0] ? &gr[0]->ours : NULL,
                                 gr[1] ? &gr[1]->ours : NULL, NULL};
            eval_tally *tp[5] = {&sp, &all_plain, gr[0] ? &gr[0]->plain : NULL,
                                 gr[1] ? &gr[1]->plain : NULL, NULL};
            if (!gr[0] || !gr[1]) {
                fprintf(stderr, "more than %d rate and SNR groups\n", MAX_GROUPS);
                return 1;
            }
            for (int w = 0; to[w]; w++)
                if (eval_tally_add(to[w], name, r.truth, r.n_truth, r.ours, r.n_ours) ||
                    eval_tally_add(tp[w], name, r.truth, r.n_truth, r.plain, r.n_plain)) {
                    fprintf(stderr, "scoring failed\n");
                    return 1;
                }
            free_events(r.truth, r.n_truth);
            free_events(r.ours, r.n_ours);
            free_events(r.plain, r.n_plain);
        }
        print_scores(name, sc.fs, snr_tag(&sc), "ours", &so, &sp, &boot);
        print_scores(name, sc.fs, snr_tag(&sc), "plain", &sp, &so, &boot);
        fflush(stdout);
        eval_tally_free(&so);
        eval_tally_free(&sp);
    }
    qsort(groups, n_groups, sizeof *groups, cmp_group);
    for (size_t q = 0; q < n_groups; q++) {
        const char *what = groups[q].fs > 0 ? "by-rate" : "by-snr";
        print_scores(what, groups[q].fs, groups[q].snr, "ours", &groups[q].ours,
                     &groups[q].plain, &boot);
        print_scores(what, groups[q].fs, groups[q].snr, "plain", &groups[q].plain,
                     &groups[q].ours, &boot);
        eval_tally_free(&groups[q].ours);
        eval_tally_free(&groups[q].plain);
    }
    print_scores("pooled", 0, "all", "ours", &all_ours, &all_plain, &boot);
    print_scores("pooled", 0, "all", "plain", &all_plain, &all_ours, &boot);
    fprintf(stderr, "detector (library, synth excluded): %.0f samples in %.2f s CPU = %.1f M "
                    "samples/s\n",
            total_frames, total_secs, total_frames / total_secs / 1e6);
    eval_tally_free(&all_ours);
    eval_tally_free(&all_plain);
    free(scs);
    return 0;
}
