/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp_wav_writer: the output appears only at close, under its name, with
 * the values given (read back exactly through cramp_recording); abort and
 * failures leave nothing (an existing file untouched); the container follows
 * the name and the expected size (W64 past 4 GB, RF64 downgraded to WAV when
 * the length is unknown); argument errors; the file mode follows the umask. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "cramp/recording.h"
#include "testutil.h"

#define SEED 0x77a1e5eedULL

static char g_dir[64];

static const char *tpath(const char *name) { return test_path_in(g_dir, name); }

/* Files in g_dir (temporaries included). */
static int count_files(void)
{
    DIR *d = opendir(g_dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void magic(const char *path, char *out4)
{
    memset(out4, 0, 5);
    FILE *f = fopen(path, "rb");
    if (!f) return;
    if (fread(out4, 1, 4, f) != 4) out4[0] = '\0';
    fclose(f);
}

static int sf_major(const char *path)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) return -1;
    sf_close(sf);
    return info.format;
}

static void test_round_trip_and_atomicity(void)
{
    test_rng rng = {SEED};
    const size_t ch = 4, frames = 10007;
    float *x = malloc(frames * ch * sizeof *x);
    for (size_t i = 0; i < frames * ch; i++)
        x[i] = (float)(test_rng_normal(&rng) * (i % 3 == 0 ? 100.0 : 0.01));
    const char *dst = tpath("out.wav");
    cramp_wav_writer *w = NULL;
    cramp_error err = {0};
    CHECK(cramp_wav_writer_create(&w, dst, ch, 2000.0, frames, &err) == CRAMP_OK, "create: %s",
          err.message);
    if (!w) {
        free(x);
        return;
    }
    for (size_t at = 0; at < frames;) {
        const size_t n = frames - at < 777 ? frames - at : 777;
        CHECK(cramp_wav_writer_write(w, x + at * ch, n, &err) == CRAMP_OK, "write: %s",
              err.message);
        at += n;
        struct stat sb;
        CHECK(stat(dst, &sb) != 0 && errno == ENOENT, "destination exists before close");
    }
    CHECK(count_files() == 1, "one temporary file while writing: %d files", count_files());
    CHECK(cramp_wav_writer_close(w, &err) == CRAMP_OK, "close: %s", err.message);
    CHECK(count_files() == 1, "only the output after close: %d files", count_files());
    char m[5];
    magic(dst, m);
    CHECK(strcmp(m, "RIFF") == 0, "a small output with a known length is a RIFF WAV: '%s'", m);
    struct stat sb;
    CHECK(stat(dst, &sb) == 0 && (sb.st_mode & 0777) == 0640,
          "mode follows the umask (027): %o", (unsigned)(sb.st_mode & 0777));

    cramp_recording *r = NULL;
    CHECK(cramp_recording_open(&r, dst, NULL, &err) == CRAMP_OK, "read back: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == ch && h->channels[0].fs == 2000.0, "header: %zu ch at %g Hz",
              h->n_channels, h->channels[0].fs);
        size_t sel[4] = {0, 1, 2, 3};
        cramp_recording_select(r, sel, ch, &err);
        float *y = malloc(frames * ch * sizeof *y);
        size_t got = 0;
        CHECK(cramp_recording_read(r, y, frames + 10, &got, &err) == CRAMP_OK && got == frames,
              "read back %zu frames", got);
        CHECK(memcmp(x, y, frames * ch * sizeof *x) == 0, "values read back differ");
        free(y);
        cramp_recording_close(r);
    }

    /* Abort: an existing file stays as it was, no temporary remains. */
    FILE *f = fopen(dst, "wb");
    if (f) {
        fputs("keep me", f);
        fclose(f);
    }
    w = NULL;
    CHECK(cramp_wav_writer_create(&w, dst, ch, 2000.0, frames, &err) == CRAMP_OK, "create 2");
    if (w) {
        cramp_wav_writer_write(w, x, 100, &err);
        CHECK(count_files() == 2, "temporary beside the existing file");
        cramp_wav_writer_abort(w);
    }
    cramp_wav_writer_abort(NULL);
    CHECK(count_files() == 1, "abort leaves no temporary: %d files", count_files());
    char keep[16] = {0};
    f = fopen(dst, "rb");
    if (f) {
        if (fread(keep, 1, sizeof keep - 1, f) == 0) keep[0] = '\0';
        fclose(f);
    }
    CHECK(strcmp(keep, "keep me") == 0, "abort left the existing file untouched: '%s'", keep);
    unlink(dst);
    free(x);
}

