/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "cramp/status.h"
#include "core/internal.h"

#ifndef CRAMP_VERSION_STRING
#define CRAMP_VERSION_STRING "0.0.0"
#endif

const char *cramp_strerror(cramp_status s)
{
    switch (s) {
    case CRAMP_OK: return "success";
    case CRAMP_EINVAL: return "invalid argument";
    case CRAMP_ENOMEM: return "out of memory";
    case CRAMP_ERANGE: return "value out of range";
    case CRAMP_EIO: return "input/output error";
    case CRAMP_EFORMAT: return "malformed file";
    case CRAMP_EUNSUPPORTED: return "not supported";
    }
    return "unknown status";
}

const char *cramp_version_string(void) { return CRAMP_VERSION_STRING; }

cramp_status cramp__fail(cramp_error *err, cramp_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}
