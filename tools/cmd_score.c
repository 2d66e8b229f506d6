/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp score: detected events against ground truth (cramp/score.h), per
 * night and pooled, as TSV or JSON. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_synth.h"
#include "common.h"
#include "cramp/score.h"

void cmd_score_help(FILE *out)
{
    fputs("Usage: cramp score TRUTH.tsv DETECTED.tsv [TRUTH2.tsv DETECTED2.tsv ...]\n"
          "                   [--json] [--min-iou X] [--by-channel] [-o OUT]\n"
          "\n"
          "Scores detected events against ground truth, one pair of BIDS events tables\n"
          "(tab-separated, header naming onset, duration, trial_type and optionally\n"
          "channel; 'cramp synth' writes the truth) per night, and pooled over nights.\n"
          "\n"
          "Matching, per night and class (trial_type): every truth/detection pair whose\n"
          "intervals overlap with intersection-over-union IoU >= --min-iou is a\n"
          "candidate; candidates are taken greedily by decreasing IoU, each event used\n"
          "once. Matched pairs are true positives, unmatched detections false positives,\n"
          "unmatched truth events false negatives. The leftovers are then matched the\n"
          "same way across classes to fill the confusion table (truth class x detected\n"
          "class, 'none' for events with no partner). A truth event split in two\n"
          "detections gives one TP and one FP; two merged into one detection, one TP and\n"
          "one FN. Onset and offset errors are detected minus true (onset; end), in s.\n"
          "\n"
          "Output (TSV): one row per night and class, then rows for night 'pooled':\n"
          "  night class n_truth n_detected tp fp fn precision recall f1\n"
          "  onset_median_s onset_q1_s onset_q3_s onset_mean_abs_s\n"
          "  offset_median_s offset_q1_s offset_q3_s offset_mean_abs_s\n"
          "then a blank line and the confusion table in long form (non-zero cells):\n"
          "  night truth detected count\n"
          "Undefined figures (0/0, no matched pairs) are n/a (null in JSON). Quartiles\n"
          "interpolate linearly between order statistics (NumPy's default).\n"
          "\n"
          "Options:\n"
          "  --json             JSON instead of TSV\n"
          "  --min-iou X        smallest IoU that matches, in (0, 1] (default 0.2)\n"
          "  --by-channel       matched events must also share a channel label\n"
          "  -o, --output FILE  write to FILE (default '-', stdout)\n"
          "  -h, --help         show this help\n"
          "\n"
          "Example:\n"
          "  cramp synth --seed 1 -o n1.edf && cramp score n1.events.tsv n1.detected.tsv\n"
          "\n"
          "Exit status: 0 success, 1 failure (a file), 2 usage error.\n",
          out);
}

enum { OPT_JSON = 256, OPT_MIN_IOU, OPT_BY_CHANNEL };

static void tsv_row(FILE *f, const char *night, const char *cls, const cramp_class_score *r)
{
    fprintf(f, "%s\t%s\t%zu\t%zu\t%zu\t%zu\t%zu", night, cls, r->n_truth, r->n_detected, r->tp,
            r->fp, r->fn);
    const double v[] = {r->precision,     r->recall,      r->f1,        r->onset.median,
                        r->onset.q1,      r->onset.q3,    r->onset.mean_abs, r->offset.median,
                        r->offset.q1,     r->offset.q3,   r->offset.mean_abs};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fputc('\t', f);
        cli_put_number(f, v[i], 0, 6);
    }
    fputc('\n', f);
}

static void json_class(FILE *f, const cramp_class_score *r)
{
    fprintf(f, "{\"n_truth\": %zu, \"n_detected\": %zu, \"tp\": %zu, \"fp\": %zu, \"fn\": %zu, ",
            r->n_truth, r->n_detected, r->tp, r->fp, r->fn);
    fputs("\"precision\": ", f);
    cli_put_number(f, r->precision, 1, 6);
    fputs(", \"recall\": ", f);
    cli_put_number(f, r->recall, 1, 6);
    fputs(", \"f1\": ", f);
    cli_put_number(f, r->f1, 1, 6);
    const cramp_error_stats *e[2] = {&r->onset, &r->offset};
    const char *name[2] = {"onset_error_s", "offset_error_s"};
    for (int k = 0; k < 2; k++) {
        fprintf(f, ", \"%s\": {\"n\": %zu, \"median\": ", name[k], e[k]->n);
        cli_put_number(f, e[k]->median, 1, 6);
        fputs(", \"q1\": ", f);
        cli_put_number(f, e[k]->q1, 1, 6);
        fputs(", \"q3\": ", f);
        cli_put_number(f, e[k]->q3, 1, 6);
        fputs(", \"mean_abs\": ", f);
        cli_put_number(f, e[k]->mean_abs, 1, 6);
        fputc('}', f);
    }
    fputc('}', f);
}

/* One night's (or the pooled) figures and confusion as a JSON object body. */
static int json_block(FILE *f, const cramp_score *sc, size_t night)
{
    const size_t K = cramp_score_classes(sc);
    fputs("\"classes\": {", f);
    for (size_t k = 0; k < K; k++) {
        cramp_class_score r;
        if (cramp_score_get(sc, night, k, &r) != CRAMP_OK) return -1;
        fputs(k ? ", " : "", f);
        cli_json_string(f, cramp_score_class_name(sc, k));
        fputs(": ", f);
        json_class(f, &r);
    }
    fputs("}, \"confusion\": {", f);
    for (size_t i = 0; i <= K; i++) {
        fputs(i ? ", " : "", f);
        cli_json_string(f, i < K ? cramp_score_class_name(sc, i) : "none");
        fputs(": {", f);
        for (size_t j = 0; j <= K; j++) {
            fputs(j ? ", " : "", f);
            cli_json_string(f, j < K ? cramp_score_class_name(sc, j) : "none");
            fprintf(f, ": %zu", cramp_score_confusion(sc, night, i, j));
        }
        fputc('}', f);
    }
    fputc('}', f);
    return 0;
}

