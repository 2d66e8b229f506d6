/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp fatigue: spectral fatigue indices (MNF, MDF, FInsm5, ...) of every
 * channel, per epoch, as TSV or JSON, and their least-squares trends over
 * intervals (given on the command line or as BIDS events). The recording is
 * read block by block through the shared reader (common.h), in constant
 * memory; only the epochs inside the intervals are kept, for the fits. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_fatigue.h"
#include "common.h"

#define MAX_INTERVALS 4096
/* Epoch edges within this of an interval's edges count as inside. */
#define EDGE_EPS_S 1e-9

/* The per-epoch values a trend is fitted to, in output order. */
static const char *const trend_names[] = {"total_power", "mnf", "mdf", "peak_f", "finsm5",
                                          "entropy"};
#define N_TREND_BASE 6

typedef struct interval {
    double start_s, end_s;
    char label[96];
    char chans[256]; /* channels whose slopes are reported (comma-separated labels); "" all */
    double *rows;    /* n_rows x (1 + channels * n_idx): centre time, then values */
    size_t n_rows, cap_rows;
} interval;

typedef struct fatigue_opts {
    const char *in;
    const char *out;
    const char *slopes_out;
    const char *events;
    const char *event_class;   /* --class: comma-separated trial_types, or "all" */
    const char *event_channel; /* --channel: "own", "all" or comma-separated labels */
    const char *wisdom;
    int json;
    int quiet;
    cramp_fft_effort effort;
    double level;
    cramp_spectral_config cfg;
    interval *iv;
    size_t n_iv;
    cli_input input;
} fatigue_opts;

static const char *const window_names[] = {"hann", "hamming", "tukey", "rect"};
static const char *const detrend_names[] = {"none", "constant", "linear"};
static const char *const scaling_names[] = {"density", "spectrum"};
static const char *const effort_names[] = {"estimate", "measure", "patient", "exhaustive"};

void cmd_fatigue_help(FILE *out)
{
    fputs("Usage: cramp fatigue [OPTIONS] IN [-o OUT.tsv]\n"
          "\n"
          "Spectral fatigue indices of the channels of a recording (EDF/BDF, or WAV,\n"
          "FLAC, ... ; band-pass it first with 'cramp filter'), one row per epoch and\n"
          "channel. Each epoch's spectrum is Welch's average of the segments lying wholly\n"
          "inside it, exactly scipy.signal.welch(x_epoch, fs, window, nperseg, noverlap,\n"
          "nfft, detrend, scaling) on that epoch's samples. An unfinished last epoch is\n"
          "left out.\n"
          "\n"
          "Output (TSV, a header line then one row per epoch and channel):\n"
          "  time_s       centre of the epoch, seconds from the first frame\n"
          "  channel      channel label (WAV: ch1, ch2, ...)\n"
          "  total_power  power in the spectrum, UNIT^2 (UNIT: uV, the file's, or FS)\n"
          "  mnf          mean frequency, Hz (power-weighted mean of the bin frequencies)\n"
          "  mdf          median frequency, Hz (half the power below it; interpolated\n"
          "               inside the bin where the cumulative power crosses half)\n"
          "  peak_f       frequency of the largest bin, Hz\n"
          "  finsm5       Dimitrov's FInsm5 = M(-1)/M(5) over the FInsm5 band, Hz^-6\n"
          "               (M(k) = sum of f^k P(f) over the band's bins)\n"
          "  entropy      spectral entropy normalised to 0..1 (1 = flat spectrum)\n"
          "  sm1 .. sm4   spectral moments sum f^k P(f) df, Hz^k UNIT^2\n"
          "  power_LO_HI  power in each --band, UNIT^2\n"
          "Values that do not exist (a silent epoch has no mean frequency) are n/a.\n"
          "\n",
          out);
    cramp_spectral_config d;
    cramp_spectral_config_default(&d);
    fprintf(out,
            "Spectrum:\n"
            "  --epoch SECONDS    epoch length (default %g)\n"
            "  --step SECONDS     epoch start to start (default the epoch: epochs touch;\n"
            "                     less overlaps them, more leaves gaps)\n"
            "  --segment SECONDS  Welch segment (default %g)\n"
            "  --overlap SECONDS  overlap of consecutive segments (default half a segment)\n"
            "  --window NAME      hann (default), hamming, tukey[:ALPHA] (ALPHA 0..1,\n"
            "                     default %g) or rect\n",
            d.epoch_s, d.segment_s, d.tukey_alpha);
    fputs("  --detrend KIND     constant (default: remove each segment's mean), linear\n"
          "                     or none\n"
          "  --scaling KIND     density (default; PSD in UNIT^2/Hz) or spectrum (UNIT^2)\n"
          "  --nfft N           FFT length, at least the segment's frames (default equal;\n"
          "                     longer zero-pads)\n"
          "  --fft-effort LEVEL FFTW planning: estimate (default, instant), measure,\n"
          "                     patient or exhaustive (up to seconds per FFT length, often\n"
          "                     a much faster transform); timed plans are saved in a\n"
          "                     wisdom file that every later run reads, estimate too\n"
          "  --wisdom FILE      that file (default $CRAMP_FFTW_WISDOM, else\n"
          "                     $XDG_CACHE_HOME or ~/.cache, /cramp/fftw3f.wisdom)\n"
          "\n",
          out);
    fprintf(out,
            "Indices:\n"
            "  --finsm5-band LO-HI  FInsm5 band in Hz (default %g-%g; the upper edge is\n",
            d.finsm5_band.lo_hz, d.finsm5_band.hi_hz);
    fputs("                     clamped to Nyquist; the band used is printed on stderr\n"
          "                     and written in --json output: always report it, FInsm5\n"
          "                     depends strongly on it)\n"
          "  --band LO-HI       also report the power in this band, Hz (up to 8 times)\n"
          "  --mdf-bin          MDF as the first bin reaching half the power, not\n"
          "                     interpolated (as many MATLAB scripts and LibEMG)\n"
          "  --libemg-axis      LibEMG's frequency axis k (fs/2) / (nfft/2 - 1), without\n"
          "                     the Nyquist bin and one-sided doubling: only to reproduce\n"
          "                     LibEMG's numbers (with --window rect --detrend none\n"
          "                     --mdf-bin and nfft a power of two), never for new work\n"
          "\n",
          out);
    fputs("Trends (least-squares slope of each index against time over the epochs lying\n"
          "wholly inside an interval, with its confidence interval from Student's t):\n"
          "  --interval START-END  seconds from the first frame (repeatable)\n"
          "  --events FILE.tsv  BIDS events file: one interval per row from its 'onset'\n"
          "                     and 'duration' columns (seconds), named by 'trial_type'\n"
          "  --class LIST       the events' trial_types to take (default cramp; e.g.\n"
          "                     cramp,plm; all: every row)\n"
          "  --channel WHICH    own (default): each event's slopes on the channels of its\n"
          "                     'channel' column (all when it has none); all: every\n"
          "                     channel read; LABEL,...: only events on these channels,\n"
          "                     their slopes on them\n"
          "  --slopes FILE      TSV of the slopes (required with intervals and TSV output;\n"
          "                     with --json they go in the same document): interval\n"
          "                     start_s end_s channel index n slope ci_low ci_high\n"
          "                     intercept r2 unit (slope in index units per second)\n"
          "  --level P          confidence level of the intervals (default 0.95)\n"
          "\n"
          "Input and output:\n"
          "  -o, --output FILE  the per-epoch table, '-' for stdout (default)\n"
          "  --json             one JSON document instead: settings (with the FInsm5 band\n"
          "                     used), epochs, slopes\n"
          CLI_INPUT_HELP
          "  --quiet            no summary on stderr\n"
          "  -h, --help         show this help\n"
          "\n"
          "Examples:\n"
          "  cramp fatigue leg-filtered.wav -o leg-fatigue.tsv\n"
          "  cramp fatigue --epoch 2 --interval 30-90 --slopes cramp-slopes.tsv leg.wav -o -\n"
          "  cramp fatigue --json --events sub-01_events.tsv night.edf -o night.json\n"
          "\n"
          "Exit status: 0 success, 1 failure (file, settings that do not fit the rate),\n"
          "2 usage error.\n",
          out);
}

