/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tuning file (cramp/tuning.h): the CPU key, the default path, reading
 * with a message naming the line, writing through the one safe output. */
#define _POSIX_C_SOURCE 200809L

#include "cramp/tuning.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "cramp/output.h"

#define WISDOM_NONE "none"
/* A tuning file is a few hundred bytes; anything much longer is not one. */
#define TUNING_MAX_BYTES (64 * 1024)

static const char *const EFFORT_NAMES[] = {"estimate", "measure", "patient", "exhaustive"};

const char *cramp_tuning_effort_name(cramp_fft_effort e)
{
    return (unsigned)e <= (unsigned)CRAMP_FFT_EXHAUSTIVE ? EFFORT_NAMES[e] : "unknown";
}

int cramp_tuning_effort_parse(const char *name, cramp_fft_effort *out)
{
    if (!name || !out) return -1;
    for (int e = CRAMP_FFT_ESTIMATE; e <= CRAMP_FFT_EXHAUSTIVE; e++) {
        if (strcmp(name, EFFORT_NAMES[e]) == 0) {
            *out = (cramp_fft_effort)e;
            return 0;
        }
    }
    return -1;
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Copies s[0..n) into out (size bytes) without leading/trailing blanks. */
static void copy_trimmed(char *out, size_t size, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    if (n >= size) n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void cramp_tuning_cpu(char *model, char *flags)
{
    char line[8192];
    int have_model = 0, have_flags = 0;
    strcpy(model, "unknown");
    snprintf(flags, CRAMP_TUNING_FLAGS_SIZE, "%016llx", (unsigned long long)fnv1a("", 0));
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    /* A flags line longer than the buffer is hashed whole, piece by piece. */
    uint64_t h = 14695981039346656037ull;
    int in_flags = 0;
    while (fgets(line, sizeof line, f)) {
        const size_t len = strlen(line);
        const int whole = len && line[len - 1] == '\n';
        if (in_flags) {
            for (size_t i = 0; i < len - (size_t)whole; i++) {
                h ^= (unsigned char)line[i];
                h *= 1099511628211ull;
            }
            if (whole) in_flags = 0, have_flags = 1;
            continue;
        }
        const char *colon = strchr(line, ':');
        if (!colon) continue;
        size_t klen = (size_t)(colon - line);
        while (klen && (line[klen - 1] == ' ' || line[klen - 1] == '\t')) klen--;
        const char *val = colon + 1;
        while (*val == ' ' || *val == '\t') val++;
        size_t vlen = strlen(val);
        if (vlen && val[vlen - 1] == '\n') vlen--;
        if (!have_model && klen == 10 && strncmp(line, "model name", 10) == 0) {
            copy_trimmed(model, CRAMP_TUNING_MODEL_SIZE, val, vlen);
            if (!*model) strcpy(model, "unknown");
            have_model = 1;
        } else if (!have_flags && klen == 5 && strncmp(line, "flags", 5) == 0) {
            while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\r')) vlen--;
            for (size_t i = 0; i < vlen; i++) {
                h ^= (unsigned char)val[i];
                h *= 1099511628211ull;
            }
            if (whole) have_flags = 1;
            else in_flags = 1;
        }
        if (have_model && have_flags) break;
    }
    fclose(f);
    if (have_flags || in_flags)
        snprintf(flags, CRAMP_TUNING_FLAGS_SIZE, "%016llx", (unsigned long long)h);
}

void cramp_tuning_init(cramp_tuning *t)
{
    memset(t, 0, sizeof *t);
    cramp_tuning_cpu(t->cpu_model, t->cpu_flags);
    t->block_frames = 0;
    t->simd = CRAMP_SIMD_AUTO;
    t->fft_effort = CRAMP_FFT_ESTIMATE;
}

int cramp_tuning_matches_cpu(const cramp_tuning *t)
{
    char model[CRAMP_TUNING_MODEL_SIZE], flags[CRAMP_TUNING_FLAGS_SIZE];
    cramp_tuning_cpu(model, flags);
    return t && strcmp(t->cpu_model, model) == 0 && strcmp(t->cpu_flags, flags) == 0;
}

cramp_status cramp_tuning_default_path(char *path, size_t size, cramp_error *err)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;
    /* The XDG base directory spec: a relative XDG_CONFIG_HOME is invalid. */
    if (xdg && xdg[0] == '/')
        n = snprintf(path, size, "%s/cramp/tuning", xdg);
    else if (home && *home)
        n = snprintf(path, size, "%s/.config/cramp/tuning", home);
    else
        return cramp__fail(err, CRAMP_EINVAL,
                           "tuning: neither XDG_CONFIG_HOME (absolute) nor HOME is set");
    if (n < 0 || (size_t)n >= size)
        return cramp__fail(err, CRAMP_ERANGE, "tuning: the configuration path is too long");
    return CRAMP_OK;
}

/* Folder part of path with its slash ("" for a bare name). */
static size_t folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

enum { K_FORMAT, K_MODEL, K_FLAGS, K_BLOCK, K_SIMD, K_EFFORT, K_WISDOM, K_THREADS, K_PARTS,
       K_MEASURED, K_REFERENCE, K_COUNT };
static const char *const KEYS[K_COUNT] = {"format",        "cpu_model",     "cpu_flags",
                                          "block_frames",  "simd",          "fft_effort",
                                          "fft_wisdom",    "threads",       "part_channels",
                                          "measured_msps", "reference_msps"};
static const int REQUIRED[K_COUNT] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
/* As `cramp detect --threads` takes them. */
#define THREADS_MAX 1024u

static int parse_msps(const char *v, double *out)
{
    char *end = NULL;
    errno = 0;
    const double x = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(x) || x < 0) return -1;
    *out = x;
    return 0;
}

