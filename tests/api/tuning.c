/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* The tuning file (cramp/tuning.h) through the public API: written and read
 * back field by field; the wisdom path relative to the file's folder; every
 * kind of corrupt file refused with CRAMP_EFORMAT and a message naming the
 * file and the line; a file for another CPU found but not applied; the
 * default path from XDG_CONFIG_HOME or HOME; apply changing only the three
 * tuned fields (never threads: the caller decides); the optional threads
 * line written, read back, absent as 0 (today's behaviour) and refused with
 * the file and line when bad. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/tuning.h"
#include "testutil.h"

static char g_dir[256];

static const char *at(const char *name) { return test_path_in(g_dir, name); }

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* A valid file for this CPU with `extra` appended (or `replace` lines). */
static void valid_text(char *buf, size_t size, const char *extra)
{
    char model[CRAMP_TUNING_MODEL_SIZE], flags[CRAMP_TUNING_FLAGS_SIZE];
    cramp_tuning_cpu(model, flags);
    snprintf(buf, size,
             "# comment\n"
             "format 1\n"
             "cpu_model %s\n"
             "cpu_flags %s\n"
             "\n"
             "block_frames 8192\n"
             "simd scalar\n"
             "fft_effort estimate\n"
             "fft_wisdom none\n"
             "%s",
             model, flags, extra);
}

/* The file `text` must be refused with a message "PATH:LINE: " that
 * contains `what`. */
static void refused(const char *text, int line, const char *what)
{
    const char *p = at("bad");
    write_text(p, text);
    cramp_tuning t;
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_tuning_read(p, &t, &err);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:%d: ", p, line);
    CHECK(st == CRAMP_EFORMAT, "status %d for a corrupt file (want EFORMAT), text:\n%s", (int)st,
          text);
    CHECK(strncmp(err.message, prefix, strlen(prefix)) == 0,
          "message '%s' does not start with '%s'", err.message, prefix);
    CHECK(strstr(err.message, what) != NULL, "message '%s' does not say '%s'", err.message,
          what);
    CHECK(t.block_frames == 0 && t.simd == CRAMP_SIMD_AUTO && t.path[0] == '\0',
          "a refused file left values in *t");
    /* find: refused, and nothing to apply. */
    cramp_tuning_state state;
    char note[1024];
    st = cramp_tuning_find(p, &t, &state, note, sizeof note, &err);
    CHECK(st == CRAMP_EFORMAT && state == CRAMP_TUNING_REFUSED, "find: status %d state %d",
          (int)st, (int)state);
    CHECK(strstr(note, prefix) != NULL, "find's note '%s' lacks '%s'", note, prefix);
    CHECK(t.block_frames == 0, "find applied a refused file");
}

static void test_round_trip(void)
{
    cramp_tuning t, back;
    cramp_tuning_init(&t);
    CHECK(cramp_tuning_matches_cpu(&t), "an untuned value does not match this CPU");
    t.block_frames = 16384;
    t.simd = CRAMP_SIMD_SCALAR;
    t.fft_effort = CRAMP_FFT_MEASURE;
    snprintf(t.fft_wisdom, sizeof t.fft_wisdom, "%s", at("fftw-wisdom"));
    t.measured_msps = 212.5;
    t.reference_msps = 176;
    t.threads = 3;
    t.part_channels = 4;
    cramp_error err;
    CHECK(cramp_tuning_write(at("tuning"), &t, &err) == CRAMP_OK, "write: %s", err.message);
    CHECK(cramp_tuning_read(at("tuning"), &back, &err) == CRAMP_OK, "read: %s", err.message);
    CHECK(strcmp(back.cpu_model, t.cpu_model) == 0 && strcmp(back.cpu_flags, t.cpu_flags) == 0,
          "cpu key '%s' '%s' read back as '%s' '%s'", t.cpu_model, t.cpu_flags, back.cpu_model,
          back.cpu_flags);
    CHECK(back.block_frames == 16384 && back.simd == CRAMP_SIMD_SCALAR &&
              back.fft_effort == CRAMP_FFT_MEASURE,
          "values read back: %zu %d %d", back.block_frames, (int)back.simd,
          (int)back.fft_effort);
    CHECK(strcmp(back.fft_wisdom, t.fft_wisdom) == 0, "wisdom '%s' read back as '%s'",
          t.fft_wisdom, back.fft_wisdom);
    CHECK(back.measured_msps == 212.5 && back.reference_msps == 176, "speeds %g %g",
          back.measured_msps, back.reference_msps);
    CHECK(back.threads == 3 && back.part_channels == 4, "threads 3, parts of 4 read back as "
          "%zu, %zu", back.threads, back.part_channels);
    CHECK(strcmp(back.path, at("tuning")) == 0, "path '%s'", back.path);
    /* The file names the wisdom relative to its folder. */
    FILE *f = fopen(at("tuning"), "r");
    char text[4096] = "";
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f) fclose(f);
    CHECK(strstr(text, "\nfft_wisdom fftw-wisdom\n") != NULL, "file:\n%s", text);
    CHECK(strstr(text, "\nthreads 3\n") != NULL, "no threads line in the file:\n%s", text);

    /* find: in force, with a note naming the path and key. */
    cramp_tuning_state state;
    char note[1024];
    CHECK(cramp_tuning_find(at("tuning"), &back, &state, note, sizeof note, &err) == CRAMP_OK,
          "find: %s", err.message);
    CHECK(state == CRAMP_TUNING_IN_FORCE && back.block_frames == 16384, "state %d", (int)state);
    CHECK(strstr(note, at("tuning")) && strstr(note, t.cpu_flags), "note '%s'", note);
    CHECK(strstr(note, ", threads 3, parts of 4)") != NULL, "note '%s' lacks the threads",
          note);

    /* Without threads: no line written, 0 read back, and the note is silent. */
    t.threads = 0;
    t.part_channels = 0;
    CHECK(cramp_tuning_write(at("tuning"), &t, &err) == CRAMP_OK, "write: %s", err.message);
    f = fopen(at("tuning"), "r");
    n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f) fclose(f);
    CHECK(strstr(text, "threads") == NULL && strstr(text, "part_channels") == NULL,
          "threads 0 or part_channels 0 was written:\n%s", text);
    CHECK(cramp_tuning_find(at("tuning"), &back, &state, note, sizeof note, &err) == CRAMP_OK &&
              state == CRAMP_TUNING_IN_FORCE && back.threads == 0 && !strstr(note, "threads"),
          "no threads line: state %d threads %zu note '%s'", (int)state, back.threads, note);
    char valid[2048];
    valid_text(valid, sizeof valid, "threads 1024\n");
    write_text(at("tuning"), valid);
    CHECK(cramp_tuning_read(at("tuning"), &back, &err) == CRAMP_OK && back.threads == 1024,
          "threads 1024: %zu (%s)", back.threads, err.message);
    t.threads = 1025;
    CHECK(cramp_tuning_write(at("tuning"), &t, &err) == CRAMP_EINVAL,
          "threads 1025 was written");
    t.threads = 2;
    t.part_channels = CRAMP_DETECT_MAX_CHANNELS + 1;
    CHECK(cramp_tuning_write(at("tuning"), &t, &err) == CRAMP_EINVAL,
          "part_channels %d was written", CRAMP_DETECT_MAX_CHANNELS + 1);

    /* Another CPU's file: found, not applied, and the note says so. */
    char other[2048];
    snprintf(other, sizeof other,
             "format 1\ncpu_model Imaginary CPU 9000\ncpu_flags 0123456789abcdef\n"
             "block_frames 1024\nsimd scalar\nfft_effort estimate\nfft_wisdom none\n");
    write_text(at("other"), other);
    CHECK(cramp_tuning_read(at("other"), &back, &err) == CRAMP_OK, "read other: %s",
          err.message);
    CHECK(!cramp_tuning_matches_cpu(&back), "another CPU's file matches this CPU");
    CHECK(cramp_tuning_find(at("other"), &back, &state, note, sizeof note, &err) == CRAMP_OK,
          "find other: %s", err.message);
    CHECK(state == CRAMP_TUNING_OTHER_CPU && back.block_frames == 0,
          "another CPU's file: state %d, block %zu", (int)state, back.block_frames);
    CHECK(strstr(note, "another CPU") && strstr(note, "Imaginary CPU 9000"), "note '%s'", note);

    /* No file: none. */
    CHECK(cramp_tuning_find(at("missing"), &back, &state, note, sizeof note, &err) == CRAMP_OK &&
              state == CRAMP_TUNING_NONE && strstr(note, "none"),
          "missing file: state %d note '%s'", (int)state, note);
}

