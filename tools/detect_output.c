/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The per-night outputs of cramp detect, written by cramp detect and cramp
 * batch alike (detect_output.h): the events table, the JSON summary and the
 * EDF+ annotated copy. Each format exists here once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_detect.h"
#include "detect_output.h"

/* What every annotation cramp detect adds ends with (before "@@channel"). */
#define DETECTED_SUFFIX " (detected)"

static void labels_of(const char *const *ch, size_t C, uint32_t mask, char *buf, size_t cap)
{
    buf[0] = 0;
    for (size_t c = 0; c < C; c++) {
        if (!(mask >> c & 1u)) continue;
        if (buf[0]) strncat(buf, ",", cap - strlen(buf) - 1);
        strncat(buf, ch[c], cap - strlen(buf) - 1);
    }
}

/* The numeric columns of an episode, in output order (TSV and JSON). */
#define N_MEASURES 20
static const char *const measure_names[N_MEASURES] = {
    "rms_uv",       "rest_uv",        "rms_x_rest",   "peak_uv",       "mnf_start_hz",
    "mnf_end_hz",   "mdf_start_hz",   "mdf_end_hz",   "mnf_slope_hz_s", "lf_ratio",
    "kurtosis",     "clip_fraction",  "flat_fraction", "prev_interval_s", "next_interval_s",
    "tonic_fraction", "bursts",       "rises",        "rise_cv",       "confidence"};

static void measures(const cramp_episode *e, double v[N_MEASURES])
{
    const double m[N_MEASURES] = {e->rms_uv,       e->rest_uv,         e->rms_x_rest,
                                  e->peak_uv,      e->mnf_start_hz,    e->mnf_end_hz,
                                  e->mdf_start_hz, e->mdf_end_hz,      e->mnf_slope_hz_s,
                                  e->lf_ratio,     e->kurtosis,        e->clip_fraction,
                                  e->flat_fraction, e->prev_interval_s, e->next_interval_s,
                                  e->tonic_fraction, (double)e->bursts, (double)e->rises,
                                  e->rise_cv, e->confidence};
    memcpy(v, m, sizeof m);
}

/* Measures added later, after "series" and "reason" (the TSV's last columns,
 * so a reader by position still finds the earlier ones where they were; the
 * JSON keeps the same order). */
#define N_LATE 2
static const char *const late_names[N_LATE] = {"precursor_s", "env_mod_ratio"};

static void late_measures(const cramp_episode *e, double v[N_LATE])
{
    v[0] = e->precursor_s;   /* 0 when nothing was cut (or not an EMG episode) */
    v[1] = e->env_mod_ratio; /* NaN when not measured: n/a / null */
}

void detect_write_tsv(FILE *f, const char *const *ch, const cramp_night_result *r)
{
    const size_t C = r->n_channels, n = r->n_episodes;
    const cramp_episode *ep = r->episodes;
    fputs("onset\tduration\ttrial_type\tchannel\tmain_channel", f);
    for (size_t k = 0; k < N_MEASURES; k++) fprintf(f, "\t%s", measure_names[k]);
    fputs("\tseries\treason", f);
    for (size_t k = 0; k < N_LATE; k++) fprintf(f, "\t%s", late_names[k]);
    fputc('\n', f);
    char lab[1024];
    for (size_t i = 0; i < n; i++) {
        const cramp_episode *e = &ep[i];
        labels_of(ch, C, e->channels, lab, sizeof lab);
        fprintf(f, "%.3f\t%.3f\t%s\t%s\t%s", e->onset_s, e->duration_s,
                cramp_event_type_name(e->type), lab, ch[e->main_channel]);
        double v[N_MEASURES];
        measures(e, v);
        for (size_t k = 0; k < N_MEASURES; k++) {
            fputc('\t', f);
            cli_put_number(f, v[k], 0, 6);
        }
        if (e->series)
            fprintf(f, "\t%d", e->series);
        else
            fputs("\tn/a", f);
        fprintf(f, "\t%s", e->reason ? e->reason : "n/a");
        double w[N_LATE];
        late_measures(e, w);
        for (size_t k = 0; k < N_LATE; k++) {
            fputc('\t', f);
            cli_put_number(f, w[k], 0, 6);
        }
        fputc('\n', f);
    }
}

static void put_json_labels(FILE *f, const char *const *ch, const size_t *which, size_t n)
{
    fputc('[', f);
    for (size_t k = 0; k < n; k++) {
        fputs(k ? ", " : "", f);
        cli_json_string(f, ch[which ? which[k] : k]);
    }
    fputc(']', f);
}

