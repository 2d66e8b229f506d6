/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the simulator's api tests (synth.c, synth_variants.c): a
 * simulator made from a base scenario text and the test's own lines. */
#ifndef CRAMP_TEST_SYNTH_MAKE_H
#define CRAMP_TEST_SYNTH_MAKE_H

#include <string.h>

#include "cramp/synth.h"
#include "testutil.h"

/* The simulator of the default scenario with base's lines, then extra's
   (NULL: none) parsed over it; NULL, after a failed CHECK naming the
   parser's or the simulator's message, when either is refused. The caller
   destroys it (cramp_synth_destroy). */
static inline cramp_synth *synth_make(const char *base, const char *extra)
{
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    memset(&err, 0, sizeof err);
    if (cramp_scenario_parse(&sc, base, &err) != CRAMP_OK ||
        (extra && cramp_scenario_parse(&sc, extra, &err) != CRAMP_OK)) {
        CHECK(0, "scenario: %s", err.message);
        return NULL;
    }
    cramp_synth *s = NULL;
    CHECK(cramp_synth_create(&s, &sc, &err) == CRAMP_OK, "create: %s", err.message);
    return s;
}

#endif
