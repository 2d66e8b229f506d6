/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The EDF+ annotation pass at open (io/edf_read.c, scan_annotations) over
 * many records, in both of its ways of reading: small records (260 bytes)
 * are read many per pread, large ones (4260 bytes: more than 4 KB between
 * two records' annotation bytes) one annotation span per pread. The same
 * EDF+D night in both layouts (600 records of 1 s, gaps at records 250 and
 * 520, annotations around the first batch's end and in the last record)
 * must give the same annotations and segments as written; a record that
 * overlaps its predecessor, or a malformed TAL, deep in the file must be
 * named by its own record number; and (on Linux with GNU ld's --wrap) a file
 * cut while the pass reads it must fail at the record the cut reaches, as
 * the one-read-per-record pass reported it.
 *
 * TALs as read (cramp_recording_options.tals_as_read, h16i): the open reads
 * two records' annotation bytes, not every record's; read() parses the rest
 * as it reaches the records, and after the last frame the header is the
 * whole pass's (annotations, segments, warnings). The EDF+D night keeps the
 * whole pass at open; a gap its ends do not show (the other steps short of
 * a record within the rounding tolerance) ends a segment where read() finds
 * it, and the night driver refuses it there naming the record; a bad
 * time-keeping TAL or an overlap in record 400 fails the read() that
 * reaches it with the open's message, and every read() after; a seek()
 * past the hidden gap finds it, one to the end completes the header; and
 * the reader's pread path (no mapping) ends with the open's header too. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cramp/night.h"
#include "cramp/recording.h"
/* an internal header: the test links the library's objects, which --wrap reaches */
#include "io/edf_internal.h"
#include "io/recording_internal.h"
#include "testutil.h"

enum { NREC = 600, ANN_SPR = 30 };

typedef struct file {
    unsigned char *b;
    size_t n, hb, rb, data_bytes;
} file;

static void put(unsigned char *p, size_t w, const char *s)
{
    memset(p, ' ', w);
    memcpy(p, s, strlen(s) < w ? strlen(s) : w);
}

/* The onsets written: 0 the EDF+D night, 1 continuous, 2 a gap of 0.06 s
 * before record 300 that the ends do not show (the other steps 0.1 ms
 * short of a record: rounding at 100 Hz and 2100 Hz). */
static int layout;
enum { HIDDEN_GAP = 300 };

/* Onset of record r as written: gaps of 0.5 s before record 250 and of
 * 2.5 s before record 520 (layout 0). */
static double rec_onset(size_t r)
{
    if (layout == 1) return (double)r;
    if (layout == 2) return (double)r * (1 - 0.06 / (NREC - 1)) + (r >= HIDDEN_GAP ? 0.06 : 0);
    return (double)r + (r >= 250 ? 0.5 : 0) + (r >= 520 ? 2.5 : 0);
}

/* Records holding an annotation (at their onset + 0.25 s, text "evR"). */
static const size_t ANN_REC[] = {1, 249, 250, 251, 252, 253, 505, 599};
#define N_ANN (sizeof ANN_REC / sizeof ANN_REC[0])

/* An EDF+D file of one data signal of data_spr samples per record and an
 * annotation signal. */
static file make(size_t data_spr)
{
    file f;
    f.hb = 256 * 3;
    f.data_bytes = data_spr * 2;
    f.rb = f.data_bytes + ANN_SPR * 2;
    f.n = f.hb + NREC * f.rb;
    f.b = calloc(1, f.n);
    unsigned char *h = f.b;
    char num[32];
    put(h, 8, "0");
    put(h + 8, 80, "X X X X");
    put(h + 88, 80, "Startdate 02-MAR-2021 X X X");
    put(h + 168, 8, "02.03.21");
    put(h + 176, 8, "10.20.30");
    snprintf(num, sizeof num, "%zu", f.hb);
    put(h + 184, 8, num);
    put(h + 192, 44, "EDF+D");
    snprintf(num, sizeof num, "%d", NREC);
    put(h + 236, 8, num);
    put(h + 244, 8, "1");
    put(h + 252, 4, "2");
    unsigned char *s = h + 256;
    for (size_t i = 0; i < 2; i++) {
        put(s + 0 * 2 + 16 * i, 16, i == 0 ? "EMG" : "EDF Annotations");
        put(s + 16 * 2 + 80 * i, 80, "");
        put(s + 96 * 2 + 8 * i, 8, i == 0 ? "uV" : "");
        put(s + 104 * 2 + 8 * i, 8, i == 0 ? "-500" : "-1");
        put(s + 112 * 2 + 8 * i, 8, i == 0 ? "500" : "1");
        put(s + 120 * 2 + 8 * i, 8, "-32768");
        put(s + 128 * 2 + 8 * i, 8, "32767");
        put(s + 136 * 2 + 80 * i, 80, "");
        snprintf(num, sizeof num, "%zu", i == 0 ? data_spr : (size_t)ANN_SPR);
        put(s + 216 * 2 + 8 * i, 8, num);
        put(s + 224 * 2 + 32 * i, 32, "");
    }
    for (size_t r = 0; r < NREC; r++) {
        unsigned char *rec = f.b + f.hb + r * f.rb;
        for (size_t k = 0; k < f.data_bytes; k++)
            rec[k] = (unsigned char)(r * 7 + k);
        char tal[ANN_SPR * 2];
        int len = snprintf(tal, sizeof tal, layout == 2 ? "+%.7f%c%c" : "+%g%c%c",
                           rec_onset(r), 0x14, 0x14) + 1;
        for (size_t a = 0; a < N_ANN; a++)
            if (ANN_REC[a] == r)
                len += snprintf(tal + len, sizeof tal - (size_t)len,
                                layout == 2 ? "+%.7f%cev%zu%c" : "+%g%cev%zu%c",
                                rec_onset(r) + 0.25, 0x14, r, 0x14) + 1;
        memcpy(rec + f.data_bytes, tal, (size_t)len);
    }
    return f;
}

static char dir[256];

static const char *write_file(const char *name, const file *f)
{
    const char *path = test_path_in(dir, name);
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(f->b, 1, f->n, fp);
        fclose(fp);
    }
    return path;
}

/* Annotations and segments as written. */
static void check_night(const char *name, const file *f)
{
    const char *path = write_file(name, f);
    cramp_recording *r = NULL;
    cramp_error err = {0};
    CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "%s: %s", name, err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->n_records == NREC && h->n_warnings == 0, "%s: %zu records, %zu warnings", name,
          h->n_records, h->n_warnings);
    CHECK(h->n_annotations == N_ANN, "%s: %zu annotations, expected %zu", name, h->n_annotations,
          N_ANN);
    for (size_t a = 0; a < N_ANN && a < h->n_annotations; a++) {
        char text[32];
        snprintf(text, sizeof text, "ev%zu", ANN_REC[a]);
        CHECK(h->annotations[a].onset_s == rec_onset(ANN_REC[a]) + 0.25 &&
                  strcmp(h->annotations[a].text, text) == 0,
              "%s: annotation %zu: %.6f s '%s', expected %.6f s '%s'", name, a,
              h->annotations[a].onset_s, h->annotations[a].text, rec_onset(ANN_REC[a]) + 0.25,
              text);
    }
    static const size_t first[] = {0, 250, 520}, count[] = {250, 270, 80};
    CHECK(h->n_segments == 3, "%s: %zu segments, expected 3", name, h->n_segments);
    for (size_t k = 0; k < 3 && k < h->n_segments; k++)
        CHECK(h->segments[k].first_record == first[k] && h->segments[k].n_records == count[k] &&
                  h->segments[k].onset_s == rec_onset(first[k]) &&
                  h->segments[k].duration_s == (double)count[k],
              "%s: segment %zu: records %zu + %zu at %.6f s", name, k,
              h->segments[k].first_record, h->segments[k].n_records, h->segments[k].onset_s);
    cramp_recording_close(r);
    unlink(path);
}

/* Opening fails (or warns, when `warning`) with a message naming every needle. */
static void check_message(const char *name, const file *f, int warning, const char *n1,
                          const char *n2)
{
    const char *path = write_file(name, f);
    cramp_recording *r = NULL;
    cramp_error err = {0};
    const cramp_status st = cramp_recording_open(&r, path, NULL, &err);
    const char *msg = err.message;
    if (warning) {
        CHECK(st == CRAMP_OK, "%s: %s", name, err.message);
        msg = r && cramp_recording_header(r)->n_warnings > 0
                  ? cramp_recording_header(r)->warnings[0]
                  : "";
    } else {
        CHECK(st != CRAMP_OK && r == NULL, "%s: opened", name);
    }
    printf("  %-14s %s\n", name, strstr(msg, name) ? strstr(msg, name) : msg);
    CHECK(strstr(msg, n1) && (!n2 || strstr(msg, n2)), "%s: message lacks '%s'/'%s': %s", name,
          n1, n2 ? n2 : "", msg);
    if (r) cramp_recording_close(r);
    unlink(path);
}

#if defined(CRAMP_TEST_WRAP_PREAD)
/* Linked with -Wl,--wrap=pread: the library's pread calls come here. The
 * first read that reaches past cut_from truncates the file to cut_to. */
ssize_t __real_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off);
static const char *cut_path;
static off_t cut_from, cut_to;
static size_t n_pread; /* the library's preads */

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
    n_pread++;
    if (cut_path && off + (off_t)n > cut_from) {
        CHECK(truncate(cut_path, cut_to) == 0, "truncate %s", cut_path);
        cut_path = NULL;
    }
    return __real_pread(fd, buf, n, off);
}

