/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp detect: finds cramps (and PLMs, bursts, movements, artefacts) in a
 * night of leg sEMG with cramp/detect.h, and writes the episodes as a BIDS
 * events table (or JSON), optionally as EDF+ annotations on a copy of the
 * recording, with a per-night summary on stderr. The chosen channels may
 * differ in sampling rate: each rate group is read by its own reader (the
 * file opened once per group) through its own detector, one group after the
 * other, and the segments of all groups are classified together. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_detect.h"
#include "common.h"
#include "cramp/detect.h"
#include "cramp/recording.h"

void cmd_detect_help(FILE *out)
{
    fputs("Usage: cramp detect FILE [-o EVENTS.tsv] [--json] [--edf-annotations OUT.edf]\n"
          "                    [--channels LIST] [--mains 50|60|auto|none] [--band LO-HI]\n"
          "       cramp detect FILE1 FILE2 ...   (writes FILEn.detected.tsv beside each)\n"
          "\n"
          "Finds muscle cramps in a night of leg surface EMG (EDF/EDF+/BDF, or WAV with\n"
          "--full-scale-uv) and tells them from what is not a cramp. Every episode of\n"
          "activity is labelled:\n"
          "  cramp     sustained >= 5 s on one muscle (mean RMS at or above the onset\n"
          "            threshold), not periodic, not an artefact, and sparse: the\n"
          "            few, irregular units of a cramp give a peaked (super-Gaussian)\n"
          "            signal, kurtosis >= 0.2 in 0.25-s blocks (measured where the\n"
          "            band reaches 200 Hz, i.e. from about 450 Hz sampling)\n"
          "  plm       a 0.5-10 s leg movement in a series of >= 4, 10-90 s apart\n"
          "            (AASM / WASM 2016); both legs within 5 s count as one\n"
          "  movement  two or more muscles at once for 3-45 s (IRLSSG), activity with\n"
          "            a motion artefact lasting 3-45 s, or a sustained contraction of\n"
          "            one muscle whose near-Gaussian pattern shows many recruited units\n"
          "  artefact  energy mostly below 20 Hz (motion, electrode pop; also found when\n"
          "            no EMG accompanies it), clipping at the amplifier's rails, or a\n"
          "            flat line (lost electrode)\n"
          "  burst     any other activity (e.g. an isolated arousal burst)\n"
          "Activity follows the AASM leg-movement rule relative to each channel's\n"
          "adaptive resting level (the 25th percentile of 1-s envelope means over the\n"
          "last 10 min): onset at rest + max(8 uV, 2 x rest), offset at the start of\n"
          ">= 0.5 s at <= rest + max(2 uV, 0.5 x rest); episodes under 0.5 s are dropped.\n"
          "The signal is band-passed (20-450 Hz, upper edge clamped to 0.9 x Nyquist:\n"
          "20-112.5 Hz at 250 Hz; the band used is reported) with a mains comb, causally\n"
          "(zero phase is not needed to time episodes to 10 ms). The first minute primes\n"
          "the resting level, so activity in the first seconds is found too. Values must\n"
          "be in microvolts (EDF voltage units are converted).\n"
          "Channels may differ in sampling rate (PSG: leg EMG at 200 Hz and 512 Hz):\n"
          "each rate group gets its own detector, with the band clamped to its rate,\n"
          "and the episodes of all groups are merged and labelled together, so the\n"
          "bilateral 5-s rule and the PLM series see every leg.\n"
          "lib/include/cramp/detect.h gives every rule with its reason.\n"
          "\n"
          "Output: a BIDS events table, one row per episode, tab-separated:\n"
          "  onset duration trial_type channel (involved channels) main_channel rms_uv\n"
          "  rest_uv rms_x_rest peak_uv mnf_start_hz mnf_end_hz mdf_start_hz mdf_end_hz\n"
          "  mnf_slope_hz_s lf_ratio kurtosis clip_fraction flat_fraction prev_interval_s\n"
          "  next_interval_s series reason\n"
          "(n/a where undefined). 'cramp score TRUTH.tsv EVENTS.tsv' scores it. With\n"
          "--json the settings give fs_hz and band_hz, or, when the channels have\n"
          "several rates, null there and rate_groups: [{fs_hz, channels, band_hz}].\n"
          "The summary (stderr): cramps, cramps per hour, total and longest cramp time,\n"
          "cramp onset times, PLM index (PLMs per hour), counts per class.\n"
          "\n",
          out);
    fputs("Options:\n"
          "  -o, --output FILE       events table (default '-': stdout); one FILE only\n"
          "  --json                  JSON (summary, settings and episodes) instead of TSV\n"
          "  --edf-annotations OUT   copy of the EDF/BDF input with the episodes added as\n"
          "                          EDF+ annotations (for EDFbrowser); one FILE only.\n"
          "                          -o and this are written all or none: a regular file\n"
          "                          or a link's target via a temporary file and rename\n"
          "                          (permissions kept), a device or FIFO directly\n"
          "  --mains 50|60|auto|none mains comb; auto (default) compares the power at\n"
          "                          50+150 Hz with 60+180 Hz in the first minute and\n"
          "                          takes 50 Hz when neither is twice the other (with\n"
          "                          several rates: the fastest group that decides)\n"
          "  --band LO-HI            band-pass, Hz (default 20-450)\n"
          "  --channels LIST         channels to read, by label or 1-based index,\n"
          "                          comma-separated, at most 32, in the output's order;\n"
          "                          they may differ in sampling rate (one run covers\n"
          "                          every rate group); one below 100 Hz is an error.\n"
          "                          Default: every signal channel at >= 100 Hz; slower\n"
          "                          ones (respiration, a 1-Hz rectified EMG, SpO2) are\n"
          "                          skipped with a warning\n"
          "  --full-scale-uv X       WAV input: the microvolts at full scale, so values\n"
          "                          are read in uV (without it they stay full-scale\n"
          "                          fractions, unit FS)\n"
          "  --no-sparseness         do not measure sparseness, so no sustained one-muscle\n"
          "                          episode is turned into a movement by it (the rule\n"
          "                          rests on simulated cramps; real low-force voluntary\n"
          "                          contractions are sparse too, see detect.h)\n"
          "  --quiet                 no summary on stderr\n"
          "  -h, --help              show this help\n"
          "\n"
          "Examples:\n"
          "  cramp synth --minutes 60 -o night.edf\n"
          "  cramp detect night.edf -o detected.tsv\n"
          "  cramp score night.events.tsv detected.tsv\n"
          "  cramp detect psg.edf --channels 'EMG L-TA,EMG R-TA' --mains 60 --json -o ev.json\n"
          "  cramp detect psg.edf --channels L-TA,R-TA,L-GAS  (TA 512 Hz, GAS 200 Hz)\n"
          "\n"
          "Exit status: 0 success, 1 failure (a file), 2 usage error.\n",
          out);
}

