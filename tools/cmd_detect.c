/* cramp detect: finds cramps (and PLMs, bursts, movements, artefacts) in a
 * night of leg sEMG with cramp/detect.h, and writes the episodes as a BIDS
 * events table (or JSON), optionally as EDF+ annotations on a copy of the
 * recording, with a per-night summary on stderr. */
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
          "  cramp     sustained >= 5 s, on one muscle, far above rest (RMS >= 10 x the\n"
          "            resting level or >= 50 uV), not periodic, not an artefact\n"
          "  plm       a 0.5-10 s leg movement in a series of >= 4, 10-90 s apart\n"
          "            (AASM / WASM 2016); both legs within 5 s count as one\n"
          "  movement  two or more muscles at once for 3-45 s (IRLSSG), or activity with\n"
          "            a motion artefact lasting 3-45 s\n"
          "  artefact  energy mostly below 20 Hz (motion, electrode pop), clipping at the\n"
          "            amplifier's rails, or a flat line (lost electrode)\n"
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
          "lib/include/cramp/detect.h gives every rule with its reason.\n"
          "\n"
          "Output: a BIDS events table, one row per episode, tab-separated:\n"
          "  onset duration trial_type channel (involved channels) main_channel rms_uv\n"
          "  rest_uv rms_x_rest peak_uv mnf_start_hz mnf_end_hz mdf_start_hz mdf_end_hz\n"
          "  mnf_slope_hz_s lf_ratio clip_fraction flat_fraction prev_interval_s\n"
          "  next_interval_s series reason\n"
          "(n/a where undefined). 'cramp score TRUTH.tsv EVENTS.tsv' scores it.\n"
          "The summary (stderr): cramps, cramps per hour, total and longest cramp time,\n"
          "cramp onset times, PLM index (PLMs per hour), counts per class.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE       events table (default '-': stdout); one FILE only\n"
          "  --json                  JSON (summary, settings and episodes) instead of TSV\n"
          "  --edf-annotations OUT   copy of the EDF/BDF input with the episodes added as\n"
          "                          EDF+ annotations (for EDFbrowser); one FILE only\n"
          "  --mains 50|60|auto|none mains comb; auto (default) compares the power at\n"
          "                          50+150 Hz with 60+180 Hz in the first minute and\n"
          "                          takes 50 Hz when neither is twice the other\n"
          "  --band LO-HI            band-pass, Hz (default 20-450)\n" CLI_INPUT_HELP
          "  --quiet                 no summary on stderr\n"
          "  -h, --help              show this help\n"
          "\n"
          "Examples:\n"
          "  cramp synth --minutes 60 -o night.edf\n"
          "  cramp detect night.edf -o detected.tsv\n"
          "  cramp score night.events.tsv detected.tsv\n"
          "  cramp detect psg.edf --channels 'EMG L-TA,EMG R-TA' --mains 60 --json -o ev.json\n"
          "\n"
          "Exit status: 0 success, 1 failure (a file), 2 usage error.\n",
          out);
}

enum { OPT_JSON = 256, OPT_EDF, OPT_MAINS, OPT_BAND, OPT_CHANNELS, OPT_FULL_SCALE, OPT_QUIET };

typedef struct detect_opts {
    const char *out, *edf_out;
    int json, quiet;
    double mains;      /* < 0: auto */
    double band_lo, band_hi;
    cli_input in;
} detect_opts;

static void put_num(FILE *f, double v, int json)
{
    if (!isfinite(v))
        fputs(json ? "null" : "n/a", f);
    else
        fprintf(f, "%.6g", v);
}

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void labels_of(const cli_reader *r, uint32_t mask, char *buf, size_t cap)
{
    buf[0] = 0;
    for (size_t c = 0; c < r->channels; c++) {
        if (!(mask >> c & 1u)) continue;
        if (buf[0]) strncat(buf, ",", cap - strlen(buf) - 1);
        strncat(buf, cli_reader_label(r, c), cap - strlen(buf) - 1);
    }
}

