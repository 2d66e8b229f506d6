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
 * the one-read-per-record pass reported it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cramp/recording.h"
/* an internal header: the test links the library's objects, which --wrap reaches */
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

/* Onset of record r as written: gaps of 0.5 s before record 250 and of
 * 2.5 s before record 520. */
static double rec_onset(size_t r)
{
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
        int len = snprintf(tal, sizeof tal, "+%g%c%c", rec_onset(r), 0x14, 0x14) + 1;
        for (size_t a = 0; a < N_ANN; a++)
            if (ANN_REC[a] == r)
                len += snprintf(tal + len, sizeof tal - (size_t)len, "+%g%cev%zu%c",
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

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
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
#if !defined(CRAMP_TEST_WRAP_PREAD)
    printf("  (no --wrap=pread: the file cut during the pass is not tried)\n");
#endif
    rmdir(dir);
    return cramp_test_finish("edf_scan");
}
