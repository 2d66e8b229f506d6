/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* EDF/BDF reading after open (the header parser is edf_read.c): one data
 * record's span of the selected signals is decoded to float (value = digital
 * * scale + shift in double, then rounded once to float) straight from a
 * read-only mapping of a window of records, or, where mapping is not
 * possible, after pread on the recording's own descriptor (no shared state,
 * no global tables). 16-bit signals go four at a time through the decoding kernel of the
 * SIMD path (io/x86/edf_decode_*.c, chosen through cramp__simd_resolve). */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
    e->cur = NULL;
    e->pos = 0;
    e->cur_seg = 0;
    e->dec4 = cramp__edf_dec16x4_best();
    e->dec8 = cramp__edf_dec16x8_best();
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

cramp__edf_dec16x8_fn cramp__edf_dec16x8_for(cramp_simd path)
{
#if defined(CRAMP_HAVE_X86_KERNELS)
    if (path == CRAMP_SIMD_AVX512) return cramp__edf_dec16x8_avx512;
#endif
    (void)path;
    return NULL;
}

cramp__edf_dec16x8_fn cramp__edf_dec16x8_best(void)
{
    cramp_simd path = CRAMP_SIMD_SCALAR;
    (void)cramp__simd_resolve(CRAMP_SIMD_AUTO, &path); /* AUTO always resolves */
    return cramp__edf_dec16x8_for(path);
}

/* Frames [o, o + k) of the loaded record into out (stride nsel). One channel
 * is a contiguous loop the compiler vectorises; several go eight at a time
 * (e->dec8, where the path has such a kernel), then four at a time
 * through registers (e->dec4: interleaving by strided stores runs at a third
 * of the speed); the rest one by one. */
static void decode16(const cramp__edf *e, size_t o, size_t k, float *restrict out)
{
    const size_t nsel = e->nsel;
    if (nsel == 1) {
        const unsigned char *src = e->cur + e->sel_off[0] + 2 * o;
        const double sc = e->sel_scale[0], sh = e->sel_shift[0];
        for (size_t i = 0; i < k; i++)
            out[i] = (float)((double)ld16(src + 2 * i) * sc + sh);
        return;
    }
    size_t j0 = 0;
    if (e->dec8) {
        for (; j0 + 8 <= nsel; j0 += 8) {
            const unsigned char *src[8];
            for (size_t j = 0; j < 8; j++) src[j] = e->cur + e->sel_off[j0 + j] + 2 * o;
            e->dec8(src, e->sel_scale + j0, e->sel_shift + j0, k, out + j0, nsel);
        }
    }
    for (; j0 + 4 <= nsel; j0 += 4) {
        const unsigned char *const src[4] = {
            e->cur + e->sel_off[j0] + 2 * o, e->cur + e->sel_off[j0 + 1] + 2 * o,
            e->cur + e->sel_off[j0 + 2] + 2 * o, e->cur + e->sel_off[j0 + 3] + 2 * o};
        e->dec4(src, e->sel_scale + j0, e->sel_shift + j0, k, out + j0, nsel);
    }
    for (size_t j = j0; j < nsel; j++) {
        const unsigned char *src = e->cur + e->sel_off[j] + 2 * o;
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
        const unsigned char *src = e->cur + e->sel_off[j] + 3 * o;
        const double sc = e->sel_scale[j], sh = e->sel_shift[j];
        float *restrict dst = out + j;
        for (size_t i = 0; i < k; i++)
            dst[i * nsel] = (float)((double)ld24(src + 3 * i) * sc + sh);
    }
}

/* ---- the mapped window ---------------------------------------------------- */

/* Bytes of records one window maps (at least one record): large enough that
 * mapping costs little per byte, small enough that the pages it holds (they
 * count in the resident set) keep the memory flat in the recording's length. */
#define MAP_WINDOW_BYTES ((size_t)1 << 20)

