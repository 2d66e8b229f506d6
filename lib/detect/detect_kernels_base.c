/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's per-sample loops for any CPU: the plain C path every
 * SIMD path is tested against (tests/unit/detect/detect_simd.c). */
#define CRAMP__DETECT_KERNELS cramp__detect_kernels_base
#include "detect/detect_kernels.inc"
