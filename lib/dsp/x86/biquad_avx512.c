/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AVX-512 biquad cascade: eight double lanes per 512-bit vector.
 *
 * A recursion can't be vectorised over time, so the lanes hold either
 *  - channels (two or more channels): structure-of-arrays state padded to
 *    eight. Per block of frames and group of up to eight channels, the
 *    sections run in groups whose state stays in registers; between groups
 *    the block waits in a double scratch block. Within a group the loop is
 *    skewed: iteration i runs section k on frame i - k, so the sections of
 *    one iteration are independent rather than a chain and both FMA ports
 *    stay busy. A partial group of channels uses masked loads and stores;
 *    padding lanes compute on zeros and are never stored.
 *  - sections (one channel): a wavefront. Lane k of vector k / 8 runs
 *    section k on sample t - k, so one step advances every section by one
 *    sample and costs about one feedback latency (two FMAs) however many
 *    sections there are. Each call fills and drains the wavefront with
 *    masked steps, so between calls the state is the plain per-section state
 *    of internal.h.
 *
 * Both do, per sample and section, the same three FMAs and one multiply,
 *   y = b0 x + z0;  z0 = (b1 x + z1) - a1 y;  z1 = b2 x - a2 y,
 * whatever the schedule and wherever the sample falls in a call, so any split
 * of a signal into calls gives bit-identical output, and one channel gives
 * the same result by either layout. Across channels, a band-pass's sections
 * with numerator (1, +-2, 1) run as adds where the FMAs' products are exact
 * (dsp/internal.h, cramp__unit_section): the same bits, fewer multiplies. */
#include <immintrin.h>
#include <limits.h>
#include <math.h>

#include "dsp/comb.h"
#include "dsp/internal.h"

#define LANES 8
/* Most sections a group keeps in registers (5 x 3 state vectors and the 25
 * coefficient vectors, some as memory operands, in 32 zmm registers). */
#define GROUP_MAX 5
/* Most vectors (of eight sections) one wavefront step carries. */
#define WAVE_MAX 4

#if defined(__GNUC__)
#define CRAMP_INLINE static inline __attribute__((always_inline))
#else
#define CRAMP_INLINE static inline
#endif

/* ---- channels in lanes ------------------------------------------------- */

/* A vector's floats or doubles at p: masked by m, or, when `full` (a
 * constant of each loop compiled: every lane a channel), plain loads and
 * stores: on AMD Zen 4 the fused pass took about a sixth more time with the
 * masked forms on full vectors (bench/README.md, h16j). The same values
 * either way. */
#define LDPS(p) (full ? _mm256_loadu_ps(p) : _mm256_maskz_loadu_ps(m, (p)))
#define LDPD(p) (full ? _mm512_loadu_pd(p) : _mm512_maskz_loadu_pd(m, (p)))
#define STORE_(plain, masked, p, v)       \
    do {                                  \
        if (full)                         \
            plain((p), (v));              \
        else                              \
            masked((p), m, (v));          \
    } while (0)
#define STPS(p, v) STORE_(_mm256_storeu_ps, _mm256_mask_storeu_ps, p, v)
#define STPD(p, v) STORE_(_mm512_storeu_pd, _mm512_mask_storeu_pd, p, v)

/* Section k: state z0_k, z1_k; its output of the previous iteration x_k. */
#define DECL(k)                                                                   \
    __m512d z0_##k = _mm512_setzero_pd(), z1_##k = z0_##k, x_##k = z0_##k;         \
    __m512d b0_##k = z0_##k, b1_##k = z0_##k, b2_##k = z0_##k, a1_##k = z0_##k,     \
            a2_##k = z0_##k;                                                       \
    __m512i sg_##k = _mm512_setzero_si512();                                       \
    (void)sg_##k;                                                                  \
    if (g > (k)) {                                                                 \
        z0_##k = _mm512_maskz_loadu_pd(m, st + (2 * (k)) * cpad);                  \
        z1_##k = _mm512_maskz_loadu_pd(m, st + (2 * (k) + 1) * cpad);              \
        b0_##k = _mm512_set1_pd(q[k].b0);                                          \
        b1_##k = _mm512_set1_pd(q[k].b1);                                          \
        b2_##k = _mm512_set1_pd(q[k].b2);                                          \
        a1_##k = _mm512_set1_pd(q[k].a1);                                          \
        a2_##k = _mm512_set1_pd(q[k].a2);                                          \
        sg_##k = _mm512_set1_epi64(q[k].b1 < 0 ? LLONG_MIN : 0);         \
    }

