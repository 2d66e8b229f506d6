/* cramp_spectral's loops for any CPU (baseline x86-64: SSE2). */
#include "spectral_kernels.h"

#define CRAMP__SPEC_KERNELS cramp__spec_kernels_base
#include "spectral_kernels.inc"
