/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the EDF tests (edf.c, edf_write.c, edf_threads.c):
 * reading a whole rate group through the cramp API, an independent decoder of
 * the raw bytes (stdio + the EDF formula, nothing from the library), the
 * "equal within float rounding" criterion, and the EDFlib oracle. */
#ifndef CRAMP_EDF_TESTUTIL_H
#define CRAMP_EDF_TESTUTIL_H

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/recording.h"
#include "testutil.h"

#ifdef CRAMP_HAVE_EDFLIB
#include <edflib.h>
#endif

/* Reads every frame of the channels ch[0..n) in blocks of `block` frames
 * (segment ends give short counts). Returns malloc'd interleaved frames and
 * their count, or NULL (with a CHECK failure). */
static inline float *edft_read_all(cramp_recording *r, const size_t *ch, size_t n, size_t block,
                                   size_t *frames)
{
    cramp_error err = {0};
    *frames = 0;
    if (cramp_recording_select(r, ch, n, &err) != CRAMP_OK) {
        CHECK(0, "select: %s", err.message);
        return NULL;
    }
    size_t cap = 1024, len = 0;
    float *x = malloc(cap * n * sizeof *x);
    float *tmp = malloc(block * n * sizeof *tmp);
    if (!x || !tmp) {
        free(x);
        free(tmp);
        return NULL;
    }
    for (;;) {
        size_t got = 0;
        const cramp_status st = cramp_recording_read(r, tmp, block, &got, &err);
        if (st != CRAMP_OK) {
            CHECK(0, "read: %s", err.message);
            break;
        }
        if (got == 0) break;
        if (len + got > cap) {
            while (len + got > cap)
                cap *= 2;
            float *y = realloc(x, cap * n * sizeof *x);
            if (!y) break;
            x = y;
        }
        memcpy(x + len * n, tmp, got * n * sizeof *x);
        len += got;
    }
    free(tmp);
    *frames = len;
    return x;
}

/* Physical values of signal `sig` decoded from the file's bytes with stdio
 * and the EDF formula pmin + (d - dmin) * (pmax - pmin) / (dmax - dmin), times
 * `factor`; *n samples. Knows nothing of the library. */
static inline double *edft_raw_decode(const char *path, size_t sig, double factor, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char h[256];
    double *out = NULL;
    unsigned char *sh = NULL, *rec = NULL;
    if (fread(h, 1, 256, f) != 256) goto done;
    const int bdf = h[0] == 0xFF;
    const size_t bps = bdf ? 3 : 2;
    char tmp[16];
    memcpy(tmp, h + 252, 4);
    tmp[4] = 0;
    const size_t ns = (size_t)atol(tmp);
    memcpy(tmp, h + 236, 8);
    tmp[8] = 0;
    const long nrec = atol(tmp);
    sh = malloc(ns * 256);
    if (!sh || fread(sh, 1, ns * 256, f) != ns * 256 || nrec < 0) goto done;
    size_t rec_bytes = 0, off = 0, spr = 0;
    for (size_t i = 0; i < ns; i++) {
        memcpy(tmp, sh + ns * 216 + 8 * i, 8);
        tmp[8] = 0;
        const size_t s = (size_t)atol(tmp);
        if (i == sig) {
            off = rec_bytes;
            spr = s;
        }
        rec_bytes += s * bps;
    }
    double v[4];
    for (int k = 0; k < 4; k++) {
        memcpy(tmp, sh + ns * (104 + 8 * (size_t)k) + 8 * sig, 8);
        tmp[8] = 0;
        v[k] = strtod(tmp, NULL); /* C locale: tests never call setlocale */
    }
    const double pmin = v[0], pmax = v[1], dmin = v[2], dmax = v[3];
    rec = malloc(rec_bytes);
    out = malloc(((size_t)nrec * spr + 1) * sizeof *out);
    if (!rec || !out) goto done;
    for (long r = 0; r < nrec; r++) {
        if (fread(rec, 1, rec_bytes, f) != rec_bytes) {
            free(out);
            out = NULL;
            goto done;
        }
        for (size_t i = 0; i < spr; i++) {
            const unsigned char *p = rec + off + i * bps;
            long d;
            if (bdf) {
                d = (long)p[0] | ((long)p[1] << 8) | ((long)p[2] << 16);
                if (d >= 0x800000) d -= 0x1000000;
            } else {
                d = (long)p[0] | ((long)p[1] << 8);
                if (d >= 0x8000) d -= 0x10000;
            }
            out[*n] = (pmin + ((double)d - dmin) * (pmax - pmin) / (dmax - dmin)) * factor;
            (*n)++;
        }
    }
done:
    free(sh);
    free(rec);
    fclose(f);
    return out;
}

/* "Equal within float rounding": the float nearest a double reference is at
 * most half a float ulp away; two correct double evaluations of the scaling
 * formula may differ by a few double ulps of the channel's range, which can
 * move the float rounding only by that much. */
