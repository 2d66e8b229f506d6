/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp synth: a simulated night of leg sEMG (cramp/synth.h) written as EDF+
 * (or BDF+) with its ground truth as annotations, and the same ground truth
 * as a BIDS events TSV beside it. Both outputs are written under temporary
 * names and renamed only when complete. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd_synth.h"
#include "common.h"
#include "cramp/filter.h"
#include "cramp/recording.h"
#include "cramp/synth.h"

typedef struct synth_opts {
    const char *scenario;
    const char *out;
    const char *events;
    int bdf, quiet, print;
    int have_seed, have_minutes, have_fs, have_channels;
    uint64_t seed;
    double minutes, fs;
    size_t channels;
    /* --channel-fs: one rate per channel (n_rates of them, 0: not given) */
    size_t n_rates;
    double rates[CRAMP_SYNTH_MAX_CHANNELS];
} synth_opts;

/* The lowest rate a channel may have: the simulator's (scenario key fs) and
 * the detector's floor (CRAMP_NIGHT_MIN_FS_HZ), below which the EMG band
 * is gone. */
#define SYNTH_MIN_FS_HZ 100.0
#define SYNTH_MAX_FS_HZ 20000.0

void cmd_synth_help(FILE *out)
{
    fputs("Usage: cramp synth [SCENARIO] [OPTIONS] -o NIGHT.edf\n"
          "\n"
          "Simulates a night of leg surface EMG with a motor-unit model (Fuglevand, Winter\n"
          "and Patla 1993) and writes it as EDF+ (or BDF+ with --bdf or a .bdf name), in\n"
          "uV, with the ground truth as annotations, and the same ground truth as a BIDS\n"
          "events table NIGHT.events.tsv (columns onset, duration, trial_type, channel,\n"
          "detail; trial_type is cramp, plm, burst, movement, artefact, hft, alma or\n"
          "fragmentary). Without a\n",
          out);
    cramp_scenario d;
    cramp_scenario_default(&d);
    fprintf(out,
            "SCENARIO the built-in default night is used (datasets/default.scenario: %g h,\n"
            "%zu channels L-GAS L-TA R-GAS R-TA at %g Hz). The same scenario and seed give\n"
            "the same bytes.\n",
            d.duration_min / 60, d.channels, d.fs);
    fputs("\n"
          "A scenario is a text file of 'key value...' lines ('#' starts a comment); keys\n"
          "not given keep their defaults. For example:\n"
          "\n"
          "  duration_min 60          # length of the night\n"
          "  fs 1000                  # sampling rate, Hz\n"
          "  channels 2               # one muscle under each: L-GAS R-GAS\n"
          "  seed 7\n"
          "  noise_uv 5               # white noise floor, RMS uV\n"
          "  mains_hz 60              # hum, with mains_uv and mains_harmonics\n"
          "  cramp_per_hour 1         # random events: *_per_hour, *_duration_s LO HI, ...\n"
          "  plm_series_per_hour 0\n"
          "  channel 1 L-GAS gas left # INDEX LABEL KIND(ta gas sol foot thigh other) LEG\n"
          "  event cramp 600 90 1     # KIND ONSET_S DURATION_S CHANNELS [excitation=PCT]\n"
          "                           #   [amplitude=UV] [units=N]; kinds: cramp plm burst\n"
          "                           #   movement motion pop clip lost hft alma\n"
          "                           #   fragmentary rmd rem_tonic stretch awakening\n"
          "  cramp_units 6 150        # a number or LO HI: drawn per cramp\n"
          "\n"
          "'cramp synth --print-scenario' prints every key with its meaning and default;\n"
          "datasets/README.md describes the model, the format and the benchmark suite.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE   the EDF+ (or BDF+) file to write (required)\n"
          "  --events FILE       the events table (default: FILE without .edf/.bdf,\n"
          "                      plus .events.tsv)\n"
          "  --seed N            random seed (overrides the scenario's)\n"
          "  --minutes M         length of the night, minutes\n"
          "  --fs HZ             sampling rate, Hz\n"
          "  --channel-fs HZ,... one sampling rate per channel, in channel order (e.g.\n"
          "                      2000,2000,1000,500; --fs, if given, must be the\n"
          "                      highest). The night is simulated at the highest rate;\n"
          "                      a slower channel is low-passed at 0.4 x its rate\n"
          "                      (zero-phase Butterworth) and decimated from it, so\n"
          "                      each rate must divide the highest by a whole number\n"
          "                      and be at least 100 Hz. The ground truth is the same\n"
          "                      at any rates (docs/synth.md)\n"
          "  --channels N        number of channels (1-16; default layout per leg:\n"
          "                      GAS, TA, SOL, AH, VL)\n"
          "  --bdf               write BDF+ (24-bit) instead of EDF+ (16-bit)\n"
          "  --print-scenario    print the scenario in effect (after the options) and exit\n"
          "  --quiet             no progress or summary on stderr\n"
          "  -h, --help          show this help\n"
          "\n"
          "Examples:\n"
          "  cramp synth -o night.edf\n"
          "  cramp synth datasets/suite/hard-psg-250hz.scenario --seed 3 -o hard3.edf\n"
          "  cramp synth --minutes 10 --channels 1 --fs 1000 -o short.edf\n"
          "  cramp synth --minutes 10 --channel-fs 2000,2000,1000,500 -o mixed.edf\n"
          "    (L-GAS, L-TA at 2000 Hz, R-GAS at 1000 Hz, R-TA at 500 Hz)\n"
          "\n"
          "Exit status: 0 success, 1 failure (scenario, file), 2 usage error.\n",
          out);
}