static void clock_text(double t, char *buf, size_t cap)
{
    long s = lround(t);
    snprintf(buf, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

static void write_tsv(FILE *f, const cli_reader *r, const cramp_episode *ep, size_t n)
{
    fputs("onset\tduration\ttrial_type\tchannel\tmain_channel\trms_uv\trest_uv\trms_x_rest"
          "\tpeak_uv\tmnf_start_hz\tmnf_end_hz\tmdf_start_hz\tmdf_end_hz\tmnf_slope_hz_s"
          "\tlf_ratio\tclip_fraction\tflat_fraction\tprev_interval_s\tnext_interval_s\tseries"
          "\treason\n",
          f);
    char lab[1024];
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *e = &ep[i];
        labels_of(r, e->channels, lab, sizeof lab);
        fprintf(f, "%.3f\t%.3f\t%s\t%s\t%s", e->onset_s, e->duration_s,
                cramp_event_type_name(e->type), lab, cli_reader_label(r, e->main_channel));
        const double v[] = {e->rms_uv,        e->rest_uv,         e->rms_x_rest,
                            e->peak_uv,       e->mnf_start_hz,    e->mnf_end_hz,
                            e->mdf_start_hz,  e->mdf_end_hz,      e->mnf_slope_hz_s,
                            e->lf_ratio,      e->clip_fraction,   e->flat_fraction,
                            e->prev_interval_s, e->next_interval_s};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc('\t', f);
            put_num(f, v[k], 0);
        }
        if (e->series)
            fprintf(f, "\t%d", e->series);
        else
            fputs("\tn/a", f);
        fprintf(f, "\t%s\n", e->reason ? e->reason : "n/a");
    }
}

static void write_json(FILE *f, const char *path, const cli_reader *r, const cramp_episode *ep,
                       size_t n, const cramp_detect_summary *s, double lo, double hi,
                       double mains)
{
    fputs("{\"file\": ", f);
    put_json_string(f, path);
    fprintf(f, ", \"fs_hz\": %g, \"channels\": [", r->fs);
    for (size_t c = 0; c < r->channels; c++) {
        fputs(c ? ", " : "", f);
        put_json_string(f, cli_reader_label(r, c));
    }
    fprintf(f, "], \"band_hz\": [%g, %g], \"mains_hz\": %g, \"filter\": \"causal\",\n", lo, hi,
            mains);
    fprintf(f, " \"summary\": {\"hours\": %.6g, \"cramps\": %zu, \"cramps_per_hour\": ", s->hours,
            s->cramps);
    put_num(f, s->cramps_per_hour, 1);
    fprintf(f, ", \"cramp_total_s\": %.3f, \"cramp_longest_s\": %.3f, \"cramp_onsets_s\": [",
            s->cramp_total_s, s->cramp_longest_s);
    int first = 1;
    for (size_t i = 0; i < n; i++)
        if (ep[i].type == CRAMP_EVENT_CRAMP) {
            fprintf(f, "%s%.3f", first ? "" : ", ", ep[i].onset_s);
            first = 0;
        }
    fprintf(f, "], \"plm\": %zu, \"plm_series\": %zu, \"plm_index\": ", s->plm, s->plm_series);
    put_num(f, s->plm_index, 1);
    fputs(", \"counts\": {", f);
    for (int t = 0; t < CRAMP_EVENT_TYPES; t++)
        fprintf(f, "%s\"%s\": %zu", t ? ", " : "", cramp_event_type_name((cramp_event_type)t),
                s->count[t]);
    fputs("}},\n \"events\": [", f);
    char lab[1024];
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *e = &ep[i];
        labels_of(r, e->channels, lab, sizeof lab);
        fprintf(f, "%s\n  {\"onset\": %.3f, \"duration\": %.3f, \"trial_type\": \"%s\", \"channel\": ",
                i ? "," : "", e->onset_s, e->duration_s, cramp_event_type_name(e->type));
        put_json_string(f, lab);
        fputs(", \"main_channel\": ", f);
        put_json_string(f, cli_reader_label(r, e->main_channel));
        const char *names[] = {"rms_uv",        "rest_uv",       "rms_x_rest",     "peak_uv",
                               "mnf_start_hz",  "mnf_end_hz",    "mdf_start_hz",   "mdf_end_hz",
                               "mnf_slope_hz_s", "lf_ratio",     "clip_fraction",  "flat_fraction",
                               "prev_interval_s", "next_interval_s"};
        const double v[] = {e->rms_uv,        e->rest_uv,         e->rms_x_rest,
                            e->peak_uv,       e->mnf_start_hz,    e->mnf_end_hz,
                            e->mdf_start_hz,  e->mdf_end_hz,      e->mnf_slope_hz_s,
                            e->lf_ratio,      e->clip_fraction,   e->flat_fraction,
                            e->prev_interval_s, e->next_interval_s};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            put_num(f, v[k], 1);
        }
        fprintf(f, ", \"series\": %d, \"reason\": ", e->series);
        put_json_string(f, e->reason ? e->reason : "");
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