/* ---- options ------------------------------------------------------------- */

enum {
    OPT_EPOCH = 256, OPT_STEP, OPT_SEGMENT, OPT_OVERLAP, OPT_WINDOW, OPT_DETREND, OPT_SCALING,
    OPT_NFFT, OPT_EFFORT, OPT_WISDOM, OPT_FINSM5, OPT_BAND, OPT_MDF_BIN, OPT_LIBEMG,
    OPT_INTERVAL, OPT_EVENTS, OPT_SLOPES, OPT_LEVEL, OPT_JSON, OPT_QUIET, OPT_CHANNELS,
    OPT_FULL_SCALE, OPT_CLASS, OPT_CHANNEL
};

static int parse_seconds(const char *opt, const char *arg, double *v)
{
    if (cli_parse_double(arg, v) != 0 || *v <= 0)
        return cli_usage_error("%s wants a duration in seconds > 0, not '%s'", opt, arg);
    return 0;
}

static int add_interval(fatigue_opts *o, double start, double end, const char *label)
{
    if (o->n_iv == MAX_INTERVALS) return -1;
    interval *iv = &o->iv[o->n_iv++];
    memset(iv, 0, sizeof *iv);
    iv->start_s = start;
    iv->end_s = end;
    snprintf(iv->label, sizeof iv->label, "%s", label);
    return 0;
}

