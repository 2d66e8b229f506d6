/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp envelope: amplitude envelope of every channel of a sound file,
 * decimated to a chosen rate, as a TSV table. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* How far the reached output rate may be from the one asked for. */
#define RATE_TOLERANCE 0.05

typedef struct envelope_opts {
    const char *in;
    const char *out;
    cramp_envelope_kind kind;
    double window_s;
    int window_given;
    double rate;
    double lowpass;
    int lowpass_given;
    int quiet;
    cli_input input;
} envelope_opts;

static const char *const kind_names[] = {"rms", "mav", "linear", "tkeo"};

void cmd_envelope_help(FILE *out)
{
    cramp_envelope_config d;
    cramp_envelope_config_default(&d);
    fputs("Usage: cramp envelope [OPTIONS] IN -o OUT.tsv\n"
          "\n"
          "Computes the amplitude envelope of the channels of a recording (EDF, EDF+,\n"
          "BDF, BDF+, or WAV, W64, RF64, FLAC, ...; band-pass it first with 'cramp\n"
          "filter') and writes it as a tab-separated table: a header 'time_s' then one\n"
          "column per channel named 'LABEL [UNIT]' (WAV channels are ch1 ... chN; the\n"
          "unit is uV, the file's own, or FS for full-scale fractions), then one row per\n"
          "output frame. time_s is the time of the input the row describes, in seconds\n"
          "from the first frame (the envelope's delay is taken out, so the first rows may\n"
          "have negative times: their window reaches before the recording, taken as 0).\n"
          "The channels read must share one sampling rate: from a file with several,\n"
          "choose one rate group with --channels.\n"
          "\n"
          "Options:\n"
          "  --kind KIND        rms (default), mav (mean absolute value), linear\n"
          "                     (rectify + low-pass) or tkeo (Teager-Kaiser energy)\n",
          out);
    fprintf(out,
            "  --window SECONDS   rms/mav window length (default %g)\n"
            "  --lowpass HZ       linear: low-pass cutoff (default %g)\n",
            d.window_s, d.lowpass_hz);
    fputs("  --rate HZ          output rate (default 100); the envelope keeps one frame\n"
          "                     in round(fs / HZ), and the rate reached is reported\n"
          "  -o, --output FILE  output TSV file, '-' for stdout (required)\n"
          CLI_INPUT_HELP
          "  --quiet            no summary on stderr\n"
          "  -h, --help         show this help\n"
          "\n"
          "Example:\n"
          "  cramp envelope --kind rms --window 0.1 --rate 50 leg-filtered.wav -o leg-rms.tsv\n"
          "\n"
          "Exit status: 0 success, 1 failure (file, rate), 2 usage error.\n",
          out);
}

enum { OPT_KIND = 256, OPT_WINDOW, OPT_RATE, OPT_LOWPASS, OPT_QUIET, OPT_CHANNELS, OPT_FULL_SCALE };