enum {
    OPT_EVENTS = 256,
    OPT_SEED,
    OPT_MINUTES,
    OPT_FS,
    OPT_CHANNEL_FS,
    OPT_CHANNELS,
    OPT_BDF,
    OPT_PRINT,
    OPT_QUIET
};

/* --channel-fs's value: rates in Hz separated by commas, each in
 * [SYNTH_MIN_FS_HZ, SYNTH_MAX_FS_HZ]. How they fit the night (their count,
 * the highest rate, the data record) is checked once the scenario is known
 * (check_channel_rates). */
static int parse_channel_rates(const char *arg, synth_opts *o)
{
    const char *p = arg;
    o->n_rates = 0;
    for (;;) {
        const char *end = strchr(p, ',');
        const size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        double v;
        if (len == 0 || len >= sizeof item)
            return cli_usage_error("--channel-fs wants one rate in Hz per channel, separated by "
                                   "commas (e.g. 2000,2000,1000,500), not '%s'",
                                   arg);
        if (o->n_rates == CRAMP_SYNTH_MAX_CHANNELS)
            return cli_usage_error("--channel-fs '%s' gives more than %d rates (the most "
                                   "channels cramp synth makes)",
                                   arg, CRAMP_SYNTH_MAX_CHANNELS);
        memcpy(item, p, len);
        item[len] = '\0';
        const size_t c = o->n_rates + 1;
        if (cli_parse_double(item, &v) != 0 || !(v > 0))
            return cli_usage_error("--channel-fs '%s': channel %zu's rate '%s' is not a rate in "
                                   "Hz > 0",
                                   arg, c, item);
        if (v < SYNTH_MIN_FS_HZ)
            return cli_usage_error("--channel-fs '%s': channel %zu at %g Hz is below %g Hz, the "
                                   "lowest rate that holds leg EMG (as for --fs and cramp "
                                   "detect)",
                                   arg, c, v, SYNTH_MIN_FS_HZ);
        if (v > SYNTH_MAX_FS_HZ)
            return cli_usage_error("--channel-fs '%s': channel %zu at %g Hz is above %g Hz, the "
                                   "highest rate the simulator takes",
                                   arg, c, v, SYNTH_MAX_FS_HZ);
        o->rates[o->n_rates++] = v;
        if (!end) return 0;
        p = end + 1;
    }
}

