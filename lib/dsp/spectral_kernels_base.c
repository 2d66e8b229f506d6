/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_spectral's loops for any CPU (baseline x86-64: SSE2). */
#include "dsp/spectral_kernels.h"

#define CRAMP__SPEC_KERNELS cramp__spec_kernels_base
#include "dsp/spectral_kernels.inc"
