/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The WFDB backend of cramp_recording (lib/io/wfdb_read.c) on records
 * written here, with their own encoder for each format (16, 212 with its
 * 3-bytes-per-2-samples packing, 80, 24, 32): values equal (adu - baseline) /
 * gain in uV, seeks to every frame of a 212 record (odd sample counts start
 * mid-pair), several signal files, byte offsets, a length taken from the
 * file, base time, and bad headers whose messages name the file, line and
 * field. With --real: PhysioNet emgdb records in ../shared/data (skipped, 77,
 * when absent), checked against the initial value and checksum their
 * headers publish. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "testutil.h"

static char g_dir[64];

static const char *path_of(const char *name) { return test_path_in(g_dir, name); }

static void write_bytes(const char *name, const void *b, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    if (!f || (n && fwrite(b, 1, n, f) != n) || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", name);
        exit(1);
    }
}

static const char *write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
    return path_of(name);
}

/* Encodes n samples (interleaved as stored) in a WFDB format; returns the
 * byte count. */
static size_t encode(int format, const int32_t *v, size_t n, unsigned char *out)
{
    size_t b = 0;
    switch (format) {
    case 16:
        for (size_t i = 0; i < n; i++) {
            const uint16_t u = (uint16_t)(int16_t)v[i];
            out[b++] = (unsigned char)(u & 0xFF);
            out[b++] = (unsigned char)(u >> 8);
        }
        break;
    case 24:
    case 32:
        for (size_t i = 0; i < n; i++) {
            const uint32_t u = (uint32_t)v[i];
            for (int k = 0; k < format / 8; k++) out[b++] = (unsigned char)(u >> (8 * k));
        }
        break;
    case 80:
        for (size_t i = 0; i < n; i++) out[b++] = (unsigned char)((v[i] + 128) & 0xFF);
        break;
    case 212:
        for (size_t i = 0; i < n; i += 2) {
            const uint32_t a = (uint32_t)v[i] & 0xFFF;
            const uint32_t c = i + 1 < n ? (uint32_t)v[i + 1] & 0xFFF : 0;
            out[b++] = (unsigned char)(a & 0xFF);
            out[b++] = (unsigned char)((a >> 8) | (c >> 8) << 4);
            out[b++] = (unsigned char)(c & 0xFF);
        }
        break;
    }
    return b;
}

static cramp_recording *open_rec(const char *hea, cramp_error *err, cramp_status *st)
{
    cramp_recording *r = NULL;
    memset(err, 0, sizeof *err);
    *st = cramp_recording_open(&r, path_of(hea), NULL, err);
    return r;
}

