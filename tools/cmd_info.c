/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp info: the header of one or more recordings (format, start, duration,
 * channels, annotations), as text for people or JSON for programs. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

typedef struct info_opts {
    int json;
    int annotations;
    cli_input input;
    double fs;          /* --fs: text files that do not state their rate */
    const char *unit;   /* --unit: text columns whose unit the file does not state */
} info_opts;

void cmd_info_help(FILE *out)
{
    fputs("Usage: cramp info [OPTIONS] FILE...\n"
          "\n"
          "Prints what a recording holds: its format (EDF, EDF+C, EDF+D, BDF, BDF+C,\n"
          "BDF+D, WAV, text, WFDB), start date and time (to the subsecond for EDF+),\n"
          "duration, data records, segments (EDF+D with gaps), and each channel: label,\n"
          "unit as stored and as cramp reads it (uV for voltages; FS: full-scale\n"
          "fractions for a WAV without --full-scale-uv), sampling rate, physical and\n"
          "digital range and prefilter; then the number of annotations and any warnings\n"
          "about the header.\n"
          "Text: CSV, TSV, ';'- or blank-separated columns, one row per sample, with or\n"
          "without a header line (labels, units as 'EMG (mV)'); BioSPPy/OpenSignals\n"
          "headers give the rate and labels; the recording line says which delimiter\n"
          "and which labels were found. WFDB: give the record's .hea file; its signal\n"
          "files (formats 16, 212, 80, 24, 32) are read from the same folder.\n"
          "Several files are described one after the other; a file that cannot be read\n"
          "is reported (naming it) and the others are still described.\n"
          "\n"
          "Options:\n"
          "  --json             one JSON object per file (an array for several files);\n"
          "                     a file that fails gives {\"file\": ..., \"error\": ...}\n"
          "  --annotations      list the annotations (onset, duration, text)\n"
          "  --full-scale-uv X  WAV: the microvolts at full scale\n"
          "  --fs HZ            text: the sampling rate, for a file that does not state it\n"
          "  --unit U           text: the unit of columns the file gives none for (uV, mV\n"
          "                     and V are read in uV; anything else is kept)\n"
          "                     (--input-fs and --input-unit, as the other commands\n"
          "                     name them, are the same)\n"
          "  -h, --help         show this help\n"
          "\n"
          "Example:\n"
          "  cramp info night.edf\n"
          "  cramp info --json --annotations *.edf > headers.json\n"
          "  cramp info --fs 200 --unit mV emg.csv rec.hea\n"
          "\n"
          "Exit status: 0 success, 1 if any file failed, 2 usage error.\n",
          out);
}

enum { OPT_JSON = 256, OPT_ANNOTATIONS, OPT_FULL_SCALE, OPT_FS, OPT_UNIT };

static int parse_args(int argc, char *argv[], info_opts *o)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"annotations", no_argument, NULL, OPT_ANNOTATIONS},
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE},
        {"fs", required_argument, NULL, OPT_FS},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"input-fs", required_argument, NULL, OPT_FS},
        {"input-unit", required_argument, NULL, OPT_UNIT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            cmd_info_help(stdout);
            return -1;
        case OPT_JSON:
            o->json = 1;
            break;
        case OPT_ANNOTATIONS:
            o->annotations = 1;
            break;
        case OPT_FULL_SCALE:
            if (cli_input_full_scale(&o->input, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case OPT_FS:
            if (cli_parse_positive("--fs", "a sampling rate in Hz", optarg, &o->fs) != 0)
                return CLI_USAGE;
            break;
        case OPT_UNIT:
            if (!optarg[0] || strlen(optarg) > 16)
                return cli_usage_error("--unit wants a unit of 1 to 16 bytes (uV, mV, V, ...), "
                                       "not '%s'", optarg);
            o->unit = optarg;
            break;
        default:
            return cli_bad_option(argv, c);
        }
    }
    if (optind >= argc) return cli_usage_error("no input file");
    return 0;
}

/* ---- JSON ---------------------------------------------------------------- */


/* ---- text ---------------------------------------------------------------- */

/* "hh:mm:ss" plus ".fff..." when there is a subsecond part (trailing zeros
 * dropped, 100 ns resolution as in EDF+ TALs). */
static void clock_text(const cramp_rec_header *h, char *buf, size_t cap)
{
    int len = snprintf(buf, cap, "%02d:%02d:%02d", h->hour, h->minute, h->second);
    double sub = h->start_subsecond;
    if (len < 0 || !(sub > 0.0) || sub >= 1.0) return;
    char frac[16];
    snprintf(frac, sizeof frac, "%.7f", sub);
    if (strncmp(frac, "0.", 2) != 0) return; /* rounded up to 1 */
    size_t n = strlen(frac);
    while (n > 2 && frac[n - 1] == '0') frac[--n] = '\0';
    if (n > 2) snprintf(buf + len, cap - (size_t)len, "%s", frac + 1);
}