static int parse_args(int argc, char *argv[], synth_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"minutes", required_argument, NULL, OPT_MINUTES},
        {"fs", required_argument, NULL, OPT_FS},
        {"channel-fs", required_argument, NULL, OPT_CHANNEL_FS},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"bdf", no_argument, NULL, OPT_BDF},
        {"print-scenario", no_argument, NULL, OPT_PRINT},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            cmd_synth_help(stdout);
            return -1;
        case 'o':
            o->out = optarg;
            break;
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_SEED: {
            size_t v;
            if (cli_parse_size(optarg, &v) != 0)
                return cli_usage_error("--seed wants a whole number >= 0, not '%s'", optarg);
            o->seed = (uint64_t)v;
            o->have_seed = 1;
            break;
        }
        case OPT_MINUTES:
            if (cli_parse_positive("--minutes", "a length in minutes", optarg, &o->minutes) != 0)
                return CLI_USAGE;
            o->have_minutes = 1;
            break;
        case OPT_FS:
            if (cli_parse_positive("--fs", "a rate in Hz", optarg, &o->fs) != 0)
                return CLI_USAGE;
            o->have_fs = 1;
            break;
        case OPT_CHANNEL_FS:
            if (parse_channel_rates(optarg, o) != 0) return CLI_USAGE;
            break;
        case OPT_CHANNELS:
            if (cli_parse_size(optarg, &o->channels) != 0 || o->channels < 1 ||
                o->channels > CRAMP_SYNTH_MAX_CHANNELS)
                return cli_usage_error("--channels wants a number from 1 to %d, not '%s'",
                                       CRAMP_SYNTH_MAX_CHANNELS, optarg);
            o->have_channels = 1;
            break;
        case OPT_BDF:
            o->bdf = 1;
            break;
        case OPT_PRINT:
            o->print = 1;
            break;
        case OPT_QUIET:
            o->quiet = 1;
            break;
        default:
            return cli_bad_option(argv, c);
        }
    }
    int npos = argc - optind;
    if (npos > 1) return cli_usage_error("one scenario file at most; got '%s' too", argv[optind + 1]);
    if (npos == 1) o->scenario = argv[optind];
    if (o->print) return 0;
    if (!o->out) return cli_usage_error("no output file: give -o NIGHT.edf");
    if (strcmp(o->out, "-") == 0)
        return cli_usage_error("EDF cannot be written to stdout; give a file name with -o");
    size_t n = strlen(o->out);
    if (n > 4 && strcasecmp(o->out + n - 4, ".bdf") == 0) o->bdf = 1;
    return 0;
}

static int whole(double x) { return fabs(x - floor(x + 0.5)) < 1e-9 * x; }

/* Record duration (s) making fs[c] * d a whole number for each of the n
 * rates, from a short list; 0 if none does. */
static double record_duration(const double *fs, size_t n)
{
    static const double d[] = {1, 2, 4, 5, 8, 10, 0.5, 0.25, 0.2, 0.1};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        size_t c = 0;
        while (c < n && whole(fs[c] * d[i])) c++;
        if (c == n) return d[i];
    }
    return 0;
}

/* --channel-fs against the night: one rate per channel, each dividing the
 * highest (the rate the night is simulated at, which --fs may only repeat)
 * by a whole number. Sets sc->fs to the highest rate. */
