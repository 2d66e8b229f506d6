/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp detect: finds cramps (and PLMs, bursts, movements, artefacts) in a
 * night of leg sEMG with the night driver (cramp/night.h), and writes the
 * episodes as a BIDS events table (or JSON), optionally as EDF+ annotations
 * on a copy of the recording, with a per-night summary on stderr. This file
 * parses the arguments and prints the summary; the output formats and the
 * options cramp batch shares are detect_output.c's and detect_options.c's,
 * the recipe (rate groups, first minute, mains, priming, classification) is
 * the library's. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_detect.h"
#include "cmd_tune.h"
#include "common.h"
#include "detect_options.h"
#include "detect_output.h"
#include "cramp/night.h"
#include "cramp/recording.h"

void cmd_detect_help(FILE *out)
{
    cramp_detect_config d;
    cramp_detect_config_default(&d);
    fputs("Usage: cramp detect FILE [-o EVENTS.tsv] [--json] [--edf-annotations OUT.edf]\n"
          "                    [--channels LIST] [--mains 50|60|auto|none] [--band LO-HI]\n"
          "       cramp detect FILE1 FILE2 ...   (writes FILEn.detected.tsv beside each)\n"
          "\n"
          "Finds muscle cramps in a night of leg surface EMG (EDF/EDF+/BDF, or WAV with\n"
          "--full-scale-uv) and tells them from what is not a cramp. Every episode of\n"
          "activity is labelled:\n",
          out);
    fprintf(out,
            "  cramp     sustained >= %g s on one muscle (mean RMS at or above the onset\n"
            "            threshold) and tonic: the envelope above the offset threshold\n"
            "            for >= %g of the episode; not periodic, not an artefact, not\n"
            "            another muscle of the leg right after a cramp (stretching)\n"
            "  hft       >= %zu bursts of <= %g s at %g-%g Hz on one leg (AASM hypnagogic\n"
            "            foot tremor)\n"
            "  alma      the same alternating between the legs (AASM alternating leg\n"
            "            muscle activation); the same on two muscles of a leg is a\n"
            "            movement (rhythmic movement disorder)\n"
            "  plm       a %g-%g s leg movement in a series of >= %zu, %g-%g s apart\n"
            "            (AASM / WASM 2016); both legs within %g s count as one\n"
            "  movement  two or more muscles at once for %g-%g s (IRLSSG), activity with\n"
            "            a motion artefact lasting %g-%g s, a rhythmic train of several\n"
            "            muscles, or stretching right after a cramp\n",
            d.cramp_min_s, d.tonic_min, d.train_min_bursts, d.train_burst_max_s,
            d.train_min_hz, d.train_max_hz, d.lm_min_s, d.lm_max_s, d.plm_min_count,
            d.plm_min_interval_s, d.plm_max_interval_s, d.bilateral_s, d.movement_min_s,
            d.movement_max_s, d.movement_min_s, d.movement_max_s);
    fprintf(out,
            "  artefact  energy mostly below %g Hz (motion, electrode pop; also found when\n"
            "            no EMG accompanies it), clipping at the amplifier's rails, or a\n"
            "            flat line (lost electrode)\n"
            "  burst     any other activity (e.g. an isolated arousal burst)\n"
            "Activity follows the AASM leg-movement rule relative to each channel's\n"
            "adaptive resting level (the %g%s percentile of %g-s envelope means over the\n"
            "last %g min): onset at rest + max(%g uV, %g x rest), offset at the start of\n"
            ">= %g s at <= rest + max(%g uV, %g x rest); episodes under %g s are dropped.\n"
            "The signal is band-passed (%g-%g Hz, upper edge clamped to 0.9 x Nyquist:\n"
            "%g-%g Hz at 250 Hz; the band used is reported) with a mains comb, causally\n"
            "(zero phase is not needed to time episodes to %g ms). The first minute primes\n"
            "the resting level, so activity in the first seconds is found too. Values must\n"
            "be in microvolts (EDF voltage units are converted).\n",
            d.band_lo_hz, d.baseline.quantile * 100,
            fmod(d.baseline.quantile * 100, 10) == 1 ? "st" : "th", d.baseline.block_s,
            d.baseline.window_s / 60, d.onset_uv, d.onset_k, d.off_hold_s, d.offset_uv,
            d.offset_k, d.min_duration_s, d.band_lo_hz, d.band_hi_hz, d.band_lo_hz,
            fmin(d.band_hi_hz, 0.9 * 125), d.tick_s * 1000);
    fprintf(out,
            "Channels may differ in sampling rate (PSG: leg EMG at 200 Hz and 512 Hz):\n"
            "each rate group gets its own detector, with the band clamped to its rate,\n"
            "and the episodes of all groups are merged and labelled together, so the\n"
            "bilateral %g-s rule and the PLM series see every leg.\n"
            "lib/include/cramp/detect.h gives every rule with its reason.\n"
            "\n",
            d.bilateral_s);
    fputs("Output: a BIDS events table, one row per episode, tab-separated:\n"
          "  onset duration trial_type channel (involved channels) main_channel rms_uv\n"
          "  rest_uv rms_x_rest peak_uv mnf_start_hz mnf_end_hz mdf_start_hz mdf_end_hz\n"
          "  mnf_slope_hz_s lf_ratio kurtosis clip_fraction flat_fraction prev_interval_s\n"
          "  next_interval_s tonic_fraction bursts rises rise_cv confidence series reason\n"
          "  precursor_s env_mod_ratio\n"
          "(tonic_fraction: share of the episode's 10-ms ticks above the offset\n"
          "threshold outside pauses; bursts: rises to the onset threshold after a\n"
          "pause; rises: after any dip, rise_cv their intervals' CV; confidence 0-1: 0.5 +\n"
          "0.5 x the smallest margin of the firing rule's conditions, a margin being\n"
          "|log2(value / threshold)| capped at 1; precursor_s: seconds of lower-level\n"
          "lead-in cut off the main channel's start (the precursor step), 0 if none;\n"
          "env_mod_ratio: the main channel's 0.5-3 Hz over 3-8 Hz energy of its 10-ms\n"
          "tick power (about 0.5 for a steady contraction, more when a moving limb\n"
          "modulates it; n/a under 3 s measured); docs/detect.md)\n"
          "(n/a where undefined). 'cramp score TRUTH.tsv EVENTS.tsv' scores it. With\n"
          "--json the settings give fs_hz and band_hz, or, when the channels have\n"
          "several rates, null there and rate_groups: [{fs_hz, channels, band_hz}];\n"
          "rules_id names the rules that made the table (cramp_detect_rules_id: the\n"
          "rule table and every detector setting; --no-env-mod changes it) and\n"
          "cramp_version the build.\n"
          "The summary (stderr): cramps, cramps per hour, total and longest cramp time,\n"
          "cramp onset times, PLM index (PLMs per hour), counts per class.\n"
          "A recording shorter than the detector's minimum (twice the shortest episode)\n"
          "is refused with both lengths.\n"
          "\n",
          out);
    fprintf(out,
            "Options:\n"
            "  -o, --output FILE       events table (default '-': stdout); one FILE only\n"
            "  --json                  JSON (summary, settings and episodes) instead of TSV\n"
            "  --edf-annotations OUT   copy of the EDF/BDF input with the episodes added as\n"
            "                          EDF+ annotations (for EDFbrowser); one FILE only.\n"
            "                          -o and this are written all or none: a regular file\n"
            "                          or a link's target via a temporary file and rename\n"
            "                          (permissions kept), a device or FIFO directly.\n"
            "                          Each reads 'CLASS (detected)@@CHANNELS', e.g.\n"
            "                          'cramp (detected)@@R-GAS', so detections differ from\n"
            "                          the input's own annotations (scored events)\n"
            "  --keep-annotations      keep the input's own annotations in that copy (default)\n"
            "  --drop-annotations      leave them out: the copy holds the detections only\n"
            "  --mains 50|60|auto|none mains comb; auto (default) compares the power at\n"
            "                          50+150 Hz with 60+180 Hz in the first minute and\n"
            "                          takes %g Hz when neither is twice the other (with\n"
            "                          several rates: the fastest group that decides)\n"
            "  --band LO-HI            band-pass, Hz (default %g-%g)\n"
            "  --channels LIST         channels to read, by label or 1-based index,\n"
            "                          comma-separated, at most %d, in the output's order;\n"
            "                          they may differ in sampling rate (one run covers\n"
            "                          every rate group); one below %d Hz is an error.\n"
            "                          Default: in an EDF/BDF, the leg EMG channels as a\n"
            "                          sleep lab labels them (LAT, RAT, Leg L, EMG Tib,\n"
            "                          L-GAS, R-TA, gastrocnemius/tibialis names, or EMG\n"
            "                          with an AgAgCl electrode, not the chin's), named on\n"
            "                          stderr with those left; none: an error listing the\n"
            "                          labels. WAV, text, WFDB: every channel. Channels\n"
            "                          below %d Hz (respiration, a 1-Hz rectified EMG,\n"
            "                          SpO2) are skipped with a warning\n"
            "  --all-channels          every signal channel at >= that rate, whatever its\n"
            "                          label (cramp 0.1's default)\n",
            d.mains_hz, d.band_lo_hz, d.band_hi_hz, CRAMP_DETECT_MAX_CHANNELS,
            CRAMP_NIGHT_MIN_FS_HZ, CRAMP_NIGHT_MIN_FS_HZ);
    fputs("  --full-scale-uv X       WAV input: the microvolts at full scale, so values\n"
          "                          are read in uV (without it they stay full-scale\n"
          "                          fractions, unit FS)\n"
          "  --input-fs HZ           delimited text input: its sampling rate, for a file\n"
          "                          that does not state it\n"
          "  --input-unit UNIT       delimited text input: the unit of columns whose unit\n"
          "                          the file does not state (uV, mV, V read in uV)\n"
          "  --no-sparseness         do not measure sparseness (the kurtosis column is\n"
          "                          then n/a and --sparseness-rule has nothing to use)\n"
          "  --sparseness-rule       turn on the dense-contraction rule: a sustained\n",
          out);
    fprintf(out,
            "                          one-muscle episode with median block kurtosis < %g\n"
            "                          is a voluntary contraction, not a cramp (off by\n"
            "                          default: it holds in one simulator's model only)\n"
            "  --voluntary-rule        opt-in (off by default): the reaction row (below,\n"
            "                          --no-reaction-rule) without its two exceptions: a\n"
            "                          sustained episode starting within %g s of a cramp's\n"
            "                          end on the same channel, or with the leg unknown, is\n"
            "                          a movement (the reaction to the cramp), not a cramp\n"
            "  --cramp-rhythm-rule     opt-in (off by default): a would-be cramp (sustained,\n"
            "                          tonic) joins a PLM series only in the series'\n"
            "                          rhythm, so a short cramp of the TA is not taken for\n"
            "                          an LM; and a stretch after activity that another\n"
            "                          row labelled is still the reaction to it\n"
            "  --cramp-rhythm-half series|after\n"
            "                          opt-in: one half of --cramp-rhythm-rule alone (the\n"
            "                          PLM series' rhythm, or the stretch after labelled\n"
            "                          activity)\n"
            "  --crosstalk-time-rule   opt-in (off by default): another muscle of the\n"
            "                          episode's leg counts as involved by its power over\n"
            "                          the longer of its own and the main muscle's active\n"
            "                          time (crosstalk lasts as long as its source), so a\n"
            "                          slow weak cramp's crosstalk is not a second muscle\n"
            "  --no-reaction-rule      turn off the reaction row (on by default since the\n"
            "                          eighth freeze): a sustained episode starting\n"
            "                          within %g s of a cramp's end on the same\n"
            "                          channel is the reaction to it (stretching), not a\n"
            "                          second cramp, but not after a weaker precursor (a\n"
            "                          later contraction %g x stronger above rest) or\n"
            "                          after a movement (modulated contraction)\n"
            "  --both-legs-rule        opt-in (off by default): a would-be cramp whose\n"
            "                          other leg starts working within %g s of it and for\n"
            "                          %g of it or more is a movement of both legs (an\n"
            "                          awakening, a turn): a cramp is focal\n",
            d.sparse_kurtosis, d.stretch_window_s, d.stretch_window_s, 1 / d.precursor_ratio,
            d.bilateral_s, d.concurrent_fraction);
    fprintf(out,
            "  --movement-signs-rule   opt-in (off by default): a would-be cramp of 3-45 s\n"
            "                          whose movement rhythm and motion artefact, each\n"
            "                          under its own limit, together reach one limit's\n"
            "                          worth is a movement (turning over)\n"
            "  --plm-leg-muscles       opt-in (off by default): a one-leg LM of 3-10 s on\n"
            "                          the TA and another muscle joins a PLM series in\n"
            "                          the series' rhythm (otherwise it is a movement)\n"
            "  --lm-onset-power        opt-in (off by default): a segment also opens where\n"
            "                          the envelope's power above rest reaches the %g uV\n"
            "                          onset (the LM's own %g uV; quiet channels only)\n"
            "  --no-plm-rhythm-rule    turn off the PLM rhythm rule (on by default since\n"
            "                          the ninth freeze): a PLM series is periodic:\n"
            "                          an LM active for more than %g s joins a series\n"
            "                          only in its rhythm, and an episode over %g s\n"
            "                          (the WASM end of a series) does not end it when\n"
            "                          the next LM carries the rhythm on\n"
            "  --no-stretch-split-rule turn off the stretch split (on by default since the\n"
            "                          ninth freeze): a segment of one muscle is\n"
            "                          cut where a stronger muscle of its leg starts %g s\n"
            "                          or more after it and carries it to its end (a\n"
            "                          cramp and the antagonist's stretch after it, joined\n"
            "                          by the stretch's crosstalk)\n"
            "  --ramp-tonic-rule       opt-in (off by default): a one-muscle episode that\n"
            "                          ran without a pause (0.2 s under the offset\n"
            "                          threshold) for half of it or more is tonic: the\n"
            "                          pauses around that run are a cramp's gradual\n"
            "                          recruitment and its last units dropping out\n"
            "  --legs-apart-rule       opt-in (off by default): an episode of both legs\n"
            "                          longer than a leg movement where one leg is active\n"
            "                          for half of it or more and the other is not: the\n"
            "                          other leg's activity (an LM, the stretch after its\n"
            "                          own cramp) is an event of its own, and the main\n"
            "                          channel comes from the leg that carries it\n"
            "  --bilateral-lm-only     opt-in (off by default): an LM of the other leg in\n"
            "                          the first 5 s of a cramp or other activity longer\n"
            "                          than a bilateral LM (15 s) is its own episode, not\n"
            "                          part of it (the AASM joins two legs' LMs only)\n"
            "  --no-plm-bridge         a gap of more than 90 s always ends a PLM series\n"
            "                          (by default one missed LM inside a series is\n"
            "                          bridged); for nights scored as the AASM manual\n"
            "                          scores LMs (bench/README.md, h12ad)\n"
            "                          Every rule switch above takes both forms: --NAME\n"
            "                          turns it on, --no-NAME off (cramp batch takes\n"
            "                          them too); the rules id names what is on\n"
            "  --no-env-mod            turn the modulated-contraction row off. By default\n"
            "                          a would-be cramp (sustained, tonic, one muscle)\n"
            "                          whose amplitude moves at 0.5-3 Hz, env_mod_ratio\n"
            "                          above %g, is a movement: a limb moved, jiggled or\n"
            "                          walked on modulates its muscle at that rhythm, a\n"
            "                          cramp holds steady. With this option such an\n"
            "                          episode stays a cramp (for a cramp that waxes and\n"
            "                          wanes, or to compare); env_mod_ratio is still\n"
            "                          written, and the rules id (cramp batch) changes\n",
            d.onset_uv, d.onset_uv, d.cramp_min_s + d.lm_min_s, d.lm_max_s, d.cramp_min_s,
            d.env_mod_max);
    fputs("  --plm-rhythm-legs       opt-in (off by default): an LM of both legs is held\n"
          "                          to the PLM rhythm rule only past 8.25 s active, not\n"
          "                          5.5 s (the WASM's 15 s against 10 s for a bilateral\n"
          "                          LM: it spans the lag between the legs' onsets)\n",
          out);
    fputs("  --min-confidence X      write only episodes with confidence >= X (0-1);\n"
          "                          the summary counts those written\n"
          "  --threads N             threads for one recording (default: the saved\n"
          "                          tuning's, cramp tune, else the machine's cores):\n"
          "                          its channels split into parts of one SIMD\n"
          "                          vector (8 with AVX-512), each on a thread, while\n"
          "                          this one reads (2: this one reads and filters,\n"
          "                          the other runs the rest); the episodes are the\n"
          "                          same for any N\n"
          "  --quiet                 no summary or progress on stderr\n"
          "  --profile               time the stages (read, filter, envelope, baseline,\n"
          "                          segment, spectral, classify, output) and print\n"
          "                          them on stderr, with M samples/s and CPU share;\n"
          "                          with --json also as \"profile\" (without output)\n"
          "  --no-tuning             ignore the saved speed tuning (cramp tune); the\n"
          "                          episodes are the same either way\n"
          "  -h, --help              show this help\n"
          "\n"
          "Examples:\n"
          "  cramp synth --minutes 60 -o night.edf\n"
          "  cramp detect night.edf -o detected.tsv\n"
          "  cramp score night.events.tsv detected.tsv\n"
          "  cramp detect psg.edf --channels 'L-TA,R-TA' --mains 60 --json -o ev.json\n"
          "  cramp detect psg.edf --channels L-TA,R-TA,L-GAS  (TA 512 Hz, GAS 200 Hz)\n"
          "\n"
          "Exit status: 0 success, 1 failure (a file), 2 usage error.\n",
          out);
}