/* Reads all frames of channels 0..n-1. */
static float *read_all(cramp_recording *r, size_t n, size_t block, size_t *frames)
{
    size_t sel[8];
    for (size_t c = 0; c < n; c++) sel[c] = c;
    cramp_error err;
    *frames = 0;
    if (cramp_recording_select(r, sel, n, &err) != CRAMP_OK) return NULL;
    size_t cap = 64;
    float *all = malloc(cap * n * sizeof *all);
    float *buf = malloc(block * n * sizeof *buf);
    size_t got;
    while (cramp_recording_read(r, buf, block, &got, &err) == CRAMP_OK && got > 0) {
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

static int close_to(double a, double b) { return fabs(a - b) <= 1e-6 * fmax(1.0, fabs(b)); }

/* One record per format: nsig signals of frames frames, values v (interleaved),
 * gain g, baseline b, units u; every value read back as (v - b) / g in uV. */
static void check_format(int format, size_t nsig, size_t frames, const int32_t *v, double g,
                         double b, const char *u, double uv_per_unit)
{
    char dat[32], hea[32], text[1024];
    snprintf(dat, sizeof dat, "f%d.dat", format);
    snprintf(hea, sizeof hea, "f%d.hea", format);
    unsigned char *bytes = malloc(nsig * frames * 4 + 4);
    const size_t nb = encode(format, v, nsig * frames, bytes);
    write_bytes(dat, bytes, nb);
    free(bytes);
    size_t len = (size_t)snprintf(text, sizeof text, "f%d %zu 500 %zu\n", format, nsig, frames);
    for (size_t s = 0; s < nsig; s++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%s %d %g(%g)/%s %d 0 %d 0 0 sig %zu\n", dat, format, g, b, u,
                                format == 212 ? 12 : format == 80 ? 8 : format, (int)v[s], s);
    write_text(hea, text);
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_rec(hea, &err, &st);
    CHECK(st == CRAMP_OK, "format %d: %s", format, err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->format == CRAMP_REC_WFDB && h->n_channels == nsig && h->channels[0].fs == 500 &&
              close_to(h->duration_s, (double)frames / 500),
          "format %d: header (%zu ch, %g s)", format, h->n_channels, h->duration_s);
    char want_label[16];
    snprintf(want_label, sizeof want_label, "sig %zu", nsig - 1);
    CHECK(strcmp(h->channels[nsig - 1].label, want_label) == 0,
          "format %d: description as label: '%s'", format, h->channels[nsig - 1].label);
    CHECK(strcmp(h->channels[0].unit, uv_per_unit > 0 ? "uV" : u) == 0, "format %d: unit %s",
          format, h->channels[0].unit);
    const double k = uv_per_unit > 0 ? uv_per_unit : 1.0;
    size_t n;
    float *x = read_all(r, nsig, 3, &n);
    CHECK(x && n == frames, "format %d: %zu frames", format, n);
    for (size_t i = 0; x && n == frames && i < nsig * frames; i++)
        if (!close_to(x[i], (v[i] - b) / g * k)) {
            CHECK(0, "format %d: sample %zu: %.9g, expected %.9g", format, i, (double)x[i],
                  (v[i] - b) / g * k);
            break;
        }
    /* every frame by itself after a seek (212: odd starts fall mid-pair) */
    for (size_t f = 0; x && f < frames; f++) {
        float one[8];
        size_t got = 0;
        CHECK(cramp_recording_seek(r, f, &err) == CRAMP_OK &&
                  cramp_recording_read(r, one, 1, &got, &err) == CRAMP_OK && got == 1,
              "format %d: seek %zu", format, f);
        for (size_t s = 0; s < nsig && got == 1; s++)
            CHECK(one[s] == x[f * nsig + s], "format %d: frame %zu after seek", format, f);
    }
    free(x);
    cramp_recording_close(r);
}

static void test_formats(void)
{
    const int32_t v16[] = {0, -1, 32767, -32767, 1234, -200, 5, 7, 100, -100};
    check_format(16, 2, 5, v16, 200, 5, "mV", 1000);
    /* 212: 3 signals x 7 frames = 21 samples, an odd count; the 12-bit extremes */
    const int32_t v212[] = {0,    -1,  2047, -2047, 1,    -2,  1000, -1000, 7,    300, -300,
                            2046, 512, -512, 3,     -4,   100, 200,  -1,    -2047, 11};
    check_format(212, 3, 7, v212, 400, -10, "mV", 1000);
    const int32_t v80[] = {0, 127, -127, 1, -1, 50};
    check_format(80, 1, 6, v80, 100, 0, "V", 1e6);
    const int32_t v24[] = {0, 8388607, -8388607, 42, -42, 1 << 20};
    check_format(24, 2, 3, v24, 1e4, 100, "uV", 1);
    const int32_t v32[] = {0, 2147483647, -2147483647, 65536, -3};
    check_format(32, 1, 5, v32, 1e6, 0, "mmHg", 0);
}

/* Many frames of format 212 across read blocks: chunked reads match seeks. */
static void test_long_212(void)
{
    const size_t nsig = 3, frames = 3001;
    int32_t *v = malloc(nsig * frames * sizeof *v);
    for (size_t i = 0; i < nsig * frames; i++) v[i] = (int32_t)((i * 37) % 4095) - 2047;
    for (size_t i = 0; i < nsig * frames; i++)
        if (v[i] == -2048) v[i] = 0;
    unsigned char *b = malloc(nsig * frames * 2 + 3);
    write_bytes("long.dat", b, encode(212, v, nsig * frames, b));
    free(b);
    write_text("long.hea", "long 3 1000\n"
                           "long.dat 212 100/uV 12 0 0 0 0 a\n"
                           "long.dat 212 100/uV 12 0 0 0 0 b\n"
                           "long.dat 212 100/uV 12 0 0 0 0 c\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_rec("long.hea", &err, &st);
    CHECK(st == CRAMP_OK, "length from the file: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(close_to(h->duration_s, 3.001), "3001 frames from the file size: %g s",
              h->duration_s);
        size_t n;
        float *x = read_all(r, nsig, 2500, &n);
        CHECK(x && n == frames, "frames %zu", n);
        for (size_t i = 0; x && n == frames && i < nsig * frames; i++)
            if (!close_to(x[i], v[i] / 100.0)) {
                CHECK(0, "sample %zu: %g expected %g", i, (double)x[i], v[i] / 100.0);
                break;
            }
        /* channel order reversed, from frame 1501 */
        const size_t sel[2] = {2, 0};
        float y[4];
        size_t got;
        CHECK(cramp_recording_select(r, sel, 2, &err) == CRAMP_OK &&
                  cramp_recording_seek(r, 1501, &err) == CRAMP_OK &&
                  cramp_recording_read(r, y, 2, &got, &err) == CRAMP_OK && got == 2,
              "select and seek");
        CHECK(close_to(y[0], v[1501 * 3 + 2] / 100.0) && close_to(y[1], v[1501 * 3] / 100.0) &&
                  close_to(y[3], v[1502 * 3] / 100.0),
              "reordered after seek");
        free(x);
        cramp_recording_close(r);
    }
    free(v);
}

/* Two signal files, a byte offset, base time, gain 0. */
static void test_files_offset_time(void)
{
    const int32_t a[] = {10, 20, 30, 40};
    const int32_t c[] = {-5, 5, -7, 7};
    unsigned char b[64];
    memset(b, 0xEE, 4);
    size_t n = encode(16, a, 4, b + 4);
    write_bytes("two_a.dat", b, n + 4);
    n = encode(212, c, 4, b);
    write_bytes("two_b.dat", b, n);
    write_text("two.hea", "# a comment before the record line\n"
                          "two 2 250 4 10:20:30.5 02/03/2021\n"
                          "two_a.dat 16+4 0/mV 16 0 10 0 0 first\n"
                          "two_b.dat 212 50(1)/uV 12 0 -5 0 0 second\n"
                          "# <age>: 44\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_rec("two.hea", &err, &st);
    CHECK(st == CRAMP_OK, "two files: %s", err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->start_valid && h->year == 2021 && h->month == 3 && h->day == 2 && h->hour == 10 &&
              h->minute == 20 && h->second == 30 && close_to(h->start_subsecond, 0.5),
          "base time and date");
    CHECK(strcmp(h->patient, "<age>: 44") == 0, "comment kept: '%s'", h->patient);
    int warned = 0;
    for (size_t i = 0; i < h->n_warnings; i++) warned |= strstr(h->warnings[i], "gain 0") != NULL;
    CHECK(warned, "gain 0 warned");
    CHECK(strcmp(h->channels[1].label, "second") == 0, "label");
    size_t fr;
    float *x = read_all(r, 2, 4, &fr);
    CHECK(x && fr == 4, "frames %zu", fr);
    for (size_t i = 0; x && fr == 4 && i < 4; i++) {
        CHECK(close_to(x[2 * i], a[i] / 200.0 * 1000), "first %zu: %g", i, (double)x[2 * i]);
        CHECK(close_to(x[2 * i + 1], (c[i] - 1) / 50.0), "second %zu: %g", i,
              (double)x[2 * i + 1]);
    }
    free(x);
    cramp_recording_close(r);
}

static void expect_fail(const char *hea, const char *text, cramp_status want, const char *p1,
                        const char *p2)
{
    write_text(hea, text);
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_rec(hea, &err, &st);
    CHECK(st == want && !r, "%s: status %d, expected %d (%s)", hea, (int)st, (int)want,
          err.message);
    CHECK(strstr(err.message, path_of(hea)) && strstr(err.message, p1) &&
              (!p2 || strstr(err.message, p2)),
          "%s: message '%s' lacks '%s'/'%s'", hea, err.message, p1, p2 ? p2 : "");
    cramp_recording_close(r);
}

static void test_bad(void)
{
    const int32_t v[] = {1, 2, 3, 4};
    unsigned char b[16];
    write_bytes("ok.dat", b, encode(16, v, 4, b));
    expect_fail("fmt.hea", "fmt 1 100 4\nok.dat 310 200 12 0 0 0 0 x\n", CRAMP_EUNSUPPORTED,
                "line 2", "format 310");
    expect_fail("trunc.hea", "trunc 1 100 10\nok.dat 16 200 16 0 0 0 0 x\n", CRAMP_EFORMAT,
                "truncated", "ok.dat");
    expect_fail("nofile.hea", "nofile 1 100 4\nmissing.dat 16 200\n", CRAMP_EIO,
                "missing.dat", NULL);
    expect_fail("multi.hea", "multi/2 1 100 4\n", CRAMP_EUNSUPPORTED, "multi-segment", NULL);
    expect_fail("count.hea", "count 2 100 4\nok.dat 16 200\n", CRAMP_EFORMAT, "2 signals",
                "1 signal lines");
    expect_fail("gain.hea", "gain 1 100 4\nok.dat 16 abc/mV\n", CRAMP_EFORMAT, "line 2",
                "gain 'abc/mV'");
    expect_fail("fs.hea", "fs 1 -3 4\nok.dat 16 200\n", CRAMP_EFORMAT, "line 1",
                "sampling frequency");
    expect_fail("huge.hea", "huge 4096 100 4611686018427387904\n", CRAMP_EFORMAT,
                "number of samples", NULL);
    expect_fail("nsig.hea", "nsig x 100\n", CRAMP_EFORMAT, "number of signals", NULL);
    expect_fail("empty.hea", "# only a comment\n", CRAMP_EFORMAT, "no record line", NULL);
    expect_fail("spf.hea", "spf 1 100 2\nok.dat 16x2 200\n", CRAMP_EUNSUPPORTED,
                "samples per frame", NULL);
    /* the signal file given instead of the header: the header is named */
    write_text("ok.hea", "ok 1 100 4\nok.dat 16 200\n");
    {
        cramp_recording *r0 = NULL;
        cramp_error e0;
        CHECK(cramp_recording_open(&r0, path_of("ok.dat"), NULL, &e0) == CRAMP_EFORMAT &&
                  strstr(e0.message, "ok.hea"),
              ".dat given: %s", e0.message);
    }
    /* the invalid-sample code: an error at its frame */
    const int32_t inv[] = {1, -32768, 3};
    write_bytes("inv.dat", b, encode(16, inv, 3, b));
    write_text("inv.hea", "inv 1 100 3\ninv.dat 16 200 16 0 1 0 0 EMG\n");
    cramp_error err;
    cramp_status st;
    cramp_recording *r = open_rec("inv.hea", &err, &st);
    CHECK(st == CRAMP_OK, "inv opens: %s", err.message);
    if (r) {
        size_t sel = 0, got;
        float y[3];
        CHECK(cramp_recording_select(r, &sel, 1, &err) == CRAMP_OK, "select");
        CHECK(cramp_recording_read(r, y, 3, &got, &err) == CRAMP_EFORMAT &&
                  strstr(err.message, "frame 1") && strstr(err.message, "EMG"),
              "invalid sample: %s", err.message);
        cramp_recording_close(r);
    }
}

/* The fuzzer's seeds (fuzz/corpus/wfdb: header, NUL, signal bytes, as
 * fuzz_wfdb.c splits them into r.hea, r.dat and s.dat) are valid records. */
static void test_fuzz_seeds(void)
{
    static const char *seeds[] = {"f16", "f212", "two"};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", CRAMP_FUZZ_CORPUS_DIR, seeds[i]);
        size_t n = 0;
        unsigned char buf[4096];
        FILE *f = fopen(p, "rb");
        if (f) {
            n = fread(buf, 1, sizeof buf, f);
            fclose(f);
        }
        const unsigned char *nul = memchr(buf, 0, n);
        CHECK(nul != NULL, "seed %s: a header, NUL, then signal bytes", seeds[i]);
        if (!nul) continue;
        const size_t hl = (size_t)(nul - buf);
        write_bytes("r.hea", buf, hl);
        write_bytes("r.dat", nul + 1, n - hl - 1);
        write_bytes("s.dat", nul + 1, n - hl - 1);
        cramp_error err;
        cramp_status st;
        cramp_recording *r = open_rec("r.hea", &err, &st);
        CHECK(st == CRAMP_OK, "seed %s: %s", seeds[i], err.message);
        if (!r) continue;
        size_t frames;
        float *x = read_all(r, cramp_recording_header(r)->n_channels, 2, &frames);
        CHECK(x && frames >= 2, "seed %s: %zu frames", seeds[i], frames);
        free(x);
        cramp_recording_close(r);
    }
}

/* ---- real files ------------------------------------------------------------ */

/* PhysioNet emgdb (saiuya's copy): each header states format 16, gain 10000
 * adu/mV, baseline 0, the first sample (initval) and the 16-bit checksum of
 * all samples. The digital values are recovered from the microvolts read. */
static void check_emgdb(const char *name, size_t nsamp, int initval, int checksum)
{
    char rel[96];
    snprintf(rel, sizeof rel, "emg/physionet_emgdb/%s.hea", name);
    const char *p = test_shared_path(rel);
    if (!p) return;
    cramp_recording *r = NULL;
    cramp_error err;
    CHECK(cramp_recording_open(&r, p, NULL, &err) == CRAMP_OK, "%s: %s", name, err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->n_channels == 1 && h->channels[0].fs == 4000 &&
              strcmp(h->channels[0].unit, "uV") == 0 && strcmp(h->channels[0].label, "EMG") == 0 &&
              close_to(h->duration_s, (double)nsamp / 4000),
          "%s: header (%zu ch, %g Hz, %g s)", name, h->n_channels, h->channels[0].fs,
          h->duration_s);
    size_t n;
    float *x = read_all(r, 1, 4096, &n);
    CHECK(x && n == nsamp, "%s: %zu samples", name, n);
    if (x && n == nsamp) {
        /* first sample: initval adu / 10000 adu per mV = initval / 10 uV */
        CHECK(close_to(x[0], initval / 10.0), "%s: first sample %g uV, expected %g", name,
              (double)x[0], initval / 10.0);
        int32_t sum = 0;
        int exact = 1;
        for (size_t i = 0; i < n; i++) {
            const double d = (double)x[i] * 10.0;
            const long a = lround(d);
            exact &= fabs(d - (double)a) < 1e-3;
            sum = (int32_t)(int16_t)(uint16_t)((uint32_t)sum + (uint32_t)a);
        }
        CHECK(exact, "%s: every value is a whole number of adu", name);
        CHECK(sum == checksum, "%s: checksum %d, the header says %d", name, (int)sum, checksum);
    }
    free(x);
    cramp_recording_close(r);
}

static int run_real(void)
{
    if (!test_shared_path("emg/physionet_emgdb/emg_healthy.hea")) {
        printf("wfdb_real: no ../shared/data: skipped\n");
        return CRAMP_TEST_SKIP;
    }
    check_emgdb("emg_healthy", 50860, -333, -29438);
    check_emgdb("emg_myopathy", 110337, -50, -6380);
    check_emgdb("emg_neuropathy", 147858, 900, 16686);
    /* wfdb-python's header for its EDF test file: 200 samples per frame, which
     * this reader refuses by name (before looking for the signal file) */
    const char *p = test_shared_path("edf/wfdb-python/test_generator_2.hea");
    if (p) {
        cramp_recording *r = NULL;
        cramp_error err;
        CHECK(cramp_recording_open(&r, p, NULL, &err) == CRAMP_EUNSUPPORTED &&
                  strstr(err.message, "line 2") && strstr(err.message, "samples per frame '200'"),
              "test_generator_2.hea: %s", err.message);
        cramp_recording_close(r);
    }
    return cramp_test_finish("wfdb_real");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--real") == 0) return run_real();
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/cramp-wfdb-XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) return 1;
    test_formats();
    test_long_212();
    test_files_offset_time();
    test_bad();
    test_fuzz_seeds();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
    return cramp_test_finish("wfdb");
}
