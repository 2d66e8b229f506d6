/* SPDX-License-Identifier: GPL-3.0-or-later */
/* plain-detect: the plain baseline (plain_detector.h) on one simulated night,
 * for tests/bench/plain_twin.sh, which runs bench/plain_detector.py on the same
 * samples and compares the events.
 *
 * Usage: plain-detect SCENARIO [--seed S] [--minutes M] [--fs F] --raw OUT.f32 -o EVENTS.tsv
 * Writes the night as raw interleaved float32 (native byte order, uV), the
 * events as TSV (onset, duration, trial_type, channel = channel indices
 * 0-based, comma-separated) and, on stderr, one line "fs=F channels=C". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
#include "plain_detector.h"

int main(int argc, char **argv)
{
    const char *scen = NULL, *raw = NULL, *outp = NULL;
    long long seed = -1;
    double minutes = 0, fs_arg = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--minutes") && i + 1 < argc) minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--fs") && i + 1 < argc) fs_arg = atof(argv[++i]);
        else if (!strcmp(argv[i], "--raw") && i + 1 < argc) raw = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) outp = argv[++i];
        else if (argv[i][0] != '-' && !scen) scen = argv[i];
        else {
            fprintf(stderr, "usage: plain-detect SCENARIO [--seed S] [--minutes M] [--fs F] --raw OUT.f32 "
                            "-o EVENTS.tsv\n");
            return 2;
        }
    }
    if (!scen || !raw || !outp) {
        fprintf(stderr, "plain-detect: give SCENARIO, --raw and -o\n");
        return 2;
    }
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_scenario_load(&sc, scen, &err) != CRAMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (seed >= 0) sc.seed = (uint64_t)seed;
    if (minutes > 0) sc.duration_min = minutes;
    if (fs_arg > 0) sc.fs = fs_arg;
    cramp_synth *s = NULL;
    if (cramp_synth_create(&s, &sc, &err) != CRAMP_OK) {
        fprintf(stderr, "synth: %s\n", err.message);
        return 1;
    }
    size_t C = cramp_synth_channels(s);
    double fs = cramp_synth_fs(s);
    plain_config pc;
    plain_config_default(&pc);
    plain_detector *pd = plain_detector_create(C, fs, &pc, &err);
    FILE *fr = fopen(raw, "wb");
    float *buf = malloc(4096 * C * sizeof *buf);
    if (!pd || !fr || !buf) {
        fprintf(stderr, "plain-detect: setup failed\n");
        return 1;
    }
    size_t n;
    while ((n = cramp_synth_generate(s, buf, 4096)) > 0) {
        if (fwrite(buf, sizeof *buf * C, n, fr) != n || plain_detector_process(pd, buf, n)) {
            fprintf(stderr, "plain-detect: write or detect failed\n");
            return 1;
        }
    }
    if (fclose(fr)) return 1;
    plain_event *ev = NULL;
    size_t ne = 0;
    if (plain_detector_finish(pd, &ev, &ne)) return 1;
    FILE *fo = fopen(outp, "w");
    if (!fo) return 1;
    fprintf(fo, "onset\tduration\ttrial_type\tchannel\n");
    for (size_t i = 0; i < ne; i++) {
        fprintf(fo, "%.4f\t%.4f\t%s\t", ev[i].onset_s, ev[i].duration_s,
                plain_class_name(ev[i].cls));
        int first = 1;
        for (size_t c = 0; c < C; c++)
            if (ev[i].channels >> c & 1u) {
                fprintf(fo, "%s%zu", first ? "" : ",", c);
                first = 0;
            }
        fprintf(fo, "\n");
    }
    if (fclose(fo)) return 1;
    fprintf(stderr, "fs=%g channels=%zu", fs, C);
    for (size_t c = 0; c < C; c++) fprintf(stderr, " thr%zu=%.4f", c, plain_detector_threshold(pd, c));
    fprintf(stderr, "\n");
    free(ev);
    free(buf);
    plain_detector_destroy(pd);
    cramp_synth_destroy(s);
    return 0;
}
