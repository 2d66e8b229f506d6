/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_envelope's window loops in plain C, for any CPU, and the choice of
 * loops for a SIMD path. */
#include "dsp/envelope_kernels.h"

#define CRAMP__ENV_KERNELS cramp__env_kernels_base
#include "dsp/envelope_kernels.inc"

const cramp__env_kernels *cramp__env_kernels_for(cramp_simd path)
{
    (void)path;
#if defined(CRAMP_HAVE_X86_KERNELS)
    return &cramp__env_kernels_sse2;
#else
    return &cramp__env_kernels_base;
#endif
}
