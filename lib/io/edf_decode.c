/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* EDF/BDF reading after open (the header parser is edf_read.c): one data
 * record's span of the selected signals is read with pread on the
 * recording's own descriptor (no shared state, no global tables) and decoded
 * to float: value = digital * scale + shift in double, then rounded once to
 * float. 16-bit signals go four at a time through the decoding kernel of the
 * SIMD path (io/x86/edf_decode_*.c, chosen through cramp__simd_resolve). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "io/edf_internal.h"
#include "io/recording_internal.h"

static cramp_status edf_select(void *impl, const size_t *channels, size_t n, cramp_error *err)
{
    cramp__edf *e = impl;
    const cramp_rec_header *hd = &e->hdr;
    for (size_t k = 0; k < n; k++) {
        const size_t i = channels[k];
        if (i >= hd->n_channels)
            return cramp__fail(err, CRAMP_EINVAL, "%s: select: channel index %zu, expected < %zu",
                               e->path, i, hd->n_channels);
        if (e->ch[i].is_annotation)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: select: channel %zu ('%s') is an annotation signal", e->path, i,
                               e->ch[i].label);
        const size_t i0 = channels[0];
        if (e->sig[i].spr != e->sig[i0].spr)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: select: channel %zu ('%s', %.9g Hz) and channel %zu ('%s', "
                               "%.9g Hz) differ in sampling rate; select one rate group",
                               e->path, i0, e->ch[i0].label, e->ch[i0].fs, i, e->ch[i].label,
                               e->ch[i].fs);
    }
    size_t lo = SIZE_MAX, hi = 0;
    for (size_t k = 0; k < n; k++) {
        const cramp__edf_sig *s = &e->sig[channels[k]];
        if (s->offset < lo) lo = s->offset;
        if (s->offset + s->spr * e->bps > hi) hi = s->offset + s->spr * e->bps;
    }
    size_t *sel = malloc(n * sizeof *sel), *off = malloc(n * sizeof *off);
    double *sc = malloc(n * sizeof *sc), *sh = malloc(n * sizeof *sh);
    unsigned char *buf = malloc(hi - lo);
    if (!sel || !off || !sc || !sh || !buf) {
        free(sel);
        free(off);
        free(sc);
        free(sh);
        free(buf);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: select: out of memory", e->path);
    }
    for (size_t k = 0; k < n; k++) {
        const cramp__edf_sig *s = &e->sig[channels[k]];
        sel[k] = channels[k];
        off[k] = s->offset - lo;
        sc[k] = s->scale;
        sh[k] = s->shift;
    }
    free(e->sel);
    free(e->sel_off);
    free(e->sel_scale);
    free(e->sel_shift);
    free(e->buf);
    e->sel = sel;
    e->sel_off = off;
    e->sel_scale = sc;
    e->sel_shift = sh;
    e->buf = buf;
    e->nsel = n;
    e->span_lo = lo;
    e->span_len = hi - lo;
    e->spr = e->sig[channels[0]].spr;
    e->fs = e->ch[channels[0]].fs;
    e->loaded = SIZE_MAX;
    e->pos = 0;
    e->cur_seg = 0;
    e->dec4 = cramp__edf_dec16x4_best();
    return CRAMP_OK;
}

/* Little-endian 16-bit samples; on a little-endian host a plain load. */
static inline int32_t ld16(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    int16_t v;
    memcpy(&v, p, 2);
    return v;
#else
    return (int16_t)(uint16_t)(p[0] | (p[1] << 8));
#endif
}

static inline int32_t ld24(const unsigned char *p)
{
    const uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    return (int32_t)(u ^ 0x800000u) - 0x800000;
}

void cramp__edf_dec16x4_scalar(const unsigned char *const src[4], const double sc[4],
                               const double sh[4], size_t from, size_t k, float *out, size_t stride)
{
    for (size_t i = from; i < k; i++)
        for (size_t j = 0; j < 4; j++)
            out[i * stride + j] = (float)((double)ld16(src[j] + 2 * i) * sc[j] + sh[j]);
}

#if !defined(CRAMP_HAVE_X86_KERNELS)
/* The plain C path with the kernels' signature. */
static void dec16x4_plain(const unsigned char *const src[4], const double sc[4],
                          const double sh[4], size_t k, float *out, size_t stride)
{
    cramp__edf_dec16x4_scalar(src, sc, sh, 0, k, out, stride);
}
#endif

cramp__edf_dec16x4_fn cramp__edf_dec16x4_for(cramp_simd path)
{
#if defined(CRAMP_HAVE_X86_KERNELS)
    /* SSE2 is the x86-64 baseline: it serves the SCALAR path there. */
    switch (path) {
    case CRAMP_SIMD_AVX2:
    case CRAMP_SIMD_AVX512: return cramp__edf_dec16x4_avx2;
    default: return cramp__edf_dec16x4_sse2;
    }
#else
    (void)path;
    return dec16x4_plain;
#endif
}

cramp__edf_dec16x4_fn cramp__edf_dec16x4_best(void)
{
    cramp_simd path = CRAMP_SIMD_SCALAR;
    (void)cramp__simd_resolve(CRAMP_SIMD_AUTO, &path); /* AUTO always resolves */
    return cramp__edf_dec16x4_for(path);
}

/* Frames [o, o + k) of the loaded record into out (stride nsel). One channel
 * is a contiguous loop the compiler vectorises; several go four at a time
 * through registers (e->dec4: interleaving by strided stores runs at a third
 * of the speed); the rest one by one. */
