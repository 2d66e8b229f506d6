/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plain C biquad cascade: the reference path every SIMD kernel is checked
 * against. One channel at a time, sections in groups of up to four so that
 * their recurrences overlap in the pipeline (a single section is bound by the
 * latency of its own feedback), with the group's state held in locals. */
#include "dsp/internal.h"

/* Transposed direct form II, in the order scipy's sosfilt uses:
 *   y = b0 x + z0;  z0 = b1 x - a1 y + z1;  z1 = b2 x - a2 y. */
#define SECTION(k)                                              \
    do {                                                        \
        const double y_ = q[k].b0 * v + z0_##k;                 \
        z0_##k = q[k].b1 * v - q[k].a1 * y_ + z1_##k;           \
        z1_##k = q[k].b2 * v - q[k].a2 * y_;                    \
        v = y_;                                                 \
    } while (0)

#define LOAD(k)                                 \
    double z0_##k = st[(2 * (s + k)) * cpad + c]; \
    double z1_##k = st[(2 * (s + k) + 1) * cpad + c]
#define STORE(k)                                \
    st[(2 * (s + k)) * cpad + c] = z0_##k;        \
    st[(2 * (s + k) + 1) * cpad + c] = z1_##k

static void run_group(const cramp_biquad *q, size_t g, double *st, size_t s, size_t cpad,
                      size_t c, double *buf, size_t n)
{
    switch (g) {
    case 1: {
        LOAD(0);
        for (size_t i = 0; i < n; i++) { double v = buf[i]; SECTION(0); buf[i] = v; }
        STORE(0);
        break;
    }
    case 2: {
        LOAD(0); LOAD(1);
        for (size_t i = 0; i < n; i++) { double v = buf[i]; SECTION(0); SECTION(1); buf[i] = v; }
        STORE(0); STORE(1);
        break;
    }
    case 3: {
        LOAD(0); LOAD(1); LOAD(2);
        for (size_t i = 0; i < n; i++) {
            double v = buf[i]; SECTION(0); SECTION(1); SECTION(2); buf[i] = v;
        }
        STORE(0); STORE(1); STORE(2);
        break;
    }
    default: {
        LOAD(0); LOAD(1); LOAD(2); LOAD(3);
        for (size_t i = 0; i < n; i++) {
            double v = buf[i]; SECTION(0); SECTION(1); SECTION(2); SECTION(3); buf[i] = v;
        }
        STORE(0); STORE(1); STORE(2); STORE(3);
        break;
    }
    }
}

void cramp__biquad_scalar(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                          const float *in, float *out, ptrdiff_t step, size_t frames)
{
    const size_t cpad = cramp__pad_channels(channels);
    double buf[CRAMP_KERNEL_BLOCK];
    for (size_t f0 = 0; f0 < frames; f0 += CRAMP_KERNEL_BLOCK) {
        const size_t n = frames - f0 < CRAMP_KERNEL_BLOCK ? frames - f0 : CRAMP_KERNEL_BLOCK;
        const ptrdiff_t base = (ptrdiff_t)f0 * step;
        for (size_t c = 0; c < channels; c++) {
            for (size_t i = 0; i < n; i++) buf[i] = (double)in[base + (ptrdiff_t)i * step + (ptrdiff_t)c];
            for (size_t s = 0; s < n_sec; s += 4) {
                const size_t g = n_sec - s < 4 ? n_sec - s : 4;
                run_group(sos + s, g, st, s, cpad, c, buf, n);
            }
            for (size_t i = 0; i < n; i++) out[base + (ptrdiff_t)i * step + (ptrdiff_t)c] = (float)buf[i];
        }
    }
}

cramp__biquad_kernel cramp__biquad_kernel_for(cramp_simd s)
{
    switch (s) {
#if defined(CRAMP_HAVE_X86_KERNELS)
    case CRAMP_SIMD_AVX2: return cramp__biquad_avx2;
    case CRAMP_SIMD_AVX512: return cramp__biquad_avx512;
#endif
    default: return cramp__biquad_scalar;
    }
}
