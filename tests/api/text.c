/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The delimited-text backend of cramp_recording (lib/io/text_read.c) on
 * files written here: header-less CSV, TSV with a column header and units,
 * BioSPPy and OpenSignals preambles, ';' with comments, blank lines and CRLF,
 * a file longer than the seek checkpoints (chunked reads, seeks, a reordered
 * selection), a ragged end, and bad inputs whose messages must name the
 * file, line and field. With --real: the text recordings in ../shared/data/emg
 * (skipped, 77, when absent), against the values their publishers give. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "testutil.h"

static char g_dir[64];

static const char *write_file(const char *name, const char *text)
{
    const char *p = test_path_in(g_dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", p);
        exit(1);
    }
    return p;
}

static cramp_recording *open_opt(const char *path, double fs, const char *unit, cramp_error *err,
                                 cramp_status *st)
{
    cramp_recording_options o;
    cramp_recording_options_default(&o);
    o.fs = fs;
    o.unit = unit;
    cramp_recording *r = NULL;
    memset(err, 0, sizeof *err);
    *st = cramp_recording_open(&r, path, &o, err);
    return r;
}

/* Reads every frame of the channels sel into a malloc'd array. */
static float *read_all(cramp_recording *r, const size_t *sel, size_t n, size_t block,
                       size_t *frames)
{
    cramp_error err;
    *frames = 0;
    if (cramp_recording_select(r, sel, n, &err) != CRAMP_OK) {
        fprintf(stderr, "select: %s\n", err.message);
        return NULL;
    }
    size_t cap = 1024;
    float *all = malloc(cap * n * sizeof *all);
    float *buf = malloc(block * n * sizeof *buf);
    for (;;) {
        size_t got = 0;
        if (cramp_recording_read(r, buf, block, &got, &err) != CRAMP_OK) {
            fprintf(stderr, "read: %s\n", err.message);
            free(all);
            free(buf);
            return NULL;
        }
        if (got == 0) break;
        while (*frames + got > cap) {
            cap *= 2;
            all = realloc(all, cap * n * sizeof *all);
        }
        memcpy(all + *frames * n, buf, got * n * sizeof *buf);
        *frames += got;
    }
    free(buf);
    return all;
}

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

