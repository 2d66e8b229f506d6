/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the EDF/BDF reader's parsed file, shared by edf_read.c (the
 * header parser), edf_decode.c (reading) and the writer's copy
 * (edf_write.c). Not installed. */
#ifndef CRAMP_EDF_INTERNAL_H
#define CRAMP_EDF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/recording.h"
#include "cramp/simd.h"

/* Largest data record (bytes over all signals) read or written: 256 MiB
 * bounds the one-record buffer. Real records are kilobytes to a few tens of
 * megabytes (256 channels x 30 s x 2 kHz x 2 bytes = 31 MB). */
#define CRAMP__EDF_MAX_RECORD_BYTES ((uint64_t)1 << 28)

/* Stored warnings per file; further ones are counted in a last message. */
#define CRAMP__EDF_MAX_WARNINGS 32

typedef struct cramp__edf_sig {
    size_t spr;    /* samples per data record */
    size_t offset; /* byte offset of this signal inside a data record */
    double scale;  /* value read() gives = digital * scale + shift */
    double shift;
} cramp__edf_sig;

/* Decodes frames [0, k) of four 16-bit signals: src[j] is channel j's first
 * sample; value = digital * sc[j] + sh[j] in double, rounded to float, to
 * out[i * stride + j]. Every path gives bit-identical output. */
typedef void (*cramp__edf_dec16x4_fn)(const unsigned char *const src[4], const double sc[4],
                                      const double sh[4], size_t k, float *out, size_t stride);
/* The scalar reference, for frames [from, k). */
void cramp__edf_dec16x4_scalar(const unsigned char *const src[4], const double sc[4],
                               const double sh[4], size_t from, size_t k, float *out,
                               size_t stride);
#if defined(CRAMP_HAVE_X86_KERNELS)
/* io/x86/edf_decode_sse2.c, io/x86/edf_decode_avx2.c */
void cramp__edf_dec16x4_sse2(const unsigned char *const src[4], const double sc[4],
                             const double sh[4], size_t k, float *out, size_t stride);
void cramp__edf_dec16x4_avx2(const unsigned char *const src[4], const double sc[4],
                             const double sh[4], size_t k, float *out, size_t stride);
#endif
/* The same for eight 16-bit signals (src[0..7], sc[0..7], sh[0..7], out[i *
 * stride + 0..7]); bit-identical to the scalar reference on src[0..3] and
 * on src[4..7]. */
typedef void (*cramp__edf_dec16x8_fn)(const unsigned char *const src[8], const double sc[8],
                                      const double sh[8], size_t k, float *out, size_t stride);
#if defined(CRAMP_HAVE_X86_KERNELS)
/* io/x86/edf_decode_avx512.c */
void cramp__edf_dec16x8_avx512(const unsigned char *const src[8], const double sc[8],
                               const double sh[8], size_t k, float *out, size_t stride);
#endif
/* The eight-signal kernel of a resolved SIMD path, NULL where that path has
 * none (every path but AVX512): the four-signal kernel then serves. The
 * caller checks that the CPU runs the path. Thread-safe. */
cramp__edf_dec16x8_fn cramp__edf_dec16x8_for(cramp_simd path);
/* cramp__edf_dec16x8_for() of the path AUTO resolves to. Thread-safe. */
cramp__edf_dec16x8_fn cramp__edf_dec16x8_best(void);

/* The kernel of a resolved SIMD path (never AUTO): AVX2 and AVX512 take the
 * AVX2 kernel, SCALAR the SSE2 one on x86-64 builds with x86 kernels (SSE2
 * is that architecture's baseline) and plain C elsewhere. The caller checks
 * that the CPU runs the path (cramp__simd_resolve). Thread-safe. */
cramp__edf_dec16x4_fn cramp__edf_dec16x4_for(cramp_simd path);
/* cramp__edf_dec16x4_for() of the path cramp__simd_resolve picks for AUTO:
 * the fastest this CPU and build run. Thread-safe. */
cramp__edf_dec16x4_fn cramp__edf_dec16x4_best(void);

