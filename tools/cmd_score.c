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
    cramp_score_config d;
    cramp_score_config_default(&d);
    fputs("Usage: cramp score TRUTH.tsv DETECTED.tsv [TRUTH2.tsv DETECTED2.tsv ...]\n"
          "                   [--min-iou X] [--by-channel] [-o TABLE.tsv]\n"
          "                   [--confusion CONFUSION.tsv] [--json FILE]\n"
          "\n"
          "Scores detected events against ground truth, one pair of BIDS events tables\n"
          "(tab-separated, header naming onset, duration, trial_type and optionally\n"
          "channel; 'cramp synth' writes the truth, 'cramp detect' the detections) per\n"
          "night, and pooled over nights.\n"
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
          "Outputs, one table per file, each with one header line and these columns:\n"
          "  -o (per class): one row per night and class, then rows for night 'pooled':\n"
          "    night class n_truth n_detected tp fp fn precision recall f1\n"
          "    onset_median_s onset_q1_s onset_q3_s onset_mean_abs_s\n"
          "    offset_median_s offset_q1_s offset_q3_s offset_mean_abs_s\n"
          "  --confusion: the confusion table in long form (non-zero cells), per night\n"
          "  and pooled:\n"
          "    night truth detected count\n"
          "  --json: both, per night and pooled, in one JSON object.\n"
          "Undefined figures (0/0, no matched pairs) are n/a (null in JSON). Quartiles\n"
          "interpolate linearly between order statistics (NumPy's default).\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE  the per-class table (default '-', stdout, unless --json\n"
          "                     or --confusion writes to stdout)\n"
          "  --confusion FILE   the confusion table ('-': stdout)\n"
          "  --json FILE        both tables as JSON ('-': stdout)\n",
          out);
    fprintf(out, "  --min-iou X        smallest IoU that matches, in (0, 1] (default %g)\n",
            d.min_iou);
    fputs("  --by-channel       matched events must also share a channel label\n"
          "  -h, --help         show this help\n"
          "\n"
          "Example:\n"
          "  cramp synth --seed 1 --minutes 10 -o n1.edf\n"
          "  cramp detect n1.edf -o n1.detected.tsv\n"
          "  cramp score n1.events.tsv n1.detected.tsv -o score.tsv --confusion conf.tsv\n"
          "\n"
          "Exit status: 0 success, 1 failure (a file), 2 usage error.\n",
          out);
}

enum { OPT_JSON = 256, OPT_MIN_IOU, OPT_BY_CHANNEL, OPT_CONFUSION };

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

/* The per-class table: one header line, 18 columns. */
static int write_table(FILE *f, const cramp_score *sc, char *const *files,
                       const cramp_score_config *cfg)
{
    (void)files;
    (void)cfg;
    const size_t N = cramp_score_nights(sc), K = cramp_score_classes(sc);
    fputs("night\tclass\tn_truth\tn_detected\ttp\tfp\tfn\tprecision\trecall\tf1\t"
          "onset_median_s\tonset_q1_s\tonset_q3_s\tonset_mean_abs_s\t"
          "offset_median_s\toffset_q1_s\toffset_q3_s\toffset_mean_abs_s\n",
          f);
    for (size_t n = 0; n <= N; n++) {
        const size_t night = n < N ? n : CRAMP_SCORE_POOLED;
        const char *name = n < N ? cramp_score_night_name(sc, n) : "pooled";
        for (size_t k = 0; k < K; k++) {
            cramp_class_score r;
            if (cramp_score_get(sc, night, k, &r) != CRAMP_OK) return -1;
            tsv_row(f, name, cramp_score_class_name(sc, k), &r);
        }
    }
    return 0;
}

