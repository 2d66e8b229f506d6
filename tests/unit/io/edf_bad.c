/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Malformed EDF/BDF input: a good EDF+C file is built here byte by byte, then
 * one header field at a time is broken (or the file cut, emptied, replaced by
 * a directory). Each must fail with a non-OK status, no recording, and a
 * message naming the file and the field; lenient cases (invalid start date,
 * a trailing partial record, "number of data records" -1, a gap in EDF+C) must
 * open with a warning. Also replays every input under tests/data/fuzz_regress/edf
 * (crashes the fuzzer once found): each must open or fail cleanly. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "io/recording_internal.h"
#include "testutil.h"

#define NS   3 /* two data signals and "EDF Annotations" */
#define NREC 3

static const size_t SPR[NS] = {10, 5, 30};

typedef struct file {
    unsigned char *b;
    size_t n;
} file;

static void put(unsigned char *p, size_t w, const char *s)
{
    memset(p, ' ', w);
    memcpy(p, s, strlen(s) < w ? strlen(s) : w);
}

/* Signal-header field offsets (field-major layout). */
static size_t sig_off(size_t field_off, size_t width, size_t i)
{
    return 256 + NS * field_off + width * i;
}

static size_t record_bytes(void)
{
    size_t n = 0;
    for (int i = 0; i < NS; i++)
        n += SPR[i] * 2;
    return n;
}

/* A good EDF+C file: signals "EMG1" (10 Hz), "EMG2" (5 Hz), annotations; one
 * annotation in record 1. onsets[] gives each record's time-keeping onset. */
static file good(const double *onsets)
{
    file f;
    const size_t hb = 256 * (NS + 1), rb = record_bytes();
    f.n = hb + NREC * rb;
    f.b = calloc(1, f.n);
    unsigned char *h = f.b;
    put(h, 8, "0");
    put(h + 8, 80, "X X X X");
    put(h + 88, 80, "Startdate 02-MAR-2021 X X X");
    put(h + 168, 8, "02.03.21");
    put(h + 176, 8, "10.20.30");
    char num[32];
    snprintf(num, sizeof num, "%zu", hb);
    put(h + 184, 8, num);
    put(h + 192, 44, "EDF+C");
    put(h + 236, 8, "3");
    put(h + 244, 8, "1");
    put(h + 252, 4, "3");
    static const char *const labels[NS] = {"EMG1", "EMG2", "EDF Annotations"};
    for (size_t i = 0; i < NS; i++) {
        put(h + sig_off(0, 16, i), 16, labels[i]);
        put(h + sig_off(16, 80, i), 80, "");
        put(h + sig_off(96, 8, i), 8, i < 2 ? "uV" : "");
        put(h + sig_off(104, 8, i), 8, i < 2 ? "-500" : "-1");
        put(h + sig_off(112, 8, i), 8, i < 2 ? "500" : "1");
        put(h + sig_off(120, 8, i), 8, "-32768");
        put(h + sig_off(128, 8, i), 8, "32767");
        put(h + sig_off(136, 80, i), 80, i < 2 ? "HP:10Hz" : "");
        snprintf(num, sizeof num, "%zu", SPR[i]);
        put(h + sig_off(216, 8, i), 8, num);
        put(h + sig_off(224, 32, i), 32, "");
    }
    for (size_t r = 0; r < NREC; r++) {
        unsigned char *rec = f.b + hb + r * rb;
        for (size_t k = 0; k < (SPR[0] + SPR[1]) * 2; k++)
            rec[k] = (unsigned char)(r * 31 + k);
        char tal[64];
        int len = snprintf(tal, sizeof tal, "+%g%c%c", onsets ? onsets[r] : (double)r, 0x14, 0x14);
        memcpy(rec + (SPR[0] + SPR[1]) * 2, tal, (size_t)len + 1);
        if (r == 1) {
            char a[32];
            const int al = snprintf(a, sizeof a, "+1.5%cmark%c", 0x14, 0x14);
            memcpy(rec + (SPR[0] + SPR[1]) * 2 + len + 1, a, (size_t)al + 1);
        }
    }
    return f;
}

static char dir[256];

static const char *write_file(const char *name, const file *f)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (fp) {
        if (f->n) fwrite(f->b, 1, f->n, fp);
        fclose(fp);
    }
    return path;
}