#define KEEP(k)                                                       \
    if (g > (k)) {                                                    \
        _mm512_mask_storeu_pd(st + (2 * (k)) * cpad, m, z0_##k);      \
        _mm512_mask_storeu_pd(st + (2 * (k) + 1) * cpad, m, z1_##k);  \
    }

/* The mains comb (dsp/comb.h) on the band-pass output y (double) of one
 * frame, stored as float at p: the float band-pass sample x (kept in the
 * delay line as the double it converts to exactly), then
 * y = g (x - x[-N]) + a y[-N] in double, multiplies and adds apart (no
 * FMA), as cramp__comb_process does, so the same bits; the delay lines'
 * slot moves on by one frame. cxd, cyd (the delay lines from channel c on),
 * cch and cper are the view's, kept in locals: the stores could alias the
 * view, so read through it they would be loaded again every frame. */
#define COMB(Y, P)                                                                         \
    do {                                                                                   \
        const __m512d xv_ = _mm512_cvtps_pd(_mm512_cvtpd_ps(Y));                           \
        double *const xd_ = cxd + slot * cch;                                              \
        double *const yd_ = cyd + slot * cch;                                              \
        const __m512d d_ = _mm512_sub_pd(xv_, LDPD(xd_));                                  \
        const __m512d yc_ = _mm512_add_pd(_mm512_mul_pd(cg, d_), _mm512_mul_pd(ca, LDPD(yd_))); \
        STPD(xd_, xv_);                                                                    \
        STPD(yd_, yc_);                                                                    \
        STPS((P), _mm512_cvtpd_ps(yc_));                                                   \
        if (++slot == cper) slot = 0;                                                      \
    } while (0)

/* Whether section k has a frame at skewed iteration i (frame i - k in [0, n)). */
static inline int has_frame(size_t i, size_t k, size_t n) { return i >= k && i - k < n; }

/* Section k at skewed iteration i works on frame i - k. Its input is, for
 * k = 0, *pin (when not NULL: run_pair's frame), the float frames fin (when
 * not NULL) or the scratch block, else
 * x_j, j = k - 1, the previous section's output of the previous iteration.
 * The last section writes to fout or back into the scratch block, g - 1
 * frames behind the read, so in place is fine. In the fill and drain
 * iterations (checked) sections without a frame skip. */
#define STAGE(k, j, i, checked, U)                                                           \
    if (g > (k) && (!(checked) || has_frame(i, k, n))) {                                  \
        const __m512d v_ = (k) != 0 ? x_##j : pin ? *pin                                  \
            : fin ? _mm512_cvtps_pd(LDPS(fin + (ptrdiff_t)(i) * step))                 \
                  : _mm512_load_pd(buf + (i) * LANES);                                    \
        __m512d y_;                                                                       \
        if (((U) >> (k)) & 1) { /* b = (1, +-2, 1): products exact, adds in their place */ \
            y_ = _mm512_add_pd(v_, z0_##k);                                               \
            const __m512d s_ = _mm512_castsi512_pd(                                       \
                _mm512_xor_si512(_mm512_castpd_si512(_mm512_add_pd(v_, v_)), sg_##k));      \
            z0_##k = _mm512_fnmadd_pd(a1_##k, y_, _mm512_add_pd(s_, z1_##k));              \
            z1_##k = _mm512_fnmadd_pd(a2_##k, y_, v_);                                    \
        } else {                                                                          \
            y_ = _mm512_fmadd_pd(b0_##k, v_, z0_##k);                                     \
            z0_##k = _mm512_fnmadd_pd(a1_##k, y_, _mm512_fmadd_pd(b1_##k, v_, z1_##k));     \
            z1_##k = _mm512_fnmadd_pd(a2_##k, y_, _mm512_mul_pd(b2_##k, v_));              \
        }                                                                                 \
        if ((k) + 1 == g) {                                                               \
            const size_t o_ = (i) - (size_t)(k);                                          \
            if (cb)                                                                       \
                COMB(y_, fout + (ptrdiff_t)o_ * step);                                    \
            else if (fout)                                                                \
                STPS(fout + (ptrdiff_t)o_ * step, _mm512_cvtpd_ps(y_));                   \
            else                                                                          \
                _mm512_store_pd(buf + o_ * LANES, y_);                                    \
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
                             size_t cpad,
                            __mmask8 m, double *buf, const float *fin, float *fout,
                            ptrdiff_t step, size_t n, const int full)
{
    const __m512d *const pin = NULL;
    const cramp__comb_view *const cb = NULL;
    double *const cxd = NULL;
    double *const cyd = NULL;
    const size_t cch = 0, cper = 0;
    size_t slot = 0;
    (void)cxd;
    (void)cyd;
    (void)cch;
    (void)cper;
    __m512d cg = _mm512_setzero_pd(), ca = cg;
    (void)slot;
    (void)cg;
    (void)ca;
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
 * sections (a band-pass) gets that pattern, a group whose second section
 * alone is one (a second-order band-pass's two sections followed by notches
 * in the first group) 0x2, any other group none. */
#define GROUP(G, FIN, FOUT, FL)                                                         \
    if (cramp__unit_tail(q, G)) {                                                             \
        switch (G) {                                                                   \
        case 2: run_group(q, 2, 0x2u, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;    \
        case 3: run_group(q, 3, 0x6u, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;    \
        case 4: run_group(q, 4, 0xEu, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;    \
        default: run_group(q, 5, 0x1Eu, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;  \
        }                                                                              \
    } else if ((G) >= 3 && cramp__unit_section(&q[1])) {                               \
        switch (G) {                                                                   \
        case 3: run_group(q, 3, 0x2u, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;    \
        case 4: run_group(q, 4, 0x2u, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;    \
        default: run_group(q, 5, 0x2u, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;  \
        }                                                                              \
    } else {                                                                           \
        switch (G) {                                                                   \
        case 1: run_group(q, 1, 0, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;       \
        case 2: run_group(q, 2, 0, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;       \
        case 3: run_group(q, 3, 0, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;       \
        case 4: run_group(q, 4, 0, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;       \
        default: run_group(q, 5, 0, sst, cpad, m, buf, FIN, FOUT, step, n, FL); break;      \
        }                                                                              \
    }

static void by_channels(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames)
{
    const size_t cpad = cramp__pad_channels(channels);
    /* Groups of near-equal size, so no group is a lone section when that can
     * be avoided (5 sections: one group; 6: 3 + 3). */
    const size_t n_groups = (n_sec + GROUP_MAX - 1) / GROUP_MAX;
    /* A single group reads and writes the float frames itself, except with
     * fewer channels than lanes: then the 32-byte spans of neighbouring
     * frames overlap, and a masked load would wait for the retirement of an
     * overlapping masked store, so the block goes through the scratch block,
     * all read before any is written. */
    const int direct = n_groups == 1 && channels >= LANES;
    _Alignas(64) double buf[CRAMP_KERNEL_BLOCK * LANES];

    for (size_t f0 = 0; f0 < frames; f0 += CRAMP_KERNEL_BLOCK) {
        const size_t n = frames - f0 < CRAMP_KERNEL_BLOCK ? frames - f0 : CRAMP_KERNEL_BLOCK;
        const ptrdiff_t base = (ptrdiff_t)f0 * step;
        for (size_t c = 0; c < channels; c += LANES) {
            const size_t r = channels - c;
            const __mmask8 m = (__mmask8)(r >= LANES ? 0xFFu : (1u << r) - 1u);
            const float *fi = in + base + (ptrdiff_t)c;
            float *fo = out + base + (ptrdiff_t)c;
            if (direct) {
                const cramp_biquad *q = sos;
                double *sst = st + c;
                if (m == 0xFFu) {
                    GROUP(n_sec, fi, fo, 1)
                } else {
                    GROUP(n_sec, fi, fo, 0)
                }
                continue;
            }
            if (m == 0xFFu)
                for (size_t i = 0; i < n; i++)
                    _mm512_store_pd(buf + i * LANES,
                                    _mm512_cvtps_pd(_mm256_loadu_ps(fi + (ptrdiff_t)i * step)));
            else
                for (size_t i = 0; i < n; i++)
                    _mm512_store_pd(buf + i * LANES, _mm512_cvtps_pd(_mm256_maskz_loadu_ps(
                                                         m, fi + (ptrdiff_t)i * step)));
            size_t s = 0;
            for (size_t k = 0; k < n_groups; k++) {
                const size_t g = (n_sec - s) / (n_groups - k) +
                                 ((n_sec - s) % (n_groups - k) != 0);
                const cramp_biquad *q = sos + s;
                double *sst = st + 2 * s * cpad + c;
                GROUP(g, NULL, NULL, 0)
                s += g;
            }
            if (m == 0xFFu)
                for (size_t i = 0; i < n; i++)
                    _mm256_storeu_ps(fo + (ptrdiff_t)i * step,
                                     _mm512_cvtpd_ps(_mm512_load_pd(buf + i * LANES)));
            else
                for (size_t i = 0; i < n; i++)
                    _mm256_mask_storeu_ps(fo + (ptrdiff_t)i * step, m,
                                          _mm512_cvtpd_ps(_mm512_load_pd(buf + i * LANES)));
        }
    }
}

/* ---- two cascades on one input, channels in lanes --------------------- */

/* The second cascade's section k (h sections, generic FMA form): state
 * bz0_k, bz1_k, output of the previous iteration bx_k; its input at k = 0 is
 * the frame the first cascade reads, vin_. */
#define BDECL(k)                                                                   \
    __m512d bz0_##k = _mm512_setzero_pd(), bz1_##k = bz0_##k, bx_##k = bz0_##k;     \
    __m512d bb0_##k = bz0_##k, bb1_##k = bz0_##k, bb2_##k = bz0_##k, ba1_##k = bz0_##k, \
            ba2_##k = bz0_##k;                                                     \
    (void)bx_##k;                                                                  \
    if (h > (k)) {                                                                 \
        bz0_##k = _mm512_maskz_loadu_pd(m, stb + (2 * (k)) * cpad);                \
        bz1_##k = _mm512_maskz_loadu_pd(m, stb + (2 * (k) + 1) * cpad);            \
        bb0_##k = _mm512_set1_pd(qb[k].b0);                                        \
        bb1_##k = _mm512_set1_pd(qb[k].b1);                                        \
        bb2_##k = _mm512_set1_pd(qb[k].b2);                                        \
        ba1_##k = _mm512_set1_pd(qb[k].a1);                                        \
        ba2_##k = _mm512_set1_pd(qb[k].a2);                                        \
    }

#define BKEEP(k)                                                        \
    if (h > (k)) {                                                      \
        _mm512_mask_storeu_pd(stb + (2 * (k)) * cpad, m, bz0_##k);      \
        _mm512_mask_storeu_pd(stb + (2 * (k) + 1) * cpad, m, bz1_##k);  \
    }

#define BSTAGE(k, j, i, checked)                                                          \
    if (h > (k) && (!(checked) || has_frame(i, k, n))) {                                  \
        const __m512d v_ = (k) != 0 ? bx_##j : vin_;                                      \
        const __m512d y_ = _mm512_fmadd_pd(bb0_##k, v_, bz0_##k);                         \
        bz0_##k = _mm512_fnmadd_pd(ba1_##k, y_, _mm512_fmadd_pd(bb1_##k, v_, bz1_##k));    \
        if ((k) == 0 && first1)                                                           \
            bz1_##k = FIRST_ORDER_Z1(y_, v_);                                             \
        else                                                                              \
            bz1_##k = _mm512_fnmadd_pd(ba2_##k, y_, _mm512_mul_pd(bb2_##k, v_));         \
        if ((k) + 1 == h)                                                                 \
            STPS(foutb + (ptrdiff_t)((i) - (size_t)(k)) * step, _mm512_cvtpd_ps(y_));     \
        else                                                                              \
            bx_##k = y_;                                                                  \
    }

/* A first-order section (b2 = a2 = +0): its second state, -(+0 y) + (+0 v)
 * by the FMA form, is a zero, -0 exactly when +0 y is +0 and +0 v is -0
 * (a sum of zeros rounds to -0 only when both are -0), i.e. when y's sign
 * bit is clear and v's is set: one bitwise operation (~y & v & sign, truth
 * table 0x08) in place of a multiply and an FMA on the FMA ports. Exact for
 * finite y and v; with an infinite or NaN one the FMA form gives NaN, so the
 * kernel takes this only for input it is told is finite. */
#define FIRST_ORDER_Z1(y, v)                                                               \
    _mm512_castsi512_pd(_mm512_ternarylogic_epi64(_mm512_castpd_si512(y),                  \
                                                  _mm512_castpd_si512(v), sign_, 0x08))

/* One skewed iteration of both cascades: the frame i read once (when there
 * is one), then each cascade's sections last first. */
#define ITER2(i, checked)                                                                  \
    do {                                                                                   \
        if (!(checked) || (i) < n)                                                         \
            vin_ = _mm512_cvtps_pd(LDPS(fin + (ptrdiff_t)(i) * step));                      \
        BSTAGE(2, 1, i, checked) BSTAGE(1, 0, i, checked) BSTAGE(0, 0, i, checked)         \
        STAGE(4, 3, i, checked, u) STAGE(3, 2, i, checked, u)                              \
        STAGE(2, 1, i, checked, u) STAGE(1, 0, i, checked, u)                              \
        STAGE(0, 0, i, checked, u)                                                         \
    } while (0)

/* Cascade q (g <= 5 sections, unit pattern u, state st) and cascade qb
 * (h <= 3 sections, state stb) over the same n float frames fin, to fout
 * and foutb: per section the same operations as run_group, so the same
 * bits as two by_channels calls, with the input read once and the two
 * cascades' recurrences overlapping (the second, short one alone waits on
 * its feedback). With cb, the first cascade's output goes through the mains
 * comb (COMB) before it is stored. */
CRAMP_INLINE void run_pair(const cramp_biquad *q, const int g, const unsigned u, double *st,
                           const cramp_biquad *qb, const int h, double *stb, size_t cpad,
                           __mmask8 m, const float *fin, float *fout, float *foutb,
                           ptrdiff_t step, size_t n, const cramp__comb_view *cb, size_t c,
                           const int first1, const int full)
{
    double *const buf = NULL;
    double *const cxd = cb ? cb->xd + c : NULL;
    double *const cyd = cb ? cb->yd + c : NULL;
    const size_t cch = cb ? cb->channels : 0, cper = cb ? cb->period : 0;
    (void)cxd;
    (void)cyd;
    (void)cch;
    (void)cper;
    const __m512i sign_ = _mm512_set1_epi64(LLONG_MIN);
    (void)sign_;
    size_t slot = cb ? cb->pos : 0;
    const __m512d cg = _mm512_set1_pd(cb ? cb->g : 0.0), ca = _mm512_set1_pd(cb ? cb->a : 0.0);
    (void)cg;
    (void)ca;
    __m512d vin_ = _mm512_setzero_pd();
    const __m512d *const pin = &vin_;
    DECL(0) DECL(1) DECL(2) DECL(3) DECL(4)
    BDECL(0) BDECL(1) BDECL(2)
    (void)x_4;
    (void)buf;
    const size_t lag = (size_t)(g > h ? g : h) - 1;
    size_t i = 0;
    for (; i < lag; i++) ITER2(i, 1);
    for (; i < n; i++) ITER2(i, 0);
    for (; i < n + lag; i++) ITER2(i, 1);
    KEEP(0) KEEP(1) KEEP(2) KEEP(3) KEEP(4)
    BKEEP(0) BKEEP(1) BKEEP(2)
}

#define PAIR_FM(G, U, F, M)                                                               \
    do {                                                                                  \
        if (comb)                                                                         \
            run_pair(sos, G, U, st + c, sosb, 2, stb + c, cpad, m, fi, fo, fob, step, frames, \
                     comb, c, F, M);                                                      \
        else                                                                              \
            run_pair(sos, G, U, st + c, sosb, 2, stb + c, cpad, m, fi, fo, fob, step, frames, \
                     NULL, c, F, M);                                                      \
    } while (0)
/* every lane a channel (plain loads and stores) or not */
#define PAIR_F(G, U, F)                                                                   \
    do {                                                                                  \
        if (m == 0xFFu)                                                                   \
            PAIR_FM(G, U, F, 1);                                                          \
        else                                                                              \
            PAIR_FM(G, U, F, 0);                                                          \
    } while (0)
/* the second cascade's first section first-order (the motion band's 0.5-Hz
   high-pass) or not */
#define PAIR(G, U)                                                                        \
    do {                                                                                  \
        if (first1)                                                                       \
            PAIR_F(G, U, 1);                                                              \
        else                                                                              \
            PAIR_F(G, U, 0);                                                              \
    } while (0)

/* b2 and a2 both +0 (not -0: the zero's sign enters the FMA form). */
static int first_order(const cramp_biquad *q)
{
    return q->b2 == 0.0 && q->a2 == 0.0 && !signbit(q->b2) && !signbit(q->a2);
}

int cramp__biquad_pair_avx512(const cramp_biquad *sos, size_t n_sec, double *st,
                              const cramp_biquad *sosb, size_t n_secb, double *stb,
                              size_t channels, const float *in, float *out, float *outb,
                              ptrdiff_t step, size_t frames, const cramp__comb_view *comb)
{
    /* the detector's pair: a band-pass of 1 to 5 sections and the two-section
       motion band, channels a full vector or more (the direct path) */
    if (n_sec < 1 || n_sec > GROUP_MAX || n_secb != 2 || channels < LANES ||
        step != (ptrdiff_t)channels || (comb && comb->channels != channels))
        return 0;
    if (frames == 0) return 1;
    const size_t cpad = cramp__pad_channels(channels);
    const int unit = cramp__unit_tail(sos, n_sec);
    const int first1 = first_order(&sosb[0]);
    for (size_t c = 0; c < channels; c += LANES) {
        const size_t r = channels - c;
        const __mmask8 m = (__mmask8)(r >= LANES ? 0xFFu : (1u << r) - 1u);
        const float *fi = in + (ptrdiff_t)c;
        float *fo = out + (ptrdiff_t)c, *fob = outb + (ptrdiff_t)c;
        switch (n_sec) {
        case 1: PAIR(1, 0); break;
        case 2: if (unit) PAIR(2, 0x2u); else PAIR(2, 0); break;
        case 3: if (unit) PAIR(3, 0x6u); else PAIR(3, 0); break;
        case 4: if (unit) PAIR(4, 0xEu); else PAIR(4, 0); break;
        default: if (unit) PAIR(5, 0x1Eu); else PAIR(5, 0); break;
        }
    }
    return 1;
}

/* ---- sections in lanes (wavefront) ------------------------------------- */

/* Vector w holds sections 8w .. 8w+7: state wz0_w, wz1_w, last outputs wy_w
 * and the coefficients, zero beyond the cascade so unused lanes stay zero. */
#define WDECL(w)                                                                       \
    __m512d wz0_##w = _mm512_setzero_pd(), wz1_##w = wz0_##w, wy_##w = wz0_##w;         \
    __m512d wb0_##w = wz0_##w, wb1_##w = wz0_##w, wb2_##w = wz0_##w, wa1_##w = wz0_##w,  \
            wa2_##w = wz0_##w;                                                          \
    if (W > (w)) {                                                                      \
        wz0_##w = _mm512_load_pd(zz[0] + (w) * LANES);                                  \
        wz1_##w = _mm512_load_pd(zz[1] + (w) * LANES);                                  \
        wb0_##w = _mm512_load_pd(cf[0] + (w) * LANES);                                  \
        wb1_##w = _mm512_load_pd(cf[1] + (w) * LANES);                                  \
        wb2_##w = _mm512_load_pd(cf[2] + (w) * LANES);                                  \
        wa1_##w = _mm512_load_pd(cf[3] + (w) * LANES);                                  \
        wa2_##w = _mm512_load_pd(cf[4] + (w) * LANES);                                  \
    }

#define WKEEP(w)                                        \
    if (W > (w)) {                                      \
        _mm512_store_pd(zz[0] + (w) * LANES, wz0_##w);  \
        _mm512_store_pd(zz[1] + (w) * LANES, wz1_##w);  \
    }

/* Lane 0 takes the last lane of `prev` (the vector before, or the new
 * input), lane j the previous output of lane j - 1 of `cur`. */
#define SHIFT(cur, prev)                                                         \
    _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(cur),            \
                                            _mm512_castpd_si512(prev), 7))

/* In masked steps (fill and drain) sections with no sample at this step
 * (bit clear in act) keep their state. */
#define WSEC(w, x, masked)                                                               \
    do {                                                                                 \
        const __m512d y_ = _mm512_fmadd_pd(wb0_##w, x, wz0_##w);                          \
        const __m512d z0_ = _mm512_fnmadd_pd(wa1_##w, y_, _mm512_fmadd_pd(wb1_##w, x, wz1_##w)); \
        const __m512d z1_ = _mm512_fnmadd_pd(wa2_##w, y_, _mm512_mul_pd(wb2_##w, x));      \
        if (masked) {                                                                    \
            const __mmask8 mk_ = (__mmask8)(act >> (8 * (w)));                           \
            wz0_##w = _mm512_mask_mov_pd(wz0_##w, mk_, z0_);                              \
            wz1_##w = _mm512_mask_mov_pd(wz1_##w, mk_, z1_);                              \
        } else {                                                                         \
            wz0_##w = z0_;                                                               \
            wz1_##w = z1_;                                                               \
        }                                                                                \
        wy_##w = y_;                                                                     \
    } while (0)

/* Step t: section k (lane k % 8 of vector k / 8) processes sample t - k;
 * the last one finishes sample t - K + 1. */
#define WSTEP(t, masked)                                                                \
    do {                                                                                \
        const unsigned long long act = (masked) ? active_lanes(t, n, K) : 0;            \
        const __m512d xin_ = (t) < n ? _mm512_set1_pd((double)in[(ptrdiff_t)(t) * step]) \
                                     : _mm512_setzero_pd();                             \
        const __m512d x0_ = SHIFT(wy_0, xin_);                                          \
        const __m512d x1_ = W > 1 ? SHIFT(wy_1, wy_0) : x0_;                            \
        const __m512d x2_ = W > 2 ? SHIFT(wy_2, wy_1) : x0_;                            \
        const __m512d x3_ = W > 3 ? SHIFT(wy_3, wy_2) : x0_;                            \
        (void)act;                                                                      \
        WSEC(0, x0_, masked);                                                           \
        if (W > 1) WSEC(1, x1_, masked);                                                \
        if (W > 2) WSEC(2, x2_, masked);                                                \
        if (W > 3) WSEC(3, x3_, masked);                                                \
        if (!(masked) || (t) >= K - 1) {                                                \
            const __m512d yl_ = W == 1 ? wy_0 : W == 2 ? wy_1 : W == 3 ? wy_2 : wy_3;   \
            out[(ptrdiff_t)((t) - (K - 1)) * step] = (float)_mm_cvtsd_f64(               \
                _mm512_castpd512_pd128(_mm512_permutexvar_pd(lane, yl_)));               \
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

/* One channel through K <= 8 W sections. st is the channel's state column
 * (stride cpad between delays); in/out point at the channel's first sample.
 * Step t reads sample t before it writes sample t - K + 1, so in == out
 * works. */
CRAMP_INLINE void wave(const int W, const cramp_biquad *sos, size_t K, double *st, size_t cpad,
                       const float *in, float *out, ptrdiff_t step, size_t n)
{
    _Alignas(64) double cf[5][WAVE_MAX * LANES] = {{0}};
    _Alignas(64) double zz[2][WAVE_MAX * LANES] = {{0}};
    for (size_t k = 0; k < K; k++) {
        cf[0][k] = sos[k].b0;
        cf[1][k] = sos[k].b1;
        cf[2][k] = sos[k].b2;
        cf[3][k] = sos[k].a1;
        cf[4][k] = sos[k].a2;
        zz[0][k] = st[2 * k * cpad];
        zz[1][k] = st[(2 * k + 1) * cpad];
    }
    WDECL(0) WDECL(1) WDECL(2) WDECL(3)
    const __m512i lane = _mm512_set1_epi64((long long)((K - 1) % LANES));
    size_t t = 0;
    for (; t < K - 1; t++) WSTEP(t, 1);     /* fill */
    for (; t < n; t++) WSTEP(t, 0);         /* every section busy */
    for (; t < n + K - 1; t++) WSTEP(t, 1); /* drain */
    WKEEP(0) WKEEP(1) WKEEP(2) WKEEP(3)
    for (size_t k = 0; k < K; k++) {
        st[2 * k * cpad] = zz[0][k];
        st[(2 * k + 1) * cpad] = zz[1][k];
    }
}

static void by_sections(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                        const float *in, float *out, ptrdiff_t step, size_t frames)
{
    const size_t cpad = cramp__pad_channels(channels);
    const size_t W = (n_sec + LANES - 1) / LANES;
    for (size_t c = 0; c < channels; c++) {
        switch (W) {
        case 1: wave(1, sos, n_sec, st + c, cpad, in + c, out + c, step, frames); break;
        case 2: wave(2, sos, n_sec, st + c, cpad, in + c, out + c, step, frames); break;
        case 3: wave(3, sos, n_sec, st + c, cpad, in + c, out + c, step, frames); break;
        default: wave(4, sos, n_sec, st + c, cpad, in + c, out + c, step, frames); break;
        }
    }
}

void cramp__biquad_avx512(const cramp_biquad *sos, size_t n_sec, double *st, size_t channels,
                          const float *in, float *out, ptrdiff_t step, size_t frames)
{
    if (n_sec == 0 || frames == 0) return;
    /* A wavefront step costs about the same for 1..8 W sections; across
     * channels each section costs its FMAs. Measured crossover: one channel
     * always, two channels from about ten sections. */
    if (n_sec <= WAVE_MAX * LANES && (channels == 1 || 4 * channels < n_sec))
        by_sections(sos, n_sec, st, channels, in, out, step, frames);
    else if (channels <= 4)
        /* Channels in lanes, up to four: a 256-bit vector holds them all,
           and a 512-bit one would run half empty at no more operations a
           cycle (AMD Zen 4: one 512-bit FMA a cycle, two 256-bit; Intel: no
           fewer 256-bit than 512-bit). The AVX2 kernel does the same
           operations per lane, so the same bits. */
        cramp__biquad_avx2(sos, n_sec, st, channels, in, out, step, frames);
    else
        by_channels(sos, n_sec, st, channels, in, out, step, frames);
}