static void test_headerless_csv(void)
{
    const char *p = write_file("plain.csv", "1,-2,3.5\n4,5e-1,-6\n7,8,9\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 0, NULL, &err, &st);
    CHECK(st == CRAMP_EINVAL && !r, "no rate: status %d", (int)st);
    CHECK(has(err.message, p) && has(err.message, "sampling rate"), "message: %s", err.message);

    r = open_opt(p, 200, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "open with fs: %s", err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->format == CRAMP_REC_TEXT && strcmp(cramp_rec_format_name(h->format), "text") == 0,
          "format %d", (int)h->format);
    CHECK(h->n_channels == 3 && strcmp(h->channels[2].label, "ch3") == 0, "channels %zu",
          h->n_channels);
    CHECK(fabs(h->duration_s - 3.0 / 200) < 1e-12 && h->channels[0].fs == 200, "duration %g",
          h->duration_s);
    CHECK(h->channels[0].unit[0] == '\0' && h->n_warnings == 1 && has(h->warnings[0], "unit"),
          "no unit: warned (%zu)", h->n_warnings);
    CHECK(isnan(h->channels[0].phys_min), "physical range unknown");
    CHECK(has(h->recording, "','"), "recording names the delimiter: %s", h->recording);
    const size_t sel[3] = {0, 1, 2};
    size_t n;
    float *x = read_all(r, sel, 3, 2, &n);
    const float want[9] = {1, -2, 3.5f, 4, 0.5f, -6, 7, 8, 9};
    CHECK(x && n == 3, "frames %zu", n);
    for (size_t i = 0; x && n == 3 && i < 9; i++) CHECK(x[i] == want[i], "value %zu: %g", i, (double)x[i]);
    free(x);
    cramp_recording_close(r);

    /* the unit option: mV read as uV */
    r = open_opt(p, 200, "mV", &err, &st);
    CHECK(st == CRAMP_OK, "open with unit: %s", err.message);
    if (!r) return;
    h = cramp_recording_header(r);
    CHECK(strcmp(h->channels[1].unit, "uV") == 0 && strcmp(h->channels[1].file_unit, "mV") == 0 &&
              h->channels[1].to_output == 1000 && h->n_warnings == 0,
          "unit %s file_unit %s", h->channels[1].unit, h->channels[1].file_unit);
    x = read_all(r, sel, 3, 100, &n);
    CHECK(x && n == 3 && x[1] == -2000.0f && x[4] == 500.0f, "mV -> uV");
    free(x);
    cramp_recording_close(r);
}

static void test_tsv_header(void)
{
    const char *p = write_file("head.tsv", "time\tEMG L (mV)\t\"EMG R [uV]\"\tangle (deg)\n"
                                           "0\t0.5\t-20\t10\n"
                                           "0.001\t-0.25\t30\t11\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 1000, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "open: %s", err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->n_channels == 4, "channels %zu", h->n_channels);
    if (h->n_channels == 4) {
        CHECK(strcmp(h->channels[0].label, "time") == 0 && h->channels[0].file_unit[0] == '\0',
              "time column");
        CHECK(strcmp(h->channels[1].label, "EMG L") == 0 &&
                  strcmp(h->channels[1].file_unit, "mV") == 0 &&
                  strcmp(h->channels[1].unit, "uV") == 0,
              "label '%s' unit '%s'", h->channels[1].label, h->channels[1].file_unit);
        CHECK(strcmp(h->channels[2].label, "EMG R") == 0 &&
                  strcmp(h->channels[2].unit, "uV") == 0 && h->channels[2].to_output == 1,
              "quoted label '%s'", h->channels[2].label);
        CHECK(strcmp(h->channels[3].unit, "deg") == 0 && h->channels[3].to_output == 1,
              "other unit kept: %s", h->channels[3].unit);
    }
    CHECK(has(h->recording, "TAB") && has(h->recording, "column header"), "%s", h->recording);
    /* reordered selection */
    const size_t sel[2] = {2, 1};
    size_t n;
    float *x = read_all(r, sel, 2, 1, &n);
    CHECK(x && n == 2 && x[0] == -20 && x[1] == 500 && x[2] == 30 && x[3] == -250,
          "reordered values");
    free(x);
    cramp_recording_close(r);
}

static void test_biosppy_opensignals(void)
{
    const char *p = write_file("bio.txt", "# Simple Text Format\n"
                                          "# Sampling Rate (Hz):= 500.00\n"
                                          "# Resolution:= 12\n"
                                          "# Labels:= EMG1\tEMG2\n"
                                          "# Units:= mV\tmV\n"
                                          "2055.0 1\n"
                                          "  2056.0   -1  \n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 0, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "BioSPPy header: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 2 && h->channels[0].fs == 500 &&
                  strcmp(h->channels[1].label, "EMG2") == 0 &&
                  strcmp(h->channels[1].unit, "uV") == 0,
              "rate %g, labels, units", h->channels[0].fs);
        const size_t sel[1] = {1};
        size_t n;
        float *x = read_all(r, sel, 1, 7, &n);
        CHECK(x && n == 2 && x[0] == 1000 && x[1] == -1000, "blank-separated values");
        free(x);
        cramp_recording_close(r);
    }
    /* the option overrides the stated rate, with a warning giving both */
    r = open_opt(p, 250, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "override: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->channels[0].fs == 250 && h->n_warnings == 1 && has(h->warnings[0], "500") &&
                  has(h->warnings[0], "250"),
              "override warned");
        cramp_recording_close(r);
    }
    p = write_file("os.txt",
                   "# OpenSignals Text File Format\n"
                   "# {\"00:07:80:3B:46:61\": {\"sensor\": [\"EMG\"], \"device name\": \"x\", "
                   "\"column\": [\"nSeq\", \"DI\", \"A1\"], \"sampling rate\": 1000, "
                   "\"resolution\": [4, 1, 16], \"label\": [\"A1\"]}}\n"
                   "# EndOfHeader\n"
                   "0\t0\t32768\n1\t0\t32770\n");
    r = open_opt(p, 0, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "OpenSignals header: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 3 && h->channels[2].fs == 1000 &&
                  strcmp(h->channels[0].label, "nSeq") == 0 &&
                  strcmp(h->channels[2].label, "A1") == 0 && has(h->recording, "OpenSignals"),
              "OpenSignals rate and columns: %s", h->recording);
        cramp_recording_close(r);
    }
}