void cramp__edf_unmap(cramp__edf *e)
{
    if (e->map) munmap(e->map, e->map_len);
    e->map = NULL;
    e->map_len = 0;
    e->map_r0 = e->map_r1 = 0;
    if (e->cur && e->cur != e->buf) {
        e->cur = NULL;
        e->loaded = SIZE_MAX;
    }
}

/* The records wholly inside the file now (at most the header's count), by
 * one fstat; 0 when it fails. */
static size_t records_in_file(const cramp__edf *e)
{
    struct stat sb;
    if (fstat(e->fd, &sb) != 0 || sb.st_size < 0) return 0;
    const uint64_t size = (uint64_t)sb.st_size;
    const uint64_t avail =
        size > e->header_bytes ? (size - e->header_bytes) / e->record_bytes : 0;
    return avail < e->hdr.n_records ? (size_t)avail : e->hdr.n_records;
}

/* Record r's span of the selected signals inside the mapped window (mapping
 * the window of records from r on when r is outside it), or NULL: then the
 * caller reads it with pread. avail: the records wholly inside the file, as
 * records_in_file found at the start of this read call; a record past them
 * is read (and the file's end reported) through pread as it always was, and
 * a window maps only records below avail, and edf_read drops a mapped record
 * the file no longer holds whole even when it is half decoded. So a file
 * that shrinks between read calls is never touched past its end through the
 * mapping (the error then comes at the first record cut, possibly one
 * earlier than through pread, which kept a copy of the record being read). What stays
 * open is a file cut shorter during the microseconds of one read call: an
 * access to a mapped page past the new end raises SIGBUS (as in every
 * program that maps files), which a library cannot catch. Only regular
 * files reach here (edf_read.c refuses the rest). */
static const unsigned char *mapped_record(cramp__edf *e, size_t r, size_t avail)
{
    if (e->no_map || r >= avail) return NULL;
    const uint64_t head = e->header_bytes, rb = e->record_bytes;
    if (!e->map || r < e->map_r0 || r >= e->map_r1 || e->map_r1 > avail) {
        cramp__edf_unmap(e);
        const long page = sysconf(_SC_PAGESIZE);
        if (page <= 0) return NULL;
        uint64_t per = MAP_WINDOW_BYTES / rb;
        if (per == 0) per = 1;
        const uint64_t r1 = avail - r < per ? avail : r + per;
        const uint64_t from = (head + r * rb) / (uint64_t)page * (uint64_t)page;
        const uint64_t to = head + r1 * rb;
        if (to - from > SIZE_MAX || sizeof(off_t) < 8) return NULL;
        void *p = mmap(NULL, (size_t)(to - from), PROT_READ, MAP_SHARED, e->fd, (off_t)from);
        if (p == MAP_FAILED) {
            e->no_map = 1; /* not mappable (a file system without mmap): pread from now on */
            return NULL;
        }
        e->map = p;
        e->map_len = (size_t)(to - from);
        e->map_at = from;
        e->map_r0 = r;
        e->map_r1 = (size_t)r1;
    }
    return (const unsigned char *)e->map + (head + r * rb - e->map_at);
}

/* Record r's span of the selected signals (mapped_record's, NULL the same). */
static const unsigned char *mapped_span(cramp__edf *e, size_t r, size_t avail)
{
    const unsigned char *rec = mapped_record(e, r, avail);
    return rec ? rec + e->span_lo : NULL;
}

/* TALs as read: the TALs of the records up to r, from the mapping when the
 * record is in the file as the caller found it (avail: mapped_record's),
 * else through pread; the first error (the record, its field) is read()'s. */
static cramp_status tals_through(cramp__edf *e, size_t r, size_t avail, cramp_error *err)
{
    while (e->scan && e->tal_next <= r) {
        const unsigned char *rec = mapped_record(e, e->tal_next, avail);
        const cramp_status st = cramp__edf_scan_next(e, rec ? rec + e->tal_lo : NULL, err);
        if (st != CRAMP_OK) return st;
    }
    return CRAMP_OK;
}

