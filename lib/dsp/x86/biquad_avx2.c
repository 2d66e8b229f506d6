/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AVX2 + FMA biquad cascade: four double lanes per 256-bit vector.
 *
 * The same two layouts as biquad_avx512.c (see there for the reasoning):
 *  - channels in lanes (two or more channels): per block of frames and group
 *    of up to four channels, the sections run in groups with their state in
 *    registers over a skewed loop (iteration i runs section k on frame
 *    i - k), the block waiting in a double scratch block between groups. The
 *    last, partial group of channels uses maskload / maskstore.
 *  - sections in lanes (one channel): a wavefront, lane k of vector k / 4
 *    running section k on sample t - k, filled and drained with masked steps
 *    in each call.
 * Per sample and section both do the same three FMAs and one multiply,
 *   y = b0 x + z0;  z0 = (b1 x + z1) - a1 y;  z1 = b2 x - a2 y,
 * so any split of a signal into calls gives bit-identical output (a unit
 * section across channels, numerator (1, +-2, 1), runs as adds where the
 * products are exact: the same bits, dsp/internal.h). With only
 * 16 vector registers, groups and wavefronts are smaller than with AVX-512. */
#include <immintrin.h>

#include "dsp/internal.h"

#define LANES 4
/* Most sections per group. 5 x 3 state vectors don't quite fit in 16
 * registers, but one group of 5 measured faster than 3 + 2 (and than 4). */
#define GROUP_MAX 5
/* Most vectors (of four sections) one wavefront step carries. */
#define WAVE_MAX 2

#if defined(__GNUC__)
#define CRAMP_INLINE static inline __attribute__((always_inline))
#else
#define CRAMP_INLINE static inline
#endif

/* ---- channels in lanes ------------------------------------------------- */

/* Section k: state z0_k, z1_k; its output of the previous iteration x_k. */
#define DECL(k)                                                                   \
    __m256d z0_##k = _mm256_setzero_pd(), z1_##k = z0_##k, x_##k = z0_##k;         \
    __m256d b0_##k = z0_##k, b1_##k = z0_##k, b2_##k = z0_##k, a1_##k = z0_##k,     \
            a2_##k = z0_##k;                                                       \
    __m256d sg_##k = z0_##k;                                                       \
    (void)sg_##k;                                                                  \
    if (g > (k)) {                                                                 \
        z0_##k = _mm256_maskload_pd(st + (2 * (k)) * cpad, dmask);                 \
        z1_##k = _mm256_maskload_pd(st + (2 * (k) + 1) * cpad, dmask);             \
        b0_##k = _mm256_set1_pd(q[k].b0);                                          \
        b1_##k = _mm256_set1_pd(q[k].b1);                                          \
        b2_##k = _mm256_set1_pd(q[k].b2);                                          \
        a1_##k = _mm256_set1_pd(q[k].a1);                                          \
        a2_##k = _mm256_set1_pd(q[k].a2);                                          \
        sg_##k = _mm256_set1_pd(q[k].b1 < 0 ? -0.0 : 0.0);                         \
    }