int cmd_score(int argc, char *argv[])
{
    static const struct option longopts[] = {{"json", no_argument, NULL, OPT_JSON},
                                              {"min-iou", required_argument, NULL, OPT_MIN_IOU},
                                              {"by-channel", no_argument, NULL, OPT_BY_CHANNEL},
                                              {"output", required_argument, NULL, 'o'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    cramp_score_config cfg;
    cramp_score_config_default(&cfg);
    int json = 0;
    const char *out = "-";
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_score_help(stdout); return CLI_OK;
        case 'o': out = optarg; break;
        case OPT_JSON: json = 1; break;
        case OPT_BY_CHANNEL: cfg.match_channels = 1; break;
        case OPT_MIN_IOU:
            if (cli_parse_double(optarg, &cfg.min_iou) != 0 || !(cfg.min_iou > 0) ||
                cfg.min_iou > 1)
                return cli_usage_error("--min-iou wants a number in (0, 1], not '%s'", optarg);
            break;
        default: return cli_bad_option(argv, c);
        }
    }
    const int npos = argc - optind;
    if (npos < 2) return cli_usage_error("give TRUTH.tsv DETECTED.tsv (one pair per night)");
    if (npos % 2) return cli_usage_error("files come in pairs TRUTH DETECTED; '%s' has no partner",
                                         argv[argc - 1]);

    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_score *sc = NULL;
    if (cramp_score_create(&sc, &cfg, &err) != CRAMP_OK) return cli_fail("%s", err.message);
    int rc = CLI_FAIL;
    for (int i = optind; i < argc; i += 2) {
        cramp_event_table *t = NULL, *d = NULL;
        if (cramp_event_table_read(&t, argv[i], &err) != CRAMP_OK ||
            cramp_event_table_read(&d, argv[i + 1], &err) != CRAMP_OK) {
            cramp_event_table_destroy(t);
            cli_fail("%s", err.message);
            goto done;
        }
        cramp_status st = cramp_score_add_night(
            sc, argv[i], cramp_event_table_events(t), cramp_event_table_size(t),
            cramp_event_table_events(d), cramp_event_table_size(d), &err);
        cramp_event_table_destroy(t);
        cramp_event_table_destroy(d);
        if (st != CRAMP_OK) {
            cli_fail("scoring '%s' against '%s': %s", argv[i + 1], argv[i], err.message);
            goto done;
        }
    }

    cli_output o;
    if (cli_output_open_text(&o, out) != CLI_OK) goto done;
    FILE *f = o.fp;
    const size_t N = cramp_score_nights(sc), K = cramp_score_classes(sc);
    int bad = 0;
    if (json) {
        fprintf(f, "{\"min_iou\": %.6g, \"match_channels\": %s, \"nights\": [", cfg.min_iou,
                cfg.match_channels ? "true" : "false");
        for (size_t n = 0; n < N && !bad; n++) {
            fputs(n ? ", {\"truth\": " : "{\"truth\": ", f);
            cli_json_string(f, argv[optind + 2 * (int)n]);
            fputs(", \"detected\": ", f);
            cli_json_string(f, argv[optind + 2 * (int)n + 1]);
            fputs(", ", f);
            bad |= json_block(f, sc, n);
            fputc('}', f);
        }
        fputs("], \"pooled\": {", f);
        if (!bad) bad |= json_block(f, sc, CRAMP_SCORE_POOLED);
        fputs("}}\n", f);
    } else {
        fputs("night\tclass\tn_truth\tn_detected\ttp\tfp\tfn\tprecision\trecall\tf1\t"
              "onset_median_s\tonset_q1_s\tonset_q3_s\tonset_mean_abs_s\t"
              "offset_median_s\toffset_q1_s\toffset_q3_s\toffset_mean_abs_s\n",
              f);
        for (size_t n = 0; n <= N && !bad; n++) {
            const size_t night = n < N ? n : CRAMP_SCORE_POOLED;
            const char *name = n < N ? cramp_score_night_name(sc, n) : "pooled";
            for (size_t k = 0; k < K; k++) {
                cramp_class_score r;
                if (cramp_score_get(sc, night, k, &r) != CRAMP_OK) {
                    bad = 1;
                    break;
                }
                tsv_row(f, name, cramp_score_class_name(sc, k), &r);
            }
        }
        fputs("\nnight\ttruth\tdetected\tcount\n", f);
        for (size_t n = 0; n <= N; n++) {
            const size_t night = n < N ? n : CRAMP_SCORE_POOLED;
            const char *name = n < N ? cramp_score_night_name(sc, n) : "pooled";
            for (size_t i = 0; i <= K; i++)
                for (size_t j = 0; j <= K; j++) {
                    size_t cnt = cramp_score_confusion(sc, night, i, j);
                    if (!cnt) continue;
                    fprintf(f, "%s\t%s\t%s\t%zu\n", name,
                            i < K ? cramp_score_class_name(sc, i) : "none",
                            j < K ? cramp_score_class_name(sc, j) : "none", cnt);
                }
        }
    }
    if (bad) {
        cli_output_abort(&o);
        cli_fail("out of memory");
        goto done;
    }
    if (cli_output_commit(&o) != CLI_OK) goto done;
    rc = CLI_OK;
done:
    cramp_score_destroy(sc);
    return rc;
}