/* The file is cut, during the pass, in record 305's data (before its
 * annotation bytes) when the pass first reads past record 300's start. */
static void check_cut(const char *name, const file *f)
{
    const char *path = write_file(name, f);
    cut_from = (off_t)(f->hb + 300 * f->rb);
    cut_to = (off_t)(f->hb + 305 * f->rb + 10);
    cut_path = path;
    cramp_recording *r = NULL;
    cramp_error err = {0};
    const cramp_status st = cramp_recording_open(&r, path, NULL, &err);
    CHECK(cut_path == NULL, "%s: the pass never read past record 300", name);
    cut_path = NULL;
    CHECK(st == CRAMP_EIO && r == NULL, "%s: status %d", name, (int)st);
    printf("  %-14s %s\n", name, strstr(err.message, name) ? strstr(err.message, name) : "");
    CHECK(strstr(err.message, "data record 305: read failed: unexpected end of file") != NULL,
          "%s: %s", name, err.message);
    if (r) cramp_recording_close(r);
    unlink(path);
}
#endif

/* Opens path with or without the TALs as read; NULL on failure (message in err). */
static cramp_recording *open_as(const char *path, int as_read, cramp_error *err)
{
    cramp_recording_options opt;
    cramp_recording_options_default(&opt);
    opt.tals_as_read = as_read;
    cramp_recording *r = NULL;
    memset(err, 0, sizeof *err);
    return cramp_recording_open(&r, path, &opt, err) == CRAMP_OK ? r : NULL;
}