static void test_semicolon_comments_crlf(void)
{
    const char *p = write_file("semi.csv", "a;b\r\n\r\n1;2\r\n# a note\r\n3;4\r\n\r\n5;6\r\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 10, "uV", &err, &st);
    CHECK(st == CRAMP_OK, "open: %s", err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->n_channels == 2 && strcmp(h->channels[1].label, "b") == 0 &&
              fabs(h->duration_s - 0.3) < 1e-12,
          "2 columns, 3 rows (%g s)", h->duration_s);
    const size_t sel[2] = {0, 1};
    size_t n;
    float *x = read_all(r, sel, 2, 2, &n);
    CHECK(x && n == 3 && x[2] == 3 && x[5] == 6, "values across comments and blank lines");
    free(x);
    cramp_error e2;
    CHECK(cramp_recording_seek(r, 2, &e2) == CRAMP_OK, "seek 2");
    float b[4];
    size_t got = 0;
    CHECK(cramp_recording_read(r, b, 2, &got, &e2) == CRAMP_OK && got == 1 && b[0] == 5,
          "after seek: %zu frames, %g", got, (double)b[0]);
    cramp_recording_close(r);
}

/* More rows than the seek checkpoints (4096): chunked reads agree with one
 * read, seeks land on the right row. */
static void test_long_and_seek(void)
{
    const size_t N = 10007;
    char *text = malloc(N * 32);
    size_t len = 0;
    for (size_t i = 0; i < N; i++)
        len += (size_t)sprintf(text + len, "%zu %d\n", i, (int)(i % 17) - 8);
    const char *p = write_file("long.txt", text);
    free(text);
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 100, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "open: %s", err.message);
    if (!r) return;
    const size_t sel[2] = {0, 1};
    size_t n1, n2;
    float *a = read_all(r, sel, 2, N, &n1);
    float *b = read_all(r, sel, 2, 333, &n2);
    CHECK(a && b && n1 == N && n2 == N, "frames %zu %zu", n1, n2);
    int same = a && b && n1 == n2;
    for (size_t i = 0; same && i < 2 * N; i++) same = a[i] == b[i];
    CHECK(same, "chunked reads equal one read");
    for (size_t i = 0; a && i < N; i++)
        if (a[2 * i] != (float)i) {
            CHECK(0, "row %zu holds %g", i, (double)a[2 * i]);
            break;
        }
    const size_t to[] = {0, 1, 4095, 4096, 4097, 8192, 10006, 5000, 3};
    for (size_t k = 0; k < sizeof to / sizeof to[0]; k++) {
        float v[2];
        size_t got = 0, fr = 99;
        double t = -1;
        CHECK(cramp_recording_seek(r, to[k], &err) == CRAMP_OK, "seek %zu: %s", to[k],
              err.message);
        cramp_recording_tell(r, &fr, &t);
        CHECK(fr == to[k] && fabs(t - (double)to[k] / 100.0) < 1e-9, "tell %zu", fr);
        CHECK(cramp_recording_read(r, v, 1, &got, &err) == CRAMP_OK && got == 1 &&
                  v[0] == (float)to[k] && v[1] == (float)((int)(to[k] % 17) - 8),
              "row after seek %zu: %g", to[k], (double)v[0]);
    }
    CHECK(cramp_recording_seek(r, N, &err) == CRAMP_OK, "seek to the end");
    size_t got = 9;
    float v[2];
    CHECK(cramp_recording_read(r, v, 1, &got, &err) == CRAMP_OK && got == 0, "end: 0 frames");
    CHECK(cramp_recording_seek(r, N + 1, &err) == CRAMP_ERANGE, "seek past the end");
    free(a);
    free(b);
    cramp_recording_close(r);
}

