/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: SIMD path selection. The path is detected once (thread-safe) and
 * stored in each object at create time. */
#ifndef CRAMP_SIMD_H
#define CRAMP_SIMD_H

#include "cramp/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cramp_simd {
    CRAMP_SIMD_AUTO = 0,  /* the best path this CPU and build support */
    CRAMP_SIMD_SCALAR,    /* plain C, the reference every other path is tested against */
    CRAMP_SIMD_AVX2,      /* x86-64 AVX2 + FMA, 4 double lanes */
    CRAMP_SIMD_AVX512     /* x86-64 AVX-512F/VL, 8 double lanes */
} cramp_simd;

/* The best path available here (never AUTO). Thread-safe. */
CRAMP_API cramp_simd cramp_simd_best(void);

/* Whether path s was compiled in and this CPU runs it (AUTO and SCALAR: 1). */
CRAMP_API int cramp_simd_available(cramp_simd s);

/* "auto", "scalar", "avx2", "avx512"; never NULL. */
CRAMP_API const char *cramp_simd_name(cramp_simd s);

/* Parses a name as above; returns 0 and sets *out on success, -1 otherwise. */
CRAMP_API int cramp_simd_parse(const char *name, cramp_simd *out);

#ifdef __cplusplus
}
#endif

#endif
