/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The defaults that `cramp CMD --help` states are the library's: each check
 * below formats a value of a *_default() configuration (cramp_detect_config,
 * cramp_envelope_config, cramp_spectral_config, cramp_score_config,
 * cramp_scenario) as the help prints it and looks for it in the help text
 * after an anchor (an option line, or a phrase of a paragraph), up to the
 * next option line.
 * A default typed into the help as a literal goes stale when the library's
 * changes; this test then fails.
 * Usage: test_cli_help_defaults PATH/TO/cramp */
#define _POSIX_C_SOURCE 200809L /* popen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/cramp.h"
#include "testutil.h"

typedef struct check {
    const char *cmd;    /* cramp CMD --help */
    const char *anchor; /* where the default is stated: "  --OPTION" at the
                           start of a line, or a phrase anywhere */
    char want[96];      /* the text, with the library's value */
} check;

/* The help of one command, malloc'd; NULL (and a failure) if it cannot be run. */
static char *help_of(const char *cramp, const char *cmd)
{
    char line[4096];
    if (strchr(cramp, '\'')) {
        CHECK(0, "the path of cramp holds a quote: %s", cramp);
        return NULL;
    }
    snprintf(line, sizeof line, "'%s' %s --help", cramp, cmd);
    FILE *p = popen(line, "r");
    if (!p) {
        CHECK(0, "cannot run %s", line);
        return NULL;
    }
    size_t n = 0, cap = 1 << 16;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) free(s);
            s = t;
        }
    }
    int status = pclose(p);
    if (!s) return NULL;
    s[n] = '\0';
    CHECK(status == 0 && n > 0, "'%s' exits with status %d after %zu bytes", line, status, n);
    return s;
}

/* The anchor in the help: one starting with a space only at a line's start
 * (so "  --band LO-HI" is the option's line, not the usage line's). */
static const char *find_anchor(const char *help, const char *anchor)
{
    for (const char *at = strstr(help, anchor); at; at = strstr(at + 1, anchor))
        if (anchor[0] != ' ' || at == help || at[-1] == '\n') return at;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH/TO/cramp\n", argv[0]);
        return 2;
    }
    cramp_detect_config dc;
    cramp_envelope_config ec;
    cramp_spectral_config sc;
    cramp_score_config oc;
    cramp_scenario night;
    cramp_detect_config_default(&dc);
    cramp_envelope_config_default(&ec);
    cramp_spectral_config_default(&sc);
    cramp_score_config_default(&oc);
    cramp_scenario_default(&night);

    check c[32];
    size_t n = 0;
#define ADD(CMD, ANCHOR, ...)                                                \
    do {                                                                     \
        c[n].cmd = CMD;                                                      \
        c[n].anchor = ANCHOR;                                                \
        snprintf(c[n].want, sizeof c[n].want, __VA_ARGS__);                  \
        n++;                                                                 \
    } while (0)
    ADD("detect", "  cramp     sustained", ">= %g s on one muscle", dc.cramp_min_s);
    ADD("detect", "  plm       a ", "%g-%g s leg movement in a series of >= %zu", dc.lm_min_s,
        dc.lm_max_s, dc.plm_min_count);
    ADD("detect", "onset at rest", "max(%g uV, %g x rest)", dc.onset_uv, dc.onset_k);
    ADD("detect", "  --mains 50|60|auto|none", "takes %g Hz", dc.mains_hz);
    ADD("detect", "  --band LO-HI", "(default %g-%g)", dc.band_lo_hz, dc.band_hi_hz);
    ADD("detect", "  --sparseness-rule ", "kurtosis < %g", dc.sparse_kurtosis);
    ADD("detect", "  --voluntary-rule ", "within %g s", dc.stretch_window_s);
    ADD("detect", "  --no-env-mod ", "above %g, is a movement", dc.env_mod_max);
    ADD("envelope", "  --window SECONDS", "(default %g)", ec.window_s);
    ADD("envelope", "  --lowpass HZ", "(default %g)", ec.lowpass_hz);
    ADD("fatigue", "  --epoch SECONDS", "(default %g)", sc.epoch_s);
    ADD("fatigue", "  --segment SECONDS", "(default %g)", sc.segment_s);
    ADD("fatigue", "  --window NAME", "default %g)", sc.tukey_alpha);
    ADD("fatigue", "  --finsm5-band LO-HI", "(default %g-%g;", sc.finsm5_band.lo_hz,
        sc.finsm5_band.hi_hz);
    ADD("score", "  --min-iou X", "(default %g)", oc.min_iou);
    ADD("plot", "  episode RECORDING", "(%g-%g Hz, as the", dc.band_lo_hz, dc.band_hi_hz);
    ADD("plot", "  episode RECORDING", "its %g-s RMS envelope", dc.env_window_s);
    ADD("synth", "built-in default night", "default.scenario: %g h,", night.duration_min / 60);
    ADD("synth", "built-in default night", "%zu channels", night.channels);
    ADD("synth", "built-in default night", "at %g Hz)", night.fs);
#undef ADD

    const char *cmd = NULL;
    char *help = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!cmd || strcmp(cmd, c[i].cmd) != 0) {
            free(help);
            cmd = c[i].cmd;
            help = help_of(argv[1], cmd);
        }
        if (!help) continue;
        const char *at = find_anchor(help, c[i].anchor);
        CHECK(at, "cramp %s --help: '%s' not found (reworded? update this test)", cmd,
              c[i].anchor);
        if (!at) continue;
        /* the anchor's option or paragraph: up to the next option line */
        const char *end = strstr(at + strlen(c[i].anchor), "\n  -");
        size_t len = end ? (size_t)(end - at) : strlen(at);
        char *part = malloc(len + 1);
        if (!part) continue;
        memcpy(part, at, len);
        part[len] = '\0';
        CHECK(strstr(part, c[i].want), "cramp %s --help at '%s': says not '%s' (the library's "
              "default); it says:\n%.400s", cmd, c[i].anchor, c[i].want, part);
        free(part);
    }
    free(help);
    printf("help_defaults: %zu defaults checked\n", n);
    return cramp_test_finish("cli_help_defaults");
}