static inline int edft_close(float got, double ref, double range)
{
    const double ulp = ref == 0 ? (double)FLT_TRUE_MIN : fabs(ref) * (double)FLT_EPSILON;
    return fabs((double)got - ref) <= 0.5 * ulp * (1 + 1e-9) + 1e-12 * range;
}

static inline double edft_range(const cramp_channel_info *c)
{
    return (fabs(c->phys_max) + fabs(c->phys_min)) * c->to_output;
}

/* Compares a channel's values with a reference; reports the first mismatch. */
static inline void edft_compare(const char *what, const cramp_channel_info *c, const float *got,
                                size_t stride, size_t n_got, const double *ref, size_t n_ref)
{
    CHECK(n_got == n_ref, "%s '%s': %zu samples, reference %zu", what, c->label, n_got, n_ref);
    const size_t n = n_got < n_ref ? n_got : n_ref;
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (!edft_close(got[i * stride], ref[i], edft_range(c))) {
            if (bad++ == 0) first = i;
        }
    CHECK(bad == 0, "%s '%s': %zu of %zu samples differ; first at %zu: %.9g vs %.9g", what,
          c->label, bad, n, first, n ? (double)got[first * stride] : 0.0, n ? ref[first] : 0.0);
}

static inline void edft_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    size_t a = 0;
    while (s[a] == ' ')
        a++;
    memmove(s, s + a, n - a + 1);
}

#ifdef CRAMP_HAVE_EDFLIB
/* EDFlib (Debian libedf-dev) reading the same file: header, signal headers,
 * annotations and every sample of every data signal. Returns 1 if EDFlib
 * opened the file (0: it refused; *edflib_error gets its code). EDFlib keeps
 * global handle tables: call from one thread only. */