static int parse_args(int argc, char *argv[], envelope_opts *o)
{
    static const struct option longopts[] = {
        {"kind", required_argument, NULL, OPT_KIND},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"rate", required_argument, NULL, OPT_RATE},
        {"lowpass", required_argument, NULL, OPT_LOWPASS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE},
        CLI_INPUT_TEXT_LONGOPTS,
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->kind = CRAMP_ENV_RMS;
    o->window_s = 0.25;
    o->rate = 100.0;
    o->lowpass = 6.0;

    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            cmd_envelope_help(stdout);
            return -1;
        case 'o':
            o->out = optarg;
            break;
        case OPT_KIND: {
            size_t k = 0;
            while (k < sizeof kind_names / sizeof kind_names[0] && strcmp(optarg, kind_names[k]))
                k++;
            if (k == sizeof kind_names / sizeof kind_names[0])
                return cli_usage_error("--kind wants rms, mav, linear or tkeo, not '%s'", optarg);
            o->kind = (cramp_envelope_kind)k;
            break;
        }
        case OPT_WINDOW:
            if (cli_parse_positive("--window", "a length in seconds", optarg, &o->window_s) != 0)
                return CLI_USAGE;
            o->window_given = 1;
            break;
        case OPT_RATE:
            if (cli_parse_positive("--rate", "a rate in Hz", optarg, &o->rate) != 0)
                return CLI_USAGE;
            break;
        case OPT_LOWPASS:
            if (cli_parse_positive("--lowpass", "a frequency in Hz", optarg, &o->lowpass) != 0)
                return CLI_USAGE;
            o->lowpass_given = 1;
            break;
        case OPT_QUIET:
            o->quiet = 1;
            break;
        case OPT_CHANNELS:
            if (cli_input_channels(&o->input, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case OPT_FULL_SCALE:
            if (cli_input_full_scale(&o->input, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case CLI_OPT_INPUT_FS:
        case CLI_OPT_INPUT_UNIT:
            if (cli_input_text_option(&o->input, c, optarg) != CLI_OK) return CLI_USAGE;
            break;
        default:
            return cli_bad_option(argv, c);
        }
    }
    int npos = argc - optind;
    if (npos == 0) return cli_usage_error("no input file");
    if (npos > 1) return cli_usage_error("one input file only; got '%s' too", argv[optind + 1]);
    o->in = argv[optind];
    if (!o->out) return cli_usage_error("no output file: give -o OUT.tsv (or -o - for stdout)");
    if (o->window_given && o->kind != CRAMP_ENV_RMS && o->kind != CRAMP_ENV_MAV)
        return cli_usage_error("--window applies to --kind rms and mav only");
    if (o->lowpass_given && o->kind != CRAMP_ENV_LINEAR)
        return cli_usage_error("--lowpass applies to --kind linear only");
    return 0;
}

int cmd_envelope(int argc, char *argv[])
{
    envelope_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) return CLI_OK; /* --help */
    if (rc != 0) return rc;

    const double t0 = cli_now();
    cli_reader rd;
    if (cli_reader_open_input(&rd, o.in, &o.input, o.quiet) != CLI_OK) return CLI_FAIL;
    const double fs = rd.fs;
    const size_t ch = rd.channels;

    cramp_envelope *env = NULL;
    float *buf = NULL, *ebuf = NULL;
    cli_output out;
    memset(&out, 0, sizeof out);
    rc = CLI_FAIL;

    if (o.rate > fs) {
        cli_fail("--rate %g Hz is above the sampling rate of '%s' (%g Hz)", o.rate, o.in, fs);
        goto done;
    }
    double dd = floor(fs / o.rate + 0.5);
    size_t dec = dd < 1 ? 1 : (size_t)dd;
    double rate = fs / (double)dec;
    if (fabs(rate - o.rate) > RATE_TOLERANCE * o.rate) {
        double alt = fs / (double)(fs / (double)dec > o.rate ? dec + 1 : (dec > 1 ? dec - 1 : 1));
        cli_fail("--rate %g Hz cannot be reached from the %g Hz of '%s' by keeping one frame in "
                 "a whole number; the nearest rates are %g Hz and %g Hz",
                 o.rate, fs, o.in, rate, alt);
        goto done;
    }

    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = o.kind;
    cfg.fs = fs;
    cfg.decimation = dec;
    if (o.window_given) cfg.window_s = o.window_s;
    if (o.lowpass_given) cfg.lowpass_hz = o.lowpass;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_envelope_create(&env, ch, &cfg, &err);
    if (st != CRAMP_OK) {
        cli_fail("cannot compute a %s envelope of '%s' (%g Hz): %s", kind_names[o.kind], o.in, fs,
                 err.message[0] ? err.message : cramp_strerror(st));
        goto done;
    }
    const size_t ecap = cramp_envelope_max_output(env, CLI_BLOCK_FRAMES);
    const double delay = cramp_envelope_delay_s(env);
    buf = malloc(CLI_BLOCK_FRAMES * ch * sizeof *buf);
    ebuf = malloc((ecap ? ecap : 1) * ch * sizeof *ebuf);
    if (!buf || !ebuf) {
        cli_fail("out of memory");
        goto done;
    }

    if (cli_output_open_text(&out, o.out) != CLI_OK) goto done;
    fputs("time_s", out.fp);
    for (size_t c = 0; c < ch; c++) {
        /* A tab in a label would split the column. */
        fputc('\t', out.fp);
        for (const char *l = cli_reader_label(&rd, c); *l; l++)
            fputc(*l == '\t' || *l == '\n' || *l == '\r' ? ' ' : *l, out.fp);
        const char *unit = cli_reader_unit(&rd, c);
        if (unit[0]) fprintf(out.fp, " [%s]", unit);
    }
    fputc('\n', out.fp);

    cli_progress prog;
    cli_progress_init(&prog, o.quiet);
    const int64_t total = rd.frames > 0 ? rd.frames : -1;
    int64_t frames_in = 0;
    uint64_t rows = 0;
    for (;;) {
        long got = cli_reader_read(&rd, buf, CLI_BLOCK_FRAMES);
        if (got < 0) goto fail_output;
        if (got == 0) break;
        size_t n = (size_t)got, ne = 0;
        frames_in += got;
        st = cramp_envelope_process(env, buf, n, ebuf, ecap, &ne);
        if (st != CRAMP_OK) {
            cli_fail("envelope of '%s' failed: %s", o.in, cramp_strerror(st));
            goto fail_output;
        }
        for (size_t k = 0; k < ne; k++, rows++) {
            /* Row k describes input frame (k + 1) * D - 1, less the delay. */
            double t = ((double)(rows + 1) * (double)dec - 1.0) / fs - delay;
            fprintf(out.fp, "%.6f", t);
            for (size_t c = 0; c < ch; c++) fprintf(out.fp, "\t%.9g", (double)ebuf[k * ch + c]);
            fputc('\n', out.fp);
        }
        if (ferror(out.fp)) {
            cli_fail("error writing '%s': %s", o.out, strerror(errno ? errno : EIO));
            goto fail_output;
        }
        cli_progress_update(&prog, total > 0 ? (double)frames_in / (double)total : -1.0,
                            frames_in);
    }
    cli_progress_done(&prog);
    if (frames_in == 0) {
        cli_fail("'%s' holds no frames: nothing to do", o.in);
        goto fail_output;
    }
    if (cli_output_commit(&out) != CLI_OK) goto done;
    if (!o.quiet) {
        char what[64];
        if (o.kind == CRAMP_ENV_RMS || o.kind == CRAMP_ENV_MAV)
            snprintf(what, sizeof what, "%s window %g s", kind_names[o.kind], cfg.window_s);
        else if (o.kind == CRAMP_ENV_LINEAR)
            snprintf(what, sizeof what, "linear low-pass %g Hz", cfg.lowpass_hz);
        else
            snprintf(what, sizeof what, "tkeo");
        double secs = cli_now() - t0;
        fprintf(stderr,
                "cramp envelope: %lld frames x %zu channel%s at %g Hz, %s, %llu rows at %g Hz "
                "(1 frame in %zu) -> %s in %.2f s; values %s\n",
                (long long)frames_in, ch, ch == 1 ? "" : "s", fs, what, (unsigned long long)rows, rate, dec,
                strcmp(o.out, "-") == 0 ? "stdout" : o.out, secs, cli_reader_units_text(&rd));
    }
    rc = CLI_OK;
    goto done;

fail_output:
    cli_progress_done(&prog);
    cli_output_abort(&out);
done:
    cli_output_abort(&out);
    free(buf);
    free(ebuf);
    cramp_envelope_destroy(env);
    cli_reader_close(&rd);
    return rc;
}