/* One rate group: the settings as before ("fs_hz", "band_hz" at the top).
 * Several: those two are null and "rate_groups" gives each group's rate,
 * channels and band. */
void detect_write_json(FILE *f, const char *path, const char *const *ch,
                       const cramp_night_result *r)
{
    const size_t C = r->n_channels, G = r->n_groups, n = r->n_episodes;
    const cramp_night_group *g = r->group;
    const cramp_episode *ep = r->episodes;
    const cramp_detect_summary *s = &r->summary;
    fputs("{\"file\": ", f);
    cli_json_string(f, path);
    if (G == 1) {
        fprintf(f, ", \"fs_hz\": %g, \"channels\": ", g[0].fs);
        put_json_labels(f, ch, NULL, C);
        fprintf(f, ", \"band_hz\": [%g, %g]", g[0].band_lo_hz, g[0].band_hi_hz);
    } else {
        fputs(", \"fs_hz\": null, \"channels\": ", f);
        put_json_labels(f, ch, NULL, C);
        fputs(", \"band_hz\": null, \"rate_groups\": [", f);
        for (size_t k = 0; k < G; k++) {
            fprintf(f, "%s{\"fs_hz\": %g, \"channels\": ", k ? ", " : "", g[k].fs);
            put_json_labels(f, ch, g[k].member, g[k].n);
            fprintf(f, ", \"band_hz\": [%g, %g]}", g[k].band_lo_hz, g[k].band_hi_hz);
        }
        fputc(']', f);
    }
    /* which rules made the table (cramp_detect_rules_id: fs and the SIMD path
       do not enter it, so every rate group gives the same) and which cramp */
    char rules[CRAMP_DETECT_RULES_ID_SIZE];
    if (!cramp_detect_rules_id(&g[0].cfg, rules)) snprintf(rules, sizeof rules, "unknown");
    fprintf(f, ", \"mains_hz\": %g, \"filter\": \"causal\", \"sparseness\": %s, "
               "\"rules_id\": \"%s\", \"cramp_version\": \"%s\",\n",
            r->mains_hz, g[0].cfg.sparse_block_s > 0 ? "true" : "false", rules,
            cramp_version_string());
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
        cli_json_string(f, ch[e->main_channel]);
        double v[N_MEASURES];
        measures(e, v);
        for (size_t k = 0; k < N_MEASURES; k++) {
            fprintf(f, ", \"%s\": ", measure_names[k]);
            cli_put_number(f, v[k], 1, 6);
        }
        fprintf(f, ", \"series\": %d, \"reason\": ", e->series);
        cli_json_string(f, e->reason ? e->reason : "");
        double w[N_LATE];
        late_measures(e, w);
        for (size_t k = 0; k < N_LATE; k++) {
            fprintf(f, ", \"%s\": ", late_names[k]);
            cli_put_number(f, w[k], 1, 6);
        }
        fputc('}', f);
    }
    fputs("\n]", f);
    if (r->profile.total_wall_s > 0) { /* --profile */
        fputs(",\n \"profile\": ", f);
        cmd_detect_json_profile(f, &r->profile);
    }
    fputs("}\n", f);
}

int detect_write_edf(const char *path, cli_output *edf, const char *const *lab,
                     const cramp_night_result *r, int drop_own)
{
    const size_t ne = r->n_episodes, C = r->n_channels;
    cramp_annotation *ann = calloc(ne ? ne : 1, sizeof *ann);
    char *text = calloc(ne ? ne : 1, 1024);
    char *desc = calloc(ne ? ne : 1, 64);
    int rc = CLI_FAIL;
    if (!ann || !text || !desc) {
        cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < ne; i++) {
        labels_of(lab, C, r->episodes[i].channels, text + 1024 * i, 1024);
        ann[i].onset_s = r->episodes[i].onset_s;
        ann[i].duration_s = r->episodes[i].duration_s;
        snprintf(desc + 64 * i, 64, "%s" DETECTED_SUFFIX, cramp_event_type_name(r->episodes[i].type));
        ann[i].text = desc + 64 * i;
        ann[i].channel = text + 1024 * i;
    }
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_edf_copy_annotated_to(path, edf->out, ann, ne, &err) != CRAMP_OK)
        cli_fail("%s", err.message);
    else if (drop_own)
        rc = cli_edf_keep_only_annotations(edf, DETECTED_SUFFIX);
    else
        rc = CLI_OK;
done:
    free(desc);
    free(text);
    free(ann);
    return rc;
}