/* Runs the detector over one recording. */
static int detect_file(const char *path, const char *out_path, const detect_opts *o)
{
    cli_reader r;
    if (cli_reader_open_input(&r, path, &o->in, o->quiet) != CLI_OK) return CLI_FAIL;
    int rc = CLI_FAIL;
    float *buf = NULL, *prime = NULL;
    cramp_activity *act = NULL, *tmp = NULL;
    cramp_episode *ep = NULL;
    cramp_detector *d = NULL;
    cramp_annotation *ann = NULL;
    char **ann_lab = NULL;
    size_t ne = 0;
    cli_output out;
    memset(&out, 0, sizeof out);
    const double t_start = cli_now();
    const size_t C = r.channels;
    if (C > CRAMP_DETECT_MAX_CHANNELS) {
        cli_fail("'%s': %zu channels; at most %d per run (choose with --channels)", path, C,
                 CRAMP_DETECT_MAX_CHANNELS);
        goto done;
    }
    if (!(r.fs >= 100)) {
        cli_fail("'%s': sampling rate %g Hz; the detector needs at least 100 Hz (sEMG is "
                 "recorded at 200 Hz and up)",
                 path, r.fs);
        goto done;
    }
    for (size_t c = 0; c < C; c++)
        if (strcmp(cli_reader_unit(&r, c), "uV") != 0 && !o->quiet) {
            cli_note("warning: '%s' channel '%s' is in %s, not uV: the microvolt margins of "
                     "the AASM rule assume uV (WAV: give --full-scale-uv)",
                     path, cli_reader_label(&r, c), cli_reader_unit(&r, c));
            break;
        }
    cramp_detect_config cfg;
    cramp_detect_config_default(&cfg);
    cfg.fs = r.fs;
    cfg.band_lo_hz = o->band_lo;
    cfg.band_hi_hz = o->band_hi;
    const double dur = (double)r.frames / r.fs;
    /* A short recording: enough baseline blocks to take a quantile from. */
    if (dur < 20) cfg.baseline.block_s = fmax(2.0 / 100.0, dur / 20);
    if (dur < 20) cfg.baseline.warmup_s = dur / 2;
    cramp_detect_channel ch[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t c = 0; c < C; c++) {
        const cramp_channel_info *ci = &r.hdr->channels[r.sel[c]];
        cramp_detect_channel_from_label(ci->label, &ch[c]);
        if (r.hdr->format != CRAMP_REC_WAV) {
            ch[c].phys_min = ci->phys_min * ci->to_output;
            ch[c].phys_max = ci->phys_max * ci->to_output;
        } else if (o->in.full_scale_uv > 0) {
            ch[c].phys_min = -o->in.full_scale_uv;
            ch[c].phys_max = o->in.full_scale_uv;
        }
    }
    /* the first minute: mains guess and the resting level */
    size_t pf = (size_t)fmin(60 * r.fs, (double)(r.frames > 0 ? r.frames : 1));
    prime = malloc(pf * C * sizeof *prime);
    buf = malloc(CLI_BLOCK_FRAMES * C * sizeof *buf);
    if (!prime || !buf) {
        cli_fail("out of memory");
        goto done;
    }
    size_t got = 0;
    while (got < pf) {
        long k = cli_reader_read(&r, prime + got * C, pf - got);
        if (k < 0) goto done;
        if (k == 0) break;
        got += (size_t)k;
    }
    const char *mains_how = "given";
    cfg.mains_hz = o->mains;
    if (o->mains < 0) {
        double g = cramp_detect_mains_guess(prime, got, C, r.fs);
        cfg.mains_hz = g > 0 ? g : 50;
        mains_how = g > 0 ? "auto" : "auto: undecided, default";
    }
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_detector_create(&d, C, &cfg, ch, &err) != CRAMP_OK) {
        cli_fail("'%s': %s", path, err.message);
        goto done;
    }
    cramp_detector_prime(d, prime, got);
    if (cramp_recording_seek(r.rec, 0, &err) != CRAMP_OK) {
        cli_fail("'%s': %s", path, err.message);
        goto done;
    }
    r.frames_read = 0;
    size_t cap = 256, n_act = 0;
    act = malloc(cap * sizeof *act);
    size_t tcap = cramp_detector_max_output(d, CLI_BLOCK_FRAMES);
    if (tcap < 2 * C) tcap = 2 * C;
    tmp = malloc(tcap * sizeof *tmp);
    if (!act || !tmp) {
        cli_fail("out of memory");
        goto done;
    }
    uint64_t total = 0;
    for (int last = 0; !last;) {
        long k = cli_reader_read(&r, buf, CLI_BLOCK_FRAMES);
        if (k < 0) goto done;
        size_t m = 0;
        if (k > 0) {
            if (cramp_detector_process(d, buf, (size_t)k, tmp, tcap, &m) != CRAMP_OK) {
                cli_fail("'%s': detector failed", path);
                goto done;
            }
            total += (uint64_t)k;
        } else {
            cramp_detector_finish(d, tmp, tcap, &m);
            last = 1;
        }
        for (size_t q = 0; q < m; q++) {
            if (n_act == cap) {
                cramp_activity *p = realloc(act, 2 * cap * sizeof *act);
                if (!p) {
                    cli_fail("out of memory");
                    goto done;
                }
                act = p;
                cap *= 2;
            }
            act[n_act++] = tmp[q];
        }
    }
    if (cramp_detect_classify(act, n_act, ch, C, &cfg, &ep, &ne, &err) != CRAMP_OK) {
        cli_fail("'%s': %s", path, err.message);
        goto done;
    }
    const double secs = (double)total / r.fs;
    cramp_detect_summary s;
    cramp_detect_summarize(ep, ne, secs, &s);
    double lo, hi;
    size_t notches;
    cramp_detector_band(d, &lo, &hi, &notches);

    if (cli_output_open_text(&out, out_path) != CLI_OK) goto done;
    if (o->json)
        write_json(out.fp, path, &r, ep, ne, &s, lo, hi, cfg.mains_hz);
    else
        write_tsv(out.fp, &r, ep, ne);
    if (cli_output_commit(&out) != CLI_OK) goto done;

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
            labels_of(&r, ep[i].channels, ann_lab[i], 1024);
            ann[i].onset_s = ep[i].onset_s;
            ann[i].duration_s = ep[i].duration_s;
            ann[i].text = cramp_event_type_name(ep[i].type);
            ann[i].channel = ann_lab[i];
        }
        if (cramp_edf_copy_annotated(path, o->edf_out, ann, ne, &err) != CRAMP_OK) {
            cli_fail("%s", err.message);
            goto done;
        }
    }
    if (!o->quiet) {
        const double el = cli_now() - t_start;
        fprintf(stderr,
                "%s: %s: %zu channel%s at %g Hz, %.2f h; band %g-%g Hz%s + %zu mains notch%s "
                "at %g Hz (%s), causal\n",
                cli_name(), path, C, C == 1 ? "" : "s", r.fs, s.hours, lo, hi,
                (lo != o->band_lo || hi != o->band_hi) ? " (clamped to the sampling rate)" : "",
                notches, notches == 1 ? "" : "es", cfg.mains_hz, mains_how);
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
                o->edf_out ? o->edf_out : "", el,
                el > 0 ? (double)total * (double)C / el / 1e6 : 0.0);
    }
    rc = CLI_OK;
done:
    cli_output_abort(&out);
    if (ann_lab)
        for (size_t i = 0; i < ne; i++) free(ann_lab[i]);
    free(ann_lab);
    free(ann);
    free(ep);
    free(act);
    free(tmp);
    free(buf);
    free(prime);
    cramp_detector_destroy(d);
    cli_reader_close(&r);
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
