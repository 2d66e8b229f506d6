/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_spectral's loops compiled with -mavx2 (and deliberately without FMA,
 * so that the results stay bit-identical to the baseline path). */
#include "dsp/spectral_kernels.h"

#define CRAMP__SPEC_KERNELS cramp__spec_kernels_avx2
#include "dsp/spectral_kernels.inc"