static void start_text(const cramp_rec_header *h, char *buf, size_t cap, int iso)
{
    if (!h->start_valid) {
        snprintf(buf, cap, "unknown");
        return;
    }
    char clk[32];
    clock_text(h, clk, sizeof clk);
    snprintf(buf, cap, "%04d-%02d-%02d%s%s", h->year, h->month, h->day, iso ? "T" : " ", clk);
}

/* Duration as seconds plus h:mm:ss for long recordings. */
static void duration_text(double s, char *buf, size_t cap)
{
    if (s >= 60.0) {
        const long long t = (long long)floor(s);
        snprintf(buf, cap, "%.3f s (%lld:%02lld:%02lld)", s, t / 3600, t / 60 % 60, t % 60);
    } else {
        snprintf(buf, cap, "%.6g s", s);
    }
}

static void print_text(const char *path, const cramp_rec_header *h, const info_opts *o)
{
    char buf[128];
    printf("%s\n", path);
    printf("  format       %s\n", cramp_rec_format_name(h->format));
    start_text(h, buf, sizeof buf, 0);
    printf("  start        %s\n", buf);
    duration_text(h->duration_s, buf, sizeof buf);
    printf("  duration     %s\n", buf);
    if (h->n_records > 0)
        printf("  records      %zu x %g s\n", h->n_records, h->record_duration_s);
    if (h->n_segments > 1) {
        printf("  segments     %zu (gaps in time between them)\n", h->n_segments);
        for (size_t i = 0; i < h->n_segments; i++)
            printf("    %zu  onset %.7g s  duration %.7g s  records %zu-%zu\n", i + 1,
                   h->segments[i].onset_s, h->segments[i].duration_s,
                   h->segments[i].first_record + 1,
                   h->segments[i].first_record + h->segments[i].n_records);
    }
    if (h->patient[0]) printf("  patient      %s\n", h->patient);
    if (h->recording[0]) printf("  recording    %s\n", h->recording);
    printf("  channels     %zu\n", h->n_channels);
    printf("    %3s  %-16s %-14s %10s  %-25s %-19s %s\n", "#", "label", "unit", "fs (Hz)",
           "physical range", "digital range", "prefilter");
    for (size_t c = 0; c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        if (ci->is_annotation) {
            printf("    %3zu  %-16s (annotations)\n", c + 1, ci->label);
            continue;
        }
        char unit[48], phys[64], dig[40];
        /* A WAV stores no unit: its values are full-scale fractions. */
        const char *funit = h->format == CRAMP_REC_WAV ? "FS" : ci->file_unit;
        if (strcmp(funit, ci->unit) != 0)
            snprintf(unit, sizeof unit, "%s -> %s", funit[0] ? funit : "-", ci->unit);
        else
            snprintf(unit, sizeof unit, "%s", ci->unit[0] ? ci->unit : "-");
        if (isfinite(ci->phys_min) && isfinite(ci->phys_max))
            snprintf(phys, sizeof phys, "%g .. %g %s", ci->phys_min, ci->phys_max, funit);
        else
            snprintf(phys, sizeof phys, "-");
        if (ci->dig_min == 0 && ci->dig_max == 0)
            snprintf(dig, sizeof dig, "-");
        else
            snprintf(dig, sizeof dig, "%ld .. %ld", (long)ci->dig_min, (long)ci->dig_max);
        printf("    %3zu  %-16s %-14s %10g  %-25s %-19s %s\n", c + 1, ci->label, unit, ci->fs,
               phys, dig, ci->prefilter[0] ? ci->prefilter : "-");
    }
    printf("  annotations  %zu\n", h->n_annotations);
    if (o->annotations)
        for (size_t i = 0; i < h->n_annotations; i++) {
            const cramp_annotation *a = &h->annotations[i];
            char dur[32];
            if (a->duration_s >= 0)
                snprintf(dur, sizeof dur, "%.7g s", a->duration_s);
            else
                snprintf(dur, sizeof dur, "-");
            printf("    %12.7g s  %-12s %s%s%s\n", a->onset_s, dur, a->text ? a->text : "",
                   a->channel && a->channel[0] ? "  @" : "",
                   a->channel && a->channel[0] ? a->channel : "");
        }
    for (size_t i = 0; i < h->n_warnings; i++) printf("  warning      %s\n", h->warnings[i]);
}