enum { OPT_JSON = 256, OPT_EDF, OPT_MAINS, OPT_BAND, OPT_CHANNELS, OPT_FULL_SCALE, OPT_QUIET,
       OPT_NO_SPARSE };

typedef struct detect_opts {
    const char *out, *edf_out;
    int json, quiet, no_sparse;
    double mains;      /* < 0: auto */
    double band_lo, band_hi;
    cli_input in;
} detect_opts;

/* A chosen channel: where it is in the file and what the run needs of it. */
typedef struct detect_chan {
    size_t idx;             /* header index */
    double fs;              /* Hz */
    char label[81];
    char unit[17];
    char item[128];         /* how it is named to the shared reader */
    cramp_detect_channel info;
} detect_chan;

/* The chosen channels that share one sampling rate: one reader and one
 * detector each. */
typedef struct rate_group {
    double fs;
    size_t n;
    size_t member[CRAMP_DETECT_MAX_CHANNELS]; /* index into the chosen channels */
    cli_reader r;
    int open;
    float *prime;           /* the first minute, interleaved */
    size_t primed;          /* its frames */
    double mains_guess;     /* cramp_detect_mains_guess: 50, 60 or 0 */
    cramp_detect_config cfg;
    double lo, hi;          /* band used */
    size_t notches;
    uint64_t frames;        /* processed */
} rate_group;

static void labels_of(const detect_chan *ch, size_t C, uint32_t mask, char *buf, size_t cap)
{
    buf[0] = 0;
    for (size_t c = 0; c < C; c++) {
        if (!(mask >> c & 1u)) continue;
        if (buf[0]) strncat(buf, ",", cap - strlen(buf) - 1);
        strncat(buf, ch[c].label, cap - strlen(buf) - 1);
    }
}

static void clock_text(double t, char *buf, size_t cap)
{
    long s = lround(t);
    snprintf(buf, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

static void write_tsv(FILE *f, const detect_chan *ch, size_t C, const cramp_episode *ep,
                      size_t n)
{
    fputs("onset\tduration\ttrial_type\tchannel\tmain_channel\trms_uv\trest_uv\trms_x_rest"
          "\tpeak_uv\tmnf_start_hz\tmnf_end_hz\tmdf_start_hz\tmdf_end_hz\tmnf_slope_hz_s"
          "\tlf_ratio\tkurtosis\tclip_fraction\tflat_fraction\tprev_interval_s\tnext_interval_s\tseries"
          "\treason\n",
          f);
    char lab[1024];
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *e = &ep[i];
        labels_of(ch, C, e->channels, lab, sizeof lab);
        fprintf(f, "%.3f\t%.3f\t%s\t%s\t%s", e->onset_s, e->duration_s,
                cramp_event_type_name(e->type), lab, ch[e->main_channel].label);
        const double v[] = {e->rms_uv,        e->rest_uv,         e->rms_x_rest,
                            e->peak_uv,       e->mnf_start_hz,    e->mnf_end_hz,
                            e->mdf_start_hz,  e->mdf_end_hz,      e->mnf_slope_hz_s,
                            e->lf_ratio,      e->kurtosis,        e->clip_fraction,
                            e->flat_fraction,
                            e->prev_interval_s, e->next_interval_s};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc('\t', f);
            cli_put_number(f, v[k], 0, 6);
        }
        if (e->series)
            fprintf(f, "\t%d", e->series);
        else
            fputs("\tn/a", f);
        fprintf(f, "\t%s\n", e->reason ? e->reason : "n/a");
    }
}

