/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h12r: the ground truth of a scenario, for diffing two simulator builds (truth-diff-*-h12r.txt).
 * cc -O1 -ILIB/include -IBUILD/lib/include h12r-truth.c BUILD/lib/libcramp.a -lgsl -lgslcblas -lm -lpthread
 * Usage: a.out SCENARIO SEED [key=value[,value] ...] (the variants file's overrides) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cramp/synth.h"
int main(int argc, char **argv)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_scenario_load(&sc, argv[1], &err) != CRAMP_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
    char buf[8192] = "";
    for (int i = 3; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        *eq = ' ';
        for (char *p = eq; *p; p++) if (*p == ',') *p = ' ';
        strcat(buf, argv[i]); strcat(buf, "\n");
    }
    if (cramp_scenario_parse(&sc, buf, &err) != CRAMP_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
    sc.seed = strtoull(argv[2], NULL, 10);
    cramp_synth *s;
    if (cramp_synth_create(&s, &sc, &err) != CRAMP_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
    const cramp_synth_event *e = cramp_synth_events(s);
    for (size_t i = 0; i < cramp_synth_event_count(s); i++)
        printf("%.4f\t%.4f\t%s\t%s\t%s\n", e[i].onset_s, e[i].duration_s, cramp_synth_kind_name(e[i].kind), e[i].channel, e[i].detail);
    cramp_synth_destroy(s);
    return 0;
}