static void test_containers(void)
{
    const float fr[2] = {0.25f, -0.5f};
    static const struct {
        const char *name;
        uint64_t expected;
        size_t ch;
        const char *magic;
        int major; /* unknown.wav: libsndfile's downgrade writes WAVE_FORMAT_EXTENSIBLE */
    } cases[] = {
        {"small.wav", 1000, 2, "RIFF", SF_FORMAT_WAV},
        /* 2 ch x 4 bytes: 4e9 - 4096 bytes is 499999488 frames. */
        {"edge.wav", 499999488, 2, "RIFF", SF_FORMAT_WAV},
        {"over.wav", 499999489, 2, "riff", SF_FORMAT_W64},
        {"unknown.wav", 0, 2, "RIFF", SF_FORMAT_WAVEX},
        {"named.w64", 10, 2, "riff", SF_FORMAT_W64},
        {"named.RF64", 10, 2, "RF64", SF_FORMAT_RF64},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = tpath(cases[i].name);
        cramp_wav_writer *w = NULL;
        cramp_error err = {0};
        CHECK(cramp_wav_writer_create(&w, p, cases[i].ch, 500.0, cases[i].expected, &err) ==
                  CRAMP_OK,
              "%s: %s", cases[i].name, err.message);
        if (!w) continue;
        for (int k = 0; k < 3; k++) cramp_wav_writer_write(w, fr, 1, &err);
        CHECK(cramp_wav_writer_close(w, &err) == CRAMP_OK, "%s: close: %s", cases[i].name,
              err.message);
        char m[5];
        magic(p, m);
        CHECK(strcmp(m, cases[i].magic) == 0, "%s: magic '%s', expected '%s'", cases[i].name, m,
              cases[i].magic);
        const int fmt = sf_major(p);
        CHECK(fmt == (cases[i].major | SF_FORMAT_FLOAT), "%s: libsndfile reads format %#x",
              cases[i].name, (unsigned)fmt);
        cramp_recording *r = NULL;
        CHECK(cramp_recording_open(&r, p, NULL, &err) == CRAMP_OK, "%s: reopen: %s",
              cases[i].name, err.message);
        if (r) {
            size_t sel[2] = {1, 0};
            cramp_recording_select(r, sel, 2, &err);
            float y[8];
            size_t got = 0;
            CHECK(cramp_recording_read(r, y, 4, &got, &err) == CRAMP_OK && got == 3 &&
                      y[0] == -0.5f && y[1] == 0.25f && y[4] == -0.5f,
                  "%s: 3 frames read back (%zu)", cases[i].name, got);
            cramp_recording_close(r);
        }
        unlink(p);
    }
}

static void test_errors(void)
{
    static const struct { size_t ch; double fs; const char *what; } bad[] = {
        {0, 1000.0, "0 channels"},       {1025, 1000.0, "1025 channels"},
        {1, 12.8, "a fractional rate"},  {1, 0.0, "rate 0"},
        {1, (double)NAN, "rate NaN"},            {1, 3e9, "rate beyond int"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cramp_wav_writer *w = (cramp_wav_writer *)&w;
        cramp_error err = {0};
        CHECK(cramp_wav_writer_create(&w, tpath("bad.wav"), bad[i].ch, bad[i].fs, 10, &err) ==
                      CRAMP_EINVAL &&
                  w == NULL,
              "%s refused", bad[i].what);
        CHECK(strstr(err.message, "bad.wav") != NULL, "%s: message names the file: %s",
              bad[i].what, err.message);
    }
    cramp_wav_writer *w = NULL;
    cramp_error err = {0};
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no-such-dir/out.wav", g_dir);
    CHECK(cramp_wav_writer_create(&w, missing, 1, 1000.0, 10, &err) == CRAMP_EIO && !w,
          "a missing folder is an I/O error");
    CHECK(strstr(err.message, "no-such-dir/out.wav") != NULL, "missing folder named: %s",
          err.message);
    CHECK(cramp_wav_writer_create(&w, tpath(""), 1, 1000.0, 10, &err) == CRAMP_EINVAL,
          "a folder name is not a file name");
    CHECK(cramp_wav_writer_create(NULL, "x.wav", 1, 1000.0, 10, &err) == CRAMP_EINVAL, "NULL out");
    CHECK(cramp_wav_writer_write(NULL, NULL, 1, &err) == CRAMP_EINVAL, "write NULL writer");
    CHECK(cramp_wav_writer_close(NULL, &err) == CRAMP_EINVAL, "close NULL writer");
    CHECK(count_files() == 0, "failed creates leave nothing: %d files", count_files());
}

int main(void)
{
    umask(027);
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/cramp-wavw-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip_and_atomicity();
    test_containers();
    test_errors();
    if (rmdir(g_dir) != 0) fprintf(stderr, "note: %s left: %s\n", g_dir, strerror(errno));
    return cramp_test_finish("wav_write");
}