typedef struct cramp__edf {
    int fd;
    char *path;
    size_t bps; /* bytes per sample: 2 (EDF) or 3 (BDF) */
    int bdf;
    int plus;            /* annotation signals parsed as EDF+ TALs */
    size_t header_bytes; /* 256 * (ns + 1) */
    size_t record_bytes;
    double t0;                 /* onset of record 0 after the header's start time, s */
    unsigned char *raw_header; /* header_bytes bytes as stored */

    cramp_rec_header hdr;
    cramp_channel_info *ch;
    cramp__edf_sig *sig;
    cramp_segment *seg;
    cramp_annotation *ann;
    char *text; /* all annotation texts, NUL-separated */
    char **warn;

    /* selection and position */
    size_t nsel;
    size_t *sel;
    double *sel_scale, *sel_shift;
    size_t *sel_off; /* byte offset of each selected signal in buf */
    size_t spr;      /* samples per record of the selected group */
    double fs;
    size_t span_lo, span_len; /* byte span of a record read into buf */
    unsigned char *buf;
    size_t loaded;  /* record whose span `cur` points at; SIZE_MAX if none */
    const unsigned char *cur; /* the loaded record's span: in buf or in the mapping */

    /* A window of whole records mapped read-only from the file (edf_decode.c),
       so that records decode straight from the page cache without pread's
       copy; NULL when none is mapped. */
    void *map;
    size_t map_len;           /* bytes mapped */
    uint64_t map_at;          /* file offset of map (a multiple of the page size) */
    size_t map_r0, map_r1;    /* records [map_r0, map_r1) lie wholly inside it */
    int no_map;               /* 1: pread only (mmap failed, or a test asked) */
    size_t pos;     /* next frame */
    size_t cur_seg; /* segment holding pos */
    cramp__edf_dec16x4_fn dec4;
    cramp__edf_dec16x8_fn dec8; /* NULL: four signals at a time only */

    /* The annotation pass. The TALs of records [0, tal_next) are parsed
       (into hdr's annotations, segments and warnings): all of them after an
       open without cramp_recording_options.tals_as_read, else record 0 at
       open and each further one when read() or seek() first reaches it
       (cramp__edf_scan_next), while `scan` holds the pass's state (NULL
       once every record's TALs are in). */
    size_t tal_next;
    size_t tal_lo, tal_len;  /* byte span of the annotation signals in a record */
    struct parse_ctx *scan;
} cramp__edf;

/* Unmaps e's window of records, if any (cramp__edf_free calls it). */
void cramp__edf_unmap(cramp__edf *e);

/* Opens and parses path (header, TALs, segments); *out owned by the caller
 * (cramp__edf_free). Messages name the file and the field. */
cramp_status cramp__edf_parse(const char *path, cramp__edf **out, cramp_error *err);
/* The same; tals_as_read 1: an EDF+/BDF+ whose first and last records' onsets
 * leave no room for a gap gets record 0's TALs only (e->scan then holds the
 * pass for cramp__edf_scan_next); any other file the whole pass. */
cramp_status cramp__edf_parse_as(const char *path, int tals_as_read, cramp__edf **out,
                                 cramp_error *err);
/* Parses record e->tal_next's TALs from span (its bytes from e->tal_lo on,
 * e->tal_len of them; NULL: read here with pread) and brings the header up
 * to date (annotations, segments, warnings; their arrays may move). A bad
 * TAL, an overlap or a read error fails with the message the whole pass at
 * open gives (file, record, signal, field); a TAL error stays: every later
 * call returns it. CRAMP_OK at once when every record's TALs are in.
 * Allocates as the header grows; one thread at a time (the recording's). */
cramp_status cramp__edf_scan_next(cramp__edf *e, const unsigned char *span, cramp_error *err);
void cramp__edf_free(cramp__edf *e);

/* Reads n bytes at off from e's descriptor (pread, retried on EINTR/short
 * reads); 0 on success, -1 with errno set (0 for end of file). */
int cramp__pread_full(int fd, void *buf, size_t n, uint64_t off);

/* Writes all n bytes (retried on EINTR/short writes); 0 or -1 with errno. */
int cramp__write_full(int fd, const void *buf, size_t n);
int cramp__pwrite_full(int fd, const void *buf, size_t n, uint64_t off);

/* Parses [sign] digits [. digits] (at least one digit, nothing else) from
 * s[0..n): sign_mode 0: optional, 1: required (TAL onsets), 2: not allowed
 * (TAL durations). Locale-independent; exact up to 19 significant digits
 * (correctly rounded below 2^53). Returns 1 and *v on success. */
int cramp__edf_parse_decimal(const char *s, size_t n, int sign_mode, double *v);

#endif