/* Parses one "key value" line (NUL-terminated, no newline) into t; 0, or -1
 * with what[] saying why. seen[] counts each key. */
static int parse_line(const char *path, char *line, cramp_tuning *t, int *seen, char *what,
                      size_t what_size)
{
    char *key = line;
    while (*key == ' ' || *key == '\t') key++;
    size_t klen = strcspn(key, " \t");
    char *val = key + klen;
    while (*val == ' ' || *val == '\t') val++;
    size_t vlen = strlen(val);
    while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t' || val[vlen - 1] == '\r'))
        val[--vlen] = '\0';
    key[klen] = '\0';
    int k = 0;
    while (k < K_COUNT && strcmp(key, KEYS[k]) != 0) k++;
    if (k == K_COUNT) {
        snprintf(what, what_size, "unknown key '%.40s' (this cramp reads format %d: a newer "
                 "cramp may have written it; run cramp tune again)", key, CRAMP_TUNING_FORMAT);
        return -1;
    }
    if (seen[k]++) {
        snprintf(what, what_size, "'%s' given twice", KEYS[k]);
        return -1;
    }
    if (!*val) {
        snprintf(what, what_size, "'%s' has no value", KEYS[k]);
        return -1;
    }
    char *end = NULL;
    switch (k) {
    case K_FORMAT:
        if (strcmp(val, "1") != 0) {
            snprintf(what, what_size, "format '%.20s' is not %d, the one this cramp reads", val,
                     CRAMP_TUNING_FORMAT);
            return -1;
        }
        break;
    case K_MODEL:
        if (vlen >= CRAMP_TUNING_MODEL_SIZE) {
            snprintf(what, what_size, "cpu_model is longer than %d characters",
                     CRAMP_TUNING_MODEL_SIZE - 1);
            return -1;
        }
        memcpy(t->cpu_model, val, vlen + 1);
        break;
    case K_FLAGS:
        if (vlen != CRAMP_TUNING_FLAGS_SIZE - 1 || strspn(val, "0123456789abcdef") != vlen) {
            snprintf(what, what_size, "cpu_flags '%.40s' is not 16 lower-case hex digits", val);
            return -1;
        }
        memcpy(t->cpu_flags, val, vlen + 1);
        break;
    case K_BLOCK: {
        errno = 0;
        const unsigned long long v = strtoull(val, &end, 10);
        /* The night driver holds block x channels floats: keep it sane. */
        if (errno || end == val || *end || val[0] == '-' || v == 0 || v > (1ull << 24)) {
            snprintf(what, what_size, "block_frames '%.40s' is not a whole number in 1..%llu",
                     val, 1ull << 24);
            return -1;
        }
        t->block_frames = (size_t)v;
        break;
    }
    case K_THREADS:
    case K_PARTS: {
        const unsigned long long max = k == K_THREADS ? THREADS_MAX : CRAMP_DETECT_MAX_CHANNELS;
        errno = 0;
        const unsigned long long v = strtoull(val, &end, 10);
        if (errno || end == val || *end || val[0] == '-' || v == 0 || v > max) {
            snprintf(what, what_size, "%s '%.40s' is not a whole number in 1..%llu", KEYS[k],
                     val, max);
            return -1;
        }
        *(k == K_THREADS ? &t->threads : &t->part_channels) = (size_t)v;
        break;
    }
    case K_SIMD:
        if (cramp_simd_parse(val, &t->simd) != 0) {
            snprintf(what, what_size, "simd '%.40s' is not auto, scalar, avx2 or avx512", val);
            return -1;
        }
        break;
    case K_EFFORT:
        if (cramp_tuning_effort_parse(val, &t->fft_effort) != 0) {
            snprintf(what, what_size,
                     "fft_effort '%.40s' is not estimate, measure, patient or exhaustive", val);
            return -1;
        }
        break;
    case K_WISDOM: {
        if (strcmp(val, WISDOM_NONE) == 0) {
            t->fft_wisdom[0] = '\0';
            break;
        }
        const size_t fl = val[0] == '/' ? 0 : folder_len(path);
        if (fl + vlen >= sizeof t->fft_wisdom) {
            snprintf(what, what_size, "fft_wisdom path is too long");
            return -1;
        }
        memcpy(t->fft_wisdom, path, fl);
        memcpy(t->fft_wisdom + fl, val, vlen + 1);
        break;
    }
    case K_MEASURED:
    case K_REFERENCE:
        if (parse_msps(val, k == K_MEASURED ? &t->measured_msps : &t->reference_msps) != 0) {
            snprintf(what, what_size, "%s '%.40s' is not a number >= 0", KEYS[k], val);
            return -1;
        }
        break;
    }
    return 0;
}

