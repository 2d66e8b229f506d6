/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the export macro. CRAMP_API marks the library's public functions:
 * the library is built with -fvisibility=hidden, so only what carries it is
 * exported from libcramp.so. Consumers need do nothing. */
#ifndef CRAMP_EXPORT_H
#define CRAMP_EXPORT_H

#if defined(CRAMP_BUILDING_LIBRARY) && defined(__GNUC__)
#define CRAMP_API __attribute__((visibility("default")))
#else
#define CRAMP_API
#endif

#endif