/* Reads r's channel 0 to the end or the first error: the frames read, the
 * short counts before the end (segments' ends) at *ends (their frame at
 * stops[], up to 4), the status. */
static cramp_status read_all(cramp_recording *r, size_t *total, size_t *ends, size_t stops[4],
                             cramp_error *err)
{
    const size_t ch = 0, want = 4096;
    static float buf[4096];
    *total = *ends = 0;
    cramp_status st = cramp_recording_select(r, &ch, 1, err);
    for (size_t k = 1; st == CRAMP_OK && k > 0;) {
        st = cramp_recording_read(r, buf, want, &k, err);
        *total += k;
        if (st == CRAMP_OK && k > 0 && k < want) {
            if (*ends < 4) stops[*ends] = *total;
            ++*ends;
        }
    }
    /* the recording's own end is no segment's */
    if (st == CRAMP_OK && *ends > 0 && *ends <= 4 && stops[*ends - 1] == *total) --*ends;
    return st;
}

/* The header after reading every frame with the TALs as read against the
 * whole pass's at open: annotations, segments, warnings the same. */
static void same_header(const char *name, const cramp_rec_header *a, const cramp_rec_header *b)
{
    CHECK(a->n_annotations == b->n_annotations && a->n_segments == b->n_segments &&
              a->n_warnings == b->n_warnings && a->duration_s == b->duration_s &&
              a->start_subsecond == b->start_subsecond,
          "%s: %zu/%zu annotations, %zu/%zu segments, %zu/%zu warnings as read / at open", name,
          a->n_annotations, b->n_annotations, a->n_segments, b->n_segments, a->n_warnings,
          b->n_warnings);
    for (size_t k = 0; k < a->n_annotations && k < b->n_annotations; k++)
        CHECK(a->annotations[k].onset_s == b->annotations[k].onset_s &&
                  a->annotations[k].duration_s == b->annotations[k].duration_s &&
                  strcmp(a->annotations[k].text, b->annotations[k].text) == 0,
              "%s: annotation %zu: %.7f '%s' as read, %.7f '%s' at open", name, k,
              a->annotations[k].onset_s, a->annotations[k].text, b->annotations[k].onset_s,
              b->annotations[k].text);
    for (size_t k = 0; k < a->n_segments && k < b->n_segments; k++)
        CHECK(a->segments[k].first_record == b->segments[k].first_record &&
                  a->segments[k].n_records == b->segments[k].n_records &&
                  a->segments[k].onset_s == b->segments[k].onset_s &&
                  a->segments[k].duration_s == b->segments[k].duration_s,
              "%s: segment %zu differs", name, k);
    for (size_t k = 0; k < a->n_warnings && k < b->n_warnings; k++)
        CHECK(strcmp(a->warnings[k], b->warnings[k]) == 0, "%s: warning %zu: '%s' / '%s'", name,
              k, a->warnings[k], b->warnings[k]);
}