static void put_json_labels(FILE *f, const detect_chan *ch, const size_t *which, size_t n)
{
    fputc('[', f);
    for (size_t k = 0; k < n; k++) {
        fputs(k ? ", " : "", f);
        cli_json_string(f, ch[which ? which[k] : k].label);
    }
    fputc(']', f);
}

/* One rate group: the settings as before ("fs_hz", "band_hz" at the top).
 * Several: those two are null and "rate_groups" gives each group's rate,
 * channels and band. */
static void write_json(FILE *f, const char *path, const detect_chan *ch, size_t C,
                       const rate_group *g, size_t G, const cramp_episode *ep, size_t n,
                       const cramp_detect_summary *s, double mains)
{
    fputs("{\"file\": ", f);
    cli_json_string(f, path);
    if (G == 1) {
        fprintf(f, ", \"fs_hz\": %g, \"channels\": ", g[0].fs);
        put_json_labels(f, ch, NULL, C);
        fprintf(f, ", \"band_hz\": [%g, %g]", g[0].lo, g[0].hi);
    } else {
        fputs(", \"fs_hz\": null, \"channels\": ", f);
        put_json_labels(f, ch, NULL, C);
        fputs(", \"band_hz\": null, \"rate_groups\": [", f);
        for (size_t k = 0; k < G; k++) {
            fprintf(f, "%s{\"fs_hz\": %g, \"channels\": ", k ? ", " : "", g[k].fs);
            put_json_labels(f, ch, g[k].member, g[k].n);
            fprintf(f, ", \"band_hz\": [%g, %g]}", g[k].lo, g[k].hi);
        }
        fputc(']', f);
    }
    fprintf(f, ", \"mains_hz\": %g, \"filter\": \"causal\", \"sparseness\": %s,\n", mains,
            g[0].cfg.sparse_block_s > 0 ? "true" : "false");
    fprintf(f, " \"summary\": {\"hours\": %.6g, \"cramps\": %zu, \"cramps_per_hour\": ", s->hours,
            s->cramps);
    cli_put_number(f, s->cramps_per_hour, 1, 6);
    fprintf(f, ", \"cramp_total_s\": %.3f, \"cramp_longest_s\": %.3f, \"cramp_onsets_s\": [",
            s->cramp_total_s, s->cramp_longest_s);
    int first = 1;
    for (size_t i = 0; i < n; i++)
        if (ep[i].type == CRAMP_EVENT_CRAMP) {
            fprintf(f, "%s%.3f", first ? "" : ", ", ep[i].onset_s);
            first = 0;
        }
    fprintf(f, "], \"plm\": %zu, \"plm_series\": %zu, \"plm_index\": ", s->plm, s->plm_series);
    cli_put_number(f, s->plm_index, 1, 6);
    fputs(", \"counts\": {", f);
    for (int t = 0; t < CRAMP_EVENT_TYPES; t++)
        fprintf(f, "%s\"%s\": %zu", t ? ", " : "", cramp_event_type_name((cramp_event_type)t),
                s->count[t]);
    fputs("}},\n \"events\": [", f);
    char lab[1024];
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *e = &ep[i];
        labels_of(ch, C, e->channels, lab, sizeof lab);
        fprintf(f, "%s\n  {\"onset\": %.3f, \"duration\": %.3f, \"trial_type\": \"%s\", \"channel\": ",
                i ? "," : "", e->onset_s, e->duration_s, cramp_event_type_name(e->type));
        cli_json_string(f, lab);
        fputs(", \"main_channel\": ", f);
        cli_json_string(f, ch[e->main_channel].label);
        const char *names[] = {"rms_uv",        "rest_uv",       "rms_x_rest",     "peak_uv",
                               "mnf_start_hz",  "mnf_end_hz",    "mdf_start_hz",   "mdf_end_hz",
                               "mnf_slope_hz_s", "lf_ratio",     "kurtosis",       "clip_fraction",
                               "flat_fraction",
                               "prev_interval_s", "next_interval_s"};
        const double v[] = {e->rms_uv,        e->rest_uv,         e->rms_x_rest,
                            e->peak_uv,       e->mnf_start_hz,    e->mnf_end_hz,
                            e->mdf_start_hz,  e->mdf_end_hz,      e->mnf_slope_hz_s,
                            e->lf_ratio,      e->kurtosis,        e->clip_fraction,
                            e->flat_fraction,
                            e->prev_interval_s, e->next_interval_s};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            cli_put_number(f, v[k], 1, 6);
        }
        fprintf(f, ", \"series\": %d, \"reason\": ", e->series);
        cli_json_string(f, e->reason ? e->reason : "");
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