static int parse_args(int argc, char *argv[], fatigue_opts *o)
{
    static const struct option longopts[] = {
        {"epoch", required_argument, NULL, OPT_EPOCH},
        {"step", required_argument, NULL, OPT_STEP},
        {"segment", required_argument, NULL, OPT_SEGMENT},
        {"overlap", required_argument, NULL, OPT_OVERLAP},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"detrend", required_argument, NULL, OPT_DETREND},
        {"scaling", required_argument, NULL, OPT_SCALING},
        {"nfft", required_argument, NULL, OPT_NFFT},
        {"fft-effort", required_argument, NULL, OPT_EFFORT},
        {"wisdom", required_argument, NULL, OPT_WISDOM},
        {"finsm5-band", required_argument, NULL, OPT_FINSM5},
        {"band", required_argument, NULL, OPT_BAND},
        {"mdf-bin", no_argument, NULL, OPT_MDF_BIN},
        {"libemg-axis", no_argument, NULL, OPT_LIBEMG},
        {"interval", required_argument, NULL, OPT_INTERVAL},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"class", required_argument, NULL, OPT_CLASS},
        {"channel", required_argument, NULL, OPT_CHANNEL},
        {"slopes", required_argument, NULL, OPT_SLOPES},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"json", no_argument, NULL, OPT_JSON},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE},
        CLI_INPUT_TEXT_LONGOPTS,
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    o->out = "-";
    o->level = 0.95;
    cramp_spectral_config_default(&o->cfg);

    opterr = 0;
    optind = 1;
    int c;
    double v = 0.0, lo = 0.0, hi = 0.0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            cmd_fatigue_help(stdout);
            return -1;
        case 'o':
            o->out = optarg;
            break;
        case OPT_EPOCH:
            if (parse_seconds("--epoch", optarg, &o->cfg.epoch_s)) return CLI_USAGE;
            break;
        case OPT_STEP:
            if (parse_seconds("--step", optarg, &o->cfg.epoch_step_s)) return CLI_USAGE;
            break;
        case OPT_SEGMENT:
            if (parse_seconds("--segment", optarg, &o->cfg.segment_s)) return CLI_USAGE;
            break;
        case OPT_OVERLAP:
            if (cli_parse_double(optarg, &o->cfg.overlap_s) != 0 || o->cfg.overlap_s < 0)
                return cli_usage_error("--overlap wants a duration in seconds >= 0, not '%s'",
                                       optarg);
            break;
        case OPT_WINDOW: {
            size_t k = 0;
            const size_t len = strcspn(optarg, ":");
            while (k < 4 && (strlen(window_names[k]) != len ||
                             strncmp(optarg, window_names[k], len) != 0))
                k++;
            if (k == 4)
                return cli_usage_error("--window wants hann, hamming, tukey[:ALPHA] or rect, "
                                       "not '%s'", optarg);
            o->cfg.window = (cramp_window_kind)k;
            if (optarg[len] == ':') {
                if (o->cfg.window != CRAMP_WINDOW_TUKEY)
                    return cli_usage_error("--window %s takes no parameter", window_names[k]);
                if (cli_parse_double(optarg + len + 1, &o->cfg.tukey_alpha) != 0 ||
                    o->cfg.tukey_alpha < 0 || o->cfg.tukey_alpha > 1)
                    return cli_usage_error("--window tukey:ALPHA wants ALPHA in 0..1, not '%s'",
                                           optarg + len + 1);
            }
            break;
        }
        case OPT_DETREND: {
            size_t k = 0;
            while (k < 3 && strcmp(optarg, detrend_names[k]) != 0) k++;
            if (k == 3)
                return cli_usage_error("--detrend wants constant, linear or none, not '%s'",
                                       optarg);
            o->cfg.detrend = (cramp_detrend)k;
            break;
        }
        case OPT_SCALING:
            if (strcmp(optarg, "density") == 0) o->cfg.scaling = CRAMP_PSD_DENSITY;
            else if (strcmp(optarg, "spectrum") == 0) o->cfg.scaling = CRAMP_PSD_SPECTRUM;
            else return cli_usage_error("--scaling wants density or spectrum, not '%s'", optarg);
            break;
        case OPT_NFFT:
            if (cli_parse_size(optarg, &o->cfg.nfft) != 0 || o->cfg.nfft < 2)
                return cli_usage_error("--nfft wants a whole number >= 2, not '%s'", optarg);
            break;
        case OPT_EFFORT: {
            size_t k = 0;
            while (k < 4 && strcmp(optarg, effort_names[k]) != 0) k++;
            if (k == 4)
                return cli_usage_error("--fft-effort wants estimate, measure, patient or "
                                       "exhaustive, not '%s'", optarg);
            o->effort = (cramp_fft_effort)k;
            break;
        }
        case OPT_WISDOM:
            o->wisdom = optarg;
            break;
        case OPT_FINSM5:
            if (cli_parse_band(optarg, &lo, &hi) != 0 || lo <= 0 || hi <= lo)
                return cli_usage_error("--finsm5-band wants LO-HI in Hz with 0 < LO < HI, not "
                                       "'%s'", optarg);
            o->cfg.finsm5_band = (cramp_freq_band){lo, hi};
            break;
        case OPT_BAND:
            if (cli_parse_band(optarg, &lo, &hi) != 0 || lo <= 0 || hi <= lo)
                return cli_usage_error("--band wants LO-HI in Hz with 0 < LO < HI, not '%s'",
                                       optarg);
            if (o->cfg.n_bands == CRAMP_SPECTRAL_MAX_BANDS)
                return cli_usage_error("--band: at most %d bands", CRAMP_SPECTRAL_MAX_BANDS);
            o->cfg.bands[o->cfg.n_bands++] = (cramp_freq_band){lo, hi};
            break;
        case OPT_MDF_BIN:
            o->cfg.mdf = CRAMP_MDF_BIN;
            break;
        case OPT_LIBEMG:
            o->cfg.axis = CRAMP_FREQ_AXIS_LIBEMG;
            break;
        case OPT_INTERVAL:
            if (cli_parse_band(optarg, &lo, &hi) != 0 || lo < 0 || hi <= lo)
                return cli_usage_error("--interval wants START-END in seconds with 0 <= START "
                                       "< END, not '%s'", optarg);
            if (add_interval(o, lo, hi, optarg) != 0)
                return cli_usage_error("--interval: at most %d intervals", MAX_INTERVALS);
            break;
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_CLASS:
            if (!optarg[0]) return cli_usage_error("--class wants a list such as cramp,plm or all");
            o->event_class = optarg;
            break;
        case OPT_CHANNEL:
            if (!optarg[0])
                return cli_usage_error("--channel wants own, all or a list of channel labels");
            o->event_channel = optarg;
            break;
        case OPT_SLOPES:
            o->slopes_out = optarg;
            break;
        case OPT_LEVEL:
            if (cli_parse_double(optarg, &v) != 0 || !(v > 0 && v < 1))
                return cli_usage_error("--level wants a probability between 0 and 1, not '%s'",
                                       optarg);
            o->level = v;
            break;
        case OPT_JSON:
            o->json = 1;
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
    const int npos = argc - optind;
    if (npos == 0) return cli_usage_error("no input file");
    if (npos > 1) return cli_usage_error("one input file only; got '%s' too", argv[optind + 1]);
    o->in = argv[optind];
    const int trends = o->n_iv > 0 || o->events;
    if (o->json && o->slopes_out)
        return cli_usage_error("--slopes is for TSV output; --json writes the slopes in the same "
                               "document");
    if (!o->json && trends && !o->slopes_out)
        return cli_usage_error("intervals need --slopes FILE for their table (or use --json)");
    if (o->slopes_out && !trends)
        return cli_usage_error("--slopes needs --interval or --events");
    if ((o->event_class || o->event_channel) && !o->events)
        return cli_usage_error("--class and --channel choose rows of --events FILE");
    if (!o->event_channel) o->event_channel = "own";
    if (o->slopes_out && strcmp(o->slopes_out, "-") == 0 && strcmp(o->out, "-") == 0)
        return cli_usage_error("--slopes - and the table both on stdout: give one a file");
    return 0;
}

