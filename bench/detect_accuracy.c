/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect-accuracy: the cramp detector (cramp/detect.h) against the ground
 * truth of simulated nights, beside a plain threshold detector.
 *
 * For each scenario given (the standard suite: datasets/suite/NAME.scenario)
 * and each of --nights seeds (the scenario's own seed, +1, +2, ...; or
 * --seed-base S for S, S+1, ...: development seeds 9001-9010 are for
 * adjusting thresholds and are never used for the reported figures), a
 * night is simulated in memory (cramp_synth), streamed through
 *   ours:  the night driver (cramp/night.h: the detector primed with the
 *          first minute, classification), as `cramp detect` runs it;
 *   plain: the same band-pass and mains comb, then cramp_onset THRESHOLD
 *          (moving RMS 0.1 s, 3 resting SDs of its power) per channel; each
 *          segment is a "cramp" if it lasts >= 5 s, else a "burst";
 * and scored with cramp_score (IoU >= 0.2, one-to-one, per class).
 *
 * Output (TSV on stdout): per scenario, per detector and class: the
 * scenario's sampling rate and SNR tag, n_truth, tp, fp, fn, precision,
 * recall, F1, median onset error (s); then rows pooled per sampling rate
 * (scenario "by-rate", fs_hz the rate, snr "all"), per SNR tag (scenario
 * "by-snr", fs_hz 0) and over everything (scenario "pooled").
 * With --misses CLASS, every truth event of that class that ours missed
 * (no detection of the class at IoU >= 0.2) and every false one is listed on
 * stderr with the events overlapping it: where to look.
 * Usage: detect-accuracy [--nights N] [--minutes M] [--seed-base S]
 *                        [--misses CLASS] SCENARIO...
 */
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"

#define BLOCK 4096

typedef struct night_result {
    cramp_event *truth, *ours, *plain;
    size_t n_truth, n_ours, n_plain;
    char **labels;
} night_result;

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
    cramp_filter *bp;
    cramp_onset *on;
    float *fb;
    cramp_onset_segment *seg;
    size_t n_seg, cap_seg;
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

static void plain_push(night_run *nr, const cramp_onset_segment *tseg, size_t cnt)
{
    for (size_t q = 0; q < cnt; q++) {
        if (nr->n_seg == nr->cap_seg)
            nr->seg = realloc(nr->seg, (nr->cap_seg *= 2) * sizeof *nr->seg);
        nr->seg[nr->n_seg++] = tseg[q];
    }
}

/* The plain detector: the same band-pass and mains comb as ours (created on
 * the first block, when the driver knows the band and mains), then
 * cramp_onset THRESHOLD. */