/* The detector's sEMG band starts at 20 Hz and its 10-ms ticks need samples:
 * below 100 Hz there is nothing to detect. */
#define MIN_FS_HZ 100

/* How a channel is named to the shared reader: by its label when no other
 * channel has it and it holds no comma, else by its 1-based index. */
static void item_of(const cramp_rec_header *h, size_t idx, char *buf, size_t cap)
{
    const char *lab = h->channels[idx].label;
    int unique = lab[0] && !strchr(lab, ',') && strlen(lab) < cap;
    for (size_t c = 0; c < h->n_channels && unique; c++)
        if (c != idx && strcmp(h->channels[c].label, lab) == 0) unique = 0;
    if (unique)
        snprintf(buf, cap, "%s", lab);
    else
        snprintf(buf, cap, "%zu", idx + 1);
}

static void chan_from_header(const cramp_rec_header *h, size_t idx, const cli_input *in,
                             detect_chan *c)
{
    const cramp_channel_info *ci = &h->channels[idx];
    c->idx = idx;
    c->fs = ci->fs;
    snprintf(c->label, sizeof c->label, "%s", ci->label);
    snprintf(c->unit, sizeof c->unit, "%s", ci->unit);
    cramp_detect_channel_from_label(ci->label, &c->info);
    if (h->format != CRAMP_REC_WAV) {
        c->info.phys_min = ci->phys_min * ci->to_output;
        c->info.phys_max = ci->phys_max * ci->to_output;
    } else if (in->full_scale_uv > 0) {
        c->info.phys_min = -in->full_scale_uv;
        c->info.phys_max = in->full_scale_uv;
    }
}

/* The channels of a run, in output order: those --channels names (each item
 * resolved as every command resolves it, cli_find_channel, even when the
 * items differ in rate), or every signal channel at >= MIN_FS_HZ (the slower
 * ones listed in skipped, for a warning after the header's). The file is
 * opened once here; the groups' readers check it again, and the first of
 * them prints its header warnings. */
static int choose_channels(const char *path, const detect_opts *o, detect_chan *ch, size_t *C,
                           char *skipped, size_t cap)
{
    *C = 0;
    skipped[0] = '\0';
    cramp_recording *rec = NULL;
    cramp_recording_options opt;
    cramp_recording_options_default(&opt);
    opt.wav_full_scale_uv = o->in.full_scale_uv;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_recording_open(&rec, path, &opt, &err);
    if (st != CRAMP_OK) return cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
    const cramp_rec_header *h = cramp_recording_header(rec);
    int rc = CLI_OK;
    if (o->in.channels) {
        const char *p = o->in.channels;
        char item[sizeof ch->item];
        int more;
        while (rc == CLI_OK && (more = cli_next_channel_item(&p, item, sizeof item, path)) != 0) {
            long idx;
            if (more < 0)
                rc = CLI_FAIL;
            else if (*C == CRAMP_DETECT_MAX_CHANNELS)
                rc = cli_fail("'%s': --channels names more than %d channels, the most one run "
                              "takes",
                              path, CRAMP_DETECT_MAX_CHANNELS);
            else if ((idx = cli_find_channel(h, path, item)) < 0)
                rc = CLI_FAIL;
            else {
                chan_from_header(h, (size_t)idx, &o->in, &ch[*C]);
                memcpy(ch[*C].item, item, sizeof item);
                (*C)++;
            }
        }
        for (size_t c = 0; rc == CLI_OK && c < *C; c++)
            if (!(ch[c].fs >= MIN_FS_HZ))
                rc = cli_fail("'%s': channel '%s' is sampled at %g Hz; the detector needs at "
                              "least %d Hz (sEMG is recorded at 200 Hz and up)",
                              path, ch[c].label, ch[c].fs, MIN_FS_HZ);
        cramp_recording_close(rec);
        return rc;
    }
    size_t n_data = 0, n_fast = 0, fastest = 0;
    for (size_t c = 0; c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        if (ci->is_annotation) continue;
        if (n_data++ == 0 || ci->fs > h->channels[fastest].fs) fastest = c;
        if (!(ci->fs >= MIN_FS_HZ)) {
            size_t len = strlen(skipped);
            if (len + 1 < cap)
                snprintf(skipped + len, cap - len, "%s'%s' (%g Hz)", len ? ", " : "", ci->label,
                         ci->fs);
            if (strlen(skipped) + 1 >= cap && cap > 4) memcpy(skipped + cap - 4, "...", 4);
            continue;
        }
        if (n_fast++ >= CRAMP_DETECT_MAX_CHANNELS) continue;
        chan_from_header(h, c, &o->in, &ch[*C]);
        item_of(h, c, ch[*C].item, sizeof ch[*C].item);
        (*C)++;
    }
    if (n_data == 0) {
        /* the shared reader says what is wrong (only annotations) */
        cli_reader t;
        if (cli_reader_open_input(&t, path, &o->in, o->quiet) == CLI_OK) cli_reader_close(&t);
        rc = CLI_FAIL;
    } else if (n_fast > CRAMP_DETECT_MAX_CHANNELS) {
        rc = cli_fail("'%s': %zu channels%s; at most %d per run (choose with --channels)", path,
                      n_fast, skipped[0] ? " fast enough" : "", CRAMP_DETECT_MAX_CHANNELS);
    } else if (*C == 0) {
        rc = cli_fail("'%s': no channel is sampled at %d Hz or more (the fastest, '%s', at %g "
                      "Hz); the detector needs at least %d Hz (sEMG is recorded at 200 Hz and up)",
                      path, MIN_FS_HZ, h->channels[fastest].label, h->channels[fastest].fs,
                      MIN_FS_HZ);
    }
    cramp_recording_close(rec);
    return rc;
}