enum { OPT_KEEP_ANN = 240, OPT_DROP_ANN };
enum { OPT_JSON = 256, OPT_EDF, OPT_QUIET,
       OPT_MIN_CONF, OPT_CRAMP_RHYTHM_HALF,
       OPT_THREADS, OPT_PROFILE, OPT_NO_TUNING };

typedef struct detect_opts {
    const char *out, *edf_out;
    int json, quiet;
    double min_confidence;
    int drop_annotations; /* --drop-annotations */
    int all_channels;     /* --all-channels */
    cramp_night_options night; /* detect config (band, sparseness), mains */
    cli_input in;
    const char *threads_from; /* where night.threads came from: --threads, tuning, cores */
} detect_opts;

static void clock_text(double t, char *buf, size_t cap)
{
    long s = lround(t);
    snprintf(buf, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

/* Warnings before the run: slow channels skipped by default, a unit other
 * than uV. */
static void warn_channels(const cramp_rec_header *h, const char *path, const detect_opts *o,
                          const size_t *idx, size_t n)
{
    if (o->quiet) return;
    char skipped[400] = "";
    for (size_t c = 0; !o->in.channels && c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        if (ci->is_annotation || ci->fs >= CRAMP_NIGHT_MIN_FS_HZ) continue;
        size_t len = strlen(skipped);
        if (len + 1 < sizeof skipped)
            snprintf(skipped + len, sizeof skipped - len, "%s'%s' (%g Hz)", len ? ", " : "",
                     ci->label, ci->fs);
        if (strlen(skipped) + 1 >= sizeof skipped) memcpy(skipped + sizeof skipped - 4, "...", 4);
    }
    if (skipped[0])
        cli_note("warning: '%s': channels below %d Hz skipped (too slow for the sEMG band; "
                 "--channels chooses channels): %s",
                 path, CRAMP_NIGHT_MIN_FS_HZ, skipped);
    for (size_t c = 0; c < n; c++)
        if (strcmp(h->channels[idx[c]].unit, "uV") != 0) {
            cli_note("warning: '%s' channel '%s' is in %s, not uV: the microvolt margins of "
                     "the AASM rule assume uV (WAV: give --full-scale-uv)",
                     path, h->channels[idx[c]].label, h->channels[idx[c]].unit);
            break;
        }
}

static const char *clamped(const cramp_night_group *g, const detect_opts *o)
{
    const cramp_detect_config *d = &o->night.detect;
    return g->band_lo_hz != d->band_lo_hz || g->band_hi_hz != d->band_hi_hz
               ? " (clamped to the sampling rate)"
               : "";
}

static void print_summary(const char *path, const char *out_path, const detect_opts *o,
                          const char *const *lab, const cramp_night_result *r, double el)
{
    const cramp_detect_summary *s = &r->summary;
    const size_t C = r->n_channels, G = r->n_groups;
    if (G == 1) {
        const cramp_night_group *g0 = &r->group[0];
        fprintf(stderr,
                "%s: %s: %zu channel%s at %g Hz, %.2f h; band %g-%g Hz%s + %zu mains notch%s "
                "at %g Hz (%s), causal\n",
                cli_name(), path, C, C == 1 ? "" : "s", g0->fs, s->hours, g0->band_lo_hz,
                g0->band_hi_hz, clamped(g0, o), g0->notches, g0->notches == 1 ? "" : "es",
                r->mains_hz, r->mains_how);
    } else {
        fprintf(stderr, "%s: %s: %zu channels in %zu rate groups, %.2f h; mains %g Hz (%s), "
                "causal\n",
                cli_name(), path, C, G, s->hours, r->mains_hz, r->mains_how);
        for (size_t k = 0; k < G; k++) {
            const cramp_night_group *g = &r->group[k];
            fprintf(stderr, "  %g Hz: ", g->fs);
            for (size_t m = 0; m < g->n; m++)
                fprintf(stderr, "%s%s", m ? ", " : "", lab[g->member[m]]);
            fprintf(stderr, "; band %g-%g Hz%s + %zu mains notch%s\n", g->band_lo_hz,
                    g->band_hi_hz, clamped(g, o), g->notches, g->notches == 1 ? "" : "es");
        }
    }
    fprintf(stderr, "  cramps: %zu (%.2f per hour), total %.1f s, longest %.1f s", s->cramps,
            s->cramps_per_hour, s->cramp_total_s, s->cramp_longest_s);
    int first = 1;
    for (size_t i = 0; i < r->n_episodes; i++)
        if (r->episodes[i].type == CRAMP_EVENT_CRAMP) {
            char t[32];
            clock_text(r->episodes[i].onset_s, t, sizeof t);
            fprintf(stderr, "%s%s", first ? "; onsets at " : ", ", t);
            first = 0;
        }
    fprintf(stderr,
            "\n  PLM: %zu in %zu series, PLM index %.1f per hour; bursts %zu, movements %zu, "
            "artefacts %zu\n",
            s->plm, s->plm_series, s->plm_index, s->count[CRAMP_EVENT_BURST],
            s->count[CRAMP_EVENT_MOVEMENT], s->count[CRAMP_EVENT_ARTEFACT]);
    fprintf(stderr, "  %zu episodes -> %s%s%s; %.2f s (%.0f M samples/s)\n", r->n_episodes,
            strcmp(out_path, "-") ? out_path : "stdout", o->edf_out ? ", " : "",
            o->edf_out ? o->edf_out : "", el, el > 0 ? (double)r->samples / el / 1e6 : 0.0);
    /* What the driver ran, from its result: parts and worker threads per group. */
    if (o->night.threads)
        fprintf(stderr, "  threads: %zu (%s); ", o->night.threads, o->threads_from);
    else
        fprintf(stderr, "  threads: one per online core (%s); ", o->threads_from);
    for (size_t k = 0; k < G; k++)
        fprintf(stderr, "%s%g Hz: %zu part%s on %zu worker thread%s", k ? ", " : "",
                r->group[k].fs, r->group[k].parts, r->group[k].parts == 1 ? "" : "s",
                r->group[k].threads, r->group[k].threads == 1 ? "" : "s");
    fputc('\n', stderr);
}

static void show_progress(void *user, double fraction)
{
    cli_progress_update(user, fraction, 0);
}

/* Runs the night driver over one recording and writes its outputs. */
static int detect_file(const char *path, const char *out_path, const detect_opts *o)
{
    const double t_start = cli_now();
    cramp_recording *rec = NULL;
    cramp_recording_options ro;
    cramp_recording_options_default(&ro);
    cli_input_options(&o->in, &ro);
    /* an EDF+'s TALs parsed as the run reads its records (not in a pass at
       open, before the threads start); the run reads every record */
    ro.tals_as_read = 1;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_recording_open(&rec, path, &ro, &err);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
        cli_input_hint(err.message);
        return CLI_FAIL;
    }
    const cramp_rec_header *h = cramp_recording_header(rec);
    cramp_night_result r;
    memset(&r, 0, sizeof r);
    cli_output out, edf;
    memset(&out, 0, sizeof out);
    memset(&edf, 0, sizeof edf);
    int rc = CLI_FAIL;
    size_t idx[CRAMP_DETECT_MAX_CHANNELS], n = 0;
    cramp_night_options opt = o->night;
    opt.name = path;
    if (cli_input_check(&o->in, h, path) != CLI_OK) goto done;
    if (detect_choose_channels(rec, path, o->in.channels, o->all_channels, o->quiet, &opt,
                               idx) != CLI_OK)
        goto done;
    const size_t warned = h->n_warnings;
    if (!o->quiet)
        for (size_t i = 0; i < warned; i++) cli_note("warning: %s", h->warnings[i]);
    warn_channels(h, path, o, idx, n);
    cli_progress prog;
    cli_progress_init(&prog, o->quiet);
    opt.progress = show_progress;
    opt.progress_user = &prog;
    st = cramp_night_run_recording(rec, &opt, &r, &err);
    cli_progress_done(&prog);
    /* the warnings the run's TALs gave */
    if (!o->quiet)
        for (size_t i = warned; i < h->n_warnings; i++) cli_note("warning: %s", h->warnings[i]);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message);
        goto done;
    }
    if (o->min_confidence > 0) {
        size_t kept = 0;
        for (size_t i = 0; i < r.n_episodes; i++)
            if (r.episodes[i].confidence >= o->min_confidence) r.episodes[kept++] = r.episodes[i];
        r.n_episodes = kept;
        cramp_detect_summarize(r.episodes, kept, r.summary.hours * 3600.0, &r.summary);
    }
    const char *lab[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t c = 0; c < r.n_channels; c++) lab[c] = h->channels[r.channel_index[c]].label;
    const double t_out = cli_now();
    if (cli_output_open_text(&out, out_path) != CLI_OK) goto done;
    if (o->json)
        detect_write_json(out.fp, path, lab, &r);
    else
        detect_write_tsv(out.fp, lab, &r);
    if (o->edf_out) {
        if (cli_output_open_raw(&edf, o->edf_out) != CLI_OK) goto done;
        if (detect_write_edf(path, &edf, lab, &r, o->drop_annotations) != CLI_OK) goto done;
    }
    /* the table and the annotated copy: both or neither */
    cli_output *const outs[2] = {&out, &edf};
    if (cli_output_commit_all(outs, o->edf_out ? 2 : 1) != CLI_OK) goto done;
    if (opt.profile) {
        r.profile.wall_s[CRAMP_STAGE_OUTPUT] = cli_now() - t_out;
        cmd_detect_print_profile(stderr, &r.profile);
        /* where the threads' time went: the longer CPU time is the critical
           path, a wait names the side that idled */
        for (size_t k = 0; k < r.n_groups; k++)
            fprintf(stderr,
                    "  threads (%g Hz): %zu part%s, %zu worker%s; calling thread CPU %.4f s, "
                    "waited %.4f s for a free block; workers CPU %.4f s, waited %.4f s for "
                    "a block\n",
                    r.group[k].fs, r.group[k].parts, r.group[k].parts == 1 ? "" : "s",
                    r.group[k].threads, r.group[k].threads == 1 ? "" : "s",
                    r.group[k].reader_cpu_s, r.group[k].reader_wait_s, r.group[k].worker_cpu_s,
                    r.group[k].worker_wait_s);
    }
    if (!o->quiet) print_summary(path, out_path, o, lab, &r, cli_now() - t_start);
    rc = CLI_OK;
