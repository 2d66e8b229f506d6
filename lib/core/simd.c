/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Run-time choice of SIMD path: detected once, kept in each object. */
#include <string.h>

#include "core/internal.h"

#if defined(CRAMP_HAVE_X86_KERNELS) && (defined(__x86_64__) || defined(__i386__))
static int cpu_has(cramp_simd s)
{
    /* __builtin_cpu_supports reads data filled once by the runtime's
     * constructor, so it is thread-safe after program start. It also checks
     * that the OS saves the wide registers (XGETBV). */
    __builtin_cpu_init();
    switch (s) {
    case CRAMP_SIMD_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CRAMP_SIMD_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default:
        return 1;
    }
}
#else
static int cpu_has(cramp_simd s) { return s == CRAMP_SIMD_SCALAR || s == CRAMP_SIMD_AUTO; }
#endif

int cramp_simd_available(cramp_simd s)
{
    switch (s) {
    case CRAMP_SIMD_AUTO:
    case CRAMP_SIMD_SCALAR: return 1;
    case CRAMP_SIMD_AVX2:
    case CRAMP_SIMD_AVX512: return cpu_has(s);
    }
    return 0;
}

cramp_simd cramp_simd_best(void)
{
    if (cramp_simd_available(CRAMP_SIMD_AVX512)) return CRAMP_SIMD_AVX512;
    if (cramp_simd_available(CRAMP_SIMD_AVX2)) return CRAMP_SIMD_AVX2;
    return CRAMP_SIMD_SCALAR;
}

const char *cramp_simd_name(cramp_simd s)
{
    switch (s) {
    case CRAMP_SIMD_AUTO: return "auto";
    case CRAMP_SIMD_SCALAR: return "scalar";
    case CRAMP_SIMD_AVX2: return "avx2";
    case CRAMP_SIMD_AVX512: return "avx512";
    }
    return "unknown";
}

int cramp_simd_parse(const char *name, cramp_simd *out)
{
    static const cramp_simd all[] = {CRAMP_SIMD_AUTO, CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2,
                                     CRAMP_SIMD_AVX512};
    if (!name || !out) return -1;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, cramp_simd_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

cramp_status cramp__simd_resolve(cramp_simd s, cramp_simd *out)
{
    if (s == CRAMP_SIMD_AUTO) s = cramp_simd_best();
    if (s != CRAMP_SIMD_SCALAR && s != CRAMP_SIMD_AVX2 && s != CRAMP_SIMD_AVX512)
        return CRAMP_EINVAL;
    if (!cramp_simd_available(s)) return CRAMP_EUNSUPPORTED;
    *out = s;
    return CRAMP_OK;
}
