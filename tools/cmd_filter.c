/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp filter: band-pass (or high/low-pass) and mains notch filtering of a
 * sound file, causal or zero-phase, in constant memory. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "synthetic.h"

/* With --clamp the upper edge may go up to this fraction of Nyquist. */
#define CLAMP_FRACTION 0.9

typedef struct filter_opts {
    const char *in;
    const char *out;
    double band_lo, band_hi;
    int band_given;
    double highpass, lowpass;
    int highpass_given, lowpass_given;
    int order;
    double notch;
    int notch_given;
    int harmonics;
    double q;
    int zero_phase;
    int clamp;
    int quiet;
    cramp_simd simd;
    int synthetic;
    double synthetic_s;
    size_t fs;
    int fs_given;
    size_t channels;
    int channels_given;
    const char *channels_arg;
    cli_input input;
    uint64_t seed;
    int seed_given;
    cli_signal_format out_format;
} filter_opts;

void cmd_filter_help(FILE *out)
{
    fputs("Usage: cramp filter [OPTIONS] IN -o OUT.{edf,bdf,wav}\n"
          "       cramp filter [OPTIONS] --synthetic SECONDS -o OUT.{edf,bdf,wav}\n"
          "\n"
          "Filters the channels of a recording (EDF, EDF+, BDF, BDF+, WAV, W64, RF64,\n"
          "FLAC, ... anything libsndfile reads, delimited text, WFDB) and writes them in\n"
          "the format the output's name says, in the unit they were read in (microvolts\n"
          "for voltage channels and for WAV with --full-scale-uv, else the file's own\n"
          "unit or full-scale fractions, FS; the summary says which):\n"
          "  .edf   EDF+C, 16 bits: labels, transducers, units, start time, patient and\n"
          "         recording fields and the input's annotations kept; each channel keeps\n"
          "         its input's physical range when the filtered signal fits in it, else\n"
          "         gets one that holds it, with a warning naming the channel\n"
          "  .bdf   BDF+C, 24 bits: the same, each channel's range fitted to its filtered\n"
          "         signal (the precision of the float result, for further analysis)\n"
          "  .wav   32-bit float WAV (W64 past 4 GB); .w64 and .rf64 name those formats\n"
          "Any other name is refused (a device, FIFO or socket gets WAV). The output has\n"
          "one sampling rate: from a file whose\n"
          "channels have several rates, choose one rate group with --channels. Memory use\n"
          "does not depend on the length of the recording. The output file appears only\n"
          "when the run succeeds.\n"
          "\n"
          "Filter (Butterworth, designed for the file's sampling rate):\n"
          "  --band LO-HI       band-pass edges in Hz (default 20-450)\n"
          "  --highpass F       high-pass at F Hz instead of the band\n"
          "  --lowpass F        low-pass at F Hz instead of the band\n"
          "                     (--highpass and --lowpass together make a band-pass)\n"
          "  --order N          Butterworth order 1-10 (default 4; a band-pass of order N\n"
          "                     has 2N poles, as in SciPy)\n"
          "  --notch F          also remove mains hum at F Hz (50 or 60)\n"
          "  --harmonics        notch every harmonic of F below Nyquist too (a comb)\n"
          "  --q Q              quality factor of each notch (default 30; width F/Q Hz)\n"
          "  --zero-phase       forward-backward filtering (no phase lag, squared\n"
          "                     magnitude), as scipy.signal.sosfiltfilt; default causal\n"
          "  --clamp            fit the band to the sampling rate (upper edge at most\n"
          "                     0.9 x Nyquist) and print the band used; without it a band\n"
          "                     that does not fit the rate is an error\n"
          "  --simd PATH        auto, scalar, avx2 or avx512 (default auto)\n"
          "\n"
          "Input and output:\n"
          CLI_INPUT_HELP
          "  -o, --output FILE  output file (required): .edf, .bdf, .wav, .w64 or .rf64\n"
          "  --synthetic SECONDS  filter a generated test signal instead of IN: white-noise\n"
          "                     EMG-like bursts plus 50 Hz hum and a DC offset\n"
          "  --fs HZ            sampling rate of the synthetic signal (default 2000; a\n"
          "                     text input's rate is --input-fs)\n"
          "  --channels N       with --synthetic: its number of channels (default 2)\n"
          "  --seed N           seed of the synthetic signal (default 1)\n"
          "  --quiet            no progress and no summary on stderr\n"
          "  -h, --help         show this help\n"
          "\n"
          "Example:\n"
          "  cramp filter --synthetic 60 --notch 50 --harmonics -o demo.wav\n"
          "  cramp filter --band 20-450 --notch 50 --zero-phase leg.wav -o leg-filtered.wav\n"
          "  cramp filter --channels 'L-GAS,R-GAS' --notch 50 night.edf -o emg.edf\n"
          "\n"
          "Exit status: 0 success, 1 failure (file, rate), 2 usage error.\n",
          out);
}

