/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mains comb's loop compiled for AVX512 (no FMA: the same bits as the
 * plain build; dsp/comb_span.inc). */
#define CRAMP__COMB_SPAN cramp__comb_span_avx512
#include "dsp/comb_span.inc"