/* Opens g's reader through the shared reader (its checks: EDF+D gaps
 * refused, WAV full scale, one rate, ...) with the group's channels named as
 * choose_channels named them. */
static int open_group(rate_group *g, const char *path, const detect_opts *o,
                      const detect_chan *ch, int quiet)
{
    char list[CRAMP_DETECT_MAX_CHANNELS * 129];
    size_t len = 0;
    for (size_t k = 0; k < g->n; k++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? "," : "",
                                ch[g->member[k]].item);
    cli_input in = o->in;
    in.channels = list;
    if (cli_reader_open_input(&g->r, path, &in, quiet) != CLI_OK) return CLI_FAIL;
    g->open = 1;
    for (size_t k = 0; k < g->n; k++)
        if (g->r.sel[k] != ch[g->member[k]].idx)
            /* an index that is also another channel's label */
            return cli_fail("'%s': channel %zu ('%s') cannot be named unambiguously; choose "
                            "the channels with --channels",
                            path, ch[g->member[k]].idx + 1, ch[g->member[k]].label);
    return CLI_OK;
}

/* Reads the first minute of g (mains guess and resting levels). */
static int read_prime(rate_group *g)
{
    const size_t C = g->n;
    const size_t pf = (size_t)fmin(60 * g->fs, (double)(g->r.frames > 0 ? g->r.frames : 1));
    g->prime = malloc(pf * C * sizeof *g->prime);
    if (!g->prime) return cli_fail("out of memory");
    size_t got = 0;
    while (got < pf) {
        long k = cli_reader_read(&g->r, g->prime + got * C, pf - got);
        if (k < 0) return CLI_FAIL;
        if (k == 0) break;
        got += (size_t)k;
    }
    g->primed = got;
    g->mains_guess = cramp_detect_mains_guess(g->prime, got, C, g->fs);
    return CLI_OK;
}

/* Appends a to the activity list. */
static int push_activity(cramp_activity **act, size_t *n, size_t *cap, const cramp_activity *a)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        cramp_activity *p = realloc(*act, nc * sizeof *p);
        if (!p) return cli_fail("out of memory");
        *act = p;
        *cap = nc;
    }
    (*act)[(*n)++] = *a;
    return CLI_OK;
}

/* Runs g's detector over its channels (primed with the first minute, then
 * from the start) and appends the segments to the list, renumbered to the
 * run's channel order. buf holds CLI_BLOCK_FRAMES frames of g. */