static inline int edft_compare_edflib(const char *path, cramp_recording *r, int *edflib_error)
{
    struct edf_hdr_struct *eh = calloc(1, sizeof *eh);
    if (!eh) return 0;
    if (edfopen_file_readonly(path, eh, EDFLIB_READ_ALL_ANNOTATIONS) < 0) {
        *edflib_error = eh->filetype;
        free(eh);
        return 0;
    }
    const cramp_rec_header *h = cramp_recording_header(r);
    const int plain = eh->filetype == EDFLIB_FILETYPE_EDF || eh->filetype == EDFLIB_FILETYPE_BDF;
    /* EDFlib lists annotation signals only when it reads the file as plain
     * EDF/BDF; map its signal k to our channel index. */
    size_t map[EDFLIB_MAXSIGNALS], n = 0;
    for (size_t i = 0; i < h->n_channels && n < EDFLIB_MAXSIGNALS; i++)
        if (plain || !h->channels[i].is_annotation) map[n++] = i;
    CHECK((size_t)eh->edfsignals == n, "%s: EDFlib %d signals, ours %zu", path, eh->edfsignals, n);
    size_t clipped = 0, clipped_ch = 0;
    CHECK(eh->datarecords_in_file == (long long)h->n_records, "%s: records %lld vs %zu", path,
          eh->datarecords_in_file, h->n_records);
    CHECK(llabs(eh->datarecord_duration - llround(h->record_duration_s * 1e7)) <= 0,
          "%s: record duration %lld vs %.9f", path, eh->datarecord_duration, h->record_duration_s);
    CHECK(h->start_valid && eh->startdate_year == h->year && eh->startdate_month == h->month &&
              eh->startdate_day == h->day && eh->starttime_hour == h->hour &&
              eh->starttime_minute == h->minute && eh->starttime_second == h->second,
          "%s: start %04d-%02d-%02d %02d:%02d:%02d vs ours %04d-%02d-%02d %02d:%02d:%02d", path,
          eh->startdate_year, eh->startdate_month, eh->startdate_day, eh->starttime_hour,
          eh->starttime_minute, eh->starttime_second, h->year, h->month, h->day, h->hour, h->minute,
          h->second);
    if (!plain)
        CHECK(llabs(eh->starttime_subsecond - llround(h->start_subsecond * 1e7)) <= 1,
              "%s: subsecond %lld vs %.9f", path, eh->starttime_subsecond, h->start_subsecond);
    if (plain) {
        char p[81];
        snprintf(p, sizeof p, "%s", eh->patient);
        edft_trim(p);
        CHECK(strcmp(p, h->patient) == 0, "%s: patient '%s' vs '%s'", path, p, h->patient);
    }
    for (size_t k = 0; k < n && k < (size_t)eh->edfsignals; k++) {
        const struct edf_param_struct *sp = &eh->signalparam[k];
        const cramp_channel_info *c = &h->channels[map[k]];
        char s[96];
        snprintf(s, sizeof s, "%s", sp->label);
        edft_trim(s);
        CHECK(strcmp(s, c->label) == 0, "%s: label %zu '%s' vs '%s'", path, k, s, c->label);
        snprintf(s, sizeof s, "%s", sp->physdimension);
        edft_trim(s);
        CHECK(strcmp(s, c->file_unit) == 0, "%s: unit '%s' vs '%s'", path, s, c->file_unit);
        snprintf(s, sizeof s, "%s", sp->prefilter);
        edft_trim(s);
        CHECK(strcmp(s, c->prefilter) == 0, "%s: prefilter '%s' vs '%s'", path, s, c->prefilter);
        snprintf(s, sizeof s, "%s", sp->transducer);
        edft_trim(s);
        CHECK(strcmp(s, c->transducer) == 0, "%s: transducer '%s' vs '%s'", path, s, c->transducer);
        CHECK(sp->smp_in_datarecord == (int)c->samples_per_record, "%s: '%s' spr %d vs %zu", path,
              c->label, sp->smp_in_datarecord, c->samples_per_record);
        CHECK(sp->dig_min == c->dig_min && sp->dig_max == c->dig_max, "%s: '%s' digital range",
              path, c->label);
        CHECK(fabs(sp->phys_min - c->phys_min) <= 1e-12 * fabs(c->phys_min) &&
                  fabs(sp->phys_max - c->phys_max) <= 1e-12 * fabs(c->phys_max),
              "%s: '%s' physical range %.17g..%.17g vs %.17g..%.17g", path, c->label, sp->phys_min,
              sp->phys_max, c->phys_min, c->phys_max);
        if (c->is_annotation) continue;
        const long long total = sp->smp_in_file;
        double *ref = malloc(((size_t)total + 1) * sizeof *ref);
        size_t got_n = 0;
        const size_t one = map[k];
        float *got = edft_read_all(r, &one, 1, 997, &got_n);
        if (ref && got) {
            long long done = 0;
            while (done < total) {
                const int want = total - done > 4096 ? 4096 : (int)(total - done);
                const int rd = edfread_physical_samples(eh->handle, (int)k, want, ref + done);
                if (rd <= 0) break;
                done += rd;
            }
            CHECK(done == total, "%s: EDFlib read %lld of %lld", path, done, total);
            for (long long i = 0; i < done; i++)
                ref[i] *= c->to_output;
            /* EDFlib clips digital values outside the header's digital
             * range; cramp scales them like the others (the independent
             * raw decode checks those): clip ours the same way here */
            const double a = c->phys_min * c->to_output, b = c->phys_max * c->to_output;
            const double lo = a < b ? a : b, hi = a < b ? b : a;
            size_t outside = 0;
            for (size_t i = 0; i < got_n; i++) {
                const double v = (double)got[i];
                if (v < lo && !edft_close(got[i], lo, edft_range(c))) {
                    got[i] = (float)lo;
                    outside++;
                } else if (v > hi && !edft_close(got[i], hi, edft_range(c))) {
                    got[i] = (float)hi;
                    outside++;
                }
            }
            clipped += outside;
            clipped_ch += outside > 0;
            char what[1100];
            snprintf(what, sizeof what, "%s vs EDFlib", path);
            edft_compare(what, c, got, 1, got_n, ref, (size_t)done);
        }
        free(ref);
        free(got);
    }
    if (!plain) {
        CHECK(eh->annotations_in_file == (long long)h->n_annotations,
              "%s: EDFlib %lld annotations, ours %zu", path, eh->annotations_in_file,
              h->n_annotations);
        for (long long k = 0; k < eh->annotations_in_file && k < (long long)h->n_annotations; k++) {
            struct edf_annotation_struct a;
            if (edf_get_annotation(eh->handle, (int)k, &a) != 0) break;
            const cramp_annotation *o = &h->annotations[k];
            CHECK(llabs(a.onset - llround(o->onset_s * 1e7)) <= 1,
                  "%s: annotation %lld onset %lld vs %.9f", path, k, a.onset, o->onset_s);
            if (a.duration_l < 0)
                CHECK(o->duration_s < 0, "%s: annotation %lld: duration %.9f, EDFlib none", path, k,
                      o->duration_s);
            else
                CHECK(llabs(a.duration_l - llround(o->duration_s * 1e7)) <= 1,
                      "%s: annotation %lld duration %lld vs %.9f", path, k, a.duration_l,
                      o->duration_s);
            if (strlen(o->text) < EDFLIB_MAX_ANNOTATION_LEN)
                CHECK(strcmp(a.annotation, o->text) == 0, "%s: annotation %lld '%s' vs '%s'", path,
                      k, a.annotation, o->text);
        }
    }
    if (clipped)
        printf("  %s: %zu samples in %zu signals outside the digital range (EDFlib clips them)\n",
               path, clipped, clipped_ch);
    edfclose_file(eh->handle);
    free(eh);
    return 1;
}
#endif

#endif