/* ---- events file --------------------------------------------------------- */

/* 1 if item (n bytes) is one of the comma-separated entries of list. */
static int in_list(const char *list, const char *item, size_t n)
{
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* The entries of `a` (comma-separated) that are in `b` too, into out. */
static void list_intersection(const char *a, const char *b, char *out, size_t cap)
{
    out[0] = '\0';
    for (const char *p = a; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > 0 && in_list(b, p, len)) {
            size_t used = strlen(out);
            snprintf(out + used, cap - used, "%s%.*s", used ? "," : "", (int)len, p);
        }
        if (!e) break;
        p = e + 1;
    }
}

/* Whether channel label lab is among the interval's channels. */
static int interval_has_channel(const interval *iv, const char *lab)
{
    return !iv->chans[0] || in_list(iv->chans, lab, strlen(lab));
}

/* Reads a BIDS events TSV: header with 'onset' and 'duration' (seconds),
 * optional 'trial_type'. Rows whose duration is n/a are skipped with a note. */
static int read_events(fatigue_opts *o)
{
    FILE *fp = fopen(o->events, "r");
    if (!fp) return cli_fail("cannot open '%s': %s", o->events, strerror(errno));
    char line[4096];
    int rc = CLI_OK;
    long on_col = -1, dur_col = -1, type_col = -1, chan_col = -1, lineno = 0, skipped = 0;
    long other_class = 0, other_channel = 0;
    /* default: cramps, or every row of a file without trial_type */
    const char *cls = o->event_class ? o->event_class : "cramp";
    int any_class = strcmp(cls, "all") == 0;
    const int own = strcmp(o->event_channel, "own") == 0;
    const int every = strcmp(o->event_channel, "all") == 0;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            rc = cli_fail("'%s' line %ld: longer than %zu characters", o->events, lineno,
                          sizeof line - 1);
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0]) continue;
        char *fields[64];
        long nf = 0;
        for (char *p = line;;) {
            if (nf == 64) break;
            fields[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = '\0';
            p = tab + 1;
        }
        if (on_col < 0) { /* the header */
            for (long i = 0; i < nf; i++) {
                if (strcmp(fields[i], "onset") == 0) on_col = i;
                else if (strcmp(fields[i], "duration") == 0) dur_col = i;
                else if (strcmp(fields[i], "trial_type") == 0) type_col = i;
                else if (strcmp(fields[i], "channel") == 0) chan_col = i;
            }
            if (on_col < 0 || dur_col < 0) {
                rc = cli_fail("'%s' is not a BIDS events file: its first line names no 'onset' "
                              "and 'duration' columns", o->events);
                break;
            }
            if (type_col < 0 && !o->event_class) any_class = 1;
            if (type_col < 0 && !any_class) {
                rc = cli_fail("'%s' has no 'trial_type' column to choose --class %s by; give "
                              "--class all to take every row",
                              o->events, cls);
                break;
            }
            if (chan_col < 0 && !own && !every) {
                rc = cli_fail("'%s' has no 'channel' column to choose --channel %s by; give "
                              "--channel all",
                              o->events, o->event_channel);
                break;
            }
            continue;
        }
        if (nf <= on_col || nf <= dur_col) {
            rc = cli_fail("'%s' line %ld: %ld columns, the header has more", o->events, lineno,
                          nf);
            break;
        }
        double onset = 0.0, dur = 0.0;
        if (strcmp(fields[dur_col], "n/a") == 0) {
            skipped++;
            continue;
        }
        if (cli_parse_double(fields[on_col], &onset) != 0 ||
            cli_parse_double(fields[dur_col], &dur) != 0 || onset < 0 || dur < 0) {
            rc = cli_fail("'%s' line %ld: onset '%s' and duration '%s' must be seconds >= 0",
                          o->events, lineno, fields[on_col], fields[dur_col]);
            break;
        }
        if (!any_class && (type_col >= nf ||
                           !in_list(cls, fields[type_col], strlen(fields[type_col])))) {
            other_class++;
            continue;
        }
        /* the event's own channels; none (no column, "n/a", empty): every one */
        const char *evch = chan_col >= 0 && chan_col < nf && fields[chan_col][0] &&
                                   strcmp(fields[chan_col], "n/a") != 0
                               ? fields[chan_col]
                               : "";
        char chans[256] = "";
        if (every) {
            chans[0] = '\0';
        } else if (own) {
            snprintf(chans, sizeof chans, "%s", evch);
        } else {
            list_intersection(evch, o->event_channel, chans, sizeof chans);
            if (!chans[0]) {
                other_channel++;
                continue;
            }
        }
        char label[96];
        if (type_col >= 0 && type_col < nf && fields[type_col][0])
            snprintf(label, sizeof label, "%s", fields[type_col]);
        else
            snprintf(label, sizeof label, "%g-%g", onset, onset + dur);
        if (add_interval(o, onset, onset + dur, label) != 0) {
            rc = cli_fail("'%s': more than %d intervals", o->events, MAX_INTERVALS);
            break;
        }
        snprintf(o->iv[o->n_iv - 1].chans, sizeof o->iv[o->n_iv - 1].chans, "%s", chans);
    }
    if (rc == CLI_OK && ferror(fp)) rc = cli_fail("error reading '%s'", o->events);
    if (rc == CLI_OK && on_col < 0) rc = cli_fail("'%s' is empty", o->events);
    fclose(fp);
    if (rc == CLI_OK && skipped && !o->quiet)
        cli_note("'%s': %ld events with duration n/a skipped", o->events, skipped);
    if (rc == CLI_OK && !o->quiet && (other_class || other_channel))
        cli_note("'%s': %zu events of class %s taken%s; %ld of other classes and %ld on other "
                 "channels left (--class, --channel)",
                 o->events, o->n_iv, cls,
                 own ? ", each on its own channels" : every ? ", on every channel" : "",
                 other_class, other_channel);
    if (rc == CLI_OK && o->n_iv == 0)
        rc = cli_fail("'%s' holds no event of class %s%s%s (--class and --channel choose)",
                      o->events, cls, own || every ? "" : " on ",
                      own || every ? "" : o->event_channel);
    return rc;
}