static void print_json(const char *path, const cramp_rec_header *h, const info_opts *o)
{
    char buf[128];
    FILE *f = stdout;
    fputs("{\"file\": ", f);
    cli_json_string(f, path);
    fputs(", \"format\": ", f);
    cli_json_string(f, cramp_rec_format_name(h->format));
    fputs(", \"start\": ", f);
    if (h->start_valid) {
        start_text(h, buf, sizeof buf, 1);
        cli_json_string(f, buf);
    } else {
        fputs("null", f);
    }
    fputs(", \"start_subsecond\": ", f);
    cli_put_number(f, h->start_subsecond, 1, 17);
    fputs(", \"duration_s\": ", f);
    cli_put_number(f, h->duration_s, 1, 17);
    fputs(", \"record_duration_s\": ", f);
    cli_put_number(f, h->record_duration_s, 1, 17);
    fprintf(f, ", \"n_records\": %zu, \"segments\": [", h->n_records);
    for (size_t i = 0; i < h->n_segments; i++) {
        fputs(i ? ", {\"onset_s\": " : "{\"onset_s\": ", f);
        cli_put_number(f, h->segments[i].onset_s, 1, 17);
        fputs(", \"duration_s\": ", f);
        cli_put_number(f, h->segments[i].duration_s, 1, 17);
        /* 1-based, as the text and every other record number cramp prints */
        fprintf(f, ", \"first_record\": %zu, \"n_records\": %zu}",
                h->segments[i].first_record + 1, h->segments[i].n_records);
    }
    fputs("], \"patient\": ", f);
    cli_json_string(f, h->patient);
    fputs(", \"recording\": ", f);
    cli_json_string(f, h->recording);
    fputs(", \"channels\": [", f);
    for (size_t c = 0; c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        fprintf(f, "%s\n  {\"index\": %zu, \"label\": ", c ? "," : "", c + 1);
        cli_json_string(f, ci->label);
        fprintf(f, ", \"annotation\": %s, \"file_unit\": ", ci->is_annotation ? "true" : "false");
        cli_json_string(f, ci->file_unit);
        fputs(", \"unit\": ", f);
        cli_json_string(f, ci->unit);
        fputs(", \"to_output\": ", f);
        cli_put_number(f, ci->to_output, 1, 17);
        fputs(", \"fs_hz\": ", f);
        cli_put_number(f, ci->fs, 1, 17);
        fputs(", \"phys_min\": ", f);
        cli_put_number(f, ci->phys_min, 1, 17);
        fputs(", \"phys_max\": ", f);
        cli_put_number(f, ci->phys_max, 1, 17);
        fprintf(f, ", \"dig_min\": %ld, \"dig_max\": %ld, \"samples_per_record\": %zu",
                (long)ci->dig_min, (long)ci->dig_max, ci->samples_per_record);
        fputs(", \"prefilter\": ", f);
        cli_json_string(f, ci->prefilter);
        fputs(", \"transducer\": ", f);
        cli_json_string(f, ci->transducer);
        fputc('}', f);
    }
    fprintf(f, "], \"annotation_count\": %zu", h->n_annotations);
    if (o->annotations) {
        fputs(", \"annotations\": [", f);
        for (size_t i = 0; i < h->n_annotations; i++) {
            const cramp_annotation *a = &h->annotations[i];
            fputs(i ? ",\n  {\"onset_s\": " : "\n  {\"onset_s\": ", f);
            cli_put_number(f, a->onset_s, 1, 17);
            fputs(", \"duration_s\": ", f);
            if (a->duration_s >= 0)
                cli_put_number(f, a->duration_s, 1, 17);
            else
                fputs("null", f);
            fputs(", \"text\": ", f);
            cli_json_string(f, a->text);
            fputs(", \"channel\": ", f);
            cli_json_string(f, a->channel);
            fputc('}', f);
        }
        fputc(']', f);
    }
    fputs(", \"warnings\": [", f);
    for (size_t i = 0; i < h->n_warnings; i++) {
        if (i) fputs(", ", f);
        cli_json_string(f, h->warnings[i]);
    }
    fputs("]}", f);
}

int cmd_info(int argc, char *argv[])
{
    info_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) return CLI_OK; /* --help */
    if (rc != 0) return rc;

    const int nfiles = argc - optind;
    int failed = 0;
    if (o.json && nfiles > 1) fputs("[\n", stdout);
    for (int i = 0; i < nfiles; i++) {
        const char *path = argv[optind + i];
        cramp_recording_options opt;
        cramp_recording_options_default(&opt);
        opt.wav_full_scale_uv = o.input.full_scale_uv;
        opt.fs = o.fs;
        opt.unit = o.unit;
        cramp_recording *rec = NULL;
        cramp_error err;
        memset(&err, 0, sizeof err);
        const cramp_status st = cramp_recording_open(&rec, path, &opt, &err);
        if (o.json && i > 0) fputs(",\n", stdout);
        if (st != CRAMP_OK) {
            const char *msg = err.message[0] ? err.message : cramp_strerror(st);
            cli_fail("%s", msg);
            failed = 1;
            if (o.json) {
                fputs("{\"file\": ", stdout);
                cli_json_string(stdout, path);
                fputs(", \"error\": ", stdout);
                cli_json_string(stdout, msg);
                fputc('}', stdout);
            }
            continue;
        }
        const cramp_rec_header *h = cramp_recording_header(rec);
        if (o.json) {
            print_json(path, h, &o);
        } else {
            if (i > 0) putchar('\n');
            print_text(path, h, &o);
        }
        cramp_recording_close(rec);
    }
    if (o.json) fputs(nfiles > 1 ? "\n]\n" : "\n", stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) return cli_fail("error writing to stdout");
    return failed ? CLI_FAIL : CLI_OK;
}