static int run_group(rate_group *g, const char *path, const detect_chan *ch, float *buf,
                     cramp_activity **act, size_t *n_act, size_t *cap)
{
    const size_t C = g->n;
    cramp_detect_channel info[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t k = 0; k < C; k++) info[k] = ch[g->member[k]].info;
    cramp_detector *d = NULL;
    cramp_activity *tmp = NULL;
    int rc = CLI_FAIL;
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_detector_create(&d, C, &g->cfg, info, &err) != CRAMP_OK) {
        cli_fail("'%s': %s", path, err.message);
        goto done;
    }
    cramp_detector_prime(d, g->prime, g->primed);
    free(g->prime);
    g->prime = NULL;
    if (cramp_recording_seek(g->r.rec, 0, &err) != CRAMP_OK) {
        cli_fail("'%s': %s", path, err.message);
        goto done;
    }
    g->r.frames_read = 0;
    size_t tcap = cramp_detector_max_output(d, CLI_BLOCK_FRAMES);
    if (tcap < 3 * C) tcap = 3 * C;
    tmp = malloc(tcap * sizeof *tmp);
    if (!tmp) {
        cli_fail("out of memory");
        goto done;
    }
    for (int last = 0; !last;) {
        long k = cli_reader_read(&g->r, buf, CLI_BLOCK_FRAMES);
        if (k < 0) goto done;
        size_t m = 0;
        if (k > 0) {
            if (cramp_detector_process(d, buf, (size_t)k, tmp, tcap, &m) != CRAMP_OK) {
                cli_fail("'%s': detector failed", path);
                goto done;
            }
            g->frames += (uint64_t)k;
        } else {
            cramp_detector_finish(d, tmp, tcap, &m);
            last = 1;
        }
        for (size_t q = 0; q < m; q++) {
            tmp[q].channel = g->member[tmp[q].channel];
            if (push_activity(act, n_act, cap, &tmp[q]) != CLI_OK) goto done;
        }
    }
    cramp_detector_band(d, &g->lo, &g->hi, &g->notches);
    rc = CLI_OK;
done:
    free(tmp);
    cramp_detector_destroy(d);
    return rc;
}

/* One mains frequency for the run (the wiring is the recording's): given,
 * or guessed on each group's first minute; groups that decide are taken
 * from the highest rate down (it sees the 150/180-Hz harmonics), and a
 * disagreement is said. how: static text or buf. */
static double choose_mains(const rate_group *g, size_t G, double given, const char **how,
                           char *buf, size_t cap)
{
    *how = "given";
    if (given >= 0) return given;
    const rate_group *best = NULL;
    for (size_t k = 0; k < G; k++)
        if (g[k].mains_guess > 0 && (!best || g[k].fs > best->fs)) best = &g[k];
    if (!best) {
        *how = "auto: undecided, default";
        return 50;
    }
    *how = "auto";
    for (size_t k = 0; k < G; k++)
        if (g[k].mains_guess > 0 && g[k].mains_guess != best->mains_guess) {
            snprintf(buf, cap, "auto: the %g-Hz channels say %g Hz, the %g-Hz ones %g Hz; took "
                     "the faster",
                     best->fs, best->mains_guess, g[k].fs, g[k].mains_guess);
            *how = buf;
            break;
        }
    return best->mains_guess;
}

/* Runs the detector over one recording: one detector per rate group of the
 * chosen channels, the segments of all classified together (so the
 * bilateral and PLM rules see every leg). */