static void decode16(const cramp__edf *e, size_t o, size_t k, float *restrict out)
{
    const size_t nsel = e->nsel;
    if (nsel == 1) {
        const unsigned char *src = e->buf + e->sel_off[0] + 2 * o;
        const double sc = e->sel_scale[0], sh = e->sel_shift[0];
        for (size_t i = 0; i < k; i++)
            out[i] = (float)((double)ld16(src + 2 * i) * sc + sh);
        return;
    }
    size_t j0 = 0;
    for (; j0 + 4 <= nsel; j0 += 4) {
        const unsigned char *const src[4] = {
            e->buf + e->sel_off[j0] + 2 * o, e->buf + e->sel_off[j0 + 1] + 2 * o,
            e->buf + e->sel_off[j0 + 2] + 2 * o, e->buf + e->sel_off[j0 + 3] + 2 * o};
        e->dec4(src, e->sel_scale + j0, e->sel_shift + j0, k, out + j0, nsel);
    }
    for (size_t j = j0; j < nsel; j++) {
        const unsigned char *src = e->buf + e->sel_off[j] + 2 * o;
        const double sc = e->sel_scale[j], sh = e->sel_shift[j];
        float *restrict dst = out + j;
        for (size_t i = 0; i < k; i++)
            dst[i * nsel] = (float)((double)ld16(src + 2 * i) * sc + sh);
    }
}

static void decode24(const cramp__edf *e, size_t o, size_t k, float *restrict out)
{
    const size_t nsel = e->nsel;
    for (size_t j = 0; j < nsel; j++) {
        const unsigned char *src = e->buf + e->sel_off[j] + 3 * o;
        const double sc = e->sel_scale[j], sh = e->sel_shift[j];
        float *restrict dst = out + j;
        for (size_t i = 0; i < k; i++)
            dst[i * nsel] = (float)((double)ld24(src + 3 * i) * sc + sh);
    }
}

static cramp_status edf_read(void *impl, float *out, size_t max_frames, size_t *frames,
                             cramp_error *err)
{
    cramp__edf *e = impl;
    *frames = 0;
    if (e->nsel == 0)
        return cramp__fail(err, CRAMP_EINVAL, "%s: read: no channels selected", e->path);
    const size_t spr = e->spr, total = e->hdr.n_records * spr;
    size_t n = 0;
    while (n < max_frames && e->pos < total) {
        const size_t r = e->pos / spr, o = e->pos % spr;
        const cramp_segment *sg = &e->seg[e->cur_seg];
        if (r >= sg->first_record + sg->n_records) {
            if (n > 0) break; /* end of a segment: a short count */
            e->cur_seg++;
        }
        if (r != e->loaded) {
            const uint64_t at =
                (uint64_t)e->header_bytes + (uint64_t)r * e->record_bytes + e->span_lo;
            if (cramp__pread_full(e->fd, e->buf, e->span_len, at) != 0) {
                e->loaded = SIZE_MAX;
                *frames = n;
                return cramp__fail(err, CRAMP_EIO, "%s: data record %zu: read failed: %s", e->path,
                                   r, errno ? strerror(errno) : "unexpected end of file");
            }
            e->loaded = r;
        }
        size_t k = spr - o;
        if (k > max_frames - n) k = max_frames - n;
        if (e->bps == 2)
            decode16(e, o, k, out + n * e->nsel);
        else
            decode24(e, o, k, out + n * e->nsel);
        n += k;
        e->pos += k;
    }
    *frames = n;
    return CRAMP_OK;
}

static void edf_tell(const void *impl, size_t *frame, double *time_s)
{
    const cramp__edf *e = impl;
    if (frame) *frame = e->pos;
    if (!time_s) return;
    if (e->nsel == 0 || e->hdr.n_segments == 0) {
        *time_s = 0;
        return;
    }
    size_t s = e->cur_seg;
    const cramp_segment *sg = &e->seg[s];
    /* at a segment's end, the next frame is the next segment's first */
    if (e->pos >= (sg->first_record + sg->n_records) * e->spr && s + 1 < e->hdr.n_segments) sg++;
    const size_t base = sg->first_record * e->spr;
    *time_s = sg->onset_s + (double)(e->pos - base) * e->hdr.record_duration_s / (double)e->spr;
}

static cramp_status edf_seek(void *impl, size_t frame, cramp_error *err)
{
    cramp__edf *e = impl;
    if (e->nsel == 0)
        return cramp__fail(err, CRAMP_EINVAL, "%s: seek: no channels selected", e->path);
    const size_t total = e->hdr.n_records * e->spr;
    if (frame > total)
        return cramp__fail(err, CRAMP_EINVAL, "%s: seek: frame %zu is past the end (%zu frames)",
                           e->path, frame, total);
    /* last segment whose first frame is <= frame */
    size_t lo = 0, hi = e->hdr.n_segments;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (e->seg[mid].first_record * e->spr <= frame)
            lo = mid;
        else
            hi = mid;
    }
    e->cur_seg = lo;
    e->pos = frame;
    return CRAMP_OK;
}

static void edf_close(void *impl) { cramp__edf_free(impl); }

static const cramp__rec_ops edf_ops = {edf_select, edf_read, edf_tell, edf_seek, edf_close};

cramp_status cramp__edf_open(const char *path, const cramp_recording_options *opt, void **impl,
                             const cramp_rec_header **header, const cramp__rec_ops **ops,
                             cramp_error *err)
{
    (void)opt;
    cramp__edf *e;
    const cramp_status st = cramp__edf_parse(path, &e, err);
    if (st != CRAMP_OK) return st;
    *impl = e;
    *header = &e->hdr;
    *ops = &edf_ops;
    return CRAMP_OK;
}