cramp_status cramp_tuning_read(const char *path, cramp_tuning *t, cramp_error *err)
{
    cramp_tuning_init(t);
    if (!path || !*path) return cramp__fail(err, CRAMP_EINVAL, "tuning: no file named");
    if (strlen(path) >= sizeof t->path)
        return cramp__fail(err, CRAMP_ERANGE, "tuning: path is too long");
    char *text = NULL;
    int open_errno = 0;
    cramp_status st = cramp__read_text_file(path, TUNING_MAX_BYTES, &text, NULL, &open_errno);
    if (st == CRAMP_EIO)
        return cramp__fail(err, st, "%s: cannot read tuning: %s", path,
                           open_errno ? strerror(open_errno) : "read error");
    if (st == CRAMP_ERANGE)
        return cramp__fail(err, CRAMP_EFORMAT, "%s: not a tuning file (over %d bytes)", path,
                           TUNING_MAX_BYTES);
    if (st == CRAMP_EFORMAT)
        return cramp__fail(err, st, "%s: not a tuning file (binary data)", path);
    if (st != CRAMP_OK) return cramp__fail(err, st, "%s: cannot read tuning", path);

    cramp_tuning v;
    cramp_tuning_init(&v);
    v.cpu_model[0] = v.cpu_flags[0] = '\0';
    int seen[K_COUNT] = {0};
    char what[200];
    size_t lineno = 0;
    st = CRAMP_OK;
    for (char *line = text; line && st == CRAMP_OK;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        const char *p = line + strspn(line, " \t\r");
        if (*p && *p != '#' && parse_line(path, line, &v, seen, what, sizeof what) != 0)
            st = cramp__fail(err, CRAMP_EFORMAT, "%s:%zu: %s", path, lineno, what);
        line = next;
    }
    free(text);
    for (int k = 0; k < K_COUNT && st == CRAMP_OK; k++)
        if (REQUIRED[k] && !seen[k])
            st = cramp__fail(err, CRAMP_EFORMAT, "%s:0: no '%s' line (every tuning file has "
                             "format, cpu_model, cpu_flags, block_frames, simd, fft_effort, "
                             "fft_wisdom)", path, KEYS[k]);
    if (st != CRAMP_OK) return st;
    memcpy(v.path, path, strlen(path) + 1);
    *t = v;
    return CRAMP_OK;
}