/* Opens, expects failure naming the path and every needle. */
static void expect_fail(const char *name, const file *f, const char *n1, const char *n2)
{
    const char *path = write_file(name, f);
    cramp_recording *r = (cramp_recording *)1;
    cramp_error err = {0};
    const cramp_status st = cramp_recording_open(&r, path, NULL, &err);
    CHECK(st != CRAMP_OK, "%s: opened", name);
    printf("  %-20s %s\n", name,
           err.message + (strncmp(err.message, dir, strlen(dir)) == 0 ? strlen(dir) + 1 : 0));
    CHECK(r == NULL, "%s: recording not NULL on failure", name);
    CHECK(err.status == st, "%s: error status %d vs %d", name, (int)err.status, (int)st);
    CHECK(strstr(err.message, path) != NULL, "%s: message does not name the file: %s", name,
          err.message);
    CHECK(!n1 || strstr(err.message, n1), "%s: message lacks '%s': %s", name, n1, err.message);
    CHECK(!n2 || strstr(err.message, n2), "%s: message lacks '%s': %s", name, n2, err.message);
    if (st == CRAMP_OK) cramp_recording_close(r);
    unlink(path);
}

static cramp_recording *expect_ok(const char *name, const file *f, const char *warning)
{
    const char *path = write_file(name, f);
    cramp_recording *r = NULL;
    cramp_error err = {0};
    const cramp_status st = cramp_recording_open(&r, path, NULL, &err);
    CHECK(st == CRAMP_OK, "%s: %s", name, err.message);
    if (st != CRAMP_OK) return NULL;
    const cramp_rec_header *h = cramp_recording_header(r);
    int found = warning == NULL;
    for (size_t i = 0; i < h->n_warnings; i++)
        if (warning && strstr(h->warnings[i], warning) && strstr(h->warnings[i], path)) found = 1;
    CHECK(found, "%s: no warning naming the file and '%s' (%zu warnings)", name,
          warning ? warning : "", h->n_warnings);
    unlink(path);
    return r;
}

static file copy(const file *g)
{
    file f = {malloc(g->n), g->n};
    memcpy(f.b, g->b, g->n);
    return f;
}

/* A copy with field (off, width) set to value. */
static void case_field(const file *g, const char *name, size_t off, size_t w, const char *value,
                       const char *n1, const char *n2)
{
    file f = copy(g);
    put(f.b + off, w, value);
    expect_fail(name, &f, n1, n2);
    free(f.b);
}