static cramp_status edf_read(void *impl, float *out, size_t max_frames, size_t *frames,
                             cramp_error *err)
{
    cramp__edf *e = impl;
    *frames = 0;
    if (e->nsel == 0)
        return cramp__fail(err, CRAMP_EINVAL, "%s: read: no channels selected", e->path);
    const size_t spr = e->spr, total = e->hdr.n_records * spr;
    /* the file's size once per call (the mapping's guard, mapped_span) */
    const size_t avail = e->no_map || e->pos >= total ? 0 : records_in_file(e);
    /* a record held in the mapping that the file no longer holds whole: read
       it again (through pread, which reports the end) */
    if (e->loaded != SIZE_MAX && e->cur != e->buf && e->loaded >= avail) e->loaded = SIZE_MAX;
    size_t n = 0;
    while (n < max_frames && e->pos < total) {
        const size_t r = e->pos / spr, o = e->pos % spr;
        /* TALs as read: record r's first (a gap before it ends the segment
           here, as the segments of a whole pass would) */
        if (r >= e->tal_next) {
            const cramp_status st = tals_through(e, r, avail, err);
            if (st != CRAMP_OK) {
                *frames = n;
                return st;
            }
        }
        const cramp_segment *sg = &e->seg[e->cur_seg];
        if (r >= sg->first_record + sg->n_records) {
            if (n > 0) break; /* end of a segment: a short count */
            e->cur_seg++;
        }
        if (r != e->loaded) {
            const uint64_t at =
                (uint64_t)e->header_bytes + (uint64_t)r * e->record_bytes + e->span_lo;
            e->cur = mapped_span(e, r, avail);
            if (!e->cur) {
                if (cramp__pread_full(e->fd, e->buf, e->span_len, at) != 0) {
                    e->loaded = SIZE_MAX;
                    *frames = n;
                    return cramp__fail(err, CRAMP_EIO, "%s: data record %zu: read failed: %s",
                                       e->path, r,
                                       errno ? strerror(errno) : "unexpected end of file");
                }
                e->cur = e->buf;
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
    /* TALs as read: the segments up to the frame's record (avail 0: through
       pread; frame == total is the last record's end) */
    if (e->scan) {
        const size_t r = frame / e->spr;
        const cramp_status st = tals_through(e, r < e->hdr.n_records ? r : e->hdr.n_records - 1,
                                             0, err);
        if (st != CRAMP_OK) return st;
    }
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

/* A sample is (float)(d * scale + shift) in double, d an integer of at most
 * 24 bits (|d| <= 2^23): finite when |scale| 2^23 + |shift| is below
 * FLT_MAX with room for the product's and the sum's rounding (a factor 2).
 * Checked over every signal (annotation signals have scale and shift 0), so
 * the answer holds for any selection. */
static int edf_finite(const void *impl)
{
    const cramp__edf *e = impl;
    for (size_t k = 0; k < e->hdr.n_channels; k++) {
        const double b = fabs(e->sig[k].scale) * 8388608.0 + fabs(e->sig[k].shift);
        if (!(b <= 0.5 * (double)FLT_MAX)) return 0; /* also NaN */
    }
    return 1;
}

static const cramp__rec_ops edf_ops = {edf_select, edf_read,  edf_tell,
                                       edf_seek,   edf_close, edf_finite};

cramp_status cramp__edf_open(const char *path, const cramp_recording_options *opt, void **impl,
                             const cramp_rec_header **header, const cramp__rec_ops **ops,
                             cramp_error *err)
{
    cramp__edf *e;
    const cramp_status st = cramp__edf_parse_as(path, opt && opt->tals_as_read, &e, err);
    if (st != CRAMP_OK) return st;
    *impl = e;
    *header = &e->hdr;
    *ops = &edf_ops;
    return CRAMP_OK;
}