/* f with its TALs as read: the open reads 2 records' TALs (when defer), the
 * reads find `ends` segment ends (the first at frame stop), and after the
 * last frame the header is the open's whole pass's. */
static void check_as_read(const char *name, const file *f, size_t ends, size_t stop, int defer)
{
    const char *path = write_file(name, f);
    cramp_error err;
    cramp_recording *whole = open_as(path, 0, &err);
    CHECK(whole != NULL, "%s: %s", name, err.message);
#if defined(CRAMP_TEST_WRAP_PREAD)
    n_pread = 0;
#endif
    cramp_recording *r = open_as(path, 1, &err);
    CHECK(r != NULL, "%s: as read: %s", name, err.message);
    if (!whole || !r) {
        cramp_recording_close(whole);
        cramp_recording_close(r);
        return;
    }
    const cramp_rec_header *h = cramp_recording_header(r);
#if defined(CRAMP_TEST_WRAP_PREAD)
    /* the header's 2, the two ends' annotation bytes (not 600 records') */
    CHECK(defer ? n_pread <= 4 : n_pread > 4, "%s: %zu preads at open", name, n_pread);
#endif
    CHECK(defer ? h->n_segments == 1 && h->segments[0].n_records == NREC &&
                      h->n_annotations == 0
                : h->n_segments == cramp_recording_header(whole)->n_segments,
          "%s: at open %zu segments, %zu annotations", name, h->n_segments, h->n_annotations);
    size_t total = 0, n_ends = 0, stops[4] = {0};
    const cramp_status st = read_all(r, &total, &n_ends, stops, &err);
    const size_t spr = f->data_bytes / 2;
    CHECK(st == CRAMP_OK && total == NREC * spr && n_ends == ends && (!ends || stops[0] == stop),
          "%s: status %d, %zu frames, %zu segment ends (first at %zu, expected %zu): %s", name,
          (int)st, total, n_ends, stops[0], stop, err.message);
    same_header(name, h, cramp_recording_header(whole));
    printf("  %-14s as read: %zu annotations, %zu segments\n", name, h->n_annotations,
           h->n_segments);
    cramp_recording_close(r);
    cramp_recording_close(whole);
    unlink(path);
}

/* A bad record 400: the open with the whole pass fails with msg; with the
 * TALs as read, the read that reaches record 400 fails with msg after
 * record 399's last frame, and the next read again. */