static int check_channel_rates(const synth_opts *o, cramp_scenario *sc)
{
    if (o->n_rates != sc->channels)
        return cli_usage_error("--channel-fs gives %zu rate%s, but the night has %zu channels; "
                               "give one rate per channel, in channel order",
                               o->n_rates, o->n_rates == 1 ? "" : "s", sc->channels);
    double top = 0;
    for (size_t c = 0; c < o->n_rates; c++) top = fmax(top, o->rates[c]);
    if (o->have_fs && o->fs != top)
        return cli_usage_error("--fs %g and --channel-fs disagree: the night is simulated at "
                               "the highest channel rate, %g Hz; give --fs %g or leave it out",
                               o->fs, top, top);
    for (size_t c = 0; c < o->n_rates; c++)
        if (!whole(top / o->rates[c]))
            return cli_usage_error("--channel-fs: channel %zu at %g Hz does not divide %g Hz, "
                                   "the highest rate, by a whole number (a slower channel is "
                                   "decimated from the highest rate: %g Hz allows %g, %g, %g "
                                   "Hz, ...)",
                                   c + 1, o->rates[c], top, top, top / 2, top / 3, top / 4);
    sc->fs = top;
    return 0;
}

/* --channel-fs: the night is simulated at its highest rate F; a channel at
 * F / k (k > 1) is low-passed at 0.4 x its rate (the cut-off the simulator's
 * own anti-alias filter has at its rate, cramp/synth.h) by a zero-phase
 * order-10 Butterworth (cramp_zerophase, so no delay: the truth's times hold
 * for every channel) and every k-th sample kept, from the first. The
 * channels of a rate share one filter. Each channel's samples wait in its
 * queue until every channel has a whole data record; the queues hold the
 * filters' lag, bounded at create. */
typedef struct rate_group {
    size_t k, n;                       /* decimation factor; channels */
    size_t ch[CRAMP_SYNTH_MAX_CHANNELS];
    cramp_zerophase *zp;
    float *in, *out;                   /* n x CLI_BLOCK_FRAMES; n x out_cap */
    size_t out_cap;                    /* frames */
    uint64_t pos;                      /* filtered frames (at F) so far */
} rate_group;

typedef struct multirate {
    size_t C, n_groups;
    rate_group g[CRAMP_SYNTH_MAX_CHANNELS];
    size_t k[CRAMP_SYNTH_MAX_CHANNELS], spr[CRAMP_SYNTH_MAX_CHANNELS];
    float *q[CRAMP_SYNTH_MAX_CHANNELS];
    size_t qn[CRAMP_SYNTH_MAX_CHANNELS], qcap[CRAMP_SYNTH_MAX_CHANNELS];
    uint64_t records_left;
} multirate;

static void multirate_free(multirate *m)
{
    for (size_t i = 0; i < m->n_groups; i++) {
        cramp_zerophase_destroy(m->g[i].zp);
        free(m->g[i].in);
        free(m->g[i].out);
    }
    for (size_t c = 0; c < m->C; c++) free(m->q[c]);
    memset(m, 0, sizeof *m);
}