#define KEEP(k)                                                        \
    if (g > (k)) {                                                     \
        _mm256_maskstore_pd(st + (2 * (k)) * cpad, dmask, z0_##k);     \
        _mm256_maskstore_pd(st + (2 * (k) + 1) * cpad, dmask, z1_##k); \
    }

/* Whether section k has a frame at skewed iteration i (frame i - k in [0, n)). */
static inline int has_frame(size_t i, size_t k, size_t n) { return i >= k && i - k < n; }

/* Section k at skewed iteration i works on frame i - k. Its input is, for
 * k = 0, the float frames fin (when not NULL) or the scratch block, else
 * x_j, j = k - 1, the previous section's output of the previous iteration.
 * The last section writes to fout or back into the scratch block, g - 1
 * frames behind the read, so in place is fine. In the fill and drain
 * iterations (checked) sections without a frame skip. */
#define STAGE(k, j, i, checked, U)                                                           \
    if (g > (k) && (!(checked) || has_frame(i, k, n))) {                                  \
        const __m256d v_ = (k) != 0 ? x_##j                                               \
            : fin ? _mm256_cvtps_pd(_mm_maskload_ps(fin + (ptrdiff_t)(i) * step, fmask))   \
                  : _mm256_load_pd(buf + (i) * LANES);                                    \
        __m256d y_;                                                                       \
        if (((U) >> (k)) & 1) { /* a unit section (dsp/internal.h): the same bits */      \
            y_ = _mm256_add_pd(v_, z0_##k);                                               \
            const __m256d s_ = _mm256_xor_pd(_mm256_add_pd(v_, v_), sg_##k);              \
            z0_##k = _mm256_fnmadd_pd(a1_##k, y_, _mm256_add_pd(s_, z1_##k));              \
            z1_##k = _mm256_fnmadd_pd(a2_##k, y_, v_);                                    \
        } else {                                                                          \
            y_ = _mm256_fmadd_pd(b0_##k, v_, z0_##k);                                     \
            z0_##k = _mm256_fnmadd_pd(a1_##k, y_, _mm256_fmadd_pd(b1_##k, v_, z1_##k));     \
            z1_##k = _mm256_fnmadd_pd(a2_##k, y_, _mm256_mul_pd(b2_##k, v_));              \
        }                                                                                 \
        if ((k) + 1 == g) {                                                               \
            const size_t o_ = (i) - (size_t)(k);                                          \
            if (fout)                                                                     \
                _mm_maskstore_ps(fout + (ptrdiff_t)o_ * step, fmask, _mm256_cvtpd_ps(y_));  \
            else                                                                          \
                _mm256_store_pd(buf + o_ * LANES, y_);                                    \
        } else {                                                                          \
            x_##k = y_;                                                                   \
        }                                                                                 \
    }

/* Last section first, so each reads its predecessor's output before the
 * predecessor replaces it. */
#define ITER(i, checked)                                                           \
    do {                                                                           \
        STAGE(4, 3, i, checked, u) STAGE(3, 2, i, checked, u)                      \
        STAGE(2, 1, i, checked, u) STAGE(1, 0, i, checked, u)                      \
        STAGE(0, 0, i, checked, u)                                                 \
    } while (0)

/* Sections q[0..g-1] (state at st, offset to the channel group) over n
 * frames: from fin (stride step) or buf, to fout or buf. g and which ends
 * are used are constants after inlining. */
CRAMP_INLINE void run_group(const cramp_biquad *q, const int g, const unsigned u, double *st,
                            size_t cpad, __m128i fmask, __m256i dmask, double *buf, const float *fin,
                            float *fout, ptrdiff_t step, size_t n)
{
    DECL(0) DECL(1) DECL(2) DECL(3) DECL(4)
    (void)x_4; /* section 4, when used, is always the last */
    const size_t lag = (size_t)g - 1;
    size_t i = 0;
    for (; i < lag; i++) ITER(i, 1);
    for (; i < n; i++) ITER(i, 0);
    for (; i < n + lag; i++) ITER(i, 1);
    KEEP(0) KEEP(1) KEEP(2) KEEP(3) KEEP(4)
}

/* u: which sections are run as unit sections (bit k: section k), a constant
 * of each loop compiled; a group whose sections after the first are all unit
 * sections (a band-pass) gets that pattern, any other group none. */
#define GROUP(G, FIN, FOUT)                                                                   \
    if (cramp__unit_tail(q, G)) {                                                             \
        switch (G) {                                                                          \
        case 2: run_group(q, 2, 0x2u, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;   \
        case 3: run_group(q, 3, 0x6u, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;   \
        case 4: run_group(q, 4, 0xEu, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;   \
        default: run_group(q, 5, 0x1Eu, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break; \
        }                                                                                     \
    } else {                                                                                  \
        switch (G) {                                                                          \
        case 1: run_group(q, 1, 0, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;  \
        case 2: run_group(q, 2, 0, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;  \
        case 3: run_group(q, 3, 0, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;  \
        case 4: run_group(q, 4, 0, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break;  \
        default: run_group(q, 5, 0, sst, cpad, fmask, dmask, buf, FIN, FOUT, step, n); break; \
        }                                                                                     \
    }

static void by_channels(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames)
{
    const size_t cpad = cramp__pad_channels(channels);
    /* Groups of near-equal size, so no group is a lone section when that can
     * be avoided (5 sections: one group; 6: 3 + 3). */
    const size_t n_groups = (n_sec + GROUP_MAX - 1) / GROUP_MAX;
    /* A single group reads and writes the float frames itself, except with
     * fewer channels than lanes: then the 16-byte spans of neighbouring
     * frames overlap, and a masked load would wait for the retirement of an
     * overlapping masked store, so the block goes through the scratch block,
     * all read before any is written. */
    const int direct = n_groups == 1 && channels >= LANES;
    _Alignas(32) double buf[CRAMP_KERNEL_BLOCK * LANES];
    const __m128i lane_no = _mm_setr_epi32(0, 1, 2, 3);

    for (size_t f0 = 0; f0 < frames; f0 += CRAMP_KERNEL_BLOCK) {
        const size_t n = frames - f0 < CRAMP_KERNEL_BLOCK ? frames - f0 : CRAMP_KERNEL_BLOCK;
        const ptrdiff_t base = (ptrdiff_t)f0 * step;
        for (size_t c = 0; c < channels; c += LANES) {
            const int r = channels - c >= LANES ? LANES : (int)(channels - c);
            const __m128i fmask = _mm_cmpgt_epi32(_mm_set1_epi32(r), lane_no);
            const __m256i dmask = _mm256_cvtepi32_epi64(fmask);
            const float *fi = in + base + (ptrdiff_t)c;
            float *fo = out + base + (ptrdiff_t)c;
            if (direct) {
                const cramp_biquad *q = sos;
                double *sst = st + c;
                GROUP(n_sec, fi, fo)
                continue;
            }
            for (size_t i = 0; i < n; i++)
                _mm256_store_pd(buf + i * LANES,
                                _mm256_cvtps_pd(_mm_maskload_ps(fi + (ptrdiff_t)i * step, fmask)));
            size_t s = 0;
            for (size_t k = 0; k < n_groups; k++) {
                const size_t g = (n_sec - s) / (n_groups - k) +
                                 ((n_sec - s) % (n_groups - k) != 0);
                const cramp_biquad *q = sos + s;
                double *sst = st + 2 * s * cpad + c;
                GROUP(g, NULL, NULL)
                s += g;
            }
            for (size_t i = 0; i < n; i++)
                _mm_maskstore_ps(fo + (ptrdiff_t)i * step, fmask,
                                 _mm256_cvtpd_ps(_mm256_load_pd(buf + i * LANES)));
        }
    }
}

/* ---- sections in lanes (wavefront) ------------------------------------- */

/* Vector w holds sections 4w .. 4w+3: state wz0_w, wz1_w, last outputs wy_w
 * and the coefficients, zero beyond the cascade so unused lanes stay zero. */
#define WDECL(w)                                                                       \
    __m256d wz0_##w = _mm256_setzero_pd(), wz1_##w = wz0_##w, wy_##w = wz0_##w;         \
    __m256d wb0_##w = wz0_##w, wb1_##w = wz0_##w, wb2_##w = wz0_##w, wa1_##w = wz0_##w,  \
            wa2_##w = wz0_##w;                                                          \
    if (W > (w)) {                                                                      \
        wz0_##w = _mm256_load_pd(zz[0] + (w) * LANES);                                  \
        wz1_##w = _mm256_load_pd(zz[1] + (w) * LANES);                                  \
        wb0_##w = _mm256_load_pd(cf[0] + (w) * LANES);                                  \
        wb1_##w = _mm256_load_pd(cf[1] + (w) * LANES);                                  \
        wb2_##w = _mm256_load_pd(cf[2] + (w) * LANES);                                  \
        wa1_##w = _mm256_load_pd(cf[3] + (w) * LANES);                                  \
        wa2_##w = _mm256_load_pd(cf[4] + (w) * LANES);                                  \
    }

#define WKEEP(w)                                        \
    if (W > (w)) {                                      \
        _mm256_store_pd(zz[0] + (w) * LANES, wz0_##w);  \
        _mm256_store_pd(zz[1] + (w) * LANES, wz1_##w);  \
    }

/* [prev[3], cur[0], cur[1], cur[2]]: lane 0 takes the last lane of `prev`
 * (the vector before, or the new input), lane j the previous output of lane
 * j - 1 of `cur`. */
#define SHIFT(cur, prev) _mm256_shuffle_pd(_mm256_permute2f128_pd(prev, cur, 0x21), cur, 5)

/* In masked steps (fill and drain) sections with no sample at this step
 * (bit clear in act) keep their state. */
#define WSEC(w, x, masked)                                                               \
    do {                                                                                 \
        const __m256d y_ = _mm256_fmadd_pd(wb0_##w, x, wz0_##w);                          \
        const __m256d z0_ = _mm256_fnmadd_pd(wa1_##w, y_, _mm256_fmadd_pd(wb1_##w, x, wz1_##w)); \
        const __m256d z1_ = _mm256_fnmadd_pd(wa2_##w, y_, _mm256_mul_pd(wb2_##w, x));      \
        if (masked) {                                                                    \
            const __m256d mk_ = lane_mask((unsigned)(act >> (LANES * (w))));             \
            wz0_##w = _mm256_blendv_pd(wz0_##w, z0_, mk_);                                \
            wz1_##w = _mm256_blendv_pd(wz1_##w, z1_, mk_);                                \
        } else {                                                                         \
            wz0_##w = z0_;                                                               \
            wz1_##w = z1_;                                                               \
        }                                                                                \
        wy_##w = y_;                                                                     \
    } while (0)

/* Step t: section k (lane k % 4 of vector k / 4) processes sample t - k;
 * the last one finishes sample t - K + 1. */
#define WSTEP(t, masked)                                                                \
    do {                                                                                \
        const unsigned long long act = (masked) ? active_lanes(t, n, K) : 0;            \
        const __m256d xin_ = (t) < n ? _mm256_set1_pd((double)in[(ptrdiff_t)(t) * step]) \
                                     : _mm256_setzero_pd();                             \
        const __m256d x0_ = SHIFT(wy_0, xin_);                                          \
        const __m256d x1_ = W > 1 ? SHIFT(wy_1, wy_0) : x0_;                            \
        (void)act;                                                                      \
        WSEC(0, x0_, masked);                                                           \
        if (W > 1) WSEC(1, x1_, masked);                                                \
        if (!(masked) || (t) >= K - 1) {                                                \
            const __m256d yl_ = W == 1 ? wy_0 : wy_1;                                   \
            out[(ptrdiff_t)((t) - (K - 1)) * step] = (float)_mm_cvtsd_f64(               \
                _mm256_castpd256_pd128(_mm256_castps_pd(                                 \
                    _mm256_permutevar8x32_ps(_mm256_castpd_ps(yl_), lane))));            \
        }                                                                               \
    } while (0)

/* Sections k with sample t - k in [0, n): bits max(0, t-n+1) .. min(t, K-1). */
static inline unsigned long long active_lanes(size_t t, size_t n, size_t K)
{
    const size_t hi = t < K - 1 ? t : K - 1;
    const size_t lo = t + 1 > n ? t + 1 - n : 0;
    const unsigned long long upto = hi >= 63 ? ~0ull : (2ull << hi) - 1;
    return upto & ~((1ull << lo) - 1);
}

/* All-ones lanes where bits (low four) is set. */
static inline __m256d lane_mask(unsigned bits)
{
    const __m256i bit = _mm256_setr_epi64x(1, 2, 4, 8);
    return _mm256_castsi256_pd(
        _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x((long long)bits), bit), bit));
}

/* One channel through K <= 4 W sections. st is the channel's state column
 * (stride cpad between delays); in/out point at the channel's first sample.
 * Step t reads sample t before it writes sample t - K + 1, so in == out
 * works. */
CRAMP_INLINE void wave(const int W, const cramp_biquad *sos, size_t K, double *st, size_t cpad,
                       const float *in, float *out, ptrdiff_t step, size_t n)
{
    _Alignas(32) double cf[5][WAVE_MAX * LANES] = {{0}};
    _Alignas(32) double zz[2][WAVE_MAX * LANES] = {{0}};
    for (size_t k = 0; k < K; k++) {
        cf[0][k] = sos[k].b0;
        cf[1][k] = sos[k].b1;
        cf[2][k] = sos[k].b2;
        cf[3][k] = sos[k].a1;
        cf[4][k] = sos[k].a2;
        zz[0][k] = st[2 * k * cpad];
        zz[1][k] = st[(2 * k + 1) * cpad];
    }
    WDECL(0) WDECL(1)
    /* Float lanes 2p, 2p+1 hold double lane p = the last section's. */
    const int p = (int)((K - 1) % LANES);
    const __m256i lane = _mm256_setr_epi32(2 * p, 2 * p + 1, 0, 0, 0, 0, 0, 0);
    size_t t = 0;
    for (; t < K - 1; t++) WSTEP(t, 1);     /* fill */
    for (; t < n; t++) WSTEP(t, 0);         /* every section busy */
    for (; t < n + K - 1; t++) WSTEP(t, 1); /* drain */
    WKEEP(0) WKEEP(1)
    for (size_t k = 0; k < K; k++) {
        st[2 * k * cpad] = zz[0][k];
        st[(2 * k + 1) * cpad] = zz[1][k];
    }
}

static void by_sections(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames)
{
    const size_t cpad = cramp__pad_channels(channels);
    for (size_t c = 0; c < channels; c++) {
        if (n_sec <= LANES)
            wave(1, sos, n_sec, st + c, cpad, in + c, out + c, step, frames);
        else
            wave(2, sos, n_sec, st + c, cpad, in + c, out + c, step, frames);
    }
}

void cramp__biquad_avx2(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames)
{
    if (n_sec == 0 || frames == 0) return;
    if (channels == 1 && n_sec <= WAVE_MAX * LANES)
        by_sections(sos, n_sec, st, channels, in, out, step, frames);
    else
        by_channels(sos, n_sec, st, channels, in, out, step, frames);
}