enum {
    OPT_BAND = 256,
    OPT_ORDER,
    OPT_HIGHPASS,
    OPT_LOWPASS,
    OPT_NOTCH,
    OPT_HARMONICS,
    OPT_Q,
    OPT_ZERO_PHASE,
    OPT_CLAMP,
    OPT_SIMD,
    OPT_QUIET,
    OPT_SYNTHETIC,
    OPT_FS,
    OPT_CHANNELS,
    OPT_SEED,
    OPT_FULL_SCALE
};

static int parse_args(int argc, char *argv[], filter_opts *o)
{
    static const struct option longopts[] = {
        {"band", required_argument, NULL, OPT_BAND},
        {"order", required_argument, NULL, OPT_ORDER},
        {"highpass", required_argument, NULL, OPT_HIGHPASS},
        {"lowpass", required_argument, NULL, OPT_LOWPASS},
        {"notch", required_argument, NULL, OPT_NOTCH},
        {"harmonics", no_argument, NULL, OPT_HARMONICS},
        {"q", required_argument, NULL, OPT_Q},
        {"zero-phase", no_argument, NULL, OPT_ZERO_PHASE},
        {"clamp", no_argument, NULL, OPT_CLAMP},
        {"simd", required_argument, NULL, OPT_SIMD},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"synthetic", required_argument, NULL, OPT_SYNTHETIC},
        {"fs", required_argument, NULL, OPT_FS},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE},
        CLI_INPUT_TEXT_LONGOPTS,
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};

    memset(o, 0, sizeof *o);
    o->band_lo = 20.0;
    o->band_hi = 450.0;
    o->order = 4;
    o->q = 30.0;
    o->simd = CRAMP_SIMD_AUTO;
    o->fs = 2000;
    o->channels = 2;
    o->seed = 1;

    opterr = 0;
    optind = 1;
    int c;
    size_t sz;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            cmd_filter_help(stdout);
            return -1;
        case 'o':
            o->out = optarg;
            break;
        case OPT_BAND:
            if (cli_parse_band(optarg, &o->band_lo, &o->band_hi) != 0 || o->band_lo <= 0 ||
                o->band_hi <= o->band_lo)
                return cli_usage_error("--band wants LO-HI in Hz with 0 < LO < HI, not '%s'",
                                       optarg);
            o->band_given = 1;
            break;
        case OPT_ORDER:
            if (cli_parse_size(optarg, &sz) != 0 || sz < 1 || sz > CRAMP_BUTTER_MAX_ORDER)
                return cli_usage_error("--order wants an integer from 1 to %d, not '%s'",
                                       CRAMP_BUTTER_MAX_ORDER, optarg);
            o->order = (int)sz;
            break;
        case OPT_HIGHPASS:
            if (cli_parse_positive("--highpass", "a frequency in Hz", optarg, &o->highpass) != 0)
                return CLI_USAGE;
            o->highpass_given = 1;
            break;
        case OPT_LOWPASS:
            if (cli_parse_positive("--lowpass", "a frequency in Hz", optarg, &o->lowpass) != 0)
                return CLI_USAGE;
            o->lowpass_given = 1;
            break;
        case OPT_NOTCH:
            if (cli_parse_double(optarg, &o->notch) != 0 || o->notch <= 0)
                return cli_usage_error("--notch wants the mains frequency in Hz (50 or 60), not '%s'",
                                       optarg);
            o->notch_given = 1;
            break;
        case OPT_HARMONICS:
            o->harmonics = 1;
            break;
        case OPT_Q:
            if (cli_parse_positive("--q", "a quality factor", optarg, &o->q) != 0)
                return CLI_USAGE;
            break;
        case OPT_ZERO_PHASE:
            o->zero_phase = 1;
            break;
        case OPT_CLAMP:
            o->clamp = 1;
            break;
        case OPT_SIMD:
            if (cramp_simd_parse(optarg, &o->simd) != 0)
                return cli_usage_error("--simd wants auto, scalar, avx2 or avx512, not '%s'",
                                       optarg);
            break;
        case OPT_QUIET:
            o->quiet = 1;
            break;
        case OPT_SYNTHETIC:
            if (cli_parse_double(optarg, &o->synthetic_s) != 0 || o->synthetic_s <= 0 ||
                o->synthetic_s > 1e7)
                return cli_usage_error("--synthetic wants a duration in seconds > 0, not '%s'",
                                       optarg);
            o->synthetic = 1;
            break;
        case OPT_FS:
            if (cli_parse_size(optarg, &o->fs) != 0 || o->fs < 1 || o->fs > 10000000)
                return cli_usage_error("--fs wants a whole sampling rate in Hz, not '%s'", optarg);
            o->fs_given = 1;
            break;
        case OPT_CHANNELS:
            /* A count with --synthetic, a selection with an input file:
             * decided once the positional arguments are known. */
            o->channels_arg = optarg;
            o->channels_given = 1;
            break;
        case OPT_FULL_SCALE:
            if (cli_input_full_scale(&o->input, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case CLI_OPT_INPUT_FS:
        case CLI_OPT_INPUT_UNIT:
            if (cli_input_text_option(&o->input, c, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case OPT_SEED:
            if (cli_parse_size(optarg, &sz) != 0)
                return cli_usage_error("--seed wants a non-negative integer, not '%s'", optarg);
            o->seed = (uint64_t)sz;
            o->seed_given = 1;
            break;
        default:
            return cli_bad_option(argv, c);
        }
    }
    int npos = argc - optind;
    if (o->synthetic) {
        if (npos > 0)
            return cli_usage_error("give either an input file or --synthetic, not both");
        if (o->channels_given &&
            (cli_parse_size(o->channels_arg, &o->channels) != 0 || o->channels < 1 ||
             o->channels > 1024))
            return cli_usage_error("--channels with --synthetic wants a count from 1 to 1024, "
                                   "not '%s'",
                                   o->channels_arg);
        if (o->input.full_scale_uv > 0 || o->input.fs > 0 || o->input.unit)
            return cli_usage_error("--full-scale-uv, --input-fs and --input-unit apply to an "
                                   "input file, not --synthetic");
    } else {
        if (npos == 0) return cli_usage_error("no input file (or use --synthetic SECONDS)");
        if (npos > 1) return cli_usage_error("one input file only; got '%s' too", argv[optind + 1]);
        o->in = argv[optind];
        if (o->fs_given || o->seed_given)
            return cli_usage_error("--fs and --seed apply to --synthetic only");
        if (o->channels_given && cli_input_channels(&o->input, o->channels_arg) != CLI_OK)
            return CLI_USAGE;
    }
    if (!o->out) return cli_usage_error("no output file: give -o OUT.edf, OUT.bdf or OUT.wav");
    if (cli_signal_format_of(o->out, &o->out_format) != 0) return CLI_USAGE;
    if (o->band_given && (o->highpass_given || o->lowpass_given))
        return cli_usage_error("--band and --highpass/--lowpass are alternatives; give one");
    if (o->highpass_given && o->lowpass_given && o->highpass >= o->lowpass)
        return cli_usage_error("--highpass must be below --lowpass");
    if (o->harmonics && !o->notch_given) return cli_usage_error("--harmonics needs --notch F");
    return 0;
}

/* The designed cascade and a description of it for the summary. */
typedef struct design {
    cramp_biquad *sos;
    size_t n;
    char text[200];
} design;

static int design_filters(const filter_opts *o, double fs, design *d)
{
    const double nyq = fs / 2.0;
    cramp_error err;
    cramp_butter_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.order = o->order;
    spec.fs = fs;
    const char *kind;
    if (o->highpass_given && !o->lowpass_given) {
        spec.type = CRAMP_HIGHPASS;
        spec.f1 = o->highpass;
        kind = "high-pass";
    } else if (o->lowpass_given && !o->highpass_given) {
        spec.type = CRAMP_LOWPASS;
        spec.f1 = o->lowpass;
        kind = "low-pass";
    } else {
        spec.type = CRAMP_BANDPASS;
        spec.f1 = o->highpass_given ? o->highpass : o->band_lo;
        spec.f2 = o->lowpass_given ? o->lowpass : o->band_hi;
        kind = "band";
    }

    if (o->clamp) {
        double lo = spec.f1, hi = spec.f2;
        unsigned flags = 0;
        cramp_status st = CRAMP_OK;
        if (spec.type == CRAMP_BANDPASS) {
            st = cramp_band_clamp(fs, spec.f1, spec.f2, CLAMP_FRACTION, &lo, &hi, &flags, &err);
        } else if (spec.type == CRAMP_LOWPASS) {
            /* A low-pass is a band from 0 Hz: only its edge can come down. */
            double used_lo;
            st = cramp_band_clamp(fs, 0.0, spec.f1, CLAMP_FRACTION, &used_lo, &lo, &flags, &err);
        } else if (spec.f1 >= nyq) {
            /* A high-pass has no upper edge to lower: it fits or it does not. */
            return cli_fail("high-pass %g Hz does not fit a sampling rate of %g Hz: it is not "
                            "below Nyquist (%g Hz)",
                            spec.f1, fs, nyq);
        }
        if (st != CRAMP_OK) {
            if (spec.type == CRAMP_BANDPASS)
                return cli_fail("band %g-%g Hz cannot be fitted to a sampling rate of %g Hz "
                                "(Nyquist %g Hz): %s",
                                spec.f1, spec.f2, fs, nyq, err.message);
            return cli_fail("%s %g Hz cannot be fitted to a sampling rate of %g Hz "
                            "(Nyquist %g Hz): %s",
                            kind, spec.f1, fs, nyq, err.message);
        }
        if (spec.type == CRAMP_BANDPASS)
            cli_note("band used: %g-%g Hz (asked %g-%g Hz; sampling rate %g Hz, Nyquist %g Hz)",
                     lo, hi, spec.f1, spec.f2, fs, nyq);
        else
            cli_note("%s used: %g Hz (asked %g Hz; sampling rate %g Hz, Nyquist %g Hz)", kind,
                     lo, spec.f1, fs, nyq);
        spec.f1 = lo;
        if (spec.type == CRAMP_BANDPASS) spec.f2 = hi;
    } else {
        double top = spec.type == CRAMP_BANDPASS ? spec.f2 : spec.f1;
        if (top >= nyq) {
            if (spec.type == CRAMP_BANDPASS)
                return cli_fail("band %g-%g Hz does not fit a sampling rate of %g Hz: "
                                "%g Hz is not below Nyquist (%g Hz); lower the band or "
                                "use --clamp",
                                spec.f1, spec.f2, fs, spec.f2, nyq);
            return cli_fail("%s %g Hz does not fit a sampling rate of %g Hz: it is not below "
                            "Nyquist (%g Hz)%s",
                            kind, spec.f1, fs, nyq,
                            spec.type == CRAMP_LOWPASS ? "; lower it or use --clamp" : "");
        }
    }

    /* Notch or comb sections, where they fit below Nyquist. */
    size_t n_notch = 0;
    int notch_skipped = 0;
    if (o->notch_given) {
        n_notch = o->harmonics ? cramp_comb_sections(fs, o->notch) : (o->notch < nyq ? 1 : 0);
        if (n_notch == 0) {
            if (!o->clamp)
                return cli_fail("notch %g Hz does not fit a sampling rate of %g Hz: it is not "
                                "below Nyquist (%g Hz)",
                                o->notch, fs, nyq);
            cli_note("notch %g Hz skipped: not below Nyquist (%g Hz)", o->notch, nyq);
            notch_skipped = 1;
        }
    }

    size_t n_band = cramp_butter_sections(spec.type, spec.order);
    d->sos = calloc(n_band + n_notch, sizeof *d->sos);
    if (!d->sos) return cli_fail("out of memory");
    size_t got = 0;
    if (cramp_butter_design(&spec, d->sos, n_band, &got, &err) != CRAMP_OK)
        return cli_fail("cannot design the filter for a sampling rate of %g Hz: %s", fs,
                        err.message);
    d->n = got;
    if (n_notch > 0) {
        cramp_status st;
        size_t nn = 1;
        if (o->harmonics)
            st = cramp_comb_design(fs, o->notch, o->q, d->sos + d->n, n_notch, &nn, &err);
        else
            st = cramp_notch_design(fs, o->notch, o->q, d->sos + d->n, &err);
        if (st != CRAMP_OK)
            return cli_fail("cannot design the %g Hz notch for a sampling rate of %g Hz: %s",
                            o->notch, fs, err.message);
        d->n += nn;
    }

    int len;
    if (spec.type == CRAMP_BANDPASS)
        len = snprintf(d->text, sizeof d->text, "band %g-%g Hz order %d", spec.f1, spec.f2,
                       spec.order);
    else
        len = snprintf(d->text, sizeof d->text, "%s %g Hz order %d", kind, spec.f1, spec.order);
    if (n_notch > 0 && len > 0 && (size_t)len < sizeof d->text) {
        if (o->harmonics)
            snprintf(d->text + len, sizeof d->text - (size_t)len,
                     " + notch %g Hz and harmonics (%zu, Q %g)", o->notch, n_notch, o->q);
        else
            snprintf(d->text + len, sizeof d->text - (size_t)len, " + notch %g Hz (Q %g)",
                     o->notch, o->q);
    } else if (notch_skipped && len > 0 && (size_t)len < sizeof d->text) {
        snprintf(d->text + len, sizeof d->text - (size_t)len, " (notch skipped)");
    }
    return CLI_OK;
}

/* The filter in the EDF prefiltering field's convention ("HP:20Hz LP:450Hz
 * N:50Hz"), as designed from the options (--clamp's fitted band is in the
 * summary). */
static void edf_prefilter(const filter_opts *o, char *buf, size_t cap)
{
    double hp = 0, lp = 0;
    if (o->highpass_given || o->lowpass_given) {
        hp = o->highpass_given ? o->highpass : 0;
        lp = o->lowpass_given ? o->lowpass : 0;
    } else {
        hp = o->band_lo;
        lp = o->band_hi;
    }
    int n = 0;
    buf[0] = '\0';
    if (hp > 0) n += snprintf(buf + n, cap - (size_t)n, "HP:%gHz ", hp);
    if (lp > 0 && (size_t)n < cap) n += snprintf(buf + n, cap - (size_t)n, "LP:%gHz ", lp);
    if (o->notch_given && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, "N:%gHz%s ", o->notch, o->harmonics ? "+harm" : "");
    if (o->zero_phase && (size_t)n < cap) n += snprintf(buf + n, cap - (size_t)n, "zero-phase");
    if (n > 0 && (size_t)n < cap && buf[n - 1] == ' ') buf[n - 1] = '\0';
}

/* Mean and mains-hum amplitude of a whole signal, accumulated in double
 * block by block: the hum amplitude of channel c is 2 |X_c(f)| / N, with
 * X_c(f) the projection of the channel on exp(-i 2 pi f t). */
typedef struct hum_meter {
    double fs;
    size_t channels;
    uint64_t frames;
    double sum;
    double *re, *im;
} hum_meter;

static int hum_meter_init(hum_meter *m, double fs, size_t channels)
{
    memset(m, 0, sizeof *m);
    m->fs = fs;
    m->channels = channels;
    m->re = calloc(channels, sizeof *m->re);
    m->im = calloc(channels, sizeof *m->im);
    return m->re && m->im ? 0 : -1;
}

static void hum_meter_add(hum_meter *m, const float *x, size_t frames)
{
    const double two_pi = 6.283185307179586;
    size_t ch = m->channels;
    for (size_t i = 0; i < frames; i++) {
        double cycles = fmod((double)(m->frames + i) * CLI_SYNTH_HUM_HZ / m->fs, 1.0);
        double cs = cos(two_pi * cycles), sn = sin(two_pi * cycles);
        for (size_t c = 0; c < ch; c++) {
            double v = (double)x[i * ch + c];
            m->sum += v;
            m->re[c] += v * cs;
            m->im[c] += v * sn;
        }
    }
    m->frames += frames;
}

static double hum_meter_mean(const hum_meter *m)
{
    return m->frames ? m->sum / ((double)m->frames * (double)m->channels) : 0.0;
}

/* Mean over channels of each channel's hum amplitude 2 |X(f)| / N. */
static double hum_meter_amplitude(const hum_meter *m)
{
    if (!m->frames) return 0.0;
    double a = 0.0;
    for (size_t c = 0; c < m->channels; c++)
        a += 2.0 * hypot(m->re[c], m->im[c]) / (double)m->frames;
    return a / (double)m->channels;
}

static void hum_meter_free(hum_meter *m)
{
    free(m->re);
    free(m->im);
}

int cmd_filter(int argc, char *argv[])
{
    filter_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) return CLI_OK; /* --help */
    if (rc != 0) return rc;

    const double t0 = cli_now();
    cli_reader rd;
    memset(&rd, 0, sizeof rd);
    cli_synth *syn = NULL;
    double fs;
    size_t ch;
    int64_t total; /* frames expected, -1 if unknown */
    if (o.synthetic) {
        fs = (double)o.fs;
        ch = o.channels;
        total = (int64_t)llround(o.synthetic_s * fs);
        if (total < 1) return cli_usage_error("--synthetic %g s at %g Hz is no frames", o.synthetic_s, fs);
        syn = cli_synth_create(fs, ch, o.seed);
        if (!syn) return cli_fail("out of memory");
    } else {
        if (cli_reader_open_input(&rd, o.in, &o.input, o.quiet) != CLI_OK) return CLI_FAIL;
        fs = rd.fs;
        ch = rd.channels;
        total = rd.frames > 0 ? rd.frames : -1;
    }
    const char *in_name = o.synthetic ? "the synthetic signal" : o.in;

    design d;
    memset(&d, 0, sizeof d);
    cramp_filter *flt = NULL;
    cramp_zerophase *zp = NULL;
    float *buf = NULL, *zbuf = NULL;
    size_t zcap = 0;
    hum_meter hin, hout;
    memset(&hin, 0, sizeof hin);
    memset(&hout, 0, sizeof hout);
    cli_output out;
    memset(&out, 0, sizeof out);
    cli_signal_out sig;
    memset(&sig, 0, sizeof sig);
    const int edf_out = o.out_format != CLI_SIGNAL_WAV;
    rc = CLI_FAIL;

    if (design_filters(&o, fs, &d) != CLI_OK) goto done;

    cramp_simd path = o.simd == CRAMP_SIMD_AUTO ? cramp_simd_best() : o.simd;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st;
    if (o.zero_phase) {
        cramp_zerophase_config zc;
        cramp_zerophase_config_default(&zc);
        zc.simd = o.simd;
        st = cramp_zerophase_create(&zp, d.sos, d.n, ch, &zc, &err);
        if (st == CRAMP_OK) {
            size_t a = cramp_zerophase_max_output(zp, CLI_BLOCK_FRAMES);
            size_t b = cramp_zerophase_max_output(zp, 0);
            zcap = a > b ? a : b;
            zbuf = malloc(zcap * ch * sizeof *zbuf);
            if (!zbuf) st = CRAMP_ENOMEM;
        }
    } else {
        cramp_filter_config fc;
        cramp_filter_config_default(&fc);
        fc.simd = o.simd;
        st = cramp_filter_create(&flt, d.sos, d.n, ch, &fc);
        if (st == CRAMP_OK) path = cramp_filter_simd(flt);
    }
    if (st == CRAMP_EUNSUPPORTED) {
        cli_fail("SIMD path '%s' is not available on this machine or build",
                 cramp_simd_name(o.simd));
        goto done;
    }
    if (st != CRAMP_OK) {
        cli_fail("cannot set up the filter for %zu channel%s: %s%s%s", ch, ch == 1 ? "" : "s",
                 cramp_strerror(st),
                 err.message[0] ? ": " : "", err.message);
        goto done;
    }
    buf = malloc(CLI_BLOCK_FRAMES * ch * sizeof *buf);
    if (!buf) {
        cli_fail("out of memory");
        goto done;
    }
    if (o.synthetic && (hum_meter_init(&hin, fs, ch) != 0 || hum_meter_init(&hout, fs, ch) != 0)) {
        cli_fail("out of memory");
        goto done;
    }

    if (edf_out ? cli_signal_open_edf(&sig, o.out, o.out_format, fs, ch) != CLI_OK
                : cli_output_open_sound(&out, o.out, fs, ch, total > 0 ? total : 0) != CLI_OK)
        goto done;

    cli_progress prog;
    cli_progress_init(&prog, o.quiet);
    int64_t frames_in = 0, frames_out = 0;
    for (;;) {
        size_t n;
        if (syn) {
            int64_t left = total - frames_in;
            n = left > CLI_BLOCK_FRAMES ? CLI_BLOCK_FRAMES : (size_t)left;
            cli_synth_fill(syn, buf, n);
            hum_meter_add(&hin, buf, n);
        } else {
            long got = cli_reader_read(&rd, buf, CLI_BLOCK_FRAMES);
            if (got < 0) goto fail_output;
            n = (size_t)got;
        }
        if (n == 0) break;
        frames_in += (int64_t)n;
        const float *w = buf;
        size_t nw = n;
        if (zp) {
            st = cramp_zerophase_process(zp, buf, n, zbuf, zcap, &nw);
            w = zbuf;
        } else {
            st = cramp_filter_process(flt, buf, buf, n);
        }
        if (st != CRAMP_OK) {
            cli_fail("filtering '%s' failed: %s", in_name, cramp_strerror(st));
            goto fail_output;
        }
        if (nw && (edf_out ? cli_signal_write_edf(&sig, w, nw)
                           : cli_output_write_sound(&out, w, nw)) != CLI_OK)
            goto fail_output;
        if (syn) hum_meter_add(&hout, w, nw);
        frames_out += (int64_t)nw;
        cli_progress_update(&prog, total > 0 ? (double)frames_in / (double)total : -1.0,
                            frames_in);
    }
    cli_progress_done(&prog);
    if (frames_in == 0) {
        cli_fail("'%s' holds no frames: nothing to filter", in_name);
        goto fail_output;
    }
    if (zp) {
        size_t nw = 0;
        st = cramp_zerophase_finish(zp, zbuf, zcap, &nw, &err);
        if (st == CRAMP_ERANGE) {
            cli_fail("'%s' is too short for --zero-phase: %lld frames, it needs more than %zu "
                     "for this filter",
                     in_name, (long long)frames_in, cramp_filtfilt_padlen(d.sos, d.n));
            goto fail_output;
        }
        if (st != CRAMP_OK) {
            cli_fail("filtering '%s' failed: %s", in_name,
                     err.message[0] ? err.message : cramp_strerror(st));
            goto fail_output;
        }
        if (nw && (edf_out ? cli_signal_write_edf(&sig, zbuf, nw)
                           : cli_output_write_sound(&out, zbuf, nw)) != CLI_OK)
            goto fail_output;
        if (syn) hum_meter_add(&hout, zbuf, nw);
        frames_out += (int64_t)nw;
    }
    if (frames_out != frames_in) {
        cli_fail("internal error: %lld frames in, %lld out", (long long)frames_in,
                 (long long)frames_out);
        goto fail_output;
    }
    if (edf_out) {
        char pre[120];
        edf_prefilter(&o, pre, sizeof pre);
        if (cli_signal_commit_edf(&sig, syn ? NULL : &rd, pre, o.quiet) != CLI_OK) goto done;
    } else if (cli_output_commit(&out) != CLI_OK) {
        goto done;
    }

    double secs = cli_now() - t0;
    if (!o.quiet) {
        double dur = (double)frames_in / fs;
        fprintf(stderr,
                "cramp filter: %lld frames x %zu channel%s at %g Hz (%.1f s), %s, %s, %s -> %s "
                "in %.2f s (%.0fx real time)%s%s\n",
                (long long)frames_in, ch, ch == 1 ? "" : "s", fs, dur, d.text, o.zero_phase ? "zero-phase" : "causal",
                cramp_simd_name(path), o.out, secs, secs > 0 ? dur / secs : 0.0,
                syn ? "" : "; values ", syn ? "" : cli_reader_units_text(&rd));
        if (syn)
            fprintf(stderr,
                    "cramp filter: synthetic check: DC offset %.3g -> %.2g, %g Hz hum amplitude "
                    "%.3g -> %.2g\n",
                    hum_meter_mean(&hin), hum_meter_mean(&hout), CLI_SYNTH_HUM_HZ,
                    hum_meter_amplitude(&hin), hum_meter_amplitude(&hout));
    }
    rc = CLI_OK;
    goto done;

fail_output:
    cli_progress_done(&prog);
    cli_output_abort(&out);
done:
    cli_output_abort(&out); /* no-op after a commit */
    cli_signal_abort_edf(&sig);
    hum_meter_free(&hin);
    hum_meter_free(&hout);
    free(buf);
    free(zbuf);
    cramp_filter_destroy(flt);
    cramp_zerophase_destroy(zp);
    free(d.sos);
    cli_synth_destroy(syn);
    cli_reader_close(&rd);
    return rc;
}