static void test_ragged_end(void)
{
    const char *p = write_file("ragged.tsv", "1\t2\t3\n4\t5\t6\n\t\t7\n\t\t8\n\t\t\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 1, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "ragged end: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        int warned = 0;
        for (size_t i = 0; i < h->n_warnings; i++)
            warned |= has(h->warnings[i], "line 3") && has(h->warnings[i], "2 rows");
        CHECK(h->duration_s == 2 && warned, "ends at line 3 (%g s)", h->duration_s);
        cramp_recording_close(r);
    }
    p = write_file("hole.tsv", "1\t2\n3\t\n5\t6\n");
    r = open_opt(p, 1, NULL, &err, &st);
    CHECK(st == CRAMP_EFORMAT && !r, "hole: %d", (int)st);
    CHECK(has(err.message, p) && has(err.message, "line 3") && has(err.message, "line 2"),
          "hole message: %s", err.message);
}

static void expect_fail(const char *name, const char *text, double fs, cramp_status want,
                        const char *part1, const char *part2)
{
    const char *p = write_file(name, text);
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, fs, NULL, &err, &st);
    CHECK(st == want && !r, "%s: status %d, expected %d", name, (int)st, (int)want);
    CHECK(has(err.message, p) && has(err.message, part1) && (!part2 || has(err.message, part2)),
          "%s: message '%s' lacks '%s'/'%s'", name, err.message, part1, part2 ? part2 : "");
    cramp_recording_close(r);
}

static void test_bad_inputs(void)
{
    expect_fail("word.csv", "1,2,3\n4,x5,6\n", 100, CRAMP_EFORMAT, "line 2, field 2", "'x5'");
    expect_fail("nan.csv", "1,2\n3,nan\n", 100, CRAMP_EFORMAT, "line 2, field 2", "'nan'");
    expect_fail("inf.csv", "1,2\n-inf,3\n", 100, CRAMP_EFORMAT, "line 2, field 1", "'-inf'");
    expect_fail("wide.csv", "# c\n1,2\n1,2,3\n", 100, CRAMP_EFORMAT, "line 3", "expected 2");
    expect_fail("prose.txt", "plain text\nand more words\n", 100, CRAMP_EFORMAT,
                "not a recording", NULL);
    expect_fail("comment-only.txt", "# Sampling Rate (Hz):= 100\n", 0, CRAMP_EFORMAT,
                "without a row of numbers", NULL);
    expect_fail("neg-fs.csv", "1\n", -5, CRAMP_EINVAL, "-5", NULL);
    /* a NUL byte: not text, left to libsndfile, which refuses it */
    const char *p = write_file("nul.txt", "1,2\n");
    FILE *f = fopen(p, "ab");
    fputc(0, f);
    fclose(f);
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, 100, NULL, &err, &st);
    CHECK(st != CRAMP_OK && !r && has(err.message, p), "NUL byte: %s", err.message);
    /* a long unit is refused */
    cramp_recording_options o;
    cramp_recording_options_default(&o);
    o.fs = 1;
    o.unit = "a unit name far longer than sixteen bytes";
    p = write_file("ok.csv", "1\n");
    CHECK(cramp_recording_open(&r, p, &o, &err) == CRAMP_EINVAL, "long unit refused");
    /* beyond double range: written as a number, refused when read */
    p = write_file("huge.csv", "1\n1e999\n");
    r = open_opt(p, 1, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "open huge.csv: %s", err.message);
    if (r) {
        const size_t sel0 = 0;
        float b[2];
        size_t got;
        CHECK(cramp_recording_select(r, &sel0, 1, &err) == CRAMP_OK, "select");
        CHECK(cramp_recording_read(r, b, 2, &got, &err) == CRAMP_EFORMAT &&
                  has(err.message, "line 2, field 1") && has(err.message, "1e999"),
              "overflow: %s", err.message);
        cramp_recording_close(r);
    }
    /* a file changed after open: the read names the line */
    p = write_file("changes.csv", "1,2\n3,4\n");
    r = open_opt(p, 1, NULL, &err, &st);
    CHECK(st == CRAMP_OK, "open changes.csv");
    if (r) {
        write_file("changes.csv", "1,2\n3,x\n");
        const size_t sel[2] = {0, 1};
        float b[4];
        size_t got;
        CHECK(cramp_recording_select(r, sel, 2, &err) == CRAMP_OK, "select");
        CHECK(cramp_recording_read(r, b, 2, &got, &err) == CRAMP_EFORMAT &&
                  has(err.message, "line 2, field 2"),
              "changed file: %s", err.message);
        cramp_recording_close(r);
    }
}