static int detect_file(const char *path, const char *out_path, const detect_opts *o)
{
    detect_chan ch[CRAMP_DETECT_MAX_CHANNELS];
    size_t C = 0;
    int printed = 0;
    char skipped[400];
    if (choose_channels(path, o, ch, &C, skipped, sizeof skipped) != CLI_OK)
        return CLI_FAIL;
    int rc = CLI_FAIL;
    rate_group *g = calloc(C, sizeof *g);
    float *buf = NULL;
    cramp_activity *act = NULL;
    cramp_episode *ep = NULL;
    cramp_annotation *ann = NULL;
    char **ann_lab = NULL;
    size_t G = 0, ne = 0, n_act = 0, cap = 0, widest = 0;
    cli_output out, edf;
    memset(&out, 0, sizeof out);
    memset(&edf, 0, sizeof edf);
    const double t_start = cli_now();
    if (!g) {
        cli_fail("out of memory");
        goto done;
    }
    /* groups in the order of their first channel */
    for (size_t c = 0; c < C; c++) {
        size_t k = 0;
        while (k < G && g[k].fs != ch[c].fs) k++;
        if (k == G) g[G++].fs = ch[c].fs;
        g[k].member[g[k].n++] = c;
        if (g[k].n > widest) widest = g[k].n;
    }
    for (size_t k = 0; k < G; k++) {
        if (open_group(&g[k], path, o, ch, o->quiet || printed) != CLI_OK) goto done;
        printed = 1;
        cramp_detect_config *cfg = &g[k].cfg;
        cramp_detect_config_default(cfg);
        cfg->fs = g[k].fs;
        cfg->band_lo_hz = o->band_lo;
        cfg->band_hi_hz = o->band_hi;
        if (o->no_sparse) cfg->sparse_block_s = 0;
        const double dur = (double)g[k].r.frames / g[k].fs;
        /* A short recording: enough baseline blocks to take a quantile from. */
        if (dur < 20) cfg->baseline.block_s = fmax(2.0 / 100.0, dur / 20);
        if (dur < 20) cfg->baseline.warmup_s = dur / 2;
    }
    if (skipped[0] && !o->quiet)
        cli_note("warning: '%s': channels below %d Hz skipped (too slow for the sEMG band; "
                 "--channels chooses channels): %s",
                 path, MIN_FS_HZ, skipped);
    for (size_t c = 0; c < C; c++)
        if (strcmp(ch[c].unit, "uV") != 0 && !o->quiet) {
            cli_note("warning: '%s' channel '%s' is in %s, not uV: the microvolt margins of "
                     "the AASM rule assume uV (WAV: give --full-scale-uv)",
                     path, ch[c].label, ch[c].unit);
            break;
        }
    for (size_t k = 0; k < G; k++)
        if (read_prime(&g[k]) != CLI_OK) goto done;
    char mains_buf[200];
    const char *mains_how;
    const double mains = choose_mains(g, G, o->mains, &mains_how, mains_buf, sizeof mains_buf);
    buf = malloc(CLI_BLOCK_FRAMES * widest * sizeof *buf);
    if (!buf) {
        cli_fail("out of memory");
        goto done;
    }
    double secs = 0;
    uint64_t samples = 0;
    for (size_t k = 0; k < G; k++) {
        g[k].cfg.mains_hz = mains;
        if (run_group(&g[k], path, ch, buf, &act, &n_act, &cap) != CLI_OK) goto done;
        cli_reader_close(&g[k].r);
        g[k].open = 0;
        secs = fmax(secs, (double)g[k].frames / g[k].fs);
        samples += g[k].frames * g[k].n;
    }
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_detect_channel info[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t c = 0; c < C; c++) info[c] = ch[c].info;
    /* the classification settings do not depend on the rate: any group's */
    if (cramp_detect_classify(act, n_act, info, C, &g[0].cfg, &ep, &ne, &err) != CRAMP_OK) {
        cli_fail("'%s': %s", path, err.message);
        goto done;
    }
    cramp_detect_summary s;
    cramp_detect_summarize(ep, ne, secs, &s);

    if (cli_output_open_text(&out, out_path) != CLI_OK) goto done;
    if (o->json)
        write_json(out.fp, path, ch, C, g, G, ep, ne, &s, mains);
    else
        write_tsv(out.fp, ch, C, ep, ne);

    if (o->edf_out) {
        ann = calloc(ne ? ne : 1, sizeof *ann);
        ann_lab = calloc(ne ? ne : 1, sizeof *ann_lab);
        if (!ann || !ann_lab) {
            cli_fail("out of memory");
            goto done;
        }
        for (size_t i = 0; i < ne; i++) {
            ann_lab[i] = malloc(1024);
            if (!ann_lab[i]) {
                cli_fail("out of memory");
                goto done;
            }
            labels_of(ch, C, ep[i].channels, ann_lab[i], 1024);
            ann[i].onset_s = ep[i].onset_s;
            ann[i].duration_s = ep[i].duration_s;
            ann[i].text = cramp_event_type_name(ep[i].type);
            ann[i].channel = ann_lab[i];
        }
        if (cli_output_open_raw(&edf, o->edf_out) != CLI_OK) goto done;
        if (cramp_edf_copy_annotated_to(path, edf.out, ann, ne, &err) != CRAMP_OK) {
            cli_fail("%s", err.message);
            goto done;
        }
    }
    /* the table and the annotated copy: both or neither */
    cli_output *const outs[2] = {&out, &edf};
    if (cli_output_commit_all(outs, o->edf_out ? 2 : 1) != CLI_OK) goto done;
    if (!o->quiet) {
        const double el = cli_now() - t_start;
        if (G == 1) {
            const rate_group *g0 = &g[0];
            fprintf(stderr,
                    "%s: %s: %zu channel%s at %g Hz, %.2f h; band %g-%g Hz%s + %zu mains notch%s "
                    "at %g Hz (%s), causal\n",
                    cli_name(), path, C, C == 1 ? "" : "s", g0->fs, s.hours, g0->lo, g0->hi,
                    (g0->lo != o->band_lo || g0->hi != o->band_hi)
                        ? " (clamped to the sampling rate)"
                        : "",
                    g0->notches, g0->notches == 1 ? "" : "es", mains, mains_how);
        } else {
            fprintf(stderr, "%s: %s: %zu channels in %zu rate groups, %.2f h; mains %g Hz (%s), "
                    "causal\n",
                    cli_name(), path, C, G, s.hours, mains, mains_how);
            for (size_t k = 0; k < G; k++) {
                fprintf(stderr, "  %g Hz: ", g[k].fs);
                for (size_t m = 0; m < g[k].n; m++)
                    fprintf(stderr, "%s%s", m ? ", " : "", ch[g[k].member[m]].label);
                fprintf(stderr, "; band %g-%g Hz%s + %zu mains notch%s\n", g[k].lo, g[k].hi,
                        (g[k].lo != o->band_lo || g[k].hi != o->band_hi)
                            ? " (clamped to the sampling rate)"
                            : "",
                        g[k].notches, g[k].notches == 1 ? "" : "es");
            }
        }
        fprintf(stderr, "  cramps: %zu (%.2f per hour), total %.1f s, longest %.1f s", s.cramps,
                s.cramps_per_hour, s.cramp_total_s, s.cramp_longest_s);
        int first = 1;
        for (size_t i = 0; i < ne; i++)
            if (ep[i].type == CRAMP_EVENT_CRAMP) {
                char t[32];
                clock_text(ep[i].onset_s, t, sizeof t);
                fprintf(stderr, "%s%s", first ? "; onsets at " : ", ", t);
                first = 0;
            }
        fprintf(stderr,
                "\n  PLM: %zu in %zu series, PLM index %.1f per hour; bursts %zu, movements %zu, "
                "artefacts %zu\n",
                s.plm, s.plm_series, s.plm_index, s.count[CRAMP_EVENT_BURST],
                s.count[CRAMP_EVENT_MOVEMENT], s.count[CRAMP_EVENT_ARTEFACT]);
        fprintf(stderr, "  %zu episodes -> %s%s%s; %.2f s (%.0f M samples/s)\n", ne,
                strcmp(out_path, "-") ? out_path : "stdout", o->edf_out ? ", " : "",
                o->edf_out ? o->edf_out : "", el, el > 0 ? (double)samples / el / 1e6 : 0.0);
    }
    rc = CLI_OK;
done:
    cli_output_abort(&out);
    cli_output_abort(&edf);
    if (ann_lab)
        for (size_t i = 0; i < ne; i++) free(ann_lab[i]);
    free(ann_lab);
    free(ann);
    free(ep);
    free(act);
    free(buf);
    for (size_t k = 0; g && k < G; k++) {
        free(g[k].prime);
        if (g[k].open) cli_reader_close(&g[k].r);
    }
    free(g);
    return rc;
}