/* ---- output helpers ------------------------------------------------------ */

/* A label for a TSV cell: tabs and line breaks would split it. */
static void put_tsv_str(FILE *f, const char *s)
{
    for (; *s; s++) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void band_name(char *buf, size_t cap, cramp_freq_band b)
{
    snprintf(buf, cap, "power_%g_%g", b.lo_hz, b.hi_hz);
}

/* The trend values of one result, in trend_names order then the bands. */
static void trend_values(const cramp_spectral_result *r, size_t n_bands, double *v)
{
    v[0] = r->total_power;
    v[1] = r->mnf_hz;
    v[2] = r->mdf_hz;
    v[3] = r->peak_hz;
    v[4] = r->finsm5;
    v[5] = r->entropy;
    for (size_t b = 0; b < n_bands; b++) v[N_TREND_BASE + b] = r->band_power[b];
}

/* ---- the command --------------------------------------------------------- */

/* The wisdom file: --wisdom, else $CRAMP_FFTW_WISDOM (the library reads it:
 * NULL), else $XDG_CACHE_HOME or ~/.cache, then /cramp/fftw3f.wisdom. It is
 * read whatever the effort (an estimated plan reuses what a timed one
 * found) and written only after a timed plan, so only then are its folders
 * made. */
static const char *wisdom_path(const fatigue_opts *o, char *buf, size_t cap)
{
    if (o->wisdom) return o->wisdom;
    const char *env = getenv("CRAMP_FFTW_WISDOM");
    if (env && *env) return NULL;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) snprintf(buf, cap, "%s", xdg);
    else if (home && *home) snprintf(buf, cap, "%s/.cache", home);
    else return "";
    const int timed = o->effort != CRAMP_FFT_ESTIMATE;
    if (timed) mkdir(buf, 0777);
    const size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "/cramp");
    if (timed) mkdir(buf, 0777);
    snprintf(buf + strlen(buf), cap - strlen(buf), "/fftw3f.wisdom");
    return buf;
}