/* The fuzzer's seeds (fuzz/corpus/text) are valid files: each opens (rate
 * given) and reads to its end. */
static void test_fuzz_seeds(void)
{
    static const char *seeds[] = {"biosppy.txt", "header.csv", "ragged.txt"};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", CRAMP_FUZZ_CORPUS_DIR, seeds[i]);
        cramp_error err;
        cramp_status st;
        cramp_recording *r = open_opt(p, 100, NULL, &err, &st);
        CHECK(st == CRAMP_OK, "seed %s: %s", seeds[i], err.message);
        if (!r) continue;
        const cramp_rec_header *h = cramp_recording_header(r);
        size_t sel[8], n;
        for (size_t c = 0; c < h->n_channels && c < 8; c++) sel[c] = c;
        float *x = read_all(r, sel, h->n_channels < 8 ? h->n_channels : 8, 2, &n);
        CHECK(x && n >= 2, "seed %s: %zu frames", seeds[i], n);
        free(x);
        cramp_recording_close(r);
    }
}

/* ---- real files ------------------------------------------------------------ */

static cramp_recording *open_real(const char *rel, double fs, const char *unit)
{
    const char *p = test_shared_path(rel);
    if (!p) return NULL;
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_opt(p, fs, unit, &err, &st);
    CHECK(st == CRAMP_OK, "%s: %s", rel, err.message);
    return r;
}

static void first_values(cramp_recording *r, const char *what, size_t ch, size_t nch,
                         const float *want, size_t n)
{
    size_t sel[16];
    for (size_t c = 0; c < nch; c++) sel[c] = c;
    cramp_error err;
    CHECK(cramp_recording_select(r, sel, nch, &err) == CRAMP_OK, "%s: select", what);
    float buf[16 * 8];
    size_t got = 0;
    CHECK(cramp_recording_read(r, buf, n, &got, &err) == CRAMP_OK && got == n, "%s: read", what);
    for (size_t i = 0; i < n && got == n; i++)
        CHECK(fabsf(buf[i * nch + ch] - want[i]) <= 1e-6f * fabsf(want[i]), "%s: sample %zu: %.9g"
              " expected %.9g", what, i, (double)buf[i * nch + ch], (double)want[i]);
}