cramp_status cramp_tuning_write(const char *path, const cramp_tuning *t, cramp_error *err)
{
    if (!path || !*path || !t) return cramp__fail(err, CRAMP_EINVAL, "tuning: nothing to write");
    if (strchr(t->cpu_model, '\n') || strlen(t->cpu_flags) != CRAMP_TUNING_FLAGS_SIZE - 1 ||
        strchr(t->fft_wisdom, '\n') || t->threads > THREADS_MAX ||
        t->part_channels > CRAMP_DETECT_MAX_CHANNELS ||
        !isfinite(t->measured_msps) || !isfinite(t->reference_msps))
        return cramp__fail(err, CRAMP_EINVAL, "%s: cannot write: the tuning is malformed", path);
    const char *wisdom = t->fft_wisdom[0] ? t->fft_wisdom : WISDOM_NONE;
    const size_t fl = folder_len(path);
    if (t->fft_wisdom[0] && fl && strncmp(t->fft_wisdom, path, fl) == 0 &&
        !strchr(t->fft_wisdom + fl, '/'))
        wisdom = t->fft_wisdom + fl;
    cramp_output *o;
    cramp_status st = cramp_output_open(&o, path, 0, err);
    if (st != CRAMP_OK) return st;
    FILE *f = cramp_output_stream(o, err);
    if (!f) {
        cramp_output_abort(o);
        return err ? err->status : CRAMP_EIO;
    }
    fprintf(f,
            "# cramp tuning of the night driver, written by `cramp tune` (cramp/tuning.h).\n"
            "# One \"key value\" per line. It changes speed only, never the results.\n"
            "format %d\n"
            "cpu_model %s\n"
            "cpu_flags %s\n"
            "block_frames %zu\n"
            "simd %s\n"
            "fft_effort %s\n"
            "fft_wisdom %s\n",
            CRAMP_TUNING_FORMAT, t->cpu_model[0] ? t->cpu_model : "unknown", t->cpu_flags,
            t->block_frames ? t->block_frames : 4096, cramp_simd_name(t->simd),
            cramp_tuning_effort_name(t->fft_effort), wisdom);
    if (t->threads) fprintf(f, "threads %zu\n", t->threads);
    if (t->part_channels) fprintf(f, "part_channels %zu\n", t->part_channels);
    if (t->measured_msps > 0) fprintf(f, "measured_msps %.1f\n", t->measured_msps);
    if (t->reference_msps > 0) fprintf(f, "reference_msps %.1f\n", t->reference_msps);
    return cramp_output_commit(o, err);
}

cramp_status cramp_tuning_find(const char *path, cramp_tuning *t, cramp_tuning_state *state,
                               char *note, size_t note_size, cramp_error *err)
{
    char def[CRAMP_TUNING_PATH_SIZE];
    char dummy[1];
    if (!note || !note_size) note = dummy, note_size = sizeof dummy;
    cramp_tuning_init(t);
    *state = CRAMP_TUNING_NONE;
    if (!path) {
        if (cramp_tuning_default_path(def, sizeof def, NULL) != CRAMP_OK) {
            snprintf(note, note_size, "none (no configuration folder: HOME is not set)");
            return CRAMP_OK;
        }
        path = def;
    }
    if (strlen(path) < sizeof t->path) memcpy(t->path, path, strlen(path) + 1);
    FILE *probe = fopen(path, "r");
    if (!probe && errno == ENOENT) {
        snprintf(note, note_size, "none (no %s)", path);
        return CRAMP_OK;
    }
    if (probe) fclose(probe);
    cramp_tuning v;
    cramp_error e;
    cramp_status st = cramp_tuning_read(path, &v, &e);
    if (st != CRAMP_OK) {
        *state = CRAMP_TUNING_REFUSED;
        snprintf(note, note_size, "none (refused: %s)", e.message);
        if (err) *err = e;
        return st;
    }
    if (!cramp_tuning_matches_cpu(&v)) {
        *state = CRAMP_TUNING_OTHER_CPU;
        snprintf(note, note_size, "none (%s is for another CPU: %s / %s; this is %s / %s)", path,
                 v.cpu_model, v.cpu_flags, t->cpu_model, t->cpu_flags);
        return CRAMP_OK;
    }
    *t = v;
    *state = CRAMP_TUNING_IN_FORCE;
    char threads[80] = "";
    if (v.threads && v.part_channels)
        snprintf(threads, sizeof threads, ", threads %zu, parts of %zu", v.threads,
                 v.part_channels);
    else if (v.threads)
        snprintf(threads, sizeof threads, ", threads %zu", v.threads);
    else if (v.part_channels)
        snprintf(threads, sizeof threads, ", parts of %zu", v.part_channels);
    snprintf(note, note_size, "%s (key %s / %s: block %zu, simd %s, fft %s%s)", path, v.cpu_model,
             v.cpu_flags, v.block_frames, cramp_simd_name(v.simd),
             cramp_tuning_effort_name(v.fft_effort), threads);
    return CRAMP_OK;
}
