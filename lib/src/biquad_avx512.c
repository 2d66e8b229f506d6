/* PLACEHOLDER until the AVX-512 kernel lands: forwards to the scalar path. */
#include "internal.h"
void cramp__biquad_avx512(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames)
{
    cramp__biquad_scalar(sos, n_sec, st, channels, in, out, step, frames);
}