static int multirate_init(multirate *m, size_t C, double F, const double *rates, double rec_s,
                          uint64_t total)
{
    memset(m, 0, sizeof *m);
    m->C = C;
    const size_t rec_F = (size_t)llround(F * rec_s);
    m->records_left = (total + rec_F - 1) / rec_F;
    size_t lag = 0;
    for (size_t c = 0; c < C; c++) {
        m->k[c] = (size_t)llround(F / rates[c]);
        m->spr[c] = (size_t)llround(rates[c] * rec_s);
        if (m->k[c] == 1) continue;
        size_t i = 0;
        while (i < m->n_groups && m->g[i].k != m->k[c]) i++;
        if (i == m->n_groups) m->g[m->n_groups++].k = m->k[c];
        m->g[i].ch[m->g[i].n++] = c;
    }
    for (size_t i = 0; i < m->n_groups; i++) {
        rate_group *g = &m->g[i];
        cramp_butter_spec spec = {CRAMP_LOWPASS, 10, F, 0.4 * F / (double)g->k, 0};
        cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
        size_t ns;
        cramp_zerophase_config zc;
        cramp_zerophase_config_default(&zc);
        cramp_error err;
        memset(&err, 0, sizeof err);
        if (cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &ns, &err) != CRAMP_OK ||
            cramp_zerophase_create(&g->zp, sos, ns, g->n, &zc, &err) != CRAMP_OK)
            return cli_fail("cannot make the anti-alias filter for %g Hz: %s", F / (double)g->k,
                            err.message);
        const size_t a = cramp_zerophase_max_output(g->zp, CLI_BLOCK_FRAMES);
        const size_t b = cramp_zerophase_max_output(g->zp, 0);
        g->out_cap = a > b ? a : b;
        if (g->out_cap > lag) lag = g->out_cap;
        g->in = malloc(CLI_BLOCK_FRAMES * g->n * sizeof *g->in);
        g->out = malloc(g->out_cap * g->n * sizeof *g->out);
        if (!g->in || !g->out) return cli_fail("out of memory");
    }
    /* A queue holds at most a filter's lag, a block and a record of frames
     * at F beyond what the slowest queue has. */
    const size_t cap_F = 2 * lag + 2 * (size_t)CLI_BLOCK_FRAMES + 2 * rec_F;
    for (size_t c = 0; c < C; c++) {
        m->qcap[c] = cap_F / m->k[c] + m->spr[c] + 1;
        m->q[c] = malloc(m->qcap[c] * sizeof *m->q[c]);
        if (!m->q[c]) return cli_fail("out of memory");
    }
    return CLI_OK;
}

static int queue_add(multirate *m, size_t c, float v)
{
    if (m->qn[c] == m->qcap[c]) return -1;
    m->q[c][m->qn[c]++] = v;
    return 0;
}

/* Writes the whole records every queue holds; with last, pads the queues
 * with their last values to the night's last record first (as the writer
 * pads a last record of interleaved frames). */
static int multirate_flush(multirate *m, cramp_edf_writer *w, int last, cramp_error *err)
{
    if (last)
        for (size_t c = 0; c < m->C; c++) {
            const size_t want = (size_t)m->records_left * m->spr[c];
            const float v = m->qn[c] ? m->q[c][m->qn[c] - 1] : 0.0f;
            while (m->qn[c] < want)
                if (queue_add(m, c, v) != 0) return cli_fail("internal error: queue overflow");
        }
    uint64_t nrec = m->records_left;
    for (size_t c = 0; c < m->C; c++)
        if (m->qn[c] / m->spr[c] < nrec) nrec = m->qn[c] / m->spr[c];
    if (nrec == 0) return CLI_OK;
    const float *x[CRAMP_SYNTH_MAX_CHANNELS];
    for (size_t c = 0; c < m->C; c++) x[c] = m->q[c];
    if (cramp_edf_writer_write_signals(w, x, (size_t)nrec, err) != CRAMP_OK)
        return cli_fail("%s", err->message);
    for (size_t c = 0; c < m->C; c++) {
        const size_t used = (size_t)nrec * m->spr[c];
        memmove(m->q[c], m->q[c] + used, (m->qn[c] - used) * sizeof *m->q[c]);
        m->qn[c] -= used;
    }
    m->records_left -= nrec;
    return CLI_OK;
}

/* Keeps every k-th of the n filtered frames of group g, counted from the
 * night's first frame. */
static int group_take(multirate *m, rate_group *g, size_t n)
{
    for (size_t i = 0; i < n; i++, g->pos++) {
        if (g->pos % g->k) continue;
        for (size_t j = 0; j < g->n; j++)
            if (queue_add(m, g->ch[j], g->out[i * g->n + j]) != 0)
                return cli_fail("internal error: queue overflow");
    }
    return CLI_OK;
}

/* Takes n frames at F (interleaved, C channels); with n == 0, ends the
 * filters' streams. Writes the records that are whole. */