static void test_corrupt(void)
{
    char text[2048];
    valid_text(text, sizeof text, "block_frames 1\n");
    refused(text, 10, "given twice");
    valid_text(text, sizeof text, "threads 0\n");
    refused(text, 10, "threads '0' is not a whole number in 1..1024");
    valid_text(text, sizeof text, "threads two\n");
    refused(text, 10, "threads 'two'");
    valid_text(text, sizeof text, "threads -2\n");
    refused(text, 10, "threads '-2'");
    valid_text(text, sizeof text, "threads 1025\n");
    refused(text, 10, "threads '1025'");
    valid_text(text, sizeof text, "threads 2x\n");
    refused(text, 10, "threads '2x'");
    valid_text(text, sizeof text, "threads 2\nthreads 2\n");
    refused(text, 11, "'threads' given twice");
    valid_text(text, sizeof text, "part_channels 0\n");
    refused(text, 10, "part_channels '0' is not a whole number in 1..32");
    valid_text(text, sizeof text, "part_channels 33\n");
    refused(text, 10, "part_channels '33'");
    valid_text(text, sizeof text, "treads 2\n");
    refused(text, 10, "unknown key 'treads'");
    valid_text(text, sizeof text, "measured_msps fast\n");
    refused(text, 10, "measured_msps");
    refused("format 1\nblock_frames banana\n", 2, "block_frames 'banana'");
    refused("format 1\nblock_frames 0\n", 2, "block_frames '0'");
    refused("format 1\nblock_frames -5\n", 2, "block_frames '-5'");
    refused("format 2\n", 1, "format '2'");
    refused("format 1\nsimd neon\n", 2, "simd 'neon'");
    refused("format 1\nfft_effort lazy\n", 2, "fft_effort 'lazy'");
    refused("format 1\ncpu_flags XYZ\n", 2, "cpu_flags 'XYZ'");
    refused("format 1\nsimd\n", 2, "'simd' has no value");
    refused("format 1\nsimd scalar\n", 0, "no 'cpu_model' line");
    refused("<html>not a tuning</html>\n", 1, "unknown key");
    /* Binary data: the whole file refused (line 0 not claimed; the path named). */
    FILE *f = fopen(at("bin"), "wb");
    fwrite("format 1\n\0\1\2", 1, 12, f);
    fclose(f);
    cramp_tuning t;
    cramp_error err;
    CHECK(cramp_tuning_read(at("bin"), &t, &err) == CRAMP_EFORMAT &&
              strstr(err.message, at("bin")),
          "binary file: '%s'", err.message);
    CHECK(cramp_tuning_read(at("nothing-here"), &t, &err) == CRAMP_EIO &&
              strstr(err.message, at("nothing-here")),
          "missing file: '%s'", err.message);
}