static void write_header(FILE *f, const fatigue_opts *o, const cli_reader *rd,
                         const cramp_spectral_info *in)
{
    if (!o->json) {
        fputs("time_s\tchannel\ttotal_power\tmnf\tmdf\tpeak_f\tfinsm5\tentropy\tsm1\tsm2\tsm3\tsm4",
              f);
        for (size_t b = 0; b < in->n_bands; b++) {
            char name[64];
            band_name(name, sizeof name, in->bands[b]);
            fprintf(f, "\t%s", name);
        }
        fputc('\n', f);
        return;
    }
    fputs("{\n  \"file\": ", f);
    cli_json_string(f, o->in);
    fprintf(f, ",\n  \"fs_hz\": %.17g,\n  \"channels\": [", in->fs);
    for (size_t c = 0; c < rd->channels; c++) {
        fputs(c ? ", {\"label\": " : "{\"label\": ", f);
        cli_json_string(f, cli_reader_label(rd, c));
        fputs(", \"unit\": ", f);
        cli_json_string(f, cli_reader_unit(rd, c));
        fputc('}', f);
    }
    const double fs = in->fs;
    fprintf(f, "],\n  \"settings\": {\"epoch_s\": %.17g, \"epoch_step_s\": %.17g, "
               "\"segment_s\": %.17g, \"overlap_s\": %.17g, \"segments_per_epoch\": %zu, "
               "\"window\": \"%s\", \"tukey_alpha\": %.17g, \"detrend\": \"%s\", "
               "\"scaling\": \"%s\", \"nfft\": %zu, \"bins\": %zu, \"df_hz\": %.17g, "
               "\"frequency_axis\": \"%s\", \"mdf\": \"%s\", \"finsm5_band_hz\": [%.17g, %.17g], "
               "\"bands_hz\": [",
            (double)in->epoch_frames / fs, (double)in->epoch_step_frames / fs,
            (double)in->segment_frames / fs, (double)in->overlap_frames / fs,
            in->segments_per_epoch, window_names[o->cfg.window], o->cfg.tukey_alpha,
            detrend_names[o->cfg.detrend], scaling_names[o->cfg.scaling], in->nfft, in->bins,
            in->df_hz, o->cfg.axis == CRAMP_FREQ_AXIS_LIBEMG ? "libemg" : "standard",
            o->cfg.mdf == CRAMP_MDF_BIN ? "bin" : "interpolated", in->finsm5_band.lo_hz,
            in->finsm5_band.hi_hz);
    for (size_t b = 0; b < in->n_bands; b++)
        fprintf(f, "%s[%.17g, %.17g]", b ? ", " : "", in->bands[b].lo_hz, in->bands[b].hi_hz);
    fprintf(f, "], \"confidence_level\": %.17g},\n  \"epochs\": [", o->level);
}