static void check_as_read_error(const char *name, const file *f)
{
    const char *path = write_file(name, f);
    cramp_error err;
    cramp_recording *whole = open_as(path, 0, &err);
    char msg[sizeof err.message];
    snprintf(msg, sizeof msg, "%s", err.message);
    CHECK(whole == NULL && strstr(msg, "data record 400") != NULL, "%s: at open: %s", name, msg);
    cramp_recording_close(whole);
    cramp_recording *r = open_as(path, 1, &err);
    CHECK(r != NULL, "%s: as read: %s", name, err.message);
    if (!r) return;
    size_t total = 0, n_ends = 0, stops[4];
    cramp_status st = read_all(r, &total, &n_ends, stops, &err);
    CHECK(st == CRAMP_EFORMAT && total == 400 * (f->data_bytes / 2) &&
              strcmp(err.message, msg) == 0,
          "%s: status %d after %zu frames: '%s', expected '%s'", name, (int)st, total,
          err.message, msg);
    float x[16];
    size_t k = 1;
    memset(&err, 0, sizeof err);
    st = cramp_recording_read(r, x, 16, &k, &err);
    CHECK(st == CRAMP_EFORMAT && k == 0 && strcmp(err.message, msg) == 0,
          "%s: the next read: status %d, %zu frames: %s", name, (int)st, k, err.message);
    printf("  %-14s as read: %s\n", name, strstr(msg, name) ? strstr(msg, name) : msg);
    cramp_recording_close(r);
    unlink(path);
}

/* TALs as read through pread (the reader's path where the file cannot be
 * mapped, edf_decode.c): after the last frame the header is the open's. */
static void check_as_read_pread(const char *name, const file *f)
{
    const char *path = write_file(name, f);
    cramp_error err = {0};
    cramp_recording *whole = open_as(path, 0, &err);
    cramp_recording_options opt;
    cramp_recording_options_default(&opt);
    opt.tals_as_read = 1;
    void *impl = NULL;
    const cramp_rec_header *h = NULL;
    const cramp__rec_ops *ops = NULL;
    const int ok = whole && cramp__edf_open(path, &opt, &impl, &h, &ops, &err) == CRAMP_OK;
    CHECK(ok, "%s: %s", name, err.message);
    if (ok) {
        ((cramp__edf *)impl)->no_map = 1;
        const size_t ch = 0;
        static float buf[4096];
        size_t k = 1, total = 0;
        cramp_status st = ops->select(impl, &ch, 1, &err);
        while (st == CRAMP_OK && k > 0) {
            st = ops->read(impl, buf, 4096, &k, &err);
            total += k;
        }
        CHECK(st == CRAMP_OK && total == NREC * (f->data_bytes / 2), "%s: %zu frames: %s", name,
              total, err.message);
        same_header(name, h, cramp_recording_header(whole));
        ops->close(impl);
    }
    cramp_recording_close(whole);
    unlink(path);
}

/* TALs as read and seek(): a seek past the hidden gap finds it (two
 * segments, tell() after the gap), a seek to the end completes the header. */
static void check_as_read_seek(const char *name, const file *f)
{
    const char *path = write_file(name, f);
    cramp_error err;
    cramp_recording *whole = open_as(path, 0, &err);
    cramp_recording *r = open_as(path, 1, &err);
    CHECK(whole && r, "%s: %s", name, err.message);
    const size_t ch = 0, spr = f->data_bytes / 2;
    if (whole && r && cramp_recording_select(r, &ch, 1, &err) == CRAMP_OK) {
        const cramp_rec_header *h = cramp_recording_header(r);
        cramp_status st = cramp_recording_seek(r, (HIDDEN_GAP + 10) * spr, &err);
        double t = 0;
        cramp_recording_tell(r, NULL, &t);
        CHECK(st == CRAMP_OK && h->n_segments == 2 && h->segments[1].first_record == HIDDEN_GAP &&
                  t == h->segments[1].onset_s + 10.0,
              "%s: seek past the gap: status %d, %zu segments, tell %.7f s", name, (int)st,
              h->n_segments, t);
        st = cramp_recording_seek(r, NREC * spr, &err);
        CHECK(st == CRAMP_OK, "%s: seek to the end: %s", name, err.message);
        same_header(name, h, cramp_recording_header(whole));
    }
    cramp_recording_close(r);
    cramp_recording_close(whole);
    unlink(path);
}

/* The night driver on a gap the ends do not show: refused where the run
 * finds it, the record named. */