done:
    cli_output_abort(&out);
    cli_output_abort(&edf);
    cramp_night_result_free(&r);
    cramp_recording_close(rec);
    return rc;
}

int cmd_detect(int argc, char *argv[])
{
    struct option longopts[64] = {
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, OPT_JSON},
        {"keep-annotations", no_argument, NULL, OPT_KEEP_ANN},
        CLI_INPUT_TEXT_LONGOPTS,
        {"drop-annotations", no_argument, NULL, OPT_DROP_ANN},
        {"edf-annotations", required_argument, NULL, OPT_EDF},
        DETECT_OPTION_LONGOPTS,
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"profile", no_argument, NULL, OPT_PROFILE},
        {"cramp-rhythm-half", required_argument, NULL, OPT_CRAMP_RHYTHM_HALF},
        {"min-confidence", required_argument, NULL, OPT_MIN_CONF},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"no-tuning", no_argument, NULL, OPT_NO_TUNING},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    detect_opts o;
    memset(&o, 0, sizeof o);
    cramp_night_options_default(&o.night);
    o.night.threads = 0; /* one per core, unless --threads or the tuning says */
    int no_tuning = 0, threads_given = 0;
    opterr = 0;
    optind = 1;
    int c;
    detect_add_switch_longopts(longopts, sizeof longopts / sizeof longopts[0]);
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_detect_help(stdout); return CLI_OK;
        case 'o': o.out = optarg; break;
        case OPT_JSON: o.json = 1; break;
        case OPT_KEEP_ANN: o.drop_annotations = 0; break;
        case CLI_OPT_INPUT_FS:
        case CLI_OPT_INPUT_UNIT:
            if (cli_input_text_option(&o.in, c, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case OPT_DROP_ANN: o.drop_annotations = 1; break;
        case OPT_EDF: o.edf_out = optarg; break;
        case OPT_QUIET: o.quiet = 1; break;
        case OPT_CRAMP_RHYTHM_HALF:
            if (!strcmp(optarg, "series"))
                o.night.detect.cramp_rhythm_rule = 2;
            else if (!strcmp(optarg, "after"))
                o.night.detect.cramp_rhythm_rule = 3;
            else
                return cli_usage_error("--cramp-rhythm-half wants series or after, not '%s'",
                                       optarg);
            break;
        case OPT_PROFILE: o.night.profile = 1; break;
        case OPT_NO_TUNING: no_tuning = 1; break;
        case OPT_MIN_CONF: {
            char *end = NULL;
            double v = strtod(optarg, &end);
            if (!end || end == optarg || *end || !(v >= 0 && v <= 1))
                return cli_usage_error("--min-confidence wants a number in [0, 1], not '%s'",
                                       optarg);
            o.min_confidence = v;
            break;
        }
        case OPT_THREADS:
            if (detect_parse_threads("--threads", optarg, &o.night) != CLI_OK)
                return CLI_USAGE;
            threads_given = 1;
            break;
        default: {
            const int rc = detect_option(c, optarg, &o.night, &o.in, &o.all_channels);
            if (rc == DETECT_OPT_NONE) return cli_bad_option(argv, c);
            if (rc != CLI_OK) return rc;
        }
        }
    }
    const int nfiles = argc - optind;
    if (nfiles < 1) return cli_usage_error("give a recording (EDF/BDF/WAV) to detect in");
    cli_tuning_apply(&o.night, no_tuning, o.quiet);
    /* An explicit --threads wins, else the tuning's count, else the cores. */
    const char *threads_from = threads_given ? "--threads" : "cores";
    if (!threads_given && cli_tuning_threads()) {
        o.night.threads = cli_tuning_threads();
        threads_from = "tuning";
    }
    o.threads_from = threads_from;
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