static void write_result(FILE *f, const fatigue_opts *o, const cli_reader *rd,
                         const cramp_spectral_result *r, size_t n_bands, int first)
{
    if (!o->json) {
        fprintf(f, "%.6f\t", r->centre_s);
        put_tsv_str(f, cli_reader_label(rd, r->channel));
        const double v[] = {r->total_power, r->mnf_hz, r->mdf_hz, r->peak_hz, r->finsm5,
                            r->entropy, r->moment[1], r->moment[2], r->moment[3], r->moment[4]};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fputc('\t', f);
            cli_put_number(f, v[i], 0, 9);
        }
        for (size_t b = 0; b < n_bands; b++) {
            fputc('\t', f);
            cli_put_number(f, r->band_power[b], 0, 9);
        }
        fputc('\n', f);
        return;
    }
    fprintf(f, "%s\n    {\"time_s\": %.9g, \"start_s\": %.9g, \"end_s\": %.9g, \"channel\": ",
            first ? "" : ",", r->centre_s, r->start_s, r->end_s);
    cli_json_string(f, cli_reader_label(rd, r->channel));
    const char *names[] = {"total_power", "mnf", "mdf", "peak_f", "finsm5", "entropy",
                           "sm1", "sm2", "sm3", "sm4"};
    const double v[] = {r->total_power, r->mnf_hz, r->mdf_hz, r->peak_hz, r->finsm5,
                        r->entropy, r->moment[1], r->moment[2], r->moment[3], r->moment[4]};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fprintf(f, ", \"%s\": ", names[i]);
        cli_put_number(f, v[i], 1, 9);
    }
    if (n_bands) {
        fputs(", \"band_power\": [", f);
        for (size_t b = 0; b < n_bands; b++) {
            if (b) fputs(", ", f);
            cli_put_number(f, r->band_power[b], 1, 9);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

/* Keeps the epoch results of one epoch (ch results) for every interval that
 * holds the epoch whole. */
static int keep_for_intervals(fatigue_opts *o, const cramp_spectral_result *r, size_t ch,
                              size_t n_idx, size_t n_bands)
{
    const size_t width = 1 + ch * n_idx;
    for (size_t i = 0; i < o->n_iv; i++) {
        interval *iv = &o->iv[i];
        if (r->start_s < iv->start_s - EDGE_EPS_S || r->end_s > iv->end_s + EDGE_EPS_S)
            continue;
        if (iv->n_rows == iv->cap_rows) {
            const size_t cap = iv->cap_rows ? 2 * iv->cap_rows : 64;
            double *nr = realloc(iv->rows, cap * width * sizeof *nr);
            if (!nr) return -1;
            iv->rows = nr;
            iv->cap_rows = cap;
        }
        double *row = iv->rows + iv->n_rows * width;
        row[0] = r->centre_s;
        for (size_t c = 0; c < ch; c++) trend_values(&r[c], n_bands, row + 1 + c * n_idx);
        iv->n_rows++;
    }
    return 0;
}

static void trend_unit(char *buf, size_t cap, size_t k, const char *unit)
{
    const char *u = unit && *unit ? unit : "1";
    if (k == 0 || k >= N_TREND_BASE) snprintf(buf, cap, "%s^2/s", u);
    else if (k <= 3) snprintf(buf, cap, "Hz/s");
    else if (k == 4) snprintf(buf, cap, "Hz^-6/s");
    else snprintf(buf, cap, "1/s");
}

/* Fits and writes every (interval, channel, index) slope. */
static int write_slopes(FILE *f, const fatigue_opts *o, const cli_reader *rd,
                        const cramp_spectral_info *in, size_t n_idx, int json)
{
    const size_t ch = rd->channels, width = 1 + ch * n_idx;
    size_t max_rows = 1;
    for (size_t i = 0; i < o->n_iv; i++)
        if (o->iv[i].n_rows > max_rows) max_rows = o->iv[i].n_rows;
    double *t = malloc(max_rows * sizeof *t), *y = malloc(max_rows * sizeof *y);
    if (!t || !y) {
        free(t);
        free(y);
        return cli_fail("out of memory");
    }
    if (!json)
        fputs("interval\tstart_s\tend_s\tchannel\tindex\tn\tslope\tci_low\tci_high\tintercept\t"
              "r2\tunit\n", f);
    int first = 1;
    for (size_t i = 0; i < o->n_iv; i++) {
        const interval *iv = &o->iv[i];
        if (iv->n_rows < 2 && !o->quiet)
            cli_note("interval %s (%g-%g s) holds %zu whole epoch%s: no slope", iv->label,
                     iv->start_s, iv->end_s, iv->n_rows, iv->n_rows == 1 ? "" : "s");
        for (size_t c = 0; c < ch; c++) {
            if (!interval_has_channel(iv, cli_reader_label(rd, c))) continue;
            for (size_t k = 0; k < n_idx; k++) {
                size_t n = 0;
                for (size_t r = 0; r < iv->n_rows; r++) {
                    const double *row = iv->rows + r * width;
                    const double val = row[1 + c * n_idx + k];
                    if (!isfinite(val)) continue; /* a silent epoch has no MNF */
                    t[n] = row[0];
                    y[n] = val;
                    n++;
                }
                cramp_slope s;
                memset(&s, 0, sizeof s);
                s.n = n;
                if (cramp_slope_fit(t, y, n, o->level, &s) != CRAMP_OK) {
                    s.slope = s.intercept = s.ci_low = s.ci_high = s.r2 = (double)NAN;
                    s.n = n;
                }
                char name[64], unit[64];
                if (k < N_TREND_BASE) snprintf(name, sizeof name, "%s", trend_names[k]);
                else band_name(name, sizeof name, in->bands[k - N_TREND_BASE]);
                trend_unit(unit, sizeof unit, k, cli_reader_unit(rd, c));
                if (json) {
                    fputs(first ? "\n    {\"interval\": " : ",\n    {\"interval\": ", f);
                    first = 0;
                    cli_json_string(f, iv->label);
                    fprintf(f, ", \"start_s\": %.9g, \"end_s\": %.9g, \"channel\": ", iv->start_s,
                            iv->end_s);
                    cli_json_string(f, cli_reader_label(rd, c));
                    fprintf(f, ", \"index\": \"%s\", \"n\": %zu", name, s.n);
                    const char *keys[] = {"slope", "ci_low", "ci_high", "intercept", "r2"};
                    const double vals[] = {s.slope, s.ci_low, s.ci_high, s.intercept, s.r2};
                    for (size_t q = 0; q < 5; q++) {
                        fprintf(f, ", \"%s\": ", keys[q]);
                        cli_put_number(f, vals[q], 1, 9);
                    }
                    fputs(", \"unit\": ", f);
                    cli_json_string(f, unit);
                    fputc('}', f);
                } else {
                    put_tsv_str(f, iv->label);
                    fprintf(f, "\t%.6f\t%.6f\t", iv->start_s, iv->end_s);
                    put_tsv_str(f, cli_reader_label(rd, c));
                    fprintf(f, "\t%s\t%zu", name, s.n);
                    const double vals[] = {s.slope, s.ci_low, s.ci_high, s.intercept, s.r2};
                    for (size_t q = 0; q < 5; q++) {
                        fputc('\t', f);
                        cli_put_number(f, vals[q], 0, 9);
                    }
                    fprintf(f, "\t%s\n", unit);
                }
            }
        }
    }
    free(t);
    free(y);
    return CLI_OK;
}

int cmd_fatigue(int argc, char *argv[])
{
    fatigue_opts o;
    memset(&o, 0, sizeof o);
    o.iv = calloc(MAX_INTERVALS, sizeof *o.iv);
    if (!o.iv) return cli_fail("out of memory");
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(o.iv);
        return rc < 0 ? CLI_OK : rc; /* --help, or a usage error */
    }
    if (o.events && read_events(&o) != CLI_OK) {
        free(o.iv);
        return CLI_FAIL;
    }

    const double t0 = cli_now();
    cramp_spectral *sp = NULL;
    float *buf = NULL;
    cramp_spectral_result *res = NULL;
    cli_output out, sout;
    memset(&out, 0, sizeof out);
    memset(&sout, 0, sizeof sout);
    cli_progress prog;
    cli_progress_init(&prog, 1);
    rc = CLI_FAIL;

    cli_reader rd;
    if (cli_reader_open_input(&rd, o.in, &o.input, o.quiet) != CLI_OK) {
        free(o.iv);
        return CLI_FAIL;
    }
    const double fs = rd.fs;
    const size_t ch = rd.channels;

    char wbuf[4096];
    o.cfg.fs = fs;
    o.cfg.effort = o.effort;
    o.cfg.wisdom_path = wisdom_path(&o, wbuf, sizeof wbuf);
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_spectral_create(&sp, ch, &o.cfg, &err);
    if (st != CRAMP_OK) {
        cli_fail("cannot analyse '%s' (%g Hz) with these settings: %s", o.in, fs,
                 err.message[0] ? err.message : cramp_strerror(st));
        goto done;
    }
    if ((cramp_spectral_wisdom_status(sp) & CRAMP_WISDOM_SAVE_FAILED) && !o.quiet)
        cli_note("could not write the FFTW wisdom file (continuing without)");
    cramp_spectral_info info;
    cramp_spectral_get_info(sp, &info);
    if (rd.frames > 0 && (size_t)rd.frames < info.epoch_frames) {
        cli_fail("'%s' holds %g s, shorter than one epoch (%g s): no indices", o.in,
                 (double)rd.frames / fs, (double)info.epoch_frames / fs);
        goto done;
    }
    const size_t n_idx = N_TREND_BASE + info.n_bands;
    const size_t cap = cramp_spectral_max_output(sp, CLI_BLOCK_FRAMES);
    buf = malloc(CLI_BLOCK_FRAMES * ch * sizeof *buf);
    res = malloc((cap ? cap : 1) * sizeof *res);
    if (!buf || !res) {
        cli_fail("out of memory");
        goto done;
    }

    if (cli_output_open_text(&out, o.out) != CLI_OK) goto done;
    write_header(out.fp, &o, &rd, &info);
    cli_progress_init(&prog, o.quiet);
    const int64_t total = rd.frames > 0 ? rd.frames : -1;
    int64_t frames_in = 0;
    uint64_t n_res = 0;
    for (;;) {
        const long got = cli_reader_read(&rd, buf, CLI_BLOCK_FRAMES);
        if (got < 0) goto done;
        if (got == 0) break;
        frames_in += got;
        size_t n = 0;
        st = cramp_spectral_process(sp, buf, (size_t)got, res, cap, &n);
        if (st != CRAMP_OK) {
            cli_fail("spectral analysis of '%s' failed: %s", o.in, cramp_strerror(st));
            goto done;
        }
        for (size_t k = 0; k < n; k++, n_res++)
            write_result(out.fp, &o, &rd, &res[k], info.n_bands, n_res == 0);
        for (size_t k = 0; k < n; k += ch) {
            if (keep_for_intervals(&o, &res[k], ch, n_idx, info.n_bands) != 0) {
                cli_fail("out of memory keeping the epochs of the intervals");
                goto done;
            }
        }
        if (ferror(out.fp)) {
            cli_fail("error writing '%s': %s", o.out, strerror(errno ? errno : EIO));
            goto done;
        }
        cli_progress_update(&prog, total > 0 ? (double)frames_in / (double)total : -1.0,
                            frames_in);
    }
    cli_progress_done(&prog);
    if (n_res == 0) {
        cli_fail("'%s' holds %g s, shorter than one epoch (%g s): no indices", o.in,
                 (double)frames_in / fs, (double)info.epoch_frames / fs);
        goto done;
    }
    if (o.json) {
        fputs("\n  ],\n  \"slopes\": [", out.fp);
        if (write_slopes(out.fp, &o, &rd, &info, n_idx, 1) != CLI_OK) goto done;
        fputs(o.n_iv ? "\n  ]\n}\n" : "]\n}\n", out.fp);
    }
    /* The epochs and the slope table: both or neither. */
    if (o.slopes_out) {
        if (cli_output_open_text(&sout, o.slopes_out) != CLI_OK) goto done;
        if (write_slopes(sout.fp, &o, &rd, &info, n_idx, 0) != CLI_OK) goto done;
    }
    cli_output *const outs[2] = {&out, &sout};
    if (cli_output_commit_all(outs, o.slopes_out ? 2 : 1) != CLI_OK) goto done;
    if (!o.quiet) {
        const uint64_t epochs = cramp_spectral_epochs(sp);
        const double used = (double)((epochs - 1) * info.epoch_step_frames + info.epoch_frames);
        fprintf(stderr,
                "cramp fatigue: %lld frames x %zu channel%s at %g Hz (values %s); %llu epochs of "
                "%g s every %g s, each %zu %s segments of %g s (overlap %g s, nfft %zu, detrend "
                "%s, %s); FInsm5 band %g-%g Hz -> %s in %.2f s\n",
                (long long)frames_in, ch, ch == 1 ? "" : "s", fs, cli_reader_units_text(&rd),
                (unsigned long long)epochs, (double)info.epoch_frames / fs,
                (double)info.epoch_step_frames / fs, info.segments_per_epoch,
                window_names[o.cfg.window], (double)info.segment_frames / fs,
                (double)info.overlap_frames / fs, info.nfft, detrend_names[o.cfg.detrend],
                scaling_names[o.cfg.scaling], info.finsm5_band.lo_hz, info.finsm5_band.hi_hz,
                strcmp(o.out, "-") == 0 ? "stdout" : o.out, cli_now() - t0);
        if ((double)frames_in > used)
            fprintf(stderr, "cramp fatigue: the last %g s are in no whole epoch\n",
                    ((double)frames_in - used) / fs);
    }
    rc = CLI_OK;

done:
    cli_progress_done(&prog);
    cli_output_abort(&out);
    cli_output_abort(&sout);
    for (size_t i = 0; i < o.n_iv; i++) free(o.iv[i].rows);
    free(o.iv);
    free(buf);
    free(res);
    cramp_spectral_destroy(sp);
    cli_reader_close(&rd);
    return rc;
}