static void plain_block(void *user, const cramp_night_group *g, const float *buf, size_t n)
{
    night_run *nr = user;
    double a0 = (double)clock() / CLOCKS_PER_SEC;
    const size_t C = g->n;
    const double fs = g->fs;
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (!nr->on && !nr->failed) {
        cramp_biquad sos[64];
        size_t ns = 0, nc = 0;
        cramp_butter_spec bs = {CRAMP_BANDPASS, g->cfg.band_order, fs, g->band_lo_hz,
                                g->band_hi_hz};
        cramp_butter_design(&bs, sos, 64, &ns, NULL);
        cramp_biquad comb[64];
        if (cramp_comb_design(fs, g->cfg.mains_hz, g->cfg.notch_q, comb, 64, &nc, NULL) ==
            CRAMP_OK)
            for (size_t k = 0; k < nc && k < g->notches; k++) sos[ns++] = comb[k];
        cramp_filter_create(&nr->bp, sos, ns, C, NULL);
        cramp_onset_config oc;
        cramp_onset_config_default(&oc, CRAMP_ONSET_THRESHOLD);
        oc.fs = fs;
        oc.min_duration_s = 0.5; /* as ours: the AASM shortest movement */
        if (cramp_onset_create(&nr->on, C, &oc, &err) != CRAMP_OK) {
            fprintf(stderr, "onset: %s\n", err.message);
            nr->failed = 1;
        }
        nr->cap_seg = 1024;
        nr->seg = malloc(nr->cap_seg * sizeof *nr->seg);
        nr->fb = malloc(BLOCK * C * sizeof *nr->fb);
    }
    if (nr->failed) return;
    cramp_onset_segment tseg[256];
    cramp_filter_process(nr->bp, buf, nr->fb, n);
    const float *p = nr->fb;
    size_t left = n;
    while (left > 0) {
        size_t used = left, cnt = 0;
        cramp_onset_process(nr->on, p, &used, tseg, 256, &cnt);
        plain_push(nr, tseg, cnt);
        p += used * C;
        left -= used;
    }
    nr->other_s += (double)clock() / CLOCKS_PER_SEC - a0;
}

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
    opt.block_frames = BLOCK;
    opt.on_block = plain_block;
    opt.block_user = &nr;
    cramp_night_result res;
    double t0 = (double)clock() / CLOCKS_PER_SEC;
    if (cramp_night_run(&src, &opt, &res, &err) != CRAMP_OK || nr.failed) {
        fprintf(stderr, "detector: %s\n", nr.failed ? "plain detector failed" : err.message);
        return -1;
    }
    *secs = (double)clock() / CLOCKS_PER_SEC - t0 - nr.other_s;
    for (;;) {
        size_t cnt = 0;
        cramp_onset_segment tseg[256];
        cramp_onset_finish(nr.on, tseg, 256, &cnt);
        plain_push(&nr, tseg, cnt);
        if (cnt < 256) break;
    }
    const cramp_episode *ep = res.episodes;
    const size_t ne = res.n_episodes;
    cramp_onset_segment *seg = nr.seg;
    const size_t n_seg = nr.n_seg;
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
    r->n_plain = n_seg;
    r->plain = calloc(n_seg + 1, sizeof *r->plain);
    for (size_t i = 0; i < n_seg; i++) {
        r->plain[i].onset_s = seg[i].onset_s;
        r->plain[i].duration_s = seg[i].offset_s - seg[i].onset_s;
        r->plain[i].trial_type = r->plain[i].duration_s >= 5 ? "cramp" : "burst";
        r->plain[i].channel = dupstr(cramp_synth_channel_label(s, seg[i].channel));
    }
    cramp_night_result_free(&res);
    free(seg);
    free(nr.fb);
    cramp_onset_destroy(nr.on);
    cramp_filter_destroy(nr.bp);
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
    cramp_score *ours, *plain;
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
    q->ours = q->plain = NULL;
    if (cramp_score_create(&q->ours, cfg, NULL) != CRAMP_OK ||
        cramp_score_create(&q->plain, cfg, NULL) != CRAMP_OK)
        return NULL;
    return q;
}

static int cmp_group(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->fs != y->fs) return x->fs < y->fs ? -1 : 1;
    return strcmp(x->snr, y->snr);
}

static void print_scores(const char *scen, double fs, const char *snr, const char *det,
                         const cramp_score *sc)
{
    for (size_t k = 0; k < cramp_score_classes(sc); k++) {
        cramp_class_score r;
        if (cramp_score_get(sc, CRAMP_SCORE_POOLED, k, &r) != CRAMP_OK) continue;
        printf("%s\t%g\t%s\t%s\t%s\t%zu\t%zu\t%zu\t%zu\t%.3f\t%.3f\t%.3f\t%.3f\n", scen, fs, snr,
               det, cramp_score_class_name(sc, k), r.n_truth, r.tp, r.fp, r.fn, r.precision,
               r.recall, r.f1, r.onset.median);
    }
}