static void check_night_gap(const char *name, const file *f)
{
    const char *path = write_file(name, f);
    cramp_error err;
    cramp_recording *r = open_as(path, 1, &err);
    CHECK(r != NULL, "%s: %s", name, err.message);
    if (!r) return;
    cramp_night_result res;
    memset(&err, 0, sizeof err);
    const cramp_status st = cramp_night_run_recording(r, NULL, &res, &err);
    char want[64];
    snprintf(want, sizeof want, "data record %d starts a segment", HIDDEN_GAP);
    CHECK(st == CRAMP_EUNSUPPORTED && strstr(err.message, want) != NULL, "%s: status %d: %s",
          name, (int)st, err.message);
    printf("  %-14s night: %s\n", name, err.message);
    cramp_recording_close(r);
    unlink(path);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cramp_edf_scan_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    static const size_t data_spr[2] = {100, 2100}; /* 260- and 4260-byte records */
    for (int k = 0; k < 2; k++) {
        file f = make(data_spr[k]);
        char name[32];
        snprintf(name, sizeof name, "night%zu.edf", f.rb);
        check_night(name, &f);

        /* record 400 starts inside record 399 */
        file o = f;
        o.b = malloc(f.n);
        memcpy(o.b, f.b, f.n);
        char tal[16];
        const int len = snprintf(tal, sizeof tal, "+%g%c%c", rec_onset(399) + 0.5, 0x14, 0x14);
        memcpy(o.b + o.hb + 400 * o.rb + o.data_bytes, tal, (size_t)len + 1);
        snprintf(name, sizeof name, "overlap%zu.edf", f.rb);
        check_message(name, &o, 0, "data record 400 starts", "overlap");

        /* record 505's annotation: "+505.25" -> "x505.25" */
        memcpy(o.b, f.b, f.n);
        unsigned char *ann = o.b + o.hb + 505 * o.rb + o.data_bytes;
        ann[strlen((const char *)ann) + 1] = 'x';
        snprintf(name, sizeof name, "badtal%zu.edf", f.rb);
        check_message(name, &o, 1, "data record 505, signal 2", "malformed TAL");
        free(o.b);

#if defined(CRAMP_TEST_WRAP_PREAD)
        snprintf(name, sizeof name, "cut%zu.edf", f.rb);
        check_cut(name, &f);
#endif
        free(f.b);
    }
    /* TALs as read */
    for (int k = 0; k < 2; k++) {
        char name[32];
        layout = 0; /* EDF+D: the whole pass at open */
        file f = make(data_spr[k]);
        snprintf(name, sizeof name, "readd%zu.edf", f.rb);
        check_as_read(name, &f, 2, 250 * (f.data_bytes / 2), 0);
        free(f.b);
        layout = 1;
        f = make(data_spr[k]);
        snprintf(name, sizeof name, "readc%zu.edf", f.rb);
        check_as_read(name, &f, 0, 0, 1);
        /* a malformed TAL (a warning) in record 505 */
        file o = f;
        o.b = malloc(f.n);
        memcpy(o.b, f.b, f.n);
        unsigned char *ann = o.b + o.hb + 505 * o.rb + o.data_bytes;
        ann[strlen((const char *)ann) + 1] = 'x';
        snprintf(name, sizeof name, "readw%zu.edf", f.rb);
        check_as_read(name, &o, 0, 0, 1);
        /* record 400: a bad time-keeping TAL, an overlap */
        memcpy(o.b, f.b, f.n);
        o.b[o.hb + 400 * o.rb + o.data_bytes] = 'x';
        snprintf(name, sizeof name, "readt%zu.edf", f.rb);
        check_as_read_error(name, &o);
        memcpy(o.b, f.b, f.n);
        char tal[16];
        const int len = snprintf(tal, sizeof tal, "+%g%c%c", 399.5, 0x14, 0x14);
        memcpy(o.b + o.hb + 400 * o.rb + o.data_bytes, tal, (size_t)len + 1);
        snprintf(name, sizeof name, "reado%zu.edf", f.rb);
        check_as_read_error(name, &o);
        free(o.b);
        free(f.b);
        layout = 2;
        f = make(data_spr[k]);
        snprintf(name, sizeof name, "readg%zu.edf", f.rb);
        check_as_read(name, &f, 1, HIDDEN_GAP * (f.data_bytes / 2), 1);
        if (k == 1) check_night_gap(name, &f);
        check_as_read_seek(name, &f);
        snprintf(name, sizeof name, "readp%zu.edf", f.rb);
        check_as_read_pread(name, &f);
        free(f.b);
    }
#if !defined(CRAMP_TEST_WRAP_PREAD)
    printf("  (no --wrap=pread: the file cut during the pass is not tried)\n");
#endif
    rmdir(dir);
    return cramp_test_finish("edf_scan");
}