static int multirate_push(multirate *m, cramp_edf_writer *w, const float *buf, size_t n,
                          cramp_error *err)
{
    for (size_t c = 0; c < m->C; c++)
        if (m->k[c] == 1)
            for (size_t i = 0; i < n; i++)
                if (queue_add(m, c, buf[i * m->C + c]) != 0)
                    return cli_fail("internal error: queue overflow");
    for (size_t i = 0; i < m->n_groups; i++) {
        rate_group *g = &m->g[i];
        size_t got = 0;
        cramp_status st;
        if (n) {
            for (size_t f = 0; f < n; f++)
                for (size_t j = 0; j < g->n; j++) g->in[f * g->n + j] = buf[f * m->C + g->ch[j]];
            st = cramp_zerophase_process(g->zp, g->in, n, g->out, g->out_cap, &got);
        } else {
            st = cramp_zerophase_finish(g->zp, g->out, g->out_cap, &got, err);
        }
        if (st != CRAMP_OK)
            return cli_fail("anti-alias filter: %s", n ? cramp_strerror(st) : err->message);
        if (group_take(m, g, got) != CLI_OK) return CLI_FAIL;
    }
    return multirate_flush(m, w, n == 0, err);
}

static char *default_events_path(const char *out)
{
    size_t n = strlen(out);
    if (n > 4 && (strcasecmp(out + n - 4, ".edf") == 0 || strcasecmp(out + n - 4, ".bdf") == 0))
        n -= 4;
    char *p = malloc(n + sizeof ".events.tsv");
    if (!p) return NULL;
    memcpy(p, out, n);
    memcpy(p + n, ".events.tsv", sizeof ".events.tsv");
    return p;
}

/* SIGINT/SIGTERM/SIGHUP while the EDF is written: noted here and acted on
 * between blocks (the writer's temporary file is the library's to remove). */
static volatile sig_atomic_t g_signal;
static void on_signal(int sig) { g_signal = sig; }

typedef struct saved_handlers {
    struct sigaction act[3];
} saved_handlers;
static const int g_sigs[3] = {SIGINT, SIGTERM, SIGHUP};

static void catch_signals(saved_handlers *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++) sigaction(g_sigs[i], &sa, &old->act[i]);
}

static void restore_signals(const saved_handlers *old)
{
    for (int i = 0; i < 3; i++) sigaction(g_sigs[i], &old->act[i], NULL);
}

static int write_events(FILE *f, const cramp_synth *s)
{
    const size_t n = cramp_synth_event_count(s);
    const cramp_synth_event *e = cramp_synth_events(s);
    fputs("onset\tduration\ttrial_type\tchannel\tdetail\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.6f\t%.6f\t%s\t%s\t%s\n", e[i].onset_s, e[i].duration_s,
                cramp_event_type_name(e[i].type), e[i].channel, e[i].detail);
    return ferror(f) ? -1 : 0;
}