int main(int argc, char **argv)
{
    size_t nights = 1;
    double minutes = 0;
    long seed_base = -1;
    const char *misses = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--nights") && i + 1 < argc)
            nights = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--minutes") && i + 1 < argc)
            minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seed-base") && i + 1 < argc)
            seed_base = atol(argv[++i]);
        else if (!strcmp(argv[i], "--misses") && i + 1 < argc)
            misses = argv[++i];
        else {
            fprintf(stderr, "usage: detect-accuracy [--nights N] [--minutes M] [--seed-base S] "
                            "[--misses CLASS] SCENARIO...\n");
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "give scenario files (datasets/suite/*.scenario)\n");
        return 2;
    }
    cramp_score_config scfg;
    cramp_score_config_default(&scfg);
    cramp_score *all_ours = NULL, *all_plain = NULL;
    cramp_score_create(&all_ours, &scfg, NULL);
    cramp_score_create(&all_plain, &scfg, NULL);
    printf("scenario\tfs_hz\tsnr\tdetector\tclass\tn_truth\ttp\tfp\tfn\tprecision\trecall\tf1"
           "\tonset_median_s\n");
    double total_frames = 0, total_secs = 0;
    group groups[MAX_GROUPS];
    size_t n_groups = 0;
    for (; i < argc; i++) {
        cramp_scenario sc;
        cramp_scenario_default(&sc);
        cramp_error err;
        memset(&err, 0, sizeof err);
        if (cramp_scenario_load(&sc, argv[i], &err) != CRAMP_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        if (minutes > 0) sc.duration_min = minutes;
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(strcspn(base, ".")), base);
        cramp_score *so = NULL, *sp = NULL;
        cramp_score_create(&so, &scfg, NULL);
        cramp_score_create(&sp, &scfg, NULL);
        uint64_t seed0 = seed_base >= 0 ? (uint64_t)seed_base : sc.seed;
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
            cramp_score_add_night(so, name, r.truth, r.n_truth, r.ours, r.n_ours, NULL);
            cramp_score_add_night(sp, name, r.truth, r.n_truth, r.plain, r.n_plain, NULL);
            cramp_score_add_night(all_ours, name, r.truth, r.n_truth, r.ours, r.n_ours, NULL);
            cramp_score_add_night(all_plain, name, r.truth, r.n_truth, r.plain, r.n_plain, NULL);
            group *gr[2] = {group_for(groups, &n_groups, sc.fs, "all", &scfg),
                            group_for(groups, &n_groups, 0, snr_tag(&sc), &scfg)};
            for (int q = 0; q < 2; q++) {
                if (!gr[q]) {
                    fprintf(stderr, "more than %d rate and SNR groups\n", MAX_GROUPS);
                    return 1;
                }
                cramp_score_add_night(gr[q]->ours, name, r.truth, r.n_truth, r.ours, r.n_ours,
                                      NULL);
                cramp_score_add_night(gr[q]->plain, name, r.truth, r.n_truth, r.plain,
                                      r.n_plain, NULL);
            }
            free_events(r.truth, r.n_truth);
            free_events(r.ours, r.n_ours);
            free_events(r.plain, r.n_plain);
        }
        print_scores(name, sc.fs, snr_tag(&sc), "ours", so);
        print_scores(name, sc.fs, snr_tag(&sc), "plain", sp);
        fflush(stdout);
        cramp_score_destroy(so);
        cramp_score_destroy(sp);
    }
    qsort(groups, n_groups, sizeof *groups, cmp_group);
    for (size_t q = 0; q < n_groups; q++) {
        const char *what = groups[q].fs > 0 ? "by-rate" : "by-snr";
        print_scores(what, groups[q].fs, groups[q].snr, "ours", groups[q].ours);
        print_scores(what, groups[q].fs, groups[q].snr, "plain", groups[q].plain);
        cramp_score_destroy(groups[q].ours);
        cramp_score_destroy(groups[q].plain);
    }
    print_scores("pooled", 0, "all", "ours", all_ours);
    print_scores("pooled", 0, "all", "plain", all_plain);
    fprintf(stderr, "detector (library, synth excluded): %.0f samples in %.2f s CPU = %.1f M "
                    "samples/s\n",
            total_frames, total_secs, total_frames / total_secs / 1e6);
    cramp_score_destroy(all_ours);
    cramp_score_destroy(all_plain);
    return 0;
}