static int run_real(void)
{
    if (!test_shared_path("emg/biosppy_emg.txt")) {
        printf("text_real: no ../shared/data: skipped\n");
        return CRAMP_TEST_SKIP;
    }
    /* BioSPPy examples/emg.txt: "# Sampling Rate (Hz):= 1000.00", "# Labels:= EMG",
     * 100.0 s (MANIFEST); its first samples as BioSPPy's storage.load_txt gives them. */
    cramp_recording *r = open_real("emg/biosppy_emg.txt", 0, NULL);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 1 && h->channels[0].fs == 1000 &&
                  strcmp(h->channels[0].label, "EMG") == 0 && fabs(h->duration_s - 100.0) < 1e-9,
              "biosppy_emg: %zu ch, %g Hz, %g s", h->n_channels, h->channels[0].fs,
              h->duration_s);
        const float want[2] = {2055.0f, 2056.0f};
        first_values(r, "biosppy_emg", 0, 1, want, 2);
        cramp_recording_close(r);
    }
    r = open_real("emg/biosppy_emg_1.txt", 0, NULL);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->channels[0].fs == 1000 && fabs(h->duration_s - 63.88) < 1e-9,
              "biosppy_emg_1: %g s", h->duration_s);
        const float want[2] = {2034.0f, 2011.0f};
        first_values(r, "biosppy_emg_1", 0, 1, want, 2);
        cramp_recording_close(r);
    }
    /* LibEMG tests/data/emg_data_myo.csv: 500 rows x 8, Myo at 200 Hz (not stated) */
    r = open_real("emg/libemg_emg_data_myo.csv", 200, NULL);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 8 && fabs(h->duration_s - 2.5) < 1e-12, "libemg: %zu ch %g s",
              h->n_channels, h->duration_s);
        const float row0[8] = {-3, 1, 1, -8, 0, 3, 3, 2};
        for (size_t c = 0; c < 8; c++) first_values(r, "libemg row 1", c, 8, &row0[c], 1);
        cramp_recording_close(r);
    }
    /* UCI lower limb (pyemgpipeline's copy): "Channel N: 'NAME', ..., units: mV" */
    r = open_real("emg/uci_lower_limb_3Amar.txt", 1000, NULL);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 5 && fabs(h->duration_s - 43.665) < 1e-9 &&
                  strcmp(h->channels[0].label, "Recto Femoral") == 0 &&
                  strcmp(h->channels[0].unit, "uV") == 0 &&
                  strcmp(h->channels[4].unit, "deg") == 0,
              "3Amar: %zu ch, %g s, '%s'", h->n_channels, h->duration_s, h->channels[0].label);
        const float want[2] = {6.7f, -5.3f}; /* 0.0067, -0.0053 mV */
        first_values(r, "3Amar RF", 0, 5, want, 2);
        cramp_recording_close(r);
    }
    r = open_real("emg/uci_lower_limb_5Nmar.txt", 1000, NULL);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(fabs(h->duration_s - 6.563) < 1e-9 && h->n_warnings >= 1,
              "5Nmar: 6563 complete rows, the rest warned (%g s)", h->duration_s);
        cramp_recording_close(r);
    }
    r = open_real("emg/uci_gestures_s10_1_raw_data_11-08_21.03.16.txt", 1000, "V");
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == 10 && fabs(h->duration_s - 61.641) < 1e-9 &&
                  strcmp(h->channels[1].label, "channel1") == 0,
              "UCI gestures: %zu ch, %g s", h->n_channels, h->duration_s);
        const float want[2] = {-20.0f, -20.0f}; /* -2e-05 V */
        first_values(r, "gestures channel1", 1, 10, want, 2);
        cramp_recording_close(r);
    }
    for (int rep = 0; rep < 4; rep++)
        for (int cls = 0; cls < 5; cls++) {
            char rel[96];
            snprintf(rel, sizeof rel, "emg/libemg_myo_dataset/R_%d_C_%d_EMG.csv", rep, cls);
            r = open_real(rel, 200, NULL);
            if (r) {
                const cramp_rec_header *h = cramp_recording_header(r);
                CHECK(h->n_channels == 8 && h->duration_s > 2.9, "%s: %zu ch %g s", rel,
                      h->n_channels, h->duration_s);
                cramp_recording_close(r);
            }
        }
    return cramp_test_finish("text_real");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--real") == 0) return run_real();
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/cramp-text-XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) return 1;
    test_headerless_csv();
    test_tsv_header();
    test_biosppy_opensignals();
    test_semicolon_comments_crlf();
    test_long_and_seek();
    test_ragged_end();
    test_bad_inputs();
    test_fuzz_seeds();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
    return cramp_test_finish("text");
}