int cmd_synth(int argc, char *argv[])
{
    synth_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) return CLI_OK; /* --help */
    if (rc != 0) return rc;

    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (o.scenario && cramp_scenario_load(&sc, o.scenario, &err) != CRAMP_OK)
        return cli_fail("%s", err.message);
    if (o.have_seed) sc.seed = o.seed;
    if (o.have_minutes) sc.duration_min = o.minutes;
    if (o.have_fs) sc.fs = o.fs;
    if (o.have_channels) sc.channels = o.channels;
    if (o.n_rates && (rc = check_channel_rates(&o, &sc)) != 0) return rc;
    if (cramp_scenario_check(&sc, &err) != CRAMP_OK)
        return cli_fail("%s%s%s", o.scenario ? o.scenario : "", o.scenario ? ": " : "",
                        err.message);
    if (o.print) {
        size_t need = cramp_scenario_format(&sc, NULL, 0) + 1;
        char *text = malloc(need);
        if (!text) return cli_fail("out of memory");
        cramp_scenario_format(&sc, text, need);
        fputs(text, stdout);
        free(text);
        return fflush(stdout) == 0 ? CLI_OK : cli_fail("error writing to stdout");
    }
    const double rec_s = o.n_rates ? record_duration(o.rates, o.n_rates) : record_duration(&sc.fs, 1);
    if (rec_s <= 0 && o.n_rates)
        return cli_usage_error("--channel-fs: the rates do not all give a whole number of samples "
                               "in one EDF data record of 0.1-10 s; choose rates that do (e.g. "
                               "whole Hz)");
    if (rec_s <= 0)
        return cli_fail("%g Hz does not give a whole number of samples in an EDF data record of "
                        "0.1-10 s; choose another --fs",
                        sc.fs);

    const double t0 = cli_now();
    cramp_synth *s = NULL;
    if (cramp_synth_create(&s, &sc, &err) != CRAMP_OK)
        return cli_fail("cannot make the simulator: %s", err.message);
    const size_t C = cramp_synth_channels(s);
    char *events_path = o.events ? NULL : default_events_path(o.out);
    const char *ev_out = o.events ? o.events : events_path;
    float *buf = malloc(CLI_BLOCK_FRAMES * C * sizeof *buf);
    cramp_edf_writer *w = NULL;
    cli_output tsv, edf;
    memset(&tsv, 0, sizeof tsv);
    memset(&edf, 0, sizeof edf);
    saved_handlers old;
    int caught = 0;
    multirate mr;
    memset(&mr, 0, sizeof mr);
    rc = CLI_FAIL;
    if (!buf || !ev_out) {
        cli_fail("out of memory");
        goto done;
    }
    if (strcmp(ev_out, o.out) == 0) {
        rc = cli_usage_error("the events table and the recording are both '%s'", o.out);
        goto done;
    }

    /* The ground truth is known before the first sample: write it first,
     * commit it with the recording. */
    if (cli_output_open_text(&tsv, ev_out) != CLI_OK) goto done;
    if (write_events(tsv.fp, s) != 0) {
        cli_fail("error writing '%s': %s", ev_out, strerror(errno ? errno : EIO));
        goto done;
    }

    const char *labels[CRAMP_SYNTH_MAX_CHANNELS];
    for (size_t c = 0; c < C; c++) labels[c] = cramp_synth_channel_label(s, c);
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.bdf = o.bdf;
    cfg.channels = C;
    cfg.labels = labels;
    cfg.unit = "uV";
    cfg.fs = sc.fs;
    if (o.n_rates) cfg.channel_fs = o.rates;
    cfg.record_duration_s = rec_s;
    cfg.phys_min = -sc.range_uv;
    cfg.phys_max = sc.range_uv;
    char recname[64];
    snprintf(recname, sizeof recname, "%.50s", sc.name);
    for (char *p = recname; *p; p++)
        if (*p == ' ') *p = '_';
    cfg.recording = recname;
    cfg.year = sc.start[0];
    cfg.month = sc.start[1];
    cfg.day = sc.start[2];
    cfg.hour = sc.start[3];
    cfg.minute = sc.start[4];
    cfg.second = sc.start[5];

    catch_signals(&old);
    caught = 1;
    if (cli_output_open_raw(&edf, o.out) != CLI_OK) goto done;
    if (cramp_edf_writer_create_to(&w, edf.out, &cfg, &err) != CRAMP_OK) {
        w = NULL;
        cli_fail("%s", err.message);
        goto done;
    }
    const size_t ne = cramp_synth_event_count(s);
    const cramp_synth_event *ev = cramp_synth_events(s);
    for (size_t i = 0; i < ne; i++) {
        cramp_annotation a = {ev[i].onset_s, ev[i].duration_s, cramp_event_type_name(ev[i].type),
                              ev[i].channel};
        if (cramp_edf_writer_annotate(w, &a, &err) != CRAMP_OK) {
            cli_fail("%s", err.message);
            goto done;
        }
    }

    cli_progress prog;
    cli_progress_init(&prog, o.quiet);
    const uint64_t total = cramp_synth_total_frames(s);
    size_t n;
    if (o.n_rates && multirate_init(&mr, C, sc.fs, o.rates, rec_s, total) != CLI_OK) goto done;
    while ((n = cramp_synth_generate(s, buf, CLI_BLOCK_FRAMES)) > 0) {
        if (g_signal) break;
        if (o.n_rates ? multirate_push(&mr, w, buf, n, &err) != CLI_OK
                      : cramp_edf_writer_write(w, buf, n, &err) != CRAMP_OK) {
            cli_progress_done(&prog);
            if (!o.n_rates) cli_fail("%s", err.message);
            goto done;
        }
        const uint64_t pos = cramp_synth_position(s);
        cli_progress_update(&prog, total ? (double)pos / (double)total : 1.0, (int64_t)pos);
    }
    cli_progress_done(&prog);
    if (g_signal) goto done;
    if (o.n_rates && multirate_push(&mr, w, NULL, 0, &err) != CLI_OK) goto done;
    cramp_status st = cramp_edf_writer_close(w, &err);
    w = NULL;
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message);
        goto done;
    }
    /* the recording and its ground truth: both or neither */
    cli_output *const outs[2] = {&edf, &tsv};
    if (cli_output_commit_all(outs, 2) != CLI_OK) goto done;
    rc = CLI_OK;
    if (!o.quiet) {
        size_t count[CRAMP_EVENT_TYPES] = {0};
        for (size_t i = 0; i < ne; i++) count[ev[i].type]++;
        const double dt = cli_now() - t0;
        const double night_s = (double)total / sc.fs;
        /* The AASM classes only when present: the line stays as it was otherwise. */
        char aasm[96] = "";
        if (count[CRAMP_EVENT_HFT] || count[CRAMP_EVENT_ALMA] || count[CRAMP_EVENT_FRAGMENTARY])
            snprintf(aasm, sizeof aasm, ", %zu hft, %zu alma, %zu fragmentary",
                     count[CRAMP_EVENT_HFT], count[CRAMP_EVENT_ALMA],
                     count[CRAMP_EVENT_FRAGMENTARY]);
        /* "2000" or, with --channel-fs, "2000, 2000, 1000, 500" */
        char rates[CRAMP_SYNTH_MAX_CHANNELS * 16];
        size_t used = (size_t)snprintf(rates, sizeof rates, "%g", o.n_rates ? o.rates[0] : sc.fs);
        for (size_t c = 1; c < o.n_rates && used < sizeof rates; c++)
            used += (size_t)snprintf(rates + used, sizeof rates - used, ", %g", o.rates[c]);
        cli_note("wrote '%s' (%s, %zu channels at %s Hz, %.1f min) and '%s' (%zu events: %zu "
                 "cramp, %zu plm, %zu burst, %zu movement, %zu artefact%s%s) in %.1f s, %.0f x "
                 "real time",
                 o.out, o.bdf ? "BDF+" : "EDF+", C, rates, night_s / 60, ev_out, ne,
                 count[CRAMP_EVENT_CRAMP], count[CRAMP_EVENT_PLM], count[CRAMP_EVENT_BURST],
                 count[CRAMP_EVENT_MOVEMENT], count[CRAMP_EVENT_ARTEFACT], aasm,
                 cramp_synth_dropped_events(s) ? "; some random events did not fit and were "
                                                 "dropped"
                                               : "",
                 dt, dt > 0 ? night_s / dt : 0.0);
    }

done:
    if (w) cramp_edf_writer_abort(w);
    if (rc != CLI_OK) cli_output_abort(&tsv);
    cli_output_abort(&edf);
    if (caught) restore_signals(&old);
    multirate_free(&mr);
    cramp_synth_destroy(s);
    free(buf);
    free(events_path);
    if (g_signal) {
        /* Both outputs are gone: end by the signal, as its default would. */
        const int sig = g_signal;
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return rc;
}