int cmd_detect(int argc, char *argv[])
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, OPT_JSON},
        {"edf-annotations", required_argument, NULL, OPT_EDF},
        {"mains", required_argument, NULL, OPT_MAINS},
        {"band", required_argument, NULL, OPT_BAND},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"no-sparseness", no_argument, NULL, OPT_NO_SPARSE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    detect_opts o;
    memset(&o, 0, sizeof o);
    o.mains = -1;
    o.band_lo = 20;
    o.band_hi = 450;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_detect_help(stdout); return CLI_OK;
        case 'o': o.out = optarg; break;
        case OPT_JSON: o.json = 1; break;
        case OPT_EDF: o.edf_out = optarg; break;
        case OPT_QUIET: o.quiet = 1; break;
        case OPT_NO_SPARSE: o.no_sparse = 1; break;
        case OPT_MAINS:
            if (!strcmp(optarg, "auto"))
                o.mains = -1;
            else if (!strcmp(optarg, "none") || !strcmp(optarg, "0"))
                o.mains = 0;
            else if (!strcmp(optarg, "50"))
                o.mains = 50;
            else if (!strcmp(optarg, "60"))
                o.mains = 60;
            else
                return cli_usage_error("--mains wants 50, 60, auto or none, not '%s'", optarg);
            break;
        case OPT_BAND:
            if (cli_parse_band(optarg, &o.band_lo, &o.band_hi) != 0 || o.band_lo < 0 ||
                !(o.band_hi > o.band_lo))
                return cli_usage_error("--band wants LO-HI in Hz with 0 <= LO < HI, not '%s'",
                                       optarg);
            break;
        case OPT_CHANNELS: {
            int rc = cli_input_channels(&o.in, optarg);
            if (rc != CLI_OK) return rc;
            break;
        }
        case OPT_FULL_SCALE: {
            int rc = cli_input_full_scale(&o.in, optarg);
            if (rc != CLI_OK) return rc;
            break;
        }
        default: return cli_bad_option(argv, c);
        }
    }
    const int nfiles = argc - optind;
    if (nfiles < 1) return cli_usage_error("give a recording (EDF/BDF/WAV) to detect in");
    if (nfiles > 1 && (o.out || o.edf_out))
        return cli_usage_error("-o and --edf-annotations take one FILE; with several, each "
                               "gets FILE.detected.%s beside it",
                               o.json ? "json" : "tsv");
    if (nfiles == 1) return detect_file(argv[optind], o.out ? o.out : "-", &o);
    int rc = CLI_OK;
    for (int i = optind; i < argc; i++) {
        const char *p = argv[i];
        size_t n = strlen(p);
        const char *dot = strrchr(p, '.');
        const char *slash = strrchr(p, '/');
        if (dot && (!slash || dot > slash)) n = (size_t)(dot - p);
        char *name = malloc(n + 32);
        if (!name) return cli_fail("out of memory");
        snprintf(name, n + 32, "%.*s.detected.%s", (int)n, p, o.json ? "json" : "tsv");
        if (detect_file(p, name, &o) != CLI_OK) rc = CLI_FAIL;
        free(name);
    }
    return rc;
}