/* The confusion table in long form: one header line, 4 columns. */
static int write_confusion(FILE *f, const cramp_score *sc, char *const *files,
                           const cramp_score_config *cfg)
{
    (void)files;
    (void)cfg;
    const size_t N = cramp_score_nights(sc), K = cramp_score_classes(sc);
    fputs("night\ttruth\tdetected\tcount\n", f);
    for (size_t n = 0; n <= N; n++) {
        const size_t night = n < N ? n : CRAMP_SCORE_POOLED;
        const char *name = n < N ? cramp_score_night_name(sc, n) : "pooled";
        for (size_t i = 0; i <= K; i++)
            for (size_t j = 0; j <= K; j++) {
                const size_t cnt = cramp_score_confusion(sc, night, i, j);
                if (!cnt) continue;
                fprintf(f, "%s\t%s\t%s\t%zu\n", name,
                        i < K ? cramp_score_class_name(sc, i) : "none",
                        j < K ? cramp_score_class_name(sc, j) : "none", cnt);
            }
    }
    return 0;
}

/* Both, per night and pooled. files: the TRUTH DETECTED pairs. */
static int write_json(FILE *f, const cramp_score *sc, char *const *files,
                      const cramp_score_config *cfg)
{
    const size_t N = cramp_score_nights(sc);
    fprintf(f, "{\"min_iou\": %.6g, \"match_channels\": %s, \"nights\": [", cfg->min_iou,
            cfg->match_channels ? "true" : "false");
    for (size_t n = 0; n < N; n++) {
        fputs(n ? ", {\"truth\": " : "{\"truth\": ", f);
        cli_json_string(f, files[2 * n]);
        fputs(", \"detected\": ", f);
        cli_json_string(f, files[2 * n + 1]);
        fputs(", ", f);
        if (json_block(f, sc, n) != 0) return -1;
        fputc('}', f);
    }
    fputs("], \"pooled\": {", f);
    if (json_block(f, sc, CRAMP_SCORE_POOLED) != 0) return -1;
    fputs("}}\n", f);
    return 0;
}

typedef int (*score_writer)(FILE *f, const cramp_score *sc, char *const *files,
                            const cramp_score_config *cfg);

/* One output file, written whole and renamed into place (cli_output). */
static int write_output(const char *path, const cramp_score *sc, char *const *files,
                        const cramp_score_config *cfg, score_writer w)
{
    cli_output o;
    if (cli_output_open_text(&o, path) != CLI_OK) return CLI_FAIL;
    if (w(o.fp, sc, files, cfg) != 0) {
        cli_output_abort(&o);
        return cli_fail("out of memory");
    }
    return cli_output_commit(&o);
}

int cmd_score(int argc, char *argv[])
{
    static const struct option longopts[] = {{"json", required_argument, NULL, OPT_JSON},
                                              {"confusion", required_argument, NULL, OPT_CONFUSION},
                                              {"min-iou", required_argument, NULL, OPT_MIN_IOU},
                                              {"by-channel", no_argument, NULL, OPT_BY_CHANNEL},
                                              {"output", required_argument, NULL, 'o'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    cramp_score_config cfg;
    cramp_score_config_default(&cfg);
    const char *out = NULL, *json = NULL, *confusion = NULL;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_score_help(stdout); return CLI_OK;
        case 'o': out = optarg; break;
        case OPT_JSON: json = optarg; break;
        case OPT_CONFUSION: confusion = optarg; break;
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
    const int json_out = json && strcmp(json, "-") == 0;
    const int conf_out = confusion && strcmp(confusion, "-") == 0;
    if (!out && !json_out && !conf_out) out = "-";
    if ((out && strcmp(out, "-") == 0) + json_out + conf_out > 1)
        return cli_usage_error("only one of -o, --confusion and --json can write to stdout "
                               "('-'): each table goes to its own file");
    const char *names[3] = {out, confusion, json};
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++)
            if (names[a] && names[b] && strcmp(names[a], "-") != 0 &&
                strcmp(names[a], names[b]) == 0)
                return cli_usage_error("'%s' is named for two outputs: one table per file",
                                       names[a]);

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

    if (out && write_output(out, sc, argv + optind, &cfg, write_table) != CLI_OK) goto done;
    if (confusion && write_output(confusion, sc, argv + optind, &cfg, write_confusion) != CLI_OK)
        goto done;
    if (json && write_output(json, sc, argv + optind, &cfg, write_json) != CLI_OK) goto done;
    rc = CLI_OK;
done:
    cramp_score_destroy(sc);
    return rc;
}