static void replay_fuzz_regressions(void)
{
    DIR *d = opendir(CRAMP_FUZZ_REGRESS_DIR "/edf");
    if (!d) return;
    struct dirent *de;
    size_t n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/edf/%s", CRAMP_FUZZ_REGRESS_DIR, de->d_name);
        cramp_recording *r = NULL;
        cramp_error err = {0};
        if (cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK) {
            const cramp_rec_header *h = cramp_recording_header(r);
            for (size_t i = 0; i < h->n_channels; i++) {
                if (h->channels[i].is_annotation) continue;
                if (cramp_recording_select(r, &i, 1, &err) != CRAMP_OK) continue;
                float buf[512];
                size_t got;
                while (cramp_recording_read(r, buf, 512, &got, &err) == CRAMP_OK && got > 0) {
                }
            }
            cramp_recording_close(r);
            /* as the fuzzer does: an annotated copy of what opens must open */
            char copy[1100];
            snprintf(copy, sizeof copy, "%s/fuzz-copy.edf", dir);
            const cramp_annotation a = {0.5, 1.0, "fuzz", "ch"};
            if (cramp_edf_copy_annotated(path, copy, &a, 1, &err) == CRAMP_OK) {
                CHECK(cramp_recording_open(&r, copy, NULL, &err) == CRAMP_OK,
                      "fuzz input %s: its copy does not open: %s", de->d_name, err.message);
                cramp_recording_close(r);
                unlink(copy);
            }
        } else {
            CHECK(strstr(err.message, path) != NULL, "fuzz input %s: message %s", de->d_name,
                  err.message);
        }
        n++;
    }
    closedir(d);
    printf("edf_bad: %zu fuzz regression inputs replayed\n", n);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cramp_edf_bad_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const file g = good(NULL);

    /* the good file itself */
    cramp_recording *r = expect_ok("good.edf", &g, NULL);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 3 && h->n_records == 3 && h->n_annotations == 1 &&
                  h->n_warnings == 0 && h->start_valid && h->year == 2021,
              "good file header");
        CHECK(h->n_annotations == 1 && h->annotations[0].onset_s == 1.5 &&
                  strcmp(h->annotations[0].text, "mark") == 0,
              "good file annotation");
        cramp_recording_close(r);
    }

    /* empty file, directory, missing file */
    const file empty = {NULL, 0};
    expect_fail("empty.edf", &empty, "empty", NULL);
    {
        cramp_recording *rr = NULL;
        cramp_error err = {0};
        CHECK(cramp_recording_open(&rr, dir, NULL, &err) != CRAMP_OK && rr == NULL &&
                  strstr(err.message, dir) && strstr(err.message, "directory"),
              "directory: %s", err.message);
        char missing[512];
        snprintf(missing, sizeof missing, "%s/missing.edf", dir);
        CHECK(cramp_recording_open(&rr, missing, NULL, &err) != CRAMP_OK && rr == NULL &&
                  strstr(err.message, missing),
              "missing file: %s", err.message);
    }

    /* truncated: in the fixed header, in the signal headers, in the data */
    file t = copy(&g);
    t.n = 100;
    expect_fail("trunc_fixed.edf", &t, "truncated in the header", NULL);
    t.n = 256 + 300;
    expect_fail("trunc_signals.edf", &t, "truncated in the header", "number of signals");
    t.n = g.n - 7;
    expect_fail("trunc_data.edf", &t, "number of data records", "truncated");
    t.n = g.n - record_bytes();
    expect_fail("trunc_record.edf", &t, "number of data records", "truncated");
    free(t.b);

    /* the version field (reached through the EDF backend: a file that does
     * not start like EDF is handed to libsndfile) */
    {
        file f = copy(&g);
        put(f.b, 8, "1");
        const char *path = write_file("version.edf", &f);
        void *impl = NULL;
        const cramp_rec_header *hh = NULL;
        const cramp__rec_ops *ops = NULL;
        cramp_error err = {0};
        CHECK(cramp__edf_open(path, NULL, &impl, &hh, &ops, &err) == CRAMP_EFORMAT &&
                  strstr(err.message, "'version'") && strstr(err.message, path),
              "version: %s", err.message);
        unlink(path);
        free(f.b);
    }

    /* fixed-header numbers */
    case_field(&g, "hdrbytes.edf", 184, 8, "768", "number of bytes in header record", "1024");
    case_field(&g, "hdrbytes_text.edf", 184, 8, "1k", "number of bytes in header record", NULL);
    case_field(&g, "ns_text.edf", 252, 4, "3x", "number of signals", NULL);
    case_field(&g, "ns_zero.edf", 252, 4, "0", "number of signals", ">= 1");
    case_field(&g, "ns_neg.edf", 252, 4, "-3", "number of signals", NULL);
    {
        file f = copy(&g);
        put(f.b + 252, 4, "9999");
        put(f.b + 184, 8, "2560000");
        expect_fail("ns_absurd.edf", &f, "number of signals", "truncated in the header");
        free(f.b);
    }
    case_field(&g, "nrec_text.edf", 236, 8, "three", "number of data records", NULL);
    case_field(&g, "nrec_more.edf", 236, 8, "4", "number of data records", "truncated");
    case_field(&g, "nrec_less.edf", 236, 8, "2", "number of data records", "3 complete");
    case_field(&g, "nrec_huge.edf", 236, 8, "99999999", "number of data records", NULL);
    case_field(&g, "nrec_neg.edf", 236, 8, "-2", "number of data records", NULL);
    case_field(&g, "dur_text.edf", 244, 8, "1s", "duration of a data record", NULL);
    case_field(&g, "dur_zero.edf", 244, 8, "0", "duration of a data record", "data signals");
    case_field(&g, "dur_neg.edf", 244, 8, "-1", "duration of a data record", NULL);
    case_field(&g, "dur_exp.edf", 244, 8, "1e0", "duration of a data record", NULL);
    case_field(&g, "dur_empty.edf", 244, 8, "", "duration of a data record", NULL);

    /* signal-header numbers (signal 2 = "EMG2") */
    case_field(&g, "spr_text.edf", sig_off(216, 8, 1), 8, "5O", "nr of samples in each data record",
               "EMG2");
    case_field(&g, "spr_zero.edf", sig_off(216, 8, 1), 8, "0", "nr of samples in each data record",
               "EMG2");
    {
        /* a record size beyond what the reader accepts (and what 32-bit
         * arithmetic could hold: 2 x 3 x 99999999 bytes) */
        file f = copy(&g);
        for (size_t i = 0; i < NS; i++)
            put(f.b + sig_off(216, 8, i), 8, "99999999");
        expect_fail("spr_overflow.edf", &f, "nr of samples in each data record", "bytes");
        free(f.b);
    }
    case_field(&g, "dmin_text.edf", sig_off(120, 8, 1), 8, "low", "digital minimum", "EMG2");
    case_field(&g, "dmax_range.edf", sig_off(128, 8, 1), 8, "40000", "digital maximum",
               "-32768..32767");
    case_field(&g, "dmax_below.edf", sig_off(128, 8, 1), 8, "-32768", "digital maximum", "above");
    case_field(&g, "pmin_text.edf", sig_off(104, 8, 0), 8, "-5OO", "physical minimum", "EMG1");
    case_field(&g, "pmax_equal.edf", sig_off(112, 8, 0), 8, "-500", "physical maximum", "EMG1");
    case_field(&g, "pmax_exp.edf", sig_off(112, 8, 0), 8, "5e2", "physical maximum", NULL);
    case_field(&g, "pmax_comma.edf", sig_off(112, 8, 0), 8, "500,5", "physical maximum", NULL);

    /* EDF+ structure */
    {
        /* EDF+D without an annotation signal: record times unknown */
        file f = copy(&g);
        put(f.b + 192, 44, "EDF+D");
        put(f.b + sig_off(0, 16, 2), 16, "Not Annotations");
        expect_fail("plusd_noann.edf", &f, "reserved", "EDF+D");
        free(f.b);
        /* record 1 starts before record 0 ends */
        const double back[NREC] = {0, 0.5, 2};
        f = good(back);
        put(f.b + 192, 44, "EDF+D");
        expect_fail("overlap.edf", &f, "data record 1", "overlap");
        free(f.b);
        /* time-keeping TAL missing, malformed */
        f = copy(&g);
        const size_t ann = 256 * (NS + 1) + 2 * record_bytes() + (SPR[0] + SPR[1]) * 2;
        memset(f.b + ann, 0, SPR[2] * 2);
        expect_fail("no_tk.edf", &f, "data record 2", "time-keeping TAL");
        memcpy(f.b + ann, "2\x14\x14", 4);
        expect_fail("tk_nosign.edf", &f, "data record 2", "time-keeping TAL");
        memcpy(f.b + ann, "+2\x14text\x14", 9);
        expect_fail("tk_text.edf", &f, "data record 2", "time-keeping");
        memset(f.b + ann, '+', SPR[2] * 2);
        expect_fail("tk_unterminated.edf", &f, "data record 2", "time-keeping TAL");
        free(f.b);
    }

    /* lenient: each opens, with a warning naming the field */
    {
        file f = copy(&g);
        put(f.b + 168, 8, "31.02.21");
        r = expect_ok("bad_date.edf", &f, "startdate of recording");
        if (r) CHECK(!cramp_recording_header(r)->start_valid, "bad date: start_valid");
        cramp_recording_close(r);
        memcpy(f.b, g.b, g.n);
        put(f.b + 176, 8, "25.61.00");
        r = expect_ok("bad_time.edf", &f, "starttime of recording");
        cramp_recording_close(r);
        memcpy(f.b, g.b, g.n);
        put(f.b + 236, 8, "-1");
        r = expect_ok("nrec_unknown.edf", &f, "number of data records is -1");
        if (r) CHECK(cramp_recording_header(r)->n_records == NREC, "nrec -1: records counted");
        cramp_recording_close(r);
        free(f.b);
        f.n = g.n + 5;
        f.b = calloc(1, f.n);
        memcpy(f.b, g.b, g.n);
        r = expect_ok("trailing.edf", &f, "after the last data record");
        cramp_recording_close(r);
        free(f.b);
        /* a gap in EDF+C: kept as a gap */
        const double gap[NREC] = {0, 1, 5};
        f = good(gap);
        r = expect_ok("gap_c.edf", &f, "continuous");
        if (r) {
            const cramp_rec_header *h = cramp_recording_header(r);
            CHECK(h->n_segments == 2 && h->segments[1].onset_s == 5.0 && h->duration_s == 3.0,
                  "EDF+C gap: %zu segments", h->n_segments);
        }
        cramp_recording_close(r);
        free(f.b);
        /* a malformed annotation (not the time-keeping one) is skipped */
        f = copy(&g);
        const size_t ann = 256 * (NS + 1) + record_bytes() + (SPR[0] + SPR[1]) * 2;
        f.b[ann + 4 + 1] = 'x'; /* "+1.5" -> "x1.5" */
        r = expect_ok("bad_tal.edf", &f, "malformed TAL");
        if (r) CHECK(cramp_recording_header(r)->n_annotations == 0, "bad TAL: annotation kept");
        cramp_recording_close(r);
        free(f.b);
    }

    free(g.b);
    replay_fuzz_regressions();
    rmdir(dir);
    return cramp_test_finish("edf_bad");
}
