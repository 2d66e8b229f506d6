/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shared vocabulary's names (cramp/types.h). */
#include "cramp/types.h"

static const char *const type_names[CRAMP_EVENT_TYPES] = {"cramp", "plm",      "burst",
                                                          "movement", "artefact", "hft",
                                                          "alma",  "fragmentary"};
static const char *const muscle_names[CRAMP_MUSCLE_KINDS] = {"ta",   "gas",   "sol",
                                                             "foot", "thigh", "other"};

const char *cramp_event_type_name(cramp_event_type t)
{
    return (unsigned)t < CRAMP_EVENT_TYPES ? type_names[t] : "unknown";
}

const char *cramp_muscle_kind_name(cramp_muscle_kind k)
{
    return (unsigned)k < CRAMP_MUSCLE_KINDS ? muscle_names[k] : "other";
}