static void test_default_path(void)
{
    char p[CRAMP_TUNING_PATH_SIZE];
    cramp_error err;
    setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
    setenv("HOME", "/home/someone", 1);
    CHECK(cramp_tuning_default_path(p, sizeof p, &err) == CRAMP_OK &&
              strcmp(p, "/xdg/conf/cramp/tuning") == 0,
          "XDG path '%s'", p);
    setenv("XDG_CONFIG_HOME", "relative/conf", 1); /* invalid by the XDG spec */
    CHECK(cramp_tuning_default_path(p, sizeof p, &err) == CRAMP_OK &&
              strcmp(p, "/home/someone/.config/cramp/tuning") == 0,
          "HOME path '%s'", p);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    CHECK(cramp_tuning_default_path(p, sizeof p, &err) == CRAMP_EINVAL, "no HOME accepted");
    CHECK(cramp_tuning_default_path(p, 8, &err) != CRAMP_OK, "no room accepted");
    cramp_tuning t;
    cramp_tuning_state state;
    char note[256];
    CHECK(cramp_tuning_find(NULL, &t, &state, note, sizeof note, &err) == CRAMP_OK &&
              state == CRAMP_TUNING_NONE,
          "no HOME: state %d", (int)state);
}

static void test_apply(void)
{
    cramp_night_options a, b;
    cramp_night_options_default(&a);
    cramp_night_options_default(&b);
    cramp_tuning t;
    cramp_tuning_init(&t);
    CHECK(cramp_tuning_apply(&t, &b) == 0, "an untuned value applied something");
    CHECK(memcmp(&a, &b, sizeof a) == 0, "an untuned value changed the options");
    CHECK(cramp_tuning_apply(NULL, &b) == 0, "NULL applied something");
    t.block_frames = 1;
    t.simd = CRAMP_SIMD_SCALAR;
    t.fft_effort = CRAMP_FFT_MEASURE;
    t.threads = 5; /* the caller's to apply, never cramp_tuning_apply's */
    snprintf(t.fft_wisdom, sizeof t.fft_wisdom, "/somewhere/fftw-wisdom");
    CHECK(cramp_tuning_apply(&t, &b) == 3, "applied fields");
    CHECK(b.threads == a.threads, "apply set threads %zu", b.threads);
    t.part_channels = 2;
    CHECK(cramp_tuning_apply(&t, &b) == 4 && b.part_channels == 2, "part_channels: %zu",
          b.part_channels);
    b.part_channels = a.part_channels;
    CHECK(b.block_frames == 1 && b.detect.simd == CRAMP_SIMD_SCALAR &&
              b.detect.fft_effort == CRAMP_FFT_MEASURE && b.detect.fft_wisdom == t.fft_wisdom,
          "options after apply: %zu %d %d", b.block_frames, (int)b.detect.simd,
          (int)b.detect.fft_effort);
    /* Everything else as it was. */
    b.block_frames = a.block_frames;
    b.detect.simd = a.detect.simd;
    b.detect.fft_effort = a.detect.fft_effort;
    b.detect.fft_wisdom = a.detect.fft_wisdom;
    CHECK(memcmp(&a, &b, sizeof a) == 0, "apply changed another field");
    /* A path this CPU or build lacks is not applied. */
    if (!cramp_simd_available(CRAMP_SIMD_AVX512)) {
        cramp_night_options_default(&b);
        t.simd = CRAMP_SIMD_AVX512;
        cramp_tuning_apply(&t, &b);
        CHECK(b.detect.simd == CRAMP_SIMD_AUTO, "an unavailable path was applied");
    }
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/cramp-tuning.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_corrupt();
    test_apply();
    const char *names[] = {"tuning", "other", "bad", "bin"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(at(names[i]));
    rmdir(g_dir);
    test_default_path(); /* last: it clears HOME */
    return cramp_test_finish("tuning");
}
